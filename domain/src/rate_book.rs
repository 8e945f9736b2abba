//! The exchange rates in force day by day, and the factor that turns an amount of one currency
//! into another on a given day. Pure: the analytics convert whole frames with it.

use crate::fx::{divide_half_even, one, Rate};
use crate::Currency;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// A rate older than this many days on the day it converts is flagged as stale on the figure
/// (a weekend and a holiday or two are normal gaps in a reference-rate file; a week is not).
pub const STALE_AFTER_DAYS: i64 = 7;

/// Every stored rate, by (base, currency) and day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateBook {
    quotes: BTreeMap<(Currency, Currency), BTreeMap<NaiveDate, i64>>,
    bases: BTreeSet<Currency>,
}

/// How an amount turns from one currency into another on a day: × `to` ÷ `from` (both rates
/// against one base, scaled by `fx::RATE_PLACES`), and the day of the oldest rate it rests on
/// (`None` when no rate was needed: the same currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factor {
    pub from: i64,
    pub to: i64,
    pub rate_date: Option<NaiveDate>,
}

impl Factor {
    pub const IDENTITY: Factor = Factor {
        from: one(),
        to: one(),
        rate_date: None,
    };

    /// `amount` (any fixed scale) converted, rounded once half to even at that scale.
    pub fn apply(&self, amount: i128) -> i128 {
        self.apply_in_steps(amount, 1)
    }

    /// `amount` converted and rounded once, half to even, to a multiple of `step` (e.g. whole
    /// cents of an amount held in millionths: `step` 10_000); `step > 0`.
    pub fn apply_in_steps(&self, amount: i128, step: i128) -> i128 {
        if self.from == self.to {
            amount
        } else {
            divide_half_even(amount * i128::from(self.to), i128::from(self.from) * step) * step
        }
    }

    /// Whether the rate used on `day` is older than [`STALE_AFTER_DAYS`].
    pub fn stale_on(&self, day: NaiveDate) -> bool {
        self.rate_date
            .is_some_and(|rate_day| (day - rate_day).num_days() > STALE_AFTER_DAYS)
    }
}

/// No rate for `currency` on or before `day`, needed to turn `from` into `into`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingRate {
    pub currency: Currency,
    pub from: Currency,
    pub into: Currency,
    pub day: NaiveDate,
}

impl std::fmt::Display for MissingRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no exchange rate for {} on or before {} (to convert {} into {}): record one on \
             the Rates page or import a rates file (compute-ledger rates import), or show each \
             currency on its own",
            self.currency, self.day, self.from, self.into
        )
    }
}

impl std::error::Error for MissingRate {}

impl RateBook {
    pub fn new(rates: impl IntoIterator<Item = Rate>) -> Self {
        let mut book = Self::default();
        for rate in rates {
            book.bases.insert(rate.base);
            book.quotes
                .entry((rate.base, rate.currency))
                .or_default()
                .insert(rate.date, rate.scaled);
        }
        book
    }

    pub fn is_empty(&self) -> bool {
        self.quotes.is_empty()
    }

    /// `currency` against `base` in force on `day` (the latest on or before it) with its day;
    /// the base against itself is one, on any day.
    fn quote(
        &self,
        base: Currency,
        currency: Currency,
        day: NaiveDate,
    ) -> Option<(i64, Option<NaiveDate>)> {
        if base == currency {
            return Some((one(), None));
        }
        let (date, scaled) = self
            .quotes
            .get(&(base, currency))?
            .range(..=day)
            .next_back()?;
        Some((*scaled, Some(*date)))
    }

    /// The factor from `from` into `to` on `day`, over the first base (in code order) that
    /// quotes both.
    pub fn factor(
        &self,
        from: Currency,
        to: Currency,
        day: NaiveDate,
    ) -> Result<Factor, MissingRate> {
        if from == to {
            return Ok(Factor::IDENTITY);
        }
        for &base in &self.bases {
            if let (Some((f, f_day)), Some((t, t_day))) =
                (self.quote(base, from, day), self.quote(base, to, day))
            {
                let rate_date = match (f_day, t_day) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                return Ok(Factor {
                    from: f,
                    to: t,
                    rate_date,
                });
            }
        }
        let quoted = |c: Currency| self.bases.iter().any(|&b| self.quote(b, c, day).is_some());
        let currency = if quoted(from) { to } else { from };
        Err(MissingRate {
            currency,
            from,
            into: to,
            day,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rate(date: &str, currency: &str, scaled: i64) -> Rate {
        Rate {
            date: d(date),
            base: c("EUR"),
            currency: c(currency),
            scaled,
        }
    }

    fn book() -> RateBook {
        RateBook::new([
            rate("2026-01-02", "USD", 11_000_000_000),
            rate("2026-01-09", "USD", 12_000_000_000),
            rate("2026-01-02", "GBP", 8_000_000_000),
        ])
    }

    #[test]
    fn the_rate_in_force_is_the_latest_on_or_before_the_day() {
        let book = book();
        // 100.00 EUR on Jan 5 at 1.10 = 110.00 USD; on Jan 9 at 1.20 = 120.00 USD.
        let jan5 = book.factor(c("EUR"), c("USD"), d("2026-01-05")).unwrap();
        assert_eq!(jan5.apply(10_000), 11_000);
        assert_eq!(jan5.rate_date, Some(d("2026-01-02")));
        assert_eq!(
            book.factor(c("EUR"), c("USD"), d("2026-01-09"))
                .unwrap()
                .apply(10_000),
            12_000
        );
        // A cross over the base: 80.00 GBP on Jan 9 = 100 EUR = 120.00 USD; it rests on the
        // GBP rate of Jan 2, the older of the two.
        let cross = book.factor(c("GBP"), c("USD"), d("2026-01-09")).unwrap();
        assert_eq!(cross.apply(8_000), 12_000);
        assert_eq!(cross.rate_date, Some(d("2026-01-02")));
        // To whole cents of millionths: 2,000.00 USD / 1.10 = 1,818.1818… EUR -> 1,818.18.
        let to_eur = book.factor(c("USD"), c("EUR"), d("2026-01-05")).unwrap();
        assert_eq!(to_eur.apply_in_steps(2_000_000_000, 10_000), 1_818_180_000);
        assert_eq!(to_eur.apply(2_000_000_000), 1_818_181_818);
        assert_eq!(
            Factor::IDENTITY,
            book.factor(c("USD"), c("USD"), d("1999-01-01")).unwrap()
        );
    }

    #[test]
    fn a_rate_older_than_a_week_is_stale() {
        let factor = book().factor(c("GBP"), c("EUR"), d("2026-01-20")).unwrap();
        assert!(!factor.stale_on(d("2026-01-09")));
        assert!(factor.stale_on(d("2026-01-10")));
        assert!(!Factor::IDENTITY.stale_on(d("2030-01-01")));
    }

    #[test]
    fn a_missing_rate_names_the_currency_and_the_day() {
        let book = book();
        let early = book
            .factor(c("EUR"), c("USD"), d("2026-01-01"))
            .unwrap_err();
        assert_eq!((early.currency, early.day), (c("USD"), d("2026-01-01")));
        let unknown = book
            .factor(c("SEK"), c("USD"), d("2026-02-01"))
            .unwrap_err();
        assert_eq!(unknown.currency, c("SEK"));
        assert!(
            unknown.to_string().contains("SEK on or before 2026-02-01"),
            "{unknown}"
        );
    }
}
