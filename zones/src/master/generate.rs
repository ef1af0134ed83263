//! `$GENERATE` ranges and templates, as BIND 9.18 reads them.
//!
//! `$GENERATE start-stop[/step] lhs [ttl] [class] type rhs` makes one record per value of
//! the iterator. In `lhs` and `rhs`, `$` stands for the value, `$$` for a literal `$`,
//! `\x` is copied as is (so `\$` stays an escaped `$`), and `${offset[,width[,base]]}`
//! adds `offset`, pads to `width` and prints in base `d`, `o`, `x`, `X`, or as reversed
//! nibble labels `n`/`N` (for ip6.arpa names, where `width` counts the characters written,
//! dots included).

/// Longest owner template expansion (BIND's buffer, less its terminating NUL).
const MAX_LHS: usize = 2047;
/// Longest RDATA template expansion.
const MAX_RHS: usize = 65_510;
/// Longest single `$` substitution.
const MAX_NUMBER: usize = 127;

/// The iterator's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    /// First value.
    pub start: u32,
    /// Last value, inclusive.
    pub stop: u32,
    /// Increment, at least 1.
    pub step: u32,
}

impl Range {
    /// How many records the range makes.
    pub fn count(self) -> u64 {
        u64::from(self.stop - self.start) / u64::from(self.step) + 1
    }

    /// The values, in order.
    pub fn values(self) -> impl Iterator<Item = u32> {
        (u64::from(self.start)..=u64::from(self.stop))
            .step_by(self.step as usize)
            .filter_map(|v| u32::try_from(v).ok())
    }
}

/// Parses `start-stop` or `start-stop/step`. Like BIND (which reads it with
/// `sscanf("%d-%d%1[/]%d")`), text after `stop` that does not begin with `/` is ignored.
pub(crate) fn parse_range(text: &str) -> Option<Range> {
    let (start, rest) = scan_int(text)?;
    let rest = rest.strip_prefix('-')?;
    let (stop, rest) = scan_int(rest)?;
    let step = match rest.strip_prefix('/') {
        Some(rest) => scan_int(rest)?.0,
        None => 1,
    };
    if start < 0 || stop < start || step < 1 {
        return None;
    }
    Some(Range {
        start: u32::try_from(start).ok()?,
        stop: u32::try_from(stop).ok()?,
        step: u32::try_from(step).ok()?,
    })
}

/// Reads a C `%d`: an optional sign and at least one digit, within `i32`.
fn scan_int(text: &str) -> Option<(i64, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let digits_start = i;
    let mut value: i64 = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        value = value * 10 + i64::from(bytes[i] - b'0');
        if value > i64::from(i32::MAX) + 1 {
            return None;
        }
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    let value = if negative { -value } else { value };
    i32::try_from(value).ok()?;
    Some((value, &text[i..]))
}

/// Why a template did not expand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// A `${...}` that is not `${offset}`, `${offset,width}` or `${offset,width,base}`.
    Modifier,
    /// The iterator plus the offset overflows.
    Overflow,
    /// The expansion is too long.
    TooLong,
}

impl TemplateError {
    /// What went wrong and what was expected.
    pub fn message(self) -> &'static str {
        match self {
            Self::Modifier => {
                "bad modifier (expected ${offset}, ${offset,width} or ${offset,width,base} \
                 with base d, o, x, X, n or N)"
            }
            Self::Overflow => "iterator plus offset is out of range",
            Self::TooLong => "expansion too long",
        }
    }
}

/// Which side of the record a template is for; they have different length limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The owner name.
    Lhs,
    /// The RDATA.
    Rhs,
}

