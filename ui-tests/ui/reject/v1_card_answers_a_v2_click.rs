// A 1.0 card given to `Answer::v2()`, which answers a click on a 2.0 card: the fix is named.
// runtime: none, a `Card` is refused by its type (`V2Card::new` checks one at run time)
use lark_card::callback::Answer;
use lark_card::card;

fn main() {
    let card = card!({ "config": { "update_multi": true }, "elements": [
        { "tag": "markdown", "content": "Approved" }
    ] });
    let _answer = Answer::v2().card(card);
}
