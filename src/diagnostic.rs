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
/// code is never renamed once released.
pub mod codes {
    pub const SITE_READ: &str = "E-SITE-READ";
    pub const CONFIG_SYNTAX: &str = "E-CONFIG-SYNTAX";
    pub const CONFIG_UNKNOWN_KEY: &str = "E-CONFIG-UNKNOWN-KEY";
    pub const CONFIG_VALUE: &str = "E-CONFIG-VALUE";
    pub const CONFIG_MISSING: &str = "E-CONFIG-MISSING";
    pub const FILE_READ: &str = "E-FILE-READ";
    pub const FRONT_MISSING: &str = "E-FRONT-MISSING";
    pub const FRONT_UNCLOSED: &str = "E-FRONT-UNCLOSED";
    pub const FRONT_SYNTAX: &str = "E-FRONT-SYNTAX";
    pub const FRONT_NOT_MAPPING: &str = "E-FRONT-NOT-MAPPING";
    pub const FRONT_UNKNOWN_KEY: &str = "E-FRONT-UNKNOWN-KEY";
    pub const FRONT_REQUIRED: &str = "E-FRONT-REQUIRED";
    pub const FRONT_TYPE: &str = "E-FRONT-TYPE";
    pub const FRONT_DATE: &str = "E-FRONT-DATE";
    pub const FRONT_EMPTY: &str = "E-FRONT-EMPTY";
    pub const CREDIT_IMAGE_ALT: &str = "E-CREDIT-IMAGE-ALT";
    pub const CREDIT_IMAGE_CREDIT: &str = "E-CREDIT-IMAGE-CREDIT";
    pub const FUNDING_MISSING: &str = "E-FUNDING-MISSING";
    pub const FUNDING_UNKNOWN: &str = "E-FUNDING-UNKNOWN";
    pub const STRUCTURE_DUPLICATE_URL: &str = "E-STRUCTURE-DUPLICATE-URL";
    pub const STRUCTURE_SLUG: &str = "E-STRUCTURE-SLUG";
    pub const STRUCTURE_LAYOUT: &str = "E-STRUCTURE-LAYOUT";
    pub const STRUCTURE_SERIES_INDEX: &str = "E-STRUCTURE-SERIES-INDEX";
    pub const STRUCTURE_UNPUBLISHED_FILE: &str = "W-STRUCTURE-UNPUBLISHED-FILE";
    pub const TEMPLATE: &str = "E-TEMPLATE";
    pub const THEME: &str = "E-THEME";
    pub const OUTPUT: &str = "E-OUTPUT";
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
        diagnostics.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.code, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.code, &b.message))
        });
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(
            f,
            ": {}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )?;
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
    fn suggests_nearest_key() {
        let keys = ["reporter", "editor", "title", "topics", "summary"];
        assert_eq!(did_you_mean("reportr", &keys), Some("reporter"));
        assert_eq!(did_you_mean("topic", &keys), Some("topics"));
        assert_eq!(did_you_mean("Editr", &keys), Some("editor"));
        assert_eq!(did_you_mean("zzzzzz", &keys), None);
    }
}
