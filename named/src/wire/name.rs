//! Domain names in a message: reading a possibly compressed name into a fixed buffer.

use zones::name::{MAX_LABEL_LEN, MAX_NAME_LEN};

/// Why a name in a message could not be read; BIND answers every one of these FORMERR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameFault {
    /// The message ended inside the name.
    #[error("the message ends inside a name")]
    Truncated,
    /// A label type other than a length or a pointer (RFC 6891 §5 retired 0x40 and 0x80).
    #[error("unknown label type")]
    BadLabelType,
    /// A compression pointer that does not point before the labels that led to it.
    #[error("compression pointer does not point backwards")]
    BadPointer,
    /// A compression pointer where the format forbids one.
    #[error("compression pointer not allowed here")]
    PointerNotAllowed,
    /// More than 255 bytes once decompressed.
    #[error("name longer than 255 bytes")]
    TooLong,
}

/// An uncompressed name copied out of a message, kept in a fixed buffer.
#[derive(Clone)]
pub struct NameBuf {
    bytes: [u8; MAX_NAME_LEN],
    len: u8,
}

impl NameBuf {
    /// The root name.
    pub const fn root() -> Self {
        Self {
            bytes: [0; MAX_NAME_LEN],
            len: 1,
        }
    }

    /// The name in uncompressed wire form.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Reads the name at `pos` of `msg` into `self`; returns the position after it.
    ///
    /// The rules are BIND 9.18's `dns_name_fromwire`: a pointer must point before the
    /// start of the run of labels that contains it (so decompression always ends), may
    /// point into the header, and the decompressed name may be at most 255 bytes.
    pub fn read(&mut self, msg: &[u8], pos: usize, pointers: bool) -> Result<usize, NameFault> {
        let mut len = 0usize;
        let mut cursor = pos;
        let mut marker = pos;
        let mut resume = None;
        loop {
            let &byte = msg.get(cursor).ok_or(NameFault::Truncated)?;
            match byte {
                0 => {
                    self.bytes[len] = 0;
                    // At most 255: checked on each label below.
                    self.len = (len + 1) as u8;
                    return Ok(resume.unwrap_or(cursor + 1));
                }
                1..=63 => {
                    let label_len = usize::from(byte);
                    // Counting the root byte still to come, as BIND does.
                    if len + 1 + label_len + 1 > MAX_NAME_LEN {
                        return Err(NameFault::TooLong);
                    }
                    let label = msg
                        .get(cursor..cursor + 1 + label_len)
                        .ok_or(NameFault::Truncated)?;
                    self.bytes[len..len + 1 + label_len].copy_from_slice(label);
                    len += 1 + label_len;
                    cursor += 1 + label_len;
                }
                64..=191 => return Err(NameFault::BadLabelType),
                _ => {
                    if !pointers {
                        return Err(NameFault::PointerNotAllowed);
                    }
                    let &low = msg.get(cursor + 1).ok_or(NameFault::Truncated)?;
                    let target = usize::from(byte & 0x3f) << 8 | usize::from(low);
                    if target >= marker {
                        return Err(NameFault::BadPointer);
                    }
                    resume.get_or_insert(cursor + 2);
                    cursor = target;
                    marker = target;
                }
            }
        }
    }

    /// Fills `lower` with this name, ASCII letters lower-cased.
    pub fn lowercase_into(&self, lower: &mut NameBuf) {
        let n = usize::from(self.len);
        for (dst, src) in lower.bytes[..n].iter_mut().zip(&self.bytes[..n]) {
            *dst = src.to_ascii_lowercase();
        }
        lower.len = self.len;
    }

    /// Whether two names are equal ignoring ASCII case (RFC 4343).
    pub fn eq_ignore_case(&self, other: &NameBuf) -> bool {
        self.as_bytes().eq_ignore_ascii_case(other.as_bytes())
    }
}

