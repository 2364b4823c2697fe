//! The practitioner's page, driven in a real headless Chromium through WebDriver: a family
//! filled in by clicks, recommendation 1 applying with its evidence, the next question moving on.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them and sets
//! `PRACTICE_GUIDE_BROWSER_TESTS=require`, under which their absence fails the test; elsewhere
//! the test says it is skipped).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Server;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn available() -> bool {
    let present = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    if !present {
        let required = std::env::var("PRACTICE_GUIDE_BROWSER_TESTS").is_ok_and(|v| v == "require");
        assert!(
            !required,
            "{CHROMEDRIVER} and {CHROMIUM} are required here (apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "skipped: no {CHROMEDRIVER} or {CHROMIUM} (apt-get install chromium chromium-driver)"
        );
    }
    present
}

async fn browser(driver: &Driver, profile_dir: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1600",
                format!("--user-data-dir={}", profile_dir.display()),
            ]
        }),
    );
    ClientBuilder::rustls()
        .unwrap()
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session")
}

/// Runs `script` (returning a string) until it returns `want`, or fails after a while.
async fn until(client: &Client, script: &str, want: impl Fn(&str) -> bool, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let value = client.execute(script, Vec::new()).await.unwrap();
        let text = value.as_str().unwrap_or_default().to_owned();
        if want(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{what}: still {text:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const NEXT_QUESTION: &str =
    "return document.getElementById('next-question').getAttribute('data-fact') || '';";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practitioner_fills_in_a_family_and_sees_what_applies_and_what_to_ask_next() {
    if !available() {
        return;
    }
    let server = Server::start(&[]);
    let driver = Driver::start();
    let profile_dir = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile_dir.path()).await;
    client.goto(&server.url("/")).await.unwrap();

    // The form is the vocabulary, every fact "Not known" to begin with.
    let age_3 = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#fact-children_ages input[value=age_3]"))
        .await
        .unwrap();
    let not_known = client
        .find(Locator::Css("#fact-service_level input[data-not-known]"))
        .await
        .unwrap();
    assert!(not_known.is_selected().await.unwrap());
    until(
        &client,
        NEXT_QUESTION,
        |q| !q.is_empty(),
        "a first question",
    )
    .await;
    let status = "return document.getElementById('status').textContent;";
    let before = until(&client, status, |s| !s.is_empty(), "the first results").await;

    // A 3-year-old: the results follow, the question is about the adversities, its fieldset
    // marked.
    age_3.click().await.unwrap();
    until(&client, status, |s| s != before, "results after the age").await;
    until(
        &client,
        NEXT_QUESTION,
        |q| q == "adversities",
        "the question after the age",
    )
    .await;
    let asked = client
        .find(Locator::Css("#fact-adversities"))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap();
    assert!(asked.is_some_and(|c| c.contains("asked")));

    // "Answer it" takes the keyboard to that fact.
    client
        .find(Locator::Css("#next-question button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let focused = "return document.activeElement.closest('fieldset') ? document.activeElement.closest('fieldset').id : '';";
    until(
        &client,
        focused,
        |id| id == "fact-adversities",
        "focus on the asked fact",
    )
    .await;

    // Poverty: recommendation 1 applies, with its evidence, and the next question moves on.
    client
        .find(Locator::Css("#fact-adversities input[value=poverty]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let applies = "const r = document.querySelector('#applies #result-reduce-risk-of-harm'); \
                   return r ? r.querySelector('.evidence').textContent : '';";
    let evidence = until(
        &client,
        applies,
        |e| !e.is_empty(),
        "recommendation 1 applying",
    )
    .await;
    assert_eq!(evidence, "Promising evidence");
    let next = until(
        &client,
        NEXT_QUESTION,
        |q| q != "adversities",
        "the next question",
    )
    .await;
    assert!(!next.is_empty());
    let status = client
        .find(Locator::Id("status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("apply"), "{status}");

    // Nothing came from anywhere but the service.
    let foreign = "return performance.getEntriesByType('resource') \
                   .map(e => e.name).filter(n => !n.startsWith(location.origin)).join(' ');";
    let foreign = client.execute(foreign, Vec::new()).await.unwrap();
    assert_eq!(foreign.as_str(), Some(""));

    client
        .execute("window.scrollTo(0, 0);", Vec::new())
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-page.png");
    std::fs::write(&shot, png).unwrap();
    eprintln!("screenshot: {}", shot.display());
    client.close().await.unwrap();
}
