//! The drop-folder configuration: TOML, unknown keys rejected (with their line), one or more
//! routes from an inbox to one or more target formats.
//!
//! Without a file the built-in layout is used: the example `kassa-bridge init` writes is parsed,
//! so the written example and the defaults can never disagree.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

mod pull;
mod route;

use super::pattern::Pattern;
use crate::convert;
use crate::error::{Error, Result};
use crate::i18n::{Message, Text};
use crate::options::{ReadOptions, WriteOptions};
use crate::upload::{ServicesConfig, Target as UploadTarget};
use crate::{msg, tr};
pub use pull::{Pull, PERIOD_NAME_FORMAT};
use route::check_folders;
pub use route::{FlagFile, Route, RouteUpload, Target};

/// The commented example configuration; every key holds its default.
pub const EXAMPLE: &str = include_str!("example.toml");

/// The same configuration commented in Russian, with `lang = "ru"` (written by `init` when the
/// language is Russian).
pub const EXAMPLE_RU: &str = include_str!("example.ru.toml");

/// The file `watch` and `status` read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "kassa-bridge.toml";

/// The data folder when neither the configuration nor the command line names one.
pub const DEFAULT_DATA_DIR: &str = "kassa-bridge-data";

/// The journal's file name inside the data folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// The pulls' journal inside the data folder.
pub const PULL_JOURNAL_FILE: &str = "pulls.jsonl";

#[derive(Debug, Clone)]
pub struct Config {
    /// The configuration file, when there is one.
    pub source: Option<PathBuf>,
    /// Absolute; holds the journal.
    pub data_dir: PathBuf,
    pub poll: bool,
    pub timings: Timings,
    /// Names to ignore on top of the built-in list.
    pub ignore: Vec<Pattern>,
    pub routes: Vec<Route>,
    /// `[[pull]]`: what is fetched from a service on a schedule.
    pub pulls: Vec<Pull>,
    /// `lang = "ru"`: the language of the logs, reports and `status` (unless `--lang` or
    /// `KASSA_BRIDGE_LANG` say otherwise), so a service started without a locale speaks it.
    pub lang: Option<crate::i18n::Lang>,
    /// The `[kassatka]`, `[bifit]` and `[http]` sections (the environment over them, see
    /// [`crate::upload::config`]), for the routes' `upload = …`.
    pub services: ServicesConfig,
}

/// Every interval and count of the watcher; tests use milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timings {
    pub rescan_interval: Duration,
    pub check_interval: Duration,
    pub stable_checks: u32,
    pub min_age: Duration,
    pub min_size: u64,
    pub pair_wait: Duration,
    pub retry_min: Duration,
    pub retry_max: Duration,
    /// Retries of a job whose outbox fails before its input goes to `error/`.
    pub max_retries: u32,
    /// Conversions of one job the program may not survive (crashed or killed) before its input
    /// goes to `error/` (a dead-letter rule).
    pub max_attempts: u32,
    /// Finished jobs older than this are summarised when the journal is compacted at start.
    pub journal_retention: Duration,
}

/// A duration written with a unit: `250ms`, `2s`, `5m`, `1h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval(pub Duration);

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        parse_duration(&text).map(Interval).map_err(serde::de::Error::custom)
    }
}

pub use crate::durations::parse_duration;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    data_dir: Option<PathBuf>,
    lang: Option<Spanned<String>>,
    #[serde(default)]
    poll: bool,
    rescan_interval: Option<Interval>,
    check_interval: Option<Interval>,
    stable_checks: Option<u32>,
    min_age: Option<Interval>,
    min_size: Option<u64>,
    pair_wait: Option<Interval>,
    retry_min: Option<Interval>,
    retry_max: Option<Interval>,
    max_retries: Option<u32>,
    max_attempts: Option<u32>,
    journal_retention: Option<Interval>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default, rename = "route")]
    routes: Vec<Spanned<RawRoute>>,
    #[serde(default, rename = "pull")]
    pulls: Vec<Spanned<pull::RawPull>>,
    // Read by `ServicesConfig::from_toml` (which never quotes a value in its messages).
    #[allow(dead_code)]
    kassatka: Option<toml::Value>,
    #[allow(dead_code)]
    bifit: Option<toml::Value>,
    #[allow(dead_code)]
    http: Option<toml::Value>,
}

