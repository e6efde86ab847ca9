//! The push interface between readers and writers.
//!
//! A reader calls `begin` once with the document header, `record` for each group, product or
//! receipt as soon as it is complete, and `finish` at the end. Writers are sinks, so a conversion
//! holds one record at a time unless the target format itself needs more.

use crate::diagnostics::Diagnostics;
use crate::error::Result;
use crate::model::{Header, Record};

pub trait RecordSink {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()>;
    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()>;
    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()>;
}

/// Keeps everything in memory: for tests, small documents and the round-trip checks.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CollectSink {
    pub header: Option<Header>,
    pub records: Vec<Record>,
    pub finished: bool,
}

impl RecordSink for CollectSink {
    fn begin(&mut self, header: &Header, _: &mut Diagnostics) -> Result<()> {
        self.header = Some(header.clone());
        Ok(())
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        self.records.push(record);
        Ok(())
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.finished = true;
        Ok(())
    }
}

/// Feeds a collected document into another sink.
pub fn replay(
    header: &Header,
    records: impl IntoIterator<Item = Record>,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<()> {
    sink.begin(header, diag)?;
    for r in records {
        sink.record(r, diag)?;
    }
    sink.finish(diag)
}

/// Products held in memory while their group has not come; beyond this they wait in a
/// temporary file (README "Limits"), so a catalogue whose groups never come cannot fill memory.
pub const HELD_IN_MEMORY: usize = 10_000;

/// Passes records on so that every product comes after its group, for writers whose layout
/// needs that (a folder row before its goods, a `ProductGroup` around its products).
///
/// Input in the usual order (groups before their products) passes straight through; a product
/// whose group has not come yet is held until it does — the first `HELD_IN_MEMORY` in memory,
/// the rest in a temporary file with an index by group. Products whose group never comes are
/// released at the end, in input order, for the writer to place (and warn about).
pub struct ParentsFirst {
    seen: std::collections::HashSet<String>,
    waiting: indexmap::IndexMap<String, Vec<Record>>,
    held: usize,
    spilled: Option<Spill>,
}

/// Held products written out as JSON lines, found again by their group.
struct Spill {
    file: std::fs::File,
    end: u64,
    by_group: indexmap::IndexMap<String, Vec<(u64, u32)>>,
}

fn spill_error(e: impl std::fmt::Display) -> crate::error::Error {
    crate::error::Error::io(
        std::env::temp_dir(),
        std::io::Error::other(crate::tr!("fmt-spill-failed", error = e.to_string())),
    )
}

impl Spill {
    fn new() -> Result<Self> {
        Ok(Spill { file: tempfile::tempfile().map_err(spill_error)?, end: 0, by_group: indexmap::IndexMap::new() })
    }

    fn put(&mut self, group: &str, record: &Record) -> Result<()> {
        use std::io::{Seek, SeekFrom, Write};
        let bytes = serde_json::to_vec(record).map_err(spill_error)?;
        self.file.seek(SeekFrom::Start(self.end)).map_err(spill_error)?;
        self.file.write_all(&bytes).map_err(spill_error)?;
        self.by_group.entry(group.to_string()).or_default().push((self.end, bytes.len() as u32));
        self.end += bytes.len() as u64;
        Ok(())
    }

    fn take(&mut self, group: &str) -> Result<Vec<Record>> {
        use std::io::{Read, Seek, SeekFrom};
        let Some(places) = self.by_group.shift_remove(group) else { return Ok(Vec::new()) };
        let mut out = Vec::with_capacity(places.len());
        let mut buf = Vec::new();
        for (at, len) in places {
            buf.resize(len as usize, 0);
            self.file.seek(SeekFrom::Start(at)).map_err(spill_error)?;
            self.file.read_exact(&mut buf).map_err(spill_error)?;
            out.push(serde_json::from_slice(&buf).map_err(spill_error)?);
        }
        Ok(out)
    }
}

impl Default for ParentsFirst {
    fn default() -> Self {
        Self::new()
    }
}

impl ParentsFirst {
    pub fn new() -> Self {
        ParentsFirst {
            seen: std::collections::HashSet::new(),
            waiting: indexmap::IndexMap::new(),
            held: 0,
            spilled: None,
        }
    }

    /// The records that can be written now, in order.
    pub fn push(&mut self, record: Record) -> Result<Vec<Record>> {
        match &record {
            Record::Group(g) => {
                self.seen.insert(g.code.clone());
                let code = g.code.clone();
                let mut out = vec![record];
                if let Some(products) = self.waiting.shift_remove(&code) {
                    self.held -= products.len();
                    out.extend(products);
                }
                if let Some(spill) = self.spilled.as_mut() {
                    out.extend(spill.take(&code)?);
                }
                Ok(out)
            }
            Record::Product(p) => match &p.parent {
                Some(parent) if !self.seen.contains(parent) => {
                    let parent = parent.clone();
                    if self.held < HELD_IN_MEMORY {
                        self.held += 1;
                        self.waiting.entry(parent).or_default().push(record);
                    } else {
                        if self.spilled.is_none() {
                            self.spilled = Some(Spill::new()?);
                        }
                        self.spilled.as_mut().expect("made above").put(&parent, &record)?;
                    }
                    Ok(vec![])
                }
                _ => Ok(vec![record]),
            },
            _ => Ok(vec![record]),
        }
    }

    /// Products whose group never came, grouped by the missing group's code.
    pub fn orphans(&mut self) -> Result<Vec<(String, Vec<Record>)>> {
        let mut out: Vec<(String, Vec<Record>)> = std::mem::take(&mut self.waiting).into_iter().collect();
        self.held = 0;
        if let Some(mut spill) = self.spilled.take() {
            let groups: Vec<String> = spill.by_group.keys().cloned().collect();
            for group in groups {
                let records = spill.take(&group)?;
                match out.iter_mut().find(|(g, _)| *g == group) {
                    Some((_, held)) => held.extend(records),
                    None => out.push((group, records)),
                }
            }
        }
        Ok(out)
    }

    pub fn group_seen(&self, code: &str) -> bool {
        self.seen.contains(code)
    }
}

/// A writer of a catalogue layout in which folders come before the goods in them. Wrapped in
/// `GroupedCatalog`, it gets groups and products in that order, whatever the reader's order.
pub trait CatalogWriter {
    /// Writes what comes before the records (a header row, a root element).
    fn start(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()>;
    fn group(&mut self, group: crate::model::Group, diag: &mut Diagnostics) -> Result<()>;
    fn product(&mut self, product: crate::model::Product, diag: &mut Diagnostics) -> Result<()>;
    /// Products whose group never came. By default: a warning, then the products as they are
    /// (still naming the missing group).
    fn orphans(&mut self, group: &str, products: Vec<crate::model::Product>, diag: &mut Diagnostics) -> Result<()> {
        diag.warn(crate::diagnostics::Warning::new(
            crate::diagnostics::WarningKind::GroupMissing,
            crate::msg!("fmt-group-missing", group = group, count = products.len()),
        ))?;
        products.into_iter().try_for_each(|p| self.product(p, diag))
    }
    /// A product marked deleted in the source. By default it is left out, named in a warning:
    /// written as an ordinary product it would come back to life on the till. A format that can
    /// say "deleted" (hide the item) overrides this.
    fn deleted(&mut self, product: crate::model::Product, diag: &mut Diagnostics) -> Result<()> {
        diag.warn(crate::diagnostics::Warning::new(
            crate::diagnostics::WarningKind::DeletedLeftOut,
            crate::msg!("fmt-deleted-left-out", code = product.code.as_str(), name = product.name.as_str()),
        ))
    }
    /// Writes what comes after the records and flushes.
    fn end(&mut self, diag: &mut Diagnostics) -> Result<()>;
}

/// The `RecordSink` of a `CatalogWriter`: refuses receipts and orders, orders groups first.
pub struct GroupedCatalog<W> {
    format: &'static str,
    writer: W,
    order: ParentsFirst,
}

impl<W: CatalogWriter> GroupedCatalog<W> {
    pub fn new(format: &'static str, writer: W) -> Self {
        GroupedCatalog { format, writer, order: ParentsFirst::new() }
    }

    fn unsupported(&self, what: crate::i18n::Message) -> crate::error::Error {
        crate::error::ErrorKind::Unsupported {
            format: self.format.into(),
            action: crate::msg!("fmt-action-hold-in-catalog", what = what).into(),
        }
        .into()
    }
}

impl<W: CatalogWriter> RecordSink for GroupedCatalog<W> {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        self.writer.start(header, diag)
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        for ready in self.order.push(record)? {
            match ready {
                Record::Group(g) => self.writer.group(g, diag)?,
                Record::Product(p) if p.deleted => self.writer.deleted(p, diag)?,
                Record::Product(p) => self.writer.product(p, diag)?,
                Record::Receipt(_) => return Err(self.unsupported(crate::model::DataKind::Receipts.text())),
                Record::Order(_) => return Err(self.unsupported(crate::model::DataKind::Orders.text())),
            }
        }
        Ok(())
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        for (group, records) in self.order.orphans()? {
            let mut products = Vec::with_capacity(records.len());
            for record in records {
                match record {
                    Record::Product(p) if p.deleted => self.writer.deleted(p, diag)?,
                    Record::Product(p) => products.push(p),
                    _ => {}
                }
            }
            if !products.is_empty() {
                self.writer.orphans(&group, products, diag)?;
            }
        }
        self.writer.end(diag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Group, Product};

    fn product(code: usize, parent: &str) -> Record {
        let mut p = Product::new(code.to_string(), format!("товар {code}"));
        p.parent = Some(parent.to_string());
        Record::Product(p)
    }

    fn codes(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| match r {
                Record::Product(p) => p.code.clone(),
                Record::Group(g) => format!("group {}", g.code),
                _ => String::new(),
            })
            .collect()
    }

    /// Beyond what memory holds, products wait in a file and come back in input order, with
    /// their group or as orphans at the end.
    #[test]
    fn held_products_beyond_memory_wait_in_a_file_and_keep_their_order() {
        let mut order = ParentsFirst::new();
        let total = HELD_IN_MEMORY + 25;
        for i in 0..total {
            let parent = if i % 2 == 0 { "late" } else { "never" };
            assert!(order.push(product(i, parent)).unwrap().is_empty());
        }
        assert_eq!(order.held, HELD_IN_MEMORY, "no more than this in memory");
        assert!(order.spilled.is_some());
        let group = Record::Group(Group {
            code: "late".into(),
            name: "Поздняя".into(),
            parent: None,
            extra: Default::default(),
        });
        let released = order.push(group).unwrap();
        let expected: Vec<String> =
            std::iter::once("group late".to_string()).chain((0..total).step_by(2).map(|i| i.to_string())).collect();
        assert_eq!(codes(&released), expected);
        let orphans = order.orphans().unwrap();
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].0, "never");
        let expected: Vec<String> = (1..total).step_by(2).map(|i| i.to_string()).collect();
        assert_eq!(codes(&orphans[0].1), expected);
    }
}
