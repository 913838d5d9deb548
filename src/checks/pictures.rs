//! Pictures as readers and link previews get them: a header image narrower than the theme
//! shows it (stretched, blurry) or than large link previews want, and an image file whose bytes
//! are not the type its name says (`W-IMAGE-TOO-SMALL`, `W-IMAGE-TYPE-MISMATCH`).

use std::path::Path;

use imagesize::ImageType;

use super::Unit;
use crate::diag::{Code, Diagnostic, Position};
use crate::images::ImageSizes;
use crate::model::{Image, Site};
use crate::url::resolve_against;

/// How wide the default theme shows a header image at most, in CSS pixels: its `--wide`
/// measure, 68rem at the browsers' 16 px (`.story-image` in `themes/default/static/style.css`).
pub const THEME_HEADER_WIDTH: u32 = 1_088;

/// The width Google Discover and large link previews ask of a picture.
pub const PREVIEW_WIDTH: u32 = 1_200;

/// The picture findings of the text `unit` of `site`: the file types of the images in it and,
/// for a story, its header image's width and type. Series' header images are judged by
/// [`series_headers`].
pub(super) fn check_unit(site: &Site, unit: Unit, images: &ImageSizes, out: &mut Vec<Diagnostic>) {
    let (source, page_url, scan) = match unit {
        Unit::Story(i) => {
            let story = &site.stories[i];
            if let Some(image) = &story.image {
                header(&story.source, image, images, out);
            }
            (&story.source, &story.url, &story.body.scan)
        }
        Unit::Series(i) => {
            let series = &site.series[i];
            (&series.source, &series.url, &series.description.scan)
        }
        Unit::Rejected(i) => {
            let story = &site.rejected[i];
            (&story.source, &story.url, &story.body.scan)
        }
    };
    for image in &scan.images {
        let src = resolve_against(page_url, &image.src);
        let at = Position::new(image.line, image.column);
        file_type(source, &src, at, images, out);
    }
}

/// The picture findings of every series' header image, published or not.
pub(super) fn series_headers(site: &Site, images: &ImageSizes, out: &mut Vec<Diagnostic>) {
    for series in &site.series {
        if let Some(image) = &series.image {
            header(&series.source, image, images, out);
        }
    }
}

fn header(source: &Path, image: &Image, images: &ImageSizes, out: &mut Vec<Diagnostic>) {
    header_width(source, image, images, out);
    file_type(source, &image.src, image.position, images, out);
}

fn header_width(source: &Path, image: &Image, images: &ImageSizes, out: &mut Vec<Diagnostic>) {
    let Some((width, height)) = images.size(&image.src) else {
        return;
    };
    let wanted = THEME_HEADER_WIDTH.max(PREVIEW_WIDTH);
    if width >= wanted {
        return;
    }
    let message = if width < THEME_HEADER_WIDTH {
        format!(
            "the header image {} is {width}×{height} px, but the theme shows it up to {THEME_HEADER_WIDTH} px wide: readers see it stretched and blurry, and Google Discover and large link previews want {PREVIEW_WIDTH} px",
            image.src
        )
    } else {
        format!(
            "the header image {} is {width}×{height} px: wide enough for the page, but Google Discover and large link previews want {PREVIEW_WIDTH} px",
            image.src
        )
    };
    out.push(
        Diagnostic::new(Code::ImageTooSmall, source, message)
            .at_position(image.position)
            .with_hint(format!(
                "use a picture at least {wanted} px wide (a placeholder or thumbnail will not do)"
            )),
    );
}

/// An image type's name, for messages, and whether a type read from a file is it.
type Expected = (&'static str, fn(&ImageType) -> bool);

/// The image types a file name's extension says; None for an extension byline does not judge
/// (`.svg`, which is text, or no extension).
fn expected_type(src: &str) -> Option<Expected> {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "png" => ("PNG", |kind| matches!(kind, ImageType::Png)),
        "jpg" | "jpeg" | "jpe" => ("JPEG", |kind| matches!(kind, ImageType::Jpeg)),
        "gif" => ("GIF", |kind| matches!(kind, ImageType::Gif)),
        "webp" => ("WebP", |kind| matches!(kind, ImageType::Webp)),
        "avif" | "heic" | "heif" => ("AVIF/HEIF", |kind| matches!(kind, ImageType::Heif(_))),
        "bmp" => ("BMP", |kind| matches!(kind, ImageType::Bmp)),
        "ico" => ("ICO", |kind| matches!(kind, ImageType::Ico)),
        "tif" | "tiff" => ("TIFF", |kind| matches!(kind, ImageType::Tiff)),
        "jxl" => ("JPEG XL", |kind| matches!(kind, ImageType::Jxl)),
        _ => return None,
    })
}

/// The name of an image type, for messages.
fn type_name(kind: &ImageType) -> String {
    match kind {
        ImageType::Png => "PNG".into(),
        ImageType::Jpeg => "JPEG".into(),
        ImageType::Gif => "GIF".into(),
        ImageType::Webp => "WebP".into(),
        ImageType::Heif(_) => "AVIF/HEIF".into(),
        other => format!("{other:?}"),
    }
}

fn file_type(
    source: &Path,
    src: &str,
    at: Position,
    images: &ImageSizes,
    out: &mut Vec<Diagnostic>,
) {
    let Some((expected, matches)) = expected_type(src) else {
        return;
    };
    // Only files of the site are read; a missing one is reported by the link checks.
    let Some(found) = images.file_type(src) else {
        return;
    };
    let actually = match found {
        Some(kind) if matches(&kind) => return,
        Some(kind) => format!("a {} file", type_name(&kind)),
        None => "not an image byline recognises".to_string(),
    };
    out.push(
        Diagnostic::new(
            Code::ImageTypeMismatch,
            source,
            format!("{src} is named as a {expected} image, but it is {actually}"),
        )
        .at_position(at)
        .with_hint(
            "save the picture in the format its name says, or rename it: servers announce a file's type by its extension, and link previews and some readers refuse a picture whose type does not match",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_their_types() {
        let (name, matches) = expected_type("/images/a.JPG?v=1").unwrap();
        assert_eq!(name, "JPEG");
        assert!(matches(&ImageType::Jpeg) && !matches(&ImageType::Png));
        assert!(expected_type("/images/chart.svg").is_none());
        assert!(expected_type("/images/noextension").is_none());
        assert!(expected_type("/report.pdf").is_none());
    }
}
