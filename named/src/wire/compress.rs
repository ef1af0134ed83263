//! Name compression (RFC 1035 §4.1.4) exactly as BIND 9.18 does it.
//!
//! Answers must have BIND's sizes, or a differential test sees TC where BIND sends the
//! whole answer and the other way round, so this reproduces BIND 9.18's `dns_compress`
//! rather than compressing as hard as possible:
//!
//! - Only the first two suffixes of a name are looked up (`a.b.example.com.` is matched
//!   against `a.b.example.com.` and `b.example.com.`, never `example.com.`), and only
//!   the first two suffixes of the part written out literally become targets. Live: for
//!   a query `a.b.c.d.example.com`, BIND wrote the authority's `example.com.` in full
//!   although the question held it.
//! - Matching is case-sensitive, so names keep their own case. Live: for a query
//!   `WwW.ExAmPlE.CoM` the answer owner `www.example.com` was written in full.
//! - Targets must start below offset 0x4000 (14-bit pointers).
//! - Names in RDATA that must not be compressed (SRV, RP, AFSDB, …) still become targets.
//!   Live: the additional A record of an SRV target pointed into the SRV RDATA.
//! - The second and later records of an RRset point at the first one's owner.
//!
//! The table never allocates: entries live in a fixed array sized for the most targets
//! a message can hold (each target starts a label of at least two bytes below 0x4000).

use zones::name::{MAX_LABEL_LEN, MAX_NAME_LEN};

/// Pointers can reach offsets below this.
const MAX_OFFSET: usize = 0x4000;
const CAPACITY: usize = MAX_OFFSET / 2;
const BUCKETS: usize = 256;
const NONE: u16 = u16::MAX;

/// The RRset owner of BIND's `comp_offsetp`: no previous owner yet.
pub(crate) const NO_REPEAT: u16 = u16::MAX;

#[derive(Clone, Copy, Default)]
struct Entry {
    hash: u32,
    offset: u16,
    next: u16,
}

/// There was no room left for a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameWriteError {
    /// The buffer limit was reached.
    NoSpace,
    /// The name is not a well-formed uncompressed wire name.
    Malformed,
}

/// The compression table of one message; create one per worker and reuse it.
pub struct Compressor {
    heads: [u16; BUCKETS],
    entries: Box<[Entry]>,
    len: usize,
    enabled: bool,
}

impl Compressor {
    /// An empty table (allocated once, here).
    pub fn new() -> Self {
        Self {
            heads: [NONE; BUCKETS],
            entries: vec![Entry::default(); CAPACITY].into_boxed_slice(),
            len: 0,
            enabled: true,
        }
    }

