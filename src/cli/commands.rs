//! One function per subcommand; each returns its exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use kassa_bridge::convert::{self, ConvertOptions, Counts};
use kassa_bridge::formats::{canonical_json, FORMATS};
use kassa_bridge::options::ReadOptions;
use kassa_bridge::output::{self, OutputTarget};
use kassa_bridge::text::RawInput;
use kassa_bridge::{inspect, tr, Diagnostics, Error};

use super::exit::{self, code_for};
use super::report::{print_diagnostics, print_error, print_formats, print_inspect};
use super::{ConvertArgs, FormatsArgs, InspectArgs};

/// A file, standard input, or a folder holding a package of files (`convert::open_path`).
fn open_input(spec: &str, from: Option<&str>, read: &mut ReadOptions) -> Result<RawInput, Error> {
    if spec == "-" {
        RawInput::stdin()
    } else {
        convert::open_path(&PathBuf::from(spec), from, read)
    }
}

fn fail(err: &Error) -> u8 {
    if err.is_broken_pipe() {
        return exit::OK;
    }
    print_error(err);
    code_for(err.kind())
}

/// A spinner with record counts on stderr, only when a person is watching.
pub(super) fn progress(quiet: bool) -> Option<ProgressBar> {
    if quiet || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

fn describe(c: &Counts) -> String {
    let mut parts = Vec::new();
    if c.groups > 0 {
        parts.push(tr!("cli-count-groups", count = c.groups));
    }
    if c.products > 0 || c.groups > 0 {
        parts.push(tr!("cli-count-products", count = c.products));
    }
    if c.receipts > 0 {
        parts.push(tr!("cli-count-receipts", count = c.receipts));
    }
    if c.orders > 0 {
        parts.push(tr!("cli-count-orders", count = c.orders));
    }
    if parts.is_empty() {
        tr!("cli-count-none")
    } else {
        parts.join(", ")
    }
}

pub fn convert(args: &ConvertArgs) -> u8 {
    let mut diag = Diagnostics::new(args.strict);
    let mut opts = ConvertOptions {
        from: args.read.from.clone(),
        to: args.to.clone(),
        read: args.read.options.clone(),
        write: args.write.clone(),
        threads: args.threads,
    };
    let result = (|| {
        let input = open_input(&args.input, args.read.from.as_deref(), &mut opts.read)?;
        let target = match args.output.as_deref() {
            Some("-") => OutputTarget::Stdout,
            Some(path) => OutputTarget::File(PathBuf::from(path)),
            None if args.input == "-" => OutputTarget::Stdout,
            None => {
                let to = convert::writer_format(&args.to)?;
                OutputTarget::File(convert::default_output_path(&PathBuf::from(&args.input), to))
            }
        };
        let bar = progress(args.quiet || target == OutputTarget::Stdout);
        let mut hook = |c: &Counts| {
            if let Some(bar) = &bar {
                if (c.groups + c.products + c.receipts + c.orders).is_multiple_of(1000) {
                    bar.set_message(describe(c));
                }
            }
        };
        let summary = convert::convert(input, &target, &opts, &mut diag, Some(&mut hook));
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        summary
    })();
    print_diagnostics(&diag, args.quiet);
    if let Err(err) = &result {
        // Only a conversion to standard output writes there (`stdout_written`).
        if output::stdout_written() && !err.is_broken_pipe() {
            print_error(err);
            eprintln!("{}", tr!("cli-stdout-incomplete", mib = output::STDOUT_HELD_BYTES / (1024 * 1024)));
            return code_for(err.kind());
        }
    }
    match result {
        Ok(summary) => {
            if !args.quiet {
                let dest = summary
                    .output
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| tr!("cli-standard-output"));
                let warnings = match diag.total() {
                    0 => String::new(),
                    n => tr!("cli-converted-warnings", count = n),
                };
                eprintln!(
                    "{}",
                    tr!(
                        "cli-converted",
                        from = summary.from,
                        to = summary.to,
                        records = describe(&summary.counts),
                        dest = dest,
                        encoding = summary.encoding_text.to_string(),
                        warnings = warnings
                    )
                );
            }
            exit::OK
        }
        Err(err) => fail(&err),
    }
}

pub fn inspect(args: &InspectArgs) -> u8 {
    let mut diag = Diagnostics::new(false);
    let mut read = args.read.options.clone();
    let result = open_input(&args.input, args.read.from.as_deref(), &mut read)
        .and_then(|input| inspect::inspect(input, args.read.from.as_deref(), &read, &mut diag));
    print_diagnostics(&diag, args.quiet);
    match result {
        Ok(report) => {
            let mut out = io::stdout().lock();
            let written = if args.json {
                serde_json::to_writer_pretty(&mut out, &report).map_err(io::Error::from).and_then(|()| writeln!(out))
            } else {
                print_inspect(&report, &mut out)
            };
            if let Err(e) = written {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    eprintln!("{}", tr!("cli-error-writing-report", error = e.to_string()));
                    return exit::IO;
                }
            }
            if report.findings_total > 0 {
                exit::FINDINGS
            } else {
                exit::OK
            }
        }
        Err(err) => fail(&err),
    }
}

pub fn formats(args: &FormatsArgs) -> u8 {
    let mut out = io::stdout().lock();
    let written = if args.json {
        let rows: Vec<serde_json::Value> = FORMATS
            .iter()
            .map(|f| {
                serde_json::json!({
                    "name": f.name, "aliases": f.aliases, "extensions": f.extensions,
                    "description": f.description, "read": f.can_read(), "write": f.can_write(),
                    "data": f.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows).map_err(io::Error::from).and_then(|()| writeln!(out))
    } else {
        print_formats(&mut out)
    };
    match written {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("{}", tr!("cli-error", error = e.to_string()));
            exit::IO
        }
    }
}

pub fn schema() -> u8 {
    let text = serde_json::to_string_pretty(&canonical_json::json_schema()).unwrap_or_default();
    match writeln!(io::stdout().lock(), "{text}") {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(_) => exit::IO,
    }
}
