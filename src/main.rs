//! The `kassa-bridge` command line. All the work is in the library; this maps it to flags,
//! terminal output and exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
