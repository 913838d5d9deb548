//! Text as a reader sees it, for comparing what a page says with a title: escapes decoded
//! (HTML entities, also escaped twice as in a feed's content, and JSON's `\u0027`), case folded,
//! typographic quotes, dashes and ellipses in their ASCII spelling, every run of white space one
//! space, invisible characters (soft hyphens, zero-width spaces) dropped, and, where asked,
//! markup left out, so words that an inline tag splits (`Don’t <em>Look</em> Up`) read on.

use std::borrow::Cow;

/// Folded text, and where each line of the original starts in it.
pub struct Folded {
    pub text: String,
    /// Offsets in `text` where a line after the first begins.
    line_starts: Vec<usize>,
}

impl Folded {
    /// The line of the original text where the folded offset `at` comes from.
    pub fn line_of(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= at) + 1
    }
}

/// `text` folded (see the module docs); `markup`: leave tags out.
pub fn fold(text: &str, markup: bool) -> Folded {
    let mut decoded = Cow::Borrowed(text);
    // An entity escaped again (`&amp;#39;` in a feed's escaped HTML) comes undone a round at a
    // time.
    for _ in 0..3 {
        match decode_escapes(&decoded) {
            Some(again) => decoded = Cow::Owned(again),
            None => break,
        }
    }
    let mut folded = Folded {
        text: String::with_capacity(decoded.len()),
        line_starts: Vec::new(),
    };
    let mut space = false;
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        if markup && c == '<' && chars.peek().is_some_and(|&next| starts_tag(next)) {
            for inside in chars.by_ref() {
                if inside == '\n' {
                    folded.line_starts.push(folded.text.len());
                }
                if inside == '>' {
                    break;
                }
            }
            continue;
        }
        if c == '\n' {
            folded.line_starts.push(folded.text.len());
        }
        let plain = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`'
            | '\u{00B4}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => continue,
            c if c.is_whitespace() => {
                space = true;
                continue;
            }
            c => c,
        };
        if space {
            if !folded.text.is_empty() {
                folded.text.push(' ');
            }
            space = false;
        }
        match plain {
            '\u{2026}' => folded.text.push_str("..."),
            // `--` and an en dash are one dash to a reader.
            '-' if folded.text.ends_with('-') => {}
            plain => folded.text.extend(plain.to_lowercase()),
        }
    }
    folded
}

/// Whether `<` followed by `next` opens markup (a tag, a closing tag, a comment).
fn starts_tag(next: char) -> bool {
    next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?')
}

/// `text` with one round of escapes decoded, or None when it holds none.
fn decode_escapes(text: &str) -> Option<String> {
    if !text.contains(['&', '\\']) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(at) = rest.find(['&', '\\']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let decoded = if tail.starts_with('&') {
            entity(tail)
        } else {
            json_escape(tail)
        };
        match decoded {
            Some((c, length)) => {
                out.push(c);
                rest = &tail[length..];
                changed = true;
            }
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The character of the HTML entity at the start of `text` (`&#39;`, `&#x2019;`, `&rsquo;`)
/// and its length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.get(..12).unwrap_or(text).find(';')?;
    let name = &text[1..end];
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        // The entities pages carry, written out by byline's escaper or an author.
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{00A0}',
            "shy" => '\u{00AD}',
            "lsquo" => '\u{2018}',
            "rsquo" => '\u{2019}',
            "ldquo" => '\u{201C}',
            "rdquo" => '\u{201D}',
            "sbquo" => '\u{201A}',
            "bdquo" => '\u{201E}',
            "laquo" => '\u{00AB}',
            "raquo" => '\u{00BB}',
            "ndash" => '\u{2013}',
            "mdash" => '\u{2014}',
            "hellip" => '\u{2026}',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// The character of the JSON escape at the start of `text` (`\u0027`, `\"`, `\/`, `\\`) and
/// its length.
fn json_escape(text: &str) -> Option<(char, usize)> {
    let mut chars = text.chars().skip(1);
    match chars.next()? {
        'u' => {
            let hex = text.get(2..6)?;
            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
            Some((c, 6))
        }
        c @ ('"' | '/' | '\\') => Some((c, 2)),
        _ => None,
    }
}

/// Whether the folded `text` holds `needle` (folded too) as whole words at `start..end`.
pub fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> String {
        fold(text, true).text
    }

    #[test]
    fn what_a_reader_sees_is_what_is_compared() {
        let title = folded("Don't Look Up: Inside the Merger");
        assert_eq!(title, "don't look up: inside the merger");
        for written in [
            "Don’t Look Up: Inside the Merger",
            "DON'T LOOK UP: INSIDE THE MERGER",
            "Don&#39;t Look Up: Inside the Merger",
            "Don&rsquo;t Look&nbsp;Up:\n  Inside  the Merger",
            "Don&amp;#x2019;t Look Up: Inside the Merger",
            "Don\\u0027t Look Up: Inside the Merger",
            "Don’t <em>Look</em> Up: Inside the\u{00AD} Merger",
            "Don&lt;em&gt;’t Look Up: Inside the Merger",
        ] {
            assert_eq!(folded(written), title, "{written:?}");
        }
        assert_eq!(folded("A -- B — C ... D…"), "a - b - c ... d...");
        // Markup stays where tags are not to be left out (attribute values are text).
        assert_eq!(
            fold("<a title=\"X Y\">z</a>", false).text,
            "<a title=\"x y\">z</a>"
        );
    }

    #[test]
    fn lines_of_the_original_are_kept() {
        let text = fold("one\n<p>two\nthree</p>\n\nfour", true);
        let at = text.text.find("three").unwrap();
        assert_eq!(text.line_of(at), 3);
        assert_eq!(text.line_of(text.text.find("four").unwrap()), 5);
        assert_eq!(text.line_of(0), 1);
    }

    #[test]
    fn words_are_whole() {
        let text = "the courtship of courts";
        let at = text.rfind("courts").unwrap();
        assert!(at_word_boundaries(text, at, at + 6));
        let inside = text.find("court").unwrap();
        assert!(!at_word_boundaries(text, inside, inside + 5));
    }
}
