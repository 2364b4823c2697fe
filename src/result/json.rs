//! How an evaluation is written as JSON: every view serializes straight from the guide's texts
//! and the family's values, in the shape `schema/evaluation.schema.json` describes (field by
//! field as the shape types the schema is generated from would write it: the differential tests
//! compare the bytes); and [`Evaluation::write_json`] writes the same bytes from the pieces of
//! the guide's JSON rendered when it loaded ([`Fragments`]).

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::open::{Parts, ResidualTest};
use super::{
    ActionResult, Change, Deciding, Evaluation, FactChange, FitFlag, Question, Reason, Residual,
    ResultName, RuleResult, ScopeResult, SeenValue, ServiceResult, ValueList,
};
use super::{Outcome, QuestionData, ResidualKind, RuleData, ServiceData, Span, Status};
use crate::ids::{ActionName, FactId, ResultRef, SiteId};
use crate::model::arena::Site;
use crate::model::guide::{Core, EvidenceLevel, Guide};
use crate::model::json::{
    FactFragments, Fragments, RuleFragments, ServiceFragments, SiteFragments,
};
use crate::model::overlay::{Delivered, Overlay};
use crate::model::rule::Rule;
use crate::model::value::Slot;
use crate::model::vocabulary::{Fact, FactType, Vocab};

/// A list, written as a JSON array of its items.
struct Seq<I>(I);

impl<I> Serialize for Seq<I>
where
    I: Iterator + Clone,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

/// A list of displayed names, written as a JSON array of strings.
struct Names<I>(I);

impl<I> Serialize for Names<I>
where
    I: Iterator + Clone,
    I::Item: std::fmt::Display,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone().map(Display))
    }
}

struct Display<T>(T);

impl<T: std::fmt::Display> Serialize for Display<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// Fields, with those a shape leaves out when empty counted out of the length.
fn fields(always: usize, optional: &[bool]) -> usize {
    always + optional.iter().filter(|present| **present).count()
}

impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let overlay = self.overlay();
        let questions = !self.data.questions.is_empty();
        let changes = !self.data.changes.is_empty();
        let len = fields(4, &[overlay.is_some(), questions, changes]);
        let mut out = serializer.serialize_struct("Evaluation", len)?;
        out.serialize_field("guide", &GuideStamp(self.guide()))?;
        out.serialize_field("scope", &self.scope())?;
        out.serialize_field("recommendations", &Seq(self.recommendations()))?;
        out.serialize_field("principles", &Seq(self.principles()))?;
        match overlay {
            Some(overlay) => out.serialize_field("overlay", &OverlayStamp(overlay))?,
            None => out.skip_field("overlay")?,
        }
        match questions {
            true => out.serialize_field("questions", &Seq(self.questions()))?,
            false => out.skip_field("questions")?,
        }
        match changes {
            true => out.serialize_field("changes", &Seq(self.changes()))?,
            false => out.skip_field("changes")?,
        }
        out.end()
    }
}

/// Which guide, and which encoding of it, produced an evaluation.
struct GuideStamp<'g>(&'g Guide);

impl Serialize for GuideStamp<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let metadata = self.0.metadata();
        let mut out = serializer.serialize_struct("GuideStamp", 4)?;
        out.serialize_field("id", &metadata.id)?;
        out.serialize_field("title", &metadata.title)?;
        out.serialize_field("version", &metadata.version)?;
        out.serialize_field("content_hash", &metadata.content_hash)?;
        out.end()
    }
}

/// Which overlay contributed to an evaluation.
struct OverlayStamp<'g>(&'g Overlay);

impl Serialize for OverlayStamp<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let metadata = self.0.metadata();
        let disclaimer = metadata.disclaimer.as_deref();
        let mut out =
            serializer.serialize_struct("OverlayStamp", fields(6, &[disclaimer.is_some()]))?;
        out.serialize_field("id", &metadata.id)?;
        out.serialize_field("title", &metadata.title)?;
        out.serialize_field("version", &metadata.version)?;
        out.serialize_field("fictional", &metadata.fictional)?;
        match disclaimer {
            Some(disclaimer) => out.serialize_field("disclaimer", disclaimer)?,
            None => out.skip_field("disclaimer")?,
        }
        out.serialize_field("content_hash", &metadata.content_hash)?;
        out.serialize_field("rules_hash", &metadata.rules_hash)?;
        out.end()
    }
}

