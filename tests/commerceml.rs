//! CommerceML 2: the import/offers pair read as one catalogue (and each file alone), the folder
//! and `--with` forms of the command line, orders written for 1C, and flat memory on a big import.
//!
//! Paths are crate-relative (cargo runs tests from the crate root), so messages in snapshots do
//! not depend on where the crate is checked out.

mod support;

use support::run_bin as run;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use kassa_bridge::diagnostics::Diagnostics;
use kassa_bridge::formats::{self, commerceml};
use kassa_bridge::model::{Header, Record};
use kassa_bridge::options::{KassatkaDialect, ReadOptions, WriteOptions};
use kassa_bridge::sink::{CollectSink, RecordSink};
use kassa_bridge::text::RawInput;
use kassa_bridge::{Error, ErrorKind};

use support::{exit_class, open_sample, warnings_text, write_doc, SharedBuf};

const IMPORT: &str = "samples/commerceml/import.xml";
const OFFERS: &str = "samples/commerceml/offers.xml";
const PAIR_DIR: &str = "samples/commerceml/pair";
const IMPORT_ONLY: &str = "samples/commerceml/import-only.xml";
const TRUNCATED: &str = "samples/commerceml/hostile-truncated.xml";

fn with(path: Option<&str>) -> ReadOptions {
    ReadOptions { with: path.map(PathBuf::from).into_iter().collect(), ..ReadOptions::default() }
}

/// Reads a sample with the commerceml reader (after checking detection picks it).
fn read_into(rel: &str, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<(), Error> {
    let input = open_sample(rel);
    let format = formats::detect(&input)?;
    assert_eq!(format.name, commerceml::NAME, "{rel} is detected as CommerceML");
    (format.reader.expect("commerceml reads"))(input, opts, sink, diag)
}

fn read_doc(rel: &str, offers: Option<&str>) -> (Header, Vec<Record>, Diagnostics) {
    let mut diag = Diagnostics::new(false);
    let mut sink = CollectSink::default();
    read_into(rel, &with(offers), &mut sink, &mut diag).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(sink.finished, "the reader calls finish()");
    (sink.header.expect("the reader calls begin()"), sink.records, diag)
}

/// What reading gives as canonical JSON with its warnings, or the error and its exit class.
fn describe(rel: &str, offers: Option<&str>) -> String {
    let mut diag = Diagnostics::new(false);
    let mut out = format!("input: {rel}\nwith: {}\n", offers.unwrap_or("-"));
    let buf = SharedBuf::default();
    let result = formats::find("canonical-json").and_then(|json| {
        let mut sink = (json.writer.expect("canonical-json writes"))(Box::new(buf.clone()), &WriteOptions::default())?;
        read_into(rel, &with(offers), sink.as_mut(), &mut diag)
    });
    match result {
        Ok(()) => out.push_str(&format!("warnings:\n{}--- canonical-json ---\n{}", warnings_text(&diag), buf.text())),
        Err(err) => {
            let (code, class) = exit_class(err.kind());
            out.push_str(&format!(
                "error (exit {code}, {class}):\n  {err}\nwarnings before the error:\n{}",
                warnings_text(&diag)
            ));
        }
    }
    out
}

fn products(records: &[Record]) -> Vec<&kassa_bridge::model::Product> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Product(p) => Some(p),
            _ => None,
        })
        .collect()
}

#[test]
fn the_pair_reads_as_one_catalogue() {
    insta::assert_snapshot!(describe(IMPORT, Some(OFFERS)));
}

#[test]
fn the_import_alone_reads_without_prices() {
    insta::assert_snapshot!(describe(IMPORT_ONLY, None));
}

#[test]
fn the_offers_alone_read_as_products_with_prices() {
    insta::assert_snapshot!(describe(OFFERS, None));
}

#[test]
fn a_truncated_import_is_a_positioned_error() {
    insta::assert_snapshot!(describe(TRUNCATED, Some(OFFERS)));
}

#[test]
fn offers_named_first_make_the_same_pair() {
    let (h1, r1, _) = read_doc(IMPORT, Some(OFFERS));
    let (h2, r2, _) = read_doc(OFFERS, Some(IMPORT));
    assert_eq!((h1, r1), (h2, r2));
}

