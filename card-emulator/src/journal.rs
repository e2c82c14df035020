//! What changed, for whoever follows the emulator live (the viewer): a version bumped on every
//! change, and the requests refused per message. Plain data kept in the emulator's state,
//! under its one lock; a [`watch`] channel lets followers wait for the next change.

use std::collections::HashMap;

use lark_card::MessageId;
use tokio::sync::watch;

/// Most rejected requests remembered per message.
const REJECTIONS_KEPT: usize = 100;

/// A request the emulator refused for a message.
#[derive(Clone, Debug)]
pub(crate) struct Rejection {
    pub(crate) at_ms: u64,
    pub(crate) method: String,
    pub(crate) status: u16,
    pub(crate) code: i64,
}

/// What the viewer follows: a version bumped on every change, and the rejected requests per
/// message. Kept in the emulator's state, under its one lock.
#[derive(Debug)]
pub(crate) struct Journal {
    changes: watch::Sender<u64>,
    rejections: HashMap<MessageId, Vec<Rejection>>,
}

impl Default for Journal {
    fn default() -> Journal {
        Journal {
            changes: watch::Sender::new(0),
            rejections: HashMap::new(),
        }
    }
}

impl Journal {
    /// Something the viewer shows changed.
    pub(crate) fn changed(&mut self) {
        self.changes.send_modify(|version| *version += 1);
    }

    /// A request for message `id` was refused.
    pub(crate) fn reject(&mut self, id: MessageId, rejection: Rejection) {
        let list = self.rejections.entry(id).or_default();
        if list.len() == REJECTIONS_KEPT {
            list.remove(0);
        }
        list.push(rejection);
        self.changed();
    }

    /// The version: how many changes so far.
    pub(crate) fn version(&self) -> u64 {
        *self.changes.borrow()
    }

    /// The refused requests of a message, oldest first.
    pub(crate) fn rejections(&self, id: &MessageId) -> &[Rejection] {
        self.rejections.get(id).map_or(&[], Vec::as_slice)
    }

    /// A receiver that sees each new version.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lark_card::lark::LarkCode;

    #[test]
    fn rejections_are_bounded() -> Result<(), lark_card::InvalidMessageId> {
        let id: MessageId = "om_1".parse()?;
        let mut journal = Journal::default();
        for n in 0..=REJECTIONS_KEPT {
            journal.reject(
                id.clone(),
                Rejection {
                    at_ms: n as u64,
                    method: "PATCH".to_owned(),
                    status: 400,
                    code: LarkCode::MessageRateLimited.code(),
                },
            );
        }
        assert_eq!(journal.rejections(&id).len(), REJECTIONS_KEPT);
        assert_eq!(journal.rejections(&id)[0].at_ms, 1);
        assert_eq!(journal.version(), REJECTIONS_KEPT as u64 + 1);
        Ok(())
    }
}
