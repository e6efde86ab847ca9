//! CommerceML as real exports hold it (reference `real-files.md` §1): packages of any number of
//! parts whose roles come from their content, deleted goods, and orders documents.

mod support;

use support::run_bin as run;

use std::path::{Path, PathBuf};

use kassa_bridge::convert::open_path;
use kassa_bridge::diagnostics::Diagnostics;
use kassa_bridge::formats::commerceml::{self, parts_of, Role};
use kassa_bridge::formats::find;
use kassa_bridge::model::{Order, Product, Record};
use kassa_bridge::options::{ReadOptions, WriteOptions};
use kassa_bridge::sink::CollectSink;
use kassa_bridge::text::RawInput;

use support::{root, warning_messages, write_doc};

const PARTS: &str = "samples/commerceml/package-parts";
const UT11: &str = "samples/commerceml/ut11-offers-with-classifier";
const SITE: &str = "samples/commerceml/site-import-0-1";
const ORDERS: &str = "samples/commerceml/orders-cp1251.xml";

/// Reads a file or a package folder the way `convert` does.
fn read(path: &str) -> (Vec<Record>, Vec<String>) {
    let mut opts = ReadOptions::default();
    let input = open_path(Path::new(path), None, &mut opts).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut sink = CollectSink::default();
    let mut diag = Diagnostics::new(false);
    commerceml::read(input, &opts, &mut sink, &mut diag).unwrap_or_else(|e| panic!("{path}: {e}"));
    (sink.records, warning_messages(&diag))
}

fn products(records: &[Record]) -> Vec<&Product> {
    records.iter().filter_map(|r| if let Record::Product(p) = r { Some(p) } else { None }).collect()
}

fn product<'a>(records: &'a [Record], code: &str) -> &'a Product {
    products(records).into_iter().find(|p| p.code == code).unwrap_or_else(|| panic!("no product {code}"))
}

fn groups(records: &[Record]) -> Vec<(String, Option<String>)> {
    records
        .iter()
        .filter_map(|r| if let Record::Group(g) = r { Some((g.code.clone(), g.parent.clone())) } else { None })
        .collect()
}

#[test]
fn roles_come_from_what_a_file_holds_not_from_its_name_or_head() {
    let role = |p: &str| parts_of(&root().join(p)).map(|parts| parts.role());
    assert_eq!(role("samples/commerceml/ut11-offers-with-classifier/offers.xml"), Some(Role::Offers));
    assert_eq!(role("samples/commerceml/ut11-offers-with-classifier/import.xml"), Some(Role::Catalog));
    assert_eq!(role("samples/commerceml/site-import-0-1/import_0.xml"), Some(Role::Classifier));
    assert_eq!(role("samples/commerceml/site-import-0-1/import_1.xml"), Some(Role::Catalog));
    assert_eq!(role("samples/commerceml/package-parts/goods/1/rests___7e8f9a0b-rests.xml"), Some(Role::Offers));
    assert_eq!(role(ORDERS), Some(Role::Documents));
    assert_eq!(role("samples/kassatka-xml/seed-nomenclature.xml"), None);
}

#[test]
fn a_package_of_five_parts_in_sub_folders_merges_by_id() {
    let files = commerceml::package_files(Path::new(PARTS)).expect("the folder's files");
    assert_eq!(files.len(), 5, "{files:?}");
    let (records, warnings) = read(PARTS);
    // Groups from the classifier part, goods from the catalogue part.
    assert_eq!(groups(&records), [("grp-shoes".into(), None), ("grp-care".into(), None)]);
    let size41 = product(&records, "sh-1#s41");
    // Names, articles, barcodes and units from offers; amounts from prices; stock from rests.
    assert_eq!(size41.name, "Кроссовки беговые (41)");
    assert_eq!(size41.article.as_deref(), Some("RUN-41"));
    assert_eq!(size41.barcodes, ["2000000000411"]);
    assert_eq!(size41.unit.as_ref().map(|u| u.code.as_str()), Some("715"));
    assert_eq!(size41.prices.len(), 1);
    assert_eq!(size41.prices[0].price_type, "Розничная");
    assert_eq!(size41.prices[0].amount.map(|a| a.to_string()).as_deref(), Some("5490"));
    assert_eq!(size41.prices[0].includes_vat, Some(true), "the price type's VAT from the classifier part");
    assert_eq!(size41.extra.get("Количество").map(String::as_str), Some("4"));
    assert_eq!(size41.extra.get("Остатки по складам").map(String::as_str), Some("wh-main: 3; wh-shop: 1"));
    assert_eq!(size41.parent.as_deref(), Some("grp-shoes"));
    let cream = product(&records, "cr-1");
    assert_eq!(cream.barcodes, ["SN175060009539"], "a barcode that is not an EAN is kept as written");
    assert_eq!(cream.extra.get("Количество").map(String::as_str), Some("25"));
    assert!(!cream.deleted);
    assert!(product(&records, "cr-2").deleted, "Статус=\"Удален\" on the goods");
    assert_eq!(products(&records).len(), 4);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("sh-1#s41, sh-1#s42"), "{warnings:#?}");
}

