//! Validation: turns what [`crate::source`] read into the [`Site`] model, deciding what is
//! required, what each field means and what clashes between files. Every problem of every file
//! is reported; a story with front-matter errors is kept aside (its text is still checked).
//!
//! It runs in three steps so that the per-file middle step can run in parallel (the pipeline
//! runs each story's validation on the thread that just read it): [`series_stage`] validates
//! the series, which their stories need (inherited funders); [`SeriesStage::validate`] validates
//! one file on its own; [`finish`] validates what needs every file (clashing addresses, the
//! site's reserved addresses), orders the stories and places page-bundle files.

mod fields;
mod story;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic, Position};
use crate::layout::RESERVED_PATHS;
use crate::model::{BundleAsset, RejectedStory, Series, Site, Story, story_order};
use crate::source::{ParsedSeries, ParsedSource, ParsedStory};
use crate::url::{slugify, web_path};

pub use story::{PLACEHOLDER_MARK, is_placeholder};

/// Validates the parsed files together and builds the [`Site`], one file after another (the
/// preview's fast path and the property tests; the pipeline runs the same steps in parallel).
pub fn assemble(config: SiteConfig, parsed: Vec<ParsedSource>) -> (Site, Vec<Diagnostic>) {
    let mut series = Vec::new();
    let mut others = Vec::with_capacity(parsed.len());
    for source in parsed {
        match source {
            ParsedSource::Series(parsed) => series.push(parsed),
            other => others.push(other),
        }
    }
    let (stage, mut diagnostics) = series_stage(config, series);
    let outcomes = others
        .into_iter()
        .map(|source| stage.validate(source))
        .collect();
    let (site, found) = finish(stage, outcomes);
    diagnostics.extend(found);
    (site, diagnostics)
}

/// The site after its series are validated: what each story needs to be validated on its own
/// (the configuration, for the funders registry; the series, for inherited funders).
pub struct SeriesStage {
    pub config: SiteConfig,
    pub series: Vec<Series>,
    series_by_dir: HashMap<String, usize>,
}

/// A content file other than a series' `_index.md` after validation.
pub enum Outcome {
    /// Boxed, so that an archive's outcomes are cheap to gather on one thread.
    Story(Box<StoryOutcome>),
    /// A file of a page bundle: published beside its story.
    Asset { path: PathBuf, bundle: PathBuf },
    /// The file could not be read or split, or it is a series file (validated before).
    Nothing,
}

/// A story after validation: valid (`story`), or rejected with its errors.
pub struct StoryOutcome {
    story: Option<Story>,
    rejected: Option<RejectedStory>,
    bundle: Option<PathBuf>,
    /// Where the story's `slug:` is written, when it chose its own address.
    slug_position: Option<Position>,
    diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    /// Drops what validating the file found: for a draft when drafts are not checked.
    pub fn set_findings_aside(&mut self) {
        if let Outcome::Story(story) = self {
            story.diagnostics.clear();
        }
    }
}

/// First step: validates the series, which every story of theirs needs (for inherited
/// funders). Their `_index.md` files are read before the stories.
pub fn series_stage(
    config: SiteConfig,
    parsed: Vec<ParsedSeries>,
) -> (SeriesStage, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut series: Vec<Series> = parsed
        .into_iter()
        .filter_map(|parsed| story::validate_series(&config, parsed, &mut diagnostics))
        .collect();
    series.sort_by(|a, b| a.slug.cmp(&b.slug).then_with(|| a.source.cmp(&b.source)));
    // Folders whose names slugify alike (`Inquiry`, `inquiry`) would publish at one address.
    for pair in series.windows(2) {
        if pair[0].slug == pair[1].slug {
            diagnostics.push(
                Diagnostic::new(
                    Code::StructureDuplicateUrl,
                    &pair[1].source,
                    format!(
                        "this series would be published at {}, the same address as the series of {}",
                        pair[1].url,
                        pair[0].source.display()
                    ),
                )
                .at(1, 1)
                .with_hint("rename one of the two folders"),
            );
        }
    }
    let series_by_dir = series
        .iter()
        .enumerate()
        .map(|(index, series)| (series.slug.clone(), index))
        .collect();
    let stage = SeriesStage {
        config,
        series,
        series_by_dir,
    };
    (stage, diagnostics)
}

impl SeriesStage {
    /// Second step, independent per file: validates a story, passes a bundle's file on.
    pub fn validate(&self, parsed: ParsedSource) -> Outcome {
        match parsed {
            ParsedSource::Story(story) => Outcome::Story(Box::new(self.validate_story(story))),
            ParsedSource::Asset { path, bundle } => Outcome::Asset { path, bundle },
            ParsedSource::Series(_) | ParsedSource::Failed => Outcome::Nothing,
        }
    }

    fn validate_story(&self, parsed: ParsedStory) -> StoryOutcome {
        let series_index = parsed
            .series_dir
            .as_deref()
            .and_then(|dir| self.series_by_dir.get(slugify(dir).as_str()).copied());
        let bundle = parsed.bundle.clone();
        let slug_position = parsed.front.slug.as_ref().map(|slug| slug.position);
        let mut diagnostics = Vec::new();
        let mut rejected = Vec::new();
        let story = story::validate_story(
            &self.config,
            &self.series,
            series_index,
            parsed,
            &mut diagnostics,
            &mut rejected,
        );
        StoryOutcome {
            story,
            rejected: rejected.pop(),
            bundle,
            slug_position,
            diagnostics,
        }
    }
}

