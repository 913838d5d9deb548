//! Every page and file byline renders through the theme, in one table: what kind of page it is,
//! its site path, its template, whether the sitemap lists it and which stories a feed lists.
//! `render` makes their contents, `checks` knows them as link targets, `serve` finds them by
//! path; nothing else decides where a page lives.

use std::path::Path;

use crate::index::SiteIndex;
use crate::layout::{
    CORRECTIONS_FEED_URL, CORRECTIONS_URL, FUNDERS_URL, HOME_URL, NEWS_SITEMAP_URL, NOT_FOUND_URL,
    PEOPLE_URL, ROBOTS_URL, SITE_FEED_URL, SITEMAP_URL, TOPICS_URL, feed_url,
};
use crate::model::Site;

/// How many of the latest stories the home page lists.
pub const HOME_STORIES: usize = 20;

/// How many of the latest stories a feed lists.
pub const FEED_ENTRIES: usize = 50;

/// What one page is: an HTML page, or a machine-readable file (feed, sitemap, robots.txt). A
/// story is numbered by its index in [`Site::stories`], a series in [`Site::series`], a topic
/// or person in the [`SiteIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// `/news-sitemap.xml`, only when a story is inside its window.
    NewsSitemap,
    /// `/robots.txt`.
    Robots,
}

impl Page {
    /// The theme template that renders the page.
    pub fn template(self) -> &'static str {
        match self {
            Page::Story(_) => "story.html",
            Page::Series(_) => "series.html",
            Page::Topic(_) => "topic.html",
            Page::Topics => "topics.html",
            Page::Person(_) => "person.html",
            Page::People => "people.html",
            Page::Home => "home.html",
            Page::NotFound => "404.html",
            Page::Corrections => "corrections.html",
            Page::Funders => "funders.html",
            Page::SiteFeed
            | Page::SeriesFeed(_)
            | Page::TopicFeed(_)
            | Page::PersonFeed(_)
            | Page::CorrectionsFeed => "atom.xml",
            Page::Sitemap => "sitemap.xml",
            Page::NewsSitemap => "news-sitemap.xml",
            Page::Robots => "robots.txt",
        }
    }

    /// The page's kind as templates see it (`page.kind`).
    pub fn kind(self) -> &'static str {
        match self {
            Page::Story(_) => "story",
            Page::Series(_) => "series",
            Page::Topic(_) => "topic",
            Page::Topics => "topics",
            Page::Person(_) => "person",
            Page::People => "people",
            Page::Home => "home",
            Page::NotFound => "404",
            Page::Corrections => "corrections",
            Page::Funders => "funders",
            Page::SiteFeed
            | Page::SeriesFeed(_)
            | Page::TopicFeed(_)
            | Page::PersonFeed(_)
            | Page::CorrectionsFeed => "feed",
            Page::Sitemap => "sitemap",
            Page::NewsSitemap => "news-sitemap",
            Page::Robots => "robots",
        }
    }

    /// Whether the sitemap lists the page: every HTML page but the 404 page.
    pub fn in_sitemap(self) -> bool {
        matches!(
            self,
            Page::Story(_)
                | Page::Series(_)
                | Page::Topic(_)
                | Page::Topics
                | Page::Person(_)
                | Page::People
                | Page::Home
                | Page::Corrections
                | Page::Funders
        )
    }
}

/// The pages of one edition of a site ([`SiteIndex`]), and where each lives.
#[derive(Clone, Copy)]
pub struct Routes<'a> {
    site: &'a Site,
    index: &'a SiteIndex,
}

impl<'a> Routes<'a> {
    pub fn new(site: &'a Site, index: &'a SiteIndex) -> Routes<'a> {
        Routes { site, index }
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page> {
        let (site, index) = (self.site, self.index);
        let listings = site.series.len() + index.topics.len() + index.people.len();
        let mut pages = Vec::with_capacity(index.stories.len() + 2 * listings + 16);
        pages.extend(index.stories.iter().map(|&story| Page::Story(story)));
        // A series with no story of the edition is withheld with them.
        let series = || (0..site.series.len()).filter(|&s| index.publishes_series(s));
        pages.extend(series().map(Page::Series));
        pages.extend((0..index.topics.len()).map(Page::Topic));
        pages.push(Page::Topics);
        pages.extend((0..index.people.len()).map(Page::Person));
        pages.push(Page::People);
        pages.push(Page::Home);
        pages.push(Page::NotFound);
        pages.push(Page::Corrections);
        pages.push(Page::Funders);
        pages.push(Page::SiteFeed);
        pages.extend(series().map(Page::SeriesFeed));
        pages.extend((0..index.topics.len()).map(Page::TopicFeed));
        pages.extend((0..index.people.len()).map(Page::PersonFeed));
        pages.push(Page::CorrectionsFeed);
        pages.push(Page::Sitemap);
        // An empty news sitemap would not be a valid sitemap (one needs a URL at least).
        if !index.news.is_empty() {
            pages.push(Page::NewsSitemap);
        }
        pages.push(Page::Robots);
        pages
    }

