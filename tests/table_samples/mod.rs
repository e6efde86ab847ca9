//! The table samples in `samples/table/`, made by code so they stay small and reviewable:
//! `cargo test --test table -- --ignored generate_samples` rewrites them.

use std::io::{Cursor, Write};
use std::path::Path;

#[derive(Clone, Copy)]
pub enum C<'a> {
    S(&'a str),
    N(f64),
    /// A number shown as a percentage (stored as 0.1 for 10 %).
    P(f64),
    E,
    /// Text in a merged range reaching `.1` rows down and `.2` columns across (the cells it
    /// covers are `E`).
    M(&'a str, u32, u16),
}

pub use C::{E, M, N, P, S};

/// `price-list.*`: a title row above the header, float prices, integer-valued float barcodes,
/// codes with leading zeros stored as text, a percentage VAT cell, a formula-like float.
pub fn price_list() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S("Прайс-лист ООО «Ромашка» на 01.03.2024")],
        vec![S("Код"), S("Наименование"), S("Штрихкод"), S("Цена"), S("Ед. изм."), S("НДС"), S("Группа")],
        vec![S("00123"), S("Молоко 3,2% 1 л"), N(4607001000433.0), N(89.9), S("шт"), S("20%"), S("Молочные")],
        vec![N(456.0), S("Сыр «Российский»"), N(4607001000440.0), N(1990.1), S("кг"), P(0.1), S("Молочные")],
        vec![],
        vec![
            S("00124"),
            S("Хлеб бородинский"),
            S("4607001000457; 4607001000464"),
            N(45.9),
            N(796.0),
            S("без НДС"),
            S("Хлеб"),
        ],
        vec![S("A-17"), S("Пакет-майка"), E, N(5.0), S("шт"), N(20.0)],
        // 12.3 × 3 as a formula leaves 36.900000000000006 in the file; Excel shows 36.9.
        vec![S("00125"), S("Жевательная резинка ×3"), N(4607001000471.0), N(12.3 * 3.0), S("уп"), S("20")],
    ]
}

/// `sci-barcode.xlsx`: ten good rows, then a barcode Excel turned into `4.6E+12` text in C12.
pub fn sci_barcode() -> Vec<Vec<C<'static>>> {
    let mut rows = vec![vec![S("Код"), S("Наименование"), S("Штрихкод"), S("Цена")]];
    for i in 1..=10 {
        rows.push(vec![N(f64::from(i)), S("Товар"), N(4607001000400.0 + f64::from(i)), N(10.0)]);
    }
    rows.push(vec![N(11.0), S("Товар 11"), S("4.6E+12"), N(10.0)]);
    rows
}

/// `unusual.xlsx`, sheet «Прайс»: titles no reader would guess, mapped by `mapping.toml`.
pub fn unusual() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S("Поставщик: ООО «Альфа»")],
        vec![],
        vec![
            S("Арт. поставщика"),
            S("Полное наименование"),
            S("EAN-13"),
            S("Опт, руб."),
            S("Розница, руб."),
            S("Примечание"),
            S("Остаток"),
        ],
        vec![S("AL-001"), S("Чай чёрный 100 г"), N(4601234567893.0), N(120.5), N(159.9), S("новинка"), N(15.0)],
        vec![S("AL-002"), S("Кофе молотый 250 г"), S("4601234567886"), N(310.0), N(399.99), E, N(3.0)],
    ]
}

pub fn xlsx(sheets: &[(&str, Vec<Vec<C>>)]) -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2024, 3, 1).expect("a date");
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let percent = Format::new().set_num_format("0%");
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("a sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match *cell {
                    S(s) => sheet.write_string(r, c, s).map(|_| ()),
                    N(n) => sheet.write_number(r, c, n).map(|_| ()),
                    P(n) => sheet.write_number_with_format(r, c, n, &percent).map(|_| ()),
                    M(s, down, across) => sheet.merge_range(r, c, r + down, c + across, s, &Format::new()).map(|_| ()),
                    E => Ok(()),
                }
                .expect("a cell");
            }
        }
    }
    book.save_to_buffer().expect("an xlsx")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A minimal OpenDocument spreadsheet (mimetype, manifest, content).
