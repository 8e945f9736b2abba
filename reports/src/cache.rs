//! Report frames and finished reports per ledger version (see
//! `store::reports::ledger_version`), shared by every request of the process.
//!
//! Under load the ledger changes many times a second, and every dashboard view after a change
//! used to rebuild the frames and its reports for itself. Here the work after a change is done
//! once: one request at a time checks the version and rebuilds (the others wait for its result
//! instead of repeating it), concurrent requests for one report of one version share one
//! computation, and a version confirmed less than `max_age` ago is served without asking the
//! database again — except to a viewer whose own write came after that confirmation, who
//! always sees their write.

use crate::{Report, ReportError};
use analytics::LedgerFrames;
use chrono::{DateTime, Utc};
use domain::snapshot::{CommitmentFacts, LedgerSnapshot};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// The reports of the ledger's newest version, for one viewer (or for anyone: the CLI, the
/// tests). Clones share everything; [`ReportCache::viewed_by`] binds a clone to a user.
#[derive(Clone, Default)]
pub struct ReportCache {
    shared: Arc<Shared>,
    viewer: Option<i64>,
}

#[derive(Default)]
struct Shared {
    /// How long a confirmed version may be served without asking again (zero: every request
    /// asks, though requests that arrive during one check share its answer).
    max_age: Duration,
    current: Mutex<Option<Arc<Generation>>>,
    /// One version check or rebuild at a time.
    refreshing: tokio::sync::Mutex<()>,
    /// When each viewer's latest write through this process finished.
    writes: Mutex<HashMap<i64, Instant>>,
}

/// Everything computed from one version of the ledger.
pub(crate) struct Generation {
    pub version: i64,
    snapshot: Arc<LedgerSnapshot>,
    pub frames: Arc<LedgerFrames>,
    /// When the version was last confirmed as the newest: the instant that check started, and
    /// the wall-clock time a page shows for it.
    confirmed: Mutex<(Instant, DateTime<Utc>)>,
    reports: Mutex<HashMap<String, Arc<OnceCell<Arc<Report>>>>>,
}

/// What a page needs besides its reports: the commitments from the same snapshot (so report
/// rows can be labelled without a query of their own) and how current the figures are.
pub struct LedgerView {
    pub commitments: Vec<CommitmentFacts>,
    pub version: i64,
    /// The figures include every write that finished before this time.
    pub as_of: DateTime<Utc>,
}

/// Distinct report requests kept per ledger version; beyond it they are dropped and computed
/// again when asked (a new version starts empty anyway).
const MAX_CACHED_REPORTS: usize = 256;

/// Viewers' write times are only needed for `max_age` after the write; past this many the
/// older ones are forgotten.
const MAX_TRACKED_WRITERS: usize = 1024;

/// A poisoned lock only means another request panicked while holding it; what it guards is
/// replaced whole, never left half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ReportCache {
    /// A cache that serves a version for up to `max_age` after it was last confirmed.
    pub fn coalescing(max_age: Duration) -> Self {
        Self {
            shared: Arc::new(Shared {
                max_age,
                ..Default::default()
            }),
            viewer: None,
        }
    }

    /// The same cache, for requests of one user: what they see always includes their writes.
    pub fn viewed_by(&self, user_id: i64) -> Self {
        Self {
            shared: self.shared.clone(),
            viewer: Some(user_id),
        }
    }

    /// Records that `user_id` has just finished a write (call after it committed).
    pub fn wrote(&self, user_id: i64) {
        let mut writes = lock(&self.shared.writes);
        if writes.len() >= MAX_TRACKED_WRITERS {
            let max_age = self.shared.max_age;
            writes.retain(|_, at| at.elapsed() <= max_age);
        }
        writes.insert(user_id, Instant::now());
    }

    pub async fn view(&self, db: &sea_orm::DatabaseConnection) -> Result<LedgerView, ReportError> {
        let generation = self.generation(db).await?;
        let as_of = lock(&generation.confirmed).1;
        Ok(LedgerView {
            commitments: generation.snapshot.commitments.clone(),
            version: generation.version,
            as_of,
        })
    }

    /// The newest generation, or one confirmed recently enough for this viewer.
    pub(crate) async fn generation(
        &self,
        db: &sea_orm::DatabaseConnection,
    ) -> Result<Arc<Generation>, ReportError> {
        let arrived = Instant::now();
        if let Some(fresh) = self.fresh_for(arrived) {
            return Ok(fresh);
        }
        let _one_at_a_time = self.shared.refreshing.lock().await;
        // The check this request waited for may have answered it.
        if let Some(fresh) = self.fresh_for(arrived) {
            return Ok(fresh);
        }
        let (started, now) = (Instant::now(), Utc::now());
        let version = store::reports::ledger_version(db).await?;
        let current = lock(&self.shared.current).clone();
        if let Some(same) = current.as_ref().filter(|g| g.version == version) {
            *lock(&same.confirmed) = (started, now);
            return Ok(same.clone());
        }
        // Read after the version: a write in between makes the next check read again.
        let snapshot = match &current {
            Some(previous) => {
                store::reports::refresh(db, &previous.snapshot, previous.version).await?
            }
            None => store::reports::snapshot(db).await?,
        };
        let snapshot = Arc::new(snapshot);
        let for_frames = snapshot.clone();
        let frames = tokio::task::spawn_blocking(move || LedgerFrames::from_snapshot(&for_frames))
            .await
            .map_err(|e| ReportError::Worker(e.to_string()))??;
        let generation = Arc::new(Generation {
            version,
            snapshot,
            frames: Arc::new(frames),
            confirmed: Mutex::new((started, now)),
            reports: Mutex::new(HashMap::new()),
        });
        *lock(&self.shared.current) = Some(generation.clone());
        Ok(generation)
    }

    /// The current generation if it may answer a request that arrived at `arrived`: confirmed
    /// no more than `max_age` before that, and after this viewer's latest write.
    fn fresh_for(&self, arrived: Instant) -> Option<Arc<Generation>> {
        let generation = lock(&self.shared.current).clone()?;
        let confirmed = lock(&generation.confirmed).0;
        let wrote = self
            .viewer
            .and_then(|v| lock(&self.shared.writes).get(&v).copied());
        let recent = confirmed + self.shared.max_age >= arrived;
        let after_own_write = wrote.is_none_or(|w| w < confirmed);
        (recent && after_own_write).then_some(generation)
    }
}

