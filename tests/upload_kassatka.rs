//! Кассатка's 1C API against a fake server on 127.0.0.1: the exact requests, polling, retries,
//! faults, and the receipts download converted for 1C.

mod upload_support;

use std::time::{Duration, Instant};

use kassa_bridge::convert::ConvertOptions;
use kassa_bridge::output::OutputTarget;
use kassa_bridge::sink::CollectSink;
use kassa_bridge::text::RawInput;
use kassa_bridge::upload::kassatka::{self, KassatkaClient};
use kassa_bridge::upload::{self, Http, Progress, Target};
use kassa_bridge::Diagnostics;

use upload_support::{sample, seed, Fault, TestServer, KASSATKA_TOKEN};

fn client(server: &TestServer) -> KassatkaClient {
    let dir = tempfile::tempdir().unwrap();
    let config = server.config(&dir.path().join("state.json"));
    KassatkaClient::new(&config.kassatka, Http::new(config.http.clone()).unwrap()).unwrap()
}

fn upload(server: &TestServer, input: &std::path::Path) -> upload::Result<kassatka::NomenclatureUpload> {
    let mut diag = Diagnostics::new(false);
    kassatka::upload_nomenclature(&client(server), input, &ConvertOptions::default(), &mut diag, &mut |_| {})
}

fn read_products(xml: &[u8]) -> CollectSink {
    let mut sink = CollectSink::default();
    let input = RawInput::from_bytes("uploaded.xml", xml.to_vec()).unwrap();
    kassa_bridge::formats::kassatka_nomenclature::read(
        input,
        &Default::default(),
        &mut sink,
        &mut Diagnostics::new(false),
    )
    .unwrap();
    sink
}

#[test]
fn the_seed_catalogue_is_posted_as_multipart_and_polled_to_success() {
    let server = TestServer::start();
    let mut seen = Vec::new();
    let mut diag = Diagnostics::new(false);
    let outcome =
        kassatka::upload_nomenclature(&client(&server), &seed(), &ConvertOptions::default(), &mut diag, &mut |p| {
            seen.push(format!("{p:?}"))
        })
        .unwrap();
    assert_eq!(outcome.status.as_deref(), Some("success"));
    assert_eq!((outcome.counts.groups, outcome.counts.products), (3, 9));
    let st = server.state();
    let lines: Vec<String> = st.requests.iter().map(|r| r.line()).collect();
    let key = &outcome.process_key;
    assert_eq!(
        lines,
        [
            "POST /1c-api/v1/nomenclature".to_string(),
            format!("GET /1c-api/v1/process/{key}"),
            format!("GET /1c-api/v1/process/{key}"),
        ]
    );
    for r in &st.requests {
        assert_eq!(r.header("api-token"), Some(KASSATKA_TOKEN), "{}", r.line());
    }
    let post = &st.requests[0];
    let parts = post.multipart();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name, "nomenclature");
    assert_eq!(parts[0].filename.as_deref(), Some("nomenclature.xml"));
    let xml = String::from_utf8(parts[0].data.clone()).unwrap();
    assert!(xml.contains("<ProductsGroups"), "{xml}");
    // What arrived is the whole catalogue.
    let sent = read_products(&parts[0].data);
    assert_eq!(sent.records.len(), 12);
    assert!(seen.iter().any(|s| s.contains("Waiting") && s.contains("success")), "{seen:?}");
}

#[test]
fn any_catalogue_is_converted_to_kassatka_xml_first() {
    let server = TestServer::start();
    let outcome = upload(&server, &sample("samples/bifit-csv/reference-rows.csv")).unwrap();
    assert_eq!(outcome.from_format, "bifit-csv");
    let st = server.state();
    let xml = String::from_utf8(st.nomenclature_uploads[0].clone()).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<ProductsGroups"), "{xml}");
}

#[test]
fn server_errors_are_retried_and_nothing_is_lost() {
    let server = TestServer::start();
    server.state().fault("POST /1c-api/v1/nomenclature", Fault::Status(500));
    server.state().fault("POST /1c-api/v1/nomenclature", Fault::Status(503));
    server.state().fault("GET /1c-api/v1/process/", Fault::Status(502));
    let outcome = upload(&server, &seed()).unwrap();
    assert_eq!(outcome.status.as_deref(), Some("success"));
    let st = server.state();
    assert_eq!(st.count("POST /1c-api/v1/nomenclature"), 3);
    assert_eq!(st.nomenclature_uploads.len(), 1, "only the successful try was taken");
    assert_eq!(st.count("GET /1c-api/v1/process/"), 3);
}

#[test]
fn a_service_that_stays_broken_is_given_up_on_after_the_configured_tries() {
    let server = TestServer::start();
    for _ in 0..10 {
        server.state().fault("POST /1c-api/v1/nomenclature", Fault::Status(500));
    }
    let start = Instant::now();
    let err = upload(&server, &seed()).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status(), Some(500));
    let text = err.to_string();
    assert!(text.contains("failed after 4 tries"), "{text}");
    assert_eq!(server.state().count("POST /1c-api/v1/nomenclature"), 4);
}

