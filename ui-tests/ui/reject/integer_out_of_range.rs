// A column `weight` above 5.
// path: elements[0].columns[0].weight
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "column_set", "columns": [ { "tag": "column", "width": "weighted", "weight": 6, "elements": [ { "tag": "hr" } ] } ] }
    ] });
}
