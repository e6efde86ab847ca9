//! Synthetic inputs for the benchmark: realistic catalogues and receipts of any size, in every
//! readable format, generated in-process.
//!
//! The data is a stream of canonical `Record`s, deterministic from a seed (a xorshift generator,
//! no `rand`): the same seed gives the same bytes. Every format is written by pushing the records
//! through that format's writer from the registry (`kassa_bridge::formats::find`), so the
//! benchmark exercises every writer and there is no second writer of any format here. Writing
//! stops at the first product after the output reaches the requested size.
//!
//! - **Catalogue** (`catalog.rs`): departments one after the other; each is a small tree of
//!   nested groups (three levels), parents first, followed by the products of its leaf groups;
//!   later departments hold more products. Cyrillic names, one or two valid EAN-13 barcodes (a few
//!   none), ОКЕИ 796 (шт) or 166 (кг, weighed), one to three price types, a VAT rate, often an
//!   article, sometimes a comment.
//! - **Receipts** (`receipts.rs`): sales of 1 to 5 lines each, sums consistent (price × quantity,
//!   discounts, totals = Σ lines, payments = total), by cash, card or both.
//!
//! Two inputs have no writer of their own: `table` as CSV gets `bifit-csv`'s layout (folders in
//! the `GROUP` column only), and `table` as `.xlsx` is written with rust_xlsxwriter (`xlsx.rs`).
//! The CommerceML writer writes its file only at the end (it spools goods and offers), so its
//! size is aimed at from a first, smaller run: the file comes out within a few per cent of it.

mod catalog;
mod receipts;
mod rng;
mod vocabulary;
mod xlsx;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::NaiveDate;
use kassa_bridge::model::{DataKind, Header, Record};
use kassa_bridge::options::{BifitGroups, WriteOptions};
use kassa_bridge::{formats, Diagnostics};

pub use catalog::CatalogGen;
pub use receipts::ReceiptGen;

/// The generator's own source: the inputs are made again when it changes.
pub const SOURCES: [&str; 6] = [
    include_str!("mod.rs"),
    include_str!("catalog.rs"),
    include_str!("receipts.rs"),
    include_str!("rng.rs"),
    include_str!("vocabulary.rs"),
    include_str!("xlsx.rs"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Catalog,
    Receipts,
}

/// How an input is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// With the registry writer of this format.
    Format(&'static str),
    /// A price list as CSV: `bifit-csv`'s writer, folders named in the `GROUP` column only.
    TableCsv,
    /// A price list as `.xlsx`: a header row, then code, name, barcode, price, unit, group.
    TableXlsx,
}

/// The document header of generated data.
pub fn header(kind: Kind) -> Header {
    match kind {
        Kind::Catalog => {
            let mut header = Header::new(DataKind::Catalog);
            header.export_date = NaiveDate::from_ymd_opt(2024, 3, 15);
            header
        }
        Kind::Receipts => Header::new(DataKind::Receipts),
    }
}

/// The endless record stream of a kind.
pub fn records(kind: Kind, seed: u64) -> Box<dyn Iterator<Item = Record>> {
    match kind {
        Kind::Catalog => Box::new(CatalogGen::new(seed)),
        Kind::Receipts => Box::new(ReceiptGen::new(seed)),
    }
}

/// Counts the bytes that go through, for stopping at a size.
pub struct CountingWriter<W> {
    inner: W,
    count: Arc<AtomicU64>,
}

impl<W: Write> CountingWriter<W> {
    pub fn new(inner: W) -> (Self, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (CountingWriter { inner, count: count.clone() }, count)
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// When to stop writing records: at the first product after so many bytes, or after so many
/// products.
#[derive(Debug, Clone, Copy)]
enum Stop {
    Bytes(u64),
    Products(u64),
}

/// Products the CommerceML size is aimed from.
const CALIBRATION_PRODUCTS: u64 = 20_000;

/// Writes `size` bytes (about, see the module docs) of generated data to `path`; returns the
/// bytes written. The file appears whole or not at all.
pub fn generate(kind: Kind, shape: Shape, size: u64, path: &Path, seed: u64) -> Result<u64, String> {
    let partial = path.with_extension("partial");
    let bytes = match shape {
        Shape::TableXlsx => xlsx::write(&partial, size, seed)?,
        Shape::TableCsv => {
            let opts = WriteOptions { bifit_groups: BifitGroups::Column, ..WriteOptions::default() };
            write_file(kind, formats::bifit_csv::NAME, &opts, Stop::Bytes(size), &partial, seed)?
        }
        Shape::Format(name) if name == formats::commerceml::NAME => {
            let opts = WriteOptions::default();
            let (bytes, products) = write(kind, name, &opts, Stop::Products(CALIBRATION_PRODUCTS), io::sink(), seed)?;
            let products = (size as u128 * u128::from(products) / u128::from(bytes.max(1))) as u64;
            write_file(kind, name, &opts, Stop::Products(products.max(1)), &partial, seed)?
        }
        Shape::Format(name) => write_file(kind, name, &WriteOptions::default(), Stop::Bytes(size), &partial, seed)?,
    };
    std::fs::rename(&partial, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(bytes)
}

fn write_file(
    kind: Kind,
    format: &str,
    opts: &WriteOptions,
    stop: Stop,
    path: &Path,
    seed: u64,
) -> Result<u64, String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(write(kind, format, opts, stop, BufWriter::with_capacity(1 << 20, file), seed)?.0)
}

/// Pushes the record stream through a registry writer into `out`: the bytes written and the
/// products in them.
fn write(
    kind: Kind,
    format: &str,
    opts: &WriteOptions,
    stop: Stop,
    out: impl Write + 'static,
    seed: u64,
) -> Result<(u64, u64), String> {
    let format = formats::find(format).map_err(|e| e.to_string())?;
    let writer = format.writer.ok_or_else(|| format!("{} has no writer", format.name))?;
    let (out, written) = CountingWriter::new(out);
    // Warnings (the price types a format cannot hold, …) are expected: the data is richer than
    // most formats.
    let mut diag = Diagnostics::new(false);
    let mut products = 0u64;
    let mut sink = writer(Box::new(out), opts).map_err(|e| e.to_string())?;
    sink.begin(&header(kind), &mut diag).map_err(|e| e.to_string())?;
    for record in records(kind, seed) {
        let is_group = matches!(record, Record::Group(_));
        sink.record(record, &mut diag).map_err(|e| e.to_string())?;
        if is_group {
            continue;
        }
        products += 1;
        let done = match stop {
            Stop::Bytes(size) => written.load(Ordering::Relaxed) >= size,
            Stop::Products(n) => products >= n,
        };
        if done {
            break;
        }
    }
    sink.finish(&mut diag).map_err(|e| e.to_string())?;
    drop(sink);
    Ok((written.load(Ordering::Relaxed), products))
}

/// What the data promises, checked before anything is generated (the generator has no unit
/// tests of its own, being part of the benchmark): valid barcodes, the same records from the
/// same seed, groups before their products, receipts that add up.
pub fn check() {
    rng::check_barcodes();
    catalog::check_order();
    receipts::check_sums();
}
