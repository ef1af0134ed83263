//! DNSSEC fields: algorithm, digest, certificate and protocol mnemonics, key flags and key
//! data, signature times and signers, type bitmaps, and the NSEC3 salt and hash.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::types::RType;

use super::tokens::{Tokens, parse_number};
use super::wire::{Printer, Wire, label_count, name_len};
use super::{Malformed, RdataError, RdataErrorKind, encoding};

/// DNSSEC algorithm mnemonics (RFC 8624 registry, as BIND names them); the first name of
/// a number is the one printed.
const ALGORITHMS: &[(u8, &str)] = &[
    (1, "RSAMD5"),
    (2, "DH"),
    (3, "DSA"),
    (5, "RSASHA1"),
    (6, "NSEC3DSA"),
    (7, "NSEC3RSASHA1"),
    (8, "RSASHA256"),
    (10, "RSASHA512"),
    (12, "ECCGOST"),
    (13, "ECDSAP256SHA256"),
    (13, "ECDSA256"),
    (14, "ECDSAP384SHA384"),
    (14, "ECDSA384"),
    (15, "ED25519"),
    (16, "ED448"),
    (252, "INDIRECT"),
    (253, "PRIVATEDNS"),
    (254, "PRIVATEOID"),
];

/// DS digest type mnemonics.
const DIGESTS: &[(u8, &str)] = &[
    (1, "SHA-1"),
    (1, "SHA1"),
    (2, "SHA-256"),
    (2, "SHA256"),
    (3, "GOST"),
    (4, "SHA-384"),
    (4, "SHA384"),
];

/// CERT type mnemonics (RFC 4398).
const CERT_TYPES: &[(u16, &str)] = &[
    (1, "PKIX"),
    (2, "SPKI"),
    (3, "PGP"),
    (4, "IPKIX"),
    (5, "ISPKI"),
    (6, "IPGP"),
    (7, "ACPKIX"),
    (8, "IACPKIX"),
    (253, "URI"),
    (254, "OID"),
];

/// DSYNC scheme mnemonics.
const DSYNC_SCHEMES: &[(u8, &str)] = &[(1, "NOTIFY")];

/// KEY protocol mnemonics (RFC 2535).
const PROTOCOLS: &[(u8, &str)] = &[
    (0, "NONE"),
    (1, "TLS"),
    (2, "EMAIL"),
    (3, "DNSSEC"),
    (4, "IPSEC"),
    (255, "ALL"),
];

/// NSEC3 hash algorithm mnemonics.
const HASH_ALGORITHMS: &[(u8, &str)] = &[(1, "SHA-1")];

/// KEY flag names (RFC 2535 §3.1.2), in the order BIND matches abbreviations against them.
const KEY_FLAGS: &[(&str, u16)] = &[
    ("NOCONF", 0x4000),
    ("NOAUTH", 0x8000),
    ("NOKEY", 0xC000),
    ("FLAG2", 0x2000),
    ("EXTEND", 0x1000),
    ("FLAG4", 0x0800),
    ("FLAG5", 0x0400),
    ("USER", 0x0000),
    ("ZONE", 0x0100),
    ("HOST", 0x0200),
    ("NTYP3", 0x0300),
    ("FLAG8", 0x0080),
    ("FLAG9", 0x0040),
    ("FLAG10", 0x0020),
    ("FLAG11", 0x0010),
    ("SIG0", 0x0000),
    ("SIG1", 0x0001),
    ("SIG2", 0x0002),
    ("SIG3", 0x0003),
    ("SIG4", 0x0004),
    ("SIG5", 0x0005),
    ("SIG6", 0x0006),
    ("SIG7", 0x0007),
    ("SIG8", 0x0008),
    ("SIG9", 0x0009),
    ("SIG10", 0x000A),
    ("SIG11", 0x000B),
    ("SIG12", 0x000C),
    ("SIG13", 0x000D),
    ("SIG14", 0x000E),
    ("SIG15", 0x000F),
    ("KSK", 0x0001),
];

/// The private algorithm whose key data starts with a domain name (RFC 4034 Appendix A.1.1).
const PRIVATEDNS: u8 = 253;

