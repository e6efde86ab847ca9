//! The offer side of a package (`ПакетПредложений` / `ИзмененияПакетаПредложений` in `offers`,
//! `prices` and `rests` files): price types, offers (`Предложение`), and the index the catalogue
//! is merged with. Also the parts every file shares: `БазоваяЕдиница`.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::fields;
use crate::formats::xml::Attrs;
use crate::model::{Extra, Price, Unit};
use crate::msg;

use super::source::{Cml, Ev};

/// Elements of a package, a catalogue or a classifier that describe the document, not the goods.
pub(super) const DOCUMENT_METADATA: [&str; 10] = [
    "Ид",
    "ИдКлассификатора",
    "ИдКаталога",
    "Наименование",
    "Владелец",
    "Описание",
    "Свойства",
    "Склады",
    "ЕдиницыИзмерения",
    "ВерсияСхемы",
];

/// A price type: its name and whether its amounts include VAT (`Налог/УчтеноВСумме`).
#[derive(Debug, Clone)]
pub(super) struct PriceType {
    pub name: String,
    pub includes_vat: Option<bool>,
}

/// Price types by `Ид`, and the unknown ids already reported.
#[derive(Debug, Default)]
pub(super) struct PriceTypes(HashMap<String, PriceType>, HashSet<String>);

impl PriceTypes {
    /// `ТипыЦен`, whose start was just read.
    pub fn read(&mut self, cml: &mut Cml, diag: &mut Diagnostics) -> Result<()> {
        loop {
            match cml.next()? {
                Ev::Start { name, empty, .. } if name == "ТипЦены" && !empty => self.read_one(cml, diag)?,
                Ev::Start { name, empty, .. } => {
                    cml.skip_unmapped(diag, &name, empty, "ТипыЦен")?;
                }
                Ev::End => return Ok(()),
                Ev::Text(t) => cml.stray_text(diag, &t, "ТипыЦен")?,
                Ev::Eof => return Err(cml.truncated("ТипыЦен")),
            }
        }
    }

    fn read_one(&mut self, cml: &mut Cml, diag: &mut Diagnostics) -> Result<()> {
        let start = cml.offset();
        let (mut id, mut name, mut includes_vat) = (String::new(), String::new(), None);
        loop {
            match cml.next()? {
                Ev::Start { name: el, empty, .. } => match el.as_str() {
                    "Ид" => id = cml.text(&el, empty)?.0.trim().to_string(),
                    "Наименование" => name = cml.text(&el, empty)?.0,
                    "Валюта" => {
                        let (currency, at) = cml.text(&el, empty)?;
                        check_currency(cml, diag, &currency, at)?;
                    }
                    "Налог" if !empty => includes_vat = read_tax(cml, diag)?.or(includes_vat),
                    _ => {
                        cml.skip_unmapped(diag, &el, empty, "ТипЦены")?;
                    }
                },
                Ev::End => break,
                Ev::Text(t) => cml.stray_text(diag, &t, "ТипЦены")?,
                Ev::Eof => return Err(cml.truncated("ТипЦены")),
            }
        }
        if id.is_empty() {
            return Err(Error::syntax(cml.pos_at(start, "ТипЦены/Ид"), msg!("cml-price-type-no-id")));
        }
        if name.trim().is_empty() {
            name = id.clone();
        }
        match self.0.get(&id) {
            // Listed again (in the classifier and the offers, or twice in one list): the same type.
            Some(known) if known.name == name => {}
            Some(known) => {
                let message = msg!(
                    "cml-price-type-twice",
                    id = &id,
                    first = format!("{:?}", known.name),
                    second = format!("{name:?}")
                );
                diag.warn_with(WarningKind::ValueDropped, || {
                    Warning::new(WarningKind::ValueDropped, message).at(cml.pos_at(start, "ТипЦены"))
                })?;
            }
            None => {
                self.0.insert(id, PriceType { name, includes_vat });
            }
        }
        Ok(())
    }

