//! A site that lives under a path (a GitHub Pages project site: `https://newsroom.github.io/site/`)
//! works there: every link byline writes (theme assets, navigation, listings, story and image
//! links, links written in Markdown as site paths, feeds' alternates) goes under the path. The
//! built site is crawled as a static host serves it under that path, from its home page: no link
//! is broken and every page is reached; the same for a site at the root of its host. The sites
//! crawled have what moves links around: every listing paginated, a story with aliases (their
//! redirect pages, `_redirects` and `redirects.json`), an image resized to several widths
//! (`srcset`), and search (its page, script and index). The preview serves the site under the
//! same path.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;

use common::server::Server;
use common::{TestSite, attrs};

/// What a static host serves for `url_path` from `output` (a folder's `index.html`), if anything.
fn served(output: &Path, url_path: &str) -> Option<std::path::PathBuf> {
    let relative = url_path.trim_start_matches('/');
    let path = output.join(
        percent_encoding::percent_decode_str(relative)
            .decode_utf8_lossy()
            .as_ref(),
    );
    if url_path.ends_with('/') || relative.is_empty() {
        let index = path.join("index.html");
        index.is_file().then_some(index)
    } else {
        path.is_file().then_some(path)
    }
}

/// Crawls the site built into `output` for `base_url`, from its home page, as a host serving it
/// under the base path: every link to the site must be under the path and lead to a file.
/// Returns the pages reached.
fn crawl(output: &Path, base_url: &str) -> BTreeSet<String> {
    let origin_end = base_url.find("://").unwrap() + 3;
    let origin_end = base_url[origin_end..]
        .find('/')
        .map_or(base_url.len(), |at| origin_end + at);
    let origin = &base_url[..origin_end];
    let base_path = base_url[origin_end..].trim_end_matches('/').to_string();
    let mut queue = VecDeque::from([format!("{base_path}/")]);
    // Old addresses are linked from elsewhere: a host serves each, and `_redirects` says where
    // it goes.
    let redirects = std::fs::read_to_string(output.join("_redirects")).unwrap_or_default();
    for line in redirects.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 3, "{line}");
        assert_eq!(parts[2], "301");
        for path in &parts[..2] {
            let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            assert!(decoded.starts_with(&format!("{base_path}/")), "{line}");
            queue.push_back(decoded.into_owned());
        }
    }
    let mut seen = BTreeSet::new();
    let mut broken = Vec::new();
    while let Some(page) = queue.pop_front() {
        if !seen.insert(page.clone()) {
            continue;
        }
        let inside = page.strip_prefix(&base_path).expect("under the base path");
        let file = served(output, inside).unwrap_or_else(|| panic!("{page} is not served"));
        if file.extension().is_none_or(|extension| extension != "html") {
            continue;
        }
        let html = std::fs::read_to_string(&file).unwrap();
        let mut links = Vec::new();
        for (selector, attribute) in [
            ("a", "href"),
            ("link", "href"),
            ("img", "src"),
            ("script", "src"),
            ("form", "action"),
            ("form", "data-index"),
        ] {
            links.extend(attrs(&html, selector, attribute));
        }
        for srcset in attrs(&html, "img, source", "srcset") {
            links.extend(srcset.split(',').map(|candidate| {
                candidate
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string()
            }));
        }
        for refresh in attrs(&html, "meta[http-equiv=refresh]", "content") {
            links.push(
                refresh
                    .split_once("url=")
                    .expect("a refresh names its address")
                    .1
                    .to_string(),
            );
        }
        for link in links {
            let link = link.split('#').next().unwrap_or("").to_string();
            if link.is_empty() || link.starts_with("mailto:") {
                continue;
            }
            let path = if let Some(rest) = link.strip_prefix(origin) {
                rest.to_string()
            } else if link.starts_with('/') && !link.starts_with("//") {
                link.clone()
            } else if link.contains("://") || link.starts_with("//") {
                continue; // another site
            } else {
                panic!("{page} has a relative link byline did not resolve: {link}");
            };
            let path = path.split('?').next().unwrap_or("").to_string();
            let Some(inside) = path
                .strip_prefix(&base_path)
                .filter(|rest| rest.starts_with('/'))
            else {
                broken.push(format!("{page} -> {link} (not under {base_path}/)"));
                continue;
            };
            if served(output, inside).is_none() {
                broken.push(format!("{page} -> {link}"));
            } else if !seen.contains(&path) {
                queue.push_back(path);
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    seen
}

/// A fixture with a page of listing per story (every listing paginated), two aliases of a
/// story (one percent-encoded, one an old `.html` page) and an image wide enough to resize.
fn fixture_with_everything(fixture: &str) -> TestSite {
    let site = TestSite::fixture(fixture);
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}\npaginate: 1\n"));
    let story = match fixture {
        "newsroom" => "content/decision-machines/twitter-cuts-ties.md",
        _ => "content/inquiry/first.md",
    };
    let text = std::fs::read_to_string(site.path(story)).unwrap();
    site.write(
        story,
        &text.replacen(
            "---\n",
            "---\naliases: [/2019/03/caf%C3%A9/, /old/story.html]\n",
            1,
        ),
    );
    std::fs::write(site.path("static/images/zug.png"), common::png(1000, 600)).unwrap();
    site
}

fn build_and_crawl(fixture: &str, base_url: &str) -> BTreeSet<String> {
    let site = fixture_with_everything(fixture);
    site.build(&["--base-url", base_url]).assert_success();
    let pages = crawl(&site.output(), base_url);
    // Every HTML page of the site is reached from the home page or an old address.
    let html_pages = common::snapshot(&site.output())
        .into_keys()
        .filter(|path| path.ends_with(".html") && path != "404.html")
        .count();
    let reached = pages
        .iter()
        .filter(|page| page.ends_with('/') || page.ends_with(".html"))
        .count();
    assert_eq!(reached, html_pages, "{pages:#?}");
    for expected in [
        "page/2/",
        "search/",
        "search.js",
        "pagefind/pagefind.js",
        "images/zug-480w.webp",
        "2019/03/café/",
        "old/story.html",
    ] {
        assert!(
            pages.iter().any(|page| page.ends_with(expected)),
            "{expected} was not reached: {pages:#?}"
        );
    }
    pages
}

#[test]
fn a_site_under_a_path_has_no_broken_link() {
    for fixture in ["newsroom", "clean"] {
        let pages = build_and_crawl(fixture, "https://newsroom.github.io/site/");
        assert!(
            pages.iter().all(|page| page.starts_with("/site/")),
            "{pages:?}"
        );
        assert!(
            pages.iter().any(|page| page.ends_with("style.css")),
            "the stylesheet: {pages:?}"
        );
    }
}

#[test]
fn a_site_at_the_root_has_no_broken_link() {
    for fixture in ["newsroom", "clean"] {
        // A host of its own: the fixtures' sources link to example.org.
        build_and_crawl(fixture, "https://root.example/");
    }
}

#[test]
fn markdown_site_paths_images_and_the_404_page_go_under_the_path() {
    let site = TestSite::fixture("newsroom");
    site.build(&["--base-url", "https://newsroom.github.io/site/"])
        .assert_success();
    let output = site.output();
    let story =
        std::fs::read_to_string(output.join("decision-machines/twitter-cuts-ties/index.html"))
            .unwrap();
    for link in attrs(&story, ".story-body a", "href") {
        assert!(
            !link.starts_with('/') || link.starts_with("/site/"),
            "{link}"
        );
    }
    for src in attrs(&story, "img", "src") {
        assert!(!src.starts_with('/') || src.starts_with("/site/"), "{src}");
    }
    // Figures still get their size from the file under its site path.
    let map = std::fs::read_to_string(output.join("decision-machines/map-of-lookups/index.html"))
        .unwrap();
    assert!(
        map.contains("width=\""),
        "figures keep their width and height"
    );
    // A host shows 404.html at any address: its links must not depend on where it is shown.
    let not_found = std::fs::read_to_string(output.join("404.html")).unwrap();
    for link in attrs(&not_found, "a", "href")
        .into_iter()
        .chain(attrs(&not_found, "link", "href"))
    {
        assert!(
            link.starts_with("/site/") || link.starts_with("https://") || link.starts_with('#'),
            "{link}"
        );
    }
    // Feeds and sitemaps were absolute already, and still are, once.
    let feed = std::fs::read_to_string(output.join("atom.xml")).unwrap();
    assert!(feed.contains("https://newsroom.github.io/site/decision-machines/twitter-cuts-ties/"));
    assert!(!feed.contains("/site/site/"), "no doubled path in the feed");
    let sitemap = std::fs::read_to_string(output.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/site/site/"));
}

#[test]
fn the_preview_serves_the_site_under_the_same_path() {
    let site = TestSite::fixture("newsroom");
    let server = Server::start(&site, &["--base-url", "https://newsroom.github.io/site/"]);
    let root = server.get("/");
    assert_eq!(root.status, 307);
    assert_eq!(root.header("location"), Some("/site/"));
    let home = server.get("/site/");
    assert_eq!(home.status, 200);
    assert!(
        attrs(&home.body, "link[rel=stylesheet]", "href").contains(&"/site/style.css".to_string())
    );
    assert_eq!(server.get("/site/style.css").status, 200);
    assert_eq!(
        server
            .get("/site/decision-machines/twitter-cuts-ties/")
            .status,
        200
    );
    // The live-reload stream is found relative to the page, under the path too.
    assert!(
        home.body.contains("data-events=\"__byline/events\""),
        "{}",
        home.body
    );
    let outside = server.get("/decision-machines/twitter-cuts-ties/");
    assert_eq!(outside.status, 404, "the site is not at the root");
}
