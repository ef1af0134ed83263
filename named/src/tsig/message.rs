//! Signing and verifying single messages: requests, their responses, error responses.

use std::sync::Arc;

use conf::model::KeyAlgorithm;
use zones::Name;

use super::algorithm::{self, Mac, full_len};
use super::error::{Malformed, Rejection, SignError, TsigRcode, VerifyError};
use super::key::{KeyRing, TsigKey};
use super::record::{self, Fields, Located};
use crate::wire::Rcode;
use crate::wire::header::{FLAG_QR, FLAG_RD, HEADER_LEN};
use crate::wire::name::NameBuf;

/// The fudge BIND 9.18 writes in the TSIG records it makes, in seconds.
pub const FUDGE: u16 = 300;

/// A request whose TSIG verified: what signing the response needs.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The key that signed the request.
    pub key: Arc<TsigKey>,
    /// The request's MAC as received (truncated if the request truncated it).
    pub request_mac: Mac,
    /// The length of the request without its TSIG record (ARCOUNT still counts it).
    pub unsigned_len: usize,
    /// The request's Time Signed.
    pub time_signed: u64,
    /// The request's Original ID.
    pub original_id: u16,
}

/// Signs the request `msg` with `key` at time `now` (seconds since the epoch): appends
/// the TSIG record (Original ID = the message's ID, fudge 300, error 0) and adds one to
/// ARCOUNT. Returns the MAC, which the response's verification needs.
pub fn sign_request(msg: &mut Vec<u8>, key: &TsigKey, now: u64) -> Result<Mac, SignError> {
    let id = message_id(msg)?;
    let fields = own_fields(key, now, id, TsigRcode::NOERROR, &[]);
    let mut ctx = key.context();
    ctx.update(msg);
    record::digest_variables(&mut ctx, &fields);
    let mac = ctx.finish().truncated(key.mac_len());
    record::append(msg, &fields, mac.as_bytes())?;
    Ok(mac)
}

/// Verifies the TSIG of the request `msg` against the keys of `ring` at time `now`.
///
/// `Ok(None)`: the request is not signed. `Err(Malformed)`: answer FORMERR.
/// `Err(Rejected)`: answer NOTAUTH with [`error_response`]. The checks are BIND 9.18's,
/// in its order: key (name and algorithm) → BADKEY; MAC length against RFC 8945
/// §5.2.2.1 → FORMERR; MAC → BADSIG; time against the record's fudge → BADTIME; MAC
/// length against the key's truncation → BADTRUNC.
pub fn verify_request(
    msg: &[u8],
    ring: &KeyRing,
    now: u64,
) -> Result<Option<Verified>, VerifyError> {
    let Some(tsig) = record::locate(msg)? else {
        return Ok(None);
    };
    let key_name = name_of(&tsig.key_name)?;
    let found = algorithm::from_wire_name(tsig.rdata.algorithm.as_bytes())
        .and_then(|alg| ring.get(&key_name, alg));
    let Some(key) = found else {
        return Err(rejected(&tsig, Rcode::NOTAUTH, TsigRcode::BADKEY, None)?);
    };
    // Live: an empty MAC got NOTAUTH/BADSIG, a MAC of 8, 15 or 33 bytes for hmac-sha256
    // FORMERR/BADSIG (both unsigned), whatever the time.
    if tsig.rdata.mac.is_empty() {
        return Err(rejected(&tsig, Rcode::NOTAUTH, TsigRcode::BADSIG, None)?);
    }
    if check_mac_len(key.algorithm(), tsig.rdata.mac).is_err() {
        return Err(rejected(&tsig, Rcode::FORMERR, TsigRcode::BADSIG, None)?);
    }
    let mut ctx = key.context();
    record::digest_message(&mut ctx, msg, tsig.start, tsig.rdata.original_id, true);
    record::digest_variables(&mut ctx, &received_fields(&tsig));
    if !ctx.finish().starts_with_ct(tsig.rdata.mac) {
        return Err(rejected(&tsig, Rcode::NOTAUTH, TsigRcode::BADSIG, None)?);
    }
    if !in_time(tsig.rdata.time_signed, tsig.rdata.fudge, now) {
        return Err(rejected(
            &tsig,
            Rcode::NOTAUTH,
            TsigRcode::BADTIME,
            Some(key),
        )?);
    }
    if tsig.rdata.mac.len() < key.min_accepted_len() {
        return Err(rejected(
            &tsig,
            Rcode::NOTAUTH,
            TsigRcode::BADTRUNC,
            Some(key),
        )?);
    }
    Ok(Some(Verified {
        key: Arc::clone(key),
        request_mac: mac_of(tsig.rdata.mac)?,
        unsigned_len: tsig.start,
        time_signed: tsig.rdata.time_signed,
        original_id: tsig.rdata.original_id,
    }))
}

