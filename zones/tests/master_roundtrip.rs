//! Round trips over the zone-file corpus (`tests/data/zones`): every file that parses is
//! written back with the canonical writer, and reading that text again must give the same
//! records — same owners spelled the same way, TTLs, classes, types and RDATA bytes, in
//! the same order. (One difference is expected and checked: lines of one RRset that an
//! `$INCLUDE` kept in separate batches are consecutive in the written text, so reading it
//! again gives the later ones the prior TTL, with BIND's warning.) Every file that also
//! builds into a zone must dump (canonical order, as `-D` prints it) to text that builds
//! the same zone again.

use std::path::{Path, PathBuf};

use zones::master::{ParseOptions, parse_file, parse_str};
use zones::writer::write_records;
use zones::zone::{CheckOptions, Zone};
use zones::{Class, Name, Record};

/// The corpus directory, also the directory `$INCLUDE` paths are relative to.
fn corpus_dir() -> PathBuf {
    let zones = Path::new(env!("CARGO_MANIFEST_DIR"));
    zones.parent().unwrap_or(zones).join("tests/data/zones")
}

/// One corpus file with its zone name and whether named-checkzone loads it.
struct Entry {
    file: String,
    zone: String,
    loads: bool,
}

/// The corpus index: `file | zone | expect | flags | description`, one file per line
/// (files listed twice, with other flags, are read once; a file "loads" when any of its
/// lines says so).
fn entries() -> Vec<Entry> {
    let index = std::fs::read_to_string(corpus_dir().join("INDEX")).expect("corpus INDEX");
    let mut out: Vec<Entry> = Vec::new();
    for line in index
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        assert!(fields.len() >= 4, "malformed INDEX line: {line}");
        let loads = fields[2] == "ok";
        match out.iter_mut().find(|e| e.file == fields[0]) {
            Some(e) => e.loads |= loads,
            None => out.push(Entry {
                file: fields[0].into(),
                zone: fields[1].into(),
                loads,
            }),
        }
    }
    out
}

fn options(zone: &str) -> ParseOptions {
    ParseOptions {
        origin: Name::from_text(zone, Some(&Name::root())).expect("INDEX zone names are valid"),
        class: Class::IN,
        base_dir: corpus_dir(),
        default_ttl: None,
    }
}

/// A record with its owner's exact spelling: `Name` compares case-insensitively, the
/// writer must keep the case too.
fn exact(r: &Record) -> (Vec<u8>, u32, Class, u16, Vec<u8>) {
    (
        r.owner.as_wire().to_vec(),
        r.ttl,
        r.class,
        r.rtype.0,
        r.rdata.as_bytes().to_vec(),
    )
}

/// Writes `records` and reads them back; the first difference, if any.
fn round_trip(records: &[Record], opts: &ParseOptions) -> Result<(), String> {
    let mut text = Vec::new();
    write_records(&mut text, records).map_err(|e| format!("writing failed: {e}"))?;
    let text = String::from_utf8(text).map_err(|e| format!("the writer wrote non-UTF-8: {e}"))?;
    let again = parse_str(&text, "written", opts)
        .map_err(|e| format!("the written text does not parse: {e}\n{text}"))?;
    if again.records.len() != records.len() {
        return Err(format!(
            "{} records written, {} read back",
            records.len(),
            again.records.len()
        ));
    }
    for (n, (a, b)) in records.iter().zip(&again.records).enumerate() {
        // One record per line: record `n` is on line `n + 1`.
        let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let prior = again.warnings.iter().find_map(|w| {
            let ttl = w.message.strip_prefix("TTL set to prior TTL (")?;
            let ttl = ttl.strip_suffix(')')?.parse::<u32>().ok()?;
            (w.pos.map(|p| p.line) == Some(line)).then_some(ttl)
        });
        let expected = match prior {
            Some(ttl) => Record { ttl, ..a.clone() },
            None => a.clone(),
        };
        if exact(&expected) != exact(b) {
            let mut line = String::new();
            zones::writer::format_record(a, &mut line);
            return Err(format!(
                "record {n} changed: {line}\n  read back as {b:?}\n  from {a:?}"
            ));
        }
    }
    Ok(())
}

#[test]
fn every_corpus_file_that_parses_survives_write_and_reparse() {
    let mut failures = Vec::new();
    let mut parsed = 0;
    for entry in entries() {
        let opts = options(&entry.zone);
        match parse_file(&corpus_dir().join(&entry.file), &opts) {
            Ok(p) => {
                parsed += 1;
                if let Err(why) = round_trip(&p.records, &opts) {
                    failures.push(format!("{}: {why}", entry.file));
                }
            }
            Err(e) if entry.loads => {
                failures.push(format!(
                    "{}: named-checkzone loads it, the parser says: {e}",
                    entry.file
                ));
            }
            Err(_) => {}
        }
    }
    assert!(parsed >= 50, "only {parsed} corpus files parsed");
    assert!(
        failures.is_empty(),
        "{} round-trip failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The zone's records in canonical order, with exact owner spelling.
fn canonical(zone: &Zone) -> Vec<Record> {
    zone.records_canonical().map(|r| r.to_record()).collect()
}

fn build(records: Vec<Record>, opts: &ParseOptions) -> Option<Zone> {
    Zone::build(
        opts.origin.clone(),
        opts.class,
        records,
        &CheckOptions::default(),
    )
    .ok()
    .map(|(zone, _warnings)| zone)
}

#[test]
fn every_corpus_zone_dumps_to_text_that_builds_the_same_zone() {
    let mut failures = Vec::new();
    let mut built = 0;
    for entry in entries() {
        let opts = options(&entry.zone);
        let Ok(parsed) = parse_file(&corpus_dir().join(&entry.file), &opts) else {
            continue;
        };
        let Some(zone) = build(parsed.records, &opts) else {
            continue;
        };
        built += 1;
        let records = canonical(&zone);
        let mut text = Vec::new();
        write_records(&mut text, &records).expect("writing to a Vec cannot fail");
        let text = String::from_utf8_lossy(&text);
        let again = match parse_str(&text, "dump", &opts) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: the dump does not parse: {e}", entry.file));
                continue;
            }
        };
        let Some(zone_again) = build(again.records, &opts) else {
            failures.push(format!(
                "{}: the dump parses but does not build a zone",
                entry.file
            ));
            continue;
        };
        let (a, b) = (canonical(&zone), canonical(&zone_again));
        let differs = a.len() != b.len() || a.iter().zip(&b).any(|(x, y)| exact(x) != exact(y));
        if differs {
            failures.push(format!(
                "{}: the reloaded dump differs:\n{text}",
                entry.file
            ));
        }
    }
    assert!(built >= 40, "only {built} corpus files built into a zone");
    assert!(
        failures.is_empty(),
        "{} dump round-trip failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
