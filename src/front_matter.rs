//! Front matter as written: splits a Markdown file into its YAML front matter and body, and reads
//! the YAML into typed fields that remember where in the file each came from.
//!
//! Every YAML call of byline goes through this module, so the YAML crate can be swapped in one
//! place. serde_yaml's `Value` carries no positions and its errors stop at the first problem, so
//! the front matter is read in two steps: the whole mapping is parsed once (syntax errors carry
//! serde_yaml's own line and column), then each known key is converted on its own and every
//! problem (unknown keys, wrong types) is reported against the key's line, found by [`Locator`]
//! in the source text. One file thus yields all of its problems in one run.

mod budget;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::diagnostic::{Diagnostic, Position, codes, did_you_mean};

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
        return Err(Diagnostic::error(
            codes::FRONT_MISSING,
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
    Err(Diagnostic::error(
        codes::FRONT_UNCLOSED,
        path,
        "the front matter is never closed: there is no second line of three dashes (---)",
    )
    .at(1, 1)
    .with_hint("add a line with just --- after the last front-matter field, before the story text"))
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub position: Position,
}

/// A name or a list of names, as `reporter`, `editor`, `funder` and credit roles take them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum Names {
    One(String),
    Many(Vec<String>),
}

impl Names {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Names::One(name) => vec![name],
            Names::Many(names) => names,
        }
    }
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
    pub claimant: Option<Located<String>>,
    pub rating: Option<Located<String>>,
    pub date: Option<Located<String>>,
    pub url: Option<Located<String>>,
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
    pub extra: Option<Located<Value>>,
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
];

/// A series' `_index.md` front matter as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesFrontMatter {
    pub title: Option<Located<String>>,
    pub summary: Option<Located<String>>,
    pub funder: Option<Located<Vec<String>>>,
    pub image: Option<Located<ImageFields>>,
    pub extra: Option<Located<Value>>,
}

pub const SERIES_KEYS: &[&str] = &["title", "summary", "funder", "image", "extra"];
const IMAGE_KEYS: &[&str] = &["src", "alt", "caption", "credit"];
const SOURCE_KEYS: &[&str] = &["title", "url", "publisher"];
const CORRECTION_KEYS: &[&str] = &["date", "text"];
const CLAIM_KEYS: &[&str] = &["claim", "claimant", "rating", "date", "url"];

/// Reads a story's front matter. Returns what could be read together with every problem found,
/// so one bad field does not hide the others; `Err` when the YAML cannot be read at all.
pub fn parse_story(
    doc: &SplitDocument,
    path: &Path,
) -> Result<(StoryFrontMatter, Vec<Diagnostic>), Diagnostic> {
    let mut reader = MappingReader::new(doc, path)?;
    let front = StoryFrontMatter {
        title: reader.text("title"),
        date: reader.date_text("date"),
        reporter: reader.names("reporter"),
        editor: reader.names("editor"),
        credits: reader.credits("credits"),
        funder: reader.names("funder"),
        image: reader.image("image"),
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
        claims: reader.list("claims", CLAIM_KEYS, |item| ClaimFields {
            position: item.scope_position(),
            claim: item.text("claim"),
            claimant: item.text("claimant"),
            rating: item.text("rating"),
            date: item.date_text("date"),
            url: item.text("url"),
        }),
        extra: reader.mapping("extra"),
    };
    let diagnostics = reader.finish(STORY_KEYS, "a story's front matter");
    Ok((front, diagnostics))
}

/// Reads a series' `_index.md` front matter, like [`parse_story`].
pub fn parse_series(
    doc: &SplitDocument,
    path: &Path,
) -> Result<(SeriesFrontMatter, Vec<Diagnostic>), Diagnostic> {
    let mut reader = MappingReader::new(doc, path)?;
    let front = SeriesFrontMatter {
        title: reader.text("title"),
        summary: reader.text("summary"),
        funder: reader.names("funder"),
        image: reader.image("image"),
        extra: reader.mapping("extra"),
    };
    let diagnostics = reader.finish(SERIES_KEYS, "a series' _index.md");
    Ok((front, diagnostics))
}

