//! What can go wrong reading a callback or building an answer.

/// A callback that cannot be read, or an answer that cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The body, or a part of it, is not the JSON expected.
    #[error("the callback is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    /// The `encrypt` field cannot be decrypted (the text says why, never the key).
    #[error("cannot decrypt the callback: {0}")]
    Decrypt(&'static str),
    /// The callback is of another type than `card.action.trigger`.
    #[error("the callback is of type `{0}`, not `card.action.trigger`")]
    UnsupportedEvent(String),
    /// A form field is missing.
    #[error("the form has no field `{0}`")]
    MissingField(String),
    /// A card given as JSON 2.0 is not one (no `"schema": "2.0"`).
    #[error("the card is not card JSON 2.0 (it has no `\"schema\": \"2.0\"`)")]
    NotV2,
    /// A card that cannot be used (invalid, too large).
    #[error(transparent)]
    Card(#[from] crate::CardError),
    /// The receiver was configured wrongly.
    #[error("callback receiver configuration: {0}")]
    Config(&'static str),
}
