//! `watch`, `init` and `status`: the drop folder's commands. The work is in
//! `kassa_bridge::watch`; this parses flags, installs the log subscriber and the signal handler,
//! and prints.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Layer, Layered, SubscriberExt};
use tracing_subscriber::{EnvFilter, Registry};

use kassa_bridge::i18n::{Lang, Text};
use kassa_bridge::tr;
use kassa_bridge::watch::config::{self, Config};
use kassa_bridge::watch::status::shown_time;
use kassa_bridge::watch::{self as drop_folder, RunMode, Status, StopHandle, Watcher};

use super::exit::{self, code_for};
use super::report::print_error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Human,
    /// One JSON object per line (for log collectors).
    Json,
}

/// Which drop folder: declared once for `watch`, `status` and `pull`.
#[derive(Debug, Args)]
pub struct FolderArgs {
    /// The configuration file (TOML; `kassa-bridge init` writes an example). Default:
    /// ./kassa-bridge.toml when it exists, else the built-in layout under the data folder.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The data folder (journals, and the inbox/, outbox/, done/, error/ of the built-in layout);
    /// overrides the configuration's `data-dir`. Default: ./kassa-bridge-data.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl FolderArgs {
    /// The configuration; its `lang` sets the language unless `--lang` or `KASSA_BRIDGE_LANG` did.
    pub fn config(&self, lang: Option<Lang>) -> kassa_bridge::Result<Config> {
        let config = Config::discover(self.config.as_deref(), self.data_dir.as_deref())?;
        kassa_bridge::i18n::set(kassa_bridge::i18n::detect(lang, config.lang));
        Ok(config)
    }
}

/// How the log is written: declared once for `watch` and `pull`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// How to write the log (on standard error).
    #[arg(long, value_enum, default_value_t = LogFormat::Human, value_name = "FORMAT")]
    pub log_format: LogFormat,
    /// Log more (-v: debug, -vv: trace). KASSA_BRIDGE_LOG (e.g. `kassa_bridge=debug`) overrides.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log only warnings and errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Write the log to files in DIR instead of standard error: one a day
    /// (kassa-bridge.YYYY-MM-DD.log, dated in UTC), the last 14 kept. The Windows service logs to
    /// DATA\logs.
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
}

