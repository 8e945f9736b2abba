//! Report frames and finished reports per ledger version (see
//! `store::reports::ledger_version`), shared by every request of the process.
//!
//! Under load the ledger changes many times a second, and every dashboard view after a change
//! used to rebuild the frames and its reports for itself. Here the work after a change is done
//! once: one request at a time checks the version and rebuilds (the others wait for its result
//! instead of repeating it), concurrent requests for one report of one version share one
//! computation, and a version confirmed less than `max_age` ago is served without asking the
//! database again — except to a viewer whose own write came after that confirmation, who
//! always sees their write. While one request brings a version in, the others are served the
//! current one up to twice `max_age` instead of queueing, and the reports most asked of the
//! old version are computed for the new one in the background as soon as it is served.

use crate::{LedgerCurrencies, Report, ReportError, ReportName, ReportRequest};
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
    /// The snapshot's currencies, found once per version rather than on every page view.
    currencies: LedgerCurrencies,
    pub frames: Arc<LedgerFrames>,
    /// When the version was last confirmed as the newest: the instant that check started, and
    /// the wall-clock time a page shows for it.
    confirmed: Mutex<(Instant, DateTime<Utc>)>,
    reports: Mutex<HashMap<String, Asked>>,
}

/// A report asked of a generation: the question (to answer it again for the next version),
/// how often it was asked, and the answer once computed.
#[derive(Clone)]
struct Asked {
    name: ReportName,
    request: ReportRequest,
    times: u32,
    answer: Arc<OnceCell<Arc<Report>>>,
}

/// What a page needs besides its reports: the commitments from the same snapshot (so report
/// rows can be labelled without a query of their own) and how current the figures are.
pub struct LedgerView {
    pub commitments: Vec<CommitmentFacts>,
    /// The currencies the ledger's amounts are in, and those any exchange rate names.
    pub currencies: LedgerCurrencies,
    pub version: i64,
    /// The figures include every write that finished before this time.
    pub as_of: DateTime<Utc>,
}

/// Distinct report requests kept per ledger version; beyond it they are dropped and computed
/// again when asked.
const MAX_CACHED_REPORTS: usize = 256;

/// The most-asked reports of a version computed for the next one as soon as it is served
/// (see [`Generation::warm`]); under load these are the few the dashboards and exports ask.
const MAX_WARMED_REPORTS: usize = 32;

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
            currencies: generation.currencies.clone(),
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
        let max_age = self.shared.max_age;
        if let Some(fresh) = self.fresh_for(arrived, max_age) {
            return Ok(fresh);
        }
        let _one_at_a_time = match self.shared.refreshing.try_lock() {
            Ok(turn) => turn,
            Err(_) => {
                // Another request is bringing the figures up to date: rather than queue behind
                // it, take the current ones while they are under twice the max age.
                if let Some(recent) = self.fresh_for(arrived, max_age * 2) {
                    return Ok(recent);
                }
                self.shared.refreshing.lock().await
            }
        };
        // The check this request waited for may have answered it.
        if let Some(fresh) = self.fresh_for(arrived, max_age) {
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
            currencies: LedgerCurrencies::of(&snapshot),
            snapshot,
            frames: Arc::new(frames),
            confirmed: Mutex::new((started, now)),
            reports: Mutex::new(HashMap::new()),
        });
        let expected = current
            .as_ref()
            .map(|previous| generation.expect_from(previous));
        *lock(&self.shared.current) = Some(generation.clone());
        if let Some(expected) = expected {
            tokio::spawn(generation.clone().warm(expected, self.shared.clone()));
        }
        Ok(generation)
    }

    /// The current generation if it may answer a request that arrived at `arrived`: confirmed
    /// no more than `max_age` before that, and after this viewer's latest write.
    fn fresh_for(&self, arrived: Instant, max_age: Duration) -> Option<Arc<Generation>> {
        let generation = lock(&self.shared.current).clone()?;
        let confirmed = lock(&generation.confirmed).0;
        let wrote = self
            .viewer
            .and_then(|v| lock(&self.shared.writes).get(&v).copied());
        let recent = confirmed + max_age >= arrived;
        let after_own_write = wrote.is_none_or(|w| w < confirmed);
        (recent && after_own_write).then_some(generation)
    }
}

impl Generation {
    /// The report `name` for `request` at this version, computed once however many ask.
    pub(crate) async fn report(
        &self,
        name: ReportName,
        request: ReportRequest,
    ) -> Result<Arc<Report>, ReportError> {
        let compute = self.computation(name, request.clone());
        self.report_with(name, request, compute).await
    }

