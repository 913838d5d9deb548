//! Addresses that never die, through the binary: `aliases:` write redirects (a page at each old
//! address, `_redirects`, `redirects.json`); an alias another page or alias has is an error
//! naming both; `urls.lock` keeps every published address, and a build that would drop one
//! fails unless an alias covers it or the story is withdrawn, which keeps a notice at the
//! address.

mod common;

use common::{TestSite, attrs, findings, texts};

const FIRST: &str = "content/inquiry/first.md";
const NOW: &str = "2026-11-25T12:00:00Z";

/// The clean fixture's first story, as the fixture has it, with `extra` front matter added.
fn first_with(site: &TestSite, extra: &str) {
    let text = std::fs::read_to_string(common::fixture_path("clean").join(FIRST)).unwrap();
    let text = text.replacen("---\n", &format!("---\n{extra}\n"), 1);
    site.write(FIRST, &text);
}

fn codes(run: &common::Run) -> Vec<String> {
    findings(run)
        .into_iter()
        .filter(|f| f.severity == "error")
        .map(|f| f.code)
        .collect()
}

#[test]
fn aliases_redirect_from_every_old_address() {
    let site = TestSite::fixture("clean");
    first_with(
        &site,
        "aliases: [/2019/03/caf%C3%A9/, /2019/03/old-slug.html, /old/first, /inquiry/first/]",
    );
    site.build(&[
        "--now",
        NOW,
        "--base-url",
        "https://newsroom.github.io/site/",
    ])
    .assert_success();
    // Percent-encoded and as written are one address; it is a folder a host serves.
    let cafe = site.page("2019/03/café/index.html");
    assert_eq!(
        attrs(&cafe, "meta[http-equiv=refresh]", "content"),
        ["0; url=/site/inquiry/first/"]
    );
    assert_eq!(
        attrs(&cafe, "link[rel=canonical]", "href"),
        ["https://newsroom.github.io/site/inquiry/first/"]
    );
    assert_eq!(attrs(&cafe, "a", "href"), ["/site/inquiry/first/"]);
    assert_eq!(
        texts(&cafe, "a"),
        ["This story has moved to The first story."]
    );
    // An old `.html` page stays that file; a path without a slash is a folder.
    assert!(
        site.page("2019/03/old-slug.html")
            .contains("url=/site/inquiry/first/")
    );
    assert!(
        site.page("old/first/index.html")
            .contains("url=/site/inquiry/first/")
    );
    // The story's own address is not redirected to itself.
    assert!(site.page("inquiry/first/index.html").contains("<h1"));
    let redirects = site.page("_redirects");
    assert_eq!(
        redirects.lines().collect::<Vec<_>>(),
        [
            "/site/2019/03/caf%C3%A9/ /site/inquiry/first/ 301",
            "/site/2019/03/old-slug.html /site/inquiry/first/ 301",
            "/site/old/first/ /site/inquiry/first/ 301",
        ]
    );
    let map: serde_json::Value = serde_json::from_str(&site.page("redirects.json")).unwrap();
    assert_eq!(map["redirects"][0]["from"], "/site/2019/03/café/");
    assert_eq!(map["redirects"][0]["to"], "/site/inquiry/first/");
    assert_eq!(map["redirects"].as_array().unwrap().len(), 3);
    // Redirects are no pages of their own in the sitemap.
    assert!(!site.page("sitemap.xml").contains("old-slug"));
}

#[test]
fn a_site_without_aliases_writes_no_redirects() {
    let site = TestSite::fixture("clean");
    site.build(&["--now", NOW]).assert_success();
    assert!(!site.output().join("_redirects").exists());
    assert!(!site.output().join("redirects.json").exists());
}

