//! One job: files claimed into `processing/` become outputs in the outbox, then move to `done/`
//! (or to `error/` with a report). Every step that matters after a crash is in the journal first.
//!
//! Outputs are converted to hidden staging files in their outbox (`.NAME.KEY.partial`, themselves
//! written through a temporary name and synced), and renamed into place only when every target
//! succeeded: an input is converted to all its targets or to none.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::config::{Config, Route};
use super::fsutil::{self, exists, stamped_name};
use super::journal::{Entry, Event, InputRef, Journal, UploadRef};
use crate::convert::{self, ConvertOptions};
use crate::diagnostics::Diagnostics;
use crate::error::{Error, ErrorKind, UNNAMED_OUTPUT};
use crate::i18n::Message;
use crate::output::OutputTarget;
use crate::text::RawInput;
use crate::{msg, tr};

/// Files of one route in `processing/`, converted together (one file, or the files of a package;
/// the reader finds each file's role).
#[derive(Debug, Clone)]
pub struct Job {
    pub route: usize,
    pub inputs: Vec<String>,
    /// The outputs recorded in the journal's `started` entry (a job redone after a crash).
    pub plan: Option<Vec<PathBuf>>,
    /// A job a stop interrupted: its next conversion journals `started` again (counted by the
    /// dead-letter rule).
    pub redo: bool,
    /// The journal already has the job's last word; only moving the inputs remains.
    pub finishing: Option<Finishing>,
    /// The inputs' hashes and the job's key, once read.
    pub identity: Option<Identity>,
    /// Conversions that failed because of an outbox, in this run.
    pub outbox_failures: u32,
}

/// What the journal knows a job by.
#[derive(Debug, Clone)]
pub struct Identity {
    pub inputs: Vec<InputRef>,
    pub key: String,
}

impl Job {
    pub fn new(route: usize, inputs: Vec<String>) -> Self {
        Job { route, inputs, plan: None, redo: false, finishing: None, identity: None, outbox_failures: 0 }
    }

    /// A job to convert again with the outputs its interrupted conversion had planned.
    pub fn redo(route: usize, inputs: Vec<String>, plan: Vec<PathBuf>) -> Self {
        Job { plan: Some(plan), redo: true, ..Job::new(route, inputs) }
    }

    /// A job whose last word is journaled: only its files' move remains.
    pub fn finishing(route: usize, inputs: Vec<String>, finishing: Finishing) -> Self {
        Job { finishing: Some(finishing), ..Job::new(route, inputs) }
    }
}

