//! Helpers shared by the integration tests: an emulator with a token, plain HTTP calls over
//! loopback, and cards.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::error::Error;

use lark_card::MessageId;
use lark_card_emulator::Emulator;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

pub type TestResult = Result<(), Box<dyn Error>>;

pub const APP_ID: &str = "cli_test";
pub const APP_SECRET: &str = "secret";
pub const OTHER_APP_ID: &str = "cli_other";
pub const OTHER_APP_SECRET: &str = "other-secret";
pub const CHAT: &str = "oc_team";

/// An answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    /// The Lark `code`, or -1 if the body has none.
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(-1)
    }

    /// The Lark `msg`.
    pub fn msg(&self) -> &str {
        self.body["msg"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn call(request: reqwest::RequestBuilder) -> Result<Reply, Box<dyn Error>> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await?;
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(Reply {
        status,
        headers,
        text,
        body,
    })
}

/// An emulator with a paused clock, two apps, and a token of the first.
pub struct Lark {
    pub emulator: Emulator,
    pub http: reqwest::Client,
    pub token: String,
}

impl Lark {
    pub async fn start() -> Result<Lark, Box<dyn Error>> {
        let emulator = Emulator::builder()
            .app(APP_ID, APP_SECRET)
            .app(OTHER_APP_ID, OTHER_APP_SECRET)
            .paused_clock()
            .start()
            .await?;
        let http = reqwest::Client::new();
        let mut lark = Lark {
            emulator,
            http,
            token: String::new(),
        };
        lark.token = lark.fetch_token(APP_ID, APP_SECRET).await?;
        Ok(lark)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    /// A token from the token endpoint.
    pub async fn fetch_token(&self, app_id: &str, secret: &str) -> Result<String, Box<dyn Error>> {
        let reply = self
            .token_request(json!({ "app_id": app_id, "app_secret": secret }))
            .await?;
        reply.body["tenant_access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no token in {}", reply.text).into())
    }

    pub async fn token_request(&self, body: Value) -> Result<Reply, Box<dyn Error>> {
        call(
            self.http
                .post(self.url("/open-apis/auth/v3/tenant_access_token/internal"))
                .json(&body),
        )
        .await
    }

    /// `PATCH` with `{"content": content}` and this harness's token. `id` is whatever goes
    /// in the path: a message id, or something that is not one.
    pub async fn patch(
        &self,
        id: impl std::fmt::Display,
        content: &str,
    ) -> Result<Reply, Box<dyn Error>> {
        self.patch_with(&self.token, id, json!({ "content": content }).to_string())
            .await
    }

    /// `PATCH` with any body and token.
    pub async fn patch_with(
        &self,
        token: &str,
        id: impl std::fmt::Display,
        body: impl Into<reqwest::Body>,
    ) -> Result<Reply, Box<dyn Error>> {
        call(
            self.http
                .patch(self.url(&format!("/open-apis/im/v1/messages/{id}")))
                .bearer_auth(token)
                .header("content-type", "application/json; charset=utf-8")
                .body(body),
        )
        .await
    }

    /// `POST /open-apis/im/v1/messages` with this harness's token.
    pub async fn send(
        &self,
        receive_id_type: &str,
        receive_id: &str,
        msg_type: &str,
        content: &str,
    ) -> Result<Reply, Box<dyn Error>> {
        self.send_body(
            receive_id_type,
            json!({ "receive_id": receive_id, "msg_type": msg_type, "content": content })
                .to_string(),
        )
        .await
    }

    pub async fn send_body(
        &self,
        receive_id_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Result<Reply, Box<dyn Error>> {
        call(
            self.http
                .post(self.url(&format!(
                    "/open-apis/im/v1/messages?receive_id_type={receive_id_type}"
                )))
                .bearer_auth(&self.token)
                .header("content-type", "application/json; charset=utf-8")
                .body(body),
        )
        .await
    }

    /// Sends a card over HTTP and returns its id.
    pub async fn send_card(&self, content: &str) -> Result<MessageId, Box<dyn Error>> {
        let reply = self.send("chat_id", CHAT, "interactive", content).await?;
        let id = reply.body["data"]["message_id"]
            .as_str()
            .ok_or_else(|| format!("send failed: {}", reply.text))?;
        Ok(id.parse()?)
    }
}

/// A shared 1.0 card (`update_multi: true`).
pub fn shared_card(text: &str) -> String {
    json!({
        "config": { "update_multi": true },
        "elements": [ { "tag": "markdown", "content": text } ]
    })
    .to_string()
}

/// A 1.0 card that is not shared.
pub fn exclusive_card(text: &str) -> String {
    json!({ "elements": [ { "tag": "markdown", "content": text } ] }).to_string()
}

/// A 2.0 card (always shared).
pub fn v2_card(text: &str) -> String {
    json!({
        "schema": "2.0",
        "body": { "elements": [ { "tag": "markdown", "content": text } ] }
    })
    .to_string()
}

/// A shared card whose update body `{"content":"…"}` is exactly `size` bytes.
pub fn card_with_body_size(size: usize) -> Result<String, Box<dyn Error>> {
    let base = shared_card("");
    let body_len = |card: &str| json!({ "content": card }).to_string().len();
    let padding = size
        .checked_sub(body_len(&base))
        .ok_or("size too small for a card")?;
    let card = shared_card(&"x".repeat(padding));
    let got = body_len(&card);
    if got != size {
        return Err(format!("built a body of {got} bytes, wanted {size}").into());
    }
    Ok(card)
}
