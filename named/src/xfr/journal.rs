//! A secondary's journal: the increments each IXFR brought, appended as received, so
//! that the secondary can answer IXFR requests of its own secondaries incrementally
//! (chains of secondaries). A full transfer leaves no history and starts the journal
//! again, empty; with `ixfr-from-differences`, the difference between the old copy and
//! the new one is journaled instead, as BIND does.

use std::path::Path;

use zones::diff::{Diff, DiffError};
use zones::journal::{Journal, JournalError};
use zones::{Class, Name, RType};

use super::incoming::Delta;

/// Why the journal could not record a transfer.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// An increment without the SOA records that bound it.
    #[error("an increment from serial {from} lacks its SOA records")]
    NoSoa {
        /// The serial it starts from.
        from: u32,
    },
    /// The increment is not a valid difference.
    #[error(transparent)]
    Diff(#[from] DiffError),
    /// The journal file.
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// Received increments (an IXFR, oldest first) as journal transactions.
pub fn diffs_of(deltas: &[Delta]) -> Result<Vec<Diff>, RecordError> {
    deltas.iter().map(diff_of).collect()
}

/// A received increment as a journal transaction.
fn diff_of(delta: &Delta) -> Result<Diff, RecordError> {
    let split = |records: &[zones::record::Record]| {
        let soa = records.iter().position(|r| r.rtype == RType::SOA)?;
        let mut rest = records.to_vec();
        let soa = rest.remove(soa);
        Some((soa, rest))
    };
    let no_soa = || RecordError::NoSoa { from: delta.from };
    let (old_soa, deleted) = split(&delta.deleted).ok_or_else(no_soa)?;
    let (new_soa, added) = split(&delta.added).ok_or_else(no_soa)?;
    Ok(Diff::new(old_soa, deleted, new_soa, added)?)
}

/// Appends `diffs` (oldest first: an IXFR's increments, or the difference a full transfer
/// made) to the journal at `path`, starting a new journal when there is none or when the
/// one there does not end where they begin; then trims it to `limit` bytes, always
/// keeping the newest transaction. Returns how many old transactions were dropped.
pub fn record(
    path: &Path,
    origin: &Name,
    class: Class,
    diffs: &[Diff],
    limit: u64,
) -> Result<usize, RecordError> {
    let Some(first) = diffs.first() else {
        return Ok(0);
    };
    let mut journal = match path.exists() {
        true => Journal::open(path).map(|(j, _)| j)?,
        false => Journal::create(path, origin, class)?,
    };
    if journal
        .last_serial()
        .is_some_and(|last| last != first.from_serial())
    {
        journal = Journal::create(path, origin, class)?;
    }
    for diff in diffs {
        journal.append(diff)?;
    }
    let newest = diffs.last().map(Diff::from_serial);
    Ok(journal.trim(limit, newest)?)
}

/// The log line for `dropped` transactions trimmed from the journal at `path` of zone
/// `label` to stay within `limit` bytes.
pub fn trimmed_message(label: &str, path: &Path, dropped: usize, limit: u64) -> String {
    format!(
        "{label}: journal {}: {dropped} oldest transaction{} dropped to stay within max-journal-size ({limit} bytes)",
        path.display(),
        if dropped == 1 { "" } else { "s" }
    )
}

/// After a full transfer: the journal's history does not lead to the new copy, so it
/// starts again, empty, from that copy (written whole to a temporary file, synced and
/// renamed, as [`Journal::create`] does).
pub fn reset(path: &Path, origin: &Name, class: Class) -> Result<(), JournalError> {
    Journal::create(path, origin, class).map(drop)
}

/// At start-up, checks the journal at `path` against the saved copy's `serial`: a journal
/// that does not end there (a crash between saving the copy and journaling it, a file
/// replaced by hand) or cannot be read would serve increments that do not lead to the
/// data served, so it is removed. Returns why, when it was; an empty journal fits any copy.
pub fn check_at_start(path: &Path, serial: u32) -> std::io::Result<Option<String>> {
    if !path.exists() {
        return Ok(None);
    }
    let why = match Journal::open_read_only(path) {
        Err(e) => format!("{e}"),
        Ok((journal, _)) => match journal.last_serial() {
            Some(last) if last != serial => {
                format!("it ends at serial {last}, the zone file has serial {serial}")
            }
            _ => return Ok(None),
        },
    };
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(Some(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zones::record::Record;

    fn origin() -> Name {
        Name::from_text("example.", None).expect("name")
    }

    fn record_of(text: &str) -> Record {
        let opts = zones::master::ParseOptions {
            origin: origin(),
            class: Class::IN,
            base_dir: std::path::PathBuf::from("."),
            default_ttl: Some(300),
        };
        let parsed = zones::master::parse_str(text, "t.db", &opts).expect("parses");
        parsed.records.into_iter().next().expect("one record")
    }

    fn soa(serial: u32) -> Record {
        record_of(&format!("@ SOA ns root {serial} 3600 600 86400 300"))
    }

    /// Journals `steps` (received increments) at `path` for the zone of [`origin`].
    fn record_steps(path: &Path, steps: &[Delta], limit: u64) -> Result<usize, RecordError> {
        record(path, &origin(), Class::IN, &diffs_of(steps)?, limit)
    }

    fn delta(from: u32, to: u32, old: &str, new: &str) -> Delta {
        Delta {
            from,
            to,
            deleted: vec![soa(from), record_of(old)],
            added: vec![soa(to), record_of(new)],
        }
    }

    #[test]
    fn increments_are_appended_and_a_gap_starts_a_new_journal() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("example.jnl");
        let origin = origin();
        let steps = [
            delta(1, 2, "www A 192.0.2.1", "www A 192.0.2.2"),
            delta(2, 3, "www A 192.0.2.2", "www A 192.0.2.3"),
        ];
        assert_eq!(record_steps(&path, &steps, 1 << 20).expect("recorded"), 0);
        let (journal, _) = Journal::open_read_only(&path).expect("opens");
        assert_eq!(
            (journal.first_serial(), journal.last_serial()),
            (Some(1), Some(3))
        );
        assert!(journal.chain(1, 3).expect("reads").is_some());
        // An increment that does not follow the journal's end starts it again.
        let later = [delta(7, 8, "www A 192.0.2.7", "www A 192.0.2.8")];
        record_steps(&path, &later, 1 << 20).expect("recorded");
        let (journal, _) = Journal::open_read_only(&path).expect("opens");
        assert_eq!(
            (journal.first_serial(), journal.last_serial()),
            (Some(7), Some(8))
        );
        // A full transfer leaves an empty journal, which the next increment continues.
        reset(&path, &origin, Class::IN).expect("reset");
        let (journal, _) = Journal::open_read_only(&path).expect("opens");
        assert!(journal.is_empty());
        let next = [delta(9, 10, "www A 192.0.2.9", "www A 192.0.2.10")];
        record_steps(&path, &next, 1 << 20).expect("recorded");
        let (journal, _) = Journal::open_read_only(&path).expect("opens");
        assert_eq!(
            (journal.first_serial(), journal.last_serial()),
            (Some(9), Some(10))
        );
        let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 1, "no temporary file left");
    }

    #[test]
    fn a_journal_not_ending_at_the_saved_serial_is_discarded_at_start() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("example.jnl");
        let origin = origin();
        assert_eq!(check_at_start(&path, 3).expect("checked"), None);
        let steps = [
            delta(1, 2, "www A 192.0.2.1", "www A 192.0.2.2"),
            delta(2, 3, "www A 192.0.2.2", "www A 192.0.2.3"),
        ];
        record_steps(&path, &steps, 1 << 20).expect("recorded");
        assert_eq!(check_at_start(&path, 3).expect("checked"), None);
        assert!(path.exists());
        let why = check_at_start(&path, 4)
            .expect("checked")
            .expect("discarded");
        assert!(why.contains("ends at serial 3"), "{why}");
        assert!(!path.exists());
        // An empty journal fits whatever copy was saved.
        reset(&path, &origin, Class::IN).expect("reset");
        assert_eq!(check_at_start(&path, 7).expect("checked"), None);
        assert!(path.exists());
        // Whatever is not a Rivet journal goes too.
        std::fs::write(&path, b";BIND LOG V9.2\n").expect("written");
        assert!(check_at_start(&path, 7).expect("checked").is_some());
        assert!(!path.exists());
    }

    #[test]
    fn trimming_keeps_the_newest_increment() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("example.jnl");
        let first = [delta(1, 2, "www A 192.0.2.1", "www A 192.0.2.2")];
        let second = [delta(2, 3, "www A 192.0.2.2", "www A 192.0.2.3")];
        record_steps(&path, &first, 100).expect("recorded");
        let dropped = record_steps(&path, &second, 100).expect("recorded");
        assert_eq!(dropped, 1);
        let (journal, _) = Journal::open_read_only(&path).expect("opens");
        assert_eq!(
            (journal.first_serial(), journal.last_serial()),
            (Some(2), Some(3))
        );
        assert!(journal.chain(2, 3).expect("reads").is_some());
    }

    #[test]
    fn an_increment_without_its_soa_is_refused() {
        let mut bad = delta(1, 2, "www A 192.0.2.1", "www A 192.0.2.2");
        bad.added.remove(0);
        assert!(matches!(
            diffs_of(&[bad]),
            Err(RecordError::NoSoa { from: 1 })
        ));
    }
}