impl Serialize for ScopeResult<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let residual = self.residual();
        let deciding = self.deciding();
        let len = fields(4, &[residual.is_some(), deciding.len() > 0]);
        let mut out = serializer.serialize_struct("ScopeResult", len)?;
        out.serialize_field("status", &self.status())?;
        out.serialize_field("description", self.description())?;
        out.serialize_field("reasons", &Seq(self.reasons()))?;
        out.serialize_field("missing", &Seq(self.missing()))?;
        open(&mut out, residual, deciding)?;
        out.end()
    }
}

/// The residual and deciding values of a result, each left out when there is none.
fn open<'e, S: SerializeStruct>(
    out: &mut S,
    residual: Option<Residual<'e>>,
    deciding: impl ExactSizeIterator<Item = Deciding<'e>> + Clone,
) -> Result<(), S::Error> {
    match residual {
        Some(residual) => out.serialize_field("residual", &residual)?,
        None => out.skip_field("residual")?,
    }
    match deciding.len() {
        0 => out.skip_field("deciding"),
        _ => out.serialize_field("deciding", &Seq(deciding)),
    }
}

impl Serialize for RuleResult<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let residual = self.residual();
        let deciding = self.deciding();
        let mut services = self.services().peekable();
        let has_services = services.peek().is_some();
        let len = fields(14, &[residual.is_some(), deciding.len() > 0, has_services]);
        let mut out = serializer.serialize_struct("RuleResult", len)?;
        out.serialize_field("id", self.id())?;
        out.serialize_field("kind", &self.kind())?;
        out.serialize_field("title", self.title())?;
        out.serialize_field("statement", self.statement())?;
        out.serialize_field("status", &self.status())?;
        let evidence = self.evidence().zip(self.evidence_rank());
        out.serialize_field(
            "evidence",
            &evidence.map(|(level, rank)| EvidenceRef(level, rank)),
        )?;
        out.serialize_field("reasons", &Seq(self.reasons()))?;
        out.serialize_field("missing", &Seq(self.missing()))?;
        open(&mut out, residual, deciding)?;
        out.serialize_field("actions", &Seq(self.actions()))?;
        out.serialize_field("links", &Seq(self.links()))?;
        out.serialize_field("outcomes", &Seq(self.outcomes()))?;
        out.serialize_field("audiences", &Seq(self.audiences()))?;
        out.serialize_field("why", &Seq(self.why()))?;
        out.serialize_field("sources", self.sources())?;
        match has_services {
            true => out.serialize_field("services", &Seq(services))?,
            false => out.skip_field("services")?,
        }
        out.end()
    }
}

/// An evidence level, as a result names it.
struct EvidenceRef<'g>(&'g EvidenceLevel, usize);

impl Serialize for EvidenceRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("EvidenceRef", 4)?;
        out.serialize_field("id", &self.0.id)?;
        out.serialize_field("label", &self.0.label)?;
        out.serialize_field("rank", &self.1)?;
        out.serialize_field("unrated", &self.0.unrated)?;
        out.end()
    }
}

impl Serialize for ActionResult<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let residual = self.residual();
        let deciding = self.deciding();
        let len = fields(6, &[residual.is_some(), deciding.len() > 0]);
        let mut out = serializer.serialize_struct("ActionResult", len)?;
        out.serialize_field("id", self.id())?;
        out.serialize_field("text", self.text())?;
        out.serialize_field("audiences", &Seq(self.audiences()))?;
        out.serialize_field("status", &self.status())?;
        out.serialize_field("reasons", &Seq(self.reasons()))?;
        out.serialize_field("missing", &Seq(self.missing()))?;
        open(&mut out, residual, deciding)?;
        out.end()
    }
}

