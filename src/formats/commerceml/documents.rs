//! `Документ` with `ХозОперация` «Заказ товара» (CommerceML 2.03–2.10, as web shops and this
//! crate's writer make them) into the orders model. Any other operation is refused by name.
//!
//! Mapping: `Ид` → id, `Номер` → external id (left out when it repeats `Ид`), `Дата` + `Время` →
//! order time at `--utc-offset`, `Сумма` → total (computed from the lines with a warning when
//! missing), the buyer `Контрагент` → client id and name, `Комментарий`, `Скидки` → discount,
//! `Товары/Товар` → lines (the `ORDER_DELIVERY` line → delivery amount), and the requisites
//! «Статус заказа», «Дата изменения статуса», «Заказ оплачен», «Способ доставки», «Дата доставки»,
//! «Адрес доставки» → their fields. Everything else — other requisites («Проведен», «Номер по
//! 1С» …), a currency other than the rouble, addresses and contacts — goes to `extra` under its
//! own name (nested elements as `Parent/Child`), so nothing is lost.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::fields;
use crate::model::{DeliveryType, Extra, Order, OrderLine, OrderStatus, Vat};
use crate::msg;

use super::read::not_an_order;
use super::source::{Cml, Ev};

/// The operation of an order document.
const ORDER_OPERATION: &str = "заказ товара";
/// The line the writer (and 1C's web-shop exchange) uses for the delivery charge.
pub(super) const DELIVERY_LINE: &str = "ORDER_DELIVERY";

/// Reads one `Документ` whose start was just read. `None` for an empty one (reported).
pub(super) fn read_document(
    cml: &mut Cml,
    diag: &mut Diagnostics,
    offset: FixedOffset,
    empty: bool,
) -> Result<Option<Order>> {
    let start = cml.offset();
    if empty {
        diag.warn(Warning::new(WarningKind::ElementSkipped, msg!("cml-empty-document")).at(cml.pos("Документ")))?;
        return Ok(None);
    }
    let mut o = Order::default();
    let (mut date, mut time, mut operation, mut total) = (None, None, None, None);
    let mut total_at = None;
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } => match name.as_str() {
                "Ид" => o.id = fields::optional_text(Some(cml.text(&name, empty)?.0.trim().to_string())),
                "Номер" => {
                    o.external_id = fields::optional_text(Some(cml.text(&name, empty)?.0.trim().to_string()))
                }
                "Дата" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    let (d, t) = parse_date_time(&raw).ok_or_else(|| {
                        Error::bad_value(cml.pos_at(at, "Документ/Дата"), &raw, msg!("cml-expected-date"))
                    })?;
                    date = Some(d);
                    time = time.or(t);
                }
                "Время" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    let t = NaiveTime::parse_from_str(raw.trim(), "%H:%M:%S").map_err(|_| {
                        Error::bad_value(cml.pos_at(at, "Документ/Время"), &raw, msg!("cml-expected-time"))
                    })?;
                    time = Some(t);
                }
                "ХозОперация" => operation = Some(cml.text(&name, empty)?.0.trim().to_string()),
                "Сумма" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    total = fields::decimal(&raw, || cml.pos_at(at, "Документ/Сумма"))?;
                    total_at = Some(at);
                }
                "Роль" => keep_unless(cml, &mut o.extra, &name, empty, &["продавец"])?,
                "Валюта" => keep_unless(cml, &mut o.extra, &name, empty, &["руб", "руб.", "rub", "643", "rur"])?,
                "Курс" => keep_unless(cml, &mut o.extra, &name, empty, &["1", "1.0000", "1.00"])?,
                "Комментарий" => o.comment = fields::optional_text(Some(cml.text(&name, empty)?.0)),
                "Контрагенты" if !empty => read_parties(cml, &mut o)?,
                "Скидки" if !empty => o.discount = Some(read_discounts(cml, &mut o.extra, "Скидки")?),
                "Товары" if !empty => read_lines(cml, &mut o)?,
                "ЗначенияРеквизитов" if !empty => read_requisites(cml, &mut o, offset)?,
                _ => flatten(cml, &mut o.extra, &name, empty, "")?,
            },
            Ev::End => break,
            Ev::Text(t) => cml.stray_text(diag, &t, "Документ")?,
            Ev::Eof => return Err(cml.truncated("Документ")),
        }
    }
    match operation {
        Some(op) if op.to_lowercase() == ORDER_OPERATION => {}
        Some(op) => return Err(not_an_order(&op)),
        None => diag.warn(
            Warning::new(WarningKind::ValueAssumed, msg!("cml-no-operation"))
                .at(cml.pos_at(start, "Документ/ХозОперация")),
        )?,
    }
    if o.external_id.is_some() && o.external_id == o.id {
        o.external_id = None;
    }
    if let Some(d) = date {
        let local = NaiveDateTime::new(d, time.unwrap_or_default());
        o.order_time = local.and_local_timezone(offset).single();
    }
    let label = o.external_id.clone().or_else(|| o.id.clone()).unwrap_or_default();
    o.total_amount = match total {
        Some(t) => Some(t),
        None => {
            let lines: Decimal = o.lines.iter().filter_map(|l| l.sum).sum();
            let computed = lines - o.discount.unwrap_or_default() + o.delivery_amount.unwrap_or_default();
            let pos = cml.pos_at(total_at.unwrap_or(start), "Документ/Сумма");
            diag.warn(
                Warning::new(
                    WarningKind::ValueAssumed,
                    msg!("cml-order-total-computed", order = &label, total = computed),
                )
                .at(pos),
            )?;
            Some(computed)
        }
    };
    Ok(Some(o))
}

