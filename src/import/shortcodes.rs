//! Shortcodes and template tags in story texts. byline runs none of them: WordPress'
//! `[caption]` becomes a figure, Jekyll's `{% highlight %}` a fenced code block, and every other
//! one is kept as text where it stood (so readers would see it) and named in the report.

use std::borrow::Cow;

/// A WordPress shortcode found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcode<'a> {
    pub name: &'a str,
    /// Byte range of the whole shortcode, closing tag included.
    pub start: usize,
    pub end: usize,
    /// `name="value"` pairs (values without their quotes) and bare words.
    pub attributes: Vec<(&'a str, &'a str)>,
    /// The text between the opening and the closing tag, if it has one.
    pub content: Option<&'a str>,
}

impl Shortcode<'_> {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| *value)
    }
}

/// Shortcodes of WordPress itself, recognised even without attributes.
const WORDPRESS_SHORTCODES: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
];

/// The longest opening tag read as a shortcode.
const MAX_TAG: usize = 4096;

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Reads `key="value" key='value' key=value word` up to the closing `]`.
fn parse_attributes(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'=' {
            i += 1;
        }
        let key = &text[key_start..i];
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            let (value, next) = match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let from = i + 1;
                    let to = text[from..]
                        .find(quote as char)
                        .map_or(text.len(), |p| from + p);
                    (&text[from..to], (to + 1).min(text.len()))
                }
                _ => {
                    let from = i;
                    let mut to = i;
                    while to < bytes.len() && !bytes[to].is_ascii_whitespace() {
                        to += 1;
                    }
                    (&text[from..to], to)
                }
            };
            out.push((key, value));
            i = next;
        } else if !key.is_empty() {
            out.push((key, ""));
        }
    }
    out
}

/// Finds the WordPress shortcodes of `text`, in order. `[[name]]` (WordPress' escape) and
/// bracketed words that are not shortcodes (`[sic]`, `[1]`) are left alone: a shortcode is one
/// of WordPress' own, or has attributes, or has a closing tag.
pub fn find_wordpress(text: &str) -> Vec<Shortcode<'_>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'[', &bytes[i..]) {
        let start = i + offset;
        i = start + 1;
        if bytes.get(start + 1) == Some(&b'[') {
            // `[[gallery]]` is how WordPress writes a shortcode as text.
            if let Some(close) = text[start..].find("]]") {
                i = start + close + 2;
            }
            continue;
        }
        let name_start = start + 1;
        let mut name_end = name_start;
        while name_end < bytes.len() && is_name_char(bytes[name_end]) {
            name_end += 1;
        }
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let Some(close) = text[name_end..]
            .char_indices()
            .take_while(|(p, _)| *p < MAX_TAG)
            .find(|(_, c)| *c == ']' || *c == '[')
            .map(|(p, c)| (name_end + p, c))
        else {
            continue;
        };
        if close.1 != ']' {
            continue;
        }
        let after_name = bytes.get(name_end).copied().unwrap_or(b']');
        if !(after_name == b']' || after_name == b'/' || after_name.is_ascii_whitespace()) {
            continue;
        }
        let name = &text[name_start..name_end];
        let inside = text[name_end..close.0].trim_end();
        let self_closing = inside.ends_with('/');
        let attributes = parse_attributes(inside.trim_end_matches('/'));
        let open_end = close.0 + 1;
        let closing = format!("[/{name}]");
        let (content, end) = match (self_closing, text[open_end..].find(&closing)) {
            (false, Some(p)) => (
                Some(&text[open_end..open_end + p]),
                open_end + p + closing.len(),
            ),
            _ => (None, open_end),
        };
        let known = WORDPRESS_SHORTCODES.contains(&name.to_ascii_lowercase().as_str());
        let has_attributes = attributes.iter().any(|(_, v)| !v.is_empty());
        if !(known || has_attributes || content.is_some()) {
            continue;
        }
        found.push(Shortcode {
            name,
            start,
            end,
            attributes,
            content,
        });
        // The caption's own text may not hold shortcodes worth reading separately; others
        // (an [embed] in a [column]) are found on their own as well.
        i = if name == "caption" || name == "wp_caption" {
            end
        } else {
            open_end
        };
    }
    found
}

