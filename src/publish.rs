//! Publishing: writes the finished site into a fresh staging folder beside the output folder
//! and swaps it into place only when everything was written, so a failed build leaves the
//! previous site exactly as it was.
//!
//! The output folder is replaced whole, so byline replaces only a folder it made itself (one
//! holding its marker file, [`OUTPUT_MARKER`], written into every site it publishes), an empty
//! folder or a missing one; anything else needs `--force`. It never publishes over the site's
//! own folders, through a symbolic link, or over a file.
//!
//! The swap is one atomic step where the system has one (Linux `renameat2` with
//! `RENAME_EXCHANGE`, macOS `renameatx_np` with `RENAME_SWAP`): at every instant the output
//! folder holds the old site or the new one. Elsewhere it is two renames (old site aside, new
//! site in); a build killed between them leaves the old site in a "retired" folder, and the
//! next build puts it back before anything else. Touches the disk and nothing else.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diag::{Code, Diagnostic};
use crate::layout::SOURCES;
use crate::parallel;
use crate::safe_read::open_regular;
use crate::url::normalise;

const STAGING_MARK: &str = ".byline-staging-";
const RETIRED_MARK: &str = ".byline-retired-";

/// The file byline writes at the top of every site it publishes: a folder holding it is one
/// byline made, which the next build may replace.
pub const OUTPUT_MARKER: &str = ".byline-output";

/// What the marker file says to whoever finds it.
const OUTPUT_MARKER_TEXT: &str = "This folder is a site published by byline (`byline build`). The next build replaces \
everything in it; keep nothing here that byline did not write.\n";

/// `path` made absolute against the working folder, `.` and `..` worked out, nothing resolved.
fn plain_absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalise(path)
    } else {
        normalise(&std::env::current_dir().unwrap_or_default().join(path))
    }
}

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

/// Gets the output folder ready to be replaced, or refuses it: first puts back a site that a
/// build killed in the middle of its swap left aside ([`recover_interrupted`]); then refuses a
/// folder whose replacement would delete what byline did not make (see the module docs).
/// `force` allows replacing a folder without byline's marker, nothing else. Returns the
/// folder's absolute path.
pub fn prepare_output(root: &Path, output: &Path, force: bool) -> Result<PathBuf, Diagnostic> {
    let plain = plain_absolute(output);
    let refuse = |why: String, hint: &str| {
        Err(Diagnostic::new(
            Code::Output,
            plain.clone(),
            format!("refusing to publish into {}: {why}", plain.display()),
        )
        .with_hint(hint.to_string()))
    };
    let own_folder = "choose an output folder of its own, e.g. --output public";
    // A link is judged before anything follows it: replacing it would replace what it
    // points to.
    if let Ok(meta) = std::fs::symlink_metadata(&plain)
        && meta.file_type().is_symlink()
    {
        let target = std::fs::read_link(&plain)
            .map(|target| format!(" to {}", target.display()))
            .unwrap_or_default();
        return refuse(
            format!(
                "it is a symbolic link{target}, and publishing would replace the folder it points to"
            ),
            "publish into a real folder (remove the link, or pass the folder it points to as --output)",
        );
    }
    let resolved = check_output_dir(root, output)?;
    recover_interrupted(&resolved);
    match std::fs::symlink_metadata(&resolved) {
        Err(_) => Ok(resolved),
        Ok(meta) if !meta.is_dir() => refuse(
            "it is a file, not a folder, and publishing would replace it with the site".to_string(),
            own_folder,
        ),
        Ok(_) if force || is_empty_folder(&resolved) || has_marker(&resolved) => Ok(resolved),
        Ok(_) => refuse(
            format!(
                "it is a folder byline did not make (it has no {OUTPUT_MARKER} file), and publishing replaces the whole output folder: everything in it would be deleted"
            ),
            "choose a new or empty folder; if it is a site an earlier byline built, or you mean to replace what is there, pass --force once",
        ),
    }
}

