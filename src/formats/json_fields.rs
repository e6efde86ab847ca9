//! One JSON object read from its text without copying it: the fields a reader knows are found
//! once (by their place in the reader's list of keys), every value stays its raw JSON text
//! (numbers exact, never `f64`), and the other fields are kept in order for `extra`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserializer as _;
use serde_json::value::RawValue;

use crate::error::{Error, Position, Result};
use crate::model::Extra;

/// At most this many known keys in one list (the bits of a `u32`).
pub const MAX_KEYS: usize = 32;

/// A field a reader knows: its place in the reader's list of keys.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Key(pub u8);

/// Names the keys a reader knows: `json_keys!(pub mod item { NAME = "name", … })` makes
/// `item::KEYS`, the names in order, and a `Key` constant for each.
macro_rules! json_keys {
    ($(#[$m:meta])* $vis:vis mod $module:ident { $($key:ident = $name:literal),* $(,)? }) => {
        $(#[$m])*
        $vis mod $module {
            #![allow(dead_code)]
            pub const KEYS: &[&str] = &[$($name),*];
            const _: () = assert!(KEYS.len() <= $crate::formats::json_fields::MAX_KEYS);
            $crate::formats::json_fields::json_keys!(@key 0u8; $($key)*);
        }
    };
    (@key $n:expr; $key:ident $($rest:ident)*) => {
        pub const $key: $crate::formats::json_fields::Key = $crate::formats::json_fields::Key($n);
        $crate::formats::json_fields::json_keys!(@key $n + 1u8; $($rest)*);
    };
    (@key $n:expr;) => {};
}
pub(crate) use json_keys;

/// The known keys among `names`, as a set for `Fields::extras`.
pub fn key_set(keys: &[&str], names: &[&str]) -> u32 {
    let set = names.iter().filter_map(|n| keys.iter().position(|k| k == n)).fold(0u32, |set, i| set | 1 << i);
    debug_assert_eq!(set.count_ones() as usize, names.len(), "every name is a known key");
    set
}

/// One field as written: its key, its place among the known keys, its raw value.
struct Entry<'de> {
    key: Cow<'de, str>,
    known: Option<u8>,
    value: &'de RawValue,
}

/// A JSON object borrowed from its text.
pub struct Object<'de> {
    keys: &'static [&'static str],
    /// The value of each known key: the last one written, as a map keeps it (`null` included).
    slots: [Option<&'de RawValue>; MAX_KEYS],
    /// Every field in the order written.
    entries: Vec<Entry<'de>>,
}

impl<'de> Object<'de> {
    /// The object `text` holds; an error when it is not one JSON object.
    pub fn parse(text: &'de str, keys: &'static [&'static str]) -> serde_json::Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        let object = ObjectSeed(keys).deserialize(&mut de)?;
        de.end()?;
        Ok(object)
    }

    /// The objects of a JSON array.
    pub fn parse_list(text: &'de str, keys: &'static [&'static str]) -> serde_json::Result<Vec<Self>> {
        let mut de = serde_json::Deserializer::from_str(text);
        let list = (&mut de).deserialize_seq(ListVisitor(keys))?;
        de.end()?;
        Ok(list)
    }

    /// The name of a known key.
    pub fn name(&self, key: Key) -> &'static str {
        self.keys[usize::from(key.0)]
    }

    /// The raw value of a known key, `null` included.
    pub fn get(&self, key: Key) -> Option<&'de RawValue> {
        self.slots[usize::from(key.0)]
    }

    /// The raw text of a known key, unless it is absent or `null`.
    pub fn raw(&self, key: Key) -> Option<&'de str> {
        self.get(key).map(RawValue::get).filter(|v| *v != "null")
    }

    /// The keys in the order they first appear, each once.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(i, e)| !self.entries[..*i].iter().any(|earlier| earlier.key == e.key))
            .map(|(_, e)| e.key.as_ref())
    }
}

struct ObjectSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Object<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Object<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Object<'de>;

    /// As a map's own visitor says it, so the errors read as before.
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Object<'de>, A::Error> {
        let mut object = Object { keys: self.0, slots: [None; MAX_KEYS], entries: Vec::with_capacity(24) };
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value: &'de RawValue = map.next_value()?;
            let known = self.0.iter().position(|k| *k == key).map(|i| i as u8);
            if let Some(i) = known {
                object.slots[usize::from(i)] = Some(value);
            }
            object.entries.push(Entry { key, known, value });
        }
        Ok(object)
    }
}

