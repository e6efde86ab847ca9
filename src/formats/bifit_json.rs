//! `bifit-json`: БИФИТ Касса goods as the API takes them, one `{"item": {…}}` per product
//! (`POST /protected/nomenclatures`, the per-item path that works on the free tariff). Written as
//! a JSON array or JSON Lines (`--jsonl`); read from either, or from the API's own answers.
//!
//! Folders are `grouped: true` items. An item's folder is named by `parentExternalId` beside
//! `item` (the folder's external id): Bifit's own `parentId` is a number only Bifit knows, so the
//! uploader resolves it. VAT: only `vatId` 5 = 20 % is documented; other rates are written as
//! `vatValue` alone (INFERRED).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use serde_json::json;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::bifit_csv::{normalize_okei, PURCHASE_PRICE_TYPE};
use crate::formats::json_fields::{json_keys, key_set, Fields, Object};
use crate::formats::json_objects::{for_each_object, push_decimal, push_key, push_raw_extra, push_string};
use crate::i18n::Message;
use crate::model::{DataKind, Extra, Group, Header, Price, Product, Record, Unit, Vat};
use crate::options::{BifitGroups, ReadOptions, WriteOptions};
use crate::price_choice::{list_types, price_fields, DEFAULT_PRICE_TYPE};
use crate::sink::{CatalogWriter, GroupedCatalog, RecordSink};
use crate::text::RawInput;

pub const NAME: &str = "bifit-json";

/// Item fields of Bifit's nomenclature (reference `bifit.md` §3.2 c): extras with these names
/// are written back into `item`; other extras have no place in the API.
const ITEM_FIELDS: [&str; 44] = [
    "id",
    "organizationId",
    "externalId",
    "externalCode",
    "barcode",
    "vendorCode",
    "name",
    "shortName",
    "parentId",
    "vatId",
    "vatValue",
    "unitCode",
    "volume",
    "capacity",
    "capacityUnitCode",
    "purchasePrice",
    "sellingPrice",
    "weighted",
    "grouped",
    "focused",
    "container",
    "paymentSubject",
    "adultsOnly",
    "code",
    "markType",
    "gtin",
    "pluCode",
    "visible",
    "contractorActivityType",
    "contractorId",
    "custom",
    "type",
    "barcodes",
    "countryCode",
    "customsDeclaration",
    "description",
    "application",
    "orgMemberPoints",
    "quantum",
    "expiration",
    "fifo",
    "status",
    "markUp",
    "countable",
];

/// Fields the reader maps to the model, or that carry no information when at their default.
const MAPPED: [&str; 15] = [
    "externalId",
    "externalCode",
    "name",
    "barcode",
    "barcodes",
    "vendorCode",
    "vatId",
    "vatValue",
    "unitCode",
    "sellingPrice",
    "purchasePrice",
    "weighted",
    "grouped",
    "paymentSubject",
    "parentId",
];

pub fn sniff(head: &str) -> u8 {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    let json = t.starts_with('{') || t.starts_with('[');
    if json
        && t.contains("\"item\"")
        && (t.contains("\"sellingPrice\"") || t.contains("\"unitCode\"") || t.contains("\"grouped\""))
    {
        2
    } else if json
        && !t.contains("kassa-bridge-canonical")
        && t.contains("\"sellingPrice\"")
        && t.contains("\"vatValue\"")
    {
        1
    } else {
        0
    }
}

