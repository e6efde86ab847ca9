//! The format registry: one row per format (name, aliases, extensions, sniff, reader, writer).
//! Adding a format is one module, one row here, and one folder of samples.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::error::{Error, ErrorKind, Result};
use crate::model::DataKind;
use crate::options::{ReadOptions, WriteOptions};
use crate::sink::RecordSink;
use crate::text::{encoding_for_label, RawInput};

pub mod atol;
pub mod bifit_csv;
pub mod bifit_json;
pub mod bifit_orders;
pub mod canonical_json;
pub mod commerceml;
pub mod csv_row;
pub mod csv_text;
pub mod fields;
pub mod json_fields;
pub mod json_objects;
pub mod kassatka_nomenclature;
pub mod kassatka_receipts;
pub mod orders_report;
pub mod table;
pub mod xml;
mod xml_out;

/// Reads a whole input, pushing its records into the sink.
pub type ReadFn = fn(RawInput, &ReadOptions, &mut dyn RecordSink, &mut Diagnostics) -> Result<()>;
/// Makes a writer that writes to `out`.
pub type WriteFn = fn(Box<dyn Write>, &WriteOptions) -> Result<Box<dyn RecordSink>>;

/// One row of the registry.
pub struct Format {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Lower-case, without the dot; the first is used for output names.
    pub extensions: &'static [&'static str],
    pub description: &'static str,
    /// What the reader produces and the writer accepts.
    pub kinds: &'static [DataKind],
    /// Confidence that the decoded head of an input is in this format: 0 no, 1 maybe, 2 yes.
    pub sniff: fn(&str) -> u8,
    pub reader: Option<ReadFn>,
    pub writer: Option<WriteFn>,
    /// For a format whose one document may come as several files: which files belong together.
    pub package: Option<&'static Package>,
    /// Whether a file of this format has been marked as loaded by its consumer (1C turns an ATOL
    /// report's first line from `#` into `@`): such a file may be replaced by the next one.
    pub processed: Option<fn(&Path) -> bool>,
}

impl Format {
    /// Makes this format's writer. A document of a kind the row does not list is refused when it
    /// begins: the one place a writer's data kinds are checked.
    pub fn open_writer(&'static self, out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
        let make = self.writer.ok_or_else(|| crate::error::ErrorKind::Unsupported {
            format: self.name.into(),
            action: crate::msg!("fmt-action-be-written").into(),
        })?;
        Ok(Box::new(KindCheck { format: self, writer: make(out, opts)? }))
    }
}

/// Refuses a document of a kind the writer's format does not hold.
struct KindCheck {
    format: &'static Format,
    writer: Box<dyn RecordSink>,
}

impl RecordSink for KindCheck {
    fn begin(&mut self, header: &crate::model::Header, diag: &mut Diagnostics) -> Result<()> {
        if !self.format.kinds.contains(&header.kind) {
            let holds: Vec<String> = self.format.kinds.iter().map(|k| k.text().to_string()).collect();
            return Err(crate::error::ErrorKind::Unsupported {
                format: self.format.name.into(),
                action: crate::msg!(
                    "fmt-action-hold-kind",
                    kind = header.kind.text(),
                    holds = holds.join(&crate::tr!("fmt-and"))
                )
                .into(),
            }
            .into());
        }
        self.writer.begin(header, diag)
    }

    fn record(&mut self, record: crate::model::Record, diag: &mut Diagnostics) -> Result<()> {
        self.writer.record(record, diag)
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        self.writer.finish(diag)
    }
}

/// How the files of one package are found and grouped (CommerceML's import, offers, prices …).
/// The reader gets the first file as its input and the others in `ReadOptions::with`.
pub struct Package {
    /// The key the files of one package share, from a file's name; `None` when the name is not
    /// one of a package's part names (such a file is converted alone).
    pub key: fn(&str) -> Option<String>,
    /// The package's files in a folder and its sub-folders, in path order; an error naming the
    /// folder when it holds none.
    pub files_in: fn(&Path) -> Result<Vec<PathBuf>>,
    /// Whether these files, judged by content, make a whole package; the drop folder waits (up
    /// to `pair-wait`) for more parts until they do.
    pub complete: fn(&[PathBuf]) -> bool,
}

