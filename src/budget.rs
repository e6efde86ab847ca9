//! The bound on one record: a reader marks where each record (an XML event, a CSV row, a line, a
//! JSON object) ends; the input stops with an error once more than the limit has been read past
//! the last mark. The parser's own buffer then never grows beyond the limit, whatever the input
//! (one 200 MB attribute, 256 MB of NUL bytes, a 50 MB line of `;`).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Position};
use crate::limits::describe_size;

/// What the input's buffer may read ahead of the parser (`BufReader`'s capacity).
const READ_AHEAD: u64 = 64 * 1024;

/// Shared between the input (which counts what it reads) and the reader (which marks record
/// ends). Off (no limit) until a reader switches it on.
#[derive(Debug, Clone, Default)]
pub struct RecordBudget(Arc<State>);

#[derive(Debug)]
struct State {
    limit: AtomicU64,
    /// Offset in the decoded text where the last record ended.
    mark: AtomicU64,
}

impl Default for State {
    fn default() -> Self {
        State { limit: AtomicU64::new(u64::MAX), mark: AtomicU64::new(0) }
    }
}

/// The error an input returns once a record is too long; `read_error` turns it into a
/// positioned `ErrorKind::Limit`.
#[derive(Debug)]
pub struct RecordTooLong {
    pub limit: u64,
    /// Where the record started (decoded text).
    pub offset: u64,
}

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::tr!("fmt-record-longer-than", size = describe_size(self.limit)))
    }
}

impl std::error::Error for RecordTooLong {}

impl RecordBudget {
    /// Switches the bound on: no record may be longer than `limit` bytes of decoded text.
    pub fn limit_to(&self, limit: u64) {
        self.0.limit.store(limit, Ordering::Relaxed);
    }

    /// A record ended at `offset` (bytes of decoded text the parser has consumed).
    pub fn mark(&self, offset: u64) {
        self.0.mark.store(offset, Ordering::Relaxed);
    }

    /// Called by the input with the total it has read: an error once the record in progress is
    /// too long.
    pub fn check(&self, read: u64) -> io::Result<()> {
        let limit = self.0.limit.load(Ordering::Relaxed);
        let mark = self.0.mark.load(Ordering::Relaxed);
        if limit != u64::MAX && read.saturating_sub(mark) > limit.saturating_add(READ_AHEAD) {
            return Err(io::Error::other(RecordTooLong { limit, offset: mark }));
        }
        Ok(())
    }
}

/// The `RecordTooLong` inside an I/O error, if that is what it is.
pub fn record_too_long(err: &io::Error) -> Option<&RecordTooLong> {
    err.get_ref().and_then(|e| e.downcast_ref::<RecordTooLong>())
}

/// The error for a record that is too long, at `pos`.
pub fn too_long_error(pos: Position, e: &RecordTooLong) -> Error {
    Error::limit(pos, crate::msg!("fmt-limit-record"), describe_size(e.limit), "--max-record-size")
}

/// Counts the bytes a parser takes from `inner` (serde_json reads one byte at a time from its
/// buffered input), so a reader can mark a record's end from a callback that has no access to
/// the parser.
pub struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: io::BufRead> io::Read for Counted<R> {
    /// Straight from the input's buffer: serde_json asks for one byte at a time, so going
    /// through `BufReader::read` for each was a fifth of reading JSON.
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.inner.fill_buf()?;
        let n = available.len().min(buf.len());
        match n {
            0 => {}
            1 => buf[0] = available[0],
            _ => buf[..n].copy_from_slice(&available[..n]),
        }
        self.inner.consume(n);
        // One writer: a plain load and store (no locked add on every byte serde_json reads).
        self.count.store(self.count.load(Ordering::Relaxed) + n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Marks the end of a record at what the `Counted` input has handed out so far.
#[derive(Clone)]
pub struct ConsumedMark {
    count: Arc<AtomicU64>,
    budget: RecordBudget,
}

impl ConsumedMark {
    pub fn mark(&self) {
        self.budget.mark(self.count.load(Ordering::Relaxed));
    }
}

impl RecordBudget {
    /// `inner`, counted from `already` bytes consumed before it, and the handle that marks
    /// records' ends.
    pub fn counted<R>(&self, inner: R, already: u64) -> (Counted<R>, ConsumedMark) {
        let count = Arc::new(AtomicU64::new(already));
        (Counted { inner, count: count.clone() }, ConsumedMark { count, budget: self.clone() })
    }
}
