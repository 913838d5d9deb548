//! Rendering: turns the validated [`Site`] into pages. Story bodies go through the Markdown
//! pipeline, then every page (story, series, topic, person, their indexes, home, 404, the
//! corrections and funders pages) and every machine-readable file (Atom feeds, sitemaps,
//! robots.txt; their data comes from [`crate::outputs`]) is rendered through the theme's
//! templates.
//!
//! Everything a listing needs is prepared once in a [`SiteView`] (one template value per story
//! card, the story lists of every topic and person), so rendering a page only clones cheap,
//! reference-counted template values; bodies are never copied into listings. The functions here
//! are independent per page; `build` decides what runs in parallel.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use crate::config::{PersonProfile, SiteConfig};
use crate::content::{
    Claim, Image, Series, Site, Story, person_url, resolve_against, slugify, topic_url,
};
use crate::dates::StoryDate;
use crate::diagnostic::Diagnostic;
use crate::images::{ImageSizes, Size};
use crate::markdown::{self, MarkdownOptions, RenderContext, RenderedMarkdown};
use crate::outputs::feeds::{self, FEED_ENTRIES};
use crate::outputs::ledger::{self, FunderStories, LedgerEntry};
use crate::outputs::{self, jsonld, sitemaps};
use crate::templates::Templates;

/// How many of the latest stories the home page lists.
pub const HOME_STORIES: usize = 20;

/// A file of the finished site, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, with `/` separators: `decision-machines/twitter/index.html`.
    pub path: String,
    pub contents: String,
}

/// The output path of a page at site path `url`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// Maps content files to the URL of the story they become, so Markdown links to `other.md`
/// point at the published page.
#[derive(Debug, Clone, Default)]
pub struct LinkMap {
    by_source: HashMap<PathBuf, String>,
}

impl LinkMap {
    pub fn new(site: &Site) -> LinkMap {
        LinkMap {
            by_source: site
                .stories
                .iter()
                .map(|story| (story.source.clone(), story.url.clone()))
                .collect(),
        }
    }

    /// [`LinkMap::new`] with the stories left out of the build as well, for the link checks:
    /// a link to a draft or an embargoed story is then reported as what it is, and one to a
    /// story rejected for errors of its own is not broken (its own errors say why).
    pub fn for_checks(site: &Site) -> LinkMap {
        let mut map = LinkMap::new(site);
        let withheld = site
            .withheld
            .iter()
            .map(|story| (&story.source, &story.url));
        let rejected = site
            .rejected
            .iter()
            .map(|story| (&story.source, &story.url));
        map.by_source.extend(
            withheld
                .chain(rejected)
                .map(|(source, url)| (source.clone(), url.clone())),
        );
        map
    }

    /// The published URL for a link written in the file `from` (relative to the site root).
    /// Whether `target` (a link as written) names a Markdown file, so that where it points
    /// depends on the stories of the site.
    pub fn is_story_link(target: &str) -> bool {
        let path = target.split('#').next().unwrap_or(target);
        path.ends_with(".md") && !path.contains("://")
    }

    pub fn resolve_markdown_link(&self, from: &Path, target: &str) -> Option<String> {
        if !LinkMap::is_story_link(target) {
            return None;
        }
        let (path, fragment) = match target.find('#') {
            Some(index) => target.split_at(index),
            None => (target, ""),
        };
        let base = from.parent().unwrap_or(Path::new(""));
        let joined = if path.starts_with('/') {
            PathBuf::from("content").join(path.trim_start_matches('/'))
        } else {
            base.join(path)
        };
        let mut normal = PathBuf::new();
        for component in joined.components() {
            match component {
                Component::ParentDir => {
                    normal.pop();
                }
                Component::CurDir => {}
                other => normal.push(other),
            }
        }
        self.by_source
            .get(&normal)
            .map(|url| format!("{url}{fragment}"))
    }
}

/// What the Markdown stage is run for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyOutput {
    /// HTML for publishing, plus what the checks need.
    Html,
    /// Only what the checks need (links, images, headings), the text kept for later: `build`
    /// renders each body with its HTML as the body's page is written.
    ChecksOnly,
    /// Only what the checks need, taken as each file is read; the text is not kept, so nothing
    /// can be rendered afterwards (`byline check`, which writes no HTML).
    ScanWhileReading,
}

/// The page a Markdown body belongs to: its source file (relative to the site root) and its
/// site path.
#[derive(Debug, Clone, Copy)]
pub struct BodyPage<'a> {
    pub source: &'a Path,
    pub url: &'a str,
}

/// Renders a story's body (or a series description) to HTML, rewriting links to `.md` files and
/// relative paths to the site paths they mean, and giving figures the size of their image.
pub fn markdown_body(
    markdown_source: &str,
    first_line: usize,
    page: BodyPage,
    links: &LinkMap,
    options: &MarkdownOptions,
    output: BodyOutput,
    images: &ImageSizes,
) -> RenderedMarkdown {
    let rewrite = |target: &str| -> Option<String> {
        if let Some(url) = links.resolve_markdown_link(page.source, target) {
            return Some(url);
        }
        let resolved = resolve_against(page.url, target);
        (resolved != target).then_some(resolved)
    };
    let image_size = |src: &str| images.size(src);
    match output {
        BodyOutput::Html => {
            let context = RenderContext {
                options,
                first_line,
                rewrite_url: Some(&rewrite),
                image_size: Some(&image_size),
            };
            markdown::render(markdown_source, &context)
        }
        // Links are recorded as written and figures get no HTML, so a scan needs neither
        // rewritten URLs nor image sizes (working out each link's URL cost allocations).
        BodyOutput::ChecksOnly | BodyOutput::ScanWhileReading => {
            let context = RenderContext {
                first_line,
                ..RenderContext::new(options)
            };
            markdown::scan(markdown_source, &context)
        }
    }
}

/// Rendered story bodies and series descriptions, kept between versions of a site so that an
/// edit renders only what changed. One entry per source file; an entry is used again only when
/// the Markdown (by hash and length), its first line, its page URL and the options are the same
/// and every `.md` link in it still points where it pointed (another story may have moved).
#[derive(Debug, Default)]
pub struct MarkdownCache {
    entries: Mutex<HashMap<PathBuf, CachedMarkdown>>,
}

#[derive(Debug)]
struct CachedMarkdown {
    key: MarkdownKey,
    /// Every `.md` link of the body and the URL it resolved to.
    story_links: Vec<(String, Option<String>)>,
    rendered: Arc<RenderedMarkdown>,
}

#[derive(Debug, PartialEq, Eq)]
struct MarkdownKey {
    hash: u64,
    length: usize,
    first_line: usize,
    page_url: String,
    options: MarkdownOptions,
}

