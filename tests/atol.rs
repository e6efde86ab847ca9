//! The ATOL / Frontol formats: `atol-goods` (the `##@@&&` goods file 1C writes for an offline
//! till) and `atol-report` (the sales report the till leaves for 1C), reference `formats-1c.md`
//! §1, §6–7.
//!
//! - every sample under `samples/atol-goods/` and `samples/atol-report/` as a snapshot;
//! - the issue's acceptance: a full 1C export through `kassatka-xml` (both layouts) and
//!   `bifit-csv` and back, with every loss named and warned;
//! - "a writer never produces a file its own reader reads differently", as property tests for
//!   catalogues and receipts, including the raw bytes (Windows-1251, CRLF, the `##@@&&` header);
//! - the seed's Кассатка receipts through the report and back; storno, cancel, return and
//!   cash-in documents; `inspect` and `convert` through the real binary.
//!
//! Property tests run a moderate number of cases; `PROPTEST_CASES=N` runs N instead.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Command, Output};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use kassa_bridge::formats;
use kassa_bridge::model::{
    DataKind, Extra, Group, Header, Party, Payment, PaymentKind, Price, Product, Receipt, ReceiptKind, ReceiptLine,
    Record, Unit, Vat,
};
use kassa_bridge::options::{AtolCommand, DecimalSeparator, KassatkaDialect, ReadOptions, WriteOptions};
use kassa_bridge::sink::CollectSink;
use kassa_bridge::text::RawInput;
use kassa_bridge::{Diagnostics, Error};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use rust_decimal::Decimal;

use support::{exit_class, open_sample, rel, root, warnings_text, Doc};

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

/// Writes a document with a format's writer; returns the raw bytes (ATOL files are Windows-1251,
/// so not text for `support::write_doc`).
fn write_bytes(
    format: &str,
    header: &Header,
    records: &[Record],
    opts: &WriteOptions,
    diag: &mut Diagnostics,
) -> Result<Vec<u8>, Error> {
    support::write(header, records, format, opts, diag)
}

/// Reads bytes with the named format (no detection).
fn read_bytes(
    format: &str,
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    diag: &mut Diagnostics,
) -> Result<Doc, Error> {
    let format = formats::find(format)?;
    let input = RawInput::from_bytes(name, bytes.to_vec())?;
    let mut sink = CollectSink::default();
    (format.reader.expect("a readable format"))(input, opts, &mut sink, diag)?;
    assert!(sink.finished, "{}: the reader did not call finish()", format.name);
    Ok(Doc { format: format.name, header: sink.header.expect("the reader called begin()"), records: sink.records })
}

/// Reads a sample with the detected format; warnings are returned.
fn read_sample(rel_path: &str) -> (Doc, Diagnostics) {
    let mut diag = Diagnostics::new(false);
    let doc = support::read_input(open_sample(rel_path), &mut diag).unwrap_or_else(|e| panic!("{rel_path}: {e}"));
    (doc, diag)
}

fn cp1251(bytes: &[u8]) -> String {
    encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned()
}

/// The kept messages of one kind of warning.
fn messages(diag: &Diagnostics, kind: &str) -> Vec<String> {
    diag.kept().filter(|w| w.kind == kind).map(|w| w.message.to_string()).collect()
}

fn count(diag: &Diagnostics, kind: &str) -> u64 {
    diag.groups().get(kind).map_or(0, |g| g.count)
}

fn dec(s: &str) -> Decimal {
    kassa_bridge::number::dec(s)
}

fn products(records: &[Record]) -> Vec<&Product> {
    records.iter().filter_map(|r| if let Record::Product(p) = r { Some(p) } else { None }).collect()
}

fn receipts(records: &[Record]) -> Vec<&Receipt> {
    records.iter().filter_map(|r| if let Record::Receipt(x) = r { Some(x) } else { None }).collect()
}

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kassa-bridge"));
    cmd.current_dir(root());
    cmd
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

// ---------------------------------------------------------------------------------------------
// 1. Every sample as a snapshot
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 2. Acceptance: a full 1C export to Кассатка and БИФИТ and back
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct GroupFacts {
    code: String,
    name: String,
    parent: Option<String>,
}

/// What the issue asks to stay intact: groups, barcodes (all, in order), prices, weighted flags,
/// plus names, parents and articles.
#[derive(Debug, Clone, PartialEq)]
struct ProductFacts {
    code: String,
    name: String,
    parent: Option<String>,
    barcodes: Vec<String>,
    /// `(price type, amount as text)`: the text keeps the scale (`449` stays `449`).
    prices: Vec<(String, String)>,
    weighted: bool,
    article: Option<String>,
}

fn facts(records: &[Record]) -> (Vec<GroupFacts>, Vec<ProductFacts>) {
    let mut groups = Vec::new();
    let mut products = Vec::new();
    for r in records {
        match r {
            Record::Group(g) => {
                groups.push(GroupFacts { code: g.code.clone(), name: g.name.clone(), parent: g.parent.clone() })
            }
            Record::Product(p) => products.push(ProductFacts {
                code: p.code.clone(),
                name: p.name.clone(),
                parent: p.parent.clone(),
                barcodes: p.barcodes.clone(),
                prices: p
                    .prices
                    .iter()
                    .map(|x| (x.price_type.clone(), x.amount.map(|a| a.to_string()).unwrap_or_default()))
                    .collect(),
                weighted: p.weighted,
                article: p.article.clone(),
            }),
            other => panic!("a catalogue holds no {other:?}"),
        }
    }
    groups.sort_by(|a, b| a.code.cmp(&b.code));
    products.sort_by(|a, b| a.code.cmp(&b.code));
    (groups, products)
}

/// One trip: the sample, the target (read back), and the target written as atol-goods again
/// (read back), with the warnings of both writers.
struct Trip {
    original: Doc,
    middle: Doc,
    back: Doc,
    back_bytes: Vec<u8>,
    to_middle: Diagnostics,
    to_atol: Diagnostics,
}

fn trip(sample: &str, target: &str, opts: &WriteOptions) -> Trip {
    let (original, _) = read_sample(sample);
    assert_eq!(original.format, "atol-goods", "{sample} is detected as atol-goods");

    let mut to_middle = Diagnostics::new(false);
    let bytes = write_bytes(target, &original.header, &original.records, opts, &mut to_middle)
        .unwrap_or_else(|e| panic!("{sample} → {target}: {e}"));
    let mut diag = Diagnostics::new(false);
    let middle = read_bytes(target, "middle", &bytes, &ReadOptions::default(), &mut diag)
        .unwrap_or_else(|e| panic!("{sample} → {target} → read: {e}"));
    assert_eq!(diag.total(), 0, "{sample} → {target}: reading it back warned:\n{}", warnings_text(&diag));

    let mut to_atol = Diagnostics::new(false);
    let back_bytes = write_bytes("atol-goods", &middle.header, &middle.records, &WriteOptions::default(), &mut to_atol)
        .unwrap_or_else(|e| panic!("{sample} → {target} → atol-goods: {e}"));
    let mut diag = Diagnostics::new(false);
    let back = read_bytes("atol-goods", "back.txt", &back_bytes, &ReadOptions::default(), &mut diag)
        .unwrap_or_else(|e| panic!("{sample} → {target} → atol-goods → read: {e}\n{}", cp1251(&back_bytes)));
    assert_eq!(diag.total(), 0, "reading the written atol-goods warned:\n{}", warnings_text(&diag));
    Trip { original, middle, back, back_bytes, to_middle, to_atol }
}

/// A `field-dropped` warning of `diag` about product `code` that mentions every one of `words`.
fn assert_dropped(diag: &Diagnostics, code: &str, words: &[&str]) {
    let prefix = format!("product {code}:");
    let found = messages(diag, "field-dropped")
        .into_iter()
        .any(|m| m.starts_with(&prefix) && words.iter().all(|w| m.contains(w)));
    assert!(found, "no field-dropped warning for {code} naming {words:?}:\n{}", warnings_text(diag));
}

