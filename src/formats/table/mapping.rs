//! Which column holds which field, and where the header row is.
//!
//! Columns are mapped explicitly (`--column field=col`, the `[columns]` of a `--mapping` TOML
//! file) by title, letter (`C`) or 1-based number (`3`); every field not mapped explicitly is
//! recognised from the usual Russian titles, compared case-insensitively and ignoring spaces and
//! punctuation (`Ед. изм.` = `ед.изм`, `Штрих-код` = `Штрихкод`).

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::cells::Cell;
use super::price_titles::{price_title, price_types, PriceColumn};
use crate::error::{Error, Position, Result};
use crate::options::ReadOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Code,
    Name,
    Barcode,
    Article,
    Price,
    Unit,
    Vat,
    Group,
    Comment,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Code,
        Field::Name,
        Field::Barcode,
        Field::Article,
        Field::Price,
        Field::Unit,
        Field::Vat,
        Field::Group,
        Field::Comment,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Field::Code => "code",
            Field::Name => "name",
            Field::Barcode => "barcode",
            Field::Article => "article",
            Field::Price => "price",
            Field::Unit => "unit",
            Field::Vat => "vat",
            Field::Group => "group",
            Field::Comment => "comment",
        }
    }

    fn parse(s: &str) -> Option<Field> {
        let s = s.trim().to_lowercase();
        let s = if s == "barcodes" { "barcode" } else { &s };
        Field::ALL.into_iter().find(|f| f.key() == s)
    }

    /// True when a column title names this field without a mapping.
    pub fn is_title(self, title: &str) -> bool {
        match self {
            Field::Price => price_title(title).is_some(),
            _ => self.title_keys().contains(&title_key(title).as_str()),
        }
    }

    /// The title keys (see `title_key`) recognised without a mapping; prices are recognised by
    /// `price_title`, which understands the many ways people write them.
    fn title_keys(self) -> &'static [&'static str] {
        match self {
            Field::Code => &["код", "кодтовара", "внешнийкод", "кодноменклатуры"],
            Field::Name => &["наименование", "название", "товар", "наименованиетовара", "номенклатура"],
            Field::Barcode => &["штрихкод", "штрихкоды", "шк", "ean", "ean13", "баркод"],
            Field::Article => &["артикул", "арт"],
            Field::Price => &[],
            Field::Unit => &["едизм", "единица", "единицаизмерения", "едизмерения", "ед"],
            Field::Vat => &["ндс", "ставкандс"],
            Field::Group => &["группа", "категория", "группатоваров"],
            Field::Comment => &["комментарий", "примечание"],
        }
    }
}

/// How many non-blank rows are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// A title reduced for comparison: lower case, `ё` → `е`, letters and digits only.
pub fn title_key(title: &str) -> String {
    title
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// A column as a mapping names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// 0-based, from a letter (`C`) or a 1-based number (`3`).
    Index(usize),
    Title(String),
}

impl ColumnRef {
    /// `C`/`AA` (upper-case letters) and `3` are positions; anything else is a title.
    pub fn parse(s: &str) -> Option<ColumnRef> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if s.len() <= 3 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            let n = s.bytes().fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1));
            return Some(ColumnRef::Index(n - 1));
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse::<usize>().ok().filter(|n| *n > 0).map(|n| ColumnRef::Index(n - 1));
        }
        Some(ColumnRef::Title(s.to_string()))
    }
}

/// `0` → `A`, `27` → `AB`.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.iter().rev().map(|b| *b as char).collect()
}

