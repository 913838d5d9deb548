//! Hostile files, as a newsroom's CI meets them in whatever reporters commit: bytes that are
//! not UTF-8, a byte-order mark, Windows line endings, empty and half-written files, a 50 MB
//! story, 100,000 levels of nesting, a YAML alias bomb, symbolic link loops, unreadable files,
//! named pipes and files that vanish. Each must end in a clear diagnostic naming the file (or
//! just work), never a panic or a hang, and the rest of the site must still be checked: every
//! test also plants an unrelated error elsewhere and asserts it is reported in the same run.

mod common;

use std::time::{Duration, Instant};

use common::{Finding, Run, TestSite, findings};

/// A story with a misspelt key on line 6, in another folder than the hostile file.
const UNRELATED: &str = "content/inquiry/unrelated.md";
const UNRELATED_ERROR: &str = "content/inquiry/unrelated.md:6:1 E-FRONT-UNKNOWN-KEY";

/// A valid stand-alone story's front matter, without its closing line (7 lines).
const FRONT: &str = "---\ntitle: Hostile\ndate: 2022-03-01\nreporter: Ana Lind\neditor: Meirion Jones\nfunder: Luminate\nsummary: S.\n";

/// How long one run of byline may take on a hostile site (a debug build on a busy machine).
const BOUNDED: Duration = Duration::from_secs(60);

fn site_with_unrelated_error() -> TestSite {
    let site = TestSite::fixture("clean");
    site.write(
        UNRELATED,
        "---\ntitle: Unrelated\ndate: 2022-03-01\nreporter: Ana Lind\neditor: Meirion Jones\nreportr: typo\n---\nText.\n",
    );
    site
}

/// Runs `check` and `build` with `--format json`; both must fail with exit 1 (not a panic's
/// 101), in bounded time, and report the unrelated error. Returns each run's findings.
#[track_caller]
fn check_and_build(site: &TestSite) -> Vec<Vec<Finding>> {
    let root = site.root.to_str().unwrap();
    let runs = [
        vec!["check", "--root", root, "--format", "json"],
        vec!["build", "--root", root, "--format", "json"],
    ];
    runs.iter()
        .map(|args| {
            let run = common::byline_within(args, &site.root, BOUNDED)
                .unwrap_or_else(|limit| panic!("{} took more than {limit:?}", args[0]));
            assert_no_panic(&run);
            run.assert_failure(1);
            let found = findings(&run);
            let places: Vec<String> = found.iter().map(Finding::place).collect();
            assert!(
                places.iter().any(|place| place == UNRELATED_ERROR),
                "{}: the rest of the site was not checked: {places:?}",
                args[0]
            );
            found
        })
        .collect()
}

#[track_caller]
fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && run.code() != 101,
        "byline panicked:\n{}",
        run.stderr
    );
}

/// The one error about `file` in `found`, which must have `code`; returned for more checks.
#[track_caller]
fn finding<'a>(found: &'a [Finding], file: &str, code: &str) -> &'a Finding {
    let about: Vec<&Finding> = found
        .iter()
        .filter(|f| f.file == file && f.severity == "error")
        .collect();
    assert!(
        about.len() == 1 && about[0].code == code,
        "expected one {code} about {file}, got {about:?}"
    );
    about[0]
}

#[test]
fn bytes_that_are_not_utf8_are_named_with_their_line() {
    let site = site_with_unrelated_error();
    let mut bytes = format!("{FRONT}---\n\nA fine line.\n").into_bytes();
    bytes.extend_from_slice(b"Then Latin-1: caf\xe9 and \xff\xfe.\n");
    std::fs::write(site.path("content/latin1.md"), bytes).unwrap();
    for found in check_and_build(&site) {
        let bad = finding(&found, "content/latin1.md", "E-FILE-READ");
        assert_eq!(bad.line, Some(11));
        assert!(bad.message.contains("not UTF-8"), "{}", bad.message);
        assert!(bad.hint.as_deref().unwrap().contains("UTF-8"));
    }
}

