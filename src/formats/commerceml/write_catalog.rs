//! Writes a catalogue as one CommerceML 2.08 file, the layout a single-file exchange (and this
//! crate's reader) takes: `Классификатор` (the groups, nested, and the price types), then
//! `Каталог/Товары`, then `ПакетПредложений/Предложения`.
//!
//! - **Streaming.** The `Классификатор` must come first but is complete only at the end (a group
//!   may come after products: Кассатка and ATOL files list each group before its own goods; the
//!   price types are known only from the products). So each `Товар` and its `Предложение` are
//!   written, as the product arrives, to two temporary files (`spool.rs`), copied into the
//!   document after the `Классификатор` at `finish`. Memory holds the groups and the price types,
//!   never the goods; products may come in any order relative to their groups.
//! - **Goods** (`Товар`): `Ид` = code, `ПометкаУдаления` and `Статус="Удален"` when deleted,
//!   every barcode as `Штрихкод`, `Артикул`, `Наименование`, `БазоваяЕдиница Код НаименованиеПолное`,
//!   `Группы/Ид`, the comment as `Описание`, VAT (and other taxes kept in `extra` as
//!   `СтавкаНалога …`) as `СтавкиНалогов`, the service flag as the реквизит `ВидНоменклатуры`
//!   «Услуга», the weighted flag (unless the unit is 166 кг, which says it) as `Весовой`, and
//!   every other `extra` entry as a `ЗначениеРеквизита`.
//! - **Offers** (`Предложение`, one per product, same `Ид`): `Наименование`, `Цены/Цена` per
//!   price (`ИдТипаЦены`, `ЦенаЗаЕдиницу` exactly as held, `Валюта` RUB), the stock of `extra`
//!   `Количество` and `Остатки по складам` as `Количество` and `Остатки`.
//! - **Price types**: `Ид` = the price's code, else its name; `Налог/УчтеноВСумме` from
//!   `includes_vat`. One type whose prices disagree (a second name for a code, another VAT flag)
//!   keeps the first, with a warning.
//!
//! What the reader gives back differs only as documented in the README (the comment comes back in
//! `extra` as `Описание`, a price without a code gets its type's name as code, …).

use std::collections::{HashMap, HashSet};
use std::io::Write;

use chrono::NaiveDate;
use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Result};
use crate::formats::xml::{Subject, XmlOut};
use crate::i18n::Message;
use crate::model::{Group, Header, Price, Product, Record, Vat};
use crate::msg;
use crate::number::{format_decimal, parse_decimal};
use crate::sink::RecordSink;

use super::offers::{QUANTITY, STOCK_PER_STORE};
use super::read::KILOGRAM;
use super::spool::{Shared, Spool};
use super::write::SCHEMA_VERSION;
use super::{kind_name, NAME, ROOT};

/// The `Ид` of the classifier and the catalogue: one constant, so that every export updates the
/// same catalogue on the site.
const CATALOG_ID: &str = "kassa-bridge-catalog";
const CLASSIFIER_NAME: &str = "Классификатор (Основной каталог товаров)";
const CATALOG_NAME: &str = "Основной каталог товаров";
const PACKAGE_NAME: &str = "Пакет предложений (Основной каталог товаров)";
/// The prefix of `extra` keys holding taxes other than НДС (as the reader keeps them).
const OTHER_TAX: &str = "СтавкаНалога ";

pub(super) fn writer(out: Box<dyn Write>) -> Result<CatalogWriter> {
    let out = Shared::new(out);
    Ok(CatalogWriter {
        xml: XmlOut::new(out.clone()),
        out,
        goods: Spool::new(&[ROOT, "Каталог", "Товары"])?,
        offers: Spool::new(&[ROOT, "ПакетПредложений", "Предложения"])?,
        export_date: None,
        groups: Vec::new(),
        group_codes: HashSet::new(),
        parents: HashSet::new(),
        types: IndexMap::new(),
    })
}

