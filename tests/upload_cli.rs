//! The service subcommands end to end (the binary against the fake services on 127.0.0.1):
//! every mode with the seed catalogue, receipts to an ATOL report, orders, exit codes — and no
//! credential in any output, error message, log line or file.

mod upload_support;

use std::path::PathBuf;
use std::process::{Command, Output};

use upload_support::{password_hash, seed, Fault, TestServer, BIFIT_LOGIN, BIFIT_PASSWORD, KASSATKA_TOKEN, ORG};

struct Cli {
    server: TestServer,
    dir: tempfile::TempDir,
    /// Everything the runs printed, for the secrets check.
    printed: std::cell::RefCell<Vec<String>>,
}

const CONFIG: &str = "\
[http]
timeout = \"400ms\"
attempts = 3
backoff-initial = \"10ms\"
backoff-max = \"50ms\"
retry-total = \"10s\"
poll-initial = \"10ms\"
poll-max = \"30ms\"
poll-limit = \"400ms\"

[bifit]
state-file = \"state/bifit-sync.json\"
";

impl Cli {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
        Cli { server: TestServer::start(), dir, printed: Default::default() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kassa-bridge"));
        cmd.current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("KASSA_BRIDGE_CONFIG", self.path("config.toml"))
            .env("KASSA_BRIDGE_KASSATKA_URL", self.server.kassatka_url())
            .env("KASSA_BRIDGE_KASSATKA_TOKEN", KASSATKA_TOKEN)
            .env("KASSA_BRIDGE_BIFIT_URL", self.server.bifit_url())
            .env("KASSA_BRIDGE_BIFIT_LOGIN", BIFIT_LOGIN)
            .env("KASSA_BRIDGE_BIFIT_PASSWORD", BIFIT_PASSWORD)
            .env("KASSA_BRIDGE_BIFIT_ORG", ORG);
        for proxy in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
            cmd.env_remove(proxy);
        }
        cmd
    }

    fn run_with(&self, mut cmd: Command, args: &[&str]) -> (i32, String, String) {
        let Output { status, stdout, stderr } = cmd.args(args).output().unwrap();
        let (out, err) = (String::from_utf8_lossy(&stdout).into_owned(), String::from_utf8_lossy(&stderr).into_owned());
        self.printed.borrow_mut().push(format!("{args:?}\n{out}\n{err}"));
        (status.code().unwrap_or(-1), out, err)
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_with(self.command(), args)
    }

    /// Every printed text and every file left in the folder.
    fn everything(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> =
            self.printed.borrow().iter().enumerate().map(|(i, t)| (format!("run {i}"), t.clone())).collect();
        let mut stack = vec![self.dir.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    let (text, _, _) = encoding_rs::WINDOWS_1251.decode(&bytes);
                    let utf8 = String::from_utf8_lossy(&bytes).into_owned();
                    all.push((path.display().to_string(), format!("{utf8}\n{text}")));
                }
            }
        }
        all
    }
}

fn seed_arg() -> String {
    seed().display().to_string()
}

