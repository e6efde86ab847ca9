//! A price list as an `.xlsx` workbook (`table` has no writer): one sheet, a header row, then a
//! row per product of the generated catalogue — code, article, name, barcode, retail price (a
//! number cell with two decimals), unit, VAT, group name. Codes, articles and barcodes are text
//! cells, as in a price list made with care. The article and VAT columns make a row wide enough
//! for 50 MB to fit in Excel's 1,048,576 rows.
//!
//! Text goes to the shared-string table, as Excel and 1C write workbooks. The sheet is written
//! in rust_xlsxwriter's low-memory mode (rows stream to a temporary file; the shared strings stay
//! in memory while the workbook is made). The compressed size is known only once the workbook is
//! saved, so a first, small workbook gives the bytes per row and the number of rows is aimed
//! from it.

use std::collections::HashMap;
use std::path::Path;

use kassa_bridge::model::Record;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::CatalogGen;

/// The header row; the benchmark maps the columns by these titles.
pub const TITLES: [&str; 8] = ["Код", "Артикул", "Наименование", "Штрихкод", "Цена", "Ед. изм.", "НДС", "Группа"];
/// Excel's last row (the first holds the titles).
const MAX_ROWS: u64 = 1_048_575;

/// Rows the size is aimed from.
const CALIBRATION_ROWS: u64 = 20_000;

fn err(e: XlsxError) -> String {
    format!("writing the workbook: {e}")
}

/// The workbook of the first `rows` products.
fn workbook(rows: u64, seed: u64) -> Result<Workbook, String> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_low_memory();
    sheet.set_name("Прайс-лист").map_err(err)?;
    let bold = Format::new().set_bold();
    let price = Format::new().set_num_format("0.00");
    for (col, title) in TITLES.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold).map_err(err)?;
    }
    let mut group_names: HashMap<String, String> = HashMap::new();
    let mut row = 0u32;
    for record in CatalogGen::new(seed) {
        let p = match record {
            Record::Group(g) => {
                group_names.insert(g.code, g.name);
                continue;
            }
            Record::Product(p) => p,
            _ => continue,
        };
        if u64::from(row) >= rows {
            break;
        }
        row += 1;
        sheet.write_string(row, 0, &p.code).map_err(err)?;
        if let Some(article) = &p.article {
            sheet.write_string(row, 1, article).map_err(err)?;
        }
        sheet.write_string(row, 2, &p.name).map_err(err)?;
        if let Some(barcode) = p.barcodes.first() {
            sheet.write_string(row, 3, barcode).map_err(err)?;
        }
        if let Some(amount) = p.prices.first().and_then(|pr| pr.amount) {
            sheet.write_with_format(row, 4, amount, &price).map_err(err)?;
        }
        if let Some(unit) = &p.unit {
            sheet.write_string(row, 5, if unit.code == "166" { "кг" } else { "шт" }).map_err(err)?;
        }
        if let Some(vat) = p.vat {
            sheet.write_string(row, 6, vat.as_russian()).map_err(err)?;
        }
        if let Some(group) = p.parent.as_ref().and_then(|g| group_names.get(g)) {
            sheet.write_string(row, 7, group).map_err(err)?;
        }
    }
    Ok(book)
}

/// Writes about `size` bytes of price list to `path`; returns the bytes written.
pub fn write(path: &Path, size: u64, seed: u64) -> Result<u64, String> {
    let sample = workbook(CALIBRATION_ROWS, seed)?.save_to_buffer().map_err(err)?;
    let rows = (size as u128 * u128::from(CALIBRATION_ROWS) / sample.len().max(1) as u128) as u64;
    workbook(rows.clamp(1, MAX_ROWS), seed)?.save(path).map_err(err)?;
    std::fs::metadata(path).map(|m| m.len()).map_err(|e| format!("{}: {e}", path.display()))
}
