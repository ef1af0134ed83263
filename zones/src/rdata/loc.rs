//! LOC (RFC 1876): location as latitude, longitude, altitude, size and precisions.
//!
//! Text: `d1 [m1 [s1]] N|S d2 [m2 [s2]] E|W alt[m] [size[m] [hp[m] [vp[m]]]]`, with BIND's
//! defaults (size 1m, horizontal precision 10000m, vertical precision 10m) and BIND's
//! printing (`52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m`).

use super::tokens::Tokens;
use super::wire::{Printer, Wire};
use super::{Malformed, RdataError, Stop};

/// The equator and prime meridian: latitudes and longitudes are offsets from 2^31
/// thousandths of an arc second.
const EQUATOR: u32 = 0x8000_0000;
/// Altitudes are offsets from 100000 m below the WGS 84 spheroid, in centimetres.
const ALTITUDE_BASE: u64 = 10_000_000;

pub(crate) fn parse(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let latitude = coordinate(t, b"SN", 90)?;
    let longitude = coordinate(t, b"WE", 180)?;
    let altitude = parse_altitude(t)?;
    let mut precision = [0x12u8, 0x16, 0x13];
    for p in &mut precision {
        let Some(text) = t.next_plain_opt() else {
            break;
        };
        *p = parse_precision(text)
            .ok_or_else(|| t.expected("a size or precision in metres, at most 90000000.00"))?;
    }
    out.push(0);
    out.extend(precision);
    out.extend(latitude.to_be_bytes());
    out.extend(longitude.to_be_bytes());
    out.extend(altitude.to_be_bytes());
    Ok(())
}

/// `d [m [s]] H`: degrees up to `max`, minutes, seconds with up to three decimals, and a
/// hemisphere letter from `hemispheres` (negative, positive).
fn coordinate(t: &mut Tokens<'_, '_>, hemispheres: &[u8; 2], max: u32) -> Result<u32, RdataError> {
    let what = if max == 90 {
        "a latitude"
    } else {
        "a longitude"
    };
    let degrees = t.number(u32::MAX, what)?;
    let range_error = |t: &Tokens<'_, '_>| {
        t.expected(if max == 90 {
            "a latitude of at most 90 degrees"
        } else {
            "a longitude of at most 180 degrees"
        })
    };
    let check = |t: &Tokens<'_, '_>, d: u32, m: u32, s: u32| {
        if d > max || m > 59 || (d == max && (m != 0 || s != 0)) {
            Err(range_error(t))
        } else {
            Ok(())
        }
    };
    check(t, degrees, 0, 0)?;
    let (mut minutes, mut thousandths) = (0, 0);
    let mut hemisphere = hemisphere_letter(t, hemispheres);
    if hemisphere.is_none() {
        minutes = t.number(u32::MAX, what)?;
        check(t, degrees, minutes, 0)?;
        hemisphere = hemisphere_letter(t, hemispheres);
        if hemisphere.is_none() {
            let text = t.next_plain(what)?;
            thousandths = decimal(text, 59, 3, None)
                .ok_or_else(|| t.expected("seconds from 0 to 59.999"))?
                as u32;
            check(t, degrees, minutes, thousandths)?;
            hemisphere = hemisphere_letter(t, hemispheres);
            if hemisphere.is_none() {
                let what = if max == 90 { "N or S" } else { "E or W" };
                return Err(match t.next_plain(what) {
                    Ok(_) => t.expected(what),
                    Err(e) => e,
                });
            }
        }
    }
    let offset = (degrees * 3600 + minutes * 60) * 1000 + thousandths;
    Ok(match hemisphere {
        Some(true) => EQUATOR + offset,
        _ => EQUATOR - offset,
    })
}

/// Takes the next token if it is exactly one of the hemisphere letters (upper case);
/// returns whether it is the positive one.
fn hemisphere_letter(t: &mut Tokens<'_, '_>, hemispheres: &[u8; 2]) -> Option<bool> {
    let token = t.peek()?;
    if token.quoted || token.text.len() != 1 {
        return None;
    }
    let positive = match token.text.as_bytes()[0] {
        c if c == hemispheres[1] => true,
        c if c == hemispheres[0] => false,
        _ => return None,
    };
    t.next_plain_opt();
    Some(positive)
}

fn parse_altitude(t: &mut Tokens<'_, '_>) -> Result<u32, RdataError> {
    let what = "an altitude in metres from -100000.00 to 42849672.95";
    let text = t.next_plain(what)?;
    let value = match text.strip_prefix('-') {
        Some(below) => decimal(below, 100_000, 2, Some(b'm'))
            .filter(|&cm| cm <= ALTITUDE_BASE)
            .map(|cm| ALTITUDE_BASE - cm),
        None => decimal(text, 42_849_672, 2, Some(b'm'))
            .map(|cm| ALTITUDE_BASE + cm)
            .filter(|&v| v <= u64::from(u32::MAX)),
    };
    value.map(|v| v as u32).ok_or_else(|| t.expected(what))
}

/// A decimal number with an integer part of at most `max` and up to `places` decimals,
/// optionally followed by `unit`; returns it scaled by 10^places. Like BIND, accepts a
/// leading `+` and a bare fraction such as `.5`.
fn decimal(text: &str, max: u64, places: u32, unit: Option<u8>) -> Option<u64> {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'+'));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut ok = i > int_start;
    let mut value = if ok {
        text[int_start..i].parse::<u64>().ok()?
    } else {
        0
    };
    if value > max {
        return None;
    }
    let mut used = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while used < places {
            match b.get(i) {
                Some(c) if c.is_ascii_digit() => {
                    value = value * 10 + u64::from(c - b'0');
                    ok = true;
                    used += 1;
                    i += 1;
                }
                _ => break,
            }
        }
    }
    value *= 10u64.pow(places - used);
    if unit.is_some() && b.get(i).copied() == unit {
        i += 1;
    }
    (ok && i == b.len()).then_some(value)
}

