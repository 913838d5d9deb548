//! `byline import`: real-world shaped archives (a WordPress export, a Hugo site, a Jekyll site)
//! imported through the binary. Each test checks what was written and what the report says,
//! then fills in what the report lists as missing, as an editor would, and checks and builds
//! the new site.

mod common;

use std::path::{Path, PathBuf};

use common::{byline, fixture_path};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn story_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The front matter of a written story, read back by byline's own parser.
fn front(path: &Path) -> byline::source::front_matter::StoryFrontMatter {
    let text = read(path);
    let doc = byline::source::front_matter::split(&text, path).unwrap();
    let (front, diagnostics) = byline::source::front_matter::parse_story(&doc, path).unwrap();
    assert!(
        diagnostics.is_empty(),
        "{}: {diagnostics:?}",
        path.display()
    );
    front
}

fn run_import(args: &[&str]) -> common::Run {
    byline(args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The headlines of the report's "work left" section.
fn work_left(report: &str) -> Vec<String> {
    let section = report
        .split("## The work left before publishing")
        .nth(1)
        .unwrap_or("")
        .split("\n## ")
        .next()
        .unwrap_or("");
    section
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .map(str::to_string)
        .collect()
}

/// Adds the credit an inline image lacks.
fn credit_inline_images(text: &str) -> String {
    text.lines()
        .map(|line| {
            if !line.starts_with("![") || line.contains("Credit:") {
                return line.to_string();
            }
            if let Some(stripped) = line.strip_suffix("\")") {
                format!("{stripped} Credit: Staff photographer\")")
            } else if let Some(stripped) = line.strip_suffix(')') {
                format!("{stripped} \"Credit: Staff photographer\")")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Does what the report asks, as an editor would: every kind of work it lists must be one this
/// helper knows how to do, so a new kind of finding fails the test until it is handled here.
fn fill_in(root: &Path) {
    let report = read(&root.join("import-report.md"));
    for item in work_left(&report) {
        let known = [
            "have no editor",
            "has no editor",
            "have no funder",
            "has no funder",
            "header image has no credit",
            "header images have no credit",
            "header image has no alt text",
            "header images have no alt text",
            "in story texts have no credit",
            "in a story text has no credit",
            "names no reporter",
            "name no reporter",
            "no summary",
            "not in the new site yet",
            // Nothing of its own to fill in: the series comes with its first story that is ready.
            "no story ready to publish yet",
        ];
        assert!(
            known.iter().any(|k| item.contains(k)),
            "the report asks for something this test cannot fill in: {item}"
        );
    }
    let site_yaml = root.join("site.yaml");
    let mut config = read(&site_yaml);
    config.push_str(
        "funders:\n  - name: Harbour Light Foundation\n    url: https://harbourlight.example\n",
    );
    std::fs::write(&site_yaml, config).unwrap();
    for path in story_files(root) {
        let text = read(&path)
            .replace("editor: 'TODO: editor'", "editor: Sam Editor")
            .replace(
                "funder: 'TODO: funder, as listed in site.yaml'",
                "funder: Harbour Light Foundation",
            )
            .replace(
                "credit: 'TODO: photographer/agency'",
                "credit: Staff photographer",
            )
            .replace(
                "alt: 'TODO: describe what the picture shows'",
                "alt: A river seen from above",
            )
            .replace(
                "reporter: 'TODO: reporter (the archive names none)'",
                "reporter: Staff",
            );
        std::fs::write(&path, credit_inline_images(&text)).unwrap();
    }
}

/// After filling in, the site checks clean (drafts too) and builds.
fn check_and_build(root: &Path) {
    let root_arg = root.to_str().unwrap();
    let check = byline(&["check", "--root", root_arg], root);
    check.assert_success();
    let drafts = byline(&["check", "--drafts", "--root", root_arg], root);
    drafts.assert_success();
    let build = byline(&["build", "--root", root_arg], root);
    build.assert_success();
}

#[test]
fn wordpress_export_comes_across_with_its_credits_and_the_work_left() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let export = fixture_path("import/wordpress/news.xml");
    let uploads = fixture_path("import/wordpress/uploads");
    let run = run_import(&[
        "import",
        "wordpress",
        export.to_str().unwrap(),
        "--into",
        root.to_str().unwrap(),
        "--uploads",
        uploads.to_str().unwrap(),
    ]);
    run.assert_success();
    assert!(run.stdout.contains("imported 6 stories"), "{}", run.stdout);
    assert!(
        run.stdout.contains("6 stories have no editor"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("import-report.md"), "{}", run.stdout);

    // Posts in their category's series, a page and an uncategorised post stand alone.
    let files: Vec<String> = story_files(&root)
        .iter()
        .map(|p| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(
        files,
        [
            "content/a-quick-note.md",
            "content/about.md",
            "content/harbour-money/_index.md",
            "content/harbour-money/harbour-deal-part-3.md",
            "content/harbour-money/port-fees-a-draft.md",
            "content/signal-brokers/_index.md",
            "content/signal-brokers/inside-the-network.md",
            "content/signal-brokers/twitter-cuts-ties.md",
        ]
    );

    // The main story: credits, dates with the site's offset, image, topics, aliases, extra.
    let main = root.join("content/signal-brokers/twitter-cuts-ties.md");
    let story = front(&main);
    assert_eq!(
        story.title.unwrap().value,
        "Twitter cuts ties: \"Mitto\" & the #1 @broker"
    );
    assert_eq!(story.date.unwrap().value, "2019-03-14T10:30:00+01:00");
    assert_eq!(story.updated.unwrap().value, "2019-03-20T08:00:00+01:00");
    assert_eq!(story.reporter.unwrap().value, ["Ana Lind"]);
    assert_eq!(story.editor.unwrap().value, ["TODO: editor"]);
    assert_eq!(
        story.summary.unwrap().value,
        "Twitter has stopped using Mitto after our investigation."
    );
    assert_eq!(
        story.topics.unwrap().value,
        ["Harbour Money", "Telecoms", "Surveillance"]
    );
    let image = story.image.unwrap().value;
    assert_eq!(
        image.src.unwrap().value,
        "/wp-content/uploads/2019/03/harbour.png"
    );
    assert_eq!(
        image.alt.unwrap().value,
        "Office buildings by the lake at dawn"
    );
    assert_eq!(
        image.caption.unwrap().value,
        "The harbour at Zug, where the company has its offices."
    );
    assert_eq!(image.credit.unwrap().value, "TODO: photographer/agency");
    let text = read(&main);
    assert!(
        text.contains("aliases:\n- /2019/03/14/twitter-cuts-ties/\n"),
        "{text}"
    );
    assert!(text.contains("subtitle: A Bureau investigation"), "{text}");
    assert!(text.contains("sticky: true"), "{text}");
    // The body: entities, the caption shortcode as a captioned image, a heading id, a simple
    // table as Markdown, the merged-cell table and the player kept as HTML, other shortcodes
    // visible, the lone address a link.
    for expected in [
        "Café owners & \"tech\" firms – all affected.",
        "![Protesters on the court steps](/wp-content/uploads/2019/03/court.png \"Protesters outside the court in Zug.\")",
        "## Follow the money {#the-money}",
        "| Year | Revenue (CHF) |\n| --- | --- |\n| 2017 | 1,200,000 |",
        "<td colspan=\"2\">Withheld at the source's request</td>",
        "<iframe src=\"https://www.youtube.com/embed/abc123\"",
        "\\[gallery ids=\"40,41\" columns=\"2\"\\]",
        "\\[embed\\]https://vimeo.com/12345\\[/embed\\]",
        "[https://twitter.com/example/status/123456](https://twitter.com/example/status/123456)",
        "The end, with a 5 < 6 comparison.",
        "[link to an earlier story](https://news.example/2019/01/02/earlier-story/)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains("wp:paragraph") && !text.contains("class="),
        "{text}"
    );

    // Block-editor post: co-author, figure with caption.
    let network = front(&root.join("content/signal-brokers/inside-the-network.md"));
    assert_eq!(network.reporter.unwrap().value, ["Tom O'Byrne", "Ana Lind"]);
    assert_eq!(network.title.unwrap().value, "Inside the broker’s network");
    // Draft without a GMT time, scheduled post with its offset, the page.
    let draft = front(&root.join("content/harbour-money/port-fees-a-draft.md"));
    assert!(draft.draft.unwrap().value);
    assert_eq!(draft.date.unwrap().value, "2019-05-01");
    let scheduled = front(&root.join("content/harbour-money/harbour-deal-part-3.md"));
    assert_eq!(
        scheduled.publish_at.unwrap().value,
        "2031-06-01T08:00:00+02:00"
    );
    assert!(scheduled.draft.is_none());
    let about = read(&root.join("content/about.md"));
    assert!(about.contains("post_type: page"), "{about}");
    assert!(about.contains("funder: 'TODO: funder"), "{about}");
    let series = read(&root.join("content/signal-brokers/_index.md"));
    assert!(series.contains("title: Signal Brokers"), "{series}");
    assert!(
        series.contains("summary: How text-message middlemen sell access to your phone."),
        "{series}"
    );

    // site.yaml, media files.
    let config = read(&root.join("site.yaml"));
    assert!(
        config.starts_with(
            "title: The Harbour Ledger\nbase_url: https://news.example\nlanguage: en-GB\n"
        ),
        "{config}"
    );
    assert!(
        root.join("static/wp-content/uploads/2019/03/court.png")
            .is_file()
    );
    let attachments = read(&root.join("import-attachments.tsv"));
    assert!(attachments.contains("https://news.example/wp-content/uploads/2019/03/scan.pdf\tstatic/wp-content/uploads/2019/03/scan.pdf\tto download"), "{attachments}");
    assert!(attachments.contains("harbour.png\tcopied"), "{attachments}");

    // The report: skipped and why, raw HTML, shortcodes, extra, the work left.
    let report = read(&root.join("import-report.md"));
    for expected in [
        "- 6 stories",
        "1 of them as drafts",
        "1 scheduled",
        "1 private posts (only logged-in editors could read them): \"Notes on sources\" (post 16)",
        "1 posts in the trash: \"Old duplicate\" (post 17)",
        "`nav_menu_item`",
        "- `<iframe>` 1×",
        "- `<table>` 1×",
        "- `[gallery]` 1×",
        "- `[embed]` 1×",
        "`wordpress.fields.subtitle` in 1 story",
        "comments (byline publishes no comments): 1",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }
    assert_eq!(
        work_left(&report),
        [
            "6 stories have no editor",
            "4 series and stand-alone stories have no funder",
            "2 images in story texts have no credit (in 2 files)",
            "1 header image has no credit",
            "5 stories have no summary; the first paragraph is used (warning)",
            "1 series has no story ready to publish yet (warning)",
        ]
    );
    assert!(report.contains("- content/signal-brokers/twitter-cuts-ties.md"));

    fill_in(&root);
    check_and_build(&root);
    // The embargoed story is not published; the others are.
    assert!(
        root.join("public/signal-brokers/twitter-cuts-ties/index.html")
            .is_file()
    );
    assert!(
        !root
            .join("public/harbour-money/harbour-deal-part-3")
            .exists()
    );
}

#[test]
fn wordpress_media_without_uploads_are_listed_to_download() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let export = fixture_path("import/wordpress/news.xml");
    let run = run_import(&[
        "import",
        "wordpress",
        export.to_str().unwrap(),
        "--into",
        root.to_str().unwrap(),
        "--categories",
        "topics",
    ]);
    run.assert_success();
    // With categories as topics, every story stands alone.
    assert!(root.join("content/twitter-cuts-ties.md").is_file());
    let story = front(&root.join("content/twitter-cuts-ties.md"));
    assert_eq!(
        story.topics.unwrap().value,
        [
            "Signal Brokers",
            "Harbour Money",
            "Telecoms",
            "Surveillance"
        ]
    );
    let attachments = read(&root.join("import-attachments.tsv"));
    assert_eq!(
        attachments.matches("to download").count(),
        3,
        "{attachments}"
    );
    let report = read(&root.join("import-report.md"));
    assert!(
        work_left(&report)
            .contains(&"2 images or files are not in the new site yet (in 2 files)".to_string()),
        "{report}"
    );
}

#[test]
fn hugo_site_with_yaml_toml_and_json_front_matter_sections_and_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let site = fixture_path("import/hugo");
    let run = run_import(&[
        "import",
        "hugo",
        site.to_str().unwrap(),
        "--into",
        root.to_str().unwrap(),
    ]);
    run.assert_success();
    assert!(run.stdout.contains("imported 6 stories"), "{}", run.stdout);

    let config = read(&root.join("site.yaml"));
    assert!(
        config.starts_with("title: River Desk\nbase_url: https://hugo.example\nlanguage: en-us\n"),
        "{config}"
    );
    // Sections are series, with their _index.md.
    let series = read(&root.join("content/investigations/_index.md"));
    assert!(
        series.contains("title: 'Investigations: the river'"),
        "{series}"
    );
    assert!(
        series.contains("summary: Long-form work on water rights."),
        "{series}"
    );
    assert!(
        series.contains("Our investigations into who owns the river."),
        "{series}"
    );
    // YAML.
    let dam = front(&root.join("content/investigations/dam-contracts.md"));
    assert_eq!(dam.title.unwrap().value, "Dam contracts: who signed?");
    assert_eq!(dam.reporter.unwrap().value, ["Mira Chen"]);
    assert_eq!(dam.updated.unwrap().value, "2021-04-07T10:00:00+02:00");
    assert_eq!(
        dam.topics.unwrap().value,
        ["Water", "Contracts", "Infrastructure"]
    );
    assert_eq!(
        dam.summary.unwrap().value,
        "Three contracts, one signature."
    );
    let dam_text = read(&root.join("content/investigations/dam-contracts.md"));
    assert!(dam_text.contains("aliases:\n- /2021/dam/\n"), "{dam_text}");
    assert!(
        dam_text.contains("extra:\n  hugo:\n    toc: true\n"),
        "{dam_text}"
    );
    assert!(dam_text.contains("{{< youtube abc123 >}}"), "{dam_text}");
    // TOML: draft, authors, slug as the file name, params under extra.
    let fishing_path = root.join("content/investigations/fishing-rights-wrongs.md");
    let fishing = front(&fishing_path);
    assert_eq!(fishing.title.unwrap().value, "Fishing rights & wrongs");
    assert!(fishing.draft.unwrap().value);
    assert_eq!(fishing.reporter.unwrap().value, ["Mira Chen", "Jon Hale"]);
    assert!(read(&fishing_path).contains("kicker: Exclusive"));
    // JSON, as a page bundle with its image.
    let bundle = root.join("content/investigations/water-deal/index.md");
    let deal = front(&bundle);
    assert_eq!(deal.title.unwrap().value, "The water deal");
    assert_eq!(deal.publish_at.unwrap().value, "2021-06-11T06:00:00+02:00");
    assert_eq!(deal.image.unwrap().value.src.unwrap().value, "map.png");
    assert!(
        root.join("content/investigations/water-deal/map.png")
            .is_file()
    );
    // A page of a sub-section joins the top-level series; its old address stays.
    let survey = read(&root.join("content/investigations/old-survey.md"));
    assert!(
        survey.contains("- /investigations/2020/old-survey/"),
        "{survey}"
    );
    // The permalinks pattern gives the old address; a time without zone is read as UTC.
    let note = front(&root.join("content/notes/field-note.md"));
    assert_eq!(note.date.unwrap().value, "2021-07-01T10:00:00Z");
    assert!(read(&root.join("content/notes/field-note.md")).contains("- /notes/2021/field-note/"));
    // A top-level page stands alone; static/ is copied.
    assert!(root.join("content/about.md").is_file());
    assert!(root.join("static/images/dam.png").is_file());

    let report = read(&root.join("import-report.md"));
    for expected in [
        "home page texts (content/_index.md)",
        "- `{{< youtube >}}` 1×: content/investigations/dam-contracts.md",
        "- `{{< note >}}` 1×",
        "dates with a time but no time zone were read as UTC",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }
    let work = work_left(&report);
    assert!(
        work.contains(&"6 stories have no editor".to_string()),
        "{work:?}"
    );
    assert!(
        work.contains(&"1 story names no reporter".to_string()),
        "{work:?}"
    );
    assert!(
        work.contains(&"1 header image has no alt text".to_string()),
        "{work:?}"
    );

    fill_in(&root);
    check_and_build(&root);
    assert!(
        root.join("public/investigations/water-deal/map.png")
            .is_file()
    );
}

#[test]
fn jekyll_site_with_posts_and_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let site = fixture_path("import/jekyll");
    let run = run_import(&[
        "import",
        "jekyll",
        site.to_str().unwrap(),
        "--into",
        root.to_str().unwrap(),
    ]);
    run.assert_success();
    assert!(run.stdout.contains("imported 4 stories"), "{}", run.stdout);

    let audit_path = root.join("content/ports/port-authority-audit.md");
    let audit = front(&audit_path);
    assert_eq!(
        audit.title.unwrap().value,
        "Port authority audit: €2m unaccounted for"
    );
    assert_eq!(audit.date.unwrap().value, "2019-03-14");
    assert_eq!(audit.reporter.unwrap().value, ["Niamh Walsh"]);
    assert_eq!(
        audit.topics.unwrap().value,
        ["Money", "audit", "public-money"]
    );
    let image = audit.image.unwrap().value;
    assert_eq!(image.src.unwrap().value, "/assets/img/port.png");
    assert_eq!(image.alt.unwrap().value, "Cranes at the port at dusk");
    let text = read(&audit_path);
    assert!(
        text.contains("- /ports/money/2019/03/14/port-authority-audit/"),
        "{text}"
    );
    assert!(
        text.contains("```python\ntotal = sum(payments)\n```"),
        "{text}"
    );
    assert!(text.contains("{% include newsletter.html %}"), "{text}");
    // Date and time from the front matter, permalink as alias, last_modified_at as updated.
    let letters = read(&root.join("content/ports/harbour-master.md"));
    assert!(
        letters.contains("date: 2019-06-01T09:30:00+01:00"),
        "{letters}"
    );
    assert!(
        letters.contains("updated: 2019-06-03T12:00:00+01:00"),
        "{letters}"
    );
    assert!(
        letters.contains("aliases:\n- /harbour/letters.html\n"),
        "{letters}"
    );
    // An HTML post converted, with its date from the file name.
    let quiet = read(&root.join("content/quiet-year.md"));
    assert!(quiet.contains("date: 2020-01-10"), "{quiet}");
    assert!(
        quiet.contains("Nothing *much* happened — or so it seemed."),
        "{quiet}"
    );
    assert!(quiet.contains("| Month | Stories |"), "{quiet}");
    // The draft.
    let draft = front(&root.join("content/ferry-subsidies.md"));
    assert!(draft.draft.unwrap().value);
    assert!(root.join("static/assets/img/port.png").is_file());

    let report = read(&root.join("import-report.md"));
    assert!(report.contains("- `{% include %}` 1×"), "{report}");
    fill_in(&root);
    check_and_build(&root);
}

#[test]
fn skip_check_leaves_the_work_left_to_byline_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let site = fixture_path("import/hugo");
    let run = run_import(&[
        "import",
        "hugo",
        site.to_str().unwrap(),
        "--into",
        root.to_str().unwrap(),
        "--skip-check",
    ]);
    run.assert_success();
    assert!(run.stdout.contains("imported 6 stories"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("byline check was not run (--skip-check): run it on the new site"),
        "{}",
        run.stdout
    );
    let report = read(&root.join("import-report.md"));
    assert!(
        report.contains("`byline check` was not run (`--skip-check`). Run it on the new site."),
        "{report}"
    );
    assert!(work_left(&report).is_empty(), "{report}");
}

#[test]
fn into_must_be_new_or_empty() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("notes.txt"), "mine").unwrap();
    let export = fixture_path("import/wordpress/news.xml");
    let run = run_import(&[
        "import",
        "wordpress",
        export.to_str().unwrap(),
        "--into",
        root.to_str().unwrap(),
    ]);
    run.assert_failure(2);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert_eq!(read(&root.join("notes.txt")), "mine");
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1);
}

#[test]
fn bad_input_gets_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.xml");
    let full = read(&fixture_path("import/wordpress/news.xml"));
    // Cut the export mid-way, inside an item, and break a closing tag.
    let cut = full.replace("</wp:post_name>", "</wp:post_nam>");
    std::fs::write(&broken, &cut).unwrap();
    let run = run_import(&[
        "import",
        "wordpress",
        broken.to_str().unwrap(),
        "--into",
        dir.path().join("a").to_str().unwrap(),
    ]);
    run.assert_failure(2);
    assert!(run.stderr.contains("broken.xml:"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);

    let not_wxr = dir.path().join("feed.xml");
    std::fs::write(
        &not_wxr,
        "<?xml version=\"1.0\"?><rss><channel><title>x</title></channel></rss>",
    )
    .unwrap();
    let run = run_import(&[
        "import",
        "wordpress",
        not_wxr.to_str().unwrap(),
        "--into",
        dir.path().join("b").to_str().unwrap(),
    ]);
    run.assert_failure(2);
    assert!(
        run.stderr.contains("not a WordPress export"),
        "{}",
        run.stderr
    );

    let run = run_import(&[
        "import",
        "hugo",
        dir.path().to_str().unwrap(),
        "--into",
        dir.path().join("c").to_str().unwrap(),
    ]);
    run.assert_failure(2);
    assert!(run.stderr.contains("not a Hugo site"), "{}", run.stderr);
    let run = run_import(&[
        "import",
        "jekyll",
        dir.path().join("missing").to_str().unwrap(),
        "--into",
        dir.path().join("d").to_str().unwrap(),
    ]);
    run.assert_failure(2);
    assert!(run.stderr.contains("not a Jekyll site"), "{}", run.stderr);
}
