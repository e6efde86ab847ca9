//! `atol-goods`: the goods file 1C (and Айтида) write for an ATOL Frontol offline till
//! (reference `formats-1c.md` §1.1–1.6): `##@@&&`, the flag line (`#` new, `@` loaded by
//! Frontol), then `$$$` command sections with `;` goods records.
//!
//! Fields read: 1 code, 2 barcodes (comma-separated), 3 name, 4 receipt text, 5 price, 6 stock,
//! 8 flags (flag 1 = weighed), 13 payment subject (4 = service), 16 parent group, 17 goods `1` /
//! group `0`, 23 tax group, 26 article, 66 measure (Frontol's own unit enumeration). Every other
//! non-empty field travels in `extra` as `fieldN` and is written back in place. Consecutive
//! lines of one code are one product with all their barcodes (`cards.rs`).

use std::borrow::Cow;
use std::io::Write;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::atol::cards::Cards;
use crate::formats::atol::{bad_header, clean_text, Fields, Lines};
use crate::formats::fields;
use crate::i18n::Message;
use crate::model::{DataKind, Extra, Group, Header, Price, Product, Record, Unit};
use crate::number::format_decimal;
use crate::options::{AtolCommand, ReadOptions, WriteOptions};
use crate::output::EncodedText;
use crate::price_choice::{list_types, price_fields, DEFAULT_PRICE_TYPE};
use crate::sink::{CatalogWriter, GroupedCatalog, RecordSink};
use crate::text::RawInput;

pub const NAME: &str = "atol-goods";
pub const MAGIC: &str = "##@@&&";

/// Names are cut to 100 characters, as 1C does for every Frontol version (Frontol 6 allows 128).
const NAME_LIMIT: usize = 100;
const ARTICLE_LIMIT: usize = 20;
const CODE_LIMIT: usize = 20;

/// Frontol's field 66 enumeration ↔ ОКЕИ codes (reference §6.2; 🟡 transcribed, not checked
/// against the PDF). Units outside this table are not written (with a warning).
const MEASURES: [(&str, &str); 12] = [
    ("0", "796"),
    ("1", "163"),
    ("2", "166"),
    ("3", "168"),
    ("4", "004"),
    ("6", "006"),
    ("9", "055"),
    ("10", "111"),
    ("11", "112"),
    ("12", "113"),
    ("16", "356"),
    ("17", "355"),
];

const GOODS_COMMANDS: [&str; 3] = ["ADDQUANTITY", "REPLACEQUANTITY", "REPLACEQUANTITYWITHOUTSALE"];
/// Commands without data lines; `DELETEALLBACODES` is 1C's own misspelling.
const CLEAR_COMMANDS: [&str; 4] = ["DELETEALLWARES", "DELETEALLBARCODES", "DELETEALLBACODES", "DELETEALLASPECTREMAINS"];
/// Commands whose data lines delete things the model has no way to say.
const DELETE_COMMANDS: [&str; 2] = ["DELETEWARESBYWARECODE", "DELETEBARCODESBYWARECODE"];

/// Fields the reader maps, with their names for messages (the rest go to `extra` as `fieldN`).
const MAPPED_FIELDS: [(usize, &str); 13] = [
    (1, "code"),
    (2, "barcodes"),
    (3, "name"),
    (4, "receipt text"),
    (5, "price"),
    (6, "stock"),
    (8, "flags"),
    (13, "payment subject"),
    (16, "parent group"),
    (17, "goods or group"),
    (23, "tax group"),
    (26, "article"),
    (66, "measure"),
];

/// The mapped fields as a set of bits, for the test every field of every line goes through.
const MAPPED_SET: u128 = {
    let mut set = 0u128;
    let mut i = 0;
    while i < MAPPED_FIELDS.len() {
        set |= 1 << MAPPED_FIELDS[i].0;
        i += 1;
    }
    set
};

fn is_mapped(n: usize) -> bool {
    n < 128 && MAPPED_SET & 1 << n != 0
}

