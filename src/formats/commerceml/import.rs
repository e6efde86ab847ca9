//! Streams `import.xml`: groups on the way down, each `Товар` merged with its offers from the
//! index as soon as it ends (see the module docs for the choices).

use crate::diagnostics::{Diagnostics, Warning};
use crate::error::{Error, Result};
use crate::formats::fields;
use crate::formats::xml::Attrs;
use crate::model::{Extra, Group, Product, Record, Vat};
use crate::sink::RecordSink;
use crate::text::RawInput;

use super::offers::{read_unit, split_id, OffersIndex, PriceTypes, TakenOffer, DOCUMENT_METADATA};
use super::read::{catalog_header, Encoding, KILOGRAM};
use super::source::{Cml, Ev};

pub(super) fn read_import(
    input: RawInput,
    forced: Encoding,
    offers: Option<(OffersIndex, PriceTypes)>,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<()> {
    let cml = Cml::open(input, forced)?;
    let (index, types) = match offers {
        Some((index, types)) => (Some(index), types),
        None => (None, PriceTypes::default()),
    };
    ImportReader { cml, sink, diag, index, types }.run()
}

struct ImportReader<'a> {
    cml: Cml,
    sink: &'a mut dyn RecordSink,
    diag: &'a mut Diagnostics,
    /// `None` when the import is read alone.
    index: Option<OffersIndex>,
    types: PriceTypes,
}

/// A group being read: emitted as soon as its nested groups start (or at its end).
struct GroupFrame {
    start: u64,
    id: String,
    name: String,
    extra: Extra,
    emitted: bool,
}

