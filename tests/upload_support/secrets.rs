//! The credentials of the tests in every form they could leak in, and a check of a text for any
//! of them (hex dumps of the HTTP library included).

use base64::Engine;

use super::{password_hash, percent, BIFIT_LOGIN, BIFIT_PASSWORD, KASSATKA_TOKEN};

/// The credentials the tests use (and those the fake БИФИТ issues), each of which must never be
/// written anywhere.
pub fn secrets() -> Vec<String> {
    vec![
        KASSATKA_TOKEN.to_string(),
        BIFIT_LOGIN.to_string(),
        BIFIT_PASSWORD.to_string(),
        password_hash(BIFIT_PASSWORD),
        "SECRETACCESS".to_string(),
        "SECRETREFRESH".to_string(),
    ]
}

/// The forms a secret may be written in: raw, percent-encoded (either case of hex),
/// JSON-escaped (`\/`, `\u002f`, non-ASCII as `\uXXXX`) and base64.
pub fn secret_forms(secret: &str) -> Vec<String> {
    let encoded = percent(secret);
    let ascii_json: String = secret
        .encode_utf16()
        .map(|u| if u < 0x80 { (u as u8 as char).to_string() } else { format!("\\u{u:04x}") })
        .collect();
    let mut forms = vec![
        secret.to_string(),
        encoded.clone(),
        encoded.to_lowercase(),
        secret.replace('/', "\\/"),
        secret.replace('/', "\\u002f"),
        ascii_json,
        base64::engine::general_purpose::STANDARD.encode(secret),
    ];
    forms.sort();
    forms.dedup();
    forms
}

/// The bytes of the hex dumps in a log (ureq-proto's trace writes what it sends and receives as
/// lines of 8 groups of 4 hex digits, `--` past the end), joined in order.
pub fn hex_dumped(log: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in log.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let is_group = |w: &&str| w.len() == 4 && w.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        let Some(start) = (0..words.len().saturating_sub(7)).find(|&i| words[i..i + 8].iter().all(is_group)) else {
            continue;
        };
        for group in &words[start..start + 8] {
            for pair in [&group[..2], &group[2..]] {
                if let Ok(b) = u8::from_str_radix(pair, 16) {
                    bytes.push(b);
                }
            }
        }
    }
    bytes
}

/// Panics when `text` (named `what`) holds any form of any secret, also inside a hex dump.
pub fn assert_holds_no_secret(what: &str, text: &str) {
    let dumped = String::from_utf8_lossy(&hex_dumped(text)).into_owned();
    for secret in secrets() {
        for form in secret_forms(&secret) {
            assert!(!text.contains(&form), "{what} holds a credential as {form:?}");
            assert!(!dumped.contains(&form), "{what} holds a credential as {form:?} in a hex dump");
        }
    }
}
