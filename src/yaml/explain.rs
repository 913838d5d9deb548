//! Syntax errors in words a reporter acts on. The YAML parser says "did not find expected key"
//! or "found character that cannot start any token"; behind those are a handful of everyday
//! slips (an apostrophe inside single quotes, a colon inside a value, a tab, front matter that
//! was never closed), each with a fix that can be shown on the reporter's own line.

/// What to tell about a syntax error: where, what happened, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Explained {
    /// 0-based line in the YAML text, and 1-based column.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

/// Explains the parser's error `parser_says` at `line` (0-based in `yaml`) and `column`.
/// `front_matter` says the YAML is a story's front matter (which the story's text follows),
/// starting on file line `first_line`.
pub(super) fn explain(
    yaml: &str,
    (line, column): (usize, usize),
    parser_says: &str,
    front_matter: Option<usize>,
) -> Explained {
    let lines: Vec<&str> = yaml.lines().collect();
    let at = lines.get(line).copied().unwrap_or("");
    if let Some(tab) = tab_in_indent(&lines, line) {
        return tab;
    }
    if let Some(first_line) = front_matter
        && let Some(unclosed) = runs_into_text(&lines, line, first_line)
    {
        return unclosed;
    }
    if let Some(quoted) = value_to_quote(at) {
        return Explained { line, ..quoted };
    }
    Explained {
        line,
        column,
        message: format!("the front matter is not valid YAML: {parser_says}"),
        hint: "check the quotes, colons and indentation on this line; a value with a colon or a quote mark in it goes in double quotes, with \\\" before each quote mark inside".to_string(),
    }
}

/// A tab in the indentation of the error's line or of a line just before it (YAML allows only
/// spaces there; the parser points somewhere near).
fn tab_in_indent(lines: &[&str], line: usize) -> Option<Explained> {
    let from = line.saturating_sub(1);
    (from..=line).find_map(|index| {
        let text = lines.get(index)?;
        let indent: &str = &text[..text.len() - text.trim_start_matches([' ', '\t']).len()];
        let tab = indent.find('\t')?;
        let column = text[..tab].chars().count() + 1;
        Some(Explained {
            line: index,
            column,
            message: format!(
                "this line is indented with a tab (at column {column}); YAML indents with spaces only"
            ),
            hint: "replace the tab with spaces, as many as the lines above it use".to_string(),
        })
    })
}

/// Front matter that was never closed: the story's first `---` section break closed it, so its
/// first paragraphs were read as YAML. Recognised by a line that reads like prose after a blank
/// line, where the error is.
fn runs_into_text(lines: &[&str], line: usize, first_line: usize) -> Option<Explained> {
    let last = line.min(lines.len().saturating_sub(1));
    let prose = (1..=last)
        .find(|&index| lines[index - 1].trim().is_empty() && reads_like_prose(lines[index]))?;
    let last_field = (0..prose)
        .rev()
        .find(|&index| !lines[index].trim().is_empty())
        .unwrap_or(0);
    Some(Explained {
        line: prose,
        column: 1,
        message: "the front matter is not closed: this line reads like the story's text, not a `name: value` field, so the front matter must have ended before it".to_string(),
        hint: format!(
            "add a line of three dashes (---) after the last field, on line {}, to end it; a later --- in the story is a section break",
            first_line + last_field
        ),
    })
}

fn reads_like_prose(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with(['-', '#', '[', '{', '&', '*', '!', '|', '>']) {
        return false;
    }
    // A field is a short name and a colon; a sentence has spaces before any colon, or none.
    match text.find(':') {
        Some(colon) => text[..colon].split_whitespace().count() > 3,
        None => text.split_whitespace().count() > 1,
    }
}

