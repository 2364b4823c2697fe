//! A plain-text report of an evaluation, for people: what applies and why, what is undetermined
//! and which facts would decide it, then what does not apply, briefly.

use std::fmt::{self, Write as _};

use crate::evaluation::{
    ActionResult, Evaluation, Reason, RuleResult, SeenValue, Status, TestResult,
};
use crate::guide::Wording;
use crate::overlay::ServiceResult;

impl Evaluation<'_> {
    /// The evaluation as a readable plain-text report.
    ///
    /// ```
    /// use practice_guide::FamilyProfile;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = FamilyProfile::new().with("children_ages", ["age_4"]);
    /// let report = guide.evaluate(&family)?.report();
    /// assert!(report.contains("Parenting Through Adversity"));
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn report(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_report(&mut out);
        out
    }

    fn write_report(&self, out: &mut String) -> fmt::Result {
        writeln!(out, "{}", self.guide.title)?;
        writeln!(
            out,
            "Rules: {} version {} ({})",
            self.guide.id, self.guide.version, self.guide.content_hash
        )?;
        if let Some(overlay) = &self.overlay {
            writeln!(
                out,
                "Local offer: {} ({} version {}, {}); all rules: {}",
                overlay.title,
                overlay.id,
                overlay.version,
                overlay.content_hash,
                overlay.rules_hash
            )?;
            if let Some(disclaimer) = &overlay.disclaimer {
                writeln!(out, "{disclaimer}")?;
            }
        }
        writeln!(out)?;
        match self.scope.status {
            Status::DoesNotApply => {
                writeln!(out, "OUTSIDE THIS GUIDE'S SCOPE")?;
                writeln!(out, "  The guide is for: {}", self.scope.description)?;
                write_reasons(out, &self.scope.reasons, "  ")?;
                writeln!(out, "  None of its recommendations or principles apply.")?;
                return Ok(());
            }
            Status::Undetermined => {
                writeln!(out, "SCOPE NOT YET KNOWN")?;
                writeln!(out, "  The guide is for: {}", self.scope.description)?;
                writeln!(
                    out,
                    "  Would be decided by: {}",
                    self.scope.missing.join(", ")
                )?;
                writeln!(out)?;
            }
            Status::Applies => {
                writeln!(out, "In scope: {}", self.scope.description)?;
                write_reasons(out, &self.scope.reasons, "  ")?;
                writeln!(out)?;
            }
        }
        write_section(out, "RECOMMENDATIONS", &self.recommendations)?;
        write_section(out, "KEY PRINCIPLES", &self.principles)
    }
}

