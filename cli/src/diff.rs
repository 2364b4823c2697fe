//! `diff`: what changed between two versions of a rule folder, in the rules and for families: the
//! change record a local authority files when the guide or its overlay is updated.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use practice_guide::cases::Case;
use practice_guide::guide::{Action, Rule};
use practice_guide::result::RuleResult;
use practice_guide::{Evaluation, FamilyProfile, Guide};
use serde::Serialize;

use crate::diagnostics;
use crate::output::{self, Outcome, failed};
use crate::sources::{self, GuideArgs, OverlayArg};

/// Show what changed between two versions of a guide: in its rules, and for families
///
/// Lists rules and actions added, removed or changed (title, statement, evidence, condition,
/// audiences, sources), and, over every profile given, each family whose results change and how
/// (status, evidence, actions). Exits with 1 when anything changed, 0 when nothing did.
///
/// Examples:
///
///   practice-guide diff rules/old-guide rules/parenting-through-adversity-0-10 --cases tests/cases
///
///   practice-guide diff old new --profiles examples/profiles --format markdown > CHANGES.md
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    /// The guide folder as it was.
    old: PathBuf,
    /// The guide folder as it is now.
    new: PathBuf,
    /// Folders of case files whose profiles to evaluate with both versions.
    #[arg(long, value_name = "DIR")]
    cases: Vec<PathBuf>,
    /// Folders of profile files (YAML or JSON) to evaluate with both versions.
    #[arg(long, value_name = "DIR")]
    profiles: Vec<PathBuf>,
    #[command(flatten)]
    overlay: OverlayArg,
    /// How the changes are written.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

/// How the changes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Text,
    Markdown,
    Json,
}

/// Every change found.
#[derive(Serialize)]
struct Changes {
    old: Version,
    new: Version,
    rules: Vec<RuleChange>,
    /// How many families were compared.
    compared: usize,
    families: Vec<FamilyChange>,
}

/// One version of the guide: its folder and the hash of its content.
#[derive(Serialize)]
struct Version {
    folder: String,
    content_hash: String,
}

impl Version {
    fn of(folder: &Path, guide: &Guide) -> Version {
        Version {
            folder: folder.display().to_string(),
            content_hash: guide.content_hash().to_string(),
        }
    }
}

/// A rule or action, as a change names it.
#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Named {
    /// `recommendation`, `principle` or `action`.
    kind: &'static str,
    /// The rule's id, or for an action `rule#action`.
    id: String,
}

impl Named {
    fn rule(rule: &Rule) -> Named {
        Named {
            kind: rule.kind().as_str(),
            id: rule.id().to_owned(),
        }
    }
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind, self.id)
    }
}

/// A rule or action added, removed or changed.
#[derive(Serialize)]
struct RuleChange {
    #[serde(flatten)]
    item: Named,
    /// `added`, `removed` or `changed`.
    change: &'static str,
    /// For a change: each field, before and after.
    fields: Vec<FieldChange>,
}

/// One field of a rule, an action or a result, before and after.
#[derive(Serialize)]
struct FieldChange {
    field: &'static str,
    old: String,
    new: String,
}

/// A family whose results change.
#[derive(Serialize)]
struct FamilyChange {
    /// The file the profile came from.
    family: String,
    changes: Vec<ResultChange>,
}

/// One thing that changes in a family's results.
#[derive(Serialize)]
struct ResultChange {
    /// The rule whose result changes; none for the scope, or for a profile the new guide refuses.
    #[serde(flatten)]
    item: Option<Named>,
    #[serde(flatten)]
    field: FieldChange,
}

pub(crate) fn run(args: &Args) -> Outcome {
    // Both versions, each with the overlay.
    let load = |rules: &Path| {
        let guide = GuideArgs {
            rules: Some(rules.to_owned()),
            overlay: args.overlay.clone(),
        };
        guide
            .load()
            .map_err(|refusal| diagnostics::refuse(&refusal))
    };
    let old = match load(&args.old) {
        Ok(guide) => guide,
        Err(outcome) => return outcome,
    };
    let new = match load(&args.new) {
        Ok(guide) => guide,
        Err(outcome) => return outcome,
    };
    let families = match families(&old, &args.cases, &args.profiles) {
        Ok(families) => families,
        Err(message) => return failed(&message),
    };
    let changes = Changes {
        old: Version::of(&args.old, &old),
        new: Version::of(&args.new, &new),
        rules: rule_changes(&old, &new),
        compared: families.len(),
        families: families
            .iter()
            .filter_map(|(name, profile)| family_change(&old, &new, name, profile))
            .collect(),
    };
    let text = match args.format {
        Output::Json => serde_json::to_string_pretty(&changes).unwrap_or_default() + "\n",
        Output::Text => render(&changes, false),
        Output::Markdown => render(&changes, true),
    };
    output::write_out(&text);
    if changes.rules.is_empty() && changes.families.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    }
}

