// A 1.0 card without `update_multi: true` given to `Client::update_card`: one error, at the card.
// runtime: refused as not shared
use lark_card::client::Client;
use lark_card::{card, MessageId};

async fn update(client: &Client, id: &MessageId) {
    let card = card!({ "elements": [ { "tag": "markdown", "content": "Build **green**" } ] });
    let _ = client.update_card(id, &card).await;
}

fn main() {
    let _ = update;
}