#[test]
fn groups_come_parents_first_and_goods_merge_with_their_offers() {
    let (_, records, diag) = read_doc(IMPORT, Some(OFFERS));
    let mut seen = std::collections::HashSet::new();
    for r in &records {
        if let Record::Group(g) = r {
            if let Some(parent) = &g.parent {
                assert!(seen.contains(parent), "group {} comes before its parent {parent}", g.code);
            }
            seen.insert(g.code.clone());
        }
    }
    assert_eq!(seen.len(), 6);
    let goods = products(&records);
    assert_eq!(goods.len(), 8, "6 goods + 2 characteristics of the T-shirt");
    assert!(goods.iter().all(|p| !p.prices.is_empty()), "every product has a price");
    let shirts: Vec<_> = goods.iter().filter(|p| p.code.starts_with("6a7b8c90-2c4e-11ee-be56-0242ac120002#")).collect();
    assert_eq!(shirts.len(), 2);
    assert_eq!(shirts[0].name, "Футболка хлопковая (красная, M)");
    assert_eq!(shirts[0].barcodes, ["4609876002505"]);
    let kinds: Vec<&str> = diag.kept().map(|w| w.kind).collect();
    assert!(kinds.contains(&"product-split"), "{kinds:?}");
}

/// The acceptance criterion: nested groups and two price types → kassatka-xml with the price type
/// asked for in `Product@Price`.
#[test]
fn the_pair_converts_to_kassatka_xml_with_the_chosen_price_type() {
    let (header, records, _) = read_doc(IMPORT, Some(OFFERS));
    let opts = WriteOptions {
        price_type: Some("Оптовая".into()),
        kassatka_dialect: Some(KassatkaDialect::OneC),
        ..WriteOptions::default()
    };
    let mut diag = Diagnostics::new(false);
    let xml = write_doc(&header, &records, "kassatka-xml", &opts, &mut diag).expect("kassatka-xml is written");
    let price_of = |code: &str| -> String {
        let at = xml.find(&format!("Code=\"{code}\"")).unwrap_or_else(|| panic!("{code} is written:\n{xml}"));
        let tag = &xml[at..at + xml[at..].find('>').expect("the tag ends")];
        let price = tag.split(" Price=\"").nth(1).expect("Product@Price");
        price[..price.find('"').expect("quoted")].to_string()
    };
    assert_eq!(price_of("5f0c3a10-2c4e-11ee-be56-0242ac120002"), "76.50");
    assert_eq!(price_of("5f0c3a12-2c4e-11ee-be56-0242ac120002"), "590.00");
    assert_eq!(price_of("5f0c3a14-2c4e-11ee-be56-0242ac120002"), "1090.00");
    assert_eq!(price_of("6a7b8c90-2c4e-11ee-be56-0242ac120002#71e2f3a5-2c4e-11ee-be56-0242ac120002"), "750.00");
    // The delivery service has no wholesale price: left empty, with a warning.
    assert_eq!(price_of("7c8d9e01-2c4e-11ee-be56-0242ac120002"), "");
    let text = warnings_text(&diag);
    assert!(text.contains("7c8d9e01-2c4e-11ee-be56-0242ac120002: no price of type \"Оптовая\""), "{text}");
    insta::assert_snapshot!(format!("warnings:\n{text}--- kassatka-xml (1c, --price-type Оптовая) ---\n{xml}"));
}

#[test]
fn a_folder_is_one_package_of_every_commerceml_file_in_it() {
    let files = commerceml::package_files(Path::new(PAIR_DIR)).expect("the pair folder is a package");
    let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["import.xml", "offers.xml"]);
    let err = commerceml::package_files(Path::new("samples/kassatka-xml")).expect_err("no CommerceML there");
    assert!(err.to_string().contains("no CommerceML file"), "{err}");
}

#[test]
fn the_writer_writes_catalogues_and_orders_and_refuses_receipts() {
    let receipts = support::read_sample("samples/canonical-json/receipts.json");
    let mut diag = Diagnostics::new(false);
    let err = write_doc(&receipts.header, &receipts.records, "cml", &WriteOptions::default(), &mut diag)
        .expect_err("receipts are not written");
    assert!(matches!(err.kind(), ErrorKind::Unsupported { .. }), "{err}");
    assert_eq!(err.to_string(), "format commerceml cannot hold receipts (it holds catalog and orders)");
}

