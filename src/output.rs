//! Where outputs go, and how they appear there.
//!
//! - An ordinary file appears whole or not at all: it is written to a hidden temporary name in
//!   the target folder (`.NAME.kb<pid>-XXXXXX.partial`), flushed to disk, then renamed over the
//!   target. A failed conversion leaves nothing behind; a killed one leaves the temporary file,
//!   which the next conversion into that folder removes once its process is gone.
//! - A symbolic link is followed: its target is replaced that way and the link stays.
//! - A device or a FIFO (`/dev/null`, a named pipe) is written straight into: it cannot be
//!   replaced, and replacing it by a regular file would break the system.
//! - Standard output is held in memory up to `STDOUT_HELD_BYTES`, so a small conversion that
//!   fails writes nothing there; a larger one streams.

use std::cell::RefCell;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Marks our temporary files, before the pid of the process writing them: `.NAME.kb1234-Xa9Qz1.partial`.
const TEMP_MARK: &str = "kb";
const TEMP_SUFFIX: &str = ".partial";
/// Where a process's liveness cannot be checked (no `/proc`), a temporary file this old is stale:
/// no conversion takes an hour without writing.
const STALE_TEMP_AGE: Duration = Duration::from_secs(60 * 60);
/// Symbolic links followed before giving up (the limit Linux uses).
const MAX_LINKS: usize = 40;

/// A file being written under a temporary name next to its destination.
pub struct AtomicFile {
    temp: NamedTempFile,
    dest: PathBuf,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<Self> {
        let dir = parent_folder(dest);
        let stem = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // A dot prefix and `.partial` suffix: drop-folder watchers (ours included) ignore these.
        // The pid says whose it is, so a later run can tell a killed run's file from a live one.
        let prefix = format!(".{stem}.{TEMP_MARK}{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TEMP_SUFFIX);
        // tempfile creates 0600 files; an output is an ordinary file others (the till's upload
        // job, a Samba share) must read. Keep the permissions of a file being replaced.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dest).map(|m| m.permissions().mode() & 0o777).unwrap_or(0o644);
            builder.permissions(fs::Permissions::from_mode(mode));
        }
        let temp = builder.tempfile_in(&dir).map_err(|e| Error::io(dest, e))?;
        Ok(AtomicFile { temp, dest: dest.to_path_buf() })
    }

    /// A buffered writer into the temporary file (it shares the file with `self`).
    pub fn writer(&self) -> Result<BufWriter<File>> {
        let file = self.temp.as_file().try_clone().map_err(|e| Error::io(&self.dest, e))?;
        Ok(BufWriter::with_capacity(256 * 1024, file))
    }

    /// Syncs the data to disk and renames the file into place (waiting a little for a program
    /// that holds the file being replaced open, see [`rename_over`]).
    pub fn commit(self) -> Result<PathBuf> {
        self.temp.as_file().sync_all().map_err(|e| Error::io(&self.dest, e))?;
        let dest = self.dest.clone();
        let mut temp = self.temp;
        let mut waits = IN_USE_WAITS.iter();
        loop {
            match temp.persist(&dest) {
                Ok(_) => return Ok(dest),
                Err(e) if is_replace_refused(&e.error) => match waits.next() {
                    Some(ms) => {
                        temp = e.file;
                        std::thread::sleep(Duration::from_millis(*ms));
                    }
                    None => return Err(Error::io(&dest, e.error)),
                },
                Err(e) => return Err(Error::io(&dest, e.error)),
            }
        }
    }
}

/// How long a replacement waits for another program to let go of the file it replaces, in steps
/// (milliseconds; about 3 s in all): long enough for a reader that is just finishing, short enough
/// not to hold up the next file.
const IN_USE_WAITS: [u64; 6] = [50, 100, 200, 400, 800, 1500];

/// True when an error says another program has the file open in a way that forbids what was
/// tried (moving it, opening it denying writers). Only Windows does that: a sharing or lock
/// violation. Elsewhere a rename always wins.
pub fn is_in_use(error: &io::Error) -> bool {
    #[cfg(windows)]
    {
        use windows_sys::Win32::Foundation::{ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION};
        matches!(error.raw_os_error().map(|c| c as u32), Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION))
    }
    #[cfg(not(windows))]
    {
        let _ = error;
        false
    }
}

/// True when a rename over an existing file was refused because another program holds that file
/// open: [`is_in_use`], or on Windows "access denied", what replacing a file opened without delete
/// sharing (Excel, Notepad, 1C reading it) gives.
pub fn is_replace_refused(error: &io::Error) -> bool {
    #[cfg(windows)]
    {
        use windows_sys::Win32::Foundation::ERROR_ACCESS_DENIED;
        is_in_use(error) || error.raw_os_error() == Some(ERROR_ACCESS_DENIED as i32)
    }
    #[cfg(not(windows))]
    {
        is_in_use(error)
    }
}