/// Signs the response `msg` (without TSIG) to the verified request: the MAC covers the
/// request's MAC, the response and the TSIG variables (RFC 8945 §4.3.2). Returns the
/// response's MAC.
pub fn sign_response(msg: &mut Vec<u8>, verified: &Verified, now: u64) -> Result<Mac, SignError> {
    let id = message_id(msg)?;
    let key = &verified.key;
    let fields = own_fields(key, now, id, TsigRcode::NOERROR, &[]);
    let mut ctx = key.context();
    record::digest_prior(&mut ctx, verified.request_mac.as_bytes());
    ctx.update(msg);
    record::digest_variables(&mut ctx, &fields);
    let mac = ctx.finish().truncated(key.mac_len());
    record::append(msg, &fields, mac.as_bytes())?;
    Ok(mac)
}

/// Verifies the TSIG of the response `msg` to a request signed with `key` whose MAC was
/// `request_mac`, at time `now`; returns the response's MAC.
///
/// An unsigned response is an error, as is one signed with another key or algorithm. A
/// TSIG error from the peer (BADKEY and BADSIG come unsigned, BADTIME signed) is
/// [`VerifyError::PeerError`], once any MAC it carries has verified.
pub fn verify_response(
    msg: &[u8],
    key: &TsigKey,
    request_mac: &Mac,
    now: u64,
) -> Result<Mac, VerifyError> {
    let Some(tsig) = record::locate(msg)? else {
        return Err(VerifyError::Unsigned);
    };
    check_same_key(&tsig, key)?;
    if tsig.rdata.error != TsigRcode::NOERROR && tsig.rdata.mac.is_empty() {
        return Err(VerifyError::PeerError(tsig.rdata.error));
    }
    check_mac_len(key.algorithm(), tsig.rdata.mac)?;
    let mut ctx = key.context();
    record::digest_prior(&mut ctx, request_mac.as_bytes());
    record::digest_message(&mut ctx, msg, tsig.start, tsig.rdata.original_id, true);
    record::digest_variables(&mut ctx, &received_fields(&tsig));
    check_signed(&tsig, ctx.finish(), key, now)
}

/// The checks after the MAC is computed, shared with streams: MAC, peer error, time,
/// truncation. Returns the MAC as received.
pub(crate) fn check_signed(
    tsig: &Located<'_>,
    computed: Mac,
    key: &TsigKey,
    now: u64,
) -> Result<Mac, VerifyError> {
    if !computed.starts_with_ct(tsig.rdata.mac) {
        return Err(rejected(tsig, Rcode::NOTAUTH, TsigRcode::BADSIG, None)?);
    }
    if tsig.rdata.error != TsigRcode::NOERROR {
        return Err(VerifyError::PeerError(tsig.rdata.error));
    }
    if !in_time(tsig.rdata.time_signed, tsig.rdata.fudge, now) {
        return Err(rejected(tsig, Rcode::NOTAUTH, TsigRcode::BADTIME, None)?);
    }
    if tsig.rdata.mac.len() < key.min_accepted_len() {
        return Err(rejected(tsig, Rcode::NOTAUTH, TsigRcode::BADTRUNC, None)?);
    }
    Ok(mac_of(tsig.rdata.mac)?)
}

