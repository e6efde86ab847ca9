//! `bifit-orders`: БИФИТ Касса online orders as `GET /protected/online_orders/{id}` returns them
//! (seed `001_…`): one object, an array, or JSON Lines. Read into the model and written back in
//! the same shape. Unknown fields are carried as extras; times are epoch milliseconds.
//!
//! The seed shows no items. If an order carries them, they are read from the first of the keys
//! `items`, `goods`, `positions`, `products`, `orderItems`, `nomenclatures`, `lines` (INFERRED);
//! otherwise the order is header-only.

use std::borrow::Cow;
use std::io::Write;

use indexmap::IndexMap;
use serde_json::json;
use serde_json::value::RawValue;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::formats::json_fields::{json_keys, key_set, Fields, Key, Object};
use crate::formats::json_objects::{for_each_object, raw, raw_decimal, raw_extra};
use crate::model::{DataKind, Header, Order, OrderLine, Record};
use crate::options::{ReadOptions, WriteOptions};
use crate::sink::RecordSink;
use crate::text::RawInput;

pub const NAME: &str = "bifit-orders";

json_keys! {
    /// The fields of an order the reader knows, the keys its items may come under, and the
    /// create body's wrapper.
    mod key {
        ID = "id",
        EXTERNAL_ID = "externalId",
        CURRENT_STATUS_TYPE = "currentStatusType",
        CURRENT_STATUS_TIME = "currentStatusTime",
        CREATED = "created",
        CHANGED = "changed",
        ORDER_TIME = "orderTime",
        ORGANIZATION_ID = "organizationId",
        TRADE_OBJECT_ID = "tradeObjectId",
        TAX_SYSTEM = "taxSystem",
        DELIVERY_TYPE = "deliveryType",
        DELIVERY_TIME = "deliveryTime",
        ACTUAL_DELIVERY_TIME = "actualDeliveryTime",
        DELIVERY_AMOUNT = "deliveryAmount",
        ADDRESS = "address",
        CLIENT_ID = "clientId",
        CLIENT_NAME = "clientName",
        PAID = "paid",
        DISCOUNT = "discount",
        TOTAL_AMOUNT = "totalAmount",
        COMMENT = "comment",
        VISIBLE = "visible",
        ITEMS = "items",
        GOODS = "goods",
        POSITIONS = "positions",
        PRODUCTS = "products",
        ORDER_ITEMS = "orderItems",
        NOMENCLATURES = "nomenclatures",
        LINES = "lines",
        ONLINE_ORDER = "onlineOrder",
    }
}

/// Where an order's items may be, first found first.
const ITEM_KEYS: [Key; 7] =
    [key::ITEMS, key::GOODS, key::POSITIONS, key::PRODUCTS, key::ORDER_ITEMS, key::NOMENCLATURES, key::LINES];

json_keys! {
    /// The fields of an order's item the reader knows.
    mod line {
        NAME = "name",
        NOMENCLATURE_NAME = "nomenclatureName",
        GOOD_NAME = "goodName",
        QUANTITY = "quantity",
        COUNT = "count",
        QTY = "qty",
        PRICE = "price",
        SELLING_PRICE = "sellingPrice",
        PRICE_WITH_DISCOUNT = "priceWithDiscount",
        SUM = "sum",
        TOTAL_AMOUNT = "totalAmount",
        TOTAL_PRICE = "totalPrice",
        TOTAL = "total",
        EXTERNAL_CODE = "externalCode",
        EXTERNAL_ID = "externalId",
        CODE = "code",
        NOMENCLATURE_ID = "nomenclatureId",
        BARCODE = "barcode",
        DISCOUNT = "discount",
        VAT_VALUE = "vatValue",
    }
}

