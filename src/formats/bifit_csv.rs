//! `bifit-csv`: the БИФИТ Касса goods import file (`POST /protected/exchange/csv/upload`, the
//! batch "API-CSV" path that also carries folders). Reference `bifit.md` §4.1: 28 columns, `;`,
//! CRLF, decimal point, Windows-1251 by default.
//!
//! INFERRED (the reference found no documentation): `GROUPED` = 1 marks a folder row, `GROUP`
//! names a product's folder, `NDS` holds the rate as people write it (`20`, `10/110`, `без НДС`),
//! `PAYMENT_SUBJECT` 1 = goods and 4 = service. Folders are configurable (`--bifit-groups`,
//! `--bifit-group-ref`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::csv_row::CsvRow;
use crate::formats::csv_text::CsvSource;
use crate::formats::fields;
use crate::model::{DataKind, Group, Header, Price, Product, Record, Unit};
use crate::number::format_decimal;
use crate::options::{BifitGroupRef, BifitGroups, ReadOptions, WriteOptions};
use crate::output::EncodedText;
use crate::price_choice::{list_types, price_fields, DEFAULT_PRICE_TYPE};
use crate::sink::{CatalogWriter, GroupedCatalog, RecordSink};
use crate::text::RawInput;

pub const NAME: &str = "bifit-csv";

/// The header row, in the order of Bifit's own template (`COUNTY_CODE` is spelled so there).
pub const COLUMNS: [&str; 28] = [
    "ID",
    "EXTERNAL_CODE",
    "EXTERNAL_ID",
    "NAME",
    "FEATURES",
    "PRICE",
    "BARCODE",
    "VENDOR_CODE",
    "NDS",
    "PAYMENT_SUBJECT",
    "GROUP",
    "UNIT_CODE",
    "PURCHASE_PRICE",
    "WEIGHTED",
    "ALCOHOL",
    "GTIN",
    "MARK_TYPE",
    "GROUPED",
    "CONTAINER",
    "MODIFIERS",
    "INGREDIENTS",
    "GOOD_TYPE",
    "CONTRACTOR_INN",
    "CONTRACTOR_ACTIVITY_TYPE",
    "COUNTY_CODE",
    "CUSTOM_DECLARATION",
    "PLU_CODE",
    "ORG_MEMBER_POINTS",
];

/// Columns the model maps; every other column travels in `extra` under its own name.
const MAPPED: [&str; 13] = [
    "EXTERNAL_CODE",
    "NAME",
    "PRICE",
    "BARCODE",
    "VENDOR_CODE",
    "NDS",
    "PAYMENT_SUBJECT",
    "GROUP",
    "UNIT_CODE",
    "PURCHASE_PRICE",
    "WEIGHTED",
    "GROUPED",
    "GOOD_TYPE",
];

pub use crate::price_choice::PURCHASE_PRICE_TYPE;

pub fn sniff(head: &str) -> u8 {
    let first = head.trim_start_matches('\u{feff}').lines().next().unwrap_or("").to_uppercase();
    let cells: Vec<&str> = first.split(';').map(str::trim).collect();
    if cells.contains(&"NAME") && (cells.contains(&"EXTERNAL_CODE") || cells.contains(&"PRICE")) {
        2
    } else {
        0
    }
}

fn truthy(s: &str) -> bool {
    matches!(s.trim().to_lowercase().as_str(), "1" | "true" | "да" | "yes")
}

// ---------------------------------------------------------------------------------------------
// Reading

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let mut csv = CsvSource::open(input, forced, b';', &opts.limits)?;
    if csv.column("NAME").is_none() {
        return Err(Error::syntax(csv.pos(None), "no NAME column in the header row: not a БИФИТ goods file"));
    }
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some(NAME.into());
    sink.begin(&header, diag)?;
    let mut groups = GroupIndex::default();
    while csv.next_row()? {
        if truthy(csv.field("GROUPED")) {
            let group = read_group(&csv, &mut groups, sink, diag)?;
            sink.record(Record::Group(group), diag)?;
        } else {
            let product = read_product(&csv, &mut groups, sink, diag)?;
            sink.record(Record::Product(product), diag)?;
        }
    }
    sink.finish(diag)
}

/// Folders seen so far, findable by code, name and path: what a `GROUP` cell may hold.
#[derive(Default)]
struct GroupIndex {
    by_code: HashMap<String, String>,
    /// Name → code; `None` once two folders share the name.
    by_name: HashMap<String, Option<String>>,
    by_path: HashMap<String, String>,
    path_of: HashMap<String, String>,
}