#[test]
fn an_alias_another_page_or_alias_has_is_an_error_naming_both() {
    let site = TestSite::fixture("clean");
    first_with(&site, "aliases: [/alone/, /old/]");
    site.write(
        "content/inquiry/second.md",
        "---\ntitle: Second\ndate: 2022-03-01\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\naliases: /old\n---\n\nText.\n",
    );
    let run = site.check(&["--now", NOW, "--format", "json"]);
    run.assert_failure(1);
    let collisions: Vec<_> = findings(&run)
        .into_iter()
        .filter(|f| f.code == "E-URL-ALIAS-COLLISION")
        .collect();
    assert_eq!(collisions.len(), 2, "{collisions:#?}");
    let page = collisions
        .iter()
        .find(|f| f.message.contains("/alone/"))
        .expect("the alias of a page");
    assert_eq!(page.file, FIRST);
    assert!(
        page.message.contains("content/alone.md"),
        "{}",
        page.message
    );
    let alias = collisions
        .iter()
        .find(|f| f.message.contains("/old/"))
        .expect("the alias of another story");
    assert!(
        [alias.file.as_str(), alias.message.as_str()]
            .iter()
            .any(|text| text.contains("first.md"))
            && [alias.file.as_str(), alias.message.as_str()]
                .iter()
                .any(|text| text.contains("second.md")),
        "{alias:?}"
    );
    // An alias that is no site path is reported where it is written.
    first_with(&site, "aliases: [old-first, \"/?p=12\"]");
    let run = site.check(&["--now", NOW, "--format", "json"]);
    let bad: Vec<_> = findings(&run)
        .into_iter()
        .filter(|f| f.file == FIRST && f.code == "E-FRONT-TYPE")
        .collect();
    assert_eq!(bad.len(), 2, "{bad:#?}");
}

#[test]
fn the_url_lock_refuses_a_renamed_slug_until_an_alias_or_a_withdrawal_covers_it() {
    let site = TestSite::fixture("clean");
    site.build(&["--now", NOW]).assert_success();
    let lock = std::fs::read_to_string(site.path("urls.lock")).unwrap();
    assert!(
        lock.lines()
            .any(|line| line == "/inquiry/first/ content/inquiry/first.md"),
        "{lock}"
    );
    let published_before = common::snapshot(&site.output());

    // The slug changes: the old address would die.
    first_with(&site, "slug: first-story");
    let run = site.build(&["--now", NOW, "--format", "json"]);
    run.assert_failure(1);
    // (The other story's link to the old address breaks too.)
    assert_eq!(codes(&run), ["E-LINK-BROKEN", "E-URL-DROPPED"]);
    let dropped: Vec<_> = findings(&run)
        .into_iter()
        .filter(|f| f.code == "E-URL-DROPPED")
        .collect();
    assert_eq!(dropped.len(), 1, "{dropped:#?}");
    assert_eq!(dropped[0].file, "urls.lock");
    let line = lock
        .lines()
        .position(|line| line.starts_with("/inquiry/first/ "))
        .unwrap()
        + 1;
    assert_eq!(dropped[0].line, Some(line as u64));
    assert!(dropped[0].message.contains("/inquiry/first/"));
    assert!(dropped[0].message.contains("content/inquiry/first.md"));
    assert_eq!(
        common::snapshot(&site.output()),
        published_before,
        "the failed build left the site as it was"
    );
    // `byline check` says the same.
    let check = site.check(&["--now", NOW, "--format", "json"]);
    assert_eq!(codes(&check), ["E-LINK-BROKEN", "E-URL-DROPPED"]);

    // An alias covers it: the build goes through, and the old address redirects.
    first_with(&site, "slug: first-story\naliases: [/inquiry/first/]");
    site.build(&["--now", NOW]).assert_success();
    assert!(
        site.page("inquiry/first/index.html")
            .contains("url=/inquiry/first-story/")
    );
    let lock = std::fs::read_to_string(site.path("urls.lock")).unwrap();
    assert!(
        lock.contains("/inquiry/first-story/ content/inquiry/first.md"),
        "{lock}"
    );
    assert!(
        lock.contains("/inquiry/first/ content/inquiry/first.md"),
        "{lock}"
    );
    let mut sorted: Vec<&str> = lock.lines().filter(|l| !l.starts_with('#')).collect();
    sorted.sort();
    assert_eq!(
        sorted,
        lock.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>(),
        "sorted"
    );

    // Dropping the alias again is refused: it is a published address too.
    first_with(&site, "slug: first-story");
    let run = site.build(&["--now", NOW, "--format", "json"]);
    assert_eq!(codes(&run), ["E-LINK-BROKEN", "E-URL-DROPPED"]);

    // Withdrawn instead: the address keeps a notice, so nothing is dropped.
    first_with(
        &site,
        "slug: first-story\naliases: [/inquiry/first/]\nwithdrawn: {date: 2024-03-01, reason: Legal.}",
    );
    site.build(&["--now", NOW]).assert_success();
    assert!(
        site.page("inquiry/first-story/index.html")
            .contains("Reason: Legal.")
    );
}

