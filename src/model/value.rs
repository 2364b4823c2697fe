//! A profile's values in the compiled form evaluation reads: one [`Slot`] per fact of the
//! vocabulary, values as small integers and bit sets.

/// Index of a fact in its guide's vocabulary (the guide's facts, then an overlay's).
pub(crate) type FactId = usize;

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

/// A profile bound to a vocabulary: one slot per fact, in id order. Facts past the end are
/// unknown.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slots(Vec<Slot>);

impl Slots {
    /// Every one of `len` facts unknown.
    pub(crate) fn unknown(len: usize) -> Slots {
        Slots(vec![Slot::Unknown; len])
    }

    #[inline]
    pub(crate) fn get(&self, fact: FactId) -> &Slot {
        self.0.get(fact).unwrap_or(&Slot::Unknown)
    }

    pub(crate) fn set(&mut self, fact: FactId, slot: Slot) {
        if let Some(s) = self.0.get_mut(fact) {
            *s = slot;
        }
    }

    /// The known facts, with their ids.
    pub(crate) fn known(&self) -> impl Iterator<Item = (FactId, &Slot)> {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, slot)| **slot != Slot::Unknown)
    }
}
