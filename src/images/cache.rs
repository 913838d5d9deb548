//! The resized copies of the site's images ([`Variants`]), made once and kept in
//! `.byline-cache/images/` at the site root (outside the output, git-ignored): a copy is found
//! by a hash of the image file's bytes, so an image that did not change is never decoded again,
//! whatever its name or folder, by `build` or by `serve`. Each copy is written to a temporary
//! file and renamed into place, so two builds running at once never read a half-written copy
//! (the second rename replaces a file with the same bytes).
//!
//! Copies are WebP at quality 80 (libwebp, lossy: `image`'s own WebP encoder is lossless only,
//! and a lossless WebP of a photograph is larger than its JPEG) and, in the image's own format,
//! JPEG at quality 82 or PNG; resized with a Lanczos filter (`fast_image_resize`).

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use fast_image_resize::images::Image as Pixels;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use sha2::{Digest, Sha256};

use super::{Format, Variant, Variants};
use crate::diag::{Code, Diagnostic};
use crate::layout::CACHE_DIR;
use crate::safe_read::{ReadError, read_regular};

/// Larger files are refused rather than read whole into memory (a print-resolution TIFF saved
/// as .jpg by mistake, a hostile file).
const MAX_IMAGE_BYTES: u64 = 256 << 20;
const WEBP_QUALITY: f32 = 80.0;
const JPEG_QUALITY: u8 = 82;
/// Part of every copy's key: a change of encoder settings makes new copies.
const SETTINGS: &str = "v1 webp80 jpeg82 lanczos3";

/// The cache of one site's resized images.
#[derive(Debug)]
pub struct ImageCache {
    dir: PathBuf,
    decoded: AtomicUsize,
    made: AtomicUsize,
    reused: AtomicUsize,
}

/// How much work the cache did: images decoded, copies made and copies found made already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheWork {
    pub decoded: usize,
    pub made: usize,
    pub reused: usize,
}