/// `field 3 (name)`, or `field 7` for a field the reader does not map.
pub(super) fn field_label(n: usize) -> Message {
    let name = match n {
        1 => crate::msg!("atol-field-code"),
        2 => crate::msg!("atol-field-barcodes"),
        3 => crate::msg!("atol-field-name"),
        4 => crate::msg!("atol-field-receipt-text"),
        5 => crate::msg!("atol-field-price"),
        6 => crate::msg!("atol-field-stock"),
        8 => crate::msg!("atol-field-flags"),
        13 => crate::msg!("atol-field-payment-subject"),
        16 => crate::msg!("atol-field-parent-group"),
        17 => crate::msg!("atol-field-goods-or-group"),
        23 => crate::msg!("atol-field-tax-group"),
        26 => crate::msg!("atol-field-article"),
        66 => crate::msg!("atol-field-measure"),
        _ => return crate::msg!("atol-field", n = n),
    };
    debug_assert!(is_mapped(n), "field {n} has a name, so it is mapped");
    crate::msg!("atol-field-named", n = n, name = name)
}

pub fn sniff(head: &str) -> u8 {
    if head.trim_start_matches('\u{feff}').starts_with(MAGIC) {
        2
    } else {
        0
    }
}

/// The flags 1C writes for a product (reference §1.4): weighed, sale and return allowed, price
/// editing only when the price is zero, manual quantity entry.
fn default_flags(weighted: bool, price_is_zero: bool) -> [u8; 15] {
    let bit = |b: bool| if b { b'1' } else { b'0' };
    let mut flags = *b"0,1,1,0,0,0,0,1";
    flags[0] = bit(weighted);
    flags[12] = bit(price_is_zero);
    flags
}

fn price_is_zero(chosen: Option<rust_decimal::Decimal>) -> bool {
    chosen.is_none_or(|a| a.is_zero())
}

// ---------------------------------------------------------------------------------------------
// Reading

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let mut lines = Lines::open(input, forced, &opts.limits)?;
    let first = lines.next_text()?.map(|l| l.trim_start_matches('\u{feff}').trim().to_string());
    match first {
        Some(l) if l == MAGIC => {}
        Some(l) => return Err(bad_header(&lines, &l, crate::msg!("atol-expected-magic", magic = MAGIC))),
        None => return Err(Error::syntax(lines.pos(), crate::msg!("atol-goods-empty", magic = MAGIC))),
    }
    let flag = match lines.next_text()?.map(|l| l.trim().to_string()) {
        Some(l) if l == "#" || l == "@" => l,
        Some(l) => return Err(bad_header(&lines, &l, crate::msg!("atol-expected-flag-line"))),
        None => return Err(Error::syntax(lines.pos(), crate::msg!("atol-goods-no-flag", magic = MAGIC))),
    };
    let mut header = Header::new(DataKind::Catalog);
    header.source_format = Some(NAME.into());
    header.extra.insert("atol-flag".into(), flag);
    let mut commands: Vec<String> = Vec::new();
    let mut begun = false;
    let mut command: Option<String> = None;
    let mut skipped_commands: Vec<String> = Vec::new();
    let mut cards = Cards::default();
    let (mut line, mut ends) = (Vec::new(), Vec::new());
    while lines.read_into(&mut line)? {
        if fields::is_blank(&line, || lines.pos())? {
            continue;
        }
        if let Some(name) = command_line(&line, &lines)? {
            let name = name.trim().to_uppercase();
            // A card's lines are consecutive goods lines of one section.
            cards.flush(sink, diag)?;
            if !begun {
                commands.push(name.clone());
            }
            let known = GOODS_COMMANDS.contains(&name.as_str())
                || CLEAR_COMMANDS.contains(&name.as_str())
                || DELETE_COMMANDS.contains(&name.as_str());
            if !known && !skipped_commands.contains(&name) {
                diag.warn(
                    Warning::new(
                        WarningKind::AtolCommandSkipped,
                        crate::msg!("atol-command-skipped", command = name.as_str()),
                    )
                    .at(lines.pos()),
                )?;
                skipped_commands.push(name.clone());
            }
            command = Some(name);
            continue;
        }
        match command.as_deref() {
            // Goods lines right after the delete commands (1C's full export) are goods to add.
            None => {}
            Some(c) if GOODS_COMMANDS.contains(&c) || CLEAR_COMMANDS.contains(&c) => {}
            Some(c) if DELETE_COMMANDS.contains(&c) => {
                let text = lines.text(&line)?.trim();
                diag.warn_with(WarningKind::AtolDeletionSkipped, || {
                    Warning::new(
                        WarningKind::AtolDeletionSkipped,
                        crate::msg!("atol-deletion-skipped", command = c, text = format!("{text:?}")),
                    )
                    .at(lines.pos())
                })?;
                continue;
            }
            Some(_) => continue,
        }
        if !begun {
            header.extra.insert("atol-commands".into(), commands.join(","));
            sink.begin(&header, diag)?;
            begun = true;
        }
        match goods_record(&line, &lines, &mut ends)? {
            Record::Product(product) => cards.push(product, &line, &lines, sink, diag)?,
            group => {
                cards.flush(sink, diag)?;
                sink.record(group, diag)?;
            }
        }
    }
    cards.flush(sink, diag)?;
    // A file of commands only (a «clear the base» request, tax or classifier sections) is an
    // empty catalogue, not an error.
    if !begun {
        header.extra.insert("atol-commands".into(), commands.join(","));
        sink.begin(&header, diag)?;
    }
    sink.finish(diag)
}

