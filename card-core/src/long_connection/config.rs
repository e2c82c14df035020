//! `ClientConfig`: the ping interval and the reconnection rules the service gives, with the
//! endpoint's answer and with every pong.

use std::time::Duration;

use serde::Deserialize;

use lark_card_schema::lark::long_connection as facts;

/// How the connection pings and reconnects, as the service last said (all values are
/// seconds on the wire).
///
/// ```
/// use lark_card::long_connection::ClientConfig;
/// use std::time::Duration;
///
/// let mut config = ClientConfig::default();
/// assert_eq!(config.ping_interval, Duration::from_secs(120));
/// config.apply_json(br#"{"PingInterval":5,"ReconnectCount":3}"#)?;
/// assert_eq!((config.ping_interval, config.reconnect_count), (Duration::from_secs(5), 3));
/// assert_eq!(config.reconnect_interval, Duration::from_secs(120)); // absent: kept
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientConfig {
    /// `ReconnectCount`: attempts after a drop; negative is forever (the default).
    pub reconnect_count: i64,
    /// `ReconnectInterval`: the wait between two attempts (default 120 s).
    pub reconnect_interval: Duration,
    /// `ReconnectNonce`: the first attempt after a drop waits a random time up to it, so
    /// that a fleet does not reconnect at once (default 30 s).
    pub reconnect_nonce: Duration,
    /// `PingInterval`: the time between pings (default 120 s; at least 1 s).
    pub ping_interval: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            reconnect_count: facts::DEFAULT_RECONNECT_COUNT,
            reconnect_interval: facts::DEFAULT_RECONNECT_INTERVAL,
            reconnect_nonce: facts::DEFAULT_RECONNECT_NONCE,
            ping_interval: facts::DEFAULT_PING_INTERVAL,
        }
    }
}

/// The JSON, each value optional: one the service leaves out keeps its current value
/// (the Go SDK would set it to 0, which for `PingInterval` is a busy loop).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct RawClientConfig {
    #[serde(rename = "ReconnectCount", default)]
    reconnect_count: Option<i64>,
    #[serde(rename = "ReconnectInterval", default)]
    reconnect_interval: Option<i64>,
    #[serde(rename = "ReconnectNonce", default)]
    reconnect_nonce: Option<i64>,
    #[serde(rename = "PingInterval", default)]
    ping_interval: Option<i64>,
}

/// As the service sends it: `{"ReconnectCount":-1,"ReconnectInterval":120,"ReconnectNonce":30,
/// "PingInterval":120}`, the durations in whole seconds (for a local Lark's endpoint, pongs
/// and settings).
impl serde::Serialize for ClientConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = serializer.serialize_struct("ClientConfig", 4)?;
        out.serialize_field("ReconnectCount", &self.reconnect_count)?;
        out.serialize_field("ReconnectInterval", &self.reconnect_interval.as_secs())?;
        out.serialize_field("ReconnectNonce", &self.reconnect_nonce.as_secs())?;
        out.serialize_field("PingInterval", &self.ping_interval.as_secs())?;
        out.end()
    }
}

fn seconds(value: i64) -> Duration {
    Duration::from_secs(u64::try_from(value).unwrap_or(0))
}

impl ClientConfig {
    /// The configuration with these values (a builder for [`LongConnectionBuilder::client_config`](super::LongConnectionBuilder::client_config)).
    pub fn new(
        ping_interval: Duration,
        reconnect_count: i64,
        reconnect_interval: Duration,
        reconnect_nonce: Duration,
    ) -> Self {
        ClientConfig {
            reconnect_count,
            reconnect_interval,
            reconnect_nonce,
            ping_interval: ping_interval.max(Duration::from_millis(1)),
        }
    }

    /// The JSON the service sends (`{"ReconnectCount":-1,"ReconnectInterval":120,...}`, in
    /// whole seconds): for a local Lark's endpoint and pongs. The same as its
    /// [`Serialize`](serde::Serialize).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Applies a `ClientConfig` JSON object (a pong's payload, the endpoint's
    /// `data.ClientConfig`): the values it gives replace the current ones. Negative intervals
    /// count as 0; a `PingInterval` under 1 s is ignored.
    pub fn apply_json(&mut self, json: &[u8]) -> Result<(), serde_json::Error> {
        self.apply(serde_json::from_slice(json)?);
        Ok(())
    }

    pub(crate) fn apply(&mut self, raw: RawClientConfig) {
        if let Some(count) = raw.reconnect_count {
            self.reconnect_count = count;
        }
        if let Some(interval) = raw.reconnect_interval {
            self.reconnect_interval = seconds(interval);
        }
        if let Some(nonce) = raw.reconnect_nonce {
            self.reconnect_nonce = seconds(nonce);
        }
        if let Some(ping) = raw.ping_interval.filter(|&s| s >= 1) {
            self.ping_interval = seconds(ping);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_config_is_read_in_seconds() {
        let mut config = ClientConfig::default();
        config
            .apply_json(
                br#"{"ReconnectCount":-1,"ReconnectInterval":120,"ReconnectNonce":30,"PingInterval":120}"#,
            )
            .ok();
        assert_eq!(config, ClientConfig::default());
        config
            .apply_json(br#"{"ReconnectCount":2,"ReconnectInterval":3,"ReconnectNonce":0,"PingInterval":7,"New":1}"#)
            .ok();
        assert_eq!(
            config,
            ClientConfig {
                reconnect_count: 2,
                reconnect_interval: Duration::from_secs(3),
                reconnect_nonce: Duration::ZERO,
                ping_interval: Duration::from_secs(7),
            }
        );
    }

    #[test]
    fn the_json_is_the_services_in_whole_seconds_and_reads_back() {
        let config = ClientConfig::new(
            Duration::from_millis(5_900),
            2,
            Duration::from_secs(3),
            Duration::from_secs(1),
        );
        let json = config.to_json();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).ok(),
            Some(serde_json::json!({
                "ReconnectCount": 2, "ReconnectInterval": 3, "ReconnectNonce": 1, "PingInterval": 5
            }))
        );
        assert_eq!(serde_json::to_string(&config).ok(), Some(json.clone()));
        let mut read = ClientConfig::default();
        assert!(read.apply_json(json.as_bytes()).is_ok());
        assert_eq!(read.ping_interval, Duration::from_secs(5));
        assert_eq!(
            read,
            ClientConfig {
                ping_interval: Duration::from_secs(5),
                ..config
            }
        );
    }

    #[test]
    fn nonsense_is_refused_or_kept_harmless() {
        let mut config = ClientConfig::default();
        assert!(config.apply_json(b"not json").is_err());
        assert!(config.apply_json(br#"{"PingInterval":"7"}"#).is_err());
        config
            .apply_json(br#"{"PingInterval":0,"ReconnectInterval":-5}"#)
            .ok();
        assert_eq!(config.ping_interval, Duration::from_secs(120));
        assert_eq!(config.reconnect_interval, Duration::ZERO);
    }
}
