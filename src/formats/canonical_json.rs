//! `canonical-json`: the lossless JSON form of the model, the pivot of the tests.
//!
//! ```json
//! { "format": "kassa-bridge-canonical", "version": 1,
//!   "header": { "kind": "catalog", … },
//!   "records": [ { "type": "group", … }, { "type": "product", … } ] }
//! ```
//! Both directions stream: the writer prints one record at a time and the reader hands each
//! element of `records` to the sink as soon as it is parsed. The JSON Schema in
//! `schemas/canonical.schema.json` is generated from the model (`kassa-bridge schema`).

use std::cell::RefCell;
use std::fmt;
use std::io::Write;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Serialize;

use crate::diagnostics::Diagnostics;
use crate::error::{Error, Position, Result};
use crate::model::{Header, Record};
use crate::options::{ReadOptions, WriteOptions};
use crate::sink::RecordSink;
use crate::text::{read_error, RawInput};

pub const NAME: &str = "canonical-json";
pub const FORMAT_TAG: &str = "kassa-bridge-canonical";
pub const VERSION: u32 = 1;

/// The whole document, for the JSON Schema only: reading and writing stream instead.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(title = "kassa-bridge canonical document", deny_unknown_fields)]
pub struct CanonicalDocument {
    /// Always `kassa-bridge-canonical`.
    pub format: String,
    /// The version of this layout; 1.
    pub version: u32,
    pub header: Header,
    pub records: Vec<Record>,
}

pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(CanonicalDocument)).expect("a schema serializes");
    decimals_as_strings(&mut schema);
    schema
}

/// schemars describes a `Decimal` as "a string or a number" (rust_decimal reads either). The
/// canonical format writes every amount and quantity as a string, because a JSON number goes
/// through a float and can lose digits, and its schema says so: the number alternative is removed
/// from every subschema that has both (only decimals have both in this model).
fn decimals_as_strings(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                if types.iter().any(|t| t == "string") && types.iter().any(|t| t == "number") {
                    types.retain(|t| t != "number");
                    if types.len() == 1 {
                        let only = types.remove(0);
                        map.insert("type".into(), only);
                    }
                }
            }
            map.values_mut().for_each(decimals_as_strings);
        }
        Value::Array(items) => items.iter_mut().for_each(decimals_as_strings),
        _ => {}
    }
}

pub fn sniff(head: &str) -> u8 {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') && t.contains(FORMAT_TAG) {
        2
    } else {
        0
    }
}

pub fn writer(out: Box<dyn Write>, _opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(CanonicalJsonWriter { out, first: true, text: Vec::new() }))
}

struct CanonicalJsonWriter {
    out: Box<dyn Write>,
    first: bool,
    /// A record's text, in a buffer reused from record to record.
    text: Vec<u8>,
}

/// serde_json's pretty layout (two spaces a level) for a value nested `level` levels deep in the
/// document: every line after the first is indented as `to_string_pretty` would indent it there.
struct Indented {
    level: usize,
    has_value: bool,
}

const SPACES: &[u8] = b"                                                                ";

