//! Fields of single types: X25 addresses, CAA tags, NAPTR substitution expressions, NSAP
//! addresses, IPSECKEY and AMTRELAY gateways, and HIP.

use super::field::{NameSink, NameUse};
use super::tokens::Tokens;
use super::wire::{Printer, Wire};
use super::{Malformed, RdataError, RdataErrorKind, Stop, addr, encoding};

/// An X.25 PSDN address (RFC 1183 §3.1): at least four digits, no escapes.
pub(crate) fn parse_x25(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "an X.25 address of at least four digits";
    let token = t.next_any(what)?;
    let text = token.text.as_bytes();
    if text.len() < 4 || text.len() > 255 || !text.iter().all(u8::is_ascii_digit) {
        return Err(t.expected(what));
    }
    out.push(text.len() as u8);
    out.extend_from_slice(text);
    Ok(())
}

pub(crate) fn check_x25(w: &mut Wire<'_>) -> Result<(), Malformed> {
    let s = w.string()?;
    if s.len() < 4 || !s.iter().all(u8::is_ascii_digit) {
        return Err(Malformed("X25 address must be at least four digits"));
    }
    Ok(())
}

/// A CAA property tag (RFC 8659 §4.1): letters and digits only.
pub(crate) fn parse_caa_tag(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "a CAA tag (letters and digits)";
    let text = t.next_plain(what)?;
    if text.len() > 255 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(t.expected(what));
    }
    out.push(text.len() as u8);
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

pub(crate) fn check_caa_tag(w: &mut Wire<'_>) -> Result<(), Malformed> {
    let tag = w.string()?;
    if tag.is_empty() || !tag.iter().all(u8::is_ascii_alphanumeric) {
        return Err(Malformed("CAA tag must be letters and digits"));
    }
    Ok(())
}

pub(crate) fn print_caa_tag(w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
    let tag = w.string()?;
    // A checked tag is ASCII letters and digits.
    p.push(&String::from_utf8_lossy(tag));
    Ok(())
}

/// Whether a NAPTR regexp field is acceptable as BIND judges it: empty, or
/// `delim ere delim replacement delim [i]` with a valid POSIX extended regular expression
/// and back-references only to groups it has.
pub(crate) fn naptr_regex_ok(field: &[u8]) -> bool {
    let Some((&delim, rest)) = field.split_first() else {
        return true;
    };
    if delim.is_ascii_digit() || matches!(delim, b'\\' | b'i' | 0) {
        return false;
    }
    let mut regex = Vec::with_capacity(rest.len());
    let (mut replace, mut flags) = (false, false);
    let mut backrefs = 0;
    let mut i = 0;
    while i < rest.len() {
        let c = rest[i];
        i += 1;
        if c == 0 {
            return false;
        }
        if c == delim {
            if !replace {
                replace = true;
            } else if !flags {
                flags = true;
            } else {
                return false;
            }
            continue;
        }
        if flags {
            if c != b'i' {
                return false;
            }
            continue;
        }
        if !replace {
            regex.push(c);
        }
        if c == b'\\' {
            let Some(&next) = rest.get(i) else {
                return false;
            };
            i += 1;
            if next == 0 {
                return false;
            }
            if replace {
                match next {
                    b'0' => return false,
                    b'1'..=b'9' => backrefs = backrefs.max(next - b'0'),
                    _ => {}
                }
            } else {
                regex.push(next);
            }
        }
    }
    flags && regex_groups(&regex).is_some_and(|groups| usize::from(backrefs) <= groups)
}

