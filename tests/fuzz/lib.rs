//! What every fuzz target does: read the bytes with one reader, with the encoding detected and
//! under `--strict`, into a sink that keeps nothing. Errors are fine; a panic, an abort or memory
//! beyond the limits is a bug.

use kassa_bridge::diagnostics::Diagnostics;
use kassa_bridge::formats;
use kassa_bridge::model::{Header, Record};
use kassa_bridge::options::ReadOptions;
use kassa_bridge::sink::RecordSink;
use kassa_bridge::text::RawInput;
use kassa_bridge::Result;

struct Discard;

impl RecordSink for Discard {
    fn begin(&mut self, _: &Header, _: &mut Diagnostics) -> Result<()> {
        Ok(())
    }
    fn record(&mut self, _: Record, _: &mut Diagnostics) -> Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        Ok(())
    }
}

/// Reads `data` as `format` (a registry name), leniently and strictly.
pub fn read(format: &str, data: &[u8]) {
    let format = formats::find(format).expect("a registered format");
    let read = format.reader.expect("a readable format");
    for strict in [false, true] {
        let Ok(input) = RawInput::from_bytes("fuzz", data.to_vec()) else { return };
        let _ = read(input, &ReadOptions::default(), &mut Discard, &mut Diagnostics::new(strict));
    }
}
