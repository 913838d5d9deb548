//! The files byline reads from a site folder, and the ones it refuses: symbolic links and
//! special files (named pipes, sockets, devices) found in `content/`, `static/` or the site's
//! theme folder are never followed or read, and each is reported.
//!
//! Why: byline runs in CI on whatever reporters commit. A committed link to `/etc/passwd`, to a
//! CI secret or to the site's own `content/` (drafts, embargoed stories) would otherwise be
//! published, or served by the preview; a link that loops or points nowhere would hide a page
//! without a word; and reading a named pipe blocks for ever. A copy of the file does what a link
//! was meant to do, so the rule is simple: no links, and every one found is named.

use std::path::Path;

use walkdir::DirEntry;

use crate::diag::{Code, Diagnostic};
use crate::safe_read::{ReadError, read_regular};

/// The finding for the symbolic link at `path` (`shown` in messages), naming where it points.
pub fn symlink_finding(path: &Path, shown: &Path) -> Diagnostic {
    let target = match std::fs::read_link(path) {
        Ok(target) => format!(" to {}", target.display()),
        Err(_) => String::new(),
    };
    Diagnostic::new(
        Code::Symlink,
        shown,
        format!(
            "this is a symbolic link{target}; byline does not follow links, so nothing it points to is read or published"
        ),
    )
    .with_hint(
        "put a copy of the file (or folder) here instead of a link: a link could publish files from outside the site",
    )
}

/// Whether `path` is a symbolic link itself (not followed).
pub fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

/// The largest story or series file byline reads (10 MiB). A long investigation is a few
/// hundred kilobytes of Markdown; a file this large is a pasted image or data dump, and it
/// would be copied into the story page and every feed that carries it.
pub const MAX_SOURCE_BYTES: u64 = 10 * 1024 * 1024;

/// Why `entry` (found by walking a folder of the site at `root`, without following links) is
/// not read: a symbolic link or a special file. None for ordinary files and folders.
pub fn refused(root: &Path, entry: &DirEntry) -> Option<Diagnostic> {
    let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
    if entry.path_is_symlink() {
        return Some(symlink_finding(entry.path(), shown));
    }
    let file_type = entry.file_type();
    if file_type.is_file() || file_type.is_dir() {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::FileRead,
            shown,
            "this is not a regular file (a named pipe, socket or device), so byline does not read it",
        )
        .with_hint("remove it from the site folder"),
    )
}

/// The size diagnostic for a story or series file of `bytes` bytes at `path`, more than
/// [`MAX_SOURCE_BYTES`].
fn too_large(path: &Path, bytes: u64) -> Diagnostic {
    {
        Diagnostic::new(
            Code::FileTooLarge,
            path,
            format!(
                "this file is {:.1} MB, more than the {} MB byline reads for one story",
                bytes as f64 / (1024.0 * 1024.0),
                MAX_SOURCE_BYTES / (1024 * 1024)
            ),
        )
        .at(1, 1)
        .with_hint(
            "a story's text is rarely over 1 MB: check that no image or data was pasted into it; put images and data files in static/ or beside the story in a page bundle",
        )
    }
}

/// The text of the content file at `full_path` (`shown` in messages), or why it cannot be
/// used: it cannot be read (it vanished, no permission, it is not a regular file), it is
/// larger than [`MAX_SOURCE_BYTES`], or it is not UTF-8.
pub fn read_source_text(full_path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = match read_regular(full_path, MAX_SOURCE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge(bytes)) => {
            return Err(too_large(shown, bytes));
        }
        Err(ReadError::Io(error)) => {
            return Err(Diagnostic::new(
                Code::FileRead,
                shown,
                format!("cannot read this file: {error}"),
            )
            .with_hint(
                "check that the file still exists and that byline may read it (its permissions)",
            ));
        }
    };
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::new(Code::FileRead, shown, "this file is not UTF-8 text")
            .at(line, 1)
            .with_hint("save it as UTF-8 in your editor")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_over_the_limit_are_too_large() {
        let diagnostic = too_large(Path::new("content/a.md"), 50 * 1024 * 1024);
        assert_eq!(diagnostic.code, Code::FileTooLarge);
        assert!(
            diagnostic.message.starts_with("this file is 50.0 MB"),
            "{}",
            diagnostic.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_and_pipes_are_refused_files_and_folders_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("folder")).unwrap();
        std::fs::write(root.join("folder/file.md"), "x").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("folder/link.md")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("folder/dangling.md")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("folder/pipe.md"))
            .status()
            .is_ok_and(|status| status.success());
        let found: Vec<(String, Option<Code>)> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .map(|entry| {
                let name = entry.file_name().to_string_lossy().to_string();
                (name, refused(root, &entry).map(|d| d.code))
            })
            .collect();
        assert!(found.contains(&("file.md".to_string(), None)), "{found:?}");
        assert!(found.contains(&("folder".to_string(), None)), "{found:?}");
        assert!(
            found.contains(&("link.md".to_string(), Some(Code::Symlink))),
            "{found:?}"
        );
        assert!(
            found.contains(&("dangling.md".to_string(), Some(Code::Symlink))),
            "{found:?}"
        );
        if fifo {
            assert!(
                found.contains(&("pipe.md".to_string(), Some(Code::FileRead))),
                "{found:?}"
            );
        }
    }
}
