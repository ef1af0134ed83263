//! TTLs in master files: plain seconds or unit sums such as `1h30m` and `1w2d`.

/// The largest TTL a zone may carry (RFC 2181 §8); larger values load as 0 with a warning.
pub const MAX_TTL: u32 = 0x7fff_ffff;

/// Why a TTL did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TtlError {
    /// Not a TTL at all.
    Syntax,
    /// A TTL whose value does not fit in 32 bits.
    Range,
}

/// Parses a TTL as BIND 9.18 does: either a plain decimal number, or a sequence of
/// `<number><unit>` with units `w`, `d`, `h`, `m`, `s` in any case and any order.
///
/// Returns `None` for anything else, including a value above 2³² − 1. Values above
/// [`MAX_TTL`] are returned as they are; the caller decides what to do with them.
pub fn parse_ttl(text: &str) -> Option<u32> {
    parse(text).ok()
}

/// [`parse_ttl`] telling a malformed TTL from one that is too large.
pub(crate) fn parse(text: &str) -> Result<u32, TtlError> {
    // BIND copies the token into a 64-byte buffer first; nothing longer is a TTL.
    if text.is_empty() || text.len() > 63 {
        return Err(TtlError::Syntax);
    }
    let bytes = text.as_bytes();
    let mut total: u64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut n: u64 = 0;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            n = n * 10 + u64::from(bytes[i] - b'0');
            if n > u64::from(u32::MAX) {
                return Err(TtlError::Syntax);
            }
            i += 1;
        }
        if i == start {
            return Err(TtlError::Syntax);
        }
        let unit = match bytes.get(i).map(u8::to_ascii_lowercase) {
            Some(b'w') => 7 * 24 * 3600,
            Some(b'd') => 24 * 3600,
            Some(b'h') => 3600,
            Some(b'm') => 60,
            Some(b's') => 1,
            // A bare number is allowed only on its own (BIND: "1h1" is not a TTL, but a
            // bare number after units that summed to zero replaces the sum).
            None if total == 0 => {
                total = n;
                break;
            }
            _ => return Err(TtlError::Syntax),
        };
        total += n * unit;
        i += 1;
    }
    u32::try_from(total).map_err(|_| TtlError::Range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_ttl("0"), Some(0));
        assert_eq!(parse_ttl("3600"), Some(3600));
        assert_eq!(parse_ttl("4294967295"), Some(u32::MAX));
        assert_eq!(parse_ttl("4294967296"), None);
        assert_eq!(parse_ttl(""), None);
        assert_eq!(parse_ttl("-1"), None);
        assert_eq!(parse_ttl("+1"), None);
    }

    #[test]
    fn units_in_any_case_and_order() {
        assert_eq!(parse_ttl("1h30m"), Some(5400));
        assert_eq!(parse_ttl("1H30M"), Some(5400));
        assert_eq!(parse_ttl("1w2d"), Some(7 * 86400 + 2 * 86400));
        assert_eq!(parse_ttl("1w2d3h4m5s"), Some(788_645));
        assert_eq!(parse_ttl("30m1h"), Some(5400));
        assert_eq!(parse_ttl("1s1s"), Some(2));
    }

    #[test]
    fn bind_quirks() {
        // Digits after units are an error ...
        assert_eq!(parse_ttl("1h1"), None);
        // ... unless the units so far summed to zero.
        assert_eq!(parse_ttl("0h5"), Some(5));
        assert_eq!(parse_ttl("h"), None);
        assert_eq!(parse_ttl("1x"), None);
        assert_eq!(parse_ttl("1 h"), None);
        assert_eq!(parse_ttl(&"0".repeat(64)), None);
    }

    #[test]
    fn range_versus_syntax() {
        assert_eq!(parse("7102w"), Err(TtlError::Range));
        assert_eq!(parse("99999999999"), Err(TtlError::Syntax));
        assert_eq!(parse("1q"), Err(TtlError::Syntax));
    }
}
