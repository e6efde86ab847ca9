//! БИФИТ Касса's cashdesk API against a fake server on 127.0.0.1: OAuth (hashed password,
//! refresh before expiry and after a 401), organizations, the CSV import, the per-item upload
//! with delta sync (no duplicates on re-runs or lost answers), and online orders.

mod upload_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use kassa_bridge::convert::ConvertOptions;
use kassa_bridge::orders::OrderStatus;
use kassa_bridge::output::OutputTarget;
use kassa_bridge::upload::bifit::{self, BifitClient};
use kassa_bridge::upload::bifit_goods::{self, ApiOptions, ApiOutcome, Tally};
use kassa_bridge::upload::sync_state::SyncState;
use kassa_bridge::upload::{self, Http, ServicesConfig, Target};
use kassa_bridge::Diagnostics;

use upload_support::{password_hash, sample, seed, Fault, TestServer, BIFIT_LOGIN, BIFIT_PASSWORD, ORG};

struct Setup {
    server: TestServer,
    dir: tempfile::TempDir,
    config: ServicesConfig,
}

impl Setup {
    fn new() -> Self {
        let server = TestServer::start();
        let dir = tempfile::tempdir().unwrap();
        let config = server.config(&dir.path().join("state").join("bifit-sync.json"));
        Setup { server, dir, config }
    }

    fn client(&self) -> BifitClient {
        BifitClient::new(&self.config.bifit, Http::new(self.config.http.clone()).unwrap()).unwrap()
    }

    fn state_path(&self) -> PathBuf {
        self.config.bifit.state_path()
    }

    fn api(&self, input: &Path, full: bool) -> ApiOutcome {
        self.api_with(&self.client(), input, full)
    }

    fn api_with(&self, client: &BifitClient, input: &Path, full: bool) -> ApiOutcome {
        let mut state = SyncState::load(&self.state_path()).unwrap();
        bifit_goods::upload_api(
            client,
            input,
            &ConvertOptions::default(),
            &ApiOptions { full },
            &mut state,
            &mut Diagnostics::new(false),
            &mut |_| {},
        )
        .unwrap()
    }

