//! Editorial checks that need the whole site: internal links and `#anchors`, images and files,
//! credits of images in the text, links to withheld stories ([`BodyChecker`]); and the embargo
//! audit of what a build writes ([`EmbargoAudit`]).
//!
//! Front-matter checks (required fields, dates, funders, credits of header images) happen while
//! `validate` turns each story into the model, where every field's position is known; this
//! module works on what reading found in each text (links, images, headings with their lines),
//! so `check`, `build` and `serve` report the same findings from the same scans.

mod embargo;
mod fold;
mod pictures;
mod urls;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::dates::StoryDate;
use crate::diag::{Code, Diagnostic};
use crate::images::ImageSizes;
use crate::index::{LinkMap, SiteIndex};
use crate::markdown::{BodyScan, MAX_NESTING};
use crate::model::{Edition, Image, Site, Story, WithheldReason};
use crate::outputs::ledger::story_anchors;
use crate::routes::Routes;
use crate::url::{is_external, resolve_against, split_url};

pub use embargo::{EmbargoAudit, is_text_file, search_file_text};
pub use pictures::{PREVIEW_WIDTH, THEME_HEADER_WIDTH};
pub use urls::is_locked;

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

/// How many of a story's anchors the hint of a broken `#anchor` lists.
const ANCHORS_LISTED: usize = 30;

fn looks_like_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    last.contains('.') && !last.ends_with(".html")
}

/// One text to check; checks of different units are independent (the pipeline runs them in
/// parallel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// A story of the edition, by its index in [`Site::stories`].
    Story(usize),
    Series(usize),
    Rejected(usize),
}

/// The body checks of a site's texts, as the edition a build publishes would have them: what
/// they need to know of the whole site, worked out once, so the preview can check one text
/// again after an edit without working it out again.
pub struct BodyChecker {
    targets: LinkTargets,
    links: LinkMap,
    units: Vec<Unit>,
    /// Each published story's page by its URL, for the heading ids a link's `#anchor` may name.
    story_at: HashMap<String, usize>,
    /// Each withheld story by its URL: its title, and why it is withheld.
    withheld: HashMap<String, (String, WithheldReason)>,
    /// The series the edition withholds, by URL: title, and when the first of its stories
    /// under embargo comes out (None: only drafts).
    withheld_series: HashMap<String, (String, Option<StoryDate>)>,
    /// The ids the theme's templates give elements, which texts must leave to them.
    theme_ids: Arc<HashSet<String>>,
    /// The ids each story's headings have on its page, by index in [`Site::stories`]: worked
    /// out the first time a link names one of them.
    heading_ids: Vec<OnceLock<HeadingIds>>,
    /// What the site's addresses have wrong as a whole (see [`urls`]).
    url_findings: Vec<Diagnostic>,
}

/// The heading ids of a story page, to look up and to list.
struct HeadingIds {
    set: HashSet<String>,
    sorted: Vec<String>,
}

