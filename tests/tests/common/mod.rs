//! What the client tests share: an emulator with one app, a client of it, a card, a sent
//! message.

use lark_card::client::Client;
use lark_card::{card, Card, MessageId, Shared};
use lark_card_emulator::Emulator;

pub const APP: &str = "cli_test";
pub const SECRET: &str = "s3cr3t-app-secret";

pub async fn emulator() -> Emulator {
    match Emulator::builder().app(APP, SECRET).start().await {
        Ok(emulator) => emulator,
        Err(e) => panic!("the emulator did not start: {e}"),
    }
}

pub fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn progress(n: u32) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (format!("step {n}")) }
    ] } })
}

pub async fn sent(emulator: &Emulator, client: &Client) -> MessageId {
    client
        .send_card(&lark_card::client::Recipient::chat("oc_team"), &progress(0))
        .await
        .unwrap_or_else(|e| panic!("send failed: {e}"))
        .tap(|id| assert!(emulator.message(id).is_some()))
}

pub trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&Self)) -> Self {
        f(&self);
        self
    }
}
impl<T> Tap for T {}
