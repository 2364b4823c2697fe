//! Comparing what a case expects of a rule with the result the guide gave.

use super::{ActionExpectation, RuleExpectation};
use crate::error::{Position, shorten};
use crate::model::rule::RuleKind;
use crate::result::{RuleResult, Status};

impl RuleExpectation {
    /// Every difference between this expectation and `result`, with where the expectation is.
    pub(super) fn compare(&self, result: &RuleResult<'_>) -> Vec<(Option<Position>, String)> {
        let mut out = Vec::new();
        if result.status() != self.status {
            out.push((
                self.at,
                format!(
                    "expected {}, found {}{}",
                    self.status.as_str(),
                    result.status().as_str(),
                    missing_note(result.missing())
                ),
            ));
        }
        if let Some(evidence) = &self.evidence {
            let found = result.evidence().map_or("none", |e| e.id.as_str());
            if found != evidence {
                out.push((
                    self.at,
                    format!("expected evidence `{evidence}`, found `{found}`"),
                ));
            }
        }
        if let Some(missing) = &self.missing {
            let mut expected: Vec<&str> = missing.iter().map(String::as_str).collect();
            let mut found: Vec<&str> = result.missing().collect();
            expected.sort_unstable();
            found.sort_unstable();
            if expected != found {
                out.push((
                    self.at,
                    format!(
                        "expected missing facts [{}], found [{}]",
                        expected.join(", "),
                        found.join(", ")
                    ),
                ));
            }
        }
        if let Some(actions) = &self.actions {
            self.compare_actions(actions, result, &mut out);
        }
        out
    }

    /// Exactly the expected actions are shown, each matched by a piece of its text, and with the
    /// status the case gives.
    fn compare_actions(
        &self,
        actions: &[ActionExpectation],
        result: &RuleResult<'_>,
        out: &mut Vec<(Option<Position>, String)>,
    ) {
        {
            let shown: Vec<_> = result.actions().collect();
            let mut used = vec![false; shown.len()];
            for expected in actions {
                let matching: Vec<usize> = shown
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| expected.by.names(a.id(), a.text()))
                    .map(|(i, _)| i)
                    .collect();
                match matching.as_slice() {
                    // An action that does not apply is not shown: that is what was expected.
                    [] if expected.status == Some(Status::DoesNotApply) => {}
                    [] => out.push((
                        self.at,
                        format!("expected the action {}, not shown", expected.by.shown()),
                    )),
                    [i] => {
                        if let Some(flag) = used.get_mut(*i) {
                            *flag = true;
                        }
                        let status = shown.get(*i).map(|a| a.status());
                        if let (Some(want), Some(got)) = (expected.status, status)
                            && want != got
                        {
                            out.push((
                                self.at,
                                format!(
                                    "expected the action {} to be {}, found {}",
                                    expected.by.shown(),
                                    want.as_str(),
                                    got.as_str()
                                ),
                            ));
                        }
                    }
                    many => out.push((
                        self.at,
                        format!(
                            "the expected action {} matches {} actions: quote more of its text",
                            expected.by.shown(),
                            many.len()
                        ),
                    )),
                }
            }
            for (action, used) in shown.iter().zip(used) {
                if !used {
                    out.push((
                        self.at,
                        format!(
                            "the action `{}` (\"{}\") is shown ({}) but not expected",
                            action.id(),
                            shorten(action.text()),
                            action.status().as_str()
                        ),
                    ));
                }
            }
        }
    }
}

/// `recommendation` or `principle`.
pub(super) fn kind_word(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Recommendation => "recommendation",
        RuleKind::Principle => "principle",
    }
}

pub(super) fn section(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Recommendation => "recommendations",
        RuleKind::Principle => "principles",
    }
}

pub(super) fn missing_note<'a>(missing: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = missing.collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (missing: {})", names.join(", "))
    }
}
