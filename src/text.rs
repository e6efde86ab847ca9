//! Opening inputs, finding their encoding, decoding them to UTF-8 as a stream, and turning byte
//! offsets back into line and column for messages. Shared by every text format.
//!
//! Detection order (reference `formats-1c.md` §7–8): a BOM (UTF-8, UTF-16 LE/BE), then the XML
//! declaration, then strict UTF-8 over the first 64 KiB, then Windows-1251 — the encoding 1C and
//! Frontol write by default. Decoding never substitutes U+FFFD: a byte that is not valid in the
//! chosen encoding is an error with its offset, never silent garbage.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251};

use crate::budget::RecordBudget;
use crate::error::{Error, Position, Result};

/// How many bytes are peeked for sniffing formats and encodings.
pub const HEAD_LEN: usize = 64 * 1024;

/// How the encoding of an input was decided; `inspect` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingSource {
    Bom,
    XmlDeclaration,
    ValidUtf8,
    Fallback,
    Forced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetectedEncoding {
    pub encoding: &'static Encoding,
    pub source: EncodingSource,
    pub bom_len: usize,
}

impl DetectedEncoding {
    pub fn name(&self) -> &'static str {
        self.encoding.name()
    }

    pub fn describe(&self) -> String {
        let how = match self.source {
            EncodingSource::Bom => "byte order mark",
            EncodingSource::XmlDeclaration => "XML declaration",
            EncodingSource::ValidUtf8 => "valid UTF-8",
            EncodingSource::Fallback => "not UTF-8, assumed the Russian Windows code page",
            EncodingSource::Forced => "--input-encoding",
        };
        format!("{} ({how})", self.name())
    }
}

/// Looks up an encoding by any of its WHATWG labels (`utf-8`, `cp1251`, `windows-1251` …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

/// The encoding named in `<?xml … encoding="…"?>`, if the head starts with a declaration.
fn xml_declared_encoding(head: &[u8]) -> Option<String> {
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &head[start..];
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let end = rest.iter().take(512).position(|&b| b == b'>')?;
    let decl = std::str::from_utf8(&rest[..end]).ok()?;
    let at = decl.find("encoding")?;
    let after = decl[at + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let close = value.find(quote)?;
    Some(value[..close].to_string())
}

/// True when `bytes` is valid UTF-8, except possibly for a character cut off at the very end.
fn is_utf8_prefix(bytes: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none(),
    }
}

/// Decides the encoding of an input from its first bytes.
///
/// A declaration of UTF-8 over bytes that are not UTF-8 is returned as declared: the decoder then
/// fails with the offset of the first bad byte, which `open_text` turns into a clear message.
pub fn detect_encoding(head: &[u8], complete: bool) -> DetectedEncoding {
    if let Some((encoding, bom_len)) = Encoding::for_bom(head) {
        return DetectedEncoding { encoding, source: EncodingSource::Bom, bom_len };
    }
    if let Some(label) = xml_declared_encoding(head) {
        if let Some(encoding) = encoding_for_label(&label) {
            // A UTF-16 declaration without a BOM cannot have been read as ASCII; ignore it.
            if encoding != UTF_16LE && encoding != UTF_16BE {
                return DetectedEncoding { encoding, source: EncodingSource::XmlDeclaration, bom_len: 0 };
            }
        }
    }
    if is_utf8_prefix(head, complete) {
        DetectedEncoding { encoding: UTF_8, source: EncodingSource::ValidUtf8, bom_len: 0 }
    } else {
        DetectedEncoding { encoding: WINDOWS_1251, source: EncodingSource::Fallback, bom_len: 0 }
    }
}

/// Characters that bytes 0x80–0xBF become when UTF-8 is misread as Windows-1251: the tail of every
/// mojibake Cyrillic letter (`Р` + one of these, or `С` + one of these).
const MOJIBAKE_TAILS: &str = "ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—™љ›њќћџ\u{a0}ЎўЈ¤Ґ¦§Ё©Є«¬\u{ad}®Ї°±Ііґµ¶·ё№є»јЅѕї";

