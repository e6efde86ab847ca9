//! Pulls: what the drop folder fetches from a service on a schedule (`[[pull]]`), e.g. the
//! receipts of the till for 1C's offline-till import.
//!
//! A run asks for `[cursor, now − settle)`, period by period (at most `max-period` each), oldest
//! first. Each period is fetched into a temporary file in the data folder, converted to every
//! target into staging files beside the final names (records delivered in an earlier period left
//! out), then journaled `staged`, renamed into place, flagged, and journaled `done`, which moves
//! the cursor. See [`journal`] for what a crash at each step leaves and how it is finished.
//!
//! An output name without `{from}`/`{to}` (the fixed file 1C's exchange reads) is never
//! overwritten while it holds an earlier period that has not been taken: the pull waits, and the
//! next run's period covers the time in between.

pub mod journal;
pub mod schedule;
pub mod source;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, NaiveTime};

pub use journal::{PullEntry, PullEvent, PullJournal, PullState};
use schedule::{next_period, span};

use super::config::{Config, Pull, PERIOD_NAME_FORMAT};
use super::fsutil::{self, exists};
use super::worker::{staging_path, usable_folder};
use crate::convert::{self, ConvertOptions};
use crate::diagnostics::Diagnostics;
use crate::model::Record;
use crate::output::OutputTarget;
use crate::text::RawInput;
use crate::tr;

/// How a run of a pull ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Caught up to now − settle (or asked to stop between two periods).
    UpToDate,
    /// An output name is still taken by an earlier period's output that was not picked up.
    Waiting(String),
    /// The service, its answer or an outbox failed: the cursor stays, the period is retried.
    Failed(String),
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub periods: u64,
    pub records: u64,
    /// Records left out as delivered in an earlier period.
    pub repeats: u64,
    pub ending: Ending,
}

/// The start of the first period when the journal has no cursor: `since`, else today 00:00.
pub fn first_cursor(pull: &Pull, now: NaiveDateTime) -> NaiveDateTime {
    pull.since.unwrap_or_else(|| now.date().and_time(NaiveTime::MIN))
}

/// What names a period's staging files: the pull and the period.
pub fn period_key(pull: &Pull, from: NaiveDateTime, to: NaiveDateTime) -> String {
    let (from, to) = (from.format(PERIOD_NAME_FORMAT).to_string(), to.format(PERIOD_NAME_FORMAT).to_string());
    fsutil::sha256_of(&[("pull", &pull.name), ("from", &from), ("to", &to)])
}

/// The current local time of this machine, in whole seconds: the schedule's clock.
pub fn now() -> NaiveDateTime {
    schedule::whole_seconds(chrono::Local::now().naive_local())
}

/// The current time on the service's clock (`utc-offset`, else this machine's), in whole
/// seconds: the periods' clock.
pub fn service_now(pull: &Pull) -> NaiveDateTime {
    match pull.utc_offset {
        Some(offset) => schedule::whole_seconds(chrono::Utc::now().with_timezone(&offset).naive_local()),
        None => now(),
    }
}

/// Runs pulls: fetch, leave out repeats, convert to every target, put in place, journal.
pub struct Puller<'a> {
    pub config: &'a Config,
    pub journal: &'a mut PullJournal,
}

struct Delivered {
    records: u64,
    repeats: u64,
}

