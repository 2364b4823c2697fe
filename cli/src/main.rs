//! `practice-guide`: the command-line tool for the people who write, check and govern a Practice
//! Guide's rules. Every verb exits with 0 when all is well, 1 when it found problems (invalid
//! rules or profiles, failing cases, coverage under the threshold, results that differ), and 2
//! on a usage or I/O error.

/// Like `println!`, but a standard output closed early (`practice-guide eval ... | head`) ends the
/// output quietly instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod cases;
mod check;
mod diagnostics;
mod diff;
mod eval;
mod interview;
mod lint;
mod schema;
mod serve;
mod sources;
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

/// How a verb ended, and so the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// All is well: 0.
    Clean,
    /// Problems were found (and reported): 1.
    Problems,
    /// The command could not run (a usage or I/O error, reported): 2.
    Failed,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        match outcome {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Problems => ExitCode::from(1),
            Outcome::Failed => ExitCode::from(2),
        }
    }
}

/// Writes `text` to standard output, ignoring a closed pipe (the reader has what it wanted).
fn write_out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
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