/// A number (when the text starts with a digit) or a mnemonic from `table`, as BIND's
/// `dns_mnemonic_fromtext` reads them.
fn mnemonic<T: Copy + Into<u32>>(text: &str, table: &[(T, &str)], max: u32) -> Option<u32> {
    let numeric = text.as_bytes().first().is_some_and(u8::is_ascii_digit) && text.len() <= 12;
    if let Some(n) = parse_number(text).filter(|_| numeric) {
        return (n <= max).then_some(n);
    }
    table
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(text))
        .map(|(v, _)| (*v).into())
}

fn mnemonic_field<T: Copy + Into<u32>>(
    t: &mut Tokens<'_, '_>,
    table: &[(T, &str)],
    max: u32,
    what: &'static str,
) -> Result<u32, RdataError> {
    let text = t.next_plain(what)?;
    mnemonic(text, table, max).ok_or_else(|| t.expected(what))
}

pub(crate) fn parse_algorithm(t: &mut Tokens<'_, '_>) -> Result<u8, RdataError> {
    Ok(mnemonic_field(t, ALGORITHMS, 0xff, "a DNSSEC algorithm number or mnemonic")? as u8)
}

pub(crate) fn parse_digest_type(t: &mut Tokens<'_, '_>) -> Result<u8, RdataError> {
    Ok(mnemonic_field(t, DIGESTS, 0xff, "a digest type number or mnemonic")? as u8)
}

pub(crate) fn parse_cert_type(t: &mut Tokens<'_, '_>) -> Result<u16, RdataError> {
    Ok(mnemonic_field(
        t,
        CERT_TYPES,
        0xffff,
        "a certificate type number or mnemonic",
    )? as u16)
}

pub(crate) fn parse_dsync_scheme(t: &mut Tokens<'_, '_>) -> Result<u8, RdataError> {
    Ok(mnemonic_field(t, DSYNC_SCHEMES, 0xff, "a DSYNC scheme number or mnemonic")? as u8)
}

/// The DSYNC scheme's mnemonic, or its number.
pub(crate) fn dsync_scheme_name(scheme: u8) -> String {
    name_or_number(DSYNC_SCHEMES, scheme)
}

pub(crate) fn parse_protocol(t: &mut Tokens<'_, '_>) -> Result<u8, RdataError> {
    Ok(mnemonic_field(t, PROTOCOLS, 0xff, "a key protocol number or mnemonic")? as u8)
}

pub(crate) fn parse_hash_alg(t: &mut Tokens<'_, '_>) -> Result<u8, RdataError> {
    Ok(mnemonic_field(t, HASH_ALGORITHMS, 0xff, "an NSEC3 hash algorithm")? as u8)
}

/// The algorithm's mnemonic, or its number when it has none (CERT prints these).
pub(crate) fn algorithm_name(alg: u8) -> String {
    name_or_number(ALGORITHMS, alg)
}

/// The certificate type's mnemonic, or its number.
pub(crate) fn cert_type_name(kind: u16) -> String {
    name_or_number(CERT_TYPES, kind)
}

fn name_or_number<T: Copy + PartialEq + std::fmt::Display>(table: &[(T, &str)], v: T) -> String {
    table
        .iter()
        .find(|(code, _)| *code == v)
        .map_or_else(|| v.to_string(), |(_, name)| (*name).to_string())
}

/// KEY/DNSKEY flags: a decimal number, a hex number starting with a digit (`0x0101`), or
/// flag names joined by `|`, each name possibly abbreviated.
pub(crate) fn parse_key_flags(t: &mut Tokens<'_, '_>) -> Result<u16, RdataError> {
    let what = "key flags (a number or flag names)";
    let text = t.next_plain(what)?;
    key_flags(text).ok_or_else(|| t.expected(what))
}

fn key_flags(text: &str) -> Option<u16> {
    if text.as_bytes().first().is_some_and(u8::is_ascii_digit) && text.len() <= 12 {
        let n = parse_number(text).or_else(|| {
            let hex = text
                .strip_prefix("0x")
                .or_else(|| text.strip_prefix("0X"))
                .unwrap_or(text);
            (!hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(hex, 16).ok())
                .flatten()
        });
        if let Some(n) = n {
            return u16::try_from(n).ok();
        }
    }
    let mut value = 0;
    for part in text.split('|') {
        let (_, bits) = KEY_FLAGS.iter().find(|(name, _)| {
            name.len() >= part.len() && name[..part.len()].eq_ignore_ascii_case(part)
        })?;
        value |= bits;
    }
    Some(value)
}

