//! Property tests: round trips through every writer/reader pair for what the format can hold,
//! and "no reader panics" on random and mutated input.
//!
//! Case counts are moderate so the file runs in well under a minute in debug; set
//! `PROPTEST_CASES=N` to run every property with N cases instead (e.g. a long local soak).
//! A failing case is shrunk and its seed saved in `tests/proptests.proptest-regressions`, which
//! later runs replay first: commit that file with the fix.
//!
//! The generators encode what each format can carry. Every restriction is written next to the
//! generator that imposes it, with the reason; a restriction is a property of the format (or of a
//! deliberate reader rule), never a way around a bug.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use indexmap::IndexMap;
use kassa_bridge::formats::{self, FORMATS};
use kassa_bridge::model::{
    DataKind, DeliveryType, Extra, Group, Header, Order, OrderLine, OrderStatus, Party, Payment, PaymentKind, Price,
    Product, Receipt, ReceiptKind, ReceiptLine, Record, TaxSystem, Unit, Vat,
};
use kassa_bridge::number::check_code;
use kassa_bridge::options::{DecimalSeparator, KassatkaDialect, ReadOptions, WriteOptions};
use kassa_bridge::sink::{replay, CollectSink};
use kassa_bridge::text::RawInput;
use kassa_bridge::Diagnostics;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::string::string_regex;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

/// `cases` unless `PROPTEST_CASES` says otherwise.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

/// A `Write` whose bytes stay reachable after the writer (which wants a `'static` box) is dropped.
#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn fail(what: &str, e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(format!("{what}: {e}"))
}

/// Writes a document with the named format's writer; returns the bytes and the writer's warnings.
fn write_doc(
    format: &str,
    opts: &WriteOptions,
    header: &Header,
    records: &[Record],
) -> Result<(Vec<u8>, Diagnostics), TestCaseError> {
    let format = formats::find(format).map_err(|e| fail("find", e))?;
    let buf = SharedBuf::default();
    let mut sink = (format.writer.expect("a writer"))(Box::new(buf.clone()), opts).map_err(|e| fail("writer", e))?;
    let mut diag = Diagnostics::new(false);
    replay(header, records.iter().cloned(), sink.as_mut(), &mut diag).map_err(|e| fail("write", e))?;
    drop(sink);
    let bytes = std::mem::take(&mut *buf.0.lock().unwrap());
    Ok((bytes, diag))
}

/// Reads bytes with the named format's reader into memory.
fn read_doc(format: &str, bytes: Vec<u8>) -> Result<(CollectSink, Diagnostics), TestCaseError> {
    let format = formats::find(format).map_err(|e| fail("find", e))?;
    let input = RawInput::from_bytes("roundtrip", bytes.clone()).map_err(|e| fail("input", e))?;
    let mut sink = CollectSink::default();
    let mut diag = Diagnostics::new(false);
    (format.reader.expect("a reader"))(input, &ReadOptions::default(), &mut sink, &mut diag)
        .map_err(|e| fail(&format!("read back\n{}\n", String::from_utf8_lossy(&bytes)), e))?;
    Ok((sink, diag))
}

fn warning_kinds(diag: &Diagnostics) -> Vec<&'static str> {
    diag.groups().keys().copied().collect()
}

/// Writes, reads back, and checks the records are the same. Equality of the models is checked
/// and so is equality of their JSON text, which also compares what `==` does not: the scale of
/// decimals (`1.50` vs `1.5`) and the order of `extra` maps.
fn assert_round_trip(
    format: &str,
    opts: &WriteOptions,
    header: &Header,
    records: &[Record],
    allowed_write_warnings: &[&str],
) -> Result<(CollectSink, Vec<u8>), TestCaseError> {
    let (bytes, wdiag) = write_doc(format, opts, header, records)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if format != "canonical-json" {
        assert_portable_xml(&bytes)?;
    }
    let (read, rdiag) = read_doc(format, bytes.clone())?;
    prop_assert!(read.finished, "the reader did not finish");
    prop_assert_eq!(&read.records, &records.to_vec(), "records differ; the document was\n{}", text);
    let want = serde_json::to_string_pretty(records).unwrap();
    let got = serde_json::to_string_pretty(&read.records).unwrap();
    prop_assert_eq!(got, want, "records differ in JSON (decimal scale or extra order); the document was\n{}", text);
    let unexpected: Vec<&str> =
        warning_kinds(&wdiag).into_iter().filter(|k| !allowed_write_warnings.contains(k)).collect();
    prop_assert!(
        unexpected.is_empty(),
        "the writer warned about a loss: {:?}\n{}",
        wdiag.kept().collect::<Vec<_>>(),
        text
    );
    prop_assert_eq!(rdiag.total(), 0, "the reader warned: {:?}\n{}", rdiag.kept().collect::<Vec<_>>(), text);
    Ok((read, bytes))
}

