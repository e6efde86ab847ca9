//! The languages of what the bridge says: every text a person reads is taken from a message
//! catalogue (Fluent, `src/i18n/locales/<lang>/*.ftl`, one file per area, editable by a
//! translator) by a stable key with named arguments, and rendered in the current language.
//!
//! The language is chosen once per process ([`set`]): `--lang`, then `KASSA_BRIDGE_LANG`, then
//! (for the drop folder) the configuration's `lang`, then the system's UI language, else English
//! ([`detect`]). Exit codes, `--json` keys and values, warning kind names, format names and the
//! fields of `--log-format json` never change with it.
//!
//! Errors and warnings keep their message as a [`Text`]: a [`Message`] (key and arguments),
//! rendered when it is displayed — so one error reads in the language of whoever prints it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use rust_decimal::Decimal;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./src/i18n/locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: the texts go to terminals, logs and
        // plain-text reports, not to bidirectional layouts.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the catalogues hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    /// `ru`, `ru_RU.UTF-8`, `ru-RU`, `Russian_Russia.1251` → Russian; `en…` → English; anything
    /// else (`C`, `POSIX`, `de_DE`) → `None`.
    pub fn parse(text: &str) -> Option<Lang> {
        let t = text.trim().to_ascii_lowercase();
        if t.starts_with("ru") {
            Some(Lang::Ru)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    fn id(self) -> LanguageIdentifier {
        self.code().parse().expect("a valid language identifier")
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Sets the language of everything displayed from now on, in this process.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language texts are displayed in.
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Ru,
        _ => Lang::En,
    }
}

/// The environment variable that names the language (`ru` or `en`).
pub const ENV_LANG: &str = "KASSA_BRIDGE_LANG";

/// `explicit` (`--lang`), else `KASSA_BRIDGE_LANG`, else `configured` (a drop folder's `lang`),
/// else the system's UI language, else English.
pub fn detect(explicit: Option<Lang>, configured: Option<Lang>) -> Lang {
    explicit
        .or_else(|| std::env::var(ENV_LANG).ok().and_then(|v| Lang::parse(&v)))
        .or(configured)
        .or_else(system_language)
        .unwrap_or_default()
}

/// The user's UI language: on Unix the POSIX order `LC_ALL`, `LC_MESSAGES`, `LANG`; elsewhere
/// the system's (Windows: the user's UI language).
pub fn system_language() -> Option<Lang> {
    if cfg!(unix) {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
    } else {
        sys_locale::get_locale().and_then(|l| Lang::parse(&l))
    }
}

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    /// A count: chooses plural forms (1 товар, 2 товара, 5 товаров).
    Count(i64),
    /// An amount: `1990.00` in English, `1 990,00` in Russian.
    Amount(Decimal),
    /// A date: `2026-12-01` in English, `01.12.2026` in Russian.
    Date(chrono::NaiveDate),
    /// A message of its own, rendered in the same language.
    Message(Box<Message>),
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<Cow<'_, str>> for Arg {
    fn from(v: Cow<'_, str>) -> Self {
        Arg::Text(v.into_owned())
    }
}
macro_rules! count_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Count(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
    )*};
}
count_arg!(u8, u16, u32, u64, usize, i32, i64);
impl From<Decimal> for Arg {
    fn from(v: Decimal) -> Self {
        Arg::Amount(v)
    }
}
impl From<chrono::NaiveDate> for Arg {
    fn from(v: chrono::NaiveDate) -> Self {
        Arg::Date(v)
    }
}
impl From<Message> for Arg {
    fn from(v: Message) -> Self {
        Arg::Message(Box::new(v))
    }
}
impl From<Text> for Arg {
    fn from(v: Text) -> Self {
        match v {
            Text::Plain(s) => Arg::Text(s),
            Text::Msg(m) => Arg::Message(Box::new(m)),
        }
    }
}
impl From<&Text> for Arg {
    fn from(v: &Text) -> Self {
        v.clone().into()
    }
}

/// A catalogue key with its arguments, rendered when displayed. Make one with [`crate::msg!`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    pub fn new(key: &'static str, args: Vec<(&'static str, Arg)>) -> Self {
        Message { key, args }
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Text(t) => FluentValue::from(t.as_str()),
                    Arg::Count(n) => FluentValue::from(*n),
                    Arg::Amount(d) => FluentValue::from(amount(*d, lang)),
                    Arg::Date(d) => FluentValue::from(date(*d, lang)),
                    Arg::Message(m) => FluentValue::from(m.render(lang)),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        LOCALES
            .try_lookup_complete(&lang.id(), self.key, Some(&args))
            .or_else(|| LOCALES.try_lookup_complete(&Lang::En.id(), self.key, Some(&args)))
            .unwrap_or_else(|| self.key.to_string())
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(current()))
    }
}

/// The text of a message in the current language.
pub fn tr(key: &'static str, args: Vec<(&'static str, Arg)>) -> String {
    Message::new(key, args).render(current())
}

/// A catalogue message: `msg!("key", file = name, line = 3)`.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Message::new($key, vec![$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

/// The text of a catalogue message in the current language: `tr!("key", count = 3)`.
#[macro_export]
macro_rules! tr {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::msg!($key $(, $name = $value)*).to_string()
    };
}

/// What an error or a warning says: a catalogue message, or (for texts not in the catalogue yet,
/// and the words of others: a service's answer, an operating-system error) plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Plain(String),
    Msg(Message),
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Text::Plain(s) => f.write_str(s),
            Text::Msg(m) => m.fmt(f),
        }
    }
}

impl From<String> for Text {
    fn from(v: String) -> Self {
        Text::Plain(v)
    }
}
impl From<&str> for Text {
    fn from(v: &str) -> Self {
        Text::Plain(v.to_string())
    }
}
impl From<&String> for Text {
    fn from(v: &String) -> Self {
        Text::Plain(v.clone())
    }
}
impl From<Message> for Text {
    fn from(v: Message) -> Self {
        Text::Msg(v)
    }
}

/// Serializes a text in English: the values of `--json` output do not change with the language.
pub fn serialize_english<S: serde::Serializer>(text: &Text, serializer: S) -> Result<S::Ok, S::Error> {
    match text {
        Text::Plain(s) => serializer.serialize_str(s),
        Text::Msg(m) => serializer.serialize_str(&m.render(Lang::En)),
    }
}

/// An amount as a person writes it: `1990.00` in English; in Russian with a comma and spaces
/// between thousands (no-break, so a line never breaks inside a number): `1 990,00`.
pub fn amount(value: Decimal, lang: Lang) -> String {
    let text = value.to_string();
    if lang == Lang::En {
        return text;
    }
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A date: `2026-12-01` in English, `01.12.2026` in Russian.
pub fn date(value: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => value.format("%Y-%m-%d").to_string(),
        Lang::Ru => value.format("%d.%m.%Y").to_string(),
    }
}

/// A date and time: `2026-12-01 10:15:00` in English, `01.12.2026 10:15:00` in Russian.
pub fn date_time(value: chrono::NaiveDateTime, lang: Lang) -> String {
    match lang {
        Lang::En => value.format("%Y-%m-%d %H:%M:%S").to_string(),
        Lang::Ru => value.format("%d.%m.%Y %H:%M:%S").to_string(),
    }
}

#[cfg(test)]
mod tests;