/// Expands `template` for iterator value `it` into `out` (cleared first).
pub(crate) fn expand(
    template: &str,
    it: u32,
    side: Side,
    out: &mut String,
) -> Result<(), TemplateError> {
    out.clear();
    let limit = match side {
        Side::Lhs => MAX_LHS,
        Side::Rhs => MAX_RHS,
    };
    let mut rest = template;
    while let Some(at) = rest.find(['$', '\\']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(escaped) = tail.strip_prefix('\\') {
            // The escape and the character after it go through untouched.
            let len = escaped.chars().next().map_or(1, |c| 1 + c.len_utf8());
            out.push_str(&tail[..len]);
            rest = &tail[len..];
        } else if tail[1..].starts_with('$') {
            out.push('$');
            rest = &tail[2..];
        } else {
            let (modifier, after) = match tail[1..].strip_prefix('{') {
                Some(body) => {
                    let modifier = parse_modifier(body)?;
                    // BIND skips to the first '}' whatever stood before it.
                    let after = body.find('}').map_or("", |i| &body[i + 1..]);
                    (modifier, after)
                }
                None => (Modifier::default(), &tail[1..]),
            };
            modifier.write(it, out)?;
            rest = after;
        }
        if out.len() > limit {
            return Err(TemplateError::TooLong);
        }
    }
    out.push_str(rest);
    if out.len() > limit {
        return Err(TemplateError::TooLong);
    }
    Ok(())
}

/// A `${offset,width,base}` modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Modifier {
    offset: i64,
    width: u64,
    base: u8,
}

impl Default for Modifier {
    fn default() -> Self {
        Self {
            offset: 0,
            width: 0,
            base: b'd',
        }
    }
}

/// Parses what follows `${`: `offset}`, `offset,width}` or `offset,width,base}`.
fn parse_modifier(body: &str) -> Result<Modifier, TemplateError> {
    let (offset, rest) = scan_int(body).ok_or(TemplateError::Modifier)?;
    let mut modifier = Modifier {
        offset,
        ..Modifier::default()
    };
    if rest.starts_with('}') {
        return Ok(modifier);
    }
    let rest = rest.strip_prefix(',').ok_or(TemplateError::Modifier)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(TemplateError::Modifier);
    }
    // Widths this large cannot fit the substitution anyway.
    modifier.width = rest[..digits].parse().unwrap_or(u64::MAX);
    let rest = &rest[digits..];
    if rest.starts_with('}') {
        return Ok(modifier);
    }
    let rest = rest.strip_prefix(',').ok_or(TemplateError::Modifier)?;
    match rest.as_bytes() {
        [base @ (b'd' | b'o' | b'x' | b'X' | b'n' | b'N'), b'}', ..] => {
            modifier.base = *base;
            Ok(modifier)
        }
        _ => Err(TemplateError::Modifier),
    }
}

impl Modifier {
    /// Appends the substitution for iterator value `it`.
    fn write(self, it: u32, out: &mut String) -> Result<(), TemplateError> {
        if it > 0 && self.offset > i64::from(i32::MAX) - i64::from(it) {
            return Err(TemplateError::Overflow);
        }
        if self.width > MAX_NUMBER as u64 {
            return Err(TemplateError::TooLong);
        }
        let width = self.width as usize;
        // C's int arithmetic: the sum wraps into i32, and the unsigned bases print its bits.
        let value = (i64::from(it) + self.offset) as i32;
        let start = out.len();
        match self.base {
            b'o' => out.push_str(&format!("{:0width$o}", value as u32)),
            b'x' => out.push_str(&format!("{:0width$x}", value as u32)),
            b'X' => out.push_str(&format!("{:0width$X}", value as u32)),
            b'n' | b'N' => nibbles(value as u32, width, self.base == b'N', out),
            _ => out.push_str(&format!("{value:0width$}")),
        }
        if out.len() - start > MAX_NUMBER {
            return Err(TemplateError::TooLong);
        }
        Ok(())
    }
}

