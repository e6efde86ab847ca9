//! `pull NAME`: one `[[pull]]` run now, through the same code as the drop folder's schedule; and
//! how `status` prints a pull.

use std::io::{self, Write};

use clap::Args;

use kassa_bridge::i18n::Text;
use kassa_bridge::tr;
use kassa_bridge::watch::lock::DataLock;
use kassa_bridge::watch::pull::{self, Ending, PullJournal, Puller};
use kassa_bridge::watch::status::{shown_time, PullStatus};

use super::exit::{self, code_for};
use super::watch::{files, FolderArgs, LogArgs};

#[derive(Debug, Args)]
pub struct PullArgs {
    /// The pull's `name` in the configuration.
    #[arg(value_name = "NAME")]
    pub name: String,
    #[command(flatten)]
    pub folder: FolderArgs,
    /// The start of a period to pull by hand (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, local time);
    /// with --to. It moves the cursor when it starts at or before it.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// The end of that period (excluded; a date alone is its 00:00).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// With --from/--to: deliver the receipts delivered before as well.
    #[arg(long, requires = "from")]
    pub again: bool,
    #[command(flatten)]
    pub log: LogArgs,
}

pub fn pull(args: &PullArgs, lang: Option<kassa_bridge::i18n::Lang>) -> u8 {
    args.log.init();
    let config = match args.folder.config(lang) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("{e}");
            return code_for(e.kind());
        }
    };
    let Some(p) = config.pull(&args.name) else {
        let names: Vec<&str> = config.pulls.iter().map(|p| p.name.as_str()).collect();
        let known = if names.is_empty() {
            tr!("pull-none-configured")
        } else {
            tr!("pull-configured", names = names.join(", "))
        };
        tracing::error!("{}", tr!("pull-unknown", name = format!("{:?}", args.name), known = known));
        return exit::USAGE;
    };
    let period = match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            let bound = |t: &str| kassa_bridge::upload::kassatka::parse_period_bound(t, false);
            match (bound(from), bound(to)) {
                (Ok(f), Ok(t)) if f < t => Some((f, t)),
                (Ok(_), Ok(_)) => {
                    tracing::error!("{}", tr!("pull-from-after-to"));
                    return exit::USAGE;
                }
                (Err(e), _) | (_, Err(e)) => {
                    tracing::error!("{e}");
                    return exit::USAGE;
                }
            }
        }
        _ => None,
    };
    if let Err(e) = config.check_uploads() {
        tracing::error!("{e}");
        return code_for(e.kind());
    }
    // One writer per data folder: a running watcher pulls on its schedule.
    let _lock = match DataLock::acquire(&config.data_dir) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("{e}");
            return code_for(e.kind());
        }
    };
    let mut journal = match PullJournal::open(&config.pull_journal_path()) {
        Ok(j) => j,
        Err(e) => {
            tracing::error!("{e}");
            return code_for(e.kind());
        }
    };
    let mut puller = Puller { config: &config, journal: &mut journal };
    let report = match period {
        Some((from, to)) => puller.run_period(p, from, to, args.again),
        None => puller.run(p, pull::service_now(p), &|| false),
    };
    let summary = tr!("pull-summary", periods = report.periods, records = report.records, repeats = report.repeats);
    match report.ending {
        Ending::UpToDate => {
            tracing::info!("{summary}");
            exit::OK
        }
        Ending::Waiting(reason) => {
            tracing::warn!("{}", tr!("pull-summary-waiting", summary = &summary, reason = &reason));
            exit::OK
        }
        Ending::Failed(error) => {
            tracing::error!("{}", tr!("pull-summary-failed", summary = &summary, error = &error));
            exit::REMOTE
        }
    }
}

pub fn print_pull_status(p: &PullStatus, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    let text = |t: &Option<Text>| t.as_ref().map(ToString::to_string).unwrap_or_default();
    if p.configured {
        writeln!(
            out,
            "{}",
            tr!("pull-status-title", name = &p.name, source = &p.source, schedule = text(&p.schedule))
        )?;
    } else {
        writeln!(out, "{}", tr!("pull-status-title-gone", name = &p.name))?;
    }
    match (&p.cursor, &p.first_period_from) {
        (Some(cursor), _) => writeln!(out, "  {}", tr!("pull-status-cursor", cursor = shown_time(cursor)))?,
        (None, Some(from)) => writeln!(out, "  {}", tr!("pull-status-no-cursor-first", from = shown_time(from)))?,
        (None, None) => writeln!(out, "  {}", tr!("pull-status-no-cursor"))?,
    }
    let last = p.last_run.as_deref().map_or_else(|| tr!("pull-status-never"), shown_time);
    let next = p.next_run.as_deref().map_or_else(|| "-".to_string(), shown_time);
    writeln!(out, "  {}", tr!("pull-status-runs", last = last, next = next, behind = p.periods_behind))?;
    writeln!(out, "  {}", tr!("pull-status-counts", periods = p.periods, records = p.records, repeats = p.repeats))?;
    if let Some(d) = &p.last_delivered {
        let outputs = if d.outputs.is_empty() { tr!("pull-status-no-output") } else { d.outputs.join(", ") };
        writeln!(
            out,
            "  {}",
            tr!("pull-status-last-delivered", at = shown_time(&d.at), period = files(&d.files, ""), outputs = outputs)
        )?;
    }
    if let Some(i) = &p.interrupted {
        writeln!(out, "  {}", tr!("pull-status-interrupted", what = i))?;
    }
    if let Some(e) = &p.last_error {
        writeln!(
            out,
            "  {}",
            tr!("pull-status-last-error", at = shown_time(&e.at), error = text(&e.error), period = files(&e.files, ""))
        )?;
    }
    Ok(())
}
