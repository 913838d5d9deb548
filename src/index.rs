//! The site's listings: which stories an edition shows, and which of them each series, topic
//! and person lists, in the site's order; and where each story file is published, for links
//! written as `other-story.md`. Cheap to build (no template values), so the link checks can
//! know every page without preparing to render, and `serve` keeps indexes beside its model
//! between requests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic};
use crate::layout::{CONTENT_DIR, person_url, topic_url};
use crate::model::{Edition, Site, Story};
use crate::url::{normalise, slugify};

/// A topic and the stories filed under it.
#[derive(Debug)]
pub struct TopicEntry {
    /// The first spelling met, in the site's order.
    pub name: String,
    pub url: String,
    /// Indexes into [`Site::stories`], in the site's order.
    pub stories: Vec<usize>,
}

/// A role in a story's byline: the two every story has, or a further credit as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Reporter,
    Editor,
    Credit(String),
}

/// A person credited on the site and what they did on each story.
#[derive(Debug)]
pub struct PersonEntry {
    /// The first spelling met, in the site's order.
    pub name: String,
    pub url: String,
    /// Their profile in site.yaml, by index into [`SiteConfig::people`].
    pub profile: Option<usize>,
    /// Story index and the roles this person had on it.
    pub stories: Vec<(usize, Vec<Role>)>,
}

/// Which stories an edition shows and which of them each listing holds.
#[derive(Debug)]
pub struct SiteIndex {
    /// The edition's stories, by index into [`Site::stories`], in the site's order.
    pub stories: Vec<usize>,
    /// For each series of [`Site::series`], its stories of this edition.
    pub series_stories: Vec<Vec<usize>>,
    /// In the order of their slugs.
    pub topics: Vec<TopicEntry>,
    /// In the order of their slugs.
    pub people: Vec<PersonEntry>,
    /// The stories of the news sitemap: those published in the two days before the edition's
    /// moment (see [`crate::outputs::sitemaps::news_window`]), newest first. The news sitemap
    /// is published only when there is one.
    pub news: Vec<usize>,
    /// Every spelling of a person's name met on a story of this edition, and their entry in
    /// [`SiteIndex::people`].
    person_by_name: HashMap<String, usize>,
    /// Every spelling of a topic met, and its entry in [`SiteIndex::topics`].
    topic_by_name: HashMap<String, usize>,
    /// Names written two ways that would share one page (see [`SiteIndex::name_clashes`]).
    clashes: Vec<NameClash>,
}

/// A name written in a way that gives the same page as another spelling met first.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NameClash {
    /// "person" or "topic".
    kind: &'static str,
    spelling: String,
    /// The story it is written on, by index into [`Site::stories`].
    story: usize,
    first_spelling: String,
    first_story: usize,
    url: String,
}

