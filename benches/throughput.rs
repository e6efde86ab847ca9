//! Throughput and peak memory of `kassa-bridge convert`, against the practical ceiling of each
//! input: a bare quick-xml event loop (XML), a csv `ByteRecord` count with `;` (text formats), or
//! serde_json skipping the document (`IgnoredAny`, JSON).
//!
//! `cargo bench --bench throughput` (or `cargo bench`) generates the inputs once under
//! `target/bench-data/` with `kassa-bridge generate` (10 MB and 200 MB per format, 1 GB of
//! `kassatka-xml`; regenerated only when `src/generate.rs` changes), then runs every pair as a
//! separate `kassa-bridge convert` process (output to /dev/null), timing its wall clock (best of
//! 3 for 10 MB, one run for larger inputs, the input read once beforehand so that it comes from
//! the page cache) and polling `/proc/<pid>/status` for its peak resident memory (VmHWM). It
//! prints a Markdown table (also saved as `target/bench-data/results.md`).
//!
//! - `KASSA_BENCH_QUICK=1`: the 10 MB inputs only (a quick check, about a minute).
//! - Arguments that are not flags filter the rows: `cargo bench --bench throughput -- commerceml`.
//!
//! Linux only (it reads `/proc`). Not a test: nothing here fails on a slow result.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kassa-bridge");
const MB: u64 = 1_000_000;
/// Streaming pairs must stay below this whatever the input size.
const STREAMING_LIMIT_KB: u64 = 64 * 1024;

/// What the generated inputs depend on: regenerate when the generator changes.
fn data_version() -> String {
    let source = include_str!("../src/generate.rs");
    let hash = source.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("generate.rs {hash:016x} seed 1")
}

#[derive(Clone, Copy, PartialEq)]
enum Baseline {
    /// quick-xml `read_event_into` with one reused buffer, counting events.
    Xml,
    /// csv `read_byte_record` into one reused `ByteRecord`, `;`, flexible, counting records.
    Csv,
    /// serde_json `IgnoredAny` over the stream (a document or JSON Lines).
    Json,
}

impl Baseline {
    fn label(self) -> &'static str {
        match self {
            Baseline::Xml => "quick-xml",
            Baseline::Csv => "csv",
            Baseline::Json => "serde_json",
        }
    }
}

/// A generated input: one format, one kind.
struct Input {
    /// The format as the rows name it.
    name: &'static str,
    kind: &'static str,
    /// What `generate --format` gets.
    format: &'static str,
    ext: &'static str,
    baseline: Baseline,
    /// Arguments `convert` needs to read it (beyond detection).
    read_args: &'static [&'static str],
}

const INPUTS: &[Input] = &[
    Input {
        name: "kassatka-xml",
        kind: "catalog",
        format: "kassatka-xml",
        ext: "xml",
        baseline: Baseline::Xml,
        read_args: &[],
    },
    Input {
        name: "kassatka-receipts",
        kind: "receipts",
        format: "kassatka-receipts",
        ext: "xml",
        baseline: Baseline::Xml,
        read_args: &[],
    },
    Input {
        name: "atol-goods",
        kind: "catalog",
        format: "atol-goods",
        ext: "txt",
        baseline: Baseline::Csv,
        read_args: &[],
    },
    Input {
        name: "atol-report",
        kind: "receipts",
        format: "atol-report",
        ext: "txt",
        baseline: Baseline::Csv,
        read_args: &[],
    },
    Input {
        name: "bifit-csv",
        kind: "catalog",
        format: "bifit-csv",
        ext: "csv",
        baseline: Baseline::Csv,
        read_args: &[],
    },
    Input {
        name: "bifit-json",
        kind: "catalog",
        format: "bifit-json",
        ext: "json",
        baseline: Baseline::Json,
        read_args: &[],
    },
    Input {
        name: "canonical-json",
        kind: "catalog",
        format: "canonical-json",
        ext: "json",
        baseline: Baseline::Json,
        read_args: &[],
    },
    // A CSV price list in bifit-csv's layout, read by the spreadsheet reader with a mapping
    // (`NDS` would read as a column letter, so VAT is mapped by number).
    Input {
        name: "table (CSV)",
        kind: "catalog",
        format: "table",
        ext: "csv",
        baseline: Baseline::Csv,
        read_args: &[
            "-f",
            "table",
            "--header-row",
            "1",
            "--column",
            "code=EXTERNAL_CODE",
            "--column",
            "name=NAME",
            "--column",
            "barcode=BARCODE",
            "--column",
            "price=PRICE",
            "--column",
            "unit=UNIT_CODE",
            "--column",
            "vat=9",
            "--column",
            "group=GROUP",
            "--column",
            "article=VENDOR_CODE",
        ],
    },
    // A folder with import.xml and offers.xml.
    Input {
        name: "commerceml",
        kind: "catalog",
        format: "commerceml",
        ext: "",
        baseline: Baseline::Xml,
        read_args: &[],
    },
];

