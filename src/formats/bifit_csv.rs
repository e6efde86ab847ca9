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
use crate::i18n::Message;
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

/// `1`, `true`, `да`, `yes` in any case, spaces around allowed.
fn truthy(s: &str) -> bool {
    let s = s.trim();
    if s.is_ascii() {
        s == "1" || s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes")
    } else {
        s.to_lowercase() == "да"
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// What a column of the header is to the reader, decided once when the file is opened.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Mapped to the model: never in `extra`.
    Mapped,
    /// `EXTERNAL_ID` or `ID`: in `extra` unless the row's code came from it.
    Code(usize),
    /// `MARK_TYPE`: `0` is its default, so not kept.
    MarkType,
    Other,
}

/// The columns the reader uses, found by name once.
struct Columns {
    /// `EXTERNAL_CODE`, `EXTERNAL_ID`, `ID`: where a row's code is looked for, in that order.
    code: [Option<usize>; 3],
    name: Option<usize>,
    price: Option<usize>,
    barcode: Option<usize>,
    vendor_code: Option<usize>,
    nds: Option<usize>,
    payment_subject: Option<usize>,
    group: Option<usize>,
    unit_code: Option<usize>,
    purchase_price: Option<usize>,
    weighted: Option<usize>,
    grouped: Option<usize>,
    /// The role of every header column, by index.
    roles: Vec<Role>,
}

const CODE_COLUMNS: [&str; 3] = ["EXTERNAL_CODE", "EXTERNAL_ID", "ID"];

impl Columns {
    fn find(csv: &CsvSource) -> Self {
        let roles = csv
            .header()
            .iter()
            .map(|name| match name.as_str() {
                n if MAPPED.contains(&n) => Role::Mapped,
                "MARK_TYPE" => Role::MarkType,
                n => match CODE_COLUMNS.iter().position(|c| *c == n) {
                    Some(i) => Role::Code(i),
                    None => Role::Other,
                },
            })
            .collect();
        Columns {
            code: CODE_COLUMNS.map(|c| csv.column(c)),
            name: csv.column("NAME"),
            price: csv.column("PRICE"),
            barcode: csv.column("BARCODE"),
            vendor_code: csv.column("VENDOR_CODE"),
            nds: csv.column("NDS"),
            payment_subject: csv.column("PAYMENT_SUBJECT"),
            group: csv.column("GROUP"),
            unit_code: csv.column("UNIT_CODE"),
            purchase_price: csv.column("PURCHASE_PRICE"),
            weighted: csv.column("WEIGHTED"),
            grouped: csv.column("GROUPED"),
            roles,
        }
    }
}

/// The row being read, with the columns it is read by.
struct Row<'a> {
    csv: &'a CsvSource,
    cols: &'a Columns,
}

