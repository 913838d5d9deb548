//! Front matter as written: splits a Markdown file into its YAML front matter and body, and reads
//! the YAML (through [`crate::yaml`]) into typed fields that remember where in the file each came
//! from. Nothing is judged here: `validate` decides what is required and what it means.

use std::path::Path;

use crate::diag::{Code, Diagnostic, Position};
use crate::yaml::{FreeValue, Located, MappingReader};

/// A Markdown file cut into its front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitDocument<'a> {
    pub yaml: &'a str,
    /// File line of the first YAML line (the line after the opening `---`).
    pub yaml_first_line: usize,
    pub body: &'a str,
    /// File line where the body starts.
    pub body_first_line: usize,
}

/// Cuts `source` into front matter and body. The front matter must open on the first line with
/// `---` and close with a line of `---` (or `...`).
pub fn split<'a>(source: &'a str, path: &Path) -> Result<SplitDocument<'a>, Diagnostic> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = source.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::new(
            Code::FrontMissing,
            path,
            "this file has no front matter: a story must start with a line of three dashes (---), then its title, date and credits",
        )
        .at(1, 1)
        .with_hint("start the file with:\n---\ntitle: \"Headline\"\ndate: 2024-01-31\nreporter: Your Name\neditor: Editor Name\n---"));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_number = 1;
    for line in lines {
        line_number += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = offset + line.len();
            return Ok(SplitDocument {
                yaml: &source[yaml_start..offset],
                yaml_first_line: 2,
                body: &source[body_start..],
                body_first_line: line_number + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(
        Code::FrontUnclosed,
        path,
        "the front matter is never closed: there is no second line of three dashes (---)",
    )
    .at(1, 1)
    .with_hint("add a line with just --- after the last front-matter field, before the story text"))
}

/// `image:` as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageFields {
    pub src: Option<Located<String>>,
    pub alt: Option<Located<String>>,
    pub caption: Option<Located<String>>,
    pub credit: Option<Located<String>>,
}

/// One entry of `sources:` as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceFields {
    pub position: Position,
    pub title: Option<Located<String>>,
    pub url: Option<Located<String>>,
    pub publisher: Option<Located<String>>,
}

/// One entry of `corrections:` as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CorrectionFields {
    pub position: Position,
    pub date: Option<Located<String>>,
    pub text: Option<Located<String>>,
}

/// One entry of `claims:` as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClaimFields {
    pub position: Position,
    pub claim: Option<Located<String>>,
    pub claimant: Option<Located<ClaimantFields>>,
    pub rating: Option<Located<String>>,
    /// `claim_date`, or its older name `date`.
    pub claim_date: Option<Located<String>>,
    /// `appeared_in`, or its older short form `url`.
    pub appeared_in: Option<Located<AppearanceFields>>,
}

/// Who made a claim: a name (`claimant: Ana Lind`) or `name`, `type`, `url`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClaimantFields {
    pub name: Option<Located<String>>,
    /// `person` or `organization`.
    pub kind: Option<Located<String>>,
    pub url: Option<Located<String>>,
}

/// Where a claim was made: a URL, or `url` and `title`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppearanceFields {
    pub url: Option<Located<String>>,
    pub title: Option<Located<String>>,
}

/// A story's front matter as written: every field optional here; `content` decides what is
/// required and turns this into a validated story.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryFrontMatter {
    pub title: Option<Located<String>>,
    pub date: Option<Located<String>>,
    pub reporter: Option<Located<Vec<String>>>,
    pub editor: Option<Located<Vec<String>>>,
    /// Further roles in the order written: role and names.
    pub credits: Vec<Located<(String, Vec<String>)>>,
    pub funder: Option<Located<Vec<String>>>,
    pub image: Option<Located<ImageFields>>,
    pub summary: Option<Located<String>>,
    pub topics: Option<Located<Vec<String>>>,
    pub slug: Option<Located<String>>,
    pub updated: Option<Located<String>>,
    pub draft: Option<Located<bool>>,
    pub publish_at: Option<Located<String>>,
    pub sources: Vec<SourceFields>,
    pub corrections: Vec<CorrectionFields>,
    pub claims: Vec<ClaimFields>,
    pub extra: Option<Located<FreeValue>>,
    /// Old addresses of the story, each redirected to it.
    pub aliases: Option<Located<Vec<String>>>,
    pub withdrawn: Option<Located<WithdrawnFields>>,
    /// Keys whose value a `#` turned into a comment (already reported).
    pub commented: Vec<String>,
}

/// `withdrawn:` as written: when and why a published story was taken down.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WithdrawnFields {
    pub date: Option<Located<String>>,
    pub reason: Option<Located<String>>,
}

