//! Requests and responses: the `_ctrl` and `_data` sections, signed and framed.
//!
//! A request carries `_ctrl { _ser, _tim, _exp[, _nonce] }` and `_data { type }`, where
//! `type` is the whole command line. A response echoes `_ser` and `type` and adds `_rpl`,
//! `_nonce`, and `_data { result[, err][, text] }`. Numbers are decimal text.

use thiserror::Error;

use crate::auth::{AuthError, ControlKey, auth_section};
use crate::result::ResultCode;
use crate::wire::{self, Table, Value, WireError, encode_entry, lenient_u32};

/// How long a message is valid after it was sent (`_exp = _tim + 60`), as BIND writes it.
pub const VALIDITY: u64 = 60;

//------------ MessageError ----------------------------------------------------

/// Why a message cannot be read or written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MessageError {
    /// The bytes are not a well-formed message.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The signature is missing or wrong.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A required section or field is absent.
    #[error("missing {0}")]
    Missing(&'static str),
}

//------------ Request ---------------------------------------------------------

/// A command sent to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The serial (`_ser`): the client picks a random start and increments it per message.
    pub ser: u32,
    /// The sender's clock (`_tim`), Unix seconds.
    pub time: u64,
    /// When the request expires (`_exp`).
    pub expires: Option<u64>,
    /// The connection's nonce (`_nonce`), absent in the first message.
    pub nonce: Option<u32>,
    /// The command line (`type`).
    pub command: String,
}

impl Request {
    /// A request sent at `now`, valid for [`VALIDITY`] seconds.
    pub fn new(ser: u32, now: u64, nonce: Option<u32>, command: &str) -> Self {
        Self {
            ser,
            time: now,
            expires: Some(now + VALIDITY),
            nonce,
            command: command.to_owned(),
        }
    }

    /// The signed frame, length prefix included.
    pub fn encode(&self, key: &ControlKey) -> Result<Vec<u8>, MessageError> {
        let mut ctrl = Table::new()
            .with("_ser", Value::number(self.ser.into()))
            .with("_tim", Value::number(self.time));
        if let Some(exp) = self.expires {
            ctrl.insert("_exp", Value::number(exp));
        }
        if let Some(nonce) = self.nonce {
            ctrl.insert("_nonce", Value::number(nonce.into()));
        }
        let data = Table::new().with("type", Value::text(&self.command));
        sign_frame(key, ctrl, data)
    }
}

//------------ Response --------------------------------------------------------

/// The server's answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The request's serial, echoed.
    pub ser: u32,
    /// The server's clock.
    pub time: u64,
    /// When the response expires.
    pub expires: Option<u64>,
    /// The connection's nonce; 0 or absent means none.
    pub nonce: Option<u32>,
    /// The request's command line, echoed.
    pub command: String,
    /// The result code; `None` when the server sent none.
    pub result: Option<ResultCode>,
    /// The error text, present exactly when the command failed.
    pub err: Option<String>,
    /// The command's output.
    pub text: Option<String>,
}

impl Response {
    /// Reads and verifies a message (the bytes after the length prefix) with `key`.
    pub fn decode(message: &[u8], key: &ControlKey) -> Result<Self, MessageError> {
        let top = verify(message, std::slice::from_ref(key))?.0;
        let ctrl = top.table("_ctrl").ok_or(MessageError::Missing("_ctrl"))?;
        let data = top.table("_data").ok_or(MessageError::Missing("_data"))?;
        Ok(Self {
            ser: ctrl.binary("_ser").map(lenient_u32).unwrap_or(0),
            time: ctrl.binary("_tim").map(lenient_u32).unwrap_or(0).into(),
            expires: ctrl.binary("_exp").map(|b| lenient_u32(b).into()),
            nonce: ctrl.binary("_nonce").map(lenient_u32),
            command: data.binary("type").map(lossy).unwrap_or_default(),
            result: data.binary("result").map(|b| ResultCode(lenient_u32(b))),
            err: data.binary("err").map(lossy),
            text: data.binary("text").map(lossy),
        })
    }
}

