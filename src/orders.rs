//! Online orders (БИФИТ Касса `online_orders`): the model and the status rules.
//!
//! The rules come from Bifit's documentation (seed `001_…`): an order is never created as
//! REFUSED or DELETED; REFUSED only from ACCEPTED or DISTRIBUTED; DELETED only from NEW. That a
//! DELETED order cannot change any more is INFERRED from «не будет доступен для работы».

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Extra, Vat};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    New,
    Accepted,
    Distributed,
    Issued,
    Refused,
    Deleted,
    Finished,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::New,
        OrderStatus::Accepted,
        OrderStatus::Distributed,
        OrderStatus::Issued,
        OrderStatus::Refused,
        OrderStatus::Deleted,
        OrderStatus::Finished,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "NEW",
            OrderStatus::Accepted => "ACCEPTED",
            OrderStatus::Distributed => "DISTRIBUTED",
            OrderStatus::Issued => "ISSUED",
            OrderStatus::Refused => "REFUSED",
            OrderStatus::Deleted => "DELETED",
            OrderStatus::Finished => "FINISHED",
        }
    }

    /// The name Bifit's documentation gives the status.
    pub fn russian(self) -> &'static str {
        match self {
            OrderStatus::New => "Новый",
            OrderStatus::Accepted => "Подтвержден",
            OrderStatus::Distributed => "Распределен",
            OrderStatus::Issued => "Выдан",
            OrderStatus::Refused => "Отказ",
            OrderStatus::Deleted => "Удален",
            OrderStatus::Finished => "Завершен",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        OrderStatus::ALL.into_iter().find(|st| st.as_str().eq_ignore_ascii_case(s.trim())).ok_or(())
    }
}

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionRefused {
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub reason: crate::i18n::Message,
}

impl fmt::Display for TransitionRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.from {
            Some(from) => f.write_str(&crate::tr!(
                "fmt-order-transition-refused",
                from = from.as_str(),
                to = self.to.as_str(),
                reason = self.reason.clone()
            )),
            None => f.write_str(&crate::tr!(
                "fmt-order-creation-refused",
                to = self.to.as_str(),
                reason = self.reason.clone()
            )),
        }
    }
}

impl std::error::Error for TransitionRefused {}

/// Whether an order may move from `from` (`None`: being created) to `to`. The API client calls
/// this before sending any request.
pub fn check_transition(from: Option<OrderStatus>, to: OrderStatus) -> Result<(), TransitionRefused> {
    use OrderStatus::*;
    let refuse = |reason| Err(TransitionRefused { from, to, reason });
    match (from, to) {
        (None, Refused | Deleted) => refuse(crate::msg!("fmt-order-created-new-or-accepted")),
        (Some(Deleted), _) => refuse(crate::msg!("fmt-order-deleted-unavailable")),
        (Some(f), Refused) if f != Accepted && f != Distributed => {
            refuse(crate::msg!("fmt-order-refuse-only-accepted"))
        }
        (Some(f), Deleted) if f != New => refuse(crate::msg!("fmt-order-delete-only-new")),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryType {
    Courier,
    #[serde(rename = "SELF")]
    SelfPickup,
    Service,
}

impl DeliveryType {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryType::Courier => "COURIER",
            DeliveryType::SelfPickup => "SELF",
            DeliveryType::Service => "SERVICE",
        }
    }

    pub fn russian(self) -> &'static str {
        match self {
            DeliveryType::Courier => "Курьер",
            DeliveryType::SelfPickup => "Самовывоз",
            DeliveryType::Service => "Сервис",
        }
    }
}

impl FromStr for DeliveryType {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [DeliveryType::Courier, DeliveryType::SelfPickup, DeliveryType::Service]
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaxSystem {
    Common,
    Simplified,
    SimplifiedWithExpense,
    Envd,
    CommonAgricultural,
    Patent,
}

impl TaxSystem {
    pub const ALL: [TaxSystem; 6] = [
        TaxSystem::Common,
        TaxSystem::Simplified,
        TaxSystem::SimplifiedWithExpense,
        TaxSystem::Envd,
        TaxSystem::CommonAgricultural,
        TaxSystem::Patent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaxSystem::Common => "COMMON",
            TaxSystem::Simplified => "SIMPLIFIED",
            TaxSystem::SimplifiedWithExpense => "SIMPLIFIED_WITH_EXPENSE",
            TaxSystem::Envd => "ENVD",
            TaxSystem::CommonAgricultural => "COMMON_AGRICULTURAL",
            TaxSystem::Patent => "PATENT",
        }
    }

    pub fn russian(self) -> &'static str {
        match self {
            TaxSystem::Common => "ОСН",
            TaxSystem::Simplified => "УСН доход",
            TaxSystem::SimplifiedWithExpense => "УСН доход − расход",
            TaxSystem::Envd => "ЕНВД",
            TaxSystem::CommonAgricultural => "ЕСХН",
            TaxSystem::Patent => "ПСН",
        }
    }
}

impl FromStr for TaxSystem {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        TaxSystem::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s.trim())).ok_or(())
    }
}

/// An online order. Times are instants (Bifit sends epoch milliseconds), kept with offset +00:00.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Bifit's numeric order id, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The shop's own order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_object_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_system: Option<TaxSystem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_type: Option<DeliveryType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_delivery_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::exact_serde::option")]
    pub delivery_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::exact_serde::option")]
    pub discount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::exact_serde::option")]
    pub total_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<OrderLine>,
    /// Fields the reader does not map, as their JSON text (`null`, `0`, `"x"`).
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    /// The product's code on the shop's side (external id/code), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    /// Bifit's nomenclature id, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nomenclature_id: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    #[serde(deserialize_with = "crate::number::exact_serde::deserialize")]
    pub quantity: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::exact_serde::option")]
    pub price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::exact_serde::option")]
    pub discount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::exact_serde::option")]
    pub sum: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat: Option<Vat>,
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn documented_rules() {
        assert!(check_transition(None, New).is_ok());
        assert!(check_transition(None, Accepted).is_ok());
        assert!(check_transition(None, Refused).is_err());
        assert!(check_transition(None, Deleted).is_err());
        assert!(check_transition(Some(Accepted), Refused).is_ok());
        assert!(check_transition(Some(Distributed), Refused).is_ok());
        assert!(check_transition(Some(New), Refused).is_err());
        assert!(check_transition(Some(New), Deleted).is_ok());
        assert!(check_transition(Some(Accepted), Deleted).is_err());
        assert!(check_transition(Some(Deleted), New).is_err());
    }
}
