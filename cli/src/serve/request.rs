//! How the service reads a request, apart from HTTP: the query's options (what axum's `Query`
//! deserializes), the body's syntax from its `Content-Type`, and a batch's body cut into
//! numbered lines, chunk by chunk. Plain functions of text and bytes, with no HTTP, async or
//! other module of the tool, so that the `serve_request` fuzz target compiles this very file
//! (by `#[path]`) and runs what the service runs, and the tool's public surface stays as it is.

use practice_guide::EvaluationOptions;
use serde::Deserialize;

/// How a result is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Format {
    /// The evaluation as JSON, with what would change each result.
    #[default]
    Json,
    /// The compact form: ids and what is said of the family, the guide's texts left out.
    Compact,
    /// The report as Markdown (not in a batch).
    Markdown,
}

/// The query of `POST /evaluate` and `POST /evaluate/batch`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Options {
    min_evidence: Option<String>,
    audience: Option<String>,
    #[serde(default)]
    skip_open: bool,
    /// Add what would change each result that does not apply (exact: about 1 ms a family on
    /// the embedded guide, at most `--changes-budget`).
    #[serde(default)]
    pub(crate) changes: bool,
    #[serde(default)]
    pub(crate) format: Format,
}

impl Options {
    /// The options the library resolves against a guide (into a `Filter`).
    pub(crate) fn evaluation_options(&self) -> EvaluationOptions {
        let mut options = EvaluationOptions::new();
        if let Some(level) = &self.min_evidence {
            options = options.min_evidence(level.clone());
        }
        if let Some(audience) = &self.audience {
            options = options.audience(audience.clone());
        }
        if self.skip_open {
            options = options.skip_open();
        }
        options
    }
}

/// What a profile's body is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Json,
    Yaml,
    JsonLines,
}

impl Syntax {
    /// The syntax a `Content-Type` names (its media type, in any case, parameters ignored), if
    /// it names one the service reads.
    pub(crate) fn of(media_type: &str) -> Option<Syntax> {
        let media_type = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media_type.as_str() {
            "application/json" => Some(Syntax::Json),
            "application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml" => {
                Some(Syntax::Yaml)
            }
            "application/x-ndjson" | "application/jsonl" | "application/json-lines" => {
                Some(Syntax::JsonLines)
            }
            _ => None,
        }
    }
}

/// A piece of a batch's body, as [`Cutter`] cuts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cut {
    /// A line (a profile, presumably), its end of line taken off.
    Line(Vec<u8>),
    /// A line over the limit of a profile (not kept).
    TooLong,
    /// A line past the most lines of a batch: the batch stops there.
    TooMany,
}

/// Cuts a body, chunk by chunk, into numbered lines (from 1, blank lines counted): blank lines
/// skipped, a line over `profile_bytes` not kept, at most `batch_lines` lines.
pub(crate) struct Cutter {
    /// The line begun in an earlier chunk.
    partial: Vec<u8>,
    /// Whether the line begun is over the limit (and so not kept).
    over: bool,
    /// The lines ended so far.
    lines: usize,
    profile_bytes: usize,
    batch_lines: usize,
}

impl Cutter {
    pub(crate) fn new(profile_bytes: usize, batch_lines: usize) -> Cutter {
        Cutter {
            partial: Vec::new(),
            over: false,
            lines: 0,
            profile_bytes,
            batch_lines,
        }
    }

    /// The lines ended so far.
    pub(crate) fn lines(&self) -> usize {
        self.lines
    }

    /// The lines `chunk` ends (and [`Cut::TooMany`] past the most lines, the last cut).
    pub(crate) fn cut(&mut self, mut chunk: &[u8]) -> Vec<(usize, Cut)> {
        let mut cut = Vec::new();
        while !chunk.is_empty() {
            if self.lines == self.batch_lines {
                cut.push((self.lines + 1, Cut::TooMany));
                return cut;
            }
            let mut parts = chunk.splitn(2, |&b| b == b'\n');
            let piece = parts.next().unwrap_or_default();
            let rest = parts.next();
            chunk = rest.unwrap_or_default();
            if self.partial.len() + piece.len() > self.profile_bytes {
                self.over = true;
                self.partial.clear();
            } else if !self.over {
                self.partial.extend_from_slice(piece);
            }
            if rest.is_some() {
                cut.extend(self.end_line());
            }
        }
        cut
    }

    /// The end of the body: the last line, if it has no end of line.
    pub(crate) fn end(&mut self) -> Vec<(usize, Cut)> {
        if self.partial.is_empty() && !self.over {
            return Vec::new();
        }
        if self.lines == self.batch_lines {
            return vec![(self.lines + 1, Cut::TooMany)];
        }
        self.end_line().into_iter().collect()
    }

    fn end_line(&mut self) -> Option<(usize, Cut)> {
        self.lines += 1;
        if std::mem::take(&mut self.over) {
            return Some((self.lines, Cut::TooLong));
        }
        let line = self.partial.strip_suffix(b"\r").unwrap_or(&self.partial);
        let kept = if line.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            // Exactly as long as the line: the read-ahead counts its bytes.
            Some((self.lines, Cut::Line(line.to_vec())))
        };
        self.partial.clear();
        kept
    }
}
