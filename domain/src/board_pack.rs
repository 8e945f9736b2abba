//! The board pack: the month it covers, its sections (each with finance's commentary), and
//! what the page shows of its published versions.

use crate::FieldError;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

crate::kinds::word_enum!(
    /// A section of the pack; commentary is written per section.
    Section {
        Cover = "cover",
        Commitments = "commitments",
        Charts = "charts",
        Concentration = "concentration",
        Deliveries = "deliveries",
        Changes = "changes",
    }
    default Cover
);

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Self::Cover => "Headline figures",
            Self::Commitments => "Commitments",
            Self::Charts => "Burn-down and infrastructure ÷ revenue",
            Self::Concentration => "Vendor concentration",
            Self::Deliveries => "Deliveries and slippage",
            Self::Changes => "Changes since the previous month",
        }
    }
}

/// Longest commentary per section: a few paragraphs, not a report.
pub const COMMENTARY_MAX: usize = 4000;

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month(NaiveDate);

impl Month {
    /// `YYYY-MM` (a month picker's value) or any day of the month (`YYYY-MM-DD`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let well_formed = raw.len() == 7
            && raw.as_bytes()[4] == b'-'
            && raw
                .bytes()
                .enumerate()
                .all(|(i, b)| i == 4 || b.is_ascii_digit());
        let date = if well_formed {
            crate::date::parse_iso_date(&format!("{raw}-01"))
        } else if raw.len() == 10 {
            crate::date::parse_iso_date(raw)
        } else {
            Err(format!("must be a month as YYYY-MM (got {raw:?})"))
        }?;
        Ok(Self(crate::date::month_start(date)))
    }

    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    pub fn last_day(self) -> NaiveDate {
        crate::date::month_end(self.0)
    }

    pub fn previous(self) -> Self {
        Self(crate::date::month_start(self.0 - chrono::Duration::days(1)))
    }

    /// The month before the one `today` is in: the month a board pack is usually about.
    pub fn last_complete(today: NaiveDate) -> Self {
        Self(crate::date::month_start(today)).previous()
    }

    /// "November 2026".
    pub fn long_name(self) -> String {
        self.0.format("%B %Y").to_string()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month())
    }
}

/// Commentary as typed: paragraphs kept, surrounding blanks trimmed; empty removes it.
pub fn parse_commentary(section: &str, text: &str) -> Result<(Section, String), Vec<FieldError>> {
    let section = Section::parse(section).map_err(|e| vec![FieldError::new("section", e)]);
    let text =
        crate::text::paragraphs(text, COMMENTARY_MAX).map_err(|e| vec![FieldError::new("text", e)]);
    match (section, text) {
        (Ok(section), Ok(text)) => Ok((section, text)),
        (section, text) => Err(section
            .err()
            .into_iter()
            .chain(text.err())
            .flatten()
            .collect()),
    }
}

/// A published version of a month's pack, as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackVersionView {
    pub version: i32,
    pub published_at: String,
    pub published_by: String,
    /// What differs from the version before (empty for the first).
    pub changes: Vec<String>,
    pub emailed_at: Option<String>,
}

/// A month's pack as its page shows it: commentary per section and the published versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardPackView {
    pub month: String,
    pub month_name: String,
    pub commentary: Vec<(Section, String)>,
    pub versions: Vec<PackVersionView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_from_a_picker_or_a_date_and_print_back() {
        let month = Month::parse("2026-11").unwrap();
        assert_eq!(month.to_string(), "2026-11");
        assert_eq!(Month::parse("2026-11-17"), Ok(month));
        assert_eq!(month.last_day().to_string(), "2026-11-30");
        assert_eq!(month.previous().to_string(), "2026-10");
        assert_eq!(
            Month::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(month.long_name(), "November 2026");
        for bad in [
            "2026-13",
            "2026-1",
            "26-11",
            "",
            "2026-11-31",
            "2026/11",
            "２０２６-11",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad:?} parsed");
        }
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(Month::last_complete(today).to_string(), "2026-11");
    }

    #[test]
    fn commentary_keeps_paragraphs_and_names_each_bad_field() {
        let (section, text) =
            parse_commentary("cover", "  Burn is on plan.\r\n\r\nTrue-ups: none.  ").unwrap();
        assert_eq!(section, Section::Cover);
        assert_eq!(text, "Burn is on plan.\n\nTrue-ups: none.");
        let errors = parse_commentary("appendix", "a\u{0}b").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(fields, ["section", "text"]);
        assert!(parse_commentary("changes", &"x".repeat(COMMENTARY_MAX + 1)).is_err());
        assert_eq!(parse_commentary("changes", "   ").unwrap().1, "");
    }
}
