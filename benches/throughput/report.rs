//! The table: one row per measured program and input, judged against issue 12's targets.

use std::fs;
use std::process::Command;

use crate::inputs::{size_label, Mode, MB};
use crate::measure::Baseline;

/// Streaming pairs stay below this whatever the input size.
const STREAMING_LIMIT_KB: u64 = 64 * 1024;
/// A streaming pair reaches this share of its bare parser's throughput …
const BASELINE_SHARE: f64 = 0.35;
/// … and this multiple of the old binary's.
const OLD_MULTIPLE: f64 = 3.0;
/// The 1 GB input may peak at most this much above the same pair at 10 MB ("flat").
const FLAT_MEMORY: f64 = 1.25;
/// `kassatka-xml → bifit-csv` at 200 MB and more.
const FLAGSHIP: &str = "kassatka-xml → bifit-csv";
const FLAGSHIP_MBPS: f64 = 200.0;
pub const PYTHON: &str = "reference: python iterparse";
const PYTHON_MULTIPLE: f64 = 8.0;
pub const LOOP: &str = "reference: borrowed-event loop";
const LOOP_MULTIPLE: f64 = 1.4;

/// What a row measured: MB/s and peak memory, or why it could not.
pub type Measured = Result<(f64, u64), String>;

pub struct Row {
    /// `from → to`, or a reference's name.
    pub label: String,
    pub size: u64,
    pub input_bytes: u64,
    pub measured: Measured,
    pub baseline: Baseline,
    pub baseline_mbps: f64,
    /// `None` for the references.
    pub mode: Option<Mode>,
    /// The old binary's MB/s, when one was given.
    pub old: Option<Result<f64, String>>,
    pub verdict: String,
}

impl Row {
    fn mbps(&self) -> Option<f64> {
        self.measured.as_ref().ok().map(|m| m.0)
    }

    fn peak_kb(&self) -> Option<u64> {
        self.measured.as_ref().ok().map(|m| m.1)
    }

    fn cells(&self) -> [String; 10] {
        let (mbps, ratio, peak) = match &self.measured {
            Ok((mbps, peak)) => (
                format!("{mbps:.0}"),
                format!("{:.0} %", mbps / self.baseline_mbps * 100.0),
                format!("{:.1} MiB", *peak as f64 / 1024.0),
            ),
            Err(why) => (format!("— ({why})"), "—".into(), "—".into()),
        };
        let mode = match self.mode {
            None => "reference".to_string(),
            Some(Mode::Streams("")) => "streams".to_string(),
            Some(Mode::Streams(note)) => format!("streams (+ {note})"),
            Some(Mode::Buffers(why)) => format!("buffers: {why}"),
        };
        let (old, times) = match (&self.old, self.mbps()) {
            (None, _) => ("—".to_string(), "—".to_string()),
            (Some(Err(why)), _) => (format!("— ({why})"), "—".into()),
            (Some(Ok(old)), Some(new)) => (format!("{old:.0}"), format!("{:.1}×", new / old)),
            (Some(Ok(old)), None) => (format!("{old:.0}"), "—".into()),
        };
        [
            self.label.clone(),
            size_label(self.size),
            mbps,
            format!("{:.0} ({})", self.baseline_mbps, self.baseline.label()),
            ratio,
            peak,
            mode,
            old,
            times,
            self.verdict.clone(),
        ]
    }
}

pub const HEADER: &str =
    "| pair | input | MB/s | baseline MB/s | ratio | peak RSS | memory | old MB/s | × old | targets |\n\
                          | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |\n";

pub fn markdown(row: &Row) -> String {
    format!("| {} |", row.cells().join(" | "))
}

fn find<'a>(rows: &'a [Row], label: &str, size: u64) -> Option<&'a Row> {
    rows.iter().find(|r| r.label == label && r.size == size)
}

/// Judges every row against the targets (some need other rows: the references, the same pair at
/// 10 MB).
pub fn judge(rows: &mut [Row]) {
    let verdicts: Vec<String> = rows.iter().map(|row| verdict(row, rows)).collect();
    for (row, verdict) in rows.iter_mut().zip(verdicts) {
        row.verdict = verdict;
    }
}

fn verdict(row: &Row, rows: &[Row]) -> String {
    let Some(mode) = row.mode else {
        // A reference: how many times faster the bridge is.
        let target = if row.label == PYTHON { PYTHON_MULTIPLE } else { LOOP_MULTIPLE };
        let bridge = find(rows, FLAGSHIP, row.size).and_then(Row::mbps);
        return match (bridge, row.mbps()) {
            (Some(b), Some(r)) => format!("bridge {:.2}× this (target ≥ {target}× at 200 MB)", b / r),
            _ => "—".into(),
        };
    };
    let (Some(mbps), Some(peak)) = (row.mbps(), row.peak_kb()) else { return "**failed**".into() };
    let mut missed = Vec::new();
    match mode {
        Mode::Streams(_) => {
            if mbps / row.baseline_mbps < BASELINE_SHARE {
                missed.push("35 % of baseline".to_string());
            }
            if peak > STREAMING_LIMIT_KB {
                missed.push("64 MiB".into());
            }
            if let Some(Ok(old)) = row.old {
                if mbps < OLD_MULTIPLE * old {
                    missed.push("3× old".into());
                }
            }
            let small = find(rows, &row.label, 10 * MB).and_then(Row::peak_kb);
            if let (true, Some(small)) = (row.size >= 1000 * MB, small) {
                if peak as f64 > FLAT_MEMORY * small as f64 {
                    missed.push("flat memory".into());
                }
            }
        }
        Mode::Buffers(_) => {
            if peak as f64 * 1024.0 > 1.5 * row.input_bytes as f64 {
                missed.push("memory ≤ 1.5 × input".into());
            }
        }
    }
    if row.label == FLAGSHIP && row.size >= 200 * MB {
        if mbps < FLAGSHIP_MBPS {
            missed.push("200 MB/s".into());
        }
        for (reference, multiple) in [(PYTHON, PYTHON_MULTIPLE), (LOOP, LOOP_MULTIPLE)] {
            if let Some(r) = find(rows, reference, row.size).and_then(Row::mbps) {
                if mbps < multiple * r {
                    missed.push(format!("{multiple}× {}", reference.trim_start_matches("reference: ")));
                }
            }
        }
    }
    if missed.is_empty() {
        "met".into()
    } else {
        format!("**missed: {}**", missed.join(", "))
    }
}

/// The lines under the table: the bridge as a multiple of each reference, per size.
pub fn reference_lines(rows: &[Row]) -> Vec<String> {
    let mut lines = Vec::new();
    for bridge in rows.iter().filter(|r| r.label == FLAGSHIP) {
        let Some(b) = bridge.mbps() else { continue };
        let parts: Vec<String> = [(PYTHON, PYTHON_MULTIPLE), (LOOP, LOOP_MULTIPLE)]
            .iter()
            .filter_map(|(name, target)| {
                let r = find(rows, name, bridge.size)?;
                Some(match r.mbps() {
                    Some(m) => {
                        format!("{:.2}× the {} (target ≥ {target}×)", b / m, name.trim_start_matches("reference: "))
                    }
                    None => format!("no {} figure", name.trim_start_matches("reference: ")),
                })
            })
            .collect();
        if !parts.is_empty() {
            lines.push(format!("{FLAGSHIP}, {}: the bridge runs at {}.", size_label(bridge.size), parts.join(" and ")));
        }
    }
    lines
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
