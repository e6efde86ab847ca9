//! Blanking credentials out of text made from a server's answer, in every form a server may echo
//! them: raw; percent-encoded (either case of hex, `+` for a space); JSON-escaped (`\/`,
//! `\u002f`, `\u0441`, `\"` …, mixed freely with raw characters); and base64 of it (standard or
//! URL-safe alphabet, with or without padding, and inside a longer base64 text at any of its
//! three alignments).
//!
//! Each secret is kept as a few *forms* (the secret and its base64 variants); a form matches
//! where every one of its characters appears raw or in one of its encodings. A password hash in
//! an answer that escapes `/` as `\/` is thus found although the text never holds it raw.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

/// What replaces a secret.
pub const MASK: &str = "***";

/// Shorter secrets are not redacted: they would blank out ordinary words and numbers.
const MIN_SECRET: usize = 3;

/// Shorter base64 fragments (of a secret at an offset) are not looked for, for the same reason.
const MIN_FRAGMENT: usize = 8;

/// The credentials to blank out, as the forms to look for.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    /// Longest first, so a form containing another is blanked whole.
    forms: Vec<Vec<char>>,
}

impl Secrets {
    /// Adds a credential (and its base64 forms); too short a one is ignored.
    pub fn add(&mut self, secret: &str) {
        if secret.trim().chars().count() < MIN_SECRET {
            return;
        }
        for form in std::iter::once(secret.to_string()).chain(base64_forms(secret.as_bytes())) {
            let chars: Vec<char> = form.chars().collect();
            if !self.forms.contains(&chars) {
                self.forms.push(chars);
            }
        }
        self.forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    }

    /// `text` with every form of every secret replaced by [`MASK`].
    pub fn redact(&self, text: &str) -> String {
        if self.forms.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            match self.forms.iter().find_map(|form| match_form(rest, form)) {
                Some(len) => {
                    out.push_str(MASK);
                    rest = &rest[len..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }
}

/// The base64 texts a secret can be recognised by: whole (padded and not, both alphabets), and
/// the characters that depend on the secret alone when it starts 0, 1 or 2 bytes into a longer
/// encoded text (which may go on after it).
fn base64_forms(secret: &[u8]) -> Vec<String> {
    let mut forms = Vec::new();
    for engine in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret));
    }
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        for offset in 0..3usize {
            let mut shifted = vec![0u8; offset];
            shifted.extend_from_slice(secret);
            let encoded = engine.encode(&shifted);
            // Characters holding bits of the leading bytes, or of what follows the secret, vary.
            let first = (8 * offset).div_ceil(6);
            let last = 8 * shifted.len() / 6;
            if let Some(fragment) = encoded.get(first..last).filter(|f| f.len() >= MIN_FRAGMENT) {
                forms.push(fragment.to_string());
            }
        }
    }
    forms
}

