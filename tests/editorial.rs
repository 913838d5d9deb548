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
