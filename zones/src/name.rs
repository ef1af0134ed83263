//! Domain names: uncompressed wire form, case preserved, compared case-insensitively.
//!
//! A [`Name`] is always absolute (it ends with the root label). Equality and hashing ignore
//! ASCII case, as RFC 4343 requires; [`Ord`] is the canonical order of RFC 4034 §6.1, so a
//! sorted collection of names is in the order DNSSEC and zone transfers use.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The longest name in wire form (RFC 1035 §2.3.4).
pub const MAX_NAME_LEN: usize = 255;
/// The longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// Why a name could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name is longer than 255 octets in wire form.
    #[error("name is longer than 255 octets")]
    TooLong,
    /// A label is longer than 63 octets.
    #[error("label is longer than 63 octets")]
    LabelTooLong,
    /// Two dots in a row, or a leading dot in a name other than the root.
    #[error("empty label")]
    EmptyLabel,
    /// A `\DDD` escape above 255 or a backslash at the end of the text.
    #[error("bad escape sequence")]
    BadEscape,
    /// A relative name with no origin to complete it.
    #[error("relative name and no origin")]
    NoOrigin,
    /// Wire data that is not a sequence of labels ending in the root.
    #[error("malformed wire-format name")]
    BadWire,
}

/// An absolute domain name, stored in uncompressed wire form.
#[derive(Clone)]
pub struct Name {
    wire: Box<[u8]>,
}

impl Name {
    /// The root name, `.`.
    pub fn root() -> Self {
        Self {
            wire: Box::new([0]),
        }
    }

    /// Takes an uncompressed wire-format name that must fill `wire` exactly.
    pub fn from_wire(wire: &[u8]) -> Result<Self, NameError> {
        match wire_name_len(wire, 0)? {
            n if n == wire.len() => Ok(Self { wire: wire.into() }),
            _ => Err(NameError::BadWire),
        }
    }

    /// Reads an uncompressed wire-format name starting at `pos`; returns it and the position
    /// after it.
    pub fn read_wire(buf: &[u8], pos: usize) -> Result<(Self, usize), NameError> {
        let len = wire_name_len(buf, pos)?;
        let end = pos + len;
        Ok((
            Self {
                wire: buf[pos..end].into(),
            },
            end,
        ))
    }

