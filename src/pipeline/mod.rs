//! The one pipeline every command runs: **read** (site.yaml, every content file, scanned as it
//! is read) -> **validate** (into the [`Site`] model) -> **index** (the listings of the edition
//! a build publishes) -> **check** (links, credits, files) -> **render** -> **publish**.
//!
//! `byline check` stops after the check stage ([`check`]); `byline build` goes on to render,
//! audit and publish ([`build`]); `byline serve` keeps the checked site in memory and runs the
//! stages again for what an edit touches ([`check_texts`] after every change), so the three
//! report the same findings for the same files. The per-file stages run in parallel through
//! [`crate::parallel`].

mod build;
mod files;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::checks::BodyChecker;
use crate::config::{self, SiteConfig};
use crate::diag::{Code, Diagnostic};
use crate::images::ImageSizes;
use crate::index::SiteIndex;
use crate::model::{Edition, Site};
use crate::parallel;
use crate::render::BodyRenderer;
use crate::settings::Settings;
use crate::source::{self, Keep, ParsedSource, SourceFile, SourceKind};
use crate::theme::{Strings, Templates, Theme};
use crate::validate;

pub use build::{BuildReport, build, check_pages};
pub use files::{StaticSource, files_at_pages, made_copies, static_files};

/// Reads one content file: [`source::read`], or a cache in front of it (`serve` keeps the files
/// it has read and reads again only the ones that changed). Called in parallel.
pub type ReadSource<'a> = dyn Fn(&SourceFile) -> (ParsedSource, Vec<Diagnostic>) + Sync + 'a;

/// Why a command could not go on: every problem found, errors and warnings, sorted by file and
/// line.
#[derive(Debug, Clone)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    /// The site could not be read at all (no site.yaml, no content folder).
    pub unreadable: bool,
}

impl Failure {
    pub fn new(mut diagnostics: Vec<Diagnostic>, unreadable: bool) -> Failure {
        Diagnostic::sort(&mut diagnostics);
        Failure {
            diagnostics,
            unreadable,
        }
    }
}

/// How long each stage of a check or build took (`--timings`), and the memory the process held
/// after it: where an archive's time and memory go, without a profiler.
#[derive(Debug, Clone)]
pub struct Timings {
    stages: Vec<(&'static str, Duration, Option<Memory>)>,
    lap_started: Instant,
}

/// The process's memory, in kB, as the kernel counts it (Linux only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Memory {
    /// Resident now.
    resident: u64,
    /// The most it has been resident so far.
    peak: u64,
}

impl Memory {
    #[cfg(target_os = "linux")]
    fn now() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        };
        Some(Memory {
            resident: field("VmRSS:")?,
            peak: field("VmHWM:")?,
        })
    }

    #[cfg(not(target_os = "linux"))]
    fn now() -> Option<Memory> {
        None
    }
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
        self.stages
            .push((stage, now - self.lap_started, Memory::now()));
        self.lap_started = now;
    }

    pub fn stages(&self) -> impl Iterator<Item = (&'static str, Duration)> + '_ {
        self.stages.iter().map(|(stage, took, _)| (*stage, *took))
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: Duration = self.stages.iter().map(|(_, took, _)| *took).sum();
        let megabytes = |kb: u64| kb.div_ceil(1024);
        if self.stages.iter().any(|(_, _, memory)| memory.is_some()) {
            writeln!(f, "{:>12}  {:>9}  stage", "time", "in memory")?;
        }
        for (stage, took, memory) in &self.stages {
            write!(f, "{:>9.1} ms  ", took.as_secs_f64() * 1000.0)?;
            match memory {
                Some(memory) => writeln!(f, "{:>6} MB  {stage}", megabytes(memory.resident))?,
                None => writeln!(f, "{stage}")?,
            }
        }
        write!(f, "{:>9.1} ms  ", total.as_secs_f64() * 1000.0)?;
        match self.stages.iter().rev().find_map(|(_, _, memory)| *memory) {
            Some(memory) => write!(
                f,
                "{:>6} MB  total (memory at its peak)",
                megabytes(memory.peak)
            ),
            None => write!(f, "total"),
        }
    }
}

