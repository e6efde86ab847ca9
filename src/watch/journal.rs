//! The journal: what happened to every file, append-only JSON Lines, synced after every line.
//!
//! A job is keyed by the SHA-256 of its content (of all its files for a package) and its
//! route. `started` is written after the file is claimed into `processing/` and before anything is
//! converted, and names the outputs the job will write; `done` is written only after every output
//! has been renamed into place. So after a crash, a file in `processing/` whose last record is
//! `started` is redone with the same output names (a redo replaces, never duplicates), and one
//! whose last record is `done` only needs its move to `done/`.
//!
//! Each conversion of a job journals its own `started` entry (a redo after a crash too), and an
//! outbox failure journals `blocked` with the job's key: so `started` entries with nothing after
//! them count the conversions the program did not survive (the dead-letter rule of
//! [`super::recover`]).
//!
//! A torn last line (power loss mid-write) is skipped when the journal is read back. Finished
//! jobs older than the retention are summarised at start ([`compact`]).

pub mod compact;
pub mod lines;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Local};
use serde::{Deserialize, Serialize};

use crate::error::Result;
pub use lines::JsonLines;

/// One input of a job: its name (in the inbox and in `processing/`) and its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRef {
    pub name: String,
    pub sha256: String,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// Claimed and hashed; about to write `outputs` (final paths).
    Started { outputs: Vec<PathBuf> },
    /// Every output is in place; the inputs go to `moved_to` in `done/`. `uploads` (the route's
    /// `upload = …` when it was converted) are queued until their `uploaded` entry.
    Done {
        outputs: Vec<PathBuf>,
        moved_to: Vec<PathBuf>,
        records: u64,
        warnings: u64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        uploads: Vec<UploadRef>,
    },
    /// The same content was converted before (at `of`): no output; the inputs go to `done/`.
    Repeat { of: String, moved_to: Vec<PathBuf> },
    /// The input is bad (or the conversion impossible): the inputs go to `error/`, the reason to
    /// `report`.
    Failed {
        error: String,
        /// What to do about it.
        advice: String,
        moved_to: Vec<PathBuf>,
        report: PathBuf,
    },
    /// An outbox (or done/error folder) failed; the input waits in `processing/` and is retried.
    /// The entry carries the job's key when it is known (the failure was not a crash).
    Blocked { error: String },
    /// The input disappeared from `processing/` before it was converted.
    Vanished {},
    /// The output of a `done` job was sent to `target`; it is never sent again.
    Uploaded { target: String, output: PathBuf, result: String },
    /// Sending it failed (`attempt` counts from 1); it stays queued.
    UploadFailed { target: String, output: PathBuf, error: String, attempt: u32 },
    /// What compaction removed from this route's journal: the entries of jobs finished before
    /// `before`, counted (one entry per route, replaced by the next compaction).
    Compacted { before: DateTime<Local>, counts: CompactedCounts },
}

/// The counts of the entries a compaction removed, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactedCounts {
    pub converted: u64,
    pub repeats: u64,
    pub failed: u64,
    pub vanished: u64,
    pub uploaded: u64,
}

/// An output queued for an upload by its `done` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRef {
    /// `kassatka`, `bifit-csv` or `bifit-api`.
    pub target: String,
    pub output: PathBuf,
}

/// An upload still to do: a `done` job's output without an `uploaded` entry for its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    pub route: String,
    pub key: String,
    pub inputs: Vec<InputRef>,
    pub target: String,
    pub output: PathBuf,
    /// Failed attempts so far.
    pub attempts: u32,
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::Started { .. } => "started",
            Event::Done { .. } => "done",
            Event::Repeat { .. } => "repeat",
            Event::Failed { .. } => "failed",
            Event::Blocked { .. } => "blocked",
            Event::Vanished {} => "vanished",
            Event::Uploaded { .. } => "uploaded",
            Event::UploadFailed { .. } => "upload-failed",
            Event::Compacted { .. } => "compacted",
        }
    }

    /// True for the events that end a job.
    pub fn is_final(&self) -> bool {
        matches!(self, Event::Done { .. } | Event::Repeat { .. } | Event::Failed { .. } | Event::Vanished {})
    }
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub at: DateTime<Local>,
    pub route: String,
    /// The job's key: the SHA-256 of its content (hex).
    pub key: String,
    pub inputs: Vec<InputRef>,
    #[serde(flatten)]
    pub event: Event,
}

impl Entry {
    pub fn new(route: &str, key: &str, inputs: &[InputRef], event: Event) -> Self {
        Entry { at: Local::now(), route: route.to_string(), key: key.to_string(), inputs: inputs.to_vec(), event }
    }
}

