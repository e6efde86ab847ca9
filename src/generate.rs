//! Synthetic data for benchmarks: realistic catalogues and receipts of any size, in every readable
//! format (`kassa-bridge generate`, a hidden subcommand).
//!
//! The data is a stream of canonical `Record`s, deterministic from a seed (a xorshift generator,
//! no `rand`): the same seed gives the same bytes. Each format is written by pushing the records
//! through that format's registered writer, so every writer is exercised too; the writer stops
//! at the first record boundary after the output reaches the requested size.
//!
//! - **Catalogue**: departments one after the other; each department is a small tree of nested
//!   groups (three levels), written parents first, followed by the products of its leaf groups
//!   (the order 1C's hierarchical exports have); later departments hold more products. Products have Cyrillic names, one or two valid
//!   EAN-13 barcodes (a few none), ОКЕИ 796 (шт) or 166 (кг, weighted), one to three price types
//!   (`Розничная` always; `Оптовая`, `Закупочная` sometimes), a VAT rate, often an article.
//! - **Receipts**: sales of 1 to 5 lines each, sums consistent (price × quantity, discounts,
//!   totals = Σ lines, payments = total), by cash, card or both.
//!
//! Two formats have no writer of their own for this data: `table` (read only) gets a CSV in
//! `bifit-csv`'s layout (folders in the `GROUP` column only, Windows-1251), which the `table`
//! reader reads with a column mapping; `commerceml` (it writes orders, not catalogues) gets an
//! `import.xml` and an `offers.xml` written here, the offers file beside the import file (see
//! `offers_path`). Windows-1251 is whatever the format's writer uses by default (`atol-goods`,
//! `atol-report`, `bifit-csv`).

use std::collections::{HashMap, VecDeque};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

use crate::convert::Counts;
use crate::diagnostics::Diagnostics;
use crate::error::{Error, ErrorKind, Result};
use crate::formats;
use crate::model::{
    DataKind, Group, Header, Party, Payment, PaymentKind, Price, Product, Receipt, ReceiptKind, ReceiptLine, Record,
    Unit, Vat,
};
use crate::number::format_decimal;
use crate::options::{BifitGroups, WriteOptions};
use crate::output::AtomicFile;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenKind {
    /// Groups and products.
    Catalog,
    /// Sales receipts.
    Receipts,
}

impl GenKind {
    pub fn data_kind(self) -> DataKind {
        match self {
            GenKind::Catalog => DataKind::Catalog,
            GenKind::Receipts => DataKind::Receipts,
        }
    }
}

/// `kassa-bridge generate` (hidden): writes synthetic data of a given size in a given format.
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateOptions {
    /// What to generate: `catalog` or `receipts`.
    #[arg(long, value_enum)]
    pub kind: GenKind,
    /// The format to write (name or alias); `table` writes a CSV in bifit-csv's layout,
    /// `commerceml` writes import.xml and offers.xml beside it.
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// Stop at the first record after the output reaches this size: `200MB`, `1GB`, `512KiB`,
    /// or bytes (MB = 10^6 bytes, MiB = 2^20).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size: u64,
    /// The file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// The seed: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// What `generate` wrote.
#[derive(Debug, Clone)]
pub struct GenerateSummary {
    pub format: &'static str,
    /// Bytes written, all files together.
    pub bytes: u64,
    pub counts: Counts,
    pub files: Vec<PathBuf>,
}

pub use crate::limits::parse_size;

// ---------------------------------------------------------------------------------------------
// Randomness

/// xorshift64*: small, fast, deterministic; plenty for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so that nearby seeds give unrelated streams and 0 is fine.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// In `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// In `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The EAN-13 check digit of 12 digits.
pub fn ean13_check_digit(digits12: &str) -> u8 {
    let sum: u32 =
        digits12.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * if i.is_multiple_of(2) { 1 } else { 3 }).sum();
    ((10 - sum % 10) % 10) as u8
}

