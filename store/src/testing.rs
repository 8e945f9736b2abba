//! Fresh databases for tests (this crate's and the crates above it): a temporary SQLite file,
//! or — when `LEDGER_TEST_POSTGRES_URL` points at a PostgreSQL server (scripts/with-postgres.sh)
//! — a new database on that server, so the same tests run on both backends.

use sea_orm::{ConnectionTrait, Database, DbErr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct TestDatabase {
    pub url: String,
    dir: Option<PathBuf>,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

pub async fn fresh_database() -> Result<TestDatabase, DbErr> {
    let unique = format!(
        "{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    match std::env::var("LEDGER_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("ledger_test_{unique}");
            let admin = Database::connect(&admin_url).await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.close().await?;
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b);
            Ok(TestDatabase {
                url: format!("{base}/{name}"),
                dir: None,
            })
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("ledger-test-{unique}"));
            std::fs::create_dir_all(&dir).map_err(|e| DbErr::Custom(e.to_string()))?;
            let url = format!("sqlite://{}?mode=rwc", dir.join("ledger.db").display());
            Ok(TestDatabase {
                url,
                dir: Some(dir),
            })
        }
    }
}

/// Holds a generated document (e.g. `docs/formats.md`, relative to the repository root) to
/// what the code writes; with `DOCS_UPDATE` set it rewrites the file first.
pub fn assert_doc_current(relative: &str, written: &str) {
    // From the working directory, which cargo test sets to the testing crate's directory (one
    // below the root), not from this crate's compile-time path: a cached build of `store`
    // made in another checkout would otherwise compare against that checkout's file.
    let path = std::path::Path::new("..").join(relative);
    if std::env::var_os("DOCS_UPDATE").is_some() {
        std::fs::write(&path, written).expect("write the document");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == written,
        "{relative} differs from the code that writes it; DOCS_UPDATE=1 cargo test rewrites it"
    );
}
