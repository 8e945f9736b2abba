//! Report frames and finished reports, kept until the ledger changes (see
//! `store::reports::ledger_version`).

use crate::{Report, ReportError};
use analytics::LedgerFrames;
use std::collections::HashMap;
use std::sync::Arc;

/// A request reads one number from the database; when the ledger has not changed since the
/// same report was asked for, the answer is the report already computed (dashboards ask for
/// the same few reports on every page view). The first request after a write recomputes from
/// the frames, and the frames themselves are rebuilt from the store only then.
#[derive(Clone, Default)]
pub struct ReportCache(Arc<tokio::sync::Mutex<Option<CachedLedger>>>);

struct CachedLedger {
    version: i64,
    snapshot: Arc<domain::snapshot::LedgerSnapshot>,
    frames: Arc<LedgerFrames>,
    reports: HashMap<String, Arc<Report>>,
}

/// Distinct report requests kept per ledger version; beyond it the oldest version's reports
/// are simply dropped (a new version starts empty anyway).
const MAX_CACHED_REPORTS: usize = 256;

/// What the cache holds at the ledger's current version for one request.
pub(crate) struct Lookup {
    pub version: i64,
    pub frames: Arc<LedgerFrames>,
    pub cached: Option<Arc<Report>>,
}

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

    /// The frames and the cached report for `key` (if any) at the ledger's current version.
    pub(crate) async fn lookup(
        &self,
        db: &sea_orm::DatabaseConnection,
        key: &str,
    ) -> Result<Lookup, ReportError> {
        let version = store::reports::ledger_version(db).await?;
        let mut slot = self.0.lock().await;
        if let Some(cached) = slot.as_ref().filter(|c| c.version == version) {
            return Ok(Lookup {
                version,
                frames: cached.frames.clone(),
                cached: cached.reports.get(key).cloned(),
            });
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
            reports: HashMap::new(),
        });
        Ok(Lookup {
            version,
            frames,
            cached: None,
        })
    }

    pub(crate) async fn keep(&self, version: i64, key: String, report: Arc<Report>) {
        let mut slot = self.0.lock().await;
        if let Some(cached) = slot.as_mut().filter(|c| c.version == version) {
            if cached.reports.len() >= MAX_CACHED_REPORTS {
                cached.reports.clear();
            }
            cached.reports.insert(key, report);
        }
    }
}
