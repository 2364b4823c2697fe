//! The pieces of an evaluation's JSON that depend only on the guide: its texts, escaped and
//! quoted once, when a layer loads (by [`crate::result`], which knows the shape), so that
//! writing a result copies them instead of escaping the same statements for every family.

/// One layer's pieces (the guide's core, or an overlay), by the ids of what they write.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fragments {
    /// Core: `{"guide":{...},"scope":{"status":`. Overlay: `,"overlay":{...}`.
    pub(crate) head: String,
    /// Core: `,"description":"...","reasons":`.
    pub(crate) scope: String,
    /// By rule (core only).
    pub(crate) rules: Vec<RuleFragments>,
    /// By this layer's sites, from its first.
    pub(crate) sites: Vec<SiteFragments>,
    /// By this layer's facts, from its first.
    pub(crate) facts: Vec<FactFragments>,
    /// `,"via":"name"`, by this layer's named conditions, from its first.
    pub(crate) named: Vec<String>,
    /// `{"id":...,"label":...,"rank":n,"unrated":b}`, by evidence rank (core only).
    pub(crate) levels: Vec<String>,
    /// By recommendation, then the position of the delivery (overlay only).
    pub(crate) services: Vec<Vec<ServiceFragments>>,
}

/// A rule's pieces.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleFragments {
    /// `{"id":...,"kind":...,"title":...,"statement":...,"status":`
    pub(crate) head: String,
    /// `,"evidence":...,"reasons":`
    pub(crate) evidence: String,
    /// `,"links":[...],"outcomes":[...],"audiences":[...],"why":[...],"sources":[...]`
    pub(crate) tail: String,
    /// `"id"`: how questions name the rule.
    pub(crate) name: String,
    /// By action: `{"id":...,"text":...,"audiences":[...],"status":`
    pub(crate) actions: Vec<String>,
    /// By action: `"rule#action"`.
    pub(crate) action_names: Vec<String>,
}

/// A written test's pieces.
#[derive(Debug, Clone, Default)]
pub(crate) struct SiteFragments {
    /// `{"fact":...,"test":...,"value":`, the test as written and negated.
    pub(crate) reason: [String; 2],
    /// `{"test":{"fact":...,"test":...}}`, as written and negated.
    pub(crate) residual: [String; 2],
}

/// A fact's pieces.
#[derive(Debug, Clone, Default)]
pub(crate) struct FactFragments {
    /// `"name"`.
    pub(crate) name: String,
    /// `"value"`, by declared value.
    pub(crate) values: Vec<String>,
    /// `{"fact":...,"description":...,"type":...,"values":[...],"settles":`
    pub(crate) question: String,
}

/// A local service's pieces under one recommendation.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceFragments {
    /// `{"id":...,"name":...,"description":...,"status":`
    pub(crate) head: String,
    /// `,"delivery":...,"format":...,"structure":...,"ages":...[,"action":...,"action_id":...],"reasons":`
    pub(crate) middle: String,
    /// `,"referral":{...},"flags":`
    pub(crate) referral: String,
    /// By possible flag: `{"aspect":...,"offered":...,"fits":[...],"status":` and
    /// `,"rule":...,"says":...,"message":...,"sources":[...]}`.
    pub(crate) flags: Vec<[String; 2]>,
}
