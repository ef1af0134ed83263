//! The cache of forwarded answers: positive answers (with the CNAME chain that led to
//! them) and negative ones (RFC 2308, with the SOA that bounds them), keyed by the
//! lower-cased question name, type and class.
//!
//! The map is split into shards, each behind its own mutex, so that query threads
//! rarely meet on a lock; a lookup hashes the name, locks one shard, finds the name's
//! entry and clones an `Arc` to the answer. Entries keep absolute expiry times on a
//! coarse monotonic clock ([`now`]); answers are rendered with what is left.
//!
//! Memory is accounted in bytes per shard. When a shard goes over its share of
//! `max-cache-size`, expired names go first, then names by a CLOCK (second chance)
//! sweep: a name used since the hand last passed is kept once more.
//!
//! `flushname` removes one name (one shard probe); `flushtree` scans every shard, which
//! costs one pass over the cache (bounded by `max-cache-size`).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use zones::{Class, RType};

use super::policy::is_at_or_below;

/// Shards of the map; a power of two.
const SHARDS: usize = 64;
/// What one record costs beside its owner and RDATA (headers, vectors, the map slot).
const RECORD_OVERHEAD: usize = 48;
/// What one cached answer costs beside its records.
const ANSWER_OVERHEAD: usize = 96;

/// Seconds on the cache's monotonic clock (since the first call).
pub fn now() -> u32 {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = START.get_or_init(Instant::now);
    u32::try_from(start.elapsed().as_secs()).unwrap_or(u32::MAX)
}

/// One RRset of a cached answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedRrset {
    /// The owner, uncompressed wire form, in the case the upstream wrote it.
    pub owner: Box<[u8]>,
    /// The type.
    pub rtype: RType,
    /// The class.
    pub class: Class,
    /// When it expires, on the [`now`] clock.
    pub expires: u32,
    /// The records' RDATA, uncompressed.
    pub rdatas: Vec<Box<[u8]>>,
}

impl CachedRrset {
    /// The TTL left at `now` (0 once expired).
    pub fn ttl_at(&self, now: u32) -> u32 {
        self.expires.saturating_sub(now)
    }

    fn bytes(&self) -> usize {
        self.rdatas
            .iter()
            .map(|r| r.len() + self.owner.len() + RECORD_OVERHEAD)
            .sum()
    }
}

/// What kind of answer is cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The RRset asked for (after any CNAME chain).
    Positive,
    /// The name exists but has no data of the type (NODATA).
    NoData,
    /// The name does not exist.
    NxDomain,
    /// No forwarder answered (never cached beyond `servfail-ttl`).
    ServFail,
}

/// An answer: the answer and authority sections and the rcode they go with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// What the answer says.
    pub kind: Kind,
    /// The answer section: a CNAME chain, then the RRset asked for.
    pub answer: Vec<CachedRrset>,
    /// The authority section: the SOA of a negative answer.
    pub authority: Vec<CachedRrset>,
}

impl Answer {
    /// A SERVFAIL answer without records.
    pub fn servfail() -> Self {
        Self {
            kind: Kind::ServFail,
            answer: Vec::new(),
            authority: Vec::new(),
        }
    }

    /// When the first of its RRsets expires.
    pub fn expires(&self) -> u32 {
        self.answer
            .iter()
            .chain(&self.authority)
            .map(|r| r.expires)
            .min()
            .unwrap_or(0)
    }

    /// Whether it may still be served at `now`.
    pub fn is_live(&self, now: u32) -> bool {
        self.expires() > now
    }

    fn bytes(&self) -> usize {
        ANSWER_OVERHEAD
            + self
                .answer
                .iter()
                .chain(&self.authority)
                .map(CachedRrset::bytes)
                .sum::<usize>()
    }
}

/// The answers cached for one owner name, by type and class.
#[derive(Debug, Default)]
struct NameEntry {
    answers: Vec<(RType, Class, Arc<Answer>)>,
    bytes: usize,
    /// Used since the CLOCK hand last passed.
    referenced: bool,
}

#[derive(Debug, Default)]
struct Shard {
    names: HashMap<Box<[u8]>, NameEntry, Fixed>,
    /// Names in the order the CLOCK hand visits them (may hold names since removed).
    clock: VecDeque<Box<[u8]>>,
    bytes: usize,
    /// Lookups answered and not, counted under the shard's lock rather than in one
    /// atomic every worker thread would write to.
    hits: u64,
    misses: u64,
}

