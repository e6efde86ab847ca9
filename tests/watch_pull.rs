//! `[[pull]]`: receipts from a fake Кассатка on 127.0.0.1 that holds receipts at chosen times and
//! answers a period with the receipts in it, both ends included (so a receipt on a period's edge
//! comes back twice). Through the real binary: `kassa-bridge pull`, and `watch` with a route beside
//! the pull, stopped, and killed with SIGKILL at random moments.

mod upload_support;
mod watch_common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use kassa_bridge::model::Record;
use kassa_bridge::options::ReadOptions;
use kassa_bridge::sink::CollectSink;
use kassa_bridge::text::RawInput;
use kassa_bridge::Diagnostics;
use serde_json::Value;
use upload_support::{HeldReceipt, TestServer, KASSATKA_TOKEN};
use watch_common::*;

/// Two days ago: every test's receipts are on that day and the next.
fn day() -> NaiveDate {
    chrono::Local::now().date_naive() - chrono::Duration::days(2)
}

fn at(date: NaiveDate, h: u32, m: u32, s: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, s).unwrap())
}

/// Receipts over two days: some in the middle of a quarter of an hour, some exactly on one (each
/// of those is returned for the two periods it ends and starts), one at midnight.
fn receipts() -> Vec<HeldReceipt> {
    let d = day();
    let mut out = Vec::new();
    for i in 0..60u32 {
        let minutes = i * 47;
        let (h, m) = (minutes / 60 % 24, minutes % 60);
        let date = if minutes / 60 >= 24 { d.succ_opt().unwrap() } else { d };
        let time = if i % 6 == 0 { at(date, h, m - m % 15, 0) } else { at(date, h, m, (i * 7) % 60) };
        out.push(HeldReceipt { at: time, number: format!("5ad4{i:020}"), total: 100 + u64::from(i) });
    }
    out.push(HeldReceipt { at: at(d.succ_opt().unwrap(), 0, 0, 0), number: "midnight".into(), total: 7 });
    out
}

fn boundary_receipts(max_period_minutes: i64) -> usize {
    let start = at(day(), 0, 0, 0);
    receipts().iter().filter(|r| r.at > start && (r.at - start).num_seconds() % (max_period_minutes * 60) == 0).count()
}

fn server() -> TestServer {
    let server = TestServer::start();
    {
        let mut st = server.state();
        st.held_receipts = Some(receipts());
        st.polls_until_success = Some(1);
    }
    server
}

/// A drop folder with the default route and one pull named `sales` (`pull` is the text after
/// `[[pull]]`, its targets included).
fn fixture(server: &TestServer, pull: &str) -> Fixture {
    let global = format!(
        r#"
[kassatka]
base-url = "{}"
token = "{KASSATKA_TOKEN}"
[http]
timeout = "2s"
attempts = 2
backoff-initial = "10ms"
backoff-max = "20ms"
retry-total = "500ms"
poll-initial = "10ms"
poll-max = "20ms"
poll-limit = "2s"
[[pull]]
name = "sales"
service = "kassatka"
fetch = "receipts"
since = "{}"
{pull}
"#,
        server.kassatka_url(),
        day()
    );
    Fixture::new(&global, "")
}

const CANONICAL_TARGET: &str = "[[pull.target]]\nformat = \"canonical-json\"\noutbox = \"pulled\"\n";

