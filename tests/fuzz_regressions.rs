//! Every input that once made a fuzz target fail, saved in
//! `tests/fixtures/fuzz-regressions/<target>/`, run through exactly the code of that fuzz
//! target: `fuzz/src/lib.rs` is included here, so a fixed bug cannot come back without
//! `cargo test` noticing, on stable and without libFuzzer. Each file's name says what it once
//! broke.

#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Every saved input: the fuzz target it belongs to (its folder), its path and its bytes.
fn saved_inputs() -> Vec<(String, PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let mut inputs = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).min_depth(2).max_depth(2) {
        let entry = entry.expect("a readable entry");
        let target = entry
            .path()
            .parent()
            .and_then(Path::file_name)
            .expect("inside a target's folder")
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(entry.path()).expect("a readable input");
        inputs.push((target, entry.into_path(), bytes));
    }
    inputs.sort();
    inputs
}

#[test]
fn every_saved_input_passes_its_fuzz_target() {
    let inputs = saved_inputs();
    assert!(!inputs.is_empty(), "no saved inputs found");
    let config = fuzz_checks::fixture_config();
    let site = fuzz_checks::StorySite::new();
    let failed: Vec<String> = inputs
        .iter()
        .filter(|(target, _, bytes)| {
            let outcome = catch_unwind(AssertUnwindSafe(|| match target.as_str() {
                "front_matter" => fuzz_checks::front_matter(bytes, &config),
                "markdown" => fuzz_checks::markdown(bytes),
                "story" => site.story(bytes),
                other => panic!("there is no fuzz target {other}"),
            }));
            outcome.is_err()
        })
        .map(|(_, path, _)| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "failed again: {failed:#?}");
}
