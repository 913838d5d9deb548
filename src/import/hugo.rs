//! Hugo: every page under `content/` becomes a story. A top-level section is a series (its
//! `_index.md` gives the title and description), pages at the top stand alone, page bundles
//! stay bundles with their files, and the site's `static/` folder is copied. Front matter may
//! be YAML, TOML or JSON. Pages in deeper sections join their top-level section's series; their
//! old address stays an alias.

use std::path::{Path, PathBuf};

use super::fields::{Mapping, Value, entries};
use super::html_to_markdown::HtmlConverter;
use super::report::ImportReport;
use super::shortcodes::find_hugo;
use super::source::{
    as_bool, as_list, as_text, keep_rest, later, normalize_date, read_document, take, take_lists,
};
use super::story::{ImageOut, StoryOut};
use super::write::{SeriesIn, SiteWriter, SiteYaml};
use super::{ImportError, ImportOptions, site_zone};
use crate::url::slugify;

const CONFIG_FILES: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "config/_default/hugo.toml",
    "config/_default/config.toml",
    "config/_default/hugo.yaml",
    "config/_default/config.yaml",
];

const CONTENT_EXTENSIONS: &[&str] = &["md", "markdown", "html"];

/// Reads the site's configuration as a mapping (any of Hugo's formats).
fn read_config(site: &Path, report: &mut ImportReport) -> Mapping {
    for name in CONFIG_FILES {
        let path = site.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let wrapped = if name.ends_with(".toml") {
            format!("+++\n{text}\n+++\n")
        } else if name.ends_with(".json") {
            text.clone()
        } else {
            format!("---\n{text}\n---\n")
        };
        match read_document(&wrapped) {
            Ok(document) => return document.fields,
            Err(message) => {
                report.note(&format!(
                    "{name} could not be read ({message}): site.yaml has placeholders instead"
                ));
                return Mapping::new();
            }
        }
    }
    report.note("no Hugo configuration file was found: site.yaml has placeholders");
    Mapping::new()
}

/// A field of Hugo's configuration, whose keys Hugo reads in any case (`baseURL`, `baseurl`).
fn get<'a>(map: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| as_text(k).is_some_and(|k| k.eq_ignore_ascii_case(key)))
        .map(|(_, v)| v)
}

struct Context<'a> {
    site: &'a Path,
    content: PathBuf,
    permalinks: Mapping,
    converter: HtmlConverter,
    writer: &'a mut SiteWriter,
    report: &'a mut ImportReport,
}

pub fn import(
    site: &Path,
    _options: &ImportOptions,
    writer: &mut SiteWriter,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let content = site.join("content");
    if !content.is_dir() {
        return Err(ImportError::NotASite {
            path: site.to_path_buf(),
            message: "this is not a Hugo site: it has no content/ folder".to_string(),
            hint: "give the folder that holds the Hugo site's content/ and its hugo.toml (or config.toml)".to_string(),
        });
    }
    let config = read_config(site, report);
    let config_text = |key: &str| get(&config, key).and_then(as_text);
    let description = get(&config, "params")
        .and_then(entries)
        .and_then(|p| get(p, "description"))
        .and_then(as_text);
    writer.write_site_yaml(
        &SiteYaml {
            title: config_text("title"),
            base_url: config_text("baseURL"),
            language: config_text("languageCode").or_else(|| config_text("defaultContentLanguage")),
            description,
        },
        report,
    )?;
    let permalinks = get(&config, "permalinks")
        .and_then(entries)
        .map(|p| p.iter().cloned().collect())
        .unwrap_or_default();
    let static_dir = site.join("static");
    if static_dir.is_dir() {
        let copied = copy_tree(&static_dir, &writer.root().join("static"))?;
        if copied > 0 {
            report.note(&format!(
                "the Hugo site's static/ folder was copied into static/ ({copied} files)"
            ));
        }
    }
    let mut context = Context {
        site,
        content: content.clone(),
        permalinks,
        converter: HtmlConverter::new(),
        writer,
        report,
    };
    visit(&mut context, &content, &[])
}

/// Copies every file of `from` into `to`, keeping what is there. Returns how many it copied.
pub fn copy_tree(from: &Path, to: &Path) -> Result<usize, ImportError> {
    let mut copied = 0;
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(|e| ImportError::read(from, e))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(relative);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ImportError::write(parent, e))?;
        }
        std::fs::copy(entry.path(), &target).map_err(|e| ImportError::write(&target, e))?;
        copied += 1;
    }
    Ok(copied)
}

fn content_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CONTENT_EXTENSIONS.contains(&e))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| ImportError::read(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    Ok(entries)
}

