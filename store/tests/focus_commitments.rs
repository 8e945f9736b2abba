//! FOCUS 1.3 Contract Commitment dataset: the ledger's contracts out and back in.

mod common;

use common::test_db;
use std::sync::Arc;
use store::focus::commitments as focus_commitments;
use store::import::{import_files, ImportError, ImportSource, LedgerFile, NoProgress};
use store::ledger::table_counts;
use store::DatabaseConnection;

const VENDORS: &str = "name,kind\nAWS,hyperscaler\nOracle,hyperscaler\n";
// A seven-year annual commitment (38B does not split evenly into cents: the last year takes
// the remainder), a term build-up, and a burn-down pool.
const CONTRACTS: &str = "reference,vendor,start_date,end_date,committed_amount,currency,title,commitment_model,fulfillment_interval,notes\n\
    AWS-38B,AWS,2025-11-01,2032-10-31,38000000000.00,USD,GPU capacity,build_up,annual,\n\
    ORCL-300B,Oracle,2027-01-01,2031-12-31,300000000000.00,USD,,build_up,term,\n\
    AWS-POOL,AWS,2026-01-01,2026-12-31,1000000.00,USD,Prepaid,burn_down,term,\n";

async fn import(
    db: &DatabaseConnection,
    kind: LedgerFile,
    name: &str,
    text: &str,
) -> Result<store::ImportReport, ImportError> {
    import_files(
        db,
        vec![ImportSource::from_bytes(
            kind,
            name,
            text.as_bytes().to_vec(),
        )],
        "tester",
        Arc::new(NoProgress),
    )
    .await
}

