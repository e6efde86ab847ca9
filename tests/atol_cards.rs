//! `atol-goods` written one line per barcode (reference `real-files.md` §2): consecutive lines of
//! one code are one Frontol card with all their barcodes; lines of a code that are not
//! consecutive stay separate products, which `inspect` and `convert` both report. Also the other
//! real structures of §2: UTF-8, trailing spaces after the header lines, decimal points, no final
//! newline, and a file of commands only (an empty catalogue).

mod support;

use kassa_bridge::convert::{convert, ConvertOptions};
use kassa_bridge::model::{Product, Record};
use kassa_bridge::options::{KassatkaDialect, ReadOptions, WriteOptions};
use kassa_bridge::output::OutputTarget;
use kassa_bridge::Diagnostics;

use support::{decode_cp1251, open_sample, read_sample_lenient, read_text, warnings_text};

const LINE_PER_BARCODE: &str = "samples/atol-goods/frontol-line-per-barcode.txt";
const COMMANDS_ONLY: &str = "samples/atol-goods/commands-only.txt";

fn products(records: &[Record]) -> Vec<&Product> {
    records.iter().filter_map(|r| if let Record::Product(p) = r { Some(p) } else { None }).collect()
}

/// Each warning as `kind: message`, with its line when it has one.
fn warnings(diag: &Diagnostics) -> Vec<(String, Option<u64>, String)> {
    diag.kept().map(|w| (w.kind.to_string(), w.position.as_ref().and_then(|p| p.line), w.message.to_string())).collect()
}

#[test]
fn consecutive_lines_of_one_code_are_one_card() {
    let (doc, diag) = read_sample_lenient(LINE_PER_BARCODE);
    assert_eq!(doc.header.extra.get("atol-flag").map(String::as_str), Some("#"), "`# ` is the flag line");
    let cards: Vec<(&str, &str, Vec<&str>)> = products(&doc.records)
        .iter()
        .map(|p| (p.code.as_str(), p.name.as_str(), p.barcodes.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        cards,
        [
            ("3001", "Вода питьевая 0,5 л", vec!["4607001000112", "4607001000129", "2000000030012"]),
            ("3002", "Сок яблочный 1 л", vec!["4607001000235", "4607001000242"]),
            ("3003", "Морс клюквенный 0,3 л", vec!["4607001000259"]),
            // Line 11: the same code after other goods is not part of the first card.
            ("3001", "Вода питьевая 0,5 л", vec!["4607001000266"]),
        ]
    );
    let prices: Vec<String> = products(&doc.records).iter().map(|p| p.prices[0].amount.unwrap().to_string()).collect();
    assert_eq!(prices, ["45.5", "345.6", "89.9", "45.5"], "decimal points, digits kept");

    let found = warnings(&diag);
    assert_eq!(found.len(), 2, "{}", warnings_text(&diag));
    assert_eq!(
        found[0],
        (
            "value-dropped".to_string(),
            Some(9),
            "code 3002: lines 8 and 9 are one card (one line per barcode) but differ in field 3 (name) \
             \"Сок яблочный 1 л\" / \"Сок яблочный 1 л (новая упаковка)\"; the first line's values are kept"
                .to_string()
        )
    );
    assert_eq!(found[1].0, "duplicate-code");
    assert_eq!(found[1].1, Some(11));
    assert!(found[1].2.starts_with("code 3001 comes again after other lines"), "{}", found[1].2);
}

/// Lines that differ only in how they write the same value are one card without a warning; a
/// barcode listed twice is kept once (warned); a command or a group between two lines of one code
/// ends the card.
#[test]
fn what_ends_a_card_and_what_does_not() {
    let text = "##@@&&\r\n#\r\n$$$ADDQUANTITY\r\n\
        7;4601234567893;Чай;Чай;10,5;;;;;;;;;1,000;;;1\r\n\
        \r\n\
        7;4601234567800,4601234567893;Чай;Чай;10,50;;;;;;;;;1.000;;;1\r\n\
        $$$REPLACEQUANTITY\r\n\
        7;4601234567817;Чай;Чай;10,5;;;;;;;;;;;;1\r\n\
        8;;Кофе;Кофе;;;;;;;;;;;;;1\r\n\
        8;;Группа 8;Группа 8;;;;;;;;;;;;;0\r\n\
        8;4601234567824;Кофе;Кофе;;;;;;;;;;;;;1";
    let mut diag = Diagnostics::new(false);
    let doc = read_text("atol-goods", "cards.txt", text, &mut diag).unwrap();
    let found: Vec<(String, Option<u64>)> = warnings(&diag).into_iter().map(|(k, l, _)| (k, l)).collect();
    assert_eq!(
        found,
        [
            ("value-dropped".to_string(), Some(6)),
            ("duplicate-code".to_string(), Some(8)),
            ("duplicate-code".to_string(), Some(11)),
        ],
        "{}",
        warnings_text(&diag)
    );
    assert!(warnings_text(&diag).contains("code 7: barcode 4601234567893 is listed again; kept once"));
    let barcodes: Vec<(&str, Vec<&str>)> = doc
        .records
        .iter()
        .map(|r| match r {
            Record::Product(p) => (p.code.as_str(), p.barcodes.iter().map(String::as_str).collect()),
            Record::Group(g) => (g.code.as_str(), vec!["(group)"]),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        barcodes,
        [
            ("7", vec!["4601234567893", "4601234567800"]),
            ("7", vec!["4601234567817"]),
            ("8", vec![]),
            ("8", vec!["(group)"]),
            ("8", vec!["4601234567824"]),
        ]
    );
}

/// `inspect` still reports the code that comes twice, and only that one.
#[test]
fn inspect_reports_the_code_that_is_not_one_card() {
    let mut diag = Diagnostics::new(false);
    let report =
        kassa_bridge::inspect::inspect(open_sample(LINE_PER_BARCODE), None, &ReadOptions::default(), &mut diag)
            .unwrap();
    assert_eq!((report.counts.products, report.barcodes), (4, 7));
    let duplicates: Vec<String> =
        report.findings.iter().filter(|f| f.check == "duplicate-code").map(|f| f.message.to_string()).collect();
    assert!(duplicates.contains(&"product code 3001 appears more than once".to_string()), "{duplicates:?}");
    assert!(!duplicates.iter().any(|m| m.contains("3002") || m.contains("3003")), "{duplicates:?}");
}

/// Converts the sample with the library's `convert` (as the CLI does) into a temp file.
fn convert_sample(sample: &str, to: &str, write: WriteOptions) -> (Vec<u8>, Diagnostics) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let opts = ConvertOptions { to: to.into(), write, ..ConvertOptions::default() };
    let mut diag = Diagnostics::new(false);
    convert(open_sample(sample), &OutputTarget::File(out.clone()), &opts, &mut diag, None)
        .unwrap_or_else(|e| panic!("{sample} → {to}: {e}"));
    (std::fs::read(&out).unwrap(), diag)
}

/// Every barcode of a card is written or, where the target holds one, named in a warning; each
/// card is one product, and the code that is not one card is warned about by `convert`.
#[test]
fn convert_keeps_every_barcode_of_a_card() {
    let one_c = WriteOptions { kassatka_dialect: Some(KassatkaDialect::OneC), ..WriteOptions::default() };
    let (xml, diag) = convert_sample(LINE_PER_BARCODE, "kassatka-xml", one_c);
    assert!(
        warnings(&diag).iter().any(|(k, l, _)| k == "duplicate-code" && *l == Some(11)),
        "{}",
        warnings_text(&diag)
    );
    let mut rdiag = Diagnostics::new(false);
    let back = read_text("kassatka-xml", "out.xml", &String::from_utf8(xml).unwrap(), &mut rdiag).unwrap();
    let (source, _) = read_sample_lenient(LINE_PER_BARCODE);
    let barcodes = |records: &[Record]| -> Vec<(String, Vec<String>)> {
        products(records).iter().map(|p| (p.code.clone(), p.barcodes.clone())).collect()
    };
    assert_eq!(barcodes(&back.records), barcodes(&source.records), "kassatka-xml (1c) holds all barcodes");

    let (csv, diag) = convert_sample(LINE_PER_BARCODE, "bifit-csv", WriteOptions::default());
    let csv = decode_cp1251(&csv);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 5, "a folder row and one row per product:\n{csv}");
    assert!(
        warnings(&diag).iter().any(|(k, l, _)| k == "duplicate-code" && *l == Some(11)),
        "{}",
        warnings_text(&diag)
    );
    let text = warnings_text(&diag);
    for p in products(&source.records) {
        let (first, rest) = p.barcodes.split_first().unwrap();
        assert!(rows.iter().any(|r| r.contains(&format!(";{first};"))), "{first} in BARCODE:\n{csv}");
        if !rest.is_empty() {
            assert!(text.contains(&format!("product {}: bifit-csv cannot hold barcodes {}", p.code, rest.join(", "))));
        }
    }
}