/// A key, borrowed from the text unless it has escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}

struct ListVisitor(&'static [&'static str]);

impl<'de> Visitor<'de> for ListVisitor {
    type Value = Vec<Object<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
        let mut list = Vec::new();
        while let Some(object) = seq.next_element_seed(ObjectSeed(self.0))? {
            list.push(object);
        }
        Ok(list)
    }
}

/// The text of a raw JSON string (`"…"`), borrowed when it has no escapes.
fn unquote(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// Typed access to one object's fields, with positions naming the object and the field.
pub struct Fields<'a, 'de> {
    pub object: &'a Object<'de>,
    pub name: &'a Arc<str>,
    pub number: u64,
    /// A prefix for field names in messages (`item.`).
    pub prefix: &'static str,
}

impl<'de> Fields<'_, 'de> {
    /// The position of a field by its name.
    pub fn pos_of(&self, field: &str) -> Position {
        let mut pos = Position::in_file(self.name);
        pos.record = Some(self.number);
        pos.field = Some(format!("{}{field}", self.prefix));
        pos
    }

    pub fn pos(&self, key: Key) -> Position {
        self.pos_of(self.object.name(key))
    }

    pub fn raw(&self, key: Key) -> Option<&'de str> {
        self.object.raw(key)
    }

    /// A string field; numbers are accepted as their text (ids are numbers in Bifit's JSON).
    pub fn text(&self, key: Key) -> Result<Option<Cow<'de, str>>> {
        let Some(raw) = self.raw(key) else { return Ok(None) };
        if raw.starts_with('"') {
            unquote(raw)
                .map(Some)
                .ok_or_else(|| Error::bad_value(self.pos(key), raw, crate::msg!("fmt-expected-json-string")))
        } else if raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            Ok(Some(Cow::Borrowed(raw)))
        } else {
            Err(Error::bad_value(self.pos(key), raw, crate::msg!("fmt-expected-string-or-number")))
        }
    }

    /// A number field, exact: `3000.00` stays `3000.00`. A string holding a number is accepted.
    pub fn decimal(&self, key: Key) -> Result<Option<Decimal>> {
        let Some(raw) = self.raw(key) else { return Ok(None) };
        let text = if raw.starts_with('"') { unquote(raw).unwrap_or_default() } else { Cow::Borrowed(raw) };
        if text.contains(['e', 'E']) {
            return Err(Error::bad_value(self.pos(key), raw, crate::msg!("fmt-expected-plain-decimal")));
        }
        crate::number::parse_decimal(&text).map_err(|e| Error::bad_value(self.pos(key), raw, e.expected))
    }

    pub fn bool(&self, key: Key) -> Result<Option<bool>> {
        match self.raw(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(Error::bad_value(self.pos(key), other, crate::msg!("fmt-expected-true-false"))),
        }
    }

    /// Epoch milliseconds (Bifit's times) as a date-time at UTC.
    pub fn epoch_millis(&self, key: Key) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
        let Some(raw) = self.raw(key) else { return Ok(None) };
        let ms: i64 =
            raw.parse().map_err(|_| Error::bad_value(self.pos(key), raw, crate::msg!("fmt-expected-epoch-ms")))?;
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| Some(t.fixed_offset()))
            .ok_or_else(|| Error::bad_value(self.pos(key), raw, crate::msg!("fmt-expected-epoch-ms")))
    }

    /// Fields other than the known keys in `skip` (a `key_set`) whose value is not `null`, as raw
    /// JSON text: a key written twice is kept where it first appears, with its last value, as a
    /// map keeps it.
    pub fn extras(&self, skip: u32) -> Extra {
        let mut extra = Extra::new();
        let mut nulls = false;
        for e in &self.object.entries {
            if e.known.is_some_and(|i| skip & 1 << i != 0) {
                continue;
            }
            nulls |= e.value.get() == "null";
            extra.insert(e.key.to_string(), e.value.get().to_string());
        }
        if nulls {
            extra.retain(|_, v| v != "null");
        }
        extra
    }
}
