// A fraction where a whole number is required.
// path: elements[0].columns[0].weight
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "column_set", "columns": [ { "tag": "column", "width": "weighted", "weight": 1.5, "elements": [ { "tag": "hr" } ] } ] }
    ] });
}
