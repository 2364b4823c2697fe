//! What a guide's text says of the services that deliver its recommendations, and the check of a
//! local service against it.
//!
//! The fit rules are data, not code: a rule or one of its "how" points says `fit:` in the guide's
//! own rule files, only where the guide's words say it (for the embedded guide: the programme
//! design principle's "Prioritise face-to-face support", and recommendation 1's "fixed and
//! structured delivery models are more effective than flexible ones" for families on the edge of
//! care and/or receiving Family Help). A service delivering a recommendation is flagged when a
//! `fit:` that governs the recommendation (its own, one of its applying "how" points', or that of
//! a key principle it links to) holds for the family and does not list the service's delivery,
//! format or structure. The flag cites the rule, its words and its sources.

use crate::error::{Position, Problem, ProblemKind};
use crate::files::FitFile;
use crate::overlay::{Delivery, Format, Service, Structure};
use crate::suggest;
use crate::yaml::{self, Spanned};

/// A compiled `fit:`: the values that fit, per aspect; an empty list says nothing of the aspect.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fit {
    delivery: Vec<Delivery>,
    format: Vec<Format>,
    structure: Vec<Structure>,
}

/// One aspect of a service that a `fit:` does not allow: (aspect, the service's value, the
/// values that fit).
pub(crate) type Misfit = (crate::overlay::FitAspect, &'static str, Vec<&'static str>);

impl Fit {
    /// What of `service` this fit does not allow.
    pub(crate) fn misfits(&self, service: &Service) -> Vec<Misfit> {
        use crate::overlay::FitAspect;
        let mut out = Vec::new();
        if !self.delivery.is_empty() && !self.delivery.contains(&service.delivery) {
            out.push((
                FitAspect::Delivery,
                service.delivery.as_str(),
                self.delivery.iter().map(|d| d.as_str()).collect(),
            ));
        }
        if !self.format.is_empty() && !self.format.contains(&service.format) {
            out.push((
                FitAspect::Format,
                service.format.as_str(),
                self.format.iter().map(|d| d.as_str()).collect(),
            ));
        }
        if !self.structure.is_empty() && !self.structure.contains(&service.structure) {
            out.push((
                FitAspect::Structure,
                service.structure.as_str(),
                self.structure.iter().map(|d| d.as_str()).collect(),
            ));
        }
        out
    }
}

/// A closed set of words a rule file may use (delivery modes, formats, structures).
pub(crate) trait Keyword: Copy + PartialEq + 'static {
    /// What the words name, for messages ("delivery").
    const WHAT: &'static str;
    /// Every value.
    const ALL: &'static [Self];
    /// The word rule files use.
    fn as_str(self) -> &'static str;
}

/// Reads one keyword, or explains (with a suggestion) why it is not one.
pub(crate) fn keyword<K: Keyword>(
    text: &Spanned<String>,
) -> Result<K, (ProblemKind, Option<Position>)> {
    K::ALL
        .iter()
        .copied()
        .find(|k| k.as_str() == text.value)
        .ok_or_else(|| {
            (
                ProblemKind::UnknownReference {
                    what: K::WHAT,
                    name: yaml::truncate(&text.value),
                    suggestion: suggest::closest(&text.value, K::ALL.iter().map(|k| k.as_str())),
                },
                yaml::position_of(text),
            )
        })
}

/// Compiles a `fit:`, reporting every unknown word; `None` if there was one, or if it lists
/// nothing (a `fit:` that says nothing is a mistake, not a no-op).
pub(crate) fn compile(
    raw: &FitFile,
    file: &str,
    rule: &str,
    at: Option<Position>,
    problems: &mut Vec<Problem>,
) -> Option<Fit> {
    let before = problems.len();
    let fit = Fit {
        delivery: words(&raw.delivery, file, rule, problems),
        format: words(&raw.format, file, rule, problems),
        structure: words(&raw.structure, file, rule, problems),
    };
    if fit.delivery.is_empty() && fit.format.is_empty() && fit.structure.is_empty() {
        problems.push(
            Problem::new(
                file,
                ProblemKind::Invalid(
                    "`fit:` needs at least one of `delivery`, `format` or `structure`".to_owned(),
                ),
            )
            .at(at)
            .in_rule(Some(rule)),
        );
    }
    (problems.len() == before).then_some(fit)
}

fn words<K: Keyword>(
    raw: &[Spanned<String>],
    file: &str,
    rule: &str,
    problems: &mut Vec<Problem>,
) -> Vec<K> {
    raw.iter()
        .filter_map(|w| match keyword::<K>(w) {
            Ok(k) => Some(k),
            Err((kind, at)) => {
                problems.push(Problem::new(file, kind).at(at).in_rule(Some(rule)));
                None
            }
        })
        .collect()
}
