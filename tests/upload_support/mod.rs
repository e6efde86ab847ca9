//! A fake Кассатка and БИФИТ Касса on 127.0.0.1 (tiny_http, an ephemeral port, one thread per
//! request) implementing the endpoints as their documents describe them, recording every request,
//! and injecting faults on request: an HTTP status, a slow answer (bounded), a connection that
//! breaks off mid-answer, garbage instead of HTTP, expired tokens, jobs that never finish.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use kassa_bridge::upload::{HttpConfig, Secret, ServicesConfig};

pub mod secrets;

pub const KASSATKA_TOKEN: &str = "6d4fbe2d-TEST-TOKEN-2745c09ee578";
pub const BIFIT_LOGIN: &str = "79990001122";
pub const BIFIT_PASSWORD: &str = "Pa$$w0rd-секрет";
pub const ORG: &str = "1598606805067-350554463";

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(rel: &str) -> PathBuf {
    root().join(rel)
}

pub fn seed() -> PathBuf {
    sample("samples/kassatka-xml/seed-nomenclature.xml")
}

/// base64(SHA-256(password)), computed independently of the library.
pub fn password_hash(pw: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(pw.as_bytes()))
}

/// Percent-encodes all but the unreserved characters (as a form value is sent).
pub fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 after decoding")
}

fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct FormPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    /// The query as sent (still encoded).
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn query(&self) -> Vec<(String, String)> {
        pairs(&self.raw_query)
    }

    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn form(&self) -> Vec<(String, String)> {
        pairs(std::str::from_utf8(&self.body).expect("a UTF-8 form"))
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// `METHOD /path` (for compact assertions).
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn multipart(&self) -> Vec<FormPart> {
        let ct = self.header("content-type").expect("a content type");
        assert!(ct.starts_with("multipart/form-data"), "{ct}");
        let boundary = ct.split("boundary=").nth(1).expect("a boundary").trim_matches('"');
        let delim = format!("--{boundary}");
        let mut parts = Vec::new();
        let body = &self.body;
        let positions: Vec<usize> =
            body.windows(delim.len()).enumerate().filter(|(_, w)| *w == delim.as_bytes()).map(|(i, _)| i).collect();
        for pair in positions.windows(2) {
            let chunk = &body[pair[0] + delim.len()..pair[1]];
            let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
            let split = chunk.windows(4).position(|w| w == b"\r\n\r\n").expect("part headers end");
            let head = std::str::from_utf8(&chunk[..split]).expect("part headers");
            let mut data = chunk[split + 4..].to_vec();
            if data.ends_with(b"\r\n") {
                data.truncate(data.len() - 2);
            }
            let mut part = FormPart { name: String::new(), filename: None, content_type: None, data };
            for line in head.split("\r\n") {
                let (k, v) = line.split_once(':').expect("a header");
                if k.eq_ignore_ascii_case("content-disposition") {
                    for attr in v.split(';').map(str::trim) {
                        if let Some(n) = attr.strip_prefix("name=") {
                            part.name = n.trim_matches('"').to_string();
                        } else if let Some(f) = attr.strip_prefix("filename=") {
                            part.filename = Some(f.trim_matches('"').to_string());
                        }
                    }
                } else if k.eq_ignore_ascii_case("content-type") {
                    part.content_type = Some(v.trim().to_string());
                }
            }
            parts.push(part);
        }
        parts
    }
}

/// A fault for the next request matching `METHOD /path-prefix`.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status (and a JSON message) instead of handling the request.
    Status(u16),
    /// Handle the request, but answer only after this long (the client has given up by then).
    Slow(Duration),
    /// Start an answer and stop talking in the middle (the request is not handled).
    BreakOff,
    /// Answer with bytes that are not HTTP.
    Garbage,
    /// Answer with this status and an error that quotes the credentials the request carried,
    /// JSON-encoded by an encoder that escapes `/` as `\/` (PHP's json_encode, some Java ones).
    EchoEscaped(u16),
}

