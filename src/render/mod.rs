//! Rendering: turns one edition of the validated [`Site`] into pages through the theme's
//! templates. Every page (story, series, topic, person, their indexes, home, 404, the
//! corrections and funders pages) and every machine-readable file (Atom feeds, sitemaps,
//! robots.txt; their data comes from [`crate::outputs`]) is rendered here; [`crate::routes`]
//! says where each lives.
//!
//! Everything a listing needs is prepared once in a [`SiteView`] (one template value per story
//! card, made the first time a listing needs it), so rendering a page only clones cheap,
//! reference-counted template values; bodies are never copied into listings. Rendering a page
//! is independent of every other page; the pipeline decides what runs in parallel.

mod bodies;
mod context;
mod listings;
mod machine;
mod story;

use std::borrow::Cow;
use std::sync::OnceLock;

use minijinja::Value;

use crate::dates::StoryDate;
use crate::diag::Diagnostic;
use crate::index::SiteIndex;
use crate::model::{Image, Series, Site, Story};
use crate::outputs::ledger::{self, LedgerEntry};
use crate::outputs::{self};
use crate::routes::{Listing, Page, Routes};
use crate::theme::{Strings, Templates};
use crate::typography::{smart, smart_owned};
use crate::url::output_path;

pub use bodies::{BodyRenderer, MarkdownCache, markdown_options};
use context::{
    CardContext, FeedLink, FunderContext, ImageContext, LinkContext, PageContext,
    PaginationContext, PublisherContext, SeriesLinkContext, SiteContext, SiteImageContext, value,
};

/// The theme's own icon, for a site whose `site.yaml` names none.
const DEFAULT_ICON: &str = "/favicon.svg";

/// A file of the finished site, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, with `/` separators: `decision-machines/twitter/index.html`.
    pub path: String,
    pub contents: String,
}

/// One edition of the site prepared for rendering: shared, read-only, built once.
pub struct SiteView<'a> {
    site: &'a Site,
    index: &'a SiteIndex,
    routes: Routes<'a>,
    bodies: &'a BodyRenderer,
    site_value: Value,
    /// Each story's listing card, made the first time a listing needs it: `serve` makes a view
    /// per request and renders one page, which needs only a few cards.
    cards: Vec<OnceLock<Value>>,
    /// When each story last changed (its date, `updated` or a correction, the latest).
    last_changed: Vec<StoryDate>,
    /// Every correction, newest first; made when a page first needs it (`serve` makes a view
    /// per request, and most pages do not).
    ledger: OnceLock<Vec<LedgerEntry>>,
    /// Each story's feed entry, made the first time a feed needs it and shared by every feed
    /// that lists the story (its body is the biggest part).
    feed_entries: Vec<OnceLock<Value>>,
    /// Which stories some feed lists, worked out when a body is first needed.
    in_feeds: OnceLock<Vec<bool>>,
}

