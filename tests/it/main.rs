//! Integration tests, through the public API only. One binary, one module per concern.

// Helpers outside `#[test]` functions panic and index freely: a failure is a test failure.
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

mod analysis;
mod architecture;
mod cases;
mod compact;
mod embedded;
mod fixture;
mod guide_content;
mod hostile;
mod json_shape;
mod kleene;
mod load_errors;
mod operators;
mod ordering;
mod output;
mod overlay;
mod profile_errors;
mod properties;
mod ratings;
mod schema;
mod service;
mod statuses;
