//! Inbox scanning and the completeness check. A full listing is the source of truth (events only
//! make it come sooner). A file is ready when it is complete:
//! - with a flag file configured: when its flag exists;
//! - otherwise: size and modification time unchanged for `stable-checks` listings at least
//!   `check-interval` apart, at least `min-age` old and at least `min-size` bytes long.
//!
//! CommerceML `import*.xml` and `offers*.xml` (or `prices*.xml`) with the same rest of the name
//! are one job when both are ready; one alone waits `pair-wait`, then goes alone.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use super::config::{Route, Timings};
use super::pattern::{self, Pattern};
use crate::formats::commerceml;

/// What a CommerceML file holds (from its head), for pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Import,
    Offers,
    /// Not CommerceML, or neither part: converted alone.
    Alone,
}

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
    /// The CommerceML part, judged once the file is ready (for this size and time).
    part: Option<Part>,
}

/// What is ready to take, in name order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    One(String),
    /// A CommerceML catalogue: `import`, then `offers`.
    Pair(String, String),
}

impl Ready {
    pub fn names(&self) -> Vec<&str> {
        match self {
            Ready::One(a) => vec![a],
            Ready::Pair(a, b) => vec![a, b],
        }
    }
}

#[derive(Debug, Default)]
pub struct ScanResult {
    pub ready: Vec<Ready>,
    /// Files still being checked (or waiting for their CommerceML partner): more to come.
    pub pending: usize,
    /// Flag files present (names), to delete once their files are taken.
    pub flags: HashSet<String>,
}

/// The files of one inbox being watched.
#[derive(Debug, Default)]
pub struct Inbox {
    tracks: BTreeMap<String, Track>,
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
                tracing::warn!(route = %route.name, name = ?entry.file_name(), "a file name that is not valid Unicode is left alone");
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
                part: None,
            });
            if track.size != size || track.mtime != mtime {
                *track = Track { size, mtime, since: now, unchanged: 0, ready_since: None, part: None };
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

        // Pairing.
        let mut taken: HashSet<String> = HashSet::new();
        for name in &ready {
            if taken.contains(name) {
                continue;
            }
            let part = if route.may_pair() { self.part(route, name) } else { Part::Alone };
            if part == Part::Alone {
                result.ready.push(Ready::One(name.clone()));
                continue;
            }
            let key = pair_key(name).unwrap_or_default();
            let partner = self
                .tracks
                .keys()
                .find(|other| {
                    *other != name && pair_key(other).as_deref() == Some(key.as_str()) && !taken.contains(*other)
                })
                .cloned();
            let partner_ready = partner.as_ref().filter(|p| ready.contains(p)).cloned();
            if let Some(p) = partner_ready {
                let other = self.part(route, &p);
                if (part, other) == (Part::Import, Part::Offers) || (part, other) == (Part::Offers, Part::Import) {
                    let (import, offers) =
                        if part == Part::Import { (name.clone(), p.clone()) } else { (p.clone(), name.clone()) };
                    taken.insert(p);
                    result.ready.push(Ready::Pair(import, offers));
                    continue;
                }
                result.ready.push(Ready::One(name.clone()));
                continue;
            }
            let waited = self.tracks[name].ready_since.map_or(Duration::ZERO, |t| now.duration_since(t));
            if waited >= timings.pair_wait {
                if partner.is_some() {
                    tracing::info!(route = %route.name, file = %name, "its CommerceML partner is still incomplete after pair-wait: converted alone");
                }
                result.ready.push(Ready::One(name.clone()));
            } else {
                result.pending += 1;
            }
        }
        Ok(result)
    }

    /// Forgets a file (taken, or found changed at the last moment).
    pub fn forget(&mut self, name: &str) {
        self.tracks.remove(name);
    }

    /// The size and time the file was judged complete with, to check it again just before taking it.
    pub fn judged(&self, name: &str) -> Option<(u64, Option<SystemTime>)> {
        self.tracks.get(name).map(|t| (t.size, t.mtime))
    }

    fn part(&mut self, route: &Route, name: &str) -> Part {
        let track = self.tracks.get_mut(name).expect("tracked");
        if let Some(part) = track.part {
            return part;
        }
        let part = if pair_key(name).is_some() { cml_part(&route.inbox.join(name)) } else { Part::Alone };
        track.part = Some(part);
        part
    }
}

/// `import0_1.xml` → `0_1.xml`; `Offers.XML` → `.xml`; not a CommerceML part name → `None`.
pub fn pair_key(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    if !lower.ends_with(".xml") {
        return None;
    }
    ["import", "offers", "prices"].iter().find_map(|p| lower.strip_prefix(p)).map(str::to_string)
}

/// The CommerceML part a file holds, from its first 64 KiB.
pub fn cml_part(path: &Path) -> Part {
    let Ok(input) = crate::text::RawInput::open(path) else { return Part::Alone };
    let head = input.head_text();
    if commerceml::sniff(&head) == 0 {
        return Part::Alone;
    }
    match commerceml::role(&head) {
        commerceml::Role::Import => Part::Import,
        commerceml::Role::Offers => Part::Offers,
        commerceml::Role::Unknown => Part::Alone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_keys() {
        assert_eq!(pair_key("import0_1.xml").as_deref(), Some("0_1.xml"));
        assert_eq!(pair_key("Offers0_1.XML").as_deref(), Some("0_1.xml"));
        assert_eq!(pair_key("prices.xml").as_deref(), Some(".xml"));
        assert_eq!(pair_key("goods.xml"), None);
        assert_eq!(pair_key("import.txt"), None);
    }
}