impl Format {
    /// The description as a person reads it, in the current language (`description` is the
    /// English one, as `formats --json` gives it).
    pub fn description_text(&self) -> crate::i18n::Message {
        match self.name {
            n if n == kassatka_nomenclature::NAME => crate::msg!("fmt-desc-kassatka-xml"),
            n if n == kassatka_receipts::NAME => crate::msg!("fmt-desc-kassatka-receipts"),
            n if n == atol::goods::NAME => crate::msg!("fmt-desc-atol-goods"),
            n if n == atol::report::NAME => crate::msg!("fmt-desc-atol-report"),
            n if n == bifit_csv::NAME => crate::msg!("fmt-desc-bifit-csv"),
            n if n == bifit_json::NAME => crate::msg!("fmt-desc-bifit-json"),
            n if n == bifit_orders::NAME => crate::msg!("fmt-desc-bifit-orders"),
            n if n == orders_report::NAME => crate::msg!("fmt-desc-orders-csv"),
            n if n == table::NAME => crate::msg!("fmt-desc-table"),
            n if n == commerceml::NAME => crate::msg!("fmt-desc-commerceml"),
            _ => crate::msg!("fmt-desc-canonical-json"),
        }
    }

    pub fn can_read(&self) -> bool {
        self.reader.is_some()
    }

    pub fn can_write(&self) -> bool {
        self.writer.is_some()
    }
}

// The XML writers, with the characters XML 1.0 forbids reported as warnings (`xml_out`).
fn kassatka_xml_writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    kassatka_nomenclature::writer(out, opts).map(xml::report_removed_characters)
}

fn kassatka_receipts_writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    kassatka_receipts::writer(out, opts).map(xml::report_removed_characters)
}

fn commerceml_writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    commerceml::writer(out, opts).map(xml::report_removed_characters)
}