/// Parses a whole YAML file (site.yaml) into a reader over its top-level mapping.
pub fn read_yaml_file<'a>(yaml: &'a str, path: &Path) -> Result<MappingReader<'a>, Diagnostic> {
    let doc = SplitDocument {
        yaml,
        yaml_first_line: 1,
        body: "",
        body_first_line: 1,
    };
    MappingReader::new(&doc, path)
}

/// Walks one YAML mapping, handing out its fields by key and remembering which keys were taken,
/// so the keys nobody asked for can be reported as unknown.
pub struct MappingReader<'a> {
    path: PathBuf,
    locator: Locator<'a>,
    scope: Scope,
    entries: Vec<(String, Value, bool)>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> MappingReader<'a> {
    fn new(doc: &SplitDocument<'a>, path: &Path) -> Result<Self, Diagnostic> {
        let locator = Locator::new(doc.yaml, doc.yaml_first_line);
        // Every alias needs a `*`; only then can the expansion outgrow the text.
        if doc.yaml.contains('*') && !budget::within_budget(doc.yaml) {
            return Err(Diagnostic::error(
                codes::FRONT_TOO_LARGE,
                path,
                format!(
                    "the front matter repeats its YAML aliases (*name) so often that it would expand to more than {} values or {} MB of text; byline refuses it rather than run out of memory",
                    budget::MAX_VALUES,
                    budget::MAX_TEXT_BYTES / (1024 * 1024)
                ),
            )
            .at(doc.yaml_first_line, 1)
            .with_hint("write the values out instead of repeating them with aliases (&name and *name)"));
        }
        let value: Value = if doc.yaml.trim().is_empty() {
            Value::Mapping(Default::default())
        } else {
            serde_yaml::from_str(doc.yaml).map_err(|error| {
                let (line, column) = error
                    .location()
                    .map(|location| {
                        let (line_index, column) = line_column(doc.yaml, location.index());
                        (doc.yaml_first_line + line_index, column)
                    })
                    .unwrap_or((doc.yaml_first_line, 1));
                Diagnostic::error(
                    codes::FRONT_SYNTAX,
                    path,
                    format!("the front matter is not valid YAML: {}", yaml_error_text(&error)),
                )
                .at(line, column)
                .with_hint("check the quotes, colons and indentation on this line; a value containing a colon must be put in \"quotes\"")
            })?
        };
        let scope = locator.top();
        Self::for_value(
            value,
            path.to_path_buf(),
            locator,
            scope,
            "the front matter",
        )
    }

    fn for_value(
        value: Value,
        path: PathBuf,
        locator: Locator<'a>,
        scope: Scope,
        what: &str,
    ) -> Result<Self, Diagnostic> {
        let mapping = match value {
            Value::Mapping(mapping) => mapping,
            Value::Null => Default::default(),
            other => {
                return Err(Diagnostic::error(
                    codes::FRONT_NOT_MAPPING,
                    &path,
                    format!(
                        "{what} should be a list of `name: value` fields, but it is {}",
                        describe(&other)
                    ),
                )
                .at_position(scope.position));
            }
        };
        let entries = mapping
            .into_iter()
            .map(|(key, value)| (key_text(&key), value, false))
            .collect();
        Ok(MappingReader {
            path,
            locator,
            scope,
            entries,
            diagnostics: Vec::new(),
        })
    }

    /// Where this mapping starts in the file.
    pub fn scope_position(&self) -> Position {
        self.scope.position
    }

    fn key_position(&self, key: &str) -> Position {
        self.locator
            .find_key(&self.scope, key)
            .map(|(position, _)| position)
            .unwrap_or(self.scope.position)
    }

    fn take(&mut self, key: &str) -> Option<(Value, Position)> {
        let entry = self
            .entries
            .iter_mut()
            .find(|(k, _, taken)| k == key && !*taken)?;
        entry.2 = true;
        let value = std::mem::replace(&mut entry.1, Value::Null);
        Some((value, self.key_position(key)))
    }

    fn type_error(&mut self, key: &str, expected: &str, value: &Value, position: Position) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::FRONT_TYPE,
                &self.path,
                format!(
                    "`{key}` should be {expected}, but it is {}",
                    describe(value)
                ),
            )
            .at_position(position),
        );
    }

    /// Any value serde can read; `expected` describes it for the error message.
    pub fn typed<T: DeserializeOwned>(&mut self, key: &str, expected: &str) -> Option<Located<T>> {
        let (value, position) = self.take(key)?;
        if value.is_null() {
            return None;
        }
        match serde_yaml::from_value::<T>(value.clone()) {
            Ok(parsed) => Some(Located {
                value: parsed,
                position,
            }),
            Err(_) => {
                self.type_error(key, expected, &value, position);
                None
            }
        }
    }

    /// A piece of text. Numbers are accepted as text too (a title like `1984` is fine).
    pub fn text(&mut self, key: &str) -> Option<Located<String>> {
        let (value, position) = self.take(key)?;
        match value {
            Value::Null => None,
            Value::String(text) => Some(Located {
                value: text,
                position,
            }),
            // YAML reads `rating: False` or `title: 1984` as a boolean or number; the reporter
            // meant the words as written, so take them from the source line.
            Value::Number(_) | Value::Bool(_) => {
                let written = self
                    .locator
                    .scalar_after_key(position)
                    .map(str::to_string)
                    .unwrap_or_else(|| key_text(&value));
                Some(Located {
                    value: written,
                    position,
                })
            }
            other => {
                self.type_error(key, "text", &other, position);
                None
            }
        }
    }

    /// A date or date-time, kept as text for `content` to parse (it knows the time-zone rules).
    pub fn date_text(&mut self, key: &str) -> Option<Located<String>> {
        let (value, position) = self.take(key)?;
        match value {
            Value::Null => None,
            Value::String(text) => Some(Located {
                value: text,
                position,
            }),
            other => {
                self.type_error(key, "a date like 2024-01-31", &other, position);
                None
            }
        }
    }

    /// A name or a list of names.
    pub fn names(&mut self, key: &str) -> Option<Located<Vec<String>>> {
        let (value, position) = self.take(key)?;
        names_from_value(value).map_or_else(
            |bad| {
                if !bad.is_null() {
                    self.type_error(key, "a name or a list of names", &bad, position);
                }
                None
            },
            |names| {
                Some(Located {
                    value: names,
                    position,
                })
            },
        )
    }

    /// `credits:`: a mapping of role to a name or list of names, in the order written.
    pub fn credits(&mut self, key: &str) -> Vec<Located<(String, Vec<String>)>> {
        let Some((value, position)) = self.take(key) else {
            return Vec::new();
        };
        let mapping = match value {
            Value::Null => return Vec::new(),
            Value::Mapping(mapping) => mapping,
            other => {
                self.type_error(
                    key,
                    "a list of roles, one per line, like `Fact checker: Jane Doe`",
                    &other,
                    position,
                );
                return Vec::new();
            }
        };
        let scope = self
            .locator
            .find_key(&self.scope, key)
            .map(|(_, scope)| scope);
        let mut credits = Vec::new();
        for (role, names) in mapping {
            let role = key_text(&role);
            let role_position = scope
                .as_ref()
                .and_then(|scope| self.locator.find_key(scope, &role))
                .map(|(position, _)| position)
                .unwrap_or(position);
            match names_from_value(names) {
                Ok(names) => credits.push(Located {
                    value: (role, names),
                    position: role_position,
                }),
                Err(bad) => {
                    let label = format!("credits: {role}");
                    self.type_error(&label, "a name or a list of names", &bad, role_position)
                }
            }
        }
        credits
    }

    /// A free mapping (`extra:`), passed to templates as it is.
    pub fn mapping(&mut self, key: &str) -> Option<Located<Value>> {
        let (value, position) = self.take(key)?;
        match value {
            Value::Null => None,
            Value::Mapping(_) => Some(Located { value, position }),
            other => {
                self.type_error(key, "a list of `name: value` fields", &other, position);
                None
            }
        }
    }

    /// `image:` with `src`, `alt`, `caption`, `credit`.
    pub fn image(&mut self, key: &str) -> Option<Located<ImageFields>> {
        let mut nested = self.nested(key)?;
        let image = ImageFields {
            src: nested.text("src"),
            alt: nested.text("alt"),
            caption: nested.text("caption"),
            credit: nested.text("credit"),
        };
        let position = nested.scope.position;
        self.absorb(nested, IMAGE_KEYS, key);
        Some(Located {
            value: image,
            position,
        })
    }

    /// A list of mappings, each read by `read_item`.
    pub fn list<T>(
        &mut self,
        key: &str,
        known: &[&str],
        mut read_item: impl FnMut(&mut MappingReader<'a>) -> T,
    ) -> Vec<T> {
        let Some((value, position)) = self.take(key) else {
            return Vec::new();
        };
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Sequence(items) => items,
            other => {
                self.type_error(
                    key,
                    "a list (each entry on a line starting with -)",
                    &other,
                    position,
                );
                return Vec::new();
            }
        };
        let list_scope = self
            .locator
            .find_key(&self.scope, key)
            .map(|(_, scope)| scope);
        let mut read = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            let item_scope = list_scope
                .as_ref()
                .and_then(|scope| self.locator.find_item(scope, index))
                .unwrap_or_else(|| Scope::at(position));
            let what = format!("entry {} of `{key}`", index + 1);
            match MappingReader::for_value(
                item,
                self.path.clone(),
                self.locator.clone(),
                item_scope,
                &what,
            ) {
                Ok(mut item_reader) => {
                    let parsed = read_item(&mut item_reader);
                    self.absorb(item_reader, known, key);
                    read.push(parsed);
                }
                Err(diagnostic) => self.diagnostics.push(diagnostic),
            }
        }
        read
    }

    fn nested(&mut self, key: &str) -> Option<MappingReader<'a>> {
        let (value, position) = self.take(key)?;
        if value.is_null() {
            return None;
        }
        let scope = self
            .locator
            .find_key(&self.scope, key)
            .map(|(_, scope)| scope)
            .unwrap_or_else(|| Scope::at(position));
        let what = format!("`{key}`");
        match MappingReader::for_value(value, self.path.clone(), self.locator.clone(), scope, &what)
        {
            Ok(reader) => Some(reader),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn absorb(&mut self, nested: MappingReader<'a>, known: &[&str], parent: &str) {
        let diagnostics = nested.finish(known, &format!("`{parent}`"));
        self.diagnostics.extend(diagnostics);
    }

    /// Reports every key nobody took as unknown (with the nearest known key as a suggestion) and
    /// returns all problems found in this mapping.
    pub fn finish(mut self, known: &[&str], what: &str) -> Vec<Diagnostic> {
        let unknown: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, _, taken)| !taken)
            .map(|(key, _, _)| key.clone())
            .collect();
        for key in unknown {
            let position = self.key_position(&key);
            let mut diagnostic = Diagnostic::error(
                codes::FRONT_UNKNOWN_KEY,
                &self.path,
                format!(
                    "`{key}` is not a field byline knows in {what}, so it would be silently ignored"
                ),
            )
            .at_position(position);
            diagnostic = match did_you_mean(&key, known) {
                Some(suggestion) => diagnostic.with_hint(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_hint(format!(
                    "the fields are: {}; put theme-specific fields under `extra:`",
                    known.join(", ")
                )),
            };
            self.diagnostics.push(diagnostic);
        }
        self.diagnostics
    }

    /// Takes the diagnostics gathered so far without the unknown-key pass (for callers that
    /// check keys themselves).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records a problem found by the caller, for `finish` to return with the rest.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reads a nested mapping with the given known keys via `read`, e.g. `publisher:` in site.yaml.
    pub fn object<T>(
        &mut self,
        key: &str,
        known: &[&str],
        read: impl FnOnce(&mut MappingReader<'a>) -> T,
    ) -> Option<Located<T>> {
        let mut nested = self.nested(key)?;
        let value = read(&mut nested);
        let position = nested.scope.position;
        self.absorb(nested, known, key);
        Some(Located { value, position })
    }

    /// Position of a key of this mapping (or of the mapping itself when the key is absent).
    pub fn position_of(&self, key: &str) -> Position {
        self.key_position(key)
    }
}

