//! The pulls' journal (`DATA/pulls.jsonl`): per pull, the periods asked for and delivered, append-only
//! and synced after every line (like the routes' journal, through [`JsonLines`]).
//!
//! A period goes `started` (its outputs' names) → `staged` (every output written and synced
//! beside its final name, with the identities of the records delivered) → `done` (every output
//! in place: the cursor moves to the period's end). `staged` is the point of no return: after a
//! crash, a period whose last entry is `staged` only has its renames finished (its outputs may
//! already have been taken by 1C, so it is never fetched again); one whose last entry is
//! `started` is redone with the same period and names, replacing whatever it had staged.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::watch::journal::lines::{self, JsonLines};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullEntry {
    pub at: DateTime<Local>,
    pub pull: String,
    #[serde(flatten)]
    pub event: PullEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum PullEvent {
    /// About to fetch the period `[from, to)` and write `outputs` (final paths).
    Started { from: NaiveDateTime, to: NaiveDateTime, outputs: Vec<PathBuf> },
    /// Every output is staged; `delivered` are the identities of the records in them.
    Staged { from: NaiveDateTime, to: NaiveDateTime, outputs: Vec<PathBuf>, delivered: Vec<String>, repeats: u64 },
    /// Every output is in place (none for an empty period without `write-empty`). `records` were
    /// delivered, `repeats` left out as delivered before. With `advances` (the period started at
    /// or before the cursor) the cursor moves to `to`; a period pulled by hand beyond the cursor
    /// leaves it, so the cursor never jumps over a gap.
    Done { from: NaiveDateTime, to: NaiveDateTime, outputs: Vec<PathBuf>, records: u64, repeats: u64, advances: bool },
    /// The period could not be fetched or written; the cursor stays.
    Failed { from: NaiveDateTime, to: NaiveDateTime, error: String },
    /// The period was not fetched: an output name is still taken by an earlier period's output
    /// that has not been picked up.
    Waiting { from: NaiveDateTime, reason: String },
}

impl PullEntry {
    pub fn new(pull: &str, event: PullEvent) -> Self {
        PullEntry { at: Local::now(), pull: pull.to_string(), event }
    }
}

/// What the journal knows about one pull.
#[derive(Debug, Clone, Default)]
pub struct PullState {
    /// The end of the last period delivered.
    pub cursor: Option<NaiveDateTime>,
    /// A period started or staged and not ended: a crash interrupted it.
    pub open: Option<PullEntry>,
    /// The identities delivered, per period (by its end), oldest first.
    pub delivered: VecDeque<(NaiveDateTime, Vec<String>)>,
    /// The last entry of any kind (when the pull last ran).
    pub last_run: Option<DateTime<Local>>,
    /// The last `done` entry.
    pub last_done: Option<PullEntry>,
    /// The last failure or wait, when nothing was delivered after it.
    pub last_error: Option<PullEntry>,
    pub periods: u64,
    pub records: u64,
    pub repeats: u64,
    /// Output path → the period that last wrote it.
    pub written_by: HashMap<PathBuf, (NaiveDateTime, NaiveDateTime)>,
}

impl PullState {
    fn apply(&mut self, entry: &PullEntry) {
        self.last_run = Some(entry.at);
        match &entry.event {
            PullEvent::Started { .. } => self.open = Some(entry.clone()),
            PullEvent::Staged { to, delivered, .. } => {
                self.open = Some(entry.clone());
                self.delivered.retain(|(end, _)| end != to);
                self.delivered.push_back((*to, delivered.clone()));
            }
            PullEvent::Done { from, to, records, repeats, outputs, advances } => {
                self.open = None;
                for o in outputs {
                    self.written_by.insert(o.clone(), (*from, *to));
                }
                if *advances {
                    self.cursor = Some(self.cursor.map_or(*to, |c| c.max(*to)));
                }
                self.last_done = Some(entry.clone());
                self.last_error = None;
                self.periods += 1;
                self.records += records;
                self.repeats += repeats;
            }
            PullEvent::Failed { .. } => {
                self.open = None;
                self.last_error = Some(entry.clone());
            }
            PullEvent::Waiting { .. } => self.last_error = Some(entry.clone()),
        }
    }

    /// The identities delivered in periods that ended at or after `since`.
    pub fn delivered_since(&self, since: NaiveDateTime) -> HashSet<&str> {
        self.delivered
            .iter()
            .filter(|(end, _)| *end >= since)
            .flat_map(|(_, ids)| ids.iter().map(String::as_str))
            .collect()
    }
}

/// The pulls' journal, open for appending.
pub struct PullJournal {
    log: JsonLines,
    states: HashMap<String, PullState>,
    pub skipped: usize,
}

impl PullJournal {
    pub fn open(path: &Path) -> Result<PullJournal> {
        let (log, entries, skipped) = JsonLines::open::<PullEntry>(path)?;
        Ok(PullJournal { log, states: replay(&entries), skipped })
    }

