//! Prints diagnostics for people and tools: `human` (the offending source line with a caret,
//! rendered by codespan-reporting, coloured only on a terminal), `json` (one object per line
//! with stable field names) and `github` (workflow commands that annotate a pull request).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor};
use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::parallel;
use crate::safe_read::read_regular;

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Source line with a caret under the problem, for people.
    #[default]
    Human,
    /// One JSON object per line: file, line, column, severity, code, message, hint.
    Json,
    /// GitHub Actions workflow commands (::error file=...,line=...::message).
    Github,
}

/// The JSON shape of a finding. Field names are a stable interface for editors' tools.
#[derive(Debug, Serialize)]
struct JsonFinding<'a> {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    end_column: Option<usize>,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    hint: Option<&'a str>,
}

/// Renders findings in `format`; `root` is where their relative paths point, so the human
/// format can quote the source lines.
pub fn render(diagnostics: &[Diagnostic], format: Format, root: &Path, color: bool) -> Vec<u8> {
    match format {
        Format::Human => human(diagnostics, root, color),
        Format::Json => json(diagnostics),
        Format::Github => github(diagnostics).into_bytes(),
    }
}

/// Prints findings: the human format to standard error (beside the program's own messages),
/// the machine formats to standard output (for tools to read).
pub fn print(diagnostics: &[Diagnostic], format: Format, root: &Path) {
    if diagnostics.is_empty() {
        return;
    }
    match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let (shown, summary) = limit_warnings(diagnostics, HUMAN_WARNING_LIMIT);
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(&human_by_file(&shown, root, color));
            if let Some(summary) = summary {
                let _ = writeln!(stderr, "{summary}");
            }
        }
        _ => {
            let _ = std::io::stdout().write_all(&render(diagnostics, format, root, false));
        }
    }
}

/// Prints findings one per line (`file:line:column: error[CODE]: message`, and the hint) to
/// standard error, as the preview's terminal log does.
pub fn print_lines<'d>(diagnostics: impl IntoIterator<Item = &'d Diagnostic>) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
    }
}

/// How many warnings the human format shows in full. An archive can hold thousands of the same
/// warning; people need the errors and a count, tools get everything from `--format json`.
pub const HUMAN_WARNING_LIMIT: usize = 50;

/// Every error, and at most `limit` warnings; for the warnings left out, a line counting them
/// by code.
pub fn limit_warnings(
    diagnostics: &[Diagnostic],
    limit: usize,
) -> (Vec<&Diagnostic>, Option<String>) {
    let mut shown = Vec::new();
    let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
    let mut warnings = 0;
    for diagnostic in diagnostics {
        if diagnostic.severity == Severity::Warning {
            warnings += 1;
            if warnings > limit {
                *hidden.entry(diagnostic.code.as_str()).or_default() += 1;
                continue;
            }
        }
        shown.push(diagnostic);
    }
    let summary = (!hidden.is_empty()).then(|| {
        let counts: Vec<String> = hidden
            .iter()
            .map(|(code, n)| format!("{n} × {code}"))
            .collect();
        format!(
            "… and {} more warnings not shown ({}); `--format json` lists every finding",
            hidden.values().sum::<usize>(),
            counts.join(", ")
        )
    });
    (shown, summary)
}

fn human(diagnostics: &[Diagnostic], root: &Path, color: bool) -> Vec<u8> {
    let diagnostics: Vec<&Diagnostic> = diagnostics.iter().collect();
    human_by_file(&diagnostics, root, color)
}

/// How many findings of one code the human format quotes with their source line; the rest of
/// that code are listed a line each (file:line:column, code, message). When a new rule flags
/// every story of an archive, ten thousand quoted snippets bury the one line that differs.
pub const HUMAN_QUOTE_LIMIT: usize = 50;

/// A finding as the human format prints it.
#[derive(Clone, Copy)]
struct Shown<'d> {
    diagnostic: &'d Diagnostic,
    /// With its source line and caret, or a line of its own.
    quoted: bool,
}

/// The human format, rendered a file at a time in parallel: quoting source lines is the slow
/// part of a report, and an archive can have a finding in every story.
fn human_by_file(diagnostics: &[&Diagnostic], root: &Path, color: bool) -> Vec<u8> {
    let mut found_per_code: BTreeMap<&str, usize> = BTreeMap::new();
    let shown: Vec<Shown> = diagnostics
        .iter()
        .map(|&diagnostic| {
            let found = found_per_code.entry(diagnostic.code.as_str()).or_default();
            *found += 1;
            Shown {
                diagnostic,
                quoted: *found <= HUMAN_QUOTE_LIMIT,
            }
        })
        .collect();
    let files: Vec<&[Shown]> = shown
        .chunk_by(|a, b| a.diagnostic.path == b.diagnostic.path)
        .collect();
    let mut report = parallel::map(&files, |findings| {
        let mut buffer = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let _ = write_human(&mut buffer, findings, root);
        buffer.into_inner()
    })
    .concat();
    let listed: Vec<String> = found_per_code
        .iter()
        .filter(|(_, n)| **n > HUMAN_QUOTE_LIMIT)
        .map(|(code, n)| format!("{} × {code}", n - HUMAN_QUOTE_LIMIT))
        .collect();
    if !listed.is_empty() {
        let _ = writeln!(
            report,
            "(the first {HUMAN_QUOTE_LIMIT} findings of each kind are shown with their source line, the rest a line each: {})",
            listed.join(", ")
        );
    }
    report
}

