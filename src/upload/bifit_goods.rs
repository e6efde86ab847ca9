//! БИФИТ Касса catalogue uploads, two ways (reference `bifit.md` §3, §4):
//!
//! - **CSV** ([`upload_csv`]): the input converted to `bifit-csv`, `POST
//!   /protected/exchange/csv/upload?charset=…&organization_id=…`, multipart field `file`. The
//!   answer's `exceptionMessage`, `exceptionList` and `itemQty` are reported.
//! - **API** ([`upload_api`]): the input converted to `bifit-json`; folders first (parents before
//!   children), then products. Each item is looked up by external id (`GET
//!   /protected/nomenclatures/external_id/{id}?organization_id=…`) and updated when it exists
//!   (`PUT /protected/nomenclatures` with its `id`, INFERRED and configurable), else created
//!   (`POST /protected/nomenclatures`, `{"item": …}`), so a re-run never makes duplicates. An
//!   item's `parentExternalId` becomes its folder's Bifit id (`parentId`). A create whose answer
//!   was lost is looked up again before it is re-sent, and carries an `Idempotency-Key`.
//!
//! The CSV import lives in [`super::bifit_csv`] (re-exported here).
//!
//! **Delta sync.** The SHA-256 of each item as sent (organization and folder id included) is
//! remembered per target in the [`SyncState`]; an item whose fingerprint has not changed is not
//! sent (`full` sends everything). A failed item keeps its old fingerprint, so the next run sends
//! it again. A client error (4xx) fails one item and the upload goes on; a service that stays
//! unreachable or broken after the retries stops the upload, and the items not tried are counted.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::value::RawValue;
use serde_json::Value;

use super::bifit::{request_with_body, value_text, BifitClient, SERVICE};
pub use super::bifit_csv::{upload_csv, CsvOutcome};
use super::config::endpoint;
use super::http::{percent_encode, Attempt};
use super::sync_state::{fingerprint, target_key, Remembered, SyncState};
use super::{Error, OnProgress, Progress, Result};
use crate::convert::ConvertOptions;
use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::options::BifitGroups;
use crate::{msg, tr};

/// The state file is written after this many items (and at the end).
const SAVE_EVERY: u64 = 50;

// ---------------------------------------------------------------------------------------------
// Per-item API

#[derive(Debug, Clone, Default)]
pub struct ApiOptions {
    /// Send every item, whatever the state file says.
    pub full: bool,
}

/// Counts of one kind of item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&tr!(
            "upload-bifit-tally",
            created = self.created,
            updated = self.updated,
            unchanged = self.unchanged,
            failed = self.failed
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemFailure {
    pub external_id: String,
    pub folder: bool,
    pub message: String,
}

/// What a per-item upload did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiOutcome {
    pub from_format: &'static str,
    pub organization: String,
    pub products: Tally,
    pub folders: Tally,
    pub failures: Vec<ItemFailure>,
    /// Items not tried because the upload stopped.
    pub not_attempted: u64,
    /// Why the upload stopped early.
    pub aborted: Option<String>,
    pub state_file: PathBuf,
}

impl ApiOutcome {
    pub fn is_clean(&self) -> bool {
        self.failures.is_empty() && self.aborted.is_none() && self.not_attempted == 0
    }
}

impl fmt::Display for ApiOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&tr!(
            "upload-bifit-api-outcome",
            organization = &self.organization,
            products = self.products.to_string(),
            folders = self.folders.to_string()
        ))?;
        if self.not_attempted > 0 {
            write!(f, "; {}", tr!("upload-bifit-not-tried", count = self.not_attempted))?;
        }
        Ok(())
    }
}

/// One `{"item": …, "parentExternalId": …}` of the `bifit-json` output.
struct Entry {
    item: IndexMap<String, Box<RawValue>>,
    parent: Option<String>,
    external_id: String,
    folder: bool,
}

fn raw_json(value: &impl serde::Serialize) -> Box<RawValue> {
    RawValue::from_string(serde_json::to_string(value).expect("JSON values serialize")).expect("valid JSON")
}

fn parse_entry(line: &str, number: usize, file: &Path) -> Result<Entry> {
    let bad = |what: crate::i18n::Text| {
        Error::Local(crate::Error::syntax(
            crate::Position {
                file: Some(file.display().to_string().into()),
                line: Some(number as u64),
                ..Default::default()
            },
            what,
        ))
    };
    let outer: IndexMap<String, Box<RawValue>> = serde_json::from_str(line).map_err(|e| bad(e.to_string().into()))?;
    let item: IndexMap<String, Box<RawValue>> =
        serde_json::from_str(outer.get("item").ok_or_else(|| bad(msg!("upload-bifit-json-no-item").into()))?.get())
            .map_err(|e| bad(e.to_string().into()))?;
    let text = |raw: Option<&Box<RawValue>>| -> Option<String> {
        raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok()).map(|v| value_text(&v)).filter(|s| !s.is_empty())
    };
    let external_id =
        text(item.get("externalId")).ok_or_else(|| bad(msg!("upload-bifit-json-no-external-id").into()))?;
    let parent = text(outer.get("parentExternalId"));
    let folder = item.get("grouped").is_some_and(|g| g.get() == "true");
    Ok(Entry { item, parent, external_id, folder })
}

