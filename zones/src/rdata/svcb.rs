//! SVCB and HTTPS SvcParams (RFC 9460), read, checked and printed as BIND 9.18 does.
//!
//! BIND 9.18 knows the keys mandatory, alpn, no-default-alpn, port, ipv4hint, ech and
//! ipv6hint by name and reads dohpath (RFC 9461) too, but prints dohpath as `key7`. Text
//! parameters may come in any order; they are stored sorted, and BIND's rules on duplicate
//! keys, the mandatory list and no-default-alpn are enforced.

use crate::text::Token;

use super::tokens::{Tokens, push_decimal_escape, push_quoted, unescape_into};
use super::wire::{Printer, Wire};
use super::{MAX_RDATA_LEN, Malformed, RdataError, RdataErrorKind, Stop, addr, encoding};

/// How a parameter's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Text,
    Port,
    Ipv4s,
    Ipv6s,
    Base64,
    Empty,
    Alpn,
    KeyList,
    DohPath,
}

impl Encoding {
    /// What a value of this encoding looks like, for error messages.
    fn expected(self) -> &'static str {
        match self {
            Encoding::Text => "a string",
            Encoding::Port => "a port number",
            Encoding::Ipv4s => "a comma-separated list of IPv4 addresses",
            Encoding::Ipv6s => "a comma-separated list of IPv6 addresses",
            Encoding::Base64 => "base64 data",
            Encoding::Empty => "no value (no-default-alpn takes none)",
            Encoding::Alpn => "a comma-separated list of ALPN identifiers",
            Encoding::KeyList => "a comma-separated list of distinct SvcParam keys",
            Encoding::DohPath => "a dohpath string",
        }
    }
}

/// The keys BIND knows: name, number, encoding, and whether it prints the name.
const KEYS: &[(&str, u16, Encoding, bool)] = &[
    ("mandatory", 0, Encoding::KeyList, true),
    ("alpn", 1, Encoding::Alpn, true),
    ("no-default-alpn", 2, Encoding::Empty, true),
    ("port", 3, Encoding::Port, true),
    ("ipv4hint", 4, Encoding::Ipv4s, true),
    ("ech", 5, Encoding::Base64, true),
    ("ipv6hint", 6, Encoding::Ipv6s, true),
    ("dohpath", 7, Encoding::DohPath, false),
];

const MANDATORY: u16 = 0;
const ALPN: u16 = 1;
const NO_DEFAULT_ALPN: u16 = 2;

/// A parameter as written: `key`, `key=value`, or `key="value"`.
struct Param<'a> {
    text: &'a str,
    value: Option<&'a str>,
}

pub(crate) fn parse(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let mut params: Vec<(u16, Vec<u8>, usize)> = Vec::new();
    while let Some(token) = t.peek().copied() {
        let index = t.index();
        let param = next_param(t, token)?;
        let (key, value) = param_value(&param).map_err(|kind| t.error_at(index, kind))?;
        params.push((key, value, index));
    }
    let at_end = t.index();
    params.sort_by_key(|(key, _, _)| *key);
    check_order(&params).map_err(|(i, what)| t.error_at(i.unwrap_or(at_end), what))?;
    for (key, value, _) in params {
        out.extend(key.to_be_bytes());
        let len = u16::try_from(value.len()).map_err(|_| t.error(RdataErrorKind::TooLong))?;
        out.extend(len.to_be_bytes());
        out.extend_from_slice(&value);
        if out.len() > MAX_RDATA_LEN {
            return Err(t.error(RdataErrorKind::TooLong));
        }
    }
    Ok(())
}

/// Takes one parameter: a bare token, or a bare `key=` joined to the quoted string that
/// touches it (the lexer splits `alpn="h2,h3"` in two).
fn next_param<'a>(t: &mut Tokens<'_, 'a>, first: Token<'a>) -> Result<Param<'a>, RdataError> {
    if first.quoted {
        t.next_any("a SvcParam")?;
        return Err(t.expected("a SvcParam such as alpn=h2 (not a bare quoted string)"));
    }
    t.next_any("a SvcParam")?;
    let next = t.peek().copied().filter(|next| {
        first.text.ends_with('=')
            && next.quoted
            && next.pos.line == first.pos.line
            && u64::from(next.pos.column)
                == u64::from(first.pos.column) + first.text.chars().count() as u64
    });
    if let Some(next) = next {
        t.next_any("a quoted value")?;
        return Ok(Param {
            text: first.text,
            value: Some(next.text),
        });
    }
    Ok(Param {
        text: first.text,
        value: None,
    })
}

