//! The drop folder in Russian (`lang = "ru"` in its configuration, no `--lang`, no
//! `KASSA_BRIDGE_LANG`: a service started without a locale) and in English: the `.error.txt`
//! report of a broken file and `status`, as snapshots with time stamps, hashes and paths
//! normalised. Read them: the Russian must read as a 1C specialist writes.

mod watch_common;

use std::fs;
use std::process::Command;
use std::time::Duration;

use watch_common::*;

/// Replaces what changes from run to run: the temporary folder, time stamps, dates and times,
/// SHA-256 hashes.
fn stable(text: &str, f: &Fixture) -> String {
    let text = with_placeholder(text, f.dir.path(), "<TMP>");
    let text = normalize(&text);
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let digits =
        |from: usize, n: usize| from + n <= chars.len() && chars[from..from + n].iter().all(char::is_ascii_digit);
    while i < chars.len() {
        // 2026-12-01 10:15:00 / 01.12.2026 10:15:00
        let iso = digits(i, 4)
            && chars.get(i + 4) == Some(&'-')
            && digits(i + 5, 2)
            && chars.get(i + 7) == Some(&'-')
            && digits(i + 8, 2);
        let russian = digits(i, 2)
            && chars.get(i + 2) == Some(&'.')
            && digits(i + 3, 2)
            && chars.get(i + 5) == Some(&'.')
            && digits(i + 6, 4);
        if iso || russian {
            out.push_str("<DATE>");
            i += 10;
            if chars.get(i) == Some(&' ') && digits(i + 1, 2) && chars.get(i + 3) == Some(&':') {
                out.push_str(" <TIME>");
                i += 9;
            }
            continue;
        }
        let hex =
            i + 64 <= chars.len() && chars[i..i + 64].iter().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        if hex {
            out.push_str("<SHA256>");
            i += 64;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Runs the drop folder once over a broken file; returns (the report, `status`).
fn broken_file_report_and_status(lang: &str) -> (String, String) {
    let f = Fixture::new(&format!("lang = \"{lang}\""), "");
    drop_file(&f.inbox(), "goods.xml", bad_xml(1).as_bytes());
    let status = f.run_to_end(
        {
            let mut c = f.command(&["--exit-when-idle"]);
            c.env_remove("KASSA_BRIDGE_LANG");
            c
        },
        Duration::from_secs(60),
    );
    assert!(status.success(), "{}", f.logs());
    let report = list(&f.path("error")).into_iter().find(|n| n.ends_with(".error.txt")).expect("a report");
    let text = fs::read_to_string(f.path("error").join(report)).unwrap();
    let out = Command::new(BIN)
        .arg("status")
        .arg("--config")
        .arg(&f.config)
        .env_remove("KASSA_BRIDGE_LANG")
        .output()
        .unwrap();
    assert!(out.status.success());
    (stable(&text, &f), stable(&String::from_utf8_lossy(&out.stdout), &f))
}

#[test]
fn the_error_report_and_status_in_russian() {
    let (report, status) = broken_file_report_and_status("ru");
    insta::assert_snapshot!("error_report_ru", report);
    insta::assert_snapshot!("status_ru", status);
}

#[test]
fn the_error_report_and_status_in_english() {
    let (report, status) = broken_file_report_and_status("en");
    insta::assert_snapshot!("error_report_en", report);
    insta::assert_snapshot!("status_en", status);
}
