//! Errors of lark-card: every fallible function returns one of these.

use core::fmt;

pub use lark_card_schema::ViolationKind;

/// A rule of the card schema broken by card JSON, with the JSON path to the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// The JSON path to the offending value, such as `elements[1].actions[0].type`; empty for
    /// the card itself.
    pub path: String,
    /// Which rule, and how to fix it.
    pub kind: ViolationKind,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "at `{}`: {}", self.path, self.kind)
        }
    }
}

impl std::error::Error for ValidationError {}

/// Every rule a card broke, in document order (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    /// The errors, in document order.
    pub fn iter(&self) -> core::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// The first error.
    pub fn first(&self) -> Option<&ValidationError> {
        self.0.first()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => write!(f, "invalid card"),
            [one] => write!(f, "invalid card: {one}"),
            many => {
                write!(f, "invalid card: {} problems", many.len())?;
                for error in many {
                    write!(f, "\n  - {error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ValidationErrors {}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = core::slice::Iter<'a, ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// What can go wrong when reading, checking or serializing a card.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CardError {
    /// The text is not JSON.
    #[error("card JSON does not parse: {0}")]
    Json(#[source] serde_json::Error),
    /// The JSON is not a valid card.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The card is valid but not shared, so a sent copy of it cannot be updated.
    #[error(
        "this card is not shared, so Lark refuses to update a sent copy of it: \
         set `\"config\": {{ \"update_multi\": true }}` (card JSON 1.0) or use card JSON 2.0"
    )]
    NotShared,
    /// The update request body would exceed Lark's limit.
    #[error("{}", ViolationKind::TooLarge { size: *.size, limit: *.limit })]
    TooLarge {
        /// The size of the request body, in bytes.
        size: usize,
        /// The limit, in bytes.
        limit: usize,
    },
}
