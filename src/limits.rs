//! How much of an input a reader may hold at once. Memory is bounded by these numbers, never by
//! the input: anything beyond them is a clear error naming the limit and the option that raises
//! it (README "Limits"). The defaults are generous for real files.

use serde::{Deserialize, Deserializer};

/// The limits every reader keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// One record read at a time: an XML tag with its attributes or a text between tags, a CSV
    /// row, a line of an ATOL file, a JSON object. `--max-record-size`.
    #[serde(deserialize_with = "size")]
    pub max_record_size: u64,
    /// One value: an XML text or attribute value, a CSV field. `--max-value-size`.
    #[serde(deserialize_with = "size")]
    pub max_value_size: u64,
    /// Columns of one CSV row. `--max-columns`.
    pub max_columns: u64,
    /// Elements open at once in an XML document. `--max-depth`.
    pub max_depth: u64,
    /// A spreadsheet file, and each part unpacked from it (a sheet's XML, its shared strings).
    /// `--max-sheet-size`.
    #[serde(deserialize_with = "size")]
    pub max_sheet_size: u64,
    /// Cells of one sheet: those it holds and the rectangle they span (a sheet is read whole).
    /// `--max-cells`.
    pub max_cells: u64,
}

pub const MIB: u64 = 1 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_size: 8 * MIB,
            max_value_size: MIB,
            max_columns: 10_000,
            max_depth: 1_000,
            max_sheet_size: 100_000_000,
            max_cells: 5_000_000,
        }
    }
}

/// `8MiB`, `100MB`, `1048576`.
pub fn describe_size(bytes: u64) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes.is_multiple_of(1_000_000) {
        format!("{} MB", bytes / 1_000_000)
    } else {
        format!("{bytes} bytes")
    }
}

/// `200MB`, `10 MB`, `1GB`, `64KiB`, `1.5GiB`, `123456` (bytes). Decimal sizes are read as
/// decimals, not floats.
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number = rust_decimal::Decimal::from_str_exact(number)
        .map_err(|_| format!("{text:?}: expected a size such as 200MB, 1GB or 4096"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => return Err(format!("{text:?}: unknown unit {other:?} (B, KB, MB, GB, KiB, MiB, GiB)")),
    };
    let bytes = number.checked_mul(rust_decimal::Decimal::from(factor)).map(|b| b.round());
    bytes.and_then(|b| u64::try_from(b).ok()).ok_or_else(|| format!("{text:?}: too large"))
}

/// A size in a configuration file: a number of bytes or a text such as `"8MiB"`.
fn size<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Bytes(u64),
        Text(String),
    }
    match Size::deserialize(d)? {
        Size::Bytes(b) => Ok(b),
        Size::Text(t) => parse_size(&t).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("200MB"), Ok(200_000_000));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("64KiB"), Ok(65_536));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert_eq!(describe_size(8 * MIB), "8 MiB");
        assert_eq!(describe_size(100_000_000), "100 MB");
    }

    #[test]
    fn limits_from_a_configuration() {
        let l: Limits = toml::from_str("max-record-size = \"16MiB\"\nmax-cells = 10").unwrap();
        assert_eq!((l.max_record_size, l.max_cells, l.max_depth), (16 * MIB, 10, 1_000));
        assert!(toml::from_str::<Limits>("max-record-size = \"lots\"").is_err());
    }
}
