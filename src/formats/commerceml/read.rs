//! Reads a CommerceML document: one file in one pass, or a package of several files — the offer
//! side indexed first, then classifiers, then catalogues streamed and merged (module docs).

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::FixedOffset;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::formats::orders_report::parse_offset;
use crate::model::{DataKind, Group, Header, Product, Record};
use crate::msg;
use crate::options::ReadOptions;
use crate::sink::RecordSink;
use crate::text::RawInput;

use super::documents::read_document;
use super::index::OffersIndex;
use super::offers::{read_package, Offer, PriceTypes, QUANTITY};
use super::parts::{offers_at_end, scan, Role, OFFER_PARTS};
use super::source::{Cml, Ev};
use super::{kind_name, NAME, ROOT};

pub(super) type Encoding = Option<&'static encoding_rs::Encoding>;

/// The ОКЕИ code of the kilogram: goods counted in it are sold by weight.
pub(super) const KILOGRAM: &str = "166";

pub fn read(input: RawInput, opts: &ReadOptions, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
    let forced = crate::formats::forced_encoding(opts)?;
    let text = opts.utc_offset.as_deref().unwrap_or("+03:00");
    let utc_offset = parse_offset(text).ok_or_else(|| super::utc_offset_error(text))?;
    let mut reader = Reader {
        sink,
        diag,
        forced,
        limits: opts.limits,
        utc_offset,
        header: Header::new(DataKind::Catalog),
        begun: None,
        types: PriceTypes::default(),
        index: None,
        groups: HashSet::new(),
        pending_groups: Vec::new(),
        goods_written: false,
        offers_written: false,
    };
    reader.header.source_format = Some(NAME.to_string());
    let whole_file = input.path.clone().filter(|p| opts.with.is_empty() && offers_at_end(p));
    if let Some(path) = whole_file {
        // Goods and then their offers in one file: the offers are indexed in a first pass.
        drop(input);
        reader.index = Some(OffersIndex::default());
        reader.read_file(RawInput::open(&path)?, Mode::Index)?;
        reader.read_file(RawInput::open(&path)?, Mode::Stream { offers_indexed: true })?;
        reader.finish_index()?;
    } else if opts.with.is_empty() {
        reader.read_file(input, Mode::Stream { offers_indexed: false })?;
    } else {
        reader.read_package(input, &opts.with)?;
    }
    reader.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Offers go into the index (goods are skipped); groups wait for the sink to begin.
    Index,
    /// Records go to the sink as they are read; offers already indexed from this file are skipped.
    Stream { offers_indexed: bool },
}

pub(super) struct Reader<'a> {
    pub sink: &'a mut dyn RecordSink,
    pub diag: &'a mut Diagnostics,
    forced: Encoding,
    limits: crate::limits::Limits,
    /// The offset of the local times in `Документ` (CommerceML dates carry no zone).
    pub utc_offset: FixedOffset,
    header: Header,
    /// The kind the sink was begun with.
    begun: Option<DataKind>,
    pub types: PriceTypes,
    /// The offer side of a package; `None` for a single file, whose offers go out as they come.
    pub index: Option<OffersIndex>,
    /// Groups written (or waiting), by `Ид`: several parts repeat one classifier.
    groups: HashSet<String>,
    /// Groups read before the sink began (classifiers at the head of offers files).
    pending_groups: Vec<Group>,
    /// A `Каталог` was streamed: offers coming after it in the same file cannot be merged.
    pub goods_written: bool,
    offers_written: bool,
}

