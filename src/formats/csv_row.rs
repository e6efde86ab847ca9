//! Writing one `;`-separated row at a time into a buffer that is reused for every row, with the
//! quoting rules of the csv crate (a field is quoted only when it must be).

use std::borrow::Cow;

use csv_core::{QuoteStyle, Terminator, WriteResult, Writer, WriterBuilder};

use crate::error::{Error, Result};

pub struct CsvRow {
    core: Writer,
    buf: Vec<u8>,
    len: usize,
}

impl CsvRow {
    pub fn new(delimiter: u8) -> Self {
        let core = WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(Terminator::CRLF)
            .quote_style(QuoteStyle::Necessary)
            .build();
        CsvRow { core, buf: vec![0; 1024], len: 0 }
    }

    /// The row of these fields, with its line end.
    pub fn format<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> Result<&str> {
        self.len = 0;
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.write_with(|core, out| core.delimiter(out));
            }
            let mut input = field.as_bytes();
            loop {
                self.room();
                let (result, read, written) = self.core.field(input, &mut self.buf[self.len..]);
                input = &input[read..];
                self.len += written;
                if result == WriteResult::InputEmpty {
                    break;
                }
            }
        }
        self.write_with(|core, out| core.terminator(out));
        // The fields are text and the writer adds only ASCII quotes and separators (encoding_rs
        // checks Cyrillic several times faster than `str::from_utf8`).
        match encoding_rs::UTF_8.decode_without_bom_handling_and_without_replacement(&self.buf[..self.len]) {
            Some(Cow::Borrowed(text)) => Ok(text),
            _ => Err(Error::usage(crate::msg!("fmt-csv-row-not-utf8"))),
        }
    }

    fn room(&mut self) {
        if self.buf.len() - self.len < 64 {
            self.buf.resize(self.buf.len() * 2, 0);
        }
    }

    fn write_with(&mut self, mut step: impl FnMut(&mut Writer, &mut [u8]) -> (WriteResult, usize)) {
        loop {
            self.room();
            let (result, written) = step(&mut self.core, &mut self.buf[self.len..]);
            self.len += written;
            if result == WriteResult::InputEmpty {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it_and_grows_for_long_fields() {
        let mut row = CsvRow::new(b';');
        assert_eq!(row.format(["a", "б;в", "", "say \"hi\""]).unwrap(), "a;\"б;в\";;\"say \"\"hi\"\"\"\r\n");
        let long = "я".repeat(5000);
        assert_eq!(row.format([long.as_str(), "x"]).unwrap(), format!("{long};x\r\n"));
    }
}