impl<'a> SiteView<'a> {
    /// Prepares the edition of `site` that `index` lists (as of the edition's moment), its
    /// texts rendered by `bodies`.
    pub fn new(site: &'a Site, index: &'a SiteIndex, bodies: &'a BodyRenderer) -> SiteView<'a> {
        let config = &site.config;
        let images = bodies.images();
        let site_value = value(SiteContext {
            title: smart(&config.title),
            base_url: &config.base_url,
            language: &config.language,
            search: config.search,
            funding_note: config.funding_note.as_deref().map(smart),
            publisher: config.publisher.as_ref().map(|p| {
                let logo_size = p.logo.as_deref().and_then(|logo| images.size(logo));
                PublisherContext {
                    name: p.name.as_deref().map(smart),
                    url: p.url.as_deref(),
                    logo: p.logo.as_deref().map(|logo| context::href(config, logo)),
                    logo_width: logo_size.map(|(width, _)| width),
                    logo_height: logo_size.map(|(_, height)| height),
                }
            }),
            description: config.description.as_deref().map(smart),
            image: config.image.as_deref().map(|image| {
                let size = images.size(image);
                SiteImageContext {
                    url: outputs::absolute_link(config, "/", image),
                    width: size.map(|(width, _)| width),
                    height: size.map(|(_, height)| height),
                }
            }),
            icon: context::href(config, config.icon.as_deref().unwrap_or(DEFAULT_ICON)),
            icon_type: mime_guess::from_path(config.icon.as_deref().unwrap_or(DEFAULT_ICON))
                .first_raw(),
        });
        let stories = site.stories.len();
        SiteView {
            site,
            index,
            routes: Routes::new(site, index),
            bodies,
            site_value,
            cards: (0..stories).map(|_| OnceLock::new()).collect(),
            last_changed: site.stories.iter().map(outputs::last_changed).collect(),
            ledger: OnceLock::new(),
            feed_entries: (0..stories).map(|_| OnceLock::new()).collect(),
            in_feeds: OnceLock::new(),
        }
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// Where the pages of this edition live.
    pub fn routes(&self) -> Routes<'a> {
        self.routes
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page> {
        self.routes.pages()
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
        let strings = templates.strings();
        let context = match page {
            Page::Story(story) => self.story_page(story, strings),
            Page::Listing(Listing::Series(series), number) => {
                self.series_page(series, number, strings)
            }
            Page::Listing(Listing::Topic(topic), number) => self.topic_page(topic, number, strings),
            Page::Topics => self.topics_page(strings),
            Page::Listing(Listing::Person(person), number) => {
                self.person_page(person, number, strings)
            }
            Page::People => self.people_page(strings),
            Page::Listing(Listing::Home, number) => self.home_page(number, strings),
            Page::NotFound => self.not_found_page(strings),
            Page::Listing(Listing::Corrections, number) => self.corrections_page(number, strings),
            Page::Funders => self.funders_page(strings),
            Page::Listing(Listing::Funder(funder), number) => {
                self.funder_page(funder, number, strings)
            }
            Page::Search => self.search_page(strings),
            Page::Withdrawn(story) => self.withdrawn_page(story, strings),
            Page::Redirect(redirect) => self.redirect_page(redirect, strings),
            Page::HostRedirects | Page::RedirectsMap => self.redirects(page, strings),
            Page::SiteFeed | Page::SeriesFeed(_) | Page::TopicFeed(_) | Page::PersonFeed(_) => {
                self.story_feed(page, strings)
            }
            Page::CorrectionsFeed => self.corrections_feed(strings),
            Page::Sitemap => self.sitemap(strings),
            Page::NewsSitemap => self.news_sitemap(strings),
            Page::Robots => self.robots(strings),
        };
        let context = minijinja::context! { live_reload, ..context };
        let contents = templates.render(page.template(), context, self.routes.source(page))?;
        Ok(OutputFile {
            path: output_path(&self.routes.url(page)),
            contents,
        })
    }

    fn ledger(&self) -> &[LedgerEntry] {
        self.ledger.get_or_init(|| {
            ledger::corrections_newest_first(&self.site.stories, &self.index.stories)
        })
    }

    /// The body HTML of `site.stories[index]` as a template value, for its page. In a build, a
    /// story that some feed lists gets its feed entry made from this same rendering, so the
    /// body is rendered once and only the entry is kept for the feeds.
    fn body_html(&self, index: usize, strings: &Strings) -> Value {
        let html = self.render_body(index);
        if !self.bodies.is_cached() {
            let in_feeds = self.in_feeds.get_or_init(|| self.routes.stories_in_feeds());
            if in_feeds[index] {
                self.feed_entries[index]
                    .get_or_init(|| self.make_feed_entry(index, &html, strings));
            }
        }
        Value::from_safe_string(html)
    }

    /// The body HTML of `site.stories[index]`.
    fn render_body(&self, index: usize) -> String {
        let story = &self.site.stories[index];
        let anchors = ledger::story_anchors(story);
        self.bodies
            .html(&story.source, &story.url, &story.body, &anchors)
    }

    fn card_at(&self, index: usize) -> Value {
        self.cards[index]
            .get_or_init(|| self.card(&self.site.stories[index]))
            .clone()
    }

    fn cards_of(&self, stories: impl Iterator<Item = usize>) -> Value {
        Value::from(stories.map(|index| self.card_at(index)).collect::<Vec<_>>())
    }

    /// How a page links to `url` (see [`crate::config::SiteConfig::href`]).
    fn href<'u>(&self, url: &'u str) -> Cow<'u, str> {
        context::href(&self.site.config, url)
    }

    fn person_url(&self, name: &str) -> &str {
        self.index
            .person_url(name)
            .unwrap_or(crate::layout::PEOPLE_URL)
    }

