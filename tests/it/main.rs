//! Integration tests, through the public API only. One binary, one module per concern.

mod embedded;
mod fixture;
mod kleene;
mod load_errors;
mod operators;
mod ordering;
mod output;
mod profile_errors;
