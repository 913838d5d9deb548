//! The build: strings the stages together (config, content, theme, Markdown, templates,
//! output) and is the one place that runs work in parallel. `serve` reuses the stages through
//! [`load_with`], [`render_markdown_cached`], [`static_files`] and [`check_pages`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::checks::{self, EmbargoAudit, LinkTargets};
use crate::config::{self, SiteConfig};
use crate::content::{
    self, ContentOptions, ParsedSource, Site, SourceFile, SourceKind, StoryBody, StoryReading,
    web_path,
};
use crate::diagnostic::{Diagnostic, codes};
use crate::images::ImageSizes;
use crate::markdown::{MarkdownOptions, RenderedMarkdown};
use crate::output::{self, Staging};
use crate::render::{
    self, BodyOutput, BodyPage, LinkMap, MarkdownCache, Page, SiteIndex, SiteView,
};
use crate::site_files;
use crate::templates::Templates;
use crate::theme::Theme;

pub const STATIC_DIR: &str = "static";

/// How to read the site, shared by every command that loads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOptions {
    pub include_drafts: bool,
    /// Keep stories whose embargo (`publish_at`) has not lifted yet (the `serve` preview).
    pub include_embargoed: bool,
    /// Replaces `base_url` from site.yaml (e.g. for a staging host).
    pub base_url: Option<String>,
    /// The build time: decides embargoes and the news sitemap's window. `--now` sets it for
    /// tests and replays; otherwise it is the clock.
    pub now: Timestamp,
    /// Clean story texts of anything that could run code (`--safe-html`), whatever site.yaml
    /// says.
    pub safe_html: bool,
}

impl Default for SiteOptions {
    fn default() -> Self {
        SiteOptions {
            include_drafts: false,
            include_embargoed: false,
            base_url: None,
            now: Timestamp::now(),
            safe_html: false,
        }
    }
}

impl SiteOptions {
    /// The options that decide which stories are part of the site.
    pub fn content_options(&self) -> ContentOptions {
        ContentOptions {
            include_drafts: self.include_drafts,
            include_embargoed: self.include_embargoed,
            now: self.now,
        }
    }
}

/// What to build, already validated by the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub site: SiteOptions,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub stories: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
}

/// How long each stage of a check or build took (`--timings`): where an archive's time goes,
/// without a profiler.
#[derive(Debug, Clone)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
    lap_started: Instant,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            stages: Vec::new(),
            lap_started: Instant::now(),
        }
    }

    /// Ends the stage that ran since the previous lap (or the start).
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.lap_started));
        self.lap_started = now;
    }

    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: Duration = self.stages.iter().map(|(_, took)| *took).sum();
        for (stage, took) in &self.stages {
            writeln!(f, "{:>9.1} ms  {stage}", took.as_secs_f64() * 1000.0)?;
        }
        write!(f, "{:>9.1} ms  total", total.as_secs_f64() * 1000.0)
    }
}

/// Why a build failed: every problem found, errors and warnings, sorted by file and line.
#[derive(Debug, Clone)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
    /// The site could not be read at all (no site.yaml, no content folder).
    pub unreadable: bool,
}

impl BuildFailure {
    fn new(mut diagnostics: Vec<Diagnostic>, unreadable: bool) -> BuildFailure {
        Diagnostic::sort(&mut diagnostics);
        BuildFailure {
            diagnostics,
            unreadable,
        }
    }
}

/// A site read, validated and checked: the stories that can be published, the theme, the
/// rendered bodies, and every problem found on the way.
pub struct CheckedSite {
    pub site: Site,
    pub theme: Option<Theme>,
    pub templates: Option<Templates>,
    /// `bodies[i]` is the rendered body of `site.stories[i]`.
    pub bodies: Vec<Arc<RenderedMarkdown>>,
    /// `descriptions[i]` is the rendered description of `site.series[i]`.
    pub descriptions: Vec<RenderedMarkdown>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Pixel sizes of the site's images, for `width` and `height` attributes.
    pub images: ImageSizes,
    /// The site's pages and listings, as the link checks knew them.
    pub index: SiteIndex,
    pub timings: Timings,
}