/// A Кассатка job.
#[derive(Debug, Clone)]
pub struct Process {
    pub receipts: bool,
    pub polls: u32,
    /// `success` after this many polls (`new` before); `None`: `new` for ever.
    pub success_after: Option<u32>,
    /// A final status other than success.
    pub fail_with: Option<String>,
    /// The period asked for (`GET /receipts`).
    pub period: Option<(String, String)>,
}

/// A receipt the fake Кассатка holds: its local time and its `<Doc>` element.
#[derive(Debug, Clone)]
pub struct HeldReceipt {
    pub at: chrono::NaiveDateTime,
    pub number: String,
    pub total: u64,
}

impl HeldReceipt {
    fn doc(&self) -> String {
        format!(
            "<Doc><Head><Date>{}</Date><OrganizationCode>155</OrganizationCode><CashBoxCode>189</CashBoxCode>\
             <CashBoxName>Касса 1</CashBoxName><DocSum>{t}</DocSum><DocSumWithDiscount>{t}</DocSumWithDiscount>\
             <DocNum>{}</DocNum><PayCard>0</PayCard><PayCash>{t}</PayCash></Head><Products><Product>\
             <ProductCode>00-00000019</ProductCode><ProductName>Версан в капс. 60</ProductName><UnitCode>796</UnitCode>\
             <Price>{t}</Price><Discount>0</Discount><Quantity>1</Quantity><Sum>{t}</Sum><SumWithDiscount>{t}</SumWithDiscount>\
             </Product></Products></Doc>",
            self.at.format("%Y-%m-%dT%H:%M:%S+0300"),
            self.number,
            t = self.total
        )
    }
}

#[derive(Debug)]
pub struct State {
    pub requests: Vec<Recorded>,
    faults: Vec<(String, Fault)>,
    // Кассатка
    pub processes: HashMap<String, Process>,
    pub polls_until_success: Option<u32>,
    pub process_failure: Option<String>,
    pub nomenclature_uploads: Vec<Vec<u8>>,
    pub receipts_xml: Vec<u8>,
    /// When set, `GET /download` of a receipts job returns the receipts whose time is in the
    /// period asked for, both ends included (as a careless service might), instead of
    /// `receipts_xml`.
    pub held_receipts: Option<Vec<HeldReceipt>>,
    /// Every Кассатка request answers 503 (the service is down).
    pub kassatka_down: bool,
    // БИФИТ Касса
    pub access_tokens: HashSet<String>,
    pub refresh_tokens: HashSet<String>,
    pub token_counter: u32,
    pub expires_in: u64,
    pub organizations: Vec<Value>,
    pub trade_objects: HashMap<String, Vec<Value>>,
    pub nomenclatures: Vec<Value>,
    pub next_id: i64,
    pub rejected_codes: HashSet<String>,
    pub csv_uploads: Vec<Vec<u8>>,
    pub csv_answer: Option<Value>,
    pub orders: HashMap<String, Value>,
}

impl State {
    fn new() -> Self {
        let order: Value =
            serde_json::from_slice(&std::fs::read(sample("samples/bifit-orders/seed-order.json")).unwrap()).unwrap();
        let mut orders = HashMap::new();
        orders.insert("320528".to_string(), order);
        let mut trade_objects = HashMap::new();
        trade_objects.insert(
            ORG.to_string(),
            vec![json!({"id": "1696441791990-499179364", "organizationId": ORG, "name": "Удача", "address": "Москва"})],
        );
        State {
            requests: Vec::new(),
            faults: Vec::new(),
            processes: HashMap::new(),
            polls_until_success: Some(2),
            process_failure: None,
            nomenclature_uploads: Vec::new(),
            receipts_xml: std::fs::read(sample("samples/kassatka-receipts/seed-receipts.xml")).unwrap(),
            held_receipts: None,
            kassatka_down: false,
            access_tokens: HashSet::new(),
            refresh_tokens: HashSet::new(),
            token_counter: 0,
            expires_in: 43199,
            organizations: vec![json!({"id": ORG, "name": "ООО Удача", "inn": "7701234567", "visible": true})],
            trade_objects,
            nomenclatures: Vec::new(),
            next_id: 1000,
            rejected_codes: HashSet::new(),
            csv_uploads: Vec::new(),
            csv_answer: None,
            orders,
        }
    }