/// `2024-03-15`, or `2024-03-15T10:00:00` with the time in it.
fn parse_date_time(raw: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let raw = raw.trim();
    let date = NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()?;
    let time = raw.get(11..).and_then(|t| NaiveTime::parse_from_str(t, "%H:%M:%S").ok());
    Some((date, time))
}

/// `2024-03-15T10:00:00` (or with a space) at `offset`.
fn parse_local_time(raw: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let (date, time) = parse_date_time(raw)?;
    NaiveDateTime::new(date, time?).and_local_timezone(offset).single()
}

/// A value kept in `extra` unless it is one of the usual ones (compared in lower case).
fn keep_unless(cml: &mut Cml, extra: &mut Extra, name: &str, empty: bool, usual: &[&str]) -> Result<()> {
    let value = cml.text(name, empty)?.0;
    let v = value.trim();
    if !v.is_empty() && !usual.contains(&v.to_lowercase().as_str()) {
        extra.insert(name.to_string(), v.to_string());
    }
    Ok(())
}

/// An element the model has no field for, into `extra`: its text under its name, or every text
/// inside it under `name/child/…` (addresses, contacts, taxes).
fn flatten(cml: &mut Cml, extra: &mut Extra, name: &str, empty: bool, prefix: &str) -> Result<()> {
    let key = format!("{prefix}{name}");
    if empty {
        return Ok(());
    }
    let mut path: Vec<String> = vec![key];
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } => {
                if !empty {
                    path.push(name.to_string());
                }
            }
            Ev::Text(t) => {
                let t = t.trim();
                if !t.is_empty() {
                    let key = path.join("/");
                    match extra.get_mut(&key) {
                        Some(v) => {
                            v.push_str("; ");
                            v.push_str(t);
                        }
                        None => {
                            extra.insert(key, t.to_string());
                        }
                    }
                }
            }
            Ev::End => {
                path.pop();
                if path.is_empty() {
                    return Ok(());
                }
            }
            Ev::Eof => return Err(cml.truncated(name)),
        }
    }
}

