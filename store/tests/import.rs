//! CSV import: good files land completely; any bad row rejects the whole import, lists every
//! bad row as `file:line: column: reason`, and leaves every table as it was.

mod common;

use common::{fixtures, test_db};
use std::sync::Arc;
use store::import::{
    import_files, ImportError, ImportSource, LedgerFile, NoProgress, MAX_REPORTED_ERRORS,
};
use store::ledger::{contract_overviews, table_counts, TableCounts};
use store::DatabaseConnection;

const VENDORS: &str = "name,kind\nA,hyperscaler\nB,neocloud\n";
const CONTRACTS: &str = "reference,vendor,start_date,end_date,committed_amount,currency\n\
    C1,A,2026-01-01,2026-12-31,1000.00,USD\n\
    C2,B,2026-01-01,2027-12-31,3000.00,USD\n";

fn csv(kind: LedgerFile, text: &str) -> ImportSource {
    ImportSource::from_bytes(kind, kind.file_name(), text.as_bytes().to_vec())
}

async fn import(
    db: &DatabaseConnection,
    sources: Vec<ImportSource>,
) -> Result<store::ImportReport, ImportError> {
    import_files(db, sources, "tester", Arc::new(NoProgress)).await
}

/// The staging tables a PostgreSQL import copies usage into (none on SQLite).
async fn staging_tables(db: &DatabaseConnection) -> Vec<String> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Vec::new();
    }
    db.query_all_raw(Statement::from_string(
        DatabaseBackend::Postgres,
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'import_staging_%' ORDER BY 1",
    ))
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get_by_index(0).unwrap())
    .collect()
}

/// A fresh ledger holding `VENDORS` and `CONTRACTS`.
async fn with_contracts() -> common::TestDb {
    let t = test_db().await;
    import(
        &t.db,
        vec![
            csv(LedgerFile::Vendors, VENDORS),
            csv(LedgerFile::Contracts, CONTRACTS),
        ],
    )
    .await
    .unwrap();
    t
}

/// Imports vendors and contracts, then asserts that `files` is rejected with exactly the
/// expected error lines and that no table changed.
async fn assert_rejected(files: Vec<ImportSource>, expected: &[&str]) {
    let t = with_contracts().await;
    let before = table_counts(&t.db).await.unwrap();
    let err = import(&t.db, files)
        .await
        .expect_err("import should be rejected");
    let ImportError::Rejected { errors, omitted } = err else {
        panic!("expected a rejection, got {err}")
    };
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(lines, expected, "omitted: {omitted}");
    assert_eq!(
        table_counts(&t.db).await.unwrap(),
        before,
        "a rejected import must write nothing"
    );
}

