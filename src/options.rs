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

/// Options writers understand; each writer uses the ones that apply to it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WriteOptions {
    /// The price type to write where a format holds a single price.
    pub price_type: Option<String>,
    /// Write numbers with a decimal comma instead of a point (formats that allow either).
    #[serde(default)]
    pub decimal_comma: bool,
    #[serde(default)]
    pub kassatka_dialect: KassatkaDialect,
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
