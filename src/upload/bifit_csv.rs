//! БИФИТ Касса's batch import (reference `bifit.md` §4.1): the input converted to `bifit-csv`,
//! `POST /protected/exchange/csv/upload?charset=…&organization_id=…`, multipart field `file`.
//! The answer's `exceptionMessage`, `exceptionList` and `itemQty` are reported.

use std::fmt;
use std::path::Path;

use serde_json::Value;
use ureq::unversioned::multipart::{Form, Part};

use super::bifit::{value_text, BifitClient};
use super::http::percent_encode;
use super::{OnProgress, Progress, Result};
use crate::convert::{ConvertOptions, Counts};
use crate::diagnostics::Diagnostics;
use crate::tr;

/// What the CSV import answered.
#[derive(Debug, Clone)]
pub struct CsvOutcome {
    pub from_format: &'static str,
    pub organization: String,
    /// What the file held.
    pub counts: Counts,
    /// `itemQty`: the rows Bifit processed.
    pub item_qty: Option<u64>,
    /// `exceptionMessage`.
    pub exception_message: Option<String>,
    /// `exceptionList`, one line per entry.
    pub problems: Vec<String>,
}

impl CsvOutcome {
    /// No exception, no problem row, and no fewer rows processed than products sent.
    pub fn is_clean(&self) -> bool {
        self.exception_message.is_none()
            && self.problems.is_empty()
            && self.item_qty.is_none_or(|n| n >= self.counts.products)
    }
}

impl fmt::Display for CsvOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&tr!(
            "upload-bifit-csv-outcome",
            organization = &self.organization,
            groups = self.counts.groups,
            products = self.counts.products
        ))?;
        if let Some(n) = self.item_qty {
            write!(f, ", {}", tr!("upload-bifit-csv-rows", rows = n))?;
        }
        if let Some(m) = &self.exception_message {
            write!(f, "; {}", tr!("upload-bifit-csv-exception", message = m))?;
        }
        if !self.problems.is_empty() {
            write!(f, "; {}", tr!("upload-bifit-csv-problems", count = self.problems.len()))?;
        }
        Ok(())
    }
}

/// The `charset` Bifit is told for the encoding `bifit-csv` writes.
fn csv_charset(encoding: Option<&str>) -> String {
    match encoding.map(|e| e.trim().to_ascii_lowercase()) {
        None => "cp1251".into(),
        Some(e) if ["windows-1251", "cp1251", "win-1251", "x-cp1251"].contains(&e.as_str()) => "cp1251".into(),
        Some(e) if e == "utf8" || e == "utf-8" => "utf-8".into(),
        Some(e) => e,
    }
}

/// Converts any catalogue to `bifit-csv` and sends it to Bifit's batch import.
pub fn upload_csv(
    client: &BifitClient,
    input: &Path,
    convert: &ConvertOptions,
    diag: &mut Diagnostics,
    progress: OnProgress<'_>,
) -> Result<CsvOutcome> {
    progress(Progress::Converting);
    let converted = super::convert_to_temp(input, crate::formats::bifit_csv::NAME, convert, diag)?;
    let organization = client.organization_id()?;
    let what = "POST /protected/exchange/csv/upload";
    let url = format!(
        "{}?charset={}&organization_id={}",
        client.url("/protected/exchange/csv/upload"),
        percent_encode(&csv_charset(convert.write.encoding.as_deref())),
        percent_encode(&organization)
    );
    progress(Progress::Sending(what));
    let reply = client.call(what, |agent, bearer| {
        let part = Part::file(&converted.path)
            .map_err(ureq::Error::Io)?
            .file_name("nomenclatures.csv")
            .mime_str("text/csv")?;
        agent
            .post(&url)
            .header("Authorization", bearer)
            .header("Accept", "application/json")
            .send(Form::new().part("file", part))
    })?;
    let answer = client.json(what, &reply)?;
    let exception_message = answer.get("exceptionMessage").map(value_text).filter(|m| !m.trim().is_empty());
    let problems = match answer.get("exceptionList") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|e| match e.get("message").or_else(|| e.get("exceptionMessage")) {
                Some(m) if !e.is_string() => {
                    let row = e.get("row").or_else(|| e.get("line")).map(value_text);
                    match row {
                        Some(r) => tr!("upload-bifit-csv-row", row = r, message = value_text(m)),
                        None => value_text(m),
                    }
                }
                _ => value_text(e),
            })
            .collect(),
        _ => Vec::new(),
    };
    let item_qty = answer.get("itemQty").and_then(Value::as_u64);
    let http = client.http();
    Ok(CsvOutcome {
        from_format: converted.summary.from,
        organization,
        counts: converted.summary.counts.clone(),
        item_qty,
        exception_message: exception_message.map(|m| http.redact(&m)),
        problems: problems.iter().map(|p| http.redact(p)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_charset_follows_the_encoding() {
        assert_eq!(csv_charset(None), "cp1251");
        assert_eq!(csv_charset(Some("UTF-8")), "utf-8");
    }
}
