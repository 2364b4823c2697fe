//! A profile's values in the compiled form evaluation reads: one [`Slot`] per fact of the
//! vocabulary, values as small integers and bit sets.

pub(crate) use crate::ids::FactId;

/// The value of one fact.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Slot {
    Unknown,
    Bool(bool),
    Int(i64),
    /// A one-of value: its bit position among the declared values.
    Choice(u8),
    /// A set-of value: one bit per declared value that holds.
    Set(u128),
    Text(Box<str>),
}

/// A profile bound to a vocabulary: one slot per fact, in id order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Slots(Vec<Slot>);

/// What a condition reads a fact's value from: a bound profile, or one with a fact answered.
pub(crate) trait FactSlots {
    /// The value of `fact` (unknown if there is none).
    fn slot(&self, fact: FactId) -> &Slot;
}

impl FactSlots for Slots {
    #[inline]
    fn slot(&self, fact: FactId) -> &Slot {
        self.get(fact)
    }
}

/// A bound profile with one fact answered, read without copying the profile.
pub(crate) struct Answered<'a> {
    pub(crate) slots: &'a Slots,
    pub(crate) fact: FactId,
    pub(crate) answer: &'a Slot,
}

impl FactSlots for Answered<'_> {
    #[inline]
    fn slot(&self, fact: FactId) -> &Slot {
        if fact == self.fact {
            self.answer
        } else {
            self.slots.get(fact)
        }
    }
}

impl Slots {
    /// Every one of `len` facts unknown.
    pub(crate) fn unknown(len: usize) -> Slots {
        Slots(vec![Slot::Unknown; len])
    }

    /// Becomes a copy of `other`, reusing its list (a derived `clone_from` would allocate).
    pub(crate) fn copy_from(&mut self, other: &Slots) {
        self.0.clone_from(&other.0);
    }

    /// The value of `fact`.
    #[inline]
    #[expect(
        clippy::indexing_slicing,
        reason = "a profile is bound to every fact of the guide that evaluates it (see crate::ids)"
    )]
    pub(crate) fn get(&self, fact: FactId) -> &Slot {
        &self.0[fact.index()]
    }

    pub(crate) fn set(&mut self, fact: FactId, slot: Slot) {
        debug_assert!(
            fact.index() < self.0.len(),
            "fact {fact:?} past the profile"
        );
        if let Some(s) = self.0.get_mut(fact.index()) {
            *s = slot;
        }
    }

    /// The known facts, with their ids.
    pub(crate) fn known(&self) -> impl Iterator<Item = (FactId, &Slot)> {
        (self.0.iter().enumerate())
            .filter(|(_, slot)| **slot != Slot::Unknown)
            .map(|(i, slot)| (FactId::new(i), slot))
    }
}