/// A response signed with another key or algorithm than the request is refused.
pub(crate) fn check_same_key(tsig: &Located<'_>, key: &TsigKey) -> Result<(), VerifyError> {
    let same_name = tsig
        .key_name
        .as_bytes()
        .eq_ignore_ascii_case(key.name().as_wire());
    let same_alg =
        algorithm::from_wire_name(tsig.rdata.algorithm.as_bytes()) == Some(key.algorithm());
    if same_name && same_alg {
        Ok(())
    } else {
        Err(VerifyError::WrongKey)
    }
}

/// RFC 8945 §5.2.2.1 rules 1 and 3: a MAC longer than the digest, or shorter than both
/// 10 bytes and half the digest, is FORMERR whatever the key's policy.
pub(crate) fn check_mac_len(alg: KeyAlgorithm, mac: &[u8]) -> Result<(), Malformed> {
    let full = full_len(alg);
    if mac.len() > full {
        return Err(Malformed::MacTooLong);
    }
    if mac.len() < 10 || mac.len() < full.div_ceil(2) {
        return Err(Malformed::MacTooShort);
    }
    Ok(())
}

/// Appends to the response `msg` (built by the caller with the rejection's rcode, without
/// TSIG) the TSIG record answering `rejection`, as BIND 9.18 does (live): for BADKEY and
/// BADSIG an unsigned record (MAC size 0) with Time Signed = `now`; for BADTIME a record
/// signed over the request MAC, with Time Signed copied from the request and `now` in
/// Other Data; for BADTRUNC a record signed over the request MAC with Time Signed = `now`.
/// Key and algorithm names are the request's; fudge 300; Original ID = the message's ID.
pub fn append_error_tsig(
    msg: &mut Vec<u8>,
    rejection: &Rejection,
    now: u64,
) -> Result<(), SignError> {
    let id = message_id(msg)?;
    let server_time = record_time(now);
    let (time_signed, other): (u64, &[u8]) = if rejection.error == TsigRcode::BADTIME {
        (rejection.time_signed, &server_time)
    } else {
        (now, &[])
    };
    let fields = Fields {
        key_name: rejection.key_name.as_wire(),
        algorithm: rejection.algorithm.as_wire(),
        time_signed,
        fudge: FUDGE,
        original_id: id,
        error: rejection.error,
        other,
    };
    let Some(key) = &rejection.key else {
        record::append(msg, &fields, &[])?;
        return Ok(());
    };
    let mut ctx = key.context();
    record::digest_prior(&mut ctx, rejection.mac.as_bytes());
    ctx.update(msg);
    record::digest_variables(&mut ctx, &fields);
    let mac = ctx.finish().truncated(key.mac_len());
    record::append(msg, &fields, mac.as_bytes())?;
    Ok(())
}

/// The whole error response BIND 9.18 sends for a rejected request: the request's ID,
/// QR set, the opcode and RD kept, the rejection's rcode (NOTAUTH, or FORMERR for a MAC of
/// a forbidden length), the question echoed, no answer or authority records, then in the
/// additional section `opt` (the caller's OPT record, whole; BIND sends one exactly when
/// the request had one) and the TSIG record of [`append_error_tsig`].
pub fn error_response(
    request: &[u8],
    rejection: &Rejection,
    opt: Option<&[u8]>,
    now: u64,
) -> Result<Vec<u8>, SignError> {
    let header = request.get(..HEADER_LEN).ok_or(Malformed::ShortHeader)?;
    let flags = u16::from_be_bytes([header[2], header[3]]);
    let qdcount = u16::from_be_bytes([header[4], header[5]]);
    let question_end = question_end(request, qdcount)?;
    let opt = opt.unwrap_or_default();
    let mut out = Vec::with_capacity(question_end + opt.len() + 64 + 2 * 255);
    out.extend_from_slice(&header[..2]);
    let flags = FLAG_QR | (flags & (OPCODE_MASK | FLAG_RD)) | rejection.rcode.low();
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&qdcount.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&u16::from(!opt.is_empty()).to_be_bytes());
    out.extend_from_slice(request.get(HEADER_LEN..question_end).unwrap_or_default());
    out.extend_from_slice(opt);
    append_error_tsig(&mut out, rejection, now)?;
    Ok(out)
}

