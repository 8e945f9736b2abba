//! Which columns each file kind has and which parser imports it: the one place a new file
//! kind is wired in (besides its own module under `kinds`, and `file_kind`).

use super::columns::ColumnSpec;
use super::file_kind::LedgerFile;
use super::kinds::{
    commitments::CommitmentRow, contracts::ContractRow, deliveries::PhaseRow, receipts::ReceiptRow,
    revenue::RevenueRow, usage::UsageRow, vendors::VendorRow,
};
use super::lookups::Lookups;
use super::outcome::{Progress, Rejections};
use super::pg_copy::StagingTables;
use super::pipeline::{FileOutcome, RowParser, Run};
use super::source::ImportSource;
use crate::focus::usage::FocusUsageRows;
use sea_orm::{DatabaseTransaction, DbErr};
use std::sync::Arc;

impl LedgerFile {
    /// Every column, in file order (the export header).
    pub fn column_names(self) -> Vec<&'static str> {
        self.columns().names()
    }

    pub fn columns(self) -> ColumnSpec {
        match self {
            LedgerFile::Vendors => VendorRow::FILE_COLUMNS,
            LedgerFile::Contracts => ContractRow::FILE_COLUMNS,
            LedgerFile::Commitments => CommitmentRow::FILE_COLUMNS,
            LedgerFile::Deliveries => PhaseRow::FILE_COLUMNS,
            LedgerFile::Receipts => ReceiptRow::FILE_COLUMNS,
            LedgerFile::Usage => UsageRow::FILE_COLUMNS,
            LedgerFile::Revenue => RevenueRow::FILE_COLUMNS,
            LedgerFile::FocusUsage => FocusUsageRows::FILE_COLUMNS,
            LedgerFile::FocusContracts => ColumnSpec {
                required: crate::focus::commitments::COLUMNS,
                optional: &[],
            },
        }
    }
}

/// Streams one file through its kind's parser into the transaction.
pub(super) async fn import_file(
    txn: &DatabaseTransaction,
    source: ImportSource,
    import_id: i64,
    lookups: Lookups,
    rejections: Rejections,
    progress: Arc<dyn Progress>,
    staging: Option<&StagingTables>,
) -> Result<FileOutcome, DbErr> {
    let run = Run {
        source,
        import_id,
        lookups,
        rejections,
        progress,
    };
    match run.source.kind {
        LedgerFile::Vendors => run.execute::<VendorRow>(txn, staging).await,
        // FOCUS commitments arrive here already turned into a contracts file.
        LedgerFile::Contracts | LedgerFile::FocusContracts => {
            run.execute::<ContractRow>(txn, staging).await
        }
        LedgerFile::Commitments => run.execute::<CommitmentRow>(txn, staging).await,
        LedgerFile::Deliveries => run.execute::<PhaseRow>(txn, staging).await,
        LedgerFile::Receipts => run.execute::<ReceiptRow>(txn, staging).await,
        LedgerFile::Usage => run.execute::<UsageRow>(txn, staging).await,
        LedgerFile::Revenue => run.execute::<RevenueRow>(txn, staging).await,
        LedgerFile::FocusUsage => run.execute::<FocusUsageRows>(txn, staging).await,
    }
}
