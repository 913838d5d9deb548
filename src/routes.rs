//! Every page and file byline renders through the theme, in one table: what kind of page it is,
//! its site path, its template, whether the sitemap lists it, which stories a listing page or a
//! feed lists. `render` makes their contents, `checks` knows them as link targets, `serve` finds
//! them by path; nothing else decides where a page lives.
//!
//! Listings (home, series, topic, person, a funder's stories, corrections) are paginated: page
//! 1 at the listing's own address, then `<listing>/page/2/`, ... (`paginate:` in site.yaml, or
//! in a series' `_index.md` for its own pages).

use std::ops::Range;
use std::path::Path;

use crate::index::SiteIndex;
use crate::layout::{
    CORRECTIONS_FEED_URL, CORRECTIONS_URL, FUNDERS_URL, HOME_URL, HOST_REDIRECTS_URL,
    NEWS_SITEMAP_URL, NOT_FOUND_URL, PEOPLE_URL, REDIRECTS_MAP_URL, ROBOTS_URL, SEARCH_URL,
    SITE_FEED_URL, SITEMAP_URL, TOPICS_URL, feed_url, funder_url, paged_url,
};
use crate::model::Site;

/// How many of the latest stories a feed lists.
pub const FEED_ENTRIES: usize = 50;

/// A page that lists stories (or, for the corrections ledger, corrections), a page of them at a
/// time. A series is numbered by its index in [`Site::series`], a topic, person or funder in
/// the [`SiteIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Listing {
    /// `/`: every story, newest first, and the series.
    Home,
    Series(usize),
    Topic(usize),
    Person(usize),
    /// `/funders/<funder>/`: the stories a funder paid for.
    Funder(usize),
    /// `/corrections/`: every correction, newest first.
    Corrections,
}

/// What one page is: an HTML page, or a machine-readable file (feed, sitemap, robots.txt,
/// redirects). A story is numbered by its index in [`Site::stories`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Story(usize),
    /// Page `page` of a listing, counted from 1.
    Listing(Listing, usize),
    Topics,
    People,
    NotFound,
    /// `/funders/`: each funder, the series it funds and how many stories it paid for.
    Funders,
    /// `/search/`, when the site has search.
    Search,
    /// What stays at a withdrawn story's address: when and why it was withdrawn.
    Withdrawn(usize),
    /// An old address of a story, by index into [`SiteIndex::redirects`].
    Redirect(usize),
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
    /// `/_redirects` (Netlify, Cloudflare Pages), when the site has aliases.
    HostRedirects,
    /// `/redirects.json`, the same redirects for other hosts, when the site has aliases.
    RedirectsMap,
}

impl Listing {
    /// The theme template of its pages.
    fn template(self) -> &'static str {
        match self {
            Listing::Home => "home.html",
            Listing::Series(_) => "series.html",
            Listing::Topic(_) => "topic.html",
            Listing::Person(_) => "person.html",
            Listing::Funder(_) => "funder.html",
            Listing::Corrections => "corrections.html",
        }
    }

    /// Its pages' kind as templates see it (`page.kind`).
    fn kind(self) -> &'static str {
        match self {
            Listing::Home => "home",
            Listing::Series(_) => "series",
            Listing::Topic(_) => "topic",
            Listing::Person(_) => "person",
            Listing::Funder(_) => "funder",
            Listing::Corrections => "corrections",
        }
    }
}

