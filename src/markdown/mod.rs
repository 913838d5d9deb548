//! Renders a story body from Markdown to HTML and collects what later checks need: headings,
//! links, images and the first paragraph.
//!
//! # How rendering works
//!
//! pulldown-cmark parses the body into a stream of events (`Start(Paragraph)`, `Text("...")`,
//! `End(Paragraph)`, ...), each with the byte range of the source it came from. Rather than
//! rendering HTML ourselves, we pass that stream through small *adapters*: iterator stages that
//! each change or observe one thing and hand every other event on untouched. pulldown-cmark's own
//! `push_html` then writes the result, so everything we do not deliberately change renders
//! exactly as pulldown-cmark renders it. In order:
//!
//! 1. `HeadingIds` gives every heading an `id`: an explicit `{#id}` wins, otherwise a slug of the
//!    heading's text (`section` when nothing in it can be slugged), made unique in document order
//!    with `-1`, `-2`, ... suffixes. Explicit ids are used as written even when repeated: that is
//!    the author's to fix, and a check can find it in [`BodyScan::headings`], where every
//!    heading is recorded.
//! 2. Three steps that never hold an event back share one `map` stage, since every stage costs
//!    a move of every event:
//!    - `ImageRecords` records every image as written (source, alt text, caption, credit,
//!      position) in [`BodyScan::images`];
//!    - `LinkUrls` records every link and image destination as written, with its position, in
//!      [`BodyScan::links`], and replaces it with what [`RenderContext::rewrite_url`]
//!      returns;
//!    - `FirstParagraph` keeps the plain text of the first top-level paragraph, the fallback for
//!      a story's summary.
//! 3. `Figures` turns a paragraph that holds nothing but an image with a title into a
//!    `<figure>` (see below).
//! 4. [`highlight`] colours fenced code blocks whose language it knows.
//! 5. `AccessibleMarkup` adds what keyboards and screen readers need and pulldown-cmark does not
//!    write: each table is wrapped in `<div class="table-scroll" tabindex="0">` (a theme lets it
//!    scroll sideways on a phone, and a keyboard can then scroll it), and a task list's
//!    checkboxes get a label (the theme's words for "Done" or "Not done", [`Words`]). Code blocks, which scroll
//!    too, get `tabindex="0"` on their `<pre>` for the same reason.
//! 6. `FootnoteBackLinks` writes footnotes as pulldown-cmark does (same numbers, classes and
//!    ids) and adds what it does not: each reference gets an id (`fnref-<label>`, then
//!    `fnref-<label>-2`, ... for further references to the same note) and each note ends with a
//!    link back to every place it is cited (`↩︎`, labelled with the theme's words, [`Words`]).
//!
//! A stage holds back at most one heading, one figure candidate or one code block; the rest of
//! the stream flows through without being collected, which keeps rendering cheap on sites with
//! thousands of stories. Raw HTML is passed through unchanged, so stories can embed charts.
//!
//! Figures and highlighted blocks reach `push_html` as ready-made HTML, so it cannot put the line
//! break it sometimes writes before a block: inside a list item they follow `<li>` directly
//! (`<li><figure>` rather than `<li>\n<p>`). Browsers render both alike.
//!
//! # Images with captions and credits
//!
//! An image whose title holds a caption and a credit, standing alone in its paragraph, becomes a
//! figure. The credit follows the last `Credit:` in the title (any capitalisation):
//!
//! ```markdown
//! ![A crowd outside the court](/images/court.jpg "Protesters outside the court in Zug. Credit: Anna Keller/Reuters")
//! ```
//!
//! renders as
//!
//! ```html
//! <figure><img src="/images/court.jpg" alt="A crowd outside the court" width="1200" height="800" loading="lazy"><figcaption>Protesters outside the court in Zug. <span class="credit">Credit: Anna Keller/Reuters</span></figcaption></figure>
//! ```
//!
//! A title without `Credit:` is all caption; a title that is only `Credit: ...` gives a credit
//! without a caption (see [`split_caption_credit`]). An image without a title, or one that shares
//! its paragraph with text or a link, stays an ordinary `<img>` with a `title` attribute. Every
//! image, figure or not, is recorded with the caption and credit its title holds. A figure's
//! `width` and `height` (the image's pixel size, so browsers reserve its space before it loads)
//! come from [`RenderContext::image_size`]; without one, or for an image it does not know, they
//! are left out.

pub mod highlight;
pub mod sanitize;

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::escape;

/// Which Markdown features a render uses. Every feature is on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Tables, footnotes, strikethrough, task lists and heading attributes (`{#id}`).
    pub extensions: bool,
    /// Curly quotes, en and em dashes and ellipses in place of their ASCII spellings.
    pub smart_punctuation: bool,
    /// Give every heading an `id` so readers can link to sections.
    pub heading_ids: bool,
    /// Turn a titled image standing alone in its paragraph into a `<figure>` with caption and
    /// credit.
    pub figures: bool,
    /// Syntax-highlight fenced code blocks that name a known language.
    pub highlight: bool,
    /// Keyboard access to tables and code blocks (which scroll sideways on narrow screens) and
    /// labels on task list checkboxes (see the module documentation).
    pub accessible_markup: bool,
    /// Clean the HTML of everything that could run code or load another page, raw HTML
    /// included ([`sanitize`]). Off by default: authors are trusted and may embed charts.
    pub safe_html: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        Self {
            extensions: true,
            smart_punctuation: true,
            heading_ids: true,
            figures: true,
            highlight: true,
            accessible_markup: true,
            safe_html: false,
        }
    }
}

/// The caller's URL rewrite: given a link or image destination as written, the URL to put in
/// the HTML instead, or None to keep it. It may borrow from the caller for `'a`.
pub type RewriteUrl<'a> = dyn Fn(&str) -> Option<String> + Sync + 'a;

/// The caller's image sizes: given an image source as it goes into the HTML (after
/// [`RenderContext::rewrite_url`]), its width and height in pixels, when known.
pub type ImageSize<'a> = dyn Fn(&str) -> Option<(u32, u32)> + Sync + 'a;

/// The responsive versions of an image the caller publishes: `srcset` values (`url 480w, ...`)
/// of its widths in its own format and as WebP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srcsets {
    pub own: String,
    pub webp: String,
}

/// The caller's responsive images: given an image source as it goes into the HTML (after
/// [`RenderContext::rewrite_url`]), its [`Srcsets`], when it publishes them.
pub type ImageSources<'a> = dyn Fn(&str) -> Option<Srcsets> + Sync + 'a;

/// What a render needs to know besides the Markdown itself.
#[derive(Clone, Copy)]
pub struct RenderContext<'a> {
    /// Which Markdown features to use.
    pub options: &'a MarkdownOptions,
    /// 1-based line in the source file where the Markdown body starts (front matter comes
    /// before), so reported lines are file lines.
    pub first_line: usize,
    /// Called with every link and image destination as written; Some(new) replaces it in the
    /// HTML. The caller uses it to resolve relative paths and `other-story.md` links.
    pub rewrite_url: Option<&'a RewriteUrl<'a>>,
    /// Called with the source of every figure's image; its size becomes the `width` and
    /// `height` attributes.
    pub image_size: Option<&'a ImageSize<'a>>,
    /// Called with the source of every figure's image; when it gives [`Srcsets`], the figure
    /// offers the image at those widths (`<picture>`, `srcset`) for `figure_sizes`.
    pub image_sources: Option<&'a ImageSources<'a>>,
    /// The `sizes` of a figure's image: how wide the theme shows it.
    pub figure_sizes: &'a str,
    /// The words the HTML carries.
    pub words: Words<'a>,
    /// Ids the page uses around the text, which its headings and footnotes must not take.
    pub reserved_ids: Option<&'a IsReserved<'a>>,
}

impl<'a> RenderContext<'a> {
    /// A context for a body that starts on the file's first line, with URLs left as written.
    pub fn new(options: &'a MarkdownOptions) -> Self {
        Self {
            options,
            first_line: 1,
            rewrite_url: None,
            image_size: None,
            image_sources: None,
            figure_sizes: "100vw",
            words: Words::ENGLISH,
            reserved_ids: None,
        }
    }
}

impl fmt::Debug for RenderContext<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The rewrite function has no Debug; whether there is one is what matters when debugging.
        formatter
            .debug_struct("RenderContext")
            .field("options", self.options)
            .field("first_line", &self.first_line)
            .field(
                "rewrite_url",
                &self.rewrite_url.map(|_| "Fn(&str) -> Option<String>"),
            )
            .field(
                "image_size",
                &self.image_size.map(|_| "Fn(&str) -> Option<(u32, u32)>"),
            )
            .field(
                "image_sources",
                &self.image_sources.map(|_| "Fn(&str) -> Option<Srcsets>"),
            )
            .field("figure_sizes", &self.figure_sizes)
            .field("words", &self.words)
            .field(
                "reserved_ids",
                &self.reserved_ids.map(|_| "Fn(&str) -> bool"),
            )
            .finish()
    }
}