fn is_empty_folder(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

fn has_marker(folder: &Path) -> bool {
    std::fs::symlink_metadata(folder.join(OUTPUT_MARKER)).is_ok_and(|meta| meta.is_file())
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
        recover_interrupted(output);
        let dir = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        if dir.exists() {
            remove_folder(&dir).map_err(|error| output_error(&dir, &error.to_string()))?;
        }
        std::fs::create_dir(&dir).map_err(|error| output_error(&dir, &error.to_string()))?;
        let staging = Staging {
            output: output.to_path_buf(),
            dir,
            files_written: AtomicUsize::new(0),
            committed: false,
        };
        // The mark that lets the next build replace this folder (not counted as a file of
        // the site).
        std::fs::write(staging.dir.join(OUTPUT_MARKER), OUTPUT_MARKER_TEXT).map_err(|error| {
            output_error(
                &staging.shown(&staging.dir.join(OUTPUT_MARKER)),
                &error.to_string(),
            )
        })?;
        Ok(staging)
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

    /// Puts the new site in place of the old one: in one atomic exchange where the system has
    /// one, else in two renames (see the module docs). Until this succeeds the old site is in
    /// place; if the two-step swap fails half-way, the old site is put back, and when even
    /// that fails the message says where it is. The previous site is left set aside for the
    /// caller to remove ([`PreviousSite`]).
    pub fn commit(mut self) -> Result<PreviousSite, Diagnostic> {
        let had_old = std::fs::symlink_metadata(&self.output).is_ok();
        if had_old {
            match exchange(&self.dir, &self.output) {
                Ok(true) => {
                    self.committed = true;
                    // The staging folder now holds the old site.
                    return Ok(PreviousSite(Some(self.dir.clone())));
                }
                Ok(false) => {}
                Err(error) => {
                    return Err(output_error(
                        &self.output,
                        &format!("cannot put the new site in place: {error}"),
                    ));
                }
            }
        }
        let retired = self.dir.with_file_name(format!(
            ".{}{RETIRED_MARK}{}",
            self.output
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            std::process::id()
        ));
        if had_old {
            std::fs::rename(&self.output, &retired).map_err(|error| {
                output_error(
                    &self.output,
                    &format!("cannot move the previous site aside: {error}"),
                )
            })?;
        }
        if let Err(error) = std::fs::rename(&self.dir, &self.output) {
            let problem = format!("cannot put the new site in place: {error}");
            if had_old && let Err(back) = std::fs::rename(&retired, &self.output) {
                return Err(Diagnostic::new(
                    Code::Output,
                    &self.output,
                    format!(
                        "cannot write the site: {}: {problem}; and the previous site could not be put back ({back}): it is in {}",
                        self.output.display(),
                        retired.display()
                    ),
                )
                .with_hint(format!(
                    "move {} back to {} to publish the previous site again (the next build does it too)",
                    retired.display(),
                    self.output.display()
                )));
            }
            return Err(output_error(&self.output, &problem));
        }
        self.committed = true;
        Ok(PreviousSite(had_old.then_some(retired)))
    }
}

/// The site a commit replaced, in a folder set aside beside the output folder.
#[must_use = "the previous site stays on disk until it is removed"]
pub struct PreviousSite(Option<PathBuf>);

impl PreviousSite {
    /// Removes the previous site. The new one is live, so failing to only wastes disk space:
    /// the next build removes whatever is left.
    pub fn remove(self) {
        drop(self);
    }
}

impl Drop for PreviousSite {
    fn drop(&mut self) {
        if let Some(folder) = self.0.take() {
            let _ = remove_folder(&folder);
        }
    }
}

/// Swaps the folders `a` and `b` in one atomic step: Ok(true) when done, Ok(false) when the
/// system or file system cannot (then the caller swaps in two steps).
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // The kernel or the file system has no atomic exchange (old kernels, some network and
        // FUSE file systems).
        Err(errno)
            if [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP].contains(&errno) =>
        {
            Ok(false)
        }
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_folder(&self.dir);
        }
    }
}

