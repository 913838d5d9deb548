//! The site's language, through the binary: with `language: de` every word a reader sees or
//! hears on the newsroom fixture is the theme's German (navigation, headings, the byline's
//! roles, the funding sentence, "Teil 1 von 2", page navigation, dates) and no English string
//! of the theme is left on any page or feed; French and Spanish get their own words; a site's
//! `strings:` win over the theme's; a language the theme lacks is English, with a warning.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{TestSite, attrs, findings, texts};

const NOW: &str = "2026-04-01T12:00:00Z";

/// The newsroom fixture in `language`, with dates in the language's own order (the fixture
/// fixes the English one with `date_format`), one story a listing page so every listing has
/// page navigation, `extra` lines added to site.yaml, and a withdrawn story and an old address
/// of a story, so the withdrawn and redirect pages are built too.
fn site_in(language: &str, extra: &str) -> TestSite {
    let site = TestSite::fixture("newsroom");
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    assert!(config.contains("language: en\n") && config.contains("date_format:"));
    let config: String = config
        .replace("language: en\n", &format!("language: {language}\n"))
        .lines()
        .filter(|line| !line.starts_with("date_format:"))
        .map(|line| format!("{line}\n"))
        .collect();
    site.write("site.yaml", &format!("{config}paginate: 1\n{extra}"));
    site.write(
        "content/pulled.md",
        "---\ntitle: Pulled\ndate: 2022-01-10\nreporter: Tom Byrne\neditor: Meirion Jones\n\
         funder: Luminate\nsummary: S.\nwithdrawn: {date: 2022-04-01, reason: \"Ein Gericht.\"}\n---\n\nText.\n",
    );
    let standalone = std::fs::read_to_string(site.path("content/standalone.md")).unwrap();
    site.write(
        "content/standalone.md",
        &standalone.replacen("---\n", "---\naliases: [/2021/old-address/]\n", 1),
    );
    site
}

/// Builds `site` (with `extra` arguments) into its default output folder.
fn build(site: &TestSite, extra: &[&str]) {
    let mut args = vec!["--now", NOW];
    args.extend_from_slice(extra);
    site.build(&args).assert_success();
}

fn one(html: &str, selector: &str) -> String {
    let found = texts(html, selector);
    assert_eq!(found.len(), 1, "{selector}: {found:?}");
    found.into_iter().next().unwrap()
}

const STORY: &str = "decision-machines/twitter-cuts-ties/index.html";

