//! Throughput and peak memory of `kassa-bridge convert`, against the practical ceiling of each
//! input: a bare quick-xml event loop (XML), a csv `ByteRecord` count with `;` (text formats),
//! serde_json skipping the document (`IgnoredAny`, JSON), or calamine loading the sheet (xlsx).
//!
//! `cargo bench --bench throughput` generates the inputs once, in-process, under the target
//! directory's `bench-data/` (`generate/`: 10 MB and 200 MB per format, 10 MB and 50 MB of
//! `.xlsx`, 1 GB of `kassatka-xml`; made again only when the generator's source changes), then
//! runs every pair as a separate `kassa-bridge convert` process (output to /dev/null), timing its
//! wall clock (best of 3 for 10 MB, one run for larger inputs, the input read once beforehand so
//! that it comes from the page cache) and polling `/proc/<pid>/status` for its peak resident
//! memory (VmHWM). `kassatka-xml → bifit-csv` is set beside two references measured the same
//! way: a streaming Python converter (`benches/reference/kassatka_to_bifit.py`) and a minimal
//! borrowed-event Rust loop (`reference.rs`, this binary run as `--reference-loop INPUT`). It
//! prints a Markdown table (also saved as `bench-data/results.md`).
//!
//! - `KASSA_BENCH_QUICK=1`: the 10 MB inputs only (a quick check).
//! - `KASSA_BENCH_OLD_BIN=/path/to/old/kassa-bridge`: every pair also runs with that binary, for
//!   the `old MB/s` and `× old` columns.
//! - Arguments that are not flags filter the rows: `cargo bench --bench throughput -- commerceml`.
//!
//! Linux only (it reads `/proc`). Not a test: nothing here fails on a slow result.

mod generate;
mod inputs;
mod measure;
mod reference;
mod report;

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use inputs::{ensure_input, input_named, pairs, size_label, Mode, Pair, MB};
use measure::run_best;
use report::{Row, LOOP, PYTHON};

const BIN: &str = env!("CARGO_BIN_EXE_kassa-bridge");
const PYTHON_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/reference/kassatka_to_bifit.py");

/// What one row runs.
enum Job {
    Pair(Pair),
    Python,
    Loop,
}

impl Job {
    fn label(&self) -> String {
        match self {
            Job::Pair(p) => p.label(),
            Job::Python => format!("{PYTHON} (kassatka-xml → bifit-csv)"),
            Job::Loop => format!("{LOOP} (kassatka-xml → bifit-csv)"),
        }
    }

    fn from(&self) -> &'static str {
        match self {
            Job::Pair(p) => p.from,
            Job::Python | Job::Loop => "kassatka-xml",
        }
    }
}

/// `convert` of a pair with the binary `bin`.
fn convert(bin: &str, pair: &Pair, input: &Path) -> Command {
    let mut command = Command::new(bin);
    command
        .arg("convert")
        .arg(input)
        .args(input_named(pair.from).read_args)
        .args(["-t", pair.to, "-o", "-", "--quiet"]);
    command
}

fn command(program: impl AsRef<OsStr>, args: &[&OsStr]) -> Command {
    let mut command = Command::new(program);
    command.args(args);
    command
}

/// Whether the references write the bridge's bytes, on a small generated catalogue.
fn same_output(exe: &Path, python: bool) -> String {
    let path = ensure_input(input_named("kassatka-xml"), MB);
    let pair = Pair { from: "kassatka-xml", to: "bifit-csv", mode: Mode::Streams("") };
    let run = |mut c: Command| c.output().ok().filter(|o| o.status.success()).map(|o| o.stdout);
    let Some(bridge) = run(convert(BIN, &pair, &path)) else { return "the bridge failed on the check input".into() };
    let mut checked = vec![(LOOP, run(command(exe, &[OsStr::new("--reference-loop"), path.as_os_str()])))];
    if python {
        checked.push((PYTHON, run(command("python3", &[OsStr::new(PYTHON_SCRIPT), path.as_os_str()]))));
    }
    let verdicts: Vec<String> = checked
        .into_iter()
        .map(|(name, out)| (name.trim_start_matches("reference: "), out))
        .map(|(name, out)| match out {
            Some(out) if out == bridge => format!("{name} writes the bridge's bytes"),
            Some(_) => format!("**{name} writes other bytes than the bridge**"),
            None => format!("**{name} failed**"),
        })
        .collect();
    format!("{} (1 MB of kassatka-xml → bifit-csv)", verdicts.join("; "))
}