/// A shard's lock on a cache line (two, for adjacent-line prefetch) of its own, so
/// that threads working on different shards do not share lines.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Padded(Mutex<Shard>);

/// A hasher keyed once per process, so that names chosen by clients cannot aim at
/// one shard or bucket.
#[derive(Clone, Copy, Debug)]
struct Fixed(u64, u64);

impl Default for Fixed {
    fn default() -> Self {
        static KEYS: OnceLock<(u64, u64)> = OnceLock::new();
        let (a, b) = *KEYS.get_or_init(|| {
            let state = std::collections::hash_map::RandomState::new();
            (state.hash_one(1u8), state.hash_one(2u8))
        });
        Self(a, b)
    }
}

impl BuildHasher for Fixed {
    type Hasher = siphasher::sip::SipHasher13;
    fn build_hasher(&self) -> Self::Hasher {
        siphasher::sip::SipHasher13::new_with_keys(self.0, self.1)
    }
}

/// One cached answer with its lower-cased owner, type and class.
pub type Entry = (Box<[u8]>, RType, Class, Arc<Answer>);

/// Counters of one cache, for the statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found a live answer.
    pub hits: u64,
    /// Lookups that found none.
    pub misses: u64,
    /// Answers cached now.
    pub entries: u64,
    /// Bytes the cached answers take, as accounted.
    pub bytes: u64,
    /// Names evicted to stay within `max-cache-size`.
    pub evicted: u64,
}

/// The cache of one view.
#[derive(Debug)]
pub struct Cache {
    shards: Box<[Padded]>,
    hasher: Fixed,
    /// Bytes one shard may hold.
    shard_budget: AtomicU64,
    evicted: AtomicU64,
}

impl Cache {
    /// An empty cache of at most `max_bytes` bytes.
    pub fn new(max_bytes: u64) -> Self {
        let cache = Self {
            shards: (0..SHARDS).map(|_| Padded::default()).collect(),
            hasher: Fixed::default(),
            shard_budget: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
        };
        cache.set_max_bytes(max_bytes);
        cache
    }

    /// Changes the size limit (on reconfiguration); the next insertions enforce it.
    pub fn set_max_bytes(&self, max_bytes: u64) {
        self.shard_budget
            .store((max_bytes / SHARDS as u64).max(1), Ordering::Relaxed);
    }

    fn shard_of(&self, lower_name: &[u8]) -> MutexGuard<'_, Shard> {
        let mut h = self.hasher.build_hasher();
        h.write(lower_name);
        let index = (h.finish() as usize) & (SHARDS - 1);
        // A panic under the lock leaves a shard as consistent as between two calls.
        self.shards[index]
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The live answer for `lower_name` (lower-cased wire form), `rtype` and `class`.
    pub fn get(
        &self,
        lower_name: &[u8],
        rtype: RType,
        class: Class,
        now: u32,
    ) -> Option<Arc<Answer>> {
        let mut shard = self.shard_of(lower_name);
        let found = shard.names.get_mut(lower_name).and_then(|entry| {
            let found = entry
                .answers
                .iter()
                .find(|(t, c, a)| *t == rtype && *c == class && a.is_live(now))
                .map(|(_, _, a)| Arc::clone(a));
            if found.is_some() {
                entry.referenced = true;
            }
            found
        });
        if found.is_some() {
            shard.hits += 1;
        } else {
            shard.misses += 1;
        }
        found
    }

    /// Caches `answer` for `lower_name`, `rtype` and `class`, replacing what was there,
    /// then evicts as the size limit requires.
    pub fn insert(&self, lower_name: &[u8], rtype: RType, class: Class, answer: Arc<Answer>) {
        let now = now();
        if !answer.is_live(now) {
            return;
        }
        let size = answer.bytes() + lower_name.len();
        let budget =
            usize::try_from(self.shard_budget.load(Ordering::Relaxed)).unwrap_or(usize::MAX);
        let mut shard = self.shard_of(lower_name);
        let shard = &mut *shard;
        let is_new = !shard.names.contains_key(lower_name);
        let entry = shard.names.entry(lower_name.into()).or_default();
        let before = entry.bytes;
        entry
            .answers
            .retain(|(t, c, a)| !(*t == rtype && *c == class) && a.is_live(now));
        entry.answers.push((rtype, class, answer));
        entry.bytes = entry
            .answers
            .iter()
            .map(|(_, _, a)| a.bytes() + lower_name.len())
            .sum();
        debug_assert!(entry.bytes >= size);
        shard.bytes = shard.bytes - before + entry.bytes;
        if is_new {
            shard.clock.push_back(lower_name.into());
        }
        let evicted = evict(shard, budget, now, lower_name);
        if evicted > 0 {
            self.evicted.fetch_add(evicted, Ordering::Relaxed);
        }
    }