/// The opcode bits of the flags word.
const OPCODE_MASK: u16 = 0x7800;

/// The end of the question section of `msg` with `qdcount` entries.
fn question_end(msg: &[u8], qdcount: u16) -> Result<usize, Malformed> {
    let mut pos = HEADER_LEN;
    let mut name = NameBuf::root();
    for _ in 0..qdcount {
        pos = name.read(msg, pos, true).map_err(|_| Malformed::BadName)? + 4;
        if pos > msg.len() {
            return Err(Malformed::Truncated);
        }
    }
    Ok(pos)
}

/// The fields of a record this server makes with `key`.
pub(crate) fn own_fields<'a>(
    key: &'a TsigKey,
    now: u64,
    original_id: u16,
    error: TsigRcode,
    other: &'a [u8],
) -> Fields<'a> {
    Fields {
        key_name: key.name().as_wire(),
        algorithm: algorithm::wire_name(key.algorithm()),
        time_signed: now,
        fudge: FUDGE,
        original_id,
        error,
        other,
    }
}

/// The fields of a received record, to digest it.
pub(crate) fn received_fields<'a>(tsig: &'a Located<'_>) -> Fields<'a> {
    Fields {
        key_name: tsig.key_name.as_bytes(),
        algorithm: tsig.rdata.algorithm.as_bytes(),
        time_signed: tsig.rdata.time_signed,
        fudge: tsig.rdata.fudge,
        original_id: tsig.rdata.original_id,
        error: tsig.rdata.error,
        other: tsig.rdata.other,
    }
}

/// Whether `now` is within `fudge` seconds of `time_signed` (RFC 8945 §5.2.3).
pub(crate) fn in_time(time_signed: u64, fudge: u16, now: u64) -> bool {
    now.abs_diff(time_signed) <= u64::from(fudge)
}

/// A time as the 48-bit field of Other Data in a BADTIME answer.
fn record_time(now: u64) -> [u8; 6] {
    let b = now.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

fn message_id(msg: &[u8]) -> Result<u16, Malformed> {
    match msg.get(..HEADER_LEN) {
        Some(h) => Ok(u16::from_be_bytes([h[0], h[1]])),
        None => Err(Malformed::ShortHeader),
    }
}

fn name_of(buf: &NameBuf) -> Result<Name, Malformed> {
    Name::from_wire(buf.as_bytes()).map_err(|_| Malformed::BadName)
}

fn mac_of(mac: &[u8]) -> Result<Mac, Malformed> {
    Mac::from_slice(mac).ok_or(Malformed::MacTooLong)
}

/// The rejection of `tsig` with `error`; `key` when the MAC verified.
fn rejected(
    tsig: &Located<'_>,
    rcode: Rcode,
    error: TsigRcode,
    key: Option<&Arc<TsigKey>>,
) -> Result<VerifyError, Malformed> {
    Ok(VerifyError::Rejected(Box::new(Rejection {
        rcode,
        error,
        key_name: name_of(&tsig.key_name)?,
        algorithm: name_of(&tsig.rdata.algorithm)?,
        time_signed: tsig.rdata.time_signed,
        fudge: tsig.rdata.fudge,
        original_id: tsig.rdata.original_id,
        // A BADKEY record may carry a MAC of any length for an unknown algorithm; it is
        // not needed then.
        mac: Mac::from_slice(tsig.rdata.mac).unwrap_or(Mac::EMPTY),
        key: key.cloned(),
    })))
}
