//! The story page: the story with its byline by role, series place and neighbours, funding
//! disclosure, corrections, claims and structured data.

use minijinja::Value;

use super::SiteView;
use super::context::{
    AppearanceContext, ClaimContext, CorrectionContext, FundingContext, LinkContext, RoleContext,
    SeriesNeighbourContext, SourceContext, StoryContext, StorySeriesContext, value,
};
use crate::index::{Role, story_roles};
use crate::layout::{TOPICS_URL, feed_url};
use crate::model::{AgentKind, Funding, Series, Story, funding};
use crate::outputs::{self, jsonld, ledger};
use crate::routes::Page;
use crate::theme::Strings;
use crate::typography::{smart, smart_owned};

impl<'a> SiteView<'a> {
    pub(super) fn story_page(&self, index: usize, strings: &Strings) -> Value {
        let story = &self.site.stories[index];
        let description = story.summary_or_first_paragraph();
        let series_feed = story.series.map(|series| {
            let series = &self.site.series[series];
            (series.title.as_str(), feed_url(&series.url))
        });
        minijinja::context! {
            site => self.site_value.clone(),
            page => self.page_value(Page::Story(index), &story.title, description, series_feed, strings),
            story => self.story_value(index, strings),
        }
    }

    fn story_value(&self, index: usize, strings: &Strings) -> Value {
        let story: &'a Story = &self.site.stories[index];
        let (series_context, previous, next) = self.series_neighbours(index);
        let related = self
            .index
            .related(self.site, index, RELATED_STORIES)
            .into_iter()
            .map(|story| self.neighbour(story))
            .collect();
        let config = &self.site.config;
        let format = self.bodies.date_style();
        let series = story.series.map(|index| &self.site.series[index]);
        let byline: Vec<RoleContext> = story_roles(story)
            .map(|(role, names)| RoleContext {
                role: smart_owned(&role_name(&role, strings)),
                label: smart_owned(&role_label(&role, names.len(), strings)),
                people: self.people_links(names),
            })
            .collect();
        let funded_by = funding(story, &self.site.series);
        let funding = (funded_by.all().next().is_some()).then(|| FundingContext {
            text: smart_owned(&funding_text(&funded_by, strings)),
            note: config.funding_note.as_deref().map(smart),
            funders: self.funders(funded_by.all()),
        });
        let claim_anchors = ledger::claim_anchors(&story.claims);
        let correction_anchors = ledger::correction_anchors(&story.corrections);
        let description = story.summary_or_first_paragraph();
        let json_ld = jsonld::story_documents(&jsonld::ArticleInput {
            story,
            config,
            series,
            description,
            claim_anchors: &claim_anchors,
        });
        value(StoryContext {
            title: smart(&story.title),
            url: self.href(&story.url),
            permalink: config.absolute_url(&story.url),
            date: story.date.iso(),
            date_display: story.date.display(format),
            updated: story.updated.map(|d| d.iso()),
            updated_display: story.updated.map(|d| d.display(format)),
            published_time: story.date.rfc3339(),
            modified_time: outputs::modified(story).map(|d| d.rfc3339()),
            summary: smart(description),
            reporters: self.people_links(&story.reporters),
            series: series_context,
            previous,
            next,
            related,
            topics: story
                .topics
                .iter()
                .map(|name| LinkContext {
                    name: smart(name),
                    url: self.href(self.index.topic_url(name).unwrap_or(TOPICS_URL)),
                })
                .collect(),
            image: self.image(story.image.as_ref()),
            byline,
            funding,
            sources: story
                .sources
                .iter()
                .map(|s| SourceContext {
                    title: smart(&s.title),
                    url: s.url.as_deref().map(|url| self.href(url)),
                    publisher: s.publisher.as_deref().map(smart),
                })
                .collect(),
            corrections: story
                .corrections
                .iter()
                .zip(&correction_anchors)
                .map(|(c, anchor)| CorrectionContext {
                    date: c.date.iso(),
                    date_display: c.date.display(format),
                    text: smart(&c.text),
                    anchor,
                })
                .collect(),
            claims: story
                .claims
                .iter()
                .zip(claim_anchors)
                .map(|(c, anchor)| ClaimContext {
                    claim: smart(&c.claim),
                    claimant: smart(&c.claimant.name),
                    claimant_url: c.claimant.url.as_deref(),
                    claimant_type: match c.claimant.kind {
                        AgentKind::Person => "person",
                        AgentKind::Organization => "organization",
                    },
                    rating: smart(&c.rating),
                    date: c.date.map(|d| d.iso()),
                    date_display: c.date.map(|d| d.display(format)),
                    appeared_in: c.appeared_in.as_ref().map(|place| AppearanceContext {
                        url: self.href(&place.url),
                        title: place.title.as_deref().map(smart),
                    }),
                    anchor,
                })
                .collect(),
            extra: &story.extra,
            draft: story.draft,
            content: self.body_html(index, strings),
            json_ld: json_ld.into_iter().map(Value::from_safe_string).collect(),
        })
    }

