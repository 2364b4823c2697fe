//! `test --coverage`'s boundary coverage: for each threshold's boundary, whether cases reached
//! the values either side of it, as text and JSON.

use practice_guide::cases::Coverage;
use practice_guide::error::Position;
use serde_json::{Value, json};

use crate::output::outln;

/// Whether the boundary coverage is below `threshold`.
pub(super) fn below(coverage: &Coverage, threshold: Option<f64>) -> bool {
    threshold.is_some_and(|t| coverage.boundary_percent() + 1e-9 < t)
}

/// The boundary coverage for people: the share, each side no case reached, each side no
/// profile can reach with the reason, and the verdict on the threshold.
pub(super) fn human(
    coverage: &Coverage,
    place: &dyn Fn(&str, Option<Position>) -> String,
    threshold: Option<f64>,
) {
    if coverage.boundaries.is_empty() && threshold.is_none() {
        return;
    }
    let (reached, possible) = coverage.boundary_counts();
    outln!(
        "boundaries: {:.1}% ({reached} of {possible} sides of {} threshold boundaries)",
        coverage.boundary_percent(),
        coverage.boundaries.len()
    );
    for boundary in &coverage.boundaries {
        let at = place(&boundary.file, boundary.position);
        let of = boundary
            .item
            .as_ref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
        for side in &boundary.sides {
            let truth = if side.holds { "true" } else { "false" };
            match &side.unreachable {
                Some(reason) => outln!(
                    "  {at}: `{}`{of}: unreachable: {} ({truth}): {reason}",
                    boundary.test,
                    side.value
                ),
                None if !side.reached => outln!(
                    "  {at}: `{}`{of}: no case at {} ({truth})",
                    boundary.test,
                    side.value
                ),
                None => {}
            }
        }
    }
    if let Some(threshold) = threshold {
        let verdict = if below(coverage, Some(threshold)) {
            "below"
        } else {
            "meets"
        };
        outln!("boundary coverage {verdict} the threshold of {threshold}%");
    }
}

/// The boundary coverage as JSON: the share, and every boundary with its sides.
pub(super) fn as_json(
    coverage: &Coverage,
    file: &dyn Fn(&str) -> String,
    threshold: Option<f64>,
) -> Value {
    let (reached, possible) = coverage.boundary_counts();
    let boundaries: Vec<Value> = coverage
        .boundaries
        .iter()
        .map(|b| {
            let sides: Vec<Value> = b
                .sides
                .iter()
                .map(|s| json!({ "value": s.value, "holds": s.holds, "reached": s.reached, "unreachable": s.unreachable }))
                .collect();
            json!({ "test": b.test, "item": b.item, "file": file(&b.file), "line": b.position.map(|p| p.line), "sides": sides })
        })
        .collect();
    json!({
        "percent": coverage.boundary_percent(),
        "reached": reached,
        "possible": possible,
        "threshold": threshold,
        "boundaries": boundaries,
    })
}