    /// Queues a fault for the next request whose `METHOD /path` starts with `prefix`.
    pub fn fault(&mut self, prefix: &str, fault: Fault) {
        self.faults.push((prefix.to_string(), fault));
    }

    /// Drops the faults not used yet.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Every access token stops working (the refresh tokens still do).
    pub fn expire_access_tokens(&mut self) {
        self.access_tokens.clear();
    }

    /// The requests whose `METHOD /path` starts with `prefix`.
    pub fn matching(&self, prefix: &str) -> Vec<Recorded> {
        self.requests.iter().filter(|r| r.line().starts_with(prefix)).cloned().collect()
    }

    pub fn count(&self, prefix: &str) -> usize {
        self.matching(prefix).len()
    }

    /// External id → how many items carry it.
    pub fn codes(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for n in &self.nomenclatures {
            *out.entry(n["externalId"].as_str().unwrap().to_string()).or_insert(0) += 1;
        }
        out
    }

    pub fn item(&self, code: &str) -> Option<&Value> {
        self.nomenclatures.iter().find(|n| n["externalId"] == code)
    }
}

pub struct TestServer {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type Answer = (u16, &'static str, Vec<u8>);

fn answer(status: u16, body: Value) -> Answer {
    (status, "application/json", body.to_string().into_bytes())
}

impl TestServer {
    pub fn start() -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a test server"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let state = Arc::new(Mutex::new(State::new()));
        let (srv, st) = (server.clone(), state.clone());
        let thread = std::thread::spawn(move || {
            for rq in srv.incoming_requests() {
                let st = st.clone();
                std::thread::spawn(move || handle(&st, rq));
            }
        });
        TestServer { url: format!("http://127.0.0.1:{port}"), state, server, thread: Some(thread) }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn kassatka_url(&self) -> String {
        format!("{}/1c-api/v1", self.url)
    }

    pub fn bifit_url(&self) -> String {
        format!("{}/cashdesk-api/v1", self.url)
    }

    /// Short timeouts and backoffs, so the fault tests take milliseconds.
    pub fn http_config() -> HttpConfig {
        HttpConfig {
            timeout: Duration::from_millis(400),
            attempts: 4,
            backoff_initial: Duration::from_millis(10),
            backoff_max: Duration::from_millis(50),
            retry_total: Duration::from_secs(10),
            poll_initial: Duration::from_millis(10),
            poll_max: Duration::from_millis(30),
            poll_limit: Duration::from_millis(500),
        }
    }

    /// A config pointing at this server with the test credentials.
    pub fn config(&self, state_file: &Path) -> ServicesConfig {
        let mut c = ServicesConfig { http: Self::http_config(), ..Default::default() };
        c.kassatka.base_url = self.kassatka_url();
        c.kassatka.token = Some(Secret::new(KASSATKA_TOKEN));
        c.bifit.base_url = self.bifit_url();
        c.bifit.login = Some(Secret::new(BIFIT_LOGIN));
        c.bifit.password = Some(Secret::new(BIFIT_PASSWORD));
        c.bifit.organization_id = Some(ORG.into());
        c.bifit.state_file = Some(state_file.to_path_buf());
        c
    }
}

fn handle(state: &Mutex<State>, mut rq: tiny_http::Request) {
    let mut body = Vec::new();
    rq.as_reader().read_to_end(&mut body).expect("a request body");
    let (raw_path, raw_query) = rq.url().split_once('?').unwrap_or((rq.url(), ""));
    let recorded = Recorded {
        method: rq.method().as_str().to_string(),
        path: decode(raw_path, false),
        raw_query: raw_query.to_string(),
        headers: rq
            .headers()
            .iter()
            .map(|h| (h.field.as_str().as_str().to_string(), h.value.as_str().to_string()))
            .collect(),
        body,
    };
    let fault = {
        let mut st = state.lock().unwrap();
        st.requests.push(recorded.clone());
        let line = recorded.line();
        st.faults.iter().position(|(p, _)| line.starts_with(p.as_str())).map(|i| st.faults.remove(i).1)
    };
    let mut delay = None;
    match fault {
        Some(Fault::Status(s)) => {
            // Careless servers echo what they got: the client must not pass it on.
            let echo = format!(
                "injected failure for api-token {} / {}",
                recorded.header("api-token").unwrap_or("-"),
                recorded.header("authorization").unwrap_or("-")
            );
            return respond(rq, answer(s, json!({"success": false, "message": echo})));
        }
        Some(Fault::EchoEscaped(s)) => {
            let form: HashMap<String, String> =
                std::str::from_utf8(&recorded.body).map(|_| recorded.form().into_iter().collect()).unwrap_or_default();
            let quoted = |key: &str| form.get(key).cloned().unwrap_or_default();
            let echo = format!(
                "Bad credentials: username={} password={} api-token={}",
                quoted("username"),
                quoted("password"),
                recorded.header("api-token").unwrap_or("-")
            );
            let body = json!({"error": "invalid_grant", "error_description": echo}).to_string().replace('/', "\\/");
            return respond(rq, (s, "application/json", body.into_bytes()));
        }
        Some(Fault::BreakOff) => {
            let mut w = rq.into_writer();
            let _ =
                w.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"succ");
            let _ = w.flush();
            // Keep the connection silent until the client has given up, then drop it.
            std::thread::sleep(Duration::from_millis(900));
            return;
        }
        Some(Fault::Garbage) => {
            let mut w = rq.into_writer();
            let _ = w.write_all(b"this is not HTTP at all\r\n\r\n");
            let _ = w.flush();
            return;
        }
        Some(Fault::Slow(d)) => delay = Some(d),
        None => {}
    }
    let reply = route(state, &recorded);
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    respond(rq, reply);
}

fn respond(rq: tiny_http::Request, (status, ct, body): Answer) {
    let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], ct.as_bytes()).unwrap();
    let _ = rq.respond(tiny_http::Response::from_data(body).with_status_code(status).with_header(header));
}

