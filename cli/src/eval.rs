//! `eval`: evaluate family profiles against a guide, in text, JSON or Markdown.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use practice_guide::{Evaluation, EvaluationOptions};

use crate::diagnostics;
use crate::output::{Outcome, outln};
use crate::sources::{self, GuideArgs, Refusal, Texts};

/// Evaluate families against the guide: what applies, with its evidence, why, and sources
///
/// Reads family profiles (YAML or JSON) and says which recommendations and key principles apply
/// to each, with the evidence, the reasons, and where the guide says so.
///
/// Examples:
///
///   practice-guide eval examples/profiles/family-help.yaml
///
///   practice-guide eval examples/profiles/*.yaml --format json     # JSON Lines, one per profile
///
///   cat family.json | practice-guide eval - --min-evidence strong
///
///   practice-guide eval family.yaml --rules rules/my-guide --overlay rules/overlays/my-borough
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    /// Profile files (YAML or JSON); `-` reads one from standard input.
    #[arg(required = true, value_name = "PROFILE")]
    profiles: Vec<PathBuf>,
    #[command(flatten)]
    guide: GuideArgs,
    /// How results are written. With several profiles, `json` writes one line per profile.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
    /// Keep only recommendations rated at this evidence level or stronger (by id).
    #[arg(long, value_name = "LEVEL")]
    min_evidence: Option<String>,
    /// Keep only rules and actions written for this audience (by id), or for everyone.
    #[arg(long, value_name = "ID")]
    audience: Option<String>,
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    /// A plain-text report for people.
    Text,
    /// The evaluation as JSON (its shape: schema/evaluation.schema.json).
    Json,
    /// Markdown, for a case note or a web page.
    Markdown,
}

pub(crate) fn run(args: &Args) -> Outcome {
    let guide = match args.guide.load() {
        Ok(guide) => guide,
        Err(refusal) => return diagnostics::refuse(&refusal),
    };
    let mut options = EvaluationOptions::new();
    if let Some(level) = &args.min_evidence {
        options = options.min_evidence(level.clone());
    }
    if let Some(audience) = &args.audience {
        options = options.audience(audience.clone());
    }
    // Without a filter, each profile is evaluated once. With one, what it hid is counted
    // against the unfiltered result on the lean path (`skip_open`: nothing open is computed):
    // the statuses of the actions it left out are known only by evaluating them.
    let filters = options != EvaluationOptions::new();
    let unfiltered = EvaluationOptions::new().skip_open();
    let (filter, everything) = match (guide.filter(&options), guide.filter(&unfiltered)) {
        (Ok(filter), Ok(everything)) => (filter, filters.then_some(everything)),
        (Err(err), _) | (_, Err(err)) => {
            return diagnostics::refuse(&Refusal::Problems(err, Texts::default()));
        }
    };
    let mut outcome = Outcome::Clean;
    let several = args.profiles.len() > 1;
    // The guide's profile space, built once for every profile: what would change each result.
    let counterfactuals = guide.counterfactuals();
    for (index, path) in args.profiles.iter().enumerate() {
        let family = match sources::read_profile(&guide, path) {
            Ok(family) => family,
            Err(refusal) => match diagnostics::refuse(&refusal) {
                Outcome::Failed => return Outcome::Failed,
                ended => {
                    outcome = ended;
                    continue;
                }
            },
        };
        let evaluation = counterfactuals.evaluate_filtered(&family, &filter);
        write(args.format, &evaluation, several, index > 0);
        if let Some(everything) = &everything {
            hidden(
                &evaluation,
                &family.evaluate_filtered(everything),
                args.format,
            );
        }
    }
    outcome
}

/// Writes one evaluation: JSON (one line each when there are several), or a report, separated
/// from the one before.
fn write(format: Output, evaluation: &Evaluation, several: bool, after_another: bool) {
    let mut out = std::io::stdout();
    let _ = match format {
        Output::Json if several => writeln!(out, "{}", json(evaluation, false)),
        Output::Json => writeln!(out, "{}", json(evaluation, true)),
        Output::Text | Output::Markdown => {
            if after_another {
                let separator = if format == Output::Markdown {
                    "\n---\n"
                } else {
                    "\n"
                };
                let _ = writeln!(out, "{separator}");
            }
            let report = if format == Output::Markdown {
                evaluation.to_markdown()
            } else {
                evaluation.report()
            };
            write!(out, "{report}")
        }
    };
}

fn json(evaluation: &Evaluation, pretty: bool) -> String {
    let written = if pretty {
        serde_json::to_string_pretty(evaluation)
    } else {
        serde_json::to_string(evaluation)
    };
    written.unwrap_or_default()
}

/// Says how many results the filter hid: after a report, or on standard error beside JSON.
fn hidden(kept: &Evaluation, all: &Evaluation, format: Output) {
    let rules = all.recommendations().len() - kept.recommendations().len();
    let principles = all.principles().len() - kept.principles().len();
    let kept_actions: usize = kept.rules().map(|r| r.actions().len()).sum();
    let all_actions: usize = all
        .rules()
        .filter(|r| kept.rule(r.id()).is_some())
        .map(|r| r.actions().len())
        .sum();
    let counts = [
        (rules, "recommendation"),
        (principles, "principle"),
        (all_actions.saturating_sub(kept_actions), "action"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, noun)| format!("{n} {noun}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    let line = match parts.as_slice() {
        [] => "The filter hid nothing.".to_owned(),
        [one] => format!("The filter hid {one}."),
        [init @ .., last] => format!("The filter hid {} and {last}.", init.join(", ")),
    };
    match format {
        Output::Json => eprintln!("{line}"),
        Output::Text => outln!("\n{line}"),
        Output::Markdown => outln!("\n*{line}*"),
    }
}