/// Groups may come after their products (Кассатка and ATOL files list each group before its own
/// goods): the classifier is written when the stream ends, before the goods that waited in a
/// temporary file, so every group is in it, nested; the products keep their order and groups.
#[test]
fn a_catalogue_in_any_order_is_written_with_every_group_in_the_classifier() {
    let (header, records) = support::scattered_catalog();
    let mut diag = Diagnostics::new(false);
    let xml = write_doc(&header, &records, "commerceml", &WriteOptions::default(), &mut diag).unwrap();
    assert_eq!(
        support::warning_messages(&diag),
        ["groups Z are not in the input; their products still name them in Группы/Ид"]
    );
    assert!(xml.find("<Товар>").unwrap() > xml.find("</Классификатор>").unwrap(), "{xml}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scattered.xml");
    std::fs::write(&path, &xml).unwrap();
    let mut back_diag = Diagnostics::new(false);
    let back =
        support::read_with(formats::find("cml").unwrap(), RawInput::open(&path).unwrap(), &mut back_diag).unwrap();
    assert_eq!(back_diag.total(), 0, "{}", warnings_text(&back_diag));
    let summary: Vec<String> = back
        .records
        .iter()
        .map(|r| match r {
            Record::Group(g) => format!("group {} in {:?}", g.code, g.parent),
            Record::Product(p) => format!("{} in {:?}", p.code, p.parent),
            _ => unreachable!(),
        })
        .collect();
    let expected = [
        "group A in None",
        "group B in Some(\"A\")",
        "a1 in Some(\"A\")",
        "b1 in Some(\"B\")",
        "n1 in None",
        "b2 in Some(\"B\")",
        "a2 in Some(\"A\")",
        "z1 in Some(\"Z\")",
    ];
    assert_eq!(summary, expected);
}

// ---------------------------------------------------------------------------------------------
// The binary
// ---------------------------------------------------------------------------------------------

