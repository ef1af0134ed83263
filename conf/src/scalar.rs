//! The text forms of single values: numbers, durations, sizes, addresses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::ast::Duration;
use crate::grammar::{A_V4, A_V4PREFIX, A_V6, A_WILD};

/// What a word is as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Number {
    /// A number that fits in 32 bits.
    Value(u32),
    /// Not a number: a word.
    Word,
    /// A number too big for 32 bits.
    Range,
}

/// Reads a number the way BIND's lexer does: decimal digits, and with `cnumber` also C's
/// `0x` hexadecimal (decimal digits only after the prefix) and leading-zero octal.
pub(crate) fn parse_number(text: &str, cnumber: bool) -> Number {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_digit() {
        return Number::Word;
    }
    let hex = cnumber && bytes.len() >= 2 && bytes[0] == b'0' && matches!(bytes[1], b'x' | b'X');
    let digits = if hex { &bytes[2..] } else { bytes };
    if !digits.iter().all(u8::is_ascii_digit) {
        return Number::Word;
    }
    let (digits, radix) = if hex {
        if digits.is_empty() {
            return Number::Word;
        }
        (digits, 16)
    } else if cnumber && digits.len() > 1 && digits[0] == b'0' {
        if digits.iter().any(|&d| d == b'8' || d == b'9') {
            return Number::Word;
        }
        (&digits[1..], 8)
    } else {
        (digits, 10)
    };
    let mut value: u64 = 0;
    for &d in digits {
        value = value
            .saturating_mul(radix)
            .saturating_add(u64::from(d - b'0'));
    }
    match u32::try_from(value) {
        Ok(v) => Number::Value(v),
        Err(_) => Number::Range,
    }
}

/// Why a duration did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DurationError {
    /// Not a duration.
    Bad,
    /// Too long for 32 bits of seconds.
    Range,
}

/// Reads an ISO 8601 duration (`P1DT2H`, `P2W`) or a TTL (`3600`, `1h30m`, `1w`).
pub(crate) fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    if let Some(d) = parse_iso8601(text) {
        return Ok(d);
    }
    let seconds = parse_ttl(text)?;
    let mut d = Duration::default();
    d.parts[6] = seconds;
    Ok(d)
}

/// The leading decimal number of `s` as `strtoll` reads it, and the rest.
fn leading_number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let value: u64 = s[..end].parse().ok()?;
    Some((u32::try_from(value).ok()?, &s[end..]))
}

fn parse_iso8601(text: &str) -> Option<Duration> {
    let upper = text.to_ascii_uppercase();
    let rest = upper.strip_prefix('P')?;
    if upper.len() > 63 {
        return None;
    }
    let mut d = Duration {
        iso8601: true,
        ..Duration::default()
    };
    let (date, time) = match rest.find('T') {
        Some(t) => (&rest[..t], Some(&rest[t + 1..])),
        None => (rest, None),
    };
    let mut s = date;
    if s.contains('W') {
        if time.is_some() {
            return None;
        }
        let (n, tail) = leading_number(s)?;
        if tail != "W" {
            return None;
        }
        d.parts[2] = n;
        return Some(d);
    }
    for (unit, index) in [('Y', 0), ('M', 1), ('D', 3)] {
        if let Some(pos) = s.find(unit) {
            let (n, tail) = leading_number(&s[..=pos])?;
            if tail.len() != 1 {
                return None;
            }
            d.parts[index] = n;
            s = &s[pos + 1..];
        }
    }
    if !s.is_empty() {
        return None;
    }
    if let Some(mut t) = time {
        for (unit, index) in [('H', 4), ('M', 5), ('S', 6)] {
            if let Some(pos) = t.find(unit) {
                let (n, tail) = leading_number(&t[..=pos])?;
                if tail.len() != 1 {
                    return None;
                }
                d.parts[index] = n;
                t = &t[pos + 1..];
            }
        }
        if !t.is_empty() {
            return None;
        }
    }
    Some(d)
}

