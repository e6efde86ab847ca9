//! Warnings about information a conversion dropped or changed.
//!
//! Readers and writers report through one `Diagnostics`; under `--strict` the first warning
//! aborts the conversion (and so no output file is left behind). Warnings of one kind are counted
//! in full but only the first few are kept, so a million-row file with one systematic loss does not
//! hold a million messages in memory.

use std::fmt;

use indexmap::IndexMap;

use crate::error::{Error, ErrorKind, Position, Result};
use crate::i18n::Text;

/// Every kind of warning, in one place: a stable name (what `--strict` reports, scripts match
/// on and the README's "Warnings" table lists) and what it means. The names never change with
/// the language of the messages.
macro_rules! warning_kinds {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum WarningKind { $( $(#[doc = $doc])* $variant, )* }

        impl WarningKind {
            pub const ALL: &'static [WarningKind] = &[$(WarningKind::$variant),*];

            /// The stable name, e.g. `field-dropped`.
            pub fn name(self) -> &'static str {
                match self { $(WarningKind::$variant => $name,)* }
            }

            /// What the kind means, for the README's table.
            pub fn meaning(self) -> &'static str {
                match self { $(WarningKind::$variant => concat!($($doc),*).trim_ascii(),)* }
            }
        }
    };
}

warning_kinds! {
    /// A field or attribute the target format has no place for was not written.
    FieldDropped = "field-dropped",
    /// A value was left out: a repeat, a second value where one fits, or one the model cannot hold.
    ValueDropped = "value-dropped",
    /// A value the input lacks was filled in (a name from the id, a total from the lines, a default unit).
    ValueAssumed = "value-assumed",
    /// The target needs a value the input does not have; the element is left out.
    ValueMissing = "value-missing",
    /// A value the model does not know (a VAT rate such as 18) is kept as text in `extra`.
    ValueKeptAsText = "value-kept-as-text",
    /// Text was changed to fit the target (`;` or line breaks replaced, spaces trimmed, cut to length).
    TextChanged = "text-changed",
    /// A character XML 1.0 forbids (NUL, other control characters) was removed from the output.
    CharacterRemoved = "character-removed",
    /// A character the output's encoding cannot hold was written as `?`.
    UnencodableCharacter = "unencodable-character",
    /// An XML element or part the model has no place for was skipped.
    ElementSkipped = "element-skipped",
    /// An XML attribute the model has no place for was skipped.
    AttributeSkipped = "attribute-skipped",
    /// Stray text between XML elements was skipped.
    TextSkipped = "text-skipped",
    /// An enumerated value (a status, a delivery type) the model does not know is kept as text.
    UnknownValue = "unknown-value",
    /// An option does not apply to this format and was ignored.
    OptionIgnored = "option-ignored",
    /// A product code appears more than once.
    DuplicateCode = "duplicate-code",
    /// A product marked deleted in the source was left out: the target cannot mark it deleted.
    DeletedLeftOut = "deleted-left-out",
    /// Products name a group the input does not hold.
    GroupMissing = "group-missing",
    /// A group had to be written in more than one place.
    GroupSplit = "group-split",
    /// A product's link to its folder is not written (folders are not written).
    GroupLinkDropped = "group-link-dropped",
    /// Folders share a name, so links to them by name cannot tell them apart.
    AmbiguousGroup = "ambiguous-group",
    /// A product has no price of the type the target needs.
    PriceTypeMissing = "price-type-missing",
    /// Goods have no offer in the CommerceML package, so no prices.
    PriceMissing = "price-missing",
    /// The input holds no prices at all (goods without their offers, a price list without a price column).
    PricesMissing = "prices-missing",
    /// CommerceML offers without their catalogue: products carry only what an offer says.
    CatalogMissing = "catalog-missing",
    /// The catalogue holds only changes (`СодержитТолькоИзменения`), not all goods.
    PartialCatalog = "partial-catalog",
    /// CommerceML offers for goods the catalogue does not list were not written.
    OfferSkipped = "offer-skipped",
    /// CommerceML goods with characteristics were written as one product per characteristic.
    ProductSplit = "product-split",
    /// A total does not add up from its lines; it is written as given.
    TotalMismatch = "total-mismatch",
    /// An Excel 95 file without a code page was read as Windows-1251.
    XlsCodepageGuessed = "xls-codepage-guessed",
    /// «Итого»/«Всего» rows of a price list were skipped.
    TotalRowsSkipped = "total-rows-skipped",
    /// Rows of a price list holding only text (notes, contacts) were skipped.
    TextRowsSkipped = "text-rows-skipped",
    /// Price cells held text around the number (a currency, markup); the number was read.
    PriceTextStripped = "price-text-stripped",
    /// Price cells are in another currency; amounts are kept as written.
    PriceCurrencyForeign = "price-currency-foreign",
    /// An ATOL command section the model has no place for was skipped.
    AtolCommandSkipped = "atol-command-skipped",
    /// ATOL delete commands of the input are not written.
    AtolDeletionSkipped = "atol-deletion-skipped",
    /// The ATOL report is already marked loaded (`@`).
    ReportProcessed = "report-processed",
    /// An ATOL document was opened and never closed or cancelled.
    DocumentNotClosed = "document-not-closed",
    /// An ATOL transaction number appears twice.
    TransactionDuplicate = "transaction-duplicate",
    /// ATOL transaction numbers skip some.
    TransactionGap = "transaction-gap",
    /// An ATOL storno has no line to cancel.
    StornoUnmatched = "storno-unmatched",
    /// An ATOL transaction type that is not converted was skipped.
    TransactionSkipped = "transaction-skipped",
    /// An ATOL transaction outside any document was skipped.
    TransactionOrphan = "transaction-orphan",
}

