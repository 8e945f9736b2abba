//! What validating one row needs besides the row itself, and the checks every kind shares:
//! natural keys claimed once per file, contracts and vendors resolved, usage placed on its
//! commitment and summed per day for the rollup.

use super::lookups::{ContractKey, Lookups};
use crate::rollup::DailyUsageRow;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{FieldError, NewUsage};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};

/// What validating one row needs besides the row: the ledger's keys, the keys seen so far in
/// this file (for "duplicate of line N"), and per-import values.
pub(crate) struct RowContext {
    pub lookups: Lookups,
    seen: HashMap<String, u64>,
    pub import_id: i64,
    pub now: DateTime<Utc>,
    line: u64,
    /// Touched once per usage row: a fast hash (the keys are ids and dates, not user text).
    pub(super) daily: FxHashMap<(i64, i64, NaiveDate, i64), DailyUsageRow>,
    /// The contracts' own commitments, written once the contracts have ids.
    pub own_commitments: Vec<domain::NewCommitment>,
    /// Rows read but not imported, by reason, for the import's summary.
    pub skipped: BTreeMap<String, u64>,
    /// Rows imported that the summary points out ("rows under no contract"), by what.
    pub noted: BTreeMap<String, u64>,
}

impl RowContext {
    pub(super) fn new(lookups: Lookups, import_id: i64, now: DateTime<Utc>) -> Self {
        Self {
            lookups,
            seen: HashMap::new(),
            import_id,
            now,
            line: 1,
            daily: FxHashMap::default(),
            own_commitments: Vec::new(),
            skipped: BTreeMap::new(),
            noted: BTreeMap::new(),
        }
    }

    /// The line of the record being parsed (for "first on line N").
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    pub(super) fn set_line(&mut self, line: u64) {
        self.line = line;
    }

    /// Claims a natural key for this row; `exists` says whether the ledger already holds it.
    pub(crate) fn claim(
        &mut self,
        column: &str,
        what: &str,
        key: String,
        exists: bool,
    ) -> Result<(), Vec<FieldError>> {
        if let Some(first) = self.seen.get(&key) {
            return Err(vec![FieldError::new(
                column,
                format!("duplicate {what} (first on line {first})"),
            )]);
        }
        if exists {
            return Err(vec![FieldError::new(
                column,
                format!("{what} already exists in the ledger"),
            )]);
        }
        self.seen.insert(key, self.line);
        Ok(())
    }

    /// Adds a usage row to its day's rollup, refusing a sum the rollup cannot hold.
    pub(crate) fn add_to_day(
        &mut self,
        placed: &PlacedUsage,
        usage: &NewUsage,
    ) -> Result<(), Vec<FieldError>> {
        let contract_id = placed.contract_id.unwrap_or(crate::rollup::NO_CONTRACT);
        let commitment_id = placed.commitment_id.unwrap_or(crate::rollup::NO_COMMITMENT);
        let day = self
            .daily
            .entry((contract_id, commitment_id, usage.date, placed.vendor_id))
            .or_insert_with(|| DailyUsageRow {
                contract_id,
                commitment_id,
                date: usage.date,
                vendor_id: placed.vendor_id,
                ..Default::default()
            });
        // Checked: each value fits, but a day's sum of them need not (found by fuzzing).
        let too_large = |column: &str| {
            let whose = match &usage.contract {
                Some(contract) => format!("contract {contract}"),
                None => format!(
                    "{} (no contract)",
                    usage.vendor.as_deref().unwrap_or_default()
                ),
            };
            vec![FieldError::new(
                column,
                format!(
                    "adds up past the largest {column} the ledger can hold for {whose}'s usage on {}",
                    usage.date
                ),
            )]
        };
        let amount = day
            .amount_e6
            .checked_add(usage.amount_e6)
            .ok_or_else(|| too_large("amount"))?;
        let quantity = day
            .quantity_micros
            .checked_add(usage.quantity.micros())
            .ok_or_else(|| too_large("quantity"))?;
        day.amount_e6 = amount;
        day.quantity_micros = quantity;
        day.entries += 1;
        Ok(())
    }

    /// Where a usage row goes: its contract (if it names one) and vendor, checked.
    pub(crate) fn place(&self, usage: &NewUsage) -> Result<PlacedUsage, Vec<FieldError>> {
        let contract = usage
            .contract
            .as_deref()
            .map(|reference| self.contract(reference))
            .transpose()?;
        let vendor_id = match usage.vendor.as_deref() {
            None => None,
            Some(name) => Some(self.lookups.vendors.get(name).copied().ok_or_else(|| {
                vec![FieldError::new(
                    "vendor",
                    format!("unknown vendor {name:?}"),
                )]
            })?),
        };
        let (vendor_id, currency) = usage.placement(
            contract
                .as_ref()
                .map(|k| (k.vendor_id, k.currency, &k.term)),
            vendor_id,
        )?;
        let commitment_id = match usage.contract.as_deref() {
            Some(reference) => self.apply(reference, usage.commitment.as_deref(), usage)?,
            None => None,
        };
        Ok(PlacedUsage {
            vendor_id,
            contract_id: contract.map(|k| k.id),
            commitment_id,
            currency,
        })
    }

    /// The commitment of contract `reference` a usage row is applied to (see
    /// `domain::commitment::apply`).
    pub(crate) fn apply(
        &self,
        reference: &str,
        named: Option<&str>,
        usage: &NewUsage,
    ) -> Result<Option<i64>, Vec<FieldError>> {
        let commitments = self
            .lookups
            .commitments
            .get(reference)
            .map_or(&[][..], Vec::as_slice);
        domain::commitment::apply(commitments, named, usage.date, &usage.sku).map_err(|e| vec![e])
    }

    pub(crate) fn contract(&self, reference: &str) -> Result<ContractKey, Vec<FieldError>> {
        self.lookups
            .contracts
            .get(reference)
            .copied()
            .ok_or_else(|| {
                vec![FieldError::new(
                    "contract",
                    format!("unknown contract reference {reference:?}"),
                )]
            })
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct PlacedUsage {
    pub vendor_id: i64,
    pub contract_id: Option<i64>,
    pub commitment_id: Option<i64>,
    pub currency: domain::Currency,
}
