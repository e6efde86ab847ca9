//! Choosing one price where a target format holds a single price.
//!
//! The rule (documented in the README): the price type named by `--price-type`; without it,
//! `Розничная` (retail) when the product has it, else the only price that is not a purchase price
//! (`Закупочная`: selling at the purchase price is never a safe guess), else an error that lists
//! the types so the user can name one.

use crate::model::{Price, Product};

pub const DEFAULT_PRICE_TYPE: &str = "Розничная";
/// The purchase price type; never chosen as a selling price by default.
pub const PURCHASE_PRICE_TYPE: &str = "Закупочная";

#[derive(Debug, PartialEq)]
pub enum PriceChoice<'a> {
    Chosen(&'a Price),
    /// The product has no price at all.
    NoPrices,
    /// The requested type is not among the product's prices (they are listed).
    Missing {
        requested: String,
        available: Vec<String>,
    },
    /// Several prices, none retail, none requested.
    Ambiguous {
        available: Vec<String>,
    },
}

pub fn choose_price<'a>(product: &'a Product, requested: Option<&str>) -> PriceChoice<'a> {
    let available = || product.prices.iter().map(|p| p.price_type.clone()).collect::<Vec<_>>();
    if product.prices.is_empty() {
        return PriceChoice::NoPrices;
    }
    if let Some(requested) = requested {
        return match product.prices.iter().find(|p| p.price_type == requested) {
            Some(p) => PriceChoice::Chosen(p),
            None => PriceChoice::Missing { requested: requested.to_string(), available: available() },
        };
    }
    if let Some(p) = product.prices.iter().find(|p| p.price_type == DEFAULT_PRICE_TYPE) {
        return PriceChoice::Chosen(p);
    }
    let sellable: Vec<&Price> = product.prices.iter().filter(|p| p.price_type != PURCHASE_PRICE_TYPE).collect();
    match sellable.as_slice() {
        [only] => PriceChoice::Chosen(only),
        [] => PriceChoice::NoPrices,
        _ => PriceChoice::Ambiguous { available: available() },
    }
}

/// `"Прайс-лист", "Закупочная"` for messages; an unnamed type shows as `(unnamed)`.
pub fn list_types(types: &[String]) -> String {
    types
        .iter()
        .map(|t| if t.is_empty() { "(unnamed)".to_string() } else { format!("\"{t}\"") })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::dec;

    fn product(types: &[&str]) -> Product {
        let mut p = Product::new("1", "x");
        for t in types {
            p.prices.push(Price { price_type: t.to_string(), amount: Some(dec("1")), code: None, includes_vat: None });
        }
        p
    }

    #[test]
    fn retail_first_then_the_only_price_then_an_error() {
        let p = product(&["Прайс-лист", "Розничная"]);
        assert!(matches!(choose_price(&p, None), PriceChoice::Chosen(c) if c.price_type == "Розничная"));
        let p = product(&["Прайс-лист"]);
        assert!(matches!(choose_price(&p, None), PriceChoice::Chosen(c) if c.price_type == "Прайс-лист"));
        let p = product(&["Прайс-лист", "Оптовая"]);
        assert!(matches!(choose_price(&p, None), PriceChoice::Ambiguous { available } if available.len() == 2));
        assert!(matches!(choose_price(&p, Some("Оптовая")), PriceChoice::Chosen(c) if c.price_type == "Оптовая"));
        assert!(matches!(choose_price(&p, Some("Розничная")), PriceChoice::Missing { .. }));
        assert_eq!(choose_price(&product(&[]), None), PriceChoice::NoPrices);
        // A purchase price alone is not a selling price.
        assert_eq!(choose_price(&product(&["Закупочная"]), None), PriceChoice::NoPrices);
        let p = product(&["Закупочная", "Прайс-лист"]);
        assert!(matches!(choose_price(&p, None), PriceChoice::Chosen(c) if c.price_type == "Прайс-лист"));
    }
}
