//! `lint`: the exact analysis of a guide's rules, as findings with their lines.

use std::io::IsTerminal;

use crate::diagnostics::{self, Format, Stream};
use crate::output::{self, Outcome};
use crate::sources::{self, GuideArgs};

/// Analyse the rules exactly: what can never apply, says nothing, or goes unused
///
/// Every verdict holds for every profile a family can have, facts unknown included; a finding
/// that can show it names an example family. Exits with 1 when there is an error (or, with
/// `--deny warnings`, a warning), 0 otherwise.
///
/// Examples:
///
///   practice-guide lint                                   # the embedded guide
///
///   practice-guide lint rules/my-guide --deny warnings
///
///   practice-guide lint --overlay rules/overlays/example-borough --format json
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
#[command(mut_arg("rules", sources::as_first_argument))]
pub(crate) struct Args {
    #[command(flatten)]
    guide: GuideArgs,
    /// How findings are written.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
    deny: Option<String>,
}

pub(crate) fn run(args: &Args) -> Outcome {
    let guide = match args.guide.load() {
        Ok(guide) => guide,
        Err(refusal) => return diagnostics::refuse_as(&refusal, args.format, Stream::Stderr),
    };
    let analysis = guide.analyze();
    let styled = std::io::stdout().is_terminal();
    let texts = args.guide.texts();
    output::write_out(&diagnostics::render_findings(
        &analysis,
        &texts,
        args.format,
        styled,
    ));
    let denied = args.deny.is_some() && analysis.warnings() > 0;
    if analysis.errors() > 0 || denied {
        Outcome::Problems
    } else {
        Outcome::Clean
    }
}
