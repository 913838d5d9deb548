//! Writes the new site: refuses a folder that is not empty, never overwrites a file, gives each
//! story a free file name (and so a free address) by looking at the disk, not at a list of the
//! stories written so far, so memory does not grow with the archive.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::fields::{Mapping, text};
use super::report::ImportReport;
use super::story::{FUNDER_PLACEHOLDER, StoryOut, front_matter_file, placeholder};
use super::{ATTACHMENTS_FILE, ImportError};
use crate::layout::{CONTENT_DIR, RESERVED_PATHS};
use crate::url::slugify;

/// `site.yaml` as an import knows it.
#[derive(Debug, Clone, Default)]
pub struct SiteYaml {
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
}

/// A series as the source describes it.
#[derive(Debug, Clone, Default)]
pub struct SeriesIn {
    pub title: String,
    pub summary: Option<String>,
    /// The series page's text (Markdown).
    pub body: String,
    pub extra: Mapping,
    /// Old addresses of the series page, reported (a series has no `aliases`).
    pub old_url: Option<String>,
}

/// What the writer remembers: the series it made (a handful, not one per story).
pub struct SiteWriter {
    root: PathBuf,
    content: PathBuf,
    /// Source key of a series -> its folder name.
    series: BTreeMap<String, String>,
    /// The list of media files to fetch (`import-attachments.tsv`), written as found.
    attachments: Option<std::io::BufWriter<std::fs::File>>,
    pub stories_written: usize,
}

fn is_empty_dir(path: &Path) -> Result<bool, ImportError> {
    let mut entries = std::fs::read_dir(path).map_err(|e| ImportError::read(path, e))?;
    Ok(entries.next().is_none())
}

