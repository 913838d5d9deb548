//! Answering a request from the in-memory preview: a page rendered on the spot from the model
//! (with the preview's banner, error overlay and live-reload script), a static file, a redirect
//! to the folder address, or the site's 404 page. Only pages and files the built site would have
//! are ever served: nothing is looked up on disk by the requested path.

use std::path::Path;

use minijinja::Value;

use super::overlay::{self, Banner, Shown};
use super::preview::{Model, Preview};
use super::reload::{self, Versions};
use crate::dates::DateStyle;
use crate::diag::Diagnostic;
use crate::model::Story;
use crate::pipeline::StaticSource;
use crate::routes::Page;
use crate::safe_read::open_regular;
use crate::settings::Settings;

/// What to send back.
#[derive(Debug)]
pub enum Reply {
    Html {
        status: u16,
        html: String,
    },
    File {
        content_type: String,
        bytes: Vec<u8>,
    },
    /// To the same address with a slash at the end (relative, so proxies keep their prefix),
    /// or to the site under its base path.
    Redirect(String),
    /// The live-reload event stream (asked for under the site's base path).
    Events,
}

impl Preview {
    /// The reply to a GET of `path`: decoded, starting with `/`, without `.` or `..` segments.
    /// The site is served under the path of its `base_url` (`/site/` for
    /// `https://newsroom.github.io/site/`), as its host will serve it.
    pub fn respond(&self, path: &str, versions: &Versions) -> Reply {
        let base = self.base_path();
        let (path, outside) = match path.strip_prefix(base.as_str()) {
            _ if base.is_empty() => (path, false),
            Some("") => return Reply::Redirect(format!("{base}/")),
            Some(inside) if inside.starts_with('/') => (inside, false),
            // Outside the site's path: the site is elsewhere.
            _ if path == "/" => return Reply::Redirect(format!("{base}/")),
            _ => ("/", true),
        };
        if path == reload::EVENTS_PATH {
            return Reply::Events;
        }
        let script = reload::script(&reload::events_address(path), &versions.token(self.version));
        let listed = self.findings();
        let findings: Vec<&Diagnostic> = listed.iter().collect();
        let shown = Shown {
            findings: &findings,
            held: self.is_held(),
            script: &script,
        };
        let Some(model) = &self.model else {
            return Reply::Html {
                status: 500,
                html: overlay::error_page(
                    "The site has errors, so there is nothing to show yet.",
                    &shown,
                ),
            };
        };
        let settings = self.settings();
        if outside {
            return render(model, settings, Page::NotFound, 404, &shown);
        }
        let output = output_key(path);
        if let Some(page) = model.page_at(&output) {
            return render(model, settings, page, 200, &shown);
        }
        if let Some(source) = model.files.get(&output)
            && let Some(bytes) = read_file(model, &self.root, source)
        {
            return Reply::File {
                content_type: content_type(&output),
                bytes,
            };
        }
        if model.page_at(&format!("{output}/index.html")).is_some() {
            let last = output.rsplit('/').next().unwrap_or(&output);
            return Reply::Redirect(format!("{last}/"));
        }
        render(model, settings, Page::NotFound, 404, &shown)
    }
}

/// The output path a request path names: `/a/b/` is `a/b/index.html`.
fn output_key(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

fn render(model: &Model, settings: &Settings, page: Page, status: u16, shown: &Shown) -> Reply {
    let banners = match page {
        Page::Story(index) => banners(
            &model.site.stories[index],
            model.bodies.date_style(),
            settings,
        ),
        _ => Vec::new(),
    };
    let fragment = overlay::fragment(&banners, shown);
    let view = model.view();
    match view.render_with(
        &model.templates,
        page,
        Value::from_safe_string(fragment.clone()),
    ) {
        Ok(file) => Reply::Html {
            status,
            html: overlay::ensure_in_page(file.contents, &fragment),
        },
        Err(problem) => {
            let mut all = shown.findings.to_vec();
            all.push(&problem);
            let shown = Shown {
                findings: &all,
                ..*shown
            };
            Reply::Html {
                status: 500,
                html: overlay::error_page("This page could not be rendered.", &shown),
            }
        }
    }
}

/// The banners of a story that is not public: a draft, or embargoed until a time to come.
fn banners(story: &Story, format: &DateStyle, settings: &Settings) -> Vec<Banner> {
    let mut banners = Vec::new();
    if story.draft {
        banners.push(Banner::Draft);
    }
    if let Some(publish_at) = &story.publish_at
        && publish_at.instant > settings.now
    {
        let time = publish_at
            .instant
            .to_zoned_datetime(jiff::tz::TimeZone::fixed(publish_at.offset))
            .strftime(" %H:%M (UTC%:z)")
            .to_string();
        banners.push(Banner::Embargoed(format!(
            "{}{time}",
            publish_at.display(format)
        )));
    }
    banners
}

/// The bytes of a static file. A file of the site folder is read only when it is still a
/// regular file inside the site (not a symbolic link put there since it was listed).
fn read_file(model: &Model, root: &Path, source: &StaticSource) -> Option<Vec<u8>> {
    match source {
        StaticSource::Theme(name) => model.theme.static_file(name).map(|f| f.contents.clone()),
        StaticSource::File(path) | StaticSource::Bundle { path, .. } => {
            if !path.canonicalize().ok()?.starts_with(root) {
                return None;
            }
            // Opened only as a regular file, never through a link or a named pipe put there
            // since the folder was listed.
            let (mut file, meta) = open_regular(path).ok()?;
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            std::io::Read::read_to_end(&mut file, &mut bytes).ok()?;
            Some(bytes)
        }
        // Made (or found) in the same cache as `byline build` uses, so a copy made here is not
        // made again by the next build.
        StaticSource::Resized {
            image,
            original,
            variant,
        } => {
            read_file(model, root, original)?;
            let cache = crate::images::cache::ImageCache::new(root);
            let made = crate::pipeline::made_copies(
                root,
                &model.images,
                &cache,
                image,
                original,
                &[*variant],
            );
            std::fs::read(made.ok()?.first()?).ok()
        }
    }
}

/// The Content-Type of a file, by its extension; text gets `charset=utf-8`.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = mime.essence_str();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            essence,
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        );
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_name_output_files() {
        assert_eq!(output_key("/"), "index.html");
        assert_eq!(output_key("/a/b/"), "a/b/index.html");
        assert_eq!(output_key("/style.css"), "style.css");
        assert_eq!(output_key("/a/b"), "a/b");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("images/zug.png"), "image/png");
        assert_eq!(content_type("doc.pdf"), "application/pdf");
        assert_eq!(content_type("data.bin"), "application/octet-stream");
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
    }
}