/// Finds text that was UTF-8, misread as Windows-1251 and saved again as UTF-8
/// (`Товары` → `РўРѕРІР°СЂС‹`). Returns an example word when the pattern dominates.
pub fn find_mojibake(text: &str) -> Option<String> {
    let mut pairs = 0usize;
    let mut cyrillic = 0usize;
    let mut example = None;
    let chars: Vec<char> = text.chars().take(HEAD_LEN).collect();
    for (i, w) in chars.windows(2).enumerate() {
        if ('\u{400}'..='\u{4FF}').contains(&w[0]) {
            cyrillic += 1;
        }
        if (w[0] == 'Р' || w[0] == 'С') && MOJIBAKE_TAILS.contains(w[1]) {
            pairs += 1;
            if example.is_none() {
                let start = chars[..i].iter().rposition(|c| !is_word_char(*c)).map_or(0, |p| p + 1);
                let end = chars[i..].iter().position(|c| !is_word_char(*c)).map_or(chars.len(), |p| i + p);
                example = Some(chars[start..end.min(start + 40)].iter().collect());
            }
        }
    }
    // Real Russian text has such pairs only by accident (e.g. «СЂ» never; «Рё» almost never).
    if pairs >= 3 && pairs * 4 >= cyrillic / 2 {
        example
    } else {
        None
    }
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '"' | '\'' | '<' | '>' | '=' | ';' | ',')
}

/// Reverses the mojibake: encodes as Windows-1251 and decodes as UTF-8. For the error message.
pub fn repair_mojibake(text: &str) -> Option<String> {
    let (bytes, _, unmappable) = WINDOWS_1251.encode(text);
    if unmappable {
        return None;
    }
    String::from_utf8(bytes.into_owned()).ok()
}

/// An input before its format is known: a name for messages and the first bytes for sniffing.
pub struct RawInput {
    pub name: Arc<str>,
    pub path: Option<PathBuf>,
    pub head: Vec<u8>,
    /// True when `head` holds the whole input.
    pub complete: bool,
    rest: Box<dyn Read + Send>,
}

