//! `urls.lock`: every address the site has published, kept at the site root and meant to be
//! committed, so that no build silently drops one. A line holds an address (a site path,
//! percent-encoded as requests carry it) and, after a space, the file that published it:
//!
//! ```text
//! /decision-machines/ content/decision-machines/_index.md
//! /decision-machines/twitter-cuts-ties/ content/decision-machines/twitter-cuts-ties.md
//! ```
//!
//! Story pages (withdrawn ones too, whose address keeps a notice), series pages and aliases are
//! locked; listings of topics, people and pages of listings come and go with the stories and
//! are not. `byline build` adds what it published (never drafts, never a story under embargo)
//! and keeps every line it found: a newsroom that really means an address to go deletes its
//! line by hand. The checks report every locked address a build would no
//! longer publish.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::layout::URL_LOCK_FILE;
use crate::url::{percent_decoded, percent_encoded};

/// What `urls.lock` says: each address and the file that published it, with its line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlLock {
    pub entries: Vec<LockedUrl>,
}

/// One line of `urls.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedUrl {
    /// A site path, percent escapes decoded (as byline's own addresses are).
    pub url: String,
    /// The file that published it, relative to the site root.
    pub source: PathBuf,
    pub line: usize,
}

/// The first lines of every `urls.lock` byline writes.
const HEADER: &str = "# Every address this site has published, and the file that published it.\n\
# byline build adds to it and refuses to drop an address listed here: commit it.\n\
# To let an address go on purpose, delete its line (see README.md, \"Addresses that never die\").\n";

impl UrlLock {
    /// `urls.lock` of the site at `root`; None when the site has none (yet).
    pub fn read(root: &Path) -> Result<Option<UrlLock>, Diagnostic> {
        match std::fs::read_to_string(root.join(URL_LOCK_FILE)) {
            Ok(text) => Ok(Some(UrlLock::parse(&text))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(Diagnostic::new(
                Code::FileRead,
                URL_LOCK_FILE,
                format!("cannot read the list of published addresses: {error}"),
            )),
        }
    }

    /// The addresses a lock's text lists; blank lines and `#` comments are skipped.
    pub fn parse(text: &str) -> UrlLock {
        let entries = text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
            .map(|(at, line)| {
                let line_text = line.trim();
                let (url, source) = line_text.split_once(' ').unwrap_or((line_text, ""));
                LockedUrl {
                    url: percent_decoded(url),
                    source: PathBuf::from(source.trim()),
                    line: at + 1,
                }
            })
            .collect();
        UrlLock { entries }
    }

    /// The lock's text with the addresses of `published` (site path and the file that
    /// published it) added: every address once, sorted, the file that publishes it now named
    /// (an address published by no file any more keeps the one that had it).
    pub fn with_published<'p>(
        &self,
        published: impl Iterator<Item = (&'p str, &'p Path)>,
    ) -> String {
        let mut lines: std::collections::BTreeMap<String, String> = self
            .entries
            .iter()
            .map(|entry| {
                (
                    percent_encoded(&entry.url),
                    entry.source.to_string_lossy().replace('\\', "/"),
                )
            })
            .collect();
        for (url, source) in published {
            lines.insert(
                percent_encoded(url),
                source.to_string_lossy().replace('\\', "/"),
            );
        }
        let mut text = String::from(HEADER);
        for (url, source) in lines {
            text.push_str(&url);
            text.push(' ');
            text.push_str(&source);
            text.push('\n');
        }
        text
    }
}

/// Writes `text` as the `urls.lock` of the site at `root` when it differs from what is there,
/// through a temporary file renamed into place.
pub fn write(root: &Path, text: &str) -> Result<(), Diagnostic> {
    let path = root.join(URL_LOCK_FILE);
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let temporary = root.join(format!(".{URL_LOCK_FILE}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, &path))
        .map_err(|error| {
            let _ = std::fs::remove_file(&temporary);
            Diagnostic::new(
                Code::Output,
                URL_LOCK_FILE,
                format!("the site was built, but the list of published addresses cannot be written: {error}"),
            )
            .with_hint("byline keeps urls.lock at the site root; it must be writable")
        })
}

/// The text of a new site's `urls.lock`: nothing published yet.
pub fn empty() -> String {
    UrlLock::default().with_published(std::iter::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_address_sorted_encoded_and_named() {
        let lock = UrlLock::parse(
            "# comment\n\n/b/old/ content/b/old.md\n/2019/03/caf%C3%A9/ content/a file.md\n",
        );
        assert_eq!(lock.entries.len(), 2);
        assert_eq!(lock.entries[0].line, 3);
        assert_eq!(lock.entries[1].url, "/2019/03/café/");
        assert_eq!(lock.entries[1].source, Path::new("content/a file.md"));
        let published = [
            ("/b/new/", Path::new("content/b/old.md")),
            ("/2019/03/café/", Path::new("content/b/old.md")),
        ];
        let text = lock.with_published(published.into_iter());
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            [
                "/2019/03/caf%C3%A9/ content/b/old.md",
                "/b/new/ content/b/old.md",
                "/b/old/ content/b/old.md",
            ]
        );
        // Read back, the same.
        assert_eq!(
            UrlLock::parse(&text).with_published(std::iter::empty()),
            text
        );
        assert!(UrlLock::parse(&empty()).entries.is_empty());
    }
}
