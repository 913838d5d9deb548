//! Property tests through byline's real pipeline (the pure functions have their own, with many
//! more cases, beside the code: `escape`, `jsonld`, `url::slugify`).
//!
//! - Any text in a story's title, summary, image caption and credit, topic, correction, claim
//!   and claimant comes out of every output as the same text (with smart punctuation in pages
//!   and feeds, `typography::smart`): in the HTML page as a parser reads it, in the JSON-LD
//!   (which nothing in the text can end early) exactly as typed, and in the Atom feeds and the
//!   news sitemap, which always parse as XML, exactly as `xml_text` documents it (the
//!   characters XML 1.0 cannot carry dropped, line breaks as `\n`). Many cases run in process
//!   from the front matter on; a few run the `byline` binary on a site on disk.
//! - The same site gives byte-identical output whatever order its files and folders were
//!   created in.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use std::sync::Arc;

use byline::config;
use byline::escape::{xml_attribute_text, xml_text};
use byline::images::ImageSizes;
use byline::index::SiteIndex;
use byline::model::Edition;
use byline::pipeline;
use byline::render::{BodyRenderer, SiteView};
use byline::source::front_matter;
use byline::source::{self, Keep, ParsedSource, ParsedStory};
use byline::theme::{DEFAULT_THEME, Theme};
use byline::typography::smart;
use byline::validate;
use common::{TestSite, fixture_path, snapshot};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The build time of every run: the story below is then within the news sitemap's two days.
const NOW: &str = "2024-01-31T12:00:00Z";

/// Text of every kind, weighted towards what could break out of HTML, a `<script>` element or
/// XML: markup, entities, quotes, control characters, line and paragraph separators,
/// noncharacters, a byte order mark, right-to-left overrides.
fn any_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        r#"(\PC|[<>&"'\\/]|</script>|<!--|]]>|&amp;|\r\n|[\x00-\x1F\x7F\u{85}\u{2028}\u{2029}\u{FEFF}\u{FFFE}\u{FFFF}\u{202E}]){1,16}"#,
    )
    .expect("a valid pattern")
    // Blank text is refused or left out by design (a caption of spaces is no caption), and a
    // leading TODO is a placeholder `byline check` reports.
    .prop_filter("blank or a placeholder", |text| {
        !text.trim().is_empty() && !text.trim_start().starts_with("TODO")
    })
}

/// `text` as a YAML double-quoted scalar: printable ASCII as it is, everything else escaped,
/// so the front matter holds exactly `text` whatever it contains.
fn yaml_string(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            ' '..='~' => quoted.push(c),
            _ => quoted.push_str(&format!("\\U{:08X}", u32::from(c))),
        }
    }
    quoted.push('"');
    quoted
}

/// A stand-alone story (published at `/probe/`) with `text` in every free-text field.
fn story_source(text: &str) -> String {
    let text = yaml_string(text);
    format!(
        "---\ntitle: {text}\ndate: 2024-01-30\nreporter: Ana Lind\neditor: Meirion Jones\n\
         funder: Open Society Foundations\nsummary: {text}\ntopics: [{text}]\nimage:\n  \
         src: /images/zug.png\n  alt: Office buildings by a lake\n  caption: {text}\n  \
         credit: {text}\ncorrections:\n  - date: 2024-01-31\n    text: {text}\nclaims:\n  \
         - claim: {text}\n    claimant: {text}\n    rating: \"False\"\n    \
         claim_date: 2024-01-29\n    appeared_in: https://example.org/said\n---\n\nThe story.\n"
    )
}

/// What an HTML parser reads back from element text: `\r\n` and `\r` as `\n`, NUL dropped.
fn as_html_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "")
}

/// The text of every element matching `selector`, as an HTML parser reads it.
fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("a valid selector");
    document
        .select(&selector)
        .map(|element| element.text().collect())
        .collect()
}

