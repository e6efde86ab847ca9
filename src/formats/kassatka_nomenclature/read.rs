//! Reads Кассатка `ProductsGroups` nomenclature in both layouts (see the module docs).

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::fields;
use crate::formats::xml::{Attrs, XmlEvent, XmlSource};
use crate::model::{DataKind, Group, Header, Price, Product, Record, Unit};
use crate::msg;
use crate::options::{KassatkaDialect, ReadOptions};
use crate::sink::RecordSink;
use crate::text::RawInput;

use super::{ROOT, ROOT_GROUP_CODE};

/// Root attributes that belong to the 1C layout and are kept in the header's `extra`.
pub const ONE_C_ROOT_ATTRIBUTES: [&str; 3] = ["DropNomenclature", "CNO", "BalanceControl"];

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let mut xml = XmlSource::open(input, forced, &opts.limits)?;
    KassatkaNomenclatureReader {
        xml: &mut xml,
        sink,
        diag,
        pending: None,
        groups_seen: HashSet::new(),
        header: None,
        layout: None,
        held_groups: Vec::new(),
    }
    .run()
}

struct KassatkaNomenclatureReader<'a> {
    xml: &'a mut XmlSource,
    sink: &'a mut dyn RecordSink,
    diag: &'a mut Diagnostics,
    /// The last product read: the API layout repeats a product once per price type, so rows with
    /// the same code that follow each other are merged into one product with several prices.
    pending: Option<Product>,
    /// A writer may split one group over two `ProductGroup` elements; emit the group once.
    groups_seen: HashSet<String>,
    /// The header until it is passed on: it names the layout, which the first product shows.
    header: Option<Header>,
    layout: Option<KassatkaDialect>,
    /// Groups read before the first product, passed on with the header.
    held_groups: Vec<Group>,
}

/// Parses `13.04.2018` and the 1C 7.7 short form `01.01.24`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%d.%m.%Y")
        .ok()
        .filter(|d| d.format("%Y").to_string().len() == 4 && raw.len() >= 10)
        .or_else(|| NaiveDate::parse_from_str(raw, "%d.%m.%y").ok())
}