fn input(name: &str) -> &'static Input {
    INPUTS.iter().find(|i| i.name == name).expect("a known input")
}

/// How a pair holds its data, from reading the readers and writers: what it keeps besides the
/// record in hand.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// One record at a time, plus what the note says (small per-group or per-key tables).
    Streams(&'static str),
    /// Holds data in proportion to (part of) the input.
    Buffers(&'static str),
}

struct Pair {
    from: &'static str,
    to: &'static str,
    mode: Mode,
}

const OFFERS: Mode = Mode::Buffers("offers.xml indexed");

fn pairs() -> Vec<Pair> {
    let mut pairs: Vec<Pair> = INPUTS
        .iter()
        .map(|i| Pair {
            from: i.name,
            to: "canonical-json",
            mode: match i.name {
                "commerceml" => OFFERS,
                "kassatka-xml" | "table (CSV)" => Mode::Streams("group codes seen"),
                "bifit-csv" | "bifit-json" => Mode::Streams("folder index"),
                "atol-report" => Mode::Streams("open documents"),
                _ => Mode::Streams(""),
            },
        })
        .collect();
    pairs.extend([
        Pair { from: "kassatka-xml", to: "bifit-csv", mode: Mode::Streams("folder table") },
        Pair { from: "atol-goods", to: "kassatka-xml", mode: Mode::Streams("group table") },
        Pair { from: "commerceml", to: "bifit-csv", mode: OFFERS },
        Pair { from: "bifit-csv", to: "kassatka-xml", mode: Mode::Streams("folder index, group table") },
        Pair { from: "kassatka-receipts", to: "atol-report", mode: Mode::Streams("receipt number → document") },
    ]);
    pairs
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-data")
}

fn size_label(size: u64) -> String {
    if size >= 1000 * MB && size.is_multiple_of(1000 * MB) {
        format!("{} GB", size / (1000 * MB))
    } else {
        format!("{} MB", size / MB)
    }
}

/// The path `convert` reads (a folder for CommerceML) and the files it consists of.
fn input_path(input: &Input, size: u64) -> (PathBuf, Vec<PathBuf>) {
    let stem = format!("{}-{}-{}MB", input.format, input.kind, size / MB);
    let dir = data_dir();
    if input.format == "commerceml" {
        let folder = dir.join(stem);
        (folder.clone(), vec![folder.join("import.xml"), folder.join("offers.xml")])
    } else {
        let file = dir.join(format!("{stem}.{}", input.ext));
        (file.clone(), vec![file])
    }
}

/// Generates an input unless an up-to-date one is there.
fn ensure_input(input: &Input, size: u64) -> (PathBuf, Vec<PathBuf>) {
    let (path, files) = input_path(input, size);
    let marker = PathBuf::from(format!("{}.done", files[0].display()));
    let version = format!("{} size {size}", data_version());
    if fs::read_to_string(&marker).is_ok_and(|v| v == version) && files.iter().all(|f| f.exists()) {
        return (path, files);
    }
    fs::create_dir_all(files[0].parent().expect("a folder")).expect("creating target/bench-data");
    let _ = fs::remove_file(&marker);
    eprint!("generating {} {} ({}) … ", input.format, input.kind, size_label(size));
    let started = Instant::now();
    let status = Command::new(BIN)
        .args(["generate", "--kind", input.kind, "--format", input.format, "--size", &size.to_string(), "-o"])
        .arg(&files[0])
        .stderr(Stdio::null())
        .status()
        .expect("running kassa-bridge generate");
    assert!(status.success(), "kassa-bridge generate failed for {}", input.format);
    eprintln!("{:.1} s", started.elapsed().as_secs_f64());
    fs::write(&marker, version).expect("writing the marker");
    (path, files)
}

fn total_size(files: &[PathBuf]) -> u64 {
    files.iter().map(|f| fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum()
}

// ---------------------------------------------------------------------------------------------
// Baselines: read the same bytes with the bare parser, count, nothing else.

fn xml_events(path: &Path) -> u64 {
    let file = File::open(path).expect("opening the input");
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, file));
    let mut buf = Vec::with_capacity(4096);
    let mut events = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => events += 1,
            Err(e) => panic!("{}: {e}", path.display()),
        }
        buf.clear();
    }
    events
}