impl Serialize for Reason<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let via = self.via();
        let mut out = serializer.serialize_struct("Reason", fields(4, &[via.is_some()]))?;
        out.serialize_field("fact", self.fact())?;
        out.serialize_field("test", self.test())?;
        out.serialize_field("value", &self.value())?;
        out.serialize_field("result", &self.result())?;
        match via {
            Some(via) => out.serialize_field("via", via)?,
            None => out.skip_field("via")?,
        }
        out.end()
    }
}

impl Serialize for SeenValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SeenValue::Bool(b) => serializer.serialize_bool(*b),
            SeenValue::Integer(i) => serializer.serialize_i64(*i),
            SeenValue::Text(t) => serializer.serialize_str(t),
            SeenValue::List(list) => list.serialize(serializer),
        }
    }
}

impl Serialize for ValueList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl Serialize for ServiceResult<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let action = self.action();
        let len = fields(12, &[action.is_some(), action.is_some()]);
        let mut out = serializer.serialize_struct("ServiceResult", len)?;
        out.serialize_field("id", self.id())?;
        out.serialize_field("name", self.name())?;
        out.serialize_field("description", self.description())?;
        out.serialize_field("status", &self.status())?;
        out.serialize_field("delivery", &self.delivery())?;
        out.serialize_field("format", &self.format())?;
        out.serialize_field("structure", &self.structure())?;
        out.serialize_field("ages", self.ages())?;
        match action {
            Some(action) => {
                out.serialize_field("action", &action.text)?;
                out.serialize_field("action_id", &action.id)?;
            }
            None => {
                out.skip_field("action")?;
                out.skip_field("action_id")?;
            }
        }
        out.serialize_field("reasons", &Seq(self.reasons()))?;
        out.serialize_field("missing", &Seq(self.missing()))?;
        out.serialize_field("referral", self.referral())?;
        out.serialize_field("flags", &Seq(self.flags()))?;
        out.end()
    }
}

impl Serialize for FitFlag<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("FitFlag", 8)?;
        out.serialize_field("aspect", &self.aspect())?;
        out.serialize_field("offered", self.offered())?;
        out.serialize_field("fits", &Seq(self.fits()))?;
        out.serialize_field("status", &self.status())?;
        out.serialize_field("rule", &self.rule().id)?;
        out.serialize_field("says", self.says())?;
        out.serialize_field("message", self.message())?;
        out.serialize_field("sources", self.sources())?;
        out.end()
    }
}

impl Serialize for Residual<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Residual::All(parts) => {
                serializer.serialize_newtype_variant("Residual", 0, "all", parts)
            }
            Residual::Any(parts) => {
                serializer.serialize_newtype_variant("Residual", 1, "any", parts)
            }
            Residual::Test(test) => {
                serializer.serialize_newtype_variant("Residual", 2, "test", test)
            }
        }
    }
}

impl Serialize for Parts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl Serialize for ResidualTest<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("ResidualTest", 2)?;
        out.serialize_field("fact", self.fact())?;
        out.serialize_field("test", self.test())?;
        out.end()
    }
}

impl Serialize for Deciding<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Deciding", 3)?;
        out.serialize_field("fact", self.fact())?;
        out.serialize_field("applies_if", &Seq(self.applies_if()))?;
        out.serialize_field("not_if", &Seq(self.not_if()))?;
        out.end()
    }
}

impl Serialize for Question<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fact = self.fact();
        let values = match &fact.fact_type {
            FactType::OneOf(values) | FactType::SetOf(values) => Some(values.names()),
            _ => None,
        };
        let strongest = self.strongest().zip(self.strongest_rank());
        let mut out = serializer.serialize_struct("Question", 6)?;
        out.serialize_field("fact", &fact.name)?;
        out.serialize_field("description", &fact.description)?;
        out.serialize_field("type", fact.fact_type.keyword())?;
        out.serialize_field("values", &Seq(values.into_iter().flatten()))?;
        out.serialize_field("settles", &Names(self.settles()))?;
        out.serialize_field(
            "strongest",
            &strongest.map(|(level, rank)| EvidenceRef(level, rank)),
        )?;
        out.end()
    }
}

