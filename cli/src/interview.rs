//! `interview`: ask, one at a time, the question that could decide the most (and the strongest)
//! of what is still open, re-evaluating after each answer, then show the results.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use practice_guide::guide::FactType;
use practice_guide::result::Question;
use practice_guide::{FactValue, FamilyProfile};

use crate::diagnostics;
use crate::output::{self, Outcome, failed};
use crate::sources::{self, GuideArgs};
use crate::yaml;

/// Ask the questions that decide the most, one at a time, and show the results
///
/// Starts from a profile (or from nothing), asks about the unknown fact that could decide the
/// most of what is still open (strongest evidence first), re-evaluates after each answer, and
/// ends with the results when nothing is left to ask. At each question: answer it, press Enter
/// (or type `?`) for "don't know", or type `stop` to end now. A `set_of` fact takes several
/// choices (`1 3`, or `none`).
///
/// Examples:
///
///   practice-guide interview
///
///   practice-guide interview examples/profiles/little-known.yaml --save family.yaml
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    /// A profile to start from (YAML or JSON); an empty one if none is given.
    profile: Option<PathBuf>,
    #[command(flatten)]
    guide: GuideArgs,
    /// Where to save the profile the interview built (YAML).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

/// What the person typed.
enum Answer {
    Value(FactValue),
    DontKnow,
    Stop,
}

pub(crate) fn run(args: &Args) -> Outcome {
    let guide = match args.guide.load() {
        Ok(guide) => guide,
        Err(refusal) => return diagnostics::refuse(&refusal),
    };
    let start = match &args.profile {
        Some(path) => sources::read_profile(&guide, path).map(|family| family.to_profile()),
        None => Ok(FamilyProfile::new()),
    };
    let mut profile = match start {
        Ok(profile) => profile,
        Err(refusal) => return diagnostics::refuse(&refusal),
    };
    let counterfactuals = guide.counterfactuals();
    let mut skipped: Vec<String> = Vec::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    while let Ok(prepared) = guide.prepare(&profile) {
        let evaluation = prepared.evaluate();
        let Some(question) = evaluation
            .questions()
            .find(|q| !skipped.iter().any(|s| s == q.fact().name()))
        else {
            break;
        };
        let fact = question.fact().name();
        match ask(&question, &mut lines) {
            Answer::Value(value) => {
                profile.set(fact.to_owned(), value);
            }
            Answer::DontKnow => skipped.push(fact.to_owned()),
            Answer::Stop => break,
        }
    }
    let Ok(prepared) = guide.prepare(&profile) else {
        return failed("the profile no longer fits the guide");
    };
    output::write_out(&format!(
        "\n{}",
        counterfactuals.evaluate(&prepared).report()
    ));
    if let Some(path) = &args.save {
        if let Err(err) = std::fs::write(path, profile_yaml(&profile)) {
            return failed(&format!("cannot write {}: {err}", path.display()));
        }
        output::write_out(&format!("saved the profile to {}\n", path.display()));
    }
    Outcome::Clean
}

/// Asks `question` until the answer reads, and returns it.
fn ask(
    question: &Question<'_>,
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
) -> Answer {
    let fact = question.fact();
    let fact_type = fact.fact_type();
    let values: Vec<&str> = match fact_type {
        FactType::OneOf(values) | FactType::SetOf(values) => values.names().collect(),
        _ => Vec::new(),
    };
    let mut prompt = format!("\n{}: {}\n", fact.name(), fact.description());
    let settles: Vec<String> = question.settles().map(|name| name.to_string()).collect();
    match settles.len() {
        0 => {}
        n @ 1..=4 => prompt.push_str(&format!(
            "  (could decide {}: {})\n",
            if n == 1 {
                "one result"
            } else {
                "these results"
            },
            settles.join(", ")
        )),
        n => prompt.push_str(&format!("  (could decide {n} results)\n")),
    }
    for (i, value) in values.iter().enumerate() {
        prompt.push_str(&format!("  {}. {value}\n", i + 1));
    }
    let hint = match fact_type {
        FactType::Boolean => "yes or no",
        FactType::Integer { .. } => "a whole number",
        FactType::SetOf(_) => "the numbers of every one that applies, or `none`",
        FactType::OneOf(_) => "a number",
        _ => "a text",
    };
    output::write_out(&prompt);
    loop {
        output::write_out(&format!("> ({hint}; Enter: don't know; `stop`) "));
        let _ = std::io::stdout().flush();
        let Some(Ok(line)) = lines.next() else {
            return Answer::Stop;
        };
        // Typed answers echo on a terminal; scripted ones are shown, so the transcript reads.
        if !std::io::stdin().is_terminal() {
            output::write_out(&format!("{line}\n"));
        }
        let line = line.trim();
        match line {
            "stop" | "quit" | "q" => return Answer::Stop,
            "" | "?" => return Answer::DontKnow,
            _ => {}
        }
        match read_answer(line, &values, fact_type) {
            Ok(value) => return Answer::Value(value),
            Err(message) => output::write_out(&format!("  {message}\n")),
        }
    }
}

/// The value `line` gives a fact of `fact_type` whose choices are `values`.
fn read_answer(line: &str, values: &[&str], fact_type: &FactType) -> Result<FactValue, String> {
    let choice = |word: &str| -> Result<String, String> {
        let by_number = word
            .parse::<usize>()
            .ok()
            .and_then(|n| values.get(n.checked_sub(1)?));
        by_number
            .or_else(|| values.iter().find(|v| **v == word))
            .map(|v| (*v).to_owned())
            .ok_or_else(|| format!("`{word}` is not one of the choices: type its number"))
    };
    match fact_type {
        FactType::Boolean => match line.to_lowercase().as_str() {
            "y" | "yes" | "true" => Ok(FactValue::Bool(true)),
            "n" | "no" | "false" => Ok(FactValue::Bool(false)),
            _ => Err("answer yes or no".to_owned()),
        },
        FactType::Integer { min, max } => match line.parse::<i64>() {
            Ok(n) if (*min..=*max).contains(&n) => Ok(FactValue::Integer(n)),
            _ => Err(format!("a whole number from {min} to {max}")),
        },
        FactType::OneOf(_) => choice(line).map(FactValue::Text),
        FactType::SetOf(_) if line == "none" => Ok(FactValue::List(Vec::new())),
        FactType::SetOf(_) => line
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .map(choice)
            .collect::<Result<Vec<String>, String>>()
            .map(FactValue::List),
        _ => Ok(FactValue::Text(line.to_owned())),
    }
}

/// The profile as a YAML file.
fn profile_yaml(profile: &FamilyProfile) -> String {
    let mut out = String::from("# Written by `practice-guide interview`.\n");
    for (fact, value) in profile.iter() {
        out.push_str(&format!("{fact}: {}\n", yaml::value_text(value)));
    }
    out
}
