//! The decoded text of an input as a `BufRead`, copied once on its way in, and the index that
//! turns offsets in it back into line and column.
//!
//! Text is read in chunks. UTF-8 is read straight into a chunk and validated there; any other
//! encoding is decoded into it. A finished chunk is shared (not copied) with the `LineIndex`, which
//! keeps the last few for messages and hands their buffers back for reuse, so reading allocates
//! nothing once it is under way and memory stays bounded.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::sync::{Arc, Mutex};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8};

use crate::budget::RecordBudget;
use crate::error::Position;

use super::chars_in;

/// Decoded bytes per chunk.
const CHUNK: usize = 64 * 1024;

/// How much recent text the index keeps for positions: parsers report positions close to what
/// they last read, so that is enough. An older offset gives its byte offset only.
const RETAIN_BYTES: usize = 512 * 1024;

/// The payload of an `io::Error` for a byte that is not valid in the input's encoding.
#[derive(Debug)]
pub struct DecodeFailure {
    /// Offset in the raw (undecoded) input.
    pub raw_offset: u64,
    pub encoding: &'static str,
    pub bytes: Vec<u8>,
}

impl std::fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.message(), f)
    }
}

impl DecodeFailure {
    /// What went wrong, in the language it is displayed in.
    pub fn message(&self) -> crate::i18n::Message {
        let hex: Vec<String> = self.bytes.iter().map(|b| format!("0x{b:02X}")).collect();
        crate::msg!("fmt-byte-not-valid", byte = self.raw_offset, bytes = hex.join(" "), encoding = self.encoding)
    }
}

impl std::error::Error for DecodeFailure {}

/// Finds a `DecodeFailure` inside an I/O error (quick-xml and serde_json wrap them).
pub fn decode_failure(err: &io::Error) -> Option<&DecodeFailure> {
    err.get_ref()?.downcast_ref::<DecodeFailure>()
}

/// Streams any encoding_rs encoding as UTF-8, failing on malformed input instead of replacing it.
pub struct TextReader {
    source: Box<dyn Read + Send>,
    encoding: &'static Encoding,
    /// `None` for UTF-8, which is validated in place rather than decoded.
    decoder: Option<Decoder>,
    /// Raw input waiting to be decoded (`raw_start..raw_end`); unused for UTF-8.
    raw: Box<[u8]>,
    raw_start: usize,
    raw_end: usize,
    /// UTF-8: the first bytes of a character the last read cut, for the next chunk.
    carry: Vec<u8>,
    /// Raw bytes checked or decoded so far (BOM included).
    raw_offset: u64,
    /// The source has no more bytes.
    eof: bool,
    /// Every chunk has been handed out.
    finished: bool,
    /// The chunk being handed out, and how much of it has been consumed.
    current: Arc<Vec<u8>>,
    consumed: usize,
    /// Decoded bytes in all chunks before `current`.
    offset: u64,
    /// A decoding failure met after some good text, reported once that text is consumed.
    pending_error: Option<DecodeFailure>,
    lines: LineIndex,
    budget: RecordBudget,
}