    /// The seed with one product's retail price changed.
    fn changed_seed(&self) -> PathBuf {
        let text = std::fs::read_to_string(seed()).unwrap().replace("Price=\"500,00\"", "Price=\"525,00\"");
        let path = self.dir.path().join("changed.xml");
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn tally(created: u64, updated: u64, unchanged: u64, failed: u64) -> Tally {
    Tally { created, updated, unchanged, failed }
}

#[test]
fn the_token_request_sends_the_hashed_password_as_a_form() {
    let s = Setup::new();
    let orgs = s.client().organizations_with_trade_objects().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].id, ORG);
    assert_eq!(orgs[0].trade_objects[0].id, "1696441791990-499179364");
    let st = s.server.state();
    let token = &st.matching("POST /cashdesk-api/v1/oauth/token")[0];
    assert_eq!(token.header("content-type"), Some("application/x-www-form-urlencoded"));
    let form = token.form();
    let expected = [
        ("username", BIFIT_LOGIN.to_string()),
        ("password", password_hash(BIFIT_PASSWORD)),
        ("client_id", "cashdesk-rest-client".to_string()),
        ("client_secret", "cashdesk-rest-client".to_string()),
        ("grant_type", "password".to_string()),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    assert_eq!(form, expected);
    // 44 characters of padded standard base64; `+`, `/` and `=` are percent-encoded on the wire.
    assert_eq!(password_hash(BIFIT_PASSWORD).len(), 44);
    assert!(!String::from_utf8_lossy(&token.body).contains(BIFIT_PASSWORD));
    let lines: Vec<String> = st.requests.iter().map(|r| r.line()).collect();
    assert_eq!(
        lines,
        [
            "POST /cashdesk-api/v1/oauth/token",
            "POST /cashdesk-api/v1/protected/organizations/list/read_all",
            "POST /cashdesk-api/v1/protected/trade_objects/list/read_all",
        ]
    );
    let trade = &st.requests[2];
    assert_eq!(trade.query_value("organization_id").as_deref(), Some(ORG));
    assert_eq!(trade.header("authorization"), Some("Bearer at-1-SECRETACCESS"));
    assert_eq!(st.token_counter, 1, "one token for all calls");
}

#[test]
fn an_expired_token_is_refreshed_once_and_the_call_repeated() {
    let s = Setup::new();
    let client = s.client();
    client.organizations().unwrap();
    s.server.state().expire_access_tokens();
    client.organizations().unwrap();
    let st = s.server.state();
    let tokens = st.matching("POST /cashdesk-api/v1/oauth/token");
    assert_eq!(tokens.len(), 2);
    let form = tokens[1].form();
    assert!(form.contains(&("grant_type".into(), "refresh_token".into())), "{form:?}");
    assert!(form.contains(&("refresh_token".into(), "rt-1-SECRETREFRESH".into())), "{form:?}");
    assert!(!form.iter().any(|(k, _)| k == "password"));
    assert_eq!(st.count("POST /cashdesk-api/v1/protected/organizations"), 3, "the 401, then the repeat");
}

#[test]
fn a_token_about_to_expire_is_refreshed_before_the_call() {
    let s = Setup::new();
    s.server.state().expires_in = 30; // less than the minute kept in hand
    let client = s.client();
    client.organizations().unwrap();
    s.server.state().expires_in = 43199;
    client.organizations().unwrap();
    client.organizations().unwrap();
    let st = s.server.state();
    let tokens = st.matching("POST /cashdesk-api/v1/oauth/token");
    assert_eq!(tokens.len(), 2, "one refresh, then the long-lived token is kept");
    assert!(tokens[1].form().contains(&("grant_type".into(), "refresh_token".into())));
    assert_eq!(st.count("POST /cashdesk-api/v1/protected/organizations"), 3, "no call answered 401");
}

#[test]
fn a_refused_refresh_falls_back_to_the_password() {
    let s = Setup::new();
    let client = s.client();
    client.organizations().unwrap();
    {
        let mut st = s.server.state();
        st.expire_access_tokens();
        st.refresh_tokens.clear();
    }
    client.organizations().unwrap();
    let st = s.server.state();
    let grants: Vec<String> = st
        .matching("POST /cashdesk-api/v1/oauth/token")
        .iter()
        .map(|r| r.form().into_iter().find(|(k, _)| k == "grant_type").unwrap().1)
        .collect();
    assert_eq!(grants, ["password", "refresh_token", "password"]);
}

#[test]
fn wrong_credentials_are_an_error_without_the_password() {
    let s = Setup::new();
    let mut config = s.config.bifit.clone();
    config.password = Some(upload::Secret::new("not-the-password-42"));
    let client = BifitClient::new(&config, Http::new(s.config.http.clone()).unwrap()).unwrap();
    let err = client.organizations().unwrap_err();
    assert_eq!(err.status(), Some(400));
    let text = err.to_string();
    assert!(text.contains("login or password was refused"), "{text}");
    assert!(!text.contains("not-the-password-42") && !text.contains(&password_hash("not-the-password-42")));
    assert!(!format!("{client:?}{config:?}").contains("not-the-password-42"));
    assert_eq!(s.server.state().requests.len(), 1, "a 400 is not retried");
}

#[test]
fn csv_mode_posts_the_bifit_csv_file_and_reports_the_answer() {
    let s = Setup::new();
    let mut diag = Diagnostics::new(false);
    let outcome =
        bifit_goods::upload_csv(&s.client(), &seed(), &ConvertOptions::default(), &mut diag, &mut |_| {}).unwrap();
    assert!(outcome.is_clean(), "{outcome}");
    assert_eq!(outcome.item_qty, Some(12));
    let st = s.server.state();
    let post = &st.matching("POST /cashdesk-api/v1/protected/exchange/csv/upload")[0];
    assert_eq!(post.query_value("charset").as_deref(), Some("cp1251"));
    assert_eq!(post.query_value("organization_id").as_deref(), Some(ORG));
    assert!(post.header("authorization").unwrap().starts_with("Bearer "));
    let parts = post.multipart();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name, "file");
    assert_eq!(parts[0].filename.as_deref(), Some("nomenclatures.csv"));
    let (text, _, bad) = encoding_rs::WINDOWS_1251.decode(&parts[0].data);
    assert!(!bad);
    assert!(text.starts_with("ID;EXTERNAL_CODE;EXTERNAL_ID;NAME;"), "{text}");
    assert!(text.contains("Версан в капс. №60"), "{text}");
}

