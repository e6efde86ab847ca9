//! Compaction: the journal would otherwise grow by a few lines per file for ever. At start, the
//! entries of jobs finished before the retention's cutoff are removed and counted in one
//! `compacted` entry per route (which `status` adds to its counts); the journal is rewritten to
//! a temporary file, synced and renamed over the old one, so a crash leaves one or the other.
//!
//! A job keeps every entry, however old, while it is still needed:
//! - it is not finished (recovery redoes it; its `started` entries count its attempts);
//! - an upload of its output is still queued (the queue is rebuilt from the journal);
//! - its content was converted or repeated after the cutoff (repeat detection: content is
//!   recognised as a repeat for the retention after it was last seen, converted again after);
//! - one of its inputs is in `processing/` now (recovery reads its last entry).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Local};

use super::{read_entries, CompactedCounts, Entry, Event, State};
use crate::error::Result;

/// What a compaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compaction {
    /// Entries removed (and counted).
    pub removed: usize,
    /// Entries kept.
    pub kept: usize,
    /// Unreadable lines dropped on the way.
    pub unreadable: usize,
}

type JobId = (String, String);

/// Compacts the journal at `path` (a missing one is left alone): entries of finished jobs older
/// than `cutoff` go, unless the job is still needed (see the module's documentation);
/// `in_processing(route, name)` says whether a file of that name is in the route's
/// `processing/`. `None` when nothing was old enough to remove (the file is not rewritten).
pub fn compact(
    path: &Path,
    cutoff: DateTime<Local>,
    in_processing: &dyn Fn(&str, &str) -> bool,
) -> Result<Option<Compaction>> {
    let (entries, unreadable) = read_entries(path)?;
    let needed = needed_jobs(&entries, cutoff, in_processing);
    // Per route, in the order routes first appear: the counts of what goes, earlier summaries
    // included.
    let mut summaries: Vec<(String, CompactedCounts)> = Vec::new();
    let mut kept: Vec<&Entry> = Vec::new();
    let mut removed = 0;
    for entry in &entries {
        let job = (entry.route.clone(), entry.key.clone());
        let goes = match &entry.event {
            Event::Compacted { .. } => true,
            _ => entry.at < cutoff && (entry.key.is_empty() || !needed.contains(&job)),
        };
        if !goes {
            kept.push(entry);
            continue;
        }
        let counts = match summaries.iter().position(|(route, _)| *route == entry.route) {
            Some(i) => &mut summaries[i].1,
            None => {
                summaries.push((entry.route.clone(), CompactedCounts::default()));
                &mut summaries.last_mut().expect("just pushed").1
            }
        };
        match &entry.event {
            Event::Compacted { counts: earlier, .. } => {
                counts.converted += earlier.converted;
                counts.repeats += earlier.repeats;
                counts.failed += earlier.failed;
                counts.vanished += earlier.vanished;
                counts.uploaded += earlier.uploaded;
                continue;
            }
            Event::Done { .. } => counts.converted += 1,
            Event::Repeat { .. } => counts.repeats += 1,
            Event::Failed { .. } => counts.failed += 1,
            Event::Vanished {} => counts.vanished += 1,
            Event::Uploaded { .. } => counts.uploaded += 1,
            Event::Started { .. } | Event::Blocked { .. } | Event::UploadFailed { .. } => {}
        }
        removed += 1;
    }
    if removed == 0 {
        return Ok(None);
    }
    let summaries: Vec<Entry> = summaries
        .into_iter()
        .map(|(route, counts)| Entry::new(&route, "", &[], Event::Compacted { before: cutoff, counts }))
        .collect();
    super::lines::rewrite(path, summaries.iter().chain(kept.iter().copied()))?;
    Ok(Some(Compaction { removed, kept: kept.len(), unreadable }))
}