impl TextReader {
    pub fn new(mut source: Box<dyn Read + Send>, encoding: &'static Encoding, bom_len: usize) -> Self {
        let mut skipped = 0;
        while skipped < bom_len {
            let mut byte = [0u8; 1];
            match source.read(&mut byte) {
                Ok(1) => skipped += 1,
                _ => break,
            }
        }
        let decoder = (encoding != UTF_8).then(|| encoding.new_decoder_without_bom_handling());
        TextReader {
            source,
            encoding,
            decoder,
            raw: Box::default(),
            raw_start: 0,
            raw_end: 0,
            carry: Vec::new(),
            raw_offset: skipped as u64,
            eof: false,
            finished: false,
            current: Arc::new(Vec::new()),
            consumed: 0,
            offset: 0,
            pending_error: None,
            lines: LineIndex::default(),
            budget: RecordBudget::default(),
        }
    }

    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }

    pub fn budget(&self) -> &RecordBudget {
        &self.budget
    }

    fn read_source(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.source.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    /// Makes the next chunk current; it is empty at the end of the input.
    fn next_chunk(&mut self) -> io::Result<()> {
        let next_offset = self.offset + self.current.len() as u64;
        self.budget.check(next_offset)?;
        self.offset = next_offset;
        self.consumed = 0;
        // The old chunk's buffer stays with the index, which may still need it for positions.
        self.current = Arc::new(Vec::new());
        let mut chunk = self.lines.spare_buffer();
        let filled = match self.decoder.is_some() {
            true => self.decode_into(&mut chunk)?,
            false => self.validate_into(&mut chunk)?,
        };
        chunk.truncate(filled);
        self.current = Arc::new(chunk);
        if filled > 0 {
            self.lines.push(self.current.clone());
        } else {
            self.finished = true;
        }
        Ok(())
    }

    /// UTF-8: reads straight into the chunk and checks it there. A character split by the end of
    /// a read waits for the next chunk.
    fn validate_into(&mut self, chunk: &mut Vec<u8>) -> io::Result<usize> {
        chunk.resize(CHUNK, 0);
        let carried = self.carry.len();
        chunk[..carried].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut filled = carried;
        let checked_from = self.raw_offset;
        loop {
            // A whole chunk, however little each read gives (a pipe): small chunks would each
            // cost a place in the index and a buffer of full capacity.
            while !self.eof && filled < CHUNK {
                let n = self.read_source(&mut chunk[filled..])?;
                self.eof = n == 0;
                filled += n;
            }
            // encoding_rs's check is several times faster than `str::from_utf8` on Cyrillic text.
            let good = Encoding::utf8_valid_up_to(&chunk[..filled]);
            if good == filled {
                self.raw_offset = checked_from + filled as u64;
                self.finished = self.eof;
                return Ok(filled);
            }
            match std::str::from_utf8(&chunk[good..filled]).map_err(|e| e.error_len()) {
                // A character cut by the read: the rest comes with the next read.
                Err(None) if !self.eof => {
                    if good == 0 && filled < CHUNK {
                        continue;
                    }
                    self.carry.extend_from_slice(&chunk[good..filled]);
                    self.raw_offset = checked_from + good as u64;
                    return Ok(good);
                }
                bad => {
                    let bad_len = match bad {
                        Err(Some(n)) => n,
                        _ => filled - good,
                    };
                    let failure = DecodeFailure {
                        raw_offset: checked_from + good as u64,
                        encoding: self.encoding.name(),
                        bytes: chunk[good..good + bad_len].to_vec(),
                    };
                    self.raw_offset = checked_from + good as u64;
                    return self.fail_after(good, failure);
                }
            }
        }
    }

    /// Any other encoding: decodes raw input into the chunk.
    fn decode_into(&mut self, chunk: &mut Vec<u8>) -> io::Result<usize> {
        // Room for a whole raw buffer's worth: a byte of a single-byte encoding is at most three
        // bytes of UTF-8.
        chunk.resize(CHUNK, 0);
        if self.raw.is_empty() {
            self.raw = vec![0; CHUNK / 4].into_boxed_slice();
        }
        let mut written = 0;
        loop {
            if self.raw_start == self.raw_end && !self.eof {
                let mut raw = std::mem::take(&mut self.raw);
                let n = self.read_source(&mut raw);
                self.raw = raw;
                self.raw_start = 0;
                self.raw_end = n?;
                self.eof = self.raw_end == 0;
            }
            let decoder = self.decoder.as_mut().expect("decode_into is only called with a decoder");
            let src = &self.raw[self.raw_start..self.raw_end];
            let (result, read, n) = decoder.decode_to_utf8_without_replacement(src, &mut chunk[written..], self.eof);
            self.raw_start += read;
            self.raw_offset += read as u64;
            written += n;
            match result {
                DecoderResult::InputEmpty if self.eof => {
                    // The decoder is done: it must not be called again.
                    self.finished = true;
                    return Ok(written);
                }
                DecoderResult::InputEmpty if written >= CHUNK / 2 => return Ok(written),
                DecoderResult::InputEmpty => {}
                DecoderResult::OutputFull => return Ok(written),
                DecoderResult::Malformed(bad, extra) => {
                    let bad_end = self.raw_offset - u64::from(extra);
                    let bad_start = bad_end - u64::from(bad);
                    let from = self.raw_start.saturating_sub(usize::from(bad) + usize::from(extra));
                    let to = self.raw_start.saturating_sub(usize::from(extra));
                    let failure = DecodeFailure {
                        raw_offset: bad_start,
                        encoding: self.encoding.name(),
                        bytes: self.raw[from..to].to_vec(),
                    };
                    return self.fail_after(written, failure);
                }
            }
        }
    }

    /// The good text before a bad byte is handed out first; the error comes once it is consumed.
    fn fail_after(&mut self, good: usize, failure: DecodeFailure) -> io::Result<usize> {
        self.finished = true;
        if good > 0 {
            self.pending_error = Some(failure);
            return Ok(good);
        }
        Err(io::Error::new(io::ErrorKind::InvalidData, failure))
    }
}

