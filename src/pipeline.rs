//! Both cores: the reader parses on a thread of its own and hands records over in batches, while
//! the calling thread builds and writes the output. A bounded channel between them keeps memory
//! flat: the reader waits when the writer falls behind.
//!
//! Only worth it for large inputs (starting a thread and passing batches costs more than it
//! gives on a small file), so `convert` uses it from `THREADED_FROM` bytes on.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::formats::ReadFn;
use crate::model::{Header, Record};
use crate::options::ReadOptions;
use crate::sink::RecordSink;
use crate::text::RawInput;

/// Inputs of this size and more are read on a thread of their own.
pub const THREADED_FROM: u64 = 4 * 1024 * 1024;

/// Records per batch: large enough that the channel costs nothing per record, small enough
/// that a batch is a few hundred kilobytes at most.
const BATCH: usize = 256;

/// Batches on their way at once.
const IN_FLIGHT: usize = 4;

/// How many threads a conversion uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Threads {
    /// Reading on a thread of its own for inputs of 4 MiB and more.
    #[default]
    Auto,
    /// Everything on one thread.
    #[cfg_attr(feature = "cli", value(name = "1"))]
    One,
}

enum Message {
    Begin(Header),
    Records(Vec<Record>),
    Finish,
}

/// The reader's end: records are gathered into batches and sent.
struct Sender {
    channel: SyncSender<Message>,
    batch: Vec<Record>,
}

/// The error a reader gets when the writer has stopped; the writer's own error is what counts.
fn writer_stopped() -> Error {
    Error::usage(crate::msg!("fmt-output-side-stopped"))
}

impl Sender {
    fn send(&mut self, message: Message) -> Result<()> {
        self.channel.send(message).map_err(|_| writer_stopped())
    }

    fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.send(Message::Records(batch))
    }
}

impl RecordSink for Sender {
    fn begin(&mut self, header: &Header, _: &mut Diagnostics) -> Result<()> {
        self.send(Message::Begin(header.clone()))
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        self.batch.push(record);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.flush()?;
        self.send(Message::Finish)
    }
}

/// Runs `read` on a thread of its own, passing what it reads to `sink` on this one. Warnings of
/// both sides end in `diag`; under `--strict` the first one stops both.
pub fn read_into(
    read: ReadFn,
    input: RawInput,
    opts: &ReadOptions,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<()> {
    let (channel, receiver) = sync_channel(IN_FLIGHT);
    let strict = diag.is_strict();
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("reader".into())
            .spawn_scoped(scope, move || {
                let mut reader_diag = Diagnostics::new(strict);
                let mut sender = Sender { channel, batch: Vec::with_capacity(BATCH) };
                let result = read(input, opts, &mut sender, &mut reader_diag);
                (result, reader_diag)
            })
            .map_err(|e| Error::usage(crate::msg!("fmt-reading-thread-not-started", error = e.to_string())))?;
        let written = write_from(&receiver, sink, diag);
        // Dropping the receiver tells a reader still sending that the writer has stopped.
        drop(receiver);
        let (read, reader_diag) = match reader.join() {
            Ok(done) => done,
            Err(_) => (Err(Error::usage(crate::msg!("fmt-reading-thread-stopped"))), Diagnostics::new(strict)),
        };
        diag.absorb_first(reader_diag);
        match (read, written) {
            // The reader's error explains a writer that got no `Finish`; otherwise the writer's
            // own error is the cause and the reader only saw it stop.
            (Err(e), Err(WriteEnd::Incomplete)) | (Err(e), Ok(())) => Err(e),
            (_, Err(WriteEnd::Failed(e))) => Err(e),
            (Ok(()), Err(WriteEnd::Incomplete)) => Err(Error::usage(crate::msg!("fmt-reader-unfinished"))),
            (Ok(()), Ok(())) => Ok(()),
        }
    })
}

enum WriteEnd {
    /// The reader stopped before `Finish` (its error says why).
    Incomplete,
    Failed(Error),
}

fn write_from(receiver: &Receiver<Message>, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<(), WriteEnd> {
    loop {
        let step = match receiver.recv() {
            Err(_) => return Err(WriteEnd::Incomplete),
            Ok(Message::Begin(header)) => sink.begin(&header, diag),
            Ok(Message::Records(batch)) => batch.into_iter().try_for_each(|r| sink.record(r, diag)),
            Ok(Message::Finish) => return sink.finish(diag).map_err(WriteEnd::Failed),
        };
        step.map_err(WriteEnd::Failed)?;
    }
}