/// The length in bytes of the match of `form` at the start of `text`, if any: each character
/// raw or encoded. Tried as a set of positions (an encoded `%` and a raw `%` followed by `25`
/// both count), so no backtracking is needed.
fn match_form(text: &str, form: &[char]) -> Option<usize> {
    let bytes = text.as_bytes();
    // Most positions fail here: a form starts with its first character or an escape.
    let first = *bytes.first()?;
    let mut utf8 = [0u8; 4];
    if !matches!(first, b'%' | b'\\' | b'+') && first != form.first()?.encode_utf8(&mut utf8).as_bytes()[0] {
        return None;
    }
    let mut ends: Vec<usize> = vec![0];
    for &c in form {
        let mut next: Vec<usize> = Vec::new();
        for &at in &ends {
            for len in encodings_at(&bytes[at..], c) {
                if !next.contains(&(at + len)) {
                    next.push(at + len);
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        ends = next;
    }
    ends.into_iter().max()
}

/// The lengths of the ways `c` is written at the start of `text`.
fn encodings_at(text: &[u8], c: char) -> Vec<usize> {
    let mut utf8 = [0u8; 4];
    let raw = c.encode_utf8(&mut utf8).as_bytes();
    let mut found = Vec::new();
    let mut candidates: Vec<(String, bool)> = vec![
        // Percent-encoding, byte by byte; hex digits in either case.
        (raw.iter().map(|b| format!("%{b:02X}")).collect(), true),
    ];
    if c == ' ' {
        candidates.push(("+".into(), false));
    }
    // JSON escapes: the short ones, and \uXXXX (a surrogate pair beyond the BMP).
    let short = match c {
        '/' => Some("\\/"),
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        _ => None,
    };
    if let Some(escape) = short {
        candidates.push((escape.into(), false));
    }
    let mut units = [0u16; 2];
    let unicode: String = c.encode_utf16(&mut units).iter().map(|u| format!("\\u{u:04X}")).collect();
    candidates.push((unicode, true));
    if text.starts_with(raw) {
        found.push(raw.len());
    }
    for (candidate, any_case) in candidates {
        let candidate = candidate.as_bytes();
        let fits = text.get(..candidate.len()).is_some_and(|head| {
            if any_case {
                head.eq_ignore_ascii_case(candidate)
            } else {
                head == candidate
            }
        });
        if fits {
            found.push(candidate.len());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A password hash as БИФИТ wants it: base64 with `/` and `+` in it.
    const HASH: &str = "q/8Xp+TKs0XdB1mS/ZtA0n9yJvN4cRQy2eFh+Lk3Wc0=";

    fn secrets(list: &[&str]) -> Secrets {
        let mut s = Secrets::default();
        for secret in list {
            s.add(secret);
        }
        s
    }

    #[test]
    fn raw_and_percent_encoded_in_both_cases() {
        let s = secrets(&[HASH]);
        let upper = "q%2F8Xp%2BTKs0XdB1mS%2FZtA0n9yJvN4cRQy2eFh%2BLk3Wc0%3D";
        let lower = upper.replace("%2F", "%2f").replace("%2B", "%2b").replace("%3D", "%3d");
        assert_eq!(s.redact(&format!("a {HASH} b")), "a *** b");
        assert_eq!(s.redact(&format!("password={upper}&x=1")), "password=***&x=1");
        assert_eq!(s.redact(&format!("password={lower}&x=1")), "password=***&x=1");
        // Unreserved characters encoded too, and a space as %20 or + (a form value).
        let s = secrets(&["pAss word"]);
        assert_eq!(s.redact("[p%41ss word] [pAss+word] [pAss%20word] [p%c3ss]"), "[***] [***] [***] [p%c3ss]");
    }

    #[test]
    fn json_escapes_of_every_kind() {
        let s = secrets(&[HASH]);
        let slash = HASH.replace('/', "\\/");
        assert_eq!(s.redact(&format!("{{\"password\":\"{slash}\"}}")), "{\"password\":\"***\"}");
        let unicode = HASH.replace('/', "\\u002f").replace('+', "\\u002B");
        assert_eq!(s.redact(&unicode), "***");
        // Escaped and raw mixed in one echo.
        let mixed = HASH.replacen('/', "\\/", 1);
        assert_eq!(s.redact(&mixed), "***");
        // Non-ASCII characters written as \uXXXX (ensure_ascii encoders), quotes and backslashes.
        let pw = "Pa$$\"w0rd\\секрет";
        let escaped = "Pa$$\\\"w0rd\\\\\\u0441\\u0435\\u043a\\u0440\\u0435\\u0442";
        assert_eq!(secrets(&[pw]).redact(&format!("got {escaped}!")), "got ***!");
        assert_eq!(secrets(&["a😀bc"]).redact("x a\\ud83d\\ude00bc y"), "x *** y");
    }

    #[test]
    fn base64_of_it_at_every_alignment() {
        let token = "6d4fbe2d-TEST-TOKEN-2745c09ee578";
        let s = secrets(&[token]);
        assert_eq!(s.redact(&STANDARD.encode(token)), MASK);
        assert_eq!(s.redact(&URL_SAFE_NO_PAD.encode(token)), MASK);
        for prefix in ["", "u", "u:", "us:"] {
            let basic = STANDARD.encode(format!("{prefix}{token}:tail"));
            let redacted = s.redact(&format!("Authorization: Basic {basic}"));
            assert!(redacted.contains(MASK), "{prefix:?}: {redacted}");
            // Only the characters of the bytes around it, and the two that mix them in, are left.
            let left = redacted.trim_start_matches("Authorization: Basic ").replace(MASK, "");
            assert!(left.len() <= (prefix.len() + ":tail".len()) * 4 / 3 + 4, "{prefix:?}: {redacted}");
        }
        // The hash's base64 (as an echo that base64-encodes the form value would hold it).
        let hash_b64 = STANDARD.encode(HASH);
        assert_eq!(secrets(&[HASH]).redact(&hash_b64), MASK);
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let s = secrets(&[HASH, "79990001122", "ab"]);
        let text = "HTTP 400: {\"error\":\"invalid_grant\",\"error_description\":\"Bad credentials\"} ab 7999";
        assert_eq!(s.redact(text), text);
        assert_eq!(Secrets::default().redact("%2F \\/ x"), "%2F \\/ x");
    }
}
