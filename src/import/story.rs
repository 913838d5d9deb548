//! A story as the importers hand it over, mapped to byline's fields, and its file text: YAML
//! front matter written by the YAML library (through `crate::yaml`, so any title, quotes,
//! colons, `#` and leading `@` included, reads back as written) and the Markdown body.

use super::fields::{Mapping, Value, text};
use crate::validate::PLACEHOLDER_MARK;

/// The header image.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageOut {
    pub src: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// One story, ready to write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryOut {
    pub title: Option<String>,
    /// `YYYY-MM-DD` or RFC 3339 with an offset.
    pub date: Option<String>,
    pub reporters: Vec<String>,
    /// A funder placeholder is written (a story outside any series; a series' stories inherit
    /// the series' funder).
    pub needs_funder: bool,
    pub image: Option<ImageOut>,
    pub summary: Option<String>,
    pub topics: Vec<String>,
    pub slug: Option<String>,
    pub updated: Option<String>,
    pub draft: bool,
    pub publish_at: Option<String>,
    /// Old addresses as site paths (`/2019/03/old-slug/`).
    pub aliases: Vec<String>,
    pub extra: Mapping,
    pub body: String,
}

/// A placeholder that `byline check` reports as `E-FRONT-PLACEHOLDER` until it is filled in.
pub fn placeholder(what: &str) -> String {
    format!("{PLACEHOLDER_MARK}: {what}")
}

pub const EDITOR_PLACEHOLDER: &str = "editor";
pub const REPORTER_PLACEHOLDER: &str = "reporter (the archive names none)";
pub const FUNDER_PLACEHOLDER: &str = "funder, as listed in site.yaml";
pub const TITLE_PLACEHOLDER: &str = "headline (the archive has none)";
pub const ALT_PLACEHOLDER: &str = "describe what the picture shows";
pub const CREDIT_PLACEHOLDER: &str = "photographer/agency";
pub const DATE_PLACEHOLDER: &str = "publication date (YYYY-MM-DD)";

fn names(values: &[String]) -> Value {
    match values {
        [one] => text(one),
        many => Value::List(many.iter().map(|v| text(v)).collect()),
    }
}

/// Drops empty strings and repeats, keeping the first spelling's order.
pub fn dedup_names(values: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        let value = value.trim().to_string();
        if value.is_empty()
            || seen
                .iter()
                .any(|s| s.to_lowercase() == value.to_lowercase())
        {
            continue;
        }
        seen.push(value);
    }
    seen
}

impl StoryOut {
    /// The front matter as a YAML mapping, in the order README.md documents the fields.
    pub fn front_matter(&self) -> Mapping {
        let mut map = Mapping::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key, value);
        };
        put(
            "title",
            text(
                self.title
                    .as_deref()
                    .filter(|t| !t.trim().is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| placeholder(TITLE_PLACEHOLDER))
                    .as_str(),
            ),
        );
        put(
            "date",
            text(
                &self
                    .date
                    .clone()
                    .unwrap_or_else(|| placeholder(DATE_PLACEHOLDER)),
            ),
        );
        let reporters = dedup_names(self.reporters.clone());
        if reporters.is_empty() {
            put("reporter", text(&placeholder(REPORTER_PLACEHOLDER)));
        } else {
            put("reporter", names(&reporters));
        }
        put("editor", text(&placeholder(EDITOR_PLACEHOLDER)));
        if self.needs_funder {
            put("funder", text(&placeholder(FUNDER_PLACEHOLDER)));
        }
        if let Some(image) = &self.image {
            let mut fields = Mapping::new();
            fields.insert("src", text(&image.src));
            let alt = image
                .alt
                .as_deref()
                .filter(|a| !a.trim().is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| placeholder(ALT_PLACEHOLDER));
            fields.insert("alt", text(&alt));
            if let Some(caption) = image.caption.as_deref().filter(|c| !c.trim().is_empty()) {
                fields.insert("caption", text(caption));
            }
            let credit = image
                .credit
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| placeholder(CREDIT_PLACEHOLDER));
            fields.insert("credit", text(&credit));
            put("image", fields.into_value());
        }
        if let Some(summary) = self.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            put("summary", text(summary));
        }
        let topics = dedup_names(self.topics.clone());
        if !topics.is_empty() {
            put(
                "topics",
                Value::List(topics.iter().map(|t| text(t)).collect()),
            );
        }
        if let Some(slug) = &self.slug {
            put("slug", text(slug));
        }
        if let Some(updated) = &self.updated {
            put("updated", text(updated));
        }
        if self.draft {
            put("draft", Value::Bool(true));
        }
        if let Some(publish_at) = &self.publish_at {
            put("publish_at", text(publish_at));
        }
        let mut aliases: Vec<String> = Vec::new();
        for alias in &self.aliases {
            if !aliases.contains(alias) {
                aliases.push(alias.clone());
            }
        }
        if !aliases.is_empty() {
            put(
                "aliases",
                Value::List(aliases.iter().map(|a| text(a)).collect()),
            );
        }
        if !self.extra.is_empty() {
            put("extra", self.extra.clone().into_value());
        }
        map
    }

    /// The whole story file: front matter between `---` lines, then the body. `Err` is why
    /// the front matter could not be written.
    pub fn file_text(&self) -> Result<String, String> {
        front_matter_file(self.front_matter(), &self.body)
    }
}

