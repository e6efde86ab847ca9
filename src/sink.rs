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

/// Passes records on so that every product comes after its group, for writers whose layout
/// needs that (a folder row before its goods, a `ProductGroup` around its products).
///
/// Input in the usual order (groups before their products) passes straight through; a product
/// whose group has not come yet is held until it does. Products whose group never comes are
/// released at the end, in input order, for the writer to place (and warn about).
pub struct ParentsFirst {
    seen: std::collections::HashSet<String>,
    waiting: indexmap::IndexMap<String, Vec<Record>>,
}

impl Default for ParentsFirst {
    fn default() -> Self {
        Self::new()
    }
}

impl ParentsFirst {
    pub fn new() -> Self {
        ParentsFirst { seen: std::collections::HashSet::new(), waiting: indexmap::IndexMap::new() }
    }

    /// The records that can be written now, in order.
    pub fn push(&mut self, record: Record) -> Vec<Record> {
        match &record {
            Record::Group(g) => {
                self.seen.insert(g.code.clone());
                let mut out = vec![];
                let released = self.waiting.shift_remove(&g.code);
                out.push(record);
                if let Some(products) = released {
                    out.extend(products);
                }
                out
            }
            Record::Product(p) => match &p.parent {
                Some(parent) if !self.seen.contains(parent) => {
                    self.waiting.entry(parent.clone()).or_default().push(record);
                    vec![]
                }
                _ => vec![record],
            },
            _ => vec![record],
        }
    }

    /// Products whose group never came, grouped by the missing group's code.
    pub fn orphans(&mut self) -> Vec<(String, Vec<Record>)> {
        std::mem::take(&mut self.waiting).into_iter().collect()
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
            "group-missing",
            format!("group {group} is not in the input; its {} products still refer to it", products.len()),
        ))?;
        products.into_iter().try_for_each(|p| self.product(p, diag))
    }
    /// A product marked deleted in the source. By default it is left out, named in a warning:
    /// written as an ordinary product it would come back to life on the till. A format that can
    /// say "deleted" (hide the item) overrides this.
    fn deleted(&mut self, product: crate::model::Product, diag: &mut Diagnostics) -> Result<()> {
        diag.warn(crate::diagnostics::Warning::new(
            "deleted-left-out",
            format!(
                "product {} ({}) is marked deleted in the source; left out (this format cannot mark it deleted)",
                product.code, product.name
            ),
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

    fn unsupported(&self, what: &str) -> crate::error::Error {
        crate::error::ErrorKind::Unsupported {
            format: self.format.into(),
            action: format!("hold {what} (it holds a catalog)"),
        }
        .into()
    }
}

impl<W: CatalogWriter> RecordSink for GroupedCatalog<W> {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        if header.kind != crate::model::DataKind::Catalog {
            return Err(self.unsupported(header.kind.as_str()));
        }
        self.writer.start(header, diag)
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        for ready in self.order.push(record) {
            match ready {
                Record::Group(g) => self.writer.group(g, diag)?,
                Record::Product(p) if p.deleted => self.writer.deleted(p, diag)?,
                Record::Product(p) => self.writer.product(p, diag)?,
                Record::Receipt(_) => return Err(self.unsupported("receipts")),
                Record::Order(_) => return Err(self.unsupported("orders")),
            }
        }
        Ok(())
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        for (group, records) in self.order.orphans() {
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
