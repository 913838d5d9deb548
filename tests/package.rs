//! What `cargo install byline` will get once the crate is published: the package holds the code,
//! the default theme the build script compiles in, the licence and the README, and none of the
//! repository's test sites, fuzz corpus or demo content. (`cargo publish --dry-run` also builds
//! the package; it needs the registry, so it runs before a release, not here.)

use std::process::Command;

#[test]
fn the_package_holds_the_code_and_the_theme_and_nothing_else() {
    let output = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo package --list failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    for needed in [
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "src/main.rs",
        "src/lib.rs",
        "themes/default/templates/story.html",
        "themes/default/static/style.css",
        "themes/default/strings/en.yaml",
    ] {
        assert!(
            files.iter().any(|file| file == needed),
            "{needed} is not packaged"
        );
    }
    for file in &files {
        for left_out in [
            "tests/", "fuzz/", "content/", "static/", "docs/", "bench/", ".ci/",
        ] {
            assert!(!file.starts_with(left_out), "{file} is packaged");
        }
    }
}
