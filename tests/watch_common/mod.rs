//! Helpers for the drop-folder tests: a data folder with a fast configuration, the real binary as
//! a child process, directory trees with time stamps normalised, small distinct input files.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use kassa_bridge::convert::{self, ConvertOptions};
use kassa_bridge::output::OutputTarget;
use kassa_bridge::text::RawInput;
use kassa_bridge::Diagnostics;

pub const BIN: &str = env!("CARGO_BIN_EXE_kassa-bridge");

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Timings for tests: milliseconds instead of seconds.
pub const FAST: &str = r#"
rescan-interval = "50ms"
check-interval = "20ms"
stable-checks = 1
min-age = "0ms"
pair-wait = "300ms"
retry-min = "50ms"
retry-max = "200ms"
"#;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    /// Log files of the children, numbered.
    runs: std::cell::Cell<usize>,
}

impl Fixture {
    /// A data folder `data/` with a configuration: `FAST` timings, then `global` (more top-level
    /// keys), then the route (`route` is the text after `[[route]]`; the default route when empty).
    pub fn new(global: &str, route: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let route = if route.is_empty() {
            "name = \"default\"\ninbox = \"inbox\"\n[[route.target]]\nformat = \"kassatka-xml\"\n"
        } else {
            route
        };
        // `global` keys replace the fast defaults.
        let key = |l: &str| l.split('=').next().unwrap_or("").trim().to_string();
        let replaced: Vec<String> = global.lines().map(key).collect();
        let fast: Vec<&str> = FAST.lines().filter(|l| !replaced.contains(&key(l))).collect();
        let text = format!("data-dir = \"data\"\n{}\n{global}\n[[route]]\n{route}", fast.join("\n"));
        let config = dir.path().join("kassa-bridge.toml");
        fs::write(&config, text).unwrap();
        let f = Fixture { dir, config, runs: std::cell::Cell::new(0) };
        for sub in ["inbox", "processing", "outbox", "done", "error"] {
            fs::create_dir_all(f.data().join(sub)).unwrap();
        }
        f
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn inbox(&self) -> PathBuf {
        self.data().join("inbox")
    }

    pub fn path(&self, sub: &str) -> PathBuf {
        self.data().join(sub)
    }

    fn log_file(&self) -> PathBuf {
        let n = self.runs.get() + 1;
        self.runs.set(n);
        self.dir.path().join(format!("watch-{n}.log"))
    }

    /// Starts `kassa-bridge watch --config … extra` with its log in a file.
    pub fn spawn(&self, extra: &[&str]) -> Child {
        self.command(extra).spawn().expect("spawn kassa-bridge watch")
    }

    /// `kassa-bridge watch --config … extra` with its log in a file, to be changed (environment,
    /// limits) and spawned.
    pub fn command(&self, extra: &[&str]) -> Command {
        let log = fs::File::create(self.log_file()).unwrap();
        let mut command = Command::new(BIN);
        command
            .arg("watch")
            .arg("--config")
            .arg(&self.config)
            .args(extra)
            .env("KASSA_BRIDGE_LOG", "kassa_bridge=debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        command
    }

    /// Runs a command made by [`Fixture::command`] to its end (at most `limit`).
    pub fn run_to_end(&self, mut command: Command, limit: Duration) -> ExitStatus {
        let mut child = command.spawn().expect("spawn kassa-bridge watch");
        wait_with_limit(&mut child, limit).unwrap_or_else(|| {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kassa-bridge watch did not finish within {limit:?}; logs: {}", self.logs())
        })
    }

    /// Runs `watch --exit-when-idle` to its end (at most `limit`).
    pub fn run_until_idle(&self, limit: Duration) -> ExitStatus {
        self.run_to_end(self.command(&["--exit-when-idle"]), limit)
    }

    /// Every log written so far.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for n in 1..=self.runs.get() {
            let path = self.dir.path().join(format!("watch-{n}.log"));
            out.push_str(&format!("--- run {n}\n{}", fs::read_to_string(path).unwrap_or_default()));
        }
        out
    }

