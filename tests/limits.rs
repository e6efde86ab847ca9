//! Memory is bounded by the limits, never by the input (README "Limits"): each hostile input is
//! generated here, scaled down to tens of MB, and converted by the real binary in a child process
//! whose address space is capped, so a reader that held the input whole would die, not pass.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output};

/// The child's address space: the debug binary and its threads fit in well under this; a reader
/// that grew with these inputs (1.6 GB for 50 MB of `;`, 17 billion cells) would not.
const ADDRESS_SPACE: u64 = 400 << 20;

fn run_capped(args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kassa-bridge"));
    cmd.args(args);
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            let limit =
                libc::rlimit { rlim_cur: ADDRESS_SPACE as libc::rlim_t, rlim_max: ADDRESS_SPACE as libc::rlim_t };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().expect("the binary runs")
}

/// Converts `file` to canonical JSON under the cap: the exit code and stderr.
fn convert(file: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = file.with_extension("out.json");
    let mut args = vec!["convert", file.to_str().unwrap(), "-t", "json", "-o", out.to_str().unwrap()];
    args.extend(extra);
    let output = run_capped(&args);
    assert!(!out.exists(), "no output after a refused input");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn refused(file: &Path, extra: &[&str], option: &str) -> String {
    let (code, err) = convert(file, extra);
    assert_eq!(code, Some(3), "{}: {err}", file.display());
    assert!(err.contains("goes beyond the limit") && err.contains(option), "{}: {err}", file.display());
    assert!(err.len() < 600, "the message quotes no more than an excerpt: {} bytes", err.len());
    err
}

#[test]
fn a_header_line_of_40_mb_of_semicolons_is_refused_within_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("semi.csv");
    std::fs::write(&file, [vec![b';'; 40 << 20], b"\n".to_vec()].concat()).unwrap();
    refused(&file, &["--from", "bifit-csv"], "--max-record-size");
    refused(&file, &["--from", "table"], "--max-record-size");
}

#[test]
fn too_many_columns_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.csv");
    std::fs::write(&file, format!("NAME{}\n", ";x".repeat(12_000))).unwrap();
    refused(&file, &["--from", "bifit-csv"], "--max-columns");
    let out = file.with_extension("json");
    let raised = run_capped(&[
        "convert",
        file.to_str().unwrap(),
        "--from",
        "bifit-csv",
        "--max-columns",
        "20000",
        "-t",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&raised.stderr);
    assert_eq!(raised.status.code(), Some(0), "raised, the limit lets it through: {err}");
}

#[test]
fn one_huge_attribute_one_huge_text_and_nul_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let attr = dir.path().join("attr.xml");
    let mut bytes = b"<ProductsGroups><ProductGroup Code=\"1\" Name=\"".to_vec();
    bytes.extend(vec![b'a'; 30 << 20]);
    bytes.extend(b"\"/></ProductsGroups>");
    std::fs::write(&attr, &bytes).unwrap();
    refused(&attr, &["--from", "kassatka-xml"], "--max-record-size");
    // With the record limit raised, the value limit still holds.
    refused(&attr, &["--from", "kassatka-xml", "--max-record-size", "64MiB"], "--max-value-size");

    let nul = dir.path().join("nul.xml");
    std::fs::write(&nul, [b"<?xml version=\"1.0\"?>".to_vec(), vec![0u8; 30 << 20]].concat()).unwrap();
    refused(&nul, &["--from", "kassatka-xml"], "--max-record-size");

    let deep = dir.path().join("deep.xml");
    let text = format!(
        "<?xml version=\"1.0\"?><КоммерческаяИнформация><Классификатор><Группы>{}",
        "<Группа><Ид>1</Ид><Группы>".repeat(5_000)
    );
    std::fs::write(&deep, text).unwrap();
    refused(&deep, &[], "--max-depth");
}

#[test]
fn a_line_of_20_mb_in_an_atol_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.txt");
    let mut bytes = b"##@@&&\n#\n$$$ADDQUANTITY\n1;".to_vec();
    bytes.extend(vec![b'x'; 20 << 20]);
    bytes.extend(b"\n");
    std::fs::write(&file, &bytes).unwrap();
    let err = refused(&file, &["--from", "atol-goods"], "--max-record-size");
    assert!(err.contains("line 4"), "{err}");
}

#[test]
fn a_sheet_whose_cells_span_17_billion_cells_is_refused_before_it_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("span.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Код").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    book.save(&file).unwrap();
    let err = refused(&file, &[], "--max-cells");
    assert!(err.contains("XFD"), "{err}");
}

#[test]
fn a_workbook_part_that_unpacks_beyond_the_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Наименование").unwrap();
    // 3 MB of shared strings, packed to a few KB.
    for row in 1..=50u32 {
        sheet.write_string(row, 0, format!("{row} {}", "я".repeat(30_000))).unwrap();
    }
    book.save(&file).unwrap();
    assert!(std::fs::metadata(&file).unwrap().len() < 1 << 20);
    refused(&file, &["--max-sheet-size", "2MB"], "--max-sheet-size");
}
