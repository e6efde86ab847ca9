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
pub fn replay(header: &Header, records: impl IntoIterator<Item = Record>, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    sink.begin(header, diag)?;
    for r in records {
        sink.record(r, diag)?;
    }
    sink.finish(diag)
}