/// Every JSON-LD document of a page, cut at the first `</script>` as a browser cuts it.
fn json_ld(html: &str) -> Result<Vec<serde_json::Value>, TestCaseError> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    let mut documents = Vec::new();
    for (start, _) in html.match_indices(OPEN) {
        let rest = &html[start + OPEN.len()..];
        let end = rest
            .to_ascii_lowercase()
            .find("</script")
            .unwrap_or(rest.len());
        let document = serde_json::from_str(&rest[..end]).map_err(|error| {
            TestCaseError::fail(format!("JSON-LD does not parse: {error}: {}", &rest[..end]))
        })?;
        documents.push(document);
    }
    Ok(documents)
}

/// The text of every element named `name` (in any namespace) of an XML document, which must
/// parse.
fn xml_texts(xml: &str, name: &str) -> Result<Vec<String>, TestCaseError> {
    let document = roxmltree::Document::parse(xml)
        .map_err(|error| TestCaseError::fail(format!("not XML: {error}\n{xml}")))?;
    Ok(document
        .descendants()
        .filter(|node| node.tag_name().name() == name)
        .map(|node| node.text().unwrap_or("").to_string())
        .collect())
}

/// Whether a feed holds `text` as an entry's summary. A text of which XML can carry nothing
/// (U+FFFE alone) gives no summary, as an empty one does, never an empty element.
fn has_summary(feed: &str, text: &str) -> Result<(), TestCaseError> {
    let summaries = xml_texts(feed, "summary")?;
    let expected = xml_text(text);
    if expected.is_empty() {
        prop_assert!(!summaries.iter().any(String::is_empty), "{summaries:?}");
    } else {
        prop_assert!(summaries.contains(&expected), "{summaries:?}");
    }
    Ok(())
}

/// Checks every output of the site whose story holds `text` in every field; `file` reads a
/// published file by its path in the output folder.
fn check_outputs(text: &str, file: impl Fn(&str) -> String) -> Result<(), TestCaseError> {
    let topic = text.trim();
    let page = file("probe/index.html");
    // Pages and feeds show every text with smart punctuation; the JSON-LD and the news
    // sitemap carry it as typed.
    let typeset = smart(text);
    let html_text = as_html_text(&typeset);
    prop_assert_eq!(texts(&page, "h1.story-title"), vec![html_text.clone()]);
    prop_assert_eq!(texts(&page, "p.standfirst"), vec![html_text.clone()]);
    prop_assert_eq!(
        texts(&page, ".story-image .credit"),
        vec![format!("Credit: {html_text}")]
    );
    prop_assert_eq!(texts(&page, ".claim-text p"), vec![html_text.clone()]);
    prop_assert_eq!(
        texts(&page, ".claimant"),
        vec![as_html_text(&smart(text.trim()))]
    );
    prop_assert_eq!(
        texts(&page, "ul.topics a"),
        vec![as_html_text(&smart(topic))]
    );
    let correction = texts(&page, "p.correction");
    prop_assert!(
        correction.len() == 1 && correction[0].ends_with(&html_text),
        "{correction:?}"
    );

    let documents = json_ld(&page)?;
    prop_assert_eq!(documents.len(), 2);
    let (article, review) = (&documents[0], &documents[1]);
    for value in [
        &article["headline"],
        &article["description"],
        &article["image"]["caption"],
        &article["image"]["creditText"],
        &article["correction"][0]["text"],
        &review["claimReviewed"],
    ] {
        prop_assert_eq!(value.as_str(), Some(text));
    }
    prop_assert_eq!(
        review["itemReviewed"]["author"]["name"].as_str(),
        Some(text.trim())
    );
    prop_assert_eq!(article["about"][0]["name"].as_str(), Some(topic));

    // Entries of the site feed: the fixture's three stories and this one, newest first.
    let feed = file("atom.xml");
    let entry_titles = xml_texts(&feed, "title")?;
    prop_assert!(
        entry_titles.contains(&xml_text(&typeset)),
        "{entry_titles:?}"
    );
    has_summary(&feed, &typeset)?;
    let terms: Vec<String> = roxmltree::Document::parse(&feed)
        .map_err(|error| TestCaseError::fail(error.to_string()))?
        .descendants()
        .filter_map(|node| node.attribute("term").map(str::to_string))
        .collect();
    prop_assert!(
        terms.contains(&xml_attribute_text(&smart(topic))),
        "{terms:?}"
    );

    let corrections = file("corrections/atom.xml");
    has_summary(&corrections, &typeset)?;
    let correction_title = xml_text(&smart(&format!("Correction: {text}")));
    let titles = xml_texts(&corrections, "title")?;
    prop_assert!(titles.contains(&correction_title), "{titles:?}");
    prop_assert_eq!(
        xml_texts(&file("news-sitemap.xml"), "title")?,
        vec![xml_text(text)]
    );
    Ok(())
}

