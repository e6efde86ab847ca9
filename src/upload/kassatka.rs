//! Кассатка's 1C API v1 (seed `002`): every request carries the `api-token` header, every answer
//! is `{"success": true, "response": {…}}`.
//!
//! - `POST /nomenclature`, multipart field `nomenclature` = the `ProductsGroups` XML → a
//!   `process_key`;
//! - `GET /receipts?from=YYYY-MM-DD HH:MM:SS&to=…` → a `process_key`;
//! - `GET /process/{key}` → `status` (`new` while it runs, `success` when done);
//! - `GET /download/{key}` → the `Documents` receipts XML.
//!
//! The statuses that mean failure are not documented: `error`, `failed`, `fail`, `failure`,
//! `rejected`, `cancelled`/`canceled` end the wait with an error (INFERRED); any other status
//! keeps it going until `poll-limit`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;
use ureq::unversioned::multipart::{Form, Part};

use super::config::KassatkaConfig;
use super::http::{join_url, Http, Reply};
use super::{Error, OnProgress, Progress, Result, Secret};
use crate::convert::{ConvertOptions, ConvertSummary, Counts};
use crate::diagnostics::Diagnostics;
use crate::output::OutputTarget;
use crate::tr;

pub const DEFAULT_BASE_URL: &str = "http://api.kassatka.link/1c-api/v1";
const SERVICE: &str = "Кассатка";

/// The format of `from` and `to`.
pub const PERIOD_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

const FAILED: [&str; 7] = ["error", "failed", "fail", "failure", "rejected", "cancelled", "canceled"];

/// A client for one account (one token).
#[derive(Debug, Clone)]
pub struct KassatkaClient {
    http: Http,
    base_url: String,
    token: Secret,
}

/// What a nomenclature upload did.
#[derive(Debug, Clone)]
pub struct NomenclatureUpload {
    pub process_key: String,
    /// The job's last status (`success`); `None` when we did not wait.
    pub status: Option<String>,
    /// The input's format and what was sent.
    pub from_format: &'static str,
    pub counts: Counts,
}

impl fmt::Display for NomenclatureUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        let status = self.status.clone().unwrap_or_else(|| tr!("upload-kassatka-not-waited"));
        f.write_str(&tr!(
            "upload-kassatka-sent",
            groups = c.groups,
            products = c.products,
            process = &self.process_key,
            status = status
        ))
    }
}

/// What a receipts download did.
#[derive(Debug, Clone)]
pub struct ReceiptsDownload {
    pub process_key: String,
    /// The XML as Кассатка sent it.
    pub raw: PathBuf,
    /// The conversion of it.
    pub summary: ConvertSummary,
}

/// Parses `--from`/`--to`: `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM`, or
/// a date alone (the start of the day; with `end_of_day`, 23:59:59).
pub fn parse_period_bound(text: &str, end_of_day: bool) -> Result<NaiveDateTime> {
    let t = text.trim();
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(dt);
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let time = if end_of_day { NaiveTime::from_hms_opt(23, 59, 59) } else { NaiveTime::from_hms_opt(0, 0, 0) };
        return Ok(date.and_time(time.expect("a valid time")));
    }
    Err(Error::Config(tr!("upload-bad-date", date = format!("{text:?}"))))
}

/// Percent-encodes a query value the way the API document's example does (`:` stays).
fn query_value(text: &str) -> String {
    super::http::percent_encode(text).replace("%3A", ":")
}

