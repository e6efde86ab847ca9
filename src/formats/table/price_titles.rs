//! Price column titles as shops write them: «Цена», «Цена, руб.», «Цена розн.», «Розница», «Опт»,
//! «Стоимость», «цена с НДС, руб», «цена без НДС,руб» …
//!
//! A title is split into words (case, `ё`, punctuation and spaces ignored); the currency
//! («руб», «р.»), the unit («за ед.») and the VAT phrase («с НДС», «без НДС») are set aside, and
//! what is left must be price words only. A title with any other word («Цена закупки», «Сумма»)
//! is not a price column unless it is mapped, so a purchase price is never sold at by a guess.

use super::mapping::column_letters;
use crate::error::{Error, Result};
use crate::price_choice::DEFAULT_PRICE_TYPE;

/// What a price column's title says about its prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceTitle {
    /// A selling price a till may use: not wholesale («Опт») and not «без НДС».
    pub retail: bool,
    /// `Some(true)` for «с НДС», `Some(false)` for «без НДС».
    pub includes_vat: Option<bool>,
}

/// Words that make a title a price title (at least one is needed).
const PRICE_WORDS: &[&str] =
    &["цена", "цены", "стоимость", "розница", "розн", "розничная", "опт", "оптовая", "мелкооптовая", "крупнооптовая"];
/// Words that mean a wholesale price.
const WHOLESALE_WORDS: &[&str] = &["опт", "оптовая", "оптом", "мелкооптовая", "крупнооптовая"];
/// Other words a price title may have: qualifiers, the unit, the currency.
const FILLER_WORDS: &[&str] = &[
    "розничная",
    "продажи",
    "продажная",
    "оптом",
    "за",
    "ед",
    "единицу",
    "шт",
    "1",
    "в",
    "руб",
    "р",
    "рубль",
    "рубля",
    "рублей",
    "рублях",
    "rub",
    "rur",
];
/// Words that, before «НДС», say the price includes it.
const WITH_VAT: &[&str] = &["с", "вкл", "включая", "учетом", "числе", "ч"];
/// Words of a VAT phrase («в т.ч. НДС», «с учётом НДС»), set aside once it is understood.
const VAT_PHRASE: &[&str] = &["с", "без", "вкл", "включая", "учетом", "том", "числе", "т", "ч", "ндс"];

fn words(title: &str) -> Vec<String> {
    title
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The title's meaning when it names a price column, else `None`.
pub fn price_title(title: &str) -> Option<PriceTitle> {
    let words = words(title);
    let includes_vat = match words.iter().position(|w| w == "ндс") {
        None => None,
        Some(0) => return None,
        Some(i) if words[i - 1] == "без" => Some(false),
        Some(i) if WITH_VAT.contains(&words[i - 1].as_str()) => Some(true),
        Some(_) => return None,
    };
    // The VAT phrase and its rate («с НДС 20%») are set aside.
    let vat_word = |w: &str| VAT_PHRASE.contains(&w) || w.chars().all(|c| c.is_ascii_digit());
    let rest: Vec<&str> = words.iter().map(String::as_str).filter(|w| includes_vat.is_none() || !vat_word(w)).collect();
    let known = |w: &&str| PRICE_WORDS.contains(w) || FILLER_WORDS.contains(w);
    if !rest.iter().any(|w| PRICE_WORDS.contains(w)) || !rest.iter().all(known) {
        return None;
    }
    let wholesale = rest.iter().any(|w| WHOLESALE_WORDS.contains(w));
    Some(PriceTitle { retail: !wholesale && includes_vat != Some(false), includes_vat })
}

/// A price column: where it is, the price type it is read as and what its title says of VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceColumn {
    pub column: usize,
    pub price_type: String,
    pub includes_vat: Option<bool>,
}

/// The price type of each price column: the first retail-looking title (see `price_title`) is
/// `Розничная`, the type writers sell at by default; every other column is named by its title as
/// written (`Опт`, `цена без НДС,руб`). An untitled column is `Розничная` when it comes first.
pub fn price_types(columns: &[usize], titles: &[String], place: &str) -> Result<Vec<PriceColumn>> {
    let mut prices: Vec<PriceColumn> = Vec::new();
    for &column in columns {
        let title = titles.get(column).map(|t| t.trim()).filter(|t| !t.is_empty());
        let meaning = title.and_then(price_title);
        let retail_taken = prices.iter().any(|p| p.price_type == DEFAULT_PRICE_TYPE);
        let price_type = match title {
            Some(_) if meaning.is_some_and(|m| m.retail) && !retail_taken => DEFAULT_PRICE_TYPE.to_string(),
            Some(t) => t.to_string(),
            None if prices.is_empty() => DEFAULT_PRICE_TYPE.to_string(),
            None => format!("Цена ({})", column_letters(column)),
        };
        if prices.iter().any(|p| p.price_type == price_type) {
            return Err(Error::usage(crate::msg!(
                "table-price-type-twice",
                place = place,
                price_type = price_type.as_str()
            )));
        }
        prices.push(PriceColumn { column, price_type, includes_vat: meaning.and_then(|m| m.includes_vat) });
    }
    Ok(prices)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retail(includes_vat: Option<bool>) -> Option<PriceTitle> {
        Some(PriceTitle { retail: true, includes_vat })
    }

    #[test]
    fn the_titles_people_use_are_prices() {
        for title in
            ["Цена", "Цена, руб.", "ЦЕНА (руб)", "Цена розн.", "Розница", "Стоимость", "Цена за ед., р.", "Розничная"]
        {
            assert_eq!(price_title(title), retail(None), "{title}");
        }
        assert_eq!(price_title("цена с НДС, руб"), retail(Some(true)));
        assert_eq!(price_title("Цена (в т.ч. НДС)"), retail(Some(true)));
        assert_eq!(price_title("Цена с учётом НДС 20%"), retail(Some(true)));
        let without = price_title("цена без НДС,руб").expect("a price");
        assert_eq!(without, PriceTitle { retail: false, includes_vat: Some(false) });
        for title in ["Опт", "Цена опт.", "Оптовая цена, руб."] {
            assert_eq!(price_title(title), Some(PriceTitle { retail: false, includes_vat: None }), "{title}");
        }
    }

    #[test]
    fn other_titles_are_not() {
        for title in ["Цена закупки", "Закупочная", "Сумма", "Наименование", "НДС", "Ставка НДС", "руб.", "", "Кол-во"]
        {
            assert_eq!(price_title(title), None, "{title}");
        }
    }
}
