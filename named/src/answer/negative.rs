//! Negative answers (NODATA, NXDOMAIN) with the SOA at the RFC 2308 TTL, and the NSEC
//! and NSEC3 records that prove them (RFC 4035 §3.1.3, RFC 5155 §7.2), chosen as BIND
//! 9.18 chooses them (`query_nodata`, `query_sign_nodata`, `query_addnxrrsetnsec`,
//! `query_nxdomain`, `query_addwildcardproof`, `query_findclosestnsec3`).
//!
//! BIND's NSEC proofs follow the records rather than the names: the NSEC covering the
//! query name tells, through the longest suffix its owner or next name shares with the
//! query name, which wildcard to deny next. NSEC3 proofs walk up to the closest
//! encloser, and through opt-out spans up to the closest provable encloser.

use zones::RType;
use zones::lookup::Lookup;
use zones::zone::{Node, RRset};

use super::dnssec::{Denial, Nsec3Match, covering_nsec};
use super::names::{NameBuf, common_labels, keep_labels, label_count, name_len, skip_labels};
use super::query::{Ctx, InZone};
use crate::wire::Rcode;
use crate::wire::response::Section;

/// A timer of the SOA record: 0 for the serial up to 4 for MINIMUM, read from the end of
/// the RDATA (the zone's builder checked its layout), without decoding the names.
pub(crate) fn soa_field(soa: RRset<'_>, index: usize) -> u32 {
    let rdata = soa.rdatas().next().unwrap_or_default();
    let end = rdata.len().saturating_sub(4 * (4 - index.min(4)));
    rdata
        .get(end.saturating_sub(4)..end)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// What BIND's `dns_db_find` for type NSEC without wildcards says about a name.
enum NsecFind<'a> {
    /// The name does not exist; the NSEC covering it, when the zone is NSEC-signed.
    NxDomain(Option<Node<'a>>),
    /// The name exists (or lies below a cut): no proof from it.
    Other,
}

impl<'a> Ctx<'a, '_> {
    /// BIND's `query_addsoa`: the SOA in the authority section, its TTL (and its RRSIG's)
    /// capped by the SOA MINIMUM (RFC 2308 §3), and by `cap` when given.
    pub(crate) fn add_soa(&mut self, zone: InZone<'a>, cap: Option<u32>) {
        let soa = zone.zone.soa_rrset();
        let minimum = soa_field(soa, 4).min(cap.unwrap_or(u32::MAX));
        let sigs = self.sigs_for(zone, soa);
        let apex = zone.zone.apex();
        self.add_rrset(
            zone,
            Section::Authority,
            apex.name_wire(),
            soa,
            sigs,
            soa.ttl().min(minimum),
        );
    }

    /// Adds a proof record (NSEC or NSEC3) owned by `node` to the authority section.
    fn add_proof(&mut self, zone: InZone<'a>, node: Node<'a>, rtype: RType) {
        if let Some(rrset) = node.rrset(rtype) {
            let sigs = rrset.signatures();
            self.add_rrset(
                zone,
                Section::Authority,
                node.name_wire(),
                rrset,
                sigs,
                rrset.ttl(),
            );
        }
    }

    /// BIND's `query_nodata` and `query_sign_nodata`: NOERROR without data for the name
    /// (which may be an empty non-terminal, or a wildcard match).
    pub(crate) fn nodata(&mut self, zone: InZone<'a>, node: Node<'a>, wildcard: bool) {
        // The NSEC BIND's lookup returns beside NXRRSET in an NSEC-signed zone: the
        // node's own, or for an empty non-terminal the one covering it.
        let mut nsec: Option<Node<'a>> = None;
        if let Denial::Nsec = zone.entry.denial {
            let own = node
                .rrset(RType::NSEC)
                .is_some_and(|n| n.signatures().is_some());
            if own {
                nsec = Some(node);
            } else if wildcard {
                // A wildcard without an NSEC (an empty one): BIND's EMPTYWILD, answered
                // as an NXDOMAIN would be, with NOERROR, and the NSEC covering the query
                // name (live: only that one, not the one before the wildcard).
                let cover = covering_nsec(zone.zone, self.qname.as_bytes());
                return self.nxdomain_with(zone, cover, true);
            } else if node.is_empty_nonterminal() {
                nsec = covering_nsec(zone.zone, node.name_wire());
            } else {
                // A secure zone without an NSEC at the name: BIND's DNS_R_BADDB.
                self.error = Some(Rcode::SERVFAIL);
                return;
            }
        }
        let mut nsec3: Option<Node<'a>> = None;
        if self.dnssec && nsec.is_none() {
            if wildcard {
                let qname = self.qname;
                self.wildcard_proof(zone, qname, false);
            } else {
                let qname = self.qname;
                let (found, encloser) = self.closest_nsec3(zone, qname, true);
                if let Some(first) = found
                    && encloser.as_bytes() != qname.as_bytes()
                {
                    // Opt-out: the closest provable encloser's NSEC3, then the one
                    // covering the name below it on the way to the query name.
                    self.add_proof(zone, first, RType::NSEC3);
                    let labels = label_count(encloser.as_bytes()).unwrap_or(0) + 1;
                    let next = keep_labels(qname.as_bytes(), labels);
                    nsec3 = NameBuf::from_wire(next)
                        .and_then(|next| self.closest_nsec3(zone, next, false).0);
                } else {
                    nsec3 = found;
                }
            }
        }
        self.add_soa(zone, None);
        if !self.dnssec {
            return;
        }
        if let Some(node3) = nsec3 {
            self.add_proof(zone, node3, RType::NSEC3);
        }
        if let Some(nsec_node) = nsec {
            self.add_nxrrset_nsec(zone, nsec_node, wildcard);
        }
    }

    /// BIND's `query_addnxrrsetnsec`: the NSEC proving the type absent; for a wildcard
    /// match, also the NSEC proving the query name itself absent.
    fn add_nxrrset_nsec(&mut self, zone: InZone<'a>, nsec_node: Node<'a>, wildcard: bool) {
        if !wildcard {
            self.add_proof(zone, nsec_node, RType::NSEC);
            return;
        }
        let Some(sig_labels) = nsec_node
            .rrset(RType::NSEC)
            .and_then(|r| r.signatures())
            .and_then(|s| s.rdatas().next())
            .and_then(|r| r.get(3).copied())
        else {
            return;
        };
        let qname = self.qname;
        let labels = label_count(qname.as_bytes()).unwrap_or(0);
        if usize::from(sig_labels) >= labels {
            return;
        }
        self.wildcard_proof(zone, qname, true);
        self.add_proof(zone, nsec_node, RType::NSEC);
    }

    /// BIND's `query_nxdomain`: the name does not exist.
    pub(crate) fn nxdomain(&mut self, zone: InZone<'a>, empty_wildcard: bool) {
        let cover = match zone.entry.denial {
            Denial::Nsec => covering_nsec(zone.zone, self.qname.as_bytes()),
            _ => None,
        };
        self.nxdomain_with(zone, cover, empty_wildcard);
    }

    fn nxdomain_with(&mut self, zone: InZone<'a>, cover: Option<Node<'a>>, empty_wildcard: bool) {
        // `zero-no-soa-ttl`: an SOA query for a name that does not exist gets the SOA
        // with TTL 0, so that stub resolvers can find the zone without caching it.
        let cap = (self.qtype == RType::SOA && zone.entry.zero_no_soa_ttl).then_some(0);
        self.add_soa(zone, cap);
        if self.dnssec {
            if let Some(cover) = cover {
                self.add_proof(zone, cover, RType::NSEC);
            }
            let qname = self.qname;
            self.wildcard_proof(zone, qname, false);
        }
        self.rcode = if empty_wildcard {
            Rcode::NOERROR
        } else {
            Rcode::NXDOMAIN
        };
    }

    /// BIND's `dns_db_find(name, NSEC, DNS_DBFIND_NOWILD)`, as far as proofs use it.
    fn nsec_find(&self, zone: InZone<'a>, name: &[u8]) -> NsecFind<'a> {
        match zone.zone.lookup(name, RType::NSEC) {
            Lookup::NxDomain { .. }
            | Lookup::Answer {
                wildcard: Some(_), ..
            }
            | Lookup::Any {
                wildcard: Some(_), ..
            }
            | Lookup::Cname {
                wildcard: Some(_), ..
            }
            | Lookup::NoData {
                wildcard: Some(_), ..
            } => NsecFind::NxDomain(match zone.entry.denial {
                Denial::Nsec => covering_nsec(zone.zone, name),
                _ => None,
            }),
            _ => NsecFind::Other,
        }
    }

    /// BIND's `query_addwildcardproof`: for a positive wildcard answer, that the query
    /// name does not exist; otherwise also the wildcard at the closest encloser: its
    /// absence (NXDOMAIN), or with NSEC3 the record matching it (NODATA).
    pub(crate) fn wildcard_proof(&mut self, zone: InZone<'a>, name: NameBuf, positive: bool) {
        if let Denial::Nsec3(_) | Denial::Insecure = zone.entry.denial {
            self.wildcard_proof_nsec3(zone, name, positive);
            return;
        }
        let mut name = name;
        let mut positive = positive;
        loop {
            let NsecFind::NxDomain(cover) = self.nsec_find(zone, name.as_bytes()) else {
                return;
            };
            let Some(cover) = cover else {
                return;
            };
            let wname = if positive {
                None
            } else {
                self.denied_wildcard(name, cover)
            };
            self.add_proof(zone, cover, RType::NSEC);
            match wname {
                Some(w) if !w.as_bytes().eq_ignore_ascii_case(name.as_bytes()) => {
                    name = w;
                    positive = true;
                }
                _ => return,
            }
        }
    }

    /// The wildcard an NSEC covering `name` points at: `*.` and the longest suffix of
    /// `name` shared with the NSEC's owner or next name.
    fn denied_wildcard(&self, name: NameBuf, cover: Node<'a>) -> Option<NameBuf> {
        let next = cover.rrset(RType::NSEC)?.rdatas().next()?;
        let next_len = name_len(next)?;
        let name = name.as_bytes();
        let own = common_labels(name, cover.name_wire());
        let nxt = common_labels(name, &next[..next_len]);
        if label_count(name)? == nxt {
            // A malformed chain; BIND gives up here.
            return None;
        }
        let suffix = keep_labels(name, own.max(nxt));
        NameBuf::concat(b"\x01*", suffix)
    }

    /// The NSEC3 half of [`Ctx::wildcard_proof`].
    fn wildcard_proof_nsec3(&mut self, zone: InZone<'a>, name: NameBuf, positive: bool) {
        // The closest encloser: strip labels until the name exists.
        let mut encloser = name;
        let mut skip = 0;
        while let NsecFind::NxDomain(_) = self.nsec_find(zone, encloser.as_bytes()) {
            skip += 1;
            if skip > label_count(name.as_bytes()).unwrap_or(0) {
                return;
            }
            let Some(up) = NameBuf::from_wire(skip_labels(name.as_bytes(), skip)) else {
                return;
            };
            encloser = up;
        }
        let (found, encloser) = self.closest_nsec3(zone, encloser, true);
        let Some(found) = found else {
            return;
        };
        if !positive {
            self.add_proof(zone, found, RType::NSEC3);
        }
        // The next closer name, covered.
        let labels = label_count(encloser.as_bytes()).unwrap_or(0) + 1;
        let Some(next) = NameBuf::from_wire(keep_labels(name.as_bytes(), labels)) else {
            return;
        };
        let Some(cover) = self.closest_nsec3(zone, next, false).0 else {
            return;
        };
        self.add_proof(zone, cover, RType::NSEC3);
        if positive {
            return;
        }
        // The wildcard at the closest encloser: covered, or matched for NODATA.
        let Some(wild) = NameBuf::concat(b"\x01*", encloser.as_bytes()) else {
            return;
        };
        if let Some(w) = self.closest_nsec3(zone, wild, false).0 {
            self.add_proof(zone, w, RType::NSEC3);
        }
    }

    /// BIND's `query_findclosestnsec3`: the NSEC3 record matching `name`, or covering it.
    /// With `provable`, a covering record with opt-out sends the search one label up, to
    /// the closest provable encloser (RFC 5155 §7.2.1). Returns the record and the name
    /// it was found for.
    pub(crate) fn closest_nsec3(
        &self,
        zone: InZone<'a>,
        name: NameBuf,
        provable: bool,
    ) -> (Option<Node<'a>>, NameBuf) {
        let Denial::Nsec3(chain) = &zone.entry.denial else {
            return (None, name);
        };
        let mut current = name;
        let mut skip = 0;
        loop {
            match chain.find(zone.zone, current.as_bytes()) {
                None => return (None, current),
                Some(Nsec3Match::Exact(node)) => return (Some(node), current),
                Some(Nsec3Match::Covering(node, opt_out)) => {
                    if provable
                        && opt_out
                        && current.as_bytes().len() > zone.zone.origin().as_wire().len()
                    {
                        skip += 1;
                        match NameBuf::from_wire(skip_labels(name.as_bytes(), skip)) {
                            Some(up) => current = up,
                            None => return (Some(node), current),
                        }
                        continue;
                    }
                    return (Some(node), current);
                }
            }
        }
    }

    /// BIND's `query_addds`: in a referral with DO, the DS RRset at the cut, else the
    /// NSEC at the cut, else the NSEC3 records proving there is no DS (RFC 4035 §3.1.4,
    /// RFC 5155 §7.2.7), all only when signed.
    pub(crate) fn add_ds(&mut self, zone: InZone<'a>, cut: Node<'a>) {
        if !self.dnssec {
            return;
        }
        let signed = |r: Option<RRset<'a>>| r.filter(|r| r.signatures().is_some());
        let ds = cut.rrset(RType::DS);
        let chosen = match ds {
            Some(_) => signed(ds),
            None => signed(cut.rrset(RType::NSEC)),
        };
        if let Some(rrset) = chosen {
            self.add_rrset(
                zone,
                Section::Authority,
                cut.name_wire(),
                rrset,
                rrset.signatures(),
                rrset.ttl(),
            );
            return;
        }
        let Some(name) = NameBuf::from_wire(cut.name_wire()) else {
            return;
        };
        let (found, encloser) = self.closest_nsec3(zone, name, true);
        let Some(found) = found else {
            return;
        };
        self.add_proof(zone, found, RType::NSEC3);
        if !encloser.as_bytes().eq_ignore_ascii_case(name.as_bytes()) {
            let labels = label_count(encloser.as_bytes()).unwrap_or(0) + 1;
            if let Some(next) = NameBuf::from_wire(keep_labels(name.as_bytes(), labels))
                && let Some(cover) = self.closest_nsec3(zone, next, false).0
            {
                self.add_proof(zone, cover, RType::NSEC3);
            }
        }
    }
}