/// Checks written XML for characters that only this project's reader gives back as written.
/// A conforming XML parser (Кассатка's, xmllint, 1C's) turns a raw tab or line break in an
/// attribute value into a space (attribute-value normalisation, XML 1.0 §3.3.3) and a raw CR in
/// text into LF (§2.11); only character references (`&#10;`, `&#13;`) survive.
fn assert_portable_xml(bytes: &[u8]) -> Result<(), TestCaseError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| fail("the output is not well-formed XML", e))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| fail("a bad attribute in the output", e))?;
                    prop_assert!(
                        !attr.value.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r')),
                        "a raw tab or line break in {}@{}: a conforming parser reads it as a space\n{}",
                        String::from_utf8_lossy(e.name().as_ref()),
                        String::from_utf8_lossy(attr.key.as_ref()),
                        String::from_utf8_lossy(bytes)
                    );
                }
            }
            Event::Text(t) => {
                prop_assert!(
                    !t.contains(&b'\r'),
                    "a raw CR in text: a conforming parser reads it as LF\n{}",
                    String::from_utf8_lossy(bytes)
                );
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

// ---------------------------------------------------------------------------------------------
// Shared generators
// ---------------------------------------------------------------------------------------------

/// Characters of a code: letters, digits, Cyrillic, and the XML-special `&<>"'` (the writer must
/// escape them). No `,` here: see `barcode`.
const CODE_CHAR: &str = "[0-9A-Za-zА-Яа-яЁё&<>\"'./_№#-]";

/// A code (product, group, price type code, barcode…) as Кассатка XML can carry it:
/// - non-empty and without leading/trailing whitespace: readers trim codes (`fields::code`);
/// - not a number in scientific notation with a sign or a fraction (`4.6E+12`): readers reject
///   those as spreadsheet damage (`check_code`);
/// - spaces inside are fine; leading zeros are kept (`0001`).
fn code() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => string_regex(&format!("{CODE_CHAR}([0-9A-Za-zА-Яа-я &<>\"'./_№#,-]{{0,10}}{CODE_CHAR})?")).unwrap(),
        1 => "0[0-9]{1,6}",
        1 => "(УТ|00)-[0-9]{8}",
        1 => "[0-9]{1,3}[.,][0-9]{1,2}[eE][+-]?[0-9]{1,2}", // mostly rejected by the filter below
    ]
    .prop_filter("a code in scientific notation is read as spreadsheet damage", |s| check_code(s).is_ok())
}

/// A group code: also not `none`, which the API layout uses for "no group" (`Code="none"` is the
/// pseudo-group of top-level products and `ParentCode="none"` means "top level").
fn group_code() -> impl Strategy<Value = String> {
    code().prop_filter("`none` means no group", |c| c != "none")
}

/// A barcode: a code without `,` — `Product@Barcode` may list several barcodes separated by commas
/// (as some 1C processings write), so the reader splits it.
fn barcode() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[0-9]{8,13}", 1 => code()].prop_filter("`,` separates barcodes", |b| !b.contains(','))
}

/// A barcode the API layout's `Product@Barcode` holds: digits (schema type `BarcodeText`).
fn api_barcode() -> impl Strategy<Value = String> {
    "[0-9]{8,13}"
}

/// A barcode the 1C layout holds: also internal codes such as `SN175060009539` — Latin letters,
/// digits and `-._/` (schema type `BarcodeText1C`), not in scientific notation.
fn one_c_barcode() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[0-9]{8,13}", 1 => "[A-Z]{1,2}[0-9]{6,12}", 1 => "[0-9A-Za-z._/-]{1,14}"]
        .prop_filter("a code in scientific notation is read as spreadsheet damage", |s| check_code(s).is_ok())
}

/// Text for attribute values (names, comments, price types): Cyrillic, `&`, `<`, `>`, quotes,
/// inner and outer spaces, tabs and line breaks (the writer must write those three as character
/// references: see `assert_portable_xml`), and any printable Unicode. Constraint: no control
/// characters other than tab/LF/CR — XML 1.0 cannot carry them at all, not even as references.
fn attr_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[а-яА-ЯёЁa-zA-Z0-9 &<>\"'№.,;:!?()/%*+=-]{0,16}",
        1 => "[ \t\n\r]{0,2}[а-яa-z&<>\"' ]{0,8}[ \t\n\r]{0,2}",
        1 => "\\PC{0,12}",
    ]
}

/// Attribute text that is not blank: the readers treat a blank `Comment`, `Article` or
/// `PriceCode` as absent (`fields::optional_text`), so `Some("  ")` cannot come back.
fn non_blank_attr_text() -> impl Strategy<Value = String> {
    attr_text().prop_filter("blank optional text reads as absent", |s| !s.trim().is_empty())
}

/// Text for element content (receipts). Constraint: no leading/trailing whitespace — the XML
/// reader takes the whitespace around an element's text for indentation, and the receipts reader
/// trims party names, codes and the number with `str::trim` (so Unicode spaces such as NBSP at
/// the ends go too). Inside, anything printable, tabs and line breaks (CR included: the writer
/// must escape it, or a parser reads it as LF), and spaces next to `&`, `<`, `>` (which the
/// writer escapes as entities) must survive.
fn elem_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[а-яА-ЯёЁa-zA-Z0-9 &<>\"'№.,;:!?()/%*+=-]{0,16}",
        1 => "[а-я]{1,3}( [&<>] | &amp; |\n|\t|\r|\r\n)[а-я]{1,3}",
        1 => "\\PC{0,12}",
    ]
    .prop_map(|s| s.trim().to_string())
}

fn non_empty_elem_text() -> impl Strategy<Value = String> {
    elem_text().prop_filter("an empty element reads as absent", |s| !s.is_empty())
}

/// An amount as Кассатка XML writes it: scale 0–3, possibly negative, up to 10^12.
fn xml_decimal() -> impl Strategy<Value = Decimal> {
    (-1_000_000_000_000_000i64..1_000_000_000_000_000, 0u32..=3).prop_map(|(m, scale)| Decimal::new(m, scale))
}

fn vat() -> impl Strategy<Value = Vat> {
    select(Vat::ALL.to_vec())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn unit() -> impl Strategy<Value = Unit> {
    // `UnitCode` is trimmed on reading; a unit with neither code nor name reads as no unit.
    (prop_oneof![Just(String::new()), "[0-9]{3}", code()], attr_text())
        .prop_filter("an empty unit reads as no unit", |(c, n)| !c.is_empty() || !n.is_empty())
        .prop_map(|(code, name)| Unit { code, name })
}

fn unique(mut items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.clone()));
    items
}

// ---------------------------------------------------------------------------------------------
// 1a. canonical → kassatka-xml → canonical
// ---------------------------------------------------------------------------------------------

/// A price the API layout holds: a price type and an amount (possibly none). Not both empty:
/// the row `Price="" PriceType=""` is the API layout's "no price", so such a price cannot come
/// back (a product without prices is written as one row with both empty).
fn api_price() -> impl Strategy<Value = Price> {
    (attr_text(), option::of(xml_decimal()))
        .prop_filter("a price with neither type nor amount is \"no price\" in the API layout", |(t, a)| {
            a.is_some() || !t.trim().is_empty()
        })
        .prop_map(|(price_type, amount)| Price { price_type, amount, code: None, includes_vat: None })
}

