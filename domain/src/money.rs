use crate::{decimal, Currency};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An exact amount of money: integer minor units (cents) and its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

pub const MINOR_PLACES: u32 = 2;

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Parses a plain decimal with at most two places, e.g. `1234.50`.
    pub fn parse(raw: &str, currency: Currency) -> Result<Self, String> {
        decimal::parse_scaled(raw, MINOR_PLACES, true).map(|minor| Self { minor, currency })
    }

    /// Like [`Money::parse`] but refuses negative amounts (commitments, revenue).
    pub fn parse_non_negative(raw: &str, currency: Currency) -> Result<Self, String> {
        decimal::parse_scaled(raw, MINOR_PLACES, false).map(|minor| Self { minor, currency })
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount as the CSV formats want it: exactly two places, no separators.
    pub fn amount_string(&self) -> String {
        decimal::format_scaled(self.minor, MINOR_PLACES)
    }

    /// The amount for people: thousands separators, two places, currency code.
    pub fn display_grouped(&self) -> String {
        format!(
            "{} {}",
            group_thousands(&self.amount_string()),
            self.currency
        )
    }

    /// The amount as a headline card shows it ("$1.2M"); see [`compact`].
    pub fn display_compact(&self) -> String {
        compact(i128::from(self.minor), &self.currency.to_string())
    }
}

/// Sums of minor units per currency (or any key), in the order each key first appears. The
/// one way totals across entries are added: in i128, so no ledger of i64 amounts overflows.
pub fn sum_per_currency<K: PartialEq>(items: impl IntoIterator<Item = (K, i64)>) -> Vec<(K, i128)> {
    let mut sums: Vec<(K, i128)> = Vec::new();
    for (key, minor) in items {
        match sums.iter_mut().find(|(k, _)| *k == key) {
            Some((_, sum)) => *sum += i128::from(minor),
            None => sums.push((key, i128::from(minor))),
        }
    }
    sums
}

/// Thousands separators in a plain decimal ("-1234.56" -> "-1,234.56").
pub fn group_thousands(plain: &str) -> String {
    let (sign, unsigned) = plain.strip_prefix('-').map_or(("", plain), |r| ("-", r));
    let (whole, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let mut grouped = String::with_capacity(plain.len() + whole.len() / 3);
    grouped.push_str(sign);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if !frac.is_empty() {
        grouped.push('.');
        grouped.push_str(frac);
    }
    grouped
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_string(), self.currency)
    }
}

/// Money as a headline card shows it: "$614.9B", "€1.2M", "CHF 950K", "$949.99" — one
/// decimal of the largest unit it reaches (rounded half up, exactly), the symbol for the
/// currencies that have one in common use. The exact figure goes beside it (title, CSV).
pub fn compact(minor: i128, currency: &str) -> String {
    const UNITS: [(u32, &str); 4] = [(12, "T"), (9, "B"), (6, "M"), (3, "K")];
    let sign = if minor < 0 { "-" } else { "" };
    let prefix = match currency {
        "USD" => "$".to_owned(),
        "EUR" => "€".to_owned(),
        "GBP" => "£".to_owned(),
        other => format!("{other}\u{a0}"),
    };
    let abs = minor.unsigned_abs();
    let tenths_of = |exponent: u32| {
        let unit = 10u128.pow(exponent + MINOR_PLACES);
        (abs, unit, (abs * 10 + unit / 2) / unit)
    };
    // The largest unit the amount reaches; 999.95K rounds up into "1M", not "1000K".
    if let Some(i) = UNITS
        .iter()
        .position(|(e, _)| tenths_of(*e).0 >= tenths_of(*e).1)
    {
        let (mut exponent, mut suffix) = UNITS[i];
        let mut tenths = tenths_of(exponent).2;
        if tenths >= 10_000 && i > 0 {
            (exponent, suffix) = UNITS[i - 1];
            tenths = tenths_of(exponent).2;
        }
        let whole = group_thousands(&(tenths / 10).to_string());
        let tenth = match tenths % 10 {
            0 => String::new(),
            d => format!(".{d}"),
        };
        return format!("{sign}{prefix}{whole}{tenth}{suffix}");
    }
    let cents = decimal::format_scaled_wide(abs as i128, MINOR_PLACES);
    format!("{sign}{prefix}{}", group_thousands(&cents))
}

#[cfg(test)]
mod tests {

    #[test]
    fn compact_money_reads_at_a_glance() {
        assert_eq!(compact(61_490_000_000_000, "USD"), "$614.9B");
        assert_eq!(compact(120_000_000, "EUR"), "€1.2M");
        assert_eq!(compact(95_000_000, "CHF"), "CHF\u{a0}950K");
        assert_eq!(compact(94_999, "GBP"), "£949.99");
        assert_eq!(compact(99_999, "GBP"), "£999.99");
        assert_eq!(compact(100_000, "GBP"), "£1K");
        assert_eq!(compact(-125_049_999, "USD"), "-$1.3M");
        // 999,950 rounds up into the next unit rather than showing "1000K".
        assert_eq!(compact(99_995_000, "USD"), "$1M");
        assert_eq!(compact(0, "USD"), "$0.00");
        assert_eq!(compact(1_234_567_000_000_000_000, "USD"), "$12,345.7T");
    }

    #[test]
    fn money_compacts_in_its_own_currency() {
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(
            Money::from_minor(98_765_433, eur).display_compact(),
            "€987.7K"
        );
    }
    use super::*;

    #[test]
    fn sums_per_currency_keep_first_appearance_and_do_not_overflow() {
        let sums = sum_per_currency([
            ("USD", i64::MAX),
            ("EUR", 5),
            ("USD", i64::MAX),
            ("EUR", -2),
        ]);
        assert_eq!(sums, [("USD", 2 * i128::from(i64::MAX)), ("EUR", 3)]);
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[test]
    fn keeps_cents_exactly() {
        let m = Money::parse("38000000000.01", usd()).unwrap();
        assert_eq!(m.minor(), 3_800_000_000_001);
        assert_eq!(m.amount_string(), "38000000000.01");
    }

    #[test]
    fn commitments_cannot_be_negative() {
        assert!(Money::parse_non_negative("-1.00", usd()).is_err());
        assert_eq!(Money::parse("-1.00", usd()).unwrap().minor(), -100);
    }

    #[test]
    fn groups_thousands_for_display() {
        let m = Money::from_minor(3_800_000_000_050, usd());
        assert_eq!(m.display_grouped(), "38,000,000,000.50 USD");
        assert_eq!(
            Money::from_minor(-123_456, usd()).display_grouped(),
            "-1,234.56 USD"
        );
        assert_eq!(Money::from_minor(99, usd()).display_grouped(), "0.99 USD");
    }
}
