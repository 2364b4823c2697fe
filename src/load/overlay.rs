//! Loading an overlay folder (a local parenting offer) onto a guide: its metadata, local facts
//! and named conditions, and its services, each checked against the guide as strictly as the
//! guide's own files. The result shares the guide's core and adds a layer of its own, so loading
//! costs what the overlay holds; the fit flags a service can get, and their messages, are
//! computed here once.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::condition::{Compiler, NamedTable, register_named};
use super::facts::{self, check_identifier};
use super::references::keyword;
use super::session::{Folder, Names, Session, content_hash};
use crate::error::{Error, Item, ProblemKind, shorten};
use crate::ids::{ActionName, NodeId};
use crate::language::{Delivery, Format, Structure};
use crate::model::arena::ArenaBuilder;
use crate::model::guide::Guide;
use crate::model::json::Fragments;
use crate::model::overlay::{Delivered, Overlay, OverlayMetadata, PossibleFlag, Referral, Service};
use crate::model::rule::{Rule, RuleKind};
use crate::model::vocabulary::{Vocab, Vocabulary};
use crate::suggest;
use crate::syntax::{
    self, CONDITIONS_FILE, ConditionsFile, FACTS_FILE, FactsFile, OVERLAY_FILE, OVERLAY_FILES,
    OverlayFile, SERVICES_FILE, ServiceFile, Spanned,
};

const OVERLAY_FOLDER: Folder = Folder {
    what: "an overlay",
    files: &OVERLAY_FILES,
};

/// Loads an overlay from `(file name, contents)` pairs onto `guide`.
pub(crate) fn load<N: AsRef<str>, T: AsRef<str>>(
    guide: &Guide,
    files: &[(N, T)],
) -> Result<Guide, Error> {
    let mut session = Session::open(&OVERLAY_FOLDER, files);
    if let Some(existing) = guide.overlay() {
        let overlay = existing.id().to_owned();
        let kind = ProblemKind::OverlayAlreadyLoaded { overlay };
        session.problem(OVERLAY_FILE, None, Some(Item::Overlay), kind);
    }
    let content_hash = session.content_hash();
    let overlay_file: Option<OverlayFile> = session.parse(OVERLAY_FILE);
    let facts_file: Option<FactsFile> = session.parse_items(FACTS_FILE);
    let conditions_file: Option<ConditionsFile> = session.parse_items(CONDITIONS_FILE);
    let services_file: Option<Vec<ServiceFile>> = session.parse_items(SERVICES_FILE);
    let (Some(overlay_file), Some(services_file)) = (overlay_file, services_file) else {
        session.check()?;
        return Err(Error::new(Vec::new()));
    };

    let metadata = metadata(&mut session, guide, &overlay_file, content_hash);
    let core = &guide.core;
    let mut vocabulary = Vocabulary::starting_at(core.vocabulary.end());
    if let Some(file) = &facts_file {
        let existing = Vocab {
            core: &core.vocabulary,
            local: None,
        };
        facts::declare(&mut session, Some(existing), &mut vocabulary, file);
    }
    let vocab = Vocab {
        core: &core.vocabulary,
        local: Some(&vocabulary),
    };

    let conditions_file = conditions_file.unwrap_or_default();
    let first_site = guide.layers().sites().count();
    let mut named = NamedTable::new(session.unreadable(CONDITIONS_FILE), first_site);
    for n in &core.named {
        named.add_compiled(&n.id, &n.condition, n.size);
    }
    let labels = register_named(&mut session, vocab, &mut named, &conditions_file);
    let mut loader = Services {
        session: &mut session,
        guide,
        vocab,
        named: &mut named,
        delivering: vec![Vec::new(); core.recommendations.len()],
    };
    let mut services = loader.all(&services_file);
    let delivering = loader.delivering;
    named.note_unchecked(&mut session);
    session.check()?;

    // The services' conditions laid out over the guide's arena.
    let mut arena = ArenaBuilder::new(Some(&core.arena), named.take_sites());
    for service in &mut services {
        service.ages_root = arena.add(&service.ages_condition);
        service.eligible_root = arena.add_optional(service.condition.as_ref());
    }
    let mut overlay = Overlay {
        json: Fragments::default(),
        arena: arena.finish(),
        metadata,
        named: super::guide::compiled(named, labels, core.named.len()),
        vocabulary,
        services,
        delivering,
    };
    overlay.json = crate::result::overlay_fragments(core, &overlay);
    Ok(Guide::new(Arc::clone(&guide.core), Some(Arc::new(overlay))))
}

