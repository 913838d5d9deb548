//! Story texts written in HTML (WordPress' post bodies, Jekyll's `.html` posts) to Markdown,
//! with htmd. htmd runs in its faithful mode: whatever Markdown cannot say (an embedded player,
//! a table with merged cells, styled text) stays HTML inside the Markdown rather than being
//! lost, and the report names each element kept so. Before converting, the HTML is cleaned of
//! attributes that only served the old theme (`class`, image sizes and `srcset`, link
//! `target`s), so they do not keep an otherwise plain paragraph or image in HTML; headings keep
//! their `id` as `{#id}`, figures with a caption become images with a title, and simple tables
//! become Markdown tables.

use std::collections::BTreeMap;
use std::rc::Rc;

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::options::{BulletListMarker, Options, TranslationMode};
use htmd::{Element, HtmlToMarkdown};
use html5ever::serialize::{SerializeOpts, TraversalScope};
use markup5ever_rcdom::{Handle, NodeData, SerializableHandle};
use pulldown_cmark::{Event, Parser};

/// A converted text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    pub markdown: String,
    /// HTML elements kept as HTML in the Markdown, by name, with how often.
    pub raw_html: BTreeMap<String, usize>,
}

/// Reusable converter (its handlers are set up once).
pub struct HtmlConverter {
    inner: HtmlToMarkdown,
}

impl Default for HtmlConverter {
    fn default() -> Self {
        HtmlConverter::new()
    }
}

fn tag_of(node: &Handle) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

fn attribute(node: &Handle, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn is_blank_text(node: &Handle) -> bool {
    match &node.data {
        NodeData::Text { contents } => contents.borrow().trim().is_empty(),
        NodeData::Comment { .. } => true,
        _ => false,
    }
}

/// The text of a node and its children, whitespace collapsed.
fn text_content(node: &Handle) -> String {
    fn collect(node: &Handle, out: &mut String) {
        match &node.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            _ => {
                for child in node.children.borrow().iter() {
                    collect(child, out);
                }
            }
        }
    }
    let mut out = String::new();
    collect(node, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The node as HTML, its blank lines removed (a blank line would end an HTML block in
/// Markdown and turn the rest into text).
fn serialize(node: &Handle) -> String {
    let mut bytes = Vec::new();
    let options = SerializeOpts {
        traversal_scope: TraversalScope::IncludeNode,
        ..SerializeOpts::default()
    };
    if html5ever::serialize(&mut bytes, &SerializableHandle::from(node.clone()), options).is_err() {
        return text_content(node);
    }
    let html = String::from_utf8_lossy(&bytes);
    html.lines()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn block(content: &str) -> HandlerResult {
    HandlerResult {
        content: format!("\n\n{}\n\n", content.trim_matches('\n')),
        markdown_translated: true,
    }
}

fn raw_block(node: &Handle) -> HandlerResult {
    HandlerResult {
        content: format!("\n\n{}\n\n", serialize(node)),
        markdown_translated: false,
    }
}

/// `![alt](src "title")` with what Markdown needs escaped.
pub fn markdown_image(alt: &str, src: &str, title: Option<&str>) -> String {
    let alt = alt
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]");
    let src = if src.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", src.replace('<', "%3C").replace('>', "%3E"))
    } else {
        src.to_string()
    };
    match title.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")) {
        Some(title) if !title.is_empty() => format!(
            "![{alt}]({src} \"{}\")",
            title.replace('\\', "\\\\").replace('"', "\\\"")
        ),
        _ => format!("![{alt}]({src})"),
    }
}

/// Containers that say nothing without their attributes: unwrapped when they have none left.
fn container_handler(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    if element.attrs.is_empty() {
        Some(block(&handlers.walk_children(element.node).content))
    } else {
        handlers.fallback(element)
    }
}

/// A heading whose only attribute is its `id` keeps it as `{#id}`, which byline's Markdown
/// reads back as the heading's id (links to `#id` keep working).
fn heading_handler(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let [only] = element.attrs else {
        return handlers.fallback(element);
    };
    if &*only.name.local != "id" {
        return handlers.fallback(element);
    }
    let id = only.value.trim();
    let children = handlers.walk_children(element.node);
    let text = children.content.trim();
    if !children.markdown_translated
        || text.is_empty()
        || text.contains('\n')
        || id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return handlers.fallback(element);
    }
    let level = element.tag[1..].parse::<usize>().unwrap_or(2);
    Some(block(&format!("{} {text} {{#{id}}}", "#".repeat(level))))
}

