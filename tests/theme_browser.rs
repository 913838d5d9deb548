//! The default theme as readers and auditors meet it: the demo site in this repository, built by
//! the real binary, opened in headless Chromium (axe-core accessibility audit at WCAG 2.2 AA,
//! no requests elsewhere, no scripts, no layout shift, nothing wider than a phone, screenshots)
//! and checked by the Nu Html Checker (HTML and CSS).
//!
//! The tools come from outside Cargo: Debian's `chromium` at /usr/bin/chromium, Node with the
//! packages pinned in tests/browser/package-lock.json (`npm ci` there), and Java for vnu.jar.
//! When one is missing these tests print why and pass, unless `BYLINE_BROWSER_TESTS=1` is set
//! (as `.ci/run` does): then a missing tool is a failure.
//!
//! Screenshots of the story page (375 px and 1280 px wide, light and dark) are written to
//! `target/screenshots/`.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::byline;

const CHROMIUM: &str = "/usr/bin/chromium";
/// The story page that is photographed: it has every part of a story (series, topics, header
/// image, byline roles, a correction, figures, a quotation, footnotes, claims, sources,
/// funding, previous and next in the series).
const STORY: &str = "/signal-brokers/carrow-phone-locations/";
/// "20 KB" read strictly: style.css and highlight.css together.
const CSS_BUDGET: usize = 20_000;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn vnu_jar() -> PathBuf {
    browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

/// Whether the browser tests must run (CI) rather than skip when a tool is missing.
fn required() -> bool {
    std::env::var("BYLINE_BROWSER_TESTS").is_ok_and(|value| value == "1")
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|output| output.status.success())
}

/// None when every tool in `needs` is there; otherwise what is missing and how to get it.
fn missing(needs: &[&str]) -> Option<String> {
    let mut missing = Vec::new();
    for need in needs {
        match *need {
            "chromium" if !Path::new(CHROMIUM).is_file() => {
                missing.push(format!("{CHROMIUM} (apt-get install chromium)"));
            }
            "node" if !runs("node", "--version") => missing.push("node".to_string()),
            "node_modules"
                if !browser_dir()
                    .join("node_modules/playwright-core/package.json")
                    .is_file()
                    || !browser_dir()
                        .join("node_modules/axe-core/axe.min.js")
                        .is_file() =>
            {
                missing.push("tests/browser/node_modules (run `npm ci` in tests/browser)".into());
            }
            "java" if !runs("java", "-version") => missing.push("java".to_string()),
            "vnu" if !vnu_jar().is_file() => {
                missing.push("vnu.jar (run `npm ci` in tests/browser)".to_string());
            }
            _ => {}
        }
    }
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// True when the test should go on; prints the reason and returns false when it is skipped.
fn tools_present(test: &str, needs: &[&str]) -> bool {
    let Some(missing) = missing(needs) else {
        return true;
    };
    assert!(
        !required(),
        "BYLINE_BROWSER_TESTS=1 but {test} cannot run: missing {missing}"
    );
    // Written to stderr directly rather than with eprintln!, which the test harness captures
    // and shows only for failing tests: a skip should be seen.
    let _ = writeln!(
        std::io::stderr(),
        "skipping {test}: missing {missing} (set BYLINE_BROWSER_TESTS=1 to make this a failure)"
    );
    false
}

/// The demo site (the repository root), built once by the real binary into a temporary folder.
fn demo_site() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let output = dir.path().join("public");
            let run = byline(
                &[
                    "build",
                    "--root",
                    env!("CARGO_MANIFEST_DIR"),
                    "--output",
                    output.to_str().unwrap(),
                ],
                dir.path(),
            );
            run.assert_success();
            (dir, output)
        })
        .1
}

fn screenshots_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp; the screenshots go beside it.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("screenshots")
}

