//! Questions on their way to a forwarder: a second client asking the same question
//! while the first is outstanding waits for that answer instead of sending another
//! query upstream.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use zones::{Class, RType};

use super::cache::Answer;

/// A question: the cache it fills (by address), the lower-cased name, type and class.
pub type Key = (usize, Vec<u8>, RType, Class);

/// What a caller of [`InFlight::join`] does.
#[derive(Debug)]
pub enum Join {
    /// Ask upstream, then call [`InFlight::finish`].
    Lead,
    /// Wait for the leader's answer.
    Follow(oneshot::Receiver<Arc<Answer>>),
}

/// The outstanding questions.
#[derive(Debug, Default)]
pub struct InFlight {
    waiting: Mutex<HashMap<Key, Vec<oneshot::Sender<Arc<Answer>>>>>,
}

impl InFlight {
    /// Joins the question `key`.
    pub fn join(&self, key: &Key) -> Join {
        let mut waiting = self
            .waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match waiting.get_mut(key) {
            Some(followers) => {
                let (tx, rx) = oneshot::channel();
                followers.push(tx);
                Join::Follow(rx)
            }
            None => {
                waiting.insert(key.clone(), Vec::new());
                Join::Lead
            }
        }
    }

    /// Ends the question `key`, handing `answer` to everyone who waited.
    pub fn finish(&self, key: &Key, answer: &Arc<Answer>) {
        let followers = self
            .waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key)
            .unwrap_or_default();
        for tx in followers {
            let _ = tx.send(Arc::clone(answer));
        }
    }

    /// Questions outstanding now.
    pub fn len(&self) -> usize {
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Whether none is outstanding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn followers_get_the_leaders_answer() {
        let inflight = InFlight::default();
        let key: Key = (1, b"\x04test\x00".to_vec(), RType::A, Class::IN);
        assert!(matches!(inflight.join(&key), Join::Lead));
        let Join::Follow(rx) = inflight.join(&key) else {
            panic!("second joiner follows");
        };
        let answer = Arc::new(Answer::servfail());
        inflight.finish(&key, &answer);
        assert_eq!(*rx.await.expect("answered"), *answer);
        assert!(inflight.is_empty());
        assert!(matches!(inflight.join(&key), Join::Lead));
    }
}
