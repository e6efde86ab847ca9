//! `table`: price lists from spreadsheets (xlsx, xlsm, xls, xlsb, ods via calamine) and plain CSV.
//! Read only; a catalog.
//!
//! The header row is found among the first 20 non-blank rows (or named with `--header-row`; a
//! second row of sub-titles under it is merged in, see `header`), columns are recognised by their
//! Russian titles or mapped (`--column`, `--mapping FILE`), and what was matched is reported as a
//! note. Every price column is a price of the product (`price_titles`). A data row is a product
//! unless it is a total, free text or a group heading (`row_kinds`); a group column or a heading
//! creates groups (code = name). Spreadsheets are read whole (calamine loads the sheet); CSV is
//! streamed.

pub mod cells;
mod delimited;
mod header;
pub mod mapping;
mod price_titles;
mod row_kinds;
mod sheet;
mod xls_guard;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use self::cells::{Cell, CellError};
use self::mapping::{Field, Resolved, Settings};
use self::row_kinds::{RowKind, RowReport};
use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Position, Result};
use crate::formats::bifit_csv::normalize_okei;
use crate::i18n::{Arg, Message};
use crate::model::{DataKind, Group, Header, Price, Product, Record, Unit};
use crate::options::ReadOptions;
use crate::sink::RecordSink;
use crate::text::RawInput;

pub const NAME: &str = "table";

/// 2 for a spreadsheet's ZIP or OLE container, 1 for a CSV whose first line has Russian
/// price-list titles (so `-f table` is the reliable way for CSV), else 0.
pub fn sniff(head: &str) -> u8 {
    sheet::sniff_text(head).max(delimited::sniff(head))
}

/// One non-blank row: its number as the user sees it (spreadsheet row, CSV line) and its cells,
/// indexed by absolute column (A = 0).
pub struct Row {
    pub number: u64,
    pub cells: Vec<Cell>,
}

/// Where rows come from: a sheet or a CSV file.
pub trait Rows {
    /// The next non-blank row, `None` at the end.
    fn next_row(&mut self) -> Result<Option<Row>>;
    /// Where a cell is, for messages: `Лист1!C12 (Штрихкод)` or line and column.
    fn position(&self, row: u64, column: usize, title: Option<&str>) -> Position;
    fn file(&self) -> &Arc<str>;
    /// `sheet «Лист1»` or `CSV (windows-1251)`, as positions name it (the same in every language).
    fn place(&self) -> String;
    /// The same, for messages, in the language they are displayed in.
    fn place_text(&self) -> Message;
    /// A cell for messages that name the file once: `Лист1!D8 (Цена)`, `line 8, column 4 (Цена)`.
    fn cell_name(&self, row: u64, column: usize, title: Option<&str>) -> Arg;
    /// A row as messages name it: `row 12` in a sheet, `line 12` in a CSV.
    fn row_name(&self, number: u64) -> Message {
        crate::msg!("table-row", number = number)
    }
    /// How many columns rows need to carry from now on (a CSV reads no more).
    fn limit_width(&mut self, _width: usize) {}
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let settings = Settings::from_options(opts)?;
    if sheet::kind(&input.head).is_some() {
        let mut rows = sheet::SheetRows::open(input, settings.sheet.as_deref(), &opts.limits, diag)?;
        convert(&mut rows, &settings, sink, diag)
    } else {
        let forced = crate::formats::forced_encoding(opts)?;
        let mut rows = delimited::CsvRows::open(input, forced, &opts.limits)?;
        convert(&mut rows, &settings, sink, diag)
    }
}

