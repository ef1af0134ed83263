//! The name index: an open-addressing hash table from case-folded wire-form names to node
//! numbers.
//!
//! Slots hold only a node number and a 32-bit hash, eight bytes each; the names themselves
//! stay in the zone's name arena. Probing compares hashes first, so a lookup touches the
//! arena only for the name it finds. Hashing folds ASCII case eight bytes at a time, which
//! lets a query name be looked up as it came off the wire, without copying it.

use std::hash::{BuildHasher, Hasher};

/// A slot with no node.
const EMPTY: u32 = u32::MAX;

/// [`NameTable::fill`] orders nodes by the top this many bits of their home slot:
/// enough buckets that each covers a few cache lines of slots, few enough that the
/// buckets being filled stay in cache.
const BUCKET_BITS: u32 = 11;

#[derive(Clone, Copy)]
struct Slot {
    hash: u32,
    node: u32,
}

/// Open addressing with linear probing, at most three quarters full; filled once, or a
/// node at a time while a zone is built from records as they arrive.
pub(crate) struct NameTable {
    slots: Box<[Slot]>,
    len: usize,
    seed: u64,
}

impl NameTable {
    /// A table sized for `expected` names, with a fresh random seed so that hash collisions
    /// cannot be planned from outside.
    pub(crate) fn with_capacity(expected: usize) -> Self {
        let seed = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Self {
            slots: empty_slots(capacity_for(expected)),
            len: 0,
            seed,
        }
    }

    /// An empty table hashing as `other` does.
    pub(crate) fn empty_like(other: &NameTable) -> Self {
        Self {
            slots: empty_slots(capacity_for(0)),
            len: 0,
            seed: other.seed,
        }
    }

