//! `schema`: write the JSON Schemas of the rule files and of an evaluation, or print the schema of
//! a profile for a guide.

use std::path::PathBuf;

use crate::diagnostics;
use crate::output::{Outcome, failed, outln};
use crate::sources::GuideArgs;

/// Write the JSON Schemas of the rule files and results, or print a profile's
///
/// Writes the JSON Schemas of every kind of rule file and of an evaluation, as the repository
/// commits them (editors validate rule files against them as you type), and the rule
/// language's reference (rules/REFERENCE.md); or, with `--profile`, prints the JSON Schema of a
/// family's profile for a guide.
///
/// Examples:
///
///   practice-guide schema --out .     # rules/schema/*.schema.json, schema/evaluation.schema.json
///
///   practice-guide schema --profile --overlay rules/overlays/example-borough
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
// The guide's folders are read only for a profile's schema: given without `--profile`, they are
// a usage error rather than ignored.
#[command(group(
    clap::ArgGroup::new("guide_folders")
        .args(["rules", "overlay"])
        .multiple(true)
        .requires("profile")
))]
pub(crate) struct Args {
    /// The folder to write under (rules/schema/ and schema/ are made in it).
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".",
        conflicts_with = "profile"
    )]
    out: PathBuf,
    /// Print the JSON Schema of a profile for the guide instead (its facts, types and values).
    #[arg(long)]
    profile: bool,
    #[command(flatten, next_help_heading = "With `--profile`")]
    guide: GuideArgs,
}

pub(crate) fn run(args: &Args) -> Outcome {
    if args.profile {
        let guide = match args.guide.load() {
            Ok(guide) => guide,
            Err(refusal) => return diagnostics::refuse(&refusal),
        };
        let schema = serde_json::to_string_pretty(&guide.profile_schema()).unwrap_or_default();
        outln!("{schema}");
        return Outcome::Clean;
    }
    for (path, text) in practice_guide::schema::generated_files() {
        let target = args.out.join(path);
        if let Some(parent) = target.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            return failed(&format!("cannot create {}: {e}", parent.display()));
        }
        if let Err(e) = std::fs::write(&target, text) {
            return failed(&format!("cannot write {}: {e}", target.display()));
        }
        outln!("wrote {}", target.display());
    }
    Outcome::Clean
}
