//! Writes the files generated from the crate's types into the repository:
//! `rules/schema/*.schema.json` (the rule files), `schema/evaluation.schema.json` (the results)
//! and `rules/REFERENCE.md` (the rule language's reference). Run from the repository's root after
//! changing a rule file type, a result type or the operator table:
//!
//! ```text
//! cargo run --features schema --example write_schemas
//! ```
//!
//! The test `schema::committed_schemas_are_current` fails until the committed files match.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    for (path, text) in practice_guide::schema::generated_files() {
        let written = std::path::Path::new(path)
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, text));
        if let Err(err) = written {
            eprintln!("cannot write {path}: {err}");
            return ExitCode::FAILURE;
        }
        println!("wrote {path}");
    }
    ExitCode::SUCCESS
}
