//! A Markdown rendering of an evaluation, for a case note or a web page: the same content as the
//! plain-text report, with headings, and every source as a link.
//!
//! Text that comes from rule files or a profile is escaped, so that a statement or a service's
//! name can never turn into a heading, a link or HTML; addresses are percent-encoded where they
//! would break a link.

use std::fmt::{self, Write as _};

use crate::evaluation::{
    ActionResult, Evaluation, Reason, RuleResult, SeenValue, Status, TestResult,
};
use crate::guide::{RuleKind, Source, Wording};
use crate::overlay::ServiceResult;

impl Evaluation<'_> {
    /// The evaluation as Markdown (CommonMark), to paste into a case note or render in a web page:
    /// the rules that produced it, the scope, then each recommendation and principle with its
    /// status, evidence level, reasons, missing facts, actions, local services (with any flags)
    /// and sources as links.
    ///
    /// ```
    /// use practice_guide::FamilyProfile;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = FamilyProfile::new()
    ///     .with("children_ages", ["age_4"])
    ///     .with("adversities", ["poverty"]);
    /// let markdown = guide.evaluate(&family)?.to_markdown();
    /// assert!(markdown.starts_with("# Parenting Through Adversity"));
    /// assert!(markdown.contains("**Evidence:** Strong evidence"));
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_markdown(&mut out);
        out
    }

    fn write_markdown(&self, out: &mut String) -> fmt::Result {
        writeln!(out, "# {}", escape(&self.guide.title))?;
        writeln!(out)?;
        if let Some(overlay) = &self.overlay
            && let Some(disclaimer) = &overlay.disclaimer
        {
            writeln!(out, "> **{}**", escape(disclaimer))?;
            writeln!(out)?;
        }
        writeln!(
            out,
            "Rules: `{}` version {} (`{}`)",
            self.guide.id,
            escape(&self.guide.version),
            self.guide.content_hash
        )?;
        if let Some(overlay) = &self.overlay {
            writeln!(out)?;
            writeln!(
                out,
                "Local offer: {} (`{}` version {}{}, `{}`); all rules: `{}`",
                escape(&overlay.title),
                overlay.id,
                escape(&overlay.version),
                if overlay.fictional { ", fictional" } else { "" },
                overlay.content_hash,
                overlay.rules_hash
            )?;
        }
        writeln!(out)?;
        match self.scope.status {
            Status::DoesNotApply => {
                writeln!(out, "## Outside this guide's scope")?;
                writeln!(out)?;
                writeln!(out, "The guide is for: {}", escape(&self.scope.description))?;
                writeln!(out)?;
                write_reasons(out, &self.scope.reasons)?;
                writeln!(out, "None of its recommendations or principles apply.")?;
                return Ok(());
            }
            Status::Undetermined => {
                writeln!(out, "## Scope not yet known")?;
                writeln!(out)?;
                writeln!(out, "The guide is for: {}", escape(&self.scope.description))?;
                writeln!(out)?;
                writeln!(
                    out,
                    "**Would be decided by:** {}",
                    code_list(&self.scope.missing)
                )?;
                writeln!(out)?;
            }
            Status::Applies => {
                writeln!(out, "**In scope:** {}", escape(&self.scope.description))?;
                writeln!(out)?;
                write_reasons(out, &self.scope.reasons)?;
            }
        }
        write_section(out, "Recommendations", &self.recommendations)?;
        write_section(out, "Key principles", &self.principles)
    }
}