impl ImageCache {
    /// The cache of the site at `root`.
    pub fn new(root: &Path) -> ImageCache {
        ImageCache {
            dir: root.join(CACHE_DIR).join("images"),
            decoded: AtomicUsize::new(0),
            made: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    pub fn work(&self) -> CacheWork {
        CacheWork {
            decoded: self.decoded.load(Ordering::Relaxed),
            made: self.made.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// The cached file of each of the copies `wanted` of the image `variants` describes (the
    /// file `source`, shown as `shown` in messages), made from one decoding of the image when
    /// any is missing. An image that cannot be decoded is an error naming it.
    pub fn copies(
        &self,
        source: &Path,
        shown: &Path,
        variants: &Variants,
        wanted: &[Variant],
    ) -> Result<Vec<PathBuf>, Diagnostic> {
        let bytes = read_regular(source, MAX_IMAGE_BYTES).map_err(|error| {
            let why = match error {
                ReadError::Io(error) => error.to_string(),
                ReadError::TooLarge(bytes) => format!(
                    "it holds {} MB, more than the {} MB byline resizes",
                    bytes >> 20,
                    MAX_IMAGE_BYTES >> 20
                ),
            };
            Diagnostic::new(
                Code::FileRead,
                shown,
                format!("cannot read this image: {why}"),
            )
        })?;
        let mut hasher = Sha256::new();
        hasher.update(SETTINGS.as_bytes());
        hasher.update(&bytes);
        let key: String = hasher.finalize()[..16]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let folder = self.dir.join(key);
        let paths: Vec<PathBuf> = wanted
            .iter()
            .map(|variant| folder.join(file_name(variants.format(), *variant)))
            .collect();
        let missing: Vec<usize> = (0..wanted.len())
            .filter(|&at| !paths[at].is_file())
            .collect();
        self.reused
            .fetch_add(wanted.len() - missing.len(), Ordering::Relaxed);
        if missing.is_empty() {
            return Ok(paths);
        }
        let decoded = decode(&bytes, shown)?;
        self.decoded.fetch_add(1, Ordering::Relaxed);
        let unwritable = |error: std::io::Error| {
            Diagnostic::new(
                Code::Output,
                self.dir.display().to_string(),
                format!(
                    "cannot write a resized copy of {} into the image cache: {error}",
                    shown.display()
                ),
            )
            .with_hint(format!(
                "byline keeps resized images in {CACHE_DIR}/ at the site root; it must be writable"
            ))
        };
        std::fs::create_dir_all(&folder).map_err(unwritable)?;
        let mut resizer = Resizer::new();
        for at in missing {
            let variant = wanted[at];
            let height = variants.height_at(variant.width);
            let encoded = encode(&decoded, &mut resizer, variants.format(), variant, height)
                .map_err(|why| {
                    Diagnostic::new(
                        Code::ImageDecode,
                        shown,
                        format!(
                            "cannot make a {} pixels wide copy of this image: {why}",
                            variant.width
                        ),
                    )
                })?;
            write_atomically(&paths[at], &encoded).map_err(unwritable)?;
            self.made.fetch_add(1, Ordering::Relaxed);
        }
        Ok(paths)
    }
}

/// A copy's file name in its image's cache folder.
fn file_name(format: Format, variant: Variant) -> String {
    let extension = match (variant.webp, format) {
        (true, _) | (false, Format::Webp) => "webp",
        (false, Format::Jpeg) => "jpg",
        (false, Format::Png) => "png",
    };
    format!("{}.{extension}", variant.width)
}

/// An image's pixels, 8 bits a channel, with alpha when it has transparency.
struct Decoded {
    pixels: Pixels<'static>,
    alpha: bool,
}

fn decode(bytes: &[u8], shown: &Path) -> Result<Decoded, Diagnostic> {
    let image = image::load_from_memory(bytes).map_err(|error| {
        Diagnostic::new(
            Code::ImageDecode,
            shown,
            format!("this image cannot be decoded, so byline cannot resize it: {error}"),
        )
        .with_hint("open it in an image editor and save it again as JPEG, PNG or WebP; a file renamed to .jpg that is not one fails too")
    })?;
    let (width, height) = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let (buffer, pixel_type) = if alpha {
        (image.into_rgba8().into_raw(), PixelType::U8x4)
    } else {
        (image.into_rgb8().into_raw(), PixelType::U8x3)
    };
    let pixels = Pixels::from_vec_u8(width, height, buffer, pixel_type).map_err(|error| {
        Diagnostic::new(
            Code::ImageDecode,
            shown,
            format!("this image's pixels cannot be read: {error}"),
        )
    })?;
    Ok(Decoded { pixels, alpha })
}

/// One copy of `decoded`, `variant.width` by `height` pixels, encoded.
fn encode(
    decoded: &Decoded,
    resizer: &mut Resizer,
    format: Format,
    variant: Variant,
    height: u32,
) -> Result<Vec<u8>, String> {
    let resized;
    let pixels = if variant.width == decoded.pixels.width() && height == decoded.pixels.height() {
        &decoded.pixels
    } else {
        let mut target = Pixels::new(variant.width, height, decoded.pixels.pixel_type());
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        resizer
            .resize(&decoded.pixels, &mut target, &options)
            .map_err(|error| error.to_string())?;
        resized = target;
        &resized
    };
    let (width, height, buffer) = (pixels.width(), pixels.height(), pixels.buffer());
    let color = if decoded.alpha {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    if variant.webp || format == Format::Webp {
        let encoder = if decoded.alpha {
            webp::Encoder::from_rgba(buffer, width, height)
        } else {
            webp::Encoder::from_rgb(buffer, width, height)
        };
        return Ok(encoder.encode(WEBP_QUALITY).to_vec());
    }
    let mut out = Cursor::new(Vec::new());
    let written = match format {
        Format::Jpeg if !decoded.alpha => JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .write_image(buffer, width, height, color),
        _ => PngEncoder::new_with_quality(
            &mut out,
            CompressionType::Default,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(buffer, width, height, color),
    };
    written.map_err(|error| error.to_string())?;
    Ok(out.into_inner())
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("copy");
    let temporary = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
        let mut out = Cursor::new(Vec::new());
        PngEncoder::new(&mut out)
            .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn makes_each_copy_once_and_never_decodes_an_unchanged_image_again() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("zug.png");
        std::fs::write(&image, png(1000, 500)).unwrap();
        let variants = Variants {
            src: "/images/zug.png".into(),
            size: (1000, 500),
            format: Format::Png,
        };
        let wanted: Vec<Variant> = variants.files().into_iter().map(|(_, v)| v).collect();
        let cache = ImageCache::new(dir.path());
        let copies = cache
            .copies(&image, Path::new("static/zug.png"), &variants, &wanted)
            .unwrap();
        assert_eq!(
            cache.work(),
            CacheWork {
                decoded: 1,
                made: 5,
                reused: 0
            }
        );
        let webp = std::fs::read(&copies[0]).unwrap();
        assert!(webp.starts_with(b"RIFF") && &webp[8..12] == b"WEBP");
        let size = imagesize::blob_size(&webp).unwrap();
        assert_eq!((size.width, size.height), (480, 240));
        // A second cache of the same folder (the next build) finds them all.
        let again = ImageCache::new(dir.path());
        assert_eq!(
            again
                .copies(&image, Path::new("static/zug.png"), &variants, &wanted)
                .unwrap(),
            copies
        );
        assert_eq!(
            again.work(),
            CacheWork {
                decoded: 0,
                made: 0,
                reused: 5
            }
        );
        // Not a leftover temporary file anywhere.
        let leftovers = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn an_image_that_cannot_be_decoded_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("broken.jpg");
        let mut bytes = png(600, 400);
        bytes.truncate(60);
        std::fs::write(&image, bytes).unwrap();
        let variants = Variants {
            src: "/images/broken.jpg".into(),
            size: (600, 400),
            format: Format::Jpeg,
        };
        let wanted = [Variant {
            width: 480,
            webp: true,
        }];
        let error = ImageCache::new(dir.path())
            .copies(
                &image,
                Path::new("static/images/broken.jpg"),
                &variants,
                &wanted,
            )
            .unwrap_err();
        assert_eq!(error.code, Code::ImageDecode);
        assert_eq!(error.path, Path::new("static/images/broken.jpg"));
    }
}
