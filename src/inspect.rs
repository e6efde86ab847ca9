//! `inspect`: reads a document and checks what a till or 1C would trip over — duplicate codes,
//! shared barcodes, missing or cyclic groups, empty or negative prices, bad EAN check digits, and
//! receipt totals that do not add up.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::convert::{reader_format, Counts};
use crate::diagnostics::Diagnostics;
use crate::error::Result;
use crate::i18n::{Message, Text};
use crate::model::{Group, Header, Order, Product, Receipt, Record};
use crate::msg;
use crate::number::ean_check_digit_ok;
use crate::options::ReadOptions;
use crate::sink::RecordSink;
use crate::text::RawInput;

/// Findings kept with their text; beyond this they are only counted.
const KEPT_FINDINGS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable identifier, e.g. `duplicate-code`, `doc-total-mismatch`.
    pub check: &'static str,
    /// The product code, group code or document number concerned.
    pub subject: String,
    /// Said in the current language; `--json` has it in English (its values are stable).
    #[serde(serialize_with = "crate::i18n::serialize_english")]
    pub message: Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub file: String,
    /// The other files of a package read with `file`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    pub format: &'static str,
    pub format_detected: bool,
    /// In English (a stable value); `encoding_text` says it in the language of the moment.
    pub encoding: String,
    #[serde(skip)]
    pub encoding_text: Message,
    pub kind: Option<&'static str>,
    pub counts: Counts,
    pub prices: u64,
    pub barcodes: u64,
    /// Products marked deleted in the source.
    pub deleted: u64,
    pub receipt_lines: u64,
    pub findings: Vec<Finding>,
    /// All findings, including those not kept in `findings`.
    pub findings_total: u64,
}

/// Reads the input and runs every check. Parse errors are returned as errors; findings are data.
pub fn inspect(
    input: RawInput,
    from: Option<&str>,
    opts: &ReadOptions,
    diag: &mut Diagnostics,
) -> Result<InspectReport> {
    let format = reader_format(&input, from)?;
    let encoding = input.describe_encoding(opts.encoding.as_deref());
    let encoding_text = input.encoding_message(opts.encoding.as_deref());
    let file = input.name.to_string();
    let mut checks = Checks::default();
    (format.reader.expect("checked by reader_format"))(input, opts, &mut checks, diag)?;
    checks.finish_catalog();
    // What the reader noticed (a report already loaded, gaps in numbering, skipped lines …) is a
    // finding too.
    for (kind, group) in diag.take() {
        let shown = group.examples.len() as u64;
        for w in group.examples {
            let message = match &w.position {
                Some(p) => msg!("inspect-warning-at", position = p.message(), warning = w.message),
                None => msg!("inspect-warning", warning = w.message),
            };
            checks.find(kind, "", message);
        }
        checks.findings_total += group.count - shown;
    }
    Ok(InspectReport {
        file,
        with: opts.with.iter().map(|p| p.display().to_string()).collect(),
        format: format.name,
        format_detected: from.is_none(),
        encoding,
        encoding_text,
        kind: checks.kind,
        counts: checks.counts,
        prices: checks.prices,
        barcodes: checks.barcodes,
        deleted: checks.deleted,
        receipt_lines: checks.lines,
        findings: checks.findings,
        findings_total: checks.findings_total,
    })
}

#[derive(Default)]
struct Checks {
    kind: Option<&'static str>,
    counts: Counts,
    prices: u64,
    barcodes: u64,
    deleted: u64,
    lines: u64,
    product_codes: HashMap<String, u32>,
    barcode_owner: HashMap<String, String>,
    groups: HashMap<String, Option<String>>,
    /// Product code → its parent group, checked when all groups are known.
    product_parents: Vec<(String, String)>,
    findings: Vec<Finding>,
    findings_total: u64,
}

/// An amount as written in a finding: without trailing zeros (`2590`, `1 990,5` in Russian).
fn money(d: Decimal) -> Decimal {
    d.normalize()
}

impl Checks {
    fn find(&mut self, check: &'static str, subject: &str, message: Message) {
        self.findings_total += 1;
        if self.findings.len() < KEPT_FINDINGS {
            self.findings.push(Finding { check, subject: subject.to_string(), message: message.into() });
        }
    }

    fn group(&mut self, g: &Group) {
        if self.groups.insert(g.code.clone(), g.parent.clone()).is_some() {
            self.find("duplicate-group-code", &g.code, msg!("inspect-duplicate-group-code", code = &g.code));
        }
    }

