//! Output files appear whole or not at all: written to a temporary name in the target folder,
//! flushed to disk, then renamed over the target. A failed conversion leaves nothing behind.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// A file being written under a temporary name next to its destination.
pub struct AtomicFile {
    temp: NamedTempFile,
    dest: PathBuf,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<Self> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let stem = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // A dot prefix and `.partial` suffix: drop-folder watchers (ours included) ignore these.
        let prefix = format!(".{stem}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        // tempfile creates 0600 files; an output is an ordinary file others (the till's upload
        // job, a Samba share) must read. Keep the permissions of a file being replaced.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dest).map(|m| m.permissions().mode() & 0o777).unwrap_or(0o644);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let temp = builder.tempfile_in(&dir).map_err(|e| Error::io(dest, e))?;
        Ok(AtomicFile { temp, dest: dest.to_path_buf() })
    }

    /// A buffered writer into the temporary file (it shares the file with `self`).
    pub fn writer(&self) -> Result<BufWriter<File>> {
        let file = self.temp.as_file().try_clone().map_err(|e| Error::io(&self.dest, e))?;
        Ok(BufWriter::with_capacity(256 * 1024, file))
    }

    /// Syncs the data to disk and renames the file into place.
    pub fn commit(self) -> Result<PathBuf> {
        self.temp.as_file().sync_all().map_err(|e| Error::io(&self.dest, e))?;
        let dest = self.dest.clone();
        self.temp.persist(&dest).map_err(|e| Error::io(&dest, e.error))?;
        Ok(dest)
    }
}

/// Where converted data goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    Stdout,
    File(PathBuf),
}

/// `stdout` with the buffering a conversion wants.
pub fn stdout_writer() -> Box<dyn Write> {
    Box::new(BufWriter::with_capacity(64 * 1024, io::stdout().lock()))
}

/// Text output in a chosen encoding (Windows-1251 for 1C-side files): characters the encoding
/// lacks are written as `?` and reported as a warning naming the record, never silently.
pub struct EncodedText {
    out: Box<dyn Write>,
    encoding: &'static encoding_rs::Encoding,
}

impl EncodedText {
    /// `label` is a WHATWG encoding label; `default` is used when it is `None`.
    pub fn new(out: Box<dyn Write>, label: Option<&str>, default: &str) -> Result<Self> {
        let label = label.unwrap_or(default);
        let encoding = crate::text::encoding_for_label(label)
            .ok_or_else(|| Error::usage(format!("unknown encoding {label:?}: expected e.g. windows-1251 or utf-8")))?;
        Ok(EncodedText { out, encoding })
    }

    pub fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }

    /// Writes `text` (a whole line or row, with its line end); `subject` names the record.
    pub fn write(&mut self, text: &str, subject: &str, diag: &mut crate::diagnostics::Diagnostics) -> Result<()> {
        let (bytes, lost) = crate::text::encode_text(text, self.encoding);
        if !lost.is_empty() {
            let chars: Vec<String> = lost.iter().map(|c| format!("{c:?} (U+{:04X})", *c as u32)).collect();
            diag.warn(crate::diagnostics::Warning::new(
                "unencodable-character",
                format!(
                    "{subject}: {} cannot be written in {}; written as ? (--encoding utf-8 keeps them)",
                    chars.join(", "),
                    self.encoding.name()
                ),
            ))?;
        }
        self.out.write_all(&bytes).map_err(|e| Error::io("<output>", e))
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io("<output>", e))
    }
}
