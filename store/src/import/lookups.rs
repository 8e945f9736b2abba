//! What the import must know about the ledger to resolve references and catch duplicates:
//! loaded once per import, extended row by row as files are validated, reloaded from the
//! transaction after a file is written (to learn the ids the database gave).

use super::LedgerFile;
use crate::entities::{commitment, contract, delivery_phase, revenue_entry, usage_entry, vendor};
use chrono::NaiveDate;
use domain::commitment::Applicable;
use domain::date::Term;
use domain::Currency;
use rustc_hash::FxHashMap;
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy)]
pub struct ContractKey {
    pub id: i64,
    pub vendor_id: i64,
    pub currency: Currency,
    pub term: Term,
}

pub struct Lookups {
    // Looked up once or twice per usage row: a fast hash (the keys are the ledger's own).
    pub vendors: FxHashMap<String, i64>,
    pub contracts: FxHashMap<String, ContractKey>,
    /// Each contract's commitments, by contract reference (what usage is applied to).
    pub commitments: FxHashMap<String, Vec<Applicable>>,
    pub phases: HashMap<(i64, String), i64>,
    pub revenue_periods: HashSet<(NaiveDate, Currency)>,
    /// References of contracts this import refused: rows naming them say nothing more.
    pub refused_contracts: HashSet<String>,
    /// Months closed for the books (their first days).
    pub closed_months: HashSet<NaiveDate>,
    /// Row hashes of usage imported from FOCUS files; loaded only when one is imported.
    pub focus_hashes: Option<HashSet<String>>,
    next_placeholder: i64,
}

impl Lookups {
    pub async fn load(txn: &DatabaseTransaction) -> Result<Self, DbErr> {
        let mut lookups = Self {
            vendors: FxHashMap::default(),
            contracts: FxHashMap::default(),
            commitments: FxHashMap::default(),
            phases: HashMap::new(),
            revenue_periods: HashSet::new(),
            refused_contracts: HashSet::new(),
            closed_months: crate::ledger::periods::closed_months(txn).await?,
            focus_hashes: None,
            next_placeholder: 0,
        };
        for kind in [
            LedgerFile::Vendors,
            LedgerFile::Contracts,
            LedgerFile::Deliveries,
            LedgerFile::Revenue,
        ] {
            lookups.reload(txn, kind).await?;
        }
        Ok(lookups)
    }

    /// Refuses a row dated in a closed month.
    pub fn check_open(&self, column: &str, date: NaiveDate) -> Result<(), Vec<domain::FieldError>> {
        if self
            .closed_months
            .contains(&domain::date::month_start(date))
        {
            return Err(vec![crate::ledger::periods::closed_error(column, date)]);
        }
        Ok(())
    }

    /// Stands in for the id of an entry validated but not (yet) written; negative, so it can
    /// never collide with a real id.
    pub fn placeholder_id(&mut self) -> i64 {
        self.next_placeholder -= 1;
        self.next_placeholder
    }

    pub async fn reload(
        &mut self,
        txn: &DatabaseTransaction,
        kind: LedgerFile,
    ) -> Result<(), DbErr> {
        match kind {
            LedgerFile::Vendors => {
                self.vendors = vendor::Entity::find()
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|v| (v.name, v.id))
                    .collect();
            }
            LedgerFile::Contracts => {
                self.contracts = contract::Entity::find()
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|c| {
                        let key = ContractKey {
                            id: c.id,
                            vendor_id: c.vendor_id,
                            currency: Currency::parse(&c.currency).map_err(DbErr::Custom)?,
                            term: Term::new(c.start_date, c.end_date).map_err(DbErr::Custom)?,
                        };
                        Ok((c.reference, key))
                    })
                    .collect::<Result<_, DbErr>>()?;
                Box::pin(self.reload(txn, LedgerFile::Commitments)).await?;
            }
            LedgerFile::Commitments => {
                let references: HashMap<i64, &String> =
                    self.contracts.iter().map(|(r, k)| (k.id, r)).collect();
                let mut by_contract: FxHashMap<String, Vec<Applicable>> = FxHashMap::default();
                for k in commitment::Entity::find().all(txn).await? {
                    if let Some(reference) = references.get(&k.contract_id) {
                        by_contract
                            .entry((*reference).clone())
                            .or_default()
                            .push(crate::ledger::commitments::applicable(&k)?);
                    }
                }
                self.commitments = by_contract;
            }
            LedgerFile::Deliveries => {
                self.phases = delivery_phase::Entity::find()
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|p| ((p.contract_id, p.phase), p.id))
                    .collect();
            }
            LedgerFile::Revenue => {
                self.revenue_periods = revenue_entry::Entity::find()
                    .all(txn)
                    .await?
                    .into_iter()
                    .filter_map(|r| {
                        Currency::parse(&r.currency)
                            .ok()
                            .map(|c| (r.period_start, c))
                    })
                    .collect();
            }
            LedgerFile::FocusUsage => {
                use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
                let hashes: Vec<Option<String>> = usage_entry::Entity::find()
                    .select_only()
                    .column(usage_entry::Column::RowHash)
                    .filter(usage_entry::Column::RowHash.is_not_null())
                    .into_tuple()
                    .all(txn)
                    .await?;
                self.focus_hashes = Some(hashes.into_iter().flatten().collect());
            }
            LedgerFile::FocusContracts => Box::pin(self.reload(txn, LedgerFile::Contracts)).await?,
            LedgerFile::Receipts | LedgerFile::Usage => {}
        }
        Ok(())
    }
}
