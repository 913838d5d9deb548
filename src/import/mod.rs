//! `byline import`: brings an archive from WordPress (a WXR export file), Hugo or Jekyll into a
//! new byline site, then says what each imported story still lacks before it meets byline's
//! editorial rules.
//!
//! Every importer reads its source one story at a time and hands each story, already mapped to
//! byline's fields, to [`write::SiteWriter`], which writes it at once: memory stays flat in the
//! number of stories (a WordPress export is streamed with quick-xml, never read whole).
//! Anything the source has that byline has no field for goes into the story's `extra:` or is
//! counted in the report ([`report::ImportReport`]), so no imported text is dropped silently.
//! Fields an archive cannot know (the editor, the funder, a picture's credit) are written as
//! `TODO` placeholders, which `byline check` reports; the report groups those findings by what
//! the newsroom must add.
//!
//! Old addresses are kept as `aliases:` (site paths) so no URL dies once the site moves.

mod fields;
mod html_to_markdown;
mod hugo;
mod jekyll;
mod report;
mod shortcodes;
mod source;
mod story;
mod wordpress;
mod write;

use std::path::{Path, PathBuf};

pub use report::{ImportReport, WorkItem};

use jiff::tz::TimeZone;

use crate::diag::Diagnostic;
use crate::settings::Settings;
use crate::source::Keep;

/// Where the archive comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A WordPress export file (WXR, "Tools -> Export").
    WordPress { export: PathBuf },
    /// A Hugo site's folder (with `content/`).
    Hugo { site: PathBuf },
    /// A Jekyll site's folder (with `_posts/`).
    Jekyll { site: PathBuf },
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Source::WordPress { export } => format!("the WordPress export {}", export.display()),
            Source::Hugo { site } => format!("the Hugo site {}", site.display()),
            Source::Jekyll { site } => format!("the Jekyll site {}", site.display()),
        }
    }
}

/// What WordPress categories (and Jekyll categories) become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Categories {
    /// A story's first category is its series (a folder in `content/`); further categories
    /// become topics.
    #[default]
    Series,
    /// Every category becomes a topic; stories stand alone.
    Topics,
}

/// Everything `byline import` needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    pub source: Source,
    /// The new site's folder: must not exist or be empty.
    pub into: PathBuf,
    pub categories: Categories,
    /// A local copy of WordPress's `wp-content/uploads` folder: the files the stories use are
    /// copied from it into `static/wp-content/uploads/`.
    pub uploads: Option<PathBuf>,
    /// Leave out the `byline check` run at the end (for very large archives; run `byline check`
    /// afterwards).
    pub skip_check: bool,
}

/// What an import did, for the terminal and for tests.
#[derive(Debug)]
pub struct ImportSummary {
    pub report: ImportReport,
    /// `import-report.md` in the new site.
    pub report_path: PathBuf,
}

/// Why an import could not be done. The new site is left as far as it was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "{0} exists and is not empty; byline import only writes into a new or empty folder, so nothing is ever overwritten"
    )]
    IntoNotEmpty(PathBuf),
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}:{line}:{column}: {message}\n  hint: {hint}")]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        hint: String,
    },
    #[error("{path}: {message}\n  hint: {hint}")]
    NotASite {
        path: PathBuf,
        message: String,
        hint: String,
    },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
}

impl ImportError {
    fn read(path: &Path, error: impl std::fmt::Display) -> ImportError {
        ImportError::Read {
            path: path.to_path_buf(),
            message: error.to_string(),
        }
    }

    fn write(path: &Path, error: impl std::fmt::Display) -> ImportError {
        ImportError::Write {
            path: path.to_path_buf(),
            message: error.to_string(),
        }
    }
}

/// The name of the report written into the new site.
pub const REPORT_FILE: &str = "import-report.md";
/// The list of WordPress media files to download, written into the new site.
pub const ATTACHMENTS_FILE: &str = "import-attachments.tsv";

/// Imports an archive into a new byline site, writes `import-report.md` there and returns what
/// was done.
pub fn run(options: &ImportOptions) -> Result<ImportSummary, ImportError> {
    let mut writer = write::SiteWriter::create(&options.into)?;
    let mut report = ImportReport::new(options.source.describe());
    match &options.source {
        Source::WordPress { export } => {
            wordpress::import(export, options, &mut writer, &mut report)?
        }
        Source::Hugo { site } => hugo::import(site, options, &mut writer, &mut report)?,
        Source::Jekyll { site } => jekyll::import(site, options, &mut writer, &mut report)?,
    }
    writer.finish(&mut report)?;
    if options.skip_check {
        report.check_skipped = true;
    } else {
        let diagnostics = check_imported_site(&options.into);
        report.work_left = report::group_findings(&diagnostics);
    }
    let report_path = options.into.join(REPORT_FILE);
    std::fs::write(&report_path, report.to_markdown())
        .map_err(|e| ImportError::write(&report_path, e))?;
    Ok(ImportSummary {
        report,
        report_path,
    })
}

/// The time zone of the new site, in which the import reads and compares dates as byline
/// will: the site.yaml it writes names no `timezone`, so the site's zone is UTC until the
/// newsroom sets one (a date-only `2019-03-14` is that day in the site's zone).
fn site_zone() -> TimeZone {
    TimeZone::UTC
}

/// Runs byline's own checks on the imported site, drafts included (embargoed stories are
/// always checked in full). The one place the import calls into the checker, so a change of
/// its interface touches only this function.
fn check_imported_site(root: &Path) -> Vec<Diagnostic> {
    let settings = Settings {
        drafts: true,
        ..Settings::new(root)
    };
    // Only the findings are wanted: each text is scanned as it is read and let go.
    match crate::pipeline::check(&settings, Keep::ScanOnly) {
        Ok(checked) => checked.diagnostics,
        Err(failure) => failure.diagnostics,
    }
}
