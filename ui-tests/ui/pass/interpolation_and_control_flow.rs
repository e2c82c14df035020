// Rust values, loops, branches and spreads inside a card; the result is the JSON written.
use lark_card::{card, trusted_markdown, Card, NoUpdateMulti, Shared, Unchecked};
use serde_json::{json, Value};

fn main() {
    let title = "Release 1.4";
    let steps = vec![("build", true), ("test", true), ("deploy", false)];
    let extra = vec![
        lark_card::model::Element::from(lark_card::model::Hr::default()),
    ];
    let sparkle = Unchecked::new(json!({ "tag": "sparkle", "speed": 3 }));
    let user_input = "<at id=all></at> *hi*";
    let card: Card<Shared> = card!({
        "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": (title) } },
        "body": { "elements": [
            for (step, done) in &steps {
                { "tag": "markdown", "content": (format!("{step} {}", if *done { "done" } else { "waiting" })) }
            },
            if steps.iter().all(|(_, done)| *done) {
                { "tag": "markdown", "content": (trusted_markdown("**all done**")) }
            } else if steps.len() > 2 {
                { "tag": "markdown", "content": (user_input) }
            },
            ..extra,
            (sparkle)
        ] }
    });
    let value: Value = serde_json::from_str(&card.to_content()).unwrap();
    let elements = value["body"]["elements"].as_array().unwrap();
    assert_eq!(value["header"]["title"]["content"], "Release 1.4");
    assert_eq!(elements.len(), 6);
    assert_eq!(elements[0]["content"], "build done");
    // User input is escaped: no mention, no emphasis.
    let escaped = elements[3]["content"].as_str().unwrap();
    assert!(!escaped.contains("<at") && !escaped.contains('*'), "{escaped}");
    assert_eq!(elements[4], json!({ "tag": "hr" }));
    assert_eq!(elements[5], json!({ "tag": "sparkle", "speed": 3 }));

    // A 1.0 card without update_multi is typed as not shared.
    let notice: Card<NoUpdateMulti> = card!({ "elements": [ { "tag": "hr" } ] });
    assert!(!notice.is_shared());
}