#[test]
fn a_byte_order_mark_just_works() {
    let site = site_with_unrelated_error();
    let story = |typo: &str| {
        format!(
            "\u{feff}---\ntitle: With a BOM\n{typo}date: 2022-03-01\nreporter: Ana Lind\neditor: Meirion Jones\nfunder: Luminate\n---\n\nText.\n"
        )
    };
    // A typo on line 3 of a file that starts with a BOM: line and column as the editor shows.
    site.write("content/bom.md", &story("sumary: x\n"));
    for found in check_and_build(&site) {
        let typo = finding(&found, "content/bom.md", "E-FRONT-UNKNOWN-KEY");
        assert_eq!((typo.line, typo.column), (Some(3), Some(1)));
    }
    site.write("content/bom.md", &story(""));
    site.remove(UNRELATED);
    site.build(&[]).assert_success();
    assert_eq!(
        common::texts(&site.page("bom/index.html"), "h1"),
        ["With a BOM"]
    );
}

#[test]
fn windows_line_endings_just_work_with_the_right_lines() {
    let site = site_with_unrelated_error();
    // A typo on line 8 and a broken link on line 13, column 5.
    let story =
        format!("{FRONT}sumary: x\n---\n\n## A heading\n\nSee [this](/no-such-page/).\n\nMore.\n")
            .replace('\n', "\r\n");
    site.write("content/crlf.md", &story);
    for found in check_and_build(&site) {
        let places: Vec<String> = found
            .iter()
            .filter(|f| f.file == "content/crlf.md")
            .map(Finding::place)
            .collect();
        assert!(
            places.contains(&"content/crlf.md:8:1 E-FRONT-UNKNOWN-KEY".to_string()),
            "{places:?}"
        );
    }
    // `check` runs the body checks even for a story with front-matter errors.
    let run = site.check(&["--format", "json"]);
    assert!(
        common::error_places(&run).contains(&"content/crlf.md:13:5 E-LINK-BROKEN".to_string()),
        "{:?}",
        common::error_places(&run)
    );

    site.write(
        "content/crlf.md",
        &format!("{FRONT}---\n\n## A heading\n\nSee [the ruling](inquiry/first.md).\n")
            .replace('\n', "\r\n"),
    );
    site.remove(UNRELATED);
    site.build(&[]).assert_success();
    let page = site.page("crlf/index.html");
    assert_eq!(common::texts(&page, "h1"), ["Hostile"]);
    assert_eq!(common::texts(&page, ".story-body h2"), ["A heading"]);
    assert!(common::attrs(&page, ".story-body a", "href").contains(&"/inquiry/first/".to_string()));
}

#[test]
fn an_empty_file_is_a_story_without_front_matter() {
    let site = site_with_unrelated_error();
    site.write("content/empty.md", "");
    for found in check_and_build(&site) {
        let empty = finding(&found, "content/empty.md", "E-FRONT-MISSING");
        assert_eq!(empty.line, Some(1));
        assert!(empty.hint.is_some());
    }
}

#[test]
fn front_matter_that_is_never_closed() {
    let site = site_with_unrelated_error();
    // Half-written: the editor saved before the closing line was typed.
    site.write("content/half.md", "---\ntitle: Half\ndate: 2022-03-01\n");
    for found in check_and_build(&site) {
        let half = finding(&found, "content/half.md", "E-FRONT-UNCLOSED");
        assert!(half.message.contains("never closed"), "{}", half.message);
    }
}

