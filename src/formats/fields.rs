//! Field parsers shared by all readers: each takes the raw text and the position to blame, and
//! returns a value or an error naming the value and what was expected.

use rust_decimal::Decimal;

use crate::error::{Error, Position, Result};
use crate::model::Vat;
use crate::number::{check_code, parse_decimal};
use crate::vat::VAT_EXPECTED;

/// A number that may be empty (`None`).
pub fn decimal(raw: &str, pos: impl FnOnce() -> Position) -> Result<Option<Decimal>> {
    parse_decimal(raw).map_err(|e| Error::bad_value(pos(), raw, e.expected))
}

/// A number that must be there.
pub fn required_decimal(raw: &str, pos: impl FnOnce() -> Position) -> Result<Decimal> {
    match parse_decimal(raw) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err(Error::bad_value(pos(), raw, crate::msg!("fmt-expected-number-not-empty"))),
        Err(e) => Err(Error::bad_value(pos(), raw, e.expected)),
    }
}

/// A product code, group code or barcode: kept as written (trimmed), but not a number mangled into
/// scientific notation.
pub fn code(raw: &str, pos: impl FnOnce() -> Position) -> Result<String> {
    check_code(raw).map_err(|e| Error::bad_value(pos(), raw, e.expected))?;
    Ok(raw.trim().to_string())
}

/// A VAT rate; empty is `None` (unknown), which is not the same as «без НДС».
pub fn vat(raw: &str, pos: impl FnOnce() -> Position) -> Result<Option<Vat>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| Error::bad_value(pos(), raw, VAT_EXPECTED))
}

/// 1C booleans: `Да`/`Нет` (also `true`/`false`, `1`/`0`); empty is `None`.
pub fn yes_no(raw: &str, pos: impl FnOnce() -> Position) -> Result<Option<bool>> {
    match raw.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "да" | "true" | "1" | "истина" => Ok(Some(true)),
        "нет" | "false" | "0" | "ложь" => Ok(Some(false)),
        _ => Err(Error::bad_value(pos(), raw, crate::msg!("fmt-expected-yes-no"))),
    }
}

pub fn yes_no_text(value: bool) -> &'static str {
    if value {
        "Да"
    } else {
        "Нет"
    }
}

/// Text that may be empty: `None` when blank.
pub fn optional_text(raw: Option<String>) -> Option<String> {
    raw.filter(|s| !s.trim().is_empty())
}

/// A field cut from decoded text at ASCII bytes (`;`, quotes, line ends), as text. The input was
/// checked as UTF-8 when it was decoded, so this fails only if that guarantee were broken; it is
/// checked again here, but only for the fields a reader uses.
pub fn utf8(bytes: &[u8], pos: impl FnOnce() -> Position) -> Result<&str> {
    std::str::from_utf8(bytes)
        .map_err(|e| Error::encoding(pos(), crate::msg!("fmt-field-not-utf8", byte = e.valid_up_to() + 1)))
}

/// Whether a field holds only white space (as `str::trim` sees it); decoded only when it holds
/// more than ASCII.
pub fn is_blank(bytes: &[u8], pos: impl FnOnce() -> Position) -> Result<bool> {
    // The ASCII white space of `char::is_whitespace` (the vertical tab included).
    match bytes.iter().find(|b| !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')) {
        None => Ok(true),
        Some(b) if b.is_ascii() => Ok(false),
        Some(_) => Ok(utf8(bytes, pos)?.trim().is_empty()),
    }
}
