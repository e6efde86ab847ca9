//! What every writer makes of fixed canonical inputs, warnings included. (Every sample → canonical
//! JSON is covered by `snapshots_readers.rs`.)

mod support;

use kassa_bridge::model::{DataKind, Header, Price, Product, Record};
use kassa_bridge::options::{KassatkaDialect, WriteOptions};
use kassa_bridge::{Diagnostics, ErrorKind};

use support::{
    exit_class, read_sample, read_text, scattered_catalog, sorted_records, warnings_text, write_doc, write_options,
};

/// `warnings:` then the output, or the error with its exit-code class.
fn render(header: &Header, records: &[Record], format: &str, opts: &WriteOptions) -> String {
    let mut diag = Diagnostics::new(false);
    match write_doc(header, records, format, opts, &mut diag) {
        Ok(text) => format!("warnings:\n{}--- {format} ---\n{text}", warnings_text(&diag)),
        Err(err) => {
            let (code, class) = exit_class(err.kind());
            format!("error (exit {code}, {class}):\n  {err}\nwarnings before the error:\n{}", warnings_text(&diag))
        }
    }
}

fn render_sample(sample: &str, format: &str, opts: &WriteOptions) -> String {
    let doc = read_sample(sample);
    format!("input: {sample}\n{}", render(&doc.header, &doc.records, format, opts))
}

#[test]
fn seed_nomenclature_to_kassatka_xml_api() {
    let opts = write_options(KassatkaDialect::Api, None);
    insta::assert_snapshot!(render_sample("samples/kassatka-xml/seed-nomenclature.xml", "kassatka-xml", &opts));
}

#[test]
fn seed_nomenclature_to_kassatka_xml_1c() {
    // No --price-type: "Розничная" where a product has it, else its only price.
    let opts = write_options(KassatkaDialect::OneC, None);
    insta::assert_snapshot!(render_sample("samples/kassatka-xml/seed-nomenclature.xml", "kassatka-xml", &opts));
}

#[test]
fn seed_nomenclature_to_kassatka_xml_1c_with_price_type() {
    // `--price-type Прайс-лист`: every priced product of the seed has that type.
    let opts = write_options(KassatkaDialect::OneC, Some("Прайс-лист"));
    insta::assert_snapshot!(render_sample("samples/kassatka-xml/seed-nomenclature.xml", "kassatka-xml", &opts));
}

#[test]
fn seed_nomenclature_to_kassatka_xml_1c_with_a_missing_price_type() {
    // `--price-type Розничная`: УТ-00000003 has only "Прайс-лист", so its Product@Price is left
    // empty with a warning (its price list still carries the price).
    let opts = write_options(KassatkaDialect::OneC, Some("Розничная"));
    insta::assert_snapshot!(render_sample("samples/kassatka-xml/seed-nomenclature.xml", "kassatka-xml", &opts));
}

#[test]
fn one_c_processing_to_kassatka_xml_api_warns_about_what_it_drops() {
    let opts = write_options(KassatkaDialect::Api, None);
    insta::assert_snapshot!(render_sample("samples/kassatka-xml/1c-processing.xml", "kassatka-xml", &opts));
}

#[test]
fn one_c_processing_to_kassatka_xml_1c() {
    let opts = write_options(KassatkaDialect::OneC, None);
    insta::assert_snapshot!(render_sample("samples/kassatka-xml/1c-processing.xml", "kassatka-xml", &opts));
}

#[test]
fn seed_receipts_to_kassatka_receipts() {
    insta::assert_snapshot!(render_sample(
        "samples/kassatka-receipts/seed-receipts.xml",
        "kassatka-receipts",
        &WriteOptions::default()
    ));
}

#[test]
fn returns_and_other_payments_to_kassatka_receipts() {
    insta::assert_snapshot!(render_sample(
        "samples/kassatka-receipts/returns-and-other-payments.xml",
        "kassatka-receipts",
        &WriteOptions::default()
    ));
}

