//! Publishing: writes the finished site into a fresh staging folder beside the output folder
//! and swaps it into place only when everything was written, so a failed build leaves the
//! previous site exactly as it was. Also refuses output folders that would destroy the site
//! itself. Touches the disk and nothing else.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diag::{Code, Diagnostic};
use crate::layout::SOURCES;
use crate::safe_read::open_regular;
use crate::url::normalise;

const STAGING_MARK: &str = ".byline-staging-";
const RETIRED_MARK: &str = ".byline-retired-";

/// Makes `path` absolute and resolves `.` and `..` without requiring it to exist.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve symlinks for the part that exists, so `public` -> `/` tricks are seen through.
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    normalise(&resolved)
}

/// Refuses an output folder whose replacement would delete the site or part of it: the site
/// root itself, a folder above it, or one of its source folders.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf, Diagnostic> {
    let root = absolute(root);
    let output = absolute(output);
    let refuse = |why: &str| {
        Err(Diagnostic::new(
            Code::Output,
            output.clone(),
            format!("refusing to publish into {}: {why}", output.display()),
        )
        .with_hint("choose an output folder of its own, e.g. --output public"))
    };
    if root.starts_with(&output) {
        return refuse(
            "it is the site's folder or a folder containing it, and publishing replaces the output folder",
        );
    }
    for source in SOURCES {
        let source_path = root.join(source);
        if output.starts_with(&source_path) {
            return refuse(&format!("it is inside the site's {source}"));
        }
    }
    if output.parent().is_none() {
        return refuse("it is the root of the file system");
    }
    Ok(output)
}

/// A staging folder being filled with the new site. Safe to write to from many threads.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    files_written: AtomicUsize,
    committed: bool,
}

