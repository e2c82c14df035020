//! `pbbp2.Frame`, the message of every WebSocket frame of the long connection, from Lark's
//! `.proto` (the official SDKs generate it from the same file):
//!
//! ```proto
//! syntax = "proto2";
//! package pbbp2;
//! message Header { required string key = 1; required string value = 2; }
//! message Frame {
//!   required uint64 SeqID = 1;
//!   required uint64 LogID = 2;
//!   required int32  service = 3;
//!   required int32  method = 4;            // 0 = control (ping/pong), 1 = data
//!   repeated Header headers = 5;
//!   optional string payload_encoding = 6;
//!   optional string payload_type = 7;
//!   optional bytes  payload = 8;
//!   optional string LogIDNew = 9;
//! }
//! ```
//!
//! `prost::Message` is implemented with `prost::encoding`, field by field as `prost-derive`
//! would generate it: the derive is on syn 2, and this workspace keeps users' builds on one
//! syn major. The `required` fields are always written (a proto2 peer refuses a frame
//! without them) and read as 0 or empty when a peer leaves them out; the `optional` ones are
//! `Option`s.

use core::fmt;

use prost::bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};
use prost::DecodeError;

use lark_card_schema::lark::long_connection as facts;

/// `method` of a control frame (ping, pong).
pub const METHOD_CONTROL: i32 = 0;
/// `method` of a data frame (an event, a card callback, and their answers).
pub const METHOD_DATA: i32 = 1;

/// One `key`/`value` header of a [`Frame`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// The key (`type`, `message_id`, `sum`, `seq`, `trace_id`, `biz_rt`, ...).
    pub key: String,
    /// The value, always text (numbers such as `sum` and `seq` too).
    pub value: String,
}

impl Header {
    /// A header of this key and value.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            key: key.into(),
            value: value.into(),
        }
    }
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

impl prost::Message for Header {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        encoding::string::encode(1, &self.key, buf);
        encoding::string::encode(2, &self.value, buf);
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match tag {
            1 => encoding::string::merge(wire_type, &mut self.key, buf, ctx),
            2 => encoding::string::merge(wire_type, &mut self.value, buf, ctx),
            _ => encoding::skip_field(wire_type, tag, buf, ctx),
        }
    }

    fn encoded_len(&self) -> usize {
        encoding::string::encoded_len(1, &self.key) + encoding::string::encoded_len(2, &self.value)
    }

    fn clear(&mut self) {
        self.key.clear();
        self.value.clear();
    }
}

/// A frame of the long connection (`pbbp2.Frame`).
///
/// Its `Debug` shows the payload's length, not the payload: an event carries the callback
/// token of a card action.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Frame {
    /// `SeqID`: the frame's sequence number on the connection.
    pub seq_id: u64,
    /// `LogID` (it can exceed 2^53).
    pub log_id: u64,
    /// `service`: the `service_id` of the connection URL.
    pub service: i32,
    /// `method`: [`METHOD_CONTROL`] or [`METHOD_DATA`].
    pub method: i32,
    /// `headers`: the frame's `type` and, for events, their `message_id` and fragment
    /// numbers (see [`Frame::header`]).
    pub headers: Vec<Header>,
    /// `payload_encoding`: kept as received and written back as given; the client decodes
    /// the payload as UTF-8 JSON whatever it says.
    pub payload_encoding: Option<String>,
    /// `payload_type`: kept as received and written back as given, like `payload_encoding`.
    pub payload_type: Option<String>,
    /// `payload`: JSON, UTF-8.
    pub payload: Option<Vec<u8>>,
    /// `LogIDNew`.
    pub log_id_new: Option<String>,
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frame")
            .field("seq_id", &self.seq_id)
            .field("log_id", &self.log_id)
            .field("service", &self.service)
            .field("method", &self.method)
            .field("headers", &self.headers)
            .field("payload_bytes", &self.payload.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

impl prost::Message for Frame {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        encoding::uint64::encode(1, &self.seq_id, buf);
        encoding::uint64::encode(2, &self.log_id, buf);
        encoding::int32::encode(3, &self.service, buf);
        encoding::int32::encode(4, &self.method, buf);
        encoding::message::encode_repeated(5, &self.headers, buf);
        if let Some(value) = &self.payload_encoding {
            encoding::string::encode(6, value, buf);
        }
        if let Some(value) = &self.payload_type {
            encoding::string::encode(7, value, buf);
        }
        if let Some(value) = &self.payload {
            encoding::bytes::encode(8, value, buf);
        }
        if let Some(value) = &self.log_id_new {
            encoding::string::encode(9, value, buf);
        }
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match tag {
            1 => encoding::uint64::merge(wire_type, &mut self.seq_id, buf, ctx),
            2 => encoding::uint64::merge(wire_type, &mut self.log_id, buf, ctx),
            3 => encoding::int32::merge(wire_type, &mut self.service, buf, ctx),
            4 => encoding::int32::merge(wire_type, &mut self.method, buf, ctx),
            5 => encoding::message::merge_repeated(wire_type, &mut self.headers, buf, ctx),
            6 => encoding::string::merge(
                wire_type,
                self.payload_encoding.get_or_insert_with(String::new),
                buf,
                ctx,
            ),
            7 => encoding::string::merge(
                wire_type,
                self.payload_type.get_or_insert_with(String::new),
                buf,
                ctx,
            ),
            8 => encoding::bytes::merge(
                wire_type,
                self.payload.get_or_insert_with(Vec::new),
                buf,
                ctx,
            ),
            9 => encoding::string::merge(
                wire_type,
                self.log_id_new.get_or_insert_with(String::new),
                buf,
                ctx,
            ),
            _ => encoding::skip_field(wire_type, tag, buf, ctx),
        }
    }

    fn encoded_len(&self) -> usize {
        encoding::uint64::encoded_len(1, &self.seq_id)
            + encoding::uint64::encoded_len(2, &self.log_id)
            + encoding::int32::encoded_len(3, &self.service)
            + encoding::int32::encoded_len(4, &self.method)
            + encoding::message::encoded_len_repeated(5, &self.headers)
            + self
                .payload_encoding
                .as_ref()
                .map_or(0, |v| encoding::string::encoded_len(6, v))
            + self
                .payload_type
                .as_ref()
                .map_or(0, |v| encoding::string::encoded_len(7, v))
            + self
                .payload
                .as_ref()
                .map_or(0, |v| encoding::bytes::encoded_len(8, v))
            + self
                .log_id_new
                .as_ref()
                .map_or(0, |v| encoding::string::encoded_len(9, v))
    }

    fn clear(&mut self) {
        *self = Frame::default();
    }
}

