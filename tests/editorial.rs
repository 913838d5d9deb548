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
    assert_eq!(
        attrs(&funders, "#ostrander-foundation .card-title a", "href"),
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
            if !in_code && !text.trim().is_empty() {
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
