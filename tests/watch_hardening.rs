//! The drop folder against what would stop it: a second watcher on the same data folder, an
//! output that never fits, a file that crashes the converter, a journal that grows for ever. And
//! failure messages that name the file they failed on. The real binary, as a child process.

mod watch_common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local};
use kassa_bridge::watch::fsutil::sha256_file;
use kassa_bridge::watch::journal::{read_entries, Entry, Event, InputRef, Journal};
use watch_common::*;

const LIMIT: Duration = Duration::from_secs(30);

/// Bigger than the file-size limit below once converted; the limit leaves room for the rest
/// (journal, error report, log).
#[cfg(unix)]
const FILE_SIZE_LIMIT: u64 = 128 * 1024;
#[cfg(unix)]
const BIG_PRODUCTS: usize = 3000;

/// Journal entries written by hand, as an earlier run would have left them.
fn write_journal(f: &Fixture, entries: Vec<Entry>) {
    let mut journal = Journal::open(&f.path("journal.jsonl")).unwrap();
    for e in entries {
        journal.append(e).unwrap();
    }
}

/// An entry of the default route at `at` for the input `name` whose content is `path`'s.
fn entry_for(at: DateTime<Local>, name: &str, content: &Path, event: Event) -> Entry {
    let sha256 = sha256_file(content).unwrap();
    Entry {
        at,
        route: "default".into(),
        key: sha256.clone(),
        inputs: vec![InputRef { name: name.into(), sha256 }],
        event,
    }
}

fn started(f: &Fixture, at: DateTime<Local>, name: &str, content: &Path) -> Entry {
    let output = f.path("outbox").join(name);
    entry_for(at, name, content, Event::Started { outputs: vec![output] })
}

fn done(f: &Fixture, at: DateTime<Local>, name: &str, content: &Path) -> Entry {
    let event = Event::Done {
        outputs: vec![f.path("outbox").join(name)],
        moved_to: vec![f.path("done").join(name)],
        records: 2,
        warnings: 0,
        uploads: vec![],
    };
    entry_for(at, name, content, event)
}

/// The one report in error/ for `stem`, and the file beside it.
fn error_report(f: &Fixture, stem: &str) -> String {
    let names = list(&f.path("error"));
    let kept: Vec<&String> = names.iter().filter(|n| n.starts_with(stem) && !n.ends_with(".error.txt")).collect();
    assert_eq!(kept.len(), 1, "{names:?}; logs: {}", f.logs());
    fs::read_to_string(f.path("error").join(format!("{}.error.txt", kept[0]))).unwrap()
}

#[test]
fn a_second_watcher_on_the_data_folder_is_refused_until_the_first_is_gone() {
    let f = Fixture::new("", "");
    let lock = f.path("watch.lock");
    let mut first = f.spawn(&[]);
    let pid = first.id().to_string();
    let holds = wait_for(LIMIT, || fs::read_to_string(&lock).is_ok_and(|t| t.trim() == pid));
    assert!(holds, "the lock does not name {pid}; logs: {}", f.logs());

    let second = f.run_until_idle(LIMIT);
    assert_eq!(second.code(), Some(6), "logs: {}", f.logs());
    let logs = f.logs();
    assert!(logs.contains(&format!("(pid {pid}) is using the data folder")), "{logs}");
    assert!(logs.contains("one watcher per data folder"), "{logs}");

    // SIGKILL: the lock file still names the dead watcher, but nobody holds its lock.
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(fs::read_to_string(&lock).unwrap().trim(), pid);
    let mut third = f.spawn(&[]);
    drop_file(&f.inbox(), "goods.xml", goods_xml(1).as_bytes());
    let converted = wait_for(LIMIT, || f.path("outbox/goods.xml").exists());
    terminate(&third);
    let stopped = wait_with_limit(&mut third, LIMIT).expect("SIGTERM stops the watcher");
    assert!(converted && stopped.success(), "{stopped:?}; logs: {}", f.logs());
    let logs = f.logs();
    assert!(logs.contains("took over the lock") && logs.contains(&format!("pid={pid}")), "{logs}");
    assert_eq!(fs::read_to_string(&lock).unwrap(), "", "a clean stop leaves nothing to take over");
}

