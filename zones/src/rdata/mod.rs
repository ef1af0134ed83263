//! RDATA codecs: master-file text, as BIND 9.18 reads and prints it, to and from the
//! uncompressed wire form that records keep.
//!
//! # Design
//!
//! Each supported type is described once, as a list of fields (`schema.rs`). The same list
//! drives all four jobs: parsing text, checking wire data, printing, and finding the
//! embedded names that canonical form and compression care about. Every other type is
//! handled in the RFC 3597 form `\# <length> <hex>`, as BIND does for types it does not know.
//!
//! The rules for each field (what text is accepted, which wire data is well-formed, how it
//! prints) follow BIND 9.18's `lib/dns/rdata`, checked against `named-checkzone -D`.

mod addr;
mod dnssec;
mod encoding;
mod field;
mod loc;
mod misc;
mod schema;
mod svcb;
mod tokens;
mod wire;
mod wks;

use std::borrow::Cow;

use crate::Name;
use crate::name::NameError;
use crate::record::Rdata;
use crate::text::Token;
use crate::types::RType;

use field::{Field, NameUse};
use tokens::Tokens;
pub(crate) use tokens::push_plain_name;
pub(crate) use wire::name_len;
use wire::{Printer, Wire};

/// The longest RDATA BIND accepts from a zone file or the wire (it keeps room for the rest
/// of a record in a 64 KiB message).
pub const MAX_RDATA_LEN: usize = 65512;

/// Why RDATA text or wire data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct RdataError {
    /// Index of the offending token (the token count when a token is missing; 0 for wire
    /// data).
    pub token: usize,
    /// What is wrong.
    pub kind: RdataErrorKind,
}

