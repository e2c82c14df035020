//! What a test reads of CardKit's card entities (an `impl Emulator` of its own, beside the
//! message API of `emulator.rs`).

use lark_card::cardkit::CardId;
use lark_card::MessageId;

use super::Emulator;
use crate::card_entity::CardEntityView;

impl Emulator {
    /// A CardKit card entity as it is now: its card, streaming mode, summary, last
    /// `sequence` and the message it was sent in. Streaming mode due to close by itself (10
    /// minutes after it was last enabled, on the emulator's clock) is closed first.
    ///
    /// ```
    /// use lark_card_emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::builder().paused_clock().start().await?;
    /// let token = emulator.tenant_token(lark_card_emulator::DEFAULT_APP_ID)?;
    /// let card = r#"{"schema":"2.0","config":{"streaming_mode":true},"body":{"elements":[{"tag":"markdown","element_id":"answer","content":""}]}}"#;
    /// let created: serde_json::Value = reqwest::Client::new()
    ///     .post(format!("{}/open-apis/cardkit/v1/cards", emulator.base_url()))
    ///     .bearer_auth(&token)
    ///     .json(&serde_json::json!({ "type": "card_json", "data": card }))
    ///     .send().await?.json().await?;
    /// let card_id: lark_card::cardkit::CardId = created["data"]["card_id"].as_str().unwrap_or_default().parse()?;
    /// let entity = emulator.card_entity(&card_id).ok_or("no entity")?;
    /// assert!(entity.streaming_mode);
    /// assert_eq!(entity.summary.as_deref(), Some(lark_card::lark::STREAMING_SUMMARY));
    /// assert_eq!(entity.last_sequence, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn card_entity(&self, card_id: &CardId) -> Option<CardEntityView> {
        self.shared.lock().card_entity(card_id.as_str())
    }

    /// Every card entity, oldest first.
    pub fn card_entities(&self) -> Vec<CardEntityView> {
        self.shared.lock().card_entities()
    }

    /// The card entity a message was sent by (`{"type":"card","data":{"card_id":…}}`), if
    /// it was.
    pub fn card_entity_of_message(&self, message_id: &MessageId) -> Option<CardEntityView> {
        self.shared
            .lock()
            .card_entity_of_message(message_id.as_str())
    }
}
