//! Throughput and peak memory of `kassa-bridge convert`, against the practical ceiling of each
//! input: a bare quick-xml event loop (XML), a csv `ByteRecord` count with `;` (text formats),
//! serde_json skipping the document (`IgnoredAny`, JSON), or calamine loading the sheet (xlsx).
//!
//! `cargo bench --bench throughput` generates the inputs once, in-process, under the target
//! directory's `bench-data/` (`generate/`: 10 MB and 200 MB per format, 10 MB and 50 MB of
//! `.xlsx`, 1 GB of `kassatka-xml`; made again only when the generator's source changes), then
//! runs every pair as a separate
//! `kassa-bridge convert` process (output to /dev/null), timing its wall clock (best of 3 for
//! 10 MB, one run for larger inputs, the input read once beforehand so that it comes from the
//! page cache) and polling `/proc/<pid>/status` for its peak resident memory (VmHWM). It prints a
//! Markdown table (also saved as `bench-data/results.md`).
//!
//! - `KASSA_BENCH_QUICK=1`: the 10 MB inputs only (a quick check).
//! - Arguments that are not flags filter the rows: `cargo bench --bench throughput -- commerceml`.
//!
//! Linux only (it reads `/proc`). Not a test: nothing here fails on a slow result.

mod generate;
mod inputs;
mod measure;
mod report;

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;
use std::process::Command;

use inputs::{ensure_input, input_named, pairs, size_label, Mode, Pair, MB};
use measure::run_best;
use report::Row;

const BIN: &str = env!("CARGO_BIN_EXE_kassa-bridge");

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

fn main() {
    let quick = std::env::var("KASSA_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let args: Vec<String> = std::env::args().collect();
    let filters: Vec<&String> = args.iter().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wanted = |label: &str| filters.is_empty() || filters.iter().any(|f| label.contains(f.as_str()));
    generate::check();

    // Every pair at 10 MB, then at its larger size.
    let mut jobs: Vec<(Pair, u64)> = Vec::new();
    for big in [false, true] {
        if big && quick {
            break;
        }
        for pair in pairs() {
            let size = if big { input_named(pair.from).big } else { 10 * MB };
            jobs.push((pair, size));
        }
    }
    if !quick {
        // The memory check: a streaming pair on 1 GB.
        let pair = Pair { from: "kassatka-xml", to: "canonical-json", mode: Mode::Streams("group codes seen") };
        jobs.push((pair, 1000 * MB));
    }
    jobs.retain(|(pair, size)| wanted(&format!("{} {}", pair.label(), size_label(*size))));

    let logs = inputs::data_dir().join("logs");
    fs::create_dir_all(&logs).expect("creating bench-data/logs");
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("kassa-bridge throughput — {}", report::machine());
    println!("load average at start: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!("binary: {BIN}");
    let mut baselines: Vec<(&str, u64, f64)> = Vec::new();
    let mut rows = Vec::new();
    for (pair, size) in jobs {
        let input = input_named(pair.from);
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
        let stem = input.name.replace([' ', '(', ')'], "");
        let log = logs.join(format!("{stem}-{}-{}MB.stderr", pair.to, size / MB));
        let run = run_best(|| convert(BIN, &pair, &path), &path, runs, &log)
            .unwrap_or_else(|e| panic!("kassa-bridge convert {} -t {} failed: {e}", path.display(), pair.to));
        let row = Row {
            label: pair.label(),
            size,
            input_bytes: bytes,
            mbps: measure::mbps(bytes, run.wall),
            peak_kb: run.peak_kb,
            baseline: input.baseline,
            baseline_mbps,
            mode: pair.mode,
        };
        eprintln!("{}", report::markdown(&row));
        rows.push(row);
    }

    let mut table = String::from(report::HEADER);
    for row in &rows {
        table.push_str(&report::markdown(row));
        table.push('\n');
    }
    println!();
    print!("{table}");
    let mut saved = File::create(inputs::data_dir().join("results.md")).expect("creating results.md");
    writeln!(saved, "{}\n\n{table}", report::machine()).expect("writing results.md");
}
