//! `test --mutants`: every one-step mutant of the rules run against a case suite; the mutants no
//! case kills, with where they are, what was changed, and a family to write a case from.

use practice_guide::cases::{MutationReport, Verdict, read_case_dir, run_mutants};
use practice_guide::{Guide, error::Position};
use serde_json::{Value, json};

use crate::output::outln;
use crate::yaml;

/// The mutants of `guide` run against the suite in `dir`; `None` (with the problems) when its
/// case files do not read, which the suite's own run has already reported.
pub(super) fn of(guide: &Guide, dir: &std::path::Path) -> Option<MutationReport> {
    let cases = read_case_dir(guide, dir).ok()?;
    Some(run_mutants(guide, &cases))
}

/// Whether the kill rate is below `threshold`.
pub(super) fn below(report: &MutationReport, threshold: Option<f64>) -> bool {
    threshold.is_some_and(|t| report.kill_rate() + 1e-9 < t)
}

/// The mutants for people: the counts, each survivor with a family it changes, each
/// equivalent mutant, and the verdict on the threshold.
pub(super) fn human(
    report: &MutationReport,
    place: &dyn Fn(&str, Option<Position>) -> String,
    dir: &std::path::Path,
    threshold: Option<f64>,
) {
    let (killed, equivalent, survived) = report.counts();
    outln!(
        "mutants: {} made, {killed} killed, {equivalent} equivalent, {survived} survived: kill rate {:.1}%",
        report.mutants.len(),
        report.kill_rate()
    );
    for mutant in &report.mutants {
        let at = place(mutant.file, mutant.position);
        let of = mutant
            .item
            .as_ref()
            .map(|i| format!(" {i}:"))
            .unwrap_or_default();
        match &mutant.verdict {
            Verdict::Survived(family, approximate) => {
                outln!("  survived: {at}:{of} {}", mutant.change);
                if let Some(family) = family {
                    let note = if *approximate {
                        " (approximate: check it by evaluating it)"
                    } else {
                        ""
                    };
                    outln!("    a family it changes: {}{note}", yaml::inline(family));
                }
            }
            Verdict::Equivalent => {
                outln!(
                    "  equivalent: {at}:{of} {} (no family's results change)",
                    mutant.change
                );
            }
            _ => {}
        }
    }
    if survived > 0 {
        outln!(
            "  write cases for the survivors with: practice-guide cases suggest --mutants {} --out DIR",
            dir.display()
        );
    }
    if let Some(threshold) = threshold {
        let verdict = if below(report, Some(threshold)) {
            "below"
        } else {
            "meets"
        };
        outln!("kill rate {verdict} the threshold of {threshold}%");
    }
}

/// The mutants as JSON: counts, kill rate, threshold, and every mutant that was not killed.
pub(super) fn as_json(
    report: &MutationReport,
    file: &dyn Fn(&str) -> String,
    threshold: Option<f64>,
) -> Value {
    let (killed, equivalent, survived) = report.counts();
    let unkilled: Vec<Value> = report
        .mutants
        .iter()
        .filter_map(|m| {
            let (verdict, family) = match &m.verdict {
                Verdict::Survived(family, _) => ("survived", family.as_ref()),
                Verdict::Equivalent => ("equivalent", None),
                _ => return None,
            };
            Some(json!({
                "verdict": verdict,
                "file": file(m.file),
                "line": m.position.map(|p| p.line),
                "column": m.position.map(|p| p.column),
                "item": m.item,
                "change": m.change,
                "family": family,
            }))
        })
        .collect();
    json!({
        "made": report.mutants.len(),
        "killed": killed,
        "equivalent": equivalent,
        "survived": survived,
        "kill_rate": report.kill_rate(),
        "threshold": threshold,
        "not_killed": unkilled,
    })
}