impl Reader<'_> {
    fn begin(&mut self, kind: DataKind) -> Result<()> {
        match self.begun {
            Some(k) if k == kind => Ok(()),
            Some(k) => Err(Error::usage(msg!("cml-two-kinds", first = kind_name(k), second = kind_name(kind)))),
            None => {
                self.begun = Some(kind);
                self.header.kind = kind;
                self.sink.begin(&self.header, self.diag)?;
                for group in std::mem::take(&mut self.pending_groups) {
                    self.sink.record(Record::Group(group), self.diag)?;
                }
                Ok(())
            }
        }
    }

    /// A group, written once however many parts list it.
    pub(super) fn group(&mut self, group: Group) -> Result<()> {
        if !self.groups.insert(group.code.clone()) {
            return Ok(());
        }
        match self.begun {
            None => {
                self.pending_groups.push(group);
                Ok(())
            }
            Some(_) => {
                self.begin(DataKind::Catalog)?;
                self.sink.record(Record::Group(group), self.diag)
            }
        }
    }

    pub(super) fn product(&mut self, p: Product) -> Result<()> {
        self.begin(DataKind::Catalog)?;
        self.sink.record(Record::Product(p), self.diag)
    }

    fn finish(mut self) -> Result<()> {
        if self.begun.is_none() {
            self.begin(DataKind::Catalog)?;
        }
        self.sink.finish(self.diag)
    }

    /// Reads the root's children of one file.
    fn read_file(&mut self, input: RawInput, mode: Mode) -> Result<()> {
        let mut cml = Cml::open(input, self.forced, &self.limits)?;
        let (mut attrs, empty) = cml.root()?;
        let date = cml.export_date(&mut attrs, self.diag)?;
        if self.header.export_date.is_none() {
            self.header.export_date = date;
        }
        if empty {
            return Ok(());
        }
        let file = match (&mut self.index, mode) {
            (Some(index), Mode::Index) => index.start_file(cml.locator()),
            _ => 0,
        };
        loop {
            match cml.next()? {
                Ev::Start { name, attrs, empty } => match name.as_str() {
                    "Классификатор" if !empty => self.read_classifier(&mut cml)?,
                    "Каталог" if mode == Mode::Index => cml.xml.skip_element(&name)?,
                    "Каталог" if !empty => self.read_catalog(&mut cml, attrs)?,
                    n if OFFER_PARTS.contains(&n) && !empty => match (mode, self.index.is_some()) {
                        (Mode::Stream { offers_indexed: true }, _) => cml.xml.skip_element(&name)?,
                        (Mode::Index, true) => {
                            let (index, diag, types) =
                                (self.index.as_mut().expect("checked"), &mut *self.diag, &mut self.types);
                            read_package(&mut cml, diag, types, n, &mut |offer, cml, diag, _| {
                                index.add(offer, file, cml, diag)
                            })?;
                        }
                        _ if self.goods_written => {
                            let pos = cml.pos(&name);
                            cml.skip(&name, empty)?;
                            self.diag.warn(
                                Warning::new(
                                    WarningKind::ElementSkipped,
                                    msg!("cml-offers-after-goods", name = name.as_str()),
                                )
                                .at(pos),
                            )?;
                        }
                        _ => self.read_offers_alone(&mut cml, n)?,
                    },
                    "Документ" if mode != Mode::Index => {
                        self.begin(DataKind::Orders)?;
                        if let Some(order) = read_document(&mut cml, self.diag, self.utc_offset, empty)? {
                            self.sink.record(Record::Order(order), self.diag)?;
                        }
                    }
                    _ => {
                        cml.skip_unmapped(self.diag, &name, empty, ROOT)?;
                    }
                },
                Ev::End => return Ok(()),
                Ev::Text(t) => cml.stray_text(self.diag, &t, ROOT)?,
                Ev::Eof => return Err(cml.truncated(ROOT)),
            }
        }
    }

    fn warn_catalog_missing(&mut self) -> Result<()> {
        if std::mem::replace(&mut self.offers_written, true) {
            return Ok(());
        }
        self.diag.warn(Warning::new(WarningKind::CatalogMissing, msg!("cml-catalog-missing")))
    }

    /// Offers with no catalogue to merge into: each one a product as it comes.
    fn read_offers_alone(&mut self, cml: &mut Cml, package: &str) -> Result<()> {
        self.begin(DataKind::Catalog)?;
        self.warn_catalog_missing()?;
        let mut types = std::mem::take(&mut self.types);
        let (sink, diag) = (&mut *self.sink, &mut *self.diag);
        let result = read_package(cml, diag, &mut types, package, &mut |offer, cml, diag, types| {
            let pos = cml.pos_at(offer.offset, "Предложение");
            let product = offer_product(offer, pos, diag, types)?;
            sink.record(Record::Product(product), diag)
        });
        self.types = types;
        result
    }

    /// A package: every file's parts scanned first, then read in the order merging needs. A main
    /// input that is not a file (standard input, a stream) is taken for the catalogue.
    fn read_package(&mut self, main: RawInput, with: &[PathBuf]) -> Result<()> {
        let mut streamed_main = None;
        let mut files: Vec<(PathBuf, Role)> = Vec::new();
        let mut paths: Vec<PathBuf> = Vec::with_capacity(with.len() + 1);
        match main.path.clone() {
            Some(path) => paths.push(path),
            None => streamed_main = Some(main),
        }
        paths.extend(with.iter().cloned());
        for path in paths {
            if files.iter().any(|(p, _)| *p == path) {
                continue;
            }
            let parts = scan(RawInput::open(&path)?, self.forced, &self.limits)?;
            files.push((path, parts.role()));
        }
        let of = |role: Role| files.iter().filter(move |(_, r)| *r == role).map(|(p, _)| p.clone());
        for path in of(Role::Empty) {
            self.diag.warn(
                Warning::new(WarningKind::ElementSkipped, msg!("cml-empty-file"))
                    .at(Position::in_file(&path.display().to_string().into())),
            )?;
        }
        let documents: Vec<PathBuf> = of(Role::Documents).collect();
        if !documents.is_empty() {
            if let Some((other, _)) = files.iter().find(|(_, r)| !matches!(r, Role::Documents | Role::Empty)) {
                return Err(Error::usage(msg!(
                    "cml-documents-and-catalog",
                    documents = documents[0].display().to_string(),
                    other = other.display().to_string()
                )));
            }
            for path in documents {
                self.read_file(RawInput::open(&path)?, Mode::Stream { offers_indexed: false })?;
            }
            return Ok(());
        }
        let offers: Vec<PathBuf> = of(Role::Offers).collect();
        // Catalogue files that also end with offers give them to the index first.
        let catalog_offers: Vec<PathBuf> = of(Role::Catalog).filter(|p| offers_at_end(p)).collect();
        if !offers.is_empty() || !catalog_offers.is_empty() {
            self.index = Some(OffersIndex::default());
            for path in offers.iter().chain(&catalog_offers) {
                self.read_file(RawInput::open(path)?, Mode::Index)?;
            }
        }
        self.begin(DataKind::Catalog)?;
        for path in of(Role::Classifier).chain(of(Role::Catalog)) {
            let offers_indexed = catalog_offers.contains(&path);
            self.read_file(RawInput::open(&path)?, Mode::Stream { offers_indexed })?;
        }
        if let Some(main) = streamed_main {
            self.read_file(main, Mode::Stream { offers_indexed: false })?;
        }
        self.finish_index()
    }

    /// After the catalogue: the offers it did not take are reported; with no catalogue at all,
    /// each offer is written as a product.
    fn finish_index(&mut self) -> Result<()> {
        let Some(mut index) = self.index.take() else { return Ok(()) };
        if !self.goods_written {
            self.warn_catalog_missing()?;
            for (offer, pos) in index.drain() {
                let product = offer_product(offer, pos, self.diag, &mut self.types)?;
                self.product(product)?;
            }
            return Ok(());
        }
        let (count, first) = index.unused();
        if count > 0 {
            let ids = format!("{}{}", first.join(", "), if count > first.len() { ", …" } else { "" });
            self.diag
                .warn(Warning::new(WarningKind::OfferSkipped, msg!("cml-offers-unlisted", count = count, ids = ids)))?;
        }
        Ok(())
    }
}

