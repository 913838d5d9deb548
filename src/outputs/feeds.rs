//! Atom 1.0 feeds: the site's, each series', topic's and person's, and the corrections feed.
//! This module prepares each feed and its entries as plain data; the theme's `atom.xml`
//! template writes the XML.
//!
//! Why a template and not a feed crate: every other page of the site is a template a newsroom
//! can override, and a feed is no different (a site may add its own elements or an XSL
//! stylesheet). The template is rendered with XML autoescaping, which escapes `& < > " '` in
//! every value; what escaping cannot fix is settled here by [`xml_text`], so that a feed reader
//! reads back exactly the text prepared: characters XML 1.0 forbids outright (most ASCII
//! control characters) are removed, and line breaks are written as `\n`, which is how every XML
//! parser reads `\r\n` and a lone `\r`. In an attribute a parser also reads tabs and line
//! breaks as spaces, so [`xml_attribute_text`] writes them as spaces. The tests parse every
//! feed with an XML parser.
//!
//! Entries carry the story's full body as `type="html"` content with every link and image made
//! absolute ([`absolute_html`]), because a feed reader shows it away from the site. An entry's
//! `updated` is the latest of the story's date, `updated` and correction dates, so a correction
//! brings the story back to readers' attention. Ids are the entries' permanent URLs.

use serde::Serialize;

use crate::config::SiteConfig;
use crate::content::{Correction, Story, person_url};
use crate::dates::StoryDate;
use crate::outputs::{absolute_link, last_changed};
use crate::templates::escape_html;

/// The most entries a feed holds: the latest ones.
pub const FEED_ENTRIES: usize = 50;

/// A person or organisation credited in a feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agent {
    pub name: String,
    /// Their page (absolute), or None.
    pub uri: Option<String>,
}

/// One feed entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub title: String,
    /// The entry's page (absolute URL); also its id.
    pub link: String,
    pub id: String,
    /// RFC 3339.
    pub published: String,
    /// RFC 3339: the latest change (corrections included).
    pub updated: String,
    pub authors: Vec<Agent>,
    pub categories: Vec<String>,
    /// Plain text; may be empty.
    pub summary: String,
    /// HTML with absolute links, written escaped into `<content type="html">`.
    pub content: String,
}

/// A feed's own data besides its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feed {
    pub title: String,
    /// Plain text; may be empty.
    pub subtitle: String,
    /// The feed's own absolute URL (`rel="self"`); also its id.
    pub url: String,
    pub id: String,
    /// The absolute URL of the HTML page the feed follows (`rel="alternate"`).
    pub alternate: String,
    /// RFC 3339: the latest `updated` of its entries.
    pub updated: String,
    pub language: String,
    /// The publisher, the feed's author.
    pub author: Agent,
    /// The publisher's logo (absolute), or None.
    pub logo: Option<String>,
}

/// The publisher as a feed author: site.yaml's publisher, else the site itself.
pub fn publisher_agent(config: &SiteConfig) -> Agent {
    let publisher = config.publisher.as_ref();
    Agent {
        name: xml_text(
            publisher
                .and_then(|p| p.name.as_deref())
                .unwrap_or(&config.title),
        ),
        uri: Some(
            publisher
                .and_then(|p| p.url.as_deref())
                .map(|url| absolute_link(config, "/", url))
                .unwrap_or_else(|| config.absolute_url("/")),
        ),
    }
}

/// The feed at site path `url` following the page at site path `page`. `updated` is the latest
/// `updated` of its entries (see [`crate::outputs::latest`]); a feed without entries says the
/// Unix epoch, a fixed value that keeps builds byte-identical.
pub fn feed(
    config: &SiteConfig,
    title: &str,
    subtitle: &str,
    url: &str,
    page: &str,
    updated: Option<StoryDate>,
) -> Feed {
    let updated = updated.map_or_else(
        || "1970-01-01T00:00:00+00:00".to_string(),
        |date| date.rfc3339(),
    );
    let absolute = config.absolute_url(url);
    Feed {
        title: xml_text(title),
        subtitle: xml_text(subtitle),
        id: absolute.clone(),
        url: absolute,
        alternate: config.absolute_url(page),
        updated,
        language: config.language.clone(),
        author: publisher_agent(config),
        logo: config
            .publisher
            .as_ref()
            .and_then(|p| p.logo.as_deref())
            .map(|logo| absolute_link(config, "/", logo)),
    }
}

