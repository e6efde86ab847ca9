//! HTTP with bounded retries.
//!
//! Connection errors, timeouts, a broken answer, 5xx, 408 and 429 are retried with exponential
//! backoff and jitter (`Retry-After` is honoured up to the longest backoff); any other answer,
//! 4xx included, goes back to the caller at once. A request gives up after `attempts` tries or
//! when the next try would start later than `retry-total` after the first — whichever comes
//! first — so one request never takes longer than about `retry-total` + `timeout`.

use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::http::Response;
use ureq::Body;

use super::redact::Secrets;
use super::{Error, Result};
use crate::tr;

/// Timeouts, retries and polling (the `[http]` section of the config file). Durations are
/// written with a unit: `timeout = "60s"`, `backoff-initial = "500ms"`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct HttpConfig {
    /// Connecting, and each read or write on the connection (not the whole transfer).
    #[serde(deserialize_with = "crate::durations::deserialize")]
    pub timeout: Duration,
    /// Tries per request, the first included.
    pub attempts: u32,
    /// The first wait between tries; doubled each time, with jitter.
    #[serde(deserialize_with = "crate::durations::deserialize")]
    pub backoff_initial: Duration,
    /// The longest wait between tries.
    #[serde(deserialize_with = "crate::durations::deserialize")]
    pub backoff_max: Duration,
    /// No new try starts later than this after the first.
    #[serde(deserialize_with = "crate::durations::deserialize")]
    pub retry_total: Duration,
    /// The first wait between two polls of a job's status; grows by half each time.
    #[serde(deserialize_with = "crate::durations::deserialize")]
    pub poll_initial: Duration,
    /// The longest wait between two polls.
    #[serde(deserialize_with = "crate::durations::deserialize")]
    pub poll_max: Duration,
    /// How long a job (Кассатка's process) may take before we give up.
    #[serde(deserialize_with = "crate::durations::deserialize")]
    pub poll_limit: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(60),
            attempts: 5,
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            retry_total: Duration::from_secs(120),
            poll_initial: Duration::from_secs(1),
            poll_max: Duration::from_secs(15),
            poll_limit: Duration::from_secs(600),
        }
    }
}

impl HttpConfig {
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Checks every value (called by [`Http::new`]).
    pub fn validate(&self) -> Result<()> {
        if self.attempts == 0 {
            return Err(Error::Config(tr!("upload-http-attempts-zero")));
        }
        if self.timeout.is_zero() {
            return Err(Error::Config(tr!("upload-http-timeout-zero")));
        }
        Ok(())
    }

    /// The wait before try `next` (2, 3, …): exponential, capped, with "equal jitter" (half
    /// fixed, half random), and never shorter than the server's `Retry-After`.
    pub fn backoff(&self, next: u32, retry_after: Option<Duration>) -> Duration {
        let base = self.backoff_initial.saturating_mul(1 << next.saturating_sub(2).min(30)).min(self.backoff_max);
        // Half fixed, half random, in whole milliseconds.
        let half = base.as_millis() as u64 / 2;
        let jittered = Duration::from_millis(half + random_below(half + 1));
        match retry_after {
            Some(after) => jittered.max(after.min(self.backoff_max)),
            None => jittered,
        }
    }

    /// The wait before poll `n` (1, 2, …): growing by half each time, capped.
    pub fn poll_interval(&self, n: u32) -> Duration {
        let mut wait = self.poll_initial;
        for _ in 1..n.min(60) {
            wait = (wait + wait / 2).min(self.poll_max);
        }
        wait.min(self.poll_max)
    }
}

/// A number in `0..bound` that differs between calls and processes (jitter, multipart
/// boundaries). `bound` 0 gives 0.
pub fn random_below(bound: u64) -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish().checked_rem(bound).unwrap_or(0)
}