/// How many warnings of one kind are kept with their text; the rest are only counted.
const KEPT_PER_KIND: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// A stable identifier of the kind of loss, e.g. `field-dropped`, `price-type-missing`.
    pub kind: &'static str,
    /// Said in the current language; `--json` output has it in English (its values are stable).
    #[serde(serialize_with = "crate::i18n::serialize_english")]
    pub message: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<Text>) -> Self {
        Warning { kind: kind.name(), message: message.into(), position: None }
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
    notes: Vec<Text>,
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

    /// Records a warning built only if it will be kept (the first few of each kind, or the one
    /// `--strict` stops at); past that it is only counted, so a systematic loss on every row of a
    /// big file costs no formatting.
    pub fn warn_with(&mut self, kind: WarningKind, build: impl FnOnce() -> Warning) -> Result<()> {
        if !self.strict {
            if let Some(group) = self.groups.get_mut(kind.name()) {
                if group.examples.len() >= KEPT_PER_KIND {
                    group.count += 1;
                    return Ok(());
                }
            }
        }
        self.warn(build())
    }

    /// Records an informational note; never an error, even under `--strict`.
    pub fn note(&mut self, note: impl Into<Text>) {
        self.notes.push(note.into());
    }

    pub fn notes(&self) -> &[Text] {
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

    /// Takes in what another part of the same conversion reported (the reading thread), as if it
    /// had been reported first: its kinds come first and its examples before ours.
    pub fn absorb_first(&mut self, earlier: Diagnostics) {
        let later = std::mem::replace(&mut self.groups, earlier.groups);
        for (kind, group) in later {
            let into = self.groups.entry(kind).or_default();
            into.count += group.count;
            let room = KEPT_PER_KIND.saturating_sub(into.examples.len());
            into.examples.extend(group.examples.into_iter().take(room));
        }
        let later_notes = std::mem::replace(&mut self.notes, earlier.notes);
        self.notes.extend(later_notes);
    }

    /// Every kept warning, in the order they were first reported by kind.
    pub fn kept(&self) -> impl Iterator<Item = &Warning> {
        self.groups.values().flat_map(|g| g.examples.iter())
    }
}

/// The README's table of warning kinds, as the test checks it is there.
pub fn kinds_table() -> String {
    let mut table = String::from("| kind | meaning |\n| --- | --- |\n");
    for kind in WarningKind::ALL {
        table.push_str(&format!("| `{}` | {} |\n", kind.name(), kind.meaning()));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_warning_kind() {
        let readme = include_str!("../README.md");
        let table = kinds_table();
        assert!(readme.contains(&table), "README.md lacks the warning table; it should read:\n{table}");
    }

    #[test]
    fn names_are_unique_and_stable_in_form() {
        let mut names: Vec<&str> = WarningKind::ALL.iter().map(|k| k.name()).collect();
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a name used twice");
    }

    #[test]
    fn warnings_of_the_reading_thread_come_first_and_examples_stay_capped() {
        let mut writer = Diagnostics::new(false);
        let mut reader = Diagnostics::new(false);
        for i in 0..KEPT_PER_KIND {
            writer.warn(Warning::new(WarningKind::FieldDropped, format!("w{i}"))).unwrap();
            reader.warn(Warning::new(WarningKind::FieldDropped, format!("r{i}"))).unwrap();
        }
        reader.warn(Warning::new(WarningKind::ValueAssumed, "r")).unwrap();
        writer.absorb_first(reader);
        let kinds: Vec<&str> = writer.groups().keys().copied().collect();
        assert_eq!(kinds, ["field-dropped", "value-assumed"]);
        let dropped = &writer.groups()["field-dropped"];
        assert_eq!(dropped.count, 2 * KEPT_PER_KIND as u64);
        assert_eq!(dropped.examples.len(), KEPT_PER_KIND);
        assert_eq!(dropped.examples[0].message.to_string(), "r0");
        assert_eq!(writer.total(), 2 * KEPT_PER_KIND as u64 + 1);
    }

    #[test]
    fn past_the_kept_examples_a_warning_is_counted_without_being_built() {
        let mut diag = Diagnostics::new(false);
        let mut built = 0;
        for _ in 0..KEPT_PER_KIND + 5 {
            diag.warn_with(WarningKind::FieldDropped, || {
                built += 1;
                Warning::new(WarningKind::FieldDropped, "x")
            })
            .unwrap();
        }
        assert_eq!(built, KEPT_PER_KIND);
        assert_eq!(diag.total(), (KEPT_PER_KIND + 5) as u64);
        let mut strict = Diagnostics::new(true);
        assert!(strict.warn_with(WarningKind::FieldDropped, || Warning::new(WarningKind::FieldDropped, "x")).is_err());
    }
}
