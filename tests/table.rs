//! The `table` reader: spreadsheet and CSV price lists.
//!
//! The binary samples in `samples/table/` are made by `table_samples` (`cargo test --test table
//! -- --ignored generate_samples` rewrites them).

mod support;
mod table_samples;

use std::path::PathBuf;
use std::process::Command;

use kassa_bridge::formats::{self, table};
use kassa_bridge::model::Record;
use kassa_bridge::options::{ReadOptions, WriteOptions};
use kassa_bridge::sink::CollectSink;
use kassa_bridge::text::RawInput;
use kassa_bridge::Diagnostics;
use proptest::prelude::*;
use rust_decimal::Decimal;

use support::{exit_class, open_sample, root, warnings_text, SharedBuf};
use table_samples::{xlsx, C, E, M, N, S};

#[test]
#[ignore = "rewrites samples/table; run on purpose"]
fn generate_samples() {
    table_samples::write_all(&root().join("samples/table"));
}

// ---------------------------------------------------------------------------------------------
// Reading helpers

fn opts(columns: &[&str]) -> ReadOptions {
    ReadOptions { columns: columns.iter().map(|s| s.to_string()).collect(), ..ReadOptions::default() }
}

/// Reads with `table` (or the detected format) into canonical JSON, with the notes and warnings,
/// or the error.
fn describe(input: RawInput, detect: bool, read: &ReadOptions) -> String {
    let name = input.name.to_string();
    let mut diag = Diagnostics::new(false);
    let mut out = format!("input: {name}\n");
    let result = (if detect { formats::detect(&input) } else { formats::find(table::NAME) }).and_then(|format| {
        out.push_str(&format!("format: {}{}\n", format.name, if detect { " (detected)" } else { "" }));
        let buf = SharedBuf::default();
        let json = formats::find("canonical-json")?;
        let mut sink = (json.writer.expect("canonical-json writes"))(Box::new(buf.clone()), &WriteOptions::default())?;
        (format.reader.expect("a readable format"))(input, read, sink.as_mut(), &mut diag)?;
        drop(sink);
        Ok(buf.text())
    });
    for note in diag.notes() {
        out.push_str(&format!("note: {note}\n"));
    }
    match result {
        Ok(json) => out.push_str(&format!("warnings:\n{}--- canonical-json ---\n{json}", warnings_text(&diag))),
        Err(err) => {
            let (code, class) = exit_class(err.kind());
            out.push_str(&format!("error (exit {code}, {class}):\n  {err}\n"));
        }
    }
    out
}

fn read_table(input: RawInput, read: &ReadOptions) -> Result<Vec<Record>, kassa_bridge::Error> {
    let mut sink = CollectSink::default();
    let mut diag = Diagnostics::new(true);
    table::read(input, read, &mut sink, &mut diag)?;
    Ok(sink.records)
}

/// Reads without `--strict`: the records and what was reported.
fn read_lenient(input: RawInput, read: &ReadOptions) -> (Vec<Record>, Diagnostics) {
    let mut sink = CollectSink::default();
    let mut diag = Diagnostics::new(false);
    table::read(input, read, &mut sink, &mut diag).expect("the table reads");
    (sink.records, diag)
}

/// The warnings of one kind: how many, and the text of the first.
fn warning(diag: &Diagnostics, kind: &str) -> (u64, String) {
    let group = diag.groups().get(kind).unwrap_or_else(|| panic!("no {kind} warning: {}", warnings_text(diag)));
    (group.count, group.examples[0].to_string())
}

fn xlsx_input(rows: Vec<Vec<C>>) -> RawInput {
    RawInput::from_bytes("p.xlsx", xlsx(&[("Лист1", rows)])).expect("bytes")
}

fn products(records: &[Record]) -> Vec<&kassa_bridge::model::Product> {
    records.iter().filter_map(|r| if let Record::Product(p) = r { Some(p) } else { None }).collect()
}