/// The command a `$$$NAME` line names (after `$$$`, untrimmed), or `None` for a data line. A
/// line is decoded here only when it may be a command: one that begins, after ASCII spaces, with
/// another ASCII character (a goods code, say) is not.
fn command_line<'a>(line: &'a [u8], lines: &Lines) -> Result<Option<&'a str>> {
    match line.iter().find(|b| !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')) {
        Some(b) if b.is_ascii() && *b != b'$' => Ok(None),
        _ => Ok(lines.text(line)?.trim().strip_prefix("$$$")),
    }
}

fn goods_record(line: &[u8], lines: &Lines, ends: &mut Vec<usize>) -> Result<Record> {
    let f = Fields::split(line, lines, ends);
    let code = fields::code(f.get(1)?, || lines.field_pos(1, "code"))?;
    if code.is_empty() {
        return Err(Error::bad_value(lines.field_pos(1, "code"), "", crate::msg!("atol-expected-goods-code")));
    }
    let name = f.get(3)?.to_string();
    let parent = Some(f.get(16)?.to_string()).filter(|p| !p.is_empty());
    if f.get(17)? == "0" {
        return Ok(Record::Group(Group { code, name, parent, extra: Extra::new() }));
    }
    let mut p = Product::new(code.clone(), name.clone());
    p.parent = parent;
    // The whole cell first: `4,60713E+12` is one mangled barcode, not two.
    let barcodes = f.get(2)?;
    fields::code(barcodes, || lines.field_pos(2, "barcodes"))?;
    for b in barcodes.split(',').filter(|b| !b.trim().is_empty()) {
        p.barcodes.push(fields::code(b, || lines.field_pos(2, "barcodes"))?);
    }
    let price = fields::decimal(f.get(5)?, || lines.field_pos(5, "price"))?;
    if let Some(amount) = price {
        p.prices.push(Price {
            price_type: DEFAULT_PRICE_TYPE.into(),
            amount: Some(amount),
            code: None,
            includes_vat: None,
        });
    }
    let flags = f.get(8)?;
    p.weighted = flags.split(',').next().map(str::trim) == Some("1");
    let payment_subject = f.get(13)?;
    p.service = payment_subject == "4";
    p.article = Some(f.get(26)?.to_string()).filter(|a| !a.is_empty());
    let measure = f.get(66)?;
    if let Some((_, okei)) = MEASURES.iter().find(|(m, _)| *m == measure) {
        let name = crate::okei::unit_name(okei).unwrap_or_default().to_string();
        p.unit = Some(Unit { code: okei.to_string(), name });
    }
    let mut extra = Extra::new();
    let receipt_text = f.get(4)?;
    if !receipt_text.is_empty() && receipt_text != name {
        extra.insert("ReceiptText".into(), receipt_text.to_string());
    }
    let stock = f.get(6)?;
    if !stock.is_empty() {
        extra.insert("Stock".into(), stock.to_string());
    }
    let default = default_flags(p.weighted, price_is_zero(price));
    if !flags.is_empty() && !flags.bytes().filter(|b| *b != b' ').eq(default) {
        extra.insert("Flags".into(), flags.to_string());
    }
    if !matches!(payment_subject, "" | "4") {
        extra.insert("PaymentSubject".into(), payment_subject.to_string());
    }
    let tax_group = f.get(23)?;
    if !tax_group.is_empty() {
        extra.insert("TaxGroup".into(), tax_group.to_string());
    }
    if !measure.is_empty() && p.unit.is_none() {
        extra.insert("field66".into(), measure.to_string());
    }
    for n in (1..=f.count()).filter(|n| !is_mapped(*n)) {
        if f.is_empty(n)? {
            continue;
        }
        let value = f.get(n)?;
        let is_default = match n {
            7 | 18 => value == "0",
            14 => matches!(value, "1" | "1,000" | "1.000"),
            25 => p.weighted && value == code,
            _ => false,
        };
        if !is_default {
            extra.insert(format!("field{n}"), value.to_string());
        }
    }
    p.extra = extra;
    Ok(Record::Product(p))
}

