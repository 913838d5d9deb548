//! The content model: finds the series and stories under `content/`, validates their front
//! matter and turns it into a [`Site`] of [`Series`] and [`Story`] values with URLs, inherited
//! funders and resolved image paths.
//!
//! Loading is split in three so that the expensive middle part can run in parallel (in `build`):
//! [`discover`] walks the folder (cheap, serial, sorted for determinism), [`read_source`] reads
//! and parses one file (independent per file), and [`assemble`] validates everything that needs
//! more than one file: funder inheritance, the funders registry, duplicate URLs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::dates::StoryDate;
use crate::diagnostic::{Diagnostic, Position, codes, path_order_key};
use crate::front_matter::{
    self, ClaimFields, CorrectionFields, ImageFields, Located, SeriesFrontMatter, SourceFields,
    StoryFrontMatter,
};
use crate::markdown::{self, MarkdownOptions, RenderContext, RenderedMarkdown};
use crate::site_files;

pub const CONTENT_DIR: &str = "content";

/// Top-level addresses of the site's own pages (`/topics/`, `/people/`, `/corrections/`,
/// `/funders/`), which no series or stand-alone story may take.
pub const RESERVED_PATHS: &[&str] = &["topics", "people", "corrections", "funders"];

/// A content file found by [`discover`], and what its place in the tree makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/decision-machines/twitter.md`.
    pub path: PathBuf,
    pub kind: SourceKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// `content/<series>/_index.md`.
    SeriesIndex { series_dir: String },
    /// A story: `content/<slug>.md`, `content/<series>/<slug>.md`, or a page bundle
    /// `.../<slug>/index.md` (then `bundle` is the folder, relative to the site root).
    Story {
        series_dir: Option<String>,
        file_stem: String,
        bundle: Option<PathBuf>,
    },
    /// A file that sits in a page bundle beside its `index.md` (an image, a PDF).
    BundleAsset { bundle: PathBuf },
}

/// Walks `content/` and classifies every file. Problems with the tree itself (a file too deep,
/// a series folder without `_index.md`) come back as diagnostics beside the files.
pub fn discover(root: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), Diagnostic> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(Diagnostic::error(
            codes::SITE_READ,
            CONTENT_DIR,
            "there is no content folder: stories live in content/<series>/<story>.md",
        )
        .with_hint("create the folder content/ next to site.yaml, or pass --root DIR"));
    }
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    // A folder is a page bundle when it holds an index.md, a series when it holds _index.md.
    let mut bundles: HashSet<PathBuf> = HashSet::new();
    let mut series_dirs_with_index: Vec<String> = Vec::new();
    let mut series_dirs_with_stories: BTreeMap<String, PathBuf> = BTreeMap::new();

    let walker = WalkDir::new(&content)
        .follow_links(false)
        .follow_root_links(false)
        .into_iter()
        .filter_entry(|entry| !is_hidden(entry.file_name().to_str().unwrap_or("")));
    let mut entries = Vec::new();
    for entry in walker {
        match entry {
            // Links and special files are reported, never followed or read.
            Ok(entry) => match site_files::refused(root, &entry) {
                Some(diagnostic) => diagnostics.push(diagnostic),
                None => entries.push(entry),
            },
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                diagnostics.push(Diagnostic::error(
                    codes::FILE_READ,
                    path,
                    format!("cannot read this part of the content folder: {error}"),
                ));
            }
        }
    }
    // The order a sorted walk would give (each folder's entries by name), from keys made once:
    // walkdir's sorting compares file names it parses out of the paths again and again.
    entries.sort_by_cached_key(|entry| path_order_key(entry.path()));
    for entry in &entries {
        if entry.file_type().is_file() && entry.file_name() == "index.md" && entry.depth() >= 2 {
            if let Some(parent) = entry.path().parent() {
                bundles.insert(relative(root, parent));
            }
        }
    }

    for entry in &entries {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = relative(root, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        let components: Vec<String> = path
            .iter()
            .skip(1)
            .map(|c| c.to_string_lossy().to_string())
            .collect();
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        // The outermost bundle: a folder with an index.md inside a bundle is part of it.
        let in_bundle = path
            .ancestors()
            .skip(1)
            .filter(|folder| bundles.contains(*folder))
            .last()
            .map(Path::to_path_buf);
        let is_markdown = name.ends_with(".md");

        if let Some(bundle) = in_bundle {
            if name == "index.md" && parent == bundle {
                let bundle_depth = bundle.iter().count();
                let series_dir = (bundle_depth == 3).then(|| components[0].clone());
                if bundle_depth > 3 {
                    diagnostics.push(too_deep(&path));
                    continue;
                }
                if let Some(series) = &series_dir {
                    series_dirs_with_stories
                        .entry(series.clone())
                        .or_insert(path.clone());
                }
                files.push(SourceFile {
                    path,
                    kind: SourceKind::Story {
                        series_dir,
                        file_stem: components[components.len() - 2].clone(),
                        bundle: Some(bundle),
                    },
                });
            } else if !is_markdown {
                files.push(SourceFile {
                    path,
                    kind: SourceKind::BundleAsset { bundle },
                });
            } else {
                diagnostics.push(
                    Diagnostic::error(
                        codes::STRUCTURE_LAYOUT,
                        &path,
                        "a page bundle holds one story (index.md) and its files; this Markdown file would not be published",
                    )
                    .with_hint("move it to its own file or folder in the series"),
                );
            }
            continue;
        }
        if !is_markdown {
            // Loose files in content/ are not published: static files belong in static/.
            diagnostics.push(
                Diagnostic::warning(
                    codes::STRUCTURE_UNPUBLISHED_FILE,
                    &path,
                    "this file is not published: only Markdown stories and page-bundle files in content/ are",
                )
                .with_hint("put images and documents in static/, or beside the story in a page bundle folder"),
            );
            continue;
        }
        match components.len() {
            1 if name == "_index.md" => diagnostics.push(
                Diagnostic::error(
                    codes::STRUCTURE_LAYOUT,
                    &path,
                    "content/_index.md has no meaning: a series' _index.md goes in the series folder",
                )
                .with_hint("move it to content/<series>/_index.md"),
            ),
            1 => files.push(SourceFile {
                kind: SourceKind::Story {
                    series_dir: None,
                    file_stem: name.trim_end_matches(".md").to_string(),
                    bundle: None,
                },
                path,
            }),
            2 if name == "_index.md" => {
                series_dirs_with_index.push(components[0].clone());
                files.push(SourceFile {
                    kind: SourceKind::SeriesIndex {
                        series_dir: components[0].clone(),
                    },
                    path,
                });
            }
            2 => {
                series_dirs_with_stories
                    .entry(components[0].clone())
                    .or_insert(path.clone());
                files.push(SourceFile {
                    kind: SourceKind::Story {
                        series_dir: Some(components[0].clone()),
                        file_stem: name.trim_end_matches(".md").to_string(),
                        bundle: None,
                    },
                    path,
                });
            }
            _ => diagnostics.push(too_deep(&path)),
        }
    }
    for (series_dir, example) in series_dirs_with_stories {
        if !series_dirs_with_index.contains(&series_dir) {
            diagnostics.push(
                Diagnostic::error(
                    codes::STRUCTURE_SERIES_INDEX,
                    PathBuf::from(CONTENT_DIR).join(&series_dir),
                    format!(
                        "the folder `{series_dir}` holds stories (like {}) but no _index.md, so the series has no title or funder",
                        example.display()
                    ),
                )
                .with_hint(format!(
                    "create content/{series_dir}/_index.md with at least `title:` and `funder:`"
                )),
            );
        }
    }
    Ok((files, diagnostics))
}

