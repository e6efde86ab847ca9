//! Command-line parsing (clap derive) and dispatch. Shared option groups are flattened into the
//! subcommands that use them.

mod commands;
mod exit;
mod report;
mod upload;
mod watch;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use std::path::PathBuf;

use kassa_bridge::options::{
    AtolCommand, BifitGroupRef, BifitGroups, DecimalSeparator, KassatkaDialect, ReadOptions, WriteOptions,
};

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
#[command(name = "kassa-bridge", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
    /// Show what the drop folder did: counts per route, last conversions, last errors.
    Status(watch::StatusArgs),
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

/// Options for writing the output.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct WriteArgs {
    /// The price type to use where the target holds one price (e.g. "Розничная").
    ///
    /// Without it: "Розничная" when a product has it, else its only price that is not
    /// "Закупочная" (a purchase price is never sold at by default), else an error that lists the
    /// product's price types.
    #[arg(long, value_name = "NAME")]
    pub price_type: Option<String>,
    /// The decimal separator in written numbers: `point` or `comma`. Default: the target
    /// format's own (a comma for atol-goods and atol-report, a point elsewhere).
    #[arg(long, value_enum, value_name = "SEPARATOR")]
    pub decimal_separator: Option<DecimalSeparator>,
    /// Layout of kassatka-xml output: `api` (Кассатка's documented layout) or `1c` (as 1C
    /// processings write it, with articles, VAT and all barcodes). Default: the layout a
    /// kassatka-xml input was read in (also through canonical JSON), else `api`.
    #[arg(long, value_enum, value_name = "DIALECT")]
    pub kassatka_dialect: Option<KassatkaDialect>,
    /// A second price type to write as the purchase price (bifit-csv PURCHASE_PRICE, bifit-json
    /// purchasePrice); none by default.
    #[arg(long, value_name = "NAME")]
    pub purchase_price_type: Option<String>,
    /// The output encoding where the format allows a choice (bifit-csv: windows-1251 by default;
    /// utf-8 keeps characters Windows-1251 lacks).
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// How БИФИТ files carry folders: `rows` (a folder row / grouped item before its goods),
    /// `column` (only the products' GROUP cell), `none` (no folders; each lost link warns).
    #[arg(long, value_enum, default_value_t = BifitGroups::Rows, value_name = "HOW")]
    pub bifit_groups: BifitGroups,
    /// What a product's GROUP cell holds: the folder's `name`, its `code`, or its `path`
    /// (names from the top, joined by `/`).
    #[arg(long, value_enum, default_value_t = BifitGroupRef::Name, value_name = "REF")]
    pub bifit_group_ref: BifitGroupRef,
    /// JSON formats: write JSON Lines (one document per line) instead of one array.
    #[arg(long)]
    pub jsonl: bool,
    /// UTC offset for times in reports for people (orders-report), e.g. +03:00 (the default).
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    pub utc_offset: Option<String>,
    /// atol-goods: the command that loads the goods: `replace` ($$$REPLACEQUANTITY, 1C's partial
    /// export), `add` ($$$ADDQUANTITY) or `replace-without-sale`.
    #[arg(long, value_enum, default_value_t = AtolCommand::Replace, value_name = "COMMAND")]
    pub atol_command: AtolCommand,
    /// atol-goods: a full export — delete all goods and barcodes first, as 1C's full export does.
    #[arg(long)]
    pub atol_full_export: bool,
    /// Create this empty flag file once the output is in place (the 1C/Frontol handshake).
    #[arg(long, value_name = "FILE")]
    pub flag_file: Option<PathBuf>,
}

impl WriteArgs {
    pub fn options(&self) -> WriteOptions {
        WriteOptions {
            price_type: self.price_type.clone(),
            purchase_price_type: self.purchase_price_type.clone(),
            decimal_separator: self.decimal_separator,
            kassatka_dialect: self.kassatka_dialect,
            encoding: self.encoding.clone(),
            bifit_groups: self.bifit_groups,
            bifit_group_ref: self.bifit_group_ref,
            jsonl: self.jsonl,
            utc_offset: self.utc_offset.clone(),
            atol_command: self.atol_command,
            atol_full_export: self.atol_full_export,
            flag_file: self.flag_file.clone(),
        }
    }
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
    pub write: WriteArgs,
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

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Convert(args) => commands::convert(&args),
        Command::Inspect(args) => commands::inspect(&args),
        Command::Formats(args) => commands::formats(&args),
        Command::Schema => commands::schema(),
        Command::Upload(args) => upload::upload(&args),
        Command::Receipts(args) => upload::receipts(&args),
        Command::Bifit(args) => upload::bifit(&args),
        Command::Watch(args) => watch::watch(&args),
        Command::Init(args) => watch::init(&args),
        Command::Status(args) => watch::status(&args),
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
    }
}
