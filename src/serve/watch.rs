//! Watching the site: notify with a short debounce on `site.yaml` (through a watch on the site
//! folder itself), `content/`, `static/` and `themes/` (recursive watches on folders, never on
//! single files, because editors save by writing a temporary file and renaming it over the old
//! one). Only changes count: reading a file (which the preview itself does all the time) is
//! not one. Editor temporary files are dropped here; what is left is a batch of changed paths,
//! relative to the site folder, for [`super::preview::Preview::apply`].

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use notify_debouncer_mini::notify::event::{AccessKind, AccessMode};
use notify_debouncer_mini::notify::{
    self, Event, EventHandler, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
    WatcherKind,
};
use notify_debouncer_mini::{Config, DebounceEventResult, Debouncer, new_debouncer_opt};

use crate::layout::{CONTENT_DIR, STATIC_DIR, THEMES_DIR};

/// The folders watched recursively, when they exist.
const WATCHED_FOLDERS: [&str; 3] = [CONTENT_DIR, STATIC_DIR, THEMES_DIR];

/// How often the polling fallback looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// A running watch. Dropping it stops watching.
pub struct SiteWatcher {
    root: PathBuf,
    backend: Backend,
    events: Receiver<DebounceEventResult>,
}

enum Backend {
    Native(Debouncer<ChangesOnly<RecommendedWatcher>>),
    /// For when the system runs out of inotify watches.
    Poll(Debouncer<ChangesOnly<PollWatcher>>),
}

impl Backend {
    fn watcher(&mut self) -> &mut dyn notify::Watcher {
        match self {
            Backend::Native(debouncer) => debouncer.watcher(),
            Backend::Poll(debouncer) => debouncer.watcher(),
        }
    }
}

/// What came out of waiting for changes.
pub enum Batch {
    /// Paths (relative to the site folder) that changed, temporary files left out. May be empty
    /// when only temporary files changed.
    Changed(Vec<PathBuf>),
    /// The watcher failed (e.g. an inotify limit); the message says why.
    Failed(String),
    /// The watch was stopped.
    Closed,
}

impl SiteWatcher {
    /// Starts watching the site at `root` (an absolute path).
    pub fn start(root: &Path, debounce: Duration) -> Result<SiteWatcher, String> {
        let (sender, events) = std::sync::mpsc::channel();
        let backend = match native(debounce, sender.clone()) {
            Ok(debouncer) => Backend::Native(debouncer),
            Err(error) => {
                eprintln!(
                    "warning: cannot watch files natively ({error}); checking them every {} ms instead",
                    POLL_INTERVAL.as_millis()
                );
                Backend::Poll(polling(debounce, sender).map_err(|e| e.to_string())?)
            }
        };
        let mut watcher = SiteWatcher {
            root: root.to_path_buf(),
            backend,
            events,
        };
        if let Err(error) = watcher.watch_all() {
            if !matches!(watcher.backend, Backend::Native(_)) || !is_out_of_watches(&error) {
                return Err(error.to_string());
            }
            eprintln!(
                "warning: the system ran out of file watches ({error}).\n  hint: raise the limit, e.g. `sudo sysctl fs.inotify.max_user_watches=524288`; until then byline checks the files every {} ms",
                POLL_INTERVAL.as_millis()
            );
            let (sender, events) = std::sync::mpsc::channel();
            watcher.backend = Backend::Poll(polling(debounce, sender).map_err(|e| e.to_string())?);
            watcher.events = events;
            watcher.watch_all().map_err(|e| e.to_string())?;
        }
        Ok(watcher)
    }

    fn watch_all(&mut self) -> notify::Result<()> {
        // The site folder itself, not recursively: site.yaml, and the watched folders appearing.
        self.backend
            .watcher()
            .watch(&self.root, RecursiveMode::NonRecursive)?;
        for folder in WATCHED_FOLDERS {
            self.watch_folder(folder)?;
        }
        Ok(())
    }

    fn watch_folder(&mut self, folder: &str) -> notify::Result<()> {
        let path = self.root.join(folder);
        // A folder that was deleted and made again needs a new watch.
        let _ = self.backend.watcher().unwatch(&path);
        if path.is_dir() {
            self.backend
                .watcher()
                .watch(&path, RecursiveMode::Recursive)?;
        }
        Ok(())
    }

