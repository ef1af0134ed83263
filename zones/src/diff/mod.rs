//! Zone differences as IXFR sees them (RFC 1995), computed between two zone snapshots and
//! applied to a zone to make the next one.
//!
//! # Design
//!
//! A [`Diff`] is one step of a zone's history: the old SOA, the records deleted, the new
//! SOA, the records added. That is the unit IXFR sends (RFC 1995 §4), the unit the journal
//! stores, and what a primary with `ixfr-from-differences` makes on reload.
//!
//! Records are the same record when their owner, class, type and RDATA are equal in the
//! canonical form of RFC 4034 §6.2 (names compared without regard to case), as the zone
//! builder decides duplicates. The TTL belongs to the comparison too: a changed TTL is a
//! deletion and an addition, as BIND journals it, and an RRset with a new TTL is deleted
//! and added whole, because an RRset has one TTL.
//!
//! [`Diff::between`] walks both zones' nodes in canonical order and compares each pair of
//! RRsets byte for byte first, so a few changes in a large zone cost one linear pass with
//! little more than memory comparisons. [`apply`] checks each step against the zone (the
//! starting serial, each deletion present, each addition new) and builds the resulting
//! zone once, at the end, with [`Zone::build`](crate::zone::Zone::build).

mod apply;
mod compute;

use std::fmt;

use crate::name::Name;
use crate::record::Record;
use crate::types::RType;
use crate::writer;

pub use apply::{ApplyError, apply};

/// Why a [`Diff`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// The two zones differ in origin or class.
    #[error("cannot compare zone {old} with zone {new}")]
    DifferentZones {
        /// The old zone, `NAME/CLASS`.
        old: String,
        /// The new zone, `NAME/CLASS`.
        new: String,
    },
    /// An SOA given as the old or new SOA is not an SOA record, or its RDATA is malformed.
    #[error("bad {which} SOA: {record}")]
    BadSoa {
        /// `old` or `new`.
        which: &'static str,
        /// The record in presentation form.
        record: String,
    },
    /// An SOA record among the deleted or added records: in IXFR an SOA only ever
    /// delimits the lists (RFC 1995 §4).
    #[error("SOA record among the {list} records: {record}")]
    SoaInList {
        /// `deleted` or `added`.
        list: &'static str,
        /// The record in presentation form.
        record: String,
    },
}

/// One version step of a zone: what IXFR (RFC 1995 §4) sends for it and the journal
/// stores.
///
/// RFC 1995 §4: "each difference sequence represents one update to the zone (one SOA
/// serial change) consisting of deleted RRs and added RRs. The first RR of the deleted
/// RRs is the older SOA RR and the first RR of the added RRs is the newer SOA RR."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    old_soa: Record,
    deleted: Vec<Record>,
    new_soa: Record,
    added: Vec<Record>,
    from: u32,
    to: u32,
}

impl Diff {
    /// A step from the zone version with `old_soa` to the one with `new_soa`. The SOAs
    /// must be well-formed SOA records; neither list may hold an SOA record. Whether the
    /// serial increases is not checked here (the journal checks it when appending).
    pub fn new(
        old_soa: Record,
        deleted: Vec<Record>,
        new_soa: Record,
        added: Vec<Record>,
    ) -> Result<Diff, DiffError> {
        let from = soa_serial(&old_soa).ok_or_else(|| DiffError::BadSoa {
            which: "old",
            record: record_text(&old_soa),
        })?;
        let to = soa_serial(&new_soa).ok_or_else(|| DiffError::BadSoa {
            which: "new",
            record: record_text(&new_soa),
        })?;
        for (list, records) in [("deleted", &deleted), ("added", &added)] {
            if let Some(soa) = records.iter().find(|r| r.rtype == RType::SOA) {
                return Err(DiffError::SoaInList {
                    list,
                    record: record_text(soa),
                });
            }
        }
        Ok(Diff {
            old_soa,
            deleted,
            new_soa,
            added,
            from,
            to,
        })
    }

    /// The serial this step starts from (the old SOA's).
    pub fn from_serial(&self) -> u32 {
        self.from
    }

    /// The serial this step leads to (the new SOA's).
    pub fn to_serial(&self) -> u32 {
        self.to
    }

    /// The SOA of the version this step starts from.
    pub fn old_soa(&self) -> &Record {
        &self.old_soa
    }

    /// The records deleted, without the old SOA.
    pub fn deleted(&self) -> &[Record] {
        &self.deleted
    }

    /// The SOA of the version this step leads to.
    pub fn new_soa(&self) -> &Record {
        &self.new_soa
    }

    /// The records added, without the new SOA.
    pub fn added(&self) -> &[Record] {
        &self.added
    }

    /// Whether no record other than the SOA is deleted or added.
    pub fn is_empty(&self) -> bool {
        self.deleted.is_empty() && self.added.is_empty()
    }

    /// How many records IXFR sends for this step: both SOAs, the deletions and additions.
    pub fn record_count(&self) -> usize {
        2 + self.deleted.len() + self.added.len()
    }

    /// The records in the order IXFR sends them (RFC 1995 §4): the old SOA, the deleted
    /// records, the new SOA, the added records.
    pub fn ixfr_records(&self) -> impl Iterator<Item = &Record> {
        std::iter::once(&self.old_soa)
            .chain(&self.deleted)
            .chain(std::iter::once(&self.new_soa))
            .chain(&self.added)
    }

    /// Takes the step apart: old SOA, deleted records, new SOA, added records.
    pub fn into_parts(self) -> (Record, Vec<Record>, Record, Vec<Record>) {
        (self.old_soa, self.deleted, self.new_soa, self.added)
    }
}

impl fmt::Display for Diff {
    /// The step as `named-journalprint` prints a transaction: a `del` line for the old
    /// SOA and each deleted record, then an `add` line for the new SOA and each addition.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::with_capacity(128);
        for (op, record) in std::iter::once(("del", &self.old_soa))
            .chain(self.deleted.iter().map(|r| ("del", r)))
            .chain(std::iter::once(("add", &self.new_soa)))
            .chain(self.added.iter().map(|r| ("add", r)))
        {
            line.clear();
            crate::journal::print::format_line(op, record, &mut line);
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// The serial of an SOA record; `None` when it is not an SOA or its RDATA is malformed.
pub(crate) fn soa_serial(record: &Record) -> Option<u32> {
    if record.rtype != RType::SOA {
        return None;
    }
    let rdata = record.rdata.as_bytes();
    let (_, mname_end) = Name::read_wire(rdata, 0).ok()?;
    let (_, rname_end) = Name::read_wire(rdata, mname_end).ok()?;
    let numbers = rdata.get(rname_end..)?;
    if numbers.len() != 20 {
        return None;
    }
    Some(u32::from_be_bytes([
        numbers[0], numbers[1], numbers[2], numbers[3],
    ]))
}

/// A record in presentation form, for messages.
pub(crate) fn record_text(record: &Record) -> String {
    let mut out = String::with_capacity(96);
    writer::format_record(record, &mut out);
    out
}

#[cfg(test)]
mod tests;
