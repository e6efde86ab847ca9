//! `atol-report`: the sales report a Frontol till leaves for the back office (reference
//! `formats-1c.md` §1.7): three header lines (processed flag `#`/`@`, database id, report number),
//! then one `;` transaction per line.
//!
//! Receipts are built as 1C's standard import does: 42 opens a document, 11 (and 1) add goods
//! lines (8 code, 10 price, 11 quantity, 16 final sum, 18 article, 19 barcode, 20 sum before
//! discounts), 2 / 12 are storno (remove the line), 40 adds a payment (10 kind: 0 cash, 1 card;
//! 12 sum, change negative), 55 closes (keep), 56 cancels (drop). Field 13 is the operation:
//! 0 sale, 1 return. Documents are keyed by till (5), shift (14) and document number (6); the
//! receipt number is field 33 (external id) when present, else field 6.
//!
//! Local times carry no offset in the file: `--utc-offset` (default +03:00) gives them one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use chrono::{FixedOffset, NaiveDate, NaiveTime, TimeZone};
use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::formats::atol::{bad_header, Fields, Lines};
use crate::formats::fields;
use crate::formats::orders_report::parse_offset;
use crate::model::{DataKind, Extra, Header, Party, Payment, PaymentKind, Receipt, ReceiptKind, ReceiptLine, Record};
use crate::number::push_decimal;
use crate::options::{ReadOptions, WriteOptions};
use crate::output::EncodedText;
use crate::sink::RecordSink;
use crate::text::RawInput;

pub const NAME: &str = "atol-report";

/// True when the report's first line is `@`: the back office has loaded it.
pub fn is_processed(path: &std::path::Path) -> bool {
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    text.trim_start_matches('\u{feff}').lines().next().is_some_and(|l| l.trim() == "@")
}

pub fn sniff(head: &str) -> u8 {
    let mut lines = head.trim_start_matches('\u{feff}').lines();
    let flag = lines.next().map(str::trim);
    let db = lines.next().map(str::trim);
    let number = lines.next().map(str::trim);
    let first = lines.next().unwrap_or("");
    let numeric = |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()));
    // Not the date's shape: a report with a malformed date is still a report, and its reader
    // names the bad field.
    let transaction = {
        let f: Vec<&str> = first.split(';').collect();
        f.len() >= 13 && f[0].trim().chars().all(|c| c.is_ascii_digit())
    };
    if matches!(flag, Some("#" | "@")) && numeric(db) && numeric(number) && (transaction || first.is_empty()) {
        2
    } else {
        0
    }
}

/// Adds `n` to a set of numbers kept as disjoint ranges (`first → last`, inclusive); false when
/// it was already there. Neighbouring ranges are merged.
fn insert_number(ranges: &mut BTreeMap<u64, u64>, n: u64) -> bool {
    let next = n.checked_add(1);
    if let Some((&first, &last)) = ranges.range(..=n).next_back() {
        if n <= last {
            return false;
        }
        if n == last + 1 {
            let end = next.and_then(|m| ranges.remove(&m)).unwrap_or(n);
            ranges.insert(first, end);
            return true;
        }
    }
    let end = next.and_then(|m| ranges.remove(&m)).unwrap_or(n);
    ranges.insert(n, end);
    true
}

/// A document being assembled from its transactions.
struct OpenDoc {
    receipt: Receipt,
    line_number: u64,
}

