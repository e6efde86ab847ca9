//! Terminal output: errors, warnings, inspect reports and the format table.

use std::io::Write;

use kassa_bridge::formats::FORMATS;
use kassa_bridge::inspect::InspectReport;
use kassa_bridge::{tr, Diagnostics, Error};

/// How many warnings of one kind are printed before "… and N more".
const PRINTED_PER_KIND: usize = 5;

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
        n => eprintln!("{}", tr!("cli-warnings-quiet", count = n)),
    }
}

pub fn print_error(err: &Error) {
    eprintln!("{}", tr!("cli-error", error = err.to_string()));
}

/// Informational notes (what a reader guessed, e.g. the spreadsheet columns it matched).
pub fn print_notes(diag: &Diagnostics) {
    for note in diag.notes() {
        eprintln!("{}", tr!("cli-note", note = note.to_string()));
    }
}

pub fn print_warnings(diag: &Diagnostics) {
    for (kind, group) in diag.groups() {
        for w in group.examples.iter().take(PRINTED_PER_KIND) {
            eprintln!("{}", tr!("cli-warning", warning = w.to_string()));
        }
        let shown = group.examples.len().min(PRINTED_PER_KIND) as u64;
        if group.count > shown {
            eprintln!("{}", tr!("cli-warnings-more", count = group.count - shown, kind = *kind));
        }
    }
}

pub fn print_inspect(report: &InspectReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", report.file)?;
    for other in &report.with {
        writeln!(out, "  + {other}")?;
    }
    // `  label:    value`, the values in one column.
    let row = |out: &mut dyn Write, label: String, value: String| -> std::io::Result<()> {
        let label = format!("{label}:");
        let width = 11.max(label.chars().count() + 1);
        writeln!(out, "  {label:<width$}{value}")
    };
    let how = if report.format_detected { tr!("cli-inspect-detected") } else { tr!("cli-inspect-as-named") };
    row(out, tr!("cli-inspect-format"), format!("{} ({how})", report.format))?;
    row(out, tr!("cli-inspect-encoding"), report.encoding_text.to_string())?;
    match report.kind {
        Some("receipts") => {
            row(out, tr!("cli-inspect-receipts"), report.counts.receipts.to_string())?;
            row(out, tr!("cli-inspect-lines"), report.receipt_lines.to_string())?;
        }
        Some("orders") => {
            row(out, tr!("cli-inspect-orders"), report.counts.orders.to_string())?;
            row(out, tr!("cli-inspect-lines"), report.receipt_lines.to_string())?;
        }
        _ => {
            row(out, tr!("cli-inspect-groups"), report.counts.groups.to_string())?;
            row(out, tr!("cli-inspect-products"), report.counts.products.to_string())?;
            row(out, tr!("cli-inspect-prices"), report.prices.to_string())?;
            row(out, tr!("cli-inspect-barcodes"), report.barcodes.to_string())?;
            if report.deleted > 0 {
                row(out, tr!("cli-inspect-deleted"), tr!("cli-inspect-deleted-count", count = report.deleted))?;
            }
        }
    }
    if report.findings_total == 0 {
        let what = match report.kind {
            Some("receipts") => tr!("cli-inspect-receipts-consistent"),
            Some("orders") => tr!("cli-inspect-orders-consistent"),
            _ => tr!("cli-inspect-no-problems"),
        };
        writeln!(out, "  {what}")?;
        return Ok(());
    }
    row(out, tr!("cli-inspect-problems"), report.findings_total.to_string())?;
    for f in &report.findings {
        writeln!(out, "    [{}] {}", f.check, f.message)?;
    }
    let shown = report.findings.len() as u64;
    if report.findings_total > shown {
        writeln!(out, "    {}", tr!("cli-inspect-more", count = report.findings_total - shown))?;
    }
    Ok(())
}

pub fn print_formats(out: &mut dyn Write) -> std::io::Result<()> {
    let rows: Vec<[String; 6]> = FORMATS
        .iter()
        .map(|f| {
            [
                f.name.to_string(),
                if f.can_read() { tr!("cli-formats-yes") } else { "-".to_string() },
                if f.can_write() { tr!("cli-formats-yes") } else { "-".to_string() },
                f.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
                f.extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" "),
                f.aliases.join(", "),
            ]
        })
        .collect();
    let titles = [
        tr!("cli-formats-format"),
        tr!("cli-formats-read"),
        tr!("cli-formats-write"),
        tr!("cli-formats-data"),
        tr!("cli-formats-extensions"),
        tr!("cli-formats-aliases"),
    ];
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let widths: Vec<usize> = (0..titles.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).max(titles[i].chars().count()))
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
        writeln!(out, "  {}", f.description_text())?;
    }
    Ok(())
}
