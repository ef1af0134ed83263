//! A `file` channel: appends lines to a file and rolls it over as BIND does.
//!
//! BIND's rules, checked against `named` 9.18:
//! - the file is opened (in append mode) at the first line written after the logging
//!   configuration is applied, and again after a reload or a reopen;
//! - when it is opened and already exists, it is rolled over first if the channel keeps
//!   `versions` and has no `size`, or if it has a `size` and the file has reached it;
//! - after a line takes the file past `size`, the next line closes it and opens it again
//!   (rolling it over); without `versions` nothing more is written to it until it shrinks
//!   or goes away;
//! - rolling renames `FILE.0` to `FILE.1` and so on, `FILE` to `FILE.0`, and removes the
//!   versions past the count (`versions unlimited` removes none); with `suffix timestamp`
//!   `FILE` becomes `FILE.YYYYMMDDHHMMSS` and the oldest such versions past the count go.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};

/// How many old versions to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versions {
    /// No `versions`: never roll.
    Never,
    /// `versions N`.
    Keep(u32),
    /// `versions unlimited`.
    Unlimited,
}

impl Versions {
    /// From the configuration's `versions` (`None`: not given; `u32::MAX`: unlimited).
    pub fn from_config(versions: Option<u32>) -> Self {
        match versions {
            None => Self::Never,
            Some(u32::MAX) => Self::Unlimited,
            Some(n) => Self::Keep(n),
        }
    }
}

/// What a file channel is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpec {
    /// The file.
    pub path: PathBuf,
    /// `versions`.
    pub versions: Versions,
    /// `size`: roll (or stop) once the file grows past this many bytes.
    pub size: Option<u64>,
    /// `suffix timestamp`.
    pub timestamp_suffix: bool,
    /// `buffered yes`: no flush after each line.
    pub buffered: bool,
}

/// The open state of a file channel.
#[derive(Debug)]
pub struct LogFile {
    spec: FileSpec,
    out: Option<BufWriter<File>>,
    /// The file's length as written through `out`.
    len: u64,
    /// The last line took the file past `size`.
    full: bool,
    /// Opening failed and was reported; reported again only after a success.
    failed: bool,
}

/// Why writing a line failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened.
    #[error("isc_log_open '{path}' failed: {reason}")]
    Open {
        /// The file.
        path: String,
        /// BIND's words for the cause.
        reason: String,
    },
}

impl LogFile {
    /// A channel writing to `spec.path`; nothing is opened yet.
    pub fn new(spec: FileSpec) -> Self {
        Self {
            spec,
            out: None,
            len: 0,
            full: false,
            failed: false,
        }
    }

    /// The file written.
    pub fn path(&self) -> &Path {
        &self.spec.path
    }

    /// Appends `line` and a line end. An error is returned once per run of failures, for
    /// the caller to report.
    pub fn write_line(&mut self, line: &str) -> Result<(), FileError> {
        if self.full {
            let size = self.spec.size.unwrap_or(u64::MAX);
            let shrunk = std::fs::metadata(&self.spec.path).map_or(true, |m| m.len() < size);
            if self.spec.versions == Versions::Never && !shrunk {
                return Ok(());
            }
            self.close();
        }
        if self.out.is_none() {
            match self.open() {
                Ok(()) => self.failed = false,
                Err(e) => {
                    if std::mem::replace(&mut self.failed, true) {
                        return Ok(());
                    }
                    return Err(FileError::Open {
                        path: self.spec.path.display().to_string(),
                        reason: reason(&e),
                    });
                }
            }
        }
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        // A full disk or a vanished file costs the line, not the server.
        let written = out
            .write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"));
        if written.is_ok() {
            self.len += line.len() as u64 + 1;
        }
        if !self.spec.buffered {
            let _ = out.flush();
        }
        if self.spec.size.is_some_and(|size| self.len > size) {
            self.full = true;
        }
        Ok(())
    }

    /// Closes the file (flushing it); the next line opens it again.
    pub fn close(&mut self) {
        if let Some(mut out) = self.out.take() {
            let _ = out.flush();
        }
        self.full = false;
    }

    fn open(&mut self) -> io::Result<()> {
        if let Ok(meta) = std::fs::metadata(&self.spec.path) {
            let due = match self.spec.size {
                None => self.spec.versions != Versions::Never,
                Some(size) => meta.len() >= size,
            };
            if due && meta.is_file() {
                // A version that cannot be moved aside costs the old lines' order, not
                // the new lines: they are appended.
                let _ = roll(&self.spec);
            }
        }
        let file = open_append(&self.spec.path)?;
        self.len = file.metadata().map_or(0, |m| m.len());
        self.out = Some(BufWriter::new(file));
        Ok(())
    }
}

