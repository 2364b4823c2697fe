//! Reports of an evaluation for people: one walk over the evaluation decides what is said, in
//! which order and in which words; a back-end decides only the markup.
//!
//! - this module: the walk, building a small document ([`Block`]s of [`Inline`]s);
//! - [`text`]: plain text, indented, for a terminal or a log a person reads;
//! - [`markdown`]: CommonMark, for a case note or a web page, with text escaped and sources as
//!   links.

mod markdown;
mod text;

use std::borrow::Cow;

use crate::language::Wording;
use crate::model::rule::{RuleKind, Source};
use crate::model::vocabulary::FactType;
use crate::result::{
    ActionResult, Deciding, Evaluation, Question, Reason, RuleResult, SeenValue, ServiceResult,
    Status, TestResult,
};

/// A piece of a line.
pub(crate) enum Inline<'a> {
    /// Text from a rule file or profile (escaped where the markup needs it).
    Text(Cow<'a, str>),
    /// An id or a hash: code in Markdown.
    Code(Cow<'a, str>),
    /// Text set in bold.
    Strong(Cow<'a, str>),
    /// Text set in italics.
    Emph(Cow<'a, str>),
    /// A link.
    Link { text: &'a str, url: &'a str },
    /// A rule's status, at the start of its heading.
    Status(Status),
}

type Line<'a> = Vec<Inline<'a>>;

/// A block of a report.
pub(crate) enum Block<'a> {
    /// A heading (level 1: the guide; 2: a part of the report; 3: a rule) and what it heads.
    Section {
        level: u8,
        heading: Line<'a>,
        body: Vec<Block<'a>>,
    },
    /// Blocks that belong together (plain text keeps them without blank lines between).
    Group(Vec<Block<'a>>),
    /// A notice every reader must see (an overlay's disclaimer).
    Notice(Line<'a>),
    Para(Line<'a>),
    /// A rule's statement, quoted.
    Quote(Line<'a>),
    /// `Label: value`.
    Field(&'static str, Line<'a>),
    /// A list, with its label if it has one.
    List {
        label: Option<&'static str>,
        items: Vec<ListItem<'a>>,
    },
}

/// One item of a list, with lines of detail under it.
pub(crate) struct ListItem<'a> {
    line: Line<'a>,
    details: Vec<Line<'a>>,
}

/// What a back-end does with each kind of block; [`render`] walks the document and calls it.
trait Markup {
    /// A section's heading, before its body.
    fn heading(&mut self, level: u8, heading: &Line<'_>);
    /// After a section's body.
    fn end_section(&mut self, level: u8);
    /// After a group's blocks.
    fn end_group(&mut self);
    fn notice(&mut self, line: &Line<'_>);
    fn para(&mut self, line: &Line<'_>);
    fn quote(&mut self, line: &Line<'_>);
    fn field(&mut self, label: &str, line: &Line<'_>);
    fn list(&mut self, label: Option<&str>, items: &[ListItem<'_>]);
    /// What was written so far.
    fn output(&mut self) -> &mut String;
}

/// Renders `blocks` with a back-end; the result ends with exactly one newline.
fn render(blocks: &[Block<'_>], markup: &mut impl Markup) -> String {
    walk(blocks, markup);
    let out = std::mem::take(markup.output());
    let end = out.trim_end_matches('\n').len();
    let mut out = out;
    out.truncate(end);
    out.push('\n');
    out
}

fn walk(blocks: &[Block<'_>], markup: &mut impl Markup) {
    for block in blocks {
        match block {
            Block::Section {
                level,
                heading,
                body,
            } => {
                markup.heading(*level, heading);
                walk(body, markup);
                markup.end_section(*level);
            }
            Block::Group(blocks) => {
                walk(blocks, markup);
                markup.end_group();
            }
            Block::Notice(line) => markup.notice(line),
            Block::Para(line) => markup.para(line),
            Block::Quote(line) => markup.quote(line),
            Block::Field(label, line) => markup.field(label, line),
            Block::List { label, items } => markup.list(*label, items),
        }
    }
}

fn text<'a>(s: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Text(s.into())
}

impl Evaluation {
    /// The evaluation as a readable plain-text report.
    ///
    /// ```
    /// use practice_guide::FamilyProfile;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = FamilyProfile::new().with("children_ages", ["age_4"]);
    /// let report = guide.evaluate(&family)?.report();
    /// assert!(report.starts_with("Parenting Through Adversity"));
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn report(&self) -> String {
        render(&document(self), &mut text::Text::default())
    }

    /// The evaluation as Markdown (CommonMark), to paste into a case note or render in a web page:
    /// the same content as [`Evaluation::report`], with headings, text from rule files and
    /// profiles escaped (it can never become a heading, a link or HTML), and sources as links.
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
        render(&document(self), &mut markdown::Markdown::default())
    }
}

/// The report's document: the rules that produced it, the scope, then each part.
fn document(e: &Evaluation) -> Vec<Block<'_>> {
    let title = || text(e.guide().title());
    let mut body = vec![Block::Group(stamp(e))];
    let scope = e.scope();
    let description = || vec![text("The guide is for: "), text(scope.description())];
    match scope.status() {
        Status::DoesNotApply => {
            let mut outside = vec![Block::Para(description())];
            outside.extend(reasons(None, scope.reasons()));
            outside.push(Block::Para(vec![text(
                "None of its recommendations or principles apply.",
            )]));
            body.push(section(
                2,
                vec![text("Outside this guide's scope")],
                outside,
            ));
            return vec![section(1, vec![title()], body)];
        }
        Status::Undetermined => {
            let mut unknown = vec![
                Block::Para(description()),
                Block::Field("Would be decided by", codes(scope.missing())),
            ];
            if let Some(residual) = scope.residual() {
                unknown.push(Block::Field("In scope if", vec![text(residual.words())]));
            }
            body.push(section(2, vec![text("Scope not yet known")], unknown));
        }
        Status::Applies => {
            let mut group = vec![Block::Field("In scope", vec![text(scope.description())])];
            group.extend(reasons(None, scope.reasons()));
            body.push(Block::Group(group));
        }
    }
    body.push(part("Recommendations", e.recommendations()));
    body.push(part("Key principles", e.principles()));
    if e.questions().len() > 0 {
        body.push(questions(e.questions()));
    }
    if e.changes().len() > 0 {
        let items = e
            .changes()
            .map(|c| {
                let words = if c.never() {
                    " can apply under no change of this profile".to_owned()
                } else {
                    format!(" would apply if {}", c.words())
                };
                item(vec![code(c.id().to_string()), text(words)])
            })
            .collect();
        let list = Block::List { label: None, items };
        body.push(section(
            2,
            vec![text("What would change the results")],
            vec![list],
        ));
    }
    vec![section(1, vec![title()], body)]
}

/// The questions worth asking next, most useful first, each with what it could decide.
fn questions<'a>(questions: impl Iterator<Item = Question<'a>>) -> Block<'a> {
    let items = questions
        .map(|q| {
            let fact = q.fact();
            let line = vec![code(fact.name()), text(": "), text(fact.description())];
            let mut details = Vec::new();
            if let FactType::OneOf(values) | FactType::SetOf(values) = fact.fact_type() {
                let set = matches!(fact.fact_type(), FactType::SetOf(_));
                let mut choices = vec![text(if set { "Any of: " } else { "One of: " })];
                choices.extend(codes(values.names()));
                details.push(choices);
            }
            if q.settles().len() == 0 {
                details.push(vec![text("Alone, an answer decides nothing yet.")]);
            } else {
                let mut settles = vec![text("Could decide: ")];
                settles.extend(codes(q.settles().map(|s| Cow::Owned(s.to_string()))));
                if let Some(evidence) = q.strongest() {
                    settles.extend([text(" (strongest: "), text(&*evidence.label), text(")")]);
                }
                details.push(settles);
            }
            ListItem { line, details }
        })
        .collect();
    let list = Block::List { label: None, items };
    section(2, vec![text("Questions to ask next")], vec![list])
}

fn section<'a>(level: u8, heading: Line<'a>, body: Vec<Block<'a>>) -> Block<'a> {
    Block::Section {
        level,
        heading,
        body,
    }
}

/// The disclaimer, and which rules produced the evaluation.
fn stamp(e: &Evaluation) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let overlay = e.overlay().map(|o| o.metadata());
    if let Some(disclaimer) = overlay.and_then(|o| o.disclaimer.as_deref()) {
        blocks.push(Block::Notice(vec![Inline::Strong(Cow::Borrowed(
            disclaimer,
        ))]));
    }
    let g = e.guide().metadata();
    blocks.push(Block::Para(vec![
        text("Rules: "),
        code(&*g.id),
        text(" version "),
        text(&*g.version),
        text(" ("),
        code(&*g.content_hash),
        text(")"),
    ]));
    if let Some(o) = overlay {
        blocks.push(Block::Para(vec![
            text("Local offer: "),
            text(&*o.title),
            text(" ("),
            code(&*o.id),
            text(" version "),
            text(&*o.version),
            text(if o.fictional { ", fictional, " } else { ", " }),
            code(&*o.content_hash),
            text("); all rules: "),
            code(&*o.rules_hash),
        ]));
    }
    blocks
}

/// The recommendations or the principles: those that apply, then the undetermined, each with
/// what decided it; then, briefly, those that do not apply.
fn part<'a>(
    heading: &'static str,
    results: impl ExactSizeIterator<Item = RuleResult<'a>> + Clone,
) -> Block<'a> {
    let mut body = Vec::new();
    if results.len() == 0 {
        body.push(Block::Para(vec![text("None.")]));
    }
    for status in [Status::Applies, Status::Undetermined] {
        body.extend(results.clone().filter(|r| r.status() == status).map(rule));
    }
    let not_applying: Vec<ListItem<'a>> = results
        .filter(|r| r.status() == Status::DoesNotApply)
        .map(|r| ListItem {
            line: vec![text(r.title()), text(" ("), code(r.id()), text(")")],
            details: ruled_out(r.reasons()),
        })
        .collect();
    if !not_applying.is_empty() {
        body.push(Block::List {
            label: Some("Does not apply"),
            items: not_applying,
        });
    }
    section(2, vec![text(heading)], body)
}

fn item(line: Line<'_>) -> ListItem<'_> {
    ListItem {
        line,
        details: Vec::new(),
    }
}

fn rule(r: RuleResult<'_>) -> Block<'_> {
    let heading = vec![
        Inline::Status(r.status()),
        text(r.title()),
        text(" ("),
        code(r.id()),
        text(")"),
    ];
    let mut body = Vec::new();
    if let Some(evidence) = r.evidence() {
        body.push(Block::Field("Evidence", vec![text(&*evidence.label)]));
    }
    body.push(Block::Quote(vec![text(r.statement())]));
    body.extend(reasons(Some("Because"), r.reasons()));
    if r.missing().len() > 0 {
        body.push(Block::Field("Would be decided by", codes(r.missing())));
    }
    if let Some(residual) = r.residual() {
        body.push(Block::Field("Would apply if", vec![text(residual.words())]));
    }
    if r.deciding().len() > 0 {
        body.push(deciding(r.deciding()));
    }
    if r.actions().len() > 0 {
        let items = r.actions().map(|a| item(action(a))).collect();
        body.push(Block::List {
            label: Some("How"),
            items,
        });
    }
    let services: Vec<ListItem<'_>> = r.services().map(service).collect();
    if !services.is_empty() {
        body.push(Block::List {
            label: Some("Local services"),
            items: services,
        });
    }
    if r.links().len() > 0 {
        let label = match r.kind() {
            RuleKind::Recommendation => "Principles",
            RuleKind::Principle => "Supports",
        };
        body.push(Block::Field(label, codes(r.links())));
    }
    if !r.sources().is_empty() {
        let items = r.sources().iter().map(|s| item(source(s))).collect();
        body.push(Block::List {
            label: Some("Sources"),
            items,
        });
    }
    section(3, heading, body)
}

fn action(a: ActionResult<'_>) -> Line<'_> {
    let mut line = Vec::new();
    if a.status() == Status::Undetermined {
        line.extend([Inline::Emph(Cow::Borrowed("(undetermined)")), text(" ")]);
    }
    line.extend([text(a.text()), text(" ("), code(a.id()), text(")")]);
    if a.audiences().len() > 0 {
        let audiences: Vec<&str> = a.audiences().collect();
        let audiences = format!("(for {})", audiences.join(", "));
        line.extend([text(" "), Inline::Emph(Cow::Owned(audiences))]);
    }
    line.extend(decided(a.status(), a.reasons(), " — because "));
    if let Some(residual) = a.residual() {
        line.extend([text(" — would apply if "), text(residual.words())]);
    }
    line
}

/// What ruled a rule out: the tests that did not hold, with what the profile said.
fn ruled_out<'a>(reasons: impl Iterator<Item = Reason<'a>>) -> Vec<Line<'a>> {
    reasons
        .filter(|r| r.result() == TestResult::False)
        .map(|r| {
            let mut line = vec![text("Not so: "), text(r.test())];
            if let Some(value) = r.value() {
                line.extend([text(" (profile: "), text(show(&value)), text(")")]);
            }
            line
        })
        .collect()
}

/// For each missing fact, the values that would make the rule apply and those that would
/// rule it out.
fn deciding<'a>(deciding: impl Iterator<Item = Deciding<'a>>) -> Block<'a> {
    let values = |values: &mut dyn Iterator<Item = SeenValue<'_>>| -> String {
        let shown: Vec<String> = values.map(|v| show(&v)).collect();
        shown.join(" or ")
    };
    let items = deciding
        .map(|d| {
            let mut line = vec![code(d.fact()), text(": ")];
            let mut parts = Vec::new();
            if d.applies_if().next().is_some() {
                parts.push(format!("applies if {}", values(&mut d.applies_if())));
            }
            if d.not_if().next().is_some() {
                parts.push(format!("does not apply if {}", values(&mut d.not_if())));
            }
            line.push(text(parts.join("; ")));
            item(line)
        })
        .collect();
    Block::List {
        label: Some("If answered"),
        items,
    }
}

/// What decided an action or a service that applies: the tests that held.
fn decided<'a>(
    status: Status,
    reasons: impl Iterator<Item = Reason<'a>>,
    because: &'static str,
) -> Line<'a> {
    let held: Vec<&str> = reasons
        .filter(|r| r.result() == TestResult::True)
        .map(|r| r.test())
        .collect();
    let mut line = Vec::new();
    if status == Status::Applies && !held.is_empty() {
        line.extend([text(because), text(held.join("; "))]);
    }
    line
}

fn service(s: ServiceResult<'_>) -> ListItem<'_> {
    let mut line = Vec::new();
    if s.status() == Status::Undetermined {
        line.extend([
            Inline::Emph(Cow::Borrowed("(eligibility undetermined)")),
            text(" "),
        ]);
    }
    line.extend([
        Inline::Strong(Cow::Borrowed(s.name())),
        text(" ("),
        code(s.id()),
        text("): "),
        text(format!(
            "{}, {}, {}; ages: ",
            s.delivery().as_str().replace('_', "-"),
            s.format().as_str(),
            s.structure().as_str()
        )),
        text(s.ages()),
    ]);
    let mut details = Vec::new();
    if let Some(action) = s.action() {
        let mut line = vec![text("Delivers: "), text(&*action.text)];
        line.extend([text(" ("), code(&*action.id), text(")")]);
        details.push(line);
    }
    let mut eligible = decided(s.status(), s.reasons(), "Eligible because ");
    if !eligible.is_empty() {
        details.push(std::mem::take(&mut eligible));
    }
    if s.missing().len() > 0 {
        let mut line = vec![text("Would be decided by: ")];
        line.extend(codes(s.missing()));
        details.push(line);
    }
    let referral = s.referral();
    let mut refer = vec![
        text("Refer: "),
        text(&*referral.how),
        text("; contact: "),
        text(&*referral.contact),
    ];
    if let Some(url) = &referral.url {
        refer.extend([
            text(" ("),
            Inline::Link {
                text: "referral page",
                url,
            },
            text(")"),
        ]);
    }
    details.push(refer);
    for flag in s.flags() {
        let maybe = if flag.status() == Status::Undetermined {
            " (if it applies to this family)"
        } else {
            ""
        };
        let mut line = vec![
            Inline::Strong(Cow::Owned(format!("Does not fit the guide{maybe}:"))),
            text(" "),
            text(flag.message()),
        ];
        for source in flag.sources() {
            line.push(text(" — "));
            line.extend(self::source(source));
        }
        details.push(line);
    }
    ListItem { line, details }
}

/// The tests that decided a status, with what the profile said; nothing when there are none.
fn reasons<'a>(
    label: Option<&'static str>,
    reasons: impl ExactSizeIterator<Item = Reason<'a>>,
) -> Option<Block<'a>> {
    if reasons.len() == 0 {
        return None;
    }
    let items = reasons
        .map(|reason| {
            let verdict = match reason.result() {
                TestResult::True => ": yes",
                TestResult::False => ": no",
                TestResult::Unknown => ": unknown",
            };
            let mut line = vec![text(reason.test()), text(verdict)];
            match reason.value() {
                Some(value) => line.extend([text(" (profile: "), text(show(&value)), text(")")]),
                None => line.push(text(" (not given)")),
            }
            if let Some(via) = reason.via() {
                line.extend([text(" (via "), code(via), text(")")]);
            }
            item(line)
        })
        .collect();
    Some(Block::List { label, items })
}

fn show(value: &SeenValue<'_>) -> String {
    match value {
        SeenValue::Bool(b) => b.to_string(),
        SeenValue::Integer(i) => i.to_string(),
        SeenValue::Text(t) => t.to_string(),
        SeenValue::List(items) if items.is_empty() => "none".to_owned(),
        SeenValue::List(items) => items.iter().collect::<Vec<_>>().join(", "),
    }
}

/// A source as a link (its note, or its address, as the text) and whether the words are the
/// guide's own.
fn source(source: &Source) -> Line<'_> {
    let wording = match source.wording {
        Wording::Verbatim => " (guide's own words)",
        Wording::Summary => " (summary)",
    };
    let shown = source.note.as_deref().unwrap_or(&source.url);
    vec![
        Inline::Link {
            text: shown,
            url: &source.url,
        },
        text(wording),
    ]
}

/// An id or a hash.
fn code<'a>(id: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Code(id.into())
}

/// Ids, as `a`, `b`.
fn codes<'a, S: Into<Cow<'a, str>>>(ids: impl IntoIterator<Item = S>) -> Line<'a> {
    let mut line = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            line.push(text(", "));
        }
        line.push(code(id));
    }
    line
}
