//! The site's own images: their pixel sizes, so that pages can give every `<img>` its `width`
//! and `height` and browsers reserve its space before it loads (no layout shift); and the
//! widths byline publishes each JPEG, PNG and WebP at ([`Variants`], made by [`cache`]), so
//! that a phone is not sent a picture four times wider than its screen.
//!
//! A size is read from the image file's header (PNG, JPEG, GIF, WebP, AVIF, ... as the
//! `imagesize` crate knows them) the first time a page asks for it, and kept. Only a few bytes
//! of each file are read. An image byline cannot read (a remote URL, a missing file, a format it
//! does not know) has no size; the default theme then falls back to a CSS `aspect-ratio`.

pub mod cache;

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::layout::STATIC_DIR;
use crate::model::Site;
use crate::safe_read::open_regular;
use crate::url::{percent_decoded, stays_inside};

/// Width and height in pixels.
pub type Size = (u32, u32);

/// Finds the file behind an image's site path and reads its size, once per path.
#[derive(Debug, Default)]
pub struct ImageSizes {
    /// The site's `static/` folder.
    static_dir: Option<PathBuf>,
    /// Site path of each page-bundle file and the file itself.
    bundle_files: HashMap<String, PathBuf>,
    known: Mutex<HashMap<String, Option<Size>>>,
    /// What each file is, once read (see [`ImageSizes::file_type`]).
    types: Mutex<HashMap<String, Option<Option<imagesize::ImageType>>>>,
}

impl ImageSizes {
    /// Sizes of the images of the site at `root`: its `static/` files and its page bundles'.
    pub fn new(root: &Path, site: &Site) -> ImageSizes {
        ImageSizes {
            static_dir: Some(root.join(STATIC_DIR)),
            bundle_files: site
                .assets
                .iter()
                .map(|asset| (asset.url.clone(), root.join(&asset.source)))
                .collect(),
            known: Mutex::default(),
            types: Mutex::default(),
        }
    }

    /// The size of the image at site path `src` (`/images/zug.png`), or None when it is not a
    /// file of the site or its size cannot be read.
    pub fn size(&self, src: &str) -> Option<Size> {
        let path = src.split(['?', '#']).next().unwrap_or(src);
        if !path.starts_with('/') || path.starts_with("//") {
            return None;
        }
        let mut known = self
            .known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(size) = known.get(path) {
            return *size;
        }
        let size = self.read(path);
        known.insert(path.to_string(), size);
        size
    }

    /// The widths the image at site path `src` is published at, when byline resizes it: a
    /// JPEG, PNG or WebP file of the site whose size it can read.
    pub fn variants(&self, src: &str) -> Option<Variants> {
        let format = Format::of(src)?;
        if src.contains(['?', '#']) {
            return None;
        }
        let size = self.size(src)?;
        Some(Variants {
            src: src.to_string(),
            size,
            format,
        })
    }

    /// The file behind the site path `path`: a page-bundle file or one of `static/`.
    pub fn file(&self, path: &str) -> Option<PathBuf> {
        let decoded = percent_decoded(path);
        self.bundle_files
            .get(path)
            .or_else(|| self.bundle_files.get(&decoded))
            .cloned()
            .or_else(|| {
                let inside = Path::new(decoded.trim_start_matches('/'));
                let dir = self.static_dir.as_ref()?;
                let file = stays_inside(inside).then(|| dir.join(inside))?;
                // A folder of static/ that is a link (reported, never published) leads out of
                // the site: nothing behind it is read.
                file.canonicalize()
                    .ok()?
                    .starts_with(dir.canonicalize().ok()?)
                    .then_some(file)
            })
    }

    fn read(&self, path: &str) -> Option<Size> {
        // Only a regular file is read, and only its header: a named pipe or a link to a
        // device in static/ must not stall a page (the preview renders pages while such a
        // file is reported).
        let (file, _) = open_regular(&self.file(path)?).ok()?;
        let size = imagesize::reader_size(BufReader::new(file)).ok()?;
        let width = u32::try_from(size.width).ok()?;
        let height = u32::try_from(size.height).ok()?;
        (width > 0 && height > 0).then_some((width, height))
    }

