//! The typed card model: every object, element, text object and enumeration of card JSON 1.0
//! and 2.0, each with its meaning, allowed values, version and Lark's page.
//!
//! The items are generated from the schema in `lark-card-schema` (`lark_card_schema::codegen`) into
//! `model/generated.rs`, checked in; this module gives them the names they use
//! (`lark_card_schema::codegen::NAMES_IN_SCOPE`). After changing the schema:
//! `UPDATE_MODEL=1 cargo test -p lark-card --test model_is_generated`.

#![allow(clippy::large_enum_variant)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use crate::interpolate::Enumeration;
use crate::raw::Unchecked;
use crate::write_json::{object, plain, tagged, Fields, WriteFields, WriteJson};

include!("model/generated.rs");
