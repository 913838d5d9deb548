//! The import report: what came across, what was skipped and why, what was kept as raw HTML,
//! shortcodes and unmapped fields, and then `byline check`'s findings on the new site grouped
//! by what the newsroom must add ("412 stories have no editor").

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::diag::{Code, Diagnostic, Severity};

/// How many files a list in the report names before it says "and N more".
const LISTED: usize = 20;

/// A count with the first few places it was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub count: usize,
    pub examples: Vec<String>,
}

impl Seen {
    fn add(&mut self, n: usize, example: &str) {
        self.count += n;
        if self.examples.len() < 5 && !self.examples.iter().any(|e| e == example) {
            self.examples.push(example.to_string());
        }
    }
}

/// One kind of work left, from `byline check`'s findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    /// The check code the findings share.
    pub code: Code,
    /// What is missing, in newsroom words, without the count: for one and for several
    /// ("story has no editor", "stories have no editor").
    pub what: (String, String),
    /// What to do about it.
    pub how: String,
    pub severity: Severity,
    pub findings: usize,
    /// Every file with such a finding.
    pub files: Vec<String>,
    /// Whether the count is of findings (images, links) rather than of files.
    pub per_finding: bool,
}

impl WorkItem {
    /// "412 stories have no editor", "9 images in story texts have no credit (in 4 files)".
    pub fn headline(&self) -> String {
        let what = |n: usize| if n == 1 { &self.what.0 } else { &self.what.1 };
        if self.per_finding {
            format!(
                "{} {} (in {} {})",
                self.findings,
                what(self.findings),
                self.files.len(),
                if self.files.len() == 1 {
                    "file"
                } else {
                    "files"
                }
            )
        } else {
            format!("{} {}", self.files.len(), what(self.files.len()))
        }
    }
}

/// Everything the report says, gathered while importing.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub source: String,
    pub stories: usize,
    pub drafts: usize,
    pub scheduled: usize,
    /// WordPress pages and other non-post pages written as stand-alone stories.
    pub pages: usize,
    pub series: Vec<String>,
    /// Reason -> the items skipped for it (the first ones named, all counted).
    pub skipped: BTreeMap<String, Seen>,
    /// Shortcode (or template tag) name -> where it was kept as text.
    pub shortcodes: BTreeMap<String, Seen>,
    /// HTML element -> stories whose text keeps it as raw HTML.
    pub raw_html: BTreeMap<String, Seen>,
    /// Source field -> stories that keep it under `extra:`.
    pub extra: BTreeMap<String, Seen>,
    /// What was not brought across, by kind (comments, internal WordPress fields).
    pub not_imported: BTreeMap<String, Seen>,
    /// Old series addresses that moved: (old, new).
    pub series_moved: Vec<(String, String)>,
    pub aliases: usize,
    pub attachments_listed: usize,
    pub attachments_copied: usize,
    pub attachments_file: bool,
    /// Remarks about the import as a whole, each with how often it applied.
    pub notes: BTreeMap<String, usize>,
    pub work_left: Vec<WorkItem>,
    pub check_skipped: bool,
}

impl ImportReport {
    pub fn new(source: String) -> ImportReport {
        ImportReport {
            source,
            ..ImportReport::default()
        }
    }

    pub fn skip(&mut self, reason: &str, item: &str) {
        self.skipped
            .entry(reason.to_string())
            .or_default()
            .add(1, item);
    }

    pub fn shortcode(&mut self, name: &str, file: &str) {
        self.shortcodes
            .entry(name.to_string())
            .or_default()
            .add(1, file);
    }

    pub fn raw_html(&mut self, tag: &str, n: usize, file: &str) {
        self.raw_html
            .entry(tag.to_string())
            .or_default()
            .add(n, file);
    }

    pub fn extra(&mut self, field: &str, file: &str) {
        self.extra
            .entry(field.to_string())
            .or_default()
            .add(1, file);
    }

    pub fn not_imported(&mut self, what: &str, n: usize, file: &str) {
        if n > 0 {
            self.not_imported
                .entry(what.to_string())
                .or_default()
                .add(n, file);
        }
    }

