//! The command line: the cases in `tests/cmd/*.toml` (run by trycmd against the real binary),
//! and what trycmd cannot express — files appearing whole or not at all, default output names,
//! standard input.

mod support;

use support::{exit_code as code, path_arg as arg, run_bin as run, stderr_of as stderr};

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kassa-bridge");

#[test]
fn cli_cases() {
    trycmd::TestCases::new().register_bin("kassa-bridge", Path::new(BIN)).case("tests/cmd/*.toml");
}

/// Cases whose text is Unix's (`service` explains systemd there; on Windows it is the SCM's,
/// tested in `tests/windows.rs`).
#[cfg(unix)]
#[test]
fn cli_cases_unix() {
    trycmd::TestCases::new().register_bin("kassa-bridge", Path::new(BIN)).case("tests/cmd-unix/*.toml");
}

fn sample(rel: &str) -> PathBuf {
    support::root().join("samples").join(rel)
}

/// The names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_successful_conversion_leaves_only_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("goods.json");
    let seed = sample("kassatka-xml/seed-nomenclature.xml");
    let result = run(&["convert", arg(&seed), "-t", "canonical-json", "-o", arg(&out), "-q"]);
    assert_eq!(code(&result), 0, "{}", stderr(&result));
    assert_eq!(listing(dir.path()), ["goods.json"]);
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("{\n  \"format\": \"kassa-bridge-canonical\""), "{text}");
    assert!(text.ends_with("]\n}\n"), "the file is complete: {text}");
}

#[test]
fn failed_conversions_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str], i32); 4] = [
        ("kassatka-xml/hostile-bad-number.xml", &["-t", "canonical-json"], 3),
        ("kassatka-xml/hostile-truncated.xml", &["-t", "canonical-json"], 3),
        ("kassatka-receipts/hostile-truncated.xml", &["-t", "kassatka-receipts"], 3),
        ("kassatka-xml/1c-processing.xml", &["-t", "kassatka-xml", "--kassatka-dialect", "api", "--strict"], 4),
    ];
    for (input, opts, want) in cases {
        let out = dir.path().join("out.file");
        let mut args = vec!["convert", input];
        args.extend_from_slice(opts);
        args.extend_from_slice(&["-o", arg(&out)]);
        let input_path = sample(input);
        args[1] = arg(&input_path);
        let result = run(&args);
        assert_eq!(code(&result), want, "{input}: {}", stderr(&result));
        assert!(listing(dir.path()).is_empty(), "{input}: left {:?}", listing(dir.path()));
    }
}

#[test]
fn a_failed_conversion_keeps_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("goods.json");
    fs::write(&out, "yesterday's export\n").unwrap();
    let bad = sample("kassatka-xml/hostile-bad-number.xml");
    let result = run(&["convert", arg(&bad), "-t", "canonical-json", "-o", arg(&out)]);
    assert_eq!(code(&result), 3, "{}", stderr(&result));
    assert_eq!(fs::read_to_string(&out).unwrap(), "yesterday's export\n");
    assert_eq!(listing(dir.path()), ["goods.json"]);
}

#[test]
fn the_default_output_name_comes_from_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.xml");
    fs::copy(sample("kassatka-xml/seed-nomenclature.xml"), &input).unwrap();

    let result = run(&["convert", arg(&input), "-t", "canonical-json"]);
    assert_eq!(code(&result), 0, "{}", stderr(&result));
    assert_eq!(listing(dir.path()), ["x.json", "x.xml"]);
    assert!(stderr(&result).contains("x.json"), "the summary names the output: {}", stderr(&result));

    // Converting x.json to its own format must not overwrite the input.
    let json = dir.path().join("x.json");
    let before = fs::read(&json).unwrap();
    let result = run(&["convert", arg(&json), "-t", "canonical-json", "-q"]);
    assert_eq!(code(&result), 0, "{}", stderr(&result));
    assert_eq!(listing(dir.path()), ["x.canonical-json.json", "x.json", "x.xml"]);
    assert_eq!(fs::read(&json).unwrap(), before, "the input is untouched");
    assert_eq!(fs::read(dir.path().join("x.canonical-json.json")).unwrap(), before, "canonical JSON is a fixed point");
}

#[test]
fn standard_input_converts_to_standard_output() {
    let seed = fs::read(sample("kassatka-xml/seed-nomenclature.xml")).unwrap();
    let mut child = Command::new(BIN)
        .args(["convert", "-", "-t", "canonical-json"])
        .current_dir(support::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&seed).unwrap();
    let result = child.wait_with_output().unwrap();
    assert_eq!(code(&result), 0, "{}", stderr(&result));
    assert!(stderr(&result).contains("written to standard output"), "{}", stderr(&result));

    // The same text the library writes for the file (the header does not name the input).
    let doc = support::read_sample("samples/kassatka-xml/seed-nomenclature.xml");
    assert_eq!(String::from_utf8(result.stdout).unwrap(), support::canonical(&doc.header, &doc.records));
}

#[test]
fn errors_about_standard_input_name_it() {
    let mut child = Command::new(BIN)
        .args(["convert", "-", "-t", "canonical-json", "--from", "kassatka-xml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"<ProductsGroups>\n <ProductGroup Code=\"1\" Name=\"x\">\n").unwrap();
    let result = child.wait_with_output().unwrap();
    assert_eq!(code(&result), 3, "{}", stderr(&result));
    assert!(stderr(&result).starts_with("error: <stdin>: line "), "{}", stderr(&result));
}

/// The exit code the tests' `exit_class` predicts is the one the binary gives.
#[test]
fn the_exit_code_classes_match_the_binary() {
    let seed = sample("kassatka-xml/seed-nomenclature.xml");
    let missing = sample("kassatka-xml/no-such-file.xml");
    let ambiguous = support::root().join("tests/fixtures/ambiguous-price-types.json");
    let bad = sample("kassatka-xml/hostile-bad-number.xml");
    let truncated = sample("kassatka-receipts/hostile-truncated.xml");
    for (args, want) in [
        (vec!["convert", arg(&seed), "-t", "no-such-format", "-o", "-"], 5),
        (vec!["convert", arg(&missing), "-t", "canonical-json", "-o", "-"], 6),
        (vec!["convert", arg(&ambiguous), "-t", "kassatka-xml", "--kassatka-dialect", "1c", "-o", "-"], 2),
        (vec!["convert", arg(&bad), "-t", "canonical-json", "-o", "-"], 3),
        (vec!["inspect", arg(&truncated)], 3),
        (vec!["convert", arg(&seed), "-t", "kassatka-receipts", "-o", "-"], 5),
    ] {
        let result = run(&args);
        assert_eq!(code(&result), want, "{args:?}: {}", stderr(&result));
    }
}
