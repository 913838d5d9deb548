//! The reader-facing words of a theme: every word byline itself writes into a page or feed (the
//! funding sentence, byline roles, page and feed titles) comes from the theme's strings file
//! for the site's language (`strings/<language>.yaml`), never from Rust code, and templates
//! reach the same words through `t(...)`. English ships with the default theme; a site's own
//! theme folder can replace any string.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::{DEFAULT_THEME_FILES, Theme};
use crate::dates::{DateFormat, DateNames, DateStyle, MONTHS};
use crate::diag::{Code, Diagnostic};
use crate::yaml::{self, FreeValue};

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

/// The keys of the weekdays' names under `date.` (the months' are [`MONTHS`]).
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

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
        let _ = strings.add(built_in, None);
        strings
    }

    /// The words of `theme` for `language` (`de`, `de-CH`): the default theme's English, then
    /// the default theme's words for the language, then the site's own strings files, then
    /// site.yaml's `strings:` (`overrides`), each key by key over the ones before. A string the
    /// language has nowhere is English, with a warning saying which.
    pub fn load(
        theme: &Theme,
        language: &str,
        overrides: &FreeValue,
    ) -> Result<(Strings, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut strings = Strings::english();
        strings.language = language.to_string();
        let mut problems = Vec::new();
        let mut translated: HashSet<String> = HashSet::new();
        let base = language.split(['-', '_']).next().unwrap_or(language);
        let mut languages = vec![FALLBACK_LANGUAGE];
        for wanted in [base, language] {
            if !languages
                .iter()
                .any(|known| known.eq_ignore_ascii_case(wanted))
            {
                languages.push(wanted);
            }
        }
        let english = |name: &str| name.eq_ignore_ascii_case(FALLBACK_LANGUAGE);
        let mut found_any = english(base);
        for name in languages {
            let (site, built_in) = theme.strings_files(name);
            let layer = if english(name) {
                None
            } else {
                Some(&mut translated)
            };
            if !english(name)
                && let Some(built_in) = built_in
            {
                found_any = true;
                let _ = strings.add(built_in, layer);
            }
            if let Some(file) = site {
                found_any |= !english(name);
                let layer = if english(name) {
                    None
                } else {
                    Some(&mut translated)
                };
                if let Err(message) = strings.add(&file.contents, layer) {
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
        }
        if let FreeValue::Map(entries) = overrides {
            for (key, value) in entries {
                if let FreeValue::Text(key) = key {
                    strings.add_override(key.clone(), value, &mut translated);
                }
            }
        }
        if let Some(Err(message)) = strings.date_format() {
            problems.push(
                Diagnostic::new(
                    Code::Theme,
                    crate::layout::CONFIG_FILE,
                    format!("the theme's date format for `{language}` (`date.format` in its strings) cannot be used: {message}"),
                )
                .with_hint("use strftime codes, e.g. \"%-d %B %Y\" for 9 February 2022"),
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let warnings = strings.untranslated(found_any, &translated);
        Ok((strings, warnings))
    }

    /// The warning for the strings the site's language has no words for, if any.
    fn untranslated(&self, found_any: bool, translated: &HashSet<String>) -> Vec<Diagnostic> {
        let language = &self.language;
        let base = language.split(['-', '_']).next().unwrap_or(language);
        if base.eq_ignore_ascii_case(FALLBACK_LANGUAGE) {
            return Vec::new();
        }
        let warning = |message: String| {
            Diagnostic::new(Code::StringsMissing, crate::layout::CONFIG_FILE, message).with_hint(
                format!(
                    "copy themes/default/strings/en.yaml to themes/default/strings/{base}.yaml in the site and translate it, or give the words under `strings:` in site.yaml"
                ),
            )
        };
        if !found_any {
            return vec![warning(format!(
                "the theme has no words in `{language}`, the site's language: readers see its English ones"
            ))];
        }
        let mut missing: Vec<&String> = self
            .entries
            .keys()
            .filter(|key| !translated.contains(*key))
            .collect();
        missing.sort();
        if missing.is_empty() {
            return Vec::new();
        }
        let shown: Vec<&str> = missing.iter().take(8).map(|key| key.as_str()).collect();
        let more = missing.len().saturating_sub(shown.len());
        vec![warning(format!(
            "the theme has no `{language}` words for {} string{} ({}{}): readers see them in English",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ))]
    }

    /// Sets `key` (dotted, as in the strings files) from site.yaml's `strings:`.
    fn add_override(&mut self, key: String, value: &FreeValue, translated: &mut HashSet<String>) {
        match value {
            FreeValue::Map(entries) => {
                let forms: Option<HashMap<String, String>> = entries
                    .iter()
                    .map(|(category, text)| match (category, text) {
                        (FreeValue::Text(category), FreeValue::Text(text))
                            if PLURAL_CATEGORIES.contains(&category.as_str()) =>
                        {
                            Some((category.clone(), text.clone()))
                        }
                        _ => None,
                    })
                    .collect();
                match forms {
                    Some(forms) if forms.contains_key("other") => {
                        translated.insert(key.clone());
                        self.entries.insert(key, Entry::Plural(forms));
                    }
                    _ => {
                        for (name, value) in entries {
                            if let FreeValue::Text(name) = name {
                                self.add_override(format!("{key}.{name}"), value, translated);
                            }
                        }
                    }
                }
            }
            FreeValue::Text(text) => {
                translated.insert(key.clone());
                self.entries.insert(key, Entry::Text(text.clone()));
            }
            FreeValue::Integer(number) => {
                translated.insert(key.clone());
                self.entries.insert(key, Entry::Text(number.to_string()));
            }
            _ => {}
        }
    }

    /// Adds the strings of one file over the ones already there, noting in `translated` the
    /// keys it gives (for a language other than English).
    fn add(
        &mut self,
        contents: &[u8],
        mut translated: Option<&mut HashSet<String>>,
    ) -> Result<(), String> {
        let text = std::str::from_utf8(contents).map_err(|_| "it is not UTF-8 text".to_string())?;
        let groups: HashMap<String, Node> = yaml::from_str(text)?;
        for (key, node) in groups {
            self.add_node(key, node, &mut translated);
        }
        Ok(())
    }

    fn add_node(&mut self, key: String, node: Node, translated: &mut Option<&mut HashSet<String>>) {
        if let Some(translated) = translated.as_deref_mut()
            && matches!(node, Node::Text(_))
        {
            translated.insert(key.clone());
        }
        match node {
            Node::Text(text) => {
                self.entries.insert(key, Entry::Text(text));
            }
            Node::Group(group) if is_plural(&group) => {
                if let Some(translated) = translated.as_deref_mut() {
                    translated.insert(key.clone());
                }
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
                    self.add_node(format!("{key}.{name}"), node, translated);
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
        self.text(key, None).map(|text| fill(text, values))
    }

    /// The form of `key` for the number `count` (filled in as `{count}`), with the other
    /// placeholders from `values`.
    pub fn count(&self, key: &str, count: i64, values: &[(&str, &str)]) -> Option<String> {
        let count_text = count.to_string();
        let mut all = vec![("count", count_text.as_str())];
        all.extend_from_slice(values);
        self.text(key, Some(count)).map(|text| fill(text, &all))
    }

    /// The text of `key` as written, placeholders unfilled: with `count`, its form for that
    /// number; without, its `other` form.
    pub fn text(&self, key: &str, count: Option<i64>) -> Option<&str> {
        match self.entries.get(key)? {
            Entry::Text(text) => Some(text),
            Entry::Plural(forms) => {
                let category =
                    count.map_or("other", |count| plural_category(&self.language, count));
                forms
                    .get(category)
                    .or_else(|| forms.get("other"))
                    .map(String::as_str)
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

    /// How pages write a day: site.yaml's `date_format` (`site_format`) or else the language's
    /// (`date.format`), with the language's names of months and weekdays.
    pub fn date_style(&self, site_format: Option<&DateFormat>) -> DateStyle {
        DateStyle {
            format: site_format
                .cloned()
                .or_else(|| self.date_format().and_then(Result::ok))
                .unwrap_or_default(),
            names: DateNames {
                months: self.names("months", &MONTHS),
                months_short: self.names("months_short", &MONTHS),
                weekdays: self.names("weekdays", &WEEKDAYS),
                weekdays_short: self.names("weekdays_short", &WEEKDAYS),
            },
        }
    }

    /// The names under `date.<group>.`, in the order of `keys` (the English ones fill gaps).
    fn names<const N: usize>(&self, group: &str, keys: &[&str; N]) -> [String; N] {
        std::array::from_fn(|i| self.say(&format!("date.{group}.{}", keys[i]), &[]))
    }

    /// The language's `date.format`, checked, when the theme has one.
    fn date_format(&self) -> Option<Result<DateFormat, String>> {
        self.format("date.format", &[])
            .map(|pattern| DateFormat::new(&pattern))
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
pub(crate) fn fill(text: &str, values: &[(&str, &str)]) -> String {
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
        "footnote.back",
        "funding.story_in_series",
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
        let (strings, warnings) = Strings::load(&theme, "en", &FreeValue::empty_map()).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(
            strings.say("funding.story", &[("funders", "X")]),
            "Paid for by X."
        );
        assert_eq!(strings.say("page.topics", &[]), "Topics");

        theme.files.get_mut("strings/en.yaml").unwrap().contents = b"funding: [1, 2]\n".to_vec();
        let problems = Strings::load(&theme, "en", &FreeValue::empty_map()).unwrap_err();
        assert_eq!(problems[0].code, Code::Theme);
    }

    /// The languages the default theme ships words for, besides English.
    const SHIPPED: &[&str] = &["de", "fr", "es"];

    #[test]
    fn every_shipped_language_has_every_word_and_a_date_format() {
        let theme = Theme::load(std::path::Path::new("/nonexistent-site"), "default").unwrap();
        let english = Strings::english();
        for language in SHIPPED {
            let (strings, warnings) =
                Strings::load(&theme, language, &FreeValue::empty_map()).unwrap();
            assert!(warnings.is_empty(), "{language}: {warnings:?}");
            for key in english.entries.keys() {
                let translated = strings.entries.get(key);
                assert!(translated.is_some(), "{language} lacks {key}");
                // Placeholders survive translation.
                let placeholders = |entry: &Entry| -> Vec<String> {
                    let text = match entry {
                        Entry::Text(text) => text.clone(),
                        Entry::Plural(forms) => forms["other"].clone(),
                    };
                    let mut names: Vec<String> = text
                        .split('{')
                        .skip(1)
                        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                        .collect();
                    names.sort();
                    names
                };
                assert_eq!(
                    placeholders(translated.unwrap()),
                    placeholders(&english.entries[key]),
                    "{language} {key}"
                );
            }
            assert!(strings.date_format().unwrap().is_ok(), "{language}");
        }
    }

    #[test]
    fn dates_are_written_the_language_s_way_unless_the_site_says() {
        let theme = Theme::load(std::path::Path::new("/nonexistent-site"), "default").unwrap();
        let day = jiff::civil::Date::constant(2026, 3, 5);
        let written = |language: &str, site: Option<&str>| {
            let (strings, _) = Strings::load(&theme, language, &FreeValue::empty_map()).unwrap();
            let site = site.map(|pattern| DateFormat::new(pattern).unwrap());
            strings.date_style(site.as_ref()).format(day)
        };
        assert_eq!(written("en", None), "5 March 2026");
        assert_eq!(written("de", None), "5. März 2026");
        assert_eq!(written("de-AT", None), "5. März 2026");
        assert_eq!(written("fr", None), "5 mars 2026");
        assert_eq!(written("es", None), "5 de marzo de 2026");
        assert_eq!(written("de", Some("%A, %-d. %b")), "Donnerstag, 5. März");
        assert_eq!(written("it", None), "5 March 2026");
    }

    #[test]
    fn a_theme_date_format_that_cannot_be_used_is_reported() {
        let mut theme = Theme::load(std::path::Path::new("/nonexistent-site"), "default").unwrap();
        theme.files.insert(
            "strings/de.yaml".into(),
            super::super::ThemeFile {
                origin: super::super::Origin::Site("themes/default/strings/de.yaml".into()),
                contents: b"date:\n  format: \"%Q\"\n".to_vec(),
            },
        );
        let problems = Strings::load(&theme, "de", &FreeValue::empty_map()).unwrap_err();
        assert_eq!(problems[0].code, Code::Theme);
        assert!(
            problems[0].message.contains("date.format"),
            "{}",
            problems[0].message
        );
    }
}