/// A product the API layout holds: at most one barcode (digits), no article, VAT, weighted flag,
/// extras, price codes or IncludesVAT. (Code and parent are set by `catalog`.)
fn api_product() -> impl Strategy<Value = Product> {
    (
        attr_text(),
        option::of(api_barcode()),
        option::of(unit()),
        vec(api_price(), 0..4),
        option::of(non_blank_attr_text()),
    )
        .prop_map(|(name, barcode, unit, prices, comment)| Product {
            barcodes: barcode.into_iter().collect(),
            unit,
            prices,
            comment,
            ..Product::new("", name)
        })
}

/// A price the 1C layout holds: every field; a `Price` element stands for itself, so even a price
/// with no type and no amount comes back. The price code is non-blank (blank reads as absent).
/// With `known_vat_inclusion`, IncludesVAT is always known: the writer writes `Да` for an unknown
/// one (with a `value-assumed` warning), so `None` does not come back.
fn one_c_price(known_vat_inclusion: bool) -> impl Strategy<Value = Price> {
    let includes_vat =
        if known_vat_inclusion { any::<bool>().prop_map(Some).boxed() } else { option::of(any::<bool>()).boxed() };
    (attr_text(), option::of(xml_decimal()), option::of(non_blank_attr_text()), includes_vat)
        .prop_map(|(price_type, amount, code, includes_vat)| Price { price_type, amount, code, includes_vat })
}

/// A product the 1C layout holds: also article, VAT, several barcodes, price codes, IncludesVAT.
/// - barcodes are distinct: the reader drops a repeated barcode;
/// - VAT only on a product with prices: the layout writes VAT on each `Price`, so a product
///   without prices has nowhere to carry it (the writer warns about that loss).
fn one_c_product() -> impl Strategy<Value = Product> {
    (
        attr_text(),
        vec(one_c_barcode(), 0..4),
        option::of(unit()),
        vec(one_c_price(true), 0..4),
        option::of(non_blank_attr_text()),
        option::of(non_blank_attr_text()),
        option::of(vat()),
    )
        .prop_map(|(name, barcodes, unit, prices, article, comment, vat)| Product {
            barcodes: unique(barcodes),
            unit,
            vat: if prices.is_empty() { None } else { vat },
            prices,
            article,
            comment,
            ..Product::new("", name)
        })
}

/// Header: the export date and the 1C root attributes are carried (in the writer's order:
/// DropNomenclature, CNO, BalanceControl, Date).
fn catalog_header() -> impl Strategy<Value = Header> {
    (option::of(date()), option::of(attr_text()), option::of(attr_text()), option::of(attr_text())).prop_map(
        |(date, drop, cno, balance)| {
            let mut h = Header::new(DataKind::Catalog);
            h.source_format = Some("kassatka-xml".into());
            h.export_date = date;
            for (k, v) in [("DropNomenclature", drop), ("CNO", cno), ("BalanceControl", balance)] {
                if let Some(v) = v {
                    h.extra.insert(k.into(), v);
                }
            }
            h
        },
    )
}

/// A catalog as a reader would produce it, for one dialect, and the write options to use.
///
/// - Group codes are distinct and so are product codes. Distinct group codes: a group is one
///   record. Distinct product codes: the API layout repeats a product once per price type and
///   the reader merges consecutive rows with the same code, so two products sharing a code would
///   come back as one.
/// - Parents point to generated groups (a product of an unknown group is written outside any
///   group with a warning, which is not a round trip).
/// - Order: either all groups, then top-level products, then the products of each group in turn;
///   or top-level products, then each group followed by its products. Both are orders the reader
///   produces (the writer reopens a group for the first, with a `group-split` warning).
/// - 1C layout: `Product@Price` must name one price. With no `--price-type`, a product with
///   several prices gets one named "Розничная" (else the writer stops: which price is ambiguous).
fn catalog(dialect: KassatkaDialect) -> impl Strategy<Value = (Header, Vec<Record>, WriteOptions)> {
    let product = match dialect {
        KassatkaDialect::Api => api_product().boxed(),
        KassatkaDialect::OneC => one_c_product().boxed(),
    };
    let price_type = match dialect {
        KassatkaDialect::Api => Just(None).boxed(),
        KassatkaDialect::OneC => {
            prop_oneof![2 => Just(None), 1 => Just(Some("Закупочная".to_string())), 1 => attr_text().prop_map(Some)]
                .boxed()
        }
    };
    (
        catalog_header(),
        vec((group_code(), attr_text(), any::<Option<Index>>()), 0..5),
        vec((code(), product, any::<Option<Index>>()), 0..8),
        any::<bool>(),
        price_type,
    )
        .prop_map(move |(header, groups, products, interleave, price_type)| {
            let group_codes = unique(groups.iter().map(|g| g.0.clone()).collect());
            let groups: Vec<Group> = group_codes
                .iter()
                .map(|code| {
                    let (_, name, parent) = groups.iter().find(|g| &g.0 == code).unwrap();
                    Group {
                        code: code.clone(),
                        name: name.clone(),
                        parent: parent.map(|i| i.get(&group_codes).clone()),
                        extra: Extra::new(),
                    }
                })
                .collect();
            let mut seen = std::collections::HashSet::new();
            let products: Vec<Product> = products
                .into_iter()
                .filter(|(code, _, _)| seen.insert(code.clone()))
                .map(|(code, mut p, parent)| {
                    p.code = code;
                    p.parent = if group_codes.is_empty() { None } else { parent.map(|i| i.get(&group_codes).clone()) };
                    if price_type.is_none()
                        && p.prices.len() > 1
                        && !p.prices.iter().any(|pr| pr.price_type == "Розничная")
                    {
                        p.prices[0].price_type = "Розничная".into();
                    }
                    p
                })
                .collect();
            let mut records: Vec<Record> = Vec::new();
            let of = |parent: Option<&String>| -> Vec<Record> {
                products.iter().filter(|p| p.parent.as_ref() == parent).cloned().map(Record::Product).collect()
            };
            if interleave {
                records.extend(of(None));
                for g in &groups {
                    records.push(Record::Group(g.clone()));
                    records.extend(of(Some(&g.code)));
                }
            } else {
                records.extend(groups.iter().cloned().map(Record::Group));
                records.extend(of(None));
                for g in &groups {
                    records.extend(of(Some(&g.code)));
                }
            }
            let opts = WriteOptions { price_type, kassatka_dialect: Some(dialect), ..WriteOptions::default() };
            (header, records, opts)
        })
}

