//! Loading a guide in which one file is replaced: mostly by a rule file built from structure
//! (`rule_files`: facts, named conditions, recommendations or principles over the base guide's
//! vocabulary, written as YAML, so that the loader's checks are reached rather than the YAML
//! parser's first error), and one input in four by arbitrary text (any of the five files, for
//! the parser). Loading must return a guide or an error, never panic or hang; a guide that loads
//! evaluates an empty profile and writes its report; an error has problems, each in a file of
//! the guide, at a line the file has. The base guide is tiny, so that a run spends its time on
//! the file that changes, not on parsing the others again.
#![no_main]

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use practice_guide::{FamilyProfile, Guide};

#[path = "rule_files.rs"]
mod rule_files;

const BASE: [(&str, &str); 5] = [
    (
        "guide.yaml",
        "id: base\ntitle: Base\npublisher: Fuzz\npublished: 2025-01-01\nsource: https://example.org\n\
         version: 1.0.0\nevidence:\n  - id: strong\n    label: Strong\n  - id: not_known\n    label: Not known\n    unrated: true\n",
    ),
    (
        "facts.yaml",
        "flag: { type: boolean, description: A flag. }\n\
         age: { type: integer, range: [0, 17], description: An age. }\n\
         level: { type: one_of, values: [low, high], description: A level. }\n\
         issues: { type: set_of, values: [money, housing, health], description: Issues. }\n\
         note: { type: text, description: A note. }\n",
    ),
    (
        "conditions.yaml",
        "has_issues: { description: Any issue., when: { issues: { is_empty: false } } }\n\
         young: { when: { age: { at_most: 4 } } }\n",
    ),
    (
        "principles.yaml",
        "- { id: p-base, title: P, statement: Do., sources: [{ url: https://example.org/p, wording: summary }] }\n",
    ),
    (
        "recommendations.yaml",
        "- id: r-base\n  title: R\n  statement: Do.\n  evidence: strong\n  principles: [p-base]\n  \
         when: { all: [{ condition: has_issues }, { level: high }] }\n  \
         sources: [{ url: https://example.org/r, wording: verbatim, rating: strong }]\n",
    ),
];

/// The base guide loads: checked once, so that every run changes a guide that was valid.
static BASE_LOADS: LazyLock<()> = LazyLock::new(|| {
    if let Err(err) = Guide::from_files(BASE) {
        panic!("the base guide does not load: {err}");
    }
});

fuzz_target!(|data: &[u8]| {
    LazyLock::force(&BASE_LOADS);
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (name, text) = if selector % 4 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        (
            BASE[usize::from(selector / 4) % BASE.len()].0,
            text.to_owned(),
        )
    } else {
        let Ok(file) = rule_files::File::arbitrary_take_rest(Unstructured::new(rest)) else {
            return;
        };
        (file.name(), file.text())
    };
    let files: Vec<(&str, &str)> = BASE
        .iter()
        .map(|&(base, original)| {
            (
                base,
                if base == name {
                    text.as_str()
                } else {
                    original
                },
            )
        })
        .collect();
    match Guide::from_files(files.iter().copied()) {
        Ok(guide) => {
            let evaluation = guide
                .evaluate(&FamilyProfile::new())
                .expect("an empty profile is valid");
            let _ = evaluation.report();
        }
        Err(err) => {
            assert!(!err.problems().is_empty());
            for problem in err.problems() {
                let _ = (problem.message(), problem.help(), problem.title());
                let Some(file) = problem.file() else { continue };
                let (_, text) = files
                    .iter()
                    .find(|(name, _)| *name == file)
                    .unwrap_or_else(|| panic!("a problem in {file}, not a file of the guide"));
                if let Some(at) = problem.position() {
                    // YAML's line breaks: CR LF, LF, and a CR alone.
                    let breaks = text.replace("\r\n", "\n").matches(['\n', '\r']).count();
                    let lines = breaks as u64 + 1;
                    assert!(
                        at.line >= 1 && at.line <= lines,
                        "{file}: line {} of {lines}",
                        at.line
                    );
                    assert!(at.column >= 1, "{file}: column {}", at.column);
                }
            }
            let _ = err.to_string();
        }
    }
});
