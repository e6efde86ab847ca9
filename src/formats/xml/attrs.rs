//! Element names and attributes as the XML readers get them: a name is shared (a document has
//! few), and attributes are the start tag's bytes copied once, with each value decoded only when
//! a reader takes it.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use quick_xml::events::attributes::AttrError;
use quick_xml::events::BytesStart;

use crate::error::{Error, Position, Result};
use crate::i18n::{Arg, Message};
use crate::model::Extra;
use crate::msg;

use super::Locator;

/// An element's name as written (with its prefix, if any).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name(Arc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

/// How many distinct names are shared; past that (a hostile file) each is allocated on its own,
/// so the table cannot grow with the input.
const NAMES_SHARED: usize = 256;

/// The names met so far, so that an element costs no allocation for its name.
#[derive(Default)]
pub(super) struct Names(Vec<Name>);

impl Names {
    pub fn get(&mut self, bytes: &[u8]) -> std::result::Result<Name, std::str::Utf8Error> {
        match self.find(bytes) {
            Some(name) => Ok(name),
            None => Ok(self.add(std::str::from_utf8(bytes)?)),
        }
    }

    /// The name without its namespace prefix (`cml:Товар` → `Товар`), shared as well.
    pub fn local(&mut self, name: &Name) -> Name {
        match name.0.rsplit_once(':') {
            Some((_, local)) => self.find(local.as_bytes()).unwrap_or_else(|| self.add(local)),
            None => name.clone(),
        }
    }

    fn find(&self, bytes: &[u8]) -> Option<Name> {
        self.0.iter().find(|n| n.0.as_bytes() == bytes).cloned()
    }

    fn add(&mut self, text: &str) -> Name {
        let name = Name(text.into());
        if self.0.len() < NAMES_SHARED {
            self.0.push(name.clone());
        }
        name
    }
}

/// Where one attribute stands in the tag.
#[derive(Debug, Clone)]
struct Span {
    key: Range<usize>,
    value: Range<usize>,
    taken: bool,
}

/// A plain `Vec`: inline spans made every event several hundred bytes to move, which cost more
/// than this one allocation for the elements that have attributes (none for the rest).
type Spans = Vec<Span>;

/// The attributes of one element, in document order, taken one by one by the reader.
pub struct Attrs {
    element: Name,
    /// The start tag's bytes between `<` and `>`.
    tag: Vec<u8>,
    spans: Spans,
    /// Values with references resolved, by span (rare: resolved at once so that a bad reference
    /// is an error where it is read).
    unescaped: Vec<(usize, String)>,
    start: u64,
    locator: Locator,
}

impl std::fmt::Debug for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let items: Vec<(Cow<str>, Cow<str>)> =
            (0..self.spans.len()).filter(|&i| !self.spans[i].taken).map(|i| (self.key(i), self.value(i))).collect();
        f.debug_struct("Attrs").field("element", &self.element).field("items", &items).finish()
    }
}

/// What the parse of a start tag needs from the source.
pub(super) struct TagContext<'a> {
    pub element: Name,
    pub start: u64,
    pub locator: Locator,
    /// Makes an error at the tag (a syntax error, or a value beyond the limit).
    pub syntax_error: &'a dyn Fn(Message) -> Error,
    pub check_value: &'a dyn Fn(u64, u64) -> Result<()>,
}

impl Attrs {
    /// Splits a start tag into attributes: their syntax, uniqueness and references are checked
    /// here, values are decoded when taken.
    pub(super) fn parse(e: &BytesStart, cx: TagContext) -> Result<Attrs> {
        let tag: &[u8] = e;
        let mut spans = Spans::new();
        if scan(tag, e.name().as_ref().len(), &mut spans).is_none() {
            spans.clear();
            split_strictly(e, &cx, &mut spans)?;
        }
        for (i, span) in spans.iter().enumerate() {
            if let Some(prev) = spans[..i].iter().find(|s| tag[s.key.clone()] == tag[span.key.clone()]) {
                let err = AttrError::Duplicated(span.key.start, prev.key.start);
                return Err((cx.syntax_error)(bad_attribute(&cx.element, err)));
            }
        }
        let mut unescaped = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            let raw = &tag[span.value.clone()];
            let mut length = raw.len();
            if memchr::memchr(b'&', raw).is_some() {
                let text = quick_xml::escape::unescape(&utf8(raw)).map(Cow::into_owned).map_err(|err| {
                    let key = utf8(&tag[span.key.clone()]);
                    let err = quick_xml::Error::Escape(err);
                    (cx.syntax_error)(msg!(
                        "xml-bad-attribute-value",
                        element = cx.element.as_str(),
                        attribute = key,
                        error = err.to_string()
                    ))
                })?;
                length = text.len();
                unescaped.push((i, text));
            }
            (cx.check_value)(length as u64, cx.start + 1 + span.key.start as u64)?;
        }
        // An element without attributes keeps nothing of its tag.
        let tag = if spans.is_empty() { Vec::new() } else { tag.to_vec() };
        Ok(Attrs { element: cx.element, tag, spans, unescaped, start: cx.start, locator: cx.locator })
    }

    fn key(&self, i: usize) -> Cow<'_, str> {
        utf8(&self.tag[self.spans[i].key.clone()])
    }

    fn value(&self, i: usize) -> Cow<'_, str> {
        match self.unescaped.iter().find(|(at, _)| *at == i) {
            Some((_, text)) => Cow::Borrowed(text),
            None => utf8(&self.tag[self.spans[i].value.clone()]),
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.spans.iter().position(|s| &self.tag[s.key.clone()] == name.as_bytes())
    }

    /// Removes and returns an attribute's value.
    pub fn take(&mut self, name: &str) -> Option<String> {
        let at = self.find(name).filter(|&i| !self.spans[i].taken)?;
        self.spans[at].taken = true;
        Some(match self.unescaped.iter().position(|(i, _)| *i == at) {
            Some(k) => self.unescaped.swap_remove(k).1,
            None => utf8(&self.tag[self.spans[at].value.clone()]).into_owned(),
        })
    }

    /// Like `take`, but an empty value counts as absent.
    pub fn take_non_empty(&mut self, name: &str) -> Option<String> {
        self.take(name).filter(|v| !v.trim().is_empty())
    }

    /// Takes an attribute that must be present; `expected` says what it holds (a message).
    pub fn require(&mut self, name: &str, expected: impl Into<Arg>) -> Result<String> {
        match self.take(name) {
            Some(value) => Ok(value),
            None => {
                let expected: Arg = expected.into();
                Err(Error::syntax(self.pos_of(name), msg!("xml-attribute-missing", name = name, expected = expected)))
            }
        }
    }

    /// The position to name in a message about one attribute: `Product@Price`.
    pub fn pos_of(&self, attribute: &str) -> Position {
        let offset = self.find(attribute).map_or(self.start, |i| self.start + 1 + self.spans[i].key.start as u64);
        self.locator.at(offset).with_field(format!("{}@{attribute}", self.element))
    }

    /// The position of the element's start tag.
    pub fn position(&self) -> Position {
        self.locator.at(self.start).with_field(self.element.to_string())
    }

    /// Everything not taken, for the record's `extra` map.
    pub fn into_extra(self) -> Extra {
        let mut extra = Extra::new();
        for i in (0..self.spans.len()).filter(|&i| !self.spans[i].taken) {
            extra.insert(self.key(i).into_owned(), self.value(i).into_owned());
        }
        extra
    }

    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| s.taken)
    }
}

