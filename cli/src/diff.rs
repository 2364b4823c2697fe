//! `diff`: what changed between two versions of a rule folder.

use crate::Outcome;

/// What changed.
#[derive(clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_: &Args) -> Outcome {
    Outcome::Failed
}