/// Renames `from` over `to`. While another program holds `to` (or `from`) open so that it cannot
/// be replaced (Windows), tries again for about 3 s; then the error is the caller's to handle.
pub fn rename_over(from: &Path, to: &Path) -> io::Result<()> {
    let mut waits = IN_USE_WAITS.iter();
    loop {
        match fs::rename(from, to) {
            Err(e) if is_replace_refused(&e) => match waits.next() {
                Some(ms) => std::thread::sleep(Duration::from_millis(*ms)),
                None => return Err(e),
            },
            done => return done,
        }
    }
}

/// Whether another program has the file open for writing now (Windows: opening it while denying
/// writers fails). A file still being written is not complete, however long its size has stood
/// still. Elsewhere this cannot be known cheaply: `false`.
pub fn is_open_for_writing(path: &Path) -> bool {
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::FILE_SHARE_READ;
        match OpenOptions::new().read(true).share_mode(FILE_SHARE_READ).open(path) {
            Ok(_) => false,
            Err(e) => is_in_use(&e),
        }
    }
    #[cfg(not(windows))]
    {
        let _ = path;
        false
    }
}

fn parent_folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The pid in one of our temporary file names (`.NAME.kb1234-XXXXXX.partial`), else `None`.
fn temp_file_owner(name: &str) -> Option<u32> {
    let body = name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let (_, tail) = body.rsplit_once('.')?;
    let (pid, random) = tail.strip_prefix(TEMP_MARK)?.split_once('-')?;
    let ours = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && !random.is_empty()
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    if ours {
        pid.parse().ok()
    } else {
        None
    }
}

/// Whether the process that wrote a temporary file is gone: `/proc/<pid>` on Linux, else (or
/// without `/proc`) the file's age.
fn owner_is_gone(pid: u32, path: &Path) -> bool {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    let age = fs::symlink_metadata(path).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
    age.is_some_and(|age| age > STALE_TEMP_AGE)
}

/// Removes the temporary files of our own naming in `dir` whose process is gone (a conversion
/// killed or aborted before it could clean up). Files of this process and names that are not
/// ours are left alone. Returns how many were removed.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_file_owner) else { continue };
        let path = entry.path();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if pid != me && is_file && owner_is_gone(pid, &path) && fs::remove_file(&path).is_ok() {
            tracing::debug!(file = %path.display(), pid, "removed the temporary file of a process that is gone");
            removed += 1;
        }
    }
    removed
}

/// The file a path names after following symbolic links (a dangling link names the file it
/// would create).
fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&current).map_err(|e| Error::io(&current, e))?;
                current = parent_folder(&current).join(target);
            }
            _ => return Ok(current),
        }
    }
    Err(Error::io(path, io::Error::other(crate::tr!("fmt-too-many-links", max = MAX_LINKS))))
}

/// A device, FIFO or socket: something to write into, never to replace.
#[cfg(unix)]
fn is_special(file_type: &fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    file_type.is_char_device() || file_type.is_block_device() || file_type.is_fifo() || file_type.is_socket()
}

#[cfg(not(unix))]
fn is_special(_: &fs::FileType) -> bool {
    false
}

/// An output file as `-o` names it (see the module comment for what each kind of path gets).
pub enum OutputFile {
    /// An ordinary file (or none yet), replaced atomically.
    Replaced { file: AtomicFile, named: PathBuf },
    /// A device or FIFO, written straight into.
    Direct { file: File, named: PathBuf },
}

impl OutputFile {
    pub fn open(named: &Path) -> Result<Self> {
        let target = follow_links(named)?;
        match fs::metadata(&target) {
            Ok(m) if m.is_dir() => Err(Error::io(named, io::Error::other(crate::tr!("fmt-output-is-folder")))),
            Ok(m) if is_special(&m.file_type()) => {
                let file = OpenOptions::new().write(true).open(&target).map_err(|e| Error::io(named, e))?;
                Ok(OutputFile::Direct { file, named: named.to_path_buf() })
            }
            _ => {
                remove_stale_temp_files(&parent_folder(&target));
                Ok(OutputFile::Replaced { file: AtomicFile::create(&target)?, named: named.to_path_buf() })
            }
        }
    }

    pub fn writer(&self) -> Result<BufWriter<File>> {
        match self {
            OutputFile::Replaced { file, .. } => file.writer(),
            OutputFile::Direct { file, named } => {
                let file = file.try_clone().map_err(|e| Error::io(named, e))?;
                Ok(BufWriter::with_capacity(64 * 1024, file))
            }
        }
    }