fn converted(args: &[&str], target: &Path) -> (String, String) {
    let mut all = args.to_vec();
    all.extend(["-o", target.to_str().expect("a UTF-8 temp path")]);
    let out = run(&all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{all:?}: {stderr}");
    (std::fs::read_to_string(target).expect("the output exists"), stderr)
}

#[test]
fn the_cli_converts_with_the_offers_named_or_from_a_folder() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (by_with, err) = converted(&["convert", IMPORT, "--with", OFFERS, "-t", "json"], &dir.path().join("a.json"));
    assert!(err.contains("6 groups, 8 products"), "{err}");
    let (by_folder, err) = converted(&["convert", PAIR_DIR, "-t", "json"], &dir.path().join("b.json"));
    assert!(err.contains("6 groups, 8 products"), "{err}");
    assert_eq!(by_with, by_folder, "the folder form reads the same pair");
    assert!(by_with.contains("\"amount\": \"76.50\""));

    let (xml, _) = converted(
        &["convert", PAIR_DIR, "-t", "kassatka-xml", "--kassatka-dialect", "1c", "--price-type", "Оптовая"],
        &dir.path().join("c.xml"),
    );
    assert!(
        xml.contains(
            "Name=\"Гречка ядрица 900 г\" UnitCode=\"796\" UnitName=\"Штука\" Article=\"КР-001\" Price=\"76.50\""
        ),
        "{xml}"
    );

    // A folder without a package: a clear error, exit 2 (the command line names the wrong thing).
    let out = run(&["convert", "samples/kassatka-xml", "-t", "json", "-o", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no CommerceML file"));
}

// ---------------------------------------------------------------------------------------------
// Orders for 1C
// ---------------------------------------------------------------------------------------------

const ORDER_SAMPLES: [&str; 5] = [
    "samples/bifit-orders/seed-order.json",
    "samples/bifit-orders/orders-array.json",
    "samples/bifit-orders/orders.jsonl",
    "samples/bifit-orders/broken-order.json",
    "samples/bifit-orders/unknown-status.json",
];

fn orders_to_commerceml(sample: &str) -> Result<(String, Diagnostics), Error> {
    let mut diag = Diagnostics::new(false);
    let input = open_sample(sample);
    let format = formats::find("bifit-orders")?;
    let mut sink = CollectSink::default();
    (format.reader.expect("bifit-orders reads"))(input, &ReadOptions::default(), &mut sink, &mut diag)?;
    let header = sink.header.expect("begin() was called");
    let xml = write_doc(&header, &sink.records, "commerceml", &WriteOptions::default(), &mut diag)?;
    Ok((xml, diag))
}

#[test]
fn bifit_orders_are_written_as_commerceml_documents() {
    for sample in ORDER_SAMPLES {
        let (xml, diag) = orders_to_commerceml(sample).unwrap_or_else(|e| panic!("{sample}: {e}"));
        let name = sample.rsplit('/').next().expect("a file name").replace('.', "_");
        insta::assert_snapshot!(
            name,
            format!("input: {sample}\nwarnings:\n{}--- commerceml ---\n{xml}", warnings_text(&diag))
        );
    }
}

#[test]
fn written_orders_are_well_formed_xml() {
    if Command::new("xmllint").arg("--version").output().is_err() {
        assert!(std::env::var_os("KASSA_BRIDGE_REQUIRE_XMLLINT").is_none(), "xmllint is required but missing");
        eprintln!("skipped: xmllint is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    for sample in ORDER_SAMPLES {
        let (xml, _) = orders_to_commerceml(sample).unwrap_or_else(|e| panic!("{sample}: {e}"));
        let path = dir.path().join("orders.xml");
        std::fs::write(&path, &xml).expect("written");
        let out = Command::new("xmllint").arg("--noout").arg(&path).output().expect("xmllint runs");
        assert!(out.status.success(), "{sample}: {}\n{xml}", String::from_utf8_lossy(&out.stderr));
        // And what it holds reads back as CommerceML.
        assert_eq!(commerceml::sniff(&xml), 2);
    }
}

// ---------------------------------------------------------------------------------------------
// Flat memory: goods are emitted while the import is still being read
// ---------------------------------------------------------------------------------------------

const BIG: usize = 20_000;

fn big_import() -> String {
    let mut s = String::from(
        "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" \
         ВерсияСхемы=\"2.08\">\n<Классификатор><Группы><Группа><Ид>g</Ид><Наименование>Все</Наименование></Группа>\
         </Группы></Классификатор>\n<Каталог><Товары>\n",
    );
    for i in 0..BIG {
        s.push_str(&format!(
            "<Товар><Ид>goods-{i}</Ид><Штрихкод>{:013}</Штрихкод><Наименование>Товар номер {i}</Наименование>\
             <БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\">шт</БазоваяЕдиница><Группы><Ид>g</Ид></Группы></Товар>\n",
            4_600_000_000_000u64 + i as u64
        ));
    }
    s.push_str("</Товары></Каталог>\n</КоммерческаяИнформация>\n");
    s
}

fn big_offers() -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.08\"><ПакетПредложений>\
         <ТипыЦен><ТипЦены><Ид>r</Ид><Наименование>Розничная</Наименование></ТипЦены></ТипыЦен><Предложения>\n",
    );
    for i in 0..BIG {
        s.push_str(&format!(
            "<Предложение><Ид>goods-{i}</Ид><Цены><Цена><ИдТипаЦены>r</ИдТипаЦены><ЦенаЗаЕдиницу>{i}.90</ЦенаЗаЕдиницу>\
             </Цена></Цены><Количество>1</Количество></Предложение>\n"
        ));
    }
    s.push_str("</Предложения></ПакетПредложений></КоммерческаяИнформация>\n");
    s
}

/// Counts bytes as the reader pulls them.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Holds nothing: counts records and notes how much of the import had been read when the first
/// product arrived.
struct CountOnly {
    read: Arc<AtomicU64>,
    products: u64,
    groups: u64,
    first_product_at: Option<u64>,
    last_price: Option<String>,
}

impl RecordSink for CountOnly {
    fn begin(&mut self, _: &Header, _: &mut Diagnostics) -> kassa_bridge::Result<()> {
        Ok(())
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> kassa_bridge::Result<()> {
        match record {
            Record::Product(p) => {
                self.products += 1;
                self.first_product_at.get_or_insert(self.read.load(Ordering::Relaxed));
                self.last_price = p.prices.first().and_then(|pr| pr.amount).map(|a| a.to_string());
            }
            Record::Group(_) => self.groups += 1,
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, _: &mut Diagnostics) -> kassa_bridge::Result<()> {
        Ok(())
    }
}

#[test]
fn a_big_import_streams_through_a_sink_that_holds_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let offers = dir.path().join("offers.xml");
    std::fs::write(&offers, big_offers()).expect("written");
    let import = big_import().into_bytes();
    let total = import.len() as u64;
    let read = Arc::new(AtomicU64::new(0));
    let reader = Counting { inner: std::io::Cursor::new(import), read: read.clone() };
    let input = RawInput::from_reader("big-import.xml".into(), None, Box::new(reader)).expect("the head reads");
    let mut sink = CountOnly { read: read.clone(), products: 0, groups: 0, first_product_at: None, last_price: None };
    let mut diag = Diagnostics::new(false);
    commerceml::read(input, &with(offers.to_str()), &mut sink, &mut diag).expect("the big pair reads");
    assert_eq!((sink.groups, sink.products), (1, BIG as u64));
    assert_eq!(sink.last_price.as_deref(), Some("19999.90"), "the last goods got their offer's price");
    assert_eq!(diag.total(), 0, "{}", warnings_text(&diag));
    // The first product came out while most of the import was still unread: nothing waits for the
    // end of the file.
    let at = sink.first_product_at.expect("a product arrived");
    assert!(at < total / 4, "the first product arrived after reading {at} of {total} bytes");
    assert_eq!(read.load(Ordering::Relaxed), total);
}

// ---------------------------------------------------------------------------------------------
// Edge cases of merging, on small inline documents
// ---------------------------------------------------------------------------------------------

fn cml(body: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.05\">\n{body}\n</КоммерческаяИнформация>\n")
}

fn goods_xml(id: &str, name: &str, extra: &str) -> String {
    format!("<Товар><Ид>{id}</Ид><Наименование>{name}</Наименование>{extra}</Товар>")
}

fn offer_xml(id: &str, name: &str, prices: &[(&str, &str)]) -> String {
    let prices: String = prices
        .iter()
        .map(|(t, a)| format!("<Цена><ИдТипаЦены>{t}</ИдТипаЦены><ЦенаЗаЕдиницу>{a}</ЦенаЗаЕдиницу></Цена>"))
        .collect();
    format!("<Предложение><Ид>{id}</Ид><Наименование>{name}</Наименование><Цены>{prices}</Цены></Предложение>")
}

/// Reads an inline pair from files in a temp dir: the records and the warnings, or the error.
fn read_pair(import: &str, offers: Option<&str>) -> Result<(Vec<Record>, Vec<String>), Error> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let import_path = dir.path().join("import.xml");
    std::fs::write(&import_path, import).expect("written");
    let offers_path = offers.map(|o| {
        let p = dir.path().join("offers.xml");
        std::fs::write(&p, o).expect("written");
        p
    });
    let opts = ReadOptions { with: offers_path.into_iter().collect(), ..ReadOptions::default() };
    let mut sink = CollectSink::default();
    let mut diag = Diagnostics::new(false);
    commerceml::read(RawInput::open(&import_path)?, &opts, &mut sink, &mut diag)?;
    Ok((sink.records, diag.kept().map(|w| format!("{} {}", w.kind, w.message)).collect()))
}

