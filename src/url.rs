//! URLs and paths as byline writes and reads them: schemes, site paths resolved against the page
//! they are written on, web paths of files, slugs. Plain string work, no disk and no model.

use std::path::{Component, Path, PathBuf};

/// Whether `url` starts with a scheme (`https:`, `mailto:`, `sms:`, `signal:`, ...): a letter,
/// then letters, digits, `+`, `-` or `.`, then a colon (RFC 3986), so it is never a path.
pub fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The schemes a web address typed into a field may have: everything else (`javascript:`,
/// `data:`, `vbscript:`, `file:`, ...) could run code or reach what a reader should not.
const LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Why `url`, typed where byline expects a web address (a source's or claim's `url`, an
/// image's `src`, a funder's or person's `url` in site.yaml), cannot be published as one; None
/// when it is an http(s) or mailto address or a path (of the site, or relative to the page).
/// Read as a browser reads it: spaces and control characters around it are ignored and tabs
/// and line breaks inside it dropped, so ` JaVaScRiPt:` and `java\tscript:` are `javascript:`;
/// no control character is accepted at all.
pub fn unsafe_link(url: &str) -> Option<String> {
    if url.chars().any(char::is_control) {
        return Some("it holds a control character (a tab or line break, say), which browsers drop, so the address is not what it looks like".to_string());
    }
    let trimmed = url.trim_matches(|c: char| c == ' ');
    if !has_scheme(trimmed) {
        return None;
    }
    let scheme = trimmed
        .split_once(':')
        .map_or("", |(scheme, _)| scheme)
        .to_ascii_lowercase();
    (!LINK_SCHEMES.contains(&scheme.as_str())).then(|| {
        format!("a `{scheme}:` address could run code in the reader's browser or lead where a link should not; only http:, https: and mailto: addresses and paths of the site are allowed")
    })
}

/// Whether `url` leaves the site: it has a scheme or is protocol-relative (`//host/...`).
pub fn is_external(url: &str) -> bool {
    url.starts_with("//") || has_scheme(url)
}

/// Resolves a path written in front matter or Markdown against the page it appears on:
/// absolute URLs and site paths stay, relative paths are joined to the page's URL (which is
/// how a browser reads them, and makes page-bundle files resolve).
pub fn resolve_against(page_url: &str, target: &str) -> String {
    if target.is_empty() || target.starts_with('/') || target.starts_with('#') || has_scheme(target)
    {
        return target.to_string();
    }
    let mut segments: Vec<&str> = page_url.split('/').filter(|s| !s.is_empty()).collect();
    let (path, suffix) = match target.find(['?', '#']) {
        Some(index) => target.split_at(index),
        None => (target, ""),
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            part => segments.push(part),
        }
    }
    let mut resolved = String::from("/");
    resolved.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        resolved.push('/');
    }
    resolved.push_str(suffix);
    resolved
}

