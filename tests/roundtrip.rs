//! Round trips through the canonical model: a document written by a writer and read back gives
//! the same canonical records (every group, product, price, receipt), compared as canonical JSON
//! text so nothing — not even a decimal's scale — can differ unnoticed.

mod support;

use kassa_bridge::options::{KassatkaDialect, WriteOptions};
use kassa_bridge::Diagnostics;

use support::{canonical, read_sample, read_text, valid_samples, warnings_text, write_doc, write_options, Doc};

/// sample → canonical JSON (A) → read by the canonical-json reader → `format` → read back →
/// canonical JSON (B). Returns A, B and the writer's warnings.
fn through(sample: &str, format: &str, opts: &WriteOptions) -> (String, String, Diagnostics) {
    let doc = read_sample(sample);
    let a = canonical(&doc.header, &doc.records);

    let mut diag = Diagnostics::new(false);
    let from_json = read_text("canonical-json", "a.json", &a, &mut diag).unwrap_or_else(|e| panic!("{sample}: {e}"));
    assert_eq!(diag.total(), 0);
    let written = write_doc(&from_json.header, &from_json.records, format, opts, &mut diag)
        .unwrap_or_else(|e| panic!("{sample} → {format}: {e}"));

    let mut back_diag = Diagnostics::new(false);
    let back: Doc = read_text(format, "written", &written, &mut back_diag)
        .unwrap_or_else(|e| panic!("{sample} → {format} → back: {e}\n{written}"));
    assert_eq!(back_diag.total(), 0, "{sample}: reading the writer's output warned:\n{}", warnings_text(&back_diag));
    (a, canonical(&back.header, &back.records), diag)
}

#[test]
fn seed_nomenclature_round_trips_through_the_api_dialect() {
    let (a, b, diag) = through(
        "samples/kassatka-xml/seed-nomenclature.xml",
        "kassatka-xml",
        &write_options(KassatkaDialect::Api, None),
    );
    assert_eq!(diag.total(), 0, "{}", warnings_text(&diag));
    assert_eq!(b, a);
}

/// The seed does not say whether its prices include VAT; the 1C layout needs `Да`/`Нет`, so the
/// writer assumes `Да` and says so. Apart from that flag (and the layout it is read back in) the
/// seed comes back unchanged.
#[test]
fn seed_nomenclature_round_trips_through_the_1c_dialect() {
    let (a, b, diag) = through(
        "samples/kassatka-xml/seed-nomenclature.xml",
        "kassatka-xml",
        &write_options(KassatkaDialect::OneC, None),
    );
    assert!(diag.total() > 0, "the assumed IncludesVAT must be reported");
    assert!(diag.kept().all(|w| w.kind == "value-assumed"), "{}", warnings_text(&diag));
    assert!(a.contains("\"source_layout\": \"api\"") && b.contains("\"source_layout\": \"1c\""), "{b}");
    let b = b.replace("\"source_layout\": \"1c\"", "\"source_layout\": \"api\"");
    let without_assumed: String = b
        .lines()
        .filter(|l| l.trim() != "\"includes_vat\": true" && l.trim() != "\"includes_vat\": true,")
        .collect::<Vec<_>>()
        .join("\n");
    assert!(b.contains("\"includes_vat\": true"));
    assert_eq!(without_assumed.replace(",\n        }", "\n        }"), a.trim_end().to_string());
}

#[test]
fn one_c_processing_round_trips_losslessly_through_the_1c_dialect() {
    let (a, b, diag) =
        through("samples/kassatka-xml/1c-processing.xml", "kassatka-xml", &write_options(KassatkaDialect::OneC, None));
    assert_eq!(diag.total(), 0, "{}", warnings_text(&diag));
    assert_eq!(b, a);
}

#[test]
fn one_c_processing_through_the_api_dialect_loses_only_what_it_warned_about() {
    let (a, b, diag) =
        through("samples/kassatka-xml/1c-processing.xml", "kassatka-xml", &write_options(KassatkaDialect::Api, None));
    assert_eq!(diag.groups().get("field-dropped").map(|g| g.count), Some(5), "{}", warnings_text(&diag));
    assert_ne!(b, a);
    // The prices themselves survive: every product keeps both amounts under their types.
    for (t, amount) in
        [("Розничная", "689.00"), ("Закупочная", "512.40"), ("Розничная", "45.90"), ("Закупочная", "38.70")]
    {
        let needle = format!("\"price_type\": \"{t}\",\n          \"amount\": \"{amount}\"");
        assert!(b.contains(&needle), "lost {t} {amount}:\n{b}");
    }
}

#[test]
fn seed_receipts_round_trip_through_kassatka_receipts() {
    let (a, b, diag) =
        through("samples/kassatka-receipts/seed-receipts.xml", "kassatka-receipts", &WriteOptions::default());
    assert_eq!(diag.total(), 0, "{}", warnings_text(&diag));
    assert_eq!(b, a);
}

#[test]
fn returns_and_other_payments_round_trip_through_kassatka_receipts() {
    let (a, b, diag) = through(
        "samples/kassatka-receipts/returns-and-other-payments.xml",
        "kassatka-receipts",
        &WriteOptions::default(),
    );
    assert_eq!(diag.total(), 0, "{}", warnings_text(&diag));
    assert_eq!(b, a);
}