fn too_deep(path: &Path) -> Diagnostic {
    Diagnostic::error(
        codes::STRUCTURE_LAYOUT,
        path,
        "this story is nested too deeply to be published: stories go in content/<series>/ or content/",
    )
    .with_hint("move it to content/<series>/<story>.md or content/<series>/<story>/index.md")
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') && name != "." && name.len() > 1
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// One content file read and parsed, before anything that needs other files is checked.
// A site has a few series files and thousands of stories, whose front matter is boxed; the
// series variant's size costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ParsedSource {
    Series(ParsedSeries),
    Story(ParsedStory),
    Asset {
        path: PathBuf,
        bundle: PathBuf,
    },
    /// The file could not be read or split; its diagnostics say why.
    Failed,
}

#[derive(Debug, Clone)]
pub struct ParsedSeries {
    pub path: PathBuf,
    pub series_dir: String,
    pub front: SeriesFrontMatter,
    pub body: String,
    pub body_first_line: usize,
}

#[derive(Debug, Clone)]
pub struct ParsedStory {
    pub path: PathBuf,
    pub series_dir: Option<String>,
    pub file_stem: String,
    pub bundle: Option<PathBuf>,
    /// Boxed: the front matter is most of a story's size, and an archive's parsed stories are
    /// moved from list to list on one thread between the parallel stages.
    pub front: Box<StoryFrontMatter>,
    pub body: StoryBody,
    pub body_first_line: usize,
}

/// A story's Markdown body, as reading left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoryBody {
    /// The text as written, for a build or the preview to render.
    Markdown(String),
    /// What the checks need of the text (links, images, headings, first paragraph: see
    /// [`markdown::scan`]), taken while the file was at hand; the text itself is let go.
    /// `byline check` renders nothing, and an archive's text is most of what it would hold in
    /// memory.
    Scanned(Arc<RenderedMarkdown>),
}

impl StoryBody {
    /// The Markdown as written, or None for a story read only to be checked.
    pub fn markdown(&self) -> Option<&str> {
        match self {
            StoryBody::Markdown(text) => Some(text),
            StoryBody::Scanned(_) => None,
        }
    }

    /// The Markdown as written, for rendering. Only a site read with [`StoryReading::Text`] can
    /// be rendered, and the caller chose how it was read: asking a scan for its text is a bug in
    /// byline, not a problem of the site.
    pub fn markdown_to_render(&self) -> &str {
        self.markdown()
            .expect("a story is rendered only from a site read with its text")
    }
}

/// What reading keeps of each story's text.
#[derive(Debug, Clone, Copy)]
pub enum StoryReading<'o> {
    /// The text ([`StoryBody::Markdown`]).
    Text,
    /// Only its scan with these options ([`StoryBody::Scanned`]).
    ScanOnly(&'o MarkdownOptions),
}

/// Reads and parses one file found by [`discover`]. Independent of every other file.
pub fn read_source(root: &Path, source: &SourceFile) -> (ParsedSource, Vec<Diagnostic>) {
    read_source_as(root, source, StoryReading::Text)
}

/// [`read_source`], keeping of a story's text what `reading` says.
pub fn read_source_as(
    root: &Path,
    source: &SourceFile,
    reading: StoryReading,
) -> (ParsedSource, Vec<Diagnostic>) {
    let (series_dir, story) = match &source.kind {
        SourceKind::BundleAsset { bundle } => {
            return (
                ParsedSource::Asset {
                    path: source.path.clone(),
                    bundle: bundle.clone(),
                },
                Vec::new(),
            );
        }
        SourceKind::SeriesIndex { series_dir } => (series_dir, None),
        SourceKind::Story {
            series_dir,
            file_stem,
            bundle,
        } => (
            series_dir.as_ref().unwrap_or(file_stem),
            Some((series_dir, file_stem, bundle)),
        ),
    };
    let text = match read_text(&root.join(&source.path), &source.path) {
        Ok(text) => text,
        Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
    };
    let document = match front_matter::split(&text, &source.path) {
        Ok(document) => document,
        Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
    };
    let body_first_line = document.body_first_line;
    match story {
        None => {
            let (front, diagnostics) = match front_matter::parse_series(&document, &source.path) {
                Ok(parsed) => parsed,
                Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
            };
            (
                ParsedSource::Series(ParsedSeries {
                    path: source.path.clone(),
                    series_dir: series_dir.clone(),
                    front,
                    body: document.body.to_string(),
                    body_first_line,
                }),
                diagnostics,
            )
        }
        Some((series_dir, file_stem, bundle)) => {
            let (front, diagnostics) = match front_matter::parse_story(&document, &source.path) {
                Ok(parsed) => parsed,
                Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
            };
            (
                ParsedSource::Story(ParsedStory {
                    path: source.path.clone(),
                    series_dir: series_dir.clone(),
                    file_stem: file_stem.clone(),
                    bundle: bundle.clone(),
                    front: Box::new(front),
                    body: story_body(document.body, body_first_line, reading),
                    body_first_line,
                }),
                diagnostics,
            )
        }
    }
}

