//! One `Diagnostic` type for every problem byline reports: where (file, line, column), how bad,
//! a stable code, a message a journalist understands and, where there is one, a hint.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is. Errors stop a build; warnings are reported and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Stable codes, one per kind of finding. Tools and documentation refer to these strings, so a
/// code is never renamed once released. `E-` codes are errors, `W-` codes warnings.
pub mod codes {
    /// The site cannot be read: no site.yaml or no content folder.
    pub const SITE_READ: &str = "E-SITE-READ";
    /// Site.yaml is not valid YAML.
    pub const CONFIG_SYNTAX: &str = "E-CONFIG-SYNTAX";
    /// A key in site.yaml that byline does not know (with the nearest known key).
    pub const CONFIG_UNKNOWN_KEY: &str = "E-CONFIG-UNKNOWN-KEY";
    /// A value in site.yaml of the wrong kind (base_url, date_format, ...).
    pub const CONFIG_VALUE: &str = "E-CONFIG-VALUE";
    /// A required key of site.yaml is missing, or a name in it is blank.
    pub const CONFIG_MISSING: &str = "E-CONFIG-MISSING";
    /// A content file cannot be read or is not UTF-8.
    pub const FILE_READ: &str = "E-FILE-READ";
    /// A story or series file larger than byline reads (10 MB).
    pub const FILE_TOO_LARGE: &str = "E-FILE-TOO-LARGE";
    /// A symbolic link in content/, static/ or the theme folder (links are never followed).
    pub const SYMLINK: &str = "E-SYMLINK";
    /// A story has no front matter.
    pub const FRONT_MISSING: &str = "E-FRONT-MISSING";
    /// The front matter has no closing ---.
    pub const FRONT_UNCLOSED: &str = "E-FRONT-UNCLOSED";
    /// The front matter is not valid YAML.
    pub const FRONT_SYNTAX: &str = "E-FRONT-SYNTAX";
    /// The front matter's YAML aliases (`*name`) expand to more data than byline reads.
    pub const FRONT_TOO_LARGE: &str = "E-FRONT-TOO-LARGE";
    /// The front matter (or a field that takes fields) is not a set of `name: value` lines.
    pub const FRONT_NOT_MAPPING: &str = "E-FRONT-NOT-MAPPING";
    /// A field byline does not know, e.g. a typo (with the nearest known field).
    pub const FRONT_UNKNOWN_KEY: &str = "E-FRONT-UNKNOWN-KEY";
    /// A required field is missing or blank (title, date, reporter, editor, image src, ...).
    pub const FRONT_REQUIRED: &str = "E-FRONT-REQUIRED";
    /// A field has the wrong kind of value (a list where text belongs, ...).
    pub const FRONT_TYPE: &str = "E-FRONT-TYPE";
    /// A date that does not exist (2022-02-31) or is not written as YYYY-MM-DD.
    pub const FRONT_DATE: &str = "E-FRONT-DATE";
    /// A field still holds a TODO placeholder from `byline new`.
    pub const FRONT_PLACEHOLDER: &str = "E-FRONT-PLACEHOLDER";
    /// `publish_at` without a time and time zone.
    pub const EMBARGO_NO_ZONE: &str = "E-EMBARGO-NO-ZONE";
    /// A published story links to a story still under embargo.
    pub const EMBARGO_LINK: &str = "E-EMBARGO-LINK";
    /// The built site mentions an embargoed story (URL, slug or title); the build is refused.
    pub const EMBARGO_LEAK: &str = "E-EMBARGO-LEAK";
    /// The header image has no alt text.
    pub const CREDIT_IMAGE_ALT: &str = "E-CREDIT-IMAGE-ALT";
    /// The header image has no credit.
    pub const CREDIT_IMAGE_CREDIT: &str = "E-CREDIT-IMAGE-CREDIT";
    /// An image in the story text has no alt text.
    pub const CREDIT_INLINE_ALT: &str = "E-CREDIT-INLINE-ALT";
    /// An image in the story text has no `Credit:` in its title.
    pub const CREDIT_INLINE_CREDIT: &str = "E-CREDIT-INLINE-CREDIT";
    /// An empty name in reporter, editor or a credit role.
    pub const CREDIT_EMPTY_NAME: &str = "E-CREDIT-EMPTY-NAME";
    /// A story has no funder, neither its own nor its series'.
    pub const FUNDING_MISSING: &str = "E-FUNDING-MISSING";
    /// A story or series names a funder that is not in site.yaml's funders.
    pub const FUNDING_UNKNOWN: &str = "E-FUNDING-UNKNOWN";
    /// Quotes or lists in a story text nested more than 100 levels deep.
    pub const BODY_TOO_DEEP: &str = "E-BODY-TOO-DEEP";
    /// An internal link to a page that does not exist.
    pub const LINK_BROKEN: &str = "E-LINK-BROKEN";
    /// A link to #anchor that matches no heading of the target story.
    pub const LINK_ANCHOR: &str = "E-LINK-ANCHOR";
    /// An image or file that exists neither in static/ nor in the page bundle.
    pub const LINK_MISSING_FILE: &str = "E-LINK-MISSING-FILE";
    /// Two pages would be published at the same address.
    pub const STRUCTURE_DUPLICATE_URL: &str = "E-STRUCTURE-DUPLICATE-URL";
    /// A `slug` that cannot be used in a web address.
    pub const STRUCTURE_SLUG: &str = "E-STRUCTURE-SLUG";
    /// A Markdown file in a place where it would not be published.
    pub const STRUCTURE_LAYOUT: &str = "E-STRUCTURE-LAYOUT";
    /// A series folder without _index.md.
    pub const STRUCTURE_SERIES_INDEX: &str = "E-STRUCTURE-SERIES-INDEX";
    /// A story's `updated` is before its `date`.
    pub const STRUCTURE_UPDATED_BEFORE_DATE: &str = "E-STRUCTURE-UPDATED-BEFORE-DATE";
    /// A correction dated before the story.
    pub const STRUCTURE_CORRECTION_BEFORE_DATE: &str = "E-STRUCTURE-CORRECTION-BEFORE-DATE";
    /// A template of the theme has an error (names template, line and page).
    pub const TEMPLATE: &str = "E-TEMPLATE";
    /// The theme named in site.yaml does not exist or cannot be read.
    pub const THEME: &str = "E-THEME";
    /// The site cannot be written (disk full, no permission, unsafe output folder).
    pub const OUTPUT: &str = "E-OUTPUT";
    /// Warning: a story has no `summary` (the first paragraph is used).
    pub const SUMMARY_MISSING: &str = "W-SUMMARY-MISSING";
    /// Warning: a source without a `url`.
    pub const SOURCE_NO_URL: &str = "W-SOURCE-NO-URL";
    /// Warning: an image's alt text repeats its caption (alt should describe the picture).
    pub const IMAGE_ALT_IS_CAPTION: &str = "W-IMAGE-ALT-IS-CAPTION";
    /// Warning: a file in content/ that is not published (static files belong in static/).
    pub const STRUCTURE_UNPUBLISHED_FILE: &str = "W-STRUCTURE-UNPUBLISHED-FILE";

