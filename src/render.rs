//! Rendering: turns the validated [`Site`] into pages. Story bodies go through the Markdown
//! pipeline, then every page (story, series, topic, person, their indexes, home, 404) is
//! rendered through the theme's templates.
//!
//! The listings (which stories each series, topic and person has) are worked out once in a
//! [`SiteIndex`]; a [`SiteView`] adds the rendered bodies and makes one template value per story
//! card the first time a page needs it, so rendering a page only clones cheap, reference-counted
//! template values; bodies are never copied into listings. The functions here are independent
//! per page; `build` decides what runs in parallel, and `serve` renders single pages on request.
//! [`MarkdownCache`] keeps rendered bodies between versions of a site (`serve`).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use crate::config::{PersonProfile, SiteConfig};
use crate::content::{Image, Series, Site, Story, resolve_against, slugify};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, MarkdownOptions, RenderContext, RenderedMarkdown};
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

    /// Whether `target` (a link as written) names a Markdown file, so that where it points
    /// depends on the stories of the site.
    pub fn is_story_link(target: &str) -> bool {
        let path = target.split('#').next().unwrap_or(target);
        path.ends_with(".md") && !path.contains("://")
    }

    /// The published URL for a link written in the file `from` (relative to the site root).
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

/// Renders a story's body (or a series description) to HTML, rewriting links to `.md` files and
/// relative paths to the site paths they mean.
pub fn markdown_body(
    markdown_source: &str,
    first_line: usize,
    source: &Path,
    page_url: &str,
    links: &LinkMap,
    options: &MarkdownOptions,
) -> RenderedMarkdown {
    let rewrite = |target: &str| -> Option<String> {
        if let Some(url) = links.resolve_markdown_link(source, target) {
            return Some(url);
        }
        let resolved = resolve_against(page_url, target);
        (resolved != target).then_some(resolved)
    };
    let context = RenderContext {
        options,
        first_line,
        rewrite_url: Some(&rewrite),
    };
    markdown::render(markdown_source, &context)
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
        source: &Path,
        markdown_source: &str,
        first_line: usize,
        page_url: &str,
        links: &LinkMap,
        options: &MarkdownOptions,
    ) -> Arc<RenderedMarkdown> {
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
            source,
            page_url,
            links,
            options,
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

/// What one page is.
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
}

#[derive(Debug)]
struct TopicEntry {
    slug: String,
    name: String,
    url: String,
    stories: Vec<usize>,
}

#[derive(Debug)]
struct PersonEntry {
    slug: String,
    name: String,
    url: String,
    profile: Option<usize>,
    /// Story index and the roles this person had on it.
    stories: Vec<(usize, Vec<Arc<str>>)>,
}

/// The listings of a site: the stories of every series, topic and person (as indexes into
/// [`Site::stories`], in its order) and the URLs of topics and people. Worked out once per
/// version of the site and shared by every page rendered from it.
#[derive(Debug)]
pub struct SiteIndex {
    series_stories: Vec<Vec<usize>>,
    topics: Vec<TopicEntry>,
    people: Vec<PersonEntry>,
    person_urls: HashMap<String, String>,
    topic_urls: HashMap<String, String>,
}

impl SiteIndex {
    pub fn new(site: &Site) -> SiteIndex {
        let config = &site.config;
        // Topics, names and roles repeat across thousands of stories: each spelling is looked
        // up once and slugified once, and every role string is shared.
        let mut series_stories = vec![Vec::new(); site.series.len()];
        let mut topics: Vec<TopicEntry> = Vec::new();
        let mut people: Vec<PersonEntry> = Vec::new();
        let mut topic_of: HashMap<&str, usize> = HashMap::new();
        let mut person_of: HashMap<&str, usize> = HashMap::new();
        let mut topic_by_slug: HashMap<String, usize> = HashMap::new();
        let mut person_by_slug: HashMap<String, usize> = HashMap::new();
        let mut role_names: HashMap<&str, Arc<str>> = HashMap::new();
        for (index, story) in site.stories.iter().enumerate() {
            if let Some(series) = story.series {
                series_stories[series].push(index);
            }
            for topic in &story.topics {
                let entry = *topic_of.entry(topic.as_str()).or_insert_with(|| {
                    let slug = slugify(topic);
                    *topic_by_slug.entry(slug.clone()).or_insert_with(|| {
                        topics.push(TopicEntry {
                            url: format!("/topics/{slug}/"),
                            slug,
                            name: topic.clone(),
                            stories: Vec::new(),
                        });
                        topics.len() - 1
                    })
                });
                let stories = &mut topics[entry].stories;
                if stories.last() != Some(&index) {
                    stories.push(index);
                }
            }
            for (role, names) in story_roles(story) {
                let role = role_names.entry(role).or_insert_with(|| Arc::from(role));
                for name in names {
                    let entry = *person_of.entry(name.as_str()).or_insert_with(|| {
                        let slug = slugify(name);
                        *person_by_slug.entry(slug.clone()).or_insert_with(|| {
                            people.push(PersonEntry {
                                url: format!("/people/{slug}/"),
                                profile: profile_index(config, &slug),
                                slug,
                                name: name.clone(),
                                stories: Vec::new(),
                            });
                            people.len() - 1
                        })
                    });
                    let stories = &mut people[entry].stories;
                    match stories.last_mut() {
                        Some((last, roles)) if *last == index => {
                            if !roles.contains(role) {
                                roles.push(Arc::clone(role));
                            }
                        }
                        _ => stories.push((index, vec![Arc::clone(role)])),
                    }
                }
            }
        }
        topics.sort_by(|a, b| a.slug.cmp(&b.slug));
        people.sort_by(|a, b| a.slug.cmp(&b.slug));
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
}

/// The site prepared for rendering: shared, read-only. Story cards are made on first use.
pub struct SiteView<'a> {
    site: &'a Site,
    bodies: Vec<&'a RenderedMarkdown>,
    series_descriptions: Vec<&'a RenderedMarkdown>,
    index: &'a SiteIndex,
    site_value: Value,
    cards: Vec<OnceLock<Value>>,
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
}

