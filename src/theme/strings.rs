//! The reader-facing words of a theme: every word byline itself writes into a page or feed (the
//! funding sentence, byline roles, page and feed titles) comes from the theme's strings file
//! for the site's language (`strings/<language>.yaml`), never from Rust code, and templates
//! reach the same words through `t(...)`. English ships with the default theme; a site's own
//! theme folder can replace any string.

use std::collections::HashMap;

use serde::Deserialize;

use super::{DEFAULT_THEME_FILES, Theme};
use crate::diag::{Code, Diagnostic};
use crate::yaml;

/// The language every theme has words for, and the one missing words come from.
pub const FALLBACK_LANGUAGE: &str = "en";

/// The words of a theme in one language.
#[derive(Debug, Clone)]
pub struct Strings {
    language: String,
    entries: HashMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Text(String),
    /// One text per plural category (`one`, `other`, ...), as CLDR names them.
    Plural(HashMap<String, String>),
}

/// A strings file as written: nested groups of keys.
#[derive(Deserialize)]
#[serde(untagged)]
enum Node {
    Text(String),
    Group(HashMap<String, Node>),
}

const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

impl Strings {
    /// The default theme's English words.
    pub fn english() -> Strings {
        let mut strings = Strings {
            language: FALLBACK_LANGUAGE.to_string(),
            entries: HashMap::new(),
        };
        let built_in = DEFAULT_THEME_FILES
            .iter()
            .find(|(path, _)| *path == "strings/en.yaml")
            .map(|(_, contents)| *contents)
            .unwrap_or_default();
        // The built-in file is tested to parse.
        let _ = strings.add(built_in);
        strings
    }

    /// The words of `theme` for `language`: the default theme's English, then the default
    /// theme's words for `language`, then the site's own strings files over them, key by key.
    pub fn load(theme: &Theme, language: &str) -> Result<Strings, Vec<Diagnostic>> {
        let mut strings = Strings::english();
        strings.language = language.to_string();
        let mut problems = Vec::new();
        let mut languages = vec![FALLBACK_LANGUAGE];
        if language != FALLBACK_LANGUAGE {
            languages.push(language);
        }
        for language in languages {
            let (site, built_in) = theme.strings_files(language);
            if language != FALLBACK_LANGUAGE
                && let Some(built_in) = built_in
            {
                let _ = strings.add(built_in);
            }
            if let Some(file) = site
                && let Err(message) = strings.add(&file.contents)
            {
                problems.push(
                    Diagnostic::new(
                        Code::Theme,
                        file.origin.display_path(),
                        format!("this strings file cannot be read: {message}"),
                    )
                    .with_hint("each line is `key: text`, grouped under names; a count's forms go under `one:` and `other:`"),
                );
            }
        }
        if problems.is_empty() {
            Ok(strings)
        } else {
            Err(problems)
        }
    }

    /// Adds the strings of one file over the ones already there.
    fn add(&mut self, contents: &[u8]) -> Result<(), String> {
        let text = std::str::from_utf8(contents).map_err(|_| "it is not UTF-8 text".to_string())?;
        let groups: HashMap<String, Node> = yaml::from_str(text)?;
        for (key, node) in groups {
            self.add_node(key, node);
        }
        Ok(())
    }

    fn add_node(&mut self, key: String, node: Node) {
        match node {
            Node::Text(text) => {
                self.entries.insert(key, Entry::Text(text));
            }
            Node::Group(group) if is_plural(&group) => {
                let forms = group
                    .into_iter()
                    .filter_map(|(category, node)| match node {
                        Node::Text(text) => Some((category, text)),
                        Node::Group(_) => None,
                    })
                    .collect();
                self.entries.insert(key, Entry::Plural(forms));
            }
            Node::Group(group) => {
                for (name, node) in group {
                    self.add_node(format!("{key}.{name}"), node);
                }
            }
        }
    }

    /// The language these words are in.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The text of `key` with its `{placeholders}` filled from `values`, or None when the theme
    /// has no such string (or only plural forms of it).
    pub fn format(&self, key: &str, values: &[(&str, &str)]) -> Option<String> {
        match self.entries.get(key)? {
            Entry::Text(text) => Some(fill(text, values)),
            Entry::Plural(forms) => forms.get("other").map(|text| fill(text, values)),
        }
    }

    /// The form of `key` for the number `count` (filled in as `{count}`), with the other
    /// placeholders from `values`.
    pub fn count(&self, key: &str, count: i64, values: &[(&str, &str)]) -> Option<String> {
        let count_text = count.to_string();
        let mut all = vec![("count", count_text.as_str())];
        all.extend_from_slice(values);
        match self.entries.get(key)? {
            Entry::Text(text) => Some(fill(text, &all)),
            Entry::Plural(forms) => {
                let category = plural_category(&self.language, count);
                let text = forms.get(category).or_else(|| forms.get("other"))?;
                Some(fill(text, &all))
            }
        }
    }