impl BufRead for TextReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.consumed == self.current.len() {
            if let Some(failure) = self.pending_error.take() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, failure));
            }
            if !self.finished {
                self.next_chunk()?;
            }
        }
        Ok(&self.current[self.consumed..])
    }

    fn consume(&mut self, amount: usize) {
        self.consumed = (self.consumed + amount).min(self.current.len());
    }
}

impl Read for TextReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Shared view of the recent decoded text, for turning offsets into line:column.
///
/// Keeps only the last few chunks (bounded memory). Lines are counted once per chunk as it
/// comes; a column only when a message asks for a position.
#[derive(Clone, Default)]
pub struct LineIndex(Arc<Mutex<LineHistory>>);

#[derive(Default)]
struct LineHistory {
    chunks: VecDeque<Chunk>,
    retained: usize,
    /// Line (1-based) and column (0-based chars) at the end of all text seen.
    end_line: u64,
    end_col: u64,
    end_offset: u64,
    /// The last position computed: a later offset in the same chunk is counted on from there
    /// rather than from the chunk's start (readers ask for every row's line, in order).
    cursor: Option<Cursor>,
    /// Buffers of chunks no longer retained, for the reader to fill again.
    spare: Vec<Vec<u8>>,
}

#[derive(Clone, Copy)]
struct Cursor {
    chunk_start: u64,
    offset: u64,
    line: u64,
    /// 0-based, in characters.
    col: u64,
}

struct Chunk {
    start: u64,
    line: u64,
    col: u64,
    bytes: Arc<Vec<u8>>,
}

