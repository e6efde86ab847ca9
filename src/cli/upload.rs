//! `upload`, `receipts` and `bifit`: the service subcommands. The work is in
//! `kassa_bridge::upload`; this maps flags to it, draws the progress and prints the outcome.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use kassa_bridge::convert::{self, ConvertOptions};
use kassa_bridge::options::WriteOptions;
use kassa_bridge::orders::OrderStatus;
use kassa_bridge::output::OutputTarget;
use kassa_bridge::upload::bifit::BifitClient;
use kassa_bridge::upload::bifit_goods::{self, ApiOptions};
use kassa_bridge::upload::kassatka::{self, KassatkaClient};
use kassa_bridge::upload::sync_state::SyncState;
use kassa_bridge::upload::{self, Http, Progress, ServicesConfig};
use kassa_bridge::{tr, Diagnostics};

use super::exit::{self, code_for};
use super::report::print_diagnostics;
use super::ReadArgs;

/// Options every service subcommand has.
#[derive(Debug, Args)]
#[command(next_help_heading = "Service")]
pub struct ServiceArgs {
    /// A config file with [kassatka], [bifit] and [http] sections. Default: $KASSA_BRIDGE_CONFIG,
    /// else ~/.config/kassa-bridge/config.toml when it exists. Environment variables
    /// (KASSA_BRIDGE_KASSATKA_TOKEN, KASSA_BRIDGE_BIFIT_LOGIN, KASSA_BRIDGE_BIFIT_PASSWORD …) win.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The service's API root, e.g. https://kassa.bifit.com/cashdesk-api/v1 (overrides the config).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print errors only: no summary, no progress, no notes; conversion warnings are only
    /// counted, in one line ("N warnings (run without -q to see them)").
    #[arg(short, long)]
    pub quiet: bool,
    /// Print every request (method, path, status, retries) to stderr. Credentials never are.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct UploadArgs {
    #[command(subcommand)]
    pub target: UploadTarget,
}

#[derive(Debug, Subcommand)]
pub enum UploadTarget {
    /// Convert a catalogue to kassatka-xml, POST it to /nomenclature and wait for the job.
    Kassatka(UploadKassatkaArgs),
    /// Upload a catalogue to БИФИТ Касса: the CSV batch import, or item by item with delta sync.
    Bifit(UploadBifitArgs),
}

#[derive(Debug, Args)]
pub struct UploadKassatkaArgs {
    /// The catalogue: any readable catalogue format (or a folder holding a package).
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Print the process key and return without waiting for the job.
    #[arg(long)]
    pub no_wait: bool,
    /// Treat every conversion warning as an error: nothing is sent.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub write: WriteOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BifitMode {
    /// One bifit-csv file to /protected/exchange/csv/upload (Bifit's batch import; paid tariffs).
    Csv,
    /// Item by item: /protected/nomenclatures, looked up by external id, only what changed.
    Api,
}

#[derive(Debug, Args)]
pub struct UploadBifitArgs {
    /// The catalogue: any readable catalogue format (or a folder holding a package).
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// `csv`: Bifit's batch import; `api`: per item, sending only new and changed items.
    #[arg(long, value_enum, default_value_t = BifitMode::Api)]
    pub mode: BifitMode,
    /// --mode api: send every item, not only the new and changed ones.
    #[arg(long)]
    pub full: bool,
    /// The organization id (default: the config's, else the account's only organization).
    #[arg(long, value_name = "ID")]
    pub org: Option<String>,
    /// --mode api: the delta-sync state file (default: [bifit] state-file, else
    /// ~/.local/share/kassa-bridge/bifit-sync.json).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Treat every conversion warning as an error: nothing is sent.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub write: WriteOptions,
}

#[derive(Debug, Args)]
pub struct ReceiptsArgs {
    #[command(subcommand)]
    pub source: ReceiptsSource,
}

