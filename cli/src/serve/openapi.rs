//! The OpenAPI 3.1 description of the service, made here for the guide serving (its evidence
//! levels and audiences are the options' values), and committed for the embedded guide as
//! `cli/openapi.json` (a test keeps the two equal). Result shapes are the crate's JSON Schemas,
//! served beside it.

use practice_guide::Guide;
use serde_json::{Value, json};

/// The JSON Schema of an evaluation (`GET /schema/evaluation.json`).
pub(crate) const EVALUATION_SCHEMA: &str = include_str!("../../../schema/evaluation.schema.json");
/// The JSON Schema of a compact evaluation (`GET /schema/compact-evaluation.json`).
pub(crate) const COMPACT_SCHEMA: &str =
    include_str!("../../../schema/compact-evaluation.schema.json");

/// The description as pretty JSON (committed for the embedded guide).
pub(crate) fn text(guide: &Guide) -> String {
    serde_json::to_string_pretty(&document(guide)).unwrap_or_default()
}

/// The description of the service serving `guide`.
pub(crate) fn document(guide: &Guide) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "practice-guide",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Evaluate a family's circumstances against a Practice Guide: which recommendations and key principles apply, with their evidence, why, and where the guide says so; what is still open and what to ask next. Every response names the content hash of the guide that answered in X-Guide-Content-Hash. Nothing about a family is logged or kept. A request is answered only when addressed (Host) to localhost, 127.0.0.1, [::1] or a name the service was started with (421 otherwise); a request other than GET or HEAD whose Origin is not the service's own is refused (403).",
            "license": { "name": "MIT OR Apache-2.0" }
        },
        "paths": {
            "/evaluate": { "post": evaluate(guide) },
            "/evaluate/batch": { "post": batch(guide) },
            "/guide": { "get": guide_path() },
            "/health": { "get": health() },
            "/admin/reload": { "post": reload() },
            "/schema/profile.json": { "get": schema_path("The JSON Schema of a profile for the guide serving.", true) },
            "/schema/evaluation.json": { "get": schema_path("The JSON Schema of an evaluation.", false) },
            "/schema/compact-evaluation.json": { "get": schema_path("The JSON Schema of a compact evaluation.", false) },
            "/openapi.json": { "get": {
                "summary": "This description.",
                "security": [],
                "responses": { "200": { "description": "The OpenAPI description.", "content": { "application/json": {} } } }
            } }
        },
        "components": components(),
        "security": [ {}, { "bearer": [] } ]
    })
}

fn evaluate(guide: &Guide) -> Value {
    json!({
        "summary": "Evaluate one family's profile.",
        "description": "The profile as JSON or YAML: facts by name, facts not known left out. The answer is the evaluation: every recommendation and principle with its status, evidence, reasons, missing facts, what remains open and the values that would decide it, the questions to ask next, and (with changes=true) the smallest changes that would make each result that does not apply apply.",
        "parameters": options(guide, true),
        "requestBody": {
            "required": true,
            "content": {
                "application/json": { "schema": { "$ref": "/schema/profile.json" } },
                "application/yaml": { "schema": { "$ref": "/schema/profile.json" } }
            }
        },
        "responses": {
            "200": {
                "description": "The evaluation.",
                "headers": hash_header(),
                "content": {
                    "application/json": { "schema": { "oneOf": [
                        { "$ref": "/schema/evaluation.json" },
                        { "$ref": "/schema/compact-evaluation.json" }
                    ] } },
                    "text/markdown": { "schema": { "type": "string" } }
                }
            },
            "400": error("The profile or the options do not fit the guide: the located problems."),
            "401": error("An access token is configured and the request does not carry it."),
            "403": error("The request comes from another origin (a web page elsewhere)."),
            "408": error("The body stopped arriving, or the request took longer than the service allows."),
            "413": error("The body is over the limit (256 KiB)."),
            "415": error("The Content-Type is neither JSON nor YAML."),
            "503": error("The service is handling its most requests at once; try again (Retry-After). Or, with changes=true, what would change the results was not found within --changes-budget.")
        }
    })
}

fn batch(guide: &Guide) -> Value {
    json!({
        "summary": "Evaluate many profiles: JSON Lines in, JSON Lines out, streamed.",
        "description": "One JSON profile a line (blank lines skipped but counted), at most 100,000 lines of at most 256 KiB each. The answer is streamed: each answer line is written as soon as its profile is evaluated, while the body is still being read; it is that profile's evaluation, or {\"line\": N, \"error\": {...}} for a line that does not fit (its problems), is over 256 KiB (413) or is not UTF-8. What stops the batch once answering has begun (its body stops arriving: 408; more than 100,000 lines: 413) is its last line, {\"error\": {...}} without a line number.",
        "parameters": options(guide, false),
        "requestBody": { "required": true, "content": { "application/x-ndjson": { "schema": { "type": "string" } } } },
        "responses": {
            "200": { "description": "One line per profile, in order, as each is evaluated.", "headers": hash_header(),
                     "content": { "application/x-ndjson": { "schema": { "type": "string" } } } },
            "400": error("The options do not fit the guide."),
            "401": error("An access token is configured and the request does not carry it."),
            "403": error("The request comes from another origin (a web page elsewhere)."),
            "415": error("The Content-Type is not application/x-ndjson."),
            "503": error("The service is answering its most batches at once; send it when one has finished (Retry-After).")
        }
    })
}