    /// The price of type `id`: its name (the id itself, with a warning, when `ТипыЦен` lacks it).
    pub fn price(&mut self, diag: &mut Diagnostics, id: &str, amount: Option<Decimal>) -> Result<Price> {
        let (price_type, includes_vat) = match self.0.get(id) {
            Some(t) => (t.name.clone(), t.includes_vat),
            None => {
                if self.1.insert(id.to_string()) {
                    let message = msg!("cml-price-type-unknown", id = format!("{id:?}"));
                    diag.warn_with(WarningKind::ValueAssumed, || Warning::new(WarningKind::ValueAssumed, message))?;
                }
                (id.to_string(), None)
            }
        };
        Ok(Price { price_type, amount, code: Some(id.to_string()), includes_vat })
    }
}

/// `Налог{Наименование, УчтеноВСумме}` of a price type: whether its prices include VAT.
fn read_tax(cml: &mut Cml, diag: &mut Diagnostics) -> Result<Option<bool>> {
    let (mut name, mut included) = (String::new(), None);
    loop {
        match cml.next()? {
            Ev::Start { name: el, empty, .. } => match el.as_str() {
                "Наименование" => name = cml.text(&el, empty)?.0,
                "УчтеноВСумме" => {
                    let (raw, at) = cml.text(&el, empty)?;
                    included = fields::yes_no(&raw, || cml.pos_at(at, "Налог/УчтеноВСумме"))?;
                }
                _ => {
                    cml.skip_unmapped(diag, &el, empty, "Налог")?;
                }
            },
            Ev::End => break,
            Ev::Text(t) => cml.stray_text(diag, &t, "Налог")?,
            Ev::Eof => return Err(cml.truncated("Налог")),
        }
    }
    Ok(if name.trim().to_lowercase() == "ндс" { included } else { None })
}

/// Amounts are kept as written; a currency other than the rouble is reported once per currency.
fn check_currency(cml: &mut Cml, diag: &mut Diagnostics, currency: &str, at: u64) -> Result<()> {
    let c = currency.trim().trim_end_matches('.').to_lowercase();
    if matches!(c.as_str(), "" | "руб" | "rub" | "643" | "rur" | "рубль") {
        return Ok(());
    }
    let message = msg!("cml-currency-foreign", currency = format!("{currency:?}"));
    let pos = cml.pos_at(at, "Валюта");
    cml.warn_once(diag, &format!("currency {c}"), Warning::new(WarningKind::ValueDropped, message).at(pos))
}

/// `БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница>`: the ОКЕИ code and
/// the full name (the short text when there is no full name). `Пересчет` inside is skipped.
pub(super) fn read_unit(cml: &mut Cml, diag: &mut Diagnostics, mut attrs: Attrs, empty: bool) -> Result<Option<Unit>> {
    let code = attrs.take("Код").unwrap_or_default().trim().to_string();
    let full = attrs.take("НаименованиеПолное").unwrap_or_default().trim().to_string();
    let mut short = String::new();
    if !empty {
        loop {
            match cml.next()? {
                Ev::Text(t) => short.push_str(&t),
                // Conversion to other units (`Пересчет`, usually to itself with 1): not carried.
                Ev::Start { name, empty, .. } if name == "Пересчет" => {
                    cml.skip(&name, empty)?;
                }
                Ev::Start { name, empty, .. } => {
                    cml.skip_unmapped(diag, &name, empty, "БазоваяЕдиница")?;
                }
                Ev::End => break,
                Ev::Eof => return Err(cml.truncated("БазоваяЕдиница")),
            }
        }
    }
    let short = short.trim().to_string();
    // The text is the ОКЕИ code itself in some exports (`<БазоваяЕдиница>796</БазоваяЕдиница>`).
    let (code, short) = if code.is_empty() && short.len() == 3 && short.chars().all(|c| c.is_ascii_digit()) {
        (short, String::new())
    } else {
        (code, short)
    };
    let name = if full.is_empty() { short } else { full };
    Ok((!code.is_empty() || !name.is_empty()).then_some(Unit { code, name }))
}

