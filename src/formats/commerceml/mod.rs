//! `commerceml`: CommerceML 2 (schema versions 2.03–2.10, and 3.x as Bitrix writes it), the
//! exchange files of 1C with web shops. Catalogues and orders are read and written.
//!
//! **Packages** (reference `real-files.md` §1). One export is any number of files: `import.xml`
//! with `offers.xml`, `import0_1.xml` with `offers0_1.xml`, `import_0.xml` (classifier) +
//! `import_1.xml` (goods), or 1C's `import___<guid>.xml`, `offers___…`, `prices___…`,
//! `rests___…` parts, also in sub-folders. A file's role comes from the parts it holds (`parts.rs`:
//! a streaming pre-scan of the root's children), never from its name: an `offers.xml` that begins
//! with a `Классификатор` is an offers file. A package is given as a folder (`package_files`) or
//! as several files (`--with`, repeatable); the registry row's `package` hook tells `convert`,
//! `inspect` and the drop folder which files belong together.
//!
//! Memory stays flat however big the catalogue is: every offers-side file (offers, prices, stock)
//! is read first into one index merged by `Ид` (`index.rs`); classifier-only files then give the
//! groups and price types; the catalogue files are streamed, each `Товар` written as soon as its
//! end tag is read, merged with its offers. Groups listed by several parts are written once. A
//! single file is read in one pass whatever it holds; a package without a catalogue writes each
//! offer as a product (with a warning for what an offer lacks). Offers for goods the catalogue
//! does not list are reported (a count and the first ids) and not written.
//!
//! Choices (documented in the README):
//! - **Deleted goods.** `Статус="Удален"` and `ПометкаУдаления` true on `Товар` or `Предложение`
//!   set the product's `deleted` mark; writers decide (hide it, or leave it out with a warning).
//! - **Characteristics.** An offer `Ид` `goods#char` is a characteristic (a size, a colour) of the
//!   goods `goods`. Every characteristic becomes a product of its own, with the code `goods#char`
//!   as written, the name `goods name (characteristic values)` (the values of
//!   `ХарактеристикиТовара`, else the offer's own `Наименование`), the offer's barcodes and prices,
//!   and everything else (group, unit, VAT, article) from the goods. The goods themselves are
//!   emitted only when an offer without `#` prices them too (or no offer names them at all). A
//!   warning names every goods id split this way.
//! - **Names, not ids, for price types:** `ИдТипаЦены` is resolved through `ТипыЦен` (of any part);
//!   the type's `Ид` is kept as the price's `code`, and `Налог/УчтеноВСумме` as `includes_vat`.
//! - **Namespaces.** `urn:1C.ru:commerceml_2`, `commerceml_210`, `commerceml_3`, a prefix such
//!   as `cml:`, or none: elements are matched by their local name.
//! - **Stock.** `Количество` of an offer, or the sum of `Остатки` (1C's `rests` part), goes to
//!   `extra` as `Количество`; a split over several warehouses as `Остатки по складам`.
//! - `ЗначенияРеквизитов` pairs go to `extra` under their own names; `ВидНоменклатуры` or
//!   `ТипНоменклатуры` «Услуга» sets the service flag, a `Весовой` реквизит «Да»/`true` or the unit
//!   ОКЕИ 166 (килограмм) sets the weighted flag. Other elements that hold plain text
//!   (`ПолноеНаименование`, `Описание`, `Картинка` …) go to `extra`; nested structures the model
//!   has no place for (`ЗначенияСвойств`) are skipped with one warning per element name.
//! - **Orders.** `Документ` with `ХозОперация` «Заказ товара» is read into orders
//!   (`documents.rs`); any other operation is refused by name.
//!
//! **Writing**: a catalogue as one file holding `Классификатор`, `Каталог` and
//! `ПакетПредложений`, streamed through temporary files (`write_catalog.rs`, `spool.rs`); online
//! orders (`Record::Order`) as `Документ` elements with `ХозОперация` «Заказ товара», so Бифит
//! online orders can be loaded into 1C (`write.rs`).

mod documents;
mod import;
mod index;
mod offers;
mod parts;
mod read;
mod source;
mod spool;
mod write;
mod write_catalog;

pub use parts::{package_complete, package_files, package_key, parts_of, Parts, Role};
pub use read::read;
pub use write::writer;

pub const NAME: &str = "commerceml";

/// The registry's package hook: which files make one export.
pub static PACKAGE: crate::formats::Package =
    crate::formats::Package { key: package_key, files_in: package_files, complete: package_complete };
pub(crate) const ROOT: &str = "КоммерческаяИнформация";

/// A kind of data as messages name it (`catalog`, `orders`).
pub(crate) fn kind_name(kind: crate::model::DataKind) -> crate::i18n::Message {
    match kind {
        crate::model::DataKind::Catalog => crate::msg!("cml-kind-catalog"),
        crate::model::DataKind::Receipts => crate::msg!("cml-kind-receipts"),
        crate::model::DataKind::Orders => crate::msg!("cml-kind-orders"),
    }
}

/// The error for a `--utc-offset` that is not an offset.
pub(crate) fn utc_offset_error(text: &str) -> crate::error::Error {
    crate::error::Error::usage(crate::msg!("cml-utc-offset-bad", value = format!("{text:?}")))
}

/// The name without a namespace prefix: `cml:Товар` → `Товар`.
pub(crate) fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Sniffs the root element among the first bytes, with or without a namespace prefix.
pub fn sniff(head: &str) -> u8 {
    let Some(rest) = crate::formats::after_prolog(head) else { return 0 };
    let Some(tag) = rest.strip_prefix('<') else { return 0 };
    let name_end = tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(tag.len());
    if local(&tag[..name_end]) == ROOT {
        2
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_root_with_or_without_a_prefix() {
        let plain = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" ВерсияСхемы=\"2.08\">";
        assert_eq!(sniff(plain), 2);
        let prefixed =
            "<?xml version=\"1.0\"?><!-- x --><cml:КоммерческаяИнформация xmlns:cml=\"urn:1C.ru:commerceml_2\">";
        assert_eq!(sniff(prefixed), 2);
        assert_eq!(sniff("<Документы><КоммерческаяИнформация/></Документы>"), 0);
        assert_eq!(sniff("<ProductsGroups/>"), 0);
        assert_eq!(sniff("<КоммерческаяИнформацияX/>"), 0);
        let doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE КоммерческаяИнформация [\n  <!ENTITY nbsp \"&#160;\">\n  \
                       <!ELEMENT x (#PCDATA)>\n]>\n<КоммерческаяИнформация ВерсияСхемы=\"2.05\">";
        assert_eq!(sniff(doctype), 2);
    }

    #[test]
    fn local_names() {
        assert_eq!(local("cml:Товар"), "Товар");
        assert_eq!(local("Товар"), "Товар");
    }
}
