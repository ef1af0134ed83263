//! Address fields: IPv4 and IPv6 text in the forms the C library's `inet_pton` reads and
//! `inet_ntop` writes (which BIND uses), APL prefix lists, EUI-48/64 and 64-bit locators.

use std::fmt::Write;

use super::tokens::Tokens;
use super::wire::{Printer, Wire};
use super::{Malformed, RdataError, Stop};

/// Dotted-quad IPv4: exactly four decimal octets, no leading zeros.
pub(crate) fn pton4(text: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = 0;
    let mut value: u16 = 0;
    let mut digits = 0;
    for &b in text.as_bytes() {
        match b {
            b'0'..=b'9' => {
                // A leading zero may only stand alone.
                if digits == 3 || (digits == 1 && value == 0) {
                    return None;
                }
                value = value * 10 + u16::from(b - b'0');
                digits += 1;
            }
            b'.' if digits > 0 && parts < 3 => {
                out[parts] = u8::try_from(value).ok()?;
                parts += 1;
                value = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    if digits == 0 || parts != 3 {
        return None;
    }
    out[3] = u8::try_from(value).ok()?;
    Some(out)
}

/// IPv6 text (RFC 4291 §2.2): up to eight groups of one to four hex digits, one `::`
/// standing for at least one zero group, an optional dotted quad at the end.
pub(crate) fn pton6(text: &str) -> Option<[u8; 16]> {
    let b = text.as_bytes();
    let mut out = [0u8; 16];
    let mut tp = 0;
    let mut gap: Option<usize> = None;
    let mut i = 0;
    if b.first() == Some(&b':') {
        if b.get(1) != Some(&b':') {
            return None;
        }
        i = 1;
    }
    let mut group_start = i;
    let mut digits = 0;
    let mut val: u16 = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if let Some(d) = super::encoding::hex_value(c) {
            digits += 1;
            if digits > 4 {
                return None;
            }
            val = (val << 4) | u16::from(d);
            continue;
        }
        if c == b':' {
            group_start = i;
            if digits == 0 {
                if gap.is_some() {
                    return None;
                }
                gap = Some(tp);
                continue;
            }
            if i == b.len() || tp + 2 > 16 {
                return None;
            }
            out[tp..tp + 2].copy_from_slice(&val.to_be_bytes());
            tp += 2;
            digits = 0;
            val = 0;
            continue;
        }
        if c == b'.' && tp + 4 <= 16 {
            out[tp..tp + 4].copy_from_slice(&pton4(&text[group_start..])?);
            tp += 4;
            digits = 0;
            break;
        }
        return None;
    }
    if digits > 0 {
        if tp + 2 > 16 {
            return None;
        }
        out[tp..tp + 2].copy_from_slice(&val.to_be_bytes());
        tp += 2;
    }
    if let Some(at) = gap {
        if tp == 16 {
            return None;
        }
        let moved = tp - at;
        out.copy_within(at..tp, 16 - moved);
        out[at..16 - moved].fill(0);
        tp = 16;
    }
    (tp == 16).then_some(out)
}

pub(crate) fn ntop4(a: &[u8]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// IPv6 as `inet_ntop` writes it: lower-case hex, the first longest run of two or more
/// zero groups as `::`, and `::a.b.c.d` / `::ffff:a.b.c.d` for IPv4-compatible and
/// IPv4-mapped addresses.
pub(crate) fn ntop6(a: &[u8]) -> String {
    let mut words = [0u16; 8];
    for (i, w) in words.iter_mut().enumerate() {
        *w = u16::from_be_bytes([a[2 * i], a[2 * i + 1]]);
    }
    // The first longest run of zero groups: (start, length).
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        let len = words[i..].iter().take_while(|&&w| w == 0).count();
        if len > 0 && best.is_none_or(|(_, l)| len > l) {
            best = Some((i, len));
        }
        i += len.max(1);
    }
    let (gap, gap_len) = best.filter(|b| b.1 >= 2).unwrap_or((8, 0));
    let mut out = String::with_capacity(40);
    let mut i = 0;
    while i < 8 {
        if i == gap {
            out.push(':');
            i += gap_len;
            if i == 8 {
                out.push(':');
            }
            continue;
        }
        if i != 0 {
            out.push(':');
        }
        if i == 6 && gap == 0 && (gap_len == 6 || (gap_len == 5 && words[5] == 0xffff)) {
            out.push_str(&ntop4(&a[12..16]));
            break;
        }
        let _ = write!(out, "{:x}", words[i]);
        i += 1;
    }
    out
}

/// APL items (RFC 3123): `[!]afi:address/prefix`, for IPv4 (1) and IPv6 (2).
pub(crate) fn parse_apl(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "an APL item such as 1:192.0.2.0/24";
    while let Some(text) = t.next_plain_opt() {
        let (neg, item) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (afi, rest) = item.split_once(':').ok_or_else(|| t.expected(what))?;
        let (address, prefix) = rest.split_once('/').ok_or_else(|| t.expected(what))?;
        let prefix: u8 = super::tokens::parse_number(prefix)
            .and_then(|p| u8::try_from(p).ok())
            .ok_or_else(|| t.expected(what))?;
        let (afi, bytes, max_prefix) = match super::tokens::parse_number(afi) {
            Some(1) => (1u16, pton4(address).map(|a| a.to_vec()), 32),
            Some(2) => (2, pton6(address).map(|a| a.to_vec()), 128),
            _ => return Err(t.expected("an APL item with address family 1 or 2")),
        };
        let bytes = bytes.ok_or_else(|| t.expected(what))?;
        if prefix > max_prefix {
            return Err(t.expected(what));
        }
        let len = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        out.extend(afi.to_be_bytes());
        out.push(prefix);
        out.push(len as u8 | if neg { 0x80 } else { 0 });
        out.extend_from_slice(&bytes[..len]);
    }
    Ok(())
}

pub(crate) fn check_apl(w: &mut Wire<'_>) -> Result<(), Malformed> {
    while !w.is_empty() {
        let afi = w.u16()?;
        let prefix = w.u8()?;
        let len = usize::from(w.u8()? & 0x7f);
        let data = w.take(len)?;
        let ok = match afi {
            1 => prefix <= 32 && len <= 4,
            2 => prefix <= 128 && len <= 16,
            _ => true,
        };
        if !ok {
            return Err(Malformed("APL prefix or address too long"));
        }
        if data.last() == Some(&0) {
            return Err(Malformed("APL address has trailing zero octets"));
        }
    }
    Ok(())
}

pub(crate) fn print_apl(w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
    while !w.is_empty() {
        let afi = w.u16()?;
        let prefix = w.u8()?;
        let flags = w.u8()?;
        let data = w.take(usize::from(flags & 0x7f))?;
        let width = match afi {
            1 => 4,
            2 => 16,
            _ => return Err(Stop::Generic),
        };
        let mut buf = [0u8; 16];
        let len = data.len().min(width);
        buf[..len].copy_from_slice(&data[..len]);
        let address = if afi == 1 {
            ntop4(&buf[..4])
        } else {
            ntop6(&buf)
        };
        let neg = if flags & 0x80 != 0 { "!" } else { "" };
        p.push(&format!("{neg}{afi}:{address}/{prefix}"));
    }
    Ok(())
}

/// EUI-48 or EUI-64: `n` groups of one or two hex digits joined by `-` (BIND reads them
/// with `sscanf`, which ignores anything after the last group).
pub(crate) fn parse_eui(
    t: &mut Tokens<'_, '_>,
    out: &mut Vec<u8>,
    n: usize,
) -> Result<(), RdataError> {
    let what = if n == 6 {
        "an EUI-48 address such as 00-00-5e-00-53-2a"
    } else {
        "an EUI-64 address such as 00-00-5e-ef-10-00-00-2a"
    };
    let text = t.next_plain(what)?;
    let b = text.as_bytes();
    let mut i = 0;
    for group in 0..n {
        if group > 0 {
            if b.get(i) != Some(&b'-') {
                return Err(t.expected(what));
            }
            i += 1;
        }
        let mut value = None;
        for _ in 0..2 {
            match b.get(i).and_then(|&c| super::encoding::hex_value(c)) {
                Some(d) => {
                    value = Some(value.unwrap_or(0) * 16 + d);
                    i += 1;
                }
                None => break,
            }
        }
        out.push(value.ok_or_else(|| t.expected(what))?);
    }
    Ok(())
}

pub(crate) fn eui_to_text(a: &[u8]) -> String {
    a.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join("-")
}

/// A 64-bit locator or node ID: four groups of one to four hex digits joined by `:`.
pub(crate) fn parse_locator(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "a 64-bit locator such as 2001:db8:1140:1000";
    let text = t.next_plain(what)?;
    let mut groups = 0;
    for group in text.split(':') {
        if groups == 4
            || group.is_empty()
            || group.len() > 4
            || !group.bytes().all(|c| c.is_ascii_hexdigit())
        {
            return Err(t.expected(what));
        }
        let v = u16::from_str_radix(group, 16).map_err(|_| t.expected(what))?;
        out.extend(v.to_be_bytes());
        groups += 1;
    }
    if groups != 4 {
        return Err(t.expected(what));
    }
    Ok(())
}

pub(crate) fn locator_to_text(a: &[u8]) -> String {
    let w = |i: usize| u16::from_be_bytes([a[2 * i], a[2 * i + 1]]);
    format!("{:x}:{:x}:{:x}:{:x}", w(0), w(1), w(2), w(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_text() {
        assert_eq!(pton4("192.0.2.1"), Some([192, 0, 2, 1]));
        assert_eq!(pton4("0.0.0.0"), Some([0; 4]));
        for bad in [
            "192.0.2",
            "192.0.2.1.",
            "256.0.0.1",
            "01.2.3.4",
            "1.2.3.4.5",
            "a.b.c.d",
            "",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "1234.1.1.1",
            "00.1.2.3",
            "1.2.3.00",
            "1.2.3.4 ",
            "+1.2.3.4",
        ] {
            assert_eq!(pton4(bad), None, "{bad}");
        }
        // inet_pton and the standard library agree on the dotted-quad form.
        for a in ["0", "9", "10", "99", "100", "255", "256", "007", "1000"] {
            for b in ["0", "01", "200", "25"] {
                let text = format!("{a}.{b}.{b}.{a}");
                let std = text.parse::<std::net::Ipv4Addr>().ok().map(|a| a.octets());
                assert_eq!(pton4(&text), std, "{text}");
            }
        }
    }

    #[test]
    fn ipv6_text() {
        let p = |s: &str| pton6(s).map(|a| ntop6(&a));
        assert_eq!(p("2001:db8::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(p("::").as_deref(), Some("::"));
        assert_eq!(p("::1").as_deref(), Some("::1"));
        assert_eq!(p("1::").as_deref(), Some("1::"));
        assert_eq!(
            p("2001:DB8:0:0:1:0:0:1").as_deref(),
            Some("2001:db8::1:0:0:1")
        );
        assert_eq!(p("1:0:1:1:1:1:1:1").as_deref(), Some("1:0:1:1:1:1:1:1"));
        assert_eq!(p("::ffff:1.2.3.4").as_deref(), Some("::ffff:1.2.3.4"));
        assert_eq!(p("::1.2.3.4").as_deref(), Some("::1.2.3.4"));
        assert_eq!(p("::0.0.0.2").as_deref(), Some("::2"));
        assert_eq!(
            p("1:2:3:4:5:6:1.2.3.4").as_deref(),
            Some("1:2:3:4:5:6:102:304")
        );
        for bad in [
            ":1::",
            "1:::2",
            "1::2::3",
            "12345::",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7::8",
            "1:",
            "::1.2.3",
            "g::",
            "",
        ] {
            assert_eq!(pton6(bad), None, "{bad}");
        }
    }

    #[test]
    fn locators_and_euis() {
        assert_eq!(
            locator_to_text(&[0, 0x14, 0x4f, 0xff, 0xff, 0x20, 0xee, 0x64]),
            "14:4fff:ff20:ee64"
        );
        assert_eq!(
            eui_to_text(&[0, 0, 0x5e, 0, 0x53, 0x2a]),
            "00-00-5e-00-53-2a"
        );
    }
}