fn show(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

impl Puller<'_> {
    fn append(&mut self, pull: &Pull, event: PullEvent) -> Result<(), Ending> {
        self.journal
            .append(PullEntry::new(&pull.name, event))
            .map_err(|e| Ending::Failed(tr!("pull-journal-unwritable", error = e.to_string())))
    }

    /// Finishes a period an interruption left staged (its renames and flags). A period only
    /// started is redone by the next run instead.
    pub fn recover(&mut self, pull: &Pull) -> Result<(), Ending> {
        let Some(open) = self.journal.state(&pull.name).open else { return Ok(()) };
        if let PullEvent::Staged { from, to, outputs, delivered, repeats } = open.event {
            self.publish(pull, from, to, &outputs, delivered.len() as u64, repeats)?;
            tracing::info!(pull = %pull.name, from = %show(from), to = %show(to), "{}", tr!("pull-finished-staged"));
        }
        Ok(())
    }

    /// Runs a pull now: every period from its cursor up to `now` (the service's clock, see
    /// [`service_now`]) − settle, oldest first, until one cannot be delivered or `stop` says so.
    pub fn run(&mut self, pull: &Pull, now: NaiveDateTime, stop: &dyn Fn() -> bool) -> RunReport {
        let mut report = RunReport { periods: 0, records: 0, repeats: 0, ending: Ending::UpToDate };
        if let Err(ending) = self.recover(pull) {
            report.ending = ending;
            return report;
        }
        let end = now - span(pull.settle);
        while !stop() {
            let state = self.journal.state(&pull.name);
            // A period an interruption left started is redone as it was: same period, same names.
            let period = match state.open.as_ref().map(|e| &e.event) {
                Some(PullEvent::Started { from, to, .. }) => Some((*from, *to)),
                _ => next_period(state.cursor.unwrap_or_else(|| first_cursor(pull, now)), end, pull.max_period),
            };
            let Some((from, to)) = period else { break };
            match self.deliver(pull, from, to, false) {
                Ok(d) => {
                    report.periods += 1;
                    report.records += d.records;
                    report.repeats += d.repeats;
                    let after = self.journal.state(&pull.name);
                    if after.cursor == state.cursor && after.open.is_none() && state.open.is_none() {
                        // Only a period beyond the cursor (pulled by hand) leaves it; never spin.
                        break;
                    }
                }
                Err(ending) => {
                    report.ending = ending;
                    break;
                }
            }
        }
        report
    }

    /// One period by hand (`kassa-bridge pull NAME --from … --to …`); `again` delivers records
    /// delivered before as well.
    pub fn run_period(&mut self, pull: &Pull, from: NaiveDateTime, to: NaiveDateTime, again: bool) -> RunReport {
        let mut report = RunReport { periods: 0, records: 0, repeats: 0, ending: Ending::UpToDate };
        if let Err(ending) = self.recover(pull).and_then(|()| self.deliver(pull, from, to, again)).map(|d| {
            report.periods = 1;
            report.records = d.records;
            report.repeats = d.repeats;
        }) {
            report.ending = ending;
        }
        report
    }

    /// Fetches one period and puts its outputs in place.
    fn deliver(
        &mut self,
        pull: &Pull,
        from: NaiveDateTime,
        to: NaiveDateTime,
        again: bool,
    ) -> Result<Delivered, Ending> {
        let key = period_key(pull, from, to);
        let outputs: Vec<PathBuf> = pull.targets.iter().map(|t| t.outbox.join(pull.output_name(t, from, to))).collect();
        let written_by = self.journal.state(&pull.name).written_by;
        for (target, output) in pull.targets.iter().zip(&outputs) {
            // An output of this same period (pulled again by hand) is replaced; one of another
            // period only once its consumer has marked it loaded.
            let taken = exists(output)
                && written_by.get(output) != Some(&(from, to))
                && !target.format.processed.is_some_and(|processed| processed(output));
            if taken {
                let reason = tr!(
                    "pull-waiting-for-consumer",
                    output = output.display().to_string(),
                    from = crate::i18n::date_time(from, crate::i18n::current())
                );
                let said = matches!(self.journal.state(&pull.name).last_error,
                    Some(PullEntry { event: PullEvent::Waiting { reason: ref r, .. }, .. }) if *r == reason);
                if !said {
                    tracing::info!(pull = %pull.name, "{}", tr!("pull-waiting", reason = &reason));
                    self.append(pull, PullEvent::Waiting { from, reason: reason.clone() })?;
                }
                return Err(Ending::Waiting(reason));
            }
        }
        self.append(pull, PullEvent::Started { from, to, outputs: outputs.clone() })?;
        let fail = |this: &mut Self, error: String| -> Ending {
            tracing::warn!(pull = %pull.name, from = %show(from), to = %show(to), "{}", tr!("pull-period-failed", error = &error));
            match this.append(pull, PullEvent::Failed { from, to, error: error.clone() }) {
                Ok(()) => Ending::Failed(error),
                Err(ending) => ending,
            }
        };
        for target in &pull.targets {
            if let Err(reason) = usable_folder(&target.outbox) {
                return Err(fail(self, tr!("pull-outbox-failing", reason = reason)));
            }
        }
        let raw = self.config.data_dir.join(format!(".pull-{}.{}.partial", pull.name, &key[..12]));
        let stagings: Vec<PathBuf> = outputs.iter().map(|o| staging_path(o, &key)).collect();
        let cleanup = |stagings: &[PathBuf]| {
            fsutil::remove_staging(&raw);
            for s in stagings {
                fsutil::remove_staging(s);
            }
        };
        cleanup(&stagings);
        tracing::debug!(pull = %pull.name, from = %show(from), to = %show(to), "pulling");
        if let Err(e) = (pull.source.fetch_period)(&self.config.services, from, to, &raw) {
            cleanup(&stagings);
            return Err(fail(self, e.to_string()));
        }
        let state = self.journal.state(&pull.name);
        let remembered: HashSet<&str> =
            if again { HashSet::new() } else { state.delivered_since(from - span(pull.remember)) };
        let mut delivered: Vec<String> = Vec::new();
        let mut repeats = 0;
        for (i, (target, staging)) in pull.targets.iter().zip(&stagings).enumerate() {
            let mut write = target.write.clone();
            // The flag comes after the final rename.
            write.flag_file = None;
            let opts = ConvertOptions {
                from: Some(pull.source.format.to_string()),
                to: target.format.name.to_string(),
                write,
                ..Default::default()
            };
            let (mut ids, mut left_out, mut here) = (Vec::new(), Vec::new(), HashSet::new());
            let mut keep = |record: &Record| match (pull.source.identity)(record) {
                Some(id) if remembered.contains(id.as_str()) || here.contains(&id) => {
                    left_out.push(id);
                    false
                }
                Some(id) => {
                    here.insert(id.clone());
                    ids.push(id);
                    true
                }
                None => true,
            };
            let mut diag = Diagnostics::new(false);
            let result = RawInput::open(&raw).and_then(|input| {
                convert::convert_filtered(
                    input,
                    &OutputTarget::File(staging.clone()),
                    &opts,
                    &mut diag,
                    None,
                    Some(&mut keep),
                )
            });
            for w in diag.kept() {
                tracing::warn!(pull = %pull.name, target = %target.format.name, "{w}");
            }
            if let Err(e) = result {
                cleanup(&stagings);
                return Err(fail(self, format!("{} → {}: {e}", pull.source.format, target.format.name)));
            }
            if i == 0 {
                if !left_out.is_empty() {
                    let shown: Vec<&str> = left_out.iter().take(5).map(String::as_str).collect();
                    tracing::info!(pull = %pull.name, repeats = left_out.len(), first = %shown.join(", "),
                        "{}", tr!("pull-left-out"));
                }
                repeats = left_out.len() as u64;
                delivered = ids;
            }
        }
        fsutil::remove_staging(&raw);
        let records = delivered.len() as u64;
        if records == 0 && !pull.write_empty {
            cleanup(&stagings);
            let advances = self.advances(pull, from);
            self.append(pull, PullEvent::Done { from, to, outputs: Vec::new(), records, repeats, advances })?;
            tracing::info!(pull = %pull.name, from = %show(from), to = %show(to), repeats, "{}", tr!("pull-nothing-new"));
            return Ok(Delivered { records, repeats });
        }
        self.append(pull, PullEvent::Staged { from, to, outputs: outputs.clone(), delivered, repeats })?;
        self.publish(pull, from, to, &outputs, records, repeats)?;
        Ok(Delivered { records, repeats })
    }

    /// Whether a period starting at `from` moves the cursor: it starts at or before it (the
    /// cursor being `since`, or today 00:00, before the first period).
    fn advances(&self, pull: &Pull, from: NaiveDateTime) -> bool {
        from <= self.journal.state(&pull.name).cursor.unwrap_or_else(|| first_cursor(pull, service_now(pull)))
    }

    /// Renames a staged period's outputs into place, makes the flag files, journals `done`.
    fn publish(
        &mut self,
        pull: &Pull,
        from: NaiveDateTime,
        to: NaiveDateTime,
        outputs: &[PathBuf],
        records: u64,
        repeats: u64,
    ) -> Result<(), Ending> {
        let key = period_key(pull, from, to);
        for output in outputs {
            let staging = staging_path(output, &key);
            // Gone: renamed before an interruption.
            if exists(&staging) {
                crate::output::rename_over(&staging, output).map_err(|e| {
                    Ending::Failed(tr!(
                        "pull-outbox-failing-at",
                        path = output.display().to_string(),
                        error = e.to_string()
                    ))
                })?;
            }
        }
        let folders: HashSet<&Path> = outputs.iter().filter_map(|o| o.parent()).collect();
        for dir in folders {
            fsutil::sync_dir(dir);
        }
        fsutil::make_flags(pull.targets.iter().filter_map(|t| t.write.flag_file.as_deref())).map_err(|(flag, e)| {
            Ending::Failed(tr!("pull-outbox-failing-at", path = flag.display().to_string(), error = e.to_string()))
        })?;
        let advances = self.advances(pull, from);
        self.append(pull, PullEvent::Done { from, to, outputs: outputs.to_vec(), records, repeats, advances })?;
        let shown: Vec<String> = outputs.iter().map(|o| o.display().to_string()).collect();
        tracing::info!(pull = %pull.name, from = %show(from), to = %show(to), records, repeats, outputs = %shown.join(", "), "{}", tr!("pull-pulled"));
        Ok(())
    }
}