/// The `clean` fixture's site, with the probe story as well, rendered in process from its
/// front matter on: the pipeline of `byline build` without reading or writing files.
fn render_in_process(text: &str) -> Result<BTreeMap<String, String>, TestCaseError> {
    let fixture = fixture_path("clean");
    let config_text =
        std::fs::read_to_string(fixture.join("site.yaml")).expect("the fixture's site.yaml");
    let config = config::parse(&config_text, Path::new("site.yaml")).expect("a valid site.yaml");
    let source = story_source(text);
    let path = Path::new("content/probe.md");
    let document = front_matter::split(&source, path).expect("front matter");
    let (front, findings) = front_matter::parse_story(&document, path).expect("valid YAML");
    prop_assert!(findings.is_empty(), "{findings:?}");
    let parsed = vec![ParsedSource::Story(ParsedStory {
        path: path.to_path_buf(),
        series_dir: None,
        file_stem: "probe".into(),
        bundle: None,
        front: Box::new(front),
        body: source::body(document.body, document.body_first_line, Keep::Text),
    })];
    let (site, findings) = validate::assemble(config, parsed);
    // Warnings (a topic with a comma reads like a list) do not stop a story; errors would.
    prop_assert!(
        findings.iter().all(|finding| !finding.is_error()),
        "{findings:?}"
    );
    let theme = Theme::load(&fixture, DEFAULT_THEME).expect("the default theme");
    let (templates, _) =
        pipeline::compile(&theme, &site.config).expect("the default theme compiles");
    let now = NOW.parse().expect("a timestamp");
    let edition = Edition::published(now, false);
    let index = SiteIndex::new(&site, &edition);
    let bodies = BodyRenderer::new(
        &site,
        &edition,
        Arc::new(ImageSizes::default()),
        &templates,
        None,
    );
    let view = SiteView::new(&site, &index, &bodies);
    let mut files = BTreeMap::new();
    for page in view.pages() {
        let file = view
            .render(&templates, page)
            .map_err(|error| TestCaseError::fail(format!("{page:?}: {error:?}")))?;
        files.insert(file.path, file.contents);
    }
    Ok(files)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_text_comes_out_of_every_output_intact(text in any_text()) {
        let files = render_in_process(&text)?;
        check_outputs(&text, |path| files.get(path).cloned().unwrap_or_default())?;
    }
}

proptest! {
    // Each case builds a site with the binary.
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn any_text_comes_out_of_a_real_build_intact(text in any_text()) {
        let site = TestSite::fixture("clean");
        site.write("content/probe.md", &story_source(&text));
        site.build(&["--now", NOW]).assert_success();
        check_outputs(&text, |path| site.page(path))?;
        for (path, bytes) in snapshot(&site.output()) {
            if path.ends_with(".xml") {
                let xml = String::from_utf8(bytes).expect("UTF-8");
                roxmltree::Document::parse(&xml)
                    .map_err(|error| TestCaseError::fail(format!("{path}: {error}")))?;
            }
        }
    }
}

/// One story of a generated site.
#[derive(Debug, Clone)]
struct GeneratedStory {
    /// `None` for a stand-alone story, else the series folder.
    series: Option<&'static str>,
    file_stem: &'static str,
    /// A page bundle (`<stem>/index.md` with an image beside it) rather than `<stem>.md`.
    bundle: bool,
    title: &'static str,
    day: u8,
    reporter: &'static str,
    topics: Vec<&'static str>,
}