fn check_catalog_round_trip(
    header: Header,
    records: Vec<Record>,
    opts: WriteOptions,
    decimal_comma: bool,
) -> Result<(), TestCaseError> {
    let decimal_separator = Some(if decimal_comma { DecimalSeparator::Comma } else { DecimalSeparator::Point });
    let opts = WriteOptions { decimal_separator, ..opts };
    // `group-split`: the writer reopens a group whose products come after other records.
    // `price-type-missing`: with --price-type, a product without that type gets an empty
    // Product@Price, which the reader does not need (the prices are in Prices/Price).
    let (read, _) =
        assert_round_trip("kassatka-xml", &opts, &header, &records, &["group-split", "price-type-missing"])?;
    let got = read.header.expect("a header");
    prop_assert_eq!(got.kind, DataKind::Catalog);
    prop_assert_eq!(got.source_format.as_deref(), Some("kassatka-xml"));
    prop_assert_eq!(got.export_date, header.export_date);
    prop_assert_eq!(serde_json::to_string(&got.extra).unwrap(), serde_json::to_string(&header.extra).unwrap());
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn kassatka_api_dialect_round_trips((header, records, opts) in catalog(KassatkaDialect::Api), comma in any::<bool>()) {
        check_catalog_round_trip(header, records, opts, comma)?;
    }

    #[test]
    fn kassatka_1c_dialect_round_trips((header, records, opts) in catalog(KassatkaDialect::OneC), comma in any::<bool>()) {
        check_catalog_round_trip(header, records, opts, comma)?;
    }
}

/// A product with any combination of fields, what the layout holds or not, with values the
/// layout can carry (as above). Only a price with neither type, amount, code nor IncludesVAT is
/// left out: it says nothing, and the API layout reads such a row as "no price".
fn any_kassatka_product() -> impl Strategy<Value = Product> {
    (
        (code(), attr_text(), vec(barcode(), 0..3), option::of(unit())),
        (
            vec(one_c_price(false), 0..3),
            option::of(non_blank_attr_text()),
            option::of(non_blank_attr_text()),
            option::of(vat()),
        ),
        (any::<bool>(), any::<bool>(), vec(("[A-Za-z]{1,8}", attr_text()), 0..2)),
    )
        .prop_map(|((code, name, barcodes, unit), (prices, article, comment, vat), (weighted, service, extra))| {
            let mut prices: Vec<Price> = prices
                .into_iter()
                .filter(|p| {
                    p.amount.is_some()
                        || !p.price_type.trim().is_empty()
                        || p.code.is_some()
                        || p.includes_vat.is_some()
                })
                .collect();
            if prices.len() > 1 && !prices.iter().any(|p| p.price_type == "Розничная") {
                prices[0].price_type = "Розничная".into();
            }
            Product {
                barcodes: unique(barcodes),
                unit,
                prices,
                article,
                comment,
                vat,
                weighted,
                service,
                extra: extra.into_iter().collect(),
                ..Product::new(code, name)
            }
        })
}

proptest! {
    #![proptest_config(config(256))]

    /// Whatever a layout cannot hold, the writer says so: a product either comes back whole or
    /// the writer warned `field-dropped` (or `value-assumed`, for a value it had to make up).
    /// Nothing is lost silently.
    #[test]
    fn kassatka_xml_keeps_a_product_or_warns(
        product in any_kassatka_product(),
        dialect in select(vec![KassatkaDialect::Api, KassatkaDialect::OneC]),
    ) {
        let header = Header { source_format: Some("kassatka-xml".into()), ..Header::new(DataKind::Catalog) };
        let records = vec![Record::Product(product)];
        let opts = WriteOptions { kassatka_dialect: Some(dialect), ..WriteOptions::default() };
        let (bytes, wdiag) = write_doc("kassatka-xml", &opts, &header, &records)?;
        let (read, _) = read_doc("kassatka-xml", bytes.clone())?;
        if read.records != records {
            prop_assert!(
                wdiag.groups().contains_key("field-dropped") || wdiag.groups().contains_key("value-assumed"),
                "{:?} layout: the product changed without a warning\nwritten: {:?}\nread:    {:?}\n{}",
                dialect, records, read.records, String::from_utf8_lossy(&bytes)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1b. canonical → canonical-json → canonical, for any model value
// ---------------------------------------------------------------------------------------------

/// Any string, control characters included: JSON escapes them.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![3 => any::<String>(), 1 => "[а-яa-z0-9 \"\\\\/&<>]{0,12}", 1 => Just(String::new())]
}

fn any_extra() -> impl Strategy<Value = Extra> {
    vec((any_text(), any_text()), 0..4).prop_map(|kv| kv.into_iter().collect::<IndexMap<_, _>>())
}

/// Any decimal rust_decimal can hold: every 96-bit mantissa, sign and scale 0–28.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
        select(vec![
            Decimal::ZERO,
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(100, 2)
        ]),
    ]
}

/// The years dates may have: all chrono holds, or those RFC 3339 (the schema's `date` and
/// `date-time` formats) can write, 0000–9999.
#[derive(Debug, Clone, Copy)]
enum Years {
    Any,
    Rfc3339,
}

impl Years {
    fn bounds(self) -> (NaiveDate, NaiveDate) {
        match self {
            Years::Any => (NaiveDate::MIN, NaiveDate::MAX),
            Years::Rfc3339 => {
                (NaiveDate::from_ymd_opt(0, 1, 1).unwrap(), NaiveDate::from_ymd_opt(9999, 12, 31).unwrap())
            }
        }
    }
}

fn any_date(years: Years) -> impl Strategy<Value = NaiveDate> {
    let (min, max) = years.bounds();
    let (min, max) = (min.num_days_from_ce(), max.num_days_from_ce());
    prop_oneof![(min..=max).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap()), date(),]
}

