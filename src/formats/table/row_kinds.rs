//! Rows of a price list that are not products, and the report of what was skipped or stripped.
//!
//! Price lists carry more than products: «Итого»/«Всего» rows, free text (notes, contacts,
//! «Цены указаны с учётом НДС…»), and in 1C printouts group headings — a name alone in the name
//! column. Such rows are never fatal: totals and text are skipped and counted (one warning per
//! kind, with the first few rows), headings become groups.

use rust_decimal::Decimal;

use super::cells::{Cell, Stripped};
use super::mapping::{Field, Resolved};
use super::{Row, Rows};
use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Position, Result};
use crate::i18n::{Arg, Message};

/// How many rows or cells a warning names before it only counts.
const EXAMPLES: usize = 5;
/// How much of a cell's text a message quotes.
const EXCERPT_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// Nothing in any cell (a CSV line of `;;;`).
    Blank,
    Product,
    /// A name alone in the name column: a group heading if products follow it.
    Heading(String),
    /// «Итого», «Всего».
    Total,
    /// Text without a code or a price: a note, contacts, a footer.
    Text,
}

/// `Итого`, `Итого:`, `Всего позиций 12`, but not `Итоговый`.
fn is_total(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    ["итого", "всего"]
        .iter()
        .any(|word| lower.strip_prefix(word).is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphabetic())))
}

pub fn classify(row: &Row, m: &Resolved) -> RowKind {
    let filled: Vec<usize> = (0..row.cells.len()).filter(|c| !row.cells[*c].is_blank()).collect();
    let Some(&first) = filled.first() else {
        return RowKind::Blank;
    };
    let is_filled = |column: Option<usize>| column.is_some_and(|c| filled.contains(&c));
    let codes: Vec<usize> = [Field::Code, Field::Article].into_iter().filter_map(|f| m.get(f)).collect();
    let code_columns: Vec<usize> = codes.iter().copied().filter(|c| filled.contains(c)).collect();
    if is_total(&row.cells[first].shown()) && code_columns.iter().all(|c| *c == first) {
        return RowKind::Total;
    }
    let has_code = !code_columns.is_empty();
    let has_name = is_filled(m.get(Field::Name));
    let has_price = m.prices.iter().any(|p| filled.contains(&p.column));
    if !has_code && !has_name {
        return RowKind::Text;
    }
    if !has_code && !has_price && !is_filled(m.get(Field::Barcode)) {
        return match (filled.as_slice(), m.get(Field::Name)) {
            ([only], Some(name)) if *only == name => RowKind::Heading(row.cells[name].shown()),
            _ => RowKind::Text,
        };
    }
    // A sentence alone in the code column («Цены действительны до 31.03») is a note, not a code.
    let sentence = matches!(&row.cells[first], Cell::Text(t) if t.trim().contains(char::is_whitespace));
    if filled.len() == 1 && has_code && sentence {
        return RowKind::Text;
    }
    RowKind::Product
}

/// A short quote of a cell for messages.
pub fn excerpt(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= EXCERPT_CHARS {
        return format!("«{text}»");
    }
    format!("«{}…»", text.chars().take(EXCERPT_CHARS).collect::<String>())
}

/// The first text of a row, quoted, for messages.
pub fn row_excerpt(row: &Row) -> String {
    row.cells.iter().find(|c| !c.is_blank()).map(|c| excerpt(&c.shown())).unwrap_or_default()
}

/// Occurrences of one kind: how many, and the first few described.
#[derive(Default)]
struct Tally {
    count: u64,
    examples: Vec<Message>,
    /// Distinct currencies seen, for the foreign-currency warning.
    currencies: Vec<String>,
}

impl Tally {
    fn add(&mut self, example: impl FnOnce() -> Message) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(example());
        }
    }

    fn listed(&self) -> Arg {
        let Some(list) = crate::formats::join_messages(self.examples.iter().cloned(), false) else {
            return Arg::Text(String::new());
        };
        if self.count > self.examples.len() as u64 {
            crate::msg!("table-list-and-more", list = list).into()
        } else {
            list.into()
        }
    }
}