    /// Every code with what it means, for documentation and `byline check --list-codes`.
    pub const ALL: &[(&str, &str)] = &[
        (
            SITE_READ,
            "the site cannot be read: no site.yaml or no content folder",
        ),
        (CONFIG_SYNTAX, "site.yaml is not valid YAML"),
        (
            CONFIG_UNKNOWN_KEY,
            "a key in site.yaml that byline does not know (with the nearest known key)",
        ),
        (
            CONFIG_VALUE,
            "a value in site.yaml of the wrong kind (base_url, date_format, ...)",
        ),
        (CONFIG_MISSING, "a required key of site.yaml is missing"),
        (FILE_READ, "a content file cannot be read or is not UTF-8"),
        (
            FILE_TOO_LARGE,
            "a story or series file larger than byline reads (10 MB)",
        ),
        (
            SYMLINK,
            "a symbolic link in content/, static/ or the theme folder (links are never followed)",
        ),
        (FRONT_MISSING, "a story has no front matter"),
        (FRONT_UNCLOSED, "the front matter has no closing ---"),
        (FRONT_SYNTAX, "the front matter is not valid YAML"),
        (
            FRONT_TOO_LARGE,
            "the front matter's YAML aliases (`*name`) expand to more data than byline reads",
        ),
        (
            FRONT_NOT_MAPPING,
            "the front matter (or a field that takes fields) is not a set of `name: value` lines",
        ),
        (
            FRONT_UNKNOWN_KEY,
            "a field byline does not know, e.g. a typo (with the nearest known field)",
        ),
        (
            FRONT_REQUIRED,
            "a required field is missing (title, date, reporter, editor, image src, ...)",
        ),
        (
            FRONT_TYPE,
            "a field has the wrong kind of value (a list where text belongs, ...)",
        ),
        (
            FRONT_DATE,
            "a date that does not exist (2022-02-31) or is not written as YYYY-MM-DD",
        ),
        (
            FRONT_PLACEHOLDER,
            "a field still holds a TODO placeholder from `byline new`",
        ),
        (EMBARGO_NO_ZONE, "`publish_at` without a time and time zone"),
        (
            EMBARGO_LINK,
            "a published story links to a story still under embargo",
        ),
        (
            EMBARGO_LEAK,
            "the built site mentions an embargoed story (URL, slug or title); the build is refused",
        ),
        (CREDIT_IMAGE_ALT, "the header image has no alt text"),
        (CREDIT_IMAGE_CREDIT, "the header image has no credit"),
        (
            CREDIT_INLINE_ALT,
            "an image in the story text has no alt text",
        ),
        (
            CREDIT_INLINE_CREDIT,
            "an image in the story text has no `Credit:` in its title",
        ),
        (
            CREDIT_EMPTY_NAME,
            "an empty name in reporter, editor or a credit role",
        ),
        (
            FUNDING_MISSING,
            "a story has no funder, neither its own nor its series'",
        ),
        (
            FUNDING_UNKNOWN,
            "a story or series names a funder that is not in site.yaml's funders",
        ),
        (
            BODY_TOO_DEEP,
            "quotes or lists in a story text nested more than 100 levels deep",
        ),
        (
            LINK_BROKEN,
            "an internal link to a page that does not exist",
        ),
        (
            LINK_ANCHOR,
            "a link to #anchor that matches no heading of the target story",
        ),
        (
            LINK_MISSING_FILE,
            "an image or file that exists neither in static/ nor in the page bundle",
        ),
        (
            STRUCTURE_DUPLICATE_URL,
            "two pages would be published at the same address",
        ),
        (
            STRUCTURE_SLUG,
            "a `slug` that cannot be used in a web address",
        ),
        (
            STRUCTURE_LAYOUT,
            "a Markdown file in a place where it would not be published",
        ),
        (STRUCTURE_SERIES_INDEX, "a series folder without _index.md"),
        (
            STRUCTURE_UPDATED_BEFORE_DATE,
            "a story's `updated` is before its `date`",
        ),
        (
            STRUCTURE_CORRECTION_BEFORE_DATE,
            "a correction dated before the story",
        ),
        (
            TEMPLATE,
            "a template of the theme has an error (names template, line and page)",
        ),
        (
            THEME,
            "the theme named in site.yaml does not exist or cannot be read",
        ),
        (
            OUTPUT,
            "the site cannot be written (disk full, no permission, unsafe output folder)",
        ),
        (
            SUMMARY_MISSING,
            "warning: a story has no `summary` (the first paragraph is used)",
        ),
        (SOURCE_NO_URL, "warning: a source without a `url`"),
        (
            IMAGE_ALT_IS_CAPTION,
            "warning: an image's alt text repeats its caption (alt should describe the picture)",
        ),
        (
            STRUCTURE_UNPUBLISHED_FILE,
            "warning: a file in content/ that is not published (static files belong in static/)",
        ),
    ];
}

