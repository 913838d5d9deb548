//! The pages that list stories: a series, a topic, a person, a funder, the home page (each a
//! page of its listing at a time), the indexes of topics and people, the corrections ledger
//! and the funders page; the search page, the 404 page, what stays at a withdrawn story's
//! address, the redirects from old addresses.

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
use crate::routes::{Listing, Page};
use crate::theme::Strings;
use crate::typography::smart;

impl<'a> SiteView<'a> {
    /// The stories page `number` of `listing` shows, as cards.
    fn page_cards(&self, listing: Listing, number: usize) -> Value {
        let stories = self
            .routes
            .listed_stories(Page::Listing(listing, number))
            .unwrap_or_default();
        self.cards_of(stories.into_iter())
    }

    pub(super) fn series_page(&self, index: usize, number: usize, strings: &Strings) -> Value {
        let series = &self.site.series[index];
        let description = series.summary.as_deref().unwrap_or("");
        let listing = Listing::Series(index);
        let latest = self.index.series_stories[index]
            .first()
            .map(|&story| self.card_at(story));
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.listing_page_value(
                listing,
                number,
                &series.title,
                description,
                Some((&series.title, feed_url(&series.url))),
                strings,
            ),
            series => self.series_value(series),
            stories => self.page_cards(listing, number),
            latest,
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

    pub(super) fn topic_page(&self, index: usize, number: usize, strings: &Strings) -> Value {
        let topic = &self.index.topics[index];
        let listing = Listing::Topic(index);
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.listing_page_value(
                listing,
                number,
                &topic.name,
                "",
                Some((&topic.name, feed_url(&topic.url))),
                strings,
            ),
            topic => value(LinkContext {
                name: smart(&topic.name),
                url: self.href(&topic.url),
            }),
            stories => self.page_cards(listing, number),
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

    pub(super) fn person_page(&self, index: usize, number: usize, strings: &Strings) -> Value {
        let config = &self.site.config;
        let person = &self.index.people[index];
        let listing = Listing::Person(index);
        let profile: Option<&PersonProfile> = person.profile.map(|i| &config.people[i]);
        let entries: Vec<Value> = person.stories[self.routes.page_items(listing, number)]
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
            page => self.listing_page_value(
                listing,
                number,
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

    pub(super) fn home_page(&self, number: usize, strings: &Strings) -> Value {
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
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.listing_page_value(Listing::Home, number, &self.site.config.title, "", None, strings),
            stories => self.page_cards(Listing::Home, number),
            series_list => value(series_list),
        }
    }

    pub(super) fn not_found_page(&self, strings: &Strings) -> Value {
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::NotFound, &strings.say("page.not_found", &[]), "", None, strings),
        }
    }

    pub(super) fn corrections_page(&self, number: usize, strings: &Strings) -> Value {
        let format = self.bodies.date_style();
        let items = self.routes.page_items(Listing::Corrections, number);
        let corrections: Vec<LedgerContext> = self.ledger()[items]
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
            page => self.listing_page_value(
                Listing::Corrections,
                number,
                &title,
                &strings.say("page.corrections_description", &[]),
                Some((&title, CORRECTIONS_FEED_URL.to_string())),
                strings,
            ),
            corrections => value(corrections),
        }
    }

    /// A funder of [`SiteIndex::funders`](crate::index::SiteIndex) as templates see it.
    fn funder_value(&self, index: usize) -> FunderPageContext<'a> {
        let config = &self.site.config;
        let funder = &self.index.funders[index];
        let registered = funder.registry.map(|index| &config.funders[index]);
        let stories_url = self.routes.listing_url(Listing::Funder(index));
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
            direct: funder.stories.len(),
            count: funder.all.len(),
            stories_url: self.href(&stories_url).into_owned(),
        }
    }

    pub(super) fn funders_page(&self, strings: &Strings) -> Value {
        let funders: Vec<FunderPageContext> = (0..self.index.funders.len())
            .map(|index| self.funder_value(index))
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

    /// Page `number` of the stories funder `index` paid for.
    pub(super) fn funder_page(&self, index: usize, number: usize, strings: &Strings) -> Value {
        let listing = Listing::Funder(index);
        let funder = self.funder_value(index);
        let title = strings.say("page.funder", &[("funder", &funder.name)]);
        let description = funder.description.clone().unwrap_or_default();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.listing_page_value(listing, number, &title, &description, None, strings),
            funder => value(funder),
            stories => self.page_cards(listing, number),
        }
    }

    pub(super) fn search_page(&self, strings: &Strings) -> Value {
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Search, &strings.say("page.search", &[]), "", None, strings),
        }
    }

    /// What stays at a withdrawn story's address: when and why, not the story.
    pub(super) fn withdrawn_page(&self, index: usize, strings: &Strings) -> Value {
        let story = &self.site.stories[index];
        let withdrawal = story
            .withdrawn
            .as_ref()
            .expect("only withdrawn stories get a withdrawal page");
        let format = self.bodies.date_style();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Withdrawn(index), &strings.say("page.withdrawn", &[]), "", None, strings),
            withdrawn => minijinja::context! {
                date => withdrawal.date.iso(),
                date_display => withdrawal.date.display(format),
                reason => smart(&withdrawal.reason),
            },
        }
    }

    /// An old address of a story: a page that sends the reader on to the story.
    pub(super) fn redirect_page(&self, index: usize, strings: &Strings) -> Value {
        let redirect = &self.index.redirects[index];
        let story = &self.site.stories[redirect.story];
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Redirect(index), &story.title, "", None, strings),
            target => minijinja::context! {
                title => smart(&story.title),
                url => self.href(&story.url),
                permalink => self.site.config.absolute_url(&story.url),
            },
        }
    }

    /// `_redirects` and `redirects.json`: every old address and where it goes, under the base
    /// path like every link (`_redirects` writes addresses percent-encoded, as requests carry
    /// them).
    pub(super) fn redirects(&self, page: Page, strings: &Strings) -> Value {
        let redirects: Vec<Value> = self
            .index
            .redirects
            .iter()
            .map(|redirect| {
                let to = &self.site.stories[redirect.story].url;
                minijinja::context! {
                    from => self.href(&redirect.from),
                    to => self.href(to),
                    from_encoded => crate::url::percent_encoded(&self.href(&redirect.from)),
                    to_encoded => crate::url::percent_encoded(&self.href(to)),
                }
            })
            .collect();
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(page, &strings.say("page.redirects", &[]), "", None, strings),
            redirects,
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