/// The report of a story that takes the address of another (`kept`): at its `slug:` when it
/// chose the address itself.
fn duplicate_address(kept: &Story, dropped: &Story, slug: Option<Position>) -> Diagnostic {
    let message = format!(
        "this story would be published at {}, the same address as {}",
        dropped.url,
        kept.source.display()
    );
    let diagnostic = Diagnostic::new(Code::StructureDuplicateUrl, &dropped.source, message);
    match slug {
        Some(position) => diagnostic
            .at_position(position)
            .with_hint("this `slug:` is taken; choose another one for this story"),
        None => diagnostic
            .at(1, 1)
            .with_hint("give one of them a different `slug:` or file name"),
    }
}

/// Third step: finds clashing addresses, orders the stories newest first and places
/// page-bundle files.
pub fn finish(stage: SeriesStage, outcomes: Vec<Outcome>) -> (Site, Vec<Diagnostic>) {
    let SeriesStage { config, series, .. } = stage;
    fn story_outcome(outcome: &Outcome) -> Option<&StoryOutcome> {
        match outcome {
            Outcome::Story(story) => Some(story),
            _ => None,
        }
    }
    // Lists and maps are reserved whole: this runs on one thread, and growing an archive-sized
    // list step by step copies it again and again into fresh memory.
    let mut diagnostics = Vec::with_capacity(
        outcomes
            .iter()
            .filter_map(story_outcome)
            .map(|story| story.diagnostics.len())
            .sum(),
    );
    let story_count = outcomes.iter().filter_map(story_outcome).count();
    let mut stories = Vec::with_capacity(story_count);
    let mut rejected = Vec::new();
    let mut assets_parsed = Vec::new();
    let mut bundle_of: HashMap<PathBuf, PathBuf> = HashMap::new();
    // Each address taken, by the story that has it: its index in `stories` and its `slug:`.
    let mut first_at_url: HashMap<String, (usize, Option<Position>)> =
        HashMap::with_capacity(story_count);
    for outcome in outcomes {
        let outcome = match outcome {
            Outcome::Story(story) => *story,
            Outcome::Asset { path, bundle } => {
                assets_parsed.push((path, bundle));
                continue;
            }
            Outcome::Nothing => continue,
        };
        diagnostics.extend(outcome.diagnostics);
        rejected.extend(outcome.rejected);
        let Some(story) = outcome.story else {
            continue;
        };
        // Drafts and embargoed stories take their address too: publishing them later must
        // not collide with a story already out. The story whose `slug:` took another's
        // address is the one at fault; the other keeps it, so links to it still work.
        if let Some(&(first, first_slug)) = first_at_url.get(&story.url) {
            if outcome.slug_position.is_none() && first_slug.is_some() {
                // The earlier story took this one's address with its `slug:`.
                if let Some(bundle) = outcome.bundle {
                    bundle_of.insert(bundle, story.source.clone());
                }
                let earlier = std::mem::replace(&mut stories[first], story);
                first_at_url.insert(earlier.url.clone(), (first, None));
                diagnostics.push(duplicate_address(&stories[first], &earlier, first_slug));
            } else {
                diagnostics.push(duplicate_address(
                    &stories[first],
                    &story,
                    outcome.slug_position,
                ));
            }
            continue;
        }
        first_at_url.insert(story.url.clone(), (stories.len(), outcome.slug_position));
        if let Some(bundle) = outcome.bundle {
            bundle_of.insert(bundle, story.source.clone());
        }
        stories.push(story);
    }
    for series in &series {
        if let Some(&(story, _)) = first_at_url.get(&series.url) {
            diagnostics.push(
                Diagnostic::new(
                    Code::StructureDuplicateUrl,
                    &stories[story].source,
                    format!(
                        "this story would be published at {}, the address of the series {}",
                        series.url, series.title
                    ),
                )
                .at(1, 1)
                .with_hint("rename the story file or give it a different `slug:`"),
            );
        }
    }
    // Site-wide pages live at these addresses; a story or series there would overwrite them.
    let reserved = |url: &str| {
        RESERVED_PATHS
            .iter()
            .any(|path| url.trim_matches('/') == *path)
    };
    for (url, source) in series
        .iter()
        .map(|s| (&s.url, &s.source))
        .chain(stories.iter().map(|s| (&s.url, &s.source)))
    {
        if reserved(url) {
            diagnostics.push(
                Diagnostic::new(
                    Code::StructureDuplicateUrl,
                    source,
                    format!("this would be published at {url}, where byline publishes one of the site's own pages"),
                )
                .at(1, 1)
                .with_hint(format!(
                    "{} are taken; rename the file or folder, or give the story a different `slug:`",
                    RESERVED_PATHS.join(", ")
                )),
            );
        }
    }

    stories.sort_by(story_order);
    let story_at: HashMap<&PathBuf, usize> = stories
        .iter()
        .enumerate()
        .map(|(index, story)| (&story.source, index))
        .collect();
    let mut assets: Vec<BundleAsset> = assets_parsed
        .into_iter()
        .filter_map(|(path, bundle)| {
            let story = *story_at.get(bundle_of.get(&bundle)?)?;
            let inside = web_path(path.strip_prefix(&bundle).ok()?);
            Some(BundleAsset {
                url: format!("{}{inside}", stories[story].url),
                source: path,
                story,
            })
        })
        .collect();
    assets.sort_by(|a, b| a.url.cmp(&b.url));

    (
        Site {
            config,
            series,
            stories,
            assets,
            rejected,
            url_lock: None,
        },
        diagnostics,
    )
}
