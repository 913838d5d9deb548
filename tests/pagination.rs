//! Pagination through the binary, on a generated 1,000-story site: every listing (home, series,
//! topic, person, funder, corrections) shows a page of stories at a time, page 1 at its own
//! address and `page/2/`... after it, linked with `rel="prev"`/`"next"` and "Page 2 of 50";
//! every story is reached from each listing it is in by following the pages; every page is in
//! the sitemap; feeds keep their 50 latest entries; a listing that fits on one page has no
//! pagination at all.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{TestSite, attrs, texts};

const NOW: &str = "2026-11-25T12:00:00Z";
const STORIES: usize = 1000;
const TOPICS: [&str; 3] = ["Courts", "Housing", "Health"];
const REPORTERS: [&str; 4] = ["Ana Lind", "Tom Byrne", "Mei Tanaka", "Omar Haddad"];

/// The clean fixture with `STORIES` more stories: every third in a second series (`archive`,
/// whose `_index.md` asks for 50 a page), the rest in the inquiry; a topic and a reporter
/// each by turns; every hundredth corrected.
fn archive() -> TestSite {
    let site = TestSite::fixture("clean");
    site.write(
        "content/archive/_index.md",
        "---\ntitle: The Archive\nfunder: Luminate\npaginate: 50\n---\n\nOld stories.\n",
    );
    for n in 0..STORIES {
        let series = if n % 3 == 0 { "archive" } else { "inquiry" };
        let day = 1 + n % 28;
        let month = 1 + (n / 28) % 12;
        let year = 2000 + n / 336;
        let correction = if n % 100 == 0 {
            format!(
                "corrections:\n  - date: {year}-{month:02}-{day:02}\n    text: Fixed number {n}.\n"
            )
        } else {
            String::new()
        };
        site.write(
            &format!("content/{series}/story-{n:04}.md"),
            &format!(
                "---\ntitle: Story number {n}\ndate: {year}-{month:02}-{day:02}\nreporter: {}\neditor: Meirion Jones\nsummary: Summary {n}.\ntopics: [{}]\n{correction}---\n\nThe text of story {n}.\n",
                REPORTERS[n % REPORTERS.len()],
                TOPICS[n % TOPICS.len()],
            ),
        );
    }
    site
}

/// Follows a listing from its first page (`/inquiry/`) by its `rel="next"` links; returns the
/// stories linked from its cards, page by page, checking each page's navigation on the way.
fn follow(site: &TestSite, first: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut url = Some(first.to_string());
    while let Some(at) = url.take() {
        let file = format!("{}index.html", at.trim_start_matches('/'));
        let html = site.page(&file);
        let number = pages.len() + 1;
        // Page 1 is the listing's own address; page n is `<listing>page/n/`.
        if number == 1 {
            assert_eq!(at, first);
        } else {
            assert_eq!(at, format!("{first}page/{number}/"));
        }
        let next = attrs(&html, "link[rel=next]", "href");
        let previous = attrs(&html, "link[rel=prev]", "href");
        assert_eq!(
            attrs(&html, ".pagination a[rel=next]", "href"),
            next,
            "{at}: the page's own link and the head's agree"
        );
        if number == 1 {
            assert!(previous.is_empty(), "{at}");
        } else {
            let expected = if number == 2 {
                first.to_string()
            } else {
                format!("{first}page/{}/", number - 1)
            };
            assert_eq!(previous, [expected], "{at}");
        }
        let cards = attrs(&html, ".cards .card-title a", "href");
        pages.push(cards);
        url = next.into_iter().next();
        assert!(pages.len() <= STORIES, "{first} never ends");
    }
    // Every page says where it is.
    let count = pages.len();
    if count > 1 {
        let last = site.page(&format!(
            "{}page/{count}/index.html",
            first.trim_start_matches('/')
        ));
        assert_eq!(
            texts(&last, ".pagination p"),
            [format!("Page {count} of {count}")]
        );
        assert!(texts(&last, "title")[0].ends_with(&format!(" — Page {count} of {count}")));
    }
    pages
}

/// Every story page of the built site, by site path, with its series, topic and reporter.
fn stories(site: &TestSite) -> BTreeMap<String, (String, String, String)> {
    let mut stories = BTreeMap::new();
    for (file, bytes) in common::snapshot(&site.output()) {
        let html = String::from_utf8_lossy(&bytes);
        if !html.contains("class=\"kind-story\"") {
            continue;
        }
        let url = format!("/{}", file.trim_end_matches("index.html"));
        let series = attrs(&html, ".story-labels .kicker a", "href")
            .first()
            .cloned()
            .unwrap_or_default();
        let topic = attrs(&html, ".topics a", "href")
            .first()
            .cloned()
            .unwrap_or_default();
        let reporter = attrs(&html, ".byline dd a", "href")[0].clone();
        stories.insert(url, (series, topic, reporter));
    }
    stories
}

