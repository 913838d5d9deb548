//! Jekyll: `_posts/YYYY-MM-DD-slug.md` become stories (the date from the file name when the
//! front matter has none), `_drafts/` become drafts. Categories become series or topics (as
//! `--categories` says), tags topics, `author` the reporter; the old address (from
//! `permalink`, the post's or `_config.yml`'s style) stays an alias. Liquid's
//! `{% highlight %}` becomes a fenced code block; other Liquid tags are kept and reported.
//! Static folders (`assets/`, `images/`, ...) are copied into `static/`.

use std::path::{Path, PathBuf};

use super::fields::{Mapping, Value};
use super::html_to_markdown::HtmlConverter;
use super::hugo::copy_tree;
use super::report::ImportReport;
use super::shortcodes::convert_liquid;
use super::source::{
    as_bool, as_text, keep_rest, later, normalize_date, read_document, take, take_lists,
};
use super::story::{ImageOut, StoryOut};
use super::write::{SeriesIn, SiteWriter, SiteYaml};
use super::{Categories, ImportError, ImportOptions, site_zone};
use crate::url::slugify;

/// Top-level folders of a Jekyll site that hold files served as they are.
const STATIC_FOLDERS: &[&str] = &[
    "assets",
    "images",
    "img",
    "uploads",
    "files",
    "media",
    "downloads",
];

fn get<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.get(key)
}

/// `2019-03-14-the-slug` -> (`2019-03-14`, `the-slug`).
fn split_post_name(stem: &str) -> Option<(String, String)> {
    let date = stem.get(..10)?;
    let rest = stem.get(10..)?.strip_prefix('-')?;
    crate::dates::StoryDate::parse(date, &site_zone()).ok()?;
    Some((date.to_string(), rest.to_string()))
}

/// The old address from a permalink style or pattern.
fn old_address(
    pattern: &str,
    categories: &[String],
    date: Option<&str>,
    slug: &str,
    title: &str,
) -> String {
    let pattern = match pattern {
        "date" | "" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        other => other,
    };
    let day = date.map(|d| d.get(..10).unwrap_or(d)).unwrap_or("");
    let part = |r: std::ops::Range<usize>| day.get(r).unwrap_or("").to_string();
    let categories = categories
        .iter()
        .map(|c| c.to_lowercase().replace(' ', "%20"))
        .collect::<Vec<_>>()
        .join("/");
    let mut url = pattern.to_string();
    for (token, value) in [
        (":categories", categories),
        (":year", part(0..4)),
        (":month", part(5..7)),
        (":i_month", part(5..7).trim_start_matches('0').to_string()),
        (":day", part(8..10)),
        (":i_day", part(8..10).trim_start_matches('0').to_string()),
        (":title", slug.to_string()),
        (":slug", slugify(slug)),
        (":output_ext", ".html".to_string()),
        (":name", slugify(title)),
    ] {
        url = url.replace(token, &value);
    }
    let mut cleaned = String::with_capacity(url.len() + 1);
    for c in url.chars() {
        if c == '/' && cleaned.ends_with('/') {
            continue;
        }
        cleaned.push(c);
    }
    if !cleaned.starts_with('/') {
        cleaned.insert(0, '/');
    }
    cleaned
}

struct Context<'a> {
    site: &'a Path,
    config: Mapping,
    categories_as: Categories,
    converter: HtmlConverter,
    writer: &'a mut SiteWriter,
    report: &'a mut ImportReport,
}

