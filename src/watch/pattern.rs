//! File-name patterns: `*` (any run of characters) and `?` (one character), matched against the
//! whole name, case-insensitively (1C on Windows writes `Import.XML` as readily as `import.xml`).

use std::fmt;

/// A wildcard pattern over file names (never paths).
#[derive(Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    chars: Vec<char>,
}

impl Pattern {
    pub fn new(text: &str) -> Self {
        Pattern { text: text.to_string(), chars: text.to_lowercase().chars().collect() }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.to_lowercase().chars().collect();
        wildcard(&self.chars, &name)
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

/// Iterative wildcard matching with one backtrack point (linear for the patterns people write).
fn wildcard(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Names that are never inputs: temporary and lock files of editors, browsers, sync tools and
/// our own writers, and the folder litter of Windows and macOS. Dotfiles are ignored too.
pub const BUILTIN_IGNORE: &[&str] = &[
    ".*",
    "*.tmp",
    "*.temp",
    "*.partial",
    "*.part",
    "*.filepart",
    "*.crdownload",
    "*.download",
    "*.writing",
    "*.swp",
    "*.lck",
    "~$*",
    "~*.tmp",
    "Thumbs.db",
    "desktop.ini",
    "*.error.txt",
];

/// True when `name` is one of the built-in ignored names or matches one of `extra`.
pub fn is_ignored(name: &str, extra: &[Pattern]) -> bool {
    static BUILTIN: std::sync::LazyLock<Vec<Pattern>> =
        std::sync::LazyLock::new(|| BUILTIN_IGNORE.iter().map(|p| Pattern::new(p)).collect());
    BUILTIN.iter().chain(extra).any(|p| p.matches(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(Pattern::new("*").matches("goods.xml"));
        assert!(Pattern::new("*.xml").matches("Goods.XML"));
        assert!(!Pattern::new("*.xml").matches("goods.xml.tmp"));
        assert!(Pattern::new("import*.xml").matches("import0_1.xml"));
        assert!(Pattern::new("goods?.txt").matches("goods1.txt"));
        assert!(!Pattern::new("goods?.txt").matches("goods.txt"));
        assert!(Pattern::new("*.flag").matches("goods.txt.flag"));
        assert!(Pattern::new("a*b*c").matches("aXXbYYc"));
        assert!(!Pattern::new("a*b*c").matches("aXXbYY"));
        assert!(Pattern::new("товары*.xml").matches("Товары-1.xml"));
    }

    #[test]
    fn temp_and_lock_names_are_ignored() {
        for name in [
            "goods.xml.tmp",
            "goods.partial",
            "goods.xml.part",
            "~$price.xlsx",
            ".~lock.price.xlsx#",
            ".hidden",
            "Thumbs.db",
            "desktop.ini",
            ".goods.xml.a1b2c3.partial",
            "~syncthing~goods.xml.tmp",
            ".syncthing.goods.xml.tmp",
        ] {
            assert!(is_ignored(name, &[]), "{name} should be ignored");
        }
        for name in ["goods.xml", "import.xml", "price.xlsx", "ТОВАРЫ.TXT"] {
            assert!(!is_ignored(name, &[]), "{name} should not be ignored");
        }
        assert!(is_ignored("goods.bak", &[Pattern::new("*.bak")]));
    }
}
