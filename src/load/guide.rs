//! Loading a guide folder: each phase reads one part of the files, checks it, and compiles it;
//! every problem of every phase is collected before the load fails.

use std::sync::Arc;

use super::condition::{Compiler, NamedTable, register_named};
use super::facts::{self, check_identifier};
use super::references;
use super::references::References;
use super::rules;
use super::session::{Folder, Names, Session};
use crate::error::{Error, Item, Position, ProblemKind, shorten};
use crate::ids::{FactId, NodeId};
use crate::model::arena::ArenaBuilder;
use crate::model::condition::NamedCondition;
use crate::model::guide::{Core, EvidenceLevel, Guide, Label, Metadata, Scope};
use crate::model::json::Fragments;
use crate::model::program::Program;
use crate::model::rule::Rule;
use crate::model::vocabulary::{Vocab, Vocabulary};
use crate::syntax::{
    self, ALL_FILES, CONDITIONS_FILE, ConditionsFile, FACTS_FILE, GUIDE_FILE, GuideFile, Ordered,
    PRINCIPLES_FILE, RECOMMENDATIONS_FILE, RuleFile, Spanned,
};

const GUIDE_FOLDER: Folder = Folder {
    what: "a guide",
    files: &ALL_FILES,
};

/// Loads a guide from `(file name, contents)` pairs.
pub(crate) fn load<N: AsRef<str>, T: AsRef<str>>(files: &[(N, T)]) -> Result<Guide, Error> {
    let mut session = Session::open(&GUIDE_FOLDER, files);
    let content_hash = session.content_hash();
    let guide_file: Option<GuideFile> = session.parse(GUIDE_FILE);
    let facts_file: Option<syntax::FactsFile> = session.parse_items(FACTS_FILE);
    let conditions_file: Option<ConditionsFile> = session.parse_items(CONDITIONS_FILE);
    let principles_file: Option<Vec<RuleFile>> = session.parse_items(PRINCIPLES_FILE);
    let recommendations_file: Option<Vec<RuleFile>> = session.parse_items(RECOMMENDATIONS_FILE);
    // Rules tested against facts.yaml with facts left out would call their tests unknown.
    let facts_file = facts_file.filter(|_| !session.unreadable(FACTS_FILE));
    let (Some(guide_file), Some(facts_file)) = (guide_file, facts_file) else {
        return Err(without_basics(session));
    };

    let metadata = metadata(&mut session, &guide_file, content_hash);
    let evidence = evidence(&mut session, &guide_file);
    let (audiences, audience_names) = labels(&mut session, "audience", &guide_file.audiences);
    let (outcomes, outcome_names) = labels(&mut session, "outcome", &guide_file.outcomes);
    let mut vocabulary = Vocabulary::starting_at(FactId::default());
    facts::declare(&mut session, None, &mut vocabulary, &facts_file);
    let vocab = Vocab {
        core: &vocabulary,
        local: None,
    };

    let conditions_file = conditions_file.unwrap_or_default();
    let mut named = NamedTable::new(session.unreadable(CONDITIONS_FILE), 0);
    let named_labels = register_named(&mut session, vocab, &mut named, &conditions_file);
    let mut scope = scope(&mut session, vocab, &mut named, &guide_file);

    let refs = References {
        evidence: &evidence,
        audiences: &audiences,
        audience_names: &audience_names,
        outcomes: &outcomes,
        outcome_names: &outcome_names,
    };
    let (mut recommendations, mut principles) = rules::compile(
        &mut session,
        vocab,
        &mut named,
        &refs,
        recommendations_file,
        principles_file,
    );
    named.note_unchecked(&mut session);
    session.check()?;

    // Every condition laid out in the arena, its written tests first.
    let mut arena = ArenaBuilder::new(None, named.take_sites());
    if let Some(scope) = &mut scope {
        scope.root = arena.add(&scope.condition);
    }
    for rule in recommendations.iter_mut().chain(&mut principles) {
        lay_out(&mut arena, rule);
    }
    let arena = arena.finish();
    let program = Program::compile(
        vocab,
        &arena,
        scope.as_ref().map(|s| s.root),
        recommendations.iter().chain(&principles).map(|r| r.root),
    );
    let mut core = Core {
        json: Fragments::default(),
        arena,
        metadata,
        evidence,
        audiences,
        outcomes,
        named: compiled(named, named_labels, 0),
        vocabulary,
        scope,
        recommendations,
        principles,
        program,
    };
    core.json = crate::result::core_fragments(&core);
    Ok(Guide::new(Arc::new(core), None))
}

/// Lays out a rule's condition and its actions' in the arena.
fn lay_out(arena: &mut ArenaBuilder<'_>, rule: &mut Rule) {
    rule.root = arena.add_optional(rule.condition.as_ref());
    for action in &mut rule.actions {
        action.root = arena.add_optional(action.condition.as_ref());
    }
}

/// The load's problems when the guide's metadata or its vocabulary does not read: nothing else
/// can be checked, and the problems say so.
fn without_basics(mut session: Session<'_>) -> Error {
    session.note_unchecked(FACTS_FILE, "the rules, which test facts,");
    session.note_unchecked(
        GUIDE_FILE,
        "the rules, which name its levels and audiences,",
    );
    session
        .check()
        .err()
        .unwrap_or_else(|| Error::new(Vec::new()))
}

