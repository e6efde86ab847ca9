//! Helpers shared by the БИФИТ test crates (`bifit_snapshots`, `bifit_roundtrip`, `bifit_cli`).
//! Each crate uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use kassa_bridge::formats::{self, Format};
use kassa_bridge::model::{Header, Record};
use kassa_bridge::options::{ReadOptions, WriteOptions};
use kassa_bridge::sink::{replay, CollectSink};
use kassa_bridge::text::RawInput;
use kassa_bridge::{Diagnostics, Error, ErrorKind};

pub const SEED_NOMENCLATURE: &str = "samples/kassatka-xml/seed-nomenclature.xml";
pub const SEED_ORDER: &str = "samples/bifit-orders/seed-order.json";

/// The crate root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the crate root as `samples/x/y`, with `/` separators.
pub fn rel(path: &Path) -> String {
    let canonical_root = root().canonicalize().unwrap_or_else(|_| root().to_path_buf());
    let relative = path.strip_prefix(root()).or_else(|_| path.strip_prefix(&canonical_root)).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Opens a sample under its crate-relative name, so messages do not depend on the checkout.
pub fn open_sample(rel: &str) -> RawInput {
    let path = root().join(rel);
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    RawInput::from_reader(rel.to_string(), Some(PathBuf::from(rel)), Box::new(file))
        .expect("the head of a sample reads")
}

/// An input from bytes, with a name (its extension helps detection).
pub fn input_from_bytes(name: &str, bytes: Vec<u8>) -> RawInput {
    RawInput::from_reader(name.to_string(), Some(PathBuf::from(name)), Box::new(io::Cursor::new(bytes)))
        .expect("bytes read")
}

/// A `Write` whose bytes can be read after the writer that owns a clone is gone.
#[derive(Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().expect("not poisoned").clone()
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

/// The exit code the CLI gives an error (mirrors the private `src/cli/exit.rs`; `bifit_cli`
/// checks the binary agrees).
pub fn exit_class(kind: &ErrorKind) -> (u8, &'static str) {
    match kind {
        ErrorKind::Io { .. } => (6, "io"),
        ErrorKind::BadValue { .. } | ErrorKind::Syntax { .. } | ErrorKind::Encoding { .. } => (3, "bad-input"),
        ErrorKind::UnknownFormat { .. }
        | ErrorKind::Undetected { .. }
        | ErrorKind::Ambiguous { .. }
        | ErrorKind::Unsupported { .. } => (5, "format"),
        ErrorKind::Usage(_) | ErrorKind::Conversion { .. } => (2, "usage"),
        ErrorKind::Strict(_) => (4, "strict"),
    }
}

/// The kept warnings, one per line, then per-kind counts of those not kept.
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

/// Every kept warning's message, for `contains` checks.
pub fn warning_messages(diag: &Diagnostics) -> Vec<String> {
    diag.kept().map(|w| w.message.clone()).collect()
}

/// A document read whole into memory.
#[derive(Debug, Clone)]
pub struct Doc {
    pub format: &'static str,
    pub header: Header,
    pub records: Vec<Record>,
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

/// Reads a sample that must read without warnings.
pub fn read_sample(rel: &str) -> Doc {
    let mut diag = Diagnostics::new(false);
    let doc = read(open_sample(rel), None, &mut diag).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(diag.total(), 0, "{rel}: unexpected warnings:\n{}", warnings_text(&diag));
    doc
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
    let mut sink = (format.writer.expect("a writable format"))(Box::new(buf.clone()), opts)?;
    replay(header, records.iter().cloned(), sink.as_mut(), diag)?;
    drop(sink);
    Ok(buf.bytes())
}

/// The canonical JSON text of a document (written by the real canonical-json writer).
pub fn canonical(header: &Header, records: &[Record]) -> String {
    let mut diag = Diagnostics::new(false);
    let bytes = write(header, records, "canonical-json", &WriteOptions::default(), &mut diag)
        .expect("canonical JSON holds anything");
    assert_eq!(diag.total(), 0, "canonical-json warned:\n{}", warnings_text(&diag));
    String::from_utf8(bytes).expect("canonical JSON is UTF-8")
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