    fn product(&mut self, p: &Product) {
        let seen = self.product_codes.entry(p.code.clone()).or_insert(0);
        *seen += 1;
        if *seen == 2 {
            self.find("duplicate-code", &p.code, msg!("inspect-duplicate-code", code = &p.code));
        }
        if p.code.trim().is_empty() {
            self.find("empty-code", &p.name, msg!("inspect-empty-code", name = format!("{:?}", p.name)));
        }
        if let Some(parent) = &p.parent {
            self.product_parents.push((p.code.clone(), parent.clone()));
        }
        self.deleted += u64::from(p.deleted);
        self.prices += p.prices.len() as u64;
        for price in &p.prices {
            let label: Text = if price.price_type.is_empty() {
                msg!("inspect-price-type-unnamed").into()
            } else {
                price.price_type.clone().into()
            };
            match price.amount {
                None => {
                    self.find("empty-price", &p.code, msg!("inspect-empty-price", code = &p.code, price_type = &label))
                }
                Some(a) if a.is_zero() => {
                    self.find("zero-price", &p.code, msg!("inspect-zero-price", code = &p.code, price_type = &label))
                }
                Some(a) if a.is_sign_negative() => self.find(
                    "negative-price",
                    &p.code,
                    msg!("inspect-negative-price", code = &p.code, price_type = &label, amount = a),
                ),
                _ => {}
            }
        }
        self.barcodes += p.barcodes.len() as u64;
        for b in &p.barcodes {
            if ean_check_digit_ok(b) == Some(false) {
                self.find(
                    "bad-ean-check-digit",
                    &p.code,
                    msg!("inspect-bad-ean-check-digit", code = &p.code, barcode = b),
                );
            }
            match self.barcode_owner.get(b) {
                Some(owner) if owner != &p.code => {
                    let owner = owner.clone();
                    self.find(
                        "shared-barcode",
                        b,
                        msg!("inspect-shared-barcode", barcode = b, owner = owner, code = &p.code),
                    );
                }
                Some(_) => {}
                None => {
                    self.barcode_owner.insert(b.clone(), p.code.clone());
                }
            }
        }
    }

    fn receipt(&mut self, r: &Receipt) {
        self.lines += r.lines.len() as u64;
        let doc = &r.number;
        let mut lines_sum = Decimal::ZERO;
        let mut lines_with_discount = Decimal::ZERO;
        for (i, l) in r.lines.iter().enumerate() {
            let n = i + 1;
            let expected = l.price * l.quantity;
            // Tills round each line to kopecks; allow that and no more.
            if (expected - l.sum).abs() > Decimal::new(1, 2) {
                self.find(
                    "line-sum-mismatch",
                    doc,
                    msg!(
                        "inspect-line-sum-mismatch",
                        doc = doc,
                        line = n,
                        code = &l.product_code,
                        sum = money(l.sum),
                        price = money(l.price),
                        quantity = money(l.quantity),
                        expected = money(expected)
                    ),
                );
            }
            if l.sum - l.discount != l.sum_with_discount {
                self.find(
                    "line-discount-mismatch",
                    doc,
                    msg!(
                        "inspect-line-discount-mismatch",
                        doc = doc,
                        line = n,
                        code = &l.product_code,
                        sum_with_discount = money(l.sum_with_discount),
                        sum = money(l.sum),
                        discount = money(l.discount)
                    ),
                );
            }
            lines_sum += l.sum;
            lines_with_discount += l.sum_with_discount;
        }
        if !r.lines.is_empty() && lines_sum != r.total {
            self.find(
                "doc-sum-mismatch",
                doc,
                msg!("inspect-doc-sum-mismatch", doc = doc, total = money(r.total), lines = money(lines_sum)),
            );
        }
        if !r.lines.is_empty() && lines_with_discount != r.total_with_discount {
            self.find(
                "doc-total-mismatch",
                doc,
                msg!(
                    "inspect-doc-total-mismatch",
                    doc = doc,
                    total = money(r.total_with_discount),
                    lines = money(lines_with_discount)
                ),
            );
        }
        let paid: Decimal = r.payments.iter().map(|p| p.amount).sum();
        if !r.payments.is_empty() && paid != r.total_with_discount {
            self.find(
                "payment-mismatch",
                doc,
                msg!(
                    "inspect-payment-mismatch",
                    doc = doc,
                    paid = money(paid),
                    cash = money(r.paid(crate::model::PaymentKind::Cash)),
                    card = money(r.paid(crate::model::PaymentKind::Card)),
                    other = money(r.paid(crate::model::PaymentKind::Other)),
                    total = money(r.total_with_discount)
                ),
            );
        }
    }

