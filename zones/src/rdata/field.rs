//! The fields RDATA is made of, and the three things each one knows: how to parse its text,
//! how to check its wire form, and how to print it.
//!
//! A field may look back at bytes already written (a digest's length depends on the digest
//! type before it); offsets in those look-backs are from the start of the RDATA.

use super::tokens::{self, StringError, Tokens};
use super::wire::{Printer, Wire};
use super::{
    MAX_RDATA_LEN, Malformed, RdataError, RdataErrorKind, Stop, addr, dnssec, encoding, loc, misc,
    svcb, wks,
};

/// What canonical form and compression do with an embedded name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameUse {
    /// Neither lower-cased nor compressed (NSEC, SVCB, LP, TALINK ...).
    Plain,
    /// Lower-cased in canonical form (RFC 4034 §6.2), never compressed.
    Canonical,
    /// Lower-cased, and compressible in responses (RFC 3597 §4: the RFC 1035 types).
    Compress,
}

/// One field of RDATA.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    /// An 8-bit number.
    U8,
    /// A 16-bit number.
    U16,
    /// A 32-bit number.
    U32,
    /// A 32-bit period that may use TTL units (`1h`, `1w2d`), printed in seconds.
    Period,
    /// A domain name.
    Name(NameUse),
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// One `<character-string>`.
    Text,
    /// One or more `<character-string>`s, to the end (TXT).
    Texts,
    /// An optional last `<character-string>` (the ISDN subaddress).
    OptText,
    /// An X.25 PSDN address: a string of at least four digits.
    X25,
    /// The rest of the RDATA as one unbounded string (CAA value, URI target); `quoted`
    /// when the text must be a quoted string.
    LongText { quoted: bool },
    /// A CAA property tag: letters and digits.
    CaaTag,
    /// The NAPTR regular expression string.
    NaptrRegex,
    /// Base64 to the end, split over any number of tokens; at least `min` octets.
    Base64 { min: usize },
    /// Hex to the end, split over any number of tokens; at least `min` octets.
    Hex { min: usize },
    /// The SSHFP fingerprint, whose length the fingerprint type fixes for SHA-1 and SHA-256.
    SshfpDigest,
    /// The DS digest, whose length the digest type fixes for SHA-1, SHA-256 and SHA-384.
    DsDigest,
    /// The ZONEMD digest: at least 12 octets, exactly 48 or 64 for SHA-384 and SHA-512.
    ZonemdDigest,
    /// A DNSSEC algorithm number or mnemonic; printed as a mnemonic when `names`.
    Algorithm { names: bool },
    /// A DS digest type number or mnemonic.
    DigestType,
    /// A CERT type number or mnemonic, printed as a mnemonic.
    CertType,
    /// A DSYNC scheme number or mnemonic, printed as a mnemonic.
    DsyncScheme,
    /// KEY/DNSKEY flags: a number or `|`-separated flag names; `zero` for RKEY.
    KeyFlags { zero: bool },
    /// KEY/DNSKEY protocol number or mnemonic.
    Protocol,
    /// The public key; `nokey` when flags with both NOAUTH and NOCONF mean no key (KEY).
    KeyData { nokey: bool },
    /// The type an RRSIG (`sig` false) or SIG (`sig` true) covers.
    Covered { sig: bool },
    /// A signature time: YYYYMMDDHHmmSS, or (`numeric`) seconds since the epoch.
    SigTime { numeric: bool },
    /// The signer's name; `labels` checks it against the labels field (RRSIG).
    Signer { labels: bool },
    /// An NSEC-style type bitmap to the end; `empty` when it may be empty.
    Bitmap { empty: bool },
    /// The NSEC3 hash algorithm.
    HashAlg,
    /// The NSEC3 salt: `-` or hex, with its length octet.
    Salt,
    /// The NSEC3 next hashed owner name: base32hex, with its length octet.
    NextHash,
    /// The whole LOC RDATA.
    Loc,
    /// SVCB/HTTPS TargetName (may be written as a quoted string).
    SvcTarget,
    /// SVCB/HTTPS SvcParams, to the end.
    SvcParams,
    /// APL address prefix items, to the end.
    Apl,
    /// The WKS protocol, by number or name.
    WksProto,
    /// The WKS service bitmap, by port numbers or service names.
    WksPorts,
    /// An EUI-48 (6) or EUI-64 (8) address.
    Eui(usize),
    /// A 64-bit locator or node ID, `xxxx:xxxx:xxxx:xxxx`.
    Locator,
    /// An NSAP address, `0x` and hex.
    Nsap,
    /// The IPSECKEY gateway type, 0 to 3.
    GatewayType,
    /// The IPSECKEY gateway, in the form its type says.
    Gateway,
    /// AMTRELAY discovery-optional flag, relay type and relay.
    AmtRelay,
    /// The whole HIP RDATA: algorithm, HIT, public key, rendezvous servers.
    Hip,
    /// The DOA data: base64, or `-` for none.
    DoaData,
}