    /// [`Strings::format`] for the words byline's own code writes, which every theme has (the
    /// default theme's English fills any gap); the key itself if even that lacks it.
    pub fn say(&self, key: &str, values: &[(&str, &str)]) -> String {
        self.format(key, values).unwrap_or_else(|| key.to_string())
    }

    /// [`Strings::count`] for byline's own code, like [`Strings::say`].
    pub fn say_count(&self, key: &str, count: usize, values: &[(&str, &str)]) -> String {
        self.count(key, count as i64, values)
            .unwrap_or_else(|| key.to_string())
    }

    /// "A", "A and B", "A, B and C", with the theme's words between the names.
    pub fn join(&self, names: &[impl AsRef<str>]) -> String {
        match names {
            [] => String::new(),
            [one] => one.as_ref().to_string(),
            [rest @ .., last] => {
                let separator = self.say("list.separator", &[]);
                let mut joined = rest
                    .iter()
                    .map(AsRef::as_ref)
                    .collect::<Vec<_>>()
                    .join(&separator);
                joined.push_str(&self.say("list.and", &[]));
                joined.push_str(last.as_ref());
                joined
            }
        }
    }
}

fn is_plural(group: &HashMap<String, Node>) -> bool {
    group.contains_key("other")
        && group.iter().all(|(name, node)| {
            PLURAL_CATEGORIES.contains(&name.as_str()) && matches!(node, Node::Text(_))
        })
}

/// `text` with each `{name}` replaced by its value; unknown placeholders stay as written.
fn fill(text: &str, values: &[(&str, &str)]) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if values.iter().any(|(key, _)| *key == name) => {
                let value = values.iter().find(|(key, _)| *key == name).map(|(_, v)| *v);
                out.push_str(value.unwrap_or_default());
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The CLDR plural category of `count` in `language` (for the languages byline ships words
/// for; other languages count like English).
fn plural_category(language: &str, count: i64) -> &'static str {
    let base = language.split(['-', '_']).next().unwrap_or(language);
    match base {
        // French and Portuguese say "0 article" like "1 article".
        "fr" | "pt" if count == 0 || count == 1 => "one",
        _ if count == 1 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key byline's own code asks for (with `say`), so none falls back to its key.
    const KEYS_USED_BY_BYLINE: &[&str] = &[
        "role.reporter",
        "role.editor",
        "list.and",
        "list.separator",
        "funding.series",
        "funding.story",
        "figure.credit",
        "task.done",
        "task.not_done",
        "body.too_deep",
        "page.topics",
        "page.people",
        "page.not_found",
        "page.corrections",
        "page.corrections_description",
        "page.funders",
        "page.funders_description",
        "page.sitemap",
        "page.news_sitemap",
        "page.robots",
        "page.funder",
        "page.search",
        "page.withdrawn",
        "page.redirects",
        "feed.title",
        "feed.corrections_title",
        "feed.corrections_subtitle",
        "feed.correction_title",
        "feed.correction_heading",
        "feed.correction_story",
    ];

    #[test]
    fn english_has_every_word_byline_uses() {
        let strings = Strings::english();
        for key in KEYS_USED_BY_BYLINE {
            assert!(
                strings.format(key, &[]).is_some(),
                "{key} missing from en.yaml"
            );
        }
    }

    #[test]
    fn fills_placeholders_plurals_and_lists() {
        let strings = Strings::english();
        assert_eq!(
            strings.say("funding.series", &[("series", "S"), ("funders", "F")]),
            "Our reporting on S is funded by F."
        );
        assert_eq!(strings.say_count("role.reporter", 1, &[]), "Reporter");
        assert_eq!(strings.say_count("role.reporter", 2, &[]), "Reporters");
        assert_eq!(strings.say_count("count.stories", 0, &[]), "0 stories");
        assert_eq!(strings.join(&["A"]), "A");
        assert_eq!(strings.join(&["A", "B"]), "A and B");
        assert_eq!(strings.join(&["A", "B", "C"]), "A, B and C");
        assert_eq!(fill("{a} {b} {", &[("a", "1")]), "1 {b} {");
    }

    #[test]
    fn french_counts_zero_as_one() {
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("en", 0), "other");
        assert_eq!(plural_category("de-CH", 1), "one");
    }

    #[test]
    fn a_site_replaces_single_strings() {
        let mut theme = Theme::load(std::path::Path::new("/nonexistent-site"), "default").unwrap();
        theme.files.insert(
            "strings/en.yaml".into(),
            super::super::ThemeFile {
                origin: super::super::Origin::Site("themes/default/strings/en.yaml".into()),
                contents: b"funding:\n  story: \"Paid for by {funders}.\"\n".to_vec(),
            },
        );
        let strings = Strings::load(&theme, "en").unwrap();
        assert_eq!(
            strings.say("funding.story", &[("funders", "X")]),
            "Paid for by X."
        );
        assert_eq!(strings.say("page.topics", &[]), "Topics");

        theme.files.get_mut("strings/en.yaml").unwrap().contents = b"funding: [1, 2]\n".to_vec();
        let problems = Strings::load(&theme, "en").unwrap_err();
        assert_eq!(problems[0].code, Code::Theme);
    }
}
