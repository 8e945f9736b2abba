//! Read models shared by the server and the browser (plain serde, no database types).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Currency, Money};

/// One line of the contracts list: the commitment and how much of it is burned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractOverview {
    pub reference: String,
    pub vendor: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub currency: Currency,
    pub committed_minor: i64,
    pub burned_minor: i64,
}

impl ContractOverview {
    pub fn committed(&self) -> Money {
        Money::from_minor(self.committed_minor, self.currency)
    }

    pub fn burned(&self) -> Money {
        Money::from_minor(self.burned_minor, self.currency)
    }

    pub fn remaining(&self) -> Money {
        Money::from_minor(self.committed_minor - self.burned_minor, self.currency)
    }

    /// Share of the commitment burned, 0.0 when nothing is committed.
    pub fn burned_share(&self) -> f64 {
        if self.committed_minor == 0 {
            0.0
        } else {
            self.burned_minor as f64 / self.committed_minor as f64
        }
    }
}
