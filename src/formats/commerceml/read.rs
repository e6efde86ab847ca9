//! Reads a CommerceML catalogue: picks which file is the import and which the offers, indexes the
//! offers, and hands over to `import.rs`; or reads `offers.xml` alone.

use crate::diagnostics::{Diagnostics, Warning};
use crate::error::{Error, Result};
use crate::formats::xml::Attrs;
use crate::model::{DataKind, Header, Product, Record};
use crate::options::ReadOptions;
use crate::sink::RecordSink;
use crate::text::RawInput;

use super::import::read_import;
use super::offers::{read_package, Offer, OffersIndex, PriceTypes};
use super::source::{Cml, Ev};
use super::{role, Role, NAME};

pub(super) type Encoding = Option<&'static encoding_rs::Encoding>;

/// The ОКЕИ code of the kilogram: goods counted in it are sold by weight.
pub(super) const KILOGRAM: &str = "166";

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let main_role = role(&input.head_text());
    let Some(with) = &opts.with else {
        return match main_role {
            Role::Offers => read_offers_alone(input, forced, sink, diag),
            Role::Import | Role::Unknown => read_import(input, forced, None, sink, diag),
        };
    };
    let other = RawInput::open(with)?;
    let (import, offers) = match (main_role, role(&other.head_text())) {
        (Role::Offers, Role::Offers) => {
            return Err(Error::usage(format!(
                "{} and {} are both offers files (ПакетПредложений): convert the import.xml with --with offers.xml",
                input.name, other.name
            )))
        }
        (Role::Import, Role::Import) => {
            return Err(Error::usage(format!(
                "{} and {} are both catalogues (Каталог): --with names the offers file (offers.xml)",
                input.name, other.name
            )))
        }
        // `convert offers.xml --with import.xml` means the same pair.
        (Role::Offers, _) => (other, input),
        _ => (input, other),
    };
    let (index, types) = read_index(offers, forced, diag)?;
    read_import(import, forced, Some((index, types)), sink, diag)
}

/// Reads the whole offers file into the index.
fn read_index(input: RawInput, forced: Encoding, diag: &mut Diagnostics) -> Result<(OffersIndex, PriceTypes)> {
    let name = input.name.clone();
    let mut cml = Cml::open(input, forced)?;
    let (_, empty) = cml.root()?;
    let mut index = OffersIndex::default();
    let mut types = PriceTypes::default();
    let mut packages = 0;
    if !empty {
        loop {
            match cml.next()? {
                Ev::Start { name, empty, .. } if name == "ПакетПредложений" => {
                    packages += 1;
                    if !empty {
                        read_package(&mut cml, diag, &mut types, &mut |offer, cml, diag, _| {
                            index.add(offer, cml, diag)
                        })?;
                    }
                }
                Ev::Start { name, empty, .. } => {
                    cml.skip_unmapped(diag, &name, empty, super::ROOT)?;
                }
                Ev::End => break,
                Ev::Text(t) => cml.stray_text(diag, &t, super::ROOT)?,
                Ev::Eof => return Err(cml.truncated(super::ROOT)),
            }
        }
    }
    if packages == 0 {
        return Err(Error::syntax(
            crate::error::Position::in_file(&name),
            "no <ПакетПредложений> in the offers file: it holds no prices (is it the offers.xml?)",
        ));
    }
    Ok((index, types))
}

pub(super) fn catalog_header(cml: &mut Cml, attrs: &mut Attrs, diag: &mut Diagnostics) -> Result<Header> {
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some(NAME.to_string());
    header.export_date = cml.export_date(attrs, diag)?;
    Ok(header)
}

/// `offers.xml` alone: one product per offer, with what the offer gives.
fn read_offers_alone(
    input: RawInput,
    forced: Encoding,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<()> {
    let mut cml = Cml::open(input, forced)?;
    let (mut attrs, empty) = cml.root()?;
    let header = catalog_header(&mut cml, &mut attrs, diag)?;
    sink.begin(&header, diag)?;
    diag.warn(Warning::new(
        "catalog-missing",
        "offers without their import.xml: each offer becomes a product with only its id, name, barcode, article, unit, \
         prices and quantity (no groups, no VAT); convert import.xml --with offers.xml for the whole catalogue",
    ))?;
    let mut types = PriceTypes::default();
    if !empty {
        loop {
            match cml.next()? {
                Ev::Start { name, empty, .. } if name == "ПакетПредложений" && !empty => {
                    read_package(&mut cml, diag, &mut types, &mut |offer, cml, diag, types| {
                        let product = offer_product(offer, cml, diag, types)?;
                        sink.record(Record::Product(product), diag)
                    })?;
                }
                Ev::Start { name, empty, .. } => {
                    cml.skip_unmapped(diag, &name, empty, super::ROOT)?;
                }
                Ev::End => break,
                Ev::Text(t) => cml.stray_text(diag, &t, super::ROOT)?,
                Ev::Eof => return Err(cml.truncated(super::ROOT)),
            }
        }
    }
    sink.finish(diag)
}

fn offer_product(offer: Offer, cml: &mut Cml, diag: &mut Diagnostics, types: &PriceTypes) -> Result<Product> {
    let name = if offer.name.trim().is_empty() {
        diag.warn(
            Warning::new(
                "value-assumed",
                format!("offer {} has no Наименование; its Ид is used as its name", offer.id),
            )
            .at(cml.pos_at(offer.offset, "Предложение")),
        )?;
        offer.id.clone()
    } else {
        offer.name
    };
    let mut p = Product::new(offer.id, name);
    p.barcodes = offer.barcodes;
    p.article = offer.article;
    p.weighted = offer.unit.as_ref().is_some_and(|u| u.code == KILOGRAM);
    p.unit = offer.unit;
    for (type_id, amount) in offer.prices {
        p.prices.push(types.price(cml, diag, &type_id, amount)?);
    }
    if !offer.features.is_empty() {
        p.extra.insert("Характеристики".into(), offer.features.join(", "));
    }
    if let Some(q) = offer.quantity {
        p.extra.insert("Количество".into(), q.to_string());
    }
    p.extra.extend(offer.extra);
    Ok(p)
}
