//! Security: the preview listens on this computer only unless told otherwise; symbolic links
//! never publish or serve a file from outside the site (they are refused, see README "Symbolic
//! links"); a theme template cannot read a file outside the theme; and `--safe-html` /
//! `safe_html: true` clean story texts of scripts, handlers and dangerous URLs while leaving
//! what byline's own Markdown writes as it is.

mod common;

use std::path::{Path, PathBuf};

use common::server::Server;
use common::{TestSite, copy_tree, snapshot, texts};

const TWITTER: &str = "/decision-machines/twitter-cuts-ties/";
const SECRET: &str = "TOP SECRET: the source's phone number";

/// A file outside the site folder, holding [`SECRET`].
fn secret_beside(site: &TestSite) -> PathBuf {
    let outside = site.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret.txt");
    std::fs::write(&secret, format!("---\ntitle: x\n---\n{SECRET}\n")).unwrap();
    secret
}

#[cfg(target_os = "linux")]
#[test]
fn serve_listens_on_loopback_only_by_default() {
    let site = TestSite::fixture("newsroom");
    let server = Server::start(&site, &[]);
    assert_eq!(server.host, "127.0.0.1");
    // What the kernel says, not what the server prints: the listening socket's local address.
    // /proc/net/tcp writes 127.0.0.1:PORT as 0100007F:PORT in hex; state 0A is LISTEN.
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let port = format!(":{:04X}", server.port);
    let listening: Vec<&str> = table
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.len() > 3 && fields[1].ends_with(&port) && fields[3] == "0A")
                .then_some(fields[1])
        })
        .collect();
    assert_eq!(listening, [format!("0100007F{port}")]);
    let table6 = std::fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    assert!(
        !table6.lines().any(|line| line
            .split_whitespace()
            .nth(1)
            .is_some_and(|a| a.ends_with(&port))),
        "also listening on IPv6"
    );
}

#[cfg(unix)]
#[test]
fn build_refuses_symbolic_links_and_publishes_nothing_they_point_to() {
    let site = TestSite::fixture("newsroom");
    let secret = secret_beside(&site);
    let link = |target: &Path, at: &str| std::os::unix::fs::symlink(target, site.path(at)).unwrap();
    link(&secret, "static/leak.txt");
    link(secret.parent().unwrap(), "static/escape");
    link(&secret, "content/decision-machines/leak.md");
    link(&site.path("site.yaml"), "static/config.txt");
    let output = site.root.parent().unwrap().join("published");
    let run = site.build(&["--output", output.to_str().unwrap(), "--format", "json"]);
    run.assert_failure(1);
    let places = common::error_places(&run);
    for link in [
        "static/leak.txt",
        "static/escape",
        "content/decision-machines/leak.md",
        "static/config.txt",
    ] {
        assert!(
            places.contains(&format!("{link}:-:- E-SYMLINK")),
            "{link}: {places:?}"
        );
    }
    assert!(!output.exists(), "nothing is published");
    let check = site.check(&["--format", "json"]);
    assert!(common::error_places(&check).contains(&"static/leak.txt:-:- E-SYMLINK".to_string()));

    // The whole static folder as a link is refused the same way.
    for at in [
        "static/leak.txt",
        "static/escape",
        "content/decision-machines/leak.md",
        "static/config.txt",
    ] {
        std::fs::remove_file(site.path(at)).unwrap();
    }
    std::fs::rename(
        site.path("static"),
        site.root.parent().unwrap().join("static-away"),
    )
    .unwrap();
    link(&site.root.parent().unwrap().join("static-away"), "static");
    let run = site.build(&["--output", output.to_str().unwrap(), "--format", "json"]);
    run.assert_failure(1);
    assert!(common::error_places(&run).contains(&"static:-:- E-SYMLINK".to_string()));

    std::fs::remove_file(site.path("static")).unwrap();
    std::fs::rename(
        site.root.parent().unwrap().join("static-away"),
        site.path("static"),
    )
    .unwrap();
    site.build(&["--output", output.to_str().unwrap()])
        .assert_success();
    for (file, bytes) in snapshot(&output) {
        assert!(!String::from_utf8_lossy(&bytes).contains(SECRET), "{file}");
    }
}

