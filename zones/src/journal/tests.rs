//! The journal file: round trips, recovery from a torn last write, damage in the middle,
//! trimming, foreign formats.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::master::{self, ParseOptions};
use crate::zone::{CheckOptions, Zone};

fn n(text: &str) -> Name {
    Name::from_text(text, None).expect("valid test name")
}

/// Zone `example.` at `serial` with `body` after the SOA, NS and the NS's address.
fn zone(serial: u32, body: &str) -> Zone {
    let text =
        format!("$TTL 300\n@ SOA ns hostmaster {serial} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n{body}");
    let opts = ParseOptions {
        origin: n("example."),
        class: Class::IN,
        base_dir: ".".into(),
        default_ttl: None,
    };
    let records = master::parse_str(&text, "test.db", &opts)
        .expect("test zone parses")
        .records;
    Zone::build(n("example."), Class::IN, records, &CheckOptions::default())
        .expect("test zone loads")
        .0
}

/// Versions 1 to 5 of a zone, each step changing a little.
fn versions() -> Vec<Zone> {
    vec![
        zone(1, "a A 192.0.2.2\n"),
        zone(2, "a A 192.0.2.2\nb TXT \"two\"\n"),
        zone(3, "a 60 A 192.0.2.2\nb TXT \"two\"\nc MX 10 a\n"),
        zone(4, "b TXT \"two\" \"four\"\nc MX 10 a\na 60 A 192.0.2.2\n"),
        zone(5, "b TXT \"five\"\nd AAAA 2001:db8::5\n"),
    ]
}

fn steps(zones: &[Zone]) -> Vec<Diff> {
    zones
        .windows(2)
        .map(|w| Diff::between(&w[0], &w[1]).expect("same zone"))
        .collect()
}

fn contents(zone: &Zone) -> Vec<String> {
    zone.records_canonical()
        .map(|r| format!("{:?}", r.to_record()).to_ascii_lowercase())
        .collect()
}

/// A journal at `dir/name` holding `diffs`.
fn journal_with(dir: &Path, name: &str, diffs: &[Diff]) -> (Journal, PathBuf) {
    let path = dir.join(name);
    let mut journal = Journal::create(&path, &n("example."), Class::IN).expect("created");
    for diff in diffs {
        journal.append(diff).expect("appended");
    }
    (journal, path)
}

fn all(journal: &Journal) -> Vec<Diff> {
    journal
        .iter()
        .collect::<Result<_, _>>()
        .expect("all transactions read")
}

#[test]
fn transactions_read_back_as_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let diffs = steps(&versions());
    let (journal, path) = journal_with(dir.path(), "z.jnl", &diffs);
    assert_eq!(all(&journal), diffs);
    let (again, recovery) = Journal::open(&path).expect("opens");
    assert_eq!(recovery, None);
    assert_eq!(again.len(), 4);
    assert_eq!(again.origin(), &n("example."));
    assert_eq!(again.class(), Class::IN);
    assert_eq!(
        (again.first_serial(), again.last_serial()),
        (Some(1), Some(5))
    );
    assert_eq!(again.size(), fs::metadata(&path).expect("metadata").len());
    assert_eq!(all(&again), diffs);
    let serials: Vec<(u32, u32)> = again
        .transactions()
        .iter()
        .map(|t| (t.from, t.to))
        .collect();
    assert_eq!(serials, [(1, 2), (2, 3), (3, 4), (4, 5)]);
    // Names are stored in wire form, as given.
    let bytes = fs::read(&path).expect("read");
    assert!(bytes.windows(9).any(|w| w == b"\x07example\x00"));
}

#[test]
fn chains_for_ixfr_and_what_cannot_be_covered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let diffs = steps(&versions());
    let (journal, _) = journal_with(dir.path(), "z.jnl", &diffs);
    assert_eq!(journal.find_chain(1, 5), Some(0..4));
    assert_eq!(journal.find_chain(3, 5), Some(2..4));
    assert_eq!(journal.find_chain(2, 3), Some(1..2));
    assert_eq!(journal.find_chain(5, 5), Some(0..0));
    assert_eq!(journal.find_chain(0, 5), None);
    assert_eq!(journal.find_chain(3, 2), None);
    assert_eq!(journal.find_chain(1, 6), None);
    assert_eq!(
        journal.chain(3, 5).expect("reads"),
        Some(diffs[2..].to_vec())
    );
    assert_eq!(journal.chain(7, 5).expect("reads"), None);
}

