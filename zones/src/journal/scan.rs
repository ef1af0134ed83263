//! Reading a journal file's header and the index of its transactions, telling a torn or
//! corrupt last transaction (to discard) from damage in the middle (an error).
//!
//! An append writes one whole transaction at the end of the file. A crash during it can
//! leave a prefix of the transaction, or a file whose length grew while some of the new
//! octets are still zero or stale; either way the file does not reach past the end the
//! transaction was to have, and nothing good follows the damage. So:
//!
//! - a transaction whose head (checked on its own) is good but whose length runs past
//!   the end of the file, or whose checksum fails and which ends exactly at the end of the
//!   file, is a torn or corrupt last transaction, and is discarded;
//! - a transaction whose checksum fails with more data after it is damage in the middle;
//! - a damaged head leaves the length unknown: if a good transaction can be found further
//!   on, the damage is in the middle, otherwise it is the last transaction's.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use super::format::{self, HeaderProblem, MARKER, MAX_HEADER_LEN, TXN_HEAD_LEN};
use super::{JournalError, Recovery, TransactionInfo};
use crate::name::Name;
use crate::types::Class;

/// What a scan of a journal file found.
pub(super) struct Scan {
    pub(super) origin: Name,
    pub(super) class: Class,
    pub(super) header_len: u64,
    pub(super) transactions: Vec<TransactionInfo>,
    /// The end of the last good transaction.
    pub(super) end: u64,
    /// The torn or corrupt tail, if any.
    pub(super) recovery: Option<Recovery>,
}

/// Reads the header and indexes every transaction, checking each checksum and that each
/// starts where the previous one ended.
pub(super) fn scan(file: &File, path: &Path) -> Result<Scan, JournalError> {
    let io_error = |source: io::Error| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file_len = file.metadata().map_err(io_error)?.len();
    let mut reader = BufReader::with_capacity(1 << 16, file);

    let mut start = Vec::with_capacity(MAX_HEADER_LEN);
    (&mut reader)
        .take(MAX_HEADER_LEN as u64)
        .read_to_end(&mut start)
        .map_err(io_error)?;
    let (origin, class, header_len) = match format::decode_header(&start) {
        Ok(header) => header,
        Err(HeaderProblem::Foreign(found)) => {
            return Err(JournalError::NotAJournal {
                path: path.to_path_buf(),
                found,
            });
        }
        Err(HeaderProblem::Version(version)) => {
            return Err(JournalError::UnsupportedVersion {
                path: path.to_path_buf(),
                version,
            });
        }
        Err(HeaderProblem::Damaged(reason)) => {
            return Err(JournalError::Corrupt {
                path: path.to_path_buf(),
                offset: 0,
                reason: reason.to_string(),
            });
        }
    };
    // The reader is past the header; hand the rest of what it read back in order.
    let after_header = start.split_off(header_len);
    let mut reader = io::Cursor::new(after_header).chain(reader);

    let mut transactions: Vec<TransactionInfo> = Vec::new();
    let mut offset = header_len as u64;
    let mut buf = Vec::new();
    let recovery = loop {
        let left = file_len - offset;
        if left == 0 {
            break None;
        }
        let discard = |reason: &'static str| {
            Some(Recovery {
                path: path.to_path_buf(),
                offset,
                discarded: left,
                reason,
            })
        };
        if left < TXN_HEAD_LEN as u64 {
            break discard("transaction cut short");
        }
        let mut head = [0u8; TXN_HEAD_LEN];
        reader.read_exact(&mut head).map_err(io_error)?;
        let Some(fixed) = format::decode_head(&head) else {
            if good_transaction_after(&head, &mut reader).map_err(io_error)? {
                return Err(corrupt(path, offset, "damaged transaction head".into()));
            }
            break discard("damaged last transaction");
        };
        let len = u64::from(fixed.len);
        if len > left {
            break discard("transaction cut short");
        }
        buf.clear();
        buf.extend_from_slice(&head);
        buf.resize(fixed.len as usize, 0);
        reader
            .read_exact(&mut buf[TXN_HEAD_LEN..])
            .map_err(io_error)?;
        if !format::checksum_ok(&buf) {
            if len == left {
                break discard("checksum mismatch in the last transaction");
            }
            return Err(corrupt(path, offset, "checksum mismatch".into()));
        }
        if let Some(previous) = transactions.last()
            && previous.to != fixed.from
        {
            return Err(corrupt(
                path,
                offset,
                format!(
                    "transaction starts at serial {}, but the one before ends at serial {}",
                    fixed.from, previous.to
                ),
            ));
        }
        transactions.push(TransactionInfo {
            offset,
            size: fixed.len,
            from: fixed.from,
            to: fixed.to,
        });
        offset += len;
    };
    Ok(Scan {
        origin,
        class,
        header_len: header_len as u64,
        transactions,
        end: offset,
        recovery,
    })
}

fn corrupt(path: &Path, offset: u64, reason: String) -> JournalError {
    JournalError::Corrupt {
        path: path.to_path_buf(),
        offset,
        reason,
    }
}

/// Whether a good transaction starts anywhere after the first octet of `head` (a
/// damaged head) in `head` followed by what `reader` has left.
fn good_transaction_after(head: &[u8], reader: &mut impl Read) -> io::Result<bool> {
    let mut rest = head.to_vec();
    reader.read_to_end(&mut rest)?;
    let found = (1..rest.len()).any(|at| {
        let Some(candidate) = rest[at..].first_chunk::<TXN_HEAD_LEN>() else {
            return false;
        };
        candidate.starts_with(MARKER)
            && format::decode_head(candidate).is_some_and(|h| {
                rest.get(at..at + h.len as usize)
                    .is_some_and(format::checksum_ok)
            })
    });
    Ok(found)
}
