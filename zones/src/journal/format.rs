//! The bytes of a Rivet journal file. All numbers are big-endian.
//!
//! ```text
//! header       magic "RivetJnl" (8), version u32 (= 1), class u16,
//!              origin length u16, origin (wire form), checksum (8)
//! transaction  marker "RvTx" (4), length u32 (the whole transaction, marker to
//!              checksum), from serial u32, to serial u32, deleted count u32,
//!              added count u32, head checksum (8) over those 24 octets,
//!              old SOA, deleted records, new SOA, added records,
//!              checksum (8) over the whole transaction before it
//! record       owner (uncompressed wire form), type u16, class u16, TTL u32,
//!              RDATA length u16, RDATA
//! checksum     the first 8 octets of SHA-256
//! ```
//!
//! The head has a checksum of its own so that a transaction's length can be trusted
//! before the rest is read: damage to a length is then told from a transaction cut short.
//!
//! SHA-256 rather than a CRC: the workspace already has it (for TSIG), so the journal
//! needs no crate of its own; it runs at hundreds of megabytes a second, nothing beside
//! the fsync each append makes; and 64 bits of it miss a random corruption far less often
//! than a 32-bit CRC would. A transaction's checksum does not cover its position, so
//! trimming copies transactions to a new file as they are.

use sha2::{Digest, Sha256};

use crate::diff::Diff;
use crate::name::Name;
use crate::record::{Rdata, Record};
use crate::types::{Class, RType};

/// The first octets of a Rivet journal.
pub(super) const MAGIC: &[u8; 8] = b"RivetJnl";
/// The format this code writes and reads.
pub(super) const VERSION: u32 = 1;
/// What a BIND 9 journal starts with (`;BIND LOG V9\n` or `;BIND LOG V9.2\n`).
pub(super) const BIND_MAGIC: &[u8] = b";BIND LOG V9";
/// The first octets of every transaction.
pub(super) const MARKER: &[u8; 4] = b"RvTx";
/// The length of a checksum.
pub(super) const CHECKSUM_LEN: usize = 8;
/// The fixed part of a transaction before its records, its checksum included.
pub(super) const TXN_HEAD_LEN: usize = 24 + CHECKSUM_LEN;
/// The smallest possible transaction: the fixed part, two SOAs of minimal size and the
/// checksum.
pub(super) const MIN_TXN_LEN: usize = TXN_HEAD_LEN + 2 * MIN_RECORD_LEN + CHECKSUM_LEN;
/// The longest header: the fixed fields, a 255-octet origin and the checksum.
pub(super) const MAX_HEADER_LEN: usize = 8 + 4 + 2 + 2 + 255 + CHECKSUM_LEN;
/// A record with the root as owner and no RDATA.
const MIN_RECORD_LEN: usize = 1 + 2 + 2 + 4 + 2;

/// The checksum of `bytes`.
pub(super) fn checksum(bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::digest(bytes);
    let mut out = [0u8; CHECKSUM_LEN];
    out.copy_from_slice(&digest[..CHECKSUM_LEN]);
    out
}

/// The header of a journal of zone `origin`.
pub(super) fn encode_header(origin: &Name, class: Class) -> Vec<u8> {
    let wire = origin.as_wire();
    let mut out = Vec::with_capacity(MAX_HEADER_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(&class.0.to_be_bytes());
    // A name is at most 255 octets.
    out.extend_from_slice(&(wire.len() as u16).to_be_bytes());
    out.extend_from_slice(wire);
    let sum = checksum(&out);
    out.extend_from_slice(&sum);
    out
}

/// Why the start of a file is not a header this code reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HeaderProblem {
    /// Another format: what it looks like.
    Foreign(&'static str),
    /// A Rivet journal of another version.
    Version(u32),
    /// The magic is right but the header is cut short or damaged.
    Damaged(&'static str),
}

/// Reads the header at the start of `bytes`: the zone's origin and class and the header's
/// length.
pub(super) fn decode_header(bytes: &[u8]) -> Result<(Name, Class, usize), HeaderProblem> {
    if !bytes.starts_with(MAGIC) {
        return Err(HeaderProblem::Foreign(if bytes.starts_with(BIND_MAGIC) {
            "it is a BIND journal"
        } else if MAGIC.starts_with(bytes) {
            "the file is too short"
        } else {
            "unknown format"
        }));
    }
    let fixed = bytes
        .get(8..16)
        .ok_or(HeaderProblem::Damaged("header cut short"))?;
    let version = u32::from_be_bytes([fixed[0], fixed[1], fixed[2], fixed[3]]);
    if version != VERSION {
        return Err(HeaderProblem::Version(version));
    }
    let class = Class(u16::from_be_bytes([fixed[4], fixed[5]]));
    let name_len = usize::from(u16::from_be_bytes([fixed[6], fixed[7]]));
    let end = 16 + name_len;
    let body = bytes
        .get(..end + CHECKSUM_LEN)
        .ok_or(HeaderProblem::Damaged("header cut short"))?;
    if body[end..] != checksum(&body[..end]) {
        return Err(HeaderProblem::Damaged("header checksum mismatch"));
    }
    let origin =
        Name::from_wire(&body[16..end]).map_err(|_| HeaderProblem::Damaged("bad origin name"))?;
    Ok((origin, class, end + CHECKSUM_LEN))
}

/// The fixed part of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TxnHead {
    /// The length of the whole transaction.
    pub(super) len: u32,
    /// The serial it starts from.
    pub(super) from: u32,
    /// The serial it leads to.
    pub(super) to: u32,
}

/// Reads the fixed part of a transaction; `None` unless the marker, the head's checksum
/// and the length are right.
pub(super) fn decode_head(bytes: &[u8; TXN_HEAD_LEN]) -> Option<TxnHead> {
    let word = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let head = TxnHead {
        len: word(4),
        from: word(8),
        to: word(12),
    };
    let valid = bytes[..4] == MARKER[..]
        && bytes[24..] == checksum(&bytes[..24])
        && head.len as usize >= MIN_TXN_LEN;
    valid.then_some(head)
}

/// Whether a whole transaction's checksum is right.
pub(super) fn checksum_ok(txn: &[u8]) -> bool {
    match txn.len().checked_sub(CHECKSUM_LEN) {
        Some(end) => txn[end..] == checksum(&txn[..end]),
        None => false,
    }
}

/// A transaction's bytes; `None` when it would exceed 4 GiB.
pub(super) fn encode_transaction(diff: &Diff) -> Option<Vec<u8>> {
    let size = TXN_HEAD_LEN + diff.ixfr_records().map(encoded_len).sum::<usize>() + CHECKSUM_LEN;
    let len = u32::try_from(size).ok()?;
    let deleted = u32::try_from(diff.deleted().len()).ok()?;
    let added = u32::try_from(diff.added().len()).ok()?;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(MARKER);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&diff.from_serial().to_be_bytes());
    out.extend_from_slice(&diff.to_serial().to_be_bytes());
    out.extend_from_slice(&deleted.to_be_bytes());
    out.extend_from_slice(&added.to_be_bytes());
    let head_sum = checksum(&out);
    out.extend_from_slice(&head_sum);
    for record in diff.ixfr_records() {
        encode_record(record, &mut out)?;
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum);
    Some(out)
}

