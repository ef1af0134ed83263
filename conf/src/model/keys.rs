//! TSIG and control-channel keys.

use base64::Engine as _;

/// A key's HMAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// `hmac-md5` (also `hmac-md5.sig-alg.reg.int`).
    HmacMd5,
    /// `hmac-sha1`.
    HmacSha1,
    /// `hmac-sha224`.
    HmacSha224,
    /// `hmac-sha256`.
    HmacSha256,
    /// `hmac-sha384`.
    HmacSha384,
    /// `hmac-sha512`.
    HmacSha512,
}

impl KeyAlgorithm {
    /// The algorithm's name as named.conf writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::HmacMd5 => "hmac-md5",
            Self::HmacSha1 => "hmac-sha1",
            Self::HmacSha224 => "hmac-sha224",
            Self::HmacSha256 => "hmac-sha256",
            Self::HmacSha384 => "hmac-sha384",
            Self::HmacSha512 => "hmac-sha512",
        }
    }

    /// The digest length in bits.
    pub fn bits(self) -> u16 {
        match self {
            Self::HmacMd5 => 128,
            Self::HmacSha1 => 160,
            Self::HmacSha224 => 224,
            Self::HmacSha256 => 256,
            Self::HmacSha384 => 384,
            Self::HmacSha512 => 512,
        }
    }
}

/// A key: name, algorithm, optional truncation and the decoded secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The name as written.
    pub name: String,
    /// The HMAC algorithm.
    pub algorithm: KeyAlgorithm,
    /// Truncated MAC length in bits (`hmac-sha256-128`), if any.
    pub digest_bits: Option<u16>,
    /// The secret, base64-decoded.
    pub secret: Vec<u8>,
}

/// Why an algorithm name is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlgorithmError {
    /// Not an HMAC algorithm BIND knows.
    Unknown,
    /// `-BITS` is not a number.
    BadBits,
    /// `-BITS` is larger than the digest.
    TooLarge(u16, u16),
    /// `-BITS` is not a multiple of 8.
    NotMultipleOf8,
}

/// Reads an algorithm name such as `hmac-sha256` or `hmac-sha256-128`, as BIND does.
pub fn parse_algorithm(text: &str) -> Result<(KeyAlgorithm, Option<u16>), AlgorithmError> {
    const TABLE: &[(&str, Option<KeyAlgorithm>)] = &[
        ("hmac-md5.sig-alg.reg.int.", None),
        ("hmac-md5.sig-alg.reg.int", None),
        ("hmac-md5", Some(KeyAlgorithm::HmacMd5)),
        ("hmac-sha1", Some(KeyAlgorithm::HmacSha1)),
        ("hmac-sha224", Some(KeyAlgorithm::HmacSha224)),
        ("hmac-sha256", Some(KeyAlgorithm::HmacSha256)),
        ("hmac-sha384", Some(KeyAlgorithm::HmacSha384)),
        ("hmac-sha512", Some(KeyAlgorithm::HmacSha512)),
    ];
    let lower = text.to_ascii_lowercase();
    for &(name, alg) in TABLE {
        let Some(rest) = lower.strip_prefix(name) else {
            continue;
        };
        let Some(alg) = alg else {
            if rest.is_empty() {
                return Ok((KeyAlgorithm::HmacMd5, None));
            }
            continue;
        };
        if rest.is_empty() {
            return Ok((alg, None));
        }
        let Some(bits) = rest.strip_prefix('-') else {
            continue;
        };
        let bits: u32 = bits.parse().map_err(|_| AlgorithmError::BadBits)?;
        let size = alg.bits();
        if bits > u32::from(size) {
            return Err(AlgorithmError::TooLarge(size / 2, size));
        }
        if bits % 8 != 0 {
            return Err(AlgorithmError::NotMultipleOf8);
        }
        return Ok((alg, u16::try_from(bits).ok()));
    }
    Err(AlgorithmError::Unknown)
}

/// Decodes a base64 secret, ignoring white space as BIND does.
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms() {
        assert_eq!(
            parse_algorithm("hmac-sha256"),
            Ok((KeyAlgorithm::HmacSha256, None))
        );
        assert_eq!(
            parse_algorithm("HMAC-MD5.SIG-ALG.REG.INT"),
            Ok((KeyAlgorithm::HmacMd5, None))
        );
        assert_eq!(
            parse_algorithm("hmac-sha256-128"),
            Ok((KeyAlgorithm::HmacSha256, Some(128)))
        );
        assert_eq!(
            parse_algorithm("hmac-sha256-512"),
            Err(AlgorithmError::TooLarge(128, 256))
        );
        assert_eq!(
            parse_algorithm("hmac-sha256-100"),
            Err(AlgorithmError::NotMultipleOf8)
        );
        assert_eq!(parse_algorithm("rsa"), Err(AlgorithmError::Unknown));
        assert_eq!(
            parse_algorithm("hmac-sha2566"),
            Err(AlgorithmError::Unknown)
        );
    }

    #[test]
    fn secrets() {
        assert_eq!(decode_secret("YWJj"), Some(b"abc".to_vec()));
        assert_eq!(decode_secret("YW Jj"), Some(b"abc".to_vec()));
        assert_eq!(decode_secret("!!"), None);
    }
}
