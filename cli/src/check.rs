//! `check`: load and validate a guide folder (and an overlay), reporting every problem.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use practice_guide::Guide;

use crate::Outcome;
use crate::diagnostics::{Format, render};
use crate::sources::{Texts, outcome_of};

/// Load and validate a guide folder, and an overlay on it, reporting every problem.
///
/// Examples:
///
///   practice-guide check rules/parenting-through-adversity-0-10
///
///   practice-guide check rules/my-guide --format plain
///
///   practice-guide check rules/parenting-through-adversity-0-10 --overlay rules/overlays/example-borough
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    /// The guide folder (guide.yaml, facts.yaml, recommendations.yaml, ...).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// An overlay folder (a local offer) to check on the guide.
    #[arg(long, value_name = "DIR")]
    overlay: Option<PathBuf>,
    /// How problems are written.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub(crate) fn run(args: &Args) -> Outcome {
    let styled = std::io::stdout().is_terminal();
    let mut out = std::io::stdout();
    let guide = match Guide::from_dir(&args.dir) {
        Ok(guide) => guide,
        Err(err) => {
            let text = render(&err, &Texts::folder(&args.dir), args.format, styled);
            let _ = out.write_all(text.as_bytes());
            return outcome_of(&err);
        }
    };
    let guide = match &args.overlay {
        Some(dir) => match guide.with_overlay_dir(dir) {
            Ok(guide) => guide,
            Err(err) => {
                let text = render(&err, &Texts::folder(dir), args.format, styled);
                let _ = out.write_all(text.as_bytes());
                return outcome_of(&err);
            }
        },
        None => guide,
    };
    let summary = summary(&guide);
    let _ = match args.format {
        Format::Json => writeln!(out, "{{\"problems\": []}}"),
        Format::Human | Format::Plain => writeln!(out, "{summary}"),
    };
    Outcome::Clean
}

/// What loaded: "ok: guide `id` version V: N recommendations, M principles, K facts".
fn summary(guide: &Guide) -> String {
    let mut text = format!(
        "ok: guide `{}` version {}: {} recommendations, {} principles, {} facts",
        guide.id(),
        guide.version(),
        guide.recommendations().len(),
        guide.principles().len(),
        guide.facts().count(),
    );
    if let Some(overlay) = guide.overlay() {
        text.push_str(&format!(
            "; overlay `{}` version {}: {} services",
            overlay.id(),
            overlay.metadata().version,
            overlay.services().len()
        ));
    }
    text
}