#[test]
fn goods_without_offers_offers_without_goods_and_a_characteristic_beside_its_goods() {
    let import = cml(&format!(
        "<Классификатор><ТипыЦен><ТипЦены><Ид>t1</Ид><Наименование>Розничная</Наименование></ТипЦены></ТипыЦен></Классификатор>\
         <Каталог><Товары>{}{}{}</Товары></Каталог>",
        goods_xml("a", "Без предложения", ""),
        goods_xml("b", "Ботинки", "<Штрихкод>4600000000017</Штрихкод>"),
        goods_xml("c", "Сок", "<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>18</Ставка></СтавкаНалога></СтавкиНалогов>"),
    ));
    // Price types come from the import's classifier (2.08+); `x` is in neither.
    let offers = cml(&format!(
        "<ПакетПредложений><Предложения>{}{}{}{}{}</Предложения></ПакетПредложений>",
        offer_xml("b", "Ботинки", &[("t1", "3000")]),
        offer_xml("b#42", "Ботинки (42)", &[("t1", "3100")]),
        offer_xml("c", "Сок", &[("x", "99.90")]),
        offer_xml("zzz", "Нет в каталоге", &[("t1", "1")]),
        offer_xml("b#42", "Ботинки (42) снова", &[("t1", "1")]),
    ));
    let (records, warnings) = read_pair(&import, Some(&offers)).expect("the pair reads");
    let all = products(&records);
    let summary: Vec<(String, String, Vec<String>)> = all
        .iter()
        .map(|p| {
            let prices = p
                .prices
                .iter()
                .map(|pr| format!("{}={}", pr.price_type, pr.amount.map(|a| a.to_string()).unwrap_or_default()));
            (p.code.clone(), p.name.clone(), prices.collect())
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("a".to_string(), "Без предложения".to_string(), vec![]),
            ("b#42".into(), "Ботинки (42)".into(), vec!["Розничная=3100".to_string()]),
            ("b".into(), "Ботинки".into(), vec!["Розничная=3000".into()]),
            ("c".into(), "Сок".into(), vec!["x=99.90".into()]),
        ]
    );
    // The characteristic does not inherit the goods' barcode; the goods keep it.
    assert!(all[1].barcodes.is_empty() && all[2].barcodes == ["4600000000017"]);
    assert_eq!(all[3].extra.get("СтавкаНалога НДС").map(String::as_str), Some("18"));
    let has = |prefix: &str| warnings.iter().any(|w| w.starts_with(prefix));
    assert!(has("value-dropped offer b#42 appears twice"), "{warnings:#?}");
    assert!(has("price-missing product a (Без предложения) has no offer"), "{warnings:#?}");
    assert!(has("product-split goods b (Ботинки) have 1 characteristic:"), "{warnings:#?}");
    assert!(has("value-assumed price type \"x\" is not in ТипыЦен"), "{warnings:#?}");
    assert!(has("value-kept-as-text product c: VAT rate \"18\""), "{warnings:#?}");
    assert!(has("offer-skipped 1 offers name goods the catalogue does not list (zzz)"), "{warnings:#?}");
}