impl SiteIndex {
    /// The listings of the stories of `site` that `edition` shows.
    pub fn new(site: &Site, edition: &Edition) -> SiteIndex {
        let config = &site.config;
        let stories: Vec<usize> = (0..site.stories.len())
            .filter(|&index| edition.includes(&site.stories[index]))
            .collect();
        let mut series_stories = vec![Vec::new(); site.series.len()];
        let mut topics = Grouping::default();
        let mut people = Grouping::default();
        let mut clashes = Vec::new();
        for &index in &stories {
            let story = &site.stories[index];
            if let Some(series) = story.series {
                series_stories[series].push(index);
            }
            for topic in &story.topics {
                let (entry, new_spelling) = topics.entry(topic, |_| TopicEntry {
                    name: topic.clone(),
                    url: topic_url(topic),
                    stories: Vec::new(),
                });
                if new_spelling && let Some(&first_story) = entry.stories.first() {
                    clashes.push(NameClash {
                        kind: "topic",
                        spelling: topic.clone(),
                        story: index,
                        first_spelling: entry.name.clone(),
                        first_story,
                        url: entry.url.clone(),
                    });
                }
                if entry.stories.last() != Some(&index) {
                    entry.stories.push(index);
                }
            }
            for (role, names) in story_roles(story) {
                for name in names {
                    let (entry, new_spelling) = people.entry(name, |slug| {
                        let profile = profile_index(config, slug);
                        PersonEntry {
                            // A person site.yaml lists is named as it lists them, however a
                            // story spells them.
                            name: profile.map_or_else(
                                || name.clone(),
                                |profile| config.people[profile].name.clone(),
                            ),
                            url: person_url(name),
                            profile,
                            stories: Vec::new(),
                        }
                    });
                    if new_spelling
                        && entry.profile.is_none()
                        && let Some(&(first_story, _)) = entry.stories.first()
                    {
                        clashes.push(NameClash {
                            kind: "person",
                            spelling: name.clone(),
                            story: index,
                            first_spelling: entry.name.clone(),
                            first_story,
                            url: entry.url.clone(),
                        });
                    }
                    match entry.stories.last_mut() {
                        Some((last, roles)) if *last == index => {
                            if !roles.contains(&role) {
                                roles.push(role.clone());
                            }
                        }
                        _ => entry.stories.push((index, vec![role.clone()])),
                    }
                }
            }
        }
        let (topics, topic_by_name) = topics.into_sorted();
        let (people, person_by_name) = people.into_sorted();
        let news = crate::outputs::sitemaps::news_window(&site.stories, &stories, edition.now);
        SiteIndex {
            news,
            stories,
            series_stories,
            topics,
            people,
            person_by_name,
            topic_by_name,
            clashes,
        }
    }

    /// Whether the edition publishes the series `series` (index into [`Site::series`]): only
    /// when it has a story of the edition. A series whose stories are all drafts or under
    /// embargo (or that has none yet) has no page, feed or place in any listing.
    pub fn publishes_series(&self, series: usize) -> bool {
        !self.series_stories[series].is_empty()
    }

    /// The series the edition does not publish, for the check that says so.
    pub fn withheld_series(&self, site: &Site) -> Vec<Diagnostic> {
        (0..site.series.len())
            .filter(|&series| !self.publishes_series(series))
            .map(|series| {
                let series = &site.series[series];
                Diagnostic::new(
                    Code::SeriesWithheld,
                    &series.source,
                    format!(
                        "the series \"{}\" has no story a build would publish (its stories are drafts, under embargo or not written yet), so its page, its feed and its place in every listing are left out until one is",
                        series.title
                    ),
                )
                .at(1, 1)
                .with_hint("nothing to do if that is intended: the series appears with its first published story")
            })
            .collect()
    }

    /// The person named `name` as written on a story of this edition.
    pub fn person(&self, name: &str) -> Option<&PersonEntry> {
        self.person_by_name
            .get(name)
            .map(|&entry| &self.people[entry])
    }

    /// The page of the person named `name` as written on a story of this edition.
    pub fn person_url(&self, name: &str) -> Option<&str> {
        self.person(name).map(|entry| entry.url.as_str())
    }

    /// The page of the topic named `name` as written on a story of this edition.
    pub fn topic_url(&self, name: &str) -> Option<&str> {
        self.topic_by_name
            .get(name)
            .map(|&entry| self.topics[entry].url.as_str())
    }

    /// The names of people and topics written two ways that give one page (`Ana Lind` and
    /// `ana lind`, `!!!` and `???`): the page could carry only one spelling, so each is an
    /// error on the story that wrote the later spelling, naming the first. A person site.yaml
    /// lists is exempt: every spelling of their name is theirs, shown as listed.
    pub fn name_clashes(&self, site: &Site) -> Vec<Diagnostic> {
        self.clashes
            .iter()
            .map(|clash| {
                let first = &site.stories[clash.first_story].source;
                let hint = if clash.kind == "person" {
                    "write the name the same way on every story, or list the person under `people:` in site.yaml (every spelling is then theirs)"
                } else {
                    "write the topic the same way on every story"
                };
                Diagnostic::new(
                    Code::StructureDuplicateUrl,
                    &site.stories[clash.story].source,
                    format!(
                        "the {} \"{}\" would share the page {} with \"{}\" (as written in {}): two names cannot have one page",
                        clash.kind,
                        clash.spelling,
                        clash.url,
                        clash.first_spelling,
                        first.display()
                    ),
                )
                .with_hint(hint)
            })
            .collect()
    }
}

