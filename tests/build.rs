//! The real `byline build` on fixture sites: every page and its content, funder inheritance,
//! errors with file:line, failed builds that leave the published site alone, determinism.

mod common;

use common::{TestSite, attrs, byline, error_places, findings, snapshot, texts};

const TWITTER: &str = "decision-machines/twitter-cuts-ties/index.html";
const MAP: &str = "decision-machines/map-of-lookups/index.html";

fn built() -> TestSite {
    let site = TestSite::fixture("newsroom");
    site.build(&[]).assert_success();
    site
}

#[test]
fn writes_every_page_of_the_site() {
    let site = TestSite::fixture("newsroom");
    let run = site.build(&[]);
    run.assert_success();
    // No story is news today: the news sitemap, which needs one, is not written.
    assert!(
        // 27 pages, the search page and a page of stories for each of the two funders.
        run.stdout.starts_with("built 30 pages (3 stories, "),
        "{}",
        run.stdout
    );
    let files: Vec<String> = snapshot(&site.output()).into_keys().collect();
    for expected in [
        "index.html",
        "404.html",
        TWITTER,
        MAP,
        "standalone/index.html",
        "decision-machines/index.html",
        "topics/index.html",
        "topics/big-tech/index.html",
        "topics/surveillance/index.html",
        "people/index.html",
        "people/meirion-jones/index.html",
        "people/james-ball/index.html",
        "people/ana-lind/index.html",
        "people/tom-byrne/index.html",
        "images/zug.png",
        "style.css",
        "highlight.css",
        "favicon.svg",
        "sitemap.xml",
        "robots.txt",
        "decision-machines/map-of-lookups/map.png",
    ] {
        assert!(
            files.contains(&expected.to_string()),
            "{expected} missing from {files:?}"
        );
    }
    assert!(!files.iter().any(|f| f.contains("draft")), "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with(".md")), "{files:?}");
    assert!(
        !files.contains(&"news-sitemap.xml".to_string()),
        "{files:?}"
    );
}

#[test]
fn story_page_has_headline_image_credits_byline_and_disclosure() {
    let site = built();
    let html = site.page(TWITTER);
    assert_eq!(
        texts(&html, "h1"),
        ["Twitter cuts ties to Swiss tech company after Bureau investigation"]
    );
    assert_eq!(texts(&html, ".dateline time")[0], "9 February 2022");
    assert_eq!(attrs(&html, ".dateline time", "datetime")[0], "2022-02-09");
    assert_eq!(
        texts(&html, "figure.story-image figcaption"),
        [
            "Zug, Switzerland, where Mitto is headquartered. Credit: imageBROKER/Daniel Baertschi/Getty Images"
        ]
    );
    assert_eq!(
        attrs(&html, "figure.story-image img", "alt"),
        ["Office buildings by a lake"]
    );
    assert_eq!(
        attrs(&html, "figure.story-image img", "src"),
        ["/images/zug.png"]
    );
    assert_eq!(
        texts(&html, ".byline dt"),
        ["Reporter", "Global editor", "Fact checkers", "Editor"]
    );
    assert_eq!(
        texts(&html, ".byline dd"),
        [
            "Meirion Jones",
            "James Ball",
            "Ana Lind and Tom Byrne",
            "Meirion Jones"
        ]
    );
    assert_eq!(
        attrs(&html, ".byline dd a", "href"),
        [
            "/people/meirion-jones/",
            "/people/james-ball/",
            "/people/ana-lind/",
            "/people/tom-byrne/",
            "/people/meirion-jones/"
        ]
    );
    assert_eq!(
        texts(&html, ".funding"),
        [
            "Our reporting on Decision Machines is funded by Open Society Foundations. None of our funders have any influence over our editorial decisions or output."
        ]
    );
    assert_eq!(texts(&html, ".topics a"), ["Big Tech", "Surveillance"]);
    assert_eq!(
        texts(&html, ".sources li"),
        [
            "The original investigation, Fixture Bureau",
            "A leaked memo"
        ]
    );
    assert!(texts(&html, ".correction")[0].starts_with("Correction, 10 February 2022:"));
    assert_eq!(
        attrs(&html, ".claim", "id"),
        ["claim-mitto-never-sold-location-data"]
    );
    assert_eq!(
        texts(&html, ".standfirst"),
        ["Twitter has stopped using Mitto after our investigation."]
    );
}

#[test]
fn story_body_markdown_features() {
    let site = built();
    let html = site.page(TWITTER);
    // An inline image with a title is a figure with caption and credit.
    assert_eq!(
        texts(&html, ".story-body figure figcaption"),
        ["A handset used in the tests. Credit: Ana Lind/Fixture Bureau"]
    );
    assert_eq!(texts(&html, ".story-body h2"), ["What happened"]);
    assert_eq!(attrs(&html, ".story-body h2", "id"), ["what-happened"]);
    assert!(html.contains("<table>"), "tables render");
    assert!(
        html.contains("class=\"hl-"),
        "code is highlighted with classes"
    );
    assert!(html.contains("footnote-definition"), "footnotes render");
    // A link to another story's Markdown file points at its page.
    assert_eq!(
        attrs(&html, ".story-body a", "href")[1],
        "/decision-machines/map-of-lookups/"
    );
}

#[test]
fn own_funder_is_the_story_s_and_the_series_funder_the_series() {
    let site = built();
    assert_eq!(
        texts(&site.page(MAP), ".funding")[0],
        "This story was funded by Luminate, as part of our reporting on Decision Machines, which is funded by Open Society Foundations. None of our funders have any influence over our editorial decisions or output."
    );
    assert_eq!(
        texts(&site.page("standalone/index.html"), ".funding")[0],
        "This story was funded by Open Society Foundations and Luminate. None of our funders have any influence over our editorial decisions or output."
    );
}

#[test]
fn page_bundle_image_resolves_beside_its_story() {
    let site = built();
    let html = site.page(MAP);
    assert_eq!(
        attrs(&html, "figure.story-image img", "src"),
        ["/decision-machines/map-of-lookups/map.png"]
    );
    assert_eq!(
        attrs(&html, ".story-body figure img", "src"),
        ["/decision-machines/map-of-lookups/map.png"]
    );
    assert!(
        site.output()
            .join("decision-machines/map-of-lookups/map.png")
            .is_file()
    );
    // No summary: the first paragraph stands in.
    assert_eq!(
        texts(&html, ".standfirst"),
        ["The first paragraph is the summary."]
    );
    assert_eq!(texts(&html, ".byline dt"), ["Reporters", "Editor"]);
    assert_eq!(
        attrs(&html, ".dateline time", "datetime")[0],
        "2022-03-01T09:30:00+01:00"
    );
}

#[test]
fn listings_series_topics_people_home() {
    let site = built();
    let series = site.page("decision-machines/index.html");
    assert_eq!(texts(&series, "h1"), ["Decision Machines"]);
    assert!(
        series.contains("<strong>automated decisions</strong>"),
        "description is rendered Markdown"
    );
    // Newest first; the draft is not listed.
    assert_eq!(
        texts(&series, ".card-title"),
        [
            "A map of the lookups",
            "Twitter cuts ties to Swiss tech company after Bureau investigation"
        ]
    );

    let topic = site.page("topics/big-tech/index.html");
    assert_eq!(
        texts(&topic, ".card-title"),
        [
            "Twitter cuts ties to Swiss tech company after Bureau investigation",
            "A stand-alone story"
        ]
    );
    let topics = site.page("topics/index.html");
    assert_eq!(
        texts(&topics, ".index-list a"),
        ["Big Tech", "Surveillance"]
    );

    let person = site.page("people/meirion-jones/index.html");
    assert_eq!(texts(&person, ".person-title"), ["Investigations editor"]);
    assert_eq!(
        texts(&person, ".person-bio"),
        ["Meirion leads the investigations desk."]
    );
    assert_eq!(
        texts(&person, ".roles"),
        ["Role: Editor", "Roles: Reporter, Editor", "Role: Editor"]
    );
    let people = site.page("people/index.html");
    assert_eq!(
        texts(&people, ".people-list a"),
        ["Ana Lind", "James Ball", "Meirion Jones", "Tom Byrne"]
    );

    let home = site.page("index.html");
    assert_eq!(
        texts(&home, "article.card .card-title"),
        [
            "A map of the lookups",
            "Twitter cuts ties to Swiss tech company after Bureau investigation",
            "A stand-alone story"
        ]
    );
    assert!(site.output().join("404.html").is_file());
}

#[test]
fn drafts_only_with_the_flag() {
    let site = TestSite::fixture("newsroom");
    site.build(&["--drafts"]).assert_success();
    assert!(
        site.output()
            .join("decision-machines/draft-story/index.html")
            .is_file()
    );
    assert_eq!(
        texts(&site.page("decision-machines/index.html"), ".card-title").len(),
        3
    );
}

#[test]
fn misspelt_key_fails_with_file_line_and_suggestion() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/decision-machines/typo.md",
        "---\ntitle: T\ndate: 2022-01-01\nreportr: Ana Lind\neditor: Meirion Jones\n---\nBody\n",
    );
    let run = site.build(&[]);
    run.assert_failure(1);
    // People read the source line with a caret under the problem.
    for expected in [
        "error[E-FRONT-UNKNOWN-KEY]: `reportr` is not a field",
        "┌─ content/decision-machines/typo.md:4:1",
        "4 │ reportr: Ana Lind",
        "= hint: did you mean `reporter`?",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected} in {}",
            run.stderr
        );
    }
    // The missing reporter is reported in the same run.
    let run = site.build(&["--format", "json"]);
    assert_eq!(
        error_places(&run),
        [
            "content/decision-machines/typo.md:1:1 E-FRONT-REQUIRED",
            "content/decision-machines/typo.md:4:1 E-FRONT-UNKNOWN-KEY"
        ]
    );
    let typo = findings(&run)
        .into_iter()
        .find(|f| f.code == "E-FRONT-UNKNOWN-KEY")
        .unwrap();
    assert_eq!(typo.hint.as_deref(), Some("did you mean `reporter`?"));
}

