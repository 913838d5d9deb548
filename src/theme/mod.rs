//! The theme: finds the template, static and strings files of the site's theme, layering the
//! site's own files over the default theme compiled into the binary ([`Theme`]); compiles its
//! templates ([`templates`]); reads its reader-facing words ([`strings`]).

pub mod strings;
pub mod templates;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};
use crate::layout::{CONFIG_FILE, THEMES_DIR};
use crate::safe_read::{ReadError, read_regular};
use crate::url::web_path;

pub use strings::Strings;
pub use templates::Templates;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The largest theme file byline reads (32 MiB): templates, stylesheets and the odd font or
/// picture; every one is kept in memory while byline runs.
const MAX_THEME_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The theme a site gets when site.yaml names none, compiled into byline.
pub const DEFAULT_THEME: &str = "default";

/// Where a theme file comes from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file of the site (relative to the site root).
    Site(PathBuf),
    /// The default theme inside the byline binary.
    BuiltIn(String),
}

impl Origin {
    /// The path to show in diagnostics.
    pub fn display_path(&self) -> PathBuf {
        match self {
            Origin::Site(path) => path.clone(),
            Origin::BuiltIn(name) => {
                PathBuf::from(format!("themes/default/{name} (built into byline)"))
            }
        }
    }
}

/// A file of the theme with its contents.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub origin: Origin,
    pub contents: Vec<u8>,
}

/// The site's theme: every template and static file by its path inside the theme
/// (`templates/story.html`, `static/style.css`), the site's files winning over the default's.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub files: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// Loads theme `name` for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let mut files: BTreeMap<String, ThemeFile> = DEFAULT_THEME_FILES
            .iter()
            .map(|(path, contents)| {
                (
                    path.to_string(),
                    ThemeFile {
                        origin: Origin::BuiltIn(path.to_string()),
                        contents: contents.to_vec(),
                    },
                )
            })
            .collect();
        let site_theme = root.join(THEMES_DIR).join(name);
        if !site_theme.is_dir() {
            if name == DEFAULT_THEME {
                return Ok(Theme { files });
            }
            return Err(Diagnostic::new(
                Code::Theme,
                CONFIG_FILE,
                format!("the theme \"{name}\" does not exist: there is no folder themes/{name}"),
            )
            .with_hint(
                "create the folder, or remove `theme:` from site.yaml to use the default theme",
            ));
        }
        let walker = WalkDir::new(&site_theme)
            .follow_root_links(false)
            .sort_by_file_name();
        for entry in walker {
            let entry = entry.map_err(|error| {
                Diagnostic::new(
                    Code::Theme,
                    site_theme.strip_prefix(root).unwrap_or(&site_theme),
                    format!("cannot read the theme folder: {error}"),
                )
            })?;
            // A template or stylesheet linked from outside the site is refused, like any link.
            if let Some(refused) = crate::site_files::refused(root, &entry) {
                return Err(refused);
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let inside = web_path(
                entry
                    .path()
                    .strip_prefix(&site_theme)
                    .unwrap_or(entry.path()),
            );
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_path_buf();
            let contents = read_regular(entry.path(), MAX_THEME_FILE_BYTES).map_err(|error| {
                let problem = match error {
                    ReadError::Io(error) => error.to_string(),
                    ReadError::TooLarge(_) => format!(
                        "it is larger than the {} MB byline reads for a theme file",
                        MAX_THEME_FILE_BYTES / (1024 * 1024)
                    ),
                };
                Diagnostic::new(
                    Code::Theme,
                    &relative,
                    format!("cannot read this theme file: {problem}"),
                )
            })?;
            files.insert(
                inside,
                ThemeFile {
                    origin: Origin::Site(relative),
                    contents,
                },
            );
        }
        Ok(Theme { files })
    }

    /// Templates: name (path inside `templates/`) and file.
    pub fn templates(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files
            .iter()
            .filter_map(|(path, file)| Some((path.strip_prefix("templates/")?, file)))
    }

    /// The static file at `path` inside `static/`.
    pub fn static_file(&self, path: &str) -> Option<&ThemeFile> {
        self.files.get(&format!("static/{path}"))
    }

    /// The theme's strings file for `language` (`strings/de.yaml`), as the site's theme folder
    /// has it, or as byline's default theme has it: (the site's, the built-in).
    pub fn strings_files(&self, language: &str) -> (Option<&ThemeFile>, Option<&'static [u8]>) {
        let path = format!("strings/{language}.yaml");
        let built_in = DEFAULT_THEME_FILES
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, contents)| *contents);
        let site = self
            .files
            .get(&path)
            .filter(|file| matches!(file.origin, Origin::Site(_)));
        (site, built_in)
    }

    /// The ids the theme's templates give their elements as written (`id="main"`): no heading
    /// or footnote of a story text may take one of them, or the page would have two elements
    /// of one id. Ids a template makes itself (`id="{{ claim.anchor }}"`) are byline's, which
    /// reserves them where they are made.
    pub fn element_ids(&self) -> HashSet<String> {
        self.templates()
            .flat_map(|(_, file)| {
                let text = String::from_utf8_lossy(&file.contents);
                literal_ids(&text)
                    .map(str::to_owned)
                    .collect::<Vec<String>>()
            })
            .collect()
    }

    /// Static files: path inside `static/` (the path in the output) and file.
    pub fn static_files(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files
            .iter()
            .filter_map(|(path, file)| Some((path.strip_prefix("static/")?, file)))
    }
}

