//! Forwarding with a cache: queries outside the served zones, from clients allowed
//! recursion, go to the configured forwarders; their answers are cached by TTL and
//! answered from the cache until they expire or are flushed.
//!
//! # Design
//!
//! - The hit path is synchronous and runs in the engine on the query thread: the view's
//!   [`Cache`] is a sharded map keyed by the lower-cased question; an entry holds the
//!   RRsets in uncompressed wire form with absolute expiry times, and is rendered into
//!   the worker's reused buffer with TTL = expiry − now (`render`).
//! - A miss makes the engine return [`crate::answer::Outcome::Defer`] with
//!   [`crate::wire::Action::Query`]. The UDP or TCP server hands the request to
//!   [`service`], which runs on the tokio runtime: it joins or starts the in-flight
//!   question ([`inflight`]), asks the forwarders in order ([`upstream`]), caches what
//!   the response says about the question ([`ingest`]), and renders the reply through
//!   the engine again with the fetched answer, so that every reply has one format.
//! - Iterative resolution from the root hints is not offered: a view without
//!   forwarders offers no recursion ([`ViewForwarding::for_view`]).
//! - The caches outlive engines: [`Forwarder`] keeps one per view name across reloads.

pub mod cache;
pub mod dump;
pub mod inflight;
pub mod ingest;
pub mod policy;
pub(crate) mod render;
pub mod service;
pub mod upstream;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use conf::model::{CacheSize, Config};
use tokio::runtime::Handle;
use tokio::time::Instant;
use zones::{Class, RType};

pub use cache::{Answer, Cache, CacheStats, CachedRrset, Kind};
pub use policy::{Route, ViewForwarding};

use inflight::{InFlight, Join, Key};
use ingest::TtlLimits;

/// What one miss asks upstream.
#[derive(Debug, Clone)]
pub struct Fetch {
    /// The cache the answer goes into.
    pub cache: Arc<Cache>,
    /// The forwarders, in order.
    pub servers: Arc<[SocketAddr]>,
    /// The question's name as the client wrote it.
    pub qname: Vec<u8>,
    /// The same, lower-cased.
    pub lower: Vec<u8>,
    /// The type.
    pub qtype: RType,
    /// The class.
    pub qclass: Class,
    /// The view's TTL limits.
    pub limits: TtlLimits,
}

/// The caches of every view, the questions in flight and the runtime they are asked on.
#[derive(Debug, Default)]
pub struct Forwarder {
    caches: Mutex<HashMap<String, Arc<Cache>>>,
    inflight: InFlight,
    runtime: OnceLock<Handle>,
}

/// Why a cache command failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlushError {
    /// No view of that name.
    #[error("view not found")]
    NoView,
}

impl Forwarder {
    /// No caches yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the runtime misses are resolved on (once).
    pub fn set_runtime(&self, runtime: Handle) {
        let _ = self.runtime.set(runtime);
    }

    /// The runtime misses are resolved on.
    pub fn runtime(&self) -> Option<&Handle> {
        self.runtime.get()
    }

