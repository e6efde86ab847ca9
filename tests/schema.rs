//! The JSON Schema of the canonical document: the committed file is the generated one, every
//! sample converted to canonical JSON is valid against it, and it rejects documents that are not.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use kassa_bridge::formats::{self, canonical_json};
use kassa_bridge::options::{ReadOptions, WriteOptions};
use kassa_bridge::sink::{replay, CollectSink};
use kassa_bridge::text::RawInput;
use kassa_bridge::Diagnostics;
use serde_json::{json, Value};

const SCHEMA_PATH: &str = "schemas/canonical.schema.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn generated_text() -> String {
    let mut text = serde_json::to_string_pretty(&canonical_json::json_schema()).unwrap();
    text.push('\n');
    text
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let committed = std::fs::read_to_string(root().join(SCHEMA_PATH)).unwrap_or_default();
    // Line ends: a checkout with CRLF conversion is still the same schema.
    let committed = committed.replace("\r\n", "\n");
    assert!(
        committed == generated_text(),
        "{SCHEMA_PATH} is not the schema the model generates (the model changed?).\n\
         Regenerate it with:\n\n    cargo run -- schema > {SCHEMA_PATH}\n\n\
         and review the diff: a change to the canonical format may need a new format version."
    );
}

/// The schema compiled by a JSON Schema validator (draft 2020-12, with `format` assertions on,
/// so `date` and `date-time` are checked too).
fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(root().join(SCHEMA_PATH)).unwrap())
        .expect("the schema file is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = "urn:kassa-bridge:canonical.schema.json";
    compiler.add_resource(url, schema).expect("the schema is added");
    let index = compiler.compile(url, &mut schemas).unwrap_or_else(|e| panic!("the schema does not compile: {e:#}"));
    (schemas, index)
}

fn errors(schemas: &boon::Schemas, index: boon::SchemaIndex, doc: &Value) -> Option<String> {
    schemas.validate(doc, index).err().map(|e| format!("{e:#}"))
}

#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn sample_paths(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sample_paths(&path, out);
        } else if path.file_name().is_some_and(|n| n != "README.md") {
            out.push(path);
        }
    }
}

/// Reads a sample with its folder's format (the folder is named after the format) or, failing
/// that, the detected one. `None` when it does not read: the hostile samples that must fail.
fn read_sample(path: &Path) -> Option<CollectSink> {
    let input = RawInput::open(path).ok()?;
    let folder = path.parent()?.file_name()?.to_str()?;
    let format = formats::find(folder).or_else(|_| formats::detect(&input)).ok()?;
    let read = format.reader?;
    let mut sink = CollectSink::default();
    read(input, &ReadOptions::default(), &mut sink, &mut Diagnostics::new(false)).ok()?;
    Some(sink)
}

fn to_canonical_json(sink: &CollectSink) -> Value {
    let buf = SharedBuf::default();
    let mut writer = canonical_json::writer(Box::new(buf.clone()), &WriteOptions::default()).unwrap();
    let header = sink.header.as_ref().expect("a header");
    replay(header, sink.records.iter().cloned(), writer.as_mut(), &mut Diagnostics::new(false)).unwrap();
    drop(writer);
    let bytes = buf.0.lock().unwrap().clone();
    serde_json::from_slice(&bytes).expect("the canonical writer writes JSON")
}

#[test]
fn every_sample_converted_to_canonical_json_is_valid() {
    let (schemas, index) = validator();
    let mut paths = Vec::new();
    sample_paths(&root().join("samples"), &mut paths);
    let mut checked = Vec::new();
    for path in &paths {
        let Some(sink) = read_sample(path) else { continue };
        let doc = to_canonical_json(&sink);
        if let Some(e) = errors(&schemas, index, &doc) {
            panic!("{} converted to canonical JSON is not valid against {SCHEMA_PATH}:\n{e}\n{doc:#}", path.display());
        }
        let relative = path.strip_prefix(root()).unwrap();
        checked.push(relative.iter().map(|c| c.to_string_lossy()).collect::<Vec<_>>().join("/"));
    }
    // The ground-truth samples must be among those checked, so the test cannot pass by skipping.
    for must in [
        "samples/kassatka-xml/seed-nomenclature.xml",
        "samples/kassatka-xml/1c-processing.xml",
        "samples/kassatka-receipts/seed-receipts.xml",
    ] {
        assert!(checked.iter().any(|c| c == must), "{must} was not checked (it did not read?); checked: {checked:?}");
    }
}

/// A small valid document, the base the invalid ones are made from.
fn valid_catalog() -> Value {
    json!({
        "format": "kassa-bridge-canonical",
        "version": 1,
        "header": { "kind": "catalog", "export_date": "2024-03-15" },
        "records": [
            { "type": "group", "code": "00010", "name": "Товары" },
            {
                "type": "product", "code": "00042", "name": "Молоко & сыр", "parent": "00010",
                "barcodes": ["4600000000000"], "unit": { "code": "796", "name": "шт" },
                "prices": [{ "price_type": "Розничная", "amount": "45.90" }], "vat": "20"
            }
        ]
    })
}

fn valid_receipts() -> Value {
    json!({
        "format": "kassa-bridge-canonical",
        "version": 1,
        "header": { "kind": "receipts" },
        "records": [{
            "type": "receipt", "date": "2018-04-16T11:08:31+00:00", "number": "1",
            "total": "100", "total_with_discount": "100",
            "payments": [{ "kind": "cash", "amount": "100" }],
            "lines": [{ "product_code": "1", "price": "100", "quantity": "1", "sum": "100", "sum_with_discount": "100" }]
        }]
    })
}

#[test]
fn the_schema_accepts_a_valid_document_and_rejects_wrong_ones() {
    let (schemas, index) = validator();
    for doc in [valid_catalog(), valid_receipts()] {
        assert_eq!(errors(&schemas, index, &doc), None, "a valid document is rejected: {doc:#}");
    }

    let mut wrong: Vec<(&str, Value)> = Vec::new();
    let mut doc = valid_catalog();
    doc["records"][1].as_object_mut().unwrap().remove("code");
    wrong.push(("a product without `code`", doc));
    let mut doc = valid_catalog();
    doc["records"][1]["prices"][0]["amount"] = json!(45.9);
    wrong.push(("an amount as a JSON number (amounts are strings, so no precision is lost)", doc));
    let mut doc = valid_receipts();
    doc["records"][0]["total"] = json!(100);
    wrong.push(("a receipt total as a JSON number", doc));
    let mut doc = valid_catalog();
    doc["records"][1]["colour"] = json!("red");
    wrong.push(("an unknown field in a product", doc));
    let mut doc = valid_catalog();
    doc["header"]["kind"] = json!("invoices");
    wrong.push(("an unknown kind", doc));
    let mut doc = valid_catalog();
    doc["records"][1]["vat"] = json!("18");
    wrong.push(("a VAT rate that does not exist", doc));
    let mut doc = valid_catalog();
    doc["surplus"] = json!(true);
    wrong.push(("an unknown top-level field", doc));
    let mut doc = valid_receipts();
    doc["records"][0]["date"] = json!("16.04.2018");
    wrong.push(("a receipt date that is not RFC 3339", doc));

    for (what, doc) in wrong {
        assert!(errors(&schemas, index, &doc).is_some(), "the schema accepts {what}:\n{doc:#}");
    }
}
