//! How a commitment is divided over its fulfilment intervals (see `CommitmentModel`):
//! shared by the true-up analytics and the FOCUS contract-commitment export and import.

use chrono::{Months, NaiveDate};

/// The intervals of a term: the whole term, or contract years (year 1 starts on `start`; the
/// last one ends with the term). Both ends inclusive.
pub fn intervals(start: NaiveDate, end: NaiveDate, annual: bool) -> Vec<(NaiveDate, NaiveDate)> {
    if !annual {
        return vec![(start, end)];
    }
    let mut out = Vec::new();
    let mut from = start;
    for year in 1u32.. {
        let next = start
            .checked_add_months(Months::new(12 * year))
            .unwrap_or(end);
        let to = next.pred_opt().unwrap_or(next).min(end);
        out.push((from, to));
        if to >= end {
            break;
        }
        from = next;
    }
    out
}

/// Each interval's minimum: the commitment split evenly in whole cents, the last interval
/// taking the remainder, so the minimums add up to the commitment exactly.
pub fn minimums(committed_minor: i64, intervals: usize) -> Vec<i64> {
    let n = intervals.max(1) as i64;
    let base = committed_minor / n;
    (0..n)
        .map(|i| {
            if i == n - 1 {
                committed_minor - base * (n - 1)
            } else {
                base
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn contract_years_start_on_the_start_date_and_the_last_ends_with_the_term() {
        assert_eq!(
            intervals(d("2026-03-15"), d("2028-01-31"), true),
            [
                (d("2026-03-15"), d("2027-03-14")),
                (d("2027-03-15"), d("2028-01-31"))
            ]
        );
        assert_eq!(
            intervals(d("2026-01-01"), d("2026-12-31"), false),
            [(d("2026-01-01"), d("2026-12-31"))]
        );
    }

    #[test]
    fn minimums_add_up_to_the_commitment() {
        // $38B over seven years: 5,428,571,428.57 a year, the last year 5,428,571,428.58.
        let years = minimums(3_800_000_000_000, 7);
        assert_eq!(years[0], 542_857_142_857);
        assert_eq!(years[6], 542_857_142_858);
        assert_eq!(years.iter().sum::<i64>(), 3_800_000_000_000);
        assert_eq!(minimums(100, 1), [100]);
    }
}
