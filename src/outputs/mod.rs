//! Newsroom outputs: what byline publishes for machines and for accountability besides the
//! pages themselves — schema.org structured data ([`jsonld`]), Atom feeds ([`feeds`]), sitemaps
//! and robots.txt ([`sitemaps`]), and the corrections ledger and funders page ([`ledger`]).
//!
//! Each function here takes plain data (stories, the site configuration, dates) and returns
//! plain data or strings; `render` turns them into template values and pages, so feeds and
//! sitemaps go through the theme like every other page and a site can override them. Nothing
//! here reads files: everything comes from the stories of the edition being rendered, so drafts
//! and embargoed stories, which a build leaves out of it, appear in none of these outputs.

pub mod feeds;
pub mod jsonld;
pub mod ledger;
pub mod sitemaps;

use crate::config::SiteConfig;
use crate::dates::StoryDate;
use crate::model::Story;
use crate::url::{has_scheme, resolve_against};

/// The latest of `dates` (by instant), or None when there are none. Of equal instants the
/// first wins, so the result does not depend on anything but the order given.
pub fn latest<'a>(dates: impl IntoIterator<Item = &'a StoryDate>) -> Option<StoryDate> {
    dates
        .into_iter()
        .fold(None, |best: Option<StoryDate>, date| match best {
            Some(best) if best.instant >= date.instant => Some(best),
            _ => Some(*date),
        })
}

/// When the story last changed after publication: the latest of `updated` and its corrections'
/// dates that are not before publication (a day alone counts from the start of that day in the
/// newsroom's zone, see [`StoryDate::is_before`]), or None when it has none. A change dated
/// only by the day the story went out, at a time later that day, cannot be placed before the
/// publication: it is given the publication's instant.
pub fn modified(story: &Story) -> Option<StoryDate> {
    let changes = story
        .updated
        .iter()
        .chain(story.corrections.iter().map(|c| &c.date))
        .filter(|date| !date.is_before(&story.date))
        .map(|date| {
            if date.instant < story.date.instant {
                story.date
            } else {
                *date
            }
        })
        .collect::<Vec<_>>();
    latest(&changes)
}

/// When the story last changed: [`modified`], else its publication date. Every output that says
/// when a story changed (JSON-LD `dateModified`, `article:modified_time`, Atom `updated`,
/// sitemap `lastmod`) uses this one rule.
pub fn last_changed(story: &Story) -> StoryDate {
    modified(story).unwrap_or(story.date)
}

/// The absolute URL of a link as it stands in a page's HTML (site paths already under the base
/// path), on the page at site path `page_url`.
pub fn absolute_href(config: &SiteConfig, page_url: &str, href: &str) -> String {
    if href.starts_with('/') && !href.starts_with("//") {
        return config.absolute_href(href);
    }
    absolute_link(config, page_url, href)
}

