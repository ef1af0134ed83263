//! Reading RDATA tokens: a cursor that knows each token's index for error reports, the
//! number forms BIND's master-file lexer accepts, and character-string escapes.

use crate::name::{MAX_LABEL_LEN, MAX_NAME_LEN, Name};
use crate::text::Token;

use super::{RdataError, RdataErrorKind};

/// A cursor over the RDATA tokens of one record.
pub(crate) struct Tokens<'t, 'a> {
    toks: &'t [Token<'a>],
    next: usize,
    /// The origin that completes relative names.
    pub(crate) origin: &'t Name,
}

impl<'t, 'a> Tokens<'t, 'a> {
    pub(crate) fn new(toks: &'t [Token<'a>], origin: &'t Name) -> Self {
        Self {
            toks,
            next: 0,
            origin,
        }
    }

    /// The index the next token has (the token count once all are used).
    pub(crate) fn index(&self) -> usize {
        self.next
    }

    /// Whether every token has been used.
    pub(crate) fn is_empty(&self) -> bool {
        self.next >= self.toks.len()
    }

    /// The next token, if any, without using it.
    pub(crate) fn peek(&self) -> Option<&Token<'a>> {
        self.toks.get(self.next)
    }

    /// An error about the token at `index`.
    pub(crate) fn error_at(&self, index: usize, kind: RdataErrorKind) -> RdataError {
        RdataError { token: index, kind }
    }

    /// An error about the token just taken.
    pub(crate) fn error(&self, kind: RdataErrorKind) -> RdataError {
        self.error_at(self.next.saturating_sub(1), kind)
    }

    /// "expected `what`" about the token just taken.
    pub(crate) fn expected(&self, what: &'static str) -> RdataError {
        self.error(RdataErrorKind::Expected(what))
    }

    /// The next token, quoted or not; `what` names it if it is missing.
    pub(crate) fn next_any(&mut self, what: &'static str) -> Result<Token<'a>, RdataError> {
        match self.toks.get(self.next) {
            Some(token) => {
                self.next += 1;
                Ok(*token)
            }
            None => Err(self.error_at(self.next, RdataErrorKind::Missing(what))),
        }
    }

    /// The next token, which must not be a quoted string: BIND's lexer only gives quoted
    /// strings to the fields that take text.
    pub(crate) fn next_plain(&mut self, what: &'static str) -> Result<&'a str, RdataError> {
        let token = self.next_any(what)?;
        if token.quoted {
            return Err(self.expected(what));
        }
        Ok(token.text)
    }

    /// The next token if there is one and it is not quoted.
    pub(crate) fn next_plain_opt(&mut self) -> Option<&'a str> {
        match self.toks.get(self.next) {
            Some(token) if !token.quoted => {
                self.next += 1;
                Some(token.text)
            }
            _ => None,
        }
    }

    /// A decimal number token of at most `max`.
    pub(crate) fn number(&mut self, max: u32, what: &'static str) -> Result<u32, RdataError> {
        let text = self.next_plain(what)?;
        match parse_number(text) {
            Some(n) if n <= max => Ok(n),
            _ => Err(self.expected(what)),
        }
    }

    /// A domain name; `@` alone is the origin, other relative names are completed with it.
    pub(crate) fn name(&mut self) -> Result<Name, RdataError> {
        let text = self.next_plain("a domain name")?;
        self.name_from(text)
    }

    /// [`Tokens::name`], appending the wire form to `out`.
    pub(crate) fn name_into(&mut self, out: &mut Vec<u8>) -> Result<(), RdataError> {
        let text = self.next_plain("a domain name")?;
        self.name_from_into(text, out)
    }

    /// [`Tokens::name_from`], appending the wire form to `out`.
    pub(crate) fn name_from_into(&self, text: &str, out: &mut Vec<u8>) -> Result<(), RdataError> {
        if push_plain_name(text, self.origin, out).is_none() {
            out.extend_from_slice(self.name_from(text)?.as_wire());
        }
        Ok(())
    }

    /// Parses `text` (the token just taken) as a domain name.
    pub(crate) fn name_from(&self, text: &str) -> Result<Name, RdataError> {
        if text == "@" {
            return Ok(self.origin.clone());
        }
        Name::from_text(text, Some(self.origin)).map_err(|e| self.error(RdataErrorKind::Name(e)))
    }
}