/// Stories drawn from few titles, days, names and topics, so that listings hold ties that only
/// byline's ordering rules can break.
fn generated_story() -> impl Strategy<Value = GeneratedStory> {
    (
        prop::sample::select(vec![None, Some("alpha"), Some("beta")]),
        prop::sample::select(vec!["one", "two", "three"]),
        any::<bool>(),
        prop::sample::select(vec!["Same headline", "Another headline", "Zebra"]),
        28u8..31,
        prop::sample::select(vec!["Ana Lind", "Tom Byrne", "Meirion Jones"]),
        prop::sample::subsequence(vec!["Courts", "Money", "Data"], 0..3),
    )
        .prop_map(
            |(series, file_stem, bundle, title, day, reporter, topics)| GeneratedStory {
                series,
                file_stem,
                bundle,
                title,
                day,
                reporter,
                topics,
            },
        )
}

/// Every file of a generated site (relative path, contents): the `clean` fixture's
/// configuration and image, a series folder with its `_index.md` for each series used, and the
/// stories (a story whose address is already taken is left out).
fn generated_site(stories: &[GeneratedStory]) -> Vec<(String, Vec<u8>)> {
    let fixture = fixture_path("clean");
    let image = std::fs::read(fixture.join("static/images/zug.png")).expect("the fixture image");
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert(
        "site.yaml".into(),
        std::fs::read(fixture.join("site.yaml")).expect("the fixture's site.yaml"),
    );
    files.insert("static/images/zug.png".into(), image.clone());
    for story in stories {
        let folder = match story.series {
            Some(series) => {
                files.insert(
                    format!("content/{series}/_index.md"),
                    format!("---\ntitle: Series {series}\nfunder: Luminate\n---\n").into_bytes(),
                );
                format!("content/{series}")
            }
            None => "content".to_string(),
        };
        let address = format!("{folder}/{}", story.file_stem);
        if files.keys().any(|path| path.starts_with(&address)) {
            continue;
        }
        let path = if story.bundle {
            files.insert(format!("{address}/map.png"), image.clone());
            format!("{address}/index.md")
        } else {
            format!("{address}.md")
        };
        let figure = if story.bundle {
            "![A map](map.png \"The map. Credit: Fixture Bureau\")\n"
        } else {
            ""
        };
        files.insert(
            path,
            format!(
                "---\ntitle: {}\ndate: 2024-01-{}\nreporter: {}\neditor: Meirion Jones\n\
                 funder: Open Society Foundations\ntopics: [{}]\n---\n\nA story.\n\n{figure}",
                story.title,
                story.day,
                story.reporter,
                story.topics.join(", ")
            )
            .into_bytes(),
        );
    }
    files.into_iter().collect()
}

/// A site made of `files`, created one after another in the order given. It goes in memory
/// (`/dev/shm`) where there is one: tmpfs lists a folder's entries in the order they were
/// created, so the order reaches byline, whereas ext4 lists them by a hash of their names.
fn create_site(files: &[(String, Vec<u8>)]) -> tempfile::TempDir {
    let in_memory = Path::new("/dev/shm");
    let dir = if in_memory.is_dir() {
        tempfile::tempdir_in(in_memory)
    } else {
        tempfile::tempdir()
    }
    .expect("a temporary folder");
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("inside the site")).expect("a folder");
        std::fs::write(path, contents).expect("a file");
    }
    dir
}

proptest! {
    // Each case builds two sites with the binary.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn output_does_not_depend_on_the_order_files_were_created_in(
        (first_order, second_order) in prop::collection::vec(generated_story(), 1..6)
            .prop_map(|stories| generated_site(&stories))
            .prop_flat_map(|files| (Just(files.clone()).prop_shuffle(), Just(files).prop_shuffle()))
    ) {
        let outputs: Vec<BTreeMap<String, Vec<u8>>> = [&first_order, &second_order]
            .into_iter()
            .map(|files| {
                let site = create_site(files);
                let root = site.path().to_str().expect("a UTF-8 path");
                common::byline(&["build", "--root", root, "--now", NOW], site.path())
                    .assert_success();
                snapshot(&site.path().join("public"))
            })
            .collect();
        prop_assert!(outputs[0].len() > 10, "{:?}", outputs[0].keys());
        let differing: std::collections::BTreeSet<&String> = outputs[0]
            .keys()
            .chain(outputs[1].keys())
            .filter(|path| outputs[0].get(*path) != outputs[1].get(*path))
            .collect();
        prop_assert!(differing.is_empty(), "different in the two builds: {differing:?}");
    }
}