impl Indented {
    fn new_line<W: ?Sized + Write>(&self, w: &mut W, prefix: &[u8]) -> std::io::Result<()> {
        w.write_all(prefix)?;
        let mut n = 2 * self.level;
        while n > 0 {
            let chunk = n.min(SPACES.len());
            w.write_all(&SPACES[..chunk])?;
            n -= chunk;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(w, b"\n")?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(w, b"\n")?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Appends the pretty JSON of `value` as it stands `level` levels deep in the document.
fn write_pretty(out: &mut Vec<u8>, value: &impl Serialize, level: usize) -> Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Indented { level, has_value: false });
    value.serialize(&mut ser).map_err(|e| Error::usage(crate::msg!("fmt-json-write-failed", error = e.to_string())))
}

impl RecordSink for CanonicalJsonWriter {
    fn begin(&mut self, header: &Header, _: &mut Diagnostics) -> Result<()> {
        self.text.clear();
        self.text.extend_from_slice(
            format!("{{\n  \"format\": \"{FORMAT_TAG}\",\n  \"version\": {VERSION},\n  \"header\": ").as_bytes(),
        );
        write_pretty(&mut self.text, header, 1)?;
        self.text.extend_from_slice(b",\n  \"records\": [");
        self.out.write_all(&self.text).map_err(Error::output)
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        self.text.clear();
        self.text.extend_from_slice(if self.first { b"\n    " } else { b",\n    " });
        self.first = false;
        write_pretty(&mut self.text, &record, 2)?;
        self.out.write_all(&self.text).map_err(Error::output)
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        let close = if self.first { "]\n}\n" } else { "\n  ]\n}\n" };
        self.out.write_all(close.as_bytes()).map_err(Error::output)?;
        self.out.flush().map_err(Error::output)
    }
}

/// Where the reader stands, shared with the serde visitors.
struct ReadState<'a> {
    sink: &'a mut dyn RecordSink,
    diag: &'a mut Diagnostics,
    header: Option<Header>,
    records: u64,
    /// The real error when a sink failed inside serde (serde only carries a message).
    failure: Option<Error>,
    /// Marks each record's end for the record budget.
    mark: crate::budget::ConsumedMark,
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let text = input.into_text(forced)?;
    let name = text.name.clone();
    text.budget.limit_to(opts.limits.max_record_size);
    let (reader, mark) = text.budget.counted(text.reader, 0);
    let state = RefCell::new(ReadState { sink, diag, header: None, records: 0, failure: None, mark });
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = DocumentSeed(&state).deserialize(&mut de).and_then(|()| de.end());
    let mut state = state.into_inner();
    if let Some(failure) = state.failure.take() {
        return Err(failure.in_file(&name));
    }
    if let Err(e) = result {
        if e.io_error_kind().is_some() {
            let inner: std::io::Error = e.into();
            return Err(read_error(&name, &inner));
        }
        let mut pos = Position::in_file(&name);
        if e.line() > 0 {
            pos.line = Some(e.line() as u64);
            pos.column = Some(e.column() as u64);
        }
        if state.records > 0 {
            pos.record = Some(state.records + 1);
        }
        return Err(Error::syntax(pos, crate::msg!("fmt-canonical-invalid", error = e.to_string())));
    }
    if state.header.is_none() {
        return Err(Error::syntax(Position::in_file(&name), crate::msg!("fmt-canonical-no-header")));
    }
    state.sink.finish(state.diag)
}

struct DocumentSeed<'s, 'a>(&'s RefCell<ReadState<'a>>);

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&crate::tr!("fmt-canonical-expected-document"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let tag: String = map.next_value()?;
                    if tag != FORMAT_TAG {
                        return Err(de::Error::custom(crate::tr!(
                            "fmt-canonical-wrong-format",
                            tag = format!("{tag:?}"),
                            expected = format!("{FORMAT_TAG:?}")
                        )));
                    }
                }
                "version" => {
                    let v: u32 = map.next_value()?;
                    if v != VERSION {
                        return Err(de::Error::custom(crate::tr!(
                            "fmt-canonical-wrong-version",
                            version = v.to_string(),
                            expected = VERSION.to_string()
                        )));
                    }
                }
                "header" => {
                    let header: Header = map.next_value()?;
                    let mut st = self.0.borrow_mut();
                    let st = &mut *st;
                    if let Err(e) = st.sink.begin(&header, st.diag) {
                        st.failure = Some(e);
                        return Err(de::Error::custom("stopped"));
                    }
                    st.header = Some(header);
                }
                "records" => {
                    if self.0.borrow().header.is_none() {
                        return Err(de::Error::custom(crate::tr!("fmt-canonical-records-first")));
                    }
                    map.next_value_seed(RecordsSeed(self.0))?;
                }
                other => {
                    let _: IgnoredAny = map.next_value()?;
                    return Err(de::Error::unknown_field(other, &["format", "version", "header", "records"]));
                }
            }
        }
        Ok(())
    }
}

struct RecordsSeed<'s, 'a>(&'s RefCell<ReadState<'a>>);

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&crate::tr!("fmt-canonical-expected-records"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record>()? {
            let mut st = self.0.borrow_mut();
            let st = &mut *st;
            st.records += 1;
            st.mark.mark();
            let kind = st.header.as_ref().map(|h| h.kind);
            if kind != Some(record.kind()) {
                return Err(de::Error::custom(crate::tr!(
                    "fmt-canonical-record-kind",
                    record = st.records,
                    kind = record.kind().as_str(),
                    document = kind.map_or("?", |k| k.as_str())
                )));
            }
            if let Err(e) = st.sink.record(record, st.diag) {
                st.failure = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_indented_layout_is_pretty_json_indented_by_its_level() {
        let value = serde_json::json!({
            "a": [], "b": {}, "c": [1, [2, []], {"d": {}, "e": "x\ny"}], "f": {"g": [{"h": null}]}, "ж": "«ё»"
        });
        for level in [0, 1, 2, 40] {
            let mut got = Vec::new();
            write_pretty(&mut got, &value, level).unwrap();
            let indent = format!("\n{}", "  ".repeat(level));
            let want = serde_json::to_string_pretty(&value).unwrap().replace('\n', &indent);
            assert_eq!(String::from_utf8(got).unwrap(), want, "level {level}");
        }
    }
}