/// A TTL as in zone files: a number of seconds, or numbers with `w d h m s` units.
pub(crate) fn parse_ttl(text: &str) -> Result<u32, DurationError> {
    if text.is_empty() || text.len() > 63 {
        return Err(DurationError::Bad);
    }
    let mut total: u64 = 0;
    let mut s = text;
    let mut first = true;
    while !s.is_empty() || first {
        first = false;
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if end == 0 {
            return Err(DurationError::Bad);
        }
        let n: u64 = s[..end].parse().map_err(|_| DurationError::Bad)?;
        if n > u64::from(u32::MAX) {
            return Err(DurationError::Bad);
        }
        let rest = &s[end..];
        let mut chars = rest.chars();
        match chars.next().map(|c| c.to_ascii_lowercase()) {
            None => {
                if total != 0 {
                    return Err(DurationError::Bad);
                }
                total = n;
                s = "";
            }
            Some(unit) => {
                let scale = match unit {
                    'w' => 7 * 24 * 3600,
                    'd' => 24 * 3600,
                    'h' => 3600,
                    'm' => 60,
                    's' => 1,
                    _ => return Err(DurationError::Bad),
                };
                total += n * scale;
                s = chars.as_str();
            }
        }
    }
    u32::try_from(total).map_err(|_| DurationError::Range)
}

/// A size: a number with an optional `k`, `m` or `g` unit (powers of 1024).
pub(crate) fn parse_size(text: &str) -> Option<u64> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let value: u64 = if end == 0 {
        0
    } else {
        text[..end].parse().unwrap_or(u64::MAX)
    };
    let rest = &text[end..];
    if rest.is_empty() {
        return (end > 0).then_some(value);
    }
    if text.len() < 2 || rest.len() != 1 {
        return None;
    }
    let unit: u64 = match rest.as_bytes()[0] {
        b'k' | b'K' => 1024,
        b'm' | b'M' => 1024 * 1024,
        b'g' | b'G' => 1024 * 1024 * 1024,
        _ => return None,
    };
    if value > u64::MAX / unit {
        return None;
    }
    Some(value * unit)
}

/// A percentage: `N%`.
pub(crate) fn parse_percent(text: &str) -> Option<u32> {
    let digits = text.strip_suffix('%')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u64 = if digits.is_empty() {
        0
    } else {
        digits.parse().unwrap_or(u64::MAX)
    };
    // BIND keeps the low 32 bits.
    Some((value & 0xffff_ffff) as u32)
}

/// A fixed-point number with at most five integer digits and two decimals, in hundredths.
pub(crate) fn parse_fixedpoint(text: &str) -> Option<u32> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let frac = frac.unwrap_or("");
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if int.len() + frac.len() == 0 || int.len() > 5 || frac.len() > 2 {
        return None;
    }
    let i: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let f: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(i * 100 + f)
}

/// What a word is as an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddrToken {
    /// An address (with an IPv6 scope, 0 for none).
    Addr(IpAddr, u32),
    /// A shortened IPv4 prefix such as `10` or `172.16`, completed with zeros.
    V4Prefix(IpAddr),
    /// Not an address of the kinds allowed.
    No,
}

/// Reads an address as BIND's `token_addr` does, for the kinds `flags` allows.
pub(crate) fn token_addr(text: &str, flags: u32) -> AddrToken {
    if flags & A_WILD != 0 && text == "*" {
        if flags & A_V4 != 0 {
            return AddrToken::Addr(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);
        }
        return AddrToken::Addr(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0);
    }
    if flags & (A_V4 | A_V4PREFIX) != 0 {
        if let Ok(v4) = text.parse::<Ipv4Addr>() {
            return AddrToken::Addr(IpAddr::V4(v4), 0);
        }
    }
    if flags & A_V4PREFIX != 0 && text.len() <= 15 {
        let mut candidate = text.to_owned();
        for _ in 0..3 {
            candidate.push_str(".0");
            if let Ok(v4) = candidate.parse::<Ipv4Addr>() {
                return AddrToken::V4Prefix(IpAddr::V4(v4));
            }
        }
    }
    if flags & A_V6 != 0 && text.len() <= 127 {
        let (addr, scope) = match text.split_once('%') {
            Some((a, s)) => (a, Some(s)),
            None => (text, None),
        };
        if let Ok(v6) = addr.parse::<Ipv6Addr>() {
            let scope = match scope {
                None => 0,
                Some(s) => match s.parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => return AddrToken::No,
                },
            };
            return AddrToken::Addr(IpAddr::V6(v6), scope);
        }
    }
    AddrToken::No
}

