//! The kinds of problem, one variant each, with their fields, message, code and help: the table
//! of everything the crate can say is wrong with its input.

use serde::Serialize;

/// What is wrong, one variant per class of problem, each with the fields that describe it.
///
/// `Display` gives the message; [`ProblemKind::help`] the help. Serialized with a `code` (the
/// variant's name in snake case) and the fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    // --- Files and syntax ---------------------------------------------------------------
    /// A file or folder could not be read.
    #[error("cannot be read: {reason}")]
    #[non_exhaustive]
    Io {
        /// The operating system's reason.
        reason: String,
    },
    /// A file is not UTF-8 text.
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    /// Two files given to a loader have the same name.
    #[error("two files are named `{name}`")]
    #[non_exhaustive]
    DuplicateFile {
        /// The name.
        name: String,
    },
    /// A folder holds none of the files of a guide (or an overlay) folder: the wrong folder.
    #[error("this is not {folder} folder: it holds none of its files ({})", expected.join(", "))]
    #[non_exhaustive]
    NotAFolderOf {
        /// `a guide` or `an overlay`.
        folder: String,
        /// The files such a folder holds.
        expected: Vec<String>,
    },
    /// A required file of a folder is missing.
    #[error("missing file `{name}`")]
    #[non_exhaustive]
    MissingFile {
        /// The file's name.
        name: String,
    },
    /// A folder holds a YAML file the loader does not know; it would otherwise be ignored.
    #[error("unexpected file `{name}`: {folder} folder holds only {}", expected.join(", "))]
    #[non_exhaustive]
    UnexpectedFile {
        /// The file's name.
        name: String,
        /// `a guide` or `an overlay`.
        folder: String,
        /// The file names such a folder may hold.
        expected: Vec<String>,
    },
    /// A file with nothing in it (or only comments) where content is needed.
    #[error("the file is empty")]
    EmptyFile,
    /// The text is not valid YAML (or JSON).
    #[error("{detail}")]
    #[non_exhaustive]
    Syntax {
        /// What the parser found wrong.
        detail: String,
        /// How to fix it, where known.
        hint: Option<String>,
    },
    /// A key that this part of the file does not have.
    #[error("unknown key `{key}`")]
    #[non_exhaustive]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The closest allowed key, if one is close.
        suggestion: Option<String>,
        /// The part of the file the key belongs to, when it is a key of another part (it may be
        /// indented under the wrong parent).
        belongs_to: Option<String>,
        /// The keys allowed here.
        allowed: Vec<String>,
    },
    /// A required key is missing.
    #[error("missing key `{key}`")]
    #[non_exhaustive]
    MissingKey {
        /// The key.
        key: String,
    },
    /// A key given twice in one mapping.
    #[error("`{key}` is given twice")]
    #[non_exhaustive]
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A part of a file of the wrong shape (a list where text was expected, say).
    #[error("expected {expected}, found {found}")]
    #[non_exhaustive]
    WrongShape {
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A limit set to protect the process was exceeded.
    #[error("{what} exceeds the limit of {limit}")]
    #[non_exhaustive]
    LimitExceeded {
        /// What was too big.
        what: String,
        /// The limit.
        limit: usize,
    },
    /// A file nested deeper than the parser allows.
    #[error("the file nests deeper than the limit of {limit} levels")]
    #[non_exhaustive]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A file with more YAML nodes than the parser allows.
    #[error("the file has more YAML nodes than the limit of {limit} allows")]
    #[non_exhaustive]
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
    /// A file using YAML aliases, anchors or merge keys beyond the parser's budget.
    #[error(
        "the file uses more YAML aliases, anchors or merge keys (or expands them more) than the limit of {limit} allows"
    )]
    #[non_exhaustive]
    TooManyAliases {
        /// The limit.
        limit: usize,
    },
    /// Too many problems to report them all.
    #[error("stopped after {limit} problems")]
    #[non_exhaustive]
    TooManyProblems {
        /// How many were reported.
        limit: usize,
    },

    // --- Facts and values ---------------------------------------------------------------
    /// A condition or profile names a fact the vocabulary does not declare.
    #[error("unknown fact `{name}`")]
    #[non_exhaustive]
    UnknownFact {
        /// The name as written.
        name: String,
        /// The closest declared fact, if one is close.
        suggestion: Option<String>,
    },
    /// An operator that does not exist.
    #[error("unknown operator `{operator}` for fact `{fact}`")]
    #[non_exhaustive]
    UnknownOperator {
        /// The operator as written.
        operator: String,
        /// The fact it was applied to.
        fact: String,
        /// The closest valid operator, if one is close.
        suggestion: Option<String>,
        /// The operators valid for this fact's type.
        valid: Vec<String>,
    },
    /// An operator that exists, used on a fact of a type it does not apply to.
    #[error(
        "operator `{operator}` cannot be used on `{fact}`, {} fact",
        with_article(fact_type)
    )]
    #[non_exhaustive]
    OperatorNotForType {
        /// The operator.
        operator: String,
        /// The fact.
        fact: String,
        /// The fact's declared type.
        fact_type: String,
        /// The operators valid for this fact's type.
        valid: Vec<String>,
    },
    /// A value not among a fact's declared values.
    #[error("`{value}` is not a declared value of `{fact}`")]
    #[non_exhaustive]
    UnknownValue {
        /// The value as written.
        value: String,
        /// The fact.
        fact: String,
        /// The closest declared value, if one is close.
        suggestion: Option<String>,
        /// The declared values.
        declared: Vec<String>,
    },
    /// A number outside a fact's declared range.
    #[error("`{fact}` is {value}, outside its range {min} to {max}")]
    #[non_exhaustive]
    OutOfRange {
        /// The fact.
        fact: String,
        /// The value given.
        value: i64,
        /// Lowest allowed.
        min: i64,
        /// Highest allowed.
        max: i64,
    },
    /// A value of the wrong kind (text where a number was expected, and so on).
    #[error("{what}: expected {expected}, found {found}")]
    #[non_exhaustive]
    WrongType {
        /// What the value is for (a fact, an operator).
        what: String,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A text value that does not match the pattern its fact declares.
    #[error("`{fact}` is `{value}`, which does not match its pattern `{pattern}`")]
    #[non_exhaustive]
    PatternMismatch {
        /// The fact.
        fact: String,
        /// The value given.
        value: String,
        /// The declared pattern.
        pattern: String,
    },
    /// A regular expression that does not compile (or exceeds the size limit).
    #[error("invalid regular expression `{pattern}`: {reason}")]
    #[non_exhaustive]
    InvalidRegex {
        /// The pattern.
        pattern: String,
        /// Why it does not compile.
        reason: String,
    },
    /// An id or name that is not of the allowed shape.
    #[error(
        "{what} `{name}` must be 1 to 100 characters of lower-case letters, digits, `_` and `-`, \
         starting with a letter or digit"
    )]
    #[non_exhaustive]
    BadIdentifier {
        /// What the name is of (`an id`, `a fact name`, ...).
        what: String,
        /// The name as written.
        name: String,
    },
    /// A fact named with a word of the condition language.
    #[error("`{name}` cannot be a fact name: the condition language uses it")]
    #[non_exhaustive]
    ReservedName {
        /// The name.
        name: String,
    },
    /// An overlay declares a fact its guide declares already.
    #[error(
        "the guide already declares the fact `{name}`; an overlay adds facts, it cannot redeclare them"
    )]
    #[non_exhaustive]
    FactRedeclared {
        /// The fact.
        name: String,
    },
    /// A fact type that does not exist.
    #[error("unknown fact type `{name}`")]
    #[non_exhaustive]
    UnknownFactType {
        /// The type as written.
        name: String,
        /// The closest fact type, if one is close.
        suggestion: Option<String>,
    },
    /// A key of a fact declaration that its type does not take.
    #[error("`{key}` is only for {types} facts")]
    #[non_exhaustive]
    KeyNotForType {
        /// The key (`range`, `unit`, `values`, `pattern`).
        key: String,
        /// The types that take it.
        types: String,
    },
    /// An integer fact without a range.
    #[error("an integer fact needs `range: [MIN, MAX]`")]
    RangeNeeded,
    /// A range that is not two whole numbers in order.
    #[error("`range` must be two whole numbers [MIN, MAX] with MIN not above MAX, found {found}")]
    #[non_exhaustive]
    BadRange {
        /// What was found.
        found: String,
    },
    /// A one_of or set_of fact without values.
    #[error("{} fact needs `values`", with_article(fact_type))]
    #[non_exhaustive]
    ValuesNeeded {
        /// The fact's type.
        fact_type: String,
    },
    /// An empty list of declared values.
    #[error("a one_of or set_of fact needs at least one value")]
    NoValues,
    /// A declared value listed twice.
    #[error("value `{value}` is declared twice")]
    #[non_exhaustive]
    ValueDeclaredTwice {
        /// The value.
        value: String,
    },

    // --- Ids and references -------------------------------------------------------------
    /// Two items of one kind share an id.
    #[error("duplicate {what} id `{id}` (first defined at line {first_line})")]
    #[non_exhaustive]
    DuplicateId {
        /// What kind of thing (recommendation, principle, evidence level, ...).
        what: String,
        /// The id.
        id: String,
        /// The line of the first one.
        first_line: u64,
    },
    /// A reference to something that does not exist (a principle, a named condition, an
    /// evidence level, an audience, an outcome, a recommendation, a status, ...).
    #[error("unknown {what} `{name}`")]
    #[non_exhaustive]
    UnknownReference {
        /// What kind of thing is referred to.
        what: String,
        /// The name as written.
        name: String,
        /// The closest existing name, if one is close.
        suggestion: Option<String>,
        /// The names that exist, in their order (empty when there are too many to list).
        known: Vec<String>,
    },
    /// Named conditions that refer to each other in a loop.
    #[error("named conditions refer to each other in a cycle: {}", chain.join(" → "))]
    #[non_exhaustive]
    ConditionCycle {
        /// The names around the loop, the first repeated last.
        chain: Vec<String>,
    },
    /// Named conditions that refer to named conditions too deeply.
    #[error("named conditions refer to named conditions more than {limit} deep")]
    #[non_exhaustive]
    NamedConditionsTooDeep {
        /// The limit.
        limit: usize,
    },
    /// An overlay defines a named condition its guide has already.
    #[error(
        "the guide already has a named condition `{name}`; an overlay adds conditions, it cannot redefine them"
    )]
    #[non_exhaustive]
    NamedConditionRedefined {
        /// The name.
        name: String,
    },

    // --- Conditions ---------------------------------------------------------------------
    /// A condition that is not a mapping.
    #[error(
        "a condition must be a mapping such as `service_level: family_help` or `all: [...]`, found {found}"
    )]
    #[non_exhaustive]
    ConditionNotMapping {
        /// What was found.
        found: String,
    },
    /// A condition mapping with other than one key.
    #[error("a condition has exactly one key, found {}{}", keys.len(), if keys.is_empty() { String::new() } else { format!(" ({})", keys.join(", ")) })]
    #[non_exhaustive]
    ConditionKeys {
        /// The keys found.
        keys: Vec<String>,
    },
    /// `all` or `any` without a list.
    #[error("`{combinator}` takes a list of conditions, found {found}")]
    #[non_exhaustive]
    CombinatorNeedsList {
        /// `all` or `any`.
        combinator: String,
        /// What was found.
        found: String,
    },
    /// `not:` with a list: it takes one condition.
    #[error("`not` takes one condition, found {found}")]
    #[non_exhaustive]
    NotTakesOne {
        /// What was found.
        found: String,
    },
    /// `all: []` or `any: []`.
    #[error("`{combinator}` needs at least one condition")]
    #[non_exhaustive]
    CombinatorEmpty {
        /// `all` or `any`.
        combinator: String,
    },
    /// `condition:` without a name.
    #[error("`condition` takes the name of a named condition, found {found}")]
    #[non_exhaustive]
    ConditionNameNotText {
        /// What was found.
        found: String,
    },
    /// `FACT: {}`.
    #[error("no operator given for `{fact}`")]
    #[non_exhaustive]
    NoOperator {
        /// The fact.
        fact: String,
    },
    /// `count:` without exactly one numeric test.
    #[error("`count` takes exactly one numeric test, such as `{{ at_least: 2 }}`")]
    CountNeedsOneTest,
    /// An operator given an empty list.
    #[error("`{operator}` needs at least one value")]
    #[non_exhaustive]
    EmptyValueList {
        /// The operator.
        operator: String,
    },
    /// `between: [HIGH, LOW]`.
    #[error("`between: [{low}, {high}]` is empty: the first number must not exceed the second")]
    #[non_exhaustive]
    EmptyBetween {
        /// The first number.
        low: i64,
        /// The second number.
        high: i64,
    },

    // --- A guide's structure ------------------------------------------------------------
    /// A publication date not written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[error(
        "`published` must be a year, a month or a day written YYYY, YYYY-MM or YYYY-MM-DD, found `{found}`"
    )]
    #[non_exhaustive]
    BadDate {
        /// What was written.
        found: String,
    },
    /// An evidence scale without levels.
    #[error("the evidence scale needs at least one level")]
    EmptyEvidenceScale,
    /// The "rating not known" level is not last, or not alone.
    #[error(
        "the level for \"rating not known\" (`unrated: true`) must come last in the evidence scale, and there can be only one"
    )]
    UnratedNotLast,
    /// A recommendation without `evidence:`.
    #[error(
        "a recommendation needs `evidence:` (a level of the evidence scale; use the \"rating not known\" level where the rating is not known)"
    )]
    RecommendationNeedsEvidence,
    /// A principle with `evidence:`.
    #[error("a principle has no evidence rating")]
    PrincipleHasEvidence,
    /// A recommendation without `when:`.
    #[error("a recommendation needs `when:`, the condition for when it applies")]
    RecommendationNeedsCondition,
    /// A rule without sources.
    #[error(
        "every recommendation and principle needs at least one source (`sources:` with `url` and `wording`)"
    )]
    NeedsSource,
    /// A guide without recommendations.
    #[error("a guide needs at least one recommendation")]
    NoRecommendations,
    /// A principle that lists principles.
    #[error("a principle does not list `principles`; recommendations link to principles")]
    PrincipleListsPrinciples,
    /// A source giving the "rating not known" level as its rating.
    #[error(
        "`rating: {level}` is the level for \"rating not known\"; a source's `rating` is a rating the source gives, so leave it out"
    )]
    #[non_exhaustive]
    RatingOnUnratedLevel {
        /// The level.
        level: String,
    },
    /// A source giving another rating than the recommendation's.
    #[error(
        "this source gives the rating `{given}` but the recommendation's `evidence` is `{evidence}`"
    )]
    #[non_exhaustive]
    RatingMismatch {
        /// The rating the source gives.
        given: String,
        /// The recommendation's evidence level.
        evidence: String,
    },
    /// A rated recommendation none of whose sources gives its rating.
    #[error(
        "the recommendation is rated `{level}` but none of its sources gives that rating: add `rating: {level}` to the source that gives it, or use the \"rating not known\" level"
    )]
    #[non_exhaustive]
    RatingNotGiven {
        /// The recommendation's level.
        level: String,
    },
    /// A `rating:` on a source that is not a recommendation's.
    #[error("only a recommendation's source gives a rating (`rating:`)")]
    RatingNotAllowed,
    /// A `fit:` listing nothing.
    #[error("`fit:` needs at least one of `delivery`, `format` or `structure`")]
    FitSaysNothing,

    // --- Overlays -----------------------------------------------------------------------
    /// An overlay loaded onto a guide it does not extend.
    #[error("this overlay extends `{extends}`, but the guide it is loaded onto is `{guide}`")]
    #[non_exhaustive]
    ExtendsAnotherGuide {
        /// The guide the overlay names.
        extends: String,
        /// The guide it was loaded onto.
        guide: String,
    },
    /// A fictional overlay without a disclaimer.
    #[error("a fictional overlay needs a `disclaimer:` saying so; every output shows it")]
    DisclaimerNeeded,
    /// An overlay loaded onto a guide that has one.
    #[error("this guide already has the overlay `{overlay}`; load overlays onto the guide itself")]
    #[non_exhaustive]
    OverlayAlreadyLoaded {
        /// The overlay the guide has.
        overlay: String,
    },
    /// An overlay without services.
    #[error("an overlay needs at least one service")]
    NoServices,
    /// A service delivering nothing.
    #[error(
        "`delivers:` needs at least one recommendation id (or `RECOMMENDATION#ACTION` for one of its \"how\" points)"
    )]
    DeliversNothing,
    /// A service delivering one recommendation twice.
    #[error(
        "the service already delivers recommendation `{recommendation}`: list it once, as the whole recommendation or one \"how\" point"
    )]
    #[non_exhaustive]
    DeliversTwice {
        /// The recommendation.
        recommendation: String,
    },
    /// A service delivering a principle.
    #[error(
        "`{principle}` is a key principle; a service delivers recommendations (list the recommendations it delivers)"
    )]
    #[non_exhaustive]
    DeliversPrinciple {
        /// The principle.
        principle: String,
    },
    /// `RECOMMENDATION#ACTION` naming no "how" point of the recommendation.
    #[error("`{target}`: recommendation `{recommendation}` has no \"how\" point `{action}`")]
    #[non_exhaustive]
    NoSuchAction {
        /// The target as written.
        target: String,
        /// The recommendation.
        recommendation: String,
        /// The action as written.
        action: String,
        /// The closest action id, if one is close.
        suggestion: Option<String>,
        /// The recommendation's action ids.
        actions: Vec<String>,
    },
    /// `RECOMMENDATION#N`: a "how" point named by its position, which inserting a point would
    /// silently change.
    #[error("`{target}` names a \"how\" point by its number, which changes when points are added")]
    #[non_exhaustive]
    ActionByNumber {
        /// The target as written.
        target: String,
        /// What to write instead, when the number names a point.
        instead: Option<String>,
    },

    // --- Case files ---------------------------------------------------------------------
    /// A folder of case files without any.
    #[error("no case files (*.yaml) in this folder")]
    NoCaseFiles,
    /// A case's expectation without `status:`.
    #[error("an expectation needs `status:` (applies, undetermined or does_not_apply)")]
    ExpectationNeedsStatus,
    /// An expected action with a key it does not take.
    #[error(
        "an expected action is `{{ id: ID, status: STATUS }}` or `{{ text: PIECE OF TEXT, status: STATUS }}`; `{key}` is not one of its keys or has the wrong value"
    )]
    #[non_exhaustive]
    BadExpectedAction {
        /// The key.
        key: String,
    },
    /// An expected action without `id:` or `text:`.
    #[error("an expected action needs `id:` or `text:`")]
    ExpectedActionNeedsText,

    /// A problem the crate cannot explain; please report it.
    #[error("an internal error (please report it)")]
    Internal,
}