    fn caches(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Cache>>> {
        self.caches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cache of view `view`, created on first use, resized to `max_bytes`.
    pub fn cache_for(&self, view: &str, max_bytes: u64) -> Arc<Cache> {
        let mut caches = self.caches();
        let cache = caches
            .entry(view.to_owned())
            .or_insert_with(|| Arc::new(Cache::new(max_bytes)));
        cache.set_max_bytes(max_bytes);
        Arc::clone(cache)
    }

    /// Drops the caches of views no longer in `config`.
    pub fn retain_views(&self, config: &Config) {
        self.caches()
            .retain(|name, _| config.views.iter().any(|v| v.name == *name));
    }

    /// The caches to act on: all, or the one of `view`.
    fn selected(&self, view: Option<&str>) -> Result<Vec<Arc<Cache>>, FlushError> {
        let caches = self.caches();
        match view {
            None => Ok(caches.values().cloned().collect()),
            Some(v) => caches
                .get(v)
                .map(|c| vec![Arc::clone(c)])
                .ok_or(FlushError::NoView),
        }
    }

    /// `flush [VIEW]`: empties the caches. A view that exists but never cached
    /// anything has nothing to flush.
    pub fn flush(&self, view: Option<&str>) -> Result<(), FlushError> {
        for cache in self.selected(view)? {
            cache.flush();
        }
        Ok(())
    }

    /// `flushname NAME [VIEW]` (`tree`: `flushtree`): evicts the name (and, for a
    /// tree, every name below it) from the caches; how many answers went.
    pub fn flush_name(
        &self,
        lower_name: &[u8],
        tree: bool,
        view: Option<&str>,
    ) -> Result<usize, FlushError> {
        Ok(self
            .selected(view)?
            .iter()
            .map(|c| {
                if tree {
                    c.flush_tree(lower_name)
                } else {
                    c.flush_name(lower_name)
                }
            })
            .sum())
    }

    /// The counters of each view's cache, by view name.
    pub fn stats(&self) -> Vec<(String, CacheStats)> {
        let mut out: Vec<_> = self
            .caches()
            .iter()
            .map(|(name, cache)| (name.clone(), cache.stats()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The cache of `view`, if it has one.
    pub fn cache(&self, view: &str) -> Option<Arc<Cache>> {
        self.caches().get(view).cloned()
    }

    /// Answers `fetch`: from a question already in flight, else from the forwarders
    /// (filling the cache); SERVFAIL when none answers in time.
    pub async fn fetch(&self, fetch: &Fetch) -> Arc<Answer> {
        let key: Key = (
            Arc::as_ptr(&fetch.cache) as usize,
            fetch.lower.clone(),
            fetch.qtype,
            fetch.qclass,
        );
        match self.inflight.join(&key) {
            Join::Follow(rx) => rx.await.unwrap_or_else(|_| Arc::new(Answer::servfail())),
            Join::Lead => {
                let mut lead = Lead {
                    inflight: &self.inflight,
                    key,
                    done: false,
                };
                let answer = ask_forwarders(fetch).await;
                lead.inflight.finish(&lead.key, &answer);
                lead.done = true;
                answer
            }
        }
    }
}

/// Ends a led question with SERVFAIL if its task is dropped before the answer came.
struct Lead<'a> {
    inflight: &'a InFlight,
    key: Key,
    done: bool,
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.inflight
                .finish(&self.key, &Arc::new(Answer::servfail()));
        }
    }
}

/// Asks each forwarder in turn, each within [`upstream::PER_SERVER`] and all within
/// [`upstream::TOTAL`]; caches and returns the first answer.
async fn ask_forwarders(fetch: &Fetch) -> Arc<Answer> {
    let started = Instant::now();
    let total = started + upstream::TOTAL;
    for &server in fetch.servers.iter() {
        let deadline = (Instant::now() + upstream::PER_SERVER).min(total);
        if deadline <= Instant::now() {
            break;
        }
        let response =
            upstream::ask(server, &fetch.qname, fetch.qtype, fetch.qclass, deadline).await;
        let msg = match response {
            Ok(msg) => msg,
            Err(e) => {
                crate::daemon::log::debug!(1, General, "forwarding to {server}: {e}");
                continue;
            }
        };
        let now = cache::now();
        let Some(got) = ingest::ingest(
            &msg,
            &fetch.lower,
            fetch.qtype,
            fetch.qclass,
            fetch.limits,
            now,
        ) else {
            continue;
        };
        for (name, rtype, class, answer) in got.entries {
            fetch.cache.insert(&name, rtype, class, answer);
        }
        return got.answer;
    }
    Arc::new(Answer::servfail())
}

/// The bytes `max-cache-size` allows: BIND's default and percentages are shares of
/// the physical memory.
pub fn cache_bytes(size: CacheSize) -> u64 {
    let physical = || {
        // SAFETY: sysconf has no preconditions.
        let pages = unsafe { libc::sysconf(libc::_SC_PHYS_PAGES) };
        // SAFETY: as above.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        u64::try_from(pages).unwrap_or(0) * u64::try_from(page).unwrap_or(0)
    };
    match size {
        CacheSize::Default => physical() / 10 * 9,
        CacheSize::Unlimited => u64::MAX,
        CacheSize::Bytes(n) => n,
        CacheSize::Percent(p) => physical() / 100 * u64::from(p.min(100)),
    }
}

/// The TTL limits of `forwarding`.
pub fn limits(forwarding: &ViewForwarding) -> TtlLimits {
    TtlLimits {
        max_ttl: forwarding.max_cache_ttl,
        max_ncache_ttl: forwarding.max_ncache_ttl,
    }
}