/// Every product whose `extra` the target cannot hold is warned about by key.
fn assert_extras_warned(original: &Doc, diag: &Diagnostics) {
    for p in products(&original.records) {
        if !p.extra.is_empty() {
            let keys: Vec<&str> = p.extra.keys().map(String::as_str).collect();
            assert_dropped(diag, &p.code, &keys);
        }
    }
}

const ACCEPTANCE_SAMPLES: [&str; 2] =
    ["samples/atol-goods/1c-full-export.txt", "samples/atol-goods/frontol-manager.txt"];

#[test]
fn the_samples_hold_what_the_acceptance_is_about() {
    let (full, _) = read_sample(ACCEPTANCE_SAMPLES[0]);
    let (groups, products) = facts(&full.records);
    assert_eq!(
        groups.iter().map(|g| (g.code.as_str(), g.parent.as_deref())).collect::<Vec<_>>(),
        [("100", None), ("110", Some("100"))]
    );
    let milk = products.iter().find(|p| p.code == "1002").unwrap();
    assert_eq!(milk.barcodes, ["4607001000433", "2000000010021"], "two barcodes, in order");
    assert_eq!(milk.prices, [("Розничная".to_string(), "89.90".to_string())]);
    assert!(products.iter().find(|p| p.code == "1003").unwrap().weighted);
    assert_eq!(products.iter().find(|p| p.code == "1001").unwrap().article.as_deref(), Some("ART-1001"));
    assert_eq!(
        full.header.extra.get("atol-commands").map(String::as_str),
        Some("DELETEALLWARES,DELETEALLBACODES,DELETEALLASPECTREMAINS")
    );

    let (manager, _) = read_sample(ACCEPTANCE_SAMPLES[1]);
    let (groups, products) = facts(&manager.records);
    assert_eq!(groups.len(), 3);
    assert_eq!(groups.iter().find(|g| g.code == "118802").unwrap().parent.as_deref(), Some("118801"), "nested groups");
    assert!(products.iter().any(|p| p.code == "ТП008316"), "a non-numeric code");
    assert!(products.iter().find(|p| p.code == "46512314").unwrap().weighted);
}

/// The 1C layout of kassatka-xml keeps groups, every barcode in order, prices and articles; the
/// weighted flag has no place in it (warned). Back in atol-goods everything else is as it was.
#[test]
fn a_full_1c_export_goes_to_kassatka_1c_layout_and_back() {
    for sample in ACCEPTANCE_SAMPLES {
        let t = trip(
            sample,
            "kassatka-xml",
            &WriteOptions { kassatka_dialect: Some(KassatkaDialect::OneC), ..Default::default() },
        );
        let (groups, mut expected) = facts(&t.original.records);
        for p in products(&t.original.records).into_iter().filter(|p| p.weighted) {
            assert_dropped(&t.to_middle, &p.code, &["the weighted flag"]);
        }
        assert_extras_warned(&t.original, &t.to_middle);
        for p in &mut expected {
            p.weighted = false;
        }
        assert_eq!(facts(&t.middle.records), (groups.clone(), expected.clone()), "{sample} → kassatka-xml (1c)");
        assert_eq!(facts(&t.back.records), (groups, expected), "{sample} → kassatka-xml (1c) → atol-goods");
        // The only other warnings: VAT inclusion the 1C layout needs and the input does not say,
        // and the layout's way of placing groups.
        let kinds: Vec<&str> = t.to_middle.groups().keys().copied().collect();
        assert!(kinds.iter().all(|k| ["field-dropped", "value-assumed", "group-split"].contains(k)), "{kinds:?}");
        assert_eq!(
            t.to_atol.total(),
            0,
            "kassatka-xml (1c) → atol-goods loses nothing:\n{}",
            warnings_text(&t.to_atol)
        );
    }
    let t = trip(
        ACCEPTANCE_SAMPLES[0],
        "kassatka-xml",
        &WriteOptions { kassatka_dialect: Some(KassatkaDialect::OneC), ..Default::default() },
    );
    let text = cp1251(&t.back_bytes);
    assert!(
        text.contains("\r\n1002;4607001000433,2000000010021;Молоко 3,2% 1 л;"),
        "both barcodes in field 2:\n{text}"
    );
    assert!(text.contains(";ART-1001;"), "the article in field 26:\n{text}");
}

/// The API layout holds one barcode, no article and no weighted flag: each is warned, the rest
/// (groups, first barcode, prices) comes back.
#[test]
fn a_full_1c_export_goes_to_kassatka_api_layout_and_back() {
    for sample in ACCEPTANCE_SAMPLES {
        let t = trip(sample, "kassatka-xml", &WriteOptions::default());
        let (groups, mut expected) = facts(&t.original.records);
        for p in products(&t.original.records) {
            if p.barcodes.len() > 1 {
                assert_dropped(
                    &t.to_middle,
                    &p.code,
                    &[&format!("barcodes {} (only the first fits)", p.barcodes[1..].join(", "))],
                );
            }
            if let Some(a) = &p.article {
                assert_dropped(&t.to_middle, &p.code, &[&format!("article {a:?}")]);
            }
            if p.weighted {
                assert_dropped(&t.to_middle, &p.code, &["the weighted flag"]);
            }
        }
        assert_extras_warned(&t.original, &t.to_middle);
        for p in &mut expected {
            p.barcodes.truncate(1);
            p.article = None;
            p.weighted = false;
        }
        assert_eq!(facts(&t.middle.records), (groups.clone(), expected.clone()), "{sample} → kassatka-xml (api)");
        assert_eq!(facts(&t.back.records), (groups, expected), "{sample} → kassatka-xml (api) → atol-goods");
        assert_eq!(
            t.to_atol.total(),
            0,
            "kassatka-xml (api) → atol-goods loses nothing:\n{}",
            warnings_text(&t.to_atol)
        );
    }
}

/// bifit-csv has one BARCODE column (the others are warned) and keeps folders, prices, articles
/// and the weighted flag.
#[test]
fn a_full_1c_export_goes_to_bifit_csv_and_back() {
    for sample in ACCEPTANCE_SAMPLES {
        let t = trip(sample, "bifit-csv", &WriteOptions::default());
        let (groups, mut expected) = facts(&t.original.records);
        for p in products(&t.original.records).into_iter().filter(|p| p.barcodes.len() > 1) {
            assert_dropped(&t.to_middle, &p.code, &[&format!("barcodes {}", p.barcodes[1..].join(", "))]);
        }
        assert_extras_warned(&t.original, &t.to_middle);
        for p in &mut expected {
            p.barcodes.truncate(1);
        }
        assert_eq!(facts(&t.middle.records), (groups.clone(), expected.clone()), "{sample} → bifit-csv");
        assert_eq!(facts(&t.back.records), (groups, expected), "{sample} → bifit-csv → atol-goods");
        let kinds: Vec<&str> = t.to_middle.groups().keys().copied().collect();
        assert_eq!(kinds, ["field-dropped"], "{}", warnings_text(&t.to_middle));
        assert_eq!(t.to_atol.total(), 0, "bifit-csv → atol-goods loses nothing:\n{}", warnings_text(&t.to_atol));
        // Weighted goods get their scales code (field 25) again.
        let text = cp1251(&t.back_bytes);
        for p in products(&t.back.records).into_iter().filter(|p| p.weighted) {
            let line = text.lines().find(|l| l.starts_with(&format!("{};", p.code))).unwrap();
            assert_eq!(line.split(';').nth(24), Some(p.code.as_str()), "{line}");
            assert!(line.split(';').nth(7).unwrap().starts_with("1,"), "weighed flag first: {line}");
        }
    }
}