/// A complete answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    retry_after: Option<Duration>,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text (lossy), for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether the status is one worth trying again.
    pub fn is_retryable(&self) -> bool {
        self.status >= 500 || self.status == 408 || self.status == 429
    }
}

/// One try's result, as a retry loop sees it.
pub enum Attempt<T> {
    Done(T),
    /// Worth trying again: why, and how long the server asked us to wait.
    Retry {
        reason: String,
        status: Option<u16>,
        after: Option<Duration>,
    },
    Fail(Error),
}

impl<T> Attempt<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Attempt<U> {
        match self {
            Attempt::Done(v) => Attempt::Done(f(v)),
            Attempt::Retry { reason, status, after } => Attempt::Retry { reason, status, after },
            Attempt::Fail(e) => Attempt::Fail(e),
        }
    }
}

/// Something that wants to hear about each request (the CLI's `--verbose`). Messages name
/// methods, paths and statuses, never credentials.
pub type Trace = Arc<dyn Fn(&str) + Send + Sync>;

/// The largest answer read into memory (downloads go to files instead).
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// An HTTP agent with the retry policy, the credentials to blank out of messages, and a trace.
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    config: HttpConfig,
    secrets: Arc<Mutex<Secrets>>,
    trace: Option<Trace>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Http {
    pub fn new(config: HttpConfig) -> Result<Self> {
        config.validate()?;
        let timeout = Some(config.timeout());
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(timeout)
            .timeout_per_read(timeout)
            .timeout_per_write(timeout)
            .user_agent(concat!("kassa-bridge/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Http { agent, config, secrets: Arc::new(Mutex::new(Secrets::default())), trace: None })
    }

    pub fn with_trace(mut self, trace: Trace) -> Self {
        self.trace = Some(trace);
        self
    }

    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Blanks `secret` (in every form a server may echo it, see [`super::redact`]) out of every
    /// message made from now on.
    pub fn add_secret(&self, secret: &str) {
        self.secrets.lock().unwrap_or_else(|e| e.into_inner()).add(secret);
    }

    /// `text` with every known credential replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        self.secrets.lock().unwrap_or_else(|e| e.into_inner()).redact(text)
    }

    /// A short excerpt of an answer for a message (see [`brief`]), the credentials blanked out
    /// first: cut first, a credential could be cut in half and escape its redaction.
    pub fn excerpt(&self, body: &str) -> String {
        brief(&self.redact(body))
    }

    /// A remote error whose message (often made from the server's answer) is redacted.
    pub fn remote_error(&self, service: &'static str, status: Option<u16>, message: &str) -> Error {
        Error::remote(service, status, self.redact(message))
    }

    pub fn trace(&self, message: impl FnOnce() -> String) {
        if let Some(trace) = &self.trace {
            trace(&self.redact(&message()));
        }
    }

    /// Runs `one_try` (given the try's number, from 1) until it is done, fails, or the
    /// retries are used up.
    pub fn retrying<T>(
        &self,
        service: &'static str,
        what: &str,
        mut one_try: impl FnMut(u32) -> Attempt<T>,
    ) -> Result<T> {
        let start = Instant::now();
        let mut n = 1;
        loop {
            match one_try(n) {
                Attempt::Done(value) => return Ok(value),
                Attempt::Fail(err) => return Err(err),
                Attempt::Retry { reason, status, after } => {
                    let wait = self.config.backoff(n + 1, after);
                    let total = self.config.retry_total;
                    if n >= self.config.attempts || start.elapsed() + wait > total {
                        let message = tr!(
                            "upload-http-gave-up",
                            what = what,
                            tries = n,
                            seconds = format!("{:.1}", start.elapsed().as_secs_f64()),
                            reason = &reason
                        );
                        self.trace(|| format!("{what}: {reason}; giving up"));
                        return Err(self.remote_error(service, status, &message));
                    }
                    self.trace(|| {
                        format!(
                            "{what}: {reason}; try {} of {} in {:.2} s",
                            n + 1,
                            self.config.attempts,
                            wait.as_secs_f64()
                        )
                    });
                    std::thread::sleep(wait);
                    n += 1;
                }
            }
        }
    }

    /// Reads a whole answer: a transport error or a retryable status becomes `Retry`.
    pub fn classify(&self, what: &str, result: std::result::Result<Response<Body>, ureq::Error>) -> Attempt<Reply> {
        let mut response = match result {
            Ok(r) => r,
            Err(e) => return transport_failure(e),
        };
        let status = response.status().as_u16();
        let content_type = header(&response, "content-type");
        let retry_after =
            header(&response, "retry-after").and_then(|v| v.trim().parse::<u64>().ok()).map(Duration::from_secs);
        let body = match response.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
            Ok(body) => body,
            Err(e) => return transport_failure(e),
        };
        let reply = Reply { status, body, content_type, retry_after };
        if !reply.is_retryable() {
            self.trace(|| format!("{what}: HTTP {status}"));
        } else {
            let reason = format!("HTTP {status}{}", self.excerpt(&reply.text()));
            return Attempt::Retry { reason, status: Some(status), after: reply.retry_after };
        }
        Attempt::Done(reply)
    }

    /// Sends a request (built afresh for each try) and returns the answer, retrying as the
    /// policy says. Non-retryable statuses (4xx) are returned, not errors: the caller decides.
    pub fn send(
        &self,
        service: &'static str,
        what: &str,
        mut build: impl FnMut(&ureq::Agent) -> std::result::Result<Response<Body>, ureq::Error>,
    ) -> Result<Reply> {
        self.retrying(service, what, |_| self.classify(what, build(&self.agent)))
    }

    /// Like [`Http::send`], but a successful answer's body is streamed into `dest` (written to a
    /// temporary name and renamed into place when complete; a broken transfer is retried).
    pub fn download(
        &self,
        service: &'static str,
        what: &str,
        dest: &Path,
        mut build: impl FnMut(&ureq::Agent) -> std::result::Result<Response<Body>, ureq::Error>,
    ) -> Result<Reply> {
        self.retrying(service, what, |_| {
            let mut response = match build(&self.agent) {
                Ok(r) => r,
                Err(e) => return transport_failure(e),
            };
            let status = response.status().as_u16();
            if !(200..300).contains(&status) {
                return self.classify(what, Ok(response));
            }
            let content_type = header(&response, "content-type");
            let file = match crate::output::AtomicFile::create(dest) {
                Ok(f) => f,
                Err(e) => return Attempt::Fail(e.into()),
            };
            let copied = file.writer().map_err(Error::from).and_then(|mut out| {
                let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
                copy(&mut reader, &mut out).map_err(|e| Error::remote(service, None, e.to_string()))
            });
            match copied {
                Ok(bytes) => {
                    self.trace(|| format!("{what}: HTTP {status}, {bytes} bytes"));
                    match file.commit() {
                        Ok(_) => Attempt::Done(Reply { status, body: Vec::new(), content_type, retry_after: None }),
                        Err(e) => Attempt::Fail(e.into()),
                    }
                }
                Err(Error::Remote { message, .. }) => {
                    let reason = tr!("upload-http-transfer-broke-off", error = message);
                    Attempt::Retry { reason, status: None, after: None }
                }
                Err(e) => Attempt::Fail(e),
            }
        })
    }
}

