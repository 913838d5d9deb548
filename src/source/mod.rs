//! The site's content as written: finds the files under `content/` ([`discover`]), reads and
//! parses each one on its own ([`read`]): its front matter into fields that remember their
//! lines ([`front_matter`]), its Markdown scanned for what the checks need. Touches the disk;
//! judges nothing (`validate` does).

pub mod front_matter;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic, path_order_key};
use crate::layout::CONTENT_DIR;
use crate::markdown::{self, BodyScan, MarkdownOptions, RenderContext};
use crate::model::{Body, BodyText, TextOnDisk};
use crate::site_files;
use front_matter::{SeriesFrontMatter, StoryFrontMatter};

/// A content file found by [`discover`], and what its place in the tree makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/decision-machines/twitter.md`.
    pub path: PathBuf,
    pub kind: SourceKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// `content/<series>/_index.md`.
    SeriesIndex { series_dir: String },
    /// A story: `content/<slug>.md`, `content/<series>/<slug>.md`, or a page bundle
    /// `.../<slug>/index.md` (then `bundle` is the folder, relative to the site root).
    Story {
        series_dir: Option<String>,
        file_stem: String,
        bundle: Option<PathBuf>,
    },
    /// A file that sits in a page bundle beside its `index.md` (an image, a PDF).
    BundleAsset { bundle: PathBuf },
}

