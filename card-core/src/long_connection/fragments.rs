//! Reassembly of fragmented messages (`sum` > 1), bounded in count, bytes and age.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// The bounds of the reassembly buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragmentLimits {
    /// Incomplete messages kept at once; the oldest is dropped for a new one beyond.
    pub max_messages: usize,
    /// Bytes of all incomplete messages together; a fragment that would exceed it drops its
    /// message (and the oldest others, to make room).
    pub max_bytes: usize,
    /// Fragments one message may have (`sum`).
    pub max_fragments: usize,
    /// How long an incomplete message is kept after its last fragment (5 s, as Go and
    /// Python do).
    pub ttl: Duration,
}

impl Default for FragmentLimits {
    fn default() -> Self {
        FragmentLimits {
            max_messages: 64,
            max_bytes: 16 << 20,
            max_fragments: 256,
            ttl: lark_card_schema::lark::long_connection::FRAGMENT_TTL,
        }
    }
}

/// Why a fragment was not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// `seq` is not below `sum`, or `sum` is 0 or over the limit.
    BadIndex,
    /// The message alone is over the byte limit.
    TooLarge,
    /// Another fragment of the message said another `sum`.
    SumChanged,
}

struct Partial {
    parts: Vec<Option<Vec<u8>>>,
    bytes: usize,
    touched: Instant,
}

/// Incomplete messages by `message_id`.
pub(crate) struct Fragments {
    limits: FragmentLimits,
    partial: HashMap<String, Partial>,
    bytes: usize,
}

impl Fragments {
    pub(crate) fn new(limits: FragmentLimits) -> Self {
        Fragments {
            limits,
            partial: HashMap::new(),
            bytes: 0,
        }
    }

    /// Adds fragment `seq` of `sum`: the whole payload when it was the last one missing.
    pub(crate) fn add(
        &mut self,
        message_id: &str,
        sum: usize,
        seq: usize,
        payload: Vec<u8>,
        now: Instant,
    ) -> Result<Option<Vec<u8>>, Refused> {
        self.expire(now);
        if sum == 0 || sum > self.limits.max_fragments || seq >= sum {
            return Err(Refused::BadIndex);
        }
        if !self.partial.contains_key(message_id) {
            while self.partial.len() >= self.limits.max_messages.max(1) {
                self.drop_oldest();
            }
            self.partial.insert(
                message_id.to_owned(),
                Partial {
                    parts: vec![None; sum],
                    bytes: 0,
                    touched: now,
                },
            );
        }
        let (old_len, message_bytes) = match self.partial.get(message_id) {
            Some(entry) if entry.parts.len() != sum => {
                self.remove(message_id);
                return Err(Refused::SumChanged);
            }
            Some(entry) => (entry.parts[seq].as_ref().map_or(0, Vec::len), entry.bytes),
            None => return Err(Refused::BadIndex),
        };
        let new_message_bytes = message_bytes - old_len + payload.len();
        if new_message_bytes > self.limits.max_bytes {
            self.remove(message_id);
            return Err(Refused::TooLarge);
        }
        // Room for it: the oldest other messages go first.
        while self.bytes - message_bytes + new_message_bytes > self.limits.max_bytes {
            if !self.drop_oldest_except(message_id) {
                break;
            }
        }
        let Some(entry) = self.partial.get_mut(message_id) else {
            return Err(Refused::BadIndex);
        };
        self.bytes = self.bytes - message_bytes + new_message_bytes;
        entry.bytes = new_message_bytes;
        entry.parts[seq] = Some(payload);
        entry.touched = now;
        if entry.parts.iter().any(Option::is_none) {
            return Ok(None);
        }
        let Some(entry) = self.partial.remove(message_id) else {
            return Ok(None);
        };
        self.bytes -= entry.bytes;
        let mut whole = Vec::with_capacity(entry.bytes);
        for part in entry.parts.into_iter().flatten() {
            whole.extend_from_slice(&part);
        }
        Ok(Some(whole))
    }

    /// Drops the messages whose last fragment is older than the TTL.
    pub(crate) fn expire(&mut self, now: Instant) {
        let ttl = self.limits.ttl;
        let mut freed = 0;
        self.partial.retain(|_, entry| {
            let keep = now.saturating_duration_since(entry.touched) < ttl;
            if !keep {
                freed += entry.bytes;
            }
            keep
        });
        self.bytes -= freed;
    }

