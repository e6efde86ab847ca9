//! Receipts as an endless stream: one shop, four tills, sales of a fixed assortment.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use kassa_bridge::model::{Party, Payment, PaymentKind, Receipt, ReceiptKind, ReceiptLine, Record, Vat};
use rust_decimal::Decimal;

use super::catalog::CatalogGen;
use super::rng::Rng;
use super::vocabulary::money;

/// What a till sells: a fixed assortment drawn from the catalogue generator.
struct Goods {
    code: String,
    name: String,
    unit: &'static str,
    weighted: bool,
    price: u64,
    vat: Vat,
}

/// Receipts as an endless stream: one shop, four tills, sales from 9:00 on.
pub struct ReceiptGen {
    rng: Rng,
    goods: Vec<Goods>,
    time: DateTime<FixedOffset>,
    number: u64,
}

impl ReceiptGen {
    pub fn new(seed: u64) -> Self {
        let goods = CatalogGen::new(seed ^ 0x5EED)
            .filter_map(|r| match r {
                Record::Product(p) => Some(p),
                _ => None,
            })
            .take(3000)
            .map(|p| Goods {
                unit: if p.weighted { "166" } else { "796" },
                weighted: p.weighted,
                price: p.prices[0].amount.map_or(100, |a| (a * Decimal::ONE_HUNDRED).try_into().unwrap_or(100)),
                vat: p.vat.unwrap_or(Vat::Vat20),
                code: p.code,
                name: p.name,
            })
            .collect();
        let start = NaiveDate::from_ymd_opt(2024, 3, 1).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("a valid date");
        let offset = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
        let time = start.and_local_timezone(offset).single().expect("a fixed offset is unambiguous");
        ReceiptGen { rng: Rng::new(seed), goods, time, number: 0 }
    }

    fn receipt(&mut self) -> Receipt {
        self.number += 1;
        self.time += Duration::seconds(self.rng.range(5, 240) as i64);
        let till = self.rng.range(1, 4);
        let count = self.rng.range(1, 5);
        let mut lines = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let g = &self.goods[self.rng.below(self.goods.len() as u64) as usize];
            let quantity = if g.weighted {
                Decimal::new(self.rng.range(150, 2500) as i64, 3)
            } else {
                Decimal::from(self.rng.range(1, 4))
            };
            let price = money(g.price);
            let sum = (price * quantity).round_dp(2);
            let discount = if self.rng.chance(15) { (sum * Decimal::new(5, 2)).round_dp(2) } else { Decimal::ZERO };
            lines.push(ReceiptLine {
                product_code: g.code.clone(),
                product_name: g.name.clone(),
                unit_code: Some(g.unit.to_string()),
                barcode: None,
                article: None,
                price,
                quantity,
                discount,
                sum,
                sum_with_discount: sum - discount,
                vat: Some(g.vat),
                extra: Default::default(),
            });
        }
        let total: Decimal = lines.iter().map(|l| l.sum).sum();
        let total_with_discount: Decimal = lines.iter().map(|l| l.sum_with_discount).sum();
        let payments = match self.rng.below(10) {
            0..=5 => vec![Payment { kind: PaymentKind::Card, amount: total_with_discount }],
            6..=8 => vec![Payment { kind: PaymentKind::Cash, amount: total_with_discount }],
            _ => {
                let cash = (total_with_discount / Decimal::TWO).floor();
                if cash.is_zero() {
                    vec![Payment { kind: PaymentKind::Card, amount: total_with_discount }]
                } else {
                    vec![
                        Payment { kind: PaymentKind::Cash, amount: cash },
                        Payment { kind: PaymentKind::Card, amount: total_with_discount - cash },
                    ]
                }
            }
        };
        Receipt {
            date: self.time,
            number: self.number.to_string(),
            kind: ReceiptKind::Sale,
            organization: Party { code: Some("7701234567".into()), name: Some("ООО «Ромашка»".into()) },
            cash_box: Party { code: Some(till.to_string()), name: Some(format!("Касса №{till}")) },
            store: Party {
                code: Some("1".into()), name: Some("Магазин «У дома», ул. Ленина, 12".into())
            },
            total,
            total_with_discount,
            payments,
            lines,
            extra: Default::default(),
        }
    }
}

impl Iterator for ReceiptGen {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        Some(Record::Receipt(self.receipt()))
    }
}

/// Lines, totals and payments add up.
pub fn check_sums() {
    for r in ReceiptGen::new(5).take(300) {
        let Record::Receipt(r) = r else { panic!("receipts only") };
        assert!((1..=5).contains(&r.lines.len()));
        for l in &r.lines {
            assert_eq!(l.sum, (l.price * l.quantity).round_dp(2));
            assert_eq!(l.sum_with_discount, l.sum - l.discount);
        }
        assert_eq!(r.total, r.lines.iter().map(|l| l.sum).sum::<Decimal>());
        assert_eq!(r.total_with_discount, r.lines.iter().map(|l| l.sum_with_discount).sum::<Decimal>());
        assert_eq!(r.payments.iter().map(|p| p.amount).sum::<Decimal>(), r.total_with_discount);
    }
}
