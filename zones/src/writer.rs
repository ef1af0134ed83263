//! The canonical zone writer: one record per line, as `named-checkzone -D` prints them.
//!
//! Each line is `owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata` with the owner absolute and
//! the RDATA in BIND's presentation form. The writer prints records in the order given;
//! sorting them is the zone's business.

use std::fmt;
use std::io::{self, Write};

use crate::rdata;
use crate::record::Record;
use crate::types::{Class, RType};

/// Writes `records`, one per line.
pub fn write_records<'a, W: Write>(
    out: &mut W,
    records: impl IntoIterator<Item = &'a Record>,
) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    for record in records {
        line.clear();
        format_record(record, &mut line);
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Appends one record's line, without the newline, to `out`.
pub fn format_record(record: &Record, out: &mut String) {
    format_fields(
        &record.owner,
        record.ttl,
        record.class,
        record.rtype,
        record.rdata.as_bytes(),
        out,
    );
}

/// Appends the line of a record given by its parts (for records held in other forms, such
/// as a zone's), without the newline, to `out`.
pub fn format_fields(
    owner: &impl fmt::Display,
    ttl: u32,
    class: Class,
    rtype: RType,
    rdata: &[u8],
    out: &mut String,
) {
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    let _ = write!(out, "{owner}\t{ttl}\t{class}\t{rtype}\t");
    out.push_str(&rdata_text(rtype, rdata));
}

/// The RDATA in presentation form; data that does not decode as its type (which the
/// parser never produces) prints in the RFC 3597 form, so nothing is lost.
pub fn rdata_text(rtype: RType, rdata: &[u8]) -> String {
    rdata::to_text(rtype, rdata).unwrap_or_else(|_| generic_text(rdata))
}

/// RFC 3597 §5: `\# length hex`.
fn generic_text(rdata: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = format!("\\# {}", rdata.len());
    if !rdata.is_empty() {
        out.push(' ');
        for b in rdata {
            let _ = write!(out, "{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;

    fn record(owner: &str, ttl: u32, rtype: RType, rdata: Vec<u8>) -> Record {
        Record {
            owner: Name::from_text(owner, None).expect("valid test name"),
            ttl,
            class: Class::IN,
            rtype,
            rdata: rdata.into(),
        }
    }

    #[test]
    fn one_tab_separated_line_per_record() {
        let records = [
            record("example.com.", 300, RType::A, vec![192, 0, 2, 1]),
            record(
                "www.example.com.",
                60,
                RType::NS,
                Name::from_text("ns.example.com.", None)
                    .expect("name")
                    .as_wire()
                    .to_vec(),
            ),
        ];
        let mut out = Vec::new();
        write_records(&mut out, &records).expect("writes");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "example.com.\t300\tIN\tA\t192.0.2.1\nwww.example.com.\t60\tIN\tNS\tns.example.com.\n"
        );
    }

    #[test]
    fn unprintable_rdata_falls_back_to_rfc3597() {
        let records = [record("x.", 1, RType::A, vec![1, 2, 3])];
        let mut out = Vec::new();
        write_records(&mut out, &records).expect("writes");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "x.\t1\tIN\tA\t\\# 3 010203\n"
        );
    }

    #[test]
    fn unknown_types_print_in_rfc3597_form() {
        let records = [record("x.", 1, RType(65280), vec![0xab])];
        let mut out = Vec::new();
        write_records(&mut out, &records).expect("writes");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "x.\t1\tIN\tTYPE65280\t\\# 1 AB\n"
        );
    }
}