fn visit(context: &mut Context, dir: &Path, sections: &[String]) -> Result<(), ImportError> {
    let entries = sorted_entries(dir)?;
    if !sections.is_empty()
        && let Some(index) = entries
            .iter()
            .find(|p| p.is_file() && stem(p) == "index" && content_file(p))
    {
        // A leaf bundle: one page and its files. Other Markdown files in it are Hugo page
        // resources, which byline does not publish: counted.
        for resource in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if resource.file_type().is_file()
                && resource.path() != index.as_path()
                && content_file(resource.path())
            {
                context.report.not_imported(
                    "Markdown files inside page bundles (Hugo page resources; copy their text where it belongs)",
                    1,
                    &relative(context, resource.path()),
                );
            }
        }
        let parent = &sections[..sections.len() - 1];
        return page(context, index, parent, Some(dir));
    }
    for path in &entries {
        if path.is_file() {
            if !content_file(path) {
                if !sections.is_empty() {
                    context.report.not_imported(
                        "files in content/ outside any page bundle (copy what a story needs into static/)",
                        1,
                        &relative(context, path),
                    );
                }
                continue;
            }
            if stem(path) == "_index" {
                if sections.is_empty() {
                    context.report.skip(
                        "home page texts (content/_index.md): byline's home page lists the latest stories; copy the text where you need it",
                        &relative(context, path),
                    );
                } else if sections.len() > 1 {
                    context.report.skip(
                        "sub-section pages (their pages joined the top-level section's series)",
                        &relative(context, path),
                    );
                }
                continue;
            }
            page(context, path, sections, None)?;
        }
    }
    for path in &entries {
        if path.is_dir() {
            let mut inner = sections.to_vec();
            inner.push(
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string(),
            );
            visit(context, path, &inner)?;
        }
    }
    Ok(())
}

