//! `service install|uninstall|start|stop|status`: the drop folder as a service of the system. On
//! Windows through the Service Control Manager (`windows.rs`); elsewhere the command explains the
//! systemd unit instead (`systemd.rs`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[cfg(not(windows))]
mod systemd;
#[cfg(windows)]
mod windows;

#[cfg(not(windows))]
use systemd as system;
#[cfg(windows)]
use windows as system;

/// The service name when `--name` is not given.
pub const DEFAULT_NAME: &str = "kassa-bridge";

#[derive(Debug, Args)]
pub struct ServiceArgs {
    #[command(subcommand)]
    pub action: ServiceAction,
}

#[derive(Debug, Subcommand)]
pub enum ServiceAction {
    /// Register `kassa-bridge watch --config FILE` as a service that starts with the system and is
    /// restarted after a failure (Windows; elsewhere prints the systemd unit to install).
    Install(InstallArgs),
    /// Stop the service and remove it (its data folder and configuration stay).
    Uninstall(NameArgs),
    /// Start the service and wait until it runs.
    Start(NameArgs),
    /// Ask the service to stop: the file being converted is finished first.
    Stop(NameArgs),
    /// Show whether the service runs, its process, configuration and log folder.
    Status(NameArgs),
    /// What the Service Control Manager starts: `watch` under its control (not for a console).
    #[command(hide = true)]
    Run(RunArgs),
}

/// Which service: declared once for every action.
#[derive(Debug, Args)]
pub struct NameArgs {
    /// The service's name (several drop folders on one machine need one each).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_NAME)]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    #[command(flatten)]
    pub name: NameArgs,
    /// The drop-folder configuration the service runs (checked now; its path is made absolute).
    #[arg(short, long, value_name = "FILE", default_value = kassa_bridge::watch::config::DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// Start only when asked (`service start`), not with the system.
    #[arg(long)]
    pub manual: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub name: NameArgs,
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,
}

pub fn service(args: &ServiceArgs, lang: Option<kassa_bridge::i18n::Lang>) -> u8 {
    match &args.action {
        ServiceAction::Install(a) => system::install(a, lang),
        ServiceAction::Uninstall(a) => system::uninstall(a),
        ServiceAction::Start(a) => system::start(a),
        ServiceAction::Stop(a) => system::stop(a),
        ServiceAction::Status(a) => system::status(a),
        ServiceAction::Run(a) => system::run(a, lang),
    }
}

/// The configuration an install names: absolute, and read once so that a mistake shows now rather
/// than in the service's log.
fn checked_config(
    path: &std::path::Path,
    lang: Option<kassa_bridge::i18n::Lang>,
) -> Result<(PathBuf, kassa_bridge::watch::config::Config), kassa_bridge::Error> {
    let absolute = std::path::absolute(path).map_err(|e| kassa_bridge::Error::io(path, e))?;
    let folder = super::watch::FolderArgs { config: Some(absolute.clone()), data_dir: None };
    let config = folder.config(lang)?;
    Ok((absolute, config))
}