#[derive(Serialize)]
struct PageContext<'a> {
    kind: &'static str,
    title: &'a str,
    url: &'a str,
    permalink: String,
    description: &'a str,
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
}

impl<'a> From<&'a Image> for ImageContext<'a> {
    fn from(image: &'a Image) -> Self {
        ImageContext {
            src: &image.src,
            alt: &image.alt,
            caption: image.caption.as_deref(),
            credit: &image.credit,
        }
    }
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
    summary: &'a str,
    series: Option<SeriesLinkContext<'a>>,
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

impl<'a> SiteView<'a> {
    /// A view of `site` with its listings `index`. `bodies[i]` is the rendered body of
    /// `site.stories[i]`, `series_descriptions[i]` that of `site.series[i]`.
    pub fn new(
        site: &'a Site,
        bodies: Vec<&'a RenderedMarkdown>,
        series_descriptions: Vec<&'a RenderedMarkdown>,
        index: &'a SiteIndex,
    ) -> SiteView<'a> {
        let config = &site.config;
        let site_value = value(SiteContext {
            title: &config.title,
            base_url: &config.base_url,
            language: &config.language,
            funding_note: config.funding_note.as_deref(),
            publisher: config.publisher.as_ref().map(|p| PublisherContext {
                name: p.name.as_deref(),
                url: p.url.as_deref(),
                logo: p.logo.as_deref(),
            }),
        });
        SiteView {
            site,
            bodies,
            series_descriptions,
            index,
            site_value,
            cards: (0..site.stories.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The site this view shows.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// The card of story `index`, made the first time it is needed.
    fn card_at(&self, index: usize) -> Value {
        self.cards[index]
            .get_or_init(|| self.card(&self.site.stories[index], self.bodies[index]))
            .clone()
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
            image: story.image.as_ref().map(ImageContext::from),
        })
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page> {
        let index = &self.index;
        let mut pages = Vec::with_capacity(
            self.site.stories.len() + index.topics.len() + index.people.len() + 8,
        );
        pages.extend((0..self.site.stories.len()).map(Page::Story));
        pages.extend((0..self.site.series.len()).map(Page::Series));
        pages.extend((0..index.topics.len()).map(Page::Topic));
        pages.push(Page::Topics);
        pages.extend((0..index.people.len()).map(Page::Person));
        pages.push(Page::People);
        pages.push(Page::Home);
        pages.push(Page::NotFound);
        pages
    }

    /// The site path of `page`, e.g. `/decision-machines/` or `/404.html`.
    pub fn url(&self, page: Page) -> &str {
        match page {
            Page::Story(index) => &self.site.stories[index].url,
            Page::Series(index) => &self.site.series[index].url,
            Page::Topic(index) => &self.index.topics[index].url,
            Page::Topics => "/topics/",
            Page::Person(index) => &self.index.people[index].url,
            Page::People => "/people/",
            Page::Home => "/",
            Page::NotFound => "/404.html",
        }
    }

    fn page_value(&self, kind: &'static str, title: &str, url: &str, description: &str) -> Value {
        value(PageContext {
            kind,
            title,
            url,
            permalink: self.site.config.absolute_url(url),
            description,
        })
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
        let url = self.url(page).to_string();
        let (template, context, source): (&str, Value, Option<&Path>) = match page {
            Page::Story(index) => {
                let story = &self.site.stories[index];
                let body = self.bodies[index];
                let description = summary_of(story, body);
                let context = minijinja::context! {
                    site,
                    page => self.page_value("story", &story.title, &story.url, description),
                    story => self.story_value(story, body),
                };
                ("story.html", context, Some(story.source.as_path()))
            }
            Page::Series(index) => {
                let series = &self.site.series[index];
                let description = series.summary.as_deref().unwrap_or("");
                let context = minijinja::context! {
                    site,
                    page => self.page_value("series", &series.title, &series.url, description),
                    series => self.series_value(series, self.series_descriptions[index]),
                    stories => self.cards_of(self.index.series_stories[index].iter().copied()),
                };
                ("series.html", context, Some(series.source.as_path()))
            }
            Page::Topic(index) => {
                let topic = &self.index.topics[index];
                let context = minijinja::context! {
                    site,
                    page => self.page_value("topic", &topic.name, &topic.url, ""),
                    topic => value(LinkContext { name: &topic.name, url: &topic.url }),
                    stories => self.cards_of(topic.stories.iter().copied()),
                };
                ("topic.html", context, None)
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
                    page => self.page_value("topics", "Topics", "/topics/", ""),
                    topics => value(topics),
                };
                ("topics.html", context, None)
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
                    page => self.page_value("person", &person.name, &person.url, description),
                    person => value(PersonContext {
                        name: &person.name,
                        url: &person.url,
                        title: profile.and_then(|p| p.title.as_deref()),
                        bio: profile.and_then(|p| p.bio.as_deref()),
                        link: profile.and_then(|p| p.url.as_deref()),
                    }),
                    entries,
                };
                ("person.html", context, None)
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
                    page => self.page_value("people", "People", "/people/", ""),
                    people => value(people),
                };
                ("people.html", context, None)
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
                    page => self.page_value("home", &config.title, "/", ""),
                    stories => self.cards_of(0..self.site.stories.len().min(HOME_STORIES)),
                    series_list => value(series_list),
                };
                ("home.html", context, None)
            }
            Page::NotFound => {
                let context = minijinja::context! {
                    site,
                    page => self.page_value("404", "Page not found", "/404.html", ""),
                };
                ("404.html", context, None)
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

    fn story_value(&self, story: &'a Story, body: &'a RenderedMarkdown) -> Value {
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
        let mut anchors_used: HashMap<String, usize> = HashMap::new();
        value(StoryContext {
            title: &story.title,
            url: &story.url,
            permalink: config.absolute_url(&story.url),
            date: story.date.iso(),
            date_display: story.date.display(format),
            updated: story.updated.map(|d| d.iso()),
            updated_display: story.updated.map(|d| d.display(format)),
            summary: summary_of(story, body),
            series: self.series_link(story),
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
            image: story.image.as_ref().map(ImageContext::from),
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
                .map(|c| CorrectionContext {
                    date: c.date.iso(),
                    date_display: c.date.display(format),
                    text: &c.text,
                })
                .collect(),
            claims: story
                .claims
                .iter()
                .map(|c| {
                    let base = format!("claim-{}", slugify(&c.claim));
                    let seen = anchors_used.entry(base.clone()).or_insert(0);
                    *seen += 1;
                    let anchor = if *seen == 1 {
                        base
                    } else {
                        format!("{base}-{}", *seen - 1)
                    };
                    ClaimContext {
                        claim: &c.claim,
                        claimant: &c.claimant,
                        rating: &c.rating,
                        date: c.date.map(|d| d.iso()),
                        date_display: c.date.map(|d| d.display(format)),
                        url: c.url.as_deref(),
                        anchor,
                    }
                })
                .collect(),
            extra: &story.extra,
            draft: story.draft,
            content: Value::from_safe_string(body.html.clone()),
        })
    }

    fn series_value(&self, series: &'a Series, description: &'a RenderedMarkdown) -> Value {
        value(SeriesContext {
            title: &series.title,
            url: &series.url,
            permalink: self.site.config.absolute_url(&series.url),
            summary: series.summary.as_deref().unwrap_or(""),
            description: Value::from_safe_string(description.html.clone()),
            image: series.image.as_ref().map(ImageContext::from),
            funders: self.funders(&series.funders),
            extra: &series.extra,
        })
    }
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
    fn markdown_cache_renders_again_only_what_changed() {
        let cache = MarkdownCache::default();
        let options = MarkdownOptions::default();
        let source = Path::new("content/s/a.md");
        let mut links = LinkMap::default();
        links
            .by_source
            .insert(PathBuf::from("content/s/b.md"), "/s/b/".to_string());
        let text = "See [b](b.md) and *this*.";
        let first = cache.render(source, text, 5, "/s/a/", &links, &options);
        assert!(first.html.contains("href=\"/s/b/\""), "{}", first.html);
        let again = cache.render(source, text, 5, "/s/a/", &links, &options);
        assert!(Arc::ptr_eq(&first, &again), "unchanged: from the cache");

        let edited = cache.render(source, "See [b](b.md).", 5, "/s/a/", &links, &options);
        assert!(!Arc::ptr_eq(&first, &edited));
        let moved_line = cache.render(source, "See [b](b.md).", 6, "/s/a/", &links, &options);
        assert!(
            !Arc::ptr_eq(&edited, &moved_line),
            "lines in diagnostics change"
        );

        // The story it links to moved: the link must follow.
        links
            .by_source
            .insert(PathBuf::from("content/s/b.md"), "/s/b-new/".to_string());
        let relinked = cache.render(source, "See [b](b.md).", 6, "/s/a/", &links, &options);
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
