//! Record entries: `[owner] [ttl] [class] type rdata`, with BIND's TTL rules and the checks
//! BIND makes per record while reading.

use std::sync::Arc;

use super::checks::{self, CheckMode, NameRule};
use super::ttl::{self, MAX_TTL, TtlError};
use super::{
    Context, ErrorKind, Parser, SetTtl, end_of, in_zone, message_name, name_from, plain_name,
};
use crate::name::Name;
use crate::rdata;
use crate::record::{Rdata, Record};
use crate::text::{Pos, Token};
use crate::types::{Class, RType};

const MD: RType = RType(3);
const MF: RType = RType(4);
const SIG: RType = RType(24);
const NXT: RType = RType(30);

/// The TTL and class written before a record's type.
pub(super) struct Head {
    /// The class and the index of its token, if one was written.
    pub class: Option<(Class, usize)>,
    /// The TTL, if one was written (already limited to [`MAX_TTL`]).
    pub ttl: Option<u32>,
    /// The index of the type token.
    pub type_at: usize,
}

impl Parser<'_> {
    /// Handles one record entry.
    pub(super) fn entry<'a>(
        &mut self,
        file: &Arc<str>,
        tokens: &[Token<'a>],
        blank_owner: bool,
        ctx: &mut Context,
        last_owner: &mut Option<&'a str>,
    ) {
        let first = tokens[0];
        if blank_owner {
            let Some(current) = ctx.owner() else {
                self.fail_at(file, &first, ErrorKind::NoOwner);
                return;
            };
            if ctx.origin_changed {
                let current = message_name(ctx.current.as_ref().unwrap_or(current));
                let message = format!(
                    "record with inherited owner ({current}) immediately after $ORIGIN ({})",
                    message_name(&ctx.origin)
                );
                self.warn(file, first.pos, message);
            }
        } else if *last_owner != Some(first.text) {
            // A name completed with an origin inside the zone is inside it too.
            let parsed = match plain_name(first.text, &ctx.origin, &mut self.name_buf) {
                Some((name, relative)) => Ok((name, relative && ctx.origin_in_zone)),
                None => name_from(first.text, &ctx.origin).map(|name| (name, false)),
            };
            match parsed {
                Ok(owner) => {
                    self.new_owner(file, first.pos, owner, ctx);
                    *last_owner = Some(first.text);
                }
                Err(kind) => {
                    *last_owner = None;
                    self.fail_at(file, &first, kind);
                    return;
                }
            }
        }
        ctx.origin_changed = false;

        let rest = if blank_owner { tokens } else { &tokens[1..] };
        let Some(head) = self.head(file, rest, tokens) else {
            return;
        };
        let type_token = rest[head.type_at];
        let class = head.class.map(|(c, at)| (c, rest[at]));
        let Some(rtype) = self.record_type(file, &type_token, class) else {
            return;
        };
        if rtype == RType::NS && ctx.glue.is_none() {
            self.has_delegation = true;
        }
        if rtype == MD || rtype == MF {
            self.fail_at(file, &type_token, ErrorKind::ObsoleteType(rtype));
            return;
        }
        let fields = &rest[head.type_at + 1..];
        let Some(owner) = ctx.owner().cloned() else {
            return;
        };
        let mut keep = self.precheck(file, &owner, rtype, fields, first.pos);
        let rdata = match rdata::from_text_into(rtype, fields, &ctx.origin, &mut self.rdata_buf) {
            Ok(()) => Rdata(Box::from(self.rdata_buf.as_slice())),
            Err(e) => {
                let (pos, text) = match fields.get(e.token) {
                    Some(t) => (t.pos, t.text),
                    None => (end_of(tokens), ""),
                };
                self.fail(file, pos, text, ErrorKind::Rdata(e.to_string()));
                return;
            }
        };
        keep &= self.check_rdata_names(file, (&owner, &ctx.origin), rtype, &rdata, fields);
        if ctx.drop {
            return;
        }
        let top = &self.opts.origin;
        if rtype == RType::SOA && owner != *top {
            self.fail_at(file, &first, ErrorKind::SoaNotAtTop(message_name(&owner)));
            return;
        }
        if rtype == RType::DS && owner == *top {
            self.fail_at(
                file,
                &type_token,
                ErrorKind::AtParent(rtype, message_name(&owner)),
            );
            return;
        }
        let Some(ttl) = self.record_ttl(file, first.pos, rtype, head.ttl, &rdata) else {
            return;
        };
        self.dnssec_warnings(file, first.pos, rtype, &rdata);
        let ttl = self.batch_ttl(file, first.pos, ctx.glue.is_some(), rtype, &rdata, ttl);
        if let Some(max) = self.checks.max_ttl
            && ttl > max
        {
            self.fail_at(file, &first, ErrorKind::MaxTtl { ttl, max });
            return;
        }
        if rtype == RType::NS && ctx.glue.is_none() {
            if let Some(target) = rdata.target_name(rtype) {
                self.current_ns.push(target);
            }
        }
        if keep {
            let record = Record {
                owner,
                ttl,
                class: self.opts.class,
                rtype,
                rdata,
            };
            self.keep(record, file, first.pos);
        }
    }

    /// Takes a newly written owner name: decides whether it starts a new run of lines or
    /// is glue below the current delegation, and whether it is in the zone.
    fn new_owner(
        &mut self,
        file: &Arc<str>,
        pos: Pos,
        (name, known_in_zone): (Name, bool),
        ctx: &mut Context,
    ) {
        ctx.drop = !known_in_zone && !in_zone(&name, &self.opts.origin);
        if ctx.drop {
            let message = format!("ignoring out-of-zone data ({})", message_name(&name));
            self.warn(file, pos, message);
        }
        let same = |a: &Option<Name>| a.as_ref().is_some_and(|a| a.as_wire() == name.as_wire());
        if ctx.glue.is_some() && !same(&ctx.glue) {
            ctx.glue = None;
            self.glue_sets.clear();
        }
        if ctx.glue.is_none() && !same(&ctx.current) {
            if self.checks.wildcard && checks::has_inner_wildcard(&name) {
                let message = format!(
                    "warning: ownername '{}' contains an non-terminal wildcard",
                    message_name(&name)
                );
                self.warn(file, pos, message);
            }
            if self.has_delegation && self.current_ns.contains(&name) {
                ctx.glue = Some(name);
                self.glue_sets.clear();
            } else {
                ctx.current = Some(name);
                self.current_sets.clear();
                self.current_ns.clear();
                self.has_delegation = false;
            }
        }
    }

    /// Reads `[ttl] [class]` or `[class] [ttl]` before the type; `rest` starts after the
    /// owner, `all` is the whole entry (for pointing past its end).
    pub(super) fn head(
        &mut self,
        file: &Arc<str>,
        rest: &[Token<'_>],
        all: &[Token<'_>],
    ) -> Option<Head> {
        let mut at = 0;
        let mut class = None;
        let is_class =
            |t: Option<&Token<'_>>| t.filter(|t| !t.quoted).and_then(|t| class_of(t.text));
        if let Some(c) = is_class(rest.get(at)) {
            class = Some((c, at));
            at += 1;
        }
        let mut explicit = None;
        if let Some(t) = rest.get(at).filter(|t| !t.quoted)
            && let Ok(value) = ttl::parse(t.text)
        {
            explicit = Some(self.limit_ttl(file, t.pos, value));
            at += 1;
        }
        if class.is_none()
            && let Some(c) = is_class(rest.get(at))
        {
            class = Some((c, at));
            at += 1;
        }
        if rest.get(at).is_none() {
            self.fail(
                file,
                end_of(all),
                "",
                ErrorKind::Missing("a record type (after the optional TTL and class)"),
            );
            return None;
        }
        if let Some(ttl) = explicit {
            self.ttl.last = ttl;
            self.ttl.known = true;
        }
        Some(Head {
            class,
            ttl: explicit,
            type_at: at,
        })
    }

    /// TTLs above 2³¹ − 1 load as 0 (RFC 2181 §8), with a warning.
    pub(super) fn limit_ttl(&mut self, file: &Arc<str>, pos: Pos, ttl: u32) -> u32 {
        if ttl > MAX_TTL {
            self.warn(file, pos, format!("TTL {ttl} > MAXTTL, setting TTL to 0"));
            0
        } else {
            ttl
        }
    }

    /// Parses the type token and checks the class and type are allowed in zone data.
    pub(super) fn record_type(
        &mut self,
        file: &Arc<str>,
        token: &Token<'_>,
        class: Option<(Class, Token<'_>)>,
    ) -> Option<RType> {
        let rtype = (!token.quoted).then(|| type_of(token.text)).flatten();
        let Some(rtype) = rtype else {
            self.fail_at(file, token, ErrorKind::UnknownType);
            return None;
        };
        if let Some((found, class_token)) = class
            && found != self.opts.class
        {
            let zone = self.opts.class;
            self.fail_at(file, &class_token, ErrorKind::ClassMismatch { found, zone });
            return None;
        }
        if rtype.is_meta() {
            self.fail_at(file, token, ErrorKind::MetaType(rtype));
            return None;
        }
        Some(rtype)
    }

    /// The checks made on the written text before the RDATA is parsed: NS targets that are
    /// addresses and the owner's host-name syntax. Returns whether the record may be kept.
    fn precheck(
        &mut self,
        file: &Arc<str>,
        owner: &Name,
        rtype: RType,
        fields: &[Token<'_>],
        pos: Pos,
    ) -> bool {
        let mut keep = true;
        if rtype == RType::NS
            && self.opts.class == Class::IN
            && self.checks.ns_address != CheckMode::Ignore
            && let Some(target) = fields.first()
            && checks::looks_like_address(target.text)
        {
            let at = (pos, target.text);
            keep &= self.check_finding(self.checks.ns_address, file, at, ErrorKind::NsIsAddress);
        }
        if self.checks.names != CheckMode::Ignore
            && !checks::owner_ok(owner, self.opts.class, rtype, &mut self.last_owner)
        {
            // BIND rejects malformed NSEC3 owners even when only warning about others.
            let mode = if rtype == RType::NSEC3 {
                CheckMode::Fail
            } else {
                self.checks.names
            };
            let kind = ErrorKind::BadOwnerName(message_name(owner));
            keep &= self.check_finding(mode, file, (pos, ""), kind);
        }
        if rtype == RType::MX
            && self.checks.mx_address != CheckMode::Ignore
            && let Some(exchange) = fields.get(1)
            && checks::looks_like_address(exchange.text)
        {
            let at = (exchange.pos, exchange.text);
            keep &= self.check_finding(self.checks.mx_address, file, at, ErrorKind::MxIsAddress);
        }
        keep
    }

    /// check-names on the names inside the RDATA.
    fn check_rdata_names(
        &mut self,
        file: &Arc<str>,
        (owner, origin): (&Name, &Name),
        rtype: RType,
        rdata: &Rdata,
        fields: &[Token<'_>],
    ) -> bool {
        if self.checks.names == CheckMode::Ignore {
            return true;
        }
        let reverse = rtype == RType::PTR && checks::in_reverse_tree(owner);
        let mut keep = true;
        for (wire, rule) in checks::rdata_names(rtype, self.opts.class, rdata.as_bytes(), reverse) {
            let ok = match rule {
                NameRule::Host => checks::is_hostname(wire, false),
                NameRule::Mailbox => checks::is_mailbox(wire),
            };
            // The RDATA was built from these names, so each is a valid name.
            if !ok && let Ok(name) = Name::from_wire(wire) {
                let at = fields
                    .iter()
                    .find(|t| name_from(t.text, origin).is_ok_and(|n| n == name))
                    .or(fields.first())
                    .map_or((Pos::default(), ""), |t| (t.pos, t.text));
                let kind = ErrorKind::BadRdataName(message_name(&name));
                keep &= self.check_finding(self.checks.names, file, at, kind);
            }
        }
        keep
    }

    /// BIND's TTL rules for a record; `None` when the record has no TTL at all.
    fn record_ttl(
        &mut self,
        file: &Arc<str>,
        pos: Pos,
        rtype: RType,
        explicit: Option<u32>,
        rdata: &Rdata,
    ) -> Option<u32> {
        if !self.ttl.known && self.ttl.default.is_none() {
            if rtype != RType::SOA {
                self.fail(file, pos, "", ErrorKind::NoTtl);
                return None;
            }
            self.warn(
                file,
                pos,
                "no TTL specified; using SOA MINTTL instead".to_string(),
            );
            let minimum = soa_minimum(rdata.as_bytes());
            let minimum = self.limit_ttl(file, pos, minimum);
            self.ttl.last = minimum;
            self.ttl.default = Some(minimum);
        } else if explicit.is_none() {
            match self.ttl.default {
                Some(default) => self.ttl.last = default,
                None if !self.ttl.warned_1035 => {
                    self.warn(file, pos, "using RFC1035 TTL semantics".to_string());
                    self.ttl.warned_1035 = true;
                }
                None => {}
            }
        }
        Some(self.ttl.last)
    }

    /// Warnings BIND gives once per file about signatures.
    fn dnssec_warnings(&mut self, file: &Arc<str>, pos: Pos, rtype: RType, rdata: &Rdata) {
        let bytes = rdata.as_bytes();
        if rtype == RType::RRSIG && !self.warned_expired && bytes.len() >= 12 {
            let expires = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
            // RFC 1982 serial comparison: expires < now.
            if expires != self.now && (expires.wrapping_sub(self.now) as i32) < 0 {
                self.warn(file, pos, "signature has expired".to_string());
                self.warned_expired = true;
            }
        }
        if (rtype == SIG || rtype == NXT) && !self.warned_old_dnssec {
            self.warn(file, pos, "old style DNSSEC zone detected".to_string());
            self.warned_old_dnssec = true;
        }
    }

    /// Within one owner's run of lines an RRset keeps the TTL its first record gave, with a
    /// warning when a later one differs (and that TTL then carries forward).
    fn batch_ttl(
        &mut self,
        file: &Arc<str>,
        pos: Pos,
        glue: bool,
        rtype: RType,
        rdata: &Rdata,
        ttl: u32,
    ) -> u32 {
        let covers = covered_type(rtype, rdata.as_bytes());
        let sets = if glue {
            &mut self.glue_sets
        } else {
            &mut self.current_sets
        };
        match sets.iter().find(|s| s.rtype == rtype && s.covers == covers) {
            Some(set) if set.ttl != ttl => {
                let prior = set.ttl;
                self.warn(file, pos, format!("TTL set to prior TTL ({prior})"));
                self.ttl.last = prior;
                prior
            }
            Some(_) => ttl,
            None => {
                sets.push(SetTtl { rtype, covers, ttl });
                ttl
            }
        }
    }
}

/// Parses a class. Most tokens tried as one are types or TTLs, and no class mnemonic is a
/// single letter or starts otherwise than these, so those are ruled out cheaply.
fn class_of(text: &str) -> Option<Class> {
    match text.as_bytes() {
        [_] | [] => None,
        [first, ..] if matches!(first.to_ascii_uppercase(), b'I' | b'C' | b'H' | b'N' | b'A') => {
            Class::from_text(text)
        }
        _ => None,
    }
}

/// Parses a type, trying the types that fill most zones before the full table.
fn type_of(text: &str) -> Option<RType> {
    const COMMON: [(&str, RType); 6] = [
        ("A", RType::A),
        ("AAAA", RType::AAAA),
        ("NS", RType::NS),
        ("MX", RType::MX),
        ("TXT", RType::TXT),
        ("CNAME", RType::CNAME),
    ];
    COMMON
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, rtype)| *rtype)
        .or_else(|| RType::from_text(text))
}

/// The type an RRSIG or SIG covers (0 for other types); RRsets of signatures are per
/// covered type.
fn covered_type(rtype: RType, rdata: &[u8]) -> u16 {
    match (rtype, rdata) {
        (RType::RRSIG | SIG, [a, b, ..]) => u16::from_be_bytes([*a, *b]),
        _ => 0,
    }
}

/// The SOA MINIMUM field: the last four octets of the RDATA.
fn soa_minimum(rdata: &[u8]) -> u32 {
    match rdata {
        [.., a, b, c, d] => u32::from_be_bytes([*a, *b, *c, *d]),
        _ => 0,
    }
}

/// Parses a `$TTL`-style value, telling a malformed TTL from an out-of-range one.
pub(super) fn ttl_error(e: TtlError) -> ErrorKind {
    match e {
        TtlError::Syntax => ErrorKind::BadTtl,
        TtlError::Range => ErrorKind::TtlRange,
    }
}
