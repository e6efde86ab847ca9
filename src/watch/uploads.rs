//! The upload queue of the routes with `upload = …`: outputs of `done` jobs without an
//! `uploaded` entry, oldest first, one upload per route between two rounds of inbox listing.

use std::time::Instant;

use super::journal;
use super::{fsutil, Watcher};
use crate::tr;

impl Watcher {
    /// The uploads of route `index` to do in this run: queued by the journal, for an upload the
    /// route still has, not given up.
    pub(super) fn upload_queue(&self, index: usize) -> usize {
        self.next_uploads(index).count()
    }

    fn next_uploads(&self, index: usize) -> impl Iterator<Item = &journal::PendingUpload> {
        let route = &self.config.routes[index];
        let state = &self.routes[index];
        self.journal.state().pending_uploads(&route.name).filter(move |p| {
            route.uploads.iter().any(|u| u.name == p.target)
                && !state.upload_given_up.contains(&(p.key.clone(), p.target.clone()))
        })
    }

    /// Sends the oldest queued output of every route whose uploads are not waiting for a retry.
    pub(super) fn run_uploads(&mut self) {
        for index in 0..self.routes.len() {
            if self.stopped() {
                return;
            }
            if self.routes[index].upload_until.is_some_and(|t| Instant::now() < t) {
                continue;
            }
            let Some(item) = self.next_uploads(index).next().cloned() else { continue };
            self.upload_one(index, &item);
        }
    }

    fn upload_one(&mut self, index: usize, item: &journal::PendingUpload) {
        let route = &self.config.routes[index];
        let Some(upload) = route.uploads.iter().find(|u| u.name == item.target) else { return };
        let target = &route.targets[upload.target];
        let file = item.inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(" + ");
        let attempt = item.attempts + 1;
        tracing::info!(route = %route.name, file = %file, upload = %item.target, output = %item.output.display(), attempt, "{}", tr!("watch-uploading"));
        let result = if fsutil::exists(&item.output) {
            let mut write = target.write.clone();
            write.flag_file = None;
            let opts = crate::convert::ConvertOptions {
                from: Some(target.format.name.to_string()),
                to: target.format.name.to_string(),
                read: crate::options::ReadOptions::default(),
                write,
                threads: Default::default(),
            };
            let mut diag = crate::diagnostics::Diagnostics::new(false);
            crate::upload::upload_file(
                &self.config.services,
                upload.service,
                &item.output,
                &opts,
                &mut diag,
                &mut |_| {},
            )
            .map_err(|e| {
                let retry = matches!(e, crate::upload::Error::Remote { .. }) && !e.is_client_error();
                (e.to_string(), retry)
            })
            .and_then(|outcome| match &outcome {
                // The service broke off the per-item upload: the rest is sent by a retry
                // (delta sync skips what arrived).
                crate::upload::Outcome::BifitApi(o) if o.aborted.is_some() || o.not_attempted > 0 => {
                    let why = o.aborted.clone().unwrap_or_else(|| tr!("watch-upload-stopped-early"));
                    Err((format!("{why} ({outcome})"), true))
                }
                _ => Ok(outcome),
            })
        } else {
            Err((tr!("watch-upload-output-gone", output = item.output.display().to_string()), false))
        };
        let event = match &result {
            Ok(outcome) => journal::Event::Uploaded {
                target: item.target.clone(),
                output: item.output.clone(),
                result: outcome.to_string(),
            },
            Err((error, _)) => journal::Event::UploadFailed {
                target: item.target.clone(),
                output: item.output.clone(),
                error: error.clone(),
                attempt,
            },
        };
        let journaled = self.journal.append(journal::Entry::new(&route.name, &item.key, &item.inputs, event));
        let state = &mut self.routes[index];
        match result {
            Ok(outcome) => {
                self.summary.uploaded += 1;
                if outcome.is_clean() {
                    tracing::info!(route = %route.name, file = %file, upload = %item.target, "{}", tr!("watch-uploaded", outcome = outcome.to_string()));
                } else {
                    tracing::warn!(route = %route.name, file = %file, upload = %item.target, "{}", tr!("watch-uploaded-with-problems", outcome = outcome.to_string()));
                }
                state.upload_until = None;
                state.upload_backoff = self.config.timings.retry_min;
                if let Err(e) = journaled {
                    // Sent, but not recorded: it would be sent again (once) after a restart.
                    tracing::error!(route = %route.name, file = %file, upload = %item.target, "{}", tr!("watch-journal-unwritable", error = e.to_string()));
                    state.upload_given_up.insert((item.key.clone(), item.target.clone()));
                }
            }
            Err((error, retry)) => {
                self.summary.upload_failures += 1;
                if let Err(e) = journaled {
                    tracing::error!(route = %route.name, "{}", tr!("watch-journal-unwritable", error = e.to_string()));
                }
                if retry {
                    let delay = state.upload_backoff;
                    state.upload_until = Some(Instant::now() + delay);
                    state.upload_backoff = (delay * 2).min(self.config.timings.retry_max);
                    tracing::warn!(route = %route.name, file = %file, upload = %item.target, attempt, retry_in = ?delay, "{}", tr!("watch-upload-failed-retry", error = &error));
                } else {
                    state.upload_given_up.insert((item.key.clone(), item.target.clone()));
                    tracing::error!(route = %route.name, file = %file, upload = %item.target, attempt, "{}", tr!("watch-upload-failed-given-up", error = &error));
                }
            }
        }
    }

    /// Uploads refused in this run (retrying cannot help) and still queued in the journal: the
    /// next start tries them again.
    pub(super) fn uploads_left(&self) -> u64 {
        (0..self.routes.len())
            .map(|index| {
                let route = &self.config.routes[index];
                let given_up = &self.routes[index].upload_given_up;
                self.journal
                    .state()
                    .pending_uploads(&route.name)
                    .filter(|p| given_up.contains(&(p.key.clone(), p.target.clone())))
                    .count() as u64
            })
            .sum()
    }
}