#[test]
fn a_50_mb_story_is_refused_quickly_with_its_size() {
    let site = site_with_unrelated_error();
    let paragraph =
        "The council voted on Tuesday to approve the budget, [see](https://example.org).\n\n";
    let mut story = format!("{FRONT}---\n\n");
    while story.len() < 50 * 1024 * 1024 {
        story.push_str(paragraph);
    }
    site.write("content/huge.md", &story);
    for found in check_and_build(&site) {
        let huge = finding(&found, "content/huge.md", "E-FILE-TOO-LARGE");
        assert!(huge.message.contains("50.0 MB"), "{}", huge.message);
        assert!(huge.hint.as_deref().unwrap().contains("static/"));
    }
}

/// 100,000 levels of `>` and of `- `, and long runs of emphasis and brackets.
fn deeply_nested_story() -> String {
    format!(
        "{FRONT}---\n\n{}deep quote\n\n{}deep list\n\n{}x{}\n\n{}x{}\n\n{}end\n",
        ">".repeat(100_000),
        "- ".repeat(100_000),
        "*".repeat(50_000),
        "*".repeat(50_000),
        "[".repeat(50_000),
        "]".repeat(50_000),
        "> - 1. ".repeat(30_000),
    )
}

#[test]
fn deep_nesting_neither_overflows_the_stack_nor_hangs() {
    let site = site_with_unrelated_error();
    site.write("content/deep.md", &deeply_nested_story());
    for found in check_and_build(&site) {
        let deep = finding(&found, "content/deep.md", "E-BODY-TOO-DEEP");
        // The 101st `>` of line 10.
        assert_eq!((deep.line, deep.column), (Some(10), Some(101)));
        assert!(deep.hint.is_some());
    }
    // Safe HTML parses the page again to clean it, which must not take the square of the
    // depth either.
    let started = Instant::now();
    let run = site.build(&["--safe-html", "--format", "json"]);
    assert!(started.elapsed() < BOUNDED, "{:?}", started.elapsed());
    assert_no_panic(&run);
    run.assert_failure(1);
    finding(&findings(&run), "content/deep.md", "E-BODY-TOO-DEEP");

    // Nesting a story may really have is published, cleaned or not.
    site.remove(UNRELATED);
    site.write(
        "content/deep.md",
        &format!(
            "{FRONT}---\n\n{}deep quote\n\n{}deep list\n",
            "> ".repeat(40),
            "- ".repeat(40)
        ),
    );
    for extra in [&[][..], &["--safe-html"][..]] {
        site.build(extra).assert_success();
        let page = site.page("deep/index.html");
        assert!(page.contains("deep quote") && page.contains("deep list"));
        assert_eq!(common::texts(&page, ".story-body blockquote").len(), 40);
    }
}

#[test]
fn deep_nesting_in_front_matter_is_a_clear_yaml_error() {
    let site = site_with_unrelated_error();
    let nested = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    site.write(
        "content/nested-yaml.md",
        &format!("{FRONT}extra:\n  deep: {nested}\n---\nText.\n"),
    );
    for found in check_and_build(&site) {
        let deep = finding(&found, "content/nested-yaml.md", "E-FRONT-SYNTAX");
        assert!(deep.message.contains("128 levels"), "{}", deep.message);
    }
}

/// Runs byline under a 2 GB address-space limit, so an expansion that ran away would end in an
/// allocation failure rather than in swapping the machine to a halt.
#[cfg(unix)]
fn byline_with_memory_limit(args: &[&str], site: &TestSite) -> Run {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .current_dir(&site.root)
        .output()
        .unwrap();
    Run::from(output)
}