/// `<figure><img><figcaption>` (WordPress' `[caption]` and its block editor's images) becomes
/// a Markdown image whose title is the caption; byline shows it as a figure.
fn figure_handler(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let mut image: Option<Handle> = None;
    let mut caption: Option<String> = None;
    let mut other = false;
    fn find_image(node: &Handle) -> Option<Handle> {
        match tag_of(node) {
            Some("img") => Some(node.clone()),
            Some("a") | Some("p") | Some("div") | Some("span") => {
                let children = node.children.borrow();
                let elements: Vec<&Handle> =
                    children.iter().filter(|c| !is_blank_text(c)).collect();
                match elements.as_slice() {
                    [one] => find_image(one),
                    _ => None,
                }
            }
            _ => None,
        }
    }
    for child in element.node.children.borrow().iter() {
        if is_blank_text(child) {
            continue;
        }
        match tag_of(child) {
            Some("figcaption") if caption.is_none() => caption = Some(text_content(child)),
            _ if image.is_none() => match find_image(child) {
                Some(found) => image = Some(found),
                None => other = true,
            },
            _ => other = true,
        }
    }
    let (Some(image), false) = (image, other) else {
        return handlers.fallback(element);
    };
    let Some(src) = attribute(&image, "src") else {
        return handlers.fallback(element);
    };
    let alt = attribute(&image, "alt").unwrap_or_default();
    let title = caption
        .filter(|c| !c.is_empty())
        .or_else(|| attribute(&image, "title"));
    Some(block(&markdown_image(&alt, &src, title.as_deref())))
}

/// A table with a header row, no merged cells and only inline content in its cells becomes a
/// Markdown table; any other stays HTML.
fn table_handler(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let node = element.node;
    if !element.attrs.is_empty() {
        return Some(raw_block(node));
    }
    let mut rows: Vec<(Handle, bool)> = Vec::new();
    let mut simple = true;
    for child in node.children.borrow().iter() {
        if is_blank_text(child) {
            continue;
        }
        match tag_of(child) {
            Some("thead") | Some("tbody") | Some("tfoot") => {
                let in_head = tag_of(child) == Some("thead");
                if child.data_has_attributes() {
                    simple = false;
                }
                for row in child.children.borrow().iter() {
                    if is_blank_text(row) {
                        continue;
                    }
                    if tag_of(row) == Some("tr") {
                        rows.push((row.clone(), in_head));
                    } else {
                        simple = false;
                    }
                }
            }
            Some("tr") => rows.push((child.clone(), false)),
            _ => simple = false,
        }
    }
    if !simple || rows.is_empty() {
        return Some(raw_block(node));
    }
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut header = false;
    for (index, (row, in_head)) in rows.iter().enumerate() {
        if row.data_has_attributes() {
            return Some(raw_block(node));
        }
        let mut cells = Vec::new();
        let mut all_th = true;
        for cell in row.children.borrow().iter() {
            if is_blank_text(cell) {
                continue;
            }
            let tag = tag_of(cell);
            if !matches!(tag, Some("td") | Some("th")) || cell.data_has_attributes() {
                return Some(raw_block(node));
            }
            all_th &= tag == Some("th");
            let content = handlers.walk_children(cell).content;
            let content = content.trim();
            if content.contains("\n\n") {
                return Some(raw_block(node));
            }
            cells.push(
                content
                    .replace("  \n", " ")
                    .replace('\n', " ")
                    .replace('|', "\\|"),
            );
        }
        if index == 0 {
            header = *in_head || all_th;
        } else if *in_head || (all_th && index > 0 && rows[0].1) {
            // A second header row cannot be said in Markdown.
            return Some(raw_block(node));
        }
        table.push(cells);
    }
    let width = table[0].len();
    if !header || width == 0 || table.iter().any(|row| row.len() != width) {
        return Some(raw_block(node));
    }
    let mut out = String::new();
    for (index, row) in table.iter().enumerate() {
        out.push_str("| ");
        out.push_str(&row.join(" | "));
        out.push_str(" |\n");
        if index == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(width));
            out.push('\n');
        }
    }
    Some(block(&out))
}

