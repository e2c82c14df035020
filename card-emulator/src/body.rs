//! Reading request bodies without trusting their size.
//!
//! Lark measures the request body ("卡片及富文本消息请求体最大不能超过30KB"), so the emulator must
//! know the exact length of an oversized body to answer 230025, but never needs to hold more
//! than the largest body it accepts. It keeps the first `keep` bytes, counts the rest, and
//! stops reading at `cap`: past that the connection is closed after the answer, as a gateway
//! would do.

use axum::body::Body;
use http_body_util::BodyExt;

/// The largest body any endpoint accepts: a 150 KB text message (cards: 30 KB).
pub(crate) const KEEP: usize = 150 * 1024 + 1;
/// Past this many bytes the emulator stops reading and answers at once.
pub(crate) const CAP: usize = 64 * 1024 * 1024;

/// A request body as read.
#[derive(Debug)]
pub(crate) struct ReadBody {
    /// The first bytes, up to `keep`.
    pub(crate) bytes: Vec<u8>,
    /// The length of the body (at least `cap` if reading stopped there).
    pub(crate) len: usize,
    /// Whether the whole body was read.
    pub(crate) complete: bool,
}

/// Reads a body, keeping at most `keep` bytes and reading at most `cap`.
///
/// A body that breaks off (the client went away) is an error; the caller answers it anyway,
/// for whoever may still be listening.
pub(crate) async fn read(body: Body, keep: usize, cap: usize) -> Result<ReadBody, axum::Error> {
    let mut body = body;
    let mut out = ReadBody {
        bytes: Vec::new(),
        len: 0,
        complete: true,
    };
    while let Some(frame) = body.frame().await {
        let frame = frame?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        out.len = out.len.saturating_add(data.len());
        let room = keep.saturating_sub(out.bytes.len());
        out.bytes.extend_from_slice(&data[..room.min(data.len())]);
        if out.len >= cap {
            out.complete = false;
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_the_head_and_counts_the_rest() -> Result<(), axum::Error> {
        let body = Body::from(vec![b'x'; 1000]);
        let read = read(body, 100, 10_000).await?;
        assert_eq!(
            (read.bytes.len(), read.len, read.complete),
            (100, 1000, true)
        );
        let read = super::read(Body::from(vec![b'y'; 5000]), 10, 1000).await?;
        assert!(!read.complete);
        assert!(read.len >= 1000);
        Ok(())
    }
}