/// Validates a POSIX extended regular expression the way BIND does (`isc_regex_validate`)
/// and returns how many groups it has.
fn regex_groups(re: &[u8]) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        Normal,
        Bracket,
        Bound,
        Collating,
        Equivalence,
        Class,
    }
    const CLASSES: [&[u8]; 12] = [
        b":alnum:",
        b":digit:",
        b":punct:",
        b":alpha:",
        b":graph:",
        b":space:",
        b":blank:",
        b":lower:",
        b":upper:",
        b":cntrl:",
        b":print:",
        b":xdigit:",
    ];
    if re.is_empty() {
        return None;
    }
    let at = |i: usize| re.get(i).copied().unwrap_or(0);
    let mut state = State::Normal;
    let (mut have_atom, mut was_multiple, mut empty_ok) = (false, false, false);
    let (mut group, mut groups) = (0usize, 0usize);
    let (mut seen_comma, mut seen_high, mut low, mut high) = (false, false, 0u32, 0u32);
    let (mut negated, mut seen_char, mut range, mut range_start) = (false, false, 0, 0u32);
    let (mut seen_ce, mut seen_ec, mut class_start) = (false, false, 0usize);
    let mut i = 0;
    while i < re.len() {
        let c = at(i);
        match state {
            State::Normal => match c {
                b'\\' => {
                    i += 1;
                    match at(i) {
                        d @ b'1'..=b'9' => {
                            if usize::from(d - b'0') > groups {
                                return None;
                            }
                            have_atom = true;
                            was_multiple = false;
                        }
                        0 => return None,
                        _ => {
                            have_atom = true;
                            was_multiple = false;
                        }
                    }
                    i += 1;
                }
                b'[' => {
                    i += 1;
                    negated = false;
                    was_multiple = false;
                    seen_char = false;
                    state = State::Bracket;
                }
                b'{' if at(i + 1).is_ascii_digit() => {
                    if !have_atom || was_multiple {
                        return None;
                    }
                    seen_comma = false;
                    seen_high = false;
                    low = 0;
                    high = 0;
                    state = State::Bound;
                    i += 1;
                    have_atom = true;
                    was_multiple = true;
                }
                b'(' => {
                    have_atom = false;
                    was_multiple = false;
                    empty_ok = true;
                    group += 1;
                    groups += 1;
                    i += 1;
                }
                b')' => {
                    if group > 0 && !have_atom && !empty_ok {
                        return None;
                    }
                    have_atom = true;
                    was_multiple = false;
                    group = group.saturating_sub(1);
                    i += 1;
                }
                b'|' => {
                    if !have_atom {
                        return None;
                    }
                    have_atom = false;
                    empty_ok = false;
                    was_multiple = false;
                    i += 1;
                }
                b'^' | b'$' => {
                    have_atom = true;
                    was_multiple = true;
                    i += 1;
                }
                b'+' | b'*' | b'?' => {
                    if was_multiple || !have_atom {
                        return None;
                    }
                    have_atom = true;
                    was_multiple = true;
                    i += 1;
                }
                _ => {
                    have_atom = true;
                    was_multiple = false;
                    i += 1;
                }
            },
            State::Bound => {
                match c {
                    b'0'..=b'9' => {
                        let d = u32::from(c - b'0');
                        if seen_comma {
                            seen_high = true;
                            high = high * 10 + d;
                            if high > 255 {
                                return None;
                            }
                        } else {
                            low = low * 10 + d;
                            if low > 255 {
                                return None;
                            }
                        }
                    }
                    b',' => {
                        if seen_comma {
                            return None;
                        }
                        seen_comma = true;
                    }
                    b'}' => {
                        if seen_high && low > high {
                            return None;
                        }
                        seen_comma = false;
                        state = State::Normal;
                    }
                    _ => return None,
                }
                i += 1;
            }
            State::Bracket => {
                let literal = match c {
                    b'^' if !seen_char && !negated => {
                        negated = true;
                        i += 1;
                        false
                    }
                    b'-' if range != 2 && seen_char => {
                        if range == 1 {
                            return None;
                        }
                        range = 2;
                        i += 1;
                        false
                    }
                    b'[' => {
                        i += 1;
                        match at(i) {
                            b'.' => {
                                if range != 0 {
                                    range -= 1;
                                }
                                i += 1;
                                state = State::Collating;
                                seen_ce = false;
                            }
                            b'=' => {
                                if range == 2 {
                                    return None;
                                }
                                i += 1;
                                state = State::Equivalence;
                                seen_ec = false;
                            }
                            b':' => {
                                if range == 2 {
                                    return None;
                                }
                                class_start = i;
                                i += 1;
                                state = State::Class;
                            }
                            _ => {}
                        }
                        seen_char = true;
                        false
                    }
                    b']' => {
                        if at(i + 1) == 0 && !seen_char {
                            return None;
                        }
                        if seen_char {
                            i += 1;
                            range = 0;
                            have_atom = true;
                            state = State::Normal;
                            false
                        } else {
                            true
                        }
                    }
                    _ => true,
                };
                if literal {
                    seen_char = true;
                    if range == 2 && u32::from(c) < range_start {
                        return None;
                    }
                    if range != 0 {
                        range -= 1;
                    }
                    range_start = u32::from(c);
                    i += 1;
                }
            }
            State::Collating => {
                if c == b'.' {
                    i += 1;
                    if at(i) == b']' {
                        if !seen_ce {
                            return None;
                        }
                        i += 1;
                        state = State::Bracket;
                    } else {
                        range_start = if seen_ce { 256 } else { u32::from(b'.') };
                        seen_ce = true;
                    }
                } else {
                    range_start = if seen_ce { 256 } else { u32::from(c) };
                    seen_ce = true;
                    i += 1;
                }
            }
            State::Equivalence => {
                if c == b'=' {
                    i += 1;
                    if at(i) == b']' {
                        if !seen_ec {
                            return None;
                        }
                        i += 1;
                        state = State::Bracket;
                    } else {
                        seen_ec = true;
                    }
                } else {
                    seen_ec = true;
                    i += 1;
                }
            }
            State::Class => {
                i += 1;
                if c == b':' && at(i) == b']' {
                    if !CLASSES.contains(&&re[class_start..i]) {
                        return None;
                    }
                    i += 1;
                    state = State::Bracket;
                }
            }
        }
    }
    (group == 0 && state == State::Normal && have_atom).then_some(groups)
}