/// Writes the findings of one file in the human format; the file is read once for the lines
/// they quote.
fn write_human(
    out: &mut dyn termcolor::WriteColor,
    findings: &[Shown],
    root: &Path,
) -> std::io::Result<()> {
    let config = Config::default();
    let mut source: Option<(&Path, Option<SimpleFile<String, String>>)> = None;
    for &Shown { diagnostic, quoted } in findings {
        if !quoted {
            writeln!(out, "{}", diagnostic.one_line())?;
            continue;
        }
        if diagnostic.line.is_some()
            && source
                .as_ref()
                .is_none_or(|(path, _)| *path != diagnostic.path)
        {
            let file = quotable_text(&root.join(&diagnostic.path))
                .map(|text| SimpleFile::new(diagnostic.path.display().to_string(), text));
            source = Some((&diagnostic.path, file));
        }
        let source = if diagnostic.line.is_some() {
            source.as_ref()
        } else {
            None
        };
        let file = source.and_then(|(_, file)| file.as_ref());
        let severity = match diagnostic.severity {
            Severity::Error => ReportSeverity::Error,
            Severity::Warning => ReportSeverity::Warning,
        };
        let mut report = Report::new(severity)
            .with_message(&diagnostic.message)
            .with_code(diagnostic.code.as_str());
        let label = file.zip(diagnostic.line).and_then(|(file, line)| {
            let range = span(
                file.source(),
                line,
                diagnostic.column.unwrap_or(1),
                diagnostic.end_column,
            )?;
            Some(Label::primary((), range))
        });
        match label {
            Some(label) => report = report.with_labels(vec![label]),
            None => report = report.with_notes(vec![format!("in {}", location(diagnostic))]),
        }
        if let Some(hint) = &diagnostic.hint {
            report = report.with_notes(vec![format!("hint: {hint}")]);
        }
        // A file that could not be read gives no label, only a note, so an empty one will do.
        let emitted = match file {
            Some(file) => term::emit_to_write_style(out, &config, file, &report),
            None => term::emit_to_write_style(out, &config, &SimpleFile::new("", ""), &report),
        };
        if emitted.is_err() {
            // The file changed under us: fall back to the one-line form.
            writeln!(out, "{diagnostic}")?;
        }
    }
    Ok(())
}

/// The text of the file at `path`, to quote lines of: only a regular file is read (a named
/// pipe or a link to a device is reported, never opened to be quoted), and at most as much as
/// byline reads of a content file.
fn quotable_text(path: &Path) -> Option<String> {
    let bytes = read_regular(path, MAX_QUOTED_FILE_BYTES).ok()?;
    String::from_utf8(bytes).ok()
}

/// The largest file the human format quotes lines of: a content file byline read is at most
/// 10 MiB (`site_files::MAX_SOURCE_BYTES`); a finding about a larger one has no line to show.
const MAX_QUOTED_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The byte range to underline: from the column to the end of the line's text.
fn span(
    source: &str,
    line: usize,
    column: usize,
    end_column: Option<usize>,
) -> Option<std::ops::Range<usize>> {
    let line_start = if line <= 1 {
        0
    } else {
        source.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let line_text = source[line_start..].split('\n').next().unwrap_or("");
    let line_text = line_text.trim_end_matches('\r');
    let start = line_start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(offset, _)| offset)
            .unwrap_or(line_text.len());
    let line_end = line_start + line_text.trim_end().len();
    let end = match end_column {
        Some(end_column) => line_text
            .char_indices()
            .nth(end_column.saturating_sub(1))
            .map_or(line_end, |(offset, _)| (line_start + offset).min(line_end)),
        None => line_end,
    };
    Some(start..end.max(start))
}

fn location(diagnostic: &Diagnostic) -> String {
    match (diagnostic.line, diagnostic.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", diagnostic.path.display()),
        (Some(line), None) => format!("{}:{line}", diagnostic.path.display()),
        _ => diagnostic.path.display().to_string(),
    }
}

fn json(diagnostics: &[Diagnostic]) -> Vec<u8> {
    // An archive's report runs to megabytes: its lines are written in parallel, in order.
    let chunks: Vec<&[Diagnostic]> = diagnostics.chunks(JSON_LINES_PER_TASK).collect();
    parallel::map(&chunks, |chunk| json_lines(chunk)).concat()
}

/// How many findings one parallel task writes as JSON.
const JSON_LINES_PER_TASK: usize = 512;

