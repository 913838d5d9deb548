//! `byline check`: every check code triggered alone by a fixture (file and line asserted), all
//! of them at once, the three output formats, exit codes; drafts, embargoes and the leak audit;
//! `next-publish`, `init` and `new`.

mod common;

use common::{TestSite, byline, findings, snapshot};

/// Runs `byline check --format json` on the site.
fn check(site: &TestSite, extra: &[&str]) -> common::Run {
    let root = site.root.to_str().unwrap().to_string();
    let mut args = vec![
        "check",
        "--root",
        &root,
        "--format",
        "json",
        "--now",
        "2026-11-25T12:00:00Z",
    ];
    args.extend_from_slice(extra);
    byline(&args, &site.root)
}

fn places(run: &common::Run) -> Vec<String> {
    findings(run).iter().map(common::Finding::place).collect()
}

const GOOD_FRONT: &str =
    "title: T\ndate: 2022-02-09\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\n";

/// A story file in the inquiry series with the given extra front matter and body.
fn story(extra_front: &str, body: &str) -> String {
    format!("---\n{GOOD_FRONT}{extra_front}---\n\n{body}\n")
}

struct Case {
    code: &'static str,
    files: Vec<(&'static str, String)>,
    removes: Vec<&'static str>,
    expected: Vec<&'static str>,
}

fn case(
    code: &'static str,
    files: Vec<(&'static str, String)>,
    expected: Vec<&'static str>,
) -> Case {
    Case {
        code,
        files,
        removes: Vec::new(),
        expected,
    }
}

/// Stands for a 4 by 4 pixel PNG among a case's files.
const SMALL_PNG: &str = "a 4 by 4 pixel PNG";

fn cases() -> Vec<Case> {
    let new = "content/inquiry/new.md";
    vec![
        case("E-CONFIG-SYNTAX", vec![("site.yaml", "title: [oops\nbase_url: https://x.org\n".into())], vec!["site.yaml:2:9 E-CONFIG-SYNTAX"]),
        case(
            "E-CONFIG-UNKNOWN-KEY",
            vec![("site.yaml", "title: T\nbase_url: https://x.org\nfunder_note: x\n".into())],
            vec!["site.yaml:3:1 E-CONFIG-UNKNOWN-KEY"],
        ),
        case("E-CONFIG-VALUE", vec![("site.yaml", "title: T\nbase_url: example.org\n".into())], vec!["site.yaml:2:1 E-CONFIG-VALUE"]),
        case("E-CONFIG-MISSING", vec![("site.yaml", "base_url: https://x.org\n".into())], vec!["site.yaml:1:1 E-CONFIG-MISSING"]),
        case("E-FILE-READ", vec![(new, "---\ntitle: caf\u{e9}\n---\n".into())], vec![]),
        case("E-FRONT-MISSING", vec![(new, "# Just a heading\n".into())], vec!["content/inquiry/new.md:1:1 E-FRONT-MISSING"]),
        case("E-FRONT-UNCLOSED", vec![(new, "---\ntitle: T\n".into())], vec!["content/inquiry/new.md:1:1 E-FRONT-UNCLOSED"]),
        case("E-FRONT-SYNTAX", vec![(new, "---\ntitle: \"T\nsummary: x\n---\n".into())], vec!["content/inquiry/new.md:4:1 E-FRONT-SYNTAX"]),
        case("E-FRONT-NOT-MAPPING", vec![(new, "---\n- a\n- b\n---\n".into())], vec!["content/inquiry/new.md:2:1 E-FRONT-NOT-MAPPING"]),
        case("E-FRONT-UNKNOWN-KEY", vec![(new, story("reportr: X\n", ""))], vec!["content/inquiry/new.md:7:1 E-FRONT-UNKNOWN-KEY"]),
        case(
            "E-FRONT-REQUIRED",
            vec![(new, "---\ndate: 2022-02-09\nreporter: A\neditor: B\nsummary: S\n---\n".into())],
            vec!["content/inquiry/new.md:1:1 E-FRONT-REQUIRED"],
        ),
        case("E-FRONT-TYPE", vec![(new, story("topics: {a: 1}\n", ""))], vec!["content/inquiry/new.md:7:1 E-FRONT-TYPE"]),
        case(
            "E-FRONT-DATE",
            vec![(new, story("updated: 2022-02-31\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-FRONT-DATE"],
        ),
        case(
            "E-FRONT-PLACEHOLDER",
            vec![(new, "---\ntitle: T\ndate: 2022-02-09\nreporter: \"TODO: reporter's name\"\neditor: B\nsummary: S\n---\n".into())],
            vec!["content/inquiry/new.md:4:1 E-FRONT-PLACEHOLDER"],
        ),
        case(
            "E-FRONT-URL",
            vec![(new, story("sources:\n  - title: S\n    url: \"javascript:alert(1)\"\n", ""))],
            vec!["content/inquiry/new.md:9:5 E-FRONT-URL"],
        ),
        case(
            "E-EMBARGO-NO-ZONE",
            vec![(new, story("publish_at: 2030-01-01T06:00:00\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-EMBARGO-NO-ZONE"],
        ),
        case(
            "E-EMBARGO-LINK",
            vec![
                (new, story("publish_at: 2030-01-01T06:00:00+00:00\n", "")),
                ("content/alone.md", "---\ntitle: Alone\ndate: 2021-12-01\nreporter: A\neditor: B\nfunder: Luminate\nsummary: S\n---\n\nSee [the scoop](/inquiry/new/).\n".into()),
            ],
            vec!["content/alone.md:10:5 E-EMBARGO-LINK"],
        ),
        case(
            "E-CREDIT-IMAGE-ALT",
            vec![(new, story("image:\n  src: /images/zug.png\n  credit: C\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-CREDIT-IMAGE-ALT"],
        ),
        case(
            "E-CREDIT-IMAGE-CREDIT",
            vec![(new, story("image:\n  src: /images/zug.png\n  alt: A lake\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-CREDIT-IMAGE-CREDIT"],
        ),
        case(
            "E-CREDIT-INLINE-ALT",
            vec![(new, story("", "Text.\n\n![](/images/zug.png \"The lake. Credit: C\")"))],
            vec!["content/inquiry/new.md:11:1 E-CREDIT-INLINE-ALT"],
        ),
        case(
            "E-CREDIT-INLINE-CREDIT",
            vec![(new, story("", "![A lake](/images/zug.png \"The lake.\")"))],
            vec!["content/inquiry/new.md:9:1 E-CREDIT-INLINE-CREDIT"],
        ),
        case(
            "E-CREDIT-EMPTY-NAME",
            vec![(new, "---\ntitle: T\ndate: 2022-02-09\nreporter: [Ana Lind, \"\"]\neditor: B\nsummary: S\n---\n".into())],
            vec!["content/inquiry/new.md:4:1 E-CREDIT-EMPTY-NAME"],
        ),
        case(
            "E-FUNDING-MISSING",
            vec![("content/alone.md", "---\ntitle: Alone\ndate: 2021-12-01\nreporter: A\neditor: B\nsummary: S\n---\n".into())],
            vec!["content/alone.md:1:1 E-FUNDING-MISSING"],
        ),
        case(
            "E-FUNDING-UNKNOWN",
            vec![(new, story("funder: Lumnate\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-FUNDING-UNKNOWN"],
        ),
        case(
            "E-FUNDING-UNKNOWN",
            vec![("content/inquiry/_index.md", "---\ntitle: The Inquiry\nsummary: S\nfunder: Nobody\n---\n".into())],
            vec!["content/inquiry/_index.md:4:1 E-FUNDING-UNKNOWN"],
        ),
        case(
            "E-BODY-DUPLICATE-ID",
            vec![(new, story("", "## Notes {#main}\n\n## More {#more}\n\n## Again {#more}"))],
            vec!["content/inquiry/new.md:9:1 E-BODY-DUPLICATE-ID", "content/inquiry/new.md:13:1 E-BODY-DUPLICATE-ID"],
        ),
        case("E-LINK-BROKEN", vec![(new, story("", "See [this](/nowhere/)."))], vec!["content/inquiry/new.md:9:5 E-LINK-BROKEN"]),
        case(
            "E-LINK-BROKEN",
            vec![(new, story("", "See [this](missing.md)."))],
            vec!["content/inquiry/new.md:9:5 E-LINK-BROKEN"],
        ),
        case(
            "E-LINK-ANCHOR",
            vec![(new, story("", "See [the ruling](/inquiry/first/#ruling)."))],
            vec!["content/inquiry/new.md:9:5 E-LINK-ANCHOR"],
        ),
        case(
            "E-BUNDLE-ACTIVE-FILE",
            vec![
                ("site.yaml", "title: Clean Bureau\nbase_url: https://clean.example.org\nsafe_html: true\nfunders: [{name: Luminate}, {name: Open Society Foundations}]\n".into()),
                ("content/inquiry/the-map/chart.html", "<script>alert(1)</script>".into()),
            ],
            vec!["content/inquiry/the-map/chart.html:-:- E-BUNDLE-ACTIVE-FILE"],
        ),
        case(
            "E-LINK-MISSING-FILE",
            vec![(new, story("", "Read [the PDF](/files/report.pdf)."))],
            vec!["content/inquiry/new.md:9:6 E-LINK-MISSING-FILE"],
        ),
        case(
            "E-LINK-MISSING-FILE",
            vec![(new, story("image:\n  src: /images/nope.png\n  alt: A lake\n  credit: C\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-LINK-MISSING-FILE"],
        ),
        case(
            "E-STRUCTURE-DUPLICATE-URL",
            vec![(new, story("slug: first\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-STRUCTURE-DUPLICATE-URL"],
        ),
        case("E-STRUCTURE-SLUG", vec![(new, story("slug: Not A Slug\n", ""))], vec!["content/inquiry/new.md:7:1 E-STRUCTURE-SLUG"]),
        case(
            "E-STRUCTURE-LAYOUT",
            vec![("content/inquiry/deep/er/story.md", story("", ""))],
            vec!["content/inquiry/deep/er/story.md:-:- E-STRUCTURE-LAYOUT"],
        ),
        case(
            "E-STRUCTURE-SERIES-INDEX",
            vec![("content/orphans/story.md", story("funder: Luminate\n", ""))],
            vec!["content/orphans:-:- E-STRUCTURE-SERIES-INDEX"],
        ),
        case(
            "E-STRUCTURE-UPDATED-BEFORE-DATE",
            vec![(new, story("updated: 2022-01-01\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-STRUCTURE-UPDATED-BEFORE-DATE"],
        ),
        case(
            "E-STRUCTURE-CORRECTION-BEFORE-DATE",
            vec![(new, story("corrections:\n  - date: 2022-01-01\n    text: Fixed.\n", ""))],
            vec!["content/inquiry/new.md:8:3 E-STRUCTURE-CORRECTION-BEFORE-DATE"],
        ),
        case(
            "E-TEMPLATE",
            vec![("themes/default/templates/story.html", "{% extends \"base.html\" %}\n{% block content %}{% if %}{% endblock %}\n".into())],
            vec!["themes/default/templates/story.html:2:1 E-TEMPLATE"],
        ),
        case(
            "E-THEME",
            vec![("site.yaml", "title: T\nbase_url: https://x.org\ntheme: fancy\nfunders: [{name: Luminate}, {name: Open Society Foundations}]\n".into())],
            vec!["site.yaml:-:- E-THEME"],
        ),
        case("W-SUMMARY-MISSING", vec![(new, "---\ntitle: T\ndate: 2022-02-09\nreporter: A\neditor: B\n---\n".into())], vec!["content/inquiry/new.md:1:1 W-SUMMARY-MISSING"]),
        case(
            "W-STRINGS-MISSING",
            vec![("site.yaml", "title: T\nbase_url: https://x.org\nlanguage: it\n".into())],
            vec!["site.yaml:-:- W-STRINGS-MISSING"],
        ),
        case(
            "W-FRONT-LIST-AS-TEXT",
            vec![(new, "---\ntitle: T\ndate: 2022-02-09\nreporter: Alex Reporter, Jo Bloggs and Sam Lee\neditor: B\nsummary: S\n---\n".into())],
            vec!["content/inquiry/new.md:4:1 W-FRONT-LIST-AS-TEXT"],
        ),
        case(
            "E-FRONT-COMMENT",
            vec![(new, "---\ntitle: #MeToo at the council\ndate: 2022-02-09\nreporter: A\neditor: B\nsummary: S\n---\n".into())],
            vec!["content/inquiry/new.md:2:8 E-FRONT-COMMENT"],
        ),
        case(
            "W-SOURCE-NO-URL",
            vec![(new, story("sources:\n  - title: A leaked memo\n", ""))],
            vec!["content/inquiry/new.md:8:3 W-SOURCE-NO-URL"],
        ),
        case(
            "W-CLAIM-NO-APPEARANCE",
            vec![(new, story("claims:\n  - claim: X\n    claimant: {name: Y, type: organization}\n    rating: False\n    claim_date: 2022-02-01\n", ""))],
            vec!["content/inquiry/new.md:8:3 W-CLAIM-NO-APPEARANCE"],
        ),
        case(
            "W-CLAIM-NO-DATE",
            vec![(new, story("claims:\n  - claim: X\n    claimant: Y\n    rating: False\n    appeared_in: https://example.org/said\n", ""))],
            vec!["content/inquiry/new.md:8:3 W-CLAIM-NO-DATE"],
        ),
        case(
            "W-IMAGE-TOO-SMALL",
            vec![
                ("static/images/thumb.png", SMALL_PNG.into()),
                (new, story("image:\n  src: /images/thumb.png\n  alt: A lake\n  credit: C\n", "")),
            ],
            vec!["content/inquiry/new.md:7:1 W-IMAGE-TOO-SMALL"],
        ),
        case(
            "W-IMAGE-TYPE-MISMATCH",
            vec![
                ("static/images/photo.jpg", SMALL_PNG.into()),
                (new, story("", "![A lake](/images/photo.jpg \"The lake. Credit: C\")")),
            ],
            vec!["content/inquiry/new.md:9:1 W-IMAGE-TYPE-MISMATCH"],
        ),
        case(
            "W-IMAGE-ALT-IS-CAPTION",
            vec![(new, story("image:\n  src: /images/zug.png\n  alt: The lake\n  caption: The lake\n  credit: C\n", ""))],
            vec!["content/inquiry/new.md:10:3 W-IMAGE-ALT-IS-CAPTION"],
        ),
        case("W-STRUCTURE-UNPUBLISHED-FILE", vec![("content/notes.txt", "x".into())], vec!["content/notes.txt:-:- W-STRUCTURE-UNPUBLISHED-FILE"]),
        case(
            "W-SERIES-WITHHELD",
            vec![
                ("content/later/_index.md", "---\ntitle: Later\nfunder: Luminate\n---\n".into()),
                ("content/later/soon.md", story("publish_at: 2030-01-01T06:00:00+00:00\n", "")),
            ],
            vec!["content/later/_index.md:1:1 W-SERIES-WITHHELD"],
        ),
        case(
            "E-URL-DROPPED",
            vec![("urls.lock", "# published\n/inquiry/first/ content/inquiry/first.md\n/inquiry/gone/ content/inquiry/gone.md\n".into())],
            vec!["urls.lock:3:1 E-URL-DROPPED"],
        ),
        case(
            "E-URL-ALIAS-COLLISION",
            vec![(new, story("aliases: [/old/new/, /alone/]\n", ""))],
            vec!["content/inquiry/new.md:7:1 E-URL-ALIAS-COLLISION"],
        ),
    ]
}

#[test]
fn the_clean_fixture_is_clean() {
    let site = TestSite::fixture("clean");
    let run = check(&site, &[]);
    run.assert_success();
    assert_eq!(places(&run), Vec::<String>::new());
}

#[test]
fn each_check_is_triggered_alone_with_file_and_line() {
    let mut failures = Vec::new();
    for case in cases() {
        let site = TestSite::fixture("clean");
        for (path, contents) in &case.files {
            if contents == SMALL_PNG {
                // A real picture, 4 by 4 pixels (files are written as text otherwise).
                let picture = common::fixture_path("newsroom").join("static/images/phone.png");
                site.write(path, "");
                std::fs::copy(picture, site.path(path)).unwrap();
            } else {
                site.write(path, contents);
            }
        }
        for path in &case.removes {
            site.remove(path);
        }
        if case.code == "E-FILE-READ" {
            std::fs::write(
                site.path("content/inquiry/new.md"),
                b"---\ntitle: caf\xe9\n---\n",
            )
            .unwrap();
        }
        let run = check(&site, &[]);
        let found = places(&run);
        let expected: Vec<String> = if case.code == "E-FILE-READ" {
            vec!["content/inquiry/new.md:2:1 E-FILE-READ".into()]
        } else {
            case.expected.iter().map(|s| s.to_string()).collect()
        };
        if found != expected {
            failures.push(format!(
                "{}: expected {expected:?}, found {found:?}",
                case.code
            ));
        }
        let expected_exit = if case.code.starts_with("W-") { 0 } else { 1 };
        if run.code() != expected_exit {
            failures.push(format!(
                "{}: exit {} (expected {expected_exit})",
                case.code,
                run.code()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_code_has_a_test() {
    // Tested elsewhere: unreadable site (exit code test below), leaks (audit test below),
    // unsafe output folders (tests/build.rs, tests/output_faults.rs), and the guards against
    // hostile files (tests/hostile.rs: a 50 MB story, an alias bomb, deep nesting, links;
    // tests/security.rs: links in static/).
    let elsewhere = [
        "E-SITE-READ",
        "E-EMBARGO-LEAK",
        "E-OUTPUT",
        "E-FILE-TOO-LARGE",
        "E-FRONT-TOO-LARGE",
        "E-BODY-TOO-DEEP",
        "E-SYMLINK",
        // Images are decoded by `build` only (tests/images.rs).
        "E-IMAGE-DECODE",
    ];
    let covered: Vec<&str> = cases().iter().map(|c| c.code).chain(elsewhere).collect();
    for code in byline::diag::Code::ALL {
        assert!(covered.contains(&code.as_str()), "{code} has no test case");
    }
}

#[test]
fn many_mistakes_reported_in_one_run() {
    let site = TestSite::fixture("many-errors");
    let run = check(&site, &[]);
    run.assert_failure(1);
    assert_eq!(
        places(&run),
        [
            "content/probe/credits.md:1:1 E-FRONT-REQUIRED",
            "content/probe/credits.md:4:1 E-FRONT-UNKNOWN-KEY",
            "content/probe/credits.md:5:1 E-CREDIT-EMPTY-NAME",
            "content/probe/credits.md:6:1 E-CREDIT-IMAGE-CREDIT",
            "content/probe/credits.md:12:1 E-CREDIT-INLINE-ALT",
            "content/probe/credits.md:12:1 E-CREDIT-INLINE-CREDIT",
            "content/probe/credits.md:12:1 E-LINK-MISSING-FILE",
            "content/probe/dates.md:1:1 W-SUMMARY-MISSING",
            "content/probe/dates.md:3:1 E-FRONT-DATE",
            "content/probe/dates.md:6:1 E-FRONT-DATE",
            "content/probe/dates.md:7:1 E-EMBARGO-NO-ZONE",
            "content/probe/dates.md:8:1 E-FUNDING-UNKNOWN",
            "content/probe/dates.md:11:3 E-LINK-BROKEN",
            "content/probe/dates.md:11:45 E-LINK-ANCHOR",
            "content/probe/links.md:8:3 W-SOURCE-NO-URL",
            "content/probe/links.md:13:5 E-LINK-MISSING-FILE",
            // 13:37 links to credits.md, which is rejected for errors of its own: not broken.
            "content/probe/links.md:13:63 E-LINK-BROKEN",
        ]
    );
}

#[test]
fn blank_required_text_is_reported_where_written() {
    let site = TestSite::fixture("clean");
    let blank = "---\ntitle: \"  \"\ndate: 2022-02-09\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S\n\
                 sources:\n  - title: \"\"\n    url: https://example.org/a\n\
                 corrections:\n  - date: 2023-01-01\n    text: \" \"\n\
                 claims:\n  - claim: \"\"\n    claimant: A minister\n    rating: \"\"\n---\n\nText.\n";
    site.write("content/inquiry/blank.md", blank);
    // A link to a story rejected for errors of its own is not reported as broken too.
    site.write(
        "content/inquiry/linker.md",
        &story("", "See [the blank one](blank.md)."),
    );
    site.write(
        "content/other/_index.md",
        "---\ntitle: \" \"\nfunder: Open Society Foundations\n---\n",
    );
    let run = check(&site, &[]);
    run.assert_failure(1);
    assert_eq!(
        places(&run),
        [
            "content/inquiry/blank.md:2:1 E-FRONT-REQUIRED",
            "content/inquiry/blank.md:8:5 E-FRONT-REQUIRED",
            "content/inquiry/blank.md:12:5 E-FRONT-REQUIRED",
            "content/inquiry/blank.md:14:5 E-FRONT-REQUIRED",
            "content/inquiry/blank.md:16:5 E-FRONT-REQUIRED",
            "content/other/_index.md:2:1 E-FRONT-REQUIRED",
        ]
    );
}

#[test]
fn md_links_to_withheld_stories_say_why() {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/later.md",
        &story("publish_at: 2030-01-01T06:00:00+00:00\n", ""),
    );
    site.write("content/inquiry/unready.md", &story("draft: true\n", ""));
    site.write(
        "content/inquiry/linker.md",
        &story("", "See [the scoop](later.md) and [the draft](unready.md)."),
    );
    let run = check(&site, &[]);
    let found = findings(&run);
    let linker: Vec<_> = found
        .iter()
        .filter(|f| f.file == "content/inquiry/linker.md")
        .map(|f| (f.place(), f.message.clone()))
        .collect();
    assert_eq!(linker.len(), 2, "{linker:?}");
    assert_eq!(linker[0].0, "content/inquiry/linker.md:9:5 E-EMBARGO-LINK");
    assert_eq!(linker[1].0, "content/inquiry/linker.md:9:31 E-LINK-BROKEN");
    assert!(
        linker[1]
            .1
            .contains("which is a draft and will not be published"),
        "{linker:?}"
    );
}

/// Asserts that a `--timings` run printed every one of `stages`.
fn assert_timed(run: &common::Run, stages: &[&str]) {
    run.assert_success();
    for stage in stages {
        assert!(run.stderr.contains(stage), "{stage}:\n{}", run.stderr);
    }
}

#[test]
fn timings_name_every_stage() {
    let site = TestSite::fixture("clean");
    let root = site.root.to_str().unwrap().to_string();
    assert_timed(
        &byline(&["check", "--root", &root, "--timings"], &site.root),
        &[
            "read, parse, scan and validate files",
            "check links, credits, structure",
            "print the report",
            "total",
        ],
    );
    assert_timed(
        &site.build(&["--timings"]),
        &[
            "read, parse, scan and validate files",
            "check links, credits, structure",
            "render, audit, write pages",
            "total",
        ],
    );
}

#[test]
fn human_format_quotes_the_line_and_summarises() {
    let site = TestSite::fixture("many-errors");
    let root = site.root.to_str().unwrap().to_string();
    let run = byline(&["check", "--root", &root], &site.root);
    run.assert_failure(1);
    for expected in [
        "error[E-FRONT-UNKNOWN-KEY]: `reportr` is not a field byline knows in a story's front matter",
        "┌─ content/probe/credits.md:4:1",
        "4 │ reportr: Ana Lind",
        "│ ^^^^^^^^^^^^^^^^^",
        "= hint: did you mean `reporter`?",
        "checked 3 stories and 1 series: 15 errors, 2 warnings",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected:?} not in\n{}",
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no colour when not on a terminal"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn github_format_annotates_each_finding() {
    let site = TestSite::fixture("many-errors");
    let root = site.root.to_str().unwrap().to_string();
    let run = byline(
        &["check", "--root", &root, "--format", "github"],
        &site.root,
    );
    run.assert_failure(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 17);
    assert!(lines.contains(
        &"::error file=content/probe/credits.md,line=4,col=1,title=E-FRONT-UNKNOWN-KEY::`reportr` is not a field byline knows in a story's front matter, so it would be silently ignored%0Ahint: did you mean `reporter`?"
    ), "{}", run.stdout);
    assert!(lines.iter().any(|l| l.starts_with(
        "::warning file=content/probe/links.md,line=8,col=3,title=W-SOURCE-NO-URL::"
    )));
}

#[test]
fn exit_codes() {
    let clean = TestSite::fixture("clean");
    check(&clean, &[]).assert_success();
    // Warnings pass, unless --strict.
    clean.write(
        "content/inquiry/new.md",
        &story("sources:\n  - title: Offline memo\n", ""),
    );
    check(&clean, &[]).assert_success();
    check(&clean, &["--strict"]).assert_failure(1);
    // No site at all.
    let empty = tempfile::tempdir().unwrap();
    let run = byline(
        &[
            "check",
            "--root",
            empty.path().to_str().unwrap(),
            "--format",
            "json",
        ],
        empty.path(),
    );
    run.assert_failure(2);
    assert_eq!(places(&run), ["site.yaml:-:- E-SITE-READ"]);
}

#[test]
fn relaxed_checks_become_warnings() {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/new.md",
        &story("", "![A lake](/images/zug.png \"No credit.\")"),
    );
    check(&site, &[]).assert_failure(1);
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{config}checks:\n  warn: [E-CREDIT-INLINE-CREDIT]\n"),
    );
    let run = check(&site, &[]);
    run.assert_success();
    assert_eq!(findings(&run)[0].severity, "warning");
    site.write(
        "site.yaml",
        &format!("{config}checks:\n  warn: [E-FUNDING-MISSING]\n"),
    );
    assert_eq!(places(&check(&site, &[])), ["site.yaml:8:3 E-CONFIG-VALUE"]);
}

/// The clean site plus a draft and an embargoed story (embargo lifts 2026-12-01 06:00 UTC).
fn site_with_withheld_stories() -> TestSite {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/minister-secret-deal.md",
        &story(
            "publish_at: 2026-12-01T06:00:00+00:00\ntopics: [Courts]\n",
            "The embargoed scoop.",
        )
        .replace("title: T\n", "title: Minister's secret deal\n"),
    );
    site.write(
        "content/inquiry/unfinished-draft.md",
        &story("draft: true\n", "Not ready.")
            .replace("title: T\n", "title: Unfinished draft story\n"),
    );
    site
}

fn build_at(site: &TestSite, now: &str) -> common::Run {
    site.build(&["--now", now])
}

#[test]
fn drafts_and_embargoed_stories_are_in_no_output_file() {
    let site = site_with_withheld_stories();
    build_at(&site, "2026-12-01T05:59:59Z").assert_success();
    let output = snapshot(&site.output());
    for needle in [
        "Minister",
        "minister-secret-deal",
        "Unfinished draft",
        "unfinished-draft",
        "embargoed scoop",
    ] {
        let hits: Vec<&String> = output
            .iter()
            .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
            .map(|(path, _)| path)
            .collect();
        assert!(hits.is_empty(), "{needle} leaked into {hits:?}");
    }
    // The embargo lifts at its time (--now replays it); the draft still waits.
    build_at(&site, "2026-12-01T06:00:00Z").assert_success();
    assert!(
        site.output()
            .join("inquiry/minister-secret-deal/index.html")
            .is_file()
    );
    assert!(
        site.page("inquiry/index.html")
            .contains("Minister’s secret deal")
    );
    assert!(
        site.page("topics/courts/index.html")
            .contains("/inquiry/minister-secret-deal/")
    );
    assert!(!site.output().join("inquiry/unfinished-draft").exists());
}

#[test]
fn a_theme_that_leaks_an_embargoed_title_fails_the_build() {
    let site = site_with_withheld_stories();
    build_at(&site, "2026-11-30T00:00:00Z").assert_success();
    let before = snapshot(&site.output());
    site.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Coming soon: Minister's secret deal</p>{% endblock %}",
    );
    let run = site.build(&["--now", "2026-11-30T00:00:00Z", "--format", "json"]);
    run.assert_failure(1);
    let leak = findings(&run)
        .into_iter()
        .find(|f| f.code == "E-EMBARGO-LEAK")
        .expect("a leak is reported");
    assert!(leak.file.ends_with("public/404.html"), "{leak:?}");
    assert!(
        leak.message.contains("\"Minister's secret deal\""),
        "{leak:?}"
    );
    assert_eq!(
        snapshot(&site.output()),
        before,
        "the published site is untouched"
    );
}

#[test]
fn next_publish_prints_the_earliest_future_embargo() {
    let site = site_with_withheld_stories();
    site.write(
        "content/later.md",
        &story(
            "publish_at: 2027-01-01T09:00:00+01:00\nfunder: Luminate\n",
            "",
        ),
    );
    let root = site.root.to_str().unwrap().to_string();
    let run = byline(
        &[
            "next-publish",
            "--root",
            &root,
            "--now",
            "2026-11-25T00:00:00Z",
        ],
        &site.root,
    );
    run.assert_success();
    assert_eq!(run.stdout, "2026-12-01T06:00:00Z\n");
    let run = byline(
        &[
            "next-publish",
            "--root",
            &root,
            "--now",
            "2026-12-02T00:00:00Z",
        ],
        &site.root,
    );
    assert_eq!(run.stdout, "2027-01-01T08:00:00Z\n");
    let run = byline(
        &[
            "next-publish",
            "--root",
            &root,
            "--now",
            "2028-01-01T00:00:00Z",
        ],
        &site.root,
    );
    run.assert_success();
    assert_eq!(run.stdout, "");
}

#[test]
fn init_then_check_and_build_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("newsroom");
    let root_text = root.to_str().unwrap();
    byline(&["init", root_text], dir.path()).assert_success();
    let run = byline(
        &["check", "--root", root_text, "--format", "json"],
        dir.path(),
    );
    run.assert_success();
    assert_eq!(run.stdout, "", "no findings");
    let run = byline(&["build", "--root", root_text], dir.path());
    run.assert_success();
    assert_eq!(run.stderr, "");
    assert!(
        root.join("public/first-investigation/welcome/index.html")
            .is_file()
    );
    // A second init into the same (now non-empty) folder is refused.
    let run = byline(&["init", root_text], dir.path());
    run.assert_failure(2);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
}

#[test]
fn new_story_and_series_have_placeholders_that_check_reports() {
    let site = TestSite::fixture("clean");
    let root = site.root.to_str().unwrap().to_string();
    byline(
        &["new", "series", "Water Deals", "--root", &root],
        &site.root,
    )
    .assert_success();
    byline(
        &[
            "new",
            "story",
            "Who owns the water?",
            "--series",
            "water-deals",
            "--root",
            &root,
        ],
        &site.root,
    )
    .assert_success();
    byline(
        &[
            "new",
            "story",
            "In the inquiry",
            "--series",
            "inquiry",
            "--root",
            &root,
        ],
        &site.root,
    )
    .assert_success();
    // New stories are drafts: a plain check leaves them for later and says so.
    let run = check(&site, &[]);
    run.assert_failure(1);
    assert_eq!(
        places(&run),
        [
            // Its one story cannot be published yet, so neither can the series.
            "content/water-deals/_index.md:1:1 W-SERIES-WITHHELD",
            "content/water-deals/_index.md:3:1 E-FRONT-PLACEHOLDER",
            "content/water-deals/_index.md:4:1 E-FRONT-PLACEHOLDER",
        ]
    );
    let human = byline(&["check", "--root", &root], &site.root);
    assert!(
        human
            .stderr
            .contains("; 2 drafts not checked (`--drafts` checks them)"),
        "{}",
        human.stderr
    );
    let run = check(&site, &["--drafts"]);
    run.assert_failure(1);
    assert_eq!(
        places(&run),
        [
            "content/inquiry/in-the-inquiry.md:6:1 E-FRONT-PLACEHOLDER",
            "content/inquiry/in-the-inquiry.md:7:1 E-FRONT-PLACEHOLDER",
            "content/inquiry/in-the-inquiry.md:9:1 E-FRONT-PLACEHOLDER",
            "content/water-deals/_index.md:3:1 E-FRONT-PLACEHOLDER",
            "content/water-deals/_index.md:4:1 E-FRONT-PLACEHOLDER",
            "content/water-deals/who-owns-the-water.md:6:1 E-FRONT-PLACEHOLDER",
            "content/water-deals/who-owns-the-water.md:7:1 E-FRONT-PLACEHOLDER",
            "content/water-deals/who-owns-the-water.md:9:1 E-FRONT-PLACEHOLDER",
        ]
    );
    // Never overwrites.
    let run = byline(
        &[
            "new",
            "story",
            "In the inquiry",
            "--series",
            "inquiry",
            "--root",
            &root,
        ],
        &site.root,
    );
    run.assert_failure(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
}

#[test]
fn readme_lists_every_check_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in byline::diag::Code::ALL {
        assert!(
            readme.contains(&format!("| `{code}` |")),
            "README does not list {code}"
        );
    }
}

#[test]
fn a_file_where_byline_writes_a_page_is_an_error_naming_both() {
    // `static/atom.xml` or `static/<series>/<story>/index.html` was silently dropped.
    let site = TestSite::fixture("clean");
    site.write("static/atom.xml", "<feed/>");
    site.write("static/inquiry/first/index.html", "<p>mine</p>");
    site.write("static/topics/courts/index.html", "<p>mine</p>");
    site.write("content/inquiry/the-map/index.html", "<p>a chart</p>");
    site.write("themes/default/static/robots.txt", "User-agent: *\n");
    site.write(
        "content/inquiry/later.md",
        &story("publish_at: 2030-01-01T06:00:00+00:00\n", "Not yet."),
    );
    site.write("static/inquiry/later/index.html", "<p>squatting</p>");
    // Files of other names, or elsewhere, are fine.
    site.write("static/inquiry/first/data.csv", "a,b\n");
    site.write("static/files/index.html", "<p>an index of files</p>");
    let run = check(&site, &[]);
    run.assert_failure(1);
    let found = findings(&run);
    let clashes: Vec<(String, String)> = found
        .iter()
        .filter(|f| f.code == "E-STRUCTURE-DUPLICATE-URL")
        .map(|f| (f.file.clone(), f.message.clone()))
        .collect();
    let expected = [
        (
            "content/inquiry/the-map/index.html",
            "/inquiry/the-map/index.html",
            "content/inquiry/the-map/index.md",
        ),
        ("static/atom.xml", "/atom.xml", "feed"),
        (
            "static/inquiry/first/index.html",
            "/inquiry/first/index.html",
            "content/inquiry/first.md",
        ),
        (
            "static/inquiry/later/index.html",
            "/inquiry/later/index.html",
            "content/inquiry/later.md",
        ),
        (
            "static/topics/courts/index.html",
            "/topics/courts/index.html",
            "topic",
        ),
        ("themes/default/static/robots.txt", "/robots.txt", "robots"),
    ];
    assert_eq!(clashes.len(), expected.len(), "{clashes:#?}");
    for ((file, message), (want_file, at, page)) in clashes.iter().zip(expected) {
        assert_eq!(file, want_file);
        assert!(message.contains(at) && message.contains(page), "{message}");
    }
    site.build(&[]).assert_failure(1);
}

#[test]
fn the_sites_address_and_language_are_checked() {
    let site = TestSite::fixture("clean");
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    for (base_url, why) in [
        ("https://x.example#frag", "#fragment"),
        ("https://x.example/news?edition=1", "?query"),
        ("https://user:secret@x.example", "password"),
    ] {
        site.write(
            "site.yaml",
            &config.replace("https://clean.example.org", base_url),
        );
        let run = check(&site, &[]);
        let found = findings(&run);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].place(), "site.yaml:2:1 E-CONFIG-VALUE");
        assert!(found[0].message.contains(why), "{}", found[0].message);
        site.write("site.yaml", &config);
        let flag = site.build(&["--base-url", base_url]);
        flag.assert_failure(2);
        assert!(
            flag.stderr.contains("--base-url") && flag.stderr.contains(why),
            "{}",
            flag.stderr
        );
    }
    site.build(&["--base-url", "https://staging.example.org/news/"])
        .assert_success();
    for (language, ok) in [
        ("en-GB", true),
        ("de-CH-1996", true),
        ("zh-Hant-TW", true),
        ("en_US", false),
        ("e", false),
        ("en US", false),
        ("en-", false),
        ("\"\\\"><script>\"", false),
    ] {
        site.write("site.yaml", &format!("{config}language: {language}\n"));
        let run = check(&site, &[]);
        if ok {
            run.assert_success();
        } else {
            let places: Vec<String> = findings(&run).iter().map(common::Finding::place).collect();
            assert_eq!(places, ["site.yaml:7:1 E-CONFIG-VALUE"], "{language}");
        }
    }
}

#[test]
fn names_written_two_ways_that_share_a_page_are_an_error_naming_both() {
    // `reporter: ana lind` here and `Ana Lind` there gave one page headed "ana lind", and the
    // other story's byline linked to /people/; `!!!` and `???` both became `untitled`.
    let site = TestSite::fixture("clean");
    let with = |reporter: &str, topics: &str| {
        format!(
            "---\ntitle: T {reporter}\ndate: 2022-03-0{}\nreporter: \"{reporter}\"\neditor: Meirion Jones\nsummary: S\ntopics: [{topics}]\n---\n",
            reporter.len() % 9 + 1
        )
    };
    site.write("content/inquiry/lower.md", &with("ana lind", "courts"));
    site.write("content/inquiry/bang.md", &with("!!!", "Courts"));
    site.write("content/inquiry/query.md", &with("???", "Courts"));
    let run = check(&site, &[]);
    run.assert_failure(1);
    let clashes: Vec<(String, String)> = findings(&run)
        .into_iter()
        .filter(|f| f.code == "E-STRUCTURE-DUPLICATE-URL")
        .map(|f| (f.file, f.message))
        .collect();
    let described: Vec<String> = clashes
        .iter()
        .map(|(file, message)| format!("{file}: {message}"))
        .collect();
    for (spellings, files, page) in [
        (
            ["\"ana lind\"", "\"Ana Lind\""],
            ["lower.md", "first.md"],
            "/people/ana-lind/",
        ),
        (
            ["\"courts\"", "\"Courts\""],
            ["lower.md", "bang.md"],
            "/topics/courts/",
        ),
        (
            ["\"!!!\"", "\"???\""],
            ["bang.md", "query.md"],
            "/people/untitled/",
        ),
    ] {
        assert!(
            described.iter().any(|finding| spellings
                .iter()
                .chain(&files)
                .all(|part| finding.contains(part))
                && finding.contains(page)),
            "no clash of {spellings:?} in {files:?}: {described:#?}"
        );
    }
    assert_eq!(described.len(), 3, "{described:#?}");
    site.build(&[]).assert_failure(1);

    // Where site.yaml lists the person, every spelling is theirs: one page, every byline
    // linking to it under the listed name.
    site.remove("content/inquiry/bang.md");
    site.remove("content/inquiry/query.md");
    site.write("content/inquiry/lower.md", &with("ana lind", "Courts"));
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{config}people:\n  - name: Ana Lind\n    title: Reporter\n"),
    );
    check(&site, &[]).assert_success();
    site.build(&[]).assert_success();
    for story in ["inquiry/lower/index.html", "inquiry/first/index.html"] {
        let page = site.page(story);
        let byline = common::attrs(&page, ".byline a[href^='/people/']", "href");
        assert!(
            byline.contains(&"/people/ana-lind/".to_string()),
            "{story}: {byline:?}"
        );
        assert!(
            !byline.contains(&"/people/".to_string()),
            "{story}: {byline:?}"
        );
        assert!(
            common::texts(&page, ".byline")
                .join(" ")
                .contains("Ana Lind"),
            "{story}"
        );
    }
    let person = site.page("people/ana-lind/index.html");
    assert_eq!(common::texts(&person, "h1"), ["Ana Lind"]);
    assert_eq!(common::texts(&person, ".card-title").len(), 2);

    // Series folders whose names slugify alike would publish at one address too.
    site.write(
        "content/Inquiry/_index.md",
        "---\ntitle: Another inquiry\nfunder: Luminate\n---\n",
    );
    if site.path("content/inquiry/_index.md") != site.path("content/Inquiry/_index.md")
        && std::fs::read_dir(site.path("content")).unwrap().count() == 3
    {
        let places: Vec<String> = findings(&check(&site, &[]))
            .iter()
            .map(common::Finding::place)
            .collect();
        assert_eq!(
            places,
            [
                "content/Inquiry/_index.md:1:1 W-SERIES-WITHHELD",
                "content/inquiry/_index.md:1:1 E-STRUCTURE-DUPLICATE-URL"
            ]
        );
    }
}

/// The clean fixture with an embargoed page bundle holding a PDF, a draft bundle holding a
/// chart, and a series whose only story is under embargo until 2026-12-01T06:00Z.
fn site_with_withheld_bundles_and_series() -> TestSite {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/sec/index.md",
        &story("publish_at: 2026-12-01T06:00:00+00:00\n", "The filing.")
            .replace("title: T\n", "title: The filing\n"),
    );
    site.write("content/inquiry/sec/leaked.pdf", "%PDF-1.4 the leak");
    site.write(
        "content/inquiry/draft/index.md",
        &story("draft: true\n", "Half written.").replace("title: T\n", "title: Half written\n"),
    );
    site.write("content/inquiry/draft/chart.png", "not really a png");
    site.write(
        "content/merger/_index.md",
        "---\ntitle: The Merger Files\nsummary: Everything about the secret merger.\nfunder: Luminate\n---\n\nThe series.\n",
    );
    site.write(
        "content/merger/deal.md",
        &story("publish_at: 2026-12-01T06:00:00+00:00\n", "The deal.")
            .replace("title: T\n", "title: The deal is done\n"),
    );
    site
}

#[test]
fn withheld_stories_keep_their_files_and_a_series_without_a_published_story_back() {
    let site = site_with_withheld_bundles_and_series();
    // Links to what is withheld say so, rather than "does not exist".
    site.write(
        "content/alone.md",
        "---\ntitle: Alone\ndate: 2021-12-01\nreporter: Tom Byrne\neditor: Meirion Jones\nfunder: Luminate\nsummary: S.\n---\n\n\
         Read [the leak](/inquiry/sec/leaked.pdf), see ![a chart](/inquiry/draft/chart.png \"C. Credit: X\") and [the series](/merger/).\n",
    );
    let run = check(&site, &[]);
    run.assert_failure(1);
    let found: Vec<(String, String)> = findings(&run)
        .into_iter()
        .map(|f| (f.place(), f.message))
        .collect();
    let expected = [
        (
            "content/alone.md:10:6 E-EMBARGO-LINK",
            "a file of \"The filing\", which is under embargo",
        ),
        (
            "content/alone.md:10:47 E-LINK-BROKEN",
            "a file of \"Half written\", which is a draft",
        ),
        // The file is read all the same: it goes out as it is once the draft is published.
        (
            "content/alone.md:10:47 W-IMAGE-TYPE-MISMATCH",
            "/inquiry/draft/chart.png is named as a PNG image, but it is not",
        ),
        // The series comes out with its story under embargo.
        (
            "content/alone.md:10:103 E-EMBARGO-LINK",
            "the series \"The Merger Files\", which comes out with its first story, under embargo until 2026-12-01T06:00:00+00:00",
        ),
        (
            "content/merger/_index.md:1:1 W-SERIES-WITHHELD",
            "\"The Merger Files\" has no story a build would publish",
        ),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((place, message), (want_place, want)) in found.iter().zip(expected) {
        assert_eq!(place, want_place, "{found:#?}");
        assert!(message.contains(want), "{message}");
    }

    // Nothing of them is published: no file, no page, no listing, feed, sitemap entry or
    // funders-page mention.
    site.write(
        "content/alone.md",
        "---\ntitle: Alone\ndate: 2021-12-01\nreporter: Tom Byrne\neditor: Meirion Jones\nfunder: Luminate\nsummary: S.\n---\n\nNothing withheld here.\n",
    );
    build_at(&site, "2026-11-30T00:00:00Z").assert_success();
    let output = snapshot(&site.output());
    for gone in ["inquiry/sec/", "inquiry/draft/", "merger/"] {
        let files: Vec<&String> = output
            .keys()
            .filter(|path| path.starts_with(gone))
            .collect();
        assert!(files.is_empty(), "{gone}: {files:?}");
    }
    for needle in [
        "leaked.pdf",
        "chart.png",
        "The Merger Files",
        "secret merger",
        "/merger/",
        "The filing",
        "Half written",
    ] {
        let hits: Vec<&String> = output
            .iter()
            .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
            .map(|(path, _)| path)
            .collect();
        assert!(hits.is_empty(), "{needle} is in {hits:?}");
    }
    assert!(
        output.contains_key("inquiry/index.html"),
        "the other series stays"
    );

    // A draft's files go out with it when drafts are published; embargoed ones when the
    // embargo lifts, and the series with its first story.
    site.build(&["--now", "2026-11-30T00:00:00Z", "--drafts"])
        .assert_success();
    assert!(site.output().join("inquiry/draft/chart.png").is_file());
    assert!(!site.output().join("inquiry/sec/leaked.pdf").exists());
    build_at(&site, "2026-12-01T06:00:00Z").assert_success();
    assert!(site.output().join("inquiry/sec/leaked.pdf").is_file());
    assert!(site.page("merger/index.html").contains("The Merger Files"));
    assert!(site.page("index.html").contains("/merger/"));
    assert!(site.page("funders/index.html").contains("The Merger Files"));
    assert!(site.page("sitemap.xml").contains("/merger/"));
}

#[test]
fn the_preview_shows_withheld_files_and_series_that_a_build_leaves_out() {
    let site = site_with_withheld_bundles_and_series();
    let server = common::server::Server::start(&site, &["--now", "2026-11-30T00:00:00Z"]);
    assert_eq!(server.get("/inquiry/sec/leaked.pdf").status, 200);
    assert_eq!(server.get("/merger/").status, 200);
    // The preview always shows drafts, their files with them.
    assert_eq!(server.get("/inquiry/draft/chart.png").status, 200);
    build_at(&site, "2026-11-30T00:00:00Z").assert_success();
    assert!(!site.output().join("inquiry/sec/leaked.pdf").exists());
    assert!(!site.output().join("merger").exists());
}

#[test]
fn the_leak_audit_reads_titles_as_readers_do() {
    // Smart punctuation made `Don't` into `Don’t` on the page, and the audit, comparing bytes,
    // let the title through.
    let embargoed = story("publish_at: 2030-01-01T06:00:00+00:00\n", "The merger.").replace(
        "title: T\n",
        "title: \"Don't Look Up: Inside the Merger\"\n",
    );
    for mention in [
        "Coming soon: Don't Look Up: Inside the Merger.",
        "COMING SOON: DON'T LOOK UP: INSIDE THE MERGER",
        "Coming soon: *Don't Look Up*: Inside the Merger.",
        "Coming soon: Don&#8217;t Look Up --\nno: Don't Look Up:  Inside\nthe Merger.",
    ] {
        let site = TestSite::fixture("clean");
        site.write("content/inquiry/merger.md", &embargoed);
        site.write("content/inquiry/teaser.md", &story("", mention));
        let run = site.build(&["--format", "json"]);
        run.assert_failure(1);
        let leaks: Vec<String> = findings(&run)
            .iter()
            .filter(|f| f.code == "E-EMBARGO-LEAK")
            .map(|f| format!("{} {}", f.file, f.message))
            .collect();
        assert!(
            leaks
                .iter()
                .any(|leak| leak.contains("inquiry/teaser/index.html")
                    && leak.contains("the title of")),
            "{mention:?}: {leaks:?}"
        );
        assert!(!site.output().exists(), "nothing was published");
    }
}

#[test]
fn a_title_the_site_publishes_anyway_is_no_leak() {
    // An embargoed story titled like an existing topic blocked every build until it lifted.
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/courts.md",
        &story(
            "publish_at: 2030-01-01T06:00:00+00:00\nslug: court-week\n",
            "Soon.",
        )
        .replace("title: T\n", "title: Courts\n"),
    );
    site.build(&["--now", "2026-01-01T00:00:00Z"])
        .assert_success();
    assert!(site.page("topics/courts/index.html").contains("Courts"));
    assert!(!site.output().join("inquiry/court-week").exists());
    // Its address still gives a mention away.
    site.write(
        "content/inquiry/first.md",
        &std::fs::read_to_string(site.path("content/inquiry/first.md"))
            .unwrap()
            .replace(
                "and [below](#the-ruling).",
                "and [below](#the-ruling). Next: <a href=\"/inquiry/court-week/\">soon</a>.",
            ),
    );
    let run = site.build(&["--now", "2026-01-01T00:00:00Z", "--format", "json"]);
    run.assert_failure(1);
    assert!(
        findings(&run)
            .iter()
            .any(|f| f.code == "E-EMBARGO-LEAK" && f.message.contains("address")),
        "{}",
        run.stdout
    );
}

#[test]
fn a_series_under_embargo_is_checked_and_may_link_to_what_comes_out_with_it() {
    let site = site_with_withheld_bundles_and_series();
    // The story links to its series and the series to its story: both come out together.
    // A second story of the series, out a day later, is linked from the series text: that
    // link would reveal it a day early. And a broken link in the series text is found now,
    // not when the embargo lifts and the scheduled build fails.
    site.write(
        "content/merger/deal.md",
        &story(
            "publish_at: 2026-12-01T06:00:00+00:00\n",
            "The deal. See [the whole series](/merger/).",
        )
        .replace("title: T\n", "title: The deal is done\n"),
    );
    site.write(
        "content/merger/aftermath.md",
        &story("publish_at: 2026-12-02T06:00:00+00:00\n", "After.")
            .replace("title: T\n", "title: The aftermath\n"),
    );
    site.write(
        "content/merger/_index.md",
        "---\ntitle: The Merger Files\nsummary: Everything about the secret merger.\nfunder: Luminate\n---\n\nStart with [the deal](deal.md), then [the aftermath](aftermath.md) and [the filing](/nowhere/).\n",
    );
    let run = check(&site, &[]);
    run.assert_failure(1);
    let places: Vec<String> = findings(&run)
        .iter()
        .map(common::Finding::place)
        .filter(|place| place.starts_with("content/merger/"))
        .collect();
    assert_eq!(
        places,
        [
            "content/merger/_index.md:1:1 W-SERIES-WITHHELD",
            "content/merger/_index.md:7:38 E-EMBARGO-LINK",
            "content/merger/_index.md:7:72 E-LINK-BROKEN",
        ],
        "{}",
        run.stdout
    );
}
