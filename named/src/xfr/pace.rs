//! Rates BIND puts on messages a server starts itself: `serial-query-rate` for the SOA
//! queries of refreshes, `notify-rate` and `startup-notify-rate` for NOTIFY. Each is a
//! queue of evenly spaced slots: a message waits for the next free one.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// Messages sent at most `rate` per second.
#[derive(Debug)]
pub struct Pacer {
    rate: AtomicU32,
    next: tokio::sync::Mutex<Instant>,
}

/// When the slot after `next` is, at `now`, for `rate` per second: the time to send,
/// and the slot after it.
fn slot(next: Instant, now: Instant, rate: u32) -> (Instant, Instant) {
    let step = Duration::from_secs(1) / rate.max(1);
    let at = next.max(now);
    (at, at + step)
}

impl Pacer {
    /// A pacer of `rate` messages per second (0 counts as 1).
    pub fn new(rate: u32) -> Self {
        Self {
            rate: AtomicU32::new(rate.max(1)),
            next: tokio::sync::Mutex::new(Instant::now()),
        }
    }

    /// Changes the rate (on reconfiguration); slots already given out keep their times.
    pub fn set_rate(&self, rate: u32) {
        self.rate.store(rate.max(1), Ordering::Relaxed);
    }

    /// Waits for the next slot.
    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let (at, after) = slot(*next, Instant::now(), self.rate.load(Ordering::Relaxed));
            *next = after;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_rate_and_never_in_the_past() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        // Twenty per second: 50 ms apart, the first at once.
        let (a, next) = slot(t0, t0, 20);
        let (b, next) = slot(next, t0, 20);
        let (c, _) = slot(next, t0, 20);
        assert_eq!((a, b, c), (t0, t0 + ms(50), t0 + ms(100)));
        // After a quiet spell the next message goes at once.
        let (d, after) = slot(t0 + ms(100), t0 + ms(5000), 20);
        assert_eq!((d, after), (t0 + ms(5000), t0 + ms(5050)));
        // A rate of 0 is read as 1 per second.
        assert_eq!(slot(t0, t0, 0).1, t0 + ms(1000));
    }

    #[tokio::test]
    async fn waits_follow_the_rate_and_a_new_rate_applies_to_the_next_slot() {
        let pacer = Pacer::new(100);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait().await;
        }
        // Five slots 10 ms apart, the first at once: 40 ms at least, however loaded the
        // machine (only a lower bound holds on a busy one).
        assert!(start.elapsed() >= Duration::from_millis(40));
        pacer.set_rate(10);
        let before = Instant::now();
        pacer.wait().await;
        pacer.wait().await;
        // The slot after the old ones comes at the old spacing; the one after it 100 ms on.
        assert!(before.elapsed() >= Duration::from_millis(100));
    }
}