impl SiteWriter {
    /// Creates the new site's folder (which must be new or empty) with `content/` and `static/`.
    pub fn create(root: &Path) -> Result<SiteWriter, ImportError> {
        if root.exists() && (!root.is_dir() || !is_empty_dir(root)?) {
            return Err(ImportError::IntoNotEmpty(root.to_path_buf()));
        }
        let content = root.join(CONTENT_DIR);
        for dir in [&content, &root.join("static")] {
            std::fs::create_dir_all(dir).map_err(|e| ImportError::write(dir, e))?;
        }
        Ok(SiteWriter {
            root: root.to_path_buf(),
            content,
            series: BTreeMap::new(),
            attachments: None,
            stories_written: 0,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes a file that must not exist yet.
    pub fn write_new(&self, path: &Path, text: &str) -> Result<(), ImportError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ImportError::write(parent, e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| ImportError::write(path, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| ImportError::write(path, e))
    }

    /// Writes `site.yaml`.
    pub fn write_site_yaml(
        &self,
        site: &SiteYaml,
        report: &mut ImportReport,
    ) -> Result<(), ImportError> {
        let mut map = Mapping::new();
        let title = site
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if title.is_none() {
            report.note("site.yaml: the archive names no site title; `title` says \"Imported site\": change it");
        }
        map.insert("title", text(title.unwrap_or("Imported site")));
        let base_url = site
            .base_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/'))
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        if base_url.is_none() {
            report.note("site.yaml: the archive gives no address; `base_url` says https://example.org: change it to the site's address");
        }
        map.insert("base_url", text(base_url.unwrap_or("https://example.org")));
        if let Some(language) = site
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            map.insert("language", text(language));
        }
        let path = self.root.join("site.yaml");
        let mut yaml = map
            .into_value()
            .to_yaml_text()
            .map_err(|e| ImportError::write(&path, e))?;
        yaml.push_str(
            "# The funders a story may name. Add each funder of the archive here and name it in\n\
             # each series' _index.md (its stories inherit it) or in a stand-alone story:\n\
             # funders:\n\
             #   - name: Example Foundation\n\
             #     url: https://foundation.example.org\n",
        );
        if let Some(description) = site.description.as_deref().filter(|d| !d.trim().is_empty()) {
            yaml.push_str("# The old site's description: ");
            yaml.push_str(&description.replace('\n', " "));
            yaml.push('\n');
        }
        self.write_new(&path, &yaml)
    }

    /// The folder of the series with source key `key`, writing its `_index.md` the first time.
    pub fn series_folder(
        &mut self,
        key: &str,
        describe: impl FnOnce() -> SeriesIn,
        report: &mut ImportReport,
    ) -> Result<String, ImportError> {
        if let Some(folder) = self.series.get(key) {
            return Ok(folder.clone());
        }
        let series = describe();
        let mut slug = slugify(key);
        if RESERVED_PATHS.contains(&slug.as_str()) {
            slug.push_str("-series");
        }
        let mut folder = slug.clone();
        let mut n = 2;
        while self.content.join(&folder).exists()
            || self.content.join(format!("{folder}.md")).exists()
        {
            folder = format!("{slug}-{n}");
            n += 1;
        }
        let mut front = Mapping::new();
        let title = if series.title.trim().is_empty() {
            key.to_string()
        } else {
            series.title.clone()
        };
        front.insert("title", text(&title));
        if let Some(summary) = series.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            front.insert("summary", text(summary));
        }
        front.insert("funder", text(&placeholder(FUNDER_PLACEHOLDER)));
        if !series.extra.is_empty() {
            front.insert("extra", series.extra.clone().into_value());
        }
        let path = self.content.join(&folder).join("_index.md");
        let file =
            front_matter_file(front, &series.body).map_err(|e| ImportError::write(&path, e))?;
        self.write_new(&path, &file)?;
        if let Some(old) = &series.old_url
            && old != &format!("/{folder}/")
        {
            report
                .series_moved
                .push((old.clone(), format!("/{folder}/")));
        }
        report.series.push(title);
        self.series.insert(key.to_string(), folder.clone());
        Ok(folder)
    }

    /// The free file name for a story: its slug, or with `-2`, `-3`, ... when taken.
    fn free_name(&self, series: Option<&str>, slug: &str) -> (PathBuf, String) {
        let folder = match series {
            Some(series) => self.content.join(series),
            None => self.content.clone(),
        };
        let base = {
            let slug = slugify(slug);
            if series.is_none() && RESERVED_PATHS.contains(&slug.as_str()) {
                format!("{slug}-story")
            } else {
                slug
            }
        };
        let taken = |name: &str| {
            folder.join(format!("{name}.md")).exists()
                || folder.join(name).exists()
                || (series.is_none() && self.series.values().any(|s| s == name))
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        (folder, name)
    }

    /// The address [`SiteWriter::write_story`] will give a story with this slug.
    pub fn write_story_planned(&self, series: Option<&str>, slug: &str) -> String {
        let (_, name) = self.free_name(series, slug);
        match series {
            Some(series) => format!("/{series}/{name}/"),
            None => format!("/{name}/"),
        }
    }

    /// Writes a story as `content/[<series>/]<slug>.md`, or as a page bundle
    /// (`<slug>/index.md` with its files) when `bundle` names the source folder to copy from.
    /// A taken name gets `-2`, `-3`, ...; the old address stays an alias.
    pub fn write_story(
        &mut self,
        series: Option<&str>,
        slug: &str,
        story: &StoryOut,
        bundle: Option<&Path>,
    ) -> Result<PathBuf, ImportError> {
        let (folder, name) = self.free_name(series, slug);
        let path = match bundle {
            Some(_) => folder.join(&name).join("index.md"),
            None => folder.join(format!("{name}.md")),
        };
        let file = story
            .file_text()
            .map_err(|e| ImportError::write(&path, e))?;
        self.write_new(&path, &file)?;
        if let Some(source) = bundle {
            copy_bundle_files(source, &folder.join(&name))?;
        }
        self.stories_written += 1;
        Ok(path)
    }

    /// Copies `from` to `static/<site_path>` unless a file is already there. Returns whether
    /// the file is there now.
    pub fn copy_static(&self, from: &Path, site_path: &str) -> Result<bool, ImportError> {
        let Some(target) = self.static_path(site_path) else {
            return Ok(false);
        };
        if target.exists() {
            return Ok(true);
        }
        if !from.is_file() {
            return Ok(false);
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ImportError::write(parent, e))?;
        }
        std::fs::copy(from, &target).map_err(|e| ImportError::write(&target, e))?;
        Ok(true)
    }

    /// `static/<site_path>`, for a site path without `..`.
    pub fn static_path(&self, site_path: &str) -> Option<PathBuf> {
        let relative = site_path.trim_start_matches('/');
        if relative.is_empty()
            || relative
                .split('/')
                .any(|part| part == ".." || part == "." || part.is_empty())
        {
            return None;
        }
        Some(self.root.join("static").join(relative))
    }

    /// Adds a line to `import-attachments.tsv`: the URL, where the file goes in the site and
    /// whether it is there yet.
    pub fn list_attachment(
        &mut self,
        url: &str,
        site_path: &str,
        present: bool,
    ) -> Result<(), ImportError> {
        let path = self.root.join(ATTACHMENTS_FILE);
        if self.attachments.is_none() {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| ImportError::write(&path, e))?;
            let mut file = std::io::BufWriter::new(file);
            file.write_all(b"url\tsite file\tstatus\n")
                .map_err(|e| ImportError::write(&path, e))?;
            self.attachments = Some(file);
        }
        let status = if present { "copied" } else { "to download" };
        let line = format!(
            "{}\tstatic{}\t{status}\n",
            url.replace(['\t', '\n'], " "),
            site_path
        );
        if let Some(file) = &mut self.attachments {
            file.write_all(line.as_bytes())
                .map_err(|e| ImportError::write(&path, e))?;
        }
        Ok(())
    }

    /// Flushes what is still buffered.
    pub fn finish(&mut self, report: &mut ImportReport) -> Result<(), ImportError> {
        if let Some(mut file) = self.attachments.take() {
            file.flush()
                .map_err(|e| ImportError::write(&self.root.join(ATTACHMENTS_FILE), e))?;
            report.attachments_file = true;
        }
        report.stories = self.stories_written;
        Ok(())
    }
}

/// Copies a page bundle's files (everything but Markdown) beside the story.
fn copy_bundle_files(source: &Path, target: &Path) -> Result<(), ImportError> {
    for entry in walkdir::WalkDir::new(source)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| ImportError::read(source, e))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.ends_with(".md") || name.ends_with(".markdown") || name.starts_with('.') {
            continue;
        }
        let relative = entry.path().strip_prefix(source).unwrap_or(entry.path());
        let to = target.join(relative);
        if to.exists() {
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ImportError::write(parent, e))?;
        }
        std::fs::copy(entry.path(), &to).map_err(|e| ImportError::write(&to, e))?;
    }
    Ok(())
}