    fn order(&mut self, o: &Order) {
        self.lines += o.lines.len() as u64;
        let subject =
            o.id.clone().or_else(|| o.external_id.clone()).unwrap_or_else(|| crate::tr!("inspect-order-no-id"));
        // An unknown status value is reported by the reader (kept in `extra`); a missing one here.
        if o.status.is_none() && !o.extra.contains_key("currentStatusType") {
            self.find("missing-status", &subject, msg!("inspect-missing-status", order = &subject));
        }
        if let (Some(created), Some(status_time)) = (o.created, o.status_time) {
            if status_time < created {
                self.find(
                    "status-before-creation",
                    &subject,
                    msg!(
                        "inspect-status-before-creation",
                        order = &subject,
                        status_time = status_time.to_string(),
                        created = created.to_string()
                    ),
                );
            }
        }
        for (i, l) in o.lines.iter().enumerate() {
            if let (Some(price), Some(sum)) = (l.price, l.sum) {
                let expected = price * l.quantity - l.discount.unwrap_or_default();
                if (expected - sum).abs() > Decimal::new(1, 2) {
                    self.find(
                        "line-sum-mismatch",
                        &subject,
                        msg!(
                            "inspect-order-line-sum-mismatch",
                            order = &subject,
                            line = i + 1,
                            name = &l.name,
                            sum = money(sum),
                            price = money(price),
                            quantity = money(l.quantity),
                            expected = money(expected)
                        ),
                    );
                }
            }
        }
        let sums: Option<Decimal> = o.lines.iter().map(|l| l.sum).sum();
        if let (Some(total), Some(lines)) = (o.total_amount, sums.filter(|_| !o.lines.is_empty())) {
            let expected = lines - o.discount.unwrap_or_default() + o.delivery_amount.unwrap_or_default();
            if expected != total {
                self.find(
                    "order-total-mismatch",
                    &subject,
                    msg!(
                        "inspect-order-total-mismatch",
                        order = &subject,
                        total = money(total),
                        lines = money(lines),
                        expected = money(expected)
                    ),
                );
            }
        }
    }

    /// Checks that need every group: missing parents and cycles.
    fn finish_catalog(&mut self) {
        let parents = std::mem::take(&mut self.product_parents);
        let mut missing: HashMap<String, u64> = HashMap::new();
        for (_, parent) in &parents {
            if !self.groups.contains_key(parent) {
                *missing.entry(parent.clone()).or_default() += 1;
            }
        }
        let mut missing: Vec<_> = missing.into_iter().collect();
        missing.sort();
        for (group, n) in missing {
            self.find("missing-group", &group, msg!("inspect-missing-group", count = n, group = &group));
        }
        let mut group_codes: Vec<String> = self.groups.keys().cloned().collect();
        group_codes.sort();
        let mut reported: HashSet<String> = HashSet::new();
        for code in group_codes {
            let mut path = vec![code.clone()];
            let mut at = code.clone();
            while let Some(Some(parent)) = self.groups.get(&at) {
                if !self.groups.contains_key(parent) {
                    self.find(
                        "missing-parent-group",
                        &at,
                        msg!("inspect-missing-parent-group", group = &at, parent = parent),
                    );
                    break;
                }
                if let Some(start) = path.iter().position(|c| c == parent) {
                    let cycle = path[start..].to_vec();
                    if cycle.iter().all(|c| reported.insert(c.clone())) {
                        self.find(
                            "group-cycle",
                            &code,
                            msg!("inspect-group-cycle", cycle = cycle.join(" → "), parent = parent),
                        );
                    }
                    break;
                }
                path.push(parent.clone());
                at = parent.clone();
            }
        }
    }
}

impl RecordSink for Checks {
    fn begin(&mut self, header: &Header, _: &mut Diagnostics) -> Result<()> {
        self.kind = Some(header.kind.as_str());
        Ok(())
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        self.counts.add(&record);
        match &record {
            Record::Group(g) => self.group(g),
            Record::Product(p) => self.product(p),
            Record::Receipt(r) => self.receipt(r),
            Record::Order(o) => self.order(o),
        }
        Ok(())
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        Ok(())
    }
}