fn names_from_value(value: Value) -> Result<Vec<String>, Value> {
    match value {
        Value::String(name) => Ok(vec![name]),
        Value::Sequence(items) => {
            let mut names = Vec::with_capacity(items.len());
            for item in &items {
                match item {
                    Value::String(name) => names.push(name.clone()),
                    _ => return Err(Value::Sequence(items)),
                }
            }
            Ok(names)
        }
        other => Err(other),
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        other => serde_yaml::to_string(other)
            .map(|text| text.trim().to_string())
            .unwrap_or_default(),
    }
}

/// Describes a YAML value for a message: "a list", "a number (12)".
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_string(),
        Value::Bool(flag) => format!("true/false ({flag})"),
        Value::Number(number) => format!("a number ({number})"),
        Value::String(text) => format!("the text \"{text}\""),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a set of `name: value` fields".to_string(),
        Value::Tagged(_) => "a tagged value".to_string(),
    }
}

/// The 0-based line and the 1-based column in characters of byte `index` of `text` (clamped to
/// the text). serde_yaml's own line and column count a lone `\r` as a line break, as YAML does,
/// but everything else in byline (the source lines `byline check` quotes, editors' line numbers)
/// breaks lines at `\n` only; counting from the byte offset keeps the two in step.
fn line_column(text: &str, index: usize) -> (usize, usize) {
    let mut end = index.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line_index = before.matches('\n').count();
    (line_index, before[line_start..].chars().count() + 1)
}

