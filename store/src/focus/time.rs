//! FOCUS date-times and the ledger's days: FOCUS periods start at and end exclusively at
//! midnight UTC; the ledger's end dates are inclusive days.

use chrono::{NaiveDate, TimeDelta};

/// A FOCUS date-time in UTC. FOCUS writes `2026-03-01T00:00:00Z`; offsets, a missing `Z`
/// or seconds, and a bare date (midnight) are accepted too.
pub(crate) fn utc_datetime(raw: &str) -> Result<chrono::NaiveDateTime, String> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&chrono::Utc).naive_utc());
    }
    let bare = raw.strip_suffix('Z').unwrap_or(raw);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(bare, format) {
            return Ok(at);
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
        .map_err(|_| {
            format!(
                "is not a FOCUS date-time such as 2026-03-01T00:00:00Z (got {:?})",
                raw.escape_debug().to_string()
            )
        })
}

/// The UTC day a charge period starts on.
pub(crate) fn charge_date(raw: &str) -> Result<NaiveDate, String> {
    utc_datetime(raw).map(|at| at.date())
}

/// The FOCUS start of a day.
pub(crate) fn focus_start(day: NaiveDate) -> String {
    format!("{day}T00:00:00Z")
}

/// The exclusive FOCUS end of an inclusive last day.
pub(crate) fn focus_end(last_day: NaiveDate) -> String {
    focus_start(last_day + TimeDelta::days(1))
}

/// A FOCUS date-time as a ledger day; an exclusive end at midnight is the day before.
pub(crate) fn focus_day(raw: &str, exclusive_end: bool) -> Result<NaiveDate, String> {
    let at = utc_datetime(raw)?;
    if !exclusive_end {
        return Ok(at.date());
    }
    if at.time() == chrono::NaiveTime::MIN {
        Ok(at.date() - TimeDelta::days(1))
    } else {
        Ok(at.date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_dates_are_utc_days() {
        let day = |s: &str| charge_date(s).map(|d| d.to_string());
        assert_eq!(day("2026-03-01T00:00:00Z").as_deref(), Ok("2026-03-01"));
        assert_eq!(
            day("2026-03-01T23:30:00-02:00").as_deref(),
            Ok("2026-03-02")
        );
        assert_eq!(day("2026-03-01").as_deref(), Ok("2026-03-01"));
        assert_eq!(day("2026-03-01 00:00").as_deref(), Ok("2026-03-01"));
        assert_eq!(day("2026-03-01T05:00Z").as_deref(), Ok("2026-03-01"));
        assert_eq!(day("2026-03-01 23:59:59.123").as_deref(), Ok("2026-03-01"));
        assert!(charge_date("03/01/2026")
            .unwrap_err()
            .contains("FOCUS date-time"));
    }

    #[test]
    fn focus_periods_end_exclusively() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(focus_end(d("2032-10-31")), "2032-11-01T00:00:00Z");
        assert_eq!(focus_day("2032-11-01T00:00:00Z", true), Ok(d("2032-10-31")));
        assert_eq!(
            focus_day("2025-11-01T00:00:00Z", false),
            Ok(d("2025-11-01"))
        );
        assert!(focus_day("Nov 1", false)
            .unwrap_err()
            .contains("FOCUS date-time"));
    }
}
