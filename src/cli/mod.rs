//! Command-line parsing (clap derive) and dispatch. Shared option groups are flattened into the
//! subcommands that use them.

mod commands;
mod exit;
mod pull;
mod report;
mod service;
mod stop;
mod upload;
mod watch;

use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use kassa_bridge::i18n::Lang;
use kassa_bridge::options::{ReadOptions, WriteOptions};
use kassa_bridge::tr;

const AFTER_HELP: &str = "\
Exit codes: 0 success · 1 inspect found problems · 2 bad command line or a needed option \
· 3 broken input · 4 --strict refused a lossy conversion · 5 format problem · 6 file I/O \
· 7 a service failed or refused.

Examples:
  kassa-bridge convert samples/kassatka-xml/seed-nomenclature.xml -t canonical-json -o goods.json
  kassa-bridge convert goods.json -t kassatka-xml --kassatka-dialect 1c
  kassa-bridge inspect samples/kassatka-receipts/seed-receipts.xml
  kassa-bridge formats";

/// Converts retail data between 1C-side exports and cloud cash registers (Кассатка, БИФИТ Касса).
///
/// Every format is read into one canonical model and written from it, so any readable
/// catalogue becomes any writable one. Conversions stream: files of any size are fine.
#[derive(Debug, Parser)]
#[command(name = "kassa-bridge", bin_name = "kassa-bridge", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The language of messages and reports: ru or en. Default: KASSA_BRIDGE_LANG, then (for the
    /// drop folder) the configuration's `lang`, then the system's language, else English.
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert one file to another format.
    ///
    /// The input format is detected from the content (then the extension) unless --from names
    /// it. The output is written to a temporary name and renamed into place only when the whole
    /// conversion succeeded, so a failed run never leaves a partial file.
    Convert(ConvertArgs),
    /// Check a file without converting it: format, encoding, counts and data problems.
    ///
    /// Catalogues: duplicate product codes, one barcode on several products, products whose group
    /// is missing, group cycles, empty/zero/negative prices, bad EAN-13/EAN-8 check digits.
    /// Receipts: Sum = Price × Quantity, SumWithDiscount = Sum − Discount, document totals = Σ lines,
    /// payments = total. Exit code 1 when anything was found.
    Inspect(InspectArgs),
    /// List the formats: names, aliases, extensions, and what each reads and writes.
    Formats(FormatsArgs),
    /// Print the JSON Schema of the canonical JSON format.
    Schema,
    /// Upload a catalogue to Кассатка or БИФИТ Касса (any readable catalogue, converted first).
    Upload(upload::UploadArgs),
    /// Download receipts from Кассатка, converted (to atol-report for 1C by default).
    Receipts(upload::ReceiptsArgs),
    /// БИФИТ Касса: organizations and trade objects, online orders and their status.
    Bifit(upload::BifitArgs),
    /// Watch drop folders: convert every file dropped into an inbox, move it to done/ or error/.
    ///
    /// Files are taken only when complete (unchanged for a while, or when their flag file
    /// appears), converted to every target of their route, and written to the outbox whole. A
    /// journal keyed by content hash skips repeats and lets a restart finish what a crash left.
    /// Ctrl-C / SIGTERM finish the current file, then exit.
    Watch(watch::WatchArgs),
    /// Write an example drop-folder configuration (kassa-bridge.toml) and make its folders.
    Init(watch::InitArgs),
    /// Show what the drop folder did: routes' counts and last errors, pulls' cursors and runs.
    ///
    /// Per route: files waiting now, the journal's counts, uploads, the last conversions and
    /// errors. Per pull: its cursor, the last and next run, how many periods it is behind, the
    /// last error, and what it delivered last.
    Status(watch::StatusArgs),
    /// Run one `[[pull]]` of the drop-folder configuration now (for cron, and for catching up).
    ///
    /// Without --from/--to: every period from the pull's cursor up to now − settle, as the
    /// schedule would, moving the cursor. With them: that period (receipts delivered before are
    /// left out unless --again). Uses the data folder's lock: not while `watch` runs.
    Pull(pull::PullArgs),
    /// Ask the watcher of a data folder to finish the file it is converting and exit.
    ///
    /// As Ctrl-C does at its console, for a watcher started by Task Scheduler, a script or in
    /// another session. Waits until it has exited (--wait); exit code 0 also when none runs.
    Stop(stop::StopArgs),
    /// Run the drop folder as a Windows service: install, uninstall, start, stop, status
    /// (elsewhere: prints the systemd unit).
    ///
    /// install registers `kassa-bridge watch --config FILE` with the Service Control Manager: it
    /// starts with Windows, is restarted after a failure, logs to daily files in DATA\logs and its
    /// errors to the event log. A stop finishes the file being converted. Run install, uninstall,
    /// start and stop from a console opened as administrator.
    Service(service::ServiceArgs),
}

