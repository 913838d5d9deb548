//! The last stages of `byline build`: render every page of the edition, audit it for embargo
//! leaks and write it into a staging folder, in one parallel pass (story pages also go to the
//! search index meanwhile), write the search index and the resized images, then swap the new
//! site in and add what it published to `urls.lock`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use super::{Failure, StaticSource, Timings, check, made_copies, static_files};
use crate::checks::{EmbargoAudit, is_locked, is_text_file, search_file_text};
use crate::diag::{Code, Diagnostic};
use crate::images::cache::{CacheWork, ImageCache};
use crate::images::{ImageSizes, Variant};
use crate::model::{Edition, Site, WithheldReason};
use crate::parallel;
use crate::publish::{self, Staging};
use crate::render::SiteView;
use crate::routes::Page;
use crate::safe_read::{ReadError, read_regular};
use crate::search::SearchIndexer;
use crate::settings::Settings;
use crate::source::Keep;
use crate::theme::{Templates, Theme};
use crate::url_lock;

/// Pages rendered in parallel before their story pages go to the search index, in order: few
/// enough that their HTML is not a burden to hold, many enough that both cores stay busy.
const SEARCH_CHUNK: usize = 256;

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
    /// What making the resized images took: images decoded, copies made and found made.
    pub images: CacheWork,
    /// Pages in the search index (None when the site has no search).
    pub searchable: Option<usize>,
}

/// Builds the site into `output`, replacing what was there only on success. The folder must be
/// one byline made, an empty or a missing one, unless `force` (see [`publish::prepare_output`]).
pub fn build(settings: &Settings, output: &Path, force: bool) -> Result<BuildReport, Failure> {
    let started = Instant::now();
    let root = settings.root.as_path();
    let output: PathBuf = publish::prepare_output(root, output, force)
        .map_err(|diagnostic| Failure::new(vec![diagnostic], false))?;
    let mut checked = check(settings, Keep::Reread)?;
    let fail = |diagnostics: Vec<Diagnostic>| Failure::new(diagnostics, false);
    let (false, Some(loaded)) = (checked.has_errors(), &checked.theme) else {
        return Err(fail(checked.diagnostics));
    };
    let mut timings = std::mem::replace(&mut checked.timings, Timings::start());
    checked.site.forget_check_details();
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
    let cache = ImageCache::new(root);
    let copied = CopyContext {
        root,
        site,
        edition: &edition,
        theme: &loaded.theme,
        images: &checked.images,
        cache: &cache,
        staging: &staging,
        audit: &audit,
    };
    copy_static_files(&copied).map_err(|problems| fail(publish::limit_output_errors(problems)))?;
    timings.lap("copy static files, resize images");

    // Story pages go to the search index as they are written; drafts (published with
    // --drafts) never do.
    let search = site
        .config
        .search
        .then(|| SearchIndexer::start(&site.config.language));
    let searched = |page: Page| match page {
        Page::Story(story) => !site.stories[story].draft,
        _ => false,
    };
    // Pages are rendered, audited and written in the same parallel pass, so no page's HTML is
    // kept in memory longer than it takes to write it, or (for a story page) to hand it to the
    // search index. The index numbers pages in the order it receives them, so they go to it in
    // the site's order: a chunk of pages at a time is rendered in parallel, and its story pages
    // are handed over in order while the next chunk renders.
    let mut page_errors: Vec<Diagnostic> = Vec::new();
    for chunk in pages.chunks(SEARCH_CHUNK) {
        let done = parallel::map(chunk, |&page| {
            let file = match view.render(&loaded.templates, page) {
                Ok(file) => file,
                Err(error) => return (vec![error], None),
            };
            let mut problems = audit.scan(&output.join(&file.path), &file.contents);
            if problems.is_empty()
                && let Err(error) = staging.write(&file.path, file.contents.as_bytes())
            {
                problems.push(error);
            }
            let indexed = (problems.is_empty() && search.is_some() && searched(page))
                .then(|| (site.config.href(&view.routes().url(page)), file.contents));
            (problems, indexed)
        });
        for (problems, indexed) in done {
            page_errors.extend(problems);
            if let (Some(search), Some((href, html))) = (&search, indexed) {
                search.add(href, html);
            }
        }
    }
    page_errors.extend(bodies.take_problems());
    if !page_errors.is_empty() {
        page_errors = publish::limit_output_errors(page_errors);
        // Keep the build's warnings with the errors, so the report is complete.
        page_errors.extend(checked.diagnostics);
        return Err(fail(page_errors));
    }
    timings.lap("render, audit, write pages");
    let searchable = pages.iter().filter(|&&page| searched(page)).count();
    if let Some(search) = search {
        write_search_index(search, &output, &staging, &audit).map_err(|problems| {
            let mut problems = publish::limit_output_errors(problems);
            problems.extend(checked.diagnostics.clone());
            fail(problems)
        })?;
        timings.lap("write the search index");
    }
    let files = staging.files_written();
    let previous = staging.commit().map_err(|d| fail(vec![d]))?;
    timings.lap("swap the new site into place");
    previous.remove();
    timings.lap("remove the previous site");
    let routes = view.routes();
    let published = pages
        .iter()
        .filter(|&&page| is_locked(page))
        .filter(|&&page| routes.source(page).is_some_and(|_| !is_draft(site, page)))
        .filter_map(|&page| Some((routes.url(page), routes.source(page)?)));
    let published: Vec<(String, &Path)> = published.collect();
    let lock = site.url_lock.clone().unwrap_or_default();
    let text = lock.with_published(
        published
            .iter()
            .map(|(url, source)| (url.as_str(), *source)),
    );
    url_lock::write(root, &text).map_err(|d| fail(vec![d]))?;
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
        images: cache.work(),
        searchable: site.config.search.then_some(searchable),
    })
}

