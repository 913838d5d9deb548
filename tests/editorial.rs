//! What a standards editor signs off, through the real binary on the demo site (the repository
//! root) and on fixture sites: funding disclosures and the funders page, dates in the
//! newsroom's time zone, claims, typography, feeds and sitemaps, pictures.

mod common;

use common::{TestSite, copy_tree};
use scraper::{Html, Selector};

/// A private copy of the demo site (the repository root's `site.yaml`, `content/`, `static/`).
fn demo() -> TestSite {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "static"] {
        copy_tree(&repo.join(folder), &root.join(folder));
    }
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    TestSite::from_dir(dir, root)
}

const NOW: &str = "2026-11-25T12:00:00Z";

fn built_demo() -> TestSite {
    let site = demo();
    site.build(&["--now", NOW]).assert_success();
    site
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .map(|element| {
            element
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn attrs(html: &str, selector: &str, attribute: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .filter_map(|element| element.value().attr(attribute).map(str::to_string))
        .collect()
}

// ---- Funding ----------------------------------------------------------------------------------

#[test]
fn demo_discloses_a_story_funder_as_the_story_s_and_counts_funders_exactly() {
    let site = built_demo();
    let regulator = site.page("signal-brokers/the-regulator-that-looked-away/index.html");
    let disclosure = texts(&regulator, ".funding");
    assert_eq!(disclosure.len(), 1, "{disclosure:?}");
    assert!(
        disclosure[0].starts_with(
            "This story was funded by Ostrander Foundation, as part of our reporting on Signal Brokers, which is funded by Halvorsen Trust."
        ),
        "{disclosure:?}"
    );
    // A story of the series with no funder of its own: the series' funder.
    let banks = site.page("signal-brokers/banks-drop-carrow/index.html");
    assert!(
        texts(&banks, ".funding")[0]
            .starts_with("Our reporting on Signal Brokers is funded by Halvorsen Trust."),
    );

    let funders = site.page("funders/index.html");
    // The series has four stories, all funded by Halvorsen through the series.
    assert_eq!(
        texts(&funders, "#halvorsen-trust .funder-series"),
        ["Funds the series Signal Brokers (4 stories)."]
    );
    assert!(texts(&funders, "#halvorsen-trust .card-title").is_empty());
    assert!(texts(&funders, "#ostrander-foundation .funder-series").is_empty());
    assert_eq!(
        texts(&funders, "#ostrander-foundation .page-count"),
        ["1 story funded on its own"]
    );
    // Each funder's stories are listed on its own page, a page at a time.
    assert_eq!(
        attrs(&funders, "#ostrander-foundation .funder-all a", "href"),
        ["/funders/ostrander-foundation/"]
    );
    let ostrander = site.page("funders/ostrander-foundation/index.html");
    assert_eq!(
        attrs(&ostrander, ".card-title a", "href"),
        ["/signal-brokers/the-regulator-that-looked-away/"]
    );

    // Structured data names both, the story's own first.
    let documents = json_ld(&regulator);
    let names: Vec<&str> = documents[0]["funder"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ostrander Foundation", "Halvorsen Trust"]);
}

fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let document = Html::parse_document(html);
    let selector = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    document
        .select(&selector)
        .map(|script| serde_json::from_str(&script.text().collect::<String>()).unwrap())
        .collect()
}

// ---- Dates and time zones ---------------------------------------------------------------------

const CLEAN_SITE: &str = "title: Clean Bureau\nbase_url: https://clean.example.org\nfunders:\n  - name: Open Society Foundations\n  - name: Luminate\n";

/// The clean fixture in the newsroom's `timezone` (none: UTC) with one more story.
fn clean_with(timezone: Option<&str>, story: &str) -> TestSite {
    let site = TestSite::fixture("clean");
    let zone = timezone.map_or(String::new(), |zone| format!("timezone: {zone}\n"));
    site.write("site.yaml", &format!("{CLEAN_SITE}{zone}"));
    site.write("content/inquiry/late.md", story);
    site
}

const LATE_STORY: &str = "---\ntitle: Late\ndate: 2022-02-09T23:30:00-05:00\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: Filed late.\ncorrections:\n  - date: 2022-02-10\n    text: A name was misspelt.\n---\n\nText.\n";

/// When each output says the late story last changed: JSON-LD `dateModified`,
/// `article:modified_time`, the site feed's `updated` and the sitemap's `lastmod`.
fn modified_everywhere(site: &TestSite) -> [String; 4] {
    let page = site.page("inquiry/late/index.html");
    let article = json_ld(&page).remove(0);
    let feed = site.page("atom.xml");
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let entry = feed
        .descendants()
        .find(|node| {
            node.has_tag_name("entry")
                && node.children().any(|child| {
                    child.has_tag_name("id") && child.text().unwrap_or("").ends_with("/late/")
                })
        })
        .unwrap();
    let updated = entry
        .children()
        .find(|child| child.has_tag_name("updated"))
        .unwrap()
        .text()
        .unwrap()
        .to_string();
    let sitemap = site.page("sitemap.xml");
    let sitemap = roxmltree::Document::parse(&sitemap).unwrap();
    let lastmod = sitemap
        .descendants()
        .filter(|node| node.has_tag_name("url"))
        .find(|url| {
            url.children()
                .any(|c| c.has_tag_name("loc") && c.text().unwrap().ends_with("/late/"))
        })
        .and_then(|url| url.children().find(|c| c.has_tag_name("lastmod")))
        .unwrap()
        .text()
        .unwrap()
        .to_string();
    [
        article["dateModified"].as_str().unwrap().to_string(),
        attrs(&page, "meta[property=\"article:modified_time\"]", "content").remove(0),
        updated,
        lastmod,
    ]
}

#[test]
fn a_day_without_a_time_is_that_day_in_the_newsroom_s_zone_in_every_output() {
    // In New York the story went out on the 9th at 23:30, the correction came on the 10th.
    let site = clean_with(Some("America/New_York"), LATE_STORY);
    site.build(&["--now", NOW]).assert_success();
    for said in modified_everywhere(&site) {
        assert_eq!(said, "2022-02-10T00:00:00-05:00");
    }
    let page = site.page("inquiry/late/index.html");
    assert_eq!(attrs(&page, ".correction time", "datetime"), ["2022-02-10"]);
    assert_eq!(
        attrs(
            &page,
            "meta[property=\"article:published_time\"]",
            "content"
        ),
        ["2022-02-09T23:30:00-05:00"]
    );
    // A day alone is machine-read as its start in the zone, with the zone's offset.
    let first = json_ld(&site.page("inquiry/first/index.html")).remove(0);
    assert_eq!(first["datePublished"], "2022-02-09T00:00:00-05:00");

    // In UTC it went out at 04:30 on the 10th, and the correction was made later that day:
    // every output says so the same way (no output may say the 10th began after it).
    let site = clean_with(None, LATE_STORY);
    site.build(&["--now", NOW]).assert_success();
    for said in modified_everywhere(&site) {
        assert_eq!(said, "2022-02-09T23:30:00-05:00");
    }
    let page = site.page("inquiry/late/index.html");
    assert_eq!(texts(&page, ".dateline time"), ["10 February 2022"]);
}

#[test]
fn within_a_day_a_story_with_a_time_comes_before_one_with_the_day_alone() {
    let site = built_demo();
    let part = |page: &str| texts(&site.page(page), ".kicker .part");
    assert_eq!(
        part("signal-brokers/carrow-phone-locations/index.html"),
        ["Part 1 of 4"]
    );
    assert_eq!(
        part("signal-brokers/tracing-the-lookups/index.html"),
        ["Part 2 of 4"]
    );
}

#[test]
fn dates_out_of_order_are_judged_on_instants() {
    let check = |timezone: Option<&str>, front: &str| {
        let story = format!(
            "---\ntitle: Late\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\n{front}---\n\nText.\n"
        );
        let site = clean_with(timezone, &story);
        let run = site.check(&["--format", "json", "--now", NOW]);
        common::findings(&run)
            .iter()
            .map(|finding| finding.place())
            .collect::<Vec<_>>()
    };
    // The 10th at 01:00 in Paris is before the 9th at 23:30 in New York.
    assert_eq!(
        check(
            None,
            "date: 2022-02-09T23:30:00-05:00\nupdated: 2022-02-10T01:00:00+01:00\ncorrections:\n  - date: 2022-02-10T01:00:00+01:00\n    text: T\n"
        ),
        [
            "content/inquiry/late.md:7:1 E-STRUCTURE-UPDATED-BEFORE-DATE",
            "content/inquiry/late.md:9:3 E-STRUCTURE-CORRECTION-BEFORE-DATE",
        ]
    );
    // A day alone is the whole day: not before a time of that day.
    assert_eq!(
        check(
            None,
            "date: 2022-02-10T15:00:00Z\nupdated: 2022-02-10\ncorrections:\n  - date: 2022-02-10\n    text: T\n"
        ),
        Vec::<String>::new()
    );
    // The newsroom's zone decides which day a time fell on.
    assert_eq!(
        check(
            Some("Pacific/Auckland"),
            "date: 2022-02-10T15:00:00Z\nupdated: 2022-02-10\n"
        ),
        ["content/inquiry/late.md:7:1 E-STRUCTURE-UPDATED-BEFORE-DATE"]
    );
    // An embargo still needs its offset; the zone does not stand in for it.
    assert_eq!(
        check(
            Some("Europe/London"),
            "date: 2022-02-10\npublish_at: 2030-01-01T06:00:00\n"
        ),
        ["content/inquiry/late.md:7:1 E-EMBARGO-NO-ZONE"]
    );
    assert_eq!(
        check(Some("Mars/Olympus"), "date: 2022-02-10\n"),
        ["site.yaml:6:1 E-CONFIG-VALUE"]
    );
}

#[test]
fn the_news_window_reads_a_day_in_the_newsroom_s_zone() {
    // 12:00 UTC on the 2nd is already the 3rd in Auckland: a story dated the 3rd is out.
    let story = "---\ntitle: Today\ndate: 2022-03-03\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\n---\n\nText.\n";
    let site = clean_with(Some("Pacific/Auckland"), story);
    site.build(&["--now", "2022-03-02T12:00:00Z"])
        .assert_success();
    let news = site.page("news-sitemap.xml");
    assert!(news.contains("/inquiry/late/"), "{news}");
    assert!(
        news.contains("<news:publication_date>2022-03-03T00:00:00+13:00</news:publication_date>"),
        "{news}"
    );
}

// ---- Claims -----------------------------------------------------------------------------------

#[test]
fn demo_claim_names_an_organisation_with_where_and_when() {
    let site = built_demo();
    let page = site.page("signal-brokers/carrow-phone-locations/index.html");
    let documents = json_ld(&page);
    let reviews: Vec<&serde_json::Value> = documents
        .iter()
        .filter(|d| d["@type"] == "ClaimReview")
        .collect();
    assert_eq!(reviews.len(), 2);
    let claim = &reviews[0]["itemReviewed"];
    assert_eq!(claim["@type"], "Claim");
    assert_eq!(
        claim["author"],
        serde_json::json!({
            "@type": "Organization",
            "name": "Carrow Signal Systems",
            "url": "https://example.org/carrow/",
        })
    );
    // September in Oslo is two hours ahead of UTC.
    assert_eq!(claim["datePublished"], "2022-09-30T00:00:00+02:00");
    assert_eq!(
        claim["appearance"]["url"],
        "https://example.org/carrow/shareholder-letter-2022"
    );
    assert_eq!(
        claim["appearance"]["name"],
        "Carrow's letter to shareholders, September 2022"
    );
    assert_eq!(
        attrs(&page, ".claim .claimant a", "href")[0],
        "https://example.org/carrow/"
    );
    assert_eq!(
        attrs(&page, ".claim .claim-source", "href")[0],
        "https://example.org/carrow/shareholder-letter-2022"
    );
    // The demo says where and when for every claim: no warnings at all.
    let run = site.check(&["--format", "json", "--now", NOW]);
    assert_eq!(common::findings(&run).len(), 0, "{}", run.stdout);
}

#[test]
fn claimants_known_to_site_yaml_are_recognised_by_name() {
    let site = TestSite::fixture("clean");
    site.write(
        "site.yaml",
        &format!(
            "{CLEAN_SITE}publisher: {{name: Clean Bureau, url: https://clean.example.org/about/}}\npeople:\n  - name: Ana Lind\n    url: https://analind.example\n"
        ),
    );
    let claims = "claims:\n  - claim: A\n    claimant: Ana Lind\n    rating: True\n    claim_date: 2022-01-01\n    appeared_in: https://example.org/a\n  - claim: B\n    claimant: Luminate\n    rating: True\n    date: 2022-01-02\n    url: https://example.org/b\n  - claim: C\n    claimant: {name: Ana Lind, type: organization, url: https://x.example}\n    rating: True\n    claim_date: 2022-01-03\n    appeared_in: {url: https://example.org/c, title: A post}\n";
    site.write(
        "content/inquiry/claims.md",
        &format!("---\ntitle: Claims\ndate: 2022-02-09\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\n{claims}---\n\nText.\n"),
    );
    site.build(&["--now", NOW]).assert_success();
    let documents = json_ld(&site.page("inquiry/claims/index.html"));
    let authors: Vec<(String, String, Option<String>)> = documents[1..]
        .iter()
        .map(|review| {
            let author = &review["itemReviewed"]["author"];
            (
                author["@type"].as_str().unwrap().to_string(),
                author["name"].as_str().unwrap().to_string(),
                author["url"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        authors,
        [
            (
                "Person".into(),
                "Ana Lind".into(),
                Some("https://analind.example".into())
            ),
            ("Organization".into(), "Luminate".into(), None),
            (
                "Organization".into(),
                "Ana Lind".into(),
                Some("https://x.example".into())
            ),
        ]
    );
    // The older `date` and `url` still say when and where.
    assert_eq!(
        documents[2]["itemReviewed"]["datePublished"],
        "2022-01-02T00:00:00+00:00"
    );
    assert_eq!(
        documents[2]["itemReviewed"]["appearance"]["url"],
        "https://example.org/b"
    );
    // A claimant's type is a person or an organisation, nothing else.
    site.write(
        "content/inquiry/claims.md",
        "---\ntitle: Claims\ndate: 2022-02-09\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\nclaims:\n  - claim: A\n    claimant: {name: X, type: company}\n    rating: True\n---\n\nText.\n",
    );
    let run = site.check(&["--format", "json", "--now", NOW]);
    let places: Vec<String> = common::findings(&run).iter().map(|f| f.place()).collect();
    assert!(
        places.contains(&"content/inquiry/claims.md:9:5 E-FRONT-TYPE".to_string()),
        "{places:?}"
    );
}

// ---- Typography -------------------------------------------------------------------------------

/// Every text a reader sees in an HTML document: its text outside code, scripts and styles, and
/// the attributes that are read out or shown (`alt`, `title`, `aria-label`, the descriptive
/// `<meta>` contents).
fn reader_texts(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let mut texts = Vec::new();
    for node in document.tree.nodes() {
        if let scraper::Node::Text(text) = node.value() {
            let in_code = node.ancestors().any(|ancestor| {
                ancestor.value().as_element().is_some_and(|element| {
                    matches!(element.name(), "code" | "pre" | "script" | "style")
                })
            });
            let in_noscript = node.parent().is_some_and(|parent| {
                parent
                    .value()
                    .as_element()
                    .is_some_and(|element| element.name() == "noscript")
            });
            if in_noscript {
                // A parser that runs scripts reads <noscript> as text: its markup is read here.
                texts.extend(reader_texts(&format!("<body>{}</body>", &**text)));
            } else if !in_code && !text.trim().is_empty() {
                texts.push(text.to_string());
            }
        }
        if let scraper::Node::Element(element) = node.value() {
            for attribute in ["alt", "title", "aria-label"] {
                if let Some(value) = element.attr(attribute) {
                    texts.push(value.to_string());
                }
            }
            let descriptive = element
                .attr("name")
                .or(element.attr("property"))
                .is_some_and(|name| {
                    [
                        "description",
                        "og:title",
                        "og:description",
                        "og:image:alt",
                        "og:site_name",
                    ]
                    .contains(&name)
                        || name.starts_with("article:section")
                        || name.starts_with("article:tag")
                });
            if element.name() == "meta" && descriptive {
                texts.push(element.attr("content").unwrap_or("").to_string());
            }
        }
    }
    texts
}

fn straight_quotes(texts: &[String]) -> Vec<&String> {
    texts
        .iter()
        .filter(|text| text.contains('\'') || text.contains('"'))
        .collect()
}

#[test]
fn every_text_a_reader_sees_has_smart_punctuation() {
    let site = built_demo();
    let mut pages = 0;
    for (path, bytes) in common::snapshot(&site.output()) {
        let text = String::from_utf8_lossy(&bytes);
        if path.ends_with(".html") {
            pages += 1;
            let texts = reader_texts(&text);
            assert_eq!(straight_quotes(&texts), Vec::<&String>::new(), "{path}");
        } else if path.ends_with("atom.xml") {
            let feed = roxmltree::Document::parse(&text).unwrap();
            for node in feed.descendants().filter(|n| n.is_element()) {
                let name = node.tag_name().name();
                let shown = match name {
                    "title" | "subtitle" | "summary" | "name" => node.text().map(str::to_string),
                    "category" => node.attribute("term").map(str::to_string),
                    "content" => Some(
                        reader_texts(&format!(
                            "<!doctype html><body>{}",
                            node.text().unwrap_or("")
                        ))
                        .join("\n"),
                    ),
                    _ => None,
                };
                if let Some(shown) = shown {
                    assert!(
                        !shown.contains('\'') && !shown.contains('"'),
                        "{path} <{name}>: {shown}"
                    );
                }
            }
        }
    }
    assert!(pages > 20, "{pages} pages");
    let regulator = site.page("signal-brokers/the-regulator-that-looked-away/index.html");
    assert_eq!(
        texts(&regulator, "h1"),
        ["Warned twice, the regulator renewed Carrow’s licence anyway"]
    );
    // The structured data quotes the front matter as typed, and URLs are left alone.
    assert_eq!(
        json_ld(&regulator)[0]["headline"],
        "Warned twice, the regulator renewed Carrow's licence anyway"
    );
    assert!(
        attrs(&regulator, "a", "href")
            .iter()
            .all(|href| !href.contains('’') && !href.contains('“'))
    );
}

#[test]
fn an_embargoed_title_is_audited_as_pages_show_it() {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/scoop.md",
        "---\ntitle: \"The minister's secret deal\"\ndate: 2022-02-09\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\npublish_at: 2030-01-01T06:00:00+00:00\n---\n\nText.\n",
    );
    site.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Soon: The minister’s secret deal</p>{% endblock %}",
    );
    let run = site.build(&["--now", NOW, "--format", "json"]);
    run.assert_failure(1);
    assert!(
        common::findings(&run)
            .iter()
            .any(|finding| finding.code == "E-EMBARGO-LEAK"),
        "{}",
        run.stdout
    );
}

// ---- Feeds and sitemaps -----------------------------------------------------------------------

/// The Atom entry of the story at `url_end` in the feed `xml`: (its HTML content, its summary).
fn feed_entry_content(xml: &str, url_end: &str) -> String {
    let feed = roxmltree::Document::parse(xml).unwrap();
    let entry = feed
        .descendants()
        .find(|node| {
            node.has_tag_name("entry")
                && node.children().any(|child| {
                    child.has_tag_name("id") && child.text().unwrap_or("").ends_with(url_end)
                })
        })
        .unwrap_or_else(|| panic!("no entry for {url_end}"));
    entry
        .children()
        .find(|child| child.has_tag_name("content"))
        .and_then(|content| content.text())
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_feed_entry_carries_the_correction_notice_and_funding_disclosure_of_its_page() {
    let site = built_demo();
    for feed in [
        "atom.xml",
        "signal-brokers/atom.xml",
        "people/ana-lind/atom.xml",
    ] {
        let content = feed_entry_content(&site.page(feed), "/carrow-phone-locations/");
        let entry = Html::parse_fragment(&content);
        let paragraphs: Vec<String> = entry
            .select(&Selector::parse("p").unwrap())
            .map(|p| p.text().collect::<String>())
            .collect();
        assert_eq!(
            paragraphs.first().map(String::as_str),
            Some(
                "Correction, 16 March 2023: An earlier version of this article said Carrow Signal Systems was founded in 2012. It was founded in 2013."
            ),
            "{feed}"
        );
        assert_eq!(
            paragraphs.last().map(String::as_str),
            Some(
                "Our reporting on Signal Brokers is funded by Halvorsen Trust. None of our funders have any influence over our editorial decisions or output."
            ),
            "{feed}"
        );
    }
    // The story with a funder of its own says so in its entry as on its page.
    let content = feed_entry_content(&site.page("atom.xml"), "/the-regulator-that-looked-away/");
    assert!(
        content.contains("This story was funded by Ostrander Foundation, as part of our reporting on Signal Brokers, which is funded by Halvorsen Trust."),
        "{content}"
    );
    assert!(!content.contains("Correction,"), "no correction: no notice");
}

/// `xmllint` and the sitemaps.org schema (from the npm package `sitemap`, pinned in
/// tests/browser/package.json), or why they are missing. In CI (`CI` or
/// `BYLINE_BROWSER_TESTS=1`, as `.ci/run` sets) a missing tool fails the test.
fn sitemap_schema() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/sitemap/schema/sitemap.xsd");
    let xmllint = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("xmllint"))
            .find(|path| path.is_file())
    });
    let required = std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || std::env::var("BYLINE_BROWSER_TESTS").is_ok_and(|v| v == "1");
    match (xmllint, schema.is_file()) {
        (Some(xmllint), true) => Some((xmllint, schema)),
        (xmllint, has_schema) => {
            let missing = if xmllint.is_none() {
                "xmllint (apt-get install libxml2-utils)"
            } else {
                "the sitemaps.org schema ((cd tests/browser && npm ci --ignore-scripts))"
            };
            assert!(!required, "the sitemap schema check needs {missing}");
            let _ = has_schema;
            eprintln!("SKIPPED: validating sitemaps against the sitemaps.org XSD needs {missing}");
            None
        }
    }
}

/// Validates `xml` (a file) with xmllint against the sitemaps.org schema and the Google News
/// extension; Err with xmllint's report when it is not valid.
fn validate_sitemap(
    xmllint: &std::path::Path,
    sitemap_xsd: &std::path::Path,
    xml: &std::path::Path,
) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let news_xsd =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sitemap-news.xsd");
    let both = dir.path().join("both.xsd");
    std::fs::write(
        &both,
        format!(
            "<?xml version=\"1.0\"?>\n<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n\
             <xsd:import namespace=\"http://www.sitemaps.org/schemas/sitemap/0.9\" schemaLocation=\"{}\"/>\n\
             <xsd:import namespace=\"http://www.google.com/schemas/sitemap-news/0.9\" schemaLocation=\"{}\"/>\n\
             </xsd:schema>\n",
            sitemap_xsd.display(),
            news_xsd.display()
        ),
    )
    .unwrap();
    let output = std::process::Command::new(xmllint)
        .args(["--noout", "--nonet", "--schema"])
        .arg(&both)
        .arg(xml)
        .output()
        .expect("xmllint runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn news_sitemap_is_written_and_named_only_with_news_and_every_sitemap_validates() {
    let site = demo();
    // Years after the demo's last story: no news.
    site.build(&["--now", NOW]).assert_success();
    assert!(!site.output().join("news-sitemap.xml").exists());
    assert_eq!(
        site.page("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://demo.byline.example/sitemap.xml\n"
    );
    let schema = sitemap_schema();
    if let Some((xmllint, xsd)) = &schema {
        validate_sitemap(xmllint, xsd, &site.output().join("sitemap.xml")).unwrap();
        // The schema refuses the empty news sitemap byline used to write.
        let empty = site.path("empty-news-sitemap.xml");
        std::fs::write(
            &empty,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n</urlset>\n",
        )
        .unwrap();
        assert!(validate_sitemap(xmllint, xsd, &empty).is_err());
    }
    // The day after the banks story: it is news.
    site.build(&["--now", "2023-06-22T12:00:00Z"])
        .assert_success();
    let news = site.page("news-sitemap.xml");
    assert!(
        news.contains("/signal-brokers/banks-drop-carrow/"),
        "{news}"
    );
    assert!(
        site.page("robots.txt")
            .ends_with("Sitemap: https://demo.byline.example/news-sitemap.xml\n")
    );
    if let Some((xmllint, xsd)) = &schema {
        validate_sitemap(xmllint, xsd, &site.output().join("sitemap.xml")).unwrap();
        validate_sitemap(xmllint, xsd, &site.output().join("news-sitemap.xml")).unwrap();
    }
}

#[test]
fn listing_pages_are_described_and_have_a_preview_image() {
    let site = built_demo();
    let description = "An invented newsroom that investigates the companies and regulators that move our data around. Every story carries its full byline, its sources and who paid for it.";
    for page in [
        "index.html",
        "topics/index.html",
        "people/index.html",
        "topics/telecoms/index.html",
    ] {
        let html = site.page(page);
        assert_eq!(
            attrs(&html, "meta[name=\"description\"]", "content"),
            [description],
            "{page}"
        );
        assert_eq!(
            attrs(&html, "meta[property=\"og:description\"]", "content"),
            [description],
            "{page}"
        );
        assert_eq!(
            attrs(&html, "meta[property=\"og:image\"]", "content"),
            ["https://demo.byline.example/images/signal-brokers.png"],
            "{page}"
        );
        assert_eq!(
            attrs(&html, "meta[property=\"og:image:width\"]", "content"),
            ["1200"],
            "{page}"
        );
    }
    // A page with words of its own keeps them: a series' summary, a person's bio.
    let series = site.page("signal-brokers/index.html");
    assert!(
        attrs(&series, "meta[name=\"description\"]", "content")[0]
            .starts_with("How a little-known")
    );
    let person = site.page("people/ana-lind/index.html");
    assert!(
        attrs(&person, "meta[name=\"description\"]", "content")[0].starts_with("Ana reports on")
    );
    // A story keeps its own picture, once.
    let story = site.page("signal-brokers/the-regulator-that-looked-away/index.html");
    assert_eq!(
        attrs(&story, "meta[property=\"og:image\"]", "content"),
        ["https://demo.byline.example/images/regulator.png"]
    );
}

#[test]
fn footnotes_link_back_to_where_they_are_cited() {
    let site = built_demo();
    let html = site.page("signal-brokers/carrow-phone-locations/index.html");
    let references = attrs(&html, ".footnote-reference", "id");
    assert!(!references.is_empty());
    let back = attrs(&html, ".footnote-definition .footnote-backref", "href");
    let mut expected: Vec<String> = references.iter().map(|id| format!("#{id}")).collect();
    let mut back_sorted = back.clone();
    expected.sort();
    back_sorted.sort();
    assert_eq!(back_sorted, expected);
    assert_eq!(
        attrs(&html, ".footnote-backref", "aria-label")[0],
        "Back to the text of note 1"
    );
}

#[test]
fn every_page_names_an_icon_that_is_published() {
    let site = built_demo();
    for page in [
        "index.html",
        "404.html",
        "signal-brokers/carrow-phone-locations/index.html",
    ] {
        assert_eq!(
            attrs(&site.page(page), "link[rel=\"icon\"]", "href"),
            ["/favicon.svg"],
            "{page}"
        );
    }
    assert!(site.page("favicon.svg").starts_with("<svg"));
    // A site's own icon replaces the theme's.
    let site = demo();
    let yaml = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{yaml}icon: /images/logo.png\n"));
    site.build(&["--now", NOW]).assert_success();
    let html = site.page("index.html");
    assert_eq!(
        attrs(&html, "link[rel=\"icon\"]", "href"),
        ["/images/logo.png"]
    );
    assert_eq!(attrs(&html, "link[rel=\"icon\"]", "type"), ["image/png"]);
}

// ---- Pictures ---------------------------------------------------------------------------------

/// The header of a PNG file of `width` x `height` pixels: all byline reads of a picture.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

#[test]
fn small_header_pictures_and_misnamed_files_are_reported() {
    let site = TestSite::fixture("clean");
    let picture = |name: &str, bytes: &[u8]| {
        let path = site.path(&format!("static/images/{name}"));
        std::fs::write(path, bytes).unwrap();
    };
    picture("placeholder.png", &png_header(8, 8));
    picture("almost.png", &png_header(1_100, 619));
    picture("wide.png", &png_header(1_600, 900));
    picture("photo.jpg", &png_header(1_600, 900));
    picture("chart.png", b"<!doctype html><title>404 Not Found</title>");
    let story = |name: &str, src: &str| {
        site.write(
            &format!("content/inquiry/{name}.md"),
            &format!(
                "---\ntitle: {name}\ndate: 2022-02-09\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\nimage:\n  src: {src}\n  alt: A picture\n  credit: C\n---\n\n![A chart](/images/chart.png \"The chart. Credit: C\")\n"
            ),
        );
    };
    story("placeholder", "/images/placeholder.png");
    story("almost", "/images/almost.png");
    story("wide", "/images/wide.png");
    story("misnamed", "/images/photo.jpg");
    let run = site.check(&["--format", "json", "--now", NOW]);
    run.assert_success();
    let findings: Vec<(String, String)> = common::findings(&run)
        .into_iter()
        .filter(|f| f.code.starts_with("W-IMAGE"))
        .map(|f| (f.place(), f.message))
        .collect();
    let places: Vec<&str> = findings.iter().map(|(place, _)| place.as_str()).collect();
    assert_eq!(
        places,
        [
            "content/inquiry/almost.md:7:1 W-IMAGE-TOO-SMALL",
            "content/inquiry/almost.md:13:1 W-IMAGE-TYPE-MISMATCH",
            "content/inquiry/misnamed.md:7:1 W-IMAGE-TYPE-MISMATCH",
            "content/inquiry/misnamed.md:13:1 W-IMAGE-TYPE-MISMATCH",
            "content/inquiry/placeholder.md:7:1 W-IMAGE-TOO-SMALL",
            "content/inquiry/placeholder.md:13:1 W-IMAGE-TYPE-MISMATCH",
            "content/inquiry/wide.md:13:1 W-IMAGE-TYPE-MISMATCH",
        ]
    );
    let message = |place: &str| {
        findings
            .iter()
            .find(|(p, _)| p == place)
            .map(|(_, m)| m.clone())
            .unwrap()
    };
    assert!(
        message("content/inquiry/placeholder.md:7:1 W-IMAGE-TOO-SMALL")
            .contains("8×8 px, but the theme shows it up to 1088 px wide"),
    );
    assert!(
        message("content/inquiry/almost.md:7:1 W-IMAGE-TOO-SMALL").contains(
            "wide enough for the page, but Google Discover and large link previews want 1200 px"
        ),
    );
    assert_eq!(
        message("content/inquiry/misnamed.md:7:1 W-IMAGE-TYPE-MISMATCH"),
        "/images/photo.jpg is named as a JPEG image, but it is a PNG file"
    );
    assert_eq!(
        message("content/inquiry/wide.md:13:1 W-IMAGE-TYPE-MISMATCH"),
        "/images/chart.png is named as a PNG image, but it is not an image byline recognises"
    );
}