/// The families to compare: the profiles of the case files, then the profile files, by name.
fn families(
    guide: &Guide,
    cases: &[PathBuf],
    profiles: &[PathBuf],
) -> Result<Vec<(String, FamilyProfile)>, String> {
    let mut out = Vec::new();
    for dir in cases {
        for path in sources::yaml_files(dir)? {
            let text = read(&path)?;
            let name = path.display().to_string();
            let case = Case::read(guide, &name, &text).map_err(|e| e.to_string())?;
            out.push((name, case.profile().clone()));
        }
    }
    for dir in profiles {
        for path in sources::yaml_files(dir)? {
            let text = read(&path)?;
            let name = path.display().to_string();
            let profile = guide
                .read_profile(&name, &text)
                .map_err(|e| e.to_string())?;
            out.push((name, profile.to_profile()));
        }
    }
    Ok(out)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Rules and actions added, removed or changed, in the new guide's order (removed ones last).
fn rule_changes(old: &Guide, new: &Guide) -> Vec<RuleChange> {
    let rules = |g: &Guide| -> BTreeMap<Named, Rule> {
        g.recommendations()
            .chain(g.principles())
            .map(|r| (Named::rule(r), r.clone()))
            .collect()
    };
    let (before, after) = (rules(old), rules(new));
    let mut changes = Vec::new();
    for rule in new.recommendations().chain(new.principles()) {
        let item = Named::rule(rule);
        match before.get(&item) {
            None => changes.push(RuleChange {
                item,
                change: "added",
                fields: Vec::new(),
            }),
            Some(was) => {
                let fields = rule_fields(was, rule);
                if !fields.is_empty() {
                    changes.push(RuleChange {
                        item,
                        change: "changed",
                        fields,
                    });
                }
                changes.extend(action_changes(was, rule));
            }
        }
    }
    for item in before.into_keys().filter(|k| !after.contains_key(k)) {
        changes.push(RuleChange {
            item,
            change: "removed",
            fields: Vec::new(),
        });
    }
    changes
}

/// The fields that differ, of those given as (field, old, new).
fn differing<const N: usize>(fields: [(&'static str, String, String); N]) -> Vec<FieldChange> {
    fields
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| FieldChange { field, old, new })
        .collect()
}

fn rule_fields(was: &Rule, is: &Rule) -> Vec<FieldChange> {
    let sources = |r: &Rule| serde_json::to_string(r.sources()).unwrap_or_default();
    let audiences = |r: &Rule| r.audiences().collect::<Vec<_>>().join(", ");
    differing([
        ("title", was.title().to_owned(), is.title().to_owned()),
        (
            "statement",
            was.statement().to_owned(),
            is.statement().to_owned(),
        ),
        ("evidence", opt(was.evidence()), opt(is.evidence())),
        (
            "condition",
            opt(was.when().as_deref()),
            opt(is.when().as_deref()),
        ),
        ("audiences", audiences(was), audiences(is)),
        ("sources", sources(was), sources(is)),
    ])
}

fn action_changes(was: &Rule, is: &Rule) -> Vec<RuleChange> {
    let item = |id: &str| Named {
        kind: "action",
        id: format!("{}#{id}", is.id()),
    };
    let mut changes = Vec::new();
    for action in is.actions() {
        let (item, change, fields) = match was.actions().iter().find(|a| a.id() == action.id()) {
            None => (item(action.id()), "added", Vec::new()),
            Some(before) => {
                let audiences = |a: &Action| a.audiences().collect::<Vec<_>>().join(", ");
                let fields = differing([
                    ("text", before.text().to_owned(), action.text().to_owned()),
                    (
                        "condition",
                        opt(before.when().as_deref()),
                        opt(action.when().as_deref()),
                    ),
                    ("audiences", audiences(before), audiences(action)),
                ]);
                if fields.is_empty() {
                    continue;
                }
                (item(action.id()), "changed", fields)
            }
        };
        changes.push(RuleChange {
            item,
            change,
            fields,
        });
    }
    for action in was
        .actions()
        .iter()
        .filter(|a| !is.actions().iter().any(|b| b.id() == a.id()))
    {
        changes.push(RuleChange {
            item: item(action.id()),
            change: "removed",
            fields: Vec::new(),
        });
    }
    changes
}

fn opt(text: Option<&str>) -> String {
    text.unwrap_or("(none)").to_owned()
}

/// How one family's results change from the old guide to the new, if they do.
fn family_change(
    old: &Guide,
    new: &Guide,
    name: &str,
    profile: &FamilyProfile,
) -> Option<FamilyChange> {
    let change = |item: Option<Named>, field, old: String, new: String| ResultChange {
        item,
        field: FieldChange { field, old, new },
    };
    let (before, after) = match (old.evaluate(profile), new.evaluate(profile)) {
        (Ok(before), Ok(after)) => (before, after),
        (Ok(_), Err(err)) => {
            let refused = change(
                None,
                "profile",
                "read".to_owned(),
                format!("refused: {err}"),
            );
            return Some(FamilyChange {
                family: name.to_owned(),
                changes: vec![refused],
            });
        }
        (Err(_), _) => return None,
    };
    let mut changes = Vec::new();
    let (then, now) = (before.scope().status(), after.scope().status());
    if then != now {
        let (then, now) = (then.as_str(), now.as_str());
        changes.push(change(None, "scope", then.to_owned(), now.to_owned()));
    }
    fn index(e: &Evaluation) -> BTreeMap<Named, RuleResult<'_>> {
        let named = |r: &RuleResult<'_>| Named {
            kind: r.kind().as_str(),
            id: r.id().to_owned(),
        };
        e.rules().map(|r| (named(&r), r)).collect()
    }
    let (was, is) = (index(&before), index(&after));
    let absent = || "(absent)".to_owned();
    for (item, now) in &is {
        let fields = match was.get(item) {
            None => vec![FieldChange {
                field: "status",
                old: absent(),
                new: now.status().as_str().to_owned(),
            }],
            Some(then) => result_changes(then, now),
        };
        changes.extend(fields.into_iter().map(|field| ResultChange {
            item: Some(item.clone()),
            field,
        }));
    }
    for (item, then) in was.iter().filter(|(k, _)| !is.contains_key(*k)) {
        changes.push(change(
            Some(item.clone()),
            "status",
            then.status().as_str().to_owned(),
            absent(),
        ));
    }
    (!changes.is_empty()).then(|| FamilyChange {
        family: name.to_owned(),
        changes,
    })
}