fn price_text(records: &[Record], code: &str) -> Vec<String> {
    let p = products(records).into_iter().find(|p| p.code == code).unwrap_or_else(|| panic!("no product {code}"));
    p.prices.iter().map(|pr| format!("{}={}", pr.price_type, pr.amount.expect("an amount"))).collect()
}

// ---------------------------------------------------------------------------------------------
// Snapshots

#[test]
fn samples_read_as_snapshotted() {
    let samples = [
        "price-list.xlsx",
        "price-list.ods",
        "price-list.csv",
        "sci-barcode.xlsx",
        "shop-price-list.xlsx",
        "shop-price-list.csv",
        "tdsheet-two-header-rows.xlsx",
        "excel95-no-codepage.xls",
        "excel95-bad-sheet-offset.xls",
    ];
    for sample in samples {
        let rel = format!("samples/table/{sample}");
        insta::assert_snapshot!(
            sample.replace(['.', '-'], "_"),
            describe(open_sample(&rel), true, &ReadOptions::default())
        );
    }
    let mapped = ReadOptions { mapping: Some(PathBuf::from("samples/table/mapping.toml")), ..ReadOptions::default() };
    insta::assert_snapshot!(
        "unusual_xlsx_with_mapping_toml",
        describe(open_sample("samples/table/unusual.xlsx"), true, &mapped)
    );
}

#[test]
fn the_xlsx_and_the_ods_read_alike() {
    let xlsx = read_table(open_sample("samples/table/price-list.xlsx"), &ReadOptions::default()).expect("xlsx");
    let ods = read_table(open_sample("samples/table/price-list.ods"), &ReadOptions::default()).expect("ods");
    assert_eq!(xlsx, ods);
    assert_eq!(price_text(&xlsx, "456"), ["Розничная=1990.1"]);
    assert_eq!(price_text(&xlsx, "00125"), ["Розничная=36.9"]);
}

// ---------------------------------------------------------------------------------------------
// The acceptance criterion, through the real binary

