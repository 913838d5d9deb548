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

/// The args of a build of `site` into `output`, with `extra` after them.
fn build_args(site: &TestSite, output: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "build".into(),
        "--root".into(),
        site.root.to_str().unwrap().into(),
        "--output".into(),
        output.to_str().unwrap().into(),
    ];
    args.extend(extra.iter().map(|arg| arg.to_string()));
    args
}

fn run(args: &[String], site: &TestSite) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::byline(&args, &site.root)
}

#[track_caller]
fn assert_refused(run: &Run, why: &str) {
    run.assert_failure(1);
    assert!(run.stderr.contains("E-OUTPUT"), "{}", run.stderr);
    assert!(
        run.stderr.contains("refusing to publish into"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(why), "no {why:?} in:\n{}", run.stderr);
}

#[test]
fn only_a_folder_byline_made_an_empty_or_a_missing_one_is_replaced() {
    let site = TestSite::fixture("clean");
    let scratch = site.root.parent().unwrap().to_path_buf();

    // The site's own repository: `--output .git` removed .git/HEAD.
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    let git = site.path(".git");
    assert_refused(&run(&build_args(&site, &git, &[]), &site), "did not make");
    assert_eq!(
        std::fs::read_to_string(git.join("HEAD")).unwrap(),
        "ref: refs/heads/main\n"
    );

    // Somebody's folder of files: refused, and replaced only when asked for.
    let elsewhere = scratch.join("somewhere");
    std::fs::create_dir_all(elsewhere.join("notes")).unwrap();
    std::fs::write(elsewhere.join("notes/todo.txt"), "keep me").unwrap();
    let before = snapshot(&elsewhere);
    let refused = run(&build_args(&site, &elsewhere, &[]), &site);
    assert_refused(&refused, "--force");
    assert!(
        refused.stderr.contains("the previous site is unchanged"),
        "{}",
        refused.stderr
    );
    assert_eq!(snapshot(&elsewhere), before);
    run(&build_args(&site, &elsewhere, &["--force"]), &site).assert_success();
    assert!(!elsewhere.join("notes").exists());
    assert!(elsewhere.join("index.html").is_file());

    // A file is never turned into a folder, even with --force.
    let notes = scratch.join("notes.txt");
    std::fs::write(&notes, "a file").unwrap();
    for extra in [&[][..], &["--force"][..]] {
        assert_refused(
            &run(&build_args(&site, &notes, extra), &site),
            "it is a file",
        );
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "a file");
    }

    // A committed link `public -> elsewhere`: a plain build replaced the other folder's files.
    let other = scratch.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("precious.txt"), "not a site").unwrap();
    std::os::unix::fs::symlink(&other, site.path("public")).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["build", "--root", site.root.to_str().unwrap()];
        args.extend_from_slice(extra);
        assert_refused(&common::byline(&args, &site.root), "symbolic link");
        assert_eq!(
            std::fs::read_to_string(other.join("precious.txt")).unwrap(),
            "not a site"
        );
    }
    std::fs::remove_file(site.path("public")).unwrap();
    // Nor is the marker trusted when it is not a plain file.
    std::os::unix::fs::symlink(
        elsewhere.join(".byline-output"),
        other.join(".byline-output"),
    )
    .unwrap();
    assert_refused(&run(&build_args(&site, &other, &[]), &site), "did not make");

    // Missing, empty and byline's own folders are replaced without a word.
    let fresh = scratch.join("fresh/public");
    run(&build_args(&site, &fresh, &[]), &site).assert_success();
    assert!(fresh.join(".byline-output").is_file());
    run(&build_args(&site, &fresh, &[]), &site).assert_success();
    let empty = scratch.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    run(&build_args(&site, &empty, &[]), &site).assert_success();
    site.build(&[]).assert_success();
    site.build(&[]).assert_success();
}

/// Runs byline under strace with `faults` (strace's `-e inject=...`); None, with a note, where
/// strace is missing or may not trace (a container without ptrace).
fn under_strace(faults: &[&str], args: &[String]) -> Option<Run> {
    let works = Command::new("strace")
        .args(["-f", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|status| status.success());
    if !works {
        eprintln!(
            "note: strace is missing or cannot trace here, so the kill during the swap is not tested"
        );
        return None;
    }
    let mut command = Command::new("strace");
    command.args(["-f", "-o", "/dev/null"]);
    for fault in faults {
        command.args(["-e", fault]);
    }
    let output = command
        .arg(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .output()
        .unwrap();
    Some(Run::from(output))
}

#[test]
fn a_build_killed_during_the_swap_never_loses_the_site() {
    // Killed between the two renames of the old swap, a build left no public/ at all, and the
    // next failed build still said "the previous site is unchanged".
    let published = Published::new();
    let before = snapshot(&published.output);
    let parent = published.output.parent().unwrap().to_path_buf();
    let args = published.args();

    // The atomic exchange: killed as it starts, the old site is whole; killed just after, the
    // new one is.
    let Some(killed) = under_strace(&["inject=renameat2:signal=SIGKILL:when=1"], &args) else {
        return;
    };
    assert!(!killed.output.status.success(), "{}", killed.stderr);
    assert!(
        snapshot(&published.output) == before,
        "the old site changed"
    );
    // A clean build removes that one's leftovers, so the next kill hits the first removal
    // after the exchange: the old site's, now beside the new one.
    let stale = snapshot(&published.output);
    run(&args, &published.site).assert_success();
    let live = snapshot(&published.output);
    assert!(live != stale);
    edit(&published.site.root);
    let Some(killed) = under_strace(&["inject=unlinkat:signal=SIGKILL:when=1"], &args) else {
        return;
    };
    assert!(!killed.output.status.success(), "{}", killed.stderr);
    let after = snapshot(&published.output);
    assert!(after != live, "the new site is in place");
    let story = String::from_utf8_lossy(&after["decision-machines/twitter-cuts-ties/index.html"])
        .matches("Edited after publication.")
        .count();
    assert_eq!(story, 2);
    let next = run(&args, &published.site);
    next.assert_success();
    assert_eq!(leftovers(&parent, &["public"]), Vec::<String>::new());
}

#[test]
fn where_there_is_no_atomic_exchange_the_next_build_puts_the_old_site_back() {
    // Where the system has no exchange (here: made to say so), two renames; killed between
    // them, the next build puts the old site back before it does anything else, and says
    // what is true.
    let published = Published::new();
    let parent = published.output.parent().unwrap().to_path_buf();
    let args = published.args();
    let live = snapshot(&published.output);
    let Some(killed) = under_strace(
        &[
            "inject=renameat2:error=EINVAL",
            "inject=rename:signal=SIGKILL:when=2",
        ],
        &args,
    ) else {
        return;
    };
    assert!(!killed.output.status.success(), "{}", killed.stderr);
    assert!(!published.output.exists(), "killed between the renames");
    published.site.write(
        "content/broken.md",
        "---\ntitle: Broken\nreportr: typo\n---\n",
    );
    let failed = run(&args, &published.site);
    failed.assert_failure(1);
    assert!(
        failed.stderr.contains("the previous site is unchanged"),
        "{}",
        failed.stderr
    );
    assert!(
        snapshot(&published.output) == live,
        "the site put back is the live one"
    );
    published.site.remove("content/broken.md");
    run(&args, &published.site).assert_success();
    assert_eq!(leftovers(&parent, &["public"]), Vec::<String>::new());
}
