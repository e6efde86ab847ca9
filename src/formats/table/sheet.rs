//! Spreadsheets through calamine: xlsx/xlsm, xls, xlsb and ods. A sheet is read whole (calamine
//! loads it into memory); rows are then handed out one at a time.

use std::io::{Cursor, Read};
use std::sync::Arc;

use calamine::{open_workbook_from_rs, Data, Ods, Range, Reader, Sheets, Xls, Xlsb, Xlsx};

use super::cells::Cell;
use super::mapping::column_letters;
use super::{Row, Rows};
use crate::error::{Error, Position, Result};
use crate::text::{read_error, RawInput};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// ODS stores this as its first file, `mimetype`, uncompressed.
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The workbook kind from the first bytes: `Some` for a spreadsheet, `None` for text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A ZIP container: xlsx, xlsm, xlsb or ods.
    Zip,
    /// An OLE compound file: xls.
    Ole,
}

pub fn kind(head: &[u8]) -> Option<Kind> {
    if head.starts_with(ZIP_MAGIC) {
        Some(Kind::Zip)
    } else if head.starts_with(OLE_MAGIC) {
        Some(Kind::Ole)
    } else {
        None
    }
}

/// 2 when the decoded head is a spreadsheet's. The head reaches the sniffers as text, decoded
/// as Windows-1251 (binary is never valid UTF-8), which keeps the ASCII of the ZIP headers.
pub fn sniff_text(head: &str) -> u8 {
    let (ole, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(OLE_MAGIC);
    if head.starts_with(&*ole) {
        return 2;
    }
    if !head.starts_with("PK\u{3}\u{4}") {
        return 0;
    }
    let ods = std::str::from_utf8(ODS_MIMETYPE).unwrap_or_default();
    if head.contains(ods) || head.contains("xl/") {
        2
    } else {
        1
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub struct SheetRows {
    file: Arc<str>,
    sheet: String,
    range: Range<Data>,
    /// Absolute (row, column) of the range's first cell, 0-based.
    start: (u32, u32),
    next: usize,
}

fn open_error(file: &Arc<str>, e: impl std::fmt::Display) -> Error {
    Error::syntax(Position::in_file(file), format!("not a readable spreadsheet (xlsx, xlsm, xls, xlsb or ods): {e}"))
}

impl SheetRows {
    /// Reads the workbook and picks the sheet: by name, then by 1-based number; the first by default.
    pub fn open(input: RawInput, sheet: Option<&str>) -> Result<Self> {
        let file = input.name.clone();
        let mut bytes = Vec::new();
        input.into_reader().read_to_end(&mut bytes).map_err(|e| read_error(&file, &e))?;
        let mut book: Sheets<Cursor<Vec<u8>>> = match kind(&bytes) {
            Some(Kind::Ole) => {
                Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes)).map_err(|e| open_error(&file, e))?)
            }
            _ if contains(&bytes[..bytes.len().min(256)], ODS_MIMETYPE) => {
                Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map_err(|e| open_error(&file, e))?)
            }
            _ if contains(&bytes, b"xl/workbook.bin") => {
                Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(Cursor::new(bytes)).map_err(|e| open_error(&file, e))?)
            }
            _ => {
                Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(|e| open_error(&file, e))?)
            }
        };
        let names = book.sheet_names();
        let name = match sheet.map(str::trim) {
            None => names.first().cloned(),
            Some(wanted) => names
                .iter()
                .find(|n| n.as_str() == wanted)
                .or_else(|| names.iter().find(|n| n.trim().to_lowercase() == wanted.to_lowercase()))
                .or_else(|| wanted.parse::<usize>().ok().and_then(|i| i.checked_sub(1)).and_then(|i| names.get(i)))
                .cloned(),
        };
        let Some(name) = name else {
            let list = names.iter().map(|n| format!("«{n}»")).collect::<Vec<_>>().join(", ");
            return Err(Error::usage(match sheet {
                Some(wanted) => {
                    format!("{file}: no sheet {wanted:?}; the sheets are {list} (name one or give its number from 1)")
                }
                None => format!("{file}: the workbook has no sheets"),
            }));
        };
        let range = book.worksheet_range(&name).map_err(|e| open_error(&file, e))?;
        let start = range.start().unwrap_or((0, 0));
        Ok(SheetRows { file, sheet: name, range, start, next: 0 })
    }

    /// `Лист1`, or `'Прайс лист'` when the name needs quotes in a cell reference.
    fn sheet_ref(&self) -> String {
        if self.sheet.chars().all(char::is_alphanumeric) {
            self.sheet.clone()
        } else {
            format!("'{}'", self.sheet.replace('\'', "''"))
        }
    }
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Int(*i),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Date(match d.as_datetime() {
            Some(dt) if !d.is_duration() && dt.time() == chrono::NaiveTime::MIN => dt.format("%d.%m.%Y").to_string(),
            Some(dt) if !d.is_duration() => dt.format("%d.%m.%Y %H:%M:%S").to_string(),
            _ => d.to_string(),
        }),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Date(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

impl Rows for SheetRows {
    fn next_row(&mut self) -> Result<Option<Row>> {
        let (height, width) = self.range.get_size();
        while self.next < height {
            let r = self.next;
            self.next += 1;
            let mut cells = vec![Cell::Empty; self.start.1 as usize];
            cells.extend((0..width).map(|c| self.range.get((r, c)).map_or(Cell::Empty, cell)));
            if cells.iter().all(Cell::is_blank) {
                continue;
            }
            return Ok(Some(Row { number: u64::from(self.start.0) + r as u64 + 1, cells }));
        }
        Ok(None)
    }

    fn position(&self, row: u64, column: usize, title: Option<&str>) -> Position {
        let cell = format!("{}!{}{row}", self.sheet_ref(), column_letters(column));
        let field = match title {
            Some(t) => format!("{cell} ({t})"),
            None => cell,
        };
        Position::in_file(&self.file).with_field(field)
    }

    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn place(&self) -> String {
        format!("sheet «{}»", self.sheet)
    }
}
