//! kassa-bridge: converts retail data between 1C-side exports and cloud cash registers
//! (Кассатка, БИФИТ Касса) through one canonical model.
//!
//! The library knows nothing of the terminal: it reads, converts, checks and reports through
//! values (`Error`, `Diagnostics`, `InspectReport`). The `kassa-bridge` binary is a thin CLI on top.

pub mod budget;
pub mod convert;
pub mod diagnostics;
pub mod durations;
pub mod error;
pub mod formats;
pub mod i18n;
pub mod inspect;
pub mod limits;
pub mod model;
pub mod number;
pub mod okei;
pub mod options;
pub mod orders;
pub mod output;
pub mod pipeline;
pub mod price_choice;
pub mod sink;
pub mod text;
pub mod upload;
pub mod vat;
pub mod watch;

pub use diagnostics::{Diagnostics, Warning, WarningKind};
pub use error::{Error, ErrorKind, Position, Result};