#[test]
fn a_withdrawn_story_keeps_a_notice_at_its_address_and_leaves_every_listing() {
    let site = TestSite::fixture("clean");
    site.build(&["--now", NOW]).assert_success();
    first_with(
        &site,
        "withdrawn: {date: 2024-03-01, reason: \"A court ordered its removal.\"}",
    );
    site.build(&["--now", NOW]).assert_success();
    let notice = site.page("inquiry/first/index.html");
    assert_eq!(
        texts(&notice, "main p"),
        [
            "This story was withdrawn on 1 March 2024.",
            "Reason: A court ordered its removal.",
            "Go to the home page",
        ]
    );
    assert_eq!(attrs(&notice, "meta[name=robots]", "content"), ["noindex"]);
    assert!(!notice.contains("The court"), "the story's text is gone");
    for listing in [
        "index.html",
        "inquiry/index.html",
        "topics/courts/index.html",
        "atom.xml",
        "sitemap.xml",
    ] {
        let page = std::fs::read_to_string(site.output().join(listing)).unwrap_or_default();
        assert!(
            !page.contains("The first story"),
            "{listing} still lists it"
        );
    }
    assert!(!site.page("sitemap.xml").contains("/inquiry/first/"));
    // A withdrawal without its reason is refused: the notice must say why.
    first_with(&site, "withdrawn: {date: 2024-03-01}");
    let run = site.check(&["--now", NOW, "--format", "json"]);
    assert!(codes(&run).contains(&"E-FRONT-REQUIRED".to_string()));
}

#[test]
fn embargoed_and_draft_addresses_enter_the_lock_only_once_published() {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/later.md",
        "---\ntitle: Later\ndate: 2026-12-01\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\npublish_at: 2026-12-01T06:00:00+00:00\n---\n\nText.\n",
    );
    site.write(
        "content/inquiry/unfinished.md",
        "---\ntitle: Unfinished\ndate: 2026-11-01\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\ndraft: true\n---\n\nText.\n",
    );
    site.build(&["--now", NOW, "--drafts"]).assert_success();
    let lock = std::fs::read_to_string(site.path("urls.lock")).unwrap();
    assert!(!lock.contains("/inquiry/later/"), "{lock}");
    assert!(!lock.contains("/inquiry/unfinished/"), "{lock}");
    site.build(&["--now", "2026-12-01T07:00:00Z"])
        .assert_success();
    let lock = std::fs::read_to_string(site.path("urls.lock")).unwrap();
    assert!(
        lock.contains("/inquiry/later/ content/inquiry/later.md"),
        "{lock}"
    );
}

#[test]
fn a_new_site_starts_with_an_empty_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("new-site");
    common::byline(&["init", root.to_str().unwrap()], dir.path()).assert_success();
    let lock = std::fs::read_to_string(root.join("urls.lock")).unwrap();
    assert!(lock.lines().all(|line| line.starts_with('#')), "{lock}");
    let gitignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|line| line == ".byline-cache/"));
    common::byline(&["build", "--root", root.to_str().unwrap()], dir.path()).assert_success();
    let lock = std::fs::read_to_string(root.join("urls.lock")).unwrap();
    assert!(lock.contains("/first-investigation/welcome/"), "{lock}");
}
