//! Printing a journal as BIND's `named-journalprint` prints one.
//!
//! `named-journalprint` prints, for each transaction, a `del` line for the old SOA and
//! each deleted record, then an `add` line for the new SOA and each added record, with no
//! line between transactions:
//!
//! ```text
//! del dyn.example.<TAB><TAB>300<TAB>IN<TAB>SOA<TAB>ns1.dyn.example. hostmaster.dyn.example. 1 60 30 600 60
//! add dyn.example.<TAB><TAB>300<TAB>IN<TAB>SOA<TAB>ns1.dyn.example. hostmaster.dyn.example. 2 60 30 600 60
//! add b.dyn.example.<TAB><TAB>300<TAB>IN<TAB>A<TAB>192.0.2.2
//! ```
//!
//! After `del ` or `add `, the owner, TTL, class, type and RDATA are laid out as BIND's
//! debug style lays them out: the TTL at column 24, the class at 32, the type at 40 and
//! the RDATA at 48 (columns counted from after the `del `), reached with tabs (8 wide)
//! and then spaces; a field that runs past its column is followed by one tab or space,
//! whichever reaches the next column.

use std::io::{self, Write};

use super::{Journal, JournalError};
use crate::record::Record;
use crate::writer::rdata_text;

/// Columns of the debug style: where the TTL, class, type and RDATA start.
const COLUMNS: [usize; 4] = [24, 32, 40, 48];
/// The width of a tab stop.
const TAB: usize = 8;

/// Why a journal could not be printed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// Reading the journal failed.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// Writing the output failed.
    #[error("writing the output: {0}")]
    Write(#[from] io::Error),
}

/// Prints every transaction of `journal`, oldest first, in `named-journalprint`'s layout.
pub fn print<W: Write>(journal: &Journal, out: &mut W) -> Result<(), PrintError> {
    let mut line = String::with_capacity(256);
    for diff in journal.iter() {
        let diff = diff?;
        for (op, record) in std::iter::once(("del", diff.old_soa()))
            .chain(diff.deleted().iter().map(|r| ("del", r)))
            .chain(std::iter::once(("add", diff.new_soa())))
            .chain(diff.added().iter().map(|r| ("add", r)))
        {
            line.clear();
            format_line(op, record, &mut line);
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Appends `op` (`del` or `add`) and the record in `named-journalprint`'s layout, without
/// the newline, to `out`.
pub fn format_line(op: &str, record: &Record, out: &mut String) {
    out.push_str(op);
    out.push(' ');
    let start = out.len();
    let fields = [
        record.ttl.to_string(),
        record.class.to_string(),
        record.rtype.to_string(),
        rdata_text(record.rtype, record.rdata.as_bytes()),
    ];
    out.push_str(&record.owner.to_string());
    // Presentation text is ASCII, so octets count columns.
    let mut column = out.len() - start;
    for (field, to) in fields.iter().zip(COLUMNS) {
        column = indent(out, column, to);
        out.push_str(field);
        column += field.len();
    }
}

/// Pads from column `at` to column `to` (at least one character) with tabs to the last
/// tab stop on the way, then spaces; returns the column reached.
fn indent(out: &mut String, at: usize, to: usize) -> usize {
    let to = to.max(at + 1);
    let tabs = to / TAB - at / TAB;
    let mut column = at;
    if tabs > 0 {
        out.extend(std::iter::repeat_n('\t', tabs));
        column = to / TAB * TAB;
    }
    out.extend(std::iter::repeat_n(' ', to - column));
    to
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;
    use crate::record::Rdata;
    use crate::types::{Class, RType};

    fn record(owner: &str, ttl: u32, rtype: RType, rdata: Vec<u8>) -> Record {
        Record {
            owner: Name::from_text(owner, None).expect("valid test name"),
            ttl,
            class: Class::IN,
            rtype,
            rdata: Rdata(rdata.into()),
        }
    }

    fn line(op: &str, record: &Record) -> String {
        let mut out = String::new();
        format_line(op, record, &mut out);
        out
    }

    /// Lines as named-journalprint 9.18 printed them for a journal made with nsupdate.
    #[test]
    fn layout_matches_named_journalprint() {
        let a = |owner, ttl, addr: [u8; 4]| record(owner, ttl, RType::A, addr.to_vec());
        assert_eq!(
            line("del", &a("a.dyn.example.", 300, [192, 0, 2, 1])),
            "del a.dyn.example.\t\t300\tIN\tA\t192.0.2.1"
        );
        assert_eq!(
            line(
                "add",
                &a(
                    "averyveryverylongname.dyn.example.",
                    2147483647,
                    [192, 0, 2, 7]
                )
            ),
            "add averyveryverylongname.dyn.example. 2147483647 IN A 192.0.2.7"
        );
        let txt = record(
            "abcdefghijk.dyn.example.",
            86400,
            RType::TXT,
            b"\x01x\x03y z".to_vec(),
        );
        assert_eq!(
            line("add", &txt),
            "add abcdefghijk.dyn.example. 86400\tIN\tTXT\t\"x\" \"y z\""
        );
        let mut srv = vec![0, 0, 0, 1, 0, 2];
        srv.extend_from_slice(
            Name::from_text("a.dyn.example.", None)
                .expect("name")
                .as_wire(),
        );
        assert_eq!(
            line(
                "add",
                &record("sevenchars1.dyn.example.", 1, RType::SRV, srv)
            ),
            "add sevenchars1.dyn.example. 1\tIN\tSRV\t0 1 2 a.dyn.example."
        );
    }
}