/// atol-goods → atol-goods keeps everything the model holds, including the fields it carries in
/// `extra` (receipt text, stock, flags, unmapped fields).
#[test]
fn every_readable_goods_sample_round_trips_through_its_own_writer() {
    for sample in [
        "samples/atol-goods/1c-full-export.txt",
        "samples/atol-goods/1c-partial-export.txt",
        "samples/atol-goods/frontol-manager.txt",
        "samples/atol-goods/frontol6-utf8.txt",
        "samples/atol-goods/frontol6-units-lf.txt",
    ] {
        let (doc, _) = read_sample(sample);
        // A file that deletes everything first is written as a full export again (else warned).
        let full = doc.header.extra.get("atol-commands").is_some_and(|c| c.contains("DELETEALLWARES"));
        for sep in [None, Some(DecimalSeparator::Point)] {
            let mut diag = Diagnostics::new(false);
            let opts = WriteOptions { decimal_separator: sep, atol_full_export: full, ..Default::default() };
            let bytes = write_bytes("atol-goods", &doc.header, &doc.records, &opts, &mut diag).unwrap();
            assert_eq!(diag.total(), 0, "{sample}: {}", warnings_text(&diag));
            let mut rdiag = Diagnostics::new(false);
            let back = read_bytes("atol-goods", "back.txt", &bytes, &ReadOptions::default(), &mut rdiag).unwrap();
            assert_eq!(rdiag.total(), 0, "{sample}: {}", warnings_text(&rdiag));
            let (mut a, mut b) = (doc.records.clone(), back.records.clone());
            a.sort_by_key(record_code);
            b.sort_by_key(record_code);
            assert_eq!(b, a, "{sample} ({sep:?})\n{}", cp1251(&bytes));
        }
    }
}

fn record_code(r: &Record) -> String {
    match r {
        Record::Group(g) => format!("g {}", g.code),
        Record::Product(p) => format!("p {}", p.code),
        _ => String::new(),
    }
}

/// What the goods file cannot say is warned about, never dropped silently.
#[test]
fn what_the_goods_file_cannot_hold_is_warned() {
    let mut p = Product::new("1", "Товар");
    p.prices = vec![
        retail("10.00"),
        Price { price_type: "Закупочная".into(), amount: Some(dec("7")), code: None, includes_vat: None },
    ];
    p.unit = Some(Unit { code: "778".into(), name: "Упаковка".into() });
    p.vat = Some(Vat::Vat20);
    p.comment = Some("хрупкое".into());
    p.extra.insert("Color".into(), "red".into());
    let mut g = Group { code: "G".into(), name: "Г".into(), parent: None, extra: Extra::new() };
    g.extra.insert("Picture".into(), "g.png".into());
    let mut diag = Diagnostics::new(false);
    let bytes = write_bytes(
        "atol-goods",
        &Header::new(DataKind::Catalog),
        &[Record::Group(g), Record::Product(p)],
        &WriteOptions::default(),
        &mut diag,
    )
    .unwrap();
    let dropped = messages(&diag, "field-dropped");
    assert!(dropped.iter().any(|m| m.starts_with("group G:") && m.contains("Picture")), "{dropped:?}");
    let product = dropped.iter().find(|m| m.starts_with("product 1:")).expect("a warning for product 1");
    for word in ["Закупочная", "unit 778", "VAT 20%", "the comment", "Color"] {
        assert!(product.contains(word), "{word:?} not in {product}");
    }
    let text = cp1251(&bytes);
    assert!(text.contains("\r\n1;;Товар;Товар;10,00;"), "{text}");

    // A unit known only by its name, and a purchase price alone (never written as the selling
    // price): both warned.
    let mut p = Product::new("3", "В");
    p.unit = Some(Unit { code: String::new(), name: "кг".into() });
    p.prices = vec![Price {
        price_type: "Закупочная".into(), amount: Some(dec("5")), code: None, includes_vat: None
    }];
    let mut diag = Diagnostics::new(false);
    let bytes = write_bytes(
        "atol-goods",
        &Header::new(DataKind::Catalog),
        &[Record::Product(p)],
        &WriteOptions::default(),
        &mut diag,
    )
    .unwrap();
    let dropped = messages(&diag, "field-dropped");
    assert!(
        dropped.len() == 1 && dropped[0].contains("unit кг") && dropped[0].contains("\"Закупочная\""),
        "{dropped:?}"
    );
    assert!(cp1251(&bytes).contains("\r\n3;;В;В;;"), "no price written");

    // A product with several selling price types and none retail needs --price-type.
    let mut p = Product::new("2", "Б");
    p.prices = vec![
        Price { price_type: "Оптовая".into(), amount: Some(dec("1")), code: None, includes_vat: None },
        Price { price_type: "Мелкооптовая".into(), amount: Some(dec("2")), code: None, includes_vat: None },
    ];
    let err = write_bytes(
        "atol-goods",
        &Header::new(DataKind::Catalog),
        &[Record::Product(p.clone())],
        &WriteOptions::default(),
        &mut Diagnostics::new(false),
    )
    .unwrap_err();
    assert!(err.to_string().contains("--price-type"), "{err}");
    let opts = WriteOptions { price_type: Some("Оптовая".into()), ..Default::default() };
    let bytes = write_bytes(
        "atol-goods",
        &Header::new(DataKind::Catalog),
        &[Record::Product(p)],
        &opts,
        &mut Diagnostics::new(false),
    )
    .unwrap();
    assert!(cp1251(&bytes).contains("\r\n2;;Б;Б;1;"));

    // Codes the till cannot take are errors, not silently cut.
    for code in ["123456789012345678901", "1;2", "#1"] {
        let err = write_bytes(
            "atol-goods",
            &Header::new(DataKind::Catalog),
            &[Record::Product(Product::new(code, "x"))],
            &WriteOptions::default(),
            &mut Diagnostics::new(false),
        )
        .unwrap_err();
        assert!(err.to_string().contains("cannot be an ATOL goods code"), "{code}: {err}");
    }

    // Receipts are not a catalogue.
    let err = write_bytes(
        "atol-goods",
        &Header::new(DataKind::Receipts),
        &[],
        &WriteOptions::default(),
        &mut Diagnostics::new(false),
    )
    .unwrap_err();
    assert_eq!(exit_class(err.kind()).1, "format", "{err}");
}

fn retail(amount: &str) -> Price {
    Price { price_type: "Розничная".into(), amount: Some(dec(amount)), code: None, includes_vat: None }
}

// ---------------------------------------------------------------------------------------------
// 3. Property: atol-goods reads back what it wrote (modulo the warned changes)
// ---------------------------------------------------------------------------------------------

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

/// The fields the goods reader maps itself (`src/formats/atol/goods.rs`); every other field
/// number travels as `fieldN`.
const MAPPED_FIELDS: [usize; 13] = [1, 2, 3, 4, 5, 6, 8, 13, 16, 17, 23, 26, 66];

/// ОКЕИ codes with a Frontol field-66 measure (reference §6.2), named as the ОКЕИ table names
/// them: the file holds the measure, not the name, so that is the name read back.
const MAPPED_UNITS: [(&str, &str); 12] = [
    ("796", "Штука"),
    ("163", "Грамм"),
    ("166", "Килограмм"),
    ("168", "Тонна"),
    ("004", "Сантиметр"),
    ("006", "Метр"),
    ("055", "Квадратный метр"),
    ("111", "Миллилитр"),
    ("112", "Литр"),
    ("113", "Кубический метр"),
    ("356", "Час"),
    ("355", "Минута"),
];

/// Codes: at most 20 characters, no `;` or `#` (the writer refuses those), no spaces at the ends
/// (codes are trimmed everywhere), nothing a spreadsheet makes of a number (`1,5E+3`).
fn code() -> impl Strategy<Value = String> {
    "[0-9A-Za-zА-Яа-яЁё]([0-9A-Za-zА-Яа-я /_-]{0,18}[0-9A-Za-zА-Яа-я])?"
}

