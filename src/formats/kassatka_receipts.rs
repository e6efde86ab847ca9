//! `kassatka-receipts`: the `Documents/Doc/Head/Products/Product` XML that Кассатка returns from
//! `GET /download/{key}` after `GET /receipts` (seed `002_…`). Read and written, one `Doc` at a time.

use std::io::Write;

use chrono::{DateTime, FixedOffset};

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::formats::fields;
use crate::formats::xml::{semicolon_list, Locator, Subject, XmlEvent, XmlOut, XmlSource};
use crate::i18n::Message;
use crate::model::{DataKind, Extra, Header, Party, Payment, PaymentKind, Receipt, ReceiptKind, ReceiptLine, Record};
use crate::msg;
use crate::number::format_decimal;
use crate::options::{ReadOptions, WriteOptions};
use crate::sink::RecordSink;
use crate::text::RawInput;

pub const NAME: &str = "kassatka-receipts";
const ROOT: &str = "Documents";

pub fn sniff(head: &str) -> u8 {
    crate::formats::sniff_xml_root(head, ROOT)
}

/// What a receipt's `Date` holds, for the message about a bad one.
fn date_expected() -> Message {
    msg!("kassatka-expected-date-time")
}

/// `2018-04-16T11:08:31+0000`, `…+03:00`, `…Z`, with optional fractions of a second.
pub fn parse_date_time(raw: &str) -> Option<DateTime<FixedOffset>> {
    let raw = raw.trim();
    DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f%z").ok().or_else(|| DateTime::parse_from_rfc3339(raw).ok())
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let mut xml = XmlSource::open(input, forced, &opts.limits)?;
    let mut header = Header::new(DataKind::Receipts);
    header.source_format = Some(NAME.into());
    loop {
        match xml.next_event()? {
            XmlEvent::Start { name, attrs, empty } if name == ROOT => {
                header.extra = attrs.into_extra();
                sink.begin(&header, diag)?;
                if !empty {
                    read_documents(&mut xml, sink, diag)?;
                }
                return sink.finish(diag);
            }
            XmlEvent::Start { name, .. } => {
                return Err(Error::syntax(
                    xml.pos(),
                    msg!("kassatka-receipts-wrong-root", name = name.as_str(), root = ROOT),
                ))
            }
            XmlEvent::Text(_) => {}
            XmlEvent::End { .. } | XmlEvent::Eof => {
                return Err(Error::syntax(xml.pos(), msg!("kassatka-receipts-no-root", root = ROOT)))
            }
        }
    }
}

fn read_documents(xml: &mut XmlSource, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    loop {
        match xml.next_event()? {
            XmlEvent::Start { name, empty, .. } if name == "Doc" => {
                if empty {
                    return Err(Error::syntax(xml.pos_in("Doc"), msg!("kassatka-empty-doc")));
                }
                let receipt = read_doc(xml, diag)?;
                sink.record(Record::Receipt(receipt), diag)?;
            }
            XmlEvent::Start { name, empty, .. } => skip_unknown(xml, &name, empty, ROOT, diag)?,
            XmlEvent::End { .. } => return Ok(()),
            XmlEvent::Text(_) => {}
            XmlEvent::Eof => return Err(xml.truncated(ROOT)),
        }
    }
}

fn skip_unknown(xml: &mut XmlSource, name: &str, empty: bool, parent: &str, diag: &mut Diagnostics) -> Result<()> {
    let pos = xml.pos();
    if !empty {
        xml.read_unknown(name)?;
    }
    diag.warn(
        Warning::new(
            WarningKind::ElementSkipped,
            msg!("kassatka-receipts-unknown-element", name = name, parent = parent),
        )
        .at(pos),
    )
}

/// One `<Name>text</Name>` child; its position is computed only if a message needs it.
struct Child {
    name: String,
    text: String,
    offset: u64,
}

