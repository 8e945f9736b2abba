//! Spend at the precision providers bill it: millionths of a currency unit.
//!
//! FOCUS costs carry up to ten or more decimals (an hour of a shared host costs 0.0159072);
//! rounding each row to cents drifts by whole dollars over a month of such rows, and rows under
//! half a cent vanish. Six places keep every such amount to within half a millionth and leave an
//! i64 room for ±9.2 trillion a day per contract — the largest deals on record are $300B. Usage is
//! stored, summed and projected at this scale; a figure is rounded to cents once, where it is
//! shown or exported.

use crate::decimal;

/// Decimal places of an exact amount.
pub const EXACT_PLACES: u32 = 6;
/// Exact units per cent.
pub const PER_MINOR: i64 = 10_000;
/// The largest commitment or revenue (in cents) whose exact form fits an i64: 9 trillion.
pub const MAX_MINOR: i64 = 900_000_000_000_000;

/// A commitment or revenue amount the analytics can hold exactly (at most 9 trillion).
pub fn within_limit(money: crate::Money) -> Result<crate::Money, String> {
    if money.minor() > MAX_MINOR {
        Err(format!(
            "must be at most {} (got {})",
            decimal::format_scaled(MAX_MINOR, 2),
            money.amount_string()
        ))
    } else {
        Ok(money)
    }
}

/// Parses a plain decimal with at most six places ("0.015907", "-12.5").
pub fn parse(raw: &str) -> Result<i64, String> {
    decimal::parse_scaled(raw, EXACT_PLACES, true)
}

/// Cents as an exact amount; `None` past ±9.2 trillion.
pub fn from_minor(minor: i64) -> Option<i64> {
    minor.checked_mul(PER_MINOR)
}

/// Rounded once to cents, half to even (the same rule as the import's rounding, so that
/// rounding many figures adds no drift in either direction).
pub fn to_minor(exact: i64) -> i64 {
    let whole = exact.div_euclid(PER_MINOR);
    let rest = exact.rem_euclid(PER_MINOR);
    let half = PER_MINOR / 2;
    if rest > half || rest == half && whole % 2 != 0 {
        whole + 1
    } else {
        whole
    }
}

/// Exactly two places, rounded once: what reports and exports show.
pub fn format_minor(exact: i64) -> String {
    decimal::format_scaled(to_minor(exact), 2)
}

/// As many places as the amount needs, at least two ("12.50", "0.015907"): the raw ledger's
/// export, which must import back to the same value.
pub fn format_full(exact: i64) -> String {
    let full = decimal::format_scaled(exact, EXACT_PLACES);
    let trimmed = full.trim_end_matches('0');
    let places = trimmed.split_once('.').map_or(0, |(_, f)| f.len());
    if places >= 2 {
        trimmed.to_owned()
    } else {
        full[..full.len() - (EXACT_PLACES as usize - 2)].to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_once_half_to_even() {
        assert_eq!(to_minor(15_907), 2, "0.015907 is 2 cents");
        assert_eq!(to_minor(5_000), 0, "half a cent to the even 0");
        assert_eq!(to_minor(15_000), 2, "1.5 cents to the even 2");
        assert_eq!(to_minor(15_001), 2);
        assert_eq!(to_minor(-15_907), -2);
        assert_eq!(to_minor(-5_000), 0);
        assert_eq!(to_minor(-15_000), -2);
        assert_eq!(to_minor(-4_999), 0);
        assert_eq!(to_minor(1_234_560_000), 123_456);
    }

    #[test]
    fn formats_for_reports_and_for_export() {
        assert_eq!(format_minor(1_419_290_000), "1419.29");
        assert_eq!(format_minor(-4_999), "0.00");
        assert_eq!(format_full(15_907), "0.015907");
        assert_eq!(format_full(12_500_000), "12.50");
        assert_eq!(format_full(-12_000_000), "-12.00");
        assert_eq!(format_full(123_450_000), "123.45");
        assert_eq!(format_full(0), "0.00");
        for raw in ["0.015907", "12.50", "-0.000001", "92233.720368"] {
            assert_eq!(format_full(parse(raw).unwrap()), raw);
        }
    }

    #[test]
    fn sixty_seven_sub_cent_rows_sum_exactly() {
        // 67 shared-host hours at 0.0159072: each row rounded to cents would add up to 1.34.
        let row = crate::decimal::parse_rounded("0.0159072", EXACT_PLACES).unwrap();
        assert_eq!(row, 15_907);
        let exact: i64 = (0..67).map(|_| row).sum();
        assert_eq!(format_minor(exact), "1.07");
        let per_row: i64 = (0..67).map(|_| to_minor(row)).sum();
        assert_eq!(decimal::format_scaled(per_row, 2), "1.34");
        assert_eq!(
            parse("0.0000001").unwrap_err(),
            "has more than 6 decimal places (got 0.0000001)"
        );
    }
}
