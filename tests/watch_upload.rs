//! `upload = …` in a drop-folder route: the real watcher against the fake Кассатка / БИФИТ Касса
//! on 127.0.0.1. An upload runs after the conversion; a failed one stays queued and is retried,
//! also across a restart (after SIGKILL); nothing is sent twice; no credential is ever written.

mod upload_support;
mod watch_common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use upload_support::secrets::{assert_holds_no_secret, hex_dumped};
use upload_support::{password_hash, seed, Fault, TestServer, BIFIT_LOGIN, BIFIT_PASSWORD, KASSATKA_TOKEN, ORG};
use watch_common::{drop_file, wait_for, wait_with_limit, Fixture};

const LIMIT: Duration = Duration::from_secs(60);
const NOMENCLATURE: &str = "POST /1c-api/v1/nomenclature";

/// The services' sections pointing at `server`, with short HTTP timeouts.
fn services(server: &TestServer) -> String {
    format!(
        "[kassatka]\nbase-url = \"{}\"\ntoken = \"{KASSATKA_TOKEN}\"\n\
         [bifit]\nbase-url = \"{}\"\nlogin = \"{BIFIT_LOGIN}\"\npassword = \"{BIFIT_PASSWORD}\"\norganization-id = \"{ORG}\"\n\
         [http]\ntimeout = \"2s\"\nattempts = 2\nbackoff-initial = \"10ms\"\nbackoff-max = \"20ms\"\n\
         poll-initial = \"10ms\"\npoll-max = \"30ms\"\npoll-limit = \"5s\"\n",
        server.kassatka_url(),
        server.bifit_url()
    )
}

fn fixture(server: &TestServer, upload: &str, format: &str) -> Fixture {
    let route = format!(
        "name = \"default\"\ninbox = \"inbox\"\nupload = \"{upload}\"\n[[route.target]]\nformat = \"{format}\"\n"
    );
    Fixture::new(&services(server), &route)
}

fn journal(f: &Fixture) -> String {
    fs::read_to_string(f.path("journal.jsonl")).unwrap_or_default()
}

fn events(f: &Fixture, name: &str) -> usize {
    journal(f).matches(&format!("\"event\":\"{name}\"")).count()
}

fn drop_seed(f: &Fixture) {
    drop_file(&f.inbox(), "seed.xml", &fs::read(seed()).unwrap());
}

fn run(f: &Fixture) {
    let status = f.run_until_idle(LIMIT);
    assert!(status.success(), "{status:?}; logs: {}", f.logs());
}

/// Every file the watcher wrote (logs, journal, outputs, error reports, sync state) and what
/// `status` prints: no credential in any form (see `upload_support::secret_forms`).
fn assert_no_secrets(f: &Fixture) {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in fs::read_dir(dir).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            } else {
                out.push(e.path());
            }
        }
    }
    let mut files = Vec::new();
    walk(f.dir.path(), &mut files);
    let (_, status) = f.status(&[]);
    let (_, json) = f.status(&["--json"]);
    for path in files.iter().filter(|p| **p != f.config) {
        let text = String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned();
        assert_holds_no_secret(&path.display().to_string(), &text);
    }
    assert_holds_no_secret("status", &status);
    assert_holds_no_secret("status --json", &json);
    assert!(files.iter().any(|p| p.ends_with("journal.jsonl")));
}

#[test]
fn a_converted_catalogue_is_uploaded_once() {
    let server = TestServer::start();
    let f = fixture(&server, "kassatka", "kassatka-xml");
    drop_seed(&f);
    run(&f);
    {
        let st = server.state();
        let posts = st.matching(NOMENCLATURE);
        assert_eq!(posts.len(), 1, "{:?}", st.requests.iter().map(|r| r.line()).collect::<Vec<_>>());
        let parts = posts[0].multipart();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].name, "nomenclature");
        assert!(String::from_utf8_lossy(&parts[0].data).contains("<ProductsGroups"));
        for r in &st.requests {
            assert_eq!(r.header("api-token"), Some(KASSATKA_TOKEN), "{}", r.line());
        }
    }
    assert_eq!((events(&f, "done"), events(&f, "uploaded"), events(&f, "upload-failed")), (1, 1, 0));
    assert!(f.path("outbox/seed.xml").is_file());
    let (code, status) = f.status(&[]);
    assert_eq!(code, 0);
    assert!(status.contains("uploads:   0 queued, 1 uploaded"), "{status}");

    // A restart, and the same content dropped again: nothing is sent again.
    drop_file(&f.inbox(), "seed-again.xml", &fs::read(seed()).unwrap());
    run(&f);
    assert_eq!(server.state().count(NOMENCLATURE), 1);
    assert_eq!(events(&f, "uploaded"), 1);
    assert_no_secrets(&f);
}