#[test]
fn broken_values_are_positioned_errors() {
    let import = cml(&format!("<Каталог><Товары>{}</Товары></Каталог>", goods_xml("a", "А", "")));
    let offers = cml(&format!(
        "<ПакетПредложений><Предложения>\n{}</Предложения></ПакетПредложений>",
        offer_xml("a", "А", &[("t", "12,3,4")])
    ));
    let err = read_pair(&import, Some(&offers)).expect_err("a bad price");
    let text = err.to_string();
    assert!(
        text.contains("offers.xml: line 4, column ") && text.contains("Цена/ЦенаЗаЕдиницу: bad value \"12,3,4\""),
        "{text}"
    );

    let import = cml("<Каталог><Товары><Товар><Наименование>Без Ид</Наименование></Товар></Товары></Каталог>");
    let err = read_pair(&import, None).expect_err("goods without Ид");
    assert!(err.to_string().contains("line 3, column 18: Товар/Ид: goods without Ид"), "{err}");

    let orders = cml("<Документ><Ид>1</Ид><ХозОперация>Заказ товара</ХозОперация></Документ>");
    let err = read_pair(&import, Some(&orders)).expect_err("orders and goods in one package");
    assert!(matches!(err.kind(), ErrorKind::Usage(_)) && err.to_string().contains("convert them separately"), "{err}");

    let err =
        read_pair(&cml("<Документ/>").replace("КоммерческаяИнформация", "Другое"), None).expect_err("another root");
    assert!(err.to_string().contains("expected <КоммерческаяИнформация>"), "{err}");
}
