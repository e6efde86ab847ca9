//! Which files make one CommerceML package and what each holds. A file's role comes from the parts
//! it holds (a streaming pre-scan of the root's children), never from its name or its head: 1C:УТ
//! writes `offers.xml` files that begin with a whole `Классификатор`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::text::RawInput;

use super::source::{Cml, Ev};

/// The root's children that hold offers: names, barcodes, prices, stock.
pub(super) const OFFER_PARTS: [&str; 2] = ["ПакетПредложений", "ИзмененияПакетаПредложений"];

/// The parts one file holds, as far as the pre-scan read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// `Классификатор`: groups, properties, price types.
    pub classifier: bool,
    /// `Каталог`: goods.
    pub catalog: bool,
    /// `ПакетПредложений` / `ИзмененияПакетаПредложений`.
    pub offers: bool,
    /// `Документ`: orders and other documents.
    pub documents: bool,
}

/// What a file is for in a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Goods (with or without a classifier before them): streamed, merged with the offers.
    Catalog,
    /// Offers, prices or stock (with or without a classifier before them): indexed first.
    Offers,
    /// Only a classifier: groups and price types.
    Classifier,
    Documents,
    /// A root with nothing in it.
    Empty,
}

impl Parts {
    pub fn role(&self) -> Role {
        if self.documents {
            Role::Documents
        } else if self.catalog {
            Role::Catalog
        } else if self.offers {
            Role::Offers
        } else if self.classifier {
            Role::Classifier
        } else {
            Role::Empty
        }
    }
}

/// Reads the root's children up to the first that holds goods, offers or documents (a classifier
/// before it is skipped through, however long).
pub(super) fn scan(input: RawInput, forced: Option<&'static encoding_rs::Encoding>, limits: &Limits) -> Result<Parts> {
    let mut cml = Cml::open(input, forced, limits)?;
    let (_, empty) = cml.root()?;
    let mut parts = Parts::default();
    if empty {
        return Ok(parts);
    }
    loop {
        match cml.next()? {
            Ev::Start { name, empty, .. } => {
                match name.as_str() {
                    "Классификатор" => parts.classifier = true,
                    "Каталог" => parts.catalog = true,
                    "Документ" => parts.documents = true,
                    n if OFFER_PARTS.contains(&n) => parts.offers = true,
                    _ => {}
                }
                if parts.catalog || parts.offers || parts.documents {
                    return Ok(parts);
                }
                if !empty {
                    cml.xml.skip_element(&name)?;
                }
            }
            Ev::Text(_) => {}
            Ev::End | Ev::Eof => return Ok(parts),
        }
    }
}

/// The parts of the file at `path` (`None` when it is not CommerceML or cannot be read).
pub fn parts_of(path: &Path) -> Option<Parts> {
    let input = RawInput::open(path).ok()?;
    if super::sniff(&input.head_text()) == 0 {
        return None;
    }
    scan(input, None, &Limits::default()).ok()
}

/// How far from the end `offers_at_end` looks.
const TAIL: u64 = 64 * 1024;

/// Whether a file's last bytes close an offers part: a single file that holds the goods and then
/// their offers (the pre-scan stops at the goods), to be indexed before its goods are streamed.
pub(super) fn offers_at_end(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut tail = Vec::new();
    if file.seek(SeekFrom::Start(len.saturating_sub(TAIL))).is_err() || file.read_to_end(&mut tail).is_err() {
        return false;
    }
    OFFER_PARTS.iter().any(|part| {
        let closing = format!("{part}>");
        [encoding_rs::UTF_8, encoding_rs::WINDOWS_1251].iter().any(|enc| {
            let (bytes, _, _) = enc.encode(&closing);
            tail.windows(bytes.len()).any(|w| w == &*bytes)
        })
    })
}

/// The part names 1C and site plugins give the files of one export (1C's newer exchange also
/// writes `propertiesGoods___…`, `units___…` and more, recognised by their `___`).
const PART_NAMES: [&str; 4] = ["import", "offers", "prices", "rests"];

