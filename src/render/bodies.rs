//! Story bodies and series descriptions as HTML: rendered from their Markdown when a page (or
//! feed entry) needs them, with links to `.md` files and relative paths rewritten to the site
//! paths they mean and figures given the size of their image. The preview keeps what it
//! rendered in a [`MarkdownCache`]; a build renders each body as its page is written.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::SiteConfig;
use crate::dates::DateStyle;
use crate::diag::Diagnostic;
use crate::images::ImageSizes;
use crate::index::LinkMap;
use crate::markdown::{self, MarkdownOptions, RenderContext, Srcsets, Words};
use crate::model::{Body, Edition, Site};
use crate::source;
use crate::theme::{Strings, Templates};
use crate::url::resolve_against;

/// How wide the default theme shows a figure of a story's text (`sizes`): the text column
/// (68 characters, about 40rem) on wide screens, a little wider with its margins from 62rem on,
/// the screen's width less its margins on phones.
const FIGURE_SIZES: &str = "(min-width: 62rem) 48rem, (min-width: 44rem) 42rem, calc(100vw - 2rem)";

/// Renders the Markdown texts of one edition of a site.
pub struct BodyRenderer {
    links: LinkMap,
    /// Site paths in the HTML go under this (see [`crate::config::SiteConfig::href`]).
    config: Arc<SiteConfig>,
    options: MarkdownOptions,
    images: Arc<ImageSizes>,
    words: OwnedWords,
    /// How the pages these texts go into write a day (the theme's language, or site.yaml).
    dates: DateStyle,
    /// The ids the theme's templates give elements, which no heading or footnote may take.
    theme_ids: Arc<HashSet<String>>,
    /// A hash of them in order, for the cache's keys.
    theme_ids_hash: u64,
    cache: Option<Arc<MarkdownCache>>,
    /// Texts read again from their files that were no longer the texts checked.
    problems: Mutex<Vec<Diagnostic>>,
}

/// The [`Words`] of the theme's strings, owned.
struct OwnedWords {
    credit: String,
    done: String,
    not_done: String,
    too_deep: String,
    footnote_back: String,
}

impl OwnedWords {
    fn new(strings: &Strings) -> OwnedWords {
        OwnedWords {
            credit: strings.say("figure.credit", &[]),
            done: strings.say("task.done", &[]),
            not_done: strings.say("task.not_done", &[]),
            too_deep: strings.say("body.too_deep", &[]),
            // `{number}` is left for the Markdown renderer to fill in, note by note.
            footnote_back: strings.say("footnote.back", &[]),
        }
    }

    fn words(&self) -> Words<'_> {
        Words {
            credit: &self.credit,
            done: &self.done,
            not_done: &self.not_done,
            too_deep: &self.too_deep,
            footnote_back: &self.footnote_back,
        }
    }
}

/// How a site's texts are rendered: every Markdown feature, cleaned when the site asks for safe
/// HTML.
pub fn markdown_options(site: &Site) -> MarkdownOptions {
    MarkdownOptions {
        safe_html: site.config.safe_html,
        ..MarkdownOptions::default()
    }
}

impl BodyRenderer {
    /// Renders the texts of the stories `edition` shows (links to others stay as written)
    /// for pages of `templates`, through `cache` when there is one.
    pub fn new(
        site: &Site,
        edition: &Edition,
        images: Arc<ImageSizes>,
        templates: &Templates,
        cache: Option<Arc<MarkdownCache>>,
    ) -> BodyRenderer {
        BodyRenderer {
            links: LinkMap::new(site, edition),
            config: Arc::new(site.config.clone()),
            options: markdown_options(site),
            images,
            words: OwnedWords::new(templates.strings()),
            dates: templates
                .strings()
                .date_style(site.config.date_format.as_ref()),
            theme_ids: Arc::clone(templates.element_ids()),
            theme_ids_hash: ordered_hash(templates.element_ids()),
            cache,
            problems: Mutex::new(Vec::new()),
        }
    }

    /// How the pages these texts go into write a day.
    pub fn date_style(&self) -> &DateStyle {
        &self.dates
    }

    /// The image sizes figures are given.
    pub fn images(&self) -> &ImageSizes {
        &self.images
    }

    /// Whether rendered texts are kept (by the preview) between calls.
    pub fn is_cached(&self) -> bool {
        self.cache.is_some()
    }

