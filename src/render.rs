//! Rendering: turns the validated [`Site`] into pages. Story bodies go through the Markdown
//! pipeline, then every page (story, series, topic, person, their indexes, home, 404) is
//! rendered through the theme's templates.
//!
//! Everything a listing needs is prepared once in a [`SiteView`] (one template value per story
//! card, the story lists of every topic and person), so rendering a page only clones cheap,
//! reference-counted template values; bodies are never copied into listings. The functions here
//! are independent per page; `build` decides what runs in parallel.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

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

    /// The published URL for a link written in the file `from` (relative to the site root).
    pub fn resolve_markdown_link(&self, from: &Path, target: &str) -> Option<String> {
        let (path, fragment) = match target.find('#') {
            Some(index) => target.split_at(index),
            None => (target, ""),
        };
        if !path.ends_with(".md") || path.contains("://") {
            return None;
        }
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
    /// Only what the checks need (links, images, headings): `byline check` writes no HTML.
    ChecksOnly,
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
    output: BodyOutput,
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
    match output {
        BodyOutput::Html => markdown::render(markdown_source, &context),
        BodyOutput::ChecksOnly => markdown::scan(markdown_source, &context),
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

struct TopicEntry {
    name: String,
    url: String,
    stories: Vec<usize>,
}

struct PersonEntry {
    name: String,
    url: String,
    profile: Option<usize>,
    /// Story index and the roles this person had on it.
    stories: Vec<(usize, Vec<String>)>,
}

/// The site prepared for rendering: shared, read-only, built once.
pub struct SiteView<'a> {
    site: &'a Site,
    index: SiteIndex<'a>,
    bodies: &'a [RenderedMarkdown],
    series_descriptions: &'a [RenderedMarkdown],
    site_value: Value,
    cards: Vec<Value>,
}

/// Which pages the site has and which stories each listing holds: cheap to build (no template
/// values), so the link checks can know every page without preparing to render.
pub struct SiteIndex<'a> {
    site: &'a Site,
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

impl<'a> SiteIndex<'a> {
    pub fn new(site: &'a Site) -> SiteIndex<'a> {
        let config = &site.config;
        let mut series_stories = vec![Vec::new(); site.series.len()];
        let mut topics: BTreeMap<String, TopicEntry> = BTreeMap::new();
        let mut people: BTreeMap<String, PersonEntry> = BTreeMap::new();
        for (index, story) in site.stories.iter().enumerate() {
            if let Some(series) = story.series {
                series_stories[series].push(index);
            }
            for topic in &story.topics {
                let slug = slugify(topic);
                let entry = topics.entry(slug.clone()).or_insert_with(|| TopicEntry {
                    name: topic.clone(),
                    url: format!("/topics/{slug}/"),
                    stories: Vec::new(),
                });
                if entry.stories.last() != Some(&index) {
                    entry.stories.push(index);
                }
            }
            for (role, names) in story_roles(story) {
                for name in names {
                    let slug = slugify(name);
                    let entry = people.entry(slug.clone()).or_insert_with(|| PersonEntry {
                        name: name.clone(),
                        url: format!("/people/{slug}/"),
                        profile: profile_index(config, &slug),
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
        let topic_urls = topics
            .values()
            .map(|entry| (entry.name.clone(), entry.url.clone()))
            .collect();
        let person_urls = people
            .values()
            .map(|entry| (entry.name.clone(), entry.url.clone()))
            .collect();
        SiteIndex {
            site,
            series_stories,
            topics: topics.into_values().collect(),
            people: people.into_values().collect(),
            person_urls,
            topic_urls,
        }
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page> {
        let mut pages =
            Vec::with_capacity(self.site.stories.len() + self.topics.len() + self.people.len() + 8);
        pages.extend((0..self.site.stories.len()).map(Page::Story));
        pages.extend((0..self.site.series.len()).map(Page::Series));
        pages.extend((0..self.topics.len()).map(Page::Topic));
        pages.push(Page::Topics);
        pages.extend((0..self.people.len()).map(Page::Person));
        pages.push(Page::People);
        pages.push(Page::Home);
        pages.push(Page::NotFound);
        pages
    }

    /// The site path a page is published at.
    pub fn page_url(&self, page: Page) -> String {
        match page {
            Page::Story(index) => self.site.stories[index].url.clone(),
            Page::Series(index) => self.site.series[index].url.clone(),
            Page::Topic(index) => self.topics[index].url.clone(),
            Page::Topics => "/topics/".to_string(),
            Page::Person(index) => self.people[index].url.clone(),
            Page::People => "/people/".to_string(),
            Page::Home => "/".to_string(),
            Page::NotFound => "/404.html".to_string(),
        }
    }
}

impl<'a> SiteView<'a> {
    /// Prepares the listings. `bodies[i]` is the rendered body of `site.stories[i]`,
    /// `series_descriptions[i]` that of `site.series[i]`.
    pub fn new(
        site: &'a Site,
        bodies: &'a [RenderedMarkdown],
        series_descriptions: &'a [RenderedMarkdown],
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
        let mut view = SiteView {
            site,
            index: SiteIndex::new(site),
            bodies,
            series_descriptions,
            site_value,
            cards: Vec::new(),
        };
        view.cards = site
            .stories
            .iter()
            .zip(bodies)
            .map(|(story, body)| view.card(story, body))
            .collect();
        view
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page> {
        self.index.pages()
    }

    /// The site path a page is published at.
    pub fn page_url(&self, page: Page) -> String {
        self.index.page_url(page)
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
        Value::from(
            stories
                .map(|index| self.cards[index].clone())
                .collect::<Vec<_>>(),
        )
    }

    /// Renders one page.
    pub fn render(&self, templates: &Templates, page: Page) -> Result<OutputFile, Diagnostic> {
        let config = &self.site.config;
        let site = self.site_value.clone();
        let (url, template, context, source): (String, &str, Value, Option<&Path>) = match page {
            Page::Story(index) => {
                let story = &self.site.stories[index];
                let body = &self.bodies[index];
                let description = summary_of(story, body);
                let context = minijinja::context! {
                    site,
                    page => self.page_value("story", &story.title, &story.url, description),
                    story => self.story_value(story, body),
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
                    page => self.page_value("series", &series.title, &series.url, description),
                    series => self.series_value(series, &self.series_descriptions[index]),
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
                    page => self.page_value("topic", &topic.name, &topic.url, ""),
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
                    page => self.page_value("topics", "Topics", "/topics/", ""),
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
                        minijinja::context! { card => self.cards[*story].clone(), roles => roles.clone() }
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
                    page => self.page_value("people", "People", "/people/", ""),
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
                    page => self.page_value("home", &config.title, "/", ""),
                    stories => self.cards_of(0..self.site.stories.len().min(HOME_STORIES)),
                    series_list => value(series_list),
                };
                ("/".to_string(), "home.html", context, None)
            }
            Page::NotFound => {
                let context = minijinja::context! {
                    site,
                    page => self.page_value("404", "Page not found", "/404.html", ""),
                };
                ("/404.html".to_string(), "404.html", context, None)
            }
        };
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
