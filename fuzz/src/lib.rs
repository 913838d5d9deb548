//! What each fuzz target does with one input, kept apart from libFuzzer so that
//! `tests/fuzz_regressions.rs` of byline runs exactly the same code on every input that once
//! failed (it includes this file by path).
//!
//! Each function panics when the input breaks a promise of byline: beyond "no panic, no hang",
//! every finding points inside its file, `markdown::scan` collects what `markdown::render`
//! collects, and a valid site renders every page, with XML that parses and JSON-LD that is JSON.

use std::path::{Path, PathBuf};

use byline::checks::EmbargoAudit;
use byline::config::{self, SiteConfig};
use byline::diag::Diagnostic;
use byline::diag::report::{self, Format};
use byline::markdown::{self, MarkdownOptions, RenderContext, Words, split_caption_credit};
use byline::pipeline;
use byline::render::SiteView;
use byline::settings::Settings;
use byline::source::front_matter;
use byline::source::{self, Keep, ParsedSeries, ParsedSource, ParsedStory};
use byline::url::resolve_against;
use byline::validate;

/// The build time of every run, so an input behaves the same on every run.
const NOW: &str = "2024-01-31T12:00:00Z";

/// The site the fuzzed stories join: the `clean` test fixture (a series with two stories, one
/// a page bundle, a stand-alone story, a static image, a funders list).
fn fixture() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // This file is compiled in the fuzz crate (in `fuzz/`) and in byline's own tests.
    let repository = if env!("CARGO_PKG_NAME") == "byline" {
        manifest_dir
    } else {
        manifest_dir
            .parent()
            .expect("the fuzz crate sits in the repository")
    };
    repository.join("tests/fixtures/clean")
}

/// `front_matter` target: any text as a story and as a series' `_index.md`, through
/// front-matter splitting, parsing and validation (`validate::assemble`, which decides what is
/// required and checks dates, names, slugs and funders). `config` is the fixture's site.yaml
/// (see [`fixture_config`]).
pub fn front_matter(data: &[u8], config: &SiteConfig) {
    // The file reader refuses text that is not UTF-8 before the front matter is looked at; the
    // `story` target covers that refusal.
    let text = String::from_utf8_lossy(data);
    let story_path = Path::new("content/inquiry/fuzzed.md");
    let series_path = Path::new("content/inquiry/_index.md");
    let lines = line_count(&text);

    let document = match front_matter::split(&text, story_path) {
        Ok(document) => document,
        Err(finding) => {
            assert_inside(&finding, lines);
            return;
        }
    };
    assert!(document.body_first_line > document.yaml_first_line);

    let story = |path: &Path, series_dir: Option<&str>, front| {
        ParsedSource::Story(ParsedStory {
            path: path.to_path_buf(),
            series_dir: series_dir.map(str::to_string),
            file_stem: "fuzzed".into(),
            bundle: None,
            front: Box::new(front),
            body: source::body(document.body, document.body_first_line, Keep::Text),
        })
    };
    let mut parsed = Vec::new();
    match front_matter::parse_story(&document, story_path) {
        Ok((front, findings)) => {
            findings.iter().for_each(|f| assert_inside(f, lines));
            parsed.push(story(story_path, Some("inquiry"), front.clone()));
            // The same text as a stand-alone story, which has no series to inherit a funder from.
            parsed.push(story(Path::new("content/fuzzed.md"), None, front));
        }
        Err(finding) => assert_inside(&finding, lines),
    }
    match front_matter::parse_series(&document, series_path) {
        Ok((front, findings)) => {
            findings.iter().for_each(|f| assert_inside(f, lines));
            parsed.push(ParsedSource::Series(ParsedSeries {
                path: series_path.to_path_buf(),
                series_dir: "inquiry".into(),
                front,
                description: source::body(document.body, document.body_first_line, Keep::Text),
            }));
        }
        Err(finding) => assert_inside(&finding, lines),
    }

    let (site, findings) = validate::assemble(config.clone(), parsed);
    findings.iter().for_each(|f| assert_inside(f, lines));
    for story in &site.stories {
        assert!(
            story.url.starts_with('/') && story.url.ends_with('/'),
            "{}",
            story.url
        );
    }
}

