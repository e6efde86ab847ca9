//! The table: one row per pair and input, judged against the targets.

use std::fs;
use std::process::Command;

use crate::inputs::{size_label, Mode};
use crate::measure::Baseline;

/// Streaming pairs stay below this whatever the input size.
const STREAMING_LIMIT_KB: u64 = 64 * 1024;
/// A streaming pair reaches this share of its bare parser's throughput.
const BASELINE_SHARE: f64 = 0.5;

pub struct Row {
    /// `from → to`.
    pub label: String,
    pub size: u64,
    pub input_bytes: u64,
    pub mbps: f64,
    pub peak_kb: u64,
    pub baseline: Baseline,
    pub baseline_mbps: f64,
    pub mode: Mode,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.mbps / self.baseline_mbps
    }

    /// The targets: ≥ 50 % of the baseline; streaming below 64 MiB, buffering below 1.5 × input.
    fn verdict(&self) -> String {
        let mut missed = Vec::new();
        if self.ratio() < BASELINE_SHARE {
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
}

pub const HEADER: &str = "| pair | input | MB/s | baseline MB/s | ratio | peak RSS | memory | targets |\n\
                          | --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n";

pub fn markdown(row: &Row) -> String {
    let mode = match row.mode {
        Mode::Streams("") => "streams".to_string(),
        Mode::Streams(note) => format!("streams (+ {note})"),
        Mode::Buffers(why) => format!("buffers: {why}"),
    };
    format!(
        "| {} | {} | {:.0} | {:.0} ({}) | {:.0} % | {:.1} MiB | {} | {} |",
        row.label,
        size_label(row.size),
        row.mbps,
        row.baseline_mbps,
        row.baseline.label(),
        row.ratio() * 100.0,
        row.peak_kb as f64 / 1024.0,
        mode,
        row.verdict()
    )
}

pub fn machine() -> String {
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
