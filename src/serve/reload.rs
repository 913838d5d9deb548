//! Live reload over Server-Sent Events: the endpoint every open page listens on, and the small
//! script the page carries to listen.
//!
//! Every version of the preview has a token (`<server start>-<version>`). A page carries the
//! token it was rendered from; the endpoint sends the current token when a page connects
//! (`hello`) and again after every change. A page whose token differs from `hello` reloads, so
//! a page never misses an edit made between its loading and its connecting, and pages reload
//! after the server was restarted (the browser reconnects by itself).
//!
//! After a change the event is `update` when only the HTML of pages changed (content), or
//! `reload` when what pages load with them may have changed too (the theme, static files,
//! page-bundle files, site.yaml) since the page's version. On `update` the script fetches its
//! page again and swaps the new `<body>` in, which shows an edit much sooner than a full reload
//! (no new document, no stylesheets loaded and parsed again) — but only when that is exactly
//! what a reload would show: when neither version of the page has scripts of its own (an
//! embedded chart must run as it would in the published page) and both load the same
//! stylesheets. Otherwise, and on `reload`, it reloads the page.
//!
//! The script finds the endpoint relative to its own address, so it works behind a reverse
//! proxy that serves the preview under a path prefix, and over IPv6.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::watch;

/// The path of the event stream, outside any path a site can have (`__byline` is not a slug).
pub const EVENTS_PATH: &str = "/__byline/events";

/// How soon a browser reconnects after losing the stream (e.g. the server restarted).
const RECONNECT: Duration = Duration::from_millis(500);

/// What has been published: the current version and the last one that needs a full reload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Published {
    version: u64,
    last_full_reload: u64,
}

/// The current version, shared by the rebuild thread (which publishes) and every connected
/// page (which listens).
#[derive(Clone)]
pub struct Versions {
    instance: String,
    current: watch::Sender<Published>,
}

impl Versions {
    pub fn new() -> Versions {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        Versions {
            instance: format!("{started:x}{:x}", std::process::id()),
            current: watch::Sender::new(Published::default()),
        }
    }

    /// The token of `version`.
    pub fn token(&self, version: u64) -> String {
        format!("{}-{version}", self.instance)
    }

    /// Tells every connected page that `version` is out; `full_reload` when more than the
    /// pages' HTML changed.
    pub fn publish(&self, version: u64, full_reload: bool) {
        self.current.send_modify(|published| {
            published.version = version;
            if full_reload {
                published.last_full_reload = version;
            }
        });
    }

    /// The event stream for one page: `hello` with the current token, then `update` or
    /// `reload` with each new one. It ends when `stop` turns true (the server is stopping).
    pub fn stream(
        &self,
        stop: watch::Receiver<bool>,
    ) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let mut published = self.current.subscribe();
        let page_version = published.borrow_and_update().version;
        let hello = Event::default()
            .event("hello")
            .retry(RECONNECT)
            .data(self.token(page_version));
        let state = Listener {
            versions: self.clone(),
            published,
            stop,
            hello: Some(hello),
            page_version,
        };
        let stream = futures_util::stream::unfold(state, |mut listener| async move {
            let event = listener.next().await?;
            Some((Ok(event), listener))
        });
        Sse::new(stream).keep_alive(KeepAlive::default())
    }
}

/// One connected page: the version it shows, as far as the stream knows.
struct Listener {
    versions: Versions,
    published: watch::Receiver<Published>,
    stop: watch::Receiver<bool>,
    hello: Option<Event>,
    page_version: u64,
}

impl Listener {
    async fn next(&mut self) -> Option<Event> {
        if let Some(hello) = self.hello.take() {
            return Some(hello);
        }
        let changed = tokio::select! {
            changed = self.published.changed() => changed.is_ok(),
            _ = self.stop.wait_for(|stopping| *stopping) => false,
        };
        if !changed {
            return None;
        }
        let now = *self.published.borrow_and_update();
        let name = if now.last_full_reload > self.page_version {
            "reload"
        } else {
            "update"
        };
        // After an update the page shows `now` (after a reload it connects again).
        self.page_version = now.version;
        Some(
            Event::default()
                .event(name)
                .data(self.versions.token(now.version)),
        )
    }
}