/// Folders whose parent is among them come after it; a cycle keeps the input order.
fn parents_first(folders: Vec<Entry>) -> Vec<Entry> {
    let codes: HashSet<String> = folders.iter().map(|f| f.external_id.clone()).collect();
    let mut placed: HashSet<String> = HashSet::new();
    let mut left = folders;
    let mut out = Vec::with_capacity(left.len());
    loop {
        let before = left.len();
        let (ready, rest): (Vec<Entry>, Vec<Entry>) = left.into_iter().partition(|f| {
            f.parent.as_ref().is_none_or(|p| !codes.contains(p) || placed.contains(p) || p == &f.external_id)
        });
        placed.extend(ready.iter().map(|f| f.external_id.clone()));
        out.extend(ready);
        left = rest;
        if left.is_empty() || left.len() == before {
            out.extend(left);
            return out;
        }
    }
}

enum Step {
    Next,
    Stop(String),
}

struct Run<'a> {
    client: &'a BifitClient,
    organization: String,
    target: String,
    state: &'a mut SyncState,
    full: bool,
    /// External id → Bifit id; `None` for a folder that failed in this run.
    ids: HashMap<String, Option<Value>>,
    seen: HashSet<String>,
    outcome: ApiOutcome,
    done: u64,
}

impl Run<'_> {
    fn tally(&mut self, folder: bool) -> &mut Tally {
        if folder {
            &mut self.outcome.folders
        } else {
            &mut self.outcome.products
        }
    }

    /// A failed item: a client error fails it alone (but 401/403); anything else stops the upload.
    fn failed(&mut self, e: &Entry, err: Error) -> Step {
        self.tally(e.folder).failed += 1;
        if e.folder {
            self.ids.insert(e.external_id.clone(), None);
        }
        let message = err.to_string();
        self.outcome.failures.push(ItemFailure {
            external_id: e.external_id.clone(),
            folder: e.folder,
            message: message.clone(),
        });
        match err {
            // A refused login or missing rights would refuse every item alike.
            Error::Remote { status: Some(401 | 403), .. } => Step::Stop(message),
            Error::Remote { .. } if err.is_client_error() => Step::Next,
            Error::Refused(_) => Step::Next,
            _ => Step::Stop(message),
        }
    }

    /// `GET /protected/nomenclatures/external_id/{id}`: the Bifit id, or `None` when there is none.
    fn lookup(&self, external_id: &str) -> Result<Option<Value>> {
        let what = format!("GET /protected/nomenclatures/external_id/{external_id}");
        let url = format!(
            "{}?organization_id={}",
            self.client.url(&format!("/protected/nomenclatures/external_id/{}", percent_encode(external_id))),
            percent_encode(&self.organization)
        );
        let reply = self.client.call(&what, |agent, bearer| {
            agent.get(&url).header("Authorization", bearer).header("Accept", "application/json").call()
        })?;
        if reply.status == 404 {
            return Ok(None);
        }
        match self.client.json(&what, &reply)? {
            Value::Null => Ok(None),
            Value::Object(map) => match map.get("id") {
                Some(id) if !id.is_null() => Ok(Some(id.clone())),
                _ => Err(self.client.http().remote_error(
                    SERVICE,
                    Some(reply.status),
                    &format!("{what}: {}", tr!("upload-bifit-item-no-id")),
                )),
            },
            Value::Array(list) if list.is_empty() => Ok(None),
            other => Err(self.client.http().remote_error(
                SERVICE,
                Some(reply.status),
                &format!(
                    "{what}: {}{}",
                    tr!("upload-bifit-unexpected-answer"),
                    self.client.http().excerpt(&other.to_string())
                ),
            )),
        }
    }

    /// The parent's Bifit id (`null` for none).
    fn parent_id(&self, e: &Entry) -> Result<Value> {
        let Some(parent) = &e.parent else { return Ok(Value::Null) };
        match self.ids.get(parent) {
            Some(Some(id)) => return Ok(id.clone()),
            Some(None) => return Err(Error::Refused(tr!("upload-bifit-folder-not-uploaded", folder = parent))),
            None => {}
        }
        if let Some(r) = self.state.get(&self.target, parent).filter(|r| !r.id.is_null()) {
            return Ok(r.id.clone());
        }
        self.lookup(parent)?.ok_or_else(|| Error::Refused(tr!("upload-bifit-folder-unknown", folder = parent)))
    }

    /// `POST /protected/nomenclatures`; before a re-send, looks the item up in case the lost
    /// answer was a success.
    fn create(&self, e: &Entry, body: &str, key: &str) -> Result<Value> {
        let what = "POST /protected/nomenclatures";
        let url = self.client.url("/protected/nomenclatures");
        let http = self.client.http();
        let mut refreshed = false;
        let reply = http.retrying(SERVICE, what, |n| {
            if n > 1 {
                match self.lookup(&e.external_id) {
                    Ok(Some(id)) => return Attempt::Done(Err(id)),
                    Ok(None) => {}
                    Err(err) => return Attempt::Fail(err),
                }
            }
            let bearer = match self.client.bearer(false) {
                Ok(b) => b,
                Err(err) => return Attempt::Fail(err),
            };
            let sent = request_with_body(http.agent(), "POST", &url)
                .header("Authorization", &bearer)
                .header("Accept", "application/json")
                .header("Idempotency-Key", key)
                .content_type("application/json")
                .send(body);
            match http.classify(what, sent) {
                Attempt::Done(reply) if reply.status == 401 && !refreshed => {
                    refreshed = true;
                    match self.client.bearer(true) {
                        Ok(_) => Attempt::Retry {
                            reason: tr!("upload-bifit-token-refreshed"),
                            status: Some(401),
                            after: Some(std::time::Duration::ZERO),
                        },
                        Err(err) => Attempt::Fail(err),
                    }
                }
                other => other.map(Ok),
            }
        })?;
        let reply = match reply {
            Err(found) => return Ok(found),
            Ok(reply) => reply,
        };
        match self.client.json(what, &reply)? {
            Value::Object(map) if map.get("id").is_some_and(|id| !id.is_null()) => Ok(map["id"].clone()),
            id @ (Value::Number(_) | Value::String(_)) => Ok(id),
            _ => self.lookup(&e.external_id)?.ok_or_else(|| {
                http.remote_error(
                    SERVICE,
                    Some(reply.status),
                    &format!("{what}: {}", tr!("upload-bifit-created-not-found", id = &e.external_id)),
                )
            }),
        }
    }

    /// The configured update call (INFERRED: `PUT /protected/nomenclatures`) with `id` set.
    fn update(&self, id: &Value, body: &str) -> Result<()> {
        let (method, path) = endpoint(&self.client.config().nomenclature_update, &value_text(id))?;
        let what = format!("{method} {path}");
        let url = self.client.url(&path);
        let reply = self.client.call(&what, |agent, bearer| {
            request_with_body(agent, &method, &url)
                .header("Authorization", bearer)
                .header("Accept", "application/json")
                .content_type("application/json")
                .send(body)
        })?;
        if !reply.is_success() {
            return Err(self.client.status_error(&what, &reply));
        }
        Ok(())
    }

    fn item(&mut self, mut e: Entry, diag: &mut Diagnostics) -> Result<Step> {
        if !self.seen.insert(e.external_id.clone()) {
            diag.warn(Warning::new(WarningKind::DuplicateCode, msg!("upload-bifit-duplicate", id = &e.external_id)))?;
        }
        let parent = match self.parent_id(&e) {
            Ok(id) => id,
            Err(err) => return Ok(self.failed(&e, err)),
        };
        e.item.shift_remove("id");
        e.item.insert("organizationId".into(), raw_json(&self.organization));
        e.item.insert("parentId".into(), raw_json(&parent));
        let item_text = serde_json::to_string(&e.item).expect("JSON values serialize");
        let print = fingerprint(item_text.as_bytes());
        if !self.full {
            if let Some(known) = self.state.get(&self.target, &e.external_id) {
                if known.fingerprint == print && !(e.folder && known.id.is_null()) {
                    self.ids.insert(e.external_id.clone(), Some(known.id.clone()));
                    self.tally(e.folder).unchanged += 1;
                    return Ok(Step::Next);
                }
            }
        }
        let result = self.lookup(&e.external_id).and_then(|existing| match existing {
            Some(id) => {
                e.item.insert("id".into(), raw_json(&id));
                let body = format!("{{\"item\":{}}}", serde_json::to_string(&e.item).expect("JSON values serialize"));
                self.update(&id, &body).map(|()| (id, false))
            }
            None => {
                let body = format!("{{\"item\":{item_text}}}");
                let key = fingerprint(format!("{}\n{}\n{print}", self.target, e.external_id).as_bytes());
                self.create(&e, &body, &key).map(|id| (id, true))
            }
        });
        match result {
            Ok((id, created)) => {
                let tally = self.tally(e.folder);
                if created {
                    tally.created += 1;
                } else {
                    tally.updated += 1;
                }
                self.ids.insert(e.external_id.clone(), Some(id.clone()));
                self.state.set(&self.target, &e.external_id, Remembered { fingerprint: print, id, folder: e.folder });
                Ok(Step::Next)
            }
            Err(err) => Ok(self.failed(&e, err)),
        }
    }
}

