//! The files of the site that are not pages: the theme's static files, the site's `static/`,
//! the files of page bundles and the resized copies of the images pages show, by their path in
//! the output.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};
use crate::images::cache::ImageCache;
use crate::images::{ImageSizes, Variant};
use crate::index::SiteIndex;
use crate::layout::STATIC_DIR;
use crate::model::{Edition, Site};
use crate::routes::Routes;
use crate::site_files;
use crate::theme::{Origin, Theme};
use crate::url::{is_external, output_path, percent_decoded, resolve_against, split_url, web_path};

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
    /// A resized copy of an image of the site (see [`crate::images::Variants`]): the image's
    /// site path, where the image comes from, and which copy.
    Resized {
        image: String,
        original: Box<StaticSource>,
        variant: Variant,
    },
}

impl StaticSource {
    /// The file on disk, for files of the site folder.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StaticSource::Theme(_) | StaticSource::Resized { .. } => None,
            StaticSource::File(path) | StaticSource::Bundle { path, .. } => Some(path),
        }
    }

    /// Whether `edition` has the file: a bundle's file only with its story.
    pub fn in_edition(&self, site: &Site, edition: &Edition) -> bool {
        match self {
            StaticSource::Bundle { story, .. } => edition.includes(&site.stories[*story]),
            StaticSource::Resized { original, .. } => original.in_edition(site, edition),
            _ => true,
        }
    }
}

/// Every file of the site that is not a page, by its path in the output: the theme's static
/// files, the site's static/ (which wins over the theme), then the page-bundle files of the
/// stories `edition` shows, beside them, and the resized copies of every JPEG, PNG and WebP
/// those stories and the series show (header images and images in their texts; `images` knows
/// their sizes). Symbolic links and special files are not followed or
/// read: each is an error (see [`site_files`]), so nothing outside the site is ever published.
pub fn static_files(
    root: &Path,
    site: &Site,
    edition: &Edition,
    theme: &Theme,
    images: &ImageSizes,
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
    let shown = site.assets.iter().filter(|asset| {
        let story = &site.stories[asset.story];
        edition.includes(story) && story.withdrawn.is_none()
    });
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
    let copies = resized_copies(site, edition, images, &files);
    files.extend(copies);
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
                // A resized copy's name ends in its width (`-480w.png`), never a page's.
                StaticSource::Resized { .. } => return None,
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

/// The resized copies of the images the edition shows whose files are among `files`.
fn resized_copies(
    site: &Site,
    edition: &Edition,
    images: &ImageSizes,
    files: &[(String, StaticSource)],
) -> Vec<(String, StaticSource)> {
    let shown_stories = site
        .stories
        .iter()
        .filter(|story| edition.includes(story) && story.withdrawn.is_none());
    let mut wanted: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut want = |page_url: &str, src: &str| {
        if is_external(src) {
            return;
        }
        let (path, _) = split_url(src);
        let resolved = resolve_against(page_url, path);
        if !resolved.is_empty() && seen.insert(resolved.clone()) {
            wanted.push(resolved);
        }
    };
    for story in shown_stories {
        for image in story.image.iter() {
            want(&story.url, &image.src);
        }
        for image in &story.body.scan.images {
            want(&story.url, &image.src);
        }
    }
    for series in &site.series {
        for image in series.image.iter() {
            want(&series.url, &image.src);
        }
        for image in &series.description.scan.images {
            want(&series.url, &image.src);
        }
    }
    let published: std::collections::HashMap<&str, &StaticSource> = files
        .iter()
        .map(|(path, source)| (path.as_str(), source))
        .collect();
    let mut copies = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for image in wanted {
        let inside = percent_decoded(&image).trim_start_matches('/').to_string();
        let (Some(original), Some(variants)) =
            (published.get(inside.as_str()), images.variants(&image))
        else {
            continue;
        };
        for (url, variant) in variants.files() {
            let path = percent_decoded(&url).trim_start_matches('/').to_string();
            if !published.contains_key(path.as_str()) && taken.insert(path.clone()) {
                copies.push((
                    path,
                    StaticSource::Resized {
                        image: image.clone(),
                        original: Box::new((*original).clone()),
                        variant,
                    },
                ));
            }
        }
    }
    copies
}

/// The files of the copies `wanted` of the image at site path `image` (whose file `original`
/// is), from `cache`, which makes the missing ones from one decoding of the image.
pub fn made_copies(
    root: &Path,
    images: &ImageSizes,
    cache: &ImageCache,
    image: &str,
    original: &StaticSource,
    wanted: &[Variant],
) -> Result<Vec<PathBuf>, Diagnostic> {
    let file = original.path().ok_or_else(|| {
        Diagnostic::new(
            Code::FileRead,
            image,
            "this image is not a file of the site",
        )
    })?;
    let variants = images.variants(image).ok_or_else(|| {
        Diagnostic::new(
            Code::ImageDecode,
            file.strip_prefix(root).unwrap_or(file),
            "the size of this image cannot be read any more",
        )
    })?;
    cache.copies(
        file,
        file.strip_prefix(root).unwrap_or(file),
        &variants,
        wanted,
    )
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