impl KassatkaNomenclatureReader<'_> {
    fn run(mut self) -> Result<()> {
        let mut header = Header::new(DataKind::Catalog);
        header.source_format = Some(super::NAME.to_string());
        let root_empty = loop {
            match self.xml.next_event()? {
                XmlEvent::Start { name, mut attrs, empty } if name == ROOT => {
                    if let Some(date) = attrs.take("Date") {
                        match parse_date(&date) {
                            Some(d) => header.export_date = Some(d),
                            None if date.trim().is_empty() => {}
                            None => {
                                self.diag.warn(
                                    Warning::new(
                                        WarningKind::ValueKeptAsText,
                                        msg!("kassatka-date-bad", value = format!("{date:?}")),
                                    )
                                    .at(attrs.pos_of("Date")),
                                )?;
                                header.extra.insert("Date".into(), date);
                            }
                        }
                    }
                    header.extra.extend(attrs.into_extra());
                    // Only 1C processings write these; the products' placement decides first.
                    if ONE_C_ROOT_ATTRIBUTES.iter().any(|a| header.extra.contains_key(*a)) {
                        header.source_layout = Some(KassatkaDialect::OneC.layout_name().into());
                    }
                    break empty;
                }
                XmlEvent::Start { name, .. } => {
                    return Err(Error::syntax(
                        self.xml.pos(),
                        msg!("kassatka-wrong-root", name = name.as_str(), root = ROOT),
                    ))
                }
                XmlEvent::Text(_) => continue,
                XmlEvent::End { .. } | XmlEvent::Eof => {
                    return Err(Error::syntax(self.xml.pos(), msg!("kassatka-no-root", root = ROOT)))
                }
            }
        };
        self.header = Some(header);
        if !root_empty {
            self.read_root_children()?;
        }
        self.flush_pending()?;
        self.begin()?;
        self.sink.finish(self.diag)
    }

    /// Notes the layout the first product is written in: inside a `Products` wrapper (API) or
    /// straight under its `ProductGroup` (1C).
    fn note_layout(&mut self, layout: KassatkaDialect) {
        self.layout.get_or_insert(layout);
    }

    /// Passes the header (with the layout) and the groups held for it on, once.
    fn begin(&mut self) -> Result<()> {
        let Some(mut header) = self.header.take() else { return Ok(()) };
        if let Some(layout) = self.layout {
            header.source_layout = Some(layout.layout_name().into());
        }
        self.sink.begin(&header, self.diag)?;
        for group in std::mem::take(&mut self.held_groups) {
            self.sink.record(Record::Group(group), self.diag)?;
        }
        Ok(())
    }

    /// Passes a record on; groups before the first product wait with the header (a few records:
    /// the groups a file lists before its first goods).
    fn emit(&mut self, record: Record) -> Result<()> {
        if self.header.is_some() {
            match record {
                Record::Group(group) if self.layout.is_none() => {
                    self.held_groups.push(group);
                    return Ok(());
                }
                _ => self.begin()?,
            }
        }
        self.sink.record(record, self.diag)
    }

    fn read_root_children(&mut self) -> Result<()> {
        loop {
            match self.xml.next_event()? {
                XmlEvent::Start { name, attrs, empty } => match name.as_str() {
                    "ProductGroup" => self.read_group(attrs, empty)?,
                    // Tolerated: products straight under the root, and a `Products` wrapper there.
                    "Product" => {
                        self.note_layout(KassatkaDialect::OneC);
                        self.read_product(attrs, empty, None)?
                    }
                    "Products" if !empty => self.read_products(None)?,
                    _ => self.unknown_element(&name, empty, ROOT)?,
                },
                XmlEvent::End { .. } => return Ok(()),
                XmlEvent::Text(t) => self.stray_text(&t, ROOT)?,
                XmlEvent::Eof => return Err(self.xml.truncated(ROOT)),
            }
        }
    }

    fn read_group(&mut self, mut attrs: Attrs, empty: bool) -> Result<()> {
        let code =
            fields::code(&attrs.require("Code", msg!("kassatka-expected-group-code"))?, || attrs.pos_of("Code"))?;
        let name = attrs.take("Name").unwrap_or_default();
        let parent =
            attrs.take("ParentCode").map(|p| p.trim().to_string()).filter(|p| !p.is_empty() && p != ROOT_GROUP_CODE);
        // `Code="none"` is the API layout's pseudo-group for products outside any group.
        let group_code = (code != ROOT_GROUP_CODE).then(|| code.clone());
        if let Some(code) = &group_code {
            self.flush_pending()?;
            if self.groups_seen.insert(code.clone()) {
                let group = Group { code: code.clone(), name, parent, extra: attrs.into_extra() };
                self.emit(Record::Group(group))?;
            }
        }
        if empty {
            return Ok(());
        }
        loop {
            match self.xml.next_event()? {
                XmlEvent::Start { name, attrs, empty } => match name.as_str() {
                    "Products" if !empty => self.read_products(group_code.as_deref())?,
                    "Products" => {}
                    "Product" => {
                        self.note_layout(KassatkaDialect::OneC);
                        self.read_product(attrs, empty, group_code.as_deref())?
                    }
                    _ => self.unknown_element(&name, empty, "ProductGroup")?,
                },
                XmlEvent::End { .. } => return Ok(()),
                XmlEvent::Text(t) => self.stray_text(&t, "ProductGroup")?,
                XmlEvent::Eof => return Err(self.xml.truncated("ProductGroup")),
            }
        }
    }

    fn read_products(&mut self, group: Option<&str>) -> Result<()> {
        loop {
            match self.xml.next_event()? {
                XmlEvent::Start { name, attrs, empty } if name == "Product" => {
                    self.note_layout(KassatkaDialect::Api);
                    self.read_product(attrs, empty, group)?
                }
                XmlEvent::Start { name, empty, .. } => self.unknown_element(&name, empty, "Products")?,
                XmlEvent::End { .. } => return Ok(()),
                XmlEvent::Text(t) => self.stray_text(&t, "Products")?,
                XmlEvent::Eof => return Err(self.xml.truncated("Products")),
            }
        }
    }

    fn read_product(&mut self, mut attrs: Attrs, empty: bool, group: Option<&str>) -> Result<()> {
        let code =
            fields::code(&attrs.require("Code", msg!("kassatka-expected-product-code"))?, || attrs.pos_of("Code"))?;
        let mut product = Product::new(code, attrs.require("Name", msg!("kassatka-expected-product-name"))?);
        if let Some(barcodes) = attrs.take("Barcode") {
            for b in barcodes.split(',').filter(|b| !b.trim().is_empty()) {
                product.barcodes.push(fields::code(b, || attrs.pos_of("Barcode"))?);
            }
        }
        // An explicit ParentCode wins; without one the enclosing group is the parent.
        product.parent = match attrs.take("ParentCode").map(|p| p.trim().to_string()) {
            Some(p) if !p.is_empty() && p != ROOT_GROUP_CODE => Some(p),
            _ => group.map(str::to_string),
        };
        let unit_code = attrs.take("UnitCode").unwrap_or_default().trim().to_string();
        let unit_name = attrs.take("UnitName").unwrap_or_default();
        if !unit_code.is_empty() || !unit_name.is_empty() {
            product.unit = Some(Unit { code: unit_code, name: unit_name });
        }
        product.article = fields::optional_text(attrs.take("Article"));
        product.comment = fields::optional_text(attrs.take("Comment"));
        let price_raw = attrs.take("Price").unwrap_or_default();
        let price_attr = fields::decimal(&price_raw, || attrs.pos_of("Price"))?;
        let price_type = attrs.take("PriceType").unwrap_or_default();
        product.extra = attrs.into_extra();

        let mut has_price_list = false;
        if !empty {
            loop {
                match self.xml.next_event()? {
                    XmlEvent::Start { name, attrs, empty } => match name.as_str() {
                        "Prices" => {
                            has_price_list = true;
                            if !empty {
                                self.read_price_list(&mut product)?;
                            }
                        }
                        "Barcodes" if !empty => self.read_barcode_list(&mut product)?,
                        "Barcodes" => {}
                        _ => {
                            drop(attrs);
                            self.unknown_element(&name, empty, "Product")?
                        }
                    },
                    XmlEvent::End { .. } => break,
                    XmlEvent::Text(t) => self.stray_text(&t, "Product")?,
                    XmlEvent::Eof => return Err(self.xml.truncated("Product")),
                }
            }
        }
        if has_price_list {
            // In the 1C layout `Product@Price` repeats one of the listed prices; keep it only if it
            // says something the list does not.
            if let Some(amount) = price_attr {
                if !product.prices.iter().any(|p| p.amount == Some(amount)) {
                    product.extra.insert("Price".into(), amount.to_string());
                }
            }
        } else if price_attr.is_some() || !price_type.trim().is_empty() {
            product.prices.push(Price { price_type, amount: price_attr, code: None, includes_vat: None });
        }
        self.push_product(product)
    }

    fn read_price_list(&mut self, product: &mut Product) -> Result<()> {
        loop {
            match self.xml.next_event()? {
                XmlEvent::Start { name, mut attrs, empty } if name == "Price" => {
                    let amount = fields::decimal(&attrs.take("Price").unwrap_or_default(), || attrs.pos_of("Price"))?;
                    let vat = fields::vat(&attrs.take("VAT").unwrap_or_default(), || attrs.pos_of("VAT"))?;
                    let includes_vat =
                        fields::yes_no(&attrs.take("IncludesVAT").unwrap_or_default(), || attrs.pos_of("IncludesVAT"))?;
                    let price = Price {
                        price_type: attrs.take("PriceType").unwrap_or_default(),
                        amount,
                        code: fields::optional_text(attrs.take("PriceCode")),
                        includes_vat,
                    };
                    if let Some(vat) = vat {
                        match product.vat {
                            None => product.vat = Some(vat),
                            Some(existing) if existing != vat => self.diag.warn(
                                Warning::new(
                                    WarningKind::ValueDropped,
                                    msg!(
                                        "kassatka-vat-conflict",
                                        code = &product.code,
                                        price_type = format!("{:?}", price.price_type),
                                        vat = vat.to_string(),
                                        existing = existing.to_string()
                                    ),
                                )
                                .at(attrs.pos_of("VAT")),
                            )?,
                            Some(_) => {}
                        }
                    }
                    self.leftover_attributes(attrs, &product.code)?;
                    product.prices.push(price);
                    if !empty {
                        self.skip_children("Price")?;
                    }
                }
                XmlEvent::Start { name, empty, .. } => self.unknown_element(&name, empty, "Prices")?,
                XmlEvent::End { .. } => return Ok(()),
                XmlEvent::Text(t) => self.stray_text(&t, "Prices")?,
                XmlEvent::Eof => return Err(self.xml.truncated("Prices")),
            }
        }
    }

    fn read_barcode_list(&mut self, product: &mut Product) -> Result<()> {
        loop {
            match self.xml.next_event()? {
                XmlEvent::Start { name, mut attrs, empty } if name == "Barcode" => {
                    let raw = attrs.take("Barcode").unwrap_or_default();
                    if !raw.trim().is_empty() {
                        let barcode = fields::code(&raw, || attrs.pos_of("Barcode"))?;
                        if !product.barcodes.contains(&barcode) {
                            product.barcodes.push(barcode);
                        }
                    }
                    self.leftover_attributes(attrs, &product.code)?;
                    if !empty {
                        self.skip_children("Barcode")?;
                    }
                }
                XmlEvent::Start { name, empty, .. } => self.unknown_element(&name, empty, "Barcodes")?,
                XmlEvent::End { .. } => return Ok(()),
                XmlEvent::Text(t) => self.stray_text(&t, "Barcodes")?,
                XmlEvent::Eof => return Err(self.xml.truncated("Barcodes")),
            }
        }
    }

    fn push_product(&mut self, product: Product) -> Result<()> {
        if let Some(pending) = &mut self.pending {
            let same = pending.code == product.code && pending.name == product.name && pending.parent == product.parent;
            // A row that leaves out a value another row of the same product gives (a missing
            // `UnitName` or `Barcode`) is the same product: the value is empty, not different.
            if same && units_compatible(pending.unit.as_ref(), product.unit.as_ref()) {
                let conflicts = merge_rows(pending, product);
                for (field, kept, dropped) in conflicts {
                    self.diag.warn_with(WarningKind::ValueDropped, || {
                        Warning::new(
                            WarningKind::ValueDropped,
                            msg!(
                                "kassatka-rows-disagree",
                                code = &pending.code,
                                field = &field,
                                kept = format!("{kept:?}"),
                                dropped = format!("{dropped:?}")
                            ),
                        )
                    })?;
                }
                return Ok(());
            }
        }
        self.flush_pending()?;
        self.pending = Some(product);
        Ok(())
    }

    fn flush_pending(&mut self) -> Result<()> {
        match self.pending.take() {
            Some(p) => self.emit(Record::Product(p)),
            None => Ok(()),
        }
    }

    fn unknown_element(&mut self, name: &str, empty: bool, parent: &str) -> Result<()> {
        let pos = self.xml.pos();
        if !empty {
            self.xml.read_unknown(name)?;
        }
        self.diag.warn(
            Warning::new(WarningKind::ElementSkipped, msg!("kassatka-unknown-element", name = name, parent = parent))
                .at(pos),
        )
    }

    fn leftover_attributes(&mut self, attrs: Attrs, product: &str) -> Result<()> {
        if attrs.is_empty() {
            return Ok(());
        }
        let pos = attrs.position();
        let names: Vec<String> = attrs.into_extra().into_keys().collect();
        self.diag.warn(
            Warning::new(
                WarningKind::AttributeSkipped,
                msg!("kassatka-unknown-attributes", code = product, names = names.join(", ")),
            )
            .at(pos),
        )
    }

    fn skip_children(&mut self, element: &str) -> Result<()> {
        self.xml.read_unknown(element).map(|_| ())
    }

    fn stray_text(&mut self, text: &str, parent: &str) -> Result<()> {
        self.diag.warn(
            Warning::new(
                WarningKind::TextSkipped,
                msg!("kassatka-stray-text", text = format!("{:?}", truncate(text, 40)), parent = parent),
            )
            .at(self.xml.pos()),
        )
    }
}

