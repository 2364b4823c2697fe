//! `cases suggest`: case-file drafts from the analysis's witnesses — for every recommendation,
//! principle and "how" point, a smallest family it applies to and one it does not — with the
//! results they get today, for a maintainer to review against the guide's text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use practice_guide::analysis::Witnesses;
use practice_guide::result::RuleResult;
use practice_guide::{Evaluation, FamilyProfile, Guide, Status};

use crate::diagnostics;
use crate::output::{self, Outcome, failed};
use crate::sources::GuideArgs;
use crate::yaml;

/// Work with case suites
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(clap::Subcommand)]
enum Verb {
    Suggest(SuggestArgs),
}

/// Write case-file drafts that reach every rule and "how" point both ways
///
/// For every recommendation, principle and "how" point, the analysis finds a family with the
/// fewest facts known that it applies to, and one it does not apply to. Each distinct family
/// becomes a draft case file expecting the results the rules give it today, marked as a draft:
/// review each against the guide's text before keeping it, since a draft only records what the
/// rules say now. With the drafts, `practice-guide test --coverage` names every rule and action
/// both ways.
///
/// Examples:
///
///   practice-guide cases suggest --out drafts/
///
///   practice-guide cases suggest --rules rules/my-guide --out my-cases/drafts
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
struct SuggestArgs {
    /// The folder to write the drafts to (made if needed); without it, they are printed.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Instead, write a draft for each mutant of the rules that the case suite in this folder
    /// does not kill (see `practice-guide test --mutants`): a smallest family on which the
    /// mutant and the rules differ, with every result it gets today (evidence levels included).
    #[arg(long, value_name = "CASES_DIR")]
    mutants: Option<PathBuf>,
    #[command(flatten)]
    guide: GuideArgs,
}

pub(crate) fn run(args: &Args) -> Outcome {
    match &args.verb {
        Verb::Suggest(args) => suggest(args),
    }
}

fn suggest(args: &SuggestArgs) -> Outcome {
    let guide = match args.guide.load() {
        Ok(guide) => guide,
        Err(refusal) => return diagnostics::refuse(&refusal),
    };
    let drafts = match &args.mutants {
        Some(dir) => match mutant_drafts(&guide, dir) {
            Ok(drafts) => drafts,
            Err(err) => {
                let texts = crate::sources::Texts::of_case_folder(dir);
                return diagnostics::refuse(&crate::sources::Refusal::Problems(err, texts));
            }
        },
        None => drafts(&guide, &witnessed(guide.analyze().witnesses())),
    };
    let Some(dir) = &args.out else {
        for (name, text) in &drafts {
            output::write_out(&format!("# --- {name}\n{text}\n"));
        }
        return Outcome::Clean;
    };
    if let Err(err) = std::fs::create_dir_all(dir) {
        return failed(&format!("cannot make {}: {err}", dir.display()));
    }
    for (name, text) in &drafts {
        let path = dir.join(name);
        if let Err(err) = std::fs::write(&path, text) {
            return failed(&format!("cannot write {}: {err}", path.display()));
        }
    }
    output::write_out(&format!(
        "wrote {} draft cases to {}: review each against the guide's text before keeping it\n",
        drafts.len(),
        dir.display()
    ));
    Outcome::Clean
}

/// Each witness family with what it witnesses, in the order of the first rule or action it
/// witnesses.
fn witnessed(witnesses: &[Witnesses]) -> Families {
    let mut families = Families::default();
    for w in witnesses {
        for (profile, what) in [
            (&w.applies, "applies"),
            (&w.does_not_apply, "does not apply"),
        ] {
            let Some(profile) = profile else { continue };
            families.add(profile, format!("{} {what}", w.id));
        }
    }
    families
}

/// Each family on which a mutant the suite in `dir` does not kill differs from the rules, with
/// the mutants it kills.
fn mutant_drafts(
    guide: &Guide,
    dir: &std::path::Path,
) -> Result<Vec<(String, String)>, practice_guide::Error> {
    let cases = practice_guide::cases::read_case_dir(guide, dir)?;
    let report = practice_guide::cases::run_mutants(guide, &cases);
    let mut families = Families {
        evidence: true,
        ..Families::default()
    };
    for mutant in report.survived() {
        let practice_guide::cases::Verdict::Survived(Some(profile), _) = &mutant.verdict else {
            continue;
        };
        let line = mutant.position.map(|p| format!(":{}", p.line));
        let claim = format!(
            "kills the mutant {}{}: {}",
            mutant.file,
            line.unwrap_or_default(),
            mutant.change
        );
        families.add(profile, claim);
    }
    Ok(drafts(guide, &families))
}

