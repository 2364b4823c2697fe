//! Kleene's three truth values, in which every condition is evaluated: a fact the profile does
//! not give makes a test *unknown*, never false.

/// False, unknown or true, ordered so that Kleene's `and` is `min`, `or` is `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Truth {
    False = 0,
    Unknown = 1,
    True = 2,
}

impl Truth {
    pub(crate) fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    pub(crate) fn negate(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
        }
    }
}
