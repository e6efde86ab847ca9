//! `service …` where there is no Service Control Manager: `install` prints the systemd unit that
//! runs the same `watch` (standard output, to redirect into a file) and how to enable it; the
//! other actions say which `systemctl` command does the same.

use kassa_bridge::tr;

use super::super::exit::{self, code_for};
use super::super::report::print_error;
use super::{InstallArgs, RunArgs};

/// The unit file for a service `name` that runs `exe watch --config config`.
fn unit(name: &str, exe: &str, config: &str, data_dir: &str) -> String {
    format!(
        "[Unit]\n\
         Description=kassa-bridge drop folder ({name})\n\
         # For an inbox on a network share, also: RequiresMountsFor=/mnt/1c-exchange\n\
         After=network-online.target\n\
         Wants=network-online.target\n\
         \n\
         [Service]\n\
         ExecStart={exe} watch --config {config}\n\
         WorkingDirectory={data_dir}\n\
         # SIGTERM finishes the current file; a large conversion gets time before SIGKILL (safe too).\n\
         KillSignal=SIGTERM\n\
         TimeoutStopSec=120\n\
         Restart=on-failure\n\
         RestartSec=5\n\
         \n\
         [Install]\n\
         WantedBy=multi-user.target\n"
    )
}

/// Quotes a path for a unit file when it holds spaces.
fn quoted(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text.contains([' ', '\t', '"']) {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text
    }
}

pub fn install(args: &InstallArgs, lang: Option<kassa_bridge::i18n::Lang>) -> u8 {
    let (config_path, config) = match super::checked_config(&args.config, lang) {
        Ok(c) => c,
        Err(e) => {
            print_error(&e);
            return code_for(e.kind());
        }
    };
    let exe = std::env::current_exe().unwrap_or_else(|_| "/usr/local/bin/kassa-bridge".into());
    let name = &args.name.name;
    print!("{}", unit(name, &quoted(&exe), &quoted(&config_path), &quoted(&config.data_dir)));
    if args.manual {
        eprintln!("{}", tr!("service-systemd-install-manual", name = name.as_str()));
    } else {
        eprintln!("{}", tr!("service-systemd-install", name = name.as_str()));
    }
    exit::OK
}

/// The `systemctl` verb of an action, said instead of done.
fn explain(verb: &str, name: &str) -> u8 {
    eprintln!("{}", tr!("service-systemd-other", command = format!("systemctl {verb} {name}")));
    exit::USAGE
}

pub fn uninstall(name: &super::NameArgs) -> u8 {
    explain("disable --now", &name.name)
}

pub fn start(name: &super::NameArgs) -> u8 {
    explain("start", &name.name)
}

pub fn stop(name: &super::NameArgs) -> u8 {
    explain("stop", &name.name)
}

pub fn status(name: &super::NameArgs) -> u8 {
    explain("status", &name.name)
}

pub fn run(args: &RunArgs, _lang: Option<kassa_bridge::i18n::Lang>) -> u8 {
    explain("start", &args.name.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_runs_watch_with_the_configuration() {
        let text = unit("shop", "/usr/local/bin/kassa-bridge", "\"/etc/kb/my shop.toml\"", "/var/lib/kb");
        assert!(
            text.contains("ExecStart=/usr/local/bin/kassa-bridge watch --config \"/etc/kb/my shop.toml\"\n"),
            "{text}"
        );
        assert!(text.contains("Description=kassa-bridge drop folder (shop)"));
        assert_eq!(quoted(std::path::Path::new("/etc/my shop.toml")), "\"/etc/my shop.toml\"");
        assert_eq!(quoted(std::path::Path::new("/etc/kb.toml")), "/etc/kb.toml");
    }
}