    /// The funding disclosure of `story` as its page ends with it: the funding sentence and the
    /// site's funding note, or None for a story without a funder.
    pub(super) fn funding_disclosure(&self, story: &Story, strings: &Strings) -> Option<String> {
        let funded_by = funding(story, &self.site.series);
        funded_by.all().next()?;
        let mut text = funding_text(&funded_by, strings);
        if let Some(note) = &self.site.config.funding_note {
            text.push(' ');
            text.push_str(note);
        }
        Some(text)
    }

    /// The story page's series, with the story's part number, and the stories published just
    /// before and after it in the same series (by date; the series listing's order).
    fn series_neighbours(
        &self,
        index: usize,
    ) -> (
        Option<StorySeriesContext<'a>>,
        Option<SeriesNeighbourContext<'a>>,
        Option<SeriesNeighbourContext<'a>>,
    ) {
        let Some(series_index) = self.site.stories[index].series else {
            return (None, None, None);
        };
        let series: &'a Series = &self.site.series[series_index];
        // Newest first, like the series page.
        let stories = &self.index.series_stories[series_index];
        let Some(position) = stories.iter().position(|&story| story == index) else {
            return (None, None, None);
        };
        let neighbour = |story: Option<&usize>| story.map(|&story| self.neighbour(story));
        let context = StorySeriesContext {
            title: smart(&series.title),
            url: self.href(&series.url),
            part: stories.len() - position,
            parts: stories.len(),
        };
        let previous = neighbour(stories.get(position + 1));
        let next = neighbour(position.checked_sub(1).and_then(|p| stories.get(p)));
        (Some(context), previous, next)
    }

    /// Another story, as a link with its date.
    fn neighbour(&self, index: usize) -> SeriesNeighbourContext<'a> {
        let story: &'a Story = &self.site.stories[index];
        SeriesNeighbourContext {
            title: smart(&story.title),
            url: self.href(&story.url),
            date: story.date.iso(),
            date_display: story.date.display(self.bodies.date_style()),
        }
    }
}

/// How many related stories a story page shows.
const RELATED_STORIES: usize = 3;

/// A role's name, in the theme's words for the roles every story has.
pub(super) fn role_name(role: &Role, strings: &Strings) -> String {
    match role {
        Role::Reporter => strings.say_count("role.reporter", 1, &[]),
        Role::Editor => strings.say_count("role.editor", 1, &[]),
        Role::Credit(name) => name.clone(),
    }
}

/// The label of a byline role for `count` people: the theme's words for reporters and editors;
/// a further credit's job title pluralised ("Fact checkers"), while roles that name a kind of
/// work ("Data", "Additional reporting") are not. A credit is the newsroom's own words, in its
/// language: only an English one is pluralised, by English rules ("Datenjournalist" stays).
fn role_label(role: &Role, count: usize, strings: &Strings) -> String {
    match role {
        Role::Reporter => strings.say_count("role.reporter", count, &[]),
        Role::Editor => strings.say_count("role.editor", count, &[]),
        Role::Credit(name) if is_english(strings.language()) => credit_label(name, count),
        Role::Credit(name) => name.clone(),
    }
}

