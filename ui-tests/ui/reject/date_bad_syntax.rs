// A `date_picker` `initial_date` not written `yyyy-MM-dd`.
// path: body.elements[0].initial_date
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "date_picker", "initial_date": "24/01/2024" }
    ] } });
}