#[derive(Debug, Subcommand)]
pub enum ReceiptsSource {
    /// GET /receipts for a period, wait for the job, download the XML and convert it.
    Kassatka(ReceiptsKassatkaArgs),
}

#[derive(Debug, Args)]
pub struct ReceiptsKassatkaArgs {
    /// The period's start: YYYY-MM-DD (00:00:00) or YYYY-MM-DD HH:MM:SS.
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// The period's end: YYYY-MM-DD (23:59:59) or YYYY-MM-DD HH:MM:SS.
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// The output format: any receipts writer (atol-report for 1C's offline-till import). `-t` as
    /// in `convert`; the long name is --format because --to is the period's end here.
    #[arg(short = 't', long = "format", value_name = "FORMAT", default_value = "atol-report")]
    pub format: String,
    /// Where to write; `-` is standard output. Default: receipts-FROM-TO with the format's extension.
    #[arg(short = 'o', long = "output", value_name = "OUTPUT")]
    pub output: Option<String>,
    /// Where to keep the XML as Кассатка sent it. Default: the output's whole name with .raw.xml
    /// added (`march.txt` → `march.txt.raw.xml`).
    #[arg(long, value_name = "FILE")]
    pub raw: Option<PathBuf>,
    /// Treat every conversion warning as an error.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub write: WriteOptions,
}

#[derive(Debug, Args)]
pub struct BifitArgs {
    #[command(subcommand)]
    pub command: BifitCommand,
}

#[derive(Debug, Subcommand)]
pub enum BifitCommand {
    /// List the account's organizations and their trade objects (the ids other calls need).
    Orgs(BifitOrgsArgs),
    /// Fetch an online order and convert it, or change its status (--set-status).
    Order(BifitOrderArgs),
}

#[derive(Debug, Args)]
pub struct BifitOrgsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub service: ServiceArgs,
}

fn parse_status(text: &str) -> Result<OrderStatus, String> {
    text.parse().map_err(|()| {
        let names: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
        tr!("upload-unknown-status", status = format!("{text:?}"), expected = names.join(", "))
    })
}

#[derive(Debug, Args)]
pub struct BifitOrderArgs {
    /// The online order's id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The output format: any orders writer (bifit-orders, orders-report, commerceml, canonical-json).
    #[arg(short = 't', long = "to", value_name = "FORMAT", default_value = "bifit-orders")]
    pub to: String,
    /// Where to write; `-` (the default) is standard output.
    #[arg(short = 'o', long = "output", value_name = "OUTPUT", default_value = "-")]
    pub output: String,
    /// Change the order's status instead (NEW, ACCEPTED, DISTRIBUTED, ISSUED, REFUSED, DELETED,
    /// FINISHED). A change the rules forbid is refused before anything is sent.
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    pub set_status: Option<OrderStatus>,
    /// With --set-status: the status the order must have now; the rule is then checked before
    /// any request at all.
    #[arg(long, value_name = "STATUS", value_parser = parse_status, requires = "set_status")]
    pub expect_status: Option<OrderStatus>,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub write: WriteOptions,
}

// ---------------------------------------------------------------------------------------------

fn fail(err: &upload::Error) -> u8 {
    eprintln!("{}", tr!("upload-error", error = err.to_string()));
    match err {
        upload::Error::Local(e) if e.is_broken_pipe() => exit::OK,
        upload::Error::Local(e) => code_for(e.kind()),
        upload::Error::Config(_) | upload::Error::Refused(_) => exit::USAGE,
        upload::Error::Remote { .. } => exit::REMOTE,
    }
}

/// A spinner that becomes a bar for per-item uploads; only when a person is watching.
fn progress_bar(quiet: bool) -> Option<ProgressBar> {
    super::commands::progress(quiet)
}

