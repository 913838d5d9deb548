//! Safe HTML (`--safe-html`, `safe_html: true` in site.yaml): the rendered Markdown of a story
//! or series description is cleaned with ammonia, for sites whose authors are not all trusted.
//!
//! By default raw HTML in Markdown passes through (newsrooms embed charts). With safe HTML,
//! everything that could run code or load another page is removed: `<script>`, `<style>`,
//! `<iframe>`, `<object>`, `<form>`, event handlers (`onerror=`, `onclick=`), `javascript:`
//! and other unknown URL schemes, `style` attributes (except a table cell's alignment). What
//! byline's own Markdown adapters write is kept as it is: heading ids, figures with captions
//! and credits, image sizes and lazy loading, tables in their scrolling wrapper, highlighted
//! code (`hl-` classes), footnotes and task-list checkboxes. Only the story text is cleaned,
//! never the theme's output.

use std::sync::LazyLock;

use ammonia::Builder;

/// The table-cell styles pulldown-cmark writes for a column's alignment, the only styles kept.
const ALIGNMENTS: [&str; 3] = [
    "text-align: left",
    "text-align: center",
    "text-align: right",
];

/// The sanitiser, configured once.
static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        // The theme styles byline's own classes; author HTML may use them too, which is
        // harmless. Ids are how headings and footnotes are linked to.
        .add_generic_attributes(["class", "id", "role", "aria-label", "aria-hidden"])
        .add_tags(["input", "picture", "source"])
        // Task-list checkboxes: disabled, so nothing can be submitted.
        .add_tag_attributes("input", ["disabled", "checked"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .add_tag_attributes("img", ["loading", "title", "srcset", "sizes"])
        // Figures offer their image at several widths. An image source cannot run code, so
        // `srcset` is kept like `src`.
        .add_tag_attributes("source", ["type", "srcset", "sizes"])
        // Scrolling tables and code blocks are reachable with the keyboard.
        .add_tag_attributes("pre", ["tabindex", "data-lang"])
        .add_tag_attributes("div", ["tabindex"])
        // Table alignment is written as a style; no other style is kept (a style can cover the
        // page with a fake login box).
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .attribute_filter(|_, attribute, value| {
            (attribute != "style" || ALIGNMENTS.contains(&value)).then_some(value.into())
        })
        // byline's links carry no rel; adding one would make safe pages differ for nothing.
        .link_rel(None);
    builder
});

/// `html` with everything that could run code or load another page removed.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_handlers_and_dangerous_urls() {
        let cleaned = clean(
            "<p>Hi<script>alert(1)</script></p>\
             <img src=\"x.png\" onerror=\"alert(2)\" alt=\"x\">\
             <a href=\"javascript:alert(3)\">link</a>\
             <iframe src=\"https://evil.example\"></iframe>\
             <div style=\"position:fixed\" onclick=\"alert(4)\">box</div>\
             <table><tr><td style=\"text-align: right; position: fixed\">cell</td></tr></table>\
             <form action=\"/x\"><input type=\"text\" name=\"q\"></form>",
        );
        for gone in [
            "script",
            "alert",
            "onerror",
            "javascript",
            "iframe",
            "evil",
            "position",
            "onclick",
            "form",
            "text",
        ] {
            assert!(!cleaned.contains(gone), "{gone} left in {cleaned}");
        }
        assert!(cleaned.contains("<p>Hi</p>"), "{cleaned}");
        assert!(cleaned.contains("<div>box</div>"), "{cleaned}");
        assert!(cleaned.contains("<td>cell</td>"), "{cleaned}");
    }

    #[test]
    fn keeps_what_the_markdown_adapters_write() {
        for html in [
            "<h2 id=\"the-ruling\">The ruling</h2>",
            "<figure><img src=\"/images/court.jpg\" alt=\"A crowd\" width=\"1200\" height=\"800\" loading=\"lazy\"><figcaption>Zug. <span class=\"credit\">Credit: AP</span></figcaption></figure>",
            "<figure><picture><source type=\"image/webp\" srcset=\"/i/a-480w.webp 480w, /i/a-800w.webp 800w\" sizes=\"100vw\"><img src=\"/i/a.jpg\" srcset=\"/i/a-480w.jpg 480w, /i/a.jpg 800w\" sizes=\"100vw\" alt=\"A\" width=\"800\" height=\"450\" loading=\"lazy\"></picture></figure>",
            "<div class=\"table-scroll\" tabindex=\"0\"><table><thead><tr><th>a</th><th style=\"text-align: right\">b</th></tr></thead></table></div>",
            "<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-storage hl-rust\">fn</span></code></pre>",
            "<ul><li><input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"Done\">done</li></ul>",
            "<p>Text<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup></p><div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup><p>Note.</p></div>",
            "<p><a href=\"/s/story/\" title=\"T\">x</a> <a href=\"https://example.org/a?b=1\">y</a> <a href=\"mailto:desk@example.org\">z</a></p>",
            "<ol start=\"3\"><li><del>old</del> <em>new</em> <strong>bold</strong> <code>c</code></li></ol><blockquote><p>q</p></blockquote><hr>",
        ] {
            assert_eq!(clean(html), html, "changed");
        }
    }
}