fn metadata(
    session: &mut Session<'_>,
    guide: &Guide,
    file: &OverlayFile,
    overlay_hash: String,
) -> OverlayMetadata {
    let item = Some(Item::Overlay);
    if let Err(kind) = check_identifier("the overlay's id", &file.id.value) {
        session.problem(
            OVERLAY_FILE,
            syntax::position_of(&file.id),
            item.clone(),
            kind,
        );
    }
    if file.extends.value != guide.id() {
        let kind = ProblemKind::ExtendsAnotherGuide {
            extends: shorten(&file.extends.value),
            guide: guide.id().to_owned(),
        };
        session.problem(
            OVERLAY_FILE,
            syntax::position_of(&file.extends),
            item.clone(),
            kind,
        );
    }
    let no_disclaimer = file
        .disclaimer
        .as_deref()
        .is_none_or(|d| d.trim().is_empty());
    if file.fictional && no_disclaimer {
        let at = syntax::position_of(&file.id);
        session.problem(OVERLAY_FILE, at, item, ProblemKind::DisclaimerNeeded);
    }
    let hashes = BTreeMap::from([
        ("guide", guide.content_hash()),
        ("overlay", overlay_hash.as_str()),
    ]);
    let rules_hash = content_hash(&hashes);
    OverlayMetadata {
        id: file.id.value.clone(),
        title: file.title.clone(),
        version: file.version.clone(),
        extends: file.extends.value.clone(),
        publisher: file.publisher.clone(),
        fictional: file.fictional,
        disclaimer: file.disclaimer.clone(),
        content_hash: overlay_hash,
        rules_hash,
    }
}

/// What loading the services needs, and what it builds besides them.
struct Services<'s, 'f, 'g, 'n> {
    session: &'s mut Session<'f>,
    guide: &'g Guide,
    vocab: Vocab<'g>,
    named: &'s mut NamedTable<'n>,
    /// By recommendation index: the services delivering it.
    delivering: Vec<Vec<Delivered>>,
}

impl Services<'_, '_, '_, '_> {
    fn all(&mut self, file: &[ServiceFile]) -> Vec<Service> {
        if file.is_empty() {
            self.session
                .problem(SERVICES_FILE, None, None, ProblemKind::NoServices);
        }
        let mut ids = Names::default();
        let mut services = Vec::new();
        for (index, raw) in file.iter().enumerate() {
            if let Err(kind) = check_identifier("a service id", &raw.id.value)
                .and_then(|()| ids.insert("service", &raw.id, index))
            {
                let item = Some(Item::Service(raw.id.value.clone()));
                self.session
                    .problem(SERVICES_FILE, syntax::position_of(&raw.id), item, kind);
            }
            if let Some(service) = self.service(raw, services.len()) {
                services.push(service);
            }
        }
        services
    }

    fn service(&mut self, raw: &ServiceFile, index: usize) -> Option<Service> {
        let id = raw.id.value.as_str();
        let item = Some(Item::Service(id.to_owned()));
        let before = self.session.problem_count();
        let delivery = self.word::<Delivery>(&item, &raw.delivery);
        let format = self.word::<Format>(&item, &raw.format);
        let structure = self.word::<Structure>(&item, &raw.structure);
        let mut compile = |when: &Spanned<syntax::Raw>| {
            let problems = self.session.problems();
            Compiler::new(
                self.vocab,
                self.named,
                SERVICES_FILE,
                item.clone(),
                problems,
            )
            .compile(when)
        };
        let ages_condition = compile(&raw.ages.when);
        let condition = raw.when.as_ref().map(&mut compile);
        let delivered = self.delivers(&item, raw);
        if self.session.problem_count() > before {
            return None;
        }
        let service = Service {
            id: id.to_owned(),
            at: syntax::position_of(&raw.id),
            name: raw.name.clone(),
            description: raw.description.clone(),
            delivery: delivery?,
            format: format?,
            structure: structure?,
            ages: raw.ages.label.clone(),
            ages_condition: ages_condition?,
            condition: condition.flatten(),
            // Laid out once every service is compiled.
            ages_root: NodeId::default(),
            eligible_root: None,
            referral: Referral {
                how: raw.referral.how.clone(),
                contact: raw.referral.contact.clone(),
                url: raw.referral.url.clone(),
            },
            delivers: raw.delivers.value.iter().map(|d| d.value.clone()).collect(),
        };
        for (rule, action) in delivered {
            let flags = self.possible_flags(&service, rule);
            if let Some(list) = self.delivering.get_mut(rule) {
                list.push(Delivered {
                    service: index,
                    action,
                    flags,
                });
            }
        }
        Some(service)
    }

    fn word<K: crate::language::Keyword>(
        &mut self,
        item: &Option<Item>,
        text: &Spanned<String>,
    ) -> Option<K> {
        keyword::<K>(text)
            .map_err(|kind| {
                let at = syntax::position_of(text);
                self.session.problem(SERVICES_FILE, at, item.clone(), kind);
            })
            .ok()
    }

