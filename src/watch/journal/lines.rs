//! An append-only JSON Lines file, each line synced before `append` returns: the storage of the
//! drop folder's journals (the routes' and the pulls'). A torn last line (power loss mid-write)
//! is skipped when the file is read back, and closed with a newline so the next line is whole.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};

/// A journal file open for appending.
pub struct JsonLines {
    path: PathBuf,
    file: File,
}

impl JsonLines {
    /// Opens (or creates) the file; returns it with every entry it holds and the number of lines
    /// that could not be read.
    pub fn open<T: DeserializeOwned>(path: &Path) -> Result<(JsonLines, Vec<T>, usize)> {
        let io = |e| Error::io(path, e);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(io)?;
        let (entries, skipped) = read_lines(&file, path)?;
        // A torn last line must not swallow the next record.
        let len = file.metadata().map_err(io)?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1)).map_err(io)?;
            file.read_exact(&mut last).map_err(io)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(io)?;
                file.sync_data().map_err(io)?;
            }
        } else if let Some(dir) = path.parent() {
            crate::watch::fsutil::sync_dir(dir);
        }
        Ok((JsonLines { path: path.to_path_buf(), file }, entries, skipped))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line and syncs it to disk before returning.
    pub fn append<T: Serialize>(&mut self, entry: &T) -> Result<()> {
        let mut line = serde_json::to_string(entry).map_err(|e| Error::io(&self.path, e.into()))?;
        line.push('\n');
        self.file.write_all(line.as_bytes()).map_err(|e| Error::io(&self.path, e))?;
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))
    }
}

/// Every readable entry of a journal file (a missing file is empty), and the number of lines
/// that could not be read.
pub fn read_all<T: DeserializeOwned>(path: &Path) -> Result<(Vec<T>, usize)> {
    match File::open(path) {
        Ok(f) => read_lines(&f, path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Vec::new(), 0)),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn read_lines<T: DeserializeOwned>(file: &File, path: &Path) -> Result<(Vec<T>, usize)> {
    let mut entries = Vec::new();
    let mut skipped = 0;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<T>(&line) {
            Ok(entry) => entries.push(entry),
            Err(_) => skipped += 1,
        }
    }
    Ok((entries, skipped))
}

/// Rewrites a journal file with `entries` through a temporary file, synced and renamed over it,
/// so a crash leaves the old file or the new one, never half.
pub fn rewrite<'a, T: Serialize + 'a>(path: &Path, entries: impl IntoIterator<Item = &'a T>) -> Result<()> {
    let file = crate::output::AtomicFile::create(path)?;
    let mut out = file.writer()?;
    for entry in entries {
        let mut line = serde_json::to_vec(entry).map_err(|e| Error::io(path, e.into()))?;
        line.push(b'\n');
        out.write_all(&line).map_err(|e| Error::io(path, e))?;
    }
    out.flush().map_err(|e| Error::io(path, e))?;
    drop(out);
    file.commit()?;
    if let Some(dir) = path.parent() {
        crate::watch::fsutil::sync_dir(dir);
    }
    Ok(())
}