pub const STORY_KEYS: &[&str] = &[
    "title",
    "date",
    "reporter",
    "editor",
    "credits",
    "funder",
    "image",
    "summary",
    "topics",
    "slug",
    "updated",
    "draft",
    "publish_at",
    "sources",
    "corrections",
    "claims",
    "extra",
    "aliases",
    "withdrawn",
];

/// Fields of Hugo, Jekyll and WordPress front matter, and what byline calls them: a newsroom
/// moving its archive writes them out of habit.
const OTHER_TOOLS_KEYS: &[(&str, &str)] = &[
    ("tags", "`topics`, a list: `topics: [Courts, Housing]`"),
    (
        "categories",
        "`topics` (a list), or the story's series: the folder it is in",
    ),
    (
        "category",
        "`topics` (a list), or the story's series: the folder it is in",
    ),
    ("author", "`reporter` (a name or a list of names)"),
    ("authors", "`reporter` (a name or a list of names)"),
    (
        "byline",
        "`reporter` (a name or a list), with further roles under `credits:`",
    ),
    ("description", "`summary`"),
    ("excerpt", "`summary`"),
    ("subtitle", "`summary`"),
    ("lastmod", "`updated`"),
    ("last_modified_at", "`updated`"),
    ("modified", "`updated`"),
    (
        "publishdate",
        "`publish_at` (a time with its zone, for an embargo)",
    ),
    (
        "publish_date",
        "`publish_at` (a time with its zone, for an embargo)",
    ),
    ("published", "`draft: true` for a story not to publish yet"),
    (
        "images",
        "`image`, with `src`, `alt`, `caption` and `credit` under it",
    ),
    (
        "featured_image",
        "`image`, with `src`, `alt`, `caption` and `credit` under it",
    ),
    (
        "cover",
        "`image`, with `src`, `alt`, `caption` and `credit` under it",
    ),
    (
        "permalink",
        "the story's `slug` (its address is /<series>/<slug>/)",
    ),
    (
        "url",
        "the story's `slug` (its address is /<series>/<slug>/)",
    ),
];

/// A series' `_index.md` front matter as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesFrontMatter {
    pub title: Option<Located<String>>,
    pub summary: Option<Located<String>>,
    pub funder: Option<Located<Vec<String>>>,
    pub image: Option<Located<ImageFields>>,
    pub extra: Option<Located<FreeValue>>,
    /// Stories a page of the series' listing shows, over site.yaml's `paginate`.
    pub paginate: Option<Located<u64>>,
    /// Keys whose value a `#` turned into a comment (already reported).
    pub commented: Vec<String>,
}

pub const SERIES_KEYS: &[&str] = &["title", "summary", "funder", "image", "extra", "paginate"];
const WITHDRAWN_KEYS: &[&str] = &["date", "reason"];
const IMAGE_KEYS: &[&str] = &["src", "alt", "caption", "credit"];
const SOURCE_KEYS: &[&str] = &["title", "url", "publisher"];
const CORRECTION_KEYS: &[&str] = &["date", "text"];
const CLAIM_KEYS: &[&str] = &[
    "claim",
    "claimant",
    "rating",
    "claim_date",
    "appeared_in",
    "date",
    "url",
];
const CLAIMANT_KEYS: &[&str] = &["name", "type", "url"];
const APPEARANCE_KEYS: &[&str] = &["url", "title"];

/// Reads a story's front matter. Returns what could be read together with every problem found,
/// so one bad field does not hide the others; `Err` when the YAML cannot be read at all.
pub fn parse_story(
    doc: &SplitDocument,
    path: &Path,
) -> Result<(StoryFrontMatter, Vec<Diagnostic>), Diagnostic> {
    let mut reader = MappingReader::new(doc.yaml, doc.yaml_first_line, path)?;
    let front = StoryFrontMatter {
        title: reader.text("title"),
        date: reader.date_text("date"),
        reporter: reader.names("reporter"),
        editor: reader.names("editor"),
        credits: reader.credits("credits"),
        funder: reader.names("funder"),
        image: image(&mut reader),
        summary: reader.text("summary"),
        topics: reader.names("topics"),
        slug: reader.text("slug"),
        updated: reader.date_text("updated"),
        draft: reader.typed("draft", "true or false"),
        publish_at: reader.date_text("publish_at"),
        sources: reader.list("sources", SOURCE_KEYS, |item| SourceFields {
            position: item.scope_position(),
            title: item.text("title"),
            url: item.text("url"),
            publisher: item.text("publisher"),
        }),
        corrections: reader.list("corrections", CORRECTION_KEYS, |item| CorrectionFields {
            position: item.scope_position(),
            date: item.date_text("date"),
            text: item.text("text"),
        }),
        claims: reader.list("claims", CLAIM_KEYS, claim),
        extra: reader.mapping("extra"),
        aliases: reader.names("aliases"),
        withdrawn: reader.object("withdrawn", WITHDRAWN_KEYS, |withdrawn| WithdrawnFields {
            date: withdrawn.date_text("date"),
            reason: withdrawn.text("reason"),
        }),
        commented: Vec::new(),
    };
    let front = StoryFrontMatter {
        commented: reader.commented_keys(),
        ..front
    };
    let diagnostics = reader.finish_knowing(STORY_KEYS, OTHER_TOOLS_KEYS, "a story's front matter");
    Ok((front, diagnostics))
}

