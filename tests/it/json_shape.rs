//! The JSON shape of results is a contract with services: the example's `--json` output is
//! valid against the committed `schema/evaluation.schema.json`, and reads back as an
//! `Evaluation` equal to the library's own.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use practice_guide::Evaluation;
use serde_json::Value;

/// The example program, built (a no-op when `cargo test` has built it already) so that a test run
/// alone never uses a stale one.
fn recommend() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

fn build() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/it-HASH → target/<profile>/examples/recommend
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = dir
        .join("examples")
        .join(format!("recommend{}", std::env::consts::EXE_SUFFIX));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", "recommend"])
        .status()
        .unwrap();
    assert!(status.success(), "cannot build the example");
    assert!(path.exists(), "{}", path.display());
    path
}

fn run(args: &[&str]) -> String {
    let output = Command::new(recommend()).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "recommend {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    let path = std::path::Path::new("schema/evaluation.schema.json")
        .canonicalize()
        .unwrap();
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let url = format!("file:///{}", path.display());
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(&url, schema).unwrap();
    let index = compiler.compile(&url, &mut schemas).unwrap();
    (schemas, index)
}

#[test]
fn the_examples_json_is_valid_against_the_committed_schema_and_reads_back() {
    let (schemas, index) = validator();
    let overlay = "rules/overlays/example-borough";
    let runs: [(&[&str], &str); 6] = [
        (
            &["examples/profiles/edge-of-care.json"],
            "examples/profiles/edge-of-care.json",
        ),
        (
            &["examples/profiles/little-known.yaml"],
            "examples/profiles/little-known.yaml",
        ),
        (
            &["examples/profiles/older-children.yaml"],
            "examples/profiles/older-children.yaml",
        ),
        (
            &[
                "--overlay",
                overlay,
                "examples/profiles/overlay/edge-of-care.yaml",
            ],
            "examples/profiles/overlay/edge-of-care.yaml",
        ),
        (
            &[
                "--overlay",
                overlay,
                "examples/profiles/overlay/digital-exclusion.yaml",
            ],
            "examples/profiles/overlay/digital-exclusion.yaml",
        ),
        (
            &[
                "--overlay",
                overlay,
                "examples/profiles/overlay/postcode-unknown.yaml",
            ],
            "examples/profiles/overlay/postcode-unknown.yaml",
        ),
    ];
    for (args, profile) in runs {
        let mut args = args.to_vec();
        args.push("--json");
        let text = run(&args);
        let json: Value = serde_json::from_str(&text).unwrap();
        if let Err(err) = schemas.validate(&json, index) {
            panic!("recommend {args:?}: the output is not valid against the schema:\n{err:#}");
        }
        // It deserializes, and is what the library gives for the same profile.
        let back: Evaluation<'static> = serde_json::from_str(&text).unwrap();
        let national = practice_guide::parenting_through_adversity();
        let guide = if args.contains(&"--overlay") {
            national.with_overlay_dir(overlay).unwrap()
        } else {
            national.clone()
        };
        let family = guide
            .read_profile(profile, &std::fs::read_to_string(profile).unwrap())
            .unwrap();
        assert_eq!(back, family.evaluate(), "{args:?}");
    }
}

#[test]
fn the_schema_rejects_results_of_another_shape() {
    let (schemas, index) = validator();
    let text = run(&[
        "--overlay",
        "rules/overlays/example-borough",
        "examples/profiles/overlay/edge-of-care.yaml",
        "--json",
    ]);
    let good: Value = serde_json::from_str(&text).unwrap();
    assert!(good["overlay"]["fictional"].as_bool().unwrap());
    let mut bad = good.clone();
    bad["recommendations"][0]["status"] = Value::from("maybe");
    assert!(schemas.validate(&bad, index).is_err());
    let mut bad = good.clone();
    bad["guide"].as_object_mut().unwrap().remove("content_hash");
    assert!(schemas.validate(&bad, index).is_err());
    let mut bad = good;
    let services = bad["recommendations"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r.get("services").is_some())
        .unwrap();
    services["services"][0]["delivery"] = Value::from("carrier_pigeon");
    assert!(schemas.validate(&bad, index).is_err());
}

#[test]
fn the_example_prints_markdown_with_the_overlays_disclaimer() {
    let markdown = run(&[
        "--overlay",
        "rules/overlays/example-borough",
        "examples/profiles/overlay/toddler-universal.yaml",
        "--markdown",
    ]);
    assert!(
        markdown.starts_with("# Parenting Through Adversity"),
        "{markdown}"
    );
    assert!(markdown.contains("> **FICTIONAL EXAMPLE:"), "{markdown}");
    assert!(markdown.contains("**Toddler Talk and Play** (`toddler-talk-and-play`)"));
    assert!(markdown.contains("**Does not fit the guide:** online delivery"));
}
