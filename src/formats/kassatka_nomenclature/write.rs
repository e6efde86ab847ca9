//! Writes Кассатка nomenclature, streaming: a product is written as soon as it arrives when it
//! belongs to the group being written (the order every hierarchical reader produces). Products
//! that arrive before their group are held until it comes (`ParentsFirst`); a product of a group
//! already closed reopens it in a second `ProductGroup` element (with a warning), so nothing is
//! held for long.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::fields::yes_no_text;
use crate::formats::xml::{semicolon_list, Subject, XmlOut};
use crate::i18n::Message;
use crate::model::{Group, Header, Price, Product};
use crate::msg;
use crate::number::format_decimal;
use crate::options::{KassatkaDialect, WriteOptions};
use crate::price_choice::price_fields;
use crate::sink::{CatalogWriter, GroupedCatalog, RecordSink};

use super::read::ONE_C_ROOT_ATTRIBUTES;
use super::{NAME, ROOT, ROOT_GROUP_CODE};

/// `None` is the pseudo-group of products outside any group.
type GroupKey = Option<String>;

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(GroupedCatalog::new(
        NAME,
        KassatkaNomenclatureWriter {
            xml: XmlOut::new(out),
            dialect: opts.kassatka_dialect.unwrap_or_default(),
            opts: opts.clone(),
            current: None,
            groups: HashMap::new(),
            closed: HashSet::new(),
        },
    )))
}

struct OpenGroup {
    key: GroupKey,
    /// The start tag is written with the first product; an empty group becomes `<ProductGroup/>`.
    started: bool,
}

struct KassatkaNomenclatureWriter {
    xml: XmlOut<Box<dyn Write>>,
    /// `--kassatka-dialect`, else the layout the input was read in (set in `start`), else API.
    dialect: KassatkaDialect,
    opts: WriteOptions,
    current: Option<OpenGroup>,
    groups: HashMap<String, Group>,
    /// Groups whose products were written (a product of one of them after another group
    /// reopens it: a split, warned).
    closed: HashSet<GroupKey>,
}

/// The API layout's `Product@Barcode` holds an EAN/UPC: digits only, like every barcode in the
/// seed (schema type `BarcodeText`).
fn fits_api_barcode(b: &str) -> bool {
    !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit())
}

/// The 1C layout holds 1C's barcodes as they are, internal codes such as `SN175060009539` too
/// (schema type `BarcodeText1C`).
fn fits_1c_barcode(b: &str) -> bool {
    !b.is_empty() && b.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._/".contains(&c))
}

/// The API layout's one barcode: the first that `Product@Barcode` can hold.
fn api_barcode(p: &Product) -> Option<&String> {
    p.barcodes.iter().find(|b| fits_api_barcode(b))
}

fn join(barcodes: &[&String]) -> String {
    barcodes.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", ")
}

impl KassatkaNomenclatureWriter {
    fn dialect(&self) -> KassatkaDialect {
        self.dialect
    }

    /// Without `--kassatka-dialect`, a catalogue read from kassatka-xml (directly or through
    /// canonical JSON) is written in the layout it was read in.
    fn choose_dialect(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        if self.opts.kassatka_dialect.is_some() || header.source_format.as_deref() != Some(NAME) {
            return Ok(());
        }
        let Some(layout) = &header.source_layout else { return Ok(()) };
        match KassatkaDialect::from_layout_name(layout) {
            Some(dialect) => self.dialect = dialect,
            None => diag.warn_with(WarningKind::ValueAssumed, || {
                Warning::new(
                    WarningKind::ValueAssumed,
                    msg!(
                        "kassatka-layout-unknown",
                        format = NAME,
                        layout = format!("{layout:?}"),
                        written = self.dialect.layout_name()
                    ),
                )
            })?,
        }
        Ok(())
    }

    fn group_attrs(&self, key: &GroupKey) -> (String, String, String) {
        let top_parent = match self.dialect() {
            KassatkaDialect::Api => ROOT_GROUP_CODE,
            KassatkaDialect::OneC => "",
        };
        match key.as_ref().and_then(|k| self.groups.get(k)) {
            Some(g) => (g.code.clone(), g.name.clone(), g.parent.clone().unwrap_or_else(|| top_parent.to_string())),
            None => (ROOT_GROUP_CODE.into(), ROOT_GROUP_CODE.into(), ROOT_GROUP_CODE.into()),
        }
    }