fn python_available() -> bool {
    Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, input] = args.as_slice() {
        if flag == "--reference-loop" {
            if let Err(e) = reference::run(Path::new(input)) {
                eprintln!("{e}");
                std::process::exit(1);
            }
            return;
        }
    }
    let quick = std::env::var("KASSA_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let old_bin = std::env::var("KASSA_BENCH_OLD_BIN").ok().filter(|v| !v.is_empty());
    let filters: Vec<&String> = args.iter().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wanted = |label: &str| filters.is_empty() || filters.iter().any(|f| label.contains(f.as_str()));
    generate::check();

    // Every pair at 10 MB, then at its larger size; the references beside kassatka-xml → bifit-csv.
    let mut jobs: Vec<(Job, u64)> = Vec::new();
    for big in [false, true] {
        if big && quick {
            break;
        }
        for pair in pairs() {
            let size = if big { input_named(pair.from).big } else { 10 * MB };
            let references = pair.label() == "kassatka-xml → bifit-csv";
            jobs.push((Job::Pair(pair), size));
            if references {
                jobs.push((Job::Python, size));
                jobs.push((Job::Loop, size));
            }
        }
    }
    if !quick {
        // The memory check: a streaming pair on 1 GB.
        let pair = Pair { from: "kassatka-xml", to: "canonical-json", mode: Mode::Streams("group codes seen") };
        jobs.push((Job::Pair(pair), 1000 * MB));
    }
    jobs.retain(|(job, size)| wanted(&format!("{} {}", job.label(), size_label(*size))));

    let logs = inputs::data_dir().join("logs");
    fs::create_dir_all(&logs).expect("creating bench-data/logs");
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("kassa-bridge throughput — {}", report::machine());
    println!("load average at start: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!("binary: {BIN}");
    if let Some(old) = &old_bin {
        println!("old binary: {old}");
    }
    let python = python_available();
    let exe = std::env::current_exe().expect("the benchmark's own path");
    if jobs.iter().any(|(job, _)| !matches!(job, Job::Pair(_))) {
        println!("references: {}", same_output(&exe, python));
    }
    let mut baselines: Vec<(&str, u64, f64)> = Vec::new();
    let mut rows = Vec::new();
    for (job, size) in jobs {
        let input = input_named(job.from());
        let path = ensure_input(input, size);
        let bytes = fs::metadata(&path).map(|m| m.len()).expect("the input exists");
        let runs = if size <= 10 * MB { 3 } else { 1 };
        let baseline_mbps = match baselines.iter().find(|(n, s, _)| *n == input.name && *s == size) {
            Some((_, _, v)) => *v,
            None => {
                let v = input.baseline.mbps(&path, bytes, runs);
                baselines.push((input.name, size, v));
                v
            }
        };
        let log =
            |who: &str| logs.join(format!("{}-{who}-{}MB.stderr", input.name.replace([' ', '(', ')'], ""), size / MB));
        let measure = |command: &dyn Fn() -> Command, who: &str| {
            run_best(command, &path, runs, &log(who)).map(|run| (measure::mbps(bytes, run.wall), run.peak_kb))
        };
        let (label, measured, mode, old) = match &job {
            Job::Pair(pair) => {
                let measured = measure(&|| convert(BIN, pair, &path), pair.to);
                let old = old_bin
                    .as_ref()
                    .map(|old| measure(&|| convert(old, pair, &path), &format!("{}-old", pair.to)).map(|m| m.0));
                (pair.label(), measured, Some(pair.mode), old)
            }
            Job::Python if !python => (PYTHON.to_string(), Err("python3 not found".into()), None, None),
            Job::Python => {
                let args = [OsStr::new(PYTHON_SCRIPT), path.as_os_str()];
                (PYTHON.into(), measure(&|| command("python3", &args), "python"), None, None)
            }
            Job::Loop => {
                let args = [OsStr::new("--reference-loop"), path.as_os_str()];
                (LOOP.into(), measure(&|| command(&exe, &args), "loop"), None, None)
            }
        };
        let row = Row {
            label,
            size,
            input_bytes: bytes,
            measured,
            baseline: input.baseline,
            baseline_mbps,
            mode,
            old,
            verdict: String::new(),
        };
        eprintln!("{}", report::markdown(&row));
        rows.push(row);
    }

    report::judge(&mut rows);
    let mut table = String::from(report::HEADER);
    for row in &rows {
        table.push_str(&report::markdown(row));
        table.push('\n');
    }
    for line in report::reference_lines(&rows) {
        table.push('\n');
        table.push_str(&line);
        table.push('\n');
    }
    println!();
    print!("{table}");
    let saved: PathBuf = inputs::data_dir().join("results.md");
    let mut file = File::create(&saved).expect("creating results.md");
    writeln!(file, "{}\n\n{table}", report::machine()).expect("writing results.md");
}