/// A finding about the site, tied to a place in a file where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible (that is what editors click on).
    pub path: PathBuf,
    /// 1-based line, when the finding has a place in the file.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn at_position(self, position: Position) -> Self {
        self.at(position.line, position.column)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn position(&self) -> Option<Position> {
        Some(Position::new(self.line?, self.column?))
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Makes the path relative to the site root, so messages read `content/x.md` rather than a
    /// long absolute path.
    pub fn relative_to(mut self, root: &Path) -> Self {
        if let Ok(stripped) = self.path.strip_prefix(root) {
            self.path = stripped.to_path_buf();
        }
        self
    }

    /// Orders findings by file and place, so reports are stable from run to run.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        // Comparing `Path`s re-parses their components on every comparison, which made sorting
        // an archive's findings cost more than finding them; the keys are made once.
        diagnostics.sort_by_cached_key(|d| {
            (
                path_order_key(&d.path),
                d.line,
                d.column,
                d.code,
                d.message.clone(),
            )
        });
    }
}

/// A key that sorts paths as comparing them component by component does (a folder's files
/// together, `a/x` before `a-b/x`), but compares as plain bytes: the separators become the
/// lowest byte.
pub fn path_order_key(path: &Path) -> Vec<u8> {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&byte| {
            if std::path::is_separator(byte as char) {
                0
            } else {
                byte
            }
        })
        .collect()
}

