//! The drop folder end to end: real folders, the real binary as a child process, millisecond
//! timings from the configuration.

mod watch_common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use watch_common::*;

const LIMIT: Duration = Duration::from_secs(20);

/// `kassa-bridge init && kassa-bridge watch` with the built-in defaults: the seed nomenclature
/// dropped into the inbox is in the outbox within the stability window (3 × 1 s) plus a second;
/// SIGTERM ends the watcher cleanly.
#[test]
fn init_then_watch_converts_a_dropped_file_within_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let init = Command::new(BIN).arg("init").current_dir(dir.path()).output().unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    assert!(dir.path().join("kassa-bridge.toml").is_file());
    let again = Command::new(BIN).arg("init").current_dir(dir.path()).output().unwrap();
    assert_eq!(again.status.code(), Some(2), "init must not overwrite a configuration");
    let inbox = dir.path().join("kassa-bridge-data/inbox");
    let outbox = dir.path().join("kassa-bridge-data/outbox");
    assert!(inbox.is_dir() && outbox.is_dir());

    let log = fs::File::create(dir.path().join("watch.log")).unwrap();
    let mut child = Command::new(BIN).arg("watch").current_dir(dir.path()).stderr(log).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let seed = fs::read(root().join("samples/kassatka-xml/seed-nomenclature.xml")).unwrap();
    let start = Instant::now();
    fs::write(inbox.join("seed-nomenclature.xml"), &seed).unwrap();
    let output = outbox.join("seed-nomenclature.xml");
    let arrived = wait_for(Duration::from_secs(8), || output.exists());
    let elapsed = start.elapsed();
    terminate(&child);
    let status = wait_with_limit(&mut child, Duration::from_secs(5)).expect("SIGTERM stops the watcher");
    let log = fs::read_to_string(dir.path().join("watch.log")).unwrap();
    assert!(arrived, "no output; log:\n{log}");
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?} (window 3 s + 1 s); log:\n{log}");
    assert!(status.success(), "exit {status:?}; log:\n{log}");
    assert!(log.contains("stopped"), "{log}");
    assert_eq!(fs::read(&output).unwrap(), expected(&seed, "seed-nomenclature.xml", "kassatka-xml"));
    assert_eq!(list(&inbox), Vec::<String>::new());
    let done = list(&dir.path().join("kassa-bridge-data/done"));
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(normalize(&done[0]), "seed-nomenclature.<TS>.xml");
}

