//! End to end in a real browser: headless Chromium (driven by tests/browser/reload.mjs with
//! playwright-core) opens a story served by `byline serve`; the test changes the story's
//! Markdown on disk; the page must reload itself and show the new text, without the test
//! navigating: in place (its new body swapped in) for a page without scripts of its own, as a
//! new document for a page with an embedded script or after the server restarted. A mistake the
//! check stage finds (a broken link) appears in the page's overlay the same way.
//!
//! Needs Chromium (`/usr/bin/chromium`, or the path in `BYLINE_CHROMIUM`), Node and
//! `npm ci` in tests/browser. Without them the test is skipped with the reason printed, unless
//! `BYLINE_BROWSER_TESTS=1` (as in `.ci/run`), which makes their absence a failure.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use common::TestSite;
use common::server::{PATIENCE, Server};

/// What the browser test needs, or why it cannot run here.
fn browser_setup() -> Option<(PathBuf, PathBuf)> {
    let required = std::env::var("BYLINE_BROWSER_TESTS").is_ok_and(|v| v == "1");
    let chromium = std::env::var_os("BYLINE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let node_works = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    let missing = if !chromium.is_file() {
        Some(format!(
            "no Chromium at {} (apt-get install -y chromium, or set BYLINE_CHROMIUM)",
            chromium.display()
        ))
    } else if !node_works {
        Some("no `node` on the PATH".to_string())
    } else if !driver.join("node_modules/playwright-core").is_dir() {
        Some("playwright-core is not installed (run `npm ci` in tests/browser)".to_string())
    } else {
        None
    };
    match missing {
        None => Some((chromium, driver)),
        Some(why) if required => panic!("BYLINE_BROWSER_TESTS=1 but {why}"),
        Some(why) => {
            eprintln!("skipping the browser test: {why}");
            None
        }
    }
}

/// The driver process, killed if the test ends early.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// How the page must come to show the edit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shown {
    /// Its new body swapped into the same document.
    InPlace,
    /// A new document.
    Reload,
}

/// Opens the story in Chromium (through `driver_args`), edits its Markdown on disk once the
/// page is connected (after restarting the server on the same port, with `restart`), and
/// waits for the page to reload itself and show the new text, the way `expected` says.
fn edit_while_the_browser_watches(
    server_args: &[&str],
    driver_args: &[&str],
    restart: bool,
    embed_script: bool,
    expected: Shown,
) {
    let new_text = "A paragraph written while the browser was watching.";
    edit_and_watch(
        server_args,
        driver_args,
        restart,
        embed_script,
        expected,
        new_text,
        new_text,
    );
}

/// [`edit_while_the_browser_watches`], appending `edit` to the story and waiting for the page
/// to show `shown`.
fn edit_and_watch(
    server_args: &[&str],
    driver_args: &[&str],
    restart: bool,
    embed_script: bool,
    expected: Shown,
    edit: &str,
    shown_text: &str,
) {
    let Some((chromium, driver_dir)) = browser_setup() else {
        return;
    };
    let site = TestSite::fixture("newsroom");
    let path = site.path("content/decision-machines/twitter-cuts-ties.md");
    if embed_script {
        // Newsrooms embed charts: the story carries its own script.
        let markdown = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            format!("{markdown}\n<div id=\"chart\"></div>\n<script>document.getElementById(\"chart\").textContent = \"chart drawn\";</script>\n"),
        )
        .unwrap();
    }
    let mut server = Server::start(&site, server_args);
    let url = server.url("/decision-machines/twitter-cuts-ties/");

    let mut driver = Driver(
        Command::new("node")
            .arg(driver_dir.join("reload.mjs"))
            .args(["--url", &url, "--expect", shown_text, "--chromium"])
            .arg(&chromium)
            .args(["--timeout", &PATIENCE.as_millis().to_string()])
            .args(driver_args)
            .current_dir(&driver_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs"),
    );
    let (lines, receive) = mpsc::channel();
    let stdout = driver.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let next_line = |server: &Server, what: &str| {
        receive.recv_timeout(PATIENCE * 2).unwrap_or_else(|_| {
            panic!(
                "the browser driver never said {what}; server said:\n{}\n{}",
                server.stdout(),
                server.stderr()
            )
        })
    };
    assert_eq!(next_line(&server, "READY"), "READY");
    if restart {
        let port = server.port.to_string();
        server.kill();
        server = Server::start(&site, &[&["--port", port.as_str()], server_args].concat());
        assert_eq!(server.port.to_string(), port, "the same port again");
    }

    // The edit, on disk, as an editor would save it.
    let markdown = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{markdown}\n{edit}\n")).unwrap();

    let shown = next_line(&server, "SHOWN");
    let how = match expected {
        Shown::InPlace => "SHOWN in-place",
        Shown::Reload => "SHOWN reload",
    };
    assert!(shown.starts_with(how), "expected {how}, got {shown}");
    let status = driver.0.wait().unwrap();
    assert!(status.success(), "the browser driver failed: {status}");
}

#[test]
fn page_reloads_itself_and_shows_the_edited_markdown() {
    edit_while_the_browser_watches(&[], &[], false, false, Shown::InPlace);
}

#[test]
fn page_with_its_own_script_reloads_as_a_new_document() {
    edit_while_the_browser_watches(&[], &[], false, true, Shown::Reload);
}

#[test]
fn page_reconnects_after_the_server_restarts() {
    edit_while_the_browser_watches(&[], &[], true, false, Shown::Reload);
}

#[test]
fn page_behind_a_reverse_proxy_path_reloads_itself() {
    edit_while_the_browser_watches(
        &[],
        &["--proxy-prefix", "/staging/preview"],
        false,
        false,
        Shown::InPlace,
    );
}

#[test]
fn page_served_over_ipv6_reloads_itself() {
    edit_while_the_browser_watches(&["--bind", "::1"], &[], false, false, Shown::InPlace);
}

#[test]
fn a_broken_link_appears_in_the_page_overlay() {
    edit_and_watch(
        &[],
        &[],
        false,
        false,
        Shown::InPlace,
        "See [the follow-up](/decision-machines/not-written-yet/).",
        "error[E-LINK-BROKEN]: the link to /decision-machines/not-written-yet/ goes nowhere",
    );
}