/// Whether KEY flags say there is no key (both NOAUTH and NOCONF set).
pub(crate) fn no_key(rdata: &[u8]) -> bool {
    rdata.first().is_some_and(|b| b & 0xC0 == 0xC0)
}

/// The key data after flags, protocol and algorithm.
pub(crate) fn check_key(w: &mut Wire<'_>, nokey: bool, strict: bool) -> Result<(), Malformed> {
    let data = w.data();
    if nokey && no_key(data) {
        return Ok(());
    }
    if w.is_empty() {
        return Err(Malformed("key data missing"));
    }
    if strict && data.get(3) == Some(&PRIVATEDNS) {
        name_len(data, w.pos())?;
    }
    w.rest();
    Ok(())
}

/// The type an RRSIG or SIG covers: a mnemonic, `TYPEnnn`, or a decimal number.
pub(crate) fn parse_covered(t: &mut Tokens<'_, '_>) -> Result<u16, RdataError> {
    let what = "a record type";
    let text = t.next_plain(what)?;
    if let Some(rtype) = RType::from_text(text) {
        return Ok(rtype.0);
    }
    parse_number(text)
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| t.expected(what))
}

/// How RRSIG (`TYPEnnn`) and SIG (a bare number) print a covered type without a mnemonic.
pub(crate) fn covered_name(code: u16, sig: bool) -> String {
    match RType(code).mnemonic() {
        Some(name) if code != 0 => name.to_string(),
        _ if sig => code.to_string(),
        _ => format!("TYPE{code}"),
    }
}

/// A signature time: YYYYMMDDHHmmSS, or when `numeric`, up to ten digits of seconds.
pub(crate) fn parse_time(t: &mut Tokens<'_, '_>, numeric: bool) -> Result<u32, RdataError> {
    let what = "a time as YYYYMMDDHHmmSS";
    let text = t.next_plain(what)?;
    if numeric && text.len() <= 10 {
        return parse_number(text).ok_or_else(|| t.expected(what));
    }
    time_from_text(text).ok_or_else(|| t.expected(what))
}

const DAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn year_secs(year: i64) -> i64 {
    if is_leap(year) {
        366 * 86400
    } else {
        365 * 86400
    }
}

fn month_days(month: usize, year: i64) -> i64 {
    DAYS[month] + i64::from(month == 1 && is_leap(year))
}

/// YYYYMMDDHHmmSS to seconds since the epoch, kept to 32 bits as RRSIG does.
fn time_from_text(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if !(1..=12).contains(&month) {
        return None;
    }
    let month = month as usize - 1;
    if day < 1 || day > month_days(month, year) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut value = second + 60 * minute + 3600 * hour + (day - 1) * 86400;
    value += (0..month).map(|m| month_days(m, year) * 86400).sum::<i64>();
    if year < 1970 {
        value -= (year..1970).map(year_secs).sum::<i64>();
    } else {
        value += (1970..year).map(year_secs).sum::<i64>();
    }
    // BIND keeps the low 32 bits; printing picks the date nearest to now.
    Some(value as u32)
}

/// Prints a 32-bit signature time as the YYYYMMDDHHmmSS nearest to now (RFC 4034 §3.1.5
/// serial arithmetic), as BIND does.
pub(crate) fn time_to_text(value: u32) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    time_to_text_at(value, now as u32)
}

fn time_to_text_at(value: u32, now: u32) -> String {
    let mut t = i64::from(now) + i64::from(value.wrapping_sub(now) as i32);
    let mut year = 1970;
    while t < 0 {
        year -= 1;
        t += year_secs(year);
    }
    while year_secs(year) <= t {
        t -= year_secs(year);
        year += 1;
    }
    let mut month = 0;
    while month < 11 && month_days(month, year) * 86400 <= t {
        t -= month_days(month, year) * 86400;
        month += 1;
    }
    let day = t / 86400 + 1;
    t %= 86400;
    format!(
        "{year:04}{:02}{day:02}{:02}{:02}{:02}",
        month + 1,
        t / 3600,
        (t % 3600) / 60,
        t % 60
    )
}

