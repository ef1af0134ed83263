//! The journal: an append-only file of a zone's version steps, from which IXFR is served
//! and which is replayed onto the zone file when a server starts.
//!
//! # Design
//!
//! A journal file starts with a header naming its format, version and zone; then come
//! transactions, each one [`Diff`] (serial from → to, the records deleted, the records
//! added) with a checksum of its own (the layout is in the `format` module). Transactions
//! form one chain: each starts at the serial the one before it ends at.
//!
//! - **Appending** writes one whole transaction at the end of the file and makes it
//!   durable (`fsync`) before [`Journal::append`] returns.
//! - **Opening** checks every transaction. A torn or corrupt *last* transaction, which a
//!   crash during an append leaves, is discarded (cut off the file when opened for
//!   writing) and reported as a [`Recovery`] warning; everything before it is kept.
//!   Damage anywhere else is an error naming the offset.
//! - **Trimming** to `max-journal-size` drops the oldest transactions by writing the ones
//!   kept to a new file (temporary name, `fsync`, rename), so a crash leaves either the old
//!   file or the new one.
//! - Another format, BIND's journal (`;BIND LOG V9`) among them, is recognised and
//!   reported as "not a Rivet journal", never misread.
//! - [`print()`] shows a journal as `named-journalprint` does.
//!
//! A journal is used by one writer; readers (IXFR out) share it by reference, since reads
//! use positioned I/O and never move a file cursor.

mod format;
pub mod print;
mod scan;

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::diff::{self, ApplyError, Diff};
use crate::name::Name;
use crate::serial::Serial;
use crate::types::Class;
use crate::zone::{CheckOptions, Zone};

pub use print::print;

/// Why a journal could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// Reading or writing the file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The journal file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The file is not a Rivet journal (a BIND journal, say).
    #[error("{}: not a Rivet journal ({found})", .path.display())]
    NotAJournal {
        /// The file.
        path: PathBuf,
        /// What the file looks like.
        found: &'static str,
    },
    /// A Rivet journal of a format version this code does not read.
    #[error("{}: unsupported journal format version {version}", .path.display())]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version in its header.
        version: u32,
    },
    /// Damage before the last transaction (or in the header).
    #[error("{}: journal corrupt at offset {offset}: {reason}", .path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Where the damaged header or transaction starts.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The journal or the step belongs to another zone.
    #[error("{}: journal of zone {journal}, not {zone}", .path.display())]
    WrongZone {
        /// The file.
        path: PathBuf,
        /// The journal's zone, `NAME/CLASS`.
        journal: String,
        /// The other zone, `NAME/CLASS`.
        zone: String,
    },
    /// A step to append does not start where the journal ends.
    #[error(
        "{}: transaction starts at serial {from}, but the journal ends at serial {last}",
        .path.display()
    )]
    NotContiguous {
        /// The file.
        path: PathBuf,
        /// The step's starting serial.
        from: u32,
        /// The journal's last serial.
        last: u32,
    },
    /// A step to append does not increase the serial (RFC 1982).
    #[error("{}: serial {to} is not newer than serial {from}", .path.display())]
    SerialNotIncreasing {
        /// The file.
        path: PathBuf,
        /// The step's starting serial.
        from: u32,
        /// The step's new serial.
        to: u32,
    },
    /// A step too large for one transaction (4 GiB, or RDATA over 65535 octets).
    #[error("{}: transaction {from} -> {to} is too large to journal", .path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The step's starting serial.
        from: u32,
        /// The step's new serial.
        to: u32,
    },
    /// A change asked of a journal opened read-only.
    #[error("{}: journal opened read-only", .path.display())]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// The journal does not start from the zone's serial, so it cannot be replayed.
    #[error(
        "{}: journal out of sync with zone (zone serial {zone_serial}, journal serials \
         {first} to {last})",
        .path.display()
    )]
    OutOfSync {
        /// The file.
        path: PathBuf,
        /// The zone's serial.
        zone_serial: u32,
        /// The journal's first serial.
        first: u32,
        /// The journal's last serial.
        last: u32,
    },
    /// Replaying the journal onto the zone failed.
    #[error("{}: journal rollforward failed: {source}", .path.display())]
    Apply {
        /// The file.
        path: PathBuf,
        /// Why the steps did not apply.
        source: ApplyError,
    },
}