/// serde_yaml's message without its trailing " at line X column Y" (we print our own position).
fn yaml_error_text(error: &serde_yaml::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" at line ") {
        Some(index) => &text[..index],
        None => &text,
    };
    // serde_yaml's guards against hostile files, in words a reporter can act on.
    match text {
        "recursion limit exceeded" => {
            "it nests lists or fields inside each other more than 128 levels deep".to_string()
        }
        "repetition limit exceeded" => {
            "it repeats its aliases (*name) so often that it would expand to an enormous size"
                .to_string()
        }
        other => other.to_string(),
    }
}

/// A block of lines in the YAML text: a mapping (or list entry) whose keys are searched.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    /// Index of the first line of the block in `Locator::lines`.
    start: usize,
    /// One past the last line of the block.
    end: usize,
    /// Lines of the block that belong to it have at least this indentation.
    indent: usize,
    /// A list entry's first line starts with `- `: its key sits after the dash.
    dash_line: Option<usize>,
    position: Position,
}

impl Scope {
    fn at(position: Position) -> Scope {
        Scope {
            start: 0,
            end: 0,
            indent: 0,
            dash_line: None,
            position,
        }
    }
}

/// Finds keys and list entries in YAML source text by indentation, to give each field a line.
/// It understands block style (the way front matter is written); for flow style
/// (`{a: 1}`) it falls back to the enclosing key's line.
#[derive(Debug, Clone)]
pub struct Locator<'a> {
    lines: Vec<&'a str>,
    first_line: usize,
}

