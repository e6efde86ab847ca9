//! Numbers as 1C and spreadsheets write them, and codes that must stay strings.
//!
//! 1C formats numbers with the locale: a decimal comma and a NO-BREAK SPACE between thousands
//! (`1 990,00`); 1C 7.7 pads to a fixed width (`          45.90`). Excel turns long barcodes into
//! `4.6E+12`. All of that is handled here once, for every format.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::i18n::Message;

/// What a number field accepts, for error messages.
pub const DECIMAL_EXPECTED: Message = Message { key: "fmt-expected-decimal", args: Vec::new() };

/// What a number field accepts when the number is well formed but cannot be held exactly.
pub const DECIMAL_RANGE_EXPECTED: Message = Message { key: "fmt-expected-decimal-range", args: Vec::new() };

/// Why a string is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub expected: Message,
}

fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// Parses a decimal written by 1C, a spreadsheet or a human. Empty (or only spaces) is `Ok(None)`:
/// "no value", which is not the same as zero.
///
/// Accepted: `1 990,00`, `1\u{a0}990,00`, `1\u{202f}990,00`, `995.00`, `          45.90`, `-5`,
/// `+5`, `.5`, `5.`. Rejected: exponents (`1.5E+3`), both `.` and `,` in one number
/// (`1,990.00` is ambiguous), more than one separator, spaces inside digit groups other than
/// between thousands.
pub fn parse_decimal(raw: &str) -> Result<Option<Decimal>, NumberError> {
    let err = NumberError { expected: DECIMAL_EXPECTED };
    let s = raw.trim_matches(|c: char| c.is_whitespace() || is_group_space(c));
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(plain) = plain_decimal(s) {
        return plain;
    }
    let (negative, digits) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mut normal = String::with_capacity(digits.len() + 1);
    if negative {
        normal.push('-');
    }
    let mut seen_separator = false;
    let mut last_was_digit = false;
    let mut digits_since_space: Option<usize> = None;
    for c in digits.chars() {
        match c {
            '0'..='9' => {
                normal.push(c);
                last_was_digit = true;
                if let Some(n) = digits_since_space.as_mut() {
                    *n += 1;
                }
            }
            '.' | ',' => {
                if seen_separator || digits_since_space.is_some_and(|n| n != 3) {
                    return Err(err);
                }
                seen_separator = true;
                digits_since_space = None;
                normal.push('.');
                last_was_digit = false;
            }
            c if is_group_space(c) => {
                // A thousands separator: only between digits of the integer part, groups of 3.
                if seen_separator || !last_was_digit || digits_since_space.is_some_and(|n| n != 3) {
                    return Err(err);
                }
                digits_since_space = Some(0);
                last_was_digit = false;
            }
            _ => return Err(err),
        }
    }
    if digits_since_space.is_some_and(|n| n != 3) {
        return Err(err);
    }
    let normal = normal.trim_end_matches('.');
    if normal.is_empty() || normal == "-" || normal == "." || normal == "-." {
        return Err(err);
    }
    let normal = match normal.strip_prefix("-.") {
        Some(rest) => format!("-0.{rest}"),
        None => match normal.strip_prefix('.') {
            Some(rest) => format!("0.{rest}"),
            None => normal.to_string(),
        },
    };
    // Too many digits: an error, never a rounding (`Decimal::from_str` would round).
    Decimal::from_str_exact(&normal).map(Some).map_err(|_| NumberError { expected: DECIMAL_RANGE_EXPECTED })
}

/// What `parse_decimal` gives for the common shape `-?digits([.,]digits)?`, read without making a
/// normalised copy on the heap; `None` for any other shape (the general path reads it).
fn plain_decimal(s: &str) -> Option<Result<Option<Decimal>, NumberError>> {
    let bytes = s.as_bytes();
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let point = digits.iter().position(|b| matches!(b, b'.' | b','));
    let plain = bytes.len() <= 64
        && digits.first().is_some_and(u8::is_ascii_digit)
        && digits.last().is_some_and(u8::is_ascii_digit)
        && digits.iter().enumerate().all(|(i, b)| b.is_ascii_digit() || Some(i) == point);
    if !plain {
        return None;
    }
    let mut buf = [0u8; 64];
    for (to, from) in buf.iter_mut().zip(bytes) {
        *to = if *from == b',' { b'.' } else { *from };
    }
    let normal = std::str::from_utf8(&buf[..bytes.len()]).ok()?;
    Some(Decimal::from_str_exact(normal).map(Some).map_err(|_| NumberError { expected: DECIMAL_RANGE_EXPECTED }))
}

