//! The journal flags: `-j` and `-J FILE` roll the loaded zone forward with its journal, as
//! `named-checkzone -j` does; `--print-journal FILE` prints a journal as
//! `named-journalprint` does.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use zones::diff::ApplyError;
use zones::journal::{self, Journal, JournalError, Replay};
use zones::zone::{CheckOptions, Zone};

use super::Cli;

/// The journal to apply: `-J FILE`, or with `-j` the zone file's name plus `.jnl`.
pub(super) fn path(cli: &Cli, file: &str) -> Option<PathBuf> {
    match (&cli.journal_file, cli.journal) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => Some(PathBuf::from(format!("{file}.jnl"))),
        (None, false) => None,
    }
}

/// What rolling a zone forward gave: the zone to go on with, or the lines to print
/// before `not loaded due to errors.`.
pub(super) enum RolledForward {
    /// The zone, with the journal applied when there was one, and warnings to print.
    Zone(Box<Zone>, Vec<String>),
    /// The messages explaining why the zone does not load.
    Failed(Vec<String>),
}

/// Applies the journal at `path` to `zone` when the file exists (a missing journal is no
/// error, as in BIND). `prefix` is `zone NAME/CLASS`. The file is only read: a torn last
/// transaction is reported and left in place.
pub(super) fn roll_forward(
    zone: Zone,
    path: &Path,
    checks: &CheckOptions,
    prefix: &str,
) -> RolledForward {
    if !path.exists() {
        return RolledForward::Zone(Box::new(zone), Vec::new());
    }
    let (journal, recovery) = match Journal::open_read_only(path) {
        Ok(opened) => opened,
        Err(e) => {
            return RolledForward::Failed(vec![format!("{prefix}: journal open failed: {e}")]);
        }
    };
    let mut notes: Vec<String> = recovery
        .map(|r| format!("{prefix}: warning: {r}"))
        .into_iter()
        .collect();
    match journal.replay(&zone, checks) {
        Ok(Replay::UpToDate) => RolledForward::Zone(Box::new(zone), notes),
        Ok(Replay::Applied {
            zone, diagnostics, ..
        }) => {
            notes.extend(diagnostics.iter().map(|d| format!("{prefix}: {d}")));
            RolledForward::Zone(Box::new(zone), notes)
        }
        Err(JournalError::OutOfSync { .. }) => {
            notes.push(format!(
                "{prefix}: journal rollforward failed: journal out of sync with zone"
            ));
            RolledForward::Failed(notes)
        }
        Err(JournalError::Apply { path, source }) => {
            let summary = match &source {
                ApplyError::NotPresent { .. } | ApplyError::AlreadyPresent { .. } => {
                    "not exact".to_string()
                }
                ApplyError::Zone(e) => e.to_string(),
                other => other.to_string(),
            };
            if let ApplyError::Zone(zones::zone::ZoneError::Rejected { diagnostics, .. }) = &source
            {
                notes.extend(diagnostics.iter().map(|d| format!("{prefix}: {d}")));
            } else {
                notes.push(format!("{}: {source}", path.display()));
            }
            notes.push(format!("{prefix}: journal rollforward failed: {summary}"));
            RolledForward::Failed(notes)
        }
        Err(e) => {
            notes.push(format!("{prefix}: journal rollforward failed: {e}"));
            RolledForward::Failed(notes)
        }
    }
}

/// `--print-journal FILE`: every transaction in `named-journalprint`'s layout on standard
/// output; problems on standard error.
pub(super) fn print(path: &Path) -> ExitCode {
    let (journal, recovery) = match Journal::open_read_only(path) {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("rivet-checkzone: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(r) = recovery {
        eprintln!("rivet-checkzone: warning: {r}");
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = journal::print(&journal, &mut out).and_then(|()| Ok(out.flush()?));
    match printed {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rivet-checkzone: {e}");
            ExitCode::FAILURE
        }
    }
}
