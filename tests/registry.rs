//! Driven by the registry, so a new format, sample or package folder is picked up without editing
//! a test:
//! - every reader over every file in `samples/<format>/` (and every sub-folder there, read as one
//!   package through the format's `package` hook): the canonical JSON and the warnings, or the
//!   error and its exit class, plus what detection makes of the file;
//! - every writer over one canonical fixture per data kind (`samples/canonical-json/<kind>.json`).

mod support;

use std::path::{Path, PathBuf};

use kassa_bridge::formats::{self, Format, FORMATS};
use kassa_bridge::inspect::inspect;
use kassa_bridge::model::DataKind;
use kassa_bridge::options::{ReadOptions, WriteOptions};
use kassa_bridge::Diagnostics;

use support::{exit_class, open_sample, read_sample, rel, root, warnings_text, SharedBuf};

/// Samples of a format's folder that are not inputs of that format (a mapping file for `table`).
fn is_input(format: &Format, path: &Path) -> bool {
    path.is_dir()
        || path.extension().is_some_and(|e| format.extensions.contains(&e.to_string_lossy().to_lowercase().as_str()))
}

/// The inputs in `samples/<format>/`, crate-relative, sorted.
fn inputs_of(format: &Format) -> Vec<String> {
    let dir = root().join("samples").join(format.name);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| is_input(format, p))
        .map(|p| rel(&p))
        .collect();
    out.sort();
    out
}

/// What the format's reader makes of a sample (a file, or a folder holding a package).
fn describe(format: &'static Format, sample: &str) -> String {
    let mut out = format!("input: {sample}\nformat: {}\n", format.name);
    let mut opts = ReadOptions::default();
    let input = if Path::new(sample).is_dir() {
        let package = format.package.expect("a folder in samples/<format>/ is a package of that format");
        let files = (package.files_in)(Path::new(sample)).expect("the package's files");
        let files: Vec<PathBuf> = files.iter().map(|f| PathBuf::from(rel(f))).collect();
        out.push_str("files:\n");
        for f in &files {
            out.push_str(&format!("  {}\n", f.display().to_string().replace('\\', "/")));
        }
        opts.with = files[1..].to_vec();
        open_sample(&files[0].to_string_lossy())
    } else {
        let detected = match formats::detect(&open_sample(sample)) {
            Ok(f) => f.name.to_string(),
            Err(e) => format!("none ({e})"),
        };
        out.push_str(&format!("detected: {detected}\n"));
        open_sample(sample)
    };
    let mut diag = Diagnostics::new(false);
    let buf = SharedBuf::default();
    let result = formats::find("canonical-json").and_then(|json| {
        let mut sink = (json.writer.expect("canonical-json writes"))(Box::new(buf.clone()), &WriteOptions::default())?;
        (format.reader.expect("a readable format"))(input, &opts, sink.as_mut(), &mut diag)
    });
    match result {
        Ok(()) => {
            out.push_str(&format!("warnings:\n{}", warnings_text(&diag)));
            out.push_str(&inspect_findings(format, sample, &opts, &diag));
            out.push_str(&format!("--- canonical-json ---\n{}", buf.text()));
        }
        Err(err) => {
            let (code, class) = exit_class(err.kind());
            out.push_str(&format!("error (exit {code}, {class}):\n  {err}\n"));
            out.push_str(&format!("warnings before the error:\n{}", warnings_text(&diag)));
        }
    }
    out
}

/// What `inspect` finds in the data beyond the reader's own warnings (shown above it).
fn inspect_findings(format: &Format, sample: &str, opts: &ReadOptions, read: &Diagnostics) -> String {
    let first = if opts.with.is_empty() {
        sample.to_string()
    } else {
        let package = format.package.expect("a package format");
        rel(&(package.files_in)(Path::new(sample)).expect("the package's files")[0])
    };
    let mut diag = Diagnostics::new(false);
    let report = inspect(open_sample(&first), Some(format.name), opts, &mut diag).expect("a readable sample inspects");
    let warned: Vec<&str> = read.groups().keys().copied().collect();
    let findings: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !warned.contains(&f.check))
        .map(|f| format!("- [{}] {}\n", f.check, f.message))
        .collect();
    format!("inspect findings:\n{}", if findings.is_empty() { "(none)\n".to_string() } else { findings.concat() })
}

