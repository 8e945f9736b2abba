//! What a report is asked for, from raw text (a query string or the command line).

use crate::ReportError;
use analytics::Filters;
use domain::date::parse_iso_date;
use std::sync::Arc;

/// Filters from raw text: an ISO as-of date, and vendor, contract and commitment lists (each
/// value may itself be comma-separated).
pub fn parse_filters(
    as_of: Option<&str>,
    vendors: &[String],
    contracts: &[String],
    commitments: &[String],
) -> Result<Filters, ReportError> {
    let split = |values: &[String]| -> Vec<String> {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let as_of = match as_of.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => {
            Some(parse_iso_date(raw).map_err(|e| ReportError::BadRequest(format!("as_of {e}")))?)
        }
        None => None,
    };
    Ok(Filters {
        as_of,
        vendors: split(vendors),
        contracts: split(contracts),
        commitments: split(commitments),
    })
}

/// What a report is asked for: the filters, and for the projection its trailing window.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    pub filters: Filters,
    pub window_days: Option<i64>,
    /// A what-if scenario laid over the ledger (None: the baseline).
    pub scenario: Option<Arc<domain::scenario::Scenario>>,
    /// Every amount in one currency (None: each in its own).
    pub currency: Option<CurrencyView>,
}

/// A consolidated view: the currency, which rate converts commitments, and for
/// constant-currency figures the one day whose rates convert everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurrencyView {
    pub currency: domain::Currency,
    pub commitments: CommitmentRates,
    pub constant_at: Option<chrono::NaiveDate>,
}

impl CurrencyView {
    pub fn new(currency: domain::Currency) -> Self {
        Self {
            currency,
            commitments: CommitmentRates::default(),
            constant_at: None,
        }
    }

    /// From raw text: a currency code (blank: none), `commitments_at` (`start`, the default,
    /// or `as_of`) and `constant_at` (an ISO day, blank: each amount at its own day's rate).
    pub fn parse(
        currency: &str,
        commitments_at: &str,
        constant_at: &str,
    ) -> Result<Option<Self>, ReportError> {
        let currency = match currency.trim() {
            "" => return Ok(None),
            code => domain::Currency::parse(code)
                .map_err(|e| ReportError::BadRequest(format!("currency {e}")))?,
        };
        let commitments = match commitments_at.trim() {
            "" | "start" => CommitmentRates::AtStart,
            "as_of" => CommitmentRates::AtAsOf,
            other => {
                return Err(ReportError::BadRequest(format!(
                    "commitments_at must be start or as_of (got {other:?})"
                )))
            }
        };
        let constant_at = match constant_at.trim() {
            "" => None,
            raw => Some(
                parse_iso_date(raw)
                    .map_err(|e| ReportError::BadRequest(format!("constant_at {e}")))?,
            ),
        };
        Ok(Some(Self {
            currency,
            commitments,
            constant_at,
        }))
    }

    /// The same view at constant rates: every amount at the rates of `day`.
    pub fn at_constant_rates(self, day: chrono::NaiveDate) -> Self {
        Self {
            constant_at: Some(day),
            ..self
        }
    }
}

pub use analytics::consolidate::CommitmentRates;

impl ReportRequest {
    pub fn new(filters: Filters) -> Self {
        Self {
            filters,
            window_days: None,
            scenario: None,
            currency: None,
        }
    }

    /// The same request with every amount in one currency (None: each in its own).
    pub fn in_currency(mut self, view: Option<CurrencyView>) -> Self {
        self.currency = view;
        self
    }

    /// The same request under the saved scenario named `name` (blank: unchanged).
    pub async fn with_scenario(
        mut self,
        db: &sea_orm::DatabaseConnection,
        name: &str,
    ) -> Result<Self, ReportError> {
        let name = name.trim();
        if !name.is_empty() {
            let found = store::ledger::scenarios::get(db, name)
                .await?
                .ok_or_else(|| ReportError::BadRequest(format!("no scenario named {name:?}")))?;
            self.scenario = Some(Arc::new(found));
        }
        Ok(self)
    }

    pub fn with_window(mut self, raw: Option<&str>) -> Result<Self, ReportError> {
        if let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) {
            let days: i64 = raw
                .parse()
                .ok()
                .filter(|d| (1..=3660).contains(d))
                .ok_or_else(|| {
                    ReportError::BadRequest(format!(
                        "window_days must be a whole number of days from 1 to 3660 (got {raw:?})"
                    ))
                })?;
            self.window_days = Some(days);
        }
        Ok(self)
    }

    /// Reports about "now" (projection, outstanding commitments) use today unless told
    /// otherwise.
    pub fn as_of_or_today(&self) -> chrono::NaiveDate {
        self.filters
            .as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}
