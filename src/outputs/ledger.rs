//! The accountability pages' data: the corrections ledger (every correction on the site, newest
//! first, with the anchor it has on its story's page) and who funded which stories.

use std::collections::HashMap;

use crate::config::SiteConfig;
use crate::model::{Claim, Correction, Series, Story};
use crate::url::slugify;

/// One correction in the ledger: which story and which of its corrections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerEntry {
    pub story: usize,
    pub correction: usize,
}

/// Every correction of the stories `shown` (indexes into `stories`, in site order), newest
/// first; corrections of the same moment in story order (newest story first), then as written.
pub fn corrections_newest_first(stories: &[Story], shown: &[usize]) -> Vec<LedgerEntry> {
    let mut entries: Vec<LedgerEntry> = shown
        .iter()
        .flat_map(|&story| {
            (0..stories[story].corrections.len())
                .map(move |correction| LedgerEntry { story, correction })
        })
        .collect();
    entries.sort_by(|a, b| {
        let date = |e: &LedgerEntry| &stories[e.story].corrections[e.correction].date;
        date(b)
            .chronological(date(a))
            .then(a.story.cmp(&b.story))
            .then(a.correction.cmp(&b.correction))
    });
    entries
}

/// The id of each correction on its story's page: `correction-2022-02-10`, with `-2`, `-3`...
/// for further corrections of the same day. Tied to the date rather than the position, so an
/// anchor (and a feed entry's id) stays the same when corrections are added above it.
pub fn correction_anchors(corrections: &[Correction]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    corrections
        .iter()
        .map(|correction| {
            let base = format!("correction-{}", correction.date.day);
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}-{count}")
            }
        })
        .collect()
}

/// The id of each claim on the story page: `claim-` and a slug of the claim, with `-1`, `-2`...
/// for repeats.
pub fn claim_anchors(claims: &[Claim]) -> Vec<String> {
    let mut anchors_used: HashMap<String, usize> = HashMap::new();
    claims
        .iter()
        .map(|claim| {
            let base = format!("claim-{}", slugify(&claim.claim));
            let seen = anchors_used.entry(base.clone()).or_insert(0);
            *seen += 1;
            if *seen == 1 {
                base
            } else {
                format!("{base}-{}", *seen - 1)
            }
        })
        .collect()
}

/// The ids byline gives the elements of a story's page besides its text (each claim and
/// correction), which the text's headings and footnotes must leave to them.
pub fn story_anchors(story: &Story) -> Vec<String> {
    if story.claims.is_empty() && story.corrections.is_empty() {
        return Vec::new();
    }
    let mut anchors = claim_anchors(&story.claims);
    anchors.extend(correction_anchors(&story.corrections));
    anchors
}

/// A funder and what it funded: series (and so every story in them) and single stories, apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunderStories {
    pub name: String,
    /// The anchor of the funder on the funders page.
    pub anchor: String,
    /// Index into the site configuration's funders registry; None for a funder a story names
    /// that the registry does not list (only possible when the registry is empty).
    pub registry: Option<usize>,
    /// Each series it funds (index into the site's series) with the stories of that series
    /// shown, in site order.
    pub series: Vec<(usize, Vec<usize>)>,
    /// The stories that name it as their own funder, in site order.
    pub stories: Vec<usize>,
    /// Every story it funded, directly or through its series, each once, in site order: its
    /// own listing.
    pub all: Vec<usize>,
}

