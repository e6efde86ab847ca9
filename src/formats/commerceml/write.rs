//! Writes CommerceML 2.08: a catalogue as one file (`write_catalog.rs`), or online orders as
//! documents; which one is decided by the kind of data at `begin`.
//!
//! Orders are written as documents (`Документ`, `ХозОперация` «Заказ товара»,
//! `Роль` «Продавец»), the shape 1C's exchange with web shops loads orders from.
//!
//! - `Ид` is the order's id (Бифит's number), `Номер` the shop's own number (`external_id`, else
//!   the id); `Дата` and `Время` are the order time (else the creation time) at `--utc-offset`
//!   (`+03:00` by default), as CommerceML dates carry no zone.
//! - `Сумма` is the order total (when absent: lines − discount + delivery); `Валюта` «руб»,
//!   `Курс` 1. The order discount is a `Скидки/Скидка` with `УчтеноВСумме` true, as the total
//!   already has it deducted; a line discount likewise on the line.
//! - Delivery is a `Товар` `ORDER_DELIVERY` «Доставка заказа» of kind «Услуга» (the convention
//!   1C's web-shop exchange recognises). Lines carry no unit, so `БазоваяЕдиница` is written as
//!   796 «Штука» with one warning per conversion.
//! - Status, its time, paid, cancelled, delivery type, delivery time and address are document
//!   `ЗначенияРеквизитов` («Статус заказа», «Дата изменения статуса», «Заказ оплачен», «Отменен»,
//!   «Способ доставки», «Дата доставки», «Адрес доставки»). Everything else (organization and
//!   trade object ids, tax system, created / changed times, extras, line VAT) is a warning.
//! - The root's `ДатаФормирования` is the latest order time, so the output depends only on the
//!   data; the orders are held until the end for that (order exports are small).

use std::io::Write;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Result};
use crate::formats::orders_report::parse_offset;
use crate::formats::xml::{comma_list, XmlOut};
use crate::i18n::{Arg, Message};
use crate::model::{DataKind, Header, Order, OrderLine, OrderStatus, Record};
use crate::msg;
use crate::number::format_decimal;
use crate::options::{DecimalSeparator, WriteOptions};
use crate::sink::RecordSink;

use super::{kind_name, NAME, ROOT};

pub const SCHEMA_VERSION: &str = "2.08";

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    let text = opts.utc_offset.as_deref().unwrap_or("+03:00");
    let offset = parse_offset(text).ok_or_else(|| super::utc_offset_error(text))?;
    Ok(Box::new(ByKind { waiting: Some((out, opts.clone(), offset)), chosen: None }))
}

/// The catalogue or the orders writer, made at `begin` for the kind of data it announces.
struct ByKind {
    waiting: Option<(Box<dyn Write>, WriteOptions, FixedOffset)>,
    chosen: Option<Box<dyn RecordSink>>,
}

impl ByKind {
    fn chosen(&mut self) -> Result<&mut Box<dyn RecordSink>> {
        self.chosen.as_mut().ok_or_else(|| Error::usage(msg!("cml-record-before-begin", format = NAME)))
    }
}

/// What of the document a CommerceML file has no place for, said once for either writer.
fn unwritten_header(header: &Header, opts: &WriteOptions, diag: &mut Diagnostics) -> Result<()> {
    if opts.decimal_separator == Some(DecimalSeparator::Comma) {
        diag.warn(Warning::new(WarningKind::OptionIgnored, msg!("cml-decimal-comma-ignored")))?;
    }
    if !header.extra.is_empty() {
        let names: Vec<&str> = header.extra.keys().map(String::as_str).collect();
        diag.warn(Warning::new(
            WarningKind::FieldDropped,
            msg!("xml-document-attributes-dropped", names = names.join(", "), format = NAME),
        ))?;
    }
    Ok(())
}

impl RecordSink for ByKind {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        let Some((out, opts, offset)) = self.waiting.take() else {
            return Err(Error::usage(msg!("cml-begun-twice", format = NAME)));
        };
        unwritten_header(header, &opts, diag)?;
        let mut chosen: Box<dyn RecordSink> = match header.kind {
            DataKind::Catalog => Box::new(super::write_catalog::writer(out)?),
            DataKind::Orders => Box::new(OrdersWriter { xml: XmlOut::new(out), offset, orders: Vec::new() }),
            other => {
                return Err(ErrorKind::Unsupported {
                    format: NAME.into(),
                    action: msg!("cml-write-kind-unsupported", kind = kind_name(other)).into(),
                }
                .into())
            }
        };
        chosen.begin(header, diag)?;
        self.chosen = Some(chosen);
        Ok(())
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        self.chosen()?.record(record, diag)
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        self.chosen()?.finish(diag)
    }
}

struct OrdersWriter {
    xml: XmlOut<Box<dyn Write>>,
    offset: FixedOffset,
    orders: Vec<Order>,
}

