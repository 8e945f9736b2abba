//! Money as the dashboards print it: to the cent, summed per currency (a sum across
//! currencies would mean nothing unless the view is consolidated into one), the note that says
//! so, and the headline card the lines go on.

use super::super::model::Kpi;
use analytics::figures::{self, CommitmentFigures as ContractFigures};
use domain::decimal::{format_scaled, format_scaled_wide};

pub(super) fn money(minor: i64) -> String {
    format_scaled(minor, domain::money::MINOR_PLACES)
}

/// A card's line: the exact text (the card's title, its CSV, the tests) and the text the card
/// shows, where money is compact ("$614.9B") so a 15-digit figure never overflows it.
pub(super) struct Line {
    pub exact: String,
    pub shown: String,
}

impl Line {
    pub fn plain(text: String) -> Self {
        Self {
            shown: text.clone(),
            exact: text,
        }
    }

    /// "USD 1234.56" exact, "$1.2K" shown, each after `prefix`.
    pub fn money(prefix: &str, currency: &str, minor: i128) -> Self {
        Self {
            exact: format!("{prefix}{currency} {}", format_scaled_wide(minor, 2)),
            shown: format!("{prefix}{}", domain::money::compact(minor, currency)),
        }
    }

    pub fn prefixed(self, prefix: &str) -> Self {
        Self {
            exact: format!("{prefix}{}", self.exact),
            shown: format!("{prefix}{}", self.shown),
        }
    }
}

/// Sums per currency, one line per currency.
pub(super) fn per_currency(
    figures: &[ContractFigures],
    pick: impl Fn(&ContractFigures) -> i64,
) -> Vec<Line> {
    figures::per_currency(figures, pick)
        .into_iter()
        .map(|(currency, sum)| Line::money("", &currency, sum))
        .collect()
}

pub(super) fn currency_notes(figures: &[ContractFigures]) -> Vec<String> {
    let currencies: std::collections::BTreeSet<&str> =
        figures.iter().map(|f| f.currency.as_str()).collect();
    if currencies.len() > 1 {
        vec![format!(
            "The contracts are in {} currencies; totals are per currency, and the portfolio burn-down shows {} only.",
            currencies.len(),
            currencies.iter().next().copied().unwrap_or_default()
        )]
    } else {
        vec![]
    }
}

/// A card: its first line is the value, further lines (other currencies) and `detail` below.
pub(super) fn kpi(id: &str, title: &str, lines: Vec<Line>, detail: Vec<Line>, href: String) -> Kpi {
    let mut lines = lines.into_iter();
    let value = lines.next().unwrap_or_else(|| Line::plain("—".to_owned()));
    let detail: Vec<Line> = lines.chain(detail).collect();
    Kpi {
        id: id.to_owned(),
        title: title.to_owned(),
        value: value.exact,
        shown: value.shown,
        shown_detail: detail.iter().map(|l| l.shown.clone()).collect(),
        detail: detail.into_iter().map(|l| l.exact).collect(),
        href,
    }
}