/// One `Предложение`, as read.
#[derive(Debug, Default)]
pub(super) struct Offer {
    pub id: String,
    /// Where the offer starts, for messages.
    pub offset: u64,
    pub name: String,
    pub barcodes: Vec<String>,
    pub article: Option<String>,
    pub unit: Option<Unit>,
    /// Price type `Ид` and amount, in document order.
    pub prices: Vec<(String, Option<Decimal>)>,
    /// `Количество`, or the sum of `Остатки`.
    pub quantity: Option<Decimal>,
    /// `ПометкаУдаления` true or `Статус="Удален"`.
    pub deleted: bool,
    /// The values of `ХарактеристикиТовара`.
    pub features: Vec<String>,
    /// Other plain-text elements, and stock per warehouse.
    pub extra: Extra,
}

/// `goods#characteristic` → (`goods`, `Some(characteristic)`); a plain id (or `goods#`) → no
/// characteristic.
pub(super) fn split_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once('#') {
        Some((goods, ch)) if !ch.trim().is_empty() => (goods, Some(ch)),
        Some((goods, _)) => (goods, None),
        None => (id, None),
    }
}

/// `Статус="Удален"` (on `Товар` or `Предложение`): taken out of the attributes.
pub(super) fn status_deleted(attrs: &mut Attrs) -> bool {
    attrs.take("Статус").is_some_and(|s| s.trim().to_lowercase() == "удален")
}

/// `<Статус>Удален</Статус>` (a child of `Товар` or `Предложение`, as some exchanges write the
/// attribute): `true` when deleted; another status is kept in `extra`.
pub(super) fn status_element(cml: &mut Cml, empty: bool, extra: &mut Extra) -> Result<bool> {
    let text = cml.text("Статус", empty)?.0;
    if text.trim().to_lowercase() == "удален" {
        return Ok(true);
    }
    if !text.trim().is_empty() {
        extra.insert("Статус".into(), text);
    }
    Ok(false)
}

/// `ПометкаУдаления`: `true`/`Да` marks goods or an offer deleted.
pub(super) fn deletion_mark(cml: &mut Cml, name: &str, empty: bool, parent: &str) -> Result<bool> {
    let (raw, at) = cml.text(name, empty)?;
    Ok(fields::yes_no(&raw, || cml.pos_at(at, &format!("{parent}/{name}")))?.unwrap_or(false))
}

/// Reads the children of `ПакетПредложений` (or `ИзмененияПакетаПредложений`), handing each offer
/// to `on_offer` as soon as it is complete.
pub(super) fn read_package(
    cml: &mut Cml,
    diag: &mut Diagnostics,
    types: &mut PriceTypes,
    package: &str,
    on_offer: &mut dyn FnMut(Offer, &mut Cml, &mut Diagnostics, &mut PriceTypes) -> Result<()>,
) -> Result<()> {
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } => match name.as_str() {
                "ТипыЦен" if !empty => types.read(cml, diag)?,
                "Предложения" if !empty => loop {
                    match cml.next()? {
                        Ev::Start { name, attrs, empty } if name == "Предложение" => {
                            let offer = read_offer(cml, diag, attrs, empty)?;
                            on_offer(offer, cml, diag, types)?;
                        }
                        Ev::Start { name, empty, .. } => {
                            cml.skip_unmapped(diag, &name, empty, "Предложения")?;
                        }
                        Ev::End => break,
                        Ev::Text(t) => cml.stray_text(diag, &t, "Предложения")?,
                        Ev::Eof => return Err(cml.truncated("Предложения")),
                    }
                },
                n if DOCUMENT_METADATA.contains(&n) => {
                    cml.skip(&name, empty)?;
                }
                _ => {
                    cml.skip_unmapped(diag, &name, empty, package)?;
                }
            },
            Ev::End => return Ok(()),
            Ev::Text(t) => cml.stray_text(diag, &t, package)?,
            Ev::Eof => return Err(cml.truncated(package)),
        }
    }
}

