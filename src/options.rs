//! Options of readers and writers, declared once for the library, the command line and the
//! drop-folder configuration: serde reads them from `[route.read]` and `[route.target.write]`
//! (kebab-case keys), and with the `cli` feature (on by default) clap derives the commands'
//! options from the same fields. A field's doc comment is its `--help` text.

use serde::Deserialize;

/// Options readers understand; each reader uses the ones that apply to it. The command line's
/// input options (`--from`, the input format, belongs to the command: in the drop folder it is
/// the route's `from`); `[route.read]` in the drop folder, where `with` is refused (a package's
/// files are grouped by name there).
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum KassatkaDialect {
    /// The layout of Кассатка's API document: `ProductGroup/Products/Product`, one `Product`
    /// element per price type, one barcode.
    #[default]
    Api,
    /// The layout 1C processings write: `Product` with `Article`, nested `Prices/Price` (with VAT)
    /// and `Barcodes/Barcode`.
    #[value(name = "1c")]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum DecimalSeparator {
    Point,
    Comma,
}

/// The command an ATOL/Frontol goods file loads its goods with (reference `formats-1c.md` §1.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
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

/// Options writers understand; each writer uses the ones that apply to it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WriteOptions {
    /// The price type to write where a format holds a single price.
    pub price_type: Option<String>,
    /// A second price type written as the purchase price (БИФИТ `PURCHASE_PRICE`); none by default.
    pub purchase_price_type: Option<String>,
    /// The decimal separator in written numbers; `None` is the format's own default (a comma for
    /// the 1C/Frontol files, a point elsewhere).
    pub decimal_separator: Option<DecimalSeparator>,
    /// The kassatka-xml layout; `None` writes the layout a kassatka-xml input was read in
    /// (`Header::source_layout`), else the API layout.
    #[serde(default)]
    pub kassatka_dialect: Option<KassatkaDialect>,
    /// The output encoding for text formats that allow a choice (`bifit-csv`: windows-1251).
    pub encoding: Option<String>,
    #[serde(default)]
    pub bifit_groups: BifitGroups,
    #[serde(default)]
    pub bifit_group_ref: BifitGroupRef,
    /// JSON formats: one JSON document per line instead of one array.
    #[serde(default)]
    pub jsonl: bool,
    /// The UTC offset for times in reports meant for people; `+03:00` (Moscow) by default.
    pub utc_offset: Option<String>,
    /// ATOL goods file: the command before the goods.
    #[serde(default)]
    pub atol_command: AtolCommand,
    /// ATOL goods file: a full export (delete all goods and barcodes first, as 1C's full export).
    #[serde(default)]
    pub atol_full_export: bool,
    /// Create this empty flag file after the output is in place (1C/Frontol exchange handshake).
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