/// Names as people type them, with what the file cannot hold (`;`, `#`, line breaks), spaces at
/// the ends, quotes and the characters of Windows-1251 beyond ASCII; up to 150 characters.
fn text(max: usize) -> impl Strategy<Value = String> {
    let plain = format!("[А-Яа-яЁёA-Za-z0-9 ;#\"'«»,.%№/()*-]{{0,{max}}}");
    prop_oneof![
        8 => proptest::string::string_regex(&plain).unwrap(),
        1 => (proptest::string::string_regex(&plain).unwrap(), "[\r\n]{1,2}", "[а-я ]{0,10}").prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        1 => Just(Decimal::ZERO),
        1 => (0u32..=3).prop_map(|scale| Decimal::new(0, scale)),
        8 => (-10_000_000i64..10_000_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

#[derive(Debug, Clone)]
enum Prices {
    None,
    Retail(Decimal),
    /// A single price of another type: it is the one written (README, "Price type"), and it is
    /// read back as the retail price.
    Other(Decimal),
    /// Retail is written; the purchase price is warned about.
    RetailAndPurchase(Decimal, Decimal),
}

impl Prices {
    fn model(&self) -> Vec<Price> {
        let other =
            |t: &str, a: Decimal| Price { price_type: t.into(), amount: Some(a), code: None, includes_vat: None };
        match self {
            Prices::None => vec![],
            Prices::Retail(a) => vec![other("Розничная", *a)],
            Prices::Other(a) => vec![other("Оптовая", *a)],
            Prices::RetailAndPurchase(a, b) => vec![other("Закупочная", *b), other("Розничная", *a)],
        }
    }

    fn written(&self) -> Option<Decimal> {
        match self {
            Prices::None => None,
            Prices::Retail(a) | Prices::Other(a) | Prices::RetailAndPurchase(a, _) => Some(*a),
        }
    }
}

fn prices() -> impl Strategy<Value = Prices> {
    prop_oneof![
        1 => Just(Prices::None),
        4 => amount().prop_map(Prices::Retail),
        1 => amount().prop_map(Prices::Other),
        1 => (amount(), amount()).prop_map(|(a, b)| Prices::RetailAndPurchase(a, b)),
    ]
}

fn unmapped_field() -> impl Strategy<Value = usize> {
    let numbers: Vec<usize> = (7..=70).filter(|n| !MAPPED_FIELDS.contains(n)).collect();
    select(numbers)
}

#[derive(Debug, Clone)]
struct ProductSpec {
    code: String,
    name: String,
    barcodes: Vec<String>,
    unit: Option<(&'static str, &'static str)>,
    prices: Prices,
    article: Option<String>,
    weighted: bool,
    service: bool,
    stock: Option<String>,
    tax_group: Option<String>,
    receipt_text: Option<String>,
    flags: Option<String>,
    payment_subject: Option<String>,
    fields: BTreeMap<usize, String>,
    parent: Option<prop::sample::Index>,
    orphan: bool,
}

fn product_spec() -> impl Strategy<Value = ProductSpec> {
    (
        (
            code(),
            text(150),
            vec("[0-9]{8,14}|[A-Z][A-Z0-9-]{3,15}", 0..4),
            option::of(select(MAPPED_UNITS.to_vec())),
            prices(),
        ),
        (option::of("[A-Za-zА-Яа-я0-9 ;#-]{1,30}"), any::<bool>(), any::<bool>()),
        (
            option::of("[0-9]{1,4}(,[0-9]{3})?"),
            option::of("[1-9][0-9]?"),
            option::of(text(150)),
            option::of(vec(0u8..=1, 8..=15).prop_map(|v| v.iter().map(u8::to_string).collect::<Vec<_>>().join(","))),
            option::of(select(vec!["1", "2", "3", "6", "9"])),
        ),
        proptest::collection::btree_map(unmapped_field(), "[A-Za-zА-Яа-я0-9 ,.:;#]{1,12}|0|1|1,000", 0..4),
        (option::of(any::<prop::sample::Index>()), prop::bool::weighted(0.1)),
    )
        .prop_map(
            |(
                (code, name, barcodes, unit, prices),
                (article, weighted, service),
                (stock, tax_group, receipt_text, flags, ps),
                fields,
                (parent, orphan),
            )| {
                ProductSpec {
                    code,
                    name,
                    barcodes,
                    unit,
                    prices,
                    article,
                    weighted,
                    service,
                    stock,
                    tax_group,
                    receipt_text,
                    flags,
                    // `4` in field 13 is the service flag itself; a product is a service or carries
                    // another subject, not both.
                    payment_subject: if service { None } else { ps.map(str::to_string) },
                    fields,
                    parent,
                    orphan,
                }
            },
        )
}

impl ProductSpec {
    fn model(&self, groups: &[String]) -> Product {
        let mut p = Product::new(self.code.clone(), self.name.clone());
        p.barcodes = self.barcodes.clone();
        p.unit = self.unit.map(|(c, n)| Unit { code: c.into(), name: n.into() });
        p.prices = self.prices.model();
        p.article = self.article.clone();
        p.weighted = self.weighted;
        p.service = self.service;
        p.parent = if self.orphan {
            Some("нет-такой".into())
        } else {
            self.parent.as_ref().filter(|_| !groups.is_empty()).map(|i| i.get(groups).clone())
        };
        let mut extra = Extra::new();
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                extra.insert(k.into(), v.clone());
            }
        };
        put("Stock", &self.stock);
        put("TaxGroup", &self.tax_group);
        put("ReceiptText", &self.receipt_text);
        put("Flags", &self.flags);
        put("PaymentSubject", &self.payment_subject);
        for (n, v) in &self.fields {
            extra.insert(format!("field{n}"), v.clone());
        }
        p.extra = extra;
        p
    }
}

/// The reference's rule for text (§1.6, 1C `PrepareString`): `;` and `#` (and line breaks, which
/// would end the record) become spaces and the text is cut to the field's length; the reader
/// trims, so what comes back has no spaces at the ends. Returns the text and whether it changed.
fn clean(text: &str, limit: usize) -> (String, bool) {
    let replaced: String = text.chars().map(|c| if matches!(c, ';' | '#' | '\r' | '\n') { ' ' } else { c }).collect();
    let cut: String = replaced.trim().chars().take(limit).collect();
    let out = cut.trim_end().to_string();
    let changed = out != text;
    (out, changed)
}

/// A value written as it is (fields kept in `extra`): a `;` or a line break would break the
/// record, and the reader trims.
fn clean_raw(value: &str) -> (String, bool) {
    let out = value.replace([';', '\r', '\n'], " ").trim().to_string();
    let changed = out != value;
    (out, changed)
}

fn default_flags(weighted: bool, zero_price: bool) -> String {
    format!("{},1,1,0,0,0,{},1", u8::from(weighted), u8::from(zero_price))
}

/// What the reader gives back for a product the writer wrote, and the texts the writer must
/// have reported as changed (`what` as the warning names it).
fn expected_product(p: &Product, spec: &ProductSpec) -> (Product, Vec<String>) {
    let mut changed = Vec::new();
    let mut e = Product::new(p.code.clone(), String::new());
    let (name, name_changed) = clean(&p.name, 100);
    if name_changed {
        changed.push("name".to_string());
    }
    e.name = name.clone();
    e.barcodes = p.barcodes.clone();
    e.unit = p.unit.clone();
    e.prices = spec.prices.written().map(|a| vec![retail(&a.to_string())]).unwrap_or_default();
    if let Some(a) = &p.article {
        let (a, ch) = clean(a, 20);
        if ch {
            changed.push("article".into());
        }
        e.article = Some(a).filter(|a| !a.is_empty());
    }
    e.weighted = p.weighted;
    e.service = p.service;
    e.parent = p.parent.clone();

    // Extra, in the order the reader fills it.
    let mut extra = Extra::new();
    let receipt_text = match p.extra.get("ReceiptText") {
        Some(t) => {
            let (t, ch) = clean(t, 100);
            if ch {
                changed.push("receipt text".into());
            }
            t
        }
        None => name.clone(),
    };
    if !receipt_text.is_empty() && receipt_text != name {
        extra.insert("ReceiptText".into(), receipt_text);
    }
    let mut raw = |key: &str| -> Option<String> {
        let v = p.extra.get(key)?;
        let (v, ch) = clean_raw(v);
        if ch {
            changed.push(key.to_string());
        }
        Some(v).filter(|v| !v.is_empty())
    };
    let stock = raw("Stock");
    let flags = raw("Flags");
    let subject = raw("PaymentSubject");
    let tax_group = raw("TaxGroup");
    let fields: Vec<(usize, Option<String>)> = spec.fields.keys().map(|n| (*n, raw(&format!("field{n}")))).collect();
    if let Some(s) = stock {
        extra.insert("Stock".into(), s);
    }
    let zero = spec.prices.written().is_none_or(|a| a.is_zero());
    let written_flags = match flags {
        Some(f) => {
            let mut parts: Vec<String> = f.split(',').map(|s| s.trim().to_string()).collect();
            parts[0] = u8::from(p.weighted).to_string();
            parts.join(",")
        }
        None => default_flags(p.weighted, zero),
    };
    if written_flags != default_flags(p.weighted, zero) {
        extra.insert("Flags".into(), written_flags);
    }
    if let Some(s) = subject.filter(|_| !p.service) {
        extra.insert("PaymentSubject".into(), s);
    }
    if let Some(t) = tax_group {
        extra.insert("TaxGroup".into(), t);
    }
    for (n, v) in fields {
        let Some(v) = v else { continue };
        let is_default = match n {
            7 | 18 => v == "0",
            14 => matches!(v.as_str(), "1" | "1,000" | "1.000"),
            25 => p.weighted && v == p.code,
            _ => false,
        };
        if !is_default {
            extra.insert(format!("field{n}"), v);
        }
    }
    e.extra = extra;
    (e, changed)
}

#[derive(Debug, Clone)]
struct Catalog {
    groups: Vec<(String, String, Option<prop::sample::Index>)>,
    products: Vec<ProductSpec>,
    /// The order records are given to the writer in (products may come before their group).
    order: Vec<prop::sample::Index>,
}

fn catalog() -> impl Strategy<Value = Catalog> {
    (
        vec((code(), text(150), option::of(any::<prop::sample::Index>())), 0..4),
        vec(product_spec(), 0..6),
        vec(any::<prop::sample::Index>(), 10),
    )
        .prop_map(|(groups, products, order)| Catalog { groups, products, order })
}

/// The catalogue's records (unique codes across groups and products), in the generated order,
/// with the product specs by code.
fn build(c: &Catalog) -> (Vec<Record>, BTreeMap<String, ProductSpec>) {
    let mut seen = HashSet::new();
    let groups: Vec<(String, String, Option<prop::sample::Index>)> =
        c.groups.iter().filter(|g| seen.insert(g.0.clone())).cloned().collect();
    let codes: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    let mut records: Vec<Record> = Vec::new();
    for (i, (code, name, parent)) in groups.iter().enumerate() {
        // A group's parent is an earlier group: no cycles.
        let parent = parent.as_ref().filter(|_| i > 0).map(|ix| codes[ix.index(i)].clone());
        records.push(Record::Group(Group { code: code.clone(), name: name.clone(), parent, extra: Extra::new() }));
    }
    let mut specs = BTreeMap::new();
    for spec in &c.products {
        if seen.insert(spec.code.clone()) {
            records.push(Record::Product(spec.model(&codes)));
            specs.insert(spec.code.clone(), spec.clone());
        }
    }
    // A few swaps: products before their groups, groups between products.
    for (k, ix) in c.order.iter().enumerate() {
        if records.len() > 1 {
            let (a, b) = (k % records.len(), ix.index(records.len()));
            records.swap(a, b);
        }
    }
    (records, specs)
}

fn sorted(mut records: Vec<Record>) -> Vec<Record> {
    records.sort_by_key(record_code);
    records
}

fn command_line(c: AtolCommand) -> &'static str {
    match c {
        AtolCommand::Add => "$$$ADDQUANTITY",
        AtolCommand::Replace => "$$$REPLACEQUANTITY",
        AtolCommand::ReplaceWithoutSale => "$$$REPLACEQUANTITYWITHOUTSALE",
    }
}

