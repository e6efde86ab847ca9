//! Warnings about information a conversion dropped or changed.
//!
//! Readers and writers report through one `Diagnostics`; under `--strict` the first warning
//! aborts the conversion (and so no output file is left behind). Warnings of one kind are counted
//! in full but only the first few are kept, so a million-row file with one systematic loss does not
//! hold a million messages in memory.

use std::fmt;

use indexmap::IndexMap;

use crate::error::{Error, ErrorKind, Position, Result};

/// How many warnings of one kind are kept with their text; the rest are only counted.
const KEPT_PER_KIND: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// A stable identifier of the kind of loss, e.g. `field-dropped`, `price-type-missing`.
    pub kind: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl Warning {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Warning { kind, message: message.into(), position: None }
    }

    pub fn at(mut self, position: Position) -> Self {
        if !position.is_empty() {
            self.position = Some(position);
        }
        self
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(p) => write!(f, "{p}: {} [{}]", self.message, self.kind),
            None => write!(f, "{} [{}]", self.message, self.kind),
        }
    }
}

#[derive(Debug, Default, serde::Serialize)]
pub struct WarningGroup {
    pub count: u64,
    pub examples: Vec<Warning>,
}

#[derive(Debug, Default)]
pub struct Diagnostics {
    strict: bool,
    groups: IndexMap<&'static str, WarningGroup>,
    /// Informational notes (e.g. which spreadsheet columns were matched): not warnings, so
    /// `--strict` ignores them.
    notes: Vec<String>,
}

impl Diagnostics {
    pub fn new(strict: bool) -> Self {
        Diagnostics { strict, groups: IndexMap::new(), notes: Vec::new() }
    }

    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Records a warning; under `--strict` returns it as an error instead.
    pub fn warn(&mut self, warning: Warning) -> Result<()> {
        if self.strict {
            return Err(Error::from(ErrorKind::Strict(warning)));
        }
        let group = self.groups.entry(warning.kind).or_default();
        group.count += 1;
        if group.examples.len() < KEPT_PER_KIND {
            group.examples.push(warning);
        }
        Ok(())
    }

    /// Records an informational note; never an error, even under `--strict`.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub fn total(&self) -> u64 {
        self.groups.values().map(|g| g.count).sum()
    }

    pub fn groups(&self) -> &IndexMap<&'static str, WarningGroup> {
        &self.groups
    }

    /// Takes the warnings out (e.g. for `inspect`, which reports them as findings).
    pub fn take(&mut self) -> IndexMap<&'static str, WarningGroup> {
        std::mem::take(&mut self.groups)
    }

    /// Every kept warning, in the order they were first reported by kind.
    pub fn kept(&self) -> impl Iterator<Item = &Warning> {
        self.groups.values().flat_map(|g| g.examples.iter())
    }
}