#[test]
fn an_xlsx_price_list_converts_to_bifit_csv_with_exact_prices() {
    let out = Command::new(env!("CARGO_BIN_EXE_kassa-bridge"))
        .current_dir(root())
        .args(["convert", "samples/table/price-list.xlsx", "-t", "bifit-csv", "-o", "-"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let (csv, _, bad) = encoding_rs::WINDOWS_1251.decode(&out.stdout);
    assert!(!bad, "bifit-csv is Windows-1251");
    let row = csv.lines().find(|l| l.contains("Сыр «Российский»")).expect("the cheese row");
    assert!(row.contains(";1990.1;") || row.contains(";1990.10;"), "{row}");
    assert!(!csv.contains("1990.0999") && !csv.contains("45.8999") && !csv.contains("36.900000"), "{csv}");
    assert!(csv.contains(";45.9;") && csv.contains(";4607001000433;") && csv.contains("00123;"), "{csv}");
    assert!(
        stderr.contains("note: samples/table/price-list.xlsx: sheet «Лист1», header row 2: code ← A «Код»"),
        "{stderr}"
    );
}

#[test]
fn a_barcode_in_scientific_notation_names_its_cell() {
    let err = read_table(open_sample("samples/table/sci-barcode.xlsx"), &ReadOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Лист1!C12 (Штрихкод)"), "{text}");
    assert!(text.contains("\"4.6E+12\"") && text.contains("format the column as text"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Mapping

fn unusual_opts(columns: &[&str]) -> ReadOptions {
    ReadOptions { sheet: Some("2".into()), header_row: Some(3), ..opts(columns) }
}

#[test]
fn columns_map_by_letter_by_number_and_by_title() {
    let cases: [&[&str]; 3] = [
        &["code=A", "name=B", "barcode=C", "price=E"],
        &["code=1", "name=2", "barcode=3", "price=5"],
        &["code=арт. поставщика", "name=Полное наименование", "barcode=EAN-13", "price=Розница, руб."],
    ];
    for columns in cases {
        let records = read_table(open_sample("samples/table/unusual.xlsx"), &unusual_opts(columns)).expect("reads");
        let p = products(&records);
        assert_eq!(p.len(), 2, "{columns:?}");
        assert_eq!((p[0].code.as_str(), p[0].name.as_str()), ("AL-001", "Чай чёрный 100 г"));
        assert_eq!(p[0].barcodes, ["4601234567893"]);
        assert_eq!(price_text(&records, "AL-002"), ["Розничная=399.99"], "{columns:?}");
    }
}

#[test]
fn a_mapping_file_names_sheet_header_row_and_columns_and_flags_override_it() {
    let file = Some(PathBuf::from("samples/table/mapping.toml"));
    let records =
        read_table(open_sample("samples/table/unusual.xlsx"), &ReadOptions { mapping: file.clone(), ..opts(&[]) })
            .unwrap();
    assert_eq!(price_text(&records, "AL-001"), ["Опт, руб.=120.5", "Розничная=159.9"]);
    let flags = ReadOptions { mapping: file, ..opts(&["price=D"]) };
    let records = read_table(open_sample("samples/table/unusual.xlsx"), &flags).unwrap();
    assert_eq!(price_text(&records, "AL-001"), ["Опт, руб.=120.5"]);
}

#[test]
fn a_mapping_file_with_an_unknown_key_is_refused_with_its_line() {
    let read = ReadOptions { mapping: Some(PathBuf::from("samples/table/mapping-unknown-key.toml")), ..opts(&[]) };
    let err = read_table(open_sample("samples/table/unusual.xlsx"), &read).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(
            "samples/table/mapping-unknown-key.toml: line 7, column 1: mapping file: unknown field `cost`"
        ),
        "{text}"
    );
    assert_eq!(exit_class(err.kind()).1, "bad-input");
}

#[test]
fn bad_flags_and_missing_titles_are_usage_errors() {
    for (columns, wanted) in [
        (&["colour=A"][..], "expected field=column"),
        (&["code=A", "code=B"][..], "maps code twice"),
        (&["code=A", "name=Название"][..], "no column titled «Название»"),
    ] {
        let err = read_table(open_sample("samples/table/unusual.xlsx"), &unusual_opts(columns)).unwrap_err();
        assert!(err.to_string().contains(wanted), "{columns:?}: {err}");
    }
    let err = read_table(open_sample("samples/table/unusual.xlsx"), &opts(&[])).unwrap_err();
    assert!(err.to_string().contains("sheet «Инфо»: no header row in the first 20 rows"), "{err}");
    let err =
        read_table(open_sample("samples/table/unusual.xlsx"), &ReadOptions { sheet: Some("Цены".into()), ..opts(&[]) })
            .unwrap_err();
    assert!(err.to_string().contains("no sheet \"Цены\"; the sheets are «Инфо», «Прайс»"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// CSV

fn csv_input(text: &str) -> RawInput {
    RawInput::from_bytes("price.csv", text.as_bytes().to_vec()).expect("bytes")
}

#[test]
fn csv_with_commas_a_title_row_and_a_row_without_a_code() {
    let text = "Прайс на март,,,\nАртикул,Название,Цена,Комментарий\nX-1,Кофе,\"1 990,10\",\n,Чай,5,\n";
    let err = read_table(csv_input(text), &opts(&[])).unwrap_err();
    assert_eq!(err.to_string(), "price.csv: line 4, column 1: Артикул: bad value \"\": expected a product code (or an article): the row has a name but no code");
    let records = read_table(csv_input(&text.replace(",Чай", "X-2,Чай")), &opts(&[])).expect("reads");
    assert_eq!(price_text(&records, "X-1"), ["Розничная=1990.10"]);
    assert_eq!(products(&records)[1].article.as_deref(), Some("X-2"));
}

#[test]
fn csv_sniffs_only_weakly_and_a_table_without_titles_maps_by_position() {
    assert_eq!(table::sniff("Код;Наименование;Цена\n1;Хлеб;45,90\n"), 1);
    assert_eq!(table::sniff("EXTERNAL_CODE;NAME;PRICE\n"), 0);
    let records = read_table(
        csv_input("1;Хлеб;45,90\n2;Соль;12\n"),
        &ReadOptions { header_row: Some(0), ..opts(&["code=A", "name=B", "price=C"]) },
    )
    .unwrap();
    assert_eq!(price_text(&records, "2"), ["Розничная=12"]);
}

#[test]
fn one_mapped_title_finds_the_header_row_and_names_the_price_type() {
    let records =
        read_table(csv_input("SKU;Описание;Опт\nX1;Хлеб;4\n"), &opts(&["code=A", "name=B", "price=Опт"])).unwrap();
    assert_eq!(price_text(&records, "X1"), ["Опт=4"]);
}

#[test]
fn a_mapping_file_can_say_there_is_no_header_and_where_data_starts() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("m.toml");
    std::fs::write(&path, "header-row = 0\nfirst-row = 2\n[columns]\ncode = 1\nname = 2\nprice = 3\n").unwrap();
    let read = ReadOptions { mapping: Some(path), ..opts(&[]) };
    let records = read_table(csv_input("Остатки на 01.03;;\n1;Хлеб;45,90\n"), &read).unwrap();
    assert_eq!(price_text(&records, "1"), ["Розничная=45.90"]);
    assert_eq!(products(&records).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Exactness of float cells

fn read_prices_xlsx(values: &[f64]) -> Vec<Decimal> {
    let mut rows = vec![vec![S("Код"), S("Наименование"), S("Цена")]];
    rows.extend(values.iter().enumerate().map(|(i, v)| vec![N(i as f64 + 1.0), S("x"), N(*v)]));
    let bytes = xlsx(&[("Лист1", rows)]);
    let records =
        read_table(RawInput::from_bytes("p.xlsx", bytes).expect("bytes"), &ReadOptions::default()).expect("reads");
    products(&records).iter().map(|p| p.prices[0].amount.expect("an amount")).collect()
}

fn decimals() -> impl Strategy<Value = Decimal> {
    (-99_999_999_999_999i64..100_000_000_000_000i64, 0u32..=2)
        .prop_map(|(m, scale)| Decimal::new(m, scale))
        .prop_filter("below 1e12", |d| d.abs() < Decimal::from(1_000_000_000_000i64))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any decimal with up to 2 fraction digits below 1e12, stored as the float Excel stores,
    /// reads back as exactly that decimal.
    #[test]
    fn a_float_cell_reads_back_as_the_decimal_typed(values in prop::collection::vec(decimals(), 1..40)) {
        let floats: Vec<f64> = values.iter().map(|d| d.to_string().parse::<f64>().expect("a float")).collect();
        let read = read_prices_xlsx(&floats);
        let normal = |v: &[Decimal]| v.iter().map(|d| d.normalize().to_string()).collect::<Vec<_>>();
        prop_assert_eq!(normal(&read), normal(&values));
    }
}

// ---------------------------------------------------------------------------------------------
// Price lists as shops keep them

fn prices_of(records: &[Record], code: &str) -> Vec<(String, String, Option<bool>)> {
    let p = products(records).into_iter().find(|p| p.code == code).unwrap_or_else(|| panic!("no product {code}"));
    p.prices
        .iter()
        .map(|pr| (pr.price_type.clone(), pr.amount.expect("an amount").to_string(), pr.includes_vat))
        .collect()
}

#[test]
fn a_shop_price_list_reads_prices_groups_and_skips_what_is_not_a_product() {
    for (sample, row) in [("shop-price-list.xlsx", "row"), ("shop-price-list.csv", "line")] {
        let input = open_sample(&format!("samples/table/{sample}"));
        assert_eq!(formats::detect(&input).expect("detected").name, table::NAME, "{sample}");
        let (records, diag) = read_lenient(input, &ReadOptions::default());
        let groups: Vec<&str> = records
            .iter()
            .filter_map(|r| if let Record::Group(g) = r { Some(g.code.as_str()) } else { None })
            .collect();
        assert_eq!(groups, ["Молочные продукты", "Хлеб"], "{sample}");
        let parents: Vec<(&str, Option<&str>)> =
            products(&records).iter().map(|p| (p.code.as_str(), p.parent.as_deref())).collect();
        let dairy = Some("Молочные продукты");
        assert_eq!(
            parents,
            [("00123", dairy), ("460700100043300001", dairy), ("00124", Some("Хлеб")), ("00125", Some("Хлеб"))],
            "{sample}: every product kept, the 18-digit code as text"
        );
        let with_vat = |amount: &str| ("Розничная".to_string(), amount.to_string(), Some(true));
        let without_vat = |amount: &str| ("цена без НДС,руб".to_string(), amount.to_string(), Some(false));
        assert_eq!(prices_of(&records, "460700100043300001"), [with_vat("1990"), without_vat("1658.33")]);
        assert_eq!(prices_of(&records, "00125"), [with_vat("52.50"), without_vat("43.75")]);
        let (count, text) = warning(&diag, "total-rows-skipped");
        assert_eq!(count, 1);
        assert!(
            text.contains(&format!("1 «Итого»/«Всего» row(s) skipped, they are not products: {row} 14 «Итого:»")),
            "{text}"
        );
        let (count, text) = warning(&diag, "text-rows-skipped");
        assert_eq!(count, 1, "one warning for the kind");
        assert!(text.contains("2 row(s) of text without a code or a price skipped"), "{text}");
        assert!(text.contains(&format!("{row} 16 «Цены действительны до 31.03.2024», {row} 17 «Менеджер:")), "{text}");
        let (_, text) = warning(&diag, "price-text-stripped");
        assert!(text.contains("2 price cell(s) held text") && text.contains("«1 990 руб.» → 1990"), "{text}");
        assert_eq!(diag.total(), 3, "{sample}: {}", warnings_text(&diag));
        assert!(diag.notes()[1].to_string().contains("2 group heading row(s) read as groups"), "{:?}", diag.notes());
    }
}

#[test]
fn the_price_titles_people_use_become_prices_named_by_their_titles() {
    let titles =
        ["Опт", "Цена", "Цена, руб.", "Цена розн.", "Розница", "Стоимость", "цена с НДС, руб", "цена без НДС,руб"];
    let mut header = vec![S("Код"), S("Наименование")];
    header.extend(titles.iter().map(|t| S(t)));
    let mut row = vec![S("1"), S("Хлеб")];
    row.extend((1..=titles.len()).map(|n| N(n as f64)));
    let (records, _) = read_lenient(xlsx_input(vec![header, row]), &ReadOptions::default());
    let expected: Vec<(String, String, Option<bool>)> = [
        ("Опт", None),
        ("Розничная", None),
        ("Цена, руб.", None),
        ("Цена розн.", None),
        ("Розница", None),
        ("Стоимость", None),
        ("цена с НДС, руб", Some(true)),
        ("цена без НДС,руб", Some(false)),
    ]
    .iter()
    .enumerate()
    .map(|(i, (ty, vat))| (ty.to_string(), (i + 1).to_string(), *vat))
    .collect();
    assert_eq!(prices_of(&records, "1"), expected);
}

/// Runs the binary in the crate root: exit code, stdout, stderr.
fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kassa-bridge")).current_dir(root()).args(args).output().expect("runs");
    (out.status.code().expect("exited normally"), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_list_with_wholesale_first_sells_at_the_retail_price() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("opt.xlsx");
    let rows = vec![vec![S("Код"), S("Наименование"), S("Опт"), S("Цена")], vec![S("1"), S("Хлеб"), N(40.0), N(45.9)]];
    std::fs::write(&path, xlsx(&[("Лист1", rows)])).expect("write");
    let path = path.to_str().expect("a UTF-8 path");
    let (code, stdout, stderr) = run(&["convert", path, "-t", "bifit-csv", "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    let csv = encoding_rs::WINDOWS_1251.decode(&stdout).0.into_owned();
    assert!(csv.lines().nth(1).is_some_and(|l| l.starts_with(";1;;Хлеб;;45.9;")), "{csv}");
    let (code, stdout, stderr) = run(&["convert", path, "-t", "kassatka-xml", "--kassatka-dialect", "1c", "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    let xml = String::from_utf8(stdout).expect("UTF-8");
    assert!(xml.contains(r#"Name="Хлеб" UnitCode="" UnitName="" Article="" Price="45.9""#), "{xml}");
}

#[test]
fn the_shop_price_list_converts_to_bifit_csv_with_every_product_and_its_selling_price() {
    let (code, stdout, stderr) = run(&["convert", "samples/table/shop-price-list.xlsx", "-t", "bifit-csv", "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    let csv = encoding_rs::WINDOWS_1251.decode(&stdout).0.into_owned();
    let products: Vec<(&str, &str)> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect::<Vec<_>>())
        .filter(|cells| cells[17] != "1") // GROUPED: a folder
        .map(|cells| (cells[1], cells[5]))
        .collect();
    let expected = [("00123", "89.9"), ("460700100043300001", "1990"), ("00124", "45.9"), ("00125", "52.50")];
    assert_eq!(products, expected, "{csv}");
    assert!(stderr.contains("[total-rows-skipped]") && stderr.contains("[text-rows-skipped]"), "{stderr}");
}

#[test]
fn a_table_without_a_price_column_says_so_loudly_and_inspect_reports_it() {
    let text = "Код;Наименование;Остаток\n1;Хлеб;5\n";
    let input = || RawInput::from_bytes("stock.csv", text.as_bytes().to_vec()).expect("bytes");
    let (records, diag) = read_lenient(input(), &opts(&[]));
    assert!(products(&records)[0].prices.is_empty());
    let (_, message) = warning(&diag, "prices-missing");
    assert_eq!(
        message,
        "stock.csv: CSV (UTF-8): no price column found among the titles «Код», «Наименование», «Остаток»; products \
         are read WITHOUT prices; map one with --column price=TITLE (or a letter such as price=D) [prices-missing]"
    );
    let mut diag = Diagnostics::new(false);
    let report = kassa_bridge::inspect::inspect(input(), Some("table"), &opts(&[]), &mut diag).expect("inspects");
    assert_eq!(report.findings.iter().map(|f| f.check).collect::<Vec<_>>(), ["prices-missing"]);
}

#[test]
fn a_header_under_a_title_block_or_in_two_rows_is_found() {
    let (records, diag) = read_lenient(open_sample("samples/table/tdsheet-two-header-rows.xlsx"), &opts(&[]));
    assert!(
        diag.notes()[0].to_string().contains("sheet «TDSheet», header rows 3–4: code ← A «Код»"),
        "{:?}",
        diag.notes()
    );
    let retail = |a: &str| ("Розничная".to_string(), a.to_string(), None);
    let wholesale = |a: &str| ("Оптовая".to_string(), a.to_string(), None);
    assert_eq!(prices_of(&records, "000000124"), [retail("129.9"), wholesale("110")]);
    assert_eq!(products(&records)[0].parent.as_deref(), Some("Бытовая химия"));
    // A merged title row above the sub-titles: the sub-titles are the header.
    let rows = vec![
        vec![M("Товар", 0, 1), E, M("Цены", 0, 1)],
        vec![S("Код"), S("Наименование"), S("Розничная"), S("Оптовая")],
        vec![S("7"), S("Соль"), N(20.0), N(15.0)],
    ];
    let (records, diag) = read_lenient(xlsx_input(rows), &opts(&[]));
    assert!(diag.notes()[0].to_string().contains("header row 2:"), "{:?}", diag.notes());
    assert_eq!(prices_of(&records, "7"), [retail("20"), wholesale("15")]);
}

#[test]
fn headings_group_the_products_under_them_but_a_row_with_a_price_is_a_product() {
    let header = vec![S("Код"), S("Наименование"), S("Цена")];
    let rows = vec![header.clone(), vec![E, S("Напитки")], vec![E, S("Соки")], vec![S("1"), S("Сок"), N(90.0)]];
    let (records, _) = read_lenient(xlsx_input(rows), &opts(&[]));
    let groups = records.iter().filter(|r| matches!(r, Record::Group(_))).count();
    assert_eq!(groups, 2, "a heading with no products of its own is still a group");
    assert_eq!(products(&records)[0].parent.as_deref(), Some("Соки"));
    // A name and a price without a code is a product missing its code, not a heading.
    let err = read_table(xlsx_input(vec![header.clone(), vec![E, S("Сок"), N(90.0)]]), &opts(&[])).unwrap_err();
    assert!(err.to_string().contains("Лист1!A2 (Код): bad value \"\": expected a product code"), "{err}");
    // A code alone is a product missing its name.
    let err = read_table(xlsx_input(vec![header, vec![S("00123")]]), &opts(&[])).unwrap_err();
    assert!(err.to_string().contains("Лист1!B2 (Наименование)"), "{err}");
}

#[test]
fn price_text_in_another_currency_is_kept_and_other_text_is_an_error() {
    let header = vec![S("Код"), S("Наименование"), S("Цена")];
    let rows = vec![header.clone(), vec![S("1"), S("Ноутбук"), S("28500<span>грн</span>")]];
    let (records, diag) = read_lenient(xlsx_input(rows), &opts(&[]));
    assert_eq!(price_text(&records, "1"), ["Розничная=28500"]);
    let (_, text) = warning(&diag, "price-currency-foreign");
    assert!(text.contains("1 price cell(s) are in another currency (грн): the amounts are kept as written"), "{text}");
    assert!(text.contains("Лист1!C2 (Цена) «28500<span>грн</span>» → 28500"), "{text}");
    let err = read_table(xlsx_input(vec![header, vec![S("2"), S("Стол"), S("договорная")]]), &opts(&[])).unwrap_err();
    assert_eq!(exit_class(err.kind()).1, "bad-input");
    assert!(
        err.to_string().starts_with("p.xlsx: Лист1!C2 (Цена): bad value \"договорная\": expected a price"),
        "{err}"
    );
}

#[test]
fn an_excel_95_file_without_a_code_page_reads_as_cyrillic() {
    let (records, diag) = read_lenient(open_sample("samples/table/excel95-no-codepage.xls"), &opts(&[]));
    let names: Vec<&str> = products(&records).iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Хлеб бородинский", "Молоко 3,2%"]);
    assert_eq!(price_text(&records, "001"), ["Розничная=45.9"]);
    assert!(diag.notes()[0].to_string().contains("sheet «Лист1», header row 1: code ← A «Код»"), "{:?}", diag.notes());
    assert_eq!(warning(&diag, "xls-codepage-guessed").0, 1);
}

#[test]
fn a_file_that_makes_the_spreadsheet_library_panic_is_a_clear_error() {
    let sample = "samples/table/excel95-bad-sheet-offset.xls";
    let err = read_table(open_sample(sample), &opts(&[])).unwrap_err();
    assert_eq!(exit_class(err.kind()).1, "bad-input");
    let (code, _, stderr) = run(&["convert", sample, "-t", "bifit-csv", "-o", "-"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: {sample}: the spreadsheet library failed on this file (range start index 2147418112 out of range \
             for slice of length 4096); open it in Excel or LibreOffice, save it as .xlsx and convert that"
        )
    );
}