#[test]
fn appends_must_continue_the_chain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zones = versions();
    let diffs = steps(&zones);
    let (mut journal, path) = journal_with(dir.path(), "z.jnl", &diffs[..2]);
    assert!(matches!(
        journal.append(&diffs[3]),
        Err(JournalError::NotContiguous {
            from: 4,
            last: 3,
            ..
        })
    ));
    let backwards = Diff::between(&zones[2], &zones[1]).expect("same zone");
    let mut empty =
        Journal::create(&dir.path().join("e.jnl"), &n("example."), Class::IN).expect("created");
    assert!(matches!(
        empty.append(&backwards),
        Err(JournalError::SerialNotIncreasing { from: 3, to: 2, .. })
    ));
    let mut other =
        Journal::create(&dir.path().join("o.jnl"), &n("example.net."), Class::IN).expect("created");
    assert!(matches!(
        other.append(&diffs[0]),
        Err(JournalError::WrongZone { .. })
    ));
    let (mut read_only, _) = Journal::open_read_only(&path).expect("opens");
    assert!(matches!(
        read_only.append(&diffs[2]),
        Err(JournalError::ReadOnly { .. })
    ));
    // Nothing was written by the refused appends.
    assert_eq!(Journal::open(&path).expect("opens").0.len(), 2);
    journal.append(&diffs[2]).expect("continues the chain");
    assert_eq!(journal.last_serial(), Some(4));
}

#[test]
fn a_torn_last_write_is_discarded_at_every_length() {
    let dir = tempfile::tempdir().expect("temp dir");
    let diffs = steps(&versions());
    let (journal, path) = journal_with(dir.path(), "z.jnl", &diffs);
    let whole = fs::read(&path).expect("read");
    let last = journal.transactions()[3];
    let start = last.offset as usize;
    assert_eq!(start + last.size as usize, whole.len());
    let torn = dir.path().join("torn.jnl");
    for cut in start..whole.len() {
        fs::write(&torn, &whole[..cut]).expect("write");
        let (read_only, recovery) = Journal::open_read_only(&torn).expect("opens read-only");
        assert_eq!(read_only.len(), 3, "cut at {cut}");
        assert_eq!(fs::metadata(&torn).expect("stat").len(), cut as u64);
        let (journal, recovery_rw) = Journal::open(&torn).expect("opens");
        assert_eq!(recovery, recovery_rw);
        match recovery {
            None => assert_eq!(cut, start),
            Some(r) => {
                assert_eq!(
                    (r.offset, r.discarded),
                    (start as u64, (cut - start) as u64)
                );
                assert!(
                    r.to_string().contains("torn or corrupt last transaction"),
                    "{r}"
                );
            }
        }
        assert_eq!(journal.len(), 3, "cut at {cut}");
        assert_eq!(all(&journal), diffs[..3]);
        assert_eq!(fs::metadata(&torn).expect("stat").len(), start as u64);
    }
}

#[test]
fn a_damaged_last_transaction_is_discarded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let diffs = steps(&versions());
    let (journal, path) = journal_with(dir.path(), "z.jnl", &diffs);
    let whole = fs::read(&path).expect("read");
    let start = journal.transactions()[3].offset as usize;
    let damaged = dir.path().join("damaged.jnl");
    for at in start..whole.len() {
        // A flipped octet anywhere in the last transaction.
        let mut bytes = whole.clone();
        bytes[at] ^= 0x40;
        fs::write(&damaged, &bytes).expect("write");
        let (journal, recovery) = Journal::open(&damaged).expect("opens");
        assert!(recovery.is_some(), "flipped at {at}");
        assert_eq!(all(&journal), diffs[..3], "flipped at {at}");
        // The file grew, but the octets written last are still zero.
        let mut bytes = whole.clone();
        bytes[at..].fill(0);
        fs::write(&damaged, &bytes).expect("write");
        let (journal, recovery) = Journal::open(&damaged).expect("opens");
        assert_eq!(
            recovery.map(|r| r.offset),
            Some(start as u64),
            "zeros from {at}"
        );
        assert_eq!(journal.len(), 3);
    }
}

