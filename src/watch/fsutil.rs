//! File operations of the watcher: moves that survive crossing disks, unique names with time
//! stamps, folder syncs, content hashes.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The time stamp put in names in `done/` and `error/` (and in outputs whose plain name was taken
/// by another input): local time, `20250301-101500`.
pub fn timestamp() -> String {
    chrono::Local::now().format("%Y%m%d-%H%M%S").to_string()
}

/// `goods.xml` → `("goods", ".xml")`; `README` → `("README", "")`; `.x` stays whole.
pub fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// A name in `dir` that does not exist yet: `stem.<time stamp>[.marker].ext`, then `-2`, `-3` …
pub fn stamped_name(dir: &Path, name: &str, marker: Option<&str>) -> PathBuf {
    let (stem, ext) = split_ext(name);
    let stamp = timestamp();
    let marker = marker.map(|m| format!(".{m}")).unwrap_or_default();
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let candidate = dir.join(format!("{stem}.{stamp}{suffix}{marker}{ext}"));
        if fs::symlink_metadata(&candidate).is_err() {
            return candidate;
        }
        n += 1;
    }
}

/// True when something (a file, a folder, a dangling link) has this name.
pub fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Renames `from` to `to`; across disks (a processing folder elsewhere than the inbox), copies to
/// a hidden temporary name beside `to`, syncs, renames, and removes `from`.
pub fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            let dir = to.parent().unwrap_or(Path::new("."));
            let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let mut temp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".partial").tempfile_in(dir)?;
            io::copy(&mut File::open(from)?, temp.as_file_mut())?;
            temp.as_file().sync_all()?;
            temp.persist(to).map_err(|e| e.error)?;
            sync_dir(dir);
            fs::remove_file(from)
        }
        Err(e) => Err(e),
    }
}

/// Syncs a folder so that renames into it survive a power loss (a no-op where folders cannot be
/// opened, e.g. on Windows).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The SHA-256 of a file's content, hex, read in 64 KiB blocks.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// The SHA-256 of several hashes with their roles (the key of a job of several files).
pub fn sha256_of(parts: &[(&str, &str)]) -> String {
    let mut hasher = Sha256::new();
    for (role, hash) in parts {
        hasher.update(role.as_bytes());
        hasher.update(b":");
        hasher.update(hash.as_bytes());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes the (empty) flag files that tell a consumer its outputs are in place; the first that
/// cannot be made is returned with its error.
pub fn make_flags<'a>(flags: impl IntoIterator<Item = &'a Path>) -> Result<(), (&'a Path, io::Error)> {
    for flag in flags {
        fs::write(flag, b"").map_err(|e| (flag, e))?;
    }
    Ok(())
}

/// Writes a small file whole or not at all (temporary name, sync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    let file = crate::output::AtomicFile::create(path)?;
    let mut w = file.writer()?;
    w.write_all(bytes).and_then(|()| w.flush()).map_err(|e| crate::Error::io(path, e))?;
    drop(w);
    file.commit()?;
    Ok(())
}

/// Removes the hidden temporary files our writers leave when killed (`.NAME.XXXXXX.partial`) in a
/// folder the watcher owns alone (`processing/`, `done/`, `error/`). Returns how many.
pub fn remove_partials(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".partial") && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Removes the staging file of one output and the temporary files of its writer.
pub fn remove_staging(staging: &Path) -> usize {
    let Some(dir) = staging.parent() else { return 0 };
    let Some(name) = staging.file_name().map(|n| n.to_string_lossy().into_owned()) else { return 0 };
    let temp_prefix = format!(".{name}.");
    let mut removed = 0;
    if fs::remove_file(staging).is_ok() {
        removed += 1;
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n.starts_with(&temp_prefix) && n.ends_with(".partial") && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(split_ext("goods.xml"), ("goods", ".xml"));
        assert_eq!(split_ext("a.b.txt"), ("a.b", ".txt"));
        assert_eq!(split_ext("README"), ("README", ""));
        let dir = tempfile::tempdir().unwrap();
        let a = stamped_name(dir.path(), "goods.xml", None);
        fs::write(&a, "x").unwrap();
        let b = stamped_name(dir.path(), "goods.xml", None);
        assert_ne!(a, b);
        assert!(b.to_string_lossy().ends_with("-2.xml"), "{}", b.display());
        let r = stamped_name(dir.path(), "goods.xml", Some("repeat"));
        assert!(r.to_string_lossy().ends_with(".repeat.xml"));
    }

    #[test]
    fn hashes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        fs::write(&p, "abc").unwrap();
        assert_eq!(sha256_file(&p).unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
