//! The service's request parsing (`practice-guide serve`), as it runs: this target compiles the
//! tool's own `cli/src/serve/request.rs` and reads, as `POST /evaluate` and
//! `POST /evaluate/batch` do, a query (into the service's options, with `serde_urlencoded` as
//! axum's `Query` does, then resolved against the embedded guide), a `Content-Type`, and a body:
//! one profile (JSON or YAML) or a batch of JSON Lines cut in the chunks the input chooses, with
//! small limits so that over-long lines and over-long batches come up. Most queries are built
//! from the options' own words, most profiles from the embedded guide's facts (`common`), and
//! some of each are arbitrary text.
//!
//! Checked: nothing panics; a batch cuts into the same lines whatever its chunks, and those a
//! plain reference (split at `\n`, a `\r` before it dropped, blank lines skipped but counted)
//! gives; every profile that reads answers in the format asked, and a JSON profile the service
//! writes reads back. What would change each result (`changes=true`) is left out: it costs
//! about a millisecond a family, a thousand times an evaluation, and has its own brute-force tests.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use practice_guide::{Filter, Guide, PreparedProfile};

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

#[path = "../../cli/src/serve/request.rs"]
#[allow(dead_code)]
mod request;

use request::{Cut, Cutter, Format, Options, Syntax};

#[derive(Arbitrary, Debug)]
struct Request {
    query: Query,
    content_type: ContentType,
    body: Body,
}