impl MarkdownCache {
    /// [`markdown_body`], or the cached result when nothing it depends on changed.
    pub fn render(
        &self,
        page: BodyPage,
        markdown_source: &str,
        first_line: usize,
        links: &LinkMap,
        options: &MarkdownOptions,
        images: &ImageSizes,
    ) -> Arc<RenderedMarkdown> {
        let BodyPage {
            source,
            url: page_url,
        } = page;
        let mut hasher = DefaultHasher::new();
        markdown_source.hash(&mut hasher);
        let key = MarkdownKey {
            hash: hasher.finish(),
            length: markdown_source.len(),
            first_line,
            page_url: page_url.to_string(),
            options: *options,
        };
        if let Some(cached) = self.lock().get(source)
            && cached.key == key
            && cached
                .story_links
                .iter()
                .all(|(target, url)| links.resolve_markdown_link(source, target) == *url)
        {
            return Arc::clone(&cached.rendered);
        }
        let rendered = Arc::new(markdown_body(
            markdown_source,
            first_line,
            BodyPage {
                source,
                url: page_url,
            },
            links,
            options,
            BodyOutput::Html,
            images,
        ));
        let story_links = rendered
            .links
            .iter()
            .filter(|link| LinkMap::is_story_link(&link.url))
            .map(|link| {
                let url = links.resolve_markdown_link(source, &link.url);
                (link.url.clone(), url)
            })
            .collect();
        self.lock().insert(
            source.to_path_buf(),
            CachedMarkdown {
                key,
                story_links,
                rendered: Arc::clone(&rendered),
            },
        );
        rendered
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, CachedMarkdown>> {
        // A panic while holding the lock cannot leave an entry half-written.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What one page is: an HTML page, or a machine-readable file (feed, sitemap, robots.txt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Story(usize),
    Series(usize),
    Topic(usize),
    Topics,
    Person(usize),
    People,
    Home,
    NotFound,
    /// `/corrections/`: every correction, newest first.
    Corrections,
    /// `/funders/`: each funder and the stories it funded.
    Funders,
    /// `/atom.xml`: the latest stories of the site.
    SiteFeed,
    /// `/<series>/atom.xml`.
    SeriesFeed(usize),
    /// `/topics/<topic>/atom.xml`.
    TopicFeed(usize),
    /// `/people/<person>/atom.xml`.
    PersonFeed(usize),
    /// `/corrections/atom.xml`.
    CorrectionsFeed,
    /// `/sitemap.xml`.
    Sitemap,
    /// `/news-sitemap.xml`.
    NewsSitemap,
    /// `/robots.txt`.
    Robots,
}

/// Site paths of the site-wide pages and files.
pub const CORRECTIONS_URL: &str = "/corrections/";
pub const FUNDERS_URL: &str = "/funders/";
pub const SITE_FEED_URL: &str = "/atom.xml";
pub const CORRECTIONS_FEED_URL: &str = "/corrections/atom.xml";
pub const SITEMAP_URL: &str = "/sitemap.xml";
pub const NEWS_SITEMAP_URL: &str = "/news-sitemap.xml";
pub const ROBOTS_URL: &str = "/robots.txt";

/// The feed of the page at site path `page_url` (a series, topic or person page).
pub fn feed_url(page_url: &str) -> String {
    format!("{page_url}atom.xml")
}

#[derive(Debug)]
struct TopicEntry {
    name: String,
    url: String,
    stories: Vec<usize>,
}

#[derive(Debug)]
struct PersonEntry {
    name: String,
    url: String,
    profile: Option<usize>,
    /// Story index and the roles this person had on it.
    stories: Vec<(usize, Vec<String>)>,
}

/// Mentions of names (topics, people) grouped by their slug. An archive names the same few
/// hundred people and topics tens of thousands of times: each spelling is slugged once, and each
/// mention costs one hash lookup. Spellings with the same slug share the first one's entry.
struct Grouping<'s, E> {
    by_name: HashMap<&'s str, usize>,
    by_slug: HashMap<String, usize>,
    /// Slug and entry, in the order first mentioned.
    entries: Vec<(String, E)>,
}

impl<E> Default for Grouping<'_, E> {
    fn default() -> Self {
        Grouping {
            by_name: HashMap::new(),
            by_slug: HashMap::new(),
            entries: Vec::new(),
        }
    }
}

impl<'s, E> Grouping<'s, E> {
    /// The entry of `name`'s slug; `new` makes it (from the slug) on the first mention.
    fn entry(&mut self, name: &'s str, new: impl FnOnce(&str) -> E) -> &mut E {
        let index = match self.by_name.get(name) {
            Some(&index) => index,
            None => {
                let slug = slugify(name);
                let index = match self.by_slug.get(&slug) {
                    Some(&index) => index,
                    None => {
                        let entry = new(&slug);
                        self.by_slug.insert(slug.clone(), self.entries.len());
                        self.entries.push((slug, entry));
                        self.entries.len() - 1
                    }
                };
                self.by_name.insert(name, index);
                index
            }
        };
        &mut self.entries[index].1
    }

    /// The entries in the order of their slugs.
    fn into_sorted(mut self) -> Vec<E> {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.entries.into_iter().map(|(_, entry)| entry).collect()
    }
}

/// The site prepared for rendering: shared, read-only, built once.
pub struct SiteView<'a> {
    site: &'a Site,
    images: &'a ImageSizes,
    index: &'a SiteIndex,
    bodies: Vec<&'a RenderedMarkdown>,
    series_descriptions: Vec<&'a RenderedMarkdown>,
    site_value: Value,
    /// Each story's listing card, made the first time a listing needs it: `serve` makes a view
    /// per request and renders one page, which needs only a few cards.
    cards: Vec<OnceLock<Value>>,
    /// When each story last changed (its date, `updated` or a correction, the latest).
    last_changed: Vec<StoryDate>,
    /// Every correction, newest first; made when a page first needs it (`serve` makes a view
    /// per request, and most pages do not).
    ledger: OnceLock<Vec<LedgerEntry>>,
    /// Each funder with the stories it funded; made when first needed, like `ledger`.
    funders: OnceLock<Vec<FunderStories>>,
    /// Each story's feed entry, made the first time a feed needs it and shared by every feed
    /// that lists the story (its body is the biggest part).
    feed_entries: Vec<OnceLock<Value>>,
    /// Renders a story's body HTML when its page or feed entry needs it, for views whose
    /// `bodies` hold only what listings need (see [`SiteView::rendering_bodies_on_demand`]).
    render_body: Option<&'a RenderBody<'a>>,
    /// With `render_body`: a place for the body of each story some feed lists (None for the
    /// others), so that its page and its feed entry share one rendering.
    feed_bodies: Vec<Option<OnceLock<RenderedMarkdown>>>,
}

/// Renders the body of `site.stories[index]` with its HTML.
pub type RenderBody<'r> = dyn Fn(usize) -> RenderedMarkdown + Sync + 'r;

/// Which pages the site has and which stories each listing holds: cheap to build (no template
/// values), so the link checks can know every page without preparing to render, and `serve`
/// keeps one beside its site between requests.
#[derive(Debug)]
pub struct SiteIndex {
    series_stories: Vec<Vec<usize>>,
    topics: Vec<TopicEntry>,
    people: Vec<PersonEntry>,
    person_urls: HashMap<String, String>,
    topic_urls: HashMap<String, String>,
}

#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    base_url: &'a str,
    language: &'a str,
    funding_note: Option<&'a str>,
    publisher: Option<PublisherContext<'a>>,
}

