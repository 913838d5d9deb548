//! Runs the CommonMark spec examples through `byline::markdown::render` and checks that the
//! adapters change nothing but what they are meant to.
//!
//! Each example is rendered by byline (extensions and smart punctuation off, heading ids, figures
//! and highlighting on) and by plain pulldown-cmark. After undoing the two intended, mechanical
//! differences (heading `id` attributes, and highlighting markup around code whose text must
//! survive unchanged) the outputs must be identical. Examples with a titled image alone in a
//! paragraph are meant to differ, as figures: they are detected, counted, checked to be figures
//! and left out of the comparison.
//!
//! The spec examples come from `BYLINE_COMMONMARK_JSON`, or else from
//! `../shared/conformance/commonmark-0.31.2.json` beside the crate. When the file is absent the
//! test is skipped, except under CI (env `CI` set), where that is a failure.

use std::path::PathBuf;

use byline::markdown::{MarkdownOptions, RenderContext, render};
use pulldown_cmark::{Event, Parser, Tag, TagEnd, html};

struct Example {
    number: u64,
    section: String,
    markdown: String,
    html: String,
}

fn spec_path() -> PathBuf {
    match std::env::var_os("BYLINE_COMMONMARK_JSON") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/conformance/commonmark-0.31.2.json"
        )),
    }
}

/// The spec examples, or None when the file is absent outside CI.
fn load_examples() -> Option<Vec<Example>> {
    let path = spec_path();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            let in_ci = std::env::var_os("CI").is_some_and(|value| !value.is_empty());
            assert!(
                !in_ci,
                "CommonMark spec examples not readable at {}: {error}",
                path.display()
            );
            eprintln!(
                "skipping CommonMark conformance: {} not readable ({error}); set BYLINE_COMMONMARK_JSON",
                path.display()
            );
            return None;
        }
    };
    let spec: serde_json::Value = serde_json::from_str(&text).expect("spec file is JSON");
    let examples = spec["examples"]
        .as_array()
        .expect("spec file has an `examples` array")
        .iter()
        .map(|example| {
            let field = |name: &str| {
                example[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("example lacks string field `{name}`: {example}"))
                    .to_owned()
            };
            Example {
                number: example["example"].as_u64().expect("example number"),
                section: field("section"),
                markdown: field("markdown"),
                html: field("html"),
            }
        })
        .collect();
    Some(examples)
}

/// Plain pulldown-cmark, no options: what byline must reproduce.
fn plain_html(markdown: &str) -> String {
    let mut html = String::new();
    html::push_html(&mut html, Parser::new(markdown));
    html
}

/// Whether some paragraph of the example holds nothing but an image with a title, the one
/// construct byline deliberately renders differently (as a `<figure>`).
fn has_figure(markdown: &str) -> bool {
    let mut events = Parser::new(markdown);
    while let Some(event) = events.next() {
        if !matches!(event, Event::Start(Tag::Paragraph)) {
            continue;
        }
        let Some(Event::Start(Tag::Image { title, .. })) = events.next() else {
            continue;
        };
        if title.is_empty() {
            continue;
        }
        // Skip the image's alt text, which may hold tags of its own.
        let mut depth = 0usize;
        for inner in events.by_ref() {
            match inner {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                _ => {}
            }
        }
        if matches!(events.next(), Some(Event::End(TagEnd::Paragraph))) {
            return true;
        }
    }
    false
}

/// Removes the ` id="..."` byline gives headings: `<h2 id="x">` becomes `<h2>`.
fn without_heading_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = find_heading_id(rest) {
        // `start` is where ` id="` begins, right after `<hN`.
        out.push_str(&rest[..start]);
        let value_start = start + " id=\"".len();
        let value_end = rest[value_start..]
            .find('"')
            .map_or(rest.len(), |offset| value_start + offset + 1);
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}

fn find_heading_id(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = html[from..].find("<h") {
        let tag = from + offset;
        let after = &html.as_bytes()[tag + 2..];
        if after.len() > 5 && (b'1'..=b'6').contains(&after[0]) && after[1..].starts_with(b" id=\"")
        {
            return Some(tag + 3);
        }
        from = tag + 2;
    }
    None
}

