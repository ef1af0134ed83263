//! Additional-section processing as BIND 9.18 does it (`query_additional`,
//! `query_additional_cb` and each type's `additionaldata` method): the names an RRset
//! points at are looked up in the zone the answer came from, never in another zone
//! (recursion is off), and what they own is added once per name and type.
//!
//! - A "wants addresses" lookup adds the A and AAAA RRsets (with RRSIGs under DO) of
//!   the name, also when it matches a wildcard; CNAMEs, delegations and names that do
//!   not exist give nothing.
//! - NS, MD, MF, MB, MX, KX, AFSDB, RT, SRV, NAPTR, SVCB, HTTPS and LP records have
//!   additional data; MX and SRV also want the TLSA RRset at `_25._tcp.<target>` and
//!   `_<port>._tcp.<target>`, RT wants X25 and ISDN, LP wants L32 and L64, NAPTR wants
//!   SRV or addresses by its flags, and SVCB and HTTPS follow CNAMEs and alias forms.
//! - SRV, SVCB and HTTPS RRsets added this way get their own additional data, at most
//!   11 levels deep.
//! - An RRset of more than 13 records gets no additional data at all
//!   (`DNS_RDATASET_MAXADDITIONAL`).
//! - A query makes at most 26 additional-section lookups in all (twice
//!   `DNS_RDATASET_MAXADDITIONAL`), the bound Debian's BIND 9.18.49 (-1~deb12u3, the fix
//!   of CVE-2026-81736) puts on additional processing. Live: an answer of 12 MX records
//!   (24 lookups, an address and a TLSA lookup each) left room for two of the three
//!   authority NS names' addresses; one of 13 MX records left room for none.
//! - With `minimal-responses yes`, only NS queries get additional data.
//! - In a referral, an NS RRset gets glue instead ([`Ctx::add_glue`]).

use conf::model::MinimalResponses;
use zones::lookup::Lookup;
use zones::zone::{Node, RRset};
use zones::{Class, RType};

use super::names::{NameBuf, label_count, name_len, with_case_of};
use super::plan::Head;
use super::query::{Ctx, InZone};
use crate::wire::response::Section;

/// BIND's `DNS_RDATASET_MAXADDITIONAL`.
const MAX_ADDITIONAL: usize = 13;
/// BIND's `max-restarts`, which also bounds nested additional processing.
const MAX_DEPTH: u8 = 11;
/// The most additional-section lookups one query makes.
const MAX_LOOKUPS: u8 = 26;
/// BIND's `MAX_CNAMES` for SVCB and HTTPS target chains.
const MAX_CNAMES: usize = 16;

const MD: RType = RType(3);
const MF: RType = RType(4);
const MB: RType = RType(7);
const AFSDB: RType = RType(18);
const X25: RType = RType(19);
const ISDN: RType = RType(20);
const RT: RType = RType(21);
const KX: RType = RType(36);
const TLSA: RType = RType(52);
const SVCB: RType = RType(64);
const HTTPS: RType = RType(65);
const L32: RType = RType(105);
const L64: RType = RType(106);
const LP: RType = RType(107);