fn check_goods_round_trip(
    c: &Catalog,
    sep: Option<DecimalSeparator>,
    command: AtolCommand,
    full: bool,
) -> Result<(), TestCaseError> {
    let (records, specs) = build(c);
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some("canonical-json".into());
    let opts =
        WriteOptions { decimal_separator: sep, atol_command: command, atol_full_export: full, ..Default::default() };
    let mut wdiag = Diagnostics::new(false);
    let bytes = write_bytes("atol-goods", &header, &records, &opts, &mut wdiag)
        .map_err(|e| TestCaseError::fail(format!("write: {e}")))?;
    let text = cp1251(&bytes);

    // The raw file: Windows-1251, CRLF, the header 1C writes.
    let mut head = String::from("##@@&&\r\n#\r\n");
    if full {
        head.push_str("$$$DELETEALLWARES\r\n$$$DELETEALLBARCODES\r\n$$$DELETEALLASPECTREMAINS\r\n");
    }
    head.push_str(command_line(command));
    head.push_str("\r\n");
    prop_assert!(text.starts_with(&head), "the file starts\n{}", text.chars().take(200).collect::<String>());
    prop_assert!(bytes.starts_with(b"##@@&&\r\n#\r\n"));
    prop_assert!(bytes.ends_with(b"\r\n"));
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    for l in &lines[..lines.len() - 1] {
        prop_assert!(
            l.ends_with(b"\r") && !l[..l.len() - 1].contains(&b'\r'),
            "a line not ended by CRLF: {:?}",
            cp1251(l)
        );
    }
    prop_assert_eq!(lines.len() - 1, head.matches("\r\n").count() + records.len(), "one line per record\n{}", text);
    let reencoded = encoding_rs::WINDOWS_1251.encode(&text).0.into_owned();
    prop_assert_eq!(reencoded, bytes.clone(), "not Windows-1251");

    // Read back.
    let mut rdiag = Diagnostics::new(false);
    // Named, not detected: a file of a few Cyrillic letters in Windows-1251 can be valid UTF-8 too
    // ("ВЁ" is C2 A8, which UTF-8 reads as "¨"); detection is tested on real-sized files elsewhere.
    let named = ReadOptions { encoding: Some("windows-1251".into()), ..ReadOptions::default() };
    let back = read_bytes("atol-goods", "written.txt", &bytes, &named, &mut rdiag)
        .map_err(|e| TestCaseError::fail(format!("read back: {e}\n{text}")))?;
    prop_assert_eq!(rdiag.total(), 0, "the reader warned: {}\n{}", warnings_text(&rdiag), text);
    prop_assert_eq!(back.header.extra.get("atol-flag").map(String::as_str), Some("#"));
    let commands = head.lines().skip(2).map(|l| l.trim_start_matches("$$$")).collect::<Vec<_>>().join(",");
    prop_assert_eq!(back.header.extra.get("atol-commands"), Some(&commands));

    // The records, modulo the warned changes.
    let mut expected = Vec::new();
    let mut changed: Vec<String> = Vec::new();
    for r in &records {
        match r {
            Record::Group(g) => {
                let (name, ch) = clean(&g.name, 100);
                if ch {
                    changed.push(format!("group {}: name ", g.code));
                }
                expected.push(Record::Group(Group { name, ..g.clone() }));
            }
            Record::Product(p) => {
                let (e, ch) = expected_product(p, &specs[&p.code]);
                changed.extend(ch.into_iter().map(|what| format!("product {}: {what} ", p.code)));
                expected.push(Record::Product(e));
            }
            _ => unreachable!(),
        }
    }
    let (want, got) = (sorted(expected), sorted(back.records.clone()));
    prop_assert_eq!(&got, &want, "the file was\n{}", text);
    // Equal as JSON too: the scale of decimals and the order of `extra`.
    prop_assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap());

    // Every change was warned, and nothing else was.
    prop_assert_eq!(
        count(&wdiag, "text-changed"),
        changed.len() as u64,
        "text-changed warnings for {:?}: {}",
        changed,
        warnings_text(&wdiag)
    );
    if changed.len() <= 20 {
        let kept = messages(&wdiag, "text-changed");
        for c in &changed {
            prop_assert!(
                kept.iter().any(|m| m.starts_with(c.as_str())),
                "no text-changed warning starting {:?}: {:?}",
                c,
                kept
            );
        }
    }
    let several_prices = specs.values().filter(|s| matches!(s.prices, Prices::RetailAndPurchase(..))).count() as u64;
    prop_assert_eq!(count(&wdiag, "field-dropped"), several_prices, "{}", warnings_text(&wdiag));
    let orphans = specs.values().any(|s| s.orphan);
    prop_assert_eq!(count(&wdiag, "group-missing") > 0, orphans);
    let kinds: Vec<&str> = wdiag.groups().keys().copied().collect();
    prop_assert!(kinds.iter().all(|k| ["text-changed", "field-dropped", "group-missing"].contains(k)), "{:?}", kinds);

    // Numbers use the separator asked for (a comma by default, as 1C on a Russian Windows).
    let sep_char = if sep == Some(DecimalSeparator::Point) { '.' } else { ',' };
    for p in products(&records) {
        let line = text
            .lines()
            .find(|l| l.split(';').next() == Some(p.code.as_str()) && l.split(';').nth(16) == Some("1"))
            .unwrap();
        let f: Vec<&str> = line.split(';').collect();
        let price = specs[&p.code]
            .prices
            .written()
            .map(|a| a.to_string().replace('.', &sep_char.to_string()))
            .unwrap_or_default();
        prop_assert_eq!(f[4], price.as_str(), "{}", line);
        if !specs[&p.code].fields.contains_key(&14) {
            prop_assert_eq!(f[13], format!("1{sep_char}000"), "{}", line);
        }
        // Cleaned names are in the file as Windows-1251 text.
        if !f[2].is_empty() {
            let (name, _) = clean(&p.name, 100);
            prop_assert_eq!(f[2], name.as_str());
        }
    }
    Ok(())
}