struct Children {
    parent: &'static str,
    items: Vec<Child>,
    locator: Locator,
}

impl Children {
    fn pos(&self, child: &Child) -> Position {
        self.locator.at(child.offset).with_field(format!("{}/{}", self.parent, child.name))
    }

    fn end_pos(&self) -> Position {
        let offset = self.items.last().map_or(0, |c| c.offset);
        self.locator.at(offset).with_field(self.parent)
    }
}

/// Reads `<a>1</a><b>2</b>…` up to the parent's end, in order.
fn read_simple_children(xml: &mut XmlSource, parent: &'static str) -> Result<Children> {
    let mut items = Vec::new();
    loop {
        match xml.next_event()? {
            XmlEvent::Start { name, empty, .. } => {
                let tag = xml.offset();
                let (text, at) = if empty { (String::new(), None) } else { xml.read_text_at(&name)? };
                // A message about a value points at the value, not at its start tag.
                items.push(Child { name: name.to_string(), text, offset: at.unwrap_or(tag) });
            }
            XmlEvent::End { .. } => return Ok(Children { parent, items, locator: xml.locator() }),
            XmlEvent::Text(_) => {}
            XmlEvent::Eof => return Err(xml.truncated(parent)),
        }
    }
}

fn read_doc(xml: &mut XmlSource, diag: &mut Diagnostics) -> Result<Receipt> {
    let doc_pos = xml.pos_in("Doc");
    let mut head = None;
    let mut lines = Vec::new();
    let mut extra = Extra::new();
    loop {
        match xml.next_event()? {
            XmlEvent::Start { name, empty, .. } => match name.as_str() {
                "Head" if !empty => head = Some(read_simple_children(xml, "Head")?),
                "Products" if !empty => loop {
                    match xml.next_event()? {
                        XmlEvent::Start { name, empty, .. } if name == "Product" && !empty => {
                            lines.push(line_from(read_simple_children(xml, "Product")?)?);
                        }
                        XmlEvent::Start { name, empty, .. } => skip_unknown(xml, &name, empty, "Products", diag)?,
                        XmlEvent::End { .. } => break,
                        XmlEvent::Text(_) => {}
                        XmlEvent::Eof => return Err(xml.truncated("Products")),
                    }
                },
                "Head" | "Products" => {}
                _ => {
                    if empty {
                        extra.insert(name.to_string(), String::new());
                    } else {
                        match xml.read_unknown(&name)? {
                            Some(text) => {
                                extra.insert(name.to_string(), text);
                            }
                            None => skip_unknown(xml, &name, true, "Doc", diag)?,
                        }
                    }
                }
            },
            XmlEvent::End { .. } => break,
            XmlEvent::Text(_) => {}
            XmlEvent::Eof => return Err(xml.truncated("Doc")),
        }
    }
    let head = head.ok_or_else(|| Error::syntax(doc_pos.clone(), msg!("kassatka-doc-no-head")))?;
    receipt_from(head, lines, extra, doc_pos)
}