    /// Each person of `names` with their page, named as their page names them (as site.yaml
    /// lists them, when it does).
    fn people_links<'s>(&'s self, names: &'s [String]) -> Vec<LinkContext<'s>> {
        names
            .iter()
            .map(|name| match self.index.person(name) {
                Some(person) => LinkContext {
                    name: smart(&person.name),
                    url: self.href(&person.url),
                },
                None => LinkContext {
                    name: smart(name),
                    url: self.href(self.person_url(name)),
                },
            })
            .collect()
    }

    fn series_link(&self, story: &Story) -> Option<SeriesLinkContext<'a>> {
        story.series.map(|index| {
            let series: &'a Series = &self.site.series[index];
            SeriesLinkContext {
                title: smart(&series.title),
                url: self.href(&series.url),
            }
        })
    }

    fn card(&self, story: &Story) -> Value {
        let format = self.bodies.date_style();
        value(CardContext {
            title: smart(&story.title),
            url: self.href(&story.url),
            date: story.date.iso(),
            date_display: story.date.display(format),
            summary: smart(story.summary_or_first_paragraph()),
            reporters: self.people_links(&story.reporters),
            series: self.series_link(story),
            image: self.image(story.image.as_ref()),
        })
    }

    fn image(&self, image: Option<&'a Image>) -> Option<ImageContext<'a>> {
        image.map(|image| {
            let images = self.bodies.images();
            ImageContext::new(
                image,
                images.size(&image.src),
                images.variants(&image.src),
                &self.site.config,
            )
        })
    }

    fn funders(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<FunderContext<'a>> {
        names
            .into_iter()
            .map(|name| FunderContext {
                name: smart(name),
                url: self.site.config.funder(name).and_then(|f| f.url.as_deref()),
            })
            .collect()
    }

    /// The `page` value of page `number` of `listing` (see [`SiteView::page_value`]), with its
    /// place among the listing's pages.
    fn listing_page_value(
        &self,
        listing: Listing,
        number: usize,
        title: &str,
        description: &str,
        own_feed: Option<(&str, String)>,
        strings: &Strings,
    ) -> Value {
        let page = Page::Listing(listing, number);
        let pages = self.routes.page_count(listing);
        let link = |number: usize| {
            let url = crate::layout::paged_url(&self.routes.listing_url(listing), number);
            self.href(&url).into_owned()
        };
        let pagination = PaginationContext {
            page: number,
            pages,
            total: self.routes.listing_len(listing),
            first: link(1),
            last: link(pages),
            previous: (number > 1).then(|| link(number - 1)),
            next: (number < pages).then(|| link(number + 1)),
        };
        self.page_value_with(
            page,
            title,
            description,
            own_feed,
            Some(pagination),
            strings,
        )
    }

    /// The `page` value. Its `feeds` are the site's feed and, when given, the page's own
    /// (`(title, site path)`).
    fn page_value(
        &self,
        page: Page,
        title: &str,
        description: &str,
        own_feed: Option<(&str, String)>,
        strings: &Strings,
    ) -> Value {
        self.page_value_with(page, title, description, own_feed, None, strings)
    }

    fn page_value_with(
        &self,
        page: Page,
        title: &str,
        description: &str,
        own_feed: Option<(&str, String)>,
        pagination: Option<PaginationContext>,
        strings: &Strings,
    ) -> Value {
        let config = &self.site.config;
        let url = self.routes.url(page);
        let mut feeds = vec![FeedLink {
            title: smart_owned(&config.title),
            url: config.absolute_url(crate::layout::SITE_FEED_URL),
        }];
        if let Some((title, feed)) = own_feed {
            feeds.push(FeedLink {
                title: smart_owned(
                    &strings.say("feed.title", &[("title", title), ("site", &config.title)]),
                ),
                url: config.absolute_url(&feed),
            });
        }
        // A page without words of its own about it is described by the site's description.
        let description = match (description.trim().is_empty(), &config.description) {
            (true, Some(site)) => site.as_str(),
            _ => description,
        };
        value(PageContext {
            kind: page.kind(),
            title: smart(title),
            url: self.href(&url),
            permalink: config.absolute_url(&url),
            description: smart(description),
            feeds,
            pagination,
        })
    }
}