    pub fn path(&self) -> &Path {
        self.log.path()
    }

    pub fn state(&self, pull: &str) -> PullState {
        self.states.get(pull).cloned().unwrap_or_default()
    }

    pub fn append(&mut self, entry: PullEntry) -> Result<()> {
        self.log.append(&entry)?;
        self.states.entry(entry.pull.clone()).or_default().apply(&entry);
        Ok(())
    }
}

/// Each pull's state after `entries`.
pub fn replay(entries: &[PullEntry]) -> HashMap<String, PullState> {
    let mut states: HashMap<String, PullState> = HashMap::new();
    for e in entries {
        states.entry(e.pull.clone()).or_default().apply(e);
    }
    states
}

/// Every readable entry (a missing journal is empty) and the number of unreadable lines.
pub fn read_entries(path: &Path) -> Result<(Vec<PullEntry>, usize)> {
    lines::read_all(path)
}

/// Drops the entries written before `cutoff`, except what a pull still needs: the last `done`
/// (its cursor), the entries of an unfinished period, and the `staged` entries of periods that
/// ended within `remember(pull)` of the pull's cursor (their identities). Returns how many went.
pub fn compact(
    path: &Path,
    cutoff: DateTime<Local>,
    remember: &dyn Fn(&str) -> Option<chrono::Duration>,
) -> Result<usize> {
    let (entries, unreadable) = read_entries(path)?;
    let states = replay(&entries);
    let keep = |i: usize, e: &PullEntry| -> bool {
        if e.at >= cutoff {
            return true;
        }
        let Some(state) = states.get(&e.pull) else { return false };
        let is_last_done = state.last_done.as_ref() == Some(e);
        let is_open = state.open.as_ref().is_some_and(|open| {
            let (PullEvent::Started { from, .. } | PullEvent::Staged { from, .. }) = &open.event else { return false };
            matches!(&e.event, PullEvent::Started { from: f, .. } | PullEvent::Staged { from: f, .. } if f == from)
                && entries[i..].iter().all(|later| {
                    later.pull != e.pull || !matches!(later.event, PullEvent::Done { .. } | PullEvent::Failed { .. })
                })
        });
        let remembered = match (&e.event, state.cursor, remember(&e.pull)) {
            (PullEvent::Staged { to, .. }, Some(cursor), Some(window)) => *to >= cursor - window,
            _ => false,
        };
        is_last_done || is_open || remembered
    };
    let kept: Vec<&PullEntry> = entries.iter().enumerate().filter(|(i, e)| keep(*i, e)).map(|(_, e)| e).collect();
    let removed = entries.len() - kept.len();
    if removed == 0 && unreadable == 0 {
        return Ok(0);
    }
    lines::rewrite(path, kept)?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_cursor_moves_only_on_done_and_compaction_keeps_what_is_needed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pulls.jsonl");
        let (a, b, c) = (t("2026-11-01 00:00:00"), t("2026-11-01 00:15:00"), t("2026-11-01 00:30:00"));
        let mut j = PullJournal::open(&path).unwrap();
        j.append(PullEntry::new("p", PullEvent::Started { from: a, to: b, outputs: vec!["/o/1".into()] })).unwrap();
        j.append(PullEntry::new(
            "p",
            PullEvent::Staged { from: a, to: b, outputs: vec!["/o/1".into()], delivered: vec!["x".into()], repeats: 0 },
        ))
        .unwrap();
        assert_eq!(j.state("p").cursor, None);
        assert!(j.state("p").open.is_some());
        j.append(PullEntry::new(
            "p",
            PullEvent::Done { from: a, to: b, outputs: vec!["/o/1".into()], records: 1, repeats: 0, advances: true },
        ))
        .unwrap();
        j.append(PullEntry::new("p", PullEvent::Failed { from: b, to: c, error: "503".into() })).unwrap();
        j.append(PullEntry::new("p", PullEvent::Started { from: b, to: c, outputs: vec![] })).unwrap();
        let s = j.state("p");
        assert_eq!(s.cursor, Some(b));
        assert!(s.open.is_some() && s.last_error.is_some());
        assert!(s.delivered_since(a).contains("x"));
        drop(j);
        // Everything is old: only the cursor's `done`, the open period and the remembered `staged` stay.
        let future = Local::now() + chrono::Duration::days(1);
        let removed = compact(&path, future, &|_| Some(chrono::Duration::days(1))).unwrap();
        assert_eq!(removed, 2, "the first `started` and the failure go");
        let s = PullJournal::open(&path).unwrap().state("p");
        assert_eq!(s.cursor, Some(b));
        assert!(s.open.is_some());
        assert!(s.delivered_since(a).contains("x"));
        let removed = compact(&path, future, &|_| None).unwrap();
        assert_eq!(removed, 1, "without remembering, the `staged` goes too");
    }
}