fn receipt_from(head: Children, lines: Vec<ReceiptLine>, mut extra: Extra, doc_pos: Position) -> Result<Receipt> {
    let mut date = None;
    let mut number = None;
    let (mut total, mut total_with_discount) = (None, None);
    let (mut organization, mut cash_box, mut store) = (Party::default(), Party::default(), Party::default());
    let mut payments = Vec::new();
    for child in &head.items {
        let (name, text) = (child.name.clone(), &child.text);
        let pos = || head.pos(child);
        let value = Some(text.trim().to_string()).filter(|t| !t.is_empty());
        match name.as_str() {
            "Date" => date = Some(parse_date_time(text).ok_or_else(|| Error::bad_value(pos(), text, date_expected()))?),
            "DocNum" => number = value,
            "DocSum" => total = Some(fields::required_decimal(text, pos)?),
            "DocSumWithDiscount" => total_with_discount = Some(fields::required_decimal(text, pos)?),
            "OrganizationCode" => organization.code = value,
            "OrganizationName" => organization.name = value,
            "CashBoxCode" => cash_box.code = value,
            "CashBoxName" => cash_box.name = value,
            "StoreCode" => store.code = value,
            "StoreName" => store.name = value,
            "PayCash" | "PayCard" => {
                if let Some(amount) = fields::decimal(text, pos)? {
                    let kind = if name == "PayCash" { PaymentKind::Cash } else { PaymentKind::Card };
                    payments.push(Payment { kind, amount });
                }
            }
            _ => {
                extra.insert(name, text.clone());
            }
        }
    }
    let missing = |what: &str| {
        Error::syntax(doc_pos.clone().with_field("Doc/Head"), msg!("kassatka-doc-missing", element = what))
    };
    Ok(Receipt {
        date: date.ok_or_else(|| missing("Date"))?,
        number: number.ok_or_else(|| missing("DocNum"))?,
        kind: ReceiptKind::Sale,
        organization,
        cash_box,
        store,
        total: total.ok_or_else(|| missing("DocSum"))?,
        total_with_discount: total_with_discount.ok_or_else(|| missing("DocSumWithDiscount"))?,
        payments,
        lines,
        extra,
    })
}

fn line_from(children: Children) -> Result<ReceiptLine> {
    let mut code = None;
    let mut name = String::new();
    let mut unit_code = None;
    let (mut price, mut quantity, mut sum, mut sum_with_discount, mut discount) = (None, None, None, None, None);
    let mut vat = None;
    let mut extra = Extra::new();
    for child in &children.items {
        let text = child.text.as_str();
        let pos = || children.pos(child);
        match child.name.as_str() {
            "ProductCode" => code = Some(fields::code(text, pos)?),
            "ProductName" => name = text.to_string(),
            "UnitCode" => unit_code = Some(text.trim().to_string()).filter(|t| !t.is_empty()),
            "Price" => price = Some(fields::required_decimal(text, pos)?),
            "Quantity" => quantity = Some(fields::required_decimal(text, pos)?),
            "Sum" => sum = Some(fields::required_decimal(text, pos)?),
            "SumWithDiscount" => sum_with_discount = Some(fields::required_decimal(text, pos)?),
            "Discount" => discount = fields::decimal(text, pos)?,
            "VAT" => vat = fields::vat(text, pos)?,
            _ => {
                extra.insert(child.name.clone(), text.to_string());
            }
        }
    }
    let pos = children.end_pos();
    let missing = |what: &str| Error::syntax(pos.clone(), msg!("kassatka-line-missing", element = what));
    let sum = sum.ok_or_else(|| missing("Sum"))?;
    let discount = discount.unwrap_or_default();
    Ok(ReceiptLine {
        product_code: code.ok_or_else(|| missing("ProductCode"))?,
        product_name: name,
        unit_code,
        barcode: None,
        article: None,
        price: price.ok_or_else(|| missing("Price"))?,
        quantity: quantity.ok_or_else(|| missing("Quantity"))?,
        discount,
        sum,
        sum_with_discount: sum_with_discount.unwrap_or(sum - discount),
        vat,
        extra,
    })
}

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(KassatkaReceiptsWriter { xml: XmlOut::new(out), separator: opts.decimal_separator_or('.') }))
}

struct KassatkaReceiptsWriter {
    xml: XmlOut<Box<dyn Write>>,
    separator: char,
}

