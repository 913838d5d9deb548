//! The last stages of `byline build`: render every page of the edition, audit it for embargo
//! leaks and write it into a staging folder, in one parallel pass, then swap the new site in.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Failure, StaticSource, Timings, check, static_files};
use crate::checks::{EmbargoAudit, is_text_file};
use crate::diag::{Code, Diagnostic};
use crate::model::{Edition, Site, WithheldReason};
use crate::parallel;
use crate::publish::{self, Staging};
use crate::render::SiteView;
use crate::routes::Page;
use crate::safe_read::{ReadError, read_regular};
use crate::settings::Settings;
use crate::source::Keep;
use crate::theme::{Templates, Theme};

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub stories: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
    /// Valid stories left out: drafts, and embargoes with the time each lifts.
    pub withheld: Vec<WithheldReason>,
}

/// Builds the site into `output`, replacing what was there only on success. The folder must be
/// one byline made, an empty or a missing one, unless `force` (see [`publish::prepare_output`]).
pub fn build(settings: &Settings, output: &Path, force: bool) -> Result<BuildReport, Failure> {
    let started = Instant::now();
    let root = settings.root.as_path();
    let output: PathBuf = publish::prepare_output(root, output, force)
        .map_err(|diagnostic| Failure::new(vec![diagnostic], false))?;
    let mut checked = check(settings, Keep::Text)?;
    let fail = |diagnostics: Vec<Diagnostic>| Failure::new(diagnostics, false);
    let (false, Some(loaded)) = (checked.has_errors(), &checked.theme) else {
        return Err(fail(checked.diagnostics));
    };
    let mut timings = std::mem::replace(&mut checked.timings, Timings::start());
    let site = &checked.site;
    let edition = checked.edition;
    let Some(bodies) = checked.body_renderer() else {
        return Err(fail(checked.diagnostics));
    };
    let view = SiteView::new(site, &checked.index, &bodies);
    let pages = view.pages();
    let audit = EmbargoAudit::new(site, &edition, &checked.index);
    timings.lap("prepare pages and listings");

    let staging = Staging::create(&output).map_err(|d| fail(vec![d]))?;
    copy_static_files(root, site, &edition, &loaded.theme, &staging, &audit)
        .map_err(|problems| fail(publish::limit_output_errors(problems)))?;
    timings.lap("copy static files");

    // Pages are rendered, audited and written in the same parallel pass, so no page's HTML is
    // kept in memory longer than it takes to write it.
    let mut page_errors: Vec<Diagnostic> = parallel::flat_map(&pages, |&page| {
        let file = match view.render(&loaded.templates, page) {
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
    });
    if !page_errors.is_empty() {
        page_errors = publish::limit_output_errors(page_errors);
        // Keep the build's warnings with the errors, so the report is complete.
        page_errors.extend(checked.diagnostics);
        return Err(fail(page_errors));
    }
    timings.lap("render, audit, write pages");
    let files = staging.files_written();
    staging.commit().map_err(|d| fail(vec![d]))?;
    timings.lap("swap the new site into place");
    let withheld = site
        .stories
        .iter()
        .filter(|story| !edition.includes(story))
        .filter_map(|story| edition.withheld_reason(story))
        .collect();
    Ok(BuildReport {
        stories: checked.index.stories.len(),
        pages: pages.len(),
        files,
        elapsed: started.elapsed(),
        warnings: checked.diagnostics,
        timings,
        withheld,
    })
}

/// Renders `pages` (in parallel) and keeps only the problems: how `serve` checks a new theme
/// against every page without writing anything.
pub fn check_pages(view: &SiteView, templates: &Templates, pages: &[Page]) -> Vec<Diagnostic> {
    let mut problems: Vec<Diagnostic> =
        parallel::filter_map(pages, |&page| view.render(templates, page).err());
    Diagnostic::sort(&mut problems);
    problems.dedup();
    problems
}

/// The largest text file of static/ or a page bundle the embargo audit reads (64 MiB); a
/// larger one cannot be shown to name no embargoed story, so it is not published while an
/// embargo is pending.
const MAX_AUDITED_BYTES: u64 = 64 * 1024 * 1024;

fn too_large_to_audit(shown: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::EmbargoLeak,
        shown,
        format!(
            "this text file is larger than the {} MB the embargo audit reads, so byline cannot tell that it names no embargoed story; nothing was published",
            MAX_AUDITED_BYTES / (1024 * 1024)
        ),
    )
    .with_hint("publish a large data file compressed (.zip, .gz), which the audit does not read, or wait for the embargo to lift")
}

/// Writes every file of [`static_files`] into the new site. Text files are audited for embargo
/// leaks like pages.
fn copy_static_files(
    root: &Path,
    site: &Site,
    edition: &Edition,
    theme: &Theme,
    staging: &Staging,
    audit: &EmbargoAudit,
) -> Result<(), Vec<Diagnostic>> {
    let (files, mut errors) = static_files(root, site, edition, theme);
    errors.extend(parallel::flat_map(&files, |(inside, source)| {
        let audited = |shown: &Path, bytes: &[u8]| {
            if audit.is_active() && is_text_file(inside) {
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
            StaticSource::File(from) | StaticSource::Bundle { path: from, .. } => {
                if audit.is_active() && is_text_file(inside) {
                    let shown = from.strip_prefix(root).unwrap_or(from);
                    problems = match read_regular(from, MAX_AUDITED_BYTES) {
                        Ok(bytes) => audited(shown, &bytes),
                        // Copying it below reports what is wrong with it.
                        Err(ReadError::Io(_)) => Vec::new(),
                        Err(ReadError::TooLarge(_)) => vec![too_large_to_audit(shown)],
                    };
                }
                if problems.is_empty()
                    && let Err(error) = staging.copy(from, inside)
                {
                    problems.push(error);
                }
            }
        }
        problems
    }));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