#[test]
fn damage_in_the_middle_is_an_error_naming_the_offset() {
    let dir = tempfile::tempdir().expect("temp dir");
    let diffs = steps(&versions());
    let (journal, path) = journal_with(dir.path(), "z.jnl", &diffs);
    let whole = fs::read(&path).expect("read");
    let second = journal.transactions()[1];
    let damaged = dir.path().join("damaged.jnl");
    for at in second.offset as usize..(second.offset + u64::from(second.size)) as usize {
        let mut bytes = whole.clone();
        bytes[at] ^= 0x01;
        fs::write(&damaged, &bytes).expect("write");
        for result in [Journal::open(&damaged), Journal::open_read_only(&damaged)] {
            match result {
                Err(JournalError::Corrupt { offset, .. }) => {
                    assert_eq!(offset, second.offset, "flipped at {at}")
                }
                other => panic!("flipped at {at}: {other:?}"),
            }
        }
        // Nothing was cut off.
        assert_eq!(fs::read(&damaged).expect("read"), bytes);
    }
    let err = {
        let mut bytes = whole.clone();
        bytes[second.offset as usize + 40] ^= 0x01;
        fs::write(&damaged, &bytes).expect("write");
        Journal::open(&damaged).expect_err("corrupt")
    };
    assert_eq!(
        err.to_string(),
        format!(
            "{}: journal corrupt at offset {}: checksum mismatch",
            damaged.display(),
            second.offset
        )
    );
}

#[test]
fn trimming_keeps_the_newest_transactions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let diffs = steps(&versions());
    let (mut journal, path) = journal_with(dir.path(), "z.jnl", &diffs);
    let sizes: Vec<u64> = journal
        .transactions()
        .iter()
        .map(|t| u64::from(t.size))
        .collect();
    let full = journal.size();
    assert_eq!(journal.trim(full, None).expect("trims"), 0);
    // Room for all but the oldest two.
    let limit = full - sizes[0] - sizes[1];
    assert_eq!(journal.trim(limit + 1, None).expect("trims"), 2);
    assert_eq!(journal.size(), limit);
    assert_eq!(fs::metadata(&path).expect("stat").len(), limit);
    assert_eq!(all(&journal), diffs[2..]);
    assert_eq!(journal.find_chain(3, 5), Some(0..2));
    assert_eq!(journal.find_chain(1, 5), None);
    assert_eq!(
        journal.chain(4, 5).expect("reads"),
        Some(diffs[3..].to_vec())
    );
    // The trimmed file reads back alone, and appends continue it.
    let (mut again, recovery) = Journal::open(&path).expect("opens");
    assert_eq!(recovery, None);
    assert_eq!(all(&again), diffs[2..]);
    let six = Diff::between(&versions()[4], &zone(6, "")).expect("same zone");
    again.append(&six).expect("appends");
    assert_eq!(
        Journal::open(&path).expect("opens").0.last_serial(),
        Some(6)
    );
    // No temporary file is left behind.
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
}

#[test]
fn trimming_never_drops_what_the_zone_file_lacks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let diffs = steps(&versions());
    let (mut journal, _) = journal_with(dir.path(), "z.jnl", &diffs);
    // The zone file on disk is at serial 3: the steps from 3 on must stay.
    assert_eq!(journal.trim(0, Some(3)).expect("trims"), 2);
    assert_eq!(
        (journal.first_serial(), journal.last_serial()),
        (Some(3), Some(5))
    );
    // A serial the journal does not start from: keep everything.
    assert_eq!(journal.trim(0, Some(1)).expect("trims"), 0);
    // The zone file has everything: the journal may be emptied.
    assert_eq!(journal.trim(0, Some(5)).expect("trims"), 2);
    assert!(journal.is_empty());
    assert_eq!(journal.find_chain(5, 5), Some(0..0));
}

