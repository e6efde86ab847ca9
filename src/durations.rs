//! Durations in configuration files, written with a unit: `"500ms"`, `"2s"`, `"5m"`, `"1m 30s"`
//! (humantime's syntax). Shared by the drop-folder and the upload settings.

use std::time::Duration;

pub fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|e| format!("bad duration {text:?}: {e}; expected e.g. \"500ms\", \"2s\", \"5m\""))
}

/// For `#[serde(deserialize_with = "crate::durations::deserialize")]`.
pub fn deserialize<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Duration, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(de)?;
    parse_duration(&text).map_err(serde::de::Error::custom)
}