    /// Puts the output in place (a device or FIFO already has it); returns the path as named.
    pub fn commit(self) -> Result<PathBuf> {
        match self {
            OutputFile::Replaced { file, named } => file.commit().map(|_| named),
            OutputFile::Direct { named, .. } => Ok(named),
        }
    }
}

/// How much a conversion to standard output holds in memory before it starts writing: below
/// this, a conversion that fails writes nothing at all.
pub const STDOUT_HELD_BYTES: usize = 1024 * 1024;

/// Set once anything of a conversion reached standard output.
static STDOUT_WRITTEN: AtomicBool = AtomicBool::new(false);

/// Whether a conversion in this process has written to standard output (so after a failure,
/// standard output holds a partial document).
pub fn stdout_written() -> bool {
    STDOUT_WRITTEN.load(Ordering::Relaxed)
}

struct Held<W: Write> {
    out: W,
    held: Vec<u8>,
    limit: usize,
    streaming: bool,
    /// Told when the first bytes are written through.
    on_first_write: fn(),
}

impl<W: Write> Held<W> {
    fn start_streaming(&mut self) -> io::Result<()> {
        self.streaming = true;
        (self.on_first_write)();
        let held = std::mem::take(&mut self.held);
        self.out.write_all(&held)
    }
}

/// A writer that holds what it is given in memory until `limit` bytes, then streams. `release`
/// writes what is still held; dropping it without `release` discards that.
pub struct HeldOutput<W: Write> {
    state: Rc<RefCell<Held<W>>>,
}

impl<W: Write> HeldOutput<W> {
    pub fn new(out: W, limit: usize) -> Self {
        Self::with_hook(out, limit, || {})
    }

    fn with_hook(out: W, limit: usize, on_first_write: fn()) -> Self {
        let held = Held { out, held: Vec::new(), limit, streaming: false, on_first_write };
        HeldOutput { state: Rc::new(RefCell::new(held)) }
    }

    /// A handle to write through (given to a writer, which owns it).
    pub fn writer(&self) -> HeldWriter<W> {
        HeldWriter { state: self.state.clone() }
    }

    /// Writes out what is held and flushes: the conversion succeeded.
    pub fn release(self) -> io::Result<()> {
        let mut state = self.state.borrow_mut();
        if !state.streaming && !state.held.is_empty() {
            state.start_streaming()?;
        }
        state.out.flush()
    }
}

impl HeldOutput<BufWriter<io::Stdout>> {
    /// Standard output, held up to `STDOUT_HELD_BYTES`.
    pub fn stdout() -> Self {
        Self::with_hook(BufWriter::with_capacity(64 * 1024, io::stdout()), STDOUT_HELD_BYTES, || {
            STDOUT_WRITTEN.store(true, Ordering::Relaxed)
        })
    }
}

pub struct HeldWriter<W: Write> {
    state: Rc<RefCell<Held<W>>>,
}

impl<W: Write> Write for HeldWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self.state.borrow_mut();
        if state.streaming {
            return state.out.write(buf);
        }
        state.held.extend_from_slice(buf);
        if state.held.len() > state.limit {
            state.start_streaming()?;
        }
        Ok(buf.len())
    }

    /// Holding, a flush keeps the bytes: they go out on `release`.
    fn flush(&mut self) -> io::Result<()> {
        let mut state = self.state.borrow_mut();
        if state.streaming {
            state.out.flush()
        } else {
            Ok(())
        }
    }
}

/// Where converted data goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    Stdout,
    File(PathBuf),
}

/// Text output in a chosen encoding (Windows-1251 for 1C-side files): characters the encoding
/// lacks are written as `?` and reported as a warning naming the record, never silently.
pub struct EncodedText {
    out: Box<dyn Write>,
    encoding: &'static encoding_rs::Encoding,
    /// One record's encoded bytes, reused.
    encoded: Vec<u8>,
    lost: Vec<char>,
}

impl EncodedText {
    /// `label` is a WHATWG encoding label; `default` is used when it is `None`.
    pub fn new(out: Box<dyn Write>, label: Option<&str>, default: &str) -> Result<Self> {
        let label = label.unwrap_or(default);
        let encoding = crate::text::encoding_for_label(label)
            .ok_or_else(|| Error::usage(crate::msg!("fmt-unknown-output-encoding", label = format!("{label:?}"))))?;
        Ok(EncodedText { out, encoding, encoded: Vec::new(), lost: Vec::new() })
    }

