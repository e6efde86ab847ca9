//! Streams JSON objects from a document that is one object, an array of objects, or JSON Lines,
//! keeping every value as its raw JSON text: numbers stay exact decimals (never `f64`), and
//! fields a reader does not map are carried as they were written.

use std::fmt;
use std::io::BufRead;
use std::sync::Arc;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::Deserializer as _;
use serde_json::value::RawValue;

use crate::error::{Error, Position, Result};
use crate::limits::Limits;
use crate::text::{read_error, RawInput};

/// One JSON object: field name → raw JSON text of the value.
pub type RawObject = IndexMap<String, Box<RawValue>>;

/// Calls `each(object, number)` for every object in the input (numbers from 1).
pub fn for_each_object(
    input: RawInput,
    forced: Option<&'static encoding_rs::Encoding>,
    limits: &Limits,
    mut each: impl FnMut(RawObject, u64) -> Result<()>,
) -> Result<()> {
    let text = input.into_text(forced)?;
    let name = text.name.clone();
    text.budget.limit_to(limits.max_record_size);
    let mut reader = text.reader;
    let mut skipped = 0u64;
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| read_error(&name, &e))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(p) => break Some(buf[p]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
                skipped += n as u64;
                text.budget.mark(skipped);
            }
        }
    };
    // Each object is one record: its end is marked before it is handed on.
    let (reader, mark) = text.budget.counted(reader, skipped);
    let mut each = |object: RawObject, number: u64| {
        mark.mark();
        each(object, number)
    };
    let mut count = 0u64;
    let mut failure: Option<Error> = None;
    let result = match first {
        None => return Err(Error::syntax(Position::in_file(&name), "the file is empty: expected JSON objects")),
        Some(b'[') => {
            let mut de = serde_json::Deserializer::from_reader(reader);
            let seed = ArraySeed { each: &mut each, count: &mut count, failure: &mut failure };
            de.deserialize_seq(seed).and_then(|()| de.end())
        }
        Some(_) => {
            let stream = serde_json::Deserializer::from_reader(reader).into_iter::<RawObject>();
            let mut result = Ok(());
            for object in stream {
                match object {
                    Ok(object) => {
                        count += 1;
                        each(object, count)?;
                    }
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            result
        }
    };
    if let Some(e) = failure {
        return Err(e);
    }
    result.map_err(|e| json_error(&name, e, count))
}

fn json_error(name: &Arc<str>, e: serde_json::Error, count: u64) -> Error {
    if e.io_error_kind().is_some() {
        let io: std::io::Error = e.into();
        return read_error(name, &io);
    }
    let mut pos = Position::in_file(name);
    if e.line() > 0 {
        pos.line = Some(e.line() as u64);
        pos.column = Some(e.column() as u64);
    }
    pos.record = Some(count + 1);
    Error::syntax(pos, format!("not valid JSON: {e}"))
}

struct ArraySeed<'a, F> {
    each: &'a mut F,
    count: &'a mut u64,
    failure: &'a mut Option<Error>,
}

impl<'de, F: FnMut(RawObject, u64) -> Result<()>> DeserializeSeed<'de> for ArraySeed<'_, F> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(RawObject, u64) -> Result<()>> Visitor<'de> for ArraySeed<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of JSON objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(object) = seq.next_element::<RawObject>()? {
            *self.count += 1;
            if let Err(e) = (self.each)(object, *self.count) {
                *self.failure = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// Typed access to one object's fields, with positions naming the object and the field.
pub struct Fields<'a> {
    pub object: &'a RawObject,
    pub name: &'a Arc<str>,
    pub number: u64,
    /// A prefix for field names in messages (`item.`).
    pub prefix: &'static str,
}

impl Fields<'_> {
    pub fn pos(&self, field: &str) -> Position {
        let mut pos = Position::in_file(self.name);
        pos.record = Some(self.number);
        pos.field = Some(format!("{}{field}", self.prefix));
        pos
    }

    fn raw(&self, field: &str) -> Option<&str> {
        self.object.get(field).map(|v| v.get()).filter(|v| *v != "null")
    }