/// `upload = "kassatka"` or `upload = ["kassatka", "bifit-api"]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRoute {
    name: Option<Spanned<String>>,
    inbox: PathBuf,
    processing: Option<PathBuf>,
    outbox: Option<PathBuf>,
    done: Option<PathBuf>,
    error: Option<PathBuf>,
    patterns: Option<Vec<String>>,
    from: Option<Spanned<String>>,
    flag_file: Option<Spanned<String>>,
    #[serde(default)]
    read: Option<Spanned<ReadOptions>>,
    #[serde(default, rename = "target")]
    targets: Vec<Spanned<RawTarget>>,
    upload: Option<Spanned<OneOrMany>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTarget {
    format: Spanned<String>,
    outbox: Option<PathBuf>,
    output: Option<Spanned<String>>,
    #[serde(default)]
    write: WriteOptions,
}

/// What a Кассатка upload or pull needs and does not have.
pub(crate) fn kassatka_token() -> Message {
    msg!("watch-config-kassatka-token")
}

/// `line L, column C` of a byte offset.
fn line_col(text: &str, offset: usize) -> Message {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    msg!("pos-line-column", line = line, column = column)
}

impl Config {
    /// Reads a configuration file. `data_dir` (from the command line) overrides its `data-dir`.
    pub fn load(path: &Path, data_dir: Option<&Path>) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut config = Config::parse(&text, &path.display().to_string(), &base, data_dir)?;
        config.source = Some(absolute(path));
        config.services.apply_env(|name| std::env::var(name).ok());
        Ok(config)
    }

    /// The built-in layout under `data_dir` (default `./kassa-bridge-data`).
    pub fn default_layout(data_dir: Option<&Path>) -> Result<Config> {
        let dir = data_dir.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let mut config = Config::parse(EXAMPLE, &tr!("watch-config-built-in"), Path::new(""), Some(&dir))?;
        config.services.apply_env(|name| std::env::var(name).ok());
        Ok(config)
    }

    /// The credentials every `upload = …` needs (checked when the watcher starts, not by
    /// `status`).
    pub fn check_uploads(&self) -> Result<()> {
        let source: Text = self
            .source
            .as_ref()
            .map_or_else(|| msg!("watch-config-the-configuration").into(), |p| p.display().to_string().into());
        for pull in &self.pulls {
            if let Some(what) = (pull.source.missing_credentials)(&self.services) {
                return Err(Error::usage(msg!(
                    "watch-config-pull-needs",
                    file = &source,
                    pull = format!("{:?}", pull.name),
                    what = what
                )));
            }
        }
        for route in &self.routes {
            for u in &route.uploads {
                let missing = match u.service {
                    UploadTarget::Kassatka => {
                        self.services.kassatka.token.as_ref().is_none_or(|t| t.is_empty()).then(kassatka_token)
                    }
                    UploadTarget::BifitCsv | UploadTarget::BifitApi => {
                        let b = &self.services.bifit;
                        (b.login.as_ref().is_none_or(|t| t.is_empty())
                            || b.password.as_ref().is_none_or(|t| t.is_empty()))
                        .then(|| msg!("watch-config-bifit-credentials"))
                    }
                };
                if let Some(what) = missing {
                    return Err(Error::usage(msg!(
                        "watch-config-upload-needs",
                        file = &source,
                        route = format!("{:?}", route.name),
                        upload = format!("{:?}", u.name),
                        what = what
                    )));
                }
            }
        }
        Ok(())
    }

    /// `--config FILE`, else `./kassa-bridge.toml` when it exists, else the built-in layout.
    pub fn discover(config: Option<&Path>, data_dir: Option<&Path>) -> Result<Config> {
        match config {
            Some(path) => Config::load(path, data_dir),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => Config::load(Path::new(DEFAULT_CONFIG_FILE), data_dir),
            None => Config::default_layout(data_dir),
        }
    }

    /// Parses configuration text. Relative paths are taken in the data folder, a relative data
    /// folder in `base` (the configuration file's folder); `data_dir` overrides it.
    pub fn parse(text: &str, name: &str, base: &Path, data_dir: Option<&Path>) -> Result<Config> {
        // With credentials in the file, a message never quotes a line (it may hold a password).
        let secrets = text.contains("[kassatka]") || text.contains("[bifit]");
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            if secrets {
                let message = e.message().trim_end().to_string();
                match e.span() {
                    Some(s) => Error::usage(msg!(
                        "watch-config-error-at",
                        file = name,
                        at = line_col(text, s.start),
                        message = message
                    )),
                    None => Error::usage(format!("{name}: {message}")),
                }
            } else {
                Error::usage(format!("{name}: {}", e.to_string().trim_end()))
            }
        })?;
        let mut services = ServicesConfig::from_toml(text, name).map_err(|e| Error::usage(e.to_string()))?;
        let fail = |offset: usize, message: Text| {
            Error::usage(msg!("watch-config-error-at", file = name, at = line_col(text, offset), message = message))
        };
        let data_dir = match data_dir {
            Some(dir) => absolute(dir),
            None => absolute(&base.join(raw.data_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)))),
        };
        let defaults = Timings::default();
        let timings = Timings {
            rescan_interval: raw.rescan_interval.map_or(defaults.rescan_interval, |i| i.0),
            check_interval: raw.check_interval.map_or(defaults.check_interval, |i| i.0),
            stable_checks: raw.stable_checks.unwrap_or(defaults.stable_checks),
            min_age: raw.min_age.map_or(defaults.min_age, |i| i.0),
            min_size: raw.min_size.unwrap_or(defaults.min_size),
            pair_wait: raw.pair_wait.map_or(defaults.pair_wait, |i| i.0),
            retry_min: raw.retry_min.map_or(defaults.retry_min, |i| i.0),
            retry_max: raw.retry_max.map_or(defaults.retry_max, |i| i.0),
            max_retries: raw.max_retries.unwrap_or(defaults.max_retries),
            max_attempts: raw.max_attempts.unwrap_or(defaults.max_attempts),
            journal_retention: raw.journal_retention.map_or(defaults.journal_retention, |i| i.0),
        };
        if timings.check_interval.is_zero() || timings.rescan_interval.is_zero() || timings.retry_min.is_zero() {
            return Err(Error::usage(msg!("watch-config-zero-interval", file = name)));
        }
        if timings.retry_max < timings.retry_min {
            return Err(Error::usage(msg!("watch-config-retry-max", file = name)));
        }
        if timings.max_attempts == 0 || timings.journal_retention.is_zero() {
            return Err(Error::usage(msg!("watch-config-max-attempts", file = name)));
        }
        if raw.routes.is_empty() && raw.pulls.is_empty() {
            return Err(Error::usage(msg!("watch-config-nothing", file = name)));
        }
        let at = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { data_dir.join(p) };
        let single = raw.routes.len() == 1;
        let mut routes = Vec::new();
        for spanned in raw.routes {
            let route_start = spanned.span().start;
            let r = spanned.into_inner();
            let name = match &r.name {
                Some(n) => {
                    let valid = !n.get_ref().is_empty()
                        && n.get_ref().chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
                    if !valid {
                        return Err(fail(n.span().start, msg!("watch-config-route-name").into()));
                    }
                    n.get_ref().clone()
                }
                None if single => "default".to_string(),
                None => return Err(fail(route_start, msg!("watch-config-route-needs-name").into())),
            };
            let inbox = at(&r.inbox);
            let sibling = |folder: &str| inbox.parent().map_or_else(|| PathBuf::from(folder), |p| p.join(folder));
            let pick = |given: &Option<PathBuf>, folder: &str| given.as_deref().map_or_else(|| sibling(folder), at);
            let outbox = pick(&r.outbox, "outbox");
            if let Some(read) = &r.read {
                if !read.get_ref().with.is_empty() {
                    return Err(fail(read.span().start, msg!("watch-config-route-with").into()));
                }
            }
            let from = match &r.from {
                Some(from) => {
                    let format = crate::formats::find(from.get_ref())
                        .map_err(|e| fail(from.span().start, e.to_string().into()))?;
                    if !format.can_read() {
                        return Err(fail(
                            from.span().start,
                            msg!("watch-config-cannot-read", format = format.name).into(),
                        ));
                    }
                    Some(format.name.to_string())
                }
                None => None,
            };
            if r.targets.is_empty() {
                return Err(fail(
                    route_start,
                    msg!("watch-config-route-no-target", route = format!("{name:?}")).into(),
                ));
            }
            let owner = msg!("watch-config-owner-route", route = format!("{name:?}"));
            let targets = parse_targets(&r.targets, &outbox, &at, &fail, owner, "{stem}")?;
            let mut uploads: Vec<RouteUpload> = Vec::new();
            if let Some(upload) = &r.upload {
                let names = match upload.get_ref() {
                    OneOrMany::One(n) => vec![n.clone()],
                    OneOrMany::Many(list) => list.clone(),
                };
                for n in names {
                    let Some(service) = UploadTarget::from_name(&n) else {
                        return Err(fail(
                            upload.span().start,
                            msg!("watch-config-unknown-upload", upload = format!("{n:?}")).into(),
                        ));
                    };
                    let formats = RouteUpload::formats(service);
                    let target = formats
                        .iter()
                        .find_map(|f| targets.iter().position(|(_, t)| t.format.name == *f))
                        .ok_or_else(|| {
                            fail(
                                upload.span().start,
                                msg!(
                                    "watch-config-upload-no-target",
                                    route = format!("{name:?}"),
                                    upload = format!("{:?}", RouteUpload::name_of(service)),
                                    formats = formats.join(" or "),
                                    format = format!("{:?}", formats[0])
                                )
                                .into(),
                            )
                        })?;
                    if !uploads.iter().any(|u| u.service == service) {
                        uploads.push(RouteUpload { service, name: RouteUpload::name_of(service), target });
                    }
                }
            }
            let flag_file = match &r.flag_file {
                Some(f) => {
                    let text = f.get_ref();
                    if text.is_empty() || text.contains(['/', '\\']) {
                        return Err(fail(f.span().start, msg!("watch-config-flag-file").into()));
                    }
                    Some(FlagFile::new(text))
                }
                None => None,
            };
            routes.push(Route {
                name,
                processing: pick(&r.processing, "processing"),
                done: pick(&r.done, "done"),
                error: pick(&r.error, "error"),
                outbox,
                inbox,
                patterns: r.patterns.unwrap_or_else(|| vec!["*".into()]).iter().map(|p| Pattern::new(p)).collect(),
                from,
                flag_file,
                read: r.read.map(Spanned::into_inner).unwrap_or_default(),
                targets: targets.into_iter().map(|(_, t)| t).collect(),
                uploads,
            });
        }
        check_folders(name, &routes)?;
        let lang = match &raw.lang {
            Some(l) => Some(crate::i18n::Lang::parse(l.get_ref()).ok_or_else(|| {
                fail(l.span().start, msg!("watch-config-unknown-lang", lang = format!("{:?}", l.get_ref())).into())
            })?),
            None => None,
        };
        let mut pulls: Vec<Pull> = Vec::new();
        for spanned in raw.pulls {
            let offset = spanned.span().start;
            let p = pull::parse_pull(spanned, &at, &fail)?;
            if pulls.iter().any(|other| other.name == p.name) || routes.iter().any(|r| r.name == p.name) {
                return Err(fail(offset, msg!("watch-config-name-taken", name = format!("{:?}", p.name)).into()));
            }
            pulls.push(p);
        }
        // The БИФИТ delta-sync state of a drop folder lives in its data folder; a relative one
        // is taken from the configuration file's folder.
        services.bifit.state_file = Some(match services.bifit.state_file.take() {
            Some(p) if p.is_relative() => absolute(&base.join(p)),
            Some(p) => p,
            None => data_dir.join("bifit-sync.json"),
        });
        Ok(Config {
            services,
            source: None,
            data_dir,
            poll: raw.poll,
            timings,
            ignore: raw.ignore.iter().map(|p| Pattern::new(p)).collect(),
            routes,
            pulls,
            lang,
        })
    }

    pub fn journal_path(&self) -> PathBuf {
        self.data_dir.join(JOURNAL_FILE)
    }

    /// The pulls' journal: their cursors and the records they delivered.
    pub fn pull_journal_path(&self) -> PathBuf {
        self.data_dir.join(PULL_JOURNAL_FILE)
    }

    pub fn pull(&self, name: &str) -> Option<&Pull> {
        self.pulls.iter().find(|p| p.name == name)
    }

    pub fn route(&self, name: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.name == name)
    }
}