/// The values of the `id` attributes written in `template` as plain text.
fn literal_ids(template: &str) -> impl Iterator<Item = &str> {
    template.match_indices("id=").filter_map(move |(at, _)| {
        // `id=` itself, not `data-id=` or `aria-labelledby=`.
        let before = template[..at].chars().next_back()?;
        if !before.is_ascii_whitespace() {
            return None;
        }
        let quoted = &template[at + "id=".len()..];
        let quote = quoted.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let value = &quoted[1..];
        let value = &value[..value.find(quote)?];
        let literal = !value.is_empty()
            && !value.contains(['{', '}', '%'])
            && !value.contains(char::is_whitespace);
        literal.then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_ids_are_the_literal_ids_of_the_templates() {
        let ids: Vec<&str> = literal_ids(
            "<main id=\"main\"><h2 id='claims-heading' aria-labelledby=\"x\" data-id=\"y\">\n<p id=\"{{ claim.anchor }}\"><p\nid=\"a-{{ n }}\"><b id=\"sources\">",
        )
        .collect();
        assert_eq!(ids, ["main", "claims-heading", "sources"]);
        let theme = Theme::load(Path::new("/nonexistent-site"), DEFAULT_THEME).unwrap();
        let ids = theme.element_ids();
        for id in [
            "main",
            "story-title",
            "corrections",
            "claims-heading",
            "sources-heading",
        ] {
            assert!(ids.contains(id), "{id} not in {ids:?}");
        }
    }

    #[test]
    fn default_theme_is_built_in() {
        let theme = Theme::load(Path::new("/nonexistent-site"), DEFAULT_THEME).unwrap();
        let templates: Vec<&str> = theme.templates().map(|(name, _)| name).collect();
        for needed in [
            "base.html",
            "story.html",
            "series.html",
            "home.html",
            "404.html",
        ] {
            assert!(
                templates.contains(&needed),
                "{needed} missing from {templates:?}"
            );
        }
        assert!(theme.static_files().any(|(name, _)| name == "style.css"));
    }

    #[test]
    fn unknown_theme_is_an_error() {
        let error = Theme::load(Path::new("/nonexistent-site"), "fancy").unwrap_err();
        assert_eq!(error.code, Code::Theme);
    }
}
