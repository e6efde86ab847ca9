use super::*;
use crate::options::KassatkaDialect;

/// The configuration file's folder in these tests: absolute on this system.
fn x() -> PathBuf {
    PathBuf::from(if cfg!(windows) { r"C:\x" } else { "/x" })
}

/// An absolute folder on this system.
fn srv() -> PathBuf {
    PathBuf::from(if cfg!(windows) { r"C:\srv\kb" } else { "/srv/kb" })
}

#[test]
fn the_example_is_the_default_layout() {
    let c = Config::default_layout(Some(&srv())).unwrap();
    assert_eq!(c.timings, Timings::default());
    assert_eq!(c.routes.len(), 1);
    let r = &c.routes[0];
    assert_eq!(r.name, "default");
    assert_eq!(r.inbox, srv().join("inbox"));
    assert_eq!(r.processing, srv().join("processing"));
    assert_eq!(r.outbox, srv().join("outbox"));
    assert_eq!(r.targets[0].format.name, "kassatka-xml");
    assert_eq!(r.targets[0].output_name("goods.xml"), "goods.xml");
    assert!(!c.poll);
}

/// `init` writes the Russian example when the language is Russian: the same keys and values.
#[test]
fn the_russian_example_is_the_same_configuration() {
    let parse = |text: &str| Config::parse(text, "c.toml", &x(), None).unwrap();
    let (en, mut ru) = (parse(EXAMPLE), parse(EXAMPLE_RU));
    assert_eq!(en.lang, None);
    assert_eq!(ru.lang, Some(crate::i18n::Lang::Ru));
    ru.lang = None;
    assert_eq!(format!("{en:?}"), format!("{ru:?}"));
    let srv = srv();
    let dir = Some(srv.as_path());
    let (en, mut ru) = (parse(&example_in(crate::i18n::Lang::En, dir)), parse(&example_in(crate::i18n::Lang::Ru, dir)));
    ru.lang = None;
    assert_eq!(en.data_dir, srv);
    assert_eq!(format!("{en:?}"), format!("{ru:?}"));
    // The commented keys too (a reader uncomments them): the same in both, in the same order.
    let keys = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.trim_start_matches("# "))
            .filter(|l| l.starts_with('[') || l.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')))
            .map(|l| l.split("  ").next().unwrap_or(l).trim().to_string())
            .collect()
    };
    let ru_keys: Vec<String> = keys(EXAMPLE_RU).into_iter().filter(|k| k != "lang = \"ru\"").collect();
    assert_eq!(keys(EXAMPLE), ru_keys);
}

/// Without `kassatka-dialect` the writer follows the input's layout; with it, the key wins.
#[test]
fn the_kassatka_dialect_is_optional() {
    let route = |write: &str| {
        let text = format!("[[route]]\ninbox = \"in\"\n[[route.target]]\nformat = \"kassatka-xml\"\n{write}");
        Config::parse(&text, "c.toml", &x(), None).unwrap().routes[0].targets[0].write.kassatka_dialect
    };
    assert_eq!(route(""), None);
    assert_eq!(route("[route.target.write]\nkassatka-dialect = \"1c\"\n"), Some(KassatkaDialect::OneC));
    assert_eq!(route("[route.target.write]\nkassatka-dialect = \"api\"\n"), Some(KassatkaDialect::Api));
}

#[test]
fn unknown_keys_name_their_line() {
    let text = "data-dir = \"d\"\n[[route]]\ninbox = \"in\"\npatern = [\"*\"]\n[[route.target]]\nformat = \"json\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("line 4"), "{e}");
    assert!(e.contains("patern"), "{e}");
    let text =
        "[[route]]\ninbox = \"in\"\n[[route.target]]\nformat = \"json\"\n[route.target.write]\nprice-typ = \"x\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("line 6") && e.contains("price-typ"), "{e}");
}

#[test]
fn bad_values_name_their_line() {
    let text = "check-interval = \"2x\"\n[[route]]\ninbox = \"in\"\n[[route.target]]\nformat = \"json\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("line 1") && e.contains("unit"), "{e}");
    let text = "[[route]]\ninbox = \"in\"\n[[route.target]]\nformat = \"nope\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("line 4") && e.contains("unknown format"), "{e}");
    let text = "[[route]]\ninbox = \"in\"\n[[route.target]]\nformat = \"table\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("cannot be written"), "{e}");
}

#[test]
fn folders_are_checked() {
    let text = "[[route]]\nname = \"a\"\ninbox = \"in\"\n[[route.target]]\nformat = \"json\"\n\
                [[route]]\nname = \"b\"\ninbox = \"in2\"\n[[route.target]]\nformat = \"json\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("processing"), "{e}");
    let text = "[[route]]\ninbox = \"in\"\noutbox = \"in\"\n[[route.target]]\nformat = \"json\"\n";
    assert!(Config::parse(text, "c.toml", &x(), None).is_err());
}

#[test]
fn two_targets_with_one_extension_get_format_names() {
    let text =
        "[[route]]\ninbox = \"a/in\"\n[[route.target]]\nformat = \"json\"\n[[route.target]]\nformat = \"bifit-json\"\n\
                [[route.target]]\nformat = \"bifit-csv\"\n";
    let c = Config::parse(text, "c.toml", &x(), None).unwrap();
    let names: Vec<String> = c.routes[0].targets.iter().map(|t| t.output_name("goods.xml")).collect();
    assert_eq!(names, ["goods.canonical-json.json", "goods.bifit-json.json", "goods.csv"]);
    assert_eq!(c.routes[0].processing, x().join("kassa-bridge-data/a/processing"));
}