#[test]
fn replaying_rolls_the_zone_forward() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zones = versions();
    let diffs = steps(&zones);
    let (journal, _) = journal_with(dir.path(), "z.jnl", &diffs);
    let opts = CheckOptions::default();
    match journal.replay(&zones[1], &opts).expect("replays") {
        Replay::Applied { zone, steps, .. } => {
            assert_eq!(steps, 3);
            assert_eq!(contents(&zone), contents(&zones[4]));
        }
        Replay::UpToDate => panic!("nothing applied"),
    }
    assert!(matches!(
        journal.replay(&zones[4], &opts),
        Ok(Replay::UpToDate)
    ));
    let err = journal
        .replay(&zone(9, ""), &opts)
        .expect_err("out of sync");
    assert!(
        err.to_string().contains("journal out of sync with zone"),
        "{err}"
    );
    // Serial 3 in the file, but not the data of version 3: BIND says "not exact".
    let err = journal
        .replay(&zone(3, "a A 192.0.2.2\n"), &opts)
        .expect_err("does not apply");
    assert!(matches!(
        err,
        JournalError::Apply {
            source: ApplyError::NotPresent { .. },
            ..
        }
    ));
}

#[test]
fn other_formats_are_not_misread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bind = dir.path().join("bind.jnl");
    let mut bytes = b";BIND LOG V9.2\n\0\0\0\0\x01\0\0\x02\0".to_vec();
    bytes.resize(1024, 0);
    fs::write(&bind, &bytes).expect("write");
    for result in [Journal::open(&bind), Journal::open_read_only(&bind)] {
        let err = result.expect_err("not ours");
        assert!(
            matches!(
                err,
                JournalError::NotAJournal {
                    found: "it is a BIND journal",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .ends_with("not a Rivet journal (it is a BIND journal)")
        );
    }
    // The file is left alone.
    assert_eq!(fs::read(&bind).expect("read"), bytes);
    for (content, found) in [
        (&b"hello, world\n"[..], "unknown format"),
        (b"", "the file is too short"),
        (b"Rivet", "the file is too short"),
    ] {
        let path = dir.path().join("other.jnl");
        fs::write(&path, content).expect("write");
        assert!(
            matches!(Journal::open(&path), Err(JournalError::NotAJournal { found: f, .. }) if f == found),
            "{content:?}"
        );
    }
    let path = dir.path().join("v2.jnl");
    let mut header = format::encode_header(&n("example."), Class::IN);
    header[11] = 2;
    fs::write(&path, &header).expect("write");
    assert!(matches!(
        Journal::open(&path),
        Err(JournalError::UnsupportedVersion { version: 2, .. })
    ));
    let mut header = format::encode_header(&n("example."), Class::IN);
    header[17] ^= 1;
    fs::write(&path, &header).expect("write");
    assert!(matches!(
        Journal::open(&path),
        Err(JournalError::Corrupt { offset: 0, .. })
    ));
}

#[test]
fn printing_lists_each_transaction_as_named_journalprint_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zones = versions();
    let (journal, _) = journal_with(dir.path(), "z.jnl", &steps(&zones[..3]));
    let mut out = Vec::new();
    print(&journal, &mut out).expect("prints");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "del example.\t\t300\tIN\tSOA\tns.example. hostmaster.example. 1 2 3 4 5\n\
         add example.\t\t300\tIN\tSOA\tns.example. hostmaster.example. 2 2 3 4 5\n\
         add b.example.\t\t300\tIN\tTXT\t\"two\"\n\
         del example.\t\t300\tIN\tSOA\tns.example. hostmaster.example. 2 2 3 4 5\n\
         del a.example.\t\t300\tIN\tA\t192.0.2.2\n\
         add example.\t\t300\tIN\tSOA\tns.example. hostmaster.example. 3 2 3 4 5\n\
         add a.example.\t\t60\tIN\tA\t192.0.2.2\n\
         add c.example.\t\t300\tIN\tMX\t10 a.example.\n"
    );
}
