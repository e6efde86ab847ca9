//! Parts of a CommerceML document written ahead of their place: `Товар` and `Предложение`
//! elements go to temporary files while the records stream in, and are copied into the document
//! at `finish`, after the `Классификатор` (which must come first and is only complete then).
//! Memory holds no goods and no offers, however big the catalogue.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::formats::xml::XmlOut;

/// A writer that an `XmlOut` and the code copying raw bytes into the same output share.
pub(super) struct Shared<W>(Rc<RefCell<W>>);

impl<W> Shared<W> {
    pub fn new(inner: W) -> Self {
        Shared(Rc::new(RefCell::new(inner)))
    }
}

impl<W> Clone for Shared<W> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<W: Write> Write for Shared<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.borrow_mut().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

fn spool_error(e: io::Error) -> Error {
    Error::io(std::env::temp_dir(), io::Error::new(e.kind(), crate::tr!("cml-spool-failed", error = e.to_string())))
}

/// Elements written to a temporary file at the depth they take in the document (so that the
/// indentation is the document's), to be copied into it later.
pub(super) struct Spool {
    pub xml: XmlOut<Shared<BufWriter<File>>>,
    file: Shared<BufWriter<File>>,
    /// Where the elements start: after the start tags that set the depth, which are not copied.
    start: u64,
}

impl Spool {
    /// A spool for the children of `path` (the elements around them, outermost first).
    pub fn new(path: &[&str]) -> Result<Self> {
        let file = Shared::new(BufWriter::new(tempfile::tempfile().map_err(spool_error)?));
        let mut xml = XmlOut::new(file.clone());
        for name in path {
            xml.start(name, &[]).map_err(spool_error)?;
        }
        let start = Self::end(&file).map_err(spool_error)?;
        Ok(Spool { xml, file, start })
    }

    fn end(file: &Shared<BufWriter<File>>) -> io::Result<u64> {
        let mut file = file.0.borrow_mut();
        file.flush()?;
        file.get_mut().stream_position()
    }

    /// Whether nothing was written to it yet.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(Self::end(&self.file).map_err(spool_error)? == self.start)
    }

    /// Copies the elements written into `out`, which must be at the same depth.
    pub fn copy_into(&self, out: &mut dyn Write) -> Result<()> {
        let mut file = self.file.0.borrow_mut();
        file.flush().map_err(spool_error)?;
        let file = file.get_mut();
        file.seek(SeekFrom::Start(self.start)).map_err(spool_error)?;
        io::copy(file, out).map_err(Error::output)?;
        Ok(())
    }
}
