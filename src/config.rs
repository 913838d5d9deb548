//! Site configuration: reads and validates `site.yaml` into a [`SiteConfig`].

use std::path::Path;

use jiff::tz::TimeZone;
use language_tags::LanguageTag;

use crate::dates::{DateFormat, time_zone};
use crate::diag::{Code, Diagnostic};
use crate::layout::CONFIG_FILE;
use crate::safe_read::{ReadError, read_regular};
use crate::site_files::{self, MAX_SOURCE_BYTES};
use crate::url::unsafe_link;
use crate::yaml::{FreeValue, Located, MappingReader};

const SITE_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "date_format",
    "timezone",
    "description",
    "image",
    "icon",
    "funding_note",
    "publisher",
    "funders",
    "people",
    "checks",
    "safe_html",
    "strings",
    "paginate",
    "search",
];
const CHECKS_KEYS: &[&str] = &["warn"];
const PUBLISHER_KEYS: &[&str] = &["name", "url", "logo"];
const FUNDER_KEYS: &[&str] = &["name", "url", "description"];
const PERSON_KEYS: &[&str] = &["name", "title", "role", "bio", "url"];

/// The validated contents of `site.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, without a trailing slash: `https://example.org` or `https://example.org/news`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    /// How pages write a day, when the site says (else the theme's language decides).
    pub date_format: Option<DateFormat>,
    /// The newsroom's time zone (`timezone`, an IANA name; UTC when not given): a date written
    /// without a time is that day there.
    pub timezone: TimeZone,
    /// What the site is, for the home page's and other listings' meta description.
    pub description: Option<String>,
    /// The site's default picture for link previews (`og:image`) of pages without their own: a
    /// site path or a URL.
    pub image: Option<String>,
    /// The site's icon (`<link rel="icon">`): a site path or a URL; the theme's
    /// `/favicon.svg` when not given.
    pub icon: Option<String>,
    pub funding_note: Option<String>,
    pub publisher: Option<Publisher>,
    pub funders: Vec<Funder>,
    pub people: Vec<PersonProfile>,
    /// Check codes this site reports as warnings instead of errors (`checks: {warn: [...]}`).
    pub relaxed_checks: Vec<Code>,
    /// Clean the HTML of story texts and series descriptions (`safe_html: true`, or
    /// `--safe-html`): see `markdown::sanitize`.
    pub safe_html: bool,
    /// The site's own words over the theme's (`strings:`), as the theme's strings files are
    /// written.
    pub strings: FreeValue,
    /// Stories a listing page shows (`paginate:`, default [`DEFAULT_PAGINATE`]); a series'
    /// `_index.md` may say otherwise for its own pages.
    pub paginate: usize,
    /// Build a search index and the `/search/` page (`search: false` turns it off).
    pub search: bool,
}

/// Stories a listing page shows when site.yaml does not say.
pub const DEFAULT_PAGINATE: usize = 20;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Publisher {
    pub name: Option<String>,
    pub url: Option<String>,
    pub logo: Option<String>,
}

/// An entry of the funders registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Funder {
    pub name: String,
    pub url: Option<String>,
    pub description: Option<String>,
}

/// What the site says about a journalist, shown on their people page.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonProfile {
    pub name: String,
    pub title: Option<String>,
    pub bio: Option<String>,
    pub url: Option<String>,
}

impl SiteConfig {
    /// The configuration with what the command line says over site.yaml: another address to
    /// publish for (`--base-url`), safe HTML (`--safe-html` only ever switches it on).
    pub fn with_overrides(mut self, base_url: Option<&str>, safe_html: bool) -> SiteConfig {
        if let Some(base_url) = base_url {
            self.base_url = base_url.trim_end_matches('/').to_string();
        }
        self.safe_html |= safe_html;
        self
    }

    /// The absolute URL of the site path `site_path` (`/topics/`), under `base_url` and its own
    /// path (a site may live at `https://newsroom.github.io/site`).
    pub fn absolute_url(&self, site_path: &str) -> String {
        if site_path.starts_with("http://") || site_path.starts_with("https://") {
            return site_path.to_string();
        }
        format!("{}{}", self.base_url, site_path)
    }