#[test]
fn a_german_site_reads_in_german() {
    let site = site_in("de", "");
    build(&site, &[]);
    let story = site.page(STORY);
    let home = site.page("index.html");

    for page in [
        &story,
        &home,
        &site.page("404.html"),
        &site.page("search/index.html"),
    ] {
        assert_eq!(attrs(page, "html", "lang"), ["de"]);
    }
    // Dates: the language's order and month names.
    assert_eq!(texts(&story, ".dateline > time"), ["9. Februar 2022"]);
    assert_eq!(one(&story, ".updated"), "Aktualisiert am 10. Februar 2022");
    assert_eq!(
        one(&story, ".correction strong"),
        "Korrektur vom 10. Februar 2022:"
    );
    // The byline: the theme's role names; a credit is the newsroom's own words, not pluralised
    // by English rules.
    let roles = texts(&story, ".byline dt");
    assert_eq!(
        roles,
        ["Recherche", "Global editor", "Fact checker", "Redaktion"]
    );
    assert_eq!(
        texts(&story, ".byline dd")[2],
        "Ana Lind und Tom Byrne",
        "names are joined with the theme's words"
    );

    // Navigation, skip link, footer.
    assert_eq!(
        texts(&home, ".site-nav a"),
        ["Themen", "Personen", "Korrekturen", "Förderer", "Suche"]
    );
    assert_eq!(attrs(&home, ".site-nav", "aria-label"), ["Hauptmenü"]);
    assert_eq!(one(&home, ".skip-link"), "Zum Inhalt springen");
    assert_eq!(
        one(&home, ".site-publisher"),
        "Herausgegeben von Fixture Bureau"
    );

    // Headings.
    assert_eq!(
        texts(&home, ".section-title"),
        ["Serien", "Neueste Beiträge"]
    );
    assert_eq!(
        texts(&story, "h2"),
        [
            "What happened",
            "Geprüfte Behauptungen",
            "Quellen",
            "Mehr aus der Serie Decision Machines",
            "Mehr zum Thema"
        ]
    );
    assert_eq!(attrs(&story, "ul.topics", "aria-label"), ["Themen"]);
    assert_eq!(one(&story, ".claim-rating"), "Unsere Bewertung: False");

    // The funding sentences, for a series' story and for a story's own funders.
    assert!(
        one(&story, "p.funding").starts_with(
            "Unsere Berichterstattung über Decision Machines wird finanziert von Open Society Foundations."
        ),
        "{story}"
    );
    assert!(
        one(&site.page("standalone/index.html"), "p.funding").starts_with(
            "Diese Recherche wurde finanziert von Open Society Foundations und Luminate."
        )
    );

    // The series: the story's part, its navigation, the series page.
    assert_eq!(one(&story, ".kicker .part"), "Teil 1 von 2");
    assert_eq!(texts(&story, ".series-nav .direction"), ["Nächster Teil"]);
    assert_eq!(one(&story, ".series-all"), "Alle Beiträge der Serie");
    let series = site.page("decision-machines/index.html");
    assert_eq!(one(&series, ".page-header .kicker"), "Serie");
    assert_eq!(
        one(&series, ".page-count"),
        "2 Beiträge · zuletzt am 1. März 2022 · Feed abonnieren"
    );
    assert!(
        one(&series, "p.funding").starts_with("Finanziert von Open Society Foundations."),
        "{series}"
    );

    // Page navigation, on the first page of the home page and on its second.
    assert_eq!(attrs(&home, "nav.pagination", "aria-label"), ["Seiten"]);
    assert_eq!(one(&home, "nav.pagination p"), "Seite 1 von 3");
    assert_eq!(texts(&home, "nav.pagination a"), ["Ältere", "Älteste"]);
    let second = site.page("page/2/index.html");
    assert_eq!(
        texts(&second, "nav.pagination a"),
        ["Neueste", "Neuere", "Ältere", "Älteste"]
    );
    assert_eq!(
        one(&second, "title"),
        "Fixture Bureau — Seite 2 von 3",
        "a later page's title says which page it is"
    );
    assert_eq!(one(&home, ".card-by"), "Von Ana Lind und Tom Byrne");

    // Listings and the 404 page.
    let person = site.page("people/meirion-jones/index.html");
    assert_eq!(one(&person, ".person-link"), "Website von Meirion Jones");
    assert_eq!(texts(&person, ".roles-label"), ["Rolle:"]);
    assert_eq!(one(&site.page("topics/index.html"), "h1"), "Themen");
    assert_eq!(
        one(&site.page("pulled/index.html"), ".withdrawn-notice"),
        "Dieser Beitrag wurde am 1. April 2022 zurückgezogen."
    );
    assert_eq!(
        one(&site.page("2021/old-address/index.html"), "p"),
        "Dieser Beitrag ist umgezogen: A stand-alone story."
    );
    let not_found = site.page("404.html");
    assert_eq!(one(&not_found, "h1"), "Seite nicht gefunden");
    assert_eq!(
        texts(&not_found, ".index-list a"),
        ["Startseite", "Alle Themen", "Unser Team"]
    );
}

/// Every value of a strings file, by key; a plural's forms as `key.one`, `key.other`.
fn strings_file(language: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes/default/strings")
        .join(format!("{language}.yaml"));
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut values = BTreeMap::new();
    fn walk(prefix: &str, node: &serde_yaml::Value, values: &mut BTreeMap<String, String>) {
        match node {
            serde_yaml::Value::Mapping(map) => {
                for (name, node) in map {
                    let name = name.as_str().unwrap();
                    let key = if prefix.is_empty() {
                        name.to_string()
                    } else {
                        format!("{prefix}.{name}")
                    };
                    walk(&key, node, values);
                }
            }
            serde_yaml::Value::String(text) => {
                values.insert(prefix.to_string(), text.clone());
            }
            other => panic!("{prefix}: {other:?}"),
        }
    }
    walk("", &yaml, &mut values);
    values
}

/// A string cut at its `{placeholders}`: the runs of text a page shows, and between them the
/// names of what byline fills in.
fn pieces(text: &str) -> (Vec<String>, Vec<String>) {
    let mut parts = vec![String::new()];
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        parts.last_mut().unwrap().push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                names.push(rest[open + 1..open + close].to_string());
                parts.push(String::new());
                rest = &rest[open + close + 1..];
            }
            None => {
                parts.last_mut().unwrap().push('{');
                rest = &rest[open + 1..];
            }
        }
    }
    parts.last_mut().unwrap().push_str(rest);
    (parts, names)
}