#[test]
fn the_seed_uploads_to_kassatka() {
    let cli = Cli::new();
    let (code, _, err) = cli.run(&["upload", "kassatka", &seed_arg()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("kassatka-xml → Кассатка: 3 groups, 9 products sent"), "{err}");
    assert!(err.contains(": success"), "{err}");
    let (code, out, err) = cli.run(&["upload", "kassatka", &seed_arg(), "--no-wait", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.trim().starts_with("ef9eb390-"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn quiet_uploads_print_only_a_count_of_the_conversion_warnings() {
    let cli = Cli::new();
    let input = upload_support::sample("samples/kassatka-xml/1c-processing.xml").display().to_string();
    let args = ["upload", "kassatka", &input, "--kassatka-dialect", "api"];
    let (code, _, loud) = cli.run(&args);
    assert_eq!(code, 0, "{loud}");
    assert!(loud.contains("warning: "), "{loud}");
    let (code, _, quiet) = cli.run(&[&args[..], &["-q"]].concat());
    assert_eq!(code, 0, "{quiet}");
    let count = quiet.strip_suffix(" warnings (run without -q to see them)\n").unwrap_or_else(|| panic!("{quiet:?}"));
    assert!(count.parse::<u32>().is_ok_and(|n| n > 1), "{quiet:?}");
}

#[test]
fn the_seed_uploads_to_bifit_in_both_modes() {
    let cli = Cli::new();
    let (code, _, err) = cli.run(&["upload", "bifit", &seed_arg(), "--mode", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("12 rows processed"), "{err}");
    let (code, _, err) = cli.run(&["upload", "bifit", &seed_arg(), "--mode", "api"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("products 9 created, 0 updated, 0 unchanged, 0 failed"), "{err}");
    assert!(cli.path("state/bifit-sync.json").is_file());
    let (code, _, err) = cli.run(&["upload", "bifit", &seed_arg()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("products 0 created, 0 updated, 9 unchanged, 0 failed"), "{err}");
    let (code, _, err) = cli.run(&["upload", "bifit", &seed_arg(), "--full", "--state", "other.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("products 0 created, 9 updated"), "{err}");
    assert!(cli.path("other.json").is_file());
    assert!(cli.server.state().codes().values().all(|n| *n == 1));
}

#[test]
fn receipts_become_an_atol_report_with_the_raw_xml_beside_it() {
    let cli = Cli::new();
    let (code, _, err) =
        cli.run(&["receipts", "kassatka", "--from", "2018-04-16", "--to", "2018-04-16 23:00:00", "-o", "report.txt"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("kassatka-receipts → atol-report: 4 receipts written to report.txt"), "{err}");
    let report = std::fs::read(cli.path("report.txt")).unwrap();
    assert!(report.starts_with(b"#\r\n"), "{:?}", String::from_utf8_lossy(&report));
    assert_eq!(std::fs::read(cli.path("report.txt.raw.xml")).unwrap(), cli.server.state().receipts_xml);
    // Another output of the same name with another extension keeps its own raw copy.
    std::fs::write(cli.path("report.txt.raw.xml"), "the first run's copy").unwrap();
    let (code, _, err) = cli.run(&[
        "receipts",
        "kassatka",
        "--from",
        "2018-04-16",
        "--to",
        "2018-04-16 23:00:00",
        "-o",
        "report.json",
        "-t",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(cli.path("report.json.raw.xml")).unwrap(), cli.server.state().receipts_xml);
    assert_eq!(std::fs::read_to_string(cli.path("report.txt.raw.xml")).unwrap(), "the first run's copy");
    let query = cli.server.state().matching("GET /1c-api/v1/receipts")[0].query();
    assert_eq!(query[1], ("to".into(), "2018-04-16 23:00:00".into()));
    // Default names.
    let (code, _, err) =
        cli.run(&["receipts", "kassatka", "--from", "2018-04-16", "--to", "2018-04-17", "-t", "canonical-json"]);
    assert_eq!(code, 0, "{err}");
    assert!(cli.path("receipts-20180416-20180417.json").is_file());
    assert!(cli.path("receipts-20180416-20180417.json.raw.xml").is_file());
}

#[test]
fn organizations_and_orders() {
    let cli = Cli::new();
    let (code, out, err) = cli.run(&["bifit", "orgs"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(ORG) && out.contains("ООО Удача") && out.contains("trade object 1696441791990-499179364"),
        "{out}"
    );
    let (code, out, _) = cli.run(&["bifit", "orgs", "--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["tradeObjects"][0]["name"], "Удача");
    let (code, out, err) = cli.run(&["bifit", "order", "320528", "-t", "orders-report"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Распределен"), "{out}");
    let (code, _, err) = cli.run(&["bifit", "order", "320528", "--set-status", "deleted"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("only NEW orders can be deleted") && err.contains("nothing was sent"), "{err}");
    assert_eq!(cli.server.state().count("PUT "), 0);
    let (code, _, err) = cli.run(&["bifit", "order", "320528", "--set-status", "REFUSED"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("order 320528: DISTRIBUTED → REFUSED"), "{err}");
    let (code, _, err) = cli.run(&["bifit", "order", "320528", "--set-status", "LOST"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = cli.run(&["bifit", "order", "999", "-q"]);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("HTTP 404"), "{err}");
}

#[test]
fn service_failures_exit_7_and_configuration_problems_exit_2() {
    let cli = Cli::new();
    cli.server.state().polls_until_success = None;
    let (code, _, err) = cli.run(&["upload", "kassatka", &seed_arg()]);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("still \"new\""), "{err}");
    let mut cmd = cli.command();
    cmd.env_remove("KASSA_BRIDGE_KASSATKA_TOKEN");
    let (code, _, err) = cli.run_with(cmd, &["upload", "kassatka", &seed_arg()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("KASSA_BRIDGE_KASSATKA_TOKEN"), "{err}");
    cli.server.state().rejected_codes.insert("00-00000016".into());
    let (code, _, err) = cli.run(&["upload", "bifit", &seed_arg()]);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("failed: product 00-00000016"), "{err}");
    let (code, _, err) = cli.run(&["upload", "bifit", "no-such-file.xml"]);
    assert_eq!(code, 6, "{err}");
}

#[test]
fn no_credential_is_ever_printed_logged_or_written() {
    let cli = Cli::new();
    let verbose = |args: &[&str]| {
        let mut all = args.to_vec();
        all.push("--verbose");
        cli.run(&all)
    };
    // Successes, with every request traced.
    assert_eq!(verbose(&["upload", "kassatka", &seed_arg()]).0, 0);
    assert_eq!(verbose(&["upload", "bifit", &seed_arg(), "--mode", "csv"]).0, 0);
    assert_eq!(verbose(&["upload", "bifit", &seed_arg(), "--mode", "api"]).0, 0);
    assert_eq!(verbose(&["receipts", "kassatka", "--from", "2018-04-16", "--to", "2018-04-16", "-o", "r.txt"]).0, 0);
    assert_eq!(verbose(&["bifit", "order", "320528", "-o", "order.json"]).0, 0);
    assert_eq!(verbose(&["bifit", "orgs"]).0, 0);
    // Failures whose answers echo the credentials back.
    for _ in 0..3 {
        cli.server.state().fault("POST /1c-api/v1/nomenclature", Fault::Status(500));
        cli.server.state().fault("POST /cashdesk-api/v1/protected/organizations", Fault::Status(502));
    }
    let (code, _, err) = verbose(&["upload", "kassatka", &seed_arg()]);
    assert_eq!(code, 7);
    assert!(err.contains("injected failure for api-token ***"), "{err}");
    let (code, _, err) = verbose(&["bifit", "orgs"]);
    assert_eq!(code, 7);
    assert!(err.contains("Bearer ***"), "{err}");
    let mut cmd = cli.command();
    cmd.env("KASSA_BRIDGE_BIFIT_PASSWORD", "wrong-Pa$$w0rd");
    assert_eq!(cli.run_with(cmd, &["bifit", "orgs", "-v"]).0, 7);
    // A config file of the wrong shape.
    std::fs::write(cli.path("bad.toml"), format!("[kassatka]\ntoken = 1{}\n", "2345678")).unwrap();
    let (code, _, err) = cli.run(&["upload", "kassatka", &seed_arg(), "--config", "bad.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.toml: line 2"), "{err}");
    let secrets = [
        KASSATKA_TOKEN.to_string(),
        BIFIT_PASSWORD.to_string(),
        password_hash(BIFIT_PASSWORD),
        upload_support::percent(&password_hash(BIFIT_PASSWORD)),
        password_hash("wrong-Pa$$w0rd"),
        "wrong-Pa$$w0rd".to_string(),
        BIFIT_LOGIN.to_string(),
        "SECRETACCESS".to_string(),
        "SECRETREFRESH".to_string(),
        "12345678".to_string(),
    ];
    let everything = cli.everything();
    assert!(everything.len() > 12, "{}", everything.len());
    for (name, text) in &everything {
        if name.ends_with("bad.toml") {
            continue;
        }
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{name} contains a credential ({secret}):\n{text}");
        }
    }
}
