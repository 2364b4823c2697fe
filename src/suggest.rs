//! "Did you mean ...?": the closest known name to a misspelled one.

/// The candidate closest to `wrong` by edit distance, if it is close enough to be a plausible
/// typo: at most a third of the name's length in edits (so none for names of one or two
/// characters, one for three to five). A case-only difference always counts as close. Among
/// equally close candidates the alphabetically first wins, so the answer never depends on the
/// order the candidates come in.
pub(crate) fn closest<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let wrong_lower = wrong.to_lowercase();
    let budget = wrong.chars().count() / 3;
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = if candidate.to_lowercase() == wrong_lower {
            0
        } else {
            edit_distance(&wrong_lower, &candidate.to_lowercase())
        };
        if distance <= budget && best.is_none_or(|best| (distance, candidate) < best) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name.to_owned())
}

/// Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring
/// characters as one edit each (optimal string alignment), in characters: `mdi` is one edit from
/// `mid`, as a typist would count it.
#[allow(
    clippy::indexing_slicing,
    reason = "every index is within the table sized from the two inputs just above"
)]
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // Rows i-2, i-1 and i of the distance table, flattened.
    let mut rows = vec![0usize; 3 * width];
    let at = |row: usize, j: usize| (row % 3) * width + j;
    for j in 0..width {
        rows[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        rows[at(i, 0)] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[at(i - 1, j)] + 1)
                .min(rows[at(i, j - 1)] + 1)
                .min(rows[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[at(i - 2, j - 2)] + 1);
            }
            rows[at(i, j)] = best;
        }
    }
    rows[at(a.len(), b.len())]
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
        assert_eq!(edit_distance("mdi", "mid"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }

    #[test]
    fn suggests_only_close_names() {
        let names = ["service_level", "youngest_child_age", "adversities"];
        assert_eq!(
            closest("servce_level", names).as_deref(),
            Some("service_level")
        );
        assert_eq!(
            closest("Service_Level", names).as_deref(),
            Some("service_level")
        );
        assert_eq!(closest("postcode", names), None);
        assert_eq!(closest("x", names), None);
    }

    #[test]
    fn ties_do_not_depend_on_the_order_of_candidates() {
        assert_eq!(closest("abd", ["abc", "abe"]).as_deref(), Some("abc"));
        assert_eq!(closest("abd", ["abe", "abc"]).as_deref(), Some("abc"));
    }
}