fn write_section(out: &mut String, heading: &str, results: &[RuleResult<'_>]) -> fmt::Result {
    writeln!(out, "## {heading}")?;
    writeln!(out)?;
    if results.is_empty() {
        writeln!(out, "None.")?;
        writeln!(out)?;
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
        writeln!(out, "### Does not apply")?;
        writeln!(out)?;
        for result in not_applying {
            writeln!(out, "- {} (`{}`)", escape(&result.title), result.id)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_rule(out: &mut String, result: &RuleResult<'_>) -> fmt::Result {
    let status = match result.status {
        Status::Applies => "Applies",
        Status::Undetermined => "Undetermined",
        Status::DoesNotApply => "Does not apply",
    };
    writeln!(
        out,
        "### {status}: {} (`{}`)",
        escape(&result.title),
        result.id
    )?;
    writeln!(out)?;
    if let Some(evidence) = &result.evidence {
        writeln!(out, "**Evidence:** {}", escape(&evidence.label))?;
        writeln!(out)?;
    }
    writeln!(out, "> {}", escape(&result.statement))?;
    writeln!(out)?;
    if !result.reasons.is_empty() {
        writeln!(out, "**Because:**")?;
        writeln!(out)?;
        write_reasons(out, &result.reasons)?;
    }
    if !result.missing.is_empty() {
        writeln!(
            out,
            "**Would be decided by:** {}",
            code_list(&result.missing)
        )?;
        writeln!(out)?;
    }
    if !result.actions.is_empty() {
        writeln!(out, "**How:**")?;
        writeln!(out)?;
        for action in &result.actions {
            write_action(out, action)?;
        }
        writeln!(out)?;
    }
    if !result.services.is_empty() {
        writeln!(out, "**Local services:**")?;
        writeln!(out)?;
        for service in &result.services {
            write_service(out, service)?;
        }
        writeln!(out)?;
    }
    if !result.links.is_empty() {
        let label = match result.kind {
            RuleKind::Recommendation => "Principles",
            RuleKind::Principle => "Supports",
        };
        writeln!(out, "**{label}:** {}", code_list(&result.links))?;
        writeln!(out)?;
    }
    if !result.sources.is_empty() {
        writeln!(out, "**Sources:**")?;
        writeln!(out)?;
        for source in result.sources.iter() {
            writeln!(out, "- {}", source_link(source))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_action(out: &mut String, action: &ActionResult<'_>) -> fmt::Result {
    write!(out, "- ")?;
    if action.status == Status::Undetermined {
        write!(out, "*(undetermined)* ")?;
    }
    write!(out, "{}", escape(&action.text))?;
    if !action.audiences.is_empty() {
        write!(out, " *(for {})*", action.audiences.join(", "))?;
    }
    let decisive: Vec<String> = action
        .reasons
        .iter()
        .filter(|r| r.result == TestResult::True)
        .map(|r| escape(&r.test))
        .collect();
    if action.status == Status::Applies && !decisive.is_empty() {
        write!(out, " — because {}", decisive.join("; "))?;
    }
    if action.status == Status::Undetermined && !action.missing.is_empty() {
        write!(out, " — depends on {}", code_list(&action.missing))?;
    }
    writeln!(out)
}

fn write_service(out: &mut String, service: &ServiceResult<'_>) -> fmt::Result {
    write!(out, "- ")?;
    if service.status == Status::Undetermined {
        write!(out, "*(eligibility undetermined)* ")?;
    }
    writeln!(
        out,
        "**{}** (`{}`): {}, {}, {}; ages: {}",
        escape(&service.name),
        service.id,
        service.delivery.as_str().replace('_', "-"),
        service.format.as_str(),
        service.structure.as_str(),
        escape(&service.ages)
    )?;
    if let Some(action) = &service.action {
        writeln!(out, "  - Delivers: {}", escape(action))?;
    }
    let decisive: Vec<String> = service
        .reasons
        .iter()
        .filter(|r| r.result == TestResult::True)
        .map(|r| escape(&r.test))
        .collect();
    if service.status == Status::Applies && !decisive.is_empty() {
        writeln!(out, "  - Eligible because {}", decisive.join("; "))?;
    }
    if !service.missing.is_empty() {
        writeln!(
            out,
            "  - Would be decided by: {}",
            code_list(&service.missing)
        )?;
    }
    write!(
        out,
        "  - Refer: {}; contact: {}",
        escape(&service.referral.how),
        escape(&service.referral.contact)
    )?;
    if let Some(url) = &service.referral.url {
        write!(out, " ([referral page]({}))", link_target(url))?;
    }
    writeln!(out)?;
    for flag in &service.flags {
        let maybe = if flag.status == Status::Undetermined {
            " (if it applies to this family)"
        } else {
            ""
        };
        write!(
            out,
            "  - **Does not fit the guide{maybe}:** {}",
            escape(&flag.message)
        )?;
        for source in &flag.sources {
            write!(out, " — {}", source_link(source))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_reasons(out: &mut String, reasons: &[Reason<'_>]) -> fmt::Result {
    if reasons.is_empty() {
        return Ok(());
    }
    for reason in reasons {
        let verdict = match reason.result {
            TestResult::True => "yes",
            TestResult::False => "no",
            TestResult::Unknown => "unknown",
        };
        write!(out, "- {}: {verdict}", escape(&reason.test))?;
        match &reason.value {
            Some(value) => write!(out, " (profile: {})", show(value))?,
            None => write!(out, " (not given)")?,
        }
        if let Some(via) = &reason.via {
            write!(out, " (via `{via}`)")?;
        }
        writeln!(out)?;
    }
    writeln!(out)
}

fn show(value: &SeenValue<'_>) -> String {
    match value {
        SeenValue::Bool(b) => b.to_string(),
        SeenValue::Integer(i) => i.to_string(),
        SeenValue::Text(t) => escape(t),
        SeenValue::List(items) if items.is_empty() => "none".to_owned(),
        SeenValue::List(items) => escape(&items.join(", ")),
    }
}

/// A source as a link: its note (or its address) as the text, the address as the target.
fn source_link(source: &Source) -> String {
    let wording = match source.wording {
        Wording::Verbatim => "guide's own words",
        Wording::Summary => "summary",
    };
    let text = source.note.as_deref().unwrap_or(&source.url);
    format!(
        "[{}]({}) ({wording})",
        escape(text),
        link_target(&source.url)
    )
}

/// Ids (identifiers, so safe in a code span), as `a`, `b`.
fn code_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|i| format!("`{}`", i.as_ref())).collect();
    items.join(", ")
}

/// Escapes the characters that Markdown (or inline HTML) would read as markup, and folds line
/// breaks, so that text from a rule file or profile stays text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An address as a link target: the characters that would end or break it, percent-encoded.
fn link_target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