#[tokio::test]
async fn the_worked_example_imports_completely() {
    let t = test_db().await;
    let report = import(
        &t.db,
        ImportSource::open_dir(&fixtures().join("ledger")).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(report.total_rows(), 2 + 2 + 3 + 3 + 5 + 2);
    let counts = table_counts(&t.db).await.unwrap();
    assert_eq!(
        counts,
        TableCounts {
            vendors: 2,
            contracts: 2,
            commitments: 2,
            delivery_phases: 3,
            delivery_receipts: 3,
            usage_entries: 5,
            revenue_entries: 2,
            imports: 6,
            audit_log: 6,
        }
    );
    let contracts = contract_overviews(&t.db).await.unwrap();
    let burned: Vec<_> = contracts
        .iter()
        .map(|c| (c.reference.as_str(), c.burned().amount_string()))
        .collect();
    assert_eq!(
        burned,
        [("C1", "350.50".to_owned()), ("C2", "400.00".to_owned())]
    );
    assert_eq!(contracts[0].remaining().amount_string(), "649.50");
}

#[tokio::test]
async fn unknown_references_are_rejected() {
    assert_rejected(
        vec![
            csv(LedgerFile::Contracts, "reference,vendor,start_date,end_date,committed_amount,currency\nC3,Nobody,2026-01-01,2026-12-31,1.00,USD\n"),
            csv(LedgerFile::Usage, "contract,date,amount,quantity,unit,sku\nC1,2026-01-05,1.00,1,h,x\nC9,2026-01-05,1.00,1,h,x\n"),
            csv(LedgerFile::Receipts, "contract,phase,date,quantity\nC1,nope,2026-01-05,1\n"),
        ],
        &[
            "contracts.csv:2: vendor: unknown vendor \"Nobody\"; add it to vendors.csv first",
            "receipts.csv:2: phase: contract \"C1\" has no phase \"nope\"; add it to deliveries.csv first",
            "usage.csv:3: contract: unknown contract reference \"C9\"",
        ],
    )
    .await;
}

#[tokio::test]
async fn bad_values_are_reported_per_field() {
    assert_rejected(
        vec![csv(
            LedgerFile::Usage,
            "contract,date,amount,quantity,unit,sku,vendor,currency\n\
             C1,2026-02-30,1.00,1,h,x,,\n\
             C1,2026-01-05,1.0000005,1,h,x,,\n\
             C1,2026-01-05,1.00,2.5e3,h,x,,\n\
             C1,2025-12-31,1.00,1,h,x,,\n\
             ,2026-01-05,1.00,1,h,x,A,\n\
             ,2026-01-05,1.00,1,h,x,Nobody,USD\n\
             C1,2026-01-05,1.00,1,h,x,B,EUR\n",
        )],
        &[
            "usage.csv:2: date: is not a real calendar date (got 2026-02-30)",
            "usage.csv:3: amount: has more than 6 decimal places (got 1.0000005)",
            "usage.csv:4: quantity: is not a plain decimal number (got \"2.5e3\")",
            "usage.csv:5: date: 2025-12-31 is outside contract C1's term 2026-01-01..2026-12-31",
            "usage.csv:6: currency: is required for spend under no contract",
            "usage.csv:7: vendor: unknown vendor \"Nobody\"",
            "usage.csv:8: vendor: is not the vendor of contract C1",
            "usage.csv:8: currency: is EUR but contract C1 is in USD",
        ],
    )
    .await;
}

#[tokio::test]
async fn contract_rules_are_enforced() {
    assert_rejected(
        vec![csv(
            LedgerFile::Contracts,
            "reference,vendor,start_date,end_date,committed_amount,currency\n\
             C3,A,2026-01-01,2026-12-31,-1.00,USD\n\
             C4,A,2026-06-01,2026-01-01,1.00,USD\n\
             C1,A,2026-01-01,2026-12-31,1.00,USD\n\
             C5,A,2026-01-01,2026-12-31,1.00,USD\n\
             C5,B,2026-01-01,2026-12-31,2.00,USD\n",
        )],
        &[
            "contracts.csv:2: committed_amount: must not be negative (got -1.00)",
            "contracts.csv:3: end_date: end date 2026-01-01 is before start date 2026-06-01",
            "contracts.csv:4: reference: contract reference \"C1\" already exists in the ledger",
            "contracts.csv:6: reference: duplicate contract reference \"C5\" (first on line 5)",
        ],
    )
    .await;
}

#[tokio::test]
async fn wrong_headers_name_the_column() {
    assert_rejected(
        vec![
            csv(LedgerFile::Usage, "contract,day,amount,quantity,unit,sku\nC1,2026-01-05,1.00,1,h,x\n"),
            csv(LedgerFile::Revenue, "amount,period_start,currency\n1.00,2026-01-01,USD\n"),
        ],
        &[
            "usage.csv:1: day: unknown column \"day\"; expected contract,date,amount,quantity,unit,sku,vendor,currency,commitment",
            "usage.csv:1: date: missing column",
            "revenue.csv:1: period_start: column out of order; expected period_start,amount,currency",
        ],
    )
    .await;
}

#[tokio::test]
async fn a_day_of_usage_that_adds_up_past_the_largest_value_is_rejected() {
    // Found by fuzzing: the daily rollup's sum overflowed and the import worker panicked.
    assert_rejected(
        vec![csv(
            LedgerFile::Usage,
            "contract,date,amount,quantity,unit,sku\n\
             C1,2026-06-01,9223372036854.775807,1,h,x\n\
             C1,2026-06-01,0.000001,1,h,x\n\
             C1,2026-06-02,1.00,9223372036854.775807,h,x\n\
             C1,2026-06-02,1.00,0.000001,h,x\n",
        )],
        &[
            "usage.csv:3: amount: adds up past the largest amount the ledger can hold for contract C1's usage on 2026-06-01",
            "usage.csv:5: quantity: adds up past the largest quantity the ledger can hold for contract C1's usage on 2026-06-02",
        ],
    )
    .await;
}

#[tokio::test]
async fn a_header_that_is_not_utf8_is_reported_in_words() {
    // Found by fuzzing: the header row reported the csv crate's "CSV parse error: record 0…".
    let mut bytes = b"\xffcontract,date,amount,quantity,unit,sku\n".to_vec();
    bytes.extend_from_slice(b"C1,2026-01-05,1.00,1,h,x\n");
    assert_rejected(
        vec![ImportSource::from_bytes(
            LedgerFile::Usage,
            "usage.csv",
            bytes,
        )],
        &["usage.csv:1: is not valid UTF-8 (save the file as UTF-8)"],
    )
    .await;
}

#[tokio::test]
async fn malformed_rows_and_revenue_duplicates_are_reported() {
    assert_rejected(
        vec![csv(
            LedgerFile::Revenue,
            "period_start,amount,currency\n2026-01-01,900.00,USD\n2026-02-01,1000.00\n2026-01-01,5.00,USD\n",
        )],
        &[
            "revenue.csv:3: has 2 fields, expected 3 like the header",
            "revenue.csv:4: period_start: duplicate revenue for 2026-01-01 in USD (first on line 2)",
        ],
    )
    .await;
}

#[tokio::test]
async fn a_bad_file_rolls_back_the_good_files_of_the_same_import() {
    let t = test_db().await;
    let before = table_counts(&t.db).await.unwrap();
    let err = import(
        &t.db,
        vec![
            csv(LedgerFile::Vendors, VENDORS),
            csv(LedgerFile::Contracts, CONTRACTS),
            csv(LedgerFile::Usage, "contract,date,amount,quantity,unit,sku\nC1,2026-01-05,1.00,1,h,x\nC1,2026-01-06,oops,1,h,x\n"),
        ],
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("usage.csv:3: amount: is not a plain decimal number"),
        "{err}"
    );
    assert_eq!(table_counts(&t.db).await.unwrap(), before);
}

#[tokio::test]
async fn reimporting_the_same_usage_file_is_rejected() {
    let t = test_db().await;
    let usage = "contract,date,amount,quantity,unit,sku\nC1,2026-01-05,100.00,10,h,x\n";
    import(
        &t.db,
        vec![
            csv(LedgerFile::Vendors, VENDORS),
            csv(LedgerFile::Contracts, CONTRACTS),
        ],
    )
    .await
    .unwrap();
    import(&t.db, vec![csv(LedgerFile::Usage, usage)])
        .await
        .unwrap();
    let before = table_counts(&t.db).await.unwrap();
    let err = import(&t.db, vec![csv(LedgerFile::Usage, usage)])
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "usage.csv: this file was already imported (import #3 of usage.csv by tester"
        ),
        "{err}"
    );
    assert_eq!(table_counts(&t.db).await.unwrap(), before);
}