/// The placeholders byline fills with a number.
const NUMBERS: &[&str] = &["count", "n", "number", "page", "pages", "part", "parts"];

/// Whether `haystack` holds `text` filled in some way: its runs of text in order, a number
/// where a count goes, anything within a short reach where another placeholder's value goes
/// (perhaps as markup), the whole not starting or ending in the middle of a word.
fn shows(haystack: &str, text: &str) -> bool {
    const REACH: usize = 400;
    let (parts, names) = pieces(text);
    let number = |index: usize| {
        names
            .get(index)
            .is_some_and(|name| NUMBERS.contains(&name.as_str()))
    };
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let is_digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let Some(first) = parts.iter().position(|part| !part.is_empty()) else {
        return false;
    };
    let last = parts.iter().rposition(|part| !part.is_empty()).unwrap();
    'start: for (at, _) in haystack.match_indices(parts[first].as_str()) {
        let before = haystack[..at].chars().next_back();
        let fits_before = match first {
            0 => !(parts[0].starts_with(char::is_alphanumeric) && is_word(before)),
            _ if number(first - 1) => is_digit(before),
            _ => true,
        };
        if !fits_before {
            continue;
        }
        let mut end = at + parts[first].len();
        for (index, part) in parts.iter().enumerate().take(last + 1).skip(first + 1) {
            if part.is_empty() {
                continue;
            }
            let mut window_end = (end + REACH + part.len()).min(haystack.len());
            while !haystack.is_char_boundary(window_end) {
                window_end += 1;
            }
            let Some(found) = haystack[end..window_end].find(part.as_str()) else {
                continue 'start;
            };
            let gap = &haystack[end..end + found];
            if number(index - 1) && (gap.is_empty() || !gap.bytes().all(|b| b.is_ascii_digit())) {
                continue 'start;
            }
            end += found + part.len();
        }
        let after = haystack[end..].chars().next();
        let fits_after = if last == parts.len() - 1 {
            !(parts[last].ends_with(char::is_alphanumeric) && is_word(after))
        } else {
            !number(last) || is_digit(after)
        };
        if fits_after {
            return true;
        }
    }
    false
}