fn convert(rows: &mut dyn Rows, settings: &Settings, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    rows.limit_width(settings.width().max(64));
    let mut pending = VecDeque::new();
    let header = header::find_header(rows, settings, &mut pending)?;
    let place = format!("{}: {}", rows.file(), rows.place_text());
    let mut resolved =
        mapping::resolve(settings, header.as_ref().map(|h| (h.row.number, h.row.cells.as_slice())), &place)?;
    if let Some(sub) = header.as_ref().and_then(|h| h.sub_title_row) {
        resolved.set_sub_title_row(sub);
    }
    rows.limit_width(resolved.width());
    diag.note(crate::msg!("table-note-columns", place = place.as_str(), columns = resolved.note()));
    if resolved.prices.is_empty() {
        let titles = match resolved.header_row {
            Some(_) => crate::msg!("table-among-titles", titles = resolved.listed_titles()),
            None => crate::msg!("table-no-header-no-price"),
        };
        diag.warn(
            Warning::new(WarningKind::PricesMissing, crate::msg!("table-no-price-column", titles = titles))
                .at(Position::in_file(rows.file()).with_field(rows.place())),
        )?;
    }
    let mut doc = Header::new(DataKind::Catalog);
    doc.source_format = Some(NAME.into());
    sink.begin(&doc, diag)?;
    let first = settings.first_row.map_or(0, u64::from);
    let mut table = TableState::default();
    loop {
        let row = match pending.pop_front() {
            Some(row) => row,
            None => match rows.next_row()? {
                Some(row) => row,
                None => break,
            },
        };
        if row.number >= first {
            table.row(&row, &resolved, rows, sink, diag)?;
        }
    }
    table.finish(rows, diag)?;
    sink.finish(diag)
}

/// What reading a table carries from row to row.
#[derive(Default)]
struct TableState {
    /// Groups already written, by code.
    groups: HashSet<String>,
    /// Group headings not yet followed by a product (row number, name): at the end of the table
    /// they were footer text.
    headings: Vec<(u64, String)>,
    /// The last heading products followed: their group.
    current_heading: Option<String>,
    report: RowReport,
}

impl TableState {
    fn row(
        &mut self,
        row: &Row,
        m: &Resolved,
        rows: &dyn Rows,
        sink: &mut dyn RecordSink,
        diag: &mut Diagnostics,
    ) -> Result<()> {
        match row_kinds::classify(row, m) {
            RowKind::Blank => {}
            RowKind::Total => self.report.total(rows, row),
            RowKind::Text => self.report.text(rows, row.number, row_kinds::row_excerpt(row)),
            RowKind::Heading(name) => self.headings.push((row.number, name)),
            RowKind::Product => {
                for (number, name) in std::mem::take(&mut self.headings) {
                    self.report.heading(rows, number, &name);
                    self.group(&name, sink, diag)?;
                    self.current_heading = Some(name);
                }
                let product = read_product(row, m, rows, &mut self.report)?;
                self.product(product, m, row, rows, sink, diag)?;
            }
        }
        Ok(())
    }

    /// Writes the group `name` (code = name) the first time it is seen.
    fn group(&mut self, name: &str, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
        if !self.groups.insert(name.to_string()) {
            return Ok(());
        }
        let group = Group { code: name.to_string(), name: name.to_string(), parent: None, extra: Default::default() };
        sink.record(Record::Group(group), diag)
    }

    /// The product's group: its group column, else the heading above it.
    fn product(
        &mut self,
        mut product: Product,
        m: &Resolved,
        row: &Row,
        rows: &dyn Rows,
        sink: &mut dyn RecordSink,
        diag: &mut Diagnostics,
    ) -> Result<()> {
        let r = RowReader { row, m, rows };
        if let Some(group) = r.field(Field::Group, cells::text)? {
            self.group(&group, sink, diag)?;
            product.parent = Some(group);
        } else {
            product.parent = self.current_heading.clone();
        }
        sink.record(Record::Product(product), diag)
    }

    fn finish(&mut self, rows: &dyn Rows, diag: &mut Diagnostics) -> Result<()> {
        for (number, name) in std::mem::take(&mut self.headings) {
            self.report.text(rows, number, row_kinds::excerpt(&name));
        }
        self.report.report(rows, diag)
    }
}

struct RowReader<'a> {
    row: &'a Row,
    m: &'a Resolved,
    rows: &'a dyn Rows,
}