/// What a text holds that the checks and listings need: found by [`scan`] (and by [`render`]
/// on the way).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyScan {
    /// Every heading, in document order.
    pub headings: Vec<Heading>,
    /// Every footnote, in the order first mentioned (by a reference or its definition).
    pub footnotes: Vec<Footnote>,
    /// Every link and image destination, in document order.
    pub links: Vec<LinkRef>,
    /// Every image, figure or not, in document order.
    pub images: Vec<InlineImage>,
    /// Plain text of the first top-level paragraph that has any text (text inside images does
    /// not count), or None when there is no such paragraph.
    pub first_paragraph: Option<String>,
    /// Where block quotes and lists first nest more than [`MAX_NESTING`] levels deep (file line
    /// and column), or None.
    pub too_deep: Option<(usize, usize)>,
}

/// A rendered text: its HTML and what [`scan`] finds in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub html: String,
    pub scan: BodyScan,
}

/// The reader-facing words the rendered HTML carries, from the theme's strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Words<'a> {
    /// Before the credit in a figure's caption: "Credit:".
    pub credit: &'a str,
    /// The labels of a task list's checkboxes.
    pub done: &'a str,
    pub not_done: &'a str,
    /// Shown instead of a text too deeply nested to clean for safe HTML.
    pub too_deep: &'a str,
    /// The label of a footnote's link back to where it is cited; `{number}` is the note's
    /// number.
    pub footnote_back: &'a str,
}

impl Words<'static> {
    /// The default theme's English words (the theme's strings file has the same).
    pub const ENGLISH: Words<'static> = Words {
        credit: "Credit:",
        done: "Done",
        not_done: "Not done",
        too_deep: "This text nests quotes or lists too deeply to be shown.",
        footnote_back: "Back to the text of note {number}",
    };
}

/// How deeply block quotes and lists may nest. Browsers stop nesting elements at a few hundred
/// levels, and an HTML parser (the safe-HTML sanitiser's) takes time growing with the square of
/// the depth, so a stray run of `>` or `- ` is stopped here; real stories nest a few levels.
pub const MAX_NESTING: usize = 100;

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heading {
    /// 1 for `<h1>` to 6 for `<h6>`.
    pub level: u8,
    /// The `id` attribute the heading got: the explicit `{#id}`, or a unique slug of its text.
    /// Empty when heading ids are switched off and the heading has no explicit id. Unique
    /// among the text's ids; on a page that uses ids of its own around the text, see
    /// [`BodyScan::heading_ids_on_page`].
    pub id: String,
    /// Whether the id was written as `{#id}` (kept as written, even when another element of
    /// the page has it: the checks report that).
    pub explicit: bool,
    /// The heading's plain text.
    pub text: String,
    /// 1-based line in the source file.
    pub line: usize,
}

/// A footnote of the body, and the id its definition has (its references link to it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Footnote {
    /// The label as first written (`[^sources]`: `sources`).
    pub label: String,
    /// The label, or the label with `-1`, `-2`, ... when a heading before it has that id.
    pub id: String,
    /// How many headings come before its first mention, so its place among them is known.
    pub headings_before: usize,
}

/// Whether an id is taken on the page around a text (by the theme, by a story's claims and
/// corrections): the text's headings and footnotes are given other ids.
pub type IsReserved<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// A link or image destination.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkRef {
    /// The destination as written, before [`RenderContext::rewrite_url`]. An email autolink
    /// (`<desk@example.org>`) is given as `mailto:desk@example.org`, so no one mistakes it for a
    /// relative path.
    pub url: String,
    /// 1-based line in the source file where the link or image starts.
    pub line: usize,
    /// 1-based column, in characters, where the link or image starts.
    pub column: usize,
    /// The column just after its end, when it ends on the line it starts on.
    pub end_column: Option<usize>,
}

/// An image in the body, figure or not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InlineImage {
    /// The image source as written, before [`RenderContext::rewrite_url`].
    pub src: String,
    /// Plain text of the alt text.
    pub alt: String,
    /// The caption part of the title (see [`split_caption_credit`]).
    pub caption: Option<String>,
    /// The credit part of the title (see [`split_caption_credit`]).
    pub credit: Option<String>,
    /// 1-based line in the source file where the image starts.
    pub line: usize,
    /// 1-based column, in characters, where the image starts.
    pub column: usize,
    /// The column just after its end, when it ends on the line it starts on.
    pub end_column: Option<usize>,
}

/// Renders a story body to HTML and collects its headings, links, images and first paragraph.
///
/// Never fails: any text is valid Markdown.
pub fn render(markdown: &str, context: &RenderContext) -> Rendered {
    process(markdown, context, true)
}

/// Collects what [`render`] collects (headings, links, images, first paragraph) without
/// writing HTML: the checks need only those, and skipping figures, highlighting and HTML
/// output makes `byline check` several times cheaper per story.
pub fn scan(markdown: &str, context: &RenderContext) -> BodyScan {
    process(markdown, context, false).scan
}

fn process(markdown: &str, context: &RenderContext, write_html: bool) -> Rendered {
    let options = context.options;
    let positions = SourcePositions::new(markdown, context.first_line);
    let mut headings = Vec::new();
    let mut footnotes = Vec::new();
    let mut links = Vec::new();
    let mut images = Vec::new();
    let mut first_paragraph = None;

    let events = Parser::new_ext(markdown, parser_options(options)).into_offset_iter();
    let ids = PageIds::new(context.reserved_ids);
    let events = HeadingIds::new(
        events,
        options.heading_ids,
        ids,
        &positions,
        (&mut headings, &mut footnotes),
    );
    // These steps never hold an event back, so one pass runs them all: each iterator layer
    // costs a move of every event.
    let mut image_records = ImageRecords::new(&positions, &mut images);
    let mut link_urls = LinkUrls::new(context.rewrite_url, &positions, &mut links);
    let mut first_paragraph_text = FirstParagraph::new(&mut first_paragraph);
    let mut too_deep = None;
    let mut nesting = Nesting::new(&positions, &mut too_deep);
    let events = events.map(move |(mut event, range)| {
        // Images are recorded before the rewrite, as the author wrote them.
        image_records.observe(&event, &range);
        link_urls.rewrite(&mut event, &range);
        first_paragraph_text.observe(&event);
        nesting.observe(&event, &range);
        // Nothing after this point reports positions.
        event
    });
    let mut html = String::new();
    if write_html {
        let events = Figures::new(events, options.figures, context);
        let events = highlight::HighlightCode::new(events, options.highlight);
        let events = AccessibleMarkup::new(events, options.accessible_markup, &context.words);
        let events = FootnoteBackLinks::new(events, options.extensions, &context.words);
        // HTML is usually somewhat longer than its Markdown; reserving that avoids most regrowth.
        html.reserve(markdown.len() + markdown.len() / 2);
        html::push_html(&mut html, events);
        if options.accessible_markup && html.contains(PLAIN_PRE) {
            // A code block's start is written by push_html itself, which alone knows whether a
            // line break goes before it; the attribute is added afterwards. Text and code are
            // escaped, so `<pre><code` appears nowhere else but in an author's raw HTML, whose
            // code blocks scroll the same way.
            html = html.replace(PLAIN_PRE, FOCUSABLE_PRE);
        }
        if options.safe_html {
            // Too deep to clean in reasonable time; the checks report it, so it is never built.
            html = match too_deep {
                None => sanitize::clean(&html),
                Some(_) => too_deep_notice(context.words.too_deep),
            };
        }
    } else {
        events.for_each(drop);
    }

    // An archive's scans stay in memory from reading to writing: none keeps the room it grew.
    for heading in &mut headings {
        heading.text.shrink_to_fit();
        heading.id.shrink_to_fit();
    }
    headings.shrink_to_fit();
    footnotes.shrink_to_fit();
    links.shrink_to_fit();
    images.shrink_to_fit();
    if let Some(text) = &mut first_paragraph {
        text.shrink_to_fit();
    }
    Rendered {
        html,
        scan: BodyScan {
            headings,
            footnotes,
            links,
            images,
            first_paragraph,
            too_deep,
        },
    }
}

/// What a safe-HTML preview shows in place of a text nested too deeply to clean.
fn too_deep_notice(words: &str) -> String {
    let mut html = String::from("<p>");
    escape::push_html_text(&mut html, words);
    html.push_str("</p>\n");
    html
}

/// Records where block quotes and lists first nest more than [`MAX_NESTING`] levels deep.
struct Nesting<'p, 'r> {
    positions: &'p SourcePositions<'p>,
    depth: usize,
    too_deep: &'r mut Option<(usize, usize)>,
}

impl<'p, 'r> Nesting<'p, 'r> {
    fn new(positions: &'p SourcePositions<'p>, too_deep: &'r mut Option<(usize, usize)>) -> Self {
        Self {
            positions,
            depth: 0,
            too_deep,
        }
    }