/// Walks `content/` and classifies every file. Problems with the tree itself (a file too deep,
/// a series folder without `_index.md`) come back as diagnostics beside the files.
pub fn discover(root: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), Diagnostic> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(Diagnostic::new(
            Code::SiteRead,
            CONTENT_DIR,
            "there is no content folder: stories live in content/<series>/<story>.md",
        )
        .with_hint("create the folder content/ next to site.yaml, or pass --root DIR"));
    }
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    // A folder is a page bundle when it holds an index.md, a series when it holds _index.md.
    let mut bundles: HashSet<PathBuf> = HashSet::new();
    let mut series_dirs_with_index: Vec<String> = Vec::new();
    let mut series_dirs_with_stories: BTreeMap<String, PathBuf> = BTreeMap::new();

    let walker = WalkDir::new(&content)
        .follow_links(false)
        .follow_root_links(false)
        .into_iter()
        .filter_entry(|entry| !is_hidden(entry.file_name().to_str().unwrap_or("")));
    let mut entries = Vec::new();
    for entry in walker {
        match entry {
            // Links and special files are reported, never followed or read.
            Ok(entry) => match site_files::refused(root, &entry) {
                Some(diagnostic) => diagnostics.push(diagnostic),
                None => entries.push(entry),
            },
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                diagnostics.push(Diagnostic::new(
                    Code::FileRead,
                    path,
                    format!("cannot read this part of the content folder: {error}"),
                ));
            }
        }
    }
    // The order a sorted walk would give (each folder's entries by name), from keys made once:
    // walkdir's sorting compares file names it parses out of the paths again and again.
    entries.sort_by_cached_key(|entry| path_order_key(entry.path()));
    for entry in &entries {
        if entry.file_type().is_file()
            && entry.file_name() == "index.md"
            && entry.depth() >= 2
            && let Some(parent) = entry.path().parent()
        {
            bundles.insert(relative(root, parent));
        }
    }

    for entry in &entries {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = relative(root, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        let components: Vec<String> = path
            .iter()
            .skip(1)
            .map(|c| c.to_string_lossy().to_string())
            .collect();
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        // The outermost bundle: a folder with an index.md inside a bundle is part of it.
        let in_bundle = path
            .ancestors()
            .skip(1)
            .filter(|folder| bundles.contains(*folder))
            .last()
            .map(Path::to_path_buf);
        let is_markdown = name.ends_with(".md");

        if let Some(bundle) = in_bundle {
            if name == "index.md" && parent == bundle {
                let bundle_depth = bundle.iter().count();
                let series_dir = (bundle_depth == 3).then(|| components[0].clone());
                if bundle_depth > 3 {
                    diagnostics.push(too_deep(&path));
                    continue;
                }
                if let Some(series) = &series_dir {
                    series_dirs_with_stories
                        .entry(series.clone())
                        .or_insert(path.clone());
                }
                files.push(SourceFile {
                    path,
                    kind: SourceKind::Story {
                        series_dir,
                        file_stem: components[components.len() - 2].clone(),
                        bundle: Some(bundle),
                    },
                });
            } else if !is_markdown {
                files.push(SourceFile {
                    path,
                    kind: SourceKind::BundleAsset { bundle },
                });
            } else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::StructureLayout,
                        &path,
                        "a page bundle holds one story (index.md) and its files; this Markdown file would not be published",
                    )
                    .with_hint("move it to its own file or folder in the series"),
                );
            }
            continue;
        }
        if !is_markdown {
            // Loose files in content/ are not published: static files belong in static/.
            diagnostics.push(
                Diagnostic::new(
                    Code::StructureUnpublishedFile,
                    &path,
                    "this file is not published: only Markdown stories and page-bundle files in content/ are",
                )
                .with_hint("put images and documents in static/, or beside the story in a page bundle folder"),
            );
            continue;
        }
        match components.len() {
            1 if name == "_index.md" => diagnostics.push(
                Diagnostic::new(
                    Code::StructureLayout,
                    &path,
                    "content/_index.md has no meaning: a series' _index.md goes in the series folder",
                )
                .with_hint("move it to content/<series>/_index.md"),
            ),
            1 => files.push(SourceFile {
                kind: SourceKind::Story {
                    series_dir: None,
                    file_stem: name.trim_end_matches(".md").to_string(),
                    bundle: None,
                },
                path,
            }),
            2 if name == "_index.md" => {
                series_dirs_with_index.push(components[0].clone());
                files.push(SourceFile {
                    kind: SourceKind::SeriesIndex {
                        series_dir: components[0].clone(),
                    },
                    path,
                });
            }
            2 => {
                series_dirs_with_stories
                    .entry(components[0].clone())
                    .or_insert(path.clone());
                files.push(SourceFile {
                    kind: SourceKind::Story {
                        series_dir: Some(components[0].clone()),
                        file_stem: name.trim_end_matches(".md").to_string(),
                        bundle: None,
                    },
                    path,
                });
            }
            _ => diagnostics.push(too_deep(&path)),
        }
    }
    for (series_dir, example) in series_dirs_with_stories {
        if !series_dirs_with_index.contains(&series_dir) {
            diagnostics.push(
                Diagnostic::new(
                    Code::StructureSeriesIndex,
                    PathBuf::from(CONTENT_DIR).join(&series_dir),
                    format!(
                        "the folder `{series_dir}` holds stories (like {}) but no _index.md, so the series has no title or funder",
                        example.display()
                    ),
                )
                .with_hint(format!(
                    "create content/{series_dir}/_index.md with at least `title:` and `funder:`"
                )),
            );
        }
    }
    Ok((files, diagnostics))
}

fn too_deep(path: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::StructureLayout,
        path,
        "this story is nested too deeply to be published: stories go in content/<series>/ or content/",
    )
    .with_hint("move it to content/<series>/<story>.md or content/<series>/<story>/index.md")
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') && name != "." && name.len() > 1
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// One content file read and parsed, before anything that needs other files is checked.
// A site has a few series files and thousands of stories, whose front matter is boxed; the
// series variant's size costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ParsedSource {
    Series(ParsedSeries),
    Story(ParsedStory),
    Asset {
        path: PathBuf,
        bundle: PathBuf,
    },
    /// The file could not be read or split; its diagnostics say why.
    Failed,
}

#[derive(Debug, Clone)]
pub struct ParsedSeries {
    pub path: PathBuf,
    pub series_dir: String,
    pub front: SeriesFrontMatter,
    pub description: Body,
}

