//! Building a zone: screening the records as BIND's loader does, then laying them out
//! ([`layout`](super::layout)) and checking the result ([`checks`](super::checks)).

use super::builder::ZoneBuilder;
use super::wire;
use super::{CheckOptions, Mode, Rejection, Zone, ZoneError};
use crate::diag::Diagnostic;
use crate::name::Name;
use crate::record::Record;
use crate::types::{Class, RType};

/// Collects diagnostics and remembers the first fatal problem.
pub(super) struct Report {
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) rejection: Option<Rejection>,
}

impl Report {
    pub(super) fn new() -> Self {
        Self {
            diagnostics: Vec::new(),
            rejection: None,
        }
    }

    pub(super) fn warn(&mut self, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(None, None, message));
    }

    pub(super) fn error(&mut self, reason: Rejection, message: String) {
        self.diagnostics
            .push(Diagnostic::error(None, None, message));
        self.rejection.get_or_insert(reason);
    }

    /// Reports per `mode`: an error rejecting the zone for `reason`, a warning, or nothing.
    pub(super) fn by_mode(&mut self, mode: Mode, reason: Rejection, message: String) {
        match mode {
            Mode::Fail => self.error(reason, message),
            Mode::Warn => self.warn(message),
            Mode::Ignore => {}
        }
    }

    /// Adds what `later` found after what this report holds; the first fatal problem stays
    /// the first.
    pub(super) fn append(&mut self, later: Report) {
        self.diagnostics.extend(later.diagnostics);
        if self.rejection.is_none() {
            self.rejection = later.rejection;
        }
    }

    pub(super) fn into_error(self, reason: Rejection) -> ZoneError {
        ZoneError::Rejected {
            reason,
            diagnostics: self.diagnostics,
        }
    }
}

impl Zone {
    /// Builds and checks a zone from its records, as named-checkzone loads a zone file.
    ///
    /// Records outside the zone are dropped with a warning; duplicates (records equal in
    /// the canonical form of RFC 4034 §6.2) are dropped silently.
    ///
    /// Each RRset gets one TTL: that of its last record in input order. BIND's per-line TTL
    /// rule ("TTL set to prior TTL") is the master-file parser's business, because only it
    /// knows where BIND's loader batches lines (never across an `$INCLUDE`); a later batch
    /// of an RRset then sets the TTL of the whole RRset, as in BIND. The builder does not
    /// apply the rule again: records that did not come from a file (a transfer, say) carry
    /// one TTL per RRset from their source, and where they do not, the last one settles it.
    /// The result carries the warnings.
    ///
    /// Fatal problems give [`ZoneError::Rejected`] with every message: a class mismatch,
    /// CNAME and other data, a second SOA, CNAME or DNAME, an SOA below the apex, a DS at
    /// the apex, NS or NSEC3 at a wildcard, no SOA or NS at the apex, an apex NS target
    /// without addresses, or a check set to [`Mode::Fail`].
    pub fn build(
        origin: Name,
        class: Class,
        records: Vec<Record>,
        opts: &CheckOptions,
    ) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
        let mut builder = ZoneBuilder::all_at_end(origin, class, opts.clone(), records.len());
        builder.push(records);
        builder.finish()
    }
}

/// Where screening stands between two batches of records: what the last record screened
/// left for the next.
pub(super) struct Screen {
    /// The last record's owner, kept or not.
    last_owner: Option<Name>,
    /// Whether the next record kept starts a run.
    run_break: bool,
    /// Whether the last owner is in the zone, and the apex.
    in_zone: bool,
    at_apex: bool,
}

impl Screen {
    /// Before the first record.
    pub(super) fn new() -> Self {
        Self {
            last_owner: None,
            run_break: true,
            in_zone: false,
            at_apex: false,
        }
    }

    /// Makes the per-record checks BIND's loader makes on the next `records`, in input
    /// order, and drops the records it would not load. Notes in `runs` where each run
    /// starts among the records kept, counted from `first`, the number of the first kept
    /// here: a run is what BIND's loader collects before adding to its database,
    /// consecutive records of one owner. `keep` hears of each record kept, in order, and
    /// whether it starts a run.
    pub(super) fn batch(
        &mut self,
        (origin, class): (&Name, Class),
        records: &mut Vec<Record>,
        first: u32,
        report: &mut Report,
        runs: &mut Vec<u32>,
        mut keep: impl FnMut(&Record, bool),
    ) {
        // Which records stay, once one does not.
        let mut stays: Vec<bool> = Vec::new();
        let mut kept = first;
        for i in 0..records.len() {
            let record = &records[i];
            let previous = match i {
                0 => self.last_owner.as_ref(),
                _ => Some(&records[i - 1].owner),
            };
            // Runs break at every change of owner, whether or not the records are then
            // kept.
            if previous.is_none_or(|p| !same_name(p, &record.owner)) {
                self.run_break = true;
                self.in_zone = wire::is_below(record.owner.as_wire(), origin.as_wire());
                self.at_apex =
                    self.in_zone && record.owner.as_wire().len() == origin.as_wire().len();
            }
            if screen_record(class, record, self.in_zone, self.at_apex, report) {
                keep(record, self.run_break);
                if self.run_break {
                    runs.push(kept);
                    self.run_break = false;
                }
                kept += 1;
                if !stays.is_empty() {
                    stays.push(true);
                }
            } else {
                if stays.is_empty() {
                    stays = vec![true; i];
                }
                stays.push(false);
            }
        }
        if let Some(last) = records.last() {
            self.last_owner = Some(last.owner.clone());
        }
        if !stays.is_empty() {
            let mut stays = stays.into_iter();
            records.retain(|_| stays.next().unwrap_or(false));
        }
    }
}

/// Whether two names are the same, trying the common case of the same spelling first.
fn same_name(a: &Name, b: &Name) -> bool {
    a.as_wire() == b.as_wire() || a == b
}

/// Whether BIND's loader keeps a record, reporting why not. `in_zone` and `at_apex` say
/// where its owner is.
fn screen_record(
    class: Class,
    record: &Record,
    in_zone: bool,
    at_apex: bool,
    report: &mut Report,
) -> bool {
    let owner = &record.owner;
    if record.class != class {
        report.error(
            Rejection::BadClass,
            format!(
                "{}: class '{}' != zone class '{class}'",
                wire::display(owner),
                record.class
            ),
        );
        return false;
    }
    if record.rtype.is_meta() {
        report.error(
            Rejection::BadZone,
            format!(
                "{}: meta RR type '{}' in zone data",
                wire::display(owner),
                record.rtype
            ),
        );
        return false;
    }
    if !in_zone {
        report.warn(format!(
            "ignoring out-of-zone data ({})",
            wire::display(owner)
        ));
        return false;
    }
    if record.rtype == RType::SOA && !at_apex {
        report.error(
            Rejection::NotZoneTop,
            format!("SOA record not at top of zone ({})", wire::display(owner)),
        );
        return false;
    }
    if record.rtype == RType::DS && at_apex {
        report.error(
            Rejection::AtZoneTop,
            format!("DS record at top of zone ({})", wire::display(owner)),
        );
        return false;
    }
    true
}

/// For an RRSIG, the type it covers; otherwise the record's own type.
pub(super) fn covered_type(record: &Record) -> RType {
    let rdata = record.rdata.as_bytes();
    if record.rtype == RType::RRSIG && rdata.len() >= 2 {
        RType(u16::from_be_bytes([rdata[0], rdata[1]]))
    } else {
        record.rtype
    }
}