#[cfg(unix)]
#[test]
fn serve_refuses_symbolic_links_and_says_why() {
    let site = TestSite::fixture("newsroom");
    let secret = secret_beside(&site);
    let server = Server::start(&site, &[]);
    std::os::unix::fs::symlink(&secret, site.path("static/leak.txt")).unwrap();
    let page = server.wait_for(TWITTER, "the link reported", |r| {
        r.body.contains("E-SYMLINK")
    });
    assert!(page.body.contains("static/leak.txt"), "{}", page.body);
    for path in ["/leak.txt", "/static/leak.txt", "/../outside/secret.txt"] {
        let response = server.get(path);
        assert!(
            matches!(response.status, 403 | 404),
            "{path}: {}",
            response.status
        );
        assert!(!response.body.contains(SECRET), "{path}");
    }
    std::fs::remove_file(site.path("static/leak.txt")).unwrap();
    server.wait_for(TWITTER, "the overlay gone", |r| {
        !r.body.contains("byline-errors")
    });
}

#[test]
fn templates_cannot_include_files_outside_the_theme() {
    let site = TestSite::fixture("newsroom");
    let secret = secret_beside(&site);
    for include in [
        "../../secret.txt".to_string(),
        "../../../outside/secret.txt".to_string(),
        secret.display().to_string(),
        "/etc/passwd".to_string(),
    ] {
        site.write(
            "themes/default/templates/partials/byline.html",
            &format!("{{% include \"{include}\" %}}\n"),
        );
        let run = site.build(&["--format", "json"]);
        run.assert_failure(1);
        let found = common::findings(&run);
        assert!(
            found.iter().any(|f| f.code == "E-TEMPLATE"
                && f.file == "themes/default/templates/partials/byline.html"
                && f.message.contains("not found")),
            "{include}: {found:?}"
        );
        assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
        assert!(!run.stdout.contains("root:x:0"), "{include}");
        assert!(!site.output().exists());
    }
    // Nor extend or import one.
    site.write(
        "themes/default/templates/partials/byline.html",
        "{% import \"../../secret.txt\" as secret %}\n",
    );
    site.build(&[]).assert_failure(1);
}

/// The repository's demo site without its one raw-HTML block (a chart): nothing in it is
/// anything but what byline's Markdown writes.
fn demo_without_raw_html() -> TestSite {
    let site = TestSite::fixture("clean");
    std::fs::remove_dir_all(&site.root).unwrap();
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["content", "static"] {
        copy_tree(&repository.join(part), &site.root.join(part));
    }
    std::fs::copy(repository.join("site.yaml"), site.path("site.yaml")).unwrap();
    let story = "content/signal-brokers/tracing-the-lookups/index.md";
    let text = std::fs::read_to_string(site.path(story)).unwrap();
    let start = text.find("<div class=\"chart-embed\"").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    site.write(story, &format!("{}{}", &text[..start], &text[end..]));
    assert!(
        !std::fs::read_to_string(site.path(story))
            .unwrap()
            .contains("<div")
    );
    site
}

/// `html` as a browser's parser builds it, written out again: the same document gives the same
/// text whether it was written `<img ... />` or `<img ...>`, `disabled` or `disabled=""`.
fn parsed(html: &str) -> String {
    scraper::Html::parse_document(html).root_element().html()
}

#[test]
fn safe_html_leaves_what_markdown_writes_as_it_is() {
    let site = demo_without_raw_html();
    let out = site.root.parent().unwrap();
    let (plain, safe, configured) = (out.join("plain"), out.join("safe"), out.join("configured"));
    site.build(&["--output", plain.to_str().unwrap()])
        .assert_success();
    site.build(&["--output", safe.to_str().unwrap(), "--safe-html"])
        .assert_success();
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}\nsafe_html: true\n"));
    site.build(&["--output", configured.to_str().unwrap()])
        .assert_success();
    let (plain, safe) = (snapshot(&plain), snapshot(&safe));
    assert_eq!(
        snapshot(&configured),
        safe,
        "site.yaml and the flag do the same"
    );
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        safe.keys().collect::<Vec<_>>()
    );
    let mut pages = 0;
    for (file, bytes) in &plain {
        let (before, after) = (
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&safe[file]),
        );
        if file.ends_with(".html") {
            assert_eq!(parsed(&before), parsed(&after), "{file}");
            pages += 1;
        } else if file.ends_with(".xml") {
            assert_eq!(feed_contents(&before), feed_contents(&after), "{file}");
        } else {
            assert!(before == after, "{file}");
        }
    }
    assert!(pages > 20);
    // The demo really has every kind of markup the adapters write.
    let everything: String = plain
        .values()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    for markup in [
        "<figure>",
        "class=\"credit\"",
        "hl-",
        "table-scroll",
        "text-align: right",
        "footnote-definition",
        "type=\"checkbox\"",
        "<h2 id=\"",
    ] {
        assert!(everything.contains(markup), "{markup}");
    }
}