    /// Incomplete messages kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.partial.len()
    }

    /// Bytes kept.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    fn remove(&mut self, message_id: &str) {
        if let Some(entry) = self.partial.remove(message_id) {
            self.bytes -= entry.bytes;
        }
    }

    fn drop_oldest(&mut self) {
        self.drop_oldest_except("");
    }

    /// Drops the oldest message other than `keep`; false if there is none.
    fn drop_oldest_except(&mut self, keep: &str) -> bool {
        let oldest = self
            .partial
            .iter()
            .filter(|(id, _)| id.as_str() != keep || keep.is_empty())
            .min_by_key(|(_, entry)| entry.touched)
            .map(|(id, _)| id.clone());
        match oldest {
            Some(id) => {
                tracing::warn!(message_id = %id, "an incomplete fragmented message was dropped to stay within the reassembly limits");
                self.remove(&id);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> FragmentLimits {
        FragmentLimits {
            max_messages: 2,
            max_bytes: 10,
            max_fragments: 4,
            ttl: Duration::from_secs(5),
        }
    }

    #[test]
    fn fragments_in_any_order_make_the_whole() {
        let now = Instant::now();
        let mut f = Fragments::new(FragmentLimits::default());
        assert_eq!(f.add("m", 3, 2, b"c".to_vec(), now), Ok(None));
        assert_eq!(f.add("m", 3, 0, b"a".to_vec(), now), Ok(None));
        assert_eq!(f.add("m", 3, 0, b"a".to_vec(), now), Ok(None)); // repeated
        assert_eq!(
            f.add("m", 3, 1, b"b".to_vec(), now),
            Ok(Some(b"abc".to_vec()))
        );
        assert_eq!((f.len(), f.bytes()), (0, 0));
    }

    #[test]
    fn a_frame_split_into_fragments_is_put_together_again() {
        use crate::long_connection::frame::{Frame, Header, METHOD_DATA};
        let payload: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let frame = Frame {
            method: METHOD_DATA,
            headers: vec![Header::new("type", "event"), Header::new("message_id", "m")],
            payload: Some(payload.clone()),
            ..Frame::default()
        };
        let parts = frame.into_fragments(300);
        assert_eq!(parts.len(), 4);
        let now = Instant::now();
        let mut f = Fragments::new(FragmentLimits::default());
        let mut whole = None;
        for part in parts.into_iter().rev() {
            let sum = part.header("sum").and_then(|v| v.parse().ok()).unwrap_or(0);
            let seq = part
                .header("seq")
                .and_then(|v| v.parse().ok())
                .unwrap_or(99);
            whole = f
                .add("m", sum, seq, part.payload.unwrap_or_default(), now)
                .ok()
                .flatten();
        }
        assert_eq!(whole, Some(payload));
    }

    #[test]
    fn bad_indices_are_refused() {
        let now = Instant::now();
        let mut f = Fragments::new(limits());
        assert_eq!(f.add("m", 2, 2, vec![], now), Err(Refused::BadIndex));
        assert_eq!(f.add("m", 0, 0, vec![], now), Err(Refused::BadIndex));
        assert_eq!(f.add("m", 5, 0, vec![], now), Err(Refused::BadIndex));
        assert_eq!(f.add("m", 2, 0, b"a".to_vec(), now), Ok(None));
        assert_eq!(
            f.add("m", 3, 1, b"b".to_vec(), now),
            Err(Refused::SumChanged)
        );
        assert_eq!((f.len(), f.bytes()), (0, 0));
    }

    #[test]
    fn memory_is_bounded_in_messages_and_bytes() {
        let now = Instant::now();
        let mut f = Fragments::new(limits());
        // One message over the byte limit is dropped.
        assert_eq!(f.add("big", 2, 0, vec![0; 11], now), Err(Refused::TooLarge));
        // A third message drops the oldest.
        f.add("a", 2, 0, vec![1; 3], now).ok();
        f.add("b", 2, 0, vec![2; 3], now + Duration::from_millis(1))
            .ok();
        f.add("c", 2, 0, vec![3; 3], now + Duration::from_millis(2))
            .ok();
        assert_eq!((f.len(), f.bytes()), (2, 6));
        assert_eq!(f.add("a", 2, 1, vec![1], now), Ok(None)); // "a" is gone: a new entry
                                                              // Bytes: a fragment that needs room drops the oldest others.
        let later = now + Duration::from_millis(3);
        assert_eq!(
            f.add("c", 2, 1, vec![3; 7], later),
            Ok(Some([vec![3; 3], vec![3; 7]].concat()))
        );
        assert!(f.bytes() <= 10);
    }

    #[test]
    fn incomplete_messages_expire_after_the_ttl_since_their_last_fragment() {
        let now = Instant::now();
        let mut f = Fragments::new(limits());
        f.add("m", 3, 0, b"a".to_vec(), now).ok();
        f.add("m", 3, 1, b"b".to_vec(), now + Duration::from_secs(4))
            .ok();
        f.expire(now + Duration::from_secs(8));
        assert_eq!(f.len(), 1, "refreshed by its second fragment");
        f.expire(now + Duration::from_secs(9));
        assert_eq!((f.len(), f.bytes()), (0, 0));
        // The last fragment, late, starts a new message instead of completing.
        assert_eq!(
            f.add("m", 3, 2, b"c".to_vec(), now + Duration::from_secs(9)),
            Ok(None)
        );
    }
}
