//! The watched drop folder: files dropped into an inbox are converted to the outbox, then moved to
//! `done/` (or to `error/` with a report saying what was wrong, where, and what to do).
//!
//! - A periodic full listing of every inbox is the source of truth; file-system events (notify)
//!   only make it come sooner, and a lost-events signal just asks for it. `poll = true` uses
//!   listings alone (network shares send no events).
//! - A file is taken only when complete (see [`scan`]), claimed by an atomic rename into
//!   `processing/`, converted to every target through [`crate::convert::convert`], and the outputs
//!   are renamed into place together.
//! - The [`journal`] (keyed by content hash) makes repeats produce no output and lets a restart
//!   finish or redo whatever a crash left in `processing/` ([`recover`]).
//! - A bad file goes to `error/`; a failing outbox keeps the file in `processing/` and retries
//!   with backoff. Nothing stops the watcher but [`StopHandle::stop`].
//! - A route's `upload = …` sends the published output through [`crate::upload::upload_file`]
//!   after the `done` entry; the queue (done, not `uploaded`) lives in the journal, so a restart
//!   resumes it, and a failed upload is retried with the same backoff between inbox listings.
//!
//! The library reports through `tracing` events; it never prints or exits.

pub mod config;
pub mod fsutil;
pub mod journal;
pub mod lock;
pub mod pattern;
pub mod pull;
mod pulls;
pub mod recover;
pub mod scan;
pub mod status;
mod uploads;
pub mod worker;

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use config::Config;
pub use status::{status, Status};

use crate::error::Result;
use crate::tr;
use journal::Journal;
use scan::{Inbox, Ready};
use worker::{Job, Outcome, Worker};

/// Why the loop woke up.
#[derive(Debug)]
enum Hint {
    /// Something changed in an inbox.
    Changed,
    /// Events were lost: list everything again.
    Rescan,
    Stop,
}

/// Asks a running watcher to stop after the file it is converting (from a signal handler or
/// another thread).
#[derive(Clone)]
pub struct StopHandle {
    flag: Arc<AtomicBool>,
    wake: Sender<Hint>,
}

impl StopHandle {
    pub fn stop(&self) {
        self.flag.store(true, Ordering::SeqCst);
        let _ = self.wake.send(Hint::Stop);
    }