impl Default for NameBuf {
    fn default() -> Self {
        Self::root()
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

/// The offsets of the labels of an uncompressed wire name, root excluded, and the total
/// length. `None` when `name` is not a well-formed uncompressed name.
pub(crate) fn label_offsets(name: &[u8]) -> Option<([u8; 128], usize, usize)> {
    let mut offsets = [0u8; 128];
    let mut count = 0;
    let mut pos = 0;
    loop {
        let len = usize::from(*name.get(pos)?);
        if len == 0 {
            return Some((offsets, count, pos + 1));
        }
        if len > MAX_LABEL_LEN || pos + 1 + len >= MAX_NAME_LEN || count == offsets.len() {
            return None;
        }
        // pos < 255 here, so it fits a u8.
        offsets[count] = pos as u8;
        count += 1;
        pos += 1 + len;
    }
}

/// The length of the uncompressed wire name at the start of `bytes`, if well formed.
pub(crate) fn uncompressed_len(bytes: &[u8]) -> Option<usize> {
    label_offsets(bytes).map(|(_, _, len)| len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(msg: &[u8], pos: usize) -> Result<(Vec<u8>, usize), NameFault> {
        let mut n = NameBuf::root();
        let next = n.read(msg, pos, true)?;
        Ok((n.as_bytes().to_vec(), next))
    }

    #[test]
    fn plain_and_compressed() {
        let msg = b"\x03www\x07example\x03com\x00\x04mail\xc0\x04";
        assert_eq!(
            read(msg, 0).expect("test data is valid"),
            (msg[..17].to_vec(), 17)
        );
        assert_eq!(
            read(msg, 17).expect("test data is valid"),
            (b"\x04mail\x07example\x03com\x00".to_vec(), 24)
        );
    }

    #[test]
    fn pointer_rules_follow_bind() {
        // Pointing at itself, or forwards, is refused.
        assert_eq!(read(b"\xc0\x00", 0), Err(NameFault::BadPointer));
        assert_eq!(read(b"\x01a\xc0\x00", 0), Err(NameFault::BadPointer));
        assert_eq!(read(b"\xc0\x04\x00\x00\x00", 0), Err(NameFault::BadPointer));
        // A chain that goes strictly backwards is fine.
        let msg = b"\x00\x01a\xc0\x00\x01b\xc0\x01";
        assert_eq!(
            read(msg, 5).expect("test data is valid"),
            (b"\x01b\x01a\x00".to_vec(), 9)
        );
        // A pointer cut in half.
        assert_eq!(read(b"\x00\xc0", 1), Err(NameFault::Truncated));
    }

    #[test]
    fn lengths_and_label_types() {
        assert_eq!(read(b"\x41a\x00", 0), Err(NameFault::BadLabelType));
        assert_eq!(read(b"\x81a\x00", 0), Err(NameFault::BadLabelType));
        assert_eq!(read(b"\x03ww", 0), Err(NameFault::Truncated));
        let mut exact = Vec::new();
        for _ in 0..3 {
            exact.push(63);
            exact.extend([b'a'; 63]);
        }
        exact.push(61);
        exact.extend([b'a'; 61]);
        exact.push(0);
        assert_eq!(exact.len(), 255);
        assert_eq!(read(&exact, 0).expect("test data is valid").0.len(), 255);
        let mut long = exact.clone();
        long[192] = 62;
        long.insert(193, b'a');
        assert_eq!(read(&long, 0), Err(NameFault::TooLong));
    }

    #[test]
    fn pointers_can_be_refused() {
        let mut n = NameBuf::root();
        assert_eq!(
            n.read(b"\x00\xc0\x00", 1, false),
            Err(NameFault::PointerNotAllowed)
        );
    }

    #[test]
    fn label_offsets_of_names() {
        let (offs, count, len) =
            label_offsets(b"\x03www\x07example\x03com\x00").expect("test data is valid");
        assert_eq!((&offs[..count], len), (&[0u8, 4, 12][..], 17));
        assert_eq!(label_offsets(b"\x00").map(|(_, c, l)| (c, l)), Some((0, 1)));
        assert!(label_offsets(b"\x03ww").is_none());
        assert!(label_offsets(b"\xc0\x00").is_none());
    }
}
