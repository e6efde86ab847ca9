//! Talking to the cloud cash registers: uploads of catalogues, downloads of receipts and online
//! orders.
//!
//! - [`kassatka`]: Кассатка's 1C API v1 (`api-token` header; nomenclature upload and receipts
//!   download, both as asynchronous jobs polled until they finish).
//! - [`bifit`]: БИФИТ Касса's cashdesk API (OAuth2 password grant; organizations, online orders)
//!   and [`bifit_goods`]: its catalogue uploads (the CSV batch import and the per-item API with
//!   delta sync, remembered in [`sync_state`]).
//! - [`http`]: retries with exponential backoff and jitter, bounded in attempts and total time.
//! - [`config`]: endpoints and credentials from a config file section or environment variables.
//!
//! Like the rest of the library this module never prints: progress goes through callbacks,
//! results through values. Credentials are [`Secret`]s: their `Debug` and `Display` print `***`,
//! and every message built from a server's answer has the credentials in use blanked out.
//!
//! Entry points for a drop-folder route: [`upload_file`] (by [`Target`]) or, per service,
//! [`kassatka::upload_nomenclature`], [`bifit_goods::upload_csv`] and [`bifit_goods::upload_api`].

use std::fmt;
use std::path::{Path, PathBuf};

pub mod bifit;
pub mod bifit_csv;
pub mod bifit_goods;
pub mod config;
pub mod http;
pub mod kassatka;
pub mod redact;
pub mod sync_state;

pub use config::ServicesConfig;
pub use http::{Http, HttpConfig};

use crate::convert::ConvertOptions;
use crate::diagnostics::Diagnostics;

/// A credential. Shown as `***` by `Debug` and `Display`; [`Secret::expose`] is the only way to
/// the text, for the one place that sends it.
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What can go wrong talking to a service.
#[derive(Debug)]
pub enum Error {
    /// Reading, converting or writing a local file (the conversion's own error).
    Local(crate::Error),
    /// Missing or invalid configuration: no token, no login, a bad config file.
    Config(String),
    /// Refused before anything was sent (e.g. an order status change the rules forbid).
    Refused(String),
    /// The service failed or said no: an HTTP error, a transport error after the retries, a job
    /// that failed or did not finish in time. `status` is the last HTTP status, if any.
    Remote { service: &'static str, status: Option<u16>, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn remote(service: &'static str, status: Option<u16>, message: impl Into<String>) -> Self {
        Error::Remote { service, status, message: message.into() }
    }

    /// The HTTP status of a remote error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Remote { status, .. } => *status,
            _ => None,
        }
    }

    /// A client error (4xx other than 408/429): the request itself was refused, so retrying the
    /// same request cannot help, but other requests may still succeed.
    pub fn is_client_error(&self) -> bool {
        matches!(self.status(), Some(s) if (400..500).contains(&s) && s != 408 && s != 429)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Local(e) => e.fmt(f),
            Error::Config(m) | Error::Refused(m) => f.write_str(m),
            Error::Remote { service, message, .. } => write!(f, "{service}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Local(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Self {
        Error::Local(e)
    }
}

/// What a long operation is doing, for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress<'a> {
    /// Converting the input to what the service takes.
    Converting,
    /// A request is on its way (`what` is e.g. `POST /nomenclature`).
    Sending(&'a str),
    /// Polling a job: the service's last status.
    Waiting { key: &'a str, status: &'a str },
    /// Per-item uploads: `done` of `total` items handled.
    Items { done: u64, total: u64 },
}

/// Something that wants to know about progress (`&mut |_| {}` when nothing does).
pub type OnProgress<'a> = &'a mut dyn FnMut(Progress<'_>);

/// Where a catalogue goes (a drop-folder route's `upload = "…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Кассатка: converted to `kassatka-xml`, `POST /nomenclature`, polled until done.
    Kassatka,
    /// БИФИТ Касса's batch import: converted to `bifit-csv`, `POST /protected/exchange/csv/upload`.
    BifitCsv,
    /// БИФИТ Касса's per-item API with delta sync.
    BifitApi,
}

impl Target {
    pub fn from_name(name: &str) -> Option<Target> {
        match name.trim().to_ascii_lowercase().as_str() {
            "kassatka" => Some(Target::Kassatka),
            "bifit-csv" => Some(Target::BifitCsv),
            "bifit-api" | "bifit" => Some(Target::BifitApi),
            _ => None,
        }
    }
}

/// What an upload did, for a log line or a status file.
#[derive(Debug, Clone)]
pub enum Outcome {
    Kassatka(kassatka::NomenclatureUpload),
    BifitCsv(bifit_goods::CsvOutcome),
    BifitApi(bifit_goods::ApiOutcome),
}

impl Outcome {
    /// True when the service took everything (no failed item, no reported problem).
    pub fn is_clean(&self) -> bool {
        match self {
            Outcome::Kassatka(_) => true,
            Outcome::BifitCsv(o) => o.is_clean(),
            Outcome::BifitApi(o) => o.is_clean(),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Kassatka(o) => o.fmt(f),
            Outcome::BifitCsv(o) => o.fmt(f),
            Outcome::BifitApi(o) => o.fmt(f),
        }
    }
}

/// Uploads one catalogue file to a target, the way the `upload` subcommands do: the whole
/// library entry point a drop-folder route needs. `convert` carries the read and write options
/// (its `to` is ignored: each target has its own format).
pub fn upload_file(
    config: &ServicesConfig,
    target: Target,
    input: &Path,
    convert: &ConvertOptions,
    diag: &mut Diagnostics,
    progress: OnProgress<'_>,
) -> Result<Outcome> {
    let http = Http::new(config.http.clone())?;
    match target {
        Target::Kassatka => {
            let client = kassatka::KassatkaClient::new(&config.kassatka, http)?;
            kassatka::upload_nomenclature(&client, input, convert, diag, progress).map(Outcome::Kassatka)
        }
        Target::BifitCsv => {
            let client = bifit::BifitClient::new(&config.bifit, http)?;
            bifit_goods::upload_csv(&client, input, convert, diag, progress).map(Outcome::BifitCsv)
        }
        Target::BifitApi => {
            let client = bifit::BifitClient::new(&config.bifit, http)?;
            let mut state = sync_state::SyncState::load(&config.bifit.state_path())?;
            let opts = bifit_goods::ApiOptions { full: false };
            bifit_goods::upload_api(&client, input, convert, &opts, &mut state, diag, progress).map(Outcome::BifitApi)
        }
    }
}

/// A converted input in a temporary folder (removed when this is dropped).
pub(crate) struct Converted {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub summary: crate::convert::ConvertSummary,
}

/// Converts `input` (a file, or a folder holding a package) to format `to` in a temporary folder.
pub(crate) fn convert_to_temp(
    input: &Path,
    to: &str,
    convert: &ConvertOptions,
    diag: &mut Diagnostics,
) -> Result<Converted> {
    let mut opts = convert.clone();
    opts.to = to.to_string();
    let format = crate::convert::writer_format(to)?;
    let dir = tempfile::Builder::new()
        .prefix("kassa-bridge-upload.")
        .tempdir()
        .map_err(|e| crate::Error::io(std::env::temp_dir(), e))?;
    let path = dir.path().join(format!("upload.{}", format.extensions.first().copied().unwrap_or("out")));
    let raw = crate::convert::open_path(input, opts.from.as_deref(), &mut opts.read)?;
    let summary = crate::convert::convert(raw, &crate::output::OutputTarget::File(path.clone()), &opts, diag, None)?;
    Ok(Converted { _dir: dir, path, summary })
}