/// Everything the user said about the layout: flags over the mapping file.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub sheet: Option<String>,
    /// 1-based; `0` means the table has no header row.
    pub header_row: Option<u32>,
    /// The first row of data (1-based); the row after the header by default.
    pub first_row: Option<u32>,
    pub columns: Vec<(Field, ColumnRef)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct MappingFile {
    sheet: Option<TomlRef>,
    header_row: Option<u32>,
    first_row: Option<u32>,
    #[serde(default)]
    columns: Columns,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TomlRef {
    Number(u32),
    Text(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TomlColumns {
    One(TomlRef),
    Many(Vec<TomlRef>),
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Columns {
    code: Option<TomlColumns>,
    name: Option<TomlColumns>,
    #[serde(alias = "barcodes")]
    barcode: Option<TomlColumns>,
    article: Option<TomlColumns>,
    price: Option<TomlColumns>,
    unit: Option<TomlColumns>,
    vat: Option<TomlColumns>,
    group: Option<TomlColumns>,
    comment: Option<TomlColumns>,
}

fn toml_ref(r: TomlRef) -> Option<ColumnRef> {
    match r {
        TomlRef::Number(n) => n.checked_sub(1).map(|i| ColumnRef::Index(i as usize)),
        TomlRef::Text(s) => ColumnRef::parse(&s),
    }
}

/// Line and column (1-based, in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
    (line, column)
}

fn read_mapping_file(path: &Path) -> Result<Settings> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file: Arc<str> = path.display().to_string().into();
    let parsed: MappingFile = toml::from_str(&text).map_err(|e| {
        let mut pos = Position::in_file(&file);
        if let Some(span) = e.span() {
            let (line, column) = line_col(&text, span.start);
            (pos.line, pos.column) = (Some(line), Some(column));
        }
        Error::syntax(pos, crate::msg!("table-mapping-file-error", error = e.message().trim_end()))
    })?;
    let mut columns = Vec::new();
    let c = parsed.columns;
    let all = [
        (Field::Code, c.code),
        (Field::Name, c.name),
        (Field::Barcode, c.barcode),
        (Field::Article, c.article),
        (Field::Price, c.price),
        (Field::Unit, c.unit),
        (Field::Vat, c.vat),
        (Field::Group, c.group),
        (Field::Comment, c.comment),
    ];
    for (field, value) in all {
        let refs = match value {
            None => continue,
            Some(TomlColumns::One(r)) => vec![r],
            Some(TomlColumns::Many(rs)) if field == Field::Price => rs,
            Some(TomlColumns::Many(_)) => {
                return Err(Error::syntax(
                    Position::in_file(&file).with_field(format!("columns.{}", field.key())),
                    crate::msg!("table-mapping-file-several-columns"),
                ))
            }
        };
        for r in refs {
            let r = toml_ref(r).ok_or_else(|| {
                Error::syntax(
                    Position::in_file(&file).with_field(format!("columns.{}", field.key())),
                    crate::msg!("table-mapping-file-bad-column"),
                )
            })?;
            columns.push((field, r));
        }
    }
    let sheet = parsed.sheet.map(|s| match s {
        TomlRef::Number(n) => n.to_string(),
        TomlRef::Text(s) => s,
    });
    Ok(Settings { sheet, header_row: parsed.header_row, first_row: parsed.first_row, columns })
}

impl Settings {
    /// The mapping file (if any), then the flags: a flag replaces the file's value, and the
    /// `--column` flags replace the file's columns for the fields they name.
    pub fn from_options(opts: &ReadOptions) -> Result<Settings> {
        let mut settings = match &opts.mapping {
            Some(path) => read_mapping_file(path)?,
            None => Settings::default(),
        };
        if opts.sheet.is_some() {
            settings.sheet = opts.sheet.clone();
        }
        if opts.header_row.is_some() {
            settings.header_row = opts.header_row;
        }
        let mut flags: Vec<(Field, ColumnRef)> = Vec::new();
        for spec in &opts.columns {
            let fields: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
            let bad = || {
                Error::usage(crate::msg!(
                    "table-bad-column-option",
                    spec = format!("{spec:?}"),
                    fields = fields.join(", ")
                ))
            };
            let (field, column) = spec.split_once('=').ok_or_else(bad)?;
            let field = Field::parse(field).ok_or_else(bad)?;
            let column = ColumnRef::parse(column).ok_or_else(bad)?;
            if field != Field::Price && flags.iter().any(|(f, _)| *f == field) {
                return Err(Error::usage(crate::msg!("table-column-twice", field = field.key())));
            }
            flags.push((field, column));
        }
        settings.columns.retain(|(f, _)| !flags.iter().any(|(g, _)| g == f));
        settings.columns.extend(flags);
        Ok(settings)
    }

    fn explicit(&self, field: Field) -> bool {
        self.columns.iter().any(|(f, _)| *f == field)
    }

    /// How much a row looks like the header: the number of fields its titles name, and whether
    /// every title the mapping names is in it.
    pub fn header_score(&self, cells: &[Cell]) -> (usize, bool) {
        let titles: Vec<String> = cells.iter().map(Cell::shown).collect();
        let keys: Vec<String> = titles.iter().map(|t| title_key(t)).collect();
        let mut all_found = true;
        let mut fields = 0;
        for (_, r) in &self.columns {
            if let ColumnRef::Title(t) = r {
                if keys.contains(&title_key(t)) {
                    fields += 1;
                } else {
                    all_found = false;
                }
            }
        }
        for field in Field::ALL.into_iter().filter(|f| !self.explicit(*f)) {
            if titles.iter().any(|t| field.is_title(t)) {
                fields += 1;
            }
        }
        (fields, all_found)
    }

    /// True when some column is mapped by its title.
    pub fn maps_titles(&self) -> bool {
        self.columns.iter().any(|(_, r)| matches!(r, ColumnRef::Title(_)))
    }

    /// True when every column is mapped by position, so a table without a header row is usable.
    pub fn needs_no_titles(&self) -> bool {
        !self.columns.is_empty() && self.columns.iter().all(|(_, r)| matches!(r, ColumnRef::Index(_)))
    }

    /// The furthest column mapped by position (1-based count), 0 when none.
    pub fn width(&self) -> usize {
        self.columns
            .iter()
            .filter_map(|(_, r)| if let ColumnRef::Index(i) = r { Some(i + 1) } else { None })
            .max()
            .unwrap_or(0)
    }
}

/// The columns of one table, resolved against its header row.
#[derive(Debug, Clone)]
pub struct Resolved {
    columns: Vec<(Field, usize, bool)>,
    pub prices: Vec<PriceColumn>,
    titles: Vec<String>,
    pub header_row: Option<u64>,
    /// The row of sub-titles under the header row (a 1C printout's second header row).
    sub_title_row: Option<u64>,
    prices_mapped: bool,
}

impl Resolved {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns.iter().find(|(f, _, _)| *f == field).map(|(_, c, _)| *c)
    }

    pub fn title(&self, column: usize) -> Option<&str> {
        self.titles.get(column).map(String::as_str).filter(|t| !t.is_empty())
    }

    /// The titles of the header row, for messages (`«Код», «Наименование»`).
    pub fn listed_titles(&self) -> String {
        listed(&self.titles)
    }

    pub fn set_sub_title_row(&mut self, row: u64) {
        self.sub_title_row = Some(row);
    }

    /// The furthest column read, so a reader can skip the rest.
    pub fn width(&self) -> usize {
        self.columns.iter().map(|(_, c, _)| c + 1).chain(self.prices.iter().map(|p| p.column + 1)).max().unwrap_or(0)
    }

    fn describe(&self, column: usize) -> String {
        match self.title(column) {
            Some(t) => format!("{} «{t}»", column_letters(column)),
            None => column_letters(column),
        }
    }

    /// What was matched, for the user: `header row 2: code ← A «Код», …; not read: H «Остаток»`.
    pub fn note(&self) -> String {
        let mut used: Vec<usize> = Vec::new();
        let mut parts = Vec::new();
        for field in Field::ALL {
            if field == Field::Price {
                let how = if self.prices_mapped { crate::tr!("table-as-mapped") } else { String::new() };
                for p in &self.prices {
                    let vat = match p.includes_vat {
                        Some(true) => crate::tr!("table-vat-included"),
                        Some(false) => crate::tr!("table-vat-excluded"),
                        None => String::new(),
                    };
                    parts.push(crate::tr!(
                        "table-note-price",
                        price_type = p.price_type.as_str(),
                        vat = vat,
                        column = self.describe(p.column),
                        how = how.as_str()
                    ));
                    used.push(p.column);
                }
            } else if let Some((_, c, explicit)) = self.columns.iter().find(|(f, _, _)| *f == field) {
                let how = if *explicit { crate::tr!("table-as-mapped") } else { String::new() };
                parts.push(format!("{} ← {}{how}", field.key(), self.describe(*c)));
                used.push(*c);
            }
        }
        let header = match (self.header_row, self.sub_title_row) {
            (Some(n), Some(sub)) => crate::tr!("table-note-header-rows", first = n, last = sub),
            (Some(n), None) => crate::tr!("table-note-header-row", row = n),
            (None, _) => crate::tr!("table-note-no-header-row"),
        };
        let unused: Vec<String> = (0..self.titles.len())
            .filter(|c| !used.contains(c) && self.title(*c).is_some())
            .map(|c| self.describe(c))
            .collect();
        let unused = if unused.is_empty() {
            String::new()
        } else {
            crate::tr!("table-note-not-read", columns = unused.join(", "))
        };
        format!("{header}: {}{unused}", parts.join(", "))
    }
}

/// Resolves the mapping against the header row (`None`: the table has none). `place` names the
/// sheet or file for messages.
pub fn resolve(settings: &Settings, header: Option<(u64, &[Cell])>, place: &str) -> Result<Resolved> {
    let titles: Vec<String> = header.map(|(_, cells)| cells.iter().map(Cell::shown).collect()).unwrap_or_default();
    let keys: Vec<String> = titles.iter().map(|t| title_key(t)).collect();
    let listed = listed(&titles);
    let mut columns: Vec<(Field, usize, bool)> = Vec::new();
    let mut price_columns: Vec<usize> = Vec::new();
    for (field, r) in &settings.columns {
        let column = match r {
            ColumnRef::Index(i) => *i,
            ColumnRef::Title(t) => match keys.iter().position(|k| *k == title_key(t)) {
                Some(i) => i,
                None if header.is_none() => {
                    return Err(Error::usage(crate::msg!(
                        "table-mapped-title-no-header",
                        place = place,
                        field = field.key(),
                        title = t.as_str()
                    )))
                }
                None => {
                    return Err(Error::usage(crate::msg!(
                        "table-mapped-title-missing",
                        place = place,
                        title = t.as_str(),
                        field = field.key(),
                        row = header.map_or(0, |(n, _)| n),
                        titles = listed.as_str()
                    )))
                }
            },
        };
        if *field == Field::Price {
            price_columns.push(column);
        } else {
            columns.push((*field, column, true));
        }
    }
    for field in Field::ALL.into_iter().filter(|f| !settings.explicit(*f)) {
        let taken = |i: usize| columns.iter().any(|(_, c, _)| *c == i) || price_columns.contains(&i);
        let matching: Vec<usize> = (0..titles.len()).filter(|i| !taken(*i) && field.is_title(&titles[*i])).collect();
        if field == Field::Price {
            // Every price column is read: «Цена» and «Опт» are two prices of the product.
            price_columns.extend(matching);
        } else if let Some(&i) = matching.first() {
            columns.push((field, i, false));
        }
    }
    let prices = price_types(&price_columns, &titles, place)?;
    let header_row = header.map(|(n, _)| n);
    let resolved = Resolved {
        columns,
        prices,
        titles,
        header_row,
        sub_title_row: None,
        prices_mapped: settings.explicit(Field::Price),
    };
    let has = |f| resolved.get(f).is_some();
    if !has(Field::Name) || !(has(Field::Code) || has(Field::Article)) {
        let missing = if has(Field::Name) {
            crate::msg!("table-missing-code-column")
        } else {
            crate::msg!("table-missing-name-column")
        };
        let found = match header {
            Some((n, _)) => crate::msg!("table-header-row-has", row = n, titles = listed.as_str()),
            None => crate::msg!("table-no-header-row"),
        };
        return Err(Error::usage(crate::msg!(
            "table-required-column-missing",
            place = place,
            missing = missing,
            found = found
        )));
    }
    Ok(resolved)
}

fn listed(titles: &[String]) -> String {
    titles.iter().filter(|t| !t.is_empty()).map(|t| format!("«{t}»")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(titles: &[&str]) -> Vec<Cell> {
        titles.iter().map(|t| Cell::Text(t.to_string())).collect()
    }

    fn price(column: usize, price_type: &str, includes_vat: Option<bool>) -> PriceColumn {
        PriceColumn { column, price_type: price_type.to_string(), includes_vat }
    }

    #[test]
    fn column_refs() {
        assert_eq!(ColumnRef::parse("C"), Some(ColumnRef::Index(2)));
        assert_eq!(ColumnRef::parse("AA"), Some(ColumnRef::Index(26)));
        assert_eq!(ColumnRef::parse("3"), Some(ColumnRef::Index(2)));
        assert_eq!(ColumnRef::parse("Цена"), Some(ColumnRef::Title("Цена".into())));
        assert_eq!(ColumnRef::parse("sku"), Some(ColumnRef::Title("sku".into())));
        assert_eq!(ColumnRef::parse("0"), None);
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn russian_titles_are_recognised() {
        let row = cells(&[
            "Код",
            "Наименование",
            "Штрих-код",
            "Цена, руб.",
            "Ед. изм.",
            "Ставка НДС",
            "Категория",
            "Остаток",
        ]);
        let settings = Settings::default();
        assert_eq!(settings.header_score(&row), (7, true));
        let m = resolve(&settings, Some((2, &row)), "Лист1").unwrap();
        assert_eq!(m.get(Field::Barcode), Some(2));
        assert_eq!(m.prices, [price(3, "Розничная", None)]);
        assert!(m.note().ends_with("not read: H «Остаток»"), "{}", m.note());
    }

    #[test]
    fn explicit_columns_win_and_name_price_types() {
        let row = cells(&["Арт.", "Товар", "Опт", "Цена"]);
        let settings = Settings {
            columns: vec![(Field::Price, ColumnRef::Title("опт".into())), (Field::Price, ColumnRef::Index(3))],
            ..Default::default()
        };
        let m = resolve(&settings, Some((1, &row)), "Лист1").unwrap();
        assert_eq!(m.get(Field::Article), Some(0));
        assert_eq!(m.prices, [price(2, "Опт", None), price(3, "Розничная", None)]);
        let none = resolve(&Settings::default(), Some((1, &cells(&["Цена", "Товар"]))), "Лист1").unwrap_err();
        assert!(none.to_string().contains("no code (or article) column"), "{none}");
    }

    #[test]
    fn every_price_column_is_read_and_the_first_retail_one_is_sold_at() {
        let row = cells(&["Код", "Товар", "Опт", "цена без НДС,руб", "цена с НДС, руб", "Цена розн.", "Остаток"]);
        let m = resolve(&Settings::default(), Some((5, &row)), "Лист1").unwrap();
        assert_eq!(
            m.prices,
            [
                price(2, "Опт", None),
                price(3, "цена без НДС,руб", Some(false)),
                price(4, "Розничная", Some(true)),
                price(5, "Цена розн.", None),
            ]
        );
        assert!(m.note().contains("price «Розничная» (VAT included) ← E «цена с НДС, руб»"), "{}", m.note());
        assert!(m.note().ends_with("not read: G «Остаток»"), "{}", m.note());
    }
}
