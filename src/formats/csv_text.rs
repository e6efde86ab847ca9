//! Shared reading of delimited text (`;` CSV from 1C, Bifit, Excel): decoding to UTF-8 first,
//! header names looked up once, and every cell positioned by line and column for messages.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::budget::RecordBudget;
use crate::error::{Error, Position, Result};
use crate::limits::Limits;
use crate::text::{read_error, DetectedEncoding, LineIndex, RawInput, TextInput};

type Source = crate::text::TextReader;

/// FNV-1a for the header index: readers look columns up by name for every cell, and SipHash
/// (the default, made for untrusted keys) was a tenth of reading a БИФИТ file.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
}

pub struct CsvSource {
    pub name: Arc<str>,
    pub encoding: DetectedEncoding,
    reader: csv::Reader<Source>,
    lines: LineIndex,
    header: Vec<String>,
    index: HashMap<String, usize, BuildHasherDefault<Fnv>>,
    record: csv::StringRecord,
    rows: u64,
    budget: RecordBudget,
    limits: Limits,
}

impl CsvSource {
    /// Opens a delimited file whose first row names the columns (matched case-insensitively).
    pub fn open(
        input: RawInput,
        forced: Option<&'static encoding_rs::Encoding>,
        delimiter: u8,
        limits: &Limits,
    ) -> Result<Self> {
        let TextInput { name, encoding, reader, lines, budget } = input.into_text(forced)?;
        budget.limit_to(limits.max_record_size);
        let reader =
            csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(reader);
        let mut src = CsvSource {
            name,
            encoding,
            reader,
            lines,
            header: Vec::new(),
            index: HashMap::default(),
            record: csv::StringRecord::new(),
            rows: 0,
            budget,
            limits: *limits,
        };
        if !src.next_row()? {
            return Err(Error::syntax(Position::in_file(&src.name), "the file is empty: expected a header row"));
        }
        src.header = src.record.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_uppercase()).collect();
        for (i, h) in src.header.iter().enumerate() {
            src.index.entry(h.clone()).or_insert(i);
        }
        Ok(src)
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Reads the next row; `false` at the end. Blank lines are skipped.
    pub fn next_row(&mut self) -> Result<bool> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(false),
                Ok(true) => {
                    self.budget.mark(self.reader.position().byte());
                    self.rows += 1;
                    self.check_limits()?;
                    if self.record.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    return Ok(true);
                }
                Err(e) => return Err(self.csv_error(e)),
            }
        }
    }

    /// Columns and field sizes of the row just read: memory is bounded by the record budget, but
    /// a row beyond these is not a price list.
    fn check_limits(&self) -> Result<()> {
        let columns = self.record.len() as u64;
        if columns > self.limits.max_columns {
            return Err(Error::limit(
                self.pos(None),
                format!("a row of {columns} columns"),
                self.limits.max_columns.to_string(),
                "--max-columns",
            ));
        }
        match self.record.iter().position(|f| f.len() as u64 > self.limits.max_value_size) {
            Some(c) => Err(Error::limit(
                self.pos(Some(c)),
                format!("a field of {} bytes", self.record[c].len()),
                crate::limits::describe_size(self.limits.max_value_size),
                "--max-value-size",
            )),
            None => Ok(()),
        }
    }

    fn csv_error(&self, e: csv::Error) -> Error {
        let line = e.position().map(|p| p.line());
        match e.into_kind() {
            csv::ErrorKind::Io(io) => match crate::budget::record_too_long(&io) {
                Some(too_long) => {
                    let pos = Position { line, ..Position::in_file(&self.name) };
                    crate::budget::too_long_error(pos, too_long)
                }
                None => read_error(&self.name, &io),
            },
            other => {
                let mut pos = Position::in_file(&self.name);
                pos.line = line;
                Error::syntax(pos, format!("not a readable CSV row: {other:?}"))
            }
        }
    }

    /// The cell of the named column in the current row; empty when the row is short.
    pub fn get(&self, column: Option<usize>) -> &str {
        column.and_then(|c| self.record.get(c)).unwrap_or("")
    }

    /// The cell by column name.
    pub fn field(&self, name: &str) -> &str {
        self.get(self.column(name))
    }

    /// Where a cell of the current row is: line, column number and the header's name.
    pub fn pos(&self, column: Option<usize>) -> Position {
        let mut pos = Position::in_file(&self.name);
        pos.line = self.record.position().map(|p| self.record_line(p));
        if let Some(c) = column {
            pos.column = Some(c as u64 + 1);
            pos.field = self.header.get(c).cloned();
        }
        pos
    }

    /// The line a record starts on. The csv crate's own line is one too small after a CRLF
    /// terminator and on the record after a blank line (BurntSushi/rust-csv#395, #208): its byte
    /// offset points at the `\n` (or the blank line) before the record, so that is skipped here.
    fn record_line(&self, p: &csv::Position) -> u64 {
        let mut at = p.byte();
        while matches!(self.lines.byte_at(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.lines.line_col(at).map_or(p.line(), |(line, _)| line)
    }

    pub fn pos_of(&self, name: &str) -> Position {
        self.pos(self.column(name))
    }

    /// Number of the current row, counting the header as 1.
    pub fn row_number(&self) -> u64 {
        self.rows
    }
}
