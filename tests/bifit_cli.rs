//! The `kassa-bridge` binary on the БИФИТ formats: exit codes, files, encodings and messages.

mod support;

use support::{exit_code as code, run_bin as run, stderr_of as stderr};

use std::path::Path;
use std::process::Output;

use support::{assert_cp1251_crlf, decode_cp1251, SEED_NOMENCLATURE, SEED_ORDER};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

#[test]
fn seed_nomenclature_converts_to_a_windows_1251_bifit_csv_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let target = dir.path().join("goods.csv");
    let out = run(&["convert", SEED_NOMENCLATURE, "-t", "bifit-csv", "-o", path_str(&target)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let bytes = std::fs::read(&target).expect("the output file exists");
    assert_cp1251_crlf(&bytes);
    let text = decode_cp1251(&bytes);
    assert!(text.starts_with("ID;EXTERNAL_CODE;EXTERNAL_ID;NAME;"), "{text}");
    assert!(text.contains(";00-00000019;;Версан в капс. №60;;100.00;7640153060501;"), "{text}");
    assert!(text.contains(";00-00000001;;Товары;;;;;;;;;;;;;;1;"), "a folder row:\n{text}");
    // The dropped «Прайс-лист» prices are warned about, and the summary counts them.
    let err = stderr(&out);
    assert!(err.contains("product 00-00000019") && err.contains("Прайс-лист"), "{err}");
    assert!(err.contains("3 groups, 9 products") && err.contains("2 warnings"), "{err}");
    // Nothing else is left in the directory (the temporary `.partial` file is renamed).
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).expect("readable").map(|e| e.expect("an entry").file_name()).collect();
    assert_eq!(names, ["goods.csv"]);
}

#[test]
fn encoding_utf_8_writes_bifit_csv_in_utf_8() {
    let out = run(&["convert", SEED_NOMENCLATURE, "-t", "bifit-csv", "--encoding", "utf-8", "-o", "-", "--quiet"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(!text.starts_with('\u{feff}'), "no BOM unless asked");
    assert!(text.contains(";Версан в капс. №60;"), "{text}");
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'), "CRLF line ends");
}

#[test]
fn strict_refuses_to_drop_the_price_list_prices_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let target = dir.path().join("goods.csv");
    let out = run(&["convert", SEED_NOMENCLATURE, "-t", "bifit-csv", "--strict", "-o", path_str(&target)]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Прайс-лист") && err.contains("--strict"), "{err}");
    assert!(!target.exists(), "--strict leaves no output file");
    assert_eq!(std::fs::read_dir(dir.path()).expect("readable").count(), 0, "no partial file either");
}

#[test]
fn inspect_reports_both_problems_of_the_broken_order() {
    let out = run(&["inspect", "samples/bifit-orders/broken-order.json"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let report = stdout(&out);
    assert!(report.contains("bifit-orders"), "{report}");
    assert!(report.contains("totalAmount 450") && report.contains("420"), "the total mismatch:\n{report}");
    assert!(report.contains("before the order was created"), "the status time before creation:\n{report}");

    let json = run(&["inspect", "samples/bifit-orders/broken-order.json", "--json"]);
    assert_eq!(code(&json), 1);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("inspect --json prints JSON");
    let checks: Vec<&str> =
        value["findings"].as_array().expect("findings").iter().map(|f| f["check"].as_str().expect("a check")).collect();
    assert_eq!(checks, ["status-before-creation", "order-total-mismatch"]);
}

#[test]
fn inspect_finds_nothing_in_the_seed_order() {
    let out = run(&["inspect", SEED_ORDER]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("bifit-orders"), "{}", stdout(&out));
}

#[test]
fn inspect_reports_an_unknown_status() {
    let out = run(&["inspect", "samples/bifit-orders/unknown-status.json"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("PENDING"), "{}", stdout(&out));
}

#[test]
fn hostile_files_fail_with_exit_3_and_a_position() {
    for (sample, position) in [
        (
            "samples/bifit-csv/hostile-bad-price.csv",
            "samples/bifit-csv/hostile-bad-price.csv: line 3, column 6: PRICE: bad value \"12,3,4\"",
        ),
        (
            "samples/bifit-csv/hostile-sci-barcode.csv",
            "samples/bifit-csv/hostile-sci-barcode.csv: line 3, column 7: BARCODE: bad value \"4,60713E+12\"",
        ),
        (
            "samples/bifit-csv/hostile-missing-code.csv",
            "samples/bifit-csv/hostile-missing-code.csv: line 3, column 2: EXTERNAL_CODE",
        ),
        (
            "samples/bifit-json/hostile-float-exponent.json",
            "samples/bifit-json/hostile-float-exponent.json: record 2: item.sellingPrice: bad value \"1.5e3\"",
        ),
    ] {
        let dir = tempfile::tempdir().expect("a temp dir");
        let target = dir.path().join("out.json");
        let out = run(&["convert", sample, "-t", "canonical-json", "-o", path_str(&target)]);
        assert_eq!(code(&out), 3, "{sample}: {}", stderr(&out));
        assert!(stderr(&out).contains(position), "{sample}: expected {position:?} in:\n{}", stderr(&out));
        assert!(!target.exists(), "{sample}: a failed conversion leaves no file");
        // `inspect` cannot check what it cannot read: the same error, the same code.
        let inspected = run(&["inspect", sample]);
        assert_eq!(code(&inspected), 3, "{sample}: {}", stderr(&inspected));
    }
}

#[test]
fn seed_order_becomes_an_excel_report_and_bifit_json_lines() {
    let out = run(&["convert", SEED_ORDER, "-t", "orders-report", "-o", "-", "--quiet"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let text = String::from_utf8(out.stdout[3..].to_vec()).expect("UTF-8");
    assert!(text.starts_with("Номер заказа;Внешний номер;"), "{text}");
    assert!(text.contains(";Распределен;") && text.contains(";3000,00;"), "{text}");

    let out = run(&["convert", SEED_ORDER, "-t", "bifit-orders", "--jsonl", "-o", "-", "--quiet"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("\"totalAmount\":3000.00") && text.contains("\"currentStatusType\":\"DISTRIBUTED\""),
        "{text}"
    );
}

#[test]
fn bifit_csv_and_json_samples_convert_with_detection() {
    for (sample, to) in [
        ("samples/bifit-csv/reference-rows.csv", "bifit-json"),
        ("samples/bifit-csv/utf8-bom.csv", "kassatka-xml"),
        ("samples/bifit-json/items.jsonl", "bifit-csv"),
        ("samples/bifit-json/api-answer.json", "canonical-json"),
        ("samples/bifit-orders/orders-array.json", "orders-report"),
    ] {
        let out = run(&["convert", sample, "-t", to, "-o", "-", "--quiet"]);
        assert_eq!(code(&out), 0, "{sample} → {to}: {}", stderr(&out));
        assert!(!out.stdout.is_empty(), "{sample} → {to}: no output");
    }
}
