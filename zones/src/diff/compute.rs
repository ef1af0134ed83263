//! Computing the difference between two zone snapshots.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::iter::Peekable;

use super::{Diff, DiffError};
use crate::name::Name;
use crate::record::{Rdata, Record};
use crate::types::{Class, RType};
use crate::zone::{Node, RRset, RRsets, Zone, canonical_cmp};

/// Where the records of one side of the comparison go.
struct Side {
    class: Class,
    records: Vec<Record>,
}

impl Side {
    fn push(&mut self, owner: &Name, rrset: RRset<'_>, rdata: &[u8]) {
        self.records.push(Record {
            owner: owner.clone(),
            ttl: rrset.ttl(),
            class: self.class,
            rtype: rrset.rtype(),
            rdata: Rdata(rdata.into()),
        });
    }

    fn push_rrset(&mut self, owner: &Name, rrset: RRset<'_>) {
        for rdata in rrset.rdatas() {
            self.push(owner, rrset, rdata);
        }
    }

    /// Every record of `node` but the apex SOA, which a [`Diff`] carries apart.
    fn push_node(&mut self, node: Node<'_>) {
        let mut owner = None;
        for rrset in node.rrsets() {
            if rrset.rtype() == RType::SOA && node.is_apex() {
                continue;
            }
            let owner = owner.get_or_insert_with(|| node.name());
            self.push_rrset(owner, rrset);
        }
    }
}

impl Diff {
    /// The step from zone `old` to zone `new`: the records only `old` has are deleted,
    /// those only `new` has are added; an RRset whose TTL changed is deleted and added
    /// whole. The two zones must have the same origin and class. Serials are not
    /// compared: an unchanged or lower serial gives a step all the same (the journal
    /// refuses to append one).
    pub fn between(old: &Zone, new: &Zone) -> Result<Diff, DiffError> {
        if old.origin() != new.origin() || old.class() != new.class() {
            return Err(DiffError::DifferentZones {
                old: format!("{}/{}", old.origin(), old.class()),
                new: format!("{}/{}", new.origin(), new.class()),
            });
        }
        let mut deleted = Side {
            class: old.class(),
            records: Vec::new(),
        };
        let mut added = Side {
            class: new.class(),
            records: Vec::new(),
        };
        let (mut i, mut j) = (0, 0);
        loop {
            let (a, b) = (old.node_by_index(i), new.node_by_index(j));
            let order = match (a, b) {
                (Some(a), Some(b)) => node_order(a, b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => break,
            };
            match (order, a, b) {
                (Ordering::Less, Some(a), _) => {
                    deleted.push_node(a);
                    i += 1;
                }
                (Ordering::Greater, _, Some(b)) => {
                    added.push_node(b);
                    j += 1;
                }
                (_, Some(a), Some(b)) => {
                    compare_nodes(a, b, &mut deleted, &mut added);
                    i += 1;
                    j += 1;
                }
                // The match above covers every case `order` allows.
                _ => break,
            }
        }
        Diff::new(
            soa_record(old),
            deleted.records,
            soa_record(new),
            added.records,
        )
    }
}

/// The order of two nodes' names (RFC 4034 §6.1), trying plain equality first: in two
/// versions of one zone most names are spelt the same.
fn node_order(a: Node<'_>, b: Node<'_>) -> Ordering {
    let (x, y) = (a.name_wire(), b.name_wire());
    if x == y {
        return Ordering::Equal;
    }
    // Node names are valid names, so the comparison is defined.
    canonical_cmp(x, y).unwrap_or(Ordering::Equal)
}

/// Where an RRset sorts within its node, as the zone stores them: by type, the RRSIGs
/// covering a type right after it.
fn rrset_key(rrset: RRset<'_>) -> (u16, bool) {
    match rrset.covered() {
        Some(covered) => (covered.0, true),
        None => (rrset.rtype().0, false),
    }
}

/// Compares the RRsets of two nodes with the same name.
fn compare_nodes(a: Node<'_>, b: Node<'_>, deleted: &mut Side, added: &mut Side) {
    let (mut xs, mut ys) = (a.rrsets().peekable(), b.rrsets().peekable());
    // Owners are made only when a record is reported, most nodes have none.
    let (mut old_owner, mut new_owner) = (None, None);
    let skip_soa = |rrsets: &mut Peekable<RRsets<'_>>, apex: bool| {
        rrsets
            .next_if(|r| apex && r.rtype() == RType::SOA)
            .is_some()
    };
    loop {
        if skip_soa(&mut xs, a.is_apex()) || skip_soa(&mut ys, b.is_apex()) {
            continue;
        }
        let order = match (xs.peek(), ys.peek()) {
            (Some(x), Some(y)) => rrset_key(*x).cmp(&rrset_key(*y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => return,
        };
        match order {
            Ordering::Less => {
                if let Some(x) = xs.next() {
                    let owner = old_owner.get_or_insert_with(|| a.name());
                    deleted.push_rrset(owner, x);
                }
            }
            Ordering::Greater => {
                if let Some(y) = ys.next() {
                    let owner = new_owner.get_or_insert_with(|| b.name());
                    added.push_rrset(owner, y);
                }
            }
            Ordering::Equal => {
                if let (Some(x), Some(y)) = (xs.next(), ys.next()) {
                    if x.ttl() == y.ttl() && x.wire() == y.wire() {
                        continue;
                    }
                    let old = old_owner.get_or_insert_with(|| a.name());
                    let new = new_owner.get_or_insert_with(|| b.name());
                    compare_rrsets((old, x), (new, y), deleted, added);
                }
            }
        }
    }
}

/// Compares two RRsets of one owner and type whose stored bytes differ.
fn compare_rrsets(
    (old_owner, x): (&Name, RRset<'_>),
    (new_owner, y): (&Name, RRset<'_>),
    deleted: &mut Side,
    added: &mut Side,
) {
    if x.ttl() != y.ttl() {
        deleted.push_rrset(old_owner, x);
        added.push_rrset(new_owner, y);
        return;
    }
    // Both RDATA lists are in canonical order (RFC 4034 §6.3), so one merge finds the
    // records only one side has.
    let canonical = |rtype: RType, rdata: &'_ [u8]| -> Vec<u8> {
        match crate::rdata::canonical(rtype, rdata) {
            Cow::Borrowed(b) => b.to_vec(),
            Cow::Owned(v) => v,
        }
    };
    let rtype = x.rtype();
    let (mut ps, mut qs) = (x.rdatas().peekable(), y.rdatas().peekable());
    loop {
        let order = match (ps.peek(), qs.peek()) {
            (Some(p), Some(q)) if p == q => Ordering::Equal,
            (Some(p), Some(q)) => canonical(rtype, p).cmp(&canonical(rtype, q)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => return,
        };
        match order {
            Ordering::Less => {
                if let Some(p) = ps.next() {
                    deleted.push(old_owner, x, p);
                }
            }
            Ordering::Greater => {
                if let Some(q) = qs.next() {
                    added.push(new_owner, y, q);
                }
            }
            Ordering::Equal => {
                ps.next();
                qs.next();
            }
        }
    }
}

/// The zone's SOA as an owned record.
pub(super) fn soa_record(zone: &Zone) -> Record {
    let rrset = zone.soa_rrset();
    Record {
        owner: zone.apex().name(),
        ttl: rrset.ttl(),
        class: zone.class(),
        rtype: RType::SOA,
        rdata: Rdata(rrset.rdatas().next().unwrap_or_default().into()),
    }
}