/// The catalogue fixture through the CommerceML catalogue writer (one file: classifier, goods,
/// offers) and back through the reader (two passes over the file): the same model, but for the
/// differences the README lists — the document attribute is dropped (the one warning), the
/// comment comes back in `extra` as `Описание`, the service flag brings its реквизит
/// `ВидНоменклатуры` along, and a price without a code gets its type's `Ид` (the name) as code.
#[test]
fn the_catalogue_fixture_round_trips_through_one_commerceml_file() {
    let doc = read_sample("samples/canonical-json/catalog.json");
    let mut diag = Diagnostics::new(false);
    let written = write_doc(&doc.header, &doc.records, "commerceml", &WriteOptions::default(), &mut diag).unwrap();
    let kinds: Vec<&str> = diag.kept().map(|w| w.kind).collect();
    assert_eq!(kinds, ["field-dropped"], "{}", warnings_text(&diag));

    // The reader takes the offers at the end of a file in a first pass: it needs the file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.xml");
    std::fs::write(&path, &written).unwrap();
    let mut back_diag = Diagnostics::new(false);
    let format = kassa_bridge::formats::find("commerceml").unwrap();
    let back = support::read_with(format, kassa_bridge::text::RawInput::open(&path).unwrap(), &mut back_diag)
        .unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(back_diag.total(), 0, "reading the writer's output warned:\n{}", warnings_text(&back_diag));

    let mut expected = doc.clone();
    expected.header.extra.clear();
    for record in &mut expected.records {
        let kassa_bridge::model::Record::Product(p) = record else { continue };
        if let Some(comment) = p.comment.take() {
            p.extra.shift_insert(0, "Описание".into(), comment);
        }
        if p.service {
            p.extra.insert("ВидНоменклатуры".into(), "Услуга".into());
        }
        for price in &mut p.prices {
            price.code.get_or_insert_with(|| price.price_type.clone());
        }
    }
    assert_eq!(canonical(&back.header, &back.records), canonical(&expected.header, &expected.records));
}

/// The general promise: when a writer says nothing was lost, nothing was.
#[test]
fn every_sample_a_writer_accepts_silently_round_trips_exactly() {
    let mut checked = 0;
    let cases: Vec<(String, &str, WriteOptions)> = valid_samples("kassatka-xml")
        .into_iter()
        .flat_map(|s| {
            [
                (s.clone(), "kassatka-xml", write_options(KassatkaDialect::Api, None)),
                (s, "kassatka-xml", write_options(KassatkaDialect::OneC, None)),
            ]
        })
        .chain(
            valid_samples("kassatka-receipts").into_iter().map(|s| (s, "kassatka-receipts", WriteOptions::default())),
        )
        .collect();
    for (sample, format, opts) in cases {
        let (doc, read_diag) = support::read_sample_lenient(&sample);
        let mut diag = Diagnostics::new(false);
        if write_doc(&doc.header, &doc.records, format, &opts, &mut diag).is_err()
            || diag.total() > 0
            || read_diag.total() > 0
        {
            continue;
        }
        let (a, b, _) = through(&sample, format, &opts);
        assert_eq!(b, a, "{sample} through {format} ({:?})", opts.kassatka_dialect);
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} silent conversions were checked");
}

/// kassatka-xml → canonical JSON → kassatka-xml writes the layout the file was read in when no
/// `--kassatka-dialect` is given; the flag still wins.
#[test]
fn the_layout_read_is_the_layout_written_without_a_flag() {
    for (sample, layout, other) in [
        ("samples/kassatka-xml/1c-processing.xml", KassatkaDialect::OneC, KassatkaDialect::Api),
        ("samples/kassatka-xml/seed-nomenclature.xml", KassatkaDialect::Api, KassatkaDialect::OneC),
    ] {
        let doc = read_sample(sample);
        assert_eq!(doc.header.source_layout.as_deref(), Some(layout.layout_name()), "{sample}");
        let json = canonical(&doc.header, &doc.records);
        assert!(json.contains(&format!("\"source_layout\": \"{}\"", layout.layout_name())), "{json}");
        let mut diag = Diagnostics::new(false);
        let from_json = read_text("canonical-json", "a.json", &json, &mut diag).unwrap();
        let write = |opts: &WriteOptions| {
            write_doc(&from_json.header, &from_json.records, "kassatka-xml", opts, &mut Diagnostics::new(false))
                .unwrap()
        };
        let unflagged = write(&WriteOptions::default());
        assert_eq!(unflagged, write(&write_options(layout, None)), "{sample}: no flag writes {layout:?}");
        assert_eq!(unflagged.contains("<Products>"), layout == KassatkaDialect::Api, "{unflagged}");
        let flagged = write(&write_options(other, None));
        assert_eq!(flagged.contains("<Products>"), other == KassatkaDialect::Api, "{sample}: the flag wins\n{flagged}");
    }
}

/// The remembered layout is kassatka-xml's own: another source format's layout is not used, and
/// a layout the writer does not know is warned about (the API layout is written).
#[test]
fn only_a_known_kassatka_layout_is_followed() {
    let doc = read_sample("samples/kassatka-xml/1c-processing.xml");
    let mut header = doc.header.clone();
    header.source_format = Some("atol-goods".into());
    let mut diag = Diagnostics::new(false);
    let text = write_doc(&header, &doc.records, "kassatka-xml", &WriteOptions::default(), &mut diag).unwrap();
    assert!(text.contains("<Products>"), "another format's layout is not followed:\n{text}");

    header.source_format = Some("kassatka-xml".into());
    header.source_layout = Some("2c".into());
    let mut diag = Diagnostics::new(false);
    let text = write_doc(&header, &doc.records, "kassatka-xml", &WriteOptions::default(), &mut diag).unwrap();
    assert!(text.contains("<Products>"), "{text}");
    let assumed: Vec<String> =
        diag.kept().filter(|w| w.kind == "value-assumed").map(|w| w.message.to_string()).collect();
    assert_eq!(assumed, ["the input's kassatka-xml layout \"2c\" is not api or 1c; written in the api layout"]);
}