#[test]
fn uploads_need_their_target_and_credentials() {
    let route = "[[route]]\ninbox = \"in\"\nupload = [\"kassatka\", \"bifit-api\"]\n[[route.target]]\nformat = \"kassatka-xml\"\n\
                 [[route.target]]\nformat = \"bifit-csv\"\n";
    let text = format!("{route}[kassatka]\ntoken = \"tok-123\"\n[http]\nattempts = 2\n");
    let c = Config::parse(&text, "c.toml", &x(), None).unwrap();
    let u = &c.routes[0].uploads;
    assert_eq!((u[0].name, u[0].target, u[1].name, u[1].target), ("kassatka", 0, "bifit-api", 1));
    assert_eq!(c.services.http.attempts, 2);
    assert_eq!(c.services.bifit.state_file.as_deref(), Some(x().join("kassa-bridge-data/bifit-sync.json").as_path()));
    let e = c.check_uploads().unwrap_err().to_string();
    assert!(e.contains("KASSA_BRIDGE_BIFIT_PASSWORD"), "{e}");
    assert!(!format!("{c:?}").contains("tok-123"));

    let text = "[[route]]\ninbox = \"in\"\nupload = \"bifit-csv\"\n[[route.target]]\nformat = \"kassatka-xml\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("line 3") && e.contains("format = \"bifit-csv\""), "{e}");
    let text = "[[route]]\ninbox = \"in\"\nupload = \"kasatka\"\n[[route.target]]\nformat = \"kassatka-xml\"\n";
    let e = Config::parse(text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("unknown upload"), "{e}");
    // A bad value in a services section is named by its line, never quoted.
    let text = format!("{route}[bifit]\npassword = 98765432\n");
    let e = Config::parse(&text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(!e.contains("98765432") && e.contains("line"), "{e}");
    let text = format!("{route}[bifit]\npassword = \"secret-pw\nlogin = \"7999\"\n");
    let e = Config::parse(&text, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(!e.contains("secret-pw"), "{e}");
}

#[test]
fn durations() {
    assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
    assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
    assert_eq!(parse_duration("1m 30s").unwrap(), Duration::from_secs(90));
    assert!(parse_duration("5").is_err());
}

#[test]
fn flag_files() {
    let f = FlagFile::new("{name}.flag");
    assert_eq!(f.for_file("goods.txt"), "goods.txt.flag");
    assert!(f.matcher().matches("goods.txt.flag"));
    assert!(!f.is_fixed());
    assert!(FlagFile::new("goods.flg").is_fixed());
}

#[test]
fn pulls_are_parsed_and_checked() {
    let pull = |body: &str| {
        format!("[[pull]]\nname = \"sales\"\nservice = \"kassatka\"\nfetch = \"receipts\"\n{body}[[pull.target]]\nformat = \"atol-report\"\n")
    };
    // A configuration of pulls alone; the defaults.
    let c = Config::parse(&pull("at = [\"22:30\", \"06:00\"]\n"), "c.toml", &x(), None).unwrap();
    assert!(c.routes.is_empty());
    let p = &c.pulls[0];
    assert_eq!(p.schedule, crate::watch::pull::schedule::Schedule::at(&["06:00".into(), "22:30".into()]).unwrap());
    assert_eq!(
        (p.settle, p.max_period, p.since, p.write_empty),
        (Duration::from_secs(600), Duration::from_secs(86_400), None, false)
    );
    assert_eq!(p.targets[0].outbox, x().join("kassa-bridge-data/outbox"));
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(6, 0, 0).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(22, 20, 0).unwrap(),
    );
    assert_eq!(p.output_name(&p.targets[0], from, to), "sales-20261201-060000-20261201-222000.txt");
    let c = Config::parse(&pull("every = \"15m\"\nsince = \"2024-03-01\"\nsettle = \"0s\"\n"), "c.toml", &x(), None)
        .unwrap();
    assert_eq!(c.pulls[0].since.unwrap().to_string(), "2024-03-01 00:00:00");
    // The credentials are checked when the watcher starts.
    let e = c.check_uploads().unwrap_err().to_string();
    assert!(e.contains("pull \"sales\" needs the Кассатка token"), "{e}");
    for (body, expected) in [
        ("", "needs a schedule"),
        ("every = \"15m\"\nat = [\"06:00\"]\n", "needs a schedule"),
        ("every = \"0s\"\n", "longer than zero"),
        ("at = [\"6 утра\"]\n", "bad time"),
        ("every = \"15m\"\nsince = \"01.03.2024\"\n", "bad date"),
        ("every = \"15m\"\nmax-period = \"0s\"\n", "at least one second"),
    ] {
        let e = Config::parse(&pull(body), "c.toml", &x(), None).unwrap_err().to_string();
        assert!(e.contains(expected) && e.contains("line"), "{body}: {e}");
    }
    let wrong = pull("every = \"15m\"\n").replace("receipts", "orders");
    let e = Config::parse(&wrong, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("service = \"kassatka\", fetch = \"receipts\""), "{e}");
    let wrong = pull("every = \"15m\"\n").replace("atol-report", "kassatka-xml");
    let e = Config::parse(&wrong, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("cannot hold the receipts"), "{e}");
    let twice = format!("{}{}", pull("every = \"15m\"\n"), pull("every = \"1h\"\n"));
    let e = Config::parse(&twice, "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("taken by another route or pull"), "{e}");
    let e = Config::parse("poll = true\n", "c.toml", &x(), None).unwrap_err().to_string();
    assert!(e.contains("no [[route]] and no [[pull]]"), "{e}");
}
