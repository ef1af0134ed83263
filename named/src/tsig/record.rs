//! Finding, reading and writing the TSIG record of a message (RFC 8945 §4.2).

use super::algorithm::MacContext;
use super::error::{Malformed, TsigRcode};
use crate::wire::header::HEADER_LEN;
use crate::wire::name::NameBuf;

/// The TSIG record type.
pub const TYPE_TSIG: u16 = 250;
/// The class of TSIG records, ANY.
pub const CLASS_ANY: u16 = 255;

/// The TSIG record of a message, located and read.
#[derive(Clone, Debug)]
pub(crate) struct Located<'m> {
    /// Where the record starts: the signed part of the message ends here.
    pub start: usize,
    /// The owner name (the key name), decompressed, case as sent.
    pub key_name: NameBuf,
    /// The RDATA fields.
    pub rdata: Rdata<'m>,
}

/// The fields of TSIG RDATA.
#[derive(Clone, Debug)]
pub(crate) struct Rdata<'m> {
    /// The algorithm name, uncompressed, case as sent.
    pub algorithm: NameBuf,
    /// Time Signed, seconds since the epoch (48 bits).
    pub time_signed: u64,
    /// Fudge, seconds.
    pub fudge: u16,
    /// The MAC.
    pub mac: &'m [u8],
    /// Original ID.
    pub original_id: u16,
    /// Error.
    pub error: TsigRcode,
    /// Other Data.
    pub other: &'m [u8],
}

fn u16_at(buf: &[u8], pos: usize) -> Result<u16, Malformed> {
    let bytes = buf
        .get(pos..pos.checked_add(2).ok_or(Malformed::Truncated)?)
        .ok_or(Malformed::Truncated)?;
    Ok(u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// The position after the possibly compressed name at `pos`, without following pointers.
fn skip_name(msg: &[u8], mut pos: usize) -> Result<usize, Malformed> {
    loop {
        let &byte = msg.get(pos).ok_or(Malformed::Truncated)?;
        match byte {
            0 => return Ok(pos + 1),
            1..=63 => pos += 1 + usize::from(byte),
            64..=191 => return Err(Malformed::BadName),
            _ => {
                if pos + 2 > msg.len() {
                    return Err(Malformed::Truncated);
                }
                return Ok(pos + 2);
            }
        }
    }
}

/// Finds the TSIG record of `msg`: `None` when there is none; an error when the message
/// cannot be walked, when a TSIG record is anywhere but last in the additional section,
/// or when bytes follow the last record.
pub(crate) fn locate(msg: &[u8]) -> Result<Option<Located<'_>>, Malformed> {
    if msg.len() < HEADER_LEN {
        return Err(Malformed::ShortHeader);
    }
    let qdcount = u16_at(msg, 4)?;
    let ancount = usize::from(u16_at(msg, 6)?);
    let nscount = usize::from(u16_at(msg, 8)?);
    let arcount = usize::from(u16_at(msg, 10)?);
    let mut pos = HEADER_LEN;
    for _ in 0..qdcount {
        pos = skip_name(msg, pos)? + 4;
        if pos > msg.len() {
            return Err(Malformed::Truncated);
        }
    }
    let total = ancount + nscount + arcount;
    let mut found = None;
    for index in 0..total {
        let start = pos;
        pos = skip_name(msg, pos)?;
        let rtype = u16_at(msg, pos)?;
        let rdlen = usize::from(u16_at(msg, pos + 8)?);
        let rdata_start = pos + 10;
        let end = rdata_start + rdlen;
        if end > msg.len() {
            return Err(Malformed::Truncated);
        }
        if rtype == TYPE_TSIG {
            // RFC 8945 §5.1: only as the last record, of the additional section.
            if index + 1 != total || arcount == 0 {
                return Err(Malformed::NotLast);
            }
            if u16_at(msg, pos + 2)? != CLASS_ANY {
                return Err(Malformed::BadClass);
            }
            let mut key_name = NameBuf::root();
            key_name
                .read(msg, start, true)
                .map_err(|_| Malformed::BadName)?;
            found = Some(Located {
                start,
                key_name,
                rdata: read_rdata(&msg[rdata_start..end])?,
            });
        }
        pos = end;
    }
    if pos != msg.len() {
        return Err(Malformed::TrailingData);
    }
    Ok(found)
}

/// Reads TSIG RDATA, whose fields must fill it exactly; the algorithm name may not be
/// compressed.
fn read_rdata(rdata: &[u8]) -> Result<Rdata<'_>, Malformed> {
    let mut algorithm = NameBuf::root();
    let pos = algorithm
        .read(rdata, 0, false)
        .map_err(|_| Malformed::BadRdata)?;
    let fixed = rdata.get(pos..pos + 10).ok_or(Malformed::BadRdata)?;
    let time_signed = fixed[..6]
        .iter()
        .fold(0u64, |acc, &b| acc << 8 | u64::from(b));
    let fudge = u16::from_be_bytes([fixed[6], fixed[7]]);
    let mac_len = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
    let mac_start = pos + 10;
    let mac = rdata
        .get(mac_start..mac_start + mac_len)
        .ok_or(Malformed::BadRdata)?;
    let pos = mac_start + mac_len;
    let tail = rdata.get(pos..pos + 6).ok_or(Malformed::BadRdata)?;
    let original_id = u16::from_be_bytes([tail[0], tail[1]]);
    let error = TsigRcode(u16::from_be_bytes([tail[2], tail[3]]));
    let other_len = usize::from(u16::from_be_bytes([tail[4], tail[5]]));
    let other = rdata.get(pos + 6..).ok_or(Malformed::BadRdata)?;
    if other.len() != other_len {
        return Err(Malformed::BadRdata);
    }
    Ok(Rdata {
        algorithm,
        time_signed,
        fudge,
        mac,
        original_id,
        error,
        other,
    })
}