fn story_body(markdown: &str, first_line: usize, reading: StoryReading) -> StoryBody {
    match reading {
        StoryReading::Text => StoryBody::Markdown(markdown.to_string()),
        StoryReading::ScanOnly(options) => {
            let context = RenderContext {
                first_line,
                ..RenderContext::new(options)
            };
            StoryBody::Scanned(Arc::new(markdown::scan(markdown, &context)))
        }
    }
}

/// The text of the content file at `full_path` (`shown` in messages), or why it cannot be
/// used: it cannot be read (it vanished, no permission), it is larger than
/// [`site_files::MAX_SOURCE_BYTES`], or it is not UTF-8. At most one byte more than the limit is
/// read, even from a file that grows while it is read.
fn read_text(full_path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let cannot_read = |error: std::io::Error| {
        Diagnostic::error(
            codes::FILE_READ,
            shown,
            format!("cannot read this file: {error}"),
        )
        .with_hint("check that the file still exists and that byline may read it (its permissions)")
    };
    let mut file = std::fs::File::open(full_path).map_err(cannot_read)?;
    let expected = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    if let Some(diagnostic) = site_files::too_large(shown, expected) {
        return Err(diagnostic);
    }
    let mut bytes = Vec::with_capacity(expected as usize);
    (&mut file)
        .take(site_files::MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if let Some(diagnostic) = site_files::too_large(shown, bytes.len() as u64) {
        return Err(diagnostic);
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(codes::FILE_READ, shown, "this file is not UTF-8 text")
            .at(line, 1)
            .with_hint("save it as UTF-8 in your editor")
    })
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub role: String,
    pub names: Vec<String>,
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub claim: String,
    pub claimant: String,
    pub rating: String,
    pub date: Option<StoryDate>,
    pub url: Option<String>,
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
    pub extra: serde_yaml::Value,
    pub description_markdown: String,
    pub description_first_line: usize,
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
    /// The story's own funders, or its series' when it names none.
    pub funders: Vec<String>,
    pub image: Option<Image>,
    pub summary: Option<String>,
    pub topics: Vec<String>,
    pub draft: bool,
    pub publish_at: Option<StoryDate>,
    pub sources: Vec<Source>,
    pub corrections: Vec<Correction>,
    pub claims: Vec<Claim>,
    pub extra: serde_yaml::Value,
    pub body: StoryBody,
    pub body_first_line: usize,
}

/// A file of a page bundle, published beside its story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleAsset {
    /// Relative to the site root.
    pub source: PathBuf,
    /// Site path of the copy, e.g. `/decision-machines/the-map/map.png`.
    pub url: String,
}

/// Why a valid story is not published in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithheldReason {
    Draft,
    /// Under embargo until this time.
    Embargo(StoryDate),
}

/// A story left out of the build: what identifies it, so the audit can look for leaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    pub source: PathBuf,
    pub title: String,
    pub slug: String,
    pub url: String,
    pub reason: WithheldReason,
}

impl Withheld {
    fn new(story: &Story, reason: WithheldReason) -> Withheld {
        Withheld {
            source: story.source.clone(),
            title: story.title.clone(),
            slug: story.slug.clone(),
            url: story.url.clone(),
            reason,
        }
    }
}

/// A story that cannot be published because of front-matter errors; kept so its text can still
/// be checked in the same run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedStory {
    pub source: PathBuf,
    /// Where it would be published.
    pub url: String,
    pub body: StoryBody,
    pub body_first_line: usize,
}

/// Options that decide which stories are part of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentOptions {
    pub include_drafts: bool,
    /// Keep stories whose `publish_at` is still in the future. `build` leaves them out; the
    /// `serve` preview keeps them and marks them "EMBARGOED until ...".
    pub include_embargoed: bool,
    /// The build time.
    pub now: jiff::Timestamp,
}

/// The whole validated site: configuration, series and the published stories, newest first.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub series: Vec<Series>,
    pub stories: Vec<Story>,
    pub assets: Vec<BundleAsset>,
    /// Valid stories left out of this build (drafts, embargoes), for the link checks and the
    /// embargo audit. Nothing is published from them.
    pub withheld: Vec<Withheld>,
    /// Stories with errors in their front matter: not published, but their text is checked.
    pub rejected: Vec<RejectedStory>,
    /// The build time (`--now` or the clock).
    pub now: jiff::Timestamp,
}

