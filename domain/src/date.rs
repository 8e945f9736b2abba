use chrono::{Datelike, NaiveDate};

/// Parses a strict ISO date `YYYY-MM-DD` (no other shapes: spreadsheets love to rewrite dates).
pub fn parse_iso_date(raw: &str) -> Result<NaiveDate, String> {
    let s = raw.trim();
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(format!("must be a date as YYYY-MM-DD (got {s:?})"));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
        .ok_or_else(|| format!("is not a real calendar date (got {s})"))
}

/// The start and end (inclusive) of a contract. Read back (a stored scenario, a form) only
/// through `Term::new`, so an end before the start cannot be deserialised either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawTerm")]
pub struct Term {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(serde::Deserialize)]
struct RawTerm {
    start: NaiveDate,
    end: NaiveDate,
}

impl TryFrom<RawTerm> for Term {
    type Error = String;
    fn try_from(raw: RawTerm) -> Result<Self, String> {
        Term::new(raw.start, raw.end)
    }
}

impl Term {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, String> {
        if end < start {
            return Err(format!("end date {end} is before start date {start}"));
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// Revenue is booked per month and identified by the month's first day.
pub fn parse_period_start(raw: &str) -> Result<NaiveDate, String> {
    let date = parse_iso_date(raw)?;
    if date.day() != 1 {
        return Err(format!("must be the first day of a month (got {date})"));
    }
    Ok(date)
}

/// The first day of the date's month.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The last day of the month that `month` (any day of it) is in.
pub fn month_end(month: NaiveDate) -> NaiveDate {
    month_start(month)
        .checked_add_months(chrono::Months::new(1))
        .and_then(|m| m.pred_opt())
        .unwrap_or(month)
}

/// Whole calendar months from `from`'s month to `to`'s (negative when `to` is earlier).
pub fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_is_deserialised_through_its_constructor() {
        let ok: Term =
            serde_json::from_str(r#"{"start":"2026-01-01","end":"2026-12-31"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"{"start":"2026-01-01","end":"2026-12-31"}"#
        );
        let bad = serde_json::from_str::<Term>(r#"{"start":"2026-12-31","end":"2026-01-01"}"#);
        assert!(bad.unwrap_err().to_string().contains("before start date"));
    }

    #[test]
    fn parses_iso_dates_only() {
        assert_eq!(
            parse_iso_date("2026-01-05").unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
        );
        for bad in [
            "2026-1-5",
            "05/01/2026",
            "2026-13-01",
            "2026-02-30",
            "20260105",
            "",
        ] {
            assert!(parse_iso_date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn term_end_must_not_precede_start() {
        let d = |s| parse_iso_date(s).unwrap();
        assert!(Term::new(d("2026-01-02"), d("2026-01-01"))
            .unwrap_err()
            .contains("before"));
        let one_day = Term::new(d("2026-01-01"), d("2026-01-01")).unwrap();
        assert!(one_day.contains(d("2026-01-01")));
        assert!(!one_day.contains(d("2026-01-02")));
    }

    #[test]
    fn revenue_periods_start_on_the_first() {
        assert!(parse_period_start("2026-02-01").is_ok());
        assert!(parse_period_start("2026-02-02")
            .unwrap_err()
            .contains("first day"));
    }
}
