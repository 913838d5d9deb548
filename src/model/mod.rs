//! The site as byline understands it once every file is read and validated: series, stories
//! with their credits, funders, images, sources, corrections and claims, and the files of page
//! bundles. Plain data, no disk and no HTML: `validate` makes it, `index`, `checks` and `render`
//! read it.
//!
//! A [`Site`] holds every valid story, drafts and embargoed ones included; an [`Edition`] says
//! which of them a given output shows (a build publishes neither, the preview shows embargoed
//! stories with a banner), so every command works on the same model.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;

use crate::config::SiteConfig;
use crate::dates::StoryDate;
use crate::diag::Position;
use crate::markdown::BodyScan;
use crate::yaml::FreeValue;

/// An image with its credit, as shown in the header of a story or series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// A site path (`/images/zug.png`) or an absolute URL.
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: String,
    /// Where `image:` is written in the front matter.
    pub position: Position,
}

/// A byline role and the people who had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub role: String,
    pub names: Vec<String>,
}

/// A source the story cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
    pub publisher: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub date: StoryDate,
    pub text: String,
}

/// A claim the story checked, with its rating (published as a ClaimReview).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub claim: String,
    pub claimant: Claimant,
    pub rating: String,
    /// When the claim was made (`claim_date`).
    pub date: Option<StoryDate>,
    /// Where the claim was made (`appeared_in`).
    pub appeared_in: Option<Appearance>,
}

/// Who made a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    pub name: String,
    pub kind: AgentKind,
    /// Their website: as written, or a person's or funder's from site.yaml.
    pub url: Option<String>,
}

/// A person or an organisation (schema.org `Person` or `Organization`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKind {
    Person,
    Organization,
}

/// Where a claim was made: a page and, when given, its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appearance {
    pub url: String,
    pub title: Option<String>,
}

/// Why and when a published story was taken down: its address keeps a page saying so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub date: StoryDate,
    pub reason: String,
}

/// A Markdown text (a story's body, a series' description) as reading left it: what the checks
/// need of it (its scan: links, images, headings, first paragraph), and its text as the
/// command asked (see [`BodyText`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub text: BodyText,
    pub scan: Arc<BodyScan>,
    /// The file line where the text starts (after the front matter).
    pub first_line: usize,
}

/// What reading kept of a text, for rendering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyText {
    /// The Markdown itself (the preview renders it again after every edit).
    Kept(Arc<str>),
    /// Where it is: `byline build` reads each text again when it renders it, so an archive's
    /// texts are not all in memory at once (`source::text_of`).
    OnDisk(Arc<TextOnDisk>),
    /// Nothing: `byline check` renders nothing.
    Dropped,
}

/// Where a text read for the checks is, and what it was, so that reading it again can tell
/// that it is still the text that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextOnDisk {
    /// The file, as opened (the site folder joined with its path).
    pub file: PathBuf,
    /// Where the text starts in the file (after the front matter), in bytes.
    pub start: usize,
    /// Its length in bytes, and its CRC-32.
    pub len: usize,
    pub checksum: u32,
}

impl Body {
    /// Lets go of what only the checks need of the text's scan (its links, headings and
    /// footnotes), keeping what publishing needs: the first paragraph, which listings and
    /// feeds show as a summary, and the pictures, whose resized copies are published.
    pub fn forget_check_details(&mut self) {
        let summary = BodyScan {
            first_paragraph: self.scan.first_paragraph.clone(),
            images: self.scan.images.clone(),
            ..BodyScan::default()
        };
        self.scan = Arc::new(summary);
    }

    /// Lets go of the first paragraph of a story that has a summary, which listings, feeds
    /// and meta descriptions show instead: an archive holds every story's scan at once.
    pub fn forget_first_paragraph(&mut self) {
        if let Some(scan) = Arc::get_mut(&mut self.scan) {
            scan.first_paragraph = None;
        }
    }

    /// The Markdown, when it is kept in memory.
    pub fn kept_text(&self) -> Option<&str> {
        match &self.text {
            BodyText::Kept(text) => Some(text),
            _ => None,
        }
    }
}