impl Staging {
    /// Creates a fresh staging folder next to `output` (same file system, so the final swap is a
    /// rename), after removing any left by a build that was killed.
    pub fn create(output: &Path) -> Result<Staging, Diagnostic> {
        let parent = output
            .parent()
            .ok_or_else(|| output_error(output, "it has no parent folder"))?;
        let name = output
            .file_name()
            .ok_or_else(|| output_error(output, "it has no name"))?
            .to_string_lossy()
            .to_string();
        std::fs::create_dir_all(parent)
            .map_err(|error| output_error(parent, &error.to_string()))?;
        remove_leftovers(parent, &name);
        let dir = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|error| output_error(&dir, &error.to_string()))?;
        }
        std::fs::create_dir(&dir).map_err(|error| output_error(&dir, &error.to_string()))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            files_written: AtomicUsize::new(0),
            committed: false,
        })
    }

    fn target(&self, path: &str) -> Result<PathBuf, Diagnostic> {
        let relative = Path::new(path);
        let safe = relative
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
        if !safe || path.is_empty() {
            return Err(output_error(
                relative,
                "it is not a path inside the output folder",
            ));
        }
        Ok(self.dir.join(relative))
    }

    /// Writes `contents` to `path` (relative, `/`-separated) inside the new site.
    pub fn write(&self, path: &str, contents: &[u8]) -> Result<(), Diagnostic> {
        let target = self.target(path)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| output_error(&self.shown(&target), &error.to_string()))?;
        }
        std::fs::write(&target, contents)
            .map_err(|error| output_error(&self.shown(&target), &error.to_string()))?;
        self.files_written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Copies the file `from` to `path` inside the new site.
    pub fn copy(&self, from: &Path, path: &str) -> Result<(), Diagnostic> {
        let target = self.target(path)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| output_error(&self.shown(&target), &error.to_string()))?;
        }
        let copy_failed = |error: std::io::Error| {
            output_error(
                &self.shown(&target),
                &format!("copying {} failed: {error}", from.display()),
            )
        };
        // Only a regular file is copied: one swapped for a named pipe or a link since the
        // folder was listed would otherwise stall the build or publish what it points to.
        let (mut source, _) = open_regular(from).map_err(copy_failed)?;
        let mut copy = std::fs::File::create(&target).map_err(copy_failed)?;
        std::io::copy(&mut source, &mut copy).map_err(copy_failed)?;
        self.files_written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    pub fn files_written(&self) -> usize {
        self.files_written.load(Ordering::Relaxed)
    }

    /// The path a user should see for a staged file: where it will be published.
    fn shown(&self, staged: &Path) -> PathBuf {
        staged
            .strip_prefix(&self.dir)
            .map(|inside| self.output.join(inside))
            .unwrap_or_else(|_| staged.to_path_buf())
    }

    /// Puts the new site in place of the old one. Until this succeeds the old site is untouched;
    /// if the swap itself fails half-way, the old site is put back.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        let retired = self.dir.with_file_name(format!(
            ".{}{RETIRED_MARK}{}",
            self.output
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            std::process::id()
        ));
        let had_old = self.output.exists();
        if had_old {
            std::fs::rename(&self.output, &retired).map_err(|error| {
                output_error(
                    &self.output,
                    &format!("cannot move the previous site aside: {error}"),
                )
            })?;
        }
        if let Err(error) = std::fs::rename(&self.dir, &self.output) {
            if had_old {
                let _ = std::fs::rename(&retired, &self.output);
            }
            return Err(output_error(
                &self.output,
                &format!("cannot put the new site in place: {error}"),
            ));
        }
        self.committed = true;
        if had_old {
            // The new site is live; failing to delete the old copy only wastes disk space.
            let _ = std::fs::remove_dir_all(&retired);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes staging and retired folders of earlier builds of this output that were killed before
/// they could clean up after themselves.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging_prefix = format!(".{name}{STAGING_MARK}");
    let retired_prefix = format!(".{name}{RETIRED_MARK}");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().to_string();
        let leftover = [&staging_prefix, &retired_prefix].iter().any(|prefix| {
            file_name
                .strip_prefix(prefix.as_str())
                .is_some_and(|pid| pid.chars().all(|c| c.is_ascii_digit()) && !is_running(pid))
        });
        if leftover && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether the process `pid` is running, where the system can tell (Linux): a build of the same
/// site running beside this one keeps its staging folder. Elsewhere every leftover is removed.
fn is_running(pid: &str) -> bool {
    cfg!(target_os = "linux")
        && pid != std::process::id().to_string()
        && Path::new("/proc").join(pid).exists()
}

/// At most this many files that could not be written are listed; a full disk fails every file
/// after the first, and one line says how many more there were.
const OUTPUT_ERRORS_SHOWN: usize = 5;

/// `problems` with the output errors beyond the first few replaced by one that counts them.
pub fn limit_output_errors(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let (output, mut others): (Vec<Diagnostic>, Vec<Diagnostic>) = problems
        .into_iter()
        .partition(|problem| problem.code == Code::Output);
    let more = output.len().saturating_sub(OUTPUT_ERRORS_SHOWN);
    let mut output = output;
    Diagnostic::sort(&mut output);
    if more > 0 {
        let last = output[OUTPUT_ERRORS_SHOWN].clone();
        output.truncate(OUTPUT_ERRORS_SHOWN);
        output.push(Diagnostic {
            message: format!(
                "cannot write the site: {more} more files could not be written either; the next was {}",
                last.message.trim_start_matches("cannot write the site: ")
            ),
            ..last
        });
    }
    others.extend(output);
    others
}

fn output_error(path: &Path, problem: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Output,
        path,
        format!("cannot write the site: {}: {problem}", path.display()),
    )
    .with_hint("check that the disk is not full and that the output folder is writable; the previous site was left as it was")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_folders() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, &root.join("content/x")).is_err());
        assert!(check_output_dir(root, &root.join("public/..")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
        assert!(check_output_dir(root, &root.join("../elsewhere")).is_ok());
    }

    #[test]
    fn staging_swaps_in_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(output.join("old.html"), "old").unwrap();
        // A leftover from a killed build.
        std::fs::create_dir(dir.path().join(".public.byline-staging-999999")).unwrap();

        let staging = Staging::create(&output).unwrap();
        staging.write("a/index.html", b"new").unwrap();
        assert!(staging.write("../escape.html", b"x").is_err());
        assert_eq!(
            std::fs::read_to_string(output.join("old.html")).unwrap(),
            "old"
        );
        staging.commit().unwrap();

        assert_eq!(
            std::fs::read_to_string(output.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!output.join("old.html").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, vec!["public"]);
    }

    #[test]
    fn a_full_disk_is_reported_in_a_few_lines_not_one_per_file() {
        let mut problems: Vec<Diagnostic> = (0..1000)
            .map(|n| output_error(Path::new(&format!("public/{n:04}.html")), "disk full"))
            .collect();
        problems.push(Diagnostic::new(Code::Template, "t.html", "other"));
        let limited = limit_output_errors(problems);
        assert_eq!(limited.len(), OUTPUT_ERRORS_SHOWN + 2);
        assert_eq!(limited[0].code, Code::Template);
        let summary = limited.last().unwrap();
        assert_eq!(
            summary.message,
            "cannot write the site: 995 more files could not be written either; the next was public/0005.html: disk full"
        );
        assert!(summary.hint.is_some());
    }

    #[test]
    fn dropped_staging_leaves_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(output.join("old.html"), "old").unwrap();
        {
            let staging = Staging::create(&output).unwrap();
            staging.write("index.html", b"half").unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(output.join("old.html")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