/// One cycle over a mixed inbox, as directory trees before and after.
#[test]
fn a_cycle_sorts_the_inbox_into_outbox_done_and_error() {
    let f = Fixture::new("", "");
    let inbox = f.inbox();
    let seed = fs::read(root().join("samples/kassatka-xml/seed-nomenclature.xml")).unwrap();
    drop_file(&inbox, "goods.xml", &seed);
    drop_file(&inbox, "same-goods.xml", &seed); // same content, converted later: a repeat
    drop_file(&inbox, "bad-price.xml", bad_xml(7).as_bytes());
    drop_file(&inbox, "notes.txt", b"just some text\n");
    fs::write(inbox.join("upload.xml.tmp"), &seed).unwrap(); // a producer's temporary name
    fs::write(inbox.join("~$price.xlsx"), b"lock").unwrap();
    fs::write(inbox.join(".hidden.xml"), &seed).unwrap();
    fs::write(inbox.join("empty.xml"), b"").unwrap(); // waits: shorter than min-size
    insta::assert_snapshot!("cycle_before", f.tree());

    let status = f.run_until_idle(LIMIT);
    assert!(status.success(), "{}", f.logs());
    insta::assert_snapshot!("cycle_after", f.tree());

    assert_eq!(fs::read(f.path("outbox/goods.xml")).unwrap(), expected(&seed, "goods.xml", "kassatka-xml"));
    let reports: Vec<String> = list(&f.path("error")).into_iter().filter(|n| n.ends_with(".error.txt")).collect();
    let bad = reports.iter().find(|n| n.starts_with("bad-price")).expect("a report for bad-price.xml");
    let text = normalize(&fs::read_to_string(f.path("error").join(bad)).unwrap());
    let text = with_placeholder(&text, &f.data(), "<DATA>");
    let text: String = text.lines().filter(|l| !l.starts_with("route:")).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("bad_price_report", text);

    // The same content again, later, under a third name: still no second output.
    drop_file(&inbox, "goods-third.xml", &seed);
    assert!(f.run_until_idle(LIMIT).success());
    assert_eq!(list(&f.path("outbox")), ["goods.xml"]);
    let repeats: Vec<String> = list(&f.path("done")).into_iter().filter(|n| n.contains(".repeat.")).collect();
    assert_eq!(repeats.len(), 2, "{repeats:?}");

    let (code, text) = f.status(&[]);
    assert_eq!(code, 0);
    assert!(text.contains("1 converted, 2 repeats, 2 failed"), "{text}");
    assert!(text.contains("bad-price.xml: bad-price.xml: line 5"), "{text}");
    let (code, json) = f.status(&["--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["routes"][0]["converted"], 1);
    assert_eq!(v["routes"][0]["failed"], 2);
}

/// A file written slowly in chunks is not taken before it is complete.
#[test]
fn a_file_written_slowly_is_taken_only_when_complete() {
    let f = Fixture::new("check-interval = \"100ms\"\nstable-checks = 3\n", "");
    let mut child = f.spawn(&[]);
    let content = many_goods_xml(200);
    let bytes = content.as_bytes();
    let path = f.inbox().join("slow.xml");
    let mut file = fs::File::create(&path).unwrap();
    let chunks: Vec<&[u8]> = bytes.chunks(bytes.len() / 12 + 1).collect();
    for chunk in &chunks {
        file.write_all(chunk).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert!(path.exists(), "taken while still being written; logs:\n{}", f.logs());
        assert!(list(&f.path("processing")).is_empty() && list(&f.path("outbox")).is_empty());
    }
    drop(file);
    let output = f.path("outbox/slow.xml");
    let arrived = wait_for(Duration::from_secs(5), || output.exists());
    terminate(&child);
    wait_with_limit(&mut child, Duration::from_secs(5)).expect("stops");
    assert!(arrived, "{}", f.logs());
    assert_eq!(fs::read(&output).unwrap(), expected(bytes, "slow.xml", "kassatka-xml"));
    assert!(list(&f.path("error")).is_empty(), "{}", f.logs());
}

/// An outbox that cannot be written (here: its path is a regular file — the tests run as root,
/// which ignores permissions) keeps the input in processing/, reports the cause, retries with
/// backoff, and converts once the outbox works again.
#[test]
fn a_failing_outbox_keeps_the_file_and_retries() {
    // Retried until the outbox is repaired, however slow this machine (not set aside in error/).
    let f = Fixture::new("max-retries = 100000\n", "");
    let outbox = f.path("outbox");
    fs::remove_dir(&outbox).unwrap();
    fs::write(&outbox, b"not a folder").unwrap();
    let mut child = f.spawn(&[]);
    drop_file(&f.inbox(), "goods.xml", goods_xml(1).as_bytes());
    drop_file(&f.inbox(), "second.xml", goods_xml(2).as_bytes());
    let blocked = wait_for(Duration::from_secs(5), || f.status(&[]).1.contains("BLOCKED"));
    assert!(blocked, "{}", f.logs());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(list(&f.path("processing")), ["goods.xml"], "{}", f.logs());
    assert_eq!(list(&f.inbox()), ["second.xml"], "the next file waits in the inbox");
    assert!(list(&f.path("error")).is_empty());
    let (_, text) = f.status(&[]);
    assert!(text.contains("is not a folder"), "{text}");

    fs::remove_file(&outbox).unwrap();
    fs::create_dir(&outbox).unwrap();
    let converted = wait_for(Duration::from_secs(5), || list(&outbox).len() == 2);
    terminate(&child);
    wait_with_limit(&mut child, Duration::from_secs(5)).expect("stops");
    assert!(converted, "{}", f.logs());
    assert_eq!(list(&outbox), ["goods.xml", "second.xml"]);
    assert!(list(&f.path("processing")).is_empty());
    let logs = f.logs();
    assert!(logs.contains("retry_in") && logs.contains("working again"), "{logs}");
    assert!(!f.status(&[]).1.contains("BLOCKED"));
}

/// A file deleted while it is being checked is forgotten; the watcher carries on.
#[test]
fn a_file_deleted_while_checking_is_forgotten() {
    let f = Fixture::new("check-interval = \"50ms\"\nstable-checks = 20\n", "");
    let mut child = f.spawn(&[]);
    drop_file(&f.inbox(), "gone.xml", goods_xml(1).as_bytes());
    // Deleted once the watcher has listed it (a process starts slowly under Wine), well within
    // the 1 s it must stay unchanged.
    assert!(wait_for(LIMIT, || f.logs().contains("watching")), "{}", f.logs());
    std::thread::sleep(Duration::from_millis(300));
    fs::remove_file(f.inbox().join("gone.xml")).unwrap();
    drop_file(&f.inbox(), "kept.xml", goods_xml(2).as_bytes());
    let converted = wait_for(Duration::from_secs(5), || f.path("outbox/kept.xml").exists());
    std::thread::sleep(Duration::from_millis(100));
    terminate(&child);
    let status = wait_with_limit(&mut child, Duration::from_secs(5)).expect("stops");
    assert!(converted && status.success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["kept.xml"]);
    assert!(list(&f.path("error")).is_empty() && list(&f.path("processing")).is_empty());
    assert!(f.logs().contains("left the inbox before it was taken"), "{}", f.logs());
}

/// CommerceML import + offers dropped together are one catalogue; an import alone is converted
/// alone after pair-wait.
#[test]
fn a_commerceml_pair_is_converted_as_one_catalogue() {
    let f = Fixture::new("", "name = \"cml\"\ninbox = \"inbox\"\n[[route.target]]\nformat = \"canonical-json\"\n");
    let import = fs::read(root().join("samples/commerceml/import.xml")).unwrap();
    let offers = fs::read(root().join("samples/commerceml/offers.xml")).unwrap();
    drop_file(&f.inbox(), "import.xml", &import);
    std::thread::sleep(Duration::from_millis(100)); // the offers come a little later
    drop_file(&f.inbox(), "offers.xml", &offers);
    assert!(f.run_until_idle(LIMIT).success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["import.json"], "{}", f.logs());
    let json = fs::read_to_string(f.path("outbox/import.json")).unwrap();
    assert!(json.contains("\"prices\""), "the offers' prices are in the catalogue");
    assert_eq!(list(&f.path("done")).len(), 2);

    // The import alone (different content: a one-file job) goes alone after pair-wait.
    let alone = fs::read(root().join("samples/commerceml/import-only.xml")).unwrap();
    drop_file(&f.inbox(), "import_2.xml", &alone);
    let start = Instant::now();
    assert!(f.run_until_idle(LIMIT).success(), "{}", f.logs());
    assert!(start.elapsed() >= Duration::from_millis(300), "waited pair-wait for its partner");
    assert!(f.path("outbox/import_2.json").exists(), "{}", f.logs());
}

/// 1C's newer exchange: five `___` parts (classifier, goods, offers, prices, stock) dropped
/// together are one job, merged by Ид into one catalogue.
#[test]
fn a_package_of_five_parts_is_one_job() {
    let f = Fixture::new("", "name = \"cml\"\ninbox = \"inbox\"\n[[route.target]]\nformat = \"canonical-json\"\n");
    let dir = root().join("samples/commerceml/package-parts");
    let parts = [
        "import___0a1b2c3d-classifier.xml",
        "goods/1/import___5e6f7a8b-goods.xml",
        "goods/1/offers___9c0d1e2f-offers.xml",
        "goods/1/prices___3a4b5c6d-prices.xml",
        "goods/1/rests___7e8f9a0b-rests.xml",
    ];
    for part in parts {
        let name = Path::new(part).file_name().unwrap().to_string_lossy().into_owned();
        drop_file(&f.inbox(), &name, &fs::read(dir.join(part)).unwrap());
    }
    assert!(f.run_until_idle(LIMIT).success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["import___0a1b2c3d-classifier.json"], "{}", f.logs());
    assert_eq!(list(&f.path("done")).len(), 5, "{}", f.logs());
    let json = fs::read_to_string(f.path("outbox/import___0a1b2c3d-classifier.json")).unwrap();
    for expected in
        ["\"amount\": \"5490\"", "\"Количество\": \"25\"", "\"SN175060009539\"", "\"deleted\": true", "Обувь"]
    {
        assert!(json.contains(expected), "{expected} is not in the catalogue:\n{json}");
    }
}

/// With a flag file configured a file is taken only after its flag appears; the flag is removed.
#[test]
fn a_flag_file_releases_its_file() {
    let f = Fixture::new(
        "",
        "name = \"atol\"\ninbox = \"inbox\"\nflag-file = \"{name}.flag\"\n[[route.target]]\nformat = \"json\"\n",
    );
    let mut child = f.spawn(&[]);
    drop_file(&f.inbox(), "goods.xml", goods_xml(3).as_bytes());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(list(&f.inbox()), ["goods.xml"], "not taken without its flag");
    fs::write(f.inbox().join("goods.xml.flag"), b"").unwrap();
    let converted = wait_for(Duration::from_secs(5), || f.path("outbox/goods.json").exists());
    std::thread::sleep(Duration::from_millis(100));
    terminate(&child);
    wait_with_limit(&mut child, Duration::from_secs(5)).expect("stops");
    assert!(converted, "{}", f.logs());
    assert!(list(&f.inbox()).is_empty(), "the flag is removed: {:?}", list(&f.inbox()));
}

/// Two targets per route; an output name taken by another input gets a time stamp.
#[test]
fn two_targets_and_a_name_collision() {
    let f = Fixture::new(
        "",
        "name = \"two\"\ninbox = \"inbox\"\n[[route.target]]\nformat = \"bifit-csv\"\n[route.target.write]\n\
         encoding = \"utf-8\"\n[[route.target]]\nformat = \"json\"\n",
    );
    drop_file(&f.inbox(), "goods.xml", goods_xml(1).as_bytes());
    assert!(f.run_until_idle(LIMIT).success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["goods.csv", "goods.json"]);
    drop_file(&f.inbox(), "goods.xml", goods_xml(2).as_bytes());
    assert!(f.run_until_idle(LIMIT).success(), "{}", f.logs());
    let names: Vec<String> = list(&f.path("outbox")).iter().map(|n| normalize(n)).collect();
    assert_eq!(names, ["goods.<TS>.csv", "goods.<TS>.json", "goods.csv", "goods.json"]);
}

/// Unknown keys are rejected with their line; the exit code is 2.
#[test]
fn an_unknown_key_is_rejected_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kb.toml");
    fs::write(
        &config,
        "data-dir = \"d\"\n\n[[route]]\ninbox = \"in\"\noutbx = \"out\"\n[[route.target]]\nformat = \"json\"\n",
    )
    .unwrap();
    let out = Command::new(BIN).args(["watch", "--exit-when-idle", "--config"]).arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 5") && err.contains("outbx"), "{err}");
    let out = Command::new(BIN).args(["status", "--config"]).arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `--log-format json` writes one JSON object per line.
#[test]
fn json_logs() {
    let f = Fixture::new("", "");
    drop_file(&f.inbox(), "goods.xml", goods_xml(1).as_bytes());
    let out = Command::new(BIN)
        .args(["watch", "--exit-when-idle", "--log-format", "json", "--config"])
        .arg(&f.config)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let events: Vec<serde_json::Value> = err.lines().map(|l| serde_json::from_str(l).expect(l)).collect();
    assert!(events.iter().any(|e| e["message"] == "converted" && e["file"] == "goods.xml"), "{err}");
}

/// `--poll`: no file-system events, the periodic listing alone finds the file.
#[test]
fn poll_mode_finds_files_without_events() {
    let f = Fixture::new("", "");
    let mut child = f.spawn(&["--poll"]);
    std::thread::sleep(Duration::from_millis(100));
    drop_file(&f.inbox(), "goods.xml", goods_xml(5).as_bytes());
    let converted = wait_for(Duration::from_secs(5), || f.path("outbox/goods.xml").exists());
    terminate(&child);
    wait_with_limit(&mut child, Duration::from_secs(5)).expect("stops");
    assert!(converted, "{}", f.logs());
    assert!(f.logs().contains("poll=true"), "{}", f.logs());
}

/// `kassa-bridge stop` finds the watcher of a data folder through its lock and stops it cleanly
/// (SIGTERM on Unix, the watcher's event on Windows); with none running it says so and exits 0.
#[test]
fn stop_asks_the_watcher_of_the_data_folder_to_exit() {
    let f = Fixture::new("", "");
    let stop = || Command::new(BIN).args(["stop", "--wait", "20s", "--config"]).arg(&f.config).output().unwrap();
    let idle = stop();
    assert_eq!(idle.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&idle.stderr).contains("no watcher runs on the data folder"));

    let mut child = f.spawn(&[]);
    let pid = child.id().to_string();
    let lock = f.path("watch.lock");
    assert!(wait_for(LIMIT, || fs::read_to_string(&lock).is_ok_and(|t| t.trim() == pid)), "{}", f.logs());
    drop_file(&f.inbox(), "goods.xml", goods_xml(3).as_bytes());
    assert!(wait_for(LIMIT, || f.path("outbox/goods.xml").exists()), "{}", f.logs());
    // The watcher listens for `stop` from its start on; on Windows that is a moment after the lock.
    std::thread::sleep(Duration::from_millis(300));
    let out = stop();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}; logs: {}", f.logs());
    assert!(said.contains(&format!("asked the watcher (pid {pid})")) && said.contains("has stopped"), "{said}");
    let status = wait_with_limit(&mut child, LIMIT).expect("the watcher exits");
    assert!(status.success(), "{status:?}; logs: {}", f.logs());
    assert!(f.logs().contains("stopped"), "{}", f.logs());
    assert_eq!(fs::read_to_string(&lock).unwrap(), "", "a clean stop");
}

/// `--log-dir`: the log goes to a dated file there (the Windows service's log), not to stderr.
#[test]
fn log_dir_writes_the_log_to_a_daily_file() {
    let f = Fixture::new("", "");
    drop_file(&f.inbox(), "goods.xml", goods_xml(6).as_bytes());
    let logs = f.dir.path().join("logs");
    // The file is named by the UTC date (a run may cross midnight).
    let day = || chrono::Utc::now().format("%Y-%m-%d").to_string();
    let before = day();
    let out = Command::new(BIN)
        .args(["watch", "--exit-when-idle", "--config"])
        .arg(&f.config)
        .arg("--log-dir")
        .arg(&logs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "nothing on stderr");
    let files = list(&logs);
    let named = |d: &str| files == [format!("kassa-bridge.{d}.log")];
    assert!(named(&before) || named(&day()), "{files:?}");
    let text = fs::read_to_string(logs.join(&files[0])).unwrap();
    assert!(text.contains("converted") && text.contains("goods.xml") && !text.contains('\u{1b}'), "{text}");
}