/// `---`, the mapping as YAML, `---`, a blank line and the body. `Err` is why the YAML could
/// not be written.
pub fn front_matter_file(front: Mapping, body: &str) -> Result<String, String> {
    let yaml = front.into_value().to_yaml_text()?;
    let body = body.trim_matches('\n');
    let mut out = String::with_capacity(yaml.len() + body.len() + 16);
    out.push_str("---\n");
    out.push_str(&yaml);
    if !yaml.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("---\n");
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::front_matter::{StoryFrontMatter, parse_story, split};
    use std::path::Path;

    fn read_back(file: &str) -> StoryFrontMatter {
        let doc = split(file, Path::new("story.md")).unwrap();
        let (front, diagnostics) = parse_story(&doc, Path::new("story.md")).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}\n{file}");
        front
    }

    #[test]
    fn awkward_titles_round_trip() {
        let titles = [
            "#1: The \"Money\" Trail",
            "@handle: who's behind it?",
            "Yes: no",
            "- a dash",
            "'single' and \"double\"",
            "null",
            "true",
            "2019-03-14",
            "* star & ampersand % percent | pipe > more",
            "Ünïcödé — “quotes” — 中文",
            "line\\backslash",
            "[brackets] {braces}",
            "TODOs of a reporter",
            "  leading and trailing spaces  ",
            "multi\nline",
        ];
        for title in titles {
            let story = StoryOut {
                title: Some(title.to_string()),
                date: Some("2019-03-14T10:30:00+01:00".into()),
                reporters: vec!["@ana: Lind".into()],
                body: "Text.".into(),
                ..StoryOut::default()
            };
            let front = read_back(&story.file_text().unwrap());
            assert_eq!(front.title.unwrap().value, title);
            assert_eq!(
                front.reporter.unwrap().value,
                vec!["@ana: Lind".to_string()]
            );
            assert_eq!(front.date.unwrap().value, "2019-03-14T10:30:00+01:00");
        }
    }

    #[test]
    fn placeholders_and_fields_in_order() {
        let mut extra = Mapping::new();
        extra.insert("wordpress_id", Value::Integer(12));
        let story = StoryOut {
            title: Some("T".into()),
            date: Some("2019-03-14".into()),
            reporters: vec![],
            needs_funder: true,
            image: Some(ImageOut {
                src: "/a.jpg".into(),
                alt: None,
                caption: Some("C".into()),
                credit: None,
            }),
            topics: vec!["A".into(), "a".into(), "B".into()],
            draft: true,
            aliases: vec!["/old/".into(), "/old/".into()],
            extra,
            body: "\n\nBody\n".into(),
            ..StoryOut::default()
        };
        let file = story.file_text().unwrap();
        assert_eq!(
            file,
            "---\ntitle: T\ndate: 2019-03-14\nreporter: 'TODO: reporter (the archive names none)'\neditor: 'TODO: editor'\nfunder: 'TODO: funder, as listed in site.yaml'\nimage:\n  src: /a.jpg\n  alt: 'TODO: describe what the picture shows'\n  caption: C\n  credit: 'TODO: photographer/agency'\ntopics:\n- A\n- B\ndraft: true\naliases:\n- /old/\nextra:\n  wordpress_id: 12\n---\n\nBody\n"
        );
        read_back(&file);
    }
}
