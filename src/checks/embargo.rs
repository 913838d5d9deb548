//! The embargo audit: the last look at what a build is about to publish. Anything that names an
//! embargoed story (its URL, its title, or its slug when that is distinctive) fails the build:
//! an embargo leak is worse than no build.

use std::collections::HashSet;
use std::path::Path;

use aho_corasick::AhoCorasick;

use crate::diag::{Code, Diagnostic};
use crate::escape;
use crate::model::{Edition, Site, Story, WithheldReason};

/// Looks for embargoed stories in the files of a build.
pub struct EmbargoAudit {
    matcher: Option<AhoCorasick>,
    /// For each pattern: the withheld story it belongs to and what it is.
    patterns: Vec<(usize, &'static str, bool)>,
    stories: Vec<(String, String)>,
}

impl EmbargoAudit {
    /// An audit for the stories of `site` that `edition` leaves out for their embargo (drafts
    /// are not audited: a draft's working title often repeats a published one).
    pub fn new(site: &Site, edition: &Edition) -> EmbargoAudit {
        let embargoed = site.stories.iter().filter_map(|story| {
            match (edition.includes(story), edition.withheld_reason(story)) {
                (false, Some(WithheldReason::Embargo(until))) => Some((story, until)),
                _ => None,
            }
        });
        EmbargoAudit::of(embargoed)
    }

    fn of<'s>(
        embargoed: impl Iterator<Item = (&'s Story, crate::dates::StoryDate)>,
    ) -> EmbargoAudit {
        let mut needles: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut stories = Vec::new();
        for (story, until) in embargoed {
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
            add(escape::html(&story.title), "title", false);
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
                Diagnostic::new(
                    Code::EmbargoLeak,
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

/// The text inside a file of the search index: Pagefind's `.pf_fragment`, `.pf_meta`,
/// `.pf_index` and `.pf_filter` files are gzip-compressed (after a `pagefind_dcd` mark), so the
/// audit reads them decompressed; its other files are as they are.
pub fn search_file_text<'b>(path: &str, bytes: &'b [u8]) -> std::borrow::Cow<'b, [u8]> {
    use std::io::Read;
    let compressed = path
        .rsplit('.')
        .next()
        .is_some_and(|extension| extension.starts_with("pf_"));
    if !compressed {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut text = Vec::new();
    match flate2::read::GzDecoder::new(bytes).read_to_end(&mut text) {
        Ok(_) => {
            let without_mark = text
                .strip_prefix(b"pagefind_dcd".as_slice())
                .map(<[u8]>::to_vec)
                .unwrap_or(text);
            std::borrow::Cow::Owned(without_mark)
        }
        // Not gzip after all: audited as it is.
        Err(_) => std::borrow::Cow::Borrowed(bytes),
    }
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

    fn embargoed(title: &str, slug: &str) -> Story {
        let mut story = crate::outputs::tests::story(slug, "2022-02-09");
        story.title = title.into();
        story.url = format!("/s/{slug}/");
        story
    }

    fn audit_of(stories: &[Story]) -> EmbargoAudit {
        let until = crate::dates::StoryDate::parse("2030-01-01T06:00:00Z").unwrap();
        EmbargoAudit::of(stories.iter().map(|story| (story, until)))
    }

    #[test]
    fn audit_finds_title_url_and_slug_but_not_look_alikes() {
        let audit = audit_of(&[embargoed("Minister's secret deal", "secret-deal")]);
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
        assert_eq!(leak[0].code, Code::EmbargoLeak);
        assert_eq!(leak[0].line, Some(2));
        assert_eq!(
            audit.scan(path, "see /s/secret-deal/").len(),
            2,
            "address and slug"
        );
        assert!(!audit_of(&[]).is_active());
    }

    #[test]
    fn audit_reads_the_search_index_decompressed() {
        use std::io::Write;
        let audit = audit_of(&[embargoed("Minister's secret deal", "secret-deal")]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(b"pagefind_dcd{\"url\":\"/s/secret-deal/\",\"content\":\"x\"}")
            .unwrap();
        let fragment = gz.finish().unwrap();
        let text = search_file_text("pagefind/fragment/en_1.pf_fragment", &fragment);
        assert!(text.starts_with(b"{"));
        let leaks = audit.scan_bytes(
            Path::new("public/pagefind/fragment/en_1.pf_fragment"),
            &text,
        );
        assert_eq!(leaks.len(), 2, "address and slug: {leaks:?}");
        assert_eq!(&*search_file_text("pagefind/pagefind.js", b"js"), b"js");
    }
}