/// A torn or corrupt last transaction found on opening a journal, and discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The journal file.
    pub path: PathBuf,
    /// Where the discarded transaction starts.
    pub offset: u64,
    /// How many octets were discarded (from `offset` to the end of the file).
    pub discarded: u64,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: discarded a torn or corrupt last transaction ({}): {} octets at offset {}",
            self.path.display(),
            self.reason,
            self.discarded,
            self.offset
        )
    }
}

/// Where one transaction is and the serials it joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionInfo {
    /// Its offset in the file.
    pub offset: u64,
    /// Its size in octets, framing and checksum included.
    pub size: u32,
    /// The serial it starts from.
    pub from: u32,
    /// The serial it leads to.
    pub to: u32,
}

/// What replaying a journal onto a zone gave.
#[derive(Debug)]
pub enum Replay {
    /// The zone is at the journal's last serial already (or the journal is empty).
    UpToDate,
    /// The journal's steps from the zone's serial on were applied.
    Applied {
        /// The zone they lead to.
        zone: Zone,
        /// The warnings building it gave.
        diagnostics: Vec<Diagnostic>,
        /// How many transactions were applied.
        steps: usize,
    },
}

/// An open journal file.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    writable: bool,
    origin: Name,
    class: Class,
    header_len: u64,
    transactions: Vec<TransactionInfo>,
    /// The end of the last transaction: where the next one goes.
    end: u64,
}

