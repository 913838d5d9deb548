//! Smart punctuation for the texts of the front matter and site.yaml: straight quotes become
//! curly ones, `--` and `---` dashes, `...` an ellipsis, by the rules pulldown-cmark applies to
//! Markdown bodies (CommonMark's smart punctuation), so a headline reads like the text under it.
//!
//! pulldown-cmark's own smart punctuation works on Markdown, not on plain text: feeding it a
//! headline would also read `*`, `_`, `[`, `#`, a leading `-` or `1.` and backslashes as
//! Markdown. This is the same set of rules for text that is only text.
//!
//! Render applies it to every text a reader sees in pages and feeds; it is never applied to
//! URLs, code or the JSON-LD (structured data quotes the front matter as typed).

use std::borrow::Cow;

/// `text` with smart punctuation; borrowed when there is nothing to change.
pub fn smart(text: &str) -> Cow<'_, str> {
    // Most texts have nothing to change: no quote, no `--`, no `...` (a lone `.` or `-`
    // stays as it is). They are handed back without a copy: every card and page asks.
    let bytes = text.as_bytes();
    let quotes = memchr::memchr2(b'\'', b'"', bytes).is_some();
    if !quotes && !text.contains("--") && !text.contains("...") {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    // The position in `out` of a single quote that may yet turn out to open a quotation.
    let mut single_open: Option<usize> = None;
    let mut double_open = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        match c {
            '\'' | '"' => {
                let can_open = can_open(previous, next, c);
                let can_close = can_close(previous, next);
                if c == '\'' {
                    if let (Some(open), true) = (single_open, can_close) {
                        out[open] = '‘';
                        single_open = None;
                    } else if can_open {
                        single_open = Some(out.len());
                    }
                    out.push('’');
                } else if can_close && double_open {
                    double_open = false;
                    out.push('”');
                } else {
                    double_open |= can_open;
                    out.push('“');
                }
                i += 1;
            }
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                out.push('…');
                i += 3;
            }
            '-' if next == Some('-') => {
                let run = chars[i..].iter().take_while(|&&d| d == '-').count();
                out.extend(dashes(run));
                i += run;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    let smartened: String = out.into_iter().collect();
    if smartened == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(smartened)
    }
}

/// `text` with smart punctuation, owned.
pub fn smart_owned(text: &str) -> String {
    smart(text).into_owned()
}

/// A run of `count` (two or more) hyphens as CommonMark's smart punctuation writes it: em dashes
/// when the run divides by three, en dashes when it divides by two, else em dashes then one or
/// two en dashes.
fn dashes(count: usize) -> Vec<char> {
    let (em, en) = if count.is_multiple_of(3) {
        (count / 3, 0)
    } else if count.is_multiple_of(2) {
        (0, count / 2)
    } else if count % 3 == 2 {
        (count / 3, 1)
    } else {
        (count / 3 - 1, 2)
    };
    std::iter::repeat_n('—', em)
        .chain(std::iter::repeat_n('–', en))
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            unicode_category(c),
            Category::Punctuation | Category::Symbol
        )
}

#[derive(PartialEq)]
enum Category {
    Punctuation,
    Symbol,
    Other,
}

/// Enough of Unicode's general categories for quotes: the punctuation and symbols found next
/// to quotation marks in news text (dashes, curly quotes, guillemets, ellipses, currency).
fn unicode_category(c: char) -> Category {
    match c {
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '«' | '»' | '¡' | '¿' | '§' | '¶' => {
            Category::Punctuation
        }
        '€' | '£' | '¥' | '©' | '®' | '°' | '±' | '×' | '÷' => Category::Symbol,
        _ => Category::Other,
    }
}

/// Whether a quote between `previous` and `next` may open a quotation: something follows it,
/// and it starts the text or follows a space or punctuation (a single quote right after `)` or
/// `]` never opens one), as pulldown-cmark decides.
fn can_open(previous: Option<char>, next: Option<char>, quote: char) -> bool {
    match (previous, next) {
        (_, None) => false,
        (_, Some(next)) if next.is_whitespace() => false,
        (None, _) => true,
        (Some(previous), _) => {
            previous.is_whitespace()
                || is_punctuation(previous) && !(quote == '\'' && matches!(previous, ')' | ']'))
        }
    }
}

/// Whether a quote between `previous` and `next` may close one: it follows something that is
/// not a space, and ends the text or comes before a space or punctuation.
fn can_close(previous: Option<char>, next: Option<char>) -> bool {
    match (previous, next) {
        (None, _) => false,
        (Some(previous), _) if previous.is_whitespace() => false,
        (_, None) => true,
        (_, Some(next)) => next.is_whitespace() || is_punctuation(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{self, MarkdownOptions, RenderContext};

    #[test]
    fn quotes_apostrophes_dashes_and_ellipses() {
        for (typed, expected) in [
            ("The phone's location", "The phone’s location"),
            (
                "the Bureau's \"leaked\" ledger",
                "the Bureau’s “leaked” ledger",
            ),
            ("'Never' said the firm", "‘Never’ said the firm"),
            ("rock 'n' roll in the '90s", "rock ‘n’ roll in the ’90s"),
            ("\"Who's there?\" she asked.", "“Who’s there?” she asked."),
            ("2019--2022", "2019–2022"),
            ("A pause --- then", "A pause — then"),
            ("And then...", "And then…"),
            ("Ready.", "Ready."),
            ("Mitto AG", "Mitto AG"),
            ("\"Quoted\"", "“Quoted”"),
            ("She said: \"'No.'\"", "She said: “‘No.’”"),
        ] {
            assert_eq!(smart(typed), expected, "{typed}");
        }
        assert!(matches!(smart("No quotes here"), Cow::Borrowed(_)));
        assert!(matches!(smart("A - B. C. D-E"), Cow::Borrowed(_)));
    }

    #[test]
    fn dash_runs_follow_commonmark() {
        let run = |n: usize| dashes(n).into_iter().collect::<String>();
        assert_eq!(run(2), "–");
        assert_eq!(run(3), "—");
        assert_eq!(run(4), "––");
        assert_eq!(run(5), "—–");
        assert_eq!(run(6), "——");
        assert_eq!(run(7), "—––");
    }

    /// What pulldown-cmark does to a paragraph of the same text, as plain text.
    fn as_markdown_body(text: &str) -> String {
        let options = MarkdownOptions::default();
        let context = RenderContext::new(&options);
        let html = markdown::render(text, &context).html;
        html.trim()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    #[test]
    fn agrees_with_the_bodies() {
        for text in [
            "The passcode company that rented out your phone's location",
            "Warned twice, the regulator renewed Carrow's licence anyway",
            "\"We have no record of any complaint,\" the office said.",
            "'90s rules -- and 'quoted' words --- here...",
            "a\"b\"c 'x' (y') [z]'s \"open",
            "It's \"the 'inner' one\" isn't it?",
        ] {
            assert_eq!(smart(text), as_markdown_body(text), "{text}");
        }
    }
}