impl BodyChecker {
    /// Checks the texts of `site` against the pages the edition `index` lists (which `edition`
    /// made), the files published with it (`files`, paths in the output) and the ids the
    /// theme's pages give their own elements (`theme_ids`).
    pub fn new<'f>(
        site: &Site,
        edition: &Edition,
        index: &SiteIndex,
        files: impl Iterator<Item = &'f str>,
        theme_ids: Arc<HashSet<String>>,
    ) -> BodyChecker {
        let routes = Routes::new(site, index);
        let pages = routes.pages();
        let url_findings = urls::findings(site, edition, &routes, &pages);
        let mut targets = LinkTargets {
            pages: pages.iter().map(|&page| routes.url(page)).collect(),
            files: files.map(|path| format!("/{path}")).collect(),
        };
        // Links to a story that has errors of its own are not broken links: its errors say
        // why.
        targets
            .pages
            .extend(site.rejected.iter().map(|story| story.url.clone()));
        let story_at = index
            .stories
            .iter()
            .map(|&story| (site.stories[story].url.clone(), story))
            .collect();
        let withheld = site
            .stories
            .iter()
            .filter(|story| !edition.includes(story))
            .filter_map(|story| {
                let reason = edition.withheld_reason(story)?;
                Some((story.url.clone(), (story.title.clone(), reason)))
            })
            .collect();
        // When each series the edition withholds comes out: with its first story under
        // embargo, or (None) not before a draft of it is published.
        let withheld_series: HashMap<String, (String, Option<StoryDate>)> = (0..site.series.len())
            .filter(|&series| !index.publishes_series(series))
            .map(|series| {
                let lifts = site
                    .stories
                    .iter()
                    .filter(|story| story.series == Some(series))
                    .filter_map(|story| match edition.withheld_reason(story) {
                        Some(WithheldReason::Embargo(until)) => Some(until),
                        _ => None,
                    })
                    .min_by_key(|until| until.instant);
                let series = &site.series[series];
                (series.url.clone(), (series.title.clone(), lifts))
            })
            .collect();
        // The edition's stories and series, and the ones under embargo: they are finished
        // work, checked in full before they go out. A draft is checked only when drafts are
        // asked for. A withdrawn story's text is not published: only its notice is.
        let units = (0..site.stories.len())
            .filter(|&story| {
                let story = &site.stories[story];
                (edition.includes(story) && story.withdrawn.is_none())
                    || matches!(
                        edition.withheld_reason(story),
                        Some(WithheldReason::Embargo(_))
                    )
            })
            .map(Unit::Story)
            .chain(
                (0..site.series.len())
                    .filter(|&series| {
                        index.publishes_series(series)
                            || withheld_series
                                .get(&site.series[series].url)
                                .is_some_and(|(_, lifts)| lifts.is_some())
                    })
                    .map(Unit::Series),
            )
            .chain(
                (0..site.rejected.len())
                    .filter(|&story| edition.drafts || !site.rejected[story].draft)
                    .map(Unit::Rejected),
            )
            .collect();
        BodyChecker {
            targets,
            links: LinkMap::for_checks(site),
            units,
            story_at,
            withheld,
            withheld_series,
            theme_ids,
            heading_ids: (0..site.stories.len()).map(|_| OnceLock::new()).collect(),
            url_findings,
        }
    }

    /// The ids the headings of `story` have on its page, where the theme's ids and the
    /// story's own anchors (claims, corrections) come first.
    fn heading_ids(&self, site: &Site, story: usize) -> &HeadingIds {
        self.heading_ids[story].get_or_init(|| {
            let story = &site.stories[story];
            let ids = story
                .body
                .scan
                .heading_ids_on_page(&self.reserved_on(story));
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.dedup();
            HeadingIds {
                set: ids.into_iter().collect(),
                sorted,
            }
        })
    }

    /// Whether an id is taken on the page of `story` before its text's headings get theirs.
    fn reserved_on(&self, story: &Story) -> impl Fn(&str) -> bool + Sync + use<'_> {
        let anchors = story_anchors(story);
        move |id: &str| self.theme_ids.contains(id) || anchors.iter().any(|anchor| anchor == id)
    }

    /// Every text of the site.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Checks one text of `site` (the site the checker was made for): its links, anchors,
    /// images and image credits, the pictures in it (`images`: their sizes and types) and a
    /// story's header image.
    pub fn check(&self, site: &Site, images: &ImageSizes, unit: Unit) -> Vec<Diagnostic> {
        let embargo = self.embargo_of(site, unit);
        let (source, url, scan) = match unit {
            Unit::Story(i) => {
                let story = &site.stories[i];
                (&story.source, &story.url, &*story.body.scan)
            }
            Unit::Series(i) => {
                let series = &site.series[i];
                (&series.source, &series.url, &*series.description.scan)
            }
            Unit::Rejected(i) => {
                let story = &site.rejected[i];
                (&story.source, &story.url, &*story.body.scan)
            }
        };
        let mut found = Vec::new();
        let text = Text {
            site,
            source,
            page_url: url,
            embargo,
        };
        self.check_text(&text, scan, &mut found);
        let clashing = match unit {
            Unit::Story(i) => scan.clashing_explicit_ids(&self.reserved_on(&site.stories[i])),
            _ => scan.clashing_explicit_ids(&|id: &str| self.theme_ids.contains(id)),
        };
        for heading in clashing {
            found.push(
                Diagnostic::new(
                    Code::BodyDuplicateId,
                    source,
                    format!(
                        "the id `{}` of this heading is already the id of another element of the page (a heading or footnote of the text, or the theme's own), so links to #{} would not reach it",
                        heading.id, heading.id
                    ),
                )
                .at(heading.line, 1)
                .with_hint("give the heading another `{#id}`, or remove it and let byline make a unique one"),
            );
        }
        if let Unit::Story(i) = unit {
            let story = &site.stories[i];
            if let Some(image) = &story.image {
                self.header_file(source, image, embargo, &mut found);
            }
        }
        pictures::check_unit(site, unit, images, &mut found);
        relax(site, found)
    }

    /// When the text `unit` comes out, when it is under embargo: a story when its embargo
    /// lifts, a series withheld for its stories' embargoes when the first of them lifts.
    fn embargo_of(&self, site: &Site, unit: Unit) -> Option<StoryDate> {
        match unit {
            Unit::Story(i) => match self.withheld.get(&site.stories[i].url) {
                Some((_, WithheldReason::Embargo(until))) => Some(*until),
                _ => None,
            },
            Unit::Series(i) => self
                .withheld_series
                .get(&site.series[i].url)
                .and_then(|(_, lifts)| *lifts),
            Unit::Rejected(_) => None,
        }
    }

    /// Checks what belongs to no text: the site's addresses (aliases, `urls.lock`) and the
    /// header images of the series (`images`: their sizes and types). Each story's header
    /// image is checked with its text ([`BodyChecker::check`]), so an edit checks only its own.
    pub fn check_site(&self, site: &Site, images: &ImageSizes) -> Vec<Diagnostic> {
        let mut found = self.url_findings.clone();
        pictures::series_headers(site, images, &mut found);
        for &unit in &self.units {
            if let Unit::Series(i) = unit {
                let series = &site.series[i];
                if let Some(image) = &series.image {
                    let embargo = self.embargo_of(site, unit);
                    self.header_file(&series.source, image, embargo, &mut found);
                }
            }
        }
        relax(site, found)
    }

    /// The header image `image` of the text at `source` exists: in static/, beside the story,
    /// or elsewhere on the web.
    fn header_file(
        &self,
        source: &Path,
        image: &Image,
        embargo: Option<StoryDate>,
        out: &mut Vec<Diagnostic>,
    ) {
        let path = split_url(&image.src).0;
        if is_external(&image.src) || self.targets.files.contains(path) {
            return;
        }
        let finding = match self.withheld_target(source, path, embargo) {
            Withheld::PublishedTogether => return,
            Withheld::Finding(finding) => finding,
            Withheld::No => Diagnostic::new(
                Code::LinkMissingFile,
                source,
                format!(
                    "the image {} does not exist in static/ or beside the story",
                    image.src
                ),
            )
            .with_hint("check the file name under `image: src:` (it is case-sensitive)"),
        };
        out.push(finding.at_position(image.position));
    }

    fn check_text(&self, text: &Text, body: &BodyScan, out: &mut Vec<Diagnostic>) {
        let source = text.source;
        if let Some((line, column)) = body.too_deep {
            out.push(
                Diagnostic::new(
                    Code::BodyTooDeep,
                    source,
                    format!(
                        "quotes or lists are nested more than {} levels deep here, more than a browser can show",
                        MAX_NESTING
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
                    Diagnostic::new(
                        Code::CreditInlineAlt,
                        source,
                        "this image has no alt text, which blind readers and search engines rely on",
                    )
                    .at(image.line, image.column)
                    .ending_at(image.end_column)
                    .with_hint("describe the picture between the brackets: ![A crowd outside the court](...)"),
                );
            }
            if image
                .credit
                .as_deref()
                .is_none_or(|credit| credit.trim().is_empty())
            {
                out.push(
                    Diagnostic::new(
                        Code::CreditInlineCredit,
                        source,
                        "this image has no credit: every picture we publish must say who made it",
                    )
                    .at(image.line, image.column)
                    .ending_at(image.end_column)
                    .with_hint(
                        "end the image's title with the credit: ![alt](/images/x.jpg \"Caption. Credit: Photographer/Agency\")",
                    ),
                );
            }
            let place = (image.line, image.column, image.end_column);
            self.check_target(text, &image.src, true, place, out);
        }
        for link in &body.links {
            if image_positions.contains(&(link.line, link.column)) {
                continue;
            }
            let place = (link.line, link.column, link.end_column);
            self.check_target(text, &link.url, false, place, out);
        }
    }

    fn check_target(
        &self,
        text: &Text,
        url: &str,
        is_image: bool,
        (line, column, end_column): (usize, usize, Option<usize>),
        out: &mut Vec<Diagnostic>,
    ) {
        let Text {
            site,
            source,
            page_url,
            embargo,
        } = *text;
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
                        Diagnostic::new(
                            Code::LinkBroken,
                            source,
                            format!("the link to {url} points at a Markdown file that is not a published story"),
                        )
                        .at(line, column)
                    .ending_at(end_column)
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
                && let ids = self.heading_ids(site, story)
                && !ids.set.contains(fragment)
            {
                let known = &ids.sorted;
                let hint = if known.is_empty() {
                    "that story has no headings to link to".to_string()
                } else {
                    let mut listed: Vec<String> = known
                        .iter()
                        .take(ANCHORS_LISTED)
                        .map(|id| format!("#{id}"))
                        .collect();
                    if known.len() > ANCHORS_LISTED {
                        listed.push(format!("and {} more", known.len() - ANCHORS_LISTED));
                    }
                    format!(
                        "the headings of that story have the anchors: {}",
                        listed.join(", ")
                    )
                };
                out.push(
                    Diagnostic::new(
                        Code::LinkAnchor,
                        source,
                        format!(
                            "the link to {url} points at #{fragment}, which is no heading of {path}"
                        ),
                    )
                    .at(line, column)
                    .ending_at(end_column)
                    .with_hint(hint),
                );
            }
            return;
        }
        if self.targets.files.contains(path) {
            return;
        }
        match self.withheld_target(source, path, embargo) {
            Withheld::No => {}
            Withheld::PublishedTogether => return,
            Withheld::Finding(finding) => {
                out.push(finding.at(line, column).ending_at(end_column));
                return;
            }
        }
        if is_image || looks_like_file(path) {
            out.push(
                Diagnostic::new(
                    Code::LinkMissingFile,
                    source,
                    format!("{url} does not exist: there is no {path} in static/ or beside the story"),
                )
                .at(line, column)
                .ending_at(end_column)
                .with_hint("check the file name (it is case-sensitive) and that the file is in static/ or the page bundle"),
            );
        } else {
            out.push(
                Diagnostic::new(
                    Code::LinkBroken,
                    source,
                    format!("the link to {url} goes nowhere: no page of this site is at {path}"),
                )
                .at(line, column)
                .ending_at(end_column)
                .with_hint("check the address; story pages are /<series>/<slug>/"),
            );
        }
    }
}