#[cfg(unix)]
#[test]
fn yaml_alias_bombs_are_refused_in_bounded_time_and_memory() {
    let site = site_with_unrelated_error();
    // The classic: nine levels of nine aliases, 387 million strings.
    let mut laughs = String::from("  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let aliases = vec![format!("*{}", pair[0]); 9].join(", ");
        laughs.push_str(&format!("  {}: &{} [{aliases}]\n", pair[1], pair[1]));
    }
    site.write(
        "content/laughs.md",
        &format!("{FRONT}extra:\n{laughs}---\nText.\n"),
    );
    // Wide: 10,000 aliases of a 10,000-item list is 100 million values from 50 KB, within
    // serde_yaml's own repetition limit.
    let items = vec!["x"; 10_000].join(",");
    let aliases = vec!["*a"; 10_000].join(",");
    site.write(
        "content/wide.md",
        &format!("{FRONT}extra:\n  a: &a [{items}]\n  b: [{aliases}]\n---\nText.\n"),
    );
    let root = site.root.to_str().unwrap();
    for command in ["check", "build"] {
        let started = Instant::now();
        let run = byline_with_memory_limit(&[command, "--root", root, "--format", "json"], &site);
        assert!(started.elapsed() < BOUNDED, "{:?}", started.elapsed());
        assert_no_panic(&run);
        run.assert_failure(1);
        let found = findings(&run);
        assert!(
            found.iter().any(|f| f.place() == UNRELATED_ERROR),
            "{found:?}"
        );
        for file in ["content/laughs.md", "content/wide.md"] {
            let bomb = finding(&found, file, "E-FRONT-TOO-LARGE");
            assert!(bomb.message.contains("aliases"), "{}", bomb.message);
            assert!(bomb.hint.is_some());
        }
    }
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_and_links_are_named_not_followed() {
    let site = site_with_unrelated_error();
    let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, site.path(at)).unwrap();
    link("..", "content/inquiry/loop");
    link("self-loop", "content/self-loop");
    link("first.md", "content/inquiry/linked.md");
    link("gone.md", "content/inquiry/dangling.md");
    for found in check_and_build(&site) {
        for file in [
            "content/inquiry/loop",
            "content/self-loop",
            "content/inquiry/linked.md",
            "content/inquiry/dangling.md",
        ] {
            let refused = finding(&found, file, "E-SYMLINK");
            assert!(
                refused.message.contains("symbolic link"),
                "{}",
                refused.message
            );
            assert!(refused.hint.as_deref().unwrap().contains("copy"));
        }
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_does_not_block_the_build() {
    let site = site_with_unrelated_error();
    let made = std::process::Command::new("mkfifo")
        .arg(site.path("content/pipe.md"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for found in check_and_build(&site) {
        let pipe = finding(&found, "content/pipe.md", "E-FILE-READ");
        assert!(
            pipe.message.contains("not a regular file"),
            "{}",
            pipe.message
        );
    }
}

/// Runs byline without the capabilities that let root read and write any file, so permissions
/// count as they do for a reporter's account. None when that is not possible (root without
/// `setpriv`); a normal user needs nothing.
#[cfg(unix)]
fn byline_bound_by_permissions(args: &[&str], site: &TestSite) -> Option<Run> {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0");
    let mut command = if is_root {
        let has_setpriv = std::process::Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success());
        if !has_setpriv {
            return None;
        }
        let mut command = std::process::Command::new("setpriv");
        command
            .arg("--bounding-set=-dac_override,-dac_read_search")
            .arg(env!("CARGO_BIN_EXE_byline"));
        command
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_byline"))
    };
    let output = command.args(args).current_dir(&site.root).output().unwrap();
    Some(Run::from(output))
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_with_the_system_error() {
    use std::os::unix::fs::PermissionsExt;
    let site = site_with_unrelated_error();
    site.write("content/secret.md", &format!("{FRONT}---\nText.\n"));
    std::fs::set_permissions(
        site.path("content/secret.md"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let root = site.root.to_str().unwrap();
    for command in ["check", "build"] {
        let Some(run) =
            byline_bound_by_permissions(&[command, "--root", root, "--format", "json"], &site)
        else {
            eprintln!(
                "note: running as root without setpriv, so chmod 000 cannot make a file unreadable; the unreadable-file assertion is skipped (tests/hostile.rs also checks a file that vanishes)"
            );
            return;
        };
        assert_no_panic(&run);
        run.assert_failure(1);
        let found = findings(&run);
        assert!(
            found.iter().any(|f| f.place() == UNRELATED_ERROR),
            "{found:?}"
        );
        let secret = finding(&found, "content/secret.md", "E-FILE-READ");
        assert!(
            secret.message.contains("Permission denied"),
            "{}",
            secret.message
        );
        assert!(secret.hint.as_deref().unwrap().contains("permissions"));
    }
}

#[test]
fn a_file_that_vanishes_after_discovery_is_named() {
    use byline::diag::Code;
    use byline::source::{Keep, ParsedSource, SourceFile, SourceKind, read};
    // Discovery found it; it was deleted before it could be read (an editor's rename-save, a
    // `git checkout` running beside the build).
    let site = site_with_unrelated_error();
    let (sources, _) = byline::source::discover(&site.root).unwrap();
    assert!(sources.iter().any(|s| s.path.ends_with("unrelated.md")));
    site.remove(UNRELATED);
    let vanished = sources
        .iter()
        .find(|s| s.path.ends_with("unrelated.md"))
        .unwrap();
    let (parsed, found) = read(&site.root, vanished, Keep::Text);
    assert!(matches!(parsed, ParsedSource::Failed));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, Code::FileRead);
    assert_eq!(found[0].path, std::path::Path::new(UNRELATED));
    assert!(found[0].message.contains("cannot read this file"));
    // A series index just the same.
    let (_, found) = read(
        &site.root,
        &SourceFile {
            path: "content/gone/_index.md".into(),
            kind: SourceKind::SeriesIndex {
                series_dir: "gone".into(),
            },
        },
        Keep::Text,
    );
    assert_eq!(found[0].code, Code::FileRead);
}

#[test]
fn twenty_thousand_equal_headings_take_linear_time() {
    // Each repeat of a heading tried every suffix from -1 up again: 20,000 `## a` took 22 s to
    // check and 37 s to build (release), against 0.1 s for distinct headings.
    let site = TestSite::fixture("clean");
    let mut story = format!("{FRONT}---\n\n");
    for _ in 0..20_000 {
        story.push_str("## a\n\n");
    }
    story.push_str("See [the first](#a), [the last](#a-19999) and [one more](#a-20000).\n");
    site.write("content/many.md", &story);
    let limit = Duration::from_secs(20);
    let root = site.root.to_str().unwrap();
    let check = common::byline_within(
        &["check", "--root", root, "--format", "json"],
        &site.root,
        limit,
    )
    .unwrap_or_else(|limit| panic!("check took more than {limit:?}"));
    let places: Vec<String> = findings(&check).iter().map(Finding::place).collect();
    assert_eq!(places, ["content/many.md:40010:47 E-LINK-ANCHOR"]);
    let hint = findings(&check)[0].hint.clone().unwrap();
    assert!(hint.ends_with("and 19970 more"), "{hint}");

    story = story.replace(" and [one more](#a-20000)", "");
    site.write("content/many.md", &story);
    let build = common::byline_within(&["build", "--root", root], &site.root, limit)
        .unwrap_or_else(|limit| panic!("build took more than {limit:?}"));
    build.assert_success();
    let page = site.page("many/index.html");
    let ids = common::attrs(&page, "[id]", "id");
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "every id of the page is unique");
    assert_eq!(common::attrs(&page, ".story-body h2", "id").len(), 20_000);
}

/// Makes a named pipe at `relative` in the site; false (with a note) where mkfifo is missing.
#[cfg(unix)]
fn named_pipe(site: &TestSite, relative: &str) -> bool {
    let path = site.path(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .is_ok_and(|status| status.success());
    if !made {
        eprintln!("skipped: mkfifo cannot make a named pipe here");
    }
    made
}

/// Runs `args` on the site in every report format, in bounded time; each run's findings (none
/// for the human format, whose text is returned in `stderr`).
#[track_caller]
fn every_format(site: &TestSite, command: &str, expected_exit: i32) -> Vec<Run> {
    let root = site.root.to_str().unwrap();
    ["human", "json", "github"]
        .iter()
        .map(|format| {
            let args = [command, "--root", root, "--format", format];
            let run = common::byline_within(&args, &site.root, Duration::from_secs(30))
                .unwrap_or_else(|limit| {
                    panic!("{command} --format {format} did not finish within {limit:?}")
                });
            assert_no_panic(&run);
            run.assert_failure(expected_exit);
            run
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn special_files_never_block_a_report_in_any_format() {
    // The human report opened each file with a finding to quote it: a named pipe in static/
    // blocked `byline build` for ever, and a link to /dev/zero grew it to 3 GB in 6 s.
    let site = site_with_unrelated_error();
    if !named_pipe(&site, "static/pipe") || !named_pipe(&site, "themes/default/static/pipe.css") {
        return;
    }
    std::os::unix::fs::symlink("/dev/zero", site.path("static/zero")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", site.path("content/inquiry/zero.md")).unwrap();
    for command in ["check", "build"] {
        let runs = every_format(&site, command, 1);
        let human = &runs[0].stderr;
        for named in [
            "static/pipe",
            "static/zero",
            "content/inquiry/zero.md",
            UNRELATED,
        ] {
            assert!(
                human.contains(named),
                "{command}: {named} not named:\n{human}"
            );
        }
        let json = findings(&runs[1]);
        let places: Vec<String> = json.iter().map(Finding::place).collect();
        for expected in [
            "static/pipe:-:- E-FILE-READ",
            "static/zero:-:- E-SYMLINK",
            "content/inquiry/zero.md:-:- E-SYMLINK",
            UNRELATED_ERROR,
        ] {
            assert!(
                places.iter().any(|p| p == expected),
                "{command}: {expected} in {places:?}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn site_yaml_is_read_only_as_a_regular_file() {
    // site.yaml was followed as a link, and a named pipe there hung every command.
    let site = TestSite::fixture("clean");
    std::fs::rename(site.path("site.yaml"), site.path("config.yaml")).unwrap();
    std::os::unix::fs::symlink("config.yaml", site.path("site.yaml")).unwrap();
    for command in ["check", "build"] {
        for run in every_format(&site, command, 2) {
            let all = format!("{}{}", run.stdout, run.stderr);
            assert!(
                all.contains("E-SYMLINK") && all.contains("site.yaml"),
                "{all}"
            );
        }
    }
    std::fs::remove_file(site.path("site.yaml")).unwrap();
    if !named_pipe(&site, "site.yaml") {
        return;
    }
    for command in ["check", "build"] {
        for run in every_format(&site, command, 2) {
            let all = format!("{}{}", run.stdout, run.stderr);
            assert!(
                all.contains("E-SITE-READ") && all.contains("not a regular file"),
                "{all}"
            );
        }
    }
    let next = common::byline_within(
        &["next-publish", "--root", site.root.to_str().unwrap()],
        &site.root,
        Duration::from_secs(30),
    )
    .expect("next-publish finishes");
    next.assert_failure(2);
}

#[cfg(unix)]
#[test]
fn a_new_story_in_a_series_whose_index_is_a_pipe_does_not_block() {
    let site = TestSite::fixture("clean");
    std::fs::remove_file(site.path("content/inquiry/_index.md")).unwrap();
    if !named_pipe(&site, "content/inquiry/_index.md") {
        return;
    }
    let root = site.root.to_str().unwrap();
    let run = common::byline_within(
        &[
            "new", "story", "A pipe", "--series", "inquiry", "--root", root,
        ],
        &site.root,
        Duration::from_secs(30),
    )
    .expect("byline new finishes");
    assert_ne!(run.code(), 0, "{}", run.stderr);
}