/// Distinct families, each with what it shows (its claims), in the order first claimed.
#[derive(Default)]
struct Families {
    list: Vec<(FamilyProfile, Vec<String>)>,
    /// Whether the drafts assert every recommendation's evidence level.
    evidence: bool,
}

impl Families {
    fn add(&mut self, profile: &FamilyProfile, claim: String) {
        match self.list.iter_mut().find(|(p, _)| p == profile) {
            Some((_, claims)) => claims.push(claim),
            None => self.list.push((profile.clone(), vec![claim])),
        }
    }
}

/// Each distinct family once, as `(file name, case text)`.
fn drafts(guide: &Guide, families: &Families) -> Vec<(String, String)> {
    let evidence = families.evidence;
    let families = &families.list;
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    families
        .iter()
        .filter_map(|(profile, claims)| {
            let evaluation = guide.evaluate(profile).ok()?;
            let first = claims.first()?;
            // A mutant's draft is named by the mutant's place: `mutant-conditions-yaml-13`.
            let first = match first.strip_prefix("kills the ") {
                Some(rest) => rest.split(": ").next().unwrap_or(rest),
                None => first,
            };
            let stem: String = first
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let n = used.entry(stem.clone()).or_insert(0);
            *n += 1;
            let name = if *n == 1 {
                format!("draft-{stem}.yaml")
            } else {
                format!("draft-{stem}-{n}.yaml")
            };
            Some((name, case_text(profile, claims, &evaluation, evidence)))
        })
        .collect()
}

/// A draft case file: a comment saying it is a draft and what it witnesses, the profile, and
/// the results the rules give it today.
fn case_text(
    profile: &FamilyProfile,
    claims: &[String],
    evaluation: &Evaluation,
    evidence: bool,
) -> String {
    let mut out = String::from(
        "# DRAFT written by `practice-guide cases suggest`: the results below are what the rules\n\
         # give this family today, not what the guide says. Review each against the guide's text\n\
         # (and cite it here) before keeping this case; correct the rules, not the case, where\n\
         # they differ.\n# A smallest family for which:\n",
    );
    for claim in claims {
        let _ = writeln!(out, "#   - {claim}");
    }
    let description = format!("Draft: {}", yaml::inline(profile));
    let _ = writeln!(
        out,
        "description: {}",
        serde_json::to_string(&description).unwrap_or_default()
    );
    out.push_str("profile:");
    if profile.is_empty() {
        out.push_str(" {}\n");
    } else {
        out.push('\n');
        for (name, value) in profile.iter() {
            let _ = writeln!(out, "  {name}: {}", yaml::value_text(value));
        }
    }
    out.push_str("expect:\n");
    let _ = writeln!(out, "  scope: {}", evaluation.scope().status().as_str());
    expectations(
        &mut out,
        "recommendations",
        evaluation.recommendations(),
        evidence,
    );
    expectations(&mut out, "principles", evaluation.principles(), evidence);
    out
}

/// The expected results of one kind of rule, under `title`; nothing when there are none.
fn expectations<'e>(
    out: &mut String,
    title: &str,
    results: impl ExactSizeIterator<Item = RuleResult<'e>>,
    evidence: bool,
) {
    if results.len() == 0 {
        return;
    }
    let _ = writeln!(out, "  {title}:");
    for result in results {
        out.push_str(&expectation(&result, evidence));
    }
}

/// One rule's expected result: its status, and (where it is shown) exactly its actions.
fn expectation(result: &RuleResult<'_>, evidence: bool) -> String {
    let status = result.status().as_str();
    let level = result
        .evidence()
        .map(|e| e.id.as_str())
        .filter(|_| evidence);
    let shown = result.status() != Status::DoesNotApply && result.actions().len() > 0;
    if !shown && level.is_none() {
        return format!("    {}: {status}\n", result.id());
    }
    let mut out = format!("    {}:\n      status: {status}\n", result.id());
    if let Some(level) = level {
        let _ = writeln!(out, "      evidence: {level}");
    }
    if !shown {
        return out;
    }
    out.push_str("      actions:\n");
    for action in result.actions() {
        let _ = writeln!(
            out,
            "        - {{ id: {}, status: {} }}",
            action.id(),
            action.status().as_str()
        );
    }
    out
}