// ---------------------------------------------------------------------------------------------
// Writing

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    Ok(Box::new(GroupedCatalog::new(
        NAME,
        AtolGoodsWriter {
            out: EncodedText::new(out, opts.encoding.as_deref(), "windows-1251")?,
            opts: opts.clone(),
            text: String::new(),
        },
    )))
}

struct AtolGoodsWriter {
    out: EncodedText,
    opts: WriteOptions,
    /// A record's line, in a buffer reused from record to record.
    text: String,
}

/// What a record is called in messages (`product 0001`), made into text only for a message.
#[derive(Clone, Copy)]
struct Subject<'a> {
    kind: &'static str,
    code: &'a str,
}

impl Subject<'_> {
    /// `product 123`, `group 7`, in the language the message is displayed in.
    fn message(&self) -> Message {
        match self.kind {
            "group" => crate::msg!("atol-subject-group", code = self.code),
            _ => crate::msg!("atol-subject-product", code = self.code),
        }
    }
}

fn command_name(c: AtolCommand) -> &'static str {
    match c {
        AtolCommand::Add => "ADDQUANTITY",
        AtolCommand::Replace => "REPLACEQUANTITY",
        AtolCommand::ReplaceWithoutSale => "REPLACEQUANTITYWITHOUTSALE",
    }
}

/// Sets field `n` (1-based) of a goods line, lengthening the line as needed.
fn set<'a>(f: &mut Vec<Cow<'a, str>>, n: usize, v: impl Into<Cow<'a, str>>) {
    if f.len() < n {
        f.resize(n, Cow::Borrowed(""));
    }
    f[n - 1] = v.into();
}

impl AtolGoodsWriter {
    fn sep(&self) -> char {
        self.opts.decimal_separator_or(',')
    }