/// The key the files of one package share, from a file name: `import0_1.xml` and
/// `offers0_1.xml` → `0_1`; `import.xml`, `offers.xml`, `import_0.xml`, `import_1.xml` → ``;
/// every `<part>___<guid>.xml` of 1C's newer exchange → `___` (their GUIDs differ per file).
/// `None`: not a CommerceML part name.
pub fn package_key(file_name: &str) -> Option<String> {
    let lower = file_name.to_lowercase();
    let stem = lower.strip_suffix(".xml")?;
    if let Some((part, _)) = stem.split_once("___") {
        return (!part.is_empty()).then(|| "___".to_string());
    }
    let rest = PART_NAMES.iter().find_map(|p| stem.strip_prefix(p))?;
    let numbered = rest.strip_prefix('_').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    Some(if numbered { String::new() } else { rest.to_string() })
}

/// How deep `package_files` looks into sub-folders (`goods/1/…` is two levels).
const FOLDER_DEPTH: usize = 4;

/// The CommerceML files in a folder and its sub-folders, in path order: one package.
pub fn package_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    collect(dir, FOLDER_DEPTH, &mut found)?;
    found.sort();
    if found.is_empty() {
        return Err(Error::usage(crate::msg!("cml-no-files-in-folder", folder = dir.display().to_string())));
    }
    Ok(found)
}

fn collect(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            if depth > 0 {
                collect(&path, depth - 1, found)?;
            }
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) && is_commerceml(&path) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_commerceml(path: &Path) -> bool {
    RawInput::open(path).is_ok_and(|input| super::sniff(&input.head_text()) == 2)
}

/// Whether the files make a whole package: documents alone, or goods together with their offers.
/// A catalogue alone or offers alone are parts still waiting for the rest.
pub fn package_complete(files: &[PathBuf]) -> bool {
    let roles: Vec<Role> = files.iter().filter_map(|f| parts_of(f)).map(|p| p.role()).collect();
    let has = |r: Role| roles.contains(&r);
    (has(Role::Documents) && roles.iter().all(|r| *r == Role::Documents)) || (has(Role::Catalog) && has(Role::Offers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_names() {
        assert_eq!(package_key("import0_1.xml").as_deref(), Some("0_1"));
        assert_eq!(package_key("Offers0_1.XML").as_deref(), Some("0_1"));
        assert_eq!(package_key("import.xml").as_deref(), Some(""));
        assert_eq!(package_key("prices.xml").as_deref(), Some(""));
        assert_eq!(package_key("import_0.xml").as_deref(), Some(""));
        assert_eq!(package_key("import_1.xml").as_deref(), Some(""));
        assert_eq!(package_key("rests___5f0c-11aa.xml").as_deref(), Some("___"));
        assert_eq!(package_key("propertiesGoods___ab.xml").as_deref(), Some("___"));
        assert_eq!(package_key("goods.txt"), None);
        assert_eq!(package_key("goods.xml"), None);
        assert_eq!(package_key("catalog.xml"), None);
        assert_eq!(package_key("___x.xml"), None);
    }

    fn parts(xml: &str) -> Parts {
        scan(RawInput::from_bytes("t.xml", xml.as_bytes().to_vec()).unwrap(), None, &Limits::default()).unwrap()
    }

    #[test]
    fn roles_from_the_parts_a_file_holds() {
        let offers_after_classifier = "<КоммерческаяИнформация><Классификатор><Группы><Группа><Ид>1</Ид>\
            </Группа></Группы></Классификатор><ПакетПредложений/></КоммерческаяИнформация>";
        assert_eq!(parts(offers_after_classifier).role(), Role::Offers);
        let import = "<КоммерческаяИнформация><Классификатор/><Каталог/></КоммерческаяИнформация>";
        assert_eq!(parts(import).role(), Role::Catalog);
        let classifier = "<cml:КоммерческаяИнформация xmlns:cml=\"urn:1C.ru:commerceml_210\"><cml:Классификатор>\
            </cml:Классификатор></cml:КоммерческаяИнформация>";
        assert_eq!(parts(classifier).role(), Role::Classifier);
        let changes = "<КоммерческаяИнформация><ИзмененияПакетаПредложений/></КоммерческаяИнформация>";
        assert_eq!(parts(changes).role(), Role::Offers);
        let orders = "<КоммерческаяИнформация><Документ><Ид>1</Ид></Документ></КоммерческаяИнформация>";
        assert_eq!(parts(orders).role(), Role::Documents);
        assert_eq!(parts("<КоммерческаяИнформация/>").role(), Role::Empty);
    }
}
