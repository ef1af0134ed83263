//! The `_auth` section: HMAC signatures over a message, as BIND writes and checks them.
//!
//! The signature covers the body after the `_auth` entry, which is always first. hmac-md5
//! keys sign in field `hmd5` (the base64 digest without its padding, 22 bytes); the SHA
//! family signs in `hsha`: an algorithm byte, then the padded base64 digest left-justified
//! in 88 bytes of NULs. The receiver compares the whole field, padding included.

use base64::Engine as _;
use conf::model::{Key, KeyAlgorithm};
use hmac::{Hmac, Mac};
use thiserror::Error;

use crate::wire::{Table, Value};

/// The length of an `hmd5` field.
const MD5_FIELD: usize = 22;

/// The length of the base64 part of an `hsha` field.
const SHA_FIELD: usize = 88;

//------------ AuthError -------------------------------------------------------

/// Why a key cannot sign, or a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The key's algorithm has a truncated digest (`hmac-sha256-128`), which the control
    /// channel does not accept.
    #[error("key '{0}': truncated algorithms cannot be used on the control channel")]
    Truncated(String),
    /// The message has no `_auth` table as its first entry.
    #[error("no _auth section")]
    Missing,
    /// The signature field is absent, has the wrong length or algorithm, or does not match.
    #[error("bad auth")]
    BadSignature,
}

//------------ ControlKey ------------------------------------------------------

/// A key usable on the control channel: a name, an HMAC algorithm and the decoded secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ControlKey {
    /// The key's name.
    pub name: String,
    /// Its algorithm.
    pub algorithm: KeyAlgorithm,
    /// The secret, base64-decoded.
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for ControlKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of logs.
        f.debug_struct("ControlKey")
            .field("name", &self.name)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl TryFrom<&Key> for ControlKey {
    type Error = AuthError;

    fn try_from(key: &Key) -> Result<Self, AuthError> {
        if key.digest_bits.is_some() {
            return Err(AuthError::Truncated(key.name.clone()));
        }
        Ok(Self {
            name: key.name.clone(),
            algorithm: key.algorithm,
            secret: key.secret.clone(),
        })
    }
}

impl ControlKey {
    /// A key from its parts.
    pub fn new(name: &str, algorithm: KeyAlgorithm, secret: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            algorithm,
            secret: secret.to_vec(),
        }
    }

    /// The `_auth` table signing `signed`.
    pub fn sign(&self, signed: &[u8]) -> Table {
        let b64 = base64::engine::general_purpose::STANDARD.encode(self.mac(signed));
        match algorithm_byte(self.algorithm) {
            None => {
                let mut field = b64.into_bytes();
                field.truncate(MD5_FIELD);
                Table::new().with("hmd5", Value::Binary(field))
            }
            Some(byte) => Table::new().with("hsha", Value::Binary(sha_field(byte, &b64))),
        }
    }

    /// Checks the `_auth` table of a message against the bytes it signs.
    pub fn verify(&self, auth: &Table, signed: &[u8]) -> Result<(), AuthError> {
        let expected = self.sign(signed);
        let field = if algorithm_byte(self.algorithm).is_none() {
            "hmd5"
        } else {
            "hsha"
        };
        let got = auth.binary(field).ok_or(AuthError::BadSignature)?;
        let want = expected.binary(field).ok_or(AuthError::BadSignature)?;
        if got.len() == want.len() && constant_time_eq(got, want) {
            Ok(())
        } else {
            Err(AuthError::BadSignature)
        }
    }

    /// HMAC of `data` under this key.
    pub fn mac(&self, data: &[u8]) -> Vec<u8> {
        macro_rules! hmac {
            ($digest:ty) => {{
                // HMAC takes keys of any length (longer ones are hashed), so this never fails.
                match <Hmac<$digest> as Mac>::new_from_slice(&self.secret) {
                    Ok(mut m) => {
                        m.update(data);
                        m.finalize().into_bytes().to_vec()
                    }
                    Err(_) => Vec::new(),
                }
            }};
        }
        match self.algorithm {
            KeyAlgorithm::HmacMd5 => hmac!(md5::Md5),
            KeyAlgorithm::HmacSha1 => hmac!(sha1::Sha1),
            KeyAlgorithm::HmacSha224 => hmac!(sha2::Sha224),
            KeyAlgorithm::HmacSha256 => hmac!(sha2::Sha256),
            KeyAlgorithm::HmacSha384 => hmac!(sha2::Sha384),
            KeyAlgorithm::HmacSha512 => hmac!(sha2::Sha512),
        }
    }
}

