//! Writing XML: `XmlOut`, which every XML writer uses; it writes what quick-xml's indenting
//! writer wrote, byte for byte, without building an event per element.
//!
//! XML 1.0 forbids most C0 control characters (all but tab, LF and CR) and U+FFFE/U+FFFF, even
//! as character references, so no parser reads a document holding one. `XmlOut` removes them
//! from every value it writes and notes each removal (which record, which field, the value);
//! writers do not see diagnostics at every value, so the notes are kept per thread and
//! `report_removed_characters`, which the registry puts around every XML writer, turns them into
//! warnings after each call into the writer.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Write;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::Result;
use crate::i18n::Message;
use crate::model::{Header, Record};
use crate::msg;
use crate::sink::RecordSink;

/// Removals noted before they are reported; more are only counted (the report follows every
/// record, so only a writer that holds its records to the end comes near this).
const NOTED_REMOVALS: usize = 1000;
/// How much of a value a warning quotes.
const EXCERPT_CHARS: usize = 60;

/// Whether XML 1.0 allows a character (§2.2 `Char`; Rust strings hold no surrogates).
fn xml_forbids(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// A quick check on the bytes, as nearly every value passes: a C0 control byte other than tab,
/// LF and CR, or the start of U+FFFE/U+FFFF (`EF BF BE`, `EF BF BF`).
fn holds_forbidden(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => false,
        0..0x20 => true,
        0xEF => bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)),
        _ => false,
    })
}

/// What kind of record a writer is writing, to name it in a removal note (`product 00-001`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Group,
    Product,
    Receipt,
    /// The document's own attributes (the root element's).
    Document,
}

impl Subject {
    fn name(self, id: &str) -> Message {
        match self {
            Subject::Group => msg!("xml-subject-group", code = id),
            Subject::Product => msg!("xml-subject-product", code = id),
            Subject::Receipt => msg!("xml-subject-receipt", number = id),
            Subject::Document => msg!("xml-subject-document"),
        }
    }
}

/// One value written without the characters XML forbids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Removal {
    /// The record, as the writer named it (`product 00-001`); `None` when it named none.
    subject: Option<(Subject, String)>,
    /// The element path and attribute, e.g. `ProductsGroups/ProductGroup/Products/Product@Name`.
    field: String,
    removed: Vec<char>,
    /// The start of the value as it was, forbidden characters included.
    excerpt: String,
}

#[derive(Default)]
struct Removals {
    noted: Vec<Removal>,
    uncounted: u64,
}

thread_local! {
    static REMOVALS: RefCell<Removals> = RefCell::new(Removals::default());
}

fn note(removal: Removal) {
    REMOVALS.with(|r| {
        let mut r = r.borrow_mut();
        if r.noted.len() < NOTED_REMOVALS {
            r.noted.push(removal);
        } else {
            r.uncounted += 1;
        }
    });
}

fn take_removals() -> Removals {
    REMOVALS.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

impl Removal {
    fn warning(&self) -> Warning {
        let chars: Vec<String> = self.removed.iter().map(|c| format!("U+{:04X}", *c as u32)).collect();
        let cut = self.excerpt.chars().count() >= EXCERPT_CHARS;
        let value = format!("{:?}{}", self.excerpt, if cut { " …" } else { "" });
        let (field, chars, count) = (self.field.as_str(), chars.join(", "), self.removed.len());
        let message = match &self.subject {
            Some((kind, id)) => msg!(
                "xml-character-removed-in",
                subject = kind.name(id),
                field = field,
                chars = chars,
                value = value,
                count = count
            ),
            None => msg!("xml-character-removed", field = field, chars = chars, value = value, count = count),
        };
        Warning::new(WarningKind::CharacterRemoved, message)
    }
}

/// What a byte of a value needs: 0 nothing (nearly every byte), 1 escaping in text and
/// attributes, 2 escaping in attributes only, 3 a look: a C0 control character XML forbids, or
/// the first byte of U+FFFE/U+FFFF.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = 3;
        b += 1;
    }
    table[b'\t' as usize] = 2;
    table[b'\n' as usize] = 2;
    table[b'\r' as usize] = 1;
    table[b'<' as usize] = 1;
    table[b'>' as usize] = 1;
    table[b'&' as usize] = 1;
    table[b'\'' as usize] = 1;
    table[b'"' as usize] = 1;
    table[0xEF] = 3;
    table
};