/// Validates the parsed files together and builds the [`Site`], one file after another.
/// `build` runs the same stages with the files read and validated in parallel.
pub fn assemble(
    config: SiteConfig,
    parsed: Vec<ParsedSource>,
    options: ContentOptions,
) -> (Site, Vec<Diagnostic>) {
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
        .map(|source| stage.validate_source(source))
        .collect();
    let (site, found) = finish(stage, outcomes, options);
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
pub enum SourceOutcome {
    /// Boxed, so that an archive's outcomes are cheap to gather on one thread.
    Story(Box<StoryOutcome>),
    /// A file of a page bundle: published beside its story, if the story is.
    Asset { path: PathBuf, bundle: PathBuf },
    /// The file could not be read or split, or it is a series file (validated before).
    Nothing,
}

/// A story after validation: published or withheld (`story`), or rejected with its errors.
pub struct StoryOutcome {
    story: Option<Story>,
    rejected: Option<RejectedStory>,
    bundle: Option<PathBuf>,
    diagnostics: Vec<Diagnostic>,
}

/// First stage: validates the series, which every story of theirs needs (for inherited
/// funders). Their `_index.md` files are read before the stories.
pub fn series_stage(
    config: SiteConfig,
    parsed: Vec<ParsedSeries>,
) -> (SeriesStage, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut series: Vec<Series> = parsed
        .into_iter()
        .filter_map(|parsed| validate_series(&config, parsed, &mut diagnostics))
        .collect();
    series.sort_by(|a, b| a.slug.cmp(&b.slug));
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
    /// Second stage, independent per file: validates a story, passes a bundle's file on.
    pub fn validate_source(&self, parsed: ParsedSource) -> SourceOutcome {
        match parsed {
            ParsedSource::Story(story) => SourceOutcome::Story(Box::new(self.validate(story))),
            ParsedSource::Asset { path, bundle } => SourceOutcome::Asset { path, bundle },
            ParsedSource::Series(_) | ParsedSource::Failed => SourceOutcome::Nothing,
        }
    }

    /// Validates one story.
    pub fn validate(&self, parsed: ParsedStory) -> StoryOutcome {
        let series_index = parsed
            .series_dir
            .as_deref()
            .and_then(|dir| self.series_by_dir.get(slugify(dir).as_str()).copied());
        let bundle = parsed.bundle.clone();
        let mut diagnostics = Vec::new();
        let mut rejected = Vec::new();
        let story = validate_story(
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
            diagnostics,
        }
    }
}

/// Third stage: decides what is published (drafts and embargoes are withheld), finds clashing
/// addresses, orders the stories newest first and places page-bundle files.
pub fn finish(
    stage: SeriesStage,
    outcomes: Vec<SourceOutcome>,
    options: ContentOptions,
) -> (Site, Vec<Diagnostic>) {
    let SeriesStage { config, series, .. } = stage;
    fn story_outcome(outcome: &SourceOutcome) -> Option<&StoryOutcome> {
        match outcome {
            SourceOutcome::Story(story) => Some(story),
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
    let mut withheld = Vec::new();
    let mut rejected = Vec::new();
    let mut assets_parsed = Vec::new();
    let mut bundle_urls: HashMap<PathBuf, String> = HashMap::new();
    let mut first_at_url: HashMap<String, PathBuf> = HashMap::with_capacity(story_count);
    for outcome in outcomes {
        let outcome = match outcome {
            SourceOutcome::Story(story) => *story,
            SourceOutcome::Asset { path, bundle } => {
                assets_parsed.push((path, bundle));
                continue;
            }
            SourceOutcome::Nothing => continue,
        };
        diagnostics.extend(outcome.diagnostics);
        rejected.extend(outcome.rejected);
        let Some(story) = outcome.story else {
            continue;
        };
        // Drafts and embargoed stories take their address too: publishing them later must
        // not collide with a story already out.
        if let Some(first) = first_at_url.get(&story.url) {
            diagnostics.push(
                Diagnostic::error(
                    codes::STRUCTURE_DUPLICATE_URL,
                    &story.source,
                    format!(
                        "this story would be published at {}, the same address as {}",
                        story.url,
                        first.display()
                    ),
                )
                .at(1, 1)
                .with_hint("give one of them a different `slug:` or file name"),
            );
            continue;
        }
        first_at_url.insert(story.url.clone(), story.source.clone());
        if let Some(bundle) = outcome.bundle {
            bundle_urls.insert(bundle, story.url.clone());
        }
        if story.draft && !options.include_drafts {
            withheld.push(Withheld::new(&story, WithheldReason::Draft));
            continue;
        }
        if let Some(publish_at) = story.publish_at
            && publish_at.instant > options.now
            && !options.include_embargoed
        {
            withheld.push(Withheld::new(&story, WithheldReason::Embargo(publish_at)));
            continue;
        }
        stories.push(story);
    }
    for series in &series {
        if let Some(story) = first_at_url.get(&series.url) {
            diagnostics.push(
                Diagnostic::error(
                    codes::STRUCTURE_DUPLICATE_URL,
                    story,
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
                Diagnostic::error(
                    codes::STRUCTURE_DUPLICATE_URL,
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

    let mut assets: Vec<BundleAsset> = assets_parsed
        .into_iter()
        .filter_map(|(path, bundle)| {
            let story_url = bundle_urls.get(&bundle)?;
            let inside = web_path(path.strip_prefix(&bundle).ok()?);
            Some(BundleAsset {
                url: format!("{story_url}{inside}"),
                source: path,
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
            withheld,
            rejected,
            now: options.now,
        },
        diagnostics,
    )
}

/// A relative file path as the `/`-separated path it has on the web, on every platform.
pub fn web_path(relative: &Path) -> String {
    relative
        .iter()
        .map(|component| component.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The order of stories in a site and in every listing: newest first, then by title, then by
/// URL (unique), so the order never depends on the order files were read in.
pub fn story_order(a: &Story, b: &Story) -> std::cmp::Ordering {
    b.date
        .instant
        .cmp(&a.date.instant)
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.url.cmp(&b.url))
}

/// Turns `text` into a URL-safe slug (`Big Tech` -> `big-tech`, `Москва` -> `moskva`): only
/// `a-z`, `0-9` and single dashes between them. Non-Latin text is transliterated. When none of
/// its letters and digits has a transliteration (rare Chinese characters outside the Basic
/// Multilingual Plane, say), they are written as code points (`𪜀` -> `u2a700`), so that two
/// such names (topics, people) still get addresses of their own; text without a letter or digit
/// gives `untitled`.
pub fn slugify(text: &str) -> String {
    let slug = slug::slugify(text);
    if !slug.is_empty() {
        return slug;
    }
    let code_points: Vec<String> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| format!("u{:x}", u32::from(c)))
        .collect();
    if code_points.is_empty() {
        "untitled".to_string()
    } else {
        code_points.join("-")
    }
}

/// The site path of a person's page: `/people/<slug>/`.
pub fn person_url(name: &str) -> String {
    format!("/people/{}/", slugify(name))
}

/// The site path of a topic's page: `/topics/<slug>/`.
pub fn topic_url(name: &str) -> String {
    format!("/topics/{}/", slugify(name))
}

fn required<T>(
    value: Option<Located<T>>,
    key: &str,
    what: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Located<T>> {
    if value.is_none() {
        diagnostics.push(
            Diagnostic::error(
                codes::FRONT_REQUIRED,
                path,
                format!("this story has no `{key}`: {what}"),
            )
            .at(1, 1)
            .with_hint(format!("add a line `{key}: ...` to the front matter")),
        );
    }
    value
}

/// `value`, unless it is blank: a headline, claim or correction of only spaces would be
/// published as an empty line, so it is reported where it is written, as missing.
fn not_blank(
    value: Located<String>,
    key: &str,
    what: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Located<String>> {
    if !value.value.trim().is_empty() {
        return Some(value);
    }
    diagnostics.push(
        Diagnostic::error(
            codes::FRONT_REQUIRED,
            path,
            format!("`{key}` is empty: {what}"),
        )
        .at_position(value.position)
        .with_hint(format!("write the {key} after `{key}:`")),
    );
    None
}

fn parse_date(
    value: &Located<String>,
    key: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<StoryDate> {
    match StoryDate::parse(&value.value) {
        Ok(date) => Some(date),
        Err(message) => {
            diagnostics.push(
                Diagnostic::error(codes::FRONT_DATE, path, format!("`{key}`: {message}"))
                    .at_position(value.position)
                    .with_hint("dates look like 2022-02-09; times need a zone, like 2022-02-09T06:00:00+00:00"),
            );
            None
        }
    }
}

/// Every name non-empty; empty names are reported, not published as a blank byline.
fn names(
    value: Located<Vec<String>>,
    key: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let first_finding = diagnostics.len();
    let mut names = Vec::with_capacity(value.value.len());
    for name in value.value {
        let trimmed = name.trim();
        if trimmed.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    codes::CREDIT_EMPTY_NAME,
                    path,
                    format!("`{key}` has an empty name"),
                )
                .at_position(value.position)
                .with_hint("write the person's name, or remove the empty entry"),
            );
        } else {
            names.push(trimmed.to_string());
        }
    }
    if names.is_empty() && diagnostics.len() == first_finding {
        diagnostics.push(
            Diagnostic::error(
                codes::CREDIT_EMPTY_NAME,
                path,
                format!("`{key}` names nobody"),
            )
            .at_position(value.position),
        );
    }
    names
}

/// Whether `url` starts with a scheme (`https:`, `mailto:`, `sms:`, `signal:`, ...): a letter,
/// then letters, digits, `+`, `-` or `.`, then a colon (RFC 3986), so it is never a path.
pub fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Resolves a path written in front matter or Markdown against the page it appears on:
/// absolute URLs and site paths stay, relative paths are joined to the page's URL (which is
/// how a browser reads them, and makes page-bundle files resolve).
pub fn resolve_against(page_url: &str, target: &str) -> String {
    if target.is_empty() || target.starts_with('/') || target.starts_with('#') || has_scheme(target)
    {
        return target.to_string();
    }
    let mut segments: Vec<&str> = page_url.split('/').filter(|s| !s.is_empty()).collect();
    let (path, suffix) = match target.find(['?', '#']) {
        Some(index) => target.split_at(index),
        None => (target, ""),
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            part => segments.push(part),
        }
    }
    let mut resolved = String::from("/");
    resolved.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        resolved.push('/');
    }
    resolved.push_str(suffix);
    resolved
}

fn image(
    value: Located<ImageFields>,
    page_url: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Image> {
    let fields = value.value;
    let src = match fields.src {
        Some(src) if !src.value.trim().is_empty() => Some(src.value),
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    codes::FRONT_REQUIRED,
                    path,
                    "the image has no `src` (the picture file)",
                )
                .at_position(value.position)
                .with_hint("add `src: /images/picture.jpg` under `image:`"),
            );
            None
        }
    };
    let alt = match fields.alt {
        Some(alt) if !alt.value.trim().is_empty() => Some(alt.value),
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    codes::CREDIT_IMAGE_ALT,
                    path,
                    "the image has no `alt` text, which blind readers and search engines rely on",
                )
                .at_position(value.position)
                .with_hint("add `alt:` under `image:`, describing what the picture shows"),
            );
            None
        }
    };
    let credit = match fields.credit {
        Some(credit) if !credit.value.trim().is_empty() => Some(credit.value),
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    codes::CREDIT_IMAGE_CREDIT,
                    path,
                    "the image has no `credit`: every picture we publish must say who made it",
                )
                .at_position(value.position)
                .with_hint("add `credit: Photographer/Agency` under `image:`"),
            );
            None
        }
    };
    if let (Some(alt), Some(caption)) = (&alt, &fields.caption)
        && alt.trim() == caption.value.trim()
    {
        diagnostics.push(
            Diagnostic::warning(
                codes::IMAGE_ALT_IS_CAPTION,
                path,
                "the image's `alt` text is the same as its caption; blind readers hear it twice and learn nothing about the picture",
            )
            .at_position(caption.position)
            .with_hint("make `alt` describe what the picture shows, and keep the caption for context"),
        );
    }
    Some(Image {
        src: resolve_against(page_url, &src?),
        alt: alt?,
        caption: fields
            .caption
            .map(|c| c.value)
            .filter(|c| !c.trim().is_empty()),
        credit: credit?,
        position: value.position,
    })
}