pub static FORMATS: &[Format] = &[
    Format {
        name: kassatka_nomenclature::NAME,
        aliases: &["kassatka", "kassatka-nomenclature"],
        extensions: &["xml"],
        description: "Кассатка nomenclature XML (ProductsGroups), the API and the 1C-processing layouts",
        kinds: &[DataKind::Catalog],
        sniff: kassatka_nomenclature::sniff,
        reader: Some(kassatka_nomenclature::read),
        writer: Some(kassatka_xml_writer),
        package: None,
        processed: None,
    },
    Format {
        name: kassatka_receipts::NAME,
        aliases: &["kassatka-documents"],
        extensions: &["xml"],
        description: "Кассатка receipts XML (Documents/Doc), as downloaded from /receipts",
        kinds: &[DataKind::Receipts],
        sniff: kassatka_receipts::sniff,
        reader: Some(kassatka_receipts::read),
        writer: Some(kassatka_receipts_writer),
        package: None,
        processed: None,
    },
    Format {
        name: atol::goods::NAME,
        aliases: &["atol", "frontol", "frontol-goods"],
        extensions: &["txt", "spr"],
        description: "ATOL Frontol offline-till goods file (##@@&&, $$$ commands, ';', Windows-1251), as 1C writes it",
        kinds: &[DataKind::Catalog],
        sniff: atol::goods::sniff,
        reader: Some(atol::goods::read),
        writer: Some(atol::goods::writer),
        package: None,
        processed: None,
    },
    Format {
        name: atol::report::NAME,
        aliases: &["frontol-report", "atol-sales"],
        extensions: &["txt"],
        description: "ATOL Frontol sales report (#/@, db, report number, ';' transactions) for 1C's offline-till import",
        kinds: &[DataKind::Receipts],
        sniff: atol::report::sniff,
        reader: Some(atol::report::read),
        writer: Some(atol::report::writer),
        package: None,
        processed: Some(atol::report::is_processed),
    },
    Format {
        name: bifit_csv::NAME,
        aliases: &["bifit", "bifit-goods-csv"],
        extensions: &["csv"],
        description: "БИФИТ Касса goods import CSV (28 columns, ';', Windows-1251), with folders",
        kinds: &[DataKind::Catalog],
        sniff: bifit_csv::sniff,
        reader: Some(bifit_csv::read),
        writer: Some(bifit_csv::writer),
        package: None,
        processed: None,
    },
    Format {
        name: bifit_json::NAME,
        aliases: &["bifit-goods-json", "bifit-api"],
        extensions: &["json", "jsonl"],
        description: "БИФИТ Касса goods as the API takes them: {\"item\": {…}} per product, array or JSON Lines",
        kinds: &[DataKind::Catalog],
        sniff: bifit_json::sniff,
        reader: Some(bifit_json::read),
        writer: Some(bifit_json::writer),
        package: None,
        processed: None,
    },
    Format {
        name: bifit_orders::NAME,
        aliases: &["bifit-online-orders", "orders"],
        extensions: &["json", "jsonl"],
        description: "БИФИТ Касса online orders JSON (GET /online_orders/{id}): one object, an array or JSON Lines",
        kinds: &[DataKind::Orders],
        sniff: bifit_orders::sniff,
        reader: Some(bifit_orders::read),
        writer: Some(bifit_orders::writer),
        package: None,
        processed: None,
    },
    Format {
        name: orders_report::NAME,
        aliases: &["orders-csv"],
        extensions: &["csv"],
        description: "online orders as a table for people: CSV with ';', UTF-8 with BOM, Russian titles (write only)",
        kinds: &[DataKind::Orders],
        sniff: |_| 0,
        reader: None,
        writer: Some(orders_report::writer),
        package: None,
        processed: None,
    },
    Format {
        name: table::NAME,
        aliases: &["xlsx", "spreadsheet", "price-list"],
        extensions: &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv"],
        description: "price lists from spreadsheets (xlsx, xlsm, xls, xlsb, ods) or CSV: columns by title, letter or number (read only)",
        kinds: &[DataKind::Catalog],
        sniff: table::sniff,
        reader: Some(table::read),
        writer: None,
        package: None,
        processed: None,
    },
    Format {
        name: commerceml::NAME,
        aliases: &["cml", "commerceml2", "1c-commerceml"],
        extensions: &["xml"],
        description: "CommerceML 2 (1C ↔ web shop): catalogue packages (import, offers, prices, rests …) and orders (read), a catalogue as one file and orders (write)",
        kinds: &[DataKind::Catalog, DataKind::Orders],
        sniff: commerceml::sniff,
        reader: Some(commerceml::read),
        writer: Some(commerceml_writer),
        package: Some(&commerceml::PACKAGE),
        processed: None,
    },
    Format {
        name: canonical_json::NAME,
        aliases: &["json", "canonical"],
        extensions: &["json"],
        description: "kassa-bridge canonical JSON: lossless, any kind of data",
        kinds: &[DataKind::Catalog, DataKind::Receipts, DataKind::Orders],
        sniff: canonical_json::sniff,
        reader: Some(canonical_json::read),
        writer: Some(canonical_json::writer),
        package: None,
        processed: None,
    },
];