    /// `kassa-bridge status --config … [args]`: (exit code, stdout).
    pub fn status(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(BIN).arg("status").arg("--config").arg(&self.config).args(args).output().unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The data folder as a sorted listing, time stamps as `<TS>`, without the journal.
    pub fn tree(&self) -> String {
        let mut lines = Vec::new();
        for sub in ["inbox", "processing", "outbox", "done", "error"] {
            lines.push(format!("{sub}/"));
            let mut names = list(&self.path(sub));
            names.sort();
            for n in names {
                lines.push(format!("  {}", normalize(&n)));
            }
        }
        lines.join("\n") + "\n"
    }
}

/// Names in a folder (files only), sorted.
pub fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| rd.flatten().filter_map(|e| e.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Replaces `20250301-101500` (and `-2` style suffixes after it) with `<TS>`, paths of the
/// temporary folder with `<TMP>`.
pub fn normalize(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let is_ts = i + 15 <= bytes.len()
            && bytes[i..i + 8].iter().all(|c| c.is_ascii_digit())
            && bytes[i + 8] == '-'
            && bytes[i + 9..i + 15].iter().all(|c| c.is_ascii_digit());
        if is_ts {
            out.push_str("<TS>");
            i += 15;
            if i + 1 < bytes.len() && bytes[i] == '-' && bytes[i + 1].is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// `text` with `path` replaced by `placeholder`, and (on Windows) `\` separators as `/`, so that
/// one snapshot holds on both systems.
pub fn with_placeholder(text: &str, path: &Path, placeholder: &str) -> String {
    let text = text.replace(&path.display().to_string(), placeholder);
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text
    }
}

/// Waits for a child at most `limit`; `None` when it is still running.
pub fn wait_with_limit(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Polls `cond` every 10 ms for at most `limit`.
pub fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    cond()
}

/// Limits the size of every file the child writes to `bytes`: a write beyond fails with EFBIG
/// ("File too large"), as a write to a full disk fails — the tests cannot fill a disk. (Windows has
/// no such limit for a process: the tests that use it run on Unix only.)
#[cfg(unix)]
pub fn limit_file_size(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only async-signal-safe calls (signal, setrlimit) are made.
    unsafe {
        command.pre_exec(move || {
            // Ignored, SIGXFSZ does not kill the child; the write fails instead.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Asks the watcher to stop gracefully, as a service manager or `kassa-bridge stop` does: SIGTERM
/// on Unix; on Windows the named event every watcher listens on (Wine delivers no console
/// Ctrl-Break between processes, so that path is not taken here). A kill (SIGKILL,
/// `TerminateProcess`) is `Child::kill` on both.
pub fn terminate(child: &Child) {
    #[cfg(unix)]
    {
        // SAFETY: kill(2) on our own child's pid; no memory is involved.
        let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(rc, 0, "kill -TERM {}", child.id());
    }
    #[cfg(windows)]
    {
        use windows_sys::Win32::Foundation::CloseHandle;
        use windows_sys::Win32::System::Threading::{OpenEventW, SetEvent, EVENT_MODIFY_STATE};
        // The watcher makes its event as it starts: a test may ask a moment before.
        let start = Instant::now();
        loop {
            for ns in ["Global", "Local"] {
                let name: Vec<u16> =
                    format!("{ns}\\kassa-bridge-stop-{}", child.id()).encode_utf16().chain([0]).collect();
                // SAFETY: a NUL-terminated name; the handle is closed after use.
                unsafe {
                    let event = OpenEventW(EVENT_MODIFY_STATE, 0, name.as_ptr());
                    if !event.is_null() {
                        let set = SetEvent(event);
                        CloseHandle(event);
                        assert_ne!(set, 0, "SetEvent for {}", child.id());
                        return;
                    }
                }
            }
            assert!(start.elapsed() < Duration::from_secs(10), "watcher {} never listened for stop", child.id());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A small Кассатка nomenclature, different for every `i`.
pub fn goods_xml(i: usize) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductsGroups Date=\"13.04.2018\">\n \
         <ProductGroup Code=\"00-1\" Name=\"Товары\" ParentCode=\"none\">\n  <Products>\n   \
         <Product Barcode=\"\" Code=\"C-{i:05}\" Name=\"Товар {i}\" ParentCode=\"00-1\" UnitCode=\"796\" \
         UnitName=\"Штука\" Price=\"{i},00\" Comment=\"\" PriceType=\"Розничная\"/>\n  </Products>\n \
         </ProductGroup>\n</ProductsGroups>\n"
    )
}

/// A Кассатка nomenclature of `n` products (a few dozen KiB for n = 200).
pub fn many_goods_xml(n: usize) -> String {
    let mut text = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductsGroups Date=\"13.04.2018\">\n \
         <ProductGroup Code=\"00-1\" Name=\"Товары\" ParentCode=\"none\">\n  <Products>\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "   <Product Barcode=\"\" Code=\"C-{i:05}\" Name=\"Товар {i}\" ParentCode=\"00-1\" UnitCode=\"796\" \
             UnitName=\"Штука\" Price=\"{i},00\" Comment=\"\" PriceType=\"Розничная\"/>\n"
        ));
    }
    text.push_str("  </Products>\n </ProductGroup>\n</ProductsGroups>\n");
    text
}

/// A file that cannot be converted (a bad price), different for every `i`.
pub fn bad_xml(i: usize) -> String {
    goods_xml(i).replace(&format!("Price=\"{i},00\""), "Price=\"abc\"")
}

/// What `convert` makes of `bytes` as `to` (the expected content of an output).
pub fn expected(bytes: &[u8], name: &str, to: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = RawInput::from_bytes(name, bytes.to_vec()).unwrap();
    let opts = ConvertOptions { to: to.into(), ..Default::default() };
    convert::convert(input, &OutputTarget::File(out.clone()), &opts, &mut Diagnostics::new(false), None)
        .expect("expected conversion");
    fs::read(out).unwrap()
}

/// Writes a file under a temporary name and renames it in (as a well-behaved producer does).
pub fn drop_file(dir: &Path, name: &str, bytes: &[u8]) {
    let temp = dir.join(format!("{name}.tmp"));
    fs::write(&temp, bytes).unwrap();
    fs::rename(temp, dir.join(name)).unwrap();
}
