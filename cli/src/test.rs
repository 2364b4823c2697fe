//! `test`: run case suites against a guide, print every mismatch, and measure coverage; with
//! `--mutants`, how many one-step mutants of the rules the suites kill (`mutants`).

mod boundaries;
mod mutants;

use std::path::PathBuf;

use clap::ValueEnum;
use practice_guide::Status;
use practice_guide::cases::{SuiteReport, run_case_dir};
use practice_guide::error::Position;
use practice_guide::result::TestResult;
use serde_json::{Value, json};

use crate::diagnostics::{self, Format, Stream};
use crate::output::{Outcome, outln};
use crate::sources::{GuideArgs, Refusal, Texts};

/// Run case suites, and measure what they cover of the rules
///
/// A case suite is a folder of case files: a profile and the results the guide must give it.
/// Prints every mismatch with the case's file and line; with `--coverage`, what the cases'
/// profiles reached of every recommendation, principle, action and test.
///
/// Examples:
///
///   practice-guide test tests/cases
///
///   practice-guide test tests/cases --coverage --threshold 90
///
///   practice-guide test my-cases --rules rules/my-guide --format json
///
///   practice-guide test tests/cases --mutants --kill-threshold 100
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    /// Folders of case files.
    #[arg(default_value = "tests/cases", value_name = "CASES_DIR")]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    guide: GuideArgs,
    /// Show what the cases reached of every rule, action and test, and what none reached.
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when coverage is below this percentage. Implies `--coverage`.
    #[arg(long, value_name = "PCT")]
    threshold: Option<f64>,
    /// Fail (exit 1) when the boundary coverage (the values either side of every integer or
    /// count threshold, where the test is reached) is below this percentage. Implies
    /// `--coverage`.
    #[arg(long, value_name = "PCT")]
    boundary_threshold: Option<f64>,
    /// Make every one-step mutant of the rules (a threshold moved by one, a value added to or
    /// dropped from a list, `all` <-> `any`, a test or a `not:` removed, a "how" point's
    /// `when:` removed, an evidence level moved one step), run the cases on each, and list
    /// each mutant no case kills, with a family it changes; the analysis proves the others
    /// equivalent.
    #[arg(long)]
    mutants: bool,
    /// Fail (exit 1) when the share of result-changing mutants the cases kill is below this
    /// percentage. Implies `--mutants`.
    #[arg(long, value_name = "PCT")]
    kill_threshold: Option<f64>,
    /// How the results are written.
    #[arg(long, value_enum, default_value_t = Output::Human)]
    format: Output,
}

/// How the results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    /// For people: a line per case that fails, each mismatch, a summary.
    Human,
    /// One JSON object: cases, mismatches, and coverage when asked for.
    Json,
}

pub(crate) fn run(args: &Args) -> Outcome {
    let guide = match args.guide.load() {
        Ok(guide) => guide,
        Err(refusal) => return refuse(args, &refusal),
    };
    let mut outcome = Outcome::Clean;
    let coverage = args.coverage || args.threshold.is_some() || args.boundary_threshold.is_some();
    let mut reports = Vec::new();
    for dir in &args.dirs {
        match run_case_dir(&guide, dir) {
            Ok(report) => reports.push((dir, report)),
            Err(err) => {
                return refuse(args, &Refusal::Problems(err, Texts::of_case_folder(dir)));
            }
        }
    }
    let mutants = args.mutants || args.kill_threshold.is_some();
    if mutants && args.guide.overlay.dir.is_some() {
        return crate::output::failed(
            "--mutants mutates a guide's own rules: run it without --overlay",
        );
    }
    let mut json_out = Vec::new();
    for (dir, suite) in &reports {
        if !suite.passed() {
            outcome = Outcome::Problems;
        }
        let below = args
            .threshold
            .is_some_and(|t| suite.coverage().percent() + 1e-9 < t);
        if below || boundaries::below(suite.coverage(), args.boundary_threshold) {
            outcome = Outcome::Problems;
        }
        // Mutants are run only on a suite that passes: a failing case would kill them all.
        let report = (mutants && suite.passed())
            .then(|| mutants::of(&guide, dir))
            .flatten();
        if report
            .as_ref()
            .is_some_and(|r| mutants::below(r, args.kill_threshold))
        {
            outcome = Outcome::Problems;
        }
        let place = |file: &str, at: Option<Position>| place(&rule_file(args, file), at);
        match args.format {
            Output::Human => {
                human(dir, suite, coverage.then_some(args), args.threshold);
                if let Some(report) = &report {
                    mutants::human(report, &place, dir, args.kill_threshold);
                }
            }
            Output::Json => {
                let mut value = as_json(dir, suite, coverage.then_some(args), args.threshold);
                if let (Some(report), Value::Object(map)) = (&report, &mut value) {
                    let file = |file: &str| rule_file(args, file);
                    let json = mutants::as_json(report, &file, args.kill_threshold);
                    map.insert("mutants".to_owned(), json);
                }
                json_out.push(value);
            }
        }
    }
    if args.format == Output::Json {
        let value = Value::Array(json_out);
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    }
    outcome
}

