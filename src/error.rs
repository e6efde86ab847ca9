//! Errors: a kind plus, where the input is to blame, the position in that input.
//!
//! Shaped like the csv crate's error: one pointer wide, with `kind()` for callers that branch and
//! a `Display` that a shop owner can act on (file, line, column, field, value, what was expected).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Warning;
use crate::i18n::Message;
pub use crate::i18n::Text;
use crate::{msg, tr};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The path in the I/O errors of writers: they write into a `dyn Write` and do not know where it
/// goes. [`Error::naming_output`] replaces it with the real destination where that is known.
pub const UNNAMED_OUTPUT: &str = "<output>";

/// Where in an input something was found. Every part is optional because formats differ in what
/// they can say: XML knows line and column, CSV knows record and field, a spreadsheet knows a cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// Byte offset in the decoded (UTF-8) text, when nothing better is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte: Option<u64>,
    /// Record number (1-based): a CSV row, a JSON array element, a receipt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// The element, attribute or field, e.g. `Product@Price` or `records[3].prices[0].amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Position {
    pub fn in_file(file: &Arc<str>) -> Self {
        Position { file: Some(file.clone()), ..Default::default() }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        *self == Position::default()
    }
}

impl Position {
    /// The position as a message, said in the language of whoever displays it: `goods.xml: line
    /// 3, column 7: Product@Price`.
    pub fn message(&self) -> Message {
        let mut parts: Vec<Message> = Vec::new();
        if let Some(file) = &self.file {
            parts.push(msg!("pos-text", text = file.to_string()));
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => parts.push(msg!("pos-line-column", line = l, column = c)),
            (Some(l), None) => parts.push(msg!("pos-line", line = l)),
            _ => {
                if let Some(b) = self.byte {
                    parts.push(msg!("pos-byte", byte = b));
                }
            }
        }
        if let Some(r) = self.record {
            parts.push(msg!("pos-record", record = r));
        }
        if let Some(field) = &self.field {
            parts.push(msg!("pos-text", text = field));
        }
        parts
            .into_iter()
            .reduce(|first, second| msg!("pos-join", first = first, second = second))
            .unwrap_or_else(|| msg!("pos-text", text = ""))
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// How much of a bad value a message quotes.
const EXCERPT_CHARS: usize = 80;

/// The value itself when short; else its start, an ellipsis and its length.
pub fn excerpt(value: String) -> String {
    if value.chars().count() <= EXCERPT_CHARS {
        return value;
    }
    let start: String = value.chars().take(EXCERPT_CHARS).collect();
    format!("{start}… ({})", tr!("excerpt-length", bytes = value.len()))
}

/// `file: line 3, column 7: ` before a message, or nothing when the position is unknown.
fn at(pos: &Position) -> String {
    if pos.is_empty() {
        String::new()
    } else {
        format!("{pos}: ")
    }
}

#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

#[derive(Debug)]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: io::Error,
    },

    /// A value in the input is not what the format allows.
    BadValue {
        pos: Position,
        value: String,
        expected: Text,
    },

    /// The input is not well-formed (broken XML or JSON, truncated file, missing element).
    Syntax {
        pos: Position,
        message: Text,
    },

    /// The bytes are not in the encoding they claim, or look like mojibake.
    Encoding {
        pos: Position,
        message: Text,
    },

    UnknownFormat {
        name: String,
    },

    Undetected {
        input: String,
        reason: Text,
    },

    Ambiguous {
        input: String,
        candidates: Vec<String>,
    },

    /// `action` says what the format cannot do: "be read", "hold receipts (it holds …)".
    Unsupported {
        format: String,
        action: Text,
    },

    /// An option combination or value the conversion cannot honour.
    Usage(Text),

    /// The data is readable but cannot be converted as asked (e.g. no price type can be chosen).
    Conversion {
        pos: Position,
        message: Text,
    },

    /// `--strict` turned a warning into an error.
    Strict(Warning),