/// Any instant chrono can hold, with nanoseconds and any UTC offset in whole minutes.
///
/// Constraint: the offset has no seconds. chrono writes dates as RFC 3339, whose offsets are
/// `±HH:MM`, so `+00:00:01` would come back as `+00:00` (a different local time). No source
/// format gives offsets with seconds.
fn any_date_time(years: Years) -> impl Strategy<Value = DateTime<FixedOffset>> {
    let (min, max) = years.bounds();
    // A day's margin, so the local time stays in range whatever the offset.
    let min = min.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() + 86_400;
    let max = max.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() - 86_400;
    (min..max, 0u32..1_000_000_000, -(23 * 60 + 59)..=(23 * 60 + 59)).prop_map(|(secs, nanos, minutes)| {
        DateTime::from_timestamp(secs, nanos).unwrap().with_timezone(&FixedOffset::east_opt(minutes * 60).unwrap())
    })
}

fn any_party() -> impl Strategy<Value = Party> {
    (option::of(any_text()), option::of(any_text())).prop_map(|(code, name)| Party { code, name })
}

fn any_price() -> impl Strategy<Value = Price> {
    (any_text(), option::of(any_decimal()), option::of(any_text()), option::of(any::<bool>()))
        .prop_map(|(price_type, amount, code, includes_vat)| Price { price_type, amount, code, includes_vat })
}

fn any_group() -> impl Strategy<Value = Group> {
    (any_text(), any_text(), option::of(any_text()), any_extra()).prop_map(|(code, name, parent, extra)| Group {
        code,
        name,
        parent,
        extra,
    })
}

fn any_product() -> impl Strategy<Value = Product> {
    (
        (
            any_text(),
            any_text(),
            vec(any_text(), 0..3),
            option::of((any_text(), any_text()).prop_map(|(code, name)| Unit { code, name })),
        ),
        (vec(any_price(), 0..3), option::of(any_text()), option::of(any_text()), option::of(vat())),
        (any::<bool>(), any::<bool>(), any::<bool>(), option::of(any_text()), any_extra()),
    )
        .prop_map(
            |(
                (code, name, barcodes, unit),
                (prices, article, comment, vat),
                (weighted, service, deleted, parent, extra),
            )| {
                Product {
                    code,
                    name,
                    barcodes,
                    unit,
                    prices,
                    article,
                    comment,
                    vat,
                    weighted,
                    service,
                    parent,
                    deleted,
                    extra,
                }
            },
        )
}

fn any_line() -> impl Strategy<Value = ReceiptLine> {
    (
        (any_text(), any_text(), option::of(any_text()), option::of(any_text()), option::of(any_text())),
        (any_decimal(), any_decimal(), any_decimal(), any_decimal(), any_decimal()),
        (option::of(vat()), any_extra()),
    )
        .prop_map(
            |(
                (product_code, product_name, unit_code, barcode, article),
                (price, quantity, discount, sum, sum_with_discount),
                (vat, extra),
            )| {
                ReceiptLine {
                    product_code,
                    product_name,
                    unit_code,
                    barcode,
                    article,
                    price,
                    quantity,
                    discount,
                    sum,
                    sum_with_discount,
                    vat,
                    extra,
                }
            },
        )
}

fn any_payment() -> impl Strategy<Value = Payment> {
    (select(vec![PaymentKind::Cash, PaymentKind::Card, PaymentKind::Other]), any_decimal())
        .prop_map(|(kind, amount)| Payment { kind, amount })
}

fn any_receipt(years: Years) -> impl Strategy<Value = Receipt> {
    (
        (any_date_time(years), any_text(), select(vec![ReceiptKind::Sale, ReceiptKind::Return])),
        (any_party(), any_party(), any_party()),
        (any_decimal(), any_decimal(), vec(any_payment(), 0..4), vec(any_line(), 0..3), any_extra()),
    )
        .prop_map(
            |(
                (date, number, kind),
                (organization, cash_box, store),
                (total, total_with_discount, payments, lines, extra),
            )| Receipt {
                date,
                number,
                kind,
                organization,
                cash_box,
                store,
                total,
                total_with_discount,
                payments,
                lines,
                extra,
            },
        )
}

fn any_order_line() -> impl Strategy<Value = OrderLine> {
    (
        (option::of(any_text()), option::of(any_text()), any_text(), option::of(any_text())),
        (any_decimal(), option::of(any_decimal()), option::of(any_decimal()), option::of(any_decimal())),
        (option::of(vat()), any_extra()),
    )
        .prop_map(
            |((product_code, nomenclature_id, name, barcode), (quantity, price, discount, sum), (vat, extra))| {
                OrderLine { product_code, nomenclature_id, name, barcode, quantity, price, discount, sum, vat, extra }
            },
        )
}

fn any_order(years: Years) -> impl Strategy<Value = Order> {
    let time = || option::of(any_date_time(years));
    let text = || option::of(any_text());
    let delivery = select(vec![DeliveryType::Courier, DeliveryType::SelfPickup, DeliveryType::Service]);
    (
        (text(), text(), option::of(select(OrderStatus::ALL.to_vec())), time(), time(), time(), time()),
        (text(), text(), option::of(select(TaxSystem::ALL.to_vec())), option::of(delivery), time(), time()),
        (option::of(any_decimal()), text(), text(), text(), option::of(any::<bool>()), option::of(any_decimal())),
        (option::of(any_decimal()), text(), vec(any_order_line(), 0..3), any_extra()),
    )
        .prop_map(
            |(
                (id, external_id, status, status_time, created, changed, order_time),
                (organization_id, trade_object_id, tax_system, delivery_type, delivery_time, actual_delivery_time),
                (delivery_amount, address, client_id, client_name, paid, discount),
                (total_amount, comment, lines, extra),
            )| Order {
                id,
                external_id,
                status,
                status_time,
                created,
                changed,
                order_time,
                organization_id,
                trade_object_id,
                tax_system,
                delivery_type,
                delivery_time,
                actual_delivery_time,
                delivery_amount,
                address,
                client_id,
                client_name,
                paid,
                discount,
                total_amount,
                comment,
                lines,
                extra,
            },
        )
}

