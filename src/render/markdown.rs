//! The Markdown (CommonMark) back-end: headings, bold labels, quotes, lists with sub-items, ids
//! as code, sources as links. Text from rule files or a profile is escaped, so that a statement
//! or a service's name can never turn into a heading, a link or HTML; addresses are
//! percent-encoded where they would break a link.

use super::{Inline, Line, ListItem, Markup};
use crate::result::Status;

/// Markdown, written into `out`.
#[derive(Default)]
pub(super) struct Markdown {
    out: String,
}

impl Markdown {
    fn block(&mut self, prefix: &str, line: &Line<'_>) {
        self.out.push_str(prefix);
        write_line(&mut self.out, line);
        self.out.push_str("\n\n");
    }
}

impl Markup for Markdown {
    fn heading(&mut self, level: u8, heading: &Line<'_>) {
        let hashes = "#".repeat(usize::from(level));
        self.block(&format!("{hashes} "), heading);
    }
    fn end_section(&mut self, _: u8) {}
    fn end_group(&mut self) {}
    fn notice(&mut self, line: &Line<'_>) {
        self.block("> ", line);
    }
    fn para(&mut self, line: &Line<'_>) {
        self.block("", line);
    }
    fn quote(&mut self, line: &Line<'_>) {
        self.block("> ", line);
    }
    fn field(&mut self, label: &str, line: &Line<'_>) {
        self.block(&format!("**{label}:** "), line);
    }
    fn list(&mut self, label: Option<&str>, items: &[ListItem<'_>]) {
        let out = &mut self.out;
        if let Some(label) = label {
            out.push_str(&format!("**{label}:**\n\n"));
        }
        for item in items {
            out.push_str("- ");
            write_line(out, &item.line);
            out.push('\n');
            for detail in &item.details {
                out.push_str("  - ");
                write_line(out, detail);
                out.push('\n');
            }
        }
        out.push('\n');
    }
    fn output(&mut self) -> &mut String {
        &mut self.out
    }
}

fn write_line(out: &mut String, line: &Line<'_>) {
    for inline in line {
        match inline {
            Inline::Text(t) => out.push_str(&escape(t)),
            // Ids and hashes are identifiers: safe in a code span.
            Inline::Code(c) => {
                out.push('`');
                out.push_str(c);
                out.push('`');
            }
            Inline::Strong(t) => out.push_str(&format!("**{}**", escape(t))),
            Inline::Emph(t) => out.push_str(&format!("*{}*", escape(t))),
            Inline::Link { text, url } => {
                out.push_str(&format!("[{}]({})", escape(text), link_target(url)));
            }
            Inline::Status(status) => out.push_str(match status {
                Status::Applies => "Applies: ",
                Status::Undetermined => "Undetermined: ",
                Status::DoesNotApply => "Does not apply: ",
            }),
        }
    }
}

/// Escapes the characters that Markdown (or inline HTML) would read as markup, and folds line
/// breaks, so that text from a rule file or profile stays text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An address as a link target: the characters that would end or break it, percent-encoded.
fn link_target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
