//! Reading on a second thread (`--threads auto`, inputs of 4 MiB and more) gives what one thread
//! gives: the same bytes, the same warnings, the same errors, and nothing left behind on failure.

use std::path::{Path, PathBuf};

use kassa_bridge::convert::{convert, ConvertOptions};
use kassa_bridge::output::OutputTarget;
use kassa_bridge::pipeline::{Threads, THREADED_FROM};
use kassa_bridge::text::RawInput;
use kassa_bridge::Diagnostics;

/// A Кассатка catalogue just over the threshold. Every product has a comment (bifit-csv drops
/// it: a `field-dropped` warning from the writer) and every tenth an unknown element (skipped
/// with an `element-skipped` warning from the reader).
fn catalogue(dir: &Path, tail: &str) -> PathBuf {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductsGroups Date=\"15.03.2024\">\n");
    xml.push_str("  <ProductGroup Code=\"G1\" Name=\"Бакалея\" ParentCode=\"none\">\n    <Products>\n");
    let mut i = 0u64;
    while (xml.len() as u64) < THREADED_FROM + 100_000 {
        i += 1;
        let extra = if i.is_multiple_of(10) { "<Note>x</Note>" } else { "" };
        xml.push_str(&format!(
            "      <Product Code=\"{i:08}\" Name=\"Гречка ядрица {i}\" Barcode=\"46{i:011}\" Price=\"{}.{:02}\" \
             PriceType=\"Розничная\" Comment=\"к{i}\" UnitCode=\"796\" UnitName=\"шт\">{extra}</Product>\n",
            i % 1000,
            i % 100
        ));
    }
    xml.push_str("    </Products>\n  </ProductGroup>\n");
    xml.push_str(tail);
    let path = dir.join("big.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

struct Outcome {
    output: Option<Vec<u8>>,
    warnings: Vec<(String, u64, usize)>,
    error: Option<String>,
}

fn run(input: &Path, output: &Path, threads: Threads, strict: bool) -> Outcome {
    let _ = std::fs::remove_file(output);
    let opts = ConvertOptions { to: "bifit-csv".into(), threads, ..Default::default() };
    let mut diag = Diagnostics::new(strict);
    let result =
        convert(RawInput::open(input).unwrap(), &OutputTarget::File(output.to_path_buf()), &opts, &mut diag, None);
    let warnings =
        diag.groups().iter().map(|(kind, g)| (kind.to_string(), g.count, g.examples.len())).collect::<Vec<_>>();
    Outcome { output: std::fs::read(output).ok(), warnings, error: result.err().map(|e| e.to_string()) }
}

fn sorted(mut warnings: Vec<(String, u64, usize)>) -> Vec<(String, u64, usize)> {
    warnings.sort();
    warnings
}

#[test]
fn two_threads_write_what_one_writes_with_the_same_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let input = catalogue(dir.path(), "</ProductsGroups>\n");
    let out = dir.path().join("out.csv");
    let one = run(&input, &out, Threads::One, false);
    let two = run(&input, &out, Threads::Auto, false);
    assert_eq!(one.error, None);
    assert_eq!(two.error, None);
    let written = one.output.expect("written");
    assert!(written.len() > 1_000_000);
    assert_eq!(Some(written), two.output);
    let warnings = sorted(one.warnings);
    assert_eq!(warnings.iter().map(|w| w.0.as_str()).collect::<Vec<_>>(), ["element-skipped", "field-dropped"]);
    assert_eq!(warnings, sorted(two.warnings));
}

#[test]
fn an_error_at_the_end_of_a_large_input_leaves_no_output_on_either_path() {
    let dir = tempfile::tempdir().unwrap();
    let input = catalogue(dir.path(), "<ProductGroup Code=\"G2\" Name=\"x\">\n");
    let out = dir.path().join("out.csv");
    let one = run(&input, &out, Threads::One, false);
    let two = run(&input, &out, Threads::Auto, false);
    let message = one.error.expect("a cut-off file is an error");
    assert!(message.contains("cut off"), "{message}");
    assert_eq!(Some(message), two.error);
    assert!(one.output.is_none() && two.output.is_none());
}

#[test]
fn strict_stops_at_the_first_warning_of_either_side() {
    let dir = tempfile::tempdir().unwrap();
    let input = catalogue(dir.path(), "</ProductsGroups>\n");
    let out = dir.path().join("out.csv");
    let one = run(&input, &out, Threads::One, true);
    let two = run(&input, &out, Threads::Auto, true);
    // One thread meets the writer's warning (the first product's comment) first; with two the
    // reader may be ahead and meet its own first: either is a strict error and nothing is written.
    for outcome in [&one, &two] {
        let message = outcome.error.as_deref().expect("strict fails");
        assert!(message.contains("field-dropped") || message.contains("element-skipped"), "{message}");
        assert!(outcome.output.is_none());
    }
    assert!(one.error.as_deref().unwrap().contains("field-dropped"));
}
