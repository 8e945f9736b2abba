//! Money as the dashboards print it: to the cent, summed per currency (a sum across
//! currencies would mean nothing), and the note that says so.

use analytics::figures::{self, CommitmentFigures as ContractFigures};
use domain::decimal::{format_scaled, format_scaled_wide};

pub(super) fn money(minor: i64) -> String {
    format_scaled(minor, domain::money::MINOR_PLACES)
}

/// Sums per currency, written "USD 1234.56" (one line per currency).
pub(super) fn per_currency(
    figures: &[ContractFigures],
    pick: impl Fn(&ContractFigures) -> i64,
) -> Vec<String> {
    figures::per_currency(figures, pick)
        .into_iter()
        .map(|(currency, sum)| format!("{currency} {}", format_scaled_wide(sum, 2)))
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