fn num(d: &Decimal) -> String {
    format_decimal(d, '.')
}

/// Lines without a unit, and the first with a fractional quantity (a weight, probably).
#[derive(Default)]
struct UnitAssumed {
    lines: u64,
    fractional: Option<Message>,
}

impl OrdersWriter {
    fn local(&self, t: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        t.with_timezone(&self.offset)
    }

    fn requisite(&mut self, name: &str, value: &str) -> Result<()> {
        self.xml.start("ЗначениеРеквизита", &[]).map_err(Error::output)?;
        self.xml.text_element("Наименование", name).map_err(Error::output)?;
        self.xml.text_element("Значение", value).map_err(Error::output)?;
        self.xml.end("ЗначениеРеквизита").map_err(Error::output)
    }

    fn discount(&mut self, amount: &Decimal) -> Result<()> {
        self.xml.start("Скидки", &[]).map_err(Error::output)?;
        self.xml.start("Скидка", &[]).map_err(Error::output)?;
        self.xml.text_element("Наименование", "Скидка").map_err(Error::output)?;
        self.xml.text_element("Сумма", &num(amount)).map_err(Error::output)?;
        self.xml.text_element("УчтеноВСумме", "true").map_err(Error::output)?;
        self.xml.end("Скидка").map_err(Error::output)?;
        self.xml.end("Скидки").map_err(Error::output)
    }

    fn unit(&mut self) -> Result<()> {
        // The code is what 1C finds the unit by; the short name (`шт`) is left out.
        self.xml
            .empty(
                "БазоваяЕдиница",
                &[("Код", "796"), ("НаименованиеПолное", "Штука"), ("МеждународноеСокращение", "PCE")],
            )
            .map_err(Error::output)
    }

