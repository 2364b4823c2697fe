//! Prints the recommendations and principles of a practice guide that apply to a family.
//!
//! ```text
//! cargo run --example recommend -- [PROFILE] [--json | --markdown] [--rules DIR] [--overlay DIR]
//!                                   [--min-evidence LEVEL] [--audience ID]
//! ```
//!
//! PROFILE is a YAML or JSON file of facts about the family; without one, a bundled sample family
//! is used. `--rules DIR` evaluates against the guide in DIR instead of the embedded one;
//! `--overlay DIR` adds a local offer (e.g. `rules/overlays/example-borough`, which is
//! fictional), listing the local services under each recommendation. `--json` prints the result
//! as JSON (its shape: `schema/evaluation.schema.json`), `--markdown` as Markdown. Invalid rules
//! or profiles print every problem and exit with status 1; bad arguments exit with 2.

// A command-line program: printing is its job (the library itself never prints).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use practice_guide::{EvaluationOptions, Guide};

const SAMPLE_NAME: &str = "examples/profiles/family-help.yaml";
const SAMPLE: &str = include_str!("profiles/family-help.yaml");

const USAGE: &str = "usage: recommend [PROFILE] [--json | --markdown] [--rules DIR] [--overlay DIR] \
                     [--min-evidence LEVEL] [--audience ID]";

struct Args {
    profile: Option<String>,
    json: bool,
    markdown: bool,
    rules: Option<String>,
    overlay: Option<String>,
    options: EvaluationOptions,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        profile: None,
        json: false,
        markdown: false,
        rules: None,
        overlay: None,
        options: EvaluationOptions::default(),
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--json" => args.json = true,
            "--markdown" => args.markdown = true,
            "--rules" => args.rules = Some(value("--rules")?),
            "--overlay" => args.overlay = Some(value("--overlay")?),
            "--min-evidence" => {
                args.options = args.options.min_evidence(value("--min-evidence")?);
            }
            "--audience" => args.options = args.options.audience(value("--audience")?),
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path if args.profile.is_none() => args.profile = Some(path.to_owned()),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    if args.json && args.markdown {
        return Err("--json and --markdown: choose one".to_owned());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let loaded;
    let guide: &Guide = match &args.rules {
        Some(dir) => match Guide::from_dir(dir) {
            Ok(guide) => {
                loaded = guide;
                &loaded
            }
            Err(err) => {
                eprintln!("the rules in {dir} are not valid:\n{err}");
                return ExitCode::FAILURE;
            }
        },
        None => practice_guide::parenting_through_adversity(),
    };
    let with_overlay;
    let guide: &Guide = match &args.overlay {
        Some(dir) => match guide.with_overlay_dir(dir) {
            Ok(guide) => {
                with_overlay = guide;
                &with_overlay
            }
            Err(err) => {
                eprintln!("the overlay in {dir} is not valid:\n{err}");
                return ExitCode::FAILURE;
            }
        },
        None => guide,
    };
    let (origin, text) = match &args.profile {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => (path.clone(), text),
            Err(err) => {
                eprintln!("cannot read {path}: {err}");
                return ExitCode::FAILURE;
            }
        },
        None => {
            eprintln!("No profile given: using the sample family in {SAMPLE_NAME}.");
            (SAMPLE_NAME.to_owned(), SAMPLE.to_owned())
        }
    };
    let evaluation = guide.filter(&args.options).and_then(|filter| {
        Ok(guide
            .read_profile(&origin, &text)?
            .evaluate_filtered(&filter))
    });
    match evaluation {
        Ok(evaluation) if args.json => match serde_json::to_string_pretty(&evaluation) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("cannot write JSON: {err}");
                return ExitCode::FAILURE;
            }
        },
        Ok(evaluation) if args.markdown => print!("{}", evaluation.to_markdown()),
        Ok(evaluation) => print!("{}", evaluation.report()),
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
