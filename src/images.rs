//! Pixel sizes of the site's own images, so that pages can give every `<img>` its `width` and
//! `height` and browsers reserve its space before it loads (no layout shift).
//!
//! A size is read from the image file's header (PNG, JPEG, GIF, WebP, AVIF, ... as the
//! `imagesize` crate knows them) the first time a page asks for it, and kept. Only a few bytes
//! of each file are read. An image byline cannot read (a remote URL, a missing file, a format it
//! does not know) has no size; the default theme then falls back to a CSS `aspect-ratio`.

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

    /// The file of the site behind the site path `path` (a page-bundle file or one of
    /// `static/`), or None.
    fn file(&self, path: &str) -> Option<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
