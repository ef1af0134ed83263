//! Saving a transferred zone to its `file`: text master-file format, one record per line,
//! written whole to a temporary file beside it, synced, then renamed over it, so that a
//! crash leaves either the old copy or the new one, never a mix.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use zones::writer::format_fields;
use zones::zone::Zone;

/// Writes `zone` to `path` atomically.
pub fn save(zone: &Zone, path: &Path) -> io::Result<()> {
    let temp = temp_path(path);
    let written = (|| {
        let file = File::create(&temp)?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let mut line = String::with_capacity(256);
        writeln!(
            out,
            "; zone '{}' saved by rivetd (serial {})",
            zones::master::message_name(zone.origin()),
            zone.serial()
        )?;
        for record in zone.records_canonical() {
            line.clear();
            format_fields(
                &record.owner(),
                record.ttl(),
                record.class(),
                record.rtype(),
                record.rdata(),
                &mut line,
            );
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // The rename is durable once the directory is.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir).and_then(|d| d.sync_all())?;
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Sets the file's modification time to now: a refresh that found the copy current
/// records it there, so that a restart computes the expiry from it (as BIND does).
pub fn touch(path: &Path) -> io::Result<()> {
    File::options()
        .append(true)
        .open(path)?
        .set_modified(SystemTime::now())
}

/// `DIR/.NAME.xfr-PID` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "zone".into(), |n| n.to_string_lossy().into_owned());
    let temp = format!(".{name}.xfr-{}", std::process::id());
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(temp),
        _ => PathBuf::from(temp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zones::Class;

    #[test]
    fn saved_zone_reads_back_the_same() {
        let text = "$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 hostmaster 5 3600 600 86400 60\n\
            @ NS ns1\nns1 A 127.0.0.1\nwww 60 TXT \"a b\" \"c\"\nmx MX 10 mail.other.\n";
        let origin = zones::Name::from_text("example.com.", None).expect("name");
        let opts = zones::master::ParseOptions {
            origin: origin.clone(),
            class: Class::IN,
            base_dir: PathBuf::from("."),
            default_ttl: None,
        };
        let checks = zones::master::Checks::default();
        let records = zones::master::parse_str_with(text, "t.db", &opts, &checks).records;
        let opts_zone = zones::zone::CheckOptions::default();
        let (zone, _) = Zone::build(origin.clone(), Class::IN, records, &opts_zone).expect("zone");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("example.com.db");
        save(&zone, &path).expect("saved");
        touch(&path).expect("touched");
        let report = zones::master::parse_file_with(&path, &opts, &checks);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let (again, _) = Zone::build(origin, Class::IN, report.records, &opts_zone).expect("zone");
        let a: Vec<_> = zone.records_canonical().map(|r| r.to_record()).collect();
        let b: Vec<_> = again.records_canonical().map(|r| r.to_record()).collect();
        assert_eq!(a, b);
        assert_eq!(
            fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no temp file left"
        );
    }
}