/// `Контрагенты/Контрагент`: the buyer's id and name; the rest of every party into `extra`.
fn read_parties(cml: &mut Cml, o: &mut Order) -> Result<()> {
    let mut n = 0;
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "Контрагент" && !empty => {
                n += 1;
                let prefix =
                    if n == 1 { "Контрагент/".to_string() } else { format!("Контрагент {n}/") };
                let (mut id, mut party_name, mut full) = (None, None, None);
                loop {
                    match cml.next()? {
                        Ev::Start { name: el, empty, .. } => match el.as_str() {
                            "Ид" if n == 1 => id = fields::optional_text(Some(cml.text(&el, empty)?.0)),
                            "Наименование" if n == 1 => {
                                party_name = fields::optional_text(Some(cml.text(&el, empty)?.0))
                            }
                            "ПолноеНаименование" if n == 1 => {
                                full = fields::optional_text(Some(cml.text(&el, empty)?.0))
                            }
                            "Роль" => {
                                keep_unless(cml, &mut o.extra, &format!("{prefix}Роль"), empty, &["покупатель"])?
                            }
                            _ => flatten(cml, &mut o.extra, &el, empty, &prefix)?,
                        },
                        Ev::End => break,
                        Ev::Text(_) => {}
                        Ev::Eof => return Err(cml.truncated("Контрагент")),
                    }
                }
                if n == 1 {
                    o.client_id = id;
                    if let Some(full) = full.filter(|f| Some(f) != party_name.as_ref()) {
                        o.extra.insert(format!("{prefix}ПолноеНаименование"), full);
                    }
                    o.client_name = party_name;
                }
            }
            Ev::Start { name, empty, .. } => flatten(cml, &mut o.extra, &name, empty, "Контрагенты/")?,
            Ev::End => return Ok(()),
            Ev::Text(_) => {}
            Ev::Eof => return Err(cml.truncated("Контрагенты")),
        }
    }
}

/// `Скидки/Скидка{Наименование, Сумма, УчтеноВСумме}`: the sum of the amounts. A discount not
/// yet taken off (`УчтеноВСумме` false) is noted in `extra`.
fn read_discounts(cml: &mut Cml, extra: &mut Extra, parent: &str) -> Result<Decimal> {
    let mut total = Decimal::ZERO;
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "Скидка" && !empty => loop {
                match cml.next()? {
                    Ev::Start { name: el, empty, .. } => match el.as_str() {
                        "Сумма" => {
                            let (raw, at) = cml.text(&el, empty)?;
                            total += fields::decimal(&raw, || cml.pos_at(at, "Скидка/Сумма"))?.unwrap_or_default();
                        }
                        "УчтеноВСумме" => {
                            keep_unless(cml, extra, &format!("{parent}/УчтеноВСумме"), empty, &["true", "да"])?
                        }
                        "Наименование" => {
                            keep_unless(cml, extra, &format!("{parent}/Наименование"), empty, &["скидка"])?
                        }
                        _ => flatten(cml, extra, &el, empty, &format!("{parent}/"))?,
                    },
                    Ev::End => break,
                    Ev::Text(_) => {}
                    Ev::Eof => return Err(cml.truncated("Скидка")),
                }
            },
            Ev::Start { name, empty, .. } => flatten(cml, extra, &name, empty, &format!("{parent}/"))?,
            Ev::End => return Ok(total),
            Ev::Text(_) => {}
            Ev::Eof => return Err(cml.truncated("Скидки")),
        }
    }
}

fn read_lines(cml: &mut Cml, o: &mut Order) -> Result<()> {
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "Товар" && !empty => {
                let line = read_line(cml)?;
                if line.product_code.as_deref() == Some(DELIVERY_LINE) {
                    let amount = line.sum.or_else(|| line.price.map(|p| p * line.quantity));
                    o.delivery_amount = Some(o.delivery_amount.unwrap_or_default() + amount.unwrap_or_default());
                } else {
                    o.lines.push(line);
                }
            }
            Ev::Start { name, empty, .. } => flatten(cml, &mut o.extra, &name, empty, "Товары/")?,
            Ev::End => return Ok(()),
            Ev::Text(_) => {}
            Ev::Eof => return Err(cml.truncated("Товары")),
        }
    }
}

