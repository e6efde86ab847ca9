//! The generated inputs, the pairs converted from them, and where the inputs are kept.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::generate::{self, Kind, Shape};
use crate::measure::Baseline;

pub const MB: u64 = 1_000_000;

/// A generated input: one format, one kind.
pub struct Input {
    /// The format as the rows name it.
    pub name: &'static str,
    pub kind: Kind,
    pub shape: Shape,
    pub ext: &'static str,
    pub baseline: Baseline,
    /// The size of the larger run (the smaller one is 10 MB).
    pub big: u64,
    /// Arguments `convert` needs to read it (beyond detection).
    pub read_args: &'static [&'static str],
}

const fn input(name: &'static str, kind: Kind, format: &'static str, ext: &'static str, baseline: Baseline) -> Input {
    Input { name, kind, shape: Shape::Format(format), ext, baseline, big: 200 * MB, read_args: &[] }
}

pub const INPUTS: &[Input] = &[
    input("kassatka-xml", Kind::Catalog, "kassatka-xml", "xml", Baseline::Xml),
    input("kassatka-receipts", Kind::Receipts, "kassatka-receipts", "xml", Baseline::Xml),
    input("atol-goods", Kind::Catalog, "atol-goods", "txt", Baseline::Csv),
    input("atol-report", Kind::Receipts, "atol-report", "txt", Baseline::Csv),
    input("bifit-csv", Kind::Catalog, "bifit-csv", "csv", Baseline::Csv),
    input("bifit-json", Kind::Catalog, "bifit-json", "json", Baseline::Json),
    input("canonical-json", Kind::Catalog, "canonical-json", "json", Baseline::Json),
    // A CSV price list in bifit-csv's layout, read by the spreadsheet reader with a mapping
    // (`NDS` would read as a column letter, so VAT is mapped by number).
    Input {
        name: "table (CSV)",
        kind: Kind::Catalog,
        shape: Shape::TableCsv,
        ext: "csv",
        baseline: Baseline::Csv,
        big: 200 * MB,
        read_args: &[
            "-f",
            "table",
            "--header-row",
            "1",
            "--column",
            "code=EXTERNAL_CODE",
            "--column",
            "name=NAME",
            "--column",
            "barcode=BARCODE",
            "--column",
            "price=PRICE",
            "--column",
            "unit=UNIT_CODE",
            "--column",
            "vat=9",
            "--column",
            "group=GROUP",
            "--column",
            "article=VENDOR_CODE",
        ],
    },
    // A price list workbook; the sheet is read whole, so the cell and part limits are raised.
    Input {
        name: "table (xlsx)",
        kind: Kind::Catalog,
        shape: Shape::TableXlsx,
        ext: "xlsx",
        baseline: Baseline::Xlsx,
        big: 50 * MB,
        read_args: &[
            "-f",
            "table",
            "--header-row",
            "1",
            "--column",
            "code=Код",
            "--column",
            "article=Артикул",
            "--column",
            "name=Наименование",
            "--column",
            "barcode=Штрихкод",
            "--column",
            "price=Цена",
            "--column",
            "unit=Ед. изм.",
            "--column",
            "vat=НДС",
            "--column",
            "group=Группа",
            "--max-cells",
            "100000000",
            "--max-sheet-size",
            "4GB",
        ],
    },
    // One file: the classifier, the goods, then the offers (read in two passes).
    input("commerceml", Kind::Catalog, "commerceml", "xml", Baseline::Xml),
];

pub fn input_named(name: &str) -> &'static Input {
    INPUTS.iter().find(|i| i.name == name).expect("a known input")
}