    /// Adds node `node` with hash `hash`, doubling the table when it would be more than
    /// three quarters full.
    pub(crate) fn insert(&mut self, hash: u32, node: u32) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            let doubled = empty_slots(self.slots.len() * 2);
            let old = std::mem::replace(&mut self.slots, doubled);
            // In slot order, the new home slots rise too: the new table is written nearly in
            // sequence.
            for &slot in old.iter().filter(|s| s.node != EMPTY) {
                place(&mut self.slots, slot);
            }
        }
        place(&mut self.slots, Slot { hash, node });
        self.len += 1;
    }

    /// The hash of a wire-form name, ignoring ASCII case.
    pub(crate) fn hash(&self, name: &[u8]) -> u32 {
        hash_folded(self.seed, name)
    }

    /// The node whose name has `hash` and satisfies `is_name`.
    pub(crate) fn find(&self, hash: u32, mut is_name: impl FnMut(u32) -> bool) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.node == EMPTY {
                return None;
            }
            if slot.hash == hash && is_name(slot.node) {
                return Some(slot.node);
            }
            i = (i + 1) & mask;
        }
    }

    /// Fills the empty table: node `n` with hash `hashes[n]`, for every `n`.
    ///
    /// The nodes go in in the order of their home slots, so that filling a table much
    /// larger than the caches touches it nearly in sequence rather than at random.
    pub(crate) fn fill(&mut self, hashes: &[u32]) {
        debug_assert_eq!(self.len, 0, "fill takes an empty table");
        if hashes.len() * 4 > self.slots.len() * 3 {
            self.slots = empty_slots(capacity_for(hashes.len()));
        }
        let mask = self.slots.len() - 1;
        // A counting sort on the top bits of the home slot is order enough.
        let bits = mask.count_ones();
        let shift = bits.saturating_sub(BUCKET_BITS);
        let bucket = |hash: u32| (hash as usize & mask) >> shift;
        let mut starts = vec![0u32; (1 << bits.min(BUCKET_BITS)) + 1];
        for &hash in hashes {
            starts[bucket(hash) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut ordered = vec![
            Slot {
                hash: 0,
                node: EMPTY
            };
            hashes.len()
        ];
        for (node, &hash) in hashes.iter().enumerate() {
            let at = &mut starts[bucket(hash)];
            ordered[*at as usize] = Slot {
                hash,
                node: node as u32,
            };
            *at += 1;
        }
        for slot in ordered {
            place(&mut self.slots, slot);
        }
        self.len = hashes.len();
    }

    /// Bytes held by the slots.
    pub(crate) fn heap_size(&self) -> usize {
        self.slots.len() * size_of::<Slot>()
    }
}

/// A power of two at least 4/3 of `expected`, so that the table starts below 3/4 full.
fn capacity_for(expected: usize) -> usize {
    (expected + expected / 3 + 1).next_power_of_two().max(8)
}

fn empty_slots(n: usize) -> Box<[Slot]> {
    vec![
        Slot {
            hash: 0,
            node: EMPTY
        };
        n
    ]
    .into_boxed_slice()
}

fn place(slots: &mut [Slot], slot: Slot) {
    let mask = slots.len() - 1;
    let mut i = slot.hash as usize & mask;
    while slots[i].node != EMPTY {
        i = (i + 1) & mask;
    }
    slots[i] = slot;
}

/// ASCII upper case folded to lower case in each byte of a word; other bytes unchanged.
fn fold_word(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = word & LOW7;
    // Each byte's high bit says: above 'Z' (0x5a + 0x25 = 0x7f) or at least 'A'
    // (0x41 + 0x3f = 0x80); the lower seven bits never carry into the next byte.
    let above_z = low + 0x2525_2525_2525_2525;
    let from_a = low + 0x3f3f_3f3f_3f3f_3f3f;
    let upper = !word & HIGH & (from_a ^ above_z) & !above_z;
    word | (upper >> 2)
}

/// A fast keyed hash of the case-folded bytes (multiply-rotate per word, then a murmur3
/// finaliser), folded to 32 bits.
fn hash_folded(seed: u64, bytes: &[u8]) -> u32 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(23) ^ fold_word(u64::from_le_bytes(word))).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ fold_word(u64::from_le_bytes(word))).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    (h ^ (h >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_ascii_lowercase_for_every_byte() {
        for b in 0..=255u8 {
            let word = u64::from_le_bytes([b, b'A', b'z', 0xc1, b'@', b'[', b'Z', 0xff]);
            let expected = u64::from_le_bytes(
                [b, b'A', b'z', 0xc1, b'@', b'[', b'Z', 0xff].map(|x| x.to_ascii_lowercase()),
            );
            assert_eq!(fold_word(word), expected, "byte {b:#x}");
        }
    }

    #[test]
    fn hash_ignores_case_only() {
        let a = hash_folded(7, b"\x03WwW\x07exAMPLE\x00");
        assert_eq!(a, hash_folded(7, b"\x03www\x07example\x00"));
        assert_ne!(a, hash_folded(7, b"\x03wwx\x07example\x00"));
        assert_ne!(a, hash_folded(8, b"\x03www\x07example\x00"));
    }

    /// `n0.` to `n{count-1}.` in wire form.
    fn numbered_names(count: u32) -> Vec<Vec<u8>> {
        (0..count)
            .map(|i| {
                let label = format!("n{i}");
                let mut wire = vec![label.len() as u8];
                wire.extend_from_slice(label.as_bytes());
                wire.push(0);
                wire
            })
            .collect()
    }

    #[test]
    fn fill_and_find() {
        let names = numbered_names(1000);
        // Sized for 4, filled with 1000: the table makes room first.
        let mut table = NameTable::with_capacity(4);
        let hashes: Vec<u32> = names.iter().map(|name| table.hash(name)).collect();
        table.fill(&hashes);
        assert!(table.slots.len() * 3 >= names.len() * 4);
        for (i, name) in names.iter().enumerate() {
            let found = table.find(table.hash(name), |n| names[n as usize] == *name);
            assert_eq!(found, Some(i as u32));
        }
        assert_eq!(table.find(table.hash(b"\x01x\x00"), |_| true), None);
    }

    #[test]
    fn insert_one_at_a_time_and_find() {
        let names = numbered_names(5000);
        let seeded = NameTable::with_capacity(0);
        let mut table = NameTable::empty_like(&seeded);
        for (i, name) in names.iter().enumerate() {
            table.insert(seeded.hash(name), i as u32);
            assert!(table.len * 4 <= table.slots.len() * 3);
        }
        assert_eq!(table.len, names.len());
        for (i, name) in names.iter().enumerate() {
            let found = table.find(seeded.hash(name), |n| names[n as usize] == *name);
            assert_eq!(found, Some(i as u32));
        }
        assert_eq!(table.find(table.hash(b"\x01x\x00"), |_| true), None);
    }
}
