//! `stop`: asks the watcher running on a data folder to finish the file it is converting and
//! exit, as Ctrl-C does at its console — for a watcher started by Task Scheduler, a script or
//! another session, where there is no console to press Ctrl-C in. The watcher is found through
//! the data folder's lock (its pid is in `watch.lock`); on Unix the request is SIGTERM, on
//! Windows a named event each watcher listens on (`kassa-bridge-stop-PID`).

use std::time::{Duration, Instant};

use clap::Args;

use kassa_bridge::tr;
use kassa_bridge::watch::lock::{DataLock, Holder};

use super::exit::{self, code_for};
use super::report::print_error;
use super::watch::FolderArgs;

#[derive(Debug, Args)]
pub struct StopArgs {
    #[command(flatten)]
    pub folder: FolderArgs,
    /// How long to wait for the watcher to exit (it finishes the file it is converting first);
    /// 0s: ask and do not wait.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = humantime::parse_duration)]
    pub wait: Duration,
}

pub fn stop(args: &StopArgs, lang: Option<kassa_bridge::i18n::Lang>) -> u8 {
    let config = match args.folder.config(lang) {
        Ok(c) => c,
        Err(e) => {
            print_error(&e);
            return code_for(e.kind());
        }
    };
    let folder = config.data_dir.display().to_string();
    let pid = match DataLock::holder(&config.data_dir) {
        Ok(Holder::Nobody) => {
            eprintln!("{}", tr!("stop-nothing-runs", folder = folder.as_str()));
            return exit::OK;
        }
        Ok(Holder::Watcher(Some(pid))) => pid,
        Ok(Holder::Watcher(None)) => {
            eprintln!("{}", tr!("watch-error", error = tr!("stop-pid-unknown", folder = folder.as_str())));
            return exit::IO;
        }
        Err(e) => {
            print_error(&e);
            return code_for(e.kind());
        }
    };
    if let Err(e) = request::send(pid) {
        let error = tr!("stop-request-failed", pid = pid.to_string(), error = e.to_string());
        eprintln!("{}", tr!("watch-error", error = error));
        return exit::IO;
    }
    eprintln!("{}", tr!("stop-asked", pid = pid.to_string(), folder = folder.as_str()));
    let started = Instant::now();
    while started.elapsed() < args.wait {
        match DataLock::holder(&config.data_dir) {
            Ok(Holder::Nobody) => {
                eprintln!("{}", tr!("stop-stopped", pid = pid.to_string()));
                return exit::OK;
            }
            Ok(Holder::Watcher(_)) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => {
                print_error(&e);
                return code_for(e.kind());
            }
        }
    }
    if args.wait.is_zero() {
        return exit::OK;
    }
    let waited = humantime::format_duration(args.wait).to_string();
    eprintln!("{}", tr!("watch-error", error = tr!("stop-still-running", pid = pid.to_string(), waited = waited)));
    exit::IO
}

/// Makes a running watcher listen for `stop` (Windows: a thread waiting on its named event; on
/// Unix SIGTERM is handled with Ctrl-C already).
pub fn listen(stop: kassa_bridge::watch::StopHandle) {
    request::listen(stop);
}

#[cfg(unix)]
mod request {
    pub fn send(pid: u32) -> std::io::Result<()> {
        let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
        // SAFETY: kill(2) with a pid read from the lock of a watcher that holds it now.
        if unsafe { libc::kill(pid, libc::SIGTERM) } == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }

    pub fn listen(_stop: kassa_bridge::watch::StopHandle) {}
}

#[cfg(windows)]
mod request {
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::Threading::{
        CreateEventW, OpenEventW, SetEvent, WaitForSingleObject, EVENT_MODIFY_STATE, INFINITE,
    };

    /// The event's names: `Global\` reaches across sessions (a watcher started by Task Scheduler
    /// or as a service runs in another session than an administrator's console) but needs a
    /// privilege to create; `Local\` is the fallback.
    fn names(pid: u32) -> [Vec<u16>; 2] {
        let name = |ns: &str| format!("{ns}\\kassa-bridge-stop-{pid}").encode_utf16().chain([0]).collect();
        [name("Global"), name("Local")]
    }

    pub fn send(pid: u32) -> std::io::Result<()> {
        let mut last = std::io::Error::from(std::io::ErrorKind::NotFound);
        for name in names(pid) {
            // SAFETY: a NUL-terminated name; the handle is closed below.
            let event = unsafe { OpenEventW(EVENT_MODIFY_STATE, 0, name.as_ptr()) };
            if event.is_null() {
                last = std::io::Error::last_os_error();
                continue;
            }
            // SAFETY: a valid event handle, closed once.
            let set = unsafe { SetEvent(event) };
            let error = std::io::Error::last_os_error();
            unsafe { CloseHandle(event) };
            return if set != 0 { Ok(()) } else { Err(error) };
        }
        Err(last)
    }

    pub fn listen(stop: kassa_bridge::watch::StopHandle) {
        let pid = std::process::id();
        let event: Option<HANDLE> = names(pid).iter().find_map(|name| {
            // SAFETY: a NUL-terminated name; default security; a manual-reset event, not set.
            let event = unsafe { CreateEventW(std::ptr::null(), 1, 0, name.as_ptr()) };
            (!event.is_null()).then_some(event)
        });
        let Some(event) = event else {
            tracing::warn!(
                "{}",
                kassa_bridge::tr!("stop-cannot-listen", error = std::io::Error::last_os_error().to_string())
            );
            return;
        };
        // The handle is a number to the thread (raw pointers are not Send).
        let event = event as usize;
        std::thread::spawn(move || {
            // SAFETY: the event handle stays open for the life of the process.
            unsafe { WaitForSingleObject(event as HANDLE, INFINITE) };
            stop.stop();
        });
    }
}
