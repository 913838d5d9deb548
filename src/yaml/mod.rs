//! YAML as byline reads it (site.yaml, front matter, a theme's strings): the only module that
//! names the YAML crate, so it can be swapped in one place.
//!
//! serde_yaml's `Value` carries no positions and its errors stop at the first problem, so a
//! mapping is read in two steps: the whole document is parsed once (syntax errors carry the
//! parser's own line and column), then each known key is converted on its own by a
//! [`MappingReader`] and every problem (unknown keys, wrong types) is reported against the key's
//! line, found by [`Locator`] in the source text. One file thus yields all of its problems in
//! one run.

mod budget;
mod explain;
mod value;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::diag::{Code, Diagnostic, Position, did_you_mean};

pub use value::FreeValue;

/// YAML text and the file line it starts on.
struct Document<'a> {
    yaml: &'a str,
    first_line: usize,
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub position: Position,
}

/// `text` parsed as a YAML document into `T`, or the parser's message (for files whose shape
/// byline defines itself, like a theme's strings, where positions matter less).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_yaml::from_str(text).map_err(|error| error.to_string())
}

/// Walks one YAML mapping, handing out its fields by key and remembering which keys were taken,
/// so the keys nobody asked for can be reported as unknown.
pub struct MappingReader<'a> {
    path: PathBuf,
    locator: Locator<'a>,
    scope: Scope,
    entries: Vec<(String, Value, bool)>,
    diagnostics: Vec<Diagnostic>,
    /// Keys whose value a `#` turned into a comment.
    commented: Vec<String>,
}

impl<'a> MappingReader<'a> {
    /// Parses a whole YAML file (site.yaml) into a reader over its top-level mapping.
    pub fn for_file(yaml: &'a str, path: &Path) -> Result<Self, Diagnostic> {
        Self::parse(yaml, 1, path, false)
    }

    /// Parses the front matter `yaml`, whose first line is line `first_line` of the file at
    /// `path` (front matter starts on line 2), into a reader over its top-level mapping.
    pub fn new(yaml: &'a str, first_line: usize, path: &Path) -> Result<Self, Diagnostic> {
        Self::parse(yaml, first_line, path, true)
    }