/// Splits `key="value"` pairs, each after whitespace: how well-formed tags look. `None` for
/// anything else, which `split_strictly` then reports as quick-xml words it.
fn scan(tag: &[u8], name_end: usize, spans: &mut Spans) -> Option<()> {
    let mut at = name_end;
    loop {
        let spaced = at;
        while at < tag.len() && is_space(tag[at]) {
            at += 1;
        }
        if at == tag.len() {
            return Some(());
        }
        if at == spaced {
            return None;
        }
        let key_start = at;
        while at < tag.len() && !is_space(tag[at]) && tag[at] != b'=' {
            if matches!(tag[at], b'"' | b'\'' | b'<' | b'>' | b'/') {
                return None;
            }
            at += 1;
        }
        if at == key_start {
            return None;
        }
        let key = key_start..at;
        while at < tag.len() && is_space(tag[at]) {
            at += 1;
        }
        if tag.get(at) != Some(&b'=') {
            return None;
        }
        at += 1;
        while at < tag.len() && is_space(tag[at]) {
            at += 1;
        }
        let quote = *tag.get(at).filter(|q| matches!(q, b'"' | b'\''))?;
        let value_start = at + 1;
        let value_end = value_start + memchr::memchr(quote, tag.get(value_start..)?)?;
        spans.push(Span { key, value: value_start..value_end, taken: false });
        at = value_end + 1;
    }
}

/// Splits attributes with quick-xml's parser, for its messages about a malformed tag.
fn split_strictly(e: &BytesStart, cx: &TagContext, spans: &mut Spans) -> Result<()> {
    let tag: &[u8] = e;
    // quick-xml's own duplicate check allocates a list per element; ours runs on the spans.
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| (cx.syntax_error)(bad_attribute(&cx.element, err)))?;
        spans.push(Span { key: range_in(tag, attr.key.as_ref()), value: range_in(tag, &attr.value), taken: false });
    }
    Ok(())
}

/// A malformed or repeated attribute, in quick-xml's words.
fn bad_attribute(element: &Name, err: AttrError) -> Message {
    msg!("xml-bad-attribute", element = element.as_str(), error = err.to_string())
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Where a slice borrowed from `tag` starts and ends in it.
fn range_in(tag: &[u8], part: &[u8]) -> Range<usize> {
    let start = (part.as_ptr() as usize).wrapping_sub(tag.as_ptr() as usize);
    if start <= tag.len() && start + part.len() <= tag.len() {
        start..start + part.len()
    } else {
        0..0
    }
}

/// Text from the decoded input, which is valid UTF-8 (encoding_rs checks Cyrillic several times
/// faster than `str::from_utf8`).
fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    encoding_rs::UTF_8.decode_without_bom_handling(bytes).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(tag: &str) -> Option<Vec<(String, String)>> {
        let name_end = tag.find(' ').unwrap_or(tag.len());
        let mut spans = Spans::new();
        scan(tag.as_bytes(), name_end, &mut spans)?;
        Some(spans.iter().map(|s| (tag[s.key.clone()].to_string(), tag[s.value.clone()].to_string())).collect())
    }

    #[test]
    fn the_scanner_takes_well_formed_tags_and_leaves_the_rest_to_quick_xml() {
        let pairs = |v: &[(&str, &str)]| Some(v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        assert_eq!(spans_of("a"), pairs(&[]));
        assert_eq!(spans_of("a x=\"1\"  y = '2 \"3\"' "), pairs(&[("x", "1"), ("y", "2 \"3\"")]));
        assert_eq!(spans_of("Товар Ид=\"ё\""), pairs(&[("Ид", "ё")]));
        for bad in ["a x", "a x=1", "a x=\"1", "a x=\"1\"y=\"2\"", "a =\"1\"", "a x==\"1\""] {
            assert_eq!(spans_of(bad), None, "{bad}");
        }
    }
}
