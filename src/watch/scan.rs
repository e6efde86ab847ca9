//! Inbox scanning and the completeness check. A full listing is the source of truth (events only
//! make it come sooner). A file is ready when it is complete:
//! - with a flag file configured: when its flag exists;
//! - otherwise: size and modification time unchanged for `stable-checks` listings at least
//!   `check-interval` apart, at least `min-age` old and at least `min-size` bytes long.
//!
//! Files of one package (the registry's `package` hook: CommerceML's `import*.xml`,
//! `offers*.xml`, `prices*.xml`, `rests*.xml` … with the same key in their names) are one job
//! once every one of them is ready and, judged by content, they make a whole package (goods and
//! their offers); until then they wait, at most `pair-wait`, then go with the parts that are ready.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use super::config::{Route, Timings};
use super::pattern::{self, Pattern};
use crate::tr;

#[derive(Debug)]
struct Track {
    size: u64,
    mtime: Option<SystemTime>,
    /// When the current size and time were first seen.
    since: Instant,
    /// Listings that saw them unchanged since.
    unchanged: u32,
    /// When the file was first found ready.
    ready_since: Option<Instant>,
}

/// What is ready to take, in name order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    One(String),
    /// The files of one package, in name order.
    Package(Vec<String>),
}

impl Ready {
    pub fn names(&self) -> Vec<&str> {
        match self {
            Ready::One(a) => vec![a],
            Ready::Package(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Default)]
pub struct ScanResult {
    pub ready: Vec<Ready>,
    /// Files still being checked (or waiting for the rest of their package): more to come.
    pub pending: usize,
    /// Flag files present (names), to delete once their files are taken.
    pub flags: HashSet<String>,
}

/// The files of one inbox being watched.
#[derive(Debug, Default)]
pub struct Inbox {
    tracks: BTreeMap<String, Track>,
    /// Whether a package's ready files make it whole, judged once per set of files (reading
    /// their content every listing would cost too much).
    complete: HashMap<Vec<String>, bool>,
    /// The last listing error, so it is reported once, not every second.
    pub last_error: Option<String>,
}

impl Inbox {
    /// Lists the inbox and judges every file. `Err` when the inbox cannot be listed.
    pub fn scan(&mut self, route: &Route, timings: &Timings, ignore: &[Pattern]) -> io::Result<ScanResult> {
        let now = Instant::now();
        let wall = SystemTime::now();
        let flag_matcher = route.flag_file.as_ref().map(|f| f.matcher());
        let mut result = ScanResult::default();
        let mut seen: HashSet<String> = HashSet::new();
        for entry in fs::read_dir(&route.inbox)? {
            let entry = match entry {
                Ok(e) => e,
                Err(_) => continue,
            };
            let Ok(name) = entry.file_name().into_string() else {
                tracing::warn!(route = %route.name, name = ?entry.file_name(), "{}", tr!("watch-name-not-unicode"));
                continue;
            };
            if pattern::is_ignored(&name, ignore) {
                continue;
            }
            if flag_matcher.as_ref().is_some_and(|m| m.matches(&name)) {
                result.flags.insert(name);
                continue;
            }
            if !route.patterns.iter().any(|p| p.matches(&name)) {
                continue;
            }
            // Follows links: a link to a file is a file.
            let meta = match fs::metadata(entry.path()) {
                Ok(m) if m.is_file() => m,
                _ => continue,
            };
            let (size, mtime) = (meta.len(), meta.modified().ok());
            seen.insert(name.clone());
            let track = self.tracks.entry(name).or_insert_with(|| Track {
                size,
                mtime,
                since: now,
                unchanged: 0,
                ready_since: None,
            });
            if track.size != size || track.mtime != mtime {
                *track = Track { size, mtime, since: now, unchanged: 0, ready_since: None };
            } else if now > track.since {
                track.unchanged += 1;
            }
        }
        self.tracks.retain(|name, _| {
            let kept = seen.contains(name);
            if !kept {
                tracing::debug!(route = %route.name, file = %name, "left the inbox before it was taken");
            }
            kept
        });

        let fixed_flag = route.flag_file.as_ref().filter(|f| f.is_fixed()).map(|f| f.for_file(""));
        let mut ready: Vec<String> = Vec::new();
        for (name, track) in self.tracks.iter_mut() {
            let complete = match &route.flag_file {
                Some(flag) => match &fixed_flag {
                    Some(fixed) => result.flags.contains(fixed),
                    None => result.flags.contains(&flag.for_file(name)),
                },
                None => {
                    let age = track
                        .mtime
                        .and_then(|m| wall.duration_since(m).ok())
                        .unwrap_or_default()
                        .max(now.duration_since(track.since));
                    let stable_for = timings.check_interval * timings.stable_checks;
                    let stable =
                        track.unchanged >= timings.stable_checks && now.duration_since(track.since) >= stable_for;
                    if track.size < timings.min_size {
                        // Empty (or too short): left in the inbox, not waited for.
                        continue;
                    }
                    stable && age >= timings.min_age
                }
            };
            if complete {
                track.ready_since.get_or_insert(now);
                ready.push(name.clone());
            } else if route.flag_file.is_none() {
                result.pending += 1;
            }
        }

        self.group_packages(route, timings, now, &ready, &mut result);
        Ok(result)
    }

    /// Turns the ready files into jobs: a file alone, or the files of one package together.
    fn group_packages(
        &mut self,
        route: &Route,
        timings: &Timings,
        now: Instant,
        ready: &[String],
        result: &mut ScanResult,
    ) {
        let mut taken: HashSet<&str> = HashSet::new();
        for name in ready {
            if taken.contains(name.as_str()) {
                continue;
            }
            let Some((package, key)) = route.package_of(name) else {
                result.ready.push(Ready::One(name.clone()));
                continue;
            };
            let members: Vec<&String> =
                self.tracks.keys().filter(|other| route.package_of(other).is_some_and(|(_, k)| k == key)).collect();
            let ready_members: Vec<String> =
                members.iter().filter(|m| ready.contains(m)).map(|m| m.to_string()).collect();
            let all_ready = ready_members.len() == members.len();
            let whole = all_ready
                && *self.complete.entry(ready_members.clone()).or_insert_with(|| {
                    let paths: Vec<PathBuf> = ready_members.iter().map(|m| route.inbox.join(m)).collect();
                    (package.complete)(&paths)
                });
            let first_ready = ready_members.iter().filter_map(|m| self.tracks[m].ready_since).min();
            let waited = first_ready.map_or(Duration::ZERO, |t| now.duration_since(t));
            if !whole && waited < timings.pair_wait {
                result.pending += ready_members.len();
                taken.extend(ready.iter().filter(|r| ready_members.contains(r)).map(String::as_str));
                continue;
            }
            if !whole {
                tracing::info!(route = %route.name, files = %ready_members.join(" + "),
                    "{}", tr!("watch-package-incomplete"));
            }
            taken.extend(ready.iter().filter(|r| ready_members.contains(r)).map(String::as_str));
            result.ready.push(match ready_members.as_slice() {
                [one] => Ready::One(one.clone()),
                _ => Ready::Package(ready_members),
            });
        }
    }

    /// Forgets a file (taken, or found changed at the last moment).
    pub fn forget(&mut self, name: &str) {
        self.tracks.remove(name);
        self.complete.retain(|names, _| !names.iter().any(|n| n == name));
    }

    /// The size and time the file was judged complete with, to check it again just before taking it.
    pub fn judged(&self, name: &str) -> Option<(u64, Option<SystemTime>)> {
        self.tracks.get(name).map(|t| (t.size, t.mtime))
    }
}