/// Strips `?query` and `#fragment`, returning the path and the fragment (without `#`).
pub fn split_url(url: &str) -> (&str, Option<&str>) {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (url, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    (path, fragment)
}

/// A relative file path as the `/`-separated path it has on the web, on every platform.
pub fn web_path(relative: &Path) -> String {
    relative
        .iter()
        .map(|component| component.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` with `.` and `..` worked out as a browser would (without looking at the disk): `..`
/// above the start is dropped.
pub fn normalise(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// Whether a relative path names only folders and files inside its start: no `..`, no root.
pub fn stays_inside(path: &Path) -> bool {
    path.components()
        .all(|component| matches!(component, Component::Normal(_)))
}

/// `%20` and other percent escapes decoded; text that would not be UTF-8 afterwards is kept as
/// written.
pub fn percent_decoded(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_or_else(|_| path.to_string(), |decoded| decoded.into_owned())
}

/// An old address of a story (`aliases:`) as byline publishes it: a site path with its percent
/// escapes decoded (`/2019/03/caf%C3%A9/` and `/2019/03/café/` are one address), empty and `.`
/// segments dropped, a path ending in `.html` or `.htm` kept as that file, `/a/index.html` read
/// as the folder `/a/`, and any other path as a folder (`/old` is `/old/`, `/story.php` is
/// `/story.php/`: a static host answers both with the folder's page). Err says why an alias
/// cannot be published: a full address, a relative path, `..`, a query or fragment (static
/// hosts cannot tell `?p=1` from `?p=2`), the home page itself.
pub fn normalise_alias(written: &str) -> Result<String, &'static str> {
    let written = written.trim();
    if is_external(written) {
        return Err("an alias is a path on this site, starting with /, not a full address");
    }
    if !written.starts_with('/') {
        return Err("an alias is a path on this site and starts with /");
    }
    if written.contains(['?', '#']) {
        return Err("a static host cannot redirect an address by its ?query or #fragment");
    }
    let decoded = percent_decoded(written);
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err("an alias cannot go above the site with `..`"),
            _ if segment.chars().any(|c| c.is_control() || c == '\\') => {
                return Err("an alias cannot hold control characters or backslashes");
            }
            _ => segments.push(segment),
        }
    }
    let Some(&last) = segments.last() else {
        return Err("the home page cannot be an alias of a story");
    };
    let lower = last.to_ascii_lowercase();
    if lower == "index.html" || lower == "index.htm" {
        segments.pop();
        if segments.is_empty() {
            return Err("the home page cannot be an alias of a story");
        }
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        return Ok(format!("/{}", segments.join("/")));
    }
    Ok(format!("/{}/", segments.join("/")))
}

/// Characters a published address writes percent-encoded: controls, spaces, quotes and the
/// characters URLs reserve, and every non-ASCII byte.
const ADDRESS_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A site path as it travels in a request (`/2019/03/café/` is `/2019/03/caf%C3%A9/`), for
/// files that list addresses (`_redirects`, `urls.lock`).
pub fn percent_encoded(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, ADDRESS_ESCAPES).to_string()
}

/// The output path of a page at site path `url`: `/a/b/` is `a/b/index.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// Turns `text` into a URL-safe slug (`Big Tech` -> `big-tech`, `Москва` -> `moskva`): only
/// `a-z`, `0-9` and single dashes between them. Non-Latin text is transliterated. When none of
/// its letters and digits has a transliteration (rare Chinese characters outside the Basic
/// Multilingual Plane, say), they are written as code points (`𪜀` -> `u2a700`), so that two
/// such names (topics, people) still get addresses of their own; text without a letter or digit
/// gives `untitled`.
pub fn slugify(text: &str) -> String {
    let slug = slug::slugify(text);
    if !slug.is_empty() {
        return slug;
    }
    let code_points: Vec<String> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| format!("u{:x}", u32::from(c)))
        .collect();
    if code_points.is_empty() {
        "untitled".to_string()
    } else {
        code_points.join("-")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn aliases_are_normalised_site_paths() {
        use super::{normalise_alias, percent_encoded};
        let ok = |written: &str| normalise_alias(written).unwrap();
        assert_eq!(ok("/old/path/"), "/old/path/");
        assert_eq!(ok("/old/path"), "/old/path/");
        assert_eq!(ok("/old//./path"), "/old/path/");
        assert_eq!(ok(" /2019/03/caf%C3%A9/ "), "/2019/03/café/");
        assert_eq!(ok("/2019/03/café"), "/2019/03/café/");
        assert_eq!(ok("/2019/03/old-slug.html"), "/2019/03/old-slug.html");
        assert_eq!(ok("/2019/03/Old-Slug.HTM"), "/2019/03/Old-Slug.HTM");
        assert_eq!(ok("/old/index.html"), "/old/");
        assert_eq!(ok("/story.php"), "/story.php/");
        assert_eq!(ok("/100%/x"), "/100%/x/", "an escape that is not one stays");
        for bad in [
            "old/path/",
            "https://example.org/old/",
            "//example.org/old/",
            "/?p=123",
            "/old/#part",
            "/a/../../b/",
            "/",
            "/index.html",
            "",
        ] {
            assert!(normalise_alias(bad).is_err(), "{bad}");
        }
        assert_eq!(percent_encoded("/2019/03/café/"), "/2019/03/caf%C3%A9/");
        assert_eq!(percent_encoded("/a b/100%/"), "/a%20b/100%25/");
        assert_eq!(
            percent_encoded(&ok("/2019/03/caf%C3%A9/")),
            "/2019/03/caf%C3%A9/"
        );
    }

    use super::*;

    #[test]
    fn resolves_relative_paths_like_a_browser() {
        assert_eq!(resolve_against("/s/story/", "map.png"), "/s/story/map.png");
        assert_eq!(resolve_against("/s/story/", "../other/"), "/s/other/");
        assert_eq!(
            resolve_against("/s/story/", "/images/a.png"),
            "/images/a.png"
        );
        assert_eq!(
            resolve_against("/s/story/", "https://x.org/a"),
            "https://x.org/a"
        );
        assert_eq!(resolve_against("/s/story/", "#notes"), "#notes");
        assert_eq!(
            resolve_against("/s/story/", "./a.pdf#page=2"),
            "/s/story/a.pdf#page=2"
        );
        for kept in [
            "mailto:tips@example.org",
            "tel:+41441234567",
            "sms:+41441234567",
            "signal:+41441234567",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
        ] {
            assert_eq!(resolve_against("/s/story/", kept), kept);
        }
        // A colon after a slash is part of a path, not a scheme.
        assert_eq!(
            resolve_against("/s/story/", "notes/10:30.pdf"),
            "/s/story/notes/10:30.pdf"
        );
        assert!(!has_scheme("1x:y") && !has_scheme(":x") && !has_scheme("a b:c"));
    }

    #[test]
    fn only_web_mail_and_site_addresses_are_safe_links() {
        for safe in [
            "https://example.org/a?b#c",
            "HTTP://example.org",
            "mailto:desk@example.org",
            "/files/report.pdf",
            "report.pdf",
            "../other/",
            "//cdn.example/x.png",
            "#notes",
            "notes/10:30.pdf",
            "javascript&colon;alert(1)",
        ] {
            assert_eq!(unsafe_link(safe), None, "{safe}");
        }
        for unsafe_url in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:image/png;base64,AAAA",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "ftp://example.org/",
        ] {
            assert!(unsafe_link(unsafe_url).is_some(), "{unsafe_url:?}");
        }
    }

    #[test]
    fn urls_split_into_path_and_fragment() {
        assert_eq!(split_url("/a/b/?x=1#top"), ("/a/b/", Some("top")));
        assert_eq!(split_url("#top"), ("", Some("top")));
        assert_eq!(split_url("/a/"), ("/a/", None));
    }

    #[test]
    fn external_urls() {
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b"));
        assert!(is_external("//cdn.example/x.js"));
        assert!(!is_external("/a/"));
    }

    #[test]
    fn output_paths_are_clean_urls() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/s/story/"), "s/story/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }

    #[test]
    fn paths_normalise_and_decode() {
        assert_eq!(
            normalise(Path::new("content/s/../t/./a.md")),
            PathBuf::from("content/t/a.md")
        );
        assert!(stays_inside(Path::new("a/b.png")));
        assert!(!stays_inside(Path::new("../b.png")));
        assert_eq!(percent_decoded("/images/a%20b.png"), "/images/a b.png");
        assert_eq!(percent_decoded("/bad%zz"), "/bad%zz");
        assert_eq!(percent_decoded("/x%FF"), "/x%FF");
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Big Tech"), "big-tech");
        assert_eq!(slugify("Décision Machines!"), "decision-machines");
        assert_eq!(slugify("Москва"), "moskva");
        assert_eq!(slugify("!!!"), "untitled");
        assert_eq!(slugify("北京新闻"), "bei-jing-xin-wen");
        assert_eq!(slugify("서울 뉴스"), "seoul-nyuseu");
        assert_eq!(slugify("Αθήνα"), "athena");
        assert_eq!(slugify("𪜀 𪜁"), "u2a700-u2a701");
    }

    /// Letters of the scripts newsrooms write headlines in, beyond Latin.
    const WORLD_LETTERS: &str = r"[\p{L}&&[\p{Cyrillic}\p{Greek}\p{Arabic}\p{Hebrew}\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}\p{Devanagari}\p{Bengali}\p{Thai}\p{Armenian}\p{Georgian}\p{Ethiopic}]]";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// Any text gives the same slug every time: not empty, only `a-z`, `0-9` and single
        /// dashes between them, and a slug `byline` accepts in a story's `slug:` field.
        #[test]
        fn slugs_are_stable_and_url_safe(text in r"(.|\PC|\p{M}|[-_ .!?/\\]){0,24}") {
            let slug = slugify(&text);
            proptest::prop_assert_eq!(slugify(&text), slug.clone());
            proptest::prop_assert!(!slug.is_empty());
            proptest::prop_assert!(
                slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{slug:?}"
            );
            proptest::prop_assert!(
                !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
                "{slug:?}"
            );
            proptest::prop_assert_eq!(slugify(&slug), slug);
        }

        /// A headline in Cyrillic, Arabic, Chinese, Korean... (or any letters and digits at
        /// all) gets a slug of its own, not the `untitled` fallback.
        #[test]
        fn headlines_in_any_script_give_a_real_slug(
            text in proptest::string::string_regex(&format!(
                "({WORLD_LETTERS}|[\\p{{L}}\\p{{N}}]){{1,8}}( ({WORLD_LETTERS}|[\\p{{L}}\\p{{N}}]){{1,8}}){{0,3}}"
            ))
            .expect("a valid pattern")
        ) {
            let slug = slugify(&text);
            proptest::prop_assert_ne!(slug.as_str(), "untitled", "{:?}", text);
        }
    }
}