/// Turns each highlighted block back into the plain block pulldown-cmark writes, so that the
/// comparison proves highlighting kept the code's text exactly. Counts the blocks in `blocks`.
fn without_highlighting(html: &str, blocks: &mut usize) -> String {
    const OPEN: &str = "<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"";
    const CLOSE: &str = "</code></pre>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let block = &rest[start..];
        let unterminated = || panic!("unterminated highlighted block in {html}");
        let pre_end = block.find("\">").unwrap_or_else(unterminated) + 2;
        let code_open_end = pre_end + block[pre_end..].find('>').unwrap_or_else(unterminated) + 1;
        let close = block.find(CLOSE).unwrap_or_else(unterminated);
        // `<code class="language-X">` stays as it is; only `<pre>` loses its attributes.
        out.push_str("<pre>");
        out.push_str(&block[pre_end..code_open_end]);
        let mut code = &block[code_open_end..close];
        while !code.is_empty() {
            if code.starts_with("<span") {
                let tag_end = code.find('>').map_or(code.len(), |end| end + 1);
                code = &code[tag_end..];
            } else if let Some(after) = code.strip_prefix("</span>") {
                code = after;
            } else {
                let text_end = code.find('<').unwrap_or(code.len());
                // syntect escapes quotes, pulldown-cmark leaves them in code text.
                out.push_str(
                    &code[..text_end]
                        .replace("&quot;", "\"")
                        .replace("&#39;", "'"),
                );
                code = &code[text_end..];
            }
        }
        out.push_str(CLOSE);
        rest = &block[close + CLOSE.len()..];
        *blocks += 1;
    }
    out.push_str(rest);
    out
}

#[test]
fn adapters_change_only_what_they_mean_to() {
    let Some(examples) = load_examples() else {
        return;
    };
    assert_eq!(examples.len(), 655, "CommonMark 0.31.2 has 655 examples");

    let options = MarkdownOptions {
        extensions: false,
        smart_punctuation: false,
        heading_ids: true,
        figures: true,
        highlight: true,
        accessible_markup: true,
        safe_html: false,
    };
    let context = RenderContext::new(&options);

    let mut figure_examples = Vec::new();
    let mut highlighted_blocks = 0;
    let mut compared = 0;
    let mut differences = Vec::new();
    let mut byline_matches_spec = 0;
    let mut plain_matches_spec = 0;
    let mut plain_matches_spec_overall = 0;

    for example in &examples {
        let ours = render(&example.markdown, &context).html;
        let plain = plain_html(&example.markdown);
        plain_matches_spec_overall += usize::from(plain == example.html);
        if has_figure(&example.markdown) {
            assert!(
                ours.contains("<figure>"),
                "example {} has a titled image alone in a paragraph but no figure:\n{ours}",
                example.number
            );
            figure_examples.push(example.number);
            continue;
        }
        compared += 1;
        let ours = without_highlighting(&without_heading_ids(&ours), &mut highlighted_blocks)
            .replace("<pre tabindex=\"0\"><code", "<pre><code");
        if ours != plain {
            differences.push(format!(
                "example {} ({}):\n  markdown: {:?}\n  byline:   {:?}\n  plain:    {:?}",
                example.number, example.section, example.markdown, ours, plain
            ));
        }
        byline_matches_spec += usize::from(ours == example.html);
        plain_matches_spec += usize::from(plain == example.html);
    }

    println!(
        "CommonMark 0.31.2: {compared} of {} examples compared, {} identical to plain \
         pulldown-cmark ({highlighted_blocks} highlighted code blocks compared as text); \
         {} excluded as figures {figure_examples:?}; matching the spec's HTML exactly among the \
         compared: byline {byline_matches_spec}, plain pulldown-cmark {plain_matches_spec} \
         (plain pulldown-cmark on all {}: {plain_matches_spec_overall})",
        examples.len(),
        compared - differences.len(),
        figure_examples.len(),
        examples.len(),
    );
    assert!(
        differences.is_empty(),
        "{} examples differ from plain pulldown-cmark:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert!(
        byline_matches_spec >= plain_matches_spec,
        "byline matches the spec in {byline_matches_spec} examples, plain pulldown-cmark in {plain_matches_spec}"
    );
    assert!(
        highlighted_blocks > 0,
        "no example exercised highlighting; the comparison would miss changes to code text"
    );
}

#[test]
fn helpers_undo_only_the_intended_differences() {
    assert_eq!(
        without_heading_ids("<h2 id=\"a-b\">A</h2>\n<div id=\"keep\"></div><h7 id=\"x\">"),
        "<h2>A</h2>\n<div id=\"keep\"></div><h7 id=\"x\">"
    );
    let mut blocks = 0;
    assert_eq!(
        without_highlighting(
            "<p>x</p>\n<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"rb\"><code class=\"language-rb\">\
             <span class=\"hl-a\">&quot;a&#39; &amp;<span class=\"hl-b\">&lt;</span></span>\n</code></pre>\n",
            &mut blocks
        ),
        "<p>x</p>\n<pre><code class=\"language-rb\">\"a' &amp;&lt;\n</code></pre>\n"
    );
    assert_eq!(blocks, 1);
    assert!(has_figure("![a](b \"t\")\n"));
    assert!(has_figure("> ![a *b*](c \"t\")\n"));
    assert!(!has_figure("![a](b)\n"));
    assert!(!has_figure("x ![a](b \"t\")\n"));
    assert!(!has_figure("![a](b \"t\") x\n"));
}