impl Serialize for ResultName<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for Change<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Change", 4)?;
        out.serialize_field("id", &self.id())?;
        out.serialize_field("never", &self.never())?;
        let alternatives = self.alternatives().map(Seq);
        out.serialize_field("alternatives", &Seq(alternatives))?;
        out.serialize_field("more", &self.more())?;
        out.end()
    }
}

impl Serialize for FactChange<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("FactChange", 2)?;
        out.serialize_field("fact", self.fact())?;
        out.serialize_field("value", self.value())?;
        out.end()
    }
}

/// The JSON of a value, written by serde (which cannot fail for these types).
fn quoted<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The pieces of a guide's core: see [`Fragments`].
pub(crate) fn core_fragments(core: &Core) -> Fragments {
    let metadata = &core.metadata;
    let head = format!(
        "{{\"guide\":{{\"id\":{},\"title\":{},\"version\":{},\"content_hash\":{}}},\"scope\":{{\"status\":",
        quoted(&metadata.id),
        quoted(&metadata.title),
        quoted(&metadata.version),
        quoted(&metadata.content_hash),
    );
    let description = core
        .scope
        .as_ref()
        .map_or("every family", |s| &s.description);
    let levels: Vec<String> = (core.evidence.iter().enumerate())
        .map(|(rank, level)| {
            format!(
                "{{\"id\":{},\"label\":{},\"rank\":{rank},\"unrated\":{}}}",
                quoted(&level.id),
                quoted(&level.label),
                level.unrated
            )
        })
        .collect();
    let rules = (core.recommendations.iter().chain(&core.principles))
        .map(|rule| rule_fragments(rule, &levels))
        .collect();
    Fragments {
        head,
        scope: format!(",\"description\":{},\"reasons\":", quoted(description)),
        rules,
        sites: (core.arena.sites().iter())
            .map(|site| site_fragments(core.vocab(), site))
            .collect(),
        facts: core.vocabulary.own().iter().map(fact_fragments).collect(),
        named: core
            .named
            .iter()
            .map(|n| format!(",\"via\":{}", quoted(&n.id)))
            .collect(),
        levels,
        services: Vec::new(),
    }
}

fn rule_fragments(rule: &Rule, levels: &[String]) -> RuleFragments {
    let evidence = rule.evidence.and_then(|rank| levels.get(rank));
    let actions = rule.actions.iter().map(|action| {
        let audiences: Vec<&str> = action.audiences().collect();
        format!(
            "{{\"id\":{},\"text\":{},\"audiences\":{},\"status\":",
            quoted(&action.id),
            quoted(&action.text),
            quoted(&audiences)
        )
    });
    let names = rule.actions.iter().map(|action| {
        quoted(
            &ActionName {
                rule: &rule.id,
                action: &action.id,
            }
            .to_string(),
        )
    });
    let list = |items: &mut dyn Iterator<Item = &str>| quoted(&items.collect::<Vec<_>>());
    RuleFragments {
        head: format!(
            "{{\"id\":{},\"kind\":{},\"title\":{},\"statement\":{},\"status\":",
            quoted(&rule.id),
            quoted(&rule.kind),
            quoted(&rule.title),
            quoted(&rule.statement)
        ),
        evidence: format!(
            ",\"evidence\":{},\"reasons\":",
            evidence.map_or("null", String::as_str)
        ),
        tail: format!(
            ",\"links\":{},\"outcomes\":{},\"audiences\":{},\"why\":{},\"sources\":{}",
            list(&mut rule.links()),
            list(&mut rule.outcomes()),
            list(&mut rule.audiences()),
            list(&mut rule.why()),
            quoted(&rule.sources)
        ),
        name: quoted(&rule.id),
        actions: actions.collect(),
        action_names: names.collect(),
    }
}

