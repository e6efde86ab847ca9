//! `commerceml`: CommerceML 2 (schema versions 2.04–2.10), the exchange files of 1C with web shops.
//! Catalogues are read, orders are written.
//!
//! **Reading** (reference `formats-1c.md` §3). A catalogue comes as two files: `import.xml`
//! (`Классификатор/Группы` with nested groups, `Каталог/Товары/Товар`) and `offers.xml`
//! (`ПакетПредложений/ТипыЦен` and `Предложения/Предложение` with prices and stock). They are
//! converted as one catalogue: `convert import.xml --with offers.xml`, or a folder holding both
//! (`resolve_folder`). Either file alone converts too, with a warning for what is missing.
//!
//! Memory stays flat however big `import.xml` is: the offers file is read first into a compact
//! index (goods id → offers with price-type numbers and amounts), then `import.xml` is streamed.
//! Groups are emitted on the way down (a parent before its children), each `Товар` as soon as its
//! end tag is read, merged with its offers. Offers for goods the import does not list are reported
//! (a count and the first ids) and not emitted: an offer alone has no group, VAT or unit.
//!
//! Choices (documented in the README):
//! - **Characteristics.** An offer `Ид` `goods#char` is a characteristic (a size, a colour) of the
//!   goods `goods`. Every characteristic becomes a product of its own, with the code `goods#char`
//!   as written, the name `goods name (characteristic values)` (the values of
//!   `ХарактеристикиТовара`, else the offer's own `Наименование`), the offer's barcodes and prices,
//!   and everything else (group, unit, VAT, article) from the goods. The goods themselves are
//!   emitted only when an offer without `#` prices them too (or no offer names them at all). A
//!   warning names every goods id split this way.
//! - **Names, not ids, for price types:** `ИдТипаЦены` is resolved through `ТипыЦен` (of
//!   `offers.xml`, or of the import's `Классификатор`, where 2.08+ exports put them); the type's
//!   `Ид` is kept as the price's `code`, and `Налог/УчтеноВСумме` as `includes_vat`.
//! - **Namespaces.** Real 1C files carry the default namespace `urn:1C.ru:commerceml_2` (and
//!   sometimes a prefix such as `cml:`); elements are matched by their local name, whatever the
//!   namespace.
//! - `ЗначенияРеквизитов` pairs go to `extra` under their own names; `ВидНоменклатуры` or
//!   `ТипНоменклатуры` «Услуга» sets the service flag, a `Весовой` реквизит «Да»/`true` or the unit
//!   ОКЕИ 166 (килограмм) sets the weighted flag. `Вес` (a weight, not a flag) stays in `extra`.
//!   `Количество` of the offer goes to `extra` as `Количество`. Other elements that hold plain text
//!   (`ПолноеНаименование`, `Описание`, `Картинка` …) go to `extra`; nested structures the model
//!   has no place for (`ЗначенияСвойств`, stock per warehouse) are skipped with one warning per
//!   element name.
//!
//! **Writing**: online orders (`Record::Order`) as `Документ` elements with `ХозОперация`
//! «Заказ товара», so Бифит online orders can be loaded into 1C; see `write.rs`.

mod import;
mod offers;
mod read;
mod source;
mod write;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use read::read;
pub use write::writer;

pub const NAME: &str = "commerceml";
pub(crate) const ROOT: &str = "КоммерческаяИнформация";

/// The name without a namespace prefix: `cml:Товар` → `Товар`.
pub(crate) fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Sniffs the root element among the first bytes, with or without a namespace prefix.
pub fn sniff(head: &str) -> u8 {
    if crate::formats::sniff_xml_root(head, ROOT) == 2 {
        return 2;
    }
    // `<cml:КоммерческаяИнформация …>`: the first element, after declarations and comments.
    let Some(at) = head.find(ROOT) else { return 0 };
    let before = &head[..at];
    let Some(lt) = before.rfind('<') else { return 0 };
    let prefix = &before[lt + 1..];
    let is_prefix = prefix
        .strip_suffix(':')
        .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')));
    let after = head[at + ROOT.len()..].chars().next();
    let name_ends = after.is_none_or(|c| c.is_whitespace() || c == '>' || c == '/');
    // Nothing but declarations, comments and a doctype may come before the root.
    let only_prolog =
        before[..lt].match_indices('<').all(|(i, _)| matches!(before[i + 1..].chars().next(), Some('?' | '!')));
    if is_prefix && name_ends && only_prolog {
        2
    } else {
        0
    }
}

/// What a CommerceML file holds, judged from its head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// `import.xml`: `Классификатор` and/or `Каталог`.
    Import,
    /// `offers.xml` (or `prices.xml`): `ПакетПредложений` only.
    Offers,
    Unknown,
}

pub(crate) fn role(head: &str) -> Role {
    let has = |name: &str| head.contains(&format!("<{name}")) || head.contains(&format!(":{name}"));
    if has("Классификатор") || has("Каталог") {
        Role::Import
    } else if has("ПакетПредложений") {
        Role::Offers
    } else {
        Role::Unknown
    }
}

/// A folder holding a CommerceML exchange: the `import*.xml` to read and the `offers*.xml` (or,
/// when there is none, `prices*.xml`) to read with it. Several candidates of one kind are an
/// error naming them (the tool never guesses); no import file is an error too.
pub fn resolve_folder(dir: &Path) -> Result<(PathBuf, Option<PathBuf>)> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if path.is_file() {
            names.push((entry.file_name().to_string_lossy().to_lowercase(), path));
        }
    }
    names.sort();
    let pick = |prefix: &str| -> Result<Option<PathBuf>> {
        let found: Vec<&PathBuf> =
            names.iter().filter(|(n, _)| n.starts_with(prefix) && n.ends_with(".xml")).map(|(_, p)| p).collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((*one).clone())),
            many => Err(Error::usage(format!(
                "{}: several {prefix}*.xml files ({}); convert one of them and name the other with --with",
                dir.display(),
                many.iter().map(|p| p.file_name().unwrap_or_default().to_string_lossy()).collect::<Vec<_>>().join(", ")
            ))),
        }
    };
    let import = pick("import")?.ok_or_else(|| {
        Error::usage(format!(
            "{}: no import*.xml in this folder: a CommerceML folder needs the catalogue (import.xml), \
             optionally with offers.xml; to convert offers alone, name the file",
            dir.display()
        ))
    })?;
    let offers = match pick("offers")? {
        Some(p) => Some(p),
        None => pick("prices")?,
    };
    Ok((import, offers))
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
    }

    #[test]
    fn local_names() {
        assert_eq!(local("cml:Товар"), "Товар");
        assert_eq!(local("Товар"), "Товар");
    }

    #[test]
    fn roles_from_the_head() {
        assert_eq!(role("<КоммерческаяИнформация><Классификатор>"), Role::Import);
        assert_eq!(role("<КоммерческаяИнформация><ПакетПредложений>"), Role::Offers);
        assert_eq!(role("<x:КоммерческаяИнформация><x:ПакетПредложений>"), Role::Offers);
        assert_eq!(role("<КоммерческаяИнформация>"), Role::Unknown);
    }
}