fn read_line(cml: &mut Cml) -> Result<OrderLine> {
    let start = cml.offset();
    let mut line = OrderLine::default();
    let mut quantity = None;
    loop {
        match cml.next()? {
            Ev::Start { name, attrs, empty } => match name.as_str() {
                "Ид" => line.product_code = fields::optional_text(Some(cml.text(&name, empty)?.0.trim().to_string())),
                "Штрихкод" | "ШтрихКод" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    let code = fields::code(&raw, || cml.pos_at(at, "Товар/Штрихкод"))?;
                    line.barcode = (!code.is_empty()).then_some(code);
                }
                "Наименование" => line.name = cml.text(&name, empty)?.0,
                "БазоваяЕдиница" => {
                    let mut attrs = attrs;
                    let code = attrs.take("Код").unwrap_or_default();
                    let text = if empty { String::new() } else { cml.xml.read_unknown(&name)?.unwrap_or_default() };
                    let code = if code.trim().is_empty() { text.trim().to_string() } else { code.trim().to_string() };
                    // 796 «Штука» is what a line without a unit is written with.
                    if !code.is_empty() && code != "796" {
                        line.extra.insert("БазоваяЕдиница".into(), code);
                    }
                }
                "ЦенаЗаЕдиницу" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    line.price = fields::decimal(&raw, || cml.pos_at(at, "Товар/ЦенаЗаЕдиницу"))?;
                }
                "Количество" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    quantity = fields::decimal(&raw, || cml.pos_at(at, "Товар/Количество"))?;
                }
                "Сумма" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    line.sum = fields::decimal(&raw, || cml.pos_at(at, "Товар/Сумма"))?;
                }
                "Скидки" if !empty => line.discount = Some(read_discounts(cml, &mut line.extra, "Скидки")?),
                "СтавкиНалогов" if !empty => read_line_vat(cml, &mut line)?,
                "ЗначенияРеквизитов" if !empty => {
                    for (k, v) in read_requisite_pairs(cml)? {
                        line.extra.insert(k, v);
                    }
                }
                _ => flatten(cml, &mut line.extra, &name, empty, "")?,
            },
            Ev::End => break,
            Ev::Text(_) => {}
            Ev::Eof => return Err(cml.truncated("Товар")),
        }
    }
    line.quantity = quantity
        .ok_or_else(|| Error::bad_value(cml.pos_at(start, "Товар/Количество"), "", msg!("cml-expected-quantity")))?;
    Ok(line)
}

/// `СтавкиНалогов/СтавкаНалога{Наименование НДС, Ставка}`: the line's VAT; other taxes to `extra`.
fn read_line_vat(cml: &mut Cml, line: &mut OrderLine) -> Result<()> {
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "СтавкаНалога" && !empty => {
                let (mut tax, mut rate) = (String::new(), String::new());
                loop {
                    match cml.next()? {
                        Ev::Start { name: el, empty, .. } if el == "Наименование" => {
                            tax = cml.text(&el, empty)?.0
                        }
                        Ev::Start { name: el, empty, .. } if el == "Ставка" => rate = cml.text(&el, empty)?.0,
                        Ev::Start { name: el, empty, .. } => {
                            flatten(cml, &mut line.extra, &el, empty, "СтавкаНалога/")?
                        }
                        Ev::End => break,
                        Ev::Text(_) => {}
                        Ev::Eof => return Err(cml.truncated("СтавкаНалога")),
                    }
                }
                let lower = rate.trim().to_lowercase();
                let vat = if lower == "без налога" || lower == "без ндс" {
                    Some(Vat::NoVat)
                } else {
                    rate.parse().ok()
                };
                match vat {
                    Some(v) if tax.trim().to_lowercase() == "ндс" => line.vat = Some(v),
                    _ if rate.trim().is_empty() => {}
                    _ => {
                        line.extra.insert(format!("СтавкаНалога {}", tax.trim()), rate.trim().to_string());
                    }
                }
            }
            Ev::Start { name, empty, .. } => flatten(cml, &mut line.extra, &name, empty, "СтавкиНалогов/")?,
            Ev::End => return Ok(()),
            Ev::Text(_) => {}
            Ev::Eof => return Err(cml.truncated("СтавкиНалогов")),
        }
    }
}

