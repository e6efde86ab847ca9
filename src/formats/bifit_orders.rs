//! `bifit-orders`: БИФИТ Касса online orders as `GET /protected/online_orders/{id}` returns them
//! (seed `001_…`): one object, an array, or JSON Lines. Read into the model and written back in
//! the same shape. Unknown fields are carried as extras; times are epoch milliseconds.
//!
//! The seed shows no items. If an order carries them, they are read from the first of the keys
//! `items`, `goods`, `positions`, `products`, `orderItems`, `nomenclatures`, `lines` (INFERRED);
//! otherwise the order is header-only.

use std::io::Write;

use indexmap::IndexMap;
use serde_json::json;
use serde_json::value::RawValue;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::formats::json_objects::{for_each_object, raw, raw_decimal, raw_extra, Fields, RawObject};
use crate::model::{DataKind, Header, Order, OrderLine, Record};
use crate::options::{ReadOptions, WriteOptions};
use crate::sink::RecordSink;
use crate::text::RawInput;

pub const NAME: &str = "bifit-orders";

pub const ITEM_KEYS: [&str; 7] = ["items", "goods", "positions", "products", "orderItems", "nomenclatures", "lines"];

const ORDER_FIELDS: [&str; 22] = [
    "id",
    "externalId",
    "currentStatusType",
    "currentStatusTime",
    "created",
    "changed",
    "orderTime",
    "organizationId",
    "tradeObjectId",
    "taxSystem",
    "deliveryType",
    "deliveryTime",
    "actualDeliveryTime",
    "deliveryAmount",
    "address",
    "clientId",
    "clientName",
    "paid",
    "discount",
    "totalAmount",
    "comment",
    "visible",
];

const LINE_NAME: [&str; 3] = ["name", "nomenclatureName", "goodName"];
const LINE_QUANTITY: [&str; 3] = ["quantity", "count", "qty"];
const LINE_PRICE: [&str; 3] = ["price", "sellingPrice", "priceWithDiscount"];
const LINE_SUM: [&str; 4] = ["sum", "totalAmount", "totalPrice", "total"];
const LINE_CODE: [&str; 3] = ["externalCode", "externalId", "code"];

pub fn sniff(head: &str) -> u8 {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    let json = t.starts_with('{') || t.starts_with('[');
    if json && (t.contains("\"currentStatusType\"") || t.contains("\"onlineOrder\"") || t.contains("\"orderTime\"")) {
        2
    } else {
        0
    }
}