    /// The path `base_url` has after its host: empty for a site at the root of its host,
    /// `/site` for `https://newsroom.github.io/site`.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |at| at + 3);
        self.base_url[after_scheme..]
            .find('/')
            .map_or("", |at| &self.base_url[after_scheme + at..])
    }

    /// How a page links to the site path `site_path`: under the base path (`/site/topics/` for
    /// `/topics/` on a project site). The one place byline turns a site path into a link; other
    /// URLs (`https://...`, `mailto:`, `#notes`, relative ones) are kept as they are.
    pub fn href(&self, site_path: &str) -> String {
        if site_path.starts_with('/') && !site_path.starts_with("//") {
            format!("{}{site_path}", self.base_path())
        } else {
            site_path.to_string()
        }
    }

    /// The absolute URL of `href`, a link as it stands in a page (already under the base path).
    pub fn absolute_href(&self, href: &str) -> String {
        if href.starts_with('/') && !href.starts_with("//") {
            let origin = &self.base_url[..self.base_url.len() - self.base_path().len()];
            format!("{origin}{href}")
        } else {
            href.to_string()
        }
    }

    pub fn funder(&self, name: &str) -> Option<&Funder> {
        self.funders.iter().find(|funder| funder.name == name)
    }
}

/// Reads `<root>/site.yaml`. Every problem in the file is returned at once. Like every file of
/// the site, it is read only when it is a regular file: a symbolic link there is reported
/// (`E-SYMLINK`) and not followed, a named pipe is not waited on.
pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    if site_files::is_symlink(&path) {
        return Err(vec![site_files::symlink_finding(
            &path,
            Path::new(CONFIG_FILE),
        )]);
    }
    let cannot_read = |problem: String| {
        vec![
            Diagnostic::new(
                Code::SiteRead,
                CONFIG_FILE,
                format!("cannot read the site configuration: {problem}"),
            )
            .with_hint(format!(
                "run byline in the site's folder (the one with {CONFIG_FILE}) or pass --root DIR"
            )),
        ]
    };
    let bytes = read_regular(&path, MAX_SOURCE_BYTES).map_err(|error| match error {
        ReadError::Io(error) => cannot_read(error.to_string()),
        ReadError::TooLarge(bytes) => cannot_read(format!(
            "it is {bytes} bytes, more than the {} MB byline reads from one file",
            MAX_SOURCE_BYTES / (1024 * 1024)
        )),
    })?;
    let text =
        String::from_utf8(bytes).map_err(|_| cannot_read("it is not UTF-8 text".to_string()))?;
    parse(&text, Path::new(CONFIG_FILE))
}

