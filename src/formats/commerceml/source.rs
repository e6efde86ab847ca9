//! A thin layer over the shared `XmlSource` for CommerceML: element names without their namespace
//! prefix, values with the offset to blame, and skipping what the model has no place for with one
//! warning per element name (a 500 MB file must not print the same warning a million times).

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Position, Result};
use crate::formats::xml::{Attrs, Locator, Name, XmlEvent, XmlSource};
use crate::limits::Limits;
use crate::msg;
use crate::text::RawInput;

use super::ROOT;

/// An event with the element's local name.
pub(super) enum Ev {
    Start { name: Name, attrs: Attrs, empty: bool },
    End,
    Text(String),
    Eof,
}

pub(super) struct Cml {
    pub xml: XmlSource,
    locator: Locator,
    warned: HashSet<String>,
}

impl Cml {
    pub fn open(input: RawInput, forced: Option<&'static encoding_rs::Encoding>, limits: &Limits) -> Result<Self> {
        let xml = XmlSource::open(input, forced, limits)?;
        let locator = xml.locator();
        Ok(Cml { xml, locator, warned: HashSet::new() })
    }

    pub fn next(&mut self) -> Result<Ev> {
        Ok(match self.xml.next_event()? {
            XmlEvent::Start { name, attrs, empty } => Ev::Start { name: self.xml.local_name(&name), attrs, empty },
            XmlEvent::End { .. } => Ev::End,
            XmlEvent::Text(t) => Ev::Text(t),
            XmlEvent::Eof => Ev::Eof,
        })
    }

    pub fn locator(&self) -> Locator {
        self.locator.clone()
    }

    /// The position of the last event, naming the element, e.g. `Товар/Ид`.
    pub fn pos(&self, field: &str) -> Position {
        self.xml.pos_in(field)
    }

    pub fn pos_at(&self, offset: u64, field: &str) -> Position {
        self.locator.at(offset).with_field(field.to_string())
    }

    /// The offset of the last event (an element's start tag right after `next`).
    pub fn offset(&self) -> u64 {
        self.xml.offset()
    }

    /// The text of an element whose start was just read (empty for `<x/>`), and the offset of the
    /// value (of the start tag when the value is empty) for messages about it.
    pub fn text(&mut self, name: &str, empty: bool) -> Result<(String, u64)> {
        let start = self.xml.offset();
        if empty {
            return Ok((String::new(), start));
        }
        let (value, at) = self.xml.read_text_at(name)?;
        Ok((value, at.unwrap_or(start)))
    }

    /// Skips an element, giving its text when it holds only text.
    pub fn skip(&mut self, name: &str, empty: bool) -> Result<Option<String>> {
        if empty {
            return Ok(Some(String::new()));
        }
        self.xml.read_unknown(name)
    }

    pub fn warn_once(&mut self, diag: &mut Diagnostics, key: &str, warning: Warning) -> Result<()> {
        if self.warned.insert(key.to_string()) {
            diag.warn(warning)?;
        }
        Ok(())
    }

    /// Skips an element the model has no place for. Plain text is returned for the caller to
    /// carry in `extra`; a nested structure is dropped with one warning per `parent/name`.
    pub fn skip_unmapped(
        &mut self,
        diag: &mut Diagnostics,
        name: &str,
        empty: bool,
        parent: &str,
    ) -> Result<Option<String>> {
        let pos = self.pos(&format!("{parent}/{name}"));
        let text = self.skip(name, empty)?;
        if text.is_none() {
            let message = msg!("cml-element-skipped", name = name, parent = parent);
            self.warn_once(
                diag,
                &format!("{parent}/{name}"),
                Warning::new(WarningKind::ElementSkipped, message).at(pos),
            )?;
        }
        Ok(text)
    }

    /// Text directly inside a container element: not CommerceML; reported once per container.
    pub fn stray_text(&mut self, diag: &mut Diagnostics, text: &str, parent: &str) -> Result<()> {
        let shown: String = text.chars().take(40).collect();
        let warning = Warning::new(
            WarningKind::TextSkipped,
            msg!("cml-stray-text", text = format!("{shown:?}"), parent = parent),
        )
        .at(self.pos(parent));
        self.warn_once(diag, &format!("text in {parent}"), warning)
    }

    /// Reads up to the root element; returns its attributes and whether it is empty.
    pub fn root(&mut self) -> Result<(Attrs, bool)> {
        loop {
            match self.next()? {
                Ev::Start { name, attrs, empty } if name == ROOT => return Ok((attrs, empty)),
                Ev::Start { name, .. } => {
                    return Err(Error::syntax(
                        self.pos(&name),
                        msg!("cml-wrong-root", name = name.as_str(), root = ROOT),
                    ))
                }
                Ev::Text(_) => continue,
                Ev::End | Ev::Eof => return Err(Error::syntax(self.pos(ROOT), msg!("cml-no-root", root = ROOT))),
            }
        }
    }

    pub fn truncated(&self, element: &str) -> Error {
        self.xml.truncated(element)
    }

    /// `ДатаФормирования` (`2024-03-15T10:00:00`, or a date alone) as a date; anything else is
    /// reported and ignored.
    pub fn export_date(&mut self, attrs: &mut Attrs, diag: &mut Diagnostics) -> Result<Option<NaiveDate>> {
        let Some(raw) = attrs.take("ДатаФормирования") else { return Ok(None) };
        let date = raw.trim().get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if date.is_none() && !raw.trim().is_empty() {
            diag.warn(
                Warning::new(WarningKind::ValueDropped, msg!("cml-export-date-bad", value = format!("{raw:?}")))
                    .at(attrs.pos_of("ДатаФормирования")),
            )?;
        }
        Ok(date)
    }
}