/// Reads a series' `_index.md` front matter, like [`parse_story`].
pub fn parse_series(
    doc: &SplitDocument,
    path: &Path,
) -> Result<(SeriesFrontMatter, Vec<Diagnostic>), Diagnostic> {
    let mut reader = MappingReader::new(doc.yaml, doc.yaml_first_line, path)?;
    let front = SeriesFrontMatter {
        title: reader.text("title"),
        summary: reader.text("summary"),
        funder: reader.names("funder"),
        image: image(&mut reader),
        extra: reader.mapping("extra"),
        paginate: reader.typed("paginate", "a whole number of stories per page"),
        commented: Vec::new(),
    };
    let front = SeriesFrontMatter {
        commented: reader.commented_keys(),
        ..front
    };
    let diagnostics = reader.finish(SERIES_KEYS, "a series' _index.md");
    Ok((front, diagnostics))
}

/// One entry of `claims:`. `date` and `url` are the older names of `claim_date` and of
/// `appeared_in`'s URL; both are read, the newer name winning.
fn claim(item: &mut MappingReader) -> ClaimFields {
    let claimant = item.text_or_object(
        "claimant",
        CLAIMANT_KEYS,
        |name| ClaimantFields {
            name: Some(name),
            ..ClaimantFields::default()
        },
        |claimant| ClaimantFields {
            name: claimant.text("name"),
            kind: claimant.text("type"),
            url: claimant.text("url"),
        },
    );
    let appearance = |url| AppearanceFields {
        url: Some(url),
        title: None,
    };
    let appeared_in = item.text_or_object("appeared_in", APPEARANCE_KEYS, appearance, |place| {
        AppearanceFields {
            url: place.text("url"),
            title: place.text("title"),
        }
    });
    let old_url = item.text("url").map(|url| {
        let position = url.position;
        Located {
            value: appearance(url),
            position,
        }
    });
    let claim_date = item.date_text("claim_date");
    let old_date = item.date_text("date");
    ClaimFields {
        position: item.scope_position(),
        claim: item.text("claim"),
        claimant,
        rating: item.text("rating"),
        claim_date: claim_date.or(old_date),
        appeared_in: appeared_in.or(old_url),
    }
}