impl Frame {
    /// Reads a frame from the bytes of a binary WebSocket message.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        <Frame as prost::Message>::decode(bytes)
    }

    /// The frame's bytes.
    pub fn encode(&self) -> Vec<u8> {
        prost::Message::encode_to_vec(self)
    }

    /// The value of the first header with this key.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|header| header.key == key)
            .map(|header| header.value.as_str())
    }

    /// Adds a header after the others (a frame may repeat a key: [`header`](Frame::header)
    /// reads the first). For a local Lark building an event, and tests.
    ///
    /// ```
    /// use lark_card::long_connection::{Frame, METHOD_DATA};
    ///
    /// let mut event = Frame { service: 7, method: METHOD_DATA, ..Frame::default() };
    /// event.push_header("type", "event");
    /// event.push_header("message_id", String::from("msg_1"));
    /// assert_eq!((event.kind(), event.header("message_id")), (Some("event"), Some("msg_1")));
    /// ```
    pub fn push_header(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.headers.push(Header::new(key, value));
    }

    /// The `type` header: `event`, `card`, `ping`, `pong`.
    pub fn kind(&self) -> Option<&str> {
        self.header(facts::HEADER_TYPE)
    }

    /// A ping of the connection whose `service_id` is `service`.
    pub fn ping(service: i32) -> Self {
        Frame {
            service,
            method: METHOD_CONTROL,
            headers: vec![Header::new(facts::HEADER_TYPE, facts::TYPE_PING)],
            ..Frame::default()
        }
    }

    /// A pong of the connection whose `service_id` is `service`, carrying `config` (what the
    /// service sends; for a local Lark).
    pub fn pong(service: i32, config: &super::config::ClientConfig) -> Self {
        Frame {
            service,
            method: METHOD_CONTROL,
            headers: vec![Header::new(facts::HEADER_TYPE, facts::TYPE_PONG)],
            payload: Some(config.to_json().into_bytes()),
            ..Frame::default()
        }
    }

    /// This data frame split into fragments of at most `max_payload` bytes of payload each,
    /// with `sum` and `seq` headers (replacing any), as the service splits a large event;
    /// one frame with `sum` 1 when it fits. For a local Lark, and tests.
    pub fn into_fragments(self, max_payload: usize) -> Vec<Frame> {
        let payload = self.payload.clone().unwrap_or_default();
        let parts: Vec<&[u8]> = if payload.is_empty() {
            vec![&[]]
        } else {
            payload.chunks(max_payload.max(1)).collect()
        };
        let sum = parts.len();
        parts
            .into_iter()
            .enumerate()
            .map(|(seq, part)| {
                let mut fragment = self.clone();
                fragment
                    .headers
                    .retain(|h| h.key != facts::HEADER_SUM && h.key != facts::HEADER_SEQ);
                fragment.push_header(facts::HEADER_SUM, sum.to_string());
                fragment.push_header(facts::HEADER_SEQ, seq.to_string());
                fragment.payload = Some(part.to_vec());
                fragment
            })
            .collect()
    }

    /// The answer to this data frame: the same frame, with the `biz_rt` header (how long
    /// the handler took, in milliseconds) and `payload` as given (see [`answer_payload`]).
    pub fn answer(&self, biz_rt_ms: u128, payload: Vec<u8>) -> Self {
        let mut answer = self.clone();
        answer.push_header(facts::HEADER_BIZ_RT, biz_rt_ms.to_string());
        answer.payload = Some(payload);
        answer
    }
}