impl KassatkaReceiptsWriter {
    fn warn_losses(&self, r: &Receipt, diag: &mut Diagnostics) -> Result<()> {
        let mut lost: Vec<Message> = Vec::new();
        if r.kind == ReceiptKind::Return {
            lost.push(msg!("kassatka-lost-return"));
        }
        let other = r.paid(PaymentKind::Other);
        if !other.is_zero() {
            lost.push(msg!("kassatka-lost-other-payment", amount = other));
        }
        if !r.extra.is_empty() {
            lost.push(msg!("kassatka-lost-fields", names = r.extra.keys().cloned().collect::<Vec<_>>().join(", ")));
        }
        for l in &r.lines {
            if l.barcode.is_some() || l.article.is_some() || !l.extra.is_empty() {
                lost.push(msg!("kassatka-lost-line", code = &l.product_code));
            }
        }
        if lost.is_empty() {
            return Ok(());
        }
        diag.warn_with(WarningKind::FieldDropped, || {
            Warning::new(
                WarningKind::FieldDropped,
                msg!("kassatka-receipt-lost", number = &r.number, format = NAME, lost = semicolon_list(lost)),
            )
        })
    }

    fn write_receipt(&mut self, r: &Receipt) -> std::io::Result<()> {
        let x = &mut self.xml;
        x.subject(Subject::Receipt, &r.number);
        x.start("Doc", &[])?;
        x.start("Head", &[])?;
        x.text_element("Date", &r.date.format("%Y-%m-%dT%H:%M:%S%z").to_string())?;
        x.text_element("OrganizationCode", r.organization.code.as_deref().unwrap_or_default())?;
        if let Some(name) = &r.organization.name {
            x.text_element("OrganizationName", name)?;
        }
        x.text_element("CashBoxCode", r.cash_box.code.as_deref().unwrap_or_default())?;
        x.text_element("CashBoxName", r.cash_box.name.as_deref().unwrap_or_default())?;
        x.text_element("StoreCode", r.store.code.as_deref().unwrap_or_default())?;
        x.text_element("StoreName", r.store.name.as_deref().unwrap_or_default())?;
        let sep = self.separator;
        let num = |d: &rust_decimal::Decimal| format_decimal(d, sep);
        x.text_element("DocSum", &num(&r.total))?;
        x.text_element("DocSumWithDiscount", &num(&r.total_with_discount))?;
        x.text_element("DocNum", &r.number)?;
        x.text_element("PayCard", &num(&r.paid(PaymentKind::Card)))?;
        x.text_element("PayCash", &num(&r.paid(PaymentKind::Cash)))?;
        x.end("Head")?;
        x.start("Products", &[])?;
        for l in &r.lines {
            x.start("Product", &[])?;
            x.text_element("ProductCode", &l.product_code)?;
            x.text_element("ProductName", &l.product_name)?;
            x.text_element("UnitCode", l.unit_code.as_deref().unwrap_or_default())?;
            x.text_element("Price", &num(&l.price))?;
            x.text_element("Discount", &num(&l.discount))?;
            x.text_element("Quantity", &num(&l.quantity))?;
            x.text_element("Sum", &num(&l.sum))?;
            x.text_element("SumWithDiscount", &num(&l.sum_with_discount))?;
            if let Some(vat) = l.vat {
                x.text_element("VAT", vat.as_russian())?;
            }
            x.end("Product")?;
        }
        x.end("Products")?;
        x.end("Doc")
    }
}

impl RecordSink for KassatkaReceiptsWriter {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        if !header.extra.is_empty() {
            let names: Vec<&str> = header.extra.keys().map(String::as_str).collect();
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    msg!("xml-document-attributes-dropped", names = names.join(", "), format = NAME),
                )
            })?;
        }
        self.xml.declaration().map_err(Error::output)?;
        self.xml.start(ROOT, &[]).map_err(Error::output)
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        match record {
            Record::Receipt(r) => {
                self.warn_losses(&r, diag)?;
                self.write_receipt(&r).map_err(Error::output)
            }
            _ => {
                Err(ErrorKind::Unsupported { format: NAME.into(), action: msg!("kassatka-hold-catalog").into() }.into())
            }
        }
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.xml.end(ROOT).map_err(Error::output)?;
        self.xml.finish().map_err(Error::output)
    }
}
