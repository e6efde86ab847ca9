//! The drop folder as a Windows service, through the Service Control Manager (`windows-service`).
//!
//! `install` registers `kassa-bridge.exe service run --name NAME --config FILE` (LocalSystem,
//! automatic start, restarted after a failure). The SCM starts that; `run` hands the process to
//! the service dispatcher, whose `service_main` runs the same watcher as `watch`, logging to daily
//! files in `DATA\logs` and errors to the event log. A stop request (or the system shutting down)
//! finishes the file being converted, as Ctrl-C does at a console.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use windows_service::service::{
    ServiceAccess, ServiceAction, ServiceActionType, ServiceControl, ServiceControlAccept, ServiceErrorControl,
    ServiceExitCode, ServiceFailureActions, ServiceFailureResetPeriod, ServiceInfo, ServiceStartType, ServiceState,
    ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult, ServiceStatusHandle};
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};
use windows_service::{define_windows_service, service_dispatcher};
use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, ERROR_SERVICE_DOES_NOT_EXIST, ERROR_SERVICE_EXISTS,
    ERROR_SERVICE_MARKED_FOR_DELETE, ERROR_SERVICE_NOT_ACTIVE,
};

use kassa_bridge::i18n::Lang;
use kassa_bridge::tr;
use kassa_bridge::watch::RunMode;

use super::super::exit::{self, code_for};
use super::super::report::print_error;
use super::super::watch::{self as watch_cli, LogFormat};
use super::{InstallArgs, NameArgs, RunArgs};

mod eventlog;

const SERVICE_TYPE: ServiceType = ServiceType::OWN_PROCESS;
/// How long `start` and `stop` wait for the service to get there.
const START_WAIT: Duration = Duration::from_secs(30);
const STOP_WAIT: Duration = Duration::from_secs(120);
/// What the SCM is told a stop may take: the longest conversion.
const STOP_HINT: Duration = Duration::from_secs(120);

fn manager(access: ServiceManagerAccess) -> Result<ServiceManager, String> {
    ServiceManager::local_computer(None::<&str>, access).map_err(|e| explain(DEFAULT_FOR_ERRORS, e))
}

/// The name errors from the manager itself are reported under.
const DEFAULT_FOR_ERRORS: &str = super::DEFAULT_NAME;

/// A Windows error said for a user: what it means for this command and what to do.
fn explain(name: &str, error: windows_service::Error) -> String {
    let code = match &error {
        windows_service::Error::Winapi(e) => e.raw_os_error().map(|c| c as u32),
        _ => None,
    };
    match code {
        Some(ERROR_ACCESS_DENIED) => tr!("service-access-denied", error = error_text(&error)),
        Some(ERROR_SERVICE_DOES_NOT_EXIST) => tr!("service-not-installed", name = name),
        Some(ERROR_SERVICE_EXISTS) => tr!("service-exists", name = name),
        Some(ERROR_SERVICE_MARKED_FOR_DELETE) => tr!("service-marked-for-delete", name = name),
        _ => tr!("service-error", name = name, error = error_text(&error)),
    }
}

/// windows-service's error with its cause (the OS text), e.g. "I/O error: Access is denied".
fn error_text(error: &windows_service::Error) -> String {
    match error {
        windows_service::Error::Winapi(e) => e.to_string(),
        other => other.to_string(),
    }
}

fn fail(text: String) -> u8 {
    eprintln!("{}", tr!("watch-error", error = text.to_string()));
    exit::IO
}

