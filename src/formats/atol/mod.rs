//! ATOL / Frontol offline-till text files (reference `formats-1c.md` §1): the goods file 1C
//! writes for the till (`atol-goods`) and the sales report the till leaves for 1C
//! (`atol-report`). Both are `;`-separated lines without quoting, Windows-1251, CRLF, with decimal
//! commas by default. The shared line reading and field helpers are here.

use std::io::BufRead;
use std::sync::Arc;

use crate::budget::{record_too_long, too_long_error, RecordBudget};
use crate::error::{Error, Position, Result};
use crate::limits::Limits;
use crate::text::{read_error, RawInput, TextInput};

mod cards;
pub mod goods;
pub mod report;

/// Reads a decoded text file line by line, keeping line numbers for messages.
pub struct Lines {
    pub name: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    buf: String,
    number: u64,
    /// Bytes of decoded text consumed, and the bound on one line.
    consumed: u64,
    budget: RecordBudget,
}

impl Lines {
    pub fn open(input: RawInput, forced: Option<&'static encoding_rs::Encoding>, limits: &Limits) -> Result<Self> {
        let TextInput { name, reader, budget, .. } = input.into_text(forced)?;
        budget.limit_to(limits.max_record_size);
        Ok(Lines { name, reader: Box::new(reader), buf: String::new(), number: 0, consumed: 0, budget })
    }

    /// The next line without its line end; `None` at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<&str>> {
        self.buf.clear();
        let n = self.reader.read_line(&mut self.buf).map_err(|e| match record_too_long(&e) {
            Some(too_long) => {
                too_long_error(Position { line: Some(self.number + 1), ..Position::in_file(&self.name) }, too_long)
            }
            None => read_error(&self.name, &e),
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.consumed += n as u64;
        self.budget.mark(self.consumed);
        self.number += 1;
        let line = self.buf.trim_end_matches(['\n', '\r']);
        Ok(Some(line))
    }

    /// The number of the line last returned (1-based).
    pub fn number(&self) -> u64 {
        self.number
    }

    pub fn pos(&self) -> Position {
        let mut pos = Position::in_file(&self.name);
        pos.line = Some(self.number);
        pos
    }

    /// The position of field `n` (1-based) of the current line, named for messages.
    pub fn field_pos(&self, n: usize, what: &str) -> Position {
        let mut pos = self.pos();
        pos.column = Some(n as u64);
        pos.field = Some(format!("field {n} ({what})"));
        pos
    }
}

/// The fields of a `;` line; field `n` is 1-based, and a short line has empty trailing fields.
pub struct Fields<'a>(pub Vec<&'a str>);

impl<'a> Fields<'a> {
    pub fn split(line: &'a str) -> Self {
        Fields(line.split(';').collect())
    }

    pub fn get(&self, n: usize) -> &'a str {
        self.0.get(n - 1).copied().unwrap_or("").trim()
    }
}

/// Text made safe for a `;` file: `;` and `#` (which 1C strips too) become spaces, line breaks
/// become spaces, spaces at the ends are removed (1C's `TrimAll`; the reader trims fields, so
/// they would not come back), and the text is cut to `limit` characters. Returns what changed,
/// for a warning.
pub fn clean_text(text: &str, limit: usize) -> (String, Option<String>) {
    let mut changed = Vec::new();
    let mut cleaned: String = text
        .chars()
        .map(|c| match c {
            ';' | '#' | '\n' | '\r' => {
                if !changed.contains(&"`;`, `#` or a line break replaced by a space") {
                    changed.push("`;`, `#` or a line break replaced by a space");
                }
                ' '
            }
            c => c,
        })
        .collect();
    if cleaned.trim() != cleaned {
        cleaned = cleaned.trim().to_string();
        changed.push("spaces at the ends removed");
    }
    if cleaned.chars().count() > limit {
        cleaned = cleaned.chars().take(limit).collect::<String>().trim_end().to_string();
        changed.push("cut to the field's length");
    }
    let note = (!changed.is_empty()).then(|| format!("{text:?}: {}", changed.join(", ")));
    (cleaned, note)
}

/// A required header line is missing or wrong.
pub fn bad_header(lines: &Lines, found: &str, expected: &str) -> Error {
    Error::bad_value(lines.pos(), found, expected)
}