impl LogArgs {
    pub fn init(&self) {
        init_logging(self.log_format, self.verbose, self.quiet, self.log_dir.as_deref(), None);
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub folder: FolderArgs,
    /// Never rely on file-system events, only on the periodic listing (network shares).
    #[arg(long)]
    pub poll: bool,
    /// Process what is there, run every pull that is due once, and exit when nothing is left to
    /// do (for scripts, cron and tests); exit code 7 when a service refused an upload (left
    /// queued) or a pull failed.
    #[arg(long, alias = "once")]
    pub exit_when_idle: bool,
    #[command(flatten)]
    pub log: LogArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the example configuration.
    #[arg(short, long, value_name = "FILE", default_value = config::DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// The data folder to write into the configuration (and to make, with its folders).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Replace an existing configuration file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub folder: FolderArgs,
    /// How many recent conversions and errors to show per route.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub last: usize,
    /// Print the status as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The HTTP and TLS libraries (through the `log` bridge): at debug and trace they write whole
/// requests and answers — ureq-proto hex-dumps every byte sent, the Кассатка token, the БИФИТ
/// login and password hash and the access tokens included. Whatever `KASSA_BRIDGE_LOG` asks,
/// nothing below `info` of theirs is logged; our own request trace (`-vv`) names methods, paths
/// and statuses with every credential blanked out.
const HTTP_LOG_TARGETS: &[&str] = &["ureq", "ureq_proto", "rustls", "rustls_webpki", "webpki"];

/// How many daily log files `--log-dir` keeps.
const LOG_FILES_KEPT: usize = 14;

/// The subscriber the log's own layers sit on: the registry under both filters.
pub(super) type LogBase = Layered<Targets, Layered<EnvFilter, Registry>>;
/// One more layer beside the log's (the Windows service's event log).
pub(super) type ExtraLayer = Box<dyn Layer<LogBase> + Send + Sync>;

/// Installs the log: standard error, or daily files in `dir`; with `extra` beside it.
pub(super) fn init_logging(format: LogFormat, verbose: u8, quiet: bool, dir: Option<&Path>, extra: Option<ExtraLayer>) {
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::fmt::writer::BoxMakeWriter;
    use tracing_subscriber::util::SubscriberInitExt;
    let level = match (quiet, verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("KASSA_BRIDGE_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("warn,kassa_bridge={level}")));
    // A second, fixed filter beside the user's: an event is logged only when both let it through,
    // so no directive (`trace`, `ureq_proto::util=trace` …) can lift the cap.
    let http_cap = HTTP_LOG_TARGETS
        .iter()
        .fold(Targets::new().with_default(LevelFilter::TRACE), |t, target| t.with_target(*target, LevelFilter::INFO));
    let registry = tracing_subscriber::registry().with(filter).with(http_cap).with(extra);
    let files = dir.map(|dir| {
        // The appender lists the folder to prune old files: it must exist first.
        std::fs::create_dir_all(dir).map_err(|e| (dir, e.to_string()))?;
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("kassa-bridge")
            .filename_suffix("log")
            .max_log_files(LOG_FILES_KEPT)
            .build(dir)
            .map_err(|e| (dir, e.to_string()))
    });
    let (writer, ansi) = match files {
        Some(Ok(appender)) => (BoxMakeWriter::new(appender), false),
        Some(Err((dir, e))) => {
            eprintln!("{}", tr!("watch-log-dir-failed", dir = dir.display().to_string(), error = e));
            (BoxMakeWriter::new(io::stderr), io::stderr().is_terminal())
        }
        None => (BoxMakeWriter::new(io::stderr), io::stderr().is_terminal()),
    };
    let layer = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(ansi).with_target(false);
    let _ = match format {
        LogFormat::Human => registry.with(layer).try_init(),
        LogFormat::Json => registry.with(layer.json().flatten_event(true)).try_init(),
    };
}

pub fn watch(args: &WatchArgs, lang: Option<Lang>) -> u8 {
    args.log.init();
    let mut config = match args.folder.config(lang) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("{e}");
            return code_for(e.kind());
        }
    };
    if args.poll {
        config.poll = true;
    }
    let mode = if args.exit_when_idle { RunMode::UntilIdle } else { RunMode::Forever };
    run_watcher(config, mode, |stop| {
        // `kassa-bridge stop` (on Windows through an event; elsewhere it is SIGTERM, below).
        super::stop::listen(stop.clone());
        // Ctrl-C / SIGTERM / SIGHUP (Ctrl-Break and closing the console on Windows): finish the
        // current file, then exit; a second one exits at once.
        if let Err(e) = ctrlc::set_handler(move || {
            if stop.is_stopped() {
                std::process::exit(130);
            }
            stop.stop();
        }) {
            tracing::warn!("{}", tr!("watch-no-signal-handler", error = e.to_string()));
        }
    })
}

/// Runs the watcher over `config` to its end and maps the result to an exit code; `on_start` gets
/// its stop handle first (a signal handler, or the Windows service's stop request).
pub(super) fn run_watcher(config: Config, mode: RunMode, on_start: impl FnOnce(StopHandle)) -> u8 {
    let mut watcher = match Watcher::new(config) {
        Ok(w) => w,
        Err(e) => {
            tracing::error!("{e}");
            return code_for(e.kind());
        }
    };
    on_start(watcher.stop_handle());
    match watcher.run(mode) {
        Ok(summary) => {
            tracing::info!(
                converted = summary.converted,
                repeats = summary.repeats,
                failed = summary.failed,
                vanished = summary.vanished,
                uploaded = summary.uploaded,
                upload_failures = summary.upload_failures,
                uploads_left = summary.uploads_left,
                pulled = summary.pulled,
                pull_failures = summary.pull_failures,
                "{}",
                tr!("watch-done")
            );
            // A cron job must notice uploads a service refused: they wait for the next start.
            if mode == RunMode::UntilIdle && summary.uploads_left > 0 {
                tracing::error!(
                    uploads_left = summary.uploads_left,
                    "{}",
                    tr!("watch-uploads-left", code = exit::REMOTE.to_string())
                );
                return exit::REMOTE;
            }
            if mode == RunMode::UntilIdle && summary.pull_failures > 0 {
                tracing::error!(
                    pull_failures = summary.pull_failures,
                    "{}",
                    tr!("watch-pull-failures", code = exit::REMOTE.to_string())
                );
                return exit::REMOTE;
            }
            exit::OK
        }
        Err(e) => {
            tracing::error!("{e}");
            code_for(e.kind())
        }
    }
}

pub fn init(args: &InitArgs) -> u8 {
    if args.config.exists() && !args.force {
        eprintln!("{}", tr!("watch-init-exists", path = args.config.display().to_string()));
        return exit::USAGE;
    }
    // A relative --data-dir means "from here", wherever the configuration file goes.
    let data_dir = args.data_dir.as_deref().map(|d| std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf()));
    let text = config::example_in(kassa_bridge::i18n::current(), data_dir.as_deref());
    let base = args.config.parent().map(Path::to_path_buf).unwrap_or_default();
    // Check the text before writing it (an odd --data-dir must still make a valid file).
    let parsed = match Config::parse(&text, &args.config.display().to_string(), &base, None) {
        Ok(c) => c,
        Err(e) => {
            print_error(&e);
            return code_for(e.kind());
        }
    };
    if let Err(e) = kassa_bridge::watch::fsutil::write_atomic(&args.config, text.as_bytes()) {
        print_error(&e);
        return code_for(e.kind());
    }
    for route in &parsed.routes {
        kassa_bridge::watch::recover::make_folders(route);
    }
    let route = &parsed.routes[0];
    let command = if args.config == Path::new(config::DEFAULT_CONFIG_FILE) {
        "`kassa-bridge watch`".to_string()
    } else {
        format!("`kassa-bridge watch` --config {}", args.config.display())
    };
    eprintln!(
        "{}",
        tr!(
            "watch-init-wrote",
            path = args.config.display().to_string(),
            inbox = route.inbox.display().to_string(),
            command = command,
            outbox = route.outbox.display().to_string()
        )
    );
    exit::OK
}

pub fn status(args: &StatusArgs, lang: Option<Lang>) -> u8 {
    let result = args.folder.config(lang).and_then(|c| drop_folder::status(&c, args.last));
    let status = match result {
        Ok(s) => s,
        Err(e) => {
            print_error(&e);
            return code_for(e.kind());
        }
    };
    let mut out = io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &status).map_err(io::Error::from).and_then(|()| writeln!(out))
    } else {
        print_status(&status, &mut out)
    };
    match written {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("{}", tr!("watch-error", error = e.to_string()));
            exit::IO
        }
    }
}

