//! ATOL / Frontol offline-till text files (reference `formats-1c.md` §1): the goods file 1C
//! writes for the till (`atol-goods`) and the sales report the till leaves for 1C
//! (`atol-report`). Both are `;`-separated lines without quoting, Windows-1251, CRLF, with decimal
//! commas by default. The shared line reading and field helpers are here.

use std::borrow::Cow;
use std::io::BufRead;
use std::sync::Arc;

use crate::budget::{record_too_long, too_long_error, RecordBudget};
use crate::error::{Error, Position, Result};
use crate::formats::fields;
use crate::i18n::Message;
use crate::limits::Limits;
use crate::text::{read_error, RawInput, TextInput};

mod cards;
pub mod goods;
pub mod report;

/// Reads a decoded text file line by line, keeping line numbers for messages. Lines are bytes:
/// the text was checked when it was decoded, so a field becomes text only when it is read.
pub struct Lines {
    pub name: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    number: u64,
    /// Bytes of decoded text consumed, and the bound on one line.
    consumed: u64,
    budget: RecordBudget,
    /// The line `next_text` reads into.
    buf: Vec<u8>,
}

impl Lines {
    pub fn open(input: RawInput, forced: Option<&'static encoding_rs::Encoding>, limits: &Limits) -> Result<Self> {
        let TextInput { name, reader, budget, .. } = input.into_text(forced)?;
        budget.limit_to(limits.max_record_size);
        Ok(Lines { name, reader: Box::new(reader), number: 0, consumed: 0, budget, buf: Vec::new() })
    }

    /// Reads the next line into `line`, without its line end; `false` at the end of the file.
    pub fn read_into(&mut self, line: &mut Vec<u8>) -> Result<bool> {
        line.clear();
        let n = self.reader.read_until(b'\n', line).map_err(|e| match record_too_long(&e) {
            Some(too_long) => {
                too_long_error(Position { line: Some(self.number + 1), ..Position::in_file(&self.name) }, too_long)
            }
            None => read_error(&self.name, &e),
        })?;
        if n == 0 {
            return Ok(false);
        }
        self.consumed += n as u64;
        self.budget.mark(self.consumed);
        self.number += 1;
        while let Some(b'\n' | b'\r') = line.last() {
            line.pop();
        }
        Ok(true)
    }

    /// The next line as text (for the few header lines); `None` at the end of the file.
    pub fn next_text(&mut self) -> Result<Option<String>> {
        let mut buf = std::mem::take(&mut self.buf);
        let text = match self.read_into(&mut buf)? {
            true => Some(self.text(&buf)?.to_string()),
            false => None,
        };
        self.buf = buf;
        Ok(text)
    }

    /// A whole line (read by `read_into`) as text.
    pub fn text<'a>(&self, line: &'a [u8]) -> Result<&'a str> {
        fields::utf8(line, || self.pos())
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
/// A field is turned into text when it is read.
pub struct Fields<'a> {
    line: &'a [u8],
    /// Where each field ends (a `;`, or the end of the line).
    ends: &'a [usize],
    lines: &'a Lines,
}

impl<'a> Fields<'a> {
    /// The fields of `line`, the current line of `lines`; `ends` is a buffer reused from line to
    /// line.
    pub fn split(line: &'a [u8], lines: &'a Lines, ends: &'a mut Vec<usize>) -> Self {
        ends.clear();
        ends.extend(line.iter().enumerate().filter(|(_, b)| **b == b';').map(|(i, _)| i));
        ends.push(line.len());
        Fields { line, ends, lines }
    }

    /// How many fields the line has.
    pub fn count(&self) -> usize {
        self.ends.len()
    }

    fn bytes(&self, n: usize) -> &'a [u8] {
        let start = match n {
            0 | 1 => 0,
            n => self.ends.get(n - 2).map_or(self.line.len(), |e| e + 1),
        };
        let end = self.ends.get(n.wrapping_sub(1)).copied().unwrap_or(self.line.len());
        self.line.get(start..end).unwrap_or_default()
    }

    /// Field `n`, trimmed.
    pub fn get(&self, n: usize) -> Result<&'a str> {
        let at = || {
            let mut pos = self.lines.pos();
            pos.column = Some(n as u64);
            pos
        };
        Ok(fields::utf8(self.bytes(n), at)?.trim())
    }

    /// Whether field `n` is empty once trimmed (without turning it into text when it is ASCII).
    pub fn is_empty(&self, n: usize) -> Result<bool> {
        match self.bytes(n) {
            b"" => Ok(true),
            bytes => fields::is_blank(bytes, || self.lines.pos()),
        }
    }
}

/// Text made safe for a `;` file: `;` and `#` (which 1C strips too) become spaces, line breaks
/// become spaces, spaces at the ends are removed (1C's `TrimAll`; the reader trims fields, so
/// they would not come back), and the text is cut to `limit` characters. Returns what changed,
/// for a warning.
pub fn clean_text(text: &str, limit: usize) -> (Cow<'_, str>, Option<Message>) {
    // Most text needs nothing: no `;`, `#` or line break, no spaces at the ends, short enough
    // (a character takes at least one byte, so `limit` bytes are at most `limit` characters).
    let clean = !text.contains([';', '#', '\n', '\r']) && text.trim() == text;
    if clean && (text.len() <= limit || text.chars().count() <= limit) {
        return (Cow::Borrowed(text), None);
    }
    let mut changed = Vec::new();
    let mut cleaned: String = text
        .chars()
        .map(|c| match c {
            ';' | '#' | '\n' | '\r' => {
                let replaced = crate::msg!("atol-change-replaced");
                if !changed.contains(&replaced) {
                    changed.push(replaced);
                }
                ' '
            }
            c => c,
        })
        .collect();
    if cleaned.trim() != cleaned {
        cleaned = cleaned.trim().to_string();
        changed.push(crate::msg!("atol-change-trimmed"));
    }
    if cleaned.chars().count() > limit {
        cleaned = cleaned.chars().take(limit).collect::<String>().trim_end().to_string();
        changed.push(crate::msg!("atol-change-cut"));
    }
    let note = crate::formats::join_messages(changed, false)
        .map(|changes| crate::msg!("atol-text-note", value = format!("{text:?}"), changes = changes));
    (Cow::Owned(cleaned), note)
}

/// A required header line is missing or wrong.
pub fn bad_header(lines: &Lines, found: &str, expected: Message) -> Error {
    Error::bad_value(lines.pos(), found, expected)
}
