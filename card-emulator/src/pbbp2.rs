//! The long connection's frames: `pbbp2.Frame` of Lark's WebSocket protocol, encoded with
//! `prost` (the [`prost::Message`] implementations are written here by hand with
//! `prost::encoding`, so no code generator or derive macro is needed).
//!
//! The `.proto`, as Lark's SDKs carry it (proto2):
//!
//! ```proto
//! message Header { required string key = 1; required string value = 2; }
//! message Frame {
//!   required uint64 SeqID = 1;  required uint64 LogID = 2;
//!   required int32 service = 3; required int32 method = 4;   // 0 control, 1 data
//!   repeated Header headers = 5;
//!   optional string payload_encoding = 6; optional string payload_type = 7;
//!   optional bytes payload = 8; optional string LogIDNew = 9;
//! }
//! ```
//!
//! ```
//! use lark_card_emulator::pbbp2::{Frame, METHOD_CONTROL};
//! use prost::Message;
//!
//! let ping = Frame::control(7, "ping");
//! let bytes = ping.encode_to_vec();
//! let decoded = Frame::decode(bytes.as_slice())?;
//! assert_eq!(decoded, ping);
//! assert_eq!((decoded.method, decoded.header("type")), (METHOD_CONTROL, Some("ping")));
//! # Ok::<(), prost::DecodeError>(())
//! ```

use prost::bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};
use prost::DecodeError;

/// `Frame.method` of a control frame (ping, pong).
pub const METHOD_CONTROL: i32 = 0;
/// `Frame.method` of a data frame (an event, and its answer).
pub const METHOD_DATA: i32 = 1;

/// One header of a frame: `type`, `message_id`, `sum`, `seq`, `trace_id`, `biz_rt`…
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// The header's name.
    pub key: String,
    /// Its value.
    pub value: String,
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

/// A frame of the long connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// `SeqID`.
    pub seq_id: u64,
    /// `LogID`.
    pub log_id: u64,
    /// The connection's `service_id`.
    pub service: i32,
    /// [`METHOD_CONTROL`] or [`METHOD_DATA`].
    pub method: i32,
    /// The headers, in order.
    pub headers: Vec<Header>,
    /// `payload_encoding`.
    pub payload_encoding: Option<String>,
    /// `payload_type`.
    pub payload_type: Option<String>,
    /// The payload: the event's JSON, an answer's JSON, or a pong's `ClientConfig`.
    pub payload: Option<Vec<u8>>,
    /// `LogIDNew`.
    pub log_id_new: Option<String>,
}

impl Frame {
    /// A control frame (`ping` or `pong`) of a service.
    pub fn control(service: i32, kind: &str) -> Frame {
        Frame {
            service,
            method: METHOD_CONTROL,
            headers: vec![Header {
                key: "type".to_owned(),
                value: kind.to_owned(),
            }],
            ..Frame::default()
        }
    }

    /// The value of the first header named `key`.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    /// Adds a header.
    pub fn push_header(&mut self, key: &str, value: impl Into<String>) {
        self.headers.push(Header {
            key: key.to_owned(),
            value: value.into(),
        });
    }
}

impl prost::Message for Frame {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        // proto2 `required` fields are always written, zero or not.
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

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn a_frame_survives_encoding_with_every_field() {
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
        frame.push_header("type", "event");
        frame.push_header("sum", "1");
        let bytes = frame.encode_to_vec();
        assert_eq!(bytes.len(), frame.encoded_len());
        assert_eq!(Frame::decode(bytes.as_slice()), Ok(frame));
    }

    #[test]
    fn required_zeros_are_written_and_garbage_is_an_error() {
        let ping = Frame::control(0, "ping");
        // SeqID, LogID, service and method at zero: 4 × 2 bytes, then the header.
        assert_eq!(&ping.encode_to_vec()[..8], &[8, 0, 16, 0, 24, 0, 32, 0]);
        assert!(Frame::decode(&[0xff, 0xff, 0xff][..]).is_err());
    }
}