fn show(bar: &Option<ProgressBar>, p: Progress<'_>) {
    let Some(bar) = bar else { return };
    match p {
        Progress::Converting => bar.set_message(tr!("upload-progress-converting")),
        Progress::Sending(what) => bar.set_message(what.to_string()),
        Progress::Waiting { key, status } => bar.set_message(tr!("upload-progress-job", key = key, status = status)),
        Progress::Items { done, total } => {
            if bar.length() != Some(total) {
                bar.set_style(
                    ProgressStyle::with_template(&format!(
                        "{{bar:40}} {{pos}}/{{len}} {} {{elapsed}} ({} {{eta}})",
                        tr!("upload-progress-items"),
                        tr!("upload-progress-eta")
                    ))
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.set_length(total);
            }
            bar.set_position(done);
        }
    }
}

fn load(service: &ServiceArgs, bar: &Option<ProgressBar>) -> upload::Result<(ServicesConfig, Http)> {
    let config = ServicesConfig::load(service.config.as_deref())?;
    let mut http = Http::new(config.http.clone())?;
    if service.verbose {
        let bar = bar.clone();
        http = http.with_trace(Arc::new(move |m: &str| match &bar {
            Some(b) => b.suspend(|| eprintln!("http: {m}")),
            None => eprintln!("http: {m}"),
        }));
    }
    Ok((config, http))
}

fn convert_options(read: Option<&ReadArgs>, write: &WriteOptions) -> ConvertOptions {
    ConvertOptions {
        from: read.and_then(|r| r.from.clone()),
        to: String::new(),
        read: read.map(|r| r.options.clone()).unwrap_or_default(),
        write: write.clone(),
        threads: Default::default(),
    }
}

/// Runs `work` with a progress bar, then prints notes and warnings, then the outcome.
fn run<T>(
    quiet: bool,
    diag: &mut Diagnostics,
    work: impl FnOnce(&Option<ProgressBar>, &mut Diagnostics) -> upload::Result<T>,
    report: impl FnOnce(T) -> u8,
) -> u8 {
    let bar = progress_bar(quiet);
    let result = work(&bar, diag);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    print_diagnostics(diag, quiet);
    match result {
        Ok(value) => report(value),
        Err(err) => fail(&err),
    }
}

pub fn upload(args: &UploadArgs) -> u8 {
    match &args.target {
        UploadTarget::Kassatka(a) => upload_kassatka(a),
        UploadTarget::Bifit(a) => upload_bifit(a),
    }
}

fn upload_kassatka(args: &UploadKassatkaArgs) -> u8 {
    let mut diag = Diagnostics::new(args.strict);
    let quiet = args.service.quiet;
    run(
        quiet,
        &mut diag,
        |bar, diag| {
            let (mut config, http) = load(&args.service, bar)?;
            if let Some(url) = &args.service.base_url {
                config.kassatka.base_url = url.clone();
            }
            let client = KassatkaClient::new(&config.kassatka, http)?;
            let opts = convert_options(Some(&args.read), &args.write);
            kassatka::upload_nomenclature_with(&client, &args.input, &opts, !args.no_wait, diag, &mut |p| show(bar, p))
        },
        |outcome| {
            if args.no_wait {
                println!("{}", outcome.process_key);
            }
            if !quiet {
                eprintln!("{} → kassatka-xml → {outcome}", outcome.from_format);
            }
            exit::OK
        },
    )
}

fn upload_bifit(args: &UploadBifitArgs) -> u8 {
    let mut diag = Diagnostics::new(args.strict);
    let quiet = args.service.quiet;
    let client = |bar: &Option<ProgressBar>| -> upload::Result<(BifitClient, ServicesConfig)> {
        let (mut config, http) = load(&args.service, bar)?;
        if let Some(url) = &args.service.base_url {
            config.bifit.base_url = url.clone();
        }
        if let Some(org) = &args.org {
            config.bifit.organization_id = Some(org.clone());
        }
        if let Some(state) = &args.state {
            config.bifit.state_file = Some(state.clone());
        }
        Ok((BifitClient::new(&config.bifit, http)?, config))
    };
    let opts = convert_options(Some(&args.read), &args.write);
    match args.mode {
        BifitMode::Csv => run(
            quiet,
            &mut diag,
            |bar, diag| {
                let (client, _) = client(bar)?;
                bifit_goods::upload_csv(&client, &args.input, &opts, diag, &mut |p| show(bar, p))
            },
            |outcome| {
                if !quiet {
                    eprintln!("{} → bifit-csv → {outcome}", outcome.from_format);
                }
                if let Some(m) = &outcome.exception_message {
                    eprintln!("{}", tr!("upload-problem", problem = m));
                }
                for p in &outcome.problems {
                    eprintln!("{}", tr!("upload-problem", problem = p));
                }
                if let Some(n) = outcome.item_qty.filter(|n| *n < outcome.counts.products) {
                    eprintln!("{}", tr!("upload-bifit-rows-processed", rows = n, products = outcome.counts.products));
                }
                if outcome.is_clean() {
                    exit::OK
                } else {
                    exit::REMOTE
                }
            },
        ),
        BifitMode::Api => run(
            quiet,
            &mut diag,
            |bar, diag| {
                let (client, config) = client(bar)?;
                let mut state = SyncState::load(&config.bifit.state_path())?;
                let api = ApiOptions { full: args.full };
                bifit_goods::upload_api(&client, &args.input, &opts, &api, &mut state, diag, &mut |p| show(bar, p))
            },
            |outcome| {
                if !quiet {
                    eprintln!("{} → bifit-json → {outcome}", outcome.from_format);
                }
                for f in &outcome.failures {
                    let line = if f.folder {
                        tr!("upload-failed-folder", id = &f.external_id, message = &f.message)
                    } else {
                        tr!("upload-failed-product", id = &f.external_id, message = &f.message)
                    };
                    eprintln!("{line}");
                }
                if let Some(why) = &outcome.aborted {
                    eprintln!("{}", tr!("upload-stopped", count = outcome.not_attempted, reason = why));
                }
                if outcome.is_clean() {
                    exit::OK
                } else {
                    exit::REMOTE
                }
            },
        ),
    }
}

/// `receipts-20180416-20180417.txt`
fn default_receipts_output(
    from: &chrono::NaiveDateTime,
    to: &chrono::NaiveDateTime,
    format: &str,
) -> upload::Result<PathBuf> {
    let ext = convert::writer_format(format)?.extensions.first().copied().unwrap_or("out");
    Ok(PathBuf::from(format!("receipts-{}-{}.{ext}", from.format("%Y%m%d"), to.format("%Y%m%d"))))
}

/// Where the XML as Кассатка sent it is kept: the whole output name with `.raw.xml`
/// (`r.txt.raw.xml`), so outputs that differ only in their extension keep their own copies.
fn raw_copy_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".raw.xml");
    output.with_file_name(name)
}