/// Reports each embedded name: its offset and how it is used.
pub(crate) type NameSink<'s> = dyn FnMut(usize, NameUse) + 's;

impl Field {
    /// Whether this field holds a name that canonical form lower-cases.
    pub(crate) fn has_canonical_name(&self) -> bool {
        matches!(
            self,
            Field::Name(NameUse::Canonical | NameUse::Compress) | Field::Signer { .. }
        )
    }

    /// Parses this field's tokens, appending wire bytes to `out` (which holds the RDATA so
    /// far).
    pub(crate) fn parse(self, t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
        match self {
            Field::U8 => out.push(t.number(0xff, "an 8-bit number")? as u8),
            Field::U16 => out.extend(u16_bytes(t.number(0xffff, "a 16-bit number")?)),
            Field::U32 => out.extend(t.number(u32::MAX, "a 32-bit number")?.to_be_bytes()),
            Field::Period => {
                let what = "a 32-bit period such as 3600 or 1h";
                let text = t.next_plain(what)?;
                let n = tokens::parse_period(text).ok_or_else(|| t.expected(what))?;
                out.extend(n.to_be_bytes());
            }
            Field::Name(_) | Field::Signer { labels: false } => t.name_into(out)?,
            Field::Signer { labels: true } => dnssec::parse_signer(t, out)?,
            Field::SvcTarget => {
                let token = t.next_any("a domain name")?;
                t.name_from_into(token.text, out)?;
            }
            Field::Ipv4 => {
                let text = t.next_plain("an IPv4 address")?;
                let a = addr::pton4(text).ok_or_else(|| t.expected("an IPv4 address"))?;
                out.extend(a);
            }
            Field::Ipv6 => {
                let text = t.next_plain("an IPv6 address")?;
                let a = addr::pton6(text).ok_or_else(|| t.expected("an IPv6 address"))?;
                out.extend(a);
            }
            Field::Text => parse_string(t, out)?,
            Field::Texts => {
                parse_string(t, out)?;
                while !t.is_empty() {
                    parse_string(t, out)?;
                }
            }
            Field::OptText => {
                if !t.is_empty() {
                    parse_string(t, out)?;
                }
            }
            Field::X25 => misc::parse_x25(t, out)?,
            Field::LongText { quoted } => {
                let what = if quoted {
                    "a quoted string"
                } else {
                    "a string"
                };
                let token = t.next_any(what)?;
                if quoted && !token.quoted {
                    return Err(t.expected(what));
                }
                tokens::unescape_into(token.text, MAX_RDATA_LEN, out)
                    .map_err(|e| t.error(string_error(e)))?;
            }
            Field::CaaTag => misc::parse_caa_tag(t, out)?,
            Field::NaptrRegex => {
                let start = out.len();
                parse_string(t, out)?;
                if !misc::naptr_regex_ok(&out[start + 1..]) {
                    return Err(t.expected("a NAPTR substitution expression"));
                }
            }
            Field::Base64 { min } => parse_base64(t, out, min)?,
            Field::Hex { min } => parse_hex(t, out, None, min)?,
            Field::SshfpDigest => {
                let exact = sshfp_len(out.get(1).copied());
                parse_hex(t, out, exact, 0)?;
            }
            Field::DsDigest => {
                let exact = ds_len(out.get(3).copied());
                parse_hex(t, out, exact, 1)?;
            }
            Field::ZonemdDigest => {
                let exact = zonemd_len(out.get(5).copied());
                parse_hex(t, out, exact, 12)?;
            }
            Field::Algorithm { .. } => out.push(dnssec::parse_algorithm(t)?),
            Field::DigestType => out.push(dnssec::parse_digest_type(t)?),
            Field::CertType => out.extend(u16_bytes(dnssec::parse_cert_type(t)?.into())),
            Field::DsyncScheme => out.push(dnssec::parse_dsync_scheme(t)?),
            Field::KeyFlags { zero } => {
                let flags = dnssec::parse_key_flags(t)?;
                if zero && flags != 0 {
                    return Err(t.error(RdataErrorKind::Invalid("RKEY flags must be 0")));
                }
                out.extend(flags.to_be_bytes());
            }
            Field::Protocol => out.push(dnssec::parse_protocol(t)?),
            Field::KeyData { nokey } => {
                if !(nokey && dnssec::no_key(out)) {
                    parse_base64(t, out, 1)?;
                }
            }
            Field::Covered { .. } => out.extend(dnssec::parse_covered(t)?.to_be_bytes()),
            Field::SigTime { numeric } => {
                out.extend(dnssec::parse_time(t, numeric)?.to_be_bytes());
            }
            Field::Bitmap { empty } => dnssec::parse_bitmap(t, out, empty)?,
            Field::HashAlg => out.push(dnssec::parse_hash_alg(t)?),
            Field::Salt => dnssec::parse_salt(t, out)?,
            Field::NextHash => dnssec::parse_next_hash(t, out)?,
            Field::Loc => loc::parse(t, out)?,
            Field::SvcParams => svcb::parse(t, out)?,
            Field::Apl => addr::parse_apl(t, out)?,
            Field::WksProto => out.push(wks::parse_proto(t)?),
            Field::WksPorts => wks::parse_ports(t, out)?,
            Field::Eui(n) => addr::parse_eui(t, out, n)?,
            Field::Locator => addr::parse_locator(t, out)?,
            Field::Nsap => misc::parse_nsap(t, out)?,
            Field::GatewayType => out.push(t.number(3, "a gateway type from 0 to 3")? as u8),
            Field::Gateway => misc::parse_gateway(t, out)?,
            Field::AmtRelay => misc::parse_amtrelay(t, out)?,
            Field::Hip => misc::parse_hip(t, out)?,
            Field::DoaData => {
                let what = "base64 data, or - for none";
                let token = t.peek().copied();
                match token {
                    None => {
                        t.next_any(what)?;
                    }
                    Some(tok) if !tok.quoted && tok.text == "-" => {
                        t.next_any(what)?;
                    }
                    Some(_) => parse_base64(t, out, 0)?,
                }
            }
        }
        Ok(())
    }

