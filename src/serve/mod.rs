//! `byline serve`: a live preview that builds the site in memory, serves it over HTTP, watches
//! the files and reloads every open page after each save. It never writes anything, and never
//! touches the published output (`public/`).
//!
//! # Design
//!
//! **One pipeline, one model in memory, pages rendered on request.** The site is loaded with the
//! same stages as `build` and `check` ([`crate::pipeline`]: read, validate, index, check) into a
//! [`preview::Model`]: the validated `Site`, the listings of what a build would publish (which
//! the checks judge) and of what the preview shows (that, and the stories under embargo), the
//! theme and a map from URL to page or file. A request renders its one page from the model
//! through `render::SiteView`, exactly as `build` renders it; story bodies are rendered on
//! request and kept in a `render::MarkdownCache` by a hash of their text.
//!
//! **The preview tells the same truth as `check`.** After every update the preview holds every
//! finding `byline check` would print for the files as they are (read and validation problems
//! per file, the site-wide ones, and the check stage's links, credits and files, run again over
//! the whole site), plus any page that fails to render; every page shows them in an overlay
//! and the terminal prints what changed. The findings are kept per file and per text, and the
//! sorted list the pages show shares those lists ([`listed`]): an archive can have a finding
//! per story, and a save copies only the findings of what it read or checked again.
//!
//! **Updates re-read only what changed.** The watcher ([`watch`]) hands over batches of changed
//! paths. Parsed content files are cached and read again only when a change to them was seen.
//! [`preview::Preview::apply`] then takes one of three paths:
//!
//! - *fast path*, for stories that exist and were edited in place without errors of their own
//!   (the common save): the files are read and validated against the site's configuration and
//!   series as the pipeline does, swapped into the model, re-sorted, the listings rebuilt when
//!   they changed; the check stage runs again for the edited texts (for the whole site when a
//!   heading or a listing changed, which links elsewhere may name); their story pages are
//!   test-rendered. On 10,000 stories this takes a few milliseconds. A story
//!   that appears, disappears, changes URL or gets errors takes the full path, because links,
//!   listings and findings all over the site change;
//! - *theme path*, for `themes/`: the theme is compiled again and every page is test-rendered
//!   with it before it replaces the old one;
//! - *full path*, for everything else (new, deleted and renamed files and folders, a series,
//!   `site.yaml`): the pipeline over the caches, so unchanged files are not read again; new and
//!   changed stories' pages are test-rendered (all pages when the theme or configuration
//!   changed).
//!
//! **Errors never take the preview down.** A version whose files have errors beyond the texts
//! (a story that would not be published, a broken template) never replaces the model: pages
//! keep showing the last good version and the overlay says so. Findings of the check stage (a
//! broken link, a missing credit) do not stop the preview: the page shows the new text with
//! the findings over it, as `build` would refuse it.
//!
//! **Consistency.** The preview sits behind a read-write lock: an update holds the write lock
//! from start to end, requests render under the read lock, so a page is always rendered from
//! one whole version and a request made during an update waits for it. Pages carry the version
//! they show; after each update the version goes to every open page over Server-Sent Events
//! ([`reload`]) and a page that is behind reloads itself: after a content edit by fetching its
//! new HTML and swapping the body in (when that shows exactly what a reload would: no scripts of
//! its own, the same stylesheets), otherwise, and after theme, static-file or configuration
//! changes, with a full reload.
//!
//! **Speed.** On the 10,000-story synthetic site a one-story edit takes about 1–5 ms on the
//! server (fast path; ~10–80 ms when the edit moves the story in the order, e.g. a new date,
//! because the listings are worked out again), and shows in the browser about 25 ms after the
//! 30 ms debounce (`bench/serve-latency.sh`, BENCHMARKS.md). Adding, deleting or renaming a
//! file takes the full path, about 0.3–0.6 s there; a theme change, which renders every page to check
//! it, about a second.
//!
//! **Preview only.** The live-reload script, the DRAFT / EMBARGOED banners and the error
//! overlay reach pages through the template variable `live_reload` ([`overlay`]), which is
//! none in `build`. The preview shows drafts with `--drafts`, and embargoed stories always.
//!
//! Modules: [`preview`] (the model and its updates), [`listed`] (every finding, sorted and
//! shared), [`respond`] (request to reply), [`http`] (the axum server), [`reload`] (event
//! stream and client script), [`overlay`] (banners and errors in the page), [`watch`] (notify
//! with a debouncer).

mod http;
mod listed;
mod overlay;
mod preview;
mod reload;
mod respond;
mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use crate::diag::Diagnostic;
use crate::diag::report;
use crate::settings::Settings;

use preview::{Preview, Update};
use reload::Versions;
use watch::{Batch, SiteWatcher};

/// How many ports after a taken one to try.
const PORTS_TO_TRY: u16 = 20;

/// What to serve and how, already validated by the command line.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 lets the system choose a free port.
    pub port: u16,
    /// Open the preview in the default browser.
    pub open: bool,
    /// How the site is read; `serve` shows embargoed stories as well.
    pub settings: Settings,
    /// How long the files must be quiet after a change before the preview updates.
    pub debounce: Duration,
    /// Names besides this computer's that requests may give as their `Host` (`--allow-host`).
    pub allowed_hosts: Vec<String>,
}

/// Why the preview could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The site cannot be read at all (no site.yaml, no content/).
    Unreadable(Vec<Diagnostic>),
    /// The port, the watcher or the runtime failed; the message says why.
    Failed(String),
}