pub fn import(
    site: &Path,
    options: &ImportOptions,
    writer: &mut SiteWriter,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let posts = site.join("_posts");
    let drafts = site.join("_drafts");
    if !posts.is_dir() && !drafts.is_dir() {
        return Err(ImportError::NotASite {
            path: site.to_path_buf(),
            message: "this is not a Jekyll site: it has neither _posts/ nor _drafts/".to_string(),
            hint: "give the folder that holds the Jekyll site's _config.yml and _posts/"
                .to_string(),
        });
    }
    let config = match std::fs::read_to_string(site.join("_config.yml")) {
        Ok(text) => {
            match read_document(&format!("---\n{text}\n---\n")) {
                Ok(document) => document.fields,
                Err(message) => {
                    report.note(&format!("_config.yml could not be read ({message}): site.yaml has placeholders instead"));
                    Mapping::new()
                }
            }
        }
        Err(_) => {
            report.note("the site has no _config.yml: site.yaml has placeholders");
            Mapping::new()
        }
    };
    let text = |key: &str| get(&config, key).and_then(as_text);
    let base_url = text("url").map(|url| {
        format!(
            "{}{}",
            url.trim_end_matches('/'),
            text("baseurl").unwrap_or_default().trim_end_matches('/')
        )
    });
    writer.write_site_yaml(
        &SiteYaml {
            title: text("title"),
            base_url,
            language: text("lang").or_else(|| text("locale")),
            description: text("description"),
        },
        report,
    )?;
    for folder in STATIC_FOLDERS {
        let from = site.join(folder);
        if from.is_dir() {
            let copied = copy_tree(&from, &writer.root().join("static").join(folder))?;
            if copied > 0 {
                report.note(&format!("the Jekyll site's {folder}/ folder was copied into static/{folder}/ ({copied} files)"));
            }
        }
    }
    let mut context = Context {
        site,
        config,
        categories_as: options.categories,
        converter: HtmlConverter::new(),
        writer,
        report,
    };
    for (folder, is_draft) in [(posts, false), (drafts, true)] {
        if !folder.is_dir() {
            continue;
        }
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&folder)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for path in files {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "md" | "markdown" | "mkd" | "html") {
                context.report.not_imported(
                    "files in _posts/ or _drafts/ that are not posts",
                    1,
                    &relative(site, &path),
                );
                continue;
            }
            post(&mut context, &path, is_draft)?;
        }
    }
    Ok(())
}