impl CheckedSite {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The site prepared for rendering, with the bodies as this check rendered them.
    pub fn view<'a>(&'a self, index: &'a SiteIndex) -> SiteView<'a> {
        SiteView::new(
            &self.site,
            self.bodies.iter().map(|body| &**body).collect(),
            self.descriptions.iter().collect(),
            index,
            &self.images,
        )
    }
}

/// Reads one content file: [`content::read_source`], or a cache in front of it (`serve` keeps
/// the files it has read and reads again only the ones that changed).
pub type ReadSource<'a> =
    dyn Fn(&SiteConfig, &SourceFile) -> (ParsedSource, Vec<Diagnostic>) + Sync + 'a;

/// The site read and validated, before its texts are rendered.
struct ReadSite {
    site: Site,
    sources: Vec<SourceFile>,
    theme: Option<Theme>,
    templates: Option<Templates>,
    diagnostics: Vec<Diagnostic>,
    timings: Timings,
}

/// The stage of the timings that reads the content files.
const READING: &str = "read, parse and validate files";

/// Reads the configuration, every content file (through `read`, in parallel) and the theme,
/// and validates them. Fails only when the site cannot be read at all or site.yaml is broken.
/// `reading` names what `read` does to a file, for the timings.
fn read_site(
    root: &Path,
    options: &SiteOptions,
    read: &ReadSource,
    reading: &'static str,
) -> Result<ReadSite, BuildFailure> {
    let mut timings = Timings::start();
    let mut config: SiteConfig = config::load(root).map_err(|diagnostics| {
        let unreadable = diagnostics.iter().any(|d| d.code == codes::SITE_READ);
        BuildFailure::new(diagnostics, unreadable)
    })?;
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.trim_end_matches('/').to_string();
    }
    config.safe_html |= options.safe_html;
    let (sources, mut diagnostics) =
        content::discover(root).map_err(|diagnostic| BuildFailure::new(vec![diagnostic], true))?;
    timings.lap("read site.yaml, find content files");

    // Series first: every story needs its series (for an inherited funder) to be validated.
    let (series_sources, story_sources): (Vec<&SourceFile>, Vec<&SourceFile>) = sources
        .iter()
        .partition(|source| matches!(source.kind, SourceKind::SeriesIndex { .. }));
    let mut series = Vec::with_capacity(series_sources.len());
    for (parsed, found) in par_map(&series_sources, |source| read(&config, source)) {
        diagnostics.extend(found);
        if let ParsedSource::Series(parsed) = parsed {
            series.push(parsed);
        }
    }
    let theme_name = config.theme.clone();
    let (stage, found) = content::series_stage(config, series);
    diagnostics.extend(found);
    // Each story is validated as soon as it is read, while it is at hand, on the same thread.
    let (outcomes, found): (Vec<_>, Vec<_>) = story_sources
        .par_iter()
        .with_max_len(MAX_RUN)
        .map(|source| {
            let (parsed, found) = read(&stage.config, source);
            (stage.validate_source(parsed), found)
        })
        .unzip();
    diagnostics.extend(found.into_iter().flatten());
    let (site, found) = content::finish(stage, outcomes, options.content_options());
    diagnostics.extend(found);
    timings.lap(reading);

    let theme = match Theme::load(root, &theme_name) {
        Ok(theme) => Some(theme),
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            None
        }
    };
    let templates = match theme.as_ref().map(Templates::compile) {
        Some(Ok(templates)) => Some(templates),
        Some(Err(found)) => {
            diagnostics.extend(found);
            None
        }
        None => None,
    };
    timings.lap("load theme, compile templates");
    Ok(ReadSite {
        site,
        sources,
        theme,
        templates,
        diagnostics,
        timings,
    })
}

