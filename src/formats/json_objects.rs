//! Streams JSON objects from a document that is one object, an array of objects, or JSON Lines,
//! keeping every value as its raw JSON text: numbers stay exact decimals (never `f64`), and
//! fields a reader does not map are carried as they were written.
//!
//! The stream is split into objects by their brackets, straight from the decoded text's buffer;
//! each object is then parsed from its own text (`json_fields::Object`), values borrowed. Where
//! anything is wrong, the object is read again by serde_json's stream parser from where it starts,
//! so errors read exactly as that parser words and places them.

use std::io::{self, BufRead, Read};
use std::sync::Arc;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::budget::RecordBudget;
use crate::error::{Error, Position, Result};
use crate::formats::json_fields::Object;
use crate::limits::Limits;
use crate::text::{read_error, RawInput, TextReader};

/// One JSON object as serde_json reads it from a stream: what the objects' errors are taken from.
type RawObject = IndexMap<String, Box<RawValue>>;

/// Calls `each(object, number)` for every object in the input (numbers from 1); `keys` are the
/// fields the reader knows.
pub fn for_each_object(
    input: RawInput,
    forced: Option<&'static encoding_rs::Encoding>,
    limits: &Limits,
    keys: &'static [&'static str],
    mut each: impl FnMut(&Object<'_>, u64) -> Result<()>,
) -> Result<()> {
    let text = input.into_text(forced)?;
    let name = text.name.clone();
    text.budget.limit_to(limits.max_record_size);
    let mut reader = text.reader;
    let mut skipped = 0u64;
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| read_error(&name, &e))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(p) => break Some(buf[p]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
                skipped += n as u64;
                text.budget.mark(skipped);
            }
        }
    };
    // serde_json counted lines from here: the white space skipped above is not counted.
    let mut stream = Stream {
        reader,
        name,
        budget: text.budget,
        offset: skipped,
        line: 1,
        line_start: skipped,
        text: Vec::new(),
        brackets: Vec::new(),
        count: 0,
        keys,
    };
    match first {
        None => Err(Error::syntax(Position::in_file(&stream.name), crate::msg!("fmt-json-empty"))),
        Some(b'[') => stream.array(&mut each),
        Some(_) => stream.lines(&mut each),
    }
}

/// serde_json's words for the errors between objects.
const EOF_IN_LIST: &str = "EOF while parsing a list";
const EOF_IN_VALUE: &str = "EOF while parsing a value";
const COMMA_OR_END: &str = "expected `,` or `]`";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";

struct Stream {
    reader: TextReader,
    name: Arc<str>,
    budget: RecordBudget,
    /// Bytes of decoded text consumed.
    offset: u64,
    /// The line (1-based) serde_json would be on, and the offset where that line starts.
    line: u64,
    line_start: u64,
    /// The object being read, and its open brackets.
    text: Vec<u8>,
    brackets: Vec<u8>,
    /// Objects handed on so far.
    count: u64,
    keys: &'static [&'static str],
}

/// Where an object starts, as serde_json counts: line and bytes before it on that line.
type Start = (u64, u64);

impl Stream {
    fn read_error(&self, e: &io::Error) -> Error {
        read_error(&self.name, e)
    }

    /// Consumes `n` bytes of the reader's buffer, `newlines` of them line ends, the last at `last`.
    fn consume(&mut self, n: usize, newlines: u64, last: Option<usize>) {
        self.reader.consume(n);
        if let Some(last) = last {
            self.line += newlines;
            self.line_start = self.offset + last as u64 + 1;
        }
        self.offset += n as u64;
    }

    /// The next byte after JSON white space, not consumed; `None` at the end.
    fn peek(&mut self) -> Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf().map_err(|e| read_error(&self.name, &e))?;
            if buf.is_empty() {
                return Ok(None);
            }
            let found = buf.iter().position(|b| !matches!(b, b' ' | b'\n' | b'\t' | b'\r'));
            let n = found.unwrap_or(buf.len());
            let next = found.map(|p| buf[p]);
            let newlines = buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
            let last = buf[..n].iter().rposition(|b| *b == b'\n');
            self.consume(n, newlines, last);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Consumes the byte `peek` returned (never a line end).
    fn bump(&mut self) {
        self.consume(1, 0, None);
    }

