//! Every XML document the writers produce validates against the XSDs in `schemas/`, and the
//! schemas accept the seed documents (and reject the samples that are meant to be invalid), so a
//! schema that drifts from the truth is caught too.
//!
//! Needs `xmllint` (libxml2-utils). Without it the tests print "skipped: xmllint not installed"
//! and pass, unless `KASSA_BRIDGE_REQUIRE_XMLLINT=1`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use kassa_bridge::options::{KassatkaDialect, WriteOptions};
use kassa_bridge::Diagnostics;

use support::{read_sample_lenient, root, scattered_catalog, valid_samples, write_doc, write_options};

const NOMENCLATURE: &str = "kassatka-nomenclature.xsd";
const RECEIPTS: &str = "kassatka-receipts.xsd";

/// False (after saying so) when xmllint is missing and not required.
fn xmllint_ready() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    if std::env::var("KASSA_BRIDGE_REQUIRE_XMLLINT").as_deref() == Ok("1") {
        panic!("xmllint is not installed but KASSA_BRIDGE_REQUIRE_XMLLINT=1");
    }
    println!("skipped: xmllint not installed");
    false
}

/// `xmllint --noout --schema schemas/<schema> FILE`: Ok, or the validator's complaints.
fn validate(schema: &str, file: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("schemas").join(schema))
        .arg(file)
        .output()
        .expect("xmllint runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Writes `text` to a fresh temp dir under `name` and validates it.
fn validate_text(schema: &str, name: &str, text: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, text).expect("the temp file is written");
    validate(schema, &path)
        .map_err(|e| format!("{name} does not validate against {schema}:\n{e}\n--- the document ---\n{text}"))
}

fn file_name(sample: &str) -> String {
    Path::new(sample).file_stem().unwrap().to_string_lossy().into_owned()
}

/// Writes every readable sample of `folder` with `format`/`opts` and validates each output.
/// Returns how many were validated.
fn validate_outputs(folder: &str, format: &str, opts: &WriteOptions, schema: &str, label: &str) -> usize {
    let mut failures = Vec::new();
    let mut validated = 0;
    for sample in valid_samples(folder) {
        let (doc, _) = read_sample_lenient(&sample);
        let mut diag = Diagnostics::new(false);
        let text = write_doc(&doc.header, &doc.records, format, opts, &mut diag)
            .unwrap_or_else(|e| panic!("{sample} → {format}: {e}"));
        if let Err(e) = validate_text(schema, &format!("{}.{label}.xml", file_name(&sample)), &text) {
            failures.push(e);
        }
        validated += 1;
    }
    assert!(failures.is_empty(), "{} of {validated} outputs are invalid:\n{}", failures.len(), failures.join("\n"));
    validated
}

/// The samples the fixtures README marks "valid" must validate; those marked "invalid" must not.
#[test]
fn the_schemas_agree_with_the_samples() {
    if !xmllint_ready() {
        return;
    }
    let valid = [
        ("kassatka-xml/seed-nomenclature.xml", NOMENCLATURE),
        ("kassatka-xml/1c-processing.xml", NOMENCLATURE),
        ("kassatka-xml/1c-internal-barcodes.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-cp1251-declared.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-mojibake.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-utf8-bom.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-utf16le-bom.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-crlf.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-nbsp-numbers.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-entities.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-missing-optional.xml", NOMENCLATURE),
        ("kassatka-receipts/seed-receipts.xml", RECEIPTS),
        ("kassatka-receipts/broken-totals.xml", RECEIPTS),
        ("kassatka-receipts/hostile-cp1251.xml", RECEIPTS),
        ("kassatka-receipts/returns-and-other-payments.xml", RECEIPTS),
    ];
    for (sample, schema) in valid {
        let path = root().join("samples").join(sample);
        if let Err(e) = validate(schema, &path) {
            panic!("{sample} should validate against {schema}:\n{e}");
        }
    }
    let invalid = [
        ("kassatka-xml/hostile-bad-number.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-sci-barcode.xml", NOMENCLATURE),
        ("kassatka-xml/hostile-unknown-elements.xml", NOMENCLATURE),
        ("kassatka-receipts/hostile-bad-date.xml", RECEIPTS),
    ];
    for (sample, schema) in invalid {
        let path = root().join("samples").join(sample);
        assert!(validate(schema, &path).is_err(), "{sample} should NOT validate against {schema}");
    }
}

#[test]
fn api_dialect_output_of_every_catalogue_sample_validates() {
    if !xmllint_ready() {
        return;
    }
    let n = validate_outputs(
        "kassatka-xml",
        "kassatka-xml",
        &write_options(KassatkaDialect::Api, None),
        NOMENCLATURE,
        "api",
    );
    assert!(n >= 10, "only {n} samples");
}

#[test]
fn one_c_dialect_output_of_the_1c_processing_sample_validates() {
    if !xmllint_ready() {
        return;
    }
    let (doc, _) = read_sample_lenient("samples/kassatka-xml/1c-processing.xml");
    let mut diag = Diagnostics::new(false);
    let text =
        write_doc(&doc.header, &doc.records, "kassatka-xml", &write_options(KassatkaDialect::OneC, None), &mut diag)
            .unwrap();
    validate_text(NOMENCLATURE, "1c-processing.1c.xml", &text).unwrap_or_else(|e| panic!("{e}"));
}