/// Parses the text of a `site.yaml`; `path` is used in messages.
pub fn parse(text: &str, path: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let mut reader = MappingReader::for_file(text, path).map_err(|mut diagnostic| {
        diagnostic.code = Code::ConfigSyntax;
        diagnostic.message = diagnostic.message.replace("the front matter", "site.yaml");
        vec![diagnostic]
    })?;

    let title = required(
        &mut reader,
        "title",
        "the site's name, e.g. `title: The Ledger Bureau`",
    );
    let base_url = reader.text("base_url");
    let base_url = match base_url {
        None => {
            required_missing(
                &mut reader,
                "base_url",
                "the address the site is published at, e.g. `base_url: https://example.org`",
            );
            None
        }
        Some(url) => match normalise_base_url(&url.value) {
            Ok(url) => Some(url),
            Err(message) => {
                reader.report(
                    Diagnostic::new(Code::ConfigValue, path, message)
                        .at_position(url.position)
                        .with_hint("write the full address, starting with https://"),
                );
                None
            }
        },
    };
    let language = match reader.text("language") {
        None => "en".to_string(),
        Some(language) => match LanguageTag::parse(language.value.trim()) {
            Ok(_) => language.value.trim().to_string(),
            Err(error) => {
                reader.report(
                    Diagnostic::new(
                        Code::ConfigValue,
                        path,
                        format!(
                            "`language` \"{}\" is not a language tag ({error}); pages declare it as their language",
                            language.value
                        ),
                    )
                    .at_position(language.position)
                    .with_hint("write a BCP 47 language tag, e.g. en, en-GB, de-CH or pt-BR"),
                );
                "en".to_string()
            }
        },
    };
    let theme = reader
        .text("theme")
        .map_or_else(|| "default".to_string(), |t| t.value);
    let date_format = reader.text("date_format").and_then(|pattern| {
        DateFormat::new(&pattern.value)
            .map_err(|message| {
                reader.report(
                    Diagnostic::new(Code::ConfigValue, path, message)
                        .at_position(pattern.position)
                        .with_hint("use strftime codes, e.g. \"%-d %B %Y\" for 9 February 2022"),
                );
            })
            .ok()
    });
    let timezone = match reader.text("timezone") {
        None => TimeZone::UTC,
        Some(name) => time_zone(&name.value).unwrap_or_else(|message| {
            reader.report(
                Diagnostic::new(Code::ConfigValue, path, message)
                    .at_position(name.position)
                    .with_hint("the newsroom's zone, e.g. `timezone: Europe/London`"),
            );
            TimeZone::UTC
        }),
    };
    let mut optional_text = |key: &str| {
        reader
            .text(key)
            .map(|value| value.value.trim().to_string())
            .filter(|value| !value.is_empty())
    };
    let description = optional_text("description");
    let image = optional_text("image");
    let icon = optional_text("icon");
    let funding_note = reader.text("funding_note").map(|note| note.value);
    let publisher = reader
        .object("publisher", PUBLISHER_KEYS, |publisher| Publisher {
            name: publisher.text("name").map(|v| v.value),
            url: link(publisher, "url", "publisher: url"),
            logo: link(publisher, "logo", "publisher: logo"),
        })
        .map(|publisher| publisher.value);
    let funders = reader.list("funders", FUNDER_KEYS, |funder| {
        let name = funder.text("name");
        if name.is_none() {
            let position = funder.scope_position();
            let path = funder.path().to_path_buf();
            funder.report(
                Diagnostic::new(Code::ConfigMissing, path, "this funder has no `name`")
                    .at_position(position),
            );
        }
        let name = name.and_then(|name| {
            not_blank(
                funder,
                name,
                "this funder's `name` is empty",
                "the funder's name",
            )
        });
        // Every field is read, named or not, so that none is reported as unknown.
        let url = link(funder, "url", "funders: url");
        let description = funder.text("description").map(|v| v.value);
        name.map(|name| Funder {
            name,
            url,
            description,
        })
    });
    let people = reader.list("people", PERSON_KEYS, |person| {
        let name = person.text("name");
        if name.is_none() {
            let position = person.scope_position();
            let path = person.path().to_path_buf();
            person.report(
                Diagnostic::new(Code::ConfigMissing, path, "this person has no `name`")
                    .at_position(position),
            );
        }
        let name = name.and_then(|name| {
            not_blank(
                person,
                name,
                "this person's `name` is empty",
                "the person's name",
            )
        });
        // `role` is another name for `title`; both are read so neither is called unknown.
        let role = person.text("role");
        let title = person.text("title").or(role);
        let bio = person.text("bio").map(|v| v.value);
        let url = link(person, "url", "people: url");
        name.map(|name| PersonProfile {
            name,
            title: title.map(|v| v.value),
            bio,
            url,
        })
    });

    let relaxed_checks = reader
        .object("checks", CHECKS_KEYS, |checks| {
            let codes_written = checks.names("warn");
            let mut relaxed = Vec::new();
            if let Some(written) = codes_written {
                for code in written.value {
                    match Code::parse(&code) {
                        Some(known) if known.relaxable() => relaxed.push(known),
                        _ => {
                            let path = checks.path().to_path_buf();
                            checks.report(
                                Diagnostic::new(
                                    Code::ConfigValue,
                                    path,
                                    format!("`{code}` cannot be turned into a warning"),
                                )
                                .at_position(written.position)
                                .with_hint(format!(
                                    "only these checks can: {}",
                                    Code::relaxable_codes()
                                        .map(Code::as_str)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )),
                            );
                        }
                    }
                }
            }
            relaxed
        })
        .map(|relaxed| relaxed.value)
        .unwrap_or_default();
    let safe_html = reader
        .typed::<bool>("safe_html", "true or false")
        .is_some_and(|safe| safe.value);
    let strings = reader
        .mapping("strings")
        .map_or_else(FreeValue::empty_map, |strings| strings.value);
    let paginate = match reader.typed::<u64>("paginate", "a whole number of stories per page") {
        None => DEFAULT_PAGINATE,
        Some(written) if written.value >= 1 => usize::try_from(written.value).unwrap_or(usize::MAX),
        Some(written) => {
            reader.report(
                Diagnostic::new(Code::ConfigValue, path, "`paginate` must be at least 1")
                    .at_position(written.position)
                    .with_hint(format!("the number of stories a listing page shows, e.g. `paginate: {DEFAULT_PAGINATE}`")),
            );
            DEFAULT_PAGINATE
        }
    };
    let search = reader
        .typed::<bool>("search", "true or false")
        .is_none_or(|search| search.value);
    let mut diagnostics = reader.finish(SITE_KEYS, "site.yaml");
    for diagnostic in &mut diagnostics {
        if diagnostic.code == Code::FrontUnknownKey {
            diagnostic.code = Code::ConfigUnknownKey;
        } else if diagnostic.code == Code::FrontType {
            diagnostic.code = Code::ConfigValue;
        }
    }
    match (title, base_url) {
        (Some(title), Some(base_url)) if diagnostics.is_empty() => Ok(SiteConfig {
            title,
            base_url,
            language,
            theme,
            date_format,
            timezone,
            description,
            image,
            icon,
            funding_note,
            publisher,
            funders: funders.into_iter().flatten().collect(),
            people: people.into_iter().flatten().collect(),
            relaxed_checks,
            safe_html,
            strings,
            paginate,
            search,
        }),
        _ => Err(diagnostics),
    }
}

