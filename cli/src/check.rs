//! `check`: load and validate a guide folder (and an overlay), reporting every problem.

use practice_guide::Guide;

use crate::diagnostics::{self, Format, Stream};
use crate::output::{Outcome, outln};
use crate::sources::{self, GuideArgs};

/// Check a guide folder (and an overlay), reporting every problem with its line
///
/// Loads and validates a guide folder, and an overlay on it. Without a folder, checks the
/// embedded guide (with `--overlay`, an overlay on it).
///
/// Examples:
///
///   practice-guide check rules/parenting-through-adversity-0-10
///
///   practice-guide check rules/my-guide --format plain
///
///   practice-guide check --overlay rules/overlays/example-borough
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
#[command(mut_arg("rules", sources::as_first_argument))]
pub(crate) struct Args {
    #[command(flatten)]
    guide: GuideArgs,
    /// How problems are written.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub(crate) fn run(args: &Args) -> Outcome {
    // The problems are what `check` was asked for: they are its output.
    let guide = match args.guide.load() {
        Ok(guide) => guide,
        Err(refusal) => return diagnostics::refuse_as(&refusal, args.format, Stream::Stdout),
    };
    match args.format {
        Format::Json => outln!("{{\"problems\": []}}"),
        Format::Human | Format::Plain => outln!("{}", summary(&guide)),
    }
    Outcome::Clean
}

/// What loaded: "ok: guide `id` version V: N recommendations, M principles, K facts".
fn summary(guide: &Guide) -> String {
    let mut text = format!(
        "ok: guide `{}` version {}: {}, {}, {}",
        guide.id(),
        guide.version(),
        count(guide.recommendations().len(), "recommendation"),
        count(guide.principles().len(), "principle"),
        count(guide.facts().count(), "fact"),
    );
    if let Some(overlay) = guide.overlay() {
        text.push_str(&format!(
            "; overlay `{}` version {}: {}",
            overlay.id(),
            overlay.metadata().version,
            count(overlay.services().len(), "service")
        ));
    }
    text
}

/// "1 principle", "2 principles".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
