//! `kassa-bridge status`: what the journal says, per route — counts, the last conversions, the
//! last errors with their reasons — and how many files wait in each folder now.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::config::Config;
use super::journal::{read_entries, Entry, Event};
use super::pattern;
use crate::error::Result;
use crate::i18n::{serialize_english, Lang, Text};
use crate::msg;

fn english_opt<S: serde::Serializer>(text: &Option<Text>, serializer: S) -> Result<S::Ok, S::Error> {
    match text {
        Some(t) => serialize_english(t, serializer),
        None => serializer.serialize_none(),
    }
}

fn english_or_empty<S: serde::Serializer>(text: &Option<Text>, serializer: S) -> Result<S::Ok, S::Error> {
    match text {
        Some(t) => serialize_english(t, serializer),
        None => serializer.serialize_str(""),
    }
}

fn english_list<S: serde::Serializer>(texts: &[Text], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(texts.iter().map(|t| match t {
        Text::Plain(s) => s.clone(),
        Text::Msg(m) => m.render(Lang::En),
    }))
}

/// A time of the status (`2026-12-01 10:15:00`) as the current language writes it.
pub fn shown_time(text: &str) -> String {
    match chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        Ok(t) => crate::i18n::date_time(t, crate::i18n::current()),
        Err(_) => text.to_string(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub data_dir: String,
    pub journal: String,
    /// Journal lines that could not be read.
    pub skipped_lines: usize,
    pub routes: Vec<RouteStatus>,
    /// Lines of the pulls' journal that could not be read.
    pub pull_journal_skipped_lines: usize,
    pub pulls: Vec<PullStatus>,
}

/// One `[[pull]]`: where its cursor is, when it ran and runs next, its last error.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PullStatus {
    pub name: String,
    /// False for a pull the journal names but the configuration no longer has.
    pub configured: bool,
    /// `kassatka receipts`.
    pub source: String,
    /// `every 15m` or `at 06:00, 22:30` (in English in `--json`; `None`, shown as "", when not
    /// configured).
    #[serde(serialize_with = "english_or_empty")]
    pub schedule: Option<Text>,
    /// The end of the last period delivered (local time); `None` before the first.
    pub cursor: Option<String>,
    /// Where the first period starts while there is no cursor.
    pub first_period_from: Option<String>,
    pub last_run: Option<String>,
    /// By the schedule (a run that failed is retried sooner, with backoff, while `watch` runs).
    pub next_run: Option<String>,
    /// Scheduled runs whose data is not delivered yet (0 when up to date).
    pub periods_behind: u64,
    pub last_error: Option<Item>,
    /// A period an interruption left unfinished (finished or redone at the next run).
    #[serde(serialize_with = "english_opt")]
    pub interrupted: Option<Text>,
    pub periods: u64,
    pub records: u64,
    pub repeats: u64,
    /// The last period delivered: its outputs (none for an empty period).
    pub last_delivered: Option<Item>,
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
    #[serde(serialize_with = "english_list")]
    pub files: Vec<Text>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "english_opt")]
    pub error: Option<Text>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved_to: Vec<String>,
}

