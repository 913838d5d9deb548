//! One `Diagnostic` type for every problem byline reports: where (file, line, column), how bad,
//! a stable [`Code`], a message a journalist understands and, where there is one, a hint; and
//! the [`report`] formats that print them.

mod code;
pub mod report;

pub use code::Code;

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

/// A finding about the site, tied to a place in a file where there is one.
#[derive(Debug, Clone, Eq)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible (that is what editors click on).
    pub path: PathBuf,
    /// 1-based line, when the finding has a place in the file.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// The column just after what the finding is about (a link, a value), when it ends on the
    /// same line: the report underlines from `column` to here. None: to the end of the line.
    pub end_column: Option<usize>,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub hint: Option<String>,
}

// By hand: the cheap fields first, and the path as bytes (comparing `Path`s parses their
// components), as the preview compares an archive's findings on every save. `Hash` hashes the
// same fields, so the two agree.
impl std::hash::Hash for Diagnostic {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.line.hash(state);
        self.column.hash(state);
        self.end_column.hash(state);
        self.severity.hash(state);
        self.code.hash(state);
        self.path.as_os_str().hash(state);
        self.message.hash(state);
        self.hint.hash(state);
    }
}

impl PartialEq for Diagnostic {
    fn eq(&self, other: &Self) -> bool {
        self.line == other.line
            && self.column == other.column
            && self.end_column == other.end_column
            && self.severity == other.severity
            && self.code == other.code
            && self.path.as_os_str() == other.path.as_os_str()
            && self.message == other.message
            && self.hint == other.hint
    }
}

impl Diagnostic {
    /// A finding of `code`, as bad as the code says (`E-` an error, `W-` a warning).
    pub fn new(code: Code, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            end_column: None,
            severity: code.severity(),
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// The finding reported as a warning, as a site that relaxed its code asks
    /// (`checks: {warn: [...]}`).
    pub fn relaxed(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// The finding covers its line from its column up to `end_column` (when known).
    pub fn ending_at(mut self, end_column: Option<usize>) -> Self {
        self.end_column = end_column;
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
        diagnostics.sort_by(Diagnostic::order);
    }

    /// The order of [`Diagnostic::sort`]: by file (as [`path_order_key`] orders paths), line,
    /// column, code and message. It builds no keys: comparing `Path`s re-parses their components,
    /// and the preview orders an archive's findings on every save.
    pub fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
        let (a_path, b_path) = (
            a.path.as_os_str().as_encoded_bytes(),
            b.path.as_os_str().as_encoded_bytes(),
        );
        path_order(a_path, b_path)
            .then(a.line.cmp(&b.line))
            .then(a.column.cmp(&b.column))
            .then_with(|| a.code.as_str().cmp(b.code.as_str()))
            .then_with(|| a.message.cmp(&b.message))
    }
}

/// A key that sorts paths as comparing them component by component does (a folder's files
/// together, `a/x` before `a-b/x`), but compares as plain bytes: the separators become the
/// lowest byte.
pub fn path_order_key(path: &Path) -> Vec<u8> {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&byte| path_order_byte(byte))
        .collect()
}

/// Two paths' bytes compared as their [`path_order_key`]s would be.
fn path_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    // Paths of one folder share a long start: skip it a block at a time.
    const BLOCK: usize = 16;
    let shorter = a.len().min(b.len());
    let mut start = 0;
    while start + BLOCK <= shorter && a[start..start + BLOCK] == b[start..start + BLOCK] {
        start += BLOCK;
    }
    let differs = a[start..].iter().zip(&b[start..]).position(|(x, y)| x != y);
    match differs.map(|offset| start + offset) {
        None => a.len().cmp(&b.len()),
        Some(at) => {
            let (x, y) = (path_order_byte(a[at]), path_order_byte(b[at]));
            if x != y {
                x.cmp(&y)
            } else {
                // Two different separators (on Windows): the rest decides.
                path_order(&a[at + 1..], &b[at + 1..])
            }
        }
    }
}

fn path_order_byte(byte: u8) -> u8 {
    if std::path::is_separator(byte as char) {
        0
    } else {
        byte
    }
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
            self.code.as_str(),
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
    fn sort_orders_by_file_line_column_code_and_message() {
        let paths = [
            "content/a.md",
            "content/a-b/x.md",
            "content/a/x.md",
            "content/a/b/c.md",
            "content/a.b/x.md",
            "content/long-series-name-one/story-with-a-long-name.md",
            "content/long-series-name-one/story-with-a-long-name-2.md",
            "content/long-series-name-one/story-with-a-long-nam.md",
            "content/long-series-name-one-b/x.md",
            "content/long-series-name-one/",
            "site.yaml",
        ];
        let mut findings = Vec::new();
        for (n, path) in paths.iter().enumerate() {
            for line in [None, Some(1), Some(12)] {
                let finding = Diagnostic::new(Code::LinkBroken, *path, format!("m{}", n % 3));
                findings.push(match line {
                    Some(line) => finding.at(line, 2),
                    None => finding,
                });
                findings.push(Diagnostic::new(Code::ImageTooSmall, *path, "a"));
            }
        }
        findings.reverse();
        let mut sorted = findings.clone();
        Diagnostic::sort(&mut sorted);
        // What the order means, spelled out with keys.
        let mut by_key = findings;
        by_key.sort_by_cached_key(|d| {
            (
                path_order_key(&d.path),
                d.line,
                d.column,
                d.code.as_str(),
                d.message.clone(),
            )
        });
        assert_eq!(sorted, by_key);
        for pair in sorted.windows(2) {
            assert!(Diagnostic::order(&pair[0], &pair[1]).is_le());
            assert!(Diagnostic::order(&pair[1], &pair[0]).is_ge());
        }
    }

    #[test]
    fn findings_differing_only_in_their_hint_are_not_equal() {
        let finding = Diagnostic::new(Code::LinkBroken, "content/a.md", "m").at(1, 1);
        assert_eq!(finding, finding.clone());
        assert_ne!(finding, finding.clone().with_hint("h"));
        assert_ne!(
            finding,
            Diagnostic::new(Code::LinkBroken, "content/b.md", "m").at(1, 1)
        );
    }

    #[test]
    fn display_has_file_line_column_code_and_hint() {
        let diagnostic = Diagnostic::new(
            Code::FrontUnknownKey,
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
