//! WordPress: reads a WXR export ("Tools -> Export") with quick-xml, streaming, in two passes.
//! The first keeps only what later posts refer to (authors, categories and the media library:
//! a few hundred bytes per attachment); the second maps each `<item>` to a story and writes it
//! before reading the next, so a 500 MB export never needs 500 MB of memory.
//!
//! Namespaces are matched by their prefixes' local names (`wp:post_id`, `content:encoded`,
//! `excerpt:encoded`, `dc:creator`), not their URIs, which changed between WXR 1.0, 1.1 and 1.2.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::fields::{Mapping, Value, text};
use super::html_to_markdown::{HtmlConverter, autop};
use super::report::ImportReport;
use super::shortcodes::find_wordpress;
use super::story::{ImageOut, StoryOut};
use super::write::{SeriesIn, SiteWriter, SiteYaml};
use super::{Categories, ImportError, ImportOptions};
use crate::url::slugify;
use quick_xml::Reader;
use quick_xml::events::Event;

/// One `<wp:category>` of the channel.
#[derive(Debug, Clone, Default)]
struct CategoryInfo {
    name: String,
    description: String,
}

/// One attachment of the media library.
#[derive(Debug, Clone, Default)]
struct Attachment {
    url: String,
    alt: String,
    caption: String,
}

/// What the channel says before its items, and the media library.
#[derive(Debug, Default)]
struct Index {
    title: String,
    link: String,
    description: String,
    language: String,
    base_site_url: String,
    base_blog_url: String,
    wxr_version: String,
    authors: HashMap<String, String>,
    categories: HashMap<String, CategoryInfo>,
    category_ids: HashMap<String, String>,
    attachments: HashMap<u64, Attachment>,
    items: usize,
}

/// One `<item>` as written.
#[derive(Debug, Default)]
struct Item {
    title: String,
    link: String,
    creator: String,
    content: String,
    excerpt: String,
    post_id: u64,
    post_date: String,
    post_date_gmt: String,
    post_modified: String,
    post_modified_gmt: String,
    post_name: String,
    status: String,
    post_type: String,
    password: String,
    sticky: bool,
    attachment_url: String,
    /// (domain, nicename, name)
    categories: Vec<(String, String, String)>,
    meta: Vec<(String, String)>,
    comments: usize,
}

/// Where the streaming parser is.
#[derive(Default)]
struct Cursor {
    /// Qualified names of the open elements.
    stack: Vec<String>,
    text: String,
    item: Option<Item>,
    meta_key: String,
    author: (String, String),
    category: (String, String, String, String, String),
    item_category: (String, String),
}

