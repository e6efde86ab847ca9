//! One watcher per data folder: `DATA/watch.lock`, held with an OS file lock for as long as the
//! watcher runs, with the holder's pid written in it for the message a second watcher prints (on
//! Windows, where locks are mandatory, the lock is on a byte beyond the pid, which stays readable).
//!
//! Two watchers on one data folder would delete each other's staging files and journal false
//! "vanished" entries. The OS releases the lock when its process ends in any way (a crash, a kill
//! or a power cut included), so a lock is never stale: a pid left in a file nobody locks belongs
//! to a process that ended without a clean stop, and the next watcher takes the file over.
//!
//! The file itself is never removed: a watcher that removed it on exit could let two later ones
//! lock two different files of the same name. A clean stop empties it instead.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::tr;

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "watch.lock";

/// The data folder's lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct DataLock {
    file: File,
    path: PathBuf,
}

impl DataLock {
    /// Takes the lock of `data_dir` (made when missing). Another running watcher is an
    /// [`crate::ErrorKind::Io`] error on the lock file that names its pid.
    pub fn acquire(data_dir: &Path) -> Result<DataLock> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
        let path = data_dir.join(LOCK_FILE);
        let io = |e| Error::io(&path, e);
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        if !try_lock(&file).map_err(io)? {
            let holder = holder_pid(&mut file)
                .map_or_else(|| tr!("watch-lock-pid-unknown"), |pid| tr!("watch-lock-pid", pid = pid.to_string()));
            let message = tr!("watch-lock-busy", holder = holder, folder = data_dir.display().to_string());
            return Err(io(io::Error::new(io::ErrorKind::ResourceBusy, message)));
        }
        if let Some(pid) = holder_pid(&mut file).filter(|pid| *pid != std::process::id()) {
            tracing::info!(lock = %path.display(), pid, "{}", tr!("watch-lock-taken-over"));
        }
        let mine = format!("{}\n", std::process::id());
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(mine.as_bytes()))
            .and_then(|()| file.sync_data())
            .map_err(io)?;
        Ok(DataLock { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Who holds a data folder's lock now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Nobody,
    /// A running watcher, with the pid it wrote (`None` when it could not be read).
    Watcher(Option<u32>),
}

impl DataLock {
    /// Whether a watcher holds the lock of `data_dir` now, and its pid. Tells by trying the lock
    /// (released at once), so a pid left by a watcher that died is never taken for a live one.
    pub fn holder(data_dir: &Path) -> Result<Holder> {
        let path = data_dir.join(LOCK_FILE);
        let mut file = match OpenOptions::new().read(true).write(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Holder::Nobody),
            Err(e) => return Err(Error::io(&path, e)),
        };
        if try_lock(&file).map_err(|e| Error::io(&path, e))? {
            return Ok(Holder::Nobody);
        }
        Ok(Holder::Watcher(holder_pid(&mut file)))
    }
}

impl Drop for DataLock {
    /// A clean stop leaves an empty file, so the next start has nothing to take over.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

/// Takes the OS lock of the file without waiting: `false` when another process holds it.
#[cfg(not(windows))]
fn try_lock(file: &File) -> io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Windows locks are mandatory: a lock over the whole file would make the holder's pid unreadable
/// to the watcher it refuses. So one byte far beyond the pid is locked instead (Windows allows
/// locks past the end of a file); the OS releases it when the process ends, however it ends.
#[cfg(windows)]
fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Foundation::{ERROR_IO_PENDING, ERROR_LOCK_VIOLATION};
    use windows_sys::Win32::Storage::FileSystem::{LockFileEx, LOCKFILE_EXCLUSIVE_LOCK, LOCKFILE_FAIL_IMMEDIATELY};
    use windows_sys::Win32::System::IO::OVERLAPPED;
    let mut at = OVERLAPPED::default();
    // Offset 2^62.
    at.Anonymous.Anonymous.OffsetHigh = 0x4000_0000;
    // SAFETY: a valid handle of an open file and an OVERLAPPED that outlives the (synchronous) call.
    let ok = unsafe {
        LockFileEx(file.as_raw_handle(), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &mut at)
    };
    if ok != 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error().map(|c| c as u32) {
        Some(ERROR_LOCK_VIOLATION) | Some(ERROR_IO_PENDING) => Ok(false),
        _ => Err(error),
    }
}

/// The pid written in the lock file, if it holds one.
fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(64).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_first_holder_and_a_released_one_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataLock::acquire(dir.path()).unwrap();
        let text = std::fs::read_to_string(first.path()).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        let refused = DataLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(refused.contains(&format!("pid {}", std::process::id())), "{refused}");
        assert!(refused.contains("one watcher per data folder"), "{refused}");
        assert_eq!(DataLock::holder(dir.path()).unwrap(), Holder::Watcher(Some(std::process::id())));
        drop(first);
        assert_eq!(DataLock::holder(dir.path()).unwrap(), Holder::Nobody);
        assert_eq!(std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap(), "");
        // A pid left behind by a process that died holding no lock any more.
        std::fs::write(dir.path().join(LOCK_FILE), "999999\n").unwrap();
        let again = DataLock::acquire(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(again.path()).unwrap().trim(), std::process::id().to_string());
    }
}