/// `ЗначенияРеквизитов/ЗначениеРеквизита{Наименование, Значение…}` as (name, values joined).
fn read_requisite_pairs(cml: &mut Cml) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } if name == "ЗначениеРеквизита" && !empty => {
                let (mut key, mut values) = (String::new(), Vec::new());
                loop {
                    match cml.next()? {
                        Ev::Start { name: el, empty, .. } if el == "Наименование" => {
                            key = cml.text(&el, empty)?.0
                        }
                        Ev::Start { name: el, empty, .. } if el == "Значение" => {
                            values.push(cml.text(&el, empty)?.0)
                        }
                        Ev::Start { name: el, empty, .. } => {
                            cml.skip(&el, empty)?;
                        }
                        Ev::End => break,
                        Ev::Text(_) => {}
                        Ev::Eof => return Err(cml.truncated("ЗначениеРеквизита")),
                    }
                }
                if !key.trim().is_empty() {
                    out.push((key.trim().to_string(), values.join("; ")));
                }
            }
            Ev::Start { name, empty, .. } => {
                cml.skip(&name, empty)?;
            }
            Ev::End => return Ok(out),
            Ev::Text(_) => {}
            Ev::Eof => return Err(cml.truncated("ЗначенияРеквизитов")),
        }
    }
}

/// The document's requisites: the ones the model has fields for, the rest into `extra`.
fn read_requisites(cml: &mut Cml, o: &mut Order, offset: FixedOffset) -> Result<()> {
    let mut cancelled = None;
    for (key, value) in read_requisite_pairs(cml)? {
        let v = value.trim();
        let mapped = match key.as_str() {
            "Статус заказа" => {
                let status = OrderStatus::ALL.into_iter().find(|s| s.russian().eq_ignore_ascii_case(v));
                o.status = status.or(o.status);
                status.is_some()
            }
            "Дата изменения статуса" => {
                o.status_time = parse_local_time(v, offset);
                o.status_time.is_some()
            }
            "Заказ оплачен" => {
                o.paid = yes_no(v);
                o.paid.is_some()
            }
            "Отменен" => {
                cancelled = Some(value.clone());
                true
            }
            "Способ доставки" => {
                let kind = [DeliveryType::Courier, DeliveryType::SelfPickup, DeliveryType::Service]
                    .into_iter()
                    .find(|d| d.russian().eq_ignore_ascii_case(v));
                o.delivery_type = kind;
                kind.is_some()
            }
            "Дата доставки" => {
                o.delivery_time = parse_local_time(v, offset);
                o.delivery_time.is_some()
            }
            "Адрес доставки" => {
                o.address = Some(value.clone());
                true
            }
            _ => false,
        };
        if !mapped && !v.is_empty() {
            o.extra.insert(key, value);
        }
    }
    // «Отменен» true says no more than a refused or deleted status does.
    if let Some(value) = cancelled {
        let said_by_status = matches!(o.status, Some(OrderStatus::Refused | OrderStatus::Deleted));
        let redundant = yes_no(&value) == Some(true) && said_by_status;
        if !redundant && !value.trim().is_empty() {
            o.extra.insert("Отменен".into(), value);
        }
    }
    Ok(())
}

fn yes_no(value: &str) -> Option<bool> {
    fields::yes_no(value, Default::default).ok().flatten()
}
