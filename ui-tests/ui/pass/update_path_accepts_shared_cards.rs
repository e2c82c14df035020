// Shared cards (1.0 with `update_multi: true`, and every 2.0 card) go to the update path.
use lark_card::{card, UpdateBody};

fn main() {
    let v1 = card!({
        "config": { "update_multi": true },
        "elements": [ { "tag": "div", "text": { "tag": "lark_md", "content": "**3** builds" } } ]
    });
    let v2 = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "hr" } ] } });
    let body = UpdateBody::new(&v1).unwrap();
    assert!(body.as_str().starts_with(r#"{"content":"{\"config\":{\"update_multi\":true}"#));
    assert_eq!(body.len(), v1.update_body_size());
    assert!(UpdateBody::new(&v2).is_ok());
}