/// Canonical JSON's decimals: a string such as `"1990.00"` (what the writer writes), read exactly,
/// or a JSON integer. A JSON number with a fraction is an error: serde_json hands it over as an
/// `f64`, which may already have lost digits (`1.00000000000000001` arrives as `1`), and nothing
/// after that can tell. Anything beyond 28 digits is an error, never a rounding.
pub mod exact_serde {
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::de::{self, Deserializer, Unexpected, Visitor};

    struct ExactDecimal;

    impl Visitor<'_> for ExactDecimal {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(&crate::tr!("fmt-expected-exact-decimal"))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            let plain = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
            match plain.then(|| Decimal::from_str_exact(v)) {
                Some(Ok(d)) => Ok(d),
                _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::invalid_value(Unexpected::Float(v), &crate::tr!("fmt-expected-amount-string").as_str()))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(ExactDecimal)
    }

    /// For `Option<Decimal>` fields (with `#[serde(default)]`): `null` is `None`.
    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        struct OptionalExact;

        impl<'de> Visitor<'de> for OptionalExact {
            type Value = Option<Decimal>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                ExactDecimal.expecting(f)
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                deserialize(d).map(Some)
            }
        }

        d.deserialize_option(OptionalExact)
    }
}

/// Formats a decimal with the given separator, no thousands grouping, the scale kept as read
/// (`1990.00` stays `1990.00`, `100` stays `100`).
pub fn format_decimal(value: &Decimal, separator: char) -> String {
    let mut s = String::new();
    push_decimal(&mut s, value, separator);
    s
}

/// Appends `value` as `format_decimal` writes it, without a text of its own.
pub fn push_decimal(out: &mut String, value: &Decimal, separator: char) {
    use std::fmt::Write;
    let start = out.len();
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
    if separator != '.' {
        if let Some(point) = out[start..].find('.') {
            let at = start + point;
            out.replace_range(at..at + 1, separator.encode_utf8(&mut [0; 4]));
        }
    }
}

/// What a code or barcode field accepts, for error messages.
pub const CODE_EXPECTED: Message = Message { key: "fmt-expected-code", args: Vec::new() };

/// Rejects codes and barcodes that a spreadsheet has mangled into scientific notation
/// (`4.6E+12`, `1,5E+3`). Other strings are valid codes: leading zeros and letters are fine.
pub fn check_code(s: &str) -> Result<(), NumberError> {
    let t = s.trim();
    let Some(e) = t.find(['E', 'e']) else { return Ok(()) };
    let (mantissa, exponent) = (&t[..e], &t[e + 1..]);
    let exponent_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let signed = exponent_digits.len() != exponent.len();
    let mantissa_ok = !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && mantissa.chars().filter(|c| *c == '.' || *c == ',').count() <= 1
        && mantissa.starts_with(|c: char| c.is_ascii_digit());
    let exponent_ok = !exponent_digits.is_empty() && exponent_digits.chars().all(|c| c.is_ascii_digit());
    // A separator with digits after it: `4,60713E+12`. `00000000,E000` is a list of two codes.
    let has_fraction = mantissa.find(['.', ',']).is_some_and(|i| i + 1 < mantissa.len());
    // `1E5` may be a real code; a sign or a fraction in front of the exponent is Excel's doing.
    if mantissa_ok && exponent_ok && (signed || has_fraction) {
        Err(NumberError { expected: CODE_EXPECTED })
    } else {
        Ok(())
    }
}

/// A decimal from a string already known to be well formed (tests, constants).
pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("a valid decimal literal")
}

