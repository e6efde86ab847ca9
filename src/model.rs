//! The canonical model every format converts through.
//!
//! Readers push `Record`s (a group, a product, a receipt) into a `RecordSink`; nothing here needs
//! the whole document in memory. Money and quantities are `Decimal`; codes, barcodes and ОКЕИ
//! units are strings so leading zeros survive. Fields a reader cannot map go into `extra` (an
//! ordered map) rather than being dropped.

use chrono::{DateTime, FixedOffset, NaiveDate};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::orders::{DeliveryType, Order, OrderLine, OrderStatus, TaxSystem};
pub use crate::vat::Vat;

/// Attributes a reader found but the model has no field for, kept in input order.
/// Keys are the source's own names (e.g. `Color`, `DropNomenclature`).
pub type Extra = IndexMap<String, String>;

/// What a document holds. A format may read or write several kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    Catalog,
    Receipts,
    Orders,
}

impl DataKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::Catalog => "catalog",
            DataKind::Receipts => "receipts",
            DataKind::Orders => "orders",
        }
    }

    /// The kind as a person reads it, in the current language.
    pub fn text(self) -> crate::i18n::Message {
        match self {
            DataKind::Catalog => crate::msg!("fmt-kind-catalog"),
            DataKind::Receipts => crate::msg!("fmt-kind-receipts"),
            DataKind::Orders => crate::msg!("fmt-kind-orders"),
        }
    }
}

/// Document-level facts, known before the first record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub kind: DataKind,
    /// The registry name of the format the data was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_format: Option<String>,
    /// The variant of the source format the data was read in, e.g. `api` or `1c` for kassatka-xml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_layout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extra: Extra,
}

impl Header {
    pub fn new(kind: DataKind) -> Self {
        Header { kind, source_format: None, source_layout: None, export_date: None, extra: Extra::new() }
    }
}

/// One record of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Group(Group),
    Product(Product),
    Receipt(Receipt),
    Order(Order),
}

impl Record {
    pub fn kind(&self) -> DataKind {
        match self {
            Record::Group(_) | Record::Product(_) => DataKind::Catalog,
            Record::Receipt(_) => DataKind::Receipts,
            Record::Order(_) => DataKind::Orders,
        }
    }
}

/// A folder of the catalogue. `parent` is `None` for a top-level group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extra: Extra,
}

/// A unit of measure: the ОКЕИ code (a string: `006` is not `6`) and its name as the source wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// One price of a product under a named price type (`Розничная`, `Закупочная`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// The price type's name; empty when the source names none.
    #[serde(default)]
    pub price_type: String,
    /// `None` when the source lists the price type with an empty amount.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::exact_serde::option")]
    pub amount: Option<Decimal>,
    /// The price type's code in the source (1C `PriceCode`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Whether the amount includes VAT, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes_vat: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub barcodes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prices: Vec<Price>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat: Option<Vat>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub weighted: bool,
    /// A service rather than goods (FFD «признак предмета расчёта» 4 instead of 1).
    #[serde(default, skip_serializing_if = "is_false")]
    pub service: bool,
    /// The code of the group the product belongs to; `None` at the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Marked deleted in the source (1C's `ПометкаУдаления`, CommerceML `Статус="Удален"`): listed
    /// so a target can hide or remove it, never to be sold as a live product.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extra: Extra,
}

impl Product {
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        Product {
            code: code.into(),
            name: name.into(),
            barcodes: Vec::new(),
            unit: None,
            prices: Vec::new(),
            article: None,
            comment: None,
            vat: None,
            weighted: false,
            service: false,
            parent: None,
            deleted: false,
            extra: Extra::new(),
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A code and a name of an organization, a cash box or a store; either may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Party {
    pub fn is_empty(&self) -> bool {
        self.code.is_none() && self.name.is_none()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    #[default]
    Sale,
    Return,
}

impl ReceiptKind {
    fn is_sale(&self) -> bool {
        *self == ReceiptKind::Sale
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    Cash,
    Card,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub kind: PaymentKind,
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub amount: Decimal,
}

/// A sales document (a till receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Local date and time with the UTC offset the source gave.
    pub date: DateTime<FixedOffset>,
    pub number: String,
    #[serde(default, skip_serializing_if = "ReceiptKind::is_sale")]
    pub kind: ReceiptKind,
    #[serde(default, skip_serializing_if = "Party::is_empty")]
    pub organization: Party,
    #[serde(default, skip_serializing_if = "Party::is_empty")]
    pub cash_box: Party,
    #[serde(default, skip_serializing_if = "Party::is_empty")]
    pub store: Party,
    /// Total before discounts.
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub total: Decimal,
    /// Total after discounts: what the customer paid.
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub total_with_discount: Decimal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<Payment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<ReceiptLine>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extra: Extra,
}

impl Receipt {
    /// What tells this receipt from every other of the same source: its cash box and number (a
    /// Кассатка `DocNum` is unique by itself); without a number, its time and totals.
    pub fn identity(&self) -> String {
        let till = self.cash_box.code.as_deref().unwrap_or("");
        if self.number.trim().is_empty() {
            format!("{till}/{}/{}/{}", self.date.to_rfc3339(), self.total, self.total_with_discount)
        } else {
            format!("{till}/{}", self.number.trim())
        }
    }

    /// The sum of the payments of one kind.
    pub fn paid(&self, kind: PaymentKind) -> Decimal {
        self.payments.iter().filter(|p| p.kind == kind).map(|p| p.amount).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLine {
    pub product_code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub price: Decimal,
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub quantity: Decimal,
    #[serde(
        default,
        skip_serializing_if = "Decimal::is_zero",
        deserialize_with = "crate::number::exact_serde::deserialize"
    )]
    pub discount: Decimal,
    /// Price × quantity, as the source gave it.
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub sum: Decimal,
    /// `sum` − `discount`, as the source gave it.
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub sum_with_discount: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat: Option<Vat>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extra: Extra,
}
