//! Opening inputs, finding their encoding, decoding them to UTF-8 as a stream, and turning byte
//! offsets back into line and column for messages. Shared by every text format.
//!
//! Detection order (reference `formats-1c.md` §7–8): a BOM (UTF-8, UTF-16 LE/BE), then the XML
//! declaration, then strict UTF-8 over the first 64 KiB, then Windows-1251 — the encoding 1C and
//! Frontol write by default. Decoding never substitutes U+FFFD: a byte that is not valid in the
//! chosen encoding is an error with its offset, never silent garbage.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251};

mod reader;

pub use reader::{decode_failure, DecodeFailure, LineIndex, TextReader};

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

    /// `UTF-8 (XML declaration)`, in English: a `--json` value.
    pub fn describe(&self) -> String {
        self.describe_message().render(crate::i18n::Lang::En)
    }

    /// The encoding and how it was found, said in the language of whoever displays it.
    pub fn describe_message(&self) -> crate::i18n::Message {
        let how = match self.source {
            EncodingSource::Bom => crate::msg!("fmt-encoding-by-bom"),
            EncodingSource::XmlDeclaration => crate::msg!("fmt-encoding-by-xml-declaration"),
            EncodingSource::ValidUtf8 => crate::msg!("fmt-encoding-by-valid-utf8"),
            EncodingSource::Fallback => crate::msg!("fmt-encoding-by-fallback"),
            EncodingSource::Forced => crate::msg!("fmt-encoding-by-option"),
        };
        crate::msg!("fmt-encoding-described", name = self.name(), how = how)
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
        self.encoding_message(forced).render(crate::i18n::Lang::En)
    }

    /// [`RawInput::describe_encoding`], said in the language of whoever displays it.
    pub fn encoding_message(&self, forced: Option<&str>) -> crate::i18n::Message {
        match forced {
            Some(label) => {
                crate::msg!("fmt-encoding-described", name = label, how = crate::msg!("fmt-encoding-by-option"))
            }
            None if self.is_binary_container() => crate::msg!("fmt-encoding-binary"),
            None => self.detect_encoding().describe_message(),
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
                        crate::msg!("fmt-declared-utf8-is-1251", byte = format!("0x{:02X}", body[e.valid_up_to()])),
                    ));
                }
            } else if let Some(example) = find_mojibake(std::str::from_utf8(body).unwrap_or_default()) {
                let repaired = repair_mojibake(&example).unwrap_or_default();
                let at = std::str::from_utf8(body).ok().and_then(|t| t.find(&example)).unwrap_or(0);
                let (line, column) = line_col(&body[..at]);
                return Err(Error::encoding(
                    Position { line: Some(line), column: Some(column), ..pos },
                    crate::msg!("fmt-mojibake", example = format!("{example:?}"), repaired = format!("{repaired:?}")),
                ));
            }
        }
        let name = self.name.clone();
        let raw: Box<dyn Read + Send> = Box::new(io::Cursor::new(self.head).chain(self.rest));
        let reader = TextReader::new(raw, detected.encoding, detected.bom_len);
        let lines = reader.lines().clone();
        let budget = reader.budget().clone();
        Ok(TextInput { name, encoding: detected, reader, lines, budget })
    }
}

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

/// Characters in UTF-8 bytes: every byte that does not continue a sequence starts one.
pub(crate) fn chars_in(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

/// Turns an I/O error met while reading a decoded input into a positioned encoding error where
/// the cause was a bad byte.
pub fn read_error(name: &Arc<str>, err: &io::Error) -> Error {
    let pos = Position::in_file(name);
    if let Some(e) = crate::budget::record_too_long(err) {
        return crate::budget::too_long_error(Position { byte: Some(e.offset), ..pos }, e);
    }
    match decode_failure(err) {
        Some(failure) => Error::encoding(Position { byte: Some(failure.raw_offset), ..pos }, failure.message()),
        None => Error::io(name.to_string(), io::Error::new(err.kind(), err.to_string())),
    }
}

/// Encodes text for an output file. Characters the encoding cannot hold become `?` and are
/// returned so the caller can warn, naming the record: never a silent `?`.
pub fn encode_text(text: &str, encoding: &'static Encoding) -> (Vec<u8>, Vec<char>) {
    let (mut out, mut unmappable) = (Vec::with_capacity(text.len() + 16), Vec::new());
    encode_into(encoding, text, &mut out, &mut unmappable);
    (out, unmappable)
}

/// `encode_text` into buffers the caller reuses (cleared first).
pub fn encode_into(encoding: &'static Encoding, text: &str, out: &mut Vec<u8>, unmappable: &mut Vec<char>) {
    out.clear();
    unmappable.clear();
    if encoding == UTF_8 {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    let mut encoder = encoding.new_encoder();
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
        index.push(Arc::new("ab\nвг".as_bytes().to_vec()));
        index.push(Arc::new("д\nx".as_bytes().to_vec()));
        assert_eq!(index.line_col(0), Some((1, 1)));
        assert_eq!(index.line_col(3), Some((2, 1)));
        assert_eq!(index.line_col(7), Some((2, 3)));
        assert_eq!(index.line_col(10), Some((3, 1)));
    }
}
