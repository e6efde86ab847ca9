//! A reference for `kassatka-xml → bifit-csv`: the smallest careful Rust converter, one loop over
//! borrowed quick-xml events (`read_event_into` with one reused buffer, attributes borrowed from
//! it, unescaped only when they hold an entity), `rust_decimal` prices, one reused output line
//! encoded to Windows-1251 with encoding_rs, written through a `BufWriter` to standard output.
//! Memory: the folder table (code → name) and one product.
//!
//! It writes what `kassa-bridge convert INPUT -t bifit-csv` writes for the benchmark's generated
//! catalogues (the Кассатка API layout): the header, a folder row per group (`GROUPED` = 1), a
//! row per product with its `Розничная` price; consecutive rows of one `Code` are one product.
//! The benchmark runs it as a child process (`throughput --reference-loop INPUT`), so its time
//! and peak memory are measured exactly as the bridge's.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::Path;
use std::str::FromStr;

use kassa_bridge::formats::bifit_csv::COLUMNS;
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;

/// The product being read: the API layout repeats it once per price type.
#[derive(Default)]
struct Product {
    open: bool,
    code: String,
    name: String,
    barcode: String,
    parent: String,
    unit: String,
    price: Option<Decimal>,
    retail: bool,
}

struct Out<W: Write> {
    out: W,
    line: String,
    bytes: Vec<u8>,
    number: String,
}

impl<W: Write> Out<W> {
    /// One row: the given cells (in column order), the other columns empty.
    fn row(&mut self, cells: &[(usize, &str)]) -> io::Result<()> {
        self.line.clear();
        let mut cells = cells.iter().peekable();
        for column in 0..COLUMNS.len() {
            if column > 0 {
                self.line.push(';');
            }
            if let Some((_, value)) = cells.next_if(|(c, _)| *c == column) {
                if value.contains([';', '"', '\r', '\n']) {
                    self.line.push('"');
                    self.line.push_str(&value.replace('"', "\"\""));
                    self.line.push('"');
                } else {
                    self.line.push_str(value);
                }
            }
        }
        self.line.push_str("\r\n");
        // Windows-1251 takes one byte per character, never more than UTF-8.
        self.bytes.resize(self.line.len(), 0);
        let mut encoder = encoding_rs::WINDOWS_1251.new_encoder();
        let (mut read, mut written) = (0, 0);
        loop {
            let (result, r, w) =
                encoder.encode_from_utf8_without_replacement(&self.line[read..], &mut self.bytes[written..], true);
            read += r;
            written += w;
            match result {
                encoding_rs::EncoderResult::Unmappable(_) => {
                    self.bytes[written] = b'?';
                    written += 1;
                }
                _ => break,
            }
        }
        self.out.write_all(&self.bytes[..written])
    }

    fn product(&mut self, p: &mut Product, folders: &HashMap<String, String>) -> io::Result<()> {
        if !std::mem::take(&mut p.open) {
            return Ok(());
        }
        self.number.clear();
        if let Some(price) = p.price {
            let _ = write!(self.number, "{price}");
        }
        let number = std::mem::take(&mut self.number);
        let group = folder_ref(folders, &p.parent);
        let result = self.row(&[
            (1, &p.code),
            (3, &p.name),
            (5, &number),
            (6, &p.barcode),
            (9, "1"),
            (10, group),
            (11, &p.unit),
            (16, "0"),
            (21, "DEFAULT"),
        ]);
        self.number = number;
        result
    }
}

fn folder_ref<'a>(folders: &'a HashMap<String, String>, parent: &'a str) -> &'a str {
    if matches!(parent, "" | "none") {
        return "";
    }
    folders.get(parent).map_or(parent, String::as_str)
}

/// The values of `keys` among an element's attributes, in one pass; `""` for those it lacks.
fn attrs<'a, const N: usize>(e: &'a BytesStart, d: Decoder, keys: [&[u8]; N]) -> Result<[Cow<'a, str>; N], String> {
    let mut values = [const { Cow::Borrowed("") }; N];
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        if let Some(i) = keys.iter().position(|k| *k == a.key.as_ref()) {
            values[i] = a.decode_and_unescape_value(d).map_err(|e| e.to_string())?;
        }
    }
    Ok(values)
}

fn price(raw: &str) -> Result<Option<Decimal>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let parsed = if raw.contains(',') { Decimal::from_str(&raw.replace(',', ".")) } else { Decimal::from_str(raw) };
    parsed.map(Some).map_err(|e| format!("price {raw:?}: {e}"))
}

/// Converts `input`, writing the CSV to standard output.
pub fn run(input: &Path) -> Result<(), String> {
    let file = File::open(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, file));
    let stdout = io::stdout().lock();
    let mut out = Out {
        out: BufWriter::with_capacity(64 * 1024, stdout),
        line: String::new(),
        bytes: Vec::new(),
        number: String::new(),
    };
    let io_err = |e: io::Error| e.to_string();
    let header: Vec<(usize, &str)> = COLUMNS.iter().copied().enumerate().collect();
    out.row(&header).map_err(io_err)?;
    let mut folders: HashMap<String, String> = HashMap::new();
    let mut p = Product::default();
    let decoder = reader.decoder();
    let mut buf = Vec::with_capacity(4096);
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"ProductGroup" => {
                out.product(&mut p, &folders).map_err(io_err)?;
                let [code, name, parent] = attrs(&e, decoder, [b"Code", b"Name", b"ParentCode"])?;
                let code = code.trim();
                if !matches!(code, "" | "none") && !folders.contains_key(code) {
                    let group = folder_ref(&folders, parent.trim());
                    out.row(&[(1, code), (3, &name), (10, group), (17, "1")]).map_err(io_err)?;
                    folders.insert(code.to_string(), name.into_owned());
                }
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"Product" => {
                let [code, name, barcode, parent, unit, amount, kind] = attrs(
                    &e,
                    decoder,
                    [b"Code", b"Name", b"Barcode", b"ParentCode", b"UnitCode", b"Price", b"PriceType"],
                )?;
                let (code, retail, amount) = (code.trim(), kind == "Розничная", price(&amount)?);
                if !(p.open && p.code == code) {
                    out.product(&mut p, &folders).map_err(io_err)?;
                    p.open = true;
                    for (field, value) in [
                        (&mut p.code, code),
                        (&mut p.name, &name),
                        (&mut p.parent, parent.trim()),
                        (&mut p.unit, unit.trim()),
                    ] {
                        field.clear();
                        field.push_str(value);
                    }
                    p.barcode.clear();
                    (p.price, p.retail) = (amount, retail);
                } else if retail && !p.retail {
                    (p.price, p.retail) = (amount, true);
                }
                if p.barcode.is_empty() {
                    p.barcode.push_str(barcode.trim());
                }
            }
            Event::End(e) if e.name().as_ref() == b"ProductGroup" => out.product(&mut p, &folders).map_err(io_err)?,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out.product(&mut p, &folders).map_err(io_err)?;
    out.out.flush().map_err(io_err)
}
