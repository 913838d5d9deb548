//! The HTTP side: an axum server on one port with two routes, the live-reload event stream and
//! everything else (pages and files of the site). Request paths are percent-decoded once and
//! refused when they try to leave the site; pages are rendered on blocking threads, under a read
//! lock on the preview, so a request that comes in during an update waits for it and then gets
//! the new version, never a half-updated one. Ctrl-C (or SIGTERM) ends the event streams and
//! stops the server.
//!
//! Every request, the event stream's included, must name this computer in its `Host` header
//! ([`AllowedHosts`]): a web page elsewhere can make a browser send requests to the preview
//! under a name it controls and then point that name at 127.0.0.1 (DNS rebinding), and would
//! then read the preview, embargoed stories included. The header is what gives it away.

use std::net::IpAddr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::percent_decode_str;
use tokio::sync::watch;

use super::preview::Preview;
use super::reload::{EVENTS_PATH, Versions};
use super::respond::Reply;

/// How long open connections get to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

#[derive(Clone)]
struct AppState {
    preview: Arc<RwLock<Preview>>,
    versions: Versions,
    stop: watch::Receiver<bool>,
}

/// The names a request may give in its `Host` header: `localhost`, loopback addresses, the
/// address the preview listens on (any address of this computer when it listens on all), and
/// the names given with `--allow-host` (a name on the local network, a tunnel).
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    bind: IpAddr,
    names: Vec<String>,
}

impl AllowedHosts {
    pub fn new(bind: IpAddr, names: &[String]) -> AllowedHosts {
        AllowedHosts {
            bind,
            names: names
                .iter()
                .map(|name| host_name(name))
                .filter(|name| !name.is_empty())
                .collect(),
        }
    }

    /// Whether a request with this `Host` header (None: it gave none, as HTTP/1.0 tools may)
    /// is for this preview.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else {
            return true;
        };
        let name = host_name(host);
        if name == "localhost" || self.names.contains(&name) {
            return true;
        }
        // An address cannot be pointed elsewhere, as a name can.
        match name.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == self.bind || self.bind.is_unspecified(),
            Err(_) => false,
        }
    }
}

/// The name in a `Host` header, without its port, brackets or final dot, in lower case.
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        // `[::1]` or `[::1]:1111`, nothing else after the bracket.
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, "")) => address,
            Some((address, port))
                if port
                    .strip_prefix(':')
                    .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit())) =>
            {
                address
            }
            _ => return String::new(),
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        },
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Refuses a request whose `Host` names another site (see the module docs).
async fn only_this_computer(
    State(allowed): State<Arc<AllowedHosts>>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    let host = headers
        .get(header::HOST)
        .map(|value| value.to_str().unwrap_or("\u{fffd}"));
    if allowed.allows(host) {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        [(header::CACHE_CONTROL, "no-store")],
        "this preview answers only requests for this computer (localhost, 127.0.0.1); to reach it under another name, start it with --allow-host NAME\n",
    )
        .into_response()
}

/// Serves the preview on `listener` until Ctrl-C or SIGTERM, to requests `allowed` lets in.
pub async fn run(
    listener: std::net::TcpListener,
    preview: Arc<RwLock<Preview>>,
    versions: Versions,
    allowed: AllowedHosts,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (stop_sender, stop) = watch::channel(false);
    let state = AppState {
        preview,
        versions,
        stop: stop.clone(),
    };
    let app = Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(site)
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            Arc::new(allowed),
            only_this_computer,
        ));
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop_signal().await;
        stop_sender.send_replace(true);
    });
    let mut stopping = stop;
    tokio::select! {
        result = server => result,
        // Browsers may keep connections open; do not wait for them for ever.
        _ = async {
            let _ = stopping.wait_for(|stop| *stop).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => Ok(()),
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async {
                match terminate.as_mut() {
                    Some(signal) => { signal.recv().await; }
                    None => std::future::pending::<()>().await,
                }
            } => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn events(State(state): State<AppState>) -> Response {
    let mut response = state.versions.stream(state.stop.clone()).into_response();
    // Tell buffering proxies (nginx) to pass events on at once.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

async fn site(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "the preview only answers GET and HEAD\n",
        )
            .into_response();
    }
    let path = match site_path(uri.path()) {
        Ok(path) => path,
        Err(why) => return (StatusCode::FORBIDDEN, format!("{why}\n")).into_response(),
    };
    let state_for_events = state.clone();
    let reply = tokio::task::spawn_blocking(move || {
        let preview = state.preview.read().unwrap_or_else(PoisonError::into_inner);
        preview.respond(&path, &state.versions)
    })
    .await;
    let reply = match reply {
        Ok(reply) => reply,
        Err(_) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "the preview failed\n").into_response();
        }
    };
    let (status, content_type, body) = match reply {
        Reply::Html { status, html } => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "text/html; charset=utf-8".to_string(),
            Body::from(html),
        ),
        Reply::File {
            content_type,
            bytes,
        } => (StatusCode::OK, content_type, Body::from(bytes)),
        Reply::Events => return events(State(state_for_events)).await,
        Reply::Redirect(location) => {
            return (
                StatusCode::TEMPORARY_REDIRECT,
                [
                    (header::LOCATION, location),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
            )
                .into_response();
        }
    };
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            // The preview changes under the browser's feet: never reuse an old copy.
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        body,
    )
        .into_response()
}

/// The request path, percent-decoded, or why it is refused: it must stay inside the site, so
/// no `..` or `.` segment (written plainly or encoded, e.g. `%2e%2e`), no backslash, no NUL.
pub fn site_path(raw: &str) -> Result<String, &'static str> {
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "the address is not valid UTF-8")?;
    if !decoded.starts_with('/') {
        return Err("the address must start with /");
    }
    if decoded.contains(['\\', '\0']) {
        return Err("the address holds a character no page of the site has");
    }
    if decoded
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err("the address leaves the site");
    }
    Ok(decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_this_computer_are_answered() {
        let loopback = AllowedHosts::new("127.0.0.1".parse().unwrap(), &["Preview.Local".into()]);
        for allowed in [
            None,
            Some("localhost"),
            Some("LOCALHOST:1111"),
            Some("localhost.:80"),
            Some("127.0.0.1:1111"),
            Some("127.1.2.3"),
            Some("[::1]:1111"),
            Some("preview.local:8080"),
        ] {
            assert!(loopback.allows(allowed), "{allowed:?}");
        }
        for refused in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "10.0.0.5",
            "",
            "127.0.0.1.evil.example",
            "[::1].evil.example",
        ] {
            assert!(!loopback.allows(Some(refused)), "{refused}");
        }
        let everywhere = AllowedHosts::new("0.0.0.0".parse().unwrap(), &[]);
        assert!(everywhere.allows(Some("192.168.1.20:1111")));
        assert!(!everywhere.allows(Some("evil.example")));
        let lan = AllowedHosts::new("192.168.1.20".parse().unwrap(), &[]);
        assert!(lan.allows(Some("192.168.1.20:1111")));
        assert!(!lan.allows(Some("10.0.0.5")));
    }

    #[test]
    fn refuses_paths_that_leave_the_site() {
        assert_eq!(site_path("/a/b/").unwrap(), "/a/b/");
        assert_eq!(site_path("/caf%C3%A9/").unwrap(), "/café/");
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2fetc%2fpasswd",
            "/a/%2e/b",
            "/..%5c..%5cwindows",
            "/a%00b",
            "/%ff",
        ] {
            assert!(site_path(bad).is_err(), "{bad}");
        }
    }
}
