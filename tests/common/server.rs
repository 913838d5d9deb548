//! Test helper for `byline serve`: starts the real binary on a free port, talks HTTP to it over
//! plain TCP (so paths go out exactly as written, `..` included), reads its event stream, and
//! kills it when dropped. Every wait is a poll with a deadline, never a fixed sleep.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::TestSite;

/// How long anything may take before a test gives up (debug builds on a busy machine).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A running `byline serve`, killed on drop.
pub struct Server {
    child: Child,
    /// The host of the address the server printed (`127.0.0.1`, `::1`).
    pub host: String,
    pub port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `byline serve --root <site> --port 0` with `extra` arguments and waits until it
    /// says where it serves.
    pub fn start(site: &TestSite, extra: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_byline"));
        command
            .args(["serve", "--root"])
            .arg(&site.root)
            .args(extra);
        if !extra.contains(&"--port") {
            command.args(["--port", "0"]);
        }
        Server::spawn(command)
    }

    pub fn spawn(mut command: Command) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("byline serve starts");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            host: String::new(),
            port: 0,
            stdout,
            stderr,
        };
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some((host, port)) = served_address(&server.stdout()) {
                server.host = host;
                server.port = port;
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "byline serve exited ({status}) before serving:\n{}\n{}",
                    server.stdout(),
                    server.stderr()
                );
            }
            assert!(
                Instant::now() < deadline,
                "byline serve did not start:\n{}\n{}",
                server.stdout(),
                server.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The address of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}{path}", self.host, self.port)
        } else {
            format!("http://{}:{}{path}", self.host, self.port)
        }
    }

    /// GET `path`, sent exactly as written.
    pub fn get(&self, path: &str) -> Response {
        get(&self.host, self.port, path)
    }

    /// GET `path` with `host_header` as its `Host`.
    pub fn get_for(&self, path: &str, host_header: &str) -> Response {
        get_for(&self.host, self.port, path, host_header)
    }

    /// Polls `path` until `done` holds for the response; panics with the last one after
    /// [`PATIENCE`].
    #[track_caller]
    pub fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let response = self.get(path);
            if done(&response) {
                return response;
            }
            if Instant::now() > deadline {
                panic!(
                    "{path} never showed {what}; last response {}:\n{}\nserver said:\n{}\n{}",
                    response.status,
                    response.body,
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Polls the server's terminal output until `done` holds for it.
    #[track_caller]
    pub fn wait_for_output(&self, what: &str, done: impl Fn(&str, &str) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !done(&self.stdout(), &self.stderr()) {
            assert!(
                Instant::now() < deadline,
                "the server never printed {what}:\n{}\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to end by itself; its exit status, or None after [`PATIENCE`].
    pub fn wait_exit(&mut self) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Opens the live-reload event stream.
    pub fn events(&self) -> Events {
        Events::open(&self.host, self.port)
    }
}

impl Server {
    /// Kills the server and waits until it is gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn collect(pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    text
}

/// The host and port in "Serving ... at http://HOST:PORT/" (an IPv6 host in brackets).
fn served_address(stdout: &str) -> Option<(String, u16)> {
    let line = stdout.lines().find(|line| line.starts_with("Serving "))?;
    let address = line.split("http://").nth(1)?.split('/').next()?;
    let (host, port) = address.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((host.to_string(), port.parse().ok()?))
}

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// GET `path` from `host`:`port` over a fresh connection.
pub fn get(host: &str, port: u16, path: &str) -> Response {
    get_for(host, port, path, &format!("localhost:{port}"))
}

/// GET `path` from `host`:`port`, naming `host_header` as the site asked for (what a browser
/// sends for the name in its address bar).
pub fn get_for(host: &str, port: u16, path: &str, host_header: &str) -> Response {
    let mut stream = TcpStream::connect((host, port)).expect("the server accepts");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("a whole response");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a header");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_lowercase(), value.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(key, value)| key == "transfer-encoding" && value.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// A client of the live-reload event stream.
pub struct Events {
    reader: BufReader<TcpStream>,
    pending: String,
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub data: String,
}

impl Events {
    fn open(host: &str, port: u16) -> Events {
        let mut stream = TcpStream::connect((host, port)).expect("the server accepts");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            stream,
            "GET /__byline/events HTTP/1.1\r\nHost: localhost:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let deadline = Instant::now() + PATIENCE;
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) => panic!("the event stream closed before its header ended: {head}"),
                Ok(_) => {
                    head.push_str(&line);
                    if line == "\r\n" {
                        break;
                    }
                }
                Err(_) => assert!(Instant::now() < deadline, "no event stream header"),
            }
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        Events {
            reader,
            pending: String::new(),
        }
    }

    /// The next event (comments and keep-alives skipped), or None after `patience`.
    pub fn next(&mut self, patience: Duration) -> Option<Event> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                let mut event = Event {
                    name: "message".to_string(),
                    data: String::new(),
                };
                let mut any = false;
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event.name = name.trim().to_string();
                        any = true;
                    } else if let Some(data) = line.strip_prefix("data:") {
                        event.data.push_str(data.trim_start());
                        any = true;
                    }
                }
                if any {
                    return Some(event);
                }
                continue;
            }
            if Instant::now() > deadline {
                return None;
            }
            // The body is chunked: a size line, the data, an empty line.
            let mut size_line = String::new();
            match self.reader.read_line(&mut size_line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => continue,
            }
            let Ok(size) = usize::from_str_radix(size_line.trim(), 16) else {
                continue;
            };
            if size == 0 {
                return None;
            }
            let mut chunk = vec![0; size + 2];
            let mut read = 0;
            while read < chunk.len() {
                match self.reader.read(&mut chunk[read..]) {
                    Ok(0) => return None,
                    Ok(n) => read += n,
                    Err(_) if Instant::now() < deadline + PATIENCE => continue,
                    Err(_) => return None,
                }
            }
            self.pending
                .push_str(&String::from_utf8_lossy(&chunk[..size]).replace("\r\n", "\n"));
        }
    }
}
