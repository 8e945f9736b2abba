use crate::decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of capacity (GPU-hours, GPUs, vCPUs) held exactly as millionths. Phases and
/// receipts are never negative; usage may be (refunds and reversals).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(from = "i64", into = "i64")]
pub struct Quantity(i64);

/// Every i64 of millionths is a quantity (usage may be negative): read through `from_micros`,
/// the one constructor the stored form has.
impl From<i64> for Quantity {
    fn from(micros: i64) -> Self {
        Quantity::from_micros(micros)
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.micros()
    }
}

pub const QUANTITY_PLACES: u32 = 6;

impl Quantity {
    pub fn parse(raw: &str) -> Result<Self, String> {
        decimal::parse_scaled(raw, QUANTITY_PLACES, false).map(Self)
    }

    /// A quantity a row may leave blank (a phase's power where the contract states none).
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }

    /// A usage quantity: negative for a refund or reversal.
    pub fn parse_signed(raw: &str) -> Result<Self, String> {
        decimal::parse_scaled(raw, QUANTITY_PLACES, true).map(Self)
    }

    pub fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub fn micros(&self) -> i64 {
        self.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_scaled_trimmed(self.0, QUANTITY_PLACES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_gpu_hours() {
        let q = Quantity::parse("1234.5").unwrap();
        assert_eq!(q.micros(), 1_234_500_000);
        assert_eq!(q.to_string(), "1234.5");
    }

    #[test]
    fn must_not_be_negative() {
        assert!(Quantity::parse("-1").unwrap_err().contains("negative"));
    }
}
