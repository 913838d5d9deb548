//! The embargo audit: the last look at what a build is about to publish. Anything that names an
//! embargoed story (its address, its slug when that is distinctive, or its title as a reader
//! would read it) fails the build: an embargo leak is worse than no build.
//!
//! Titles are compared as readers see them ([`fold`]): a page that says `Don’t Look Up`
//! (smart punctuation), `DON'T LOOK UP`, `Don&#39;t`, or splits the title with an inline tag
//! names the story as surely as one that copies it, so both sides are folded first. What is
//! compared is what identifies the story: a title of one word would match ordinary text, and a
//! title (or slug) that is also the name of something the edition publishes (a topic, a
//! person, a series, a funder, another story, the site) appears on pages for that reason and
//! reveals nothing; those are audited by the story's address alone.

use std::collections::HashSet;
use std::path::Path;

use aho_corasick::AhoCorasick;

use super::fold::{at_word_boundaries, fold};
use crate::diag::{Code, Diagnostic};
use crate::index::SiteIndex;
use crate::model::{Edition, Site, Story, WithheldReason};
use crate::url::slugify;

/// Looks for embargoed stories in the files of a build.
pub struct EmbargoAudit {
    /// Addresses and slugs, matched in the bytes as written.
    exact: Option<AhoCorasick>,
    /// For each exact pattern: the withheld story it belongs to, what it is, and whether it
    /// must stand as a word of its own.
    exact_patterns: Vec<(usize, &'static str, bool)>,
    /// Titles, folded, matched in folded text as whole words.
    titles: Option<AhoCorasick>,
    /// For each title pattern: its story.
    title_stories: Vec<usize>,
    stories: Vec<(String, String)>,
}

impl EmbargoAudit {
    /// An audit for the stories of `site` that `edition` leaves out for their embargo (drafts
    /// are not audited: a draft's working title often repeats a published one); `index` lists
    /// what the edition publishes, whose names are not evidence of a leak.
    pub fn new(site: &Site, edition: &Edition, index: &SiteIndex) -> EmbargoAudit {
        let embargoed: Vec<_> = site
            .stories
            .iter()
            .filter_map(
                |story| match (edition.includes(story), edition.withheld_reason(story)) {
                    (false, Some(WithheldReason::Embargo(until))) => Some((story, until)),
                    _ => None,
                },
            )
            .collect();
        // Most builds have no embargo pending, and an archive publishes many names.
        let published = if embargoed.is_empty() {
            PublishedNames::default()
        } else {
            PublishedNames::new(site, index)
        };
        EmbargoAudit::of(embargoed.into_iter(), &published)
    }

    fn of<'s>(
        embargoed: impl Iterator<Item = (&'s Story, crate::dates::StoryDate)>,
        published: &PublishedNames,
    ) -> EmbargoAudit {
        let mut exact: Vec<String> = Vec::new();
        let mut exact_patterns = Vec::new();
        let mut titles: Vec<String> = Vec::new();
        let mut title_stories = Vec::new();
        let mut stories = Vec::new();
        for (story, until) in embargoed {
            let index = stories.len();
            stories.push((story.title.clone(), until.rfc3339()));
            let mut add = |needle: String, what: &'static str, needs_boundary: bool| {
                if !needle.trim().is_empty() && !exact.contains(&needle) {
                    exact.push(needle);
                    exact_patterns.push((index, what, needs_boundary));
                }
            };
            add(story.url.clone(), "address", false);
            // A one-word slug ("update") would match ordinary text; a multi-word one is as
            // distinctive as the title, unless something published has it too.
            if story.slug.contains('-') && !published.slugs.contains(&story.slug) {
                add(story.slug.clone(), "slug", true);
            }
            let title = fold(&story.title, false).text;
            if title.contains(' ') && !published.names.contains(&title) && !titles.contains(&title)
            {
                titles.push(title);
                title_stories.push(index);
            }
        }
        let automaton = |needles: &[String]| {
            (!needles.is_empty()).then(|| {
                AhoCorasick::new(needles).expect("plain string patterns always build an automaton")
            })
        };
        EmbargoAudit {
            exact: automaton(&exact),
            exact_patterns,
            titles: automaton(&titles),
            title_stories,
            stories,
        }
    }

    pub fn is_active(&self) -> bool {
        self.exact.is_some() || self.titles.is_some()
    }

    /// Every leak in `text`, the contents of the file that will be published at `path`.
    pub fn scan(&self, path: &Path, text: &str) -> Vec<Diagnostic> {
        self.scan_bytes(path, text.as_bytes())
    }

    pub fn scan_bytes(&self, path: &Path, bytes: &[u8]) -> Vec<Diagnostic> {
        if !self.is_active() {
            return Vec::new();
        }
        let mut found = Vec::new();
        let mut reported = HashSet::new();
        if let Some(matcher) = &self.exact {
            for hit in matcher.find_overlapping_iter(bytes) {
                let (story, what, needs_boundary) = self.exact_patterns[hit.pattern().as_usize()];
                if needs_boundary && !is_word_boundary(bytes, hit.start(), hit.end()) {
                    continue;
                }
                if reported.insert((story, what)) {
                    let line = bytes[..hit.start()].iter().filter(|&&b| b == b'\n').count() + 1;
                    found.push(self.leak(path, story, what, line));
                }
            }
        }
        if let Some(matcher) = &self.titles {
            let text = String::from_utf8_lossy(bytes);
            // As written (a title in an attribute is text there), then without markup (a
            // title an inline tag splits).
            for markup in [false, true] {
                let folded = fold(&text, markup);
                for hit in matcher.find_overlapping_iter(&folded.text) {
                    let story = self.title_stories[hit.pattern().as_usize()];
                    if at_word_boundaries(&folded.text, hit.start(), hit.end())
                        && reported.insert((story, "title"))
                    {
                        found.push(self.leak(path, story, "title", folded.line_of(hit.start())));
                    }
                }
            }
        }
        found
    }