    fn parse(
        yaml: &'a str,
        first_line: usize,
        path: &Path,
        front_matter: bool,
    ) -> Result<Self, Diagnostic> {
        let doc = Document { yaml, first_line };
        let locator = Locator::new(doc.yaml, doc.first_line);
        // Every alias needs a `*`; only then can the expansion outgrow the text.
        if doc.yaml.contains('*') && !budget::within_budget(doc.yaml) {
            return Err(Diagnostic::new(
                Code::FrontTooLarge,
                path,
                format!(
                    "the front matter repeats its YAML aliases (*name) so often that it would expand to more than {} values or {} MB of text; byline refuses it rather than run out of memory",
                    budget::MAX_VALUES,
                    budget::MAX_TEXT_BYTES / (1024 * 1024)
                ),
            )
            .at(doc.first_line, 1)
            .with_hint("write the values out instead of repeating them with aliases (&name and *name)"));
        }
        let value: Value = if doc.yaml.trim().is_empty() {
            Value::Mapping(Default::default())
        } else {
            serde_yaml::from_str(doc.yaml).map_err(|error| {
                let (line_index, column) = error
                    .location()
                    .map(|location| line_column(doc.yaml, location.index()))
                    .unwrap_or((0, 1));
                let explained = explain::explain(
                    doc.yaml,
                    (line_index, column),
                    &yaml_error_text(&error),
                    front_matter.then_some(doc.first_line),
                );
                Diagnostic::new(Code::FrontSyntax, path, explained.message)
                    .at(doc.first_line + explained.line, explained.column)
                    .with_hint(explained.hint)
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
                return Err(Diagnostic::new(
                    Code::FrontNotMapping,
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
            commented: Vec::new(),
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
        let position = self.key_position(key);
        if value.is_null() {
            self.report_comment_as_value(key, position);
        }
        Some((value, position))
    }

    /// `title: #MeToo at the council` is a key with no value and a comment: YAML reads `#` as
    /// the start of a comment. The reporter meant the words; say so where they are.
    fn report_comment_as_value(&mut self, key: &str, position: Position) {
        let Some(comment) = self.locator.comment_after_key(position) else {
            return;
        };
        let column = position.column + comment.offset;
        self.diagnostics.push(
            Diagnostic::new(
                Code::FrontComment,
                &self.path,
                format!(
                    "`{key}` is empty: in YAML `#` starts a comment, so `{}` was read as a comment, not as the {key}",
                    comment.text
                ),
            )
            .at(position.line, column)
            .with_hint(format!(
                "put the value in double quotes:\n{key}: {}",
                explain::double_quoted(comment.text)
            )),
        );
        self.commented.push(key.to_string());
    }

    /// The keys whose value a `#` turned into a comment (each already reported).
    pub fn commented_keys(&self) -> Vec<String> {
        self.commented.clone()
    }

    fn type_error(&mut self, key: &str, expected: &str, value: &Value, position: Position) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::FrontType,
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
    pub fn mapping(&mut self, key: &str) -> Option<Located<FreeValue>> {
        let (value, position) = self.take(key)?;
        match value {
            Value::Null => None,
            Value::Mapping(_) => Some(Located {
                value: FreeValue::from_yaml(value),
                position,
            }),
            other => {
                self.type_error(key, "a list of `name: value` fields", &other, position);
                None
            }
        }
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
    pub fn finish(self, known: &[&str], what: &str) -> Vec<Diagnostic> {
        self.finish_knowing(known, &[], what)
    }

    /// [`MappingReader::finish`], where `elsewhere` names fields of other tools and what each
    /// is called here (`tags` -> "`topics`"), for the hint.
    pub fn finish_knowing(
        mut self,
        known: &[&str],
        elsewhere: &[(&str, &str)],
        what: &str,
    ) -> Vec<Diagnostic> {
        let unknown: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, _, taken)| !taken)
            .map(|(key, _, _)| key.clone())
            .collect();
        for key in unknown {
            let position = self.key_position(&key);
            let mut diagnostic = Diagnostic::new(
                Code::FrontUnknownKey,
                &self.path,
                format!(
                    "`{key}` is not a field byline knows in {what}, so it would be silently ignored"
                ),
            )
            .at_position(position);
            let other_tool = elsewhere
                .iter()
                .find(|(theirs, _)| theirs.eq_ignore_ascii_case(&key))
                .map(|(_, ours)| *ours);
            diagnostic = match (other_tool, did_you_mean(&key, known)) {
                (Some(ours), _) => diagnostic.with_hint(format!(
                    "`{key}` is what Hugo, Jekyll or WordPress call it; in byline it is {ours}"
                )),
                (None, Some(suggestion)) => {
                    diagnostic.with_hint(format!("did you mean `{suggestion}`?"))
                }
                (None, None) => diagnostic.with_hint(format!(
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

    /// A piece of text, or a nested mapping read by `read` with the given known keys: a field
    /// that may be written short (`claimant: Ana Lind`) or in full (`claimant: {name: ...}`).
    pub fn text_or_object<T>(
        &mut self,
        key: &str,
        known: &[&str],
        from_text: impl FnOnce(Located<String>) -> T,
        read: impl FnOnce(&mut MappingReader<'a>) -> T,
    ) -> Option<Located<T>> {
        let is_mapping = self
            .entries
            .iter()
            .any(|(k, value, taken)| k == key && !*taken && value.is_mapping());
        if is_mapping {
            return self.object(key, known, read);
        }
        let text = self.text(key)?;
        let position = text.position;
        Some(Located {
            value: from_text(text),
            position,
        })
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

/// A comment where a value was meant: its text and its offset from its key.
struct Comment<'a> {
    text: &'a str,
    offset: usize,
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

    /// The comment written where the value of the key at `position` should be (`title: #MeToo`),
    /// with its offset from the key's column.
    fn comment_after_key(&self, position: Position) -> Option<Comment<'a>> {
        let line = self
            .lines
            .get(position.line.checked_sub(self.first_line)?)?;
        let from_key = line.get(position.column.checked_sub(1)?..)?;
        let colon = from_key.find(':')?;
        let after = &from_key[colon + 1..];
        let text = after.trim();
        if !after.starts_with([' ', '\t']) || !text.starts_with('#') || text.len() < 2 {
            return None;
        }
        let offset = colon + 1 + (after.len() - after.trim_start().len());
        Some(Comment {
            text,
            offset: from_key[..offset].chars().count(),
        })
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