#[derive(Serialize)]
struct PublisherContext<'a> {
    name: Option<&'a str>,
    url: Option<&'a str>,
    logo: Option<&'a str>,
    /// The logo's pixel size, when byline can read it.
    logo_width: Option<u32>,
    logo_height: Option<u32>,
}

#[derive(Serialize)]
struct PageContext<'a> {
    kind: &'static str,
    title: &'a str,
    url: &'a str,
    permalink: String,
    description: &'a str,
    feeds: Vec<FeedLink>,
}

/// A feed offered in a page's head.
#[derive(Serialize)]
struct FeedLink {
    title: String,
    /// Absolute URL.
    url: String,
}

#[derive(Serialize)]
struct LinkContext<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct SeriesLinkContext<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct ImageContext<'a> {
    src: &'a str,
    alt: &'a str,
    caption: Option<&'a str>,
    credit: &'a str,
    /// Pixel size of the image file, when byline can read it (a file of the site).
    width: Option<u32>,
    height: Option<u32>,
}

impl<'a> ImageContext<'a> {
    fn new(image: &'a Image, size: Option<Size>) -> Self {
        ImageContext {
            src: &image.src,
            alt: &image.alt,
            caption: image.caption.as_deref(),
            credit: &image.credit,
            width: size.map(|(width, _)| width),
            height: size.map(|(_, height)| height),
        }
    }
}

/// A story of the same series, for "more from this series".
#[derive(Serialize)]
struct SeriesNeighbourContext<'a> {
    title: &'a str,
    url: &'a str,
    date: String,
    date_display: String,
}

/// The series of a story page: its link and the story's place in it.
#[derive(Serialize)]
struct StorySeriesContext<'a> {
    title: &'a str,
    url: &'a str,
    /// The story's number in the series, the first published being 1.
    part: usize,
    /// How many stories of the series this build publishes.
    parts: usize,
}

#[derive(Serialize)]
struct CardContext<'a> {
    title: &'a str,
    url: &'a str,
    date: String,
    date_display: String,
    summary: &'a str,
    reporters: Vec<LinkContext<'a>>,
    series: Option<SeriesLinkContext<'a>>,
    image: Option<ImageContext<'a>>,
}

#[derive(Serialize)]
struct RoleContext<'a> {
    role: &'a str,
    label: String,
    people: Vec<LinkContext<'a>>,
}

#[derive(Serialize)]
struct FundingContext<'a> {
    text: String,
    note: Option<&'a str>,
    funders: Vec<FunderContext<'a>>,
}

#[derive(Serialize)]
struct FunderContext<'a> {
    name: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct SourceContext<'a> {
    title: &'a str,
    url: Option<&'a str>,
    publisher: Option<&'a str>,
}

#[derive(Serialize)]
struct CorrectionContext<'a> {
    date: String,
    date_display: String,
    text: &'a str,
    anchor: &'a str,
}

#[derive(Serialize)]
struct LedgerContext<'a> {
    date: String,
    date_display: String,
    text: &'a str,
    anchor: String,
    /// The correction on its story's page: `/series/story/#correction-2022-02-10`.
    url: String,
    story: SeriesLinkContext<'a>,
}

#[derive(Serialize)]
struct FunderPageContext<'a> {
    name: &'a str,
    anchor: &'a str,
    url: Option<&'a str>,
    description: Option<&'a str>,
    series: Vec<SeriesLinkContext<'a>>,
    stories: Value,
}

#[derive(Serialize)]
struct ClaimContext<'a> {
    claim: &'a str,
    claimant: &'a str,
    rating: &'a str,
    date: Option<String>,
    date_display: Option<String>,
    url: Option<&'a str>,
    anchor: String,
}

#[derive(Serialize)]
struct StoryContext<'a> {
    title: &'a str,
    url: &'a str,
    permalink: String,
    date: String,
    date_display: String,
    updated: Option<String>,
    updated_display: Option<String>,
    modified: Option<String>,
    summary: &'a str,
    reporters: Vec<LinkContext<'a>>,
    series: Option<StorySeriesContext<'a>>,
    /// The story of the same series published just before this one, and just after.
    previous: Option<SeriesNeighbourContext<'a>>,
    next: Option<SeriesNeighbourContext<'a>>,
    topics: Vec<LinkContext<'a>>,
    image: Option<ImageContext<'a>>,
    byline: Vec<RoleContext<'a>>,
    funding: Option<FundingContext<'a>>,
    sources: Vec<SourceContext<'a>>,
    corrections: Vec<CorrectionContext<'a>>,
    claims: Vec<ClaimContext<'a>>,
    extra: &'a serde_yaml::Value,
    draft: bool,
    /// The body HTML, marked safe so templates do not escape it.
    content: Value,
    /// The JSON-LD documents, marked safe (already escaped for a `<script>` element).
    json_ld: Vec<Value>,
}

#[derive(Serialize)]
struct SeriesContext<'a> {
    title: &'a str,
    url: &'a str,
    permalink: String,
    summary: &'a str,
    description: Value,
    image: Option<ImageContext<'a>>,
    funders: Vec<FunderContext<'a>>,
    extra: &'a serde_yaml::Value,
}

#[derive(Serialize)]
struct TopicSummary<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct PersonContext<'a> {
    name: &'a str,
    url: &'a str,
    title: Option<&'a str>,
    bio: Option<&'a str>,
    link: Option<&'a str>,
}

#[derive(Serialize)]
struct PersonSummary<'a> {
    name: &'a str,
    url: &'a str,
    title: Option<&'a str>,
    count: usize,
}

#[derive(Serialize)]
struct SeriesSummary<'a> {
    title: &'a str,
    url: &'a str,
    summary: &'a str,
}

fn value<T: Serialize>(data: T) -> Value {
    Value::from(Serde(data))
}

/// The summary shown in listings and meta descriptions: the `summary` field, else the first
/// paragraph of the body.
fn summary_of<'a>(story: &'a Story, body: &'a RenderedMarkdown) -> &'a str {
    story
        .summary
        .as_deref()
        .or(body.first_paragraph.as_deref())
        .unwrap_or("")
}

/// "A", "A and B", "A, B and C".
pub fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// The label of a byline role for `count` people: job titles are pluralised ("Reporters",
/// "Fact checkers"); roles that name a kind of work ("Data", "Additional reporting") are not.
pub fn role_label(role: &str, count: usize) -> String {
    let last_word = role.rsplit(' ').next().unwrap_or(role).to_lowercase();
    let is_job_title = ["er", "or", "ist", "ant", "ent", "ian", "ee"]
        .iter()
        .any(|ending| last_word.ends_with(ending));
    if count > 1 && is_job_title {
        format!("{role}s")
    } else {
        role.to_string()
    }
}

/// The funding disclosure's first sentence.
pub fn funding_text(series_title: Option<&str>, funders: &[String]) -> String {
    let names = join_names(funders);
    match series_title {
        Some(series) => format!("Our reporting on {series} is funded by {names}."),
        None => format!("This story was funded by {names}."),
    }
}