pub fn install(args: &InstallArgs, lang: Option<Lang>) -> u8 {
    let name = &args.name.name;
    let (config_path, config) = match super::checked_config(&args.config, lang) {
        Ok(c) => c,
        Err(e) => {
            print_error(&e);
            return code_for(e.kind());
        }
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return fail(tr!("service-error", name = name.as_str(), error = e.to_string())),
    };
    let manager = match manager(ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE) {
        Ok(m) => m,
        Err(text) => return fail(text),
    };
    let info = ServiceInfo {
        name: OsString::from(name),
        display_name: OsString::from(format!("kassa-bridge ({name})")),
        service_type: SERVICE_TYPE,
        start_type: if args.manual { ServiceStartType::OnDemand } else { ServiceStartType::AutoStart },
        error_control: ServiceErrorControl::Normal,
        executable_path: exe,
        launch_arguments: vec![
            "service".into(),
            "run".into(),
            "--name".into(),
            name.into(),
            "--config".into(),
            config_path.clone().into_os_string(),
        ],
        dependencies: vec![],
        account_name: None, // LocalSystem
        account_password: None,
    };
    let service = match manager.create_service(&info, ServiceAccess::CHANGE_CONFIG | ServiceAccess::QUERY_CONFIG) {
        Ok(s) => s,
        Err(e) => return fail(explain(name, e)),
    };
    // Extras a service manager may not have (Wine's has neither): said, not fatal.
    let description = tr!("service-description", config = config_path.display().to_string()).to_string();
    if let Err(e) = service.set_description(description) {
        eprintln!("{}", tr!("service-partly", name = name.as_str(), error = error_text(&e)));
    }
    let restart =
        |seconds| ServiceAction { action_type: ServiceActionType::Restart, delay: Duration::from_secs(seconds) };
    let actions = ServiceFailureActions {
        reset_period: ServiceFailureResetPeriod::After(Duration::from_secs(24 * 60 * 60)),
        reboot_msg: None,
        command: None,
        actions: Some(vec![restart(10), restart(60), restart(300)]),
    };
    if let Err(e) =
        service.update_failure_actions(actions).and_then(|()| service.set_failure_actions_on_non_crash_failures(true))
    {
        eprintln!("{}", tr!("service-partly", name = name.as_str(), error = error_text(&e)));
    }
    let start = if args.manual { tr!("service-start-manual") } else { tr!("service-start-auto") };
    let next = if name == super::DEFAULT_NAME {
        "kassa-bridge service start".to_string()
    } else {
        format!("kassa-bridge service start --name {name}")
    };
    eprintln!(
        "{}",
        tr!(
            "service-installed",
            name = name.as_str(),
            start = start,
            config = config_path.display().to_string(),
            logs = logs_dir(&config.data_dir).display().to_string(),
            next = next
        )
    );
    exit::OK
}