/// What the journal knows, rebuilt from it at start and kept up to date by `append`.
#[derive(Debug, Default)]
pub struct State {
    /// (route, key) → the `done` entry: the same content again is a repeat.
    done: HashMap<(String, String), Arc<Entry>>,
    /// (route, input name, sha256) → the last entry naming that input.
    by_input: HashMap<(String, String, String), Arc<Entry>>,
    /// Output path → the key of the job that wrote (or is writing) it.
    output_owner: HashMap<PathBuf, String>,
    /// (route, key) → the `started` entry of jobs not yet ended.
    open: HashMap<(String, String), Arc<Entry>>,
    /// The upload queue, oldest first.
    pending_uploads: Vec<PendingUpload>,
    /// (route, key, target) of every `uploaded` entry.
    uploaded: std::collections::HashSet<(String, String, String)>,
    /// (route, key) → `started` entries since the job's last entry of any other kind: the
    /// conversions the program did not survive (plus the one under way, if any).
    attempts: HashMap<(String, String), u32>,
}

impl State {
    fn apply(&mut self, entry: Entry) {
        let entry = Arc::new(entry);
        let job = (entry.route.clone(), entry.key.clone());
        match &entry.event {
            Event::Started { outputs } => {
                for o in outputs {
                    self.output_owner.insert(o.clone(), entry.key.clone());
                }
                self.open.insert(job.clone(), entry.clone());
                *self.attempts.entry(job.clone()).or_insert(0) += 1;
            }
            Event::Blocked { .. } => {
                // Stopped by the environment, not by a crash: the attempts start again.
                self.attempts.remove(&job);
            }
            // A summary: nothing about any job.
            Event::Compacted { .. } => return,
            Event::Done { outputs, uploads, .. } => {
                for o in outputs {
                    self.output_owner.insert(o.clone(), entry.key.clone());
                }
                self.done.insert(job.clone(), entry.clone());
                for u in uploads {
                    let id = (entry.route.clone(), entry.key.clone(), u.target.clone());
                    if self.uploaded.contains(&id) {
                        continue;
                    }
                    self.pending_uploads.retain(|p| !(p.route == id.0 && p.key == id.1 && p.target == id.2));
                    self.pending_uploads.push(PendingUpload {
                        route: entry.route.clone(),
                        key: entry.key.clone(),
                        inputs: entry.inputs.clone(),
                        target: u.target.clone(),
                        output: u.output.clone(),
                        attempts: 0,
                    });
                }
            }
            Event::Uploaded { target, .. } => {
                self.pending_uploads.retain(|p| !(p.route == entry.route && p.key == entry.key && &p.target == target));
                self.uploaded.insert((entry.route.clone(), entry.key.clone(), target.clone()));
                // Upload entries say nothing about the input's place (recovery reads those).
                return;
            }
            Event::UploadFailed { target, attempt, .. } => {
                if let Some(p) = self
                    .pending_uploads
                    .iter_mut()
                    .find(|p| p.route == entry.route && p.key == entry.key && &p.target == target)
                {
                    p.attempts = p.attempts.max(*attempt);
                }
                return;
            }
            _ => {}
        }
        if entry.event.is_final() {
            self.open.remove(&job);
            self.attempts.remove(&job);
        }
        if !matches!(entry.event, Event::Blocked { .. }) {
            for input in &entry.inputs {
                self.by_input.insert((entry.route.clone(), input.name.clone(), input.sha256.clone()), entry.clone());
            }
        }
    }

    /// The earlier conversion of the same content on this route, if any.
    pub fn done(&self, route: &str, key: &str) -> Option<&Entry> {
        self.done.get(&(route.to_string(), key.to_string())).map(|e| &**e)
    }

    /// The last entry naming this input (by name and content).
    pub fn last_for_input(&self, route: &str, name: &str, sha256: &str) -> Option<&Entry> {
        self.by_input.get(&(route.to_string(), name.to_string(), sha256.to_string())).map(|e| &**e)
    }

    /// The key of the job that wrote `output`, if a job did.
    pub fn output_owner(&self, output: &Path) -> Option<&str> {
        self.output_owner.get(output).map(String::as_str)
    }

    /// The upload queue of one route, oldest first.
    pub fn pending_uploads(&self, route: &str) -> impl Iterator<Item = &PendingUpload> {
        let route = route.to_string();
        self.pending_uploads.iter().filter(move |p| p.route == route)
    }