    fn observe(&mut self, event: &Event, range: &Range<usize>) {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                self.depth += 1;
                if self.depth > MAX_NESTING && self.too_deep.is_none() {
                    *self.too_deep = Some(self.positions.line_column(range.start));
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
    }
}

/// Splits an image title into caption and credit at the last `Credit:` (ASCII
/// case-insensitive), trimming both parts.
///
/// An empty part is None; a title without the marker is all caption.
///
/// ```
/// # use byline::markdown::split_caption_credit;
/// assert_eq!(
///     split_caption_credit("Protesters outside the court in Zug. Credit: Anna Keller/Reuters"),
///     (Some("Protesters outside the court in Zug.".into()), Some("Anna Keller/Reuters".into())),
/// );
/// assert_eq!(split_caption_credit("The old town"), (Some("The old town".into()), None));
/// ```
pub fn split_caption_credit(title: &str) -> (Option<String>, Option<String>) {
    const MARKER: &[u8] = b"credit:";
    let marker_start = title
        .as_bytes()
        .windows(MARKER.len())
        .rposition(|window| window.eq_ignore_ascii_case(MARKER));
    match marker_start {
        // The marker is ASCII, so both ends of it are character boundaries and `get` succeeds.
        Some(start) => (
            title.get(..start).and_then(non_empty_trimmed),
            title
                .get(start + MARKER.len()..)
                .and_then(non_empty_trimmed),
        ),
        None => (non_empty_trimmed(title), None),
    }
}

fn non_empty_trimmed(part: &str) -> Option<String> {
    let trimmed = part.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn parser_options(options: &MarkdownOptions) -> Options {
    let mut parser_options = Options::empty();
    if options.extensions {
        parser_options.insert(
            Options::ENABLE_TABLES
                | Options::ENABLE_FOOTNOTES
                | Options::ENABLE_STRIKETHROUGH
                | Options::ENABLE_TASKLISTS
                | Options::ENABLE_HEADING_ATTRIBUTES,
        );
    }
    if options.smart_punctuation {
        parser_options.insert(Options::ENABLE_SMART_PUNCTUATION);
    }
    parser_options
}

/// An event with the byte range of the source it came from.
type Spanned<'a> = (Event<'a>, Range<usize>);

/// Turns byte offsets in the Markdown body into 1-based file lines and columns.
struct SourcePositions<'s> {
    source: &'s str,
    /// Byte offset where each line of `source` starts; the first is always 0.
    line_starts: Vec<usize>,
    first_line: usize,
}

impl<'s> SourcePositions<'s> {
    fn new(source: &'s str, first_line: usize) -> Self {
        let mut line_starts = vec![0];
        // memchr's vectorised search: every story body is scanned for line starts.
        line_starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|index| index + 1));
        Self {
            source,
            line_starts,
            // Line 0 does not exist; a caller passing it most likely meant the first line.
            first_line: first_line.max(1),
        }
    }

    /// The file line and the column in characters of a byte offset into the body.
    /// The column just after `range`, when it ends on the line it starts on (trailing line
    /// breaks aside).
    fn end_column(&self, range: &Range<usize>) -> Option<usize> {
        let text = self.source.get(range.clone())?;
        let end = range.start + text.trim_end().len();
        let (start_line, _) = self.line_column(range.start);
        let (end_line, end_column) = self.line_column(end);
        (start_line == end_line).then_some(end_column)
    }

    fn line_column(&self, offset: usize) -> (usize, usize) {
        // The first line starts at 0, so at least one start is <= offset.
        let line_index = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let characters_before = self
            .source
            .get(line_start..offset)
            .map_or(offset.saturating_sub(line_start), |text| {
                text.chars().count()
            });
        (
            self.first_line.saturating_add(line_index),
            characters_before + 1,
        )
    }
}

/// Appends the text an event carries, as a reader would see it, to `out`.
fn push_text_content(event: &Event, out: &mut String) {
    match event {
        Event::Text(text)
        | Event::Code(text)
        | Event::InlineMath(text)
        | Event::DisplayMath(text) => out.push_str(text),
        Event::SoftBreak | Event::HardBreak => out.push(' '),
        _ => {}
    }
}

/// Collects the plain text of a run of events, leaving out the alt text of images: a reader
/// sees the picture, not its alt text, so it belongs neither in an anchor slug nor in a summary.
#[derive(Default)]
struct PlainText {
    text: String,
    image_depth: usize,
}

impl PlainText {
    fn push(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::Image { .. }) => self.image_depth += 1,
            Event::End(TagEnd::Image) => self.image_depth = self.image_depth.saturating_sub(1),
            _ if self.image_depth > 0 => {}
            _ => push_text_content(event, &mut self.text),
        }
    }

    fn finish(self) -> String {
        let trimmed = self.text.trim();
        if trimmed.len() == self.text.len() {
            self.text
        } else {
            trimmed.to_owned()
        }
    }
}

/// The ids of one text on its page, handed out in document order: each heading's and each
/// footnote's id is unique among them and avoids the ids the page reserves around the text.
/// Linear in the number of ids, however many share a base (each base remembers the next
/// suffix to try).
struct PageIds<'r> {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    reserved: Option<&'r IsReserved<'r>>,
}

impl<'r> PageIds<'r> {
    fn new(reserved: Option<&'r IsReserved<'r>>) -> Self {
        Self {
            used: HashSet::new(),
            next_suffix: HashMap::new(),
            reserved,
        }
    }

    fn is_taken(&self, id: &str) -> bool {
        self.used.contains(id) || self.reserved.is_some_and(|reserved| reserved(id))
    }

    /// `base`, or `base-1`, `base-2`, ... whichever is free, now taken.
    fn unique(&mut self, base: String) -> String {
        if !self.is_taken(&base) {
            self.used.insert(base.clone());
            return base;
        }
        // Every suffix tried before stays taken (ids are never given back), so the search
        // goes on where it stopped last time.
        let mut suffix = self.next_suffix.get(&base).copied().unwrap_or(1);
        let id = loop {
            let candidate = format!("{base}-{suffix}");
            suffix += 1;
            if !self.is_taken(&candidate) {
                break candidate;
            }
        };
        self.next_suffix.insert(base, suffix);
        self.used.insert(id.clone());
        id
    }

    /// An id written by the author (`{#id}`), kept as written.
    fn claim(&mut self, id: &str) {
        self.used.insert(id.to_owned());
    }
}

/// Adapter: gives every heading an `id` and records it, and gives every footnote an id no
/// heading has (pulldown-cmark uses a footnote's label as its id).
struct HeadingIds<'a, 'r, I> {
    events: I,
    /// The held-back events of the heading being emitted.
    pending: VecDeque<Spanned<'a>>,
    assign_ids: bool,
    ids: PageIds<'r>,
    /// Each footnote's id, by its label in lower case (labels match regardless of case), and
    /// whether its definition was met.
    footnote_ids: HashMap<String, (String, bool)>,
    positions: &'r SourcePositions<'r>,
    headings: &'r mut Vec<Heading>,
    footnotes: &'r mut Vec<Footnote>,
}

impl<'a, 'r, I> HeadingIds<'a, 'r, I> {
    fn new(
        events: I,
        assign_ids: bool,
        ids: PageIds<'r>,
        positions: &'r SourcePositions<'r>,
        (headings, footnotes): (&'r mut Vec<Heading>, &'r mut Vec<Footnote>),
    ) -> Self {
        Self {
            events,
            pending: VecDeque::new(),
            assign_ids,
            ids,
            footnote_ids: HashMap::new(),
            positions,
            headings,
            footnotes,
        }
    }

    /// The id of the footnote `label`, given when it is first mentioned. A second definition
    /// of the same label gets an id of its own, so no two elements share one.
    fn footnote_id(&mut self, label: &str, definition: bool) -> String {
        let key = label.to_lowercase();
        if let Some((id, defined)) = self.footnote_ids.get_mut(&key)
            && !(definition && *defined)
        {
            *defined |= definition;
            return id.clone();
        }
        let id = self.ids.unique(label.to_owned());
        self.footnotes.push(Footnote {
            label: label.to_owned(),
            id: id.clone(),
            headings_before: self.headings.len(),
        });
        self.footnote_ids
            .entry(key)
            .or_insert_with(|| (id.clone(), definition));
        id
    }
}

impl<'a, I: Iterator<Item = Spanned<'a>>> Iterator for HeadingIds<'a, '_, I> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(held_back) = self.pending.pop_front() {
            return Some(held_back);
        }
        let (event, range) = self.events.next()?;
        let (level, id, classes, attrs) = match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => (level, id, classes, attrs),
            Event::FootnoteReference(label) if self.assign_ids => {
                let id = self.footnote_id(&label, false);
                return Some((Event::FootnoteReference(id.into()), range));
            }
            Event::Start(Tag::FootnoteDefinition(label)) if self.assign_ids => {
                let id = self.footnote_id(&label, true);
                return Some((Event::Start(Tag::FootnoteDefinition(id.into())), range));
            }
            event => return Some((event, range)),
        };

        // The id is made from the heading's whole text, so its opening tag has to wait until the
        // heading has been read to its end.
        let mut text = PlainText::default();
        for (inner, inner_range) in self.events.by_ref() {
            let heading_ended = matches!(inner, Event::End(TagEnd::Heading(_)));
            text.push(&inner);
            self.pending.push_back((inner, inner_range));
            if heading_ended {
                break;
            }
        }
        let text = text.finish();

        let explicit = id.is_some();
        let id = match id {
            Some(explicit) => {
                let explicit = explicit.into_string();
                if self.assign_ids {
                    // Explicit ids are kept as written, but slugs made later must not repeat them.
                    self.ids.claim(&explicit);
                }
                explicit
            }
            None if self.assign_ids => self.ids.unique(heading_slug(&text)),
            None => String::new(),
        };
        let (line, _) = self.positions.line_column(range.start);
        self.headings.push(Heading {
            level: level as u8,
            id: id.clone(),
            explicit,
            text,
            line,
        });

        let id = (!id.is_empty()).then(|| id.into());
        let start = Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        });
        Some((start, range))
    }
}

