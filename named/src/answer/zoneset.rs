//! The zones of one view, found by name as BIND's zone table finds them: the zone whose
//! origin is the longest suffix of the query name wins, so a child zone served beside
//! its parent answers for its own names.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use conf::model::AddressMatchList;
use zones::name::MAX_NAME_LEN;
use zones::zone::Zone;

use super::dnssec::Denial;
use super::names::{NameBuf, label_count, skip_labels};

/// One configured zone.
pub(crate) struct ZoneEntry {
    /// The data, or `None` when the zone failed to load (answered SERVFAIL, as BIND
    /// answers a zone that is configured but not loaded).
    pub(crate) zone: Option<Arc<Zone>>,
    /// How the zone proves denial of existence.
    pub(crate) denial: Denial,
    /// `allow-query`, resolved (zone, else view, else options).
    pub(crate) allow_query: AddressMatchList,
    /// `allow-query-on`, resolved.
    pub(crate) allow_query_on: AddressMatchList,
    /// Whether the zone is a primary: SOA answers then carry the SOA's EXPIRE value when
    /// the client asked for it (RFC 7314).
    pub(crate) primary: bool,
    /// `zero-no-soa-ttl`.
    pub(crate) zero_no_soa_ttl: bool,
    /// `allow-transfer`, resolved: IXFR over UDP is answered only to those it allows.
    pub(crate) allow_transfer: conf::model::TransferAcl,
    /// The zone's query counters, with `zone-statistics full` (or `yes`).
    pub(crate) stats: Option<Arc<crate::stats::Block>>,
}

/// The zones of a view.
#[derive(Default)]
pub(crate) struct ZoneSet {
    by_name: HashMap<Box<[u8]>, usize, BuildHasherDefault<Fnv>>,
    entries: Vec<ZoneEntry>,
    /// Bit `n` is set when some zone's origin has `n` labels: a query name's suffixes of
    /// other lengths need no probe.
    depths: u128,
}

impl ZoneSet {
    /// Adds a zone under its origin (wire form); a later zone of the same name replaces
    /// an earlier one.
    pub(crate) fn insert(&mut self, origin: &[u8], entry: ZoneEntry) {
        let key: Box<[u8]> = origin.to_ascii_lowercase().into_boxed_slice();
        if let Some(labels) = label_count(origin) {
            self.depths |= 1u128.checked_shl(labels as u32).unwrap_or(0);
        }
        match self.by_name.get(&key) {
            Some(&i) => self.entries[i] = entry,
            None => {
                self.by_name.insert(key, self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    /// The zone at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<&ZoneEntry> {
        self.entries.get(index)
    }

    /// The zone named exactly `name` (valid wire form, any case).
    pub(crate) fn exact(&self, name: &[u8]) -> Option<&ZoneEntry> {
        let lower = NameBuf::from_wire(name)?.lowered();
        self.by_name
            .get(lower.as_bytes())
            .and_then(|&i| self.entries.get(i))
    }

    /// The zone whose origin is exactly `name`, to change.
    pub(crate) fn exact_mut(&mut self, name: &[u8]) -> Option<&mut ZoneEntry> {
        let lower = NameBuf::from_wire(name)?.lowered();
        let i = *self.by_name.get(lower.as_bytes())?;
        self.entries.get_mut(i)
    }

    /// The deepest zone at or above `name` (valid wire form, any case); with
    /// `not_exact`, one strictly above it (BIND's `DNS_ZTFIND_NOEXACT`, for types that
    /// live at the parent side of a cut).
    pub(crate) fn find(&self, name: &[u8], not_exact: bool) -> Option<usize> {
        let labels = label_count(name)?;
        // Lower-cased on the stack: this runs for every query.
        let mut buf = [0u8; MAX_NAME_LEN];
        let lower = buf.get_mut(..name.len())?;
        for (to, from) in lower.iter_mut().zip(name) {
            *to = from.to_ascii_lowercase();
        }
        let lower = &*lower;
        let first = usize::from(not_exact && labels > 0);
        let mut suffix = skip_labels(lower, first);
        for depth in (0..=labels - first).rev() {
            let wanted = 1u128.checked_shl(depth as u32).unwrap_or(0);
            if self.depths & wanted != 0 {
                if let Some(&i) = self.by_name.get(suffix) {
                    return Some(i);
                }
            }
            suffix = skip_labels(suffix, 1);
        }
        None
    }
}

/// FNV-1a: zone names are short and the table is probed a few times per query.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> ZoneEntry {
        ZoneEntry {
            zone: None,
            denial: Denial::Insecure,
            allow_query: AddressMatchList::any(),
            allow_query_on: AddressMatchList::any(),
            primary: true,
            zero_no_soa_ttl: true,
            allow_transfer: conf::model::TransferAcl {
                port: None,
                transport: None,
                acl: AddressMatchList::any(),
            },
            stats: None,
        }
    }

    fn w(text: &str) -> Vec<u8> {
        zones::Name::from_text(text, None)
            .expect("valid test name")
            .as_wire()
            .to_vec()
    }

    #[test]
    fn the_most_specific_zone_wins() {
        let mut set = ZoneSet::default();
        set.insert(&w("Example.com."), entry());
        set.insert(&w("sub.example.com."), entry());
        assert_eq!(set.find(&w("www.EXAMPLE.com."), false), Some(0));
        assert_eq!(set.find(&w("a.Sub.example.com."), false), Some(1));
        assert_eq!(set.find(&w("sub.example.com."), false), Some(1));
        assert_eq!(set.find(&w("sub.example.com."), true), Some(0));
        assert_eq!(set.find(&w("example.com."), true), None);
        assert_eq!(set.find(&w("example.net."), false), None);
        assert_eq!(set.find(b"\x03com", false), None);
        assert!(set.get(1).is_some_and(|e| e.primary));
        assert!(set.exact(&w("SUB.example.com.")).is_some());
        assert!(set.exact(&w("a.sub.example.com.")).is_none());
    }

    #[test]
    fn the_root_zone_holds_everything() {
        let mut set = ZoneSet::default();
        set.insert(b"\x00", entry());
        assert_eq!(set.find(&w("a.b."), false), Some(0));
        assert_eq!(set.find(b"\x00", false), Some(0));
        assert_eq!(set.find(b"\x00", true), Some(0));
    }
}