fn csv_records(path: &Path) -> u64 {
    let file = File::open(path).expect("opening the input");
    let mut reader =
        csv::ReaderBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_reader(BufReader::new(file));
    let mut record = csv::ByteRecord::new();
    let mut records = 0u64;
    while reader.read_byte_record(&mut record).expect("a CSV record") {
        records += 1;
    }
    records
}

fn json_values(path: &Path) -> u64 {
    let file = File::open(path).expect("opening the input");
    let stream = serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, file))
        .into_iter::<serde::de::IgnoredAny>();
    let mut values = 0u64;
    for value in stream {
        value.expect("JSON");
        values += 1;
    }
    values
}

/// Reads the files once, so that the measured runs find them in the page cache (this machine
/// reclaims cold pages, and a baseline read from disk would look slow).
fn warm(files: &[PathBuf]) {
    let mut buf = vec![0u8; 1 << 20];
    for f in files {
        let mut file = File::open(f).expect("opening the input");
        while file.read(&mut buf).expect("reading the input") > 0 {}
    }
}

fn baseline_once(kind: Baseline, files: &[PathBuf]) -> Duration {
    let started = Instant::now();
    let mut n = 0;
    for f in files {
        n += match kind {
            Baseline::Xml => xml_events(f),
            Baseline::Csv => csv_records(f),
            Baseline::Json => json_values(f),
        };
    }
    std::hint::black_box(n);
    started.elapsed()
}

// ---------------------------------------------------------------------------------------------
// The converter, measured from outside.

struct Run {
    wall: Duration,
    peak_kb: u64,
}

/// VmHWM (peak resident set) of a live process, in kB.
fn peak_rss_kb(status: &Path) -> Option<u64> {
    let file = File::open(status).ok()?;
    let mut peak = None;
    for line in BufReader::new(file).lines().map_while(|l| l.ok()) {
        if let Some(rest) = line.strip_prefix("VmHWM:").or_else(|| line.strip_prefix("VmRSS:")) {
            let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
            peak = Some(peak.map_or(kb, |p: u64| p.max(kb)));
        }
    }
    peak
}

fn convert_once(path: &Path, pair: &Pair, read_args: &[&str], log: &Path) -> Run {
    let stderr = File::create(log).expect("creating the log");
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .arg("convert")
        .arg(path)
        .args(read_args)
        .args(["-t", pair.to, "-o", "-", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("running kassa-bridge convert");
    let status_path = PathBuf::from(format!("/proc/{}/status", child.id()));
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let poller = {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(kb) = peak_rss_kb(&status_path) {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(3));
            }
        })
    };
    let status = child.wait().expect("waiting for kassa-bridge");
    let wall = started.elapsed();
    done.store(true, Ordering::Relaxed);
    poller.join().expect("the memory poller");
    if !status.success() {
        let mut text = String::new();
        let _ = File::open(log).and_then(|mut f| f.read_to_string(&mut text));
        panic!("kassa-bridge convert {} -t {} failed ({status}):\n{text}", path.display(), pair.to);
    }
    Run { wall, peak_kb: peak.load(Ordering::Relaxed) }
}

// ---------------------------------------------------------------------------------------------

