//! Options of readers and writers, shared by the CLI flags and (later) the drop-folder config.

use serde::Deserialize;

/// Options every reader understands.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReadOptions {
    /// Overrides encoding detection (`utf-8`, `windows-1251`, `utf-16le` … any WHATWG label).
    pub encoding: Option<String>,
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

/// Options writers understand; each writer uses the ones that apply to it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WriteOptions {
    /// The price type to write where a format holds a single price.
    pub price_type: Option<String>,
    /// A second price type written as the purchase price (БИФИТ `PURCHASE_PRICE`); none by default.
    pub purchase_price_type: Option<String>,
    /// Write numbers with a decimal comma instead of a point (formats that allow either).
    #[serde(default)]
    pub decimal_comma: bool,
    #[serde(default)]
    pub kassatka_dialect: KassatkaDialect,
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
}

impl WriteOptions {
    pub fn decimal_separator(&self) -> char {
        if self.decimal_comma {
            ','
        } else {
            '.'
        }
    }
}