fn line_and_column(path: &Path, offset: u64) -> (usize, usize) {
    let Ok(file) = File::open(path) else {
        return (0, 0);
    };
    let mut reader = BufReader::new(file);
    let (mut line, mut column, mut read) = (1, 1, 0u64);
    let mut buf = Vec::new();
    while read < offset {
        buf.clear();
        let Ok(n) = reader.read_until(b'\n', &mut buf) else {
            break;
        };
        if n == 0 {
            break;
        }
        if read + n as u64 > offset {
            column = String::from_utf8_lossy(&buf[..(offset - read) as usize])
                .chars()
                .count()
                + 1;
            break;
        }
        read += n as u64;
        line += 1;
    }
    (line, column)
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn prefix(name: &str) -> &str {
    name.split_once(':').map_or("", |(p, _)| p)
}

fn resolve_entity(name: &str) -> Option<String> {
    Some(
        match name {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            _ => {
                let number = name.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                return char::from_u32(code).map(String::from);
            }
        }
        .to_string(),
    )
}

/// Streams the export, calling `on_item` for each complete item. `keep_bodies` false skips
/// collecting the post texts (the first pass needs only the media library).
fn stream(
    path: &Path,
    index: &mut Index,
    keep_bodies: bool,
    on_item: &mut dyn FnMut(&Index, Item) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let file = File::open(path).map_err(|e| ImportError::read(path, e))?;
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, file));
    reader.config_mut().expand_empty_elements = true;
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut cursor = Cursor::default();
    let mut saw_rss = false;
    let malformed = |reader: &Reader<BufReader<File>>, message: String| {
        let (line, column) = line_and_column(path, reader.error_position());
        ImportError::Malformed {
            path: path.to_path_buf(),
            line,
            column,
            message,
            hint: "the export may be cut short or damaged: export it again from WordPress (Tools -> Export -> All content)".to_string(),
        }
    };
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(error) => {
                return Err(malformed(
                    &reader,
                    format!("this is not well-formed XML: {error}"),
                ));
            }
        };
        match event {
            Event::Start(start) => {
                let name = start.name().as_ref().to_string();
                if cursor.stack.is_empty() {
                    if local(&name) != "rss" {
                        return Err(ImportError::NotASite {
                            path: path.to_path_buf(),
                            message: format!(
                                "this is not a WordPress export: its first element is <{name}>, not <rss>"
                            ),
                            hint: "export the site from WordPress with Tools -> Export -> All content, and give the .xml file it downloads".to_string(),
                        });
                    }
                    saw_rss = true;
                }
                let in_item = cursor.item.is_some();
                match local(&name) {
                    "item" if cursor.stack.len() == 2 => cursor.item = Some(Item::default()),
                    "category" if in_item && cursor.stack.len() == 3 => {
                        let mut domain = String::new();
                        let mut nicename = String::new();
                        for attribute in start.attributes().flatten() {
                            let value = attribute
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            match attribute.key.local_name().as_ref() {
                                "domain" => domain = value,
                                "nicename" => nicename = value,
                                _ => {}
                            }
                        }
                        cursor.item_category = (domain, nicename);
                    }
                    "comment" if in_item && prefix(&name) == "wp" && cursor.stack.len() == 3 => {
                        if let Some(item) = &mut cursor.item {
                            item.comments += 1;
                        }
                    }
                    _ => {}
                }
                cursor.stack.push(name);
                cursor.text.clear();
            }
            Event::Text(text) if keep_bodies || !in_body(&cursor) => {
                cursor.text.push_str(&text.xml10_content());
            }
            Event::CData(data) if keep_bodies || !in_body(&cursor) => {
                cursor.text.push_str(&data.into_inner());
            }
            Event::GeneralRef(reference) => {
                let name = reference.as_ref().to_string();
                match resolve_entity(&name) {
                    Some(text) => cursor.text.push_str(&text),
                    None => {
                        cursor.text.push('&');
                        cursor.text.push_str(&name);
                        cursor.text.push(';');
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = cursor.stack.pop() else {
                    continue;
                };
                let text = std::mem::take(&mut cursor.text);
                end_element(&mut cursor, index, &name, text);
                if local(&name) == "item"
                    && cursor.stack.len() == 2
                    && let Some(item) = cursor.item.take()
                {
                    index.items += 1;
                    on_item(index, item)?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_rss || index.wxr_version.is_empty() {
        return Err(ImportError::NotASite {
            path: path.to_path_buf(),
            message: "this is not a WordPress export (WXR) file: it has no <wp:wxr_version>".to_string(),
            hint: "export the site from WordPress with Tools -> Export -> All content, and give the .xml file it downloads".to_string(),
        });
    }
    if !cursor.stack.is_empty() {
        let (line, column) = line_and_column(path, reader.buffer_position());
        return Err(ImportError::Malformed {
            path: path.to_path_buf(),
            line,
            column,
            message: format!(
                "the export ends before <{}> is closed",
                cursor.stack.last().map(String::as_str).unwrap_or("")
            ),
            hint: "the file was cut short: export it again from WordPress (Tools -> Export)"
                .to_string(),
        });
    }
    Ok(())
}

fn in_body(cursor: &Cursor) -> bool {
    cursor.item.is_some()
        && cursor
            .stack
            .last()
            .is_some_and(|name| name == "content:encoded")
}

fn end_element(cursor: &mut Cursor, index: &mut Index, name: &str, text: String) {
    let depth = cursor.stack.len();
    let parent = cursor
        .stack
        .last()
        .map(|p| local(p).to_string())
        .unwrap_or_default();
    if let Some(item) = &mut cursor.item {
        if depth == 3 {
            match (prefix(name), local(name)) {
                (_, "title") => item.title = text,
                ("", "link") => item.link = text,
                (_, "creator") => item.creator = text,
                ("excerpt", "encoded") => item.excerpt = text,
                (_, "encoded") => item.content = text,
                (_, "post_id") => item.post_id = text.trim().parse().unwrap_or(0),
                (_, "post_date") => item.post_date = text,
                (_, "post_date_gmt") => item.post_date_gmt = text,
                (_, "post_modified") => item.post_modified = text,
                (_, "post_modified_gmt") => item.post_modified_gmt = text,
                (_, "post_name") => item.post_name = text,
                (_, "status") => item.status = text.trim().to_string(),
                (_, "post_type") => item.post_type = text.trim().to_string(),
                (_, "post_password") => item.password = text,
                (_, "is_sticky") => item.sticky = text.trim() == "1",
                (_, "attachment_url") => item.attachment_url = text.trim().to_string(),
                ("", "category") => {
                    let (domain, nicename) = std::mem::take(&mut cursor.item_category);
                    item.categories.push((domain, nicename, text));
                }
                _ => {}
            }
        } else if depth == 4 && parent == "postmeta" {
            match local(name) {
                "meta_key" => cursor.meta_key = text,
                "meta_value" => item.meta.push((std::mem::take(&mut cursor.meta_key), text)),
                _ => {}
            }
        }
        return;
    }
    if depth == 2 {
        match (prefix(name), local(name)) {
            ("", "title") => index.title = text,
            ("", "link") => index.link = text.trim().to_string(),
            ("", "description") => index.description = text,
            ("", "language") => index.language = text.trim().to_string(),
            (_, "base_site_url") => index.base_site_url = text.trim().to_string(),
            (_, "base_blog_url") => index.base_blog_url = text.trim().to_string(),
            (_, "wxr_version") => index.wxr_version = text.trim().to_string(),
            (_, "author") => {
                let (login, display) = std::mem::take(&mut cursor.author);
                if !login.trim().is_empty() {
                    let display = if display.trim().is_empty() {
                        login.clone()
                    } else {
                        display
                    };
                    index
                        .authors
                        .insert(login.trim().to_string(), display.trim().to_string());
                }
            }
            (_, "category") => {
                let (id, nicename, _parent, name, description) =
                    std::mem::take(&mut cursor.category);
                if !nicename.is_empty() {
                    index
                        .category_ids
                        .insert(id.trim().to_string(), nicename.clone());
                    index
                        .categories
                        .insert(nicename, CategoryInfo { name, description });
                }
            }
            _ => {}
        }
    } else if depth == 3 {
        match (parent.as_str(), local(name)) {
            ("author", "author_login") => cursor.author.0 = text,
            ("author", "author_display_name") => cursor.author.1 = text,
            ("category", "term_id") => cursor.category.0 = text,
            ("category", "category_nicename") => cursor.category.1 = decode_percent(text.trim()),
            ("category", "category_parent") => cursor.category.2 = text,
            ("category", "cat_name") => cursor.category.3 = text,
            ("category", "category_description") => cursor.category.4 = text,
            _ => {}
        }
    }
}

/// `%d0%bf...` (how WordPress stores non-ASCII slugs) as text.
fn decode_percent(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// HTML entities in titles and excerpts (`&amp;`, `&#8217;`, `&rsquo;`).
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..].find(';').filter(|e| *e <= 10).map(|e| e + 1);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let named = match name {
                "nbsp" => Some("\u{a0}".to_string()),
                "hellip" => Some("…".to_string()),
                "mdash" => Some("—".to_string()),
                "ndash" => Some("–".to_string()),
                "lsquo" => Some("‘".to_string()),
                "rsquo" => Some("’".to_string()),
                "ldquo" => Some("“".to_string()),
                "rdquo" => Some("”".to_string()),
                "eacute" => Some("é".to_string()),
                "euro" => Some("€".to_string()),
                "pound" => Some("£".to_string()),
                "copy" => Some("©".to_string()),
                _ => resolve_entity(name),
            };
            named.map(|n| (n, end))
        });
        match decoded {
            Some((text, end)) => {
                out.push_str(&text);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Plain text from a bit of HTML (an excerpt): tags out, entities decoded, spaces collapsed.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2019-03-14 10:30:00` with its GMT twin as RFC 3339 with the site's offset at that time;
/// only the day when the GMT time is missing (drafts).
fn wordpress_date(local_time: &str, gmt: &str) -> Option<(String, Option<jiff::Timestamp>)> {
    let local_time = local_time.trim();
    if local_time.is_empty() || local_time.starts_with("0000") {
        return None;
    }
    let parse = |t: &str| {
        t.trim()
            .replace(' ', "T")
            .parse::<jiff::civil::DateTime>()
            .ok()
    };
    let local_dt = parse(local_time)?;
    let Some(gmt_dt) = parse(gmt).filter(|_| !gmt.trim().starts_with("0000")) else {
        return Some((local_dt.date().to_string(), None));
    };
    let seconds = local_dt.duration_since(gmt_dt).as_secs();
    if seconds.abs() > 18 * 3600 || seconds % 60 != 0 {
        return Some((local_dt.date().to_string(), None));
    }
    let offset = jiff::tz::Offset::from_seconds(seconds as i32).ok()?;
    let instant = local_dt
        .to_zoned_datetime(jiff::tz::TimeZone::fixed(offset))
        .ok()?
        .timestamp();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    Some((
        format!(
            "{}{sign}{:02}:{:02}",
            local_dt.strftime("%Y-%m-%dT%H:%M:%S"),
            minutes / 60,
            minutes % 60
        ),
        Some(instant),
    ))
}

/// The path of an address of the old site (`/2019/03/14/slug/`), when it has one a static
/// site can redirect (no `?p=123`).
pub fn site_path(url: &str) -> Option<String> {
    let url = url.trim();
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = match after_scheme.find('/') {
        Some(p) if url.contains("://") => &after_scheme[p..],
        None if url.contains("://") => "/",
        _ => url,
    };
    if path.contains('?') || !path.starts_with('/') {
        return None;
    }
    let path = path.split('#').next().unwrap_or(path);
    Some(path.to_string())
}

/// Old-site media addresses -> site paths under `/wp-content/uploads/`.
struct Media {
    /// Address prefixes of the old site (`https://news.example`, `http://news.example`, ...).
    hosts: Vec<String>,
    uploads: Option<PathBuf>,
    /// Hashes of the site paths already listed (8 bytes each, not the addresses).
    listed: HashSet<u64>,
}

fn hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

impl Media {
    fn new(index: &Index, uploads: Option<PathBuf>) -> Media {
        let mut hosts = Vec::new();
        for url in [&index.base_site_url, &index.base_blog_url, &index.link] {
            let Some((_, rest)) = url.trim().trim_end_matches('/').split_once("://") else {
                continue;
            };
            let host = rest.split('/').next().unwrap_or(rest);
            for scheme in ["https://", "http://", "//"] {
                let prefix = format!("{scheme}{host}");
                if !hosts.contains(&prefix) {
                    hosts.push(prefix);
                }
            }
        }
        Media {
            hosts,
            uploads,
            listed: HashSet::new(),
        }
    }

    /// The site path of a media file of the old site, or `None` for any other address.
    fn site_path(&self, url: &str) -> Option<String> {
        let url = url.trim();
        let path = if url.starts_with('/') && !url.starts_with("//") {
            url
        } else {
            let host = self.hosts.iter().find(|h| {
                url.len() > h.len()
                    && url.starts_with(h.as_str())
                    && url[h.len()..].starts_with('/')
            })?;
            &url[host.len()..]
        };
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let start = path.find("/wp-content/uploads/")?;
        let path = &path[start..];
        let decoded = decode_percent(path);
        if decoded.split('/').any(|part| part == "..") {
            return None;
        }
        Some(decoded)
    }

    /// Lists a media file (once) and copies it from the uploads folder when there is one.
    fn take(
        &mut self,
        url: &str,
        site_path: &str,
        writer: &mut SiteWriter,
        report: &mut ImportReport,
    ) -> Result<(), ImportError> {
        if !self.listed.insert(hash(site_path)) {
            return Ok(());
        }
        let mut present = false;
        if let Some(uploads) = &self.uploads {
            let relative = site_path.trim_start_matches("/wp-content/uploads/");
            present = writer.copy_static(&uploads.join(relative), site_path)?;
            if present {
                report.attachments_copied += 1;
            } else {
                report.not_imported(
                    "media files missing from the uploads folder (listed as \"to download\")",
                    1,
                    site_path,
                );
            }
        }
        let full_url = if url.starts_with('/') && !url.starts_with("//") {
            format!(
                "{}{}",
                self.hosts.first().map(String::as_str).unwrap_or(""),
                url
            )
        } else {
            url.to_string()
        };
        writer.list_attachment(&full_url, site_path, present)?;
        report.attachments_listed += 1;
        Ok(())
    }
}

/// Post types that are the site's machinery, not its writing.
const MACHINERY: &[&str] = &[
    "nav_menu_item",
    "revision",
    "wp_block",
    "wp_template",
    "wp_template_part",
    "wp_global_styles",
    "wp_navigation",
    "custom_css",
    "customize_changeset",
    "oembed_cache",
    "user_request",
    "wp_font_face",
    "wp_font_family",
    "shop_order",
];

pub fn import(
    export: &Path,
    options: &ImportOptions,
    writer: &mut SiteWriter,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    // First pass: the channel, its authors and categories, and the media library.
    let mut index = Index::default();
    let mut attachments: HashMap<u64, Attachment> = HashMap::new();
    stream(export, &mut index, false, &mut |_, item| {
        if item.post_type == "attachment" {
            let alt = item
                .meta
                .iter()
                .find(|(k, _)| k == "_wp_attachment_image_alt")
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default();
            attachments.insert(
                item.post_id,
                Attachment {
                    url: item.attachment_url,
                    alt,
                    caption: plain_text(&item.excerpt),
                },
            );
        }
        Ok(())
    })?;
    index.attachments = attachments;
    if index.items == 0 {
        report.note("the export holds no posts, pages or attachments");
    }
    writer.write_site_yaml(
        &SiteYaml {
            title: Some(decode_entities(&index.title)),
            base_url: Some(if index.base_blog_url.is_empty() {
                index.link.clone()
            } else {
                index.base_blog_url.clone()
            }),
            language: Some(index.language.clone()),
            description: Some(decode_entities(&index.description)),
        },
        report,
    )?;

    // Second pass: each post and page becomes a story, written at once.
    let converter = HtmlConverter::new();
    let mut media = Media::new(&index, options.uploads.clone());
    let mut second = Index {
        attachments: HashMap::new(),
        ..Index::default()
    };
    stream(export, &mut second, true, &mut |_, item| {
        import_item(
            item, &index, options, &converter, &mut media, writer, report,
        )
    })?;
    Ok(())
}

fn item_label(item: &Item) -> String {
    let title = decode_entities(item.title.trim());
    if title.is_empty() {
        format!("post {}", item.post_id)
    } else {
        format!("\"{title}\" (post {})", item.post_id)
    }
}

fn import_item(
    item: Item,
    index: &Index,
    options: &ImportOptions,
    converter: &HtmlConverter,
    media: &mut Media,
    writer: &mut SiteWriter,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    match item.post_type.as_str() {
        "post" | "page" => {}
        "attachment" => {
            if !item.content.trim().is_empty() {
                report.not_imported(
                    "descriptions of media files (the media library's description field)",
                    1,
                    &item_label(&item),
                );
            }
            if let Some(path) = media.site_path(&item.attachment_url) {
                media.take(&item.attachment_url, &path, writer, report)?;
            } else if !item.attachment_url.is_empty() {
                report.not_imported(
                    "media files stored on another host (left where they are)",
                    1,
                    &item.attachment_url,
                );
            }
            return Ok(());
        }
        kind if MACHINERY.contains(&kind) => {
            report.skip(
                &format!("`{kind}` entries (menus, revisions and other site machinery)"),
                &format!("post {}", item.post_id),
            );
            return Ok(());
        }
        kind => {
            report.skip(
                &format!("`{kind}` entries (a custom post type byline has no place for: copy by hand what you need)"),
                &item_label(&item),
            );
            return Ok(());
        }
    }
    let (draft, scheduled) = match item.status.as_str() {
        "publish" => (false, false),
        "draft" | "pending" => (true, false),
        "future" => (false, true),
        "private" => {
            report.skip(
                "private posts (only logged-in editors could read them)",
                &item_label(&item),
            );
            return Ok(());
        }
        "trash" => {
            report.skip("posts in the trash", &item_label(&item));
            return Ok(());
        }
        "auto-draft" => {
            report.skip("empty automatic drafts", &format!("post {}", item.post_id));
            return Ok(());
        }
        other => {
            report.skip(
                &format!("posts with the status `{other}`"),
                &item_label(&item),
            );
            return Ok(());
        }
    };
    let is_page = item.post_type == "page";
    let title = decode_entities(item.title.trim());
    let label = item_label(&item);

    // Dates: the site's own time with its offset (from the GMT twin).
    let date = wordpress_date(&item.post_date, &item.post_date_gmt);
    if date.as_ref().is_some_and(|(_, instant)| instant.is_none()) && !draft {
        report.note("posts without a GMT time got their date without a time (the day as WordPress showed it)");
    }
    let updated = match (
        &date,
        wordpress_date(&item.post_modified, &item.post_modified_gmt),
    ) {
        (Some((_, Some(published))), Some((text, Some(modified))))
            if modified > *published && !draft && !scheduled =>
        {
            Some(text)
        }
        _ => None,
    };

    // Credits: the author's display name; Co-Authors Plus adds more as `author` terms.
    let mut reporters = Vec::new();
    let creator = item.creator.trim();
    if !creator.is_empty() {
        reporters.push(
            index
                .authors
                .get(creator)
                .cloned()
                .unwrap_or_else(|| creator.to_string()),
        );
    }

    // Categories, tags and other taxonomies.
    let mut categories: Vec<(String, String)> = Vec::new();
    let mut topics = Vec::new();
    let mut extra = Mapping::new();
    let mut wordpress = Mapping::new();
    let mut taxonomies: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (domain, nicename, name) in &item.categories {
        let name = decode_entities(name.trim());
        match domain.as_str() {
            "category" => categories.push((decode_percent(nicename), name)),
            "post_tag" => topics.push(name),
            "author" => reporters.push(name),
            "post_format" => {
                wordpress.insert(
                    "post_format",
                    text(nicename.trim_start_matches("post-format-")),
                );
            }
            other => taxonomies.entry(other.to_string()).or_default().push(name),
        }
    }
    if !taxonomies.is_empty() {
        let mut map = Mapping::new();
        for (taxonomy, names) in taxonomies {
            report.extra(&format!("wordpress.taxonomies.{taxonomy}"), &label);
            map.insert(
                &taxonomy,
                Value::List(names.iter().map(|n| text(n)).collect()),
            );
        }
        wordpress.insert("taxonomies", map.into_value());
    }
    categories.retain(|(nicename, _)| {
        if nicename == "uncategorized" {
            report.note("WordPress' default category \"Uncategorized\" was left out (it is neither a series nor a topic)");
            false
        } else {
            true
        }
    });
    let primary = item
        .meta
        .iter()
        .find(|(k, _)| k == "_yoast_wpseo_primary_category")
        .and_then(|(_, id)| index.category_ids.get(id.trim()))
        .and_then(|nicename| categories.iter().position(|(n, _)| n == nicename))
        .unwrap_or(0);
    let series_category = match options.categories {
        Categories::Series if !is_page && !categories.is_empty() => {
            Some(categories.remove(primary))
        }
        _ => None,
    };
    let mut all_topics: Vec<String> = categories.into_iter().map(|(_, name)| name).collect();
    all_topics.extend(topics);

    // Custom fields: kept under extra; WordPress' internal ones (starting with _) counted.
    let mut custom = Mapping::new();
    let mut thumbnail = None;
    for (meta_key, value) in &item.meta {
        match meta_key.as_str() {
            "_thumbnail_id" => thumbnail = value.trim().parse::<u64>().ok(),
            k if k.starts_with('_') => report.not_imported(
                "WordPress' internal fields (custom fields starting with _)",
                1,
                k,
            ),
            k => {
                report.extra(&format!("wordpress.fields.{k}"), &label);
                custom.insert(k, text(value));
            }
        }
    }
    if !custom.is_empty() {
        wordpress.insert("fields", custom.into_value());
    }
    wordpress.insert("id", Value::Unsigned(item.post_id));
    if is_page {
        wordpress.insert("post_type", text("page"));
    }
    if item.sticky {
        wordpress.insert("sticky", Value::Bool(true));
    }
    if item.comments > 0 {
        report.not_imported(
            "comments (byline publishes no comments)",
            item.comments,
            &label,
        );
    }
    let password = !item.password.trim().is_empty();
    if password {
        report.note("password-protected posts were imported as drafts: a static site cannot ask for the password");
    }
    extra.insert("wordpress", wordpress.into_value());

    // The header image.
    let mut image = None;
    if let Some(id) = thumbnail {
        match index.attachments.get(&id) {
            Some(attachment) => {
                let src = match media.site_path(&attachment.url) {
                    Some(path) => {
                        media.take(&attachment.url, &path, writer, report)?;
                        path
                    }
                    None => attachment.url.clone(),
                };
                image = Some(ImageOut {
                    src,
                    alt: Some(attachment.alt.clone()).filter(|a| !a.is_empty()),
                    caption: Some(attachment.caption.clone()).filter(|c| !c.is_empty()),
                    credit: None,
                });
            }
            None => report.not_imported(
                "featured images missing from the export's media library",
                1,
                &label,
            ),
        }
    }

    // The text.
    let mut listed: Vec<(String, String)> = Vec::new();
    let body = {
        let html = body_html(&item.content, &label, report);
        let converted = converter.convert(&html, &mut |url: &str| {
            let path = media.site_path(url)?;
            listed.push((url.to_string(), path.clone()));
            Some(path)
        });
        for (tag, n) in &converted.raw_html {
            report.raw_html(tag, *n, &label);
        }
        converted.markdown
    };
    for (url, path) in listed {
        media.take(&url, &path, writer, report)?;
    }

    // Where it goes.
    let series = match &series_category {
        Some((nicename, name)) => Some(writer.series_folder(
            nicename,
            || {
                let info = index.categories.get(nicename);
                SeriesIn {
                    title: info
                        .map(|i| decode_entities(&i.name))
                        .unwrap_or_else(|| name.clone()),
                    summary: info
                        .map(|i| plain_text(&i.description))
                        .filter(|s| !s.is_empty()),
                    body: String::new(),
                    extra: Mapping::new(),
                    old_url: Some(format!("/category/{nicename}/")),
                }
            },
            report,
        )?),
        None => None,
    };
    let slug = {
        let name = decode_percent(item.post_name.trim());
        if !name.is_empty() {
            name
        } else if !title.is_empty() {
            slugify(&title)
        } else {
            format!("post-{}", item.post_id)
        }
    };
    let old_path = site_path(&item.link);
    if item.link.contains('?') {
        report.note("old addresses of the form ?p=123 (WordPress' plain permalinks) cannot be redirected by a static site");
    }
    let mut story = StoryOut {
        title: Some(title),
        date: date.as_ref().map(|(text, _)| text.clone()),
        reporters,
        needs_funder: series.is_none(),
        image,
        summary: Some(plain_text(&item.excerpt)).filter(|s| !s.is_empty()),
        topics: all_topics,
        slug: None,
        updated,
        draft: draft || password,
        publish_at: if scheduled {
            date.as_ref().map(|(text, _)| text.clone())
        } else {
            None
        },
        aliases: Vec::new(),
        extra,
        body,
    };
    // The file name decides the address; the old one becomes an alias when it differs.
    let planned = writer.write_story_planned(series.as_deref(), &slug);
    if let Some(old) = old_path
        && old != planned
        && old != "/"
    {
        story.aliases.push(old);
        report.aliases += 1;
    }
    writer.write_story(series.as_deref(), &slug, &story, None)?;
    if story.draft {
        report.drafts += 1;
    }
    if scheduled {
        report.scheduled += 1;
    }
    if is_page {
        report.pages += 1;
    }
    Ok(())
}

/// The post's HTML with `[caption]` as figures and paragraphs made explicit; other shortcodes
/// stay as text and are reported.
fn body_html(content: &str, label: &str, report: &mut ImportReport) -> String {
    let mut html = String::with_capacity(content.len() + 64);
    let mut last = 0;
    for shortcode in find_wordpress(content) {
        if shortcode.start < last {
            continue;
        }
        let name = shortcode.name.to_ascii_lowercase();
        if name == "caption" || name == "wp_caption" {
            html.push_str(&content[last..shortcode.start]);
            let inner = shortcode.content.unwrap_or("");
            let (image, text) = split_caption(inner);
            let caption = shortcode
                .attribute("caption")
                .map(str::to_string)
                .unwrap_or_else(|| text.trim().to_string());
            html.push_str("\n\n<figure>");
            html.push_str(image);
            html.push_str("<figcaption>");
            html.push_str(&caption);
            html.push_str("</figcaption></figure>\n\n");
            last = shortcode.end;
        } else {
            report.shortcode(&format!("[{name}]"), label);
        }
    }
    html.push_str(&content[last..]);
    let html = autop(&html);
    link_lone_urls(&html, report, label)
}

/// `[caption]`'s content: the image (or the link around it), then the caption text.
fn split_caption(inner: &str) -> (&str, &str) {
    let trimmed = inner.trim_start();
    let offset = inner.len() - trimmed.len();
    let end = if trimmed.starts_with("<a") {
        trimmed.find("</a>").map(|p| p + 4)
    } else if trimmed.starts_with("<img") {
        trimmed.find('>').map(|p| p + 1)
    } else {
        None
    };
    match end {
        Some(end) => (&inner[..offset + end], &inner[offset + end..]),
        None => ("", inner),
    }
}

/// A paragraph that is only an address was an embed in WordPress (a video, a post): it
/// becomes a link, so readers can still follow it.
fn link_lone_urls(html: &str, report: &mut ImportReport, label: &str) -> String {
    if !html.contains("<p>http") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(p) = rest.find("<p>http") {
        out.push_str(&rest[..p]);
        let after = &rest[p + 3..];
        let Some(end) = after.find("</p>") else {
            out.push_str(&rest[p..]);
            rest = "";
            break;
        };
        let url = after[..end].trim();
        if !url.contains(char::is_whitespace) && !url.contains('<') && !url.contains('"') {
            out.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
            let _ = label;
            report.note("addresses alone on their line (WordPress showed them as embedded players or posts) became links");
        } else {
            out.push_str(&rest[p..p + 3 + end + 4]);
        }
        rest = &after[end + 4..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_the_site_offset() {
        assert_eq!(
            wordpress_date("2019-03-14 10:30:00", "2019-03-14 09:30:00")
                .unwrap()
                .0,
            "2019-03-14T10:30:00+01:00"
        );
        assert_eq!(
            wordpress_date("2019-07-01 05:00:00", "2019-07-01 09:00:00")
                .unwrap()
                .0,
            "2019-07-01T05:00:00-04:00"
        );
        assert_eq!(
            wordpress_date("2019-03-14 10:30:00", "0000-00-00 00:00:00").unwrap(),
            ("2019-03-14".to_string(), None)
        );
        assert_eq!(wordpress_date("0000-00-00 00:00:00", ""), None);
    }

    #[test]
    fn old_addresses_become_site_paths() {
        assert_eq!(
            site_path("https://news.example/2019/03/14/old-slug/").as_deref(),
            Some("/2019/03/14/old-slug/")
        );
        assert_eq!(site_path("https://news.example/?p=12"), None);
        assert_eq!(site_path("https://news.example").as_deref(), Some("/"));
    }

    #[test]
    fn entities_in_titles_are_decoded() {
        assert_eq!(
            decode_entities("Caf&eacute; &amp; &#8220;bar&#8221; &rsquo; & &unknown; &#x41;"),
            "Café & “bar” ’ & &unknown; A"
        );
    }

    #[test]
    fn captions_split_into_image_and_text() {
        assert_eq!(
            split_caption("<a href=\"x\"><img src=\"a.jpg\"></a> The court."),
            ("<a href=\"x\"><img src=\"a.jpg\"></a>", " The court.")
        );
        assert_eq!(
            split_caption(" <img src=\"a.jpg\" /> Text"),
            (" <img src=\"a.jpg\" />", " Text")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any post text or title comes through the WordPress steps without a panic.
        #[test]
        fn any_text_is_converted_without_panic(text in r#"(\PC|[\[\]/="'&;#<>\n]){0,120}"#) {
            let mut report = ImportReport::default();
            let html = body_html(&text, "post", &mut report);
            let _ = HtmlConverter::new().convert(&html, &mut |_| None);
            let _ = decode_entities(&text);
            let _ = plain_text(&text);
            let _ = site_path(&text);
            let _ = split_caption(&text);
            let _ = wordpress_date(&text, &text);
        }
    }
}