impl ImportReader<'_> {
    fn run(mut self) -> Result<()> {
        let (mut attrs, empty) = self.cml.root()?;
        let header = catalog_header(&mut self.cml, &mut attrs, self.diag)?;
        self.sink.begin(&header, self.diag)?;
        if self.index.is_none() {
            self.diag.warn(Warning::new(
                "prices-missing",
                "import.xml without its offers.xml: products are read without prices; convert import.xml --with \
                 offers.xml, or the folder holding both",
            ))?;
        }
        if !empty {
            loop {
                match self.cml.next()? {
                    Ev::Start { name, attrs, empty } => match name.as_str() {
                        "Классификатор" if !empty => self.read_classifier()?,
                        "Каталог" if !empty => self.read_catalog(attrs)?,
                        "ПакетПредложений" => {
                            let pos = self.cml.pos("ПакетПредложений");
                            self.cml.skip(&name, empty)?;
                            self.diag.warn(
                                Warning::new(
                                    "element-skipped",
                                    "offers inside the import file are not merged (the goods are already written); \
                                     convert with --with naming a separate offers file",
                                )
                                .at(pos),
                            )?;
                        }
                        _ => {
                            self.cml.skip_unmapped(self.diag, &name, empty, super::ROOT)?;
                        }
                    },
                    Ev::End => break,
                    Ev::Text(t) => self.cml.stray_text(self.diag, &t, super::ROOT)?,
                    Ev::Eof => return Err(self.cml.truncated(super::ROOT)),
                }
            }
        }
        if let Some(index) = &self.index {
            let (count, first) = index.unused();
            if count > 0 {
                self.diag.warn(Warning::new(
                    "offer-skipped",
                    format!(
                        "{count} offers name goods the import does not list ({}{}); they are not written",
                        first.join(", "),
                        if count > first.len() { ", …" } else { "" }
                    ),
                ))?;
            }
        }
        self.sink.finish(self.diag)
    }

    fn read_classifier(&mut self) -> Result<()> {
        loop {
            match self.cml.next()? {
                Ev::Start { name, empty, .. } => match name.as_str() {
                    "Группы" if !empty => self.read_groups()?,
                    // 2.08+ exports put the price types here.
                    "ТипыЦен" if !empty => self.types.read(&mut self.cml, self.diag)?,
                    n if DOCUMENT_METADATA.contains(&n) => {
                        self.cml.skip(&name, empty)?;
                    }
                    _ => {
                        self.cml.skip_unmapped(self.diag, &name, empty, "Классификатор")?;
                    }
                },
                Ev::End => return Ok(()),
                Ev::Text(t) => self.cml.stray_text(self.diag, &t, "Классификатор")?,
                Ev::Eof => return Err(self.cml.truncated("Классификатор")),
            }
        }
    }

    /// `Группы` with nested `Группа/Группы`, read with an explicit stack (no recursion, so no
    /// depth limit but the file's).
    fn read_groups(&mut self) -> Result<()> {
        let mut stack: Vec<GroupFrame> = Vec::new();
        let mut in_list = true;
        loop {
            let ev = self.cml.next()?;
            if in_list {
                match ev {
                    Ev::Start { name, empty, .. } if name == "Группа" => {
                        let start = self.cml.offset();
                        if empty {
                            return Err(Error::syntax(
                                self.cml.pos_at(start, "Группа"),
                                "an empty <Группа>: expected Ид and Наименование",
                            ));
                        }
                        stack.push(GroupFrame {
                            start,
                            id: String::new(),
                            name: String::new(),
                            extra: Extra::new(),
                            emitted: false,
                        });
                        in_list = false;
                    }
                    Ev::Start { name, empty, .. } => {
                        self.cml.skip_unmapped(self.diag, &name, empty, "Группы")?;
                    }
                    Ev::End if stack.is_empty() => return Ok(()),
                    Ev::End => in_list = false,
                    Ev::Text(t) => self.cml.stray_text(self.diag, &t, "Группы")?,
                    Ev::Eof => return Err(self.cml.truncated("Группы")),
                }
                continue;
            }
            match ev {
                Ev::Start { name, empty, .. } => match name.as_str() {
                    "Ид" => {
                        let (raw, at) = self.cml.text(&name, empty)?;
                        let id = fields::code(&raw, || self.cml.pos_at(at, "Группа/Ид"))?;
                        if let Some(top) = stack.last_mut() {
                            top.id = id;
                        }
                    }
                    "Наименование" => {
                        let value = self.cml.text(&name, empty)?.0;
                        if let Some(top) = stack.last_mut() {
                            top.name = value;
                        }
                    }
                    "Группы" if !empty => {
                        self.emit_group(&mut stack)?;
                        in_list = true;
                    }
                    _ => {
                        let text = self.cml.skip_unmapped(self.diag, &name, empty, "Группа")?;
                        match (text, stack.last_mut()) {
                            (Some(t), Some(top)) if !top.emitted && !t.trim().is_empty() => {
                                top.extra.insert(name, t);
                            }
                            (Some(t), Some(top)) if !t.trim().is_empty() => self.diag.warn(
                                Warning::new(
                                    "field-dropped",
                                    format!("group {}: <{name}> after its nested groups is not carried", top.id),
                                )
                                .at(self.cml.pos("Группа")),
                            )?,
                            _ => {}
                        }
                    }
                },
                Ev::End => {
                    self.emit_group(&mut stack)?;
                    stack.pop();
                    in_list = true;
                }
                Ev::Text(t) => self.cml.stray_text(self.diag, &t, "Группа")?,
                Ev::Eof => return Err(self.cml.truncated("Группа")),
            }
        }
    }

    fn emit_group(&mut self, stack: &mut [GroupFrame]) -> Result<()> {
        let parent = stack.len().checked_sub(2).map(|i| stack[i].id.clone());
        let Some(top) = stack.last_mut() else { return Ok(()) };
        if top.emitted {
            return Ok(());
        }
        if top.id.is_empty() {
            return Err(Error::syntax(
                self.cml.pos_at(top.start, "Группа/Ид"),
                "a group has no Ид: its goods could not name it",
            ));
        }
        top.emitted = true;
        let group =
            Group { code: top.id.clone(), name: top.name.clone(), parent, extra: std::mem::take(&mut top.extra) };
        self.sink.record(Record::Group(group), self.diag)
    }

    fn read_catalog(&mut self, mut attrs: Attrs) -> Result<()> {
        if attrs.take("СодержитТолькоИзменения").is_some_and(|v| v.trim() == "true") {
            self.diag.warn(
                Warning::new(
                    "partial-catalog",
                    "the catalogue holds only changes (СодержитТолькоИзменения=\"true\"), not all goods",
                )
                .at(attrs.position()),
            )?;
        }
        loop {
            match self.cml.next()? {
                Ev::Start { name, empty, .. } => match name.as_str() {
                    "Товары" if !empty => loop {
                        match self.cml.next()? {
                            Ev::Start { name, attrs, empty } if name == "Товар" => {
                                self.read_goods(attrs, empty)?
                            }
                            Ev::Start { name, empty, .. } => {
                                self.cml.skip_unmapped(self.diag, &name, empty, "Товары")?;
                            }
                            Ev::End => break,
                            Ev::Text(t) => self.cml.stray_text(self.diag, &t, "Товары")?,
                            Ev::Eof => return Err(self.cml.truncated("Товары")),
                        }
                    },
                    n if DOCUMENT_METADATA.contains(&n) => {
                        self.cml.skip(&name, empty)?;
                    }
                    _ => {
                        self.cml.skip_unmapped(self.diag, &name, empty, "Каталог")?;
                    }
                },
                Ev::End => return Ok(()),
                Ev::Text(t) => self.cml.stray_text(self.diag, &t, "Каталог")?,
                Ev::Eof => return Err(self.cml.truncated("Каталог")),
            }
        }
    }

    fn read_goods(&mut self, attrs: Attrs, empty: bool) -> Result<()> {
        let start = self.cml.offset();
        if empty {
            return Err(Error::syntax(
                self.cml.pos_at(start, "Товар"),
                "an empty <Товар>: expected Ид and Наименование",
            ));
        }
        let mut p = Product::new("", "");
        p.extra = attrs.into_extra();
        loop {
            match self.cml.next()? {
                Ev::Start { name, attrs, empty } => match name.as_str() {
                    "Ид" => {
                        let (raw, at) = self.cml.text(&name, empty)?;
                        p.code = fields::code(&raw, || self.cml.pos_at(at, "Товар/Ид"))?;
                    }
                    "Наименование" => p.name = self.cml.text(&name, empty)?.0,
                    "Артикул" => p.article = fields::optional_text(Some(self.cml.text(&name, empty)?.0)),
                    "Штрихкод" => {
                        let (raw, at) = self.cml.text(&name, empty)?;
                        let barcode = fields::code(&raw, || self.cml.pos_at(at, "Товар/Штрихкод"))?;
                        if !barcode.is_empty() && !p.barcodes.contains(&barcode) {
                            p.barcodes.push(barcode);
                        }
                    }
                    "БазоваяЕдиница" => p.unit = read_unit(&mut self.cml, self.diag, attrs, empty)?,
                    "Группы" if !empty => self.read_goods_groups(&mut p)?,
                    "СтавкиНалогов" if !empty => self.read_taxes(&mut p)?,
                    "ЗначенияРеквизитов" if !empty => self.read_requisites(&mut p)?,
                    _ => {
                        if let Some(text) = self.cml.skip_unmapped(self.diag, &name, empty, "Товар")? {
                            add_extra(&mut p.extra, name, text);
                        }
                    }
                },
                Ev::End => break,
                Ev::Text(t) => self.cml.stray_text(self.diag, &t, "Товар")?,
                Ev::Eof => return Err(self.cml.truncated("Товар")),
            }
        }
        if p.code.is_empty() {
            return Err(Error::syntax(
                self.cml.pos_at(start, "Товар/Ид"),
                "goods without Ид: offers and orders could not name them",
            ));
        }
        if p.name.trim().is_empty() {
            return Err(Error::syntax(
                self.cml.pos_at(start, "Товар/Наименование"),
                format!("goods {} have no Наименование", p.code),
            ));
        }
        if p.unit.as_ref().is_some_and(|u| u.code == KILOGRAM) {
            p.weighted = true;
        }
        self.emit_goods(p)
    }

    /// `Группы/Ид`: the first is the product's group; the model holds one.
    fn read_goods_groups(&mut self, p: &mut Product) -> Result<()> {
        loop {
            match self.cml.next()? {
                Ev::Start { name, empty, .. } if name == "Ид" => {
                    let (raw, at) = self.cml.text(&name, empty)?;
                    let id = fields::code(&raw, || self.cml.pos_at(at, "Товар/Группы/Ид"))?;
                    match &p.parent {
                        _ if id.is_empty() => {}
                        None => p.parent = Some(id),
                        Some(first) if *first != id => self.diag.warn(
                            Warning::new(
                                "value-dropped",
                                format!("product {}: also in group {id}; the model keeps one group ({first})", p.code),
                            )
                            .at(self.cml.pos_at(at, "Товар/Группы/Ид")),
                        )?,
                        Some(_) => {}
                    }
                }
                Ev::Start { name, empty, .. } => {
                    self.cml.skip_unmapped(self.diag, &name, empty, "Товар/Группы")?;
                }
                Ev::End => return Ok(()),
                Ev::Text(t) => self.cml.stray_text(self.diag, &t, "Товар/Группы")?,
                Ev::Eof => return Err(self.cml.truncated("Группы")),
            }
        }
    }

    /// `СтавкиНалогов/СтавкаНалога{Наименование, Ставка}`: НДС sets the VAT; other taxes and
    /// rates the model does not know go to `extra`.
    fn read_taxes(&mut self, p: &mut Product) -> Result<()> {
        for (name, rate, at) in self.read_pairs("СтавкиНалогов", "СтавкаНалога", "Ставка")?
        {
            let rate = rate.join("; ");
            if name.trim().to_lowercase() != "ндс" {
                p.extra.insert(format!("СтавкаНалога {}", name.trim()), rate);
                continue;
            }
            let lower = rate.trim().to_lowercase();
            let vat = if lower == "без налога" || lower == "без ндс" {
                Some(Vat::NoVat)
            } else {
                rate.parse::<Vat>().ok()
            };
            match vat {
                Some(v) => p.vat = Some(v),
                None if rate.trim().is_empty() => {}
                None => {
                    self.diag.warn(
                        Warning::new(
                            "value-kept-as-text",
                            format!("product {}: VAT rate {rate:?} is not one the model knows; kept in extra", p.code),
                        )
                        .at(self.cml.pos_at(at, "СтавкаНалога/Ставка")),
                    )?;
                    p.extra.insert("СтавкаНалога НДС".into(), rate);
                }
            }
        }
        Ok(())
    }

    /// `ЗначенияРеквизитов/ЗначениеРеквизита{Наименование, Значение…}` into `extra`; the service
    /// and weighted flags when the реквизит says so.
    fn read_requisites(&mut self, p: &mut Product) -> Result<()> {
        for (name, values, _) in self.read_pairs("ЗначенияРеквизитов", "ЗначениеРеквизита", "Значение")?
        {
            let name = name.trim().to_string();
            let value = values.join("; ");
            let lower = value.trim().to_lowercase();
            match name.as_str() {
                "ВидНоменклатуры" | "ТипНоменклатуры" if lower == "услуга" => {
                    p.service = true
                }
                "Весовой" if matches!(lower.as_str(), "да" | "true" | "истина" | "1") => {
                    p.weighted = true
                }
                _ => {}
            }
            if !name.is_empty() {
                add_extra(&mut p.extra, name, value);
            }
        }
        Ok(())
    }

    /// A list of `item{Наименование, value…}`: (name, values, offset of the first value).
    fn read_pairs(&mut self, list: &str, item: &str, value_el: &str) -> Result<Vec<(String, Vec<String>, u64)>> {
        let mut out = Vec::new();
        loop {
            match self.cml.next()? {
                Ev::Start { name, empty, .. } if name == item => {
                    let mut pair = (String::new(), Vec::new(), self.cml.offset());
                    if !empty {
                        loop {
                            match self.cml.next()? {
                                Ev::Start { name: el, empty, .. } if el == "Наименование" => {
                                    pair.0 = self.cml.text(&el, empty)?.0
                                }
                                Ev::Start { name: el, empty, .. } if el == value_el => {
                                    let (v, at) = self.cml.text(&el, empty)?;
                                    if pair.1.is_empty() {
                                        pair.2 = at;
                                    }
                                    pair.1.push(v);
                                }
                                Ev::Start { name: el, empty, .. } => {
                                    self.cml.skip_unmapped(self.diag, &el, empty, item)?;
                                }
                                Ev::End => break,
                                Ev::Text(t) => self.cml.stray_text(self.diag, &t, item)?,
                                Ev::Eof => return Err(self.cml.truncated(item)),
                            }
                        }
                    }
                    out.push(pair);
                }
                Ev::Start { name, empty, .. } => {
                    self.cml.skip_unmapped(self.diag, &name, empty, list)?;
                }
                Ev::End => return Ok(out),
                Ev::Text(t) => self.cml.stray_text(self.diag, &t, list)?,
                Ev::Eof => return Err(self.cml.truncated(list)),
            }
        }
    }

    /// Emits a product merged with its offers: one product per characteristic (module docs).
    fn emit_goods(&mut self, mut p: Product) -> Result<()> {
        let Some(index) = self.index.as_mut() else { return self.sink.record(Record::Product(p), self.diag) };
        let (goods, in_import) = split_id(&p.code);
        let (goods, in_import) = (goods.to_string(), in_import.map(str::to_string));
        let taken = index.take(&goods, in_import.as_deref());
        if taken.is_empty() {
            self.diag.warn(Warning::new(
                "price-missing",
                format!("product {} ({}) has no offer in the offers file; written without prices", p.code, p.name),
            ))?;
            return self.sink.record(Record::Product(p), self.diag);
        }
        // Goods whose own Ид names a characteristic: its offer is the product's.
        let (base, characteristics): (Vec<TakenOffer>, Vec<TakenOffer>) =
            taken.into_iter().partition(|t| in_import.is_some() || t.characteristic.is_none());
        if !characteristics.is_empty() {
            let codes: Vec<String> = characteristics
                .iter()
                .map(|c| format!("{goods}#{}", c.characteristic.as_deref().unwrap_or("")))
                .collect();
            let goods_too = if base.is_empty() {
                "the goods themselves have no offer and are not written"
            } else {
                "the goods are written too"
            };
            let barcodes = if base.is_empty() && !p.barcodes.is_empty() {
                format!("; their barcode {} is not copied to the characteristics", p.barcodes.join(", "))
            } else {
                String::new()
            };
            self.diag.warn(Warning::new(
                "product-split",
                format!(
                    "goods {} ({}) have {} characteristic{}: written as products {}; {goods_too}{barcodes}",
                    p.code,
                    p.name,
                    codes.len(),
                    if codes.len() == 1 { "" } else { "s" },
                    codes.join(", ")
                ),
            ))?;
        }
        for ch in characteristics {
            let mut product = p.clone();
            let char_id = ch.characteristic.clone().unwrap_or_default();
            product.code = format!("{goods}#{char_id}");
            product.name = match (&ch.features, &ch.name) {
                (Some(f), _) => format!("{} ({f})", p.name),
                (None, Some(n)) if !n.trim().is_empty() && *n != p.name => n.clone(),
                _ => format!("{} ({char_id})", p.name),
            };
            product.barcodes = Vec::new();
            self.apply(&mut product, ch)?;
            self.sink.record(Record::Product(product), self.diag)?;
        }
        let mut base = base.into_iter();
        if let Some(first) = base.next() {
            self.apply(&mut p, first)?;
            self.sink.record(Record::Product(p), self.diag)?;
        }
        Ok(())
    }

    /// Puts an offer's barcodes, prices and quantity on a product.
    fn apply(&mut self, p: &mut Product, offer: TakenOffer) -> Result<()> {
        for b in offer.barcodes {
            if !p.barcodes.contains(&b) {
                p.barcodes.push(b);
            }
        }
        for (type_id, amount) in offer.prices {
            let price = self.types.price(&mut self.cml, self.diag, &type_id, amount)?;
            p.prices.push(price);
        }
        if let Some(q) = offer.quantity {
            p.extra.insert("Количество".into(), q.to_string());
        }
        Ok(())
    }
}

/// A plain-text element into `extra`; a repeated one (`Картинка`) is joined with `; `.
fn add_extra(extra: &mut Extra, name: String, value: String) {
    if value.trim().is_empty() {
        return;
    }
    match extra.get_mut(&name) {
        Some(existing) => {
            existing.push_str("; ");
            existing.push_str(&value);
        }
        None => {
            extra.insert(name, value);
        }
    }
}