/// Every page, feed and script the site's build wrote (Pagefind's index is the stories' own
/// text), by path.
fn written_texts(output: &Path) -> BTreeMap<String, String> {
    common::snapshot(output)
        .into_iter()
        .filter(|(path, _)| {
            !path.starts_with("pagefind/")
                && [".html", ".xml", ".js"]
                    .iter()
                    .any(|ext| path.ends_with(ext))
        })
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The most important English strings, which the check below must never skip: were one
/// skipped (say the fixture's stories came to use its words), the test would say nothing
/// about it.
const ALWAYS_CHECKED: &[&str] = &[
    "nav.skip",
    "nav.label",
    "nav.funders",
    "footer.published_by",
    "role.reporter.one",
    "role.editor.one",
    "funding.series",
    "funding.story",
    "funding.series_page",
    "story.part",
    "story.more_from",
    "story.updated",
    "story.correction",
    "story.previous",
    "story.next",
    "story.series_all",
    "story.draft",
    "card.by",
    "series.kicker",
    "series.latest",
    "home.latest",
    "claims.heading",
    "claims.rating",
    "pagination.page_of",
    "pagination.next",
    "count.stories.other",
    "person.website",
    "not_found.text",
    "search.searching",
    "withdrawn.notice",
    "redirect.moved",
    "date.months.february",
    "figure.credit",
];

#[test]
fn no_english_string_of_the_theme_is_left_on_a_german_site() {
    let site = site_in("de", "");
    // With --drafts, so the draft's flag is on a page too.
    build(&site, &["--drafts"]);
    let pages = written_texts(&site.output());
    for page in [
        "index.html",
        "page/2/index.html",
        "404.html",
        "search/index.html",
        "pulled/index.html",
        "2021/old-address/index.html",
        "decision-machines/draft-story/index.html",
        "corrections/index.html",
        "funders/index.html",
        "atom.xml",
        "search.js",
    ] {
        assert!(pages.contains_key(page), "{page} was not built");
    }
    // The newsroom's own words (its stories, names and notes are in English) are no theme's:
    // an English string they use may rightly be on a page.
    let mut own_words = String::new();
    for (path, bytes) in common::snapshot(&site.root) {
        if path == "site.yaml" || (path.starts_with("content/") && path.ends_with(".md")) {
            // "Credit:" in a picture's title marks its credit: readers get the theme's word.
            let text = String::from_utf8(bytes).unwrap().replace(" Credit: ", " ");
            own_words.push_str(&text);
            own_words.push('\n');
        }
    }
    let english = strings_file("en");
    let german = strings_file("de");
    let all_german: String = german.values().cloned().collect::<Vec<_>>().join("\n");
    let mut checked = Vec::new();
    let mut left = Vec::new();
    for (key, text) in &english {
        if german.get(key) == Some(text) {
            continue; // the same in both ("April", "Sitemap", "{title} — {site}")
        }
        let letters = pieces(text)
            .0
            .concat()
            .chars()
            .filter(|c| c.is_alphabetic())
            .count();
        // Punctuation and bits of a word say nothing: ", " between names, "—" in titles.
        if letters < 2 {
            continue;
        }
        // The newsroom's own English: " and " joins names in the fixture's texts as well.
        if shows(&own_words, text) {
            continue;
        }
        // A German word as well: "Jan" is "Jan." in German, and a person's name.
        if shows(&all_german, text) {
            continue;
        }
        checked.push(key.as_str());
        for (path, page) in &pages {
            if shows(page, text) {
                left.push(format!("{path}: {key} ({text:?})"));
            }
        }
    }
    for key in ALWAYS_CHECKED {
        assert!(english.contains_key(*key), "{key} is not in en.yaml");
        assert!(checked.contains(key), "{key} was not checked");
    }
    assert!(
        left.is_empty(),
        "English left on the German site:\n{}",
        left.join("\n")
    );
}

#[test]
fn french_and_spanish_sites_have_their_own_words() {
    for (language, date, role, part) in [
        ("fr", "9 février 2022", "Enquête", "Volet 1 sur 2"),
        ("es", "9 de febrero de 2022", "Periodista", "Parte 1 de 2"),
    ] {
        let site = site_in(language, "");
        build(&site, &[]);
        let story = site.page(STORY);
        assert_eq!(attrs(&story, "html", "lang"), [language]);
        assert_eq!(texts(&story, ".dateline > time"), [date], "{language}");
        assert_eq!(texts(&story, ".byline dt")[0], role, "{language}");
        assert_eq!(one(&story, ".kicker .part"), part, "{language}");
    }
}

#[test]
fn the_site_s_own_strings_win_over_the_theme_s_german() {
    let site = site_in(
        "de",
        "strings:\n  story.more_from: \"Weiterlesen in {series}\"\n  \
         count:\n    stories: {one: \"{count} Text\", other: \"{count} Texte\"}\n",
    );
    let run = site.check(&["--format", "json", "--now", NOW]);
    assert!(
        findings(&run).iter().all(|f| f.code != "W-STRINGS-MISSING"),
        "{}",
        run.stdout
    );
    build(&site, &[]);
    let story = site.page(STORY);
    assert_eq!(
        one(&story, ".series-nav h2"),
        "Weiterlesen in Decision Machines"
    );
    assert!(!story.contains("Mehr aus der Serie"));
    let series = site.page("decision-machines/index.html");
    assert!(
        one(&series, ".page-count").starts_with("2 Texte · "),
        "{series}"
    );
    // The words the site leaves alone are still the theme's German.
    assert_eq!(texts(&story, ".byline dt")[0], "Recherche");
}

#[test]
fn a_language_the_theme_lacks_is_english_with_a_warning() {
    let site = site_in("nl", "");
    let run = site.check(&["--format", "json", "--now", NOW]);
    let warnings: Vec<_> = findings(&run)
        .into_iter()
        .filter(|f| f.code == "W-STRINGS-MISSING")
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stdout);
    assert_eq!(warnings[0].severity, "warning");
    assert!(warnings[0].message.contains("`nl`"), "{:?}", warnings[0]);
    build(&site, &[]);
    let story = site.page(STORY);
    assert_eq!(attrs(&story, "html", "lang"), ["nl"]);
    assert_eq!(texts(&story, ".dateline > time"), ["9 February 2022"]);
    assert_eq!(texts(&story, ".byline dt")[0], "Reporter");
    assert_eq!(one(&story, ".kicker .part"), "Part 1 of 2");
}