#[test]
fn an_offers_file_that_begins_with_a_classifier_is_the_offers() {
    let (records, warnings) = read(UT11);
    assert!(warnings.is_empty(), "{warnings:#?}");
    // The classifier both files repeat gives its groups once.
    assert_eq!(groups(&records), [("g-food".into(), None), ("g-tea".into(), Some("g-food".into()))]);
    let black = product(&records, "t-100");
    let prices: Vec<(String, String)> =
        black.prices.iter().map(|p| (p.price_type.clone(), p.amount.unwrap().to_string())).collect();
    assert_eq!(prices, [("ЦП".to_string(), "149".to_string()), ("3) Мелкий Опт".into(), "120.50".into())]);
    assert_eq!(black.barcodes, ["4607001234562"], "<ШтрихКод> as well as <Штрихкод>");
    assert_eq!(product(&records, "t-101").barcodes, ["E18087200306"]);

    // No «Розничная»: a single-price target names the types and the option that picks one.
    let out = run(&["convert", UT11, "-t", "bifit-csv", "-o", "-"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"ЦП\", \"3) Мелкий Опт\"") && err.contains("--price-type"), "{err}");
    let out = run(&["convert", UT11, "-t", "bifit-csv", "--price-type", "ЦП", "-o", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn bitrix_characteristics_and_stock_per_warehouse() {
    let (records, warnings) = read("samples/commerceml/bitrix-characteristics");
    let size38 = product(&records, "kedy-7#size-38");
    assert_eq!(size38.barcodes, ["2000000380001"]);
    assert_eq!(size38.extra.get("Количество").map(String::as_str), Some("3"));
    assert_eq!(size38.extra.get("Остатки по складам").map(String::as_str), Some("main: 2; outlet: 1"));
    let size39 = product(&records, "kedy-7#size-39");
    assert_eq!(size39.extra.get("Количество").map(String::as_str), Some("5"), "Количество wins over the sum");
    assert!(product(&records, "kedy-8").deleted, "<Статус>Удален</Статус> as an element");
    assert_eq!(products(&records).len(), 3);
    assert!(warnings.iter().all(|w| !w.contains("appears twice")), "{warnings:#?}");
}

#[test]
fn import_0_and_import_1_with_offers_are_one_catalogue() {
    let (records, warnings) = read(SITE);
    assert_eq!(groups(&records), [("10".into(), None)]);
    let pen = product(&records, "501");
    assert_eq!((pen.parent.as_deref(), pen.prices[0].price_type.as_str()), (Some("10"), "BASE"));
    assert!(product(&records, "502").deleted, "ПометкаУдаления on the goods");
    assert!(warnings.iter().any(|w| w.contains("СодержитТолькоИзменения")), "{warnings:#?}");
    assert!(
        warnings.iter().any(|w| w.contains("1 offers name goods the catalogue does not list (777)")),
        "{warnings:#?}"
    );
}

#[test]
fn several_files_named_are_the_same_package_as_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> =
        commerceml::package_files(Path::new(PARTS)).unwrap().iter().map(|f| f.to_string_lossy().into_owned()).collect();
    // The offers part first: the order files are named in does not matter.
    let mut args: Vec<&str> = vec!["convert", &files[2], "-t", "json", "-o"];
    let by_files = dir.path().join("files.json");
    args.push(by_files.to_str().unwrap());
    for f in files.iter().filter(|f| **f != files[2]) {
        args.extend(["--with", f]);
    }
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let by_folder = dir.path().join("folder.json");
    let out = run(&["convert", PARTS, "-t", "json", "-o", by_folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(by_files).unwrap(), std::fs::read_to_string(by_folder).unwrap());
    // inspect takes the folder too.
    let out = run(&["inspect", PARTS]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("products:  4"), "{text}");
}

#[test]
fn deleted_goods_never_come_back_to_life() {
    let out = run(&["convert", SITE, "-t", "bifit-csv", "-o", "-"]);
    assert_eq!(out.status.code(), Some(0));
    let csv = support::decode_cp1251(&out.stdout);
    assert!(csv.contains("Ручка шариковая синяя") && !csv.contains("Тетрадь"), "{csv}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("product 502 (Тетрадь 48 л.) is marked deleted in the source; left out"), "{err}");

    let out = run(&["convert", SITE, "-t", "bifit-json", "-o", "-"]);
    let json = String::from_utf8_lossy(&out.stdout);
    let line = json.lines().find(|l| l.contains("Тетрадь")).expect("written hidden");
    assert!(line.contains("\"visible\":false"), "{line}");
    // … and read back from bifit-json, it is still deleted.
    let input = RawInput::from_bytes("items.json", out.stdout.clone()).unwrap();
    let mut sink = CollectSink::default();
    let mut diag = Diagnostics::new(false);
    (find("bifit-json").unwrap().reader.unwrap())(input, &ReadOptions::default(), &mut sink, &mut diag).unwrap();
    assert!(product(&sink.records, "502").deleted && !product(&sink.records, "501").deleted);

    // --strict: leaving a product out is a change the user must allow.
    let out = run(&["convert", SITE, "-t", "kassatka-xml", "--strict", "-o", "-"]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
}

fn orders_of(records: Vec<Record>) -> Vec<Order> {
    records.into_iter().filter_map(|r| if let Record::Order(o) = r { Some(o) } else { None }).collect()
}

#[test]
fn orders_documents_read_into_orders() {
    let (records, warnings) = read(ORDERS);
    let orders = orders_of(records);
    assert_eq!(orders.len(), 2);
    let first = &orders[0];
    assert_eq!(first.id.as_deref(), Some("1024"));
    assert_eq!(first.external_id, None, "Номер repeats Ид");
    assert_eq!(first.order_time.unwrap().to_rfc3339(), "2026-11-30T17:42:10+03:00");
    assert_eq!(first.total_amount.unwrap().to_string(), "1248.00");
    assert_eq!(first.delivery_amount.unwrap().to_string(), "108.00", "the ORDER_DELIVERY line");
    assert_eq!(
        (first.client_id.as_deref(), first.client_name.as_deref()),
        (Some("77#Иванова Мария#"), Some("Иванова Мария"))
    );
    assert_eq!(first.paid, Some(false));
    assert_eq!(first.lines.len(), 2);
    assert_eq!(first.lines[0].vat.map(|v| v.as_russian()), Some("20%"));
    assert_eq!(first.lines[1].quantity.to_string(), "0.850");
    assert_eq!(first.lines[1].extra.get("БазоваяЕдиница").map(String::as_str), Some("166"));
    // 1C's own status text and the other requisites are carried, not dropped.
    assert_eq!(first.extra.get("Статус заказа").map(String::as_str), Some("[N] Принят"));
    assert_eq!(first.extra.get("Метод оплаты").map(String::as_str), Some("Наличный расчет"));
    assert_eq!(
        first.extra.get("Контрагент/АдресРегистрации/Представление").map(String::as_str),
        Some("Казань, ул. Баумана, 5")
    );
    let second = &orders[1];
    assert_eq!(second.total_amount.unwrap().to_string(), "320.00", "330 − the 10 discount");
    assert_eq!(second.discount.unwrap().to_string(), "10.00");
    assert_eq!(second.extra.get("Номер по 1С").map(String::as_str), Some("00-000118"));
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("order 1025 has no Сумма; the total 320.00 is computed"), "{warnings:#?}");

    for to in ["bifit-orders", "orders-report"] {
        let out = run(&["convert", ORDERS, "-t", to, "-o", "-"]);
        assert_eq!(out.status.code(), Some(0), "{to}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn another_operation_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    let out = run(&[
        "convert",
        "samples/commerceml/hostile-other-operation.xml",
        "-t",
        "json",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("«Возврат товара»"), "{err}");
    assert!(!target.exists(), "no partial output");
}

/// What the commerceml writer writes, the reader reads back: every order field a document holds.
#[test]
fn orders_written_by_the_writer_read_back_identical() {
    let (records, _) = read(ORDERS);
    let mut orders = orders_of(records);
    // The reader's own output, minus what a written document does not carry back by design: the
    // 1C extras the writer reports as dropped.
    for o in &mut orders {
        o.extra.clear();
        for l in &mut o.lines {
            l.extra.clear();
            l.vat = None;
        }
    }
    orders[0].status = Some(kassa_bridge::model::OrderStatus::Accepted);
    orders[0].address = Some("Казань, ул. Баумана, 5".into());
    orders[1].delivery_type = Some(kassa_bridge::model::DeliveryType::Courier);
    orders[1].external_id = Some("ИМ-1025".into());
    let header = kassa_bridge::model::Header::new(kassa_bridge::model::DataKind::Orders);
    let records: Vec<Record> = orders.iter().cloned().map(Record::Order).collect();
    let mut diag = Diagnostics::new(false);
    let xml = write_doc(&header, &records, "commerceml", &WriteOptions::default(), &mut diag).expect("written");
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("orders.xml");
    std::fs::write(&path, &xml).unwrap();
    let (back, warnings) = read(path.to_str().unwrap());
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!(orders_of(back), orders, "{xml}");
}

mod round_trip {
    //! Any order a CommerceML document can hold comes back from the writer through the reader.
    use super::*;
    use chrono::{DateTime, FixedOffset};
    use kassa_bridge::model::{DeliveryType, OrderLine, OrderStatus};
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;
    use proptest::sample::select;
    use rust_decimal::Decimal;

    /// Text as XML elements give it back: no whitespace at the ends (the reader trims it).
    fn text() -> impl Strategy<Value = String> {
        "[а-яА-Яa-z0-9\"&<>'№]{1,6}( [а-яa-z0-9.,&-]{1,6}){0,2}"
    }

    fn money() -> impl Strategy<Value = Decimal> {
        (1i64..10_000_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s))
    }

    /// Whole seconds (a document has no fractions) in years a `yyyy-mm-dd` date holds.
    fn time() -> impl Strategy<Value = DateTime<FixedOffset>> {
        (946_684_800i64..4_102_444_800, -12i32..=14).prop_map(|(secs, hours)| {
            DateTime::from_timestamp(secs, 0).unwrap().with_timezone(&FixedOffset::east_opt(hours * 3600).unwrap())
        })
    }

    fn line() -> impl Strategy<Value = OrderLine> {
        (text(), text(), option::of("[0-9]{8,13}"), money(), money(), option::of(money()), money()).prop_map(
            |(code, name, barcode, quantity, price, discount, sum)| OrderLine {
                product_code: Some(code),
                name,
                barcode,
                quantity,
                price: Some(price),
                discount,
                sum: Some(sum),
                ..OrderLine::default()
            },
        )
    }

    fn order() -> impl Strategy<Value = Order> {
        let delivery = select(vec![DeliveryType::Courier, DeliveryType::SelfPickup, DeliveryType::Service]);
        (
            (text(), option::of(text()), option::of(select(OrderStatus::ALL.to_vec())), option::of(time())),
            (option::of(time()), option::of(delivery), option::of(time()), option::of(money())),
            (option::of(text()), option::of(text()), text(), option::of(any::<bool>()), option::of(money())),
            (money(), option::of(text()), vec(line(), 0..4)),
        )
            .prop_map(
                |(
                    (id, external_id, status, status_time),
                    (order_time, delivery_type, delivery_time, delivery_amount),
                    (address, client_id, client_name, paid, discount),
                    (total_amount, comment, lines),
                )| Order {
                    external_id: external_id.filter(|e| *e != id),
                    id: Some(id),
                    status,
                    status_time,
                    order_time,
                    delivery_type,
                    delivery_time,
                    delivery_amount,
                    address,
                    client_id,
                    client_name: Some(client_name),
                    paid,
                    discount,
                    total_amount: Some(total_amount),
                    comment,
                    lines,
                    ..Order::default()
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn orders_written_as_commerceml_read_back_identical(orders in vec(order(), 1..4)) {
            let header = kassa_bridge::model::Header::new(kassa_bridge::model::DataKind::Orders);
            let records: Vec<Record> = orders.iter().cloned().map(Record::Order).collect();
            let mut diag = Diagnostics::new(false);
            let xml = write_doc(&header, &records, "commerceml", &WriteOptions::default(), &mut diag).unwrap();
            let input = RawInput::from_bytes("orders.xml", xml.clone().into_bytes()).unwrap();
            let mut sink = CollectSink::default();
            let mut diag = Diagnostics::new(false);
            commerceml::read(input, &ReadOptions::default(), &mut sink, &mut diag).unwrap();
            prop_assert_eq!(diag.total(), 0, "{:?}", warning_messages(&diag));
            prop_assert_eq!(orders_of(sink.records), orders, "{}", xml);
        }
    }
}