/// What a link to a site path the edition publishes nothing at means.
enum Withheld {
    /// Nothing is withheld there: the link goes nowhere.
    No,
    /// It belongs to something under embargo that goes out no later than the linking text.
    PublishedTogether,
    /// It belongs to something withheld: why, for the linking text, without a place.
    Finding(Diagnostic),
}

impl BodyChecker {
    /// Why nothing is published at site path `path` when it belongs to something the edition
    /// withholds: a draft or embargoed story, a file of its page bundle (its address alone
    /// names the story), a series with no published story or its feed. `own_embargo` is when
    /// the linking text `source` itself comes out, when it is under embargo.
    fn withheld_target(
        &self,
        source: &Path,
        path: &str,
        own_embargo: Option<StoryDate>,
    ) -> Withheld {
        let comes_out_with_text = |until: &StoryDate| {
            // Both go out together, or the target first: the link is fine by then.
            own_embargo.is_some_and(|own| until.instant <= own.instant)
        };
        if let Some((title, lifts)) = self
            .withheld_series
            .get(path)
            .or_else(|| self.withheld_series.get(path.trim_end_matches("atom.xml")))
            .or_else(|| self.withheld_series.get(format!("{path}/").as_str()))
        {
            let finding = match lifts {
                Some(until) if comes_out_with_text(until) => return Withheld::PublishedTogether,
                Some(until) => Diagnostic::new(
                    Code::EmbargoLink,
                    source,
                    format!(
                        "this links to the series \"{title}\", which comes out with its first story, under embargo until {}; the link would reveal it",
                        until.rfc3339()
                    ),
                )
                .with_hint("remove the link until the embargo lifts, or publish both at the same time"),
                None => Diagnostic::new(
                    Code::LinkBroken,
                    source,
                    format!(
                        "this links to the series \"{title}\", which has no published story yet, so its page and feed are not published"
                    ),
                )
                .with_hint("link to the series once one of its stories is published"),
            };
            return Withheld::Finding(finding);
        }
        let Some((story_url, (title, reason))) = self.withheld_story_at(path) else {
            return Withheld::No;
        };
        let what = if story_url == path || story_url == format!("{path}/") {
            format!("\"{title}\"")
        } else {
            format!("a file of \"{title}\"")
        };
        let (code, message, hint) = match reason {
            WithheldReason::Embargo(until) if comes_out_with_text(until) => {
                return Withheld::PublishedTogether;
            }
            WithheldReason::Embargo(until) => (
                Code::EmbargoLink,
                format!(
                    "this links to {what}, which is under embargo until {}; the link would reveal it",
                    until.rfc3339()
                ),
                "remove the link until the embargo lifts, or publish both stories at the same time",
            ),
            WithheldReason::Draft => (
                Code::LinkBroken,
                format!("this links to {what}, which is a draft and will not be published"),
                "publish the draft first, or remove the link",
            ),
        };
        Withheld::Finding(Diagnostic::new(code, source, message).with_hint(hint))
    }