impl GroupIndex {
    fn add(&mut self, code: &str, name: &str, parent: Option<&str>) {
        let path = match parent.and_then(|p| self.path_of.get(p)) {
            Some(parent_path) => format!("{parent_path}/{name}"),
            None => name.to_string(),
        };
        self.by_code.insert(code.to_string(), code.to_string());
        self.by_name.entry(name.to_string()).and_modify(|c| *c = None).or_insert_with(|| Some(code.to_string()));
        self.by_path.insert(path.clone(), code.to_string());
        self.path_of.insert(code.to_string(), path);
    }

    /// The code of the folder a `GROUP` cell names: a path, a name or a code.
    fn resolve(&self, cell: &str) -> Option<String> {
        self.by_path
            .get(cell)
            .cloned()
            .or_else(|| self.by_name.get(cell).cloned().flatten())
            .or_else(|| self.by_code.get(cell).cloned())
    }
}

/// The code of the folder named by a `GROUP` cell; a folder no row described is created from
/// the cell (code and name = the text), so no product loses its folder.
fn resolve_group(
    cell: &str,
    csv: &CsvSource,
    groups: &mut GroupIndex,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<Option<String>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Some(code) = groups.resolve(cell) {
        return Ok(Some(code));
    }
    if matches!(groups.by_name.get(cell), Some(None)) {
        diag.warn(
            Warning::new(
                WarningKind::AmbiguousGroup,
                format!("GROUP {cell:?} names more than one folder; the product is linked to a folder of its own"),
            )
            .at(csv.pos_of("GROUP")),
        )?;
    }
    let (parent, name) = match cell.rsplit_once('/') {
        Some((parent_path, name)) => (groups.by_path.get(parent_path).cloned(), name),
        None => (None, cell),
    };
    groups.add(cell, name, parent.as_deref());
    let group = Group { code: cell.to_string(), name: name.to_string(), parent, extra: Default::default() };
    sink.record(Record::Group(group), diag)?;
    Ok(Some(cell.to_string()))
}

fn row_code(csv: &CsvSource) -> Result<String> {
    for column in ["EXTERNAL_CODE", "EXTERNAL_ID", "ID"] {
        let raw = csv.field(column);
        if !raw.trim().is_empty() {
            return fields::code(raw, || csv.pos_of(column));
        }
    }
    Err(Error::bad_value(csv.pos_of("EXTERNAL_CODE"), "", "a product code in EXTERNAL_CODE (or EXTERNAL_ID or ID)"))
}

/// Unmapped, non-empty cells, under their column names.
fn extras(csv: &CsvSource, skip_code_column: Option<&str>) -> crate::model::Extra {
    let mut extra = crate::model::Extra::new();
    for (i, name) in csv.header().iter().enumerate() {
        let value = csv.get(Some(i));
        let defaulted =
            (name == "MARK_TYPE" && value.trim() == "0") || (name == "GOOD_TYPE" && value.trim() == "DEFAULT");
        if value.trim().is_empty()
            || defaulted
            || MAPPED.contains(&name.as_str())
            || Some(name.as_str()) == skip_code_column
        {
            continue;
        }
        if name == "GOOD_TYPE" {
            extra.insert(name.clone(), value.to_string());
            continue;
        }
        extra.insert(name.clone(), value.to_string());
    }
    extra
}

/// The column the row's code came from, so it is not repeated in `extra`.
fn code_column(csv: &CsvSource) -> Option<&'static str> {
    ["EXTERNAL_CODE", "EXTERNAL_ID", "ID"].into_iter().find(|c| !csv.field(c).trim().is_empty())
}

