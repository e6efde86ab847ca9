//! `pull NAME`: one `[[pull]]` run now, through the same code as the drop folder's schedule; and
//! how `status` prints a pull.

use std::io::{self, Write};

use clap::Args;

use kassa_bridge::watch::lock::DataLock;
use kassa_bridge::watch::pull::{self, Ending, PullJournal, Puller};
use kassa_bridge::watch::status::PullStatus;

use super::exit::{self, code_for};
use super::watch::{FolderArgs, LogArgs};

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
            "it has no [[pull]]".to_string()
        } else {
            format!("its pulls: {}", names.join(", "))
        };
        tracing::error!("no pull named {:?} in the configuration ({known})", args.name);
        return exit::USAGE;
    };
    let period = match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            let bound = |t: &str| kassa_bridge::upload::kassatka::parse_period_bound(t, false);
            match (bound(from), bound(to)) {
                (Ok(f), Ok(t)) if f < t => Some((f, t)),
                (Ok(_), Ok(_)) => {
                    tracing::error!("--from must be before --to");
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
    let summary = format!(
        "{} period(s) pulled: {} record(s) delivered, {} left out as delivered before",
        report.periods, report.records, report.repeats
    );
    match report.ending {
        Ending::UpToDate => {
            tracing::info!("{summary}");
            exit::OK
        }
        Ending::Waiting(reason) => {
            tracing::warn!("{summary}; waiting: {reason}");
            exit::OK
        }
        Ending::Failed(error) => {
            tracing::error!("{summary}; failed: {error}");
            exit::REMOTE
        }
    }
}

pub fn print_pull_status(p: &PullStatus, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    if p.configured {
        writeln!(out, "pull {} ({}, {})", p.name, p.source, p.schedule)?;
    } else {
        writeln!(out, "pull {} (no longer configured)", p.name)?;
    }
    match (&p.cursor, &p.first_period_from) {
        (Some(cursor), _) => writeln!(out, "  cursor:    {cursor} (delivered up to here)")?,
        (None, Some(from)) => writeln!(out, "  cursor:    none yet; the first period starts at {from}")?,
        (None, None) => writeln!(out, "  cursor:    none yet")?,
    }
    writeln!(
        out,
        "  runs:      last {}, next {}; {} period(s) behind",
        p.last_run.as_deref().unwrap_or("never"),
        p.next_run.as_deref().unwrap_or("-"),
        p.periods_behind
    )?;
    writeln!(
        out,
        "  journal:   {} periods, {} records delivered, {} repeats left out",
        p.periods, p.records, p.repeats
    )?;
    if let Some(d) = &p.last_delivered {
        let outputs = if d.outputs.is_empty() { "no output (nothing new)".to_string() } else { d.outputs.join(", ") };
        writeln!(out, "  last delivered {}: {} → {outputs}", d.at, d.files.join(""))?;
    }
    if let Some(i) = &p.interrupted {
        writeln!(out, "  INTERRUPTED: {i}")?;
    }
    if let Some(e) = &p.last_error {
        writeln!(out, "  last error {}: {} ({})", e.at, e.error.as_deref().unwrap_or(""), e.files.join(""))?;
    }
    Ok(())
}