impl BodyScan {
    /// The ids the headings get on a page that reserves the ids `reserved` says are taken (the
    /// theme's, a story's claims and corrections), in document order: as [`render`] gives them
    /// with that [`RenderContext::reserved_ids`]. The scan's own ids when none of them is
    /// reserved (the usual case: each id took the first free candidate, and every candidate
    /// it passed over is another of the text's ids); else worked out again in document order.
    pub fn heading_ids_on_page(&self, reserved: &IsReserved) -> Vec<String> {
        let scanned = self.headings.iter().map(|heading| heading.id.as_str());
        let footnotes = self.footnotes.iter().map(|footnote| footnote.id.as_str());
        let clash = scanned
            .clone()
            .chain(footnotes)
            .any(|id| !id.is_empty() && reserved(id));
        if !clash {
            return scanned.map(str::to_owned).collect();
        }
        self.ids_on_page(reserved, |_, _| {})
    }

    /// The headings whose id, written as `{#id}`, another element of the page has too: an
    /// earlier heading or footnote of the text, or the page around it (`reserved`). Ids made
    /// by byline never clash: they avoid every id taken before them.
    pub fn clashing_explicit_ids(&self, reserved: &IsReserved) -> Vec<&Heading> {
        if !self.headings.iter().any(|heading| heading.explicit) {
            return Vec::new();
        }
        let mut clashing = Vec::new();
        self.ids_on_page(reserved, |heading, taken_before| {
            if heading.explicit && taken_before {
                clashing.push(heading);
            }
        });
        clashing
    }

    /// Gives the text's ids again in document order, avoiding `reserved`; tells `each` about
    /// every heading and whether its id was taken before it.
    fn ids_on_page<'s>(
        &'s self,
        reserved: &IsReserved,
        mut each: impl FnMut(&'s Heading, bool),
    ) -> Vec<String> {
        let mut ids = PageIds::new(Some(reserved));
        let mut footnotes = self.footnotes.iter().peekable();
        let mut heading_ids = Vec::with_capacity(self.headings.len());
        for (index, heading) in self.headings.iter().enumerate() {
            while let Some(footnote) = footnotes.next_if(|f| f.headings_before <= index) {
                ids.unique(footnote.label.clone());
            }
            let id = if heading.explicit {
                each(heading, ids.is_taken(&heading.id));
                ids.claim(&heading.id);
                heading.id.clone()
            } else if heading.id.is_empty() {
                String::new()
            } else {
                ids.unique(heading_slug(&heading.text))
            };
            heading_ids.push(id);
        }
        heading_ids
    }
}

/// The slug for a heading's text, `section` when nothing in it can be slugged.
fn heading_slug(text: &str) -> String {
    // Apostrophes would otherwise become dashes: "The court's ruling" should give
    // `the-courts-ruling`, not `the-court-s-ruling`.
    const APOSTROPHES: [char; 3] = ['\'', '\u{2019}', '\u{02BC}'];
    let slug = if text.contains(APOSTROPHES) {
        slug::slugify(text.replace(APOSTROPHES, ""))
    } else {
        slug::slugify(text)
    };
    if slug.is_empty() {
        "section".to_owned()
    } else {
        slug
    }
}

/// Step of the shared `map` stage: records every image with its source as written, alt text,
/// caption and credit.
struct ImageRecords<'r> {
    /// Indexes into `images` of the images whose alt text is being read. Usually none or one,
    /// but alt text may itself contain an image.
    open_images: Vec<usize>,
    positions: &'r SourcePositions<'r>,
    images: &'r mut Vec<InlineImage>,
}

impl<'r> ImageRecords<'r> {
    fn new(positions: &'r SourcePositions<'r>, images: &'r mut Vec<InlineImage>) -> Self {
        Self {
            open_images: Vec::new(),
            positions,
            images,
        }
    }

    fn observe(&mut self, event: &Event, range: &Range<usize>) {
        match event {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let (caption, credit) = split_caption_credit(title);
                let (line, column) = self.positions.line_column(range.start);
                // Recorded now, alt text filled in as it streams past, so that images stay in
                // document order even when one sits inside another's alt text.
                self.open_images.push(self.images.len());
                self.images.push(InlineImage {
                    src: dest_url.to_string(),
                    alt: String::new(),
                    caption,
                    credit,
                    line,
                    column,
                    end_column: self.positions.end_column(range),
                });
            }
            Event::End(TagEnd::Image) => {
                self.open_images.pop();
            }
            _ => {
                for &index in &self.open_images {
                    if let Some(image) = self.images.get_mut(index) {
                        push_text_content(event, &mut image.alt);
                    }
                }
            }
        }
    }
}

/// Step of the shared `map` stage: records every link and image destination and applies the
/// caller's URL rewrite.
struct LinkUrls<'r> {
    rewrite_url: Option<&'r RewriteUrl<'r>>,
    positions: &'r SourcePositions<'r>,
    links: &'r mut Vec<LinkRef>,
}

impl<'r> LinkUrls<'r> {
    fn new(
        rewrite_url: Option<&'r RewriteUrl<'r>>,
        positions: &'r SourcePositions<'r>,
        links: &'r mut Vec<LinkRef>,
    ) -> Self {
        Self {
            rewrite_url,
            positions,
            links,
        }
    }

    fn rewrite(&mut self, event: &mut Event, range: &Range<usize>) {
        let Event::Start(
            Tag::Link {
                link_type,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type,
                dest_url,
                ..
            },
        ) = event
        else {
            return;
        };
        // pulldown-cmark hands over an email autolink without its scheme and adds `mailto:`
        // itself; the caller must see the scheme or it would take the address for a path.
        let is_email = *link_type == LinkType::Email;
        let written = if is_email {
            format!("mailto:{dest_url}")
        } else {
            dest_url.to_string()
        };
        if let Some(replacement) = self.rewrite_url.and_then(|rewrite| rewrite(&written)) {
            *dest_url = replacement.into();
            if is_email {
                // The replacement is a whole URL: stop pulldown-cmark adding `mailto:` again.
                *link_type = LinkType::Inline;
            }
        }
        let (line, column) = self.positions.line_column(range.start);
        self.links.push(LinkRef {
            url: written,
            line,
            column,
            end_column: self.positions.end_column(range),
        });
    }
}

/// Step of the shared `map` stage: keeps the plain text of the first top-level paragraph that
/// has any.
struct FirstParagraph<'r> {
    /// How many block quotes, lists and footnote definitions enclose the current event.
    container_depth: usize,
    /// The text of the top-level paragraph being read, if any.
    paragraph: Option<PlainText>,
    first_paragraph: &'r mut Option<String>,
}

impl<'r> FirstParagraph<'r> {
    fn new(first_paragraph: &'r mut Option<String>) -> Self {
        Self {
            container_depth: 0,
            paragraph: None,
            first_paragraph,
        }
    }

    fn observe(&mut self, event: &Event) {
        if self.first_paragraph.is_some() {
            return;
        }
        match event {
            Event::Start(
                Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList,
            ) => self.container_depth += 1,
            Event::End(
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionList,
            ) => self.container_depth = self.container_depth.saturating_sub(1),
            Event::Start(Tag::Paragraph) if self.container_depth == 0 => {
                self.paragraph = Some(PlainText::default());
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(paragraph) = self.paragraph.take() {
                    let text = paragraph.finish();
                    if !text.is_empty() {
                        *self.first_paragraph = Some(text);
                    }
                }
            }
            _ => {
                if let Some(paragraph) = &mut self.paragraph {
                    paragraph.push(event);
                }
            }
        }
    }
}

/// How pulldown-cmark opens a code block, and the same made reachable by keyboard.
const PLAIN_PRE: &str = "<pre><code";
const FOCUSABLE_PRE: &str = "<pre tabindex=\"0\"><code";

/// Adapter: wraps tables in a focusable scroll container and labels task list checkboxes
/// (see the module documentation).
struct AccessibleMarkup<'a, I> {
    events: I,
    enabled: bool,
    /// The event to hand on after the one just returned.
    pending: Option<Event<'a>>,
    /// The checkboxes of task lists, done and not done, with their labels.
    checkboxes: [String; 2],
}

impl<'a, I: Iterator<Item = Event<'a>>> AccessibleMarkup<'a, I> {
    fn new(events: I, enabled: bool, words: &Words) -> Self {
        let checkbox = |checked: &str, label: &str| {
            let mut html = format!("<input type=\"checkbox\" disabled{checked} aria-label=\"");
            escape::push_html_attribute(&mut html, label);
            html.push_str("\">\n");
            html
        };
        Self {
            events,
            enabled,
            pending: None,
            checkboxes: [
                checkbox(" checked", words.done),
                checkbox("", words.not_done),
            ],
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for AccessibleMarkup<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(pending) = self.pending.take() {
            return Some(pending);
        }
        let event = self.events.next()?;
        if !self.enabled {
            return Some(event);
        }
        match event {
            // The table's own start stays an event: push_html keeps its column alignments.
            Event::Start(Tag::Table(_)) => {
                self.pending = Some(event);
                Some(Event::Html(
                    "<div class=\"table-scroll\" tabindex=\"0\">".into(),
                ))
            }
            Event::End(TagEnd::Table) => {
                self.pending = Some(Event::Html("</div>\n".into()));
                Some(event)
            }
            Event::TaskListMarker(done) => Some(Event::InlineHtml(
                self.checkboxes[usize::from(!done)].clone().into(),
            )),
            other => Some(other),
        }
    }
}