#[test]
fn csv_mode_reports_the_rows_bifit_refused() {
    let s = Setup::new();
    s.server.state().csv_answer = Some(json!({
        "exceptionMessage": "Ошибки в строках",
        "exceptionList": ["Строка 3: неверная цена", {"row": 5, "message": "нет наименования"}],
        "itemQty": 10, "consumedTime": 3
    }));
    let outcome = bifit_goods::upload_csv(
        &s.client(),
        &seed(),
        &ConvertOptions::default(),
        &mut Diagnostics::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert!(!outcome.is_clean());
    assert_eq!(outcome.exception_message.as_deref(), Some("Ошибки в строках"));
    assert_eq!(outcome.problems, ["Строка 3: неверная цена", "row 5: нет наименования"]);
}

#[test]
fn api_mode_creates_folders_first_then_products_pointing_at_them() {
    let s = Setup::new();
    let outcome = s.api(&seed(), false);
    assert!(outcome.is_clean(), "{outcome:?}");
    assert_eq!(outcome.folders, tally(3, 0, 0, 0));
    assert_eq!(outcome.products, tally(9, 0, 0, 0));
    let st = s.server.state();
    let posts = st.matching("POST /cashdesk-api/v1/protected/nomenclatures");
    assert_eq!(posts.len(), 12);
    let grouped: Vec<bool> = posts.iter().map(|p| p.json()["item"]["grouped"] == true).collect();
    assert_eq!(grouped.iter().take_while(|g| **g).count(), 3, "the three folders come first: {grouped:?}");
    for p in &posts {
        assert_eq!(p.header("content-type"), Some("application/json"));
        assert_eq!(p.header("idempotency-key").map(str::len), Some(64));
        let body = p.json();
        assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), ["item"], "the documented wrapper");
        assert_eq!(body["item"]["organizationId"], ORG);
    }
    // Every item was looked up by its external id first (so a re-run updates instead).
    let lookups = st.matching("GET /cashdesk-api/v1/protected/nomenclatures/external_id/");
    assert_eq!(lookups.len(), 12);
    assert!(lookups.iter().any(|l| l.path.ends_with("/external_id/УТ-00000003")));
    assert!(lookups.iter().all(|l| l.query_value("organization_id").as_deref() == Some(ORG)));
    // parentExternalId became the folder's Bifit id.
    let folder = st.item("00-00000001").unwrap()["id"].clone();
    assert_eq!(st.item("00-00000019").unwrap()["parentId"], folder);
    assert_eq!(st.item("00-00000019").unwrap()["sellingPrice"], json!(100.00));
    assert!(st.item("УТ-00000002").unwrap()["parentId"].is_null());
    assert!(st.codes().values().all(|n| *n == 1));
}

