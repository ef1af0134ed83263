//! Times zone differences and the journal on a large zone with a few changes.
//!
//! `cargo run --release -p zones --example diff_apply -- ZONENAME FILE [CHANGES]` loads the
//! zone, makes a second version with CHANGES records changed (default 10: deletions,
//! additions and TTL changes, plus the serial), and prints `key value` lines: the time to
//! compute the difference, to apply it to the first version, to append it to a journal
//! and to open that journal again. The files for the journal go to a temporary directory.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use zones::diff::{Diff, apply};
use zones::journal::Journal;
use zones::master::{ParseOptions, parse_file};
use zones::record::{Rdata, Record};
use zones::zone::{CheckOptions, Zone};
use zones::{Class, Name, RType};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (zone_name, file, changes) = match &args[..] {
        [z, f] => (z, f, 10),
        [z, f, c] => (z, f, c.parse().map_err(|_| format!("bad count {c}"))?),
        _ => return Err("usage: diff_apply ZONENAME FILE [CHANGES]".into()),
    };
    let origin = Name::from_text(zone_name, Some(&Name::root())).map_err(|e| e.to_string())?;
    let opts = ParseOptions {
        origin: origin.clone(),
        class: Class::IN,
        base_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        default_ttl: None,
    };
    let checks = CheckOptions::default();
    let records = parse_file(file.as_ref(), &opts)
        .map_err(|e| e.to_string())?
        .records;
    let edited = edit(&records, changes);
    let build = |records: Vec<Record>| {
        Zone::build(origin.clone(), Class::IN, records, &checks)
            .map(|(zone, _)| zone)
            .map_err(|e| e.to_string())
    };
    let start = Instant::now();
    let old = build(records)?;
    let build_time = start.elapsed();
    let new = build(edited)?;

    let start = Instant::now();
    let diff = Diff::between(&old, &new).map_err(|e| e.to_string())?;
    let diff_time = start.elapsed();

    let start = Instant::now();
    let (applied, _) =
        apply(&old, std::slice::from_ref(&diff), &checks).map_err(|e| e.to_string())?;
    let apply_time = start.elapsed();
    if applied.record_count() != new.record_count() || applied.serial() != new.serial() {
        return Err("the applied zone differs from the edited one".into());
    }

    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("zone.jnl");
    let mut journal = Journal::create(&path, &origin, Class::IN).map_err(|e| e.to_string())?;
    let start = Instant::now();
    journal.append(&diff).map_err(|e| e.to_string())?;
    let append_time = start.elapsed();
    let start = Instant::now();
    let (journal, _) = Journal::open(&path).map_err(|e| e.to_string())?;
    let chain = journal
        .chain(old.serial(), new.serial())
        .map_err(|e| e.to_string())?;
    let open_time = start.elapsed();
    if chain.as_deref() != Some(std::slice::from_ref(&diff)) {
        return Err("the journal did not give the step back".into());
    }

    println!("records {}", old.record_count());
    println!(
        "changed_records {}",
        diff.deleted().len() + diff.added().len()
    );
    println!("build_seconds {:.3}", build_time.as_secs_f64());
    println!("diff_seconds {:.4}", diff_time.as_secs_f64());
    println!("apply_seconds {:.3}", apply_time.as_secs_f64());
    println!("journal_append_seconds {:.4}", append_time.as_secs_f64());
    println!(
        "journal_open_and_chain_seconds {:.4}",
        open_time.as_secs_f64()
    );
    Ok(())
}

/// A copy of `records` with `changes` of them changed in turn: one deleted, one added
/// beside it, one given another TTL; and the SOA serial raised.
fn edit(records: &[Record], changes: usize) -> Vec<Record> {
    let mut out = records.to_vec();
    let step = (out.len() / (changes + 1)).max(1);
    let mut removed = Vec::new();
    for i in 0..changes {
        let at = (i + 1) * step;
        let Some(record) = out.get_mut(at) else { break };
        // A TXT record may not join a CNAME.
        if record.rtype == RType::SOA || record.rtype == RType::CNAME {
            continue;
        }
        match i % 3 {
            0 => removed.push(at),
            1 => {
                let mut extra = record.clone();
                extra.rtype = RType::TXT;
                extra.rdata = Rdata(b"\x07changed".to_vec().into());
                extra.ttl = record.ttl;
                out.push(extra);
            }
            _ => record.ttl += 1,
        }
    }
    for at in removed.into_iter().rev() {
        out.remove(at);
    }
    for record in &mut out {
        if record.rtype == RType::SOA
            && let Some(serial) = record.rdata.0.len().checked_sub(20)
        {
            let bytes = &mut record.rdata.0[serial..serial + 4];
            let next = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]).wrapping_add(1);
            bytes.copy_from_slice(&next.to_be_bytes());
        }
    }
    out
}