/// The `[[…target]]` tables of a route or a pull: formats that can be written, outboxes (the
/// owner's by default), output names (`{base}.{ext}` by default, `{base}.{format}.{ext}` where
/// two targets would share a name); two targets never write the same file.
fn parse_targets(
    raw: &[Spanned<RawTarget>],
    outbox: &Path,
    at: &dyn Fn(&Path) -> PathBuf,
    fail: &dyn Fn(usize, Text) -> Error,
    owner: Message,
    base: &str,
) -> Result<Vec<(usize, Target)>> {
    let mut targets = Vec::new();
    for t in raw {
        let raw_target = t.get_ref();
        let format = convert::writer_format(raw_target.format.get_ref())
            .map_err(|e| fail(raw_target.format.span().start, e.to_string().into()))?;
        let output = match &raw_target.output {
            Some(o) => {
                let text = o.get_ref();
                if text.is_empty() || text.starts_with('.') || text.contains(['/', '\\']) {
                    return Err(fail(
                        o.span().start,
                        msg!("watch-config-output-name", example = format!("{base}.{{ext}}")).into(),
                    ));
                }
                Some(text.clone())
            }
            None => None,
        };
        let target_outbox = raw_target.outbox.as_deref().map_or_else(|| outbox.to_path_buf(), at);
        let mut write = raw_target.write.clone();
        write.flag_file = write.flag_file.map(|f| if f.is_absolute() { f } else { target_outbox.join(f) });
        targets.push((
            t.span().start,
            Target { format, outbox: target_outbox, output: output.unwrap_or_default(), write },
        ));
    }
    let ext_of = |t: &Target| t.format.extensions.first().copied().unwrap_or("out");
    let exts: Vec<(&Path, &str)> = targets.iter().map(|(_, t)| (t.outbox.as_path(), ext_of(t))).collect();
    let shared: Vec<bool> = exts.iter().map(|e| exts.iter().filter(|other| *other == e).count() > 1).collect();
    for ((_, t), shared) in targets.iter_mut().zip(shared) {
        if t.output.is_empty() {
            t.output = if shared { format!("{base}.{{format}}.{{ext}}") } else { format!("{base}.{{ext}}") };
        }
    }
    let mut seen = HashSet::new();
    for (offset, t) in &targets {
        if !seen.insert((t.outbox.clone(), t.output_name("{stem}"))) {
            return Err(fail(
                *offset,
                msg!("watch-config-same-output", owner = owner.clone(), output = format!("{:?}", t.output)).into(),
            ));
        }
    }
    Ok(targets)
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            rescan_interval: Duration::from_secs(2),
            check_interval: Duration::from_secs(1),
            stable_checks: 3,
            min_age: Duration::from_secs(2),
            min_size: 1,
            pair_wait: Duration::from_secs(10),
            retry_min: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            max_retries: 10,
            max_attempts: 2,
            journal_retention: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The example configuration with `data-dir` set to `data_dir` (for `kassa-bridge init`).
pub fn example_with_data_dir(data_dir: Option<&Path>) -> String {
    example_in(crate::i18n::Lang::En, data_dir)
}

/// The example configuration commented in `lang` (the Russian one sets `lang = "ru"`), with
/// `data-dir` set to `data_dir`.
pub fn example_in(lang: crate::i18n::Lang, data_dir: Option<&Path>) -> String {
    let example = match lang {
        crate::i18n::Lang::En => EXAMPLE,
        crate::i18n::Lang::Ru => EXAMPLE_RU,
    };
    match data_dir {
        None => example.to_string(),
        Some(dir) => {
            let quoted = toml::Value::String(dir.display().to_string()).to_string();
            example.replacen(&format!("data-dir = \"{DEFAULT_DATA_DIR}\""), &format!("data-dir = {quoted}"), 1)
        }
    }
}

#[cfg(test)]
mod tests;