/// A site loaded and validated without errors, with its theme compiled.
pub struct LoadedSite {
    pub site: Site,
    /// Every file found in content/, as [`content::discover`] classified it.
    pub sources: Vec<SourceFile>,
    pub templates: Templates,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates the whole site (without the body checks, which need rendered texts).
/// Every problem in every file is reported together.
pub fn load(root: &Path, options: &SiteOptions) -> Result<LoadedSite, BuildFailure> {
    load_with(root, options, &|_, source| {
        content::read_source(root, source)
    })
}

/// [`load`], reading every content file through `read` (called in parallel).
pub fn load_with(
    root: &Path,
    options: &SiteOptions,
    read: &ReadSource,
) -> Result<LoadedSite, BuildFailure> {
    let ReadSite {
        site,
        sources,
        theme,
        templates,
        mut diagnostics,
        timings: _,
    } = read_site(root, options, read, READING)?;
    let (false, Some(theme), Some(templates)) = (
        diagnostics.iter().any(Diagnostic::is_error),
        theme,
        templates,
    ) else {
        return Err(BuildFailure::new(diagnostics, false));
    };
    Diagnostic::sort(&mut diagnostics);
    Ok(LoadedSite {
        site,
        sources,
        templates,
        theme,
        warnings: diagnostics,
    })
}

/// Reads, validates and checks the whole site: every problem in every file is reported
/// together. Fails only when the site cannot be read at all or site.yaml is broken (nothing
/// else can be checked without it).
pub fn check(
    root: &Path,
    options: &SiteOptions,
    output: BodyOutput,
) -> Result<CheckedSite, BuildFailure> {
    let ReadSite {
        site,
        theme,
        templates,
        mut diagnostics,
        mut timings,
        ..
    } = match output {
        BodyOutput::Html | BodyOutput::ChecksOnly => read_site(
            root,
            options,
            &|_, source| content::read_source(root, source),
            READING,
        )?,
        BodyOutput::ScanWhileReading => read_site(
            root,
            options,
            &|config, source| {
                let scan = scan_options(config);
                content::read_source_as(root, source, StoryReading::ScanOnly(&scan))
            },
            "read, parse, scan and validate files",
        )?,
    };
    let images = ImageSizes::new(root, &site);
    timings.lap("measure images");
    let texts = render_markdown(&site, output, &images);
    timings.lap(match output {
        BodyOutput::Html => "render Markdown",
        BodyOutput::ChecksOnly => "scan Markdown",
        BodyOutput::ScanWhileReading => "collect the scans",
    });
    let index = SiteIndex::new(&site);
    let (mut targets, static_problems) = link_targets(root, &site, &index, theme.as_ref());
    diagnostics.extend(static_problems);
    // Links to a story that has errors of its own are not broken links: its errors say why.
    targets
        .pages
        .extend(site.rejected.iter().map(|story| story.url.clone()));
    let checker = checks::BodyChecker::new(&site, &texts, &targets);
    let found: Vec<Vec<Diagnostic>> = checker
        .units()
        .into_par_iter()
        .with_max_len(MAX_RUN)
        .map(|unit| checker.check(unit))
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    diagnostics.extend(checker.check_site());
    Diagnostic::sort(&mut diagnostics);
    timings.lap("check links, credits, structure");
    Ok(CheckedSite {
        site,
        theme,
        templates,
        bodies: texts.stories,
        descriptions: texts.series,
        diagnostics,
        images,
        index,
        timings,
    })
}

/// The most items one parallel task takes on in a row. Left to itself, rayon cuts an archive
/// into a few long runs (a quarter of the pages each on two cores) and splits one again only
/// when another thread steals from it; when the last run holds the slow pages (listings,
/// feeds), one core then works alone for a second while the other waits. Short runs let an idle
/// core take over whatever is left.
const MAX_RUN: usize = 8;

/// `map` applied to every item in parallel, results in the items' order: for the stages outside
/// the build that have an archive's worth of independent work (the human report).
pub fn par_map<T: Sync, R: Send>(items: &[T], map: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.par_iter().with_max_len(MAX_RUN).map(map).collect()
}

/// Every page and file of the site to be, for the link checks, and the problems found while
/// listing the files (links and special files in static/).
fn link_targets(
    root: &Path,
    site: &Site,
    index: &SiteIndex,
    theme: Option<&Theme>,
) -> (LinkTargets, Vec<Diagnostic>) {
    let mut targets = LinkTargets {
        pages: index
            .pages(site)
            .into_iter()
            .map(|page| index.page_url(site, page))
            .collect(),
        files: Default::default(),
    };
    let empty_theme = Theme::default();
    let (files, problems) = static_files(root, site, theme.unwrap_or(&empty_theme));
    targets
        .files
        .extend(files.into_iter().map(|(inside, _)| format!("/{inside}")));
    (targets, problems)
}

/// Renders every story body, series description and rejected story's text (in parallel).
pub fn render_markdown(
    site: &Site,
    output: BodyOutput,
    images: &ImageSizes,
) -> checks::RenderedTexts {
    let options = match output {
        BodyOutput::Html => markdown_options(&site.config),
        BodyOutput::ChecksOnly | BodyOutput::ScanWhileReading => scan_options(&site.config),
    };
    let links = LinkMap::new(site);
    let body = |markdown: &str, first_line: usize, source: &Path, url: &str| {
        let page = render::BodyPage { source, url };
        render::markdown_body(markdown, first_line, page, &links, &options, output, images)
    };
    let story_text = |text: &StoryBody, first_line: usize, source: &Path, url: &str| match text {
        StoryBody::Markdown(markdown) => Arc::new(body(markdown, first_line, source, url)),
        // Shared, not copied: an archive's scans are tens of megabytes.
        StoryBody::Scanned(scan) => Arc::clone(scan),
    };
    let full_options = markdown_options(&site.config);
    let full_body = |markdown: &str, first_line: usize, source: &Path, url: &str| {
        let page = render::BodyPage { source, url };
        render::markdown_body(
            markdown,
            first_line,
            page,
            &links,
            &full_options,
            BodyOutput::Html,
            images,
        )
    };
    checks::RenderedTexts {
        stories: site
            .stories
            .par_iter()
            .with_max_len(MAX_RUN)
            .map(|s| story_text(&s.body, s.body_first_line, &s.source, &s.url))
            .collect(),
        // Series descriptions are few, and their pages need the HTML even after a check.
        series: site
            .series
            .iter()
            .map(|s| {
                full_body(
                    &s.description_markdown,
                    s.description_first_line,
                    &s.source,
                    &s.url,
                )
            })
            .collect(),
        rejected: site
            .rejected
            .par_iter()
            .with_max_len(MAX_RUN)
            .map(|s| story_text(&s.body, s.body_first_line, &s.source, &s.url))
            .collect(),
    }
}

/// How the site's story texts are scanned for the checks: as they are rendered, but without
/// highlighting, which changes no link, image or heading.
fn scan_options(config: &SiteConfig) -> MarkdownOptions {
    MarkdownOptions {
        highlight: false,
        ..markdown_options(config)
    }
}

/// How the site's story texts are rendered: every Markdown feature, cleaned when the site asks
/// for safe HTML.
pub fn markdown_options(config: &SiteConfig) -> MarkdownOptions {
    MarkdownOptions {
        safe_html: config.safe_html,
        ..MarkdownOptions::default()
    }
}

/// [`render_markdown`] through `cache`: only bodies whose text, place or `.md` link targets
/// changed since they were cached are rendered again (in parallel). Afterwards the cache holds
/// exactly this site's bodies.
pub fn render_markdown_cached(
    site: &Site,
    options: &MarkdownOptions,
    cache: &MarkdownCache,
    images: &ImageSizes,
) -> (Vec<Arc<RenderedMarkdown>>, Vec<Arc<RenderedMarkdown>>) {
    let links = LinkMap::new(site);
    let bodies = site
        .stories
        .par_iter()
        .with_max_len(MAX_RUN)
        .map(|story| {
            cache.render(
                BodyPage {
                    source: &story.source,
                    url: &story.url,
                },
                story.body.markdown_to_render(),
                story.body_first_line,
                &links,
                options,
                images,
            )
        })
        .collect();
    let descriptions = site
        .series
        .iter()
        .map(|series| {
            cache.render(
                BodyPage {
                    source: &series.source,
                    url: &series.url,
                },
                &series.description_markdown,
                series.description_first_line,
                &links,
                options,
                images,
            )
        })
        .collect();
    let sources: HashSet<&Path> = (site.stories.iter().map(|story| story.source.as_path()))
        .chain(site.series.iter().map(|series| series.source.as_path()))
        .collect();
    cache.retain(|source| sources.contains(source));
    (bodies, descriptions)
}

/// Renders `pages` (in parallel) and keeps only the problems: how `serve` checks a new theme
/// against every page without writing anything.
pub fn check_pages(view: &SiteView, templates: &Templates, pages: &[Page]) -> Vec<Diagnostic> {
    let mut problems: Vec<Diagnostic> = pages
        .par_iter()
        .with_max_len(MAX_RUN)
        .filter_map(|&page| view.render(templates, page).err())
        .collect();
    Diagnostic::sort(&mut problems);
    problems.dedup();
    problems
}

/// Builds the site into `options.output`, replacing what was there only on success.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let root = options.root.as_path();
    let output = output::check_output_dir(root, &options.output)
        .map_err(|diagnostic| BuildFailure::new(vec![diagnostic], false))?;
    // Bodies are scanned for the checks here and rendered with their HTML page by page below,
    // so an archive's HTML is never all in memory at once.
    let mut checked = check(root, &options.site, BodyOutput::ChecksOnly)?;
    let fail = |diagnostics: Vec<Diagnostic>| BuildFailure::new(diagnostics, false);
    let (false, Some(templates), Some(theme)) =
        (checked.has_errors(), &checked.templates, &checked.theme)
    else {
        return Err(fail(checked.diagnostics));
    };
    let mut timings = std::mem::replace(&mut checked.timings, Timings::start());
    let links = LinkMap::new(&checked.site);
    let html = markdown_options(&checked.site.config);
    let render_body = body_renderer(&checked.site, &links, &html, &checked.images);
    let view = checked
        .view(&checked.index)
        .rendering_bodies_on_demand(&render_body);
    let pages = view.pages();
    let audit = EmbargoAudit::new(&checked.site.withheld);
    timings.lap("index pages and listings");

