//! Output faults: the disk fills, a file grows past what the system allows, the output folder
//! cannot be written, or the build is killed, all half-way through writing the new site. Each
//! time the build must fail with a message naming the file, the system's error and a hint, exit
//! non-zero, and leave the previous `public/` byte for byte as it was; a killed build's
//! leftovers are cleaned up by the next one. Unix only: the faults are made with `ulimit`,
//! `setpriv` and a small tmpfs in a private mount namespace (`unshare`).
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, TestSite, snapshot};

/// A site built once into `<tmp>/out/public` (outside the site), then edited so that the next
/// build writes a different page.
struct Published {
    site: TestSite,
    output: PathBuf,
}

impl Published {
    fn new() -> Published {
        let site = TestSite::fixture("newsroom");
        let output = site.root.parent().unwrap().join("out/public");
        site.build(&["--output", output.to_str().unwrap()])
            .assert_success();
        edit(&site.root);
        Published { site, output }
    }

    fn args(&self) -> Vec<String> {
        vec![
            "build".into(),
            "--root".into(),
            self.site.root.to_str().unwrap().into(),
            "--output".into(),
            self.output.to_str().unwrap().into(),
        ]
    }
}

/// Adds a paragraph to a story of the site at `root`, so the next build differs.
fn edit(root: &Path) {
    let path = root.join("content/decision-machines/twitter-cuts-ties.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(path, text + "\nEdited after publication.\n").unwrap();
}

/// Runs `script` with `sh -c`, byline's path as `$0` and `args` after it.
fn sh(script: &str, args: &[String]) -> Run {
    let output = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .output()
        .unwrap();
    Run::from(output)
}

/// The names in `dir` other than `keep`: staging or retired folders left behind.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| !keep.contains(&name.as_str()))
        .collect()
}

#[track_caller]
fn assert_clear_output_failure(run: &Run, os_error: &str) {
    run.assert_failure(1);
    assert_clear_output_message(&run.stderr, os_error);
}

#[track_caller]
fn assert_clear_output_message(stderr: &str, os_error: &str) {
    assert!(!stderr.contains("panicked"), "byline panicked:\n{stderr}");
    for expected in [
        "E-OUTPUT",
        "cannot write the site: ",
        os_error,
        "check that the disk is not full and that the output folder is writable",
        "the previous site is unchanged",
    ] {
        assert!(stderr.contains(expected), "no {expected:?} in:\n{stderr}");
    }
}

#[test]
fn a_file_over_the_systems_size_limit_fails_the_build_and_keeps_the_old_site() {
    let published = Published::new();
    let before = snapshot(&published.output);
    // 24 blocks (12 or 24 KB, by the shell): the larger pages and feeds cannot be written.
    // SIGXFSZ is ignored, so writing past the limit is an error (EFBIG), not death.
    let run = sh(
        "ulimit -c 0; ulimit -f 24; trap '' XFSZ; exec \"$0\" \"$@\"",
        &published.args(),
    );
    assert_clear_output_failure(&run, "File too large");
    // The message names a file of the new site.
    assert!(
        run.stderr
            .contains(&format!("{}/", published.output.display())),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&published.output), before);
    let parent = published.output.parent().unwrap();
    assert_eq!(leftovers(parent, &["public"]), Vec::<String>::new());
}

#[test]
fn a_build_killed_half_way_keeps_the_old_site_and_the_next_build_cleans_up() {
    let published = Published::new();
    let before = snapshot(&published.output);
    // Without the trap, writing past the limit kills byline on the spot (SIGXFSZ), as a
    // power cut or `kill -9` would: nothing of byline runs after that.
    let run = sh(
        "ulimit -c 0; ulimit -f 24; exec \"$0\" \"$@\"",
        &published.args(),
    );
    assert_eq!(run.code(), -1, "byline was not killed:\n{}", run.stderr);
    assert_eq!(snapshot(&published.output), before);
    let parent = published.output.parent().unwrap();
    let left = leftovers(parent, &["public"]);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(".public.byline-staging-"), "{left:?}");

    let args = published.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::byline(&args, &published.site.root).assert_success();
    assert_eq!(leftovers(parent, &["public"]), Vec::<String>::new());
    let story = published
        .output
        .join("decision-machines/twitter-cuts-ties/index.html");
    assert!(
        std::fs::read_to_string(story)
            .unwrap()
            .contains("Edited after publication.")
    );
}