    /// The computation of `name` for `request` on these frames, to run off the async workers.
    fn computation(
        &self,
        name: ReportName,
        request: ReportRequest,
    ) -> impl FnOnce() -> Result<Report, ReportError> + Send + 'static {
        let (frames, version) = (self.frames.clone(), self.version);
        move || crate::by_name::compute(name, &request, &frames, version)
    }

    async fn report_with(
        &self,
        name: ReportName,
        request: ReportRequest,
        compute: impl FnOnce() -> Result<Report, ReportError> + Send + 'static,
    ) -> Result<Arc<Report>, ReportError> {
        let key = key_of(name, &request);
        let answer = {
            let mut reports = lock(&self.reports);
            if reports.len() >= MAX_CACHED_REPORTS && !reports.contains_key(&key) {
                reports.clear();
            }
            let asked = reports.entry(key).or_insert_with(|| Asked {
                name,
                request,
                times: 0,
                answer: Default::default(),
            });
            asked.times += 1;
            asked.answer.clone()
        };
        answer_once(&answer, compute).await
    }

    /// Enters the reports most asked of `previous` (up to [`MAX_WARMED_REPORTS`]) as expected
    /// here, not yet computed: a view that asks for one while [`Generation::warm`] computes it
    /// then waits for that computation instead of starting its own.
    fn expect_from(&self, previous: &Generation) -> Vec<Asked> {
        // Asked, or expected from earlier versions (computed or not: a warm-up cut short by a
        // newer version must not drop them); the count halves each version they go unasked.
        let mut asked: Vec<(String, Asked)> = lock(&previous.reports)
            .iter()
            .filter(|(_, a)| a.times > 0)
            .map(|(key, a)| (key.clone(), a.clone()))
            .collect();
        asked.sort_by_key(|(_, a)| std::cmp::Reverse(a.times));
        asked.truncate(MAX_WARMED_REPORTS);
        let mut reports = lock(&self.reports);
        asked
            .into_iter()
            .map(|(key, a)| {
                let expected = Asked {
                    times: a.times / 2,
                    answer: Default::default(),
                    ..a
                };
                reports.insert(key, expected.clone());
                expected
            })
            .collect()
    }

    /// Computes the expected reports after the version is served, one at a time (one core),
    /// so the first views after a change find them ready or under way; views compute what
    /// else they need on the other core meanwhile. One that fails is computed again (and its
    /// error shown) when asked. Stops once a newer version is served.
    async fn warm(self: Arc<Self>, expected: Vec<Asked>, shared: Arc<Shared>) {
        for asked in expected {
            let current = lock(&shared.current).clone();
            if !current.is_some_and(|c| Arc::ptr_eq(&c, &self)) {
                return;
            }
            let compute = self.computation(asked.name, asked.request.clone());
            answer_once(&asked.answer, compute).await.ok();
        }
    }
}

/// The answer in `cell`, computed by `compute` unless it is there or under way. polars is
/// CPU-bound and blocks: it runs off the async workers. A failed computation leaves the cell
/// empty, so the next request tries again.
async fn answer_once(
    cell: &OnceCell<Arc<Report>>,
    compute: impl FnOnce() -> Result<Report, ReportError> + Send + 'static,
) -> Result<Arc<Report>, ReportError> {
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

/// "Today" is part of the question for reports about now, so it is part of the key.
fn key_of(name: ReportName, request: &ReportRequest) -> String {
    format!(
        "{}|{}|{:?}",
        name.as_str(),
        request.as_of_or_today(),
        request
    )
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
            currencies: Default::default(),
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
                        .report_with(ReportName::BurnDown, ReportRequest::default(), move || {
                            computed.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(50));
                            let frame = polars::prelude::DataFrame::empty();
                            let table = analytics::ReportTable::from_frame(&frame)?;
                            Ok(Report {
                                frame,
                                table,
                                version: 1,
                                stale_rates: Vec::new(),
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
    async fn the_reports_asked_of_a_version_are_ready_in_the_next() {
        let db = store::connect("sqlite::memory:").await.unwrap();
        add_revenue(&db, "2026-01-01").await;
        let cache = ReportCache::default();
        let request = ReportRequest::default();
        for _ in 0..4 {
            crate::run(&cache, &db, ReportName::Ratio, &request)
                .await
                .unwrap();
        }

        add_revenue(&db, "2026-02-01").await;
        let next = cache.generation(&db).await.unwrap();
        let key = key_of(ReportName::Ratio, &request);
        let answer = lock(&next.reports)[&key].answer.clone();
        let mut waited = Duration::ZERO;
        while !answer.initialized() && waited < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(10)).await;
            waited += Duration::from_millis(10);
        }
        let warmed = answer.get().cloned().expect("computed without being asked");
        assert_eq!(warmed.version, next.version);
        assert_eq!(
            lock(&next.reports)[&key].times,
            2,
            "popularity halves per version"
        );
        let fresh = crate::run(&ReportCache::default(), &db, ReportName::Ratio, &request)
            .await
            .unwrap();
        assert_eq!(warmed.table, fresh.table);
        assert!(!lock(&next.reports).contains_key(&key_of(ReportName::BurnDown, &request)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn while_one_request_refreshes_others_take_the_current_figures_briefly() {
        let db = store::connect("sqlite::memory:").await.unwrap();
        let max_age = Duration::from_millis(300);
        let cache = ReportCache::coalescing(max_age);
        let first = cache.generation(&db).await.unwrap().version;
        add_revenue(&db, "2026-01-01").await;
        tokio::time::sleep(max_age + Duration::from_millis(50)).await;

        // Past the max age, with a refresh under way: served at once, from the last version.
        let refresh = cache.shared.refreshing.lock().await;
        let viewer = cache.viewed_by(1);
        let served = tokio::time::timeout(Duration::from_millis(100), viewer.generation(&db));
        assert_eq!(served.await.unwrap().unwrap().version, first);
        // Not to the user who wrote: they wait for the refresh.
        viewer.wrote(1);
        let waits = tokio::time::timeout(Duration::from_millis(100), viewer.generation(&db));
        assert!(
            waits.await.is_err(),
            "a writer is not served figures without their write"
        );
        drop(refresh);
        assert!(viewer.generation(&db).await.unwrap().version > first);

        // Past twice the max age nobody is served the old figures, refresh or not.
        add_revenue(&db, "2026-02-01").await;
        tokio::time::sleep(max_age * 2 + Duration::from_millis(50)).await;
        let _refresh = cache.shared.refreshing.lock().await;
        let waits = tokio::time::timeout(Duration::from_millis(100), cache.generation(&db));
        assert!(waits.await.is_err());
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
