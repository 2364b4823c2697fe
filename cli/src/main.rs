//! `practice-guide`: the command-line tool for the people who write, check and govern a Practice
//! Guide's rules. Every verb exits with 0 when all is well, 1 when it found problems (invalid
//! rules or profiles, failing cases, coverage under the threshold, results that differ), and 2
//! on a usage or I/O error.

// The layer every verb shares, in the order its modules use each other; then one module per
// verb. A verb uses the shared modules only: never another verb, nor this file (checked by
// `tests/architecture.rs`).
mod output;
mod yaml;
mod sources;
mod diagnostics;

mod cases;
mod check;
mod diff;
mod eval;
mod interview;
mod lint;
mod schema;
mod serve;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Evaluate families against a Practice Guide, and check, test, diff and document its rules.
///
/// Without `--rules`, the guide is the embedded Parenting Through Adversity (0-10) guide.
#[derive(Parser)]
#[command(name = "practice-guide", version, about, long_about = None)]
#[command(propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Subcommand)]
enum Verb {
    Eval(eval::Args),
    Check(check::Args),
    Test(test::Args),
    Diff(diff::Args),
    Lint(lint::Args),
    Interview(interview::Args),
    Cases(cases::Args),
    Schema(schema::Args),
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.verb {
        Verb::Eval(args) => eval::run(&args),
        Verb::Check(args) => check::run(&args),
        Verb::Test(args) => test::run(&args),
        Verb::Diff(args) => diff::run(&args),
        Verb::Lint(args) => lint::run(&args),
        Verb::Interview(args) => interview::run(&args),
        Verb::Cases(args) => cases::run(&args),
        Verb::Schema(args) => schema::run(&args),
        Verb::Serve(args) => serve::run(&args),
    };
    outcome.into()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every verb's arguments fit together (no two with one name, every `mut_arg` naming one
    /// that is there), as clap checks them before parsing.
    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
