// `schema` computed at run time: the checks need the version.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let version = "2.0";
    let _card = card!({ "schema": (version), "body": { "elements": [] } });
}
