// An enumeration field takes a value computed at run time: a `&str`, a `String` or the enum.
use lark_card::model::ButtonType;
use lark_card::{card, Card, Shared};
use serde_json::Value;

fn main() {
    let ok = true;
    let size = String::from("small");
    let kind = ButtonType::Danger;
    let card: Card<Shared> = card!({
        "schema": "2.0",
        "header": {
            "title": { "tag": "plain_text", "content": "Deploy" },
            "template": (if ok { "green" } else { "red" })
        },
        "body": { "elements": [
            { "tag": "button", "text": { "tag": "plain_text", "content": "Stop" },
              "type": (kind), "size": (size) }
        ] }
    });
    // Strings are checked before the card is sent; these are values of their fields.
    assert!(card.checks_at_send());
    assert!(card.validate().is_ok());
    let value: Value = serde_json::from_str(&card.to_content()).unwrap();
    assert_eq!(value["header"]["template"], "green");
    assert_eq!(value["body"]["elements"][0]["type"], "danger");
    assert_eq!(value["body"]["elements"][0]["size"], "small");
}