    /// Turns compression off or on (`message-compression`). Off, BIND still points the
    /// second and later owners of an RRset at the first.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
    }

    /// Forgets every target, for a new message.
    pub(crate) fn reset(&mut self) {
        self.heads = [NONE; BUCKETS];
        self.len = 0;
    }

    /// Forgets the targets at or after `offset`, after the message was cut back there.
    pub(crate) fn rollback(&mut self, offset: usize) {
        // Entries are added in increasing offset order, so the newest is the head of its
        // bucket: popping from the end unlinks heads only.
        while self.len > 0 && usize::from(self.entries[self.len - 1].offset) >= offset {
            self.len -= 1;
            let entry = self.entries[self.len];
            self.heads[bucket(entry.hash)] = entry.next;
        }
    }

    /// Writes the uncompressed `name` at `out[pos..]` without going past `end`, and
    /// returns the position after it.
    ///
    /// `compress` says whether a pointer may replace a suffix (owner names, and names in
    /// the RDATA of the types BIND compresses). `repeat` is the owner offset of the RRset
    /// being written, [`NO_REPEAT`] for its first record.
    pub(crate) fn write_name(
        &mut self,
        out: &mut [u8],
        pos: usize,
        end: usize,
        name: &[u8],
        compress: bool,
        repeat: Option<&mut u16>,
    ) -> Result<usize, NameWriteError> {
        let room = |n: usize| {
            if pos + n <= end && pos + n <= out.len() {
                Ok(())
            } else {
                Err(NameWriteError::NoSpace)
            }
        };
        let mut repeat = repeat;
        if let Some(r) = repeat.as_deref() {
            // The RRset's first record wrote (and so checked) this owner already.
            if compress && usize::from(*r) < MAX_OFFSET {
                room(2)?;
                out[pos..pos + 2].copy_from_slice(&(0xc000 | *r).to_be_bytes());
                return Ok(pos + 2);
            }
        }
        let shape = Shape::of(name).ok_or(NameWriteError::Malformed)?;
        let name = &name[..shape.len];
        let hashes = if self.enabled {
            shape.suffix_hashes(name)
        } else {
            [0; 2]
        };
        let found = if compress && self.enabled {
            self.find(out, name, &shape, &hashes)
        } else {
            None
        };
        match found {
            Some((labels, target)) => {
                let prefix = shape.start(labels);
                room(prefix + 2)?;
                out[pos..pos + prefix].copy_from_slice(&name[..prefix]);
                out[pos + prefix..pos + prefix + 2]
                    .copy_from_slice(&(0xc000 | target).to_be_bytes());
                let first = if prefix == 0 {
                    target
                } else {
                    self.add(&shape, &hashes, labels, pos);
                    // Below 0x4000 whenever it matters: larger values mean "no pointer".
                    u16::try_from(pos).unwrap_or(NONE)
                };
                if let Some(r) = repeat.as_deref_mut() {
                    *r = first;
                }
                Ok(pos + prefix + 2)
            }
            None => {
                room(shape.len)?;
                out[pos..pos + shape.len].copy_from_slice(name);
                self.add(&shape, &hashes, shape.count, pos);
                if let Some(r) = repeat {
                    *r = u16::try_from(pos).unwrap_or(NONE);
                }
                Ok(pos + shape.len)
            }
        }
    }

    /// BIND's `dns_compress_findglobal`: the first of the name's first two suffixes
    /// (root excluded) already in the message, as (labels before it, its offset).
    fn find(
        &self,
        msg: &[u8],
        name: &[u8],
        shape: &Shape,
        hashes: &[u32; 2],
    ) -> Option<(usize, u16)> {
        if self.len == 0 {
            return None;
        }
        // BIND counts the root label: it looks at min(labels, 3) - 1 suffixes.
        let tries = (shape.count + 1).min(3) - 1;
        for (n, &hash) in hashes.iter().enumerate().take(tries) {
            let suffix = &name[shape.start(n)..];
            let mut index = self.heads[bucket(hash)];
            while index != NONE {
                let entry = &self.entries[usize::from(index)];
                if entry.hash == hash && same_name(msg, usize::from(entry.offset), suffix) {
                    return Some((n, entry.offset));
                }
                index = entry.next;
            }
        }
        None
    }

    /// BIND's `dns_compress_add`: makes targets of the first two suffixes of the `labels`
    /// labels written out literally at `pos`.
    fn add(&mut self, shape: &Shape, hashes: &[u32; 2], labels: usize, pos: usize) {
        if !self.enabled {
            return;
        }
        for (n, &hash) in hashes.iter().enumerate().take(labels.min(2)) {
            let target = pos + shape.start(n);
            if target >= MAX_OFFSET || self.len == CAPACITY {
                return;
            }
            let b = bucket(hash);
            // Both fit: target < 0x4000 and len < CAPACITY.
            self.entries[self.len] = Entry {
                hash,
                offset: target as u16,
                next: self.heads[b],
            };
            self.heads[b] = self.len as u16;
            self.len += 1;
        }
    }
}

/// What compression needs to know of a name: only its first two suffixes are ever looked
/// up or become targets, so only where the second label starts is kept.
struct Shape {
    /// The length of the whole name.
    len: usize,
    /// Its labels, root excluded.
    count: usize,
    /// Where the second label starts (the length when there is none).
    second: usize,
}

impl Shape {
    /// The shape of the uncompressed wire name at the start of `name`; `None` when it is not
    /// well formed.
    fn of(name: &[u8]) -> Option<Self> {
        let mut count = 0;
        let mut second = 0;
        let mut pos = 0;
        loop {
            let len = usize::from(*name.get(pos)?);
            if len == 0 {
                let second = if count > 1 { second } else { pos };
                return Some(Self {
                    len: pos + 1,
                    count,
                    second,
                });
            }
            if len > MAX_LABEL_LEN || pos + 1 + len >= MAX_NAME_LEN {
                return None;
            }
            count += 1;
            pos += 1 + len;
            if count == 1 {
                second = pos;
            }
        }
    }

