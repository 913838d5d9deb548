//! The one place byline escapes text for the formats it writes: HTML (through
//! pulldown-cmark's own escaper, so byline's markup escapes exactly as the Markdown around it),
//! XML text and JSON inside a `<script>` element.

use std::fmt;

use pulldown_cmark_escape::FmtWriter;

/// Writes `text` escaped for HTML text and quoted attribute values (`& < > " '`, nothing more,
/// so URLs stay readable).
pub fn write_html(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    pulldown_cmark_escape::escape_html(FmtWriter(out), text)
}

/// `text` escaped for HTML (see [`write_html`]).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// Appends `text` escaped for element content only (`& < >`; quotes stay readable).
pub fn push_html_text(out: &mut String, text: &str) {
    let _ = pulldown_cmark_escape::escape_html_body_text(out, text);
}

/// Appends `text` escaped for a quoted attribute value (see [`write_html`]).
pub fn push_html_attribute(out: &mut String, text: &str) {
    let _ = pulldown_cmark_escape::escape_html(out, text);
}

/// Appends a URL for a quoted `src` or `href`, escaped as pulldown-cmark escapes the URLs it
/// writes: characters that may not appear raw in a URL are percent-encoded, `&` and `'` become
/// entities.
pub fn push_href(out: &mut String, url: &str) {
    let _ = pulldown_cmark_escape::escape_href(out, url);
}

/// `text` as an XML parser reads it back from element content: without the characters XML 1.0
/// does not allow even escaped (ASCII control characters other than tab, line feed and carriage
/// return, U+FFFE and U+FFFF; front matter can hold them, as YAML escapes like `"\x01"`), and
/// with `\r\n` and a lone `\r` written as `\n`, as XML parsers read them anyway. The template
/// engine escapes the markup characters afterwards.
pub fn xml_text(text: &str) -> String {
    let allowed = |c: char| !(c.is_control() && c < '\u{80}' && !matches!(c, '\t' | '\n' | '\r'));
    let allowed = |c: char| allowed(c) && c != '\u{FFFE}' && c != '\u{FFFF}';
    // Story bodies go through here whole: looking at bytes first keeps the common case (nothing
    // to drop) a fast scan. U+FFFE and U+FFFF are the only refused characters of more than one
    // byte, and both start with 0xEF in UTF-8.
    let bytes = text.as_bytes();
    let plain_ascii = |b: u8| (b >= 0x20 && b != 0x7F) || b == b'\t' || b == b'\n';
    let noncharacter = |at: usize| matches!(bytes.get(at + 1..at + 3), Some([0xBF, 0xBE | 0xBF]));
    if bytes.iter().all(|&b| plain_ascii(b)) && !memchr::memchr_iter(0xEF, bytes).any(noncharacter)
    {
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

/// Makes serialized JSON safe inside a `<script>` element: `<`, `>` and `&` (which could end the
/// element or start a comment) and the line separators U+2028 and U+2029 (which old JavaScript
/// parsers refuse in strings) as `\u` escapes, which every JSON parser reads back as written.
pub fn json_in_script(json: &str) -> String {
    // Most documents hold none of the five (U+2028 and U+2029 start with the byte 0xE2): copy
    // those whole rather than character by character.
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes_only() {
        assert_eq!(
            html(r#"<a href="x">Tom's & Jerry's</a> /a/b/"#),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt; /a/b/"
        );
        let mut text = String::new();
        push_html_text(&mut text, r#"1 < 2 & "quoted""#);
        assert_eq!(text, r#"1 &lt; 2 &amp; "quoted""#);
        let mut href = String::new();
        push_href(&mut href, "/a b/é?x=1&y='2'");
        assert_eq!(href, "/a%20b/%C3%A9?x=1&amp;y=&#x27;2&#x27;");
    }

    #[test]
    fn json_cannot_end_its_script() {
        assert_eq!(
            json_in_script(r#"{"a":"</script><!--&"}"#),
            r#"{"a":"\u003c/script\u003e\u003c!--\u0026"}"#
        );
        assert_eq!(
            json_in_script("{\"a\":\"\u{2028}\"}"),
            "{\"a\":\"\\u2028\"}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text, escaped, can neither open nor close a tag or an attribute value, and an
        /// HTML parser reads it back as the same text, in an element and in an attribute.
        /// (`\PC` leaves out control characters, which HTML parsers rewrite: `\r` as `\n`, NUL
        /// dropped.)
        #[test]
        fn escaped_text_is_inert_and_reads_back(text in r#"(\PC|[<>&"'=/ ]|&(amp|lt|#39);){0,40}"#) {
            let escaped = html(&text);
            for raw in ['<', '>', '"', '\''] {
                proptest::prop_assert!(!escaped.contains(raw), "{raw:?} in {escaped:?}");
            }
            for (index, _) in escaped.match_indices('&') {
                let reference = &escaped[index..];
                proptest::prop_assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                        .iter()
                        .any(|known| reference.starts_with(known)),
                    "bare & in {escaped:?}"
                );
            }
            let page = scraper::Html::parse_fragment(&format!(
                "<p title=\"{escaped}\">{escaped}</p><p title='{escaped}'></p>"
            ));
            let selector = scraper::Selector::parse("p").expect("a valid selector");
            let paragraphs: Vec<_> = page.select(&selector).collect();
            proptest::prop_assert_eq!(paragraphs.len(), 2);
            proptest::prop_assert_eq!(paragraphs[0].text().collect::<String>(), text.as_str());
            for paragraph in paragraphs {
                proptest::prop_assert_eq!(paragraph.value().attr("title"), Some(text.as_str()));
            }
        }
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
                html(&attribute),
                html(&element)
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
        assert_eq!(xml_text("a\u{FFFE}\u{F8FF}\u{7F}"), "a\u{F8FF}");
        assert_eq!(xml_text("\u{FFFD} \u{FEFF}"), "\u{FFFD} \u{FEFF}");
        assert_eq!(xml_text("</script> & \"q\""), "</script> & \"q\"");
        assert_eq!(xml_text("a\r\nb\rc\r\r\n"), "a\nb\nc\n\n");
        assert_eq!(xml_attribute_text("a\tb\r\nc\u{0}"), "a b c");
    }
}
