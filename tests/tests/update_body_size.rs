//! The size `card!` checks against Lark's 30 KB limit when it compiles is the size of the
//! update body the card is sent in: numbers counted as serde_json writes them (`1e3` as
//! `1000.0`, `1.50` as `1.5`, `-0` as `0`, `-0.0` as `-0.0`, `1e16` as `1e+16`).

use lark_card::card;

/// The figure the macro computes for a card, beside the card built from the same tokens.
macro_rules! sized {
    ($($card:tt)+) => {
        (lark_card_macros::__update_body_size!($($card)+), card!($($card)+))
    };
}

/// What serde_json writes for the card's update body, `{"content":"<card JSON>"}`.
fn serde_body_size(json: &lark_card::model::CardJson) -> usize {
    let content = serde_json::to_string(json).unwrap();
    serde_json::to_string(&serde_json::json!({ "content": content }))
        .unwrap()
        .len()
}

#[test]
fn number_literals_are_counted_as_serde_json_writes_them() {
    let (size, card) = sized!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" },
          "behaviors": [ { "type": "callback", "value": {
              "thousand": 1e3, "upper": 1E3, "plus": 1e+3, "trailing": 1.50, "dot": 2.,
              "zero": -0, "negative_zero": -0.0, "zero_float": 0.0, "tenth": 0.1,
              "fixed": 1e15, "exponent": 1e16, "big_fraction": 1.5e16, "small": 0.00001,
              "smaller": 1e-6, "tiny": 1.5e-7, "huge": 1e300, "subnormal": 5e-324,
              "tie": 26829767983277.3125, "hex": 0x1F, "underscores": 1_000,
              "above_i64": 9223372036854775808, "min": -9223372036854775808,
              "list": [1, -2.5, 3.25e2, -1e-7]
          } } ] }
    ] } });
    let json = card.json();
    assert_eq!(size, serde_body_size(json));
    assert_eq!(size, card.update_body_size());
}
