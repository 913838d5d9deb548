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

use crate::config::{self, SiteConfig};
use crate::content::{self, ContentOptions, ParsedSource, Site, SourceFile};
use crate::diagnostic::{Diagnostic, codes};
use crate::markdown::{MarkdownOptions, RenderedMarkdown};
use crate::output::{self, Staging};
use crate::render::{self, LinkMap, MarkdownCache, Page, SiteIndex, SiteView};
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
}

impl Default for SiteOptions {
    fn default() -> Self {
        SiteOptions {
            include_drafts: false,
            include_embargoed: false,
            base_url: None,
            now: Timestamp::now(),
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

/// A site loaded and validated, with its theme compiled: everything needed to render.
pub struct LoadedSite {
    pub site: Site,
    /// Every file found in content/, as [`content::discover`] classified it.
    pub sources: Vec<SourceFile>,
    pub templates: Templates,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates the whole site. Every problem in every file is reported together.
pub fn load(root: &Path, options: &SiteOptions) -> Result<LoadedSite, BuildFailure> {
    load_with(root, options, &|source| content::read_source(root, source))
}

/// Reads one content file: [`content::read_source`], or a cache in front of it (`serve` keeps
/// the files it has read and reads again only the ones that changed).
pub type ReadSource<'a> = dyn Fn(&SourceFile) -> (ParsedSource, Vec<Diagnostic>) + Sync + 'a;

/// [`load`], reading every content file through `read` (called in parallel).
pub fn load_with(
    root: &Path,
    options: &SiteOptions,
    read: &ReadSource,
) -> Result<LoadedSite, BuildFailure> {
    let mut config: SiteConfig = config::load(root).map_err(|diagnostics| {
        let unreadable = diagnostics.iter().any(|d| d.code == codes::SITE_READ);
        BuildFailure::new(diagnostics, unreadable)
    })?;
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.trim_end_matches('/').to_string();
    }
    let (sources, mut diagnostics) =
        content::discover(root).map_err(|diagnostic| BuildFailure::new(vec![diagnostic], true))?;

    let parsed: Vec<_> = sources.par_iter().map(read).collect();
    let mut parsed_sources = Vec::with_capacity(parsed.len());
    for (source, found) in parsed {
        parsed_sources.push(source);
        diagnostics.extend(found);
    }
    let theme_name = config.theme.clone();
    let (site, found) = content::assemble(config, parsed_sources, options.content_options());
    diagnostics.extend(found);

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
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(BuildFailure::new(diagnostics, false));
    }
    let (Some(theme), Some(templates)) = (theme, templates) else {
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

/// Renders every story body (in parallel) and series description.
pub fn render_markdown(
    site: &Site,
    options: &MarkdownOptions,
) -> (Vec<RenderedMarkdown>, Vec<RenderedMarkdown>) {
    let links = LinkMap::new(site);
    let bodies = site
        .stories
        .par_iter()
        .map(|story| {
            render::markdown_body(
                &story.body_markdown,
                story.body_first_line,
                &story.source,
                &story.url,
                &links,
                options,
            )
        })
        .collect();
    let descriptions = site
        .series
        .iter()
        .map(|series| {
            render::markdown_body(
                &series.description_markdown,
                series.description_first_line,
                &series.source,
                &series.url,
                &links,
                options,
            )
        })
        .collect();
    (bodies, descriptions)
}

/// [`render_markdown`] through `cache`: only bodies whose text, place or `.md` link targets
/// changed since they were cached are rendered again (in parallel). Afterwards the cache holds
/// exactly this site's bodies.
pub fn render_markdown_cached(
    site: &Site,
    options: &MarkdownOptions,
    cache: &MarkdownCache,
) -> (Vec<Arc<RenderedMarkdown>>, Vec<Arc<RenderedMarkdown>>) {
    let links = LinkMap::new(site);
    let bodies = site
        .stories
        .par_iter()
        .map(|story| {
            cache.render(
                &story.source,
                &story.body_markdown,
                story.body_first_line,
                &story.url,
                &links,
                options,
            )
        })
        .collect();
    let descriptions = site
        .series
        .iter()
        .map(|series| {
            cache.render(
                &series.source,
                &series.description_markdown,
                series.description_first_line,
                &series.url,
                &links,
                options,
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
    let loaded = load(root, &options.site)?;
    let (bodies, descriptions) = render_markdown(&loaded.site, &MarkdownOptions::default());
    let index = SiteIndex::new(&loaded.site);
    let view = SiteView::new(
        &loaded.site,
        bodies.iter().collect(),
        descriptions.iter().collect(),
        &index,
    );
    let pages = view.pages();

    let fail = |diagnostics: Vec<Diagnostic>| BuildFailure::new(diagnostics, false);
    let staging = Staging::create(&output).map_err(|d| fail(vec![d]))?;
    copy_static_files(root, &loaded, &staging).map_err(fail)?;

    // Pages are rendered and written in the same parallel pass, so no page's HTML is kept
    // in memory longer than it takes to write it.
    let page_errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|&page| {
            view.render(&loaded.templates, page)
                .and_then(|file| staging.write(&file.path, file.contents.as_bytes()))
                .err()
        })
        .collect();
    if !page_errors.is_empty() {
        return Err(fail(page_errors));
    }
    let files = staging.files_written();
    staging.commit().map_err(|d| fail(vec![d]))?;
    Ok(BuildReport {
        stories: loaded.site.stories.len(),
        pages: pages.len(),
        files,
        elapsed: started.elapsed(),
        warnings: loaded.warnings,
    })
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
/// stories. Symbolic links are not followed, so nothing outside the site is ever published.
pub fn static_files(
    root: &Path,
    site: &Site,
    theme: &Theme,
) -> (Vec<(String, StaticSource)>, Vec<Diagnostic>) {
    let site_static = root.join(STATIC_DIR);
    let mut site_files = Vec::new();
    let mut errors = Vec::new();
    if site_static.is_dir() {
        for entry in WalkDir::new(&site_static).sort_by_file_name() {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let inside = entry
                        .path()
                        .strip_prefix(&site_static)
                        .unwrap_or(entry.path())
                        .iter()
                        .map(|c| c.to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
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

/// Writes every file of [`static_files`] into the new site.
fn copy_static_files(
    root: &Path,
    loaded: &LoadedSite,
    staging: &Staging,
) -> Result<(), Vec<Diagnostic>> {
    let (files, mut errors) = static_files(root, &loaded.site, &loaded.theme);
    errors.extend(
        files
            .par_iter()
            .filter_map(|(inside, source)| match source {
                StaticSource::Theme(name) => loaded
                    .theme
                    .static_file(name)
                    .and_then(|file| staging.write(inside, &file.contents).err()),
                StaticSource::File(from) => staging.copy(from, inside).err(),
            })
            .collect::<Vec<_>>(),
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
