// A card file that is not JSON (a trailing comma): the error gives the file, line and column.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::include_card;

fn main() {
    let _card = include_card!("cards/trailing_comma.json");
}