/// The XML of a feed or sitemap with every `content` element's HTML parsed (see [`parsed`]).
fn feed_contents(xml: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(xml).unwrap();
    document
        .descendants()
        .filter(|node| node.is_element() || node.is_text())
        .map(|node| {
            if node.is_text()
                && node
                    .parent()
                    .is_some_and(|p| p.tag_name().name() == "content")
            {
                parsed(node.text().unwrap_or(""))
            } else {
                format!(
                    "{:?}{:?}",
                    node.tag_name().name(),
                    node.attributes().collect::<Vec<_>>()
                )
            }
        })
        .collect()
}

const HOSTILE_BODY: &str = "\nHello.<script>alert(1)</script>\n\n<img src=\"/images/zug.png\" alt=\"x\" onerror=\"alert(2)\">\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n<a href=\"javascript:alert(3)\" onclick=\"alert(4)\">click</a> <a href=\" JaVaScRiPt:alert(5)\">link</a>\n";

fn site_with_hostile_html() -> TestSite {
    let site = TestSite::fixture("newsroom");
    let path = site.path("content/standalone.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(path, text + HOSTILE_BODY).unwrap();
    site
}

#[track_caller]
fn assert_clean(what: &str, html: &str) {
    for gone in [
        "alert(",
        "<iframe",
        "evil.example",
        "onerror",
        "onclick",
        "javascript:",
    ] {
        assert!(!html.contains(gone), "{what} still has {gone}:\n{html}");
    }
}

#[test]
fn safe_html_removes_scripts_handlers_iframes_and_javascript_urls() {
    let site = site_with_hostile_html();
    // By design, authors are trusted: without safe HTML it passes through.
    site.build(&[]).assert_success();
    assert!(
        site.page("standalone/index.html")
            .contains("<script>alert(1)")
    );

    site.build(&["--safe-html"]).assert_success();
    let page = site.page("standalone/index.html");
    let body = texts(&page, ".story-body").join(" ");
    assert!(body.contains("Hello.") && body.contains("click") && body.contains("link"));
    assert_clean("the story page", &page);
    assert!(
        page.contains("src=\"/images/zug.png\""),
        "the image stays, without its handler"
    );
    assert_clean("the feed", &site.page("atom.xml"));

    // The preview cleans the same way (its own live-reload script aside).
    let server = Server::start(&site, &["--safe-html"]);
    let page = server.get("/standalone/");
    assert_eq!(page.status, 200);
    let story_body = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse(".story-body").unwrap();
    let body: String = story_body.select(&selector).map(|b| b.html()).collect();
    assert!(body.contains("Hello."), "{body}");
    assert_clean("the preview's story", &body);
}

#[test]
fn addresses_in_front_matter_and_site_yaml_are_web_mail_or_site_paths_only() {
    // `sources: [{title: s, url: "javascript:alert(1)"}]` became a clickable link, with or
    // without --safe-html; so did claims' urls, any capitalisation and data: pages.
    let payloads = [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ];
    for payload in payloads {
        let site = TestSite::fixture("clean");
        site.write(
            "content/inquiry/urls.md",
            &format!(
                "---\ntitle: Urls\ndate: 2022-03-01\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\n\
                 sources:\n  - title: A source\n    url: \"{payload}\"\n\
                 claims:\n  - claim: C\n    claimant: X\n    rating: \"False\"\n    url: \"{payload}\"\n\
                 image:\n  src: \"{payload}\"\n  alt: A picture\n  credit: Somebody\n---\n\nText.\n"
            ),
        );
        site.write(
            "content/inquiry/_index.md",
            &format!(
                "---\ntitle: The Inquiry\nsummary: S.\nfunder: Open Society Foundations\nimage:\n  src: \"{payload}\"\n  alt: A picture\n  credit: Somebody\n---\n"
            ),
        );
        for extra in [&[][..], &["--safe-html"][..]] {
            let mut args = vec!["--format", "json"];
            args.extend_from_slice(extra);
            let build = site.build(&args);
            build.assert_failure(1);
            let places = common::error_places(&build);
            assert_eq!(
                places,
                [
                    "content/inquiry/_index.md:6:3 E-FRONT-URL",
                    "content/inquiry/urls.md:9:5 E-FRONT-URL",
                    "content/inquiry/urls.md:14:5 E-FRONT-URL",
                    "content/inquiry/urls.md:16:3 E-FRONT-URL",
                ],
                "{payload:?} {extra:?}"
            );
            assert!(!site.output().exists(), "nothing was published");
        }
        let check = site.check(&["--format", "json"]);
        assert_eq!(common::error_places(&check).len(), 4, "{payload:?}");
    }

    // site.yaml's addresses too.
    let site = TestSite::fixture("clean");
    site.write(
        "site.yaml",
        "title: Clean Bureau\nbase_url: https://clean.example.org\n\
         publisher: {name: P, url: \"javascript:alert(1)\", logo: \"data:image/svg+xml,<svg onload=alert(1)>\"}\n\
         funders:\n  - name: Open Society Foundations\n    url: \"javascript:alert(2)\"\n  - name: Luminate\n\
         people:\n  - name: Ana Lind\n    url: \" javascript:alert(3)\"\n",
    );
    let build = site.build(&["--format", "json"]);
    build.assert_failure(1);
    assert_eq!(
        common::error_places(&build),
        [
            "site.yaml:3:1 E-CONFIG-VALUE",
            "site.yaml:3:1 E-CONFIG-VALUE",
            "site.yaml:6:5 E-CONFIG-VALUE",
            "site.yaml:10:5 E-CONFIG-VALUE",
        ]
    );

    // Addresses that are fine still are, and Markdown links in the text are left to
    // --safe-html, which removes the ones that could run.
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/urls.md",
        "---\ntitle: Urls\ndate: 2022-03-01\nreporter: Ana Lind\neditor: Meirion Jones\nsummary: S.\n\
         sources:\n  - title: Web\n    url: https://example.org/a\n  - title: Mail\n    url: mailto:desk@example.org\n  - title: Ours\n    url: /images/zug.png\n---\n\n\
         A [bad link](javascript:alert(9)) and [another]( JaVaScRiPt:alert(8)).\n",
    );
    site.build(&["--safe-html"]).assert_success();
    let page = site.page("inquiry/urls/index.html");
    for href in [
        "https://example.org/a",
        "mailto:desk@example.org",
        "/images/zug.png",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(!page.to_ascii_lowercase().contains("javascript:"), "{page}");
}

#[test]
fn safe_html_refuses_page_bundle_files_that_would_run_code() {
    // chart.html with a <script> and pic.svg with an inline script passed --safe-html
    // untouched, and the story linked to them.
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/the-map/chart.html",
        "<script>fetch('/steal?c='+document.cookie)</script>",
    );
    site.write(
        "content/inquiry/the-map/pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    );
    let text = std::fs::read_to_string(site.path("content/inquiry/the-map/index.md")).unwrap();
    site.write(
        "content/inquiry/the-map/index.md",
        &(text + "\nSee [the chart](chart.html) and ![a picture](pic.svg \"P. Credit: X\").\n"),
    );
    // Trusted authors (the default) may publish them.
    site.build(&[]).assert_success();
    assert!(site.output().join("inquiry/the-map/chart.html").is_file());

    let expected = [
        "content/inquiry/the-map/chart.html:-:- E-BUNDLE-ACTIVE-FILE",
        "content/inquiry/the-map/pic.svg:-:- E-BUNDLE-ACTIVE-FILE",
    ];
    let build = site.build(&["--safe-html", "--format", "json"]);
    build.assert_failure(1);
    let errors = common::error_places(&build);
    for place in expected {
        assert!(errors.iter().any(|e| e == place), "{place} in {errors:?}");
    }
    assert!(
        site.output().join("inquiry/the-map/chart.html").is_file(),
        "the old site stays"
    );

    // site.yaml's safe_html says the same to check and to the preview.
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}safe_html: true\n"));
    let check = site.check(&["--format", "json"]);
    check.assert_failure(1);
    let errors = common::error_places(&check);
    for place in expected {
        assert!(errors.iter().any(|e| e == place), "{place} in {errors:?}");
    }
    let server = Server::start(&site, &[]);
    for refused in ["/inquiry/the-map/chart.html", "/inquiry/the-map/pic.svg"] {
        let response = server.get(refused);
        assert_ne!(response.status, 200, "{refused}");
        assert!(!response.body.contains("<script>alert") && !response.body.contains("cookie"));
    }
}