fn read_offer(cml: &mut Cml, diag: &mut Diagnostics, mut attrs: Attrs, empty: bool) -> Result<Offer> {
    let mut offer = Offer { offset: cml.offset(), deleted: status_deleted(&mut attrs), ..Offer::default() };
    if empty {
        return Err(Error::syntax(cml.pos_at(offer.offset, "Предложение"), msg!("cml-empty-offer")));
    }
    offer.extra = attrs.into_extra();
    // Bitrix: the characteristic in an element of its own, stock per warehouse as attributes.
    let mut characteristic = String::new();
    let mut per_store: Vec<(String, Decimal)> = Vec::new();
    loop {
        match cml.next()? {
            Ev::Start { name, attrs, empty } => match name.as_str() {
                "Ид" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    offer.id = fields::code(&raw, || cml.pos_at(at, "Предложение/Ид"))?;
                }
                "ИдХарактеристики" => characteristic = cml.text(&name, empty)?.0.trim().to_string(),
                "Склад" => {
                    let mut attrs = attrs;
                    let store = attrs.take("ИдСклада").unwrap_or_default();
                    let pos = attrs.pos_of("КоличествоНаСкладе");
                    let raw = attrs.take("КоличествоНаСкладе").unwrap_or_default();
                    if let Some(q) = fields::decimal(&raw, || pos)? {
                        per_store.push((store.trim().to_string(), q));
                    }
                    cml.skip(&name, empty)?;
                }
                "Наименование" => offer.name = cml.text(&name, empty)?.0,
                "Артикул" => offer.article = fields::optional_text(Some(cml.text(&name, empty)?.0)),
                "Штрихкод" | "ШтрихКод" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    let barcode = fields::code(&raw, || cml.pos_at(at, "Предложение/Штрихкод"))?;
                    if !barcode.is_empty() && !offer.barcodes.contains(&barcode) {
                        offer.barcodes.push(barcode);
                    }
                }
                "БазоваяЕдиница" => offer.unit = read_unit(cml, diag, attrs, empty)?,
                "Цены" if !empty => read_prices(cml, diag, &mut offer)?,
                "Количество" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    offer.quantity = fields::decimal(&raw, || cml.pos_at(at, "Предложение/Количество"))?;
                }
                "Остатки" if !empty => read_rests(cml, diag, &mut offer)?,
                "ПометкаУдаления" => offer.deleted |= deletion_mark(cml, &name, empty, "Предложение")?,
                "Статус" => offer.deleted |= status_element(cml, empty, &mut offer.extra)?,
                "ХарактеристикиТовара" if !empty => read_features(cml, diag, &mut offer.features)?,
                _ => {
                    if let Some(text) = cml.skip_unmapped(diag, &name, empty, "Предложение")? {
                        if !text.trim().is_empty() {
                            offer.extra.entry(name.to_string()).or_insert(text);
                        }
                    }
                }
            },
            Ev::End => break,
            Ev::Text(t) => cml.stray_text(diag, &t, "Предложение")?,
            Ev::Eof => return Err(cml.truncated("Предложение")),
        }
    }
    if offer.id.is_empty() {
        return Err(Error::syntax(cml.pos_at(offer.offset, "Предложение/Ид"), msg!("cml-offer-no-id")));
    }
    if !characteristic.is_empty() && !offer.id.contains('#') {
        offer.id = format!("{}#{characteristic}", offer.id);
    }
    if offer.quantity.is_none() && !per_store.is_empty() {
        offer.quantity = Some(per_store.iter().map(|(_, q)| *q).sum());
    }
    put_stock_per_store(&mut offer, &per_store);
    Ok(offer)
}

