//! Message ids: validated before any request is made.

use core::fmt;
use core::str::FromStr;

/// The id of a sent message, `om_` followed by letters, digits, `_` or `-`
/// (`om_dc13264520392913993dd051dba21dcf`).
///
/// ```
/// use lark_card::MessageId;
///
/// let id: MessageId = "om_dc13264520392913993dd051dba21dcf".parse()?;
/// assert_eq!(id.as_str(), "om_dc13264520392913993dd051dba21dcf");
/// assert!("dc13264520392913".parse::<MessageId>().is_err());
/// # Ok::<(), lark_card::InvalidMessageId>(())
/// ```
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct MessageId(String);

/// A string that is not a message id, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a message id: {reason}")]
pub struct InvalidMessageId {
    /// The string given.
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// The longest id accepted; Lark's are 35 characters.
const MAX_LEN: usize = 128;

impl MessageId {
    /// Checks and wraps a message id.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidMessageId> {
        let value = value.into();
        let invalid = |reason| InvalidMessageId {
            value: value.chars().take(MAX_LEN).collect(),
            reason,
        };
        let Some(rest) = value.strip_prefix("om_") else {
            return Err(invalid("message ids start with `om_`"));
        };
        if rest.is_empty() {
            return Err(invalid("nothing follows `om_`"));
        }
        if value.len() > MAX_LEN {
            return Err(invalid("it is too long"));
        }
        if !rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(invalid(
                "only letters, digits, `_` and `-` may follow `om_`",
            ));
        }
        Ok(MessageId(value))
    }

    /// The id as Lark writes it (`om_…`), for a URL path or a log line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for MessageId {
    type Err = InvalidMessageId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageId::new(s)
    }
}

impl TryFrom<String> for MessageId {
    type Error = InvalidMessageId;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        MessageId::new(value)
    }
}

impl TryFrom<&str> for MessageId {
    type Error = InvalidMessageId;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        MessageId::new(value)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<MessageId> for String {
    fn from(id: MessageId) -> String {
        id.0
    }
}

impl AsRef<str> for MessageId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::MessageId;

    #[test]
    fn ids_are_checked() {
        assert!(MessageId::new("om_abc-DEF_123").is_ok());
        for bad in ["", "om_", "oc_abc", "om_a/b", "om_a b", "om_../x"] {
            assert!(MessageId::new(bad).is_err(), "{bad}");
        }
        assert!(MessageId::new(format!("om_{}", "a".repeat(200))).is_err());
    }
}