#[test]
fn a_failing_service_is_retried_until_the_upload_succeeds() {
    let server = TestServer::start();
    // Two tries per upload ([http] attempts = 2): the first two uploads fail, the third succeeds.
    for _ in 0..4 {
        server.state().fault(NOMENCLATURE, Fault::Status(500));
    }
    let f = fixture(&server, "kassatka", "kassatka-xml");
    drop_seed(&f);
    run(&f);
    let st = server.state();
    assert_eq!(st.count(NOMENCLATURE), 5);
    assert_eq!(st.nomenclature_uploads.len(), 1, "delivered exactly once");
    drop(st);
    assert_eq!((events(&f, "upload-failed"), events(&f, "uploaded")), (2, 1));
    assert!(journal(&f).contains("\"attempt\":2"));
    let (_, status) = f.status(&[]);
    assert!(status.contains("0 queued, 1 uploaded"), "{status}");
    assert!(status.contains("last upload error") && status.contains("attempt 2") && status.contains("500"), "{status}");
    assert_no_secrets(&f);
}

/// Starts the watcher, waits for a failed upload, kills it with SIGKILL.
fn kill_after_a_failed_upload(f: &Fixture) {
    let mut child = f.spawn(&[]);
    let failed = wait_for(LIMIT, || events(f, "upload-failed") > 0);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(failed, "no failed upload; logs: {}", f.logs());
    assert_eq!((events(f, "done"), events(f, "uploaded")), (1, 0));
    let (_, status) = f.status(&[]);
    assert!(status.contains("1 queued, 0 uploaded"), "{status}");
}

#[test]
fn killed_before_the_upload_the_restart_sends_it_once() {
    let server = TestServer::start();
    for _ in 0..10_000 {
        server.state().fault(NOMENCLATURE, Fault::Status(503));
    }
    let f = fixture(&server, "kassatka", "kassatka-xml");
    drop_seed(&f);
    kill_after_a_failed_upload(&f);
    assert!(f.path("done").read_dir().unwrap().next().is_some(), "the input is done");
    server.state().clear_faults();
    run(&f);
    assert_eq!(server.state().nomenclature_uploads.len(), 1);
    assert_eq!(events(&f, "uploaded"), 1);
    // Once more: nothing left to send.
    run(&f);
    assert_eq!(server.state().nomenclature_uploads.len(), 1);
    assert_no_secrets(&f);
}

#[test]
fn bifit_api_killed_mid_upload_makes_no_duplicates() {
    let server = TestServer::start();
    for _ in 0..10_000 {
        server.state().fault("POST /cashdesk-api/v1/oauth", Fault::Status(503));
    }
    let f = fixture(&server, "bifit-api", "bifit-json");
    drop_seed(&f);
    kill_after_a_failed_upload(&f);
    server.state().clear_faults();
    // Now the upload gets going, slowly; killed after some items were created.
    for _ in 0..12 {
        server.state().fault("POST /cashdesk-api/v1/protected/nomenclatures", Fault::Slow(Duration::from_millis(150)));
    }
    let mut child = f.spawn(&[]);
    let some = wait_for(LIMIT, || server.state().nomenclatures.len() >= 3);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(some, "logs: {}", f.logs());
    assert_eq!(events(&f, "uploaded"), 0);
    server.state().clear_faults();
    run(&f);
    assert_eq!(events(&f, "uploaded"), 1, "logs: {}", f.logs());
    {
        let st = server.state();
        let codes = st.codes();
        assert_eq!(codes.len(), 12, "every group and product: {codes:?}");
        assert!(codes.values().all(|&n| n == 1), "duplicates: {codes:?}");
    }
    // A re-run sends nothing.
    let before = server.state().requests.len();
    run(&f);
    assert_eq!(server.state().requests.len(), before);
    assert!(f.path("bifit-sync.json").is_file());
    assert_no_secrets(&f);
}