/// Whether `page` belongs to a draft (published only with `--drafts`, never locked).
fn is_draft(site: &Site, page: Page) -> bool {
    match page {
        Page::Story(story) | Page::Withdrawn(story) => site.stories[story].draft,
        _ => false,
    }
}

/// Writes the search index's files, each audited for embargoed stories as it will be read
/// (decompressed).
fn write_search_index(
    search: SearchIndexer,
    output: &Path,
    staging: &Staging,
    audit: &EmbargoAudit,
) -> Result<(), Vec<Diagnostic>> {
    let files = search.finish().map_err(|why| {
        vec![
            Diagnostic::new(
                Code::Output,
                crate::layout::SEARCH_INDEX_URL.trim_matches('/'),
                format!("the search index could not be made: {why}"),
            )
            .with_hint("`search: false` in site.yaml builds the site without search"),
        ]
    })?;
    let problems: Vec<Diagnostic> = parallel::flat_map(&files, |file| {
        let mut problems = audit.scan_bytes(
            &output.join(&file.path),
            &search_file_text(&file.path, &file.contents),
        );
        if problems.is_empty()
            && let Err(error) = staging.write(&file.path, &file.contents)
        {
            problems.push(error);
        }
        problems
    });
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
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

/// What copying the static files needs.
struct CopyContext<'a> {
    root: &'a Path,
    site: &'a Site,
    edition: &'a Edition,
    theme: &'a Theme,
    images: &'a ImageSizes,
    cache: &'a ImageCache,
    staging: &'a Staging,
    audit: &'a EmbargoAudit,
}

/// Writes every file of [`static_files`] into the new site. Text files are audited for embargo
/// leaks like pages. The resized copies of an image are made together, from one decoding of it
/// (or found in the cache).
fn copy_static_files(context: &CopyContext) -> Result<(), Vec<Diagnostic>> {
    let CopyContext {
        root,
        site,
        edition,
        theme,
        images,
        cache,
        staging,
        audit,
    } = *context;
    let (files, mut errors) = static_files(root, site, edition, theme, images);
    // The copies of each image (by its site path): the image's file, and each copy's path in
    // the output.
    type Copies<'f> = (&'f StaticSource, Vec<(&'f str, Variant)>);
    let mut resized: BTreeMap<&str, Copies> = BTreeMap::new();
    for (inside, source) in &files {
        if let StaticSource::Resized {
            image,
            original,
            variant,
        } = source
        {
            resized
                .entry(image.as_str())
                .or_insert_with(|| (&**original, Vec::new()))
                .1
                .push((inside.as_str(), *variant));
        }
    }
    let resized: Vec<_> = resized.into_iter().collect();
    errors.extend(parallel::flat_map(
        &resized,
        |(image, (original, copies))| {
            let wanted: Vec<Variant> = copies.iter().map(|(_, variant)| *variant).collect();
            match made_copies(root, images, cache, image, original, &wanted) {
                Ok(made) => made
                    .iter()
                    .zip(copies)
                    .filter_map(|(from, (inside, _))| staging.copy(from, inside).err())
                    .collect(),
                Err(problem) => vec![problem],
            }
        },
    ));
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
            // Made above, image by image.
            StaticSource::Resized { .. } => {}
        }
        problems
    }));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
