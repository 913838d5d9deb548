//! Work in progress never stops publishing: a draft is checked when drafts are asked for
//! (`--drafts`, and always in the preview, which shows it with its findings), while an
//! embargoed story is finished work and checked in full.

mod common;

use common::server::Server;
use common::{TestSite, byline, findings};

const NOW: &str = "2026-11-25T12:00:00Z";

/// A site from `byline init` with a new story in its series, its placeholders still in.
fn new_site_with_unfinished_story() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let root_text = root.to_str().unwrap().to_string();
    byline(&["init", &root_text], dir.path()).assert_success();
    byline(
        &[
            "new",
            "story",
            "Half written piece",
            "--series",
            "first-investigation",
            "--root",
            &root_text,
        ],
        dir.path(),
    )
    .assert_success();
    (dir, root)
}

#[test]
fn an_unfinished_draft_does_not_block_the_site() {
    let (_dir, root) = new_site_with_unfinished_story();
    let story = root.join("content/first-investigation/half-written-piece.md");
    assert!(
        std::fs::read_to_string(&story)
            .unwrap()
            .contains("\ndraft: true\n")
    );
    let root_text = root.to_str().unwrap().to_string();

    let built = byline(&["build", "--root", &root_text], &root);
    built.assert_success();
    assert!(
        built.stdout.contains("; 1 draft held back) into "),
        "{}",
        built.stdout
    );
    assert!(
        !root
            .join("public/first-investigation/half-written-piece")
            .exists()
    );

    let checked = byline(&["check", "--root", &root_text], &root);
    checked.assert_success();
    assert!(
        checked
            .stderr
            .contains("0 errors, 0 warnings; 1 draft not checked (`--drafts` checks it)"),
        "{}",
        checked.stderr
    );

    let with_drafts = byline(
        &[
            "check", "--root", &root_text, "--drafts", "--format", "json",
        ],
        &root,
    );
    with_drafts.assert_failure(1);
    let codes: Vec<String> = findings(&with_drafts)
        .iter()
        .map(|f| f.code.clone())
        .collect();
    assert!(
        codes.iter().all(|code| code == "E-FRONT-PLACEHOLDER"),
        "{codes:?}"
    );
    assert_eq!(codes.len(), 3, "reporter, editor and summary: {codes:?}");
    // Asked for, a draft with placeholders is not published.
    byline(&["build", "--root", &root_text, "--drafts"], &root).assert_failure(1);
}

#[test]
fn the_preview_shows_a_draft_with_its_findings() {
    let (_dir, root) = new_site_with_unfinished_story();
    let server = Server::spawn({
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_byline"));
        command.args(["serve", "--port", "0", "--root"]).arg(&root);
        command
    });
    let page = server.get("/first-investigation/half-written-piece/");
    assert_eq!(
        page.status, 200,
        "the draft is shown, not a 404: {}",
        page.body
    );
    assert!(page.body.contains("Half written piece"));
    assert!(page.body.contains("DRAFT"), "the draft banner");
    assert!(
        page.body.contains("data-code=\"E-FRONT-PLACEHOLDER\""),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("last good version"),
        "the draft's own page, not an old one"
    );
}

#[test]
fn an_embargoed_story_is_checked_in_full() {
    let site = TestSite::fixture("clean");
    let story = |title: &str, publish_at: &str, body: &str| {
        format!(
            "---\ntitle: {title}\ndate: 2024-01-10\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: S.\npublish_at: {publish_at}\n---\n\n{body}\n"
        )
    };
    site.write(
        "content/inquiry/part-one.md",
        &story("Part one", "2031-01-15T06:00:00+00:00", "Soon."),
    );
    site.write(
        "content/inquiry/part-two.md",
        &story(
            "Part two",
            "2031-01-16T06:00:00+00:00",
            "After [part one](part-one.md), before [part three](part-three.md). See [nowhere](/nowhere/).",
        ),
    );
    site.write(
        "content/inquiry/part-three.md",
        &story("Part three", "2031-01-17T06:00:00+00:00", "Later."),
    );
    let found = findings(&site.check(&["--now", NOW, "--format", "json"]));
    let about_two: Vec<String> = found
        .iter()
        .filter(|f| f.file == "content/inquiry/part-two.md")
        .map(|f| f.place())
        .collect();
    assert_eq!(
        about_two,
        [
            // Part three goes out after part two: the link would reveal it until then.
            "content/inquiry/part-two.md:10:39 E-EMBARGO-LINK",
            "content/inquiry/part-two.md:10:72 E-LINK-BROKEN",
        ],
        "{found:#?}"
    );
}
