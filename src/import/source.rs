//! What Hugo and Jekyll sites share: front matter in YAML, TOML (`+++`) or JSON, read into one
//! mapping; dates as those generators accept them; fields kept under `extra:`.

use super::fields::{Mapping, Value};
use super::report::ImportReport;
use super::site_zone;
use crate::dates::StoryDate;

/// How a file's front matter was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
    None,
}

/// A file cut into its front matter (as a mapping) and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub format: Format,
    pub fields: Mapping,
    pub body: String,
}

fn from_toml(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::Text(s),
        toml::Value::Integer(i) => Value::Integer(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::Text(d.to_string()),
        toml::Value::Array(items) => Value::List(items.into_iter().map(from_toml).collect()),
        toml::Value::Table(table) => Value::Map(
            table
                .into_iter()
                .map(|(k, v)| (Value::Text(k), from_toml(v)))
                .collect(),
        ),
    }
}

fn from_json(value: serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Integer(i),
            (None, Some(u)) => Value::Unsigned(u),
            (None, None) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Text(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(from_json).collect()),
        serde_json::Value::Object(object) => Value::Map(
            object
                .into_iter()
                .map(|(k, v)| (Value::Text(k), from_json(v)))
                .collect(),
        ),
    }
}

/// The text between a line `fence` at the start and the next such line, and the rest.
fn fenced<'a>(text: &'a str, fence: &str) -> Option<(&'a str, &'a str)> {
    let rest = text
        .strip_prefix(fence)?
        .strip_prefix("\r\n")
        .or_else(|| text.strip_prefix(fence)?.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// Reads a content file's front matter, whichever of the three formats it is in. `Err` says
/// what is wrong, for the report.
pub fn read_document(text: &str) -> Result<Document, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.starts_with("---") {
        let (yaml, body) =
            fenced(text, "---").ok_or("the YAML front matter is never closed with ---")?;
        let value = if yaml.trim().is_empty() {
            Value::Null
        } else {
            Value::from_yaml_text(yaml)
                .map_err(|e| format!("the YAML front matter cannot be read: {e}"))?
        };
        let fields = match Mapping::from_value(value) {
            Ok(map) => map,
            Err(Value::Null) => Mapping::new(),
            Err(_) => return Err("the front matter is not a set of `name: value` lines".into()),
        };
        return Ok(Document {
            format: Format::Yaml,
            fields,
            body: body.to_string(),
        });
    }
    if text.starts_with("+++") {
        let (toml_text, body) =
            fenced(text, "+++").ok_or("the TOML front matter is never closed with +++")?;
        let table: toml::Table = toml::from_str(toml_text)
            .map_err(|e| format!("the TOML front matter cannot be read: {e}"))?;
        let fields = table
            .into_iter()
            .map(|(k, v)| (Value::Text(k), from_toml(v)))
            .collect();
        return Ok(Document {
            format: Format::Toml,
            fields,
            body: body.to_string(),
        });
    }
    if text.starts_with('{') {
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
        let value = stream
            .next()
            .ok_or("the JSON front matter is empty")?
            .map_err(|e| format!("the JSON front matter cannot be read: {e}"))?;
        let end = stream.byte_offset();
        let Ok(fields) = Mapping::from_value(from_json(value)) else {
            return Err("the JSON front matter is not an object".into());
        };
        return Ok(Document {
            format: Format::Json,
            fields,
            body: text[end..].to_string(),
        });
    }
    Ok(Document {
        format: Format::None,
        fields: Mapping::new(),
        body: text.to_string(),
    })
}

/// Takes a field out of the mapping (so what is left can go under `extra:`).
pub fn take(fields: &mut Mapping, key: &str) -> Option<Value> {
    fields.remove(key)
}

/// The lists under each of `keys`, taken out of `fields` and joined in the order of `keys`
/// (`tags` then `categories`); see [`as_list`] for `split_spaces`.
pub fn take_lists(fields: &mut Mapping, keys: &[&str], split_spaces: bool) -> Vec<String> {
    keys.iter()
        .filter_map(|key| take(fields, key))
        .flat_map(|value| as_list(&value, split_spaces))
        .collect()
}

/// A value as text: strings, numbers and booleans.
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Unsigned(u) => Some(u.to_string()),
        // As YAML writes it: `1.0`, `.nan`.
        Value::Float(f) if f.is_nan() => Some(".nan".to_string()),
        Value::Float(f) if f.is_infinite() => {
            Some(if *f < 0.0 { "-.inf" } else { ".inf" }.to_string())
        }
        Value::Float(f) => Some(format!("{f:?}")),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A name or a list of names; `split_spaces` reads Jekyll's `categories: news politics`.
pub fn as_list(value: &Value, split_spaces: bool) -> Vec<String> {
    match value {
        Value::List(items) => items.iter().filter_map(as_text).collect(),
        Value::Map(entries) => entries.iter().filter_map(|(_, v)| as_text(v)).collect(),
        other => match as_text(other) {
            Some(text) if split_spaces => text.split_whitespace().map(str::to_string).collect(),
            Some(text) if text.contains(',') => text
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            Some(text) => vec![text],
            None => Vec::new(),
        },
    }
}

pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Text(s) => match s.trim() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A date as Hugo or Jekyll write it, as byline reads dates (in the new site's zone,
/// [`site_zone`]): `YYYY-MM-DD`, or RFC 3339 with its offset. A time without a zone is read as UTC (and noted); `2019-03-14 10:30:00 +0100`
/// (Jekyll) is rewritten. `None` when it cannot be read at all.
pub fn normalize_date(text: &str, report: &mut ImportReport) -> Option<String> {
    let text = text.trim();
    let zone = site_zone();
    let readable = |text: &str| StoryDate::parse(text, &zone).is_ok();
    if readable(text) {
        return Some(text.to_string());
    }
    // `2019-03-14 10:30:00 +0100` or `2019-03-14 10:30:00 +01:00` or `...T10:30:00`.
    let mut parts = text.split_whitespace();
    let day = parts.next()?;
    let (day, time) = match day.split_once('T') {
        Some((d, t)) => (d.to_string(), Some(t.to_string())),
        None => (day.to_string(), parts.next().map(str::to_string)),
    };
    let zone = parts.next();
    let Some(time) = time else {
        return readable(&day).then_some(day);
    };
    let time = if time.len() == 5 {
        format!("{time}:00")
    } else {
        time
    };
    let candidate = match zone {
        Some(zone)
            if zone.len() == 5
                && (zone.starts_with('+') || zone.starts_with('-'))
                && zone[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{day}T{time}{}:{}", &zone[..3], &zone[3..])
        }
        Some(zone) if zone.starts_with('+') || zone.starts_with('-') || zone == "Z" => {
            format!("{day}T{time}{zone}")
        }
        Some("UTC") | Some("GMT") => format!("{day}T{time}Z"),
        _ => {
            let utc = format!("{day}T{time}Z");
            if readable(&utc) {
                report.note("dates with a time but no time zone were read as UTC: check them if the old site had another zone");
                return Some(utc);
            }
            return None;
        }
    };
    readable(&candidate).then_some(candidate)
}

/// Whether `a` is later than `b` (both already normalised).
pub fn later(a: &str, b: &str) -> bool {
    let zone = site_zone();
    match (StoryDate::parse(a, &zone), StoryDate::parse(b, &zone)) {
        (Ok(a), Ok(b)) => a.instant > b.instant,
        _ => false,
    }
}

/// Puts what is left of a front matter under `extra:` (with the generator's name as the key)
/// and counts each field in the report.
pub fn keep_rest(
    generator: &str,
    fields: Mapping,
    extra: &mut Mapping,
    label: &str,
    report: &mut ImportReport,
) {
    if fields.is_empty() {
        return;
    }
    for key in fields.keys() {
        if let Some(key) = as_text(key) {
            report.extra(&format!("{generator}.{key}"), label);
        }
    }
    extra.insert(generator, fields.into_value());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_front_matter_formats_are_read() {
        let yaml = read_document("---\ntitle: \"A: b\"\ntags: [x, y]\n---\nBody\n").unwrap();
        assert_eq!(yaml.format, Format::Yaml);
        assert_eq!(as_text(yaml.fields.get("title").unwrap()).unwrap(), "A: b");
        assert_eq!(yaml.body, "Body\n");
        let toml = read_document(
            "+++\ntitle = \"T\"\ndate = 2020-01-02T10:00:00+01:00\ntags = [\"x\"]\n+++\nBody\n",
        )
        .unwrap();
        assert_eq!(toml.format, Format::Toml);
        assert_eq!(
            as_text(toml.fields.get("date").unwrap()).unwrap(),
            "2020-01-02T10:00:00+01:00"
        );
        assert_eq!(as_list(toml.fields.get("tags").unwrap(), false), ["x"]);
        let json = read_document("{\n  \"title\": \"J\",\n  \"draft\": true\n}\n\nBody\n").unwrap();
        assert_eq!(json.format, Format::Json);
        assert_eq!(as_bool(json.fields.get("draft").unwrap()), Some(true));
        assert_eq!(json.body.trim(), "Body");
        assert!(read_document("---\ntitle: [unclosed\n---\n").is_err());
        assert_eq!(read_document("Just text").unwrap().format, Format::None);
    }

    #[test]
    fn dates_are_normalised() {
        let mut report = ImportReport::default();
        let mut date = |t: &str| normalize_date(t, &mut report);
        assert_eq!(date("2019-03-14").as_deref(), Some("2019-03-14"));
        assert_eq!(
            date("2019-03-14T10:30:00+01:00").as_deref(),
            Some("2019-03-14T10:30:00+01:00")
        );
        assert_eq!(
            date("2019-03-14 10:30:00 +0100").as_deref(),
            Some("2019-03-14T10:30:00+01:00")
        );
        assert_eq!(
            date("2019-03-14 10:30").as_deref(),
            Some("2019-03-14T10:30:00Z")
        );
        assert_eq!(
            date("2019-03-14T10:30:00").as_deref(),
            Some("2019-03-14T10:30:00Z")
        );
        assert_eq!(date("March 2019"), None);
        assert_eq!(date("2019-03-14 10:30:00 +0é1"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever a content file holds, reading it and its dates gives an answer or an error,
        /// never a panic.
        #[test]
        fn any_text_is_read_without_panic(text in r"(\PC|[-+{}:\n ]){0,80}") {
            let _ = read_document(&text);
            let _ = read_document(&format!("---\n{text}\n---\n"));
            let _ = read_document(&format!("+++\n{text}\n+++\n"));
            let _ = read_document(&format!("{{{text}"));
            let _ = normalize_date(&text, &mut ImportReport::default());
            let _ = normalize_date(&format!("2019-03-14 {text}"), &mut ImportReport::default());
        }
    }
}
