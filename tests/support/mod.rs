//! Helpers shared by the integration tests (snapshots, round trips, XSD, CLI).
//! Each test crate uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use kassa_bridge::formats::{self, Format};
use kassa_bridge::model::{Header, Record};
use kassa_bridge::options::{KassatkaDialect, ReadOptions, WriteOptions};
use kassa_bridge::sink::{replay, CollectSink};
use kassa_bridge::text::RawInput;
use kassa_bridge::{Diagnostics, Error, ErrorKind};

pub const SEED_NOMENCLATURE: &str = "samples/kassatka-xml/seed-nomenclature.xml";
pub const SEED_ORDER: &str = "samples/bifit-orders/seed-order.json";

/// The crate root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `samples/kassatka-xml/x.xml` for any path under the crate root, with `/` separators.
pub fn rel(path: &Path) -> String {
    let canonical_root = root().canonicalize().unwrap_or_else(|_| root().to_path_buf());
    let relative = path.strip_prefix(root()).or_else(|_| path.strip_prefix(&canonical_root)).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Opens a sample by its path relative to the crate root; messages name it by that path, so
/// snapshots do not depend on where the crate is checked out (and no test changes directory).
pub fn open_sample(rel: &str) -> RawInput {
    let path = root().join(rel);
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    RawInput::from_reader(rel.to_string(), Some(PathBuf::from(rel)), Box::new(file))
        .expect("the head of a sample reads")
}

/// The samples in one folder of `samples/`, sorted, as crate-relative paths.
pub fn samples_in(folder: &str) -> Vec<String> {
    let dir = root().join("samples").join(folder);
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| rel(&p))
        .collect();
    out.sort();
    out
}