/// Runs the preview until Ctrl-C.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let root = options.settings.root.canonicalize().map_err(|error| {
        ServeError::Failed(format!(
            "cannot open the site folder {}: {error}",
            options.settings.root.display()
        ))
    })?;
    let settings = Settings {
        root: root.clone(),
        ..options.settings.clone()
    };

    // Watch first, so nothing saved while the site loads is missed.
    let watcher = SiteWatcher::start(&root, options.debounce)
        .map_err(|error| ServeError::Failed(format!("cannot watch {}: {error}", root.display())))?;
    let (preview, update) = Preview::load(settings);
    if update.unreadable {
        return Err(ServeError::Unreadable(update.findings.to_vec()));
    }
    report(&update, preview.summary());
    let name = match preview.summary() {
        Some((title, ..)) => title.to_string(),
        None => root
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string(),
    };

    let listener = bind(options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|error| ServeError::Failed(error.to_string()))?;
    let url = local_url(address);
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: --bind {} makes the preview, drafts and embargoed stories included, reachable from other computers; use it only on a network you trust",
            options.bind
        );
    }
    println!("Serving {name} at {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();

    let preview = Arc::new(RwLock::new(preview));
    let versions = Versions::new();
    {
        let preview = Arc::clone(&preview);
        let versions = versions.clone();
        std::thread::Builder::new()
            .name("byline-rebuild".into())
            .spawn(move || keep_up_to_date(watcher, &preview, &versions))
            .map_err(|error| ServeError::Failed(error.to_string()))?;
    }
    if options.open {
        open_browser(&url);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| ServeError::Failed(error.to_string()))?;
    runtime
        .block_on(http::run(
            listener,
            preview,
            versions,
            http::AllowedHosts::new(options.bind, &options.allowed_hosts),
        ))
        .map_err(|error| ServeError::Failed(error.to_string()))?;
    // Pages still rendering or connections still open are dropped with the runtime.
    runtime.shutdown_timeout(Duration::from_millis(200));
    println!("Stopped.");
    Ok(())
}

/// The watcher loop: applies each batch of changes and tells the open pages.
fn keep_up_to_date(mut watcher: SiteWatcher, preview: &RwLock<Preview>, versions: &Versions) {
    loop {
        match watcher.next() {
            Batch::Changed(paths) => {
                let mut preview = preview.write().unwrap_or_else(PoisonError::into_inner);
                if let Some(update) = preview.apply(&paths) {
                    versions.publish(preview.version, update.full_reload);
                    drop(preview);
                    report(&update, None);
                }
            }
            Batch::Failed(message) => eprintln!("warning: watching the files failed: {message}"),
            Batch::Closed => return,
        }
    }
}

/// Prints what an update did (for the first load, with what was loaded): the findings it
/// brought, and how many errors the site has now.
fn report(update: &Update, loaded: Option<(&str, usize, usize)>) {
    // An archive can carry thousands of the same warning; the terminal shows the first ones and
    // counts the rest, as `byline build` does (`byline check --format json` lists them all).
    let (shown, more) = report::limit_warnings(&update.new_findings, report::HUMAN_WARNING_LIMIT);
    report::print_lines(shown);
    if let Some(more) = more {
        eprintln!("{more}");
    }
    let errors = update.errors().count();
    if errors > 0 {
        let count = errors;
        eprintln!(
            "{count} error{} found: every page of the preview shows {}; fix {} and the pages reload",
            if count == 1 { "" } else { "s" },
            if count == 1 { "it" } else { "them" },
            if count == 1 { "it" } else { "them" },
        );
    } else if let Some((_, stories, pages)) = loaded {
        println!(
            "Loaded the site in {} ms: {stories} stories, {pages} pages",
            update.elapsed.as_millis()
        );
    } else {
        println!(
            "Updated {} in {:.1} ms",
            update.scope,
            update.elapsed.as_secs_f64() * 1000.0
        );
    }
    let _ = std::io::stdout().flush();
}

/// Binds `ip:port`; when the port is taken, the next free one (saying so).
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, ServeError> {
    let first = match TcpListener::bind((ip, port)) {
        Ok(listener) => return Ok(listener),
        Err(error) => error,
    };
    if first.kind() == std::io::ErrorKind::AddrInUse && port != 0 {
        for next in (port + 1)..=port.saturating_add(PORTS_TO_TRY) {
            if let Ok(listener) = TcpListener::bind((ip, next)) {
                eprintln!("Port {port} is already in use; using port {next} instead.");
                return Ok(listener);
            }
        }
        return Err(ServeError::Failed(format!(
            "port {port} and the {PORTS_TO_TRY} after it are in use; choose another with --port (--port 0 lets the system pick one)"
        )));
    }
    Err(ServeError::Failed(format!(
        "cannot listen on {}: {first}",
        SocketAddr::from((ip, port))
    )))
}

/// The address to open in a browser on this computer.
fn local_url(address: SocketAddr) -> String {
    let shown = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], address.port())),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, address.port()))
        }
        _ => address,
    };
    format!("http://{shown}/")
}

/// Asks the system to open `url` in a browser. The opener's own chatter (xdg-open tries one
/// program after another and says so) is not shown; when it fails, one line says so.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut start = std::process::Command::new("cmd");
        start.args(["/C", "start", ""]);
        start
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let url = url.to_string();
    // The opener may take a while (or wait for the browser): the preview does not wait for it.
    let _ = std::thread::Builder::new()
        .name("byline-open".into())
        .spawn(move || match command.status() {
            Ok(status) if status.success() => {}
            _ => eprintln!("Could not open a browser here; open {url} yourself."),
        });
}
