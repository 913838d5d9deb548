//! Editorial checks that need the whole site and the rendered story bodies: internal links and
//! `#anchors`, images and files, credits of images in the text, links to embargoed stories.
//!
//! Front-matter checks (required fields, dates, funders, credits of header images) happen while
//! `content` validates each story, where every field's position is known; this module runs
//! after the Markdown stage on what it collected (links, images, headings with their lines).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use crate::content::{Site, Withheld, WithheldReason, resolve_against};
use crate::diagnostic::{Diagnostic, codes};
use crate::markdown::RenderedMarkdown;
use crate::render::LinkMap;

/// Codes a site may turn into warnings with `checks: {warn: [...]}` in site.yaml, e.g. while
/// migrating an archive whose old inline images carry no credit. Only checks of this module can
/// be relaxed: front-matter errors always stop a story.
pub const RELAXABLE: &[&str] = &[
    codes::CREDIT_INLINE_ALT,
    codes::CREDIT_INLINE_CREDIT,
    codes::LINK_BROKEN,
    codes::LINK_ANCHOR,
    codes::LINK_MISSING_FILE,
];

/// Everything a link inside the site may point at.
#[derive(Debug, Default)]
pub struct LinkTargets {
    /// Site paths of pages, with their trailing slash: `/series/story/`, `/`.
    pub pages: HashSet<String>,
    /// Site paths of files: `/images/zug.png`, `/style.css`, bundle files.
    pub files: HashSet<String>,
}

impl LinkTargets {
    fn has_page(&self, path: &str) -> bool {
        if self.pages.contains(path) {
            return true;
        }
        // `/a/b`, `/a/b/index.html` and `/a/b/` are the same page on every static host.
        let trimmed = path.strip_suffix("index.html").unwrap_or(path);
        let with_slash = if trimmed.ends_with('/') {
            trimmed.to_string()
        } else {
            format!("{trimmed}/")
        };
        self.pages.contains(&with_slash)
    }
}

fn is_external(url: &str) -> bool {
    url.starts_with("//") || crate::content::has_scheme(url)
}

/// Strips `?query` and `#fragment`, returning the path and the fragment (without `#`).
fn split_url(url: &str) -> (&str, Option<&str>) {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (url, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    (path, fragment)
}

fn looks_like_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    last.contains('.') && !last.ends_with(".html")
}

/// The rendered texts of the site: `stories[i]` belongs to `site.stories[i]`, `series[i]` to
/// `site.series[i]`, `rejected[i]` to `site.rejected[i]`.
#[derive(Debug, Default)]
pub struct RenderedTexts {
    pub stories: Vec<Arc<RenderedMarkdown>>,
    pub series: Vec<RenderedMarkdown>,
    pub rejected: Vec<Arc<RenderedMarkdown>>,
}

/// One text to check; checks of different units are independent (`build` runs them in
/// parallel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Story(usize),
    Series(usize),
    Rejected(usize),
}

/// Runs the body checks over a site's texts.
pub struct BodyChecker<'a> {
    site: &'a Site,
    texts: &'a RenderedTexts,
    targets: &'a LinkTargets,
    links: LinkMap,
    /// Each story's page by its URL, for the heading ids a link's `#anchor` may name.
    story_at: HashMap<&'a str, usize>,
    relaxed: HashSet<&'a str>,
}

impl<'a> BodyChecker<'a> {
    pub fn new(site: &'a Site, texts: &'a RenderedTexts, targets: &'a LinkTargets) -> Self {
        let story_at = site
            .stories
            .iter()
            .enumerate()
            .map(|(index, story)| (story.url.as_str(), index))
            .collect();
        BodyChecker {
            site,
            texts,
            targets,
            links: LinkMap::for_checks(site),
            story_at,
            relaxed: site
                .config
                .relaxed_checks
                .iter()
                .map(String::as_str)
                .collect(),
        }
    }

    /// Every text of the site.
    pub fn units(&self) -> Vec<Unit> {
        (0..self.site.stories.len())
            .map(Unit::Story)
            .chain((0..self.site.series.len()).map(Unit::Series))
            .chain((0..self.site.rejected.len()).map(Unit::Rejected))
            .collect()
    }

