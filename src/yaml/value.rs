//! A YAML value of byline's own, for fields whose contents byline passes on without reading
//! them (a story's `extra:`, which themes use): the rest of byline never sees the YAML crate's
//! types.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// Any YAML value, with mappings in the order written.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum FreeValue {
    #[default]
    Null,
    Bool(bool),
    Integer(i64),
    Unsigned(u64),
    Float(f64),
    Text(String),
    List(Vec<FreeValue>),
    Map(Vec<(FreeValue, FreeValue)>),
}

impl FreeValue {
    /// An empty mapping: what a story without `extra:` gives its theme.
    pub fn empty_map() -> FreeValue {
        FreeValue::Map(Vec::new())
    }

    /// `text` read as one YAML document of any shape: for YAML whose fields byline does not
    /// define, such as another tool's front matter or configuration (`byline import`). Aliases
    /// are held to the budget front matter's are ([`super::budget`]). `Err` is the parser's
    /// message.
    pub fn from_yaml_text(text: &str) -> Result<FreeValue, String> {
        if text.contains('*') && !super::budget::within_budget(text) {
            return Err(format!(
                "its aliases (*name) would expand to more than {} values or {} MB of text",
                super::budget::MAX_VALUES,
                super::budget::MAX_TEXT_BYTES / (1024 * 1024)
            ));
        }
        serde_yaml::from_str::<serde_yaml::Value>(text)
            .map(FreeValue::from_yaml)
            .map_err(|error| error.to_string())
    }

    /// The value written as a YAML document (block style, each text quoted wherever YAML would
    /// otherwise read it as something else: `'#1: x'`, `'true'`, `'12'`), for files
    /// byline writes. `Err` is the writer's message.
    pub fn to_yaml_text(&self) -> Result<String, String> {
        serde_yaml::to_string(self).map_err(|error| error.to_string())
    }

    pub(super) fn from_yaml(value: serde_yaml::Value) -> FreeValue {
        use serde_yaml::Value;
        match value {
            Value::Null => FreeValue::Null,
            Value::Bool(flag) => FreeValue::Bool(flag),
            Value::Number(number) => {
                if let Some(integer) = number.as_i64() {
                    FreeValue::Integer(integer)
                } else if let Some(unsigned) = number.as_u64() {
                    FreeValue::Unsigned(unsigned)
                } else {
                    FreeValue::Float(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(text) => FreeValue::Text(text),
            Value::Sequence(items) => {
                FreeValue::List(items.into_iter().map(FreeValue::from_yaml).collect())
            }
            Value::Mapping(mapping) => FreeValue::Map(
                mapping
                    .into_iter()
                    .map(|(key, value)| (FreeValue::from_yaml(key), FreeValue::from_yaml(value)))
                    .collect(),
            ),
            // A tag (`!name value`) means nothing to a theme; its value does.
            Value::Tagged(tagged) => FreeValue::from_yaml(tagged.value),
        }
    }
}

impl Serialize for FreeValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FreeValue::Null => serializer.serialize_unit(),
            FreeValue::Bool(flag) => serializer.serialize_bool(*flag),
            FreeValue::Integer(integer) => serializer.serialize_i64(*integer),
            FreeValue::Unsigned(unsigned) => serializer.serialize_u64(*unsigned),
            FreeValue::Float(float) => serializer.serialize_f64(*float),
            FreeValue::Text(text) => serializer.serialize_str(text),
            FreeValue::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            FreeValue::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_text_round_trips_awkward_texts_in_order() {
        let value = FreeValue::Map(vec![
            (
                FreeValue::Text("title".into()),
                FreeValue::Text("#1: \"Yes\" & @no".into()),
            ),
            (
                FreeValue::Text("date".into()),
                FreeValue::Text("2019-03-14".into()),
            ),
            (
                FreeValue::Text("flag".into()),
                FreeValue::Text("true".into()),
            ),
            (
                FreeValue::Text("list".into()),
                FreeValue::List(vec![FreeValue::Integer(12), FreeValue::Bool(true)]),
            ),
        ]);
        let text = value.to_yaml_text().unwrap();
        assert_eq!(
            text,
            "title: '#1: \"Yes\" & @no'\ndate: 2019-03-14\nflag: 'true'\nlist:\n- 12\n- true\n"
        );
        assert_eq!(FreeValue::from_yaml_text(&text).unwrap(), value);
    }

    #[test]
    fn yaml_text_errors_and_alias_bombs_are_refused() {
        assert!(FreeValue::from_yaml_text("title: [unclosed").is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let previous = (b'a' + level - 1) as char;
            let name = (b'a' + level) as char;
            bomb.push_str(&format!(
                "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
        }
        let error = FreeValue::from_yaml_text(&bomb).unwrap_err();
        assert!(error.contains("aliases"), "{error}");
        assert_eq!(
            FreeValue::from_yaml_text("a: &x 1\nb: *x\n").unwrap(),
            FreeValue::Map(vec![
                (FreeValue::Text("a".into()), FreeValue::Integer(1)),
                (FreeValue::Text("b".into()), FreeValue::Integer(1)),
            ])
        );
    }

    #[test]
    fn keeps_order_and_kinds() {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str("b: 1\na: [x, 2.5, true, null]\nc: {d: -3}\n").unwrap();
        let value = FreeValue::from_yaml(yaml);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"b":1,"a":["x",2.5,true,null],"c":{"d":-3}}"#
        );
    }
}
