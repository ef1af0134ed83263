//! Writing the canonical dump (`-D`, `-o`): to standard output, or to a file replaced whole.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use zones::RType;
use zones::writer::format_fields;
use zones::zone::{RecordRef, Zone};

/// Where BIND's dump order puts an RRset within its node: SOA, then NS, then the other
/// types by number, each type's RRSIGs right after it.
fn dump_order(record: &RecordRef<'_>) -> u32 {
    let (rtype, sig) = match (record.rtype(), record.rdata()) {
        (RType::RRSIG, [a, b, ..]) => (RType(u16::from_be_bytes([*a, *b])), 1),
        (rtype, _) => (rtype, 0),
    };
    let rank = match rtype {
        RType::SOA => 0,
        RType::NS => 1,
        other => u32::from(other.0) + 2,
    };
    (rank << 1) + sig
}

/// Writes the zone's records, one per line: names in canonical order (RFC 4034 §6.1), and
/// within a name the RRsets in the order named-checkzone prints them.
pub fn write_zone<W: Write>(zone: &Zone, out: &mut W) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    let mut node_records: Vec<RecordRef<'_>> = Vec::new();
    let mut records = zone.records_canonical().peekable();
    while let Some(first) = records.next() {
        let node = first.node().index();
        node_records.clear();
        node_records.push(first);
        while let Some(next) = records.next_if(|r| r.node().index() == node) {
            node_records.push(next);
        }
        // Stable: the records of one RRset keep their canonical order.
        node_records.sort_by_key(dump_order);
        let owner = first.owner();
        for record in &node_records {
            line.clear();
            format_fields(
                &owner,
                record.ttl(),
                record.class(),
                record.rtype(),
                record.rdata(),
                &mut line,
            );
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

/// Writes the dump to standard output.
pub fn to_stdout(zone: &Zone) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    write_zone(zone, &mut out)?;
    out.flush()
}

/// Why writing the dump file failed.
#[derive(Debug)]
pub enum FileError {
    /// The temporary file beside the target could not be created.
    Create(io::Error),
    /// Writing, syncing or renaming failed.
    Write(io::Error),
}

/// Writes the dump to `path`: into a temporary file in the same directory, synced to disk,
/// then renamed over `path`, so that readers never see a partial file.
pub fn to_file(zone: &Zone, path: &Path) -> Result<(), FileError> {
    let temp = temp_path(path);
    let file = File::create(&temp).map_err(FileError::Create)?;
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 16, file);
        write_zone(zone, &mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(FileError::Write(e));
    }
    Ok(())
}

/// `DIR/.NAME.tmp-PID` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "dump".into(), |n| n.to_string_lossy().into_owned());
    let temp = format!(".{name}.tmp-{}", std::process::id());
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(temp),
        _ => PathBuf::from(temp),
    }
}