/// Text as BIND uses it: up to the first NUL, invalid UTF-8 replaced.
fn lossy(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

//------------ Signing and verifying -------------------------------------------

/// A framed message `_auth`, `_ctrl`, `_data`, signed with `key`.
pub fn sign_frame(key: &ControlKey, ctrl: Table, data: Table) -> Result<Vec<u8>, MessageError> {
    let mut signed = Vec::new();
    encode_entry(b"_ctrl", &Value::Table(ctrl), &mut signed)?;
    encode_entry(b"_data", &Value::Table(data), &mut signed)?;
    let mut body = Vec::with_capacity(signed.len() + 110);
    encode_entry(b"_auth", &Value::Table(key.sign(&signed)), &mut body)?;
    body.extend_from_slice(&signed);
    Ok(wire::frame(&body)?)
}

/// Decodes a message and finds the first of `keys` whose signature verifies; returns the
/// top-level table and that key's index.
pub fn verify(message: &[u8], keys: &[ControlKey]) -> Result<(Table, usize), MessageError> {
    let decoded = wire::decode_message(message)?;
    let auth = auth_section(&decoded.table)?;
    let index = keys
        .iter()
        .position(|k| k.verify(auth, decoded.signed).is_ok())
        .ok_or(AuthError::BadSignature)?;
    Ok((decoded.table, index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use conf::model::KeyAlgorithm;

    fn key(alg: KeyAlgorithm) -> ControlKey {
        ControlKey::new("k", alg, b"0123456789abcdef")
    }

    #[test]
    fn requests_round_trip_under_every_algorithm() {
        for alg in [
            KeyAlgorithm::HmacMd5,
            KeyAlgorithm::HmacSha1,
            KeyAlgorithm::HmacSha224,
            KeyAlgorithm::HmacSha256,
            KeyAlgorithm::HmacSha384,
            KeyAlgorithm::HmacSha512,
        ] {
            let k = key(alg);
            let frame = Request::new(7, 1_795_317_840, Some(99), "zonestatus example.com")
                .encode(&k)
                .expect("encodes");
            // The signed region starts at frame offset 51 (md5) or 118 (sha), as rndc sends it.
            let expected_auth = if alg == KeyAlgorithm::HmacMd5 {
                43
            } else {
                110
            };
            // The listener tries its keys in order; a decoy with another secret is skipped.
            let decoy = ControlKey::new("d", alg, b"another secret");
            let (top, index) = verify(&frame[4..], &[decoy, k.clone()]).expect("verifies");
            assert_eq!(index, 1);
            let mut auth = Vec::new();
            encode_entry(b"_auth", top.get("_auth").expect("auth"), &mut auth).expect("enc");
            assert_eq!(auth.len(), expected_auth, "{alg:?}");
            let ctrl = top.table("_ctrl").expect("ctrl");
            assert_eq!(ctrl.binary("_ser"), Some(&b"7"[..]));
            assert_eq!(ctrl.binary("_exp"), Some(&b"1795317900"[..]));
            assert_eq!(ctrl.binary("_nonce"), Some(&b"99"[..]));
            let data = top.table("_data").expect("data");
            assert_eq!(data.binary("type"), Some(&b"zonestatus example.com"[..]));
        }
    }

    #[test]
    fn tampering_is_detected() {
        let k = key(KeyAlgorithm::HmacSha256);
        let mut frame = Request::new(7, 100, None, "status")
            .encode(&k)
            .expect("encodes");
        let last = frame.len() - 1;
        frame[last] ^= 0x20;
        assert_eq!(
            verify(&frame[4..], &[k]),
            Err(MessageError::Auth(AuthError::BadSignature))
        );
    }

    #[test]
    fn auth_must_come_first() {
        let k = key(KeyAlgorithm::HmacSha256);
        let frame = Request::new(7, 100, None, "status")
            .encode(&k)
            .expect("encodes");
        let top = wire::decode_message(&frame[4..]).expect("decodes").table;
        let mut reordered = Vec::new();
        for name in ["_ctrl", "_auth", "_data"] {
            encode_entry(
                name.as_bytes(),
                top.get(name).expect("entry"),
                &mut reordered,
            )
            .expect("enc");
        }
        let reframed = wire::frame(&reordered).expect("frame");
        assert_eq!(
            verify(&reframed[4..], &[k]),
            Err(MessageError::Auth(AuthError::Missing))
        );
    }

    #[test]
    fn responses_are_read() {
        let k = key(KeyAlgorithm::HmacMd5);
        let ctrl = Table::new()
            .with("_ser", Value::number(8))
            .with("_tim", Value::number(100))
            .with("_exp", Value::number(160))
            .with("_rpl", Value::text("1"))
            .with("_nonce", Value::number(1234));
        let data = Table::new()
            .with("type", Value::text("zonestatus nope"))
            .with("result", Value::number(23))
            .with("err", Value::text("not found"))
            .with("text", Value::text("no matching zone 'nope' in any view"));
        let frame = sign_frame(&k, ctrl, data).expect("signs");
        let r = Response::decode(&frame[4..], &k).expect("reads");
        assert_eq!(r.ser, 8);
        assert_eq!(r.nonce, Some(1234));
        assert_eq!(r.result, Some(ResultCode::NOT_FOUND));
        assert_eq!(r.err.as_deref(), Some("not found"));
        assert_eq!(
            r.text.as_deref(),
            Some("no matching zone 'nope' in any view")
        );
        let other = ControlKey::new("k", KeyAlgorithm::HmacMd5, b"another secret");
        assert!(Response::decode(&frame[4..], &other).is_err());
    }
}