trait HasAttributes {
    fn data_has_attributes(&self) -> bool;
}

impl HasAttributes for Rc<markup5ever_rcdom::Node> {
    fn data_has_attributes(&self) -> bool {
        match &self.data {
            NodeData::Element { attrs, .. } => !attrs.borrow().is_empty(),
            _ => false,
        }
    }
}

/// Elements whose attributes are what they are (players, embeds, forms): never cleaned.
const KEEP_ATTRIBUTES: &[&str] = &[
    "iframe", "script", "video", "audio", "source", "track", "embed", "object", "param", "form",
    "input", "button", "select", "option", "textarea", "style", "svg", "math", "noscript",
    "canvas", "picture",
];

/// Attributes that only served the old site's look.
fn presentational(tag: &str, attribute: &str) -> bool {
    if attribute.starts_with("data-") {
        return true;
    }
    match attribute {
        "class" => true,
        "target" | "rel" => tag == "a",
        "width" | "height" | "srcset" | "sizes" | "loading" | "decoding" | "fetchpriority"
        | "style" | "border" | "align" | "hspace" | "vspace" => {
            tag == "img" || is_table_part(tag) && attribute != "style"
        }
        "cellpadding" | "cellspacing" | "valign" | "bgcolor" | "frame" | "rules" | "summary" => {
            is_table_part(tag)
        }
        _ => false,
    }
}

fn is_table_part(tag: &str) -> bool {
    matches!(
        tag,
        "table" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th" | "colgroup" | "col"
    )
}

/// Embeds whose `class` their script needs (a tweet, an Instagram post).
fn is_embed_blockquote(class: &str) -> bool {
    ["tweet", "instagram", "tiktok", "embed", "facebook"]
        .iter()
        .any(|word| class.contains(word))
}

/// Removes presentational attributes and rewrites media addresses in the whole tree.
fn clean(node: &Handle, rewrite: &mut dyn FnMut(&str) -> Option<String>) {
    if let NodeData::Element { name, attrs, .. } = &node.data {
        let tag: &str = &name.local;
        if !KEEP_ATTRIBUTES.contains(&tag) {
            let mut attrs = attrs.borrow_mut();
            let embed = tag == "blockquote"
                && attrs
                    .iter()
                    .any(|a| &*a.name.local == "class" && is_embed_blockquote(&a.value));
            if !embed {
                attrs.retain(|a| !presentational(tag, &a.name.local));
            }
            for attr in attrs.iter_mut() {
                let key: &str = &attr.name.local;
                if matches!((tag, key), ("img", "src") | ("a", "href"))
                    && let Some(new) = rewrite(&attr.value)
                {
                    attr.value = new.into();
                }
            }
        } else if tag == "source" || tag == "video" || tag == "audio" {
            for attr in attrs.borrow_mut().iter_mut() {
                if matches!(&*attr.name.local, "src" | "poster")
                    && let Some(new) = rewrite(&attr.value)
                {
                    attr.value = new.into();
                }
            }
        }
    }
    // Comments (the block editor's `<!-- wp:paragraph -->`, `<!--more-->`) say nothing to
    // readers.
    node.children
        .borrow_mut()
        .retain(|child| !matches!(child.data, NodeData::Comment { .. }));
    for child in node.children.borrow().iter() {
        clean(child, rewrite);
    }
}

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The outermost HTML elements left in a Markdown text, by name (a kept table counts once,
/// not once per cell).
pub fn raw_html_in(markdown: &str) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    let mut depth = 0usize;
    let options = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        let (Event::Html(html) | Event::InlineHtml(html)) = event else {
            continue;
        };
        let mut rest: &str = &html;
        while let Some(p) = rest.find('<') {
            rest = &rest[p + 1..];
            let closing = rest.starts_with('/');
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let tag_end = rest.find('>').unwrap_or(rest.len());
            let self_closing = rest[..tag_end].ends_with('/');
            if closing {
                depth = depth.saturating_sub(1);
                continue;
            }
            if depth == 0 {
                *found.entry(name.clone()).or_insert(0) += 1;
            }
            if !VOID.contains(&name.as_str()) && !self_closing {
                depth += 1;
            }
        }
    }
    found
}