fn copy(reader: &mut dyn Read, out: &mut std::io::BufWriter<std::fs::File>) -> std::io::Result<u64> {
    use std::io::Write;
    let bytes = std::io::copy(reader, out)?;
    out.flush()?;
    Ok(bytes)
}

fn header(response: &Response<Body>, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// ` (first 300 characters of the body)` or nothing.
pub fn brief(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    let cut: String = body.chars().take(300).collect();
    let more = if cut.len() < body.len() { "…" } else { "" };
    format!(": {}{more}", cut.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Every transport error is worth another try except a malformed request or URL.
fn transport_failure<T>(e: ureq::Error) -> Attempt<T> {
    let reason = match &e {
        ureq::Error::Timeout(t) => tr!("upload-http-timed-out", what = t.to_string()),
        ureq::Error::Io(io) => tr!("upload-http-connection-error", error = io.to_string()),
        ureq::Error::ConnectionFailed => tr!("upload-http-could-not-connect"),
        ureq::Error::HostNotFound => tr!("upload-http-host-not-found"),
        other => other.to_string(),
    };
    match e {
        ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::InvalidProxyUrl => {
            Attempt::Fail(Error::Config(tr!("upload-http-bad-request", reason = reason)))
        }
        _ => Attempt::Retry { reason, status: None, after: None },
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a path segment or a form value).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `base` + `path`, with exactly one `/` between them.
pub fn join_url(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let c = HttpConfig {
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(5),
            ..Default::default()
        };
        let second = c.backoff(2, None).as_secs_f64();
        assert!((0.5..=1.0).contains(&second), "{second}");
        let third = c.backoff(3, None).as_secs_f64();
        assert!((1.0..=2.0).contains(&third), "{third}");
        let late = c.backoff(20, None).as_secs_f64();
        assert!((2.5..=5.0).contains(&late), "{late}");
        assert!(c.backoff(2, Some(Duration::from_secs(4))).as_secs_f64() >= 4.0);
        assert!(c.backoff(2, Some(Duration::from_secs(400))).as_secs_f64() <= 5.0);
    }

    #[test]
    fn percent_encoding_keeps_unreserved_characters_only() {
        assert_eq!(percent_encode("УТ-1 a+b="), "%D0%A3%D0%A2-1%20a%2Bb%3D");
        assert_eq!(join_url("http://h/v1/", "/x"), "http://h/v1/x");
    }

    #[test]
    fn secrets_are_redacted_in_plain_and_encoded_forms() {
        let http = Http::new(HttpConfig::default()).unwrap();
        http.add_secret("p+ss=word");
        assert_eq!(http.redact("a p+ss=word b p%2Bss%3Dword"), "a *** b ***");
    }

    /// A secret near the end of a long answer is blanked before the answer is cut short.
    #[test]
    fn excerpts_are_redacted_before_they_are_cut() {
        let http = Http::new(HttpConfig::default()).unwrap();
        let secret = "q/8Xp+TKs0XdB1mS/ZtA0n9yJvN4cRQy2eFh+Lk3Wc0=";
        http.add_secret(secret);
        let body = format!("{}{}", "x".repeat(290), secret.replace('/', "\\/"));
        let excerpt = http.excerpt(&body);
        assert!(excerpt.ends_with("***"), "{excerpt}");
        assert!(!excerpt.contains("q\\/8X"), "{excerpt}");
        // Cut first, the start of the secret would have stayed.
        assert!(brief(&body).contains("q\\/8X"));
    }

    /// The message of a request given up: "try" and "tries" as before in English, Russian
    /// plurals, the reason after the plural.
    #[test]
    fn a_request_given_up_reads_in_both_languages() {
        use crate::i18n::Lang;
        let gave_up = |tries: u32, lang: Lang| {
            crate::msg!("upload-http-gave-up", what = "GET /x", tries = tries, seconds = "1.5", reason = "HTTP 503")
                .render(lang)
        };
        assert_eq!(gave_up(1, Lang::En), "GET /x failed after 1 try in 1.5 s: HTTP 503");
        assert_eq!(gave_up(3, Lang::En), "GET /x failed after 3 tries in 1.5 s: HTTP 503");
        assert_eq!(gave_up(3, Lang::Ru), "GET /x: не удалось за 3 попытки (1.5 с): HTTP 503");
        assert_eq!(gave_up(5, Lang::Ru), "GET /x: не удалось за 5 попыток (1.5 с): HTTP 503");
    }
}