#[test]
fn impossible_date_fails_with_file_and_line() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/decision-machines/bad-date.md",
        "---\ntitle: T\nreporter: Ana Lind\neditor: Meirion Jones\ndate: 2022-02-31\n---\nBody\n",
    );
    let run = site.build(&["--format", "json"]);
    run.assert_failure(1);
    assert_eq!(
        error_places(&run),
        ["content/decision-machines/bad-date.md:5:1 E-FRONT-DATE"]
    );
    let date = findings(&run)
        .into_iter()
        .find(|f| f.code == "E-FRONT-DATE")
        .unwrap();
    assert!(
        date.message.contains("\"2022-02-31\" is not a real date"),
        "{}",
        date.message
    );
}

#[test]
fn every_error_of_every_file_in_one_run() {
    let site = TestSite::fixture("newsroom");
    site.write("content/a.md", "---\ntitle: [unclosed\n---\n");
    site.write(
        "content/b.md",
        "---\ntitle: B\ndate: 2022-01-01\nreporter: X\neditor: Y\nsummary: S\nfunder: Open Society Foundation\nimage:\n  src: /images/zug.png\n  alt: x\n---\n",
    );
    let run = site.build(&["--format", "json"]);
    run.assert_failure(1);
    // A file whose YAML cannot be read gets one error, not a list of "missing" fields.
    assert_eq!(
        error_places(&run),
        [
            "content/a.md:3:1 E-FRONT-SYNTAX",
            "content/b.md:7:1 E-FUNDING-UNKNOWN",
            "content/b.md:8:1 E-CREDIT-IMAGE-CREDIT"
        ]
    );
    let funder = &findings(&run)
        .into_iter()
        .find(|f| f.code == "E-FUNDING-UNKNOWN")
        .unwrap();
    assert_eq!(
        funder.hint.as_deref(),
        Some("did you mean `Open Society Foundations`?")
    );
    assert!(run.stderr.contains("3 errors found"), "{}", run.stderr);
}