struct ReportReader<'a> {
    offset: FixedOffset,
    sink: &'a mut dyn RecordSink,
    diag: &'a mut Diagnostics,
    /// Documents by till (5), shift (14) and document number (6), joined by `;` (which no field
    /// holds) into one key.
    open: IndexMap<String, OpenDoc>,
    /// Documents that are not receipts (cash-in, cash-out …): their transactions are skipped.
    other_docs: HashSet<String>,
    /// The current transaction's document key, built in place line after line.
    key: String,
    /// Transaction numbers seen, as disjoint ranges `first → last`: a report numbered 1, 2, 3 …
    /// is one range, so memory does not grow with the file.
    seen_numbers: BTreeMap<u64, u64>,
    last_number: Option<u64>,
    skipped_types: HashSet<String>,
}

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let offset_text = opts.utc_offset.as_deref().unwrap_or("+03:00");
    let offset = parse_offset(offset_text)
        .ok_or_else(|| Error::usage(crate::msg!("atol-bad-utc-offset", offset = format!("{offset_text:?}"))))?;
    let mut lines = Lines::open(input, forced, &opts.limits)?;
    let mut header = Header::new(DataKind::Receipts);
    header.source_format = Some(NAME.into());
    let mut head = Vec::new();
    for (what, expected) in [
        ("atol-flag", crate::msg!("atol-expected-processed-flag")),
        ("atol-database", crate::msg!("atol-expected-database")),
        ("atol-report-number", crate::msg!("atol-expected-report-number")),
    ] {
        match lines.next_text()? {
            Some(l) => head.push((what, l.trim_start_matches('\u{feff}').trim().to_string(), expected)),
            None => {
                return Err(Error::syntax(lines.pos(), crate::msg!("atol-report-header-missing", expected = expected)))
            }
        }
    }
    if !matches!(head[0].1.as_str(), "#" | "@") {
        return Err(bad_header(&lines, &head[0].1, head[0].2.clone()));
    }
    if head[0].1 == "@" {
        diag.warn(
            Warning::new(WarningKind::ReportProcessed, crate::msg!("atol-report-processed"))
                .at(Position { line: Some(1), ..Position::in_file(&lines.name) }),
        )?;
    }
    for (what, value, _) in head {
        header.extra.insert(what.into(), value);
    }
    sink.begin(&header, diag)?;
    let mut r = ReportReader {
        offset,
        sink,
        diag,
        open: IndexMap::new(),
        other_docs: HashSet::new(),
        key: String::new(),
        seen_numbers: BTreeMap::new(),
        last_number: None,
        skipped_types: HashSet::new(),
    };
    r.run(&mut lines)?;
    r.sink.finish(r.diag)
}

