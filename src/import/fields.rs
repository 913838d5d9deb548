//! The values the importers read and write: byline's own YAML value ([`FreeValue`], called
//! `Value` here) and [`Mapping`], fields in the order written with the few operations the
//! importers need. `crate::yaml` turns text into values and values into text, so no importer
//! names the YAML crate.

use std::ops::Deref;

pub use crate::yaml::FreeValue as Value;

/// Fields in the order written (a front matter, a configuration file, an `extra:`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping(Vec<(Value, Value)>);

fn is_key(key: &Value, name: &str) -> bool {
    matches!(key, Value::Text(text) if text == name)
}

impl Mapping {
    pub fn new() -> Mapping {
        Mapping(Vec::new())
    }

    /// The value of the field named `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| is_key(k, key)).map(|(_, v)| v)
    }

    /// Sets the field `key`: in its place when it is there, else after the others.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| is_key(k, key)) {
            Some((_, old)) => *old = value,
            None => self.0.push((Value::Text(key.to_string()), value)),
        }
    }

    /// Takes the field `key` out; the others keep their order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| is_key(k, key))?;
        Some(self.0.remove(at).1)
    }

    pub fn keys(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(key, _)| key)
    }

    /// The fields as one value, to nest in another mapping or to write.
    pub fn into_value(self) -> Value {
        Value::Map(self.0)
    }

    /// The fields of a mapping value; any other value back as `Err`.
    pub fn from_value(value: Value) -> Result<Mapping, Value> {
        match value {
            Value::Map(entries) => Ok(Mapping(entries)),
            other => Err(other),
        }
    }
}

impl Deref for Mapping {
    type Target = [(Value, Value)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromIterator<(Value, Value)> for Mapping {
    fn from_iter<I: IntoIterator<Item = (Value, Value)>>(entries: I) -> Mapping {
        Mapping(entries.into_iter().collect())
    }
}

/// The fields of a mapping value, borrowed.
pub fn entries(value: &Value) -> Option<&[(Value, Value)]> {
    match value {
        Value::Map(entries) => Some(entries),
        _ => None,
    }
}

/// A text value.
pub fn text(value: &str) -> Value {
    Value::Text(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_order_through_insert_and_remove() {
        let mut fields: Mapping = ["a", "b", "c", "d"]
            .iter()
            .map(|k| (text(k), text(&k.to_uppercase())))
            .collect();
        assert_eq!(fields.remove("b"), Some(text("B")));
        assert_eq!(fields.remove("b"), None);
        fields.insert("a", Value::Integer(1));
        fields.insert("e", Value::Bool(true));
        let keys: Vec<&Value> = fields.keys().collect();
        assert_eq!(keys, [&text("a"), &text("c"), &text("d"), &text("e")]);
        assert_eq!(fields.get("a"), Some(&Value::Integer(1)));
        assert_eq!(fields.get("A"), None);
        let value = fields.clone().into_value();
        assert_eq!(entries(&value).map(<[_]>::len), Some(4));
        assert_eq!(Mapping::from_value(value), Ok(fields));
        assert_eq!(Mapping::from_value(text("x")), Err(text("x")));
    }
}