impl Row<'_> {
    fn text(&self, column: Option<usize>) -> Result<&str> {
        self.csv.text(column)
    }

    /// Which of `EXTERNAL_CODE`, `EXTERNAL_ID`, `ID` holds the row's code (the first not blank).
    fn code_column(&self) -> Result<Option<usize>> {
        for (i, column) in self.cols.code.iter().enumerate() {
            if !self.csv.is_blank(*column)? {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    fn code(&self, code_column: Option<usize>) -> Result<String> {
        match code_column {
            Some(i) => {
                let column = self.cols.code[i];
                fields::code(self.text(column)?, || self.csv.pos(column))
            }
            None => {
                Err(Error::bad_value(self.csv.pos(self.cols.code[0]), "", crate::msg!("bifit-expected-code-column")))
            }
        }
    }

    /// Unmapped, non-empty cells, under their column names. `code_column` (its name, that is:
    /// every column of that name) is left out.
    fn extras(&self, code_column: Option<usize>) -> Result<crate::model::Extra> {
        let mut extra = crate::model::Extra::new();
        for (i, role) in self.cols.roles.iter().enumerate() {
            let skip = match *role {
                Role::Mapped => true,
                Role::Code(c) => Some(c) == code_column,
                _ => false,
            };
            if skip || self.csv.is_blank(Some(i))? {
                continue;
            }
            let value = self.text(Some(i))?;
            if !(*role == Role::MarkType && value.trim() == "0") {
                extra.insert(self.csv.header()[i].clone(), value.to_string());
            }
        }
        Ok(extra)
    }
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let mut csv = CsvSource::open(input, forced, b';', &opts.limits)?;
    if csv.column("NAME").is_none() {
        return Err(Error::syntax(csv.pos(None), crate::msg!("bifit-no-name-column")));
    }
    let cols = Columns::find(&csv);
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some(NAME.into());
    sink.begin(&header, diag)?;
    let mut groups = GroupIndex::default();
    while csv.next_row()? {
        let row = Row { csv: &csv, cols: &cols };
        if truthy(row.text(cols.grouped)?) {
            let group = read_group(&row, &mut groups, sink, diag)?;
            sink.record(Record::Group(group), diag)?;
        } else {
            let product = read_product(&row, &mut groups, sink, diag)?;
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

/// The code of the folder named by the row's `GROUP` cell; a folder no row described is created
/// from the cell (code and name = the text), so no product loses its folder.
fn resolve_group(
    row: &Row,
    groups: &mut GroupIndex,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<Option<String>> {
    let cell = row.text(row.cols.group)?.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Some(code) = groups.resolve(cell) {
        return Ok(Some(code));
    }
    if matches!(groups.by_name.get(cell), Some(None)) {
        diag.warn_with(WarningKind::AmbiguousGroup, || {
            Warning::new(WarningKind::AmbiguousGroup, crate::msg!("bifit-group-ambiguous", group = format!("{cell:?}")))
                .at(row.csv.pos(row.cols.group))
        })?;
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

fn read_group(row: &Row, groups: &mut GroupIndex, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<Group> {
    let name = row.text(row.cols.name)?.trim().to_string();
    let code_column = row.code_column()?;
    let code = match row.code(code_column) {
        Ok(code) => code,
        // A folder without a code is known by its name.
        Err(_) if !name.is_empty() => name.clone(),
        Err(e) => return Err(e),
    };
    let parent = resolve_group(row, groups, sink, diag)?;
    groups.add(&code, &name, parent.as_deref());
    let mut extra = row.extras(code_column)?;
    extra.shift_remove("MARK_TYPE");
    Ok(Group { code, name, parent, extra })
}

fn read_product(
    row: &Row,
    groups: &mut GroupIndex,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<Product> {
    let (csv, cols) = (row.csv, row.cols);
    let code_column = row.code_column()?;
    // Names in real files carry stray leading spaces (` Капуста …`); they are trimmed.
    let mut product = Product::new(row.code(code_column)?, row.text(cols.name)?.trim());
    // The whole cell first: Excel's `4,60713E+12` is reported as written, not split at its comma.
    let barcodes = row.text(cols.barcode)?;
    fields::code(barcodes, || csv.pos(cols.barcode))?;
    for b in barcodes.split(',').filter(|b| !b.trim().is_empty()) {
        product.barcodes.push(fields::code(b, || csv.pos(cols.barcode))?);
    }
    let article = row.text(cols.vendor_code)?;
    product.article = (!article.trim().is_empty()).then(|| article.to_string());
    product.vat = fields::vat(row.text(cols.nds)?, || csv.pos(cols.nds))?;
    let payment_subject = row.text(cols.payment_subject)?.trim();
    product.service = payment_subject == "4";
    product.weighted = truthy(row.text(cols.weighted)?);
    let unit = row.text(cols.unit_code)?.trim();
    if !unit.is_empty() {
        product.unit = Some({
            let code = normalize_okei(unit);
            let name = crate::okei::unit_name(&code).unwrap_or_default().to_string();
            Unit { code, name }
        });
    }
    for (column, price_type) in [(cols.price, DEFAULT_PRICE_TYPE), (cols.purchase_price, PURCHASE_PRICE_TYPE)] {
        if let Some(amount) = fields::decimal(row.text(column)?, || csv.pos(column))? {
            product.prices.push(Price {
                price_type: price_type.into(),
                amount: Some(amount),
                code: None,
                includes_vat: None,
            });
        }
    }
    product.extra = row.extras(code_column)?;
    if !matches!(payment_subject, "" | "1" | "4") {
        product.extra.insert("PAYMENT_SUBJECT".into(), payment_subject.to_string());
    }
    product.parent = resolve_group(row, groups, sink, diag)?;
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
    fn write_row(&mut self, cells: &Cells, subject: impl FnOnce() -> Message, diag: &mut Diagnostics) -> Result<()> {
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
                crate::msg!("bifit-folder-name-twice", name = format!("{:?}", g.name)),
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
                    crate::msg!(
                        "bifit-folder-fields-dropped",
                        code = g.code.as_str(),
                        format = NAME,
                        fields = dropped.join(", ")
                    ),
                )
            })?;
        }
        self.write_row(&cells, || crate::msg!("bifit-subject-folder", code = g.code.as_str()), diag)
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
                let mut lost: Vec<Message> = Vec::new();
                if !prices.unwritten.is_empty() {
                    lost.push(crate::msg!("bifit-lost-price-types", types = list_types(&prices.unwritten)));
                }
                if p.barcodes.len() > 1 {
                    lost.push(crate::msg!("bifit-lost-barcodes", barcodes = p.barcodes[1..].join(", ")));
                }
                if let Some(parent) = p.parent.as_ref().filter(|_| folder_dropped) {
                    lost.push(crate::msg!("bifit-lost-folder", folder = parent.as_str()));
                }
                if p.comment.is_some() {
                    lost.push(crate::msg!("bifit-lost-comment"));
                }
                if !dropped.is_empty() {
                    lost.push(crate::msg!("bifit-lost-fields", fields = dropped.join(", ")));
                }
                let lost = crate::formats::join_messages(lost, true)
                    .map_or_else(|| crate::i18n::Arg::Text(String::new()), crate::i18n::Arg::from);
                Warning::new(
                    WarningKind::FieldDropped,
                    crate::msg!("bifit-product-cannot-hold", code = p.code.as_str(), format = NAME, lost = lost),
                )
            })?;
        }
        self.write_row(&cells, || crate::msg!("bifit-subject-product", code = p.code.as_str()), diag)
    }
}

impl CatalogWriter for BifitCsvWriter {
    fn start(&mut self, _: &Header, diag: &mut Diagnostics) -> Result<()> {
        let cells: Cells = COLUMNS.map(Cow::Borrowed);
        self.write_row(&cells, || crate::msg!("fmt-subject-header"), diag)
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