    /// Checks this field's wire form and moves past it, reporting embedded names. `strict`
    /// adds the checks BIND makes on wire data but not on text it has parsed (the name in
    /// PRIVATEDNS keys, no-default-alpn without alpn); printing skips them, as BIND prints
    /// whatever its text parser accepted.
    pub(crate) fn check(
        self,
        w: &mut Wire<'_>,
        names: &mut NameSink<'_>,
        strict: bool,
    ) -> Result<(), Malformed> {
        match self {
            Field::U8
            | Field::Algorithm { .. }
            | Field::DigestType
            | Field::Protocol
            | Field::DsyncScheme => {
                w.u8()?;
            }
            Field::HashAlg => {
                w.u8()?;
            }
            Field::U16 | Field::CertType | Field::Covered { .. } => {
                w.u16()?;
            }
            Field::U32 | Field::Period | Field::SigTime { .. } => {
                w.u32()?;
            }
            Field::KeyFlags { zero } => {
                if w.u16()? != 0 && zero {
                    return Err(Malformed("RKEY flags must be 0"));
                }
            }
            Field::Name(used) => {
                names(w.pos(), used);
                w.name()?;
            }
            Field::SvcTarget => {
                names(w.pos(), NameUse::Plain);
                w.name()?;
            }
            Field::Signer { labels } => {
                names(w.pos(), NameUse::Canonical);
                let signer = w.name()?;
                if labels && dnssec::too_many_labels(w.byte_at(3), signer) {
                    return Err(Malformed("signer has more labels than the labels field"));
                }
            }
            Field::Ipv4 => {
                w.take(4)?;
            }
            Field::Ipv6 => {
                w.take(16)?;
            }
            Field::Text => {
                w.string()?;
            }
            Field::Texts => {
                w.string()?;
                while !w.is_empty() {
                    w.string()?;
                }
            }
            Field::OptText => {
                if !w.is_empty() {
                    w.string()?;
                }
            }
            Field::X25 => misc::check_x25(w)?,
            Field::LongText { .. } => {
                w.rest();
            }
            Field::CaaTag => misc::check_caa_tag(w)?,
            Field::NaptrRegex => {
                if !misc::naptr_regex_ok(w.string()?) {
                    return Err(Malformed("bad NAPTR substitution expression"));
                }
            }
            Field::Base64 { min } | Field::Hex { min } => {
                if w.rest().len() < min {
                    return Err(Malformed("data missing"));
                }
            }
            Field::SshfpDigest => check_digest(w, sshfp_len(w.byte_at(1)), 0)?,
            Field::DsDigest => check_digest(w, ds_len(w.byte_at(3)), 1)?,
            Field::ZonemdDigest => check_digest(w, zonemd_len(w.byte_at(5)), 12)?,
            Field::KeyData { nokey } => dnssec::check_key(w, nokey, strict)?,
            Field::Bitmap { empty } => dnssec::check_bitmap(w.rest(), empty)?,
            Field::Salt => {
                w.string()?;
            }
            Field::NextHash => dnssec::check_next_hash(w)?,
            Field::Loc => loc::check(w)?,
            Field::SvcParams => svcb::check(w, strict)?,
            Field::Apl => addr::check_apl(w)?,
            Field::WksProto => {
                w.u8()?;
            }
            Field::WksPorts => wks::check_ports(w.rest())?,
            Field::Eui(n) => {
                w.take(n)?;
            }
            Field::Locator => {
                w.take(8)?;
            }
            Field::Nsap => {
                if w.rest().is_empty() {
                    return Err(Malformed("empty NSAP address"));
                }
            }
            Field::GatewayType => {
                if w.u8()? > 3 {
                    return Err(Malformed("unknown IPSECKEY gateway type"));
                }
            }
            Field::Gateway => misc::check_gateway(w, names)?,
            Field::AmtRelay => misc::check_amtrelay(w, names)?,
            Field::Hip => misc::check_hip(w, names)?,
            Field::DoaData => {
                w.rest();
            }
        }
        Ok(())
    }