impl<'a> Ctx<'a, '_> {
    /// BIND's `query_additional` for an RRset just added under `owner`.
    pub(crate) fn additional(&mut self, zone: InZone<'a>, owner: &[u8], rrset: RRset<'a>) {
        if self.no_additional {
            return;
        }
        if self.glue && rrset.rtype() == RType::NS {
            self.add_glue(zone, rrset);
            return;
        }
        self.additional_data(zone, owner, rrset);
    }

    /// BIND's `dns_rdataset_additionaldata`: the lookups each record calls for.
    fn additional_data(&mut self, zone: InZone<'a>, owner: &[u8], rrset: RRset<'a>) {
        if rrset.len() > MAX_ADDITIONAL {
            return;
        }
        let rtype = rrset.rtype();
        let class = zone.zone.class();
        for rdata in rrset.rdatas() {
            match rtype {
                RType::NS | MD | MF | MB => {
                    self.wants(zone, rdata, RType::A);
                }
                RType::MX => self.wants_with_tlsa(zone, rdata.get(2..), 25),
                AFSDB => self.wants_at(zone, rdata.get(2..), RType::A),
                KX if class == Class::IN => self.wants_at(zone, rdata.get(2..), RType::A),
                RT => {
                    for t in [X25, ISDN, RType::A] {
                        self.wants_at(zone, rdata.get(2..), t);
                    }
                }
                LP => {
                    for t in [L32, L64] {
                        self.wants_at(zone, rdata.get(2..), t);
                    }
                }
                RType::SRV if class == Class::IN => {
                    let port = rdata.get(4..6).map(|p| u16::from_be_bytes([p[0], p[1]]));
                    if let Some(port) = port {
                        self.wants_with_tlsa(zone, rdata.get(6..), port);
                    }
                }
                RType::NAPTR => self.naptr(zone, rdata),
                SVCB | HTTPS if class == Class::IN => self.svcb(zone, owner, rtype, rdata),
                _ => {}
            }
        }
    }

    /// A lookup for the name at the start of `bytes` (the rest of the RDATA).
    fn wants_at(&mut self, zone: InZone<'a>, bytes: Option<&[u8]>, qtype: RType) {
        if let Some(name) = bytes.and_then(leading_name) {
            self.wants(zone, name.as_bytes(), qtype);
        }
    }

    /// MX and SRV: the target's addresses, and the TLSA RRset for its port over TCP.
    fn wants_with_tlsa(&mut self, zone: InZone<'a>, bytes: Option<&[u8]>, port: u16) {
        let Some(target) = bytes.and_then(leading_name) else {
            return;
        };
        if target.as_bytes() == [0] {
            return;
        }
        self.wants(zone, target.as_bytes(), RType::A);
        let mut prefix = [0u8; 16];
        let text = port_label(port);
        let label = text.as_bytes();
        prefix[0] = label.len() as u8;
        prefix[1..=label.len()].copy_from_slice(label);
        let end = 1 + label.len();
        prefix[end..end + 5].copy_from_slice(b"\x04_tcp");
        if let Some(name) = NameBuf::concat(&prefix[..end + 5], target.as_bytes()) {
            self.wants(zone, name.as_bytes(), TLSA);
        }
    }

    /// NAPTR: an `S` flag wants the replacement's SRV RRset, an `A` flag its addresses.
    fn naptr(&mut self, zone: InZone<'a>, rdata: &[u8]) {
        let Some(&flags_len) = rdata.get(4) else {
            return;
        };
        let flags_end = 5 + usize::from(flags_len);
        let Some(flags) = rdata.get(5..flags_end) else {
            return;
        };
        let wanted = flags.iter().find_map(|f| match f {
            b'S' | b's' => Some(RType::SRV),
            b'A' | b'a' => Some(RType::A),
            _ => None,
        });
        // Skip the service and regexp strings to reach the replacement.
        let mut pos = flags_end;
        for _ in 0..2 {
            let Some(&len) = rdata.get(pos) else {
                return;
            };
            pos += 1 + usize::from(len);
        }
        if let Some(qtype) = wanted {
            self.wants_at(zone, rdata.get(pos..), qtype);
        }
    }

    /// SVCB and HTTPS (BIND's `generic_additionaldata_in_svcb`): follow CNAMEs from the
    /// target, in alias form the target's own SVCB/HTTPS RRset, else its addresses; a
    /// service-form target of `.` means the owner itself.
    fn svcb(&mut self, zone: InZone<'a>, owner: &[u8], rtype: RType, rdata: &[u8]) {
        let alias = rdata.get(..2) == Some(&[0, 0]);
        let Some(mut name) = rdata.get(2..).and_then(leading_name) else {
            return;
        };
        if name.as_bytes() == [0] {
            if alias || owner == [0] || !is_hostname(owner) {
                return;
            }
            self.wants(zone, owner, RType::A);
            return;
        }
        let mut cnames = 0;
        loop {
            let found = self.wants(zone, name.as_bytes(), RType::CNAME);
            let Some(target) = found
                .and_then(|r| r.rdatas().next())
                .and_then(NameBuf::from_wire)
            else {
                break;
            };
            name = target;
            cnames += 1;
            if cnames > MAX_CNAMES {
                return;
            }
        }
        if alias && self.wants(zone, name.as_bytes(), rtype).is_some() {
            return;
        }
        self.wants(zone, name.as_bytes(), RType::A);
    }

    /// BIND's `query_additional_cb`: looks `name` up for `qtype` (A standing for all
    /// address types) in the answer's zone and adds what it finds. Returns the RRset
    /// found for other types, added or not, for SVCB's CNAME chains.
    fn wants(&mut self, zone: InZone<'a>, name: &[u8], qtype: RType) -> Option<RRset<'a>> {
        if self.additional_lookups >= MAX_LOOKUPS {
            return None;
        }
        self.additional_lookups += 1;
        if self.view.minimal_responses == MinimalResponses::Yes && self.qtype != RType::NS {
            return None;
        }
        label_count(name)?;
        let lookup_type = if qtype == RType::A { RType::ANY } else { qtype };
        let (node, rrset, wildcard) = match zone.zone.lookup(name, lookup_type) {
            Lookup::Answer {
                node,
                rrset,
                wildcard,
            } => (node, Some(rrset), wildcard.is_some()),
            Lookup::Any { node, wildcard } => (node, None, wildcard.is_some()),
            _ => return None,
        };
        let owner = if wildcard {
            with_case_of(name, node.name_wire())
        } else {
            NameBuf::from_wire(node.name_wire()).unwrap_or_else(NameBuf::root)
        };
        if let Some(rrset) = rrset {
            if !self.plan.is_duplicate(owner.as_bytes(), qtype) {
                self.add_additional(zone, owner.as_bytes(), rrset);
                if matches!(qtype, RType::SRV | SVCB | HTTPS) && self.additional_depth < MAX_DEPTH {
                    self.additional_depth += 1;
                    self.additional_data(zone, owner.as_bytes(), rrset);
                    self.additional_depth -= 1;
                }
            }
            return Some(rrset);
        }
        if qtype == RType::A {
            self.add_addresses(zone, owner.as_bytes(), node);
        }
        None
    }

    /// The A and AAAA RRsets of `node`, each unless already in the message.
    fn add_addresses(&mut self, zone: InZone<'a>, owner: &[u8], node: Node<'a>) {
        for rtype in [RType::A, RType::AAAA] {
            if let Some(rrset) = node.rrset(rtype)
                && !self.plan.is_duplicate(owner, rtype)
            {
                self.add_additional(zone, owner, rrset);
            }
        }
    }

    /// An RRset and, under DO from a secure zone, its RRSIGs, to the additional section.
    fn add_additional(&mut self, zone: InZone<'a>, owner: &[u8], rrset: RRset<'a>) {
        let class = zone.zone.class();
        self.plan.push(
            Section::Additional,
            owner,
            Head {
                rtype: rrset.rtype(),
                covers: RType(0),
                class,
                ttl: rrset.ttl(),
            },
            rrset.wire(),
        );
        if let Some(sigs) = self.sigs_for(zone, rrset) {
            self.plan.push(
                Section::Additional,
                owner,
                Head {
                    rtype: RType::RRSIG,
                    covers: rrset.rtype(),
                    class,
                    ttl: sigs.ttl(),
                },
                sigs.wire(),
            );
        }
    }
}

