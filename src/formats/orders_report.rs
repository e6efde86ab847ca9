//! `orders-report`: online orders as a flat table for people — one row per order, Russian
//! column titles and status names, `;`, UTF-8 with a BOM and decimal commas so that Russian
//! Excel opens it as numbers. Times are shown at a fixed UTC offset (`--utc-offset`, +03:00 by
//! default, Moscow time).

use std::io::Write;

use chrono::{DateTime, FixedOffset};

use crate::diagnostics::Diagnostics;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Header, Order, Record};
use crate::number::format_decimal;
use crate::options::WriteOptions;
use crate::sink::RecordSink;

pub const NAME: &str = "orders-report";

pub const TITLES: [&str; 18] = [
    "Номер заказа",
    "Внешний номер",
    "Создан",
    "Время заказа",
    "Статус",
    "Статус изменён",
    "Доставка",
    "Время доставки",
    "Адрес",
    "Клиент",
    "Сумма",
    "Скидка",
    "Стоимость доставки",
    "Оплачен",
    "Система налогообложения",
    "Позиций",
    "Комментарий",
    "Прочее",
];

pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let t = text.trim();
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => (1, t),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

pub fn writer(out: Box<dyn Write>, opts: &WriteOptions) -> Result<Box<dyn RecordSink>> {
    let text = opts.utc_offset.as_deref().unwrap_or("+03:00");
    let offset = parse_offset(text)
        .ok_or_else(|| Error::usage(crate::msg!("bifit-bad-utc-offset", offset = format!("{text:?}"))))?;
    let mut out = out;
    // The BOM tells Excel the file is UTF-8.
    out.write_all("\u{feff}".as_bytes()).map_err(Error::output)?;
    let csv = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(out);
    Ok(Box::new(OrdersReportWriter { csv, offset }))
}

struct OrdersReportWriter {
    csv: csv::Writer<Box<dyn Write>>,
    offset: FixedOffset,
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::output(io),
        other => Error::usage(crate::msg!("bifit-csv-write-failed", error = format!("{other:?}"))),
    }
}

impl OrdersReportWriter {
    fn time(&self, t: &Option<DateTime<FixedOffset>>) -> String {
        t.map(|t| t.with_timezone(&self.offset).format("%d.%m.%Y %H:%M:%S").to_string()).unwrap_or_default()
    }

    fn row(&self, o: &Order) -> Vec<String> {
        let money = |d: &Option<rust_decimal::Decimal>| d.map(|d| format_decimal(&d, ',')).unwrap_or_default();
        let status = match (o.status, o.extra.get("currentStatusType")) {
            (Some(s), _) => s.russian().to_string(),
            (None, Some(raw)) => raw.trim_matches('"').to_string(),
            (None, None) => String::new(),
        };
        vec![
            o.id.clone().unwrap_or_default(),
            o.external_id.clone().unwrap_or_default(),
            self.time(&o.created),
            self.time(&o.order_time),
            status,
            self.time(&o.status_time),
            o.delivery_type.map(|d| d.russian().to_string()).unwrap_or_default(),
            self.time(&o.delivery_time),
            o.address.clone().unwrap_or_default(),
            o.client_name.clone().or_else(|| o.client_id.clone()).unwrap_or_default(),
            money(&o.total_amount),
            money(&o.discount),
            money(&o.delivery_amount),
            o.paid.map(|p| if p { "Да" } else { "Нет" }.to_string()).unwrap_or_default(),
            o.tax_system.map(|t| t.russian().to_string()).unwrap_or_default(),
            o.lines.len().to_string(),
            o.comment.clone().unwrap_or_default(),
            // What the source holds beyond the columns (1C's own status, «Проведен» …), so a
            // bookkeeper sees it rather than nothing.
            o.extra
                .iter()
                .filter(|(k, _)| k.as_str() != "currentStatusType")
                .map(|(k, v)| format!("{k}: {}", v.trim_matches('"')))
                .collect::<Vec<_>>()
                .join(" | "),
        ]
    }
}

impl RecordSink for OrdersReportWriter {
    fn begin(&mut self, _: &Header, _: &mut Diagnostics) -> Result<()> {
        self.csv.write_record(TITLES).map_err(csv_error)
    }

    fn record(&mut self, record: Record, _: &mut Diagnostics) -> Result<()> {
        let Record::Order(order) = record else {
            return Err(ErrorKind::Unsupported {
                format: NAME.into(),
                action: crate::msg!("bifit-action-hold-catalog-or-receipts").into(),
            }
            .into());
        };
        let row = self.row(&order);
        self.csv.write_record(&row).map_err(csv_error)
    }

    fn finish(&mut self, _: &mut Diagnostics) -> Result<()> {
        self.csv.flush().map_err(Error::output)
    }
}