/// The format whose package a folder holds (the one named, else the first whose files are there).
pub fn package_in(dir: &Path, named: Option<&str>) -> Result<(&'static Format, Vec<PathBuf>)> {
    if let Some(name) = named {
        let format = find(name)?;
        let package = format.package.ok_or_else(|| {
            Error::usage(crate::msg!("fmt-folder-no-package", folder = dir.display().to_string(), format = format.name))
        })?;
        return Ok((format, (package.files_in)(dir)?));
    }
    let mut first_error = None;
    for format in FORMATS.iter().filter(|f| f.can_read()) {
        let Some(package) = format.package else { continue };
        match (package.files_in)(dir) {
            Ok(files) => return Ok((format, files)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error
        .unwrap_or_else(|| Error::usage(crate::msg!("fmt-folder-unreadable", folder = dir.display().to_string()))))
}

/// Finds a format by name or alias (case-insensitive).
pub fn find(name: &str) -> Result<&'static Format> {
    let wanted = name.trim().to_lowercase();
    FORMATS
        .iter()
        .find(|f| f.name == wanted || f.aliases.contains(&wanted.as_str()))
        .ok_or_else(|| ErrorKind::UnknownFormat { name: name.to_string() }.into())
}

/// Decides an input's format: the content sniff, then the extension. A tie is an error listing
/// the candidates, never a guess. (An explicit `--from` is handled by the caller.)
pub fn detect(input: &RawInput) -> Result<&'static Format> {
    let head = input.head_text();
    let readable = || FORMATS.iter().filter(|f| f.can_read());
    let best = readable().map(|f| (f.sniff)(&head)).max().unwrap_or(0);
    if best > 0 {
        let top: Vec<&Format> = readable().filter(|f| (f.sniff)(&head) == best).collect();
        return match top.as_slice() {
            [one] => Ok(one),
            many => Err(ErrorKind::Ambiguous {
                input: input.name.to_string(),
                candidates: many.iter().map(|f| f.name.to_string()).collect(),
            }
            .into()),
        };
    }
    let ext = input.extension();
    let by_ext: Vec<&Format> = match &ext {
        Some(ext) => readable().filter(|f| f.extensions.contains(&ext.as_str())).collect(),
        None => Vec::new(),
    };
    match by_ext.as_slice() {
        [one] => Ok(one),
        [] => Err(ErrorKind::Undetected {
            input: input.name.to_string(),
            reason: match ext {
                Some(ext) => crate::msg!("fmt-undetected-content-and-extension", ext = ext).into(),
                None => crate::msg!("fmt-undetected-content").into(),
            },
        }
        .into()),
        many => Err(ErrorKind::Ambiguous {
            input: input.name.to_string(),
            candidates: many.iter().map(|f| f.name.to_string()).collect(),
        }
        .into()),
    }
}

/// The text after the prolog: declarations, comments, processing instructions and a doctype
/// (with an internal subset `[…]` too). `None` when the head ends inside the prolog.
pub fn after_prolog(head: &str) -> Option<&str> {
    let mut rest = head.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>")? + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            let close = rest.find('>')?;
            // `<!DOCTYPE r [ <!ENTITY …> ]>`: the subset holds `>` of its own.
            rest = match rest.find('[') {
                Some(open) if open < close => {
                    let end = rest[open..].find(']')? + open;
                    &rest[end + rest[end..].find('>')? + 1..]
                }
                _ => &rest[close + 1..],
            };
        } else {
            return Some(rest);
        }
    }
}

/// 2 when the first element of the document is `<root`, else 0.
pub fn sniff_xml_root(head: &str, root: &str) -> u8 {
    let Some(rest) = after_prolog(head) else { return 0 };
    let Some(tag) = rest.strip_prefix('<') else { return 0 };
    let name_end = tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(tag.len());
    if &tag[..name_end] == root {
        2
    } else {
        0
    }
}

/// Messages joined into one, each rendered in the language the whole is displayed in: `a, b, c`,
/// or with `semicolons` `a; b; c`. `None` when there are none.
pub fn join_messages(
    items: impl IntoIterator<Item = crate::i18n::Message>,
    semicolons: bool,
) -> Option<crate::i18n::Message> {
    items.into_iter().reduce(|first, second| {
        if semicolons {
            crate::msg!("fmt-list-semicolon", first = first, second = second)
        } else {
            crate::msg!("fmt-list-comma", first = first, second = second)
        }
    })
}

/// The encoding named by `--input-encoding`, if any.
pub fn forced_encoding(opts: &ReadOptions) -> Result<Option<&'static encoding_rs::Encoding>> {
    match &opts.encoding {
        None => Ok(None),
        Some(label) => encoding_for_label(label)
            .map(Some)
            .ok_or_else(|| Error::usage(crate::msg!("fmt-unknown-encoding", label = format!("{label:?}")))),
    }
}

#[cfg(test)]
mod description_tests {
    use super::FORMATS;
    use crate::i18n::Lang;

    #[test]
    fn the_catalogue_describes_every_format_as_the_registry_does_in_english() {
        for format in FORMATS.iter() {
            assert_eq!(format.description_text().render(Lang::En), format.description, "{}", format.name);
            assert_ne!(format.description_text().render(Lang::Ru), format.description, "{}", format.name);
        }
    }
}