    pub fn note(&mut self, note: &str) {
        *self.notes.entry(note.to_string()).or_default() += 1;
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().map(|s| s.count).sum()
    }

    /// The few lines printed on the terminal.
    pub fn terminal_summary(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "imported {} from {}",
            stories(self.stories),
            self.source
        );
        let mut parts = Vec::new();
        if self.drafts > 0 {
            parts.push(format!("{} as drafts", self.drafts));
        }
        if self.scheduled > 0 {
            parts.push(format!("{} scheduled", self.scheduled));
        }
        if self.pages > 0 {
            parts.push(format!("{} from pages", self.pages));
        }
        if !self.series.is_empty() {
            parts.push(format!("{} series", self.series.len()));
        }
        if !parts.is_empty() {
            let _ = write!(out, " ({})", parts.join(", "));
        }
        out.push('\n');
        if !self.skipped.is_empty() {
            let reasons: Vec<String> = self
                .skipped
                .iter()
                .map(|(reason, seen)| format!("{} {reason}", seen.count))
                .collect();
            let _ = writeln!(
                out,
                "skipped {}: {}",
                self.skipped_total(),
                reasons.join("; ")
            );
        }
        if !self.shortcodes.is_empty() {
            let names: Vec<String> = self
                .shortcodes
                .iter()
                .map(|(name, seen)| format!("{name} ({})", seen.count))
                .collect();
            let _ = writeln!(out, "shortcodes kept as text: {}", names.join(", "));
        }
        if !self.raw_html.is_empty() {
            let names: Vec<String> = self
                .raw_html
                .iter()
                .map(|(name, seen)| format!("<{name}> ({})", seen.count))
                .collect();
            let _ = writeln!(out, "kept as raw HTML: {}", names.join(", "));
        }
        if self.attachments_listed > 0 {
            let _ = writeln!(
                out,
                "media files: {} listed in {}, {} copied into static/",
                self.attachments_listed,
                super::ATTACHMENTS_FILE,
                self.attachments_copied
            );
        }
        if self.check_skipped {
            out.push_str("byline check was not run (--skip-check): run it on the new site for the work left\n");
        } else if self.work_left.is_empty() {
            out.push_str("byline check finds nothing left to do\n");
        } else {
            out.push_str("before publishing, the newsroom must still fill in:\n");
            for item in &self.work_left {
                let _ = writeln!(out, "  {}", item.headline());
            }
        }
        out
    }

    /// The whole report, as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("# Import report\n\n");
        let _ = writeln!(
            out,
            "Imported from {}. Nothing of the archive was changed.\n",
            self.source
        );
        out.push_str("## What came across\n\n");
        let _ = writeln!(out, "- {}", stories(self.stories));
        if self.drafts > 0 {
            let _ = writeln!(out, "  - {} of them as drafts (`draft: true`)", self.drafts);
        }
        if self.scheduled > 0 {
            let _ = writeln!(
                out,
                "  - {} scheduled, with their time as `publish_at` (an embargo)",
                self.scheduled
            );
        }
        if self.pages > 0 {
            let _ = writeln!(
                out,
                "  - {} from pages (byline has stories only: they stand alone, outside any series)",
                self.pages
            );
        }
        if !self.series.is_empty() {
            let _ = writeln!(
                out,
                "- {} series: {}",
                self.series.len(),
                self.series.join(", ")
            );
        }
        if self.aliases > 0 {
            let _ = writeln!(
                out,
                "- {} old addresses kept as `aliases:`, so links to the old site keep working",
                self.aliases
            );
        }
        for (old, new) in &self.series_moved {
            let _ = writeln!(out, "- the series page {old} is now {new}");
        }
        out.push('\n');

        out.push_str("## Skipped\n\n");
        if self.skipped.is_empty() {
            out.push_str("Nothing.\n\n");
        } else {
            for (reason, seen) in &self.skipped {
                let _ = writeln!(out, "- {} {reason}: {}", seen.count, examples(seen));
            }
            out.push('\n');
        }

        out.push_str("## The work left before publishing\n\n");
        if self.check_skipped {
            out.push_str(
                "`byline check` was not run (`--skip-check`). Run it on the new site.\n\n",
            );
        } else if self.work_left.is_empty() {
            out.push_str("`byline check` finds nothing left to do.\n\n");
        } else {
            out.push_str(
                "`byline check` on the new site (drafts included) finds the following, grouped by what the \
                 newsroom must add. Fields the archive could not know hold a placeholder starting with `TODO`, \
                 so a search for `TODO` finds each one. Run `byline check` again after each round of edits.\n\n",
            );
            for item in &self.work_left {
                let kind = if item.severity == Severity::Warning {
                    " (warning)"
                } else {
                    ""
                };
                let _ = writeln!(out, "### {}{kind}\n", item.headline());
                let _ = writeln!(out, "{} (`{}`)\n", item.how, item.code);
                for file in item.files.iter().take(LISTED) {
                    let _ = writeln!(out, "- {file}");
                }
                if item.files.len() > LISTED {
                    let _ = writeln!(
                        out,
                        "- and {} more (`byline check --format json` lists every one)",
                        item.files.len() - LISTED
                    );
                }
                out.push('\n');
            }
        }

        if self.attachments_file {
            out.push_str("## Media files\n\n");
            let _ = writeln!(
                out,
                "{} files of the old site are used by the stories or were in its media library. \
                 `{}` lists each with its old address and where it goes in the new site; {} were copied \
                 from the uploads folder. Download the rest into `static/` (no file is fetched over the \
                 network), or import again with `--uploads path/to/wp-content/uploads`.\n",
                self.attachments_listed,
                super::ATTACHMENTS_FILE,
                self.attachments_copied
            );
        }

        out.push_str("## Kept as raw HTML\n\n");
        if self.raw_html.is_empty() {
            out.push_str("Nothing: every story text became plain Markdown.\n\n");
        } else {
            out.push_str(
                "Markdown cannot say everything HTML can (embedded players, tables with merged cells, styled \
                 text). Rather than lose it, these elements were kept as HTML inside the Markdown. They are \
                 published as they are, unless `safe_html` is on, which removes scripts and frames.\n\n",
            );
            for (tag, seen) in &self.raw_html {
                let _ = writeln!(out, "- `<{tag}>` {}×: {}", seen.count, examples(seen));
            }
            out.push('\n');
        }

        out.push_str("## Shortcodes kept as text\n\n");
        if self.shortcodes.is_empty() {
            out.push_str("None.\n\n");
        } else {
            out.push_str(
                "byline does not run shortcodes or template tags. They were kept in the text where they \
                 stood, so readers would see them: replace each with Markdown or HTML.\n\n",
            );
            for (name, seen) in &self.shortcodes {
                let _ = writeln!(out, "- `{name}` {}×: {}", seen.count, examples(seen));
            }
            out.push('\n');
        }

        if !self.extra.is_empty() {
            out.push_str("## Kept under `extra:`\n\n");
            out.push_str(
                "Fields byline has no place for were kept under each story's `extra:`, where a theme can use them:\n\n",
            );
            for (field, seen) in &self.extra {
                let _ = writeln!(
                    out,
                    "- `{field}` in {} {}: {}",
                    seen.count,
                    plural_stories(seen.count),
                    examples(seen)
                );
            }
            out.push('\n');
        }

        if !self.not_imported.is_empty() {
            out.push_str("## Not imported\n\n");
            for (what, seen) in &self.not_imported {
                let _ = writeln!(out, "- {what}: {} ({})", seen.count, examples(seen));
            }
            out.push('\n');
        }

        if !self.notes.is_empty() {
            out.push_str("## Notes\n\n");
            for (note, n) in &self.notes {
                if *n > 1 {
                    let _ = writeln!(out, "- {note} ({n}×)");
                } else {
                    let _ = writeln!(out, "- {note}");
                }
            }
            out.push('\n');
        }
        out
    }
}