#[test]
fn an_output_folder_that_cannot_be_written_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let published = Published::new();
    let before = snapshot(&published.output);
    let parent = published.output.parent().unwrap();
    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anywhere; without those capabilities it meets permissions like anyone.
    let script = if is_root() {
        "exec setpriv --bounding-set=-dac_override,-dac_read_search \"$0\" \"$@\""
    } else {
        "exec \"$0\" \"$@\""
    };
    let run = sh(script, &published.args());
    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    if is_root() && run.stderr.contains("setpriv") && !run.stderr.contains("E-OUTPUT") {
        eprintln!(
            "note: running as root without a working setpriv, so a read-only folder cannot be tested here: {}",
            run.stderr
        );
        return;
    }
    assert_clear_output_failure(&run, "Permission denied");
    assert!(
        run.stderr.contains(&parent.display().to_string()),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&published.output), before);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// A real full disk: a 2 MB tmpfs, mounted in a private mount namespace (so nothing outside
/// the test sees it, and it goes away with the test), holds the published site; a filler file
/// takes all but 64 KB of the rest, and the next build runs out of space part-way.
#[test]
fn a_full_disk_fails_the_build_and_keeps_the_old_site() {
    let site = TestSite::fixture("newsroom");
    let scratch = site.root.parent().unwrap();
    let disk = scratch.join("disk");
    let saved = scratch.join("saved");
    std::fs::create_dir_all(&disk).unwrap();
    std::fs::create_dir_all(&saved).unwrap();
    let edited = scratch.join("edited");
    common::copy_tree(&site.root, &edited);
    edit(&edited);
    let script = r#"
        set -e
        byline=$0 site=$1 edited=$2 disk=$3 saved=$4
        mount -t tmpfs -o size=2m tmpfs "$disk"
        "$byline" build --root "$site" --output "$disk/public" > /dev/null 2>&1
        cp -a "$disk/public" "$saved/before"
        dd if=/dev/zero of="$disk/filler" bs=4096 > /dev/null 2>&1 || true
        truncate -s -65536 "$disk/filler"
        set +e
        "$byline" build --root "$edited" --output "$disk/public" > "$saved/stdout" 2> "$saved/stderr"
        echo $? > "$saved/code"
        cp -a "$disk/public" "$saved/after"
        ls -A "$disk" > "$saved/listing"
    "#;
    let status = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .arg(env!("CARGO_BIN_EXE_byline"))
        .args([&site.root, &edited, &disk, &saved])
        .output();
    let ran = status
        .as_ref()
        .is_ok_and(|output| output.status.success() && saved.join("code").exists());
    if !ran {
        eprintln!(
            "note: cannot mount a small tmpfs here (needs root and unshare), so the full-disk test is skipped: {:?}",
            status.map(|output| String::from_utf8_lossy(&output.stderr).into_owned())
        );
        return;
    }
    let read = |name: &str| std::fs::read_to_string(saved.join(name)).unwrap();
    let stderr = read("stderr");
    assert_eq!(read("code").trim(), "1", "{stderr}");
    assert_clear_output_message(&stderr, "No space left on device");
    assert!(snapshot(&saved.join("before")).len() > 10);
    assert_eq!(
        snapshot(&saved.join("after")),
        snapshot(&saved.join("before"))
    );
    assert_eq!(
        read("listing").split_whitespace().collect::<Vec<_>>(),
        ["filler", "public"]
    );
}