/// An NSAP address (RFC 1706 §5): `0x` then hex digits, dots allowed anywhere.
pub(crate) fn parse_nsap(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "an NSAP address such as 0x47.0005.80";
    let text = t.next_plain(what)?;
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(|| t.expected(what))?;
    let digits: String = hex.chars().filter(|&c| c != '.').collect();
    let start = out.len();
    encoding::hex_decode_into(&digits, out).map_err(|_| t.expected(what))?;
    if out.len() == start {
        return Err(t.expected(what));
    }
    Ok(())
}

pub(crate) fn nsap_to_text(data: &[u8]) -> String {
    let mut out = String::from("0x");
    out.push_str(&encoding::hex_encode(data).to_lowercase());
    out
}

/// The IPSECKEY gateway, in the form the gateway type (RDATA octet 1) says.
pub(crate) fn parse_gateway(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let kind = out.get(1).copied().unwrap_or(0);
    parse_relay(t, out, kind)
}

/// A gateway or relay of type 0 (none, written `.`), 1 (IPv4), 2 (IPv6) or 3 (a name).
fn parse_relay(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>, kind: u8) -> Result<(), RdataError> {
    let what = match kind {
        0 => "'.' for no gateway",
        1 => "an IPv4 address",
        2 => "an IPv6 address",
        3 => "a domain name",
        _ => return Err(t.error(RdataErrorKind::Invalid("unknown gateway type"))),
    };
    let text = t.next_plain(what)?;
    match kind {
        0 if text == "." => {}
        1 => out.extend(addr::pton4(text).ok_or_else(|| t.expected(what))?),
        2 => out.extend(addr::pton6(text).ok_or_else(|| t.expected(what))?),
        3 => t.name_from_into(text, out)?,
        _ => return Err(t.expected(what)),
    }
    Ok(())
}

pub(crate) fn check_gateway(w: &mut Wire<'_>, names: &mut NameSink<'_>) -> Result<(), Malformed> {
    let kind = w.byte_at(1).unwrap_or(0);
    check_relay(w, names, kind)
}

fn check_relay(w: &mut Wire<'_>, names: &mut NameSink<'_>, kind: u8) -> Result<(), Malformed> {
    match kind {
        0 => {}
        1 => {
            w.take(4)?;
        }
        2 => {
            w.take(16)?;
        }
        3 => {
            names(w.pos(), NameUse::Plain);
            w.name()?;
        }
        _ => {
            w.rest();
        }
    }
    Ok(())
}

pub(crate) fn print_gateway(w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
    let kind = w.byte_at(1).unwrap_or(0);
    print_relay(w, p, kind)
}

fn print_relay(w: &mut Wire<'_>, p: &mut Printer, kind: u8) -> Result<(), Stop> {
    match kind {
        0 => p.push("."),
        1 => p.push(&addr::ntop4(w.take(4)?)),
        2 => p.push(&addr::ntop6(w.take(16)?)),
        3 => p.name(w.name()?)?,
        _ => return Err(Stop::Generic),
    }
    Ok(())
}

