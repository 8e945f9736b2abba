//! A rate card: what a contract expects to pay per unit-hour of a resource (a GB300, a TPU, a
//! megawatt) from a day on, and how much of the capacity it expects to use. Prices are exact
//! (millionths of the contract's currency), utilisation in basis points.

use crate::{text, FieldError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The places a price per unit-hour keeps (sub-cent prices are common: $0.0035 per GB-hour).
pub const PRICE_PLACES: u32 = 6;
/// Full utilisation, in basis points.
pub const FULL_UTILISATION_BP: i64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCard {
    pub contract: String,
    pub resource: String,
    /// The card is in force from this day until the resource's next card.
    pub from: NaiveDate,
    /// Millionths of the contract's currency per unit-hour ($4.25 per GPU-hour = 4_250_000).
    pub price_e6: i64,
    /// Expected utilisation, basis points (1..=10_000; 10_000 when not stated).
    pub utilisation_bp: i64,
}

/// A rate card as typed or read from a file: every field text.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawRateCard<'a> {
    pub contract: &'a str,
    pub resource: &'a str,
    pub from: &'a str,
    pub price: &'a str,
    /// A percentage ("85", "85%", "92.5"); blank is 100%.
    pub utilisation: &'a str,
}

impl RateCard {
    /// Checks every field and names each broken one.
    pub fn parse(raw: &RawRateCard<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = crate::entries::Checker::new();
        let contract = c.field("contract", text::required(raw.contract, text::NAME_MAX));
        let resource = c.field("resource", text::required(raw.resource, text::LABEL_MAX));
        let from = c.field("from", crate::date::parse_iso_date(raw.from));
        let price = c.field(
            "price",
            crate::decimal::parse_scaled(raw.price, PRICE_PLACES, false).and_then(|p| {
                if p > 0 {
                    Ok(p)
                } else {
                    Err("must be greater than zero".to_owned())
                }
            }),
        );
        let utilisation = c.field("utilisation", utilisation_bp(raw.utilisation));
        c.finish(|| {
            Some(Self {
                contract: contract?,
                resource: resource?,
                from: from?,
                price_e6: price?,
                utilisation_bp: utilisation?,
            })
        })
    }

    /// The price per unit-hour as written, without trailing zeros ("11.5", "0.0035").
    pub fn price_text(&self) -> String {
        crate::decimal::format_scaled_trimmed(self.price_e6, PRICE_PLACES)
    }

    /// The utilisation as a percentage, without trailing zeros ("85", "92.5", "100").
    pub fn utilisation_text(&self) -> String {
        crate::decimal::format_scaled_trimmed(self.utilisation_bp, 2)
    }
}

/// "85" or "85%" → 8_500 basis points; blank → full.
pub fn utilisation_bp(raw: &str) -> Result<i64, String> {
    let number = raw.trim().trim_end_matches('%').trim_end();
    if number.is_empty() {
        return Ok(FULL_UTILISATION_BP);
    }
    let bp = crate::decimal::parse_scaled(number, 2, false)?;
    if (1..=FULL_UTILISATION_BP).contains(&bp) {
        Ok(bp)
    } else {
        Err(format!(
            "must be a percentage above 0 and at most 100 (got {:?})",
            raw.trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(price: &'a str, utilisation: &'a str) -> RawRateCard<'a> {
        RawRateCard {
            contract: "AWS-2025-38B",
            resource: "GB300",
            from: "2026-07-01",
            price,
            utilisation,
        }
    }

    #[test]
    fn a_card_keeps_its_price_exactly_and_its_utilisation_in_basis_points() {
        let card = RateCard::parse(&raw("4.25", "85%")).unwrap();
        assert_eq!((card.price_e6, card.utilisation_bp), (4_250_000, 8_500));
        assert_eq!(
            RateCard::parse(&raw("0.0035", "")).unwrap().utilisation_bp,
            10_000
        );
        assert_eq!(
            RateCard::parse(&raw("3", "92.5")).unwrap().utilisation_bp,
            9_250
        );
    }

    #[test]
    fn a_card_reads_back_as_it_was_written() {
        let card = RateCard::parse(&raw("11.50", "92.50%")).unwrap();
        assert_eq!(
            (card.price_text(), card.utilisation_text()),
            ("11.5".into(), "92.5".into())
        );
        let card = RateCard::parse(&raw("0.0035", "")).unwrap();
        assert_eq!(
            (card.price_text(), card.utilisation_text()),
            ("0.0035".into(), "100".into())
        );
    }

    #[test]
    fn every_broken_field_is_named() {
        let errors = RateCard::parse(&RawRateCard {
            contract: " ",
            resource: "",
            from: "1 July",
            price: "0",
            utilisation: "120",
        })
        .unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            ["contract", "resource", "from", "price", "utilisation"]
        );
        for bad in ["-1", "0%", "abc", "0.001"] {
            assert!(RateCard::parse(&raw("1", bad)).is_err(), "{bad:?} accepted");
        }
        assert!(
            RateCard::parse(&raw("1.0000001", "")).is_err(),
            "seven places"
        );
    }
}
