//! The pages that list stories: a series, a topic, a person, the home page, the indexes of
//! topics and people, the corrections ledger and the funders page; and the 404 page.

use minijinja::Value;

use super::SiteView;
use super::context::{
    FunderPageContext, LedgerContext, LinkContext, PersonContext, PersonSummary, SeriesContext,
    SeriesLinkContext, SeriesSummary, TopicSummary, value,
};
use super::story::role_name;
use crate::config::PersonProfile;
use crate::layout::{CORRECTIONS_FEED_URL, feed_url};
use crate::model::{Correction, Series};
use crate::outputs::ledger::{self, LedgerEntry};
use crate::routes::Page;
use crate::theme::Strings;

impl<'a> SiteView<'a> {
    pub(super) fn series_page(&self, index: usize, strings: &Strings) -> Value {
        let series = &self.site.series[index];
        let description = series.summary.as_deref().unwrap_or("");
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(
                Page::Series(index),
                &series.title,
                description,
                Some((&series.title, feed_url(&series.url))),
                strings,
            ),
            series => self.series_value(series),
            stories => self.cards_of(self.index.series_stories[index].iter().copied()),
        }
    }

    fn series_value(&self, series: &'a Series) -> Value {
        value(SeriesContext {
            title: &series.title,
            url: &series.url,
            permalink: self.site.config.absolute_url(&series.url),
            summary: series.summary.as_deref().unwrap_or(""),
            description: Value::from_safe_string(self.bodies.html(
                &series.source,
                &series.url,
                &series.description,
                &[],
            )),
            image: self.image(series.image.as_ref()),
            funders: self.funders(&series.funders),
            extra: &series.extra,
        })
    }

    pub(super) fn topic_page(&self, index: usize, strings: &Strings) -> Value {
        let topic = &self.index.topics[index];
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(
                Page::Topic(index),
                &topic.name,
                "",
                Some((&topic.name, feed_url(&topic.url))),
                strings,
            ),
            topic => value(LinkContext { name: &topic.name, url: &topic.url }),
            stories => self.cards_of(topic.stories.iter().copied()),
        }
    }

    pub(super) fn topics_page(&self, strings: &Strings) -> Value {
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
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Topics, &strings.say("page.topics", &[]), "", None, strings),
            topics => value(topics),
        }
    }

    pub(super) fn person_page(&self, index: usize, strings: &Strings) -> Value {
        let config = &self.site.config;
        let person = &self.index.people[index];
        let profile: Option<&PersonProfile> = person.profile.map(|i| &config.people[i]);
        let entries: Vec<Value> = person
            .stories
            .iter()
            .map(|(story, roles)| {
                let roles: Vec<String> =
                    roles.iter().map(|role| role_name(role, strings)).collect();
                minijinja::context! { card => self.card_at(*story), roles => roles }
            })
            .collect();
        let description = profile.and_then(|p| p.bio.as_deref()).unwrap_or("");
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(
                Page::Person(index),
                &person.name,
                description,
                Some((&person.name, feed_url(&person.url))),
                strings,
            ),
            person => value(PersonContext {
                name: &person.name,
                url: &person.url,
                title: profile.and_then(|p| p.title.as_deref()),
                bio: profile.and_then(|p| p.bio.as_deref()),
                link: profile.and_then(|p| p.url.as_deref()),
            }),
            entries,
        }
    }

    pub(super) fn people_page(&self, strings: &Strings) -> Value {
        let config = &self.site.config;
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
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::People, &strings.say("page.people", &[]), "", None, strings),
            people => value(people),
        }
    }

    pub(super) fn home_page(&self, strings: &Strings) -> Value {
        let series_list: Vec<SeriesSummary> = self
            .site
            .series
            .iter()
            .enumerate()
            .filter(|(index, _)| self.index.publishes_series(*index))
            .map(|(_, s)| SeriesSummary {
                title: &s.title,
                url: &s.url,
                summary: s.summary.as_deref().unwrap_or(""),
            })
            .collect();
        let latest = self.routes.listed_stories(Page::Home).unwrap_or_default();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Home, &self.site.config.title, "", None, strings),
            stories => self.cards_of(latest.into_iter()),
            series_list => value(series_list),
        }
    }

    pub(super) fn not_found_page(&self, strings: &Strings) -> Value {
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::NotFound, &strings.say("page.not_found", &[]), "", None, strings),
        }
    }

    pub(super) fn corrections_page(&self, strings: &Strings) -> Value {
        let format = &self.site.config.date_format;
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
        let title = strings.say("page.corrections", &[]);
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(
                Page::Corrections,
                &title,
                &strings.say("page.corrections_description", &[]),
                Some((&title, CORRECTIONS_FEED_URL.to_string())),
                strings,
            ),
            corrections => value(corrections),
        }
    }

    pub(super) fn funders_page(&self, strings: &Strings) -> Value {
        let config = &self.site.config;
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
                        .enumerate()
                        .filter(|(index, series)| {
                            self.index.publishes_series(*index)
                                && series.funders.contains(&funder.name)
                        })
                        .map(|(_, series)| SeriesLinkContext {
                            title: &series.title,
                            url: &series.url,
                        })
                        .collect(),
                    stories: self.cards_of(funder.stories.iter().copied()),
                }
            })
            .collect();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(
                Page::Funders,
                &strings.say("page.funders", &[]),
                &strings.say("page.funders_description", &[]),
                None,
                strings,
            ),
            funders => value(funders),
        }
    }

    pub(super) fn correction(&self, entry: LedgerEntry) -> &'a Correction {
        &self.site.stories[entry.story].corrections[entry.correction]
    }

    pub(super) fn correction_anchor(&self, entry: LedgerEntry) -> String {
        let corrections = &self.site.stories[entry.story].corrections;
        ledger::correction_anchors(corrections).swap_remove(entry.correction)
    }
}