    pub fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }

    /// Writes `text` (a whole line or row, with its line end); `subject` names the record.
    pub fn write(
        &mut self,
        text: &str,
        subject: &crate::i18n::Message,
        diag: &mut crate::diagnostics::Diagnostics,
    ) -> Result<()> {
        self.write_for(text, || subject.clone(), diag)
    }

    /// Like `write`, naming the record only when a warning needs it.
    pub fn write_for(
        &mut self,
        text: &str,
        subject: impl FnOnce() -> crate::i18n::Message,
        diag: &mut crate::diagnostics::Diagnostics,
    ) -> Result<()> {
        if self.encoding == encoding_rs::UTF_8 {
            return self.out.write_all(text.as_bytes()).map_err(Error::output);
        }
        crate::text::encode_into(self.encoding, text, &mut self.encoded, &mut self.lost);
        if !self.lost.is_empty() {
            let chars: Vec<String> = self.lost.iter().map(|c| format!("{c:?} (U+{:04X})", *c as u32)).collect();
            diag.warn(crate::diagnostics::Warning::new(
                crate::diagnostics::WarningKind::UnencodableCharacter,
                crate::msg!(
                    "fmt-unencodable",
                    subject = subject(),
                    chars = chars.join(", "),
                    encoding = self.encoding.name()
                ),
            ))?;
        }
        self.out.write_all(&self.encoded).map_err(Error::output)
    }

    /// Writes the lines of one record, `text[..ends[0]]`, `text[ends[0]..ends[1]]` …, encoded at
    /// once. Where a character cannot be encoded the lines are written one by one through
    /// `write`, so the warnings are those of writing each line on its own; `subject` is built
    /// only then.
    pub fn write_lines(
        &mut self,
        text: &str,
        ends: &[usize],
        subject: impl Fn() -> crate::i18n::Message,
        diag: &mut crate::diagnostics::Diagnostics,
    ) -> Result<()> {
        if self.encoding == encoding_rs::UTF_8 {
            return self.out.write_all(text.as_bytes()).map_err(Error::output);
        }
        let mut encoder = self.encoding.new_encoder();
        let need = encoder.max_buffer_length_from_utf8_without_replacement(text.len()).unwrap_or(text.len() * 4 + 16);
        self.encoded.clear();
        self.encoded.resize(need, 0);
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(text, &mut self.encoded, true);
        if result == encoding_rs::EncoderResult::InputEmpty && read == text.len() {
            return self.out.write_all(&self.encoded[..written]).map_err(Error::output);
        }
        let subject = subject();
        let mut start = 0;
        for &end in ends {
            let line =
                text.get(start..end).ok_or_else(|| Error::usage(crate::msg!("fmt-line-end-inside-character")))?;
            self.write(line, &subject, diag)?;
            start = end;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(Error::output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_temporary_names_carry_the_writers_pid() {
        assert_eq!(temp_file_owner(".goods.xml.kb1234-Ab9xYz.partial"), Some(1234));
        assert_eq!(temp_file_owner(".kb.json.kb7-a.partial"), Some(7));
        for foreign in [
            ".goods.xml.a1b2c3.partial",               // tempfile's own names, or another tool's
            ".goods.xml.0123456789ab.partial",         // the drop folder's staging files
            "goods.xml.kb1234-Ab9xYz.partial",         // not hidden
            ".goods.xml.kb1234-Ab9xYz.part",           // another suffix
            ".goods.xml.kbx1234-Ab9xYz.partial",       // no pid
            ".goods.xml.kb1234-.partial",              // no random part
            ".goods.xml.kb99999999999-Ab9xYz.partial", // beyond any pid
        ] {
            assert_eq!(temp_file_owner(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn output_is_held_until_released_and_streams_past_the_limit() {
        let sink = Rc::new(RefCell::new(Vec::new()));
        struct Shared(Rc<RefCell<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        // Failed: dropped without `release`, nothing reaches the output, flushes included.
        let held = HeldOutput::new(Shared(sink.clone()), 8);
        let mut w = held.writer();
        w.write_all(b"1234").unwrap();
        w.flush().unwrap();
        drop((w, held));
        assert!(sink.borrow().is_empty());

        // Succeeded: released whole.
        let held = HeldOutput::new(Shared(sink.clone()), 8);
        held.writer().write_all(b"1234").unwrap();
        assert!(sink.borrow().is_empty());
        held.release().unwrap();
        assert_eq!(sink.borrow().as_slice(), b"1234");

        // Past the limit everything so far goes out, and the rest streams.
        sink.borrow_mut().clear();
        let held = HeldOutput::new(Shared(sink.clone()), 8);
        let mut w = held.writer();
        w.write_all(b"12345").unwrap();
        w.write_all(b"6789").unwrap();
        assert_eq!(sink.borrow().as_slice(), b"123456789");
        w.write_all(b"0").unwrap();
        assert_eq!(sink.borrow().as_slice(), b"1234567890");
    }
}