/// The key and value of one parameter, in wire form.
fn param_value(param: &Param<'_>) -> Result<(u16, Vec<u8>), RdataErrorKind> {
    // The key ends at the first unescaped '='; a quoted value follows that '=' directly.
    let (key_text, value) = match param.value {
        Some(quoted) => (&param.text[..param.text.len() - 1], Some(quoted)),
        None => match split_key(param.text) {
            Some((k, v)) => (k, Some(v)),
            None => (param.text, None),
        },
    };
    // Names are matched case-sensitively first and read with their own encoding.
    if let Some(&(_, key, encoding, _)) = KEYS.iter().find(|(name, ..)| *name == key_text) {
        let value = value.unwrap_or("");
        let wire =
            encode_value(encoding, value).ok_or(RdataErrorKind::Expected(encoding.expected()))?;
        if encoding == Encoding::DohPath && !valid_dohpath(&wire) {
            return Err(RdataErrorKind::Expected(
                "a dohpath that is a relative URI template with a dns variable",
            ));
        }
        return Ok((key, wire));
    }
    // Otherwise: a known name in any case, or keyNNNNN, with a generic text value checked
    // against the key's wire rules.
    let key = key_number(key_text, b'=').ok_or(RdataErrorKind::Expected(
        "a SvcParam key: mandatory, alpn, no-default-alpn, port, ipv4hint, ech, ipv6hint, \
         dohpath or keyNNNNN",
    ))?;
    let mut wire = Vec::new();
    if let Some(value) = value {
        unescape_into(value, MAX_RDATA_LEN, &mut wire).map_err(|_| RdataErrorKind::BadEscape)?;
    }
    if validate(key, &wire).is_err() {
        return Err(RdataErrorKind::Expected(
            "a value in the wire form the SvcParam key requires",
        ));
    }
    Ok((key, wire))
}

/// Splits `key=value` at the first unescaped `=`.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'=' => return Some((&text[..i], &text[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

/// A key by name (any case) or as `keyNNNNN` (no leading zeros), followed by the end or
/// `sep`.
fn key_number(text: &str, sep: u8) -> Option<u16> {
    if text.contains(char::from(sep)) {
        return None;
    }
    if let Some(&(_, key, ..)) = KEYS
        .iter()
        .find(|(name, ..)| name.eq_ignore_ascii_case(text))
    {
        return Some(key);
    }
    let digits = text.strip_prefix("key")?;
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u32>()
        .ok()
        .and_then(|n| u16::try_from(n).ok())
}

fn encode_value(encoding: Encoding, value: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match encoding {
        Encoding::Text | Encoding::DohPath => unescape_into(value, MAX_RDATA_LEN, &mut out).ok()?,
        Encoding::Alpn => encode_alpn(value, &mut out)?,
        Encoding::Port => {
            if !value.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                return None;
            }
            let port: u16 = super::tokens::parse_number(value)?.try_into().ok()?;
            out.extend(port.to_be_bytes());
        }
        Encoding::Ipv4s => {
            for part in value.split(',') {
                out.extend(addr::pton4(part)?);
            }
        }
        Encoding::Ipv6s => {
            for part in value.split(',') {
                out.extend(addr::pton6(part)?);
            }
        }
        Encoding::Base64 => {
            let compact: String = value
                .chars()
                .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
                .collect();
            encoding::base64_decode_into(&compact, &mut out).ok()?;
        }
        Encoding::Empty => {
            if !value.is_empty() {
                return None;
            }
        }
        Encoding::KeyList => {
            if value.is_empty() {
                return None;
            }
            let mut keys = Vec::new();
            let parts: Vec<&str> = value.split(',').collect();
            for (i, part) in parts.iter().enumerate() {
                // BIND refuses an empty entry only at the end ("alpn,").
                if part.is_empty() && i + 1 == parts.len() {
                    return None;
                }
                keys.push(key_number(part, b',')?);
            }
            keys.sort_unstable();
            if keys.windows(2).any(|w| w[0] == w[1]) {
                return None;
            }
            for key in keys {
                out.extend(key.to_be_bytes());
            }
        }
    }
    Some(out)
}