/// A `Write` whose bytes can be read after the writer that owns a clone is gone.
#[derive(Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().expect("not poisoned").clone()
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.bytes()).expect("writers write UTF-8")
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The exit code the CLI gives an error, and a name for it (mirrors `src/cli/exit.rs`, which is
/// private to the binary; `tests/cli.rs` checks the binary agrees for each class).
pub fn exit_class(kind: &ErrorKind) -> (u8, &'static str) {
    match kind {
        ErrorKind::Io { .. } => (6, "io"),
        ErrorKind::BadValue { .. }
        | ErrorKind::Syntax { .. }
        | ErrorKind::Encoding { .. }
        | ErrorKind::Limit { .. } => (3, "bad-input"),
        ErrorKind::UnknownFormat { .. }
        | ErrorKind::Undetected { .. }
        | ErrorKind::Ambiguous { .. }
        | ErrorKind::Unsupported { .. } => (5, "format"),
        ErrorKind::Usage(_) | ErrorKind::Conversion { .. } => (2, "usage"),
        ErrorKind::Strict(_) => (4, "strict"),
    }
}

/// The kept warnings, one per line, followed by the per-kind counts when some were not kept.
pub fn warnings_text(diag: &Diagnostics) -> String {
    if diag.total() == 0 {
        return "(none)\n".to_string();
    }
    let mut out = String::new();
    for w in diag.kept() {
        out.push_str(&format!("- {w}\n"));
    }
    for (kind, group) in diag.groups() {
        if group.count > group.examples.len() as u64 {
            out.push_str(&format!("  … {} more [{kind}]\n", group.count - group.examples.len() as u64));
        }
    }
    out
}

/// A document read whole into memory.
#[derive(Debug, Clone)]
pub struct Doc {
    pub format: &'static str,
    pub header: Header,
    pub records: Vec<Record>,
}

/// Reads an input with the detected format into memory.
pub fn read_input(input: RawInput, diag: &mut Diagnostics) -> Result<Doc, Error> {
    let format = formats::detect(&input)?;
    read_with(format, input, diag)
}

pub fn read_with(format: &'static Format, input: RawInput, diag: &mut Diagnostics) -> Result<Doc, Error> {
    let mut sink = CollectSink::default();
    (format.reader.expect("a readable format"))(input, &ReadOptions::default(), &mut sink, diag)?;
    assert!(sink.finished, "{}: the reader did not call finish()", format.name);
    Ok(Doc { format: format.name, header: sink.header.expect("the reader called begin()"), records: sink.records })
}

/// Reads a sample (by crate-relative path) that must be readable without warnings.
pub fn read_sample(rel: &str) -> Doc {
    let mut diag = Diagnostics::new(false);
    let doc = read_input(open_sample(rel), &mut diag).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(diag.total(), 0, "{rel}: unexpected warnings:\n{}", warnings_text(&diag));
    doc
}

/// Writes a document with the writer of `format` (name or alias), returning the text.
pub fn write_doc(
    header: &Header,
    records: &[Record],
    format: &str,
    opts: &WriteOptions,
    diag: &mut Diagnostics,
) -> Result<String, Error> {
    write(header, records, format, opts, diag).map(|bytes| String::from_utf8(bytes).expect("writers write UTF-8"))
}

/// Canonical JSON text of a document.
pub fn canonical(header: &Header, records: &[Record]) -> String {
    let mut diag = Diagnostics::new(false);
    let text = write_doc(header, records, "canonical-json", &WriteOptions::default(), &mut diag)
        .expect("canonical JSON is written");
    assert_eq!(diag.total(), 0, "canonical-json is lossless and warns about nothing");
    text
}

/// Reads text produced by a writer back, with the format named (no detection).
pub fn read_text(format: &str, name: &str, text: &str, diag: &mut Diagnostics) -> Result<Doc, Error> {
    let format = formats::find(format)?;
    read_with(format, RawInput::from_bytes(name, text.as_bytes().to_vec())?, diag)
}

pub fn write_options(dialect: KassatkaDialect, price_type: Option<&str>) -> WriteOptions {
    WriteOptions {
        price_type: price_type.map(str::to_string),
        kassatka_dialect: Some(dialect),
        ..WriteOptions::default()
    }
}

/// The samples every writer must handle: those that read without an error (warnings allowed).
pub fn valid_samples(folder: &str) -> Vec<String> {
    samples_in(folder)
        .into_iter()
        .filter(|s| {
            let mut diag = Diagnostics::new(false);
            read_input(open_sample(s), &mut diag).is_ok()
        })
        .collect()
}

/// Reads a sample that must be readable; warnings are returned, not refused.
pub fn read_sample_lenient(rel: &str) -> (Doc, Diagnostics) {
    let mut diag = Diagnostics::new(false);
    let doc = read_input(open_sample(rel), &mut diag).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (doc, diag)
}

/// A catalogue in an order no hierarchical reader produces: a product before its group, a group
/// whose products are not together, a product of a group that never comes, and one outside any
/// group in the middle. Every product has a retail price so both dialects can write it.
pub fn scattered_catalog() -> (Header, Vec<Record>) {
    use kassa_bridge::model::{DataKind, Group, Price, Product};
    use rust_decimal::Decimal;

    let group = |code: &str, name: &str, parent: Option<&str>| {
        Record::Group(Group {
            code: code.into(),
            name: name.into(),
            parent: parent.map(str::to_string),
            extra: Default::default(),
        })
    };
    let product = |code: &str, name: &str, parent: Option<&str>, price: i64| {
        let mut p = Product::new(code, name);
        p.parent = parent.map(str::to_string);
        p.prices.push(Price {
            price_type: "Розничная".into(),
            amount: Some(Decimal::new(price, 2)),
            code: None,
            includes_vat: None,
        });
        Record::Product(p)
    };
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some("kassatka-xml".into());
    let records = vec![
        group("A", "Продукты", None),
        product("a1", "Сыр", Some("A"), 68900),
        product("b1", "Батон", Some("B"), 4590),
        product("n1", "Пакет", None, 350),
        group("B", "Хлеб и выпечка", Some("A")),
        product("b2", "Бородинский", Some("B"), 5200),
        product("a2", "Кофе", Some("A"), 124900),
        product("z1", "Без группы Z", Some("Z"), 100),
    ];
    (header, records)
}

/// Products sorted by code, groups sorted by code: for comparing documents whose writer may
/// reorder records (it groups products under their group).
pub fn sorted_records(records: &[Record]) -> (Vec<Record>, Vec<Record>) {
    let key = |r: &Record| match r {
        Record::Group(g) => g.code.clone(),
        Record::Product(p) => p.code.clone(),
        _ => String::new(),
    };
    let mut groups: Vec<Record> = records.iter().filter(|r| matches!(r, Record::Group(_))).cloned().collect();
    let mut products: Vec<Record> = records.iter().filter(|r| matches!(r, Record::Product(_))).cloned().collect();
    groups.sort_by_key(key);
    products.sort_by_key(key);
    (groups, products)
}

/// An input from bytes, with a name (its extension helps detection).
pub fn input_from_bytes(name: &str, bytes: Vec<u8>) -> RawInput {
    RawInput::from_reader(name.to_string(), Some(PathBuf::from(name)), Box::new(io::Cursor::new(bytes)))
        .expect("bytes read")
}

/// Every kept warning's message, for `contains` checks.
pub fn warning_messages(diag: &Diagnostics) -> Vec<String> {
    diag.kept().map(|w| w.message.to_string()).collect()
}

/// Reads with the named format, or the detected one when `format` is `None`.
pub fn read(input: RawInput, format: Option<&str>, diag: &mut Diagnostics) -> Result<Doc, Error> {
    let format: &'static Format = match format {
        Some(name) => formats::find(name)?,
        None => formats::detect(&input)?,
    };
    let mut sink = CollectSink::default();
    (format.reader.expect("a readable format"))(input, &ReadOptions::default(), &mut sink, diag)?;
    assert!(sink.finished, "{}: the reader did not call finish()", format.name);
    Ok(Doc { format: format.name, header: sink.header.expect("the reader called begin()"), records: sink.records })
}