    fn write_order(&mut self, n: usize, o: &Order, diag: &mut Diagnostics, units: &mut UnitAssumed) -> Result<()> {
        let label = o.external_id.clone().or_else(|| o.id.clone()).unwrap_or_else(|| format!("#{n}"));
        let mut dropped: Vec<Arg> = Vec::new();
        let id = o.id.clone().or_else(|| o.external_id.clone()).unwrap_or_else(|| n.to_string());
        let number = o.external_id.clone().or_else(|| o.id.clone()).unwrap_or_else(|| n.to_string());
        let when = o.order_time.or(o.created).map(|t| self.local(&t));
        if o.order_time.is_some() && o.created.is_some() {
            dropped.push("created".into());
        }
        self.xml.start("Документ", &[]).map_err(Error::output)?;
        self.xml.text_element("Ид", &id).map_err(Error::output)?;
        self.xml.text_element("Номер", &number).map_err(Error::output)?;
        match &when {
            Some(t) => self.xml.text_element("Дата", &t.format("%Y-%m-%d").to_string()).map_err(Error::output)?,
            None => diag.warn(Warning::new(WarningKind::ValueMissing, msg!("cml-order-no-time", order = &label)))?,
        }
        self.xml.text_element("ХозОперация", "Заказ товара").map_err(Error::output)?;
        self.xml.text_element("Роль", "Продавец").map_err(Error::output)?;
        self.xml.text_element("Валюта", "руб").map_err(Error::output)?;
        self.xml.text_element("Курс", "1").map_err(Error::output)?;
        let total = o.total_amount.unwrap_or_else(|| {
            let lines: Decimal = o.lines.iter().filter_map(line_sum).sum();
            lines - o.discount.unwrap_or_default() + o.delivery_amount.unwrap_or_default()
        });
        self.xml.text_element("Сумма", &num(&total)).map_err(Error::output)?;
        if o.lines.is_empty() {
            diag.warn(Warning::new(WarningKind::ValueMissing, msg!("cml-order-no-lines", order = &label)))?;
        } else if let Some(given) = o.total_amount {
            let lines: Decimal = o.lines.iter().filter_map(line_sum).sum();
            let expected = lines - o.discount.unwrap_or_default() + o.delivery_amount.unwrap_or_default();
            if expected != given {
                diag.warn(Warning::new(
                    WarningKind::TotalMismatch,
                    msg!(
                        "cml-order-total-mismatch",
                        order = &label,
                        total = num(&given),
                        lines = num(&lines),
                        expected = num(&expected)
                    ),
                ))?;
            }
        }
        self.write_party(o, &label, diag)?;
        if let Some(t) = &when {
            self.xml.text_element("Время", &t.format("%H:%M:%S").to_string()).map_err(Error::output)?;
        }
        if let Some(c) = o.comment.as_deref().filter(|c| !c.trim().is_empty()) {
            self.xml.text_element("Комментарий", c).map_err(Error::output)?;
        }
        if let Some(d) = o.discount.filter(|d| !d.is_zero()) {
            self.discount(&d)?;
        }
        let delivery = o.delivery_amount.filter(|d| !d.is_zero());
        if !o.lines.is_empty() || delivery.is_some() {
            self.xml.start("Товары", &[]).map_err(Error::output)?;
            for (i, line) in o.lines.iter().enumerate() {
                self.write_line(&label, i + 1, line, diag, units)?;
            }
            if let Some(d) = delivery {
                self.write_delivery(&d)?;
            }
            self.xml.end("Товары").map_err(Error::output)?;
        }
        self.write_requisites(o)?;
        self.xml.end("Документ").map_err(Error::output)?;
        for (field, present) in [
            ("changed", o.changed.is_some()),
            ("organization_id", o.organization_id.is_some()),
            ("trade_object_id", o.trade_object_id.is_some()),
            ("tax_system", o.tax_system.is_some()),
            ("actual_delivery_time", o.actual_delivery_time.is_some()),
        ] {
            if present {
                dropped.push(field.into());
            }
        }
        dropped.extend(o.extra.keys().map(|k| format!("extra {k}").into()));
        if !dropped.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    msg!("cml-dropped-in-document", order = &label, format = NAME, fields = comma_list(dropped)),
                )
            })?;
        }
        Ok(())
    }

    fn write_party(&mut self, o: &Order, label: &str, diag: &mut Diagnostics) -> Result<()> {
        let name = match (&o.client_name, &o.client_id) {
            (Some(name), _) if !name.trim().is_empty() => name.clone(),
            (_, Some(id)) => format!("Клиент {id}"),
            _ => "Покупатель".to_string(),
        };
        if o.client_name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            diag.warn_with(WarningKind::ValueAssumed, || {
                Warning::new(
                    WarningKind::ValueAssumed,
                    msg!("cml-client-no-name", order = label, name = format!("{name:?}")),
                )
            })?;
        }
        self.xml.start("Контрагенты", &[]).map_err(Error::output)?;
        self.xml.start("Контрагент", &[]).map_err(Error::output)?;
        if let Some(id) = &o.client_id {
            self.xml.text_element("Ид", id).map_err(Error::output)?;
        }
        self.xml.text_element("Наименование", &name).map_err(Error::output)?;
        self.xml.text_element("Роль", "Покупатель").map_err(Error::output)?;
        self.xml.text_element("ПолноеНаименование", &name).map_err(Error::output)?;
        self.xml.end("Контрагент").map_err(Error::output)?;
        self.xml.end("Контрагенты").map_err(Error::output)
    }

    fn write_line(
        &mut self,
        label: &str,
        n: usize,
        line: &OrderLine,
        diag: &mut Diagnostics,
        units: &mut UnitAssumed,
    ) -> Result<()> {
        let mut dropped: Vec<Arg> = Vec::new();
        self.xml.start("Товар", &[]).map_err(Error::output)?;
        match (&line.product_code, &line.nomenclature_id) {
            (Some(code), nomenclature) => {
                self.xml.text_element("Ид", code).map_err(Error::output)?;
                if let Some(id) = nomenclature {
                    dropped.push(msg!("cml-field-nomenclature-id", id = id).into());
                }
            }
            (None, Some(id)) => {
                self.xml.text_element("Ид", id).map_err(Error::output)?;
                diag.warn_with(WarningKind::ValueAssumed, || {
                    Warning::new(
                        WarningKind::ValueAssumed,
                        msg!("cml-line-nomenclature-id", order = label, line = n, id = id),
                    )
                })?;
            }
            (None, None) => {
                diag.warn(Warning::new(WarningKind::ValueMissing, msg!("cml-line-no-code", order = label, line = n)))?
            }
        }
        if let Some(b) = &line.barcode {
            self.xml.text_element("Штрихкод", b).map_err(Error::output)?;
        }
        self.xml.text_element("Наименование", &line.name).map_err(Error::output)?;
        self.unit()?;
        units.lines += 1;
        if units.fractional.is_none() && !line.quantity.fract().is_zero() {
            units.fractional =
                Some(msg!("cml-fractional-quantity", order = label, line = n, quantity = num(&line.quantity)));
        }
        match line.price {
            Some(p) => self.xml.text_element("ЦенаЗаЕдиницу", &num(&p)).map_err(Error::output)?,
            None => {
                diag.warn(Warning::new(WarningKind::ValueMissing, msg!("cml-line-no-price", order = label, line = n)))?
            }
        }
        self.xml.text_element("Количество", &num(&line.quantity)).map_err(Error::output)?;
        if let Some(sum) = line_sum(line) {
            self.xml.text_element("Сумма", &num(&sum)).map_err(Error::output)?;
        }
        if let Some(d) = line.discount.filter(|d| !d.is_zero()) {
            self.discount(&d)?;
        }
        self.xml.end("Товар").map_err(Error::output)?;
        if let Some(v) = line.vat {
            dropped.push(msg!("cml-field-vat", rate = v.as_russian()).into());
        }
        dropped.extend(line.extra.keys().map(|k| format!("extra {k}").into()));
        if !dropped.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    msg!("cml-dropped-in-line", order = label, line = n, format = NAME, fields = comma_list(dropped)),
                )
            })?;
        }
        Ok(())
    }

    fn write_delivery(&mut self, amount: &Decimal) -> Result<()> {
        self.xml.start("Товар", &[]).map_err(Error::output)?;
        self.xml.text_element("Ид", "ORDER_DELIVERY").map_err(Error::output)?;
        self.xml.text_element("Наименование", "Доставка заказа").map_err(Error::output)?;
        self.unit()?;
        self.xml.text_element("ЦенаЗаЕдиницу", &num(amount)).map_err(Error::output)?;
        self.xml.text_element("Количество", "1").map_err(Error::output)?;
        self.xml.text_element("Сумма", &num(amount)).map_err(Error::output)?;
        self.xml.start("ЗначенияРеквизитов", &[]).map_err(Error::output)?;
        self.requisite("ВидНоменклатуры", "Услуга")?;
        self.requisite("ТипНоменклатуры", "Услуга")?;
        self.xml.end("ЗначенияРеквизитов").map_err(Error::output)?;
        self.xml.end("Товар").map_err(Error::output)
    }

    fn write_requisites(&mut self, o: &Order) -> Result<()> {
        let time =
            |t: &Option<DateTime<FixedOffset>>| t.map(|t| self.local(&t).format("%Y-%m-%dT%H:%M:%S").to_string());
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = o.status {
            pairs.push(("Статус заказа", s.russian().to_string()));
        }
        if let Some(t) = time(&o.status_time) {
            pairs.push(("Дата изменения статуса", t));
        }
        if let Some(paid) = o.paid {
            pairs.push(("Заказ оплачен", paid.to_string()));
        }
        if matches!(o.status, Some(OrderStatus::Refused | OrderStatus::Deleted)) {
            pairs.push(("Отменен", "true".into()));
        }
        if let Some(d) = o.delivery_type {
            pairs.push(("Способ доставки", d.russian().to_string()));
        }
        if let Some(t) = time(&o.delivery_time) {
            pairs.push(("Дата доставки", t));
        }
        if let Some(a) = o.address.as_deref().filter(|a| !a.trim().is_empty()) {
            pairs.push(("Адрес доставки", a.to_string()));
        }
        if pairs.is_empty() {
            return Ok(());
        }
        self.xml.start("ЗначенияРеквизитов", &[]).map_err(Error::output)?;
        for (name, value) in pairs {
            self.requisite(name, &value)?;
        }
        self.xml.end("ЗначенияРеквизитов").map_err(Error::output)
    }
}

