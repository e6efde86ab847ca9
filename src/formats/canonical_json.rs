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
    Ok(Box::new(CanonicalJsonWriter { out, first: true, json: Vec::new(), text: Vec::new() }))
}

struct CanonicalJsonWriter {
    out: Box<dyn Write>,
    first: bool,
    /// A record's pretty JSON, then the same indented: buffers reused from record to record.
    json: Vec<u8>,
    text: Vec<u8>,
}

fn io(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

/// Pretty JSON of `value`, every line after the first indented by `indent`.
fn pretty(value: &impl Serialize, indent: &str) -> Result<String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::usage(format!("cannot write JSON: {e}")))?;
    Ok(text.replace('\n', &format!("\n{indent}")))
}

impl RecordSink for CanonicalJsonWriter {
    fn begin(&mut self, header: &Header, _: &mut Diagnostics) -> Result<()> {
        let header = pretty(header, "  ")?;
        write!(
            self.out,
            "{{\n  \"format\": \"{FORMAT_TAG}\",\n  \"version\": {VERSION},\n  \"header\": {header},\n  \"records\": ["
        )
        .map_err(io)
    }

    /// The same text as `pretty(&record, "    ")`, without allocating for every record.
    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        self.json.clear();
        serde_json::to_writer_pretty(&mut self.json, &record)
            .map_err(|e| Error::usage(format!("cannot write JSON: {e}")))?;
        self.text.clear();
        self.text.extend_from_slice(if self.first { b"\n    " } else { b",\n    " });
        self.first = false;
        // JSON escapes line breaks inside strings, so every `\n` here is the layout's.
        for (i, line) in self.json.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.text.extend_from_slice(b"\n    ");
            }
            self.text.extend_from_slice(line);
        }
        self.out.write_all(&self.text).map_err(io)
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        let close = if self.first { "]\n}\n" } else { "\n  ]\n}\n" };
        self.out.write_all(close.as_bytes()).map_err(io)?;
        self.out.flush().map_err(io)
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
        return Err(Error::syntax(pos, format!("not a valid canonical JSON document: {e}")));
    }
    if state.header.is_none() {
        return Err(Error::syntax(Position::in_file(&name), "no \"header\": not a canonical JSON document"));
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
        f.write_str("a canonical document object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let tag: String = map.next_value()?;
                    if tag != FORMAT_TAG {
                        return Err(de::Error::custom(format!("\"format\" is {tag:?}: expected {FORMAT_TAG:?}")));
                    }
                }
                "version" => {
                    let v: u32 = map.next_value()?;
                    if v != VERSION {
                        return Err(de::Error::custom(format!("version {v} is not supported: expected {VERSION}")));
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
                        return Err(de::Error::custom(
                            "\"records\" comes before \"header\": the header must come first",
                        ));
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
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record>()? {
            let mut st = self.0.borrow_mut();
            let st = &mut *st;
            st.records += 1;
            st.mark.mark();
            let kind = st.header.as_ref().map(|h| h.kind);
            if kind != Some(record.kind()) {
                return Err(de::Error::custom(format!(
                    "record {} is a {} record in a {} document",
                    st.records,
                    record.kind().as_str(),
                    kind.map_or("?", |k| k.as_str())
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