    pub fn is_stopped(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Until stopped.
    Forever,
    /// Until nothing is left to do: no file being checked or waiting for its partner, nothing in
    /// `processing/`, no outbox failing. (Files waiting for a flag file, and empty files, do not
    /// count: they cannot progress by themselves.)
    UntilIdle,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub converted: u64,
    pub repeats: u64,
    pub failed: u64,
    pub vanished: u64,
    /// Outputs sent by `upload = …`, and failed tries.
    pub uploaded: u64,
    pub upload_failures: u64,
    /// Uploads refused (retrying cannot help) and still queued when the run ended.
    pub uploads_left: u64,
    /// Periods delivered by the pulls, and failed pull runs.
    pub pulled: u64,
    pub pull_failures: u64,
}

struct RouteState {
    inbox: Inbox,
    queue: VecDeque<Job>,
    blocked_until: Option<Instant>,
    backoff: std::time::Duration,
    /// The reason of the current failure, journaled once (not at every retry).
    blocked_reason: Option<String>,
    /// Uploads wait until then after a failed try (backoff as for a failing outbox).
    upload_until: Option<Instant>,
    upload_backoff: Duration,
    /// (key, target) of uploads that cannot succeed by retrying (refused, output gone): left
    /// alone until the next start.
    upload_given_up: HashSet<(String, String)>,
}

pub struct Watcher {
    config: Config,
    /// Held while the watcher exists: one watcher per data folder.
    _lock: lock::DataLock,
    journal: Journal,
    routes: Vec<RouteState>,
    /// The pulls' journal and when each pull runs next (`None` without pulls).
    pulls: Option<(pull::PullJournal, Vec<pulls::PullTimer>)>,
    stop: Arc<AtomicBool>,
    tx: Sender<Hint>,
    rx: Receiver<Hint>,
    summary: Summary,
}

impl Watcher {
    /// Takes the data folder's lock, compacts and opens the journal (the only fatal failures:
    /// without them nothing can be done safely).
    pub fn new(config: Config) -> Result<Watcher> {
        config.check_uploads()?;
        let lock = lock::DataLock::acquire(&config.data_dir)?;
        compact_journal(&config)?;
        let journal = Journal::open(&config.journal_path())?;
        if journal.skipped > 0 {
            tracing::warn!(journal = %journal.path().display(), lines = journal.skipped, "{}", tr!("watch-journal-lines-skipped"));
        }
        let pulls = pulls::open(&config)?;
        let (tx, rx) = mpsc::channel();
        let routes = config
            .routes
            .iter()
            .map(|_| RouteState {
                inbox: Inbox::default(),
                queue: VecDeque::new(),
                blocked_until: None,
                backoff: config.timings.retry_min,
                blocked_reason: None,
                upload_until: None,
                upload_backoff: config.timings.retry_min,
                upload_given_up: HashSet::new(),
            })
            .collect();
        Ok(Watcher {
            config,
            _lock: lock,
            journal,
            routes,
            pulls,
            stop: Arc::new(AtomicBool::new(false)),
            tx,
            rx,
            summary: Summary::default(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle { flag: self.stop.clone(), wake: self.tx.clone() }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Watches until stopped (or, with `UntilIdle`, until there is nothing left to do).
    pub fn run(&mut self, mode: RunMode) -> Result<Summary> {
        let t = &self.config.timings;
        tracing::info!(
            data_dir = %self.config.data_dir.display(),
            routes = self.config.routes.len(),
            poll = self.config.poll,
            check_interval = ?t.check_interval,
            stable_checks = t.stable_checks,
            min_age = ?t.min_age,
            "{}",
            tr!("watch-watching")
        );
        for route in &self.config.routes {
            let targets: Vec<&str> = route.targets.iter().map(|t| t.format.name).collect();
            let uploads: Vec<&str> = route.uploads.iter().map(|u| u.name).collect();
            tracing::info!(route = %route.name, inbox = %route.inbox.display(), outbox = %route.outbox.display(), targets = %targets.join(", "), uploads = %uploads.join(", "), "{}", tr!("watch-route"));
            let queued = self.upload_queue(self.config.routes.iter().position(|r| r.name == route.name).unwrap_or(0));
            if queued > 0 {
                tracing::info!(route = %route.name, queued, "{}", tr!("watch-uploads-queued"));
            }
        }
        for p in &self.config.pulls {
            let targets: Vec<&str> = p.targets.iter().map(|t| t.format.name).collect();
            tracing::info!(pull = %p.name, service = %p.source.service, fetch = %p.source.fetch, targets = %targets.join(", "), "{}", tr!("watch-pull"));
        }
        // Before the routes' recovery: a pull's staged outputs may be in a route's folders.
        self.recover_pulls();
        let recovered = recover::recover(&self.config, &mut self.journal)?;
        for (state, jobs) in self.routes.iter_mut().zip(recovered) {
            state.queue.extend(jobs);
        }
        let _events = if self.config.poll { None } else { self.start_events() };

        let mut next_scan = Instant::now();
        let mut last_scan: Option<Instant> = None;
        loop {
            if self.stopped() {
                break;
            }
            self.run_queues();
            if self.stopped() {
                break;
            }
            self.run_pulls(mode);
            if self.stopped() {
                break;
            }
            let now = Instant::now();
            let mut idle = false;
            if now >= next_scan {
                let pending = self.scan_and_take();
                last_scan = Some(Instant::now());
                let busy = pending > 0
                    || self.pulls_due(mode)
                    || self.routes.iter().any(|r| !r.queue.is_empty())
                    || (0..self.routes.len()).any(|i| self.upload_queue(i) > 0);
                let t = &self.config.timings;
                next_scan = Instant::now() + if busy { t.check_interval } else { t.rescan_interval };
                idle = !busy;
            }
            if self.stopped() {
                break;
            }
            if mode == RunMode::UntilIdle && idle {
                tracing::info!("{}", tr!("watch-idle"));
                break;
            }
            // One upload per route between two rounds of conversions, so neither waits long.
            self.run_uploads();
            if self.stopped() {
                break;
            }
            let mut deadline = next_scan;
            for r in &self.routes {
                if let (Some(until), false) = (r.blocked_until, r.queue.is_empty()) {
                    deadline = deadline.min(until);
                }
            }
            for i in 0..self.routes.len() {
                if self.upload_queue(i) > 0 {
                    deadline = deadline.min(self.routes[i].upload_until.unwrap_or_else(Instant::now));
                }
            }
            let mut wait = deadline.saturating_duration_since(Instant::now());
            if let Some(pull_in) = self.next_pull_in(mode) {
                wait = wait.min(pull_in.min(pulls::MAX_PULL_WAIT));
            }
            match self.rx.recv_timeout(wait) {
                Ok(Hint::Stop) | Err(RecvTimeoutError::Disconnected) => {}
                Ok(hint) => {
                    if matches!(hint, Hint::Rescan) {
                        tracing::debug!("file-system events were lost: full rescan");
                    }
                    while self.rx.try_recv().is_ok() {}
                    // Events come in floods while a file is written: list at most every 100 ms.
                    let soon = last_scan.map_or(Instant::now(), |l| {
                        l + self.config.timings.check_interval.min(Duration::from_millis(100))
                    });
                    next_scan = next_scan.min(soon.max(Instant::now()));
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
        if self.stopped() {
            tracing::info!("{}", tr!("watch-stopped"));
        }
        self.summary.uploads_left = self.uploads_left();
        Ok(self.summary.clone())
    }

    /// File-system events as hints; on failure (too many watches, an unsupported file system)
    /// the listings alone do the work.
    fn start_events(&self) -> Option<notify::RecommendedWatcher> {
        use notify::Watcher as _;
        let tx = self.tx.clone();
        let handler = move |event: notify::Result<notify::Event>| {
            let hint = match event {
                Ok(e) if e.need_rescan() => Hint::Rescan,
                Ok(_) => Hint::Changed,
                Err(_) => Hint::Rescan,
            };
            let _ = tx.send(hint);
        };
        let mut watcher = match notify::recommended_watcher(handler) {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!("{}", tr!("watch-no-events", error = e.to_string()));
                return None;
            }
        };
        for route in &self.config.routes {
            if let Err(e) = watcher.watch(&route.inbox, notify::RecursiveMode::NonRecursive) {
                tracing::warn!(route = %route.name, inbox = %route.inbox.display(), "{}", tr!("watch-no-events-inbox", error = e.to_string()));
            }
        }
        Some(watcher)
    }

    /// Runs the queued jobs of every route that is not waiting for a retry.
    fn run_queues(&mut self) {
        for index in 0..self.routes.len() {
            while !self.stopped() {
                let state = &mut self.routes[index];
                if state.blocked_until.is_some_and(|t| Instant::now() < t) {
                    break;
                }
                let Some(mut job) = state.queue.pop_front() else { break };
                if !self.run_job(&mut job) {
                    self.routes[index].queue.push_front(job);
                    break;
                }
            }
        }
    }

    /// Runs one job; false when it is blocked (and must be retried later).
    fn run_job(&mut self, job: &mut Job) -> bool {
        let index = job.route;
        let outcome = Worker { config: &self.config, journal: &mut self.journal }.run(job);
        let route = &self.config.routes[index];
        let state = &mut self.routes[index];
        match outcome {
            Outcome::Blocked(reason) => {
                let delay = state.backoff;
                state.blocked_until = Some(Instant::now() + delay);
                state.backoff = (delay * 2).min(self.config.timings.retry_max);
                tracing::warn!(route = %route.name, file = %job.inputs.join(" + "), retry_in = ?delay, "{}", tr!("watch-blocked", reason = &reason));
                if state.blocked_reason.as_deref() != Some(reason.as_str()) {
                    state.blocked_reason = Some(reason.clone());
                    // With the job's key: the entry says that this conversion ended without a crash.
                    let (key, inputs) = match &job.identity {
                        Some(id) => (id.key.clone(), id.inputs.clone()),
                        None => (
                            String::new(),
                            job.inputs
                                .iter()
                                .map(|n| journal::InputRef { name: n.clone(), sha256: String::new() })
                                .collect(),
                        ),
                    };
                    let _ = self.journal.append(journal::Entry::new(
                        &route.name,
                        &key,
                        &inputs,
                        journal::Event::Blocked { error: reason },
                    ));
                }
                false
            }
            other => {
                if state.blocked_reason.take().is_some() {
                    tracing::info!(route = %route.name, "{}", tr!("watch-working-again"));
                }
                state.blocked_until = None;
                state.backoff = self.config.timings.retry_min;
                match other {
                    Outcome::Converted => self.summary.converted += 1,
                    Outcome::Repeat => self.summary.repeats += 1,
                    Outcome::Failed => self.summary.failed += 1,
                    Outcome::Vanished => self.summary.vanished += 1,
                    Outcome::Blocked(_) => {}
                }
                true
            }
        }
    }

    /// Lists every inbox, takes what is ready (one job at a time, so a stop finishes only the
    /// current file); returns how many files are still being checked.
    fn scan_and_take(&mut self) -> usize {
        let mut pending = 0;
        for index in 0..self.routes.len() {
            let config = &self.config;
            let route = &config.routes[index];
            let state = &mut self.routes[index];
            let result = match state.inbox.scan(route, &config.timings, &config.ignore) {
                Ok(r) => {
                    if state.inbox.last_error.take().is_some() {
                        tracing::info!(route = %route.name, inbox = %route.inbox.display(), "{}", tr!("watch-inbox-listed-again"));
                    }
                    r
                }
                Err(e) => {
                    let message = e.to_string();
                    if state.inbox.last_error.as_deref() != Some(message.as_str()) {
                        tracing::error!(route = %route.name, inbox = %route.inbox.display(), "{}", tr!("watch-cannot-list-inbox", error = &message));
                        state.inbox.last_error = Some(message);
                    }
                    if e.kind() == std::io::ErrorKind::NotFound {
                        let _ = std::fs::create_dir_all(&route.inbox);
                    }
                    continue;
                }
            };
            pending += result.pending;
            if !state.queue.is_empty() {
                // Blocked: new files wait in the inbox.
                pending += result.ready.iter().map(|r| r.names().len()).sum::<usize>();
                continue;
            }
            let total = result.ready.len();
            let mut all_taken = true;
            for (i, ready) in result.ready.into_iter().enumerate() {
                if self.stopped() || !self.routes[index].queue.is_empty() {
                    pending += total - i;
                    all_taken = false;
                    break;
                }
                match self.claim(index, &ready) {
                    Some(mut job) => {
                        if !self.run_job(&mut job) {
                            self.routes[index].queue.push_back(job);
                        }
                    }
                    None => {
                        all_taken = false;
                        pending += 1;
                    }
                }
            }
            let route = &self.config.routes[index];
            if let Some(flag) = route.flag_file.as_ref().filter(|f| f.is_fixed()) {
                let name = flag.for_file("");
                if all_taken && total > 0 && result.flags.contains(&name) {
                    remove_flag(route, &name);
                }
            }
        }
        pending
    }

    /// Moves ready files into `processing/`. `None` when they cannot be taken now (changed at the
    /// last moment, gone, locked by their writer, or a file of that name is still in processing).
    fn claim(&mut self, index: usize, ready: &Ready) -> Option<Job> {
        let route = &self.config.routes[index];
        let state = &mut self.routes[index];
        let names = ready.names();
        for name in &names {
            if fsutil::exists(&route.processing.join(name)) {
                tracing::debug!(route = %route.name, file = %name, "waits: a file of that name is still in processing/");
                return None;
            }
            let now = std::fs::metadata(route.inbox.join(name)).ok().map(|m| (m.len(), m.modified().ok()));
            if now != state.inbox.judged(name) {
                state.inbox.forget(name);
                return None;
            }
            // A writer that paused longer than the stability window still has the file open
            // (seen on Windows; it is judged again from the start).
            if crate::output::is_open_for_writing(&route.inbox.join(name)) {
                tracing::debug!(route = %route.name, file = %name, "waits: still open by the program writing it");
                state.inbox.forget(name);
                return None;
            }
        }
        if let Err(reason) = std::fs::create_dir_all(&route.processing) {
            tracing::error!(route = %route.name, folder = %route.processing.display(), "{}", tr!("watch-cannot-make-folder", error = reason.to_string()));
            return None;
        }
        let mut claimed = Vec::new();
        for name in &names {
            let from = route.inbox.join(name);
            let to = route.processing.join(name);
            match fsutil::move_file(&from, &to) {
                Ok(()) => {
                    claimed.push(name.to_string());
                    if let Some(flag) = route.flag_file.as_ref().filter(|f| !f.is_fixed()) {
                        remove_flag(route, &flag.for_file(name));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    tracing::debug!(route = %route.name, file = %name, "left the inbox before it was taken");
                }
                Err(e) if crate::output::is_in_use(&e) => {
                    tracing::debug!(route = %route.name, file = %name, "waits: another program has it open");
                }
                Err(e) => {
                    tracing::warn!(route = %route.name, file = %name, "{}", tr!("watch-cannot-take", error = e.to_string()))
                }
            }
            state.inbox.forget(name);
        }
        if claimed.is_empty() {
            return None;
        }
        // No folder sync: a claim lost to a power cut only puts the file back into the inbox.
        tracing::info!(route = %route.name, file = %claimed.join(" + "), "{}", tr!("watch-taken"));
        Some(Job::new(index, claimed))
    }
}

/// Summarises the journal's old finished jobs (see [`journal::compact`]) before it is opened.
fn compact_journal(config: &Config) -> Result<()> {
    let path = config.journal_path();
    // A retention beyond the calendar keeps everything.
    let Some(cutoff) = chrono::Duration::from_std(config.timings.journal_retention)
        .ok()
        .and_then(|retention| chrono::Local::now().checked_sub_signed(retention))
    else {
        return Ok(());
    };
    // Recovery reads the last entry of every file in processing/: those entries stay.
    let in_processing: HashSet<(String, String)> = config
        .routes
        .iter()
        .flat_map(|route| {
            let names = std::fs::read_dir(&route.processing).into_iter().flatten().flatten();
            names.filter_map(|e| e.file_name().into_string().ok()).map(|name| (route.name.clone(), name))
        })
        .collect();
    let keep = |route: &str, name: &str| in_processing.contains(&(route.to_string(), name.to_string()));
    if let Some(done) = journal::compact::compact(&path, cutoff, &keep)? {
        tracing::info!(journal = %path.display(), removed = done.removed, kept = done.kept, unreadable = done.unreadable,
            retention = %humantime::format_duration(config.timings.journal_retention), "{}", tr!("watch-journal-compacted"));
    }
    Ok(())
}

fn remove_flag(route: &config::Route, name: &str) {
    match std::fs::remove_file(route.inbox.join(name)) {
        Ok(()) => tracing::debug!(route = %route.name, flag = %name, "flag file removed"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(route = %route.name, flag = %name, "{}", tr!("watch-cannot-remove-flag", error = e.to_string()))
        }
    }
}
