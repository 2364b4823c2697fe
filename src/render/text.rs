//! The plain-text back-end: headings as plain lines (parts in capitals), everything under a
//! heading indented by two more spaces, lists as `- ` items with their details under them.
//! Nothing is escaped; line breaks inside a text are folded so that every item stays one line.

use super::{Inline, Line, ListItem, Markup};
use crate::result::Status;

/// Plain text, written into `out`, indented by `indent` spaces.
#[derive(Default)]
pub(super) struct Text {
    out: String,
    indent: usize,
}

impl Text {
    fn line(&mut self, indent: usize, line: &str) {
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(line);
        self.out.push('\n');
    }
}

impl Markup for Text {
    fn heading(&mut self, level: u8, heading: &Line<'_>) {
        let line = line_text(heading);
        let line = if level == 2 {
            line.to_uppercase()
        } else {
            line
        };
        self.line(self.indent, &line);
        // A part of the report (level 2) indents what it holds, and a rule's body is indented
        // under its heading; the guide's title indents nothing.
        if level > 1 {
            self.indent += 2;
        }
    }
    fn end_section(&mut self, level: u8) {
        if level > 1 {
            self.indent = self.indent.saturating_sub(2);
        }
        if level == 2 {
            self.out.push('\n');
        }
    }
    fn end_group(&mut self) {
        self.out.push('\n');
    }
    fn notice(&mut self, line: &Line<'_>) {
        self.line(self.indent, &line_text(line));
    }
    fn para(&mut self, line: &Line<'_>) {
        self.line(self.indent, &line_text(line));
    }
    fn quote(&mut self, line: &Line<'_>) {
        self.line(self.indent, &format!("\"{}\"", line_text(line)));
    }
    fn field(&mut self, label: &str, line: &Line<'_>) {
        self.line(self.indent, &format!("{label}: {}", line_text(line)));
    }
    fn list(&mut self, label: Option<&str>, items: &[ListItem<'_>]) {
        if let Some(label) = label {
            self.line(self.indent, &format!("{label}:"));
        }
        let indent = self.indent + 2;
        for item in items {
            self.line(indent, &format!("- {}", line_text(&item.line)));
            for detail in &item.details {
                self.line(indent + 4, &line_text(detail));
            }
        }
    }
    fn output(&mut self) -> &mut String {
        &mut self.out
    }
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