/// Adapter: footnote references with ids, and notes that link back to them (see the module
/// documentation). Numbers follow pulldown-cmark's: in the order each note is first referred to
/// or defined.
struct FootnoteBackLinks<'a, 'w, I> {
    events: I,
    enabled: bool,
    words: &'w Words<'w>,
    /// Each note's label and number, in the order numbered.
    numbers: Vec<(CowStr<'a>, usize)>,
    /// How many times each note (by number) has been referred to so far.
    references: Vec<usize>,
    /// The note being written (its label), between its start and end.
    open_note: Option<CowStr<'a>>,
}

impl<'a, 'w, I: Iterator<Item = Event<'a>>> FootnoteBackLinks<'a, 'w, I> {
    fn new(events: I, enabled: bool, words: &'w Words<'w>) -> Self {
        Self {
            events,
            enabled,
            words,
            numbers: Vec::new(),
            references: Vec::new(),
            open_note: None,
        }
    }

    fn number(&mut self, label: &CowStr<'a>) -> usize {
        if let Some((_, number)) = self.numbers.iter().find(|(known, _)| known == label) {
            return *number;
        }
        let number = self.numbers.len() + 1;
        self.numbers.push((label.clone(), number));
        self.references.push(0);
        number
    }

    fn reference_id(label: &str, nth: usize) -> String {
        if nth == 1 {
            format!("fnref-{label}")
        } else {
            format!("fnref-{label}-{nth}")
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for FootnoteBackLinks<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let event = self.events.next()?;
        if !self.enabled {
            return Some(event);
        }
        match event {
            Event::FootnoteReference(label) => {
                let number = self.number(&label);
                self.references[number - 1] += 1;
                let id = Self::reference_id(&label, self.references[number - 1]);
                let mut html = String::from("<sup class=\"footnote-reference\" id=\"");
                escape::push_html_attribute(&mut html, &id);
                html.push_str("\"><a href=\"#");
                escape::push_html_attribute(&mut html, &label);
                html.push_str(&format!("\">{number}</a></sup>"));
                Some(Event::InlineHtml(html.into()))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let number = self.number(&label);
                let mut html = String::from("<div class=\"footnote-definition\" id=\"");
                escape::push_html_attribute(&mut html, &label);
                html.push_str(&format!(
                    "\"><sup class=\"footnote-definition-label\">{number}</sup>\n"
                ));
                self.open_note = Some(label);
                Some(Event::Html(html.into()))
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let mut html = String::new();
                if let Some(label) = self.open_note.take() {
                    let number = self.number(&label);
                    let label_text = self
                        .words
                        .footnote_back
                        .replace("{number}", &number.to_string());
                    for nth in 1..=self.references[number - 1] {
                        html.push_str("<a class=\"footnote-backref\" href=\"#");
                        escape::push_html_attribute(&mut html, &Self::reference_id(&label, nth));
                        html.push_str("\" aria-label=\"");
                        escape::push_html_attribute(&mut html, &label_text);
                        html.push_str("\">↩\u{FE0E}</a>\n");
                    }
                }
                html.push_str("</div>\n");
                Some(Event::Html(html.into()))
            }
            other => Some(other),
        }
    }
}

/// Adapter: renders a paragraph holding nothing but a titled image as a `<figure>`.
struct Figures<'a, 's, I> {
    events: I,
    enabled: bool,
    image_size: Option<&'s ImageSize<'s>>,
    image_sources: Option<&'s ImageSources<'s>>,
    sizes: &'s str,
    credit: &'s str,
    /// Events read ahead to decide whether a paragraph is a figure, when it was not.
    pending: VecDeque<Event<'a>>,
}

impl<'a, 's, I: Iterator<Item = Event<'a>>> Figures<'a, 's, I> {
    fn new(events: I, enabled: bool, context: &RenderContext<'s>) -> Self {
        Self {
            events,
            enabled,
            image_size: context.image_size,
            image_sources: context.image_sources,
            sizes: context.figure_sizes,
            credit: context.words.credit,
            pending: VecDeque::new(),
        }
    }

    /// Reads the rest of the image whose start is already in `pending`, up to its end.
    fn read_rest_of_image(&mut self) {
        let mut depth = 0usize;
        for event in self.events.by_ref() {
            let image_ended = match &event {
                Event::Start(_) => {
                    depth += 1;
                    false
                }
                Event::End(_) if depth == 0 => true,
                Event::End(_) => {
                    depth -= 1;
                    false
                }
                _ => false,
            };
            self.pending.push_back(event);
            if image_ended {
                break;
            }
        }
    }

    /// The figure HTML for the image events in `pending`, which it empties.
    fn take_figure(&mut self) -> String {
        let mut events = self.pending.drain(..);
        let Some(Event::Start(Tag::Image {
            dest_url, title, ..
        })) = events.next()
        else {
            return String::new();
        };
        let mut alt = String::new();
        for event in events {
            push_text_content(&event, &mut alt);
        }
        let image = FigureImage {
            src: &dest_url,
            alt: &alt,
            size: self.image_size.and_then(|size| size(&dest_url)),
            sources: self.image_sources.and_then(|sources| sources(&dest_url)),
            sizes: self.sizes,
        };
        figure_html(&image, &title, self.credit)
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Figures<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(read_ahead) = self.pending.pop_front() {
            return Some(read_ahead);
        }
        let event = self.events.next()?;
        if !self.enabled || !matches!(event, Event::Start(Tag::Paragraph)) {
            return Some(event);
        }

        // Only a paragraph that opens with a titled image can be a figure, so that is the only
        // kind read ahead any further than one event.
        let Some(first) = self.events.next() else {
            return Some(event);
        };
        let opens_with_titled_image =
            matches!(&first, Event::Start(Tag::Image { title, .. }) if !title.is_empty());
        self.pending.push_back(first);
        if !opens_with_titled_image {
            return Some(event);
        }
        self.read_rest_of_image();
        match self.events.next() {
            Some(Event::End(TagEnd::Paragraph)) => Some(Event::Html(self.take_figure().into())),
            Some(after_image) => {
                self.pending.push_back(after_image);
                Some(event)
            }
            None => Some(event),
        }
    }
}

/// A figure's image: where it is, what it shows, its size and its responsive versions.
struct FigureImage<'i> {
    src: &'i str,
    alt: &'i str,
    size: Option<(u32, u32)>,
    sources: Option<Srcsets>,
    /// How wide the theme shows it (`sizes`).
    sizes: &'i str,
}

