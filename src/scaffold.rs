//! Scaffolding: `byline init` writes a new working site, `byline new story|series` writes a new
//! content file whose unknown fields are clearly marked placeholders that `check` reports until
//! a journalist fills them in.

use std::path::{Path, PathBuf};

use crate::layout::CONTENT_DIR;
use crate::safe_read::read_regular;
use crate::site_files::MAX_SOURCE_BYTES;
use crate::url::slugify;
use crate::validate::PLACEHOLDER_MARK;

/// What went wrong while scaffolding, in words for the person at the keyboard.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScaffoldError {
    #[error("{0} is not empty; byline init only writes into a new or empty folder")]
    NotEmpty(PathBuf),
    #[error("{0} already exists; byline never overwrites a story or series")]
    Exists(PathBuf),
    #[error("there is no series `{0}`: create it first with `byline new series \"Name\"`")]
    NoSeries(String),
    #[error("\"{0}\" gives no usable file name; use a title with letters or digits")]
    NoSlug(String),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, String),
}

fn write_new(path: &Path, contents: &str) -> Result<(), ScaffoldError> {
    if path.exists() {
        return Err(ScaffoldError::Exists(path.to_path_buf()));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| ScaffoldError::Write(parent.to_path_buf(), e.to_string()))?;
    }
    std::fs::write(path, contents)
        .map_err(|e| ScaffoldError::Write(path.to_path_buf(), e.to_string()))
}