impl Journal {
    /// Creates an empty journal for zone `origin`/`class` at `path`, replacing any file
    /// there (as after a full transfer). The header is written to a temporary file,
    /// made durable and renamed into place.
    pub fn create(path: &Path, origin: &Name, class: Class) -> Result<Journal, JournalError> {
        let header = format::encode_header(origin, class);
        replace_file(path, |out| out.write_all(&header)).map_err(|e| io_error(path, e))?;
        let file = open_rw(path)?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            writable: true,
            origin: origin.clone(),
            class,
            header_len: header.len() as u64,
            transactions: Vec::new(),
            end: header.len() as u64,
        })
    }

    /// Opens a journal for reading and appending. A torn or corrupt last transaction is
    /// cut off the file (durably) and reported; damage before it is an error.
    pub fn open(path: &Path) -> Result<(Journal, Option<Recovery>), JournalError> {
        let file = open_rw(path)?;
        let (journal, recovery) = Self::from_scan(path, file, true)?;
        if recovery.is_some() {
            journal
                .file
                .set_len(journal.end)
                .and_then(|()| journal.file.sync_all())
                .map_err(|e| io_error(path, e))?;
        }
        Ok((journal, recovery))
    }

    /// Opens a journal for reading only, leaving the file as it is: a torn or corrupt last
    /// transaction is ignored and reported, not cut off.
    pub fn open_read_only(path: &Path) -> Result<(Journal, Option<Recovery>), JournalError> {
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        Self::from_scan(path, file, false)
    }

    fn from_scan(
        path: &Path,
        file: File,
        writable: bool,
    ) -> Result<(Journal, Option<Recovery>), JournalError> {
        let scan = scan::scan(&file, path)?;
        let journal = Journal {
            path: path.to_path_buf(),
            file,
            writable,
            origin: scan.origin,
            class: scan.class,
            header_len: scan.header_len,
            transactions: scan.transactions,
            end: scan.end,
        };
        Ok((journal, scan.recovery))
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The zone the journal belongs to.
    pub fn origin(&self) -> &Name {
        &self.origin
    }

    /// The zone's class.
    pub fn class(&self) -> Class {
        self.class
    }

    /// How many transactions the journal holds.
    pub fn len(&self) -> usize {
        self.transactions.len()
    }

    /// Whether the journal holds no transaction.
    pub fn is_empty(&self) -> bool {
        self.transactions.is_empty()
    }

    /// The size of the journal's good part in octets (the header and every transaction).
    pub fn size(&self) -> u64 {
        self.end
    }

    /// The serial the first transaction starts from.
    pub fn first_serial(&self) -> Option<u32> {
        self.transactions.first().map(|t| t.from)
    }

    /// The serial the last transaction leads to: the zone's current serial when the
    /// journal is up to date.
    pub fn last_serial(&self) -> Option<u32> {
        self.transactions.last().map(|t| t.to)
    }

    /// Every transaction's place and serials, oldest first.
    pub fn transactions(&self) -> &[TransactionInfo] {
        &self.transactions
    }

    /// Reads transaction `index` (0 is the oldest).
    pub fn read(&self, index: usize) -> Result<Diff, JournalError> {
        let info = self
            .transactions
            .get(index)
            .ok_or_else(|| JournalError::Corrupt {
                path: self.path.clone(),
                offset: self.end,
                reason: format!("no transaction number {index}"),
            })?;
        let mut buf = vec![0u8; info.size as usize];
        self.file
            .read_exact_at(&mut buf, info.offset)
            .map_err(|e| io_error(&self.path, e))?;
        // The file may have changed since it was opened; check again before trusting it.
        if !format::checksum_ok(&buf) {
            return Err(self.corrupt(info.offset, "checksum mismatch".into()));
        }
        format::decode_transaction(&buf).map_err(|reason| self.corrupt(info.offset, reason))
    }

    /// Every transaction, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = Result<Diff, JournalError>> + '_ {
        (0..self.transactions.len()).map(|i| self.read(i))
    }

    /// The transactions that lead from serial `from` to serial `to`, as positions: an
    /// empty range when `from == to`, `None` when the journal does not cover the way
    /// (IXFR then falls back to AXFR, RFC 1995 §4). The newest start at `from` is taken,
    /// which matters only if serials wrapped round within the journal.
    pub fn find_chain(&self, from: u32, to: u32) -> Option<Range<usize>> {
        if from == to {
            return Some(0..0);
        }
        let start = self.transactions.iter().rposition(|t| t.from == from)?;
        let end = start + self.transactions[start..].iter().position(|t| t.to == to)?;
        Some(start..end + 1)
    }

    /// The steps that lead from serial `from` to serial `to`, read from the file; `None`
    /// when the journal does not cover the way. For IXFR out, `from` is the client's
    /// serial and `to` the zone's.
    pub fn chain(&self, from: u32, to: u32) -> Result<Option<Vec<Diff>>, JournalError> {
        match self.find_chain(from, to) {
            Some(range) => range
                .map(|i| self.read(i))
                .collect::<Result<_, _>>()
                .map(Some),
            None => Ok(None),
        }
    }

    /// Appends one step and makes it durable before returning. It must belong to the
    /// journal's zone, start where the journal ends (any serial when it is empty) and
    /// increase the serial (RFC 1982). A failed write is cut off the file again.
    pub fn append(&mut self, diff: &Diff) -> Result<(), JournalError> {
        if !self.writable {
            return Err(JournalError::ReadOnly {
                path: self.path.clone(),
            });
        }
        let (from, to) = (diff.from_serial(), diff.to_serial());
        for soa in [diff.old_soa(), diff.new_soa()] {
            if soa.owner != self.origin || soa.class != self.class {
                return Err(JournalError::WrongZone {
                    path: self.path.clone(),
                    journal: format!("{}/{}", self.origin, self.class),
                    zone: format!("{}/{}", soa.owner, soa.class),
                });
            }
        }
        if let Some(last) = self.last_serial()
            && last != from
        {
            return Err(JournalError::NotContiguous {
                path: self.path.clone(),
                from,
                last,
            });
        }
        if !Serial(to).is_newer_than(Serial(from)) {
            return Err(JournalError::SerialNotIncreasing {
                path: self.path.clone(),
                from,
                to,
            });
        }
        let bytes = format::encode_transaction(diff).ok_or_else(|| JournalError::TooLarge {
            path: self.path.clone(),
            from,
            to,
        })?;
        let written = self
            .file
            .write_all_at(&bytes, self.end)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Leave no partial transaction behind for the next append to follow.
            let _ = self.file.set_len(self.end);
            return Err(io_error(&self.path, e));
        }
        self.transactions.push(TransactionInfo {
            offset: self.end,
            // The encoder refuses anything longer than u32::MAX.
            size: bytes.len() as u32,
            from,
            to,
        });
        self.end += bytes.len() as u64;
        Ok(())
    }

    /// Drops the oldest transactions until the journal is at most `max_size` octets
    /// (`max-journal-size`), and returns how many were dropped. Transactions from the one
    /// starting at serial `keep_from` on are never dropped: pass the serial of the zone
    /// file on disk, so that what it lacks stays (when `keep_from` is given, is not the
    /// last serial and no transaction starts there, nothing is dropped). The journal may
    /// end up empty. The kept transactions are written to a new file, made durable and
    /// renamed over the old one.
    pub fn trim(&mut self, max_size: u64, keep_from: Option<u32>) -> Result<usize, JournalError> {
        if !self.writable {
            return Err(JournalError::ReadOnly {
                path: self.path.clone(),
            });
        }
        if self.end <= max_size {
            return Ok(0);
        }
        let protected = match keep_from {
            None => self.transactions.len(),
            Some(serial) if Some(serial) == self.last_serial() => self.transactions.len(),
            Some(serial) => self
                .transactions
                .iter()
                .rposition(|t| t.from == serial)
                .unwrap_or(0),
        };
        let mut drop = 0;
        let mut size = self.end;
        while drop < protected && size > max_size {
            size -= u64::from(self.transactions[drop].size);
            drop += 1;
        }
        if drop == 0 {
            return Ok(0);
        }
        let header = format::encode_header(&self.origin, self.class);
        let keep_start = self.transactions.get(drop).map_or(self.end, |t| t.offset);
        let file = &self.file;
        let end = self.end;
        replace_file(&self.path, |out| {
            out.write_all(&header)?;
            copy_range(file, keep_start..end, out)
        })
        .map_err(|e| io_error(&self.path, e))?;
        self.file = open_rw(&self.path)?;
        let shift = keep_start - header.len() as u64;
        self.transactions.drain(..drop);
        for t in &mut self.transactions {
            t.offset -= shift;
        }
        self.header_len = header.len() as u64;
        self.end -= shift;
        Ok(drop)
    }

    /// Replays the journal onto `zone`, loaded from the zone file, as a server does on
    /// start: the steps from the zone's serial to the journal's last serial are applied.
    /// A journal that does not start from the zone's serial is out of sync (BIND: the zone
    /// fails to load); a step that does not apply is an error.
    pub fn replay(&self, zone: &Zone, opts: &CheckOptions) -> Result<Replay, JournalError> {
        if zone.origin() != &self.origin || zone.class() != self.class {
            return Err(JournalError::WrongZone {
                path: self.path.clone(),
                journal: format!("{}/{}", self.origin, self.class),
                zone: format!("{}/{}", zone.origin(), zone.class()),
            });
        }
        let (Some(first), Some(last)) = (self.first_serial(), self.last_serial()) else {
            return Ok(Replay::UpToDate);
        };
        let serial = zone.serial();
        let Some(steps) = self.chain(serial, last)? else {
            return Err(JournalError::OutOfSync {
                path: self.path.clone(),
                zone_serial: serial,
                first,
                last,
            });
        };
        if steps.is_empty() {
            return Ok(Replay::UpToDate);
        }
        let (zone, diagnostics) =
            diff::apply(zone, &steps, opts).map_err(|source| JournalError::Apply {
                path: self.path.clone(),
                source,
            })?;
        Ok(Replay::Applied {
            zone,
            diagnostics,
            steps: steps.len(),
        })
    }

    fn corrupt(&self, offset: u64, reason: String) -> JournalError {
        JournalError::Corrupt {
            path: self.path.clone(),
            offset,
            reason,
        }
    }
}

fn io_error(path: &Path, source: io::Error) -> JournalError {
    JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn open_rw(path: &Path) -> Result<File, JournalError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| io_error(path, e))
}

/// Writes a file whole under a temporary name beside `path`, makes it durable, renames it
/// to `path` and makes the rename durable: a crash leaves the old file or the new one.
fn replace_file(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = dir.join(temp_name);
    let result = (|| {
        let mut out = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        fill(&mut out)?;
        out.sync_all()?;
        fs::rename(&temp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Copies `range` of `file` to `out` with positioned reads.
fn copy_range(file: &File, range: Range<u64>, out: &mut File) -> io::Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    let mut at = range.start;
    while at < range.end {
        let n = usize::try_from(range.end - at).map_or(buf.len(), |left| left.min(buf.len()));
        file.read_exact_at(&mut buf[..n], at)?;
        out.write_all(&buf[..n])?;
        at += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
