//! The `[[pull]]`s of a running watcher: each runs when its schedule says, between two rounds
//! of inbox listing; a failed or waiting run is retried with the routes' backoff (`retry-min`
//! doubling up to `retry-max`) until it succeeds, then the schedule takes over again.

use std::time::Duration;

use chrono::NaiveDateTime;

use super::pull::{self, Ending, PullJournal, Puller};
use super::{RunMode, Watcher};
use crate::error::Result;
use crate::tr;

/// When a pull runs next.
pub(super) struct PullTimer {
    next: NaiveDateTime,
    backoff: Duration,
    /// With `--exit-when-idle`: it ran in this process (it runs once).
    ran: bool,
}

/// Opens the pulls' journal (compacted first) and sets each pull's first run from it.
pub(super) fn open(config: &super::Config) -> Result<Option<(PullJournal, Vec<PullTimer>)>> {
    if config.pulls.is_empty() {
        return Ok(None);
    }
    let path = config.pull_journal_path();
    if let Some(cutoff) = chrono::Duration::from_std(config.timings.journal_retention)
        .ok()
        .and_then(|retention| chrono::Local::now().checked_sub_signed(retention))
    {
        let remember = |name: &str| config.pull(name).map(|p| pull::schedule::span(p.remember));
        let removed = pull::journal::compact(&path, cutoff, &remember)?;
        if removed > 0 {
            tracing::info!(journal = %path.display(), removed, "{}", tr!("watch-pull-journal-compacted"));
        }
    }
    let journal = PullJournal::open(&path)?;
    if journal.skipped > 0 {
        tracing::warn!(journal = %path.display(), lines = journal.skipped, "{}", tr!("watch-pull-journal-lines-skipped"));
    }
    let now = pull::now();
    let timers = config
        .pulls
        .iter()
        .map(|p| {
            let state = journal.state(&p.name);
            // A period an interruption left unfinished is finished (or redone) at once.
            let last = if state.open.is_some() { None } else { state.last_run.map(|t| t.naive_local()) };
            PullTimer { next: p.schedule.next_after(last, now), backoff: config.timings.retry_min, ran: false }
        })
        .collect();
    Ok(Some((journal, timers)))
}

impl Watcher {
    /// Runs every pull that is due.
    pub(super) fn run_pulls(&mut self, mode: RunMode) {
        let Some((journal, timers)) = self.pulls.as_mut() else { return };
        let stop = self.stop.clone();
        let stopped = move || stop.load(std::sync::atomic::Ordering::SeqCst);
        for (index, p) in self.config.pulls.iter().enumerate() {
            let timer = &mut timers[index];
            let now = pull::now();
            if stopped() || now < timer.next || (mode == RunMode::UntilIdle && timer.ran) {
                continue;
            }
            timer.ran = true;
            let report = Puller { config: &self.config, journal }.run(p, pull::service_now(p), &stopped);
            self.summary.pulled += report.periods;
            match report.ending {
                Ending::UpToDate => {
                    timer.backoff = self.config.timings.retry_min;
                    timer.next = p.schedule.next_after(Some(now), pull::now());
                    tracing::debug!(pull = %p.name, periods = report.periods, records = report.records, next = %timer.next, "pull up to date");
                }
                Ending::Waiting(_) | Ending::Failed(_) => {
                    if matches!(report.ending, Ending::Failed(_)) {
                        self.summary.pull_failures += 1;
                    }
                    let delay = timer.backoff;
                    timer.backoff = (delay * 2).min(self.config.timings.retry_max);
                    // The retry, unless the schedule comes first.
                    let retry = now + pull::schedule::span(delay);
                    timer.next = retry.min(p.schedule.next_after(Some(now), now).max(now));
                    tracing::debug!(pull = %p.name, retry_in = ?delay, "pull retried later");
                }
            }
        }
    }

    /// Whether a pull is due now (with `--exit-when-idle`: due and not run yet).
    pub(super) fn pulls_due(&self, mode: RunMode) -> bool {
        let Some((_, timers)) = self.pulls.as_ref() else { return false };
        let now = pull::now();
        timers.iter().any(|t| now >= t.next && !(mode == RunMode::UntilIdle && t.ran))
    }

    /// How long until the next pull is due (`None`: no pulls, or none will run again).
    pub(super) fn next_pull_in(&self, mode: RunMode) -> Option<Duration> {
        let (_, timers) = self.pulls.as_ref()?;
        let now = pull::now();
        timers
            .iter()
            .filter(|t| !(mode == RunMode::UntilIdle && t.ran))
            .map(|t| (t.next - now).to_std().unwrap_or(Duration::ZERO))
            .min()
    }

    /// Finishes what an interruption left of every pull (a staged period's renames).
    pub(super) fn recover_pulls(&mut self) {
        let Some((journal, _)) = self.pulls.as_mut() else { return };
        for p in &self.config.pulls {
            if let Err(Ending::Failed(e) | Ending::Waiting(e)) = (Puller { config: &self.config, journal }).recover(p) {
                tracing::error!(pull = %p.name, "{}", tr!("watch-pull-cannot-finish", error = e.to_string()));
            }
        }
    }
}

/// Sleeps no longer than this for a pull (wall-clock schedules: the machine may sleep).
pub(super) const MAX_PULL_WAIT: Duration = Duration::from_secs(60);