/// A price type as written in `ТипыЦен`.
struct PriceType {
    name: String,
    includes_vat: Option<bool>,
    /// A price disagreeing with the type was reported.
    warned: bool,
}

pub(super) struct CatalogWriter {
    out: Shared<Box<dyn Write>>,
    xml: XmlOut<Shared<Box<dyn Write>>>,
    goods: Spool,
    offers: Spool,
    export_date: Option<NaiveDate>,
    groups: Vec<Group>,
    group_codes: HashSet<String>,
    /// The groups products name, to report those that never come.
    parents: HashSet<String>,
    /// By `Ид`, in the order first met.
    types: IndexMap<String, PriceType>,
}

impl RecordSink for CatalogWriter {
    fn begin(&mut self, header: &Header, _: &mut Diagnostics) -> Result<()> {
        self.export_date = header.export_date;
        Ok(())
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        match record {
            Record::Group(g) => self.group(g, diag),
            Record::Product(p) => {
                if let Some(parent) = &p.parent {
                    if !self.parents.contains(parent) {
                        self.parents.insert(parent.clone());
                    }
                }
                self.write_goods(&p, diag)?;
                self.write_offer(&p, diag)
            }
            other => Err(ErrorKind::Unsupported {
                format: NAME.into(),
                action: msg!("cml-write-in-catalog", kind = kind_name(other.kind())).into(),
            }
            .into()),
        }
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        let missing: Vec<&String> = self.parents.iter().filter(|p| !self.group_codes.contains(*p)).collect();
        if !missing.is_empty() {
            let mut missing: Vec<&str> = missing.into_iter().map(String::as_str).collect();
            missing.sort_unstable();
            diag.warn(Warning::new(WarningKind::GroupMissing, msg!("cml-groups-missing", codes = missing.join(", "))))?;
        }
        let date = self.export_date.map(|d| d.format("%Y-%m-%dT00:00:00").to_string());
        self.xml.declaration().map_err(Error::output)?;
        let mut attrs = vec![("ВерсияСхемы", SCHEMA_VERSION)];
        if let Some(d) = &date {
            attrs.push(("ДатаФормирования", d));
        }
        self.xml.start(ROOT, &attrs).map_err(Error::output)?;
        self.write_classifier(diag)?;
        if !self.goods.is_empty()? {
            self.xml.start("Каталог", &[("СодержитТолькоИзменения", "false")]).map_err(Error::output)?;
            self.xml.text_element("Ид", CATALOG_ID).map_err(Error::output)?;
            self.xml.text_element("ИдКлассификатора", CATALOG_ID).map_err(Error::output)?;
            self.xml.text_element("Наименование", CATALOG_NAME).map_err(Error::output)?;
            self.xml.start("Товары", &[]).map_err(Error::output)?;
            self.goods.copy_into(&mut self.out)?;
            self.xml.end("Товары").map_err(Error::output)?;
            self.xml.end("Каталог").map_err(Error::output)?;

            self.xml.start("ПакетПредложений", &[("СодержитТолькоИзменения", "false")]).map_err(Error::output)?;
            self.xml.text_element("Ид", &format!("{CATALOG_ID}#")).map_err(Error::output)?;
            self.xml.text_element("Наименование", PACKAGE_NAME).map_err(Error::output)?;
            self.xml.text_element("ИдКаталога", CATALOG_ID).map_err(Error::output)?;
            self.xml.text_element("ИдКлассификатора", CATALOG_ID).map_err(Error::output)?;
            self.xml.start("Предложения", &[]).map_err(Error::output)?;
            self.offers.copy_into(&mut self.out)?;
            self.xml.end("Предложения").map_err(Error::output)?;
            self.xml.end("ПакетПредложений").map_err(Error::output)?;
        }
        self.xml.end(ROOT).map_err(Error::output)?;
        self.xml.finish().map_err(Error::output)
    }
}

/// Whether `name` can be an element name as it is (letters, digits, `-`, `_`, `.`; no prefix).
fn element_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.to_lowercase().starts_with("xml")
}

