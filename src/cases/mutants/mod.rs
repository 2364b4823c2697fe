//! Mutation testing of a guide's rules (feature `analysis`): every one-step mutant of the
//! rules — a threshold moved by one each way, a declared value added to or dropped from a list,
//! `all` ↔ `any`, a test or a `not:` removed, an action's `when:` removed, an evidence level
//! moved one step — is run against a case suite. A mutant some case fails on is *killed*; one
//! that passes the whole suite *survives*, unless the exact analysis proves it *equivalent*:
//! every profile gets the same status of the scope and of every rule and "how" point from it
//! as from the guide (an evidence level is part of every result, so a changed one never is).
//! A surviving mutant comes with a smallest family on which it and the guide differ, for a case
//! to be written from (`practice-guide cases suggest --mutants`).
//!
//! ```
//! let guide = practice_guide::parenting_through_adversity();
//! let cases = practice_guide::cases::read_case_dir(guide, "tests/cases")?;
//! let report = practice_guide::cases::run_mutants(guide, &cases);
//! assert_eq!(report.survived().count(), 0);
//! # Ok::<(), practice_guide::Error>(())
//! ```

pub(super) mod make;

use super::Case;
use crate::analysis::differ::{self, Difference};
use crate::error::{Item, Position};
use crate::model::guide::Guide;
use crate::profile::FamilyProfile;

/// What the suite and the analysis made of every mutant.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct MutationReport {
    /// Every mutant, in file and line order.
    pub mutants: Vec<Mutant>,
}

/// One mutant of the rules: where, what was changed, and what became of it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Mutant {
    /// The rule file changed, e.g. `recommendations.yaml`.
    pub file: &'static str,
    /// Where: the test changed, the first test of an `all:`/`any:`/`not:` changed, the "how"
    /// point whose `when:` was removed, the recommendation whose evidence changed.
    pub position: Option<Position>,
    /// The item whose condition or evidence was changed.
    pub item: Option<Item>,
    /// What was changed, e.g. ``"`child_age is at most 4`: at most 4 → at most 3"``.
    pub change: String,
    /// What became of it.
    pub verdict: Verdict,
}

/// What became of a mutant.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Verdict {
    /// A case failed on it: the first such case file.
    Killed(String),
    /// Every case passed, and the analysis proves that no family's statuses change.
    Equivalent,
    /// Every case passed, yet some family's results change: a smallest such family (and
    /// whether it is only approximate: a text standing for a regular expression's answer).
    Survived(Option<FamilyProfile>, bool),
}

impl MutationReport {
    /// The mutants no case killed that are not equivalent.
    pub fn survived(&self) -> impl Iterator<Item = &Mutant> {
        self.mutants
            .iter()
            .filter(|m| matches!(m.verdict, Verdict::Survived(..)))
    }

    /// How many mutants were killed, proven equivalent, and survived.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |f: fn(&Verdict) -> bool| self.mutants.iter().filter(|m| f(&m.verdict)).count();
        (
            count(|v| matches!(v, Verdict::Killed(_))),
            count(|v| matches!(v, Verdict::Equivalent)),
            count(|v| matches!(v, Verdict::Survived(..))),
        )
    }

    /// The share of the mutants that change some result which a case killed, in percent (100
    /// when none changes any).
    pub fn kill_rate(&self) -> f64 {
        match self.counts() {
            (_, _, 0) => 100.0,
            (killed, _, survived) => killed as f64 * 100.0 / (killed + survived) as f64,
        }
    }
}

/// Makes every one-step mutant of `guide`'s own rules (an overlay's services are not mutated)
/// and runs `cases` (read against `guide`) on each; each mutant ends with a [`Verdict`].
pub fn run_mutants(guide: &Guide, cases: &[Case]) -> MutationReport {
    let mutants = make::mutations(guide)
        .into_iter()
        .map(|mutation| {
            let mutant = make::mutant(guide, &mutation);
            let killer = cases.iter().find(|c| !c.run(&mutant).passed());
            let verdict = match killer {
                Some(case) => Verdict::Killed(case.file().to_owned()),
                None => unkilled(guide, &mutant, &mutation),
            };
            Mutant {
                file: mutation.file,
                position: mutation.position,
                item: mutation.item,
                change: mutation.change,
                verdict,
            }
        })
        .collect();
    MutationReport { mutants }
}

/// The verdict on a mutant the suite passes: equivalent, or a family it changes.
fn unkilled(guide: &Guide, mutant: &Guide, mutation: &make::Mutation) -> Verdict {
    if let (make::Edit::Evidence(_), make::Target::Rule(rule)) = (&mutation.edit, mutation.target) {
        return Verdict::Survived(differ::applies_to(guide, rule), false);
    }
    match differ::difference(guide, mutant) {
        Difference::Same => Verdict::Equivalent,
        Difference::Differs(profile, approximate) => Verdict::Survived(Some(profile), approximate),
        Difference::TooLarge => Verdict::Survived(None, false),
    }
}