impl<'a> Locator<'a> {
    pub fn new(yaml: &'a str, first_line: usize) -> Self {
        Locator {
            lines: yaml.lines().collect(),
            first_line,
        }
    }

    fn top(&self) -> Scope {
        Scope {
            start: 0,
            end: self.lines.len(),
            indent: 0,
            dash_line: None,
            position: Position::new(self.first_line, 1),
        }
    }

    /// The line's indentation and content, with a list entry's dash read as a space.
    fn view(&self, index: usize, scope: &Scope) -> (usize, &'a str) {
        let line = self.lines[index];
        let mut indent = line.len() - line.trim_start_matches(' ').len();
        let mut text = &line[indent..];
        if scope.dash_line == Some(index)
            && let Some(rest) = text.strip_prefix('-')
        {
            let spaces = rest.len() - rest.trim_start_matches(' ').len();
            indent += 1 + spaces;
            text = &rest[spaces..];
        }
        (indent, text)
    }

    fn is_blank(line: &str) -> bool {
        let trimmed = line.trim();
        trimmed.is_empty() || trimmed.starts_with('#')
    }

    /// The key's position and the block of lines holding its value.
    fn find_key(&self, scope: &Scope, key: &str) -> Option<(Position, Scope)> {
        let mut key_indent = None;
        for index in scope.start..scope.end.min(self.lines.len()) {
            if Self::is_blank(self.lines[index]) {
                continue;
            }
            let (indent, text) = self.view(index, scope);
            if indent < scope.indent {
                break;
            }
            // Keys of this mapping all share the indentation of its first key.
            let expected = *key_indent.get_or_insert(indent);
            if indent != expected || !starts_with_key(text, key) {
                continue;
            }
            let position = Position::new(self.first_line + index, indent + 1);
            let end = (index + 1..scope.end.min(self.lines.len()))
                .find(|&next| {
                    !Self::is_blank(self.lines[next]) && self.view(next, scope).0 <= indent
                })
                .unwrap_or(scope.end.min(self.lines.len()));
            return Some((
                position,
                Scope {
                    start: index + 1,
                    end,
                    indent: indent + 1,
                    dash_line: None,
                    position,
                },
            ));
        }
        None
    }