/// The uncompressed name at the start of `bytes`.
fn leading_name(bytes: &[u8]) -> Option<NameBuf> {
    NameBuf::from_wire(&bytes[..name_len(bytes)?])
}

/// `_<port>` as text, without allocating.
fn port_label(port: u16) -> PortLabel {
    let mut digits = [0u8; 5];
    let mut n = port;
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = PortLabel {
        bytes: [b'_'; 6],
        len: 1 + len,
    };
    for (i, d) in digits[..len].iter().rev().enumerate() {
        out.bytes[1 + i] = *d;
    }
    out
}

/// `_` and up to five digits.
struct PortLabel {
    bytes: [u8; 6],
    len: usize,
}

impl PortLabel {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// BIND's `dns_name_ishostname` without wildcards: letters, digits and inner hyphens.
fn is_hostname(name: &[u8]) -> bool {
    let mut pos = 0;
    while let Some(&len) = name.get(pos) {
        if len == 0 {
            return true;
        }
        let Some(label) = name.get(pos + 1..pos + 1 + usize::from(len)) else {
            return false;
        };
        let inner_ok = label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-');
        if !inner_ok || label.first() == Some(&b'-') || label.last() == Some(&b'-') {
            return false;
        }
        pos += 1 + usize::from(len);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_labels_and_host_names() {
        assert_eq!(port_label(25).as_bytes(), b"_25");
        assert_eq!(port_label(0).as_bytes(), b"_0");
        assert_eq!(port_label(65535).as_bytes(), b"_65535");
        assert!(is_hostname(b"\x03www\x07example\x00"));
        assert!(!is_hostname(b"\x04_sip\x07example\x00"));
        assert!(!is_hostname(b"\x04-www\x00"));
        assert!(is_hostname(b"\x00"));
    }

    #[test]
    fn names_lead_rdata() {
        let rdata = b"\x04mail\x07example\x00\xff";
        assert_eq!(
            leading_name(rdata).map(|n| n.as_bytes().to_vec()),
            Some(b"\x04mail\x07example\x00".to_vec())
        );
        assert!(leading_name(b"\x04ma").is_none());
    }
}