/// Appends a value escaped as quick-xml escapes (`<`, `>`, `&`, quotes), also writing as
/// character references what a conforming parser would not give back as written: CR anywhere
/// (parsers turn line ends into LF, XML 1.0 §2.11) and, in attribute values, tab and LF too
/// (parsers turn them into spaces, §3.3.3). The value holds no character XML forbids.
fn escape_into(out: &mut Vec<u8>, value: &str, attribute: bool) {
    let mut plain = 0;
    for (i, &b) in value.as_bytes().iter().enumerate() {
        let reference: &[u8] = match b {
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'&' => b"&amp;",
            b'\'' => b"&apos;",
            b'"' => b"&quot;",
            b'\r' => b"&#13;",
            b'\t' if attribute => b"&#9;",
            b'\n' if attribute => b"&#10;",
            _ => continue,
        };
        out.extend_from_slice(&value.as_bytes()[plain..i]);
        out.extend_from_slice(reference);
        plain = i + 1;
    }
    out.extend_from_slice(&value.as_bytes()[plain..]);
}

/// Writes indented XML as quick-xml's indenting writer does (two spaces a level, a text
/// element on one line), straight into one buffer per element; every XML writer uses it.
pub struct XmlOut<W: Write> {
    out: W,
    /// The element being written, sent to `out` in one piece.
    buf: Vec<u8>,
    depth: usize,
    /// The next element starts on a new line (not after text).
    line_break: bool,
    /// The open elements joined by `/`, to name a field in a removal note.
    path: String,
    /// Where `path` ends before each open element.
    path_ends: Vec<usize>,
    /// The record being written, as the writer named it with `subject`.
    subject: Option<Subject>,
    /// Its code or number (a buffer kept between records).
    subject_id: String,
}

impl<W: Write> XmlOut<W> {
    pub fn new(out: W) -> Self {
        XmlOut {
            out,
            buf: Vec::with_capacity(1024),
            depth: 0,
            line_break: false,
            path: String::new(),
            path_ends: Vec::new(),
            subject: None,
            subject_id: String::new(),
        }
    }

    /// Names the record the next values belong to (`product 00-001`), for removal notes.
    pub fn subject(&mut self, kind: Subject, id: &str) {
        self.subject = Some(kind);
        self.subject_id.clear();
        self.subject_id.push_str(id);
    }

