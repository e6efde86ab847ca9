//! Options of readers and writers, declared once for the library, the command line and the
//! drop-folder configuration: serde reads them from `[route.read]` and `[route.target.write]`
//! (kebab-case keys), and with the `cli` feature (on by default) clap derives the commands'
//! options from the same fields. A field's doc comment is its `--help` text.

use serde::Deserialize;

/// Options readers understand; each reader uses the ones that apply to it. They are the commands'
/// input options (all but `--from`: the input format belongs to the command, as `from` belongs to
/// the route) and the drop folder's `[route.read]` (where `with` is refused: the files of a
/// package dropped together are grouped by name).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Input"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReadOptions {
    /// The input's encoding (utf-8, windows-1251, utf-16le …), overriding detection.
    ///
    /// Detection: byte order mark, then the XML declaration, then valid UTF-8, else Windows-1251.
    #[cfg_attr(feature = "cli", arg(id = "input_encoding", long = "input-encoding", value_name = "ENCODING"))]
    pub encoding: Option<String>,
    /// Another file of the same package, read together with INPUT: CommerceML `offers.xml`,
    /// `prices.xml`, `rests.xml` … beside `import.xml` (repeatable; a folder as INPUT finds them).
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub with: Vec<std::path::PathBuf>,
    /// Spreadsheets: the sheet to read, by name or 1-based number (default: the first).
    #[cfg_attr(feature = "cli", arg(long, value_name = "SHEET"))]
    pub sheet: Option<String>,
    /// Spreadsheets and table CSV: the 1-based row with the column titles (default: found
    /// automatically among the first rows).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ROW"))]
    pub header_row: Option<u32>,
    /// Spreadsheets and table CSV: map a field to a column, e.g. `--column code=A --column
    /// price=Цена`; a column is a title, a letter or a 1-based number. Fields: code, name,
    /// barcode, article, price, unit, vat, group, comment (repeatable).
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long = "column", value_name = "FIELD=COLUMN"))]
    pub columns: Vec<String>,
    /// Spreadsheets and table CSV: a TOML mapping file (sheet, header-row, [columns]).
    #[allow(rustdoc::broken_intra_doc_links)] // `[columns]` is the TOML table, as --help shows it
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub mapping: Option<std::path::PathBuf>,
    /// The UTC offset of local times in the input (atol-report, CommerceML orders), e.g. +03:00
    /// (the default).
    #[cfg_attr(
        feature = "cli",
        arg(id = "input_utc_offset", long = "input-utc-offset", value_name = "OFFSET", allow_hyphen_values = true)
    )]
    pub utc_offset: Option<String>,
    /// What a reader may hold at once (`[route.read.limits]` in the drop folder's configuration).
    #[serde(default)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub limits: crate::limits::Limits,
}

/// Which of the two Кассатка nomenclature layouts to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum KassatkaDialect {
    /// The layout of Кассатка's API document: `ProductGroup/Products/Product`, one `Product`
    /// element per price type, one barcode.
    #[default]
    Api,
    /// The layout 1C processings write: `Product` with `Article`, nested `Prices/Price` (with VAT)
    /// and `Barcodes/Barcode`.
    #[cfg_attr(feature = "cli", value(name = "1c"))]
    #[serde(rename = "1c")]
    OneC,
}

impl KassatkaDialect {
    /// The name kept in `Header::source_layout` (and the CLI value).
    pub fn layout_name(self) -> &'static str {
        match self {
            KassatkaDialect::Api => "api",
            KassatkaDialect::OneC => "1c",
        }
    }

    pub fn from_layout_name(name: &str) -> Option<Self> {
        [KassatkaDialect::Api, KassatkaDialect::OneC].into_iter().find(|d| d.layout_name() == name)
    }
}

/// How БИФИТ Касса goods files carry folders (the reference marks the CSV's `GROUP` and
/// `GROUPED` columns as INFERRED, so this is a choice).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum BifitGroups {
    /// A folder row per group (`GROUPED` = 1; in JSON a `grouped: true` item) before its goods,
    /// and each product names its folder in `GROUP`.
    #[default]
    Rows,
    /// No folder rows; each product names its folder in `GROUP` (CSV only).
    Column,
    /// No folders at all; every dropped group link is a warning.
    None,
}

/// What a product's `GROUP` cell holds to name its folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum BifitGroupRef {
    /// The folder's name (what people see).
    #[default]
    Name,
    /// The folder's code (its `EXTERNAL_CODE`).
    Code,
    /// Names from the top folder down, joined by `/`.
    Path,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum DecimalSeparator {
    Point,
    Comma,
}

/// The command an ATOL/Frontol goods file loads its goods with (reference `formats-1c.md` §1.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum AtolCommand {
    /// `$$$ADDQUANTITY`: add or update goods, add to the stock (Айтида «Добавлять»).
    Add,
    /// `$$$REPLACEQUANTITY`: add or update goods, replace the stock, clear sales (1C partial export).
    #[default]
    Replace,
    /// `$$$REPLACEQUANTITYWITHOUTSALE`: replace the stock, keep sales (Айтида «Перезаписывать»).
    ReplaceWithoutSale,
}

