//! БИФИТ Касса's cashdesk API (reference `bifit.md`): OAuth2 (§1), organizations and trade
//! objects (§2), online orders (§6). Catalogue uploads are in [`super::bifit_goods`].
//!
//! **Tokens.** `POST /oauth/token`, form-encoded: `username`, `password` =
//! base64(SHA-256(password)), `client_id` = `client_secret` = `cashdesk-rest-client`,
//! `grant_type=password`. The access token is refreshed (`grant_type=refresh_token`) a minute
//! before `expires_in` runs out, and once when a call answers 401; a refused refresh falls back
//! to the password grant. Tokens live in memory only.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use ureq::http::Response;
use ureq::Body;

use super::config::{endpoint, BifitConfig};
use super::http::{join_url, percent_encode, Http, Reply};
use super::{Error, Result, Secret};
use crate::convert::{ConvertOptions, ConvertSummary};
use crate::diagnostics::Diagnostics;
use crate::orders::{check_transition, OrderStatus};
use crate::output::OutputTarget;
use crate::{msg, tr};

pub const DEFAULT_BASE_URL: &str = "https://kassa.bifit.com/cashdesk-api/v1";
/// Both the OAuth client id and its secret (public: every client uses them).
pub const CLIENT_ID: &str = "cashdesk-rest-client";
pub(crate) const SERVICE: &str = "БИФИТ Касса";
/// A token is refreshed this long before it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// base64(SHA-256(UTF-8 password)), standard alphabet with padding: what `/oauth/token` takes.
pub fn hash_password(password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(password.as_bytes()))
}

struct Tokens {
    access: Secret,
    refresh: Option<Secret>,
    expires_at: Option<Instant>,
}

impl Tokens {
    fn fresh(&self) -> bool {
        self.expires_at.is_none_or(|at| Instant::now() + REFRESH_MARGIN < at)
    }
}

/// A client for one account.
pub struct BifitClient {
    http: Http,
    config: BifitConfig,
    base_url: String,
    login: Secret,
    password_hash: Secret,
    tokens: Mutex<Option<Tokens>>,
    organization: Mutex<Option<String>>,
}

impl fmt::Debug for BifitClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BifitClient").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

/// An organization of the account, with its trade objects (shops) when asked for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub inn: Option<String>,
    #[serde(rename = "tradeObjects")]
    pub trade_objects: Vec<TradeObject>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TradeObject {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
}

/// What `--set-status` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub id: String,
    pub from: OrderStatus,
    pub to: OrderStatus,
    /// False when the order already had the status (nothing was sent).
    pub sent: bool,
}

/// A JSON value as text: strings as they are, numbers and the rest as JSON.
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn field(v: &Value, key: &str) -> Option<String> {
    v.get(key).map(value_text).filter(|s| !s.is_empty())
}

/// A request with a body for `method` (PUT, POST or PATCH).
pub(crate) fn request_with_body(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
    match method {
        "POST" => agent.post(url),
        "PATCH" => agent.patch(url),
        _ => agent.put(url),
    }
}