impl Generation {
    /// The report under `key`, computed by `compute` once however many requests ask at once.
    pub(crate) async fn report(
        &self,
        key: String,
        compute: impl FnOnce() -> Result<Report, ReportError> + Send + 'static,
    ) -> Result<Arc<Report>, ReportError> {
        let cell = {
            let mut reports = lock(&self.reports);
            if reports.len() >= MAX_CACHED_REPORTS && !reports.contains_key(&key) {
                reports.clear();
            }
            reports.entry(key).or_default().clone()
        };
        // polars is CPU-bound and blocks: keep it off the async workers. A failed computation
        // leaves the cell empty, so the next request tries again.
        let report = cell
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(compute)
                    .await
                    .map_err(|e| ReportError::Worker(e.to_string()))?
                    .map(Arc::new)
            })
            .await?;
        Ok(report.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn add_revenue(db: &sea_orm::DatabaseConnection, month: &str) {
        let revenue = domain::NewRevenue::parse(&domain::entries::RawRevenue {
            period_start: month,
            amount: "5.00",
            currency: "USD",
        })
        .unwrap();
        store::ledger::revenue::add(db, "test", revenue)
            .await
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_for_one_report_compute_it_once() {
        let frames = LedgerFrames::from_snapshot(&LedgerSnapshot::default()).unwrap();
        let generation = Arc::new(Generation {
            version: 1,
            snapshot: Default::default(),
            frames: Arc::new(frames),
            confirmed: Mutex::new((Instant::now(), Utc::now())),
            reports: Mutex::new(HashMap::new()),
        });
        let computed = Arc::new(AtomicUsize::new(0));
        let asks: Vec<_> = (0..8)
            .map(|_| {
                let (generation, computed) = (generation.clone(), computed.clone());
                tokio::spawn(async move {
                    generation
                        .report("burndown".into(), move || {
                            computed.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(50));
                            let frame = polars::prelude::DataFrame::empty();
                            let table = analytics::ReportTable::from_frame(&frame)?;
                            Ok(Report {
                                frame,
                                table,
                                version: 1,
                            })
                        })
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut answers = Vec::new();
        for ask in asks {
            answers.push(ask.await.unwrap());
        }
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        assert!(answers.iter().all(|a| Arc::ptr_eq(a, &answers[0])));
    }

    #[tokio::test]
    async fn a_recent_version_is_served_until_the_viewers_own_write() {
        let db = store::connect("sqlite::memory:").await.unwrap();
        add_revenue(&db, "2026-01-01").await;
        let cache = ReportCache::coalescing(Duration::from_secs(3600));
        let first = cache.generation(&db).await.unwrap().version;

        // Another user's write: within the max age the version already confirmed is served.
        add_revenue(&db, "2026-02-01").await;
        let (ana, bo) = (cache.viewed_by(1), cache.viewed_by(2));
        assert_eq!(ana.generation(&db).await.unwrap().version, first);

        // Ana's own write: she sees it at once, and so does everyone after her check.
        add_revenue(&db, "2026-03-01").await;
        ana.wrote(1);
        let after = ana.generation(&db).await.unwrap().version;
        assert!(after > first);
        assert_eq!(bo.generation(&db).await.unwrap().version, after);
        assert_eq!(
            ana.view(&db).await.unwrap().version,
            after,
            "checked after her write: no new check needed"
        );
    }

    #[tokio::test]
    async fn without_a_max_age_every_request_sees_the_newest_version() {
        let db = store::connect("sqlite::memory:").await.unwrap();
        let cache = ReportCache::default();
        let first = cache.generation(&db).await.unwrap().version;
        add_revenue(&db, "2026-01-01").await;
        assert!(cache.generation(&db).await.unwrap().version > first);
    }
}
