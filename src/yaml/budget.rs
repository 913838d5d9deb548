//! A guard against YAML alias bombs ("billion laughs"): an alias (`*name`) repeats everything
//! its anchor (`&name`) holds, so a few kilobytes of front matter can expand to gigabytes.
//! serde_yaml stops only at 100 alias jumps per event of the document, which still lets a
//! 50 KB file grow into millions of values; this guard counts the values the expansion would
//! produce, and stops it early, before [`super::MappingReader`] builds them.
//!
//! It walks the document through serde without keeping anything, charging every value and
//! every byte of text to a budget far above anything a story's front matter or site.yaml holds.
//! The walk is a second parse, so it only runs when the text contains a `*`, which every alias
//! needs.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

/// At most this many values (scalars, lists and mappings) once aliases are expanded.
pub const MAX_VALUES: usize = 100_000;
/// At most this much text (in bytes) once aliases are expanded.
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// Whether the YAML document `yaml`, with its aliases expanded, stays within [`MAX_VALUES`] and
/// [`MAX_TEXT_BYTES`] (and within serde_yaml's own limit on alias jumps, which a bomb of many
/// small levels reaches first). A document that is not valid YAML passes: the real parse
/// reports it, with its position.
pub fn within_budget(yaml: &str) -> bool {
    let mut budget = Budget::default();
    match Count(&mut budget).deserialize(serde_yaml::Deserializer::from_str(yaml)) {
        Ok(()) => true,
        Err(error) => {
            !budget.exceeded && !error.to_string().starts_with("repetition limit exceeded")
        }
    }
}

#[derive(Default)]
struct Budget {
    values: usize,
    text_bytes: usize,
    exceeded: bool,
}

impl Budget {
    fn charge<E: de::Error>(&mut self, text_bytes: usize) -> Result<(), E> {
        self.values += 1;
        self.text_bytes += text_bytes;
        if self.values > MAX_VALUES || self.text_bytes > MAX_TEXT_BYTES {
            self.exceeded = true;
            return Err(E::custom("the expanded front matter is too large"));
        }
        Ok(())
    }
}

/// Walks one value, charging it and everything in it to the budget.
struct Count<'b>(&'b mut Budget);

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.0.charge(text.len())
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<(), E> {
        self.0.charge(bytes.len())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.0.charge(0)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        self.0.charge(0)?;
        while items.next_element_seed(Count(self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
        self.0.charge(0)?;
        while entries.next_key_seed(Count(self.0))?.is_some() {
            entries.next_value_seed(Count(self.0))?;
        }
        Ok(())
    }

    /// A tagged value (`!tag value`): the tag, then the value.
    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<(), A::Error> {
        let ((), value) = tagged.variant_seed(Count(self.0))?;
        de::VariantAccess::newtype_variant_seed(value, Count(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine lists of nine aliases of the list before: 9^9 (387 million) strings.
    fn billion_laughs() -> String {
        let mut yaml = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let aliases = vec![format!("*{}", pair[0]); 9].join(", ");
            yaml.push_str(&format!("{}: &{} [{aliases}]\n", pair[1], pair[1]));
        }
        yaml
    }

    #[test]
    fn ordinary_documents_and_a_few_aliases_pass() {
        assert!(within_budget(
            "title: A * in a title\nextra:\n  base: &base {a: 1, b: [x, y]}\n  copy: *base\n  tagged: !thing {c: 2}\n"
        ));
        // Not YAML at all: left to the real parse, which says where.
        assert!(within_budget("title: [unclosed *x\n"));
    }

    #[test]
    fn alias_bombs_are_stopped() {
        assert!(!within_budget(&billion_laughs()));
        // Wide rather than deep: 3,000 aliases of a 3,000-item list (9 million values from
        // 15 KB, which serde_yaml's own repetition limit lets through).
        let items = vec!["x"; 3000].join(",");
        let aliases = vec!["*a"; 3000].join(",");
        assert!(!within_budget(&format!(
            "a: &a [{items}]\nb: [{aliases}]\n"
        )));
        // Few values, but each a long text.
        let long = "x".repeat(100_000);
        let aliases = vec!["*a"; 200].join(",");
        assert!(!within_budget(&format!(
            "a: &a \"{long}\"\nb: [{aliases}]\n"
        )));
    }
}
