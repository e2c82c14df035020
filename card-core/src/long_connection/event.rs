//! The events that arrive over the long connection: card actions, messages to the bot, and
//! the rest as JSON.

use serde::Deserialize;
use serde_json::Value;

use crate::callback::{CallbackError, CallbackHeader, CardAction, CARD_ACTION_TRIGGER};

/// The event type of a message sent to the bot.
pub const IM_MESSAGE_RECEIVE_V1: &str = "im.message.receive_v1";

/// A message sent to the bot (`im.message.receive_v1`): in a chat with it, or mentioning it
/// in a group.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MessageReceived {
    /// The event's header (`event_id` identifies a re-push of the same event).
    pub header: CallbackHeader,
    /// Who sent it.
    pub sender: MessageSender,
    /// The message: its ids, chat, type and content.
    pub message: ReceivedMessage,
}

/// Who sent a message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct MessageSender {
    /// The sender's ids.
    #[serde(default)]
    pub sender_id: UserIds,
    /// `user` (or `app`...).
    #[serde(default)]
    pub sender_type: String,
    /// The sender's tenant.
    #[serde(default)]
    pub tenant_key: Option<String>,
}

/// A user's ids; those the app may not read are absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserIds {
    /// `ou_…`.
    #[serde(default)]
    pub open_id: Option<String>,
    /// `on_…`.
    #[serde(default)]
    pub union_id: Option<String>,
    /// The tenant's user id.
    #[serde(default)]
    pub user_id: Option<String>,
}

/// A message, as `im.message.receive_v1` gives it.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ReceivedMessage {
    /// `om_…`: what [`MessageId`](crate::MessageId) takes, to answer in a thread, say.
    #[serde(default)]
    pub message_id: String,
    /// The root of the thread it answers, if any.
    #[serde(default)]
    pub root_id: Option<String>,
    /// The message it answers, if any.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The thread, if any.
    #[serde(default)]
    pub thread_id: Option<String>,
    /// The chat (`oc_…`): a [`Recipient::chat`](crate::client::Recipient::chat) to answer in.
    #[serde(default)]
    pub chat_id: String,
    /// `p2p` or `group`.
    #[serde(default)]
    pub chat_type: String,
    /// `text`, `post`, `image`, `interactive`, ...
    #[serde(default)]
    pub message_type: String,
    /// The content, JSON as text (`{"text":"hi @_user_1"}` for a text message).
    #[serde(default)]
    pub content: String,
    /// When it was sent, in milliseconds since the epoch (a string, as Lark writes it).
    #[serde(default)]
    pub create_time: String,
    /// The users mentioned (`@_user_1` in the text is the first's `key`).
    #[serde(default)]
    pub mentions: Vec<Mention>,
}

impl ReceivedMessage {
    /// The text of a `text` message (mentions stay as their `@_user_N` keys).
    pub fn text(&self) -> Option<String> {
        if self.message_type != "text" {
            return None;
        }
        let content: Value = serde_json::from_str(&self.content).ok()?;
        content.get("text")?.as_str().map(str::to_owned)
    }
}

/// A user mentioned in a message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Mention {
    /// `@_user_1`, as it appears in the text.
    #[serde(default)]
    pub key: String,
    /// The user's ids.
    #[serde(default)]
    pub id: UserIds,
    /// The user's name.
    #[serde(default)]
    pub name: String,
}

/// Any other event, as JSON.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// `header.event_type` (2.0), or `event.type` (1.0).
    pub event_type: String,
    /// The header of a 2.0 event (empty for a 1.0 one).
    pub header: CallbackHeader,
    /// The whole event as sent: `{"schema":"2.0","header":{…},"event":{…}}`.
    pub json: Value,
}

#[derive(Deserialize)]
struct MessageEnvelope {
    #[serde(default)]
    header: CallbackHeader,
    event: MessageEvent,
}

