//! Start-up: make the folders, then settle what a crash, a kill or a power cut left behind.
//!
//! For every file in `processing/`, by the journal's last entry for its name and content:
//! - `started` (converting was under way): the staging files of its outputs are deleted and the
//!   job is redone with the same output names, so the redo replaces, never duplicates — unless
//!   `max-attempts` conversions of it were interrupted (the program crashed or was killed each
//!   time): then the file goes to `error/` with a report saying so (a dead-letter rule: one file
//!   that crashes the converter must not stop the drop folder for good);
//! - `done` / `repeat` / `failed` (only the move was missing): the move is finished (the error
//!   report written first when it is missing);
//! - nothing (claimed, not yet started): converted as a new job — except a part of a package
//!   (CommerceML's import, offers …), which goes back to the inbox to meet the other parts again.
//!
//! Hidden `.partial` files in `processing/`, `done/` and `error/` (the watcher's own folders) are
//! removed; in outboxes only the staging files of interrupted jobs are.

use std::fs;
use std::path::PathBuf;

use super::config::{Config, Route};
use super::fsutil::{self, exists};
use super::journal::{Entry, Event, InputRef, Journal};
use super::pattern;
use super::worker::{failure, report_text, staging_path, Finishing, Job, Outcome};
use crate::error::Result;
use crate::tr;

/// Makes a route's folders; a failure is reported, not fatal (an outbox on a share that is not
/// mounted yet is retried when a file needs it).
pub fn make_folders(route: &Route) {
    let mut dirs = vec![&route.inbox, &route.processing, &route.outbox, &route.done, &route.error];
    dirs.extend(route.targets.iter().map(|t| &t.outbox));
    for dir in dirs {
        if let Err(e) = fs::create_dir_all(dir) {
            tracing::error!(route = %route.name, folder = %dir.display(), "{}", tr!("watch-cannot-make-folder", error = e.to_string()));
        }
    }
}

/// The jobs to run first, per route (in `config.routes` order).
pub fn recover(config: &Config, journal: &mut Journal) -> Result<Vec<Vec<Job>>> {
    let mut all = Vec::new();
    for (index, route) in config.routes.iter().enumerate() {
        make_folders(route);
        all.push(recover_route(index, route, journal, config.timings.max_attempts)?);
    }
    Ok(all)
}