    fn start_current(&mut self) -> Result<()> {
        let Some(open) = &self.current else { return Ok(()) };
        if open.started {
            return Ok(());
        }
        let (code, name, parent) = self.group_attrs(&open.key);
        self.xml.subject(Subject::Group, &code);
        self.xml
            .start("ProductGroup", &[("Code", &code), ("Name", &name), ("ParentCode", &parent)])
            .map_err(Error::output)?;
        if self.dialect() == KassatkaDialect::Api {
            self.xml.start("Products", &[]).map_err(Error::output)?;
        }
        if let Some(open) = &mut self.current {
            open.started = true;
        }
        Ok(())
    }

    fn close_current(&mut self) -> Result<()> {
        let Some(open) = self.current.take() else { return Ok(()) };
        if open.started {
            if self.dialect() == KassatkaDialect::Api {
                self.xml.end("Products").map_err(Error::output)?;
            }
            self.xml.end("ProductGroup").map_err(Error::output)?;
            self.closed.insert(open.key);
        } else {
            // Written where it came, so parents stay before children. If its products come later
            // (CommerceML lists every group before any goods) they get an element of their own:
            // that is not a split, so it is not in `closed`.
            let (code, name, parent) = self.group_attrs(&open.key);
            self.xml.subject(Subject::Group, &code);
            self.xml
                .empty("ProductGroup", &[("Code", &code), ("Name", &name), ("ParentCode", &parent)])
                .map_err(Error::output)?;
        }
        Ok(())
    }

    /// Makes `key` the group being written, reopening it (with a warning) if it was closed.
    fn switch_to(&mut self, key: GroupKey, diag: &mut Diagnostics) -> Result<()> {
        if self.current.as_ref().is_some_and(|o| o.key == key) {
            return Ok(());
        }
        self.close_current()?;
        if self.closed.contains(&key) {
            let (code, _, _) = self.group_attrs(&key);
            diag.warn(Warning::new(WarningKind::GroupSplit, msg!("kassatka-group-split", code = code)))?;
        }
        self.current = Some(OpenGroup { key, started: false });
        Ok(())
    }

    fn write_product(&mut self, product: &Product, diag: &mut Diagnostics) -> Result<()> {
        self.start_current()?;
        self.warn_losses(product, diag)?;
        self.xml.subject(Subject::Product, &product.code);
        match self.dialect() {
            KassatkaDialect::Api => self.write_api_product(product),
            KassatkaDialect::OneC => {
                let prices = price_fields(product, self.opts.price_type.as_deref(), None, "Product@Price", diag)?;
                self.write_1c_product(product, prices.selling)
            }
        }
    }

    fn price_text(&self, amount: Option<rust_decimal::Decimal>) -> String {
        amount.map(|a| format_decimal(&a, self.opts.decimal_separator_or('.'))).unwrap_or_default()
    }

    fn write_api_product(&mut self, p: &Product) -> Result<()> {
        let barcode = api_barcode(p).cloned().unwrap_or_default();
        let parent = p.parent.clone().unwrap_or_default();
        let (unit_code, unit_name) = p.unit.as_ref().map(|u| (u.code.clone(), u.name.clone())).unwrap_or_default();
        let comment = p.comment.clone().unwrap_or_default();
        let mut rows: Vec<(String, String)> =
            p.prices.iter().map(|price| (self.price_text(price.amount), price.price_type.clone())).collect();
        if rows.is_empty() {
            rows.push((String::new(), String::new()));
        }
        for (price, price_type) in rows {
            self.xml
                .empty(
                    "Product",
                    &[
                        ("Barcode", &barcode),
                        ("Code", &p.code),
                        ("Name", &p.name),
                        ("ParentCode", &parent),
                        ("UnitCode", &unit_code),
                        ("UnitName", &unit_name),
                        ("Price", &price),
                        ("Comment", &comment),
                        ("PriceType", &price_type),
                    ],
                )
                .map_err(Error::output)?;
        }
        Ok(())
    }

