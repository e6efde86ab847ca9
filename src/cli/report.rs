//! Terminal output: errors, warnings, inspect reports and the format table.

use std::io::Write;

use kassa_bridge::formats::FORMATS;
use kassa_bridge::inspect::InspectReport;
use kassa_bridge::{Diagnostics, Error};

/// How many warnings of one kind are printed before "… and N more".
const PRINTED_PER_KIND: usize = 5;

/// `1 warning`, `3 warnings`.
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Notes and warnings; under `-q` only a line that counts the warnings (errors are printed
/// either way, by `print_error`).
pub fn print_diagnostics(diag: &Diagnostics, quiet: bool) {
    if !quiet {
        print_notes(diag);
        print_warnings(diag);
        return;
    }
    match diag.total() {
        0 => {}
        1 => eprintln!("1 warning (run without -q to see it)"),
        n => eprintln!("{} (run without -q to see them)", count(n, "warning")),
    }
}

pub fn print_error(err: &Error) {
    eprintln!("error: {err}");
}

/// Informational notes (what a reader guessed, e.g. the spreadsheet columns it matched).
pub fn print_notes(diag: &Diagnostics) {
    for note in diag.notes() {
        eprintln!("note: {note}");
    }
}

pub fn print_warnings(diag: &Diagnostics) {
    for (kind, group) in diag.groups() {
        for w in group.examples.iter().take(PRINTED_PER_KIND) {
            eprintln!("warning: {w}");
        }
        let shown = group.examples.len().min(PRINTED_PER_KIND) as u64;
        if group.count > shown {
            eprintln!("warning: … and {} more [{kind}]", group.count - shown);
        }
    }
}

pub fn print_inspect(report: &InspectReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", report.file)?;
    for other in &report.with {
        writeln!(out, "  + {other}")?;
    }
    let how = if report.format_detected { "detected" } else { "as named" };
    writeln!(out, "  format:    {} ({how})", report.format)?;
    writeln!(out, "  encoding:  {}", report.encoding)?;
    match report.kind {
        Some("receipts") => {
            writeln!(out, "  receipts:  {}", report.counts.receipts)?;
            writeln!(out, "  lines:     {}", report.receipt_lines)?;
        }
        Some("orders") => {
            writeln!(out, "  orders:    {}", report.counts.orders)?;
            writeln!(out, "  lines:     {}", report.receipt_lines)?;
        }
        _ => {
            writeln!(out, "  groups:    {}", report.counts.groups)?;
            writeln!(out, "  products:  {}", report.counts.products)?;
            writeln!(out, "  prices:    {}", report.prices)?;
            writeln!(out, "  barcodes:  {}", report.barcodes)?;
            if report.deleted > 0 {
                writeln!(out, "  deleted:   {} (marked deleted in the source)", report.deleted)?;
            }
        }
    }
    if report.findings_total == 0 {
        let what = match report.kind {
            Some("receipts") => "all totals consistent",
            Some("orders") => "all totals and statuses consistent",
            _ => "no problems found",
        };
        writeln!(out, "  {what}")?;
        return Ok(());
    }
    writeln!(out, "  problems:  {}", report.findings_total)?;
    for f in &report.findings {
        writeln!(out, "    [{}] {}", f.check, f.message)?;
    }
    let shown = report.findings.len() as u64;
    if report.findings_total > shown {
        writeln!(out, "    … and {} more", report.findings_total - shown)?;
    }
    Ok(())
}

pub fn print_formats(out: &mut dyn Write) -> std::io::Result<()> {
    let rows: Vec<[String; 6]> = FORMATS
        .iter()
        .map(|f| {
            [
                f.name.to_string(),
                if f.can_read() { "yes" } else { "-" }.to_string(),
                if f.can_write() { "yes" } else { "-" }.to_string(),
                f.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
                f.extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" "),
                f.aliases.join(", "),
            ]
        })
        .collect();
    let titles = ["FORMAT", "READ", "WRITE", "DATA", "EXTENSIONS", "ALIASES"];
    let widths: Vec<usize> = (0..titles.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).max(titles[i].len()))
        .collect();
    let line = |cells: &[&str]| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(out, "{}", line(&titles))?;
    for (row, f) in rows.iter().zip(FORMATS) {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
        writeln!(out, "  {}", f.description)?;
    }
    Ok(())
}
