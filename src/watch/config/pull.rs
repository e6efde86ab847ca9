//! A `[[pull]]` of the drop-folder configuration: what to fetch from a service, on which schedule,
//! into which outputs (`{from}` and `{to}` in their names are the period).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDateTime;
use serde::Deserialize;
use toml::Spanned;

use super::{parse_targets, Interval, RawTarget, Target};
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::msg;
use crate::watch::pull::schedule::Schedule;
use crate::watch::pull::source::{self, Source};

/// The time stamp of `{from}` and `{to}` in output names: `20261201-061500`.
pub const PERIOD_NAME_FORMAT: &str = "%Y%m%d-%H%M%S";

#[derive(Debug, Clone)]
pub struct Pull {
    pub name: String,
    pub source: &'static Source,
    pub schedule: Schedule,
    /// Time left for late data (offline tills): a run asks up to now − settle.
    pub settle: Duration,
    /// Longer periods are split.
    pub max_period: Duration,
    /// How long the identities of delivered records are kept to leave out repeats.
    pub remember: Duration,
    /// The first period's start when the journal has no cursor yet; `None`: today, 00:00.
    pub since: Option<NaiveDateTime>,
    /// An empty period still writes its (empty) outputs.
    pub write_empty: bool,
    /// The service's clock, when it is not this machine's: periods are asked (and `since`, and
    /// "today") in this UTC offset. `None`: the machine's local time.
    pub utc_offset: Option<chrono::FixedOffset>,
    pub targets: Vec<Target>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.service, self.fetch)
    }
}

impl Pull {
    /// The outputs' names for a period.
    pub fn output_name(&self, target: &Target, from: NaiveDateTime, to: NaiveDateTime) -> String {
        let (from, to) = (from.format(PERIOD_NAME_FORMAT).to_string(), to.format(PERIOD_NAME_FORMAT).to_string());
        target.render(&[("{pull}", &self.name), ("{from}", &from), ("{to}", &to)])
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawPull {
    name: Spanned<String>,
    service: Spanned<String>,
    fetch: Spanned<String>,
    every: Option<Spanned<Interval>>,
    at: Option<Spanned<Vec<String>>>,
    settle: Option<Interval>,
    max_period: Option<Spanned<Interval>>,
    remember: Option<Interval>,
    since: Option<Spanned<String>>,
    #[serde(default)]
    write_empty: bool,
    utc_offset: Option<Spanned<String>>,
    outbox: Option<PathBuf>,
    #[serde(default, rename = "target")]
    targets: Vec<Spanned<RawTarget>>,
}

pub(super) fn parse_pull(
    spanned: Spanned<RawPull>,
    at: &dyn Fn(&Path) -> PathBuf,
    fail: &dyn Fn(usize, Text) -> Error,
) -> Result<Pull> {
    let start = spanned.span().start;
    let raw = spanned.into_inner();
    let name = raw.name.get_ref().clone();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err(fail(raw.name.span().start, msg!("watch-config-pull-name").into()));
    }
    let source = source::find(raw.service.get_ref(), raw.fetch.get_ref())
        .map_err(|m| fail(raw.service.span().start, m.into()))?;
    let schedule = match (&raw.every, &raw.at) {
        (Some(every), None) if !every.get_ref().0.is_zero() => Schedule::Every(every.get_ref().0),
        (Some(every), None) => return Err(fail(every.span().start, msg!("watch-config-every-zero").into())),
        (None, Some(times)) => Schedule::at(times.get_ref()).map_err(|m| fail(times.span().start, m.into()))?,
        _ => return Err(fail(start, msg!("watch-config-pull-schedule", pull = format!("{name:?}")).into())),
    };
    let max_period = match &raw.max_period {
        Some(m) if m.get_ref().0 < Duration::from_secs(1) => {
            return Err(fail(m.span().start, msg!("watch-config-max-period").into()))
        }
        Some(m) => m.get_ref().0,
        None => Duration::from_secs(86_400),
    };
    let since = match &raw.since {
        Some(s) => Some(
            crate::upload::kassatka::parse_period_bound(s.get_ref(), false)
                .map_err(|e| fail(s.span().start, e.to_string().into()))?,
        ),
        None => None,
    };
    let utc_offset = match &raw.utc_offset {
        Some(o) => Some(crate::formats::orders_report::parse_offset(o.get_ref()).ok_or_else(|| {
            fail(o.span().start, msg!("watch-config-utc-offset", value = format!("{:?}", o.get_ref())).into())
        })?),
        None => None,
    };
    if raw.targets.is_empty() {
        return Err(fail(start, msg!("watch-config-pull-no-target", pull = format!("{name:?}")).into()));
    }
    let outbox = raw.outbox.as_deref().map_or_else(|| at(Path::new("outbox")), at);
    let owner = msg!("watch-config-owner-pull", pull = format!("{name:?}"));
    let targets = parse_targets(&raw.targets, &outbox, at, fail, owner, "{pull}-{from}-{to}")?;
    for (offset, t) in &targets {
        if !t.format.kinds.contains(&source.kind) {
            return Err(fail(
                *offset,
                msg!(
                    "watch-config-pull-wrong-kind",
                    format = t.format.name,
                    kind = source.kind.as_str(),
                    pull = format!("{name:?}")
                )
                .into(),
            ));
        }
        if !t.output.contains("{from}") && !t.output.contains("{to}") {
            tracing::debug!(pull = %name, output = %t.output, "a fixed output name: each period waits until the previous output has been taken");
        }
    }
    Ok(Pull {
        name,
        source,
        schedule,
        settle: raw.settle.map_or(Duration::from_secs(600), |i| i.0),
        max_period,
        remember: raw.remember.map_or(Duration::from_secs(7 * 86_400), |i| i.0),
        since,
        write_empty: raw.write_empty,
        utc_offset,
        targets: targets.into_iter().map(|(_, t)| t).collect(),
    })
}