fn first_of<T>(f: &Fields, keys: &[&str], get: impl Fn(&Fields, &str) -> Result<Option<T>>) -> Result<Option<T>> {
    for k in keys {
        if let Some(v) = get(f, k)? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// An object with none of an order's fields (`{}`, or only unknown ones) is not an order: an
/// error naming the record, rather than an empty order that a writer would turn into a real one.
/// (`visible` alone says nothing about an order.)
fn refuse_non_order(f: &Fields) -> Result<()> {
    let order_field = |k: &&str| *k != "visible" && f.object.get(*k).is_some_and(|v| v.get() != "null");
    if ORDER_FIELDS.iter().chain(&ITEM_KEYS).any(order_field) {
        return Ok(());
    }
    let found: Vec<&str> = f.object.keys().map(String::as_str).take(5).collect();
    let what = if found.is_empty() {
        "an empty object".to_string()
    } else {
        format!("an object with only {}", found.join(", "))
    };
    let pos = Position { record: Some(f.number), ..Position::in_file(f.name) };
    Err(Error::syntax(
        pos,
        format!("{what} is not an order: expected at least one of id, externalId, currentStatusType, orderTime, totalAmount …"),
    ))
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let name = input.name.clone();
    let mut header = Header::new(DataKind::Orders);
    header.source_format = Some(NAME.into());
    sink.begin(&header, diag)?;
    for_each_object(input, forced, &opts.limits, |object, number| {
        // The create body wraps the order in `onlineOrder`.
        let object: RawObject = match object.get("onlineOrder") {
            Some(raw) => serde_json::from_str(raw.get()).map_err(|_| {
                Error::bad_value(
                    Fields { object: &object, name: &name, number, prefix: "" }.pos("onlineOrder"),
                    raw.get(),
                    "a JSON object",
                )
            })?,
            None => object,
        };
        let f = Fields { object: &object, name: &name, number, prefix: "" };
        refuse_non_order(&f)?;
        let mut order = Order {
            id: f.text("id")?,
            external_id: f.text("externalId")?,
            status_time: f.epoch_millis("currentStatusTime")?,
            created: f.epoch_millis("created")?,
            changed: f.epoch_millis("changed")?,
            order_time: f.epoch_millis("orderTime")?,
            organization_id: f.text("organizationId")?,
            trade_object_id: f.text("tradeObjectId")?,
            delivery_time: f.epoch_millis("deliveryTime")?,
            actual_delivery_time: f.epoch_millis("actualDeliveryTime")?,
            delivery_amount: f.decimal("deliveryAmount")?,
            address: f.text("address")?,
            client_id: f.text("clientId")?,
            client_name: f.text("clientName")?,
            paid: f.bool("paid")?,
            discount: f.decimal("discount")?,
            total_amount: f.decimal("totalAmount")?,
            comment: f.text("comment")?,
            ..Order::default()
        };
        let mut extra = f.extras(&[&ORDER_FIELDS[..], &ITEM_KEYS[..]].concat());
        if f.bool("visible")? == Some(false) {
            extra.insert("visible".into(), "false".into());
        }
        // Enumerations: an unknown value is kept as text in `extra` and reported.
        if let Some(raw) = f.text("currentStatusType")? {
            match raw.parse() {
                Ok(s) => order.status = Some(s),
                Err(()) => {
                    diag.warn(
                        Warning::new(
                            WarningKind::UnknownValue,
                            format!("order {number}: status {raw:?} is not one Bifit documents; kept as text"),
                        )
                        .at(f.pos("currentStatusType")),
                    )?;
                    extra.insert("currentStatusType".into(), json!(raw).to_string());
                }
            }
        }
        if let Some(raw) = f.text("taxSystem")? {
            match raw.parse() {
                Ok(t) => order.tax_system = Some(t),
                Err(()) => {
                    extra.insert("taxSystem".into(), json!(raw).to_string());
                }
            }
        }
        if let Some(raw) = f.text("deliveryType")? {
            match raw.parse() {
                Ok(d) => order.delivery_type = Some(d),
                Err(()) => {
                    extra.insert("deliveryType".into(), json!(raw).to_string());
                }
            }
        }
        if let Some(key) = ITEM_KEYS.iter().find(|k| object.get(**k).is_some_and(|v| v.get() != "null")) {
            let raw = object[*key].get();
            let items: Vec<RawObject> =
                serde_json::from_str(raw).map_err(|_| Error::bad_value(f.pos(key), raw, "an array of objects"))?;
            for (i, item) in items.iter().enumerate() {
                let lf = Fields { object: item, name: &name, number, prefix: "item." };
                let quantity = first_of(&lf, &LINE_QUANTITY, |f, k| f.decimal(k))?.ok_or_else(|| {
                    Error::bad_value(
                        lf.pos("quantity"),
                        "",
                        format!("the quantity of item {} (quantity or count)", i + 1),
                    )
                })?;
                let known: Vec<&str> = [
                    &LINE_NAME[..],
                    &LINE_QUANTITY[..],
                    &LINE_PRICE[..],
                    &LINE_SUM[..],
                    &LINE_CODE[..],
                    &["nomenclatureId", "barcode", "discount", "vatValue"],
                ]
                .concat();
                let vat = match lf.text("vatValue")? {
                    Some(v) => Some(
                        v.parse().map_err(|_| Error::bad_value(lf.pos("vatValue"), &v, crate::vat::VAT_EXPECTED))?,
                    ),
                    None => None,
                };
                order.lines.push(OrderLine {
                    product_code: first_of(&lf, &LINE_CODE, |f, k| f.text(k))?,
                    nomenclature_id: lf.text("nomenclatureId")?,
                    name: first_of(&lf, &LINE_NAME, |f, k| f.text(k))?.unwrap_or_default(),
                    barcode: lf.text("barcode")?,
                    quantity,
                    price: first_of(&lf, &LINE_PRICE, |f, k| f.decimal(k))?,
                    discount: lf.decimal("discount")?,
                    sum: first_of(&lf, &LINE_SUM, |f, k| f.decimal(k))?,
                    vat,
                    extra: lf.extras(&known),
                });
            }
        }
        order.extra = extra;
        sink.record(Record::Order(order), diag)
    })?;
    sink.finish(diag)
}

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(BifitOrdersWriter { out, jsonl: opts.jsonl, first: true }))
}

struct BifitOrdersWriter {
    out: Box<dyn Write>,
    jsonl: bool,
    first: bool,
}