#[derive(Arbitrary, Debug)]
enum Query {
    Pairs(Vec<(Key, Word)>),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum Key {
    MinEvidence,
    Audience,
    SkipOpen,
    Format,
    Other(String),
}

/// A value: mostly one the options take (the guide's ids, the formats, booleans).
#[derive(Arbitrary, Debug)]
enum Word {
    Level(u8),
    Audience(u8),
    Format(u8),
    Bool(bool),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum ContentType {
    Json,
    Yaml(u8),
    JsonLines(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum Body {
    /// One profile of the embedded guide's facts, as JSON or YAML; or text.
    Profile,
    Text(String),
    /// JSON Lines: each a profile (drawn after the request) or text, cut into chunks.
    Batch {
        lines: Vec<Line>,
        chunks: Vec<u8>,
        profile_bytes: u8,
        batch_lines: u8,
    },
}

#[derive(Arbitrary, Debug)]
enum Line {
    Profile { crlf: bool },
    Blank(u8),
    Text(String),
}

const FORMATS: [&str; 4] = ["json", "compact", "markdown", "html"];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(request) = Request::arbitrary(&mut u) else {
        return;
    };
    let pooled = &common::POOL[0];
    let guide = &pooled.guide;
    let query = query(guide, &request.query);
    let Ok(options) = serde_urlencoded::from_str::<Options>(&query) else {
        return;
    };
    let Ok(filter) = guide.filter(&options.evaluation_options()) else {
        return;
    };
    let content_type = match &request.content_type {
        ContentType::Json => "application/json".to_owned(),
        ContentType::Yaml(i) => [
            "application/yaml",
            "TEXT/YAML; charset=utf-8",
            "text/x-yaml",
        ][usize::from(*i) % 3]
            .to_owned(),
        ContentType::JsonLines(i) => {
            ["application/x-ndjson", " application/jsonl ;q=1"][usize::from(*i) % 2].to_owned()
        }
        ContentType::Text(text) => text.clone(),
    };
    let Some(syntax) = Syntax::of(&content_type) else {
        return;
    };
    match &request.body {
        Body::Batch {
            lines,
            chunks,
            profile_bytes,
            batch_lines,
        } => {
            let body = batch(pooled, lines, &mut u);
            let limits = (
                1 + usize::from(*profile_bytes) * 4,
                1 + usize::from(*batch_lines) % 8,
            );
            batch_lines_answer(guide, &options, &filter, &body, chunks, limits);
        }
        body if syntax != Syntax::JsonLines => {
            let text = match body {
                Body::Text(text) => text.clone(),
                _ => {
                    let profile = common::profile(pooled, &mut u);
                    if syntax == Syntax::Yaml {
                        yaml(&profile)
                    } else {
                        serde_json::to_string(&profile).expect("a profile serializes")
                    }
                }
            };
            let read = match syntax {
                Syntax::Yaml => guide.read_profile("profile", &text),
                _ => guide.read_profile_json("profile", &text),
            };
            match read {
                Ok(family) => answer(&family, &filter, options.format),
                Err(err) => assert!(!err.problems().is_empty()),
            }
            if matches!(body, Body::Profile) {
                // A profile the service's clients write reads, whatever its syntax.
                assert!(
                    guide.read_profile("profile", &text).is_ok(),
                    "a written profile reads: {text}"
                );
            }
        }
        _ => {}
    }
});

/// The query string: pairs of the options' words (percent-encoded), or text as it is.
fn query(guide: &Guide, query: &Query) -> String {
    let pairs = match query {
        Query::Text(text) => return text.clone(),
        Query::Pairs(pairs) => pairs,
    };
    let levels: Vec<&str> = guide
        .evidence_scale()
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    let audiences: Vec<&str> = guide.audiences().iter().map(|a| a.id.as_str()).collect();
    let pick = |names: &[&str], i: u8| {
        names
            .get(usize::from(i) % names.len().max(1))
            .map_or("none".to_owned(), |s| (*s).to_owned())
    };
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, word) in pairs {
        let key = match key {
            Key::MinEvidence => "min_evidence",
            Key::Audience => "audience",
            Key::SkipOpen => "skip_open",
            Key::Format => "format",
            Key::Other(text) => text,
        };
        let word = match word {
            Word::Level(i) => pick(&levels, *i),
            Word::Audience(i) => pick(&audiences, *i),
            Word::Format(i) => FORMATS[usize::from(*i) % FORMATS.len()].to_owned(),
            Word::Bool(b) => b.to_string(),
            Word::Text(text) => text.clone(),
        };
        out.append_pair(key, &word);
    }
    out.finish()
}

/// A profile as YAML, as a client might write it (JSON is YAML too, but not every client
/// writes it so): one `fact: value` line each.
fn yaml(profile: &practice_guide::FamilyProfile) -> String {
    let json = serde_json::to_value(profile).expect("a profile serializes");
    let mut out = String::new();
    for (fact, value) in json.as_object().into_iter().flatten() {
        out.push_str(&format!("{fact}: {value}\n"));
    }
    if out.is_empty() {
        "{}\n".to_owned()
    } else {
        out
    }
}

/// The batch's body: its lines, each ended by `\n` (or `\r\n`).
fn batch(pooled: &common::Pooled, lines: &[Line], u: &mut Unstructured) -> Vec<u8> {
    let mut body = Vec::new();
    for line in lines {
        match line {
            Line::Profile { crlf } => {
                let profile = common::profile(pooled, u);
                body.extend(serde_json::to_vec(&profile).expect("a profile serializes"));
                if *crlf {
                    body.push(b'\r');
                }
            }
            Line::Blank(n) => body.extend(std::iter::repeat_n(b' ', usize::from(*n % 4))),
            Line::Text(text) => body.extend(text.as_bytes()),
        }
        body.push(b'\n');
    }
    body
}

/// Cuts `body` as the service does, in the chunks `chunks` gives (their sizes), checks the cut
/// against one chunk and against the reference, and answers each line as the service does.
fn batch_lines_answer(
    guide: &Guide,
    options: &Options,
    filter: &Filter,
    body: &[u8],
    chunks: &[u8],
    (profile_bytes, batch_lines): (usize, usize),
) {
    let cut = |sizes: &mut dyn Iterator<Item = usize>| {
        let mut cutter = Cutter::new(profile_bytes, batch_lines);
        let (mut rest, mut cuts) = (body, Vec::new());
        while !rest.is_empty() {
            let (chunk, after) =
                rest.split_at(sizes.next().unwrap_or(rest.len()).clamp(1, rest.len()));
            cuts.extend(cutter.cut(chunk));
            rest = after;
            if matches!(cuts.last(), Some((_, Cut::TooMany))) {
                return cuts;
            }
        }
        cuts.extend(cutter.end());
        cuts
    };
    let chunked = cut(&mut chunks.iter().map(|&c| usize::from(c)));
    let whole = cut(&mut std::iter::empty());
    assert_eq!(chunked, whole, "cut in chunks {chunks:?}");
    assert_eq!(
        whole,
        reference(body, profile_bytes, batch_lines),
        "against the reference"
    );
    for (number, cut) in whole.iter().take(4) {
        let Cut::Line(line) = cut else { continue };
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        if let Ok(family) = guide.read_profile_json(&format!("line {number}"), text) {
            // A batch answers in JSON Lines: json or compact (markdown is refused before).
            let format = if options.format == Format::Compact {
                Format::Compact
            } else {
                Format::Json
            };
            answer(&family, filter, format);
        }
    }
}

/// The lines of a batch, plainly: split at `\n`; a line past the most is where it stops.
fn reference(body: &[u8], profile_bytes: usize, batch_lines: usize) -> Vec<(usize, Cut)> {
    let parts: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() && part.is_empty() {
            break;
        }
        if i == batch_lines {
            out.push((i + 1, Cut::TooMany));
            break;
        }
        if part.len() > profile_bytes {
            out.push((i + 1, Cut::TooLong));
            continue;
        }
        let line = part.strip_suffix(b"\r").unwrap_or(part);
        if !line.iter().all(u8::is_ascii_whitespace) {
            out.push((i + 1, Cut::Line(line.to_vec())));
        }
    }
    out
}

/// The answer to one profile, in `format`, as the service writes it.
fn answer(family: &PreparedProfile<'_>, filter: &Filter, format: Format) {
    let evaluation = family.evaluate_filtered(filter);
    match format {
        Format::Markdown => {
            let _ = evaluation.to_markdown();
        }
        Format::Compact => {
            serde_json::to_string(&evaluation.compact()).expect("a compact result serializes");
        }
        Format::Json => {
            let mut body = Vec::new();
            evaluation.write_json(&mut body);
            let _: serde_json::Value = serde_json::from_slice(&body).expect("the answer is JSON");
        }
    }
}
