//! A deterministic random source and valid EAN-13 barcodes.

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

/// Every generated barcode is a valid EAN-13.
pub fn check_barcodes() {
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