/// `image:` with `src`, `alt`, `caption`, `credit`.
fn image(reader: &mut MappingReader) -> Option<Located<ImageFields>> {
    reader.object("image", IMAGE_KEYS, |image| ImageFields {
        src: image.text("src"),
        alt: image.text("alt"),
        caption: image.text("caption"),
        credit: image.text("credit"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(source: &str) -> (StoryFrontMatter, Vec<Diagnostic>) {
        let path = Path::new("content/s/a.md");
        let doc = split(source, path).expect("front matter splits");
        parse_story(&doc, path).unwrap_or_else(|error| (StoryFrontMatter::default(), vec![error]))
    }

    #[test]
    fn splits_front_matter_and_body_with_lines() {
        let doc = split("---\ntitle: A\n---\n\nBody\n", Path::new("a.md")).unwrap();
        assert_eq!(doc.yaml, "title: A\n");
        assert_eq!(doc.yaml_first_line, 2);
        assert_eq!(doc.body, "\nBody\n");
        assert_eq!(doc.body_first_line, 4);
    }

    #[test]
    fn splits_crlf_and_bom() {
        let doc = split("\u{feff}---\r\ntitle: A\r\n---\r\nBody", Path::new("a.md")).unwrap();
        assert_eq!(doc.yaml, "title: A\r\n");
        assert_eq!(doc.body, "Body");
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors() {
        let missing = split("# Title\n", Path::new("a.md")).unwrap_err();
        assert_eq!(missing.code, Code::FrontMissing);
        let unclosed = split("---\ntitle: A\n", Path::new("a.md")).unwrap_err();
        assert_eq!(unclosed.code, Code::FrontUnclosed);
        assert_eq!(unclosed.line, Some(1));
    }

    #[test]
    fn reads_every_field() {
        let (front, diagnostics) = story(
            "---\ntitle: \"Twitter cuts ties\"\ndate: 2022-02-09\nreporter: Meirion Jones\neditor: [A, B]\ncredits:\n  Global editor: James Ball\n  Data: [C, D]\nfunder: OSF\nimage:\n  src: /images/zug.jpg\n  alt: Zug\n  caption: Zug, Switzerland.\n  credit: imageBROKER\nsummary: S\ntopics: [Big Tech]\nslug: twitter\nupdated: 2022-02-10\ndraft: false\npublish_at: 2022-02-09T06:00:00+00:00\nsources:\n  - title: Report\n    url: https://example.org\n  - title: Other\ncorrections:\n  - date: 2022-02-10\n    text: Fixed.\nclaims:\n  - claim: X\n    claimant: Y\n    rating: False\nextra:\n  mood: calm\n---\nBody\n",
        );
        assert_eq!(diagnostics, vec![]);
        assert_eq!(front.title.unwrap().value, "Twitter cuts ties");
        assert_eq!(front.reporter.unwrap().value, vec!["Meirion Jones"]);
        assert_eq!(front.editor.unwrap().value, vec!["A", "B"]);
        let credits: Vec<_> = front.credits.iter().map(|c| c.value.clone()).collect();
        assert_eq!(
            credits,
            vec![
                ("Global editor".to_string(), vec!["James Ball".to_string()]),
                ("Data".to_string(), vec!["C".to_string(), "D".to_string()])
            ]
        );
        assert_eq!(front.credits[1].position, Position::new(8, 3));
        let image = front.image.unwrap().value;
        assert_eq!(image.credit.unwrap().position, Position::new(14, 3));
        assert_eq!(front.sources.len(), 2);
        assert_eq!(front.sources[1].position, Position::new(24, 3));
        assert_eq!(front.sources[1].url, None);
        assert_eq!(front.claims[0].rating.as_ref().unwrap().value, "False");
        assert!(!front.draft.unwrap().value);
        assert!(front.extra.is_some());
    }

    #[test]
    fn unknown_key_has_line_and_suggestion() {
        let (_, diagnostics) = story("---\ntitle: A\nreportr: B\n---\n");
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(d.code, Code::FrontUnknownKey);
        assert_eq!((d.line, d.column), (Some(3), Some(1)));
        assert_eq!(d.hint.as_deref(), Some("did you mean `reporter`?"));
    }

    #[test]
    fn nested_unknown_key_and_wrong_types_all_reported() {
        let (_, diagnostics) = story(
            "---\ntitle: [A, B]\nimage:\n  src: a.png\n  credt: X\ntopics: {a: 1}\ndraft: maybe\n---\n",
        );
        let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            found,
            vec![
                (Code::FrontType, Some(2)),
                (Code::FrontUnknownKey, Some(5)),
                (Code::FrontType, Some(6)),
                (Code::FrontType, Some(7)),
            ]
        );
        assert_eq!(
            diagnostics[1].hint.as_deref(),
            Some("did you mean `credit`?")
        );
    }

    #[test]
    fn yaml_syntax_error_has_file_line() {
        let (_, diagnostics) = story("---\ntitle: A\ndate: 2022-01-01\nsummary: \"unclosed\n---\n");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::FrontSyntax);
        assert!(diagnostics[0].line.unwrap() >= 4, "{:?}", diagnostics[0]);
    }

    #[test]
    fn yaml_syntax_error_lines_count_only_line_feeds() {
        // YAML reads each lone carriage return as a line break; byline's lines (and the source
        // line `byline check` quotes) are separated by line feeds alone.
        let (_, diagnostics) = story("---\ntitle: A\r\r\r\rsummary: [\ndate: x\n---\n");
        assert_eq!(diagnostics[0].code, Code::FrontSyntax);
        assert!(
            diagnostics[0].line.unwrap() <= 5,
            "line {:?} of a 5-line file",
            diagnostics[0].line
        );
        // Columns count characters: the caret sits under the value after `é`'s two bytes.
        let (_, diagnostics) = story("---\ntitle: é\nsummary: \"é\" x\n---\n");
        assert_eq!(
            (diagnostics[0].line, diagnostics[0].column),
            (Some(3), Some(10))
        );
        assert!(
            diagnostics[0]
                .message
                .contains("quote mark inside the double quotes")
        );
    }

    #[test]
    fn locator_ignores_same_named_nested_keys() {
        let (front, _) = story("---\nimage:\n  title: x\n  src: a\ntitle: Real\n---\n");
        assert_eq!(front.title.unwrap().position, Position::new(5, 1));
    }
}