    fn write_1c_product(&mut self, p: &Product, main: Option<&Price>) -> Result<()> {
        let main_price = self.price_text(main.and_then(|pr| pr.amount));
        let parent = p.parent.clone().unwrap_or_default();
        let (unit_code, unit_name) = p.unit.as_ref().map(|u| (u.code.clone(), u.name.clone())).unwrap_or_default();
        let article = p.article.clone().unwrap_or_default();
        // The list holds every barcode; the attribute repeats the first.
        let barcode = p.barcodes.first().filter(|b| fits_1c_barcode(b)).cloned().unwrap_or_default();
        let mut attrs: Vec<(&str, &str)> = vec![
            ("ParentCode", &parent),
            ("Code", &p.code),
            ("Name", &p.name),
            ("UnitCode", &unit_code),
            ("UnitName", &unit_name),
            ("Article", &article),
            ("Price", &main_price),
            ("Barcode", &barcode),
        ];
        if let Some(comment) = &p.comment {
            attrs.push(("Comment", comment));
        }
        self.xml.start("Product", &attrs).map_err(Error::output)?;
        if !p.prices.is_empty() {
            let vat = p.vat.map(|v| v.as_russian()).unwrap_or_default();
            self.xml.start("Prices", &[]).map_err(Error::output)?;
            for price in &p.prices {
                let amount = self.price_text(price.amount);
                let code = price.code.clone().unwrap_or_default();
                // Russian retail prices include VAT; an unknown flag is written as Да (warned).
                let includes = yes_no_text(price.includes_vat.unwrap_or(true));
                self.xml
                    .empty(
                        "Price",
                        &[
                            ("PriceCode", &code),
                            ("PriceType", &price.price_type),
                            ("Price", &amount),
                            ("VAT", vat),
                            ("IncludesVAT", includes),
                        ],
                    )
                    .map_err(Error::output)?;
            }
            self.xml.end("Prices").map_err(Error::output)?;
        }
        let listed: Vec<&String> = p.barcodes.iter().filter(|b| fits_1c_barcode(b)).collect();
        if !listed.is_empty() {
            self.xml.start("Barcodes", &[]).map_err(Error::output)?;
            for b in listed {
                self.xml.empty("Barcode", &[("Barcode", b)]).map_err(Error::output)?;
            }
            self.xml.end("Barcodes").map_err(Error::output)?;
        }
        self.xml.end("Product").map_err(Error::output)
    }