async fn exported(db: &DatabaseConnection) -> String {
    let mut out = Vec::new();
    focus_commitments::export(db, &mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

/// The contracts as the ledger exports them, in reference order.
async fn ledger_contracts(db: &DatabaseConnection) -> Vec<String> {
    let mut out = Vec::new();
    store::export::export_table(db, LedgerFile::Contracts, &mut out)
        .await
        .unwrap();
    let mut lines: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

#[tokio::test]
async fn contracts_export_as_commitment_periods() {
    let t = test_db().await;
    import(&t.db, LedgerFile::Vendors, "vendors.csv", VENDORS)
        .await
        .unwrap();
    import(&t.db, LedgerFile::Contracts, "contracts.csv", CONTRACTS)
        .await
        .unwrap();
    let text = exported(&t.db).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], focus_commitments::COLUMNS.join(","));
    assert_eq!(lines.len(), 1 + 7 + 1 + 1, "{text}");
    // Contracts in reference order: AWS-38B's seven years first.
    assert!(
        lines[1].starts_with("USD,Spend,5428571428.57,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",AWS-38B/Y1,2026-11-01T00:00:00Z,2025-11-01T00:00:00Z,,Build-up minimum spend,,AWS-38B,2032-11-01T00:00:00Z,2025-11-01T00:00:00Z,AWS,GPU capacity"), "{}", lines[1]);
    assert!(
        lines[7].starts_with("USD,Spend,5428571428.58,"),
        "the last year takes the remainder: {}",
        lines[7]
    );
    assert!(
        lines[8].contains(
            ",AWS-POOL,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,,Burn-down prepaid pool,"
        ),
        "{}",
        lines[8]
    );
    assert!(
        lines[9].starts_with("USD,Spend,300000000000.00,"),
        "{}",
        lines[9]
    );
}

#[tokio::test]
async fn an_export_imports_into_an_empty_ledger_as_the_same_contracts_and_again_adds_nothing() {
    let source = test_db().await;
    import(&source.db, LedgerFile::Vendors, "vendors.csv", VENDORS)
        .await
        .unwrap();
    import(
        &source.db,
        LedgerFile::Contracts,
        "contracts.csv",
        CONTRACTS,
    )
    .await
    .unwrap();
    let focus = exported(&source.db).await;

    let target = test_db().await;
    let report = import(
        &target.db,
        LedgerFile::FocusContracts,
        "commitments.csv",
        &focus,
    )
    .await
    .unwrap();
    let contracts = report
        .files
        .iter()
        .find(|f| f.kind == LedgerFile::FocusContracts)
        .unwrap();
    assert_eq!(contracts.rows, 3);
    let vendors = report
        .files
        .iter()
        .find(|f| f.kind == LedgerFile::Vendors)
        .unwrap();
    assert_eq!(
        vendors.rows, 2,
        "the vendors come from x_ServiceProviderName"
    );
    // Titles and models survive; notes are not part of the dataset.
    assert_eq!(
        ledger_contracts(&target.db).await,
        ledger_contracts(&source.db).await
    );

    let counts = table_counts(&target.db).await.unwrap();
    let again = import(
        &target.db,
        LedgerFile::FocusContracts,
        "commitments.csv",
        &focus,
    )
    .await
    .unwrap();
    assert_eq!(again.files.len(), 1);
    assert_eq!(again.files[0].rows, 0);
    assert_eq!(
        again.files[0].skipped,
        ["3 contracts already in the ledger with the same terms"]
    );
    assert_eq!(table_counts(&target.db).await.unwrap(), counts);
}

#[tokio::test]
async fn a_contract_with_other_terms_is_refused_not_overwritten() {
    let t = test_db().await;
    import(&t.db, LedgerFile::Vendors, "vendors.csv", VENDORS)
        .await
        .unwrap();
    import(&t.db, LedgerFile::Contracts, "contracts.csv", CONTRACTS)
        .await
        .unwrap();
    let focus = exported(&t.db)
        .await
        .replace("USD,Spend,1000000.00,", "USD,Spend,2000000.00,");
    let counts = table_counts(&t.db).await.unwrap();
    let err = import(&t.db, LedgerFile::FocusContracts, "commitments.csv", &focus)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string().lines().nth(1).unwrap().trim(),
        "commitments.csv:9: ContractCommitmentId: commitment \"AWS-POOL\" of contract \"AWS-POOL\" is already in the ledger with different terms (1000000.00 from 2026-01-01 to 2026-12-31, burn_down, term); it is not overwritten"
    );
    assert_eq!(table_counts(&t.db).await.unwrap(), counts);
}

#[tokio::test]
async fn bad_commitment_rows_are_named_by_focus_line_and_column() {
    let t = test_db().await;
    let header = focus_commitments::COLUMNS.join(",");
    let text = format!(
        "{header}\n\
         USD,Spend,100.00,,N-1,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,,Minimum spend,,N-1,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,Nebius,,\n\
         USD,Spend,60.00,,U-1/Y1,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,,Minimum spend,,U-1,2028-01-01T00:00:00Z,2026-01-01T00:00:00Z,Nebius,,\n\
         USD,Spend,40.00,,U-1/Y2,2028-01-01T00:00:00Z,2027-01-01T00:00:00Z,,Minimum spend,,U-1,2028-01-01T00:00:00Z,2026-01-01T00:00:00Z,Nebius,,\n\
         USD,Spend,-5,,B-1,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,,Minimum spend,,B-1,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,Nebius,,\n\
         DOLLAR,Spend,5.00,,C-1,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,,Minimum spend,,C-1,2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,Nebius,,\n"
    );
    let err = import(&t.db, LedgerFile::FocusContracts, "c.csv", &text)
        .await
        .unwrap_err();
    let ImportError::Rejected { errors, .. } = err else {
        panic!("{err}")
    };
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        ["c.csv:5: ContractCommitmentCost: must not be negative",]
    );
    // With that fixed, the bad currency is found by the ledger's own contract rules, and
    // reported on the FOCUS line and column. (U-1's uneven years are two commitments.)
    let text = text
        .replace("USD,Spend,-5,", "USD,Spend,5,")
        .replace("USD,Spend,60.00,", "USD,Spend,50.00,")
        .replace("USD,Spend,40.00,", "USD,Spend,50.00,");
    let err = import(&t.db, LedgerFile::FocusContracts, "c.csv", &text)
        .await
        .unwrap_err();
    let ImportError::Rejected { errors, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, Some(6));
    assert_eq!(errors[0].column.as_deref(), Some("BillingCurrency"));
    assert_eq!(
        table_counts(&t.db).await.unwrap(),
        store::ledger::TableCounts::default()
    );
}