/// The script every preview page carries. `events` is the stream's address relative to the
/// page, `token` the version the page shows.
pub fn script(events: &str, token: &str) -> String {
    format!(
        "<script data-byline-live-reload data-events=\"{events}\" data-version=\"{token}\">{SCRIPT}</script>",
        events = crate::escape::html(events),
        token = crate::escape::html(token),
    )
}

/// Where the stream is, relative to the page at `request_path` (`/a/b/` gives
/// `../../__byline/events`): relative, so a reverse proxy may serve the preview under any path
/// prefix.
pub fn events_address(request_path: &str) -> String {
    let folders = request_path.trim_start_matches('/').matches('/').count();
    format!(
        "{}{}",
        "../".repeat(folders),
        EVENTS_PATH.trim_start_matches('/')
    )
}

const SCRIPT: &str = r#"
(function () {
  var marker = "data-byline-live-reload";
  var me = document.currentScript;
  var version = me.getAttribute("data-version");
  var events = new URL(me.getAttribute("data-events"), location.href).href;
  var scrollKey = "byline-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
    }
  } catch (e) {}
  var reloading = false;
  function reload() {
    if (reloading) return;
    reloading = true;
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) {}
    location.reload();
  }
  function setState(state) { me.setAttribute("data-state", state); }
  // Data blocks (JSON-LD: <script type="application/ld+json">) run nothing; only code counts.
  function isCode(script) {
    var type = (script.getAttribute("type") || "").trim().toLowerCase();
    return type === "" || type === "module" || /(java|ecma)script$/.test(type);
  }
  function foreignScripts(doc) {
    return Array.prototype.some.call(doc.querySelectorAll("script"), function (script) {
      return isCode(script) && !script.hasAttribute(marker);
    });
  }
  function loads(doc) {
    return Array.prototype.filter.call(doc.head.querySelectorAll("link, style, script, base"),
      function (element) { return element.localName !== "script" || isCode(element); })
      .map(function (element) { return element.outerHTML; }).join("\n");
  }
  function dataBlocks(doc) {
    return doc.head.querySelectorAll("script:not([" + marker + "])");
  }
  function attributes(element) {
    return Array.prototype.map.call(element.attributes,
      function (a) { return a.name + "=" + a.value; }).sort().join(" ");
  }
  // True when swapping the body in shows exactly what a reload would.
  function swappable(next) {
    return next.head && next.body && !foreignScripts(document) && !foreignScripts(next)
      && loads(document) === loads(next)
      && attributes(document.documentElement) === attributes(next.documentElement);
  }
  var fetching = false, again = false;
  function update() {
    if (fetching) { again = true; return; }
    fetching = true;
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        var nextScript = next.querySelector("script[" + marker + "]");
        if (!nextScript || !swappable(next)) return reload();
        var y = window.scrollY;
        document.title = next.title;
        // Keep the head's data blocks (structured data) as current as the body.
        Array.prototype.forEach.call(dataBlocks(document), function (old) { old.remove(); });
        Array.prototype.forEach.call(dataBlocks(next), function (block) {
          document.head.appendChild(document.adoptNode(block));
        });
        document.body.replaceWith(document.adoptNode(next.body));
        me = document.querySelector("script[" + marker + "]");
        version = me.getAttribute("data-version");
        setState("connected");
        window.scrollTo(0, y);
        fetching = false;
        if (again) { again = false; update(); }
      })
      .catch(reload);
  }
  function connect() {
    var source = new EventSource(events);
    source.addEventListener("hello", function (event) {
      setState("connected");
      if (event.data !== version) reload();
    });
    source.addEventListener("update", function (event) {
      if (event.data !== version) update();
    });
    source.addEventListener("reload", function (event) {
      if (event.data !== version) reload();
    });
    source.onerror = function () {
      setState("reconnecting");
      // The browser retries by itself unless the stream was refused; then try again here.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    };
  }
  connect();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_address_is_relative_to_the_page() {
        assert_eq!(events_address("/"), "__byline/events");
        assert_eq!(events_address("/story/"), "../__byline/events");
        assert_eq!(events_address("/series/story/"), "../../__byline/events");
        assert_eq!(
            events_address("/series/story/index.html"),
            "../../__byline/events"
        );
        assert_eq!(events_address("/404.html"), "__byline/events");
    }
}