    pub fn declaration(&mut self) -> std::io::Result<()> {
        self.open_line();
        self.buf.extend_from_slice(br#"<?xml version="1.0" encoding="UTF-8"?>"#);
        self.line_break = true;
        self.send()
    }

    /// Opens an element with attributes in the given order.
    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        self.tag(name, attrs, b">");
        self.depth += 1;
        self.path_ends.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push('/');
        }
        self.path.push_str(name);
        self.send()
    }

    /// Writes an element with attributes and no content.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        self.tag(name, attrs, b"/>");
        self.send()
    }

    pub fn end(&mut self, name: &str) -> std::io::Result<()> {
        if let Some(end) = self.path_ends.pop() {
            self.path.truncate(end);
        }
        self.depth = self.depth.saturating_sub(1);
        self.closing(name);
        self.send()
    }

    /// `<name>text</name>` on one line; `<name/>` when the text is empty.
    pub fn text_element(&mut self, name: &str, text: &str) -> std::io::Result<()> {
        let text = self.allowed(text, name, None);
        if text.is_empty() {
            return self.empty(name, &[]);
        }
        self.tag(name, &[], b">");
        escape_into(&mut self.buf, &text, false);
        self.line_break = false;
        self.closing(name);
        self.send()
    }

    /// A new line and the indentation, unless the element follows text.
    fn open_line(&mut self) {
        if self.line_break {
            self.buf.push(b'\n');
            self.buf.resize(self.buf.len() + 2 * self.depth, b' ');
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)], close: &[u8]) {
        self.open_line();
        self.buf.push(b'<');
        self.buf.extend_from_slice(name.as_bytes());
        for (key, value) in attrs {
            self.buf.push(b' ');
            self.buf.extend_from_slice(key.as_bytes());
            self.buf.extend_from_slice(b"=\"");
            if value.bytes().all(|b| BYTE_CLASS[b as usize] == 0) {
                self.buf.extend_from_slice(value.as_bytes());
            } else {
                let value = self.allowed(value, name, Some(key));
                escape_into(&mut self.buf, &value, true);
            }
            self.buf.push(b'"');
        }
        self.buf.extend_from_slice(close);
        self.line_break = true;
    }

    fn closing(&mut self, name: &str) {
        self.open_line();
        self.buf.extend_from_slice(b"</");
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.push(b'>');
        self.line_break = true;
    }

    fn send(&mut self) -> std::io::Result<()> {
        let result = self.out.write_all(&self.buf);
        self.buf.clear();
        result
    }

    /// The value without the characters XML forbids, noting what was removed.
    fn allowed<'v>(&self, value: &'v str, element: &str, attribute: Option<&str>) -> Cow<'v, str> {
        if !holds_forbidden(value) {
            return Cow::Borrowed(value);
        }
        let mut removed: Vec<char> = Vec::new();
        let mut kept = String::with_capacity(value.len());
        for c in value.chars() {
            if !xml_forbids(c) {
                kept.push(c);
            } else if !removed.contains(&c) {
                removed.push(c);
            }
        }
        let mut field = self.path.clone();
        if !field.is_empty() {
            field.push('/');
        }
        field.push_str(element);
        if let Some(attribute) = attribute {
            field.push('@');
            field.push_str(attribute);
        }
        note(Removal {
            subject: self.subject.map(|kind| (kind, self.subject_id.clone())),
            field,
            removed,
            excerpt: value.chars().take(EXCERPT_CHARS).collect(),
        });
        Cow::Owned(kept)
    }

    /// Ends the document with a newline and flushes.
    pub fn finish(&mut self) -> std::io::Result<()> {
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// Wraps an XML writer so that the characters its `XmlOut` removed are reported as warnings
/// (under `--strict`, the first one stops the conversion) after each call into it.
pub fn report_removed_characters(writer: Box<dyn RecordSink>) -> Box<dyn RecordSink> {
    // Notes left by a writer used without this wrapper are not this conversion's.
    take_removals();
    Box::new(RemovalReport { writer })
}

struct RemovalReport {
    writer: Box<dyn RecordSink>,
}

impl RemovalReport {
    fn report<T>(result: Result<T>, diag: &mut Diagnostics) -> Result<T> {
        let removals = take_removals();
        for removal in &removals.noted {
            diag.warn(removal.warning())?;
        }
        if removals.uncounted > 0 {
            diag.warn(Warning::new(
                WarningKind::CharacterRemoved,
                msg!("xml-characters-removed-more", count = removals.uncounted),
            ))?;
        }
        result
    }
}

impl RecordSink for RemovalReport {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        let result = self.writer.begin(header, diag);
        Self::report(result, diag)
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        let result = self.writer.record(record, diag);
        Self::report(result, diag)
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        let result = self.writer.finish(diag);
        Self::report(result, diag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_check_finds_exactly_what_xml_forbids() {
        let mut value = String::new();
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            value.clear();
            value.extend(['a', c, 'b']);
            assert_eq!(holds_forbidden(&value), xml_forbids(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn forbidden_characters_are_removed_and_noted_with_their_field() {
        take_removals();
        let mut out = XmlOut::new(Vec::new());
        out.subject(Subject::Product, "P1");
        out.start("Root", &[]).unwrap();
        out.empty("Product", &[("Code", "P1"), ("Name", "Мол\u{0}о\u{1}ко\u{0}")]).unwrap();
        out.text_element("Text", "a\u{FFFF}b\tc").unwrap();
        out.end("Root").unwrap();
        let xml = String::from_utf8(out.out).unwrap();
        assert!(xml.contains(r#"Name="Молоко""#), "{xml}");
        assert!(xml.contains("<Text>ab\tc</Text>"), "{xml}");
        let removals = take_removals();
        assert_eq!(removals.noted.len(), 2);
        let first = removals.noted[0].warning().to_string();
        assert_eq!(
            first,
            "product P1: Root/Product@Name: U+0000, U+0001 removed from \"Мол\\0о\\u{1}ко\\0\": XML 1.0 forbids them [character-removed]"
        );
        assert_eq!(removals.noted[1].field, "Root/Text");
        assert_eq!(removals.noted[1].removed, vec!['\u{FFFF}']);
    }
}