/// Whether an address has no bits set beyond the prefix length.
pub(crate) fn prefix_ok(ip: IpAddr, len: u8) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            len >= 32 || bits & (u32::MAX >> len) == 0
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            len >= 128 || bits & (u128::MAX >> len) == 0
        }
    }
}

/// An address as BIND prints it (IPv4-compatible IPv6 addresses the glibc way).
pub(crate) fn format_ip(ip: IpAddr, scope: u32) -> String {
    let text = match ip {
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            let compat = seg[..6].iter().all(|&s| s == 0) && (seg[6] != 0 || seg[7] > 1);
            if compat {
                let o = v6.octets();
                format!("::{}.{}.{}.{}", o[12], o[13], o[14], o[15])
            } else {
                v6.to_string()
            }
        }
        IpAddr::V4(v4) => v4.to_string(),
    };
    if scope != 0 {
        format!("{text}%{scope}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_c() {
        assert_eq!(parse_number("53", true), Number::Value(53));
        assert_eq!(parse_number("0x10", true), Number::Value(16));
        assert_eq!(parse_number("010", true), Number::Value(8));
        assert_eq!(parse_number("010", false), Number::Value(10));
        assert_eq!(parse_number("09", true), Number::Word);
        assert_eq!(parse_number("0x1f", true), Number::Word);
        assert_eq!(parse_number("5k", true), Number::Word);
        assert_eq!(parse_number("4294967296", true), Number::Range);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3600").map(|d| d.seconds()), Ok(3600));
        assert_eq!(parse_duration("1h30m").map(|d| d.seconds()), Ok(5400));
        assert_eq!(parse_duration("P1D").map(|d| d.seconds()), Ok(86400));
        assert_eq!(parse_duration("PT1H2M3S").map(|d| d.seconds()), Ok(3723));
        assert_eq!(parse_duration("P2W").map(|d| d.seconds()), Ok(1_209_600));
        assert!(parse_duration("P1WT1H").is_err());
        assert!(parse_duration("1x").is_err());
        assert!(parse_duration("10 ").is_err());
        assert_eq!(parse_duration("99999999999w"), Err(DurationError::Bad));
        assert_eq!(parse_ttl("4294967295"), Ok(u32::MAX));
        assert_eq!(parse_ttl("1000000w"), Err(DurationError::Range));
    }

    #[test]
    fn sizes_and_percentages() {
        assert_eq!(parse_size("64k"), Some(65536));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("10"), Some(10));
        assert_eq!(parse_size("k"), None);
        assert_eq!(parse_size("5x"), None);
        assert_eq!(parse_percent("90%"), Some(90));
        assert_eq!(parse_percent("90"), None);
        assert_eq!(parse_fixedpoint("0.1"), Some(10));
        assert_eq!(parse_fixedpoint("12.34"), Some(1234));
        assert_eq!(parse_fixedpoint("1.234"), None);
    }

    #[test]
    fn addresses() {
        assert!(matches!(
            token_addr("10", A_V4 | A_V4PREFIX),
            AddrToken::V4Prefix(_)
        ));
        assert!(matches!(token_addr("10", A_V4), AddrToken::No));
        assert!(matches!(
            token_addr("*", A_V4 | A_WILD),
            AddrToken::Addr(_, 0)
        ));
        assert!(matches!(
            token_addr("fe80::1%2", A_V6),
            AddrToken::Addr(_, 2)
        ));
        assert!(matches!(token_addr("1.2.3.4", A_V6), AddrToken::No));
        assert!(prefix_ok("10.0.0.0".parse().expect("ip"), 8));
        assert!(!prefix_ok("10.0.0.1".parse().expect("ip"), 8));
        assert_eq!(format_ip("::1.2.3.4".parse().expect("ip"), 0), "::1.2.3.4");
        assert_eq!(format_ip("::1".parse().expect("ip"), 0), "::1");
    }
}
