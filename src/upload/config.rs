//! Endpoints and credentials: the `[kassatka]`, `[bifit]` and `[http]` sections of a TOML config
//! file, then environment variables over them. Other sections of the same file (a drop folder's
//! routes, say) are left to their readers.
//!
//! ```toml
//! [kassatka]
//! token = "…"                       # or KASSA_BRIDGE_KASSATKA_TOKEN
//! [bifit]
//! login = "79990000000"             # or KASSA_BRIDGE_BIFIT_LOGIN
//! password = "…"                    # or KASSA_BRIDGE_BIFIT_PASSWORD
//! organization-id = "1598606805067-350554463"
//! [http]
//! attempts = 5
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Error, HttpConfig, Result, Secret};
use crate::tr;

pub const ENV_CONFIG: &str = "KASSA_BRIDGE_CONFIG";
pub const ENV_KASSATKA_TOKEN: &str = "KASSA_BRIDGE_KASSATKA_TOKEN";
pub const ENV_KASSATKA_URL: &str = "KASSA_BRIDGE_KASSATKA_URL";
pub const ENV_BIFIT_LOGIN: &str = "KASSA_BRIDGE_BIFIT_LOGIN";
pub const ENV_BIFIT_PASSWORD: &str = "KASSA_BRIDGE_BIFIT_PASSWORD";
pub const ENV_BIFIT_URL: &str = "KASSA_BRIDGE_BIFIT_URL";
pub const ENV_BIFIT_ORG: &str = "KASSA_BRIDGE_BIFIT_ORG";
pub const ENV_BIFIT_STATE: &str = "KASSA_BRIDGE_BIFIT_STATE";

/// Everything the service clients need.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ServicesConfig {
    pub kassatka: KassatkaConfig,
    pub bifit: BifitConfig,
    pub http: HttpConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct KassatkaConfig {
    pub base_url: String,
    /// The `api-token` from Кассатка's settings (Настройки → Интеграция).
    pub token: Option<Secret>,
}

impl Default for KassatkaConfig {
    fn default() -> Self {
        KassatkaConfig { base_url: super::kassatka::DEFAULT_BASE_URL.into(), token: None }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BifitConfig {
    pub base_url: String,
    /// The account's login: its phone number, `7XXXXXXXXXX`.
    pub login: Option<Secret>,
    /// The plain password (sent only as base64(SHA-256(password))).
    pub password: Option<Secret>,
    /// The organization uploads and lookups go to; when unset and the account has exactly one
    /// organization, that one.
    pub organization_id: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    /// How an existing nomenclature is updated: `METHOD /path`, `{id}` standing for its Bifit
    /// id. Not documented by Bifit (INFERRED).
    pub nomenclature_update: String,
    /// How an online order's status is changed: `METHOD /path`, `{id}` standing for the order
    /// id; the body is `{"onlineOrder": <the order with the new currentStatusType>}`. Not
    /// documented by Bifit (INFERRED).
    pub order_update: String,
    /// The delta-sync state file; by default `bifit-sync.json` in the user's data folder.
    pub state_file: Option<PathBuf>,
}

impl Default for BifitConfig {
    fn default() -> Self {
        BifitConfig {
            base_url: super::bifit::DEFAULT_BASE_URL.into(),
            login: None,
            password: None,
            organization_id: None,
            client_id: super::bifit::CLIENT_ID.into(),
            client_secret: super::bifit::CLIENT_ID.into(),
            nomenclature_update: "PUT /protected/nomenclatures".into(),
            order_update: "PUT /protected/online_orders".into(),
            state_file: None,
        }
    }
}

impl BifitConfig {
    /// The state file in force.
    pub fn state_path(&self) -> PathBuf {
        self.state_file.clone().unwrap_or_else(|| data_dir().join("bifit-sync.json"))
    }
}

/// `METHOD /path/{id}` → (method, path with the id put in, percent-encoded).
pub fn endpoint(spec: &str, id: &str) -> Result<(String, String)> {
    let mut parts = spec.split_whitespace();
    let (Some(method), Some(path), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::Config(tr!("upload-endpoint-shape", spec = format!("{spec:?}"))));
    };
    let method = method.to_ascii_uppercase();
    if !["PUT", "POST", "PATCH"].contains(&method.as_str()) {
        return Err(Error::Config(tr!("upload-endpoint-method", spec = format!("{spec:?}"))));
    }
    Ok((method, path.replace("{id}", &super::http::percent_encode(id))))
}

impl ServicesConfig {
    /// Parses the service sections of a config file's text (`name` is for messages).
    pub fn from_toml(text: &str, name: &str) -> Result<Self> {
        // The message and the line only: toml's own display quotes the line, which may hold a
        // password.
        toml::from_str(text).map_err(|e: toml::de::Error| {
            let line = e.span().map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let at = line.map(|l| format!("{}: ", tr!("pos-line", line = l))).unwrap_or_default();
            Error::Config(format!("{name}: {at}{}", hide_values(e.message().trim_end())))
        })
    }