/// Problems of the guide or of a case file, written as the results would be: with `--format
/// json`, as JSON (`{"problems": [...]}`) on standard output; for people on standard error
/// otherwise.
fn refuse(args: &Args, refusal: &Refusal) -> Outcome {
    match args.format {
        Output::Json => diagnostics::refuse_as(refusal, Format::Json, Stream::Stdout),
        Output::Human => diagnostics::refuse(refusal),
    }
}

/// The path of a rule file a coverage line names, from the folders given (the bare file name
/// for the embedded guide). The overlay's files are told apart from the guide's by name, so a
/// test in an overlay's own `conditions.yaml` is shown under the guide's folder.
fn rule_file(args: &Args, file: &str) -> String {
    let dir = match file {
        "services.yaml" | "overlay.yaml" => args.guide.overlay.dir.as_deref(),
        _ => args.guide.rules.as_deref(),
    };
    dir.map_or_else(
        || file.to_owned(),
        |dir| dir.join(file).display().to_string(),
    )
}

fn human(
    dir: &std::path::Path,
    suite: &SuiteReport,
    coverage: Option<&Args>,
    threshold: Option<f64>,
) {
    for case in suite.cases.iter().filter(|c| !c.passed()) {
        outln!("FAIL {}", case.file);
        for mismatch in &case.mismatches {
            outln!("  {mismatch}");
        }
    }
    let failed = suite.cases.iter().filter(|c| !c.passed()).count();
    let count = suite.cases.len();
    let noun = if count == 1 { "case" } else { "cases" };
    outln!(
        "{}: {count} {noun}, {} passed, {failed} failed",
        dir.display(),
        count - failed
    );
    for unasserted in suite.unasserted() {
        outln!("  not asserted: {unasserted}");
    }
    if let Some(args) = coverage {
        human_coverage(suite, args, threshold);
    }
}

fn human_coverage(suite: &SuiteReport, args: &Args, threshold: Option<f64>) {
    let coverage = suite.coverage();
    let (reached, possible) = coverage.counts();
    outln!(
        "coverage: {:.1}% ({reached} of {possible} outcomes of {} rules and actions and {} tests)",
        coverage.percent(),
        coverage.items.len(),
        coverage.tests.len()
    );
    for item in &coverage.items {
        let missing: Vec<&str> = item
            .possible
            .iter()
            .filter(|s| !item.reached.contains(s))
            .map(|s| status_word(*s))
            .collect();
        if !missing.is_empty() {
            let at = place(&rule_file(args, &item.file), item.position);
            outln!("  {at}: {}: never {}", item.item, missing.join(", never "));
        }
    }
    unreachable_lines(coverage, args);
    for test in &coverage.tests {
        let missing: Vec<&str> = test
            .possible
            .iter()
            .filter(|r| !test.reached.contains(r))
            .map(|r| result_word(*r))
            .collect();
        if !missing.is_empty() {
            let at = place(&rule_file(args, &test.file), test.position);
            let of = test
                .item
                .as_ref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default();
            outln!(
                "  {at}: `{}`{of}: never {}",
                test.test,
                missing.join(", never ")
            );
        }
    }
    if let Some(threshold) = threshold {
        let verdict = if coverage.percent() + 1e-9 < threshold {
            "below"
        } else {
            "meets"
        };
        outln!("coverage {verdict} the threshold of {threshold}%");
    }
    let place = |file: &str, at: Option<Position>| place(&rule_file(args, file), at);
    boundaries::human(coverage, &place, args.boundary_threshold);
}