#[derive(Debug, Clone)]
pub struct ParsedStory {
    pub path: PathBuf,
    pub series_dir: Option<String>,
    pub file_stem: String,
    pub bundle: Option<PathBuf>,
    /// Boxed: the front matter is most of a story's size, and an archive's parsed stories are
    /// moved from list to list on one thread between the parallel stages.
    pub front: Box<StoryFrontMatter>,
    pub body: Body,
}

impl ParsedSource {
    /// Whether the file is a story whose front matter says `draft: true`.
    pub fn is_declared_draft(&self) -> bool {
        matches!(self, ParsedSource::Story(story) if story.front.draft.as_ref().is_some_and(|draft| draft.value))
    }
}

/// What reading keeps of each Markdown text besides its scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The text, for a command that renders it again and again (`serve`).
    Text,
    /// Where the text is, to read it again when it is rendered once (`build`): an archive's
    /// texts are most of what it would hold in memory.
    Reread,
    /// Only the scan: `byline check` renders nothing.
    ScanOnly,
}

/// How a text is scanned for the checks: as it is rendered, but without highlighting or
/// cleaning, which change no link, image or heading.
fn scan_options() -> MarkdownOptions {
    MarkdownOptions {
        highlight: false,
        ..MarkdownOptions::default()
    }
}

/// A Markdown text starting on file line `first_line`, scanned, and kept as `keep` says.
pub fn body(markdown: &str, first_line: usize, keep: Keep) -> Body {
    let options = scan_options();
    let context = RenderContext {
        first_line,
        ..RenderContext::new(&options)
    };
    let scan: BodyScan = markdown::scan(markdown, &context);
    Body {
        text: match keep {
            // A text not read from a file has nowhere to be read again from.
            Keep::Text | Keep::Reread => BodyText::Kept(Arc::from(markdown)),
            Keep::ScanOnly => BodyText::Dropped,
        },
        scan: Arc::new(scan),
        first_line,
    }
}

/// The text of the file `file` (its whole contents `contents`) after its front matter,
/// `markdown`, read as [`body`] reads a text, kept as `keep` says.
fn file_body(file: &Path, contents: &str, markdown: &str, first_line: usize, keep: Keep) -> Body {
    if keep != Keep::Reread {
        return body(markdown, first_line, keep);
    }
    let mut body = body(markdown, first_line, Keep::ScanOnly);
    // The text is the end of the file: `front_matter::split` takes it from there.
    let start = contents.len() - markdown.len();
    body.text = BodyText::OnDisk(Arc::new(TextOnDisk {
        file: file.to_path_buf(),
        start,
        len: markdown.len(),
        checksum: crc32fast::hash(markdown.as_bytes()),
    }));
    body
}

/// The Markdown of `body` (of the file `shown`, as editors know it) for rendering: kept in
/// memory, or read again from its file, which must hold the text that was checked. A file
/// changed since (an editor saving during a build) is an error, never published unchecked.
pub fn text_of<'a>(body: &'a Body, shown: &Path) -> Result<Cow<'a, str>, Diagnostic> {
    let on_disk = match &body.text {
        BodyText::Kept(text) => return Ok(Cow::Borrowed(text)),
        BodyText::OnDisk(on_disk) => on_disk,
        // The command chose how the site was read: asking a scan for its text is a bug in
        // byline, not a problem of the site.
        BodyText::Dropped => panic!("a text is rendered only from a site read with its texts"),
    };
    let contents = site_files::read_source_text(&on_disk.file, shown)?;
    let text = contents
        .get(on_disk.start..)
        .filter(|text| {
            text.len() == on_disk.len && crc32fast::hash(text.as_bytes()) == on_disk.checksum
        })
        .ok_or_else(|| {
            Diagnostic::new(
                Code::FileRead,
                shown,
                "this file changed while the site was being built, after it was checked: the build stops rather than publish a text nobody checked",
            )
            .with_hint("build again once the file is saved")
        })?;
    Ok(Cow::Owned(text.to_string()))
}