#[test]
fn story_without_any_funder_is_refused() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/unfunded.md",
        "---\ntitle: U\ndate: 2022-01-01\nreporter: X\neditor: Y\n---\n",
    );
    let run = site.build(&["--format", "json"]);
    run.assert_failure(1);
    assert_eq!(
        error_places(&run),
        ["content/unfunded.md:1:1 E-FUNDING-MISSING"]
    );
}

#[test]
fn template_error_names_template_line_and_story() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "themes/default/templates/story.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ story.titel }}</h1>\n{% endblock %}\n",
    );
    let run = site.build(&["--format", "json"]);
    run.assert_failure(1);
    let places = error_places(&run);
    assert!(
        places
            .iter()
            .all(|p| p == "themes/default/templates/story.html:3:1 E-TEMPLATE"),
        "{places:?}"
    );
    let messages: Vec<String> = findings(&run).into_iter().map(|f| f.message).collect();
    assert!(
        messages.iter().any(|m| m.starts_with(
            "template story.html failed while rendering the page for content/decision-machines/twitter-cuts-ties.md: undefined value"
        )),
        "{messages:?}"
    );
}

#[test]
fn site_template_overrides_the_default_one() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "themes/default/templates/story.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">{{ story.title }}</h1>{% endblock %}",
    );
    site.build(&[]).assert_success();
    assert_eq!(texts(&site.page(TWITTER), "h1.custom").len(), 1);
    // Templates it does not override still come from the default theme.
    assert_eq!(
        texts(&site.page("decision-machines/index.html"), "h1"),
        ["Decision Machines"]
    );
}

