//! Plain CSV price lists, read through the shared `CsvSource` (encoding detection, positions).
//! The delimiter (`;`, `,` or tab) is sniffed from the header line.

use std::sync::Arc;

use super::cells::Cell;
use super::mapping::Field;
use super::{Row, Rows};
use crate::error::{Position, Result};
use crate::formats::csv_text::CsvSource;
use crate::i18n::{Arg, Message};
use crate::limits::Limits;
use crate::text::RawInput;

/// How many columns are read from a row before the mapping is known.
const SCAN_WIDTH: usize = 64;

pub struct CsvRows {
    csv: CsvSource,
    /// The first row, which `CsvSource` takes as its header, handed out as a row like the others.
    first: Option<Row>,
    width: usize,
}

/// The decoded start of the input (as `--input-encoding` or detection says), for sniffing.
fn head_text(input: &RawInput, forced: Option<&'static encoding_rs::Encoding>) -> String {
    match forced {
        Some(encoding) => encoding.decode_with_bom_removal(&input.head).0.into_owned(),
        None => input.head_text(),
    }
}

/// Cells of one line split by `delimiter` (quotes respected).
fn split(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// How many fields the titles of a line name, split by `delimiter`.
fn titles_matched(line: &str, delimiter: u8) -> usize {
    let cells = split(line, delimiter);
    Field::ALL.iter().filter(|f| cells.iter().any(|c| f.is_title(c))).count()
}

/// The delimiter of the header line (the first line whose titles name two fields), else the
/// one the first line has most of; `;` when in doubt.
pub fn sniff_delimiter(head: &str) -> u8 {
    let lines: Vec<&str> =
        head.trim_start_matches('\u{feff}').lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    for line in &lines {
        let best = [b';', b',', b'\t'].into_iter().map(|d| (titles_matched(line, d), d)).max_by_key(|(n, _)| *n);
        if let Some((_, d)) = best.filter(|(n, _)| *n >= 2) {
            return d;
        }
    }
    let first = lines.first().copied().unwrap_or("");
    let count = |d: char| first.matches(d).count();
    if count(',') > count(';') && count(',') > count('\t') {
        b','
    } else if count('\t') > count(';') {
        b'\t'
    } else {
        b';'
    }
}

/// How many lines a title block above a CSV header may take, for sniffing.
const SNIFF_LINES: usize = 10;

/// 1 when the first line has Russian price-list titles (two fields or more), or a line below a
/// title block does (three or more, to be surer), else 0.
pub fn sniff(head: &str) -> u8 {
    let lines = head.trim_start_matches('\u{feff}').lines().filter(|l| !l.trim().is_empty()).take(SNIFF_LINES);
    let matched = |line: &str| [b';', b',', b'\t'].into_iter().map(|d| titles_matched(line, d)).max().unwrap_or(0);
    let found = lines.enumerate().any(|(i, line)| matched(line) >= if i == 0 { 2 } else { 3 });
    u8::from(found)
}

impl CsvRows {
    pub fn open(input: RawInput, forced: Option<&'static encoding_rs::Encoding>, limits: &Limits) -> Result<Self> {
        let head = head_text(&input, forced);
        let delimiter = sniff_delimiter(&head);
        let first_line = head.trim_start_matches('\u{feff}').lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let original = split(first_line, delimiter);
        let csv = CsvSource::open(input, forced, delimiter, limits)?;
        // `CsvSource` keeps its first row upper-cased; the head has it as written.
        let upper: Vec<String> = original.iter().map(|c| c.trim().to_uppercase()).collect();
        let cells: Vec<Cell> = if upper == csv.header() {
            original.into_iter().map(Cell::Text).collect()
        } else {
            csv.header().iter().cloned().map(Cell::Text).collect()
        };
        let number = csv.line().unwrap_or(1);
        let first = Some(Row { number, cells }).filter(|r| !r.cells.iter().all(Cell::is_blank));
        Ok(CsvRows { csv, first, width: SCAN_WIDTH })
    }
}

impl Rows for CsvRows {
    fn next_row(&mut self) -> Result<Option<Row>> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        if !self.csv.next_row()? {
            return Ok(None);
        }
        // Cells past the row's end would be blank, and trailing blank cells are dropped.
        let width = self.width.min(self.csv.cells());
        let mut cells = Vec::with_capacity(width);
        for c in 0..width {
            let text = match self.csv.bytes(Some(c)) {
                b"" => String::new(),
                _ => self.csv.text(Some(c))?.to_string(),
            };
            cells.push(Cell::Text(text));
        }
        while cells.last().is_some_and(Cell::is_blank) {
            cells.pop();
        }
        let number = self.csv.line().unwrap_or(self.csv.row_number());
        Ok(Some(Row { number, cells }))
    }

    fn position(&self, row: u64, column: usize, title: Option<&str>) -> Position {
        let mut pos = Position::in_file(&self.csv.name);
        pos.line = Some(row);
        pos.column = Some(column as u64 + 1);
        pos.field = title.map(str::to_string);
        pos
    }

    fn file(&self) -> &Arc<str> {
        &self.csv.name
    }

    fn place(&self) -> String {
        format!("CSV ({})", self.csv.encoding.name())
    }

    fn place_text(&self) -> Message {
        crate::msg!("table-place-csv", encoding = self.csv.encoding.name())
    }

    fn cell_name(&self, row: u64, column: usize, title: Option<&str>) -> Arg {
        let cell = crate::msg!("table-cell-csv", row = row, column = column + 1);
        match title {
            Some(t) => crate::msg!("table-cell-titled", cell = cell, title = t).into(),
            None => cell.into(),
        }
    }

    fn row_name(&self, number: u64) -> Message {
        crate::msg!("table-line", number = number)
    }

    fn limit_width(&mut self, width: usize) {
        self.width = width.max(1);
    }
}