    /// Builds a name from labels, left to right, without the root label.
    pub fn from_labels<'a, I>(labels: I) -> Result<Self, NameError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut wire = Vec::with_capacity(32);
        for label in labels {
            push_label(&mut wire, label)?;
        }
        wire.push(0);
        if wire.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
        Ok(Self { wire: wire.into() })
    }

    /// Parses presentation format (`www.example.com.`, `a\.b`, `\065`); a name without a
    /// trailing dot is relative and completed with `origin`.
    ///
    /// `@` has no special meaning here: that is the master-file parser's business.
    pub fn from_text(text: &str, origin: Option<&Name>) -> Result<Self, NameError> {
        if text == "." {
            return Ok(Self::root());
        }
        let bytes = text.as_bytes();
        if bytes.is_empty() {
            return Err(NameError::EmptyLabel);
        }
        let mut wire = Vec::with_capacity(bytes.len() + 2);
        let mut label = Vec::with_capacity(MAX_LABEL_LEN);
        let mut absolute = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'.' => {
                    if label.is_empty() {
                        return Err(NameError::EmptyLabel);
                    }
                    push_label(&mut wire, &label)?;
                    label.clear();
                    if i + 1 == bytes.len() {
                        absolute = true;
                    }
                    i += 1;
                }
                b'\\' => {
                    let (byte, used) = unescape(&bytes[i + 1..])?;
                    label.push(byte);
                    i += 1 + used;
                }
                b => {
                    label.push(b);
                    i += 1;
                }
            }
            if label.len() > MAX_LABEL_LEN {
                return Err(NameError::LabelTooLong);
            }
        }
        if !label.is_empty() {
            push_label(&mut wire, &label)?;
        }
        if absolute {
            wire.push(0);
        } else {
            let origin = origin.ok_or(NameError::NoOrigin)?;
            wire.extend_from_slice(&origin.wire);
        }
        if wire.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
        Ok(Self { wire: wire.into() })
    }

    /// The name in uncompressed wire form, case preserved.
    pub fn as_wire(&self) -> &[u8] {
        &self.wire
    }

    /// The labels from left to right, without the root label.
    pub fn labels(&self) -> Labels<'_> {
        Labels {
            wire: &self.wire,
            pos: 0,
        }
    }

    /// How many labels the name has, not counting the root label.
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// Whether this is the root name.
    pub fn is_root(&self) -> bool {
        self.wire.len() == 1
    }

    /// Whether the leftmost label is `*` (RFC 4592 §2.1.1).
    pub fn is_wildcard(&self) -> bool {
        self.wire.len() >= 2 && self.wire[0] == 1 && self.wire[1] == b'*'
    }

    /// Whether this name equals `other` or lies below it.
    pub fn is_subdomain_of(&self, other: &Name) -> bool {
        let (mine, theirs) = (self.label_count(), other.label_count());
        mine >= theirs
            && self
                .strip_left(mine - theirs)
                .as_wire()
                .eq_ignore_ascii_case(&other.wire)
    }

    /// The name without its `n` leftmost labels (the root when `n` is too large).
    pub fn strip_left(&self, n: usize) -> Name {
        let mut pos = 0;
        for _ in 0..n {
            if self.wire[pos] == 0 {
                break;
            }
            pos += 1 + usize::from(self.wire[pos]);
        }
        Name {
            wire: self.wire[pos..].into(),
        }
    }

    /// The name one label up, or `None` for the root.
    pub fn parent(&self) -> Option<Name> {
        (!self.is_root()).then(|| self.strip_left(1))
    }

    /// This name with `label` added on the left.
    pub fn prepend(&self, label: &[u8]) -> Result<Name, NameError> {
        let mut wire = Vec::with_capacity(self.wire.len() + label.len() + 1);
        push_label(&mut wire, label)?;
        wire.extend_from_slice(&self.wire);
        if wire.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
        Ok(Name { wire: wire.into() })
    }

    /// The wildcard name `*.<self>`.
    pub fn wildcard_child(&self) -> Result<Name, NameError> {
        self.prepend(b"*")
    }

    /// A copy with ASCII letters folded to lower case (RFC 4034 §6.2 canonical form).
    pub fn to_lowercase(&self) -> Name {
        Name {
            wire: self.wire.to_ascii_lowercase().into(),
        }
    }

    /// The name relative to `origin` in presentation form, `@` when equal, or the absolute
    /// form when it is not below `origin`.
    pub fn to_relative_text(&self, origin: &Name) -> String {
        if self == origin {
            return "@".to_string();
        }
        if !self.is_subdomain_of(origin) || origin.is_root() {
            return self.to_string();
        }
        let keep = self.label_count() - origin.label_count();
        let mut out = String::new();
        for (i, label) in self.labels().take(keep).enumerate() {
            if i > 0 {
                out.push('.');
            }
            write_label(&mut out, label);
        }
        out
    }
}

/// Validates the wire-format name starting at `pos` and returns its length.
fn wire_name_len(buf: &[u8], pos: usize) -> Result<usize, NameError> {
    let mut i = pos;
    loop {
        let len = usize::from(*buf.get(i).ok_or(NameError::BadWire)?);
        if len == 0 {
            let total = i + 1 - pos;
            return if total > MAX_NAME_LEN {
                Err(NameError::TooLong)
            } else {
                Ok(total)
            };
        }
        if len > MAX_LABEL_LEN {
            return Err(NameError::BadWire);
        }
        i += 1 + len;
        if i - pos >= MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
    }
}

fn push_label(wire: &mut Vec<u8>, label: &[u8]) -> Result<(), NameError> {
    if label.is_empty() {
        return Err(NameError::EmptyLabel);
    }
    if label.len() > MAX_LABEL_LEN {
        return Err(NameError::LabelTooLong);
    }
    wire.push(label.len() as u8);
    wire.extend_from_slice(label);
    Ok(())
}

/// Decodes the escape after a backslash: `\DDD` or `\X`; returns the byte and the bytes used.
pub(crate) fn unescape(rest: &[u8]) -> Result<(u8, usize), NameError> {
    match rest {
        [a, b, c, ..] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
            let value = u32::from(a - b'0') * 100 + u32::from(b - b'0') * 10 + u32::from(c - b'0');
            u8::try_from(value)
                .map(|v| (v, 3))
                .map_err(|_| NameError::BadEscape)
        }
        [d, ..] if d.is_ascii_digit() => Err(NameError::BadEscape),
        [x, ..] => Ok((*x, 1)),
        [] => Err(NameError::BadEscape),
    }
}

