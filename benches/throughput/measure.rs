//! Measuring: a child process's wall time and peak memory, and the bare-parser baselines run in
//! this process on the same bytes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::inputs::MB;

pub fn mbps(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / MB as f64 / time.as_secs_f64()
}

// ---------------------------------------------------------------------------------------------
// Baselines: read the same bytes with the bare parser, count, nothing else.

#[derive(Clone, Copy, PartialEq)]
pub enum Baseline {
    /// quick-xml `read_event_into` with one reused buffer, counting events.
    Xml,
    /// csv `read_byte_record` into one reused `ByteRecord`, `;`, flexible, counting records.
    Csv,
    /// serde_json `IgnoredAny` over the stream (a document or JSON Lines).
    Json,
    /// calamine opening the workbook, loading the first sheet and iterating its cells.
    Xlsx,
}

impl Baseline {
    pub fn label(self) -> &'static str {
        match self {
            Baseline::Xml => "quick-xml",
            Baseline::Csv => "csv",
            Baseline::Json => "serde_json",
            Baseline::Xlsx => "calamine",
        }
    }

    /// The best of `runs` passes over the file, in MB/s.
    pub fn mbps(self, path: &Path, bytes: u64, runs: usize) -> f64 {
        warm(path);
        let best = (0..runs).map(|_| self.once(path)).min().expect("a run");
        mbps(bytes, best)
    }

    fn once(self, path: &Path) -> Duration {
        let started = Instant::now();
        let n = match self {
            Baseline::Xml => xml_events(path),
            Baseline::Csv => csv_records(path),
            Baseline::Json => json_values(path),
            Baseline::Xlsx => xlsx_cells(path),
        };
        std::hint::black_box(n);
        started.elapsed()
    }
}

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

fn xlsx_cells(path: &Path) -> u64 {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).expect("opening the workbook");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("the first sheet");
    range.used_cells().count() as u64
}

/// Reads the file once, so that the measured runs find it in the page cache (this machine
/// reclaims cold pages, and a baseline read from disk would look slow).
pub fn warm(path: &Path) {
    let mut buf = vec![0u8; 1 << 20];
    let mut file = File::open(path).expect("opening the input");
    while file.read(&mut buf).expect("reading the input") > 0 {}
}

// ---------------------------------------------------------------------------------------------
// A program, measured from outside.

pub struct Run {
    pub wall: Duration,
    pub peak_kb: u64,
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

/// Runs `command` once with its output to /dev/null and its stderr to `log`, polling its peak
/// memory every 3 ms. An error (it cannot start, or fails) gives the first lines of its stderr.
pub fn run_once(command: &mut Command, log: &Path) -> Result<Run, String> {
    let stderr = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
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
    let status = child.wait().map_err(|e| format!("waiting for {:?}: {e}", command.get_program()));
    let wall = started.elapsed();
    done.store(true, Ordering::Relaxed);
    poller.join().expect("the memory poller");
    let status = status?;
    if !status.success() {
        let mut text = String::new();
        let _ = File::open(log).and_then(|mut f| f.read_to_string(&mut text));
        let head: Vec<&str> = text.lines().take(3).collect();
        return Err(format!("{status}: {}", head.join(" / ")));
    }
    Ok(Run { wall, peak_kb: peak.load(Ordering::Relaxed) })
}

/// The best wall time of `runs` runs and the highest peak, the input read once beforehand.
pub fn run_best(mut command: impl FnMut() -> Command, input: &Path, runs: usize, log: &Path) -> Result<Run, String> {
    warm(input);
    let mut best: Option<Run> = None;
    for _ in 0..runs {
        let run = run_once(&mut command(), log)?;
        best = Some(match best {
            Some(b) => Run { wall: b.wall.min(run.wall), peak_kb: b.peak_kb.max(run.peak_kb) },
            None => run,
        });
    }
    best.ok_or_else(|| "no run".to_string())
}