/// Any document: a catalog of groups and products in any order, receipts, or orders. The only
/// rule is the canonical format's own: every record is of the header's kind.
fn any_document(years: Years) -> impl Strategy<Value = (Header, Vec<Record>)> {
    let header = |kind| {
        (option::of(any_text()), option::of(any_text()), option::of(any_date(years)), any_extra()).prop_map(
            move |(source_format, source_layout, export_date, extra)| Header {
                kind,
                source_format,
                source_layout,
                export_date,
                extra,
            },
        )
    };
    let catalog_record = prop_oneof![any_group().prop_map(Record::Group), any_product().prop_map(Record::Product)];
    prop_oneof![
        (header(DataKind::Catalog), vec(catalog_record, 0..6)),
        (header(DataKind::Receipts), vec(any_receipt(years).prop_map(Record::Receipt), 0..4)),
        (header(DataKind::Orders), vec(any_order(years).prop_map(Record::Order), 0..4)),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn canonical_json_round_trips_any_model((header, records) in any_document(Years::Any)) {
        let (read, _) = assert_round_trip("canonical-json", &WriteOptions::default(), &header, &records, &[])?;
        let got = read.header.expect("a header");
        prop_assert_eq!(&got, &header);
        prop_assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&header).unwrap());
    }
    /// What the canonical writer writes, the schema accepts: any model value, with dates in the
    /// years RFC 3339 (the schema's `date`/`date-time` formats) can hold.
    #[test]
    fn canonical_json_output_is_valid_against_the_schema((header, records) in any_document(Years::Rfc3339)) {
        let (bytes, _) = write_doc("canonical-json", &WriteOptions::default(), &header, &records)?;
        let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| fail("the output is not JSON", e))?;
        let (schemas, index) = canonical_schema();
        if let Err(e) = schemas.validate(&doc, *index) {
            prop_assert!(false, "the output is not valid against schemas/canonical.schema.json: {e:#}\n{doc:#}");
        }
    }
}

/// The committed canonical schema, compiled once (`tests/schema.rs` checks it is up to date).
fn canonical_schema() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static SCHEMA: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/canonical.schema.json");
        let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler.add_resource("urn:kassa-bridge:canonical.schema.json", schema).unwrap();
        let index = compiler.compile("urn:kassa-bridge:canonical.schema.json", &mut schemas).unwrap();
        (schemas, index)
    })
}

// ---------------------------------------------------------------------------------------------
// 1c. receipts → kassatka-receipts → receipts
// ---------------------------------------------------------------------------------------------

/// The receipt's date: `Head/Date` is written as `2018-04-16T11:08:31+0000`, so whole seconds and
/// an offset in whole minutes (within ±23:59).
fn receipt_date_time() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (0i64..4_102_444_800, -(23 * 60 + 59)..=(23 * 60 + 59)).prop_map(|(secs, minutes)| {
        DateTime::from_timestamp(secs, 0).unwrap().with_timezone(&FixedOffset::east_opt(minutes * 60).unwrap())
    })
}

/// A party: each of code and name is absent or a non-empty text (an empty element reads as
/// absent; `OrganizationCode`, `CashBoxCode`… are always written, empty when absent).
fn receipt_party() -> impl Strategy<Value = Party> {
    (option::of(non_empty_elem_text()), option::of(non_empty_elem_text())).prop_map(|(code, name)| Party { code, name })
}

/// A line as the layout holds it: no barcode, article or extra fields. The product code is a
/// code (trimmed, not scientific notation); the unit code, when present, non-empty.
fn receipt_line() -> impl Strategy<Value = ReceiptLine> {
    (
        (code(), elem_text(), option::of(prop_oneof!["[0-9]{3}", non_empty_elem_text()])),
        (xml_decimal(), xml_decimal(), prop_oneof![Just(Decimal::ZERO), xml_decimal()], xml_decimal(), xml_decimal()),
        option::of(vat()),
    )
        .prop_map(
            |((product_code, product_name, unit_code), (price, quantity, discount, sum, sum_with_discount), vat)| {
                ReceiptLine {
                    product_code,
                    product_name,
                    unit_code,
                    barcode: None,
                    article: None,
                    price,
                    quantity,
                    discount,
                    sum,
                    sum_with_discount,
                    vat,
                    extra: Extra::new(),
                }
            },
        )
}

/// A receipt as the layout holds it:
/// - a sale (the layout has no return flag);
/// - payments: `PayCard` and `PayCash` are required elements, always written (0 when there is no
///   such payment) and always read, so a receipt read back has exactly a card payment then a cash
///   payment, possibly of 0; no other kind of payment;
/// - a non-empty number; no extra fields.
fn receipt() -> impl Strategy<Value = Receipt> {
    (
        (receipt_date_time(), non_empty_elem_text()),
        (receipt_party(), receipt_party(), receipt_party()),
        (
            xml_decimal(),
            xml_decimal(),
            prop_oneof![Just(Decimal::ZERO), xml_decimal()],
            prop_oneof![Just(Decimal::ZERO), xml_decimal()],
        ),
        vec(receipt_line(), 0..4),
    )
        .prop_map(
            |((date, number), (organization, cash_box, store), (total, total_with_discount, card, cash), lines)| {
                Receipt {
                    date,
                    number,
                    kind: ReceiptKind::Sale,
                    organization,
                    cash_box,
                    store,
                    total,
                    total_with_discount,
                    payments: vec![
                        Payment { kind: PaymentKind::Card, amount: card },
                        Payment { kind: PaymentKind::Cash, amount: cash },
                    ],
                    lines,
                    extra: Extra::new(),
                }
            },
        )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn kassatka_receipts_round_trip(receipts in vec(receipt(), 0..4), comma in any::<bool>()) {
        let mut header = Header::new(DataKind::Receipts);
        header.source_format = Some("kassatka-receipts".into());
        let records: Vec<Record> = receipts.into_iter().map(Record::Receipt).collect();
        let decimal_separator = Some(if comma { DecimalSeparator::Comma } else { DecimalSeparator::Point });
        let opts = WriteOptions { decimal_separator, ..WriteOptions::default() };
        let (read, _) = assert_round_trip("kassatka-receipts", &opts, &header, &records, &[])?;
        prop_assert_eq!(read.header.as_ref(), Some(&header));
    }
}