#[derive(Debug, Clone)]
pub struct Finishing {
    pub outcome: Outcome,
    /// Where each input goes, in the order of `Job::inputs`.
    pub moved_to: Vec<PathBuf>,
    /// The error report to write first: path and text.
    pub report: Option<(PathBuf, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Converted,
    Repeat,
    Failed,
    Vanished,
    /// The outbox (or the done/error folder, or the journal) failed: the job stays queued.
    Blocked(String),
}

/// What went wrong in a conversion, by who is to blame.
enum Blame {
    /// The input (or the route's options for it): to `error/`.
    Input(Error),
    /// The environment: keep the input and retry.
    Environment(String),
    Vanished,
}

fn classify(err: Error, outboxes: &[&Path], inputs: &[PathBuf]) -> Blame {
    if let ErrorKind::Io { path, source } = err.kind() {
        if path.as_os_str() == UNNAMED_OUTPUT || outboxes.iter().any(|o| path.starts_with(o)) {
            return Blame::Environment(err.to_string());
        }
        if inputs.iter().any(|i| i == path) {
            if source.kind() == io::ErrorKind::NotFound {
                return Blame::Vanished;
            }
            if crate::text::decode_failure(source).is_none() && source.kind() != io::ErrorKind::InvalidData {
                return Blame::Environment(err.to_string());
            }
        }
    }
    Blame::Input(err)
}

/// What to do about an error, for the report next to a failed file.
pub fn advice(kind: &ErrorKind) -> Message {
    match kind {
        ErrorKind::BadValue { .. } | ErrorKind::Syntax { .. } | ErrorKind::Encoding { .. } => {
            msg!("watch-advice-fix-file")
        }
        ErrorKind::UnknownFormat { .. } | ErrorKind::Undetected { .. } => msg!("watch-advice-set-from"),
        ErrorKind::Ambiguous { .. } => msg!("watch-advice-ambiguous"),
        ErrorKind::Unsupported { .. } => msg!("watch-advice-unsupported"),
        ErrorKind::Usage(_) | ErrorKind::Conversion { .. } | ErrorKind::Strict(_) => msg!("watch-advice-option"),
        ErrorKind::Io { .. } => msg!("watch-advice-unreadable"),
        ErrorKind::Limit { .. } => msg!("watch-advice-limit"),
    }
}

/// The text of `<name>.error.txt`, in the current language.
pub fn report_text(route: &Route, inputs: &[InputRef], error: &str, advice: &str) -> String {
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let at = crate::i18n::date_time(chrono::Local::now().naive_local(), crate::i18n::current());
    let mut text = format!(
        "{}\n{}\n",
        tr!("watch-report-title", files = names.join(" + ")),
        tr!("watch-report-route", route = &route.name, at = at)
    );
    for i in inputs {
        text.push_str(&format!("{}\n", tr!("watch-report-sha256", file = &i.name, sha256 = &i.sha256)));
    }
    text.push_str(&format!(
        "\n{}\n  {error}\n\n{}\n  {advice}\n",
        tr!("watch-report-what-is-wrong"),
        tr!("watch-report-what-to-do")
    ));
    text.push_str(&format!("  {}\n", tr!("watch-report-drop-again", inbox = route.inbox.display().to_string())));
    text
}

/// The staging file of one output.
pub fn staging_path(output: &Path, key: &str) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    output.with_file_name(format!(".{name}.{}.partial", &key[..key.len().min(12)]))
}

/// A folder the job writes into: made when missing (only the last level: a folder on an
/// unmounted share is not conjured up), else the reason it cannot be used.
pub(crate) fn usable_folder(dir: &Path) -> Result<(), String> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(tr!("watch-not-a-folder", folder = dir.display().to_string())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(dir) {
            Ok(()) => Ok(()),
            Err(e) => {
                Err(tr!("watch-folder-cannot-be-made", folder = dir.display().to_string(), error = e.to_string()))
            }
        },
        Err(e) => Err(format!("{}: {e}", dir.display())),
    }
}

pub struct Worker<'a> {
    pub config: &'a Config,
    pub journal: &'a mut Journal,
}