#[derive(Deserialize)]
struct MessageEvent {
    #[serde(default)]
    sender: MessageSender,
    message: ReceivedMessage,
}

/// An event frame's payload, read.
#[derive(Debug)]
pub(crate) enum Incoming {
    Card(Box<CardAction>),
    Message(Box<MessageReceived>),
    Other(Event),
}

/// Reads an event frame's payload.
pub(crate) fn read(payload: &[u8]) -> Result<Incoming, CallbackError> {
    let json: Value = serde_json::from_slice(payload)?;
    let header: CallbackHeader = json
        .get("header")
        .map(CallbackHeader::deserialize)
        .transpose()?
        .unwrap_or_default();
    let event_type = if header.event_type.is_empty() {
        // A 1.0 event: `{"uuid", "event": {"type": …}}`.
        json.pointer("/event/type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    } else {
        header.event_type.clone()
    };
    match event_type.as_str() {
        CARD_ACTION_TRIGGER => {
            let text = serde_json::to_string(&json)?;
            Ok(Incoming::Card(Box::new(CardAction::from_json(&text)?)))
        }
        IM_MESSAGE_RECEIVE_V1 => {
            let envelope = MessageEnvelope::deserialize(&json)?;
            Ok(Incoming::Message(Box::new(MessageReceived {
                header: envelope.header,
                sender: envelope.event.sender,
                message: envelope.event.message,
            })))
        }
        _ => Ok(Incoming::Other(Event {
            event_type,
            header,
            json,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_to_the_bot_is_typed() {
        let payload = br#"{"schema":"2.0","header":{"event_id":"e9","event_type":"im.message.receive_v1","create_time":"1700000000000","token":"","app_id":"cli_a","tenant_key":"t"},
          "event":{"sender":{"sender_id":{"union_id":"on_1","user_id":"u1","open_id":"ou_1"},"sender_type":"user","tenant_key":"t"},
          "message":{"message_id":"om_1","root_id":"","parent_id":"","create_time":"1700000000000","chat_id":"oc_1","chat_type":"p2p","message_type":"text",
          "content":"{\"text\":\"deploy @_user_1\"}","mentions":[{"key":"@_user_1","id":{"open_id":"ou_bot"},"name":"Bot","tenant_key":"t"}]}}}"#;
        let read = read(payload);
        assert!(matches!(read, Ok(Incoming::Message(_))), "{read:?}");
        let Ok(Incoming::Message(received)) = read else {
            return;
        };
        assert_eq!(received.header.event_id, "e9");
        assert_eq!(received.sender.sender_id.open_id.as_deref(), Some("ou_1"));
        assert_eq!(received.message.chat_id, "oc_1");
        assert_eq!(received.message.text().as_deref(), Some("deploy @_user_1"));
        assert_eq!(
            received.message.mentions[0].id.open_id.as_deref(),
            Some("ou_bot")
        );
    }

    #[test]
    fn card_actions_and_other_events_are_sorted() {
        let card = br#"{"schema":"2.0","header":{"event_id":"e1","event_type":"card.action.trigger"},
          "event":{"operator":{"open_id":"ou_1"},"token":"c-1","action":{"tag":"button","value":{"k":1}},"context":{"open_message_id":"om_1"}}}"#;
        assert!(matches!(read(card), Ok(Incoming::Card(_))));
        let other =
            br#"{"schema":"2.0","header":{"event_type":"im.chat.member.bot.added_v1"},"event":{}}"#;
        assert!(
            matches!(read(other), Ok(Incoming::Other(e)) if e.event_type == "im.chat.member.bot.added_v1")
        );
        let old = br#"{"uuid":"u","event":{"type":"approval"}}"#;
        assert!(matches!(read(old), Ok(Incoming::Other(e)) if e.event_type == "approval"));
        assert!(read(b"\xff garbage").is_err());
        assert!(read(br#"{"header":{"event_type":"im.message.receive_v1"},"event":{}}"#).is_err());
    }
}