#[test]
fn failed_build_leaves_previous_site_untouched() {
    let site = built();
    let before = snapshot(&site.output());
    site.write(
        "content/decision-machines/twitter-cuts-ties.md",
        "---\ntitle: broken: yaml: here\n---\n",
    );
    site.build(&[]).assert_failure(1);
    assert_eq!(snapshot(&site.output()), before);
    // The image cache is meant to stay between builds; nothing else may.
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| name.starts_with('.') && name != ".byline-cache")
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}

#[test]
fn output_is_byte_identical_across_builds() {
    let site = TestSite::fixture("newsroom");
    let first = site.root.join("../first");
    let second = site.root.join("../second");
    site.build(&["--output", first.to_str().unwrap()])
        .assert_success();
    site.build(&["--output", second.to_str().unwrap()])
        .assert_success();
    let first = snapshot(&first);
    assert!(first.len() > 10);
    assert_eq!(first, snapshot(&second));
}

#[test]
fn refuses_to_publish_over_the_site() {
    let site = TestSite::fixture("newsroom");
    for output in [".", "content", ".."] {
        let target = site.root.join(output);
        let run = site.build(&["--output", target.to_str().unwrap()]);
        run.assert_failure(1);
        assert!(
            run.stderr.contains("refusing to publish into"),
            "{}",
            run.stderr
        );
    }
    assert!(
        site.path("content/decision-machines/twitter-cuts-ties.md")
            .is_file()
    );
}

#[test]
fn base_url_flag_changes_absolute_links() {
    let site = TestSite::fixture("newsroom");
    site.build(&["--base-url", "https://staging.example.net/"])
        .assert_success();
    assert_eq!(
        attrs(&site.page(TWITTER), "link[rel=canonical]", "href"),
        ["https://staging.example.net/decision-machines/twitter-cuts-ties/"]
    );
}

#[test]
fn unreadable_site_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = byline(
        &["build", "--root", dir.path().to_str().unwrap()],
        dir.path(),
    );
    run.assert_failure(2);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
}

#[test]
fn demo_site_in_the_repository_builds_clean() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let root = env!("CARGO_MANIFEST_DIR");
    let run = byline(
        &[
            "build",
            "--root",
            root,
            "--output",
            output.to_str().unwrap(),
        ],
        out.path(),
    );
    run.assert_success();
    assert_eq!(run.stderr, "", "the demo site builds without warnings");
    assert!(output.join("index.html").is_file());
}

#[test]
fn more_from_the_series_links_the_stories_before_and_after_by_date() {
    let site = built();
    let twitter = site.page(TWITTER); // 9 February 2022, the first of the series
    let map = site.page(MAP); // 1 March 2022
    assert_eq!(texts(&twitter, ".kicker .part"), ["Part 1 of 2"]);
    assert_eq!(texts(&map, ".kicker .part"), ["Part 2 of 2"]);
    assert_eq!(
        attrs(&twitter, ".series-nav a[rel=next]", "href"),
        ["/decision-machines/map-of-lookups/"]
    );
    assert_eq!(texts(&twitter, ".series-nav .next time"), ["1 March 2022"]);
    assert!(attrs(&twitter, ".series-nav a[rel=prev]", "href").is_empty());
    assert_eq!(
        attrs(&map, ".series-nav a[rel=prev]", "href"),
        ["/decision-machines/twitter-cuts-ties/"]
    );
    assert!(attrs(&map, ".series-nav a[rel=next]", "href").is_empty());
    assert_eq!(
        attrs(&map, ".series-nav .series-all a", "href"),
        ["/decision-machines/"]
    );
    assert!(texts(&site.page("standalone/index.html"), ".series-nav").is_empty());

    // A draft published with --drafts joins the series like any story (5 March 2022).
    let site = TestSite::fixture("newsroom");
    site.build(&["--drafts"]).assert_success();
    let map = site.page(MAP);
    assert_eq!(texts(&map, ".kicker .part"), ["Part 2 of 3"]);
    assert_eq!(
        attrs(&map, ".series-nav a[rel=next]", "href"),
        ["/decision-machines/draft-story/"]
    );
}

