// `config.streaming_mode` exists only in card JSON 2.0.
// path: config.streaming_mode
use lark_card::card;

fn main() {
    let _card = card!({ "config": { "streaming_mode": true }, "elements": [ { "tag": "hr" } ] });
}