    fn leak(&self, path: &Path, story: usize, what: &str, line: usize) -> Diagnostic {
        let (title, until) = &self.stories[story];
        Diagnostic::new(
            Code::EmbargoLeak,
            path,
            format!(
                "this file would reveal the {what} of \"{title}\", which is under embargo until {until}; nothing was published"
            ),
        )
        .at(line, 1)
        .with_hint("a theme template or another story mentions the embargoed story; remove the mention or wait for the embargo to lift")
    }
}

/// The names of what an edition publishes, folded like titles, and their slugs: a withheld
/// story's title or slug that is one of them is no evidence of a leak.
#[derive(Default)]
struct PublishedNames {
    names: HashSet<String>,
    slugs: HashSet<String>,
}

impl PublishedNames {
    fn new(site: &Site, index: &SiteIndex) -> PublishedNames {
        let config = &site.config;
        let names: Vec<&str> = index
            .topics
            .iter()
            .map(|topic| topic.name.as_str())
            .chain(index.people.iter().map(|person| person.name.as_str()))
            .chain(
                (0..site.series.len())
                    .filter(|&series| index.publishes_series(series))
                    .map(|series| site.series[series].title.as_str()),
            )
            .chain(config.funders.iter().map(|funder| funder.name.as_str()))
            .chain(
                index
                    .stories
                    .iter()
                    .map(|&story| site.stories[story].title.as_str()),
            )
            .chain(std::iter::once(config.title.as_str()))
            .collect();
        let slugs = names
            .iter()
            .map(|name| slugify(name))
            .chain(
                index
                    .stories
                    .iter()
                    .map(|&story| site.stories[story].slug.clone()),
            )
            .collect();
        PublishedNames {
            names: names.iter().map(|name| fold(name, false).text).collect(),
            slugs,
        }
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
        story.slug = slug.into();
        story
    }

    fn audit_of(stories: &[Story], published: &[&str]) -> EmbargoAudit {
        let until =
            crate::dates::StoryDate::parse("2030-01-01T06:00:00Z", &jiff::tz::TimeZone::UTC)
                .unwrap();
        let published = PublishedNames {
            names: published
                .iter()
                .map(|name| fold(name, false).text)
                .collect(),
            slugs: published.iter().map(|name| slugify(name)).collect(),
        };
        EmbargoAudit::of(stories.iter().map(|story| (story, until)), &published)
    }

    #[test]
    fn audit_finds_title_url_and_slug_but_not_look_alikes() {
        let audit = audit_of(&[embargoed("Minister's secret deal", "secret-deal")], &[]);
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
        assert!(!audit_of(&[], &[]).is_active());
    }

    #[test]
    fn titles_are_compared_as_readers_read_them() {
        let audit = audit_of(
            &[embargoed("Don't Look Up: Inside the Merger", "merger")],
            &[],
        );
        let path = Path::new("public/a/index.html");
        for leaked in [
            "<p>Coming soon: Don’t Look Up: Inside the Merger.</p>",
            "<p>COMING SOON: DON'T LOOK UP: INSIDE THE MERGER</p>",
            "<p>Don’t <em>Look Up</em>: Inside\nthe Merger</p>",
            "<content type=\"html\">&lt;p&gt;Don&amp;#39;t Look Up: Inside the Merger&lt;/p&gt;</content>",
            "{\"headline\":\"Don\\u0027t Look Up: Inside the Merger\"}",
            "<img alt=\"Don&#39;t look up: inside the merger\">",
        ] {
            let found = audit.scan(path, leaked);
            assert_eq!(found.len(), 1, "{leaked}");
        }
        // Part of a longer word is not the title.
        assert!(
            audit
                .scan(path, "don't look up: inside the mergers")
                .is_empty()
        );
    }

    #[test]
    fn names_the_site_publishes_anyway_are_no_evidence() {
        // An embargoed story titled like a topic, or one word long, blocked every build.
        let audit = audit_of(
            &[
                embargoed("Courts", "courts"),
                embargoed("Supreme Court", "supreme-court"),
                embargoed("Exclusive", "exclusive"),
            ],
            &["Supreme Court", "Courts"],
        );
        let page = "<a href=\"/topics/supreme-court/\">Supreme Court</a> and courts, exclusive.";
        assert!(audit.scan(Path::new("public/index.html"), page).is_empty());
        // Their addresses still are.
        assert_eq!(audit.scan(Path::new("x"), "see /s/courts/").len(), 1);
    }

    #[test]
    fn audit_reads_the_search_index_decompressed() {
        use std::io::Write;
        let audit = audit_of(&[embargoed("Minister's secret deal", "secret-deal")], &[]);
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
