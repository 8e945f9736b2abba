//! The Formats page's templates import as they are: the seven ledger files together into an
//! empty ledger (checked first, then for real), and the FOCUS template on top of them.

mod common;

use std::sync::Arc;
use store::formats::FileFormat;
use store::import::{check_files, import_files, ImportSource, LedgerFile, NoProgress};
use store::ledger::table_counts;

fn template(kind: LedgerFile) -> ImportSource {
    let format = FileFormat::of(kind).expect("documented");
    ImportSource::from_bytes(kind, kind.file_name(), format.template_csv().into_bytes())
}

#[tokio::test]
async fn every_template_imports_cleanly() {
    let t = common::test_db().await;
    let ledger = || {
        LedgerFile::ALL
            .iter()
            .map(|k| template(*k))
            .collect::<Vec<_>>()
    };

    let checked = check_files(&t.db, ledger(), "tester", Arc::new(NoProgress))
        .await
        .unwrap_or_else(|e| panic!("ledger templates rejected: {e:?}"));
    assert_eq!(checked.files.len(), LedgerFile::ALL.len());
    assert_eq!(
        table_counts(&t.db).await.unwrap().vendors,
        0,
        "check writes nothing"
    );

    import_files(&t.db, ledger(), "tester", Arc::new(NoProgress))
        .await
        .unwrap_or_else(|e| panic!("ledger templates rejected: {e:?}"));
    let counts = table_counts(&t.db).await.unwrap();
    // Two rows a file; each contract's own commitment and one further commitment each.
    let got = [
        counts.vendors,
        counts.contracts,
        counts.commitments,
        counts.delivery_phases,
        counts.delivery_receipts,
        counts.usage_entries,
        counts.revenue_entries,
    ];
    assert_eq!(got, [2, 2, 4, 2, 2, 2, 2]);

    let focus = vec![template(LedgerFile::FocusUsage)];
    check_files(&t.db, focus, "tester", Arc::new(NoProgress))
        .await
        .unwrap_or_else(|e| panic!("FOCUS template rejected: {e:?}"));
}
