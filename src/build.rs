//! The build: strings the stages together (config, content, theme, Markdown, templates,
//! output) and is the one place that runs work in parallel.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::checks::{self, EmbargoAudit, LinkTargets};
use crate::config::{self, SiteConfig};
use crate::content::{self, ContentOptions, Site, web_path};
use crate::diagnostic::{Diagnostic, codes};
use crate::images::ImageSizes;
use crate::markdown::{MarkdownOptions, RenderedMarkdown};
use crate::output::{self, Staging};
use crate::render::{self, BodyOutput, LinkMap, SiteIndex, SiteView};
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

/// A site read, validated and checked: the stories that can be published, the theme, the
/// rendered bodies, and every problem found on the way.
pub struct CheckedSite {
    pub site: Site,
    pub theme: Option<Theme>,
    pub templates: Option<Templates>,
    /// `bodies[i]` is the rendered body of `site.stories[i]`.
    pub bodies: Vec<RenderedMarkdown>,
    /// `descriptions[i]` is the rendered description of `site.series[i]`.
    pub descriptions: Vec<RenderedMarkdown>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Pixel sizes of the site's images, for `width` and `height` attributes.
    pub images: ImageSizes,
}

impl CheckedSite {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads, validates and checks the whole site: every problem in every file is reported
/// together. Fails only when the site cannot be read at all or site.yaml is broken (nothing
/// else can be checked without it).
pub fn check(
    root: &Path,
    options: &SiteOptions,
    output: BodyOutput,
) -> Result<CheckedSite, BuildFailure> {
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
    let (stage, stories, found) = content::collect_series(config, parsed_sources);
    diagnostics.extend(found);
    let outcomes = stories
        .into_par_iter()
        .map(|story| stage.validate(story))
        .collect();
    let (site, found) = content::finish(
        stage,
        outcomes,
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

    let images = ImageSizes::new(root, &site);
    let texts = render_markdown(&site, output, &images);
    let mut targets = link_targets(root, &site, theme.as_ref());
    // Links to a story that has errors of its own are not broken links: its errors say why.
    targets
        .pages
        .extend(site.rejected.iter().map(|story| story.url.clone()));
    let checker = checks::BodyChecker::new(&site, &texts, &targets);
    let found: Vec<Vec<Diagnostic>> = checker
        .units()
        .into_par_iter()
        .map(|unit| checker.check(unit))
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    diagnostics.extend(checker.check_site());
    Diagnostic::sort(&mut diagnostics);
    Ok(CheckedSite {
        site,
        theme,
        templates,
        bodies: texts.stories,
        descriptions: texts.series,
        diagnostics,
        images,
    })
}

/// Every page and file of the site to be, for the link checks.
fn link_targets(root: &Path, site: &Site, theme: Option<&Theme>) -> LinkTargets {
    let index = SiteIndex::new(site);
    let mut targets = LinkTargets {
        pages: index
            .pages()
            .into_iter()
            .map(|page| index.page_url(page))
            .collect(),
        files: Default::default(),
    };
    for (_, inside) in site_static_files(root).0 {
        targets.files.insert(format!("/{inside}"));
    }
    if let Some(theme) = theme {
        for (inside, _) in theme.static_files() {
            targets.files.insert(format!("/{inside}"));
        }
    }
    for asset in &site.assets {
        targets.files.insert(asset.url.clone());
    }
    targets
}

/// Renders every story body, series description and rejected story's text (in parallel).
pub fn render_markdown(
    site: &Site,
    output: BodyOutput,
    images: &ImageSizes,
) -> checks::RenderedTexts {
    let options = match output {
        BodyOutput::Html => MarkdownOptions::default(),
        // Highlighting changes no link, image or heading.
        BodyOutput::ChecksOnly => MarkdownOptions {
            highlight: false,
            ..MarkdownOptions::default()
        },
    };
    let links = LinkMap::new(site);
    let body = |markdown: &str, first_line: usize, source: &Path, url: &str| {
        let page = render::BodyPage { source, url };
        render::markdown_body(markdown, first_line, page, &links, &options, output, images)
    };
    checks::RenderedTexts {
        stories: site
            .stories
            .par_iter()
            .map(|s| body(&s.body_markdown, s.body_first_line, &s.source, &s.url))
            .collect(),
        series: site
            .series
            .iter()
            .map(|s| {
                body(
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
            .map(|s| body(&s.body_markdown, s.body_first_line, &s.source, &s.url))
            .collect(),
    }
}

/// Builds the site into `options.output`, replacing what was there only on success.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let root = options.root.as_path();
    let output = output::check_output_dir(root, &options.output)
        .map_err(|diagnostic| BuildFailure::new(vec![diagnostic], false))?;
    let checked = check(root, &options.site, BodyOutput::Html)?;
    let fail = |diagnostics: Vec<Diagnostic>| BuildFailure::new(diagnostics, false);
    let (false, Some(templates), Some(theme)) =
        (checked.has_errors(), &checked.templates, &checked.theme)
    else {
        return Err(fail(checked.diagnostics));
    };
    let view = SiteView::new(
        &checked.site,
        &checked.bodies,
        &checked.descriptions,
        &checked.images,
    );
    let pages = view.pages();
    let audit = EmbargoAudit::new(&checked.site.withheld);

    let staging = Staging::create(&output).map_err(|d| fail(vec![d]))?;
    copy_static_files(root, &checked.site, theme, &staging, &audit).map_err(fail)?;

    // Pages are rendered, audited and written in the same parallel pass, so no page's HTML is
    // kept in memory longer than it takes to write it.
    let mut page_errors: Vec<Diagnostic> = pages
        .par_iter()
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
        // Keep the build's warnings with the errors, so the report is complete.
        page_errors.extend(checked.diagnostics);
        return Err(fail(page_errors));
    }
    let files = staging.files_written();
    staging.commit().map_err(|d| fail(vec![d]))?;
    Ok(BuildReport {
        stories: checked.site.stories.len(),
        pages: pages.len(),
        files,
        elapsed: started.elapsed(),
        warnings: checked.diagnostics,
    })
}

/// The files of the site's static/ folder: absolute path and path inside the output.
fn site_static_files(root: &Path) -> (Vec<(PathBuf, String)>, Vec<Diagnostic>) {
    let site_static = root.join(STATIC_DIR);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if !site_static.is_dir() {
        return (files, errors);
    }
    for entry in WalkDir::new(&site_static).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let inside = web_path(
                    entry
                        .path()
                        .strip_prefix(&site_static)
                        .unwrap_or(entry.path()),
                );
                files.push((entry.path().to_path_buf(), inside));
            }
            Ok(_) => {}
            Err(error) => errors.push(Diagnostic::error(
                codes::FILE_READ,
                STATIC_DIR,
                format!("cannot read the static folder: {error}"),
            )),
        }
    }
    (files, errors)
}