    /// The plain scalar written after the key that starts at `position`, e.g. `False` in
    /// `rating: False`.
    fn scalar_after_key(&self, position: Position) -> Option<&'a str> {
        let line = self
            .lines
            .get(position.line.checked_sub(self.first_line)?)?;
        let after_key = &line[line.find(':')? + 1..];
        let scalar = after_key.split(" #").next().unwrap_or("").trim();
        (!scalar.is_empty()).then_some(scalar)
    }

    /// The `index`th entry (`- ...`) of a list held in `scope`.
    fn find_item(&self, scope: &Scope, index: usize) -> Option<Scope> {
        let end = scope.end.min(self.lines.len());
        let mut starts = Vec::new();
        let mut item_indent = None;
        for line_index in scope.start..end {
            let line = self.lines[line_index];
            if Self::is_blank(line) {
                continue;
            }
            let indent = line.len() - line.trim_start_matches(' ').len();
            let text = &line[indent..];
            if text.starts_with('-') && *item_indent.get_or_insert(indent) == indent {
                starts.push(line_index);
            }
        }
        let start = *starts.get(index)?;
        let item_end = starts.get(index + 1).copied().unwrap_or(end);
        let indent = item_indent.unwrap_or(0);
        Some(Scope {
            start,
            end: item_end,
            indent: indent + 1,
            dash_line: Some(start),
            position: Position::new(self.first_line + start, indent + 1),
        })
    }
}

fn starts_with_key(text: &str, key: &str) -> bool {
    let unquoted = ["\"", "'"]
        .iter()
        .find_map(|quote| {
            text.strip_prefix(quote)
                .and_then(|rest| rest.strip_prefix(key))
                .and_then(|rest| rest.strip_prefix(quote))
        })
        .or_else(|| text.strip_prefix(key));
    match unquoted {
        Some(rest) => rest.trim_start_matches([' ', '\t']).starts_with(':'),
        None => false,
    }
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
        assert_eq!(missing.code, codes::FRONT_MISSING);
        let unclosed = split("---\ntitle: A\n", Path::new("a.md")).unwrap_err();
        assert_eq!(unclosed.code, codes::FRONT_UNCLOSED);
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
        assert_eq!(d.code, codes::FRONT_UNKNOWN_KEY);
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
                (codes::FRONT_TYPE, Some(2)),
                (codes::FRONT_UNKNOWN_KEY, Some(5)),
                (codes::FRONT_TYPE, Some(6)),
                (codes::FRONT_TYPE, Some(7)),
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
        assert_eq!(diagnostics[0].code, codes::FRONT_SYNTAX);
        assert!(diagnostics[0].line.unwrap() >= 4, "{:?}", diagnostics[0]);
    }

    #[test]
    fn yaml_syntax_error_lines_count_only_line_feeds() {
        // YAML reads each lone carriage return as a line break; byline's lines (and the source
        // line `byline check` quotes) are separated by line feeds alone.
        let (_, diagnostics) = story("---\ntitle: A\r\r\r\rsummary: [\ndate: x\n---\n");
        assert_eq!(diagnostics[0].code, codes::FRONT_SYNTAX);
        assert!(
            diagnostics[0].line.unwrap() <= 5,
            "line {:?} of a 5-line file",
            diagnostics[0].line
        );
        let (_, diagnostics) = story("---\ntitle: A\nsummary: \"é\" x\n---\n");
        assert_eq!(
            (diagnostics[0].line, diagnostics[0].column),
            (Some(3), Some(14))
        );
    }

    #[test]
    fn locator_ignores_same_named_nested_keys() {
        let (front, _) = story("---\nimage:\n  title: x\n  src: a\ntitle: Real\n---\n");
        assert_eq!(front.title.unwrap().position, Position::new(5, 1));
    }
}
