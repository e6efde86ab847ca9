//! `bifit-json`: БИФИТ Касса goods as the API takes them, one `{"item": {…}}` per product
//! (`POST /protected/nomenclatures`, the per-item path that works on the free tariff). Written as
//! a JSON array or JSON Lines (`--jsonl`); read from either, or from the API's own answers.
//!
//! Folders are `grouped: true` items. An item's folder is named by `parentExternalId` beside
//! `item` (the folder's external id): Bifit's own `parentId` is a number only Bifit knows, so the
//! uploader resolves it. VAT: only `vatId` 5 = 20 % is documented; other rates are written as
//! `vatValue` alone (INFERRED).

use std::collections::HashMap;
use std::io::Write;

use indexmap::IndexMap;

use serde_json::json;
use serde_json::value::RawValue;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::bifit_csv::{normalize_okei, PURCHASE_PRICE_TYPE};
use crate::formats::json_objects::{for_each_object, raw, raw_decimal, raw_extra, Fields, RawObject};
use crate::model::{DataKind, Group, Header, Price, Product, Record, Unit, Vat};
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

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let name = input.name.clone();
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some(NAME.into());
    sink.begin(&header, diag)?;
    // Bifit's numeric id of each folder → its code, to resolve `parentId`.
    let mut folder_codes: HashMap<String, String> = HashMap::new();
    for_each_object(input, forced, &opts.limits, |object, number| {
        let (item, outer): (RawObject, Option<RawObject>) = match object.get("item") {
            Some(raw) => {
                let item: RawObject = serde_json::from_str(raw.get()).map_err(|_| {
                    Error::bad_value(
                        Fields { object: &object, name: &name, number, prefix: "" }.pos("item"),
                        raw.get(),
                        "a JSON object",
                    )
                })?;
                (item, Some(object))
            }
            None => (object, None),
        };
        let f = Fields { object: &item, name: &name, number, prefix: if outer.is_some() { "item." } else { "" } };
        let code = ["externalCode", "externalId", "id"]
            .iter()
            .find_map(|k| f.text(k).transpose())
            .transpose()?
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| {
                Error::bad_value(f.pos("externalCode"), "", "the item's code in externalCode, externalId or id")
            })?;
        let code = crate::formats::fields::code(&code, || f.pos("externalCode"))?;
        let parent =
            match outer.as_ref().and_then(|o| o.get("parentExternalId")).map(|v| v.get()).filter(|v| *v != "null") {
                Some(raw) => Some(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string())),
                None => f.text("parentId")?.map(|id| folder_codes.get(&id).cloned().unwrap_or(id)),
            };
        let name_text = f.text("name")?.unwrap_or_default();
        if f.bool("grouped")? == Some(true) {
            if let Some(id) = f.text("id")? {
                folder_codes.insert(id, code.clone());
            }
            let extra = f.extras(&[&MAPPED[..], &["id", "visible", "markType"]].concat());
            return sink.record(Record::Group(Group { code, name: name_text, parent, extra }), diag);
        }
        let mut p = Product::new(code, name_text);
        p.parent = parent;
        if let Some(b) = f.text("barcode")? {
            p.barcodes.push(crate::formats::fields::code(&b, || f.pos("barcode"))?);
        }
        if let Some(raw) = item.get("barcodes").map(|v| v.get()).filter(|v| *v != "null") {
            let list: Vec<String> = serde_json::from_str(raw)
                .map_err(|_| Error::bad_value(f.pos("barcodes"), raw, "an array of strings"))?;
            for b in list {
                let b = crate::formats::fields::code(&b, || f.pos("barcodes"))?;
                if !p.barcodes.contains(&b) {
                    p.barcodes.push(b);
                }
            }
        }
        p.article = f.text("vendorCode")?.filter(|a| !a.is_empty());
        if let Some(value) = f.text("vatValue")? {
            p.vat =
                Some(value.parse().map_err(|_| Error::bad_value(f.pos("vatValue"), &value, crate::vat::VAT_EXPECTED))?);
        }
        if let Some(unit) = f.text("unitCode")? {
            p.unit = Some({
                let code = normalize_okei(&unit);
                let name = crate::okei::unit_name(&code).unwrap_or_default().to_string();
                Unit { code, name }
            });
        }
        if let Some(amount) = f.decimal("sellingPrice")? {
            p.prices.push(Price {
                price_type: DEFAULT_PRICE_TYPE.into(),
                amount: Some(amount),
                code: None,
                includes_vat: None,
            });
        }
        if let Some(amount) = f.decimal("purchasePrice")? {
            p.prices.push(Price {
                price_type: PURCHASE_PRICE_TYPE.into(),
                amount: Some(amount),
                code: None,
                includes_vat: None,
            });
        }
        p.weighted = f.bool("weighted")?.unwrap_or(false);
        p.service = f.text("paymentSubject")?.is_some_and(|s| s == "SERVICE");
        let mut extra = f.extras(&MAPPED);
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
        if let Some(subject) = f.text("paymentSubject")?.filter(|s| s != "SERVICE" && s != "PRODUCT") {
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
    Ok(Box::new(GroupedCatalog::new(NAME, BifitJsonWriter { out, opts: opts.clone(), first: true })))
}

struct BifitJsonWriter {
    out: Box<dyn Write>,
    opts: WriteOptions,
    first: bool,
}