pub fn receipts(args: &ReceiptsArgs) -> u8 {
    let ReceiptsSource::Kassatka(args) = &args.source;
    let mut diag = Diagnostics::new(args.strict);
    let quiet = args.service.quiet;
    run(
        quiet,
        &mut diag,
        |bar, diag| {
            let from = kassatka::parse_period_bound(&args.from, false)?;
            let to = kassatka::parse_period_bound(&args.to, true)?;
            let default_out = default_receipts_output(&from, &to, &args.format)?;
            let (target, named) = match args.output.as_deref() {
                Some("-") => (OutputTarget::Stdout, default_out),
                Some(path) => (OutputTarget::File(PathBuf::from(path)), PathBuf::from(path)),
                None => (OutputTarget::File(default_out.clone()), default_out),
            };
            let raw = args.raw.clone().unwrap_or_else(|| raw_copy_path(&named));
            let (mut config, http) = load(&args.service, bar)?;
            if let Some(url) = &args.service.base_url {
                config.kassatka.base_url = url.clone();
            }
            let client = KassatkaClient::new(&config.kassatka, http)?;
            let mut opts = convert_options(None, &args.write);
            opts.to = args.format.clone();
            kassatka::download_receipts(&client, from, to, &raw, &target, &opts, diag, &mut |p| show(bar, p))
        },
        |d| {
            if !quiet {
                let dest = d
                    .summary
                    .output
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| tr!("upload-standard-output"));
                eprintln!(
                    "{}",
                    tr!(
                        "upload-receipts-written",
                        format = d.summary.to.to_string(),
                        count = d.summary.counts.receipts,
                        dest = dest,
                        raw = d.raw.display().to_string()
                    )
                );
            }
            exit::OK
        },
    )
}