/// A comma-separated ALPN list with two levels of escapes: `\,` (written `\\,` in a zone
/// file) is a comma inside an identifier.
fn encode_alpn(value: &str, out: &mut Vec<u8>) -> Option<()> {
    let mut level1 = Vec::new();
    unescape_into(value, MAX_RDATA_LEN, &mut level1).ok()?;
    let mut id = Vec::new();
    let mut escaped = false;
    for (i, &c) in level1.iter().enumerate() {
        if !escaped && c == b'\\' {
            escaped = true;
            continue;
        }
        if !escaped && c == b',' {
            // Empty identifiers, and a trailing comma, are refused.
            if id.is_empty() || i + 1 == level1.len() {
                return None;
            }
            push_alpn(out, &id)?;
            id.clear();
            continue;
        }
        escaped = false;
        id.push(c);
    }
    if escaped || id.is_empty() {
        return None;
    }
    push_alpn(out, &id)?;
    Some(())
}

fn push_alpn(out: &mut Vec<u8>, id: &[u8]) -> Option<()> {
    out.push(u8::try_from(id.len()).ok()?);
    out.extend_from_slice(id);
    Some(())
}

/// BIND's checks on the sorted text parameters: no duplicates, every mandatory key present,
/// mandatory not listing itself, and alpn present with no-default-alpn. Errors carry the
/// token index of the parameter at fault, if one.
fn check_order(params: &[(u16, Vec<u8>, usize)]) -> Result<(), (Option<usize>, RdataErrorKind)> {
    let err = |i: Option<usize>, what| Err((i, RdataErrorKind::Invalid(what)));
    if let Some(w) = params.windows(2).find(|w| w[0].0 == w[1].0) {
        return err(Some(w[1].2), "duplicate SvcParam key");
    }
    let mut mandatory: &[u8] = &[];
    let mut pending: Option<u16> = None;
    let mut have_alpn = false;
    for (n, (key, value, index)) in params.iter().enumerate() {
        let at = Some(*index);
        if n + 1 == params.len() {
            if let Some(m) = pending {
                if *key != m || !mandatory.is_empty() {
                    return err(None, "a key listed in mandatory is missing");
                }
            } else if *key == MANDATORY {
                return err(at, "mandatory lists keys that are missing");
            } else if *key == NO_DEFAULT_ALPN && !have_alpn {
                return err(at, "no-default-alpn needs alpn");
            }
            return Ok(());
        }
        if *key == ALPN {
            have_alpn = true;
        } else if *key == NO_DEFAULT_ALPN && !have_alpn {
            return err(at, "no-default-alpn needs alpn");
        }
        if let Some(m) = pending {
            if *key > m {
                return err(at, "a key listed in mandatory is missing");
            }
            if *key == m {
                pending = next_key(&mut mandatory);
            }
        }
        if *key == MANDATORY {
            mandatory = value;
            pending = next_key(&mut mandatory);
            if pending == Some(MANDATORY) {
                return err(at, "mandatory cannot list itself");
            }
        }
    }
    Ok(())
}

/// Takes the next key from a wire-form key list.
fn next_key(list: &mut &[u8]) -> Option<u16> {
    match list {
        [a, b, rest @ ..] => {
            let key = u16::from_be_bytes([*a, *b]);
            *list = rest;
            Some(key)
        }
        _ => None,
    }
}

/// The wire rules of one known key's value.
fn validate(key: u16, value: &[u8]) -> Result<(), Malformed> {
    let Some(&(_, _, encoding, _)) = KEYS.iter().find(|(_, k, ..)| *k == key) else {
        return Ok(());
    };
    let ok = match encoding {
        Encoding::Port => value.len() == 2,
        Encoding::Ipv4s => !value.is_empty() && value.len() % 4 == 0,
        Encoding::Ipv6s => !value.is_empty() && value.len() % 16 == 0,
        Encoding::Alpn => {
            let mut rest = value;
            let mut ok = !rest.is_empty();
            while let Some((&len, tail)) = rest.split_first() {
                if len == 0 || usize::from(len) > tail.len() {
                    ok = false;
                    break;
                }
                rest = &tail[usize::from(len)..];
            }
            ok
        }
        Encoding::KeyList => {
            !value.is_empty()
                && value.len() % 2 == 0
                && value
                    .chunks(2)
                    .zip(value.chunks(2).skip(1))
                    .all(|(a, b)| a < b)
        }
        Encoding::Text | Encoding::Base64 => true,
        Encoding::DohPath => valid_dohpath(value),
        Encoding::Empty => value.is_empty(),
    };
    if ok {
        Ok(())
    } else {
        Err(Malformed("bad SvcParam value"))
    }
}