    /// A string field; numbers are accepted as their text (ids are numbers in Bifit's JSON).
    pub fn text(&self, field: &str) -> Result<Option<String>> {
        let Some(raw) = self.raw(field) else { return Ok(None) };
        if raw.starts_with('"') {
            serde_json::from_str::<String>(raw)
                .map(Some)
                .map_err(|_| Error::bad_value(self.pos(field), raw, "a JSON string"))
        } else if raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            Ok(Some(raw.to_string()))
        } else {
            Err(Error::bad_value(self.pos(field), raw, "a string or a number"))
        }
    }

    /// A number field, exact: `3000.00` stays `3000.00`. A string holding a number is accepted.
    pub fn decimal(&self, field: &str) -> Result<Option<Decimal>> {
        let Some(raw) = self.raw(field) else { return Ok(None) };
        let text = if raw.starts_with('"') {
            serde_json::from_str::<String>(raw).unwrap_or_default()
        } else {
            raw.to_string()
        };
        if text.contains(['e', 'E']) {
            return Err(Error::bad_value(self.pos(field), raw, "a plain decimal number (no exponent)"));
        }
        crate::number::parse_decimal(&text).map_err(|e| Error::bad_value(self.pos(field), raw, e.expected))
    }

    pub fn bool(&self, field: &str) -> Result<Option<bool>> {
        match self.raw(field) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(Error::bad_value(self.pos(field), other, "true or false")),
        }
    }

    /// Epoch milliseconds (Bifit's times) as a date-time at UTC.
    pub fn epoch_millis(&self, field: &str) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
        let Some(raw) = self.raw(field) else { return Ok(None) };
        let ms: i64 =
            raw.parse().map_err(|_| Error::bad_value(self.pos(field), raw, "a time in epoch milliseconds"))?;
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| Some(t.fixed_offset()))
            .ok_or_else(|| Error::bad_value(self.pos(field), raw, "a time in epoch milliseconds"))
    }

    /// Fields not in `known` whose value is not `null`, as raw JSON text.
    pub fn extras(&self, known: &[&str]) -> crate::model::Extra {
        self.object
            .iter()
            .filter(|(k, v)| !known.contains(&k.as_str()) && v.get() != "null")
            .map(|(k, v)| (k.clone(), v.get().to_string()))
            .collect()
    }
}

/// A JSON value as raw text, for objects built field by field.
pub fn raw(value: impl serde::Serialize) -> Box<RawValue> {
    serde_json::value::to_raw_value(&value).expect("a plain value serializes")
}

/// A JSON number with exactly the decimal's digits (`3000.00` stays `3000.00`).
pub fn raw_decimal(d: Option<Decimal>) -> Box<RawValue> {
    match d {
        Some(d) => RawValue::from_string(d.to_string()).expect("a decimal is a JSON number"),
        None => raw(()),
    }
}

/// Raw JSON text kept in `extra` back as a value; text that is not JSON becomes a string.
pub fn raw_extra(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_string()).unwrap_or_else(|_| raw(text))
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it.
pub fn push_string(out: &mut Vec<u8>, text: &str) {
    // Writing into a Vec cannot fail, and a string always serializes.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// Appends `text` kept in `extra` as the value it holds (`raw_extra`): its JSON as written when it
/// is JSON, else a JSON string.
pub fn push_raw_extra(out: &mut Vec<u8>, text: &str) {
    match serde_json::from_str::<&RawValue>(text) {
        Ok(raw) => out.extend_from_slice(raw.get().as_bytes()),
        Err(_) => push_string(out, text),
    }
}

/// Appends an amount as a JSON number with exactly the decimal's digits, or `null` (`raw_decimal`).
pub fn push_decimal(out: &mut Vec<u8>, d: Option<Decimal>) {
    use std::io::Write;
    match d {
        // Writing into a Vec cannot fail.
        Some(d) => {
            let _ = write!(out, "{d}");
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends `"key":` for the next field of an object; `first` leaves out the comma before it.
pub fn push_key(out: &mut Vec<u8>, key: &str, first: bool) {
    if !first {
        out.push(b',');
    }
    push_string(out, key);
    out.push(b':');
}
