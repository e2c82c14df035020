// An `img` `scale_type` outside its enumeration.
// path: body.elements[0].scale_type
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "img", "img_key": "img_v2_041b", "scale_type": "zoom" }
    ] } });
}