/// The absolute URL of a link written on the page at `page_url`: site paths and relative paths
/// get the site's address, `#fragment` the page's own; URLs with a scheme stay as they are.
pub fn absolute_link(config: &SiteConfig, page_url: &str, target: &str) -> String {
    if target.is_empty() || target.starts_with("//") || has_scheme(target) {
        return target.to_string();
    }
    if target.starts_with('#') {
        return format!("{}{page_url}{target}", config.base_url);
    }
    config.absolute_url(&resolve_against(page_url, target))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config;
    use std::path::Path;

    pub(crate) fn config() -> SiteConfig {
        config::parse(
            "title: T\nbase_url: https://news.example.org/\n",
            Path::new("site.yaml"),
        )
        .unwrap()
    }

    pub(crate) fn date(text: &str) -> StoryDate {
        StoryDate::parse(text, &jiff::tz::TimeZone::UTC).unwrap()
    }

    /// A minimal valid story.
    pub(crate) fn story(slug: &str, published: &str) -> Story {
        Story {
            source: format!("content/{slug}.md").into(),
            slug: slug.to_string(),
            url: format!("/{slug}/"),
            series: None,
            title: slug.to_string(),
            date: date(published),
            updated: None,
            reporters: vec!["R".into()],
            editors: vec!["E".into()],
            credits: Vec::new(),
            funders: vec!["F".into()],
            image: None,
            summary: None,
            topics: Vec::new(),
            draft: false,
            publish_at: None,
            sources: Vec::new(),
            corrections: Vec::new(),
            claims: Vec::new(),
            extra: crate::yaml::FreeValue::Null,
            body: crate::source::body("", 1, crate::source::Keep::Text),
            aliases: Vec::new(),
            aliases_position: crate::diag::Position::default(),
            withdrawn: None,
        }
    }

    fn correction(day: &str) -> crate::model::Correction {
        crate::model::Correction {
            date: date(day),
            text: day.to_string(),
        }
    }

    #[test]
    fn last_change_is_the_latest_update_or_correction() {
        let mut s = story("s", "2022-02-09");
        assert_eq!(modified(&s), None);
        assert_eq!(last_changed(&s).iso(), "2022-02-09");
        s.updated = Some(date("2022-02-10"));
        s.corrections = vec![correction("2022-02-12"), correction("2022-02-11")];
        assert_eq!(modified(&s).unwrap().iso(), "2022-02-12");
        assert_eq!(last_changed(&s).iso(), "2022-02-12");
        // An `updated` before publication does not move the last change back.
        s.corrections.clear();
        s.updated = Some(date("2022-01-01"));
        assert_eq!(modified(&s), None);
        assert_eq!(last_changed(&s).iso(), "2022-02-09");
    }

    #[test]
    fn a_correction_dated_the_day_of_a_late_story_is_one_rule_everywhere() {
        let new_york = crate::dates::time_zone("America/New_York").unwrap();
        let in_zone = |text: &str| StoryDate::parse(text, &new_york).unwrap();
        let mut s = story("s", "2022-02-09");
        s.date = in_zone("2022-02-09T23:30:00-05:00");
        s.corrections = vec![crate::model::Correction {
            date: in_zone("2022-02-10"),
            text: "t".into(),
        }];
        assert_eq!(modified(&s).unwrap().rfc3339(), "2022-02-10T00:00:00-05:00");
        assert_eq!(last_changed(&s).rfc3339(), "2022-02-10T00:00:00-05:00");
        // In UTC the story went out at 04:30 on the 10th: a correction dated the 10th was made
        // after it that day, and is given its instant.
        s.date = date("2022-02-09T23:30:00-05:00");
        s.corrections[0].date = date("2022-02-10");
        assert_eq!(modified(&s), Some(s.date));
        assert_eq!(last_changed(&s), s.date);
    }

    #[test]
    fn latest_compares_instants_not_text() {
        let dates = [
            date("2022-02-10"),
            date("2022-02-10T23:30:00-05:00"),
            date("2022-02-11T01:00:00+02:00"),
        ];
        assert_eq!(latest(&dates).unwrap().iso(), "2022-02-10T23:30:00-05:00");
        assert_eq!(latest(&[]), None);
    }

    #[test]
    fn links_become_absolute() {
        let config = config();
        let page = "/s/story/";
        assert_eq!(
            absolute_link(&config, page, "/images/a.png"),
            "https://news.example.org/images/a.png"
        );
        assert_eq!(
            absolute_link(&config, page, "map.png"),
            "https://news.example.org/s/story/map.png"
        );
        assert_eq!(
            absolute_link(&config, page, "#fn-1"),
            "https://news.example.org/s/story/#fn-1"
        );
        for kept in [
            "https://x.org/a",
            "mailto:desk@example.org",
            "//cdn.example/x.js",
            "",
        ] {
            assert_eq!(absolute_link(&config, page, kept), kept);
        }
    }
}