fn site_fragments(vocab: Vocab<'_>, site: &Site) -> SiteFragments {
    let fact = quoted(vocab.fact_name(site.fact));
    let words = [site.words(false), site.words(true)];
    SiteFragments {
        reason: words.map(|w| format!("{{\"fact\":{fact},\"test\":{},\"value\":", quoted(w))),
        residual: words.map(|w| format!("{{\"test\":{{\"fact\":{fact},\"test\":{}}}}}", quoted(w))),
    }
}

fn fact_fragments(fact: &Fact) -> FactFragments {
    let values: Vec<String> = match &fact.fact_type {
        FactType::OneOf(values) | FactType::SetOf(values) => values.names().map(quoted).collect(),
        _ => Vec::new(),
    };
    FactFragments {
        name: quoted(&fact.name),
        question: format!(
            "{{\"fact\":{},\"description\":{},\"type\":{},\"values\":[{}],\"settles\":",
            quoted(&fact.name),
            quoted(&fact.description),
            quoted(fact.fact_type.keyword()),
            values.join(",")
        ),
        values,
    }
}

/// The pieces of an overlay over `core`: see [`Fragments`].
pub(crate) fn overlay_fragments(core: &Core, overlay: &Overlay) -> Fragments {
    let m = &overlay.metadata;
    let disclaimer = m
        .disclaimer
        .as_ref()
        .map_or(String::new(), |d| format!(",\"disclaimer\":{}", quoted(d)));
    let head = format!(
        ",\"overlay\":{{\"id\":{},\"title\":{},\"version\":{},\"fictional\":{}{disclaimer},\"content_hash\":{},\"rules_hash\":{}}}",
        quoted(&m.id),
        quoted(&m.title),
        quoted(&m.version),
        m.fictional,
        quoted(&m.content_hash),
        quoted(&m.rules_hash),
    );
    let services = (overlay.delivering.iter().enumerate())
        .map(|(index, list)| {
            let rule = core.recommendations.get(index);
            list.iter()
                .map(|d| service_fragments(core, overlay, rule, d))
                .collect()
        })
        .collect();
    Fragments {
        head,
        sites: (overlay.arena.sites().iter())
            .map(|site| {
                let vocab = Vocab {
                    core: &core.vocabulary,
                    local: Some(&overlay.vocabulary),
                };
                site_fragments(vocab, site)
            })
            .collect(),
        facts: overlay
            .vocabulary
            .own()
            .iter()
            .map(fact_fragments)
            .collect(),
        named: overlay
            .named
            .iter()
            .map(|n| format!(",\"via\":{}", quoted(&n.id)))
            .collect(),
        services,
        ..Fragments::default()
    }
}

fn service_fragments(
    core: &Core,
    overlay: &Overlay,
    rule: Option<&Rule>,
    delivered: &Delivered,
) -> ServiceFragments {
    let Some(service) = overlay.services.get(delivered.service) else {
        return ServiceFragments::default();
    };
    let action = delivered
        .action
        .and_then(|i| rule.and_then(|r| r.actions.get(i)));
    let action = action.map_or(String::new(), |a| {
        format!(
            ",\"action\":{},\"action_id\":{}",
            quoted(&a.text),
            quoted(&a.id)
        )
    });
    let flags = delivered.flags.iter().map(|flag| {
        let owner = core.rule(flag.owner);
        let says = match flag.action.and_then(|i| owner.actions.get(i)) {
            Some(action) => &action.text,
            None => &owner.statement,
        };
        [
            format!(
                "{{\"aspect\":{},\"offered\":{},\"fits\":{},\"status\":",
                quoted(&flag.aspect),
                quoted(flag.offered),
                quoted(&flag.fits)
            ),
            format!(
                ",\"rule\":{},\"says\":{},\"message\":{},\"sources\":{}}}",
                quoted(&owner.id),
                quoted(says),
                quoted(&flag.message),
                quoted(&owner.sources)
            ),
        ]
    });
    ServiceFragments {
        head: format!(
            "{{\"id\":{},\"name\":{},\"description\":{},\"status\":",
            quoted(&service.id),
            quoted(&service.name),
            quoted(&service.description)
        ),
        middle: format!(
            ",\"delivery\":{},\"format\":{},\"structure\":{},\"ages\":{}{action},\"reasons\":",
            quoted(&service.delivery),
            quoted(&service.format),
            quoted(&service.structure),
            quoted(&service.ages)
        ),
        referral: format!(",\"referral\":{},\"flags\":", quoted(&service.referral)),
        flags: flags.collect(),
    }
}

