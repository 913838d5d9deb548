//! The command line as a Hugo or Zola user types it: short flags, `byline server`, shell
//! completions, the manual page, `byline list`, and `serve --open` where no browser can open.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::server::Server;
use common::{TestSite, byline};

/// Before the fixture's embargo below lifts.
const NOW: &str = "2026-11-25T12:00:00Z";

/// The newsroom fixture (a published story, a draft, a page bundle) with an embargoed story.
fn site() -> TestSite {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/decision-machines/scoop.md",
        "---\ntitle: The scoop\ndate: 2024-01-12\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: Soon.\npublish_at: 2031-01-15T06:00:00+00:00\n---\n\nLater.\n",
    );
    site
}

#[test]
fn short_flags_do_what_long_ones_do() {
    let site = site();
    let root = site.root.to_str().unwrap().to_string();
    let out = site.root.join("short-out");
    let out_text = out.to_str().unwrap().to_string();
    byline(
        &[
            "build",
            "-r",
            &root,
            "-D",
            "-o",
            &out_text,
            "-b",
            "https://staging.example.org",
            "--now",
            NOW,
        ],
        &site.root,
    )
    .assert_success();
    let draft = std::fs::read_to_string(out.join("decision-machines/draft-story/index.html"))
        .expect("-D publishes the draft");
    assert!(draft.contains("https://staging.example.org/decision-machines/draft-story/"));
    byline(&["check", "-r", &root, "-D", "--now", NOW], &site.root).assert_success();
    // -p and -r for serve, under its other name.
    let server = Server::spawn({
        let mut command = Command::new(env!("CARGO_BIN_EXE_byline"));
        command.args(["server", "-r", &root, "-p", "0", "-D", "--now", NOW]);
        command
    });
    let page = server.get("/decision-machines/draft-story/");
    assert_eq!(page.status, 200, "{}", page.body);
}

#[test]
fn completions_and_manual_page_come_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = byline(&["completions", shell], dir.path());
        run.assert_success();
        for command in ["build", "check", "serve", "list", "next-publish", "import"] {
            assert!(
                run.stdout.contains(command),
                "{shell} completions lack {command}"
            );
        }
        // Each shell spells a long flag its own way (`-l drafts` in fish).
        assert!(
            run.stdout.contains("--drafts") || run.stdout.contains("-l drafts"),
            "{shell} completions lack --drafts"
        );
    }
    let bash = byline(&["completions", "bash"], dir.path());
    let script = dir.path().join("byline.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(
        syntax.success(),
        "the bash completion script does not parse"
    );

    let man = byline(&["man"], dir.path());
    man.assert_success();
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH byline 1"),
        "{}",
        man.stdout
    );
    assert!(man.stdout.contains("static\\-site generator"));
    byline(&["completions", "tcsh"], dir.path()).assert_failure(2);
}

#[test]
fn list_names_stories_drafts_and_embargoed_stories() {
    let site = site();
    let root = site.root.to_str().unwrap().to_string();
    let list = |what: &str, extra: &[&str]| {
        let mut args = vec!["list", what, "--root", &root, "--now", NOW];
        args.extend_from_slice(extra);
        let run = byline(&args, &site.root);
        run.assert_success();
        run.stdout
    };
    let embargoed = list("embargoed", &[]);
    assert_eq!(embargoed.lines().count(), 1, "{embargoed}");
    assert!(embargoed.starts_with("content/decision-machines/scoop.md\t2024-01-12\tThe scoop\tpublish_at 2031-01-15T06:00:00+00:00"), "{embargoed}");
    let drafts = list("drafts", &["--format", "json"]);
    let draft: serde_json::Value = serde_json::from_str(drafts.trim()).unwrap();
    assert_eq!(draft["path"], "content/decision-machines/draft-story.md");
    assert_eq!(draft["title"], "An unfinished draft");
    assert_eq!(draft["publish_at"], serde_json::Value::Null);
    let stories = list("stories", &[]);
    assert!(stories.contains("twitter-cuts-ties.md"), "{stories}");
    assert!(
        !stories.contains("scoop.md") && !stories.contains("draft-story.md"),
        "{stories}"
    );
    assert!(list("stories", &["--drafts"]).contains("draft-story.md"));
    // After the embargo, the scoop is a story like the others.
    let later = byline(
        &[
            "list",
            "stories",
            "--root",
            &root,
            "--now",
            "2031-02-01T00:00:00Z",
        ],
        &site.root,
    );
    assert!(later.stdout.contains("scoop.md"), "{}", later.stdout);
}

#[test]
fn open_without_a_browser_says_so_in_one_line() {
    let site = TestSite::fixture("clean");
    // An opener that fails as xdg-open does on a machine without a browser, noisily.
    let bin = site.root.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        "#!/bin/sh\nfor i in 1 2 3 4 5 6 7; do echo \"xdg-open: no method available for opening $1 ($i)\" >&2; done\nexit 3\n",
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let server = Server::spawn({
        let mut command = Command::new(env!("CARGO_BIN_EXE_byline"));
        command
            .args(["serve", "--root"])
            .arg(&site.root)
            .args(["--port", "0", "--open"])
            .env("PATH", path);
        command
    });
    server.wait_for_output("the one line about the browser", |_, stderr| {
        stderr.contains("Could not open a browser here")
    });
    let stderr = server.stderr();
    assert!(!stderr.contains("no method available"), "{stderr}");
    assert_eq!(
        stderr
            .lines()
            .filter(|line| line.contains("browser"))
            .count(),
        1,
        "{stderr}"
    );
}

#[test]
fn the_build_summary_says_what_was_held_back() {
    let site = site();
    let run = site.build(&["--now", NOW]);
    run.assert_success();
    assert!(
        run.stdout.contains(" stories, ")
            && run
                .stdout
                .contains("; 1 draft and 1 embargoed until 2031-01-15 06:00 UTC held back) into "),
        "{}",
        run.stdout
    );
    let clean = TestSite::fixture("clean").build(&[]);
    clean.assert_success();
    assert!(!clean.stdout.contains("held back"), "{}", clean.stdout);
    assert!(
        clean
            .stdout
            // The search page, a page of stories per funder, the search index's files and the
            // resized copies of the 1200 pixels wide header image.
            .starts_with("built 26 pages (3 stories, 57 files) into "),
        "{}",
        clean.stdout
    );
}