fn route(state: &Mutex<State>, r: &Recorded) -> Answer {
    let mut st = state.lock().unwrap();
    if let Some(path) = r.path.strip_prefix("/1c-api/v1") {
        kassatka(&mut st, r, path)
    } else if let Some(path) = r.path.strip_prefix("/cashdesk-api/v1") {
        bifit(&mut st, r, path)
    } else {
        answer(404, json!({"message": "no such service"}))
    }
}

fn new_key(st: &State) -> String {
    format!("ef9eb390-6db2-4cc6-bf01-{:012}", st.processes.len() + 1)
}

fn kassatka(st: &mut State, r: &Recorded, path: &str) -> Answer {
    if st.kassatka_down {
        return answer(503, json!({"success": false, "response": {"message": "down for maintenance"}}));
    }
    if r.header("api-token") != Some(KASSATKA_TOKEN) {
        return answer(401, json!({"success": false, "response": {"message": "wrong api-token"}}));
    }
    let ok = |response: Value| answer(200, json!({"success": true, "response": response}));
    let process = |st: &State, receipts: bool| Process {
        receipts,
        polls: 0,
        success_after: st.polls_until_success,
        fail_with: st.process_failure.clone(),
        period: None,
    };
    match (r.method.as_str(), path) {
        ("POST", "/nomenclature") => {
            let parts = r.multipart();
            let Some(part) = parts.iter().find(|p| p.name == "nomenclature") else {
                return answer(400, json!({"success": false, "response": {"message": "no nomenclature"}}));
            };
            st.nomenclature_uploads.push(part.data.clone());
            let key = new_key(st);
            let p = process(st, false);
            st.processes.insert(key.clone(), p);
            ok(json!({"process_key": key}))
        }
        ("GET", "/receipts") => {
            let valid = |v: Option<String>| {
                v.is_some_and(|v| chrono::NaiveDateTime::parse_from_str(&v, "%Y-%m-%d %H:%M:%S").is_ok())
            };
            if !valid(r.query_value("from")) || !valid(r.query_value("to")) {
                return answer(400, json!({"success": false, "response": {"message": "bad period"}}));
            }
            let key = new_key(st);
            let mut p = process(st, true);
            p.period = Some((r.query_value("from").unwrap(), r.query_value("to").unwrap()));
            st.processes.insert(key.clone(), p);
            ok(json!({"process_key": key}))
        }
        ("GET", p) if p.starts_with("/process/") => {
            let Some(proc_) = st.processes.get_mut(&p["/process/".len()..]) else {
                return answer(404, json!({"success": false, "response": {"message": "no such process"}}));
            };
            proc_.polls += 1;
            let status = match (&proc_.fail_with, proc_.success_after) {
                (Some(f), Some(n)) if proc_.polls >= n => f.clone(),
                (None, Some(n)) if proc_.polls >= n => "success".to_string(),
                _ => "new".to_string(),
            };
            ok(json!({"status": status}))
        }
        ("GET", p) if p.starts_with("/download/") => match st.processes.get(&p["/download/".len()..]) {
            Some(proc_) if proc_.receipts && proc_.success_after.is_some_and(|n| proc_.polls >= n) => {
                match (&st.held_receipts, &proc_.period) {
                    (Some(held), Some((from, to))) => {
                        let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").unwrap();
                        let (from, to) = (at(from), at(to));
                        let docs: String =
                            held.iter().filter(|h| h.at >= from && h.at <= to).map(HeldReceipt::doc).collect();
                        let xml =
                            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Documents>{docs}</Documents>\n");
                        (200, "application/xml", xml.into_bytes())
                    }
                    _ => (200, "application/xml", st.receipts_xml.clone()),
                }
            }
            _ => answer(404, json!({"success": false, "response": {"message": "not ready"}})),
        },
        _ => answer(404, json!({"success": false})),
    }
}