/// The outcomes the analysis proves no profile can reach, each with its reason.
fn unreachable_lines(coverage: &practice_guide::cases::Coverage, args: &Args) {
    for item in &coverage.items {
        for (status, reason) in &item.unreachable {
            let at = place(&rule_file(args, &item.file), item.position);
            let word = status_word(*status);
            outln!("  {at}: {}: unreachable: {word}: {reason}", item.item);
        }
    }
    for test in &coverage.tests {
        for (result, reason) in &test.unreachable {
            let at = place(&rule_file(args, &test.file), test.position);
            let of = test
                .item
                .as_ref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default();
            let word = result_word(*result);
            outln!("  {at}: `{}`{of}: unreachable: {word}: {reason}", test.test);
        }
    }
}

/// The outcomes no profile can reach, as JSON.
fn unreachable_json(coverage: &practice_guide::cases::Coverage, args: &Args) -> Vec<Value> {
    let items = coverage.items.iter().flat_map(|i| {
        i.unreachable.iter().map(|(status, reason)| {
            json!({ "item": i.item, "file": rule_file(args, &i.file), "line": i.position.map(|p| p.line), "outcome": status.as_str(), "reason": reason })
        })
    });
    let tests = coverage.tests.iter().flat_map(|t| {
        t.unreachable.iter().map(|(result, reason)| {
            json!({ "test": t.test, "item": t.item, "file": rule_file(args, &t.file), "line": t.position.map(|p| p.line), "outcome": result_word(*result), "reason": reason })
        })
    });
    items.chain(tests).collect()
}

fn as_json(
    dir: &std::path::Path,
    suite: &SuiteReport,
    coverage: Option<&Args>,
    threshold: Option<f64>,
) -> Value {
    let cases: Vec<Value> = suite
        .cases
        .iter()
        .map(|case| {
            let mismatches: Vec<Value> = case
                .mismatches
                .iter()
                .map(|m| {
                    json!({
                        "file": m.file,
                        "line": m.position.map(|p| p.line),
                        "column": m.position.map(|p| p.column),
                        "rule": m.rule,
                        "message": m.message,
                    })
                })
                .collect();
            json!({ "file": case.file, "passed": case.passed(), "mismatches": mismatches })
        })
        .collect();
    let mut value = json!({
        "dir": dir.display().to_string(),
        "passed": suite.passed(),
        "cases": cases,
        "not_asserted": suite.unasserted().iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    if let (Some(args), Value::Object(map)) = (coverage, &mut value) {
        let c = suite.coverage();
        let (reached, possible) = c.counts();
        let unreached: Vec<Value> = c
            .items
            .iter()
            .filter(|i| i.reached.len() < i.possible.len())
            .map(|i| {
                let never: Vec<&str> = i.possible.iter().filter(|s| !i.reached.contains(s)).map(|s| s.as_str()).collect();
                json!({ "item": i.item, "file": rule_file(args, &i.file), "line": i.position.map(|p| p.line), "never": never })
            })
            .chain(c.tests.iter().filter(|t| t.reached.len() < t.possible.len()).map(|t| {
                let never: Vec<&str> = t.possible.iter().filter(|r| !t.reached.contains(r)).map(|r| result_word(*r)).collect();
                json!({ "test": t.test, "item": t.item, "file": rule_file(args, &t.file), "line": t.position.map(|p| p.line), "never": never })
            }))
            .collect();
        map.insert(
            "coverage".to_owned(),
            json!({
                "percent": c.percent(),
                "reached": reached,
                "possible": possible,
                "threshold": threshold,
                "unreached": unreached,
                "unreachable": unreachable_json(c, args),
            }),
        );
        let file = |file: &str| rule_file(args, file);
        let json = boundaries::as_json(c, &file, args.boundary_threshold);
        map.insert("boundaries".to_owned(), json);
    }
    value
}

fn place(file: &str, position: Option<Position>) -> String {
    match position {
        Some(p) => format!("{file}:{}:{}", p.line, p.column),
        None => file.to_owned(),
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Applies => "applies",
        Status::Undetermined => "undetermined",
        Status::DoesNotApply => "does not apply",
    }
}

fn result_word(result: TestResult) -> &'static str {
    match result {
        TestResult::True => "true",
        TestResult::False => "false",
        TestResult::Unknown => "unknown",
    }
}