    /// Prints this field (which `check` accepted) as BIND does.
    pub(crate) fn print(self, w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
        match self {
            Field::U8 | Field::Algorithm { names: false } | Field::DigestType => {
                p.number(w.u8()?);
            }
            Field::Protocol | Field::HashAlg | Field::GatewayType | Field::WksProto => {
                p.number(w.u8()?);
            }
            Field::U16 | Field::KeyFlags { .. } => p.number(w.u16()?),
            Field::U32 | Field::Period => p.number(w.u32()?),
            Field::Name(_) | Field::Signer { .. } | Field::SvcTarget => p.name(w.name()?)?,
            Field::Ipv4 => p.push(&addr::ntop4(w.take(4)?)),
            Field::Ipv6 => p.push(&addr::ntop6(w.take(16)?)),
            Field::Text | Field::NaptrRegex | Field::X25 => {
                tokens::push_quoted(p.word(), w.string()?);
            }
            Field::Texts | Field::OptText => {
                while !w.is_empty() {
                    tokens::push_quoted(p.word(), w.string()?);
                }
            }
            Field::LongText { .. } => tokens::push_quoted(p.word(), w.rest()),
            Field::CaaTag => misc::print_caa_tag(w, p)?,
            Field::Base64 { .. } | Field::KeyData { .. } => print_base64(w.rest(), p),
            Field::Hex { .. } | Field::SshfpDigest | Field::DsDigest | Field::ZonemdDigest => {
                print_hex(w.rest(), p);
            }
            Field::Algorithm { names: true } => p.push(&dnssec::algorithm_name(w.u8()?)),
            Field::CertType => p.push(&dnssec::cert_type_name(w.u16()?)),
            Field::DsyncScheme => p.push(&dnssec::dsync_scheme_name(w.u8()?)),
            Field::Covered { sig } => p.push(&dnssec::covered_name(w.u16()?, sig)),
            Field::SigTime { .. } => p.push(&dnssec::time_to_text(w.u32()?)),
            Field::Bitmap { .. } => dnssec::print_bitmap(w.rest(), p),
            Field::Salt => dnssec::print_salt(w.string()?, p),
            Field::NextHash => p.push(&encoding::base32hex_encode(w.string()?)),
            Field::Loc => loc::print(w, p)?,
            Field::SvcParams => svcb::print(w, p)?,
            Field::Apl => addr::print_apl(w, p)?,
            Field::WksPorts => wks::print_ports(w.rest(), p),
            Field::Eui(n) => p.push(&addr::eui_to_text(w.take(n)?)),
            Field::Locator => p.push(&addr::locator_to_text(w.take(8)?)),
            Field::Nsap => p.push(&misc::nsap_to_text(w.rest())),
            Field::Gateway => misc::print_gateway(w, p)?,
            Field::AmtRelay => misc::print_amtrelay(w, p)?,
            Field::Hip => misc::print_hip(w, p)?,
            Field::DoaData => match w.rest() {
                [] => p.push("-"),
                data => p.push(&encoding::base64_encode(data)),
            },
        }
        Ok(())
    }
}

