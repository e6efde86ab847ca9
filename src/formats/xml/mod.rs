//! Shared streaming XML reading on top of quick-xml: owned events, attributes that know where they
//! came from, text with entities resolved, and errors positioned by line and column.
//! Writers share `XmlOut` (in `xml_out.rs`), a thin layer over quick-xml's writer.

use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Position, Result};
use crate::i18n::{Arg, Message};
use crate::limits::Limits;
use crate::text::{read_error, DetectedEncoding, LineIndex, RawInput, TextInput};

pub use super::xml_out::{report_removed_characters, Subject, XmlOut};

type Source = crate::text::TextReader;

mod attrs;

pub use attrs::{Attrs, Name};
use attrs::{Names, TagContext};

/// Items joined by `, ` as one message argument. Each item stays what it is (a message is
/// rendered in the language the whole is displayed in, so `--json` stays English).
pub fn comma_list<T: Into<Arg>>(items: impl IntoIterator<Item = T>) -> Arg {
    join(items, |head, item| crate::msg!("xml-list-comma", head = head, item = item))
}

/// Items joined by `; ` as one message argument (see [`comma_list`]).
pub fn semicolon_list<T: Into<Arg>>(items: impl IntoIterator<Item = T>) -> Arg {
    join(items, |head, item| crate::msg!("xml-list-semicolon", head = head, item = item))
}

fn join<T: Into<Arg>>(items: impl IntoIterator<Item = T>, pair: impl Fn(Arg, Arg) -> Message) -> Arg {
    let mut items = items.into_iter().map(Into::into);
    let Some(mut joined) = items.next() else { return Arg::Text(String::new()) };
    for item in items {
        joined = pair(joined, item).into();
    }
    joined
}

/// An XML event, positioned at its start: names are shared, attributes decoded when taken.
#[derive(Debug)]
pub enum XmlEvent {
    Start { name: Name, attrs: Attrs, empty: bool },
    End { name: Name },
    Text(String),
    Eof,
}

/// Turns offsets into positions on demand: computing line and column is only paid for when a
/// message needs it, not for every element.
#[derive(Clone)]
pub struct Locator {
    name: Arc<str>,
    lines: LineIndex,
}

impl Locator {
    pub fn at(&self, offset: u64) -> Position {
        self.lines.position_at(&self.name, offset)
    }
}

impl std::fmt::Debug for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Locator({})", self.name)
    }
}

enum Step {
    Skip,
    /// Character data as written, and the number of whitespace bytes it starts with: whitespace
    /// at the start and end of an element's text is layout (indentation), not value.
    Literal(String, u64),
    /// Text from an entity or character reference or a CDATA section: kept whole.
    Text(String),
    Event(XmlEvent),
}

/// The whitespace of XML (§2.3 `S`): what is trimmed around an element's text.
const XML_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// Text being collected across literal pieces, references and CDATA.
struct PendingText {
    value: String,
    start: u64,
    /// `value` up to here is kept: it ends with the last character that is not literal
    /// whitespace, so trailing indentation goes but a space written as `&#32;` stays.
    keep: usize,
}

pub struct XmlSource {
    reader: quick_xml::Reader<Source>,
    pub name: Arc<str>,
    pub encoding: DetectedEncoding,
    lines: LineIndex,
    buf: Vec<u8>,
    event_start: u64,
    /// An event read while collecting text, handed out by the next call.
    peeked: Option<(XmlEvent, u64)>,
    budget: crate::budget::RecordBudget,
    limits: Limits,
    /// Elements open now, against `limits.max_depth`.
    depth: u64,
    names: Names,
}

impl XmlSource {
    pub fn open(input: RawInput, forced: Option<&'static encoding_rs::Encoding>, limits: &Limits) -> Result<Self> {
        let TextInput { name, encoding, reader, lines, budget } = input.into_text(forced)?;
        budget.limit_to(limits.max_record_size);
        let mut reader = quick_xml::Reader::from_reader(reader);
        let config = reader.config_mut();
        // Not quick-xml's trimming: it trims each piece of text between entity references, so
        // `a &amp; b` would read as `a&b`. `next_event` trims the whole text instead.
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Ok(XmlSource {
            reader,
            name,
            encoding,
            lines,
            buf: Vec::with_capacity(4096),
            event_start: 0,
            peeked: None,
            budget,
            limits: *limits,
            depth: 0,
            names: Names::default(),
        })
    }

    pub fn locator(&self) -> Locator {
        Locator { name: self.name.clone(), lines: self.lines.clone() }
    }

    /// The offset where the last event started.
    pub fn offset(&self) -> u64 {
        self.event_start
    }