/// Finds Hugo shortcodes (`{{< name >}}`, `{{% name %}}`) in `text`: (name, count), closing
/// tags not counted.
pub fn find_hugo(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for open in ["{{<", "{{%"] {
        let mut rest = text;
        while let Some(p) = rest.find(open) {
            rest = &rest[p + 3..];
            let inner = rest.trim_start();
            if inner.starts_with('/') || inner.starts_with("/*") {
                continue;
            }
            let name: String = inner
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '/')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// Jekyll's Liquid in a Markdown text: `{% highlight lang %}...{% endhighlight %}` becomes a
/// fenced code block and `{{ site.baseurl }}` nothing (the site is served from its root);
/// returns the text and the names of the tags kept as they were.
pub fn convert_liquid(text: &str) -> (Cow<'_, str>, Vec<String>) {
    if !text.contains("{%") && !text.contains("{{") {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut kept = Vec::new();
    let mut rest = text;
    loop {
        let tag = rest.find("{%");
        let output = rest.find("{{");
        let Some(p) = [tag, output].into_iter().flatten().min() else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..p]);
        let after = &rest[p..];
        let is_tag = after.starts_with("{%");
        let close = if is_tag { "%}" } else { "}}" };
        // The closer is looked for after the opener: in `{%}` the `%}` shares the opener's `%`.
        let Some(end) = after[2..].find(close).map(|at| at + 2) else {
            out.push_str(after);
            break;
        };
        let whole = &after[..end + 2];
        let inner = whole[2..whole.len() - 2].trim().trim_matches('-').trim();
        rest = &after[end + 2..];
        if is_tag {
            let mut words = inner.split_whitespace();
            let name = words.next().unwrap_or("");
            match name {
                "highlight" => {
                    let language = words.next().unwrap_or("");
                    out.push_str("```");
                    out.push_str(language);
                    if !rest.starts_with('\n') {
                        out.push('\n');
                    }
                }
                "endhighlight" => {
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str("```");
                }
                "raw" | "endraw" => {}
                _ => {
                    kept.push(format!("{{% {name} %}}"));
                    out.push_str(whole);
                }
            }
        } else {
            let variable = inner.split('|').next().unwrap_or("").trim();
            if variable == "site.baseurl" || variable == "site.url" {
                continue;
            }
            kept.push(format!("{{{{ {variable} }}}}"));
            out.push_str(whole);
        }
    }
    (Cow::Owned(out), kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opener_that_shares_its_closer_s_character_is_kept_as_text() {
        for text in ["{%}", "{{}", "a {%} b", "{%}%}"] {
            let (converted, _) = convert_liquid(text);
            assert!(!converted.is_empty(), "{text}");
        }
        assert_eq!(convert_liquid("a {%} b").0, "a {%} b");
    }

    #[test]
    fn wordpress_shortcodes_are_found_with_attributes_and_content() {
        let text = "A [gallery ids=\"1,2,3\" columns=2] and [caption id=\"attachment_5\" align=\"alignnone\" width=\"800\"]<img src=\"a.jpg\" alt=\"A\"> The court.[/caption] [sic] [1] [[gallery]] [embed]https://youtu.be/x[/embed] [contact-form-7 id='9' /]";
        let found = find_wordpress(text);
        let names: Vec<&str> = found.iter().map(|s| s.name).collect();
        assert_eq!(names, ["gallery", "caption", "embed", "contact-form-7"]);
        assert_eq!(found[0].attribute("ids"), Some("1,2,3"));
        assert_eq!(found[0].attribute("columns"), Some("2"));
        assert_eq!(
            found[1].content,
            Some("<img src=\"a.jpg\" alt=\"A\"> The court.")
        );
        assert_eq!(
            &text[found[1].start..found[1].end],
            "[caption id=\"attachment_5\" align=\"alignnone\" width=\"800\"]<img src=\"a.jpg\" alt=\"A\"> The court.[/caption]"
        );
        assert_eq!(found[2].content, Some("https://youtu.be/x"));
        assert_eq!(found[3].attribute("id"), Some("9"));
    }

    #[test]
    fn brackets_that_are_not_shortcodes_are_left_alone() {
        assert!(find_wordpress("[sic] [1] [a](b) [ x ] [").is_empty());
        assert!(find_wordpress("unclosed [gallery ids=\"1\"").is_empty());
    }

    #[test]
    fn hugo_shortcodes_are_named() {
        let text = "{{< youtube abc >}} {{% note %}}x{{% /note %}} {{< figure src=\"a.png\" >}}";
        assert_eq!(find_hugo(text), ["youtube", "figure", "note"]);
    }

    #[test]
    fn liquid_highlight_becomes_a_code_block() {
        let (text, kept) = convert_liquid(
            "Intro\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n![a]({{ site.baseurl }}/x.png)\n{% include note.html %} {{ page.title }}",
        );
        assert_eq!(
            text,
            "Intro\n\n```ruby\nputs 1\n```\n\n![a](/x.png)\n{% include note.html %} {{ page.title }}"
        );
        assert_eq!(kept, ["{% include %}", "{{ page.title }}"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text: shortcodes found lie inside it, in order, and nothing panics (`{%}` once
        /// did: its `%}` was taken for the closer of its own `{%`).
        #[test]
        fn any_text_is_scanned_without_panic(text in r#"(\PC|[\[\]/="' {}%<>]){0,120}"#) {
            let found = find_wordpress(&text);
            for code in &found {
                proptest::prop_assert!(code.start < code.end && code.end <= text.len());
                proptest::prop_assert_eq!(&text[code.start..code.start + 1], "[");
            }
            let _ = find_hugo(&text);
            let _ = convert_liquid(&text);
        }
    }
}