    let staging = Staging::create(&output).map_err(|d| fail(vec![d]))?;
    copy_static_files(root, &checked.site, theme, &staging, &audit)
        .map_err(|problems| fail(output::limit_output_errors(problems)))?;
    timings.lap("copy static files");

    // Pages are rendered, audited and written in the same parallel pass, so no page's HTML is
    // kept in memory longer than it takes to write it.
    let mut page_errors: Vec<Diagnostic> = pages
        .par_iter()
        .with_max_len(MAX_RUN)
        .flat_map_iter(|&page| {
            let file = match view.render(templates, page) {
                Ok(file) => file,
                Err(error) => return vec![error],
            };
            let mut problems = audit.scan(&output.join(&file.path), &file.contents);
            if problems.is_empty()
                && let Err(error) = staging.write(&file.path, file.contents.as_bytes())
            {
                problems.push(error);
            }
            problems
        })
        .collect();
    if !page_errors.is_empty() {
        page_errors = output::limit_output_errors(page_errors);
        // Keep the build's warnings with the errors, so the report is complete.
        page_errors.extend(checked.diagnostics);
        return Err(fail(page_errors));
    }
    timings.lap("render, audit, write pages");
    let files = staging.files_written();
    staging.commit().map_err(|d| fail(vec![d]))?;
    timings.lap("swap the new site into place");
    Ok(BuildReport {
        stories: checked.site.stories.len(),
        pages: pages.len(),
        files,
        elapsed: started.elapsed(),
        warnings: checked.diagnostics,
        timings,
    })
}

