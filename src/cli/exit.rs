//! Exit codes (the README's table is generated from the same list by a test).

use std::process::ExitCode;

use kassa_bridge::ErrorKind;

pub const OK: u8 = 0;
/// `inspect` found problems in the data.
pub const FINDINGS: u8 = 1;
/// Bad command line (clap's own code) or an option the conversion cannot honour.
pub const USAGE: u8 = 2;
/// The input is broken: a bad value, malformed XML/JSON, a wrong encoding.
pub const BAD_INPUT: u8 = 3;
/// `--strict` and the conversion would have dropped or changed information.
pub const STRICT: u8 = 4;
/// Unknown format, undetectable or ambiguous input, or a conversion the formats cannot do.
pub const FORMAT: u8 = 5;
/// A file could not be read or written.
pub const IO: u8 = 6;
/// A service (Кассатка, БИФИТ Касса) failed or refused.
pub const REMOTE: u8 = 7;

#[cfg_attr(not(test), allow(dead_code))]
pub const TABLE: &[(u8, &str)] = &[
    (OK, "success (warnings, if any, were printed)"),
    (FINDINGS, "`inspect` found problems in the data"),
    (
        USAGE,
        "bad command line, or the data needs an option to convert (e.g. `--price-type`); `service start`, `stop`, `status`, `uninstall` where there is no Windows service manager",
    ),
    (
        BAD_INPUT,
        "the input is broken: bad value, malformed file, wrong encoding (the message names file, line, column), or it goes beyond a limit (see Limits)",
    ),
    (STRICT, "`--strict`: the conversion would drop or change information"),
    (FORMAT, "unknown, undetectable or ambiguous format, or a conversion the formats cannot do"),
    (
        IO,
        "a file could not be read or written (`watch`: also another watcher holds the data folder; `stop`: the watcher is still busy after `--wait`; `service`: the Service Control Manager refused)",
    ),
    (
        REMOTE,
        "a service (Кассатка, БИФИТ Касса) failed or refused: an HTTP error, unreachable after the retries, a job that failed or did not finish in time, items it did not take (`watch --exit-when-idle`: uploads left queued, or a pull failed; `pull`: the pull failed)",
    ),
];

pub fn code_for(kind: &ErrorKind) -> u8 {
    match kind {
        ErrorKind::Io { .. } => IO,
        ErrorKind::BadValue { .. }
        | ErrorKind::Syntax { .. }
        | ErrorKind::Encoding { .. }
        | ErrorKind::Limit { .. } => BAD_INPUT,
        ErrorKind::UnknownFormat { .. }
        | ErrorKind::Undetected { .. }
        | ErrorKind::Ambiguous { .. }
        | ErrorKind::Unsupported { .. } => FORMAT,
        ErrorKind::Usage(_) | ErrorKind::Conversion { .. } => USAGE,
        ErrorKind::Strict(_) => STRICT,
    }
}

pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_documents_every_exit_code() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
        for (code, meaning) in TABLE {
            let row = format!("| {code} | {meaning} |");
            assert!(readme.contains(&row), "README.md lacks the exit-code row: {row}");
        }
    }
}
