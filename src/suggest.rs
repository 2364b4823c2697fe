//! "Did you mean ...?": the closest known name to a misspelled one.

use crate::error::Suggestion;

/// The candidate closest to `wrong` by edit distance, if it is close enough to be a plausible
/// typo: at most one edit for short names, and at most a third of the name's length otherwise.
/// A case-only difference always counts as close.
pub(crate) fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Suggestion {
    let wrong_lower = wrong.to_lowercase();
    let budget = (wrong.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = if candidate.to_lowercase() == wrong_lower {
            0
        } else {
            edit_distance(&wrong_lower, &candidate.to_lowercase())
        };
        if distance <= budget && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    Suggestion(best.map(|(_, name)| name.to_owned()))
}

/// Levenshtein distance, counted in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        let mut row = current.iter_mut();
        let mut left = i + 1;
        if let Some(first) = row.next() {
            *first = left;
        }
        for ((cell, &cb), pair) in row.zip(&b).zip(previous.windows(2)) {
            let (diagonal, up) = match pair {
                [d, u] => (*d, *u),
                _ => (0, 0),
            };
            let substitution = diagonal + usize::from(ca != cb);
            left = substitution.min(up + 1).min(left + 1);
            *cell = left;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("servce_level", "service_level"), 1);
    }

    #[test]
    fn suggests_only_close_names() {
        let names = ["service_level", "youngest_child_age", "adversities"];
        assert_eq!(
            closest("servce_level", names).0.as_deref(),
            Some("service_level")
        );
        assert_eq!(
            closest("Service_Level", names).0.as_deref(),
            Some("service_level")
        );
        assert_eq!(closest("postcode", names).0, None);
        assert_eq!(closest("x", names).0, None);
    }
}