/// The site's theme, compiled with its words for the site's language.
pub struct LoadedTheme {
    pub theme: Theme,
    pub templates: Templates,
}

/// A site read, validated, indexed and checked.
pub struct Checked {
    pub site: Site,
    /// Every file found in content/, as [`source::discover`] classified it.
    pub sources: Vec<SourceFile>,
    /// Drafts not checked, drafts not being asked for.
    pub unchecked_drafts: Vec<std::path::PathBuf>,
    /// The edition a build with these settings publishes: what was checked.
    pub edition: Edition,
    /// Its listings.
    pub index: SiteIndex,
    /// None when the theme could not be loaded or compiled (its errors are among the
    /// diagnostics).
    pub theme: Option<LoadedTheme>,
    /// Pixel sizes of the site's images, for `width` and `height` attributes.
    pub images: Arc<ImageSizes>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// What renders the texts of the checked edition, once the theme has loaded (a site
    /// checked without its texts cannot be rendered).
    pub fn body_renderer(&self) -> Option<BodyRenderer> {
        let loaded = self.theme.as_ref()?;
        Some(BodyRenderer::new(
            &self.site,
            &self.edition,
            Arc::clone(&self.images),
            &loaded.templates,
            None,
        ))
    }
}

/// Runs the pipeline up to the check stage: every problem in every file is reported together.
/// Fails only when the site cannot be read at all or site.yaml is broken (nothing else can be
/// checked without it). `keep` says whether the texts are kept for rendering.
pub fn check(settings: &Settings, keep: Keep) -> Result<Checked, Failure> {
    let root = settings.root.as_path();
    check_with(settings, &|file| source::read(root, file, keep))
}

/// [`check`], reading every content file through `read`.
pub fn check_with(settings: &Settings, read: &ReadSource) -> Result<Checked, Failure> {
    let mut timings = Timings::start();
    let root = settings.root.as_path();
    let ReadSite {
        site,
        sources,
        mut diagnostics,
        unchecked_drafts,
    } = read_and_validate(settings, read, &mut timings)?;
    let (theme, found) = load_theme(root, &site.config);
    diagnostics.extend(found);
    timings.lap("load theme, compile templates");
    let images = Arc::new(ImageSizes::new(root, &site));
    let edition = settings.edition();
    let index = SiteIndex::new(&site, &edition);
    timings.lap("index stories and listings");
    let empty_theme = Theme::default();
    let theme_files = theme.as_ref().map_or(&empty_theme, |loaded| &loaded.theme);
    let (files, found) = static_files(root, &site, &edition, theme_files, &images);
    diagnostics.extend(found);
    diagnostics.extend(files_at_pages(root, &site, &index, theme_files, &files));
    let file_paths = files.iter().map(|(path, _)| path.as_str());
    let theme_ids = theme
        .as_ref()
        .map(|loaded| Arc::clone(loaded.templates.element_ids()))
        .unwrap_or_default();
    diagnostics.extend(check_texts(
        &site, &edition, &index, file_paths, &images, theme_ids,
    ));
    Diagnostic::sort(&mut diagnostics);
    timings.lap("check links, credits, structure");
    Ok(Checked {
        site,
        sources,
        unchecked_drafts,
        edition,
        index,
        theme,
        images,
        diagnostics,
        timings,
    })
}