fn issue_tokens(st: &mut State) -> Answer {
    st.token_counter += 1;
    let (access, refresh) =
        (format!("at-{}-SECRETACCESS", st.token_counter), format!("rt-{}-SECRETREFRESH", st.token_counter));
    st.access_tokens.insert(access.clone());
    st.refresh_tokens.insert(refresh.clone());
    answer(
        200,
        json!({"access_token": access, "token_type": "bearer", "refresh_token": refresh, "expires_in": st.expires_in, "scope": "read write"}),
    )
}

fn bifit(st: &mut State, r: &Recorded, path: &str) -> Answer {
    if path == "/oauth/token" {
        assert_eq!(r.method, "POST");
        assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
        let form: HashMap<String, String> = r.form().into_iter().collect();
        if form.get("client_id").map(String::as_str) != Some("cashdesk-rest-client")
            || form.get("client_secret").map(String::as_str) != Some("cashdesk-rest-client")
        {
            return answer(401, json!({"error": "invalid_client"}));
        }
        return match form.get("grant_type").map(String::as_str) {
            Some("password")
                if form.get("username").map(String::as_str) == Some(BIFIT_LOGIN)
                    && form.get("password") == Some(&password_hash(BIFIT_PASSWORD)) =>
            {
                issue_tokens(st)
            }
            Some("refresh_token") if form.get("refresh_token").is_some_and(|t| st.refresh_tokens.remove(t)) => {
                issue_tokens(st)
            }
            _ => answer(400, json!({"error": "invalid_grant", "error_description": "Bad credentials"})),
        };
    }
    let token = r.header("authorization").and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("");
    if !st.access_tokens.contains(token) {
        return answer(401, json!({"error": "invalid_token", "error_description": "Access token expired"}));
    }
    let org = r.query_value("organization_id");
    match (r.method.as_str(), path) {
        ("POST", "/protected/organizations/list/read_all") => answer(200, Value::Array(st.organizations.clone())),
        ("POST", "/protected/trade_objects/list/read_all") => {
            assert_eq!(r.query_value("return_all").as_deref(), Some("True"));
            answer(200, Value::Array(st.trade_objects.get(&org.unwrap_or_default()).cloned().unwrap_or_default()))
        }
        ("GET", p) if p.starts_with("/protected/nomenclatures/external_id/") => {
            let code = &p["/protected/nomenclatures/external_id/".len()..];
            let org = org.expect("organization_id");
            match st.nomenclatures.iter().find(|n| n["externalId"] == code && n["organizationId"] == org.as_str()) {
                Some(item) => answer(200, item.clone()),
                None => answer(404, json!({"message": "Номенклатура не найдена"})),
            }
        }
        ("POST", "/protected/nomenclatures") | ("PUT", "/protected/nomenclatures") => {
            let body = r.json();
            let mut item = body.get("item").cloned().expect("an item wrapper");
            let code = item["externalId"].as_str().expect("externalId").to_string();
            if item["organizationId"] != ORG {
                return answer(400, json!({"message": "wrong organizationId"}));
            }
            if st.rejected_codes.contains(&code) {
                return answer(400, json!({"message": format!("Недопустимое значение для {code}")}));
            }
            if let Some(parent) = item.get("parentId").filter(|p| !p.is_null()) {
                if !st.nomenclatures.iter().any(|n| &n["id"] == parent && n["grouped"] == true) {
                    return answer(400, json!({"message": "no such parent folder"}));
                }
            }
            if r.method == "POST" {
                st.next_id += 1;
                item["id"] = json!(st.next_id);
                st.nomenclatures.push(item.clone());
                answer(200, item)
            } else {
                match st.nomenclatures.iter_mut().find(|n| n["id"] == item["id"]) {
                    Some(n) => {
                        *n = item.clone();
                        answer(200, item)
                    }
                    None => answer(404, json!({"message": "no such id"})),
                }
            }
        }
        ("POST", "/protected/exchange/csv/upload") => {
            let parts = r.multipart();
            let Some(file) = parts.iter().find(|p| p.name == "file") else {
                return answer(400, json!({"message": "no file"}));
            };
            st.csv_uploads.push(file.data.clone());
            let rows = file.data.split(|b| *b == b'\n').filter(|l| !l.is_empty() && *l != b"\r").count() - 1;
            let reply = st.csv_answer.clone().unwrap_or_else(
                || json!({"exceptionMessage": null, "exceptionList": [], "itemQty": rows, "consumedTime": 12}),
            );
            answer(200, reply)
        }
        ("GET", p) if p.starts_with("/protected/online_orders/") => {
            match st.orders.get(&p["/protected/online_orders/".len()..]) {
                Some(o) => answer(200, o.clone()),
                None => answer(404, json!({"message": "Заказ не найден"})),
            }
        }
        ("PUT", "/protected/online_orders") => {
            let order = r.json()["onlineOrder"].clone();
            let id = order["id"].to_string();
            match st.orders.get_mut(&id) {
                Some(o) => {
                    o["currentStatusType"] = order["currentStatusType"].clone();
                    answer(200, o.clone())
                }
                None => answer(404, json!({"message": "Заказ не найден"})),
            }
        }
        _ => answer(404, json!({"message": "no such endpoint"})),
    }
}