/// The entry of a story. `summary` is its summary or first paragraph, `body_html` its rendered
/// body.
pub fn story_entry(config: &SiteConfig, story: &Story, summary: &str, body_html: &str) -> Entry {
    let link = config.absolute_url(&story.url);
    let changed = last_changed(story);
    Entry {
        title: xml_text(&story.title),
        id: link.clone(),
        link,
        published: story.date.rfc3339(),
        updated: changed.rfc3339(),
        authors: story
            .reporters
            .iter()
            .map(|name| Agent {
                name: xml_text(name),
                uri: Some(config.absolute_url(&person_url(name))),
            })
            .collect(),
        categories: story.topics.iter().map(|t| xml_attribute_text(t)).collect(),
        summary: xml_text(summary),
        content: xml_text(&absolute_html(config, &story.url, body_html)),
    }
}

/// The entry of one correction: it links to the correction on its story's page (`anchor`).
pub fn correction_entry(
    config: &SiteConfig,
    story: &Story,
    correction: &Correction,
    anchor: &str,
    date_display: &str,
) -> Entry {
    let story_link = config.absolute_url(&story.url);
    let link = format!("{story_link}#{anchor}");
    let date = &correction.date;
    let content = format!(
        "<p><strong>Correction, {}:</strong> {}</p>\n<p>To: <a href=\"{}\">{}</a></p>",
        escape_html(date_display),
        escape_html(&correction.text),
        escape_html(&story_link),
        escape_html(&story.title),
    );
    Entry {
        title: xml_text(&format!("Correction: {}", story.title)),
        id: link.clone(),
        link,
        published: date.rfc3339(),
        updated: date.rfc3339(),
        authors: vec![publisher_agent(config)],
        categories: Vec::new(),
        summary: xml_text(&correction.text),
        content: xml_text(&content),
    }
}