/// The files of a status item, joined.
pub(super) fn files(texts: &[Text], sep: &str) -> String {
    texts.iter().map(ToString::to_string).collect::<Vec<_>>().join(sep)
}

fn print_status(status: &Status, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", tr!("watch-status-data-folder", path = &status.data_dir))?;
    writeln!(out, "{}", tr!("watch-status-journal", path = &status.journal))?;
    if status.skipped_lines > 0 {
        writeln!(out, "{}", tr!("watch-status-skipped-lines", count = status.skipped_lines))?;
    }
    let n = |v: Option<usize>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
    let error = |e: &Option<Text>| e.as_ref().map(ToString::to_string).unwrap_or_default();

    for r in &status.routes {
        writeln!(out)?;
        if r.configured {
            writeln!(out, "{}", tr!("watch-status-route", name = &r.name))?;
            writeln!(
                out,
                "  {}",
                tr!("watch-status-now", inbox = n(r.inbox), processing = n(r.processing), errors = n(r.errors_kept))
            )?;
        } else {
            writeln!(out, "{}", tr!("watch-status-route-gone", name = &r.name))?;
        }
        writeln!(
            out,
            "  {}",
            tr!(
                "watch-status-counts",
                converted = r.converted,
                repeats = r.repeats,
                failed = r.failed,
                vanished = r.vanished
            )
        )?;
        if r.upload_queued + r.uploaded > 0 || r.last_upload_error.is_some() {
            writeln!(out, "  {}", tr!("watch-status-uploads", queued = r.upload_queued, uploaded = r.uploaded))?;
        }
        if let Some(e) = &r.last_upload_error {
            writeln!(
                out,
                "  {}",
                tr!(
                    "watch-status-last-upload-error",
                    at = shown_time(&e.at),
                    error = error(&e.error),
                    outputs = e.outputs.join(", ")
                )
            )?;
        }
        if let Some(b) = &r.blocked {
            writeln!(out, "  {}", tr!("watch-status-blocked", at = shown_time(&b.at), error = error(&b.error)))?;
        }
        if !r.last_converted.is_empty() {
            writeln!(out, "  {}", tr!("watch-status-last-converted"))?;
            for i in &r.last_converted {
                writeln!(out, "    {}  {} → {}", shown_time(&i.at), files(&i.files, " + "), i.outputs.join(", "))?;
            }
        }
        if !r.last_errors.is_empty() {
            writeln!(out, "  {}", tr!("watch-status-last-errors"))?;
            for i in &r.last_errors {
                writeln!(out, "    {}  {}: {}", shown_time(&i.at), files(&i.files, " + "), error(&i.error))?;
                if let Some(report) = i.moved_to.first() {
                    writeln!(out, "      {}", tr!("watch-status-report", path = report))?;
                }
            }
        }
    }
    if status.pull_journal_skipped_lines > 0 {
        writeln!(out, "\n{}", tr!("watch-status-pull-journal-skipped", count = status.pull_journal_skipped_lines))?;
    }
    for p in &status.pulls {
        super::pull::print_pull_status(p, out)?;
    }
    Ok(())
}
