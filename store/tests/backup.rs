//! Backup and restore round trip, on SQLite and (in the second pass) PostgreSQL: every table
//! comes back exactly as it was backed up, a restore refuses to replace a ledger unless told,
//! damaged or foreign files are refused with the database untouched, and the restore is in the
//! audit trail.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use store::backup::{backup, restore, BackupError};
use store::entities::*;
use store::testing::fresh_database;

/// Every table as sorted Debug lines of its rows (row order is not part of the data).
async fn dump(db: &DatabaseConnection) -> Vec<(&'static str, Vec<String>)> {
    async fn rows<E: EntityTrait>(db: &DatabaseConnection) -> Vec<String>
    where
        E::Model: std::fmt::Debug,
    {
        let mut rows: Vec<String> = E::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|m| format!("{m:?}"))
            .collect();
        rows.sort();
        rows
    }
    let mut daily: Vec<String> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT contract_id, date, amount_e6, quantity_micros, entries, commitment_id FROM usage_daily",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let date: NaiveDate = r.try_get_by_index(1).unwrap();
            let numbers: Vec<i64> = [0, 2, 3, 4, 5]
                .iter()
                .map(|i| r.try_get_by_index(*i).unwrap())
                .collect();
            format!("{date} {numbers:?}")
        })
        .collect();
    daily.sort();
    let tables = vec![
        ("users", rows::<user::Entity>(db).await),
        ("vendors", rows::<vendor::Entity>(db).await),
        ("contracts", rows::<contract::Entity>(db).await),
        ("commitments", rows::<commitment::Entity>(db).await),
        ("delivery_phases", rows::<delivery_phase::Entity>(db).await),
        (
            "delivery_receipts",
            rows::<delivery_receipt::Entity>(db).await,
        ),
        ("imports", rows::<import::Entity>(db).await),
        ("usage_entries", rows::<usage_entry::Entity>(db).await),
        ("usage_daily", daily),
        ("revenue_entries", rows::<revenue_entry::Entity>(db).await),
        ("audit_log", rows::<audit_log::Entity>(db).await),
        ("sessions", rows::<session::Entity>(db).await),
        ("api_tokens", rows::<api_token::Entity>(db).await),
        ("closed_periods", {
            let mut months: Vec<String> = store::ledger::periods::list(db)
                .await
                .unwrap()
                .iter()
                .map(|p| format!("{p:?}"))
                .collect();
            months.sort();
            months
        }),
        ("vendor_statements", {
            let mut rows = Vec::new();
            for c in store::ledger::contract_overviews(db).await.unwrap() {
                for r in store::ledger::reconciliation::for_contract(db, &c.reference)
                    .await
                    .unwrap()
                {
                    rows.push(format!("{} {r:?}", c.reference));
                }
            }
            rows.sort();
            rows
        }),
        ("scenarios", {
            store::ledger::scenarios::list(db)
                .await
                .unwrap()
                .iter()
                .map(|s| format!("{s:?}"))
                .collect()
        }),
        ("exchange_rates", rows::<exchange_rate::Entity>(db).await),
        ("rate_cards", rows::<rate_card::Entity>(db).await),
    ];
    let names: Vec<&str> = tables.iter().map(|(t, _)| *t).collect();
    assert_eq!(
        names,
        store::backup::TABLES,
        "the dump covers every table the backup copies"
    );
    tables
}

async fn a_ledger_with_people(db: &DatabaseConnection) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    store::demo::load_if_empty(db, today).await.unwrap();
    let id = store::auth::add_user(
        db,
        "test",
        "cfo",
        domain::Role::Admin,
        "a long enough password",
    )
    .await
    .unwrap();
    store::auth::create_session(db, id, chrono::Duration::hours(1))
        .await
        .unwrap();
    store::auth::create_token(db, "test", id, "nightly export")
        .await
        .unwrap();
    let december = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    store::ledger::periods::close(db, "cfo", december)
        .await
        .unwrap();
    let statement = store::ledger::reconciliation::NewStatement {
        contract: "AWS-2025-38B",
        as_of: "2026-06-30",
        consumed: "1000000.00",
        tolerance: "0",
        note: "",
    };
    store::ledger::reconciliation::record(db, "cfo", statement)
        .await
        .unwrap();
    let scenario = domain::scenario::Scenario {
        name: "Slower ramp".into(),
        run_rate_change_bp: -2000,
        ..Default::default()
    };
    store::ledger::scenarios::create(db, "cfo", scenario)
        .await
        .unwrap();
    let card = domain::rate_card::RateCard::parse(&domain::rate_card::RawRateCard {
        contract: "AWS-2025-38B",
        resource: "GB300",
        from: "2031-01-01",
        price: "11.50",
        utilisation: "85",
    })
    .unwrap();
    store::rate_cards::store(db, "cfo", &[card]).await.unwrap();
}