fn io(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

impl BifitJsonWriter {
    fn emit(&mut self, entry: &impl serde::Serialize) -> Result<()> {
        let text = serde_json::to_string(&entry).map_err(|e| Error::usage(e.to_string()))?;
        let sep = match (self.opts.jsonl, self.first) {
            (true, _) => "",
            (false, true) => "[\n",
            (false, false) => ",\n",
        };
        self.first = false;
        self.out.write_all(sep.as_bytes()).map_err(io)?;
        self.out.write_all(text.as_bytes()).map_err(io)?;
        if self.opts.jsonl {
            self.out.write_all(b"\n").map_err(io)?;
        }
        Ok(())
    }

    fn parent_link(&self, parent: &Option<String>, subject: &str, diag: &mut Diagnostics) -> Result<Option<String>> {
        match parent {
            Some(code) if self.opts.bifit_groups == BifitGroups::None => {
                diag.warn(Warning::new(
                    WarningKind::GroupLinkDropped,
                    format!("{subject}: its folder {code} is not written (--bifit-groups none: the per-item API cannot create folders on the free tariff)"),
                ))?;
                Ok(None)
            }
            Some(code) => Ok(Some(code.clone())),
            None => Ok(None),
        }
    }

    fn write_group(&mut self, g: Group, diag: &mut Diagnostics) -> Result<()> {
        if self.opts.bifit_groups == BifitGroups::None {
            return Ok(());
        }
        let parent = self.parent_link(&g.parent, &format!("folder {}", g.code), diag)?;
        let mut item: IndexMap<String, Box<RawValue>> = IndexMap::new();
        item.insert("externalId".into(), raw(&g.code));
        item.insert("externalCode".into(), raw(&g.code));
        item.insert("name".into(), raw(&g.name));
        item.insert("grouped".into(), raw(true));
        item.insert("visible".into(), raw(true));
        item.insert("parentId".into(), raw(()));
        // A folder's extras go where a product's do: into `item` when Bifit has the field, else warned.
        let mut dropped = Vec::new();
        for (k, v) in &g.extra {
            if ITEM_FIELDS.contains(&k.as_str()) && !MAPPED.contains(&k.as_str()) {
                item.insert(k.clone(), raw_extra(v));
            } else {
                dropped.push(k.as_str());
            }
        }
        if !dropped.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    format!("folder {}: {NAME} cannot hold fields {}; not written", g.code, dropped.join(", ")),
                )
            })?;
        }
        let mut entry: IndexMap<String, Box<RawValue>> = IndexMap::new();
        entry.insert("item".into(), raw(&item));
        entry.insert("parentExternalId".into(), raw(parent));
        self.emit(&entry)
    }

    fn write_product(&mut self, p: Product, diag: &mut Diagnostics) -> Result<()> {
        let mut lost: Vec<String> = Vec::new();
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
            lost.push(format!("price types {}", list_types(&prices.unwritten)));
        }
        let (vat_id, vat_value) = match p.vat {
            None => (None, None),
            Some(v) => match vat_fields(v) {
                Some((id, value)) => (id, Some(value)),
                None => {
                    lost.push(format!("VAT {} (no documented vatValue)", v.as_russian()));
                    (None, None)
                }
            },
        };
        // ОКЕИ codes are numbers in the API (796); a code with a leading zero stays text.
        let unit_code = p.unit.as_ref().map(|u| match u.code.parse::<u32>() {
            Ok(_) if !u.code.starts_with('0') => raw_extra(&u.code),
            _ => raw(&u.code),
        });
        let mut item: IndexMap<String, Box<RawValue>> = IndexMap::new();
        item.insert("externalId".into(), raw(&p.code));
        item.insert("externalCode".into(), raw(&p.code));
        item.insert("name".into(), raw(&p.name));
        item.insert("barcode".into(), raw(p.barcodes.first()));
        item.insert("barcodes".into(), raw(p.barcodes.get(1..).unwrap_or_default()));
        item.insert("vendorCode".into(), raw(&p.article));
        item.insert("vatId".into(), raw(vat_id));
        item.insert("vatValue".into(), raw(vat_value));
        item.insert("unitCode".into(), unit_code.unwrap_or_else(|| raw(())));
        item.insert("sellingPrice".into(), raw_decimal(selling));
        item.insert("purchasePrice".into(), raw_decimal(purchase));
        item.insert("weighted".into(), raw(p.weighted));
        item.insert("grouped".into(), raw(false));
        item.insert("paymentSubject".into(), raw(if p.service { "SERVICE" } else { "PRODUCT" }));
        item.insert("markType".into(), raw("UNKNOWN"));
        item.insert("parentId".into(), raw(()));
        item.insert("visible".into(), raw(!p.deleted));
        let mut dropped = Vec::new();
        for (k, v) in &p.extra {
            if ITEM_FIELDS.contains(&k.as_str()) && !MAPPED.contains(&k.as_str()) {
                item.insert(k.clone(), raw_extra(v));
            } else {
                dropped.push(k.as_str());
            }
        }
        if !dropped.is_empty() {
            lost.push(format!("fields {}", dropped.join(", ")));
        }
        if p.comment.is_some() {
            lost.push("the comment".into());
        }
        if !lost.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    format!("product {}: {NAME} cannot hold {}; not written", p.code, lost.join("; ")),
                )
            })?;
        }
        let parent = self.parent_link(&p.parent, &format!("product {}", p.code), diag)?;
        let mut entry: IndexMap<String, Box<RawValue>> = IndexMap::new();
        entry.insert("item".into(), raw(&item));
        if let Some(parent) = parent {
            entry.insert("parentExternalId".into(), raw(parent));
        }
        self.emit(&entry)
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
        self.out.write_all(close).map_err(io)?;
        self.out.flush().map_err(io)
    }
}