/// An output too big for its disk (here: for the file-size limit, which fails a write the way a
/// full disk does) is retried `max-retries` times, then its input goes to error/ with the reason
/// — naming the file that could not be written — and the route goes on.
#[test]
#[cfg(unix)]
fn an_output_that_never_fits_goes_to_error_after_the_retries() {
    let f = Fixture::new("max-retries = 2\n", "");
    drop_file(&f.inbox(), "big.xml", many_goods_xml(BIG_PRODUCTS).as_bytes());
    let mut command = f.command(&["--exit-when-idle"]);
    limit_file_size(&mut command, FILE_SIZE_LIMIT);
    let status = f.run_to_end(command, LIMIT);
    assert!(status.success(), "{status:?}; logs: {}", f.logs());

    let report = error_report(&f, "big.");
    assert!(report.contains("in 3 tries (max-retries = 2)"), "{report}");
    assert!(report.contains("File too large"), "{report}");
    let outbox = f.path("outbox").display().to_string();
    assert!(report.contains(&format!("{outbox}/.big.xml.")), "the report names the file written: {report}");
    assert!(!report.contains("<output>"), "{report}");
    assert_eq!(list(&f.path("outbox")), Vec::<String>::new(), "no output, no staging file left");
    assert_eq!(list(&f.path("processing")), Vec::<String>::new());
    assert_eq!(f.logs().matches("the file waits in processing/").count(), 2, "{}", f.logs());

    // The route is not blocked: the next file is converted.
    drop_file(&f.inbox(), "small.xml", goods_xml(1).as_bytes());
    let mut command = f.command(&["--exit-when-idle"]);
    limit_file_size(&mut command, FILE_SIZE_LIMIT);
    assert!(f.run_to_end(command, LIMIT).success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["small.xml"]);
}

/// `convert` names the output it could not write (writers report `<output>`).
#[test]
#[cfg(unix)]
fn convert_names_the_output_it_could_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.xml");
    fs::write(&input, many_goods_xml(BIG_PRODUCTS)).unwrap();
    let output = dir.path().join("out.json");
    let mut command = std::process::Command::new(BIN);
    command.arg("convert").arg(&input).args(["-t", "json", "-o"]).arg(&output);
    limit_file_size(&mut command, FILE_SIZE_LIMIT);
    let run = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains(&format!("{}: File too large", output.display())), "{stderr}");
    assert!(!stderr.contains("<output>"), "{stderr}");
    assert!(!output.exists());
}