    /// What the file behind the site path `src` is, by its first bytes: None when it is not a
    /// file of the site (a remote image, a missing file), `Some(None)` when its bytes are no
    /// image format byline knows.
    pub fn file_type(&self, src: &str) -> Option<Option<imagesize::ImageType>> {
        let path = src.split(['?', '#']).next().unwrap_or(src);
        if !path.starts_with('/') || path.starts_with("//") {
            return None;
        }
        let mut types = self
            .types
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = types.get(path) {
            return *known;
        }
        let found = self.read_type(path);
        types.insert(path.to_string(), found);
        found
    }

    fn read_type(&self, path: &str) -> Option<Option<imagesize::ImageType>> {
        let (file, _) = open_regular(&self.file(path)?).ok()?;
        // Every format's signature is within its first bytes.
        let mut header = Vec::with_capacity(1024);
        file.take(1024).read_to_end(&mut header).ok()?;
        Some(imagesize::image_type(&header).ok())
    }
}

/// The widths byline publishes an image at, when it is wider; an image is never made wider
/// than its file.
pub const WIDTHS: [u32; 4] = [480, 800, 1200, 1600];

/// The kinds of image byline resizes (a GIF may move, an SVG has no pixels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    /// The format of a file by its name's extension.
    fn of(path: &str) -> Option<Format> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }
}

/// One resized copy of an image: its width, and whether it is WebP or in the image's own
/// format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    pub width: u32,
    pub webp: bool,
}

/// An image of the site and the copies byline publishes beside it: WebP at each of [`WIDTHS`]
/// narrower than the image and at its own width when that is 1600 pixels or less, and the same
/// widths in its own format (its own width being the file itself). `/images/zug.jpg` of 1200
/// pixels gives `/images/zug-480w.jpg`, `/images/zug-480w.webp`, `/images/zug-800w.jpg`,
/// `/images/zug-800w.webp` and `/images/zug-1200w.webp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    /// The image's site path.
    src: String,
    size: Size,
    format: Format,
}

impl Variants {
    /// The widths it is offered at, narrowest first.
    pub fn widths(&self) -> Vec<u32> {
        let width = self.size.0;
        let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < width).collect();
        if width <= WIDTHS[WIDTHS.len() - 1] {
            widths.push(width);
        }
        widths
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn size(&self) -> Size {
        self.size
    }

    /// The height of the copy `width` pixels wide (the image's proportions, at least 1).
    pub fn height_at(&self, width: u32) -> u32 {
        let (w, h) = self.size;
        let height = (u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w.max(1));
        u32::try_from(height).unwrap_or(u32::MAX).max(1)
    }

    /// The site path of a copy: the image itself for its own format at its own width.
    pub fn url(&self, variant: Variant) -> String {
        let is_original =
            variant.width == self.size.0 && (!variant.webp || self.format == Format::Webp);
        if is_original {
            return self.src.clone();
        }
        let (stem, extension) = self.src.rsplit_once('.').unwrap_or((&self.src, ""));
        let extension = if variant.webp { "webp" } else { extension };
        format!("{stem}-{}w.{extension}", variant.width)
    }

    /// Every copy byline makes, by site path (the image itself is not one), each once.
    pub fn files(&self) -> Vec<(String, Variant)> {
        let mut files: Vec<(String, Variant)> = Vec::new();
        for width in self.widths() {
            for webp in [true, false] {
                let variant = Variant { width, webp };
                let url = self.url(variant);
                if url != self.src && !files.iter().any(|(taken, _)| *taken == url) {
                    files.push((url, variant));
                }
            }
        }
        files
    }