const LINE_NAME: [Key; 3] = [line::NAME, line::NOMENCLATURE_NAME, line::GOOD_NAME];
const LINE_QUANTITY: [Key; 3] = [line::QUANTITY, line::COUNT, line::QTY];
const LINE_PRICE: [Key; 3] = [line::PRICE, line::SELLING_PRICE, line::PRICE_WITH_DISCOUNT];
const LINE_SUM: [Key; 4] = [line::SUM, line::TOTAL_AMOUNT, line::TOTAL_PRICE, line::TOTAL];
const LINE_CODE: [Key; 3] = [line::EXTERNAL_CODE, line::EXTERNAL_ID, line::CODE];

pub fn sniff(head: &str) -> u8 {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    let json = t.starts_with('{') || t.starts_with('[');
    if json && (t.contains("\"currentStatusType\"") || t.contains("\"onlineOrder\"") || t.contains("\"orderTime\"")) {
        2
    } else {
        0
    }
}

fn first_of<'de, T>(
    f: &Fields<'_, 'de>,
    keys: &[Key],
    get: impl Fn(&Fields<'_, 'de>, Key) -> Result<Option<T>>,
) -> Result<Option<T>> {
    for k in keys {
        if let Some(v) = get(f, *k)? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// A text field, owned.
fn text(f: &Fields, k: Key) -> Result<Option<String>> {
    Ok(f.text(k)?.map(Cow::into_owned))
}

/// An object with none of an order's fields (`{}`, or only unknown ones) is not an order: an
/// error naming the record, rather than an empty order that a writer would turn into a real one.
/// (`visible` alone says nothing about an order.)
fn refuse_non_order(f: &Fields) -> Result<()> {
    if (0..key::ONLINE_ORDER.0).map(Key).any(|k| k != key::VISIBLE && f.raw(k).is_some()) {
        return Ok(());
    }
    let found: Vec<&str> = f.object.keys().take(5).collect();
    let what = if found.is_empty() {
        crate::msg!("bifit-empty-object")
    } else {
        crate::msg!("bifit-object-with-only", keys = found.join(", "))
    };
    let pos = Position { record: Some(f.number), ..Position::in_file(f.name) };
    Err(Error::syntax(pos, crate::msg!("bifit-not-an-order", what = what)))
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let name = input.name.clone();
    let mut header = Header::new(DataKind::Orders);
    header.source_format = Some(NAME.into());
    sink.begin(&header, diag)?;
    // Every known key but the wrapper: the order's own fields and the keys of its items.
    let order_fields = (0..key::ONLINE_ORDER.0).fold(0u32, |set, i| set | 1 << i);
    let line_fields = key_set(line::KEYS, line::KEYS);
    for_each_object(input, forced, &opts.limits, key::KEYS, |object, number| {
        // The create body wraps the order in `onlineOrder`.
        let envelope = Fields { object, name: &name, number, prefix: "" };
        let inner;
        let f = match object.get(key::ONLINE_ORDER) {
            Some(raw) => {
                inner = Object::parse(raw.get(), key::KEYS).map_err(|_| {
                    Error::bad_value(
                        envelope.pos(key::ONLINE_ORDER),
                        raw.get(),
                        crate::msg!("bifit-expected-json-object"),
                    )
                })?;
                Fields { object: &inner, name: &name, number, prefix: "" }
            }
            None => envelope,
        };
        refuse_non_order(&f)?;
        let mut order = Order {
            id: text(&f, key::ID)?,
            external_id: text(&f, key::EXTERNAL_ID)?,
            status_time: f.epoch_millis(key::CURRENT_STATUS_TIME)?,
            created: f.epoch_millis(key::CREATED)?,
            changed: f.epoch_millis(key::CHANGED)?,
            order_time: f.epoch_millis(key::ORDER_TIME)?,
            organization_id: text(&f, key::ORGANIZATION_ID)?,
            trade_object_id: text(&f, key::TRADE_OBJECT_ID)?,
            delivery_time: f.epoch_millis(key::DELIVERY_TIME)?,
            actual_delivery_time: f.epoch_millis(key::ACTUAL_DELIVERY_TIME)?,
            delivery_amount: f.decimal(key::DELIVERY_AMOUNT)?,
            address: text(&f, key::ADDRESS)?,
            client_id: text(&f, key::CLIENT_ID)?,
            client_name: text(&f, key::CLIENT_NAME)?,
            paid: f.bool(key::PAID)?,
            discount: f.decimal(key::DISCOUNT)?,
            total_amount: f.decimal(key::TOTAL_AMOUNT)?,
            comment: text(&f, key::COMMENT)?,
            ..Order::default()
        };
        let mut extra = f.extras(order_fields);
        if f.bool(key::VISIBLE)? == Some(false) {
            extra.insert("visible".into(), "false".into());
        }
        // Enumerations: an unknown value is kept as text in `extra` and reported.
        if let Some(raw) = f.text(key::CURRENT_STATUS_TYPE)? {
            match raw.parse() {
                Ok(s) => order.status = Some(s),
                Err(()) => {
                    diag.warn_with(WarningKind::UnknownValue, || {
                        Warning::new(
                            WarningKind::UnknownValue,
                            crate::msg!(
                                "bifit-unknown-status",
                                number = number.to_string(),
                                status = format!("{raw:?}")
                            ),
                        )
                        .at(f.pos(key::CURRENT_STATUS_TYPE))
                    })?;
                    extra.insert("currentStatusType".into(), json!(raw).to_string());
                }
            }
        }
        if let Some(raw) = f.text(key::TAX_SYSTEM)? {
            match raw.parse() {
                Ok(t) => order.tax_system = Some(t),
                Err(()) => {
                    extra.insert("taxSystem".into(), json!(raw).to_string());
                }
            }
        }
        if let Some(raw) = f.text(key::DELIVERY_TYPE)? {
            match raw.parse() {
                Ok(d) => order.delivery_type = Some(d),
                Err(()) => {
                    extra.insert("deliveryType".into(), json!(raw).to_string());
                }
            }
        }
        if let Some((k, raw)) = ITEM_KEYS.iter().find_map(|k| Some((*k, f.raw(*k)?))) {
            let items = Object::parse_list(raw, line::KEYS)
                .map_err(|_| Error::bad_value(f.pos(k), raw, crate::msg!("bifit-expected-object-array")))?;
            for (i, item) in items.iter().enumerate() {
                let lf = Fields { object: item, name: &name, number, prefix: "item." };
                let quantity = first_of(&lf, &LINE_QUANTITY, |f, k| f.decimal(k))?.ok_or_else(|| {
                    Error::bad_value(
                        lf.pos(line::QUANTITY),
                        "",
                        crate::msg!("bifit-expected-item-quantity", item = i + 1),
                    )
                })?;
                let vat = match lf.text(line::VAT_VALUE)? {
                    Some(v) => Some(
                        v.parse()
                            .map_err(|_| Error::bad_value(lf.pos(line::VAT_VALUE), v, crate::vat::VAT_EXPECTED))?,
                    ),
                    None => None,
                };
                order.lines.push(OrderLine {
                    product_code: first_of(&lf, &LINE_CODE, text)?,
                    nomenclature_id: text(&lf, line::NOMENCLATURE_ID)?,
                    name: first_of(&lf, &LINE_NAME, text)?.unwrap_or_default(),
                    barcode: text(&lf, line::BARCODE)?,
                    quantity,
                    price: first_of(&lf, &LINE_PRICE, |f, k| f.decimal(k))?,
                    discount: lf.decimal(line::DISCOUNT)?,
                    sum: first_of(&lf, &LINE_SUM, |f, k| f.decimal(k))?,
                    vat,
                    extra: lf.extras(line_fields),
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
                action: crate::msg!("bifit-action-hold-catalog-or-receipts").into(),
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
        write!(self.out, "{sep}{text}{}", if self.jsonl { "\n" } else { "" }).map_err(Error::output)
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        let close: &[u8] = match (self.jsonl, self.first) {
            (true, _) => b"",
            (false, true) => b"[]\n",
            (false, false) => b"\n]\n",
        };
        self.out.write_all(close).map_err(Error::output)?;
        self.out.flush().map_err(Error::output)
    }
}