/// Cleans up after builds of `output` that were killed before they could: when the output
/// folder is missing and a build killed between the two renames of its swap left the previous
/// site in a retired folder, that site is put back first; then every staging and retired
/// folder of a build no longer running is removed.
pub fn recover_interrupted(output: &Path) {
    let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging_prefix = format!(".{name}{STAGING_MARK}");
    let retired_prefix = format!(".{name}{RETIRED_MARK}");
    let mut retired = Vec::new();
    let mut leftovers = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().to_string();
        let of_a_dead_build = |prefix: &str| {
            file_name
                .strip_prefix(prefix)
                .is_some_and(|pid| pid.chars().all(|c| c.is_ascii_digit()) && !is_running(pid))
        };
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if of_a_dead_build(&retired_prefix) {
            let changed = entry.metadata().and_then(|meta| meta.modified()).ok();
            retired.push((changed, entry.path()));
        } else if of_a_dead_build(&staging_prefix) {
            leftovers.push(entry.path());
        }
    }
    // The latest site aside is the one that was live.
    retired.sort();
    if std::fs::symlink_metadata(output).is_err()
        && let Some((_, latest)) = retired.pop()
        && std::fs::rename(&latest, output).is_err()
    {
        // Kept as it is: it is the only copy of the previous site.
        return;
    }
    for folder in leftovers
        .into_iter()
        .chain(retired.into_iter().map(|(_, path)| path))
    {
        let _ = remove_folder(&folder);
    }
}

/// Removes `folder` (a staging folder, or a previous site set aside) and everything in it. A
/// site is tens of thousands of files, and removing them one after another waits on the disk
/// for each, so they are removed side by side ([`parallel::waiting_on_disk`]). The folder is
/// opened without following a link and emptied through its handle, so nothing outside it is
/// touched even if a folder in it is swapped for a link meanwhile.
#[cfg(unix)]
fn remove_folder(folder: &Path) -> std::io::Result<()> {
    use remove_dir_all::RemoveDir;
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut opened = std::fs::File::from(rustix::fs::open(folder, flags, Mode::empty())?);
    parallel::waiting_on_disk(|| opened.remove_dir_contents(Some(folder)))?;
    drop(opened);
    std::fs::remove_dir(folder)
}

#[cfg(not(unix))]
fn remove_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::remove_dir_all(folder)
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
        let previous = staging.commit().unwrap();

        assert_eq!(
            std::fs::read_to_string(output.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!output.join("old.html").exists());
        let names = || -> Vec<String> {
            let mut names: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect();
            names.sort();
            names
        };
        // Until it is removed, the previous site is set aside beside the new one.
        assert_eq!(names().len(), 2);
        previous.remove();
        assert_eq!(names(), vec!["public"]);
    }

    #[cfg(unix)]
    #[test]
    fn removing_the_previous_site_never_follows_a_link_out_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(outside.join("folder")).unwrap();
        std::fs::write(outside.join("folder/keep.txt"), "kept").unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir_all(output.join("series/story")).unwrap();
        std::fs::write(output.join("series/story/index.html"), "old").unwrap();
        for n in 0..50 {
            let folder = output.join(format!("topics/t{n}"));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("index.html"), "old").unwrap();
        }
        std::os::unix::fs::symlink(&outside, output.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.join("folder"), output.join("series/link")).unwrap();

        let staging = Staging::create(&output).unwrap();
        staging.write("index.html", b"new").unwrap();
        staging.commit().unwrap().remove();

        assert_eq!(
            std::fs::read_to_string(outside.join("folder/keep.txt")).unwrap(),
            "kept"
        );
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(names, vec!["outside", "public"]);
        // A link given as the folder itself is refused, not followed.
        let link = dir.path().join("link-to-outside");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(remove_folder(&link).is_err());
        assert!(outside.join("folder/keep.txt").exists());
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
