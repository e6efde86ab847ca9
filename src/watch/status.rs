//! `kassa-bridge status`: what the journal says, per route — counts, the last conversions, the
//! last errors with their reasons — and how many files wait in each folder now.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::config::Config;
use super::journal::{read_entries, Entry, Event};
use super::pattern;
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub data_dir: String,
    pub journal: String,
    /// Journal lines that could not be read.
    pub skipped_lines: usize,
    pub routes: Vec<RouteStatus>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RouteStatus {
    pub name: String,
    /// False for a route the journal names but the configuration no longer has.
    pub configured: bool,
    /// Files now in the inbox, in processing/ and in error/ (`None`: the folder cannot be listed).
    pub inbox: Option<usize>,
    pub processing: Option<usize>,
    pub errors_kept: Option<usize>,
    pub converted: u64,
    pub repeats: u64,
    pub failed: u64,
    pub vanished: u64,
    /// The outbox failure the journal last reported, when nothing succeeded after it.
    pub blocked: Option<Item>,
    /// Newest first.
    pub last_converted: Vec<Item>,
    /// Newest first.
    pub last_errors: Vec<Item>,
    /// `upload = …`: outputs converted and waiting for their upload, outputs uploaded, and the
    /// last failed try (with the service's answer).
    pub upload_queued: u64,
    pub uploaded: u64,
    pub last_upload_error: Option<Item>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub at: String,
    pub files: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved_to: Vec<String>,
}

fn item(e: &Entry) -> Item {
    let show = |p: &Path| p.display().to_string();
    let (outputs, error, moved_to) = match &e.event {
        Event::Done { outputs, moved_to, .. } => {
            (outputs.iter().map(|p| show(p)).collect(), None, moved_to.iter().map(|p| show(p)).collect())
        }
        Event::Failed { error, report, .. } => (Vec::new(), Some(error.clone()), vec![show(report)]),
        Event::Blocked { error } => (Vec::new(), Some(error.clone()), Vec::new()),
        Event::Uploaded { target, output, .. } => (vec![format!("{target}: {}", show(output))], None, Vec::new()),
        Event::UploadFailed { target, output, error, attempt } => {
            (vec![format!("{target}: {}", show(output))], Some(format!("attempt {attempt}: {error}")), Vec::new())
        }
        _ => (Vec::new(), None, Vec::new()),
    };
    Item {
        at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        files: e.inputs.iter().map(|i| i.name.clone()).collect(),
        outputs,
        error,
        moved_to,
    }
}

fn count_files(dir: &Path) -> Option<usize> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !pattern::is_ignored(&e.file_name().to_string_lossy(), &[]))
            .count(),
    )
}

/// Reads the journal of `config`; `last` is how many recent conversions and errors to keep.
pub fn status(config: &Config, last: usize) -> Result<Status> {
    let path = config.journal_path();
    let (entries, skipped) = read_entries(&path)?;
    let mut routes: Vec<RouteStatus> = config
        .routes
        .iter()
        .map(|r| RouteStatus {
            name: r.name.clone(),
            configured: true,
            inbox: count_files(&r.inbox),
            processing: count_files(&r.processing),
            errors_kept: count_files(&r.error),
            ..Default::default()
        })
        .collect();
    // (route, key, target) → uploaded yet.
    let mut uploads: HashMap<(String, String, String), bool> = HashMap::new();
    for e in &entries {
        let index = match routes.iter().position(|r| r.name == e.route) {
            Some(i) => i,
            None => {
                routes.push(RouteStatus { name: e.route.clone(), ..Default::default() });
                routes.len() - 1
            }
        };
        let r = &mut routes[index];
        match &e.event {
            Event::Done { .. } => {
                r.converted += 1;
                r.blocked = None;
                r.last_converted.insert(0, item(e));
                r.last_converted.truncate(last);
            }
            Event::Repeat { .. } => {
                r.repeats += 1;
                r.blocked = None;
            }
            Event::Failed { .. } => {
                r.failed += 1;
                r.blocked = None;
                r.last_errors.insert(0, item(e));
                r.last_errors.truncate(last);
            }
            Event::Vanished {} => r.vanished += 1,
            Event::Blocked { .. } => {
                r.blocked = Some(item(e));
                r.last_errors.insert(0, item(e));
                r.last_errors.truncate(last);
            }
            Event::Uploaded { target, .. } => {
                uploads.insert((e.route.clone(), e.key.clone(), target.clone()), true);
            }
            Event::UploadFailed { .. } => r.last_upload_error = Some(item(e)),
            Event::Compacted { counts, .. } => {
                r.converted += counts.converted;
                r.repeats += counts.repeats;
                r.failed += counts.failed;
                r.vanished += counts.vanished;
                r.uploaded += counts.uploaded;
            }
            Event::Started { .. } => {}
        }
        if let Event::Done { uploads: queued, .. } = &e.event {
            for u in queued {
                uploads.entry((e.route.clone(), e.key.clone(), u.target.clone())).or_insert(false);
            }
        }
    }
    for ((route, _, target), done) in uploads {
        let Some(r) = routes.iter_mut().find(|r| r.name == route) else { continue };
        // Uploads the route no longer has are not waited for.
        let configured = config.route(&route).is_none_or(|c| c.uploads.iter().any(|u| u.name == target));
        if done {
            r.uploaded += 1;
        } else if configured {
            r.upload_queued += 1;
        }
    }
    Ok(Status {
        data_dir: config.data_dir.display().to_string(),
        journal: path.display().to_string(),
        skipped_lines: skipped,
        routes,
    })
}