impl Diagnostic {
    /// `file:line:column: severity[CODE]: message`, without the hint.
    pub fn one_line(&self) -> String {
        let mut line = self.path.display().to_string();
        if let Some(number) = self.line {
            line.push_str(&format!(":{number}"));
            if let Some(column) = self.column {
                line.push_str(&format!(":{column}"));
            }
        }
        line.push_str(&format!(
            ": {}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        ));
        line
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.one_line())?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        Position { line, column }
    }
}

/// The closest of `candidates` to a misspelt `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lowered = word.to_lowercase();
    candidates
        .iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&lowered, &candidate.to_lowercase()),
                *candidate,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_order_key_sorts_like_paths() {
        let mut paths: Vec<PathBuf> = [
            "content/a.md",
            "content/a-b/x.md",
            "content/a/x.md",
            "content/a/b/c.md",
            "content/a.b/x.md",
            "content/Z.md",
            "content/ä.md",
            "site.yaml",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut by_key = paths.clone();
        paths.sort();
        by_key.sort_by_key(|path| path_order_key(path));
        assert_eq!(by_key, paths);
    }

    #[test]
    fn display_has_file_line_column_code_and_hint() {
        let diagnostic = Diagnostic::error(
            codes::FRONT_UNKNOWN_KEY,
            "content/a.md",
            "unknown field `reportr`",
        )
        .at(3, 1)
        .with_hint("did you mean `reporter`?");
        assert_eq!(
            diagnostic.to_string(),
            "content/a.md:3:1: error[E-FRONT-UNKNOWN-KEY]: unknown field `reportr`\n  hint: did you mean `reporter`?"
        );
    }

    #[test]
    fn codes_are_unique_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for (code, _) in codes::ALL {
            assert!(seen.insert(code), "{code} twice");
            assert!(code.starts_with("E-") || code.starts_with("W-"), "{code}");
        }
    }

    #[test]
    fn suggests_nearest_key() {
        let keys = ["reporter", "editor", "title", "topics", "summary"];
        assert_eq!(did_you_mean("reportr", &keys), Some("reporter"));
        assert_eq!(did_you_mean("topic", &keys), Some("topics"));
        assert_eq!(did_you_mean("Editr", &keys), Some("editor"));
        assert_eq!(did_you_mean("zzzzzz", &keys), None);
    }
}