/// Copies theme static files, then the site's static/ (which wins on a clash), then the files
/// of page bundles beside their stories. Text files are audited for embargo leaks like pages.
fn copy_static_files(
    root: &Path,
    site: &Site,
    theme: &Theme,
    staging: &Staging,
    audit: &EmbargoAudit,
) -> Result<(), Vec<Diagnostic>> {
    let (site_files, mut errors) = site_static_files(root);
    for (inside, file) in theme.static_files() {
        if site_files.iter().any(|(_, path)| path == inside) {
            continue;
        }
        let problems = audit.scan_bytes(&file.origin.display_path(), &file.contents);
        if !problems.is_empty() {
            errors.extend(problems);
            continue;
        }
        if let Err(error) = staging.write(inside, &file.contents) {
            errors.push(error);
        }
    }
    let copies: Vec<(PathBuf, String)> = site_files
        .into_iter()
        .chain(site.assets.iter().map(|asset| {
            (
                root.join(&asset.source),
                asset.url.trim_start_matches('/').to_string(),
            )
        }))
        .collect();
    errors.extend(
        copies
            .par_iter()
            .flat_map_iter(|(from, to)| {
                let mut problems = if audit.is_active() && checks::is_text_file(to) {
                    std::fs::read(from)
                        .map(|bytes| {
                            audit.scan_bytes(from.strip_prefix(root).unwrap_or(from), &bytes)
                        })
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                if problems.is_empty()
                    && let Err(error) = staging.copy(from, to)
                {
                    problems.push(error);
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