/// A validated series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub slug: String,
    /// `/<slug>/`
    pub url: String,
    pub source: PathBuf,
    pub title: String,
    pub summary: Option<String>,
    pub funders: Vec<String>,
    pub image: Option<Image>,
    pub extra: FreeValue,
    pub description: Body,
    /// Stories a page of its listing shows, when its `_index.md` says (else site.yaml's).
    pub paginate: Option<usize>,
}

/// A validated story: every required field present, every date real, funders resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub source: PathBuf,
    pub slug: String,
    /// `/<series>/<slug>/` or `/<slug>/`
    pub url: String,
    /// Index into [`Site::series`].
    pub series: Option<usize>,
    pub title: String,
    pub date: StoryDate,
    pub updated: Option<StoryDate>,
    pub reporters: Vec<String>,
    pub editors: Vec<String>,
    pub credits: Vec<Credit>,
    /// The story's own funders (its `funder:`). The funders of its series fund it too: see
    /// [`Site::funding`].
    pub funders: Vec<String>,
    pub image: Option<Image>,
    pub summary: Option<String>,
    pub topics: Vec<String>,
    pub draft: bool,
    pub publish_at: Option<StoryDate>,
    pub sources: Vec<Source>,
    pub corrections: Vec<Correction>,
    pub claims: Vec<Claim>,
    pub extra: FreeValue,
    pub body: Body,
    /// Old addresses that redirect to the story: site paths as [`crate::url::normalise_alias`]
    /// leaves them (`/2019/03/café/`, `/old.html`).
    pub aliases: Vec<String>,
    /// Where `aliases:` is written, for findings about them.
    pub aliases_position: Position,
    /// Taken down on purpose: its page says so instead of showing the story.
    pub withdrawn: Option<Withdrawal>,
}

impl Story {
    /// The summary shown in listings and meta descriptions: the `summary` field, else the first
    /// paragraph of the body.
    pub fn summary_or_first_paragraph(&self) -> &str {
        self.summary
            .as_deref()
            .or(self.body.scan.first_paragraph.as_deref())
            .unwrap_or("")
    }
}

/// A file of a page bundle, published beside its story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleAsset {
    /// Relative to the site root.
    pub source: PathBuf,
    /// Site path of the copy, e.g. `/decision-machines/the-map/map.png`.
    pub url: String,
    /// The story of the bundle, by its index in [`Site::stories`].
    pub story: usize,
}

/// A story that cannot be published because of front-matter errors; kept so its text can still
/// be checked in the same run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedStory {
    pub source: PathBuf,
    /// Where it would be published.
    pub url: String,
    pub body: Body,
    /// Marked `draft: true`: its text is checked only when drafts are.
    pub draft: bool,
}

/// The whole validated site: configuration, series and every valid story, newest first.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub series: Vec<Series>,
    /// Every valid story, drafts and embargoed ones included (see [`Edition`]), in
    /// [`story_order`].
    pub stories: Vec<Story>,
    /// Files of page bundles, by site path.
    pub assets: Vec<BundleAsset>,
    /// Stories with errors in their front matter: never published, but their text is checked.
    pub rejected: Vec<RejectedStory>,
    /// The addresses the site has published before (`urls.lock`), when it keeps the list.
    pub url_lock: Option<crate::url_lock::UrlLock>,
}

impl Site {
    /// Lets go of what only the checks need of every text (see [`Body::forget_check_details`]):
    /// a build does once they are done, so that the memory goes to rendering instead.
    pub fn forget_check_details(&mut self) {
        let stories = self.stories.iter_mut().map(|story| &mut story.body);
        let series = self.series.iter_mut().map(|series| &mut series.description);
        for body in stories.chain(series) {
            body.forget_check_details();
        }
    }
}