fn u16_bytes(n: u32) -> [u8; 2] {
    // Callers pass values they checked to be at most 0xffff.
    (n as u16).to_be_bytes()
}

/// The error kind for a bad character string.
pub(crate) fn string_error(e: StringError) -> RdataErrorKind {
    match e {
        StringError::BadEscape => RdataErrorKind::BadEscape,
        StringError::TooLong => RdataErrorKind::StringTooLong,
    }
}

/// One `<character-string>` token (quoted or not) with its length octet.
pub(crate) fn parse_string(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let token = t.next_any("a character string")?;
    let at = out.len();
    out.push(0);
    tokens::unescape_into(token.text, 255, out).map_err(|e| t.error(string_error(e)))?;
    out[at] = (out.len() - at - 1) as u8;
    Ok(())
}

/// Base64 split over the remaining unquoted tokens, up to its padding.
pub(crate) fn parse_base64(
    t: &mut Tokens<'_, '_>,
    out: &mut Vec<u8>,
    min: usize,
) -> Result<(), RdataError> {
    let start = out.len();
    let mut dec = encoding::Base64Decoder::default();
    while !dec.ended() {
        let Some(text) = t.next_plain_opt() else {
            break;
        };
        dec.feed(text, out).map_err(|_| t.expected("base64 data"))?;
        if out.len() > MAX_RDATA_LEN {
            return Err(t.error(RdataErrorKind::TooLong));
        }
    }
    dec.finish()
        .map_err(|_| t.error(RdataErrorKind::Expected("complete base64 data")))?;
    if out.len() - start < min {
        return Err(t.error_at(t.index(), RdataErrorKind::Missing("base64 data")));
    }
    Ok(())
}

/// Hex split over tokens: exactly `exact` octets when given (reading only as many tokens as
/// that takes), otherwise all remaining unquoted tokens and at least `min` octets.
pub(crate) fn parse_hex(
    t: &mut Tokens<'_, '_>,
    out: &mut Vec<u8>,
    exact: Option<usize>,
    min: usize,
) -> Result<(), RdataError> {
    let start = out.len();
    let mut dec = encoding::HexDecoder::default();
    match exact {
        Some(len) => {
            while out.len() - start < len {
                let text = t.next_plain("hex data")?;
                dec.feed(text, out, start, Some(len))
                    .map_err(|_| t.expected("hex data of the length the type requires"))?;
            }
        }
        None => {
            while let Some(text) = t.next_plain_opt() {
                dec.feed(text, out, start, None)
                    .map_err(|_| t.expected("hex data"))?;
                if out.len() > MAX_RDATA_LEN {
                    return Err(t.error(RdataErrorKind::TooLong));
                }
            }
        }
    }
    dec.finish()
        .map_err(|_| t.expected("an even number of hex digits"))?;
    if out.len() - start < min {
        return Err(t.error_at(t.index(), RdataErrorKind::Missing("hex data")));
    }
    Ok(())
}

fn check_digest(w: &mut Wire<'_>, exact: Option<usize>, min: usize) -> Result<(), Malformed> {
    let len = w.rest().len();
    match exact {
        Some(n) if len != n => Err(Malformed("digest length does not match its type")),
        _ if len < min => Err(Malformed("digest too short")),
        _ => Ok(()),
    }
}

/// SSHFP fingerprint lengths fixed by type (RFC 4255, RFC 6594).
fn sshfp_len(kind: Option<u8>) -> Option<usize> {
    match kind {
        Some(1) => Some(20),
        Some(2) => Some(32),
        _ => None,
    }
}

/// DS digest lengths fixed by type (RFC 3658, RFC 4509, RFC 6605).
fn ds_len(kind: Option<u8>) -> Option<usize> {
    match kind {
        Some(1) => Some(20),
        Some(2) => Some(32),
        Some(4) => Some(48),
        _ => None,
    }
}

/// ZONEMD digest lengths fixed by hash algorithm (RFC 8976).
fn zonemd_len(kind: Option<u8>) -> Option<usize> {
    match kind {
        Some(1) => Some(48),
        Some(2) => Some(64),
        _ => None,
    }
}

/// Base64 in BIND's words of 56 characters.
pub(crate) fn print_base64(data: &[u8], p: &mut Printer) {
    let text = encoding::base64_encode(data);
    for chunk in encoding::chunks(&text) {
        p.push(chunk);
    }
}

/// Hex in BIND's words of 56 characters.
pub(crate) fn print_hex(data: &[u8], p: &mut Printer) {
    let text = encoding::hex_encode(data);
    for chunk in encoding::chunks(&text) {
        p.push(chunk);
    }
}