/// A size or precision: metres with up to two decimals and an optional `m`, encoded as
/// mantissa and power of ten of centimetres. As in BIND, the centimetres only count when
/// there are no whole metres.
fn parse_precision(text: &str) -> Option<u8> {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'+'));
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut ok = i > start;
    let metres: u64 = if ok { text[start..i].parse().ok()? } else { 0 };
    if metres > 90_000_000 {
        return None;
    }
    let mut cm = 0u64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let mut used = 0;
        while used < 2 {
            match b.get(i) {
                Some(c) if c.is_ascii_digit() => {
                    cm = cm * 10 + u64::from(c - b'0');
                    ok = true;
                    used += 1;
                    i += 1;
                }
                _ => break,
            }
        }
        cm *= 10u64.pow(2 - used);
    }
    if b.get(i) == Some(&b'm') {
        i += 1;
    }
    if !ok || i != b.len() {
        return None;
    }
    let (mantissa, exponent) = if metres > 0 {
        let exp = metres.ilog10().min(7);
        (metres / 10u64.pow(exp), exp + 2)
    } else if cm >= 10 {
        (cm / 10, 1)
    } else {
        (cm, 0)
    };
    Some(((mantissa as u8) << 4) | exponent as u8)
}

pub(crate) fn check(w: &mut Wire<'_>) -> Result<(), Malformed> {
    if w.u8()? != 0 {
        // Other versions are opaque.
        w.rest();
        return Ok(());
    }
    for _ in 0..3 {
        let p = w.u8()?;
        if p != 0 && (p & 0xf > 9 || p >> 4 > 9 || p >> 4 == 0) {
            return Err(Malformed("bad LOC size or precision"));
        }
    }
    let limit = |degrees: u32| EQUATOR - degrees * 3_600_000..=EQUATOR + degrees * 3_600_000;
    if !limit(90).contains(&w.u32()?) || !limit(180).contains(&w.u32()?) {
        return Err(Malformed("LOC latitude or longitude out of range"));
    }
    w.u32()?;
    Ok(())
}

pub(crate) fn print(w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
    if w.u8()? != 0 {
        return Err(Stop::Generic);
    }
    let sizes = [
        precision_text(w.u8()?),
        precision_text(w.u8()?),
        precision_text(w.u8()?),
    ];
    let latitude = w.u32()?;
    let longitude = w.u32()?;
    print_coordinate(latitude, "N", "S", p);
    print_coordinate(longitude, "E", "W", p);
    let altitude = u64::from(w.u32()?);
    let (sign, cm) = if altitude < ALTITUDE_BASE {
        ("-", ALTITUDE_BASE - altitude)
    } else {
        ("", altitude - ALTITUDE_BASE)
    };
    p.push(&format!("{sign}{}.{:02}m", cm / 100, cm % 100));
    for size in sizes {
        p.push(&size);
    }
    Ok(())
}

fn print_coordinate(value: u32, positive: &str, negative: &str, p: &mut Printer) {
    let (offset, hemisphere) = if value >= EQUATOR {
        (value - EQUATOR, positive)
    } else {
        (EQUATOR - value, negative)
    };
    let thousandths = offset % 1000;
    let seconds = offset / 1000 % 60;
    let minutes = offset / 60_000 % 60;
    let degrees = offset / 3_600_000;
    p.push(&format!(
        "{degrees} {minutes} {seconds}.{thousandths:03} {hemisphere}"
    ));
}

/// A size or precision octet (mantissa and power of ten of centimetres) in metres.
fn precision_text(v: u8) -> String {
    let (mantissa, exponent) = (u64::from(v >> 4), u32::from(v & 0xf));
    if exponent > 1 {
        format!("{}m", mantissa * 10u64.pow(exponent - 2))
    } else {
        format!("0.{:02}m", mantissa * 10u64.pow(exponent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimal("23.5", 59, 3, None), Some(23_500));
        assert_eq!(decimal("23", 59, 3, None), Some(23_000));
        assert_eq!(decimal(".5", 59, 3, None), Some(500));
        assert_eq!(decimal("59.999", 59, 3, None), Some(59_999));
        assert_eq!(decimal("60", 59, 3, None), None);
        assert_eq!(decimal("1.2345", 59, 3, None), None);
        assert_eq!(decimal("10m", 100, 2, Some(b'm')), Some(1000));
        assert_eq!(decimal("10.5m", 100, 2, Some(b'm')), Some(1050));
        assert_eq!(decimal("m", 100, 2, Some(b'm')), None);
        assert_eq!(decimal(".", 100, 2, Some(b'm')), None);
    }

    #[test]
    fn precisions() {
        assert_eq!(parse_precision("1m"), Some(0x12));
        assert_eq!(parse_precision("10000m"), Some(0x16));
        assert_eq!(parse_precision("10"), Some(0x13));
        assert_eq!(parse_precision("0.5m"), Some(0x51));
        assert_eq!(parse_precision("0.05"), Some(0x50));
        // Whole metres win; the centimetres are dropped, as BIND does.
        assert_eq!(parse_precision("1.5m"), Some(0x12));
        assert_eq!(parse_precision("90000000m"), Some(0x99));
        assert_eq!(parse_precision("90000001m"), None);
        assert_eq!(precision_text(0x12), "1m");
        assert_eq!(precision_text(0x51), "0.50m");
        assert_eq!(precision_text(0x50), "0.05m");
        assert_eq!(precision_text(0), "0.00m");
    }
}