/// A valid EAN-13: Russian GS1 prefixes (460–469), or 2x in-store codes for weighed goods.
pub fn ean13(rng: &mut Rng, weighted: bool) -> String {
    let prefix = if weighted { format!("2{}", rng.range(0, 9)) } else { format!("46{}", rng.range(0, 9)) };
    let width = 12 - prefix.len();
    let body = format!("{prefix}{:0width$}", rng.below(10u64.pow(width as u32)));
    let check = ean13_check_digit(&body);
    format!("{body}{check}")
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

struct Department {
    name: &'static str,
    subgroups: &'static [&'static str],
    items: &'static [&'static str],
    sizes: &'static [&'static str],
    weighted: bool,
    vat: Vat,
}

const DEPARTMENTS: &[Department] = &[
    Department {
        name: "Бакалея",
        subgroups: &["Крупы", "Макаронные изделия", "Мука и сахар", "Чай и кофе"],
        items: &[
            "Гречка ядрица",
            "Рис круглозёрный",
            "Пшено шлифованное",
            "Спагетти",
            "Рожки",
            "Мука пшеничная в/с",
            "Сахар-песок",
            "Чай чёрный байховый",
            "Кофе молотый «Арабика»",
            "Овсяные хлопья «Геркулес»",
        ],
        sizes: &["900 г", "800 г", "1 кг", "450 г", "250 г", "25 пак."],
        weighted: false,
        vat: Vat::Vat10,
    },
    Department {
        name: "Молочная продукция",
        subgroups: &["Молоко и сливки", "Кисломолочные продукты", "Сыры", "Масло и спреды"],
        items: &[
            "Молоко 3,2 %",
            "Кефир 2,5 %",
            "Ряженка 4 %",
            "Йогурт питьевой клубничный",
            "Сыр «Российский» 50 %",
            "Творог 9 %",
            "Сметана 20 %",
            "Масло сливочное 82,5 %",
            "Сливки 10 %",
        ],
        sizes: &["1 л", "930 мл", "0,5 л", "200 г", "180 г", "350 г"],
        weighted: false,
        vat: Vat::Vat10,
    },
    Department {
        name: "Мясо и птица",
        subgroups: &["Говядина", "Свинина", "Птица", "Колбасы и сосиски"],
        items: &[
            "Говядина лопатка",
            "Свинина шейка",
            "Филе куриное охлаждённое",
            "Бедро индейки",
            "Фарш домашний",
            "Колбаса «Докторская»",
            "Сосиски «Молочные»",
        ],
        sizes: &["весовой", "весовая", "охл."],
        weighted: true,
        vat: Vat::Vat10,
    },
    Department {
        name: "Овощи и фрукты",
        subgroups: &["Овощи", "Фрукты", "Зелень", "Орехи и сухофрукты"],
        items: &["Картофель", "Морковь", "Лук репчатый", "Яблоки «Голден»", "Бананы", "Апельсины", "Укроп", "Курага"],
        sizes: &["весовой", "весовые", "фас."],
        weighted: true,
        vat: Vat::Vat10,
    },
    Department {
        name: "Напитки",
        subgroups: &["Вода", "Соки и нектары", "Газированные напитки", "Квас"],
        items: &[
            "Вода питьевая негазированная",
            "Вода минеральная «Ессентуки №17»",
            "Сок яблочный осветлённый",
            "Нектар персиковый",
            "Лимонад «Тархун»",
            "Квас хлебный",
        ],
        sizes: &["0,5 л", "1,5 л", "1 л", "2 л", "0,33 л"],
        weighted: false,
        vat: Vat::Vat20,
    },
    Department {
        name: "Бытовая химия",
        subgroups: &["Стирка", "Уборка", "Посуда", "Личная гигиена"],
        items: &[
            "Стиральный порошок «Автомат»",
            "Средство для мытья посуды",
            "Чистящее средство для ванной",
            "Мыло туалетное «Детское»",
            "Шампунь «Чистая линия»",
            "Зубная паста «Жемчуг»",
            "Губки для посуды",
        ],
        sizes: &["400 г", "3 кг", "500 мл", "90 г", "250 мл", "5 шт."],
        weighted: false,
        vat: Vat::Vat20,
    },
    Department {
        name: "Кондитерские изделия",
        subgroups: &["Шоколад", "Печенье и пряники", "Конфеты", "Зефир и пастила"],
        items: &[
            "Шоколад горький 72 %",
            "Печенье «Юбилейное»",
            "Пряники тульские",
            "Конфеты «Мишка косолапый»",
            "Зефир ванильный",
            "Вафли «Артек»",
        ],
        sizes: &["100 г", "112 г", "200 г", "250 г", "1 кг"],
        weighted: false,
        vat: Vat::Vat20,
    },
    Department {
        name: "Хлеб и выпечка",
        subgroups: &["Хлеб", "Батоны", "Выпечка"],
        items: &[
            "Хлеб «Бородинский»",
            "Батон «Нарезной»",
            "Хлеб ржано-пшеничный",
            "Булочка с маком",
            "Лаваш армянский",
        ],
        sizes: &["400 г", "350 г", "300 г", "100 г"],
        weighted: false,
        vat: Vat::Vat10,
    },
];