#[test]
fn a_re_run_sends_only_what_changed_and_never_duplicates() {
    let s = Setup::new();
    s.api(&seed(), false);
    let before = s.server.state().requests.len();
    // Unchanged: nothing is looked up or sent.
    let again = s.api(&seed(), false);
    assert_eq!(again.products, tally(0, 0, 9, 0));
    assert_eq!(again.folders, tally(0, 0, 3, 0));
    let after = s.server.state().requests.len();
    assert!(s.server.state().requests[before..after].iter().all(|r| !r.path.contains("/nomenclatures")));
    // One price changed: one update, with the item's Bifit id.
    let changed = s.api(&s.changed_seed(), false);
    assert_eq!(changed.products, tally(0, 1, 8, 0));
    {
        let st = s.server.state();
        let puts = st.matching("PUT /cashdesk-api/v1/protected/nomenclatures");
        assert_eq!(puts.len(), 1);
        let item = &puts[0].json()["item"];
        assert_eq!(item["externalId"], "00-00000016");
        assert_eq!(item["sellingPrice"], json!(525.00));
        assert_eq!(item["id"], st.item("00-00000016").unwrap()["id"]);
    }
    // --full: everything is sent again, as updates.
    let full = s.api(&s.changed_seed(), true);
    assert_eq!(full.products, tally(0, 9, 0, 0));
    assert_eq!(full.folders, tally(0, 3, 0, 0));
    // The state file lost: everything is found by external id and updated, not created.
    std::fs::remove_file(s.state_path()).unwrap();
    let lost = s.api(&seed(), false);
    assert_eq!(lost.products, tally(0, 9, 0, 0));
    let st = s.server.state();
    assert_eq!(st.nomenclatures.len(), 12);
    assert!(st.codes().values().all(|n| *n == 1), "{:?}", st.codes());
    assert_eq!(st.count("POST /cashdesk-api/v1/protected/nomenclatures"), 12, "created once each");
}

#[test]
fn a_create_whose_answer_was_lost_is_not_made_twice() {
    let s = Setup::new();
    {
        let mut st = s.server.state();
        // The server creates the item but answers too late; a lookup gets garbage back.
        st.fault("POST /cashdesk-api/v1/protected/nomenclatures", Fault::Slow(Duration::from_millis(900)));
        st.fault("GET /cashdesk-api/v1/protected/nomenclatures/external_id/", Fault::Garbage);
    }
    let outcome = s.api(&seed(), false);
    assert!(outcome.is_clean(), "{outcome:?}");
    assert_eq!(outcome.folders.created + outcome.products.created, 12);
    let st = s.server.state();
    assert_eq!(st.nomenclatures.len(), 12);
    assert!(st.codes().values().all(|n| *n == 1), "{:?}", st.codes());
    // The first folder: garbage, not found, (slow create), found.
    assert_eq!(st.count("GET /cashdesk-api/v1/protected/nomenclatures/external_id/00-00000001"), 3);
    assert_eq!(st.count("POST /cashdesk-api/v1/protected/nomenclatures"), 12);
}

#[test]
fn a_refused_item_fails_alone_and_is_sent_again_next_time() {
    let s = Setup::new();
    s.server.state().rejected_codes.insert("00-00000019".into());
    let first = s.api(&seed(), false);
    assert_eq!(first.products, tally(8, 0, 0, 1));
    assert_eq!(first.failures.len(), 1);
    assert_eq!(first.failures[0].external_id, "00-00000019");
    assert!(first.failures[0].message.contains("Недопустимое значение"), "{}", first.failures[0].message);
    assert!(!first.is_clean());
    s.server.state().rejected_codes.clear();
    let second = s.api(&seed(), false);
    assert_eq!(second.products, tally(1, 0, 8, 0));
    assert!(second.is_clean());
}

#[test]
fn products_of_a_folder_that_failed_wait_for_it() {
    let s = Setup::new();
    s.server.state().rejected_codes.insert("00-00000009".into());
    let outcome = s.api(&seed(), false);
    assert_eq!(outcome.folders, tally(2, 0, 0, 1));
    assert_eq!(outcome.products, tally(6, 0, 0, 3));
    assert!(outcome.failures.iter().any(|f| f.message.contains("its folder 00-00000009 was not uploaded")));
    s.server.state().rejected_codes.clear();
    let again = s.api(&seed(), false);
    assert_eq!((again.folders, again.products), (tally(1, 0, 2, 0), tally(3, 0, 6, 0)));
}