/// The payload of an answer frame, read: what a local Lark needs of the app's answer.
///
/// ```
/// use lark_card::long_connection::{answer_payload, AnswerPayload};
///
/// let answer = AnswerPayload::parse(&answer_payload(200, Some(r#"{"toast":{}}"#)))?;
/// assert_eq!((answer.code, answer.data.as_deref()), (200, Some(&br#"{"toast":{}}"#[..])));
/// // Go's SDK writes `"headers":null,"data":null`; Node and Python leave them out.
/// assert_eq!(AnswerPayload::parse(br#"{"code":200,"headers":null,"data":null}"#)?.data, None);
/// // A JSON array of bytes instead of base64 is not Lark's format.
/// assert!(AnswerPayload::parse(br#"{"code":200,"data":[123,125]}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnswerPayload {
    /// HTTP-like: 200, or 500 when the app's handler failed.
    pub code: u16,
    /// The answer JSON (base64-decoded), if any.
    pub data: Option<Vec<u8>>,
}

impl AnswerPayload {
    /// Reads an answer frame's payload.
    pub fn parse(payload: &[u8]) -> Result<Self, serde_json::Error> {
        use base64::Engine as _;
        use serde::de::Error as _;
        #[derive(serde::Deserialize)]
        struct Raw {
            code: u16,
            #[serde(default)]
            data: Option<String>,
        }
        let raw: Raw = serde_json::from_slice(payload)?;
        let data = match raw.data {
            Some(text) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|_| serde_json::Error::custom("`data` is not base64"))?,
            ),
            None => None,
        };
        Ok(AnswerPayload {
            code: raw.code,
            data,
        })
    }
}

/// The payload of an answer frame: `{"code":<status>,"data":"<base64 of the answer JSON>"}`,
/// without `data` when there is no answer (an event, or a failed handler). `code` is
/// HTTP-like: 200, or 500 when the handler failed.
pub fn answer_payload(status: u16, answer_json: Option<&str>) -> Vec<u8> {
    use base64::Engine as _;
    let mut out = format!("{{\"code\":{status}");
    if let Some(json) = answer_json {
        out.push_str(",\"data\":\"");
        out.push_str(&base64::engine::general_purpose::STANDARD.encode(json));
        out.push('"');
    }
    out.push('}');
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_survives_encoding_with_every_field_and_repeated_headers() {
        let mut frame = Frame {
            seq_id: u64::MAX,
            log_id: 1 << 60,
            service: -3,
            method: METHOD_DATA,
            payload_encoding: Some("gzip".into()),
            payload_type: Some("json".into()),
            payload: Some(b"{\"a\":1}".to_vec()),
            log_id_new: Some("abc".into()),
            ..Frame::default()
        };
        frame.push_header(facts::HEADER_TYPE, facts::TYPE_EVENT);
        frame.push_header("sum", "1");
        frame.push_header("sum", "2");
        assert_eq!(
            frame.headers,
            [
                Header::new("type", "event"),
                Header::new("sum", "1"),
                Header::new("sum", "2")
            ]
        );
        assert_eq!(frame.header("sum"), Some("1"));
        let bytes = frame.encode();
        assert_eq!(bytes.len(), prost::Message::encoded_len(&frame));
        assert_eq!(Frame::decode(&bytes), Ok(frame));
    }

    #[test]
    fn required_zeros_are_written_and_garbage_is_an_error() {
        let ping = Frame::ping(0);
        // SeqID, LogID, service and method at zero: 4 × 2 bytes, then the header.
        assert_eq!(&ping.encode()[..8], &[8, 0, 16, 0, 24, 0, 32, 0]);
        assert!(Frame::decode(&[0xff, 0xff, 0xff]).is_err());
    }
}
