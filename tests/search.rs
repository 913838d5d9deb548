//! Site search through the binary: `byline build` writes a Pagefind index of the story pages it
//! publishes into `public/pagefind/` and a `/search/` page; drafts and stories under embargo are
//! never in it; `search: false` leaves both out. (A reader searching in Chromium:
//! `tests/theme_browser.rs`.)

mod common;

use common::{TestSite, attrs};

const NOW: &str = "2026-11-25T12:00:00Z";

/// The clean fixture with a story under embargo and a draft, each with a word of its own.
fn site_with_secrets() -> TestSite {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/coming.md",
        "---\ntitle: The minister's hidden accounts\ndate: 2026-12-01\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\npublish_at: 2026-12-01T06:00:00+00:00\n---\n\nThe word xylograph appears only here.\n",
    );
    site.write(
        "content/inquiry/unfinished.md",
        "---\ntitle: Unfinished notes\ndate: 2026-11-01\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\ndraft: true\n---\n\nThe word quillwort appears only here.\n",
    );
    site.write(
        "content/alone.md",
        "---\ntitle: Alone\ndate: 2021-12-01\nreporter: Tom Byrne\neditor: Meirion Jones\nfunder: Luminate\nsummary: A stand-alone story.\n---\n\nStanding alone, about a marmoset, linking to [the inquiry](/inquiry/).\n",
    );
    site
}

/// Everything the search index holds, as text (its fragments and metadata decompressed).
fn index_text(site: &TestSite) -> String {
    common::snapshot(&site.output())
        .into_iter()
        .filter(|(path, _)| path.starts_with("pagefind/"))
        .map(|(path, bytes)| {
            String::from_utf8_lossy(&byline::checks::search_file_text(&path, &bytes)).into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_index_holds_the_published_stories_and_nothing_withheld() {
    let site = site_with_secrets();
    let run = site.build(&["--now", NOW, "--drafts", "--timings"]);
    run.assert_success();
    assert!(
        run.stderr.contains("search: 3 pages indexed"),
        "{}",
        run.stderr
    );
    for file in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "search/index.html",
    ] {
        assert!(site.output().join(file).is_file(), "{file}");
    }
    let index = index_text(&site);
    assert!(
        index.contains("marmoset") && index.contains("/alone/"),
        "a story's text"
    );
    assert!(index.contains("The first story"), "a title");
    assert!(index.contains("Courts"), "a topic, as a filter");
    assert!(index.contains("Ana Lind"), "a reporter, as a filter");
    // The draft is published with --drafts, but never searchable; the embargoed story not at
    // all.
    assert!(
        site.output()
            .join("inquiry/unfinished/index.html")
            .is_file()
    );
    for secret in [
        "quillwort",
        "Unfinished notes",
        "xylograph",
        "hidden accounts",
        "/inquiry/coming/",
    ] {
        assert!(!index.contains(secret), "{secret} is in the index");
    }
    // The search page works from the site's own files, under the base path like every link.
    let page = site.page("search/index.html");
    assert_eq!(attrs(&page, "script", "src"), ["/search.js"]);
    assert_eq!(
        attrs(&page, "form", "data-index"),
        ["/pagefind/pagefind.js"]
    );
    assert_eq!(attrs(&page, "label", "for"), ["search-query"]);
    // Every page leads to it.
    assert_eq!(
        attrs(
            &site.page("index.html"),
            ".site-nav a[href=\"/search/\"]",
            "href"
        )
        .len(),
        1
    );
}

#[test]
fn under_a_path_results_link_under_it() {
    let site = site_with_secrets();
    site.build(&[
        "--now",
        NOW,
        "--base-url",
        "https://newsroom.github.io/site/",
    ])
    .assert_success();
    let index = index_text(&site);
    assert!(index.contains("/site/alone/"), "{index}");
    let page = site.page("search/index.html");
    assert_eq!(
        attrs(&page, "form", "data-index"),
        ["/site/pagefind/pagefind.js"]
    );
}

#[test]
fn search_false_builds_no_index_and_no_search_page() {
    let site = TestSite::fixture("clean");
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}search: false\n"));
    site.build(&["--now", NOW]).assert_success();
    assert!(!site.output().join("pagefind").exists());
    assert!(!site.output().join("search").exists());
    let home = site.page("index.html");
    assert!(!home.contains("/search/"), "no link to a search page");
    assert!(
        !site
            .page("inquiry/first/index.html")
            .contains("data-pagefind")
    );
}

#[test]
fn the_index_is_the_same_whichever_page_renders_first() {
    // Pages render on every core at once; the index numbers them in the order it gets them.
    let site = TestSite::fixture("clean");
    for n in 0..150 {
        site.write(
            &format!("content/inquiry/story-{n:03}.md"),
            &format!(
                "---\ntitle: Story {n}\ndate: 2020-01-{:02}\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\ntopics: [T{}]\n---\n\nWords of story {n}: w{n}.\n",
                1 + n % 28,
                n % 7
            ),
        );
    }
    let out = site.root.parent().unwrap();
    let (first, second) = (out.join("first"), out.join("second"));
    for output in [&first, &second] {
        site.build(&["--now", NOW, "--output", output.to_str().unwrap()])
            .assert_success();
    }
    let index = |dir: &std::path::Path| {
        let mut files = common::snapshot(dir);
        files.retain(|path, _| path.starts_with("pagefind/"));
        files
    };
    assert!(index(&first).len() > 10);
    assert!(
        index(&first) == index(&second),
        "two builds of the same site, two indexes"
    );
}
