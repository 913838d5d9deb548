//! One pipeline for every command: `byline check`, `byline build` and `byline serve` report the
//! same findings (code, file, line, column, severity) for the same files, on every fixture and
//! on a site with the mistakes only the check stage finds (a broken internal link, an inline
//! image without a credit, a link to an embargoed story); and the preview keeps reporting them
//! as the files change.

mod common;

use std::collections::BTreeSet;

use common::server::Server;
use common::{TestSite, findings};

/// A moment before every fixture's embargoes lift, so the three commands judge the same.
const NOW: &str = "2026-11-25T12:00:00Z";

/// `severity code file:line:column`, the form compared.
fn place(severity: &str, code: &str, file: &str, line: &str, column: &str) -> String {
    format!("{severity} {code} {file}:{line}:{column}")
}

fn from_json(run: &common::Run) -> BTreeSet<String> {
    findings(run)
        .iter()
        .map(|f| {
            place(
                &f.severity,
                &f.code,
                &f.file,
                &f.line.map(|l| l.to_string()).unwrap_or_default(),
                &f.column.map(|c| c.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

/// The findings the preview's overlay lists on `page`.
fn from_overlay(html: &str) -> BTreeSet<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("pre[data-code]").unwrap();
    document
        .select(&selector)
        .map(|finding| {
            let attribute = |name: &str| finding.value().attr(name).unwrap_or("").to_string();
            let severity = if attribute("class") == "byline-error" {
                "error"
            } else {
                "warning"
            };
            place(
                severity,
                &attribute("data-code"),
                &attribute("data-file"),
                &attribute("data-line"),
                &attribute("data-column"),
            )
        })
        .collect()
}

/// What each command reports for `site`: check, build (both `--format json`, with drafts: the
/// preview always shows and checks them), and serve's overlay on the home page.
fn reported(site: &TestSite) -> [BTreeSet<String>; 3] {
    let checked = from_json(&site.check(&["--now", NOW, "--drafts", "--format", "json"]));
    let built = from_json(&site.build(&["--now", NOW, "--drafts", "--format", "json"]));
    let server = Server::start(site, &["--now", NOW]);
    let page = server.get("/");
    [checked, built, from_overlay(&page.body)]
}

#[track_caller]
fn assert_same(name: &str, [checked, built, served]: [BTreeSet<String>; 3]) {
    assert_eq!(checked, built, "{name}: check and build differ");
    assert_eq!(checked, served, "{name}: check and serve differ");
}

#[test]
fn check_build_and_serve_report_the_same_findings_on_every_fixture() {
    let mut compared = 0;
    for fixture in ["clean", "newsroom", "many-errors"] {
        let site = TestSite::fixture(fixture);
        let reports = reported(&site);
        if fixture == "many-errors" {
            assert!(reports[0].len() > 10, "{:?}", reports[0]);
        }
        if fixture == "newsroom" {
            assert!(
                reports[0].iter().any(|f| f.starts_with("warning")),
                "{:?}",
                reports[0]
            );
        }
        assert_same(fixture, reports);
        compared += 1;
    }
    assert_eq!(compared, 3);
}

/// The clean fixture with mistakes the check stage finds in story texts.
fn site_with_text_mistakes() -> TestSite {
    let site = TestSite::fixture("clean");
    let story = |extra: &str, body: &str| {
        format!(
            "---\ntitle: {extra}\ndate: 2024-01-10\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: A story.\n---\n\n{body}\n"
        )
    };
    site.write(
        "content/inquiry/scoop.md",
        "---\ntitle: The scoop\ndate: 2024-01-12\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: Soon.\npublish_at: 2031-01-15T06:00:00+00:00\n---\n\nLater.\n",
    );
    site.write(
        "content/inquiry/mistakes.md",
        &story(
            "Mistakes",
            "See [the missing page](/inquiry/nowhere/) and [the scoop](scoop.md).\n\n![A crowd](/images/crowd.jpg \"A crowd outside.\")",
        ),
    );
    site
}

#[test]
fn serve_shows_what_build_refuses_and_follows_the_fix() {
    let site = site_with_text_mistakes();
    let reports = reported(&site);
    for code in ["E-LINK-BROKEN", "E-EMBARGO-LINK", "E-CREDIT-INLINE-CREDIT"] {
        assert!(
            reports[0].iter().any(|f| f.contains(code)),
            "check misses {code}: {:?}",
            reports[0]
        );
    }
    assert_same("text mistakes", reports);

    // The page with the mistakes shows its new text, with the findings over it, and the
    // terminal names them.
    let server = Server::start(&site, &["--now", NOW]);
    let page = server.get("/inquiry/mistakes/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("the missing page"), "{}", page.body);
    let overlay = from_overlay(&page.body);
    assert!(
        overlay
            .iter()
            .any(|f| f.contains("E-LINK-BROKEN content/inquiry/mistakes.md:9:5")),
        "{overlay:?}"
    );
    assert!(
        page.body
            .contains("the site will not build until they are fixed")
    );
    assert!(
        !page.body.contains("last good version"),
        "the page is current"
    );
    server.wait_for_output("the findings in the terminal", |_, stderr| {
        stderr.contains("error[E-LINK-BROKEN]") && stderr.contains("error[E-CREDIT-INLINE-CREDIT]")
    });

    // Fixed while the preview runs: the findings go, from the overlay and from check alike.
    site.write(
        "content/inquiry/mistakes.md",
        "---\ntitle: Mistakes\ndate: 2024-01-10\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: A story.\n---\n\nAll fixed.\n",
    );
    let fixed = server.wait_for("/inquiry/mistakes/", "the fix", |response| {
        response.body.contains("All fixed.") && !response.body.contains("byline-error")
    });
    assert_eq!(
        from_overlay(&fixed.body),
        from_json(&site.check(&["--now", NOW, "--drafts", "--format", "json"]))
    );

    // A new mistake in an edit (the fast path) is found as `check` finds it.
    site.write(
        "content/inquiry/mistakes.md",
        "---\ntitle: Mistakes\ndate: 2024-01-10\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: A story.\n---\n\nNow [a broken link](/gone/).\n",
    );
    let broken = server.wait_for("/inquiry/mistakes/", "the new mistake", |response| {
        response.body.contains("a broken link") && response.body.contains("E-LINK-BROKEN")
    });
    assert_eq!(
        from_overlay(&broken.body),
        from_json(&site.check(&["--now", NOW, "--drafts", "--format", "json"]))
    );
}

#[test]
fn an_edit_that_breaks_another_storys_anchor_is_found_by_serve_as_by_check() {
    let site = TestSite::fixture("clean");
    let story = |title: &str, body: &str| {
        format!(
            "---\ntitle: {title}\ndate: 2024-01-10\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: A story.\n---\n\n{body}\n"
        )
    };
    site.write(
        "content/inquiry/target.md",
        &story("Target", "## The method\n\nHow we did it."),
    );
    site.write(
        "content/inquiry/linker.md",
        &story("Linker", "Read [the method](target.md#the-method)."),
    );
    let server = Server::start(&site, &["--now", NOW]);
    let clean = server.get("/inquiry/linker/");
    assert!(!clean.body.contains("E-LINK-ANCHOR"), "{}", clean.body);

    // The heading is renamed in the other story: the link's anchor no longer exists.
    site.write(
        "content/inquiry/target.md",
        &story("Target", "## How we worked\n\nHow we did it."),
    );
    let broken = server.wait_for("/inquiry/linker/", "the broken anchor", |response| {
        response.body.contains("E-LINK-ANCHOR")
    });
    let served = from_overlay(&broken.body);
    assert!(
        served
            .iter()
            .any(|f| f.contains("E-LINK-ANCHOR content/inquiry/linker.md:9:6")),
        "{served:?}"
    );
    assert_eq!(
        served,
        from_json(&site.check(&["--now", NOW, "--drafts", "--format", "json"]))
    );
}