/// The roles of a story in byline order: reporters, further credits as written, editors.
pub fn story_roles(story: &Story) -> impl Iterator<Item = (Role, &[String])> {
    std::iter::once((Role::Reporter, story.reporters.as_slice()))
        .chain(
            story
                .credits
                .iter()
                .map(|credit| (Role::Credit(credit.role.clone()), credit.names.as_slice())),
        )
        .chain(std::iter::once((Role::Editor, story.editors.as_slice())))
        .filter(|(_, names)| !names.is_empty())
}

fn profile_index(config: &SiteConfig, slug: &str) -> Option<usize> {
    config
        .people
        .iter()
        .position(|person| slugify(&person.name) == slug)
}

/// Mentions of names (topics, people) grouped by their slug. An archive names the same few
/// hundred people and topics tens of thousands of times: each spelling is slugged once, and each
/// mention costs one hash lookup. Spellings with the same slug share the first one's entry.
struct Grouping<'s, E> {
    by_name: HashMap<&'s str, usize>,
    by_slug: HashMap<String, usize>,
    /// Slug and entry, in the order first mentioned.
    entries: Vec<(String, E)>,
}

impl<E> Default for Grouping<'_, E> {
    fn default() -> Self {
        Grouping {
            by_name: HashMap::new(),
            by_slug: HashMap::new(),
            entries: Vec::new(),
        }
    }
}

impl<'s, E> Grouping<'s, E> {
    /// The entry of `name`'s slug; `new` makes it (from the slug) on the first mention. True
    /// with it when `name` is a new spelling of an entry made before.
    fn entry(&mut self, name: &'s str, new: impl FnOnce(&str) -> E) -> (&mut E, bool) {
        let (index, new_spelling) = match self.by_name.get(name) {
            Some(&index) => (index, false),
            None => {
                let slug = slugify(name);
                let (index, new_spelling) = match self.by_slug.get(&slug) {
                    Some(&index) => (index, true),
                    None => {
                        let entry = new(&slug);
                        self.by_slug.insert(slug.clone(), self.entries.len());
                        self.entries.push((slug, entry));
                        (self.entries.len() - 1, false)
                    }
                };
                self.by_name.insert(name, index);
                (index, new_spelling)
            }
        };
        (&mut self.entries[index].1, new_spelling)
    }

    /// The entries in the order of their slugs, and each spelling met with the place of its
    /// entry among them.
    fn into_sorted(mut self) -> (Vec<E>, HashMap<String, usize>) {
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by(|&a, &b| self.entries[a].0.cmp(&self.entries[b].0));
        let mut place = vec![0; order.len()];
        for (sorted, &made) in order.iter().enumerate() {
            place[made] = sorted;
        }
        let by_name = self
            .by_name
            .into_iter()
            .map(|(name, made)| (name.to_string(), place[made]))
            .collect();
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        (
            self.entries.into_iter().map(|(_, entry)| entry).collect(),
            by_name,
        )
    }
}

/// Maps content files to the URL of the story they become, so Markdown links to `other.md`
/// point at the published page.
#[derive(Debug, Clone, Default)]
pub struct LinkMap {
    by_source: HashMap<PathBuf, String>,
}

impl LinkMap {
    /// The stories `edition` shows, for rendering.
    pub fn new(site: &Site, edition: &Edition) -> LinkMap {
        LinkMap {
            by_source: site
                .stories
                .iter()
                .filter(|story| edition.includes(story))
                .map(|story| (story.source.clone(), story.url.clone()))
                .collect(),
        }
    }