/// Renders a story's body with its HTML, by the story's index: how `build` makes each body
/// when its page is written.
fn body_renderer<'s>(
    site: &'s Site,
    links: &'s LinkMap,
    options: &'s MarkdownOptions,
    images: &'s ImageSizes,
) -> impl Fn(usize) -> RenderedMarkdown + Sync + 's {
    move |story_index| {
        let story = &site.stories[story_index];
        let page = BodyPage {
            source: &story.source,
            url: &story.url,
        };
        render::markdown_body(
            story.body.markdown_to_render(),
            story.body_first_line,
            page,
            links,
            options,
            BodyOutput::Html,
            images,
        )
    }
}

/// Where a file of the site that is not a page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticSource {
    /// A static file of the theme, by its path inside the theme's `static/`.
    Theme(String),
    /// A file of the site folder (in static/ or a page bundle), by its full path.
    File(PathBuf),
}

/// Every file of the site that is not a page, by its path in the output: the theme's static
/// files, the site's static/ (which wins over the theme), then page-bundle files beside their
/// stories. Symbolic links and special files are not followed or read: each is an error (see
/// [`site_files`]), so nothing outside the site is ever published.
pub fn static_files(
    root: &Path,
    site: &Site,
    theme: &Theme,
) -> (Vec<(String, StaticSource)>, Vec<Diagnostic>) {
    let site_static = root.join(STATIC_DIR);
    let mut site_files = Vec::new();
    let mut errors = Vec::new();
    if site_static.is_dir() {
        let walker = WalkDir::new(&site_static)
            .follow_root_links(false)
            .sort_by_file_name();
        for entry in walker {
            let entry = entry.map(|entry| (site_files::refused(root, &entry), entry));
            match entry {
                Ok((Some(refused), _)) => errors.push(refused),
                Ok((None, entry)) if entry.file_type().is_file() => {
                    let inside = web_path(
                        entry
                            .path()
                            .strip_prefix(&site_static)
                            .unwrap_or(entry.path()),
                    );
                    site_files.push((inside, StaticSource::File(entry.path().to_path_buf())));
                }
                Ok(_) => {}
                Err(error) => errors.push(Diagnostic::error(
                    codes::FILE_READ,
                    STATIC_DIR,
                    format!("cannot read the static folder: {error}"),
                )),
            }
        }
    }
    let mut files: Vec<(String, StaticSource)> = theme
        .static_files()
        .filter(|(inside, _)| !site_files.iter().any(|(path, _)| path == inside))
        .map(|(inside, _)| (inside.to_string(), StaticSource::Theme(inside.to_string())))
        .collect();
    files.extend(site_files);
    let assets: Vec<(String, StaticSource)> = site
        .assets
        .iter()
        .map(|asset| {
            (
                asset.url.trim_start_matches('/').to_string(),
                StaticSource::File(root.join(&asset.source)),
            )
        })
        .collect();
    let asset_paths: HashSet<&str> = assets.iter().map(|(path, _)| path.as_str()).collect();
    files.retain(|(path, _)| !asset_paths.contains(path.as_str()));
    files.extend(assets);
    (files, errors)
}

