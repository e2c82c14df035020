// A 1.0 card without `update_multi: true` is not shared: the update path refuses it.
// runtime: refused as not shared
use lark_card::{card, UpdateBody};

fn main() {
    let card = card!({ "elements": [ { "tag": "markdown", "content": "Build **green**" } ] });
    let _body = UpdateBody::new(&card);
}
