//! The values templates receive, as plain structs serialised into template values: the names
//! and shapes here are the theme interface that docs/themes.md documents. Every text a reader
//! sees is given smart punctuation (`typography::smart`) on its way in: the `Cow` fields.

use std::borrow::Cow;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::images::{Size, Variants};
use crate::model::Image;
use crate::typography::smart;
use crate::yaml::FreeValue;

/// How a page links to `url`: a site path under the base path (the one rule, in
/// [`SiteConfig::href`]), borrowed when nothing changes.
pub(super) fn href<'u>(config: &SiteConfig, url: &'u str) -> Cow<'u, str> {
    if config.base_path().is_empty() || !url.starts_with('/') || url.starts_with("//") {
        Cow::Borrowed(url)
    } else {
        Cow::Owned(config.href(url))
    }
}

/// `data` as a template value.
pub(super) fn value<T: Serialize>(data: T) -> Value {
    Value::from(Serde(data))
}

#[derive(Serialize)]
pub(super) struct SiteContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) base_url: &'a str,
    pub(super) language: &'a str,
    /// Whether the site has search (`/search/` and its index).
    pub(super) search: bool,
    pub(super) funding_note: Option<Cow<'a, str>>,
    pub(super) publisher: Option<PublisherContext<'a>>,
    /// `description` of site.yaml, or none.
    pub(super) description: Option<Cow<'a, str>>,
    /// The site's default picture for link previews, or none.
    pub(super) image: Option<SiteImageContext>,
    /// The site's icon (site path or URL) and its media type when known.
    pub(super) icon: Cow<'a, str>,
    pub(super) icon_type: Option<&'static str>,
}

/// The site's default picture: its absolute URL and pixel size when byline can read it.
#[derive(Serialize)]
pub(super) struct SiteImageContext {
    pub(super) url: String,
    pub(super) width: Option<u32>,
    pub(super) height: Option<u32>,
}

#[derive(Serialize)]
pub(super) struct PublisherContext<'a> {
    pub(super) name: Option<Cow<'a, str>>,
    pub(super) url: Option<&'a str>,
    pub(super) logo: Option<Cow<'a, str>>,
    /// The logo's pixel size, when byline can read it.
    pub(super) logo_width: Option<u32>,
    pub(super) logo_height: Option<u32>,
}

#[derive(Serialize)]
pub(super) struct PageContext<'a> {
    pub(super) kind: &'static str,
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) permalink: String,
    pub(super) description: Cow<'a, str>,
    pub(super) feeds: Vec<FeedLink>,
    /// Where a listing's page is among its pages; None on other pages.
    pub(super) pagination: Option<PaginationContext>,
}

/// A listing page's place among the listing's pages, with links (under the base path) to the
/// first, last, previous and next.
#[derive(Serialize)]
pub(super) struct PaginationContext {
    /// Counted from 1.
    pub(super) page: usize,
    pub(super) pages: usize,
    /// How many stories (corrections, on the ledger) the whole listing has.
    pub(super) total: usize,
    pub(super) first: String,
    pub(super) last: String,
    pub(super) previous: Option<String>,
    pub(super) next: Option<String>,
}

/// A feed offered in a page's head.
#[derive(Serialize)]
pub(super) struct FeedLink {
    pub(super) title: String,
    /// Absolute URL.
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct LinkContext<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
}

#[derive(Serialize)]
pub(super) struct SeriesLinkContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
}

#[derive(Serialize)]
pub(super) struct ImageContext<'a> {
    /// How the page links to it (under the base path when it is a file of the site).
    pub(super) src: Cow<'a, str>,
    /// Its absolute URL, for link previews (`og:image`).
    pub(super) absolute: String,
    pub(super) alt: Cow<'a, str>,
    pub(super) caption: Option<Cow<'a, str>>,
    pub(super) credit: Cow<'a, str>,
    /// Pixel size of the image file, when byline can read it (a file of the site).
    pub(super) width: Option<u32>,
    pub(super) height: Option<u32>,
    /// The image at each width byline publishes it in its own format, for `srcset`
    /// (`/images/zug-480w.jpg 480w, ...`), when it resizes it (a JPEG, PNG or WebP of the site).
    pub(super) srcset: Option<String>,
    /// The same widths as WebP, for a `<source type="image/webp">`.
    pub(super) webp_srcset: Option<String>,
}

impl<'a> ImageContext<'a> {
    pub(super) fn new(
        image: &'a Image,
        size: Option<Size>,
        variants: Option<Variants>,
        config: &SiteConfig,
    ) -> Self {
        let srcsets = variants.map(|variants| variants.srcsets(|url| config.href(url)));
        ImageContext {
            src: href(config, &image.src),
            absolute: config.absolute_url(&image.src),
            alt: smart(&image.alt),
            caption: image.caption.as_deref().map(smart),
            credit: smart(&image.credit),
            width: size.map(|(width, _)| width),
            height: size.map(|(_, height)| height),
            srcset: srcsets.as_ref().map(|(own, _)| own.clone()),
            webp_srcset: srcsets.map(|(_, webp)| webp),
        }
    }
}

/// A story of the same series, for "more from this series".
#[derive(Serialize)]
pub(super) struct SeriesNeighbourContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) date: String,
    pub(super) date_display: String,
}

