//! The files of the site that are not pages: the theme's static files, the site's `static/`,
//! the files of page bundles and the resized copies of the images pages show, by their path in
//! the output.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};
use crate::images::cache::ImageCache;
use crate::images::{ImageSizes, Variant};
use crate::layout::STATIC_DIR;
use crate::model::{Edition, Site};
use crate::site_files;
use crate::theme::Theme;
use crate::url::{is_external, percent_decoded, resolve_against, split_url, web_path};

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
    let assets: Vec<(String, StaticSource)> = site
        .assets
        .iter()
        .filter(|asset| {
            let story = &site.stories[asset.story];
            edition.includes(story) && story.withdrawn.is_none()
        })
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