    /// Checks one text: its links, anchors, images and image credits.
    pub fn check(&self, unit: Unit) -> Vec<Diagnostic> {
        let (source, url, body) = match unit {
            Unit::Story(i) => (
                &self.site.stories[i].source,
                &self.site.stories[i].url,
                &*self.texts.stories[i],
            ),
            Unit::Series(i) => (
                &self.site.series[i].source,
                &self.site.series[i].url,
                &self.texts.series[i],
            ),
            Unit::Rejected(i) => (
                &self.site.rejected[i].source,
                &self.site.rejected[i].url,
                &*self.texts.rejected[i],
            ),
        };
        let mut found = Vec::new();
        self.check_text(source, url, body, &mut found);
        self.relax(found)
    }

    /// Checks what belongs to no text: the header images of stories and series.
    pub fn check_site(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let header_images = self
            .site
            .stories
            .iter()
            .filter_map(|story| Some((&story.source, story.image.as_ref()?)))
            .chain(
                self.site
                    .series
                    .iter()
                    .filter_map(|series| Some((&series.source, series.image.as_ref()?))),
            );
        for (source, image) in header_images {
            if !is_external(&image.src) && !self.targets.files.contains(split_url(&image.src).0) {
                found.push(
                    Diagnostic::error(
                        codes::LINK_MISSING_FILE,
                        source,
                        format!(
                            "the image {} does not exist in static/ or beside the story",
                            image.src
                        ),
                    )
                    .at_position(image.position)
                    .with_hint("check the file name under `image: src:` (it is case-sensitive)"),
                );
            }
        }
        self.relax(found)
    }

    /// Reports the checks the site relaxed (`checks: {warn: [...]}`) as warnings.
    fn relax(&self, mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        for diagnostic in &mut found {
            if self.relaxed.contains(diagnostic.code) {
                diagnostic.severity = crate::diagnostic::Severity::Warning;
            }
        }
        found
    }

    fn check_text(
        &self,
        source: &Path,
        page_url: &str,
        body: &RenderedMarkdown,
        out: &mut Vec<Diagnostic>,
    ) {
        if let Some((line, column)) = body.too_deep {
            out.push(
                Diagnostic::error(
                    codes::BODY_TOO_DEEP,
                    source,
                    format!(
                        "quotes or lists are nested more than {} levels deep here, more than a browser can show",
                        crate::markdown::MAX_NESTING
                    ),
                )
                .at(line, column)
                .with_hint("this is usually a stray run of > or - characters at the start of a line; remove them"),
            );
        }
        let image_positions: HashSet<(usize, usize)> = body
            .images
            .iter()
            .map(|image| (image.line, image.column))
            .collect();
        for image in &body.images {
            if image.alt.trim().is_empty() {
                out.push(
                    Diagnostic::error(
                        codes::CREDIT_INLINE_ALT,
                        source,
                        "this image has no alt text, which blind readers and search engines rely on",
                    )
                    .at(image.line, image.column)
                    .with_hint("describe the picture between the brackets: ![A crowd outside the court](...)"),
                );
            }
            if image
                .credit
                .as_deref()
                .is_none_or(|credit| credit.trim().is_empty())
            {
                out.push(
                    Diagnostic::error(
                        codes::CREDIT_INLINE_CREDIT,
                        source,
                        "this image has no credit: every picture we publish must say who made it",
                    )
                    .at(image.line, image.column)
                    .with_hint(
                        "end the image's title with the credit: ![alt](/images/x.jpg \"Caption. Credit: Photographer/Agency\")",
                    ),
                );
            }
            self.check_target(
                source,
                page_url,
                &image.src,
                true,
                (image.line, image.column),
                out,
            );
        }
        for link in &body.links {
            if image_positions.contains(&(link.line, link.column)) {
                continue;
            }
            self.check_target(
                source,
                page_url,
                &link.url,
                false,
                (link.line, link.column),
                out,
            );
        }
    }

