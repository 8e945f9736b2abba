//! The reports by name, computed from the store's snapshot with the analytics core. One place
//! that the CLI, the HTTP API and the dashboards all call, so they give the same numbers.

use analytics::{Filters, LedgerFrames, ReportTable};
use domain::date::parse_iso_date;
use std::collections::HashMap;
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

/// Filters from raw text (query string or command line): an ISO as-of date, and vendor,
/// contract and commitment lists (each value may itself be comma-separated).
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
}

impl ReportRequest {
    pub fn new(filters: Filters) -> Self {
        Self {
            filters,
            window_days: None,
            scenario: None,
        }
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
}

/// Report frames and finished report tables, kept until the ledger changes (see
/// `store::reports::ledger_version`). A request reads one number from the database; when the
/// ledger has not changed since the same report was asked for, the answer is the table already
/// computed (dashboards ask for the same few reports on every page view). The first request
/// after a write recomputes from the frames, and the frames themselves are rebuilt from the
/// store only then.
#[derive(Clone, Default)]
pub struct ReportCache(Arc<tokio::sync::Mutex<Option<CachedLedger>>>);

struct CachedLedger {
    version: i64,
    snapshot: Arc<domain::snapshot::LedgerSnapshot>,
    frames: Arc<LedgerFrames>,
    tables: HashMap<String, Arc<ReportTable>>,
}

/// Distinct report requests kept per ledger version; beyond it the oldest version's tables are
/// simply dropped (a new version starts empty anyway).
const MAX_CACHED_TABLES: usize = 256;

impl ReportCache {
    /// The commitments as of the ledger's current version (from the same snapshot as the
    /// reports, so pages that label report rows need no query of their own).
    pub async fn contracts(
        &self,
        db: &sea_orm::DatabaseConnection,
    ) -> Result<Vec<domain::snapshot::CommitmentFacts>, ReportError> {
        self.lookup(db, "").await?;
        let slot = self.0.lock().await;
        Ok(slot
            .as_ref()
            .map(|c| c.snapshot.commitments.clone())
            .unwrap_or_default())
    }

    /// The frames and the cached table for `key` (if any) at the ledger's current version.
    async fn lookup(
        &self,
        db: &sea_orm::DatabaseConnection,
        key: &str,
    ) -> Result<(i64, Arc<LedgerFrames>, Option<Arc<ReportTable>>), ReportError> {
        let version = store::reports::ledger_version(db).await?;
        let mut slot = self.0.lock().await;
        if let Some(cached) = slot.as_ref().filter(|c| c.version == version) {
            return Ok((
                version,
                cached.frames.clone(),
                cached.tables.get(key).cloned(),
            ));
        }
        // Read after the version: a write in between makes the next request read again.
        // After a few writes only the contracts they touched are read (store::reports::refresh).
        let snapshot = match slot.as_ref() {
            Some(cached) => store::reports::refresh(db, &cached.snapshot, cached.version).await?,
            None => store::reports::snapshot(db).await?,
        };
        let snapshot = Arc::new(snapshot);
        let for_frames = snapshot.clone();
        let frames = tokio::task::spawn_blocking(move || LedgerFrames::from_snapshot(&for_frames))
            .await
            .map_err(|e| ReportError::Worker(e.to_string()))??;
        let frames = Arc::new(frames);
        *slot = Some(CachedLedger {
            version,
            snapshot,
            frames: frames.clone(),
            tables: HashMap::new(),
        });
        Ok((version, frames, None))
    }

    async fn keep(&self, version: i64, key: String, table: Arc<ReportTable>) {
        let mut slot = self.0.lock().await;
        if let Some(cached) = slot.as_mut().filter(|c| c.version == version) {
            if cached.tables.len() >= MAX_CACHED_TABLES {
                cached.tables.clear();
            }
            cached.tables.insert(key, table);
        }
    }
}

pub async fn run(
    cache: &ReportCache,
    db: &sea_orm::DatabaseConnection,
    name: ReportName,
    request: &ReportRequest,
) -> Result<Arc<ReportTable>, ReportError> {
    // "Today" is part of the question for reports about now, so it is part of the key.
    let request = request.clone();
    let key = format!(
        "{}|{}|{:?}",
        name.as_str(),
        as_of_or_today(&request.filters),
        request
    );
    let (version, frames, cached) = cache.lookup(db, &key).await?;
    if let Some(table) = cached {
        return Ok(table);
    }
    // polars is CPU-bound and blocks: keep it off the async workers.
    let table = tokio::task::spawn_blocking(move || compute(name, &request, &frames))
        .await
        .map_err(|e| ReportError::Worker(e.to_string()))??;
    let table = Arc::new(table);
    cache.keep(version, key, table.clone()).await;
    Ok(table)
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
    let changed;
    let frames = match &request.scenario {
        Some(scenario) => {
            changed = analytics::scenario::apply(frames, scenario)?;
            &changed
        }
        None => frames,
    };
    // The as-of date and trailing window of the reports that look forward.
    let as_of = as_of_or_today(filters);
    let window = request
        .window_days
        .unwrap_or(analytics::projection::DEFAULT_WINDOW_DAYS);
    let frame = match name {
        ReportName::BurnDown => analytics::burn_down(frames, filters)?,
        ReportName::PortfolioBurnDown => analytics::portfolio_burn_down(frames, filters)?,
        ReportName::Concentration => analytics::vendor_concentration(frames, filters)?,
        ReportName::Ratio => analytics::infra_to_revenue(frames, filters)?,
        ReportName::Slippage => analytics::delivery_slippage(frames, filters)?,
        ReportName::RatioTtm => analytics::ratio_ttm(frames, filters)?,
        ReportName::CommitmentConcentration => {
            analytics::commitment_concentration(frames, filters, as_of)?
        }
        ReportName::TrueUp => analytics::trueup(frames, filters, as_of, window)?,
        ReportName::RatioOutlook => analytics::ratio_outlook(frames, filters, as_of, window)?,
        ReportName::Commitments => analytics::commitment_fulfilment(frames, filters)?,
        ReportName::UsageBurnDown => analytics::usage_burn_down(frames, filters)?,
        ReportName::Projection => analytics::projection(frames, filters, as_of, window)?,
    };
    Ok(ReportTable::from_frame(&frame)?)
}