/// YAML text in double quotes, so any title is valid YAML.
fn quoted(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// Creates a working site in `dir` (which must be new or empty). Returns the files written.
/// `zone` is the newsroom's time zone (an IANA name) the site starts with.
pub fn init(dir: &Path, today: &str, zone: &str) -> Result<Vec<PathBuf>, ScaffoldError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| ScaffoldError::Write(dir.to_path_buf(), e.to_string()))?;
        if entries.next().is_some() {
            return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
        }
    }
    let files = [
        (
            "site.yaml",
            format!("title: My Newsroom\n\
             base_url: https://example.org\n\
             # The words and dates readers see: en, de, fr and es come with the theme.\n\
             language: en\n\
             # The newsroom's time zone (an IANA name such as Europe/Berlin): a story's day\n\
             # alone is that day here.\n\
             timezone: {zone}\n\
             theme: default\n\
             # How pages write a day; the language's own way when not set.\n\
             # date_format: \"%-d %B %Y\"\n\
             funding_note: None of our funders have any influence over our editorial decisions or output.\n\
             publisher:\n  name: My Newsroom\n  url: https://example.org\n\
             funders:\n  - name: Example Foundation\n    url: https://foundation.example.org\n    description: Funds our investigations.\n\
             people:\n  - name: Alex Reporter\n    title: Reporter\n    bio: Alex investigates how public money is spent.\n"),
        ),
        (
            "content/first-investigation/_index.md",
            "---\ntitle: First Investigation\nsummary: Our first series of stories.\nfunder: Example Foundation\n---\n\nWhat this series investigates, and why.\n".to_string(),
        ),
        (
            "content/first-investigation/welcome.md",
            format!(
                "---\ntitle: Welcome to the first investigation\ndate: {today}\nreporter: Alex Reporter\neditor: Sam Editor\nsummary: The first story of the series.\ntopics: [Public money]\n---\n\nThe story starts here. Write in Markdown; see the byline README for every field.\n"
            ),
        ),
        (".gitignore", "public/\n.byline-cache/\n".to_string()),
        // Nothing published yet: the first build fills it in.
        (crate::layout::URL_LOCK_FILE, crate::url_lock::empty()),
    ];
    let mut written = Vec::new();
    std::fs::create_dir_all(dir.join("static"))
        .map_err(|e| ScaffoldError::Write(dir.join("static"), e.to_string()))?;
    for (relative, contents) in files {
        let path = dir.join(relative);
        write_new(&path, &contents)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `content/<series>/<slug>.md` (or `content/<slug>.md`) for a new story.
pub fn new_story(
    root: &Path,
    title: &str,
    series: Option<&str>,
    today: &str,
) -> Result<PathBuf, ScaffoldError> {
    let slug = slugify(title);
    if slug == "untitled" && !title.to_lowercase().contains("untitled") {
        return Err(ScaffoldError::NoSlug(title.to_string()));
    }
    let content = root.join(CONTENT_DIR);
    let (folder, series_funder) = match series {
        Some(series) => {
            let folder = content.join(series);
            let index = folder.join("_index.md");
            let index_text = read_regular(&index, MAX_SOURCE_BYTES)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let Some(index_text) = index_text else {
                return Err(ScaffoldError::NoSeries(series.to_string()));
            };
            let has_funder = index_text.lines().any(|line| line.starts_with("funder:"));
            (folder, has_funder)
        }
        None => (content, false),
    };
    let path = folder.join(format!("{slug}.md"));
    if folder.join(&slug).join("index.md").exists() {
        return Err(ScaffoldError::Exists(folder.join(&slug).join("index.md")));
    }
    let funder = if series_funder {
        "# funder: inherited from the series; name one here only if this story has its own\n"
            .to_string()
    } else {
        format!("funder: \"{PLACEHOLDER_MARK}: funder, as listed in site.yaml\"\n")
    };
    let text = format!(
        "---\n\
         title: {title}\n\
         date: {today}\n\
         # A draft is left out of the site, and out of `byline check`, until this line goes.\n\
         draft: true\n\
         reporter: \"{PLACEHOLDER_MARK}: reporter's name\"\n\
         editor: \"{PLACEHOLDER_MARK}: editor's name\"\n\
         {funder}\
         summary: \"{PLACEHOLDER_MARK}: one or two sentences for listings and search engines\"\n\
         topics: []\n\
         # image:\n\
         #   src: /images/picture.jpg\n\
         #   alt: What the picture shows\n\
         #   caption: Where and when it was taken.\n\
         #   credit: Photographer/Agency\n\
         ---\n\n\
         Write the story here.\n",
        title = quoted(title),
    );
    write_new(&path, &text)?;
    Ok(path)
}

/// Writes `content/<slug>/_index.md` for a new series.
pub fn new_series(root: &Path, name: &str) -> Result<PathBuf, ScaffoldError> {
    let slug = slugify(name);
    if slug == "untitled" && !name.to_lowercase().contains("untitled") {
        return Err(ScaffoldError::NoSlug(name.to_string()));
    }
    let path = root.join(CONTENT_DIR).join(&slug).join("_index.md");
    let text = format!(
        "---\ntitle: {}\nsummary: \"{PLACEHOLDER_MARK}: what this series investigates, in a sentence\"\nfunder: \"{PLACEHOLDER_MARK}: funder of the series, as listed in site.yaml\"\n---\n\nDescribe the series here.\n",
        quoted(name)
    );
    write_new(&path, &text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_refuses_a_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x"), "").unwrap();
        assert_eq!(
            init(dir.path(), "2026-01-01", "UTC"),
            Err(ScaffoldError::NotEmpty(dir.path().to_path_buf()))
        );
    }

    #[test]
    fn new_story_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let first = new_story(dir.path(), "A \"quoted\" title", None, "2026-01-01").unwrap();
        assert_eq!(first, dir.path().join("content/a-quoted-title.md"));
        let text = std::fs::read_to_string(&first).unwrap();
        assert!(
            text.contains("title: \"A \\\"quoted\\\" title\"\n"),
            "{text}"
        );
        assert!(matches!(
            new_story(dir.path(), "A quoted title", None, "2026-01-01"),
            Err(ScaffoldError::Exists(_))
        ));
        assert_eq!(
            new_story(dir.path(), "X", Some("missing"), "2026-01-01"),
            Err(ScaffoldError::NoSeries("missing".into()))
        );
    }
}