pub(crate) fn check(w: &mut Wire<'_>, strict: bool) -> Result<(), Malformed> {
    let mut last: Option<u16> = None;
    let mut mandatory: &[u8] = &[];
    let mut pending: Option<u16> = None;
    let mut have_alpn = false;
    while !w.is_empty() {
        let key = w.u16()?;
        if last.is_some_and(|l| key <= l) {
            return Err(Malformed("SvcParam keys out of order or repeated"));
        }
        if let Some(m) = pending {
            if key > m {
                return Err(Malformed("a key listed in mandatory is missing"));
            }
            if key == m {
                pending = next_key(&mut mandatory);
            }
        }
        if key == ALPN {
            have_alpn = true;
        } else if key == NO_DEFAULT_ALPN && !have_alpn && strict {
            return Err(Malformed("no-default-alpn without alpn"));
        }
        last = Some(key);
        let len = usize::from(w.u16()?);
        let value = w.take(len)?;
        if key == MANDATORY {
            mandatory = value;
            pending = next_key(&mut mandatory);
            if pending.is_none_or(|k| k == MANDATORY) {
                return Err(Malformed("bad mandatory list"));
            }
        }
        validate(key, value)?;
    }
    if pending.is_some() {
        return Err(Malformed("a key listed in mandatory is missing"));
    }
    Ok(())
}

/// The name BIND prints for a key, and how it prints the value.
fn key_name(key: u16) -> (String, Encoding) {
    match KEYS.iter().find(|(_, k, _, named)| *k == key && *named) {
        Some(&(name, _, encoding, _)) => (name.to_string(), encoding),
        None => (format!("key{key}"), Encoding::Text),
    }
}

pub(crate) fn print(w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
    while !w.is_empty() {
        let key = w.u16()?;
        let len = usize::from(w.u16()?);
        let value = w.take(len)?;
        let (name, encoding) = key_name(key);
        let out = p.word();
        out.push_str(&name);
        if value.is_empty() {
            continue;
        }
        if encoding != Encoding::Empty {
            out.push('=');
        }
        match encoding {
            Encoding::Text | Encoding::DohPath => push_quoted(out, value),
            Encoding::Port => out.push_str(&u16::from_be_bytes([value[0], value[1]]).to_string()),
            Encoding::Ipv4s => {
                let list: Vec<String> = value.chunks(4).map(addr::ntop4).collect();
                out.push_str(&list.join(","));
            }
            Encoding::Ipv6s => {
                let list: Vec<String> = value.chunks(16).map(addr::ntop6).collect();
                out.push_str(&list.join(","));
            }
            Encoding::Base64 => out.push_str(&encoding::base64_encode(value)),
            Encoding::Empty => {}
            Encoding::Alpn => print_alpn(value, out),
            Encoding::KeyList => {
                let list: Vec<String> = value
                    .chunks(2)
                    .map(|k| key_name(u16::from_be_bytes([k[0], k[1]])).0)
                    .collect();
                out.push_str(&list.join(","));
            }
        }
    }
    Ok(())
}

/// ALPN identifiers in quotes, joined by commas; a comma inside an identifier is `\\,`,
/// a backslash `\\\\`, and bytes outside 0x21..=0x7e are `\DDD`.
fn print_alpn(mut value: &[u8], out: &mut String) {
    out.push('"');
    let mut first = true;
    while let Some((&len, rest)) = value.split_first() {
        let (id, tail) = rest.split_at(usize::from(len).min(rest.len()));
        value = tail;
        if !first {
            out.push(',');
        }
        first = false;
        for &b in id {
            match b {
                b'"' => out.push_str("\\\""),
                b',' => out.push_str("\\\\,"),
                b'\\' => out.push_str("\\\\\\\\"),
                0x21..=0x7e => out.push(char::from(b)),
                _ => push_decimal_escape(out, b),
            }
        }
    }
    out.push('"');
}