/// A `name: value` line whose value needs quoting: an apostrophe inside single quotes, quote
/// marks inside double quotes, or a colon inside a plain value. The fix is the value in double
/// quotes, written out.
fn value_to_quote(text: &str) -> Option<Explained> {
    let (lead, rest) = text.split_at(text.len() - text.trim_start_matches([' ', '-']).len());
    let colon = rest.find(": ")?;
    let key = &rest[..colon];
    if key.is_empty() || key.contains(char::is_whitespace) && !key.starts_with(['"', '\'']) {
        return None;
    }
    let value = rest[colon + 2..].trim();
    if value.is_empty() {
        return None;
    }
    // The caret goes under the value, which is what needs rewriting.
    let value_start = text.len() - text[lead.len() + colon + 2..].trim_start().len();
    let column = text[..value_start].chars().count() + 1;
    let (what, words) = if let Some(inner) = value.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'').unwrap_or(inner);
        (
            "an apostrophe inside the single quotes ends them early",
            inner.replace("''", "'"),
        )
    } else if let Some(inner) = value.strip_prefix('"') {
        (
            "a quote mark inside the double quotes ends them early",
            inner.strip_suffix('"').unwrap_or(inner).to_string(),
        )
    } else if value.contains(": ") {
        (
            "the colon inside the value makes YAML read a second field",
            value.to_string(),
        )
    } else {
        return None;
    };
    let quoted = double_quoted(&words);
    Some(Explained {
        line: 0,
        column,
        message: format!("`{key}` cannot be read: {what}"),
        hint: format!(
            "write the value in double quotes, with \\\" before each quote mark inside:\n{lead}{key}: {quoted}"
        ),
    })
}

/// `text` as a YAML double-quoted scalar.
pub(super) fn double_quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_and_colons_get_the_double_quoted_form() {
        let explained = explain(
            "title: 'It's a scandal'\n",
            (0, 12),
            "did not find expected key",
            Some(2),
        );
        assert_eq!(explained.column, 8, "under the value");
        assert_eq!(
            explained.message,
            "`title` cannot be read: an apostrophe inside the single quotes ends them early"
        );
        assert!(
            explained.hint.ends_with("\ntitle: \"It's a scandal\""),
            "{}",
            explained.hint
        );
        let explained = explain(
            "title: A\nsummary: Council says: \"we did nothing wrong\"\n",
            (1, 22),
            "mapping values are not allowed in this context",
            Some(2),
        );
        assert!(explained.message.contains("the colon inside the value"));
        assert!(
            explained
                .hint
                .ends_with("\nsummary: \"Council says: \\\"we did nothing wrong\\\"\""),
            "{}",
            explained.hint
        );
        let explained = explain(
            "quote: \"He said \"no\"\"\n",
            (0, 17),
            "did not find expected key",
            Some(2),
        );
        assert!(
            explained.hint.ends_with("quote: \"He said \\\"no\\\"\""),
            "{}",
            explained.hint
        );
    }

    #[test]
    fn tabs_are_named_with_their_column() {
        let explained = explain(
            "title: A\nsummary:\n\tindented\n",
            (2, 1),
            "found character that cannot start any token",
            Some(2),
        );
        assert_eq!((explained.line, explained.column), (2, 1));
        assert!(
            explained
                .message
                .contains("indented with a tab (at column 1)")
        );
    }

    #[test]
    fn front_matter_running_into_the_story_is_named() {
        let yaml =
            "title: A\ndate: 2024-01-10\n\nThe council met on Tuesday and voted.\nMore text.\n";
        let explained = explain(yaml, (4, 1), "could not find expected ':'", Some(2));
        assert_eq!(explained.line, 3);
        assert!(
            explained
                .message
                .starts_with("the front matter is not closed")
        );
        assert!(explained.hint.contains("on line 3"), "{}", explained.hint);
        // site.yaml has no story after it.
        let explained = explain(yaml, (4, 1), "could not find expected ':'", None);
        assert!(explained.message.contains("not valid YAML"));
    }

    #[test]
    fn other_errors_keep_the_parsers_words() {
        let explained = explain(
            "a: [1, 2\n",
            (0, 9),
            "did not find expected ',' or ']'",
            Some(2),
        );
        assert!(
            explained
                .message
                .contains("did not find expected ',' or ']'")
        );
    }
}