/// Appends one label in presentation form, escaping as BIND does.
fn write_label(out: &mut String, label: &[u8]) {
    for &b in label {
        match b {
            b'.' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x21..=0x7e => out.push(char::from(b)),
            _ => {
                out.push('\\');
                out.push_str(&format!("{b:03}"));
            }
        }
    }
}

/// The labels of a name, left to right.
pub struct Labels<'a> {
    wire: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let len = usize::from(self.wire[self.pos]);
        if len == 0 {
            return None;
        }
        let label = &self.wire[self.pos + 1..self.pos + 1 + len];
        self.pos += 1 + len;
        Some(label)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_str(".");
        }
        let mut out = String::with_capacity(self.wire.len() + 8);
        for label in self.labels() {
            write_label(&mut out, label);
            out.push('.');
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.wire.eq_ignore_ascii_case(&other.wire)
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.wire.iter() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl Ord for Name {
    /// RFC 4034 §6.1: compare label by label from the right, each label as lower-cased
    /// octets, a missing label sorting first.
    fn cmp(&self, other: &Self) -> Ordering {
        let mut a: Vec<&[u8]> = self.labels().collect();
        let mut b: Vec<&[u8]> = other.labels().collect();
        a.reverse();
        b.reverse();
        for (x, y) in a.iter().zip(b.iter()) {
            let ord = x
                .iter()
                .map(u8::to_ascii_lowercase)
                .cmp(y.iter().map(u8::to_ascii_lowercase));
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a.len().cmp(&b.len())
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::from_text(s, None).expect("valid test name")
    }

    #[test]
    fn text_round_trip_with_escapes() {
        let name = n("a\\.b.\\065x\\032.example.");
        assert_eq!(name.label_count(), 3);
        assert_eq!(name.to_string(), "a\\.b.Ax\\032.example.");
    }

    #[test]
    fn relative_names_need_an_origin() {
        assert_eq!(Name::from_text("www", None), Err(NameError::NoOrigin));
        let origin = n("example.com.");
        assert_eq!(
            Name::from_text("www", Some(&origin)).expect("ok"),
            n("www.example.com.")
        );
    }

    #[test]
    fn rejects_bad_names() {
        assert_eq!(Name::from_text("a..b.", None), Err(NameError::EmptyLabel));
        assert_eq!(
            Name::from_text(&"a".repeat(64), Some(&Name::root())),
            Err(NameError::LabelTooLong)
        );
        assert_eq!(Name::from_text("\\256.", None), Err(NameError::BadEscape));
        let long = format!("{}.", ["abcdefghi"; 26].join("."));
        assert_eq!(Name::from_text(&long, None), Err(NameError::TooLong));
    }

    #[test]
    fn case_insensitive_equality_and_subdomains() {
        assert_eq!(n("WWW.Example.COM."), n("www.example.com."));
        assert!(n("a.b.Example.com.").is_subdomain_of(&n("example.COM.")));
        assert!(!n("example.com.").is_subdomain_of(&n("a.example.com.")));
        assert!(!n("xexample.com.").is_subdomain_of(&n("example.com.")));
        assert!(n("x.").is_subdomain_of(&Name::root()));
    }

    #[test]
    fn rfc4034_section_6_1_canonical_order() {
        let sorted = [
            "example.",
            "a.example.",
            "yljkjljk.a.example.",
            "Z.a.example.",
            "zABC.a.EXAMPLE.",
            "z.example.",
            "\\001.z.example.",
            "*.z.example.",
            "\\200.z.example.",
        ];
        let names: Vec<Name> = sorted.iter().map(|s| n(s)).collect();
        let mut shuffled = names.clone();
        shuffled.reverse();
        shuffled.sort();
        assert_eq!(shuffled, names);
    }

    #[test]
    fn relative_text() {
        let origin = n("example.com.");
        assert_eq!(n("www.example.com.").to_relative_text(&origin), "www");
        assert_eq!(n("example.com.").to_relative_text(&origin), "@");
        assert_eq!(n("example.net.").to_relative_text(&origin), "example.net.");
    }
}
