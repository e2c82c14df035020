//! The order and identity of CardKit operations: `sequence` and `uuid`.

use core::fmt;

use lark_card_schema::lark::limits::{
    MAX_CARDKIT_UUID_CHARS, MAX_SEQUENCE, MIN_CARDKIT_UUID_CHARS, MIN_SEQUENCE,
};
use serde::{Deserialize, Serialize};

use super::ids::{CardId, InvalidId};

/// The `sequence` of a CardKit operation: from 1 to 2,147,483,647 (an `int32`), and above the
/// last one used on the same card entity by any operation (else 300317).
///
/// ```
/// use lark_card::cardkit::Sequence;
///
/// let first = Sequence::FIRST;
/// let second = first.next()?;
/// assert_eq!((first.get(), second.get()), (1, 2));
/// assert!(Sequence::new(0).is_err());
/// assert!(Sequence::MAX.next().is_err());
/// # Ok::<(), lark_card::cardkit::SequenceError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64")]
pub struct Sequence(i32);

impl TryFrom<i64> for Sequence {
    type Error = SequenceError;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Sequence::new(value)
    }
}

/// A `sequence` Lark does not take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SequenceError {
    /// A number outside `1..=2147483647`.
    #[error("sequence {value} is outside 1..=2147483647")]
    OutOfRange {
        /// The number given.
        value: i64,
    },
    /// The card entity used the largest sequence: no operation can follow it.
    #[error(
        "the card's sequence reached 2147483647, the largest Lark takes (create a new card entity)"
    )]
    Exhausted,
}

impl Sequence {
    /// The first sequence: 1.
    pub const FIRST: Sequence = Sequence(MIN_SEQUENCE);
    /// The largest sequence: 2,147,483,647.
    pub const MAX: Sequence = Sequence(MAX_SEQUENCE);

    /// A sequence from a number, if Lark takes it.
    pub fn new(value: i64) -> Result<Self, SequenceError> {
        i32::try_from(value)
            .ok()
            .filter(|v| *v >= MIN_SEQUENCE)
            .map(Sequence)
            .ok_or(SequenceError::OutOfRange { value })
    }

    /// The number as Lark's bodies carry it (`1..=2147483647`).
    pub fn get(self) -> i32 {
        self.0
    }

    /// The sequence after this one, [`SequenceError::Exhausted`] after [`Sequence::MAX`].
    pub fn next(self) -> Result<Self, SequenceError> {
        self.0
            .checked_add(1)
            .map(Sequence)
            .ok_or(SequenceError::Exhausted)
    }
}

impl fmt::Display for Sequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The `uuid` of a CardKit operation: Lark applies the operations of one `uuid` once, so a
/// retry of an operation that may have been applied is safe. 1 to 64 characters.
///
/// [`OperationUuid::of`] derives it from the card and the operation's sequence, so that the
/// retry of an operation (same card, same sequence) carries the same `uuid` without storing
/// it, and two operations never share one.
///
/// ```
/// use lark_card::cardkit::{CardId, OperationUuid, Sequence};
///
/// let card: CardId = "7355372766134157313".parse()?;
/// let uuid = OperationUuid::of(&card, Sequence::new(42)?);
/// assert_eq!(uuid.as_str(), "7355372766134157313_42");
/// assert!(OperationUuid::new("x".repeat(65)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct OperationUuid(String);

impl TryFrom<String> for OperationUuid {
    type Error = InvalidId;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        OperationUuid::new(value)
    }
}

impl OperationUuid {
    /// Checks and wraps a uuid of your own.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidId> {
        let value = value.into();
        let chars = value.chars().count();
        if !(MIN_CARDKIT_UUID_CHARS..=MAX_CARDKIT_UUID_CHARS).contains(&chars) {
            return Err(InvalidId::new("uuid", &value, "1 to 64 characters"));
        }
        Ok(OperationUuid(value))
    }

    /// `<card_id>_<sequence>`: at most 20 + 1 + 10 characters, within the 64 Lark takes.
    pub fn of(card: &CardId, sequence: Sequence) -> Self {
        OperationUuid(format!("{card}_{sequence}"))
    }

    /// The uuid, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OperationUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