/// The series of a story page: its link and the story's place in it.
#[derive(Serialize)]
pub(super) struct StorySeriesContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    /// The story's number in the series, the first published being 1.
    pub(super) part: usize,
    /// How many stories of the series this build publishes.
    pub(super) parts: usize,
}

#[derive(Serialize)]
pub(super) struct CardContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) date: String,
    pub(super) date_display: String,
    pub(super) summary: Cow<'a, str>,
    pub(super) reporters: Vec<LinkContext<'a>>,
    pub(super) series: Option<SeriesLinkContext<'a>>,
    pub(super) image: Option<ImageContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct RoleContext<'a> {
    pub(super) role: String,
    pub(super) label: String,
    pub(super) people: Vec<LinkContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct FundingContext<'a> {
    pub(super) text: String,
    pub(super) note: Option<Cow<'a, str>>,
    pub(super) funders: Vec<FunderContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct FunderContext<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) url: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct SourceContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Option<Cow<'a, str>>,
    pub(super) publisher: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
pub(super) struct CorrectionContext<'a> {
    pub(super) date: String,
    pub(super) date_display: String,
    pub(super) text: Cow<'a, str>,
    pub(super) anchor: &'a str,
}

#[derive(Serialize)]
pub(super) struct LedgerContext<'a> {
    pub(super) date: String,
    pub(super) date_display: String,
    pub(super) text: Cow<'a, str>,
    pub(super) anchor: String,
    /// The correction on its story's page: `/series/story/#correction-2022-02-10`.
    pub(super) url: String,
    pub(super) story: SeriesLinkContext<'a>,
}

#[derive(Serialize)]
pub(super) struct FunderPageContext<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) anchor: &'a str,
    pub(super) url: Option<&'a str>,
    pub(super) description: Option<Cow<'a, str>>,
    /// The series it funds, each with how many stories of it this build publishes.
    pub(super) series: Vec<FunderSeriesContext<'a>>,
    /// How many stories name it as their own funder.
    pub(super) direct: usize,
    /// How many stories it funded, directly or through a series.
    pub(super) count: usize,
    /// Its page listing them (under the base path).
    pub(super) stories_url: String,
}

#[derive(Serialize)]
pub(super) struct FunderSeriesContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) stories: usize,
}

#[derive(Serialize)]
pub(super) struct ClaimContext<'a> {
    pub(super) claim: Cow<'a, str>,
    pub(super) claimant: Cow<'a, str>,
    pub(super) claimant_url: Option<&'a str>,
    /// `person` or `organization`.
    pub(super) claimant_type: &'static str,
    pub(super) rating: Cow<'a, str>,
    pub(super) date: Option<String>,
    pub(super) date_display: Option<String>,
    pub(super) appeared_in: Option<AppearanceContext<'a>>,
    pub(super) anchor: String,
}

/// Where a claim was made.
#[derive(Serialize)]
pub(super) struct AppearanceContext<'a> {
    pub(super) url: Cow<'a, str>,
    pub(super) title: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
pub(super) struct StoryContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) permalink: String,
    pub(super) date: String,
    pub(super) date_display: String,
    pub(super) updated: Option<String>,
    pub(super) updated_display: Option<String>,
    /// RFC 3339, as machines read it (a day alone: its start in the newsroom's zone).
    pub(super) published_time: String,
    /// RFC 3339: when the story last changed after publication (see `outputs::modified`).
    pub(super) modified_time: Option<String>,
    pub(super) summary: Cow<'a, str>,
    pub(super) reporters: Vec<LinkContext<'a>>,
    pub(super) series: Option<StorySeriesContext<'a>>,
    /// The story of the same series published just before this one, and just after.
    pub(super) previous: Option<SeriesNeighbourContext<'a>>,
    pub(super) next: Option<SeriesNeighbourContext<'a>>,
    /// Up to three other stories that share the most topics with this one.
    pub(super) related: Vec<SeriesNeighbourContext<'a>>,
    pub(super) topics: Vec<LinkContext<'a>>,
    pub(super) image: Option<ImageContext<'a>>,
    pub(super) byline: Vec<RoleContext<'a>>,
    pub(super) funding: Option<FundingContext<'a>>,
    pub(super) sources: Vec<SourceContext<'a>>,
    pub(super) corrections: Vec<CorrectionContext<'a>>,
    pub(super) claims: Vec<ClaimContext<'a>>,
    pub(super) extra: &'a FreeValue,
    pub(super) draft: bool,
    /// The body HTML, marked safe so templates do not escape it.
    pub(super) content: Value,
    /// The JSON-LD documents, marked safe (already escaped for a `<script>` element).
    pub(super) json_ld: Vec<Value>,
}

#[derive(Serialize)]
pub(super) struct SeriesContext<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) permalink: String,
    pub(super) summary: Cow<'a, str>,
    pub(super) description: Value,
    pub(super) image: Option<ImageContext<'a>>,
    pub(super) funders: Vec<FunderContext<'a>>,
    pub(super) extra: &'a FreeValue,
}

#[derive(Serialize)]
pub(super) struct TopicSummary<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct PersonContext<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) title: Option<Cow<'a, str>>,
    pub(super) bio: Option<Cow<'a, str>>,
    pub(super) link: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct PersonSummary<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) title: Option<Cow<'a, str>>,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct SeriesSummary<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: Cow<'a, str>,
    pub(super) summary: Cow<'a, str>,
}