/// The RRSIG signer, checked against the labels field already written.
pub(crate) fn parse_signer(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let signer = t.name()?;
    if too_many_labels(out.get(3).copied(), signer.as_wire()) {
        return Err(t.error(RdataErrorKind::Invalid(
            "the signer has more labels than the labels field",
        )));
    }
    out.extend_from_slice(signer.as_wire());
    Ok(())
}

/// Whether the signer has more labels than the RRSIG labels field allows.
pub(crate) fn too_many_labels(labels: Option<u8>, signer: &[u8]) -> bool {
    labels.is_some_and(|l| usize::from(l) < label_count(signer))
}

/// An NSEC-style type bitmap (RFC 4034 §4.1.2) from type mnemonics.
pub(crate) fn parse_bitmap(
    t: &mut Tokens<'_, '_>,
    out: &mut Vec<u8>,
    empty: bool,
) -> Result<(), RdataError> {
    let mut bits = vec![0u8; 8192];
    let mut max: Option<u16> = None;
    while let Some(text) = t.next_plain_opt() {
        let rtype = RType::from_text(text).ok_or_else(|| t.expected("a record type"))?;
        bits[usize::from(rtype.0 / 8)] |= 0x80 >> (rtype.0 % 8);
        max = max.max(Some(rtype.0));
    }
    let Some(max) = max else {
        if empty {
            return Ok(());
        }
        return Err(t.error_at(t.index(), RdataErrorKind::Missing("a record type")));
    };
    for window in 0..=usize::from(max / 256) {
        let octets = &bits[window * 32..window * 32 + 32];
        if let Some(last) = octets.iter().rposition(|&b| b != 0) {
            out.push(window as u8);
            out.push(last as u8 + 1);
            out.extend_from_slice(&octets[..=last]);
        }
    }
    Ok(())
}

/// Checks a type bitmap: windows ascending, lengths 1 to 32, no trailing zero octet.
pub(crate) fn check_bitmap(data: &[u8], empty: bool) -> Result<(), Malformed> {
    if data.is_empty() && !empty {
        return Err(Malformed("empty type bitmap"));
    }
    let mut i = 0;
    let mut last: Option<u8> = None;
    while i < data.len() {
        let (Some(&window), Some(&len)) = (data.get(i), data.get(i + 1)) else {
            return Err(Malformed("truncated type bitmap"));
        };
        let len = usize::from(len);
        if last.is_some_and(|l| window <= l) {
            return Err(Malformed("type bitmap windows out of order"));
        }
        if !(1..=32).contains(&len) || i + 2 + len > data.len() {
            return Err(Malformed("bad type bitmap window length"));
        }
        if data[i + 1 + len] == 0 {
            return Err(Malformed("type bitmap window ends in a zero octet"));
        }
        last = Some(window);
        i += 2 + len;
    }
    Ok(())
}

/// The types in a (checked) bitmap, in order.
pub(crate) fn print_bitmap(data: &[u8], p: &mut Printer) {
    let mut i = 0;
    while i + 1 < data.len() {
        let window = u16::from(data[i]);
        let len = usize::from(data[i + 1]);
        let octets = data.get(i + 2..i + 2 + len).unwrap_or(&[]);
        for (j, &octet) in octets.iter().enumerate() {
            for k in 0..8u16 {
                if octet & (0x80 >> k) != 0 {
                    p.push(&RType(window * 256 + j as u16 * 8 + k).to_string());
                }
            }
        }
        i += 2 + len;
    }
}

/// The NSEC3 salt: `-` for none, else hex, with its length octet.
pub(crate) fn parse_salt(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "a salt in hex, or -";
    let text = t.next_plain(what)?;
    let at = out.len();
    out.push(0);
    if text == "-" {
        return Ok(());
    }
    if text.len() > 2 * 255 {
        return Err(t.expected("a salt of at most 255 octets"));
    }
    encoding::hex_decode_into(text, out).map_err(|_| t.expected(what))?;
    out[at] = (out.len() - at - 1) as u8;
    Ok(())
}

pub(crate) fn print_salt(salt: &[u8], p: &mut Printer) {
    if salt.is_empty() {
        p.push("-");
    } else {
        p.push(&encoding::hex_encode(salt));
    }
}

/// The longest NSEC3 hash BIND accepts for hash algorithms other than SHA-1.
const MAX_HASH_LEN: usize = 39;