#[test]
fn every_story_is_reached_from_each_of_its_listings_a_page_at_a_time() {
    let site = archive();
    site.build(&["--now", NOW]).assert_success();
    let stories = stories(&site);
    assert_eq!(stories.len(), STORIES + 3);

    let reached = |first: &str, per_page: usize| -> BTreeSet<String> {
        let pages = follow(&site, first);
        let total: usize = pages.iter().map(Vec::len).sum();
        for (at, page) in pages.iter().enumerate() {
            if at + 1 < pages.len() {
                assert_eq!(page.len(), per_page, "{first} page {}", at + 1);
            } else {
                assert!(
                    !page.is_empty() && page.len() <= per_page,
                    "{first} last page"
                );
            }
        }
        assert_eq!(pages.len(), total.div_ceil(per_page).max(1), "{first}");
        let set: BTreeSet<String> = pages.into_iter().flatten().collect();
        assert_eq!(set.len(), total, "{first} lists a story twice");
        set
    };
    let everything: BTreeSet<String> = stories.keys().cloned().collect();
    assert_eq!(reached("/", 20), everything, "the home page");
    let home = site.page("page/2/index.html");
    assert_eq!(texts(&home, ".pagination p"), ["Page 2 of 51"]);
    assert!(
        texts(&home, ".series-index").is_empty(),
        "the series are on page 1"
    );

    let of = |pick: fn(&(String, String, String)) -> &String, key: &str| -> BTreeSet<String> {
        stories
            .iter()
            .filter(|(_, facts)| pick(facts) == key)
            .map(|(url, _)| url.clone())
            .collect()
    };
    assert_eq!(reached("/inquiry/", 20), of(|f| &f.0, "/inquiry/"));
    // The archive's _index.md asks for 50 a page.
    assert_eq!(reached("/archive/", 50), of(|f| &f.0, "/archive/"));
    assert_eq!(follow(&site, "/archive/").len(), 7);
    for topic in ["/topics/courts/", "/topics/housing/", "/topics/health/"] {
        assert_eq!(reached(topic, 20), of(|f| &f.1, topic), "{topic}");
    }
    for person in ["/people/ana-lind/", "/people/mei-tanaka/"] {
        // Every story this reporter wrote (the people pages list edits too, and Meirion Jones
        // edits them all).
        assert_eq!(reached(person, 20), of(|f| &f.2, person), "{person}");
    }
    let editor = reached("/people/meirion-jones/", 20);
    assert_eq!(editor, everything);
    // A funder's stories: the archive's funder, through its series.
    assert_eq!(
        reached("/funders/luminate/", 20).len(),
        of(|f| &f.0, "/archive/").len() + 1
    );
    let funders = site.page("funders/index.html");
    assert_eq!(
        attrs(&funders, "#luminate .funder-all a", "href"),
        ["/funders/luminate/"]
    );

    // The corrections ledger: 10 corrections of the generated stories and the fixture's.
    let ledger = site.page("corrections/index.html");
    let entries = texts(&ledger, ".ledger-entry").len();
    assert!(entries <= 20, "{entries}");

    // Feeds keep their 50 latest entries.
    let feed = site.page("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 50);
    assert_eq!(site.page("inquiry/atom.xml").matches("<entry>").count(), 50);

    // Every page of every listing is in the sitemap (one build of 1,000 stories serves both).
    let sitemap = site.page("sitemap.xml");
    let listed: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|rest| rest.split("</loc>").next().unwrap().to_string())
        .collect();
    let pages: BTreeSet<String> = common::snapshot(&site.output())
        .into_keys()
        .filter(|file| file.ends_with("/index.html") || file == "index.html")
        .map(|file| {
            format!(
                "https://clean.example.org/{}",
                file.trim_end_matches("index.html")
            )
        })
        .collect();
    assert_eq!(listed, pages);
    assert!(listed.contains("https://clean.example.org/page/51/"));
    assert!(listed.contains("https://clean.example.org/topics/courts/page/17/"));
}

#[test]
fn paginate_sets_the_page_size_and_a_listing_on_one_page_has_no_pagination() {
    let site = TestSite::fixture("clean");
    site.build(&["--now", NOW]).assert_success();
    for page in [
        "index.html",
        "inquiry/index.html",
        "topics/courts/index.html",
    ] {
        let html = site.page(page);
        assert!(texts(&html, ".pagination").is_empty(), "{page}");
        assert!(attrs(&html, "link[rel=next]", "href").is_empty(), "{page}");
        assert!(
            !site
                .output()
                .join(page.replace("index.html", "page/2/index.html"))
                .exists()
        );
    }
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}paginate: 1\n"));
    site.build(&["--now", NOW]).assert_success();
    assert_eq!(
        follow(&site, "/inquiry/"),
        [["/inquiry/the-map/"], ["/inquiry/first/"]]
    );
    assert_eq!(follow(&site, "/").len(), 3);
    let page = site.page("inquiry/page/2/index.html");
    assert_eq!(
        attrs(&page, "link[rel=canonical]", "href"),
        ["https://clean.example.org/inquiry/page/2/"]
    );
    assert!(texts(&page, ".page-count")[0].starts_with("2 stories · latest "));
}
