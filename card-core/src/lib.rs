#![doc = include_str!("../../README.md")]
//!
//! # Crate layout
//!
//! - [`card!`] builds a [`Card`], checked when your program compiles.
//! - [`Card::from_json`] reads and checks card JSON at run time, with the same rules.
//! - [`model`] is the typed card JSON (1.0 and 2.0), generated from the schema.
//! - [`UpdatableCard`] and [`UpdateBody`]: only shared cards can update a sent card.
//! - [`escape_markdown`] and [`TrustedMarkdown`]: interpolated text renders literally.

pub mod card;
pub mod error;
pub mod escape;
pub mod interpolate;
mod json_tree;
pub mod model;
pub mod raw;

#[doc(hidden)]
pub mod __private;

pub use card::{
    Card, NotShared, Shared, Sharing, UpdatableCard, UpdateBody, MAX_UPDATE_BODY_BYTES,
};
pub use card_macros::card;
pub use error::{CardError, ValidationError, ValidationErrors, ViolationKind};
pub use escape::escape_markdown;
pub use interpolate::{
    trusted_markdown, IntoInteger, IntoMarkdown, IntoNumber, IntoText, TrustedMarkdown,
};
pub use model::{CardJson, Element};
pub use raw::RawElement;
