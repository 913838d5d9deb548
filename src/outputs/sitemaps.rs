//! Sitemaps for search engines: `/sitemap.xml` (every published page with its last change) and
//! `/news-sitemap.xml` in the Google News format (only the stories published in the two days
//! before the build time, at most 1,000). This module chooses the entries; the theme's
//! `sitemap.xml`, `news-sitemap.xml` and `robots.txt` templates write them, for the same
//! reasons as the feeds (see [`super::feeds`]).

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::config::SiteConfig;
use crate::dates::StoryDate;
use crate::escape::xml_text;
use crate::model::Story;

/// How far back the news sitemap looks from the build time.
pub const NEWS_WINDOW: SignedDuration = SignedDuration::from_hours(48);
/// The most stories Google News reads from one news sitemap.
pub const NEWS_MAX: usize = 1_000;

/// One page of the sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SitemapUrl {
    /// Absolute URL.
    pub loc: String,
    /// W3C date and time with offset (a day alone: its start in the newsroom's zone); None
    /// when unknown.
    pub lastmod: Option<String>,
}

impl SitemapUrl {
    pub fn new(config: &SiteConfig, url: &str, lastmod: Option<StoryDate>) -> SitemapUrl {
        SitemapUrl {
            loc: config.absolute_url(url),
            lastmod: lastmod.map(|date| date.rfc3339()),
        }
    }
}

/// One story of the news sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewsUrl {
    /// Absolute URL.
    pub loc: String,
    pub title: String,
    /// W3C date and time with offset, like every machine output's.
    pub publication_date: String,
}

/// The publication named in the news sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewsPublication {
    pub name: String,
    pub language: String,
}

/// Indexes of the stories `shown` (indexes into `stories`, newest first) published within
/// [`NEWS_WINDOW`] before `now`, none after it, at most [`NEWS_MAX`]. A story dated by its day
/// alone is in the window when any of that day (in the newsroom's zone) is.
pub fn news_window(stories: &[Story], shown: &[usize], now: Timestamp) -> Vec<usize> {
    let earliest = now - NEWS_WINDOW;
    shown
        .iter()
        .copied()
        .filter(|&index| stories[index].date.overlaps(earliest, now))
        .take(NEWS_MAX)
        .collect()
}

pub fn news_url(config: &SiteConfig, story: &Story) -> NewsUrl {
    NewsUrl {
        loc: config.absolute_url(&story.url),
        title: xml_text(&story.title),
        publication_date: story.date.rfc3339(),
    }
}

/// The publication: site.yaml's publisher name (else the site's title) and language.
pub fn news_publication(config: &SiteConfig) -> NewsPublication {
    NewsPublication {
        name: xml_text(
            config
                .publisher
                .as_ref()
                .and_then(|p| p.name.as_deref())
                .unwrap_or(&config.title),
        ),
        language: news_language(&config.language),
    }
}

/// The language as Google News wants it: the ISO 639 code alone (`en` for `en-GB`), except
/// `zh-cn` and `zh-tw`.
pub fn news_language(language: &str) -> String {
    let language = language.trim().to_lowercase().replace('_', "-");
    if language == "zh-cn" || language == "zh-tw" {
        return language;
    }
    language.split('-').next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn news_window_is_the_two_days_before_the_build() {
        use crate::outputs::tests::date;
        let now = at("2022-03-03T12:00:00Z");
        let earliest = now - NEWS_WINDOW;
        assert_eq!(earliest, at("2022-03-01T12:00:00Z"));
        let inside = |t: &str| date(t).overlaps(earliest, now);
        assert!(inside("2022-03-01T12:00:00Z"), "the window's first instant");
        assert!(inside("2022-03-03T12:00:00Z"), "the build time itself");
        assert!(!inside("2022-03-01T11:59:59Z"), "just over two days ago");
        assert!(!inside("2022-03-03T12:00:01Z"), "after the build");
        // A day alone is in the window when any of it is.
        assert!(inside("2022-03-01"), "its last twelve hours are");
        assert!(inside("2022-03-03"), "today");
        assert!(!inside("2022-02-28"), "it ended before the window began");
        assert!(!inside("2022-03-04"), "tomorrow");
    }

    #[test]
    fn news_languages_are_iso_639() {
        assert_eq!(news_language("en"), "en");
        assert_eq!(news_language("en-GB"), "en");
        assert_eq!(news_language("de_CH"), "de");
        assert_eq!(news_language("zh-TW"), "zh-tw");
    }

    #[test]
    fn news_window_keeps_at_most_a_thousand_newest() {
        use crate::outputs::tests::story;
        let mut stories = vec![story("future", "2022-03-04T00:00:00Z")];
        for minute in (0..1_100).rev() {
            let time = format!("2022-03-02T{:02}:{:02}:00Z", minute / 60, minute % 60);
            stories.push(story(&format!("s{minute}"), &time));
        }
        stories.push(story("old", "2022-02-01"));
        let window = news_window(
            &stories,
            &(0..stories.len()).collect::<Vec<_>>(),
            at("2022-03-03T00:00:00Z"),
        );
        assert_eq!(window.len(), NEWS_MAX);
        assert_eq!(window[0], 1, "the future story is left out");
        assert_eq!(stories[window[NEWS_MAX - 1]].slug, "s100");
    }
}
