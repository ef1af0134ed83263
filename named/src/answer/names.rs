//! Wire-form names in fixed buffers: what the query path builds (restart names, wildcard
//! owners, DNAME substitutions, NSEC3 hashes) without allocating.

use zones::name::MAX_NAME_LEN;

/// The most labels a name can have before the root label.
const MAX_LABELS: usize = 127;

/// An uncompressed wire-form name held in a fixed buffer.
#[derive(Clone, Copy)]
pub(crate) struct NameBuf {
    bytes: [u8; MAX_NAME_LEN],
    len: u8,
}

impl NameBuf {
    /// The root name.
    pub(crate) const fn root() -> Self {
        Self {
            bytes: [0; MAX_NAME_LEN],
            len: 1,
        }
    }

    /// A copy of `name`, which must be one valid uncompressed name; `None` otherwise.
    pub(crate) fn from_wire(name: &[u8]) -> Option<Self> {
        label_count(name)?;
        let mut buf = Self::root();
        buf.bytes[..name.len()].copy_from_slice(name);
        buf.len = name.len() as u8;
        Some(buf)
    }

    /// `prefix` (labels without the root) followed by `suffix` (a whole name); `None`
    /// when the result would exceed 255 octets.
    pub(crate) fn concat(prefix: &[u8], suffix: &[u8]) -> Option<Self> {
        let len = prefix.len() + suffix.len();
        if len > MAX_NAME_LEN || suffix.is_empty() {
            return None;
        }
        let mut buf = Self::root();
        buf.bytes[..prefix.len()].copy_from_slice(prefix);
        buf.bytes[prefix.len()..len].copy_from_slice(suffix);
        buf.len = len as u8;
        Some(buf)
    }

    /// The bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The name with ASCII letters lower-cased.
    pub(crate) fn lowered(&self) -> Self {
        let mut out = *self;
        out.bytes[..usize::from(self.len)].make_ascii_lowercase();
        out
    }
}

impl std::fmt::Debug for NameBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match zones::Name::from_wire(self.as_bytes()) {
            Ok(name) => write!(f, "{name}"),
            Err(_) => write!(f, "{:?}", self.as_bytes()),
        }
    }
}

/// The number of labels (before the root) of one valid uncompressed name; `None` when
/// the bytes are not exactly such a name.
pub(crate) fn label_count(name: &[u8]) -> Option<usize> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return None;
    }
    let mut pos = 0;
    let mut count = 0;
    loop {
        let len = usize::from(*name.get(pos)?);
        if len == 0 {
            return (pos + 1 == name.len()).then_some(count);
        }
        if len > 63 || count == MAX_LABELS {
            return None;
        }
        count += 1;
        pos += 1 + len;
    }
}

/// The length of the uncompressed name at the start of `bytes`; `None` when there is no
/// valid one.
pub(crate) fn name_len(bytes: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        let len = usize::from(*bytes.get(pos)?);
        if len > 63 || pos + 1 + len > MAX_NAME_LEN {
            return None;
        }
        pos += 1 + len;
        if len == 0 {
            return Some(pos);
        }
    }
}

/// The suffix of valid name `name` without its `skip` leftmost labels.
pub(crate) fn skip_labels(name: &[u8], skip: usize) -> &[u8] {
    let mut pos = 0;
    for _ in 0..skip {
        match name.get(pos) {
            Some(&len) if len != 0 => pos += 1 + usize::from(len),
            _ => break,
        }
    }
    &name[pos.min(name.len().saturating_sub(1))..]
}

/// The suffix of valid name `name` holding its `keep` rightmost labels.
pub(crate) fn keep_labels(name: &[u8], keep: usize) -> &[u8] {
    let count = label_count(name).unwrap_or(0);
    skip_labels(name, count.saturating_sub(keep))
}

/// How many rightmost labels two valid names share (compared without case), not
/// counting the root.
pub(crate) fn common_labels(a: &[u8], b: &[u8]) -> usize {
    let (Some(ca), Some(cb)) = (label_count(a), label_count(b)) else {
        return 0;
    };
    let mut common = 0;
    while common < ca.min(cb) {
        let x = skip_labels(a, ca - common - 1);
        let y = skip_labels(b, cb - common - 1);
        let (lx, ly) = (usize::from(x[0]), usize::from(y[0]));
        if !x[..=lx].eq_ignore_ascii_case(&y[..=ly]) {
            break;
        }
        common += 1;
    }
    common
}

/// `name` written with the letter case of `pattern`, position by position, as BIND 9.18
/// writes an RRset's owner: every RRset remembers which octets of the owner name it was
/// loaded with were upper case, and applies that map to the name it is written under.
/// An exact match gives the loaded case back; a wildcard answer gives the query name in
/// the wildcard's case map (lower case for a lower-case wildcard).
pub(crate) fn with_case_of(name: &[u8], pattern: &[u8]) -> NameBuf {
    let mut out = NameBuf::from_wire(name).unwrap_or_else(NameBuf::root);
    let len = usize::from(out.len);
    for (i, byte) in out.bytes[..len].iter_mut().enumerate() {
        if pattern.get(i).is_some_and(u8::is_ascii_uppercase) {
            byte.make_ascii_uppercase();
        } else {
            byte.make_ascii_lowercase();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<u8> {
        zones::Name::from_text(text, None)
            .expect("valid test name")
            .as_wire()
            .to_vec()
    }

    #[test]
    fn label_arithmetic() {
        let name = w("a.b.Example.com.");
        assert_eq!(label_count(&name), Some(4));
        assert_eq!(skip_labels(&name, 2), &w("Example.com.")[..]);
        assert_eq!(keep_labels(&name, 1), &w("com.")[..]);
        assert_eq!(skip_labels(&name, 9), b"\0");
        assert_eq!(common_labels(&name, &w("x.example.com.")), 2);
        assert_eq!(common_labels(&name, &w("net.")), 0);
        assert_eq!(label_count(b"\x03www"), None);
        assert_eq!(label_count(b"\x00\x00"), None);
        assert_eq!(name_len(b"\x03www\x00\xff"), Some(5));
        assert_eq!(name_len(b"\x03ww"), None);
    }

    #[test]
    fn case_maps_apply_by_position() {
        let out = with_case_of(&w("X.Wild.example."), &w("*.wild.example."));
        assert_eq!(out.as_bytes(), &w("x.wild.example.")[..]);
        let out = with_case_of(&w("www.example."), &w("WwW.example."));
        assert_eq!(out.as_bytes(), &w("WwW.example.")[..]);
        // Positions, not labels: a map shorter than the name leaves the rest lower case.
        let out = with_case_of(&w("abc.def."), &w("X."));
        assert_eq!(out.as_bytes(), &w("Abc.def.")[..]);
        let out = with_case_of(&w("abc.def."), &w("."));
        assert_eq!(out.as_bytes(), &w("abc.def.")[..]);
    }

    #[test]
    fn concatenation_respects_the_limit() {
        let long = w(&format!("{}.", vec!["a".repeat(63); 3].join(".")));
        let prefix = &w("x.y.")[..4];
        assert!(NameBuf::concat(prefix, &long).is_some());
        let more = [b'\x3f'; 1]
            .iter()
            .copied()
            .chain(std::iter::repeat_n(b'b', 63))
            .collect::<Vec<u8>>();
        assert!(NameBuf::concat(&more, &long).is_none());
    }
}
