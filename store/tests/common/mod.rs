#![allow(dead_code)]

use sea_orm::DatabaseConnection;
use std::path::{Path, PathBuf};
use store::testing::{fresh_database, TestDatabase};

pub struct TestDb {
    pub db: DatabaseConnection,
    _database: TestDatabase,
}

impl TestDb {
    pub fn url(&self) -> &str {
        &self._database.url
    }
}

/// A migrated database of its own for each test (SQLite, or PostgreSQL when configured).
pub async fn test_db() -> TestDb {
    let database = fresh_database().await.expect("create a test database");
    let db = store::connect(&database.url)
        .await
        .expect("connect and migrate");
    TestDb {
        db,
        _database: database,
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
