//! The HMAC algorithms of TSIG: their names on the wire and an incremental MAC context.

use conf::model::KeyAlgorithm;
use hmac::{Hmac, Mac as _};

/// The algorithm names as they appear in TSIG records (RFC 8945 §6), lower case, in
/// uncompressed wire form.
const WIRE_NAMES: &[(KeyAlgorithm, &[u8])] = &[
    (
        KeyAlgorithm::HmacMd5,
        b"\x08hmac-md5\x07sig-alg\x03reg\x03int\x00",
    ),
    (KeyAlgorithm::HmacSha1, b"\x09hmac-sha1\x00"),
    (KeyAlgorithm::HmacSha224, b"\x0bhmac-sha224\x00"),
    (KeyAlgorithm::HmacSha256, b"\x0bhmac-sha256\x00"),
    (KeyAlgorithm::HmacSha384, b"\x0bhmac-sha384\x00"),
    (KeyAlgorithm::HmacSha512, b"\x0bhmac-sha512\x00"),
];

/// The largest MAC any supported algorithm produces (HMAC-SHA-512), in bytes.
pub const MAX_MAC_LEN: usize = 64;

/// The algorithm's name in a TSIG record, in canonical (lower-case) wire form.
pub fn wire_name(alg: KeyAlgorithm) -> &'static [u8] {
    WIRE_NAMES
        .iter()
        .find(|(a, _)| *a == alg)
        .map_or(&[0][..], |(_, name)| name)
}

/// The algorithm a TSIG record names, compared without regard to case; `None` for an
/// algorithm this server does not implement (BIND answers BADKEY then: no key matches).
pub fn from_wire_name(name: &[u8]) -> Option<KeyAlgorithm> {
    WIRE_NAMES
        .iter()
        .find(|(_, wire)| wire.eq_ignore_ascii_case(name))
        .map(|(alg, _)| *alg)
}

/// The full MAC length of `alg`, in bytes.
pub fn full_len(alg: KeyAlgorithm) -> usize {
    usize::from(alg.bits() / 8)
}

/// A MAC as computed or as received: up to [`MAX_MAC_LEN`] bytes, kept inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Mac {
    bytes: [u8; MAX_MAC_LEN],
    len: u8,
}

impl Mac {
    /// The empty MAC (the MAC size 0 of an unsigned error response).
    pub const EMPTY: Self = Self {
        bytes: [0; MAX_MAC_LEN],
        len: 0,
    };

    /// A MAC from its bytes; `None` when longer than [`MAX_MAC_LEN`].
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut mac = Self::EMPTY;
        mac.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        // At most 64, checked just above.
        mac.len = bytes.len() as u8;
        Some(mac)
    }

    /// The MAC's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The first `len` bytes (the truncated MAC of RFC 8945 §5.2.2.1).
    pub(crate) fn truncated(&self, len: usize) -> Self {
        let mut mac = *self;
        mac.len = mac.len.min(u8::try_from(len).unwrap_or(u8::MAX));
        mac
    }

    /// Whether the leading bytes of `self` equal `received`, in time independent of where
    /// they differ; `false` when `received` is longer than `self`.
    pub(crate) fn starts_with_ct(&self, received: &[u8]) -> bool {
        let Some(ours) = self.as_bytes().get(..received.len()) else {
            return false;
        };
        ours.iter()
            .zip(received)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl std::fmt::Debug for Mac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for byte in self.as_bytes() {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// An HMAC computation in progress, for any of the supported algorithms.
#[derive(Clone)]
pub(crate) enum MacContext {
    /// HMAC-MD5.
    Md5(Hmac<md5::Md5>),
    /// HMAC-SHA-1.
    Sha1(Hmac<sha1::Sha1>),
    /// HMAC-SHA-224.
    Sha224(Hmac<sha2::Sha224>),
    /// HMAC-SHA-256.
    Sha256(Hmac<sha2::Sha256>),
    /// HMAC-SHA-384.
    Sha384(Hmac<sha2::Sha384>),
    /// HMAC-SHA-512.
    Sha512(Hmac<sha2::Sha512>),
}

impl MacContext {
    /// A fresh context keyed with `secret`; `None` if the HMAC implementation refuses the
    /// key (HMAC takes keys of any length, so it does not in practice).
    pub(crate) fn new(alg: KeyAlgorithm, secret: &[u8]) -> Option<Self> {
        Some(match alg {
            KeyAlgorithm::HmacMd5 => Self::Md5(Hmac::new_from_slice(secret).ok()?),
            KeyAlgorithm::HmacSha1 => Self::Sha1(Hmac::new_from_slice(secret).ok()?),
            KeyAlgorithm::HmacSha224 => Self::Sha224(Hmac::new_from_slice(secret).ok()?),
            KeyAlgorithm::HmacSha256 => Self::Sha256(Hmac::new_from_slice(secret).ok()?),
            KeyAlgorithm::HmacSha384 => Self::Sha384(Hmac::new_from_slice(secret).ok()?),
            KeyAlgorithm::HmacSha512 => Self::Sha512(Hmac::new_from_slice(secret).ok()?),
        })
    }

    /// Feeds `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Md5(m) => m.update(data),
            Self::Sha1(m) => m.update(data),
            Self::Sha224(m) => m.update(data),
            Self::Sha256(m) => m.update(data),
            Self::Sha384(m) => m.update(data),
            Self::Sha512(m) => m.update(data),
        }
    }

    /// The full MAC.
    pub(crate) fn finish(self) -> Mac {
        let out = match self {
            Self::Md5(m) => Mac::from_slice(&m.finalize().into_bytes()),
            Self::Sha1(m) => Mac::from_slice(&m.finalize().into_bytes()),
            Self::Sha224(m) => Mac::from_slice(&m.finalize().into_bytes()),
            Self::Sha256(m) => Mac::from_slice(&m.finalize().into_bytes()),
            Self::Sha384(m) => Mac::from_slice(&m.finalize().into_bytes()),
            Self::Sha512(m) => Mac::from_slice(&m.finalize().into_bytes()),
        };
        // Every digest here is at most 64 bytes.
        out.unwrap_or(Mac::EMPTY)
    }
}