impl Page {
    /// The theme template that renders the page.
    pub fn template(self) -> &'static str {
        match self {
            Page::Story(_) => "story.html",
            Page::Listing(listing, _) => listing.template(),
            Page::Topics => "topics.html",
            Page::People => "people.html",
            Page::NotFound => "404.html",
            Page::Funders => "funders.html",
            Page::Search => "search.html",
            Page::Withdrawn(_) => "withdrawn.html",
            Page::Redirect(_) => "redirect.html",
            Page::SiteFeed
            | Page::SeriesFeed(_)
            | Page::TopicFeed(_)
            | Page::PersonFeed(_)
            | Page::CorrectionsFeed => "atom.xml",
            Page::Sitemap => "sitemap.xml",
            Page::NewsSitemap => "news-sitemap.xml",
            Page::Robots => "robots.txt",
            Page::HostRedirects => "_redirects",
            Page::RedirectsMap => "redirects.json",
        }
    }

    /// The page's kind as templates see it (`page.kind`).
    pub fn kind(self) -> &'static str {
        match self {
            Page::Story(_) => "story",
            Page::Listing(listing, _) => listing.kind(),
            Page::Topics => "topics",
            Page::People => "people",
            Page::NotFound => "404",
            Page::Funders => "funders",
            Page::Search => "search",
            Page::Withdrawn(_) => "withdrawn",
            Page::Redirect(_) => "redirect",
            Page::SiteFeed
            | Page::SeriesFeed(_)
            | Page::TopicFeed(_)
            | Page::PersonFeed(_)
            | Page::CorrectionsFeed => "feed",
            Page::Sitemap => "sitemap",
            Page::NewsSitemap => "news-sitemap",
            Page::Robots => "robots",
            Page::HostRedirects => "redirects",
            Page::RedirectsMap => "redirects-map",
        }
    }

    /// Whether the sitemap lists the page: every HTML page but the 404 page, withdrawn
    /// stories' notices and redirects.
    pub fn in_sitemap(self) -> bool {
        matches!(
            self,
            Page::Story(_)
                | Page::Listing(..)
                | Page::Topics
                | Page::People
                | Page::Funders
                | Page::Search
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
        let mut pages = Vec::with_capacity(index.stories.len() + 3 * listings + 16);
        let paged = |pages: &mut Vec<Page>, listing: Listing| {
            pages.extend((1..=self.page_count(listing)).map(|page| Page::Listing(listing, page)));
        };
        pages.extend(index.stories.iter().map(|&story| Page::Story(story)));
        // A series with no story of the edition is withheld with them.
        let series = || (0..site.series.len()).filter(|&s| index.publishes_series(s));
        for series in series() {
            paged(&mut pages, Listing::Series(series));
        }
        for topic in 0..index.topics.len() {
            paged(&mut pages, Listing::Topic(topic));
        }
        pages.push(Page::Topics);
        for person in 0..index.people.len() {
            paged(&mut pages, Listing::Person(person));
        }
        pages.push(Page::People);
        paged(&mut pages, Listing::Home);
        pages.push(Page::NotFound);
        paged(&mut pages, Listing::Corrections);
        pages.push(Page::Funders);
        for funder in 0..index.funders.len() {
            paged(&mut pages, Listing::Funder(funder));
        }
        if site.config.search {
            pages.push(Page::Search);
        }
        pages.extend(index.withdrawn.iter().map(|&story| Page::Withdrawn(story)));
        pages.extend((0..index.redirects.len()).map(Page::Redirect));
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
        if !index.redirects.is_empty() {
            pages.push(Page::HostRedirects);
            pages.push(Page::RedirectsMap);
        }
        pages
    }

    /// The site path of a listing's first page.
    pub fn listing_url(&self, listing: Listing) -> String {
        let (site, index) = (self.site, self.index);
        match listing {
            Listing::Home => HOME_URL.to_string(),
            Listing::Series(series) => site.series[series].url.clone(),
            Listing::Topic(topic) => index.topics[topic].url.clone(),
            Listing::Person(person) => index.people[person].url.clone(),
            Listing::Funder(funder) => funder_url(&index.funders[funder].anchor),
            Listing::Corrections => CORRECTIONS_URL.to_string(),
        }
    }

    /// The site path a page is published at.
    pub fn url(&self, page: Page) -> String {
        let (site, index) = (self.site, self.index);
        match page {
            Page::Story(story) | Page::Withdrawn(story) => site.stories[story].url.clone(),
            Page::Listing(listing, number) => paged_url(&self.listing_url(listing), number),
            Page::Topics => TOPICS_URL.to_string(),
            Page::People => PEOPLE_URL.to_string(),
            Page::NotFound => NOT_FOUND_URL.to_string(),
            Page::Funders => FUNDERS_URL.to_string(),
            Page::Search => SEARCH_URL.to_string(),
            Page::Redirect(redirect) => index.redirects[redirect].from.clone(),
            Page::SiteFeed => SITE_FEED_URL.to_string(),
            Page::SeriesFeed(series) => feed_url(&site.series[series].url),
            Page::TopicFeed(topic) => feed_url(&index.topics[topic].url),
            Page::PersonFeed(person) => feed_url(&index.people[person].url),
            Page::CorrectionsFeed => CORRECTIONS_FEED_URL.to_string(),
            Page::Sitemap => SITEMAP_URL.to_string(),
            Page::NewsSitemap => NEWS_SITEMAP_URL.to_string(),
            Page::Robots => ROBOTS_URL.to_string(),
            Page::HostRedirects => HOST_REDIRECTS_URL.to_string(),
            Page::RedirectsMap => REDIRECTS_MAP_URL.to_string(),
        }
    }

    /// The content file a page is made from, for messages about it (None for site-wide pages).
    pub fn source(&self, page: Page) -> Option<&'a Path> {
        match page {
            Page::Story(story) | Page::Withdrawn(story) => Some(&self.site.stories[story].source),
            Page::Redirect(redirect) => {
                Some(&self.site.stories[self.index.redirects[redirect].story].source)
            }
            Page::Listing(Listing::Series(series), _) | Page::SeriesFeed(series) => {
                Some(&self.site.series[series].source)
            }
            _ => None,
        }
    }

    /// How many items (stories; corrections for the ledger) a page of `listing` shows.
    pub fn per_page(&self, listing: Listing) -> usize {
        let per_page = match listing {
            Listing::Series(series) => self.site.series[series].paginate,
            _ => None,
        };
        per_page.unwrap_or(self.site.config.paginate).max(1)
    }

    /// How many items `listing` has in all.
    pub fn listing_len(&self, listing: Listing) -> usize {
        let index = self.index;
        match listing {
            Listing::Home => index.stories.len(),
            Listing::Series(series) => index.series_stories[series].len(),
            Listing::Topic(topic) => index.topics[topic].stories.len(),
            Listing::Person(person) => index.people[person].stories.len(),
            Listing::Funder(funder) => index.funders[funder].all.len(),
            Listing::Corrections => index.corrections,
        }
    }

    /// How many pages `listing` has: one at least, even when it lists nothing yet.
    pub fn page_count(&self, listing: Listing) -> usize {
        self.listing_len(listing)
            .div_ceil(self.per_page(listing))
            .max(1)
    }

    /// Which of the listing's items (by position in the whole listing) page `page` shows.
    pub fn page_items(&self, listing: Listing, page: usize) -> Range<usize> {
        let per_page = self.per_page(listing);
        let len = self.listing_len(listing);
        let start = (page.max(1) - 1).saturating_mul(per_page).min(len);
        start..(start + per_page).min(len)
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

    /// The stories the listing page `page` shows, in order; None for pages that list no
    /// stories of their own (the corrections ledger lists corrections).
    pub fn listed_stories(&self, page: Page) -> Option<Vec<usize>> {
        let Page::Listing(listing, number) = page else {
            return None;
        };
        let index = self.index;
        let items = self.page_items(listing, number);
        Some(match listing {
            Listing::Home => index.stories[items].to_vec(),
            Listing::Series(series) => index.series_stories[series][items].to_vec(),
            Listing::Topic(topic) => index.topics[topic].stories[items].to_vec(),
            Listing::Person(person) => index.people[person].stories[items]
                .iter()
                .map(|(story, _)| *story)
                .collect(),
            Listing::Funder(funder) => index.funders[funder].all[items].to_vec(),
            Listing::Corrections => return None,
        })
    }
}