    /// The position where the last event started.
    pub fn pos(&self) -> Position {
        self.lines.position_at(&self.name, self.event_start)
    }

    /// The position of the last event, naming the element or field, e.g. `Head/DocSum`.
    pub fn pos_in(&self, field: &str) -> Position {
        self.pos().with_field(field.to_string())
    }

    fn convert_error(&self, err: quick_xml::Error) -> Error {
        match err {
            quick_xml::Error::Io(io) => match crate::budget::record_too_long(&io) {
                Some(e) => crate::budget::too_long_error(self.lines.position_at(&self.name, e.offset), e),
                None => read_error(&self.name, &io),
            },
            other => {
                let pos = self.lines.position_at(&self.name, self.reader.error_position());
                Error::syntax(pos, crate::msg!("xml-not-well-formed", detail = other.to_string()))
            }
        }
    }

    /// A syntax error at the last event: `what` is quick-xml's words (kept as they come) or a
    /// message of ours.
    fn text_error(&self, what: impl Into<Arg>) -> Error {
        let detail: Arg = what.into();
        Error::syntax(self.pos(), crate::msg!("xml-not-well-formed", detail = detail))
    }

    /// The next element start, element end or text. Declarations, comments, processing
    /// instructions and doctypes are skipped; text split by entity references comes back joined.
    pub fn next_event(&mut self) -> Result<XmlEvent> {
        if let Some((event, start)) = self.peeked.take() {
            self.event_start = start;
            return Ok(event);
        }
        let mut text: Option<PendingText> = None;
        loop {
            let start = self.reader.buffer_position();
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            let event = match self.reader.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(e) => return Err(self.convert_error(e)),
            };
            self.budget.mark(self.reader.buffer_position());
            // Own everything the event borrows from `buf`, then give the buffer back for reuse.
            let step = match event {
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => Step::Skip,
                Event::Text(t) => {
                    let lead = t.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count() as u64;
                    Step::Literal(t.xml10_content().map_err(|e| self.text_error(e.to_string()))?.into_owned(), lead)
                }
                Event::CData(c) => Step::Text(c.decode().map_err(|e| self.text_error(e.to_string()))?.into_owned()),
                Event::GeneralRef(r) => match r.resolve_char_ref() {
                    Ok(Some(c)) => Step::Text(c.to_string()),
                    Ok(None) => {
                        let name = r.decode().map_err(|e| self.text_error(e.to_string()))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(v) => Step::Text(v.to_string()),
                            None => {
                                self.event_start = start;
                                return Err(self.text_error(crate::msg!("xml-unknown-entity", name = name)));
                            }
                        }
                    }
                    Err(e) => {
                        self.event_start = start;
                        return Err(self.text_error(e.to_string()));
                    }
                },
                // The text before a tag (indentation) was trimmed away: the tag starts where its
                // bytes do, counted back from the end of the event.
                Event::Start(e) => {
                    self.event_start = self.reader.buffer_position() - e.len() as u64 - 2;
                    self.depth += 1;
                    if self.depth > self.limits.max_depth {
                        return Err(Error::limit(
                            self.pos(),
                            crate::msg!("xml-limit-depth", depth = self.depth),
                            self.limits.max_depth.to_string(),
                            "--max-depth",
                        ));
                    }
                    let name = self.element_name(e.name().as_ref())?;
                    Step::Event(XmlEvent::Start { attrs: self.attrs(&e, name.clone())?, name, empty: false })
                }
                Event::Empty(e) => {
                    self.event_start = self.reader.buffer_position() - e.len() as u64 - 3;
                    let name = self.element_name(e.name().as_ref())?;
                    Step::Event(XmlEvent::Start { attrs: self.attrs(&e, name.clone())?, name, empty: true })
                }
                Event::End(e) => {
                    self.event_start = self.reader.buffer_position() - e.len() as u64 - 3;
                    self.depth = self.depth.saturating_sub(1);
                    Step::Event(XmlEvent::End { name: self.element_name(e.name().as_ref())? })
                }
                Event::Eof => Step::Event(XmlEvent::Eof),
            };
            self.buf = buf;
            let event_start = self.event_start;
            if let Some(t) = &text {
                self.check_value(t.value.len() as u64, t.start)?;
            }
            let owned = match step {
                Step::Skip => continue,
                Step::Literal(piece, lead) => {
                    match &mut text {
                        None => {
                            let mut value = piece;
                            let indent = value.len() - value.trim_start_matches(XML_SPACE).len();
                            if indent < value.len() {
                                // Trimmed in place: no second copy of every text.
                                value.drain(..indent);
                                let keep = value.trim_end_matches(XML_SPACE).len();
                                text = Some(PendingText { value, start: start + lead, keep });
                            }
                        }
                        Some(t) => {
                            let content = piece.trim_end_matches(XML_SPACE).len();
                            if content > 0 {
                                t.keep = t.value.len() + content;
                            }
                            t.value.push_str(&piece);
                        }
                    }
                    continue;
                }
                Step::Text(piece) => {
                    let t = text.get_or_insert_with(|| PendingText { value: String::new(), start, keep: 0 });
                    t.value.push_str(&piece);
                    t.keep = t.value.len();
                    continue;
                }
                Step::Event(event) => event,
            };
            return Ok(match text.take() {
                Some(mut t) => {
                    t.value.truncate(t.keep);
                    self.peeked = Some((owned, event_start));
                    self.event_start = t.start;
                    XmlEvent::Text(t.value)
                }
                None => owned,
            });
        }
    }

    /// A text or attribute value longer than `max_value_size`: memory is already bounded by the
    /// record budget, but a value this long is not a name or a price.
    fn check_value(&self, len: u64, at: u64) -> Result<()> {
        if len <= self.limits.max_value_size {
            return Ok(());
        }
        Err(Error::limit(
            self.lines.position_at(&self.name, at),
            crate::msg!("xml-limit-value", bytes = len),
            crate::limits::describe_size(self.limits.max_value_size),
            "--max-value-size",
        ))
    }

    /// An element's name without its namespace prefix.
    pub fn local_name(&mut self, name: &Name) -> Name {
        self.names.local(name)
    }

    fn element_name(&mut self, bytes: &[u8]) -> Result<Name> {
        match self.names.get(bytes) {
            Ok(name) => Ok(name),
            Err(e) => Err(self.text_error(e.to_string())),
        }
    }

    fn attrs(&self, e: &BytesStart, element: Name) -> Result<Attrs> {
        Attrs::parse(
            e,
            TagContext {
                element,
                start: self.event_start,
                locator: self.locator(),
                syntax_error: &|message: Message| self.text_error(message),
                check_value: &|len, at| self.check_value(len, at),
            },
        )
    }

    /// Reads the text of an element whose start was just read, up to its end.
    /// A child element inside is an error: these documents hold plain values.
    pub fn read_text(&mut self, element: &str) -> Result<String> {
        self.read_text_at(element).map(|(value, _)| value)
    }

    /// Like `read_text`, also giving the offset where the text starts (`None` when empty), so a
    /// message about a bad value can point at the value rather than at its start tag.
    pub fn read_text_at(&mut self, element: &str) -> Result<(String, Option<u64>)> {
        let mut value = String::new();
        let mut start = None;
        loop {
            match self.next_event()? {
                XmlEvent::Text(t) => {
                    start.get_or_insert(self.event_start);
                    if value.is_empty() {
                        value = t;
                    } else {
                        value.push_str(&t);
                    }
                }
                XmlEvent::End { .. } => return Ok((value, start)),
                XmlEvent::Start { name, .. } => {
                    return Err(Error::syntax(
                        self.pos(),
                        crate::msg!("xml-unexpected-element", name = name.as_str(), element = element),
                    ))
                }
                XmlEvent::Eof => return Err(self.truncated(element)),
            }
        }
    }

    /// Reads an element the format does not define: its text when it holds only text (to carry
    /// it as an extra), or `None` after skipping a nested structure.
    pub fn read_unknown(&mut self, element: &str) -> Result<Option<String>> {
        let mut value = String::new();
        let mut depth = 0usize;
        let mut nested = false;
        loop {
            match self.next_event()? {
                XmlEvent::Text(t) => value.push_str(&t),
                XmlEvent::Start { empty, .. } => {
                    nested = true;
                    if !empty {
                        depth += 1;
                    }
                }
                XmlEvent::End { .. } if depth > 0 => depth -= 1,
                XmlEvent::End { .. } => return Ok((!nested).then_some(value)),
                XmlEvent::Eof => return Err(self.truncated(element)),
            }
        }
    }

    /// Skips an element whose start was just read, keeping nothing of it (a pre-scan must not
    /// gather a whole classifier's text).
    pub fn skip_element(&mut self, element: &str) -> Result<()> {
        let mut depth = 0usize;
        loop {
            match self.next_event()? {
                XmlEvent::Start { empty, .. } => depth += usize::from(!empty),
                XmlEvent::End { .. } if depth > 0 => depth -= 1,
                XmlEvent::End { .. } => return Ok(()),
                XmlEvent::Text(_) => {}
                XmlEvent::Eof => return Err(self.truncated(element)),
            }
        }
    }

    /// The error for a file that ends inside `element`.
    pub fn truncated(&self, element: &str) -> Error {
        Error::syntax(self.pos(), crate::msg!("xml-truncated", element = element))
    }
}
