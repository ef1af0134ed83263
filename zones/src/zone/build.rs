//! Building a zone: screening the records as BIND's loader does, then laying them out
//! ([`layout`](super::layout)) and checking the result ([`checks`](super::checks)).

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
    fn new() -> Self {
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

    fn into_error(self, reason: Rejection) -> ZoneError {
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
    /// the canonical form of RFC 4034 §6.2) are dropped silently. Within one RRset BIND's
    /// TTL rule applies: a record with a different TTL right after others of its RRset
    /// takes theirs, with a warning, and a later run of the same RRset elsewhere in the
    /// input sets the TTL of the whole RRset. The result carries the warnings.
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
        let mut report = Report::new();
        let screened = screen(&origin, class, records, &mut report);
        let zone = super::layout::lay_out(origin, class, screened, opts, &mut report)?;
        // As in BIND, errors while loading stop before the checks of the loaded zone.
        if report.rejection.is_none() {
            super::checks::check_loaded(&zone, opts, &mut report);
        }
        match report.rejection {
            Some(reason) => Err(report.into_error(reason)),
            None => Ok((zone, report.diagnostics)),
        }
    }
}

/// The records to load, each with the number of the run it came in: a run is what BIND's
/// loader collects before adding to its database, consecutive records of one owner.
pub(super) struct Screened {
    pub(super) records: Vec<Record>,
    pub(super) runs: Vec<u32>,
}

/// The per-record checks BIND's loader makes, in input order.
fn screen(origin: &Name, class: Class, mut records: Vec<Record>, report: &mut Report) -> Screened {
    let mut runs = Vec::with_capacity(records.len());
    let mut keep = Vec::with_capacity(records.len());
    let mut run_number = 0u32;
    // The TTLs of the RRsets in the current run.
    let mut run: Vec<(RType, RType, u32)> = Vec::new();
    for i in 0..records.len() {
        // Runs break at every change of owner, whether or not the records are then kept.
        if i == 0 || records[i - 1].owner != records[i].owner {
            run.clear();
            run_number = run_number.wrapping_add(1);
        }
        let record = &mut records[i];
        let kept = screen_record(origin, class, record, report);
        if kept {
            let covered = covered_type(record);
            match run
                .iter()
                .find(|(t, c, _)| *t == record.rtype && *c == covered)
            {
                Some(&(_, _, ttl)) if ttl != record.ttl => {
                    report.warn(format!(
                        "{}/{}: TTL set to prior TTL ({ttl})",
                        wire::display(&record.owner),
                        record.rtype
                    ));
                    record.ttl = ttl;
                }
                Some(_) => {}
                None => run.push((record.rtype, covered, record.ttl)),
            }
            runs.push(run_number);
        }
        keep.push(kept);
    }
    let mut kept = keep.into_iter();
    records.retain(|_| kept.next().unwrap_or(false));
    Screened { records, runs }
}

/// Whether BIND's loader keeps a record, reporting why not.
fn screen_record(origin: &Name, class: Class, record: &Record, report: &mut Report) -> bool {
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
    if !wire::is_below(owner.as_wire(), origin.as_wire()) {
        report.warn(format!(
            "ignoring out-of-zone data ({})",
            wire::display(owner)
        ));
        return false;
    }
    let at_apex = owner == origin;
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
