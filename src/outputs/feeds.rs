//! Atom 1.0 feeds: the site's, each series', topic's and person's, and the corrections feed.
//! This module prepares each feed and its entries as plain data; the theme's `atom.xml`
//! template writes the XML.
//!
//! Why a template and not a feed crate: every other page of the site is a template a newsroom
//! can override, and a feed is no different (a site may add its own elements or an XSL
//! stylesheet). The template is rendered with XML autoescaping, which escapes `& < > " '` in
//! every value; what escaping cannot fix is settled here by [`escape::xml_text`], so that a feed reader
//! reads back exactly the text prepared: characters XML 1.0 forbids outright (most ASCII
//! control characters) are removed, and line breaks are written as `\n`, which is how every XML
//! parser reads `\r\n` and a lone `\r`. In an attribute a parser also reads tabs and line
//! breaks as spaces, so [`escape::xml_attribute_text`] writes them as spaces. The tests parse every
//! feed with an XML parser.
//!
//! Every text a reader sees (titles, summaries, names, correction texts) gets the same smart
//! punctuation as the pages ([`crate::typography`]); URLs and ids stay as written.
//!
//! Entries carry the story's full body as `type="html"` content, with its corrections notice
//! before it and its funding disclosure after it, as its page has them, with every link and image made
//! absolute ([`absolute_html`]), because a feed reader shows it away from the site. An entry's
//! `updated` is the latest of the story's date, `updated` and correction dates, so a correction
//! brings the story back to readers' attention. Ids are the entries' permanent URLs.

use serde::Serialize;

use crate::config::SiteConfig;
use crate::dates::StoryDate;
use crate::escape::{self, xml_attribute_text, xml_text};
use crate::layout::person_url;
use crate::model::{Correction, Story};
use crate::outputs::{absolute_href, absolute_link, last_changed};
use crate::theme::Strings;
use crate::typography::smart;

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
        name: xml_text(&smart(
            publisher
                .and_then(|p| p.name.as_deref())
                .unwrap_or(&config.title),
        )),
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
        title: xml_text(&smart(title)),
        subtitle: xml_text(&smart(subtitle)),
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

/// What a story's page says around its text, which its feed entry says too: each correction
/// (the date as the page shows it, and the text) and the funding disclosure (with the site's
/// funding note).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryNotes {
    pub corrections: Vec<(String, String)>,
    pub funding: Option<String>,
}

/// The entry's HTML: the corrections notice, the body, the funding disclosure, as on the page.
fn entry_html(notes: &EntryNotes, body_html: &str, strings: &Strings) -> String {
    let mut html = String::with_capacity(body_html.len() + 256);
    for (date, text) in &notes.corrections {
        html.push_str(&format!(
            "<p><strong>{}</strong> {}</p>\n",
            escape::html(&smart(
                &strings.say("feed.correction_heading", &[("date", date.as_str())])
            )),
            escape::html(&smart(text)),
        ));
    }
    html.push_str(body_html);
    if let Some(funding) = &notes.funding {
        html.push_str(&format!("\n<p>{}</p>", escape::html(&smart(funding))));
    }
    html
}

/// The entry of a story. `summary` is its summary or first paragraph, `body_html` its rendered
/// body, `notes` what its page says around the body.
pub fn story_entry(
    config: &SiteConfig,
    story: &Story,
    summary: &str,
    body_html: &str,
    notes: &EntryNotes,
    strings: &Strings,
) -> Entry {
    let link = config.absolute_url(&story.url);
    let changed = last_changed(story);
    Entry {
        title: xml_text(&smart(&story.title)),
        id: link.clone(),
        link,
        published: story.date.rfc3339(),
        updated: changed.rfc3339(),
        authors: story
            .reporters
            .iter()
            .map(|name| Agent {
                name: xml_text(&smart(name)),
                uri: Some(config.absolute_url(&person_url(name))),
            })
            .collect(),
        categories: story
            .topics
            .iter()
            .map(|t| xml_attribute_text(&smart(t)))
            .collect(),
        summary: xml_text(&smart(summary)),
        content: xml_text(&absolute_html(
            config,
            &story.url,
            &entry_html(notes, body_html, strings),
        )),
    }
}

/// The entry of one correction: it links to the correction on its story's page (`anchor`).
pub fn correction_entry(
    config: &SiteConfig,
    story: &Story,
    correction: &Correction,
    anchor: &str,
    date_display: &str,
    strings: &Strings,
) -> Entry {
    let story_link = config.absolute_url(&story.url);
    let link = format!("{story_link}#{anchor}");
    let date = &correction.date;
    let content = format!(
        "<p><strong>{}</strong> {}</p>\n<p>{} <a href=\"{}\">{}</a></p>",
        escape::html(&strings.say("feed.correction_heading", &[("date", date_display)])),
        escape::html(&smart(&correction.text)),
        escape::html(&strings.say("feed.correction_story", &[])),
        escape::html(&story_link),
        escape::html(&smart(&story.title)),
    );
    Entry {
        title: xml_text(&smart(
            &strings.say("feed.correction_title", &[("title", &story.title)]),
        )),
        id: link.clone(),
        link,
        published: date.rfc3339(),
        updated: date.rfc3339(),
        authors: vec![publisher_agent(config)],
        categories: Vec::new(),
        summary: xml_text(&smart(&correction.text)),
        content: xml_text(&content),
    }
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
            let is_srcset = name.eq_ignore_ascii_case("srcset");
            if is_url || is_srcset {
                let value = &html[value_start..value_end];
                let absolute = if is_url {
                    absolute_href(config, page_url, value)
                } else {
                    absolute_srcset(config, page_url, value)
                };
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

/// A `srcset` (`url 480w, url 800w`) with each image's address made absolute.
fn absolute_srcset(config: &SiteConfig, page_url: &str, srcset: &str) -> String {
    srcset
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            match candidate.split_once(char::is_whitespace) {
                Some((url, descriptor)) => {
                    format!(
                        "{} {}",
                        absolute_href(config, page_url, url),
                        descriptor.trim()
                    )
                }
                None => absolute_href(config, page_url, candidate),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::tests::config;

    #[test]
    fn makes_srcsets_absolute() {
        let config = config();
        assert_eq!(
            absolute_html(
                &config,
                "/s/story/",
                "<picture><source srcset=\"/i/a-480w.webp 480w, map-800w.webp 800w\"><img src=\"/i/a.png\" srcset=\"/i/a.png 480w\"></picture>"
            ),
            "<picture><source srcset=\"https://news.example.org/i/a-480w.webp 480w, https://news.example.org/s/story/map-800w.webp 800w\"><img src=\"https://news.example.org/i/a.png\" srcset=\"https://news.example.org/i/a.png 480w\"></picture>"
        );
    }

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

    #[test]
    fn feed_updated_is_latest_entry_or_epoch() {
        let config = config();
        let date = StoryDate::parse("2022-02-10", &jiff::tz::TimeZone::UTC).unwrap();
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