    /// The site path a page is published at.
    pub fn url(&self, page: Page) -> String {
        let (site, index) = (self.site, self.index);
        match page {
            Page::Story(story) => site.stories[story].url.clone(),
            Page::Series(series) => site.series[series].url.clone(),
            Page::Topic(topic) => index.topics[topic].url.clone(),
            Page::Topics => TOPICS_URL.to_string(),
            Page::Person(person) => index.people[person].url.clone(),
            Page::People => PEOPLE_URL.to_string(),
            Page::Home => HOME_URL.to_string(),
            Page::NotFound => NOT_FOUND_URL.to_string(),
            Page::Corrections => CORRECTIONS_URL.to_string(),
            Page::Funders => FUNDERS_URL.to_string(),
            Page::SiteFeed => SITE_FEED_URL.to_string(),
            Page::SeriesFeed(series) => feed_url(&site.series[series].url),
            Page::TopicFeed(topic) => feed_url(&index.topics[topic].url),
            Page::PersonFeed(person) => feed_url(&index.people[person].url),
            Page::CorrectionsFeed => CORRECTIONS_FEED_URL.to_string(),
            Page::Sitemap => SITEMAP_URL.to_string(),
            Page::NewsSitemap => NEWS_SITEMAP_URL.to_string(),
            Page::Robots => ROBOTS_URL.to_string(),
        }
    }

    /// The content file a page is made from, for messages about it (None for site-wide pages).
    pub fn source(&self, page: Page) -> Option<&'a Path> {
        match page {
            Page::Story(story) => Some(&self.site.stories[story].source),
            Page::Series(series) | Page::SeriesFeed(series) => {
                Some(&self.site.series[series].source)
            }
            _ => None,
        }
    }

    /// The stories the story feed `page` lists, newest first (at most [`FEED_ENTRIES`]): the
    /// site's, a series', a topic's or a person's. None for any other page.
    pub fn feed_stories(&self, page: Page) -> Option<Vec<usize>> {
        let index = self.index;
        let stories: Vec<usize> = match page {
            Page::SiteFeed => index.stories.iter().copied().take(FEED_ENTRIES).collect(),
            Page::SeriesFeed(series) => index.series_stories[series]
                .iter()
                .copied()
                .take(FEED_ENTRIES)
                .collect(),
            Page::TopicFeed(topic) => index.topics[topic]
                .stories
                .iter()
                .copied()
                .take(FEED_ENTRIES)
                .collect(),
            Page::PersonFeed(person) => index.people[person]
                .stories
                .iter()
                .map(|(story, _)| *story)
                .take(FEED_ENTRIES)
                .collect(),
            _ => return None,
        };
        Some(stories)
    }

    /// Each story some feed lists.
    pub fn stories_in_feeds(&self) -> Vec<bool> {
        let mut in_feeds = vec![false; self.site.stories.len()];
        for page in self.pages() {
            for story in self.feed_stories(page).unwrap_or_default() {
                in_feeds[story] = true;
            }
        }
        in_feeds
    }

    /// The stories the listing `page` shows, in order (the home page's latest, a series', a
    /// topic's, a person's); None for pages that list no stories of their own.
    pub fn listed_stories(&self, page: Page) -> Option<Vec<usize>> {
        let index = self.index;
        Some(match page {
            Page::Home => index.stories.iter().copied().take(HOME_STORIES).collect(),
            Page::Series(series) => index.series_stories[series].clone(),
            Page::Topic(topic) => index.topics[topic].stories.clone(),
            Page::Person(person) => index.people[person]
                .stories
                .iter()
                .map(|(story, _)| *story)
                .collect(),
            _ => return None,
        })
    }
}