/// The most names a message lists.
const MAX_LISTED: usize = 12;

impl ProblemKind {
    /// An unknown reference to a `what` named `name`, among `known` (in their order): with the
    /// closest as a suggestion, and the list itself when it is short.
    pub(crate) fn unknown<'a>(
        what: &str,
        name: &str,
        known: impl IntoIterator<Item = &'a str>,
    ) -> ProblemKind {
        let known: Vec<&str> = known.into_iter().collect();
        ProblemKind::UnknownReference {
            what: what.to_owned(),
            name: super::shorten(name),
            suggestion: crate::suggest::closest(name, known.iter().copied()),
            known: if known.len() <= MAX_LISTED {
                known.iter().map(|k| (*k).to_owned()).collect()
            } else {
                Vec::new()
            },
        }
    }

    /// A stable, machine-readable name of the kind of problem, e.g. `unknown_fact`: the `code`
    /// field of its JSON form.
    pub fn code(&self) -> &'static str {
        macro_rules! codes {
            ($($variant:ident => $code:literal,)*) => {
                match self { $(ProblemKind::$variant { .. } => $code,)* }
            };
        }
        codes! {
            Io => "io", NotUtf8 => "not_utf8", DuplicateFile => "duplicate_file",
            MissingFile => "missing_file", NotAFolderOf => "not_a_folder_of", UnexpectedFile => "unexpected_file",
            EmptyFile => "empty_file", Syntax => "syntax", UnknownKey => "unknown_key",
            MissingKey => "missing_key",
            DuplicateKey => "duplicate_key", WrongShape => "wrong_shape",
            LimitExceeded => "limit_exceeded", TooDeep => "too_deep",
            TooManyNodes => "too_many_nodes", TooManyAliases => "too_many_aliases",
            TooManyProblems => "too_many_problems",
            UnknownFact => "unknown_fact", UnknownOperator => "unknown_operator",
            OperatorNotForType => "operator_not_for_type", UnknownValue => "unknown_value",
            OutOfRange => "out_of_range", WrongType => "wrong_type",
            PatternMismatch => "pattern_mismatch", InvalidRegex => "invalid_regex",
            BadIdentifier => "bad_identifier", ReservedName => "reserved_name",
            FactRedeclared => "fact_redeclared", UnknownFactType => "unknown_fact_type",
            KeyNotForType => "key_not_for_type", RangeNeeded => "range_needed",
            BadRange => "bad_range", ValuesNeeded => "values_needed", NoValues => "no_values",
            ValueDeclaredTwice => "value_declared_twice", DuplicateId => "duplicate_id",
            UnknownReference => "unknown_reference", ConditionCycle => "condition_cycle",
            NamedConditionsTooDeep => "named_conditions_too_deep",
            NamedConditionRedefined => "named_condition_redefined",
            ConditionNotMapping => "condition_not_mapping", ConditionKeys => "condition_keys",
            CombinatorNeedsList => "combinator_needs_list",
            CombinatorEmpty => "combinator_empty", NotTakesOne => "not_takes_one",
            ConditionNameNotText => "condition_name_not_text", NoOperator => "no_operator",
            CountNeedsOneTest => "count_needs_one_test", EmptyValueList => "empty_value_list",
            EmptyBetween => "empty_between", BadDate => "bad_date",
            EmptyEvidenceScale => "empty_evidence_scale", UnratedNotLast => "unrated_not_last",
            RecommendationNeedsEvidence => "recommendation_needs_evidence",
            PrincipleHasEvidence => "principle_has_evidence",
            RecommendationNeedsCondition => "recommendation_needs_condition",
            NeedsSource => "needs_source", NoRecommendations => "no_recommendations",
            PrincipleListsPrinciples => "principle_lists_principles",
            RatingOnUnratedLevel => "rating_on_unrated_level",
            RatingMismatch => "rating_mismatch", RatingNotGiven => "rating_not_given",
            RatingNotAllowed => "rating_not_allowed", FitSaysNothing => "fit_says_nothing",
            ExtendsAnotherGuide => "extends_another_guide",
            DisclaimerNeeded => "disclaimer_needed",
            OverlayAlreadyLoaded => "overlay_already_loaded", NoServices => "no_services",
            DeliversNothing => "delivers_nothing", DeliversTwice => "delivers_twice",
            DeliversPrinciple => "delivers_principle", NoSuchAction => "no_such_action",
            ActionByNumber => "action_by_number",
            NoCaseFiles => "no_case_files", ExpectationNeedsStatus => "expectation_needs_status",
            BadExpectedAction => "bad_expected_action",
            ExpectedActionNeedsText => "expected_action_needs_text", Internal => "internal",
        }
    }

    /// How to fix the problem, where the crate can say: the closest known name ("did you mean
    /// `service_level`?"), the values or operators allowed, what to write instead.
    pub fn help(&self) -> Option<String> {
        let did_you_mean = |s: &Option<String>| s.as_ref().map(|s| format!("did you mean `{s}`?"));
        let with_list = |s: &Option<String>, label: &str, list: &[String]| {
            let list = format!("{label}: {}", list.join(", "));
            Some(match did_you_mean(s) {
                Some(mean) => format!("{mean} {list}"),
                None => list,
            })
        };
        match self {
            ProblemKind::Syntax { hint, .. } => hint.clone(),
            ProblemKind::UnknownKey {
                key,
                suggestion: None,
                belongs_to: Some(part),
                allowed,
            } => Some(format!(
                "`{key}` is a key of {part}, not of this part: check its indentation (allowed \
                 here: {})",
                allowed.join(", ")
            )),
            ProblemKind::UnknownKey {
                suggestion,
                allowed,
                ..
            } => with_list(suggestion, "allowed here", allowed),
            ProblemKind::DuplicateKey { .. } => Some("give it once".to_owned()),
            ProblemKind::NotTakesOne { .. } => Some(
                "to say that none of several holds, write `not: { any: [...] }`; that not all \
                 of them hold, `not: { all: [...] }`"
                    .to_owned(),
            ),
            ProblemKind::BadRange { .. } => Some(
                "write the lowest and highest values as a list, e.g. `range: [0, 20]`".to_owned(),
            ),
            ProblemKind::TooManyProblems { .. } => Some("fix these and try again".to_owned()),
            ProblemKind::UnknownFact { suggestion, .. }
            | ProblemKind::UnknownFactType { suggestion, .. } => did_you_mean(suggestion),
            // The names are listed when there are few, or when none is close.
            ProblemKind::UnknownReference {
                suggestion, known, ..
            } if !known.is_empty() && (suggestion.is_none() || known.len() <= 6) => {
                with_list(suggestion, "one of", known)
            }
            ProblemKind::UnknownReference { suggestion, .. } => did_you_mean(suggestion),
            ProblemKind::UnknownOperator {
                suggestion, valid, ..
            } => with_list(suggestion, "valid here", valid),
            ProblemKind::OperatorNotForType { valid, .. } => with_list(&None, "valid here", valid),
            ProblemKind::UnknownValue {
                suggestion,
                declared,
                ..
            } => with_list(suggestion, "declared", declared),
            ProblemKind::NoSuchAction {
                suggestion,
                actions,
                ..
            } if actions.is_empty() => did_you_mean(suggestion)
                .or_else(|| Some("the recommendation has no \"how\" points".to_owned())),
            ProblemKind::NoSuchAction {
                suggestion,
                actions,
                ..
            } => with_list(suggestion, "its \"how\" points", actions),
            ProblemKind::ActionByNumber { instead, .. } => Some(match instead {
                Some(instead) => format!("name it by its id: `{instead}`"),
                None => "name a \"how\" point by its id".to_owned(),
            }),
            ProblemKind::ConditionKeys { .. } => {
                Some("to require several, list them under `all:`".to_owned())
            }
            _ => None,
        }
    }
}

/// `word` after its indefinite article: "an integer", "a boolean".
fn with_article(word: &str) -> String {
    // `one_of` is read "one of": a consonant's sound.
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']) && !word.starts_with("one");
    format!("{} {word}", if vowel { "an" } else { "a" })
}
