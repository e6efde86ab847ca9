//! Cells of a table and how each field reads them.
//!
//! A spreadsheet stores numbers as binary floats: the price `1990.1` is the float nearest to it,
//! `1990.0999999999999`… in binary. It is read back as the shortest decimal that round-trips to
//! the same float (Rust's `Display` of `f64`), which is what Excel shows, and only that text is
//! parsed into a `Decimal`. No arithmetic is ever done in floating point.

use rust_decimal::Decimal;

use crate::i18n::Message;
use crate::model::Vat;
use crate::number::{check_code, parse_decimal, DECIMAL_EXPECTED};
use crate::vat::VAT_EXPECTED;

/// Excel keeps and shows at most 15 significant digits; more than that in a float is binary noise.
const EXCEL_DIGITS: usize = 15;

/// Codes at or above this were numbers with more digits than a float keeps exactly.
const EXACT_CODE_LIMIT: f64 = 1e15;

/// One cell as the source gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A spreadsheet number (always a float in xlsx and ods).
    Number(f64),
    Int(i64),
    Bool(bool),
    /// A date or a time, as readable text.
    Date(String),
    /// A spreadsheet error such as `#N/A`.
    Error(String),
}

static EMPTY: Cell = Cell::Empty;

impl Cell {
    pub fn empty() -> &'static Cell {
        &EMPTY
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a spreadsheet shows it (for titles and messages).
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) => float_text(*f),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(true) => "TRUE".into(),
            Cell::Bool(false) => "FALSE".into(),
            Cell::Date(s) | Cell::Error(s) => s.clone(),
        }
    }

    /// What kind of non-number the cell holds, for messages.
    fn what(&self) -> Option<Message> {
        match self {
            Cell::Bool(_) => Some(crate::msg!("table-cell-is-boolean")),
            Cell::Date(_) => Some(crate::msg!("table-cell-is-date")),
            Cell::Error(_) => Some(crate::msg!("table-cell-is-error")),
            _ => None,
        }
    }
}

/// Why a cell cannot be read as a field: the value as shown and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub value: String,
    pub expected: String,
}

fn fail<T>(cell: &Cell, expected: Message) -> Result<T, CellError> {
    let expected = match cell.what() {
        None => expected.to_string(),
        Some(what) => crate::tr!("table-expected-and-why", expected = expected, why = what),
    };
    Err(CellError { value: cell.shown(), expected })
}

/// The decimal text of a float cell: the shortest text that reads back as the same float
/// (`1990.1`, `4607001000433`), or, when that needs more than 15 significant digits (a formula's
/// `0.30000000000000004`), the value rounded to 15 digits as Excel shows it (`0.3`).
pub fn float_text(f: f64) -> String {
    let shortest = format!("{f}");
    if significant_digits(&shortest) <= EXCEL_DIGITS {
        return shortest;
    }
    // `{:.14e}` rounds the float's exact binary value to 15 digits; the rest is decimal work.
    match Decimal::from_scientific(&format!("{f:.prec$e}", prec = EXCEL_DIGITS - 1)) {
        Ok(d) => d.normalize().to_string(),
        Err(_) => shortest,
    }
}

fn significant_digits(s: &str) -> usize {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    if s.contains('.') {
        digits.len()
    } else {
        digits.trim_end_matches('0').len()
    }
}

/// Text that may be empty. Numbers become their decimal text; only error cells fail.
pub fn text(cell: &Cell) -> Result<Option<String>, CellError> {
    match cell {
        Cell::Error(_) => fail(cell, crate::msg!("table-expected-value")),
        _ => Ok(Some(cell.shown()).filter(|s| !s.is_empty())),
    }
}

/// A number that may be empty.
pub fn decimal(cell: &Cell) -> Result<Option<Decimal>, CellError> {
    let raw = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(s) => s.clone(),
        Cell::Number(f) => float_text(*f),
        Cell::Int(i) => i.to_string(),
        _ => return fail(cell, DECIMAL_EXPECTED),
    };
    parse_decimal(&raw).or_else(|e| fail(cell, e.expected))
}

/// What a price cell may hold.
const PRICE_EXPECTED: Message = Message { key: "table-expected-price", args: Vec::new() };