pub fn ods(sheet: &str, rows: &[Vec<C>]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    content.push_str(&format!("<table:table table:name=\"{}\">\n", escape(sheet)));
    for row in rows {
        content.push_str("<table:table-row>");
        for cell in row.iter().chain(row.is_empty().then_some(&E)) {
            content.push_str(&match *cell {
                S(s) | M(s, ..) => format!("<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>", escape(s)),
                N(n) => format!("<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"),
                P(n) => format!("<table:table-cell office:value-type=\"percentage\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"),
                E => "<table:table-cell/>".to_string(),
            });
        }
        content.push_str("</table:table-row>\n");
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>\n");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).expect("zip");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("zip");
    zip.start_file("META-INF/manifest.xml", deflated).expect("zip");
    zip.write_all(manifest.as_bytes()).expect("zip");
    zip.start_file("content.xml", deflated).expect("zip");
    zip.write_all(content.as_bytes()).expect("zip");
    zip.finish().expect("zip").into_inner()
}

/// `shop-price-list.*`: a price list as a shop keeps it — a title block (company, date, a note)
/// above the header, two price columns with and without VAT, group headings (a name alone),
/// an 18-digit code as text, prices typed as text with a currency, blank rows, an «Итого» row
/// and footer notes.
pub fn shop_price_list() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S("ООО «Ромашка», г. Тверь, ул. Советская, 1")],
        vec![S("Прайс-лист на 01.03.2024")],
        vec![S("Цены указаны с учётом НДС 20%. Минимальный заказ 1 000 руб.")],
        vec![],
        vec![S("Код"), S("Наименование"), S("Ед."), S("цена с НДС, руб"), S("цена без НДС,руб")],
        vec![E, S("Молочные продукты")],
        vec![S("00123"), S("Молоко 3,2% 1 л"), S("шт"), N(89.9), N(74.92)],
        vec![S("460700100043300001"), S("Сыр «Российский» весовой"), S("кг"), S("1 990 руб."), N(1658.33)],
        vec![],
        vec![E, S("Хлеб")],
        vec![S("00124"), S("Хлеб бородинский"), S("шт"), N(45.9), N(38.25)],
        vec![S("00125"), S("Батон нарезной"), S("шт"), S("52,50 р."), N(43.75)],
        vec![],
        vec![E, S("Итого:"), E, N(2178.3)],
        vec![],
        vec![S("Цены действительны до 31.03.2024")],
        vec![E, S("Менеджер: Иванова Анна, тел. +7 (4822) 12-34-56")],
    ]
}

/// A 1C «TDSheet» printout: the header in two rows, «Цена» merged over «Розничная» and «Оптовая»,
/// the other titles merged down over both rows.
pub fn tdsheet() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S("Прайс-лист")],
        vec![],
        vec![M("Код", 1, 0), M("Номенклатура", 1, 0), M("Ед. изм.", 1, 0), M("Цена", 0, 1), E],
        vec![E, E, E, S("Розничная"), S("Оптовая")],
        vec![E, S("Бытовая химия")],
        vec![S("000000123"), S("Порошок стиральный 3 кг"), S("шт"), N(599.0), N(520.0)],
        vec![S("000000124"), S("Средство для посуды 0,5 л"), S("шт"), N(129.9), N(110.0)],
    ]
}

/// The rows as a `;` CSV in Windows-1251, numbers with a decimal comma, as Excel saves it.
pub fn csv_1251(rows: &[Vec<C>]) -> Vec<u8> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = (0..width)
            .map(|c| match row.get(c).copied().unwrap_or(E) {
                S(s) | M(s, ..) if s.contains([';', '"']) => format!("\"{}\"", s.replace('"', "\"\"")),
                S(s) | M(s, ..) => s.to_string(),
                N(n) | P(n) => n.to_string().replace('.', ","),
                E => String::new(),
            })
            .collect();
        text.push_str(&cells.join(";"));
        text.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&text);
    assert!(!unmappable, "the sample is Windows-1251 text");
    bytes.into_owned()
}

// ---------------------------------------------------------------------------------------------
// Excel 5.0/95 (BIFF5) in a compound file, written by hand: no library writes BIFF5 any more.

fn biff_record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_le_bytes().to_vec();
    out.extend_from_slice(&u16::try_from(data.len()).expect("a short record").to_le_bytes());
    out.extend_from_slice(data);
    out
}

fn cp1251(s: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1251.encode(s).0.into_owned()
}

/// A BIFF5 workbook stream with one sheet and no CODEPAGE record (as some 1C versions wrote
/// Excel 95 files), text in Windows-1251: BOF, BOUNDSHEET, EOF, then the sheet's BOF, LABEL and
/// NUMBER cells, EOF. `sheet_offset` replaces the sheet's position, to make a broken file.
pub fn biff5_workbook(sheet: &str, rows: &[Vec<C>], sheet_offset: Option<u32>) -> Vec<u8> {
    const BOF: u16 = 0x0809;
    const BOUNDSHEET: u16 = 0x0085;
    const EOF: u16 = 0x000A;
    const LABEL: u16 = 0x0204;
    const NUMBER: u16 = 0x0203;
    let bof = |kind: u16| biff_record(BOF, &[0x0500u16, kind, 0, 0].map(u16::to_le_bytes).concat());
    let name = cp1251(sheet);
    let boundsheet_len = 4 + 4 + 2 + 1 + name.len();
    let globals_len = bof(0x0005).len() + boundsheet_len + 4;
    let mut boundsheet = sheet_offset.unwrap_or(globals_len as u32).to_le_bytes().to_vec();
    boundsheet.extend_from_slice(&[0, 0, name.len() as u8]);
    boundsheet.extend_from_slice(&name);
    let mut stream = [bof(0x0005), biff_record(BOUNDSHEET, &boundsheet), biff_record(EOF, &[])].concat();
    assert_eq!(stream.len(), globals_len);
    stream.extend(bof(0x0010));
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let mut data = [r as u16, c as u16, 0].map(u16::to_le_bytes).concat();
            match *cell {
                S(s) | M(s, ..) => {
                    let text = cp1251(s);
                    data.extend_from_slice(&(text.len() as u16).to_le_bytes());
                    data.extend_from_slice(&text);
                    stream.extend(biff_record(LABEL, &data));
                }
                N(n) | P(n) => {
                    data.extend_from_slice(&n.to_le_bytes());
                    stream.extend(biff_record(NUMBER, &data));
                }
                E => {}
            }
        }
    }
    stream.extend(biff_record(EOF, &[]));
    stream
}