/// What is wrong with some RDATA.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RdataErrorKind {
    /// A token is not what its field needs.
    #[error("expected {0}")]
    Expected(&'static str),
    /// The record ended before a field it needs.
    #[error("expected {0}, found the end of the record")]
    Missing(&'static str),
    /// A token after the last field.
    #[error("extra token")]
    ExtraToken,
    /// A domain name that does not parse.
    #[error("bad domain name: {0}")]
    Name(NameError),
    /// A character string over 255 octets.
    #[error("character string longer than 255 octets")]
    StringTooLong,
    /// Bad escape sequence in a character string.
    #[error("bad escape sequence in a character string")]
    BadEscape,
    /// The whole RDATA is over the limit.
    #[error("RDATA longer than 65512 octets")]
    TooLong,
    /// The fields parse but do not fit together.
    #[error("{0}")]
    Invalid(&'static str),
    /// Wire data that is not well-formed RDATA of its type.
    #[error("malformed RDATA: {0}")]
    Malformed(&'static str),
    /// A meta-type (or type 0), which has no RDATA in zone data.
    #[error("type {0} cannot appear in zone data")]
    MetaType(RType),
    /// A type whose RDATA can only be written as `\# <length> <hex>`.
    #[error("{0} RDATA can only be written as \\# <length> <hex>")]
    GenericOnly(RType),
}

/// Wire data that is not well-formed; the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed(pub(crate) &'static str);

impl From<Malformed> for RdataError {
    fn from(m: Malformed) -> Self {
        RdataError {
            token: 0,
            kind: RdataErrorKind::Malformed(m.0),
        }
    }
}

/// Why printing stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The data is valid but has no presentation form (say, a LOC version other than 0);
    /// BIND prints it in the RFC 3597 form.
    Generic,
    /// The data is not well-formed.
    Malformed(Malformed),
}

impl From<Malformed> for Stop {
    fn from(m: Malformed) -> Self {
        Stop::Malformed(m)
    }
}

/// Parses the RDATA tokens of one record (everything after the type) into wire form.
///
/// Relative names are completed with `origin`; `@` alone as a name means `origin`. The
/// RFC 3597 form `\# <len> <hex...>` is accepted for every type; for the types this module
/// knows, the bytes must be valid wire RDATA of that type, as BIND checks.
pub fn from_text(rtype: RType, tokens: &[Token<'_>], origin: &Name) -> Result<Rdata, RdataError> {
    let mut out = Vec::new();
    from_text_into(rtype, tokens, origin, &mut out)?;
    Ok(Rdata(out.into_boxed_slice()))
}

/// [`from_text`] writing the wire form into `out` (cleared first), so that a reader of many
/// records can reuse one buffer and then allocate each RDATA at its exact size.
pub fn from_text_into(
    rtype: RType,
    tokens: &[Token<'_>],
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    out.clear();
    if rtype.0 == 0 || rtype.is_meta() {
        return Err(RdataError {
            token: 0,
            kind: RdataErrorKind::MetaType(rtype),
        });
    }
    let mut toks = Tokens::new(tokens, origin);
    // In TXT, `\#` is a literal `#` unless a length follows.
    let generic = matches!(tokens.first(), Some(t) if !t.quoted && t.text == "\\#")
        && (rtype != RType::TXT || starts_with_number(&tokens[1..]));
    if generic {
        toks.next_any("\\#")?;
        generic_from_text(&mut toks, out)?;
        if let Err(m) = validate_wire(rtype, out) {
            return Err(RdataError {
                token: 0,
                kind: m.kind,
            });
        }
    } else {
        let Some(fields) = schema::fields(rtype) else {
            return Err(RdataError {
                token: 0,
                kind: RdataErrorKind::GenericOnly(rtype),
            });
        };
        for field in fields {
            field.parse(&mut toks, out)?;
            if out.len() > MAX_RDATA_LEN {
                return Err(toks.error(RdataErrorKind::TooLong));
            }
        }
    }
    if !toks.is_empty() {
        return Err(toks.error_at(toks.index(), RdataErrorKind::ExtraToken));
    }
    if out.len() > MAX_RDATA_LEN {
        return Err(toks.error_at(0, RdataErrorKind::TooLong));
    }
    Ok(())
}

/// Whether BIND's lexer would read the first token as a number (for `TXT \# ...`, where
/// `\#` is a literal `#` unless a length follows).
fn starts_with_number(tokens: &[Token<'_>]) -> bool {
    matches!(tokens.first(), Some(t) if !t.quoted && tokens::parse_number(t.text).is_some())
}

/// `<length> <hex...>` after `\#`, onto `out` (empty).
fn generic_from_text(toks: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let len = toks.number(u32::MAX, "the RDATA length")?;
    if len > 65535 {
        return Err(toks.expected("an RDATA length of at most 65535"));
    }
    let len = len as usize;
    out.reserve(len);
    let mut dec = encoding::HexDecoder::default();
    while out.len() < len {
        let text = toks.next_plain("hex RDATA")?;
        dec.feed(text, out, 0, Some(len))
            .map_err(|_| toks.expected("hex RDATA of the given length"))?;
    }
    dec.finish()
        .map_err(|_| toks.expected("hex RDATA of the given length"))?;
    Ok(())
}

/// Presentation form exactly as BIND 9.18's `named-checkzone -D` prints the RDATA: absolute
/// names, BIND's quoting of strings, base64 and hex in words of 56 characters, and
/// `\# <length> <hex>` for types without a presentation form.
pub fn to_text(rtype: RType, rdata: &[u8]) -> Result<String, RdataError> {
    check(rtype, rdata, false)?;
    if let Some(fields) = schema::fields(rtype) {
        let mut w = Wire::new(rdata);
        let mut p = Printer::default();
        let printed = fields.iter().try_for_each(|f| f.print(&mut w, &mut p));
        match printed {
            Ok(()) => return Ok(p.finish()),
            Err(Stop::Generic) => {}
            Err(Stop::Malformed(m)) => return Err(m.into()),
        }
    }
    Ok(generic_to_text(rdata))
}

/// The RFC 3597 form, with the hex in BIND's words.
fn generic_to_text(rdata: &[u8]) -> String {
    let mut p = Printer::default();
    p.push("\\#");
    p.number(rdata.len());
    let hex = encoding::hex_encode(rdata);
    for chunk in encoding::chunks(&hex) {
        p.push(chunk);
    }
    p.finish()
}

/// Checks that wire bytes are well-formed RDATA for the type (unknown types: anything up to
/// the length limit).
pub fn validate_wire(rtype: RType, rdata: &[u8]) -> Result<(), RdataError> {
    check(rtype, rdata, true)
}

/// Checks wire data; `strict` as in [`Field::check`].
fn check(rtype: RType, rdata: &[u8], strict: bool) -> Result<(), RdataError> {
    if rdata.len() > MAX_RDATA_LEN {
        return Err(RdataError {
            token: 0,
            kind: RdataErrorKind::TooLong,
        });
    }
    let Some(fields) = schema::fields(rtype) else {
        return Ok(());
    };
    let mut w = Wire::new(rdata);
    for field in fields {
        field.check(&mut w, &mut |_, _| {}, strict)?;
    }
    if !w.is_empty() {
        return Err(Malformed("extra data after the last field").into());
    }
    Ok(())
}

/// The most names one RDATA can hold among those [`names`] reports (SOA, MINFO, RP, PX).
const MAX_NAMES: usize = 2;

/// The embedded names of an RDATA whose case or compression matters: the names RFC 4034
/// §6.2 (as amended by RFC 6840 §5.1) lower-cases in canonical form. Each comes with its
/// byte offset and whether RFC 3597 §4 allows compressing it in responses (the RFC 1035
/// types NS MD MF CNAME SOA MB MG MR PTR MINFO MX). Allocates nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameOffsets {
    items: [(usize, bool); MAX_NAMES],
    len: usize,
    next: usize,
}

impl NameOffsets {
    fn push(&mut self, offset: usize, compress: bool) {
        if self.len < MAX_NAMES {
            self.items[self.len] = (offset, compress);
            self.len += 1;
        }
    }
}

impl Iterator for NameOffsets {
    type Item = (usize, bool);

    fn next(&mut self) -> Option<(usize, bool)> {
        if self.next < self.len {
            self.next += 1;
            Some(self.items[self.next - 1])
        } else {
            None
        }
    }
}

/// The embedded names of an RDATA: (byte offset, whether RFC 3597 §4 allows compressing it
/// in responses). Only names RFC 4034 §6.2 lower-cases are reported; for malformed data,
/// the names before the fault.
pub fn names(rtype: RType, rdata: &[u8]) -> NameOffsets {
    let mut found = NameOffsets::default();
    let Some(fields) = schema::fields(rtype) else {
        return found;
    };
    // Nothing after the last name matters here.
    let Some(last) = fields.iter().rposition(Field::has_canonical_name) else {
        return found;
    };
    let mut w = Wire::new(rdata);
    for field in &fields[..=last] {
        let step = field.check(
            &mut w,
            &mut |offset, used| match used {
                NameUse::Compress => found.push(offset, true),
                NameUse::Canonical => found.push(offset, false),
                NameUse::Plain => {}
            },
            false,
        );
        if step.is_err() {
            break;
        }
    }
    found
}

/// Whether the canonical form of RFC 4034 §6.2 leaves RDATA of `rtype` as it is, because
/// the type holds no name that [`canonical`] lower-cases.
pub fn canonical_is_identity(rtype: RType) -> bool {
    schema::fields(rtype).is_none_or(|fields| !fields.iter().any(Field::has_canonical_name))
}

/// RFC 4034 §6.2 canonical form: embedded names lower-cased for the types listed there (as
/// amended by RFC 6840 §5.1: not NSEC), borrowed when nothing changes.
pub fn canonical(rtype: RType, rdata: &[u8]) -> Cow<'_, [u8]> {
    let mut out = Cow::Borrowed(rdata);
    for (offset, _) in names(rtype, rdata) {
        let Ok(len) = name_len(rdata, offset) else {
            break;
        };
        let range = offset..offset + len;
        // Length octets are at most 63, below 'A', so lower-casing the whole span only
        // touches label bytes.
        if rdata[range.clone()].iter().any(u8::is_ascii_uppercase) {
            out.to_mut()[range].make_ascii_lowercase();
        }
    }
    out
}

#[cfg(test)]
mod tests;