/// The fixture's site.yaml, which [`front_matter`] validates stories against.
pub fn fixture_config() -> SiteConfig {
    let path = fixture().join("site.yaml");
    let text = std::fs::read_to_string(&path).expect("the fixture's site.yaml is readable");
    config::parse(&text, Path::new("site.yaml")).expect("the fixture's site.yaml is valid")
}

/// The first line of a fuzzed body in its file, as if front matter came before it.
const BODY_FIRST_LINE: usize = 7;

/// `markdown` target: any text as a story body through the whole Markdown pipeline with every
/// adapter on (heading ids, figures with "Caption. Credit: X" titles, syntax highlighting,
/// accessible markup, link collection and URL rewriting), both `render` and `scan`.
pub fn markdown(data: &[u8]) {
    let body = String::from_utf8_lossy(data);
    let options = MarkdownOptions::default();
    // Rewrites relative links the way the build does, so the rewrite path (including email
    // autolinks, which change their link type) is exercised.
    let rewrite = |target: &str| {
        let resolved = resolve_against("/inquiry/story/", target);
        (resolved != target).then_some(resolved)
    };
    // Every image "has" a size, so every figure gets width and height attributes.
    let image_size = |src: &str| Some((u32::try_from(src.len()).unwrap_or(u32::MAX), 600));
    // ... and is published at two widths, so figures are pictures.
    let image_sources = |src: &str| {
        Some(markdown::Srcsets {
            own: format!("{src} 480w, {src} 1600w"),
            webp: format!("{src}.webp 480w"),
        })
    };
    let context = RenderContext {
        options: &options,
        first_line: BODY_FIRST_LINE,
        rewrite_url: Some(&rewrite),
        image_size: Some(&image_size),
        image_sources: Some(&image_sources),
        figure_sizes: "100vw",
        words: Words::ENGLISH,
        reserved_ids: None,
    };

    let rendered = markdown::render(&body, &context).scan;
    let scanned = markdown::scan(&body, &context);
    assert_eq!(scanned, rendered);

    // On a page that keeps some ids for itself, the headings get the ids the scan (made
    // without knowing the page) works out for it.
    let reserved = |id: &str| matches!(id, "main" | "section" | "1" | "a-1" | "sources");
    let on_page = markdown::render(
        &body,
        &RenderContext {
            reserved_ids: Some(&reserved),
            ..context
        },
    )
    .scan;
    let ids: Vec<&str> = on_page.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(scanned.heading_ids_on_page(&reserved), ids);
    for heading in on_page
        .headings
        .iter()
        .filter(|h| !h.explicit && !h.id.is_empty())
    {
        assert!(!reserved(&heading.id), "{heading:?}");
    }

    let last_line = BODY_FIRST_LINE + body.matches('\n').count();
    let inside = |line: usize, column: usize| {
        (BODY_FIRST_LINE..=last_line).contains(&line) && (1..=body.len() + 1).contains(&column)
    };
    for link in &rendered.links {
        assert!(inside(link.line, link.column), "{link:?}");
    }
    for image in &rendered.images {
        assert!(inside(image.line, image.column), "{image:?}");
        for part in [&image.caption, &image.credit].into_iter().flatten() {
            assert!(!part.is_empty() && part.trim() == part, "{image:?}");
        }
    }
    for heading in &rendered.headings {
        assert!(inside(heading.line, 1), "{heading:?}");
        assert!((1..=6).contains(&heading.level), "{heading:?}");
    }

    // Any text as an image title: caption and credit come back trimmed, and never empty.
    let (caption, credit) = split_caption_credit(&body);
    for part in [caption, credit].into_iter().flatten() {
        assert!(!part.is_empty() && part.trim() == part, "{part:?}");
    }
}