impl RawInput {
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        Self::from_reader(path.display().to_string(), Some(path.to_path_buf()), Box::new(file))
    }

    pub fn stdin() -> Result<Self> {
        Self::from_reader("<stdin>".to_string(), None, Box::new(io::stdin()))
    }

    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Self> {
        Self::from_reader(name.to_string(), None, Box::new(io::Cursor::new(bytes)))
    }

    pub fn from_reader(name: String, path: Option<PathBuf>, mut reader: Box<dyn Read + Send>) -> Result<Self> {
        let mut head = Vec::with_capacity(HEAD_LEN);
        let io_path = path.clone().unwrap_or_else(|| PathBuf::from(&name));
        (&mut reader).take(HEAD_LEN as u64).read_to_end(&mut head).map_err(|e| Error::io(&io_path, e))?;
        let complete = head.len() < HEAD_LEN;
        Ok(RawInput { name: name.into(), path, head, complete, rest: reader })
    }

    pub fn extension(&self) -> Option<String> {
        self.path.as_ref()?.extension().map(|e| e.to_string_lossy().to_lowercase())
    }

    pub fn detect_encoding(&self) -> DetectedEncoding {
        detect_encoding(&self.head, self.complete)
    }

    /// True for ZIP (xlsx, ods) and OLE (xls) containers: binary, no text encoding.
    pub fn is_binary_container(&self) -> bool {
        self.head.starts_with(b"PK\x03\x04") || self.head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
    }

    /// The encoding as `inspect` and `convert` report it.
    pub fn describe_encoding(&self, forced: Option<&str>) -> String {
        match forced {
            Some(label) => format!("{label} (--input-encoding)"),
            None if self.is_binary_container() => "binary (spreadsheet container)".into(),
            None => self.detect_encoding().describe(),
        }
    }

    /// The head decoded for sniffing (lossy: it is only looked at, never converted).
    pub fn head_text(&self) -> String {
        let detected = self.detect_encoding();
        let (text, _) = detected.encoding.decode_without_bom_handling(&self.head[detected.bom_len..]);
        text.into_owned()
    }

    /// The whole input as raw bytes, head included (for binary formats).
    pub fn into_reader(self) -> impl Read + Send {
        io::Cursor::new(self.head).chain(self.rest)
    }

    /// Decodes the input to UTF-8. `forced` overrides detection (`--input-encoding`).
    pub fn into_text(self, forced: Option<&'static Encoding>) -> Result<TextInput> {
        let mut detected = self.detect_encoding();
        if let Some(encoding) = forced {
            let bom_len = match Encoding::for_bom(&self.head) {
                Some((bom_enc, len)) if bom_enc == encoding => len,
                _ => 0,
            };
            detected = DetectedEncoding { encoding, source: EncodingSource::Forced, bom_len };
        }
        let pos = Position::in_file(&self.name);
        if detected.encoding == UTF_8 && forced.is_none() {
            let body = &self.head[detected.bom_len..];
            if let Err(e) = std::str::from_utf8(body) {
                if e.error_len().is_some() || self.complete {
                    let (line, column) = line_col(&body[..e.valid_up_to()]);
                    return Err(Error::encoding(
                        Position { line: Some(line), column: Some(column), ..pos },
                        format!(
                            "the file says it is UTF-8, but byte 0x{:02X} here is not UTF-8; it looks like \
                             Windows-1251 (1C's \"ANSI\"). Save it as UTF-8, or convert with --input-encoding windows-1251",
                            body[e.valid_up_to()]
                        ),
                    ));
                }
            } else if let Some(example) = find_mojibake(std::str::from_utf8(body).unwrap_or_default()) {
                let repaired = repair_mojibake(&example).unwrap_or_default();
                let at = std::str::from_utf8(body).ok().and_then(|t| t.find(&example)).unwrap_or(0);
                let (line, column) = line_col(&body[..at]);
                return Err(Error::encoding(
                    Position { line: Some(line), column: Some(column), ..pos },
                    format!(
                        "the text is garbled (mojibake): {example:?} reads as {repaired:?} once undone. The \
                         file was saved as UTF-8 after being read as Windows-1251; export it again from the \
                         source system"
                    ),
                ));
            }
        }
        let name = self.name.clone();
        let raw: Box<dyn Read + Send> = Box::new(io::Cursor::new(self.head).chain(self.rest));
        let decoder = DecodingReader::new(raw, detected.encoding, detected.bom_len);
        let tracker = LineTracker::new(decoder);
        let lines = tracker.index.clone();
        let budget = tracker.budget.clone();
        Ok(TextInput { name, encoding: detected, reader: BufReader::with_capacity(64 * 1024, tracker), lines, budget })
    }
}

/// The decoded (UTF-8) text of an input, read through a buffer. Readers name this type only,
/// never what it is made of.
pub type TextReader = BufReader<LineTracker<DecodingReader<Box<dyn Read + Send>>>>;

/// A decoded (UTF-8) input with the means to turn offsets into lines and columns.
pub struct TextInput {
    pub name: Arc<str>,
    pub encoding: DetectedEncoding,
    pub reader: TextReader,
    pub lines: LineIndex,
    /// Off until the reader sets a limit and marks its records' ends.
    pub budget: RecordBudget,
}

impl TextInput {
    /// The position of a byte offset in the decoded text.
    pub fn position_at(&self, offset: u64) -> Position {
        self.lines.position_at(&self.name, offset)
    }
}

/// Line and column (1-based, in characters) at the end of `bytes`.
fn line_col(bytes: &[u8]) -> (u64, u64) {
    let line = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let last_line = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(p) => &bytes[p + 1..],
        None => bytes,
    };
    (line, chars_in(last_line) + 1)
}

fn chars_in(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

/// The payload of an `io::Error` for a byte that is not valid in the input's encoding.
#[derive(Debug)]
pub struct DecodeFailure {
    /// Offset in the raw (undecoded) input.
    pub raw_offset: u64,
    pub encoding: &'static str,
    pub bytes: Vec<u8>,
}

impl std::fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex: Vec<String> = self.bytes.iter().map(|b| format!("0x{b:02X}")).collect();
        write!(
            f,
            "byte {} of the file ({}) is not valid {}; the file is in another encoding or damaged \
             (try --input-encoding)",
            self.raw_offset,
            hex.join(" "),
            self.encoding
        )
    }
}