/// AMTRELAY (RFC 8777) after the precedence: discovery-optional flag, relay type, relay.
pub(crate) fn parse_amtrelay(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let discovery = t.number(1, "the discovery-optional flag, 0 or 1")? as u8;
    let kind = t.number(0x7f, "a relay type from 0 to 127")? as u8;
    out.push(discovery << 7 | kind);
    parse_relay(t, out, kind)
}

pub(crate) fn check_amtrelay(w: &mut Wire<'_>, names: &mut NameSink<'_>) -> Result<(), Malformed> {
    let kind = w.u8()? & 0x7f;
    check_relay(w, names, kind)
}

pub(crate) fn print_amtrelay(w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
    let byte = w.u8()?;
    if byte & 0x7f > 3 {
        return Err(Stop::Generic);
    }
    p.number(byte >> 7);
    p.number(byte & 0x7f);
    print_relay(w, p, byte & 0x7f)
}

/// HIP (RFC 8005): algorithm, HIT in hex, public key in base64, rendezvous servers.
pub(crate) fn parse_hip(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let start = out.len();
    out.push(0);
    out.push(t.number(0xff, "an 8-bit number")? as u8);
    out.extend([0, 0]);
    let what = "a host identity tag in hex";
    let text = t.next_plain(what)?;
    encoding::hex_decode_into(text, out).map_err(|_| t.expected(what))?;
    let hit_len = out.len() - start - 4;
    if hit_len > 255 {
        return Err(t.expected("a host identity tag of at most 255 octets"));
    }
    out[start] = hit_len as u8;
    let what = "a public key in base64";
    let text = t.next_plain(what)?;
    let key_start = out.len();
    encoding::base64_decode_into(text, out).map_err(|_| t.expected(what))?;
    let key_len = u16::try_from(out.len() - key_start).map_err(|_| t.expected(what))?;
    out[start + 2..start + 4].copy_from_slice(&key_len.to_be_bytes());
    while let Some(text) = t.next_plain_opt() {
        t.name_from_into(text, out)?;
    }
    Ok(())
}

pub(crate) fn check_hip(w: &mut Wire<'_>, names: &mut NameSink<'_>) -> Result<(), Malformed> {
    let hit_len = usize::from(w.u8()?);
    w.u8()?;
    let key_len = usize::from(w.u16()?);
    if hit_len == 0 || key_len == 0 {
        return Err(Malformed("HIP needs a HIT and a public key"));
    }
    w.take(hit_len + key_len)?;
    while !w.is_empty() {
        names(w.pos(), NameUse::Plain);
        w.name()?;
    }
    Ok(())
}

pub(crate) fn print_hip(w: &mut Wire<'_>, p: &mut Printer) -> Result<(), Stop> {
    let hit_len = usize::from(w.u8()?);
    p.number(w.u8()?);
    let key_len = usize::from(w.u16()?);
    p.push(&encoding::hex_encode(w.take(hit_len)?));
    p.push(&encoding::base64_encode(w.take(key_len)?));
    while !w.is_empty() {
        p.name(w.name()?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naptr_regexes() {
        assert!(naptr_regex_ok(b""));
        assert!(naptr_regex_ok(b"!^.*$!sip:info@example.com!"));
        assert!(naptr_regex_ok(b"!^(.*)$!\\1@example.com!i"));
        assert!(naptr_regex_ok(b"/^\\+?([0-9]+)$/sip:\\1@example.com/"));
        assert!(!naptr_regex_ok(b"!^.*$!x!!"), "too many delimiters");
        assert!(!naptr_regex_ok(b"!^.*$!x"), "no closing delimiter");
        assert!(!naptr_regex_ok(b"!^.*$!x!g"), "unknown flag");
        assert!(!naptr_regex_ok(b"1^.*$1x1"), "digit delimiter");
        assert!(
            !naptr_regex_ok(b"!^.*$!\\1!"),
            "back-reference without a group"
        );
        assert!(!naptr_regex_ok(b"!(a!x!"), "open group");
        assert!(!naptr_regex_ok(b"!!x!"), "empty expression");
        assert!(!naptr_regex_ok(b"!a**!x!"), "repeated repetition");
        assert!(naptr_regex_ok(b"!a{1,3}[[:digit:]x-z]!x!"));
        assert!(!naptr_regex_ok(b"!a{3,1}!x!"));
        assert!(!naptr_regex_ok(b"![[:bogus:]]!x!"));
        assert!(!naptr_regex_ok(b"![z-a]!x!"));
    }
}