fn write_section(out: &mut String, heading: &str, results: &[RuleResult<'_>]) -> fmt::Result {
    writeln!(out, "{heading}")?;
    if results.is_empty() {
        writeln!(out, "  (none)")?;
    }
    for status in [Status::Applies, Status::Undetermined] {
        for result in results.iter().filter(|r| r.status == status) {
            write_rule(out, result)?;
        }
    }
    let not_applying: Vec<&RuleResult<'_>> = results
        .iter()
        .filter(|r| r.status == Status::DoesNotApply)
        .collect();
    if !not_applying.is_empty() {
        writeln!(out, "  Does not apply:")?;
        for result in not_applying {
            writeln!(out, "    - {} ({})", result.title, result.id)?;
        }
    }
    writeln!(out)
}

fn write_rule(out: &mut String, result: &RuleResult<'_>) -> fmt::Result {
    let status = match result.status {
        Status::Applies => "APPLIES",
        Status::Undetermined => "UNDETERMINED",
        Status::DoesNotApply => "DOES NOT APPLY",
    };
    write!(out, "  [{status}] {} ({})", result.title, result.id)?;
    if let Some(evidence) = &result.evidence {
        write!(out, " — {}", evidence.label)?;
    }
    writeln!(out)?;
    writeln!(out, "    \"{}\"", result.statement)?;
    if !result.reasons.is_empty() {
        writeln!(out, "    Because:")?;
        write_reasons(out, &result.reasons, "      ")?;
    }
    if !result.missing.is_empty() {
        writeln!(
            out,
            "    Would be decided by: {}",
            result.missing.join(", ")
        )?;
    }
    if !result.actions.is_empty() {
        writeln!(out, "    How:")?;
        for action in &result.actions {
            write_action(out, action)?;
        }
    }
    if !result.services.is_empty() {
        writeln!(out, "    Local services:")?;
        for service in &result.services {
            write_service(out, service)?;
        }
    }
    if !result.links.is_empty() {
        let label = match result.kind {
            crate::RuleKind::Recommendation => "Principles",
            crate::RuleKind::Principle => "Supports",
        };
        writeln!(out, "    {label}: {}", result.links.join(", "))?;
    }
    for source in result.sources.iter() {
        let wording = match source.wording {
            Wording::Verbatim => "guide's own words",
            Wording::Summary => "summary",
        };
        write!(out, "    Source: {} ({wording})", source.url)?;
        if let Some(note) = &source.note {
            write!(out, " — {note}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_action(out: &mut String, action: &ActionResult<'_>) -> fmt::Result {
    let marker = if action.status == Status::Undetermined {
        "?"
    } else {
        "-"
    };
    write!(out, "      {marker} {}", action.text)?;
    if !action.audiences.is_empty() {
        write!(out, " [for {}]", action.audiences.join(", "))?;
    }
    writeln!(out)?;
    let decisive: Vec<&str> = action
        .reasons
        .iter()
        .filter(|r| r.result == TestResult::True)
        .map(|r| r.test.as_ref())
        .collect();
    if action.status == Status::Applies && !decisive.is_empty() {
        writeln!(out, "        (because {})", decisive.join("; "))?;
    }
    if action.status == Status::Undetermined && !action.missing.is_empty() {
        writeln!(out, "        (depends on: {})", action.missing.join(", "))?;
    }
    Ok(())
}

fn write_service(out: &mut String, service: &ServiceResult<'_>) -> fmt::Result {
    let marker = if service.status == Status::Undetermined {
        "?"
    } else {
        "-"
    };
    writeln!(
        out,
        "      {marker} {} ({}): {}, {}, {}; ages: {}",
        service.name,
        service.id,
        service.delivery.as_str().replace('_', "-"),
        service.format.as_str(),
        service.structure.as_str(),
        service.ages
    )?;
    if let Some(action) = &service.action {
        writeln!(out, "        delivers: {action}")?;
    }
    if service.status == Status::Undetermined && !service.missing.is_empty() {
        writeln!(out, "        (depends on: {})", service.missing.join(", "))?;
    }
    writeln!(
        out,
        "        refer: {}; contact: {}",
        service.referral.how, service.referral.contact
    )?;
    for flag in &service.flags {
        let maybe = if flag.status == Status::Undetermined {
            " (if it applies)"
        } else {
            ""
        };
        writeln!(
            out,
            "        DOES NOT FIT THE GUIDE{maybe}: {}",
            flag.message
        )?;
    }
    Ok(())
}

fn write_reasons(out: &mut String, reasons: &[Reason<'_>], indent: &str) -> fmt::Result {
    for reason in reasons {
        let verdict = match reason.result {
            TestResult::True => "yes",
            TestResult::False => "no",
            TestResult::Unknown => "unknown",
        };
        write!(out, "{indent}- {}: {verdict}", reason.test)?;
        match &reason.value {
            Some(value) => write!(out, " (profile: {})", show(value))?,
            None => write!(out, " (not given)")?,
        }
        if let Some(via) = &reason.via {
            write!(out, " [{via}]")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn show(value: &SeenValue<'_>) -> String {
    match value {
        SeenValue::Bool(b) => b.to_string(),
        SeenValue::Integer(i) => i.to_string(),
        SeenValue::Text(t) => t.to_string(),
        SeenValue::List(items) if items.is_empty() => "none".to_owned(),
        SeenValue::List(items) => items.join(", "),
    }
}