/// Options writers understand; each writer uses the ones that apply to it. They are the commands'
/// output options and the drop folder's `[route.target.write]` (where a relative `flag-file` is
/// taken in the target's outbox).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Output"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WriteOptions {
    /// The price type to use where the target holds one price (e.g. "Розничная").
    ///
    /// Without it: "Розничная" when a product has it, else its only price that is not
    /// "Закупочная" (a purchase price is never sold at by default), else an error that lists the
    /// product's price types.
    #[cfg_attr(feature = "cli", arg(long, value_name = "NAME"))]
    pub price_type: Option<String>,
    /// The decimal separator in written numbers: `point` or `comma`. Default: the target
    /// format's own (a comma for atol-goods and atol-report, a point elsewhere).
    #[cfg_attr(feature = "cli", arg(long, value_enum, value_name = "SEPARATOR"))]
    pub decimal_separator: Option<DecimalSeparator>,
    /// Layout of kassatka-xml output: `api` (Кассатка's documented layout) or `1c` (as 1C
    /// processings write it, with articles, VAT and all barcodes). Default: the layout a
    /// kassatka-xml input was read in (also through canonical JSON), else `api`.
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, value_enum, value_name = "DIALECT"))]
    pub kassatka_dialect: Option<KassatkaDialect>,
    /// A second price type to write as the purchase price (bifit-csv PURCHASE_PRICE, bifit-json
    /// purchasePrice); none by default.
    #[cfg_attr(feature = "cli", arg(long, value_name = "NAME"))]
    pub purchase_price_type: Option<String>,
    /// The output encoding where the format allows a choice (bifit-csv: windows-1251 by default;
    /// utf-8 keeps characters Windows-1251 lacks).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ENCODING"))]
    pub encoding: Option<String>,
    /// How БИФИТ files carry folders: `rows` (a folder row / grouped item before its goods),
    /// `column` (only the products' GROUP cell), `none` (no folders; each lost link warns).
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t, value_name = "HOW"))]
    pub bifit_groups: BifitGroups,
    /// What a product's GROUP cell holds: the folder's `name`, its `code`, or its `path`
    /// (names from the top, joined by `/`).
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t, value_name = "REF"))]
    pub bifit_group_ref: BifitGroupRef,
    /// JSON formats: write JSON Lines (one document per line) instead of one array.
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long))]
    pub jsonl: bool,
    /// UTC offset for times in reports for people (orders-report), e.g. +03:00 (the default).
    #[cfg_attr(feature = "cli", arg(long, value_name = "OFFSET", allow_hyphen_values = true))]
    pub utc_offset: Option<String>,
    /// atol-goods: the command that loads the goods: `replace` ($$$REPLACEQUANTITY, 1C's partial
    /// export), `add` ($$$ADDQUANTITY) or `replace-without-sale`.
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t, value_name = "COMMAND"))]
    pub atol_command: AtolCommand,
    /// atol-goods: a full export — delete all goods and barcodes first, as 1C's full export does.
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long))]
    pub atol_full_export: bool,
    /// Create this empty flag file once the output is in place (the 1C/Frontol handshake).
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub flag_file: Option<std::path::PathBuf>,
}

impl WriteOptions {
    /// The separator to write: the one asked for, else the format's default.
    pub fn decimal_separator_or(&self, default: char) -> char {
        match self.decimal_separator {
            Some(DecimalSeparator::Point) => '.',
            Some(DecimalSeparator::Comma) => ',',
            None => default,
        }
    }
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        read: ReadOptions,
        #[command(flatten)]
        write: WriteOptions,
    }

    /// Each option fills the same field from the command line as from the configuration, and
    /// both default to `Default`.
    #[test]
    fn flags_and_configuration_keys_fill_the_same_fields() {
        let none = Cli::parse_from(["kassa-bridge"]);
        assert_eq!(format!("{:?}", none.read), format!("{:?}", ReadOptions::default()));
        assert_eq!(format!("{:?}", none.write), format!("{:?}", WriteOptions::default()));
        assert_eq!(format!("{:?}", toml::from_str::<WriteOptions>("").unwrap()), format!("{:?}", none.write));

        let cli = Cli::parse_from([
            "kassa-bridge",
            "--input-encoding=windows-1251",
            "--with=offers.xml",
            "--with=prices.xml",
            "--sheet=Прайс",
            "--header-row=3",
            "--column=code=A",
            "--column=price=Цена",
            "--mapping=mapping.toml",
            "--input-utc-offset",
            "-05:00",
            "--max-record-size=16MiB",
            "--max-cells=10",
            "--price-type=Розничная",
            "--purchase-price-type=Закупочная",
            "--decimal-separator=comma",
            "--kassatka-dialect=1c",
            "--encoding=utf-8",
            "--bifit-groups=column",
            "--bifit-group-ref=path",
            "--jsonl",
            "--utc-offset=+05:00",
            "--atol-command=replace-without-sale",
            "--atol-full-export",
            "--flag-file=goods.flag",
        ]);
        let read: ReadOptions = toml::from_str(
            r#"encoding = "windows-1251"
               with = ["offers.xml", "prices.xml"]
               sheet = "Прайс"
               header-row = 3
               columns = ["code=A", "price=Цена"]
               mapping = "mapping.toml"
               utc-offset = "-05:00"
               limits = { max-record-size = "16MiB", max-cells = 10 }"#,
        )
        .unwrap();
        let write: WriteOptions = toml::from_str(
            r#"price-type = "Розничная"
               purchase-price-type = "Закупочная"
               decimal-separator = "comma"
               kassatka-dialect = "1c"
               encoding = "utf-8"
               bifit-groups = "column"
               bifit-group-ref = "path"
               jsonl = true
               utc-offset = "+05:00"
               atol-command = "replace-without-sale"
               atol-full-export = true
               flag-file = "goods.flag""#,
        )
        .unwrap();
        assert_eq!(format!("{:?}", cli.read), format!("{read:?}"));
        assert_eq!(format!("{:?}", cli.write), format!("{write:?}"));
    }
}
