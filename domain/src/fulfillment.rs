//! How a commitment is divided over its fulfilment intervals (see `CommitmentModel`):
//! shared by the true-up analytics and the FOCUS contract-commitment export and import.

use crate::FulfillmentInterval;
use chrono::{Months, NaiveDate};

/// The intervals of a period: the whole period, or its years, quarters or months counted from
/// `start` (the first starts on `start`; the last ends with the period). Both ends inclusive.
pub fn intervals(
    start: NaiveDate,
    end: NaiveDate,
    interval: FulfillmentInterval,
) -> Vec<(NaiveDate, NaiveDate)> {
    let Some(months) = interval.months() else {
        return vec![(start, end)];
    };
    let mut out = Vec::new();
    let mut from = start;
    for n in 1u32.. {
        let next = start
            .checked_add_months(Months::new(months * n))
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
            intervals(
                d("2026-03-15"),
                d("2028-01-31"),
                FulfillmentInterval::Annual
            ),
            [
                (d("2026-03-15"), d("2027-03-14")),
                (d("2027-03-15"), d("2028-01-31"))
            ]
        );
        assert_eq!(
            intervals(d("2026-01-01"), d("2026-12-31"), FulfillmentInterval::Term),
            [(d("2026-01-01"), d("2026-12-31"))]
        );
    }

    #[test]
    fn quarters_and_months_count_from_the_start_and_stop_with_the_period() {
        assert_eq!(
            intervals(
                d("2026-01-15"),
                d("2026-08-31"),
                FulfillmentInterval::Quarterly
            ),
            [
                (d("2026-01-15"), d("2026-04-14")),
                (d("2026-04-15"), d("2026-07-14")),
                (d("2026-07-15"), d("2026-08-31"))
            ]
        );
        let months = intervals(
            d("2026-01-31"),
            d("2026-04-30"),
            FulfillmentInterval::Monthly,
        );
        // Month ends clamp (Jan 31 + 1 month is Feb 28) and the next month starts the day after.
        assert_eq!(months[0], (d("2026-01-31"), d("2026-02-27")));
        assert_eq!(months.last(), Some(&(d("2026-04-30"), d("2026-04-30"))));
        assert_eq!(months.len(), 4);
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