/// BIND's algorithm number in an `hsha` field; `None` for md5, which has its own field.
fn algorithm_byte(algorithm: KeyAlgorithm) -> Option<u8> {
    match algorithm {
        KeyAlgorithm::HmacMd5 => None,
        KeyAlgorithm::HmacSha1 => Some(161),
        KeyAlgorithm::HmacSha224 => Some(162),
        KeyAlgorithm::HmacSha256 => Some(163),
        KeyAlgorithm::HmacSha384 => Some(164),
        KeyAlgorithm::HmacSha512 => Some(165),
    }
}

fn sha_field(byte: u8, b64: &str) -> Vec<u8> {
    let mut field = vec![0u8; 1 + SHA_FIELD];
    field[0] = byte;
    let text = b64.as_bytes();
    let n = text.len().min(SHA_FIELD);
    field[1..1 + n].copy_from_slice(&text[..n]);
    field
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `_auth` table of a decoded message: it must be the first entry, and a table.
pub fn auth_section(top: &Table) -> Result<&Table, AuthError> {
    if top.first_key() != Some(b"_auth".as_slice()) {
        return Err(AuthError::Missing);
    }
    top.table("_auth").ok_or(AuthError::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .expect("base64")
    }

    /// The signed region of the hmac-md5 `null` request in the protocol description.
    fn md5_signed() -> Vec<u8> {
        let mut s = Vec::new();
        s.extend(b"\x05_ctrl\x02\x00\x00\x00\x3c");
        s.extend(b"\x04_ser\x01\x00\x00\x00\x0a1277362256");
        s.extend(b"\x04_tim\x01\x00\x00\x00\x0a1795317840");
        s.extend(b"\x04_exp\x01\x00\x00\x00\x0a1795317900");
        s.extend(b"\x05_data\x02\x00\x00\x00\x0e");
        s.extend(b"\x04type\x01\x00\x00\x00\x04null");
        s
    }

    #[test]
    fn md5_signature_matches_rndc() {
        let key = ControlKey::new(
            "kmd5",
            KeyAlgorithm::HmacMd5,
            &b64("MFSOV4BFnSslt6AqeculNg=="),
        );
        let signed = md5_signed();
        assert_eq!(signed.len(), 96);
        let auth = key.sign(&signed);
        assert_eq!(auth.binary("hmd5"), Some(&b"2/ovEiLMjM8tdQHTxFWU+g"[..]));
        assert_eq!(key.verify(&auth, &signed), Ok(()));
        let mut other = signed.clone();
        other[20] ^= 1;
        assert_eq!(key.verify(&auth, &other), Err(AuthError::BadSignature));
    }

    #[test]
    fn sha_fields_have_the_algorithm_byte_and_padding() {
        for (alg, byte, len) in [
            (KeyAlgorithm::HmacSha1, 0xa1, 28),
            (KeyAlgorithm::HmacSha224, 0xa2, 40),
            (KeyAlgorithm::HmacSha256, 0xa3, 44),
            (KeyAlgorithm::HmacSha384, 0xa4, 64),
            (KeyAlgorithm::HmacSha512, 0xa5, 88),
        ] {
            let key = ControlKey::new("k", alg, b"secret");
            let auth = key.sign(b"data");
            let field = auth.binary("hsha").expect("hsha");
            assert_eq!(field.len(), 89);
            assert_eq!(field[0], byte);
            assert!(field[1..1 + len].iter().all(|&c| c != 0));
            assert!(field[1 + len..].iter().all(|&c| c == 0));
            assert_eq!(key.verify(&auth, b"data"), Ok(()));
            // The same secret under another algorithm does not verify.
            let md5 = ControlKey::new("k", KeyAlgorithm::HmacMd5, b"secret");
            assert_eq!(md5.verify(&auth, b"data"), Err(AuthError::BadSignature));
        }
        let a = ControlKey::new("k", KeyAlgorithm::HmacSha256, b"secret").sign(b"data");
        let b = ControlKey::new("k", KeyAlgorithm::HmacSha512, b"secret");
        assert_eq!(b.verify(&a, b"data"), Err(AuthError::BadSignature));
    }

    #[test]
    fn truncated_fields_do_not_verify() {
        let key = ControlKey::new("k", KeyAlgorithm::HmacSha256, b"secret");
        let auth = key.sign(b"data");
        let field = auth.binary("hsha").expect("hsha");
        let short = Table::new().with("hsha", Value::Binary(field[..45].to_vec()));
        assert_eq!(key.verify(&short, b"data"), Err(AuthError::BadSignature));
        assert_eq!(
            key.verify(&Table::new(), b"data"),
            Err(AuthError::BadSignature)
        );
    }

    #[test]
    fn truncated_algorithms_are_refused() {
        let key = Key {
            name: "t".into(),
            algorithm: KeyAlgorithm::HmacSha256,
            digest_bits: Some(128),
            secret: vec![1, 2, 3],
        };
        assert!(matches!(
            ControlKey::try_from(&key),
            Err(AuthError::Truncated(_))
        ));
    }
}
