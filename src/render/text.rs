//! The plain-text back-end: headings as plain lines (parts in capitals), everything under a
//! heading indented by two more spaces, lists as `- ` items with their details under them.
//! Nothing is escaped; line breaks inside a text are folded so that every item stays one line.

use super::{Block, Inline, Line};
use crate::result::Status;

/// The document as plain text, ending with one newline.
pub(super) fn render(blocks: &[Block<'_>]) -> String {
    let mut out = String::new();
    write_blocks(&mut out, blocks, 0);
    let end = out.trim_end_matches('\n').len();
    out.truncate(end);
    out.push('\n');
    out
}

fn write_blocks(out: &mut String, blocks: &[Block<'_>], indent: usize) {
    for block in blocks {
        match block {
            Block::Section {
                level,
                heading,
                body,
            } => {
                let line = line_text(heading);
                push_line(
                    out,
                    indent,
                    &if *level == 2 {
                        line.to_uppercase()
                    } else {
                        line
                    },
                );
                // A part of the report (level 2) indents what it holds; the guide's title does
                // not, and a rule's body is indented under its heading.
                let inner = if *level == 1 { indent } else { indent + 2 };
                write_blocks(out, body, inner);
                if *level == 2 {
                    out.push('\n');
                }
            }
            Block::Group(blocks) => {
                write_blocks(out, blocks, indent);
                out.push('\n');
            }
            Block::Notice(line) | Block::Para(line) => push_line(out, indent, &line_text(line)),
            Block::Quote(line) => push_line(out, indent, &format!("\"{}\"", line_text(line))),
            Block::Field(label, line) => {
                push_line(out, indent, &format!("{label}: {}", line_text(line)));
            }
            Block::List { label, items } => {
                if let Some(label) = label {
                    push_line(out, indent, &format!("{label}:"));
                }
                let item_indent = indent + 2;
                for item in items {
                    push_line(out, item_indent, &format!("- {}", line_text(&item.line)));
                    for detail in &item.details {
                        push_line(out, item_indent + 4, &line_text(detail));
                    }
                }
            }
        }
    }
}

fn push_line(out: &mut String, indent: usize, line: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(line);
    out.push('\n');
}

fn line_text(line: &Line<'_>) -> String {
    let mut out = String::new();
    for inline in line {
        match inline {
            Inline::Text(t) | Inline::Strong(t) | Inline::Emph(t) => out.push_str(t),
            Inline::Code(c) => out.push_str(c),
            Inline::Link { text, url } if text == url => out.push_str(url),
            Inline::Link { text, url } => out.push_str(&format!("{text} <{url}>")),
            Inline::Status(status) => out.push_str(match status {
                Status::Applies => "[APPLIES] ",
                Status::Undetermined => "[UNDETERMINED] ",
                Status::DoesNotApply => "[DOES NOT APPLY] ",
            }),
        }
    }
    out.replace(['\r', '\n'], " ")
}
