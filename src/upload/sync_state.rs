//! What was last uploaded where: per target (base URL + organization), per external id, the
//! fingerprint (SHA-256 of the item JSON as sent) and the id the service gave the item. The
//! per-item upload sends only items whose fingerprint changed.
//!
//! The file is small JSON, rewritten whole through a temporary file and a rename, so a crash
//! leaves either the old state or the new one. It holds no credentials.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Error, Result};
use crate::tr;

const FORMAT: &str = "kassa-bridge-sync-state";
const VERSION: u32 = 1;

/// What is remembered of one uploaded item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub fingerprint: String,
    /// The service's id of the item (Bifit's nomenclature id), when known.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub id: serde_json::Value,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub folder: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    format: String,
    version: u32,
    /// Target key → external id → what was sent.
    targets: BTreeMap<String, BTreeMap<String, Remembered>>,
}

/// The state file, loaded.
#[derive(Debug)]
pub struct SyncState {
    path: PathBuf,
    file: StateFile,
    dirty: bool,
}

/// The key of one target: the base URL (without a trailing `/`) and the organization.
pub fn target_key(base_url: &str, organization: &str) -> String {
    format!("{} org={organization}", base_url.trim_end_matches('/'))
}

/// Hex SHA-256.
pub fn fingerprint(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl SyncState {
    /// Reads the state file; a missing file is an empty state.
    pub fn load(path: &Path) -> Result<Self> {
        let file = match std::fs::read(path) {
            Ok(bytes) => {
                let file: StateFile = serde_json::from_slice(&bytes).map_err(|e| {
                    Error::Config(tr!(
                        "upload-sync-state-unreadable",
                        path = path.display().to_string(),
                        error = e.to_string()
                    ))
                })?;
                if file.format != FORMAT || file.version != VERSION {
                    return Err(Error::Config(tr!(
                        "upload-sync-state-version",
                        path = path.display().to_string(),
                        format = format!("{:?}", file.format),
                        version = file.version.to_string(),
                        expected_format = format!("{FORMAT:?}"),
                        expected_version = VERSION.to_string()
                    )));
                }
                file
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                StateFile { format: FORMAT.into(), version: VERSION, targets: BTreeMap::new() }
            }
            Err(e) => return Err(crate::Error::io(path, e).into()),
        };
        Ok(SyncState { path: path.to_path_buf(), file, dirty: false })
    }

    /// An empty state that will be written to `path`.
    pub fn empty(path: &Path) -> Self {
        SyncState {
            path: path.to_path_buf(),
            file: StateFile { format: FORMAT.into(), version: VERSION, targets: BTreeMap::new() },
            dirty: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, target: &str, external_id: &str) -> Option<&Remembered> {
        self.file.targets.get(target)?.get(external_id)
    }

    pub fn set(&mut self, target: &str, external_id: &str, remembered: Remembered) {
        let items = self.file.targets.entry(target.to_string()).or_default();
        if items.get(external_id) != Some(&remembered) {
            items.insert(external_id.to_string(), remembered);
            self.dirty = true;
        }
    }

    pub fn forget(&mut self, target: &str, external_id: &str) {
        if let Some(items) = self.file.targets.get_mut(target) {
            if items.remove(external_id).is_some() {
                self.dirty = true;
            }
        }
    }

    /// How many items are remembered for a target.
    pub fn len(&self, target: &str) -> usize {
        self.file.targets.get(target).map_or(0, BTreeMap::len)
    }

    pub fn is_empty(&self, target: &str) -> bool {
        self.len(target) == 0
    }

    /// Writes the file if anything changed (temporary file, then rename).
    pub fn save(&mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        }
        let file = crate::output::AtomicFile::create(&self.path)?;
        {
            let mut out = file.writer()?;
            serde_json::to_writer_pretty(&mut out, &self.file)
                .map_err(|e| crate::Error::io(&self.path, std::io::Error::other(e)))?;
            std::io::Write::write_all(&mut out, b"\n").map_err(|e| crate::Error::io(&self.path, e))?;
            std::io::Write::flush(&mut out).map_err(|e| crate::Error::io(&self.path, e))?;
        }
        file.commit()?;
        self.dirty = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("state.json");
        let mut state = SyncState::load(&path).unwrap();
        let key = target_key("http://x/v1/", "org");
        assert_eq!(key, "http://x/v1 org=org");
        state.set(&key, "A", Remembered { fingerprint: fingerprint(b"a"), id: 5.into(), folder: false });
        state.save().unwrap();
        let again = SyncState::load(&path).unwrap();
        assert_eq!(again.get(&key, "A").unwrap().id, serde_json::json!(5));
        assert_eq!(again.len(&key), 1);
        std::fs::write(&path, "{").unwrap();
        assert!(SyncState::load(&path).is_err());
    }
}
