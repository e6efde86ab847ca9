//! Values no reader or writer may pass through silently (the real binary): characters XML 1.0
//! forbids are removed from XML outputs with a warning; an empty JSON object is not an order;
//! amounts beyond `rust_decimal`'s 28 digits are an error in every reader family, never rounded;
//! `bifit-orders` keeps `visible`.

mod support;

use support::{exit_code as code, path_arg as arg, run_bin as run, stderr_of as stderr};

use std::fs;

fn canonical(kind: &str, records: &str) -> String {
    format!(
        r#"{{"format": "kassa-bridge-canonical", "version": 1, "header": {{"kind": "{kind}"}}, "records": [{records}]}}"#
    )
}

/// A name holding U+0000 and U+0001, as JSON writes them.
const NAME_WITH_CONTROLS: &str = r"Мол\u0000о\u0001ко";

fn assert_no_forbidden_bytes(xml: &[u8]) {
    assert!(!xml.iter().any(|b| *b < 0x20 && !b"\t\n\r".contains(b)), "{}", String::from_utf8_lossy(xml));
}

#[test]
fn control_characters_are_removed_from_kassatka_xml_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("goods.json");
    let product = format!(
        r#"{{"type": "product", "code": "P1", "name": "{NAME_WITH_CONTROLS}", "prices": [{{"price_type": "Розничная", "amount": "10.50"}}]}}"#
    );
    fs::write(&input, canonical("catalog", &product)).unwrap();
    let output = dir.path().join("goods.xml");
    let out = run(&["convert", arg(&input), "-t", "kassatka-xml", "-o", arg(&output)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(r#"warning: product P1: ProductsGroups/ProductGroup/Products/Product@Name: U+0000, U+0001 removed from "Мол\0о\u{1}ко": XML 1.0 forbids them [character-removed]"#),
        "{err}"
    );
    let xml = fs::read(&output).unwrap();
    assert_no_forbidden_bytes(&xml);
    assert!(String::from_utf8_lossy(&xml).contains(r#"Name="Молоко""#));
    // The output is XML again: it reads back.
    let back = run(&["convert", arg(&output), "-t", "canonical-json", "-o", "-", "-q"]);
    assert_eq!(code(&back), 0, "{}", stderr(&back));
    assert!(String::from_utf8_lossy(&back.stdout).contains(r#""name": "Молоко""#));

    // Under --strict the removal is an error and nothing is written.
    fs::remove_file(&output).unwrap();
    let strict = run(&["convert", arg(&input), "-t", "kassatka-xml", "-o", arg(&output), "--strict"]);
    assert_eq!(code(&strict), 4, "{}", stderr(&strict));
    assert!(stderr(&strict).contains("character-removed"), "{}", stderr(&strict));
    assert!(!output.exists());
}

#[test]
fn control_characters_are_removed_from_commerceml_orders_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("orders.json");
    let order = format!(
        r#"{{"type": "order", "id": "7", "client_name": "Иванов", "total_amount": "10.50",
            "lines": [{{"product_code": "P1", "name": "{NAME_WITH_CONTROLS}", "quantity": "1", "price": "10.50", "sum": "10.50"}}]}}"#
    );
    fs::write(&input, canonical("orders", &order)).unwrap();
    let output = dir.path().join("orders.xml");
    let out = run(&["convert", arg(&input), "-t", "commerceml", "-o", arg(&output)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(r#"warning: КоммерческаяИнформация/Документ/Товары/Товар/Наименование: U+0000, U+0001 removed from "Мол\0о\u{1}ко""#),
        "{err}"
    );
    let xml = fs::read(&output).unwrap();
    assert_no_forbidden_bytes(&xml);
    let back = run(&["convert", arg(&output), "-t", "canonical-json", "-o", "-", "-q"]);
    assert_eq!(code(&back), 0, "{}", stderr(&back));
    assert!(String::from_utf8_lossy(&back.stdout).contains(r#""name": "Молоко""#));
}

#[test]
fn an_empty_json_object_is_not_an_order() {
    let dir = tempfile::tempdir().unwrap();
    let seed_order = fs::read_to_string(support::root().join(support::SEED_ORDER)).unwrap();
    let cases = [
        (format!("[{seed_order}, {{}}]"), "record 2: an empty object is not an order"),
        (format!("{}\n{{}}\n", seed_order.replace('\n', "")), "record 2: an empty object is not an order"),
        ("{\"onlineOrder\": {}}".to_string(), "record 1: an empty object is not an order"),
        ("[{\"foo\": 1, \"visible\": true}]".to_string(), "record 1: an object with only foo, visible is not an order"),
    ];
    for (text, message) in cases {
        let input = dir.path().join("orders.json");
        fs::write(&input, &text).unwrap();
        let out = run(&["convert", arg(&input), "-f", "bifit-orders", "-t", "canonical-json", "-o", "-"]);
        assert_eq!(code(&out), 3, "{text}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{text}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

/// Too many digits, and too many decimal places: both beyond what a `Decimal` holds exactly.
const TOO_LONG: [&str; 2] = ["1234567890123456789012345678901.5", "0.00000000000000000000000000001234"];

/// One input per reader family, the amount in its price or total.
fn inputs_with_amount(amount: &str) -> Vec<(&'static str, &'static str, String)> {
    let atol_fields: Vec<String> = (1..=33)
        .map(|n| match n {
            1 => "P1".to_string(),
            3 | 4 => "Товар".to_string(),
            5 => amount.to_string(),
            17 => "1".to_string(),
            _ => String::new(),
        })
        .collect();
    vec![
        (
            "kassatka-xml",
            "xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductsGroups><ProductGroup Code=\"G\" Name=\"G\" ParentCode=\"none\"><Products>\
                 <Product Barcode=\"\" Code=\"P1\" Name=\"Товар\" ParentCode=\"G\" UnitCode=\"796\" UnitName=\"шт\" Price=\"{amount}\" Comment=\"\" PriceType=\"Розничная\"/>\
                 </Products></ProductGroup></ProductsGroups>\n"
            ),
        ),
        (
            "bifit-csv",
            "csv",
            format!("ID;EXTERNAL_CODE;NAME;PRICE;UNIT_CODE;GROUPED\r\n;P1;Товар;{amount};796;\r\n"),
        ),
        ("atol-goods", "txt", format!("##@@&&\r\n#\r\n$$$ADDQUANTITY\r\n{}\r\n", atol_fields.join(";"))),
        ("table", "csv", format!("Код;Наименование;Цена\r\nP1;Товар;{amount}\r\n")),
        (
            "bifit-json",
            "json",
            format!(r#"[{{"item": {{"externalId": "P1", "externalCode": "P1", "name": "Товар", "sellingPrice": {amount}}}}}]"#),
        ),
        ("bifit-orders", "json", format!(r#"{{"id": 1, "currentStatusType": "NEW", "totalAmount": {amount}}}"#)),
        (
            "canonical-json",
            "json",
            canonical(
                "catalog",
                &format!(r#"{{"type": "product", "code": "P1", "name": "Товар", "prices": [{{"price_type": "Розничная", "amount": "{amount}"}}]}}"#),
            ),
        ),
        (
            "canonical-json",
            "json",
            canonical("orders", &format!(r#"{{"type": "order", "id": "1", "total_amount": "{amount}"}}"#)),
        ),
    ]
}

/// `input` read as UTF-8 `format`, converted to canonical JSON on standard output.
fn convert_to_stdout(input: &std::path::Path, format: &str) -> std::process::Output {
    run(&["convert", arg(input), "-f", format, "--input-encoding", "utf-8", "-t", "canonical-json", "-o", "-"])
}

#[test]
fn amounts_beyond_28_digits_are_errors_in_every_reader_never_rounded() {
    let dir = tempfile::tempdir().unwrap();
    for amount in TOO_LONG {
        for (format, ext, text) in inputs_with_amount(amount) {
            let input = dir.path().join(format!("input.{ext}"));
            fs::write(&input, &text).unwrap();
            let out = convert_to_stdout(&input, format);
            let err = stderr(&out);
            assert_eq!(code(&out), 3, "{format} {amount}: {err}");
            assert!(out.stdout.is_empty(), "{format} {amount}: nothing is written");
            let names_it = err.contains(amount) || err.contains("1.234e-29") || err.contains("1.2345678901234567e+30");
            assert!(names_it, "{format} {amount}: the message quotes the value: {err}");
            // The table reader (a spreadsheet's text cell) names the cell and the value but reports
            // any number it cannot take as "expected a price".
            let says_why =
                err.contains("28 digits") || err.contains("28 after the point") || err.contains("floating-point");
            assert!(says_why || format == "table", "{format} {amount}: the message says why: {err}");
        }
    }
}

#[test]
fn the_amount_inputs_read_when_the_amount_fits() {
    // The same inputs with an ordinary amount convert: the errors above are about the amount.
    let dir = tempfile::tempdir().unwrap();
    for (format, ext, text) in inputs_with_amount("1990.5") {
        let input = dir.path().join(format!("input.{ext}"));
        fs::write(&input, &text).unwrap();
        let out = convert_to_stdout(&input, format);
        assert_eq!(code(&out), 0, "{format}: {}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"1990.5\""), "{format}");
    }
    // A JSON number with a fraction has passed through floating point: refused, not trusted.
    let input = dir.path().join("float.json");
    fs::write(&input, canonical("orders", r#"{"type": "order", "id": "1", "total_amount": 1.00000000000000001}"#))
        .unwrap();
    let out = run(&["convert", arg(&input), "-t", "canonical-json", "-o", "-"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("as a string"), "{}", stderr(&out));
}

#[test]
fn bifit_orders_write_visible_back() {
    let seed = support::root().join(support::SEED_ORDER);
    let out = run(&["convert", arg(&seed), "-t", "bifit-orders", "-o", "-", "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"id\": 320528,\n  \"visible\": true,"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let hidden = dir.path().join("hidden.json");
    fs::write(&hidden, fs::read_to_string(&seed).unwrap().replace("\"visible\": true", "\"visible\": false")).unwrap();
    let out = run(&["convert", arg(&hidden), "-t", "bifit-orders", "-o", "-", "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"id\": 320528,\n  \"visible\": false,"), "{text}");
    assert_eq!(text.matches("\"visible\"").count(), 1, "{text}");
}