#[test]
fn images_carry_their_pixel_size_so_pages_do_not_shift() {
    let site = TestSite::fixture("newsroom");
    std::fs::write(site.path("static/images/zug.png"), common::png(1200, 675)).unwrap();
    std::fs::write(site.path("static/images/phone.png"), common::png(800, 1000)).unwrap();
    site.write(
        "content/remote.md",
        "---\ntitle: Remote picture\ndate: 2022-01-01\nreporter: Ana Lind\neditor: Meirion Jones\n\
         funder: Luminate\nimage:\n  src: https://images.example.org/a.jpg\n  alt: A picture\n  \
         credit: Agency\n---\nText.\n",
    );
    site.build(&[]).assert_success();
    let twitter = site.page(TWITTER);
    let header = "figure.story-image img";
    assert_eq!(attrs(&twitter, header, "width"), ["1200"]);
    assert_eq!(attrs(&twitter, header, "height"), ["675"]);
    assert_eq!(attrs(&twitter, ".story-body figure img", "width"), ["800"]);
    assert_eq!(
        attrs(&twitter, ".story-body figure img", "height"),
        ["1000"]
    );
    assert_eq!(
        attrs(&twitter, r#"meta[property="og:image:width"]"#, "content"),
        ["1200"]
    );
    // A page bundle's image, and the publisher's logo in the footer.
    let map = site.page(MAP);
    assert_eq!(attrs(&map, header, "width"), ["4"]);
    assert_eq!(attrs(&map, ".story-body figure img", "height"), ["4"]);
    assert_eq!(attrs(&map, ".publisher-logo", "width"), ["4"]);
    // Cards in listings.
    let home = site.page("index.html");
    assert!(
        attrs(&home, ".card-image", "width").contains(&"1200".to_string()),
        "{home}"
    );
    // An image elsewhere has no known size: no attributes (the theme's CSS gives it a ratio).
    let remote = site.page("remote/index.html");
    assert_eq!(
        attrs(&remote, header, "src"),
        ["https://images.example.org/a.jpg"]
    );
    assert!(attrs(&remote, header, "width").is_empty());
}

#[test]
fn a_summary_stands_for_its_story_and_a_blank_one_gives_way_to_the_first_paragraph() {
    let site = TestSite::fixture("newsroom");
    let story = |title: &str, date: &str, summary: &str, body: &str| {
        format!(
            "---\ntitle: {title}\ndate: {date}\nreporter: Tom Byrne\neditor: Meirion Jones\nfunder: Luminate\ntopics: Big Tech\nsummary: {summary}\n---\n\n{body}\n"
        )
    };
    site.write(
        "content/with-summary.md",
        &story(
            "With a summary",
            "2021-12-03",
            "The summary sells it.",
            "The first paragraph tells it.",
        ),
    );
    site.write(
        "content/blank-summary.md",
        &story(
            "With a blank summary",
            "2021-12-04",
            "\"  \"",
            "The first paragraph stands in.",
        ),
    );
    site.build(&[]).assert_success();
    for (page, shown, not_shown) in [
        (
            "with-summary/index.html",
            "The summary sells it.",
            "The first paragraph tells it.",
        ),
        (
            "blank-summary/index.html",
            "The first paragraph stands in.",
            "",
        ),
    ] {
        assert_eq!(texts(&site.page(page), ".standfirst"), [shown], "{page}");
        let cards = texts(&site.page("index.html"), ".card-summary");
        assert!(cards.iter().any(|card| card == shown), "{cards:?}");
        if !not_shown.is_empty() {
            assert!(!cards.iter().any(|card| card == not_shown), "{cards:?}");
        }
        let feed = std::fs::read_to_string(site.output().join("atom.xml")).unwrap();
        assert!(feed.contains(shown), "{page}: the feed's summary");
    }
}
