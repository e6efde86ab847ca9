//! What only Windows does to files, met by the real binary (run under Wine by `.ci/windows`): a
//! file another program holds open cannot be replaced, and a file still open by its writer must
//! not be taken from the inbox. A program that opens a file the way Excel, Notepad or 1C do —
//! sharing reading only — is played by `share_mode(FILE_SHARE_READ)`.
#![cfg(windows)]

mod watch_common;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::windows::fs::OpenOptionsExt;
use std::process::Command;
use std::time::Duration;

use watch_common::*;
use windows_sys::Win32::Storage::FileSystem::FILE_SHARE_READ;

const LIMIT: Duration = Duration::from_secs(30);

/// `convert -o out.xml` while out.xml is open in a reader: released within the wait, the output
/// is replaced; held throughout, the run fails naming the file, and nothing is left behind.
#[test]
fn convert_waits_for_a_reader_of_the_output_then_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("goods.xml");
    fs::write(&input, goods_xml(1)).unwrap();
    let output = dir.path().join("out.json");
    fs::write(&output, "old").unwrap();
    let convert = || {
        let mut command = Command::new(BIN);
        command.arg("convert").arg(&input).args(["-t", "json", "-o"]).arg(&output);
        command
    };

    let reader = OpenOptions::new().read(true).share_mode(FILE_SHARE_READ).open(&output).unwrap();
    let child = convert().spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    drop(reader);
    let run = child.wait_with_output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(fs::read(&output).unwrap(), expected(goods_xml(1).as_bytes(), "goods.xml", "canonical-json"));

    let reader = OpenOptions::new().read(true).share_mode(FILE_SHARE_READ).open(&output).unwrap();
    fs::write(&input, goods_xml(2)).unwrap();
    let run = convert().output().unwrap();
    drop(reader);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains(&output.display().to_string()), "the error names the output: {stderr}");
    assert_eq!(fs::read(&output).unwrap(), expected(goods_xml(1).as_bytes(), "goods.xml", "canonical-json"));
    let left: Vec<String> = list(dir.path()).into_iter().filter(|n| n.ends_with(".partial")).collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// A writer that pauses longer than the stability window with the file still open: the watcher
/// leaves it in the inbox until it is closed, then converts the whole file.
#[test]
fn an_inbox_file_still_open_by_its_writer_waits_until_it_is_closed() {
    let f = Fixture::new("", "");
    let content = many_goods_xml(200);
    let (head, tail) = content.split_at(content.len() / 2);
    let path = f.inbox().join("goods.xml");
    let mut writer = OpenOptions::new().write(true).create_new(true).open(&path).unwrap();
    writer.write_all(head.as_bytes()).unwrap();
    writer.flush().unwrap();

    let mut child = f.spawn(&[]);
    // Many stability windows (20 ms) and listings (50 ms) long.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(list(&f.path("outbox")), Vec::<String>::new(), "taken while open; logs: {}", f.logs());
    assert_eq!(list(&f.path("error")), Vec::<String>::new(), "logs: {}", f.logs());
    assert!(path.exists());

    writer.write_all(tail.as_bytes()).unwrap();
    drop(writer);
    let output = f.path("outbox/goods.xml");
    let arrived = wait_for(LIMIT, || output.exists());
    terminate(&child);
    let stopped = wait_with_limit(&mut child, LIMIT).expect("Ctrl-Break stops the watcher");
    assert!(arrived && stopped.success(), "{stopped:?}; logs: {}", f.logs());
    assert_eq!(fs::read(&output).unwrap(), expected(content.as_bytes(), "goods.xml", "kassatka-xml"));
    assert!(f.logs().contains("still open by the program writing it"), "{}", f.logs());
}

/// Temporary and staging names are known by their names, not by a leading dot (Windows does not
/// hide dotfiles): an Office lock file, a browser download and a copy in progress stay in the
/// inbox untouched while the real file beside them is converted.
#[test]
fn temporary_names_are_left_alone_in_the_inbox() {
    let f = Fixture::new("", "");
    let inbox = f.inbox();
    for name in ["~$goods.xml", "goods.xml.crdownload", "prices.xml.tmp", ".goods.xml.kb1-abc.partial"] {
        fs::write(inbox.join(name), goods_xml(9)).unwrap();
    }
    drop_file(&inbox, "goods.xml", goods_xml(1).as_bytes());
    assert!(f.run_until_idle(LIMIT).success(), "{}", f.logs());
    assert_eq!(list(&f.path("outbox")), ["goods.xml"]);
    assert_eq!(list(&inbox), [".goods.xml.kb1-abc.partial", "goods.xml.crdownload", "prices.xml.tmp", "~$goods.xml"]);
}

/// `service install`, `start`, `status`, `stop`, `uninstall` through the Service Control
/// Manager (Wine's here): the service converts a dropped file, logs to DATA\logs, and a stop
/// ends it cleanly. Needs an administrator (Wine's user is one); elsewhere it says so and passes.
#[test]
fn the_drop_folder_runs_as_a_windows_service() {
    let f = Fixture::new("", "");
    let name = format!("kb-test-{}", std::process::id());
    let service = |args: &[&str]| {
        let out = Command::new(BIN).arg("service").args(args).args(["--name", &name]).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code(), text)
    };
    let config = f.config.to_str().unwrap();
    let (code, text) = service(&["install", "--manual", "--config", config]);
    if code == Some(6) && text.contains("Run as administrator") {
        eprintln!("skipped: not an administrator ({text})");
        return;
    }
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("installed service {name}")), "{text}");
    let (code, text) = service(&["install", "--config", config]);
    assert_eq!(code, Some(6), "{text}");
    assert!(text.contains("exists already"), "{text}");

    let (code, text) = service(&["start"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("is running"), "{text}");
    let (code, text) = service(&["status"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(": running") && text.contains("service run --name") && text.contains(config), "{text}");

    drop_file(&f.inbox(), "goods.xml", goods_xml(4).as_bytes());
    let output = f.path("outbox/goods.xml");
    let arrived = wait_for(LIMIT, || output.exists());
    let (code, text) = service(&["stop"]);
    assert_eq!(code, Some(0), "{text}");
    let logs: String = fs::read_dir(f.path("logs"))
        .map(|d| d.flatten().map(|e| fs::read_to_string(e.path()).unwrap_or_default()).collect())
        .unwrap_or_default();
    let (code, text) = service(&["uninstall"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(arrived, "no output; service log: {logs}");
    assert_eq!(fs::read(&output).unwrap(), expected(goods_xml(4).as_bytes(), "goods.xml", "kassatka-xml"));
    assert!(logs.contains("converted") && logs.contains("stopped"), "{logs}");
    let (code, text) = service(&["status"]);
    assert_eq!(code, Some(6), "{text}");
    assert!(text.contains(&format!("there is no service {name}")), "{text}");
}