/// `story` target: a private copy of the fixture site, into which each input is written as a
/// story file.
pub struct StorySite {
    _dir: tempfile::TempDir,
    root: PathBuf,
    story: PathBuf,
}

const JSON_LD_OPEN: &str = "<script type=\"application/ld+json\">";

impl StorySite {
    pub fn new() -> StorySite {
        let fixture = fixture();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("site");
        for entry in walkdir::WalkDir::new(&fixture) {
            let entry = entry.expect("the fixture is readable");
            let target = root.join(entry.path().strip_prefix(&fixture).expect("inside"));
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).expect("a folder of the copy");
            } else {
                std::fs::copy(entry.path(), &target).expect("a file of the copy");
            }
        }
        let story = root.join("content/inquiry/fuzzed.md");
        StorySite {
            _dir: dir,
            root,
            story,
        }
    }

    /// Any bytes as a story file of the site, through the whole pipeline in process: reading
    /// the file (UTF-8 check), front matter, validation, Markdown, the checks, the findings in
    /// every report format, and, when the site is valid, every page and file of the site
    /// rendered through the default theme and audited for embargo leaks.
    pub fn story(&self, data: &[u8]) {
        std::fs::write(&self.story, data).expect("the story file is writable");
        let settings = Settings {
            now: NOW.parse().expect("a valid timestamp"),
            ..Settings::new(&self.root)
        };
        let checked = match pipeline::check(&settings, Keep::Text) {
            Ok(checked) => checked,
            Err(failure) => panic!("the fixture site became unreadable: {failure:?}"),
        };
        let text = String::from_utf8_lossy(data);
        let lines = line_count(&text);
        for finding in &checked.diagnostics {
            if finding.path.ends_with("fuzzed.md") {
                assert_inside(finding, lines);
            }
        }
        for format in [Format::Human, Format::Json, Format::Github] {
            report::render(&checked.diagnostics, format, &self.root, false);
        }
        let (false, Some(loaded), Some(bodies)) = (
            checked.has_errors(),
            &checked.theme,
            checked.body_renderer(),
        ) else {
            return;
        };

        let view = SiteView::new(&checked.site, &checked.index, &bodies);
        let audit = EmbargoAudit::new(&checked.site, &checked.edition, &checked.index);
        for page in view.pages() {
            let file = view
                .render(&loaded.templates, page)
                .unwrap_or_else(|error| panic!("{page:?} does not render: {error:?}"));
            audit.scan(Path::new(&file.path), &file.contents);
            if file.path.ends_with(".xml")
                && let Err(error) = roxmltree::Document::parse(&file.contents)
            {
                panic!("{} is not XML: {error}\n{}", file.path, file.contents);
            }
            let mut rest = file.contents.as_str();
            while let Some(start) = rest.find(JSON_LD_OPEN) {
                rest = &rest[start + JSON_LD_OPEN.len()..];
                let end = rest.find("</script>").expect("a JSON-LD block is closed");
                let json = &rest[..end];
                assert!(!json.contains('<'), "raw < in JSON-LD of {}", file.path);
                if let Err(error) = serde_json::from_str::<serde_json::Value>(json) {
                    panic!("JSON-LD of {} is not JSON: {error}\n{json}", file.path);
                }
                rest = &rest[end..];
            }
        }
    }
}

impl Default for StorySite {
    fn default() -> Self {
        StorySite::new()
    }
}

/// Lines of a file as byline counts them: separated by `\n`.
fn line_count(text: &str) -> usize {
    text.matches('\n').count() + 1
}

/// A finding's line and column, when it has them, point into a file of `lines` lines.
fn assert_inside(finding: &Diagnostic, lines: usize) {
    if let Some(line) = finding.line {
        assert!(
            (1..=lines).contains(&line),
            "line {line} of a {lines}-line file: {finding:?}"
        );
    }
    if let Some(column) = finding.column {
        assert!(column >= 1, "column 0: {finding:?}");
    }
}