fn relative(site: &Path, path: &Path) -> String {
    path.strip_prefix(site)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn post(context: &mut Context, path: &Path, is_draft: bool) -> Result<(), ImportError> {
    let label = relative(context.site, path);
    let report = &mut *context.report;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            report.skip(
                "files that could not be read",
                &format!("{label} ({error})"),
            );
            return Ok(());
        }
    };
    let mut document = match read_document(&text) {
        Ok(document) => document,
        Err(message) => {
            report.skip(
                "posts whose front matter could not be read (fix it and import again)",
                &format!("{label}: {message}"),
            );
            return Ok(());
        }
    };
    let fields = &mut document.fields;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let (name_date, name_slug) = match split_post_name(&stem) {
        Some((date, slug)) => (Some(date), slug),
        None => (None, stem.clone()),
    };
    let title = take(fields, "title")
        .as_ref()
        .and_then(as_text)
        .or_else(|| {
            Some(
                name_slug
                    .split('-')
                    .filter(|w| !w.is_empty())
                    .enumerate()
                    .map(|(i, w)| {
                        if i == 0 {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        } else {
                            w.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        });
    let date_text = take(fields, "date").as_ref().and_then(as_text);
    let mut date = date_text
        .as_deref()
        .and_then(|d| normalize_date(d, report))
        .or(name_date);
    if date.is_none() {
        if let Some(original) = date_text {
            fields.insert("date", Value::Text(original));
        }
        if is_draft {
            // A draft has no date in its name: the day its file was last changed.
            date = std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| jiff::Timestamp::try_from(t).ok())
                .map(|t| t.to_zoned_datetime(site_zone()).date().to_string());
            report.note("drafts without a date got the day their file was last changed");
        }
    }
    let updated = take(fields, "last_modified_at")
        .or_else(|| take(fields, "updated"))
        .as_ref()
        .and_then(as_text)
        .and_then(|d| normalize_date(&d, report))
        .filter(|u| date.as_deref().is_some_and(|d| later(u, d)));
    let published = take(fields, "published")
        .as_ref()
        .and_then(as_bool)
        .unwrap_or(true);
    let draft = is_draft || !published;
    let slug = take(fields, "slug")
        .as_ref()
        .and_then(as_text)
        .unwrap_or(name_slug);
    let permalink = take(fields, "permalink").as_ref().and_then(as_text);
    let mut categories = take_lists(fields, &["categories", "category"], true);
    let old_categories = categories.clone();
    let mut topics = take_lists(fields, &["tags", "tag"], true);
    let reporters = take_lists(fields, &["author", "authors"], false);
    let summary = take(fields, "excerpt")
        .or_else(|| take(fields, "description"))
        .or_else(|| take(fields, "summary"))
        .as_ref()
        .and_then(as_text);
    let image = match take(fields, "image").map(Mapping::from_value) {
        Some(Ok(map)) => {
            let src = ["path", "feature", "src", "url"]
                .iter()
                .find_map(|k| get(&map, k).and_then(as_text));
            src.map(|src| ImageOut {
                src,
                alt: get(&map, "alt").and_then(as_text),
                caption: get(&map, "caption").and_then(as_text),
                credit: get(&map, "credit").and_then(as_text),
            })
        }
        Some(Err(other)) => as_text(&other).map(|src| ImageOut {
            src,
            ..ImageOut::default()
        }),
        None => None,
    };
    if take(fields, "layout").is_some() {
        report.note("`layout:` was left out (byline's theme decides how stories look)");
    }

    let is_html = path.extension().is_some_and(|e| e == "html");
    let (body, kept) = convert_liquid(&document.body);
    let (body, kept) = (body.into_owned(), kept);
    for tag in kept {
        report.shortcode(&tag, &label);
    }
    let body = if is_html {
        let converted = context.converter.convert(&body, &mut |_| None);
        for (tag, n) in &converted.raw_html {
            report.raw_html(tag, *n, &label);
        }
        converted.markdown
    } else {
        body
    };

    let mut extra = Mapping::new();
    keep_rest("jekyll", std::mem::take(fields), &mut extra, &label, report);

    // Where it goes.
    let series_name = match context.categories_as {
        Categories::Series if !categories.is_empty() => Some(categories.remove(0)),
        _ => None,
    };
    topics.splice(0..0, categories);
    let series = match &series_name {
        Some(name) => {
            let series = SeriesIn {
                title: name.clone(),
                ..SeriesIn::default()
            };
            Some(
                context
                    .writer
                    .series_folder(&slugify(name), move || series, report)?,
            )
        }
        None => None,
    };
    let style = permalink
        .clone()
        .or_else(|| get(&context.config, "permalink").and_then(as_text))
        .unwrap_or_default();
    let old = if permalink.is_some() {
        let mut p = style.clone();
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        if p.contains(':') {
            old_address(
                &p,
                &old_categories,
                date.as_deref(),
                &slug,
                title.as_deref().unwrap_or(""),
            )
        } else {
            p
        }
    } else {
        old_address(
            &style,
            &old_categories,
            date.as_deref(),
            &slug,
            title.as_deref().unwrap_or(""),
        )
    };
    let planned = context.writer.write_story_planned(series.as_deref(), &slug);
    let mut aliases = Vec::new();
    if !is_draft && old != planned {
        aliases.push(old);
        report.aliases += 1;
    }
    let story = StoryOut {
        title,
        date,
        reporters,
        needs_funder: series.is_none(),
        image,
        summary,
        topics,
        slug: None,
        updated,
        draft,
        publish_at: None,
        aliases,
        extra,
        body,
    };
    context
        .writer
        .write_story(series.as_deref(), &slug, &story, None)?;
    if draft {
        report.drafts += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_names_give_date_and_slug() {
        assert_eq!(
            split_post_name("2019-03-14-the-deal"),
            Some(("2019-03-14".to_string(), "the-deal".to_string()))
        );
        assert_eq!(split_post_name("about"), None);
        assert_eq!(split_post_name("2019-02-31-x"), None);
    }

    #[test]
    fn permalink_styles_give_old_addresses() {
        let cats = vec!["News".to_string(), "Local".to_string()];
        assert_eq!(
            old_address("", &cats, Some("2019-03-14"), "the-deal", "The deal"),
            "/news/local/2019/03/14/the-deal.html"
        );
        assert_eq!(
            old_address("pretty", &[], Some("2019-03-14"), "the-deal", "The deal"),
            "/2019/03/14/the-deal/"
        );
        assert_eq!(
            old_address("/blog/:year/:title/", &[], Some("2019-03-14"), "x", "X"),
            "/blog/2019/x/"
        );
    }
}
