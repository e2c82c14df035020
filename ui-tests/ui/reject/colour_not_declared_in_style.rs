// A colour that is neither one of Lark's colours nor declared in `config.style.color`.
// path: body.elements[0].background_style
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "column_set", "background_style": "brand-background", "columns": [] }
    ] } });
}