/// The input options: `--from` beside the readers' options. `--from` names the command's input
/// (in the drop folder it is the route's `from`, not a key of `[route.read]`), so it is here.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct ReadArgs {
    /// The input format (name or alias from `kassa-bridge formats`); detected when omitted.
    #[arg(short = 'f', long = "from", value_name = "FORMAT")]
    pub from: Option<String>,
    #[command(flatten)]
    pub options: ReadOptions,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The file to convert; `-` reads standard input.
    #[arg(value_name = "INPUT")]
    pub input: String,
    /// The output format (name or alias from `kassa-bridge formats`).
    #[arg(short = 't', long = "to", value_name = "FORMAT")]
    pub to: String,
    /// Where to write; `-` is standard output. Default: the input's name with the target's
    /// extension (standard output when reading standard input).
    #[arg(short = 'o', long = "output", value_name = "OUTPUT")]
    pub output: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub write: WriteOptions,
    /// Treat every warning (information dropped or changed) as an error: nothing is written.
    #[arg(long)]
    pub strict: bool,
    /// Print errors only: no summary, no progress, no notes; warnings are only counted, in one
    /// line ("N warnings (run without -q to see them)").
    #[arg(short, long)]
    pub quiet: bool,
    /// `auto` reads a file of 4 MiB or more on a second thread while the output is written;
    /// `1` keeps everything on one thread.
    #[arg(long, value_enum, default_value_t = kassa_bridge::pipeline::Threads::Auto, value_name = "N")]
    pub threads: kassa_bridge::pipeline::Threads,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The file to check; `-` reads standard input.
    #[arg(value_name = "INPUT")]
    pub input: String,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print the report as JSON (for scripts) instead of text.
    #[arg(long)]
    pub json: bool,
    /// No notes on stderr, only errors (the report still goes to standard output).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct FormatsArgs {
    /// Print the registry as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--lang ru` / `--lang=ru` among the arguments, before clap parses them (the help itself is
/// said in that language).
fn lang_in_args() -> Option<Lang> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let spaced = args.windows(2).find(|w| w[0] == "--lang").and_then(|w| Lang::parse(&w[1]));
    spaced.or_else(|| args.iter().find_map(|a| a.strip_prefix("--lang=")).and_then(Lang::parse))
}

/// The summaries of the commands in the language of the messages. Clap's own texts (usage, option
/// descriptions) stay English: they come from the code's documentation.
fn localized(command: clap::Command) -> clap::Command {
    if kassa_bridge::i18n::current() == Lang::En {
        return command;
    }
    let mut command = command
        .about(tr!("help-about"))
        .long_about(format!("{}\n\n{}", tr!("help-about"), tr!("help-about-more")))
        .after_help(tr!("help-after"));
    for (name, about, more) in [
        ("convert", tr!("help-convert"), Some(tr!("help-convert-more"))),
        ("inspect", tr!("help-inspect"), Some(tr!("help-inspect-more"))),
        ("formats", tr!("help-formats"), None),
        ("schema", tr!("help-schema"), None),
        ("upload", tr!("help-upload"), None),
        ("receipts", tr!("help-receipts"), None),
        ("bifit", tr!("help-bifit"), None),
        ("watch", tr!("help-watch"), Some(tr!("help-watch-more"))),
        ("init", tr!("help-init"), None),
        ("status", tr!("help-status"), Some(tr!("help-status-more"))),
        ("pull", tr!("help-pull"), Some(tr!("help-pull-more"))),
        ("stop", tr!("help-stop"), Some(tr!("help-stop-more"))),
        ("service", tr!("help-service"), Some(tr!("help-service-more"))),
    ] {
        command = command.mut_subcommand(name, |c| {
            let long = match &more {
                Some(more) => format!("{about}\n\n{more}"),
                None => about.clone(),
            };
            c.about(about).long_about(long)
        });
    }
    command
}

pub fn run() -> ExitCode {
    kassa_bridge::i18n::set(kassa_bridge::i18n::detect(lang_in_args(), None));
    let matches = localized(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    kassa_bridge::i18n::set(kassa_bridge::i18n::detect(cli.lang, None));
    let lang = cli.lang;
    let code = match cli.command {
        Command::Convert(args) => commands::convert(&args),
        Command::Inspect(args) => commands::inspect(&args),
        Command::Formats(args) => commands::formats(&args),
        Command::Schema => commands::schema(),
        Command::Upload(args) => upload::upload(&args),
        Command::Receipts(args) => upload::receipts(&args),
        Command::Bifit(args) => upload::bifit(&args),
        Command::Watch(args) => watch::watch(&args, lang),
        Command::Init(args) => watch::init(&args),
        Command::Status(args) => watch::status(&args, lang),
        Command::Pull(args) => pull::pull(&args, lang),
        Command::Stop(args) => stop::stop(&args, lang),
        Command::Service(args) => service::service(&args, lang),
    };
    exit::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
        kassa_bridge::i18n::set(Lang::Ru);
        let russian = localized(Cli::command());
        kassa_bridge::i18n::set(Lang::En);
        russian.clone().debug_assert();
        let english = Cli::command();
        for name in english.get_subcommands().map(|c| c.get_name()) {
            let about = russian.find_subcommand(name).and_then(|c| c.get_about()).map(|a| a.to_string());
            assert!(about.is_some_and(|a| a.chars().any(|c| ('а'..='я').contains(&c))), "{name} has a Russian summary");
        }
    }
}