    /// How many conversions of a job were started without anything journaled after them (each
    /// one the program did not survive, when the job is not running now).
    pub fn unfinished_attempts(&self, route: &str, key: &str) -> u32 {
        self.attempts.get(&(route.to_string(), key.to_string())).copied().unwrap_or(0)
    }

    /// Jobs started and not ended (a crash or a kill interrupted them), of one route.
    pub fn open_jobs(&self, route: &str) -> Vec<&Entry> {
        let mut jobs: Vec<&Entry> = self.open.values().filter(|e| e.route == route).map(|e| &**e).collect();
        jobs.sort_by_key(|e| e.at);
        jobs
    }
}

/// The journal file, open for appending.
pub struct Journal {
    log: JsonLines,
    state: State,
    /// Lines that could not be read back (a torn last line, or damage).
    pub skipped: usize,
}

impl Journal {
    /// Opens (or creates) the journal and replays it.
    pub fn open(path: &Path) -> Result<Journal> {
        let (log, entries, skipped) = JsonLines::open::<Entry>(path)?;
        let mut state = State::default();
        for entry in entries {
            state.apply(entry);
        }
        Ok(Journal { log, state, skipped })
    }

    pub fn path(&self) -> &Path {
        self.log.path()
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Appends one entry as one line and syncs it to disk before returning.
    pub fn append(&mut self, entry: Entry) -> Result<()> {
        self.log.append(&entry)?;
        self.state.apply(entry);
        Ok(())
    }
}

/// Every readable entry of a journal, for `status` (a missing journal is empty), and the number of
/// lines that could not be read.
pub fn read_entries(path: &Path) -> Result<(Vec<Entry>, usize)> {
    lines::read_all(path)
}

#[cfg(test)]
mod tests {
    use std::fs::OpenOptions;
    use std::io::Write;

    use super::*;

    fn input(name: &str, sha: &str) -> Vec<InputRef> {
        vec![InputRef { name: name.into(), sha256: sha.into() }]
    }

    #[test]
    fn replays_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        {
            let mut j = Journal::open(&path).unwrap();
            j.append(Entry::new("r", "k1", &input("a.xml", "k1"), Event::Started { outputs: vec!["/o/a.xml".into()] }))
                .unwrap();
            j.append(Entry::new(
                "r",
                "k1",
                &input("a.xml", "k1"),
                Event::Done {
                    outputs: vec!["/o/a.xml".into()],
                    moved_to: vec![],
                    records: 3,
                    warnings: 0,
                    uploads: vec![UploadRef { target: "kassatka".into(), output: "/o/a.xml".into() }],
                },
            ))
            .unwrap();
            j.append(Entry::new("r", "k2", &input("b.xml", "k2"), Event::Started { outputs: vec!["/o/b.xml".into()] }))
                .unwrap();
        }
        // A torn write at the end.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"at\":\"2025-").unwrap();
        drop(f);
        let mut j = Journal::open(&path).unwrap();
        assert_eq!(j.skipped, 1);
        assert!(j.state().done("r", "k1").is_some());
        assert!(j.state().done("r", "k2").is_none());
        assert_eq!(j.state().open_jobs("r").len(), 1);
        assert_eq!(j.state().output_owner(Path::new("/o/a.xml")), Some("k1"));
        assert_eq!(j.state().last_for_input("r", "b.xml", "k2").unwrap().event.name(), "started");
        assert_eq!(j.state().pending_uploads("r").count(), 1);
        let failed = Event::UploadFailed {
            target: "kassatka".into(),
            output: "/o/a.xml".into(),
            error: "500".into(),
            attempt: 1,
        };
        j.append(Entry::new("r", "k1", &input("a.xml", "k1"), failed)).unwrap();
        assert_eq!(j.state().pending_uploads("r").next().unwrap().attempts, 1);
        assert_eq!(j.state().last_for_input("r", "a.xml", "k1").unwrap().event.name(), "done");
        let uploaded = Event::Uploaded { target: "kassatka".into(), output: "/o/a.xml".into(), result: "ok".into() };
        j.append(Entry::new("r", "k1", &input("a.xml", "k1"), uploaded)).unwrap();
        assert_eq!(j.state().pending_uploads("r").count(), 0);
        j.append(Entry::new("r", "k2", &input("b.xml", "k2"), Event::Vanished {})).unwrap();
        drop(j);
        let (entries, skipped) = read_entries(&path).unwrap();
        assert_eq!((entries.len(), skipped), (6, 1));
        let j = Journal::open(&path).unwrap();
        assert!(j.state().open_jobs("r").is_empty());
        assert_eq!(j.state().pending_uploads("r").count(), 0);
    }
}