/// The named conditions numbered from `first`, compiled, with their labels.
pub(super) fn compiled(
    mut table: NamedTable<'_>,
    labels: Vec<(Label, Option<Position>)>,
    first: usize,
) -> Vec<NamedCondition> {
    (first..)
        .zip(labels)
        .filter_map(|(index, (label, at))| {
            let (condition, size) = table.take(index)?;
            Some(NamedCondition {
                id: label.id,
                description: label.label,
                at,
                condition,
                size,
            })
        })
        .collect()
}

fn metadata(session: &mut Session<'_>, file: &GuideFile, content_hash: String) -> Metadata {
    if let Err(kind) = check_identifier("the guide's id", &file.id.value) {
        session.problem(
            GUIDE_FILE,
            syntax::position_of(&file.id),
            Some(Item::Guide),
            kind,
        );
    }
    if !is_publication_date(&file.published.value) {
        let found = shorten(&file.published.value);
        let at = syntax::position_of(&file.published);
        session.problem(
            GUIDE_FILE,
            at,
            Some(Item::Guide),
            ProblemKind::BadDate { found },
        );
    }
    Metadata {
        id: file.id.value.clone(),
        title: file.title.clone(),
        publisher: file.publisher.clone(),
        published: file.published.value.clone(),
        source: file.source.clone(),
        version: file.version.clone(),
        summary: file.summary.clone(),
        content_hash,
    }
}

fn evidence(session: &mut Session<'_>, file: &GuideFile) -> Vec<EvidenceLevel> {
    let mut names = Names::default();
    let mut levels = Vec::new();
    if file.evidence.value.is_empty() {
        let at = syntax::position_of(&file.evidence);
        session.problem(GUIDE_FILE, at, None, ProblemKind::EmptyEvidenceScale);
    }
    let mut seen_unrated = false;
    for (index, level) in file.evidence.value.iter().enumerate() {
        let at = syntax::position_of(&level.id);
        let item = Some(Item::EvidenceLevel(level.id.value.clone()));
        if let Err(kind) = check_identifier("an evidence level id", &level.id.value)
            .and_then(|()| names.insert("evidence level", &level.id, index))
        {
            session.problem(GUIDE_FILE, at, item.clone(), kind);
        }
        if seen_unrated {
            session.problem(GUIDE_FILE, at, item.clone(), ProblemKind::UnratedNotLast);
        }
        seen_unrated |= level.unrated;
        levels.push(EvidenceLevel {
            id: level.id.value.clone(),
            label: level.label.clone(),
            definition: level.definition.clone(),
            unrated: level.unrated,
            sources: references::sources(session, GUIDE_FILE, item, &level.sources, false),
        });
    }
    levels
}

fn labels(
    session: &mut Session<'_>,
    what: &'static str,
    entries: &Ordered<Spanned<String>, String>,
) -> (Vec<Label>, Names) {
    let mut names = Names::default();
    let mut labels = Vec::new();
    for (index, (id, label)) in entries.0.iter().enumerate() {
        if let Err(kind) =
            check_identifier(what, &id.value).and_then(|()| names.insert(what, id, index))
        {
            let item = match what {
                "audience" => Item::Audience(id.value.clone()),
                _ => Item::Outcome(id.value.clone()),
            };
            session.problem(GUIDE_FILE, syntax::position_of(id), Some(item), kind);
        }
        labels.push(Label {
            id: id.value.clone(),
            label: label.clone(),
        });
    }
    (labels, names)
}

fn scope(
    session: &mut Session<'_>,
    vocab: Vocab<'_>,
    named: &mut NamedTable<'_>,
    file: &GuideFile,
) -> Option<Scope> {
    let scope = file.scope.as_ref()?;
    let item = Some(Item::Scope);
    let condition =
        Compiler::new(vocab, named, GUIDE_FILE, item, session.problems()).compile(&scope.when)?;
    Some(Scope {
        description: scope.description.clone(),
        condition,
        // Laid out once every condition is compiled.
        root: NodeId::default(),
    })
}

/// Whether `s` is a publication date as sources give one: a year (`2022`), a year and month
/// (`2022-06`) or a day (`2022-06-15`), written as ISO 8601 writes them.
fn is_publication_date(s: &str) -> bool {
    let number = |t: &str, range: std::ops::RangeInclusive<u32>| {
        t.bytes().all(|b| b.is_ascii_digit()) && t.parse::<u32>().is_ok_and(|n| range.contains(&n))
    };
    let mut parts = s.split('-');
    let year = parts
        .next()
        .is_some_and(|y| y.len() == 4 && number(y, 0..=9999));
    let month = parts
        .next()
        .is_none_or(|m| m.len() == 2 && number(m, 1..=12));
    let day = parts
        .next()
        .is_none_or(|d| d.len() == 2 && number(d, 1..=31));
    year && month && day && parts.next().is_none() && !s.ends_with('-')
}
