//! Element names and attributes as the XML readers get them: a name is shared (a document has
//! few), and attributes are the start tag's bytes copied once, with each value decoded only when
//! a reader takes it.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use quick_xml::events::attributes::AttrError;
use quick_xml::events::BytesStart;

use crate::error::{Error, Position, Result};
use crate::model::Extra;

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
    /// The value with references resolved, when it has any (rare: decoded at once so that a bad
    /// reference is an error where it is read).
    unescaped: Option<String>,
    taken: bool,
}

/// The attributes of one element, in document order, taken one by one by the reader.
pub struct Attrs {
    element: Name,
    /// The start tag's bytes between `<` and `>`.
    tag: Vec<u8>,
    spans: Vec<Span>,
    start: u64,
    locator: Locator,
}

impl std::fmt::Debug for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let items: Vec<(Cow<str>, Cow<str>)> =
            self.spans.iter().filter(|s| !s.taken).map(|s| (self.key(s), self.value(s))).collect();
        f.debug_struct("Attrs").field("element", &self.element).field("items", &items).finish()
    }
}

/// What the parse of a start tag needs from the source.
pub(super) struct TagContext<'a> {
    pub element: Name,
    pub start: u64,
    pub locator: Locator,
    /// Makes an error at the tag (a syntax error, or a value beyond the limit).
    pub syntax_error: &'a dyn Fn(String) -> Error,
    pub check_value: &'a dyn Fn(u64, u64) -> Result<()>,
}

impl Attrs {
    /// Splits a start tag into attributes: their syntax, uniqueness and references are checked
    /// here, values are decoded when taken.
    pub(super) fn parse(e: &BytesStart, cx: TagContext) -> Result<Attrs> {
        let tag: &[u8] = e;
        let mut spans: Vec<Span> = Vec::new();
        // quick-xml's own duplicate check allocates a list per element; the spans are that list.
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| (cx.syntax_error)(format!("bad attribute in <{}>: {err}", cx.element)))?;
            let key = range_in(tag, attr.key.as_ref());
            let value = range_in(tag, &attr.value);
            if let Some(prev) = spans.iter().find(|s| tag[s.key.clone()] == tag[key.clone()]) {
                let err = AttrError::Duplicated(key.start, prev.key.start);
                return Err((cx.syntax_error)(format!("bad attribute in <{}>: {err}", cx.element)));
            }
            let unescaped = match memchr_amp(&attr.value) {
                false => None,
                true => {
                    let text = attr.unescape_value().map_err(|err| {
                        let key = String::from_utf8_lossy(attr.key.as_ref());
                        (cx.syntax_error)(format!("bad value of {}@{key}: {err}", cx.element))
                    })?;
                    Some(text.into_owned())
                }
            };
            let length = unescaped.as_ref().map_or(value.len(), String::len);
            (cx.check_value)(length as u64, cx.start + 1 + key.start as u64)?;
            spans.push(Span { key, value, unescaped, taken: false });
        }
        Ok(Attrs { element: cx.element, tag: tag.to_vec(), spans, start: cx.start, locator: cx.locator })
    }

    fn key<'a>(&'a self, span: &Span) -> Cow<'a, str> {
        utf8(&self.tag[span.key.clone()])
    }

    fn value<'a>(&'a self, span: &'a Span) -> Cow<'a, str> {
        match &span.unescaped {
            Some(text) => Cow::Borrowed(text),
            None => utf8(&self.tag[span.value.clone()]),
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.spans.iter().position(|s| &self.tag[s.key.clone()] == name.as_bytes())
    }

    /// Removes and returns an attribute's value.
    pub fn take(&mut self, name: &str) -> Option<String> {
        let at = self.find(name).filter(|&i| !self.spans[i].taken)?;
        self.spans[at].taken = true;
        let span = &mut self.spans[at];
        Some(match span.unescaped.take() {
            Some(text) => text,
            None => utf8(&self.tag[span.value.clone()]).into_owned(),
        })
    }

    /// Like `take`, but an empty value counts as absent.
    pub fn take_non_empty(&mut self, name: &str) -> Option<String> {
        self.take(name).filter(|v| !v.trim().is_empty())
    }

    /// Takes an attribute that must be present.
    pub fn require(&mut self, name: &str, expected: &str) -> Result<String> {
        self.take(name).ok_or_else(|| {
            Error::syntax(self.pos_of(name), format!("attribute {name} is missing: expected {expected}"))
        })
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
        for span in self.spans.iter().filter(|s| !s.taken) {
            extra.insert(self.key(span).into_owned(), self.value(span).into_owned());
        }
        extra
    }

    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| s.taken)
    }
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

fn memchr_amp(value: &[u8]) -> bool {
    value.contains(&b'&')
}