impl HtmlConverter {
    pub fn new() -> HtmlConverter {
        let options = Options {
            translation_mode: TranslationMode::Faithful,
            bullet_list_marker: BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Options::default()
        };
        let inner = HtmlToMarkdown::builder()
            .options(options)
            .skip_tags(vec!["head", "meta", "link", "title"])
            .add_handler(
                vec![
                    "div", "section", "article", "header", "footer", "aside", "main", "center",
                ],
                container_handler,
            )
            .add_handler(vec!["h1", "h2", "h3", "h4", "h5", "h6"], heading_handler)
            .add_handler(vec!["figure"], figure_handler)
            .add_handler(vec!["table"], table_handler)
            .build();
        HtmlConverter { inner }
    }

    /// Converts `html`; `rewrite` gives the new address of an image or link it should change
    /// (media of the old site), or `None` to keep it.
    pub fn convert(
        &self,
        html: &str,
        rewrite: &mut dyn FnMut(&str) -> Option<String>,
    ) -> Converted {
        let markdown = match self.inner.html_to_tree(html) {
            Ok(tree) => {
                clean(&tree, rewrite);
                self.inner.tree_to_markdown(&tree)
            }
            Err(_) => html.to_string(),
        };
        let markdown = tidy(&markdown);
        let raw_html = raw_html_in(&markdown);
        Converted { markdown, raw_html }
    }
}

/// Trailing spaces off every line but hard breaks, at most one blank line in a row.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for line in markdown.lines() {
        let kept = if line.ends_with("  ") && !line.trim().is_empty() {
            line
        } else {
            line.trim_end()
        };
        if kept.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(kept);
        out.push('\n');
    }
    out.trim_matches('\n').to_string()
}

