//! Shared reading of delimited text (`;` CSV from 1C, Bifit, Excel): decoding to UTF-8 first,
//! header names looked up once, and every cell positioned by line and column for messages (found
//! only when a message needs one).

use std::collections::HashMap;
use std::sync::Arc;

use crate::budget::RecordBudget;
use crate::error::{Error, Position, Result};
use crate::formats::fields;
use crate::limits::Limits;
use crate::text::{read_error, DetectedEncoding, LineIndex, RawInput, TextInput};

type Source = crate::text::TextReader;

/// Rows are read as bytes: the input is already decoded and checked, so a field is turned into
/// text only when a reader uses it. Readers find their columns once, when the file is opened.
pub struct CsvSource {
    pub name: Arc<str>,
    pub encoding: DetectedEncoding,
    reader: csv::Reader<Source>,
    lines: LineIndex,
    header: Vec<String>,
    index: HashMap<String, usize>,
    record: csv::ByteRecord,
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
            index: HashMap::new(),
            record: csv::ByteRecord::new(),
            rows: 0,
            budget,
            limits: *limits,
        };
        if !src.next_row()? {
            return Err(Error::syntax(Position::in_file(&src.name), crate::msg!("fmt-csv-empty")));
        }
        let header = (0..src.record.len())
            .map(|c| Ok(src.text(Some(c))?.trim().trim_start_matches('\u{feff}').to_uppercase()))
            .collect::<Result<Vec<String>>>()?;
        src.header = header;
        for (i, h) in src.header.iter().enumerate() {
            src.index.entry(h.clone()).or_insert(i);
        }
        Ok(src)
    }

    /// The column a header names (upper case), for readers to look up once.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Reads the next row; `false` at the end. Blank lines are skipped.
    pub fn next_row(&mut self) -> Result<bool> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(false),
                Ok(true) => {
                    self.budget.mark(self.reader.position().byte());
                    self.rows += 1;
                    self.check_limits()?;
                    if self.is_blank_row()? {
                        continue;
                    }
                    return Ok(true);
                }
                Err(e) => return Err(self.csv_error(e)),
            }
        }
    }

    fn is_blank_row(&self) -> Result<bool> {
        for c in 0..self.record.len() {
            if !self.is_blank(Some(c))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Columns and field sizes of the row just read: memory is bounded by the record budget, but
    /// a row beyond these is not a price list.
    fn check_limits(&self) -> Result<()> {
        let columns = self.record.len() as u64;
        if columns > self.limits.max_columns {
            return Err(Error::limit(
                self.pos(None),
                crate::msg!("fmt-limit-row-columns", columns = columns),
                self.limits.max_columns.to_string(),
                "--max-columns",
            ));
        }
        match self.record.iter().position(|f| f.len() as u64 > self.limits.max_value_size) {
            Some(c) => Err(Error::limit(
                self.pos(Some(c)),
                crate::msg!("fmt-limit-field-bytes", bytes = self.record[c].len()),
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
                Error::syntax(pos, crate::msg!("fmt-csv-unreadable-row", error = format!("{other:?}")))
            }
        }
    }

    /// The bytes of a cell of the current row; empty when the row is short.
    pub fn bytes(&self, column: Option<usize>) -> &[u8] {
        column.and_then(|c| self.record.get(c)).unwrap_or(b"")
    }

    /// The text of a cell of the current row (as written, not trimmed); empty when the row is short.
    pub fn text(&self, column: Option<usize>) -> Result<&str> {
        fields::utf8(self.bytes(column), || self.pos(column))
    }

    /// Whether a cell holds nothing but spaces (an absent cell does).
    pub fn is_blank(&self, column: Option<usize>) -> Result<bool> {
        fields::is_blank(self.bytes(column), || self.pos(column))
    }

    /// How many cells the current row has.
    pub fn cells(&self) -> usize {
        self.record.len()
    }

    /// The line the current row starts on.
    pub fn line(&self) -> Option<u64> {
        self.record.position().map(|p| self.record_line(p))
    }

    /// Where a cell of the current row is: line, column number and the header's name.
    pub fn pos(&self, column: Option<usize>) -> Position {
        let mut pos = Position::in_file(&self.name);
        pos.line = self.line();
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