/// How a pair holds its data, from reading the readers and writers: what it keeps besides the
/// record in hand.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    /// One record at a time, plus what the note says (small per-group or per-key tables).
    Streams(&'static str),
    /// Holds data in proportion to (part of) the input.
    Buffers(&'static str),
}

pub struct Pair {
    pub from: &'static str,
    pub to: &'static str,
    pub mode: Mode,
}

impl Pair {
    pub fn label(&self) -> String {
        format!("{} → {}", self.from, self.to)
    }
}

const OFFERS: Mode = Mode::Buffers("offers indexed (two passes)");
const SHEET: Mode = Mode::Buffers("calamine loads the sheet");

/// Every pair, in the order of the table.
pub fn pairs() -> Vec<Pair> {
    let mut pairs: Vec<Pair> = INPUTS
        .iter()
        .map(|i| Pair {
            from: i.name,
            to: "canonical-json",
            mode: match i.name {
                "commerceml" => OFFERS,
                "table (xlsx)" => SHEET,
                "kassatka-xml" | "table (CSV)" => Mode::Streams("group codes seen"),
                "bifit-csv" | "bifit-json" => Mode::Streams("folder index"),
                "atol-report" => Mode::Streams("open documents"),
                _ => Mode::Streams(""),
            },
        })
        .collect();
    pairs.extend([
        Pair { from: "kassatka-xml", to: "bifit-csv", mode: Mode::Streams("folder table") },
        Pair { from: "atol-goods", to: "kassatka-xml", mode: Mode::Streams("group table") },
        Pair { from: "commerceml", to: "bifit-csv", mode: OFFERS },
        Pair { from: "table (xlsx)", to: "bifit-csv", mode: SHEET },
        Pair { from: "bifit-csv", to: "kassatka-xml", mode: Mode::Streams("folder index, group table") },
        Pair { from: "kassatka-receipts", to: "atol-report", mode: Mode::Streams("receipt number → document") },
    ]);
    pairs
}

/// `target/bench-data/` of the target directory the benchmark was built in (the binary is
/// `<target>/release/deps/throughput-…`), else of the crate.
pub fn data_dir() -> PathBuf {
    let exe = std::env::current_exe().ok();
    let target = exe.as_deref().and_then(|e| {
        let deps = e.parent()?;
        (deps.file_name()? == "deps").then_some(deps.parent()?.parent()?)
    });
    match target {
        Some(t) => t.join("bench-data"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-data"),
    }
}

pub fn size_label(size: u64) -> String {
    if size >= 1000 * MB && size.is_multiple_of(1000 * MB) {
        format!("{} GB", size / (1000 * MB))
    } else {
        format!("{} MB", size / MB)
    }
}

/// What the generated inputs depend on: they are made again when the generator changes.
fn data_version() -> String {
    let hash = generate::SOURCES
        .iter()
        .flat_map(|s| s.bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("generator {hash:016x} seed 1")
}

fn input_path(input: &Input, size: u64) -> PathBuf {
    let kind = match input.kind {
        Kind::Catalog => "catalog",
        Kind::Receipts => "receipts",
    };
    let stem = input.name.replace([' ', '(', ')'], "");
    data_dir().join(format!("{stem}-{kind}-{}MB.{}", size / MB, input.ext))
}

/// The input file, generated unless an up-to-date one is there.
pub fn ensure_input(input: &Input, size: u64) -> PathBuf {
    let path = input_path(input, size);
    let marker = PathBuf::from(format!("{}.done", path.display()));
    let version = format!("{} size {size}", data_version());
    if fs::read_to_string(&marker).is_ok_and(|v| v == version) && path.exists() {
        return path;
    }
    fs::create_dir_all(data_dir()).expect("creating bench-data");
    let _ = fs::remove_file(&marker);
    eprint!("generating {} ({}) … ", input.name, size_label(size));
    let started = Instant::now();
    let bytes = generate::generate(input.kind, input.shape, size, &path, 1)
        .unwrap_or_else(|e| panic!("generating {}: {e}", input.name));
    eprintln!("{:.1} MB in {:.1} s", bytes as f64 / MB as f64, started.elapsed().as_secs_f64());
    fs::write(&marker, version).expect("writing the marker");
    path
}