/// Who funded a story, as its disclosure says it: the funders it names itself, and the funders
/// of its series that it does not name itself (a series' funder pays for the reporting of every
/// story in it). Either may be empty, never both for a valid story.
#[derive(Debug, Clone, PartialEq)]
pub struct Funding<'a> {
    pub own: &'a [String],
    /// The series and its funders other than `own`.
    pub series: Option<(&'a Series, Vec<&'a str>)>,
}

impl Funding<'_> {
    /// Every funder, the story's own first, each once.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.own.iter().map(String::as_str).chain(
            self.series
                .iter()
                .flat_map(|(_, names)| names.iter().copied()),
        )
    }
}

/// Who funded `story` of a site whose series are `series` (see [`Funding`]).
pub fn funding<'a>(story: &'a Story, series: &'a [Series]) -> Funding<'a> {
    let series = story.series.map(|index| &series[index]).and_then(|series| {
        let names: Vec<&str> = series
            .funders
            .iter()
            .map(String::as_str)
            .filter(|name| !story.funders.iter().any(|own| own == name))
            .collect();
        (!names.is_empty()).then_some((series, names))
    });
    Funding {
        own: &story.funders,
        series,
    }
}

/// Why a valid story is left out of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithheldReason {
    Draft,
    /// Under embargo until this time.
    Embargo(StoryDate),
}

/// Which stories an output shows, at the moment it is made: what a build publishes (no
/// drafts unless asked for, no story under embargo), or what the preview shows (embargoed
/// stories too, marked as such).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition {
    /// The moment embargoes are judged at (`--now`, or the clock).
    pub now: Timestamp,
    pub drafts: bool,
    pub embargoed: bool,
}

impl Edition {
    /// What a build publishes at `now`: no embargoed story, drafts only when asked for.
    pub fn published(now: Timestamp, drafts: bool) -> Edition {
        Edition {
            now,
            drafts,
            embargoed: false,
        }
    }

    /// Why a build of this edition's moment and drafts would leave `story` out (the preview
    /// shows an embargoed story anyway, see [`Edition::includes`]), or None.
    pub fn withheld_reason(&self, story: &Story) -> Option<WithheldReason> {
        if story.draft && !self.drafts {
            return Some(WithheldReason::Draft);
        }
        match story.publish_at {
            Some(publish_at) if publish_at.instant > self.now => {
                Some(WithheldReason::Embargo(publish_at))
            }
            _ => None,
        }
    }

    /// Whether this edition shows `story`.
    pub fn includes(&self, story: &Story) -> bool {
        match self.withheld_reason(story) {
            None => true,
            Some(WithheldReason::Draft) => false,
            Some(WithheldReason::Embargo(_)) => self.embargoed,
        }
    }
}

/// The order of stories in a site and in every listing: newest first (by day in the newsroom's
/// zone; on one day, a story with only the day counts as later than those with a time, see
/// [`StoryDate::chronological`]), then by title, then by URL (unique), so the order never
/// depends on the order files were read in.
pub fn story_order(a: &Story, b: &Story) -> std::cmp::Ordering {
    b.date
        .chronological(&a.date)
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.url.cmp(&b.url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Heading, InlineImage, LinkRef};

    #[test]
    fn a_build_forgets_what_only_the_checks_need_and_keeps_summary_and_pictures() {
        let picture = InlineImage {
            src: "map.jpg".into(),
            alt: "The map".into(),
            ..InlineImage::default()
        };
        let scan = BodyScan {
            headings: vec![Heading {
                text: "Findings".into(),
                ..Heading::default()
            }],
            links: vec![LinkRef {
                url: "other.md".into(),
                ..LinkRef::default()
            }],
            images: vec![picture.clone()],
            first_paragraph: Some("It began in 2019.".into()),
            too_deep: Some((4, 1)),
            ..BodyScan::default()
        };
        let mut body = Body {
            text: BodyText::Dropped,
            scan: Arc::new(scan),
            first_line: 7,
        };
        body.forget_check_details();
        assert_eq!(
            *body.scan,
            BodyScan {
                images: vec![picture],
                first_paragraph: Some("It began in 2019.".into()),
                ..BodyScan::default()
            }
        );
        assert_eq!(body.first_line, 7);
    }
}
