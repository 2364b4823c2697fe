//! Kleene's three truth values, in which every condition is evaluated: a fact the profile does
//! not give makes a test *unknown*, never false.
//!
//! This is the one encoding of a truth value inside the crate: the arena's truth table, the
//! statuses program and its index, residuals and deciding values all hold a [`Truth`]. The
//! public [`Status`](crate::Status) and [`TestResult`](crate::TestResult) are made from one at
//! the edge, and never turned back into one.

/// False, unknown or true, ordered so that Kleene's `and` is `min`, `or` is `max`, and `not` is
/// `2 - x` on the byte it is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u8)]
pub(crate) enum Truth {
    False = 0,
    #[default]
    Unknown = 1,
    True = 2,
}

impl Truth {
    #[inline]
    pub(crate) fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    #[inline]
    pub(crate) fn negate(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
        }
    }

    /// Kleene's `and`.
    #[inline]
    pub(crate) fn and(self, other: Truth) -> Truth {
        self.min(other)
    }

    /// Kleene's `or`.
    #[inline]
    pub(crate) fn or(self, other: Truth) -> Truth {
        self.max(other)
    }

    /// Whether it is decided (true or false).
    #[inline]
    pub(crate) fn is_known(self) -> bool {
        self != Truth::Unknown
    }
}