    /// The `srcset` values of the image in its own format and as WebP, each copy's site path
    /// turned into a link by `href`.
    pub fn srcsets(&self, href: impl Fn(&str) -> String) -> (String, String) {
        let srcset = |webp: bool| {
            self.widths()
                .into_iter()
                .map(|width| format!("{} {width}w", href(&self.url(Variant { width, webp }))))
                .collect::<Vec<_>>()
                .join(", ")
        };
        (srcset(false), srcset(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_never_grow_an_image_and_name_each_copy_once() {
        let variants = |src: &str, size: Size| Variants {
            src: src.to_string(),
            size,
            format: Format::of(src).unwrap(),
        };
        let big = variants("/images/zug.jpg", (4000, 3000));
        assert_eq!(big.widths(), [480, 800, 1200, 1600]);
        assert_eq!(big.height_at(480), 360);
        assert_eq!(
            big.url(Variant {
                width: 1600,
                webp: false
            }),
            "/images/zug-1600w.jpg"
        );
        let middle = variants("/images/a b.png", (1000, 563));
        assert_eq!(middle.widths(), [480, 800, 1000]);
        assert_eq!(middle.height_at(480), 270);
        assert_eq!(
            middle.srcsets(|url| format!("/site{url}")),
            (
                "/site/images/a b-480w.png 480w, /site/images/a b-800w.png 800w, /site/images/a b.png 1000w".to_string(),
                "/site/images/a b-480w.webp 480w, /site/images/a b-800w.webp 800w, /site/images/a b-1000w.webp 1000w".to_string()
            )
        );
        assert_eq!(middle.files().len(), 5, "{:?}", middle.files());
        let tiny = variants("/s/story/map.webp", (8, 8));
        assert_eq!(tiny.widths(), [8]);
        assert!(
            tiny.files().is_empty(),
            "a small WebP is published as it is"
        );
        assert_eq!(Format::of("/a/b.GIF"), None);
        assert_eq!(Format::of("/a/b.JPEG"), Some(Format::Jpeg));
    }

    /// A PNG header of `width` x `height` pixels: signature and IHDR chunk, enough to size it.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn reads_static_and_bundle_images_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("static/images")).unwrap();
        std::fs::write(root.join("static/images/a b.png"), png(1200, 800)).unwrap();
        std::fs::write(root.join("static/images/not.png"), b"not an image").unwrap();
        std::fs::create_dir_all(root.join("content/s/story")).unwrap();
        std::fs::write(root.join("content/s/story/map.png"), png(480, 270)).unwrap();
        std::fs::write(root.join("secret.png"), png(1, 1)).unwrap();
        let sizes = ImageSizes {
            static_dir: Some(root.join("static")),
            bundle_files: [(
                "/s/story/map.png".to_string(),
                root.join("content/s/story/map.png"),
            )]
            .into(),
            known: Mutex::default(),
            types: Mutex::default(),
        };
        assert_eq!(sizes.size("/images/a%20b.png"), Some((1200, 800)));
        assert_eq!(sizes.size("/images/a b.png?v=2"), Some((1200, 800)));
        assert_eq!(sizes.size("/s/story/map.png"), Some((480, 270)));
        assert_eq!(sizes.size("/images/not.png"), None);
        assert_eq!(sizes.size("/images/missing.png"), None);
        assert_eq!(sizes.size("/../secret.png"), None);
        assert_eq!(sizes.size("https://example.org/a.png"), None);
        assert_eq!(sizes.size("//example.org/a.png"), None);
        assert_eq!(sizes.size("images/a%20b.png"), None);
        // Asked again, the answer comes from memory even when the file is gone.
        std::fs::remove_file(root.join("static/images/a b.png")).unwrap();
        assert_eq!(sizes.size("/images/a%20b.png"), Some((1200, 800)));
    }

    #[test]
    fn tells_an_image_s_type_by_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/a.jpg"), png(2, 2)).unwrap();
        std::fs::write(root.join("static/b.png"), b"<html>not an image</html>").unwrap();
        let sizes = ImageSizes {
            static_dir: Some(root.join("static")),
            ..ImageSizes::default()
        };
        assert_eq!(
            sizes.file_type("/a.jpg"),
            Some(Some(imagesize::ImageType::Png))
        );
        assert_eq!(sizes.file_type("/b.png"), Some(None));
        assert_eq!(sizes.file_type("/missing.png"), None);
        assert_eq!(sizes.file_type("https://example.org/a.png"), None);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decoded("/a%20b/%C3%BC.png"), "/a b/ü.png");
        assert_eq!(percent_decoded("/100%/x%zz.png"), "/100%/x%zz.png");
    }
}