/// The web address at `key` (`shown` in messages), unless a browser would read it as
/// anything but an http(s) or mailto address or a path of the site: then it is reported where
/// it is written, and left out.
fn link(reader: &mut MappingReader, key: &str, shown: &str) -> Option<String> {
    let value = reader.text(key)?;
    let Some(why) = unsafe_link(&value.value) else {
        return Some(value.value);
    };
    let path = reader.path().to_path_buf();
    reader.report(
        Diagnostic::new(
            Code::ConfigValue,
            path,
            format!("`{shown}` is not an address byline publishes as a link: {why}"),
        )
        .at_position(value.position)
        .with_hint("write the full address, starting with https://, or a path of the site"),
    );
    None
}

fn required(reader: &mut MappingReader, key: &str, what: &str) -> Option<String> {
    let value = reader.text(key);
    if value.is_none() && !reader.commented_keys().iter().any(|written| written == key) {
        required_missing(reader, key, what);
    }
    let value = value?;
    not_blank(
        reader,
        value,
        &format!("`{key}` in site.yaml is empty"),
        what,
    )
}

/// `value`, unless it is blank: a site, funder or person named with spaces would be published
/// as an empty line, so it is reported where it is written.
fn not_blank(
    reader: &mut MappingReader,
    value: Located<String>,
    message: &str,
    what: &str,
) -> Option<String> {
    if !value.value.trim().is_empty() {
        return Some(value.value);
    }
    let path = reader.path().to_path_buf();
    reader.report(
        Diagnostic::new(Code::ConfigMissing, path, message)
            .at_position(value.position)
            .with_hint(format!("write {what}")),
    );
    None
}

fn required_missing(reader: &mut MappingReader, key: &str, what: &str) {
    let path = reader.path().to_path_buf();
    reader.report(
        Diagnostic::new(
            Code::ConfigMissing,
            path,
            format!("site.yaml needs `{key}`"),
        )
        .at(1, 1)
        .with_hint(format!("add {what}")),
    );
}

