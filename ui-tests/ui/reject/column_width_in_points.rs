// A column `width` in points instead of `auto`, `weighted` or pixels.
// path: elements[0].columns[0].width
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "column_set", "columns": [ { "tag": "column", "width": "12pt", "elements": [ { "tag": "hr" } ] } ] }
    ] });
}