    /// Waits for the next batch of changes; batches that arrive together are merged.
    pub fn next(&mut self) -> Batch {
        let first = match self.events.recv() {
            Ok(result) => result,
            Err(_) => return Batch::Closed,
        };
        let mut paths = Vec::new();
        let mut result = self.absorb(first, &mut paths);
        // A rename-save can come as two batches a moment apart; take both.
        loop {
            match self.events.recv_timeout(Duration::from_millis(2)) {
                Ok(more) => {
                    if let Err(message) = self.absorb(more, &mut paths) {
                        result = Err(message);
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        if let Err(message) = result {
            return Batch::Failed(message);
        }
        paths.sort();
        paths.dedup();
        // A watched folder made (again) after the start needs its own watch.
        for folder in WATCHED_FOLDERS {
            if paths.iter().any(|path| path == Path::new(folder))
                && let Err(error) = self.watch_folder(folder)
            {
                return Batch::Failed(format!("cannot watch {folder}/: {error}"));
            }
        }
        Batch::Changed(paths)
    }

    fn absorb(&self, result: DebounceEventResult, paths: &mut Vec<PathBuf>) -> Result<(), String> {
        let events = result.map_err(|error| error.to_string())?;
        for event in events {
            let relative = match event.path.strip_prefix(&self.root) {
                Ok(relative) => relative.to_path_buf(),
                Err(_) => continue,
            };
            if relative.as_os_str().is_empty() || is_editor_temporary(&relative) {
                continue;
            }
            paths.push(relative);
        }
        Ok(())
    }
}

fn native(
    debounce: Duration,
    sender: Sender<DebounceEventResult>,
) -> notify::Result<Debouncer<ChangesOnly<RecommendedWatcher>>> {
    new_debouncer_opt(Config::default().with_timeout(debounce), sender)
}

fn polling(
    debounce: Duration,
    sender: Sender<DebounceEventResult>,
) -> notify::Result<Debouncer<ChangesOnly<PollWatcher>>> {
    let config = Config::default()
        .with_timeout(debounce)
        .with_notify_config(notify::Config::default().with_poll_interval(POLL_INTERVAL));
    new_debouncer_opt(config, sender)
}

/// A notify watcher that passes on only changes. On Linux, notify also reports every time a
/// file is opened or read; the preview reads files after each change, so those would set off
/// update after update. A signal that events were lost (the kernel's queue overflowed) is
/// passed on as a change of every watched folder, so the preview reloads the whole site.
pub struct ChangesOnly<W> {
    inner: W,
    watched: Arc<Mutex<Vec<PathBuf>>>,
}

impl<W: notify::Watcher> notify::Watcher for ChangesOnly<W> {
    fn new<F: EventHandler>(handler: F, config: notify::Config) -> notify::Result<Self> {
        let watched = Arc::new(Mutex::new(Vec::new()));
        let filter = OnlyChanges {
            handler,
            watched: Arc::clone(&watched),
        };
        Ok(ChangesOnly {
            inner: W::new(filter, config)?,
            watched,
        })
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.inner.watch(path, recursive_mode)?;
        lock(&self.watched).push(path.to_path_buf());
        Ok(())
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        lock(&self.watched).retain(|watched| watched != path);
        self.inner.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.inner.configure(option)
    }

    fn kind() -> WatcherKind {
        W::kind()
    }
}

struct OnlyChanges<F> {
    handler: F,
    watched: Arc<Mutex<Vec<PathBuf>>>,
}

impl<F: EventHandler> EventHandler for OnlyChanges<F> {
    fn handle_event(&mut self, event: notify::Result<Event>) {
        match event {
            Ok(event) if event.need_rescan() => {
                let everything = lock(&self.watched)
                    .iter()
                    .fold(Event::new(EventKind::Any), |event, path| {
                        event.add_path(path.clone())
                    });
                self.handler.handle_event(Ok(everything));
            }
            // Closing a file after writing it is a change; opening or reading one is not.
            Ok(Event {
                kind: EventKind::Access(access),
                ..
            }) if access != AccessKind::Close(AccessMode::Write) => {}
            other => self.handler.handle_event(other),
        }
    }
}

fn lock(watched: &Mutex<Vec<PathBuf>>) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
    watched.lock().unwrap_or_else(PoisonError::into_inner)
}

fn is_out_of_watches(error: &notify::Error) -> bool {
    matches!(error.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&error.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(28))
}

/// Files editors write beside the one being edited: swap files, backups, lock files and the
/// temporary files of "safe" saves. Their changes never matter to the site.
pub fn is_editor_temporary(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    name == "4913" // Vim's probe for whether it may write in the folder
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".kate-swp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".goutputstream-")
        || name == ".DS_Store"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temporary_files_are_recognised() {
        for name in [
            "content/s/.story.md.swp",
            "content/s/story.md~",
            "content/s/4913",
            "content/s/.#story.md",
            "content/s/#story.md#",
            "content/s/story.md___jb_tmp___",
            "static/.DS_Store",
        ] {
            assert!(is_editor_temporary(Path::new(name)), "{name}");
        }
        for name in ["content/s/story.md", "static/app.js", "site.yaml"] {
            assert!(!is_editor_temporary(Path::new(name)), "{name}");
        }
    }
}