/// Writes `value` as nibble labels, least significant first (`0x1f` → `f.1`), padding with
/// zero labels until `width` characters (dots included) are written.
fn nibbles(mut value: u32, mut width: usize, upper: bool, out: &mut String) {
    const LOWER: &[u8; 16] = b"0123456789abcdef";
    const UPPER: &[u8; 16] = b"0123456789ABCDEF";
    let digits = if upper { UPPER } else { LOWER };
    loop {
        out.push(char::from(digits[(value & 0xf) as usize]));
        value >>= 4;
        width = width.saturating_sub(1);
        if width > 0 || value != 0 {
            out.push('.');
            width = width.saturating_sub(1);
        }
        if value == 0 && width == 0 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(template: &str, it: u32) -> Result<String, TemplateError> {
        let mut out = String::new();
        expand(template, it, Side::Lhs, &mut out).map(|()| out)
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse_range("1-10"),
            Some(Range {
                start: 1,
                stop: 10,
                step: 1
            })
        );
        assert_eq!(
            parse_range("1-10/3").map(|r| r.values().collect::<Vec<_>>()),
            Some(vec![1, 4, 7, 10])
        );
        assert_eq!(parse_range("5-5").map(Range::count), Some(1));
        // Trailing text after stop is ignored, as sscanf does.
        assert_eq!(parse_range("1-3x").map(Range::count), Some(3));
        assert_eq!(
            parse_range("0-2147483647").map(Range::count),
            Some(2_147_483_648)
        );
        for bad in [
            "",
            "1",
            "1-",
            "-1-5",
            "5-1",
            "1-5/0",
            "1-5/",
            "1-5/x",
            "a-b",
            "1-2147483648",
        ] {
            assert_eq!(parse_range(bad), None, "{bad}");
        }
    }

    #[test]
    fn dollar_escapes_and_plain_substitution() {
        assert_eq!(x("host$", 7).as_deref(), Ok("host7"));
        assert_eq!(x("$.$", 7).as_deref(), Ok("7.7"));
        assert_eq!(x("a$$b", 7).as_deref(), Ok("a$b"));
        assert_eq!(x("a\\$b", 7).as_deref(), Ok("a\\$b"));
        assert_eq!(x("a\\", 7).as_deref(), Ok("a\\"));
        assert_eq!(x("trailing$", 0).as_deref(), Ok("trailing0"));
    }

    #[test]
    fn modifiers() {
        assert_eq!(x("${10}", 1).as_deref(), Ok("11"));
        assert_eq!(x("${-1}", 0).as_deref(), Ok("-1"));
        assert_eq!(x("${0,4}", 7).as_deref(), Ok("0007"));
        assert_eq!(x("${-1,4}", 0).as_deref(), Ok("-001"));
        assert_eq!(x("${10,4,x}", 0).as_deref(), Ok("000a"));
        assert_eq!(x("${0,3,X}", 255).as_deref(), Ok("0FF"));
        assert_eq!(x("${0,3,o}", 8).as_deref(), Ok("010"));
        assert_eq!(x("${0,0,d}", 8).as_deref(), Ok("8"));
        assert_eq!(x("${-1,0,x}", 0).as_deref(), Ok("ffffffff"));
        assert_eq!(x("a${1}b", 1).as_deref(), Ok("a2b"));
    }

    #[test]
    fn nibble_modifiers_count_dots_in_the_width() {
        assert_eq!(x("${0,0,n}", 250).as_deref(), Ok("a.f"));
        assert_eq!(x("${0,7,N}", 250).as_deref(), Ok("A.F.0.0"));
        assert_eq!(x("${0,6,n}", 250).as_deref(), Ok("a.f.0."));
        assert_eq!(x("${0,0,n}", 0).as_deref(), Ok("0"));
        assert_eq!(x("${0,7,n}.ip6", 0x1234).as_deref(), Ok("4.3.2.1.ip6"));
        assert_eq!(x("${0,8,n}.ip6", 0x1234).as_deref(), Ok("4.3.2.1..ip6"));
    }

    #[test]
    fn bad_modifiers() {
        for bad in [
            "${}", "${x}", "${1,}", "${1,2,q}", "${1,2,d", "${1;2}", "${1,2,",
        ] {
            assert_eq!(x(bad, 1), Err(TemplateError::Modifier), "{bad}");
        }
        assert_eq!(x("${2147483647}", 1), Err(TemplateError::Overflow));
        assert_eq!(x("${0,200}", 1), Err(TemplateError::TooLong));
        assert_eq!(x(&"a".repeat(3000), 1), Err(TemplateError::TooLong));
    }
}
