//! When a pull runs (`every = "15m"` or `at = ["06:00", "22:30"]`, local time) and which periods
//! it asks for: `[cursor, now − settle)`, split into periods of at most `max-period`.

use std::time::Duration;

use chrono::{NaiveDateTime, NaiveTime, Timelike};

use crate::i18n::Message;
use crate::msg;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Every so long after the last run began.
    Every(Duration),
    /// At these local times of day, sorted.
    At(Vec<NaiveTime>),
}

/// `chrono`'s duration of a configuration duration (saturating: a century is long enough).
pub fn span(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::days(36_500))
}

/// A local time without its fraction of a second (periods are whole seconds, as the services take them).
pub fn whole_seconds(t: NaiveDateTime) -> NaiveDateTime {
    t.with_nanosecond(0).unwrap_or(t)
}

impl Schedule {
    /// Parses `at` entries: `HH:MM` or `HH:MM:SS`.
    pub fn at(times: &[String]) -> Result<Schedule, Message> {
        let mut parsed = Vec::new();
        for t in times {
            let time = NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(t.trim(), "%H:%M:%S"))
                .map_err(|_| msg!("watch-config-bad-time", time = format!("{t:?}")))?;
            parsed.push(time);
        }
        if parsed.is_empty() {
            return Err(msg!("watch-config-no-time"));
        }
        parsed.sort();
        parsed.dedup();
        Ok(Schedule::At(parsed))
    }

    /// When the run after one that began at `last` is due; a pull that never ran is due now.
    pub fn next_after(&self, last: Option<NaiveDateTime>, now: NaiveDateTime) -> NaiveDateTime {
        let Some(last) = last else { return now };
        match self {
            Schedule::Every(every) => last + span(*every),
            Schedule::At(times) => {
                let mut day = last.date();
                loop {
                    if let Some(t) = times.iter().map(|t| day.and_time(*t)).find(|t| *t > last) {
                        return t;
                    }
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => return NaiveDateTime::MAX,
                    }
                }
            }
        }
    }

    /// How many runs the schedule had between `since` and `now` (`since` excluded): the periods a
    /// pull whose data ends at `since` is behind.
    pub fn runs_between(&self, since: NaiveDateTime, now: NaiveDateTime) -> u64 {
        if now <= since {
            return 0;
        }
        match self {
            Schedule::Every(every) => {
                let step = span(*every).num_seconds().max(1);
                ((now - since).num_seconds() / step) as u64
            }
            Schedule::At(_) => {
                let mut n = 0;
                let mut t = since;
                // A pull is rarely more than a few weeks behind; counting stops at a year.
                while n < 366 * 24 {
                    t = self.next_after(Some(t), now);
                    if t > now {
                        break;
                    }
                    n += 1;
                }
                n
            }
        }
    }
}

/// The next period from `cursor`: up to `end` (now − settle), at most `max` long; `None` when
/// there is not a whole second to ask for.
pub fn next_period(cursor: NaiveDateTime, end: NaiveDateTime, max: Duration) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let end = whole_seconds(end);
    if end <= cursor {
        return None;
    }
    let to = cursor.checked_add_signed(span(max).max(chrono::Duration::seconds(1))).map_or(end, |t| t.min(end));
    Some((cursor, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn every_and_at_schedules() {
        let every = Schedule::Every(Duration::from_secs(900));
        let now = t("2026-12-01 10:00:00");
        assert_eq!(every.next_after(None, now), now);
        assert_eq!(every.next_after(Some(t("2026-12-01 09:50:00")), now), t("2026-12-01 10:05:00"));
        assert_eq!(every.runs_between(t("2026-12-01 08:00:00"), now), 8);
        let at = Schedule::at(&["22:30".into(), "06:00".into()]).unwrap();
        assert_eq!(at.next_after(Some(t("2026-12-01 06:00:00")), now), t("2026-12-01 22:30:00"));
        assert_eq!(at.next_after(Some(t("2026-11-30 22:30:00")), now), t("2026-12-01 06:00:00"));
        assert_eq!(at.next_after(Some(t("2026-12-01 23:00:00")), now), t("2026-12-02 06:00:00"));
        assert_eq!(at.runs_between(t("2026-11-30 12:00:00"), now), 2);
        assert!(Schedule::at(&["6 утра".into()]).is_err());
        assert!(Schedule::at(&[]).is_err());
    }

    #[test]
    fn periods_are_split_and_whole_seconds() {
        let day = Duration::from_secs(86_400);
        let cursor = t("2026-11-28 00:00:00");
        let end = t("2026-12-01 09:50:00") + chrono::Duration::milliseconds(300);
        assert_eq!(next_period(cursor, end, day), Some((cursor, t("2026-11-29 00:00:00"))));
        assert_eq!(
            next_period(t("2026-12-01 00:00:00"), end, day),
            Some((t("2026-12-01 00:00:00"), t("2026-12-01 09:50:00")))
        );
        assert_eq!(next_period(t("2026-12-01 09:50:00"), end, day), None);
    }
}