impl std::error::Error for DecodeFailure {}

/// Finds a `DecodeFailure` inside an I/O error (quick-xml and serde_json wrap them).
pub fn decode_failure(err: &io::Error) -> Option<&DecodeFailure> {
    err.get_ref()?.downcast_ref::<DecodeFailure>()
}

/// Streams any encoding_rs encoding as UTF-8, failing on malformed input instead of replacing it.
pub struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    in_buf: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    out_buf: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    /// Raw bytes handed to the decoder so far (BOM included).
    raw_offset: u64,
    eof: bool,
    finished: bool,
    /// A decoding failure met after some good text, reported on the read after that text.
    pending_error: Option<DecodeFailure>,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R, encoding: &'static Encoding, bom_len: usize) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            in_buf: vec![0; 64 * 1024].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            out_buf: vec![0; 3 * 64 * 1024 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            raw_offset: 0,
            eof: false,
            finished: false,
            pending_error: None,
        }
        .skip_bom(bom_len)
    }

    fn skip_bom(mut self, bom_len: usize) -> Self {
        let mut skipped = 0;
        while skipped < bom_len {
            let mut byte = [0u8; 1];
            match self.inner.read(&mut byte) {
                Ok(1) => skipped += 1,
                _ => break,
            }
        }
        self.raw_offset = skipped as u64;
        self
    }

    fn fill_output(&mut self) -> io::Result<()> {
        while self.out_start == self.out_end && !self.finished {
            if self.in_start == self.in_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.in_buf) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let src = &self.in_buf[self.in_start..self.in_end];
            let (result, read, written) =
                self.decoder.decode_to_utf8_without_replacement(src, &mut self.out_buf, self.eof);
            self.in_start += read;
            self.raw_offset += read as u64;
            self.out_start = 0;
            self.out_end = written;
            match result {
                DecoderResult::InputEmpty => {
                    if self.eof {
                        self.finished = true;
                    }
                }
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad, extra) => {
                    let bad_end = self.raw_offset - u64::from(extra);
                    let bad_start = bad_end - u64::from(bad);
                    let from = self.in_start.saturating_sub(usize::from(bad) + usize::from(extra));
                    let to = self.in_start.saturating_sub(usize::from(extra));
                    let failure = DecodeFailure {
                        raw_offset: bad_start,
                        encoding: self.encoding.name(),
                        bytes: self.in_buf[from..to].to_vec(),
                    };
                    if written > 0 {
                        // Hand out the good text first; the error comes on the next read.
                        self.finished = true;
                        self.pending_error = Some(failure);
                        return Ok(());
                    }
                    return Err(io::Error::new(io::ErrorKind::InvalidData, failure));
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_start == self.out_end {
            if let Some(failure) = self.pending_error.take() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, failure));
            }
            self.fill_output()?;
        }
        let n = (self.out_end - self.out_start).min(buf.len());
        buf[..n].copy_from_slice(&self.out_buf[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

/// Shared view of the recent decoded text, for turning offsets into line:column.
///
/// Keeps only the last few chunks (bounded memory); parsers report positions close to what they
/// last read, so that is enough. An older offset gives its byte offset only.
#[derive(Clone, Default)]
pub struct LineIndex(Arc<Mutex<LineHistory>>);

#[derive(Default)]
struct LineHistory {
    chunks: VecDeque<Chunk>,
    retained: usize,
    /// Line (1-based) and column (0-based chars) at the end of all text seen.
    end_line: u64,
    end_col: u64,
    end_offset: u64,
    /// The last position computed: a later offset in the same chunk is counted on from there
    /// rather than from the chunk's start (readers ask for every row's line, in order).
    cursor: Option<Cursor>,
}

#[derive(Clone, Copy)]
struct Cursor {
    chunk_start: u64,
    offset: u64,
    line: u64,
    /// 0-based, in characters.
    col: u64,
}

struct Chunk {
    start: u64,
    line: u64,
    col: u64,
    bytes: Vec<u8>,
}

const RETAIN_BYTES: usize = 512 * 1024;

impl LineIndex {
    fn push(&self, bytes: &[u8]) {
        let mut h = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if h.end_line == 0 {
            h.end_line = 1;
        }
        let (start, line, col) = (h.end_offset, h.end_line, h.end_col);
        let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        let tail_chars = match bytes.iter().rposition(|&b| b == b'\n') {
            Some(p) => chars_in(&bytes[p + 1..]),
            None => col + chars_in(bytes),
        };
        h.end_line += newlines;
        h.end_col = tail_chars;
        h.end_offset += bytes.len() as u64;
        h.retained += bytes.len();
        h.chunks.push_back(Chunk { start, line, col, bytes: bytes.to_vec() });
        while h.retained > RETAIN_BYTES && h.chunks.len() > 2 {
            if let Some(old) = h.chunks.pop_front() {
                h.retained -= old.bytes.len();
            }
        }
    }

    /// Line and column (1-based) of a byte offset in the decoded text, if still retained.
    pub fn line_col(&self, offset: u64) -> Option<(u64, u64)> {
        let mut h = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if offset >= h.end_offset {
            return (offset == h.end_offset).then_some((h.end_line.max(1), h.end_col + 1));
        }
        let cursor = h.cursor;
        let chunk = h.chunks.iter().rev().find(|c| c.start <= offset)?;
        let chunk_start = chunk.start;
        let (from, line, col) = match cursor {
            Some(c) if c.chunk_start == chunk.start && c.offset <= offset => (c.offset, c.line, c.col),
            _ => (chunk.start, chunk.line, chunk.col),
        };
        let within = &chunk.bytes[(from - chunk.start) as usize..(offset - chunk.start) as usize];
        let newlines = within.iter().filter(|&&b| b == b'\n').count() as u64;
        let col = match within.iter().rposition(|&b| b == b'\n') {
            Some(p) => chars_in(&within[p + 1..]),
            None => col + chars_in(within),
        };
        let line = line + newlines;
        h.cursor = Some(Cursor { chunk_start, offset, line, col });
        Some((line, col + 1))
    }

    /// The byte at an offset in the decoded text, if it has been read and is still retained.
    pub fn byte_at(&self, offset: u64) -> Option<u8> {
        let h = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let chunk = h.chunks.iter().rev().find(|c| c.start <= offset)?;
        chunk.bytes.get((offset - chunk.start) as usize).copied()
    }

    pub fn position_at(&self, file: &Arc<str>, offset: u64) -> Position {
        let mut pos = Position::in_file(file);
        match self.line_col(offset) {
            Some((line, column)) => {
                pos.line = Some(line);
                pos.column = Some(column);
            }
            None => pos.byte = Some(offset),
        }
        pos
    }
}

/// Passes bytes through while recording them in a `LineIndex`, and stops a record that goes
/// beyond its budget.
pub struct LineTracker<R> {
    inner: R,
    index: LineIndex,
    budget: RecordBudget,
    read: u64,
}

impl<R: Read> LineTracker<R> {
    pub fn new(inner: R) -> Self {
        LineTracker { inner, index: LineIndex::default(), budget: RecordBudget::default(), read: 0 }
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.budget.check(self.read)?;
        let n = self.inner.read(buf)?;
        self.index.push(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Turns an I/O error met while reading a decoded input into a positioned encoding error where
/// the cause was a bad byte.
pub fn read_error(name: &Arc<str>, err: &io::Error) -> Error {
    let pos = Position::in_file(name);
    if let Some(e) = crate::budget::record_too_long(err) {
        return crate::budget::too_long_error(Position { byte: Some(e.offset), ..pos }, e);
    }
    match decode_failure(err) {
        Some(failure) => Error::encoding(Position { byte: Some(failure.raw_offset), ..pos }, failure.to_string()),
        None => Error::io(name.to_string(), io::Error::new(err.kind(), err.to_string())),
    }
}

/// Encodes text for an output file. Characters the encoding cannot hold become `?` and are
/// returned so the caller can warn, naming the record: never a silent `?`.
pub fn encode_text(text: &str, encoding: &'static Encoding) -> (Vec<u8>, Vec<char>) {
    if encoding == UTF_8 {
        return (text.as_bytes().to_vec(), Vec::new());
    }
    let mut encoder = encoding.new_encoder();
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut unmappable = Vec::new();
    let mut rest = text;
    loop {
        let need = encoder.max_buffer_length_from_utf8_without_replacement(rest.len()).unwrap_or(rest.len() * 4 + 16);
        let start = out.len();
        out.resize(start + need, 0);
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, &mut out[start..], true);
        out.truncate(start + written);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => break,
            encoding_rs::EncoderResult::OutputFull => continue,
            encoding_rs::EncoderResult::Unmappable(c) => {
                out.push(b'?');
                unmappable.push(c);
            }
        }
    }
    (out, unmappable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unencodable_characters_are_reported() {
        let (bytes, lost) = encode_text("Чай №1 😀 Ǆ", WINDOWS_1251);
        assert_eq!(lost, vec!['😀', 'Ǆ']);
        assert_eq!(WINDOWS_1251.decode(&bytes).0, "Чай №1 ? ?");
    }

    fn decode_all(bytes: &[u8]) -> Result<(String, DetectedEncoding)> {
        let input = RawInput::from_bytes("t", bytes.to_vec())?;
        let mut text = input.into_text(None)?;
        let mut s = String::new();
        text.reader.read_to_string(&mut s).map_err(|e| read_error(&text.name, &e))?;
        Ok((s, text.encoding))
    }

    #[test]
    fn detects_boms_declarations_and_the_fallback() {
        let (s, e) = decode_all(b"\xEF\xBB\xBF<a>\xD0\x96</a>").unwrap();
        assert_eq!((s.as_str(), e.source), ("<a>Ж</a>", EncodingSource::Bom));
        let (s, e) = decode_all(b"\xFF\xFE<\0a\0/\0>\0").unwrap();
        assert_eq!((s.as_str(), e.name()), ("<a/>", "UTF-16LE"));
        let (s, e) = decode_all(b"<?xml version='1.0' encoding='windows-1251'?><a>\xC6</a>").unwrap();
        assert!(s.ends_with("<a>Ж</a>"));
        assert_eq!(e.source, EncodingSource::XmlDeclaration);
        let (s, e) = decode_all(b"<a>\xC6</a>").unwrap();
        assert_eq!((s.as_str(), e.source), ("<a>Ж</a>", EncodingSource::Fallback));
    }

    #[test]
    fn declared_utf8_that_is_windows_1251_is_reported_with_its_position() {
        let err = decode_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\xD2\xEE\xE2\xE0\xF0</a>").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 2, column 4"), "{msg}");
        assert!(msg.contains("Windows-1251"), "{msg}");
    }

    #[test]
    fn mojibake_is_reported() {
        let err = decode_all("<a Name=\"РўРѕРІР°СЂС‹\" B=\"РЈСЃР»СѓРіРё\"/>".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("Товары"), "{err}");
        assert!(find_mojibake("Сергей Рябов, Россия, Сочи, Рязань").is_none());
    }

    #[test]
    fn a_bad_byte_after_the_head_is_an_error_not_a_replacement_character() {
        let mut bytes = vec![b'a'; HEAD_LEN + 10];
        bytes.extend_from_slice(b"\xFF\xFE tail");
        let err = decode_all(&bytes).unwrap_err();
        assert!(err.to_string().contains(&format!("byte {}", HEAD_LEN + 10)), "{err}");
    }

    #[test]
    fn line_index_maps_offsets() {
        let index = LineIndex::default();
        index.push("ab\nвг".as_bytes());
        index.push("д\nx".as_bytes());
        assert_eq!(index.line_col(0), Some((1, 1)));
        assert_eq!(index.line_col(3), Some((2, 1)));
        assert_eq!(index.line_col(7), Some((2, 3)));
        assert_eq!(index.line_col(10), Some((3, 1)));
    }
}
