// `include_card!` names a file that does not exist (paths are relative to the crate's root).
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::include_card;

fn main() {
    let _card = include_card!("cards/no_such_card.json");
}