fn item(e: &Entry) -> Item {
    let show = |p: &Path| p.display().to_string();
    let (outputs, error, moved_to) = match &e.event {
        Event::Done { outputs, moved_to, .. } => {
            (outputs.iter().map(|p| show(p)).collect(), None, moved_to.iter().map(|p| show(p)).collect())
        }
        Event::Failed { error, report, .. } => (Vec::new(), Some(Text::from(error)), vec![show(report)]),
        Event::Blocked { error } => (Vec::new(), Some(Text::from(error)), Vec::new()),
        Event::Uploaded { target, output, .. } => (vec![format!("{target}: {}", show(output))], None, Vec::new()),
        Event::UploadFailed { target, output, error, attempt } => {
            let error = msg!("watch-status-attempt", attempt = *attempt, error = error).into();
            (vec![format!("{target}: {}", show(output))], Some(error), Vec::new())
        }
        _ => (Vec::new(), None, Vec::new()),
    };
    Item {
        at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        files: e.inputs.iter().map(|i| Text::from(&i.name)).collect(),
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
    let (pulls, pull_journal_skipped_lines) = pull_statuses(config)?;
    Ok(Status {
        data_dir: config.data_dir.display().to_string(),
        journal: path.display().to_string(),
        skipped_lines: skipped,
        routes,
        pull_journal_skipped_lines,
        pulls,
    })
}

fn pull_statuses(config: &Config) -> Result<(Vec<PullStatus>, usize)> {
    use super::pull::{self, journal, PullEvent};
    let (entries, skipped) = journal::read_entries(&config.pull_journal_path())?;
    let states = journal::replay(&entries);
    let show = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let now = pull::now();
    let mut names: Vec<&str> = config.pulls.iter().map(|p| p.name.as_str()).collect();
    let mut journaled: Vec<&str> = states.keys().map(String::as_str).filter(|n| !names.contains(n)).collect();
    journaled.sort();
    names.extend(journaled);
    let mut out = Vec::new();
    for name in names {
        let state = states.get(name).cloned().unwrap_or_default();
        let mut s = PullStatus {
            name: name.to_string(),
            cursor: state.cursor.map(show),
            last_run: state.last_run.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
            periods: state.periods,
            records: state.records,
            repeats: state.repeats,
            ..Default::default()
        };
        let entry_item = |e: &journal::PullEntry| {
            let (outputs, error) = match &e.event {
                PullEvent::Done { outputs, .. } => (outputs.iter().map(|o| o.display().to_string()).collect(), None),
                PullEvent::Failed { error, .. } => (Vec::new(), Some(Text::from(error))),
                PullEvent::Waiting { reason, .. } => {
                    (Vec::new(), Some(msg!("watch-status-waiting", reason = reason).into()))
                }
                _ => (Vec::new(), None),
            };
            let period = match &e.event {
                PullEvent::Done { from, to, .. } | PullEvent::Failed { from, to, .. } => {
                    Text::from(format!("{} – {}", show(*from), show(*to)))
                }
                PullEvent::Waiting { from, .. } => msg!("watch-status-from", from = show(*from)).into(),
                _ => Text::from(""),
            };
            Item {
                at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                files: vec![period],
                outputs,
                error,
                moved_to: Vec::new(),
            }
        };
        s.last_error = state.last_error.as_ref().map(entry_item);
        s.last_delivered = state.last_done.as_ref().map(entry_item);
        s.interrupted = state.open.as_ref().and_then(|e| match &e.event {
            PullEvent::Started { from, to, .. } => {
                Some(msg!("watch-status-interrupted-started", from = show(*from), to = show(*to)).into())
            }
            PullEvent::Staged { from, to, .. } => {
                Some(msg!("watch-status-interrupted-staged", from = show(*from), to = show(*to)).into())
            }
            _ => None,
        });
        if let Some(p) = config.pull(name) {
            s.configured = true;
            s.source = format!("{} {}", p.source.service, p.source.fetch);
            s.schedule = Some(match &p.schedule {
                pull::schedule::Schedule::Every(d) => {
                    msg!("watch-status-every", interval = humantime::format_duration(*d).to_string()).into()
                }
                pull::schedule::Schedule::At(times) => {
                    let t: Vec<String> = times.iter().map(|t| t.format("%H:%M").to_string()).collect();
                    msg!("watch-status-at", times = t.join(", ")).into()
                }
            });
            let next = p.schedule.next_after(state.last_run.map(|t| t.naive_local()), now).max(now);
            s.next_run = Some(show(next));
            let service_now = pull::service_now(p);
            let data_end = state.cursor.unwrap_or_else(|| pull::first_cursor(p, service_now));
            if state.cursor.is_none() {
                s.first_period_from = Some(show(data_end));
            }
            // In the service's time: the periods the schedule would have run since the data ends.
            s.periods_behind = p.schedule.runs_between(data_end + pull::schedule::span(p.settle), service_now);
        }
        out.push(s);
    }
    Ok((out, skipped))
}
