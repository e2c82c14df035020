// A `table` is only allowed at the top level of a card, not in a column.
// path: body.elements[0].columns[0].elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "column_set", "columns": [ { "tag": "column", "elements": [ { "tag": "table", "columns": [ { "name": "a", "display_name": "A" } ], "rows": [] } ] } ] }
    ] } });
}
