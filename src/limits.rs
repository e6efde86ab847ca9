//! How much of an input a reader may hold at once. Memory is bounded by these numbers, never by
//! the input: anything beyond them is a clear error naming the limit and the option that raises
//! it (README "Limits"). The defaults are generous for real files.

use serde::{Deserialize, Deserializer};

/// The limits every reader keeps to: the `--max-…` options of the commands that read, and the
/// `[route.read.limits]` table of the drop folder's configuration (sizes as `"8MiB"` or a number
/// of bytes). One text per field serves both (with the `cli` feature it is the option's help);
/// the README's "Limits" table says more about each. The defaults are [`Limits::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Limits"))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// One record: an XML tag or text, a CSV row, a line, a JSON object [default: 8MiB].
    #[serde(deserialize_with = "size")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "8MiB", hide_default_value = true)
    )]
    pub max_record_size: u64,
    /// One value: an XML text or attribute, a CSV field [default: 1MiB].
    #[serde(deserialize_with = "size")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1MiB", hide_default_value = true)
    )]
    pub max_value_size: u64,
    /// Columns of a CSV row [default: 10000].
    #[cfg_attr(feature = "cli", arg(long, value_name = "N", default_value = "10000", hide_default_value = true))]
    pub max_columns: u64,
    /// XML elements open at once [default: 1000].
    #[cfg_attr(feature = "cli", arg(long, value_name = "N", default_value = "1000", hide_default_value = true))]
    pub max_depth: u64,
    /// A spreadsheet file, and each part unpacked from it [default: 100MB].
    #[serde(deserialize_with = "size")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "100MB", hide_default_value = true)
    )]
    pub max_sheet_size: u64,
    /// Cells of a sheet, and the rectangle they span [default: 5000000].
    #[cfg_attr(feature = "cli", arg(long, value_name = "N", default_value = "5000000", hide_default_value = true))]
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
        crate::tr!("fmt-size-bytes", bytes = bytes)
    }
}

/// `200MB`, `10 MB`, `1GB`, `64KiB`, `1.5GiB`, `123456` (bytes). Decimal sizes are read as
/// decimals, not floats.
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number = rust_decimal::Decimal::from_str_exact(number)
        .map_err(|_| crate::tr!("fmt-size-expected", text = format!("{text:?}")))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => {
            return Err(crate::tr!("fmt-size-unknown-unit", text = format!("{text:?}"), unit = format!("{other:?}")))
        }
    };
    let bytes = number.checked_mul(rust_decimal::Decimal::from(factor)).map(|b| b.round());
    bytes
        .and_then(|b| u64::try_from(b).ok())
        .ok_or_else(|| crate::tr!("fmt-size-too-large", text = format!("{text:?}")))
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

    /// The options' defaults are `Limits::default()`, and each help text names its default.
    #[cfg(feature = "cli")]
    #[test]
    fn the_options_defaults_are_the_defaults() {
        use clap::{CommandFactory, Parser};
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            limits: Limits,
        }
        assert_eq!(Cli::parse_from(["kassa-bridge"]).limits, Limits::default());
        let command = Cli::command();
        let options: Vec<_> = command.get_arguments().filter(|a| a.get_long().is_some()).collect();
        assert_eq!(options.len(), 6);
        for arg in options {
            let default = arg.get_default_values()[0].to_str().unwrap();
            let help = arg.get_help().unwrap().to_string();
            assert!(help.ends_with(&format!("[default: {default}]")), "--{}: {help}", arg.get_long().unwrap());
        }
    }

    #[test]
    fn limits_from_a_configuration() {
        let l: Limits = toml::from_str("max-record-size = \"16MiB\"\nmax-cells = 10").unwrap();
        assert_eq!((l.max_record_size, l.max_cells, l.max_depth), (16 * MIB, 10, 1_000));
        assert!(toml::from_str::<Limits>("max-record-size = \"lots\"").is_err());
    }
}