    /// Writes one goods line: the fields joined by `;`, then CRLF, encoded at once.
    fn line(&mut self, fields: &[Cow<str>], subject: Subject, diag: &mut Diagnostics) -> Result<()> {
        self.text.clear();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.text.push(';');
            }
            self.text.push_str(field);
        }
        self.text.push_str("\r\n");
        self.out.write_lines(&self.text, &[self.text.len()], || subject.message(), diag)
    }

    fn check_code(code: &str, subject: Subject) -> Result<()> {
        if code.chars().count() > CODE_LIMIT || code.contains([';', '#']) {
            return Err(Error::conversion(
                Default::default(),
                crate::msg!(
                    "atol-code-invalid",
                    subject = subject.message(),
                    code = format!("{code:?}"),
                    limit = CODE_LIMIT
                ),
            ));
        }
        Ok(())
    }

    fn text<'a>(
        text: &'a str,
        limit: usize,
        what: Message,
        subject: Subject,
        diag: &mut Diagnostics,
    ) -> Result<Cow<'a, str>> {
        let (cleaned, note) = clean_text(text, limit);
        if let Some(note) = note {
            diag.warn_with(WarningKind::TextChanged, || {
                Warning::new(
                    WarningKind::TextChanged,
                    crate::msg!("atol-text-changed", subject = subject.message(), what = what, note = note),
                )
            })?;
        }
        Ok(cleaned)
    }

    /// A value kept in `extra`, written as it is except for what would break the record (`;`, a
    /// line break) or not come back (spaces at the ends: the reader trims fields).
    fn raw<'a>(value: &'a str, what: &str, subject: Subject, diag: &mut Diagnostics) -> Result<Cow<'a, str>> {
        if !value.contains([';', '\r', '\n']) && value.trim() == value {
            return Ok(Cow::Borrowed(value));
        }
        let cleaned = value.replace([';', '\r', '\n'], " ").trim().to_string();
        if cleaned != value {
            diag.warn_with(WarningKind::TextChanged, || {
                Warning::new(
                    WarningKind::TextChanged,
                    crate::msg!(
                        "atol-extra-cleaned",
                        subject = subject.message(),
                        what = what,
                        value = format!("{value:?}")
                    ),
                )
            })?;
        }
        Ok(Cow::Owned(cleaned))
    }

    fn write_group(&mut self, g: &Group, diag: &mut Diagnostics) -> Result<()> {
        let subject = Subject { kind: "group", code: &g.code };
        Self::check_code(&g.code, subject)?;
        let name = Self::text(&g.name, NAME_LIMIT, crate::msg!("atol-what-name"), subject, diag)?;
        let mut f = vec![Cow::Borrowed(""); 18];
        f[0] = Cow::Borrowed(g.code.as_str());
        f[2] = name.clone();
        f[3] = name;
        f[15] = Cow::Borrowed(g.parent.as_deref().unwrap_or_default());
        f[16] = Cow::Borrowed("0");
        f[17] = Cow::Borrowed("0");
        if !g.extra.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                let keys: Vec<&str> = g.extra.keys().map(String::as_str).collect();
                Warning::new(
                    WarningKind::FieldDropped,
                    crate::msg!("atol-cannot-hold", subject = subject.message(), format = NAME, lost = keys.join(", ")),
                )
            })?;
        }
        self.line(&f, subject, diag)
    }

    fn write_product(&mut self, p: &Product, diag: &mut Diagnostics) -> Result<()> {
        let subject = Subject { kind: "product", code: &p.code };
        Self::check_code(&p.code, subject)?;
        let mut lost: Vec<Message> = Vec::new();
        let prices = price_fields(p, self.opts.price_type.as_deref(), None, crate::msg!("atol-till-price"), diag)?;
        let price = prices.selling.and_then(|pr| pr.amount);
        if !prices.unwritten.is_empty() {
            lost.push(crate::msg!("atol-lost-price-types", types = list_types(&prices.unwritten)));
        }
        let measure = match &p.unit {
            Some(u) if !u.code.is_empty() => match MEASURES.iter().find(|(_, okei)| *okei == u.code) {
                Some((m, _)) => Some(*m),
                None => {
                    lost.push(crate::msg!("atol-lost-unit-no-measure", code = u.code.as_str(), name = u.name.as_str()));
                    None
                }
            },
            Some(u) if !u.name.is_empty() => {
                lost.push(crate::msg!("atol-lost-unit-no-okei", name = u.name.as_str()));
                None
            }
            _ => None,
        };
        let name = Self::text(&p.name, NAME_LIMIT, crate::msg!("atol-what-name"), subject, diag)?;
        let receipt_text = match p.extra.get("ReceiptText") {
            Some(t) => Self::text(t, NAME_LIMIT, crate::msg!("atol-what-receipt-text"), subject, diag)?,
            None => name.clone(),
        };
        let article = match &p.article {
            Some(a) => Self::text(a, ARTICLE_LIMIT, crate::msg!("atol-what-article"), subject, diag)?,
            None => Cow::Borrowed(""),
        };
        // The extras as they will be written, in their order.
        let mut extra: Vec<(&str, Cow<str>)> = Vec::with_capacity(p.extra.len());
        for (k, v) in &p.extra {
            let v = if k == "ReceiptText" { Cow::Borrowed(v.as_str()) } else { Self::raw(v, k, subject, diag)? };
            extra.push((k, v));
        }
        let extra_value = |key: &str| extra.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
        let mut f: Vec<Cow<str>> = vec![Cow::Borrowed(""); 33];
        set(&mut f, 1, p.code.as_str());
        set(
            &mut f,
            2,
            match p.barcodes.as_slice() {
                [] => Cow::Borrowed(""),
                [one] => Cow::Borrowed(one.as_str()),
                many => Cow::Owned(many.join(",")),
            },
        );
        set(&mut f, 3, name);
        set(&mut f, 4, receipt_text);
        if let Some(price) = price {
            set(&mut f, 5, format_decimal(&price, self.sep()));
        }
        set(&mut f, 6, extra_value("Stock").unwrap_or_default());
        set(&mut f, 7, "0");
        let flags = match extra_value("Flags") {
            Some(raw) => {
                let mut parts: Vec<&str> = raw.split(',').map(str::trim).collect();
                let weighted = if p.weighted { "1" } else { "0" };
                if let Some(first) = parts.first_mut() {
                    *first = weighted;
                }
                parts.join(",")
            }
            None => String::from_utf8_lossy(&default_flags(p.weighted, price_is_zero(price))).into_owned(),
        };
        set(&mut f, 8, flags);
        let subject_code =
            if p.service { Cow::Borrowed("4") } else { extra_value("PaymentSubject").unwrap_or_default() };
        set(&mut f, 13, subject_code);
        let coefficient: Cow<str> = match self.sep() {
            ',' => Cow::Borrowed("1,000"),
            sep => Cow::Owned(format!("1{sep}000")),
        };
        set(&mut f, 14, coefficient);
        set(&mut f, 16, p.parent.as_deref().unwrap_or_default());
        set(&mut f, 17, "1");
        set(&mut f, 18, "0");
        set(&mut f, 23, extra_value("TaxGroup").unwrap_or_default());
        if p.weighted {
            set(&mut f, 25, p.code.as_str());
        }
        set(&mut f, 26, article);
        if let Some(m) = measure.map(Cow::Borrowed).or_else(|| extra_value("field66")) {
            set(&mut f, 66, m);
        }
        let mut dropped = Vec::new();
        for (k, v) in &extra {
            match k.strip_prefix("field").and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if n > 0 && !is_mapped(n) => set(&mut f, n, v.clone()),
                Some(66) => {}
                _ if ["ReceiptText", "Stock", "Flags", "PaymentSubject", "TaxGroup"].contains(k) => {}
                _ => dropped.push(*k),
            }
        }
        if let Some(v) = p.vat {
            if extra_value("TaxGroup").is_none() {
                lost.push(crate::msg!("atol-lost-vat", vat = v.as_russian()));
            }
        }
        if p.comment.is_some() {
            lost.push(crate::msg!("atol-lost-comment"));
        }
        if !dropped.is_empty() {
            lost.push(crate::msg!("atol-lost-fields", fields = dropped.join(", ")));
        }
        if let Some(lost) = crate::formats::join_messages(lost, true) {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    crate::msg!("atol-cannot-hold", subject = subject.message(), format = NAME, lost = lost),
                )
            })?;
        }
        self.line(&f, subject, diag)
    }
}

