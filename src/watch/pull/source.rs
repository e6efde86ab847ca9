//! What a pull can fetch: one row per (service, what), saying everything the rest of the pull
//! needs — the format of what comes back, the credentials it needs, how to fetch a period, and
//! what tells one record from another (so a record returned in two periods is delivered once).

use std::path::Path;

use chrono::NaiveDateTime;

use crate::i18n::Message;
use crate::model::{DataKind, Record};
use crate::msg;
use crate::upload::{self, Http, ServicesConfig};

pub struct Source {
    /// `service = "…"` in a `[[pull]]`.
    pub service: &'static str,
    /// `fetch = "…"`.
    pub fetch: &'static str,
    /// The format of the file the service returns (read with that format's reader).
    pub format: &'static str,
    pub kind: DataKind,
    /// The credentials it needs, when they are missing (for the message at start).
    pub missing_credentials: fn(&ServicesConfig) -> Option<Message>,
    /// Fetches the records of `[from, to]` into the file `raw` (whole or not at all).
    pub fetch_period: fn(&ServicesConfig, NaiveDateTime, NaiveDateTime, &Path) -> upload::Result<()>,
    /// The identity of a record, for leaving out what was delivered before.
    pub identity: fn(&Record) -> Option<String>,
}

pub const SOURCES: &[Source] = &[Source {
    service: "kassatka",
    fetch: "receipts",
    format: crate::formats::kassatka_receipts::NAME,
    kind: DataKind::Receipts,
    missing_credentials: |services| {
        services.kassatka.token.as_ref().is_none_or(|t| t.is_empty()).then(crate::watch::config::kassatka_token)
    },
    fetch_period: |services, from, to, raw| {
        let client = upload::kassatka::KassatkaClient::new(&services.kassatka, Http::new(services.http.clone())?)?;
        upload::kassatka::fetch_receipts(&client, from, to, raw, &mut |_| {}).map(|_| ())
    },
    identity: |record| match record {
        Record::Receipt(r) => Some(r.identity()),
        _ => None,
    },
}];

/// The row for `service` and `fetch`, or the message listing what there is.
pub fn find(service: &str, fetch: &str) -> Result<&'static Source, Message> {
    SOURCES
        .iter()
        .find(|s| s.service.eq_ignore_ascii_case(service.trim()) && s.fetch.eq_ignore_ascii_case(fetch.trim()))
        .ok_or_else(|| {
            let known: Vec<String> =
                SOURCES.iter().map(|s| format!("service = {:?}, fetch = {:?}", s.service, s.fetch)).collect();
            msg!(
                "watch-config-unknown-source",
                service = format!("{service:?}"),
                fetch = format!("{fetch:?}"),
                known = known.join("; ")
            )
        })
}
