//! Master files: any text must parse or fail cleanly, never panic; what parses must survive
//! the zone builder and the canonical writer, and the writer's text must read back as the
//! same records.
//!
//! The loader hands the parser the file's text when the file is UTF-8 (and turns other
//! octets into `\DDD` escapes first), so the target feeds valid UTF-8 only. Inputs with an
//! `$INCLUDE` are skipped: the directive reads whatever path it names (`/dev/zero`, ...),
//! which tests the machine, not the parser. `$GENERATE` is held to a few thousand records
//! per directive: its full limit (2^24) makes each such input a multi-second slow unit.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use zones::master::{Checks, ParseError, ParseOptions, Parsed, parse_str_with};
use zones::writer::write_records;
use zones::zone::{CheckOptions, Zone};
use zones::{Class, Name, Record};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.to_ascii_lowercase().contains("$include") {
        return;
    }
    let origin = Name::from_text("example.com.", None).expect("a valid origin");
    let opts = ParseOptions {
        origin: origin.clone(),
        class: Class::IN,
        base_dir: PathBuf::from("/nonexistent"),
        default_ttl: None,
    };
    let Ok(parsed) = parse(text, "fuzz.zone", &opts) else {
        return;
    };

    let written = write(&parsed.records);
    if let Ok(again) = parse(&written, "written.zone", &opts) {
        assert_eq!(
            exact(&parsed.records),
            exact(&again.records),
            "write/reparse changed:\n{written}"
        );
    }

    if let Ok((zone, _warnings)) =
        Zone::build(origin, Class::IN, parsed.records, &CheckOptions::default())
    {
        let records: Vec<Record> = zone.records_canonical().map(|r| r.to_record()).collect();
        assert_eq!(records.len(), zone.record_count());
        let dump = write(&records);
        if let Ok(again) = parse(&dump, "dump.zone", &opts) {
            assert_eq!(
                exact(&records),
                exact(&again.records),
                "dump/reparse changed:\n{dump}"
            );
        }
    }
});

fn parse(text: &str, file: &str, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let checks = Checks {
        max_generate: 4096,
        ..Checks::default()
    };
    parse_str_with(text, file, opts, &checks).into_result()
}

fn write(records: &[Record]) -> String {
    let mut out = Vec::new();
    write_records(&mut out, records).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("the writer writes UTF-8")
}

/// The records with their owners' exact spelling (`Name` compares case-insensitively).
fn exact(records: &[Record]) -> Vec<(Vec<u8>, u32, u16, u16, Vec<u8>)> {
    records
        .iter()
        .map(|r| {
            (
                r.owner.as_wire().to_vec(),
                r.ttl,
                r.class.0,
                r.rtype.0,
                r.rdata.as_bytes().to_vec(),
            )
        })
        .collect()
}
