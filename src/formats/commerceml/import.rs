//! Streams the catalogue side of a package: groups on the way down (`Классификатор`), each
//! `Товар` of `Каталог` merged with its offers from the index as soon as it ends (see the module
//! docs for the choices).

use crate::diagnostics::{Warning, WarningKind};
use crate::error::{Error, Result};
use crate::formats::fields;
use crate::formats::xml::Attrs;
use crate::i18n::Arg;
use crate::model::{Extra, Group, Product, Vat};
use crate::msg;

use super::offers::{
    deletion_mark, read_unit, split_id, status_deleted, status_element, Offer, DOCUMENT_METADATA, QUANTITY,
};
use super::read::{Reader, KILOGRAM};
use super::source::{Cml, Ev};

/// A group being read: emitted as soon as its nested groups start (or at its end).
struct GroupFrame {
    start: u64,
    id: String,
    name: String,
    extra: Extra,
    emitted: bool,
}

impl Reader<'_> {
    pub(super) fn read_classifier(&mut self, cml: &mut Cml) -> Result<()> {
        loop {
            match cml.next()? {
                Ev::Start { name, empty, .. } => match name.as_str() {
                    "Группы" if !empty => self.read_groups(cml)?,
                    // 2.08+ exports put the price types here.
                    "ТипыЦен" if !empty => self.types.read(cml, self.diag)?,
                    n if DOCUMENT_METADATA.contains(&n) => {
                        cml.skip(&name, empty)?;
                    }
                    _ => {
                        cml.skip_unmapped(self.diag, &name, empty, "Классификатор")?;
                    }
                },
                Ev::End => return Ok(()),
                Ev::Text(t) => cml.stray_text(self.diag, &t, "Классификатор")?,
                Ev::Eof => return Err(cml.truncated("Классификатор")),
            }
        }
    }

    /// `Группы` with nested `Группа/Группы`, read with an explicit stack (no recursion, so no
    /// depth limit but the file's).
    fn read_groups(&mut self, cml: &mut Cml) -> Result<()> {
        let mut stack: Vec<GroupFrame> = Vec::new();
        let mut in_list = true;
        loop {
            let ev = cml.next()?;
            if in_list {
                match ev {
                    Ev::Start { name, empty, .. } if name == "Группа" => {
                        let start = cml.offset();
                        if empty {
                            return Err(Error::syntax(cml.pos_at(start, "Группа"), msg!("cml-empty-group")));
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
                        cml.skip_unmapped(self.diag, &name, empty, "Группы")?;
                    }
                    Ev::End if stack.is_empty() => return Ok(()),
                    Ev::End => in_list = false,
                    Ev::Text(t) => cml.stray_text(self.diag, &t, "Группы")?,
                    Ev::Eof => return Err(cml.truncated("Группы")),
                }
                continue;
            }
            match ev {
                Ev::Start { name, empty, .. } => match name.as_str() {
                    "Ид" => {
                        let (raw, at) = cml.text(&name, empty)?;
                        let id = fields::code(&raw, || cml.pos_at(at, "Группа/Ид"))?;
                        if let Some(top) = stack.last_mut() {
                            top.id = id;
                        }
                    }
                    "Наименование" => {
                        let value = cml.text(&name, empty)?.0;
                        if let Some(top) = stack.last_mut() {
                            top.name = value;
                        }
                    }
                    "Группы" if !empty => {
                        self.emit_group_frame(cml, &mut stack)?;
                        in_list = true;
                    }
                    _ => {
                        let text = cml.skip_unmapped(self.diag, &name, empty, "Группа")?;
                        match (text, stack.last_mut()) {
                            (Some(t), Some(top)) if !top.emitted && !t.trim().is_empty() => {
                                top.extra.insert(name.to_string(), t);
                            }
                            (Some(t), Some(top)) if !t.trim().is_empty() => self.diag.warn(
                                Warning::new(
                                    WarningKind::FieldDropped,
                                    msg!("cml-group-element-after-nested", group = &top.id, name = name.as_str()),
                                )
                                .at(cml.pos("Группа")),
                            )?,
                            _ => {}
                        }
                    }
                },
                Ev::End => {
                    self.emit_group_frame(cml, &mut stack)?;
                    stack.pop();
                    in_list = true;
                }
                Ev::Text(t) => cml.stray_text(self.diag, &t, "Группа")?,
                Ev::Eof => return Err(cml.truncated("Группа")),
            }
        }
    }

    fn emit_group_frame(&mut self, cml: &mut Cml, stack: &mut [GroupFrame]) -> Result<()> {
        let parent = stack.len().checked_sub(2).map(|i| stack[i].id.clone());
        let Some(top) = stack.last_mut() else { return Ok(()) };
        if top.emitted {
            return Ok(());
        }
        if top.id.is_empty() {
            return Err(Error::syntax(cml.pos_at(top.start, "Группа/Ид"), msg!("cml-group-no-id")));
        }
        top.emitted = true;
        let group =
            Group { code: top.id.clone(), name: top.name.clone(), parent, extra: std::mem::take(&mut top.extra) };
        self.group(group)
    }

    pub(super) fn read_catalog(&mut self, cml: &mut Cml, mut attrs: Attrs) -> Result<()> {
        self.goods_written = true;
        if self.index.is_none() {
            self.diag.warn(Warning::new(WarningKind::PricesMissing, msg!("cml-prices-missing")))?;
        }
        if attrs.take("СодержитТолькоИзменения").is_some_and(|v| v.trim() == "true") {
            self.diag
                .warn(Warning::new(WarningKind::PartialCatalog, msg!("cml-partial-catalog")).at(attrs.position()))?;
        }
        loop {
            match cml.next()? {
                Ev::Start { name, empty, .. } => match name.as_str() {
                    "Товары" if !empty => loop {
                        match cml.next()? {
                            Ev::Start { name, attrs, empty } if name == "Товар" => {
                                self.read_goods(cml, attrs, empty)?
                            }
                            Ev::Start { name, empty, .. } => {
                                cml.skip_unmapped(self.diag, &name, empty, "Товары")?;
                            }
                            Ev::End => break,
                            Ev::Text(t) => cml.stray_text(self.diag, &t, "Товары")?,
                            Ev::Eof => return Err(cml.truncated("Товары")),
                        }
                    },
                    n if DOCUMENT_METADATA.contains(&n) => {
                        cml.skip(&name, empty)?;
                    }
                    _ => {
                        cml.skip_unmapped(self.diag, &name, empty, "Каталог")?;
                    }
                },
                Ev::End => return Ok(()),
                Ev::Text(t) => cml.stray_text(self.diag, &t, "Каталог")?,
                Ev::Eof => return Err(cml.truncated("Каталог")),
            }
        }
    }

    fn read_goods(&mut self, cml: &mut Cml, attrs: Attrs, empty: bool) -> Result<()> {
        let start = cml.offset();
        if empty {
            return Err(Error::syntax(cml.pos_at(start, "Товар"), msg!("cml-empty-goods")));
        }
        let mut attrs = attrs;
        let mut p = Product::new("", "");
        p.deleted = status_deleted(&mut attrs);
        p.extra = attrs.into_extra();
        loop {
            match cml.next()? {
                Ev::Start { name, attrs, empty } => match name.as_str() {
                    "Ид" => {
                        let (raw, at) = cml.text(&name, empty)?;
                        p.code = fields::code(&raw, || cml.pos_at(at, "Товар/Ид"))?;
                    }
                    "Наименование" => p.name = cml.text(&name, empty)?.0,
                    "Артикул" => p.article = fields::optional_text(Some(cml.text(&name, empty)?.0)),
                    "ПометкаУдаления" => p.deleted |= deletion_mark(cml, &name, empty, "Товар")?,
                    "Статус" => p.deleted |= status_element(cml, empty, &mut p.extra)?,
                    "Штрихкод" | "ШтрихКод" => {
                        let (raw, at) = cml.text(&name, empty)?;
                        let barcode = fields::code(&raw, || cml.pos_at(at, "Товар/Штрихкод"))?;
                        if !barcode.is_empty() && !p.barcodes.contains(&barcode) {
                            p.barcodes.push(barcode);
                        }
                    }
                    "БазоваяЕдиница" => p.unit = read_unit(cml, self.diag, attrs, empty)?,
                    "Группы" if !empty => self.read_goods_groups(cml, &mut p)?,
                    "СтавкиНалогов" if !empty => self.read_taxes(cml, &mut p)?,
                    "ЗначенияРеквизитов" if !empty => self.read_requisites(cml, &mut p)?,
                    _ => {
                        if let Some(text) = cml.skip_unmapped(self.diag, &name, empty, "Товар")? {
                            add_extra(&mut p.extra, name.to_string(), text);
                        }
                    }
                },
                Ev::End => break,
                Ev::Text(t) => cml.stray_text(self.diag, &t, "Товар")?,
                Ev::Eof => return Err(cml.truncated("Товар")),
            }
        }
        if p.code.is_empty() {
            return Err(Error::syntax(cml.pos_at(start, "Товар/Ид"), msg!("cml-goods-no-id")));
        }
        if p.name.trim().is_empty() {
            return Err(Error::syntax(
                cml.pos_at(start, "Товар/Наименование"),
                msg!("cml-goods-no-name", code = &p.code),
            ));
        }
        if p.unit.as_ref().is_some_and(|u| u.code == KILOGRAM) {
            p.weighted = true;
        }
        self.emit_goods(p)
    }

    /// `Группы/Ид`: the first is the product's group; the model holds one.
    fn read_goods_groups(&mut self, cml: &mut Cml, p: &mut Product) -> Result<()> {
        loop {
            match cml.next()? {
                Ev::Start { name, empty, .. } if name == "Ид" => {
                    let (raw, at) = cml.text(&name, empty)?;
                    let id = fields::code(&raw, || cml.pos_at(at, "Товар/Группы/Ид"))?;
                    match &p.parent {
                        _ if id.is_empty() => {}
                        None => p.parent = Some(id),
                        Some(first) if *first != id => self.diag.warn(
                            Warning::new(
                                WarningKind::ValueDropped,
                                msg!("cml-goods-second-group", code = &p.code, group = &id, first = first),
                            )
                            .at(cml.pos_at(at, "Товар/Группы/Ид")),
                        )?,
                        Some(_) => {}
                    }
                }
                Ev::Start { name, empty, .. } => {
                    cml.skip_unmapped(self.diag, &name, empty, "Товар/Группы")?;
                }
                Ev::End => return Ok(()),
                Ev::Text(t) => cml.stray_text(self.diag, &t, "Товар/Группы")?,
                Ev::Eof => return Err(cml.truncated("Группы")),
            }
        }
    }

    /// `СтавкиНалогов/СтавкаНалога{Наименование, Ставка}`: НДС sets the VAT; other taxes and
    /// rates the model does not know go to `extra`.
    fn read_taxes(&mut self, cml: &mut Cml, p: &mut Product) -> Result<()> {
        for (name, rate, at) in self.read_pairs(cml, "СтавкиНалогов", "СтавкаНалога", "Ставка")?
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
                            WarningKind::ValueKeptAsText,
                            msg!("cml-vat-unknown", code = &p.code, rate = format!("{rate:?}")),
                        )
                        .at(cml.pos_at(at, "СтавкаНалога/Ставка")),
                    )?;
                    p.extra.insert("СтавкаНалога НДС".into(), rate);
                }
            }
        }
        Ok(())
    }

    /// `ЗначенияРеквизитов/ЗначениеРеквизита{Наименование, Значение…}` into `extra`; the service
    /// and weighted flags when the реквизит says so.
    fn read_requisites(&mut self, cml: &mut Cml, p: &mut Product) -> Result<()> {
        for (name, values, _) in self.read_pairs(cml, "ЗначенияРеквизитов", "ЗначениеРеквизита", "Значение")?
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
    fn read_pairs(
        &mut self,
        cml: &mut Cml,
        list: &str,
        item: &str,
        value_el: &str,
    ) -> Result<Vec<(String, Vec<String>, u64)>> {
        let mut out = Vec::new();
        loop {
            match cml.next()? {
                Ev::Start { name, empty, .. } if name == item => {
                    let mut pair = (String::new(), Vec::new(), cml.offset());
                    if !empty {
                        loop {
                            match cml.next()? {
                                Ev::Start { name: el, empty, .. } if el == "Наименование" => {
                                    pair.0 = cml.text(&el, empty)?.0
                                }
                                Ev::Start { name: el, empty, .. } if el == value_el => {
                                    let (v, at) = cml.text(&el, empty)?;
                                    if pair.1.is_empty() {
                                        pair.2 = at;
                                    }
                                    pair.1.push(v);
                                }
                                Ev::Start { name: el, empty, .. } => {
                                    cml.skip_unmapped(self.diag, &el, empty, item)?;
                                }
                                Ev::End => break,
                                Ev::Text(t) => cml.stray_text(self.diag, &t, item)?,
                                Ev::Eof => return Err(cml.truncated(item)),
                            }
                        }
                    }
                    out.push(pair);
                }
                Ev::Start { name, empty, .. } => {
                    cml.skip_unmapped(self.diag, &name, empty, list)?;
                }
                Ev::End => return Ok(out),
                Ev::Text(t) => cml.stray_text(self.diag, &t, list)?,
                Ev::Eof => return Err(cml.truncated(list)),
            }
        }
    }

    /// Emits a product merged with its offers: one product per characteristic (module docs).
    fn emit_goods(&mut self, mut p: Product) -> Result<()> {
        let Some(index) = self.index.as_mut() else { return self.product(p) };
        let (goods, in_catalog) = split_id(&p.code);
        let (goods, in_catalog) = (goods.to_string(), in_catalog.map(str::to_string));
        let taken = index.take(&goods, in_catalog.as_deref());
        if taken.is_empty() {
            self.diag
                .warn(Warning::new(WarningKind::PriceMissing, msg!("cml-no-offer", code = &p.code, name = &p.name)))?;
            return self.product(p);
        }
        // Goods whose own Ид names a characteristic: its offer is the product's.
        let (base, characteristics): (Vec<Offer>, Vec<Offer>) =
            taken.into_iter().partition(|t| in_catalog.is_some() || split_id(&t.id).1.is_none());
        if !characteristics.is_empty() {
            let codes: Vec<&str> = characteristics.iter().map(|c| c.id.as_str()).collect();
            let goods_too =
                if base.is_empty() { msg!("cml-split-goods-not-written") } else { msg!("cml-split-goods-written") };
            let barcodes: Arg = if base.is_empty() && !p.barcodes.is_empty() {
                msg!("cml-split-barcodes", barcodes = p.barcodes.join(", ")).into()
            } else {
                String::new().into()
            };
            self.diag.warn(Warning::new(
                WarningKind::ProductSplit,
                msg!(
                    "cml-product-split",
                    code = &p.code,
                    name = &p.name,
                    count = codes.len(),
                    codes = codes.join(", "),
                    goods_too = goods_too,
                    barcodes = barcodes
                ),
            ))?;
        }
        for mut ch in characteristics {
            let mut product = p.clone();
            let char_id = split_id(&ch.id).1.unwrap_or_default().to_string();
            product.code = ch.id.clone();
            product.name = if !ch.features.is_empty() {
                format!("{} ({})", p.name, ch.features.join(", "))
            } else if !ch.name.trim().is_empty() && ch.name != p.name {
                std::mem::take(&mut ch.name)
            } else {
                format!("{} ({char_id})", p.name)
            };
            product.barcodes = Vec::new();
            self.apply(&mut product, ch)?;
            self.product(product)?;
        }
        let mut base = base.into_iter();
        if let Some(first) = base.next() {
            self.apply(&mut p, first)?;
            self.product(p)?;
        }
        Ok(())
    }

    /// Puts what an offer says on a product: barcodes, prices, stock, and what the goods leave
    /// out (article, unit); an offer marked deleted marks the product.
    fn apply(&mut self, p: &mut Product, offer: Offer) -> Result<()> {
        for b in offer.barcodes {
            if !p.barcodes.contains(&b) {
                p.barcodes.push(b);
            }
        }
        for (type_id, amount) in offer.prices {
            let price = self.types.price(self.diag, &type_id, amount)?;
            p.prices.push(price);
        }
        if let Some(q) = offer.quantity {
            p.extra.insert(QUANTITY.into(), q.to_string());
        }
        if p.article.is_none() {
            p.article = offer.article;
        }
        if p.unit.is_none() {
            if offer.unit.as_ref().is_some_and(|u| u.code == KILOGRAM) {
                p.weighted = true;
            }
            p.unit = offer.unit;
        }
        p.deleted |= offer.deleted;
        for (k, v) in offer.extra {
            p.extra.entry(k).or_insert(v);
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