/// Warehouses and their stock, for `Остатки`.
type Stores = Vec<(String, Decimal)>;

/// Stock per warehouse as the reader keeps it (`склад: количество; …`), when it sums to the
/// quantity and reads back exactly so: the warehouses and amounts for `Остатки`.
fn stores(split: &str, quantity: Option<&str>) -> Option<Stores> {
    let mut out = Vec::new();
    for part in split.split("; ") {
        let (store, amount) = part.rsplit_once(": ")?;
        out.push((store.to_string(), parse_decimal(amount).ok()??));
    }
    let back: Vec<String> = out.iter().map(|(s, q)| format!("{s}: {q}")).collect();
    let total: Decimal = out.iter().map(|(_, q)| *q).sum();
    let exact = out.len() > 1 && back.join("; ") == split && out.iter().all(|(s, _)| s.trim() == s);
    (exact && quantity == Some(total.to_string().as_str())).then_some(out)
}

impl CatalogWriter {
    fn group(&mut self, g: Group, diag: &mut Diagnostics) -> Result<()> {
        if !self.group_codes.insert(g.code.clone()) {
            return diag.warn(Warning::new(
                WarningKind::ValueDropped,
                msg!("cml-group-twice", code = &g.code, name = &g.name),
            ));
        }
        self.groups.push(g);
        Ok(())
    }

    fn write_classifier(&mut self, diag: &mut Diagnostics) -> Result<()> {
        self.xml.start("Классификатор", &[]).map_err(Error::output)?;
        self.xml.text_element("Ид", CATALOG_ID).map_err(Error::output)?;
        self.xml.text_element("Наименование", CLASSIFIER_NAME).map_err(Error::output)?;
        if !self.groups.is_empty() {
            self.xml.start("Группы", &[]).map_err(Error::output)?;
            self.write_group_tree(diag)?;
            self.xml.end("Группы").map_err(Error::output)?;
        }
        if !self.types.is_empty() {
            self.xml.start("ТипыЦен", &[]).map_err(Error::output)?;
            for (id, t) in &self.types {
                self.xml.start("ТипЦены", &[]).map_err(Error::output)?;
                self.xml.text_element("Ид", id).map_err(Error::output)?;
                self.xml.text_element("Наименование", &t.name).map_err(Error::output)?;
                self.xml.text_element("Валюта", "RUB").map_err(Error::output)?;
                if let Some(included) = t.includes_vat {
                    self.xml.start("Налог", &[]).map_err(Error::output)?;
                    self.xml.text_element("Наименование", "НДС").map_err(Error::output)?;
                    self.xml
                        .text_element("УчтеноВСумме", if included { "true" } else { "false" })
                        .map_err(Error::output)?;
                    self.xml.end("Налог").map_err(Error::output)?;
                }
                self.xml.end("ТипЦены").map_err(Error::output)?;
            }
            self.xml.end("ТипыЦен").map_err(Error::output)?;
        }
        self.xml.end("Классификатор").map_err(Error::output)
    }

