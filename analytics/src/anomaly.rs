//! A day's spend far outside what its trailing weeks lead one to expect.
//!
//! The expected value is the median of the same weekday over the trailing weeks, and the band
//! its median absolute deviation (MAD, scaled by 1.4826 to read like a standard deviation on
//! normal data) times a threshold. Why these: compute spend has a weekly rhythm (batch
//! training at weekends, inference following business days), so a Monday is compared with
//! Mondays; and a median and MAD are not dragged by the spikes they are meant to find — one
//! past spike in eight weeks moves a mean and standard deviation enough to hide the next,
//! while it leaves the median and MAD where they were.

use chrono::{Datelike, NaiveDate, TimeDelta};

/// Same weekdays looked back at.
pub const WEEKS: i64 = 8;
/// Fewer same-weekday values than this and nothing is said (a new commitment has no rhythm yet).
pub const MIN_HISTORY: usize = 4;
/// MAD × this ≈ a standard deviation, for normally distributed data.
const MAD_TO_SIGMA: f64 = 1.4826;
/// The band is never narrower than this share of the expected value, so a flat series (MAD 0)
/// does not call a 1% move an anomaly.
const MIN_SPREAD_SHARE: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anomaly {
    pub date: NaiveDate,
    pub amount_e6: i64,
    /// The median of the same weekday in the trailing weeks.
    pub expected_e6: i64,
    /// The band: expected ± threshold × spread.
    pub low_e6: i64,
    pub high_e6: i64,
    /// How many spreads away from the expected value (positive: a spike).
    pub score: f64,
}

/// Whether `day`'s spend is outside the band; `daily` holds (date, amount) pairs in any order,
/// a day without an entry counting as no spend once the series has started.
pub fn spend_anomaly(
    daily: &[(NaiveDate, i64)],
    day: NaiveDate,
    threshold: f64,
) -> Option<Anomaly> {
    let first = daily.iter().map(|(d, _)| *d).min()?;
    let on = |d: NaiveDate| -> i64 { daily.iter().filter(|(x, _)| *x == d).map(|(_, a)| a).sum() };
    let history: Vec<f64> = (1..=WEEKS)
        .map(|w| day - TimeDelta::weeks(w))
        .filter(|d| *d >= first)
        .map(|d| on(d) as f64)
        .collect();
    if history.len() < MIN_HISTORY {
        return None;
    }
    let expected = median(&history);
    let deviations: Vec<f64> = history.iter().map(|x| (x - expected).abs()).collect();
    let spread = (median(&deviations) * MAD_TO_SIGMA).max(expected.abs() * MIN_SPREAD_SHARE);
    let amount = on(day);
    let distance = amount as f64 - expected;
    let score = if spread > 0.0 {
        distance / spread
    } else if distance == 0.0 {
        0.0
    } else {
        // Nothing on this weekday for weeks, and now something.
        distance.signum() * f64::INFINITY
    };
    (score.abs() > threshold).then(|| Anomaly {
        date: day,
        amount_e6: amount,
        expected_e6: expected.round() as i64,
        low_e6: (expected - threshold * spread).round() as i64,
        high_e6: (expected + threshold * spread).round() as i64,
        score,
    })
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The weekday a day is compared with (for messages: "Mondays").
pub fn weekday_name(day: NaiveDate) -> &'static str {
    match day.weekday() {
        chrono::Weekday::Mon => "Mondays",
        chrono::Weekday::Tue => "Tuesdays",
        chrono::Weekday::Wed => "Wednesdays",
        chrono::Weekday::Thu => "Thursdays",
        chrono::Weekday::Fri => "Fridays",
        chrono::Weekday::Sat => "Saturdays",
        chrono::Weekday::Sun => "Sundays",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Ten weeks of a weekly rhythm: weekdays 100 ± a little, weekends 300 ± a little.
    fn series(until: NaiveDate) -> Vec<(NaiveDate, i64)> {
        let start = until - TimeDelta::weeks(10);
        start
            .iter_days()
            .take_while(|x| *x <= until)
            .enumerate()
            .map(|(i, x)| {
                let wobble = [0, 3, -2, 4, -3, 1, -1][i % 7];
                let base = if x.weekday().number_from_monday() >= 6 {
                    300
                } else {
                    100
                };
                (x, base + wobble)
            })
            .collect()
    }

    fn with(mut s: Vec<(NaiveDate, i64)>, day: NaiveDate, amount: i64) -> Vec<(NaiveDate, i64)> {
        s.retain(|(x, _)| *x != day);
        s.push((day, amount));
        s
    }

    #[test]
    fn an_injected_spike_is_found_and_the_rhythm_is_not() {
        let day = d("2026-11-18"); // a Wednesday
        let quiet = series(day);
        assert_eq!(spend_anomaly(&quiet, day, 3.5), None);
        let a = spend_anomaly(&with(quiet, day, 400), day, 3.5).expect("a spike");
        assert!(a.score > 3.5, "{a:?}");
        assert_eq!(a.amount_e6, 400);
        // Same-weekday Wednesdays were all 100 + the same wobble: median 100-ish, band ±5%.
        assert!((95..=105).contains(&a.expected_e6), "{a:?}");
        assert!(a.high_e6 < 400 && a.low_e6 > 0, "{a:?}");
    }

    #[test]
    fn a_weekend_is_compared_with_weekends_not_with_weekdays() {
        let saturday = d("2026-11-21");
        let s = series(saturday);
        // 300 on a Saturday is its normal; against all days (median 100) it would be a spike.
        assert_eq!(spend_anomaly(&s, saturday, 3.5), None);
        // 100 on a Saturday is a drop.
        let drop = spend_anomaly(&with(s, saturday, 100), saturday, 3.5).expect("a drop");
        assert!(drop.score < -3.5, "{drop:?}");
    }

    #[test]
    fn a_past_spike_does_not_widen_the_band() {
        let day = d("2026-11-18");
        let spiked_before = with(series(day), day - TimeDelta::weeks(3), 5_000);
        let a = spend_anomaly(&with(spiked_before, day, 400), day, 3.5);
        assert!(a.is_some(), "the median and MAD ignore one past spike");
    }

    #[test]
    fn a_missing_day_is_a_drop_to_zero() {
        let day = d("2026-11-18");
        let mut s = series(day);
        s.retain(|(x, _)| *x != day);
        let a = spend_anomaly(&s, day, 3.5).expect("no spend at all is a drop");
        assert_eq!(a.amount_e6, 0);
        assert!(a.score < 0.0);
    }

    #[test]
    fn too_little_history_says_nothing() {
        let day = d("2026-11-18");
        let young: Vec<_> = series(day)
            .into_iter()
            .filter(|(x, _)| *x > day - TimeDelta::weeks(3))
            .collect();
        assert_eq!(spend_anomaly(&with(young, day, 10_000), day, 3.5), None);
    }

    #[test]
    fn spend_on_a_weekday_that_never_had_any_is_an_anomaly() {
        let day = d("2026-11-22"); // a Sunday
        let weekdays_only: Vec<_> = series(day)
            .into_iter()
            .filter(|(x, _)| x.weekday().number_from_monday() <= 5)
            .chain([(day, 50)])
            .collect();
        let a = spend_anomaly(&weekdays_only, day, 3.5).expect("first Sunday spend");
        assert!(a.score.is_infinite() && a.score > 0.0);
        assert_eq!((a.expected_e6, a.low_e6, a.high_e6), (0, 0, 0));
    }
}
