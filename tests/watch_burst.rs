//! A burst: 1,000 files written into the inbox of a running watcher at once, one in ten a copy of
//! another's content. Every file is settled, each content converted once, the copies are repeats.

mod watch_common;

use std::collections::HashSet;
use std::fs;
use std::time::{Duration, Instant};

use watch_common::*;

const FILES: usize = 1000;

#[test]
fn a_burst_of_a_thousand_files() {
    let f = Fixture::new("", "");
    let mut child = f.spawn(&[]);
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    let mut contents = HashSet::new();
    for i in 0..FILES {
        let content = if i % 10 == 9 { goods_xml(i - 5) } else { goods_xml(i) };
        contents.insert(content.clone());
        // Written in place (not renamed in): the stability check has to wait for each.
        fs::write(f.inbox().join(format!("b{i:04}.xml")), content).unwrap();
    }
    let written = start.elapsed();
    let settled = wait_for(Duration::from_secs(120), || list(&f.path("done")).len() == FILES);
    let elapsed = start.elapsed();
    terminate(&child);
    let status = wait_with_limit(&mut child, Duration::from_secs(10)).expect("SIGTERM stops the watcher");
    assert!(settled, "{} of {FILES} done after {elapsed:?}", list(&f.path("done")).len());
    assert!(status.success());
    println!(
        "{FILES} files written in {written:?}, all converted or repeated {elapsed:?} after the first ({:.1} ms a file)",
        elapsed.as_secs_f64() * 1000.0 / FILES as f64
    );
    assert!(list(&f.inbox()).is_empty() && list(&f.path("processing")).is_empty());
    assert!(list(&f.path("error")).is_empty());
    let done = list(&f.path("done"));
    let repeats = done.iter().filter(|n| n.contains(".repeat.")).count();
    assert_eq!(repeats, FILES / 10);
    let outbox = list(&f.path("outbox"));
    assert_eq!(outbox.len(), contents.len(), "one output per content");
    assert_eq!(outbox.len(), FILES - repeats);
    let (code, text) = f.status(&[]);
    assert_eq!(code, 0);
    assert!(text.contains(&format!("{} converted, {} repeats, 0 failed", FILES - repeats, repeats)), "{text}");
}