fn new_vendor(name: &str) -> domain::NewVendor {
    domain::NewVendor::parse(&domain::entries::RawVendor {
        name,
        kind: "neocloud",
    })
    .unwrap()
}

#[tokio::test]
async fn a_backup_restores_every_table_exactly_and_the_restore_is_audited() {
    let database = fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    a_ledger_with_people(&db).await;
    let before = dump(&db).await;
    assert!(
        before
            .iter()
            .all(|(table, rows)| !rows.is_empty() || *table == "imports"),
        "every table has rows to compare"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.backup");
    let summary = backup(&db, &database.url, &file).await.unwrap();
    assert!(summary.bytes > 0);
    assert!(
        matches!(
            backup(&db, &database.url, &file).await,
            Err(BackupError::Exists(_))
        ),
        "never overwrites a file"
    );

    // Life goes on after the backup.
    store::ledger::vendors::create(&db, "test", new_vendor("Nebius"))
        .await
        .unwrap();
    let changed = dump(&db).await;
    assert_ne!(changed, before);

    // Replacing a ledger needs --replace; refused, nothing changed.
    let refused = restore(&db, &database.url, &file, "test", false).await;
    assert!(
        matches!(refused, Err(BackupError::NotEmpty(_))),
        "{refused:?}"
    );
    assert_eq!(dump(&db).await, changed);

    restore(&db, &database.url, &file, "cli:ops", true)
        .await
        .unwrap();
    let after = dump(&db).await;
    for ((table, rows), (_, expected)) in after.iter().zip(&before) {
        if *table == "audit_log" {
            // The backup's entries, and one more: the restore itself.
            let restores: Vec<&String> = rows
                .iter()
                .filter(|r| r.contains("action: \"restore\""))
                .collect();
            assert_eq!(restores.len(), 1, "{restores:?}");
            assert!(restores[0].contains("actor: \"cli:ops\""));
            let rest: Vec<&String> = rows
                .iter()
                .filter(|r| !r.contains("action: \"restore\""))
                .collect();
            assert_eq!(rest, expected.iter().collect::<Vec<_>>(), "audit_log");
        } else {
            assert_eq!(rows, expected, "{table}");
        }
    }
}

#[tokio::test]
async fn damaged_or_foreign_files_are_refused_and_change_nothing() {
    let database = fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    a_ledger_with_people(&db).await;
    let before = dump(&db).await;
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("usage.csv");
    std::fs::write(&text, "contract,date,amount\n").unwrap();
    let error = restore(&db, &database.url, &text, "test", true)
        .await
        .unwrap_err();
    assert!(matches!(error, BackupError::NotABackup(_)), "{error:?}");
    assert!(error.to_string().contains("is not a"), "{error}");

    // The right magic, then garbage: what a truncated or corrupted copy looks like.
    let damaged = dir.path().join("damaged.backup");
    let magic: &[u8] = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => b"SQLite format 3\0",
        _ => b"PGDMP",
    };
    std::fs::write(&damaged, [magic, &[0x5a; 4096][..]].concat()).unwrap();
    let error = restore(&db, &database.url, &damaged, "test", true)
        .await
        .unwrap_err();
    assert!(!error.to_string().is_empty());
    assert_eq!(
        dump(&db).await,
        before,
        "a failed restore leaves the database as it was"
    );

    let missing = restore(
        &db,
        &database.url,
        &dir.path().join("nope.backup"),
        "test",
        true,
    )
    .await
    .unwrap_err();
    assert!(missing.to_string().contains("cannot read"), "{missing}");
}

#[tokio::test]
async fn a_restore_moves_the_ledger_version_past_every_id_seen() {
    let database = fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    a_ledger_with_people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.backup");
    backup(&db, &database.url, &file).await.unwrap();
    for name in ["Nebius", "Crusoe", "Together"] {
        store::ledger::vendors::create(&db, "test", new_vendor(name))
            .await
            .unwrap();
    }
    let seen = store::reports::ledger_version(&db).await.unwrap();
    restore(&db, &database.url, &file, "test", true)
        .await
        .unwrap();
    assert!(
        store::reports::ledger_version(&db).await.unwrap() > seen,
        "caches keyed on {seen} are dropped"
    );
    store::ledger::vendors::create(&db, "test", new_vendor("Lambda Two"))
        .await
        .unwrap();
}
