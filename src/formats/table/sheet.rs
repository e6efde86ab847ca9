//! Spreadsheets through calamine: xlsx/xlsm, xls, xlsb and ods. A sheet is read whole (calamine
//! loads it into memory); rows are then handed out one at a time.
//!
//! calamine can panic on a malformed file (some Excel 95 files do); every call into it runs under
//! `guarded`, so a user's file gets an error naming it, never a crash.

use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Once};

use calamine::{open_workbook_from_rs, Data, Ods, Range, Reader, Sheets, Xls, XlsOptions, Xlsb, Xlsx};

use super::cells::Cell;
use super::mapping::column_letters;
use super::{Row, Rows};
use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Position, Result};
use crate::i18n::{Arg, Message};
use crate::limits::{describe_size, Limits};
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
    Error::syntax(Position::in_file(file), crate::msg!("table-unreadable-spreadsheet", error = e.to_string()))
}

type Book<'a> = Sheets<Cursor<&'a [u8]>>;

/// An `.xls` through calamine, with the code page forced when given.
fn open_xls<'a>(bytes: &'a [u8], codepage: Option<u16>, file: &Arc<str>) -> Result<Book<'a>> {
    let mut options = XlsOptions::default();
    options.force_codepage = codepage;
    Ok(Sheets::Xls(Xls::new_with_options(Cursor::new(bytes), options).map_err(|e| open_error(file, e))?))
}

/// The code page of Windows Cyrillic, what Russian Excel 95 wrote.
const WINDOWS_1251: u16 = 1251;

/// The workbook, and whether its text was read as Windows-1251 by a guess.
fn open_book<'a>(bytes: &'a [u8], file: &Arc<str>) -> Result<(Book<'a>, bool)> {
    let book = match kind(bytes) {
        Some(Kind::Ole) => {
            let mut book = open_xls(bytes, None, file)?;
            if is_biff5(bytes) && text_is_undecoded(&mut book) {
                return Ok((open_xls(bytes, Some(WINDOWS_1251), file)?, true));
            }
            book
        }
        _ if contains(&bytes[..bytes.len().min(256)], ODS_MIMETYPE) => {
            Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map_err(|e| open_error(file, e))?)
        }
        _ if contains(bytes, b"xl/workbook.bin") => {
            Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(Cursor::new(bytes)).map_err(|e| open_error(file, e))?)
        }
        _ => Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(|e| open_error(file, e))?),
    };
    Ok((book, false))
}

/// An Excel 5.0/95 (BIFF5) file: its compound file holds a `Book` stream (BIFF8 has `Workbook`).
/// Directory entries are 128-byte records after the 512-byte header: a UTF-16 name, its length
/// in bytes with the terminator (10 for `Book`) at 64, the type at 66 (2: a stream).
fn is_biff5(bytes: &[u8]) -> bool {
    const BOOK: &[u8] = b"B\0o\0o\0k\0\0\0";
    bytes.chunks_exact(128).skip(4).any(|e| e.starts_with(BOOK) && e[64..66] == [10, 0] && e[66] == 2)
}

/// True when every text of the workbook (sheet names, string cells) is in U+0000–U+00FF and some
/// is above ASCII: how calamine shows a BIFF5 file without a CODEPAGE record, one character per
/// byte («Êîä» for «Код»). With a CODEPAGE record, Cyrillic comes out as Cyrillic.
fn text_is_undecoded(book: &mut Book) -> bool {
    let names = book.sheet_names();
    let mut texts: Vec<String> = names.clone();
    for name in &names {
        if let Ok(range) = book.worksheet_range(name) {
            texts.extend(range.used_cells().filter_map(|(_, _, d)| match d {
                Data::String(s) => Some(s.clone()),
                _ => None,
            }));
        }
    }
    let chars = || texts.iter().flat_map(|t| t.chars());
    chars().all(|c| u32::from(c) <= 0xFF) && chars().any(|c| u32::from(c) >= 0x80)
}

thread_local! {
    /// Whether panics on this thread are being caught by `guarded` (and so not printed).
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
static QUIET_HOOK: Once = Once::new();

/// Runs `f` — calamine on a user's file — and turns a panic into an error naming the file.
/// The panic is not printed as a crash: a hook installed once stays quiet on a thread inside
/// `guarded` and hands every other panic to the hook that was there before.
fn guarded<T>(file: &Arc<str>, f: impl FnOnce() -> T) -> Result<T> {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .map_or_else(|| crate::msg!("table-no-details").into(), Arg::Text);
        Error::syntax(Position::in_file(file), crate::msg!("table-library-failed", why = why))
    })
}

/// Each part of a ZIP workbook (a sheet's XML, the shared strings) within `max_sheet_size`
/// unpacked, checked from the archive's directory before anything is unpacked.
fn check_parts(bytes: &[u8], limits: &Limits, file: &Arc<str>) -> Result<()> {
    if kind(bytes) != Some(Kind::Zip) {
        return Ok(());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| open_error(file, e))?;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|e| open_error(file, e))?;
        if part.size() > limits.max_sheet_size {
            return Err(Error::limit(
                Position::in_file(file),
                crate::msg!("table-limit-workbook-part", part = part.name(), bytes = part.size()),
                describe_size(limits.max_sheet_size),
                "--max-sheet-size",
            ));
        }
    }
    Ok(())
}

/// The cells a sheet holds and the rectangle they span: calamine allocates that whole rectangle
/// (cells `A1` and `XFD1048576` are 17 billion of them), so it is measured first, streaming.
#[derive(Default)]
struct Span {
    cells: u64,
    rows: Option<(u32, u32)>,
    columns: Option<(u32, u32)>,
}