impl BifitClient {
    pub fn new(config: &BifitConfig, http: Http) -> Result<Self> {
        let missing = |what: crate::i18n::Message, env: &str, key: &str| {
            Error::Config(tr!("upload-bifit-missing", what = what, env = env, key = key))
        };
        let login = config
            .login
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing(msg!("upload-bifit-login"), super::config::ENV_BIFIT_LOGIN, "login"))?;
        let password = config
            .password
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing(msg!("upload-bifit-password"), super::config::ENV_BIFIT_PASSWORD, "password"))?;
        let password_hash = Secret::new(hash_password(password.expose()));
        for secret in [&login, &password, &password_hash] {
            http.add_secret(secret.expose());
        }
        Ok(BifitClient {
            http,
            base_url: config.base_url.trim_end_matches('/').to_string(),
            config: config.clone(),
            login,
            password_hash,
            tokens: Mutex::new(None),
            organization: Mutex::new(config.organization_id.clone().filter(|o| !o.trim().is_empty())),
        })
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn config(&self) -> &BifitConfig {
        &self.config
    }

    pub(crate) fn url(&self, path: &str) -> String {
        join_url(&self.base_url, path)
    }

    // -----------------------------------------------------------------------------------------
    // Tokens

    fn grant(&self, form: &[(&str, &str)], kind: &str) -> Result<Tokens> {
        let what = format!("POST /oauth/token ({kind})");
        let url = self.url("/oauth/token");
        let reply = self.http.send(SERVICE, &what, |agent| {
            agent.post(&url).header("Accept", "application/json").send_form(form.iter().copied())
        })?;
        if !reply.is_success() {
            let hint = match (kind, reply.status) {
                ("password", 400 | 401) => format!(" ({})", tr!("upload-bifit-login-refused")),
                (_, 400 | 401) => format!(" ({})", tr!("upload-bifit-refresh-refused")),
                _ => String::new(),
            };
            return Err(self.http.remote_error(
                SERVICE,
                Some(reply.status),
                &format!("{what}: HTTP {}{hint}{}", reply.status, self.http.excerpt(&reply.text())),
            ));
        }
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        let access = body.get("access_token").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| {
            self.http.remote_error(
                SERVICE,
                Some(reply.status),
                &format!("{what}: {}", tr!("upload-bifit-no-access-token")),
            )
        })?;
        let refresh = body.get("refresh_token").and_then(Value::as_str).filter(|s| !s.is_empty());
        let expires_at = body
            .get("expires_in")
            .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
            .map(|secs: u64| Instant::now() + Duration::from_secs(secs.min(1_000_000_000)));
        self.http.add_secret(access);
        if let Some(r) = refresh {
            self.http.add_secret(r);
        }
        Ok(Tokens { access: Secret::new(access), refresh: refresh.map(Secret::new), expires_at })
    }

    fn password_grant(&self) -> Result<Tokens> {
        self.grant(
            &[
                ("username", self.login.expose()),
                ("password", self.password_hash.expose()),
                ("client_id", &self.config.client_id),
                ("client_secret", &self.config.client_secret),
                ("grant_type", "password"),
            ],
            "password",
        )
    }

    fn refresh_grant(&self, refresh: &Secret) -> Result<Tokens> {
        self.grant(
            &[
                ("refresh_token", refresh.expose()),
                ("client_id", &self.config.client_id),
                ("client_secret", &self.config.client_secret),
                ("grant_type", "refresh_token"),
            ],
            "refresh",
        )
    }

    /// A valid access token: the one we have, a refreshed one, or a new one.
    fn access_token(&self, force_refresh: bool) -> Result<Secret> {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = tokens.as_ref() {
            if t.fresh() && !force_refresh {
                return Ok(t.access.clone());
            }
        }
        let refreshed = match tokens.as_ref().and_then(|t| t.refresh.clone()) {
            Some(refresh) => match self.refresh_grant(&refresh) {
                Ok(t) => Some(t),
                Err(e) if e.is_client_error() => {
                    self.http.trace(|| "the refresh token was refused; logging in again".into());
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        let new = match refreshed {
            Some(t) => t,
            None => self.password_grant()?,
        };
        let access = new.access.clone();
        *tokens = Some(new);
        Ok(access)
    }

    /// `Bearer <access token>`; `force` refreshes the token first.
    pub(crate) fn bearer(&self, force: bool) -> Result<String> {
        Ok(format!("Bearer {}", self.access_token(force)?.expose()))
    }

    /// A protected call: `Authorization: Bearer …`; on 401 the token is refreshed and the call
    /// made once more. `build` gets the agent and the header value.
    pub fn call(
        &self,
        what: &str,
        mut build: impl FnMut(&ureq::Agent, &str) -> std::result::Result<Response<Body>, ureq::Error>,
    ) -> Result<Reply> {
        let token = self.access_token(false)?;
        let bearer = format!("Bearer {}", token.expose());
        let reply = self.http.send(SERVICE, what, |agent| build(agent, &bearer))?;
        if reply.status != 401 {
            return Ok(reply);
        }
        self.http.trace(|| format!("{what}: HTTP 401; refreshing the token"));
        let token = self.access_token(true)?;
        let bearer = format!("Bearer {}", token.expose());
        let reply = self.http.send(SERVICE, what, |agent| build(agent, &bearer))?;
        if reply.status == 401 {
            return Err(self.http.remote_error(
                SERVICE,
                Some(401),
                &format!("{what}: {}{}", tr!("upload-bifit-401-again"), self.http.excerpt(&reply.text())),
            ));
        }
        Ok(reply)
    }

    /// The JSON of a successful answer; an unsuccessful one is an error with Bifit's `message`.
    pub(crate) fn json(&self, what: &str, reply: &Reply) -> Result<Value> {
        if !reply.is_success() {
            return Err(self.status_error(what, reply));
        }
        if reply.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&reply.body).map_err(|_| {
            self.http.remote_error(
                SERVICE,
                Some(reply.status),
                &format!("{what}: {}{}", tr!("upload-answer-not-json"), self.http.excerpt(&reply.text())),
            )
        })
    }

    pub(crate) fn status_error(&self, what: &str, reply: &Reply) -> Error {
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        let detail = match body.get("message").or_else(|| body.get("error_description")).or_else(|| body.get("error")) {
            Some(m) => format!(": {}", value_text(m)),
            None => self.http.excerpt(&reply.text()),
        };
        self.http.remote_error(SERVICE, Some(reply.status), &format!("{what}: HTTP {}{detail}", reply.status))
    }

    /// A POST without a body (`Content-Type: application/json`), as the list calls want.
    fn post_empty(&self, what: &str, url: &str) -> Result<Value> {
        let reply = self.call(what, |agent, bearer| {
            agent
                .post(url)
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .send_empty()
        })?;
        self.json(what, &reply)
    }

    // -----------------------------------------------------------------------------------------
    // Organizations

    /// `POST /protected/organizations/list/read_all`.
    pub fn organizations(&self) -> Result<Vec<Organization>> {
        let what = "POST /protected/organizations/list/read_all";
        let list = self.post_empty(what, &self.url("/protected/organizations/list/read_all"))?;
        let Value::Array(items) = list else {
            return Err(self.http.remote_error(SERVICE, None, &format!("{what}: {}", tr!("upload-bifit-not-array"))));
        };
        Ok(items
            .iter()
            .map(|o| Organization {
                id: field(o, "id").unwrap_or_default(),
                name: field(o, "name").unwrap_or_default(),
                inn: field(o, "inn"),
                trade_objects: Vec::new(),
            })
            .collect())
    }

    /// `POST /protected/trade_objects/list/read_all?organization_id=…&return_all=True`.
    pub fn trade_objects(&self, organization: &str) -> Result<Vec<TradeObject>> {
        let what = "POST /protected/trade_objects/list/read_all";
        let url = format!(
            "{}?organization_id={}&return_all=True",
            self.url("/protected/trade_objects/list/read_all"),
            percent_encode(organization)
        );
        let list = self.post_empty(what, &url)?;
        let Value::Array(items) = list else {
            return Err(self.http.remote_error(SERVICE, None, &format!("{what}: {}", tr!("upload-bifit-not-array"))));
        };
        Ok(items
            .iter()
            .map(|t| TradeObject {
                id: field(t, "id").unwrap_or_default(),
                name: field(t, "name").unwrap_or_default(),
                address: field(t, "address"),
            })
            .collect())
    }

    /// The organizations with their trade objects.
    pub fn organizations_with_trade_objects(&self) -> Result<Vec<Organization>> {
        let mut orgs = self.organizations()?;
        for org in &mut orgs {
            org.trade_objects = self.trade_objects(&org.id)?;
        }
        Ok(orgs)
    }

    /// The organization in use: the configured one, else the account's only one.
    pub fn organization_id(&self) -> Result<String> {
        if let Some(org) = self.organization.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Ok(org);
        }
        let orgs = self.organizations()?;
        match orgs.as_slice() {
            [one] => {
                *self.organization.lock().unwrap_or_else(|e| e.into_inner()) = Some(one.id.clone());
                Ok(one.id.clone())
            }
            [] => Err(Error::Config(tr!("upload-bifit-no-organization"))),
            many => Err(Error::Config(tr!(
                "upload-bifit-many-organizations",
                count = many.len(),
                organizations = many.iter().map(|o| format!("{} {}", o.id, o.name)).collect::<Vec<_>>().join(", "),
                env = super::config::ENV_BIFIT_ORG
            ))),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Online orders

    /// `GET /protected/online_orders/{id}`: the order's JSON as Bifit sent it.
    pub fn order_json(&self, id: &str) -> Result<Vec<u8>> {
        let what = format!("GET /protected/online_orders/{id}");
        let url = self.url(&format!("/protected/online_orders/{}", percent_encode(id.trim())));
        let reply = self.call(&what, |agent, bearer| {
            agent.get(&url).header("Authorization", bearer).header("Accept", "application/json").call()
        })?;
        if !reply.is_success() {
            return Err(self.status_error(&what, &reply));
        }
        Ok(reply.body)
    }

    /// Changes an order's status after checking [`check_transition`] against its current one;
    /// a forbidden change sends nothing. With `expected`, the rule is checked against it before
    /// any request, and the order must really be in that status.
    pub fn set_order_status(&self, id: &str, to: OrderStatus, expected: Option<OrderStatus>) -> Result<StatusChange> {
        let refuse = |message: String| Error::Refused(tr!("upload-order-refused", id = id, reason = message));
        if let Some(from) = expected {
            check_transition(Some(from), to).map_err(|e| refuse(e.to_string()))?;
        }
        let body = self.order_json(id)?;
        let mut order: Value = serde_json::from_slice(&body).map_err(|_| {
            self.http.remote_error(
                SERVICE,
                None,
                &format!(
                    "{}{}",
                    tr!("upload-order-not-json", id = id),
                    self.http.excerpt(&String::from_utf8_lossy(&body))
                ),
            )
        })?;
        let current_text = order.get("currentStatusType").map(value_text).unwrap_or_default();
        let from = OrderStatus::from_str(&current_text)
            .map_err(|_| refuse(tr!("upload-order-unknown-status", status = format!("{current_text:?}"))))?;
        if let Some(expected) = expected {
            if expected != from {
                return Err(refuse(tr!(
                    "upload-order-not-expected",
                    status = from.to_string(),
                    expected = expected.to_string()
                )));
            }
        }
        check_transition(Some(from), to).map_err(|e| refuse(e.to_string()))?;
        if from == to {
            return Ok(StatusChange { id: id.to_string(), from, to, sent: false });
        }
        if let Value::Object(map) = &mut order {
            map.insert("currentStatusType".into(), Value::String(to.as_str().into()));
        }
        let (method, path) = endpoint(&self.config.order_update, id.trim())?;
        let what = format!("{method} {path}");
        let url = self.url(&path);
        let payload = serde_json::json!({ "onlineOrder": order });
        let reply = self.call(&what, |agent, bearer| {
            request_with_body(agent, &method, &url)
                .header("Authorization", bearer)
                .header("Accept", "application/json")
                .send_json(&payload)
        })?;
        if !reply.is_success() {
            return Err(self.status_error(&what, &reply));
        }
        Ok(StatusChange { id: id.to_string(), from, to, sent: true })
    }
}

/// Fetches an online order and converts it (`convert.to`: any orders format) to `output`.
pub fn fetch_order(
    client: &BifitClient,
    id: &str,
    output: &OutputTarget,
    convert: &ConvertOptions,
    diag: &mut Diagnostics,
) -> Result<ConvertSummary> {
    crate::convert::writer_format(&convert.to)?;
    let body = client.order_json(id)?;
    let mut opts = convert.clone();
    opts.from = Some(crate::formats::bifit_orders::NAME.into());
    let input = crate::text::RawInput::from_bytes(&tr!("upload-order-input", id = id), body)?;
    Ok(crate::convert::convert(input, output, &opts, diag, None)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_sent_as_base64_of_its_sha256() {
        // printf 'secret' | sha256sum | xxd -r -p | base64
        assert_eq!(hash_password("secret"), "K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=");
    }
}
