//! What the control channel asks of replication and learns from it: `refresh` and
//! `retransfer` for one secondary zone, the transfers and SOA queries under way (`status`),
//! and a secondary zone's next refresh and expiry (`zonestatus`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use tokio::time::Instant;

use super::Service;
use super::secondary::Command;
use super::table::ZoneKey;

/// When a secondary zone is next checked, and when its copy expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The next SOA check.
    pub next_refresh: SystemTime,
    /// When the copy stops being served; `None` without a copy.
    pub expires: Option<SystemTime>,
}

/// Counters and timers kept for the control channel.
#[derive(Debug, Default)]
pub(super) struct Activity {
    running: AtomicUsize,
    deferred: AtomicUsize,
    soa_queries: AtomicUsize,
    schedules: Mutex<HashMap<ZoneKey, Schedule>>,
}

/// Counts one activity while it lives.
pub(super) struct Gauge<'a>(&'a AtomicUsize);

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn up(counter: &AtomicUsize) -> Gauge<'_> {
    counter.fetch_add(1, Ordering::Relaxed);
    Gauge(counter)
}

/// `at` (a tokio instant) as wall-clock time.
fn wall(at: Instant) -> SystemTime {
    let now = Instant::now();
    if at >= now {
        SystemTime::now() + (at - now)
    } else {
        SystemTime::now() - (now - at)
    }
}

impl Activity {
    /// A transfer holding its slots.
    pub(super) fn transfer(&self) -> Gauge<'_> {
        up(&self.running)
    }

    /// A transfer waiting for a slot.
    pub(super) fn deferred(&self) -> Gauge<'_> {
        up(&self.deferred)
    }

    /// An SOA query of a refresh.
    pub(super) fn soa_query(&self) -> Gauge<'_> {
        up(&self.soa_queries)
    }

    /// Records the timers of the secondary zone `key`.
    pub(super) fn set_schedule(&self, key: &ZoneKey, refresh: Instant, expire: Option<Instant>) {
        let schedule = Schedule {
            next_refresh: wall(refresh),
            expires: expire.map(wall),
        };
        if let Ok(mut map) = self.schedules.lock() {
            map.insert(key.clone(), schedule);
        }
    }

    /// Forgets the zone `key`: it is no longer a secondary here.
    pub(super) fn forget(&self, key: &ZoneKey) {
        if let Ok(mut map) = self.schedules.lock() {
            map.remove(key);
        }
    }
}

impl Service {
    /// Hands `command` (`Refresh`, `Retransfer`) to the task of the secondary zone `key`;
    /// false when there is no such task or its queue is full.
    pub fn command(&self, key: &ZoneKey, command: Command) -> bool {
        self.secondaries
            .lock()
            .ok()
            .and_then(|tasks| tasks.get(key).map(|tx| tx.try_send(command).is_ok()))
            .unwrap_or(false)
    }

    /// The timers of the secondary zone `key`.
    pub fn schedule(&self, key: &ZoneKey) -> Option<Schedule> {
        self.activity
            .schedules
            .lock()
            .ok()
            .and_then(|map| map.get(key).copied())
    }

    /// Transfers in under way.
    pub fn transfers_running(&self) -> usize {
        self.activity.running.load(Ordering::Relaxed)
    }

    /// Transfers in waiting for a slot (`transfers-in`, `transfers-per-ns`).
    pub fn transfers_deferred(&self) -> usize {
        self.activity.deferred.load(Ordering::Relaxed)
    }

    /// SOA queries of refreshes under way.
    pub fn soa_queries(&self) -> usize {
        self.activity.soa_queries.load(Ordering::Relaxed)
    }
}
