//! `lint`: the exact analysis of a guide's rules, as findings with their lines.

use std::io::IsTerminal;
use std::path::PathBuf;

use annotate_snippets::Level;
use practice_guide::analysis::{Analysis, Finding, Severity};
use practice_guide::{FactValue, FamilyProfile};

use crate::Outcome;
use crate::diagnostics::{Format, Located, renderer};
use crate::sources::{self, Texts};

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
pub(crate) struct Args {
    /// The guide folder; the embedded guide if none is given.
    dir: Option<PathBuf>,
    /// An overlay folder (a local offer) to analyse with the guide.
    #[arg(long, value_name = "DIR")]
    overlay: Option<PathBuf>,
    /// How findings are written.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
    deny: Option<String>,
}

pub(crate) fn run(args: &Args) -> Outcome {
    let guide = match sources::guide(args.dir.as_deref(), args.overlay.as_deref(), args.format) {
        Ok(guide) => guide,
        Err(outcome) => return outcome,
    };
    let analysis = guide.analyze();
    let mut texts = args
        .dir
        .as_deref()
        .map_or_else(Texts::embedded, Texts::of_folder);
    if let Some(overlay) = &args.overlay {
        texts.add_overlay(overlay);
    }
    let text = match args.format {
        Format::Human => human(&analysis, &texts),
        Format::Plain => analysis
            .findings()
            .iter()
            .map(|f| format!("{}\n", plain(f, &texts)))
            .collect(),
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Json<'a> {
                findings: &'a [Finding],
                approximate: bool,
            }
            let json = Json {
                findings: analysis.findings(),
                approximate: analysis.is_approximate(),
            };
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
        }
    };
    crate::write_out(&text);
    let denied = args.deny.is_some() && analysis.warnings() > 0;
    if analysis.errors() > 0 || denied {
        Outcome::Problems
    } else {
        Outcome::Clean
    }
}

fn human(analysis: &Analysis, texts: &Texts) -> String {
    let renderer = renderer(std::io::stdout().is_terminal());
    let mut out = String::new();
    for finding in analysis.findings() {
        let level = match finding.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            _ => Level::INFO,
        };
        let mut notes = Vec::new();
        if let Some(witness) = &finding.witness {
            notes.push(format!("for example: {}", inline(witness)));
        }
        if finding.approximate {
            notes.push(APPROXIMATE.to_owned());
        }
        let located = Located {
            level,
            code: finding.check.code(),
            title: match &finding.item {
                Some(item) => format!("{item}: {}", finding.message),
                None => finding.message.clone(),
            },
            file: finding.file,
            start: finding.position,
            end: None,
            help: finding.help.clone(),
            notes,
        };
        out.push_str(&renderer.render(&[located.group(texts)]));
        out.push_str("\n\n");
    }
    out.push_str(&summary(analysis));
    out
}

const APPROXIMATE: &str = "a regular expression is tested on a text fact: the analysis treats \
                           it as an independent unknown, so this verdict may over-approximate";

/// "2 errors, 1 warning, 3 infos", or "no findings".
fn summary(analysis: &Analysis) -> String {
    let count = |severity: Severity, noun: &str| {
        let n = analysis.count(severity);
        format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
    };
    if analysis.findings().is_empty() {
        return "no findings\n".to_owned();
    }
    format!(
        "{}, {}, {}\n",
        count(Severity::Error, "error"),
        count(Severity::Warning, "warning"),
        count(Severity::Info, "info")
    )
}

/// One finding on one line, its file shown by path.
fn plain(finding: &Finding, texts: &Texts) -> String {
    let line = finding.to_string();
    let line = match finding.file {
        Some(file) => match line.strip_prefix(file) {
            Some(rest) => format!("{}{rest}", texts.path(file)),
            None => line,
        },
        None => line,
    };
    match &finding.witness {
        Some(witness) => format!("{line}; for example: {}", inline(witness)),
        None => line,
    }
}

/// A profile on one line, as YAML's flow style writes it: `{ children_ages: [age_3] }`.
pub(crate) fn inline(profile: &FamilyProfile) -> String {
    if profile.is_empty() {
        return "a family about whom nothing is known".to_owned();
    }
    let facts: Vec<String> = profile
        .iter()
        .map(|(name, value)| format!("{name}: {}", yaml_value(value)))
        .collect();
    format!("{{ {} }}", facts.join(", "))
}

/// A fact's value as YAML writes it (texts quoted when they would not read back as text).
pub(crate) fn yaml_value(value: &FactValue) -> String {
    match value {
        FactValue::Bool(b) => b.to_string(),
        FactValue::Integer(i) => i.to_string(),
        FactValue::Text(t) => yaml_text(t),
        FactValue::List(items) => {
            let items: Vec<String> = items.iter().map(|t| yaml_text(t)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// A text as a YAML scalar: plain when it is an id, quoted otherwise.
fn yaml_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            text,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}