/// Writes every file of [`static_files`] into the new site. Text files are audited for embargo
/// leaks like pages.
fn copy_static_files(
    root: &Path,
    site: &Site,
    theme: &Theme,
    staging: &Staging,
    audit: &EmbargoAudit,
) -> Result<(), Vec<Diagnostic>> {
    let (files, mut errors) = static_files(root, site, theme);
    errors.extend(
        files
            .par_iter()
            .with_max_len(MAX_RUN)
            .flat_map_iter(|(inside, source)| {
                let audited = |shown: &Path, bytes: &[u8]| {
                    if audit.is_active() && checks::is_text_file(inside) {
                        audit.scan_bytes(shown, bytes)
                    } else {
                        Vec::new()
                    }
                };
                let mut problems = Vec::new();
                match source {
                    StaticSource::Theme(name) => {
                        if let Some(file) = theme.static_file(name) {
                            problems = audited(&file.origin.display_path(), &file.contents);
                            if problems.is_empty()
                                && let Err(error) = staging.write(inside, &file.contents)
                            {
                                problems.push(error);
                            }
                        }
                    }
                    StaticSource::File(from) => {
                        if audit.is_active() && checks::is_text_file(inside) {
                            let shown = from.strip_prefix(root).unwrap_or(from);
                            problems = std::fs::read(from)
                                .map(|bytes| audited(shown, &bytes))
                                .unwrap_or_default();
                        }
                        if problems.is_empty()
                            && let Err(error) = staging.copy(from, inside)
                        {
                            problems.push(error);
                        }
                    }
                }
                problems
            })
            .collect::<Vec<_>>(),
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page of `site` rendered through `view`, by output path.
    fn render_all(view: &SiteView, templates: &Templates) -> Vec<(String, String)> {
        view.pages()
            .into_iter()
            .map(|page| {
                let file = view.render(templates, page).expect("the fixture renders");
                (file.path, file.contents)
            })
            .collect()
    }

    /// Default options with the clock fixed, so that no fixture story's embargo ends mid-test.
    fn options_at_a_fixed_time() -> SiteOptions {
        SiteOptions {
            now: "2026-11-25T12:00:00Z".parse().unwrap(),
            ..SiteOptions::default()
        }
    }

    #[test]
    fn bodies_rendered_on_demand_give_the_same_pages_as_bodies_rendered_first() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/newsroom");
        let options = options_at_a_fixed_time();
        // As `serve` renders: every body with its HTML first.
        let rendered = check(&root, &options, BodyOutput::Html).unwrap();
        let templates = rendered.templates.as_ref().unwrap();
        let index = SiteIndex::new(&rendered.site);
        let rendered_first = render_all(&rendered.view(&index), templates);

        // As `build` renders: bodies scanned for the checks, their HTML made page by page.
        let scanned = check(&root, &options, BodyOutput::ChecksOnly).unwrap();
        assert!(scanned.bodies.iter().all(|body| body.html.is_empty()));
        let links = LinkMap::new(&scanned.site);
        let html = markdown_options(&scanned.site.config);
        let render_body = body_renderer(&scanned.site, &links, &html, &scanned.images);
        let index = SiteIndex::new(&scanned.site);
        let view = scanned
            .view(&index)
            .rendering_bodies_on_demand(&render_body);
        let on_demand = render_all(&view, templates);

        assert!(on_demand.len() > 10, "the fixture has pages");
        assert!(
            on_demand
                .iter()
                .any(|(_, html)| html.contains("class=\"hl-")),
            "a highlighted code block is among them"
        );
        for ((path, first), (_, later)) in rendered_first.iter().zip(&on_demand) {
            assert_eq!(first, later, "{path} differs");
        }
        assert_eq!(rendered_first.len(), on_demand.len());
    }

    /// `byline check` scans each story as its file is read and keeps no text; it must find
    /// exactly what a build's check (texts scanned afterwards) and the preview's (texts
    /// rendered) find, on every fixture site, broken ones included.
    #[test]
    fn scanning_while_reading_finds_what_scanning_afterwards_finds() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let options = options_at_a_fixed_time();
        let mut sites = 0;
        for entry in std::fs::read_dir(fixtures).unwrap() {
            let root = entry.unwrap().path();
            if !root.join("site.yaml").is_file() {
                continue;
            }
            let findings = |output| match check(&root, &options, output) {
                Ok(checked) => {
                    let scans: Vec<RenderedMarkdown> = checked
                        .bodies
                        .iter()
                        .map(|body| RenderedMarkdown {
                            html: String::new(),
                            ..(**body).clone()
                        })
                        .collect();
                    (checked.diagnostics, scans)
                }
                Err(failure) => (failure.diagnostics, Vec::new()),
            };
            let while_reading = findings(BodyOutput::ScanWhileReading);
            assert_eq!(
                while_reading,
                findings(BodyOutput::ChecksOnly),
                "{}",
                root.display()
            );
            assert_eq!(
                while_reading,
                findings(BodyOutput::Html),
                "{}",
                root.display()
            );
            sites += 1;
        }
        assert!(sites >= 3, "only {sites} fixture sites found");
    }
}
