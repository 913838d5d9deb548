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
use crate::outputs::ledger::{self, FunderStories};
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

/// An old address of a story (`aliases:`), redirected to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// A site path as [`crate::url::normalise_alias`] leaves it.
    pub from: String,
    /// By index into [`Site::stories`].
    pub story: usize,
}

/// Which stories an edition shows and which of them each listing holds.
#[derive(Debug)]
pub struct SiteIndex {
    /// The edition's stories, by index into [`Site::stories`], in the site's order (withdrawn
    /// stories are not among them).
    pub stories: Vec<usize>,
    /// The edition's withdrawn stories: their addresses keep a notice, and nothing lists them.
    pub withdrawn: Vec<usize>,
    /// Each funder with the stories it funded, in the registry's order (see
    /// [`ledger::funders`]).
    pub funders: Vec<FunderStories>,
    /// How many corrections the edition's stories carry.
    pub corrections: usize,
    /// The old addresses of the edition's stories, withdrawn ones included, by address; an
    /// alias that is the story's own address is left out, and of two stories claiming one
    /// address the first in the site's order has it (the checks report the other).
    pub redirects: Vec<Redirect>,
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
        let (withdrawn, stories): (Vec<usize>, Vec<usize>) = (0..site.stories.len())
            .filter(|&index| edition.includes(&site.stories[index]))
            .partition(|&index| site.stories[index].withdrawn.is_some());
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
        let funders = ledger::funders(config, &site.series, &site.stories, &stories);
        let corrections = stories
            .iter()
            .map(|&index| site.stories[index].corrections.len())
            .sum();
        let redirects = redirects(site, stories.iter().chain(&withdrawn).copied());
        SiteIndex {
            news,
            stories,
            withdrawn,
            funders,
            corrections,
            redirects,
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

    /// Up to `count` other stories of the edition that share the most topics with story
    /// `index`, the newest first among equals; none when it has no topic.
    pub fn related(&self, site: &Site, index: usize, count: usize) -> Vec<usize> {
        // Two spellings of one topic are one topic.
        let mut topics: Vec<usize> = site.stories[index]
            .topics
            .iter()
            .filter_map(|name| self.topic_by_name.get(name).copied())
            .collect();
        topics.sort_unstable();
        topics.dedup();
        let lists: Vec<&[usize]> = topics
            .iter()
            .map(|&topic| self.topics[topic].stories.as_slice())
            .collect();
        related_in(&lists, index, count)
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

/// The old addresses of `stories` (site order), by address.
fn redirects(site: &Site, stories: impl Iterator<Item = usize>) -> Vec<Redirect> {
    let mut redirects: Vec<Redirect> = Vec::new();
    let mut taken: HashMap<&str, ()> = HashMap::new();
    let mut ordered: Vec<usize> = stories.collect();
    ordered.sort_unstable();
    for story in ordered {
        let own = site.stories[story].url.as_str();
        for from in &site.stories[story].aliases {
            if from != own && taken.insert(from.as_str(), ()).is_none() {
                redirects.push(Redirect {
                    from: from.clone(),
                    story,
                });
            }
        }
    }
    redirects.sort_by(|a, b| a.from.cmp(&b.from));
    redirects
}

/// The `count` stories other than `story` that appear in the most of `lists` (each sorted in
/// the site's order, newest first), the newest first among equals. A story shares at most as
/// many topics as it has, so a merge of the lists in the site's order finds each candidate's
/// count in one pass without a map.
fn related_in(lists: &[&[usize]], story: usize, count: usize) -> Vec<usize> {
    let mut heads = vec![0usize; lists.len()];
    // (shared topics, story), best first: more topics, then earlier in the site's order.
    let mut best: Vec<(usize, usize)> = Vec::with_capacity(count + 1);
    while let Some(next) = lists
        .iter()
        .zip(&heads)
        .filter_map(|(list, &head)| list.get(head).copied())
        .min()
    {
        let mut shared = 0;
        for (list, head) in lists.iter().zip(heads.iter_mut()) {
            if list.get(*head) == Some(&next) {
                shared += 1;
                *head += 1;
            }
        }
        if next == story || count == 0 {
            continue;
        }
        // Candidates come in the site's order, so a later one beats an earlier only with more
        // shared topics.
        if best.len() < count || best.last().is_some_and(|&(least, _)| shared > least) {
            let at = best
                .iter()
                .position(|&(topics, _)| shared > topics)
                .unwrap_or(best.len());
            best.insert(at, (shared, next));
            best.truncate(count);
            if best.len() == count && best.last().is_some_and(|&(least, _)| least == lists.len()) {
                break; // none can share more than every topic
            }
        }
    }
    best.into_iter().map(|(_, story)| story).collect()
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
    fn related_stories_share_the_most_topics_newest_first() {
        // Topic lists in the site's order (lower index = newer).
        let a: &[usize] = &[0, 1, 2, 4, 6];
        let b: &[usize] = &[1, 3, 4, 5, 6];
        let c: &[usize] = &[4, 5, 6, 7];
        // Story 6 has all three topics: 4 shares all three; 1 and 5 two, 1 newer.
        assert_eq!(related_in(&[a, b, c], 6, 3), [4, 1, 5]);
        assert_eq!(related_in(&[a, b, c], 6, 1), [4]);
        // One topic: the newest others.
        assert_eq!(related_in(&[c], 5, 3), [4, 6, 7]);
        assert_eq!(related_in(&[&[2][..]], 2, 3), Vec::<usize>::new());
        assert_eq!(related_in(&[], 2, 3), Vec::<usize>::new());
        assert_eq!(related_in(&[a], 0, 0), Vec::<usize>::new());
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
