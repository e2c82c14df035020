// A card holds at most five tables; this one has six.
// path: body.elements[5]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "table", "columns": [] },
        { "tag": "table", "columns": [] },
        { "tag": "table", "columns": [] },
        { "tag": "table", "columns": [] },
        { "tag": "table", "columns": [] },
        { "tag": "table", "columns": [] }
    ] } });
}
