//! The catalogues against each other and against the code: every key in both languages, every
//! argument a message uses supplied by every call site, no key without a use, and each renders.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::*;

/// Key → the variables its text uses, of one language, with the file each key is in.
fn catalogue(lang: &str) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/locales").join(lang);
    let mut keys = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let mut current: Option<String> = None;
        for line in text.lines() {
            let starts_entry = line.chars().next().is_some_and(|c| c.is_ascii_lowercase());
            if starts_entry {
                let key = line.split('=').next().unwrap().trim().to_string();
                assert!(
                    key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                    "{lang}/{name}: a key is lower-case words joined by `-`: {key:?}"
                );
                let earlier = keys.insert(key.clone(), (name.clone(), BTreeSet::new()));
                assert!(earlier.is_none(), "{lang}: {key} twice");
                current = Some(key);
            } else if !line.starts_with(' ') && !line.starts_with('}') && !line.is_empty() {
                current = None;
            }
            if let Some(key) = &current {
                let vars = &mut keys.get_mut(key).unwrap().1;
                for part in line.split('$').skip(1) {
                    let var: String =
                        part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
                    if !var.is_empty() {
                        vars.insert(var);
                    }
                }
            }
        }
    }
    keys
}

/// Every `.rs` file under `src/`, with its text.
fn rust_sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path, text));
            }
        }
    }
    files
}

/// Every `msg!("key", a = …, b = …)` and `tr!(…)` in the sources: key → the argument lists.
fn call_sites() -> BTreeMap<String, Vec<(String, BTreeSet<String>)>> {
    let mut sites: BTreeMap<String, Vec<(String, BTreeSet<String>)>> = BTreeMap::new();
    for (path, text) in rust_sources() {
        if path.ends_with("i18n/mod.rs") || path.ends_with("i18n/tests.rs") {
            continue;
        }
        for (at, _) in text.match_indices("msg!(").chain(text.match_indices("tr!(")) {
            if text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let open = at + text[at..].find('(').unwrap() + 1;
            let Some(args) = balanced(&text[open..]) else { continue };
            let parts = split_top_level(args);
            let Some(key) = parts.first().map(|k| k.trim()) else { continue };
            if !key.starts_with('"') {
                continue;
            }
            let key = key.trim_matches('"').to_string();
            let names: BTreeSet<String> = parts[1..]
                .iter()
                .filter_map(|p| p.split_once('=').map(|(n, _)| n.trim().to_string()))
                .filter(|n| !n.is_empty())
                .collect();
            let line = text[..at].matches('\n').count() + 1;
            sites.entry(key).or_default().push((format!("{}:{line}", path.display()), names));
        }
    }
    sites
}

/// The characters of Rust code outside string literals, with the bracket depth before each.
fn outside_strings(text: &str) -> Vec<(usize, char, i32)> {
    let (mut out, mut depth, mut in_string, mut escaped) = (Vec::new(), 0i32, false, false);
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        out.push((i, c, depth));
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    out
}

/// The text up to the `)` that closes an opening just before it.
fn balanced(text: &str) -> Option<&str> {
    outside_strings(text)
        .into_iter()
        .find(|(_, c, depth)| matches!(c, ')' | ']' | '}') && *depth == 0)
        .map(|(i, _, _)| &text[..i])
}

/// The arguments of a call, split at its top-level commas.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c, depth) in outside_strings(text) {
        if c == ',' && depth == 0 {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

#[test]
fn both_catalogues_hold_the_same_keys_in_the_same_files() {
    let (en, ru) = (catalogue("en"), catalogue("ru"));
    let en_keys: BTreeMap<&String, &String> = en.iter().map(|(k, (f, _))| (k, f)).collect();
    let ru_keys: BTreeMap<&String, &String> = ru.iter().map(|(k, (f, _))| (k, f)).collect();
    let only_en: Vec<&&String> = en_keys.keys().filter(|k| !ru_keys.contains_key(**k)).collect();
    let only_ru: Vec<&&String> = ru_keys.keys().filter(|k| !en_keys.contains_key(**k)).collect();
    assert!(only_en.is_empty() && only_ru.is_empty(), "only in en: {only_en:?}; only in ru: {only_ru:?}");
    assert_eq!(en_keys, ru_keys, "a key sits in another file in one language");
}

#[test]
fn every_call_site_names_a_key_and_supplies_what_it_uses() {
    let (en, ru) = (catalogue("en"), catalogue("ru"));
    let sites = call_sites();
    assert!(sites.len() > 10, "the scan finds the call sites ({})", sites.len());
    let mut problems = Vec::new();
    for (key, uses) in &sites {
        let Some((_, en_vars)) = en.get(key) else {
            problems.push(format!("{key}: not in the catalogues ({})", uses[0].0));
            continue;
        };
        let ru_vars = &ru.get(key).map(|(_, v)| v.clone()).unwrap_or_default();
        for (at, supplied) in uses {
            for var in en_vars.union(ru_vars) {
                if !supplied.contains(var) {
                    problems.push(format!("{at}: {key} uses ${var}, not supplied (supplied: {supplied:?})"));
                }
            }
            for var in supplied {
                if !en_vars.contains(var) && !ru_vars.contains(var) {
                    problems.push(format!("{at}: {key} is given {var}, which neither language uses"));
                }
            }
        }
    }
    let sources: String = rust_sources().into_iter().map(|(_, text)| text).collect();
    for key in en.keys() {
        if !sites.contains_key(key) && !sources.contains(&format!("\"{key}\"")) {
            problems.push(format!("{key}: in the catalogues but used nowhere"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_message_renders_in_both_languages() {
    for (key, (_, vars)) in catalogue("en") {
        let key: &'static str = Box::leak(key.into_boxed_str());
        let args = vars.iter().map(|v| (&*Box::leak(v.clone().into_boxed_str()), Arg::Count(2))).collect();
        let message = Message::new(key, args);
        for lang in Lang::ALL {
            let text = message.render(lang);
            assert!(!text.is_empty() && text != key, "{key} in {lang:?}: {text:?}");
        }
    }
}

#[test]
fn numbers_dates_and_plurals_read_as_russians_write_them() {
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(amount(d("1990.00"), Lang::Ru), "1\u{a0}990,00");
    assert_eq!(amount(d("-1234567.5"), Lang::Ru), "-1\u{a0}234\u{a0}567,5");
    assert_eq!(amount(d("219"), Lang::Ru), "219");
    assert_eq!(amount(d("1990.00"), Lang::En), "1990.00");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(date(day, Lang::Ru), "01.12.2026");
    let bytes = |n: i64| Message::new("excerpt-length", vec![("bytes", Arg::Count(n))]).render(Lang::Ru);
    assert_eq!(
        [bytes(1), bytes(2), bytes(5), bytes(21), bytes(112)],
        ["всего 1 байт", "всего 2 байта", "всего 5 байт", "всего 21 байт", "всего 112 байт"]
    );
    let line = Message::new("pos-line", vec![("line", Arg::Count(123_456))]);
    assert_eq!(
        [line.render(Lang::En), line.render(Lang::Ru)],
        ["line 123456", "строка 123456"],
        "no grouping in line numbers"
    );
    assert_eq!(Lang::parse("ru_RU.UTF-8"), Some(Lang::Ru));
    assert_eq!(Lang::parse("Russian_Russia.1251"), Some(Lang::Ru));
    assert_eq!(Lang::parse("C"), None);
    assert_eq!(detect(Some(Lang::En), Some(Lang::Ru)), Lang::En);
}
