//! Test helper: copies a fixture site into a temporary folder, runs the real `byline` binary on
//! it and reads what it wrote.

#![allow(dead_code)]

pub mod server;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct TestSite {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies every file below `from` into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    /// The site at `root`, inside the temporary folder `dir` (removed with the site).
    pub fn from_dir(dir: tempfile::TempDir, root: PathBuf) -> TestSite {
        TestSite { _dir: dir, root }
    }

    /// A private copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_tree(&fixture_path(name), &root);
        TestSite { _dir: dir, root }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative)).unwrap();
    }

    /// Runs `byline build --root <site>` with extra arguments.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build", "--root"];
        let root = self.root.to_str().unwrap().to_string();
        args.push(&root);
        args.extend_from_slice(extra);
        byline(&args, &self.root)
    }

    /// Runs `byline check --root <site>` with extra arguments.
    pub fn check(&self, extra: &[&str]) -> Run {
        let mut args = vec!["check", "--root"];
        let root = self.root.to_str().unwrap().to_string();
        args.push(&root);
        args.extend_from_slice(extra);
        byline(&args, &self.root)
    }

    /// A built page of the default output folder.
    pub fn page(&self, relative: &str) -> String {
        let path = self.root.join("public").join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn output(&self) -> PathBuf {
        self.root.join("public")
    }
}

pub struct Run {
    pub output: Output,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Run {
        assert!(
            self.output.status.success(),
            "byline failed:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_failure(&self, code: i32) -> &Run {
        assert_eq!(
            self.code(),
            code,
            "expected exit {code}:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

pub fn byline(args: &[&str], cwd: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the byline binary runs");
    Run::from(output)
}

/// Runs byline like [`byline`], but kills it when it has not finished within `limit`: a test of
/// something that used to hang fails instead of hanging. Err with how long it was given.
pub fn byline_within(args: &[&str], cwd: &Path, limit: Duration) -> Result<Run, Duration> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the byline binary runs");
    // The pipes are drained while byline runs, so a long report cannot fill them and stall it.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("byline can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(limit);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Run::from(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }))
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            output,
        }
    }
}

/// Every file below `dir` with its bytes, keyed by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// The text of every element matching `selector`, whitespace collapsed.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .map(|element| {
            element
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The attribute `attribute` of every element matching `selector`.
pub fn attrs(html: &str, selector: &str, attribute: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .filter_map(|element| element.value().attr(attribute).map(str::to_string))
        .collect()
}

/// One finding of `--format json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub severity: String,
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

impl Finding {
    /// `file:line:column code`, the form assertions compare.
    pub fn place(&self) -> String {
        format!(
            "{}:{}:{} {}",
            self.file,
            self.line.map_or("-".to_string(), |l| l.to_string()),
            self.column.map_or("-".to_string(), |c| c.to_string()),
            self.code
        )
    }
}

/// The findings a run printed with `--format json`.
pub fn findings(run: &Run) -> Vec<Finding> {
    run.stdout
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = |key: &str| value[key].as_str().map(str::to_string);
            Finding {
                file: text("file").unwrap(),
                line: value["line"].as_u64(),
                column: value["column"].as_u64(),
                severity: text("severity").unwrap(),
                code: text("code").unwrap(),
                message: text("message").unwrap(),
                hint: text("hint"),
            }
        })
        .collect()
}

/// The places (`file:line:column CODE`) of a run's errors.
pub fn error_places(run: &Run) -> Vec<String> {
    findings(run)
        .iter()
        .filter(|f| f.severity == "error")
        .map(Finding::place)
        .collect()
}

/// A PNG of `width` x `height` pixels (a colour gradient, so resizing has something to do).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("a PNG can be written to memory");
    bytes.into_inner()
}

/// A JPEG of `width` x `height` pixels.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .expect("a JPEG can be written to memory");
    bytes.into_inner()
}