    /// Every story of the site, withheld and rejected ones included, for the link checks: a
    /// link to a draft or an embargoed story is then reported as what it is, and one to a
    /// story rejected for errors of its own is not broken (its own errors say why).
    pub fn for_checks(site: &Site) -> LinkMap {
        let stories = site.stories.iter().map(|story| (&story.source, &story.url));
        let rejected = site
            .rejected
            .iter()
            .map(|story| (&story.source, &story.url));
        LinkMap {
            by_source: stories
                .chain(rejected)
                .map(|(source, url)| (source.clone(), url.clone()))
                .collect(),
        }
    }

    #[cfg(test)]
    pub(crate) fn insert(&mut self, source: &str, url: &str) {
        self.by_source
            .insert(PathBuf::from(source), url.to_string());
    }

    /// Whether `target` (a link as written) names a Markdown file, so that where it points
    /// depends on the stories of the site.
    pub fn is_story_link(target: &str) -> bool {
        let path = target.split('#').next().unwrap_or(target);
        path.ends_with(".md") && !path.contains("://")
    }

    /// The published URL for a link written in the file `from` (relative to the site root).
    pub fn resolve_markdown_link(&self, from: &Path, target: &str) -> Option<String> {
        if !LinkMap::is_story_link(target) {
            return None;
        }
        let (path, fragment) = match target.find('#') {
            Some(index) => target.split_at(index),
            None => (target, ""),
        };
        let base = from.parent().unwrap_or(Path::new(""));
        let joined = if path.starts_with('/') {
            PathBuf::from(CONTENT_DIR).join(path.trim_start_matches('/'))
        } else {
            base.join(path)
        };
        self.by_source
            .get(&normalise(&joined))
            .map(|url| format!("{url}{fragment}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_shares_an_entry_per_slug_and_sorts_by_slug() {
        let names = ["Zoë Brown", "Ada Smith", "zoe brown", "Ada Smith"];
        let mut grouping = Grouping::default();
        let mut made = Vec::new();
        for (mention, name) in names.iter().enumerate() {
            let (entry, new_spelling) = grouping.entry(name, |slug| {
                made.push(slug.to_string());
                (name.to_string(), Vec::new())
            });
            entry.1.push(mention);
            assert_eq!(new_spelling, mention == 2, "{name}");
        }
        // One entry per slug, named by its first spelling, made once.
        assert_eq!(made, ["zoe-brown", "ada-smith"]);
        let (entries, by_name) = grouping.into_sorted();
        assert_eq!(
            entries,
            [
                ("Ada Smith".to_string(), vec![1, 3]),
                ("Zoë Brown".to_string(), vec![0, 2]),
            ]
        );
        // Every spelling finds its entry.
        assert_eq!(by_name["zoe brown"], 1);
        assert_eq!(by_name["Zoë Brown"], 1);
        assert_eq!(by_name["Ada Smith"], 0);
    }

    #[test]
    fn markdown_links_resolve_against_their_file() {
        let mut links = LinkMap::default();
        links.insert("content/s/b.md", "/s/b/");
        links.insert("content/t/c.md", "/t/c/");
        let from = Path::new("content/s/a.md");
        assert_eq!(
            links.resolve_markdown_link(from, "b.md#part"),
            Some("/s/b/#part".to_string())
        );
        assert_eq!(
            links.resolve_markdown_link(from, "../t/./c.md"),
            Some("/t/c/".to_string())
        );
        assert_eq!(
            links.resolve_markdown_link(from, "/t/c.md"),
            Some("/t/c/".to_string())
        );
        assert_eq!(links.resolve_markdown_link(from, "missing.md"), None);
        assert_eq!(
            links.resolve_markdown_link(from, "https://x.org/a.md"),
            None
        );
    }
}