/// `text` as an XML parser reads it back from element content: without the characters XML 1.0
/// does not allow even escaped (ASCII control characters other than tab, line feed and carriage
/// return, U+FFFE and U+FFFF; front matter can hold them, as YAML escapes like `"\x01"`), and
/// with `\r\n` and a lone `\r` written as `\n`, as XML parsers read them anyway.
pub fn xml_text(text: &str) -> String {
    let allowed = |c: char| !(c.is_control() && c < '\u{80}' && !matches!(c, '\t' | '\n' | '\r'));
    let allowed = |c: char| allowed(c) && c != '\u{FFFE}' && c != '\u{FFFF}';
    if !text.contains('\r') && text.chars().all(allowed) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(c) = characters.next() {
        match c {
            '\r' => {
                characters.next_if_eq(&'\n');
                out.push('\n');
            }
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// `text` as an XML parser reads it back from an attribute value: [`xml_text`], with tabs and
/// line breaks as spaces (attribute-value normalization).
pub fn xml_attribute_text(text: &str) -> String {
    xml_text(text).replace(['\t', '\n'], " ")
}

/// `html` (a page's body, as rendered for the page at site path `page_url`) with the URLs of
/// its `href`, `src` and `poster` attributes made absolute, so links and images work in a feed
/// reader. Only attributes inside tags are touched; `srcset` is left as written.
pub fn absolute_html(config: &SiteConfig, page_url: &str, html: &str) -> String {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut copied = 0;
    let mut i = 0;
    let is_space = |b: u8| b.is_ascii_whitespace();
    while let Some(found) = html[i..].find('<') {
        let mut j = i + found + 1;
        if !bytes.get(j).is_some_and(u8::is_ascii_alphabetic) {
            i = j;
            continue;
        }
        // The tag name.
        while j < len && !is_space(bytes[j]) && bytes[j] != b'>' && bytes[j] != b'/' {
            j += 1;
        }
        // Its attributes, until the closing `>`.
        loop {
            while j < len && (is_space(bytes[j]) || bytes[j] == b'/') {
                j += 1;
            }
            if j >= len || bytes[j] == b'>' {
                break;
            }
            let name_start = j;
            while j < len && !is_space(bytes[j]) && !matches!(bytes[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let name = &html[name_start..j];
            while j < len && is_space(bytes[j]) {
                j += 1;
            }
            if j >= len || bytes[j] != b'=' {
                continue;
            }
            j += 1;
            while j < len && is_space(bytes[j]) {
                j += 1;
            }
            let (value_start, value_end, next) = match bytes.get(j) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = html[j + 1..]
                        .find(quote as char)
                        .map_or(len, |end| j + 1 + end);
                    (j + 1, end, (end + 1).min(len))
                }
                _ => {
                    let end = html[j..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(len, |end| j + end);
                    (j, end, end)
                }
            };
            let is_url = ["href", "src", "poster"]
                .iter()
                .any(|attribute| name.eq_ignore_ascii_case(attribute));
            if is_url {
                let value = &html[value_start..value_end];
                let absolute = absolute_link(config, page_url, value);
                if absolute != value {
                    out.push_str(&html[copied..value_start]);
                    out.push_str(&absolute);
                    copied = value_end;
                }
            }
            j = next;
        }
        i = j.min(len);
        if i >= len {
            break;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::tests::config;

    #[test]
    fn makes_body_links_and_images_absolute() {
        let config = config();
        let html = concat!(
            "<p>See <a href=\"/s/other/\">this</a> and <a href='#fn-1'>1</a>, ",
            "<a href=\"https://x.org/a?b=1&amp;c=2\">out</a>, <a href=mailto:d@x.org>mail</a>.</p>\n",
            "<figure><img src=\"map.png\" alt=\"a href=/x\" loading=\"lazy\"></figure>\n",
            "<p>Text with href=\"/not-a-tag\" &lt;a href=\"/escaped\"&gt; and <video poster=\"/p.jpg\" controls></video></p>"
        );
        assert_eq!(
            absolute_html(&config, "/s/story/", html),
            concat!(
                "<p>See <a href=\"https://news.example.org/s/other/\">this</a> and <a href='https://news.example.org/s/story/#fn-1'>1</a>, ",
                "<a href=\"https://x.org/a?b=1&amp;c=2\">out</a>, <a href=mailto:d@x.org>mail</a>.</p>\n",
                "<figure><img src=\"https://news.example.org/s/story/map.png\" alt=\"a href=/x\" loading=\"lazy\"></figure>\n",
                "<p>Text with href=\"/not-a-tag\" &lt;a href=\"/escaped\"&gt; and <video poster=\"https://news.example.org/p.jpg\" controls></video></p>"
            )
        );
    }

    #[test]
    fn absolute_html_survives_broken_markup() {
        let config = config();
        for html in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"/x",
            "<a b='",
            "x<1",
        ] {
            absolute_html(&config, "/s/", html);
        }
        assert_eq!(
            absolute_html(&config, "/s/", "<a href=\"/x"),
            "<a href=\"https://news.example.org/x"
        );
    }

    /// The characters XML 1.0 allows in a document (its `Char` production).
    fn is_xml_char(c: char) -> bool {
        matches!(
            c,
            '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever the front matter holds, an XML parser reads back exactly what [`xml_text`]
        /// and [`xml_attribute_text`] return (escaped as the templates escape it), and they
        /// drop nothing but the characters their documentation names.
        #[test]
        fn xml_text_is_what_a_parser_reads_back(
            text in r"(.|\PC|[\x00-\x1F\x7F-\x9F\u{FFFE}\u{FFFF}\u{FEFF}]|\r\n|]]>|&#0;){0,16}"
        ) {
            let element = xml_text(&text);
            let attribute = xml_attribute_text(&text);
            proptest::prop_assert!(element.chars().all(is_xml_char), "{element:?}");
            proptest::prop_assert_eq!(xml_text(&element), element.clone());
            // What is documented to go: ASCII control characters other than tab and line
            // breaks (DEL too, which XML allows but discourages), U+FFFE and U+FFFF. Line
            // breaks are left out of the comparison: they come back as `\n`.
            let dropped = |c: char| {
                (c.is_ascii_control() && c != '\t') || matches!(c, '\u{FFFE}' | '\u{FFFF}')
            };
            let kept = |text: &str| -> String { text.chars().filter(|&c| !dropped(c)).collect() };
            proptest::prop_assert_eq!(kept(&element), kept(&text));

            let document = format!(
                "<a t=\"{}\">{}</a>",
                escape_html(&attribute),
                escape_html(&element)
            );
            let parsed = roxmltree::Document::parse(&document).map_err(|error| {
                proptest::test_runner::TestCaseError::fail(format!("{error}: {document:?}"))
            })?;
            let root = parsed.root_element();
            proptest::prop_assert_eq!(root.text().unwrap_or(""), element.as_str());
            proptest::prop_assert_eq!(root.attribute("t"), Some(attribute.as_str()));
        }
    }

    #[test]
    fn xml_text_drops_forbidden_characters_and_writes_line_feeds() {
        assert_eq!(xml_text("a\u{1}b\tc\nü\u{FFFF}"), "ab\tc\nü");
        assert_eq!(xml_text("</script> & \"q\""), "</script> & \"q\"");
        assert_eq!(xml_text("a\r\nb\rc\r\r\n"), "a\nb\nc\n\n");
        assert_eq!(xml_attribute_text("a\tb\r\nc\u{0}"), "a b c");
    }

    #[test]
    fn feed_updated_is_latest_entry_or_epoch() {
        let config = config();
        let date = StoryDate::parse("2022-02-10").unwrap();
        let with_entries = feed(&config, "T", "", "/atom.xml", "/", Some(date));
        assert_eq!(with_entries.updated, "2022-02-10T00:00:00+00:00");
        assert_eq!(with_entries.url, "https://news.example.org/atom.xml");
        assert_eq!(with_entries.alternate, "https://news.example.org/");
        assert_eq!(
            feed(&config, "T", "", "/atom.xml", "/", None).updated,
            "1970-01-01T00:00:00+00:00"
        );
    }
}
