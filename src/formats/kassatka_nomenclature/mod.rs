//! `kassatka-xml`: Кассатка nomenclature (`ProductsGroups`), the file 1C uploads with
//! `POST /nomenclature`.
//!
//! Two layouts exist and both are read:
//! - the API document's (seed `002_…`): `ProductGroup/Products/Product`, where a product with
//!   several price types appears once per price type (`PriceType` + `Price`), and `Code="none"` is a
//!   pseudo-group holding products outside any group;
//! - 1C processings' (reference `formats-1c.md` §4.1): root attributes `DropNomenclature`, `CNO`,
//!   `BalanceControl` (`Да`/`Нет`), `Product` straight under `ProductGroup` with `Article`, and
//!   nested `Prices/Price` (with VAT) and `Barcodes/Barcode`.
//!
//! The reader notes which layout a file is in (`Header::source_layout`: `api` or `1c`, from where
//! the first product sits, else the 1C root attributes). The writer writes either
//! (`--kassatka-dialect`); without the flag, the layout a kassatka-xml input was read in (also
//! through canonical JSON), else the API layout.

mod read;
mod write;

pub use read::{parse_date, read};
pub use write::writer;

pub const NAME: &str = "kassatka-xml";
pub(crate) const ROOT: &str = "ProductsGroups";
/// The API layout's pseudo-group for products that belong to no group.
pub(crate) const ROOT_GROUP_CODE: &str = "none";

/// Sniffs the root element among the first bytes.
pub fn sniff(head: &str) -> u8 {
    crate::formats::sniff_xml_root(head, ROOT)
}