impl KassatkaClient {
    pub fn new(config: &KassatkaConfig, http: Http) -> Result<Self> {
        let token =
            config.token.clone().filter(|t| !t.is_empty()).ok_or_else(|| {
                Error::Config(tr!("upload-kassatka-no-token", env = super::config::ENV_KASSATKA_TOKEN))
            })?;
        http.add_secret(token.expose());
        Ok(KassatkaClient { http, base_url: config.base_url.trim_end_matches('/').to_string(), token })
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    fn url(&self, path: &str) -> String {
        join_url(&self.base_url, path)
    }

    /// The `response` of a successful answer; anything else is an error that says why.
    fn response(&self, what: &str, reply: &Reply) -> Result<Value> {
        let text = reply.text();
        if !reply.is_success() {
            let hint = match reply.status {
                401 | 403 => format!(" ({})", tr!("upload-kassatka-token-refused")),
                404 => format!(" ({})", tr!("upload-check-base-url")),
                _ => String::new(),
            };
            return Err(self.http.remote_error(
                SERVICE,
                Some(reply.status),
                &format!("{what}: HTTP {}{hint}{}", reply.status, self.http.excerpt(&text)),
            ));
        }
        let envelope: Value = serde_json::from_str(&text).map_err(|_| {
            self.http.remote_error(
                SERVICE,
                Some(reply.status),
                &format!("{what}: {}{}", tr!("upload-answer-not-json"), self.http.excerpt(&text)),
            )
        })?;
        if envelope.get("success") != Some(&Value::Bool(true)) {
            return Err(self.http.remote_error(
                SERVICE,
                Some(reply.status),
                &format!("{what}: {}{}", tr!("upload-kassatka-no-success"), self.http.excerpt(&text)),
            ));
        }
        Ok(envelope.get("response").cloned().unwrap_or(Value::Null))
    }

    fn process_key(&self, what: &str, reply: &Reply) -> Result<String> {
        let response = self.response(what, reply)?;
        match response.get("process_key") {
            Some(Value::String(k)) if !k.trim().is_empty() => Ok(k.trim().to_string()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => Err(self.http.remote_error(
                SERVICE,
                Some(reply.status),
                &format!("{what}: {}{}", tr!("upload-kassatka-no-process-key"), self.http.excerpt(&reply.text())),
            )),
        }
    }

    /// `POST /nomenclature` with a `kassatka-xml` file; returns the process key.
    pub fn submit_nomenclature(&self, xml: &Path) -> Result<String> {
        let what = "POST /nomenclature";
        let url = self.url("/nomenclature");
        let reply = self.http.send(SERVICE, what, |agent| {
            let part =
                Part::file(xml).map_err(ureq::Error::Io)?.file_name("nomenclature.xml").mime_str("application/xml")?;
            let form = Form::new().part("nomenclature", part);
            agent.post(&url).header("api-token", self.token.expose()).header("Accept", "application/json").send(form)
        })?;
        self.process_key(what, &reply)
    }

    /// `GET /receipts?from&to`; returns the process key.
    pub fn request_receipts(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<String> {
        if from > to {
            return Err(Error::Config(tr!("upload-period-reversed", from = from.to_string(), to = to.to_string())));
        }
        let what = "GET /receipts";
        let url = self.url("/receipts");
        let (from, to) = (from.format(PERIOD_FORMAT).to_string(), to.format(PERIOD_FORMAT).to_string());
        let reply = self.http.send(SERVICE, what, |agent| {
            agent
                .get(&url)
                .query_raw("from", query_value(&from))
                .query_raw("to", query_value(&to))
                .header("api-token", self.token.expose())
                .header("Accept", "application/json")
                .call()
        })?;
        self.process_key(what, &reply)
    }

    /// `GET /process/{key}`: the job's status and the whole `response`.
    pub fn process_status(&self, key: &str) -> Result<(String, Value)> {
        let what = format!("GET /process/{key}");
        let url = self.url(&format!("/process/{}", super::http::percent_encode(key)));
        let reply = self.http.send(SERVICE, &what, |agent| {
            agent.get(&url).header("api-token", self.token.expose()).header("Accept", "application/json").call()
        })?;
        let response = self.response(&what, &reply)?;
        let status = match response.get("status") {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(other) => other.to_string(),
            None => {
                return Err(self.http.remote_error(
                    SERVICE,
                    Some(reply.status),
                    &format!("{what}: {}{}", tr!("upload-kassatka-no-status"), self.http.excerpt(&reply.text())),
                ))
            }
        };
        Ok((status, response))
    }

    /// Polls a job with growing intervals until it succeeds (its status), fails, or the time
    /// limit passes (both errors).
    pub fn wait(&self, key: &str, progress: OnProgress<'_>) -> Result<String> {
        let config = self.http.config();
        let limit = config.poll_limit;
        let start = Instant::now();
        let mut n = 0;
        loop {
            let (status, response) = self.process_status(key)?;
            progress(Progress::Waiting { key, status: &status });
            let lower = status.to_lowercase();
            if lower == "success" {
                return Ok(status);
            }
            if FAILED.contains(&lower.as_str()) {
                return Err(self.http.remote_error(
                    SERVICE,
                    None,
                    &format!(
                        "{}{}",
                        tr!("upload-kassatka-job-failed", key = key, status = format!("{status:?}")),
                        self.http.excerpt(&response.to_string())
                    ),
                ));
            }
            n += 1;
            let wait = config.poll_interval(n);
            if start.elapsed() + wait > limit {
                return Err(self.http.remote_error(
                    SERVICE,
                    None,
                    &tr!(
                        "upload-kassatka-job-timeout",
                        key = key,
                        status = format!("{status:?}"),
                        seconds = format!("{:.1}", start.elapsed().as_secs_f64()),
                        limit = format!("{:?}", config.poll_limit)
                    ),
                ));
            }
            std::thread::sleep(wait);
        }
    }

    /// `GET /download/{key}` into `dest` (whole or not at all).
    pub fn download(&self, key: &str, dest: &Path) -> Result<()> {
        let what = format!("GET /download/{key}");
        let url = self.url(&format!("/download/{}", super::http::percent_encode(key)));
        self.http
            .download(SERVICE, &what, dest, |agent| agent.get(&url).header("api-token", self.token.expose()).call())?;
        // An error can come as a JSON envelope with status 200.
        let mut head = [0u8; 512];
        let n = std::fs::File::open(dest)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .map_err(|e| crate::Error::io(dest, e))?;
        let text = String::from_utf8_lossy(&head[..n]);
        if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
            let body = std::fs::read_to_string(dest).unwrap_or_default();
            let _ = std::fs::remove_file(dest);
            return Err(self.http.remote_error(
                SERVICE,
                None,
                &format!("{what}: {}{}", tr!("upload-kassatka-json-not-xml"), self.http.excerpt(&body)),
            ));
        }
        Ok(())
    }
}

/// Converts any catalogue to `kassatka-xml` and uploads it; with `wait`, polls the job until it
/// is done. The library entry point of `kassa-bridge upload kassatka` and of a drop-folder route.
pub fn upload_nomenclature(
    client: &KassatkaClient,
    input: &Path,
    convert: &ConvertOptions,
    diag: &mut Diagnostics,
    progress: OnProgress<'_>,
) -> Result<NomenclatureUpload> {
    upload_nomenclature_with(client, input, convert, true, diag, progress)
}

/// [`upload_nomenclature`], waiting for the job only when `wait` is true.
pub fn upload_nomenclature_with(
    client: &KassatkaClient,
    input: &Path,
    convert: &ConvertOptions,
    wait: bool,
    diag: &mut Diagnostics,
    progress: OnProgress<'_>,
) -> Result<NomenclatureUpload> {
    progress(Progress::Converting);
    let converted = super::convert_to_temp(input, crate::formats::kassatka_nomenclature::NAME, convert, diag)?;
    progress(Progress::Sending("POST /nomenclature"));
    let process_key = client.submit_nomenclature(&converted.path)?;
    let status = if wait { Some(client.wait(&process_key, progress)?) } else { None };
    Ok(NomenclatureUpload {
        process_key,
        status,
        from_format: converted.summary.from,
        counts: converted.summary.counts.clone(),
    })
}

/// Asks for the receipts of a period, waits for the job and downloads the XML into `raw` (whole
/// or not at all); returns the job's key. What a drop-folder pull fetches.
pub fn fetch_receipts(
    client: &KassatkaClient,
    from: NaiveDateTime,
    to: NaiveDateTime,
    raw: &Path,
    progress: OnProgress<'_>,
) -> Result<String> {
    progress(Progress::Sending("GET /receipts"));
    let process_key = client.request_receipts(from, to)?;
    client.wait(&process_key, progress)?;
    progress(Progress::Sending("GET /download"));
    client.download(&process_key, raw)?;
    Ok(process_key)
}

/// Asks for the receipts of a period, waits for the job, keeps the XML in `raw` and converts it
/// to `convert.to` at `output`. The library entry point of `kassa-bridge receipts kassatka`.
#[allow(clippy::too_many_arguments)]
pub fn download_receipts(
    client: &KassatkaClient,
    from: NaiveDateTime,
    to: NaiveDateTime,
    raw: &Path,
    output: &OutputTarget,
    convert: &ConvertOptions,
    diag: &mut Diagnostics,
    progress: OnProgress<'_>,
) -> Result<ReceiptsDownload> {
    // Fail on a bad target format before asking the service for anything.
    crate::convert::writer_format(&convert.to)?;
    let process_key = fetch_receipts(client, from, to, raw, progress)?;
    let mut opts = convert.clone();
    opts.from = Some(crate::formats::kassatka_receipts::NAME.into());
    let input = crate::text::RawInput::open(raw)?;
    let summary = crate::convert::convert(input, output, &opts, diag, None)?;
    Ok(ReceiptsDownload { process_key, raw: raw.to_path_buf(), summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_bounds_accept_dates_and_date_times() {
        assert_eq!(parse_period_bound("2018-04-16", false).unwrap().to_string(), "2018-04-16 00:00:00");
        assert_eq!(parse_period_bound("2018-04-16", true).unwrap().to_string(), "2018-04-16 23:59:59");
        assert_eq!(parse_period_bound("2018-04-16T11:08:31", false).unwrap().to_string(), "2018-04-16 11:08:31");
        assert!(parse_period_bound("16.04.2018", false).is_err());
        assert_eq!(query_value("2018-01-01 00:00:00"), "2018-01-01%2000:00:00");
    }
}