    /// Where suffix `n` (0 or 1) starts.
    fn start(&self, n: usize) -> usize {
        if n == 0 { 0 } else { self.second }
    }

    /// The hashes of the first two suffixes (a missing second one hashes the root).
    fn suffix_hashes(&self, name: &[u8]) -> [u32; 2] {
        [hash(name), hash(&name[self.second..])]
    }
}

impl Default for Compressor {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Compressor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compressor")
            .field("targets", &self.len)
            .finish()
    }
}

fn bucket(hash: u32) -> usize {
    (hash as usize) % BUCKETS
}

/// A case-sensitive hash of a name (matching is case-sensitive too) from its length and its
/// first and last eight bytes. A hit is always confirmed by comparing the names, so bytes
/// in the middle of long names may go unhashed; this runs for every name written.
fn hash(bytes: &[u8]) -> u32 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let n = bytes.len();
    let (head, tail) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
        _ => {
            let word = bytes
                .iter()
                .rev()
                .fold(0u64, |w, &b| (w << 8) | u64::from(b));
            (word, 0)
        }
    };
    let h = ((head ^ n as u64).wrapping_mul(K) ^ tail.rotate_left(29)).wrapping_mul(K);
    (h ^ (h >> 32)) as u32
}

/// Whether the name at `offset` in our own output (maybe ending in a pointer) is exactly
/// the uncompressed `name`.
fn same_name(msg: &[u8], mut offset: usize, name: &[u8]) -> bool {
    let mut i = 0;
    // Every pointer we write goes backwards; the bound only guards against surprises.
    for _ in 0..256 {
        let Some(&len) = msg.get(offset) else {
            return false;
        };
        if len >= 0xc0 {
            let Some(&low) = msg.get(offset + 1) else {
                return false;
            };
            offset = usize::from(len & 0x3f) << 8 | usize::from(low);
            continue;
        }
        let label_end = i + 1 + usize::from(len);
        if label_end > name.len()
            || msg.get(offset..offset + 1 + usize::from(len)) != Some(&name[i..label_end])
        {
            return false;
        }
        if len == 0 {
            return label_end == name.len();
        }
        i = label_end;
        offset += 1 + usize::from(len);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(c: &mut Compressor, out: &mut [u8], pos: usize, name: &[u8], compress: bool) -> usize {
        c.write_name(out, pos, out.len(), name, compress, None)
            .expect("test data is valid")
    }

    const WWW: &[u8] = b"\x03www\x07example\x03com\x00";
    const EXAMPLE: &[u8] = b"\x07example\x03com\x00";
    const DEEP: &[u8] = b"\x01a\x01b\x01c\x01d\x07example\x03com\x00";

    #[test]
    fn rfc1035_section_4_1_4_pointer_to_earlier_suffix() {
        let mut c = Compressor::new();
        let mut out = [0u8; 100];
        let end = put(&mut c, &mut out, 12, WWW, true);
        assert_eq!(end, 29);
        let next = put(
            &mut c,
            &mut out,
            end,
            b"\x04mail\x07example\x03com\x00",
            true,
        );
        assert_eq!(&out[end..next], b"\x04mail\xc0\x10");
        let again = put(&mut c, &mut out, next, WWW, true);
        assert_eq!(&out[next..again], b"\xc0\x0c");
        // A compressed name is itself a target: its full name and first suffix.
        let after = put(
            &mut c,
            &mut out,
            again,
            b"\x04smtp\x04mail\x07example\x03com\x00",
            true,
        );
        assert_eq!(&out[again..after], b"\x04smtp\xc0\x1d");
    }

    #[test]
    fn bind_9_18_looks_at_two_suffixes_only() {
        let mut c = Compressor::new();
        let mut out = [0u8; 200];
        let end = put(&mut c, &mut out, 12, DEEP, true);
        // example.com. sits inside the question, but is not one of its first two suffixes.
        let next = put(&mut c, &mut out, end, EXAMPLE, true);
        assert_eq!(&out[end..next], EXAMPLE);
        // Now it is a target.
        let ns = put(
            &mut c,
            &mut out,
            next,
            b"\x03ns1\x07example\x03com\x00",
            true,
        );
        assert_eq!(
            &out[next..ns],
            &[b"\x03ns1".as_slice(), &[0xc0, end as u8]].concat()[..]
        );
    }

    #[test]
    fn case_sensitive_like_bind() {
        let mut c = Compressor::new();
        let mut out = [0u8; 100];
        let end = put(&mut c, &mut out, 12, b"\x03WwW\x07ExAmPlE\x03CoM\x00", true);
        let next = put(&mut c, &mut out, end, WWW, true);
        assert_eq!(&out[end..next], WWW);
    }

    #[test]
    fn uncompressed_names_are_targets() {
        let mut c = Compressor::new();
        let mut out = [0u8; 100];
        let end = put(
            &mut c,
            &mut out,
            12,
            b"\x03ns1\x07example\x03com\x00",
            false,
        );
        let next = put(
            &mut c,
            &mut out,
            end,
            b"\x03ns1\x07example\x03com\x00",
            true,
        );
        assert_eq!(&out[end..next], b"\xc0\x0c");
        // And a name that may not be compressed is written whole even when it could be.
        let last = put(
            &mut c,
            &mut out,
            next,
            b"\x03ns1\x07example\x03com\x00",
            false,
        );
        assert_eq!(last - next, 17);
    }

    #[test]
    fn repeated_owner_points_at_first() {
        let mut c = Compressor::new();
        let mut out = [0u8; 100];
        let mut repeat = NO_REPEAT;
        let end = c
            .write_name(&mut out, 12, 100, b"\x00", true, Some(&mut repeat))
            .expect("test data is valid");
        assert_eq!((end, repeat), (13, 12));
        // BIND points the second root owner of an RRset at the first: two bytes, not one.
        let next = c
            .write_name(&mut out, 20, 100, b"\x00", true, Some(&mut repeat))
            .expect("test data is valid");
        assert_eq!(&out[20..next], b"\xc0\x0c");
    }

    #[test]
    fn rollback_forgets_later_targets() {
        let mut c = Compressor::new();
        let mut out = [0u8; 200];
        let end = put(&mut c, &mut out, 12, WWW, true);
        let mark = end;
        let next = put(&mut c, &mut out, end, b"\x04mail\x03org\x00", true);
        c.rollback(mark);
        let again = put(&mut c, &mut out, mark, b"\x04mail\x03org\x00", true);
        assert_eq!(again - mark, next - mark, "written whole again");
        let www = put(&mut c, &mut out, again, WWW, true);
        assert_eq!(&out[again..www], b"\xc0\x0c");
    }

    #[test]
    fn no_targets_past_14_bits() {
        let mut c = Compressor::new();
        let mut out = vec![0u8; 0x5000];
        // A name starting at 0x3ffe is a target; its suffix at 0x4002 is not.
        put(&mut c, &mut out, 0x3ffe, WWW, true);
        let end = put(
            &mut c,
            &mut out,
            0x4100,
            b"\x04mail\x07example\x03com\x00",
            true,
        );
        assert_eq!(end - 0x4100, 18);
        let again = put(&mut c, &mut out, end, WWW, true);
        assert_eq!(&out[end..again], b"\xff\xfe");
    }

    #[test]
    fn no_space_and_malformed() {
        let mut c = Compressor::new();
        let mut out = [0u8; 20];
        assert_eq!(
            c.write_name(&mut out, 12, 20, WWW, true, None),
            Err(NameWriteError::NoSpace)
        );
        assert_eq!(
            c.write_name(&mut out, 0, 20, b"\x05ab", true, None),
            Err(NameWriteError::Malformed)
        );
    }

    #[test]
    fn disabled_writes_names_whole() {
        let mut c = Compressor::new();
        c.set_enabled(false);
        let mut out = [0u8; 100];
        let end = put(&mut c, &mut out, 12, WWW, true);
        let next = put(&mut c, &mut out, end, WWW, true);
        assert_eq!(next - end, WWW.len());
    }
}
