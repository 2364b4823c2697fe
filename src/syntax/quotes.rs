//! Where a quoted value opened. A quote left open (or closed too early, by a quote meant as an
//! apostrophe) makes the parser fail where the *next* quote happens to be, often many lines on;
//! the mistake is where the quote opened. The parser does not say, so the text is scanned for
//! the quoted values YAML would read, skipping comments, block scalars (`>-`, `|`) and the
//! apostrophes of plain values.

use crate::error::Position;

/// One quoted value as YAML reads it: where its quote opens and where it closes (`None`: it
/// runs to the end of the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quoted {
    pub(super) quote: char,
    pub(super) open: Position,
    pub(super) close: Option<Position>,
}

/// The quoted value that explains a quote error the parser reports at `error`: the last one
/// opened before it that is still open there, or that closes on `error`'s line (text then follows
/// its closing quote).
pub(super) fn culprit(text: &str, error: Position) -> Option<Quoted> {
    quoted_values(text)
        .into_iter()
        .filter(|q| q.open <= error)
        .rfind(|q| q.close.is_none_or(|c| c.line == error.line || c >= error))
}

/// What a scanner of one line is in at the start of the next.
#[derive(Clone, Copy)]
enum State {
    /// Between values: a quote here opens a quoted value only where a value starts.
    Outside,
    /// Inside a quoted value opened at the position, with its quote.
    Quoted(char, Position),
    /// Inside a block scalar whose key's line is indented by the number of spaces.
    Block(usize),
}

/// Every quoted value of `text`, in order.
pub(super) fn quoted_values(text: &str) -> Vec<Quoted> {
    let mut found = Vec::new();
    let mut state = State::Outside;
    for (index, line) in text.lines().enumerate() {
        let line_number = u64::try_from(index + 1).unwrap_or(u64::MAX);
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let State::Block(key_indent) = state {
            if line.trim().is_empty() || indent > key_indent {
                continue;
            }
            state = State::Outside;
        }
        state = scan_line(line, line_number, indent, state, &mut found);
    }
    if let State::Quoted(quote, open) = state {
        found.push(Quoted {
            quote,
            open,
            close: None,
        });
    }
    found
}

/// Scans one line from `state`, recording the quoted values that close on it; the state at its
/// end.
fn scan_line(
    line: &str,
    number: u64,
    indent: usize,
    mut state: State,
    found: &mut Vec<Quoted>,
) -> State {
    let chars: Vec<char> = line.chars().collect();
    let at = |i: usize| Position {
        line: number,
        column: u64::try_from(i + 1).unwrap_or(u64::MAX),
    };
    // Whether a value may start here: at the start of the line, after `- `, `: `, or in a flow
    // collection after `[`, `{` or `,`.
    let mut value_starts = true;
    let mut flow = 0usize;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        match state {
            State::Quoted(quote, open) => {
                let escaped = (quote == '\'' && c == '\'' && next == Some('\''))
                    || (quote == '"' && c == '\\');
                if escaped {
                    i += 1;
                } else if c == quote {
                    found.push(Quoted {
                        quote,
                        open,
                        close: Some(at(i)),
                    });
                    state = State::Outside;
                    value_starts = false;
                }
            }
            State::Block(_) => return state,
            State::Outside => {
                let space_before = i == 0 || chars.get(i - 1).is_some_and(|p| p.is_whitespace());
                let space_after = next.is_none_or(char::is_whitespace);
                match c {
                    '#' if space_before => break,
                    ' ' | '\t' => {}
                    '\'' | '"' if value_starts => state = State::Quoted(c, at(i)),
                    '|' | '>' if value_starts && flow == 0 => return State::Block(indent),
                    '-' | '?' if value_starts && space_after => {}
                    ':' if space_after => value_starts = true,
                    '[' | '{' if value_starts || flow > 0 => {
                        flow += 1;
                        value_starts = true;
                    }
                    ']' | '}' if flow > 0 => flow -= 1,
                    ',' if flow > 0 => value_starts = true,
                    _ => value_starts = false,
                }
            }
        }
        i += 1;
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    type Span = ((u64, u64), Option<(u64, u64)>);

    fn spans(text: &str) -> Vec<Span> {
        quoted_values(text)
            .iter()
            .map(|q| {
                (
                    (q.open.line, q.open.column),
                    q.close.map(|c| (c.line, c.column)),
                )
            })
            .collect()
    }

    #[test]
    fn quotes_are_read_as_yaml_reads_them() {
        let text = "a: 'it''s'  # a 'comment'\nb: the child's word\nc: >-\n  a 'block'\n\
                    d: [\"x\", 'y']\ne: \"esc \\\" aped\"\n";
        assert_eq!(
            spans(text),
            vec![
                ((1, 4), Some((1, 10))),
                ((5, 5), Some((5, 7))),
                ((5, 10), Some((5, 12))),
                ((6, 4), Some((6, 16))),
            ]
        );
    }

    #[test]
    fn an_open_quote_is_traced_to_where_it_opened() {
        let text = "- id: a\n  title: 'Working with\n  statement: the child's needs\n";
        let q = culprit(
            text,
            Position {
                line: 3,
                column: 24,
            },
        )
        .unwrap();
        assert_eq!((q.open.line, q.open.column), (2, 10));
        assert_eq!(q.close.map(|c| (c.line, c.column)), Some((3, 23)));
        let text = "- id: a\n  title: \"Working\n  statement: x\n";
        let q = culprit(text, Position { line: 4, column: 1 }).unwrap();
        assert_eq!((q.open.line, q.open.column, q.close), (2, 10, None));
    }
}