/// Two rows' units belong to one product when no part of them disagrees (an empty part agrees
/// with anything).
fn units_compatible(a: Option<&Unit>, b: Option<&Unit>) -> bool {
    let part = |x: &str, y: &str| x.is_empty() || y.is_empty() || x == y;
    match (a, b) {
        (Some(a), Some(b)) => part(&a.code, &b.code) && part(&a.name, &b.name),
        _ => true,
    }
}

/// Merges another row of the same product (API layout: one row per price type) into `into`:
/// prices and barcodes are added, values the first row lacks are filled in. Returns the values
/// that disagree and were not kept: (field, kept, dropped).
fn merge_rows(into: &mut Product, row: Product) -> Vec<(String, String, String)> {
    let mut conflicts = Vec::new();
    into.prices.extend(row.prices);
    for b in row.barcodes {
        if !into.barcodes.contains(&b) {
            into.barcodes.push(b);
        }
    }
    match (&mut into.unit, row.unit) {
        (Some(unit), Some(other)) => {
            if unit.code.is_empty() {
                unit.code = other.code;
            }
            if unit.name.is_empty() {
                unit.name = other.name;
            }
        }
        (unit @ None, other) => *unit = other,
        (Some(_), None) => {}
    }
    for (field, mine, theirs) in
        [("Article", &mut into.article, row.article), ("Comment", &mut into.comment, row.comment)]
    {
        match (mine.as_ref(), theirs) {
            (None, theirs) => *mine = theirs,
            (Some(a), Some(b)) if *a != b => conflicts.push((field.to_string(), a.clone(), b)),
            _ => {}
        }
    }
    for (key, value) in row.extra {
        match into.extra.get(&key) {
            None => {
                into.extra.insert(key, value);
            }
            Some(kept) if *kept != value => conflicts.push((key, kept.clone(), value)),
            Some(_) => {}
        }
    }
    conflicts
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