impl Evaluation {
    /// Appends the evaluation's JSON to `out`: the same bytes as `serde_json::to_writer` writes
    /// (the shape of `schema/evaluation.schema.json`), written mostly by copying the guide's
    /// texts as they were escaped when it loaded, so several times faster. For a service's
    /// response body, or a file of results.
    ///
    /// ```
    /// use practice_guide::FamilyProfile;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let evaluation = guide.evaluate(&FamilyProfile::new().with("children_ages", ["age_3"]))?;
    /// let mut body = Vec::new();
    /// evaluation.write_json(&mut body);
    /// assert_eq!(body, serde_json::to_vec(&evaluation).unwrap());
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let guide = self.guide();
        let writer = Writer {
            e: self,
            core: &guide.core.json,
            local: guide.overlay().map(|o| (&o.json, o)),
            firsts: Firsts::of(guide),
        };
        writer.evaluation(out);
    }
}

/// Where an overlay's ids start.
#[derive(Clone, Copy)]
struct Firsts {
    site: usize,
    fact: usize,
    named: usize,
}

impl Firsts {
    fn of(guide: &Guide) -> Firsts {
        let core = &guide.core;
        Firsts {
            site: core.arena.sites().len(),
            fact: core.vocabulary.own().len(),
            named: core.named.len(),
        }
    }
}

/// Writes one evaluation from the fragments of its guide's layers.
struct Writer<'e> {
    e: &'e Evaluation,
    core: &'e Fragments,
    local: Option<(&'e Fragments, &'e Overlay)>,
    firsts: Firsts,
}

/// A piece of a layer, by a global position: the core's below `first`, the overlay's above.
fn layered<'f, T>(core: &'f [T], local: Option<&'f [T]>, first: usize, at: usize) -> Option<&'f T> {
    match (at.checked_sub(first), local) {
        (Some(local_at), Some(local)) => local.get(local_at),
        _ => core.get(at),
    }
}

