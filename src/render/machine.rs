//! The files machines read, through the theme like every page: Atom feeds (the site's, each
//! series', topic's and person's, the corrections feed), the sitemap, the news sitemap and
//! robots.txt.

use minijinja::Value;

use super::SiteView;
use super::context::value;
use crate::dates::StoryDate;
use crate::escape;
use crate::layout::{NEWS_SITEMAP_URL, SITEMAP_URL};
use crate::outputs::{self, feeds, sitemaps};
use crate::routes::{FEED_ENTRIES, Listing, Page};
use crate::theme::Strings;

impl<'a> SiteView<'a> {
    /// The feed of the site, a series, a topic or a person.
    pub(super) fn story_feed(&self, feed: Page, strings: &Strings) -> Value {
        let config = &self.site.config;
        let (title, subtitle, page_url): (&str, &str, &str) = match feed {
            Page::SeriesFeed(index) => {
                let series = &self.site.series[index];
                (
                    &series.title,
                    series.summary.as_deref().unwrap_or(""),
                    &series.url,
                )
            }
            Page::TopicFeed(index) => {
                let topic = &self.index.topics[index];
                (&topic.name, "", &topic.url)
            }
            Page::PersonFeed(index) => {
                let person = &self.index.people[index];
                (&person.name, "", &person.url)
            }
            _ => (&config.title, "", crate::layout::HOME_URL),
        };
        let url = self.routes.url(feed);
        let stories = self.routes.feed_stories(feed).unwrap_or_default();
        let updated = outputs::latest(stories.iter().map(|&index| &self.last_changed[index]));
        let entries: Vec<Value> = stories
            .iter()
            .map(|&index| self.feed_entry(index, strings))
            .collect();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(feed, title, subtitle, None, strings),
            feed => value(feeds::feed(config, title, subtitle, &url, page_url, updated)),
            entries,
        }
    }

    /// The feed entry of a story, made once and shared by every feed that lists the story.
    fn feed_entry(&self, index: usize, strings: &Strings) -> Value {
        self.feed_entries[index]
            .get_or_init(|| self.make_feed_entry(index, &self.render_body(index), strings))
            .clone()
    }

    /// The feed entry of `site.stories[index]`, whose body renders as `html`.
    pub(super) fn make_feed_entry(&self, index: usize, html: &str, strings: &Strings) -> Value {
        let config = &self.site.config;
        let story = &self.site.stories[index];
        let notes = feeds::EntryNotes {
            corrections: story
                .corrections
                .iter()
                .map(|c| (c.date.display(self.bodies.date_style()), c.text.clone()))
                .collect(),
            funding: self.funding_disclosure(story, strings),
        };
        let mut entry = feeds::story_entry(
            config,
            story,
            story.summary_or_first_paragraph(),
            html,
            &notes,
            strings,
        );
        // A story is in many feeds (the site's, its series', each topic's and person's): its
        // body, the longest text of a feed, is escaped here once, as the template would escape
        // it, instead of in every feed.
        let content = Value::from_safe_string(escape::html(&std::mem::take(&mut entry.content)));
        minijinja::context! { content, ..value(entry) }
    }

    pub(super) fn corrections_feed(&self, strings: &Strings) -> Value {
        let config = &self.site.config;
        let entries: Vec<_> = self.ledger().iter().take(FEED_ENTRIES).collect();
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
                    &correction.date.display(self.bodies.date_style()),
                    strings,
                ))
            })
            .collect();
        let title = strings.say("feed.corrections_title", &[("site", &config.title)]);
        let subtitle = strings.say("feed.corrections_subtitle", &[]);
        let url = self.routes.url(Page::CorrectionsFeed);
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::CorrectionsFeed, &title, &subtitle, None, strings),
            feed => value(feeds::feed(config, &title, &subtitle, &url, crate::layout::CORRECTIONS_URL, updated)),
            entries,
        }
    }

    /// The site path and last change of an HTML page, for the sitemap; None for pages that are
    /// not listed there (the 404 page, feeds and other files).
    fn sitemap_entry(&self, page: Page) -> Option<(String, Option<StoryDate>)> {
        if !page.in_sitemap() {
            return None;
        }
        let of = |stories: &mut dyn Iterator<Item = usize>| {
            outputs::latest(stories.map(|index| &self.last_changed[index]))
        };
        // A listing page changes with the stories (or corrections) on it.
        let lastmod = match page {
            Page::Story(index) => Some(self.last_changed[index]),
            Page::Listing(Listing::Corrections, number) => {
                let items = self.routes.page_items(Listing::Corrections, number);
                self.ledger()[items]
                    .first()
                    .map(|entry| self.correction(*entry).date)
            }
            Page::Listing(..) => {
                let stories = self.routes.listed_stories(page).unwrap_or_default();
                of(&mut stories.into_iter())
            }
            _ => of(&mut self.index.stories.iter().copied()),
        };
        Some((self.routes.url(page), lastmod))
    }

    pub(super) fn sitemap(&self, strings: &Strings) -> Value {
        let config = &self.site.config;
        let urls: Vec<sitemaps::SitemapUrl> = self
            .pages()
            .into_iter()
            .filter_map(|page| self.sitemap_entry(page))
            .map(|(url, lastmod)| sitemaps::SitemapUrl::new(config, &url, lastmod))
            .collect();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Sitemap, &strings.say("page.sitemap", &[]), "", None, strings),
            urls => value(urls),
        }
    }

    pub(super) fn news_sitemap(&self, strings: &Strings) -> Value {
        let config = &self.site.config;
        let stories: Vec<sitemaps::NewsUrl> = self
            .index
            .news
            .iter()
            .map(|&index| sitemaps::news_url(config, &self.site.stories[index]))
            .collect();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::NewsSitemap, &strings.say("page.news_sitemap", &[]), "", None, strings),
            publication => value(sitemaps::news_publication(config)),
            stories => value(stories),
        }
    }

    pub(super) fn robots(&self, strings: &Strings) -> Value {
        let config = &self.site.config;
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Robots, &strings.say("page.robots", &[]), "", None, strings),
            sitemaps => std::iter::once(SITEMAP_URL)
                .chain((!self.index.news.is_empty()).then_some(NEWS_SITEMAP_URL))
                .map(|url| config.absolute_url(url))
                .collect::<Vec<_>>(),
        }
    }
}
