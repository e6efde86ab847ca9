//! The `table` reader: spreadsheet and CSV price lists.
//!
//! The binary samples in `samples/table/` are made by `generate_samples` below
//! (`cargo test --test table -- --ignored generate_samples` rewrites them).

mod support;

use std::io::{Cursor, Write};
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

// ---------------------------------------------------------------------------------------------
// Sample data, written both as xlsx and as ods

#[derive(Clone, Copy)]
enum C<'a> {
    S(&'a str),
    N(f64),
    /// A number shown as a percentage (stored as 0.1 for 10 %).
    P(f64),
    E,
}

use C::{E, N, P, S};

/// `price-list.*`: a title row above the header, float prices, integer-valued float barcodes,
/// codes with leading zeros stored as text, a percentage VAT cell, a formula-like float.
fn price_list() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S("Прайс-лист ООО «Ромашка» на 01.03.2024")],
        vec![S("Код"), S("Наименование"), S("Штрихкод"), S("Цена"), S("Ед. изм."), S("НДС"), S("Группа")],
        vec![S("00123"), S("Молоко 3,2% 1 л"), N(4607001000433.0), N(89.9), S("шт"), S("20%"), S("Молочные")],
        vec![N(456.0), S("Сыр «Российский»"), N(4607001000440.0), N(1990.1), S("кг"), P(0.1), S("Молочные")],
        vec![],
        vec![
            S("00124"),
            S("Хлеб бородинский"),
            S("4607001000457; 4607001000464"),
            N(45.9),
            N(796.0),
            S("без НДС"),
            S("Хлеб"),
        ],
        vec![S("A-17"), S("Пакет-майка"), E, N(5.0), S("шт"), N(20.0)],
        // 12.3 × 3 as a formula leaves 36.900000000000006 in the file; Excel shows 36.9.
        vec![S("00125"), S("Жевательная резинка ×3"), N(4607001000471.0), N(12.3 * 3.0), S("уп"), S("20")],
    ]
}

/// `sci-barcode.xlsx`: ten good rows, then a barcode Excel turned into `4.6E+12` text in C12.
fn sci_barcode() -> Vec<Vec<C<'static>>> {
    let mut rows = vec![vec![S("Код"), S("Наименование"), S("Штрихкод"), S("Цена")]];
    for i in 1..=10 {
        rows.push(vec![N(f64::from(i)), S("Товар"), N(4607001000400.0 + f64::from(i)), N(10.0)]);
    }
    rows.push(vec![N(11.0), S("Товар 11"), S("4.6E+12"), N(10.0)]);
    rows
}

/// `unusual.xlsx`, sheet «Прайс»: titles no reader would guess, mapped by `mapping.toml`.
fn unusual() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S("Поставщик: ООО «Альфа»")],
        vec![],
        vec![
            S("Арт. поставщика"),
            S("Полное наименование"),
            S("EAN-13"),
            S("Опт, руб."),
            S("Розница, руб."),
            S("Примечание"),
            S("Остаток"),
        ],
        vec![S("AL-001"), S("Чай чёрный 100 г"), N(4601234567893.0), N(120.5), N(159.9), S("новинка"), N(15.0)],
        vec![S("AL-002"), S("Кофе молотый 250 г"), S("4601234567886"), N(310.0), N(399.99), E, N(3.0)],
    ]
}

fn xlsx(sheets: &[(&str, Vec<Vec<C>>)]) -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2024, 3, 1).expect("a date");
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let percent = Format::new().set_num_format("0%");
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("a sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match *cell {
                    S(s) => sheet.write_string(r, c, s).map(|_| ()),
                    N(n) => sheet.write_number(r, c, n).map(|_| ()),
                    P(n) => sheet.write_number_with_format(r, c, n, &percent).map(|_| ()),
                    E => Ok(()),
                }
                .expect("a cell");
            }
        }
    }
    book.save_to_buffer().expect("an xlsx")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A minimal OpenDocument spreadsheet (mimetype, manifest, content).
fn ods(sheet: &str, rows: &[Vec<C>]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    content.push_str(&format!("<table:table table:name=\"{}\">\n", escape(sheet)));
    for row in rows {
        content.push_str("<table:table-row>");
        for cell in row.iter().chain(row.is_empty().then_some(&E)) {
            content.push_str(&match *cell {
                S(s) => format!("<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>", escape(s)),
                N(n) => format!("<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"),
                P(n) => format!("<table:table-cell office:value-type=\"percentage\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"),
                E => "<table:table-cell/>".to_string(),
            });
        }
        content.push_str("</table:table-row>\n");
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>\n");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).expect("zip");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("zip");
    zip.start_file("META-INF/manifest.xml", deflated).expect("zip");
    zip.write_all(manifest.as_bytes()).expect("zip");
    zip.start_file("content.xml", deflated).expect("zip");
    zip.write_all(content.as_bytes()).expect("zip");
    zip.finish().expect("zip").into_inner()
}

#[test]
#[ignore = "rewrites samples/table; run on purpose"]
fn generate_samples() {
    let dir = root().join("samples/table");
    std::fs::create_dir_all(&dir).expect("samples/table");
    std::fs::write(dir.join("price-list.xlsx"), xlsx(&[("Лист1", price_list())])).expect("write");
    std::fs::write(dir.join("price-list.ods"), ods("Лист1", &price_list())).expect("write");
    std::fs::write(dir.join("sci-barcode.xlsx"), xlsx(&[("Лист1", sci_barcode())])).expect("write");
    let info = vec![vec![S("Прайс поставщика на второй странице")]];
    std::fs::write(dir.join("unusual.xlsx"), xlsx(&[("Инфо", info), ("Прайс", unusual())])).expect("write");
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
    for sample in ["price-list.xlsx", "price-list.ods", "price-list.csv", "sci-barcode.xlsx"] {
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