    /// The withheld story at `path`, or whose page bundle holds it: its URL, title and why it
    /// is withheld.
    fn withheld_story_at(&self, path: &str) -> Option<(&str, &(String, WithheldReason))> {
        let mut candidate = format!("{}/", path.trim_end_matches('/'));
        loop {
            if let Some((url, withheld)) = self.withheld.get_key_value(candidate.as_str()) {
                return Some((url, withheld));
            }
            let parent = candidate.trim_end_matches('/').rfind('/')?;
            if parent == 0 {
                return None;
            }
            candidate.truncate(parent + 1);
        }
    }
}

/// The text being checked: where it is and where it is published.
#[derive(Clone, Copy)]
struct Text<'a> {
    site: &'a Site,
    source: &'a Path,
    page_url: &'a str,
    /// When the text's own embargo lifts, for a story under embargo: it may link to stories
    /// that go out no later than it does.
    embargo: Option<StoryDate>,
}

/// Reports the checks the site relaxed (`checks: {warn: [...]}`) as warnings.
fn relax(site: &Site, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let relaxed = &site.config.relaxed_checks;
    found
        .into_iter()
        .map(|finding| {
            if relaxed.contains(&finding.code) {
                finding.relaxed()
            } else {
                finding
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn files_look_like_files() {
        assert!(looks_like_file("/files/report.pdf"));
        assert!(!looks_like_file("/series/story/"));
    }
}