/// `<figure>` markup for an image: caption and credit come from its title. An image published
/// at several widths is a `<picture>` offering them as WebP and in its own format.
fn figure_html(image: &FigureImage, title: &str, credit_label: &str) -> String {
    let (caption, credit) = split_caption_credit(title);
    let FigureImage { src, alt, size, .. } = *image;
    let mut html = String::with_capacity(96 + src.len() + title.len() + alt.len());
    html.push_str("<figure>");
    if let Some(sources) = &image.sources {
        html.push_str("<picture><source type=\"image/webp\" srcset=\"");
        escape::push_html_attribute(&mut html, &sources.webp);
        html.push_str("\" sizes=\"");
        escape::push_html_attribute(&mut html, image.sizes);
        html.push_str("\">");
    }
    html.push_str("<img src=\"");
    escape::push_href(&mut html, src);
    if let Some(sources) = &image.sources {
        html.push_str("\" srcset=\"");
        escape::push_html_attribute(&mut html, &sources.own);
        html.push_str("\" sizes=\"");
        escape::push_html_attribute(&mut html, image.sizes);
    }
    html.push_str("\" alt=\"");
    escape::push_html_attribute(&mut html, alt);
    html.push('"');
    if let Some((width, height)) = size {
        html.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    }
    html.push_str(" loading=\"lazy\">");
    if image.sources.is_some() {
        html.push_str("</picture>");
    }
    if caption.is_some() || credit.is_some() {
        html.push_str("<figcaption>");
        if let Some(caption) = &caption {
            escape::push_html_text(&mut html, caption);
        }
        if let Some(credit) = &credit {
            if caption.is_some() {
                html.push(' ');
            }
            html.push_str("<span class=\"credit\">");
            escape::push_html_text(&mut html, credit_label);
            html.push(' ');
            escape::push_html_text(&mut html, credit);
            html.push_str("</span>");
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_with(markdown: &str, options: &MarkdownOptions) -> Rendered {
        render(markdown, &RenderContext::new(options))
    }

    #[test]
    fn scan_collects_like_render_without_html() {
        let source = "# Title\n\nText [a](/x/) and ![b](/i.png \"C. Credit: D\")\n";
        let options = MarkdownOptions::default();
        let context = RenderContext::new(&options);
        let rendered = render(source, &context);
        let scanned = scan(source, &context);
        assert_eq!(scanned, rendered.scan);
    }

    fn render_default(markdown: &str) -> Rendered {
        render_with(markdown, &MarkdownOptions::default())
    }

    fn html(markdown: &str) -> String {
        render_default(markdown).html
    }

    fn ids(rendered: &Rendered) -> Vec<&str> {
        rendered
            .scan
            .headings
            .iter()
            .map(|heading| heading.id.as_str())
            .collect()
    }

    #[test]
    fn headings_get_slug_ids() {
        let rendered = render_default("# The Court's Ruling\n\nText.\n\n## What *happens* next?\n");
        assert_eq!(
            rendered.html,
            "<h1 id=\"the-courts-ruling\">The Court’s Ruling</h1>\n<p>Text.</p>\n\
             <h2 id=\"what-happens-next\">What <em>happens</em> next?</h2>\n"
        );
        assert_eq!(
            rendered.scan.headings,
            vec![
                Heading {
                    level: 1,
                    id: "the-courts-ruling".into(),
                    explicit: false,
                    text: "The Court’s Ruling".into(),
                    line: 1,
                },
                Heading {
                    level: 2,
                    id: "what-happens-next".into(),
                    explicit: false,
                    text: "What happens next?".into(),
                    line: 5,
                },
            ]
        );
    }

    #[test]
    fn duplicate_headings_get_numbered_suffixes() {
        let rendered = render_default("## Methods\n\n## Methods\n\n## Methods\n\n## Methods 1\n");
        assert_eq!(
            ids(&rendered),
            ["methods", "methods-1", "methods-2", "methods-1-1"]
        );
        assert_eq!(
            rendered.html,
            "<h2 id=\"methods\">Methods</h2>\n<h2 id=\"methods-1\">Methods</h2>\n\
             <h2 id=\"methods-2\">Methods</h2>\n<h2 id=\"methods-1-1\">Methods 1</h2>\n"
        );
    }

    #[test]
    fn thousands_of_equal_headings_take_linear_time() {
        // Each repeat used to try every suffix from -1 up again: 20,000 took 22 s.
        let markdown = "## a\n\n".repeat(20_000) + "## a 1\n";
        let started = std::time::Instant::now();
        let rendered = render_default(&markdown);
        let ids = ids(&rendered);
        assert_eq!(ids[0], "a");
        assert_eq!(ids[19_999], "a-19999");
        assert_eq!(ids[20_000], "a-1-1");
        let unique: HashSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn footnotes_and_headings_share_one_set_of_ids() {
        let rendered = render_default(
            "## Sources\n\nText[^sources] and[^1] and[^Note].\n\n## 1\n\n[^sources]: A.\n[^1]: B.\n[^note]: C.\n",
        );
        assert_eq!(ids(&rendered), ["sources", "1-1"]);
        let html = &rendered.html;
        for id in ["sources-1", "1", "Note"] {
            assert!(html.contains(&format!("href=\"#{id}\"")), "{id}: {html}");
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
        }
        let footnotes: Vec<(&str, &str, usize)> = rendered
            .scan
            .footnotes
            .iter()
            .map(|f| (f.label.as_str(), f.id.as_str(), f.headings_before))
            .collect();
        assert_eq!(
            footnotes,
            [
                ("sources", "sources-1", 1),
                ("1", "1", 1),
                ("Note", "Note", 1)
            ]
        );
    }

    #[test]
    fn ids_the_page_reserves_are_left_to_it_and_the_scan_agrees() {
        let markdown = "## Main\n\n## Main\n\nA note[^main].\n\n## Claims heading {#claims-heading}\n\n[^main]: N.\n";
        let options = MarkdownOptions::default();
        let reserved = |id: &str| matches!(id, "main" | "claims-heading" | "main-2");
        let context = RenderContext {
            reserved_ids: Some(&reserved),
            ..RenderContext::new(&options)
        };
        let rendered = render(markdown, &context);
        assert_eq!(ids(&rendered), ["main-1", "main-3", "claims-heading"]);
        assert!(rendered.html.contains("id=\"main-4\""), "{}", rendered.html);
        // The scan, made without knowing the page, gives the same ids once told.
        let scanned = scan(markdown, &RenderContext::new(&options));
        assert_eq!(
            ids(&Rendered {
                html: String::new(),
                scan: scanned.clone()
            }),
            ["main", "main-1", "claims-heading"]
        );
        assert_eq!(
            scanned.heading_ids_on_page(&reserved),
            ["main-1", "main-3", "claims-heading"]
        );
        assert_eq!(
            scanned.heading_ids_on_page(&|_: &str| false),
            ["main", "main-1", "claims-heading"]
        );
        let clashing: Vec<&str> = scanned
            .clashing_explicit_ids(&reserved)
            .iter()
            .map(|heading| heading.id.as_str())
            .collect();
        assert_eq!(clashing, ["claims-heading"]);
        let repeated = scan(
            "## A {#x}\n\nB[^x]\n\n## C {#x}\n\n[^x]: y\n",
            &RenderContext::new(&options),
        );
        let clashing: Vec<usize> = repeated
            .clashing_explicit_ids(&|_: &str| false)
            .iter()
            .map(|heading| heading.line)
            .collect();
        assert_eq!(clashing, [5]);
        assert_eq!(repeated.footnotes[0].id, "x-1");
    }

    #[test]
    fn explicit_ids_win_and_are_not_reused() {
        let rendered = render_default("## Our methods {#methods .wide}\n\n## Methods\n");
        assert_eq!(
            rendered.html,
            "<h2 id=\"methods\" class=\"wide\">Our methods</h2>\n<h2 id=\"methods-1\">Methods</h2>\n"
        );
        assert_eq!(rendered.scan.headings[0].text, "Our methods");
    }

    #[test]
    fn non_latin_headings_are_transliterated_and_empty_ones_become_section() {
        let rendered = render_default(
            "# Прозрачность власти\n\n## 調査報道\n\n## 🙂\n\n##\n\n## ![chart](c.png)\n",
        );
        assert_eq!(
            ids(&rendered),
            [
                "prozrachnost-vlasti",
                "diao-cha-bao-dao",
                "slight-smile",
                "section",
                "section-1"
            ]
        );
        assert_eq!(rendered.scan.headings[1].text, "調査報道");
        assert_eq!(rendered.scan.headings[3].text, "");
    }

    #[test]
    fn heading_ids_can_be_switched_off() {
        let options = MarkdownOptions {
            heading_ids: false,
            ..MarkdownOptions::default()
        };
        let rendered = render_with("# Findings\n\n## Data {#data}\n", &options);
        assert_eq!(
            rendered.html,
            "<h1>Findings</h1>\n<h2 id=\"data\">Data</h2>\n"
        );
        assert_eq!(ids(&rendered), ["", "data"]);
    }

    #[test]
    fn headings_report_file_lines() {
        let options = MarkdownOptions::default();
        let context = RenderContext {
            first_line: 8,
            ..RenderContext::new(&options)
        };
        let rendered = render(
            "Intro.\n\nSetext heading\n--------------\n\n### Third\n",
            &context,
        );
        let lines: Vec<usize> = rendered
            .scan
            .headings
            .iter()
            .map(|heading| heading.line)
            .collect();
        assert_eq!(lines, [10, 13]);
    }

    #[test]
    fn figure_with_caption_and_credit() {
        let rendered = render_default(
            "![A crowd outside the court](/images/court.jpg \"Protesters outside the court in Zug. Credit: Anna Keller/Reuters\")\n",
        );
        assert_eq!(
            rendered.html,
            "<figure><img src=\"/images/court.jpg\" alt=\"A crowd outside the court\" loading=\"lazy\">\
             <figcaption>Protesters outside the court in Zug. <span class=\"credit\">Credit: Anna Keller/Reuters</span>\
             </figcaption></figure>\n"
        );
        assert_eq!(
            rendered.scan.images,
            vec![InlineImage {
                src: "/images/court.jpg".into(),
                alt: "A crowd outside the court".into(),
                caption: Some("Protesters outside the court in Zug.".into()),
                credit: Some("Anna Keller/Reuters".into()),
                line: 1,
                column: 1,
                end_column: Some(115),
            }]
        );
    }

    #[test]
    fn figure_with_caption_only() {
        assert_eq!(
            html("Before.\n\n![Map](map.png \"Where the money went\")\n\nAfter.\n"),
            "<p>Before.</p>\n<figure><img src=\"map.png\" alt=\"Map\" loading=\"lazy\">\
             <figcaption>Where the money went</figcaption></figure>\n<p>After.</p>\n"
        );
    }

    #[test]
    fn figure_escapes_like_pulldown_cmark() {
        let options = MarkdownOptions {
            smart_punctuation: false,
            ..MarkdownOptions::default()
        };
        let rendered = render_with(
            "![Tom & \"Jerry\" <3](</a b/ü&'.jpg> \"Zug's \\\"court\\\" & <b>. credit: A&B <Press>\")\n",
            &options,
        );
        assert_eq!(
            rendered.html,
            "<figure><img src=\"/a%20b/%C3%BC&amp;&#x27;.jpg\" alt=\"Tom &amp; &quot;Jerry&quot; &lt;3\" \
             loading=\"lazy\"><figcaption>Zug's \"court\" &amp; &lt;b&gt;. \
             <span class=\"credit\">Credit: A&amp;B &lt;Press&gt;</span></figcaption></figure>\n"
        );
        // The same image in running text, rendered by pulldown-cmark, has the same src.
        let inline = html("See ![x](</a b/ü&'.jpg>)\n");
        assert!(
            inline.contains("src=\"/a%20b/%C3%BC&amp;&#x27;.jpg\""),
            "{inline}"
        );
    }

    #[test]
    fn images_in_running_text_stay_inline() {
        let rendered =
            render_default("The logo ![Logo](logo.png \"Our logo. Credit: Design desk\") here.\n");
        assert_eq!(
            rendered.html,
            "<p>The logo <img src=\"logo.png\" alt=\"Logo\" title=\"Our logo. Credit: Design desk\" /> here.</p>\n"
        );
        assert_eq!(
            rendered.scan.images[0].caption.as_deref(),
            Some("Our logo.")
        );
        assert_eq!(
            rendered.scan.images[0].credit.as_deref(),
            Some("Design desk")
        );
        assert_eq!(rendered.scan.images[0].column, 10);
    }

    #[test]
    fn untitled_and_linked_images_stay_inline() {
        assert_eq!(
            html("![Chart](chart.png)\n"),
            "<p><img src=\"chart.png\" alt=\"Chart\" /></p>\n"
        );
        assert_eq!(
            html("[![Chart](chart.png \"Caption\")](big.png)\n"),
            "<p><a href=\"big.png\"><img src=\"chart.png\" alt=\"Chart\" title=\"Caption\" /></a></p>\n"
        );
        assert_eq!(
            html("![A](a.png \"One\")\n![B](b.png \"Two\")\n"),
            "<p><img src=\"a.png\" alt=\"A\" title=\"One\" />\n<img src=\"b.png\" alt=\"B\" title=\"Two\" /></p>\n"
        );
    }

    #[test]
    fn figures_get_the_size_of_their_image_when_it_is_known() {
        let size = |src: &str| (src == "/images/map.png").then_some((1200, 675));
        let rewrite = |src: &str| Some(format!("/images/{src}"));
        let options = MarkdownOptions::default();
        let context = RenderContext {
            rewrite_url: Some(&rewrite),
            image_size: Some(&size),
            image_sources: None,
            figure_sizes: "100vw",
            ..RenderContext::new(&options)
        };
        // The size is asked for the source as it goes into the HTML, after the rewrite.
        assert_eq!(
            render("![Map](map.png \"Caption\")\n", &context).html,
            "<figure><img src=\"/images/map.png\" alt=\"Map\" width=\"1200\" height=\"675\" \
             loading=\"lazy\"><figcaption>Caption</figcaption></figure>\n"
        );
        assert_eq!(
            render("![Chart](chart.png \"Caption\")\n", &context).html,
            "<figure><img src=\"/images/chart.png\" alt=\"Chart\" loading=\"lazy\">\
             <figcaption>Caption</figcaption></figure>\n"
        );
    }

    #[test]
    fn figures_offer_their_responsive_versions_in_a_picture() {
        let size = |_: &str| Some((1600, 900));
        let sources = |src: &str| {
            (src == "/images/map.png").then(|| Srcsets {
                own: "/images/map-480w.png 480w, /images/map.png 1600w".to_string(),
                webp: "/images/map-480w.webp 480w, /images/map-1600w.webp 1600w".to_string(),
            })
        };
        let options = MarkdownOptions::default();
        let context = RenderContext {
            image_size: Some(&size),
            image_sources: Some(&sources),
            figure_sizes: "(min-width: 40rem) 40rem, 100vw",
            ..RenderContext::new(&options)
        };
        assert_eq!(
            render("![Map](/images/map.png \"Caption\")\n", &context).html,
            "<figure><picture><source type=\"image/webp\" \
             srcset=\"/images/map-480w.webp 480w, /images/map-1600w.webp 1600w\" \
             sizes=\"(min-width: 40rem) 40rem, 100vw\"><img src=\"/images/map.png\" \
             srcset=\"/images/map-480w.png 480w, /images/map.png 1600w\" \
             sizes=\"(min-width: 40rem) 40rem, 100vw\" alt=\"Map\" width=\"1600\" height=\"900\" \
             loading=\"lazy\"></picture><figcaption>Caption</figcaption></figure>\n"
        );
        // An image published as it is stays a plain figure.
        assert!(
            render("![Chart](/images/chart.svg \"Caption\")\n", &context)
                .html
                .starts_with("<figure><img src=\"/images/chart.svg\"")
        );
    }

    #[test]
    fn figures_can_be_switched_off() {
        let options = MarkdownOptions {
            figures: false,
            ..MarkdownOptions::default()
        };
        assert_eq!(
            render_with("![Map](map.png \"Caption\")\n", &options).html,
            "<p><img src=\"map.png\" alt=\"Map\" title=\"Caption\" /></p>\n"
        );
    }

    #[test]
    fn figure_inside_a_list_and_with_formatted_alt() {
        assert_eq!(
            html("- ![The *big* `map`](m.png \"Caption\")\n\n- second\n"),
            "<ul>\n<li><figure><img src=\"m.png\" alt=\"The big map\" loading=\"lazy\">\
             <figcaption>Caption</figcaption></figure>\n</li>\n<li>\n<p>second</p>\n</li>\n</ul>\n"
        );
    }

    #[test]
    fn splits_caption_and_credit() {
        let split = |title: &str| split_caption_credit(title);
        let some = |text: &str| Some(text.to_owned());
        assert_eq!(
            split("Protesters outside the court in Zug. Credit: Anna Keller/Reuters"),
            (
                some("Protesters outside the court in Zug."),
                some("Anna Keller/Reuters")
            )
        );
        assert_eq!(split("Just a caption"), (some("Just a caption"), None));
        assert_eq!(split("CREDIT: AP Photo"), (None, some("AP Photo")));
        assert_eq!(split("credit:AP"), (None, some("AP")));
        assert_eq!(
            split("  A caption.  Credit:   "),
            (some("A caption."), None)
        );
        assert_eq!(
            split("Credit: where credit is due. Credit: Jane Doe"),
            (some("Credit: where credit is due."), some("Jane Doe"))
        );
        assert_eq!(
            split("Zürich — Crédit: Ö. Ünal"),
            (some("Zürich — Crédit: Ö. Ünal"), None)
        );
        assert_eq!(
            split("Zürich. cReDiT: Ö. Ünal"),
            (some("Zürich."), some("Ö. Ünal"))
        );
        assert_eq!(split(""), (None, None));
        assert_eq!(split("   "), (None, None));
    }

    #[test]
    fn highlights_known_languages() {
        let rendered = html("```rust\nfn main() {}\n```\n");
        assert!(
            rendered.starts_with("<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">"),
            "{rendered}"
        );
        assert!(
            rendered.contains("<span class=\"hl-storage hl-type hl-function hl-rust\">fn</span>"),
            "{rendered}"
        );
        assert!(rendered.ends_with("</span></code></pre>\n"), "{rendered}");
    }

    #[test]
    fn highlighting_escapes_code() {
        let rendered = html("```html\n<b>&amp;</b>\n```\n");
        assert!(!rendered.contains("<b>"), "{rendered}");
        assert!(rendered.contains(">&lt;</span>"), "{rendered}");
        assert!(rendered.contains(">&amp;</span>amp"), "{rendered}");
    }

    #[test]
    fn unknown_languages_and_plain_blocks_are_not_highlighted() {
        assert_eq!(
            html("```klingon\n<qapla'>\n```\n"),
            "<pre tabindex=\"0\"><code class=\"language-klingon\">&lt;qapla'&gt;\n</code></pre>\n"
        );
        assert_eq!(
            html("```\nplain\n```\n"),
            "<pre tabindex=\"0\"><code>plain\n</code></pre>\n"
        );
        assert_eq!(
            html("    indented\n"),
            "<pre tabindex=\"0\"><code>indented\n</code></pre>\n"
        );
        let options = MarkdownOptions {
            highlight: false,
            accessible_markup: false,
            ..MarkdownOptions::default()
        };
        assert_eq!(
            render_with("```rust\nfn main() {}\n```\n", &options).html,
            "<pre><code class=\"language-rust\">fn main() {}\n</code></pre>\n"
        );
        // Code inside the text is escaped, so only real code blocks get the attribute.
        assert_eq!(
            html("`<pre><code>`\n"),
            "<p><code>&lt;pre&gt;&lt;code&gt;</code></p>\n"
        );
    }

    #[test]
    fn records_links_with_file_positions() {
        let options = MarkdownOptions::default();
        let context = RenderContext {
            first_line: 5,
            ..RenderContext::new(&options)
        };
        let markdown = "Intro with [a link](https://example.org/a).\n\n\
                        Ünïcödé [ref][r] and <https://example.org/auto> and <desk@example.org>.\n\n\
                        ![Chart](charts/one.png)\n\n[r]: other-story.md\n";
        let rendered = render(markdown, &context);
        assert_eq!(
            rendered.scan.links,
            vec![
                LinkRef {
                    url: "https://example.org/a".into(),
                    line: 5,
                    column: 12,
                    end_column: Some(43),
                },
                LinkRef {
                    url: "other-story.md".into(),
                    line: 7,
                    column: 9,
                    end_column: Some(17),
                },
                LinkRef {
                    url: "https://example.org/auto".into(),
                    line: 7,
                    column: 22,
                    end_column: Some(48),
                },
                LinkRef {
                    url: "mailto:desk@example.org".into(),
                    line: 7,
                    column: 53,
                    end_column: Some(71),
                },
                LinkRef {
                    url: "charts/one.png".into(),
                    line: 9,
                    column: 1,
                    end_column: Some(25),
                },
            ]
        );
        assert_eq!(
            (rendered.scan.images[0].line, rendered.scan.images[0].column),
            (9, 1)
        );
    }

    #[test]
    fn rewrites_urls() {
        let options = MarkdownOptions::default();
        let rewrite = |url: &str| match url {
            "other-story.md" => Some("/series/other-story/".to_owned()),
            "court.jpg" => Some("/media/court.jpg".to_owned()),
            "mailto:desk@example.org" => Some("/contact/".to_owned()),
            _ => None,
        };
        let context = RenderContext {
            rewrite_url: Some(&rewrite),
            ..RenderContext::new(&options)
        };
        let rendered = render(
            "[Next](other-story.md), [out](https://example.org), <desk@example.org>, <news@example.org>\n\n\
             ![Court](court.jpg \"The court. Credit: AP\")\n",
            &context,
        );
        assert_eq!(
            rendered.html,
            "<p><a href=\"/series/other-story/\">Next</a>, <a href=\"https://example.org\">out</a>, \
             <a href=\"/contact/\">desk@example.org</a>, <a href=\"mailto:news@example.org\">news@example.org</a></p>\n\
             <figure><img src=\"/media/court.jpg\" alt=\"Court\" loading=\"lazy\"><figcaption>The court. \
             <span class=\"credit\">Credit: AP</span></figcaption></figure>\n"
        );
        // Records keep what the author wrote.
        assert_eq!(rendered.scan.links[0].url, "other-story.md");
        assert_eq!(rendered.scan.images[0].src, "court.jpg");
    }

    #[test]
    fn rewrite_may_borrow_from_the_caller() {
        // The caller resolves links against maps it owns, so the closure borrows locals.
        let published = [("other-story.md".to_owned(), "/other-story/".to_owned())];
        let rewrite = |url: &str| {
            published
                .iter()
                .find(|(source, _)| source == url)
                .map(|(_, target)| target.clone())
        };
        let options = MarkdownOptions::default();
        let context = RenderContext {
            options: &options,
            first_line: 1,
            rewrite_url: Some(&rewrite),
            image_size: None,
            image_sources: None,
            figure_sizes: "100vw",
            words: Words::ENGLISH,
            reserved_ids: None,
        };
        assert_eq!(
            render("[Next](other-story.md)\n", &context).html,
            "<p><a href=\"/other-story/\">Next</a></p>\n"
        );
    }

    #[test]
    fn first_paragraph_is_the_first_top_level_text() {
        let rendered = render_default(
            "# Title\n\n> A quote first.\n\n- a list item\n\n![Photo](p.jpg \"Caption\")\n\n\
             The *real* \"lede\" with `code`,\na soft break and ![an icon](i.png).\n\nSecond.\n",
        );
        assert_eq!(
            rendered.scan.first_paragraph.as_deref(),
            Some("The real “lede” with code, a soft break and .")
        );
        assert_eq!(
            render_default("# Only a heading\n").scan.first_paragraph,
            None
        );
        assert_eq!(render_default("").scan.first_paragraph, None);
    }

    #[test]
    fn renders_extensions() {
        assert_eq!(
            html("| a | b |\n|---|--:|\n| 1 | 2 |\n"),
            "<div class=\"table-scroll\" tabindex=\"0\"><table><thead><tr><th>a</th><th style=\"text-align: right\">b</th></tr></thead><tbody>\n\
             <tr><td>1</td><td style=\"text-align: right\">2</td></tr>\n</tbody></table>\n</div>\n"
        );
        assert_eq!(html("~~gone~~\n"), "<p><del>gone</del></p>\n");
        assert_eq!(
            html("- [x] done\n- [ ] todo\n"),
            "<ul>\n<li><input type=\"checkbox\" disabled checked aria-label=\"Done\">\ndone</li>\n\
             <li><input type=\"checkbox\" disabled aria-label=\"Not done\">\ntodo</li>\n</ul>\n"
        );
        let plain = MarkdownOptions {
            accessible_markup: false,
            ..MarkdownOptions::default()
        };
        assert_eq!(
            render_with("- [x] done\n\n| a |\n|---|\n| 1 |\n", &plain).html,
            "<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone</li>\n</ul>\n\
             <table><thead><tr><th>a</th></tr></thead><tbody>\n<tr><td>1</td></tr>\n</tbody></table>\n"
        );
        assert_eq!(
            html("Claim.[^1]\n\n[^1]: Source.\n"),
            "<p>Claim.<sup class=\"footnote-reference\" id=\"fnref-1\"><a href=\"#1\">1</a></sup></p>\n\
             <div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup>\n\
             <p>Source.</p>\n\
             <a class=\"footnote-backref\" href=\"#fnref-1\" aria-label=\"Back to the text of note 1\">↩\u{FE0E}</a>\n\
             </div>\n"
        );
    }

    #[test]
    fn extensions_and_smart_punctuation_can_be_switched_off() {
        let options = MarkdownOptions {
            extensions: false,
            smart_punctuation: false,
            ..MarkdownOptions::default()
        };
        let rendered = render_with("## Data {#data}\n\n\"~~No~~ -- tables...\"\n", &options);
        assert_eq!(
            rendered.html,
            "<h2 id=\"data-data\">Data {#data}</h2>\n<p>\"~~No~~ -- tables...\"</p>\n"
        );
        assert_eq!(
            html("\"Quotes\" -- and... dashes\n"),
            "<p>“Quotes” – and… dashes</p>\n"
        );
    }

    #[test]
    fn raw_html_passes_through() {
        let chart =
            "<div class=\"chart\" data-src=\"a&b\">\n<script src=\"/chart.js\"></script>\n</div>\n";
        assert_eq!(html(chart), chart);
        assert_eq!(
            html("Text with <abbr title=\"x\">HTML</abbr> inline.\n"),
            "<p>Text with <abbr title=\"x\">HTML</abbr> inline.</p>\n"
        );
    }

    #[test]
    fn never_panics_on_hostile_input() {
        let deep_list = "- ".repeat(5_000) + "item\n";
        let deep_quote = ">".repeat(5_000) + " quote\n";
        let deep_emphasis = "*".repeat(10_000) + "x" + &"*".repeat(10_000);
        let deep_images = "![".repeat(2_000) + "a" + &"](b \"t\")".repeat(2_000);
        let inputs = [
            String::new(),
            "\n\n\n".into(),
            "```rust\nfn unterminated() {\n".into(),
            "```\n".into(),
            "~~~python".into(),
            "# \u{0}\u{FEFF}\u{202E}evil\u{200D}\n".into(),
            "\r\n# CRLF heading\r\n\r\n[x](y)\r\n".into(),
            "![".into(),
            "[^x]: y\n\n[^x]".into(),
            "| a |\n|---|\n| ![i](j \"k\") |\n".into(),
            "👩‍👩‍👧‍👦 ![👩‍👩‍👧‍👦](👩‍👩‍👧‍👦.png \"👩‍👩‍👧‍👦 Credit: 👩‍👩‍👧‍👦\")".into(),
            deep_list,
            deep_quote,
            deep_emphasis,
            deep_images,
        ];
        for input in &inputs {
            let rendered = render_default(input);
            for link in &rendered.scan.links {
                assert!(link.line >= 1 && link.column >= 1);
            }
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let rendered = render_default("Zürich, 東京: [link](x)\n");
        assert_eq!(
            (rendered.scan.links[0].line, rendered.scan.links[0].column),
            (1, 13)
        );
    }

    #[test]
    fn footnotes_link_back_to_every_reference() {
        let html = html("One[^a], two[^b], again[^a].\n\n[^b]: Bee.\n[^a]: Ay.\n");
        assert_eq!(
            html,
            "<p>One<sup class=\"footnote-reference\" id=\"fnref-a\"><a href=\"#a\">1</a></sup>, \
             two<sup class=\"footnote-reference\" id=\"fnref-b\"><a href=\"#b\">2</a></sup>, \
             again<sup class=\"footnote-reference\" id=\"fnref-a-2\"><a href=\"#a\">1</a></sup>.</p>\n\
             <div class=\"footnote-definition\" id=\"b\"><sup class=\"footnote-definition-label\">2</sup>\n\
             <p>Bee.</p>\n\
             <a class=\"footnote-backref\" href=\"#fnref-b\" aria-label=\"Back to the text of note 2\">↩\u{FE0E}</a>\n\
             </div>\n\
             <div class=\"footnote-definition\" id=\"a\"><sup class=\"footnote-definition-label\">1</sup>\n\
             <p>Ay.</p>\n\
             <a class=\"footnote-backref\" href=\"#fnref-a\" aria-label=\"Back to the text of note 1\">↩\u{FE0E}</a>\n\
             <a class=\"footnote-backref\" href=\"#fnref-a-2\" aria-label=\"Back to the text of note 1\">↩\u{FE0E}</a>\n\
             </div>\n"
        );
        // A note nobody refers to has nothing to link back to; numbers, classes and ids stay
        // pulldown-cmark's.
        let plain = render_with(
            "Text.\n\n[^x]: Unused.\n",
            &MarkdownOptions {
                extensions: true,
                ..MarkdownOptions::default()
            },
        )
        .html;
        assert!(plain.contains("<div class=\"footnote-definition\" id=\"x\"><sup class=\"footnote-definition-label\">1</sup>"), "{plain}");
        assert!(!plain.contains("footnote-backref"), "{plain}");
    }
}