/// Appends the wire form of a name written without escapes (`www`, `mail.example.com.`),
/// a relative one completed with `origin`, without building a [`Name`]. Returns whether
/// the name was relative; `None`, with `out` as it was, for anything else (escapes, `@`,
/// the root, empty or long labels, a name over 255 octets), which [`Name::from_text`]
/// parses and reports.
pub(crate) fn push_plain_name(text: &str, origin: &Name, out: &mut Vec<u8>) -> Option<bool> {
    let bytes = text.as_bytes();
    let (body, absolute) = match bytes.strip_suffix(b".") {
        Some(body) => (body, true),
        None => (bytes, false),
    };
    let tail = if absolute { 1 } else { origin.as_wire().len() };
    if body.is_empty() || text == "@" || body.len() + 1 + tail > MAX_NAME_LEN {
        return None;
    }
    // One pass over the text into a buffer on the stack: each label's length octet is
    // filled in when the label ends.
    let mut wire = [0u8; MAX_NAME_LEN];
    let mut length_at = 0;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'.' => {
                let len = i - length_at;
                if len == 0 || len > MAX_LABEL_LEN {
                    return None;
                }
                wire[length_at] = len as u8;
                length_at = i + 1;
            }
            b'\\' => return None,
            _ => wire[i + 1] = b,
        }
    }
    let len = body.len() - length_at;
    if len == 0 || len > MAX_LABEL_LEN {
        return None;
    }
    wire[length_at] = len as u8;
    out.extend_from_slice(&wire[..body.len() + 1]);
    if absolute {
        out.push(0);
    } else {
        out.extend_from_slice(origin.as_wire());
    }
    Some(!absolute)
}

/// The numbers BIND's lexer makes number tokens of: decimal digits only, at most 2^32-1.
pub(crate) fn parse_number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A period with optional units, as in `1w2d3h4m5s` (SOA timers); a plain number is seconds.
pub(crate) fn parse_period(text: &str) -> Option<u32> {
    // BIND refuses anything this long before looking at it.
    if text.len() > 63 {
        return None;
    }
    let bytes = text.as_bytes();
    let mut total: u64 = 0;
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let n: u64 = text[start..i].parse::<u32>().ok()?.into();
        let unit = match bytes.get(i).map(u8::to_ascii_lowercase) {
            Some(b'w') => 7 * 24 * 3600,
            Some(b'd') => 24 * 3600,
            Some(b'h') => 3600,
            Some(b'm') => 60,
            Some(b's') => 1,
            None if total == 0 => {
                total = n;
                break;
            }
            _ => return None,
        };
        total += n * unit;
        i += 1;
        if i == bytes.len() {
            break;
        }
    }
    u32::try_from(total).ok()
}

/// Why a character string could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringError {
    /// A backslash at the end, or `\D` not followed by two more digits, or `\DDD` > 255.
    BadEscape,
    /// Longer than the limit.
    TooLong,
}

/// Decodes the escapes of a character string (`\DDD`, `\X`) onto `out`, at most `limit`
/// bytes.
pub(crate) fn unescape_into(
    text: &str,
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), StringError> {
    let bytes = text.as_bytes();
    let start = out.len();
    let mut i = 0;
    while i < bytes.len() {
        let mut b = bytes[i];
        i += 1;
        if b == b'\\' {
            let (value, used) = unescape_at(&bytes[i..])?;
            b = value;
            i += used;
        }
        if out.len() - start >= limit {
            return Err(StringError::TooLong);
        }
        out.push(b);
    }
    Ok(())
}

/// The byte a backslash escape stands for and how many bytes after the backslash it used.
pub(crate) fn unescape_at(rest: &[u8]) -> Result<(u8, usize), StringError> {
    match rest {
        [a, b, c, ..] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
            let value = u32::from(a - b'0') * 100 + u32::from(b - b'0') * 10 + u32::from(c - b'0');
            u8::try_from(value)
                .map(|v| (v, 3))
                .map_err(|_| StringError::BadEscape)
        }
        [d, ..] if d.is_ascii_digit() => Err(StringError::BadEscape),
        [x, ..] => Ok((*x, 1)),
        [] => Err(StringError::BadEscape),
    }
}

