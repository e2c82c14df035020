// A card file that breaks a schema rule: the error gives the file, line, column and JSON path.
// path: body.elements[1].type
use lark_card::include_card;

fn main() {
    let _card = include_card!("cards/button_type_typo.json");
}