impl CatalogWriter for AtolGoodsWriter {
    fn start(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        // An ATOL input's delete commands (a full export, a «clear the base» request) are its
        // meaning as much as its goods: say so when they are not written.
        let deletes: Vec<String> = match header.extra.get("atol-commands") {
            Some(commands) if !self.opts.atol_full_export => {
                commands.split(',').filter(|c| CLEAR_COMMANDS.contains(c)).map(|c| format!("$$${c}")).collect()
            }
            _ => Vec::new(),
        };
        if !deletes.is_empty() {
            diag.warn_with(WarningKind::FieldDropped, || {
                Warning::new(
                    WarningKind::FieldDropped,
                    crate::msg!("atol-deletes-not-written", commands = deletes.join(", ")),
                )
            })?;
        }
        let mut text = format!("{MAGIC}\r\n#\r\n");
        if self.opts.atol_full_export {
            // The correct spelling (1C itself writes `$$$DELETEALLBACODES`, which Frontol may skip).
            text.push_str("$$$DELETEALLWARES\r\n$$$DELETEALLBARCODES\r\n$$$DELETEALLASPECTREMAINS\r\n");
        }
        text.push_str(&format!("$$${}\r\n", command_name(self.opts.atol_command)));
        self.out.write(&text, &crate::msg!("fmt-subject-header"), diag)
    }

    fn group(&mut self, g: Group, diag: &mut Diagnostics) -> Result<()> {
        self.write_group(&g, diag)
    }

    fn product(&mut self, p: Product, diag: &mut Diagnostics) -> Result<()> {
        self.write_product(&p, diag)
    }

    fn end(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.out.flush()
    }
}