fn vat_fields(vat: Vat) -> Option<(Option<u32>, u32)> {
    match vat {
        // The one pair Bifit documents.
        Vat::Vat20 => Some((Some(5), 20)),
        Vat::Vat0 => Some((None, 0)),
        Vat::Vat5 => Some((None, 5)),
        Vat::Vat7 => Some((None, 7)),
        Vat::Vat10 => Some((None, 10)),
        Vat::Vat22 => Some((None, 22)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

json_keys! {
    /// The fields the reader looks at: an item's, and the envelope's around it.
    mod key {
        ITEM = "item",
        PARENT_EXTERNAL_ID = "parentExternalId",
        EXTERNAL_ID = "externalId",
        EXTERNAL_CODE = "externalCode",
        ID = "id",
        NAME = "name",
        BARCODE = "barcode",
        BARCODES = "barcodes",
        VENDOR_CODE = "vendorCode",
        VAT_ID = "vatId",
        VAT_VALUE = "vatValue",
        UNIT_CODE = "unitCode",
        SELLING_PRICE = "sellingPrice",
        PURCHASE_PRICE = "purchasePrice",
        WEIGHTED = "weighted",
        GROUPED = "grouped",
        PAYMENT_SUBJECT = "paymentSubject",
        PARENT_ID = "parentId",
        VISIBLE = "visible",
        MARK_TYPE = "markType",
    }
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let name = input.name.clone();
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some(NAME.into());
    sink.begin(&header, diag)?;
    let mapped = key_set(key::KEYS, &MAPPED);
    let folder_fields = mapped | key_set(key::KEYS, &["id", "visible", "markType"]);
    // Bifit's numeric id of each folder → its code, to resolve `parentId`.
    let mut folder_codes: HashMap<String, String> = HashMap::new();
    for_each_object(input, forced, &opts.limits, key::KEYS, |object, number| {
        let envelope = Fields { object, name: &name, number, prefix: "" };
        // `{"item": {…}, "parentExternalId": …}`, or the item alone.
        let item;
        let wrapped = object.get(key::ITEM).is_some();
        let f = match object.get(key::ITEM) {
            Some(raw) => {
                item = Object::parse(raw.get(), key::KEYS).map_err(|_| {
                    Error::bad_value(envelope.pos(key::ITEM), raw.get(), crate::msg!("bifit-expected-json-object"))
                })?;
                Fields { object: &item, name: &name, number, prefix: "item." }
            }
            None => envelope,
        };
        let code = [key::EXTERNAL_CODE, key::EXTERNAL_ID, key::ID]
            .into_iter()
            .find_map(|k| f.text(k).transpose())
            .transpose()?
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::bad_value(f.pos(key::EXTERNAL_CODE), "", crate::msg!("bifit-expected-item-code")))?;
        let code = crate::formats::fields::code(&code, || f.pos(key::EXTERNAL_CODE))?;
        let parent = match object.raw(key::PARENT_EXTERNAL_ID).filter(|_| wrapped) {
            Some(raw) => Some(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string())),
            None => f.text(key::PARENT_ID)?.map(|id| folder_codes.get(id.as_ref()).cloned().unwrap_or(id.into_owned())),
        };
        let name_text = f.text(key::NAME)?.unwrap_or_default().into_owned();
        if f.bool(key::GROUPED)? == Some(true) {
            if let Some(id) = f.text(key::ID)? {
                folder_codes.insert(id.into_owned(), code.clone());
            }
            let extra = f.extras(folder_fields);
            return sink.record(Record::Group(Group { code, name: name_text, parent, extra }), diag);
        }
        let mut p = Product::new(code, name_text);
        p.parent = parent;
        if let Some(b) = f.text(key::BARCODE)? {
            p.barcodes.push(crate::formats::fields::code(&b, || f.pos(key::BARCODE))?);
        }
        if let Some(raw) = f.raw(key::BARCODES) {
            let list: Vec<String> = serde_json::from_str(raw)
                .map_err(|_| Error::bad_value(f.pos(key::BARCODES), raw, crate::msg!("bifit-expected-string-array")))?;
            for b in list {
                let b = crate::formats::fields::code(&b, || f.pos(key::BARCODES))?;
                if !p.barcodes.contains(&b) {
                    p.barcodes.push(b);
                }
            }
        }
        p.article = f.text(key::VENDOR_CODE)?.filter(|a| !a.is_empty()).map(Cow::into_owned);
        if let Some(value) = f.text(key::VAT_VALUE)? {
            p.vat = Some(
                value.parse().map_err(|_| Error::bad_value(f.pos(key::VAT_VALUE), value, crate::vat::VAT_EXPECTED))?,
            );
        }
        if let Some(unit) = f.text(key::UNIT_CODE)? {
            p.unit = Some({
                let code = normalize_okei(&unit);
                let name = crate::okei::unit_name(&code).unwrap_or_default().to_string();
                Unit { code, name }
            });
        }
        for (k, price_type) in [(key::SELLING_PRICE, DEFAULT_PRICE_TYPE), (key::PURCHASE_PRICE, PURCHASE_PRICE_TYPE)] {
            if let Some(amount) = f.decimal(k)? {
                p.prices.push(Price {
                    price_type: price_type.into(),
                    amount: Some(amount),
                    code: None,
                    includes_vat: None,
                });
            }
        }
        p.weighted = f.bool(key::WEIGHTED)?.unwrap_or(false);
        let subject = f.text(key::PAYMENT_SUBJECT)?;
        p.service = subject.as_deref() == Some("SERVICE");
        let mut extra = f.extras(mapped);
        // Values every item has: no information.
        for (key, default) in [("visible", "true"), ("markType", "\"UNKNOWN\"")] {
            if extra.get(key).map(String::as_str) == Some(default) {
                extra.shift_remove(key);
            }
        }
        // A hidden item is how this format says "deleted".
        if extra.get("visible").map(String::as_str) == Some("false") {
            extra.shift_remove("visible");
            p.deleted = true;
        }
        if let Some(subject) = subject.filter(|s| s != "SERVICE" && s != "PRODUCT") {
            extra.insert("paymentSubject".into(), json!(subject).to_string());
        }
        p.extra = extra;
        sink.record(Record::Product(p), diag)
    })?;
    sink.finish(diag)
}

// ---------------------------------------------------------------------------------------------
// Writing

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(GroupedCatalog::new(NAME, BifitJsonWriter { out, opts: opts.clone(), first: true, text: Vec::new() })))
}

