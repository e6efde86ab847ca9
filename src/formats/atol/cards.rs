//! Goods cards from goods lines. Frontol converters write one line per barcode: the same code on
//! consecutive lines, each with one barcode and otherwise the same fields (reference
//! `real-files.md` §2), and Frontol loads them as one card with several barcodes. So consecutive
//! lines of one code are merged into one product here, holding one pending card at a time; lines
//! of a code that are not consecutive stay separate products, with a warning.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

use crate::diagnostics::{Diagnostics, Warning, WarningKind};
use crate::error::Result;
use crate::formats::atol::goods::field_label;
use crate::formats::atol::Lines;
use crate::model::{Product, Record};
use crate::sink::RecordSink;

#[derive(Default)]
pub struct Cards {
    pending: Option<Card>,
    /// The pending card's first line (the values kept), for comparing its other lines with.
    first_line: Vec<u8>,
    /// 64-bit fingerprints of the codes already read, to notice a code that comes back after
    /// other goods. Fingerprints rather than the codes keep this at about 9–18 bytes a code (a
    /// million codes in about 20 MB); two codes sharing one is about a 1-in-10^7 chance there.
    seen: HashSet<u64, BuildHasherDefault<Fingerprint>>,
    fingerprint: RandomState,
}

/// The set's hasher: a fingerprint is already a hash, so it is used as it is.
#[derive(Default)]
struct Fingerprint(u64);

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

struct Card {
    product: Product,
    /// The number of the card's first line, for naming it.
    first_number: u64,
}

impl Cards {
    /// Takes the product of a goods line: merged into the pending card when it has the same
    /// code; otherwise the pending card is passed on and this one waits for its next lines.
    pub fn push(
        &mut self,
        mut product: Product,
        line: &[u8],
        lines: &Lines,
        sink: &mut dyn RecordSink,
        diag: &mut Diagnostics,
    ) -> Result<()> {
        if let Some(card) = &mut self.pending {
            if card.product.code == product.code {
                return card.merge(product, &self.first_line, line, lines, diag);
            }
        }
        self.flush(sink, diag)?;
        if !self.seen.insert(self.fingerprint.hash_one(&product.code)) {
            diag.warn_with(WarningKind::DuplicateCode, || {
                Warning::new(WarningKind::DuplicateCode, crate::msg!("atol-code-again", code = product.code.as_str()))
                    .at(lines.pos())
            })?;
        }
        let barcodes = std::mem::take(&mut product.barcodes);
        let mut card = Card { product, first_number: lines.number() };
        card.add_barcodes(barcodes, lines, diag)?;
        self.pending = Some(card);
        self.first_line.clear();
        self.first_line.extend_from_slice(line);
        Ok(())
    }

    /// Passes the pending card on (before a group, a command, or at the end of the file).
    pub fn flush(&mut self, sink: &mut dyn RecordSink, diag: &mut Diagnostics) -> Result<()> {
        match self.pending.take() {
            Some(card) => sink.record(Record::Product(card.product), diag),
            None => Ok(()),
        }
    }
}

/// Field `n` (1-based) of a `;` line, trimmed; empty past the end.
fn field(line: &str, n: usize) -> &str {
    line.split(';').nth(n - 1).unwrap_or("").trim()
}

impl Card {
    /// Adds a line's barcodes in order; one the card already has is kept once (warned).
    fn add_barcodes(&mut self, barcodes: Vec<String>, lines: &Lines, diag: &mut Diagnostics) -> Result<()> {
        for b in barcodes {
            if self.product.barcodes.contains(&b) {
                diag.warn_with(WarningKind::ValueDropped, || {
                    Warning::new(
                        WarningKind::ValueDropped,
                        crate::msg!("atol-barcode-again", code = self.product.code.as_str(), barcode = b.as_str()),
                    )
                    .at(lines.field_pos(2, "barcodes"))
                })?;
            } else {
                self.product.barcodes.push(b);
            }
        }
        Ok(())
    }

    /// Adds the line's barcodes (in order, without repeats). Values that differ from the first
    /// line's are dropped with a warning naming the fields.
    fn merge(
        &mut self,
        mut other: Product,
        first_line: &[u8],
        line: &[u8],
        lines: &Lines,
        diag: &mut Diagnostics,
    ) -> Result<()> {
        let barcodes = std::mem::take(&mut other.barcodes);
        let kept = std::mem::take(&mut self.product.barcodes);
        // Compared as read, so `1,000` and `1.000` (the same coefficient) are not a difference.
        let same = self.product == other;
        self.product.barcodes = kept;
        self.add_barcodes(barcodes, lines, diag)?;
        if same {
            return Ok(());
        }
        let (first, this) = (lines.text(first_line)?, lines.text(line)?);
        diag.warn_with(WarningKind::ValueDropped, || {
            let fields = first.split(';').count().max(this.split(';').count());
            let differences = (1..=fields).filter(|n| *n != 2 && field(first, *n) != field(this, *n)).map(|n| {
                crate::msg!(
                    "atol-difference",
                    field = field_label(n),
                    first = format!("{:?}", field(first, n)),
                    second = format!("{:?}", field(this, n))
                )
            });
            Warning::new(
                WarningKind::ValueDropped,
                crate::msg!(
                    "atol-card-lines-differ",
                    code = self.product.code.as_str(),
                    first = self.first_number,
                    second = lines.number(),
                    differences = crate::formats::join_messages(differences, false)
                        .map_or_else(|| crate::i18n::Arg::Text(String::new()), crate::i18n::Arg::from)
                ),
            )
            .at(lines.pos())
        })
    }
}