fn any_command() -> impl Strategy<Value = AtolCommand> {
    select(vec![AtolCommand::Add, AtolCommand::Replace, AtolCommand::ReplaceWithoutSale])
}

fn any_separator() -> impl Strategy<Value = Option<DecimalSeparator>> {
    select(vec![None, Some(DecimalSeparator::Comma), Some(DecimalSeparator::Point)])
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn atol_goods_reads_back_what_it_wrote(c in catalog(), sep in any_separator(), command in any_command(), full in any::<bool>()) {
        check_goods_round_trip(&c, sep, command, full)?;
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Receipts through the report and back
// ---------------------------------------------------------------------------------------------

/// What the report gives back for a receipt: the same instant at the till's offset, the same
/// totals, lines (code, price, quantity, sums, discount, barcode, article) and payments (one per
/// kind: change and split payments of one kind are netted). Names, units, VAT, organization and
/// store are not in the file (warned); the till and the shift default to 1.
fn expected_receipt(r: &Receipt, till: FixedOffset) -> Receipt {
    let mut payments: Vec<Payment> = Vec::new();
    for p in &r.payments {
        match payments.iter_mut().find(|q| q.kind == p.kind) {
            Some(q) => q.amount += p.amount,
            None => payments.push(p.clone()),
        }
    }
    let mut extra = Extra::new();
    extra.insert("shift".into(), r.extra.get("shift").cloned().unwrap_or_else(|| "1".into()));
    Receipt {
        date: r.date.with_timezone(&till),
        number: r.number.clone(),
        kind: r.kind,
        organization: Party::default(),
        cash_box: Party { code: Some(r.cash_box.code.clone().unwrap_or_else(|| "1".into())), name: None },
        store: Party::default(),
        total: r.total,
        total_with_discount: r.total_with_discount,
        payments,
        lines: r
            .lines
            .iter()
            .map(|l| ReceiptLine {
                product_code: l.product_code.clone(),
                product_name: String::new(),
                unit_code: None,
                barcode: l.barcode.clone(),
                article: l.article.clone(),
                price: l.price,
                quantity: l.quantity,
                discount: l.sum - l.sum_with_discount,
                sum: l.sum,
                sum_with_discount: l.sum_with_discount,
                vat: None,
                extra: Extra::new(),
            })
            .collect(),
        extra,
    }
}

/// Whether the report writer must warn about a receipt.
fn loses_something(r: &Receipt) -> bool {
    !r.organization.is_empty()
        || !r.store.is_empty()
        || r.cash_box.name.is_some()
        || r.extra.keys().any(|k| k != "shift")
        || r.lines
            .iter()
            .any(|l| !l.product_name.is_empty() || l.unit_code.is_some() || l.vat.is_some() || !l.extra.is_empty())
}

fn assert_receipts_match(written: &[&Receipt], back: &[&Receipt], till: FixedOffset) {
    assert_eq!(back.len(), written.len());
    for (w, b) in written.iter().zip(back) {
        let e = expected_receipt(w, till);
        assert_eq!(**b, e, "receipt {}", w.number);
        assert_eq!(b.date.offset(), &till, "receipt {}: times are the till's local time", w.number);
        assert_eq!(b.date.timestamp(), w.date.timestamp(), "receipt {}: the same instant", w.number);
    }
}

#[test]
fn the_seed_receipts_go_through_the_report_and_back() {
    let (seed, diag) = read_sample("samples/kassatka-receipts/seed-receipts.xml");
    assert_eq!(diag.total(), 0);
    let mut wdiag = Diagnostics::new(false);
    let bytes = write_bytes("atol-report", &seed.header, &seed.records, &WriteOptions::default(), &mut wdiag).unwrap();
    let mut rdiag = Diagnostics::new(false);
    let back = read_bytes("atol-report", "report.txt", &bytes, &ReadOptions::default(), &mut rdiag).unwrap();
    assert_eq!(rdiag.total(), 0, "{}", warnings_text(&rdiag));
    let moscow = FixedOffset::east_opt(3 * 3600).unwrap();
    let (written, read) = (receipts(&seed.records), receipts(&back.records));
    assert_eq!(written.len(), 4);
    assert_receipts_match(&written, &read, moscow);
    // 2018-04-16T11:08:31+0000 is 14:08:31 at the till (+03:00 by default).
    assert_eq!(read[0].date.to_rfc3339(), "2018-04-16T14:08:31+03:00");
    assert_eq!(read[3].lines[1].discount, dec("597"), "doc 4 keeps its line discounts");
    // Every receipt loses its product names and units, and organization and store: warned.
    assert_eq!(count(&wdiag, "field-dropped"), 4, "{}", warnings_text(&wdiag));
    for (r, m) in written.iter().zip(messages(&wdiag, "field-dropped")) {
        assert!(m.starts_with(&format!("receipt {}:", r.number)), "{m}");
        assert!(m.contains("product names") && m.contains("organization, store and cash box names"), "{m}");
    }
    // 1C finds goods by code: the lines are there, in order.
    let codes: Vec<&str> = read[1].lines.iter().map(|l| l.product_code.as_str()).collect();
    assert_eq!(codes, ["00-00000019", "УТ-00000003", "00-00000016"]);
    // Another till offset: the same instants, at that offset.
    let opts = WriteOptions { utc_offset: Some("+05:00".into()), ..Default::default() };
    let bytes = write_bytes("atol-report", &seed.header, &seed.records, &opts, &mut Diagnostics::new(false)).unwrap();
    assert!(cp1251(&bytes).contains(";16.04.2018;16:08:31;42;"), "{}", cp1251(&bytes));
    let ropts = ReadOptions { utc_offset: Some("+05:00".into()), ..Default::default() };
    let back = read_bytes("atol-report", "report.txt", &bytes, &ropts, &mut Diagnostics::new(false)).unwrap();
    assert_receipts_match(&written, &receipts(&back.records), FixedOffset::east_opt(5 * 3600).unwrap());
}

fn receipt_code() -> impl Strategy<Value = String> {
    "[0-9A-Za-zА-Яа-я][0-9A-Za-zА-Яа-я-]{0,12}"
}

fn money() -> impl Strategy<Value = Decimal> {
    (-1_000_000i64..10_000_000).prop_map(|m| Decimal::new(m, 2))
}

fn receipt_line() -> impl Strategy<Value = ReceiptLine> {
    (
        receipt_code(),
        (1i64..10_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
        (1i64..100_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s)),
        (0i64..100_000).prop_map(|m| Decimal::new(m, 2)),
        option::of("[0-9]{8,14}"),
        option::of("[A-Z0-9-]{1,20}"),
        (option::of("[а-я ]{1,20}"), option::of(Just("796".to_string())), option::of(Just(Vat::Vat10))),
    )
        .prop_map(|(code, price, quantity, discount, barcode, article, (name, unit, vat))| {
            let sum = (price * quantity).round_dp(2);
            let discount = discount.min(sum.max(Decimal::ZERO));
            ReceiptLine {
                product_code: code,
                product_name: name.unwrap_or_default(),
                unit_code: unit,
                barcode,
                article,
                price,
                quantity,
                discount,
                sum,
                sum_with_discount: sum - discount,
                vat,
                extra: Extra::new(),
            }
        })
}

fn receipt(number: usize) -> impl Strategy<Value = Receipt> {
    let offsets = vec![0, 3 * 3600, 5 * 3600 + 1800, -4 * 3600, 10 * 3600];
    (
        (0i64..36_500, 0u32..86_400, select(offsets)),
        any::<bool>(),
        option::of("[1-9][0-9]{0,3}"),
        option::of("[1-9][0-9]{0,3}"),
        vec(receipt_line(), 0..5),
        (
            vec((select(vec![PaymentKind::Cash, PaymentKind::Card, PaymentKind::Other]), money()), 0..4),
            option::of(money()),
        ),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            move |((days, secs, offset), is_return, till, shift, lines, (payments, total_override), named)| {
                let offset = FixedOffset::east_opt(offset).unwrap();
                let naive = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
                    + chrono::Duration::days(days)
                    + chrono::Duration::seconds(secs.into());
                let date: DateTime<FixedOffset> = offset.from_local_datetime(&naive).single().unwrap();
                let total: Decimal = lines.iter().map(|l| l.sum).sum();
                let with_discount: Decimal = lines.iter().map(|l| l.sum_with_discount).sum();
                let mut extra = Extra::new();
                if let Some(s) = shift {
                    extra.insert("shift".into(), s);
                }
                Receipt {
                    date,
                    number: format!("Ч{number}-{}", days % 97),
                    kind: if is_return { ReceiptKind::Return } else { ReceiptKind::Sale },
                    organization: if named { Party { code: Some("155".into()), name: None } } else { Party::default() },
                    cash_box: Party { code: till, name: named.then(|| "Касса 1".to_string()) },
                    store: Party::default(),
                    total,
                    // The report carries the document total as given, consistent or not.
                    total_with_discount: total_override.unwrap_or(with_discount),
                    payments: payments.into_iter().map(|(kind, amount)| Payment { kind, amount }).collect(),
                    lines,
                    extra,
                }
            },
        )
}

fn receipts_doc() -> impl Strategy<Value = Vec<Receipt>> {
    (0usize..5).prop_flat_map(|n| (0..n).map(receipt).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn atol_report_reads_back_the_receipts_it_wrote(
        rs in receipts_doc(),
        till in select(vec![None, Some("+03:00"), Some("+05:00"), Some("-02:30")]),
        sep in any_separator(),
    ) {
        let mut header = Header::new(DataKind::Receipts);
        header.extra.insert("atol-database".into(), "7".into());
        header.extra.insert("atol-report-number".into(), "42".into());
        let records: Vec<Record> = rs.iter().cloned().map(Record::Receipt).collect();
        let opts = WriteOptions { utc_offset: till.map(str::to_string), decimal_separator: sep, ..Default::default() };
        let mut wdiag = Diagnostics::new(false);
        let bytes = write_bytes("atol-report", &header, &records, &opts, &mut wdiag).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = cp1251(&bytes);
        prop_assert!(text.starts_with("#\r\n7\r\n42\r\n"), "{}", text);
        prop_assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        let ropts = ReadOptions { utc_offset: till.map(str::to_string), ..Default::default() };
        let mut rdiag = Diagnostics::new(false);
        let back = read_bytes("atol-report", "report.txt", &bytes, &ropts, &mut rdiag).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(rdiag.total(), 0, "{}\n{}", warnings_text(&rdiag), text);
        prop_assert_eq!(back.header.extra.get("atol-report-number").map(String::as_str), Some("42"));
        let offset = kassa_bridge::formats::orders_report::parse_offset(till.unwrap_or("+03:00")).unwrap();
        let got = receipts(&back.records);
        prop_assert_eq!(got.len(), rs.len(), "{}", text);
        for (w, b) in rs.iter().zip(&got) {
            prop_assert_eq!(*b, &expected_receipt(w, offset), "{}", text);
            prop_assert_eq!(b.date.offset(), &offset);
        }
        let losing = rs.iter().filter(|r| loses_something(r)).count() as u64;
        prop_assert_eq!(count(&wdiag, "field-dropped"), losing, "{}", warnings_text(&wdiag));
        prop_assert_eq!(wdiag.total(), losing);
        if sep == Some(DecimalSeparator::Point) {
            prop_assert!(text.lines().skip(3).all(|l| !l.split(';').nth(9).unwrap_or("").contains(',')), "points: {}", text);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Storno, cancel, return, cash-in; inspect
// ---------------------------------------------------------------------------------------------

#[test]
fn a_report_with_storno_and_a_cancelled_document_gives_the_right_receipts() {
    let (doc, diag) = read_sample("samples/atol-report/storno-cancel-return.txt");
    assert_eq!(doc.format, "atol-report");
    assert_eq!(diag.total(), 0, "{}", warnings_text(&diag));
    let rs = receipts(&doc.records);
    assert_eq!(rs.len(), 2, "the cancelled document 102034 is absent");
    assert!(rs.iter().all(|r| r.number != "102034"));

    let sale = rs[0];
    assert_eq!(sale.number, "102033");
    assert_eq!(sale.kind, ReceiptKind::Sale);
    assert_eq!(sale.date.to_rfc3339(), "2026-07-06T08:56:44+03:00", "the unpadded hour 8:56:44 at +03:00");
    let codes: Vec<&str> = sale.lines.iter().map(|l| l.product_code.as_str()).collect();
    assert_eq!(codes, ["941", "1002", "1001"], "the storno'd 1004 is gone");
    let weighed = &sale.lines[0];
    assert_eq!((weighed.price, weighed.quantity, weighed.sum_with_discount), (dec("66"), dec("0.548"), dec("36.17")));
    assert_eq!(weighed.barcode.as_deref(), Some("2100003000004"));
    let coffee = &sale.lines[2];
    assert_eq!((coffee.sum, coffee.discount, coffee.sum_with_discount), (dec("749.00"), dec("74.90"), dec("674.10")));
    assert_eq!(coffee.article.as_deref(), Some("ART-1001"));
    assert_eq!((sale.total, sale.total_with_discount), (dec("964.97"), dec("890.07")));
    // 1000,00 given, 109,93 change: the cash payment nets the change.
    assert_eq!(sale.payments, [Payment { kind: PaymentKind::Cash, amount: dec("890.07") }]);
    assert_eq!(sale.extra.get("shift").map(String::as_str), Some("466"));

    let ret = rs[1];
    assert_eq!(ret.number, "102035");
    assert_eq!(ret.kind, ReceiptKind::Return);
    assert_eq!(ret.payments, [Payment { kind: PaymentKind::Card, amount: dec("89.90") }]);
    assert_eq!(ret.lines.len(), 1);

    let out = run(&["inspect", "samples/atol-report/storno-cancel-return.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("atol-report (detected)") && stdout.contains("all totals consistent"), "{stdout}");
}

#[test]
fn inspect_reports_a_broken_numbering() {
    let out = run(&["inspect", "samples/atol-report/broken-numbering.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "[report-processed] samples/atol-report/broken-numbering.txt: line 1: the report is marked @",
        "[transaction-duplicate] samples/atol-report/broken-numbering.txt: line 6: transaction number 2 appears again",
        "[transaction-gap] samples/atol-report/broken-numbering.txt: line 7: transaction numbers jump from 2 to 5: 2 missing",
        "[document-not-closed] samples/atol-report/broken-numbering.txt: line 8: document 6 was opened but never closed",
    ] {
        assert!(stdout.contains(needle), "{needle:?} not in\n{stdout}");
    }
    let out = run(&["inspect", "samples/atol-report/broken-numbering.txt", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let checks: Vec<&str> = json["findings"].as_array().unwrap().iter().map(|f| f["check"].as_str().unwrap()).collect();
    assert_eq!(checks, ["report-processed", "transaction-duplicate", "transaction-gap", "document-not-closed"]);
    assert_eq!(json["counts"]["receipts"], 1, "the closed document 5 is read");
}

/// Cash-in and cash-out documents (operation 4/5 in field 13) and shift transactions are not
/// receipts: they are skipped without a word, and their closing 55 is not an orphan.
#[test]
fn cash_in_and_shift_documents_are_not_receipts_and_not_problems() {
    let (doc, diag) = read_sample("samples/atol-report/cash-in-and-shift.txt");
    let rs = receipts(&doc.records);
    assert_eq!(rs.len(), 1);
    let r = rs[0];
    assert_eq!((r.number.as_str(), r.date.to_rfc3339()), ("302", "2026-07-08T09:12:00+03:00".to_string()));
    assert_eq!(r.cash_box.code.as_deref(), Some("2"));
    assert_eq!(
        r.payments,
        [
            Payment { kind: PaymentKind::Card, amount: dec("900.00") },
            Payment { kind: PaymentKind::Other, amount: dec("99.70") },
            Payment { kind: PaymentKind::Cash, amount: dec("0.20") },
        ],
        "9 (card with cash-out) is a card, 7 (user payment) other"
    );
    assert_eq!((r.total, r.total_with_discount), (dec("1049.00"), dec("999.90")));
    assert_eq!(r.lines[1].discount, dec("49.10"));
    // The document discount (type 35) is already in the lines' final sums; it is reported as a
    // transaction not converted. Nothing else is reported.
    let kinds: Vec<&str> = diag.groups().keys().copied().collect();
    assert_eq!(kinds, ["transaction-skipped"], "{}", warnings_text(&diag));
    let skipped = messages(&diag, "transaction-skipped");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].contains("type 35"), "{skipped:?}");
}

#[test]
fn a_report_already_loaded_or_unreadable_says_so() {
    let (doc, diag) = read_sample("samples/atol-report/broken-numbering.txt");
    assert_eq!(doc.header.extra.get("atol-flag").map(String::as_str), Some("@"));
    assert_eq!(messages(&diag, "report-processed").len(), 1);
    // The writer always writes `#`: a report it writes is for the back office to load.
    let bytes =
        write_bytes("atol-report", &doc.header, &doc.records, &WriteOptions::default(), &mut Diagnostics::new(false))
            .unwrap();
    assert!(bytes.starts_with(b"#\r\n1\r\n467\r\n"), "{}", cp1251(&bytes));

    let out = run(&["convert", "samples/atol-report/hostile-bad-date.txt", "-t", "json", "-o", "-"]);
    assert_eq!(out.status.code(), Some(3), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 4, column 2: field 2 (date): bad value \"2026-07-07\""), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// 6. The command line
// ---------------------------------------------------------------------------------------------

#[test]
fn convert_writes_a_full_export_and_its_flag_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("goods.txt");
    let flag = dir.path().join("flag.txt");
    let out = run(&[
        "convert",
        "samples/kassatka-xml/1c-processing.xml",
        "-t",
        "atol-goods",
        "-o",
        out_path.to_str().unwrap(),
        "--atol-full-export",
        "--atol-command",
        "add",
        "--flag-file",
        flag.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let bytes = std::fs::read(&out_path).unwrap();
    assert!(
        bytes.starts_with(b"##@@&&\r\n#\r\n$$$DELETEALLWARES\r\n$$$DELETEALLBARCODES\r\n$$$DELETEALLASPECTREMAINS\r\n$$$ADDQUANTITY\r\n"),
        "{}",
        cp1251(&bytes)
    );
    let text = cp1251(&bytes);
    assert!(text.contains(";45,90;"), "decimal commas by default:\n{text}");
    assert!(std::str::from_utf8(&bytes).is_err(), "Windows-1251, not UTF-8");
    assert_eq!(std::fs::metadata(&flag).expect("the flag file exists").len(), 0, "the flag file is empty");

    // The file reads back as the same catalogue (prices of the retail type).
    let (written, _) = read_sample(&rel(&out_path));
    let (source, _) = read_sample("samples/kassatka-xml/1c-processing.xml");
    assert_eq!(products(&written.records).len(), products(&source.records).len());

    // --decimal-separator point writes dots.
    let point = dir.path().join("point.txt");
    let out = run(&[
        "convert",
        "samples/kassatka-xml/1c-processing.xml",
        "-t",
        "atol-goods",
        "-o",
        point.to_str().unwrap(),
        "--decimal-separator",
        "point",
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = cp1251(&std::fs::read(&point).unwrap());
    assert!(text.starts_with("##@@&&\r\n#\r\n$$$REPLACEQUANTITY\r\n"), "replace is the default command:\n{text}");
    assert!(text.contains(";45.90;") && text.contains(";1.000;") && !text.contains(";45,90;"), "{text}");
}

#[test]
fn no_flag_file_when_the_conversion_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("goods.txt");
    let flag = dir.path().join("flag.txt");
    let out = run(&[
        "convert",
        "samples/kassatka-xml/hostile-bad-number.xml",
        "-t",
        "atol-goods",
        "-o",
        out_path.to_str().unwrap(),
        "--flag-file",
        flag.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", show(&out));
    assert!(!out_path.exists(), "no output");
    assert!(!flag.exists(), "no flag file");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no partial files either");

    // --strict refusing a lossy conversion is a failure too.
    let out = run(&[
        "convert",
        "samples/atol-goods/1c-full-export.txt",
        "-t",
        "kassatka-xml",
        "-o",
        dir.path().join("goods.xml").to_str().unwrap(),
        "--strict",
        "--flag-file",
        flag.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", show(&out));
    assert!(!flag.exists(), "no flag file");
}

/// The report written for 1C: `#` (not yet loaded), database and report number, transaction
/// numbers from 1 without gaps, and per receipt 42, its 11 lines, its 40 payments, 55.
#[test]
fn the_report_written_for_1c_is_what_1c_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    let out = run(&[
        "convert",
        "samples/kassatka-receipts/seed-receipts.xml",
        "-t",
        "atol-report",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let bytes = std::fs::read(&path).unwrap();
    let text = cp1251(&bytes);
    assert!(bytes.ends_with(b"\r\n") && !text.replace("\r\n", "").contains('\n'), "CRLF");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(&lines[..3], ["#", "1", "1"]);
    let (seed, _) = read_sample("samples/kassatka-receipts/seed-receipts.xml");
    let mut expected_types = Vec::new();
    for r in receipts(&seed.records) {
        expected_types.push("42");
        expected_types.extend(r.lines.iter().map(|_| "11"));
        expected_types.extend(r.payments.iter().map(|_| "40"));
        expected_types.push("55");
    }
    let transactions: Vec<Vec<&str>> = lines[3..].iter().map(|l| l.split(';').collect()).collect();
    let types: Vec<&str> = transactions.iter().map(|f| f[3]).collect();
    assert_eq!(types, expected_types);
    for (i, f) in transactions.iter().enumerate() {
        assert_eq!(f[0], (i + 1).to_string(), "sequential transaction numbers from 1");
        assert!(NaiveDate::parse_from_str(f[1], "%d.%m.%Y").is_ok(), "{f:?}");
        assert!(!f[2].starts_with('0') || f[2].starts_with("0:"), "an unpadded hour: {f:?}");
        assert_eq!(f[12], "0", "sales: operation 0");
    }
    let out = run(&["inspect", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "the written report is clean: {}", show(&out));
    assert!(Path::new(&path).exists());
}
