//! Export then import into an empty database gives the same ledger.

mod common;

use common::{fixtures, test_db};
use std::sync::Arc;
use store::import::{import_files, ImportSource, NoProgress};
use store::ledger::table_counts;

#[tokio::test]
async fn export_then_import_gives_the_same_ledger() {
    let first = test_db().await;
    import_files(
        &first.db,
        ImportSource::open_dir(&fixtures().join("ledger")).unwrap(),
        "tester",
        Arc::new(NoProgress),
    )
    .await
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    store::export::export_dir(&first.db, &a).await.unwrap();

    let second = test_db().await;
    import_files(
        &second.db,
        ImportSource::open_dir(&a).unwrap(),
        "tester",
        Arc::new(NoProgress),
    )
    .await
    .unwrap();
    store::export::export_dir(&second.db, &b).await.unwrap();

    let (c1, c2) = (
        table_counts(&first.db).await.unwrap(),
        table_counts(&second.db).await.unwrap(),
    );
    assert_eq!(c1, c2);
    for kind in store::LedgerFile::ALL {
        let one = std::fs::read_to_string(a.join(kind.file_name())).unwrap();
        let two = std::fs::read_to_string(b.join(kind.file_name())).unwrap();
        assert_eq!(one, two, "{} differs after a round trip", kind.file_name());
    }
    // The export is in the ledger CSV format: the fixture's usage comes back as it went in,
    // amounts with exactly two places.
    let usage = std::fs::read_to_string(a.join("usage.csv")).unwrap();
    assert_eq!(
        usage,
        std::fs::read_to_string(fixtures().join("ledger/usage.csv")).unwrap()
    );
    let receipts = std::fs::read_to_string(a.join("receipts.csv")).unwrap();
    assert!(
        receipts.contains("\"first racks, \"\"late\"\" by 2 days\""),
        "{receipts}"
    );
}

#[tokio::test]
async fn sub_cent_and_uncommitted_spend_survive_a_round_trip() {
    let first = test_db().await;
    let mut files = ImportSource::open_dir(&fixtures().join("ledger")).unwrap();
    // Spend under no contract (vendor and currency named), a refund with a negative
    // quantity, and amounts below a cent.
    files.push(ImportSource::from_bytes(
        store::LedgerFile::Usage,
        "usage-2.csv",
        b"contract,date,amount,quantity,unit,sku,vendor,currency\n\
          ,2026-01-07,0.015907,1,h,shared,A,USD\n\
          C2,2026-01-08,-12.345679,-3.5,h,refund,,\n\
          ,2026-01-09,1234.5,10,h,on-demand,B,EUR\n"
            .to_vec(),
    ));
    import_files(&first.db, files, "tester", Arc::new(NoProgress))
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    store::export::export_dir(&first.db, &a).await.unwrap();
    let usage = std::fs::read_to_string(a.join("usage.csv")).unwrap();
    assert!(usage.starts_with("contract,date,amount,quantity,unit,sku,vendor,currency\n"));
    assert!(
        usage.contains("\n,2026-01-07,0.015907,1,h,shared,A,USD\n"),
        "{usage}"
    );
    assert!(
        usage.contains("\nC2,2026-01-08,-12.345679,-3.5,h,refund,,\n"),
        "{usage}"
    );
    assert!(
        usage.contains("\nC1,2026-01-05,100.00,10,gpu_hour,gb200-us-east,,\n"),
        "{usage}"
    );

    let second = test_db().await;
    import_files(
        &second.db,
        ImportSource::open_dir(&a).unwrap(),
        "tester",
        Arc::new(NoProgress),
    )
    .await
    .unwrap();
    store::export::export_dir(&second.db, &b).await.unwrap();
    for kind in store::LedgerFile::ALL {
        let one = std::fs::read_to_string(a.join(kind.file_name())).unwrap();
        let two = std::fs::read_to_string(b.join(kind.file_name())).unwrap();
        assert_eq!(one, two, "{} differs after a round trip", kind.file_name());
    }
    assert_eq!(
        store::reports::snapshot(&first.db)
            .await
            .unwrap()
            .usage
            .amount_e6
            .iter()
            .sum::<i64>(),
        store::reports::snapshot(&second.db)
            .await
            .unwrap()
            .usage
            .amount_e6
            .iter()
            .sum::<i64>()
    );
}