#[tokio::test]
async fn at_most_the_cap_of_errors_is_listed_and_the_rest_counted() {
    let t = with_contracts().await;
    let mut usage = String::from("contract,date,amount,quantity,unit,sku\n");
    for _ in 0..150 {
        usage.push_str("C1,2026-01-05,x,1,h,s\n");
    }
    let Err(ImportError::Rejected { errors, omitted }) =
        import(&t.db, vec![csv(LedgerFile::Usage, &usage)]).await
    else {
        panic!("expected a rejection")
    };
    assert_eq!(errors.len(), MAX_REPORTED_ERRORS);
    assert_eq!(omitted, 150 - MAX_REPORTED_ERRORS);
    assert_eq!(errors.last().unwrap().line, Some(101));
}

#[tokio::test]
async fn a_large_usage_file_is_streamed_in_batches() {
    let t = with_contracts().await;
    let mut usage = String::from("contract,date,amount,quantity,unit,sku\n");
    let rows = 23_456;
    for i in 0..rows {
        usage.push_str(&format!(
            "C{},2026-03-{:02},{}.{:02},{},gpu_hour,sku-{}\n",
            1 + i % 2,
            1 + i % 28,
            i,
            i % 100,
            i,
            i % 7
        ));
    }
    import(&t.db, vec![csv(LedgerFile::Usage, &usage)])
        .await
        .unwrap();
    assert_eq!(
        table_counts(&t.db).await.unwrap().usage_entries,
        rows as i64
    );
    let burned: i64 = contract_overviews(&t.db)
        .await
        .unwrap()
        .iter()
        .map(|c| c.burned_minor)
        .sum();
    let expected: i64 = (0..rows as i64).map(|i| i * 100 + i % 100).sum();
    assert_eq!(burned, expected);
    // The rows themselves (on SQLite bound straight onto the connection, see raw_sqlite.rs)
    // read back like any entry: a date range finds exactly its days, amounts are exact.
    let filter = store::ledger::usage::Filter {
        from: chrono::NaiveDate::from_ymd_opt(2026, 3, 27),
        to: chrono::NaiveDate::from_ymd_opt(2026, 3, 28),
        ..Default::default()
    };
    let page = store::ledger::usage::list(&t.db, &filter, store::ledger::PageRequest::new(1, 500))
        .await
        .unwrap();
    let in_range = (0..rows).filter(|i| 1 + i % 28 >= 27).count() as u64;
    assert_eq!(page.total, in_range);
    let newest = &page.rows[0];
    assert_eq!(newest.date.to_string(), "2026-03-28");
    assert_eq!(newest.amount_e6 % 10_000, 0, "cents, exactly");
    assert_eq!(staging_tables(&t.db).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_bad_row_after_many_batches_leaves_nothing() {
    let t = with_contracts().await;
    let before = table_counts(&t.db).await.unwrap();
    let mut usage = String::from("contract,date,amount,quantity,unit,sku\n");
    let rows = 23_456;
    for i in 0..rows {
        usage.push_str(&format!(
            "C1,2026-04-{:02},1.00,1,gpu_hour,sku\n",
            1 + i % 28
        ));
    }
    usage.push_str("C1,2026-04-31,1.00,1,gpu_hour,sku\n");
    match import(&t.db, vec![csv(LedgerFile::Usage, &usage)]).await {
        Err(ImportError::Rejected { errors, .. }) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(
                errors[0].to_string().contains(&format!(":{}:", rows + 2)),
                "{errors:?}"
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(
        table_counts(&t.db).await.unwrap(),
        before,
        "the batches already inserted were rolled back"
    );
    assert_eq!(staging_tables(&t.db).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_staging_table_left_by_a_stopped_process_is_dropped_at_the_next_start() {
    use sea_orm::{ConnectionTrait, DatabaseBackend};
    let t = test_db().await;
    if t.db.get_database_backend() != DatabaseBackend::Postgres {
        return; // COPY and its staging tables are PostgreSQL's
    }
    let live: i32 =
        t.db.query_one_raw(sea_orm::Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    // A process id no server process has (they are below 2^22 on Linux).
    for name in [
        "import_staging_99999999_7".to_owned(),
        format!("import_staging_{live}_8"),
    ] {
        t.db.execute_unprepared(&format!("CREATE UNLOGGED TABLE {name} (id BIGINT)"))
            .await
            .unwrap();
    }
    let url = t.url().to_owned();
    let again = store::connect(&url).await.unwrap();
    assert_eq!(
        staging_tables(&again).await,
        vec![format!("import_staging_{live}_8")],
        "only the table whose connection is gone is dropped"
    );
}

#[tokio::test]
async fn the_daily_rollup_matches_the_raw_usage_after_every_import() {
    use sea_orm::{ConnectionTrait, Statement};
    let t = test_db().await;
    import(
        &t.db,
        ImportSource::open_dir(&fixtures().join("ledger")).unwrap(),
    )
    .await
    .unwrap();
    // A second file adds to days the first one already had.
    import(&t.db, vec![csv(LedgerFile::Usage, "contract,date,amount,quantity,unit,sku\nC1,2026-01-05,0.25,1,h,x\nC2,2026-03-01,-10.00,0,h,credit\n")])
        .await
        .unwrap();
    let backend = t.db.get_database_backend();
    let sums = |sql: &str| {
        let db = &t.db;
        let stmt = Statement::from_string(backend, sql.to_owned());
        async move {
            db.query_all_raw(stmt)
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r.try_get::<i64>("", "contract_id").unwrap(),
                        r.try_get::<chrono::NaiveDate>("", "date").unwrap(),
                        r.try_get::<i64>("", "amount").unwrap(),
                        r.try_get::<i64>("", "n").unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let raw = sums("SELECT contract_id, date, CAST(SUM(amount_e6) AS BIGINT) AS amount, COUNT(*) AS n FROM usage_entries GROUP BY contract_id, date ORDER BY contract_id, date").await;
    let rollup = sums("SELECT contract_id, date, amount_e6 AS amount, entries AS n FROM usage_daily ORDER BY contract_id, date").await;
    assert_eq!(raw, rollup);
    assert_eq!(
        rollup[0].2, 150_750_000,
        "C1 on 2026-01-05: 100.00 + 50.50 + 0.25"
    );
    let snapshot = store::reports::snapshot(&t.db).await.unwrap();
    assert_eq!(
        snapshot.usage.amount_e6.iter().sum::<i64>(),
        740_750_000,
        "750.50 + 0.25 - 10.00"
    );
    assert_eq!(snapshot.contracts.len(), 2);
    assert_eq!(snapshot.revenue.amount_minor, [90_000, 100_000]);
}
