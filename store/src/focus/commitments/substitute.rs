//! A FOCUS Contract Commitment file inside an import: replaced by the vendors, contracts and
//! commitments files it holds, and their errors and summaries carried back to its own name,
//! lines and columns.

use super::columns::focus_column;
use super::generate::{contracts_file_name, expand};
use crate::import::file_kind::LedgerFile;
use crate::import::outcome::{FileSummary, Rejections};
use crate::import::source::ImportSource;
use sea_orm::{DatabaseTransaction, DbErr};

/// A FOCUS contract commitment file's name, the FOCUS line of each generated contract row and
/// commitment row, and what it skipped.
pub(crate) type FocusContracts = Vec<(String, Vec<u64>, Vec<u64>, Vec<String>)>;

/// Replaces each FOCUS contract commitment file by the vendors and contracts files it holds.
pub(crate) async fn expand_focus_contracts(
    txn: &DatabaseTransaction,
    sources: Vec<ImportSource>,
    rejections: &mut Rejections,
) -> Result<(Vec<ImportSource>, FocusContracts), DbErr> {
    let mut out = Vec::new();
    let mut expanded = Vec::new();
    for source in sources {
        if source.kind != LedgerFile::FocusContracts {
            out.push(source);
            continue;
        }
        let name = source.name.clone();
        match expand(txn, source).await? {
            Ok(e) => {
                for mut generated in e.sources {
                    if generated.kind == LedgerFile::Vendors {
                        generated.name = format!("{name} (new vendors)");
                    }
                    out.push(generated);
                }
                expanded.push((name, e.contract_lines, e.commitment_lines, e.skipped));
            }
            Err(errors) => errors.into_iter().for_each(|e| rejections.push(e)),
        }
    }
    Ok((out, expanded))
}

/// The FOCUS line of each data line of the contracts and commitments files generated from
/// one FOCUS file.
pub(crate) struct FocusLines<'a> {
    pub contracts: &'a [u64],
    pub commitments: &'a [u64],
}

/// Puts FOCUS lines, columns and the file's own name on the errors of the files generated
/// from it, and its skipped rows on its summary (or a summary of its own when nothing was new).
pub(crate) fn focus_contracts_summary(
    files: &mut Vec<FileSummary>,
    rejections: &mut Rejections,
    name: &str,
    lines: FocusLines<'_>,
    skipped: Vec<String>,
) {
    let contracts_file = contracts_file_name(name);
    for e in rejections.errors.iter_mut() {
        let from_contracts = e.file == contracts_file;
        if !from_contracts && e.file != name {
            continue;
        }
        let map = if from_contracts {
            lines.contracts
        } else {
            lines.commitments
        };
        e.file = name.to_owned();
        e.line = e
            .line
            .and_then(|l| l.checked_sub(2))
            .and_then(|i| map.get(i as usize).copied())
            .or(e.line.filter(|l| *l == 1));
        if let Some(column) = &mut e.column {
            *column = focus_column(column, from_contracts).to_owned();
        }
    }
    for f in files.iter_mut().filter(|f| f.file_name == contracts_file) {
        f.file_name = name.to_owned();
    }
    let summary = files
        .iter()
        .position(|f| f.file_name == name && f.kind == LedgerFile::Commitments)
        .or_else(|| {
            files
                .iter()
                .position(|f| f.file_name == name && f.kind == LedgerFile::Contracts)
        });
    match summary.and_then(|i| files.get_mut(i)) {
        Some(summary) => {
            summary.kind = LedgerFile::FocusContracts;
            summary.skipped = skipped;
        }
        None => files.push(FileSummary {
            kind: LedgerFile::FocusContracts,
            file_name: name.to_owned(),
            rows: 0,
            import_id: None,
            skipped,
            notes: Vec::new(),
        }),
    }
}