impl Worker<'_> {
    fn append(&mut self, entry: Entry) -> Result<(), Outcome> {
        self.journal.append(entry).map_err(|e| Outcome::Blocked(tr!("watch-journal-unwritable", error = e.to_string())))
    }

    /// Runs a job as far as it goes. `Blocked` leaves everything in `processing/`; the job (as
    /// updated here) is to be run again later.
    pub fn run(&mut self, job: &mut Job) -> Outcome {
        match self.run_inner(job) {
            Ok(outcome) | Err(outcome) => outcome,
        }
    }

    fn run_inner(&mut self, job: &mut Job) -> Result<Outcome, Outcome> {
        let config = self.config;
        let route = &config.routes[job.route];
        if job.finishing.is_some() {
            return self.finish(job);
        }
        let paths: Vec<PathBuf> = job.inputs.iter().map(|n| route.processing.join(n)).collect();
        let mut inputs = Vec::new();
        for (name, path) in job.inputs.iter().zip(&paths) {
            match fsutil::sha256_file(path) {
                Ok(sha256) => inputs.push(InputRef { name: name.clone(), sha256 }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    tracing::warn!(route = %route.name, file = %name, "{}", tr!("watch-vanished-before"));
                    let known: Vec<InputRef> =
                        job.inputs.iter().map(|n| InputRef { name: n.clone(), sha256: String::new() }).collect();
                    self.append(Entry::new(&route.name, "", &known, Event::Vanished {}))?;
                    return Ok(Outcome::Vanished);
                }
                Err(e) => {
                    return Err(Outcome::Blocked(tr!(
                        "watch-input-unreadable",
                        path = path.display().to_string(),
                        error = e.to_string()
                    )))
                }
            }
        }
        let key = match inputs.as_slice() {
            [one] => one.sha256.clone(),
            many => {
                let parts: Vec<(&str, &str)> = many.iter().map(|i| ("input", i.sha256.as_str())).collect();
                fsutil::sha256_of(&parts)
            }
        };
        job.identity = Some(Identity { inputs: inputs.clone(), key: key.clone() });

        if job.plan.is_none() {
            if let Some(earlier) = self.journal.state().done(&route.name, &key) {
                let of = earlier.at.to_rfc3339();
                let first = earlier.inputs.first().map(|i| i.name.clone()).unwrap_or_default();
                let moved_to: Vec<PathBuf> =
                    job.inputs.iter().map(|n| stamped_name(&route.done, n, Some("repeat"))).collect();
                self.append(Entry::new(
                    &route.name,
                    &key,
                    &inputs,
                    Event::Repeat { of: of.clone(), moved_to: moved_to.clone() },
                ))?;
                tracing::info!(route = %route.name, file = %job.inputs.join(" + "), earlier = %first, converted_at = %of,
                    "{}", tr!("watch-repeat"));
                job.finishing = Some(Finishing { outcome: Outcome::Repeat, moved_to, report: None });
                return self.finish(job);
            }
        }

        let main = &job.inputs[0];
        let mut outputs = match &job.plan {
            Some(plan) if job.redo => {
                self.append(Entry::new(&route.name, &key, &inputs, Event::Started { outputs: plan.clone() }))?;
                job.redo = false;
                plan.clone()
            }
            Some(plan) => plan.clone(),
            None => {
                let state = self.journal.state();
                let plan: Vec<PathBuf> = route
                    .targets
                    .iter()
                    .map(|t| {
                        let name = t.output_name(main);
                        let plain = t.outbox.join(&name);
                        if exists(&plain) && state.output_owner(&plain) != Some(key.as_str()) {
                            stamped_name(&t.outbox, &name, None)
                        } else {
                            plain
                        }
                    })
                    .collect();
                self.append(Entry::new(&route.name, &key, &inputs, Event::Started { outputs: plan.clone() }))?;
                job.plan = Some(plan.clone());
                plan
            }
        };
        tracing::info!(route = %route.name, file = %job.inputs.join(" + "), "{}", tr!("watch-converting"));

        let outboxes: Vec<&Path> = route.targets.iter().map(|t| t.outbox.as_path()).collect();
        for dir in &outboxes {
            if let Err(reason) = usable_folder(dir) {
                return self.outbox_failed(job, &inputs, &key, reason);
            }
        }
        let stagings: Vec<PathBuf> = outputs.iter().map(|o| staging_path(o, &key)).collect();
        let cleanup = |stagings: &[PathBuf]| {
            for s in stagings {
                fsutil::remove_staging(s);
            }
        };
        let mut records = 0;
        let mut warnings = 0;
        for ((target, staging), output) in route.targets.iter().zip(&stagings).zip(&outputs) {
            fsutil::remove_staging(staging);
            let mut opts = ConvertOptions {
                from: route.from.clone(),
                to: target.format.name.to_string(),
                read: route.read.clone(),
                write: target.write.clone(),
                threads: Default::default(),
            };
            // The flag comes after the final rename, below.
            opts.write.flag_file = None;
            opts.read.with = paths[1..].to_vec();
            let mut diag = Diagnostics::new(false);
            let result = fs::File::open(&paths[0])
                .map_err(|e| Error::io(&paths[0], e))
                .and_then(|f| RawInput::from_reader(main.clone(), Some(paths[0].clone()), Box::new(f)))
                .and_then(|input| {
                    convert::convert(input, &OutputTarget::File(staging.clone()), &opts, &mut diag, None)
                });
            for w in diag.kept() {
                tracing::warn!(route = %route.name, file = %main, target = %target.format.name, "{w}");
            }
            warnings += diag.total();
            match result {
                Ok(summary) => {
                    let c = summary.counts;
                    records = records.max(c.groups + c.products + c.receipts + c.orders);
                    tracing::debug!(route = %route.name, file = %main, output = %output.display(), "staged");
                }
                Err(err) => {
                    cleanup(&stagings);
                    return match classify(err, &outboxes, &paths) {
                        Blame::Environment(reason) => self.outbox_failed(job, &inputs, &key, reason),
                        Blame::Vanished => {
                            tracing::warn!(route = %route.name, file = %main, "{}", tr!("watch-vanished-while"));
                            self.append(Entry::new(&route.name, &key, &inputs, Event::Vanished {}))?;
                            Ok(Outcome::Vanished)
                        }
                        Blame::Input(err) => self.fail(job, &inputs, &key, &err),
                    };
                }
            }
        }
        for (i, (staging, output)) in stagings.iter().zip(outputs.iter_mut()).enumerate() {
            let placed = crate::output::rename_over(staging, output).or_else(|e| {
                // A reader (the till's import, Excel) still holds the output being replaced
                // (Windows): the new content goes under a new name, as when the name is taken.
                if !crate::output::is_replace_refused(&e) {
                    return Err(e);
                }
                let dir = output.parent().unwrap_or(Path::new("."));
                let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let other = stamped_name(dir, &name, None);
                fs::rename(staging, &other)?;
                tracing::warn!(route = %route.name, file = %main, output = %other.display(), "{}",
                    tr!("watch-output-in-use", path = output.display().to_string()));
                *output = other;
                Ok(())
            });
            if let Err(e) = placed {
                cleanup(&stagings[i..]);
                return Err(Outcome::Blocked(tr!(
                    "watch-outbox-failing-at",
                    path = output.display().to_string(),
                    error = e.to_string()
                )));
            }
        }
        for dir in &outboxes {
            fsutil::sync_dir(dir);
        }
        fsutil::make_flags(route.targets.iter().filter_map(|t| t.write.flag_file.as_deref())).map_err(
            |(flag, e)| {
                Outcome::Blocked(tr!(
                    "watch-outbox-failing-at",
                    path = flag.display().to_string(),
                    error = e.to_string()
                ))
            },
        )?;
        let moved_to: Vec<PathBuf> = job.inputs.iter().map(|n| stamped_name(&route.done, n, None)).collect();
        self.append(Entry::new(
            &route.name,
            &key,
            &inputs,
            Event::Done {
                outputs: outputs.clone(),
                moved_to: moved_to.clone(),
                records,
                warnings,
                uploads: route
                    .uploads
                    .iter()
                    .map(|u| UploadRef { target: u.name.to_string(), output: outputs[u.target].clone() })
                    .collect(),
            },
        ))?;
        let shown: Vec<String> = outputs.iter().map(|o| o.display().to_string()).collect();
        tracing::info!(route = %route.name, file = %job.inputs.join(" + "), outputs = %shown.join(", "), records, warnings, "{}", tr!("watch-converted"));
        job.finishing = Some(Finishing { outcome: Outcome::Converted, moved_to, report: None });
        self.finish(job)
    }

    /// An outbox failed before any output was in place: the job is retried later (`Blocked`),
    /// or, after `max-retries` retries, its input goes to `error/` with the reason.
    fn outbox_failed(
        &mut self,
        job: &mut Job,
        inputs: &[InputRef],
        key: &str,
        reason: String,
    ) -> Result<Outcome, Outcome> {
        job.outbox_failures += 1;
        let max_retries = self.config.timings.max_retries;
        if job.outbox_failures <= max_retries {
            return Err(Outcome::Blocked(tr!("watch-outbox-failing", reason = reason)));
        }
        let error =
            tr!("watch-outbox-gave-up", tries = job.outbox_failures, max_retries = max_retries, reason = reason);
        self.fail_with(job, inputs, key, error, tr!("watch-advice-outbox"))
    }

    fn fail(&mut self, job: &mut Job, inputs: &[InputRef], key: &str, err: &Error) -> Result<Outcome, Outcome> {
        self.fail_with(job, inputs, key, err.to_string(), advice(err.kind()).to_string())
    }

    /// Journals the failure, then writes the report and moves the inputs to `error/`.
    fn fail_with(
        &mut self,
        job: &mut Job,
        inputs: &[InputRef],
        key: &str,
        error: String,
        advice: String,
    ) -> Result<Outcome, Outcome> {
        let route = &self.config.routes[job.route];
        let (event, finishing) = failure(route, &job.inputs, inputs, error.clone(), advice);
        self.append(Entry::new(&route.name, key, inputs, event))?;
        if let Some((report, _)) = &finishing.report {
            tracing::warn!(route = %route.name, file = %job.inputs.join(" + "), report = %report.display(), "{}", tr!("watch-failed", error = &error));
        }
        job.finishing = Some(finishing);
        self.finish(job)
    }

    /// Writes the report (if any) and moves the inputs to their folder.
    fn finish(&mut self, job: &mut Job) -> Result<Outcome, Outcome> {
        let route = &self.config.routes[job.route];
        let finishing = job.finishing.clone().expect("finishing");
        if let Some(dir) = finishing.moved_to.first().and_then(|p| p.parent()) {
            usable_folder(dir).map_err(|reason| Outcome::Blocked(tr!("watch-cannot-move-file", reason = reason)))?;
        }
        if let Some((path, text)) = &finishing.report {
            if !exists(path) {
                fsutil::write_atomic(path, text.as_bytes())
                    .map_err(|e| Outcome::Blocked(tr!("watch-cannot-write-report", error = e.to_string())))?;
            }
        }
        for (name, dest) in job.inputs.iter().zip(&finishing.moved_to) {
            let src = route.processing.join(name);
            if !exists(&src) {
                continue;
            }
            fsutil::move_file(&src, dest).map_err(|e| {
                Outcome::Blocked(tr!(
                    "watch-cannot-move",
                    from = src.display().to_string(),
                    to = dest.display().to_string(),
                    error = e.to_string()
                ))
            })?;
        }
        // No folder sync here: a move lost to a power cut leaves the file in processing/, where
        // the journal's final entry makes the next start finish the move.
        Ok(finishing.outcome)
    }
}

/// The `failed` entry of a job whose `inputs` (names in `processing/`, with their hashes in
/// `refs`) go to `error/`, and the move that follows it (the report first).
pub fn failure(
    route: &Route,
    inputs: &[String],
    refs: &[InputRef],
    error: String,
    advice: String,
) -> (Event, Finishing) {
    let moved_to: Vec<PathBuf> = inputs.iter().map(|n| stamped_name(&route.error, n, None)).collect();
    let report = report_path(&moved_to[0]);
    let text = report_text(route, refs, &error, &advice);
    let finishing =
        Finishing { outcome: Outcome::Failed, moved_to: moved_to.clone(), report: Some((report.clone(), text)) };
    (Event::Failed { error, advice, moved_to, report }, finishing)
}

/// `error/goods.20250301-101500.xml` → `error/goods.20250301-101500.xml.error.txt`.
pub fn report_path(moved: &Path) -> PathBuf {
    let mut name = moved.file_name().unwrap_or_default().to_os_string();
    name.push(".error.txt");
    moved.with_file_name(name)
}
