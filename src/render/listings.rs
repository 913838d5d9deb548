//! The pages that list stories: a series, a topic, a person, the home page, the indexes of
//! topics and people, the corrections ledger and the funders page; and the 404 page.

use minijinja::Value;

use super::SiteView;
use super::context::{
    FunderPageContext, FunderSeriesContext, LedgerContext, LinkContext, PersonContext,
    PersonSummary, SeriesContext, SeriesLinkContext, SeriesSummary, TopicSummary, value,
};
use super::story::role_name;
use crate::config::PersonProfile;
use crate::layout::{CORRECTIONS_FEED_URL, feed_url};
use crate::model::{Correction, Series};
use crate::outputs::ledger::{self, LedgerEntry};
use crate::routes::Page;
use crate::theme::Strings;
use crate::typography::smart;

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
            title: smart(&series.title),
            url: self.href(&series.url),
            permalink: self.site.config.absolute_url(&series.url),
            summary: smart(series.summary.as_deref().unwrap_or("")),
            description: Value::from_safe_string(self.bodies.html(
                &series.source,
                &series.url,
                &series.description,
                &[],
            )),
            image: self.image(series.image.as_ref()),
            funders: self.funders(series.funders.iter().map(String::as_str)),
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
            topic => value(LinkContext {
                name: smart(&topic.name),
                url: self.href(&topic.url),
            }),
            stories => self.cards_of(topic.stories.iter().copied()),
        }
    }

    pub(super) fn topics_page(&self, strings: &Strings) -> Value {
        let topics: Vec<TopicSummary> = self
            .index
            .topics
            .iter()
            .map(|t| TopicSummary {
                name: smart(&t.name),
                url: self.href(&t.url),
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
                name: smart(&person.name),
                url: self.href(&person.url),
                title: profile.and_then(|p| p.title.as_deref()).map(smart),
                bio: profile.and_then(|p| p.bio.as_deref()).map(smart),
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
                name: smart(&p.name),
                url: self.href(&p.url),
                title: p
                    .profile
                    .and_then(|i| config.people[i].title.as_deref())
                    .map(smart),
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
                title: smart(&s.title),
                url: self.href(&s.url),
                summary: smart(s.summary.as_deref().unwrap_or("")),
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
        let format = self.bodies.date_style();
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
                    text: smart(&correction.text),
                    url: format!("{}#{anchor}", self.href(&story.url)),
                    anchor,
                    story: SeriesLinkContext {
                        title: smart(&story.title),
                        url: self.href(&story.url),
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
                    name: smart(&funder.name),
                    anchor: &funder.anchor,
                    url: registered.and_then(|f| f.url.as_deref()),
                    description: registered.and_then(|f| f.description.as_deref()).map(smart),
                    series: funder
                        .series
                        .iter()
                        .filter(|(index, _)| self.index.publishes_series(*index))
                        .map(|(index, stories)| {
                            let series = &self.site.series[*index];
                            FunderSeriesContext {
                                title: smart(&series.title),
                                url: self.href(&series.url),
                                stories: stories.len(),
                            }
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