fn result_changes(then: &RuleResult<'_>, now: &RuleResult<'_>) -> Vec<FieldChange> {
    let evidence = |r: &RuleResult<'_>| r.evidence().map_or("none".to_owned(), |e| e.id.clone());
    let actions = |r: &RuleResult<'_>| -> String {
        let each: Vec<String> = r
            .actions()
            .map(|a| format!("{} ({})", a.id(), a.status().as_str()))
            .collect();
        format!("[{}]", each.join(", "))
    };
    let mut fields = differing([
        (
            "status",
            then.status().as_str().to_owned(),
            now.status().as_str().to_owned(),
        ),
        ("evidence", evidence(then), evidence(now)),
    ]);
    // When the rule's status changes its actions' do too; say only what the status does not.
    if then.status() == now.status() && actions(then) != actions(now) {
        fields.push(FieldChange {
            field: "actions",
            old: actions(then),
            new: actions(now),
        });
    }
    fields
}

/// The changes as text or Markdown.
fn render(changes: &Changes, markdown: bool) -> String {
    let (h1, h2, bullet, sub) = if markdown {
        ("# ", "\n## ", "- ", "  - ")
    } else {
        ("", "\n", "  ", "      ")
    };
    let (old, new) = (&changes.old, &changes.new);
    let mut out = format!(
        "{h1}Changes from {} to {}\n\n{bullet}was: {}\n{bullet}now: {}\n",
        old.folder, new.folder, old.content_hash, new.content_hash
    );
    let heading = |title: &str| {
        if markdown {
            format!("{h2}{title}\n\n")
        } else {
            format!("{h2}{}\n", title.to_uppercase())
        }
    };
    out.push_str(&heading("Rules"));
    if changes.rules.is_empty() {
        out.push_str(&format!("{bullet}No rule or action changed.\n"));
    }
    for change in &changes.rules {
        out.push_str(&format!("{bullet}{}: {}\n", change.item, change.change));
        for field in &change.fields {
            out.push_str(&format!(
                "{sub}{}: {} → {}\n",
                field.field, field.old, field.new
            ));
        }
    }
    out.push_str(&heading("Families whose results change"));
    match (changes.compared, changes.families.len()) {
        (0, _) => out.push_str(&format!(
            "{bullet}No families given (name folders of them with --cases or --profiles).\n"
        )),
        (compared, 0) => {
            out.push_str(&format!("{bullet}None of the {compared} families given.\n"));
        }
        (compared, changed) => {
            let (lead, gap) = if markdown { ("", "\n") } else { (bullet, "") };
            out.push_str(&format!(
                "{lead}{changed} of the {compared} families given:\n{gap}"
            ));
        }
    }
    for family in &changes.families {
        out.push_str(&format!("{bullet}{}\n", family.family));
        for change in &family.changes {
            let FieldChange { field, old, new } = &change.field;
            match &change.item {
                Some(item) => out.push_str(&format!("{sub}{item}: {field} {old} → {new}\n")),
                None => out.push_str(&format!("{sub}{field}: {old} → {new}\n")),
            }
        }
    }
    out
}