/// The NSEC3 next hashed owner name in base32hex, with its length octet; SHA-1 hashes are
/// 20 octets.
pub(crate) fn parse_next_hash(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "a base32hex hash of the length its algorithm needs";
    let text = t.next_plain(what)?;
    let mut hash = Vec::with_capacity(32);
    encoding::base32hex_decode_into(text, &mut hash).map_err(|_| t.expected(what))?;
    if !hash_len_ok(out.first().copied(), hash.len(), true) {
        return Err(t.expected(what));
    }
    out.push(hash.len() as u8);
    out.extend_from_slice(&hash);
    Ok(())
}

fn hash_len_ok(alg: Option<u8>, len: usize, from_text: bool) -> bool {
    match alg {
        Some(1) => len == 20,
        _ => len <= MAX_HASH_LEN && (from_text || len >= 1),
    }
}

pub(crate) fn check_next_hash(w: &mut Wire<'_>) -> Result<(), Malformed> {
    let alg = w.byte_at(0);
    let hash = w.string()?;
    if hash_len_ok(alg, hash.len(), false) {
        Ok(())
    } else {
        Err(Malformed("bad NSEC3 hash length"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_numbers_and_ranges() {
        assert_eq!(mnemonic("8", ALGORITHMS, 255), Some(8));
        assert_eq!(mnemonic("rsasha256", ALGORITHMS, 255), Some(8));
        assert_eq!(mnemonic("ECDSA256", ALGORITHMS, 255), Some(13));
        assert_eq!(mnemonic("256", ALGORITHMS, 255), None);
        assert_eq!(mnemonic("RSA", ALGORITHMS, 255), None);
        assert_eq!(algorithm_name(13), "ECDSAP256SHA256");
        assert_eq!(algorithm_name(99), "99");
        assert_eq!(mnemonic("sha-256", DIGESTS, 255), Some(2));
        assert_eq!(cert_type_name(3), "PGP");
    }

    #[test]
    fn key_flags_forms() {
        assert_eq!(key_flags("257"), Some(257));
        assert_eq!(key_flags("0x0101"), Some(257));
        assert_eq!(key_flags("101a"), Some(0x101a));
        assert_eq!(key_flags("65536"), None);
        assert_eq!(key_flags("NOAUTH|ZONE"), Some(0x8100));
        assert_eq!(key_flags("zone|ksk"), Some(0x0101));
        // Abbreviations match the first flag name they begin.
        assert_eq!(key_flags("NOK"), Some(0xC000));
        assert_eq!(key_flags("Z"), Some(0x0100));
        assert_eq!(key_flags("BOGUS"), None);
    }

    #[test]
    fn signature_times() {
        assert_eq!(time_from_text("20240101000000"), Some(1_704_067_200));
        assert_eq!(time_from_text("19700101000000"), Some(0));
        assert_eq!(time_from_text("20240230000000"), None);
        assert_eq!(time_from_text("20241301000000"), None);
        assert_eq!(time_from_text("2024010100000"), None);
        assert_eq!(
            time_to_text_at(1_704_067_200, 1_800_000_000),
            "20240101000000"
        );
        // Values are read as the date nearest to now, as BIND does: 4000000000 seen from
        // 2027 is in 1960.
        assert_eq!(
            time_to_text_at(4_000_000_000, 1_800_000_000),
            "19600827003824"
        );
        assert_eq!(time_to_text_at(100, 4_200_000_000), "21060207062956");
        assert_eq!(time_to_text_at(0, 10), "19700101000000");
    }

    #[test]
    fn bitmaps() {
        let mut p = Printer::default();
        print_bitmap(&[0, 1, 0x40, 1, 1, 0x40], &mut p);
        assert_eq!(p.finish(), "A CAA");
        assert!(check_bitmap(&[0, 1, 0x40], false).is_ok());
        assert!(check_bitmap(&[], false).is_err());
        assert!(check_bitmap(&[], true).is_ok());
        assert!(check_bitmap(&[0, 2, 0x40, 0], true).is_err());
        assert!(check_bitmap(&[1, 1, 1, 0, 1, 1], true).is_err());
        assert!(check_bitmap(&[0, 33], true).is_err());
        assert!(check_bitmap(&[0, 2, 1], true).is_err());
    }
}