    /// Removes every answer owned by exactly `lower_name`; how many.
    pub fn flush_name(&self, lower_name: &[u8]) -> usize {
        let mut shard = self.shard_of(lower_name);
        match shard.names.remove(lower_name) {
            Some(entry) => {
                shard.bytes -= entry.bytes;
                entry.answers.len()
            }
            None => 0,
        }
    }

    /// Removes every answer owned by `lower_name` or a name below it; how many. One
    /// pass over every shard.
    pub fn flush_tree(&self, lower_name: &[u8]) -> usize {
        let mut removed = 0;
        for shard in self.shards.iter() {
            let mut shard = shard
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let shard = &mut *shard;
            let mut freed = 0;
            shard.names.retain(|name, entry| {
                if is_at_or_below(name, lower_name) {
                    freed += entry.bytes;
                    removed += entry.answers.len();
                    false
                } else {
                    true
                }
            });
            shard.bytes -= freed;
        }
        removed
    }

    /// Empties the cache.
    pub fn flush(&self) {
        for shard in self.shards.iter() {
            let mut shard = shard
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            shard.names.clear();
            shard.clock.clear();
            shard.bytes = 0;
        }
    }

    /// The counters.
    pub fn stats(&self) -> CacheStats {
        let mut stats = CacheStats {
            evicted: self.evicted.load(Ordering::Relaxed),
            ..CacheStats::default()
        };
        for shard in self.shards.iter() {
            let shard = shard
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            stats.hits += shard.hits;
            stats.misses += shard.misses;
            stats.bytes += shard.bytes as u64;
            stats.entries += shard
                .names
                .values()
                .map(|e| e.answers.len() as u64)
                .sum::<u64>();
        }
        stats
    }

    /// Every live answer with its lower-cased owner, type and class (for `dumpdb`).
    pub fn snapshot(&self, now: u32) -> Vec<Entry> {
        let mut out = Vec::new();
        for shard in self.shards.iter() {
            let shard = shard
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for (name, entry) in &shard.names {
                for (t, c, a) in &entry.answers {
                    if a.is_live(now) {
                        out.push((name.clone(), *t, *c, Arc::clone(a)));
                    }
                }
            }
        }
        out
    }
}