/// Currency signs and words of rubles, as `currency_key` makes them.
const RUBLES: &[&str] = &["руб", "р", "₽", "rub", "rur", "рубль", "рубля", "рублей"];
/// Other currencies seen in price lists.
const OTHER_CURRENCIES: &[&str] =
    &["грн", "₴", "uah", "$", "usd", "€", "eur", "тг", "тенге", "₸", "kzt", "byn", "у.е", "уе", "сум", "uzs"];

/// What was around the number in a price cell and has been set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The currency as written (`руб.`, `грн`), empty when only markup was stripped.
    pub currency: String,
    /// A currency other than rubles: the amount is kept as written, not converted.
    pub foreign: bool,
}

/// A price: a number, or text with a number and a currency or HTML markup around it
/// (`1 990 руб.`, `1 990,00 р.`, `28500<span>грн</span>`); the number is read exactly and what was
/// stripped is returned so the caller can say so. Any other text is an error.
pub fn price(cell: &Cell) -> Result<Option<(Decimal, Option<Stripped>)>, CellError> {
    let Cell::Text(raw) = cell else {
        return Ok(decimal(cell)?.map(|d| (d, None)));
    };
    if let Ok(plain) = parse_decimal(raw) {
        return Ok(plain.map(|d| (d, None)));
    }
    let bad = || CellError { value: raw.trim().to_string(), expected: PRICE_EXPECTED.to_string() };
    let (text, had_markup) = strip_markup(raw);
    let digit = |c: char| c.is_ascii_digit();
    let (Some(first), Some(last)) = (text.find(digit), text.rfind(digit)) else {
        return Err(bad());
    };
    let start = match text[..first].chars().next_back() {
        Some(sign @ ('-' | '+')) => first - sign.len_utf8(),
        _ => first,
    };
    let (before, number, after) = (text[..start].trim(), &text[start..=last], text[last + 1..].trim());
    let currency = match (before.is_empty(), after.is_empty()) {
        (true, true) => "",
        (true, false) => after,
        (false, true) => before,
        (false, false) => return Err(bad()),
    };
    let key = currency_key(currency);
    let foreign = OTHER_CURRENCIES.contains(&key.as_str());
    let known = foreign || RUBLES.contains(&key.as_str()) || (key.is_empty() && had_markup);
    match parse_decimal(number) {
        Ok(Some(amount)) if known => Ok(Some((amount, Some(Stripped { currency: currency.to_string(), foreign })))),
        _ => Err(bad()),
    }
}

/// `Руб.` → `руб`, `у. е.` → `у.е`: lower case, no spaces, no final dot.
fn currency_key(currency: &str) -> String {
    let key: String = currency.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    key.trim_end_matches('.').to_string()
}

/// The text without HTML tags and with `&nbsp;` as a space; `true` when anything was removed.
fn strip_markup(raw: &str) -> (String, bool) {
    let mut text = String::with_capacity(raw.len());
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace("&nbsp;", " ").replace("&#160;", " ");
    let changed = text != raw;
    (text, changed)
}

/// What a code column needs when a spreadsheet has mangled it.
const SCIENTIFIC: Message = Message { key: "table-expected-code-scientific", args: Vec::new() };
const TOO_LONG: Message = Message { key: "table-expected-code-too-long", args: Vec::new() };

/// A product code, an article or one barcode: kept as written, integer-valued numbers without
/// `.0`, never a number mangled into scientific notation or beyond a float's exact digits.
pub fn code(cell: &Cell) -> Result<Option<String>, CellError> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(s) => {
            check_code(s).or_else(|_| fail(cell, SCIENTIFIC))?;
            Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty()))
        }
        Cell::Number(f) if f.abs() >= EXACT_CODE_LIMIT => fail(cell, TOO_LONG),
        Cell::Number(f) => Ok(Some(float_text(*f))),
        Cell::Int(i) => Ok(Some(i.to_string())),
        _ => fail(cell, crate::msg!("table-expected-code")),
    }
}

/// Barcodes: one number, or text with several separated by `,` or `;`.
pub fn barcodes(cell: &Cell) -> Result<Vec<String>, CellError> {
    match cell {
        Cell::Text(s) => {
            let mut out = Vec::new();
            for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
                if check_code(part).is_err() {
                    return Err(CellError { value: s.trim().to_string(), expected: SCIENTIFIC.to_string() });
                }
                out.push(part.to_string());
            }
            Ok(out)
        }
        other => Ok(code(other)?.into_iter().collect()),
    }
}