/// Checks the EAN-13 / EAN-8 check digit. `None` when the string is not an EAN-8/13 shape at all
/// (internal codes, weight barcodes of other lengths), so callers do not flag them.
pub fn ean_check_digit_ok(barcode: &str) -> Option<bool> {
    let b = barcode.as_bytes();
    if !(b.len() == 13 || b.len() == 8) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digits: Vec<u32> = b.iter().map(|d| u32::from(d - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    // Weights 3,1,3,1… from the digit next to the check digit.
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| if i.is_multiple_of(2) { d * 3 } else { *d }).sum();
    Some((10 - sum % 10) % 10 == check[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        parse_decimal(s).expect(s).map(|d| d.to_string())
    }

    #[test]
    fn accepts_what_1c_writes() {
        assert_eq!(p("1 990,00").as_deref(), Some("1990.00"));
        assert_eq!(p("1\u{a0}990,00").as_deref(), Some("1990.00"));
        assert_eq!(p("6\u{202f}099,00").as_deref(), Some("6099.00"));
        assert_eq!(p("995.00").as_deref(), Some("995.00"));
        assert_eq!(p("          45.90").as_deref(), Some("45.90"));
        assert_eq!(p("-5").as_deref(), Some("-5"));
        assert_eq!(p("1 234 567,5").as_deref(), Some("1234567.5"));
        assert_eq!(p(",5").as_deref(), Some("0.5"));
        assert_eq!(p("0,548").as_deref(), Some("0.548"));
        assert_eq!(p(""), None);
        assert_eq!(p("   "), None);
        // The plain shapes, read without a normalised copy.
        assert_eq!(p("-0,50").as_deref(), Some("-0.50"));
        assert_eq!(p(" 00012 ").as_deref(), Some("12"));
        assert_eq!(p("3000.00").as_deref(), Some("3000.00"));
        assert_eq!(
            parse_decimal("1234567890123456789012345678901"),
            Err(NumberError { expected: DECIMAL_RANGE_EXPECTED })
        );
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for bad in ["abc", "1.5E+3", "1,990.00", "1 99", "12 345 67", "1.2.3", "-", "1 990, 00", "1O0"] {
            assert!(parse_decimal(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn numbers_beyond_28_digits_are_errors_never_rounded() {
        for (raw, why) in [
            ("1234567890123456789012345678901.5", "too many digits"),
            ("0.00000000000000000000000000001234", "too many decimal places"),
            ("0,00000000000000000000000000001", "29 decimal places"),
            ("79228162514264337593543950336", "just above the largest"),
        ] {
            assert_eq!(parse_decimal(raw), Err(NumberError { expected: DECIMAL_RANGE_EXPECTED }), "{raw}: {why}");
        }
        assert_eq!(p("79228162514264337593543950335").as_deref(), Some("79228162514264337593543950335"));
        assert_eq!(p("0.0000000000000000000000000001").as_deref(), Some("0.0000000000000000000000000001"));
    }

    #[test]
    fn codes_keep_leading_zeros_but_not_scientific_notation() {
        assert!(check_code("0001234").is_ok());
        assert!(check_code("УТ-00000003").is_ok());
        assert!(check_code("1E5").is_ok());
        assert!(check_code("4.6E+12").is_err());
        assert!(check_code("4,60713E+12").is_err());
        assert!(check_code("1.5E+3").is_err());
        assert!(check_code("46E+12").is_err());
        // Two codes in one ATOL cell, the second a letter code: not a mangled number.
        assert!(check_code("00000000,E000").is_ok());
        assert!(check_code("4,E+12").is_err());
    }

    #[test]
    fn ean_check_digits() {
        assert_eq!(ean_check_digit_ok("4260133180178"), Some(true));
        assert_eq!(ean_check_digit_ok("4260133180179"), Some(false));
        assert_eq!(ean_check_digit_ok("96385074"), Some(true));
        assert_eq!(ean_check_digit_ok("96385075"), Some(false));
        assert_eq!(ean_check_digit_ok("12345"), None);
    }

    #[test]
    fn formats_with_the_requested_separator() {
        assert_eq!(format_decimal(&dec("1990.00"), ','), "1990,00");
        assert_eq!(format_decimal(&dec("100"), '.'), "100");
    }
}
