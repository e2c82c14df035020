// One markdown element holds at most four tables; this one has five.
// path: body.elements[0].content
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "| a |\n| --- |\n| 0 |\n\n| b |\n| --- |\n| 1 |\n\n| c |\n| --- |\n| 2 |\n\n| d |\n| --- |\n| 3 |\n\n| e |\n| --- |\n| 4 |" }
    ] } });
}