// ---------------------------------------------------------------------------------------------
// 1d. No reader panics, on anything
// ---------------------------------------------------------------------------------------------

/// Runs every reader on the bytes, with the encoding detected and with a few forced ones. Errors
/// are fine; a panic fails the property (proptest catches it and shrinks the input).
fn read_with_every_reader(bytes: &[u8], encoding: Option<&str>) {
    for format in FORMATS.iter() {
        let Some(read) = format.reader else { continue };
        let Ok(input) = RawInput::from_bytes("fuzz", bytes.to_vec()) else { continue };
        let opts = ReadOptions { encoding: encoding.map(str::to_string), ..ReadOptions::default() };
        let mut sink = CollectSink::default();
        let mut diag = Diagnostics::new(false);
        let _ = read(input, &opts, &mut sink, &mut diag);
        // Under --strict the first warning is an error: that path must not panic either.
        if let Ok(input) = RawInput::from_bytes("fuzz", bytes.to_vec()) {
            let _ = read(input, &opts, &mut CollectSink::default(), &mut Diagnostics::new(true));
        }
    }
}

fn forced_encoding() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![4 => Just(None), 1 => select(vec![Some("utf-8"), Some("windows-1251"), Some("utf-16le"), Some("utf-16be")])]
}

/// Pieces of the three formats, so random input gets past the first element now and then.
const TOKENS: &[&str] = &[
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    "<?xml version='1.0' encoding='windows-1251'?>",
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    "<ProductsGroups",
    "<ProductsGroups>",
    "</ProductsGroups>",
    "<ProductGroup Code=\"1\" Name=\"Г\" ParentCode=\"none\">",
    "<ProductGroup Code=\"none\" Name=\"none\" ParentCode=\"none\">",
    "<ProductGroup",
    "</ProductGroup>",
    "<Products>",
    "</Products>",
    "<Product",
    "<Product Code=\"1\" Name=\"x\" Price=\"1 990,00\" PriceType=\"Розничная\"/>",
    "</Product>",
    "<Prices>",
    "</Prices>",
    "<Price PriceType=\"Розничная\" Price=\"45.90\" VAT=\"20%\" IncludesVAT=\"Да\"/>",
    "<Barcodes>",
    "<Barcode Barcode=\"4600000000000\"/>",
    "</Barcodes>",
    " Code=\"",
    " Name=\"",
    " ParentCode=\"",
    " Price=\"",
    " Barcode=\"",
    " VAT=\"",
    " Date=\"",
    "\"",
    "'",
    "=",
    ">",
    "/>",
    "<",
    "</",
    "<Documents>",
    "</Documents>",
    "<Doc>",
    "</Doc>",
    "<Head>",
    "</Head>",
    "<Date>2018-04-16T11:08:31+0000</Date>",
    "<DocNum>1</DocNum>",
    "<DocSum>2590</DocSum>",
    "<DocSumWithDiscount>",
    "<PayCash>",
    "<ProductCode>",
    "<Quantity>1</Quantity>",
    "<Sum>",
    "</Sum>",
    "<VAT>без НДС</VAT>",
    "&amp;",
    "&lt;",
    "&#x2116;",
    "&#0;",
    "&#xD800;",
    "&#99999999;",
    "&bogus;",
    "&",
    "<![CDATA[x]]>",
    "<!--",
    "-->",
    "<!DOCTYPE x>",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "\"format\": \"kassa-bridge-canonical\"",
    "\"version\": 1",
    "\"header\": {\"kind\": \"catalog\"}",
    "\"header\": {\"kind\": \"receipts\"}",
    "\"records\": [",
    "{\"type\": \"product\", \"code\": \"1\", \"name\": \"x\"}",
    "{\"type\": \"group\", \"code\": \"1\", \"name\": \"x\"}",
    "\"amount\": \"1.5\"",
    "\"date\": \"2018-04-16T11:08:31+00:00\"",
    "1 990,00",
    "-5",
    "4.6E+12",
    "РўРѕРІР°СЂС‹",
    "Товары",
    " ",
    "\n",
    "\r\n",
];

fn fuzz_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
        1 => vec(any::<u8>(), 1..8),
        1 => select(vec![&b"\xFF"[..], b"\0", b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\xD0", b"\xC6", b"\x80"]).prop_map(<[u8]>::to_vec),
    ];
    prop_oneof![
        1 => vec(any::<u8>(), 0..512),
        3 => vec(piece, 0..48).prop_map(|pieces| pieces.concat()),
    ]
}