const BRANDS: &[&str] = &[
    "«Увелка»",
    "«Макфа»",
    "«Простоквашино»",
    "«Домик в деревне»",
    "«Мираторг»",
    "«Черкизово»",
    "«Зелёная линия»",
    "«Красная цена»",
    "«Каждый день»",
    "«Вкусвилл»",
    "«Бабаевский»",
    "«Коломенский»",
    "«Фрутоняня»",
    "«Святой источник»",
];

const SUBGROUP_KINDS: &[&str] = &["собственная марка", "премиум", "акция недели"];

const ARTICLE_PREFIXES: &[&str] = &["КР", "МЛ", "МС", "ОФ", "НП", "БХ", "КД", "ХЛ"];

const PRICE_RETAIL: &str = "Розничная";
const PRICE_WHOLESALE: &str = "Оптовая";
const PRICE_PURCHASE: &str = "Закупочная";

fn money(kopecks: u64) -> Decimal {
    Decimal::new(kopecks as i64, 2)
}

// ---------------------------------------------------------------------------------------------
// Catalogue

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

// ---------------------------------------------------------------------------------------------
// Receipts

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

/// The document header of generated data.
pub fn header(kind: GenKind) -> Header {
    let mut header = Header::new(kind.data_kind());
    if kind == GenKind::Catalog {
        header.export_date = NaiveDate::from_ymd_opt(2024, 3, 15);
    }
    header
}