#[test]
fn an_upload_without_credentials_is_refused_at_start() {
    let f = Fixture::new(
        "",
        "name = \"default\"\ninbox = \"inbox\"\nupload = \"kassatka\"\n[[route.target]]\nformat = \"kassatka-xml\"\n",
    );
    let mut child = f.spawn(&["--exit-when-idle"]);
    let status = wait_with_limit(&mut child, LIMIT).expect("exits");
    assert!(!status.success());
    assert!(f.logs().contains("KASSA_BRIDGE_KASSATKA_TOKEN"), "{}", f.logs());
}

/// An upload the service refuses (a 4xx: retrying cannot help) stays queued for the next start,
/// and `--exit-when-idle` says so with exit code 7, so that a cron job notices.
#[test]
fn a_refused_upload_is_left_queued_and_exit_when_idle_says_so() {
    let server = TestServer::start();
    server.state().fault(NOMENCLATURE, Fault::Status(400));
    let f = fixture(&server, "kassatka", "kassatka-xml");
    drop_seed(&f);
    let status = f.run_until_idle(LIMIT);
    assert_eq!(status.code(), Some(7), "logs: {}", f.logs());
    assert!(f.logs().contains("uploads were refused and are left queued"), "{}", f.logs());
    assert_eq!((events(&f, "done"), events(&f, "upload-failed"), events(&f, "uploaded")), (1, 1, 0));
    let (_, text) = f.status(&[]);
    assert!(text.contains("1 queued, 0 uploaded"), "{text}");

    // The next start sends it; nothing is left, exit 0.
    run(&f);
    assert_eq!((events(&f, "uploaded"), server.state().nomenclature_uploads.len()), (1, 1));
    assert_no_secrets(&f);
}

/// `KASSA_BRIDGE_LOG=trace` enables every library's trace, the HTTP library's hex dumps of whole
/// requests included: none of them reaches the log.
#[test]
fn trace_logging_never_writes_a_credential() {
    let server = TestServer::start();
    let route = "name = \"default\"\ninbox = \"inbox\"\nupload = [\"kassatka\", \"bifit-api\"]\n\
                 [[route.target]]\nformat = \"kassatka-xml\"\n[[route.target]]\nformat = \"bifit-json\"\n";
    let f = Fixture::new(&services(&server), route);
    drop_seed(&f);
    let mut command = f.command(&["--exit-when-idle", "-vv"]);
    command.env("KASSA_BRIDGE_LOG", "trace,ureq_proto::util=trace");
    let status = f.run_to_end(command, LIMIT);
    assert!(status.success(), "{status:?}; logs: {}", f.logs());
    assert_eq!((events(&f, "uploaded"), server.state().nomenclature_uploads.len()), (2, 1));
    assert!(server.state().count("POST /cashdesk-api/v1/oauth/token") > 0);
    let logs = f.logs();
    assert!(logs.contains("DEBUG"), "the log level took effect: {logs}");
    assert!(hex_dumped(&logs).is_empty(), "hex dumps of requests in the log: {logs}");
    assert_no_secrets(&f);
}

/// A server that escapes `/` as `\\/` echoes the password hash in a form the raw hash does not
/// match: it is blanked all the same, in the log, the journal and `status`.
#[test]
fn a_credential_echoed_json_escaped_is_blanked_everywhere() {
    let server = TestServer::start();
    server.state().fault("POST /cashdesk-api/v1/oauth", Fault::EchoEscaped(400));
    let f = fixture(&server, "bifit-csv", "bifit-csv");
    drop_seed(&f);
    let status = f.run_until_idle(LIMIT);
    assert_eq!(status.code(), Some(7), "refused: left queued; logs: {}", f.logs());
    let hash = password_hash(BIFIT_PASSWORD);
    assert!(hash.contains('/'), "the hash must hold a `/` for this test: {hash}");
    let journal = journal(&f);
    assert!(journal.contains("Bad credentials: username=*** password=*** api-token=-"), "{journal}");
    let (_, text) = f.status(&[]);
    assert!(text.contains("password=***"), "{text}");
    assert_no_secrets(&f);
}