    /// The input goes beyond one of the limits that keep memory bounded (README "Limits").
    Limit {
        pos: Position,
        what: Text,
        limit: String,
        option: &'static str,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ErrorKind::BadValue { pos, value, expected } => {
                write!(f, "{}{}", at(pos), tr!("error-bad-value", value = format!("{value:?}"), expected = expected))
            }
            ErrorKind::Syntax { pos, message }
            | ErrorKind::Encoding { pos, message }
            | ErrorKind::Conversion { pos, message } => write!(f, "{}{message}", at(pos)),
            ErrorKind::UnknownFormat { name } => f.write_str(&tr!("error-unknown-format", name = format!("{name:?}"))),
            ErrorKind::Undetected { input, reason } => {
                f.write_str(&tr!("error-undetected", input = input, reason = reason))
            }
            ErrorKind::Ambiguous { input, candidates } => {
                f.write_str(&tr!("error-ambiguous", input = input, candidates = candidates.join(", ")))
            }
            ErrorKind::Unsupported { format, action } => {
                f.write_str(&tr!("error-unsupported", format = format, action = action))
            }
            ErrorKind::Usage(message) => message.fmt(f),
            ErrorKind::Strict(warning) => f.write_str(&tr!("error-strict", warning = warning.to_string())),
            ErrorKind::Limit { pos, what, limit, option } => {
                write!(f, "{}{}", at(pos), tr!("error-limit", what = what, limit = limit, option = *option))
            }
        }
    }
}

impl std::error::Error for ErrorKind {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        ErrorKind::Io { path: path.into(), source }.into()
    }

    /// An I/O error on a writer's output: writers do not know where it goes, so it is named
    /// `<output>` until `convert` puts the real path in (`naming_output`).
    pub fn output(source: io::Error) -> Self {
        Self::io(UNNAMED_OUTPUT, source)
    }

    /// A bad value, quoted in a short excerpt: a message never echoes a 10 MB line.
    pub fn bad_value(pos: Position, value: impl Into<String>, expected: impl Into<Text>) -> Self {
        ErrorKind::BadValue { pos, value: excerpt(value.into()), expected: expected.into() }.into()
    }

    pub fn syntax(pos: Position, message: impl Into<Text>) -> Self {
        ErrorKind::Syntax { pos, message: message.into() }.into()
    }

    pub fn encoding(pos: Position, message: impl Into<Text>) -> Self {
        ErrorKind::Encoding { pos, message: message.into() }.into()
    }

    pub fn usage(message: impl Into<Text>) -> Self {
        ErrorKind::Usage(message.into()).into()
    }

    pub fn conversion(pos: Position, message: impl Into<Text>) -> Self {
        ErrorKind::Conversion { pos, message: message.into() }.into()
    }

    /// `what` (e.g. "a CSV row of 12 000 columns") is beyond `limit`, which `option` raises.
    pub fn limit(pos: Position, what: impl Into<Text>, limit: impl Into<String>, option: &'static str) -> Self {
        ErrorKind::Limit { pos, what: what.into(), limit: limit.into(), option }.into()
    }

    /// The position in the input, when the input is to blame.
    pub fn position(&self) -> Option<&Position> {
        match &*self.0 {
            ErrorKind::BadValue { pos, .. }
            | ErrorKind::Syntax { pos, .. }
            | ErrorKind::Encoding { pos, .. }
            | ErrorKind::Conversion { pos, .. }
            | ErrorKind::Limit { pos, .. } => Some(pos),
            ErrorKind::Strict(w) => w.position.as_ref(),
            _ => None,
        }
    }

    /// Fills in the file name where a reader did not know it (e.g. a shared parser helper).
    pub fn in_file(mut self, file: &Arc<str>) -> Self {
        let pos = match &mut *self.0 {
            ErrorKind::BadValue { pos, .. }
            | ErrorKind::Syntax { pos, .. }
            | ErrorKind::Encoding { pos, .. }
            | ErrorKind::Conversion { pos, .. }
            | ErrorKind::Limit { pos, .. } => pos,
            _ => return self,
        };
        if pos.file.is_none() {
            pos.file = Some(file.clone());
        }
        self
    }

    /// An I/O error a writer reported as [`UNNAMED_OUTPUT`] now names `output` (the file being
    /// written, or "standard output"); every other error is returned unchanged.
    pub fn naming_output(mut self, output: &Path) -> Self {
        if let ErrorKind::Io { path, .. } = &mut *self.0 {
            if path.as_os_str() == UNNAMED_OUTPUT {
                *path = output.to_path_buf();
            }
        }
        self
    }

    /// True when the error was caused by broken pipe on output (e.g. `| head`), which the CLI
    /// treats as success, like ripgrep and xsv do.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&*self.0, ErrorKind::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}