/// A compound file (CFB version 3, 512-byte sectors) holding one stream: the header, one FAT
/// sector, one directory sector (root and the stream), then the stream, padded to 4096 bytes so
/// it sits in regular sectors rather than the mini stream.
pub fn compound_file(stream_name: &str, stream: &[u8]) -> Vec<u8> {
    const SECTOR: usize = 512;
    const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    const FAT_SECTOR: u32 = 0xFFFF_FFFD;
    const NO_STREAM: u32 = 0xFFFF_FFFF;
    let mut data = stream.to_vec();
    data.resize(data.len().max(4096).div_ceil(SECTOR) * SECTOR, 0);
    let sectors = data.len() / SECTOR;
    assert!(2 + sectors <= 128, "one FAT sector is enough");
    // Sector 0: the FAT; 1: the directory; 2…: the stream, chained.
    let mut fat = vec![FAT_SECTOR, END_OF_CHAIN];
    fat.extend((0..sectors).map(|i| if i + 1 < sectors { 3 + i as u32 } else { END_OF_CHAIN }));
    fat.resize(128, FREE);
    let u16s = |v: &[u16]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let u32s = |v: &[u32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let mut file = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    file.extend([0; 16]);
    file.extend(u16s(&[0x3E, 3, 0xFFFE, 9, 6]));
    file.extend([0; 6]);
    // Directory sectors (0 in v3), FAT sectors, first directory sector, transaction, mini cutoff,
    // first mini FAT sector, mini FAT sectors, first DIFAT sector, DIFAT sectors, then the DIFAT.
    file.extend(u32s(&[0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0, 0]));
    file.extend(u32s(&[FREE; 108]));
    assert_eq!(file.len(), SECTOR);
    file.extend(u32s(&fat));
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: usize| {
        // The name in UTF-16 with its terminator; an unused entry has none.
        let mut e: Vec<u8> = match name {
            "" => Vec::new(),
            _ => name.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect(),
        };
        let name_len = e.len() as u16;
        e.resize(64, 0);
        e.extend(name_len.to_le_bytes());
        e.extend([kind, 1]);
        e.extend(u32s(&[NO_STREAM, NO_STREAM, child]));
        e.extend([0; 16 + 4 + 16]);
        e.extend(start.to_le_bytes());
        e.extend((size as u64).to_le_bytes());
        e
    };
    file.extend(entry("Root Entry", 5, 1, END_OF_CHAIN, 0));
    file.extend(entry(stream_name, 2, NO_STREAM, 2, data.len()));
    file.extend(entry("", 0, NO_STREAM, 0, 0));
    file.extend(entry("", 0, NO_STREAM, 0, 0));
    file.extend(data);
    file
}

/// The rows of the Excel 95 samples.
pub fn excel95_rows() -> Vec<Vec<C<'static>>> {
    vec![
        vec![S("Код"), S("Наименование"), S("Цена")],
        vec![S("001"), S("Хлеб бородинский"), N(45.9)],
        vec![S("002"), S("Молоко 3,2%"), N(89.9)],
    ]
}

/// Writes every sample into `dir`.
pub fn write_all(dir: &Path) {
    std::fs::create_dir_all(dir).expect("samples/table");
    let write = |name: &str, bytes: Vec<u8>| std::fs::write(dir.join(name), bytes).expect("write a sample");
    write("price-list.xlsx", xlsx(&[("Лист1", price_list())]));
    write("price-list.ods", ods("Лист1", &price_list()));
    write("sci-barcode.xlsx", xlsx(&[("Лист1", sci_barcode())]));
    let info = vec![vec![S("Прайс поставщика на второй странице")]];
    write("unusual.xlsx", xlsx(&[("Инфо", info), ("Прайс", unusual())]));
    write("shop-price-list.xlsx", xlsx(&[("Лист1", shop_price_list())]));
    write("shop-price-list.csv", csv_1251(&shop_price_list()));
    write("tdsheet-two-header-rows.xlsx", xlsx(&[("TDSheet", tdsheet())]));
    write("excel95-no-codepage.xls", compound_file("Book", &biff5_workbook("Лист1", &excel95_rows(), None)));
    let broken = biff5_workbook("Лист1", &excel95_rows(), Some(0x7FFF_0000));
    write("excel95-bad-sheet-offset.xls", compound_file("Book", &broken));
}
