//! Export then import into an empty database gives the same ledger.

mod common;

use common::{fixtures, test_db};
use std::sync::Arc;
use store::import::{import_files, ImportSource, NoProgress};
use store::ledger::table_counts;

/// Imports the export in `a` into an empty ledger, exports that into `b`, and checks that every
/// file came back the same (a ledger without further commitments writes no commitments.csv).
async fn reimported(a: &std::path::Path, b: &std::path::Path) -> common::TestDb {
    let second = test_db().await;
    import_files(
        &second.db,
        ImportSource::open_dir(a).unwrap(),
        "tester",
        Arc::new(NoProgress),
    )
    .await
    .unwrap();
    store::export::export_dir(&second.db, b).await.unwrap();
    for kind in store::LedgerFile::ALL {
        let one = std::fs::read_to_string(a.join(kind.file_name())).ok();
        let two = std::fs::read_to_string(b.join(kind.file_name())).ok();
        assert_eq!(one, two, "{} differs after a round trip", kind.file_name());
    }
    second
}

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

    let second = reimported(&a, &b).await;
    let (c1, c2) = (
        table_counts(&first.db).await.unwrap(),
        table_counts(&second.db).await.unwrap(),
    );
    assert_eq!(c1, c2);
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

    let second = reimported(&a, &b).await;
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

#[tokio::test]
async fn several_commitments_per_contract_survive_a_round_trip() {
    let first = test_db().await;
    let mut files = ImportSource::open_dir(&fixtures().join("ledger")).unwrap();
    // C1 gains a GPU-hours usage commitment (quarterly, scoped to GB300) and C2 a storage
    // pool from July (scoped to S3). From July S3 spend is held by both of C2's commitments,
    // so only a row naming one is applied; compute is held by C2's own alone.
    files.push(ImportSource::from_bytes(
        store::LedgerFile::Commitments,
        "commitments.csv",
        b"contract,commitment,start_date,end_date,category,committed_amount,quantity,unit,commitment_model,fulfillment_interval,scope\n\
          C1,gpu-hours,2026-04-01,2026-12-31,usage,,1000,gpu_hour,build_up,quarterly,gb300\n\
          C2,storage,2026-07-01,2027-06-30,spend,500.00,,,burn_down,term,s3\n"
            .to_vec(),
    ));
    files.push(ImportSource::from_bytes(
        store::LedgerFile::Usage,
        "usage-2.csv",
        b"contract,date,amount,quantity,unit,sku,vendor,currency,commitment\n\
          C1,2026-04-02,140.25,10,gpu_hour,gb300-us-east,,,gpu-hours\n\
          C2,2026-07-02,12.345678,5,tb_month,s3-standard,,,\n\
          C2,2026-07-02,7.654321,3,tb_month,s3-standard,,,storage\n\
          C2,2026-07-03,99.00,1,gpu_hour,h100-eu-north,,,\n"
            .to_vec(),
    ));
    import_files(&first.db, files, "tester", Arc::new(NoProgress))
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    store::export::export_dir(&first.db, &a).await.unwrap();
    let usage = std::fs::read_to_string(a.join("usage.csv")).unwrap();
    assert!(
        usage.contains("\nC1,2026-04-02,140.25,10,gpu_hour,gb300-us-east,,,gpu-hours\n"),
        "{usage}"
    );
    // Held by two commitments: applied to none. Found by period and scope: written with it.
    assert!(
        usage.contains("\nC2,2026-07-02,12.345678,5,tb_month,s3-standard,,,\n"),
        "{usage}"
    );
    assert!(
        usage.contains("\nC2,2026-07-03,99.00,1,gpu_hour,h100-eu-north,,,C2\n"),
        "{usage}"
    );
    assert!(
        usage.contains("\nC1,2026-01-05,100.00,10,gpu_hour,gb200-us-east,,,C1\n"),
        "{usage}"
    );
    let commitments = std::fs::read_to_string(a.join("commitments.csv")).unwrap();
    assert_eq!(
        commitments,
        "contract,commitment,start_date,end_date,category,committed_amount,quantity,unit,commitment_model,fulfillment_interval,scope\n\
         C1,gpu-hours,2026-04-01,2026-12-31,usage,0.00,1000,gpu_hour,build_up,quarterly,gb300\n\
         C2,storage,2026-07-01,2027-06-30,spend,500.00,,,burn_down,term,s3\n"
    );

    let second = reimported(&a, &b).await;
    let (s1, s2) = (
        store::reports::snapshot(&first.db).await.unwrap(),
        store::reports::snapshot(&second.db).await.unwrap(),
    );
    assert_eq!(s1.commitments.len(), 4);
    assert_eq!(s1.commitments, s2.commitments);
    // Per commitment, the applied sums are the exact sums of the rows.
    let applied = |s: &domain::snapshot::LedgerSnapshot, name: &str| -> i64 {
        let id = s
            .commitments
            .iter()
            .find(|k| k.commitment == name)
            .unwrap()
            .commitment_id;
        (0..s.usage.len())
            .filter(|&i| s.usage.commitment_id[i] == Some(id))
            .map(|i| s.usage.amount_e6[i])
            .sum()
    };
    for s in [&s1, &s2] {
        assert_eq!(applied(s, "gpu-hours"), 140_250_000);
        assert_eq!(applied(s, "storage"), 7_654_321);
        assert_eq!(
            applied(s, "C2"),
            499_000_000,
            "the fixture's 400.00 and July's compute"
        );
    }
}
