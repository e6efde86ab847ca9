//! Writing XML: `XmlOut`, a thin layer over quick-xml's writer that every XML writer uses.
//!
//! XML 1.0 forbids most C0 control characters (all but tab, LF and CR) and U+FFFE/U+FFFF, even
//! as character references, so no parser reads a document holding one. `XmlOut` removes them
//! from every value it writes and notes each removal (which record, which field, the value);
//! writers do not see diagnostics at every value, so the notes are kept per thread and
//! `report_removed_characters`, which the registry puts around every XML writer, turns them into
//! warnings after each call into the writer.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::Write;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::Result;
use crate::model::{Header, Record};
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

/// One value written without the characters XML forbids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Removal {
    /// The record, as the writer named it (`product 00-001`); empty when it named none.
    subject: String,
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
        let subject = if self.subject.is_empty() { String::new() } else { format!("{}: ", self.subject) };
        let cut = self.excerpt.chars().count() >= EXCERPT_CHARS;
        Warning::new(
            WarningKind::CharacterRemoved,
            format!(
                "{subject}{}: {} removed from {:?}{}: XML 1.0 forbids {}",
                self.field,
                chars.join(", "),
                self.excerpt,
                if cut { " …" } else { "" },
                if self.removed.len() == 1 { "it" } else { "them" },
            ),
        )
    }
}

/// Escapes a value as quick-xml does (`<`, `>`, `&`, quotes), and also writes as character
/// references what a conforming parser would not give back as written: CR anywhere (parsers turn
/// line ends into LF, XML 1.0 §2.11) and, in attribute values, tab and LF too (parsers turn them
/// into spaces, §3.3.3).
fn escape(value: &str, attribute: bool) -> Cow<'_, str> {
    let escaped = quick_xml::escape::escape(value);
    let special = |c: char| c == '\r' || (attribute && (c == '\t' || c == '\n'));
    if !escaped.contains(special) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        match c {
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Writes indented XML with quick-xml; every writer of an XML format uses it.
pub struct XmlOut<W: Write> {
    writer: quick_xml::Writer<W>,
    /// The open elements joined by `/`, to name a field in a removal note.
    path: String,
    /// Where `path` ends before each open element.
    path_ends: Vec<usize>,
    /// The record being written, as the writer named it with `subject`.
    subject: String,
}

impl<W: Write> XmlOut<W> {
    pub fn new(out: W) -> Self {
        XmlOut {
            writer: quick_xml::Writer::new_with_indent(out, b' ', 2),
            path: String::new(),
            path_ends: Vec::new(),
            subject: String::new(),
        }
    }

    /// Names the record the next values belong to (`product 00-001`), for removal notes.
    pub fn subject(&mut self, subject: std::fmt::Arguments) {
        self.subject.clear();
        let _ = self.subject.write_fmt(subject);
    }

    pub fn declaration(&mut self) -> std::io::Result<()> {
        self.writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
    }

    /// Opens an element with attributes in the given order.
    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        let element = self.element(name, attrs);
        self.writer.write_event(Event::Start(element))?;
        self.path_ends.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push('/');
        }
        self.path.push_str(name);
        Ok(())
    }

    /// Writes an element with attributes and no content.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        let element = self.element(name, attrs);
        self.writer.write_event(Event::Empty(element))
    }

    pub fn end(&mut self, name: &str) -> std::io::Result<()> {
        if let Some(end) = self.path_ends.pop() {
            self.path.truncate(end);
        }
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name>text</name>` on one line; `<name/>` when the text is empty.
    pub fn text_element(&mut self, name: &str, text: &str) -> std::io::Result<()> {
        let text = self.allowed(text, name, None);
        if text.is_empty() {
            return self.writer.write_event(Event::Empty(BytesStart::new(name)));
        }
        self.writer.write_event(Event::Start(BytesStart::new(name)))?;
        self.writer.write_event(Event::Text(BytesText::from_escaped(escape(&text, false))))?;
        self.writer.write_event(Event::End(BytesEnd::new(name)))
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
            subject: self.subject.clone(),
            field,
            removed,
            excerpt: value.chars().take(EXCERPT_CHARS).collect(),
        });
        Cow::Owned(kept)
    }

    fn element<'a>(&self, name: &'a str, attrs: &[(&'a str, &'a str)]) -> BytesStart<'a> {
        let mut e = BytesStart::new(name);
        for (k, v) in attrs {
            let value = match self.allowed(v, name, Some(k)) {
                Cow::Borrowed(allowed) => escape(allowed, true),
                Cow::Owned(allowed) => Cow::Owned(escape(&allowed, true).into_owned()),
            };
            let value = match value {
                Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            };
            e.push_attribute(Attribute { key: QName(k.as_bytes()), value });
        }
        e
    }

    /// Ends the document with a newline and flushes.
    pub fn finish(&mut self) -> std::io::Result<()> {
        self.writer.get_mut().write_all(b"\n")?;
        self.writer.get_mut().flush()
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
                format!("characters XML 1.0 forbids were removed from {} more values", removals.uncounted),
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
        out.subject(format_args!("product {}", "P1"));
        out.start("Root", &[]).unwrap();
        out.empty("Product", &[("Code", "P1"), ("Name", "Мол\u{0}о\u{1}ко\u{0}")]).unwrap();
        out.text_element("Text", "a\u{FFFF}b\tc").unwrap();
        out.end("Root").unwrap();
        let xml = String::from_utf8(out.writer.into_inner()).unwrap();
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