    /// Says what of a product this layout cannot hold.
    fn warn_losses(&self, p: &Product, diag: &mut Diagnostics) -> Result<()> {
        // What is lost, worded only if the warning is kept (a big file loses the same on every row).
        let mut lost: Vec<Box<dyn Fn() -> Message + '_>> = Vec::new();
        if self.dialect() == KassatkaDialect::Api {
            let written = api_barcode(p);
            let (digits, others): (Vec<&String>, Vec<&String>) =
                p.barcodes.iter().filter(|b| Some(*b) != written).partition(|b| fits_api_barcode(b));
            if !digits.is_empty() {
                let first = written == p.barcodes.first();
                lost.push(Box::new(move || {
                    if first {
                        msg!("kassatka-lost-barcodes-first", barcodes = join(&digits))
                    } else {
                        msg!("kassatka-lost-barcodes-one", barcodes = join(&digits))
                    }
                }));
            }
            if !others.is_empty() {
                lost.push(Box::new(move || msg!("kassatka-lost-barcodes-not-digits", barcodes = join(&others))));
            }
            if let Some(a) = &p.article {
                lost.push(Box::new(move || msg!("kassatka-lost-article", article = format!("{a:?}"))));
            }
            if let Some(v) = p.vat {
                lost.push(Box::new(move || msg!("kassatka-lost-vat", vat = v.as_russian())));
            }
            if p.prices.iter().any(|pr| pr.code.is_some() || pr.includes_vat.is_some()) {
                lost.push(Box::new(move || msg!("kassatka-lost-price-codes")));
            }
        } else {
            let unfit: Vec<&String> = p.barcodes.iter().filter(|b| !fits_1c_barcode(b)).collect();
            if !unfit.is_empty() {
                lost.push(Box::new(move || msg!("kassatka-lost-barcodes-1c", barcodes = join(&unfit))));
            }
            if p.prices.iter().any(|pr| pr.includes_vat.is_none()) {
                diag.warn_with(WarningKind::ValueAssumed, || {
                    Warning::new(WarningKind::ValueAssumed, msg!("kassatka-includes-vat-assumed", code = &p.code))
                })?;
            }
            // The 1C layout writes VAT on each Prices/Price: without prices it has nowhere to go.
            if let (Some(v), true) = (p.vat, p.prices.is_empty()) {
                lost.push(Box::new(move || msg!("kassatka-lost-vat-no-prices", vat = v.as_russian())));
            }
        }
        if p.weighted {
            lost.push(Box::new(move || msg!("kassatka-lost-weighted")));
        }
        if p.service {
            lost.push(Box::new(move || msg!("kassatka-lost-service")));
        }
        let extra: Vec<&str> = p.extra.keys().map(String::as_str).filter(|k| *k != "Price").collect();
        if !extra.is_empty() {
            lost.push(Box::new(move || msg!("kassatka-lost-extra", names = extra.join(", "))));
        }
        if lost.is_empty() {
            return Ok(());
        }
        let api = self.dialect() == KassatkaDialect::Api;
        diag.warn_with(WarningKind::FieldDropped, || {
            let (code, lost) = (&p.code, semicolon_list(lost.iter().map(|say| say())));
            let message = if api {
                msg!("kassatka-product-lost-api", code = code, format = NAME, lost = lost)
            } else {
                msg!("kassatka-product-lost", code = code, format = NAME, lost = lost)
            };
            Warning::new(WarningKind::FieldDropped, message)
        })
    }
}

impl CatalogWriter for KassatkaNomenclatureWriter {
    fn start(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        self.choose_dialect(header, diag)?;
        self.xml.declaration().map_err(Error::output)?;
        let date =
            header.export_date.map(|d| d.format("%d.%m.%Y").to_string()).or_else(|| header.extra.get("Date").cloned());
        let mut attrs: Vec<(&str, &str)> = Vec::new();
        for name in ONE_C_ROOT_ATTRIBUTES {
            if let Some(v) = header.extra.get(name) {
                attrs.push((name, v));
            }
        }
        if let Some(d) = &date {
            attrs.push(("Date", d));
        }
        self.xml.subject(Subject::Document, "");
        let dropped: Vec<&str> = header
            .extra
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "Date" && !ONE_C_ROOT_ATTRIBUTES.contains(k))
            .collect();
        if !dropped.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    msg!("xml-document-attributes-dropped", names = dropped.join(", "), format = NAME),
                )
            })?;
        }
        self.xml.start(ROOT, &attrs).map_err(Error::output)
    }

    fn group(&mut self, group: Group, diag: &mut Diagnostics) -> Result<()> {
        if !group.extra.is_empty() {
            let names: Vec<&str> = group.extra.keys().map(String::as_str).collect();
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    msg!("kassatka-group-extra-dropped", code = &group.code, format = NAME, names = names.join(", ")),
                )
            })?;
        }
        let key = Some(group.code.clone());
        self.groups.insert(group.code.clone(), group);
        self.switch_to(key, diag)
    }

    fn product(&mut self, product: Product, diag: &mut Diagnostics) -> Result<()> {
        self.switch_to(product.parent.clone(), diag)?;
        self.write_product(&product, diag)
    }

    /// Products whose group never came: under the root pseudo-group, their ParentCode kept.
    fn orphans(&mut self, code: &str, products: Vec<Product>, diag: &mut Diagnostics) -> Result<()> {
        diag.warn_with(WarningKind::GroupMissing, || {
            Warning::new(WarningKind::GroupMissing, msg!("kassatka-group-missing", code = code, count = products.len()))
        })?;
        self.switch_to(None, diag)?;
        products.iter().try_for_each(|p| self.write_product(p, diag))
    }

    fn end(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.close_current()?;
        self.xml.end(ROOT).map_err(Error::output)?;
        self.xml.finish().map_err(Error::output)
    }
}