fn read_group(
    csv: &CsvSource,
    groups: &mut GroupIndex,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<Group> {
    let name = csv.field("NAME").trim().to_string();
    let code = match row_code(csv) {
        Ok(code) => code,
        // A folder without a code is known by its name.
        Err(_) if !name.is_empty() => name.clone(),
        Err(e) => return Err(e),
    };
    let parent = resolve_group(csv.field("GROUP"), csv, groups, sink, diag)?;
    groups.add(&code, &name, parent.as_deref());
    let mut extra = extras(csv, code_column(csv));
    extra.shift_remove("MARK_TYPE");
    Ok(Group { code, name, parent, extra })
}

fn read_product(
    csv: &CsvSource,
    groups: &mut GroupIndex,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<Product> {
    // Names in real files carry stray leading spaces (` Капуста …`); they are trimmed.
    let mut product = Product::new(row_code(csv)?, csv.field("NAME").trim());
    // The whole cell first: Excel's `4,60713E+12` is reported as written, not split at its comma.
    fields::code(csv.field("BARCODE"), || csv.pos_of("BARCODE"))?;
    for b in csv.field("BARCODE").split(',').filter(|b| !b.trim().is_empty()) {
        product.barcodes.push(fields::code(b, || csv.pos_of("BARCODE"))?);
    }
    product.article = fields::optional_text(Some(csv.field("VENDOR_CODE").to_string()));
    product.vat = fields::vat(csv.field("NDS"), || csv.pos_of("NDS"))?;
    product.service = csv.field("PAYMENT_SUBJECT").trim() == "4";
    product.weighted = truthy(csv.field("WEIGHTED"));
    let unit = csv.field("UNIT_CODE").trim();
    if !unit.is_empty() {
        product.unit = Some({
            let code = normalize_okei(unit);
            let name = crate::okei::unit_name(&code).unwrap_or_default().to_string();
            Unit { code, name }
        });
    }
    if let Some(amount) = fields::decimal(csv.field("PRICE"), || csv.pos_of("PRICE"))? {
        product.prices.push(Price {
            price_type: DEFAULT_PRICE_TYPE.into(),
            amount: Some(amount),
            code: None,
            includes_vat: None,
        });
    }
    if let Some(amount) = fields::decimal(csv.field("PURCHASE_PRICE"), || csv.pos_of("PURCHASE_PRICE"))? {
        product.prices.push(Price {
            price_type: PURCHASE_PRICE_TYPE.into(),
            amount: Some(amount),
            code: None,
            includes_vat: None,
        });
    }
    let payment_subject = csv.field("PAYMENT_SUBJECT").trim();
    product.extra = extras(csv, code_column(csv));
    if !matches!(payment_subject, "" | "1" | "4") {
        product.extra.insert("PAYMENT_SUBJECT".into(), payment_subject.to_string());
    }
    product.parent = resolve_group(csv.field("GROUP"), csv, groups, sink, diag)?;
    Ok(product)
}

/// ОКЕИ codes are three digits: a number source that wrote `6` meant `006`.
pub fn normalize_okei(code: &str) -> String {
    let code = code.trim();
    if !code.is_empty() && code.len() < 3 && code.chars().all(|c| c.is_ascii_digit()) {
        format!("{code:0>3}")
    } else {
        code.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(GroupedCatalog::new(
        NAME,
        BifitCsvWriter {
            out: EncodedText::new(out, opts.encoding.as_deref(), "windows-1251")?,
            opts: opts.clone(),
            groups: HashMap::new(),
            name_uses: HashMap::new(),
            row: CsvRow::new(b';'),
        },
    )))
}

struct BifitCsvWriter {
    out: EncodedText,
    opts: WriteOptions,
    /// Code → (name, parent code) of every folder seen.
    groups: HashMap<String, (String, Option<String>)>,
    name_uses: HashMap<String, u32>,
    row: CsvRow,
}

fn col(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).expect("a known column")
}

/// Cells borrowed from the record, or made for the row.
type Cells<'a> = [Cow<'a, str>; 28];

impl BifitCsvWriter {
    fn write_row(&mut self, cells: &Cells, subject: impl FnOnce() -> String, diag: &mut Diagnostics) -> Result<()> {
        let text = self.row.format(cells.iter().map(|c| c.as_ref()))?;
        self.out.write_for(text, subject, diag)
    }

    fn group_ref(&self, code: &str) -> String {
        match self.opts.bifit_group_ref {
            BifitGroupRef::Code => code.to_string(),
            BifitGroupRef::Name => self.groups.get(code).map_or_else(|| code.to_string(), |(n, _)| n.clone()),
            BifitGroupRef::Path => {
                let mut names = Vec::new();
                let mut at = Some(code.to_string());
                while let Some(c) = at {
                    match self.groups.get(&c) {
                        Some((name, parent)) if names.len() < 64 => {
                            names.push(name.clone());
                            at = parent.clone();
                        }
                        _ => {
                            if names.is_empty() {
                                names.push(c);
                            }
                            break;
                        }
                    }
                }
                names.reverse();
                names.join("/")
            }
        }
    }