/// Whether `language` (`en`, `en-GB`) is English.
fn is_english(language: &str) -> bool {
    let base = language.split(['-', '_']).next().unwrap_or(language);
    base.eq_ignore_ascii_case(crate::theme::strings::FALLBACK_LANGUAGE)
}

/// A further English credit's label for `count` people (see [`role_label`]).
fn credit_label(role: &str, count: usize) -> String {
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

/// The funding disclosure's first sentence: the story's own funders as the story's, its series'
/// as the series' ("This story was funded by A, as part of our reporting on S, which is funded
/// by B."), each funder named once.
pub(super) fn funding_text(funding: &Funding, strings: &Strings) -> String {
    let own = strings.join(funding.own);
    match &funding.series {
        None => strings.say("funding.story", &[("funders", &own)]),
        Some((series, names)) => {
            let series_funders = strings.join(names);
            if funding.own.is_empty() {
                strings.say(
                    "funding.series",
                    &[("series", &series.title), ("funders", &series_funders)],
                )
            } else {
                strings.say(
                    "funding.story_in_series",
                    &[
                        ("funders", &own),
                        ("series", &series.title),
                        ("series_funders", &series_funders),
                    ],
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pluralises_job_titles_only() {
        let strings = Strings::english();
        assert_eq!(role_label(&Role::Reporter, 2, &strings), "Reporters");
        assert_eq!(role_label(&Role::Reporter, 1, &strings), "Reporter");
        assert_eq!(role_label(&Role::Editor, 2, &strings), "Editors");
        assert_eq!(credit_label("Fact checker", 3), "Fact checkers");
        assert_eq!(credit_label("Global editor", 2), "Global editors");
        assert_eq!(credit_label("Data", 2), "Data");
        assert_eq!(
            credit_label("Additional reporting", 2),
            "Additional reporting"
        );
        let credit = Role::Credit("Datenjournalist".into());
        assert_eq!(role_label(&credit, 2, &strings), "Datenjournalists");
        let theme = crate::theme::Theme::load(std::path::Path::new("/nonexistent-site"), "default")
            .unwrap();
        let empty = crate::yaml::FreeValue::empty_map();
        let (german, _) = Strings::load(&theme, "de", &empty).unwrap();
        assert_eq!(role_label(&credit, 2, &german), "Datenjournalist");
        let (british, _) = Strings::load(&theme, "en-GB", &empty).unwrap();
        assert_eq!(
            role_label(&Role::Credit("Fact checker".into()), 2, &british),
            "Fact checkers"
        );
    }

    #[test]
    fn funding_sentences() {
        use crate::outputs::tests::story;
        let strings = Strings::english();
        let series = crate::model::Series {
            slug: "dm".into(),
            url: "/dm/".into(),
            source: "content/dm/_index.md".into(),
            title: "Decision Machines".into(),
            summary: None,
            funders: vec!["Open Society Foundations".into()],
            image: None,
            extra: crate::yaml::FreeValue::Null,
            description: crate::source::body("", 1, crate::source::Keep::Text),
            paginate: None,
        };
        let all = [series];
        let mut inherited = story("a", "2022-02-09");
        inherited.funders.clear();
        inherited.series = Some(0);
        assert_eq!(
            funding_text(&funding(&inherited, &all), &strings),
            "Our reporting on Decision Machines is funded by Open Society Foundations."
        );
        let mut own = inherited.clone();
        own.funders = vec!["Luminate".into()];
        assert_eq!(
            funding_text(&funding(&own, &all), &strings),
            "This story was funded by Luminate, as part of our reporting on Decision Machines, which is funded by Open Society Foundations."
        );
        // A story naming its series' funder again: said once, as the series'.
        let mut same = inherited.clone();
        same.funders = vec!["Open Society Foundations".into(), "Luminate".into()];
        assert_eq!(
            funding_text(&funding(&same, &all), &strings),
            "This story was funded by Open Society Foundations and Luminate."
        );
        let mut alone = story("b", "2022-02-09");
        alone.funders = vec!["A".into(), "B".into()];
        assert_eq!(
            funding_text(&funding(&alone, &all), &strings),
            "This story was funded by A and B."
        );
    }
}