#[test]
fn axe_finds_no_wcag_aa_violations_and_screenshots_are_taken() {
    if !tools_present(
        "axe_finds_no_wcag_aa_violations_and_screenshots_are_taken",
        &["chromium", "node", "node_modules"],
    ) {
        return;
    }
    let site = demo_site();
    let screenshots = screenshots_dir();
    let output = Command::new("node")
        .arg(browser_dir().join("check-theme.mjs"))
        .args(["--site", site.to_str().unwrap()])
        .args(["--screenshots", screenshots.to_str().unwrap()])
        .args(["--story", STORY, "--chromium", CHROMIUM])
        .output()
        .expect("node runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "browser checks failed (exit {:?}); the report is above",
        output.status.code()
    );
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script prints its report as JSON");
    let pages = report["pages"].as_array().expect("pages");
    for path in [STORY, "/signal-brokers/", "/", "/corrections/", "/funders/"] {
        for scheme in ["light", "dark"] {
            assert!(
                pages
                    .iter()
                    .any(|page| page["path"] == path && page["scheme"] == scheme),
                "{path} ({scheme}) was not checked"
            );
        }
    }
    for page in pages {
        assert_eq!(page["violations"], serde_json::json!([]), "{page}");
        assert_eq!(page["problems"], serde_json::json!([]), "{page}");
    }
    assert_eq!(report["foreignRequests"], serde_json::json!([]));
    for name in [
        "story-375-light.png",
        "story-375-dark.png",
        "story-1280-light.png",
        "story-1280-dark.png",
    ] {
        let file = screenshots.join(name);
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(bytes.starts_with(b"\x89PNG"), "{} is a PNG", file.display());
    }
}

#[test]
fn nu_html_checker_finds_no_errors() {
    if !tools_present("nu_html_checker_finds_no_errors", &["java", "vnu"]) {
        return;
    }
    let site = demo_site();
    // Every HTML page of the site, and the theme's stylesheets.
    let output = Command::new("java")
        .args(["-jar", vnu_jar().to_str().unwrap()])
        .args(["--format", "json", "--stdout", "--skip-non-html"])
        .arg(site)
        .output()
        .expect("java runs");
    let css = Command::new("java")
        .args(["-jar", vnu_jar().to_str().unwrap()])
        .args(["--format", "json", "--stdout", "--css"])
        .args([site.join("style.css"), site.join("highlight.css")])
        .output()
        .expect("java runs");
    let mut errors = Vec::new();
    let mut checked = 0;
    for output in [output, css] {
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
                panic!(
                    "vnu's report: {e}\n{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                )
            });
        checked += 1;
        for message in report["messages"].as_array().expect("messages") {
            let line = format!(
                "{} {}:{}: {}",
                message["type"].as_str().unwrap_or("?"),
                message["url"].as_str().unwrap_or("?"),
                message["lastLine"],
                message["message"].as_str().unwrap_or("?"),
            );
            // Warnings (type "info", subType "warning") are allowed, and listed.
            eprintln!("vnu: {line}");
            if message["type"] != "info" {
                errors.push(line);
            }
        }
    }
    assert_eq!(checked, 2);
    assert!(
        errors.is_empty(),
        "vnu found errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn theme_css_stays_under_budget_and_pages_load_nothing_from_elsewhere() {
    let site = demo_site();
    let css: usize = ["style.css", "highlight.css"]
        .iter()
        .map(|name| std::fs::metadata(site.join(name)).unwrap().len() as usize)
        .sum();
    assert!(css < CSS_BUDGET, "style.css + highlight.css = {css} bytes");
    for entry in walkdir::WalkDir::new(site) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|ext| ext == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            let scripts = common::attrs(&html, "script", "type");
            assert!(
                scripts.iter().all(|kind| kind == "application/ld+json"),
                "{}: {scripts:?}",
                entry.path().display()
            );
            assert_eq!(common::attrs(&html, "script", "src"), Vec::<String>::new());
            for (selector, attribute) in [("link[rel=stylesheet]", "href"), ("img", "src")] {
                for url in common::attrs(&html, selector, attribute) {
                    assert!(
                        url.starts_with('/') && !url.starts_with("//"),
                        "{}: {url}",
                        entry.path().display()
                    );
                }
            }
            assert_eq!(common::attrs(&html, "html", "lang"), ["en"]);
        }
    }
}
