//! `check`: load and validate a guide folder (and an overlay), reporting every problem.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use practice_guide::Guide;

use crate::Outcome;
use crate::diagnostics::{Format, render};
use crate::sources::{Texts, outcome_of};

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
pub(crate) struct Args {
    /// The guide folder (guide.yaml, facts.yaml, recommendations.yaml, ...); the embedded guide
    /// if none is given.
    dir: Option<PathBuf>,
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
    let loaded = match &args.dir {
        Some(dir) => Guide::from_dir(dir).map_err(|err| (err, Texts::of_folder(dir))),
        None => Ok(practice_guide::parenting_through_adversity().clone()),
    };
    let guide = match loaded {
        Ok(guide) => guide,
        Err((err, texts)) => {
            let text = render(&err, &texts, args.format, styled);
            let _ = out.write_all(text.as_bytes());
            return outcome_of(&err);
        }
    };
    let guide = match &args.overlay {
        Some(dir) => match guide.with_overlay_dir(dir) {
            Ok(guide) => guide,
            Err(err) => {
                let text = render(&err, &Texts::of_folder(dir), args.format, styled);
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
