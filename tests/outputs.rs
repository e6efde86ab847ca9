//! Where outputs go (the real binary): devices, FIFOs and symbolic links are written through,
//! never replaced; a killed run's temporary files are cleaned by the next run; standard output
//! is held while small, so a failure writes nothing there; `-q` prints errors only.

mod support;

use support::{exit_code as code, path_arg as arg, run_bin as run, stderr_of as stderr};

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kassa-bridge");

fn seed() -> PathBuf {
    support::root().join(support::SEED_NOMENCLATURE)
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// What the binary writes for the seed as canonical JSON, to compare outputs with.
#[cfg(unix)]
fn seed_as_json() -> Vec<u8> {
    let out = run(&["convert", arg(&seed()), "-t", "canonical-json", "-o", "-", "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    out.stdout
}

/// A Кассатка file of `products` products whose canonical JSON is well over a megabyte; with
/// `bad_last`, the last price is not a number.
fn many_products(products: usize, bad_last: bool) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductsGroups>\n");
    xml.push_str("<ProductGroup Code=\"G1\" Name=\"Товары\" ParentCode=\"none\"><Products>\n");
    for i in 0..products {
        let price = if bad_last && i + 1 == products { "abc".to_string() } else { format!("{i}.50") };
        xml.push_str(&format!(
            "<Product Barcode=\"\" Code=\"P{i:06}\" Name=\"Товар номер {i} с длинным наименованием\" \
             ParentCode=\"G1\" UnitCode=\"796\" UnitName=\"шт\" Price=\"{price}\" Comment=\"\" PriceType=\"Розничная\"/>\n"
        ));
    }
    xml.push_str("</Products></ProductGroup>\n</ProductsGroups>\n");
    xml
}

#[cfg(unix)]
#[test]
fn dev_null_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let out = run(&["convert", arg(&seed()), "-t", "canonical-json", "-o", "/dev/null"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("written to /dev/null"), "{}", stderr(&out));
    let kind = fs::symlink_metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/null is no longer a character device: {kind:?}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_into_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("goods.pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = Vec::new();
            fs::File::open(&fifo).unwrap().read_to_end(&mut text).unwrap();
            text
        })
    };
    let out = run(&["convert", arg(&seed()), "-t", "canonical-json", "-o", arg(&fifo), "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Checked before waiting for the reader, which would wait forever on a replaced FIFO.
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(reader.join().unwrap(), seed_as_json());
    assert_eq!(listing(dir.path()), ["goods.pipe"], "no temporary file next to the FIFO");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_stays_and_its_target_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let target_dir = dir.path().join("real");
    fs::create_dir(&target_dir).unwrap();
    let target = target_dir.join("goods.json");
    fs::write(&target, "yesterday's export\n").unwrap();
    let link = dir.path().join("goods.json");
    std::os::unix::fs::symlink("real/goods.json", &link).unwrap();

    let out = run(&["convert", arg(&seed()), "-t", "canonical-json", "-o", arg(&link), "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/goods.json"));
    assert_eq!(fs::read(&target).unwrap(), seed_as_json());
    assert_eq!(listing(dir.path()), ["goods.json", "real"]);
    assert_eq!(listing(&target_dir), ["goods.json"], "the temporary file was renamed onto the target");

    // A link to a file not there yet: the file is made where the link points.
    fs::remove_file(&target).unwrap();
    let out = run(&["convert", arg(&seed()), "-t", "canonical-json", "-o", arg(&link), "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&target).unwrap(), seed_as_json());
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn a_killed_runs_temporary_file_is_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    // No process has this pid (Linux's pid_max is at most 2^22); made two hours old for the
    // systems where the age decides.
    let stale = dir.path().join(".goods.json.kb4294967295-AbC123.partial");
    let file = fs::File::create(&stale).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 60 * 60)).unwrap();
    drop(file);
    // This test's process is alive: its file is being written, and stays.
    let live = dir.path().join(format!(".other.xml.kb{}-XyZ789.partial", std::process::id()));
    fs::write(&live, "").unwrap();
    // Not our naming: left alone.
    let foreign = dir.path().join(".download.partial");
    fs::write(&foreign, "").unwrap();

    let out = dir.path().join("goods.json");
    let result = run(&["convert", arg(&seed()), "-t", "canonical-json", "-o", arg(&out), "-q"]);
    assert_eq!(code(&result), 0, "{}", stderr(&result));
    let left = listing(dir.path());
    assert_eq!(
        left,
        [
            ".download.partial".to_string(),
            live.file_name().unwrap().to_string_lossy().into_owned(),
            "goods.json".into()
        ]
    );
}

#[test]
fn a_small_conversion_to_standard_output_that_fails_writes_nothing() {
    let bad = support::root().join("samples/kassatka-xml/hostile-bad-number.xml");
    let out = run(&["convert", arg(&bad), "-t", "canonical-json", "-o", "-"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    assert!(!stderr(&out).contains("standard output already holds"), "{}", stderr(&out));
}

#[test]
fn a_large_conversion_to_standard_output_that_fails_says_the_output_is_partial() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.xml");
    fs::write(&input, many_products(8000, true)).unwrap();
    let out = run(&["convert", arg(&input), "-t", "canonical-json", "-o", "-"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(out.stdout.len() > 1024 * 1024, "streamed once past the limit: {} bytes", out.stdout.len());
    let err = stderr(&out);
    assert!(err.contains("bad value \"abc\""), "{err}");
    assert!(err.contains("note: standard output already holds the first part of the document"), "{err}");
}

#[test]
fn a_reader_closing_the_pipe_is_success() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.xml");
    fs::write(&input, many_products(8000, false)).unwrap();
    let mut child = Command::new(BIN)
        .args(["convert", arg(&input), "-t", "canonical-json", "-o", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then close: the output (over a megabyte) cannot have fit in the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 16];
    stdout.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"{\n  \"format\": \"k");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn quiet_prints_errors_only_and_counts_the_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let input = support::root().join("samples/kassatka-xml/1c-processing.xml");
    let args = ["convert", arg(&input), "-t", "kassatka-xml", "--kassatka-dialect", "api"];
    let out_path = dir.path().join("goods.xml");
    let loud = run(&[&args[..], &["-o", arg(&out_path)]].concat());
    assert_eq!(code(&loud), 0, "{}", stderr(&loud));
    assert!(stderr(&loud).contains("warning: "), "{}", stderr(&loud));

    let quiet = run(&[&args[..], &["-o", arg(&out_path), "-q"]].concat());
    assert_eq!(code(&quiet), 0, "{}", stderr(&quiet));
    let line = stderr(&quiet);
    let count = line.strip_suffix(" warnings (run without -q to see them)\n").unwrap_or_else(|| panic!("{line}"));
    assert!(count.parse::<u32>().is_ok_and(|n| n > 1), "{line}");
    assert!(stderr(&loud).contains(&format!(", {count} warnings)")), "the summary's count: {}", stderr(&loud));

    // Errors are still printed.
    let bad = support::root().join("samples/kassatka-xml/hostile-bad-number.xml");
    let failed = run(&["convert", arg(&bad), "-t", "canonical-json", "-o", arg(&out_path), "-q"]);
    assert_eq!(code(&failed), 3);
    assert!(stderr(&failed).starts_with("error: "), "{}", stderr(&failed));

    // `inspect -q`: the report still goes to standard output, the notes do not to stderr.
    let table = support::root().join("samples/table/price-list.csv");
    let noted = run(&["inspect", arg(&table), "-f", "table"]);
    assert!(stderr(&noted).starts_with("note: "), "{}", stderr(&noted));
    let inspected = run(&["inspect", arg(&table), "-f", "table", "-q"]);
    assert_eq!(stderr(&inspected), "");
    assert_eq!(inspected.stdout, noted.stdout);
    assert!(String::from_utf8_lossy(&inspected.stdout).contains("format:    table"));
}