/// Writes records with a format's writer, returning the bytes.
pub fn write(
    header: &Header,
    records: &[Record],
    format: &str,
    opts: &WriteOptions,
    diag: &mut Diagnostics,
) -> Result<Vec<u8>, Error> {
    let format = formats::find(format)?;
    let buf = SharedBuf::default();
    let mut sink = format.open_writer(Box::new(buf.clone()), opts)?;
    replay(header, records.iter().cloned(), sink.as_mut(), diag)?;
    drop(sink);
    Ok(buf.bytes())
}

/// The records only, as canonical JSON (the header's `source_format` differs between formats).
pub fn canonical_records(records: &[Record]) -> String {
    let mut header = Header::new(records.first().map_or(kassa_bridge::model::DataKind::Catalog, Record::kind));
    header.source_format = None;
    canonical(&header, records)
}

/// Decodes Windows-1251 bytes, failing on any byte that is not valid there.
pub fn decode_cp1251(bytes: &[u8]) -> String {
    let (text, had_errors) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
    assert!(!had_errors, "not valid Windows-1251");
    text.into_owned()
}

/// Asserts bytes are Windows-1251 (not UTF-8: Cyrillic makes them invalid UTF-8) with CRLF line ends only.
pub fn assert_cp1251_crlf(bytes: &[u8]) {
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM in a Windows-1251 file");
    assert!(std::str::from_utf8(bytes).is_err(), "the bytes are UTF-8, not Windows-1251");
    let text = decode_cp1251(bytes);
    assert!(text.contains(|c: char| ('а'..='я').contains(&c)), "no Cyrillic to tell the encoding by");
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "a bare LF at byte {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "a bare CR at byte {i}");
        }
    }
    assert!(bytes.ends_with(b"\r\n"), "no final CRLF");
}

/// What the library reads from a sample, as canonical JSON written by the real writer, with the
/// warnings — or the error and its exit class. `named` reads with that format, as `--from` does.
pub fn describe_reading(rel_path: &str, named: Option<&str>) -> String {
    let input = open_sample(rel_path);
    let mut diag = Diagnostics::new(false);
    let mut out = format!("input: {rel_path}\n");
    let format = match named {
        Some(name) => formats::find(name).map(|f| (f, "named with --from")),
        None => formats::detect(&input).map(|f| (f, "detected")),
    };
    let result = format.and_then(|(format, how)| {
        out.push_str(&format!("format: {} ({how})\n", format.name));
        let buf = SharedBuf::default();
        let json = formats::find("canonical-json")?;
        let mut sink = (json.writer.expect("canonical-json writes"))(Box::new(buf.clone()), &WriteOptions::default())?;
        (format.reader.expect("a readable format"))(input, &ReadOptions::default(), sink.as_mut(), &mut diag)?;
        drop(sink);
        Ok(buf.text())
    });
    match result {
        Ok(json) => {
            out.push_str(&format!("warnings:\n{}", warnings_text(&diag)));
            out.push_str("--- canonical-json ---\n");
            out.push_str(&json);
        }
        Err(err) => {
            let (code, class) = exit_class(err.kind());
            out.push_str(&format!("error (exit {code}, {class}):\n  {err}\n"));
            out.push_str(&format!("warnings before the error:\n{}", warnings_text(&diag)));
        }
    }
    out
}

/// The binary under test, run in the crate root (so sample paths in messages are crate-relative).
pub fn run_bin(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kassa-bridge"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

pub fn exit_code(out: &std::process::Output) -> i32 {
    out.status.code().expect("an exit code, not a signal")
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn path_arg(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}
