//! Writes the JSON Schemas generated from the crate's types into the repository:
//! `rules/schema/*.schema.json` (the rule files) and `schema/evaluation.schema.json` (the
//! results). Run from the repository's root after changing a rule file type or a result type:
//!
//! ```text
//! cargo run --features schema --example write_schemas
//! ```
//!
//! The test `schema::committed_schemas_are_current` fails until the committed files match.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    for (path, schema) in practice_guide::schema::schemas() {
        let text = match serde_json::to_string_pretty(&schema) {
            Ok(text) => text + "\n",
            Err(err) => {
                eprintln!("cannot write {path}: {err}");
                return ExitCode::FAILURE;
            }
        };
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