impl SiteIndex {
    /// The stories the story feed `page` lists, newest first (at most [`FEED_ENTRIES`]): the
    /// site's, a series', a topic's or a person's. None for any other page.
    fn feed_entries(&self, site: &Site, page: Page) -> Option<Vec<usize>> {
        let stories: Vec<usize> = match page {
            Page::SiteFeed => (0..site.stories.len()).take(FEED_ENTRIES).collect(),
            Page::SeriesFeed(index) => self.series_stories[index]
                .iter()
                .copied()
                .take(FEED_ENTRIES)
                .collect(),
            Page::TopicFeed(index) => self.topics[index]
                .stories
                .iter()
                .copied()
                .take(FEED_ENTRIES)
                .collect(),
            Page::PersonFeed(index) => self.people[index]
                .stories
                .iter()
                .map(|(story, _)| *story)
                .take(FEED_ENTRIES)
                .collect(),
            _ => return None,
        };
        Some(stories)
    }

    /// The stories of every story feed, feed by feed.
    fn feed_stories<'s>(&'s self, site: &'s Site) -> impl Iterator<Item = Vec<usize>> + 's {
        self.pages(site)
            .into_iter()
            .filter_map(move |page| self.feed_entries(site, page))
    }

    pub fn new(site: &Site) -> SiteIndex {
        let config = &site.config;
        let mut series_stories = vec![Vec::new(); site.series.len()];
        let mut topics = Grouping::default();
        let mut people = Grouping::default();
        for (index, story) in site.stories.iter().enumerate() {
            if let Some(series) = story.series {
                series_stories[series].push(index);
            }
            for topic in &story.topics {
                let entry = topics.entry(topic, |_| TopicEntry {
                    name: topic.clone(),
                    url: topic_url(topic),
                    stories: Vec::new(),
                });
                if entry.stories.last() != Some(&index) {
                    entry.stories.push(index);
                }
            }
            for (role, names) in story_roles(story) {
                for name in names {
                    let entry = people.entry(name, |slug| PersonEntry {
                        name: name.clone(),
                        url: person_url(name),
                        profile: profile_index(config, slug),
                        stories: Vec::new(),
                    });
                    match entry.stories.last_mut() {
                        Some((last, roles)) if *last == index => {
                            if !roles.iter().any(|r| r == role) {
                                roles.push(role.to_string());
                            }
                        }
                        _ => entry.stories.push((index, vec![role.to_string()])),
                    }
                }
            }
        }
        let topics = topics.into_sorted();
        let people = people.into_sorted();
        let topic_urls = topics
            .iter()
            .map(|entry| (entry.name.clone(), entry.url.clone()))
            .collect();
        let person_urls = people
            .iter()
            .map(|entry| (entry.name.clone(), entry.url.clone()))
            .collect();
        SiteIndex {
            series_stories,
            topics,
            people,
            person_urls,
            topic_urls,
        }
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self, site: &Site) -> Vec<Page> {
        let listings = site.series.len() + self.topics.len() + self.people.len();
        let mut pages = Vec::with_capacity(site.stories.len() + 2 * listings + 16);
        pages.extend((0..site.stories.len()).map(Page::Story));
        pages.extend((0..site.series.len()).map(Page::Series));
        pages.extend((0..self.topics.len()).map(Page::Topic));
        pages.push(Page::Topics);
        pages.extend((0..self.people.len()).map(Page::Person));
        pages.push(Page::People);
        pages.push(Page::Home);
        pages.push(Page::NotFound);
        pages.push(Page::Corrections);
        pages.push(Page::Funders);
        pages.push(Page::SiteFeed);
        pages.extend((0..site.series.len()).map(Page::SeriesFeed));
        pages.extend((0..self.topics.len()).map(Page::TopicFeed));
        pages.extend((0..self.people.len()).map(Page::PersonFeed));
        pages.push(Page::CorrectionsFeed);
        pages.push(Page::Sitemap);
        pages.push(Page::NewsSitemap);
        pages.push(Page::Robots);
        pages
    }

    /// The site path a page is published at.
    pub fn page_url(&self, site: &Site, page: Page) -> String {
        match page {
            Page::Story(index) => site.stories[index].url.clone(),
            Page::Series(index) => site.series[index].url.clone(),
            Page::Topic(index) => self.topics[index].url.clone(),
            Page::Topics => "/topics/".to_string(),
            Page::Person(index) => self.people[index].url.clone(),
            Page::People => "/people/".to_string(),
            Page::Home => "/".to_string(),
            Page::NotFound => "/404.html".to_string(),
            Page::Corrections => CORRECTIONS_URL.to_string(),
            Page::Funders => FUNDERS_URL.to_string(),
            Page::SiteFeed => SITE_FEED_URL.to_string(),
            Page::SeriesFeed(index) => feed_url(&site.series[index].url),
            Page::TopicFeed(index) => feed_url(&self.topics[index].url),
            Page::PersonFeed(index) => feed_url(&self.people[index].url),
            Page::CorrectionsFeed => CORRECTIONS_FEED_URL.to_string(),
            Page::Sitemap => SITEMAP_URL.to_string(),
            Page::NewsSitemap => NEWS_SITEMAP_URL.to_string(),
            Page::Robots => ROBOTS_URL.to_string(),
        }
    }
}