/// The read and validate stages: site.yaml, every content file (through `read`, in parallel:
/// each story is validated on the thread that just read it), and what needs every file.
pub fn read_and_validate(
    settings: &Settings,
    read: &ReadSource,
    timings: &mut Timings,
) -> Result<ReadSite, Failure> {
    let root = settings.root.as_path();
    let config = read_config(root, settings)?;
    let (sources, mut diagnostics) =
        source::discover(root).map_err(|diagnostic| Failure::new(vec![diagnostic], true))?;
    timings.lap("read site.yaml, find content files");

    // Series first: every story needs its series (for an inherited funder) to be validated.
    let (series_sources, story_sources): (Vec<&SourceFile>, Vec<&SourceFile>) = sources
        .iter()
        .partition(|source| matches!(source.kind, SourceKind::SeriesIndex { .. }));
    let mut series = Vec::with_capacity(series_sources.len());
    for (parsed, found) in parallel::map(&series_sources, |source| read(source)) {
        diagnostics.extend(found);
        if let ParsedSource::Series(parsed) = parsed {
            series.push(parsed);
        }
    }
    let (stage, found) = validate::series_stage(config, series);
    diagnostics.extend(found);
    let read_stories = parallel::map(&story_sources, |source| {
        let (parsed, found) = read(source);
        let draft = parsed.is_declared_draft();
        (stage.validate(parsed), found, draft)
    });
    let mut outcomes = Vec::with_capacity(read_stories.len());
    let mut unchecked_drafts = Vec::new();
    for ((mut outcome, found, draft), source) in read_stories.into_iter().zip(&story_sources) {
        // Work in progress does not stop the site: a draft is checked when drafts are asked for.
        if draft && !settings.drafts {
            outcome.set_findings_aside();
            unchecked_drafts.push(source.path.clone());
        } else {
            diagnostics.extend(found);
        }
        outcomes.push(outcome);
    }
    let (mut site, found) = validate::finish(stage, outcomes);
    diagnostics.extend(found);
    match crate::url_lock::UrlLock::read(root) {
        Ok(lock) => site.url_lock = lock,
        Err(problem) => diagnostics.push(problem),
    }
    timings.lap("read, parse, scan and validate files");
    Ok(ReadSite {
        site,
        sources,
        diagnostics,
        unchecked_drafts,
    })
}

/// What the read and validate stages make of a site.
pub struct ReadSite {
    pub site: Site,
    /// Every file found in content/, as [`source::discover`] classified it.
    pub sources: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Drafts whose findings were set aside, drafts not being asked for.
    pub unchecked_drafts: Vec<std::path::PathBuf>,
}

/// site.yaml, with the settings' overrides.
fn read_config(root: &Path, settings: &Settings) -> Result<SiteConfig, Failure> {
    let config = config::load(root).map_err(|diagnostics| {
        // Without its configuration nothing of the site can be checked.
        let unreadable = diagnostics
            .iter()
            .any(|d| matches!(d.code, Code::SiteRead | Code::Symlink));
        Failure::new(diagnostics, unreadable)
    })?;
    Ok(config.with_overrides(settings.base_url.as_deref(), settings.safe_html))
}

/// The site's theme and its templates, compiled with the words of the site's language; or the
/// problems that keep them from loading.
pub fn load_theme(root: &Path, config: &SiteConfig) -> (Option<LoadedTheme>, Vec<Diagnostic>) {
    let theme = match Theme::load(root, &config.theme) {
        Ok(theme) => theme,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    match compile(&theme, config) {
        Ok((templates, warnings)) => (Some(LoadedTheme { theme, templates }), warnings),
        Err(found) => (None, found),
    }
}

/// Compiles `theme`'s templates with its words for the site's language (and the site's own,
/// from site.yaml); the warnings say which words the language lacks.
pub fn compile(
    theme: &Theme,
    config: &SiteConfig,
) -> Result<(Templates, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (strings, warnings) = Strings::load(theme, &config.language, &config.strings)?;
    let templates = Templates::compile(theme, Arc::new(strings), config)?;
    Ok((templates, warnings))
}

/// The check stage: every text's links, anchors, images and credits, and the header images,
/// against the pages the edition `index` lists, the files (`files`, paths in the output)
/// published with it and the ids the theme's pages use (in parallel).
pub fn check_texts<'f>(
    site: &Site,
    edition: &Edition,
    index: &SiteIndex,
    files: impl Iterator<Item = &'f str>,
    images: &ImageSizes,
    theme_ids: Arc<HashSet<String>>,
) -> Vec<Diagnostic> {
    let checker = BodyChecker::new(site, edition, index, files, theme_ids);
    let mut diagnostics =
        parallel::flat_map(checker.units(), |&unit| checker.check(site, images, unit));
    diagnostics.extend(checker.check_site(site, images));
    diagnostics.extend(index.name_clashes(site));
    diagnostics.extend(index.withheld_series(site));
    diagnostics
}