pub fn bifit(args: &BifitArgs) -> u8 {
    match &args.command {
        BifitCommand::Orgs(a) => bifit_orgs(a),
        BifitCommand::Order(a) => bifit_order(a),
    }
}

fn client(service: &ServiceArgs, bar: &Option<ProgressBar>) -> upload::Result<BifitClient> {
    let (mut config, http) = load(service, bar)?;
    if let Some(url) = &service.base_url {
        config.bifit.base_url = url.clone();
    }
    BifitClient::new(&config.bifit, http)
}

fn print_orgs(orgs: &[upload::bifit::Organization], json: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, orgs)?;
        return writeln!(out);
    }
    for org in orgs {
        let inn = org.inn.as_deref().map(|i| format!("  ИНН {i}")).unwrap_or_default();
        writeln!(out, "{}  {}{inn}", org.id, org.name)?;
        for t in &org.trade_objects {
            let address = t.address.as_deref().map(|a| format!("  {a}")).unwrap_or_default();
            writeln!(out, "    {}", tr!("upload-trade-object", id = &t.id, name = format!("{}{address}", t.name)))?;
        }
    }
    Ok(())
}

fn bifit_orgs(args: &BifitOrgsArgs) -> u8 {
    let mut diag = Diagnostics::new(false);
    run(
        args.service.quiet,
        &mut diag,
        |bar, _| client(&args.service, bar)?.organizations_with_trade_objects(),
        |orgs| match print_orgs(&orgs, args.json, &mut io::stdout().lock()) {
            Ok(()) => exit::OK,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
            Err(e) => {
                eprintln!("{}", tr!("upload-error", error = e.to_string()));
                exit::IO
            }
        },
    )
}

fn bifit_order(args: &BifitOrderArgs) -> u8 {
    let mut diag = Diagnostics::new(false);
    let quiet = args.service.quiet;
    if let Some(to) = args.set_status {
        return run(
            quiet,
            &mut diag,
            |bar, _| client(&args.service, bar)?.set_order_status(&args.id, to, args.expect_status),
            |change| {
                if !quiet {
                    if change.sent {
                        eprintln!(
                            "{}",
                            tr!(
                                "upload-order-status-changed",
                                id = &change.id,
                                from = change.from.to_string(),
                                to = change.to.to_string()
                            )
                        );
                    } else {
                        eprintln!(
                            "{}",
                            tr!("upload-order-status-already", id = &change.id, status = change.to.to_string())
                        );
                    }
                }
                exit::OK
            },
        );
    }
    let target = match args.output.as_str() {
        "-" => OutputTarget::Stdout,
        path => OutputTarget::File(Path::new(path).to_path_buf()),
    };
    run(
        quiet,
        &mut diag,
        |bar, diag| {
            let mut opts = convert_options(None, &args.write);
            opts.to = args.to.clone();
            upload::bifit::fetch_order(&client(&args.service, bar)?, &args.id, &target, &opts, diag)
        },
        |summary| {
            if !quiet {
                if let Some(path) = &summary.output {
                    eprintln!(
                        "{}",
                        tr!(
                            "upload-order-written",
                            id = &args.id,
                            format = summary.to.to_string(),
                            path = path.display().to_string()
                        )
                    );
                }
            }
            exit::OK
        },
    )
}