fn check_funders(
    config: &SiteConfig,
    funders: &Located<Vec<String>>,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if config.funders.is_empty() {
        return;
    }
    for name in &funders.value {
        if config.funder(name).is_none() {
            let known: Vec<&str> = config.funders.iter().map(|f| f.name.as_str()).collect();
            let hint = match crate::diagnostic::did_you_mean(name, &known) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!(
                    "the funders in site.yaml are: {}; add this one there if it is new",
                    known.join(", ")
                ),
            };
            diagnostics.push(
                Diagnostic::error(
                    codes::FUNDING_UNKNOWN,
                    path,
                    format!("the funder \"{name}\" is not in the funders list of site.yaml"),
                )
                .at_position(funders.position)
                .with_hint(hint),
            );
        }
    }
}

fn validate_series(
    config: &SiteConfig,
    parsed: ParsedSeries,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Series> {
    let path = parsed.path;
    let front = parsed.front;
    let slug = slugify(&parsed.series_dir);
    let url = format!("/{slug}/");
    let placeholders = [
        (
            "title",
            front.title.as_ref().map(|t| (t.value.as_str(), t.position)),
        ),
        (
            "summary",
            front
                .summary
                .as_ref()
                .map(|t| (t.value.as_str(), t.position)),
        ),
        (
            "funder",
            front.funder.as_ref().and_then(|f| {
                f.value
                    .iter()
                    .find(|n| is_placeholder(n))
                    .map(|n| (n.as_str(), f.position))
            }),
        ),
    ];
    for (key, value) in placeholders {
        if let Some((text, position)) = value
            && is_placeholder(text)
        {
            diagnostics.push(
                Diagnostic::error(
                    codes::FRONT_PLACEHOLDER,
                    &path,
                    format!("`{key}` still holds a placeholder; fill it in before publishing"),
                )
                .at_position(position)
                .with_hint(format!("replace the text starting with {PLACEHOLDER_MARK}")),
            );
        }
    }
    if let Some(funders) = &front.funder
        && !funders.value.iter().any(|name| is_placeholder(name))
    {
        check_funders(config, funders, &path, diagnostics);
    }
    let image = front
        .image
        .and_then(|image_fields| image(image_fields, &url, &path, diagnostics));
    let title = match front.title {
        Some(title) => {
            not_blank(
                title,
                "title",
                "every series needs a name",
                &path,
                diagnostics,
            )?
            .value
        }
        None => {
            diagnostics.push(
                Diagnostic::error(codes::FRONT_REQUIRED, &path, "this series has no `title`")
                    .at(1, 1)
                    .with_hint("add `title: Name of the series` to the front matter"),
            );
            return None;
        }
    };
    Some(Series {
        slug,
        url,
        source: path,
        title,
        summary: front.summary.map(|s| s.value),
        funders: front.funder.map(|f| f.value).unwrap_or_default(),
        image,
        extra: front
            .extra
            .map(|e| e.value)
            .unwrap_or(serde_yaml::Value::Mapping(Default::default())),
        description_markdown: parsed.body,
        description_first_line: parsed.body_first_line,
    })
}

fn validate_story(
    config: &SiteConfig,
    series: &[Series],
    series_index: Option<usize>,
    parsed: ParsedStory,
    diagnostics: &mut Vec<Diagnostic>,
    rejected: &mut Vec<RejectedStory>,
) -> Option<Story> {
    let path = parsed.path;
    let front = parsed.front;
    // Only this story's findings are looked at below (the list holds the whole site's).
    let first_finding = diagnostics.len();
    report_placeholders(&front, &path, diagnostics);

    let slug = match &front.slug {
        Some(slug) => {
            let wanted = slug.value.trim();
            if wanted.is_empty() || slugify(wanted) != wanted {
                diagnostics.push(
                    Diagnostic::error(
                        codes::STRUCTURE_SLUG,
                        &path,
                        format!("`slug` \"{}\" cannot be used in a web address", slug.value),
                    )
                    .at_position(slug.position)
                    .with_hint(format!(
                        "use lowercase letters, digits and dashes, e.g. `{}`",
                        slugify(wanted)
                    )),
                );
            }
            slugify(wanted)
        }
        None => slugify(&parsed.file_stem),
    };
    let url = match parsed.series_dir.as_deref() {
        Some(dir) => format!("/{}/{slug}/", slugify(dir)),
        None => format!("/{slug}/"),
    };

    let headline = "every story needs a headline";
    let title = required(front.title, "title", headline, &path, diagnostics)
        .and_then(|title| not_blank(title, "title", headline, &path, diagnostics));
    let date = required(
        front.date,
        "date",
        "every story needs a publication date",
        &path,
        diagnostics,
    )
    .and_then(|date| parse_date(&date, "date", &path, diagnostics));
    let reporters = required(
        front.reporter,
        "reporter",
        "every story must credit its reporter",
        &path,
        diagnostics,
    )
    .map(|names_value| names(names_value, "reporter", &path, diagnostics));
    let editors = required(
        front.editor,
        "editor",
        "every story must credit its editor",
        &path,
        diagnostics,
    )
    .map(|names_value| names(names_value, "editor", &path, diagnostics));
    let updated = front
        .updated
        .as_ref()
        .and_then(|date| parse_date(date, "updated", &path, diagnostics));
    let publish_at = front.publish_at.as_ref().and_then(|written| {
        let zone_error = |day: &str| {
            Diagnostic::error(
                codes::EMBARGO_NO_ZONE,
                &path,
                "`publish_at` needs a time and a time zone, so the embargo lifts at one agreed moment everywhere",
            )
            .at_position(written.position)
            .with_hint(format!("write e.g. `publish_at: {day}T06:00:00+00:00`"))
        };
        match StoryDate::parse(&written.value) {
            Ok(time) if time.offset.is_some() => Some(time),
            Ok(time) => {
                diagnostics.push(zone_error(&time.day.to_string()));
                None
            }
            Err(message) if message.contains("no time zone") => {
                let day = written.value.split('T').next().unwrap_or("2024-01-31");
                diagnostics.push(zone_error(day));
                None
            }
            Err(_) => parse_date(written, "publish_at", &path, diagnostics),
        }
    });

    let credits: Vec<Credit> = front
        .credits
        .into_iter()
        .map(|credit| {
            let position = credit.position;
            let (role, role_names) = credit.value;
            let key = format!("credits: {role}");
            let role_names = names(
                Located {
                    value: role_names,
                    position,
                },
                &key,
                &path,
                diagnostics,
            );
            Credit {
                role,
                names: role_names,
            }
        })
        .filter(|credit| !credit.names.is_empty())
        .collect();

    // A story names its own funder, or inherits its series'.
    let funders = match (&front.funder, series_index) {
        (Some(own), _) => {
            if !own.value.iter().any(|name| is_placeholder(name)) {
                check_funders(config, own, &path, diagnostics);
            }
            own.value
                .iter()
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect()
        }
        (None, Some(index)) if !series[index].funders.is_empty() => series[index].funders.clone(),
        (None, _) => {
            let hint = match series_index {
                Some(index) => format!(
                    "add `funder:` to this story, or to its series in {}",
                    series[index].source.display()
                ),
                None => "add `funder: Name of the funder` (a stand-alone story has no series to inherit from)".to_string(),
            };
            diagnostics.push(
                Diagnostic::error(
                    codes::FUNDING_MISSING,
                    &path,
                    "this story does not say who funded it, so its funding disclosure cannot be printed",
                )
                .at(1, 1)
                .with_hint(hint),
            );
            Vec::new()
        }
    };

    let image = front
        .image
        .and_then(|image_fields| image(image_fields, &url, &path, diagnostics));
    let sources = front
        .sources
        .into_iter()
        .filter_map(|source| validate_source(source, &path, diagnostics))
        .collect();
    let corrections: Vec<(Correction, Position)> = front
        .corrections
        .into_iter()
        .filter_map(|correction| {
            let position = correction.position;
            validate_correction(correction, &path, diagnostics).map(|c| (c, position))
        })
        .collect();
    let claims = front
        .claims
        .into_iter()
        .filter_map(|claim| validate_claim(claim, &path, diagnostics))
        .collect();
    let topics = front
        .topics
        .map(|topics| {
            topics
                .value
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();

    if let (Some(date), Some(updated), Some(written)) = (&date, &updated, &front.updated)
        && updated.instant < date.instant
    {
        diagnostics.push(
            Diagnostic::error(
                codes::STRUCTURE_UPDATED_BEFORE_DATE,
                &path,
                format!(
                    "`updated` ({}) is before the story's `date` ({})",
                    updated.iso(),
                    date.iso()
                ),
            )
            .at_position(written.position)
            .with_hint("a story can only be updated after it was published; check both dates"),
        );
    }
    if let Some(date) = &date {
        for (correction, position) in &corrections {
            if correction.date.day < date.day {
                diagnostics.push(
                    Diagnostic::error(
                        codes::STRUCTURE_CORRECTION_BEFORE_DATE,
                        &path,
                        format!(
                            "this correction is dated {}, before the story was published ({})",
                            correction.date.iso(),
                            date.iso()
                        ),
                    )
                    .at_position(*position)
                    .with_hint("check the correction's date"),
                );
            }
        }
    }
    if front
        .summary
        .as_ref()
        .is_none_or(|s| s.value.trim().is_empty())
    {
        diagnostics.push(
            Diagnostic::warning(
                codes::SUMMARY_MISSING,
                &path,
                "this story has no `summary`; listings, feeds and search engines will show its first paragraph instead",
            )
            .at(1, 1)
            .with_hint("add `summary:` with one or two sentences that sell the story"),
        );
    }
    let corrections = corrections.into_iter().map(|(c, _)| c).collect();
    if diagnostics[first_finding..]
        .iter()
        .any(Diagnostic::is_error)
    {
        // The story cannot be published, but its text is still checked (links, image
        // credits), so one run reports every mistake in it.
        rejected.push(RejectedStory {
            source: path,
            url,
            body: parsed.body,
            body_first_line: parsed.body_first_line,
        });
        return None;
    }
    Some(Story {
        source: path,
        slug,
        url,
        series: series_index,
        title: title?.value,
        date: date?,
        updated,
        reporters: reporters?,
        editors: editors?,
        credits,
        funders,
        image,
        summary: front
            .summary
            .map(|s| s.value)
            .filter(|s| !s.trim().is_empty()),
        topics,
        draft: front.draft.is_some_and(|d| d.value),
        publish_at,
        sources,
        corrections,
        claims,
        extra: front
            .extra
            .map(|e| e.value)
            .unwrap_or(serde_yaml::Value::Mapping(Default::default())),
        body: parsed.body,
        body_first_line: parsed.body_first_line,
    })
}

/// The marker `byline new` writes into fields a reporter still has to fill in.
pub const PLACEHOLDER_MARK: &str = "TODO";

fn is_placeholder(value: &str) -> bool {
    value.trim_start().starts_with(PLACEHOLDER_MARK)
}

/// Reports every field that still holds a `TODO` placeholder from `byline new`.
fn report_placeholders(front: &StoryFrontMatter, path: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let mut found: Vec<(String, Position)> = Vec::new();
    let mut text = |key: &str, value: &Option<Located<String>>| {
        if let Some(value) = value
            && is_placeholder(&value.value)
        {
            found.push((key.to_string(), value.position));
        }
    };
    text("title", &front.title);
    text("summary", &front.summary);
    if let Some(image) = &front.image {
        text("image: src", &image.value.src);
        text("image: alt", &image.value.alt);
        text("image: caption", &image.value.caption);
        text("image: credit", &image.value.credit);
    }
    let names = [
        ("reporter", &front.reporter),
        ("editor", &front.editor),
        ("funder", &front.funder),
    ];
    for (key, value) in names {
        if let Some(value) = value
            && value.value.iter().any(|name| is_placeholder(name))
        {
            found.push((key.to_string(), value.position));
        }
    }
    for credit in &front.credits {
        if credit.value.1.iter().any(|name| is_placeholder(name)) {
            found.push((format!("credits: {}", credit.value.0), credit.position));
        }
    }
    for (key, position) in found {
        diagnostics.push(
            Diagnostic::error(
                codes::FRONT_PLACEHOLDER,
                path,
                format!("`{key}` still holds a placeholder; fill it in before publishing"),
            )
            .at_position(position)
            .with_hint(format!("replace the text starting with {PLACEHOLDER_MARK}")),
        );
    }
}

fn missing_in_entry(list: &str, key: &str, position: Position, path: &Path) -> Diagnostic {
    Diagnostic::error(
        codes::FRONT_REQUIRED,
        path,
        format!("an entry of `{list}` has no `{key}`"),
    )
    .at_position(position)
    .with_hint(format!("add `{key}:` to this entry"))
}

/// A required field of a list entry (`sources`, `corrections`, `claims`): missing and blank
/// are both reported, a blank one where it is written.
fn required_in_entry(
    value: Option<Located<String>>,
    list: &str,
    key: &str,
    entry: Position,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let Some(value) = value else {
        diagnostics.push(missing_in_entry(list, key, entry, path));
        return None;
    };
    if value.value.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(
                codes::FRONT_REQUIRED,
                path,
                format!("an entry of `{list}` has an empty `{key}`"),
            )
            .at_position(value.position)
            .with_hint(format!("write the {key}, or remove the entry")),
        );
        return None;
    }
    Some(value.value)
}

fn validate_source(
    source: SourceFields,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let title = required_in_entry(
        source.title,
        "sources",
        "title",
        source.position,
        path,
        diagnostics,
    )?;
    if source
        .url
        .as_ref()
        .is_none_or(|url| url.value.trim().is_empty())
    {
        diagnostics.push(
            Diagnostic::warning(
                codes::SOURCE_NO_URL,
                path,
                format!("the source \"{title}\" has no `url`, so readers cannot check it"),
            )
            .at_position(source.position)
            .with_hint("add `url:` if the source is online; offline sources can stay as they are"),
        );
    }
    Some(Source {
        title,
        url: source.url.map(|u| u.value),
        publisher: source.publisher.map(|p| p.value),
    })
}

fn validate_correction(
    correction: CorrectionFields,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Correction> {
    let date = match &correction.date {
        Some(date) => parse_date(date, "corrections: date", path, diagnostics),
        None => {
            diagnostics.push(missing_in_entry(
                "corrections",
                "date",
                correction.position,
                path,
            ));
            None
        }
    };
    let text = required_in_entry(
        correction.text,
        "corrections",
        "text",
        correction.position,
        path,
        diagnostics,
    );
    Some(Correction {
        date: date?,
        text: text?,
    })
}

fn validate_claim(
    claim: ClaimFields,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Claim> {
    let mut field = |value: Option<Located<String>>, key: &str| {
        required_in_entry(value, "claims", key, claim.position, path, diagnostics)
    };
    let text = field(claim.claim, "claim");
    let claimant = field(claim.claimant, "claimant");
    let rating = field(claim.rating, "rating");
    let date = claim
        .date
        .as_ref()
        .and_then(|date| parse_date(date, "claims: date", path, diagnostics));
    Some(Claim {
        claim: text?,
        claimant: claimant?,
        rating: rating?,
        date,
        url: claim.url.map(|u| u.value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_paths_like_a_browser() {
        assert_eq!(resolve_against("/s/story/", "map.png"), "/s/story/map.png");
        assert_eq!(resolve_against("/s/story/", "../other/"), "/s/other/");
        assert_eq!(
            resolve_against("/s/story/", "/images/a.png"),
            "/images/a.png"
        );
        assert_eq!(
            resolve_against("/s/story/", "https://x.org/a"),
            "https://x.org/a"
        );
        assert_eq!(resolve_against("/s/story/", "#notes"), "#notes");
        assert_eq!(
            resolve_against("/s/story/", "./a.pdf#page=2"),
            "/s/story/a.pdf#page=2"
        );
        for kept in [
            "mailto:tips@example.org",
            "tel:+41441234567",
            "sms:+41441234567",
            "signal:+41441234567",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
        ] {
            assert_eq!(resolve_against("/s/story/", kept), kept);
        }
        // A colon after a slash is part of a path, not a scheme.
        assert_eq!(
            resolve_against("/s/story/", "notes/10:30.pdf"),
            "/s/story/notes/10:30.pdf"
        );
        assert!(!has_scheme("1x:y") && !has_scheme(":x") && !has_scheme("a b:c"));
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Big Tech"), "big-tech");
        assert_eq!(slugify("Décision Machines!"), "decision-machines");
        assert_eq!(slugify("Москва"), "moskva");
        assert_eq!(slugify("!!!"), "untitled");
        assert_eq!(slugify("北京新闻"), "bei-jing-xin-wen");
        assert_eq!(slugify("서울 뉴스"), "seoul-nyuseu");
        assert_eq!(slugify("Αθήνα"), "athena");
        assert_eq!(slugify("𪜀 𪜁"), "u2a700-u2a701");
    }

    /// Letters of the scripts newsrooms write headlines in, beyond Latin.
    const WORLD_LETTERS: &str = r"[\p{L}&&[\p{Cyrillic}\p{Greek}\p{Arabic}\p{Hebrew}\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}\p{Devanagari}\p{Bengali}\p{Thai}\p{Armenian}\p{Georgian}\p{Ethiopic}]]";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// Any text gives the same slug every time: not empty, only `a-z`, `0-9` and single
        /// dashes between them, and a slug `byline` accepts in a story's `slug:` field.
        #[test]
        fn slugs_are_stable_and_url_safe(text in r"(.|\PC|\p{M}|[-_ .!?/\\]){0,24}") {
            let slug = slugify(&text);
            proptest::prop_assert_eq!(slugify(&text), slug.clone());
            proptest::prop_assert!(!slug.is_empty());
            proptest::prop_assert!(
                slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{slug:?}"
            );
            proptest::prop_assert!(
                !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
                "{slug:?}"
            );
            proptest::prop_assert_eq!(slugify(&slug), slug);
        }

        /// A headline in Cyrillic, Arabic, Chinese, Korean... (or any letters and digits at
        /// all) gets a slug of its own, not the `untitled` fallback.
        #[test]
        fn headlines_in_any_script_give_a_real_slug(
            text in proptest::string::string_regex(&format!(
                "({WORLD_LETTERS}|[\\p{{L}}\\p{{N}}]){{1,8}}( ({WORLD_LETTERS}|[\\p{{L}}\\p{{N}}]){{1,8}}){{0,3}}"
            ))
            .expect("a valid pattern")
        ) {
            let slug = slugify(&text);
            proptest::prop_assert_ne!(slug.as_str(), "untitled", "{:?}", text);
        }
    }
}
