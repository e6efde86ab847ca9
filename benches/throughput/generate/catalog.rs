//! The catalogue as an endless stream of records: department after department, each a small
//! tree of groups (parents first) followed by the products of its leaf groups.

use std::collections::VecDeque;

use kassa_bridge::model::{Group, Price, Product, Record, Unit, Vat};

use super::rng::{ean13, Rng};
use super::vocabulary::{
    money, Department, ARTICLE_PREFIXES, BRANDS, DEPARTMENTS, PRICE_PURCHASE, PRICE_RETAIL, PRICE_WHOLESALE,
    SUBGROUP_KINDS,
};

/// The catalogue as an endless stream of records: department after department.
pub struct CatalogGen {
    rng: Rng,
    queue: VecDeque<Record>,
    department: u64,
    next_group: u64,
    next_product: u64,
}

impl CatalogGen {
    pub fn new(seed: u64) -> Self {
        CatalogGen { rng: Rng::new(seed), queue: VecDeque::new(), department: 0, next_group: 1, next_product: 1 }
    }

    fn group_code(&mut self) -> String {
        let code = format!("ГР-{:06}", self.next_group);
        self.next_group += 1;
        code
    }

    /// One department: its groups (parents first), then the products of its leaf groups.
    fn fill(&mut self) {
        let index = self.department;
        self.department += 1;
        let dept = &DEPARTMENTS[(index % DEPARTMENTS.len() as u64) as usize];
        // Names stay unique (БИФИТ names folders by name): a second round of departments is numbered.
        let round = index / DEPARTMENTS.len() as u64;
        let suffix = if round == 0 { String::new() } else { format!(" {}", round + 1) };
        let top = self.group_code();
        let mut groups = vec![Group {
            code: top.clone(),
            name: format!("{}{suffix}", dept.name),
            parent: None,
            extra: Default::default(),
        }];
        let mut leaves: Vec<String> = Vec::new();
        for sub in dept.subgroups {
            let code = self.group_code();
            groups.push(Group {
                code: code.clone(),
                name: format!("{sub}{suffix}"),
                parent: Some(top.clone()),
                extra: Default::default(),
            });
            if self.rng.chance(35) {
                let n = self.rng.range(1, SUBGROUP_KINDS.len() as u64) as usize;
                for kind in &SUBGROUP_KINDS[..n] {
                    let leaf = self.group_code();
                    groups.push(Group {
                        code: leaf.clone(),
                        name: format!("{sub}: {kind}{suffix}"),
                        parent: Some(code.clone()),
                        extra: Default::default(),
                    });
                    leaves.push(leaf);
                }
            } else {
                leaves.push(code);
            }
        }
        self.queue.extend(groups.into_iter().map(Record::Group));
        // Later departments are bigger, so the number of groups grows like the square root of the
        // number of products (about 150 groups for 20 000 products, 2 000 for 2 million), as in
        // real catalogues, rather than in proportion to the file.
        let scale = 1 + index / 8;
        for leaf in leaves {
            let count = self.rng.range(20, 160) * scale;
            for _ in 0..count {
                let product = self.product(dept, &leaf);
                self.queue.push_back(Record::Product(product));
            }
        }
    }

    fn product(&mut self, dept: &Department, parent: &str) -> Product {
        let n = self.next_product;
        self.next_product += 1;
        let rng = &mut self.rng;
        let item = rng.pick(dept.items);
        let brand = rng.pick(BRANDS);
        let size = rng.pick(dept.sizes);
        let mut p = Product::new(format!("{n:08}"), format!("{item} {brand} {size}"));
        let weighted = dept.weighted && rng.chance(80);
        if !rng.chance(4) {
            p.barcodes.push(ean13(rng, weighted));
            if rng.chance(12) {
                p.barcodes.push(ean13(rng, weighted));
            }
        }
        p.unit = Some(if weighted {
            Unit { code: "166".into(), name: "кг".into() }
        } else {
            Unit { code: "796".into(), name: "шт".into() }
        });
        p.weighted = weighted;
        // Prices end in 0, 50 or 90 kopecks, as shops price.
        let rubles = rng.range(19, 2999);
        let kopecks = *rng.pick(&[0u64, 50, 90, 90]);
        let retail = rubles * 100 + kopecks;
        p.prices.push(Price {
            price_type: PRICE_RETAIL.into(),
            amount: Some(money(retail)),
            code: None,
            includes_vat: None,
        });
        if rng.chance(50) {
            let amount = retail * 85 / 100;
            p.prices.push(Price {
                price_type: PRICE_WHOLESALE.into(),
                amount: Some(money(amount)),
                code: None,
                includes_vat: None,
            });
        }
        if rng.chance(40) {
            let amount = retail * 68 / 100;
            p.prices.push(Price {
                price_type: PRICE_PURCHASE.into(),
                amount: Some(money(amount)),
                code: None,
                includes_vat: None,
            });
        }
        if rng.chance(60) {
            p.article = Some(format!("{}-{:05}", rng.pick(ARTICLE_PREFIXES), n % 100_000));
        }
        p.vat = Some(if rng.chance(3) { Vat::NoVat } else { dept.vat });
        if rng.chance(3) {
            p.comment = Some("Хранить при t° от +2 до +6 °C".into());
        }
        p.parent = Some(parent.to_string());
        p
    }
}

impl Iterator for CatalogGen {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.queue.is_empty() {
            self.fill();
        }
        self.queue.pop_front()
    }
}

/// The same seed gives the same catalogue; groups come before their subgroups and products;
/// every product has a retail price first.
pub fn check_order() {
    let a: Vec<Record> = CatalogGen::new(3).take(500).collect();
    let b: Vec<Record> = CatalogGen::new(3).take(500).collect();
    assert_eq!(a, b);
    let mut seen = std::collections::HashSet::new();
    for r in &a {
        match r {
            Record::Group(g) => {
                if let Some(parent) = &g.parent {
                    assert!(seen.contains(parent));
                }
                seen.insert(g.code.clone());
            }
            Record::Product(p) => {
                assert!(p.parent.as_ref().is_some_and(|parent| seen.contains(parent)));
                assert!((1..=3).contains(&p.prices.len()));
                assert_eq!(p.prices[0].price_type, PRICE_RETAIL);
            }
            other => panic!("a catalogue holds groups and products, not {other:?}"),
        }
    }
}