/// Where the service writes its log: daily files in the data folder.
pub fn logs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Waits until the service is in `wanted` (or stopped, when it stops instead); the last status.
fn wait_for(
    service: &windows_service::service::Service,
    wanted: ServiceState,
    limit: Duration,
) -> windows_service::Result<ServiceStatus> {
    let started = Instant::now();
    loop {
        let status = service.query_status()?;
        if status.current_state == wanted || status.current_state == ServiceState::Stopped || started.elapsed() > limit
        {
            return Ok(status);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn open(name: &str, access: ServiceAccess) -> Result<windows_service::service::Service, String> {
    let manager = manager(ServiceManagerAccess::CONNECT)?;
    manager.open_service(name, access).map_err(|e| explain(name, e))
}

pub fn uninstall(args: &NameArgs) -> u8 {
    let name = args.name.as_str();
    let service = match open(name, ServiceAccess::QUERY_STATUS | ServiceAccess::STOP | ServiceAccess::DELETE) {
        Ok(s) => s,
        Err(text) => return fail(text),
    };
    if let Ok(status) = service.query_status() {
        if status.current_state != ServiceState::Stopped {
            eprintln!("{}", tr!("service-stopping", name = name));
            match service.stop() {
                Ok(_) => {
                    let _ = wait_for(&service, ServiceState::Stopped, STOP_WAIT);
                }
                Err(e) => eprintln!("{}", explain(name, e)),
            }
        }
    }
    if let Err(e) = service.delete() {
        return fail(explain(name, e));
    }
    drop(service);
    // Windows removes a service when the last handle to it closes: say so when it is not yet.
    let gone = matches!(
        manager(ServiceManagerAccess::CONNECT).map(|m| m.open_service(name, ServiceAccess::QUERY_STATUS)),
        Ok(Err(windows_service::Error::Winapi(ref e))) if e.raw_os_error() == Some(ERROR_SERVICE_DOES_NOT_EXIST as i32)
    );
    if gone {
        eprintln!("{}", tr!("service-uninstalled", name = name));
    } else {
        eprintln!("{}", tr!("service-uninstall-pending", name = name));
    }
    exit::OK
}

pub fn start(args: &NameArgs) -> u8 {
    let name = args.name.as_str();
    let service = match open(name, ServiceAccess::QUERY_STATUS | ServiceAccess::START | ServiceAccess::QUERY_CONFIG) {
        Ok(s) => s,
        Err(text) => return fail(text),
    };
    if let Err(e) = service.start::<&str>(&[]) {
        return fail(explain(name, e));
    }
    match wait_for(&service, ServiceState::Running, START_WAIT) {
        Ok(status) if status.current_state == ServiceState::Running => {
            let pid = status.process_id.map(|p| p.to_string()).unwrap_or_else(|| "?".into());
            eprintln!("{}", tr!("service-started", name = name, pid = pid));
            exit::OK
        }
        Ok(status) if status.current_state == ServiceState::Stopped => {
            let code = match status.exit_code {
                ServiceExitCode::ServiceSpecific(c) => c,
                ServiceExitCode::Win32(c) => c,
            };
            eprintln!(
                "{}",
                tr!("service-start-failed", name = name, code = code.to_string(), logs = configured_logs(&service))
            );
            u8::try_from(code).ok().filter(|c| *c != 0).unwrap_or(exit::IO)
        }
        Ok(status) => fail(tr!(
            "service-start-timeout",
            name = name,
            seconds = START_WAIT.as_secs().to_string(),
            state = state_text(status.current_state)
        )),
        Err(e) => fail(explain(name, e)),
    }
}

pub fn stop(args: &NameArgs) -> u8 {
    let name = args.name.as_str();
    let service = match open(name, ServiceAccess::QUERY_STATUS | ServiceAccess::STOP) {
        Ok(s) => s,
        Err(text) => return fail(text),
    };
    match service.stop() {
        Ok(_) => {}
        Err(windows_service::Error::Winapi(e)) if e.raw_os_error() == Some(ERROR_SERVICE_NOT_ACTIVE as i32) => {
            eprintln!("{}", tr!("service-not-running", name = name));
            return exit::OK;
        }
        Err(e) => return fail(explain(name, e)),
    }
    match wait_for(&service, ServiceState::Stopped, STOP_WAIT) {
        Ok(status) if status.current_state == ServiceState::Stopped => {
            eprintln!("{}", tr!("service-stopped", name = name));
            exit::OK
        }
        Ok(_) => fail(tr!("service-stop-timeout", name = name, seconds = STOP_WAIT.as_secs().to_string())),
        Err(e) => fail(explain(name, e)),
    }
}

pub fn status(args: &NameArgs) -> u8 {
    let name = args.name.as_str();
    let service = match open(name, ServiceAccess::QUERY_STATUS | ServiceAccess::QUERY_CONFIG) {
        Ok(s) => s,
        Err(text) => return fail(text),
    };
    let status = match service.query_status() {
        Ok(s) => s,
        Err(e) => return fail(explain(name, e)),
    };
    println!("{}", tr!("service-status-state", name = name, state = state_text(status.current_state)));
    if let Some(pid) = status.process_id {
        println!("  {}", tr!("service-status-pid", pid = pid.to_string()));
    }
    if let Ok(config) = service.query_config() {
        println!("  {}", tr!("service-status-command", command = config.executable_path.display().to_string()));
        let start = match config.start_type {
            ServiceStartType::AutoStart => tr!("service-start-auto"),
            ServiceStartType::OnDemand => tr!("service-start-manual"),
            _ => tr!("service-start-disabled"),
        };
        println!("  {}", tr!("service-status-start", start = start));
    }
    println!("  {}", tr!("service-status-logs", logs = configured_logs(&service)));
    exit::OK
}

/// The log folder of an installed service, from the configuration its command line names.
fn configured_logs(service: &windows_service::service::Service) -> String {
    let command = service.query_config().map(|c| c.executable_path.display().to_string()).unwrap_or_default();
    let config = command.split_once("--config ").map(|(_, rest)| rest.trim().trim_matches('"').to_string());
    config
        .and_then(|path| kassa_bridge::watch::config::Config::discover(Some(Path::new(&path)), None).ok())
        .map(|c| logs_dir(&c.data_dir).display().to_string())
        .unwrap_or_else(|| "?".into())
}

fn state_text(state: ServiceState) -> String {
    match state {
        ServiceState::Running => tr!("service-state-running"),
        ServiceState::Stopped => tr!("service-state-stopped"),
        ServiceState::StartPending => tr!("service-state-starting"),
        ServiceState::StopPending => tr!("service-state-stopping"),
        _ => tr!("service-state-paused"),
    }
}

/// What `run` hands to `service_main` (the dispatcher calls it on its own thread, without
/// arguments of ours).
struct Launch {
    name: String,
    config: PathBuf,
    lang: Option<Lang>,
}

static LAUNCH: OnceLock<Launch> = OnceLock::new();
/// The watcher's exit code, for `run` to return after the dispatcher.
static EXIT: AtomicU8 = AtomicU8::new(exit::OK);

define_windows_service!(ffi_service_main, service_main);

pub fn run(args: &RunArgs, lang: Option<Lang>) -> u8 {
    let launch = Launch { name: args.name.name.clone(), config: args.config.clone(), lang };
    let _ = LAUNCH.set(launch);
    match service_dispatcher::start(&args.name.name, ffi_service_main) {
        Ok(()) => EXIT.load(Ordering::SeqCst),
        Err(windows_service::Error::Winapi(e))
            if e.raw_os_error() == Some(ERROR_FAILED_SERVICE_CONTROLLER_CONNECT as i32) =>
        {
            eprintln!("{}", tr!("service-run-console", config = args.config.display().to_string()));
            exit::USAGE
        }
        Err(e) => fail(explain(&args.name.name, e)),
    }
}

fn service_main(_arguments: Vec<OsString>) {
    let Some(launch) = LAUNCH.get() else { return };
    let events = eventlog::EventLog::open(&launch.name);
    let code = serve(launch, &events);
    EXIT.store(code, Ordering::SeqCst);
}

/// Runs the watcher under the SCM's control; the exit code.
fn serve(launch: &Launch, events: &Arc<eventlog::EventLog>) -> u8 {
    // The handler is registered first (the SCM waits for it); the watcher's stop handle reaches it
    // once the watcher exists.
    let stop: Arc<OnceLock<kassa_bridge::watch::StopHandle>> = Arc::new(OnceLock::new());
    let status_handle: Arc<OnceLock<ServiceStatusHandle>> = Arc::new(OnceLock::new());
    let handler = {
        let (stop, status_handle) = (stop.clone(), status_handle.clone());
        move |control| match control {
            ServiceControl::Stop | ServiceControl::Shutdown | ServiceControl::Preshutdown => {
                if let Some(stop) = stop.get() {
                    stop.stop();
                }
                if let Some(handle) = status_handle.get() {
                    let _ =
                        handle.set_service_status(service_status(ServiceState::StopPending, ServiceExitCode::NO_ERROR));
                }
                ServiceControlHandlerResult::NoError
            }
            ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
            _ => ServiceControlHandlerResult::NotImplemented,
        }
    };
    let handle = match service_control_handler::register(&launch.name, handler) {
        Ok(h) => h,
        Err(e) => {
            events.error(&explain(&launch.name, e).to_string());
            return exit::IO;
        }
    };
    let _ = status_handle.set(handle);
    let _ = handle.set_service_status(service_status(ServiceState::StartPending, ServiceExitCode::NO_ERROR));

    let code = run_watcher(launch, events, &stop, &handle);
    let exit_code =
        if code == exit::OK { ServiceExitCode::NO_ERROR } else { ServiceExitCode::ServiceSpecific(code.into()) };
    events.info(
        &tr!("service-event-stopped", config = launch.config.display().to_string(), code = code.to_string())
            .to_string(),
    );
    let _ = handle.set_service_status(service_status(ServiceState::Stopped, exit_code));
    code
}

fn run_watcher(
    launch: &Launch,
    events: &Arc<eventlog::EventLog>,
    stop: &OnceLock<kassa_bridge::watch::StopHandle>,
    handle: &ServiceStatusHandle,
) -> u8 {
    let folder = watch_cli::FolderArgs { config: Some(launch.config.clone()), data_dir: None };
    let config = match folder.config(launch.lang) {
        Ok(c) => c,
        Err(e) => {
            events.error(&e.to_string());
            return code_for(e.kind());
        }
    };
    let logs = logs_dir(&config.data_dir);
    watch_cli::init_logging(
        LogFormat::Human,
        0,
        false,
        Some(&logs),
        Some(Box::new(eventlog::ErrorLayer::new(events.clone()))),
    );
    events.info(
        &tr!("service-event-started", config = launch.config.display().to_string(), logs = logs.display().to_string())
            .to_string(),
    );
    watch_cli::run_watcher(config, RunMode::Forever, |stop_handle| {
        let _ = stop.set(stop_handle);
        let _ = handle.set_service_status(service_status(ServiceState::Running, ServiceExitCode::NO_ERROR));
    })
}

fn service_status(state: ServiceState, exit_code: ServiceExitCode) -> ServiceStatus {
    let (controls_accepted, wait_hint) = match state {
        ServiceState::Running => (ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN, Duration::ZERO),
        ServiceState::StopPending => (ServiceControlAccept::empty(), STOP_HINT),
        ServiceState::StartPending => (ServiceControlAccept::empty(), START_WAIT),
        _ => (ServiceControlAccept::empty(), Duration::ZERO),
    };
    ServiceStatus {
        service_type: SERVICE_TYPE,
        current_state: state,
        controls_accepted,
        exit_code,
        checkpoint: 0,
        wait_hint,
        process_id: None,
    }
}