impl Span {
    fn add(&mut self, (row, column): (u32, u32), limits: &Limits, file: &Arc<str>, sheet: &str) -> Result<()> {
        let widen = |r: Option<(u32, u32)>, v: u32| Some(r.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
        self.cells += 1;
        self.rows = widen(self.rows, row);
        self.columns = widen(self.columns, column);
        let extent = |r: Option<(u32, u32)>| r.map_or(0, |(lo, hi)| u64::from(hi - lo) + 1);
        let area = extent(self.rows) * extent(self.columns);
        if self.cells > limits.max_cells || area > limits.max_cells {
            let what = if self.cells > limits.max_cells {
                crate::msg!("table-limit-sheet-cells", sheet = sheet, cells = limits.max_cells)
            } else {
                crate::msg!(
                    "table-limit-sheet-area",
                    sheet = sheet,
                    cells = area,
                    row = row + 1,
                    column = column_letters(column as usize)
                )
            };
            return Err(Error::limit(Position::in_file(file), what, limits.max_cells.to_string(), "--max-cells"));
        }
        Ok(())
    }
}

/// Measures the sheet before calamine loads it, where calamine can stream its cells (xlsx, xlsb).
fn check_cells(book: &mut Book, name: &str, limits: &Limits, file: &Arc<str>) -> Result<()> {
    let mut span = Span::default();
    match book {
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(name).map_err(|e| open_error(file, e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| open_error(file, e))? {
                span.add(cell.get_position(), limits, file, name)?;
            }
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(name).map_err(|e| open_error(file, e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| open_error(file, e))? {
                span.add(cell.get_position(), limits, file, name)?;
            }
        }
        // xls: its cells are bounded by the file's size; ods: calamine offers no stream.
        _ => {}
    }
    Ok(())
}

/// The sheet's name and cells, and whether the text was read as Windows-1251 by a guess.
fn load(bytes: &[u8], sheet: Option<&str>, limits: &Limits, file: &Arc<str>) -> Result<(String, Range<Data>, bool)> {
    check_parts(bytes, limits, file)?;
    if kind(bytes) == Some(Kind::Ole) {
        super::xls_guard::check(bytes, limits, file)?;
    }
    let (mut book, guessed) = open_book(bytes, file)?;
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
            Some(wanted) => crate::msg!(
                "table-no-such-sheet",
                file = file.to_string(),
                sheet = format!("{wanted:?}"),
                sheets = list
            ),
            None => crate::msg!("table-no-sheets", file = file.to_string()),
        }));
    };
    check_cells(&mut book, &name, limits, file)?;
    let range = book.worksheet_range(&name).map_err(|e| open_error(file, e))?;
    Ok((name, range, guessed))
}

impl SheetRows {
    /// Reads the workbook and picks the sheet: by name, then by 1-based number; the first by default.
    pub fn open(input: RawInput, sheet: Option<&str>, limits: &Limits, diag: &mut Diagnostics) -> Result<Self> {
        let file = input.name.clone();
        let mut bytes = Vec::new();
        // A workbook is read whole (calamine needs it so): no more than the limit of it.
        input
            .into_reader()
            .take(limits.max_sheet_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| read_error(&file, &e))?;
        if bytes.len() as u64 > limits.max_sheet_size {
            return Err(Error::limit(
                Position::in_file(&file),
                crate::msg!("table-limit-spreadsheet-file"),
                describe_size(limits.max_sheet_size),
                "--max-sheet-size",
            ));
        }
        let (name, range, guessed) = guarded(&file, || load(&bytes, sheet, limits, &file))??;
        if guessed {
            diag.warn(
                Warning::new(WarningKind::XlsCodepageGuessed, crate::msg!("table-xls-codepage-guessed"))
                    .at(Position::in_file(&file)),
            )?;
        }
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

    /// `Лист1!D8 (Цена)`: a cell as positions and messages name it, the same in every language.
    fn cell_ref(&self, row: u64, column: usize, title: Option<&str>) -> String {
        let cell = format!("{}!{}{row}", self.sheet_ref(), column_letters(column));
        match title {
            Some(t) => format!("{cell} ({t})"),
            None => cell,
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
        Position::in_file(&self.file).with_field(self.cell_ref(row, column, title))
    }

    fn cell_name(&self, row: u64, column: usize, title: Option<&str>) -> Arg {
        self.cell_ref(row, column, title).into()
    }

    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn place(&self) -> String {
        format!("sheet «{}»", self.sheet)
    }

    fn place_text(&self) -> Message {
        crate::msg!("table-place-sheet", sheet = self.sheet.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_guarded_is_an_error_naming_the_file() {
        let file: Arc<str> = "old.xls".into();
        let err = guarded(&file, || -> u8 { panic!("range end index 2 out of range") }).unwrap_err();
        assert!(matches!(err.kind(), crate::error::ErrorKind::Syntax { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "old.xls: the spreadsheet library failed on this file (range end index 2 out of range); open it in \
             Excel or LibreOffice, save it as .xlsx and convert that"
        );
        let err = guarded(&file, || -> u8 { std::panic::panic_any(7u8) }).unwrap_err();
        assert!(err.to_string().contains("(no details)"), "{err}");
        assert_eq!(guarded(&file, || 5).unwrap(), 5);
        assert!(!GUARDED.with(std::cell::Cell::get), "the thread is unguarded again");
    }

    #[test]
    fn biff5_is_told_by_its_book_stream() {
        let mut bytes = vec![0u8; 1024];
        let entry = &mut bytes[640..768];
        entry[..10].copy_from_slice(b"B\0o\0o\0k\0\0\0");
        entry[64] = 10;
        entry[66] = 2;
        assert!(is_biff5(&bytes));
        bytes[640] = b'W';
        assert!(!is_biff5(&bytes));
    }
}
