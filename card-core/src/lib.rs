//! placeholder
pub mod model;
pub mod raw;
pub use raw::RawElement;
