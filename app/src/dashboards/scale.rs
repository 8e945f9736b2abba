//! Placing numbers on a chart: axis ranges with round tick steps, short tick labels, and SVG
//! path text. Pure, so it is tested here and runs the same on the server and in the browser.

use super::model::Unit;
use chrono::NaiveDate;

/// 1970-01-01, the origin of date axes.
pub fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")
}

pub fn date_x(date: NaiveDate) -> f64 {
    (date - epoch()).num_days() as f64
}

pub fn x_date(x: f64) -> NaiveDate {
    epoch() + chrono::Duration::days(x.round() as i64)
}

/// Round ticks covering `[min, max]` (about `count` of them), steps of 1, 2 or 5 × 10^k.
pub fn ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    let (min, max) = if max > min {
        (min, max)
    } else {
        (min, min + 1.0)
    };
    let raw = (max - min) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (min / step).floor() as i64;
    let last = (max / step).ceil() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A tick label: money in thousands / millions / billions, shares in percent.
pub fn tick_label(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Money | Unit::Count => {
            let abs = value.abs();
            let (scaled, suffix) = if abs >= 1e9 {
                (value / 1e9, "B")
            } else if abs >= 1e6 {
                (value / 1e6, "M")
            } else if abs >= 1e3 {
                (value / 1e3, "K")
            } else {
                (value, "")
            };
            format!("{}{suffix}", trim_float(scaled, 1))
        }
        Unit::Ratio => trim_float(value, 2),
        Unit::Share => format!("{}%", trim_float(value * 100.0, 0)),
        Unit::Hhi => trim_float(value, 0),
    }
}

fn trim_float(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" {
        "0".to_owned()
    } else {
        text
    }
}

/// A plain decimal with its whole part grouped in thousands ("-1234567.89" -> "-1,234,567.89");
/// anything else unchanged. Display only: tables and CSV downloads keep the plain figure.
pub fn group_number(text: &str) -> String {
    let rest = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let plain = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    if !plain {
        return text.to_owned();
    }
    domain::money::group_thousands(text)
}

/// Maps a data interval onto a pixel interval (flipped for y by passing `to` high-to-low).
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub from: (f64, f64),
    pub to: (f64, f64),
}

impl Scale {
    pub fn at(&self, value: f64) -> f64 {
        let span = self.from.1 - self.from.0;
        if span == 0.0 {
            return (self.to.0 + self.to.1) / 2.0;
        }
        self.to.0 + (value - self.from.0) / span * (self.to.1 - self.to.0)
    }
}

/// An SVG path through the points in order.
pub fn line_path(points: &[(f64, f64)]) -> String {
    let mut d = String::with_capacity(points.len() * 16);
    for (i, (x, y)) in points.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        d.push_str(&format!("{x:.1},{y:.1}"));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 38.0, 4), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        let t = ticks(0.0, 1.0, 5);
        assert_eq!(t.len(), 6);
        assert!(
            (t[1] - 0.2).abs() < 1e-12 && (t[5] - 1.0).abs() < 1e-12,
            "{t:?}"
        );
        assert_eq!(ticks(0.0, 0.0, 5).first(), Some(&0.0));
        let t = ticks(-3.0, 7.0, 5);
        assert!(t[0] <= -3.0 && *t.last().unwrap() >= 7.0, "{t:?}");
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(Unit::Money, 38_000_000_000.0), "38B");
        assert_eq!(tick_label(Unit::Money, 2_500_000.0), "2.5M");
        assert_eq!(tick_label(Unit::Money, 999.0), "999");
        assert_eq!(tick_label(Unit::Share, 0.4), "40%");
        assert_eq!(tick_label(Unit::Ratio, 0.381), "0.38");
        assert_eq!(tick_label(Unit::Hhi, 4230.13), "4230");
    }

    #[test]
    fn numbers_are_grouped_for_reading_only() {
        assert_eq!(group_number("-1234567.89"), "-1,234,567.89");
        assert_eq!(group_number("999.5"), "999.5");
        assert_eq!(group_number("0.2625"), "0.2625");
        assert_eq!(group_number("2026-01-05"), "2026-01-05");
        assert_eq!(group_number("1e21"), "1e21");
    }

    #[test]
    fn scales_map_ends_to_ends_and_flip() {
        let y = Scale {
            from: (0.0, 100.0),
            to: (300.0, 20.0),
        };
        assert_eq!(y.at(0.0), 300.0);
        assert_eq!(y.at(100.0), 20.0);
        assert_eq!(y.at(50.0), 160.0);
    }

    #[test]
    fn dates_round_trip_through_x() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(x_date(date_x(d)), d);
        assert_eq!(line_path(&[(0.0, 1.0), (2.5, 3.26)]), "M0.0,1.0L2.5,3.3");
    }
}
