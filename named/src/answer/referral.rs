//! Referrals: the NS RRset of the delegation in the authority section, AA clear, glue
//! from the zone in the additional section, and with DO the DS RRset or the proof that
//! there is none (BIND's `query_delegation` and `query_prepare_delegation_response`).
//!
//! Glue is what BIND's glue cache finds: for each NS target, in RDATA order, the A and
//! AAAA RRsets of the target when it lies below a zone cut of this zone (its own or a
//! sibling's); targets with authoritative data are not glue and are left out. Live: a
//! referral to `ns1.example.com` (in the parent's authoritative data) and
//! `ns.deleg.example.com` (below the cut) carried only the latter's addresses.

use zones::RType;
use zones::lookup::Lookup;
use zones::zone::{Node, RRset};

use super::plan::Head;
use super::query::{Ctx, InZone};
use crate::wire::response::Section;

impl<'a> Ctx<'a, '_> {
    /// Refers the client to the delegation at `cut`.
    pub(crate) fn referral(&mut self, zone: InZone<'a>, cut: Node<'a>, ns: RRset<'a>) {
        self.authoritative = false;
        self.glue = true;
        // Referrals always carry their glue, whatever minimal-responses says.
        self.no_additional = false;
        let sigs = self.sigs_for(zone, ns);
        self.add_rrset(
            zone,
            Section::Authority,
            cut.name_wire(),
            ns,
            sigs,
            ns.ttl(),
        );
        self.glue = false;
        self.add_ds(zone, cut);
    }

    /// BIND's `rdataset_addglue`: the glue for an NS RRset, in BIND's order (the last
    /// target's first), A before AAAA for each.
    pub(crate) fn add_glue(&mut self, zone: InZone<'a>, ns: RRset<'a>) {
        let class = zone.zone.class();
        let mut targets = [None; MAX_GLUE_NAMES];
        let mut count = 0;
        for target in ns.rdatas() {
            if count == MAX_GLUE_NAMES {
                break;
            }
            if !matches!(zone.zone.lookup(target, RType::A), Lookup::Referral { .. }) {
                continue;
            }
            let Some(node) = zone.zone.node(target) else {
                continue;
            };
            if node.rrset(RType::A).is_some() || node.rrset(RType::AAAA).is_some() {
                targets[count] = Some(node);
                count += 1;
            }
        }
        for node in targets[..count].iter().rev().flatten() {
            for rtype in [RType::A, RType::AAAA] {
                let Some(rrset) = node.rrset(rtype) else {
                    continue;
                };
                let owner = node.name_wire();
                self.plan.push(
                    Section::Additional,
                    owner,
                    Head {
                        rtype,
                        covers: RType(0),
                        class,
                        ttl: rrset.ttl(),
                    },
                    rrset.wire(),
                );
                if let Some(sigs) = rrset.signatures() {
                    self.plan.push(
                        Section::Additional,
                        owner,
                        Head {
                            rtype: RType::RRSIG,
                            covers: rtype,
                            class,
                            ttl: sigs.ttl(),
                        },
                        sigs.wire(),
                    );
                }
            }
        }
    }
}

/// The most NS targets whose glue is added (an NS RRset holds at most 65535 records; a
/// message cannot carry more glue than this).
const MAX_GLUE_NAMES: usize = 512;
