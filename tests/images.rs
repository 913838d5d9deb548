//! Responsive images through the binary: header images and figures are published at the widths
//! a reader's screen needs (as WebP and in their own format, never wider than the file), offered
//! with `<picture>`, `srcset`, `sizes`, `width` and `height`; the copies come from a cache in
//! `.byline-cache/` outside the output, so a second build decodes nothing; an image that cannot
//! be decoded is an error naming it.

mod common;

use common::{TestSite, attrs, findings};

const NOW: &str = "2026-11-25T12:00:00Z";

/// The clean fixture with a 1600 x 900 header image (also a figure of the first story) and a
/// 1000 x 500 JPEG figure in a page bundle.
fn site_with_photographs() -> TestSite {
    let site = TestSite::fixture("clean");
    std::fs::write(site.path("static/images/zug.png"), common::png(1600, 900)).unwrap();
    std::fs::write(
        site.path("content/inquiry/the-map/map.jpg"),
        common::jpeg(1000, 500),
    )
    .unwrap();
    let map = std::fs::read_to_string(site.path("content/inquiry/the-map/index.md")).unwrap();
    site.write(
        "content/inquiry/the-map/index.md",
        &map.replace("](map.png ", "](map.jpg "),
    );
    site
}

/// Pixel size of a published file.
fn size_of(site: &TestSite, path: &str) -> (u32, u32) {
    image::image_dimensions(site.output().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The images decoded, copies made and copies found, as `--timings` reports them.
fn image_work(run: &common::Run) -> String {
    run.stderr
        .lines()
        .find(|line| line.contains("images:"))
        .unwrap_or_else(|| panic!("no image line in:\n{}", run.stderr))
        .trim()
        .to_string()
}

#[test]
fn images_are_published_at_every_width_they_can_be_and_never_wider() {
    let site = site_with_photographs();
    let run = site.build(&["--now", NOW, "--timings"]);
    run.assert_success();
    for (path, size) in [
        ("images/zug-480w.png", (480, 270)),
        ("images/zug-480w.webp", (480, 270)),
        ("images/zug-800w.png", (800, 450)),
        ("images/zug-1200w.webp", (1200, 675)),
        ("images/zug-1600w.webp", (1600, 900)),
        ("images/zug.png", (1600, 900)),
        ("inquiry/the-map/map-480w.jpg", (480, 240)),
        ("inquiry/the-map/map-800w.webp", (800, 400)),
        ("inquiry/the-map/map-1000w.webp", (1000, 500)),
    ] {
        assert_eq!(size_of(&site, path), size, "{path}");
    }
    let webp = std::fs::read(site.output().join("images/zug-800w.webp")).unwrap();
    assert_eq!(&webp[8..12], b"WEBP");
    // Never wider than the file.
    for missing in [
        "images/zug-1600w.png",
        "inquiry/the-map/map-1200w.webp",
        "inquiry/the-map/map-1000w.jpg",
    ] {
        assert!(!site.output().join(missing).exists(), "{missing}");
    }
    // The cache is beside the site, not in it.
    assert!(site.path(".byline-cache/images").is_dir());
    assert!(!site.output().join(".byline-cache").exists());

    let story = site.page("inquiry/first/index.html");
    let header = "figure.story-image picture";
    assert_eq!(
        attrs(&story, &format!("{header} source"), "srcset"),
        [
            "/images/zug-480w.webp 480w, /images/zug-800w.webp 800w, /images/zug-1200w.webp 1200w, /images/zug-1600w.webp 1600w"
        ]
    );
    assert_eq!(
        attrs(&story, &format!("{header} source"), "type"),
        ["image/webp"]
    );
    assert_eq!(
        attrs(&story, &format!("{header} img"), "srcset"),
        [
            "/images/zug-480w.png 480w, /images/zug-800w.png 800w, /images/zug-1200w.png 1200w, /images/zug.png 1600w"
        ]
    );
    assert_eq!(attrs(&story, &format!("{header} img"), "width"), ["1600"]);
    assert_eq!(attrs(&story, &format!("{header} img"), "height"), ["900"]);
    assert_eq!(attrs(&story, &format!("{header} img"), "sizes").len(), 1);
    // The header image is what a reader sees first: it loads at once. Figures below wait.
    assert!(attrs(&story, &format!("{header} img"), "loading").is_empty());
    assert_eq!(
        attrs(&story, ".story-body figure picture img", "loading"),
        ["lazy"]
    );
    assert_eq!(
        attrs(&story, ".story-body figure picture source", "srcset").len(),
        1
    );
    let map = site.page("inquiry/the-map/index.html");
    assert_eq!(
        attrs(&map, ".story-body figure img", "srcset"),
        [
            "/inquiry/the-map/map-480w.jpg 480w, /inquiry/the-map/map-800w.jpg 800w, /inquiry/the-map/map.jpg 1000w"
        ]
    );
    // Cards in listings offer the same copies, lazily.
    let series = site.page("inquiry/index.html");
    assert_eq!(attrs(&series, ".card-image", "loading"), ["lazy"]);
    assert_eq!(
        attrs(&series, ".card picture source", "type"),
        ["image/webp"]
    );
    // Feeds carry the copies with absolute addresses.
    assert!(
        site.page("atom.xml")
            .contains("https://clean.example.org/images/zug-480w.webp 480w")
    );

    let made = image_work(&run);
    assert!(made.contains("2 decoded"), "{made}");

    // The second build decodes nothing: every copy comes from the cache, byte for byte.
    let first = common::snapshot(&site.output());
    let run = site.build(&["--now", NOW, "--timings"]);
    run.assert_success();
    let again = image_work(&run);
    assert!(
        again.contains("0 decoded") && again.contains("0 made"),
        "{again}"
    );
    assert_eq!(common::snapshot(&site.output()), first);

    // A changed image is made again; the unchanged one is not.
    std::fs::write(site.path("static/images/zug.png"), common::png(1400, 700)).unwrap();
    let run = site.build(&["--now", NOW, "--timings"]);
    run.assert_success();
    assert!(
        image_work(&run).contains("1 decoded"),
        "{}",
        image_work(&run)
    );
    assert_eq!(size_of(&site, "images/zug-1200w.webp"), (1200, 600));
    assert!(!site.output().join("images/zug-1600w.webp").exists());
}

#[test]
fn two_builds_at_once_share_the_cache_safely() {
    let site = site_with_photographs();
    let root = site.root.to_str().unwrap().to_string();
    let outputs: Vec<std::path::PathBuf> = (0..2)
        .map(|n| site.root.parent().unwrap().join(format!("out-{n}")))
        .collect();
    let children: Vec<_> = outputs
        .iter()
        .map(|output| {
            std::process::Command::new(env!("CARGO_BIN_EXE_byline"))
                .args(["build", "--root", &root, "--now", NOW, "--output"])
                .arg(output)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let done = child.wait_with_output().unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    }
    let (a, b) = (common::snapshot(&outputs[0]), common::snapshot(&outputs[1]));
    assert_eq!(a, b, "both builds published the same copies");
    let leftovers = walkdir::WalkDir::new(site.path(".byline-cache"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn an_image_that_cannot_be_decoded_is_an_error_naming_it() {
    let site = site_with_photographs();
    site.build(&["--now", NOW]).assert_success();
    let before = common::snapshot(&site.output());
    // A PNG's header with nothing after it: its size can be read, its pixels cannot.
    let mut broken = common::png(900, 600);
    broken.truncate(40);
    std::fs::write(site.path("static/images/zug.png"), broken).unwrap();
    let run = site.build(&["--now", NOW, "--format", "json"]);
    run.assert_failure(1);
    let errors: Vec<_> = findings(&run)
        .into_iter()
        .filter(|f| f.severity == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, "E-IMAGE-DECODE");
    assert_eq!(errors[0].file, "static/images/zug.png");
    assert_eq!(
        common::snapshot(&site.output()),
        before,
        "the site stays as it was"
    );
}

#[test]
fn images_byline_does_not_resize_stay_as_they_are() {
    let site = TestSite::fixture("clean");
    site.write(
        "static/images/chart.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
    );
    site.write(
        "content/inquiry/first.md",
        &std::fs::read_to_string(site.path("content/inquiry/first.md"))
            .unwrap()
            .replace("![A lake](/images/zug.png", "![A chart](/images/chart.svg"),
    );
    site.build(&["--now", NOW]).assert_success();
    let story = site.page("inquiry/first/index.html");
    assert_eq!(
        attrs(&story, ".story-body figure > img", "src"),
        ["/images/chart.svg"]
    );
    assert!(attrs(&story, ".story-body figure img", "srcset").is_empty());
}

/// The Nu Html Checker (vnu.jar, from `npm ci` in tests/browser, on Java) finds nothing wrong
/// with pages offering images at several widths: `<picture>`, `<source>`, `srcset`, `sizes`.
/// Skipped with a message when Java or vnu.jar is missing, unless `BYLINE_BROWSER_TESTS=1`.
#[test]
fn nu_html_checker_accepts_the_pictures() {
    let vnu = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = std::process::Command::new("java").arg("-version").output();
    if !vnu.is_file() || java.is_err() {
        assert!(
            std::env::var("BYLINE_BROWSER_TESTS").as_deref() != Ok("1"),
            "BYLINE_BROWSER_TESTS=1 but java or {} is missing",
            vnu.display()
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipping nu_html_checker_accepts_the_pictures: java or vnu.jar missing (npm ci in tests/browser)"
        );
        return;
    }
    let site = site_with_photographs();
    site.build(&["--now", NOW]).assert_success();
    let pages = [
        "inquiry/first/index.html",
        "inquiry/the-map/index.html",
        "inquiry/index.html",
        "index.html",
    ];
    assert!(site.page(pages[0]).contains("<picture>"));
    let output = std::process::Command::new("java")
        .args([
            "-jar",
            vnu.to_str().unwrap(),
            "--format",
            "json",
            "--stdout",
        ])
        .args(pages.iter().map(|page| site.output().join(page)))
        .output()
        .expect("java runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors: Vec<&serde_json::Value> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| message["type"] != "info")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
