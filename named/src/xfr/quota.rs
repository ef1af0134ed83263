//! `transfers-in`, `transfers-out` and `transfers-per-ns` (one for each primary): how
//! many transfers run at once, a limit a reconfiguration may change while transfers run.
//! Growing adds slots at once; shrinking takes slots away as running transfers give them
//! back, so none is cut short.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

/// A resizable limit on concurrent transfers.
#[derive(Debug)]
pub struct Quota {
    slots: Arc<Semaphore>,
    /// The limit in force (slots in use, free, and still to be taken away).
    limit: AtomicUsize,
    /// Serialises resizes, so that two reconfigurations do not interleave.
    resizing: Mutex<()>,
}

impl Quota {
    /// A limit of `limit` transfers (0 counts as 1).
    pub fn new(limit: u32) -> Self {
        let limit = (limit as usize).max(1);
        Self {
            slots: Arc::new(Semaphore::new(limit)),
            limit: AtomicUsize::new(limit),
            resizing: Mutex::new(()),
        }
    }

    /// The limit in force.
    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// Changes the limit to `limit` (0 counts as 1). Slots to take away that are in use
    /// are taken as they come free, on the tokio runtime `runtime`.
    pub fn resize(&self, limit: u32, runtime: &tokio::runtime::Handle) {
        let _guard = self.resizing.lock().unwrap_or_else(PoisonError::into_inner);
        let new = (limit as usize).max(1);
        let old = self.limit.swap(new, Ordering::Relaxed);
        if new > old {
            self.slots.add_permits(new - old);
            return;
        }
        let excess = old - new;
        let taken = self.slots.forget_permits(excess);
        if let Ok(rest) = u32::try_from(excess - taken)
            && rest > 0
        {
            let slots = Arc::clone(&self.slots);
            runtime.spawn(async move {
                if let Ok(permits) = slots.acquire_many_owned(rest).await {
                    permits.forget();
                }
            });
        }
    }

    /// A slot if one is free now.
    pub fn try_acquire(&self) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        Arc::clone(&self.slots).try_acquire_owned()
    }

    /// A slot, waiting for one.
    pub async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.slots).acquire_owned().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limit_grows_at_once_and_shrinks_as_transfers_end() {
        let runtime = tokio::runtime::Handle::current();
        let quota = Quota::new(2);
        let a = quota.try_acquire().expect("first slot");
        let b = quota.try_acquire().expect("second slot");
        assert!(quota.try_acquire().is_err());
        quota.resize(3, &runtime);
        let c = quota.try_acquire().expect("the added slot");
        assert!(quota.try_acquire().is_err());
        // Down to one while three run: nothing is cut; two slots go as they come back.
        quota.resize(1, &runtime);
        assert_eq!(quota.limit(), 1);
        drop((a, b));
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert!(quota.try_acquire().is_err(), "still one running");
        drop(c);
        let d = quota.try_acquire().expect("the one slot left");
        assert!(quota.try_acquire().is_err());
        drop(d);
        assert_eq!(Quota::new(0).limit(), 1);
    }

    #[tokio::test]
    async fn growing_again_before_a_shrink_completes_counts_from_the_new_limit() {
        let runtime = tokio::runtime::Handle::current();
        let quota = Quota::new(2);
        let running = (
            quota.try_acquire().expect("first"),
            quota.try_acquire().expect("second"),
        );
        // One slot is still to be taken away when the limit grows to three: one is free.
        quota.resize(1, &runtime);
        quota.resize(3, &runtime);
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        let third = quota.try_acquire().expect("the third slot");
        assert!(quota.try_acquire().is_err(), "three run, three allowed");
        drop((running, third));
        let all: Vec<_> = (0..3).map(|_| quota.try_acquire().expect("slot")).collect();
        assert!(quota.try_acquire().is_err());
        assert_eq!((all.len(), quota.limit()), (3, 3));
    }
}