/// Whether a dohpath value is what RFC 9461 asks and BIND checks: UTF-8, starting with
/// `/`, a valid RFC 6570 URI template that uses a `dns` variable.
fn valid_dohpath(value: &[u8]) -> bool {
    #[derive(PartialEq)]
    enum S {
        Path,
        Variable,
        Percent1,
        Percent2,
        VarPercent1,
        VarPercent2,
        Prefix,
        Explode,
    }
    if value.first() != Some(&b'/') || std::str::from_utf8(value).is_err() {
        return false;
    }
    let mut state = S::Path;
    let (mut v, mut n) = (0usize, 0usize);
    let (mut dns, mut was_op) = (false, false);
    let mut p = 0;
    while p < value.len() {
        let c = value[p];
        p += 1;
        match state {
            S::Path => match c {
                b'{' => {
                    state = S::Variable;
                    was_op = false;
                    v = p;
                }
                b'%' => state = S::Percent1,
                _ => {}
            },
            S::Variable => match c {
                b'+' | b'#' | b'.' | b'/' | b';' | b'?' | b'&' => {
                    if p != v + 1 || was_op {
                        return false;
                    }
                    was_op = true;
                    v = p;
                }
                b'=' | b'!' | b'@' | b'|' => return false,
                b'*' | b':' | b'}' | b',' => {
                    if p == v + 1 {
                        return false;
                    }
                    if p - v == 4 && &value[v..v + 3] == b"dns" {
                        dns = true;
                    }
                    match c {
                        b':' => {
                            state = S::Prefix;
                            n = p;
                        }
                        b'}' => state = S::Path,
                        b'*' => state = S::Explode,
                        _ => {
                            was_op = false;
                            v = p;
                        }
                    }
                }
                b'%' => state = S::VarPercent1,
                _ => {
                    if c != b'_' && !c.is_ascii_alphanumeric() {
                        return false;
                    }
                }
            },
            S::Explode => match c {
                b',' => {
                    state = S::Variable;
                    was_op = false;
                    v = p;
                }
                b'}' => state = S::Path,
                _ => return false,
            },
            S::Percent1 | S::Percent2 | S::VarPercent1 | S::VarPercent2 => {
                if !c.is_ascii_hexdigit() {
                    return false;
                }
                state = match state {
                    S::Percent1 => S::Percent2,
                    S::Percent2 => S::Path,
                    S::VarPercent1 => S::VarPercent2,
                    _ => S::Variable,
                };
            }
            S::Prefix => {
                if !c.is_ascii_digit() {
                    if p == n + 1 || p - n > 5 || value[n] == b'0' {
                        return false;
                    }
                    match c {
                        b',' => {
                            state = S::Variable;
                            was_op = false;
                        }
                        b'}' => state = S::Path,
                        _ => return false,
                    }
                }
            }
        }
    }
    state == S::Path && dns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dohpath_templates() {
        assert!(valid_dohpath(b"/dns-query{?dns}"));
        assert!(valid_dohpath(b"/q{?dns,x}"));
        assert!(valid_dohpath(b"/q{?x,dns:12}"));
        assert!(!valid_dohpath(b"/dns-query"), "no dns variable");
        assert!(!valid_dohpath(b"dns-query{?dns}"), "not relative");
        assert!(!valid_dohpath(b"/q{?dns"), "unclosed");
        assert!(!valid_dohpath(b"/q{?dns:0}"), "prefix with a leading zero");
        assert!(!valid_dohpath(b"/q%zz{?dns}"), "bad percent escape");
    }

    #[test]
    fn key_names() {
        assert_eq!(key_number("key65535", b'='), Some(65535));
        assert_eq!(key_number("key65536", b'='), None);
        assert_eq!(key_number("key0", b'='), Some(0));
        assert_eq!(key_number("key01", b'='), None);
        assert_eq!(key_number("ALPN", b'='), Some(1));
        assert_eq!(key_number("Key1", b'='), None);
        assert_eq!(key_name(7).0, "key7");
        assert_eq!(key_name(6).0, "ipv6hint");
    }

    #[test]
    fn alpn_escapes() {
        let mut out = Vec::new();
        encode_alpn("h2,h3", &mut out).expect("valid");
        assert_eq!(out, b"\x02h2\x02h3");
        out.clear();
        encode_alpn("a\\\\,b", &mut out).expect("valid");
        assert_eq!(out, b"\x03a,b");
        for bad in ["", ",h2", "h2,", "h2,,h3", "h2\\"] {
            assert!(encode_alpn(bad, &mut Vec::new()).is_none(), "{bad}");
        }
        let mut s = String::new();
        print_alpn(b"\x03a,b\x02\\\"", &mut s);
        assert_eq!(s, "\"a\\\\,b,\\\\\\\\\\\"\"");
    }
}