impl Writer<'_> {
    fn site(&self, site: SiteId) -> Option<&SiteFragments> {
        let local = self.local.map(|(f, _)| f.sites.as_slice());
        layered(&self.core.sites, local, self.firsts.site, site.index())
    }

    fn fact(&self, fact: FactId) -> Option<&FactFragments> {
        let local = self.local.map(|(f, _)| f.facts.as_slice());
        layered(&self.core.facts, local, self.firsts.fact, fact.index())
    }

    fn evaluation(&self, out: &mut Vec<u8>) {
        let data = &self.e.data;
        out.extend_from_slice(self.core.head.as_bytes());
        status(data.scope.status, out);
        out.extend_from_slice(self.core.scope.as_bytes());
        self.outcome_lists(&data.scope, out);
        out.push(b'}');
        let (recommendations, principles) = data
            .rules
            .split_at(data.recommendations.min(data.rules.len()));
        for (key, rules) in [
            (&b",\"recommendations\":["[..], recommendations),
            (b",\"principles\":[", principles),
        ] {
            out.extend_from_slice(key);
            for (i, rule) in rules.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self.rule(rule, out);
            }
            out.push(b']');
        }
        if let Some((local, _)) = self.local {
            out.extend_from_slice(local.head.as_bytes());
        }
        if !data.questions.is_empty() {
            out.extend_from_slice(b",\"questions\":[");
            for (i, question) in data.questions.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self.question(question, out);
            }
            out.push(b']');
        }
        if !data.changes.is_empty() {
            out.extend_from_slice(b",\"changes\":");
            // Rare, and made by the exact analysis: written by serde.
            let _ = serde_json::to_writer(&mut *out, &Seq(self.e.changes()));
        }
        out.push(b'}');
    }

    /// `[reasons],"missing":[facts]`, then the residual and the deciding values, if any.
    fn outcome_lists(&self, outcome: &Outcome, out: &mut Vec<u8>) {
        self.reasons(outcome.reasons, out);
        out.extend_from_slice(b",\"missing\":");
        self.facts(outcome.missing, out);
        if let Some(root) = outcome.residual {
            out.extend_from_slice(b",\"residual\":");
            self.residual(root, out);
        }
        let deciding = outcome.deciding.of(&self.e.data.deciding);
        if !deciding.is_empty() {
            out.extend_from_slice(b",\"deciding\":[");
            for (i, d) in deciding.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"fact\":");
                self.fact_name(d.fact, out);
                out.extend_from_slice(b",\"applies_if\":");
                self.values(d.fact, d.applies_if, out);
                out.extend_from_slice(b",\"not_if\":");
                self.values(d.fact, d.not_if, out);
                out.push(b'}');
            }
            out.push(b']');
        }
    }

    fn rule(&self, rule: &RuleData, out: &mut Vec<u8>) {
        let Some(fragments) = self.core.rules.get(rule.rule.index()) else {
            return;
        };
        out.extend_from_slice(fragments.head.as_bytes());
        status(rule.outcome.status, out);
        out.extend_from_slice(fragments.evidence.as_bytes());
        self.outcome_lists(&rule.outcome, out);
        out.extend_from_slice(b",\"actions\":[");
        for (i, action) in rule.actions.of(&self.e.data.actions).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if let Some(head) = fragments.actions.get(action.action as usize) {
                out.extend_from_slice(head.as_bytes());
            }
            status(action.outcome.status, out);
            out.extend_from_slice(b",\"reasons\":");
            self.outcome_lists(&action.outcome, out);
            out.push(b'}');
        }
        out.push(b']');
        out.extend_from_slice(fragments.tail.as_bytes());
        let services = rule.services.of(&self.e.data.services);
        if let (false, Some((local, _))) = (services.is_empty(), self.local) {
            out.extend_from_slice(b",\"services\":[");
            for (i, service) in services.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self.service(local, service, out);
            }
            out.push(b']');
        }
        out.push(b'}');
    }

    fn service(&self, local: &Fragments, service: &ServiceData, out: &mut Vec<u8>) {
        let fragments = (local.services.get(service.recommendation as usize))
            .and_then(|list| list.get(service.delivered as usize));
        let Some(fragments) = fragments else {
            return;
        };
        out.extend_from_slice(fragments.head.as_bytes());
        status(service.status, out);
        out.extend_from_slice(fragments.middle.as_bytes());
        self.reasons(service.reasons, out);
        out.extend_from_slice(b",\"missing\":");
        self.facts(service.missing, out);
        out.extend_from_slice(fragments.referral.as_bytes());
        out.push(b'[');
        for (i, flag) in service.flags.of(&self.e.data.flags).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if let Some([head, tail]) = fragments.flags.get(flag.flag as usize) {
                out.extend_from_slice(head.as_bytes());
                status(flag.status, out);
                out.extend_from_slice(tail.as_bytes());
            }
        }
        out.extend_from_slice(b"]}");
    }

    fn reasons(&self, span: Span, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, reason) in span.of(&self.e.data.reasons).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let Some(site) = self.site(reason.site) else {
                continue;
            };
            out.extend_from_slice(either(&site.reason, reason.negated).as_bytes());
            let fact = self.e.guide().layers().site(reason.site).fact;
            self.value(fact, self.e.data.slots.get(fact), out);
            out.extend_from_slice(b",\"result\":\"");
            out.extend_from_slice(reason.result.as_str().as_bytes());
            out.push(b'"');
            if let Some(via) = reason.via {
                let local = self.local.map(|(f, _)| f.named.as_slice());
                let named = layered(&self.core.named, local, self.firsts.named, via.index());
                out.extend_from_slice(named.map_or("", String::as_str).as_bytes());
            }
            out.push(b'}');
        }
        out.push(b']');
    }

    fn facts(&self, span: Span, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, fact) in span.of(&self.e.data.facts).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.fact_name(*fact, out);
        }
        out.push(b']');
    }

    fn fact_name(&self, fact: FactId, out: &mut Vec<u8>) {
        if let Some(fragments) = self.fact(fact) {
            out.extend_from_slice(fragments.name.as_bytes());
        }
    }

    fn values(&self, fact: FactId, span: Span, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, slot) in span.of(&self.e.data.values).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.value(fact, slot, out);
        }
        out.push(b']');
    }

    /// A value as JSON: `null` when unknown.
    fn value(&self, fact: FactId, slot: &Slot, out: &mut Vec<u8>) {
        let names = self.fact(fact).map_or(&[][..], |f| f.values.as_slice());
        match slot {
            Slot::Unknown => out.extend_from_slice(b"null"),
            Slot::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Slot::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Slot::Choice(bit) => match names.get(usize::from(*bit)) {
                Some(name) => out.extend_from_slice(name.as_bytes()),
                None => out.extend_from_slice(b"null"),
            },
            Slot::Set(mask) => {
                out.push(b'[');
                let mut rest = *mask;
                let mut first = true;
                while rest != 0 {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    if let Some(name) = names.get(bit) {
                        if !first {
                            out.push(b',');
                        }
                        first = false;
                        out.extend_from_slice(name.as_bytes());
                    }
                }
                out.push(b']');
            }
            // Text a family gave: escaped as serde_json escapes it (writing to a `Vec` cannot
            // fail).
            Slot::Text(text) => {
                let _ = serde_json::to_writer(&mut *out, &**text);
            }
        }
    }

    fn residual(&self, at: u32, out: &mut Vec<u8>) {
        let nodes = &self.e.data.residuals;
        let Some(node) = nodes.get(at as usize) else {
            return;
        };
        let key: &[u8] = match node.kind {
            ResidualKind::Test { site, negated } => {
                if let Some(site) = self.site(site) {
                    out.extend_from_slice(either(&site.residual, negated).as_bytes());
                }
                return;
            }
            ResidualKind::All => b"{\"all\":[",
            ResidualKind::Any => b"{\"any\":[",
        };
        out.extend_from_slice(key);
        let mut child = at + 1;
        let mut first = true;
        while child < node.end {
            if !first {
                out.push(b',');
            }
            first = false;
            self.residual(child, out);
            child = nodes.get(child as usize).map_or(node.end, |n| n.end);
        }
        out.extend_from_slice(b"]}");
    }

    fn question(&self, question: &QuestionData, out: &mut Vec<u8>) {
        if let Some(fact) = self.fact(question.fact) {
            out.extend_from_slice(fact.question.as_bytes());
        }
        out.push(b'[');
        for (i, item) in question.settles.of(&self.e.data.settles).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let name = match item {
                ResultRef::Rule(rule) => self.core.rules.get(rule.index()).map(|r| &r.name),
                ResultRef::Action(action) => (self.core.rules.get(action.rule.index()))
                    .and_then(|r| r.action_names.get(action.index())),
            };
            out.extend_from_slice(name.map_or("", String::as_str).as_bytes());
        }
        out.extend_from_slice(b"],\"strongest\":");
        let level = question
            .strongest
            .and_then(|rank| self.core.levels.get(rank));
        out.extend_from_slice(level.map_or("null", String::as_str).as_bytes());
        out.push(b'}');
    }
}

/// The piece for a test as written, or negated.
fn either(pair: &[String; 2], negated: bool) -> &str {
    let [written, negation] = pair;
    if negated { negation } else { written }
}

/// A status as JSON.
fn status(status: Status, out: &mut Vec<u8>) {
    out.extend_from_slice(match status {
        Status::Applies => b"\"applies\"",
        Status::Undetermined => b"\"undetermined\"",
        Status::DoesNotApply => b"\"does_not_apply\"",
    });
}