impl RowReader<'_> {
    fn cell(&self, column: Option<usize>) -> &Cell {
        column.and_then(|c| self.row.cells.get(c)).unwrap_or(Cell::empty())
    }

    fn at(&self, column: usize) -> Position {
        self.rows.position(self.row.number, column, self.m.title(column))
    }

    /// Reads one field with `f`, blaming its cell on failure.
    fn field<T>(&self, field: Field, f: impl Fn(&Cell) -> Result<T, CellError>) -> Result<T> {
        let column = self.m.get(field);
        f(self.cell(column))
            .map_err(|e| Error::bad_value(column.map(|c| self.at(c)).unwrap_or_default(), e.value, e.expected))
    }
}

/// A product row (see `row_kinds::classify`): code or article, name, prices and the rest.
fn read_product(row: &Row, m: &Resolved, rows: &dyn Rows, report: &mut RowReport) -> Result<Product> {
    let r = RowReader { row, m, rows };
    let code = r.field(Field::Code, cells::code)?;
    let name = r.field(Field::Name, cells::text)?;
    let article = r.field(Field::Article, cells::code)?;
    let Some(code) = code.or_else(|| article.clone()) else {
        let column = m.get(Field::Code).or(m.get(Field::Article)).unwrap_or_default();
        return Err(Error::bad_value(r.at(column), "", crate::msg!("table-expected-code-in-row")));
    };
    let Some(name) = name else {
        let column = m.get(Field::Name).unwrap_or_default();
        return Err(Error::bad_value(
            r.at(column),
            "",
            crate::msg!("table-expected-name-in-row", code = code.as_str()),
        ));
    };
    let mut product = Product::new(code, name);
    product.article = article;
    product.barcodes = r.field(Field::Barcode, cells::barcodes)?;
    for column in &m.prices {
        let cell = r.cell(Some(column.column));
        let at = || r.at(column.column);
        let title = m.title(column.column);
        let Some((amount, stripped)) = cells::price(cell).map_err(|e| Error::bad_value(at(), e.value, e.expected))?
        else {
            continue;
        };
        if let Some(stripped) = stripped {
            report.stripped_price(rows.cell_name(row.number, column.column, title), cell, amount, &stripped);
        }
        product.prices.push(Price {
            price_type: column.price_type.clone(),
            amount: Some(amount),
            code: None,
            includes_vat: column.includes_vat,
        });
    }
    product.unit = r.field(Field::Unit, cells::text)?.map(|u| unit(&u));
    product.vat = r.field(Field::Vat, cells::vat)?;
    product.comment = r.field(Field::Comment, cells::text)?;
    Ok(product)
}

/// Common unit abbreviations and their ОКЕИ codes (keys as `title_key` makes them).
const UNIT_CODES: [(&str, &str); 24] = [
    ("шт", "796"),
    ("штука", "796"),
    ("штук", "796"),
    ("кг", "166"),
    ("килограмм", "166"),
    ("г", "163"),
    ("гр", "163"),
    ("грамм", "163"),
    ("л", "112"),
    ("литр", "112"),
    ("мл", "111"),
    ("м", "006"),
    ("метр", "006"),
    ("пм", "018"),
    ("м2", "055"),
    ("уп", "778"),
    ("упак", "778"),
    ("упаковка", "778"),
    ("компл", "839"),
    ("комплект", "839"),
    ("пар", "715"),
    ("пара", "715"),
    ("набор", "704"),
    ("бут", "868"),
];

/// A unit cell: an ОКЕИ code (`796`, `6` → `006`) named from the ОКЕИ table, or a name
/// (`шт`) kept as written, with its code when it is a common abbreviation.
fn unit(text: &str) -> Unit {
    let text = text.trim();
    if text.chars().all(|c| c.is_ascii_digit()) {
        let code = normalize_okei(text);
        let name = crate::okei::unit_name(&code).unwrap_or_default().to_string();
        return Unit { code, name };
    }
    let key = mapping::title_key(text);
    let code = UNIT_CODES.iter().find(|(k, _)| *k == key).map(|(_, c)| c.to_string()).unwrap_or_default();
    Unit { code, name: text.to_string() }
}
