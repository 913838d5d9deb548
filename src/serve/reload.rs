//! Live reload over Server-Sent Events: the endpoint every open page listens on, and the small
//! script the page carries to listen.
//!
//! Every version of the preview has a token (`<server start>-<version>`). A page carries the
//! token it was rendered from; the endpoint sends the current token when a page connects
//! (`hello`) and again after every change (`reload`). A page whose token differs reloads, so
//! a page never misses an edit made between its loading and its connecting, and pages reload
//! after the server was restarted (the browser reconnects by itself). The script finds the
//! endpoint relative to its own address, so it works behind a reverse proxy that serves the
//! preview under a path prefix, and over IPv6.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::watch;

/// The path of the event stream, outside any path a site can have (`__byline` is not a slug).
pub const EVENTS_PATH: &str = "/__byline/events";

/// How soon a browser reconnects after losing the stream (e.g. the server restarted).
const RECONNECT: Duration = Duration::from_millis(500);

/// The current version token, shared by the rebuild thread (which publishes) and every
/// connected page (which listens).
#[derive(Clone)]
pub struct Versions {
    instance: String,
    current: watch::Sender<u64>,
}

impl Versions {
    pub fn new() -> Versions {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        Versions {
            instance: format!("{started:x}{:x}", std::process::id()),
            current: watch::Sender::new(0),
        }
    }

    /// The token of `version`.
    pub fn token(&self, version: u64) -> String {
        format!("{}-{version}", self.instance)
    }

    /// Tells every connected page that `version` is out.
    pub fn publish(&self, version: u64) {
        self.current.send_replace(version);
    }

    /// The event stream for one page: `hello` with the current token, then `reload` with each
    /// new one. It ends when `stop` turns true (the server is shutting down).
    pub fn stream(
        &self,
        stop: watch::Receiver<bool>,
    ) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let mut versions = self.current.subscribe();
        let versions_token = self.clone();
        let hello = Event::default()
            .event("hello")
            .retry(RECONNECT)
            .data(versions_token.token(*versions.borrow_and_update()));
        let state = (versions, stop, Some(hello), versions_token);
        let stream = futures_util::stream::unfold(
            state,
            |(mut versions, mut stop, hello, tokens)| async move {
                if let Some(hello) = hello {
                    return Some((Ok(hello), (versions, stop, None, tokens)));
                }
                let changed = tokio::select! {
                    changed = versions.changed() => changed.is_ok(),
                    _ = stop.wait_for(|stopping| *stopping) => false,
                };
                if !changed {
                    return None;
                }
                let token = tokens.token(*versions.borrow_and_update());
                let event = Event::default().event("reload").data(token);
                Some((Ok(event), (versions, stop, None, tokens)))
            },
        );
        Sse::new(stream).keep_alive(KeepAlive::default())
    }
}

/// The script every preview page carries. `events` is the stream's address relative to the
/// page, `token` the version the page shows.
pub fn script(events: &str, token: &str) -> String {
    format!(
        "<script data-byline-live-reload data-events=\"{events}\" data-version=\"{token}\">{SCRIPT}</script>",
        events = crate::serve::overlay::escape(events),
        token = crate::serve::overlay::escape(token),
    )
}

/// Where the stream is, relative to the page at `request_path` (`/a/b/` gives `../../__byline/events`):
/// relative, so a reverse proxy may serve the preview under any path prefix.
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
  function connect() {
    var source = new EventSource(events);
    function check(event) { if (event.data !== version) reload(); }
    source.addEventListener("hello", function (event) {
      me.setAttribute("data-state", "connected");
      check(event);
    });
    source.addEventListener("reload", check);
    source.onerror = function () {
      me.setAttribute("data-state", "reconnecting");
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