/// Converts any catalogue to `bifit-json` and sends the new and changed items one by one
/// (everything with `opts.full`), remembering what was sent in `state` (saved as it goes).
pub fn upload_api(
    client: &BifitClient,
    input: &Path,
    convert: &ConvertOptions,
    opts: &ApiOptions,
    state: &mut SyncState,
    diag: &mut Diagnostics,
    progress: OnProgress<'_>,
) -> Result<ApiOutcome> {
    progress(Progress::Converting);
    let mut conv = convert.clone();
    conv.write.jsonl = true;
    if conv.write.bifit_groups == BifitGroups::Column {
        conv.write.bifit_groups = BifitGroups::Rows;
    }
    let converted = super::convert_to_temp(input, crate::formats::bifit_json::NAME, &conv, diag)?;
    let organization = client.organization_id()?;
    let path = &converted.path;
    let lines = || -> Result<_> {
        let file = std::fs::File::open(path).map_err(|e| crate::Error::io(path, e))?;
        Ok(std::io::BufReader::new(file)
            .lines()
            .enumerate()
            .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty())))
    };
    let mut folders = Vec::new();
    let mut products: u64 = 0;
    for (i, line) in lines()? {
        let line = line.map_err(|e| crate::Error::io(path, e))?;
        let entry = parse_entry(&line, i + 1, path)?;
        if entry.folder {
            folders.push(entry);
        } else {
            products += 1;
        }
    }
    let total = folders.len() as u64 + products;
    let mut run = Run {
        client,
        target: target_key(client.base_url(), &organization),
        organization: organization.clone(),
        state,
        full: opts.full,
        ids: HashMap::new(),
        seen: HashSet::new(),
        outcome: ApiOutcome {
            from_format: converted.summary.from,
            organization,
            products: Tally::default(),
            folders: Tally::default(),
            failures: Vec::new(),
            not_attempted: 0,
            aborted: None,
            state_file: PathBuf::new(),
        },
        done: 0,
    };
    run.outcome.state_file = run.state.path().to_path_buf();
    progress(Progress::Items { done: 0, total });
    let result = (|| -> Result<()> {
        let mut handle = |run: &mut Run, entry: Entry, diag: &mut Diagnostics| -> Result<bool> {
            let step = run.item(entry, diag)?;
            run.done += 1;
            progress(Progress::Items { done: run.done, total });
            if run.done.is_multiple_of(SAVE_EVERY) {
                run.state.save()?;
            }
            Ok(match step {
                Step::Next => true,
                Step::Stop(why) => {
                    run.outcome.aborted = Some(why);
                    false
                }
            })
        };
        for entry in parents_first(folders) {
            if !handle(&mut run, entry, diag)? {
                return Ok(());
            }
        }
        for (i, line) in lines()? {
            let line = line.map_err(|e| crate::Error::io(path, e))?;
            let entry = parse_entry(&line, i + 1, path)?;
            if !entry.folder && !handle(&mut run, entry, diag)? {
                return Ok(());
            }
        }
        Ok(())
    })();
    // What was done is remembered whatever happened next.
    let saved = run.state.save();
    result?;
    saved?;
    run.outcome.not_attempted = total - run.done;
    Ok(run.outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, parent: Option<&str>) -> Entry {
        let line = match parent {
            Some(p) => format!(r#"{{"item":{{"externalId":"{code}","grouped":true}},"parentExternalId":"{p}"}}"#),
            None => format!(r#"{{"item":{{"externalId":"{code}","grouped":true}},"parentExternalId":null}}"#),
        };
        parse_entry(&line, 1, Path::new("x")).unwrap()
    }

    #[test]
    fn folders_come_after_their_parents() {
        let order: Vec<String> = parents_first(vec![
            entry("c", Some("b")),
            entry("b", Some("a")),
            entry("a", None),
            entry("x", Some("elsewhere")),
        ])
        .into_iter()
        .map(|e| e.external_id)
        .collect();
        assert_eq!(order, ["a", "x", "b", "c"]);
    }
}