/// Prices read from the API layout carry no IncludesVAT; the 1C-dialect writer then writes
/// `IncludesVAT=""`, which the schema rejects: reference `formats-1c.md` §4.1 says the boolean
/// attributes are the words Да/Нет, and a 1C processing always writes one. See the report.
#[test]
fn one_c_dialect_output_of_every_catalogue_sample_validates() {
    if !xmllint_ready() {
        return;
    }
    let n = validate_outputs(
        "kassatka-xml",
        "kassatka-xml",
        &write_options(KassatkaDialect::OneC, None),
        NOMENCLATURE,
        "1c",
    );
    assert!(n >= 10, "only {n} samples");
}

#[test]
fn receipts_output_of_every_receipts_sample_validates() {
    if !xmllint_ready() {
        return;
    }
    let n = validate_outputs("kassatka-receipts", "kassatka-receipts", &WriteOptions::default(), RECEIPTS, "receipts");
    assert!(n >= 4, "only {n} samples");
}

/// Split and reopened groups, deferred products and orphans still make a valid document.
#[test]
fn scattered_catalogue_output_validates() {
    if !xmllint_ready() {
        return;
    }
    let (header, records) = scattered_catalog();
    let mut diag = Diagnostics::new(false);
    let text =
        write_doc(&header, &records, "kassatka-xml", &write_options(KassatkaDialect::Api, None), &mut diag).unwrap();
    validate_text(NOMENCLATURE, "scattered.api.xml", &text).unwrap_or_else(|e| panic!("{e}"));
}

/// Internal barcodes that are not EAN (`E18087200306`, `SN175060009539`): the 1C layout carries
/// them, the API layout's one `Product@Barcode` takes digits only and warns about the rest, and a
/// barcode neither layout can hold is warned about too. Every output validates.
#[test]
fn internal_barcodes_are_carried_or_warned_and_the_output_validates() {
    use kassa_bridge::model::{Product, Record};

    let (doc, _) = read_sample_lenient("samples/kassatka-xml/1c-internal-barcodes.xml");
    let barcodes = |records: &[Record]| -> Vec<(String, Vec<String>)> {
        records
            .iter()
            .filter_map(|r| if let Record::Product(p) = r { Some((p.code.clone(), p.barcodes.clone())) } else { None })
            .collect()
    };
    let mut outputs = Vec::new();

    let mut diag = Diagnostics::new(false);
    let one_c =
        write_doc(&doc.header, &doc.records, "kassatka-xml", &write_options(KassatkaDialect::OneC, None), &mut diag)
            .unwrap();
    assert_eq!(diag.total(), 0, "the 1C layout holds every barcode");
    assert!(
        one_c.contains("Price=\"4590.00\" Barcode=\"E18087200306\">")
            && one_c.contains("<Barcode Barcode=\"SN175060009539\"/>"),
        "{one_c}"
    );
    let back = support::read_text("kassatka-xml", "1c.xml", &one_c, &mut Diagnostics::new(false)).unwrap();
    assert_eq!(barcodes(&back.records), barcodes(&doc.records));
    outputs.push(("internal-barcodes.1c.xml", one_c));

    let mut diag = Diagnostics::new(false);
    let api =
        write_doc(&doc.header, &doc.records, "kassatka-xml", &write_options(KassatkaDialect::Api, None), &mut diag)
            .unwrap();
    let dropped: Vec<String> =
        diag.kept().filter(|w| w.kind == "field-dropped").map(|w| w.message.to_string()).collect();
    assert!(
        dropped[0].starts_with("product 00061: kassatka-xml cannot hold barcodes E18087200306 (not digits"),
        "{dropped:?}"
    );
    assert!(
        dropped[1].starts_with("product 00062: kassatka-xml cannot hold barcodes SN175060009539 (not digits"),
        "{dropped:?}"
    );
    let back = support::read_text("kassatka-xml", "api.xml", &api, &mut Diagnostics::new(false)).unwrap();
    assert_eq!(
        barcodes(&back.records),
        [
            ("00061".to_string(), vec!["4601234005180".to_string()]),
            ("00062".into(), vec![]),
            ("00063".into(), vec!["4601234005197".into()])
        ],
        "the first barcode of digits is the API layout's one"
    );
    outputs.push(("internal-barcodes.api.xml", api));

    // A barcode with a space or Cyrillic fits neither layout: left out of the 1C layout, warned.
    let mut p = Product::new("9", "Товар");
    p.barcodes = vec!["ШК 001".into(), "SN-1/2".into()];
    let mut diag = Diagnostics::new(false);
    let odd = write_doc(
        &doc.header,
        &[Record::Product(p)],
        "kassatka-xml",
        &write_options(KassatkaDialect::OneC, None),
        &mut diag,
    )
    .unwrap();
    assert!(odd.contains("<Barcode Barcode=\"SN-1/2\"/>") && !odd.contains("ШК 001"), "{odd}");
    assert!(support::warning_messages(&diag)
        .iter()
        .any(|m| m.contains("barcodes ШК 001 (the layout holds Latin letters, digits and - . _ / only)")));
    outputs.push(("odd-barcode.1c.xml", odd));

    if !xmllint_ready() {
        return;
    }
    for (name, text) in outputs {
        validate_text(NOMENCLATURE, name, &text).unwrap_or_else(|e| panic!("{e}"));
    }
}