/// Every funder of the registry in its order, then any other funder the stories `shown` or the
/// series name (by name), each with the series it funds (and their stories) and the stories
/// that name it themselves. A story of a series that names its series' funder again counts
/// once, under the series.
pub fn funders(
    config: &SiteConfig,
    series: &[Series],
    stories: &[Story],
    shown: &[usize],
) -> Vec<FunderStories> {
    let mut list: Vec<FunderStories> = config
        .funders
        .iter()
        .enumerate()
        .map(|(index, funder)| FunderStories {
            name: funder.name.clone(),
            anchor: String::new(),
            registry: Some(index),
            series: Vec::new(),
            stories: Vec::new(),
            all: Vec::new(),
        })
        .collect();
    let mut by_name: HashMap<String, usize> = list
        .iter()
        .enumerate()
        .map(|(index, funder)| (funder.name.clone(), index))
        .collect();
    let mut unlisted: Vec<String> = shown
        .iter()
        .flat_map(|&story| &stories[story].funders)
        .chain(series.iter().flat_map(|series| &series.funders))
        .filter(|name| !by_name.contains_key(name.as_str()))
        .cloned()
        .collect();
    unlisted.sort();
    unlisted.dedup();
    for name in unlisted {
        by_name.insert(name.clone(), list.len());
        list.push(FunderStories {
            name,
            anchor: String::new(),
            registry: None,
            series: Vec::new(),
            stories: Vec::new(),
            all: Vec::new(),
        });
    }
    let mut series_stories: Vec<Vec<usize>> = vec![Vec::new(); series.len()];
    for &index in shown {
        if let Some(series) = stories[index].series {
            series_stories[series].push(index);
        }
    }
    for (index, funded) in series.iter().enumerate() {
        for name in &funded.funders {
            let funder = &mut list[by_name[name.as_str()]];
            if funder.series.last().map(|(last, _)| *last) != Some(index) {
                funder.series.push((index, series_stories[index].clone()));
            }
        }
    }
    for &index in shown {
        let story = &stories[index];
        let series_funders = story
            .series
            .map_or(&[][..], |within| series[within].funders.as_slice());
        for name in &story.funders {
            if series_funders.contains(name) {
                continue;
            }
            let funder = &mut list[by_name[name.as_str()]];
            if funder.stories.last() != Some(&index) {
                funder.stories.push(index);
            }
        }
    }
    for &index in shown {
        let story = &stories[index];
        let series_funders = story
            .series
            .map_or(&[][..], |within| series[within].funders.as_slice());
        for name in series_funders.iter().chain(&story.funders) {
            let funder = &mut list[by_name[name.as_str()]];
            if funder.all.last() != Some(&index) {
                funder.all.push(index);
            }
        }
    }
    let mut anchors: HashMap<String, usize> = HashMap::new();
    for funder in &mut list {
        let base = slugify(&funder.name);
        let count = anchors.entry(base.clone()).or_insert(0);
        *count += 1;
        funder.anchor = if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        };
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::StoryDate;

    fn correction(date: &str) -> Correction {
        Correction {
            date: StoryDate::parse(date, &jiff::tz::TimeZone::UTC).unwrap(),
            text: "t".into(),
        }
    }

    #[test]
    fn ledger_is_newest_first_across_stories() {
        use crate::outputs::tests::story;
        let mut a = story("a", "2022-03-01");
        a.corrections = vec![correction("2022-03-02"), correction("2022-03-05")];
        let mut b = story("b", "2022-02-01");
        b.corrections = vec![correction("2022-03-03T10:00:00+02:00")];
        let c = story("c", "2022-01-01");
        let ledger = corrections_newest_first(&[a, b, c], &[0, 1, 2]);
        let order: Vec<(usize, usize)> = ledger.iter().map(|e| (e.story, e.correction)).collect();
        assert_eq!(order, [(0, 1), (1, 0), (0, 0)]);
    }

    #[test]
    fn funders_list_registry_first_then_others_series_and_stories_apart() {
        use crate::outputs::tests::{config, story};
        let mut config = config();
        config.funders = vec![
            crate::config::Funder {
                name: "Zeta Fund".into(),
                url: None,
                description: None,
            },
            crate::config::Funder {
                name: "Alpha Trust".into(),
                url: None,
                description: None,
            },
        ];
        let series = vec![Series {
            slug: "s".into(),
            url: "/s/".into(),
            source: "content/s/_index.md".into(),
            title: "S".into(),
            summary: None,
            funders: vec!["Zeta Fund".into()],
            image: None,
            extra: crate::yaml::FreeValue::Null,
            description: crate::source::body("", 1, crate::source::Keep::Text),
            paginate: None,
        }];
        let mut a = story("a", "2022-03-01");
        a.funders = vec!["Alpha Trust".into(), "Beta".into()];
        let mut b = story("b", "2022-02-01");
        b.funders = vec!["Alpha Trust".into()];
        b.series = Some(0);
        // Names its series' funder again: counted once, under the series.
        let mut c = story("c", "2022-01-01");
        c.funders = vec!["Zeta Fund".into()];
        c.series = Some(0);
        let mut d = story("d", "2021-12-01");
        d.funders.clear();
        d.series = Some(0);
        let list = funders(&config, &series, &[a, b, c, d], &[0, 1, 2, 3]);
        type Summary<'a> = (
            &'a str,
            &'a str,
            Option<usize>,
            Vec<(usize, Vec<usize>)>,
            &'a [usize],
        );
        let summary: Vec<Summary> = list
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.anchor.as_str(),
                    f.registry,
                    f.series.clone(),
                    f.stories.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "Zeta Fund",
                    "zeta-fund",
                    Some(0),
                    vec![(0, vec![1, 2, 3])],
                    &[][..]
                ),
                ("Alpha Trust", "alpha-trust", Some(1), vec![], &[0, 1][..]),
                ("Beta", "beta", None, vec![], &[0][..]),
            ]
        );
    }

    #[test]
    fn correction_anchors_follow_dates() {
        let anchors = correction_anchors(&[
            correction("2022-02-10"),
            correction("2022-02-11T09:00:00+01:00"),
            correction("2022-02-10"),
        ]);
        assert_eq!(
            anchors,
            [
                "correction-2022-02-10",
                "correction-2022-02-11",
                "correction-2022-02-10-2"
            ]
        );
    }
}
