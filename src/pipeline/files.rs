//! The files of the site that are not pages: the theme's static files, the site's `static/`
//! and the files of page bundles, by their path in the output.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};
use crate::index::SiteIndex;
use crate::layout::STATIC_DIR;
use crate::model::{Edition, Site};
use crate::routes::Routes;
use crate::site_files;
use crate::theme::{Origin, Theme};
use crate::url::{output_path, web_path};

/// Where a file of the site that is not a page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticSource {
    /// A static file of the theme, by its path inside the theme's `static/`.
    Theme(String),
    /// A file of the site's static/ folder, by its full path.
    File(PathBuf),
    /// A file of a story's page bundle, by its full path, and the story by its index in
    /// [`Site::stories`].
    Bundle { path: PathBuf, story: usize },
}

impl StaticSource {
    /// The file on disk, for files of the site folder.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StaticSource::Theme(_) => None,
            StaticSource::File(path) | StaticSource::Bundle { path, .. } => Some(path),
        }
    }

    /// Whether `edition` has the file: a bundle's file only with its story.
    pub fn in_edition(&self, site: &Site, edition: &Edition) -> bool {
        match self {
            StaticSource::Bundle { story, .. } => edition.includes(&site.stories[*story]),
            _ => true,
        }
    }
}

/// Every file of the site that is not a page, by its path in the output: the theme's static
/// files, the site's static/ (which wins over the theme), then the page-bundle files of the
/// stories `edition` shows, beside them. Symbolic links and special files are not followed or
/// read: each is an error (see [`site_files`]), so nothing outside the site is ever published.
pub fn static_files(
    root: &Path,
    site: &Site,
    edition: &Edition,
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
                Err(error) => errors.push(Diagnostic::new(
                    Code::FileRead,
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
    // Nothing of a story the edition leaves out is published, its files included: their
    // addresses alone would reveal its slug.
    let shown = site
        .assets
        .iter()
        .filter(|asset| edition.includes(&site.stories[asset.story]));
    // With safe HTML a story's files are the author's too: a page or picture a browser would
    // run scripts in, opened from its own address, is not published.
    let (refused, shown): (Vec<_>, Vec<_>) =
        shown.partition(|asset| site.config.safe_html && runs_code(&asset.source));
    errors.extend(refused.into_iter().map(|asset| {
        Diagnostic::new(
            Code::BundleActiveFile,
            &asset.source,
            "with safe HTML, a story's own files cannot be pages, vector images or scripts a browser would run: this one could carry a script that runs on the site's address",
        )
        .with_hint("publish a chart as a picture (PNG, JPEG, WebP) or embed it from elsewhere; the site's own static/ is not cleaned, if this file is trusted it can go there")
    }));
    let assets: Vec<(String, StaticSource)> = shown
        .into_iter()
        .map(|asset| {
            (
                asset.url.trim_start_matches('/').to_string(),
                StaticSource::Bundle {
                    path: root.join(&asset.source),
                    story: asset.story,
                },
            )
        })
        .collect();
    let asset_paths: HashSet<&str> = assets.iter().map(|(path, _)| path.as_str()).collect();
    files.retain(|(path, _)| !asset_paths.contains(path.as_str()));
    files.extend(assets);
    (files, errors)
}

/// The names of the files byline writes for pages: only a file of one of these names can be
/// at a page's path.
const PAGE_FILE_NAMES: [&str; 6] = [
    "index.html",
    "atom.xml",
    "404.html",
    "sitemap.xml",
    "news-sitemap.xml",
    "robots.txt",
];

/// Files of `files` (static/, the theme's static files, page bundles) at the path of a page
/// byline writes for the edition `index` lists, or of a story it withholds (its address is
/// taken too): one of the two would be lost without a word, so each is an error naming both.
pub fn files_at_pages(
    root: &Path,
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    files: &[(String, StaticSource)],
) -> Vec<Diagnostic> {
    let named_like_pages: Vec<&(String, StaticSource)> = files
        .iter()
        .filter(|(path, _)| {
            let name = path.rsplit('/').next().unwrap_or(path);
            PAGE_FILE_NAMES.contains(&name)
        })
        .collect();
    if named_like_pages.is_empty() {
        return Vec::new();
    }
    let routes = Routes::new(site, index);
    let mut pages: HashMap<String, String> = routes
        .pages()
        .into_iter()
        .map(|page| {
            let url = routes.url(page);
            let what = match routes.source(page) {
                Some(source) if page.kind() == "feed" => {
                    format!("the feed of {}", source.display())
                }
                Some(source) => format!("the page of {}", source.display()),
                None => format!("the site's {} page", page.kind()),
            };
            (output_path(&url), format!("{what} ({url})"))
        })
        .collect();
    for story in &site.stories {
        pages
            .entry(output_path(&story.url))
            .or_insert_with(|| format!("the page of {} ({})", story.source.display(), story.url));
    }
    named_like_pages
        .into_iter()
        .filter_map(|(path, source)| {
            let page = pages.get(path)?;
            let file = match source {
                StaticSource::Theme(name) => theme
                    .static_file(name)
                    .map(|file| file.origin.display_path())
                    .unwrap_or_else(|| Origin::BuiltIn(format!("static/{name}")).display_path()),
                StaticSource::File(full) | StaticSource::Bundle { path: full, .. } => {
                    full.strip_prefix(root).unwrap_or(full).to_path_buf()
                }
            };
            Some(
                Diagnostic::new(
                    Code::StructureDuplicateUrl,
                    file,
                    format!(
                        "this file would be published at /{path}, where byline writes {page}: one of the two would be lost"
                    ),
                )
                .with_hint("rename or move the file; to change a page byline writes, put your own template for it in the theme (see docs/themes.md)"),
            )
        })
        .collect()
}

/// Whether a browser opening the file at `path` would run scripts in it: HTML and XHTML
/// pages, SVG and other XML (which can hold XHTML), XSLT and JavaScript, by the media type
/// static hosts serve it with.
fn runs_code(path: &Path) -> bool {
    const RUNNABLE: [&str; 10] = [
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "application/xml",
        "text/xml",
        "application/xslt+xml",
        "text/xsl",
        "application/javascript",
        "text/javascript",
        "message/rfc822",
    ];
    mime_guess::from_path(path)
        .iter()
        .any(|mime| RUNNABLE.contains(&mime.essence_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_pictures_and_scripts_that_run_code_are_known() {
        for active in [
            "chart.html",
            "chart.HTM",
            "a.xhtml",
            "pic.svg",
            "pic.svgz",
            "data.xml",
            "t.xsl",
            "app.js",
            "app.mjs",
            "x.shtml",
        ] {
            assert!(runs_code(Path::new(active)), "{active}");
        }
        for inert in [
            "map.png",
            "report.pdf",
            "data.csv",
            "photo.jpeg",
            "notes.txt",
            "a.json",
        ] {
            assert!(!runs_code(Path::new(inert)), "{inert}");
        }
    }
}