/// WordPress keeps paragraphs of the classic editor as blank-line separated text (its theme adds
/// the `<p>` tags when showing a post, "wpautop"): wraps each such paragraph in `<p>` and turns
/// its single line breaks into `<br>`. Text that already has its paragraphs (block-editor
/// posts) is returned as it is. `<pre>` blocks are left alone.
pub fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    if text.contains("<!-- wp:") || text.trim_start().starts_with("<p") {
        return text;
    }
    const BLOCKS: &[&str] = &[
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "colgroup",
        "col",
        "div",
        "dl",
        "dd",
        "dt",
        "ul",
        "ol",
        "li",
        "pre",
        "form",
        "map",
        "area",
        "blockquote",
        "address",
        "math",
        "style",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "fieldset",
        "legend",
        "section",
        "article",
        "aside",
        "hgroup",
        "header",
        "footer",
        "nav",
        "figure",
        "figcaption",
        "details",
        "menu",
        "summary",
        "iframe",
        "script",
        "video",
        "audio",
        "object",
        "embed",
        "noscript",
        "center",
    ];
    let starts_block = |chunk: &str| {
        let chunk = chunk.trim_start();
        let Some(rest) = chunk.strip_prefix('<') else {
            return false;
        };
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        BLOCKS.contains(&name.as_str()) || rest.starts_with("!--")
    };
    // Split into chunks at blank lines, but never inside <pre>...</pre>.
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_pre = false;
    for line in text.split('\n') {
        let lower = line.to_ascii_lowercase();
        if !in_pre && line.trim().is_empty() {
            if !current.trim().is_empty() {
                chunks.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
        let opens = lower.matches("<pre").count();
        let closes = lower.matches("</pre>").count();
        if opens > closes {
            in_pre = true;
        } else if closes > opens {
            in_pre = false;
        }
    }
    if !current.trim().is_empty() {
        chunks.push(current);
    }
    let mut out = String::with_capacity(text.len() + chunks.len() * 8);
    for chunk in chunks {
        if starts_block(&chunk) {
            out.push_str(&chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.trim().replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(html: &str) -> Converted {
        HtmlConverter::new().convert(html, &mut |url: &str| {
            url.strip_prefix("https://news.example")
                .filter(|path| path.starts_with("/wp-content/uploads/"))
                .map(str::to_string)
        })
    }

    #[test]
    fn entities_and_inline_markup_become_markdown() {
        let out = convert(
            "<p>Caf&eacute; &amp; bar &#8220;quoted&#8221; *star* <strong>bold</strong> <em>it</em> <a href=\"https://example.org/a\" target=\"_blank\" rel=\"noopener\">link</a></p>",
        );
        assert_eq!(
            out.markdown,
            "Café & bar “quoted” \\*star\\* **bold** *it* [link](https://example.org/a)"
        );
        assert!(out.raw_html.is_empty());
    }

    #[test]
    fn theme_classes_and_image_sizes_are_dropped_and_uploads_rewritten() {
        let out = convert(
            "<p class=\"lead\"><img class=\"aligncenter size-full wp-image-5\" src=\"https://news.example/wp-content/uploads/2019/03/a.jpg\" alt=\"Alt &amp; text\" width=\"800\" height=\"600\" srcset=\"x 300w\" /></p>",
        );
        assert_eq!(
            out.markdown,
            "![Alt & text](/wp-content/uploads/2019/03/a.jpg)"
        );
    }

    #[test]
    fn headings_keep_their_id() {
        let out =
            convert("<h2 id=\"money\" class=\"wp-block-heading\">Follow the <em>money</em></h2>");
        assert_eq!(out.markdown, "## Follow the *money* {#money}");
    }

    #[test]
    fn figures_with_captions_become_images_with_titles() {
        let out = convert(
            "<figure class=\"wp-caption\"><a href=\"https://news.example/x/\"><img src=\"https://news.example/wp-content/uploads/b.jpg\" alt=\"The court\"></a><figcaption>Outside the \"court\" in Zug.</figcaption></figure>",
        );
        assert_eq!(
            out.markdown,
            "![The court](/wp-content/uploads/b.jpg \"Outside the \\\"court\\\" in Zug.\")"
        );
    }

    #[test]
    fn simple_tables_become_markdown_and_others_stay_html() {
        let out = convert(
            "<table class=\"wp-table\" border=\"1\"><thead><tr><th>Name</th><th>Amount</th></tr></thead><tbody><tr><td>A | B</td><td>1,200</td></tr></tbody></table>",
        );
        assert_eq!(
            out.markdown,
            "| Name | Amount |\n| --- | --- |\n| A \\| B | 1,200 |"
        );
        let merged = convert(
            "<table><tr><th>Year</th><th>Total</th></tr><tr><td colspan=\"2\">None</td></tr></table>",
        );
        assert!(
            merged.markdown.starts_with("<table>"),
            "{}",
            merged.markdown
        );
        assert_eq!(merged.raw_html.get("table"), Some(&1));
        let headless = convert("<table><tr><td>a</td><td>b</td></tr></table>");
        assert!(headless.markdown.starts_with("<table>"));
    }

    #[test]
    fn embeds_are_kept_as_html_and_counted() {
        let out = convert(
            "<p>Watch:</p>\n<iframe src=\"https://www.youtube.com/embed/abc\" width=\"560\" height=\"315\" allowfullscreen></iframe>\n<blockquote class=\"twitter-tweet\"><p>tweet</p></blockquote><script async src=\"https://platform.twitter.com/widgets.js\"></script>",
        );
        assert!(
            out.markdown.contains(
                "<iframe src=\"https://www.youtube.com/embed/abc\" width=\"560\" height=\"315\""
            ),
            "{}",
            out.markdown
        );
        assert!(
            out.markdown
                .contains("<blockquote class=\"twitter-tweet\">")
        );
        assert_eq!(out.raw_html.get("iframe"), Some(&1));
        assert_eq!(out.raw_html.get("script"), Some(&1));
        assert_eq!(out.raw_html.get("blockquote"), Some(&1));
    }

    #[test]
    fn autop_makes_paragraphs_of_classic_posts() {
        assert_eq!(
            autop("First line\nsecond line\n\n<h2>Head</h2>\n\nLast\n\n<pre>code\n\nmore</pre>"),
            "<p>First line<br>second line</p>\n\n<h2>Head</h2>\n\n<p>Last</p>\n\n<pre>code\n\nmore</pre>\n\n"
        );
        assert_eq!(
            autop("<!-- wp:paragraph --><p>x</p>"),
            "<!-- wp:paragraph --><p>x</p>"
        );
    }

    #[test]
    fn shortcode_text_stays_visible() {
        let out = convert("<p>[gallery ids=\"1,2\"]</p>");
        assert_eq!(out.markdown, "\\[gallery ids=\"1,2\"\\]");
    }
}