/// The line's sum as given, else price × quantity − discount.
fn line_sum(line: &OrderLine) -> Option<Decimal> {
    line.sum.or_else(|| line.price.map(|p| p * line.quantity - line.discount.unwrap_or_default()))
}

impl RecordSink for OrdersWriter {
    fn begin(&mut self, _: &Header, _: &mut Diagnostics) -> Result<()> {
        Ok(())
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        match record {
            Record::Order(o) => {
                self.orders.push(o);
                Ok(())
            }
            other => Err(ErrorKind::Unsupported {
                format: NAME.into(),
                action: msg!("cml-write-in-orders", kind = kind_name(other.kind())).into(),
            }
            .into()),
        }
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        let orders = std::mem::take(&mut self.orders);
        let latest = orders.iter().filter_map(|o| o.order_time.or(o.created)).max();
        let stamp = latest.map(|t| self.local(&t).format("%Y-%m-%dT%H:%M:%S").to_string());
        self.xml.declaration().map_err(Error::output)?;
        let mut attrs = vec![("ВерсияСхемы", SCHEMA_VERSION)];
        if let Some(s) = &stamp {
            attrs.push(("ДатаФормирования", s));
        }
        self.xml.start(ROOT, &attrs).map_err(Error::output)?;
        let mut units = UnitAssumed::default();
        for (i, o) in orders.iter().enumerate() {
            self.write_order(i + 1, o, diag, &mut units)?;
        }
        self.xml.end(ROOT).map_err(Error::output)?;
        self.xml.finish().map_err(Error::output)?;
        if units.lines > 0 {
            let count = units.lines;
            diag.warn_with(WarningKind::ValueAssumed, || {
                let message = match units.fractional {
                    Some(example) => msg!("cml-unit-assumed-weight", count = count, example = example),
                    None => msg!("cml-unit-assumed", count = count),
                };
                Warning::new(WarningKind::ValueAssumed, message)
            })?;
        }
        Ok(())
    }
}