/// Appends `bytes` as BIND prints a character string inside double quotes: `"` and `\`
/// escaped, bytes outside 0x20..=0x7e as `\DDD`.
pub(crate) fn push_quoted(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => push_decimal_escape(out, b),
        }
    }
    out.push('"');
}

/// Appends `\DDD`.
pub(crate) fn push_decimal_escape(out: &mut String, b: u8) {
    out.push('\\');
    out.push(char::from(b'0' + b / 100));
    out.push(char::from(b'0' + (b / 10) % 10));
    out.push(char::from(b'0' + b % 10));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimal() {
        assert_eq!(parse_number("0"), Some(0));
        assert_eq!(parse_number("00042"), Some(42));
        assert_eq!(parse_number("4294967295"), Some(u32::MAX));
        assert_eq!(parse_number("4294967296"), None);
        assert_eq!(parse_number("+1"), None);
        assert_eq!(parse_number("0x10"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn periods_take_units_like_bind() {
        assert_eq!(parse_period("3600"), Some(3600));
        assert_eq!(parse_period("1h"), Some(3600));
        assert_eq!(parse_period("1w2d"), Some(777_600));
        assert_eq!(parse_period("1H30M"), Some(5400));
        assert_eq!(parse_period("1h1h"), Some(7200));
        // A bare number after a unit, or a unit without a number, is a syntax error.
        assert_eq!(parse_period("1h30"), None);
        assert_eq!(parse_period("h"), None);
        assert_eq!(parse_period("1x"), None);
        assert_eq!(parse_period("4294967295"), Some(u32::MAX));
        assert_eq!(parse_period("4294967296"), None);
        assert_eq!(parse_period("7102w"), None);
    }

    #[test]
    fn plain_names_agree_with_name_from_text() {
        let origin = Name::from_text("example.com.", None).expect("valid origin");
        let long_label = "a".repeat(63);
        let too_long_label = "a".repeat(64);
        let long_name = vec!["abcdefghi"; 25].join(".");
        let cases = [
            "www",
            "www.",
            "a.b.c",
            "a.b.c.",
            "Mixed.Case",
            "@",
            ".",
            "",
            "a..b",
            ".a",
            "a\\.b",
            "a\\065",
            &long_label,
            &too_long_label,
            &long_name,
            "*.wild",
            "xn--bcher-kva.",
        ];
        for text in cases {
            let mut out = b"prefix".to_vec();
            let plain = push_plain_name(text, &origin, &mut out);
            let parsed = Name::from_text(text, Some(&origin));
            match plain {
                Some(relative) => {
                    let name = parsed.expect("what the fast path takes is a name");
                    assert_eq!(&out[6..], name.as_wire(), "{text}");
                    assert_eq!(relative, !text.ends_with('.'), "{text}");
                }
                None => assert_eq!(out, b"prefix", "{text}: left as it was"),
            }
        }
        // Everything unusual is left to Name::from_text, which reports it.
        let mut out = Vec::new();
        for text in ["@", ".", "a..b", "a\\.b", &too_long_label, &long_name] {
            assert_eq!(push_plain_name(text, &origin, &mut out), None, "{text}");
        }
    }

    #[test]
    fn escapes() {
        let mut out = Vec::new();
        unescape_into("a\\065\\\"\\\\", 255, &mut out).expect("valid");
        assert_eq!(out, b"aA\"\\");
        out.clear();
        assert_eq!(
            unescape_into("\\25", 255, &mut out),
            Err(StringError::BadEscape)
        );
        assert_eq!(
            unescape_into("\\256", 255, &mut out),
            Err(StringError::BadEscape)
        );
        assert_eq!(
            unescape_into("x\\", 255, &mut out),
            Err(StringError::BadEscape)
        );
        out.clear();
        assert_eq!(unescape_into("abc", 2, &mut out), Err(StringError::TooLong));
        let mut s = String::new();
        push_quoted(&mut s, b"a \"b\\\x00\xff");
        assert_eq!(s, "\"a \\\"b\\\\\\000\\255\"");
    }
}