/// The jobs that keep all their entries, whatever their age.
fn needed_jobs(
    entries: &[Entry],
    cutoff: DateTime<Local>,
    in_processing: &dyn Fn(&str, &str) -> bool,
) -> HashSet<JobId> {
    let mut state = State::default();
    let mut last_seen: HashMap<JobId, DateTime<Local>> = HashMap::new();
    let mut needed = HashSet::new();
    for entry in entries {
        let job = (entry.route.clone(), entry.key.clone());
        if matches!(entry.event, Event::Done { .. } | Event::Repeat { .. }) {
            let seen = last_seen.entry(job.clone()).or_insert(entry.at);
            *seen = (*seen).max(entry.at);
        }
        if entry.inputs.iter().any(|i| in_processing(&entry.route, &i.name)) {
            needed.insert(job);
        }
        state.apply(entry.clone());
    }
    needed.extend(state.open.into_keys());
    needed.extend(state.pending_uploads.into_iter().map(|p| (p.route, p.key)));
    needed.extend(last_seen.into_iter().filter(|(_, at)| *at >= cutoff).map(|(job, _)| job));
    needed
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::{InputRef, Journal, UploadRef};
    use super::*;

    fn entry(at: DateTime<Local>, key: &str, name: &str, event: Event) -> Entry {
        let inputs = vec![InputRef { name: name.into(), sha256: key.into() }];
        Entry { at, route: "r".into(), key: key.into(), inputs, event }
    }

    fn started(at: DateTime<Local>, key: &str, name: &str) -> Entry {
        entry(at, key, name, Event::Started { outputs: vec![PathBuf::from(format!("/o/{name}"))] })
    }

    fn done(at: DateTime<Local>, key: &str, name: &str, uploads: Vec<UploadRef>) -> Entry {
        let output = PathBuf::from(format!("/o/{name}"));
        let event = Event::Done { outputs: vec![output], moved_to: vec![], records: 1, warnings: 0, uploads };
        entry(at, key, name, event)
    }

    #[test]
    fn old_finished_jobs_are_counted_and_what_is_needed_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let now = Local::now();
        let old = now - chrono::Duration::days(60);
        let recent = now - chrono::Duration::days(1);
        let cutoff = now - chrono::Duration::days(30);
        let earlier = CompactedCounts { converted: 5, ..Default::default() };
        let upload = UploadRef { target: "kassatka".into(), output: "/o/c.xml".into() };
        let failed = Event::Failed { error: "bad".into(), advice: "fix".into(), moved_to: vec![], report: "/e".into() };
        let entries = vec![
            entry(old, "", "", Event::Compacted { before: old, counts: earlier }),
            // Finished long ago: counted.
            started(old, "ka", "a.xml"),
            done(old, "ka", "a.xml", vec![]),
            entry(old, "ke", "e.xml", failed),
            entry(old, "", "x.xml", Event::Blocked { error: "outbox failing".into() }),
            // Converted long ago, repeated lately: still a repeat.
            started(old, "kb", "b.xml"),
            done(old, "kb", "b.xml", vec![]),
            entry(recent, "kb", "b2.xml", Event::Repeat { of: old.to_rfc3339(), moved_to: vec![] }),
            // Its upload still queued.
            started(old, "kc", "c.xml"),
            done(old, "kc", "c.xml", vec![upload]),
            // Never finished: recovery redoes it.
            started(old, "kd", "d.xml"),
            // Finished, but its input is back in processing/.
            started(old, "kf", "f.xml"),
            done(old, "kf", "f.xml", vec![]),
        ];
        let mut text = String::new();
        for e in &entries {
            text.push_str(&serde_json::to_string(e).unwrap());
            text.push('\n');
        }
        text.push_str("{\"torn");
        std::fs::write(&path, text).unwrap();
        let in_processing = |route: &str, name: &str| route == "r" && name == "f.xml";

        let done_now = compact(&path, cutoff, &in_processing).unwrap().expect("compacted");
        assert_eq!(done_now, Compaction { removed: 4, kept: 8, unreadable: 1 });
        let (after, unreadable) = read_entries(&path).unwrap();
        assert_eq!(unreadable, 0);
        let expected = CompactedCounts { converted: 6, failed: 1, ..Default::default() };
        assert!(
            matches!(&after[0].event, Event::Compacted { counts, before } if *counts == expected && *before == cutoff),
            "{:?}",
            after[0]
        );
        let keys: Vec<&str> = after[1..].iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["kb", "kb", "kb", "kc", "kc", "kd", "kf", "kf"]);

        let journal = Journal::open(&path).unwrap();
        let state = journal.state();
        assert!(state.done("r", "ka").is_none(), "a repeat after the retention is converted again");
        assert!(state.done("r", "kb").is_some() && state.done("r", "kf").is_some());
        assert_eq!(state.pending_uploads("r").count(), 1);
        assert_eq!(state.open_jobs("r").len(), 1);
        assert_eq!(state.unfinished_attempts("r", "kd"), 1);
        drop(journal);

        // Nothing more to remove: the file is left as it is.
        let before = std::fs::read(&path).unwrap();
        assert_eq!(compact(&path, cutoff, &in_processing).unwrap(), None);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // A missing journal is nothing to compact.
        assert_eq!(compact(&dir.path().join("none.jsonl"), cutoff, &in_processing).unwrap(), None);
    }
}