fn io(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

fn millis(t: &Option<chrono::DateTime<chrono::FixedOffset>>) -> Box<RawValue> {
    raw(t.map(|t| t.timestamp_millis()))
}

/// An id kept as text: a number when it looks like one (Bifit's ids are numbers).
fn id(v: &Option<String>) -> Box<RawValue> {
    match v {
        Some(v) if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) && !(v.len() > 1 && v.starts_with('0')) => {
            raw_extra(v)
        }
        other => raw(other),
    }
}

/// The order as Bifit's JSON: known fields in the seed's order, then the extras. Numbers are
/// written with exactly their digits.
pub fn order_json(o: &Order) -> IndexMap<String, Box<RawValue>> {
    let mut m: IndexMap<String, Box<RawValue>> = IndexMap::new();
    m.insert("id".into(), id(&o.id));
    // Bifit's orders say `visible`; the reader keeps only `false` (in `extra`), so anything else
    // was visible.
    m.insert("visible".into(), o.extra.get("visible").map_or_else(|| raw(true), |v| raw_extra(v)));
    m.insert("created".into(), millis(&o.created));
    m.insert("changed".into(), millis(&o.changed));
    m.insert("organizationId".into(), raw(&o.organization_id));
    m.insert("tradeObjectId".into(), raw(&o.trade_object_id));
    m.insert("taxSystem".into(), raw(o.tax_system.map(|t| t.as_str())));
    m.insert("externalId".into(), raw(&o.external_id));
    m.insert("deliveryType".into(), raw(o.delivery_type.map(|d| d.as_str())));
    m.insert("deliveryAmount".into(), raw_decimal(o.delivery_amount));
    m.insert("deliveryTime".into(), millis(&o.delivery_time));
    m.insert("paid".into(), raw(o.paid));
    m.insert("orderTime".into(), millis(&o.order_time));
    m.insert("clientId".into(), id(&o.client_id));
    m.insert("address".into(), raw(&o.address));
    m.insert("discount".into(), raw_decimal(o.discount));
    m.insert("totalAmount".into(), raw_decimal(o.total_amount));
    m.insert("comment".into(), raw(&o.comment));
    m.insert("currentStatusType".into(), raw(o.status.map(|s| s.as_str())));
    m.insert("currentStatusTime".into(), millis(&o.status_time));
    m.insert("actualDeliveryTime".into(), millis(&o.actual_delivery_time));
    m.insert("clientName".into(), raw(&o.client_name));
    for (k, v) in o.extra.iter().filter(|(k, _)| *k != "visible") {
        m.insert(k.clone(), raw_extra(v));
    }
    if !o.lines.is_empty() {
        let items: Vec<IndexMap<String, Box<RawValue>>> = o
            .lines
            .iter()
            .map(|l| {
                let mut i: IndexMap<String, Box<RawValue>> = IndexMap::new();
                i.insert("externalCode".into(), raw(&l.product_code));
                i.insert("nomenclatureId".into(), id(&l.nomenclature_id));
                i.insert("name".into(), raw(&l.name));
                i.insert("barcode".into(), raw(&l.barcode));
                i.insert("quantity".into(), raw_decimal(Some(l.quantity)));
                i.insert("price".into(), raw_decimal(l.price));
                i.insert("discount".into(), raw_decimal(l.discount));
                i.insert("sum".into(), raw_decimal(l.sum));
                i.insert("vatValue".into(), raw(l.vat.map(|v| v.as_str())));
                for (k, v) in &l.extra {
                    i.insert(k.clone(), raw_extra(v));
                }
                i
            })
            .collect();
        m.insert("items".into(), raw(&items));
    }
    m
}

impl RecordSink for BifitOrdersWriter {
    fn begin(&mut self, _: &Header, _: &mut Diagnostics) -> Result<()> {
        Ok(())
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        let Record::Order(order) = record else {
            return Err(ErrorKind::Unsupported {
                format: NAME.into(),
                action: "hold catalog or receipt records".into(),
            }
            .into());
        };
        let json = order_json(&order);
        let text = if self.jsonl { serde_json::to_string(&json) } else { serde_json::to_string_pretty(&json) }
            .map_err(|e| Error::usage(e.to_string()))?;
        let sep = match (self.jsonl, self.first) {
            (true, _) => "",
            (false, true) => "[\n",
            (false, false) => ",\n",
        };
        self.first = false;
        write!(self.out, "{sep}{text}{}", if self.jsonl { "\n" } else { "" }).map_err(io)
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        let close: &[u8] = match (self.jsonl, self.first) {
            (true, _) => b"",
            (false, true) => b"[]\n",
            (false, false) => b"\n]\n",
        };
        self.out.write_all(close).map_err(io)?;
        self.out.flush().map_err(io)
    }
}