/// Brings `shard` within `budget` bytes, never evicting `keep` (just inserted); the
/// number of names evicted.
fn evict(shard: &mut Shard, budget: usize, now: u32, keep: &[u8]) -> u64 {
    if shard.bytes <= budget {
        return 0;
    }
    let mut evicted = 0;
    // Expired answers first: they cost nothing to lose.
    let mut freed = 0;
    shard.names.retain(|name, entry| {
        if &**name == keep {
            return true;
        }
        let before = entry.answers.len();
        entry.answers.retain(|(_, _, a)| a.is_live(now));
        if entry.answers.len() == before {
            return true;
        }
        let bytes: usize = entry
            .answers
            .iter()
            .map(|(_, _, a)| a.bytes() + name.len())
            .sum();
        freed += entry.bytes - bytes;
        entry.bytes = bytes;
        if entry.answers.is_empty() {
            evicted += 1;
            false
        } else {
            true
        }
    });
    shard.bytes -= freed;
    // Then a CLOCK sweep; each name is passed at most twice.
    let mut steps = shard.clock.len() * 2;
    while shard.bytes > budget && steps > 0 {
        steps -= 1;
        let Some(name) = shard.clock.pop_front() else {
            break;
        };
        let Some(entry) = shard.names.get_mut(&name) else {
            continue;
        };
        if entry.referenced || *name == *keep {
            entry.referenced = false;
            shard.clock.push_back(name);
            continue;
        }
        if let Some(entry) = shard.names.remove(&name) {
            shard.bytes -= entry.bytes;
            evicted += 1;
        }
    }
    if shard.clock.len() > shard.names.len() * 2 + 16 {
        shard.clock = shard.names.keys().cloned().collect();
    }
    evicted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rrset(owner: &[u8], rtype: RType, expires: u32, rdata: &[u8]) -> CachedRrset {
        CachedRrset {
            owner: owner.into(),
            rtype,
            class: Class::IN,
            expires,
            rdatas: vec![rdata.into()],
        }
    }

    fn positive(owner: &[u8], expires: u32) -> Arc<Answer> {
        Arc::new(Answer {
            kind: Kind::Positive,
            answer: vec![rrset(owner, RType::A, expires, &[192, 0, 2, 1])],
            authority: Vec::new(),
        })
    }

    const WWW: &[u8] = b"\x03www\x04test\x00";
    const MAIL: &[u8] = b"\x04mail\x04test\x00";
    const DEEP: &[u8] = b"\x01a\x03www\x04test\x00";
    const TEST: &[u8] = b"\x04test\x00";

    #[test]
    fn answers_are_found_by_name_type_and_class() {
        let cache = Cache::new(1 << 20);
        let far = now() + 100;
        cache.insert(WWW, RType::A, Class::IN, positive(WWW, far));
        assert!(cache.get(WWW, RType::A, Class::IN, now()).is_some());
        assert!(cache.get(WWW, RType::AAAA, Class::IN, now()).is_none());
        assert!(cache.get(WWW, RType::A, Class::CH, now()).is_none());
        assert!(cache.get(MAIL, RType::A, Class::IN, now()).is_none());
        assert!(
            cache.get(WWW, RType::A, Class::IN, far).is_none(),
            "expired"
        );
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.entries), (1, 4, 1));
        assert!(stats.bytes > 0);
    }

    #[test]
    fn flushname_takes_one_name_and_flushtree_a_subtree() {
        let cache = Cache::new(1 << 20);
        let far = now() + 100;
        for name in [WWW, MAIL, DEEP, TEST] {
            cache.insert(name, RType::A, Class::IN, positive(name, far));
            cache.insert(name, RType::AAAA, Class::IN, positive(name, far));
        }
        assert_eq!(cache.flush_name(WWW), 2);
        assert!(cache.get(DEEP, RType::A, Class::IN, now()).is_some());
        cache.insert(WWW, RType::A, Class::IN, positive(WWW, far));
        assert_eq!(cache.flush_tree(WWW), 3);
        assert!(cache.get(MAIL, RType::A, Class::IN, now()).is_some());
        assert!(cache.get(TEST, RType::A, Class::IN, now()).is_some());
        assert!(cache.get(DEEP, RType::AAAA, Class::IN, now()).is_none());
        cache.flush();
        assert_eq!(cache.stats().entries, 0);
        assert_eq!(cache.stats().bytes, 0);
    }

    #[test]
    fn subtrees_start_on_label_boundaries() {
        assert!(is_at_or_below(b"\x03www\x04test\x00", b"\x04test\x00"));
        assert!(is_at_or_below(b"\x04test\x00", b"\x04test\x00"));
        assert!(!is_at_or_below(b"\x05atest\x00", b"\x04test\x00"));
        assert!(is_at_or_below(b"\x04test\x00", b"\x00"));
    }

    #[test]
    fn the_size_limit_evicts_unused_names_first() {
        let one = positive(WWW, now() + 100).bytes() + WWW.len();
        // Room for about three answers per shard: all names land in shards of their own
        // or share one; either way the total stays within the limit.
        let cache = Cache::new((one * 3 * SHARDS) as u64);
        let far = now() + 100;
        let mut names = Vec::new();
        for i in 0..2000u32 {
            let mut name = vec![4];
            name.extend_from_slice(format!("{i:04}").as_bytes());
            name.extend_from_slice(TEST);
            cache.insert(&name, RType::A, Class::IN, positive(&name, far));
            names.push(name);
        }
        let stats = cache.stats();
        assert!(stats.bytes <= (one * 3 * SHARDS) as u64, "{stats:?}");
        assert!(stats.evicted > 0);
        assert!(stats.entries < 2000);
    }

    #[test]
    fn expired_answers_are_not_inserted() {
        let cache = Cache::new(1 << 20);
        cache.insert(WWW, RType::A, Class::IN, positive(WWW, now()));
        assert_eq!(cache.stats().entries, 0);
    }
}
