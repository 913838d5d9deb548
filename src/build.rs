//! The build: strings the stages together (config, content, theme, Markdown, templates,
//! output) and is the one place that runs work in parallel.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::{self, SiteConfig};
use crate::content::{self, ContentOptions, Site};
use crate::diagnostic::{Diagnostic, codes};
use crate::markdown::{MarkdownOptions, RenderedMarkdown};
use crate::output::{self, Staging};
use crate::render::{self, LinkMap, SiteView};
use crate::templates::Templates;
use crate::theme::Theme;

pub const STATIC_DIR: &str = "static";

/// How to read the site, shared by every command that loads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOptions {
    pub include_drafts: bool,
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
            base_url: None,
            now: Timestamp::now(),
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
    pub templates: Templates,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates the whole site. Every problem in every file is reported together.
pub fn load(root: &Path, options: &SiteOptions) -> Result<LoadedSite, BuildFailure> {
    let mut config: SiteConfig = config::load(root).map_err(|diagnostics| {
        let unreadable = diagnostics.iter().any(|d| d.code == codes::SITE_READ);
        BuildFailure::new(diagnostics, unreadable)
    })?;
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.trim_end_matches('/').to_string();
    }
    let (sources, mut diagnostics) =
        content::discover(root).map_err(|diagnostic| BuildFailure::new(vec![diagnostic], true))?;

    let parsed: Vec<_> = sources
        .par_iter()
        .map(|source| content::read_source(root, source))
        .collect();
    let mut parsed_sources = Vec::with_capacity(parsed.len());
    for (source, found) in parsed {
        parsed_sources.push(source);
        diagnostics.extend(found);
    }
    let theme_name = config.theme.clone();
    let (site, found) = content::assemble(
        config,
        parsed_sources,
        ContentOptions {
            include_drafts: options.include_drafts,
            now: options.now,
        },
    );
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

/// Builds the site into `options.output`, replacing what was there only on success.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let root = options.root.as_path();
    let output = output::check_output_dir(root, &options.output)
        .map_err(|diagnostic| BuildFailure::new(vec![diagnostic], false))?;
    let loaded = load(root, &options.site)?;
    let (bodies, descriptions) = render_markdown(&loaded.site, &MarkdownOptions::default());
    let view = SiteView::new(&loaded.site, &bodies, &descriptions);
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

/// Copies theme static files, then the site's static/ (which wins on a clash), then the files
/// of page bundles beside their stories.
fn copy_static_files(
    root: &Path,
    loaded: &LoadedSite,
    staging: &Staging,
) -> Result<(), Vec<Diagnostic>> {
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
                    site_files.push((entry.path().to_path_buf(), inside));
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
    for (inside, file) in loaded.theme.static_files() {
        if site_files.iter().any(|(_, path)| path == inside) {
            continue;
        }
        if let Err(error) = staging.write(inside, &file.contents) {
            errors.push(error);
        }
    }
    let copies = site_files
        .iter()
        .map(|(from, to)| (from.clone(), to.clone()))
        .chain(loaded.site.assets.iter().map(|asset| {
            (
                root.join(&asset.source),
                asset.url.trim_start_matches('/').to_string(),
            )
        }));
    let copies: Vec<_> = copies.collect();
    errors.extend(
        copies
            .par_iter()
            .filter_map(|(from, to)| staging.copy(from, to).err())
            .collect::<Vec<_>>(),
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