    fn start(&self) -> Start {
        (self.line, self.offset - self.line_start)
    }

    /// serde_json's error for the byte `peek` returned (`None`: the end of the input).
    fn syntax(&self, code: &str, peeked: bool) -> Error {
        let (line, before) = self.start();
        let column = before + u64::from(peeked);
        self.positioned(crate::tr!("fmt-json-error-at", error = code, line = line, column = column), line, column)
    }

    fn positioned(&self, message: String, line: u64, column: u64) -> Error {
        let mut pos = Position::in_file(&self.name);
        pos.line = Some(line);
        pos.column = Some(column);
        pos.record = Some(self.count + 1);
        Error::syntax(pos, crate::msg!("fmt-json-invalid", error = message))
    }

    /// A top-level array: `[`, objects separated by `,`, `]`, then nothing but white space.
    fn array(&mut self, each: &mut impl FnMut(&Object<'_>, u64) -> Result<()>) -> Result<()> {
        // Only a form feed, white space to `is_ascii_whitespace` but not to JSON, can come first.
        match self.peek()? {
            Some(b'[') => self.bump(),
            other => return Err(self.syntax("expected value", other.is_some())),
        }
        let mut first = true;
        loop {
            match self.peek()? {
                None => return Err(self.syntax(EOF_IN_LIST, false)),
                Some(b']') => break,
                Some(_) if first => {}
                Some(b',') => {
                    self.bump();
                    match self.peek()? {
                        Some(b']') => return Err(self.syntax(TRAILING_COMMA, true)),
                        Some(_) => {}
                        None => return Err(self.syntax(EOF_IN_VALUE, false)),
                    }
                }
                Some(_) => return Err(self.syntax(COMMA_OR_END, true)),
            }
            first = false;
            self.object(each)?;
        }
        self.bump();
        match self.peek()? {
            Some(_) => Err(self.syntax(TRAILING_CHARACTERS, true)),
            None => Ok(()),
        }
    }

    /// JSON Lines, or one object: objects separated by white space.
    fn lines(&mut self, each: &mut impl FnMut(&Object<'_>, u64) -> Result<()>) -> Result<()> {
        while self.peek()?.is_some() {
            self.object(each)?;
        }
        Ok(())
    }

    /// Reads the object that starts at the next byte and hands it on.
    fn object(&mut self, each: &mut impl FnMut(&Object<'_>, u64) -> Result<()>) -> Result<()> {
        let start = self.start();
        self.text.clear();
        let read = match self.reader.fill_buf() {
            Ok(buf) if buf.first() == Some(&b'{') => self.read_object(),
            Ok(_) => Ok(false),
            Err(e) => Err(e),
        };
        match read {
            Ok(true) => {}
            Ok(false) => return Err(self.reread(start, None)),
            Err(e) => return Err(self.reread(start, Some(e))),
        }
        let text = std::mem::take(&mut self.text);
        let parsed = std::str::from_utf8(&text).ok().and_then(|t| Object::parse(t, self.keys).ok());
        let Some(object) = parsed else {
            self.text = text;
            return Err(self.reread(start, None));
        };
        self.budget.mark(self.offset);
        self.count += 1;
        let result = each(&object, self.count);
        drop(object);
        self.text = text;
        result
    }

    /// Reads an object (the next byte is `{`) into `text`, to its closing bracket; `false` when
    /// a bracket does not match or the input ends first.
    fn read_object(&mut self) -> io::Result<bool> {
        self.brackets.clear();
        let (mut in_string, mut escaped) = (false, false);
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let (mut i, mut end, mut closed) = (0, None, true);
            let (mut newlines, mut last) = (0, None);
            while i < buf.len() {
                let b = buf[i];
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    } else {
                        // Skip to the next quote or escape.
                        i += buf[i..].iter().position(|c| *c == b'"' || *c == b'\\').unwrap_or(buf.len() - i);
                        continue;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' => self.brackets.push(b'}'),
                        b'[' => self.brackets.push(b']'),
                        b'}' | b']' => {
                            closed = self.brackets.pop() == Some(b);
                            if !closed || self.brackets.is_empty() {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        b'\n' => {
                            newlines += 1;
                            last = Some(i);
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            let n = end.unwrap_or(buf.len());
            self.text.extend_from_slice(&buf[..n]);
            self.consume(n, newlines, last);
            if end.is_some() {
                return Ok(closed);
            }
        }
    }

    /// The error of an object that could not be read: serde_json's stream parser reads it again
    /// from `start` (what was taken of it, then the rest of the input) and says what is wrong,
    /// where. After a failed read (`failed`), an object that is only cut short is that failure.
    fn reread(&mut self, start: Start, failed: Option<io::Error>) -> Error {
        let taken = io::Cursor::new(std::mem::take(&mut self.text));
        let mut de = serde_json::Deserializer::from_reader(taken.chain(&mut self.reader));
        let e = match RawObject::deserialize(&mut de) {
            Err(e) => e,
            // Read whole this time: nothing wrong but the failure, if any.
            Ok(_) => {
                return match failed {
                    Some(io) => self.read_error(&io),
                    None => self.positioned(crate::tr!("fmt-json-object-unreadable"), start.0, start.1),
                }
            }
        };
        match failed {
            Some(io) if e.is_eof() || e.is_io() => return self.read_error(&io),
            _ => {}
        }
        if e.is_io() {
            let io: io::Error = e.into();
            return self.read_error(&io);
        }
        if e.line() == 0 {
            return self.positioned_without(e.to_string());
        }
        let (line, column) = match e.line() as u64 {
            1 => (start.0, start.1 + e.column() as u64),
            n => (start.0 + n - 1, e.column() as u64),
        };
        let text = e.to_string();
        let code = text.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&text);
        self.positioned(crate::tr!("fmt-json-error-at", error = code, line = line, column = column), line, column)
    }

    fn positioned_without(&self, message: String) -> Error {
        let pos = Position { record: Some(self.count + 1), ..Position::in_file(&self.name) };
        Error::syntax(pos, crate::msg!("fmt-json-invalid", error = message))
    }
}

/// A JSON value as raw text, for objects built field by field.
pub fn raw(value: impl serde::Serialize) -> Box<RawValue> {
    serde_json::value::to_raw_value(&value).expect("a plain value serializes")
}

/// A JSON number with exactly the decimal's digits (`3000.00` stays `3000.00`).
pub fn raw_decimal(d: Option<Decimal>) -> Box<RawValue> {
    match d {
        Some(d) => RawValue::from_string(d.to_string()).expect("a decimal is a JSON number"),
        None => raw(()),
    }
}

/// Raw JSON text kept in `extra` back as a value; text that is not JSON becomes a string.
pub fn raw_extra(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_string()).unwrap_or_else(|_| raw(text))
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it.
pub fn push_string(out: &mut Vec<u8>, text: &str) {
    // Writing into a Vec cannot fail, and a string always serializes.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// Appends `text` kept in `extra` as the value it holds (`raw_extra`): its JSON as written when it
/// is JSON, else a JSON string.
pub fn push_raw_extra(out: &mut Vec<u8>, text: &str) {
    match serde_json::from_str::<&RawValue>(text) {
        Ok(raw) => out.extend_from_slice(raw.get().as_bytes()),
        Err(_) => push_string(out, text),
    }
}

/// Appends an amount as a JSON number with exactly the decimal's digits, or `null` (`raw_decimal`).
pub fn push_decimal(out: &mut Vec<u8>, d: Option<Decimal>) {
    use std::io::Write;
    match d {
        // Writing into a Vec cannot fail.
        Some(d) => {
            let _ = write!(out, "{d}");
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends `"key":` for the next field of an object; `first` leaves out the comma before it.
pub fn push_key(out: &mut Vec<u8>, key: &str, first: bool) {
    if !first {
        out.push(b',');
    }
    push_string(out, key);
    out.push(b':');
}
