//! Applying steps to a zone, as a secondary applies an IXFR and a server replays its
//! journal on start.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::compute::soa_record;
use super::{Diff, record_text};
use crate::diag::Diagnostic;
use crate::record::{Rdata, Record};
use crate::types::RType;
use crate::zone::{CheckOptions, Zone, ZoneError};

/// Why steps could not be applied to a zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// A step does not start at the serial the zone has reached.
    #[error("step {step} starts at serial {from}, but the zone is at serial {current}")]
    SerialMismatch {
        /// The step's position in the sequence, from 0.
        step: usize,
        /// The serial the step starts from.
        from: u32,
        /// The zone's serial before the step.
        current: u32,
    },
    /// A step deletes a record the zone does not have (BIND: "not exact").
    #[error("step {from} -> {to}: deletes a record the zone does not have: {record}")]
    NotPresent {
        /// The serial the step starts from.
        from: u32,
        /// The serial the step leads to.
        to: u32,
        /// The record in presentation form.
        record: String,
    },
    /// A step adds a record the zone already has (with any TTL).
    #[error("step {from} -> {to}: adds a record the zone already has: {record}")]
    AlreadyPresent {
        /// The serial the step starts from.
        from: u32,
        /// The serial the step leads to.
        to: u32,
        /// The record in presentation form.
        record: String,
    },
    /// A step adds a record of another class or outside the zone.
    #[error("step {from} -> {to}: adds a record outside zone {zone}: {record}")]
    OutOfZone {
        /// The serial the step starts from.
        from: u32,
        /// The serial the step leads to.
        to: u32,
        /// The zone, `NAME/CLASS`.
        zone: String,
        /// The record in presentation form.
        record: String,
    },
    /// The zone the steps lead to fails the checks of [`Zone::build`].
    #[error("the resulting zone does not load: {0}")]
    Zone(#[from] ZoneError),
}

/// A record's identity, TTL aside: owner (lower case), type, canonical RDATA.
type Key = (Box<[u8]>, RType, Box<[u8]>);

fn key(record: &Record) -> Key {
    let rdata = match crate::rdata::canonical(record.rtype, record.rdata.as_bytes()) {
        Cow::Borrowed(b) => b.into(),
        Cow::Owned(v) => v.into_boxed_slice(),
    };
    (
        record
            .owner
            .as_wire()
            .to_ascii_lowercase()
            .into_boxed_slice(),
        record.rtype,
        rdata,
    )
}

/// The zone as the steps so far leave it: the original, less the records deleted from
/// it, plus the records added since (and not deleted again).
struct Overlay<'z> {
    zone: &'z Zone,
    /// The records deleted from `zone`, by node index: the address of each one's RDATA in
    /// the zone, which identifies it.
    removed: BTreeMap<usize, Vec<usize>>,
    /// The records added, in order; `None` once deleted again.
    added: Vec<Option<Record>>,
    index: HashMap<Key, usize>,
    soa: Record,
    serial: u32,
}

impl<'z> Overlay<'z> {
    fn new(zone: &'z Zone) -> Self {
        Self {
            zone,
            removed: BTreeMap::new(),
            added: Vec::new(),
            index: HashMap::new(),
            soa: soa_record(zone),
            serial: zone.serial(),
        }
    }

    /// The record of the original zone equal to `record` (TTL aside) and not deleted:
    /// its node index and RDATA address.
    fn find_original(&self, record: &Record) -> Option<(usize, usize)> {
        let node = self.zone.node(record.owner.as_wire())?;
        let wanted = crate::rdata::canonical(record.rtype, record.rdata.as_bytes());
        let removed = self.removed.get(&node.index());
        node.rrsets()
            .filter(|rrset| rrset.rtype() == record.rtype)
            .flat_map(|rrset| rrset.rdatas())
            .find(|rdata| crate::rdata::canonical(record.rtype, rdata) == wanted)
            .map(|rdata| (node.index(), rdata.as_ptr() as usize))
            .filter(|(_, address)| removed.is_none_or(|r| !r.contains(address)))
    }