impl ReportReader<'_> {
    fn run(&mut self, lines: &mut Lines) -> Result<()> {
        let (mut line, mut ends) = (Vec::new(), Vec::new());
        while lines.read_into(&mut line)? {
            // 1C stops at the first blank line; so do we.
            if fields::is_blank(&line, || lines.pos())? {
                break;
            }
            self.transaction(&Fields::split(&line, lines, &mut ends), lines)?;
        }
        let open = std::mem::take(&mut self.open);
        for (_, doc) in open {
            self.diag.warn_with(WarningKind::DocumentNotClosed, || {
                Warning::new(
                    WarningKind::DocumentNotClosed,
                    crate::msg!("atol-document-not-closed", number = doc.receipt.number.as_str()),
                )
                .at(Position { line: Some(doc.line_number), ..Position::in_file(&lines.name) })
            })?;
        }
        Ok(())
    }

    fn number_check(&mut self, number: u64, lines: &Lines) -> Result<()> {
        if !insert_number(&mut self.seen_numbers, number) {
            self.diag.warn_with(WarningKind::TransactionDuplicate, || {
                Warning::new(
                    WarningKind::TransactionDuplicate,
                    crate::msg!("atol-transaction-duplicate", number = number.to_string()),
                )
                .at(lines.pos())
            })?;
        } else if let Some(last) = self.last_number {
            if number > last + 1 {
                self.diag.warn_with(WarningKind::TransactionGap, || {
                    Warning::new(
                        WarningKind::TransactionGap,
                        crate::msg!(
                            "atol-transaction-gap",
                            last = last.to_string(),
                            number = number.to_string(),
                            missing = number - last - 1
                        ),
                    )
                    .at(lines.pos())
                })?;
            }
        }
        self.last_number = Some(self.last_number.map_or(number, |l| l.max(number)));
        Ok(())
    }

    fn transaction(&mut self, f: &Fields, lines: &Lines) -> Result<()> {
        let decimal = |n: usize, what: &str| fields::decimal(f.get(n)?, || lines.field_pos(n, what));
        let number: u64 = f.get(1)?.parse().map_err(|_| {
            Error::bad_value(
                lines.field_pos(1, "transaction number"),
                f.get(1).unwrap_or(""),
                crate::msg!("atol-expected-whole-number"),
            )
        })?;
        self.number_check(number, lines)?;
        let kind = f.get(4)?;
        self.key.clear();
        for (i, n) in [5, 14, 6].into_iter().enumerate() {
            if i > 0 {
                self.key.push(';');
            }
            self.key.push_str(f.get(n)?);
        }
        let key = self.key.as_str();
        if kind != "42" && self.other_docs.contains(key) {
            if matches!(kind, "55" | "56") {
                self.other_docs.remove(key);
            }
            return Ok(());
        }
        match kind {
            "42" => {
                let date = NaiveDate::parse_from_str(f.get(2)?, "%d.%m.%Y").map_err(|_| {
                    Error::bad_value(
                        lines.field_pos(2, "date"),
                        f.get(2).unwrap_or(""),
                        crate::msg!("atol-expected-date"),
                    )
                })?;
                let time = NaiveTime::parse_from_str(f.get(3)?, "%H:%M:%S").map_err(|_| {
                    Error::bad_value(
                        lines.field_pos(3, "time"),
                        f.get(3).unwrap_or(""),
                        crate::msg!("atol-expected-time"),
                    )
                })?;
                let date = self
                    .offset
                    .from_local_datetime(&date.and_time(time))
                    .single()
                    .expect("a fixed offset has one local time");
                let receipt_kind = match f.get(13)? {
                    "0" | "" => ReceiptKind::Sale,
                    "1" => ReceiptKind::Return,
                    // Cash-in, shift open and the like are not receipts.
                    _ => {
                        self.other_docs.insert(self.key.clone());
                        return Ok(());
                    }
                };
                let mut extra = Extra::new();
                let shift = f.get(14)?;
                if !shift.is_empty() {
                    extra.insert("shift".into(), shift.to_string());
                }
                let number = match f.get(33)? {
                    "" => f.get(6)?,
                    external => external,
                }
                .to_string();
                let till = f.get(5)?;
                let receipt = Receipt {
                    date,
                    number,
                    kind: receipt_kind,
                    organization: Party::default(),
                    cash_box: Party { code: Some(till.to_string()).filter(|s| !s.is_empty()), name: None },
                    store: Party::default(),
                    total: Decimal::ZERO,
                    total_with_discount: Decimal::ZERO,
                    payments: Vec::new(),
                    lines: Vec::new(),
                    extra,
                };
                self.open.insert(self.key.clone(), OpenDoc { receipt, line_number: lines.number() });
            }
            "1" | "11" => {
                if !self.open.contains_key(key) {
                    return self.orphan(kind, number, lines);
                }
                let code = f.get(8)?.to_string();
                let price = decimal(10, "price")?.unwrap_or_default();
                let quantity = decimal(11, "quantity")?.unwrap_or_default();
                let sum = decimal(16, "final sum")?.unwrap_or_default();
                let before = decimal(20, "sum before discounts")?.unwrap_or(price * quantity);
                let line = ReceiptLine {
                    product_code: code,
                    product_name: String::new(),
                    unit_code: None,
                    barcode: Some(f.get(19)?.to_string()).filter(|s| !s.is_empty()),
                    article: Some(f.get(18)?.to_string()).filter(|s| !s.is_empty()),
                    price,
                    quantity,
                    discount: before - sum,
                    sum: before,
                    sum_with_discount: sum,
                    vat: None,
                    extra: Extra::new(),
                };
                if let Some(doc) = self.open.get_mut(self.key.as_str()) {
                    doc.receipt.lines.push(line);
                }
            }
            "2" | "12" => {
                let Some(doc) = self.open.get_mut(key) else { return self.orphan(kind, number, lines) };
                let code = f.get(8)?;
                match doc.receipt.lines.iter().rposition(|l| l.product_code == code) {
                    Some(i) => {
                        doc.receipt.lines.remove(i);
                    }
                    None => {
                        let number = &doc.receipt.number;
                        self.diag.warn_with(WarningKind::StornoUnmatched, || {
                            Warning::new(
                                WarningKind::StornoUnmatched,
                                crate::msg!(
                                    "atol-storno-unmatched",
                                    code = format!("{code:?}"),
                                    number = number.as_str()
                                ),
                            )
                            .at(lines.pos())
                        })?;
                    }
                }
            }
            "40" => {
                let amount = decimal(12, "payment sum")?.unwrap_or_default();
                let Some(doc) = self.open.get_mut(key) else { return self.orphan(kind, number, lines) };
                let kind = match f.get(10)? {
                    "0" => PaymentKind::Cash,
                    "1" | "9" => PaymentKind::Card,
                    _ => PaymentKind::Other,
                };
                // Change comes as a negative cash payment: net it with the cash paid.
                match doc.receipt.payments.iter_mut().find(|p| p.kind == kind) {
                    Some(p) => p.amount += amount,
                    None => doc.receipt.payments.push(Payment { kind, amount }),
                }
            }
            "55" => {
                let total = decimal(12, "document total")?;
                let before = decimal(20, "total before discounts")?;
                let Some(mut doc) = self.open.shift_remove(key) else { return self.orphan(kind, number, lines) };
                let r = &mut doc.receipt;
                r.total = before.unwrap_or_else(|| r.lines.iter().map(|l| l.sum).sum());
                r.total_with_discount = total.unwrap_or_else(|| r.lines.iter().map(|l| l.sum_with_discount).sum());
                self.sink.record(Record::Receipt(doc.receipt), self.diag)?;
            }
            "56" => {
                self.open.shift_remove(key);
            }
            other => {
                if !self.skipped_types.contains(other) {
                    self.skipped_types.insert(other.to_string());
                    if !matches!(other, "45" | "49" | "60" | "61" | "62" | "63" | "64" | "88" | "4" | "14") {
                        self.diag.warn(
                            Warning::new(
                                WarningKind::TransactionSkipped,
                                crate::msg!("atol-transaction-type-skipped", kind = other),
                            )
                            .at(lines.pos()),
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

    fn orphan(&mut self, kind: &str, number: u64, lines: &Lines) -> Result<()> {
        self.diag.warn_with(WarningKind::TransactionOrphan, || {
            Warning::new(
                WarningKind::TransactionOrphan,
                crate::msg!("atol-transaction-orphan", number = number.to_string(), kind = kind),
            )
            .at(lines.pos())
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(AtolReportWriter {
        out: EncodedText::new(out, opts.encoding.as_deref(), "windows-1251")?,
        sep: opts.decimal_separator_or(','),
        offset: {
            let text = opts.utc_offset.as_deref().unwrap_or("+03:00");
            parse_offset(text)
                .ok_or_else(|| Error::usage(crate::msg!("atol-bad-utc-offset", offset = format!("{text:?}"))))?
        },
        transaction: 0,
        document: 0,
        numbers: HashMap::new(),
        text: String::new(),
        ends: Vec::new(),
    }))
}

struct AtolReportWriter {
    out: EncodedText,
    sep: char,
    /// The till's local time: the file has no offset, so times are converted to this one.
    offset: FixedOffset,
    transaction: u64,
    document: u64,
    numbers: HashMap<String, u64>,
    /// A receipt's lines, and where each ends: buffers reused from receipt to receipt.
    text: String,
    ends: Vec<usize>,
}

/// One field of a transaction line.
#[derive(Clone, Copy)]
enum Field<'a> {
    Empty,
    Text(&'a str),
    Number(u64),
    Amount(Decimal),
}

/// The fields every transaction of a document repeats (2 date, 3 time, 4 type, 5 till,
/// 6 document, 7 `1`, 13 operation, 14 shift); field 1, the transaction number, is set on writing.
fn transaction<'a, const N: usize>(kind: &'a str, doc: &DocFields<'a>) -> [Field<'a>; N] {
    let mut f = [Field::Empty; N];
    f[1] = Field::Text(doc.date);
    f[2] = Field::Text(doc.time);
    f[3] = Field::Text(kind);
    f[4] = Field::Text(doc.till);
    f[5] = Field::Number(doc.number);
    f[6] = Field::Text("1");
    f[12] = Field::Text(doc.op);
    f[13] = Field::Text(doc.shift);
    f
}

struct DocFields<'a> {
    date: &'a str,
    time: &'a str,
    till: &'a str,
    number: u64,
    op: &'a str,
    shift: &'a str,
}

impl AtolReportWriter {
    /// Appends one transaction line (`;` after every field, CRLF) to the receipt's text.
    fn push_line(&mut self, fields: &[Field]) {
        use std::fmt::Write as _;
        self.transaction += 1;
        for (i, field) in fields.iter().enumerate() {
            match field {
                _ if i == 0 => {
                    let _ = write!(self.text, "{}", self.transaction);
                }
                Field::Empty => {}
                Field::Text(t) => self.text.push_str(t),
                Field::Number(n) => {
                    let _ = write!(self.text, "{n}");
                }
                Field::Amount(d) => push_decimal(&mut self.text, d, self.sep),
            }
            self.text.push(';');
        }
        self.text.push_str("\r\n");
        self.ends.push(self.text.len());
    }

    fn write_receipt(&mut self, r: &Receipt, diag: &mut Diagnostics) -> Result<()> {
        let mut lost = Vec::new();
        self.document += 1;
        // Field 6 is a number for 1C; the receipt's own number goes to field 33 (external id).
        let doc_number = *self.numbers.entry(r.number.clone()).or_insert(self.document);
        let local = r.date.with_timezone(&self.offset);
        let (date, time) = (local.format("%d.%m.%Y").to_string(), local.format("%-H:%M:%S").to_string());
        let doc = DocFields {
            date: &date,
            time: &time,
            till: r.cash_box.code.as_deref().unwrap_or("1"),
            number: doc_number,
            op: if r.kind == ReceiptKind::Return { "1" } else { "0" },
            shift: r.extra.get("shift").map_or("1", String::as_str),
        };
        self.text.clear();
        self.ends.clear();
        let mut lines_losing = 0;
        let mut open: [Field; 33] = transaction("42", &doc);
        open[11] = Field::Amount(r.total_with_discount);
        open[19] = Field::Amount(r.total);
        open[32] = Field::Text(&r.number);
        self.push_line(&open);
        for l in &r.lines {
            let mut f: [Field; 20] = transaction("11", &doc);
            f[7] = Field::Text(&l.product_code);
            f[9] = Field::Amount(l.price);
            f[10] = Field::Amount(l.quantity);
            f[11] = Field::Amount(l.sum);
            if !l.quantity.is_zero() {
                f[14] = Field::Amount((l.sum_with_discount / l.quantity).round_dp(2));
            }
            f[15] = Field::Amount(l.sum_with_discount);
            f[17] = Field::Text(l.article.as_deref().unwrap_or_default());
            f[18] = Field::Text(l.barcode.as_deref().unwrap_or_default());
            f[19] = Field::Amount(l.sum);
            if l.vat.is_some() || !l.extra.is_empty() || l.unit_code.is_some() || !l.product_name.is_empty() {
                lines_losing += 1;
            }
            self.push_line(&f);
        }
        for p in &r.payments {
            let mut f: [Field; 20] = transaction("40", &doc);
            f[9] = Field::Text(match p.kind {
                PaymentKind::Cash => "0",
                PaymentKind::Card => "1",
                PaymentKind::Other => "7",
            });
            f[11] = Field::Amount(p.amount);
            self.push_line(&f);
        }
        let mut close: [Field; 33] = transaction("55", &doc);
        close[11] = Field::Amount(r.total_with_discount);
        close[19] = Field::Amount(r.total);
        close[32] = Field::Text(&r.number);
        self.push_line(&close);
        let subject = || crate::msg!("atol-subject-receipt", number = r.number.as_str());
        self.out.write_lines(&self.text, &self.ends, subject, diag)?;
        if lines_losing > 0 {
            lost.push(crate::msg!("atol-lost-line-fields", lines = lines_losing));
        }
        if !r.organization.is_empty() || !r.store.is_empty() || r.cash_box.name.is_some() {
            lost.push(crate::msg!("atol-lost-party-names"));
        }
        let kept_extra = ["shift"];
        let extra: Vec<&str> = r.extra.keys().map(String::as_str).filter(|k| !kept_extra.contains(k)).collect();
        if !extra.is_empty() {
            lost.push(crate::msg!("atol-lost-fields", fields = extra.join(", ")));
        }
        lost.dedup();
        let Some(lost) = crate::formats::join_messages(lost, true) else { return Ok(()) };
        diag.warn_with(WarningKind::FieldDropped, || {
            Warning::new(
                WarningKind::FieldDropped,
                crate::msg!("atol-cannot-hold", subject = subject(), format = NAME, lost = lost),
            )
        })
    }
}

impl RecordSink for AtolReportWriter {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        // `#`: not yet loaded by the back office. Database id and report number carry over.
        let db = header.extra.get("atol-database").cloned().unwrap_or_else(|| "1".into());
        let report = header.extra.get("atol-report-number").cloned().unwrap_or_else(|| "1".into());
        self.out.write(&format!("#\r\n{db}\r\n{report}\r\n"), &crate::msg!("fmt-subject-header"), diag)
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        match record {
            Record::Receipt(r) => self.write_receipt(&r, diag),
            _ => Err(ErrorKind::Unsupported {
                format: NAME.into(),
                action: crate::msg!("atol-action-hold-catalog-or-orders").into(),
            }
            .into()),
        }
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_numbers_are_kept_as_ranges() {
        let mut ranges = BTreeMap::new();
        for n in [1, 2, 3, 7, 5, 6, 4, 9] {
            assert!(insert_number(&mut ranges, n), "{n} is new");
        }
        for n in [1, 4, 7, 9] {
            assert!(!insert_number(&mut ranges, n), "{n} was seen");
        }
        assert_eq!(ranges.into_iter().collect::<Vec<_>>(), vec![(1, 7), (9, 9)]);
        let mut edge = BTreeMap::new();
        assert!(insert_number(&mut edge, u64::MAX));
        assert!(!insert_number(&mut edge, u64::MAX));
        assert!(insert_number(&mut edge, u64::MAX - 1));
        assert_eq!(edge.into_iter().collect::<Vec<_>>(), vec![(u64::MAX - 1, u64::MAX)]);
    }
}
