//! A FOCUS Contract Commitment dataset turned into the ledger's own vendors, contracts and
//! commitments files, compared with what the ledger holds: a contract held with the same terms
//! is skipped, one with other terms refused rather than overwritten.

use super::held::{existing_contracts, vendor_names};
use super::read::{push_error, read};
use super::terms::commitments_of;
use crate::import::file_kind::LedgerFile;
use crate::import::kinds::{
    commitments::CommitmentRow, contracts::ContractRow, vendors::VendorRow,
};
use crate::import::outcome::RowError;
use crate::import::pipeline::RowParser;
use crate::import::source::ImportSource;
use domain::decimal::{format_scaled, format_scaled_trimmed};
use domain::quantity::QUANTITY_PLACES;
use sea_orm::{ConnectionTrait, DbErr};

/// A FOCUS file turned into the ledger's own vendors, contracts and commitments files.
pub(crate) struct Expanded {
    /// New vendors, contracts and commitments (any may be absent).
    pub sources: Vec<ImportSource>,
    /// The FOCUS line of each data line of the generated contracts file (index = line - 2).
    pub contract_lines: Vec<u64>,
    /// Likewise for the generated commitments file.
    pub commitment_lines: Vec<u64>,
    /// What was read but not imported, for the summary.
    pub skipped: Vec<String>,
}

/// The name of the contracts file generated from FOCUS file `name` (its commitments file
/// keeps the name).
pub(crate) fn contracts_file_name(name: &str) -> String {
    format!("{name} (contracts)")
}

/// Reads a Contract Commitment dataset and writes the ledger files it adds; every bad row is
/// reported with its line.
pub(crate) async fn expand(
    db: &impl ConnectionTrait,
    source: ImportSource,
) -> Result<Result<Expanded, Vec<RowError>>, DbErr> {
    let file = source.name.clone();
    let mut errors = Vec::new();
    let groups = read(source, &mut errors);
    let names = vendor_names(db).await?;
    let existing = existing_contracts(db, &names).await?;
    let vendors: std::collections::HashSet<&String> = names.values().collect();
    let mut contracts_csv = csv::Writer::from_writer(Vec::new());
    let mut commitments_csv = csv::Writer::from_writer(Vec::new());
    let mut vendors_csv = csv::Writer::from_writer(Vec::new());
    let _ = contracts_csv.write_record(ContractRow::FILE_COLUMNS.names());
    let _ = commitments_csv.write_record(CommitmentRow::FILE_COLUMNS.names());
    let _ = vendors_csv.write_record(VendorRow::FILE_COLUMNS.names());
    let mut new_vendors = std::collections::BTreeSet::new();
    let mut contract_lines = Vec::new();
    let mut commitment_lines = Vec::new();
    let mut unchanged = 0u64;
    for (id, g) in groups {
        let (Some(start), Some(end)) = (g.start, g.end) else {
            continue;
        };
        let held = existing.get(&id);
        if let Some(held) = held {
            if (
                held.vendor.as_str(),
                held.currency.as_str(),
                held.start,
                held.end,
            ) != (g.vendor.as_str(), g.currency.as_str(), start, end)
            {
                push_error(&mut errors, &file,
                    Some(g.first_line),
                    "ContractId",
                    format!(
                        "contract {id:?} is already in the ledger with a different provider, currency or period ({}, {}, {} to {}); it is not overwritten",
                        held.vendor, held.currency, held.start, held.end
                    ),
                );
                continue;
            }
        }
        let mut added = 0;
        for (line, terms) in commitments_of(&g.periods) {
            match held.and_then(|h| h.commitments.iter().find(|k| k.reference == terms.reference)) {
                Some(same) if *same == terms => {}
                Some(other) => push_error(&mut errors, &file,
                    Some(line),
                    "ContractCommitmentId",
                    format!(
                        "commitment {:?} of contract {id:?} is already in the ledger with different terms ({}); it is not overwritten",
                        terms.reference, other.describe()
                    ),
                ),
                None => {
                    added += 1;
                    let quantity = terms
                        .quantity_micros
                        .map(|q| format_scaled_trimmed(q, QUANTITY_PLACES))
                        .unwrap_or_default();
                    let _ = commitments_csv.write_record([
                        id.as_str(),
                        &terms.reference,
                        &terms.from.to_string(),
                        &terms.to.to_string(),
                        terms.category.as_str(),
                        &format_scaled(terms.committed_minor, domain::money::MINOR_PLACES),
                        &quantity,
                        &terms.unit,
                        terms.model.as_str(),
                        terms.interval.as_str(),
                        &terms.scope,
                    ]);
                    commitment_lines.push(line);
                }
            }
        }
        if held.is_some() {
            if added == 0 {
                unchanged += 1;
            }
            continue;
        }
        if !vendors.contains(&g.vendor) {
            new_vendors.insert(g.vendor.clone());
        }
        // No amount: the contract's commitments are all in the commitments file.
        let _ = contracts_csv.write_record([
            id.as_str(),
            &g.vendor,
            &start.to_string(),
            &end.to_string(),
            "",
            &g.currency,
            &g.title,
            "",
            "",
            "",
        ]);
        contract_lines.push(g.first_line);
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    for name in &new_vendors {
        let _ = vendors_csv.write_record([name.as_str(), ""]);
    }
    let mut skipped = Vec::new();
    if unchanged > 0 {
        skipped.push(format!(
            "{unchanged} contracts already in the ledger with the same terms"
        ));
    }
    let mut sources = Vec::new();
    if !new_vendors.is_empty() {
        let bytes = vendors_csv.into_inner().unwrap_or_default();
        sources.push(ImportSource::from_bytes(LedgerFile::Vendors, &file, bytes));
    }
    if !contract_lines.is_empty() {
        let bytes = contracts_csv.into_inner().unwrap_or_default();
        sources.push(ImportSource::from_bytes(
            LedgerFile::Contracts,
            &contracts_file_name(&file),
            bytes,
        ));
    }
    if !commitment_lines.is_empty() {
        let bytes = commitments_csv.into_inner().unwrap_or_default();
        sources.push(ImportSource::from_bytes(
            LedgerFile::Commitments,
            &file,
            bytes,
        ));
    }
    Ok(Ok(Expanded {
        sources,
        contract_lines,
        commitment_lines,
        skipped,
    }))
}