fn stories(n: usize) -> String {
    format!("{n} {}", plural_stories(n))
}

fn plural_stories(n: usize) -> &'static str {
    if n == 1 { "story" } else { "stories" }
}

fn examples(seen: &Seen) -> String {
    let mut text = seen.examples.join(", ");
    if seen.count > seen.examples.len() && !seen.examples.is_empty() {
        text.push_str(", ...");
    }
    text
}

/// The first `backticked` word of a message (the field a finding is about).
fn field_of(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

/// What a finding asks of the newsroom: (group key, what is missing, what to do, counted per
/// finding).
fn describe(diagnostic: &Diagnostic) -> (String, (String, String), String, bool) {
    let field = field_of(&diagnostic.message).unwrap_or("");
    // `what` is "one|several".
    let forms = |what: &str| {
        let (one, many) = what.split_once('|').unwrap_or((what, what));
        (one.to_string(), many.to_string())
    };
    let story = |what: &str, how: &str| {
        (
            format!("{}|{field}", diagnostic.code),
            forms(what),
            how.to_string(),
            false,
        )
    };
    let each = |what: &str, how: &str| {
        (
            diagnostic.code.to_string(),
            forms(what),
            how.to_string(),
            true,
        )
    };
    match diagnostic.code {
        Code::FrontPlaceholder => match field {
            "editor" => story(
                "story has no editor|stories have no editor",
                "Replace `editor: 'TODO: editor'` with the name of the editor (or a list of names)",
            ),
            "funder" => story(
                "series or stand-alone story has no funder|series and stand-alone stories have no funder",
                "Name the funder in each series' `_index.md` (its stories inherit it) and in each story outside a series, and list every funder under `funders:` in site.yaml",
            ),
            "reporter" => story(
                "story names no reporter|stories name no reporter",
                "Replace `reporter: 'TODO: ...'` with the reporter's name",
            ),
            "title" => story(
                "story has no headline|stories have no headline",
                "Write the headline in `title:`",
            ),
            "image: credit" => story(
                "header image has no credit|header images have no credit",
                "Replace `credit: 'TODO: ...'` under `image:` with the photographer or agency",
            ),
            "image: alt" => story(
                "header image has no alt text|header images have no alt text",
                "Replace `alt: 'TODO: ...'` under `image:` with a description of the picture",
            ),
            _ => story(
                &format!(
                    "file still holds a placeholder in `{field}`|files still hold a placeholder in `{field}`"
                ),
                "Replace the text starting with TODO",
            ),
        },
        Code::FrontDate => story(
            "story has no date byline can read|stories have no date byline can read",
            "Write the date as YYYY-MM-DD or as a time with its zone (2019-03-14T10:30:00+01:00)",
        ),
        Code::FundingMissing => story(
            "story has no funder|stories have no funder",
            "Name the funder in the story or in its series' `_index.md`",
        ),
        Code::FundingUnknown => story(
            "story or series names a funder site.yaml does not list|stories or series name a funder site.yaml does not list",
            "Add the funder under `funders:` in site.yaml, or correct the name",
        ),
        Code::CreditInlineCredit => each(
            "image in a story text has no credit|images in story texts have no credit",
            "End each image's title with the credit: ![alt](/picture.jpg \"Caption. Credit: Photographer/Agency\")",
        ),
        Code::CreditInlineAlt => each(
            "image in a story text has no alt text|images in story texts have no alt text",
            "Describe each picture between the brackets: ![A crowd outside the court](...)",
        ),
        Code::LinkMissingFile => each(
            "image or file is not in the new site yet|images or files are not in the new site yet",
            "Put each file in static/ or beside its story. WordPress media: import-attachments.tsv lists each with where it goes, or import again with --uploads. (byline reports a file beside a story in a page bundle as missing while that story has other errors; it clears once they are fixed.)",
        ),
        Code::LinkBroken => each(
            "link points to a page the new site does not have|links point to pages the new site does not have",
            "Point each link at a page of the new site or at its full old address",
        ),
        Code::LinkAnchor => each(
            "link points to a heading that does not exist|links point to a heading that does not exist",
            "Correct the #anchor or the heading",
        ),
        Code::CreditImageAlt => story(
            "header image has no alt text|header images have no alt text",
            "Add `alt:` under `image:`, describing the picture",
        ),
        Code::CreditImageCredit => story(
            "header image has no credit|header images have no credit",
            "Add `credit:` under `image:`",
        ),
        Code::SummaryMissing => story(
            "story has no summary; the first paragraph is used|stories have no summary; the first paragraph is used",
            "Write a one-sentence `summary:` for listings and search engines, if the first paragraph will not do",
        ),
        Code::ImageAltIsCaption => story(
            "image has alt text that repeats the caption|images have alt text that repeats the caption",
            "Make `alt` describe what the picture shows",
        ),
        // Its stories still hold placeholders (or are drafts or under embargo): the series
        // comes with the first of them a build publishes.
        Code::SeriesWithheld => story(
            "series has no story ready to publish yet|series have no story ready to publish yet",
            "Nothing more to do here: a series is published with its first story that is ready (the work above), not a draft and not under embargo",
        ),
        _ => (
            format!("{}|{}", diagnostic.code, diagnostic.message),
            (
                format!("file: {}", diagnostic.message),
                format!("files: {}", diagnostic.message),
            ),
            diagnostic
                .hint
                .clone()
                .unwrap_or_else(|| "See `byline check`".to_string()),
            false,
        ),
    }
}

/// Groups `byline check`'s findings by what the newsroom must add, the most common first
/// (errors before warnings).
pub fn group_findings(diagnostics: &[Diagnostic]) -> Vec<WorkItem> {
    let mut groups: BTreeMap<String, (WorkItem, BTreeSet<String>)> = BTreeMap::new();
    for diagnostic in diagnostics {
        let (key, what, how, per_finding) = describe(diagnostic);
        let entry = groups.entry(key).or_insert_with(|| {
            (
                WorkItem {
                    code: diagnostic.code,
                    what,
                    how,
                    severity: diagnostic.severity,
                    findings: 0,
                    files: Vec::new(),
                    per_finding,
                },
                BTreeSet::new(),
            )
        });
        entry.0.findings += 1;
        entry
            .1
            .insert(diagnostic.path.to_string_lossy().replace('\\', "/"));
    }
    let mut items: Vec<WorkItem> = groups
        .into_values()
        .map(|(mut item, files)| {
            item.files = files.into_iter().collect();
            item
        })
        .collect();
    items.sort_by(|a, b| {
        (a.severity, std::cmp::Reverse(a.files.len()), &a.what).cmp(&(
            b.severity,
            std::cmp::Reverse(b.files.len()),
            &b.what,
        ))
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_grouped_in_newsroom_words() {
        let diagnostics = vec![
            Diagnostic::new(
                Code::FrontPlaceholder,
                "content/a.md",
                "`editor` still holds a placeholder; fill it in before publishing",
            ),
            Diagnostic::new(
                Code::FrontPlaceholder,
                "content/b.md",
                "`editor` still holds a placeholder; fill it in before publishing",
            ),
            Diagnostic::new(
                Code::FrontPlaceholder,
                "content/b.md",
                "`image: credit` still holds a placeholder; fill it in before publishing",
            ),
            Diagnostic::new(Code::CreditInlineCredit, "content/b.md", "no credit"),
            Diagnostic::new(Code::CreditInlineCredit, "content/b.md", "no credit"),
            Diagnostic::new(Code::SummaryMissing, "content/a.md", "no summary"),
            Diagnostic::new(Code::SeriesWithheld, "content/s/_index.md", "no story"),
            Diagnostic::new(Code::SeriesWithheld, "content/t/_index.md", "no story"),
        ];
        let items = group_findings(&diagnostics);
        let headlines: Vec<String> = items.iter().map(WorkItem::headline).collect();
        assert_eq!(
            headlines,
            [
                "2 stories have no editor",
                "1 header image has no credit",
                "2 images in story texts have no credit (in 1 file)",
                "2 series have no story ready to publish yet",
                "1 story has no summary; the first paragraph is used",
            ]
        );
    }
}