fn guide_path() -> Value {
    json!({
        "summary": "The guide serving: metadata, vocabulary, recommendations and principles, evidence, sources.",
        "responses": {
            "200": { "description": "The guide's description, with its content hash.", "headers": hash_header(),
                     "content": { "application/json": { "schema": { "type": "object" } } } },
            "401": error("An access token is configured and the request does not carry it.")
        }
    })
}

fn health() -> Value {
    json!({
        "summary": "The service answers, and with which guide.",
        "security": [],
        "responses": {
            "200": { "description": "Serving.", "headers": hash_header(), "content": { "application/json": { "schema": {
                "type": "object",
                "required": ["status", "guide"],
                "properties": {
                    "status": { "const": "ok" },
                    "guide": { "type": "object", "properties": {
                        "id": { "type": "string" }, "version": { "type": "string" }, "content_hash": { "type": "string" } } },
                    "overlay": { "type": ["object", "null"] }
                }
            } } } }
        }
    })
}

fn reload() -> Value {
    json!({
        "summary": "Re-read the rule folders (as SIGHUP does).",
        "description": "On success the new guide serves from the next request. A folder that fails to load is refused with its problems, and the guide loaded before keeps serving. It takes no parameters: an empty body (without Content-Type, or as application/json) or {}.",
        "requestBody": { "required": false, "content": { "application/json": { "schema": { "type": "object", "maxProperties": 0 } } } },
        "responses": {
            "200": { "description": "Reloaded.", "headers": hash_header(), "content": { "application/json": { "schema": {
                "type": "object", "properties": { "status": { "const": "reloaded" }, "content_hash": { "type": "string" },
                "previous_content_hash": { "type": "string" } } } } } },
            "400": error("The body is JSON other than {}."),
            "401": error("An access token is configured and the request does not carry it."),
            "403": error("The request comes from another origin (a web page elsewhere)."),
            "415": error("A body of another type than JSON."),
            "422": error("The rules did not load: their problems; the old guide keeps serving.")
        }
    })
}

fn schema_path(summary: &str, guarded: bool) -> Value {
    let mut path = json!({
        "summary": summary,
        "responses": { "200": { "description": "A JSON Schema (draft 2020-12).", "content": { "application/schema+json": {} } } }
    });
    if let (false, Some(path)) = (guarded, path.as_object_mut()) {
        path.insert("security".to_owned(), json!([]));
    }
    path
}

fn options(guide: &Guide, with_markdown: bool) -> Value {
    let levels: Vec<&str> = guide
        .evidence_scale()
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    let audiences: Vec<&str> = guide.audiences().iter().map(|a| a.id.as_str()).collect();
    let formats = if with_markdown {
        json!(["json", "compact", "markdown"])
    } else {
        json!(["json", "compact"])
    };
    json!([
        { "name": "min_evidence", "in": "query", "schema": { "enum": levels },
          "description": "Keep only recommendations rated at this evidence level or stronger (by id)." },
        { "name": "audience", "in": "query", "schema": { "enum": audiences },
          "description": "Keep only rules and actions written for this audience (by id), or for everyone." },
        { "name": "skip_open", "in": "query", "schema": { "type": "boolean", "default": false },
          "description": "Leave out residuals, deciding values and questions." },
        { "name": "changes", "in": "query", "schema": { "type": "boolean", "default": false },
          "description": "Add, for each result that does not apply, the smallest changes of the profile under which it would (exact; about 1 ms a family on the embedded guide, searched for at most --changes-budget: past it, 503)." },
        { "name": "format", "in": "query", "schema": { "enum": formats, "default": "json" },
          "description": "json: the full evaluation; compact: ids and what is said of the family; markdown: the report." }
    ])
}

fn hash_header() -> Value {
    json!({ "X-Guide-Content-Hash": { "description": "The content hash of the guide that answered.", "schema": { "type": "string" } } })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn components() -> Value {
    json!({
        "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer",
            "description": "Needed when the service is started with an access token." } },
        "schemas": { "Error": {
            "type": "object",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": { "type": "integer" },
                    "message": { "type": "string" },
                    "problems": { "type": "array", "description": "Located problems, as `practice-guide check --format json` gives them.", "items": { "type": "object" } }
                }
            } }
        } }
    })
}