/// The endless record stream of a kind.
pub fn records(kind: GenKind, seed: u64) -> Box<dyn Iterator<Item = Record>> {
    match kind {
        GenKind::Catalog => Box::new(CatalogGen::new(seed)),
        GenKind::Receipts => Box::new(ReceiptGen::new(seed)),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Counts the bytes that go through, for stopping at a size.
pub struct CountingWriter<W> {
    inner: W,
    count: Arc<AtomicU64>,
}

impl<W: Write> CountingWriter<W> {
    pub fn new(inner: W) -> (Self, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (CountingWriter { inner, count: count.clone() }, count)
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Where the `commerceml` offers file goes: `offers*.xml` beside `import*.xml` (the names the
/// folder form of `convert` looks for), else `<stem>.offers.xml`.
pub fn offers_path(import: &Path) -> PathBuf {
    let name = import.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let offers = match name.strip_prefix("import") {
        Some(rest) => format!("offers{rest}"),
        None => {
            let stem = import.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            format!("{stem}.offers.xml")
        }
    };
    import.with_file_name(offers)
}

/// Writes generated data as `opts` says.
pub fn generate(opts: &GenerateOptions) -> Result<GenerateSummary> {
    let format = formats::find(&opts.format)?;
    let kind = opts.kind.data_kind();
    if !format.kinds.contains(&kind) {
        return Err(
            ErrorKind::Unsupported { format: format.name.into(), action: format!("hold {}", kind.as_str()) }.into()
        );
    }
    if format.name == formats::commerceml::NAME {
        if opts.kind != GenKind::Catalog {
            return Err(Error::usage("commerceml: only catalogues are generated (its writer writes orders)"));
        }
        return write_commerceml(opts);
    }
    let mut write_opts = WriteOptions::default();
    let writer = if format.name == formats::table::NAME {
        // A price list as CSV: bifit-csv's columns, folders named in the GROUP column only.
        write_opts.bifit_groups = BifitGroups::Column;
        formats::find(formats::bifit_csv::NAME)?.writer
    } else {
        format.writer
    };
    let Some(writer) = writer else {
        return Err(ErrorKind::Unsupported { format: format.name.into(), action: "be written".into() }.into());
    };
    let file = AtomicFile::create(&opts.output)?;
    let (out, written) = CountingWriter::new(file.writer()?);
    let mut diag = Diagnostics::new(false);
    let mut counts = Counts::default();
    {
        let mut sink = writer(Box::new(out), &write_opts)?;
        sink.begin(&header(opts.kind), &mut diag)?;
        for record in records(opts.kind, opts.seed) {
            let is_group = matches!(record, Record::Group(_));
            counts.add(&record);
            sink.record(record, &mut diag)?;
            if !is_group && written.load(Ordering::Relaxed) >= opts.size {
                break;
            }
        }
        sink.finish(&mut diag)?;
    }
    let path = file.commit()?;
    Ok(GenerateSummary { format: format.name, bytes: written.load(Ordering::Relaxed), counts, files: vec![path] })
}

fn io_err(e: io::Error) -> Error {
    Error::io("<output>", e)
}

/// A deterministic UUID-like 1C `Ид` for a code: `kind` tells groups, goods and price types apart.
fn cml_id(kind: u16, code: &str) -> String {
    // FNV-1a of the code, then the code's own digits so ids stay unique.
    let hash = code.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let digits: u64 = code.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0);
    format!("{:08x}-{:04x}-11ee-8c90-{:012x}", hash >> 32, kind, digits)
}

const CML_PRICE_TYPES: [&str; 3] = [PRICE_RETAIL, PRICE_WHOLESALE, PRICE_PURCHASE];

/// Indented XML written by hand (CommerceML needs text in elements with attributes).
struct Cml<W: Write> {
    out: W,
    depth: usize,
}

impl<W: Write> Cml<W> {
    fn new(out: W) -> Self {
        Cml { out, depth: 0 }
    }

    fn indent(&mut self) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        self.out.write_all(&SPACES[..(2 * self.depth).min(SPACES.len())])
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        write!(self.out, "<{name}")?;
        for (k, v) in attrs {
            write!(self.out, " {k}=\"{}\"", quick_xml::escape::escape(*v))?;
        }
        self.out.write_all(b">")
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.indent()?;
        self.tag(name, attrs)?;
        self.out.write_all(b"\n")?;
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth -= 1;
        self.indent()?;
        writeln!(self.out, "</{name}>")
    }

    fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.indent()?;
        self.tag(name, attrs)?;
        writeln!(self.out, "{}</{name}>", quick_xml::escape::escape(text))
    }

    fn text(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.leaf(name, &[], text)
    }
}

/// CommerceML has no catalogue writer: `import.xml` (groups in `Классификатор`, goods in
/// `Каталог`) and `offers.xml` (price types and offers) are written here. The groups must all
/// come before the goods, so a first pass finds how many records fill the size (and collects the
/// groups), and a second one writes them.
fn write_commerceml(opts: &GenerateOptions) -> Result<GenerateSummary> {
    // Pass 1: the goods and offers sizes, measured by writing them to nowhere.
    let (measure, measured) = CountingWriter::new(io::sink());
    let mut nowhere = Cml::new(measure);
    // As deep as `Товары/Товар` and `Предложения/Предложение` are in the files.
    nowhere.depth = 3;
    let mut groups: Vec<Group> = Vec::new();
    let mut take = 0usize;
    for record in records(GenKind::Catalog, opts.seed) {
        take += 1;
        match record {
            Record::Group(g) => {
                // About what the group costs in the Классификатор.
                measured.fetch_add(150 + 2 * g.name.len() as u64, Ordering::Relaxed);
                groups.push(g);
            }
            Record::Product(p) => {
                cml_goods(&mut nowhere, &p).map_err(io_err)?;
                cml_offer(&mut nowhere, &p).map_err(io_err)?;
                if measured.load(Ordering::Relaxed) >= opts.size {
                    break;
                }
            }
            _ => {}
        }
    }

    // Pass 2: the files.
    let offers_file = offers_path(&opts.output);
    let import_atomic = AtomicFile::create(&opts.output)?;
    let offers_atomic = AtomicFile::create(&offers_file)?;
    let (import_out, import_bytes) = CountingWriter::new(import_atomic.writer()?);
    let (offers_out, offers_bytes) = CountingWriter::new(offers_atomic.writer()?);
    let mut import = Cml::new(import_out);
    let mut offers = Cml::new(offers_out);
    let mut counts = Counts::default();
    let root_attrs = [
        ("xmlns", "urn:1C.ru:commerceml_2"),
        ("xmlns:xs", "http://www.w3.org/2001/XMLSchema"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("ВерсияСхемы", "2.08"),
        ("ДатаФормирования", "2024-03-15T10:42:17"),
    ];
    let catalog_id = "8e1f7a2c-1b7d-11ee-8c90-0242ac120002";
    (|| -> io::Result<()> {
        for x in [&mut import, &mut offers] {
            x.out.write_all(b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
            x.open("КоммерческаяИнформация", &root_attrs)?;
        }
        import.open("Классификатор", &[])?;
        import.text("Ид", catalog_id)?;
        import.text("Наименование", "Классификатор (Основной каталог товаров)")?;
        import.open("Группы", &[])?;
        let mut children: HashMap<Option<&str>, Vec<&Group>> = HashMap::new();
        for g in &groups {
            children.entry(g.parent.as_deref()).or_default().push(g);
        }
        cml_groups(&mut import, &children, None)?;
        import.close("Группы")?;
        import.close("Классификатор")?;
        import.open("Каталог", &[("СодержитТолькоИзменения", "false")])?;
        import.text("Ид", catalog_id)?;
        import.text("ИдКлассификатора", catalog_id)?;
        import.text("Наименование", "Основной каталог товаров")?;
        import.open("Товары", &[])?;

        offers.open("ПакетПредложений", &[("СодержитТолькоИзменения", "false")])?;
        offers.text("Ид", &format!("{catalog_id}#"))?;
        offers.text("Наименование", "Пакет предложений (Основной каталог товаров)")?;
        offers.text("ИдКаталога", catalog_id)?;
        offers.text("ИдКлассификатора", catalog_id)?;
        offers.open("ТипыЦен", &[])?;
        for name in CML_PRICE_TYPES {
            offers.open("ТипЦены", &[])?;
            offers.text("Ид", &cml_id(3, name))?;
            offers.text("Наименование", name)?;
            offers.text("Валюта", "RUB")?;
            offers.open("Налог", &[])?;
            offers.text("Наименование", "НДС")?;
            offers.text("УчтеноВСумме", "true")?;
            offers.close("Налог")?;
            offers.close("ТипЦены")?;
        }
        offers.close("ТипыЦен")?;
        offers.open("Предложения", &[])?;
        for record in records(GenKind::Catalog, opts.seed).take(take) {
            counts.add(&record);
            if let Record::Product(p) = record {
                cml_goods(&mut import, &p)?;
                cml_offer(&mut offers, &p)?;
            }
        }
        import.close("Товары")?;
        import.close("Каталог")?;
        offers.close("Предложения")?;
        offers.close("ПакетПредложений")?;
        for x in [&mut import, &mut offers] {
            x.close("КоммерческаяИнформация")?;
            x.out.flush()?;
        }
        Ok(())
    })()
    .map_err(io_err)?;
    drop(import);
    drop(offers);
    let bytes = import_bytes.load(Ordering::Relaxed) + offers_bytes.load(Ordering::Relaxed);
    let files = vec![import_atomic.commit()?, offers_atomic.commit()?];
    Ok(GenerateSummary { format: formats::commerceml::NAME, bytes, counts, files })
}

fn cml_groups<W: Write>(
    x: &mut Cml<W>,
    children: &HashMap<Option<&str>, Vec<&Group>>,
    parent: Option<&str>,
) -> io::Result<()> {
    for g in children.get(&parent).map(Vec::as_slice).unwrap_or_default() {
        x.open("Группа", &[])?;
        x.text("Ид", &cml_id(1, &g.code))?;
        x.text("Наименование", &g.name)?;
        if children.contains_key(&Some(g.code.as_str())) {
            x.open("Группы", &[])?;
            cml_groups(x, children, Some(&g.code))?;
            x.close("Группы")?;
        }
        x.close("Группа")?;
    }
    Ok(())
}

/// ОКЕИ code, full name, international abbreviation, short name.
fn cml_unit(p: &Product) -> ([(&'static str, &'static str); 3], &'static str) {
    if p.weighted {
        ([("Код", "166"), ("НаименованиеПолное", "Килограмм"), ("МеждународноеСокращение", "KGM")], "кг")
    } else {
        ([("Код", "796"), ("НаименованиеПолное", "Штука"), ("МеждународноеСокращение", "PCE")], "шт")
    }
}

fn cml_goods<W: Write>(x: &mut Cml<W>, p: &Product) -> io::Result<()> {
    x.open("Товар", &[])?;
    x.text("Ид", &cml_id(2, &p.code))?;
    for b in &p.barcodes {
        x.text("Штрихкод", b)?;
    }
    if let Some(a) = &p.article {
        x.text("Артикул", a)?;
    }
    x.text("Наименование", &p.name)?;
    let (unit, short) = cml_unit(p);
    x.leaf("БазоваяЕдиница", &unit, short)?;
    if let Some(parent) = &p.parent {
        x.open("Группы", &[])?;
        x.text("Ид", &cml_id(1, parent))?;
        x.close("Группы")?;
    }
    if let Some(vat) = p.vat {
        let rate = match vat {
            Vat::NoVat => "Без налога",
            other => other.as_str(),
        };
        x.open("СтавкиНалогов", &[])?;
        x.open("СтавкаНалога", &[])?;
        x.text("Наименование", "НДС")?;
        x.text("Ставка", rate)?;
        x.close("СтавкаНалога")?;
        x.close("СтавкиНалогов")?;
    }
    x.open("ЗначенияРеквизитов", &[])?;
    for (name, value) in [("ВидНоменклатуры", "Товар"), ("ТипНоменклатуры", "Товар")]
    {
        x.open("ЗначениеРеквизита", &[])?;
        x.text("Наименование", name)?;
        x.text("Значение", value)?;
        x.close("ЗначениеРеквизита")?;
    }
    x.close("ЗначенияРеквизитов")?;
    x.close("Товар")
}

fn cml_offer<W: Write>(x: &mut Cml<W>, p: &Product) -> io::Result<()> {
    x.open("Предложение", &[])?;
    x.text("Ид", &cml_id(2, &p.code))?;
    x.text("Наименование", &p.name)?;
    let (unit, short) = cml_unit(p);
    x.leaf("БазоваяЕдиница", &unit, short)?;
    x.open("Цены", &[])?;
    for price in &p.prices {
        let Some(amount) = price.amount else { continue };
        let amount = format_decimal(&amount, '.');
        x.open("Цена", &[])?;
        x.text("Представление", &format!("{} RUB за {short}", amount.replace('.', ",")))?;
        x.text("ИдТипаЦены", &cml_id(3, &price.price_type))?;
        x.text("ЦенаЗаЕдиницу", &amount)?;
        x.text("Валюта", "RUB")?;
        x.text("Единица", short)?;
        x.text("Коэффициент", "1")?;
        x.close("Цена")?;
    }
    x.close("Цены")?;
    let stock = p.code.bytes().fold(0u64, |h, b| h * 31 + u64::from(b)) % 240;
    x.text("Количество", &stock.to_string())?;
    x.close("Предложение")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barcodes_are_valid_ean13() {
        let mut rng = Rng::new(7);
        for weighted in [false, true] {
            for _ in 0..100 {
                let b = ean13(&mut rng, weighted);
                assert_eq!(b.len(), 13);
                assert_eq!(ean13_check_digit(&b[..12]), b.as_bytes()[12] - b'0', "{b}");
            }
        }
        assert_eq!(ean13_check_digit("460700177123"), 4);
    }

    #[test]
    fn catalogues_are_deterministic_and_groups_come_first() {
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
                    assert!(seen.contains(p.parent.as_ref().unwrap()));
                    assert!((1..=3).contains(&p.prices.len()));
                    assert_eq!(p.prices[0].price_type, PRICE_RETAIL);
                }
                _ => unreachable!(),
            }
        }
    }

    #[test]
    fn receipts_add_up() {
        for r in ReceiptGen::new(5).take(300) {
            let Record::Receipt(r) = r else { unreachable!() };
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
}