/// `kassa-bridge pull sales …`: (exit code, stderr).
fn pull(f: &Fixture, extra: &[&str]) -> (i32, String) {
    let out = Command::new(BIN).args(["pull", "sales", "--config"]).arg(&f.config).args(extra).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Every receipt in the canonical-json files of a folder: number → (times delivered, total).
fn delivered(dir: &Path) -> BTreeMap<String, (usize, String)> {
    let mut out: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for name in list(dir) {
        assert!(!name.starts_with('.'), "a hidden file is left in {}: {name}", dir.display());
        let mut sink = CollectSink::default();
        let input = RawInput::open(&dir.join(&name)).unwrap();
        kassa_bridge::formats::canonical_json::read(
            input,
            &ReadOptions::default(),
            &mut sink,
            &mut Diagnostics::new(false),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        for record in sink.records {
            let Record::Receipt(r) = record else { panic!("{name} holds a record that is not a receipt") };
            let entry = out.entry(r.number.clone()).or_insert((0, r.total.to_string()));
            entry.0 += 1;
        }
    }
    out
}

fn expected_receipts() -> BTreeMap<String, (usize, String)> {
    receipts().into_iter().map(|r| (r.number, (1, r.total.to_string()))).collect()
}

fn pull_journal(f: &Fixture) -> Vec<Value> {
    fs::read_to_string(f.data().join("pulls.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn status_json(f: &Fixture) -> Value {
    let (code, out) = f.status(&["--json"]);
    assert_eq!(code, 0, "{out}");
    serde_json::from_str(&out).unwrap()
}

/// The `done` periods of the journal in order: each starts where the one before ended.
fn assert_contiguous(f: &Fixture) -> usize {
    let done: Vec<(String, String)> = pull_journal(f)
        .iter()
        .filter(|e| e["event"] == "done")
        .map(|e| (e["from"].as_str().unwrap().to_string(), e["to"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(done[0].0, format!("{}T00:00:00", day()), "the first period starts at `since`");
    for pair in done.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "periods without gaps or overlaps, in order: {done:?}");
    }
    done.len()
}

#[test]
fn a_day_in_quarter_hours_delivers_what_it_delivers_at_once() {
    let server = server();
    let quarters =
        fixture(&server, &format!("every = \"1h\"\nsettle = \"0s\"\nmax-period = \"15m\"\n{CANONICAL_TARGET}"));
    let (code, log) = pull(&quarters, &[]);
    assert_eq!(code, 0, "{log}");
    let whole = fixture(&server, &format!("every = \"1h\"\nsettle = \"0s\"\nmax-period = \"1d\"\n{CANONICAL_TARGET}"));
    let (code, log) = pull(&whole, &[]);
    assert_eq!(code, 0, "{log}");

    let expected = expected_receipts();
    assert_eq!(delivered(&quarters.path("pulled")), expected, "every receipt once, by quarters of an hour");
    assert_eq!(delivered(&whole.path("pulled")), expected, "every receipt once, by days");
    let periods = assert_contiguous(&quarters);
    assert!(periods >= 2 * 96, "{periods} periods of 15 minutes");
    assert!(assert_contiguous(&whole) >= 2);

    // Each receipt on a quarter's edge came back twice and was delivered once.
    let edges = boundary_receipts(15);
    assert!(edges >= 5, "the test holds receipts on edges ({edges})");
    let status = status_json(&quarters);
    let p = &status["pulls"][0];
    assert_eq!(p["repeats"], edges as u64, "{p}");
    assert_eq!(p["records"], expected.len() as u64);
    assert_eq!(p["periods_behind"], 0);
    assert!(log.contains("left out: delivered in an earlier period already") || edges == 0);
    assert_eq!(status_json(&whole)["pulls"][0]["repeats"], boundary_receipts(24 * 60) as u64);
    // Empty periods write nothing: one file per period that had receipts.
    let files = list(&quarters.path("pulled"));
    assert!(files.len() < periods && files.len() <= expected.len(), "{} files", files.len());
    assert!(files.iter().all(|n| n.starts_with("sales-") && n.ends_with(".json")), "{files:?}");

    // Nothing new: a second run asks only for the time since, and writes nothing.
    let before = list(&quarters.path("pulled"));
    assert_eq!(pull(&quarters, &[]).0, 0);
    assert_eq!(list(&quarters.path("pulled")), before);
}

#[test]
fn a_period_by_hand_leaves_out_what_was_delivered_unless_again() {
    let server = server();
    let f = fixture(&server, &format!("every = \"1h\"\nsettle = \"0s\"\nmax-period = \"1d\"\n{CANONICAL_TARGET}"));
    let d = day().to_string();
    let next = day().succ_opt().unwrap().to_string();
    let (code, log) = pull(&f, &["--from", &d, "--to", &next]);
    assert_eq!(code, 0, "{log}");
    let first = delivered(&f.path("pulled"));
    assert!(!first.is_empty());
    assert!(first.values().all(|(n, _)| *n == 1));
    // The same period again: all of it was delivered, so nothing is written.
    let (code, log) = pull(&f, &["--from", &d, "--to", &next]);
    assert_eq!(code, 0, "{log}");
    assert_eq!(delivered(&f.path("pulled")), first, "{log}");
    assert!(log.contains("0 record(s) delivered"), "{log}");
    // --again delivers it once more (the same file name: the period's output is replaced).
    let (code, log) = pull(&f, &["--from", &d, "--to", &next, "--again"]);
    assert_eq!(code, 0, "{log}");
    assert!(log.contains(&format!("{} record(s) delivered", first.len())), "{log}");
    // The by-hand period started at the cursor (none yet, then `since`): the cursor moved.
    assert_eq!(status_json(&f)["pulls"][0]["cursor"], format!("{next} 00:00:00"));
    // A bad period is a usage error; an unknown pull names the ones there are.
    assert_eq!(pull(&f, &["--from", &next, "--to", &d]).0, 2);
    let out = Command::new(BIN).args(["pull", "nope", "--config"]).arg(&f.config).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("its pulls: sales"));
}

#[test]
fn watch_runs_the_pull_beside_a_route_and_status_shows_it() {
    let server = server();
    let f = fixture(
        &server,
        "every = \"1h\"\nsettle = \"0s\"\n[[pull.target]]\nformat = \"atol-report\"\noutbox = \"1c\"\n\
         [pull.target.write]\nflag-file = \"report.flg\"\n",
    );
    drop_file(&f.inbox(), "goods.xml", goods_xml(1).as_bytes());
    let status = f.run_until_idle(Duration::from_secs(60));
    assert!(status.success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["goods.xml"], "the route converted its file");
    let reports = list(&f.path("1c"));
    assert!(reports.contains(&"report.flg".to_string()), "{reports:?}");
    let txt: Vec<&String> = reports.iter().filter(|n| n.ends_with(".txt")).collect();
    assert!(!txt.is_empty() && txt.len() <= 3, "{reports:?}");
    for name in &txt {
        let text = fs::read(f.path("1c").join(name)).unwrap();
        assert!(text.starts_with(b"#"), "an ATOL report 1C has not loaded yet: {name}");
    }
    let (code, text) = f.status(&[]);
    assert_eq!(code, 0);
    assert!(text.contains("route default"), "{text}");
    assert!(text.contains("pull sales (kassatka receipts, every 1h)"), "{text}");
    assert!(text.contains("0 period(s) behind"), "{text}");
    assert!(text.contains(&format!("{} records delivered", receipts().len())), "{text}");
    // Not due again within the hour: a second run asks the service nothing.
    let asked = server.state().count("GET /1c-api/v1/receipts");
    assert!(f.run_until_idle(Duration::from_secs(60)).success());
    assert_eq!(server.state().count("GET /1c-api/v1/receipts"), asked);
}

#[test]
fn the_service_down_then_back_the_missed_periods_come_in_order() {
    let server = server();
    server.state().kassatka_down = true;
    let f = fixture(&server, &format!("every = \"100ms\"\nsettle = \"0s\"\nmax-period = \"6h\"\n{CANONICAL_TARGET}"));
    // Once: the failure is exit code 7, and nothing moved.
    let code = f.run_until_idle(Duration::from_secs(60));
    assert_eq!(code.code(), Some(7), "{}", f.logs());
    let s = status_json(&f);
    assert!(s["pulls"][0]["cursor"].is_null());
    assert!(s["pulls"][0]["last_error"]["error"].as_str().unwrap().contains("503"), "{s}");
    assert!(list(&f.path("pulled")).is_empty());
    // Running: it keeps retrying with backoff; the service comes back.
    let mut child = f.spawn(&[]);
    assert!(
        wait_for(Duration::from_secs(20), || pull_journal(&f).iter().filter(|e| e["event"] == "failed").count() >= 3)
    );
    server.state().kassatka_down = false;
    let today = chrono::Local::now().date_naive().to_string();
    let caught_up = wait_for(Duration::from_secs(60), || {
        pull_journal(&f).iter().any(|e| {
            e["event"] == "done"
                && e["to"].as_str().is_some_and(|t| t.starts_with(&today) && t > format!("{today}T00:00:00").as_str())
        })
    });
    terminate(&child);
    let stopped = wait_with_limit(&mut child, Duration::from_secs(30));
    assert!(caught_up, "{}", f.logs());
    assert_eq!(stopped.and_then(|s| s.code()), Some(0));
    assert_contiguous(&f);
    assert_eq!(delivered(&f.path("pulled")), expected_receipts());
    assert!(status_json(&f)["pulls"][0]["last_error"].is_null());
}

#[test]
fn an_output_of_fixed_name_waits_until_1c_has_loaded_it() {
    let server = server();
    let f = fixture(
        &server,
        "every = \"1h\"\nsettle = \"0s\"\nmax-period = \"1d\"\n[[pull.target]]\nformat = \"atol-report\"\noutbox = \"1c\"\noutput = \"report.txt\"\n",
    );
    let (code, log) = pull(&f, &[]);
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("waiting"), "the second day waits for the first: {log}");
    let report = f.path("1c").join("report.txt");
    let first = fs::read_to_string(&report).unwrap();
    let s = status_json(&f);
    assert!(s["pulls"][0]["last_error"]["error"].as_str().unwrap().starts_with("waiting"), "{s}");
    // Asked again before 1C loaded it: nothing is fetched, nothing replaced.
    let asked = server.state().count("GET /1c-api/v1/receipts");
    assert_eq!(pull(&f, &[]).0, 0);
    assert_eq!(server.state().count("GET /1c-api/v1/receipts"), asked);
    assert_eq!(fs::read_to_string(&report).unwrap(), first);
    // 1C loads it and marks it `@`: the next period replaces it.
    fs::write(&report, first.replacen('#', "@", 1)).unwrap();
    let (code, log) = pull(&f, &[]);
    assert_eq!(code, 0, "{log}");
    let second = fs::read_to_string(&report).unwrap();
    assert!(second.starts_with('#') && second != first, "{second}");
}

/// Every file under `dir`, hidden ones included.
fn every_file(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_type().unwrap().is_file() {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn killed_at_random_moments_during_pulls_every_receipt_is_delivered_once() {
    let seed = std::env::var("KASSA_BRIDGE_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    eprintln!("kill seed: {seed} (KASSA_BRIDGE_KILL_SEED={seed} replays it)");
    let mut rng = seed;
    let mut below = |n: u64| {
        // xorshift64*
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        rng.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    };
    let server = server();
    let f = fixture(
        &server,
        &format!(
            "every = \"50ms\"\nsettle = \"0s\"\nmax-period = \"15m\"\n{CANONICAL_TARGET}\
             [[pull.target]]\nformat = \"atol-report\"\noutbox = \"1c\"\n"
        ),
    );
    let today = chrono::Local::now().date_naive().to_string();
    let caught_up = || {
        pull_journal(&f).iter().any(|e| e["event"] == "done" && e["to"].as_str().is_some_and(|t| t.starts_with(&today)))
    };
    let mut kills = 0;
    while kills < 40 && !caught_up() {
        let mut child = f.spawn(&[]);
        std::thread::sleep(Duration::from_millis(20 + below(400)));
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
    }
    assert!(kills >= 3, "the watcher was killed {kills} times");
    // The last kill may have hit a period: the next start finishes it at once, whatever the schedule.
    let status = f.run_until_idle(Duration::from_secs(120));
    assert!(status.success(), "{}", f.logs());
    assert!(
        pull_journal(&f).iter().rev().find(|e| e["event"] != "waiting").is_some_and(|e| e["event"] == "done"),
        "{}",
        f.logs()
    );
    // Then what the schedule has not reached yet, by hand.
    let (code, log) = pull(&f, &[]);
    assert_eq!(code, 0, "{log}");
    assert!(caught_up(), "{}\n{log}", f.logs());

    assert_eq!(delivered(&f.path("pulled")), expected_receipts(), "every receipt in exactly one report (seed {seed})");
    let periods = assert_contiguous(&f);
    // Every output named by a `done` period exists, and nothing else is there: no half-written or
    // staged file, no output of a period that was redone under another name.
    let mut named: Vec<String> = pull_journal(&f)
        .iter()
        .filter(|e| e["event"] == "done")
        .flat_map(|e| e["outputs"].as_array().unwrap().clone())
        .map(|o| Path::new(o.as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    named.sort();
    let mut present = every_file(&f.path("pulled"));
    present.extend(every_file(&f.path("1c")));
    present.sort();
    assert_eq!(present, named, "after {kills} kills, {periods} periods (seed {seed})");
    let leftovers: Vec<String> = every_file(&f.data()).into_iter().filter(|n| n.ends_with(".partial")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let s = status_json(&f);
    assert!(s["pulls"][0]["interrupted"].is_null(), "{s}");
    assert_eq!(s["pulls"][0]["records"], expected_receipts().len() as u64);
}

/// The narrow window of a crash after a period was staged and before its `done` line: the next
/// start puts the staged outputs in place (1C may already have taken one of them, so the period is
/// never fetched again) and moves the cursor.
#[test]
fn a_period_staged_before_a_crash_is_put_in_place_without_asking_again() {
    use kassa_bridge::watch::config::Config;
    use kassa_bridge::watch::pull::{period_key, PullEntry, PullEvent, PullJournal};
    let server = server();
    let f = fixture(&server, &format!("every = \"1h\"\nsettle = \"0s\"\n{CANONICAL_TARGET}"));
    let config = Config::load(&f.config, None).unwrap();
    let p = &config.pulls[0];
    let (from, to) = (at(day(), 0, 0, 0), at(day(), 0, 15, 0));
    let outputs = vec![f.path("pulled").join("sales-a.json")];
    fs::create_dir_all(f.path("pulled")).unwrap();
    let staging = kassa_bridge::watch::worker::staging_path(&outputs[0], &period_key(p, from, to));
    fs::write(&staging, b"{\"staged\": true}").unwrap();
    let mut journal = PullJournal::open(&config.pull_journal_path()).unwrap();
    journal.append(PullEntry::new("sales", PullEvent::Started { from, to, outputs: outputs.clone() })).unwrap();
    let staged = PullEvent::Staged { from, to, outputs: outputs.clone(), delivered: vec!["189/x".into()], repeats: 0 };
    journal.append(PullEntry::new("sales", staged)).unwrap();
    drop(journal);

    let status = f.run_until_idle(Duration::from_secs(60));
    assert!(status.success(), "{}", f.logs());
    assert_eq!(fs::read(&outputs[0]).unwrap(), b"{\"staged\": true}");
    assert!(!staging.exists());
    let entries = pull_journal(&f);
    assert_eq!(entries[2]["event"], "done", "{entries:?}");
    assert_eq!(entries[2]["to"], format!("{}T00:15:00", day()));
    assert!(f.logs().contains("finished the period an interruption left staged"));
    // The period was not asked for again; the run went on from its end.
    let asked: Vec<String> =
        server.state().matching("GET /1c-api/v1/receipts").iter().map(|r| r.query_value("from").unwrap()).collect();
    assert_eq!(asked.first().map(String::as_str), Some(format!("{} 00:15:00", day()).as_str()), "{asked:?}");
}

/// `utc-offset`: the periods follow the service's clock, not the machine's.
#[test]
fn periods_follow_the_service_clock() {
    let server = server();
    let f = fixture(&server, &format!("every = \"1h\"\nsettle = \"0s\"\nutc-offset = \"-12:00\"\n{CANONICAL_TARGET}"));
    let (code, log) = pull(&f, &[]);
    assert_eq!(code, 0, "{log}");
    let cursor = status_json(&f)["pulls"][0]["cursor"].as_str().unwrap().to_string();
    let cursor = NaiveDateTime::parse_from_str(&cursor, "%Y-%m-%d %H:%M:%S").unwrap();
    let service_now = chrono::Utc::now().naive_utc() - chrono::Duration::hours(12);
    assert!((service_now - cursor).num_seconds().abs() < 300, "cursor {cursor}, the service's clock {service_now}");
}

/// A service that echoes the token in its error: the token appears nowhere — not in the log, the
/// pulls' journal, `status` or an output.
#[test]
fn a_failing_pull_leaks_no_credential() {
    use upload_support::secrets::assert_holds_no_secret;
    use upload_support::Fault;
    let server = server();
    for _ in 0..4 {
        server.state().fault("GET /1c-api/v1/receipts", Fault::Status(403));
        server.state().fault("GET /1c-api/v1/receipts", Fault::EchoEscaped(500));
    }
    let f = fixture(&server, &format!("every = \"1h\"\nsettle = \"0s\"\n{CANONICAL_TARGET}"));
    let status = f.run_until_idle(Duration::from_secs(60));
    assert_eq!(status.code(), Some(7), "{}", f.logs());
    let (code, log) = pull(&f, &["-vv"]);
    assert_eq!(code, 7, "{log}");
    let journal = fs::read_to_string(f.data().join("pulls.jsonl")).unwrap();
    assert!(journal.contains("\"failed\"") && journal.contains("403"), "{journal}");
    let (_, status_text) = f.status(&[]);
    let (_, status_json) = f.status(&["--json"]);
    assert!(status_text.contains("last error"), "{status_text}");
    for (what, text) in [
        ("the watch log", f.logs()),
        ("the pull log", log),
        ("the pulls' journal", journal),
        ("status", status_text),
        ("status --json", status_json),
    ] {
        assert_holds_no_secret(what, &text);
    }
}

/// `write-empty = true`: a period without receipts still gives 1C a report (an empty one).
#[test]
fn write_empty_writes_a_report_without_sales() {
    let server = server();
    let f = fixture(&server, "every = \"1h\"\nsettle = \"0s\"\nwrite-empty = true\n[[pull.target]]\nformat = \"atol-report\"\noutbox = \"1c\"\n");
    let next = day().succ_opt().unwrap();
    let (code, log) = pull(&f, &["--from", &format!("{next} 12:30:00"), "--to", &format!("{next} 12:31:00")]);
    assert_eq!(code, 0, "{log}");
    let name = format!("sales-{}-123000-{}-123100.txt", next.format("%Y%m%d"), next.format("%Y%m%d"));
    assert_eq!(list(&f.path("1c")), std::slice::from_ref(&name));
    let text = fs::read(f.path("1c").join(&name)).unwrap();
    assert!(text.starts_with(b"#"), "an ATOL report: {:?}", String::from_utf8_lossy(&text));
    assert_eq!(
        String::from_utf8_lossy(&text).lines().count(),
        3,
        "the header only: {:?}",
        String::from_utf8_lossy(&text)
    );
}

/// A broken answer (a truncated download, in Windows-1251) is the service's failure: nothing is
/// written, the cursor stays, and the period is delivered once the answer is whole.
#[test]
fn a_truncated_answer_writes_nothing_and_the_period_comes_later() {
    let server = server();
    {
        let mut st = server.state();
        st.held_receipts = None;
        st.receipts_xml = fs::read(root().join("samples/kassatka-receipts/hostile-truncated.xml")).unwrap();
    }
    let f = fixture(&server, &format!("every = \"1h\"\nsettle = \"0s\"\nmax-period = \"1d\"\n{CANONICAL_TARGET}"));
    let (code, log) = pull(&f, &[]);
    assert_eq!(code, 7, "{log}");
    assert!(log.contains("kassatka-receipts → canonical-json"), "{log}");
    assert!(every_file(&f.path("pulled")).is_empty(), "nothing written, no staging file left");
    assert!(every_file(&f.data()).iter().all(|n| !n.ends_with(".partial")));
    assert!(status_json(&f)["pulls"][0]["cursor"].is_null());
    // The service sends whole answers again (a Windows-1251 one): the same period comes through.
    server.state().receipts_xml = fs::read(root().join("samples/kassatka-receipts/hostile-cp1251.xml")).unwrap();
    let (code, log) = pull(&f, &["--from", &day().to_string(), "--to", &day().succ_opt().unwrap().to_string()]);
    assert_eq!(code, 0, "{log}");
    let got = delivered(&f.path("pulled"));
    assert!(!got.is_empty() && got.values().all(|(n, _)| *n == 1), "{got:?}");
    assert_eq!(status_json(&f)["pulls"][0]["cursor"], format!("{} 00:00:00", day().succ_opt().unwrap()));
}
