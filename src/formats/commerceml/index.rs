//! The offer side of a package held in memory, merged by `Ид` over all its files (`offers`,
//! `prices`, `rests` …), for the streamed catalogue to take from. Memory holds offers, never goods.

use std::collections::HashMap;

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::{Position, Result};
use crate::formats::xml::Locator;
use crate::model::{Extra, Unit};

use super::offers::{split_id, Offer};
use super::source::Cml;

/// What the index keeps of an offer.
#[derive(Debug)]
struct IndexedOffer {
    characteristic: Option<Box<str>>,
    /// The file the offer was first read from: a repeat in that file is a duplicate, in another
    /// file it is another part of the same offer (its prices, its stock).
    file: u16,
    offset: u64,
    name: Box<str>,
    article: Option<Box<str>>,
    unit: Option<Unit>,
    barcodes: Vec<String>,
    features: Vec<String>,
    /// Price type (a number into `OffersIndex::type_ids`) and amount.
    prices: Vec<(u32, Option<Decimal>)>,
    quantity: Option<Decimal>,
    deleted: bool,
    extra: Option<Box<Extra>>,
    used: bool,
}

/// The offers of a package by goods id, in document order (for reproducible output and messages).
#[derive(Debug, Default)]
pub(super) struct OffersIndex {
    goods: IndexMap<Box<str>, Vec<IndexedOffer>>,
    type_ids: Vec<String>,
    type_numbers: HashMap<String, u32>,
    /// One per file read into the index, to place messages about offers.
    locators: Vec<Locator>,
    pub count: usize,
}

impl OffersIndex {
    /// Starts reading another file into the index; returns its number.
    pub fn start_file(&mut self, locator: Locator) -> u16 {
        self.locators.push(locator);
        (self.locators.len() - 1) as u16
    }

    fn type_number(&mut self, type_id: String) -> u32 {
        let next = self.type_ids.len() as u32;
        let n = *self.type_numbers.entry(type_id.clone()).or_insert(next);
        if n == next {
            self.type_ids.push(type_id);
        }
        n
    }

    pub fn add(&mut self, offer: Offer, file: u16, cml: &mut Cml, diag: &mut Diagnostics) -> Result<()> {
        let (goods, characteristic) = split_id(&offer.id);
        let (goods, characteristic) = (goods.to_string(), characteristic.map(str::to_string));
        let prices: Vec<(u32, Option<Decimal>)> =
            offer.prices.into_iter().map(|(type_id, amount)| (self.type_number(type_id), amount)).collect();
        let entries = self.goods.entry(goods.into()).or_default();
        let Some(known) = entries.iter_mut().find(|e| e.characteristic.as_deref() == characteristic.as_deref()) else {
            entries.push(IndexedOffer {
                characteristic: characteristic.map(Into::into),
                file,
                offset: offer.offset,
                name: offer.name.into_boxed_str(),
                article: offer.article.map(Into::into),
                unit: offer.unit,
                barcodes: offer.barcodes,
                features: offer.features,
                prices,
                quantity: offer.quantity,
                deleted: offer.deleted,
                extra: (!offer.extra.is_empty()).then(|| Box::new(offer.extra)),
                used: false,
            });
            self.count += 1;
            return Ok(());
        };
        if known.file == file {
            return diag.warn(
                Warning::new(WarningKind::ValueDropped, crate::msg!("cml-offer-twice", id = &offer.id))
                    .at(cml.pos_at(offer.offset, "Предложение")),
            );
        }
        // Another part of the package says more of the same offer.
        if known.name.trim().is_empty() {
            known.name = offer.name.into_boxed_str();
        }
        if known.article.is_none() {
            known.article = offer.article.map(Into::into);
        }
        if known.unit.is_none() {
            known.unit = offer.unit;
        }
        for b in offer.barcodes {
            if !known.barcodes.contains(&b) {
                known.barcodes.push(b);
            }
        }
        if known.features.is_empty() {
            known.features = offer.features;
        }
        for (n, amount) in prices {
            match known.prices.iter().find(|(k, _)| *k == n) {
                None => known.prices.push((n, amount)),
                Some((_, first)) if *first != amount => diag.warn(
                    Warning::new(
                        WarningKind::ValueDropped,
                        crate::msg!(
                            "cml-offer-prices-disagree",
                            id = &offer.id,
                            price_type = format!("{:?}", self.type_ids[n as usize])
                        ),
                    )
                    .at(cml.pos_at(offer.offset, "Предложение/Цены")),
                )?,
                Some(_) => {}
            }
        }
        if let Some(q) = offer.quantity {
            // Stock from a later part (`rests` after `offers`) is the newer figure.
            known.quantity = Some(q);
        }
        known.deleted |= offer.deleted;
        if !offer.extra.is_empty() {
            let extra = known.extra.get_or_insert_with(Default::default);
            for (k, v) in offer.extra {
                extra.entry(k).or_insert(v);
            }
        }
        Ok(())
    }

    fn taken(type_ids: &[String], goods: &str, e: &mut IndexedOffer) -> Offer {
        e.used = true;
        Offer {
            id: match &e.characteristic {
                Some(c) => format!("{goods}#{c}"),
                None => goods.to_string(),
            },
            offset: e.offset,
            name: std::mem::take(&mut e.name).into(),
            barcodes: std::mem::take(&mut e.barcodes),
            article: e.article.take().map(String::from),
            unit: e.unit.take(),
            prices: std::mem::take(&mut e.prices).into_iter().map(|(n, a)| (type_ids[n as usize].clone(), a)).collect(),
            quantity: e.quantity,
            deleted: e.deleted,
            features: std::mem::take(&mut e.features),
            extra: e.extra.take().map(|b| *b).unwrap_or_default(),
        }
    }

    /// Takes the offers of one product out of the index (their memory is released): all offers
    /// of `goods` not taken yet, or only that of `characteristic` when the catalogue's own `Ид`
    /// names one.
    pub fn take(&mut self, goods: &str, characteristic: Option<&str>) -> Vec<Offer> {
        let Some(entries) = self.goods.get_mut(goods) else { return Vec::new() };
        let type_ids = &self.type_ids;
        entries
            .iter_mut()
            .filter(|e| !e.used && (characteristic.is_none() || e.characteristic.as_deref() == characteristic))
            .map(|e| Self::taken(type_ids, goods, e))
            .collect()
    }

    /// Every offer not taken yet, in document order, each with the position of its first part
    /// (for a package without a catalogue: each offer becomes a product).
    pub fn drain(&mut self) -> Vec<(Offer, Position)> {
        let mut out = Vec::new();
        for (goods, entries) in self.goods.iter_mut() {
            for e in entries.iter_mut().filter(|e| !e.used) {
                let pos = self.locators[e.file as usize].at(e.offset).with_field("Предложение".to_string());
                out.push((Self::taken(&self.type_ids, goods, e), pos));
            }
        }
        out
    }

    /// Offers the catalogue did not take: (count, the first few ids).
    pub fn unused(&self) -> (usize, Vec<String>) {
        let mut count = 0;
        let mut first = Vec::new();
        for (goods, offers) in &self.goods {
            for o in offers.iter().filter(|o| !o.used) {
                count += 1;
                if first.len() < 5 {
                    first.push(match &o.characteristic {
                        Some(c) => format!("{goods}#{c}"),
                        None => goods.to_string(),
                    });
                }
            }
        }
        (count, first)
    }
}