struct Row {
    pair: String,
    size: u64,
    input_bytes: u64,
    mbps: f64,
    baseline: Baseline,
    baseline_mbps: f64,
    peak_kb: u64,
    mode: Mode,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.mbps / self.baseline_mbps
    }

    /// The targets: ≥ 50 % of the baseline; streaming below 64 MB, buffering below 1.5 × input.
    fn verdict(&self) -> String {
        let mut missed = Vec::new();
        if self.ratio() < 0.5 {
            missed.push("speed");
        }
        match self.mode {
            Mode::Streams(_) if self.peak_kb > STREAMING_LIMIT_KB => missed.push("memory"),
            Mode::Buffers(_) if self.peak_kb as f64 * 1024.0 > 1.5 * self.input_bytes as f64 => missed.push("memory"),
            _ => {}
        }
        if missed.is_empty() {
            "met".into()
        } else {
            format!("**missed: {}**", missed.join(", "))
        }
    }

    fn markdown(&self) -> String {
        let mode = match self.mode {
            Mode::Streams("") => "streams".to_string(),
            Mode::Streams(note) => format!("streams (+ {note})"),
            Mode::Buffers(why) => format!("buffers: {why}"),
        };
        format!(
            "| {} | {} | {:.0} | {:.0} ({}) | {:.0} % | {:.1} MiB | {} | {} |",
            self.pair,
            size_label(self.size),
            self.mbps,
            self.baseline_mbps,
            self.baseline.label(),
            self.ratio() * 100.0,
            self.peak_kb as f64 / 1024.0,
            mode,
            self.verdict()
        )
    }
}

fn mbps(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / MB as f64 / time.as_secs_f64()
}

fn machine() -> String {
    let arch = Command::new("uname")
        .arg("-m")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|r| r.trim_start_matches([' ', '\t', ':']).to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0)))
        .unwrap_or(0);
    format!("{arch}, {model}, {cores} cores, {:.0} GiB RAM", mem as f64 / 1024.0 / 1024.0)
}

fn main() {
    let quick = std::env::var("KASSA_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wanted = |label: &str| filters.is_empty() || filters.iter().any(|f| label.contains(f.as_str()));
    let sizes: &[u64] = if quick { &[10 * MB] } else { &[10 * MB, 200 * MB] };
    let logs = data_dir().join("logs");
    fs::create_dir_all(&logs).expect("creating target/bench-data/logs");

    let mut jobs: Vec<(Pair, u64)> = Vec::new();
    for &size in sizes {
        for pair in pairs() {
            jobs.push((pair, size));
        }
    }
    if !quick {
        // The memory check: a streaming pair on 1 GB.
        jobs.push((
            Pair { from: "kassatka-xml", to: "canonical-json", mode: Mode::Streams("group codes seen") },
            1000 * MB,
        ));
    }
    jobs.retain(|(p, size)| wanted(&format!("{} → {} {}", p.from, p.to, size_label(*size))));

    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("kassa-bridge throughput — {}", machine());
    println!("load average at start: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!("binary: {BIN}");
    let mut baselines: Vec<(String, u64, f64)> = Vec::new();
    let mut rows = Vec::new();
    for (pair, size) in jobs {
        let input = input(pair.from);
        let (path, files) = ensure_input(input, size);
        let bytes = total_size(&files);
        let runs = if size <= 10 * MB { 3 } else { 1 };
        let baseline_mbps = match baselines.iter().find(|(n, s, _)| n == input.name && *s == size) {
            Some((_, _, v)) => *v,
            None => {
                warm(&files);
                let best = (0..runs).map(|_| baseline_once(input.baseline, &files)).min().expect("a run");
                let v = mbps(bytes, best);
                baselines.push((input.name.to_string(), size, v));
                v
            }
        };
        let log = logs.join(format!("{}-{}-{}MB.stderr", input.format, pair.to, size / MB));
        warm(&files);
        let measured: Vec<Run> = (0..runs).map(|_| convert_once(&path, &pair, input.read_args, &log)).collect();
        let best = measured.iter().map(|r| r.wall).min().expect("a run");
        let peak_kb = measured.iter().map(|r| r.peak_kb).max().unwrap_or(0);
        let row = Row {
            pair: format!("{} → {}", pair.from, pair.to),
            size,
            input_bytes: bytes,
            mbps: mbps(bytes, best),
            baseline: input.baseline,
            baseline_mbps,
            peak_kb,
            mode: pair.mode,
        };
        eprintln!("{}", row.markdown());
        rows.push(row);
    }

    let mut table = String::new();
    table.push_str("| pair | input | MB/s | baseline MB/s | ratio | peak RSS | memory | targets |\n");
    table.push_str("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n");
    for row in &rows {
        table.push_str(&row.markdown());
        table.push('\n');
    }
    println!();
    print!("{table}");
    let mut saved = File::create(data_dir().join("results.md")).expect("creating results.md");
    writeln!(saved, "{}\n\n{table}", machine()).expect("writing results.md");
}
