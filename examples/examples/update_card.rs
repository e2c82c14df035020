//! Builds a progress card with `card!` and prints the update request it makes:
//! `PATCH /open-apis/im/v1/messages/:message_id` with body `{"content": "<card JSON>"}`.
//!
//! Its last line on stdout is the final card's `content` string.

use card_core::{card, Card, CardError, UpdateBody};

fn progress_card(job: &str, done: u32, total: u32) -> Card {
    let finished = done == total;
    card!({
        "schema": "2.0",
        "config": { "width_mode": "fill" },
        "header": {
            "title": { "tag": "plain_text", "content": (format!("{job}: {done}/{total}")) },
            "template": (if finished { card_core::model::HeaderTemplate::Green } else { card_core::model::HeaderTemplate::Blue })
        },
        "body": { "elements": [
            { "tag": "markdown", "content": (format!("{}%", done * 100 / total)) },
            if finished {
                { "tag": "markdown", "content": (card_core::trusted_markdown("**Finished**")) }
            } else {
                { "tag": "button", "text": { "tag": "plain_text", "content": "Cancel" }, "type": "danger" }
            }
        ] }
    })
}

fn main() -> Result<(), CardError> {
    let total = 20;
    let mut content = String::new();
    for done in 0..=total {
        let card = progress_card("nightly build", done, total);
        let body = UpdateBody::new(&card)?;
        println!(
            "PATCH /open-apis/im/v1/messages/om_example  ({} bytes)",
            body.len()
        );
        content = card.to_content()?;
    }
    println!("{content}");
    Ok(())
}