fn relative(context: &Context, path: &Path) -> String {
    path.strip_prefix(context.site)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The series of a top-level section, from its `_index.md`.
fn series_of(context: &mut Context, section: &str) -> Result<String, ImportError> {
    let index_path = ["_index.md", "_index.markdown", "_index.html"]
        .iter()
        .map(|n| context.content.join(section).join(n))
        .find(|p| p.is_file());
    let label = format!("content/{section}/_index.md");
    let mut series = SeriesIn {
        title: title_case(section),
        old_url: Some(format!("/{}/", section.to_lowercase())),
        ..SeriesIn::default()
    };
    if let Some(path) = index_path {
        let text = std::fs::read_to_string(&path).map_err(|e| ImportError::read(&path, e))?;
        match read_document(&text) {
            Ok(mut document) => {
                if let Some(title) = take(&mut document.fields, "title")
                    .as_ref()
                    .and_then(as_text)
                {
                    series.title = title;
                }
                series.summary = take(&mut document.fields, "description")
                    .or_else(|| take(&mut document.fields, "summary"))
                    .as_ref()
                    .and_then(as_text);
                series.body = document.body;
                let mut extra = Mapping::new();
                keep_rest("hugo", document.fields, &mut extra, &label, context.report);
                series.extra = extra;
            }
            Err(message) => context.report.note(&format!(
                "{label}: {message}; the series is named after its folder"
            )),
        }
    }
    let report = &mut *context.report;
    context
        .writer
        .series_folder(section, move || series, report)
}

fn title_case(slug: &str) -> String {
    let words: Vec<String> = slug
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    words.join(" ")
}

/// Hugo's `permalinks` pattern for a section, applied.
fn permalink(
    pattern: &str,
    section: &str,
    slug: &str,
    title: &str,
    file: &str,
    date: Option<&str>,
) -> String {
    let day = date.map(|d| d.get(..10).unwrap_or(d)).unwrap_or("");
    let part = |i: std::ops::Range<usize>| day.get(i).unwrap_or("").to_string();
    let mut url = pattern.to_string();
    for (token, value) in [
        (":year", part(0..4)),
        (":month", part(5..7)),
        (":day", part(8..10)),
        (":slugorfilename", slug.to_string()),
        (":slugorcontentbasename", slug.to_string()),
        (":slug", slug.to_string()),
        (":contentbasename", file.to_string()),
        (":filename", file.to_string()),
        (":title", slugify(title)),
        (":sections", section.to_string()),
        (":section", section.to_string()),
    ] {
        url = url.replace(token, &value);
    }
    if !url.starts_with('/') {
        url.insert(0, '/');
    }
    url
}

fn page(
    context: &mut Context,
    path: &Path,
    sections: &[String],
    bundle: Option<&Path>,
) -> Result<(), ImportError> {
    let label = relative(context, path);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            context.report.skip(
                "files that could not be read",
                &format!("{label} ({error})"),
            );
            return Ok(());
        }
    };
    let mut document = match read_document(&text) {
        Ok(document) => document,
        Err(message) => {
            context.report.skip(
                "pages whose front matter could not be read (fix it and import again)",
                &format!("{label}: {message}"),
            );
            return Ok(());
        }
    };
    let fields = &mut document.fields;
    let file_name = match bundle {
        Some(dir) => dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string(),
        None => stem(path),
    };
    let title = take(fields, "title").as_ref().and_then(as_text);
    let report = &mut *context.report;
    let date_text = take(fields, "date").as_ref().and_then(as_text);
    let publish_text = take(fields, "publishDate")
        .or_else(|| take(fields, "publishdate"))
        .as_ref()
        .and_then(as_text);
    let mut date = date_text.as_deref().and_then(|d| normalize_date(d, report));
    let publish_at = publish_text
        .as_deref()
        .and_then(|d| normalize_date(d, report));
    if date.is_none() {
        date = publish_at.clone();
    }
    if date.is_none()
        && let Some(original) = date_text
    {
        report.note("dates byline could not read were kept under extra: hugo.date");
        fields.insert("date", Value::Text(original));
    }
    let updated = take(fields, "lastmod")
        .as_ref()
        .and_then(as_text)
        .and_then(|d| normalize_date(&d, report))
        .filter(|u| date.as_deref().is_some_and(|d| later(u, d)));
    let draft = take(fields, "draft")
        .as_ref()
        .and_then(as_bool)
        .unwrap_or(false);
    let slug = take(fields, "slug").as_ref().and_then(as_text);
    let url = take(fields, "url").as_ref().and_then(as_text);
    let mut aliases: Vec<String> = take(fields, "aliases")
        .map(|a| as_list(&a, false))
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            if a.starts_with('/') {
                a
            } else {
                format!("/{a}")
            }
        })
        .collect();
    let reporters = take_lists(fields, &["authors", "author"], false);
    let topics = take_lists(fields, &["tags", "categories"], false);
    let summary = take(fields, "description")
        .or_else(|| take(fields, "summary"))
        .as_ref()
        .and_then(as_text);
    let mut images = take(fields, "images")
        .map(|i| as_list(&i, false))
        .unwrap_or_default();
    for key in ["image", "featured_image", "featureImage", "cover"] {
        if images.is_empty() {
            match take(fields, key).map(Mapping::from_value) {
                Some(Ok(map)) => {
                    images.extend(get(&map, "image").and_then(as_text));
                    if !map.is_empty() && images.is_empty() {
                        fields.insert(key, map.into_value());
                    }
                }
                Some(Err(other)) => images.extend(as_text(&other)),
                None => {}
            }
        }
    }
    let image = images.first().map(|src| ImageOut {
        src: src.clone(),
        ..ImageOut::default()
    });
    if images.len() > 1 {
        fields.insert(
            "images",
            Value::List(images[1..].iter().cloned().map(Value::Text).collect()),
        );
    }

    // The body: Markdown as it is (shortcodes reported), HTML converted.
    let is_html = path.extension().is_some_and(|e| e == "html");
    let body = if is_html {
        let converted = context.converter.convert(&document.body, &mut |_| None);
        for (tag, n) in &converted.raw_html {
            report.raw_html(tag, *n, &label);
        }
        converted.markdown
    } else {
        document.body.clone()
    };
    for name in find_hugo(&body) {
        report.shortcode(&format!("{{{{< {name} >}}}}"), &label);
    }

    let mut extra = Mapping::new();
    keep_rest("hugo", std::mem::take(fields), &mut extra, &label, report);

    // Where it goes, and where it was.
    let section = sections.first().cloned();
    let series = match &section {
        Some(section) => Some(series_of(context, section)?),
        None => None,
    };
    let report = &mut *context.report;
    let new_slug = slug.clone().unwrap_or_else(|| file_name.clone());
    let old_url = match (&url, &section) {
        (Some(url), _) => Some(if url.starts_with('/') {
            url.clone()
        } else {
            format!("/{url}")
        }),
        (None, Some(section)) => match get(&context.permalinks, section).and_then(as_text) {
            Some(pattern) => Some(permalink(
                &pattern,
                section,
                &new_slug,
                title.as_deref().unwrap_or(""),
                &file_name,
                date.as_deref(),
            )),
            None => Some(format!("/{}/{}/", sections.join("/"), new_slug)),
        },
        (None, None) => Some(format!("/{new_slug}/")),
    }
    .map(|u| u.to_lowercase());
    let planned = context
        .writer
        .write_story_planned(series.as_deref(), &new_slug);
    if let Some(old) = old_url
        && old != planned
    {
        aliases.insert(0, old);
    }
    aliases.retain(|a| a != &planned);
    report.aliases += aliases.len();
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
        publish_at,
        aliases,
        extra,
        body,
    };
    context
        .writer
        .write_story(series.as_deref(), &new_slug, &story, bundle)?;
    if draft {
        report.drafts += 1;
    }
    if story
        .publish_at
        .as_deref()
        .and_then(|p| crate::dates::StoryDate::parse(p, &site_zone()).ok())
        .is_some_and(|p| p.instant > jiff::Timestamp::now())
    {
        report.scheduled += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalink_patterns_are_applied() {
        assert_eq!(
            permalink(
                "/:year/:month/:slug/",
                "posts",
                "the-deal",
                "The Deal",
                "deal",
                Some("2020-01-02T10:00:00Z")
            ),
            "/2020/01/the-deal/"
        );
        assert_eq!(
            permalink(":section/:title/", "news", "x", "Big News!", "x", None),
            "/news/big-news/"
        );
    }
}
