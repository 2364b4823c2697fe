//! `practice-guide serve`, as a system not written in Rust meets it: over real HTTP on loopback.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Server, get, post, post_with};

const FAMILY_HELP: &str = include_str!("../../examples/profiles/family-help.yaml");

#[test]
fn a_yaml_profile_is_evaluated_with_what_is_open_and_what_would_change() {
    let server = Server::start(&[]);
    let url = server.url("/evaluate?changes=true");
    let answer = post(&url, "application/yaml", FAMILY_HELP);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let evaluation = answer.json();
    let hash = evaluation["guide"]["content_hash"].as_str().unwrap();
    assert!(hash.starts_with("sha256:"));
    assert_eq!(
        answer.hash.as_deref(),
        Some(hash),
        "the header names the guide that answered"
    );
    let first = &evaluation["recommendations"][0];
    assert_eq!(first["status"], "applies");
    assert!(
        first["sources"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert!(
        evaluation["changes"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    // What would change is costly to work out: only when asked.
    let plain = post(&server.url("/evaluate"), "application/yaml", FAMILY_HELP).json();
    assert!(plain.get("changes").is_none());
}

#[test]
fn what_would_change_past_its_budget_is_a_503_that_names_the_budget() {
    // A microsecond: no search for what would change a family's results ends within it.
    let server = Server::start(&["--changes-budget", "0.001ms"]);
    let answer = post(
        &server.url("/evaluate?changes=true"),
        "application/yaml",
        FAMILY_HELP,
    );
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let error = answer.json();
    assert_eq!(error["error"]["status"], 503);
    assert_eq!(
        error["error"]["message"],
        "what would change the results was not found within the budget of 0.001ms \
         (--changes-budget): ask without changes=true, or start the service with a larger \
         --changes-budget"
    );
    // The thread is free: the same family without changes is answered, as are other families.
    let plain = post(&server.url("/evaluate"), "application/yaml", FAMILY_HELP);
    assert_eq!(plain.status, 200, "{}", plain.body);
    // In a batch, the family past its budget is answered on its line.
    let body = "{\"children_ages\": [\"age_3\"], \"service_level\": \"universal\"}\n";
    let batch = post(
        &server.url("/evaluate/batch?changes=true"),
        "application/x-ndjson",
        body,
    );
    assert_eq!(batch.status, 200, "{}", batch.body);
    let line: serde_json::Value = serde_json::from_str(batch.body.trim()).unwrap();
    assert_eq!(line["line"], 1);
    assert_eq!(line["error"]["status"], 503);
    // The default budget is ample for the embedded guide.
    let roomy = Server::start(&[]);
    let answer = post(
        &roomy.url("/evaluate/batch?changes=true"),
        "application/x-ndjson",
        body,
    );
    let line: serde_json::Value = serde_json::from_str(answer.body.trim()).unwrap();
    assert!(
        line["changes"].as_array().is_some_and(|c| !c.is_empty()),
        "{line}"
    );
}

#[test]
fn a_half_known_json_profile_gets_residuals_and_questions() {
    let server = Server::start(&[]);
    let answer = post(
        &server.url("/evaluate"),
        "application/json",
        r#"{"children_ages": ["age_3"]}"#,
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let evaluation = answer.json();
    assert_eq!(evaluation["questions"][0]["fact"], "adversities");
    let open = evaluation["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "undetermined")
        .expect("something is open");
    assert!(open["residual"].is_object());
    assert!(open["deciding"].as_array().is_some_and(|d| !d.is_empty()));
}

#[test]
fn options_and_formats_are_query_parameters() {
    let server = Server::start(&[]);
    let url = server.url("/evaluate?min_evidence=strong&format=compact");
    let compact = post(&url, "application/yaml", FAMILY_HELP);
    assert_eq!(compact.status, 200, "{}", compact.body);
    let json = compact.json();
    assert!(
        json["recommendations"][0].get("title").is_none(),
        "compact leaves texts out"
    );
    assert!(
        json["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["evidence"] == "strong")
    );
    let markdown = post(
        &server.url("/evaluate?format=markdown"),
        "application/yaml",
        FAMILY_HELP,
    );
    assert_eq!(markdown.status, 200);
    assert!(markdown.content_type.unwrap().starts_with("text/markdown"));
    assert!(markdown.body.starts_with("# Parenting Through Adversity"));
    let typo = post(
        &server.url("/evaluate?min_evidence=strnog"),
        "application/yaml",
        FAMILY_HELP,
    );
    assert_eq!(typo.status, 400);
    assert_eq!(typo.json()["error"]["problems"][0]["suggestion"], "strong");
    let unknown = post(
        &server.url("/evaluate?colour=red"),
        "application/yaml",
        FAMILY_HELP,
    );
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
}

#[test]
fn a_bad_profile_is_400_with_the_located_problems_the_tool_shows() {
    let server = Server::start(&[]);
    let answer = post(
        &server.url("/evaluate"),
        "application/yaml",
        "children_ages: [age_3]\nservice_levle: family_help\n",
    );
    assert_eq!(answer.status, 400);
    let error = &answer.json()["error"];
    assert_eq!(error["status"], 400);
    let problem = &error["problems"][0];
    assert_eq!(problem["code"], "unknown_fact");
    assert_eq!(problem["line"], 2);
    assert_eq!(problem["suggestion"], "service_level");
    assert!(answer.hash.is_some());
}

#[test]
fn wrong_content_type_is_415_too_large_is_413_unknown_is_404_wrong_method_is_405() {
    let server = Server::start(&[]);
    let plain = post(&server.url("/evaluate"), "text/plain", "children_ages: []");
    assert_eq!(plain.status, 415);
    assert!(
        plain.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );
    let huge = format!("{{\"x\": \"{}\"}}", "a".repeat(300 * 1024));
    let large = post(&server.url("/evaluate"), "application/json", &huge);
    assert_eq!(large.status, 413);
    assert_eq!(large.json()["error"]["status"], 413);
    let missing = get(&server.url("/nowhere"));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["status"], 404);
    let method = get(&server.url("/evaluate"));
    assert_eq!(method.status, 405);
    assert_eq!(method.json()["error"]["status"], 405);
}

#[test]
fn a_batch_is_json_lines_in_and_out_with_errors_on_their_lines() {
    let server = Server::start(&[]);
    let body = "{\"children_ages\": [\"age_3\"]}\n\n{\"children_ages\": 3}\n{\"service_level\": \"universal\"}\n";
    let answer = post(&server.url("/evaluate/batch"), "application/x-ndjson", body);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.content_type.as_deref(), Some("application/x-ndjson"));
    let lines: Vec<serde_json::Value> = answer
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        3,
        "one answer per profile, blank lines skipped"
    );
    assert!(lines[0]["recommendations"].is_array());
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[1]["error"]["problems"][0]["file"], "line 3");
    assert!(lines[2]["recommendations"].is_array());
    let yaml = post(&server.url("/evaluate/batch"), "application/yaml", "a: 1");
    assert_eq!(yaml.status, 415);
}

#[test]
fn the_guide_health_schemas_and_openapi_are_served() {
    let server = Server::start(&[]);
    let guide = get(&server.url("/guide"));
    assert_eq!(guide.status, 200);
    let guide = guide.json();
    let fact = guide["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "adversities")
        .unwrap();
    assert!(fact["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(fact["values"].as_array().is_some_and(|v| v.len() > 1));
    assert_eq!(guide["recommendations"][0]["evidence"], "promising");
    let health = get(&server.url("/health")).json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["guide"]["content_hash"], guide["content_hash"]);
    for schema in [
        "/schema/profile.json",
        "/schema/evaluation.json",
        "/schema/compact-evaluation.json",
    ] {
        let answer = get(&server.url(schema));
        assert_eq!(answer.status, 200, "{schema}");
        assert!(answer.json().is_object());
    }
    let openapi = get(&server.url("/openapi.json")).json();
    assert_eq!(openapi["openapi"], "3.1.0");
}

#[test]
fn the_committed_openapi_description_is_current() {
    let printed = Command::new(env!("CARGO_BIN_EXE_practice-guide"))
        .args(["serve", "--print-openapi"])
        .output()
        .unwrap();
    assert!(printed.status.success());
    let printed = String::from_utf8(printed.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &printed).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == printed,
        "cli/openapi.json is not what the service describes: regenerate it with \
         `cargo run -p practice-guide-cli -- serve --print-openapi > cli/openapi.json` \
         (or UPDATE_OPENAPI=1 cargo test -p practice-guide-cli --test serve)"
    );
    // Every path the description names answers (none is a 404).
    let server = Server::start(&[]);
    let description: serde_json::Value = serde_json::from_str(&committed).unwrap();
    for (path, methods) in description["paths"].as_object().unwrap() {
        if methods.get("get").is_some() {
            assert_ne!(get(&server.url(path)).status, 404, "{path}");
        }
    }
}

#[test]
fn a_token_is_needed_off_loopback_and_then_on_every_api_request() {
    let refused = Command::new(env!("CARGO_BIN_EXE_practice-guide"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .env_remove("PRACTICE_GUIDE_TOKEN")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("without an access token"), "{stderr}");

    let short = Command::new(env!("CARGO_BIN_EXE_practice-guide"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("PRACTICE_GUIDE_TOKEN", "s3cret")
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2), "a guessable token is refused");
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 16"));

    let token = "s3cret-token-of-24-chars";
    let server = Server::start_with(&[], &[("PRACTICE_GUIDE_TOKEN", token)]);
    let without = post(&server.url("/evaluate"), "application/yaml", FAMILY_HELP);
    assert_eq!(without.status, 401);
    let wrong = post_with(
        &server.url("/evaluate"),
        &[
            ("Content-Type", "application/yaml"),
            ("Authorization", "Bearer s3cret-token-of-24-charz"),
        ],
        FAMILY_HELP,
    );
    assert_eq!(wrong.status, 401);
    let right = post_with(
        &server.url("/evaluate"),
        &[
            ("Content-Type", "application/yaml"),
            ("Authorization", "Bearer s3cret-token-of-24-chars"),
        ],
        FAMILY_HELP,
    );
    assert_eq!(right.status, 200);
    assert_eq!(get(&server.url("/guide")).status, 401);
    assert_eq!(
        post(&server.url("/admin/reload"), "application/json", "").status,
        401
    );
    // The page and health need no token: they say nothing about a family.
    assert_eq!(get(&server.url("/")).status, 200);
    assert_eq!(get(&server.url("/health")).status, 200);
}

#[test]
fn rules_reload_without_a_restart_and_a_broken_folder_leaves_the_old_guide_serving() {
    let folder = tempfile::tempdir().unwrap();
    common::copy_folder(Path::new(common::GUIDE_DIR), folder.path());
    let dir = folder.path().to_str().unwrap();
    let server = Server::start(&["--rules", dir]);
    let before = get(&server.url("/health")).json()["guide"]["content_hash"].clone();

    common::bump_version(folder.path(), "0.3.1-local");
    let reloaded = post(&server.url("/admin/reload"), "application/json", "");
    assert_eq!(reloaded.status, 200, "{}", reloaded.body);
    let after = reloaded.json()["content_hash"].clone();
    assert_ne!(after, before);
    assert_eq!(reloaded.json()["previous_content_hash"], before);
    let evaluated = post(&server.url("/evaluate"), "application/yaml", FAMILY_HELP);
    assert_eq!(evaluated.json()["guide"]["content_hash"], after);
    assert_eq!(evaluated.hash.as_deref(), after.as_str());

    // A broken rule: refused with its problems; the guide just loaded keeps serving.
    let recommendations = folder.path().join("recommendations.yaml");
    let text = std::fs::read_to_string(&recommendations).unwrap();
    std::fs::write(
        &recommendations,
        text.replacen("\n  evidence:", "\n  evidense:", 1),
    )
    .unwrap();
    let refused = post(&server.url("/admin/reload"), "application/json", "");
    assert_eq!(refused.status, 422, "{}", refused.body);
    let error = &refused.json()["error"];
    assert!(error["message"].as_str().unwrap().contains("keeps serving"));
    let problem = &error["problems"][0];
    assert!(
        problem["file"]
            .as_str()
            .unwrap()
            .ends_with("recommendations.yaml")
    );
    assert!(problem["message"].as_str().unwrap().contains("evidense"));
    assert_eq!(refused.hash.as_deref(), after.as_str());
    let still = post(&server.url("/evaluate"), "application/yaml", FAMILY_HELP);
    assert_eq!(still.status, 200);
    assert_eq!(still.json()["guide"]["content_hash"], after);
}

#[cfg(unix)]
#[test]
fn a_hangup_signal_reloads_the_rules() {
    let folder = tempfile::tempdir().unwrap();
    common::copy_folder(Path::new(common::GUIDE_DIR), folder.path());
    let server = Server::start(&["--rules", folder.path().to_str().unwrap()]);
    let before = get(&server.url("/health")).json()["guide"]["content_hash"].clone();
    common::bump_version(folder.path(), "0.3.2-local");
    server.hang_up();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = get(&server.url("/health")).json()["guide"]["content_hash"].clone();
        if now != before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no reload after SIGHUP: {}",
            server.output()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        server
            .output()
            .contains("reloaded: now serving content hash")
    );
}

#[test]
fn nothing_a_family_said_reaches_the_log() {
    let marker = "MARKER-7f3a-family-secret";
    // Its working folder, temporary folder and home are one empty folder, which must stay so.
    let folder = tempfile::tempdir().unwrap();
    let server = Server::start_in(&[], &[], Some(folder.path()));
    // A marker in every place a request can carry one: values, fact names, the query, the path.
    let profile = format!("children_ages: [{marker}]\n{marker}_fact: {marker}\n");
    let answer = post(&server.url("/evaluate"), "application/yaml", &profile);
    assert_eq!(answer.status, 400);
    let good = post(
        &server.url(&format!("/evaluate?audience={marker}")),
        "application/yaml",
        FAMILY_HELP,
    );
    assert_eq!(good.status, 400);
    let batch = format!("{{\"children_ages\": [\"{marker}\"]}}\n");
    post(
        &server.url("/evaluate/batch"),
        "application/x-ndjson",
        &batch,
    );
    get(&server.url(&format!("/{marker}")));
    let ok = post(&server.url("/evaluate"), "application/yaml", FAMILY_HELP);
    assert_eq!(ok.status, 200);
    // The requests were logged (so the log is being read), but not what they carried.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.output().contains("POST /evaluate 200") {
        assert!(
            Instant::now() < deadline,
            "no request lines: {}",
            server.output()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = server.output();
    assert!(output.contains("POST /evaluate 400"), "{output}");
    assert!(!output.contains("MARKER"), "{output}");
    assert!(!output.contains("7f3a"), "{output}");
    let written: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(written.is_empty(), "the service wrote {written:?}");
    assert_eq!(ok.content_type.as_deref(), Some("application/json"));
}