/// Reads and parses one file found by [`discover`]. Independent of every other file.
pub fn read(root: &Path, source: &SourceFile, keep: Keep) -> (ParsedSource, Vec<Diagnostic>) {
    let (series_dir, story) = match &source.kind {
        SourceKind::BundleAsset { bundle } => {
            return (
                ParsedSource::Asset {
                    path: source.path.clone(),
                    bundle: bundle.clone(),
                },
                Vec::new(),
            );
        }
        SourceKind::SeriesIndex { series_dir } => (series_dir, None),
        SourceKind::Story {
            series_dir,
            file_stem,
            bundle,
        } => (
            series_dir.as_ref().unwrap_or(file_stem),
            Some((series_dir, file_stem, bundle)),
        ),
    };
    let full_path = root.join(&source.path);
    let text = match site_files::read_source_text(&full_path, &source.path) {
        Ok(text) => text,
        Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
    };
    let document = match front_matter::split(&text, &source.path) {
        Ok(document) => document,
        Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
    };
    let body_first_line = document.body_first_line;
    match story {
        None => {
            let (front, diagnostics) = match front_matter::parse_series(&document, &source.path) {
                Ok(parsed) => parsed,
                Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
            };
            (
                ParsedSource::Series(ParsedSeries {
                    path: source.path.clone(),
                    series_dir: series_dir.clone(),
                    front,
                    // Series descriptions are few, and their pages need the text even after a
                    // check.
                    description: body(document.body, body_first_line, Keep::Text),
                }),
                diagnostics,
            )
        }
        Some((series_dir, file_stem, bundle)) => {
            let (front, diagnostics) = match front_matter::parse_story(&document, &source.path) {
                Ok(parsed) => parsed,
                Err(diagnostic) => return (ParsedSource::Failed, vec![diagnostic]),
            };
            (
                ParsedSource::Story(ParsedStory {
                    path: source.path.clone(),
                    series_dir: series_dir.clone(),
                    file_stem: file_stem.clone(),
                    bundle: bundle.clone(),
                    front: Box::new(front),
                    body: file_body(&full_path, &text, document.body, body_first_line, keep),
                }),
                diagnostics,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "---\ntitle: \"A\"\ndate: 2024-01-31\n---\n\nThe text, as checked.\n";

    fn read_story(root: &Path, keep: Keep) -> Body {
        let file = SourceFile {
            path: PathBuf::from("content/a.md"),
            kind: SourceKind::Story {
                series_dir: None,
                file_stem: "a".into(),
                bundle: None,
            },
        };
        match read(root, &file, keep) {
            (ParsedSource::Story(story), _) => story.body,
            (other, found) => panic!("not read as a story: {other:?} {found:?}"),
        }
    }

    #[test]
    fn a_text_read_again_is_the_text_that_was_checked() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("content")).unwrap();
        let path = site.path().join("content/a.md");
        // With a byte-order mark: the text's place is counted in the file's bytes.
        std::fs::write(&path, format!("\u{feff}{STORY}")).unwrap();
        let shown = Path::new("content/a.md");

        let kept = read_story(site.path(), Keep::Text);
        let again = read_story(site.path(), Keep::Reread);
        assert!(matches!(again.text, BodyText::OnDisk(_)));
        assert_eq!(kept.scan, again.scan);
        let expected = "\nThe text, as checked.\n";
        assert_eq!(text_of(&kept, shown).unwrap(), expected);
        assert_eq!(text_of(&again, shown).unwrap(), expected);

        // Saved again in the meantime, even at the same length: never rendered unchecked.
        std::fs::write(&path, STORY.replace("as checked", "as changed")).unwrap();
        let problem = text_of(&again, shown).unwrap_err();
        assert_eq!(problem.code, Code::FileRead);
        assert!(
            problem
                .message
                .contains("changed while the site was being built")
        );
        assert!(matches!(
            read_story(site.path(), Keep::ScanOnly).text,
            BodyText::Dropped
        ));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(text_of(&again, shown).unwrap_err().code, Code::FileRead);
    }
}