    /// The HTML of `body`, the text of the file `source` published at site path `url` on a
    /// page that gives `anchors` to elements of its own (a story's claims and corrections).
    pub fn html(&self, source: &Path, url: &str, body: &Body, anchors: &[String]) -> String {
        match &self.cache {
            Some(cache) => cache
                .html(self, source, url, body, anchors)
                .as_str()
                .to_string(),
            None => self.render(source, url, body, anchors),
        }
    }

    fn render(&self, source: &Path, url: &str, body: &Body, anchors: &[String]) -> String {
        let rewrite = |target: &str| -> Option<String> {
            let resolved = self
                .links
                .resolve_markdown_link(source, target)
                .unwrap_or_else(|| resolve_against(url, target));
            let linked = self.config.href(&resolved);
            (linked != target).then_some(linked)
        };
        // Figures' sources arrive as links, under the base path; sizes are known by site path.
        let base_path = self.config.base_path();
        let site_path = |src: &'_ str| -> String {
            src.strip_prefix(base_path)
                .filter(|rest| !base_path.is_empty() && rest.starts_with('/'))
                .unwrap_or(src)
                .to_string()
        };
        let image_size = |src: &str| self.images.size(&site_path(src));
        let image_sources = |src: &str| {
            let variants = self.images.variants(&site_path(src))?;
            let (own, webp) = variants.srcsets(|url| self.config.href(url));
            Some(Srcsets { own, webp })
        };
        let reserved =
            |id: &str| self.theme_ids.contains(id) || anchors.iter().any(|anchor| anchor == id);
        let context = RenderContext {
            options: &self.options,
            first_line: body.first_line,
            rewrite_url: Some(&rewrite),
            image_size: Some(&image_size),
            image_sources: Some(&image_sources),
            figure_sizes: FIGURE_SIZES,
            words: self.words.words(),
            reserved_ids: Some(&reserved),
        };
        match source::text_of(body, source) {
            Ok(text) => markdown::render(&text, &context).html,
            Err(problem) => {
                self.problems
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(problem);
                String::new()
            }
        }
    }

    /// The texts that could not be rendered since the last call (a file changed after it was
    /// checked): a build that has any publishes nothing.
    pub fn take_problems(&self) -> Vec<Diagnostic> {
        std::mem::take(
            &mut self
                .problems
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// A hash of `ids` that does not depend on the set's order.
fn ordered_hash(ids: &HashSet<String>) -> u64 {
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort();
    let mut hasher = DefaultHasher::new();
    sorted.hash(&mut hasher);
    hasher.finish()
}

/// Rendered story bodies and series descriptions, kept between versions of a site so that an
/// edit renders only what changed. One entry per source file; an entry is used again only when
/// the Markdown (by hash and length), its first line, its page URL and the options are the same
/// and every `.md` link in it still points where it pointed (another story may have moved).
#[derive(Debug, Default)]
pub struct MarkdownCache {
    entries: Mutex<HashMap<PathBuf, CachedHtml>>,
}

#[derive(Debug)]
struct CachedHtml {
    key: CacheKey,
    /// Every `.md` link of the text and the URL it resolved to.
    story_links: Vec<(String, Option<String>)>,
    html: Arc<String>,
}

#[derive(Debug, PartialEq, Eq)]
struct CacheKey {
    hash: u64,
    length: usize,
    first_line: usize,
    page_url: String,
    options: MarkdownOptions,
    words: u64,
    /// The ids the page keeps for itself (the theme's, the story's anchors).
    reserved: u64,
}

impl MarkdownCache {
    fn html(
        &self,
        renderer: &BodyRenderer,
        source: &Path,
        url: &str,
        body: &Body,
        anchors: &[String],
    ) -> Arc<String> {
        // The preview keeps its texts: it renders them again after every edit.
        let Some(text) = body.kept_text() else {
            return Arc::new(renderer.render(source, url, body, anchors));
        };
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        let mut words = DefaultHasher::new();
        renderer.words.words().hash(&mut words);
        let mut reserved = DefaultHasher::new();
        anchors.hash(&mut reserved);
        renderer.theme_ids_hash.hash(&mut reserved);
        let key = CacheKey {
            hash: hasher.finish(),
            length: text.len(),
            first_line: body.first_line,
            page_url: url.to_string(),
            options: renderer.options,
            words: words.finish(),
            reserved: reserved.finish(),
        };
        if let Some(cached) = self.lock().get(source)
            && cached.key == key
            && cached
                .story_links
                .iter()
                .all(|(target, url)| renderer.links.resolve_markdown_link(source, target) == *url)
        {
            return Arc::clone(&cached.html);
        }
        let html = Arc::new(renderer.render(source, url, body, anchors));
        let story_links = body
            .scan
            .links
            .iter()
            .filter(|link| LinkMap::is_story_link(&link.url))
            .map(|link| {
                let resolved = renderer.links.resolve_markdown_link(source, &link.url);
                (link.url.clone(), resolved)
            })
            .collect();
        self.lock().insert(
            source.to_path_buf(),
            CachedHtml {
                key,
                story_links,
                html: Arc::clone(&html),
            },
        );
        html
    }

    /// Forgets the entries of files for which `keep` says false.
    pub fn retain(&self, mut keep: impl FnMut(&Path) -> bool) {
        self.lock().retain(|source, _| keep(source));
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, CachedHtml>> {
        // A panic while holding the lock cannot leave an entry half-written.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BodyText, TextOnDisk};
    use crate::source::{Keep, body};

    #[test]
    fn a_text_changed_since_its_check_is_not_rendered_and_is_reported() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("a.md");
        std::fs::write(&file, "---\n---\nAs *checked*.\n").unwrap();
        let checked = "As *checked*.\n";
        let mut on_disk = body(checked, 3, Keep::ScanOnly);
        on_disk.text = BodyText::OnDisk(Arc::new(TextOnDisk {
            file: file.clone(),
            start: 8,
            len: checked.len(),
            checksum: crc32fast::hash(checked.as_bytes()),
        }));
        let renderer = BodyRenderer {
            links: LinkMap::default(),
            config: Arc::new(crate::outputs::tests::config()),
            options: MarkdownOptions::default(),
            images: Arc::new(ImageSizes::default()),
            words: OwnedWords::new(&Strings::english()),
            dates: DateStyle::default(),
            theme_ids: Arc::default(),
            theme_ids_hash: 0,
            cache: None,
            problems: Mutex::default(),
        };
        let source = Path::new("content/a.md");
        let html = renderer.html(source, "/a/", &on_disk, &[]);
        assert_eq!(html, "<p>As <em>checked</em>.</p>\n");
        assert!(renderer.take_problems().is_empty());

        std::fs::write(&file, "---\n---\nAs *edited*.\n").unwrap();
        assert_eq!(renderer.html(source, "/a/", &on_disk, &[]), "");
        let problems = renderer.take_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, source);
        assert!(renderer.take_problems().is_empty());
    }

    #[test]
    fn markdown_cache_renders_again_only_what_changed() {
        let cache = Arc::new(MarkdownCache::default());
        let images = Arc::new(ImageSizes::default());
        let strings = Strings::english();
        let source = Path::new("content/s/a.md");
        let mut links = LinkMap::default();
        links.insert("content/s/b.md", "/s/b/");
        let renderer = |links: &LinkMap| BodyRenderer {
            links: links.clone(),
            config: Arc::new(crate::outputs::tests::config()),
            options: MarkdownOptions::default(),
            images: Arc::clone(&images),
            words: OwnedWords::new(&strings),
            dates: DateStyle::default(),
            theme_ids: Arc::default(),
            theme_ids_hash: 0,
            cache: Some(Arc::clone(&cache)),
            problems: Mutex::default(),
        };
        let html = |renderer: &BodyRenderer, text: &str, first_line: usize| {
            cache.html(
                renderer,
                source,
                "/s/a/",
                &body(text, first_line, Keep::Text),
                &[],
            )
        };
        let text = "See [b](b.md) and *this*.";
        let first = html(&renderer(&links), text, 5);
        assert!(first.contains("href=\"/s/b/\""), "{first}");
        let again = html(&renderer(&links), text, 5);
        assert!(Arc::ptr_eq(&first, &again), "unchanged: from the cache");

        let edited = html(&renderer(&links), "See [b](b.md).", 5);
        assert!(!Arc::ptr_eq(&first, &edited));
        let moved_line = html(&renderer(&links), "See [b](b.md).", 6);
        assert!(
            !Arc::ptr_eq(&edited, &moved_line),
            "lines in diagnostics change"
        );

        // The story it links to moved: the link must follow.
        links.insert("content/s/b.md", "/s/b-new/");
        let relinked = html(&renderer(&links), "See [b](b.md).", 6);
        assert!(relinked.contains("/s/b-new/"), "{relinked}");

        assert_eq!(cache.len(), 1);
        cache.retain(|_| false);
        assert!(cache.is_empty());
    }
}
