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
//!
//! A reader also searches the demo site in Chromium: a word only one story's text holds finds
//! that story, and nothing of a story under embargo is found.

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
    assert!(
        pages.iter().any(|page| page["path"] == "/search/"),
        "the search page was checked"
    );
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
            // Only the search page runs a script, and only the site's own.
            let sources = common::attrs(&html, "script", "src");
            if entry.path().ends_with("search/index.html") {
                assert_eq!(sources, ["/search.js"]);
                continue;
            }
            let scripts = common::attrs(&html, "script", "type");
            assert!(
                scripts.iter().all(|kind| kind == "application/ld+json"),
                "{}: {scripts:?}",
                entry.path().display()
            );
            assert_eq!(sources, Vec::<String>::new());
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

/// The demo site in `language` with a story under embargo added, built into a temporary
/// folder: what a reader may search.
fn demo_with_an_embargo(language: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["content", "static"] {
        common::copy_tree(&repository.join(part), &root.join(part));
    }
    let config = std::fs::read_to_string(repository.join("site.yaml")).unwrap();
    assert!(config.contains("\nlanguage: en\n"));
    std::fs::write(
        root.join("site.yaml"),
        config.replace("\nlanguage: en\n", &format!("\nlanguage: {language}\n")),
    )
    .unwrap();
    std::fs::write(
        root.join("content/signal-brokers/the-next-scoop.md"),
        "---\ntitle: Carrow's secret buyer unmasked\ndate: 2099-01-01\nreporter: Ana Lind\n\
         editor: Meirion Jones\nsummary: Who paid for the lookups.\n\
         publish_at: 2099-01-01T06:00:00+00:00\n---\n\nThe buyer was Quillhaven Holdings.\n",
    )
    .unwrap();
    let output = dir.path().join("public");
    byline(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--now",
            "2026-11-25T12:00:00Z",
        ],
        dir.path(),
    )
    .assert_success();
    (dir, output)
}

#[test]
fn a_reader_finds_a_story_by_a_word_of_its_text_and_nothing_embargoed() {
    if !tools_present(
        "a_reader_finds_a_story_by_a_word_of_its_text_and_nothing_embargoed",
        &["chromium", "node", "node_modules"],
    ) {
        return;
    }
    let (_dir, site) = demo_with_an_embargo("en");
    let report = search(&site);
    let found = serde_json::json!(["/signal-brokers/banks-drop-carrow/"]);
    assert_eq!(report["present"]["results"], found, "{report:#}");
    assert_eq!(
        report["present"]["status"],
        "1 story found for “precautionary”"
    );
    assert_eq!(report["typed"]["results"], found, "{report:#}");
    for absent in report["absent"].as_array().unwrap() {
        assert_eq!(absent["results"], serde_json::json!([]), "{absent}");
        assert!(
            absent["status"]
                .as_str()
                .unwrap()
                .starts_with("No story matches"),
            "{absent}"
        );
    }
    assert_eq!(report["foreignRequests"], serde_json::json!([]));
    assert_eq!(report["violations"], serde_json::json!([]));
}

/// The search script has no words of its own: on a German site it says what it found in German.
#[test]
fn a_german_reader_is_told_in_german_what_search_found() {
    if !tools_present(
        "a_german_reader_is_told_in_german_what_search_found",
        &["chromium", "node", "node_modules"],
    ) {
        return;
    }
    let (_dir, site) = demo_with_an_embargo("de");
    let report = search(&site);
    assert_eq!(
        report["present"]["status"], "1 Beitrag gefunden für „precautionary“",
        "{report:#}"
    );
    let absent = &report["absent"][0];
    assert_eq!(
        absent["status"], "Kein Beitrag passt zu „Quillhaven“.",
        "{report:#}"
    );
    assert_eq!(report["violations"], serde_json::json!([]));
}

/// Runs search.mjs on the built `site`: "precautionary" is in the text of one story only (not
/// its title or summary), "Quillhaven" and "unmasked" only in the embargoed one.
fn search(site: &Path) -> serde_json::Value {
    let output = Command::new("node")
        .arg(browser_dir().join("search.mjs"))
        .args(["--site", site.to_str().unwrap()])
        .args(["--present", "precautionary"])
        .args(["--absent", "Quillhaven,unmasked"])
        .args(["--chromium", CHROMIUM])
        .output()
        .expect("node runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the search report: {e}\n{stderr}"));
    assert!(output.status.success(), "{report:#}\n{stderr}");
    report
}