fn encoded_len(record: &Record) -> usize {
    record.owner.as_wire().len() + 10 + record.rdata.as_bytes().len()
}

fn encode_record(record: &Record, out: &mut Vec<u8>) -> Option<()> {
    let rdata = record.rdata.as_bytes();
    out.extend_from_slice(record.owner.as_wire());
    out.extend_from_slice(&record.rtype.0.to_be_bytes());
    out.extend_from_slice(&record.class.0.to_be_bytes());
    out.extend_from_slice(&record.ttl.to_be_bytes());
    out.extend_from_slice(&u16::try_from(rdata.len()).ok()?.to_be_bytes());
    out.extend_from_slice(rdata);
    Some(())
}

/// Decodes a whole transaction whose checksum has been checked; the error says what is
/// wrong with it.
pub(super) fn decode_transaction(txn: &[u8]) -> Result<Diff, String> {
    let head: &[u8; TXN_HEAD_LEN] = txn
        .first_chunk()
        .ok_or_else(|| "transaction cut short".to_string())?;
    let fixed = decode_head(head).ok_or_else(|| "damaged transaction head".to_string())?;
    let count = |i: usize| u32::from_be_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
    let (deleted, added) = (count(16), count(20));
    let body = &txn[TXN_HEAD_LEN..txn.len().saturating_sub(CHECKSUM_LEN)];
    let mut reader = Reader {
        bytes: body,
        pos: 0,
    };
    let old_soa = reader.record()?;
    let deleted = reader.records(deleted)?;
    let new_soa = reader.record()?;
    let added = reader.records(added)?;
    if reader.pos != body.len() {
        return Err(format!(
            "{} octets after the last record",
            body.len() - reader.pos
        ));
    }
    let diff = Diff::new(old_soa, deleted, new_soa, added).map_err(|e| e.to_string())?;
    if (diff.from_serial(), diff.to_serial()) != (fixed.from, fixed.to) {
        return Err(format!(
            "serials {} -> {} in the transaction header, {} -> {} in its SOAs",
            fixed.from,
            fixed.to,
            diff.from_serial(),
            diff.to_serial()
        ));
    }
    Ok(diff)
}

/// Reads records from a transaction's body.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let out = self
            .bytes
            .get(self.pos..self.pos + n)
            .ok_or_else(|| "record cut short".to_string())?;
        self.pos += n;
        Ok(out)
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn record(&mut self) -> Result<Record, String> {
        let (owner, end) = Name::read_wire(self.bytes, self.pos)
            .map_err(|e| format!("bad owner name at body offset {}: {e}", self.pos))?;
        self.pos = end;
        let rtype = RType(self.u16()?);
        let class = Class(self.u16()?);
        let ttl = self.take(4)?;
        let ttl = u32::from_be_bytes([ttl[0], ttl[1], ttl[2], ttl[3]]);
        let len = usize::from(self.u16()?);
        let rdata = Rdata(self.take(len)?.into());
        Ok(Record {
            owner,
            ttl,
            class,
            rtype,
            rdata,
        })
    }

    fn records(&mut self, count: u32) -> Result<Vec<Record>, String> {
        // Each record takes at least MIN_RECORD_LEN octets, which bounds a bad count.
        let room = (self.bytes.len() - self.pos) / MIN_RECORD_LEN;
        let mut out = Vec::with_capacity(room.min(count as usize));
        for _ in 0..count {
            out.push(self.record()?);
        }
        Ok(out)
    }
}