/// A VAT rate. A number below 1 is a percentage cell (`0.2` shown as `20%`).
pub fn vat(cell: &Cell) -> Result<Option<Vat>, CellError> {
    let raw = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(s) if s.trim().is_empty() => return Ok(None),
        Cell::Text(s) => s.trim().to_string(),
        Cell::Number(_) | Cell::Int(_) => {
            let d = decimal(cell)?.unwrap_or_default();
            let percent = if d > Decimal::ZERO && d < Decimal::ONE { d * Decimal::ONE_HUNDRED } else { d };
            percent.normalize().to_string()
        }
        _ => return fail(cell, VAT_EXPECTED),
    };
    raw.parse().map(Some).or_else(|_| fail(cell, VAT_EXPECTED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::dec;

    #[test]
    fn floats_read_as_the_decimal_people_typed() {
        assert_eq!(float_text(1990.1), "1990.1");
        assert_eq!(float_text(45.9), "45.9");
        assert_eq!(float_text(4607001000433.0), "4607001000433");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(1990.1 * 3.0), "5970.3");
        assert_eq!(decimal(&Cell::Number(1990.1)), Ok(Some(dec("1990.1"))));
        assert_eq!(decimal(&Cell::Text("1 990,10".into())), Ok(Some(dec("1990.10"))));
    }

    #[test]
    fn codes_stay_exact_or_fail() {
        assert_eq!(code(&Cell::Number(4607001000433.0)), Ok(Some("4607001000433".into())));
        assert_eq!(code(&Cell::Text(" 000123 ".into())), Ok(Some("000123".into())));
        assert!(code(&Cell::Text("4.6E+12".into())).is_err());
        assert!(code(&Cell::Number(4.6e15)).is_err());
        assert!(code(&Cell::Bool(true)).is_err());
        assert_eq!(barcodes(&Cell::Text("4601, 4602;4603".into())).unwrap(), ["4601", "4602", "4603"]);
        assert!(barcodes(&Cell::Text("4601;4.6E+12".into())).is_err());
    }

    #[test]
    fn vat_from_text_percent_cells_and_numbers() {
        assert_eq!(vat(&Cell::Number(0.2)), Ok(Some(Vat::Vat20)));
        assert_eq!(vat(&Cell::Number(10.0)), Ok(Some(Vat::Vat10)));
        assert_eq!(vat(&Cell::Number(0.0)), Ok(Some(Vat::Vat0)));
        assert_eq!(vat(&Cell::Text("без НДС".into())), Ok(Some(Vat::NoVat)));
        assert!(vat(&Cell::Number(0.18)).is_err());
    }

    fn stripped(currency: &str, foreign: bool) -> Option<Stripped> {
        Some(Stripped { currency: currency.to_string(), foreign })
    }

    #[test]
    fn price_text_with_a_currency_or_markup_keeps_its_number() {
        let price_of = |s: &str| price(&Cell::Text(s.to_string()));
        assert_eq!(price_of("1 990,10"), Ok(Some((dec("1990.10"), None))));
        assert_eq!(price_of("1 990 руб."), Ok(Some((dec("1990"), stripped("руб.", false)))));
        assert_eq!(price_of("1 990,00 р."), Ok(Some((dec("1990.00"), stripped("р.", false)))));
        assert_eq!(price_of("₽ 45.90"), Ok(Some((dec("45.90"), stripped("₽", false)))));
        assert_eq!(price_of("-5 руб"), Ok(Some((dec("-5"), stripped("руб", false)))));
        assert_eq!(price_of("28500<span>грн</span>"), Ok(Some((dec("28500"), stripped("грн", true)))));
        assert_eq!(price_of("<b>120</b>"), Ok(Some((dec("120"), stripped("", false)))));
        assert_eq!(price(&Cell::Number(1990.1)), Ok(Some((dec("1990.1"), None))));
        assert_eq!(price(&Cell::Empty), Ok(None));
        for bad in ["договорная", "от 1 990 руб.", "1990 руб/кг", "1 990 руб. 50 коп.", "12 штук", "руб."]
        {
            let err = price_of(bad).unwrap_err();
            assert_eq!(err.value, bad, "{bad}");
            assert!(err.expected.starts_with("a price: a number"), "{bad}: {}", err.expected);
        }
    }

    #[test]
    fn dates_and_errors_are_not_numbers() {
        let err = decimal(&Cell::Date("01.03.2024".into())).unwrap_err();
        assert!(err.expected.contains("date"), "{}", err.expected);
        assert!(text(&Cell::Error("#N/A".into())).is_err());
    }
}