    fn check_target(
        &self,
        source: &Path,
        page_url: &str,
        url: &str,
        is_image: bool,
        (line, column): (usize, usize),
        out: &mut Vec<Diagnostic>,
    ) {
        let url = url.trim();
        if url.is_empty() || is_external(url) {
            return;
        }
        let (written_path, _) = split_url(url);
        let resolved = if written_path.ends_with(".md") {
            match self.links.resolve_markdown_link(source, url) {
                Some(resolved) => resolved,
                None => {
                    out.push(
                        Diagnostic::error(
                            codes::LINK_BROKEN,
                            source,
                            format!("the link to {url} points at a Markdown file that is not a published story"),
                        )
                        .at(line, column)
                        .with_hint("check the file name and folder; links to .md files are relative to this file"),
                    );
                    return;
                }
            }
        } else {
            resolve_against(page_url, url)
        };
        let (path, fragment) = split_url(&resolved);
        let path = if path.is_empty() { page_url } else { path };

        if self.targets.has_page(path) {
            if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                && let Some(&story) = self.story_at.get(path.trim_end_matches("index.html"))
                && let headings = &self.texts.stories[story].headings
                && !headings.iter().any(|heading| heading.id == fragment)
            {
                let mut known: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
                known.sort();
                known.dedup();
                let hint = if known.is_empty() {
                    "that story has no headings to link to".to_string()
                } else {
                    format!(
                        "the headings of that story have the anchors: {}",
                        known
                            .iter()
                            .map(|id| format!("#{id}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                out.push(
                    Diagnostic::error(
                        codes::LINK_ANCHOR,
                        source,
                        format!(
                            "the link to {url} points at #{fragment}, which is no heading of {path}"
                        ),
                    )
                    .at(line, column)
                    .with_hint(hint),
                );
            }
            return;
        }
        if self.targets.files.contains(path) {
            return;
        }
        let with_slash = format!("{}/", path.trim_end_matches('/'));
        if let Some(withheld) = self
            .site
            .withheld
            .iter()
            .find(|w| w.url == path || w.url == with_slash)
        {
            let (code, message, hint) = match withheld.reason {
                WithheldReason::Embargo(until) => (
                    codes::EMBARGO_LINK,
                    format!(
                        "this links to \"{}\", which is under embargo until {}; the link would reveal it",
                        withheld.title,
                        until.rfc3339()
                    ),
                    "remove the link until the embargo lifts, or publish both stories at the same time".to_string(),
                ),
                WithheldReason::Draft => (
                    codes::LINK_BROKEN,
                    format!("this links to \"{}\", which is a draft and will not be published", withheld.title),
                    "publish the draft first, or remove the link".to_string(),
                ),
            };
            out.push(
                Diagnostic::error(code, source, message)
                    .at(line, column)
                    .with_hint(hint),
            );
            return;
        }
        if is_image || looks_like_file(path) {
            out.push(
                Diagnostic::error(
                    codes::LINK_MISSING_FILE,
                    source,
                    format!("{url} does not exist: there is no {path} in static/ or beside the story"),
                )
                .at(line, column)
                .with_hint("check the file name (it is case-sensitive) and that the file is in static/ or the page bundle"),
            );
        } else {
            out.push(
                Diagnostic::error(
                    codes::LINK_BROKEN,
                    source,
                    format!("the link to {url} goes nowhere: no page of this site is at {path}"),
                )
                .at(line, column)
                .with_hint("check the address; story pages are /<series>/<slug>/"),
            );
        }
    }
}

/// Looks for embargoed stories in what a build is about to publish. Anything that names an
/// embargoed story (its URL, its title, or its slug when that is distinctive) fails the build:
/// an embargo leak is worse than no build.
pub struct EmbargoAudit {
    matcher: Option<AhoCorasick>,
    /// For each pattern: the withheld story it belongs to and what it is.
    patterns: Vec<(usize, &'static str, bool)>,
    stories: Vec<(String, String)>,
}

impl EmbargoAudit {
    /// An audit for the embargoed stories among `withheld` (drafts are not audited: a draft's
    /// working title often repeats a published one).
    pub fn new(withheld: &[Withheld]) -> EmbargoAudit {
        let mut needles: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut stories = Vec::new();
        for story in withheld {
            let WithheldReason::Embargo(until) = story.reason else {
                continue;
            };
            let index = stories.len();
            stories.push((story.title.clone(), until.rfc3339()));
            let mut add = |needle: String, what: &'static str, needs_boundary: bool| {
                if !needle.trim().is_empty() && !needles.contains(&needle) {
                    needles.push(needle);
                    patterns.push((index, what, needs_boundary));
                }
            };
            add(story.url.clone(), "address", false);
            add(story.title.clone(), "title", false);
            add(crate::templates::escape_html(&story.title), "title", false);
            if let Ok(json) = serde_json::to_string(&story.title) {
                add(json.trim_matches('"').to_string(), "title", false);
            }
            // A one-word slug ("update") would match ordinary text; a multi-word one is as
            // distinctive as the title.
            if story.slug.contains('-') {
                add(story.slug.clone(), "slug", true);
            }
        }
        let matcher = (!needles.is_empty()).then(|| {
            AhoCorasick::new(&needles).expect("plain string patterns always build an automaton")
        });
        EmbargoAudit {
            matcher,
            patterns,
            stories,
        }
    }

    pub fn is_active(&self) -> bool {
        self.matcher.is_some()
    }

    /// Every leak in `text`, the contents of the file that will be published at `path`.
    pub fn scan(&self, path: &Path, text: &str) -> Vec<Diagnostic> {
        self.scan_bytes(path, text.as_bytes())
    }

    pub fn scan_bytes(&self, path: &Path, bytes: &[u8]) -> Vec<Diagnostic> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut reported = HashSet::new();
        for hit in matcher.find_overlapping_iter(bytes) {
            let (story, what, needs_boundary) = self.patterns[hit.pattern().as_usize()];
            if needs_boundary && !is_word_boundary(bytes, hit.start(), hit.end()) {
                continue;
            }
            if !reported.insert((story, what)) {
                continue;
            }
            let line = bytes[..hit.start()].iter().filter(|&&b| b == b'\n').count() + 1;
            let (title, until) = &self.stories[story];
            found.push(
                Diagnostic::error(
                    codes::EMBARGO_LEAK,
                    path,
                    format!(
                        "this file would reveal the {what} of \"{title}\", which is under embargo until {until}; nothing was published"
                    ),
                )
                .at(line, 1)
                .with_hint("a theme template or another story mentions the embargoed story; remove the mention or wait for the embargo to lift"),
            );
        }
        found
    }
}

fn is_word_boundary(bytes: &[u8], start: usize, end: usize) -> bool {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let before = start == 0 || !is_word(bytes[start - 1]);
    let after = end >= bytes.len() || !is_word(bytes[end]);
    before && after
}

/// Whether a published file is text that could mention a story (and so is audited).
pub fn is_text_file(path: &str) -> bool {
    let extension = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        extension.as_str(),
        "html"
            | "htm"
            | "xml"
            | "json"
            | "txt"
            | "css"
            | "js"
            | "md"
            | "csv"
            | "svg"
            | "rss"
            | "atom"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embargoed(title: &str, slug: &str) -> Withheld {
        Withheld {
            source: "content/s/x.md".into(),
            title: title.into(),
            slug: slug.into(),
            url: format!("/s/{slug}/"),
            reason: WithheldReason::Embargo(
                crate::dates::StoryDate::parse("2030-01-01T06:00:00Z").unwrap(),
            ),
        }
    }

    #[test]
    fn audit_finds_title_url_and_slug_but_not_look_alikes() {
        let audit = EmbargoAudit::new(&[embargoed("Minister's secret deal", "secret-deal")]);
        let path = Path::new("public/index.html");
        assert_eq!(audit.scan(path, "<p>nothing</p>").len(), 0);
        assert_eq!(
            audit
                .scan(path, "<a href=\"/s/other-secret-deal-2/\">x</a>")
                .len(),
            0
        );
        let leak = audit.scan(path, "line\n<h2>Minister&#39;s secret deal</h2>");
        assert_eq!(leak.len(), 1);
        assert_eq!(leak[0].code, codes::EMBARGO_LEAK);
        assert_eq!(leak[0].line, Some(2));
        assert_eq!(
            audit.scan(path, "see /s/secret-deal/").len(),
            2,
            "address and slug"
        );
        assert!(!EmbargoAudit::new(&[]).is_active());
    }

    #[test]
    fn urls_split_into_path_and_fragment() {
        assert_eq!(split_url("/a/b/?x=1#top"), ("/a/b/", Some("top")));
        assert_eq!(split_url("#top"), ("", Some("top")));
        assert_eq!(split_url("/a/"), ("/a/", None));
    }

    #[test]
    fn page_paths_match_with_or_without_slash() {
        let targets = LinkTargets {
            pages: ["/a/b/".to_string(), "/".to_string()].into(),
            files: HashSet::new(),
        };
        assert!(targets.has_page("/a/b/"));
        assert!(targets.has_page("/a/b"));
        assert!(targets.has_page("/a/b/index.html"));
        assert!(targets.has_page("/"));
        assert!(!targets.has_page("/a/c/"));
    }

    #[test]
    fn external_and_files() {
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("/a/"));
        assert!(looks_like_file("/files/report.pdf"));
        assert!(!looks_like_file("/series/story/"));
    }
}
