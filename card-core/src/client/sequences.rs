//! One `sequence` counter per card entity, for every operation on it ([`CardSequences`]), and
//! the seam to a counter shared by the app's replicas ([`SharedSequences`]: Redis, feature
//! `redis`).
//!
//! Lark takes an operation on a card entity only if its `sequence` is above the last one it
//! took for that card (300317 otherwise), whatever the endpoint. So the operations of a card
//! go one at a time: in this process, under the card's slot (held from the first attempt of
//! an operation to its answer); across the fleet, under the card's hold in the shared store,
//! taken for each attempt and given back after its answer. The sequence is taken under both,
//! so the order in which sequences are taken is the order in which Lark receives them.

// Without a shared store (feature `redis`), what only such a store reads is unread.
#![cfg_attr(not(feature = "redis"), allow(dead_code))]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use tokio::sync::Mutex as AsyncMutex;

use super::ratelimit::BoxFuture;

/// The last sequence this process used on a card (0: none yet).
pub(crate) type Last = i32;

/// The sequence counters of the cards this client operates, each behind its card's slot.
#[derive(Default)]
pub(crate) struct CardSequences {
    slots: Mutex<HashMap<String, Weak<AsyncMutex<Last>>>>,
}

/// A card's counter, locked for each operation, from its first attempt to its answer.
pub(crate) type Counter = Arc<AsyncMutex<Last>>;

impl CardSequences {
    /// The card's counter: the one every live handle of the card shares, or a new one at 0.
    /// Counters no handle holds are forgotten (a counter made again starts at 0, and a
    /// refusal with 300317 brings it up).
    pub fn counter(&self, card_id: &str) -> Counter {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(counter) = slots.get(card_id).and_then(Weak::upgrade) {
            return counter;
        }
        slots.retain(|_, counter| counter.strong_count() > 0);
        let counter = Arc::new(AsyncMutex::new(0));
        slots.insert(card_id.to_string(), Arc::downgrade(&counter));
        counter
    }
}

/// What a shared store is asked for, with the card held across the fleet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Take {
    /// The next sequence: one above the fleet's last and `floor`.
    Next {
        /// The last sequence this replica knows of.
        floor: Last,
    },
    /// No new sequence: the retry of the operation of sequence `sent` (the fleet's last is
    /// raised to it if lower).
    Again {
        /// The operation's sequence.
        sent: Last,
    },
    /// A sequence `jump` above the fleet's last and `floor`: Lark refused one as not above
    /// its last (300317), so the counters were behind.
    Jump {
        /// The last sequence this replica knows of.
        floor: Last,
        /// How far above.
        jump: Last,
    },
}

/// A card counter shared by the app's replicas. A replica holds a card while one of its
/// requests on it is in flight; the others wait.
pub(crate) trait SharedSequences: Send + Sync {
    /// Waits until no other replica holds the card, holds it as `holder`, and answers the
    /// sequence to send (`None`: the store failed; the caller goes on with its own counter).
    fn take<'a>(
        &'a self,
        card_id: &'a str,
        holder: &'a str,
        take: Take,
    ) -> BoxFuture<'a, Option<Last>>;

    /// Lets the card go (after the answer; awaited, so that a later hold of the same holder
    /// cannot be let go by this one).
    fn release<'a>(&'a self, card_id: &'a str, holder: &'a str) -> BoxFuture<'a, ()>;
}
