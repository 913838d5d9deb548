//! Editorial checks that need the whole site: internal links and `#anchors`, images and files,
//! credits of images in the text, links to withheld stories ([`BodyChecker`]); and the embargo
//! audit of what a build writes ([`EmbargoAudit`]).
//!
//! Front-matter checks (required fields, dates, funders, credits of header images) happen while
//! `validate` turns each story into the model, where every field's position is known; this
//! module works on what reading found in each text (links, images, headings with their lines),
//! so `check`, `build` and `serve` report the same findings from the same scans.

mod embargo;
mod urls;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::dates::StoryDate;
use crate::diag::{Code, Diagnostic};
use crate::index::{LinkMap, SiteIndex};
use crate::markdown::{BodyScan, MAX_NESTING};
use crate::model::{Edition, Site, WithheldReason};
use crate::routes::Routes;
use crate::url::{is_external, resolve_against, split_url};

pub use embargo::{EmbargoAudit, is_text_file, search_file_text};
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
    /// What the site's addresses have wrong as a whole (see [`urls`]).
    url_findings: Vec<Diagnostic>,
}

impl BodyChecker {
    /// Checks the texts of `site` against the pages the edition `index` lists (which `edition`
    /// made) and the files published with it (`files`, paths in the output).
    pub fn new<'f>(
        site: &Site,
        edition: &Edition,
        index: &SiteIndex,
        files: impl Iterator<Item = &'f str>,
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
        // The edition's stories, and the ones under embargo: they are finished work, checked in
        // full before they go out. A draft is checked only when drafts are asked for.
        // A withdrawn story's text is not published: only its notice is.
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
            .chain((0..site.series.len()).map(Unit::Series))
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
            url_findings,
        }
    }

    /// Every text of the site.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Checks one text of `site` (the site the checker was made for): its links, anchors,
    /// images and image credits.
    pub fn check(&self, site: &Site, unit: Unit) -> Vec<Diagnostic> {
        let (source, url, scan, embargo) = match unit {
            Unit::Story(i) => {
                let story = &site.stories[i];
                let embargo = self
                    .withheld
                    .get(&story.url)
                    .and_then(|(_, reason)| match reason {
                        WithheldReason::Embargo(until) => Some(*until),
                        WithheldReason::Draft => None,
                    });
                (&story.source, &story.url, &*story.body.scan, embargo)
            }
            Unit::Series(i) => {
                let series = &site.series[i];
                (&series.source, &series.url, &*series.description.scan, None)
            }
            Unit::Rejected(i) => {
                let story = &site.rejected[i];
                (&story.source, &story.url, &*story.body.scan, None)
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
        relax(site, found)
    }

    /// Checks what belongs to no text: the header images of the stories and series of `site`,
    /// and the site's addresses (aliases, `urls.lock`).
    pub fn check_site(&self, site: &Site) -> Vec<Diagnostic> {
        let mut found = self.url_findings.clone();
        let header_images = self
            .units
            .iter()
            .filter_map(|unit| match unit {
                Unit::Story(story) => Some(&site.stories[*story]),
                _ => None,
            })
            .filter_map(|story| Some((&story.source, story.image.as_ref()?)))
            .chain(
                site.series
                    .iter()
                    .filter_map(|series| Some((&series.source, series.image.as_ref()?))),
            );
        for (source, image) in header_images {
            if !is_external(&image.src) && !self.targets.files.contains(split_url(&image.src).0) {
                found.push(
                    Diagnostic::new(
                        Code::LinkMissingFile,
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
        relax(site, found)
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
                && let headings = &site.stories[story].body.scan.headings
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
        let with_slash = format!("{}/", path.trim_end_matches('/'));
        if let Some((title, reason)) = self
            .withheld
            .get(path)
            .or_else(|| self.withheld.get(with_slash.as_str()))
        {
            if let (Some(own), WithheldReason::Embargo(until)) = (embargo, reason)
                && until.instant <= own.instant
            {
                // Both go out together, or the other first: the link is fine by then.
                return;
            }
            let (code, message, hint) = match *reason {
                WithheldReason::Embargo(until) => (
                    Code::EmbargoLink,
                    format!(
                        "this links to \"{}\", which is under embargo until {}; the link would reveal it",
                        title,
                        until.rfc3339()
                    ),
                    "remove the link until the embargo lifts, or publish both stories at the same time".to_string(),
                ),
                WithheldReason::Draft => (
                    Code::LinkBroken,
                    format!("this links to \"{}\", which is a draft and will not be published", title),
                    "publish the draft first, or remove the link".to_string(),
                ),
            };
            out.push(
                Diagnostic::new(code, source, message)
                    .at(line, column)
                    .ending_at(end_column)
                    .with_hint(hint),
            );
            return;
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