#[test]
fn an_unreachable_service_stops_the_upload_and_keeps_what_was_done() {
    let s = Setup::new();
    {
        let mut st = s.server.state();
        // The 5th item's create fails on every try.
        for _ in 0..4 {
            st.fault("POST /cashdesk-api/v1/protected/nomenclatures", Fault::Status(503));
        }
    }
    // The first item's four tries all fail, so nothing after it is tried.
    let outcome = s.api(&seed(), false);
    assert!(outcome.aborted.as_deref().is_some_and(|m| m.contains("HTTP 503")), "{outcome:?}");
    assert_eq!(outcome.not_attempted, 11);
    assert_eq!(outcome.folders.failed, 1);
    assert_eq!(s.server.state().count("POST /cashdesk-api/v1/protected/nomenclatures"), 4, "bounded retries");
    let again = s.api(&seed(), false);
    assert!(again.is_clean());
    assert_eq!(again.folders.created + again.products.created, 12);
}

#[test]
fn the_drop_folder_entry_point_uploads_to_both_bifit_paths() {
    let s = Setup::new();
    let mut diag = Diagnostics::new(false);
    let csv =
        upload::upload_file(&s.config, Target::BifitCsv, &seed(), &ConvertOptions::default(), &mut diag, &mut |_| {})
            .unwrap();
    assert!(csv.is_clean(), "{csv}");
    let api =
        upload::upload_file(&s.config, Target::BifitApi, &seed(), &ConvertOptions::default(), &mut diag, &mut |_| {})
            .unwrap();
    assert!(api.is_clean(), "{api}");
    assert!(api.to_string().contains("products 9 created"), "{api}");
    assert!(s.state_path().is_file());
}

#[test]
fn other_catalogues_upload_through_the_api_too() {
    let s = Setup::new();
    let outcome = s.api(&sample("samples/bifit-json/items.json"), false);
    assert!(outcome.is_clean(), "{outcome:?}");
    assert!(outcome.products.created > 0);
}

#[test]
fn an_order_is_fetched_and_converted() {
    let s = Setup::new();
    let out = s.dir.path().join("order.csv");
    let opts = ConvertOptions { to: "orders-report".into(), ..Default::default() };
    let summary = bifit::fetch_order(
        &s.client(),
        "320528",
        &OutputTarget::File(out.clone()),
        &opts,
        &mut Diagnostics::new(false),
    )
    .unwrap();
    assert_eq!(summary.counts.orders, 1);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("320528") && text.contains("Распределен"), "{text}");
    assert_eq!(s.server.state().count("GET /cashdesk-api/v1/protected/online_orders/320528"), 1);
}

#[test]
fn an_allowed_status_change_is_sent() {
    let s = Setup::new();
    let change = s.client().set_order_status("320528", OrderStatus::Refused, None).unwrap();
    assert_eq!((change.from, change.to, change.sent), (OrderStatus::Distributed, OrderStatus::Refused, true));
    let st = s.server.state();
    let put = &st.matching("PUT /cashdesk-api/v1/protected/online_orders")[0];
    let order = &put.json()["onlineOrder"];
    assert_eq!(order["currentStatusType"], "REFUSED");
    assert_eq!(order["id"], 320528);
    assert_eq!(st.orders["320528"]["currentStatusType"], "REFUSED");
}

#[test]
fn a_forbidden_status_change_sends_nothing() {
    let s = Setup::new();
    // DISTRIBUTED → DELETED: only NEW orders can be deleted.
    let err = s.client().set_order_status("320528", OrderStatus::Deleted, None).unwrap_err();
    assert!(matches!(err, upload::Error::Refused(_)), "{err}");
    assert!(err.to_string().contains("only NEW orders can be deleted"), "{err}");
    assert_eq!(s.server.state().count("PUT "), 0);
    // With the expected status the rule is checked before any request at all.
    let before = s.server.state().requests.len();
    let err = s.client().set_order_status("320528", OrderStatus::Refused, Some(OrderStatus::New)).unwrap_err();
    assert!(matches!(err, upload::Error::Refused(_)), "{err}");
    assert_eq!(s.server.state().requests.len(), before);
    // An expectation that does not match the order is refused too.
    let err = s.client().set_order_status("320528", OrderStatus::Refused, Some(OrderStatus::Accepted)).unwrap_err();
    assert!(err.to_string().contains("it is DISTRIBUTED, not ACCEPTED"), "{err}");
    assert_eq!(s.server.state().count("PUT "), 0);
}