impl Drop for LogFile {
    fn drop(&mut self) {
        self.close();
    }
}

/// Opens `path` for appending, creating it, as every log file is opened.
pub fn open_append(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().append(true).create(true).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "invalid file"));
    }
    Ok(file)
}

/// Checks that a channel's file can be written, creating it, as BIND does when it reads
/// the logging configuration; the error is in BIND's words.
pub fn check(path: &Path) -> Result<(), String> {
    open_append(path).map(drop).map_err(|e| reason(&e))
}

/// An I/O error in the words BIND uses for it.
pub fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "file not found".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory | io::ErrorKind::InvalidInput => "invalid file".into(),
        _ if e.raw_os_error() == Some(libc::EISDIR) => "invalid file".into(),
        _ => e.to_string(),
    }
}

/// Moves `spec.path` out of the way, keeping the configured number of old versions.
pub fn roll(spec: &FileSpec) -> io::Result<()> {
    let path = &spec.path;
    if spec.versions == Versions::Never {
        return Ok(());
    }
    if spec.timestamp_suffix {
        return roll_timestamped(spec);
    }
    let existing = numbered_versions(path);
    let greatest = existing.iter().copied().max();
    let keep = match spec.versions {
        Versions::Keep(n) => n,
        Versions::Unlimited => u32::MAX,
        Versions::Never => 0,
    };
    if keep == 0 {
        return std::fs::remove_file(path);
    }
    for &n in existing.iter().filter(|&&n| n >= keep - 1) {
        let _ = std::fs::remove_file(versioned(path, n));
    }
    let top = greatest.map_or(0, |g| g.min(keep.saturating_sub(2)));
    if greatest.is_some() {
        for n in (0..=top).rev() {
            let from = versioned(path, n);
            if from.exists() {
                std::fs::rename(&from, versioned(path, n + 1))?;
            }
        }
    }
    std::fs::rename(path, versioned(path, 0))
}

fn roll_timestamped(spec: &FileSpec) -> io::Result<()> {
    let path = &spec.path;
    let stamp = chrono::Local::now().format("%Y%m%d%H%M%S").to_string();
    std::fs::rename(path, versioned_text(path, &stamp))?;
    if let Versions::Keep(keep) = spec.versions {
        let mut old = suffixed_versions(path, |s| s.len() == 14);
        old.sort();
        let excess = old.len().saturating_sub(keep as usize);
        for name in old.into_iter().take(excess) {
            let _ = std::fs::remove_file(versioned_text(path, &name));
        }
    }
    Ok(())
}

fn versioned(path: &Path, n: u32) -> PathBuf {
    versioned_text(path, &n.to_string())
}