impl<'a> SiteView<'a> {
    /// Prepares the listings. `bodies[i]` is the rendered body of `site.stories[i]`,
    /// `series_descriptions[i]` that of `site.series[i]`.
    pub fn new(
        site: &'a Site,
        bodies: Vec<&'a RenderedMarkdown>,
        series_descriptions: Vec<&'a RenderedMarkdown>,
        index: &'a SiteIndex,
        images: &'a ImageSizes,
    ) -> SiteView<'a> {
        let config = &site.config;
        let site_value = value(SiteContext {
            title: &config.title,
            base_url: &config.base_url,
            language: &config.language,
            funding_note: config.funding_note.as_deref(),
            publisher: config.publisher.as_ref().map(|p| {
                let logo_size = p.logo.as_deref().and_then(|logo| images.size(logo));
                PublisherContext {
                    name: p.name.as_deref(),
                    url: p.url.as_deref(),
                    logo: p.logo.as_deref(),
                    logo_width: logo_size.map(|(width, _)| width),
                    logo_height: logo_size.map(|(_, height)| height),
                }
            }),
        });
        SiteView {
            site,
            images,
            index,
            bodies,
            series_descriptions,
            site_value,
            cards: site.stories.iter().map(|_| OnceLock::new()).collect(),
            last_changed: site.stories.iter().map(outputs::last_changed).collect(),
            ledger: OnceLock::new(),
            funders: OnceLock::new(),
            feed_entries: site.stories.iter().map(|_| OnceLock::new()).collect(),
            render_body: None,
            feed_bodies: Vec::new(),
        }
    }

    /// Makes each story's body HTML with `render` when its page or feed entry is rendered,
    /// instead of taking it from `bodies` (which then need only summaries): `build` writes a
    /// page and lets its body go, so an archive's bodies are never all in memory at once.
    ///
    /// The body of a story that a feed lists is kept once rendered, for the page or feed entry
    /// that comes second: a feed holds at most [`FEED_ENTRIES`] stories, so few are kept.
    pub fn rendering_bodies_on_demand(mut self, render: &'a RenderBody<'a>) -> SiteView<'a> {
        self.render_body = Some(render);
        let mut in_feeds = vec![false; self.site.stories.len()];
        for stories in self.index.feed_stories(self.site) {
            for index in stories {
                in_feeds[index] = true;
            }
        }
        self.feed_bodies = in_feeds
            .into_iter()
            .map(|in_feed| in_feed.then(OnceLock::new))
            .collect();
        self
    }

    /// The body of `site.stories[index]` and its HTML as a template value; `slot` keeps a body
    /// rendered on demand alive while the page is made.
    fn body_with_html<'s>(
        &'s self,
        index: usize,
        slot: &'s mut Option<RenderedMarkdown>,
    ) -> (&'s RenderedMarkdown, Value) {
        match self.render_body {
            Some(render) => match self.feed_bodies.get(index).and_then(Option::as_ref) {
                Some(kept) => {
                    let body = kept.get_or_init(|| render(index));
                    (body, Value::from_safe_string(body.html.clone()))
                }
                None => {
                    let body = slot.insert(render(index));
                    let html = Value::from_safe_string(std::mem::take(&mut body.html));
                    (body, html)
                }
            },
            None => {
                let body = self.bodies[index];
                (body, Value::from_safe_string(body.html.clone()))
            }
        }
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    fn ledger(&self) -> &[LedgerEntry] {
        self.ledger
            .get_or_init(|| ledger::corrections_newest_first(&self.site.stories))
    }

    fn funder_stories(&self) -> &[FunderStories] {
        self.funders
            .get_or_init(|| ledger::funders(&self.site.config, &self.site.stories))
    }

    fn card_at(&self, index: usize) -> Value {
        self.cards[index]
            .get_or_init(|| self.card(&self.site.stories[index], self.bodies[index]))
            .clone()
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page> {
        self.index.pages(self.site)
    }

    /// The site path a page is published at.
    pub fn page_url(&self, page: Page) -> String {
        self.index.page_url(self.site, page)
    }

    fn person_url(&self, name: &str) -> &str {
        self.index
            .person_urls
            .get(name)
            .map(String::as_str)
            .unwrap_or("/people/")
    }

    fn people_links<'s>(&'s self, names: &'s [String]) -> Vec<LinkContext<'s>> {
        names
            .iter()
            .map(|name| LinkContext {
                name,
                url: self.person_url(name),
            })
            .collect()
    }

    fn series_link(&self, story: &Story) -> Option<SeriesLinkContext<'a>> {
        story.series.map(|index| {
            let series: &'a Series = &self.site.series[index];
            SeriesLinkContext {
                title: &series.title,
                url: &series.url,
            }
        })
    }

    fn card(&self, story: &Story, body: &RenderedMarkdown) -> Value {
        let format = &self.site.config.date_format;
        value(CardContext {
            title: &story.title,
            url: &story.url,
            date: story.date.iso(),
            date_display: story.date.display(format),
            summary: summary_of(story, body),
            reporters: self.people_links(&story.reporters),
            series: self.series_link(story),
            image: self.image(story.image.as_ref()),
        })
    }

    fn image(&self, image: Option<&'a Image>) -> Option<ImageContext<'a>> {
        image.map(|image| ImageContext::new(image, self.images.size(&image.src)))
    }

    /// The story page's series, with the story's part number, and the stories published just
    /// before and after it in the same series (by date; the series listing's order).
    fn series_neighbours(
        &self,
        index: usize,
    ) -> (
        Option<StorySeriesContext<'a>>,
        Option<SeriesNeighbourContext<'a>>,
        Option<SeriesNeighbourContext<'a>>,
    ) {
        let Some(series_index) = self.site.stories[index].series else {
            return (None, None, None);
        };
        let series: &'a Series = &self.site.series[series_index];
        // Newest first, like the series page.
        let stories = &self.index.series_stories[series_index];
        let Some(position) = stories.iter().position(|&story| story == index) else {
            return (None, None, None);
        };
        let format = &self.site.config.date_format;
        let neighbour = |story: Option<&usize>| {
            story.map(|&story| {
                let story: &'a Story = &self.site.stories[story];
                SeriesNeighbourContext {
                    title: &story.title,
                    url: &story.url,
                    date: story.date.iso(),
                    date_display: story.date.display(format),
                }
            })
        };
        let context = StorySeriesContext {
            title: &series.title,
            url: &series.url,
            part: stories.len() - position,
            parts: stories.len(),
        };
        let previous = neighbour(stories.get(position + 1));
        let next = neighbour(position.checked_sub(1).and_then(|p| stories.get(p)));
        (Some(context), previous, next)
    }

    /// The `page` value. Its `feeds` are the site's feed and, when given, the page's own
    /// (`(title, site path)`).
    fn page_value(
        &self,
        kind: &'static str,
        title: &str,
        url: &str,
        description: &str,
        own_feed: Option<(&str, String)>,
    ) -> Value {
        let config = &self.site.config;
        let mut feeds = vec![FeedLink {
            title: config.title.clone(),
            url: config.absolute_url(SITE_FEED_URL),
        }];
        if let Some((title, feed)) = own_feed {
            feeds.push(FeedLink {
                title: format!("{title} — {}", config.title),
                url: config.absolute_url(&feed),
            });
        }
        value(PageContext {
            kind,
            title,
            url,
            permalink: config.absolute_url(url),
            description,
            feeds,
        })
    }

    /// The site path and last change of an HTML page, for the sitemap; None for pages that are
    /// not listed there (the 404 page, feeds and other files).
    fn sitemap_entry(&self, page: Page) -> Option<(&str, Option<StoryDate>)> {
        let of = |stories: &mut dyn Iterator<Item = usize>| {
            outputs::latest(stories.map(|index| &self.last_changed[index]))
        };
        let all = || outputs::latest(&self.last_changed);
        Some(match page {
            Page::Story(index) => (
                self.site.stories[index].url.as_str(),
                Some(self.last_changed[index]),
            ),
            Page::Series(index) => (
                self.site.series[index].url.as_str(),
                of(&mut self.index.series_stories[index].iter().copied()),
            ),
            Page::Topic(index) => (
                self.index.topics[index].url.as_str(),
                of(&mut self.index.topics[index].stories.iter().copied()),
            ),
            Page::Person(index) => (
                self.index.people[index].url.as_str(),
                of(&mut self.index.people[index]
                    .stories
                    .iter()
                    .map(|(story, _)| *story)),
            ),
            Page::Topics => ("/topics/", all()),
            Page::People => ("/people/", all()),
            Page::Home => ("/", all()),
            Page::Funders => (FUNDERS_URL, all()),
            Page::Corrections => (
                CORRECTIONS_URL,
                self.ledger()
                    .first()
                    .map(|entry| self.correction(*entry).date),
            ),
            Page::NotFound
            | Page::SiteFeed
            | Page::SeriesFeed(_)
            | Page::TopicFeed(_)
            | Page::PersonFeed(_)
            | Page::CorrectionsFeed
            | Page::Sitemap
            | Page::NewsSitemap
            | Page::Robots => return None,
        })
    }

    fn correction(&self, entry: LedgerEntry) -> &'a crate::content::Correction {
        &self.site.stories[entry.story].corrections[entry.correction]
    }

    fn correction_anchor(&self, entry: LedgerEntry) -> String {
        let corrections = &self.site.stories[entry.story].corrections;
        ledger::correction_anchors(corrections).swap_remove(entry.correction)
    }

    /// The feed entry of a story, made once.
    fn feed_entry(&self, index: usize) -> Value {
        self.feed_entries[index]
            .get_or_init(|| {
                let story = &self.site.stories[index];
                let mut slot = None;
                let (body, html) = self.body_with_html(index, &mut slot);
                value(feeds::story_entry(
                    &self.site.config,
                    story,
                    summary_of(story, body),
                    html.as_str().unwrap_or_default(),
                ))
            })
            .clone()
    }

    /// The context of the story feed `feed`: `title`, `subtitle`, the feed's and its page's site
    /// paths.
    fn story_feed_context(
        &self,
        feed: Page,
        title: &str,
        subtitle: &str,
        url: &str,
        page_url: &str,
    ) -> Value {
        let stories = self.index.feed_entries(self.site, feed).unwrap_or_default();
        let updated = outputs::latest(stories.iter().map(|&index| &self.last_changed[index]));
        let entries: Vec<Value> = stories
            .iter()
            .map(|&index| self.feed_entry(index))
            .collect();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value("feed", title, url, subtitle, None),
            feed => value(feeds::feed(&self.site.config, title, subtitle, url, page_url, updated)),
            entries,
        }
    }

    fn cards_of(&self, stories: impl Iterator<Item = usize>) -> Value {
        Value::from(stories.map(|index| self.card_at(index)).collect::<Vec<_>>())
    }

    /// Renders one page.
    pub fn render(&self, templates: &Templates, page: Page) -> Result<OutputFile, Diagnostic> {
        self.render_with(templates, page, Value::from(()))
    }

    /// Renders one page with the template variable `live_reload` set: none in `build`, the
    /// preview's own HTML (live-reload script, banners, error overlay) in `serve`.
    pub fn render_with(
        &self,
        templates: &Templates,
        page: Page,
        live_reload: Value,
    ) -> Result<OutputFile, Diagnostic> {
        let config = &self.site.config;
        let site = self.site_value.clone();
        let (url, template, context, source): (String, &str, Value, Option<&Path>) = match page {
            Page::Story(index) => {
                let story = &self.site.stories[index];
                let mut slot = None;
                let (body, html) = self.body_with_html(index, &mut slot);
                let description = summary_of(story, body);
                let series_feed = story.series.map(|series| {
                    let series = &self.site.series[series];
                    (series.title.as_str(), feed_url(&series.url))
                });
                let context = minijinja::context! {
                    site,
                    page => self.page_value("story", &story.title, &story.url, description, series_feed),
                    story => self.story_value(index, body, html),
                };
                (
                    story.url.clone(),
                    "story.html",
                    context,
                    Some(story.source.as_path()),
                )
            }
            Page::Series(index) => {
                let series = &self.site.series[index];
                let description = series.summary.as_deref().unwrap_or("");
                let context = minijinja::context! {
                    site,
                    page => self.page_value(
                        "series",
                        &series.title,
                        &series.url,
                        description,
                        Some((&series.title, feed_url(&series.url))),
                    ),
                    series => self.series_value(series, self.series_descriptions[index]),
                    stories => self.cards_of(self.index.series_stories[index].iter().copied()),
                };
                (
                    series.url.clone(),
                    "series.html",
                    context,
                    Some(series.source.as_path()),
                )
            }
            Page::Topic(index) => {
                let topic = &self.index.topics[index];
                let context = minijinja::context! {
                    site,
                    page => self.page_value(
                        "topic",
                        &topic.name,
                        &topic.url,
                        "",
                        Some((&topic.name, feed_url(&topic.url))),
                    ),
                    topic => value(LinkContext { name: &topic.name, url: &topic.url }),
                    stories => self.cards_of(topic.stories.iter().copied()),
                };
                (topic.url.clone(), "topic.html", context, None)
            }
            Page::Topics => {
                let topics: Vec<TopicSummary> = self
                    .index
                    .topics
                    .iter()
                    .map(|t| TopicSummary {
                        name: &t.name,
                        url: &t.url,
                        count: t.stories.len(),
                    })
                    .collect();
                let context = minijinja::context! {
                    site,
                    page => self.page_value("topics", "Topics", "/topics/", "", None),
                    topics => value(topics),
                };
                ("/topics/".to_string(), "topics.html", context, None)
            }
            Page::Person(index) => {
                let person = &self.index.people[index];
                let profile: Option<&PersonProfile> = person.profile.map(|i| &config.people[i]);
                let entries: Vec<Value> = person
                    .stories
                    .iter()
                    .map(|(story, roles)| {
                        minijinja::context! { card => self.card_at(*story), roles => roles.clone() }
                    })
                    .collect();
                let description = profile.and_then(|p| p.bio.as_deref()).unwrap_or("");
                let context = minijinja::context! {
                    site,
                    page => self.page_value(
                        "person",
                        &person.name,
                        &person.url,
                        description,
                        Some((&person.name, feed_url(&person.url))),
                    ),
                    person => value(PersonContext {
                        name: &person.name,
                        url: &person.url,
                        title: profile.and_then(|p| p.title.as_deref()),
                        bio: profile.and_then(|p| p.bio.as_deref()),
                        link: profile.and_then(|p| p.url.as_deref()),
                    }),
                    entries,
                };
                (person.url.clone(), "person.html", context, None)
            }
            Page::People => {
                let people: Vec<PersonSummary> = self
                    .index
                    .people
                    .iter()
                    .map(|p| PersonSummary {
                        name: &p.name,
                        url: &p.url,
                        title: p.profile.and_then(|i| config.people[i].title.as_deref()),
                        count: p.stories.len(),
                    })
                    .collect();
                let context = minijinja::context! {
                    site,
                    page => self.page_value("people", "People", "/people/", "", None),
                    people => value(people),
                };
                ("/people/".to_string(), "people.html", context, None)
            }
            Page::Home => {
                let series_list: Vec<SeriesSummary> = self
                    .site
                    .series
                    .iter()
                    .map(|s| SeriesSummary {
                        title: &s.title,
                        url: &s.url,
                        summary: s.summary.as_deref().unwrap_or(""),
                    })
                    .collect();
                let context = minijinja::context! {
                    site,
                    page => self.page_value("home", &config.title, "/", "", None),
                    stories => self.cards_of(0..self.site.stories.len().min(HOME_STORIES)),
                    series_list => value(series_list),
                };
                ("/".to_string(), "home.html", context, None)
            }
            Page::NotFound => {
                let context = minijinja::context! {
                    site,
                    page => self.page_value("404", "Page not found", "/404.html", "", None),
                };
                ("/404.html".to_string(), "404.html", context, None)
            }
            Page::Corrections => {
                let format = &config.date_format;
                let corrections: Vec<LedgerContext> = self
                    .ledger()
                    .iter()
                    .map(|entry| {
                        let story = &self.site.stories[entry.story];
                        let correction = self.correction(*entry);
                        let anchor = self.correction_anchor(*entry);
                        LedgerContext {
                            date: correction.date.iso(),
                            date_display: correction.date.display(format),
                            text: &correction.text,
                            url: format!("{}#{anchor}", story.url),
                            anchor,
                            story: SeriesLinkContext {
                                title: &story.title,
                                url: &story.url,
                            },
                        }
                    })
                    .collect();
                let context = minijinja::context! {
                    site,
                    page => self.page_value(
                        "corrections",
                        "Corrections",
                        CORRECTIONS_URL,
                        "Every correction we have published, newest first.",
                        Some(("Corrections", CORRECTIONS_FEED_URL.to_string())),
                    ),
                    corrections => value(corrections),
                };
                (
                    CORRECTIONS_URL.to_string(),
                    "corrections.html",
                    context,
                    None,
                )
            }
            Page::Funders => {
                let funders: Vec<FunderPageContext> = self
                    .funder_stories()
                    .iter()
                    .map(|funder| {
                        let registered = funder.registry.map(|index| &config.funders[index]);
                        FunderPageContext {
                            name: &funder.name,
                            anchor: &funder.anchor,
                            url: registered.and_then(|f| f.url.as_deref()),
                            description: registered.and_then(|f| f.description.as_deref()),
                            series: self
                                .site
                                .series
                                .iter()
                                .filter(|series| series.funders.contains(&funder.name))
                                .map(|series| SeriesLinkContext {
                                    title: &series.title,
                                    url: &series.url,
                                })
                                .collect(),
                            stories: self.cards_of(funder.stories.iter().copied()),
                        }
                    })
                    .collect();
                let context = minijinja::context! {
                    site,
                    page => self.page_value(
                        "funders",
                        "Our funders",
                        FUNDERS_URL,
                        "Who funds our journalism, and every story each funder paid for.",
                        None,
                    ),
                    funders => value(funders),
                };
                (FUNDERS_URL.to_string(), "funders.html", context, None)
            }
            Page::SiteFeed => {
                let context = self.story_feed_context(page, &config.title, "", SITE_FEED_URL, "/");
                (SITE_FEED_URL.to_string(), "atom.xml", context, None)
            }
            Page::SeriesFeed(index) => {
                let series = &self.site.series[index];
                let url = feed_url(&series.url);
                let context = self.story_feed_context(
                    page,
                    &series.title,
                    series.summary.as_deref().unwrap_or(""),
                    &url,
                    &series.url,
                );
                (url, "atom.xml", context, Some(series.source.as_path()))
            }
            Page::TopicFeed(index) => {
                let topic = &self.index.topics[index];
                let url = feed_url(&topic.url);
                let context = self.story_feed_context(page, &topic.name, "", &url, &topic.url);
                (url, "atom.xml", context, None)
            }
            Page::PersonFeed(index) => {
                let person = &self.index.people[index];
                let url = feed_url(&person.url);
                let context = self.story_feed_context(page, &person.name, "", &url, &person.url);
                (url, "atom.xml", context, None)
            }
            Page::CorrectionsFeed => {
                let entries: Vec<&LedgerEntry> = self.ledger().iter().take(FEED_ENTRIES).collect();
                let updated = outputs::latest(entries.iter().map(|e| &self.correction(**e).date));
                let entries: Vec<Value> = entries
                    .iter()
                    .map(|entry| {
                        let correction = self.correction(**entry);
                        value(feeds::correction_entry(
                            config,
                            &self.site.stories[entry.story],
                            correction,
                            &self.correction_anchor(**entry),
                            &correction.date.display(&config.date_format),
                        ))
                    })
                    .collect();
                let title = format!("Corrections — {}", config.title);
                let subtitle = "Every correction we have published, newest first.";
                let context = minijinja::context! {
                    site,
                    page => self.page_value("feed", &title, CORRECTIONS_FEED_URL, subtitle, None),
                    feed => value(feeds::feed(config, &title, subtitle, CORRECTIONS_FEED_URL, CORRECTIONS_URL, updated)),
                    entries,
                };
                (CORRECTIONS_FEED_URL.to_string(), "atom.xml", context, None)
            }
            Page::Sitemap => {
                let urls: Vec<sitemaps::SitemapUrl> = self
                    .pages()
                    .into_iter()
                    .filter_map(|page| self.sitemap_entry(page))
                    .map(|(url, lastmod)| sitemaps::SitemapUrl::new(config, url, lastmod))
                    .collect();
                let context = minijinja::context! {
                    site,
                    page => self.page_value("sitemap", "Sitemap", SITEMAP_URL, "", None),
                    urls => value(urls),
                };
                (SITEMAP_URL.to_string(), "sitemap.xml", context, None)
            }
            Page::NewsSitemap => {
                let stories: Vec<sitemaps::NewsUrl> =
                    sitemaps::news_window(&self.site.stories, self.site.now)
                        .into_iter()
                        .map(|index| sitemaps::news_url(config, &self.site.stories[index]))
                        .collect();
                let context = minijinja::context! {
                    site,
                    page => self.page_value("news-sitemap", "News sitemap", NEWS_SITEMAP_URL, "", None),
                    publication => value(sitemaps::news_publication(config)),
                    stories => value(stories),
                };
                (
                    NEWS_SITEMAP_URL.to_string(),
                    "news-sitemap.xml",
                    context,
                    None,
                )
            }
            Page::Robots => {
                let context = minijinja::context! {
                    site,
                    page => self.page_value("robots", "robots.txt", ROBOTS_URL, "", None),
                    sitemaps => vec![
                        config.absolute_url(SITEMAP_URL),
                        config.absolute_url(NEWS_SITEMAP_URL),
                    ],
                };
                (ROBOTS_URL.to_string(), "robots.txt", context, None)
            }
        };
        let context = minijinja::context! { live_reload, ..context };
        let contents = templates.render(template, context, source)?;
        Ok(OutputFile {
            path: output_path(&url),
            contents,
        })
    }

    fn funders(&self, names: &'a [String]) -> Vec<FunderContext<'a>> {
        names
            .iter()
            .map(|name| FunderContext {
                name,
                url: self.site.config.funder(name).and_then(|f| f.url.as_deref()),
            })
            .collect()
    }

    fn story_value(&self, index: usize, body: &RenderedMarkdown, html: Value) -> Value {
        let story: &'a Story = &self.site.stories[index];
        let (series_context, previous, next) = self.series_neighbours(index);
        let config: &SiteConfig = &self.site.config;
        let format = &config.date_format;
        let series = story.series.map(|index| &self.site.series[index]);
        let byline: Vec<RoleContext> = story_roles(story)
            .map(|(role, names)| RoleContext {
                role,
                label: role_label(role, names.len()),
                people: self.people_links(names),
            })
            .collect();
        let funding = (!story.funders.is_empty()).then(|| FundingContext {
            text: funding_text(series.map(|s| s.title.as_str()), &story.funders),
            note: config.funding_note.as_deref(),
            funders: self.funders(&story.funders),
        });
        let claim_anchors = claim_anchors(&story.claims);
        let correction_anchors = ledger::correction_anchors(&story.corrections);
        let description = summary_of(story, body);
        let json_ld = jsonld::story_documents(&jsonld::ArticleInput {
            story,
            config,
            series,
            description,
            claim_anchors: &claim_anchors,
        });
        value(StoryContext {
            title: &story.title,
            url: &story.url,
            permalink: config.absolute_url(&story.url),
            date: story.date.iso(),
            date_display: story.date.display(format),
            updated: story.updated.map(|d| d.iso()),
            updated_display: story.updated.map(|d| d.display(format)),
            modified: outputs::modified(story).map(|d| d.iso()),
            summary: description,
            reporters: self.people_links(&story.reporters),
            series: series_context,
            previous,
            next,
            topics: story
                .topics
                .iter()
                .map(|name| LinkContext {
                    name,
                    url: self
                        .index
                        .topic_urls
                        .get(name)
                        .map(String::as_str)
                        .unwrap_or("/topics/"),
                })
                .collect(),
            image: self.image(story.image.as_ref()),
            byline,
            funding,
            sources: story
                .sources
                .iter()
                .map(|s| SourceContext {
                    title: &s.title,
                    url: s.url.as_deref(),
                    publisher: s.publisher.as_deref(),
                })
                .collect(),
            corrections: story
                .corrections
                .iter()
                .zip(&correction_anchors)
                .map(|(c, anchor)| CorrectionContext {
                    date: c.date.iso(),
                    date_display: c.date.display(format),
                    text: &c.text,
                    anchor,
                })
                .collect(),
            claims: story
                .claims
                .iter()
                .zip(claim_anchors)
                .map(|(c, anchor)| ClaimContext {
                    claim: &c.claim,
                    claimant: &c.claimant,
                    rating: &c.rating,
                    date: c.date.map(|d| d.iso()),
                    date_display: c.date.map(|d| d.display(format)),
                    url: c.url.as_deref(),
                    anchor,
                })
                .collect(),
            extra: &story.extra,
            draft: story.draft,
            content: html,
            json_ld: json_ld.into_iter().map(Value::from_safe_string).collect(),
        })
    }

    fn series_value(&self, series: &'a Series, description: &'a RenderedMarkdown) -> Value {
        value(SeriesContext {
            title: &series.title,
            url: &series.url,
            permalink: self.site.config.absolute_url(&series.url),
            summary: series.summary.as_deref().unwrap_or(""),
            description: Value::from_safe_string(description.html.clone()),
            image: self.image(series.image.as_ref()),
            funders: self.funders(&series.funders),
            extra: &series.extra,
        })
    }
}