fn json_lines(diagnostics: &[Diagnostic]) -> Vec<u8> {
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        let finding = JsonFinding {
            file: diagnostic.path.display().to_string(),
            line: diagnostic.line,
            column: diagnostic.column,
            end_column: diagnostic.end_column,
            severity: diagnostic.severity.as_str(),
            code: diagnostic.code.as_str(),
            message: &diagnostic.message,
            hint: diagnostic.hint.as_deref(),
        };
        // Serialising plain strings and numbers cannot fail.
        if serde_json::to_writer(&mut out, &finding).is_ok() {
            out.push(b'\n');
        }
    }
    out
}

/// Escapes text for a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes text for a workflow command's property (file, title).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = vec![format!(
            "file={}",
            escape_property(&diagnostic.path.display().to_string())
        )];
        if let Some(line) = diagnostic.line {
            properties.push(format!("line={line}"));
        }
        if let Some(column) = diagnostic.column {
            properties.push(format!("col={column}"));
        }
        properties.push(format!(
            "title={}",
            escape_property(diagnostic.code.as_str())
        ));
        let mut message = diagnostic.message.clone();
        if let Some(hint) = &diagnostic.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn finding() -> Diagnostic {
        Diagnostic::new(
            Code::FrontUnknownKey,
            "content/a.md",
            "`reportr` is not a field",
        )
        .at(3, 1)
        .with_hint("did you mean `reporter`?")
    }

    #[test]
    fn human_quotes_the_line_with_a_caret() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/a.md"),
            "---\ntitle: A\nreportr: Ana\n---\n",
        )
        .unwrap();
        let text =
            String::from_utf8(render(&[finding()], Format::Human, dir.path(), false)).unwrap();
        assert!(
            text.contains("error[E-FRONT-UNKNOWN-KEY]: `reportr` is not a field"),
            "{text}"
        );
        assert!(text.contains("content/a.md:3:1"), "{text}");
        assert!(text.contains("3 │ reportr: Ana"), "{text}");
        assert!(text.contains("^^^^^^^^^^^^"), "{text}");
        assert!(text.contains("= hint: did you mean `reporter`?"), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour when not asked");
        let colored = render(&[finding()], Format::Human, dir.path(), true);
        assert!(colored.contains(&0x1b));
    }

    #[test]
    fn human_quotes_the_first_findings_of_a_kind_and_lists_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let count = HUMAN_QUOTE_LIMIT + 2;
        let findings: Vec<Diagnostic> = (0..count)
            .map(|n| {
                let path = format!("content/{n:03}.md");
                std::fs::write(dir.path().join(&path), "---\ntitle: A\nreportr: Ana\n---\n")
                    .unwrap();
                Diagnostic::new(Code::FrontUnknownKey, path, "`reportr` is not a field").at(3, 1)
            })
            .collect();
        let text = String::from_utf8(render(&findings, Format::Human, dir.path(), false)).unwrap();
        assert_eq!(
            text.matches("3 │ reportr: Ana").count(),
            HUMAN_QUOTE_LIMIT,
            "{text}"
        );
        for n in [count - 2, count - 1] {
            let line = format!(
                "content/{n:03}.md:3:1: error[E-FRONT-UNKNOWN-KEY]: `reportr` is not a field\n"
            );
            assert!(text.contains(&line), "{line} missing from:\n{text}");
        }
        assert!(text.ends_with("the rest a line each: 2 × E-FRONT-UNKNOWN-KEY)\n"));
        let first = text.find("content/000.md").unwrap();
        let last = text.find(&format!("content/{:03}.md", count - 1)).unwrap();
        assert!(first < last, "findings keep their order");
    }

    #[test]
    fn human_without_source_names_the_place() {
        let text = String::from_utf8(render(
            &[finding()],
            Format::Human,
            Path::new("/nonexistent"),
            false,
        ))
        .unwrap();
        assert!(text.contains("in content/a.md:3:1"), "{text}");
    }

    #[test]
    fn human_shows_every_error_and_counts_surplus_warnings() {
        let warning = |n: usize| Diagnostic::new(Code::SummaryMissing, format!("c/{n}.md"), "w");
        let mut all: Vec<Diagnostic> = (0..5).map(warning).collect();
        all.push(finding());
        let (shown, summary) = limit_warnings(&all, 2);
        assert_eq!(shown.len(), 3);
        assert!(shown.iter().any(|d| d.is_error()));
        assert_eq!(
            summary.as_deref(),
            Some(
                "… and 3 more warnings not shown (3 × W-SUMMARY-MISSING); `--format json` lists every finding"
            )
        );
        assert_eq!(limit_warnings(&all, 10).1, None);
    }

    #[test]
    fn json_has_stable_fields() {
        let text =
            String::from_utf8(render(&[finding()], Format::Json, Path::new("."), false)).unwrap();
        let value: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "file": "content/a.md", "line": 3, "column": 1, "end_column": null, "severity": "error",
                "code": "E-FRONT-UNKNOWN-KEY", "message": "`reportr` is not a field",
                "hint": "did you mean `reporter`?"
            })
        );
    }

    #[test]
    fn github_workflow_commands_are_escaped() {
        let text = render(&[finding()], Format::Github, Path::new("."), false);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "::error file=content/a.md,line=3,col=1,title=E-FRONT-UNKNOWN-KEY::`reportr` is not a field%0Ahint: did you mean `reporter`?\n"
        );
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