#[test]
fn ambiguous_price_types_in_the_1c_dialect_are_an_error() {
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some("canonical-json".into());
    let mut p = Product::new("0001", "Товар с двумя ценами");
    for (t, a) in [("Прайс-лист", "995.00"), ("Оптовая", "800.00")] {
        p.prices.push(Price { price_type: t.into(), amount: Some(a.parse().unwrap()), code: None, includes_vat: None });
    }
    let records = vec![Record::Product(p)];
    let mut diag = Diagnostics::new(false);
    let err = write_doc(&header, &records, "kassatka-xml", &write_options(KassatkaDialect::OneC, None), &mut diag)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Conversion { .. }), "{err:?}");
    assert_eq!(exit_class(err.kind()).0, 2);
    insta::assert_snapshot!(err.to_string(), @r#"product 0001 has several price types ("Прайс-лист", "Оптовая") and none is "Розничная": name the one for Product@Price with --price-type"#);
    // Naming one resolves it.
    let text =
        write_doc(&header, &records, "kassatka-xml", &write_options(KassatkaDialect::OneC, Some("Оптовая")), &mut diag)
            .unwrap();
    assert!(text.contains(r#"Price="800.00" Barcode="""#), "{text}");
}

/// A product before its group, a group whose products are not together, a group that never
/// comes: both dialects write valid documents (split groups with a warning) that read back to
/// the same groups and products.
#[test]
fn scattered_catalogue_is_written_whole_and_reads_back() {
    let (header, records) = scattered_catalog();
    for (dialect, name) in [(KassatkaDialect::Api, "api"), (KassatkaDialect::OneC, "1c")] {
        let opts = write_options(dialect, None);
        let mut diag = Diagnostics::new(false);
        let text = write_doc(&header, &records, "kassatka-xml", &opts, &mut diag).unwrap();
        let said = |kind: &str, text: &str| diag.kept().any(|w| w.kind == kind && w.message.to_string().contains(text));
        assert!(said("group-split", "group A "), "{name}: {}", warnings_text(&diag));
        assert!(said("group-missing", "group Z "), "{name}: {}", warnings_text(&diag));
        insta::assert_snapshot!(
            format!("scattered_catalogue_{name}"),
            format!("warnings:\n{}--- kassatka-xml ({name}) ---\n{text}", warnings_text(&diag))
        );

        let mut back_diag = Diagnostics::new(false);
        let mut back = read_text("kassatka-xml", "written.xml", &text, &mut back_diag)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        if dialect == KassatkaDialect::OneC {
            // The 1C layout must say Да/Нет; the writer assumed Да and warned (value-assumed).
            assert!(diag.kept().any(|w| w.kind == "value-assumed"), "{name}: {}", warnings_text(&diag));
            for r in &mut back.records {
                if let Record::Product(p) = r {
                    for price in &mut p.prices {
                        assert_eq!(price.includes_vat.take(), Some(true));
                    }
                }
            }
        }
        assert_eq!(back_diag.total(), 0, "{name}: {}", warnings_text(&back_diag));
        let (want_groups, want_products) = sorted_records(&records);
        let (got_groups, got_products) = sorted_records(&back.records);
        assert_eq!(got_groups, want_groups, "{name}: groups");
        assert_eq!(got_products, want_products, "{name}: products");
        // Each group is emitted once even though A is written in two ProductGroup elements.
        assert_eq!(text.matches(r#"<ProductGroup Code="A""#).count(), 2, "{name}");
    }
}

/// Under --strict the split is refused rather than written.
#[test]
fn scattered_catalogue_is_refused_under_strict() {
    let (header, records) = scattered_catalog();
    let mut diag = Diagnostics::new(true);
    let err = write_doc(&header, &records, "kassatka-xml", &write_options(KassatkaDialect::Api, None), &mut diag)
        .unwrap_err();
    assert_eq!(exit_class(err.kind()), (4, "strict"), "{err}");
    assert!(err.to_string().contains("group A"), "{err}");
}