    fn write_group(&mut self, g: &Group, diag: &mut Diagnostics) -> Result<()> {
        self.groups.insert(g.code.clone(), (g.name.clone(), g.parent.clone()));
        let uses = self.name_uses.entry(g.name.clone()).or_default();
        *uses += 1;
        if *uses == 2 && self.opts.bifit_group_ref == BifitGroupRef::Name && self.opts.bifit_groups != BifitGroups::None
        {
            diag.warn(Warning::new(
                WarningKind::AmbiguousGroup,
                format!("two folders are named {:?}: products' GROUP cannot tell them apart (use --bifit-group-ref code or path)", g.name),
            ))?;
        }
        if self.opts.bifit_groups != BifitGroups::Rows {
            return Ok(());
        }
        let mut cells: Cells = Default::default();
        cells[col("EXTERNAL_CODE")] = Cow::Borrowed(&g.code);
        cells[col("NAME")] = Cow::Borrowed(&g.name);
        if let Some(parent) = &g.parent {
            cells[col("GROUP")] = Cow::Owned(self.group_ref(parent));
        }
        cells[col("GROUPED")] = Cow::Borrowed("1");
        let mut dropped = Vec::new();
        for (k, v) in &g.extra {
            match COLUMNS.iter().position(|c| c == k) {
                Some(i) if cells[i].is_empty() => cells[i] = Cow::Borrowed(v),
                _ => dropped.push(k.as_str()),
            }
        }
        if !dropped.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    format!("folder {}: {NAME} has no column for {}; not written", g.code, dropped.join(", ")),
                )
            })?;
        }
        self.write_row(&cells, || format!("folder {}", g.code), diag)
    }

    fn write_product(&mut self, p: &Product, diag: &mut Diagnostics) -> Result<()> {
        let sep = self.opts.decimal_separator_or('.');
        let amount =
            |a: Option<rust_decimal::Decimal>| a.map(|a| Cow::Owned(format_decimal(&a, sep))).unwrap_or_default();
        let mut cells: Cells = Default::default();
        cells[col("EXTERNAL_CODE")] = Cow::Borrowed(&p.code);
        cells[col("NAME")] = Cow::Borrowed(&p.name);
        let prices =
            price_fields(p, self.opts.price_type.as_deref(), self.opts.purchase_price_type.as_deref(), "PRICE", diag)?;
        cells[col("PRICE")] = amount(prices.selling.and_then(|pr| pr.amount));
        cells[col("PURCHASE_PRICE")] = amount(prices.purchase.and_then(|pr| pr.amount));
        if let Some(first) = p.barcodes.first() {
            cells[col("BARCODE")] = Cow::Borrowed(first);
        }
        cells[col("VENDOR_CODE")] = Cow::Borrowed(p.article.as_deref().unwrap_or_default());
        if let Some(vat) = p.vat {
            cells[col("NDS")] = Cow::Borrowed(vat.as_russian().trim_end_matches('%'));
        }
        cells[col("PAYMENT_SUBJECT")] = Cow::Borrowed(if p.service { "4" } else { "1" });
        let folder_dropped = p.parent.is_some() && self.opts.bifit_groups == BifitGroups::None;
        if let Some(parent) = p.parent.as_ref().filter(|_| !folder_dropped) {
            cells[col("GROUP")] = Cow::Owned(self.group_ref(parent));
        }
        if let Some(unit) = &p.unit {
            cells[col("UNIT_CODE")] = Cow::Borrowed(&unit.code);
        }
        if p.weighted {
            cells[col("WEIGHTED")] = Cow::Borrowed("1");
        }
        cells[col("MARK_TYPE")] = Cow::Borrowed("0");
        cells[col("GOOD_TYPE")] = Cow::Borrowed("DEFAULT");
        let mut dropped = Vec::new();
        for (k, v) in &p.extra {
            match COLUMNS.iter().position(|c| c == k) {
                Some(i) if !MAPPED.contains(&k.as_str()) || k == "GOOD_TYPE" || k == "PAYMENT_SUBJECT" => {
                    cells[i] = Cow::Borrowed(v)
                }
                _ => dropped.push(k.as_str()),
            }
        }
        let lost = !prices.unwritten.is_empty()
            || p.barcodes.len() > 1
            || folder_dropped
            || p.comment.is_some()
            || !dropped.is_empty();
        if lost {
            // The message is made only for the warnings that are kept.
            diag.warn_with(WarningKind::FieldDropped, || {
                let mut lost: Vec<String> = Vec::new();
                if !prices.unwritten.is_empty() {
                    lost.push(format!("price types {}", list_types(&prices.unwritten)));
                }
                if p.barcodes.len() > 1 {
                    lost.push(format!("barcodes {} (one BARCODE column)", p.barcodes[1..].join(", ")));
                }
                if let Some(parent) = p.parent.as_ref().filter(|_| folder_dropped) {
                    lost.push(format!("its folder {parent} (--bifit-groups none)"));
                }
                if p.comment.is_some() {
                    lost.push("the comment".into());
                }
                if !dropped.is_empty() {
                    lost.push(format!("fields {}", dropped.join(", ")));
                }
                Warning::new(
                    WarningKind::FieldDropped,
                    format!("product {}: {NAME} cannot hold {}; not written", p.code, lost.join("; ")),
                )
            })?;
        }
        self.write_row(&cells, || format!("product {}", p.code), diag)
    }
}

impl CatalogWriter for BifitCsvWriter {
    fn start(&mut self, _: &Header, diag: &mut Diagnostics) -> Result<()> {
        let cells: Cells = COLUMNS.map(Cow::Borrowed);
        self.write_row(&cells, || "header".into(), diag)
    }

    fn group(&mut self, g: Group, diag: &mut Diagnostics) -> Result<()> {
        self.write_group(&g, diag)
    }

    fn product(&mut self, p: Product, diag: &mut Diagnostics) -> Result<()> {
        self.write_product(&p, diag)
    }

    fn end(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.out.flush()
    }
}