    /// What a service delivers: (recommendation index, "how" point index), each checked.
    fn delivers(&mut self, item: &Option<Item>, raw: &ServiceFile) -> Vec<(usize, Option<usize>)> {
        if raw.delivers.value.is_empty() {
            let at = syntax::position_of(&raw.delivers);
            self.session.problem(
                SERVICES_FILE,
                at,
                item.clone(),
                ProblemKind::DeliversNothing,
            );
        }
        let mut delivered: Vec<(usize, Option<usize>)> = Vec::new();
        for target in &raw.delivers.value {
            let Some(d) = self.target(item, target) else {
                continue;
            };
            if delivered.iter().any(|(r, _)| *r == d.0) {
                let recommendation = ActionName::parse(&target.value)
                    .map_or(target.value.as_str(), |name| name.rule);
                let kind = ProblemKind::DeliversTwice {
                    recommendation: shorten(recommendation),
                };
                let at = syntax::position_of(target);
                self.session.problem(SERVICES_FILE, at, item.clone(), kind);
            }
            delivered.push(d);
        }
        delivered
    }

    /// Resolves `ID` or `ID#ACTION` to (recommendation index, "how" point index).
    fn target(
        &mut self,
        item: &Option<Item>,
        target: &Spanned<String>,
    ) -> Option<(usize, Option<usize>)> {
        let at = syntax::position_of(target);
        let (id, action) = match ActionName::parse(&target.value) {
            Some(name) => (name.rule, Some(name.action)),
            None => (target.value.as_str(), None),
        };
        let recommendations = &self.guide.core.recommendations;
        let Some(index) = recommendations.iter().position(|r| r.id == id) else {
            let kind = if self.guide.principles().any(|p| p.id == id) {
                ProblemKind::DeliversPrinciple {
                    principle: id.to_owned(),
                }
            } else {
                let ids = recommendations.iter().map(|r| r.id.as_str());
                ProblemKind::unknown("recommendation", id, ids)
            };
            self.session.problem(SERVICES_FILE, at, item.clone(), kind);
            return None;
        };
        let Some(action) = action else {
            return Some((index, None));
        };
        let actions = recommendations
            .get(index)
            .map_or(&[][..], |r| &r.actions[..]);
        if let Some(position) = actions.iter().position(|a| a.id == action) {
            return Some((index, Some(position)));
        }
        let kind = if action.parse::<usize>().is_ok() {
            let instead = action
                .parse::<usize>()
                .ok()
                .and_then(|n| actions.get(n.checked_sub(1)?))
                .map(|a| {
                    ActionName {
                        rule: id,
                        action: &a.id,
                    }
                    .to_string()
                });
            ProblemKind::ActionByNumber {
                target: shorten(&target.value),
                instead,
            }
        } else {
            let ids: Vec<String> = actions.iter().map(|a| a.id.clone()).collect();
            ProblemKind::NoSuchAction {
                target: shorten(&target.value),
                recommendation: id.to_owned(),
                action: shorten(action),
                suggestion: suggest::closest(action, ids.iter().map(String::as_str)),
                actions: ids,
            }
        };
        self.session.problem(SERVICES_FILE, at, item.clone(), kind);
        None
    }

    /// Every flag `service` can get under recommendation `rule`: for each `fit:` governing the
    /// recommendation (its own, its "how" points', and those of the principles it links to), each
    /// aspect of the service it does not allow.
    fn possible_flags(&self, service: &Service, rule: usize) -> Vec<PossibleFlag> {
        let core = &self.guide.core;
        let Some(recommendation) = core.recommendations.get(rule) else {
            return Vec::new();
        };
        let mut owners = vec![(core.rule_id(RuleKind::Recommendation, rule), recommendation)];
        for &p in &recommendation.links {
            if let Some(principle) = core.principles.get(p) {
                owners.push((core.rule_id(RuleKind::Principle, p), principle));
            }
        }
        let mut flags = Vec::new();
        for (owner, owner_rule) in owners {
            let own = owner_rule
                .fit
                .as_ref()
                .map(|f| (None, owner_rule.statement.as_str(), f));
            let of_actions = owner_rule
                .actions
                .iter()
                .enumerate()
                .filter_map(|(i, a)| a.fit.as_ref().map(|f| (Some(i), a.text.as_str(), f)));
            for (action, says, fit) in own.into_iter().chain(of_actions) {
                for (aspect, offered, fits) in service.misfits(fit) {
                    flags.push(PossibleFlag {
                        aspect,
                        offered,
                        message: message(aspect.as_str(), offered, &fits, owner_rule, says),
                        fits: fits.into_iter().map(Cow::Borrowed).collect(),
                        owner,
                        action,
                    });
                }
            }
        }
        flags
    }
}

/// A flag in one sentence: "online delivery, where the guide's words fit face-to-face:
/// principle `programme-design` says "Prioritise face-to-face support."".
fn message(aspect: &str, offered: &str, fits: &[&str], owner: &Rule, says: &str) -> String {
    format!(
        "{} {aspect}, where the guide's words fit {}: {} `{}` says \"{says}\"",
        offered.replace('_', "-"),
        fits.join(" or ").replace('_', "-"),
        owner.kind.as_str(),
        owner.id,
    )
}
