//! A fresh database per test: a temporary SQLite file, or — when LEDGER_TEST_POSTGRES_URL
//! points at a PostgreSQL server (see scripts/with-postgres.sh) — a new database on it.

#![allow(dead_code)]

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub struct TestDb {
    pub db: DatabaseConnection,
    _dir: Option<tempfile::TempDir>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

pub async fn test_db() -> TestDb {
    match std::env::var("LEDGER_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!(
                "ledger_test_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            );
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to the test PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b);
            let db = store::connect(&format!("{base}/{name}"))
                .await
                .expect("connect and migrate");
            TestDb { db, _dir: None }
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("ledger.db").display()
            );
            let db = store::connect(&url).await.expect("connect and migrate");
            TestDb {
                db,
                _dir: Some(dir),
            }
        }
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