fn versioned_text(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// The numbers of the existing `FILE.N` versions.
fn numbered_versions(path: &Path) -> Vec<u32> {
    suffixed_versions(path, |s| s.len() < 10)
        .into_iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The all-digit suffixes `S` of the existing `FILE.S` that `keep` accepts.
fn suffixed_versions(path: &Path, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let (Some(dir), Some(base)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Some(base) = base.to_str() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            let suffix = name.strip_prefix(base)?.strip_prefix('.')?;
            (!suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()) && keep(suffix))
                .then(|| suffix.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(dir: &Path, versions: Versions, size: Option<u64>) -> FileSpec {
        FileSpec {
            path: dir.join("q.log"),
            versions,
            size,
            timestamp_suffix: false,
            buffered: false,
        }
    }

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|_| "<missing>".into())
    }

    #[test]
    fn lines_are_appended_to_what_is_there() {
        let dir = tempfile::tempdir().expect("test step");
        std::fs::write(dir.path().join("q.log"), "old\n").expect("test step");
        let mut file = LogFile::new(spec(dir.path(), Versions::Never, None));
        file.write_line("one").expect("test step");
        file.write_line("two").expect("test step");
        assert_eq!(read(dir.path().join("q.log")), "old\none\ntwo\n");
    }

    #[test]
    fn versions_without_size_roll_at_every_open() {
        let dir = tempfile::tempdir().expect("test step");
        let s = spec(dir.path(), Versions::Keep(2), None);
        for round in ["a", "b", "c"] {
            let mut file = LogFile::new(s.clone());
            file.write_line(round).expect("test step");
        }
        assert_eq!(read(dir.path().join("q.log")), "c\n");
        assert_eq!(read(dir.path().join("q.log.0")), "b\n");
        assert_eq!(read(dir.path().join("q.log.1")), "a\n");
        assert!(!dir.path().join("q.log.2").exists());
    }

    #[test]
    fn size_rolls_after_the_line_that_passes_it() {
        let dir = tempfile::tempdir().expect("test step");
        let mut file = LogFile::new(spec(dir.path(), Versions::Keep(3), Some(10)));
        for line in ["12345", "67890", "abcde", "fghij", "klmno"] {
            file.write_line(line).expect("test step");
        }
        // 6 + 6 = 12 > 10: the third line starts a new file, and so on.
        assert_eq!(read(dir.path().join("q.log")), "klmno\n");
        assert_eq!(read(dir.path().join("q.log.0")), "abcde\nfghij\n");
        assert_eq!(read(dir.path().join("q.log.1")), "12345\n67890\n");
        assert!(!dir.path().join("q.log.2").exists());
    }

    #[test]
    fn size_without_versions_stops_writing() {
        let dir = tempfile::tempdir().expect("test step");
        let mut file = LogFile::new(spec(dir.path(), Versions::Never, Some(10)));
        for line in ["12345", "67890", "abcde"] {
            file.write_line(line).expect("test step");
        }
        assert_eq!(read(dir.path().join("q.log")), "12345\n67890\n");
        assert!(!dir.path().join("q.log.0").exists());
    }

    #[test]
    fn old_versions_past_the_count_go() {
        let dir = tempfile::tempdir().expect("test step");
        for n in 0..5 {
            std::fs::write(dir.path().join(format!("q.log.{n}")), format!("{n}\n"))
                .expect("test step");
        }
        std::fs::write(dir.path().join("q.log"), "current\n").expect("test step");
        roll(&spec(dir.path(), Versions::Keep(3), None)).expect("test step");
        assert_eq!(read(dir.path().join("q.log.0")), "current\n");
        assert_eq!(read(dir.path().join("q.log.1")), "0\n");
        assert_eq!(read(dir.path().join("q.log.2")), "1\n");
        assert!(!dir.path().join("q.log.3").exists());
        assert!(!dir.path().join("q.log.4").exists());
        assert!(!dir.path().join("q.log").exists());
    }

    #[test]
    fn unlimited_versions_keep_everything() {
        let dir = tempfile::tempdir().expect("test step");
        for n in 0..3 {
            std::fs::write(dir.path().join(format!("q.log.{n}")), format!("{n}\n"))
                .expect("test step");
        }
        std::fs::write(dir.path().join("q.log"), "current\n").expect("test step");
        roll(&spec(dir.path(), Versions::Unlimited, None)).expect("test step");
        assert_eq!(read(dir.path().join("q.log.0")), "current\n");
        assert_eq!(read(dir.path().join("q.log.3")), "2\n");
    }

    #[test]
    fn timestamp_suffixes_keep_the_newest() {
        let dir = tempfile::tempdir().expect("test step");
        for stamp in ["20200101000000", "20210101000000", "20220101000000"] {
            std::fs::write(dir.path().join(format!("q.log.{stamp}")), "x").expect("test step");
        }
        std::fs::write(dir.path().join("q.log"), "current\n").expect("test step");
        let mut s = spec(dir.path(), Versions::Keep(2), None);
        s.timestamp_suffix = true;
        roll(&s).expect("test step");
        let mut left = suffixed_versions(&s.path, |t| t.len() == 14);
        left.sort();
        assert_eq!(left.len(), 2);
        assert_eq!(left[0], "20220101000000");
        assert_eq!(read(versioned_text(&s.path, &left[1])), "current\n");
    }

    #[test]
    fn open_failures_are_told_once_in_bind_words() {
        let dir = tempfile::tempdir().expect("test step");
        let mut s = spec(dir.path(), Versions::Never, None);
        s.path = dir.path().join("missing/q.log");
        let mut file = LogFile::new(s);
        let first = file
            .write_line("x")
            .expect_err("test step fails")
            .to_string();
        assert!(first.ends_with("q.log' failed: file not found"), "{first}");
        assert!(file.write_line("y").is_ok());
        assert_eq!(check(dir.path()), Err("invalid file".to_owned()));
        assert_eq!(
            check(&dir.path().join("missing/x")),
            Err("file not found".to_owned())
        );
    }
}