/// A file of commands only is an empty catalogue: every writer writes an empty document, and the
/// atol-goods writer says that the delete commands are not written unless asked for.
#[test]
fn a_file_of_commands_only_is_an_empty_catalogue() {
    let (doc, diag) = read_sample_lenient(COMMANDS_ONLY);
    assert!(doc.records.is_empty());
    assert_eq!(
        doc.header.extra.get("atol-commands").map(String::as_str),
        Some("DELETEALLWARES,DELETEALLBACODES,DELETEALLASPECTREMAINS,ADDTAXRATES,ADDTAXGROUPRATES")
    );
    assert_eq!(diag.groups().keys().copied().collect::<Vec<_>>(), ["atol-command-skipped"]);

    let (xml, _) = convert_sample(COMMANDS_ONLY, "kassatka-xml", WriteOptions::default());
    assert_eq!(
        String::from_utf8(xml).unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductsGroups>\n</ProductsGroups>\n"
    );
    let (csv, _) = convert_sample(COMMANDS_ONLY, "bifit-csv", WriteOptions::default());
    assert_eq!(decode_cp1251(&csv).lines().count(), 1, "the header row only");

    let (atol, diag) = convert_sample(COMMANDS_ONLY, "atol-goods", WriteOptions::default());
    assert_eq!(decode_cp1251(&atol), "##@@&&\r\n#\r\n$$$REPLACEQUANTITY\r\n");
    let dropped: Vec<String> =
        warnings(&diag).into_iter().filter(|(k, _, _)| k == "field-dropped").map(|(_, _, m)| m).collect();
    assert_eq!(
        dropped,
        ["the input's commands $$$DELETEALLWARES, $$$DELETEALLBACODES, $$$DELETEALLASPECTREMAINS are not written \
          (--atol-full-export writes the delete commands)"]
    );
    let full = WriteOptions { atol_full_export: true, ..WriteOptions::default() };
    let (atol, diag) = convert_sample(COMMANDS_ONLY, "atol-goods", full);
    assert_eq!(
        decode_cp1251(&atol),
        "##@@&&\r\n#\r\n$$$DELETEALLWARES\r\n$$$DELETEALLBARCODES\r\n$$$DELETEALLASPECTREMAINS\r\n$$$REPLACEQUANTITY\r\n"
    );
    assert!(!diag.groups().contains_key("field-dropped"), "{}", warnings_text(&diag));
}