fn read_prices(cml: &mut Cml, diag: &mut Diagnostics, offer: &mut Offer) -> Result<()> {
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "Цена" && !empty => {
                let start = cml.offset();
                let (mut type_id, mut amount) = (String::new(), None);
                loop {
                    match cml.next()? {
                        Ev::Start { name: el, empty, .. } => match el.as_str() {
                            "ИдТипаЦены" => type_id = cml.text(&el, empty)?.0.trim().to_string(),
                            "ЦенаЗаЕдиницу" => {
                                let (raw, at) = cml.text(&el, empty)?;
                                amount = fields::decimal(&raw, || cml.pos_at(at, "Цена/ЦенаЗаЕдиницу"))?;
                            }
                            "Валюта" => {
                                let (currency, at) = cml.text(&el, empty)?;
                                check_currency(cml, diag, &currency, at)?;
                            }
                            "Коэффициент" => {
                                let (raw, at) = cml.text(&el, empty)?;
                                let k = fields::decimal(&raw, || cml.pos_at(at, "Цена/Коэффициент"))?;
                                if k.is_some_and(|k| k != Decimal::ONE) {
                                    let message = msg!("cml-price-per-package", id = &offer.id, factor = &raw);
                                    let pos = cml.pos_at(at, "Цена/Коэффициент");
                                    cml.warn_once(
                                        diag,
                                        "Коэффициент",
                                        Warning::new(WarningKind::ValueDropped, message).at(pos),
                                    )?;
                                }
                            }
                            // A human string (`1 990 RUB за шт`) and the unit's short name.
                            "Представление" | "Единица" => {
                                cml.skip(&el, empty)?;
                            }
                            _ => {
                                cml.skip_unmapped(diag, &el, empty, "Цена")?;
                            }
                        },
                        Ev::End => break,
                        Ev::Text(t) => cml.stray_text(diag, &t, "Цена")?,
                        Ev::Eof => return Err(cml.truncated("Цена")),
                    }
                }
                if type_id.is_empty() {
                    return Err(Error::syntax(cml.pos_at(start, "Цена/ИдТипаЦены"), msg!("cml-price-no-type")));
                }
                if offer.prices.iter().any(|(t, _)| *t == type_id) {
                    diag.warn(
                        Warning::new(
                            WarningKind::ValueDropped,
                            msg!("cml-price-second", id = &offer.id, price_type = format!("{type_id:?}")),
                        )
                        .at(cml.pos_at(start, "Цена")),
                    )?;
                } else {
                    offer.prices.push((type_id, amount));
                }
            }
            Ev::Start { name, empty, .. } => {
                cml.skip_unmapped(diag, &name, empty, "Цены")?;
            }
            Ev::End => return Ok(()),
            Ev::Text(t) => cml.stray_text(diag, &t, "Цены")?,
            Ev::Eof => return Err(cml.truncated("Цены")),
        }
    }
}

