//! Response rate limiting for BIND's built-in CHAOS view `_bind`, which 9.18 configures
//! with `rate-limit { responses-per-second 3; slip 0; }`: over UDP, a client network
//! gets three answers per second for one name and type, and the excess is dropped
//! (`slip 0` sends no truncated answers instead). TCP is never limited, as in BIND.
//!
//! As in BIND's RRL, clients are grouped by network (IPv4 /24, IPv6 /56), each
//! (network, name, type) has a balance that earns `rate` credits per second up to `rate`
//! and pays one per response, and a balance below zero drops; debt is capped at `window`
//! seconds' worth, so a client that keeps asking is dropped until it slows down.
//!
//! The table is a fixed array of atomics shared by every query thread: no lock, no
//! allocation. An entry holds a tag of its key, so another key landing in the same slot
//! starts afresh rather than inheriting a stranger's balance; two keys alternating in one
//! slot are limited more loosely, never more strictly.

use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

/// Slots in the table; a power of two.
const SLOTS: usize = 4096;

/// A shared response-rate limiter.
pub(crate) struct RateLimiter {
    slots: Box<[AtomicU64]>,
    rate: i32,
    window: i32,
    seed: u64,
}

impl RateLimiter {
    /// A limiter allowing `rate` responses per second, remembering `window` seconds of
    /// excess.
    pub(crate) fn new(rate: u16, window: u16) -> Self {
        let seed = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Self {
            slots: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
            rate: i32::from(rate),
            window: i32::from(window),
            seed,
        }
    }

    /// Whether a response to `client` for `name` (wire form, any case) and `qtype` may go
    /// at `now` (seconds); counts it when it may.
    pub(crate) fn allow(&self, client: IpAddr, name: &[u8], qtype: u16, now: u32) -> bool {
        let key = self.key(client, name, qtype);
        let slot = &self.slots[(key as usize) & (SLOTS - 1)];
        // The tag leaves out the bits that chose the slot.
        let tag = ((key >> 32) as u32) | 1;
        let mut current = slot.load(Ordering::Relaxed);
        loop {
            let (balance, allowed) = self.step(current, tag, now);
            let next = pack(tag, now, balance);
            match slot.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return allowed,
                Err(seen) => current = seen,
            }
        }
    }

    /// The new balance of an entry after one response at `now`, and whether it may go.
    fn step(&self, entry: u64, tag: u32, now: u32) -> (i32, bool) {
        let (old_tag, when, balance) = unpack(entry);
        let balance = if old_tag != tag || entry == 0 {
            self.rate
        } else {
            let elapsed = i64::from((now & 0xffff).wrapping_sub(when) & 0xffff);
            let earned = i64::from(balance) + elapsed * i64::from(self.rate);
            earned.min(i64::from(self.rate)) as i32
        };
        let after = (balance - 1).max(-self.window * self.rate);
        (after, balance > 0)
    }

    fn key(&self, client: IpAddr, name: &[u8], qtype: u16) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        h.write_u64(self.seed);
        match client {
            IpAddr::V4(v4) => h.write_u32(u32::from(v4) & 0xffff_ff00),
            IpAddr::V6(v6) => h.write_u64((u128::from(v6) >> 72) as u64),
        }
        for &b in name {
            h.write_u8(b.to_ascii_lowercase());
        }
        h.write_u16(qtype);
        h.finish()
    }
}

/// An entry: the tag (32 bits), the time in seconds modulo 2^16, and the balance.
fn pack(tag: u32, now: u32, balance: i32) -> u64 {
    u64::from(tag) << 32 | u64::from(now & 0xffff) << 16 | u64::from(balance as i16 as u16)
}

fn unpack(entry: u64) -> (u32, u32, i32) {
    let tag = (entry >> 32) as u32;
    let when = ((entry >> 16) & 0xffff) as u32;
    let balance = i32::from(entry as u16 as i16);
    (tag, when, balance)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &[u8] = b"\x07version\x04bind\x00";
    const TXT: u16 = 16;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn three_per_second_then_drops_until_credit_returns() {
        let limiter = RateLimiter::new(3, 15);
        let client = ip("192.0.2.7");
        let first: Vec<bool> = (0..6)
            .map(|_| limiter.allow(client, NAME, TXT, 100))
            .collect();
        assert_eq!(first, [true, true, true, false, false, false]);
        // Three seconds earn back the debt and a full balance, never more.
        let later: Vec<bool> = (0..4)
            .map(|_| limiter.allow(client, NAME, TXT, 103))
            .collect();
        assert_eq!(later, [true, true, true, false]);
    }

    #[test]
    fn networks_names_and_types_have_their_own_balance() {
        let limiter = RateLimiter::new(1, 15);
        assert!(limiter.allow(ip("192.0.2.7"), NAME, TXT, 5));
        assert!(!limiter.allow(ip("192.0.2.200"), NAME, TXT, 5), "same /24");
        assert!(limiter.allow(ip("192.0.3.7"), NAME, TXT, 5), "another /24");
        assert!(limiter.allow(ip("192.0.2.7"), b"\x02id\x06server\x00", TXT, 5));
        assert!(limiter.allow(ip("192.0.2.7"), NAME, 6, 5));
        assert!(
            !limiter.allow(ip("192.0.2.7"), b"\x07VERSION\x04BIND\x00", TXT, 5),
            "names compare without case"
        );
        assert!(limiter.allow(ip("2001:db8:0:1::1"), NAME, TXT, 5));
        assert!(
            !limiter.allow(ip("2001:db8:0:1:ffff::1"), NAME, TXT, 5),
            "same /56"
        );
    }

    #[test]
    fn debt_is_capped_by_the_window() {
        let limiter = RateLimiter::new(2, 3);
        let client = ip("198.51.100.1");
        for _ in 0..100 {
            limiter.allow(client, NAME, TXT, 0);
        }
        // At most 3 s × 2 of debt: after 4 s the balance is positive again.
        assert!(!limiter.allow(client, NAME, TXT, 3));
        assert!(limiter.allow(client, NAME, TXT, 7));
    }

    #[test]
    fn entries_round_trip() {
        for balance in [-45, -1, 0, 1, 3] {
            let (tag, when, b) = unpack(pack(0xdead_beef, 70_000, balance));
            assert_eq!((tag, when, b), (0xdead_beef, 70_000 & 0xffff, balance));
        }
    }
}