#[test]
fn slow_answers_broken_connections_and_garbage_are_retried() {
    let server = TestServer::start();
    server.state().fault("POST /1c-api/v1/nomenclature", Fault::Slow(Duration::from_millis(900)));
    server.state().fault("POST /1c-api/v1/nomenclature", Fault::BreakOff);
    server.state().fault("POST /1c-api/v1/nomenclature", Fault::Garbage);
    let start = Instant::now();
    let outcome = upload(&server, &seed()).unwrap();
    assert_eq!(outcome.status.as_deref(), Some("success"));
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
    assert_eq!(server.state().count("POST /1c-api/v1/nomenclature"), 4);
}

#[test]
fn a_job_that_stays_new_is_given_up_on_at_the_time_limit() {
    let server = TestServer::start();
    server.state().polls_until_success = None;
    let start = Instant::now();
    let err = upload(&server, &seed()).unwrap_err();
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(400) && took < Duration::from_secs(3), "{took:?}");
    let text = err.to_string();
    assert!(text.contains("is still \"new\""), "{text}");
    assert!(text.contains("poll-limit"), "{text}");
    assert!(matches!(err, upload::Error::Remote { .. }));
    let polls = server.state().count("GET /1c-api/v1/process/");
    assert!((3..=60).contains(&polls), "{polls} polls");
}

#[test]
fn a_job_that_fails_ends_the_wait_with_its_status() {
    let server = TestServer::start();
    server.state().process_failure = Some("error".into());
    let err = upload(&server, &seed()).unwrap_err();
    assert!(err.to_string().contains("ended with status \"error\""), "{err}");
}

#[test]
fn a_refused_token_is_not_retried() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut config = server.config(&dir.path().join("s.json"));
    config.kassatka.token = Some(kassa_bridge::upload::Secret::new("wrong-token-value"));
    let c = KassatkaClient::new(&config.kassatka, Http::new(config.http.clone()).unwrap()).unwrap();
    let err = kassatka::upload_nomenclature(
        &c,
        &seed(),
        &ConvertOptions::default(),
        &mut Diagnostics::new(false),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("api-token was refused"), "{err}");
    assert!(!err.to_string().contains("wrong-token-value"));
    assert_eq!(server.state().requests.len(), 1);
}

#[test]
fn the_drop_folder_entry_point_uploads_to_kassatka() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let config = server.config(&dir.path().join("s.json"));
    let outcome = upload::upload_file(
        &config,
        Target::Kassatka,
        &seed(),
        &ConvertOptions::default(),
        &mut Diagnostics::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert!(outcome.is_clean());
    assert!(outcome.to_string().contains("success"), "{outcome}");
}

#[test]
fn receipts_are_downloaded_kept_raw_and_converted_to_an_atol_report() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("report.raw.xml");
    let out = dir.path().join("report.txt");
    let from = kassatka::parse_period_bound("2018-04-16", false).unwrap();
    let to = kassatka::parse_period_bound("2018-04-16", true).unwrap();
    let opts = ConvertOptions { to: "atol-report".into(), ..Default::default() };
    server.state().fault("GET /1c-api/v1/download/", Fault::BreakOff);
    let mut waited = 0;
    let d = kassatka::download_receipts(
        &client(&server),
        from,
        to,
        &raw,
        &OutputTarget::File(out.clone()),
        &opts,
        &mut Diagnostics::new(false),
        &mut |p| {
            if matches!(p, Progress::Waiting { .. }) {
                waited += 1
            }
        },
    )
    .unwrap();
    assert_eq!(waited, 2);
    assert_eq!(d.summary.counts.receipts, 4);
    assert_eq!(std::fs::read(&raw).unwrap(), server.state().receipts_xml, "the raw XML is kept as sent");
    let st = server.state();
    let get = &st.matching("GET /1c-api/v1/receipts")[0];
    assert_eq!(get.raw_query, "from=2018-04-16%2000:00:00&to=2018-04-16%2023:59:59");
    assert_eq!(get.query_value("from").as_deref(), Some("2018-04-16 00:00:00"));
    assert_eq!(get.header("api-token"), Some(KASSATKA_TOKEN));
    let key = d.process_key.clone();
    assert_eq!(st.count(&format!("GET /1c-api/v1/download/{key}")), 2, "the broken transfer was retried");
    drop(st);
    // The output is an ATOL report 1C loads: read it back.
    let mut sink = CollectSink::default();
    let input = RawInput::open(&out).unwrap();
    kassa_bridge::formats::atol::report::read(input, &Default::default(), &mut sink, &mut Diagnostics::new(false))
        .unwrap();
    assert_eq!(sink.records.len(), 4);
    // No temporary files are left behind.
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["report.raw.xml", "report.txt"]);
}

#[test]
fn a_period_that_ends_before_it_starts_sends_nothing() {
    let server = TestServer::start();
    let from = kassatka::parse_period_bound("2018-05-01", false).unwrap();
    let to = kassatka::parse_period_bound("2018-04-01", true).unwrap();
    let err = client(&server).request_receipts(from, to).unwrap_err();
    assert!(matches!(err, upload::Error::Config(_)), "{err}");
    assert!(server.state().requests.is_empty());
}
