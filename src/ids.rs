//! Typed ids, minted by the loader: a fact, a rule, a test, a named condition, a node and a
//! written test (site) of the condition arena, and an action of a rule; and the one writer of an
//! action's full name, `rule#action`.
//!
//! Each is a `u32` index into the one table that minted it, so a bare integer can never be
//! mistaken for another kind of id. An id is only ever read by the guide whose loader made it (a
//! [`PreparedProfile`](crate::PreparedProfile) is evaluated by its own guide only), so an id past
//! the end of its table is a bug in the crate: the tables index with `[]` and say so.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub(crate) struct $name(u32);

        impl $name {
            /// The id of the entry at `index` of its table. Tables are bounded by the crate's
            /// limits far below `u32::MAX`.
            #[inline]
            pub(crate) fn new(index: usize) -> Self {
                debug_assert!(u32::try_from(index).is_ok(), "id past u32: {index}");
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }

            /// Its position in its table.
            #[inline]
            pub(crate) fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A fact of a guide's vocabulary: the guide's facts in declaration order, then an
    /// overlay's.
    FactId
);
id!(
    /// A rule: the guide's recommendations in order, then its principles.
    RuleId
);
id!(
    /// An interned test of one fact: two tests that test the same fact the same way (a regex by
    /// its pattern) share one, and so one entry of a profile's truth table.
    TestId
);
id!(
    /// A node of a condition arena: a guide's nodes, then an overlay's.
    NodeId
);

impl NodeId {
    /// The node after it in pre-order: the one child of a `not` or a named condition, the
    /// first of an `all` or an `any`.
    #[inline]
    pub(crate) fn next(self) -> NodeId {
        NodeId(self.0.saturating_add(1))
    }
}
id!(
    /// A test as a rule file writes it (a *site*): where, for which item, in words. A guide's
    /// sites, then an overlay's.
    SiteId
);
id!(
    /// A named condition: the guide's, then an overlay's.
    NamedId
);

/// One "how" point of a rule: the rule and the action's position in it. Results, questions and
/// counterfactuals name an action by its `ActionRef`, and write it as `rule#action` through
/// [`ActionName`] only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ActionRef {
    pub(crate) rule: RuleId,
    action: u32,
}

impl ActionRef {
    pub(crate) fn new(rule: RuleId, action: usize) -> ActionRef {
        ActionRef {
            rule,
            action: u32::try_from(action).unwrap_or(u32::MAX),
        }
    }

    /// Its position in its rule's actions.
    pub(crate) fn index(self) -> usize {
        self.action as usize
    }
}

/// What a result, a question or a change is about: a rule, or one of its actions. Ordered as
/// results are listed: by rule, each rule before its actions, its actions in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ResultRef {
    Rule(RuleId),
    Action(ActionRef),
}

impl ResultRef {
    /// The rule, and `0` for itself or an action's position from `1`.
    fn key(self) -> (RuleId, u64) {
        match self {
            ResultRef::Rule(rule) => (rule, 0),
            ResultRef::Action(action) => (action.rule, u64::from(action.action) + 1),
        }
    }
}

impl Ord for ResultRef {
    fn cmp(&self, other: &ResultRef) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for ResultRef {
    fn partial_cmp(&self, other: &ResultRef) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// An action's full name, `rule#action`, from its rule's id and its own: the one place that
/// name is written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ActionName<'a> {
    pub(crate) rule: &'a str,
    pub(crate) action: &'a str,
}

impl<'a> ActionName<'a> {
    /// `rule#action` read back; `None` without a `#`.
    pub(crate) fn parse(name: &'a str) -> Option<ActionName<'a>> {
        let (rule, action) = name.split_once('#')?;
        Some(ActionName { rule, action })
    }
}

impl std::fmt::Display for ActionName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.rule, self.action)
    }
}