/// `url` as the address the site is published at (`base_url`, `--base-url`): http(s), a host,
/// maybe a path, without a trailing slash; or why it cannot be. Every address byline writes is
/// this with a site path after it, so a `?query` or `#fragment` (or a user name and password)
/// would end up inside every link.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    let host = rest.map(|rest| rest.split('/').next().unwrap_or(""));
    match (rest, host) {
        (Some(rest), Some(host))
            if !host.is_empty()
                && !rest.contains(|c: char| c.is_whitespace() || c.is_control()) =>
        {
            if rest.contains(['?', '#']) {
                Err(format!(
                    "the site's address \"{url}\" has a ?query or #fragment, which would end up in the middle of every link"
                ))
            } else if host.contains('@') {
                Err(format!(
                    "the site's address \"{url}\" holds a user name or password, which would be published in every link"
                ))
            } else {
                Ok(trimmed.to_string())
            }
        }
        _ => Err(format!(
            "`base_url` must be a full web address like https://example.org, not \"{url}\""
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        parse(text, Path::new("site.yaml"))
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse_str("title: T\nbase_url: https://example.org/\n").unwrap();
        assert_eq!(config.base_url, "https://example.org");
        assert_eq!(config.language, "en");
        assert_eq!(config.theme, "default");
        assert_eq!(config.date_format, None);
        assert_eq!(config.timezone, TimeZone::UTC);
        assert_eq!(config.absolute_url("/a/"), "https://example.org/a/");
        assert_eq!(config.paginate, DEFAULT_PAGINATE);
        assert!(config.search);
    }

    #[test]
    fn paginate_and_search() {
        let config =
            parse_str("title: T\nbase_url: https://x.org\npaginate: 5\nsearch: false\n").unwrap();
        assert_eq!((config.paginate, config.search), (5, false));
        for bad in ["paginate: 0", "paginate: -3", "paginate: many"] {
            let errors =
                parse_str(&format!("title: T\nbase_url: https://x.org\n{bad}\n")).unwrap_err();
            assert_eq!(errors[0].code, Code::ConfigValue, "{bad}");
            assert_eq!(errors[0].line, Some(3), "{bad}");
        }
    }

    #[test]
    fn full_config() {
        let config = parse_str(
            "title: T\nbase_url: https://example.org\nfunding_note: None.\npublisher:\n  name: P\n  logo: /logo.png\nfunders:\n  - name: OSF\n    url: https://osf.example\npeople:\n  - name: Meirion Jones\n    role: Investigations editor\n    bio: B\n",
        )
        .unwrap();
        assert_eq!(config.funders[0].name, "OSF");
        assert_eq!(
            config.people[0].title.as_deref(),
            Some("Investigations editor")
        );
        assert_eq!(config.publisher.unwrap().logo.as_deref(), Some("/logo.png"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_all_reported() {
        let errors = parse_str(
            "title: T\nbase_url: example.org\ndate_fromat: x\nfunders:\n  - name: A\n    web: x\n",
        )
        .unwrap_err();
        let found: Vec<_> = errors.iter().map(|d| (d.code, d.line)).collect();
        assert!(found.contains(&(Code::ConfigValue, Some(2))), "{found:?}");
        assert!(
            found.contains(&(Code::ConfigUnknownKey, Some(3))),
            "{found:?}"
        );
        assert!(
            found.contains(&(Code::ConfigUnknownKey, Some(6))),
            "{found:?}"
        );
        let typo = errors.iter().find(|d| d.line == Some(3)).unwrap();
        assert_eq!(typo.hint.as_deref(), Some("did you mean `date_format`?"));
    }

    #[test]
    fn blank_names_are_reported_where_written() {
        let errors = parse_str(
            "title: \" \"\nbase_url: https://x.org\nfunders:\n  - name: \"\"\npeople:\n  - name: \" \"\n    bio: B\n",
        )
        .unwrap_err();
        let found: Vec<_> = errors.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(
            found,
            [
                (Code::ConfigMissing, Some(1), Some(1)),
                (Code::ConfigMissing, Some(4), Some(5)),
                (Code::ConfigMissing, Some(6), Some(5)),
            ]
        );
    }

    #[test]
    fn a_person_may_have_a_title_or_a_role() {
        let config = parse_str(
            "title: T\nbase_url: https://x.org\npeople:\n  - name: A\n    role: Editor\n  - name: B\n    title: Reporter\n    role: Writer\n",
        )
        .unwrap();
        let titles: Vec<_> = config.people.iter().map(|p| p.title.as_deref()).collect();
        assert_eq!(titles, [Some("Editor"), Some("Reporter")]);
    }

    #[test]
    fn timezone_is_an_iana_name() {
        let config =
            parse_str("title: T\nbase_url: https://x.org\ntimezone: Europe/Oslo\n").unwrap();
        assert_eq!(config.timezone.iana_name(), Some("Europe/Oslo"));
        let errors =
            parse_str("title: T\nbase_url: https://x.org\ntimezone: Oslo time\n").unwrap_err();
        assert_eq!(
            errors.iter().map(|d| (d.code, d.line)).collect::<Vec<_>>(),
            [(Code::ConfigValue, Some(3))]
        );
    }

    #[test]
    fn missing_required_keys() {
        let errors = parse_str("language: en\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|d| d.code == Code::ConfigMissing));
    }
}
