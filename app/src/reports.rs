//! The reports by name, computed from the store's snapshot with the analytics core. One place
//! that the CLI, the HTTP API and the dashboards all call, so they give the same numbers.

use analytics::{Filters, LedgerFrames, ReportTable};
use domain::date::parse_iso_date;
use std::sync::Arc;

pub use crate::report_names::ReportName;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    BadRequest(String),
    #[error("the ledger could not be read")]
    Database(#[from] sea_orm::DbErr),
    #[error("the report could not be computed")]
    Compute(#[from] analytics::PolarsError),
    #[error("the report could not be computed")]
    Worker(String),
}

/// Filters from raw text (query string or command line): an ISO as-of date, and vendor and
/// contract lists (each value may itself be comma-separated).
pub fn parse_filters(
    as_of: Option<&str>,
    vendors: &[String],
    contracts: &[String],
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
    })
}

/// What a report is asked for: the filters, and for the projection its trailing window.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    pub filters: Filters,
    pub window_days: Option<i64>,
}

impl ReportRequest {
    pub fn new(filters: Filters) -> Self {
        Self {
            filters,
            window_days: None,
        }
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
}

/// Report frames kept until the ledger changes (see `store::reports::ledger_version`), so a
/// report request reads one number from the database and computes over frames in memory.
#[derive(Clone, Default)]
pub struct ReportCache(Arc<tokio::sync::Mutex<Option<(i64, Arc<LedgerFrames>)>>>);

impl ReportCache {
    pub async fn frames(
        &self,
        db: &sea_orm::DatabaseConnection,
    ) -> Result<Arc<LedgerFrames>, ReportError> {
        let version = store::reports::ledger_version(db).await?;
        let mut slot = self.0.lock().await;
        if let Some((cached, frames)) = slot.as_ref() {
            if *cached == version {
                return Ok(frames.clone());
            }
        }
        // Read after the version: a write in between makes the next request reload.
        let snapshot = store::reports::snapshot(db).await?;
        let frames = tokio::task::spawn_blocking(move || LedgerFrames::from_snapshot(&snapshot))
            .await
            .map_err(|e| ReportError::Worker(e.to_string()))??;
        let frames = Arc::new(frames);
        *slot = Some((version, frames.clone()));
        Ok(frames)
    }
}

pub async fn run(
    cache: &ReportCache,
    db: &sea_orm::DatabaseConnection,
    name: ReportName,
    request: &ReportRequest,
) -> Result<ReportTable, ReportError> {
    let frames = cache.frames(db).await?;
    let request = request.clone();
    // polars is CPU-bound and blocks: keep it off the async workers.
    tokio::task::spawn_blocking(move || compute(name, &request, &frames))
        .await
        .map_err(|e| ReportError::Worker(e.to_string()))?
}

/// Reports about "now" (projection, outstanding commitments) use today unless told otherwise.
fn as_of_or_today(filters: &Filters) -> chrono::NaiveDate {
    filters
        .as_of
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
}

fn compute(
    name: ReportName,
    request: &ReportRequest,
    frames: &LedgerFrames,
) -> Result<ReportTable, ReportError> {
    let filters = &request.filters;
    let frame = match name {
        ReportName::BurnDown => analytics::burn_down(&frames, filters)?,
        ReportName::Concentration => analytics::vendor_concentration(&frames, filters)?,
        ReportName::Ratio => analytics::infra_to_revenue(&frames, filters)?,
        ReportName::Slippage => analytics::delivery_slippage(&frames, filters)?,
        ReportName::RatioTtm => analytics::ratio_ttm(&frames, filters)?,
        ReportName::CommitmentConcentration => {
            analytics::commitment_concentration(&frames, filters, as_of_or_today(filters))?
        }
        ReportName::Projection => {
            let as_of = filters
                .as_of
                .unwrap_or_else(|| chrono::Utc::now().date_naive());
            let window = request
                .window_days
                .unwrap_or(analytics::projection::DEFAULT_WINDOW_DAYS);
            analytics::projection(&frames, filters, as_of, window)?
        }
    };
    Ok(ReportTable::from_frame(&frame)?)
}