    fn step(&mut self, index: usize, diff: &Diff) -> Result<(), ApplyError> {
        let (from, to) = (diff.from_serial(), diff.to_serial());
        if from != self.serial {
            return Err(ApplyError::SerialMismatch {
                step: index,
                from,
                current: self.serial,
            });
        }
        // The TTL is not compared: an RRset takes the TTL of the records last added to it,
        // so a record's TTL may change without a deletion of its own. BIND compares data
        // only, too.
        for record in diff.deleted() {
            if let Some(i) = self.index.remove(&key(record)) {
                self.added[i] = None;
                continue;
            }
            let Some((node, address)) = self.find_original(record) else {
                return Err(ApplyError::NotPresent {
                    from,
                    to,
                    record: record_text(record),
                });
            };
            self.removed.entry(node).or_default().push(address);
        }
        for record in diff.added() {
            if record.class != self.zone.class()
                || !record.owner.is_subdomain_of(self.zone.origin())
            {
                return Err(ApplyError::OutOfZone {
                    from,
                    to,
                    zone: format!("{}/{}", self.zone.origin(), self.zone.class()),
                    record: record_text(record),
                });
            }
            let key = key(record);
            if self.index.contains_key(&key) || self.find_original(record).is_some() {
                return Err(ApplyError::AlreadyPresent {
                    from,
                    to,
                    record: record_text(record),
                });
            }
            self.index.insert(key, self.added.len());
            self.added.push(Some(record.clone()));
        }
        let soa = diff.new_soa();
        if soa.class != self.zone.class() || soa.owner != *self.zone.origin() {
            return Err(ApplyError::OutOfZone {
                from,
                to,
                zone: format!("{}/{}", self.zone.origin(), self.zone.class()),
                record: record_text(soa),
            });
        }
        self.soa = soa.clone();
        self.serial = to;
        Ok(())
    }

    /// Every record of the result: the SOA, the original's remaining records node by
    /// node, then the additions (so that an RRset they join takes their TTL, as the
    /// builder gives an RRset the TTL of its last record).
    fn into_records(self) -> Vec<Record> {
        let zone = self.zone;
        let added = self.added.iter().flatten().count();
        let mut records = Vec::with_capacity(zone.record_count() + added);
        records.push(self.soa);
        let mut removed = self.removed.into_iter().peekable();
        for node in zone.nodes() {
            let gone = removed
                .next_if(|(i, _)| *i == node.index())
                .map(|(_, addresses)| addresses)
                .unwrap_or_default();
            let mut owner = None;
            for rrset in node.rrsets() {
                if rrset.rtype() == RType::SOA && node.is_apex() {
                    continue;
                }
                let owner = owner.get_or_insert_with(|| node.name());
                for rdata in rrset.rdatas() {
                    if !gone.is_empty() && gone.contains(&(rdata.as_ptr() as usize)) {
                        continue;
                    }
                    records.push(Record {
                        owner: owner.clone(),
                        ttl: rrset.ttl(),
                        class: zone.class(),
                        rtype: rrset.rtype(),
                        rdata: Rdata(rdata.into()),
                    });
                }
            }
        }
        records.extend(self.added.into_iter().flatten());
        records
    }
}

/// Applies `diffs`, in order, to `zone` and builds the zone they lead to with `opts`'
/// checks (its warnings are returned with it).
///
/// Each step must start at the serial the previous one reached (the first at `zone`'s);
/// each record it deletes must be in the zone (owner, class, type and RDATA compared as
/// in RFC 4034 §6.2; the TTL is not compared); each record it adds must not be (with any
/// TTL) and must belong to the zone. Within a step the deletions come first, so a step
/// may delete a record and add it back with another TTL. The zone gets the last step's
/// new SOA. With no steps, the result is a copy of `zone`.
pub fn apply(
    zone: &Zone,
    diffs: &[Diff],
    opts: &CheckOptions,
) -> Result<(Zone, Vec<Diagnostic>), ApplyError> {
    let mut overlay = Overlay::new(zone);
    for (i, diff) in diffs.iter().enumerate() {
        overlay.step(i, diff)?;
    }
    let records = overlay.into_records();
    Ok(Zone::build(
        zone.origin().clone(),
        zone.class(),
        records,
        opts,
    )?)
}