/// An offer with no goods to merge into, as a product of its own.
fn offer_product(offer: Offer, pos: Position, diag: &mut Diagnostics, types: &mut PriceTypes) -> Result<Product> {
    let name = if offer.name.trim().is_empty() {
        diag.warn(Warning::new(WarningKind::ValueAssumed, msg!("cml-offer-no-name", id = &offer.id)).at(pos))?;
        offer.id.clone()
    } else {
        offer.name
    };
    let mut p = Product::new(offer.id, name);
    p.barcodes = offer.barcodes;
    p.article = offer.article;
    p.weighted = offer.unit.as_ref().is_some_and(|u| u.code == KILOGRAM);
    p.unit = offer.unit;
    p.deleted = offer.deleted;
    for (type_id, amount) in offer.prices {
        p.prices.push(types.price(diag, &type_id, amount)?);
    }
    if !offer.features.is_empty() {
        p.extra.insert("Характеристики".into(), offer.features.join(", "));
    }
    if let Some(q) = offer.quantity {
        p.extra.insert(QUANTITY.into(), q.to_string());
    }
    p.extra.extend(offer.extra);
    Ok(p)
}

/// The error for a document that is not an order.
pub(super) fn not_an_order(operation: &str) -> Error {
    ErrorKind::Unsupported { format: NAME.into(), action: msg!("cml-not-an-order", operation = operation).into() }
        .into()
}