    /// The groups nested under their parents (an explicit stack: no depth limit). A group whose
    /// parent is not in the input, or that is its own ancestor, is written at the top level.
    fn write_group_tree(&mut self, diag: &mut Diagnostics) -> Result<()> {
        let groups = std::mem::take(&mut self.groups);
        let index: HashMap<&str, usize> = groups.iter().enumerate().map(|(i, g)| (g.code.as_str(), i)).collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
        let mut tops: Vec<usize> = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            match g.parent.as_deref().map(|p| index.get(p)) {
                None => tops.push(i),
                Some(Some(&parent)) if parent != i => children[parent].push(i),
                Some(_) => {
                    diag.warn(Warning::new(
                        WarningKind::GroupMissing,
                        msg!(
                            "cml-group-parent-missing",
                            code = &g.code,
                            name = &g.name,
                            parent = g.parent.as_deref().unwrap_or_default()
                        ),
                    ))?;
                    tops.push(i);
                }
            }
        }
        let mut written = vec![false; groups.len()];
        for top in tops {
            self.write_subtree(&groups, &children, &mut written, top, diag)?;
        }
        // What is left is a cycle of parents: each cut at the first group met.
        for (i, g) in groups.iter().enumerate() {
            if !written[i] {
                diag.warn(Warning::new(
                    WarningKind::ValueDropped,
                    msg!("cml-group-cycle", code = &g.code, name = &g.name),
                ))?;
                self.write_subtree(&groups, &children, &mut written, i, diag)?;
            }
        }
        self.groups = groups;
        Ok(())
    }

    fn write_subtree(
        &mut self,
        groups: &[Group],
        children: &[Vec<usize>],
        written: &mut [bool],
        top: usize,
        diag: &mut Diagnostics,
    ) -> Result<()> {
        // (group, next child to look at, whether its nested `Группы` is open)
        let mut stack: Vec<(usize, usize, bool)> = Vec::new();
        self.open_group(&groups[top], diag)?;
        written[top] = true;
        stack.push((top, 0, false));
        while let Some((group, next, open)) = stack.last_mut() {
            let Some(&child) = children[*group].get(*next) else {
                if *open {
                    self.xml.end("Группы").map_err(Error::output)?;
                }
                self.xml.end("Группа").map_err(Error::output)?;
                stack.pop();
                continue;
            };
            *next += 1;
            if written[child] {
                continue;
            }
            if !*open {
                *open = true;
                self.xml.start("Группы", &[]).map_err(Error::output)?;
            }
            self.open_group(&groups[child], diag)?;
            written[child] = true;
            stack.push((child, 0, false));
        }
        Ok(())
    }

    fn open_group(&mut self, g: &Group, diag: &mut Diagnostics) -> Result<()> {
        self.xml.subject(Subject::Group, &g.code);
        self.xml.start("Группа", &[]).map_err(Error::output)?;
        self.xml.text_element("Ид", &g.code).map_err(Error::output)?;
        self.xml.text_element("Наименование", &g.name).map_err(Error::output)?;
        let mut dropped = Vec::new();
        for (key, value) in &g.extra {
            if element_name(key) && !matches!(key.as_str(), "Ид" | "Наименование" | "Группы") {
                self.xml.text_element(key, value).map_err(Error::output)?;
            } else {
                dropped.push(key.as_str());
            }
        }
        if !dropped.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    msg!("cml-group-extra-dropped", code = &g.code, fields = dropped.join(", "), format = NAME),
                )
            })?;
        }
        Ok(())
    }

    fn write_goods(&mut self, p: &Product, diag: &mut Diagnostics) -> Result<()> {
        let x = &mut self.goods.xml;
        x.subject(Subject::Product, &p.code);
        let status: &[(&str, &str)] = if p.deleted { &[("Статус", "Удален")] } else { &[] };
        x.start("Товар", status).map_err(Error::output)?;
        x.text_element("Ид", &p.code).map_err(Error::output)?;
        if p.deleted {
            x.text_element("ПометкаУдаления", "true").map_err(Error::output)?;
        }
        for b in p.barcodes.iter().filter(|b| !b.trim().is_empty()) {
            x.text_element("Штрихкод", b).map_err(Error::output)?;
        }
        if let Some(a) = p.article.as_deref().filter(|a| !a.trim().is_empty()) {
            x.text_element("Артикул", a).map_err(Error::output)?;
        }
        x.text_element("Наименование", &product_name(p, diag)?).map_err(Error::output)?;
        write_unit(x, p)?;
        if let Some(parent) = &p.parent {
            x.start("Группы", &[]).map_err(Error::output)?;
            x.text_element("Ид", parent).map_err(Error::output)?;
            x.end("Группы").map_err(Error::output)?;
        }
        if let Some(c) = p.comment.as_deref().filter(|c| !c.trim().is_empty()) {
            x.text_element("Описание", c).map_err(Error::output)?;
        }
        let mut taxes: Vec<(&str, &str)> = Vec::new();
        if let Some(vat) = p.vat {
            taxes.push(("НДС", if vat == Vat::NoVat { "Без налога" } else { vat.as_str() }));
        }
        taxes.extend(p.extra.iter().filter_map(|(k, v)| Some((k.strip_prefix(OTHER_TAX)?, v.as_str()))));
        if !taxes.is_empty() {
            x.start("СтавкиНалогов", &[]).map_err(Error::output)?;
            for (name, rate) in taxes {
                x.start("СтавкаНалога", &[]).map_err(Error::output)?;
                x.text_element("Наименование", name).map_err(Error::output)?;
                x.text_element("Ставка", rate).map_err(Error::output)?;
                x.end("СтавкаНалога").map_err(Error::output)?;
            }
            x.end("СтавкиНалогов").map_err(Error::output)?;
        }
        let requisites = requisites(p);
        if !requisites.is_empty() {
            x.start("ЗначенияРеквизитов", &[]).map_err(Error::output)?;
            for (name, value) in requisites {
                x.start("ЗначениеРеквизита", &[]).map_err(Error::output)?;
                x.text_element("Наименование", name).map_err(Error::output)?;
                x.text_element("Значение", value).map_err(Error::output)?;
                x.end("ЗначениеРеквизита").map_err(Error::output)?;
            }
            x.end("ЗначенияРеквизитов").map_err(Error::output)?;
        }
        x.end("Товар").map_err(Error::output)
    }

    fn write_offer(&mut self, p: &Product, diag: &mut Diagnostics) -> Result<()> {
        let mut prices: Vec<(String, &Price)> = Vec::with_capacity(p.prices.len());
        for price in &p.prices {
            let id = self.price_type(p, price, diag)?;
            if prices.iter().any(|(known, _)| *known == id) {
                diag.warn(Warning::new(
                    WarningKind::ValueDropped,
                    msg!("cml-product-second-price", code = &p.code, price_type = format!("{id:?}")),
                ))?;
                continue;
            }
            prices.push((id, price));
        }
        let x = &mut self.offers.xml;
        x.subject(Subject::Product, &p.code);
        x.start("Предложение", &[]).map_err(Error::output)?;
        x.text_element("Ид", &p.code).map_err(Error::output)?;
        if p.deleted {
            x.text_element("ПометкаУдаления", "true").map_err(Error::output)?;
        }
        x.text_element("Наименование", &product_name(p, diag)?).map_err(Error::output)?;
        if !prices.is_empty() {
            x.start("Цены", &[]).map_err(Error::output)?;
            for (id, price) in prices {
                x.start("Цена", &[]).map_err(Error::output)?;
                x.text_element("ИдТипаЦены", &id).map_err(Error::output)?;
                let amount = price.amount.map(|a| format_decimal(&a, '.')).unwrap_or_default();
                x.text_element("ЦенаЗаЕдиницу", &amount).map_err(Error::output)?;
                x.text_element("Валюта", "RUB").map_err(Error::output)?;
                x.end("Цена").map_err(Error::output)?;
            }
            x.end("Цены").map_err(Error::output)?;
        }
        let (quantity, stores) = stock(p);
        if let Some(q) = quantity {
            x.text_element("Количество", q).map_err(Error::output)?;
        }
        if let Some(stores) = stores {
            x.start("Остатки", &[]).map_err(Error::output)?;
            for (store, amount) in stores {
                x.start("Остаток", &[]).map_err(Error::output)?;
                x.start("Склад", &[]).map_err(Error::output)?;
                x.text_element("Ид", &store).map_err(Error::output)?;
                x.text_element("Количество", &amount.to_string()).map_err(Error::output)?;
                x.end("Склад").map_err(Error::output)?;
                x.end("Остаток").map_err(Error::output)?;
            }
            x.end("Остатки").map_err(Error::output)?;
        }
        x.end("Предложение").map_err(Error::output)
    }

    /// The `Ид` of a price's type, listing the type when it is new.
    fn price_type(&mut self, p: &Product, price: &Price, diag: &mut Diagnostics) -> Result<String> {
        let id = match price.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => code.to_string(),
            None if !price.price_type.trim().is_empty() => price.price_type.trim().to_string(),
            None => "Цена".to_string(),
        };
        // The reader names a type without a name by its `Ид`.
        let name = if price.price_type.trim().is_empty() { id.as_str() } else { price.price_type.as_str() };
        let Some(known) = self.types.get_mut(&id) else {
            if price.price_type.trim().is_empty() {
                diag.warn(Warning::new(
                    WarningKind::ValueAssumed,
                    msg!("cml-price-type-no-name", code = &p.code, id = format!("{id:?}")),
                ))?;
            }
            let t = PriceType { name: name.to_string(), includes_vat: price.includes_vat, warned: false };
            self.types.insert(id.clone(), t);
            return Ok(id);
        };
        if !known.warned && (known.name != name || known.includes_vat != price.includes_vat) {
            known.warned = true;
            let message = msg!(
                "cml-price-type-disagrees",
                id = &id,
                code = &p.code,
                name = format!("{:?}", price.price_type),
                vat = vat_included(price.includes_vat),
                first_name = format!("{:?}", known.name),
                first_vat = vat_included(known.includes_vat),
                format = NAME
            );
            diag.warn(Warning::new(WarningKind::ValueDropped, message))?;
        }
        Ok(id)
    }
}

