//! How a service embeds the crate: one shared guide, a profile read and checked, an evaluation as
//! JSON. (The `practice-guide` command-line tool, in `cli/`, does this and more for people.)
//!
//! ```text
//! cargo run --example embed -- examples/profiles/edge-of-care.json
//! ```

// An example program: printing is its job (the library itself never prints).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: embed PROFILE (a YAML or JSON file of facts about a family)");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("cannot read {path}: {err}");
            return ExitCode::from(2);
        }
    };
    // Loaded and validated once per process; share it (it is `Send + Sync` and cheap to clone).
    let guide = practice_guide::parenting_through_adversity();
    // Reading checks every fact against the guide's vocabulary: the only step that can fail.
    let family = match guide.read_profile(&path, &text) {
        Ok(family) => family,
        Err(err) => {
            // Every problem, located, as JSON a caller can show (`{"problems": [...]}`).
            println!("{}", serde_json::to_string(&err).unwrap_or_default());
            return ExitCode::from(1);
        }
    };
    let evaluation = family.evaluate();
    match serde_json::to_string(&evaluation) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("cannot write the result as JSON: {err}");
            ExitCode::from(1)
        }
    }
}