/// The id of each claim on the story page: `claim-` and a slug of the claim, with `-1`, `-2`...
/// for repeats.
pub fn claim_anchors(claims: &[Claim]) -> Vec<String> {
    let mut anchors_used: HashMap<String, usize> = HashMap::new();
    claims
        .iter()
        .map(|claim| {
            let base = format!("claim-{}", slugify(&claim.claim));
            let seen = anchors_used.entry(base.clone()).or_insert(0);
            *seen += 1;
            if *seen == 1 {
                base
            } else {
                format!("{base}-{}", *seen - 1)
            }
        })
        .collect()
}

/// The roles of a story in byline order: reporters, further credits as written, editors.
fn story_roles(story: &Story) -> impl Iterator<Item = (&str, &[String])> {
    std::iter::once(("Reporter", story.reporters.as_slice()))
        .chain(
            story
                .credits
                .iter()
                .map(|credit| (credit.role.as_str(), credit.names.as_slice())),
        )
        .chain(std::iter::once(("Editor", story.editors.as_slice())))
        .filter(|(_, names)| !names.is_empty())
}

fn profile_index(config: &SiteConfig, slug: &str) -> Option<usize> {
    config
        .people
        .iter()
        .position(|person| slugify(&person.name) == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_shares_an_entry_per_slug_and_sorts_by_slug() {
        let names = ["Zoë Brown", "Ada Smith", "zoe brown", "Ada Smith"];
        let mut grouping = Grouping::default();
        let mut made = Vec::new();
        for (mention, name) in names.iter().enumerate() {
            let entry = grouping.entry(name, |slug| {
                made.push(slug.to_string());
                (name.to_string(), Vec::new())
            });
            entry.1.push(mention);
        }
        // One entry per slug, named by its first spelling, made once.
        assert_eq!(made, ["zoe-brown", "ada-smith"]);
        assert_eq!(
            grouping.into_sorted(),
            [
                ("Ada Smith".to_string(), vec![1, 3]),
                ("Zoë Brown".to_string(), vec![0, 2]),
            ]
        );
    }

    #[test]
    fn markdown_cache_renders_again_only_what_changed() {
        let cache = MarkdownCache::default();
        let options = MarkdownOptions::default();
        let images = ImageSizes::default();
        let source = Path::new("content/s/a.md");
        let render = |text: &str, first_line: usize, links: &LinkMap| {
            let page = BodyPage {
                source,
                url: "/s/a/",
            };
            cache.render(page, text, first_line, links, &options, &images)
        };
        let mut links = LinkMap::default();
        links
            .by_source
            .insert(PathBuf::from("content/s/b.md"), "/s/b/".to_string());
        let text = "See [b](b.md) and *this*.";
        let first = render(text, 5, &links);
        assert!(first.html.contains("href=\"/s/b/\""), "{}", first.html);
        let again = render(text, 5, &links);
        assert!(Arc::ptr_eq(&first, &again), "unchanged: from the cache");

        let edited = render("See [b](b.md).", 5, &links);
        assert!(!Arc::ptr_eq(&first, &edited));
        let moved_line = render("See [b](b.md).", 6, &links);
        assert!(
            !Arc::ptr_eq(&edited, &moved_line),
            "lines in diagnostics change"
        );

        // The story it links to moved: the link must follow.
        links
            .by_source
            .insert(PathBuf::from("content/s/b.md"), "/s/b-new/".to_string());
        let relinked = render("See [b](b.md).", 6, &links);
        assert!(relinked.html.contains("/s/b-new/"), "{}", relinked.html);

        assert_eq!(cache.len(), 1);
        cache.retain(|_| false);
        assert!(cache.is_empty());
    }

    #[test]
    fn output_paths_are_clean_urls() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/s/story/"), "s/story/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }

    #[test]
    fn joins_names_in_prose() {
        assert_eq!(join_names(&["A"]), "A");
        assert_eq!(join_names(&["A", "B"]), "A and B");
        assert_eq!(join_names(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn pluralises_job_titles_only() {
        assert_eq!(role_label("Reporter", 2), "Reporters");
        assert_eq!(role_label("Reporter", 1), "Reporter");
        assert_eq!(role_label("Fact checker", 3), "Fact checkers");
        assert_eq!(role_label("Global editor", 2), "Global editors");
        assert_eq!(role_label("Data", 2), "Data");
        assert_eq!(
            role_label("Additional reporting", 2),
            "Additional reporting"
        );
    }

    #[test]
    fn funding_sentences() {
        let funders = vec!["Open Society Foundations".to_string()];
        assert_eq!(
            funding_text(Some("Decision Machines"), &funders),
            "Our reporting on Decision Machines is funded by Open Society Foundations."
        );
        assert_eq!(
            funding_text(None, &["A".to_string(), "B".to_string()]),
            "This story was funded by A and B."
        );
    }
}
