//! Exchange rates as ledger data, and exact conversion between currencies.
//!
//! A rate says how many units of `currency` one unit of the `base` buys on a day (the shape of
//! the ECB reference rates: 1 EUR = 1.0812 USD). It is kept exactly, as an integer of
//! 10^-10 units (`RATE_PLACES`), never a float. Converting an amount from currency A to B over
//! a common base is the rational amount × rate(B) ÷ rate(A), computed in i128 and rounded once,
//! half to even.

use crate::{Currency, FieldError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Decimal places a rate keeps (the ECB publishes at most six significant digits).
pub const RATE_PLACES: u32 = 10;

/// One day's rate of `currency` against `base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub date: NaiveDate,
    pub base: Currency,
    pub currency: Currency,
    /// Units of `currency` per unit of `base`, × 10^`RATE_PLACES`; always positive.
    pub scaled: i64,
}

/// A rates-file row as read: every field text.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawRate<'a> {
    pub date: &'a str,
    pub base: &'a str,
    pub currency: &'a str,
    pub rate: &'a str,
}

impl Rate {
    /// Checks every field and names each broken one.
    pub fn parse(raw: &RawRate<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = crate::date::parse_iso_date(raw.date)
            .map_err(|e| errors.push(FieldError::new("date", e)))
            .ok();
        let base = Currency::parse(raw.base)
            .map_err(|e| errors.push(FieldError::new("base", e)))
            .ok();
        let currency = Currency::parse(raw.currency)
            .map_err(|e| errors.push(FieldError::new("currency", e)))
            .ok();
        let scaled = crate::decimal::parse_scaled(raw.rate, RATE_PLACES, false)
            .and_then(|v| {
                if v > 0 {
                    Ok(v)
                } else {
                    Err("must be greater than zero".to_owned())
                }
            })
            .map_err(|e| errors.push(FieldError::new("rate", e)))
            .ok();
        if let (Some(base), Some(currency)) = (base, currency) {
            if base == currency {
                errors.push(FieldError::new(
                    "currency",
                    format!("is the base itself ({base}); its rate is 1 by definition"),
                ));
            }
        }
        match (date, base, currency, scaled) {
            (Some(date), Some(base), Some(currency), Some(scaled)) if errors.is_empty() => {
                Ok(Self {
                    date,
                    base,
                    currency,
                    scaled,
                })
            }
            _ => Err(errors),
        }
    }

    /// The rate as written, without trailing zeros ("1.0812").
    pub fn text(&self) -> String {
        crate::decimal::format_scaled_trimmed(self.scaled, RATE_PLACES)
    }
}

/// Rounds `numerator / denominator` to the nearest integer, half to even; `denominator > 0`.
pub fn divide_half_even(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator.div_euclid(denominator);
    let twice_rest = 2 * numerator.rem_euclid(denominator);
    if twice_rest > denominator || twice_rest == denominator && quotient % 2 != 0 {
        quotient + 1
    } else {
        quotient
    }
}

/// `amount` (any fixed scale, e.g. cents) of the currency whose rate is `from` converted into
/// the currency whose rate is `to`, both against the same base and scaled by `RATE_PLACES`;
/// the base itself has the rate `one()`. Rounded once, half to even, at the amount's scale.
pub fn convert(amount: i128, from: i64, to: i64) -> i128 {
    divide_half_even(amount * i128::from(to), i128::from(from))
}

/// The base currency's rate against itself.
pub const fn one() -> i64 {
    10_i64.pow(RATE_PLACES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(currency: &str, rate: &str) -> Result<Rate, Vec<FieldError>> {
        Rate::parse(&RawRate {
            date: "2026-11-30",
            base: "EUR",
            currency,
            rate,
        })
    }

    #[test]
    fn rates_are_exact_and_every_broken_field_is_named() {
        let usd = rate("USD", "1.0812").unwrap();
        assert_eq!(usd.scaled, 10_812_000_000);
        assert_eq!(usd.text(), "1.0812");
        let errors = Rate::parse(&RawRate {
            date: "30/11/2026",
            base: "euro",
            currency: "usd",
            rate: "1,08",
        })
        .unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, ["date", "base", "currency", "rate"]);
        for bad in ["0", "-1.2", "1e3", "", "0.00000000001"] {
            assert!(rate("USD", bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(rate("EUR", "1").unwrap_err()[0].column, "currency");
    }

    #[test]
    fn conversions_round_once_half_to_even() {
        // 1,000.00 EUR at 1.0812 USD per EUR = 1,081.20 USD exactly.
        assert_eq!(convert(100_000, one(), 10_812_000_000), 108_120);
        // And back: 1,081.20 / 1.0812 = 1,000.00.
        assert_eq!(convert(108_120, 10_812_000_000, one()), 100_000);
        // 0.01 GBP -> USD over EUR: 0.01 × 1.0812 / 0.8468 = 0.012768... -> 0.01.
        assert_eq!(convert(1, 8_468_000_000, 10_812_000_000), 1);
        // Half-way cases go to the even neighbour: 0.05 at rate 0.5 is 0.025 -> 0.02; 0.15 -> 0.075 -> 0.08.
        assert_eq!(convert(5, one(), one() / 2), 2);
        assert_eq!(convert(15, one(), one() / 2), 8);
        // Negative amounts (refunds) round symmetrically.
        assert_eq!(convert(-5, one(), one() / 2), -2);
        assert_eq!(convert(-15, one(), one() / 2), -8);
        // A $300B commitment in cents at a 6-digit rate stays exact in i128.
        assert_eq!(
            convert(30_000_000_000_000, 10_812_000_000, one()),
            27_746_947_835_738
        );
    }
}