/// The name, or the code when the product has none (the reader refuses goods without a name).
fn product_name(p: &Product, diag: &mut Diagnostics) -> Result<String> {
    if !p.name.trim().is_empty() {
        return Ok(p.name.clone());
    }
    diag.warn_with(WarningKind::ValueAssumed, || {
        Warning::new(WarningKind::ValueAssumed, msg!("cml-product-no-name", code = &p.code))
    })?;
    Ok(p.code.clone())
}

/// A price type's VAT flag as a message says it (`Some(true)` in English, as it always read).
fn vat_included(flag: Option<bool>) -> Message {
    let flag = match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    msg!("cml-vat-included", flag = flag)
}

fn write_unit<W: Write>(x: &mut XmlOut<W>, p: &Product) -> Result<()> {
    let Some(unit) = &p.unit else { return Ok(()) };
    let mut attrs = Vec::with_capacity(2);
    if !unit.code.trim().is_empty() {
        attrs.push(("Код", unit.code.as_str()));
    }
    if !unit.name.trim().is_empty() {
        attrs.push(("НаименованиеПолное", unit.name.as_str()));
    }
    if !attrs.is_empty() {
        x.empty("БазоваяЕдиница", &attrs).map_err(Error::output)?;
    }
    Ok(())
}

/// The offer's `Количество` and `Остатки` from `extra`, when they read back as they are.
fn stock(p: &Product) -> (Option<&str>, Option<Stores>) {
    let quantity = p.extra.get(QUANTITY).map(String::as_str).filter(|q| parse_decimal(q).is_ok_and(|d| d.is_some()));
    let stores = p.extra.get(STOCK_PER_STORE).and_then(|s| stores(s, quantity));
    (quantity, stores)
}

/// `ЗначенияРеквизитов`: the service and weighted flags, then `extra` but what has a place of its
/// own (stock written in the offer, taxes).
fn requisites(p: &Product) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let has = |key: &str| p.extra.contains_key(key);
    if p.service && !has("ВидНоменклатуры") && !has("ТипНоменклатуры") {
        out.push(("ВидНоменклатуры", "Услуга"));
    }
    let kilograms = p.unit.as_ref().is_some_and(|u| u.code.trim() == KILOGRAM);
    if p.weighted && !kilograms && !has("Весовой") {
        out.push(("Весовой", "true"));
    }
    let (quantity, stores) = stock(p);
    for (key, value) in &p.extra {
        let placed = (key == QUANTITY && quantity.is_some())
            || (key == STOCK_PER_STORE && stores.is_some())
            || key.starts_with(OTHER_TAX);
        if !placed {
            out.push((key, value));
        }
    }
    out
}