struct BifitJsonWriter {
    out: Box<dyn Write>,
    opts: WriteOptions,
    first: bool,
    /// An entry's JSON, in a buffer reused from entry to entry.
    text: Vec<u8>,
}

/// An extra that goes into `item`: Bifit has the field and the reader does not map it.
fn item_extra(key: &str) -> bool {
    ITEM_FIELDS.contains(&key) && !MAPPED.contains(&key)
}

/// `"key":value` for the item field `key`: its extra when there is one (it replaces the value
/// in place), else `value`.
fn push_field(out: &mut Vec<u8>, extra: &Extra, key: &str, value: impl FnOnce(&mut Vec<u8>)) {
    push_key(out, key, false);
    match extra.get(key) {
        Some(v) if item_extra(key) => push_raw_extra(out, v),
        _ => value(out),
    }
}

/// The remaining extras that go into `item` (those not in `written`), after its fields; returns
/// the keys that have no place there.
fn push_extras<'a>(out: &mut Vec<u8>, extra: &'a Extra, written: &[&str]) -> Vec<&'a str> {
    let mut dropped = Vec::new();
    for (k, v) in extra {
        if !item_extra(k) {
            dropped.push(k.as_str());
        } else if !written.contains(&k.as_str()) {
            push_key(out, k, false);
            push_raw_extra(out, v);
        }
    }
    dropped
}

impl BifitJsonWriter {
    /// Starts an entry in the buffer: the separator before it and `{"item":{`.
    fn begin_entry(&mut self) {
        self.text.clear();
        let sep: &[u8] = match (self.opts.jsonl, self.first) {
            (true, _) => b"",
            (false, true) => b"[\n",
            (false, false) => b",\n",
        };
        self.first = false;
        self.text.extend_from_slice(sep);
        self.text.extend_from_slice(b"{\"item\":{");
    }

    /// Ends the entry (`}` of the entry, a line end in JSON Lines) and writes it.
    fn end_entry(&mut self) -> Result<()> {
        self.text.push(b'}');
        if self.opts.jsonl {
            self.text.push(b'\n');
        }
        self.out.write_all(&self.text).map_err(Error::output)
    }

