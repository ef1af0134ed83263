//! Wire-form name helpers that work on borrowed bytes and stack buffers, so that the query
//! path never allocates.

use crate::name::{MAX_LABEL_LEN, MAX_NAME_LEN};

/// The most labels a name can have, the root label included (a 255-octet name of one-octet
/// labels has 127 of them plus the root).
pub(crate) const MAX_LABELS: usize = 128;

/// Where each label of a wire-form name starts.
#[derive(Clone, Copy)]
pub(crate) struct LabelOffsets {
    starts: [u8; MAX_LABELS],
    /// Labels before the root label.
    count: u8,
}

impl LabelOffsets {
    /// Validates `name` as exactly one uncompressed wire-form name and records its label
    /// starts; `None` when the bytes are not such a name.
    pub(crate) fn parse(name: &[u8]) -> Option<Self> {
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            return None;
        }
        let mut starts = [0u8; MAX_LABELS];
        let mut count = 0usize;
        let mut pos = 0usize;
        loop {
            let len = usize::from(*name.get(pos)?);
            if len == 0 {
                // The root label must end the slice exactly.
                if pos + 1 != name.len() {
                    return None;
                }
                starts[count] = pos as u8;
                return Some(Self {
                    starts,
                    count: count as u8,
                });
            }
            if len > MAX_LABEL_LEN || count + 1 >= MAX_LABELS {
                return None;
            }
            starts[count] = pos as u8;
            count += 1;
            pos += 1 + len;
        }
    }

    /// Labels before the root label.
    pub(crate) fn count(&self) -> usize {
        usize::from(self.count)
    }

    /// Where the suffix that drops the `skip` leftmost labels begins (`skip == count()` gives
    /// the root label).
    pub(crate) fn start(&self, skip: usize) -> usize {
        usize::from(self.starts[skip])
    }
}

/// Whether valid wire-form `name` equals valid wire-form `ancestor` or lies below it,
/// ignoring case.
pub(crate) fn is_below(name: &[u8], ancestor: &[u8]) -> bool {
    let Some(start) = name.len().checked_sub(ancestor.len()) else {
        return false;
    };
    // Names mostly share their spelling: an exact match is quicker to rule in.
    let tail = &name[start..];
    if tail != ancestor && !tail.eq_ignore_ascii_case(ancestor) {
        return false;
    }
    // The match must begin at a label boundary.
    let mut pos = 0;
    while pos < start {
        pos += 1 + usize::from(name[pos]);
    }
    pos == start
}

/// Whether the leftmost label of a wire-form name is `*` (RFC 4592 §2.1.1).
pub(crate) fn is_wildcard(name: &[u8]) -> bool {
    name.len() >= 2 && name[0] == 1 && name[1] == b'*'
}

/// Presentation form as BIND's `dns_name_format` prints it in messages: no trailing dot
/// except for the root.
pub(crate) fn display(name: &crate::name::Name) -> String {
    let text = name.to_string();
    match text.strip_suffix('.') {
        Some(stripped) if !stripped.is_empty() => stripped.to_string(),
        _ => text,
    }
}

/// [`display`] for a wire-form name; malformed bytes print as `<malformed>`.
pub(crate) fn display_wire(name: &[u8]) -> String {
    match crate::name::Name::from_wire(name) {
        Ok(name) => display(&name),
        Err(_) => "<malformed>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;

    #[test]
    fn offsets_of_a_name() {
        let name = Name::from_text("www.Example.com.", None).expect("name");
        let offs = LabelOffsets::parse(name.as_wire()).expect("valid");
        assert_eq!(offs.count(), 3);
        assert_eq!(&name.as_wire()[offs.start(1)..], b"\x07Example\x03com\x00");
        assert_eq!(&name.as_wire()[offs.start(3)..], b"\x00");
        assert!(is_below(name.as_wire(), b"\x03COM\x00"));
        assert!(!is_below(b"\x03com\x00", name.as_wire()));
    }

    #[test]
    fn rejects_what_is_not_one_name() {
        assert!(LabelOffsets::parse(b"").is_none());
        assert!(LabelOffsets::parse(b"\x03www").is_none());
        assert!(LabelOffsets::parse(b"\x00\x00").is_none());
        assert!(LabelOffsets::parse(b"\xc0\x0c").is_none());
        let mut long = Vec::new();
        for _ in 0..128 {
            long.extend_from_slice(b"\x01a");
        }
        long.push(0);
        assert!(LabelOffsets::parse(&long).is_none());
        let max: Vec<u8> = std::iter::repeat_n([1u8, b'a'], 127)
            .flatten()
            .chain([0])
            .collect();
        assert_eq!(LabelOffsets::parse(&max).expect("255 octets").count(), 127);
    }

    #[test]
    fn messages_drop_the_trailing_dot() {
        assert_eq!(
            display(&Name::from_text("a.example.", None).expect("name")),
            "a.example"
        );
        assert_eq!(display(&Name::root()), ".");
    }
}
