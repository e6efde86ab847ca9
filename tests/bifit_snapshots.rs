//! Snapshots of the БИФИТ formats. Readers: every file under `samples/bifit-*/` as canonical JSON
//! (the real canonical-json writer) with the warnings and the `inspect` findings, or — for inputs
//! that must fail — the error and its exit-code class. Writers: the seed nomenclature as
//! bifit-csv (each folder option that changes the output) and bifit-json, the seed order as
//! orders-report and bifit-orders.

mod support;

use kassa_bridge::formats;
use kassa_bridge::inspect::inspect;
use kassa_bridge::options::{BifitGroupRef, BifitGroups, ReadOptions, WriteOptions};
use kassa_bridge::Diagnostics;

use support::{
    assert_cp1251_crlf, decode_cp1251, exit_class, open_sample, read_sample, warnings_text, write, SharedBuf,
    SEED_NOMENCLATURE, SEED_ORDER,
};

/// Reads a sample with the detected format straight into the canonical-json writer.
fn describe_reading(rel_path: &str) -> String {
    let input = open_sample(rel_path);
    let mut diag = Diagnostics::new(false);
    let mut out = format!("input: {rel_path}\n");
    let result = formats::detect(&input).and_then(|format| {
        out.push_str(&format!("format: {} (detected)\n", format.name));
        let buf = SharedBuf::default();
        let json = formats::find("canonical-json")?;
        let mut sink = (json.writer.expect("canonical-json writes"))(Box::new(buf.clone()), &WriteOptions::default())?;
        (format.reader.expect("a readable format"))(input, &ReadOptions::default(), sink.as_mut(), &mut diag)?;
        drop(sink);
        Ok(String::from_utf8(buf.bytes()).expect("canonical JSON is UTF-8"))
    });
    match result {
        Ok(json) => {
            out.push_str(&format!("warnings:\n{}", warnings_text(&diag)));
            let mut inspect_diag = Diagnostics::new(false);
            let report = inspect(open_sample(rel_path), None, &ReadOptions::default(), &mut inspect_diag)
                .expect("a readable sample inspects");
            // The data checks only: the reader's warnings, shown above, are findings of `inspect`
            // too, and are not repeated.
            let warned: Vec<&str> = diag.groups().keys().copied().collect();
            let findings: Vec<_> = report.findings.iter().filter(|f| !warned.contains(&f.check)).collect();
            out.push_str("inspect findings:\n");
            if findings.is_empty() {
                out.push_str("(none)\n");
            }
            for f in findings {
                out.push_str(&format!("- [{}] {}\n", f.check, f.message));
            }
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

/// The hostile fixtures fail the way `samples/README.md` says (every sample's snapshot is in
/// `registry.rs`).
#[test]
fn hostile_bifit_files_fail_with_positions() {
    let expect_error = |sample: &str, parts: &[&str]| {
        let text = describe_reading(sample);
        assert!(text.contains("error (exit 3, bad-input)"), "{sample} must fail as broken input:\n{text}");
        for part in parts {
            assert!(text.contains(part), "{sample}: the message lacks {part:?}:\n{text}");
        }
    };
    expect_error("samples/bifit-csv/hostile-bad-price.csv", &["line 3, column 6: PRICE", "\"12,3,4\""]);
    expect_error("samples/bifit-csv/hostile-sci-barcode.csv", &["line 3, column 7: BARCODE", "\"4,60713E+12\""]);
    expect_error("samples/bifit-csv/hostile-missing-code.csv", &["line 3, column 2: EXTERNAL_CODE"]);
    expect_error("samples/bifit-json/hostile-float-exponent.json", &["record 2: item.sellingPrice", "\"1.5e3\""]);
}

fn write_options(groups: BifitGroups, group_ref: BifitGroupRef) -> WriteOptions {
    WriteOptions { bifit_groups: groups, bifit_group_ref: group_ref, ..WriteOptions::default() }
}

/// A sample converted by a writer: the options that matter, the warnings, then the text.
/// Windows-1251 output is checked to be Windows-1251 with CRLF and shown decoded.
fn describe_writing(sample: &str, format: &str, opts: &WriteOptions) -> String {
    let doc = read_sample(sample);
    let mut diag = Diagnostics::new(false);
    let bytes = write(&doc.header, &doc.records, format, opts, &mut diag)
        .unwrap_or_else(|e| panic!("{sample} → {format}: {e}"));
    let text = if format == "bifit-csv" && opts.encoding.is_none() {
        assert_cp1251_crlf(&bytes);
        decode_cp1251(&bytes)
    } else {
        String::from_utf8(bytes).expect("UTF-8 output")
    };
    let mut out = format!("input: {sample}\noutput: {format}\n");
    if format.starts_with("bifit") {
        out.push_str(&format!(
            "options: groups {:?}, group ref {:?}, jsonl {}, purchase price type {:?}\n",
            opts.bifit_groups, opts.bifit_group_ref, opts.jsonl, opts.purchase_price_type
        ));
    }
    out.push_str(&format!("warnings:\n{}--- output ---\n{text}", warnings_text(&diag)));
    out
}

#[test]
fn seed_nomenclature_to_bifit_csv_folder_rows_named() {
    insta::assert_snapshot!(describe_writing(
        SEED_NOMENCLATURE,
        "bifit-csv",
        &write_options(BifitGroups::Rows, BifitGroupRef::Name)
    ));
}

#[test]
fn seed_nomenclature_to_bifit_csv_folder_rows_by_code() {
    insta::assert_snapshot!(describe_writing(
        SEED_NOMENCLATURE,
        "bifit-csv",
        &write_options(BifitGroups::Rows, BifitGroupRef::Code)
    ));
}

#[test]
fn seed_nomenclature_to_bifit_csv_group_column_only() {
    insta::assert_snapshot!(describe_writing(
        SEED_NOMENCLATURE,
        "bifit-csv",
        &write_options(BifitGroups::Column, BifitGroupRef::Name)
    ));
}

#[test]
fn seed_nomenclature_to_bifit_csv_without_folders() {
    insta::assert_snapshot!(describe_writing(
        SEED_NOMENCLATURE,
        "bifit-csv",
        &write_options(BifitGroups::None, BifitGroupRef::Name)
    ));
}

/// The seed's groups are flat, so `path` only differs on a nested folder: Бакалея/Крупы.
#[test]
fn nested_folders_to_bifit_csv_by_path() {
    insta::assert_snapshot!(describe_writing(
        "samples/bifit-csv/reference-rows.csv",
        "bifit-csv",
        &WriteOptions {
            purchase_price_type: Some("Закупочная".into()),
            ..write_options(BifitGroups::Rows, BifitGroupRef::Path)
        }
    ));
}

#[test]
fn seed_nomenclature_to_bifit_json_array() {
    insta::assert_snapshot!(describe_writing(
        SEED_NOMENCLATURE,
        "bifit-json",
        &write_options(BifitGroups::Rows, BifitGroupRef::Name)
    ));
}

#[test]
fn seed_nomenclature_to_bifit_json_lines() {
    insta::assert_snapshot!(describe_writing(
        SEED_NOMENCLATURE,
        "bifit-json",
        &WriteOptions { jsonl: true, ..write_options(BifitGroups::Rows, BifitGroupRef::Name) }
    ));
}

#[test]
fn seed_nomenclature_to_bifit_json_without_folders() {
    insta::assert_snapshot!(describe_writing(
        SEED_NOMENCLATURE,
        "bifit-json",
        &WriteOptions { jsonl: true, ..write_options(BifitGroups::None, BifitGroupRef::Name) }
    ));
}

#[test]
fn seed_order_to_orders_report() {
    let doc = read_sample(SEED_ORDER);
    let mut diag = Diagnostics::new(false);
    let bytes = write(&doc.header, &doc.records, "orders-report", &WriteOptions::default(), &mut diag)
        .expect("orders-report writes");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "orders-report starts with a UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8 after the BOM");
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 2, "a title row and one order, CRLF-terminated:\n{text}");
    for line in &lines {
        assert_eq!(line.split(';').count(), 18, "18 `;`-separated columns: {line}");
    }
    assert_eq!(diag.total(), 0, "{}", warnings_text(&diag));
    insta::assert_snapshot!(text);
}

#[test]
fn seed_order_to_bifit_orders() {
    insta::assert_snapshot!(describe_writing(SEED_ORDER, "bifit-orders", &WriteOptions::default()));
}

/// Error lines are physical lines of the file, whatever the line ends: the csv crate's own line
/// is one short after CRLF and after blank lines (BurntSushi/rust-csv#395, #208).
#[test]
fn csv_errors_name_the_physical_line() {
    let header = "EXTERNAL_CODE;NAME;PRICE";
    for (body, line) in [
        ("1;а;1\n2;б;x\n", 3),
        ("1;а;1\r\n2;б;x\r\n", 3),
        ("2;б;x\r\n", 2),
        ("1;а;1\r\n\r\n\r\n2;б;x\r\n", 5),
        ("1;а;1\n\n2;б;x\n", 4),
        ("1;\"а\r\nб\";1\r\n2;б;x\r\n", 4),
    ] {
        let text = format!("{header}{}{body}", if body.contains('\r') { "\r\n" } else { "\n" });
        let mut diag = Diagnostics::new(false);
        let err = support::read(support::input_from_bytes("lines.csv", text.into_bytes()), None, &mut diag)
            .expect_err("x is not a price");
        assert_eq!(
            err.to_string().split(": bad value").next(),
            Some(format!("lines.csv: line {line}, column 3: PRICE").as_str()),
            "{body:?}"
        );
    }
}