/// The fields of a TSIG record to write or to digest.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'a> {
    /// The key name, uncompressed wire form.
    pub key_name: &'a [u8],
    /// The algorithm name, uncompressed wire form.
    pub algorithm: &'a [u8],
    /// Time Signed (the low 48 bits are used).
    pub time_signed: u64,
    /// Fudge.
    pub fudge: u16,
    /// Original ID.
    pub original_id: u16,
    /// Error.
    pub error: TsigRcode,
    /// Other Data.
    pub other: &'a [u8],
}

fn time48(time: u64) -> [u8; 6] {
    let b = time.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// Feeds the TSIG variables of RFC 8945 §4.3.3, names lower-cased (canonical form).
pub(crate) fn digest_variables(ctx: &mut MacContext, fields: &Fields<'_>) {
    digest_lower(ctx, fields.key_name);
    ctx.update(&CLASS_ANY.to_be_bytes());
    ctx.update(&0u32.to_be_bytes());
    digest_lower(ctx, fields.algorithm);
    digest_timers(ctx, fields.time_signed, fields.fudge);
    ctx.update(&fields.error.0.to_be_bytes());
    // Other Data is at most a few bytes; its length fits the u16 it had on the wire.
    ctx.update(&(fields.other.len() as u16).to_be_bytes());
    ctx.update(fields.other);
}

/// Feeds the timers only (RFC 8945 §5.3.1, the later messages of a stream).
pub(crate) fn digest_timers(ctx: &mut MacContext, time_signed: u64, fudge: u16) {
    ctx.update(&time48(time_signed));
    ctx.update(&fudge.to_be_bytes());
}

/// Feeds a prior MAC (request MAC, or previous message's MAC) with its length.
pub(crate) fn digest_prior(ctx: &mut MacContext, mac: &[u8]) {
    // A MAC is at most 64 bytes.
    ctx.update(&(mac.len() as u16).to_be_bytes());
    ctx.update(mac);
}

fn digest_lower(ctx: &mut MacContext, name: &[u8]) {
    let mut lower = [0u8; 255];
    let n = name.len().min(lower.len());
    for (dst, src) in lower.iter_mut().zip(&name[..n]) {
        *dst = src.to_ascii_lowercase();
    }
    ctx.update(&lower[..n]);
}

/// Feeds `msg[..end]`, the message as it was before its TSIG record was added: the
/// header with ID `original_id` and ARCOUNT one less when `had_tsig`.
pub(crate) fn digest_message(
    ctx: &mut MacContext,
    msg: &[u8],
    end: usize,
    original_id: u16,
    had_tsig: bool,
) {
    let Some(header) = msg.get(..HEADER_LEN) else {
        ctx.update(msg);
        return;
    };
    let mut h = [0u8; HEADER_LEN];
    h.copy_from_slice(header);
    h[0..2].copy_from_slice(&original_id.to_be_bytes());
    if had_tsig {
        let arcount = u16::from_be_bytes([h[10], h[11]]).saturating_sub(1);
        h[10..12].copy_from_slice(&arcount.to_be_bytes());
    }
    ctx.update(&h);
    ctx.update(msg.get(HEADER_LEN..end).unwrap_or_default());
}

/// Appends the TSIG record (owner, type, class, TTL 0, RDATA with `mac`) to `msg` and
/// adds one to ARCOUNT; fails, leaving `msg` as it was, when the message would exceed
/// 65535 bytes or ARCOUNT would overflow.
pub(crate) fn append(msg: &mut Vec<u8>, fields: &Fields<'_>, mac: &[u8]) -> Result<(), Malformed> {
    if msg.len() < HEADER_LEN {
        return Err(Malformed::ShortHeader);
    }
    let arcount = u16::from_be_bytes([msg[10], msg[11]])
        .checked_add(1)
        .ok_or(Malformed::TooBig)?;
    let rdlen = fields.algorithm.len() + 16 + mac.len() + fields.other.len();
    let record = fields.key_name.len() + 10 + rdlen;
    let rdlen = u16::try_from(rdlen).map_err(|_| Malformed::TooBig)?;
    if msg.len() + record > crate::wire::MAX_MESSAGE {
        return Err(Malformed::TooBig);
    }
    msg.reserve(record);
    msg.extend_from_slice(fields.key_name);
    msg.extend_from_slice(&TYPE_TSIG.to_be_bytes());
    msg.extend_from_slice(&CLASS_ANY.to_be_bytes());
    msg.extend_from_slice(&0u32.to_be_bytes());
    msg.extend_from_slice(&rdlen.to_be_bytes());
    msg.extend_from_slice(fields.algorithm);
    msg.extend_from_slice(&time48(fields.time_signed));
    msg.extend_from_slice(&fields.fudge.to_be_bytes());
    // At most 64 bytes.
    msg.extend_from_slice(&(mac.len() as u16).to_be_bytes());
    msg.extend_from_slice(mac);
    msg.extend_from_slice(&fields.original_id.to_be_bytes());
    msg.extend_from_slice(&fields.error.0.to_be_bytes());
    msg.extend_from_slice(&(fields.other.len() as u16).to_be_bytes());
    msg.extend_from_slice(fields.other);
    msg[10..12].copy_from_slice(&arcount.to_be_bytes());
    Ok(())
}

/// The TSIG record of a message, read out (see [`read`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsigRecord {
    /// The offset of the record in the message: the signed part ends here.
    pub start: usize,
    /// The key name, case as sent.
    pub key_name: zones::Name,
    /// The algorithm name, case as sent.
    pub algorithm: zones::Name,
    /// Time Signed.
    pub time_signed: u64,
    /// Fudge.
    pub fudge: u16,
    /// The MAC (empty in unsigned error responses).
    pub mac: Vec<u8>,
    /// Original ID.
    pub original_id: u16,
    /// Error.
    pub error: TsigRcode,
    /// Other Data (the server's time in a BADTIME response).
    pub other: Vec<u8>,
}

/// Reads the TSIG record of `msg` without verifying anything: `None` when the message
/// has none, an error when it is malformed or misplaced.
pub fn read(msg: &[u8]) -> Result<Option<TsigRecord>, Malformed> {
    let Some(tsig) = locate(msg)? else {
        return Ok(None);
    };
    let name =
        |buf: &NameBuf| zones::Name::from_wire(buf.as_bytes()).map_err(|_| Malformed::BadName);
    Ok(Some(TsigRecord {
        start: tsig.start,
        key_name: name(&tsig.key_name)?,
        algorithm: name(&tsig.rdata.algorithm)?,
        time_signed: tsig.rdata.time_signed,
        fudge: tsig.rdata.fudge,
        mac: tsig.rdata.mac.to_vec(),
        original_id: tsig.rdata.original_id,
        error: tsig.rdata.error,
        other: tsig.rdata.other.to_vec(),
    }))
}