impl LineIndex {
    fn lock(&self) -> std::sync::MutexGuard<'_, LineHistory> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn push(&self, bytes: Arc<Vec<u8>>) {
        let mut h = self.lock();
        if h.end_line == 0 {
            h.end_line = 1;
        }
        let (start, line, col) = (h.end_offset, h.end_line, h.end_col);
        let newlines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
        let tail_chars = match memchr::memrchr(b'\n', &bytes) {
            Some(p) => chars_in(&bytes[p + 1..]),
            None => col + chars_in(&bytes),
        };
        h.end_line += newlines;
        h.end_col = tail_chars;
        h.end_offset += bytes.len() as u64;
        // Counted by capacity: that is what the retained buffers hold.
        h.retained += bytes.capacity();
        h.chunks.push_back(Chunk { start, line, col, bytes });
        while h.retained > RETAIN_BYTES && h.chunks.len() > 2 {
            if let Some(old) = h.chunks.pop_front() {
                h.retained -= old.bytes.capacity();
                if h.cursor.is_some_and(|c| c.chunk_start == old.start) {
                    h.cursor = None;
                }
                if let Ok(buffer) = Arc::try_unwrap(old.bytes) {
                    if h.spare.len() < 2 {
                        h.spare.push(buffer);
                    }
                }
            }
        }
    }

    /// A buffer for the next chunk: one of an old chunk when there is one.
    fn spare_buffer(&self) -> Vec<u8> {
        self.lock().spare.pop().unwrap_or_else(|| Vec::with_capacity(CHUNK))
    }

    /// Line and column (1-based) of a byte offset in the decoded text, if still retained.
    pub fn line_col(&self, offset: u64) -> Option<(u64, u64)> {
        let mut h = self.lock();
        if offset >= h.end_offset {
            return (offset == h.end_offset).then_some((h.end_line.max(1), h.end_col + 1));
        }
        let cursor = h.cursor;
        let chunk = h.chunks.iter().rev().find(|c| c.start <= offset)?;
        let chunk_start = chunk.start;
        let (from, line, col) = match cursor {
            Some(c) if c.chunk_start == chunk.start && c.offset <= offset => (c.offset, c.line, c.col),
            _ => (chunk.start, chunk.line, chunk.col),
        };
        let within = &chunk.bytes[(from - chunk.start) as usize..(offset - chunk.start) as usize];
        let newlines = within.iter().filter(|&&b| b == b'\n').count() as u64;
        let col = match within.iter().rposition(|&b| b == b'\n') {
            Some(p) => chars_in(&within[p + 1..]),
            None => col + chars_in(within),
        };
        let line = line + newlines;
        h.cursor = Some(Cursor { chunk_start, offset, line, col });
        Some((line, col + 1))
    }

    /// The byte at an offset in the decoded text, if it has been read and is still retained.
    pub fn byte_at(&self, offset: u64) -> Option<u8> {
        let h = self.lock();
        let chunk = h.chunks.iter().rev().find(|c| c.start <= offset)?;
        chunk.bytes.get((offset - chunk.start) as usize).copied()
    }

    pub fn position_at(&self, file: &Arc<str>, offset: u64) -> Position {
        let mut pos = Position::in_file(file);
        match self.line_col(offset) {
            Some((line, column)) => {
                pos.line = Some(line);
                pos.column = Some(column);
            }
            None => pos.byte = Some(offset),
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1251;

    /// A source that hands out a few bytes per read, so characters are cut between reads and
    /// between chunks.
    struct Trickle(Vec<u8>, usize, usize);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = (1 + self.1 % 5).min(buf.len()).min(self.0.len() - self.2);
            self.1 += 1;
            buf[..n].copy_from_slice(&self.0[self.2..self.2 + n]);
            self.2 += n;
            Ok(n)
        }
    }

    fn read_all(bytes: Vec<u8>, encoding: &'static Encoding) -> io::Result<String> {
        let mut reader = TextReader::new(Box::new(Trickle(bytes, 0, 0)), encoding, 0);
        let mut text = String::new();
        reader.read_to_string(&mut text)?;
        Ok(text)
    }

    fn long_text() -> String {
        // Longer than several chunks, with two- and three-byte characters at every offset.
        (0..40_000).map(|i| format!("Гречка№{i}€ ")).collect()
    }

    #[test]
    fn characters_cut_by_reads_and_chunks_come_through_whole() {
        let text = long_text();
        assert!(text.len() > 3 * CHUNK);
        assert_eq!(read_all(text.clone().into_bytes(), UTF_8).unwrap(), text);
        let plain = text.replace('€', "e");
        let (cp1251, _, lossy) = WINDOWS_1251.encode(&plain);
        assert!(!lossy);
        assert_eq!(read_all(cp1251.into_owned(), WINDOWS_1251).unwrap(), plain);
    }

    #[test]
    fn a_bad_byte_far_in_is_an_error_at_its_offset_after_the_good_text() {
        let mut bytes = long_text().into_bytes();
        let at = bytes.len() - 7;
        bytes.insert(at, 0xFF);
        let err = read_all(bytes.clone(), UTF_8).unwrap_err();
        assert_eq!(decode_failure(&err).map(|f| f.raw_offset), Some(at as u64));
        // A file cut inside a character is an error too, not a dropped tail.
        let mut cut = long_text().into_bytes();
        cut.extend_from_slice(&"Ж".as_bytes()[..1]);
        let err = read_all(cut.clone(), UTF_8).unwrap_err();
        assert_eq!(decode_failure(&err).map(|f| f.raw_offset), Some(cut.len() as u64 - 1));
    }

    #[test]
    fn the_index_keeps_positions_of_recent_text_and_recycles_old_chunks() {
        let text = long_text();
        // Read a few bytes at a time, as from a pipe: chunks are still whole.
        let mut reader = TextReader::new(Box::new(Trickle(text.clone().into_bytes(), 0, 0)), UTF_8, 0);
        let mut sink = String::new();
        reader.read_to_string(&mut sink).unwrap();
        let lines = TextReader::lines(&reader).clone();
        let end = text.len() as u64;
        assert_eq!(lines.line_col(end), Some((1, text.chars().count() as u64 + 1)));
        assert_eq!(lines.line_col(end - 1), Some((1, text.chars().count() as u64)));
        assert_eq!(lines.line_col(0), None, "the start is no longer retained");
        let history = lines.lock();
        assert!(history.retained <= RETAIN_BYTES + CHUNK, "{}", history.retained);
        assert!(history.chunks.len() <= RETAIN_BYTES / CHUNK + 1, "{} chunks", history.chunks.len());
    }
}