/// A job journaled as `started` twice with nothing after (the program crashed or was killed in
/// both conversions) is set aside in error/ with a report saying so; the next file is converted.
#[test]
fn a_file_that_stopped_the_program_twice_goes_to_error() {
    let f = Fixture::new("", "");
    let crashing = f.path("processing/crash.xml");
    fs::write(&crashing, goods_xml(5)).unwrap();
    let now = Local::now();
    write_journal(&f, vec![started(&f, now, "crash.xml", &crashing), started(&f, now, "crash.xml", &crashing)]);
    drop_file(&f.inbox(), "later.xml", goods_xml(6).as_bytes());

    let status = f.run_until_idle(LIMIT);
    assert!(status.success(), "{status:?}; logs: {}", f.logs());
    let report = error_report(&f, "crash.");
    assert!(report.contains("stopped kassa-bridge 2 times"), "{report}");
    assert!(report.contains("crashed or was killed") && report.contains("max-attempts"), "{report}");
    assert_eq!(list(&f.path("outbox")), ["later.xml"]);
    assert_eq!(list(&f.path("processing")), Vec::<String>::new());
    let (entries, _) = read_entries(&f.path("journal.jsonl")).unwrap();
    let failed: Vec<&Entry> = entries.iter().filter(|e| e.event.name() == "failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].inputs[0].name, "crash.xml");
}

/// One interrupted conversion is redone, and its redo is journaled as a second attempt.
#[test]
fn a_file_interrupted_once_is_redone_as_a_second_attempt() {
    let f = Fixture::new("", "");
    let interrupted = f.path("processing/goods.xml");
    fs::write(&interrupted, goods_xml(7)).unwrap();
    write_journal(&f, vec![started(&f, Local::now(), "goods.xml", &interrupted)]);
    assert!(f.run_until_idle(LIMIT).success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["goods.xml"]);
    assert!(list(&f.path("error")).is_empty(), "{}", f.logs());
    let (entries, _) = read_entries(&f.path("journal.jsonl")).unwrap();
    let events: Vec<&str> = entries.iter().map(|e| e.event.name()).collect();
    assert_eq!(events, ["started", "started", "done"]);
}

/// At start, finished jobs older than `journal-retention` are counted in a summary; what recovery
/// and recent repeats need stays: an interrupted job is redone, content last seen within the
/// retention is a repeat, older content is converted again.
#[test]
fn a_compacted_journal_still_recovers_and_recognises_recent_repeats() {
    let f = Fixture::new("journal-retention = \"30d\"\n", "");
    let old = Local::now() - chrono::Duration::days(60);
    let recent = Local::now() - chrono::Duration::days(1);
    let scratch = tempfile::tempdir().unwrap();
    let content = |name: &str, i: usize| -> PathBuf {
        let path = scratch.path().join(name);
        fs::write(&path, goods_xml(i)).unwrap();
        path
    };
    let (a, c) = (content("a.xml", 1), content("c.xml", 3));
    let b = f.path("processing/b.xml");
    fs::write(&b, goods_xml(2)).unwrap();
    let repeat = Event::Repeat { of: old.to_rfc3339(), moved_to: vec![f.path("done/c2.xml")] };
    write_journal(
        &f,
        vec![
            started(&f, old, "a.xml", &a),
            done(&f, old, "a.xml", &a),
            started(&f, old, "c.xml", &c),
            done(&f, old, "c.xml", &c),
            entry_for(recent, "c2.xml", &c, repeat),
            started(&f, recent, "b.xml", &b),
        ],
    );
    drop_file(&f.inbox(), "a-again.xml", &fs::read(&a).unwrap());
    drop_file(&f.inbox(), "c-again.xml", &fs::read(&c).unwrap());

    let status = f.run_until_idle(LIMIT);
    assert!(status.success(), "{status:?}; logs: {}", f.logs());
    assert!(f.logs().contains("journal compacted"), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["a-again.xml", "b.xml"], "{}", f.logs());
    let done_names: Vec<String> = list(&f.path("done")).iter().map(|n| normalize(n)).collect();
    assert!(done_names.contains(&"c-again.<TS>.repeat.xml".to_string()), "{done_names:?}");

    let (entries, skipped) = read_entries(&f.path("journal.jsonl")).unwrap();
    assert_eq!(skipped, 0);
    assert_eq!(entries[0].event.name(), "compacted");
    let a_key = sha256_file(&a).unwrap();
    assert!(entries.iter().filter(|e| e.key == a_key).all(|e| e.at > recent), "A's old entries are gone");
    assert!(entries.iter().any(|e| e.key == sha256_file(&c).unwrap() && e.at == old), "C's conversion stays");
    // Of the 6 entries written, A's 2 are gone; C's 2 old ones stay.
    assert_eq!(entries.iter().filter(|e| e.at == old).count(), 2, "{entries:?}");
    assert_eq!(entries.iter().filter(|e| e.at == recent).count(), 2, "{entries:?}");
    // status still counts what the summary holds: A (then and now), B, C; C's two repeats.
    let (_, text) = f.status(&[]);
    assert!(text.contains("4 converted, 2 repeats, 0 failed"), "{text}");
}
