//! `POST {base}/callback/ws/endpoint`: the app's credentials in, the WebSocket URL and the
//! `ClientConfig` out.

use core::fmt;

use serde::Deserialize;

use lark_card_schema::lark::{long_connection as facts, LarkCode, SUCCESS};

use super::config::RawClientConfig;
use super::error::LongConnectionError;
use crate::Secret;

/// The WebSocket URL: it carries a ticket and an access key, so it is never shown; its
/// `device_id` (the connection's id, for logs) and `service_id` (for every frame) are.
#[derive(Clone)]
pub(crate) struct ConnectUrl {
    url: Secret,
    pub(crate) device_id: String,
    pub(crate) service_id: i32,
}

impl fmt::Debug for ConnectUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectUrl")
            .field("device_id", &self.device_id)
            .field("service_id", &self.service_id)
            .finish_non_exhaustive()
    }
}

impl ConnectUrl {
    /// Reads the URL; `None` unless it is a `ws://` or `wss://` URL with a numeric
    /// `service_id`.
    pub(crate) fn parse(url: &str) -> Option<Self> {
        let parsed = reqwest::Url::parse(url).ok()?;
        if !matches!(parsed.scheme(), "ws" | "wss") {
            return None;
        }
        let query = |key: &str| {
            parsed
                .query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        Some(ConnectUrl {
            service_id: query("service_id")?.parse().ok()?,
            device_id: query("device_id").unwrap_or_default(),
            url: Secret::new(url),
        })
    }

    pub(crate) fn expose(&self) -> &str {
        self.url.expose()
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "URL", default)]
    url: Option<String>,
    #[serde(rename = "ClientConfig", default)]
    client_config: Option<RawClientConfig>,
}

/// What the endpoint answered.
#[derive(Debug)]
pub(crate) struct Endpoint {
    pub(crate) url: ConnectUrl,
    pub(crate) config: Option<RawClientConfig>,
}

/// Asks the endpoint for a connection URL.
pub(crate) async fn fetch(
    http: &reqwest::Client,
    base_url: &str,
    app_id: &str,
    app_secret: &Secret,
) -> Result<Endpoint, LongConnectionError> {
    let body = serde_json::json!({ "AppID": app_id, "AppSecret": app_secret.expose() });
    let response = http
        .post(format!("{base_url}{}", facts::ENDPOINT_PATH))
        .header("locale", "zh")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(LongConnectionError::Http)?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(LongConnectionError::Http)?;
    read(status, &bytes)
}

/// Reads the endpoint's answer. As the SDKs: code 0 gives the URL; 1 and 1000040343 may be
/// retried; any other code is the app's error. An HTTP error status without a code is
/// retried (Lark's gateway answers them when busy).
pub(crate) fn read(status: u16, body: &[u8]) -> Result<Endpoint, LongConnectionError> {
    let unexpected = |problem| LongConnectionError::UnexpectedResponse { status, problem };
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(_) => return Err(unexpected("a body that is not its JSON")),
    };
    let Some(code) = envelope.code else {
        return Err(unexpected("a body without `code`"));
    };
    if code != SUCCESS {
        return Err(LongConnectionError::Endpoint {
            code: LarkCode::from_code(code),
            msg: envelope.msg,
        });
    }
    if status != 200 {
        return Err(unexpected("code 0"));
    }
    let data = envelope.data.ok_or(unexpected("no `data`"))?;
    let url = data
        .url
        .as_deref()
        .and_then(ConnectUrl::parse)
        .ok_or(unexpected(
            "no usable `data.URL` (a ws:// or wss:// URL with a service_id)",
        ))?;
    Ok(Endpoint {
        url,
        config: data.client_config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_read_and_never_shown() {
        let body = br#"{"code":0,"msg":"ok","data":{"URL":"wss://msg-frontier.feishu.cn/ws/v2?fpid=493&device_id=7301&access_key=k3y&service_id=33554678&ticket=t1ck3t","ClientConfig":{"ReconnectCount":-1,"ReconnectInterval":120,"ReconnectNonce":30,"PingInterval":120}}}"#;
        let endpoint = read(200, body);
        assert!(endpoint.is_ok(), "{endpoint:?}");
        let Ok(endpoint) = endpoint else { return };
        assert_eq!(endpoint.url.service_id, 33554678);
        assert_eq!(endpoint.url.device_id, "7301");
        assert!(endpoint.config.is_some());
        let shown = format!("{endpoint:?}");
        assert!(
            !shown.contains("t1ck3t") && !shown.contains("k3y"),
            "{shown}"
        );
    }

    #[test]
    fn codes_are_sorted_into_retried_and_client_errors() {
        for (code, client_error) in [
            (LarkCode::LongConnectionBusy, false),
            (LarkCode::LongConnectionInternal, false),
            (LarkCode::LongConnectionNoCredential, true),
            (LarkCode::InvalidAppSecret, true),
            (LarkCode::Other(1000040345), true),
        ] {
            let body = format!(r#"{{"code":{},"msg":"m"}}"#, code.code());
            let read = read(200, body.as_bytes());
            assert!(read.is_err(), "{code:?} read as a success");
            let Err(error) = read else { return };
            assert_eq!(error.lark_code(), Some(code));
            assert_eq!(error.is_client_error(), client_error, "{code:?}");
            assert!(
                error.to_string().contains(&code.code().to_string()),
                "{error}"
            );
        }
    }

    #[test]
    fn other_answers_are_retried() {
        for (status, body) in [
            (502, &b"<html>bad gateway</html>"[..]),
            (200, br#"{"msg":"no code"}"#),
            (
                200,
                br#"{"code":0,"data":{"URL":"https://not-a-websocket?service_id=1"}}"#,
            ),
            (
                200,
                br#"{"code":0,"data":{"URL":"wss://no-service-id/ws"}}"#,
            ),
        ] {
            let read = read(status, body);
            assert!(read.is_err(), "{status} read as a success");
            let Err(error) = read else { return };
            assert!(!error.is_client_error(), "{error}");
        }
    }
}