#[test]
fn every_sample_reads_as_snapshotted() {
    let mut seen = 0;
    for format in FORMATS.iter().filter(|f| f.can_read()) {
        for sample in inputs_of(format) {
            let name = sample.trim_start_matches("samples/").replace('/', "__");
            insta::assert_snapshot!(name, describe(format, &sample));
            seen += 1;
        }
    }
    // Every folder of samples/ is a format's: a renamed folder must not leave its files unread.
    for entry in std::fs::read_dir(root().join("samples")).expect("samples/") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(formats::find(&name).is_ok_and(|f| f.name == name), "samples/{name} is named after no format");
        }
    }
    assert!(seen >= 69, "only {seen} samples read");
}

/// Every snapshot of this test belongs to a sample that still exists (a removed sample must take
/// its snapshot with it, or the snapshot would check nothing).
#[test]
fn no_snapshot_outlives_its_sample() {
    let snapshots = root().join("tests/snapshots");
    for entry in std::fs::read_dir(&snapshots).expect("tests/snapshots") {
        let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        let Some(sample) = name.strip_prefix("registry__").and_then(|n| n.strip_suffix(".snap")) else { continue };
        if sample.starts_with("write__") {
            continue;
        }
        let path = root().join("samples").join(sample.replace("__", "/"));
        assert!(path.exists(), "{name}: no sample {}", path.display());
    }
}

#[test]
fn every_writer_writes_the_canonical_fixture_of_each_kind_it_holds() {
    for kind in [DataKind::Catalog, DataKind::Receipts, DataKind::Orders] {
        let fixture = format!("samples/canonical-json/{}.json", kind.as_str());
        let doc = read_sample(&fixture);
        for format in FORMATS.iter().filter(|f| f.can_write() && f.kinds.contains(&kind)) {
            let mut diag = Diagnostics::new(false);
            let text = match support::write(&doc.header, &doc.records, format.name, &WriteOptions::default(), &mut diag)
            {
                Ok(bytes) => {
                    let text = match String::from_utf8(bytes) {
                        Ok(text) => text,
                        Err(e) => format!("(Windows-1251)\n{}", support::decode_cp1251(e.as_bytes())),
                    };
                    format!("warnings:\n{}--- {} ---\n{text}", warnings_text(&diag), format.name)
                }
                Err(err) => {
                    let (code, class) = exit_class(err.kind());
                    format!("error (exit {code}, {class}):\n  {err}\nwarnings:\n{}", warnings_text(&diag))
                }
            };
            insta::assert_snapshot!(
                format!("write__{}__{}", kind.as_str(), format.name),
                format!("input: {fixture}\n{text}")
            );
        }
    }
}

/// The registry row's kinds are the one check: a writer handed another kind refuses it when the
/// document begins, naming the format, the kind and what it holds; nothing is written.
#[test]
fn every_writer_refuses_a_kind_its_row_does_not_list() {
    for kind in [DataKind::Catalog, DataKind::Receipts, DataKind::Orders] {
        let doc = read_sample(&format!("samples/canonical-json/{}.json", kind.as_str()));
        for format in FORMATS.iter().filter(|f| f.can_write() && !f.kinds.contains(&kind)) {
            let mut diag = Diagnostics::new(false);
            let err = support::write(&doc.header, &doc.records, format.name, &WriteOptions::default(), &mut diag)
                .expect_err(format.name);
            let holds: Vec<&str> = format.kinds.iter().map(|k| k.as_str()).collect();
            assert_eq!(
                err.to_string(),
                format!("format {} cannot hold {} (it holds {})", format.name, kind.as_str(), holds.join(" and ")),
            );
            assert_eq!(exit_class(err.kind()).0, 5, "{}", format.name);
        }
    }
}

/// The fixtures themselves: nothing in them is refused by the canonical reader.
#[test]
fn the_canonical_fixtures_read_back_as_written() {
    for kind in ["catalog", "receipts", "orders"] {
        let path = format!("samples/canonical-json/{kind}.json");
        let text = std::fs::read_to_string(root().join(&path)).expect("the fixture");
        let doc = read_sample(&path);
        let again = support::canonical(&doc.header, &doc.records);
        assert_eq!(again, text, "{path} is not in the writer's own form");
    }
}