/// Every file under samples/, read once.
fn sample_files() -> &'static [(PathBuf, Vec<u8>)] {
    static SAMPLES: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"), &mut out);
        assert!(out.len() > 10, "samples/ looks empty");
        out
    })
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("samples/").map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, bytes));
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    /// XOR the byte at a position with a non-zero mask.
    Flip(Index, u8),
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    /// Pushes what follows past the 64 KiB the encoding detection and the sniffing look at.
    Pad(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let inserted = prop_oneof![
        select(vec![&b"<"[..], b"&", b"\"", b"'", b"\xFF", b"\0", b">", b"/>", b"&#", b"]]>", b"<!--", b"\xD0", b"\r"])
            .prop_map(<[u8]>::to_vec),
        select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
    ];
    prop_oneof![
        4 => (any::<Index>(), 1u8..=255).prop_map(|(i, m)| Mutation::Flip(i, m)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        4 => (any::<Index>(), inserted).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        1 => any::<Index>().prop_map(Mutation::Pad),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len + 1) };
    match m {
        Mutation::Flip(i, mask) => {
            if !bytes.is_empty() {
                let p = i.index(bytes.len());
                bytes[p] ^= mask;
            }
        }
        Mutation::Truncate(i) => bytes.truncate(at(i, bytes.len())),
        Mutation::Insert(i, what) => {
            let p = at(i, bytes.len());
            bytes.splice(p..p, what.iter().copied());
        }
        Mutation::Remove(i, n) => {
            let p = at(i, bytes.len());
            let end = (p + n).min(bytes.len());
            bytes.drain(p..end);
        }
        Mutation::Pad(i) => {
            let p = at(i, bytes.len());
            bytes.splice(p..p, vec![b' '; 70 * 1024]);
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn readers_do_not_panic_on_random_bytes(bytes in fuzz_bytes(), encoding in forced_encoding()) {
        read_with_every_reader(&bytes, encoding);
    }

    #[test]
    fn readers_do_not_panic_on_mutated_samples(
        sample in any::<Index>(),
        mutations in vec(mutation(), 1..6),
        encoding in forced_encoding(),
    ) {
        let samples = sample_files();
        let (_, original) = sample.get(samples);
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        read_with_every_reader(&bytes, encoding);
    }
}

/// The unmutated samples, too: each reader on each sample, with each encoding.
#[test]
fn readers_do_not_panic_on_the_samples() {
    for (_, bytes) in sample_files() {
        for encoding in [None, Some("utf-8"), Some("windows-1251"), Some("utf-16le"), Some("utf-16be")] {
            read_with_every_reader(bytes, encoding);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: what the properties above found, pinned as plain examples
// ---------------------------------------------------------------------------------------------

fn sample_receipt(name: &str) -> Receipt {
    let line = ReceiptLine {
        product_code: "00-00000019".into(),
        product_name: name.into(),
        unit_code: Some("796".into()),
        barcode: None,
        article: None,
        price: Decimal::new(100, 0),
        quantity: Decimal::ONE,
        discount: Decimal::ZERO,
        sum: Decimal::new(100, 0),
        sum_with_discount: Decimal::new(100, 0),
        vat: None,
        extra: Extra::new(),
    };
    Receipt {
        date: DateTime::parse_from_rfc3339("2018-04-16T11:08:31+03:00").unwrap(),
        number: "1".into(),
        kind: ReceiptKind::Sale,
        organization: Party { code: Some("155".into()), name: Some(name.into()) },
        cash_box: Party::default(),
        store: Party::default(),
        total: Decimal::new(100, 0),
        total_with_discount: Decimal::new(100, 0),
        payments: vec![
            Payment { kind: PaymentKind::Card, amount: Decimal::ZERO },
            Payment { kind: PaymentKind::Cash, amount: Decimal::new(100, 0) },
        ],
        lines: vec![line],
        extra: Extra::new(),
    }
}

/// quick-xml's own text trimming trimmed each piece between entity references, so
/// `<ProductName>Молоко &amp; сыр</ProductName>` read as `Молоко&сыр`.
#[test]
fn spaces_next_to_escaped_characters_in_element_text_survive() -> Result<(), TestCaseError> {
    let header = Header { source_format: Some("kassatka-receipts".into()), ..Header::new(DataKind::Receipts) };
    for name in ["Молоко & сыр", "a < b > c", "ООО \"Ромашка\" & 'Ко'", "x\r\ny", "line\rbreak"] {
        let records = vec![Record::Receipt(sample_receipt(name))];
        assert_round_trip("kassatka-receipts", &WriteOptions::default(), &header, &records, &[])?;
    }
    Ok(())
}

/// Tabs and line breaks in attribute values, and CR in text, are written as character
/// references: a conforming parser would read them as spaces (attributes) or LF (CR).
#[test]
fn line_breaks_and_tabs_are_written_as_character_references() {
    let mut product = Product::new("1", "две\nстроки\tи\rконец");
    product.comment = Some("Комментарий\r\nв две строки".into());
    let header = Header::new(DataKind::Catalog);
    for dialect in [KassatkaDialect::Api, KassatkaDialect::OneC] {
        let opts = WriteOptions { kassatka_dialect: Some(dialect), ..WriteOptions::default() };
        let (bytes, _) = write_doc("kassatka-xml", &opts, &header, &[Record::Product(product.clone())]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("Name=\"две&#10;строки&#9;и&#13;конец\""), "{text}");
        assert!(text.contains("Comment=\"Комментарий&#13;&#10;в две строки\""), "{text}");
    }
    let (bytes, _) = write_doc(
        "kassatka-receipts",
        &WriteOptions::default(),
        &Header::new(DataKind::Receipts),
        &[Record::Receipt(sample_receipt("a\r\nb"))],
    )
    .unwrap();
    assert!(String::from_utf8(bytes).unwrap().contains("<ProductName>a&#13;\nb</ProductName>"));
}

/// The Кассатка writer said nothing when it dropped the service flag (either layout) or the VAT
/// of a product without prices (the 1C layout writes VAT on each price).
#[test]
fn kassatka_xml_warns_about_the_service_flag_and_vat_without_prices() {
    let mut product = Product::new("1", "Доставка");
    product.service = true;
    product.vat = Some(Vat::Vat20);
    for dialect in [KassatkaDialect::Api, KassatkaDialect::OneC] {
        let opts = WriteOptions { kassatka_dialect: Some(dialect), ..WriteOptions::default() };
        let (_, diag) =
            write_doc("kassatka-xml", &opts, &Header::new(DataKind::Catalog), &[Record::Product(product.clone())])
                .unwrap();
        let messages: Vec<String> = diag.kept().map(|w| w.message.to_string()).collect();
        assert!(messages.iter().any(|m| m.contains("service flag")), "{dialect:?}: {messages:?}");
        assert!(messages.iter().any(|m| m.contains("VAT")), "{dialect:?}: {messages:?}");
    }
}
