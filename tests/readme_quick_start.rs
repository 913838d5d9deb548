//! The README's quick start, run as a newsroom would run it with the installed `byline`: its
//! commands (the preview aside, which `tests/serve.rs` covers) work, in order, on a fresh folder.

use std::path::Path;
use std::process::Command;

/// The shell commands of the README's quick start: the second code block under "## Install".
fn quick_start() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let install = &readme[readme.find("## Install").expect("an Install section")..];
    let block = install
        .split("```sh\n")
        .nth(2)
        .expect("a quick start after the install command")
        .split("```")
        .next()
        .unwrap();
    block
        .lines()
        .map(|line| line.split('#').next().unwrap().trim().to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn the_quick_start_works_as_written() {
    let commands = quick_start();
    assert!(
        commands.iter().any(|c| c.starts_with("byline build")),
        "{commands:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    // The installed binary is the one cargo built for the tests, first on the PATH.
    let bin = Path::new(env!("CARGO_BIN_EXE_byline")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script: Vec<String> = commands
        .into_iter()
        // The preview runs until stopped; tests/serve.rs covers it.
        .filter(|command| !command.starts_with("byline serve"))
        .collect();
    let output = Command::new("bash")
        .arg("-euc")
        .arg(script.join("\n"))
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the quick start failed:\n{}\n{}\n{}",
        script.join("\n"),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let site = dir.path().join("our-site");
    assert!(site.join("public/index.html").is_file());
    assert!(
        site.join("content/first-investigation/our-first-investigation.md")
            .is_file()
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 draft held back"), "{stdout}");
}
