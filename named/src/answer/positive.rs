//! Answers with data: an RRset, every RRset of a name (ANY), and the CNAME and DNAME
//! steps of a chain; with the authority section BIND adds to them.
//!
//! Owner names are written the way BIND 9.18 writes them: in the case the RRset was
//! loaded with, and for a wildcard answer the query name under the wildcard's case map
//! ([`with_case_of`]; live, `X.WiLD.example.com` was answered as `x.wild.example.com`).

use zones::RType;
use zones::lookup::substitute_dname;
use zones::name::MAX_NAME_LEN;
use zones::zone::{Node, RRset};

use super::dnssec::is_dnssec_type;
use super::names::{NameBuf, with_case_of};
use super::negative::soa_field;
use super::plan::{Found, Head};
use super::query::{Ctx, InZone, YXDOMAIN};
use crate::wire::Rcode;
use crate::wire::response::Section;

impl<'a> Ctx<'a, '_> {
    /// The owner to write for an RRset of `node` found for the current name.
    pub(crate) fn owner_of(&self, node: Node<'_>, wildcard: bool) -> NameBuf {
        if wildcard {
            with_case_of(self.qname.as_bytes(), node.name_wire())
        } else {
            NameBuf::from_wire(node.name_wire()).unwrap_or_else(NameBuf::root)
        }
    }

    /// BIND's `query_addrrset`: adds an RRset (and its RRSIGs, when given) to a section
    /// unless the section has it, then makes the additional-section lookups it calls for.
    pub(crate) fn add_rrset(
        &mut self,
        zone: InZone<'a>,
        section: Section,
        owner: &[u8],
        rrset: RRset<'a>,
        sigs: Option<RRset<'a>>,
        ttl: u32,
    ) {
        let rtype = rrset.rtype();
        if self.plan.find(section, owner, rtype, RType(0)) == Found::Rrset {
            return;
        }
        let class = zone.zone.class();
        let head = Head {
            rtype,
            covers: RType(0),
            class,
            ttl,
        };
        if !self.plan.push(section, owner, head, rrset.wire()) {
            return;
        }
        let referral_ns =
            !self.authoritative && section == Section::Authority && rtype == RType::NS;
        if self.qtype != RType::ANY || referral_ns {
            self.additional(zone, owner, rrset);
        }
        if let Some(sigs) = sigs {
            // A negative answer's SOA caps its RRSIG's TTL as its own.
            let sig_ttl = if rtype == RType::SOA && section == Section::Authority {
                sigs.ttl().min(ttl)
            } else {
                sigs.ttl()
            };
            self.plan.push(
                section,
                owner,
                Head {
                    rtype: RType::RRSIG,
                    covers: rtype,
                    class,
                    ttl: sig_ttl,
                },
                sigs.wire(),
            );
        }
    }

    /// The RRSIGs to add beside `rrset`: only with DO, from a secure zone.
    pub(crate) fn sigs_for(&self, zone: InZone<'a>, rrset: RRset<'a>) -> Option<RRset<'a>> {
        (self.dnssec && zone.secure())
            .then(|| rrset.signatures())
            .flatten()
    }

    /// BIND's `query_respond`: the RRset asked for.
    pub(crate) fn respond(
        &mut self,
        zone: InZone<'a>,
        node: Node<'a>,
        rrset: RRset<'a>,
        wildcard: bool,
    ) {
        let proof_name = (self.dnssec && wildcard).then_some(self.qname);
        if self.qtype == RType::NS && node.is_apex() && !wildcard {
            self.answer_has_ns = true;
        }
        if self.qtype == RType::SOA && self.restarts == 0 && self.wants_expire && zone.entry.primary
        {
            self.expire = Some(soa_field(rrset, 3));
        }
        let owner = self.owner_of(node, wildcard);
        let sigs = self.sigs_for(zone, rrset);
        self.add_rrset(
            zone,
            Section::Answer,
            owner.as_bytes(),
            rrset,
            sigs,
            rrset.ttl(),
        );
        self.add_auth(zone, proof_name);
    }

    /// BIND's `query_respond_any`: every RRset of the name (ANY), or its RRSIGs (a query
    /// for RRSIG). With `minimal-any` over UDP, only the first type found and its RRSIGs.
    pub(crate) fn respond_any(&mut self, zone: InZone<'a>, node: Node<'a>, wildcard: bool) {
        let proof_name = (self.dnssec && wildcard).then_some(self.qname);
        let owner = self.owner_of(node, wildcard);
        let minimal = self.view.minimal_any && !self.tcp;
        let one_type = minimal.then(|| first_any_type(node, self.dnssec)).flatten();
        let mut found = false;
        let mut hidden = false;
        for rrset in node.rrsets() {
            let rtype = rrset.rtype();
            let covers = rrset.covered().unwrap_or(RType(0));
            if self.qtype == RType::ANY && rtype == RType::NS {
                self.answer_has_ns = true;
            }
            if self.qtype == RType::ANY && !zone.secure() && is_dnssec_type(rtype) {
                hidden = true;
                continue;
            }
            if minimal && !self.dnssec && self.qtype == RType::ANY && rtype == RType::RRSIG {
                continue;
            }
            if let Some(one) = one_type
                && rtype != one
                && covers != one
            {
                continue;
            }
            if self.qtype != RType::ANY && rtype != self.qtype {
                continue;
            }
            self.add_any(zone, owner.as_bytes(), rrset, covers);
            found = true;
        }
        if found {
            self.add_auth(zone, proof_name);
        } else if self.qtype == RType::RRSIG {
            self.nodata(zone, node, wildcard);
        } else if !hidden {
            self.error = Some(Rcode::SERVFAIL);
        }
    }

    /// One RRset of an ANY answer: RRSIG entries are RRsets of their own there.
    fn add_any(&mut self, zone: InZone<'a>, owner: &[u8], rrset: RRset<'a>, covers: RType) {
        let rtype = rrset.rtype();
        if rtype != RType::RRSIG {
            self.add_rrset(zone, Section::Answer, owner, rrset, None, rrset.ttl());
            return;
        }
        if self.plan.find(Section::Answer, owner, rtype, covers) == Found::Rrset {
            return;
        }
        let class = zone.zone.class();
        self.plan.push(
            Section::Answer,
            owner,
            Head {
                rtype,
                covers,
                class,
                ttl: rrset.ttl(),
            },
            rrset.wire(),
        );
    }

    /// BIND's `query_cname`: the CNAME, then the lookup starts over at its target.
    pub(crate) fn cname(
        &mut self,
        zone: InZone<'a>,
        node: Node<'a>,
        rrset: RRset<'a>,
        wildcard: bool,
    ) {
        let proof_name = (self.dnssec && wildcard).then_some(self.qname);
        let owner = self.owner_of(node, wildcard);
        let sigs = self.sigs_for(zone, rrset);
        self.add_rrset(
            zone,
            Section::Answer,
            owner.as_bytes(),
            rrset,
            sigs,
            rrset.ttl(),
        );
        self.partial = true;
        if let Some(target) = rrset.rdatas().next().and_then(NameBuf::from_wire) {
            self.restart_at(target);
        }
        self.add_auth(zone, proof_name);
    }

    /// BIND's `query_dname`: the DNAME and a CNAME synthesised from it (RFC 6672 §3.3),
    /// with the DNAME's TTL, owned by the current name in its own case; then the lookup
    /// starts over at the new name, unless the question was for CNAME or ANY. A new name
    /// longer than 255 octets gives YXDOMAIN with the DNAME alone.
    pub(crate) fn dname(&mut self, zone: InZone<'a>, node: Node<'a>, rrset: RRset<'a>) {
        let owner = self.owner_of(node, false);
        let sigs = self.sigs_for(zone, rrset);
        self.add_rrset(
            zone,
            Section::Answer,
            owner.as_bytes(),
            rrset,
            sigs,
            rrset.ttl(),
        );
        self.partial = true;
        let Some(target) = rrset.rdatas().next() else {
            return;
        };
        let mut buf = [0u8; MAX_NAME_LEN];
        let qname = self.qname;
        let new = match substitute_dname(qname.as_bytes(), node.name_wire(), target, &mut buf) {
            Ok(new) => new,
            Err(zones::NameError::TooLong) => {
                self.rcode = YXDOMAIN;
                return;
            }
            Err(_) => return,
        };
        let Some(new) = NameBuf::from_wire(new) else {
            return;
        };
        self.add_synthesized_cname(zone, new, rrset.ttl());
        if self.qtype != RType::CNAME && self.qtype != RType::ANY {
            self.restart_at(new);
        }
        self.add_auth(zone, None);
    }

    /// BIND's `query_addcname`.
    fn add_synthesized_cname(&mut self, zone: InZone<'a>, target: NameBuf, ttl: u32) {
        let owner = self.qname;
        if self
            .plan
            .find(Section::Answer, owner.as_bytes(), RType::CNAME, RType(0))
            == Found::Rrset
        {
            return;
        }
        let mut record = [0u8; 2 + MAX_NAME_LEN];
        let len = target.as_bytes().len();
        record[..2].copy_from_slice(&(len as u16).to_be_bytes());
        record[2..2 + len].copy_from_slice(target.as_bytes());
        self.plan.push(
            Section::Answer,
            owner.as_bytes(),
            Head {
                rtype: RType::CNAME,
                covers: RType(0),
                class: zone.zone.class(),
                ttl,
            },
            &record[..2 + len],
        );
    }

    /// BIND's `query_addauth`: the zone's NS RRset in the authority section (unless the
    /// answer has it, a restart follows, or minimal responses leave it out), and the
    /// proof that no closer name existed when the answer came from a wildcard (for the
    /// name looked up, `wildcard`, which a CNAME has already replaced in `qname`).
    pub(crate) fn add_auth(&mut self, zone: InZone<'a>, wildcard: Option<NameBuf>) {
        if !self.want_restart && !self.no_authority && !self.answer_has_ns {
            self.add_ns(zone);
        }
        if let Some(name) = wildcard
            && zone.secure()
        {
            self.wildcard_proof(zone, name, true);
        }
    }

    /// BIND's `query_addns`: the apex NS RRset.
    fn add_ns(&mut self, zone: InZone<'a>) {
        let apex = zone.zone.apex();
        let Some(ns) = apex.rrset(RType::NS) else {
            self.error = Some(Rcode::SERVFAIL);
            return;
        };
        let sigs = self.sigs_for(zone, ns);
        self.add_rrset(
            zone,
            Section::Authority,
            apex.name_wire(),
            ns,
            sigs,
            ns.ttl(),
        );
    }
}

/// The type `minimal-any` answers with: the first RRset BIND's database iterates at the
/// node, which is the first loaded. Live: `example.com ANY` got the SOA (the zone file's
/// first record), `www ANY` its A RRset (listed before AAAA), and a query for RRSIG only
/// the RRSIGs covering A. The zone does not keep load order; the SOA, else the type with
/// the lowest number, stands in for it, as zone files list the SOA first and
/// `dnssec-signzone` writes types in that order.
fn first_any_type(node: Node<'_>, dnssec: bool) -> Option<RType> {
    if node.rrset(RType::SOA).is_some() {
        return Some(RType::SOA);
    }
    node.rrsets()
        .find(|r| dnssec || r.rtype() != RType::RRSIG)
        .map(|r| r.covered().unwrap_or(r.rtype()))
}