    /// The config file named, else `$KASSA_BRIDGE_CONFIG`, else the default one if it exists;
    /// then the environment over it.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let env_path = std::env::var_os(ENV_CONFIG).filter(|v| !v.is_empty()).map(PathBuf::from);
        let named = path.map(Path::to_path_buf).or(env_path);
        let mut config = match named {
            Some(path) => Self::read_file(&path)?,
            None => {
                let default = default_config_path();
                if default.is_file() {
                    Self::read_file(&default)?
                } else {
                    ServicesConfig::default()
                }
            }
        };
        config.apply_env(|name| std::env::var(name).ok());
        Ok(config)
    }

    fn read_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
        let mut config = Self::from_toml(&text, &path.display().to_string())?;
        // A relative state file is relative to the config file.
        if let (Some(state), Some(dir)) = (&config.bifit.state_file, path.parent()) {
            if state.is_relative() {
                config.bifit.state_file = Some(dir.join(state));
            }
        }
        Ok(config)
    }

    /// Environment variables override the file (empty ones are ignored).
    pub fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) {
        let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = get(ENV_KASSATKA_TOKEN) {
            self.kassatka.token = Some(Secret::new(v.trim()));
        }
        if let Some(v) = get(ENV_KASSATKA_URL) {
            self.kassatka.base_url = v;
        }
        if let Some(v) = get(ENV_BIFIT_LOGIN) {
            self.bifit.login = Some(Secret::new(v.trim()));
        }
        if let Some(v) = get(ENV_BIFIT_PASSWORD) {
            self.bifit.password = Some(Secret::new(v));
        }
        if let Some(v) = get(ENV_BIFIT_URL) {
            self.bifit.base_url = v;
        }
        if let Some(v) = get(ENV_BIFIT_ORG) {
            self.bifit.organization_id = Some(v);
        }
        if let Some(v) = get(ENV_BIFIT_STATE) {
            self.bifit.state_file = Some(PathBuf::from(v));
        }
    }
}

/// Serde quotes an unexpected value between backticks (``invalid type: integer `123` ``): a
/// password of the wrong type must not end up in the message.
fn hide_values(message: &str) -> String {
    if !message.contains("invalid type") && !message.contains("invalid value") {
        return message.to_string();
    }
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        out.push_str(if i % 2 == 1 { "`…`" } else { part });
    }
    out
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).filter(|h| !h.is_empty()).map(PathBuf::from)
}

fn env_dir(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from).filter(|p| p.is_absolute())
}

/// `$XDG_CONFIG_HOME/kassa-bridge/config.toml`, `~/.config/kassa-bridge/config.toml`, or
/// `%APPDATA%\kassa-bridge\config.toml` on Windows.
pub fn default_config_path() -> PathBuf {
    let base = if cfg!(windows) {
        env_dir("APPDATA")
    } else {
        env_dir("XDG_CONFIG_HOME").or_else(|| home().map(|h| h.join(".config")))
    };
    base.unwrap_or_else(|| PathBuf::from(".")).join("kassa-bridge").join("config.toml")
}

/// `$XDG_DATA_HOME/kassa-bridge`, `~/.local/share/kassa-bridge`, or `%LOCALAPPDATA%\kassa-bridge`.
pub fn data_dir() -> PathBuf {
    let base = if cfg!(windows) {
        env_dir("LOCALAPPDATA").or_else(|| env_dir("APPDATA"))
    } else {
        env_dir("XDG_DATA_HOME").or_else(|| home().map(|h| h.join(".local").join("share")))
    };
    base.unwrap_or_else(|| PathBuf::from(".")).join("kassa-bridge")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_parse_and_the_environment_wins() {
        let text = "[watch]\nanything = 1\n[kassatka]\ntoken = \"file-token\"\n[bifit]\nlogin = \"79990000000\"\norganization-id = \"org-1\"\n[http]\nattempts = 2\n";
        let mut c = ServicesConfig::from_toml(text, "c.toml").unwrap();
        assert_eq!(c.kassatka.token.as_ref().unwrap().expose(), "file-token");
        assert_eq!(c.http.attempts, 2);
        assert_eq!(c.bifit.organization_id.as_deref(), Some("org-1"));
        c.apply_env(|n| (n == ENV_KASSATKA_TOKEN).then(|| "env-token".to_string()));
        assert_eq!(c.kassatka.token.as_ref().unwrap().expose(), "env-token");
        assert!(!format!("{c:?}").contains("env-token"));
        assert!(!format!("{c:?}").contains("79990000000"));
    }

    #[test]
    fn unknown_keys_in_a_section_are_errors() {
        let err = ServicesConfig::from_toml("[bifit]\npasword = \"x\"\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("pasword"), "{err}");
    }

    #[test]
    fn config_errors_never_quote_values() {
        let err = ServicesConfig::from_toml("[bifit]\npassword = 98765432\n", "c.toml").unwrap_err();
        assert!(!err.to_string().contains("98765432"), "{err}");
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn endpoints_take_a_method_and_a_path() {
        assert_eq!(
            endpoint("PUT /protected/nomenclatures/{id}", "5").unwrap(),
            ("PUT".into(), "/protected/nomenclatures/5".into())
        );
        assert!(endpoint("GET /x", "1").is_err());
        assert!(endpoint("/x", "1").is_err());
    }
}