    fn parent_link<'a>(
        &self,
        parent: &'a Option<String>,
        subject: impl Fn() -> Message,
        diag: &mut Diagnostics,
    ) -> Result<Option<&'a str>> {
        match parent {
            Some(code) if self.opts.bifit_groups == BifitGroups::None => {
                diag.warn_with(WarningKind::GroupLinkDropped, || {
                    Warning::new(
                        WarningKind::GroupLinkDropped,
                        crate::msg!("bifit-folder-link-dropped", subject = subject(), folder = code.as_str()),
                    )
                })?;
                Ok(None)
            }
            Some(code) => Ok(Some(code)),
            None => Ok(None),
        }
    }

    fn write_group(&mut self, g: Group, diag: &mut Diagnostics) -> Result<()> {
        if self.opts.bifit_groups == BifitGroups::None {
            return Ok(());
        }
        let parent =
            self.parent_link(&g.parent, || crate::msg!("bifit-subject-folder", code = g.code.as_str()), diag)?;
        self.begin_entry();
        let out = &mut self.text;
        push_key(out, "externalId", true);
        push_string(out, &g.code);
        push_key(out, "externalCode", false);
        push_string(out, &g.code);
        push_key(out, "name", false);
        push_string(out, &g.name);
        push_key(out, "grouped", false);
        out.extend_from_slice(b"true");
        push_field(out, &g.extra, "visible", |out| out.extend_from_slice(b"true"));
        push_key(out, "parentId", false);
        out.extend_from_slice(b"null");
        // A folder's extras go where a product's do: into `item` when Bifit has the field, else warned.
        let dropped = push_extras(out, &g.extra, &["visible"]);
        out.push(b'}');
        push_key(out, "parentExternalId", false);
        match parent {
            Some(parent) => push_string(out, parent),
            None => out.extend_from_slice(b"null"),
        }
        if !dropped.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    crate::msg!(
                        "bifit-folder-cannot-hold",
                        code = g.code.as_str(),
                        format = NAME,
                        fields = dropped.join(", ")
                    ),
                )
            })?;
        }
        self.end_entry()
    }

    fn write_product(&mut self, p: Product, diag: &mut Diagnostics) -> Result<()> {
        let mut lost: Vec<Message> = Vec::new();
        let prices = price_fields(
            &p,
            self.opts.price_type.as_deref(),
            self.opts.purchase_price_type.as_deref(),
            "sellingPrice",
            diag,
        )?;
        let selling = prices.selling.and_then(|pr| pr.amount);
        let purchase = prices.purchase.and_then(|pr| pr.amount);
        if !prices.unwritten.is_empty() {
            lost.push(crate::msg!("bifit-lost-price-types", types = list_types(&prices.unwritten)));
        }
        let (vat_id, vat_value) = match p.vat {
            None => (None, None),
            Some(v) => match vat_fields(v) {
                Some((id, value)) => (id, Some(value)),
                None => {
                    lost.push(crate::msg!("bifit-lost-vat", vat = v.as_russian()));
                    (None, None)
                }
            },
        };
        self.begin_entry();
        let out = &mut self.text;
        let optional = |out: &mut Vec<u8>, text: Option<&str>| match text {
            Some(text) => push_string(out, text),
            None => out.extend_from_slice(b"null"),
        };
        let number = |out: &mut Vec<u8>, n: Option<u32>| match n {
            Some(n) => out.extend_from_slice(n.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        };
        push_key(out, "externalId", true);
        push_string(out, &p.code);
        push_key(out, "externalCode", false);
        push_string(out, &p.code);
        push_key(out, "name", false);
        push_string(out, &p.name);
        push_key(out, "barcode", false);
        optional(out, p.barcodes.first().map(String::as_str));
        push_key(out, "barcodes", false);
        out.push(b'[');
        for (i, b) in p.barcodes.iter().skip(1).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_string(out, b);
        }
        out.push(b']');
        push_key(out, "vendorCode", false);
        optional(out, p.article.as_deref());
        push_key(out, "vatId", false);
        number(out, vat_id);
        push_key(out, "vatValue", false);
        number(out, vat_value);
        push_key(out, "unitCode", false);
        match &p.unit {
            // ОКЕИ codes are numbers in the API (796); a code with a leading zero stays text.
            Some(u) if u.code.parse::<u32>().is_ok() && !u.code.starts_with('0') => push_raw_extra(out, &u.code),
            Some(u) => push_string(out, &u.code),
            None => out.extend_from_slice(b"null"),
        }
        push_key(out, "sellingPrice", false);
        push_decimal(out, selling);
        push_key(out, "purchasePrice", false);
        push_decimal(out, purchase);
        push_key(out, "weighted", false);
        out.extend_from_slice(if p.weighted { b"true" } else { b"false" });
        push_key(out, "grouped", false);
        out.extend_from_slice(b"false");
        push_key(out, "paymentSubject", false);
        push_string(out, if p.service { "SERVICE" } else { "PRODUCT" });
        push_field(out, &p.extra, "markType", |out| push_string(out, "UNKNOWN"));
        push_key(out, "parentId", false);
        out.extend_from_slice(b"null");
        push_field(out, &p.extra, "visible", |out| out.extend_from_slice(if p.deleted { b"false" } else { b"true" }));
        let dropped = push_extras(out, &p.extra, &["markType", "visible"]);
        out.push(b'}');
        if !dropped.is_empty() {
            lost.push(crate::msg!("bifit-lost-fields", fields = dropped.join(", ")));
        }
        if p.comment.is_some() {
            lost.push(crate::msg!("bifit-lost-comment"));
        }
        if let Some(lost) = crate::formats::join_messages(lost, true) {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    crate::msg!("bifit-product-cannot-hold", code = p.code.as_str(), format = NAME, lost = lost),
                )
            })?;
        }
        if let Some(parent) =
            self.parent_link(&p.parent, || crate::msg!("bifit-subject-product", code = p.code.as_str()), diag)?
        {
            push_key(&mut self.text, "parentExternalId", false);
            push_string(&mut self.text, parent);
        }
        self.end_entry()
    }
}

impl CatalogWriter for BifitJsonWriter {
    fn start(&mut self, _: &Header, _: &mut Diagnostics) -> Result<()> {
        Ok(())
    }

    fn group(&mut self, g: Group, diag: &mut Diagnostics) -> Result<()> {
        self.write_group(g, diag)
    }

    fn product(&mut self, p: Product, diag: &mut Diagnostics) -> Result<()> {
        self.write_product(p, diag)
    }

    /// `visible: false`: Bifit's item stays, hidden (the reference marks this soft delete INFERRED);
    /// the reader reads it back as deleted, so nothing is lost.
    fn deleted(&mut self, p: Product, diag: &mut Diagnostics) -> Result<()> {
        self.write_product(p, diag)
    }

    fn end(&mut self, _: &mut Diagnostics) -> Result<()> {
        let close: &[u8] = match (self.opts.jsonl, self.first) {
            (true, _) => b"",
            (false, true) => b"[]\n",
            (false, false) => b"\n]\n",
        };
        self.out.write_all(close).map_err(Error::output)?;
        self.out.flush().map_err(Error::output)
    }
}
