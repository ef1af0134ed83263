//! TSIG keys and the key ring a server looks them up in.

use std::collections::HashMap;
use std::sync::Arc;

use conf::model::{Key, KeyAlgorithm};
use zones::Name;

use super::algorithm::{MacContext, full_len};

/// Why a configured key cannot be used for TSIG.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key's name is not a valid domain name.
    #[error("key '{0}': not a valid domain name")]
    BadName(String),
    /// A truncation that is not a whole number of bytes or is longer than the digest.
    #[error("key '{name}': digest-bits {bits} out of range for {algorithm}")]
    BadDigestBits {
        /// The key's name.
        name: String,
        /// The algorithm's configured name.
        algorithm: &'static str,
        /// The configured truncation.
        bits: u16,
    },
    /// A truncation below max(80 bits, half the digest), which BIND's configuration check
    /// refuses ("digest-bits too small") and RFC 8945 §5.2.2.1 forbids sending.
    #[error("key '{name}': digest-bits {bits} too small (at least {min})")]
    DigestBitsTooSmall {
        /// The key's name.
        name: String,
        /// The configured truncation.
        bits: u16,
        /// The smallest allowed.
        min: u16,
    },
    /// The HMAC implementation refused the secret.
    #[error("key '{0}': the secret cannot key an HMAC")]
    BadSecret(String),
}

/// A TSIG key ready to sign and verify: name (lower case), algorithm, MAC length, and an
/// HMAC context already keyed with the secret.
#[derive(Clone)]
pub struct TsigKey {
    name: Name,
    algorithm: KeyAlgorithm,
    mac_len: usize,
    truncated: bool,
    keyed: MacContext,
}

impl TsigKey {
    /// A key named `name`, using `algorithm` with `secret`, truncating its MACs to
    /// `digest_bits` when given (`hmac-sha256-128`).
    pub fn new(
        name: &Name,
        algorithm: KeyAlgorithm,
        digest_bits: Option<u16>,
        secret: &[u8],
    ) -> Result<Self, KeyError> {
        let full = full_len(algorithm);
        let mac_len = match digest_bits {
            None => full,
            Some(bits) => {
                if bits % 8 != 0 || usize::from(bits / 8) > full {
                    return Err(KeyError::BadDigestBits {
                        name: name.to_string(),
                        algorithm: algorithm.name(),
                        bits,
                    });
                }
                let min = min_truncated_bits(algorithm);
                if bits < min {
                    return Err(KeyError::DigestBitsTooSmall {
                        name: name.to_string(),
                        bits,
                        min,
                    });
                }
                usize::from(bits / 8)
            }
        };
        let keyed = MacContext::new(algorithm, secret)
            .ok_or_else(|| KeyError::BadSecret(name.to_string()))?;
        Ok(Self {
            name: name.to_lowercase(),
            algorithm,
            mac_len,
            truncated: mac_len < full,
            keyed,
        })
    }

    /// The key of a `key` statement of named.conf.
    pub fn from_config(key: &Key) -> Result<Self, KeyError> {
        let name = Name::from_text(&key.name, Some(&Name::root()))
            .map_err(|_| KeyError::BadName(key.name.clone()))?;
        Self::new(&name, key.algorithm, key.digest_bits, &key.secret)
    }

    /// The key's name, lower case (its canonical form, RFC 8945 §4.3.3).
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The HMAC algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The length in bytes of the MACs this key makes: the digest, or its truncation.
    pub fn mac_len(&self) -> usize {
        self.mac_len
    }

    /// The shortest MAC accepted from a peer with this key (BIND's rule): the configured
    /// truncation when there is one, else the full digest. Shorter, yet within RFC 8945
    /// §5.2.2.1's bounds, is BADTRUNC.
    pub fn min_accepted_len(&self) -> usize {
        self.mac_len
    }

    /// Whether the key's MACs are truncated.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// A fresh HMAC context keyed with the secret.
    pub(crate) fn context(&self) -> MacContext {
        self.keyed.clone()
    }
}

impl std::fmt::Debug for TsigKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of logs.
        f.debug_struct("TsigKey")
            .field("name", &self.name)
            .field("algorithm", &self.algorithm.name())
            .field("mac_len", &self.mac_len)
            .finish_non_exhaustive()
    }
}

/// The smallest truncation BIND's configuration accepts, in bits: half the digest, and
/// never under 80 (live: `hmac-md5-72` and `hmac-sha1-72` refused, `hmac-md5-80` and
/// `hmac-sha256-128` accepted, `hmac-sha256-120` refused).
pub fn min_truncated_bits(algorithm: KeyAlgorithm) -> u16 {
    (algorithm.bits() / 2).max(80)
}

/// The keys a server knows, looked up by name (without regard to case) and algorithm.
#[derive(Clone, Debug, Default)]
pub struct KeyRing {
    keys: HashMap<(Name, KeyAlgorithm), Arc<TsigKey>>,
}

impl KeyRing {
    /// A ring of the keys of `keys`; when two have the same name and algorithm the first
    /// wins, as a view's keys come before the global ones.
    pub fn new(keys: &[Key]) -> Result<Self, KeyError> {
        let mut ring = Self::default();
        for key in keys {
            ring.insert(TsigKey::from_config(key)?);
        }
        Ok(ring)
    }

    /// Adds `key` unless a key of the same name and algorithm is there already; returns
    /// whether it was added.
    pub fn insert(&mut self, key: TsigKey) -> bool {
        let slot = (key.name.clone(), key.algorithm);
        if self.keys.contains_key(&slot) {
            return false;
        }
        self.keys.insert(slot, Arc::new(key));
        true
    }

    /// The key called `name` for `algorithm`.
    pub fn get(&self, name: &Name, algorithm: KeyAlgorithm) -> Option<&Arc<TsigKey>> {
        self.keys.get(&(name.clone(), algorithm))
    }

    /// Whether any key is called `name`, whatever its algorithm.
    pub fn has_name(&self, name: &Name) -> bool {
        self.keys.keys().any(|(n, _)| n == name)
    }

    /// How many keys the ring holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the ring is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
