//! How long a board pack takes to make (the figures from the reports, the layout and the PDF)
//! on the demo ledger and on a benchmark ledger, as a draft from the ledger as it is.

use anyhow::Context;
use domain::board_pack::Month;
use sea_orm::{ConnectionTrait, Statement};
use std::time::Instant;

/// The month before the newest usage entry's: the last complete month of the data.
async fn last_month(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Month> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(MAX(date) AS TEXT) AS newest FROM usage_entries".to_owned(),
        ))
        .await?
        .context("no usage")?;
    let newest: String = row.try_get("", "newest")?;
    Ok(Month::parse(&newest[..10])
        .map_err(anyhow::Error::msg)?
        .previous())
}

/// A pack's timings: the first in a fresh process (every report computed from the store, as
/// after a write), and the best of the repeats (reports already cached for this ledger version).
pub struct PackTime {
    pub month: Month,
    pub first: f64,
    pub cached: f64,
    pub bytes: usize,
}

impl std::fmt::Display for PackTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} draft, {} KB PDF: {:.2} s first (reports from the store), {:.2} s with the reports cached",
            self.month,
            self.bytes / 1024,
            self.first,
            self.cached
        )
    }
}

pub async fn pack_seconds(db_url: &str, runs: u32) -> anyhow::Result<PackTime> {
    let db = store::connect(db_url).await?;
    let month = last_month(&db).await?;
    let state = app::state::AppState::offline(db);
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs.max(2) {
        let started = Instant::now();
        let pdf = app::board_pack::generate::draft(&state, month, "")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(started.elapsed().as_secs_f64());
        bytes = pdf.len();
    }
    Ok(PackTime {
        month,
        first: times[0],
        cached: times[1..].iter().copied().fold(f64::MAX, f64::min),
        bytes,
    })
}

/// The same on a fresh demo ledger in a temporary SQLite file.
pub async fn demo_pack_seconds(runs: u32) -> anyhow::Result<PackTime> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display());
    let db = store::connect(&url).await?;
    store::demo::load_if_empty(&db, chrono::Utc::now().date_naive()).await?;
    drop(db);
    pack_seconds(&url, runs).await
}
