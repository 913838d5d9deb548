//! Every input that once made a fuzz target fail (`tests/fixtures/fuzz-regressions/<target>/`),
//! run through exactly the code of the fuzz targets: `fuzz/src/lib.rs` is included here, so
//! a fix cannot regress without `cargo test` noticing, on stable and without libFuzzer.
//!
//! Each file's name says what it once broke; the README's Fuzzing section says how to add one.

#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The saved inputs of one fuzz target, by file name.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz-regressions")
        .join(target);
    // A target without saved inputs has no folder: git keeps no empty folders.
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.expect("a readable entry").path();
            let bytes = std::fs::read(&path).expect("a readable input");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    inputs
}

/// Runs `check` on every saved input of `target` and names every input that fails.
fn run_all(target: &str, check: impl Fn(&[u8])) {
    let inputs = inputs(target);
    let failed: Vec<String> = inputs
        .iter()
        .filter(|(_, bytes)| catch_unwind(AssertUnwindSafe(|| check(bytes))).is_err())
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "failed again: {failed:#?}");
}

#[test]
fn front_matter_regressions() {
    let config = fuzz_checks::fixture_config();
    run_all("front_matter", |bytes| {
        fuzz_checks::front_matter(bytes, &config)
    });
}

#[test]
fn markdown_regressions() {
    run_all("markdown", fuzz_checks::markdown);
}

#[test]
fn story_regressions() {
    let site = fuzz_checks::StorySite::new();
    run_all("story", |bytes| site.story(bytes));
}