/// What a table's rows had that is not a product, and price cells whose text was trimmed.
#[derive(Default)]
pub struct RowReport {
    totals: Tally,
    texts: Tally,
    headings: Tally,
    stripped: Tally,
    foreign: Tally,
}

impl RowReport {
    pub fn total(&mut self, rows: &dyn Rows, row: &Row) {
        self.totals.add(|| crate::msg!("table-example-row", row = rows.row_name(row.number), text = row_excerpt(row)));
    }

    pub fn text(&mut self, rows: &dyn Rows, number: u64, excerpt: String) {
        self.texts.add(|| crate::msg!("table-example-row", row = rows.row_name(number), text = excerpt));
    }

    pub fn heading(&mut self, rows: &dyn Rows, number: u64, name: &str) {
        self.headings.add(|| crate::msg!("table-example-row", row = rows.row_name(number), text = excerpt(name)));
    }

    /// A price cell whose number was read out of text; `cell_name` says where it is.
    pub fn stripped_price(&mut self, cell_name: Arg, cell: &Cell, amount: Decimal, stripped: &Stripped) {
        let example =
            || crate::msg!("table-example-price", cell = cell_name, text = excerpt(&cell.shown()), amount = amount);
        if stripped.foreign {
            if !self.foreign.currencies.contains(&stripped.currency) {
                self.foreign.currencies.push(stripped.currency.clone());
            }
            self.foreign.add(example);
        } else {
            self.stripped.add(example);
        }
    }

    /// The warnings (one per kind) and the note on group headings.
    pub fn report(&self, rows: &dyn Rows, diag: &mut Diagnostics) -> Result<()> {
        let at = || Position::in_file(rows.file()).with_field(rows.place());
        if self.headings.count > 0 {
            diag.note(crate::msg!(
                "table-note-headings",
                file = rows.file().to_string(),
                place = rows.place_text(),
                count = self.headings.count,
                examples = self.headings.listed()
            ));
        }
        let (totals, texts, stripped, foreign) = (&self.totals, &self.texts, &self.stripped, &self.foreign);
        if totals.count > 0 {
            let m = crate::msg!("table-total-rows-skipped", count = totals.count, examples = totals.listed());
            diag.warn(Warning::new(WarningKind::TotalRowsSkipped, m).at(at()))?;
        }
        if texts.count > 0 {
            let m = crate::msg!("table-text-rows-skipped", count = texts.count, examples = texts.listed());
            diag.warn(Warning::new(WarningKind::TextRowsSkipped, m).at(at()))?;
        }
        if stripped.count > 0 {
            let m = crate::msg!("table-price-text-stripped", count = stripped.count, examples = stripped.listed());
            diag.warn(Warning::new(WarningKind::PriceTextStripped, m).at(at()))?;
        }
        if foreign.count > 0 {
            let m = crate::msg!(
                "table-price-currency-foreign",
                count = foreign.count,
                currencies = foreign.currencies.join(", "),
                examples = foreign.listed()
            );
            diag.warn(Warning::new(WarningKind::PriceCurrencyForeign, m).at(at()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_the_words_not_their_prefixes() {
        assert!(is_total("Итого"));
        assert!(is_total(" ИТОГО: 5 позиций"));
        assert!(is_total("Всего наименований 12"));
        assert!(!is_total("Итоговый отчёт"));
        assert!(!is_total("Всегда свежий хлеб"));
    }

    #[test]
    fn long_text_is_quoted_short() {
        assert_eq!(excerpt(" Хлеб "), "«Хлеб»");
        let long = "Цены указаны с учётом НДС 20% и действительны до конца месяца";
        assert_eq!(excerpt(long), "«Цены указаны с учётом НДС 20% и действит…»");
    }
}
