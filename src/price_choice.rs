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

/// What a writer with one selling-price field (and perhaps a purchase-price field) writes.
pub struct PriceFields<'a> {
    pub selling: Option<&'a Price>,
    pub purchase: Option<&'a Price>,
    /// The price types that have no field, for the writer's `field-dropped` warning.
    pub unwritten: Vec<&'a str>,
}

/// Picks the selling price by the rule above and, when `purchase` names a type, the purchase
/// price. A named type the product lacks is a warning; an ambiguous choice is an error that lists
/// the types. `field` names the target field in messages (`PRICE`, `Product@Price` …).
pub fn price_fields<'a>(
    p: &'a Product,
    requested: Option<&str>,
    purchase: Option<&str>,
    field: impl Into<crate::i18n::Arg>,
    diag: &mut crate::diagnostics::Diagnostics,
) -> crate::error::Result<PriceFields<'a>> {
    use crate::diagnostics::{Warning, WarningKind};
    let field: crate::i18n::Arg = field.into();
    let selling = match choose_price(p, requested) {
        PriceChoice::Chosen(price) => Some(price),
        PriceChoice::NoPrices => None,
        PriceChoice::Missing { requested, available } => {
            diag.warn_with(WarningKind::PriceTypeMissing, || {
                Warning::new(
                    WarningKind::PriceTypeMissing,
                    crate::msg!(
                        "fmt-price-type-missing",
                        code = p.code.as_str(),
                        requested = format!("{requested:?}"),
                        available = list_types(&available),
                        field = field.clone()
                    ),
                )
            })?;
            None
        }
        PriceChoice::Ambiguous { available } => {
            return Err(crate::error::Error::conversion(
                Default::default(),
                crate::msg!(
                    "fmt-price-type-ambiguous",
                    code = p.code.as_str(),
                    available = list_types(&available),
                    default = DEFAULT_PRICE_TYPE,
                    field = field
                ),
            ))
        }
    };
    // A product without a purchase price loses nothing: no warning.
    let purchase = purchase.and_then(|t| p.prices.iter().find(|pr| pr.price_type == t));
    let written =
        |pr: &&Price| selling.is_some_and(|s| std::ptr::eq(s, *pr)) || purchase.is_some_and(|s| std::ptr::eq(s, *pr));
    let unwritten = p.prices.iter().filter(|pr| !written(pr)).map(|pr| pr.price_type.as_str()).collect();
    Ok(PriceFields { selling, purchase, unwritten })
}

/// `"Прайс-лист", "Закупочная"` for messages; an unnamed type shows as `(unnamed)`.
/// A message of its own, so `(unnamed)` reads in the language the whole message is shown in.
pub fn list_types(types: &[impl AsRef<str>]) -> crate::i18n::Arg {
    let each = types.iter().map(|t| t.as_ref()).map(|t| {
        if t.is_empty() {
            crate::msg!("fmt-price-type-unnamed")
        } else {
            crate::msg!("fmt-price-type-quoted", name = t)
        }
    });
    crate::formats::join_messages(each, false)
        .map_or_else(|| crate::i18n::Arg::Text(String::new()), crate::i18n::Arg::from)
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
