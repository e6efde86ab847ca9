//! `table`: price lists from spreadsheets (xlsx, xlsm, xls, xlsb, ods via calamine) and plain CSV.
//! Read only; a catalog.
//!
//! The header row is found among the first 20 non-blank rows (or named with `--header-row`),
//! columns are recognised by their Russian titles or mapped (`--column`, `--mapping FILE`), and
//! what was matched is reported as a note. Each data row is a product; a group column creates
//! groups (code = name). Spreadsheets are read whole (calamine loads the sheet); CSV is streamed.

pub mod cells;
mod delimited;
pub mod mapping;
mod sheet;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use self::cells::{Cell, CellError};
use self::mapping::{Field, Resolved, Settings, HEADER_SEARCH_ROWS};
use crate::diagnostics::Diagnostics;
use crate::error::{Error, Position, Result};
use crate::formats::bifit_csv::normalize_okei;
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
    /// `sheet «Лист1»` or `CSV (windows-1251)`, for messages.
    fn place(&self) -> String;
    /// How many columns rows need to carry from now on (a CSV reads no more).
    fn limit_width(&mut self, _width: usize) {}
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let settings = Settings::from_options(opts)?;
    if sheet::kind(&input.head).is_some() {
        let mut rows = sheet::SheetRows::open(input, settings.sheet.as_deref())?;
        convert(&mut rows, &settings, sink, diag)
    } else {
        let forced = crate::formats::forced_encoding(opts)?;
        let mut rows = delimited::CsvRows::open(input, forced)?;
        convert(&mut rows, &settings, sink, diag)
    }
}

fn convert(rows: &mut dyn Rows, settings: &Settings, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    rows.limit_width(settings.width().max(64));
    let mut pending = VecDeque::new();
    let header = find_header(rows, settings, &mut pending)?;
    let place = format!("{}: {}", rows.file(), rows.place());
    let resolved = mapping::resolve(settings, header.as_ref().map(|r| (r.number, r.cells.as_slice())), &place)?;
    rows.limit_width(resolved.width());
    diag.note(format!("{place}, {}", resolved.note()));
    let mut doc = Header::new(DataKind::Catalog);
    doc.source_format = Some(NAME.into());
    sink.begin(&doc, diag)?;
    let first = settings.first_row.map_or(0, u64::from);
    let mut groups = HashSet::new();
    loop {
        let row = match pending.pop_front() {
            Some(row) => row,
            None => match rows.next_row()? {
                Some(row) => row,
                None => break,
            },
        };
        if row.number >= first {
            read_row(&row, &resolved, rows, &mut groups, sink, diag)?;
        }
    }
    sink.finish(diag)
}

/// The header row (`None` when the table has none); rows read past it are left in `pending`.
fn find_header(rows: &mut dyn Rows, settings: &Settings, pending: &mut VecDeque<Row>) -> Result<Option<Row>> {
    match settings.header_row.map(u64::from) {
        Some(0) => Ok(None),
        Some(wanted) => loop {
            match rows.next_row()? {
                Some(row) if row.number < wanted => continue,
                Some(row) if row.number == wanted => return Ok(Some(row)),
                Some(_) => {
                    return Err(Error::usage(format!(
                        "{}: {}: row {wanted} is empty, so it cannot be the header row",
                        rows.file(),
                        rows.place()
                    )));
                }
                None => {
                    return Err(Error::usage(format!(
                        "{}: {} has no row {wanted} for the header",
                        rows.file(),
                        rows.place()
                    )))
                }
            }
        },
        None => {
            let mut scanned = Vec::new();
            while scanned.len() < HEADER_SEARCH_ROWS {
                match rows.next_row()? {
                    Some(row) => scanned.push(row),
                    None => break,
                }
            }
            let mut best: Option<(usize, usize)> = None;
            for (i, row) in scanned.iter().enumerate() {
                let (score, all_titles) = settings.header_score(&row.cells);
                if all_titles && (score >= 2 || settings.maps_titles()) && !matches!(best, Some((_, s)) if s >= score) {
                    best = Some((i, score));
                }
            }
            let mut scanned = VecDeque::from(scanned);
            match best {
                Some((i, _)) => {
                    let header = scanned.drain(..=i).next_back();
                    pending.extend(scanned);
                    Ok(header)
                }
                None if settings.needs_no_titles() => {
                    pending.extend(scanned);
                    Ok(None)
                }
                None => Err(Error::usage(format!(
                    "{}: {}: no header row in the first {HEADER_SEARCH_ROWS} rows (titles such as Код, Наименование, \
                     Штрихкод, Цена); name it with --header-row N, or map the columns with --column code=A …",
                    rows.file(),
                    rows.place()
                ))),
            }
        }
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

fn read_row(
    row: &Row,
    m: &Resolved,
    rows: &dyn Rows,
    groups: &mut HashSet<String>,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<()> {
    let r = RowReader { row, m, rows };
    let code = r.field(Field::Code, cells::code)?;
    let name = r.field(Field::Name, cells::text)?;
    if code.is_none() && name.is_none() {
        return Ok(());
    }
    let article = r.field(Field::Article, cells::code)?;
    let Some(code) = code.or_else(|| article.clone()) else {
        let column = m.get(Field::Code).or(m.get(Field::Article)).unwrap_or_default();
        return Err(Error::bad_value(
            r.at(column),
            "",
            "a product code (or an article): the row has a name but no code",
        ));
    };
    let Some(name) = name else {
        let column = m.get(Field::Name).unwrap_or_default();
        return Err(Error::bad_value(
            r.at(column),
            "",
            format!("a product name: the row has the code {code} but no name"),
        ));
    };
    let mut product = Product::new(code, name);
    product.article = article;
    product.barcodes = r.field(Field::Barcode, cells::barcodes)?;
    for (column, price_type) in &m.prices {
        let amount =
            cells::decimal(r.cell(Some(*column))).map_err(|e| Error::bad_value(r.at(*column), e.value, e.expected))?;
        if let Some(amount) = amount {
            product.prices.push(Price {
                price_type: price_type.clone(),
                amount: Some(amount),
                code: None,
                includes_vat: None,
            });
        }
    }
    product.unit = r.field(Field::Unit, cells::text)?.map(|u| unit(&u));
    product.vat = r.field(Field::Vat, cells::vat)?;
    product.comment = r.field(Field::Comment, cells::text)?;
    if let Some(group) = r.field(Field::Group, cells::text)? {
        if groups.insert(group.clone()) {
            sink.record(
                Record::Group(Group {
                    code: group.clone(),
                    name: group.clone(),
                    parent: None,
                    extra: Default::default(),
                }),
                diag,
            )?;
        }
        product.parent = Some(group);
    }
    sink.record(Record::Product(product), diag)
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