fn recover_route(index: usize, route: &Route, journal: &mut Journal, max_attempts: u32) -> Result<Vec<Job>> {
    let mut removed = 0;
    for dir in [&route.processing, &route.done, &route.error] {
        removed += fsutil::remove_partials(dir);
    }
    let open: Vec<Entry> = journal.state().open_jobs(&route.name).into_iter().cloned().collect();
    for entry in &open {
        if let Event::Started { outputs } = &entry.event {
            for output in outputs {
                removed += fsutil::remove_staging(&staging_path(output, &entry.key));
            }
        }
    }
    if removed > 0 {
        tracing::info!(route = %route.name, removed, "{}", tr!("watch-removed-partials"));
    }

    let mut names: Vec<String> = match fs::read_dir(&route.processing) {
        Ok(entries) => entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !pattern::is_ignored(n, &[]))
            .collect(),
        Err(e) => {
            tracing::error!(route = %route.name, folder = %route.processing.display(), "{}", tr!("watch-cannot-list", error = e.to_string()));
            Vec::new()
        }
    };
    names.sort();

    let mut jobs: Vec<Job> = Vec::new();
    let mut grouped: Vec<String> = Vec::new();
    for name in &names {
        if grouped.contains(name) {
            continue;
        }
        let path = route.processing.join(name);
        let Ok(sha) = fsutil::sha256_file(&path) else { continue };
        let last = journal.state().last_for_input(&route.name, name, &sha).cloned();
        match last.map(|e| (e.event.clone(), e)) {
            Some((Event::Started { outputs }, entry)) => {
                // Redo the whole job (both files of a pair) with the recorded outputs.
                let inputs: Vec<String> =
                    entry.inputs.iter().map(|i| i.name.clone()).filter(|n| names.contains(n)).collect();
                grouped.extend(inputs.iter().cloned());
                let attempts = journal.state().unfinished_attempts(&route.name, &entry.key);
                if attempts >= max_attempts {
                    jobs.push(dead_letter(index, route, journal, &entry, inputs, attempts)?);
                    continue;
                }
                tracing::info!(route = %route.name, file = %inputs.join(" + "), attempt = attempts + 1, "{}", tr!("watch-redoing"));
                jobs.push(Job::redo(index, inputs, outputs));
            }
            Some((Event::Done { moved_to, .. }, entry)) | Some((Event::Repeat { moved_to, .. }, entry)) => {
                if let Some(job) = finishing_job(index, name, &entry, &moved_to, None, &names) {
                    tracing::info!(route = %route.name, file = %job.inputs.join(" + "), "{}", tr!("watch-finishing-move"));
                    grouped.extend(job.inputs.iter().cloned());
                    jobs.push(job);
                } else {
                    grouped.push(name.clone());
                    jobs.push(Job::new(index, vec![name.clone()]));
                }
            }
            Some((Event::Failed { error, advice, moved_to, report }, entry)) => {
                let text = report_text(route, &entry.inputs, &error, &advice);
                if let Some(job) = finishing_job(index, name, &entry, &moved_to, Some((report, text)), &names) {
                    tracing::info!(route = %route.name, file = %job.inputs.join(" + "), "{}", tr!("watch-finishing-move"));
                    grouped.extend(job.inputs.iter().cloned());
                    jobs.push(job);
                } else {
                    grouped.push(name.clone());
                    jobs.push(Job::new(index, vec![name.clone()]));
                }
            }
            _ => {
                grouped.push(name.clone());
                let back = route.inbox.join(name);
                if route.flag_file.is_none() && route.package_of(name).is_some() && !exists(&back) {
                    match fs::rename(&path, &back) {
                        Ok(()) => {
                            tracing::info!(route = %route.name, file = %name, "{}", tr!("watch-back-to-inbox"));
                            continue;
                        }
                        Err(e) => {
                            tracing::warn!(route = %route.name, file = %name, "{}", tr!("watch-cannot-put-back", error = e.to_string()))
                        }
                    }
                }
                tracing::info!(route = %route.name, file = %name, "{}", tr!("watch-converting-left"));
                jobs.push(Job::new(index, vec![name.clone()]));
            }
        }
    }
    // Started jobs none of whose files is left: nothing to redo (someone took the files away).
    for entry in &open {
        if !entry.inputs.iter().any(|i| names.contains(&i.name)) {
            let inputs: Vec<InputRef> = entry.inputs.clone();
            journal.append(Entry::new(&route.name, &entry.key, &inputs, Event::Vanished {}))?;
        }
    }
    Ok(jobs)
}

/// Sets aside a job whose conversions the program did not survive `attempts` times: journals it
/// as failed and returns the job that moves its files to `error/` with the report.
fn dead_letter(
    index: usize,
    route: &Route,
    journal: &mut Journal,
    started: &Entry,
    inputs: Vec<String>,
    attempts: u32,
) -> Result<Job> {
    let error = tr!("watch-dead-letter", attempts = attempts);
    let advice = tr!("watch-advice-dead-letter");
    let refs: Vec<InputRef> = started.inputs.iter().filter(|i| inputs.contains(&i.name)).cloned().collect();
    let (event, finishing) = failure(route, &inputs, &refs, error.clone(), advice);
    journal.append(Entry::new(&route.name, &started.key, &refs, event))?;
    tracing::error!(route = %route.name, file = %inputs.join(" + "), "{}", tr!("watch-set-aside", error = &error));
    Ok(Job::finishing(index, inputs, finishing))
}

/// A job that only moves its files, when their recorded destinations are still free (else the
/// file in `processing/` is a new drop of the same content, and `None` makes it a new job).
fn finishing_job(
    route: usize,
    name: &str,
    entry: &Entry,
    moved_to: &[PathBuf],
    report: Option<(PathBuf, String)>,
    present: &[String],
) -> Option<Job> {
    let outcome = match entry.event {
        Event::Done { .. } => Outcome::Converted,
        Event::Repeat { .. } => Outcome::Repeat,
        _ => Outcome::Failed,
    };
    let mut inputs = Vec::new();
    let mut dests = Vec::new();
    for (input, dest) in entry.inputs.iter().zip(moved_to) {
        if present.contains(&input.name) && !exists(dest) {
            inputs.push(input.name.clone());
            dests.push(dest.clone());
        }
    }
    if !inputs.iter().any(|n| n == name) {
        return None;
    }
    Some(Job::finishing(route, inputs, Finishing { outcome, moved_to: dests, report }))
}