/// `Остатки/Остаток` with `Склад{Ид, Количество}` per warehouse, or a `Количество` of its own
/// (1C's `rests` part): the sum becomes the quantity; with several warehouses the split is kept in
/// `extra` under `Остатки по складам` (`склад: количество; …`).
fn read_rests(cml: &mut Cml, diag: &mut Diagnostics, offer: &mut Offer) -> Result<()> {
    let mut per_store: Vec<(String, Decimal)> = Vec::new();
    let mut total: Option<Decimal> = None;
    let mut add = |store: Option<String>, amount: Decimal, total: &mut Option<Decimal>| {
        *total = Some(total.unwrap_or_default() + amount);
        if let Some(store) = store {
            per_store.push((store, amount));
        }
    };
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "Остаток" && !empty => loop {
                match cml.next()? {
                    Ev::Start { name: el, empty, .. } if el == "Количество" => {
                        let (raw, at) = cml.text(&el, empty)?;
                        if let Some(q) = fields::decimal(&raw, || cml.pos_at(at, "Остаток/Количество"))?
                        {
                            add(None, q, &mut total);
                        }
                    }
                    Ev::Start { name: el, empty, .. } if el == "Склад" && !empty => {
                        let (mut store, mut amount) = (String::new(), None);
                        loop {
                            match cml.next()? {
                                Ev::Start { name: f, empty, .. } if f == "Ид" => store = cml.text(&f, empty)?.0,
                                Ev::Start { name: f, empty, .. } if f == "Количество" => {
                                    let (raw, at) = cml.text(&f, empty)?;
                                    amount = fields::decimal(&raw, || cml.pos_at(at, "Склад/Количество"))?;
                                }
                                Ev::Start { name: f, empty, .. } => {
                                    cml.skip_unmapped(diag, &f, empty, "Остаток/Склад")?;
                                }
                                Ev::End => break,
                                Ev::Text(t) => cml.stray_text(diag, &t, "Склад")?,
                                Ev::Eof => return Err(cml.truncated("Склад")),
                            }
                        }
                        if let Some(q) = amount {
                            add(Some(store.trim().to_string()), q, &mut total);
                        }
                    }
                    Ev::Start { name: el, empty, .. } => {
                        cml.skip_unmapped(diag, &el, empty, "Остаток")?;
                    }
                    Ev::End => break,
                    Ev::Text(t) => cml.stray_text(diag, &t, "Остаток")?,
                    Ev::Eof => return Err(cml.truncated("Остаток")),
                }
            },
            Ev::Start { name, empty, .. } => {
                cml.skip_unmapped(diag, &name, empty, "Остатки")?;
            }
            Ev::End => break,
            Ev::Text(t) => cml.stray_text(diag, &t, "Остатки")?,
            Ev::Eof => return Err(cml.truncated("Остатки")),
        }
    }
    if total.is_some() {
        offer.quantity = total;
    }
    put_stock_per_store(offer, &per_store);
    Ok(())
}

/// Stock over several warehouses, kept in `extra` as `склад: количество; …`.
fn put_stock_per_store(offer: &mut Offer, per_store: &[(String, Decimal)]) {
    if per_store.len() > 1 {
        let split: Vec<String> = per_store.iter().map(|(s, q)| format!("{s}: {q}")).collect();
        offer.extra.insert(STOCK_PER_STORE.into(), split.join("; "));
    }
}

/// The `extra` key of stock per warehouse.
pub(super) const STOCK_PER_STORE: &str = "Остатки по складам";
/// The `extra` key of an offer's quantity (stock).
pub(super) const QUANTITY: &str = "Количество";

/// `ХарактеристикиТовара/ХарактеристикаТовара{Наименование, Значение}`: the values.
fn read_features(cml: &mut Cml, diag: &mut Diagnostics, features: &mut Vec<String>) -> Result<()> {
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "ХарактеристикаТовара" && !empty => loop {
                match cml.next()? {
                    Ev::Start { name: el, empty, .. } if el == "Значение" => {
                        let value = cml.text(&el, empty)?.0;
                        if !value.trim().is_empty() {
                            features.push(value.trim().to_string());
                        }
                    }
                    Ev::Start { name: el, empty, .. } => {
                        cml.skip(&el, empty)?;
                    }
                    Ev::End => break,
                    Ev::Text(t) => cml.stray_text(diag, &t, "ХарактеристикаТовара")?,
                    Ev::Eof => return Err(cml.truncated("ХарактеристикаТовара")),
                }
            },
            Ev::Start { name, empty, .. } => {
                cml.skip_unmapped(diag, &name, empty, "ХарактеристикиТовара")?;
            }
            Ev::End => return Ok(()),
            Ev::Text(t) => cml.stray_text(diag, &t, "ХарактеристикиТовара")?,
            Ev::Eof => return Err(cml.truncated("ХарактеристикиТовара")),
        }
    }
}
