//! The trybuild UI cases of `card!` and `include_card!` (`ui/pass`, `ui/reject`, `ui/cards`),
//! run by `tests/ui.rs`, and the table test that holds runtime validation to the same cases
//! (`tests/cases.rs`). Nothing to link: the crate exists for its tests.
