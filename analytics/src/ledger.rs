//! The frames every report starts from, and the filters every report accepts.

use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::HashMap;

/// The ledger as frames, keyed by contract and commitment reference; money exact in
/// millionths (`*_e6`), each amount's currency in a `currency` column (frames read from CSV
/// by `raw` have none: one currency):
/// - `contracts`, one row per contract (with commitments or without): `contract`, `vendor` str
/// - `commitments`, one row per commitment: `contract`, `commitment`, `vendor`, `category`
///   (`spend`/`usage`) str, `committed_e6` i64, `start_date`, `end_date` date (the
///   commitment's period), optionally `commitment_model`, `fulfillment_interval` str,
///   `committed_quantity_micros` i64 (usage commitments), `unit` str
/// - `usage`: `contract` str (null: spend under no contract), `commitment` str (null: applied
///   to none), `vendor` str, `date` date, `amount_e6` i64, `quantity_micros` i64 (raw rows or
///   daily sums)
/// - `revenue`: `period_start` date, `amount_e6` i64
/// - `phases`: `contract`, `phase`, `resource` str, `planned_date` date,
///   `planned_quantity_micros` i64, optionally `planned_power_micros` i64 (null: none stated)
/// - `receipts`: `contract`, `phase` str, `date` date, `quantity_micros` i64, optionally
///   `power_micros` i64
#[derive(Clone)]
pub struct LedgerFrames {
    pub contracts: DataFrame,
    pub commitments: DataFrame,
    pub usage: DataFrame,
    pub revenue: DataFrame,
    pub phases: DataFrame,
    pub receipts: DataFrame,
    /// How projections carry spend forward (changed only by a what-if scenario).
    pub outlook: crate::outlook::Outlook,
    /// The exchange rates, for a consolidated view (see `consolidate`).
    pub rates: std::sync::Arc<domain::rate_book::RateBook>,
    /// The rate cards, each in its contract's currency (the plan-driven forecast's prices).
    pub rate_cards: std::sync::Arc<Vec<domain::rate_card::RateCard>>,
}

impl LedgerFrames {
    /// Delivery frames with no rows, for callers that only have usage and revenue.
    pub fn no_deliveries() -> PolarsResult<(DataFrame, DataFrame)> {
        let phases = df!(
            "contract" => Vec::<&str>::new(),
            "phase" => Vec::<&str>::new(),
            "resource" => Vec::<&str>::new(),
            "planned_date" => Vec::<NaiveDate>::new(),
            "planned_quantity_micros" => Vec::<i64>::new(),
        )?;
        let receipts = df!(
            "contract" => Vec::<&str>::new(),
            "phase" => Vec::<&str>::new(),
            "date" => Vec::<NaiveDate>::new(),
            "quantity_micros" => Vec::<i64>::new(),
        )?;
        Ok((phases, receipts))
    }
}

/// As-of date (entries after it are ignored) and vendor / contract / commitment filters
/// (empty = all). A commitment filter names commitment references, of whichever contract.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub as_of: Option<NaiveDate>,
    pub vendors: Vec<String>,
    pub contracts: Vec<String>,
    pub commitments: Vec<String>,
}

fn is_in(column: &str, values: &[String]) -> Expr {
    let series = Series::new(column.into(), values);
    col(column).is_in(lit(series).implode(false), false)
}

impl LedgerFrames {
    /// Frames from the store's snapshot (usage already summed per commitment and day).
    pub fn from_snapshot(snapshot: &domain::snapshot::LedgerSnapshot) -> PolarsResult<Self> {
        let c = &snapshot.commitments;
        let reference: HashMap<i64, &str> = snapshot
            .contracts
            .iter()
            .map(|c| (c.id, c.reference.as_str()))
            .collect();
        let contracts = df!(
            "contract" => snapshot.contracts.iter().map(|c| c.reference.as_str()).collect::<Vec<_>>(),
            "vendor" => snapshot.contracts.iter().map(|c| c.vendor.as_str()).collect::<Vec<_>>(),
            "currency" => snapshot.contracts.iter().map(|c| c.currency.as_str()).collect::<Vec<_>>(),
        )?;
        let currency_of: HashMap<i64, &str> = snapshot
            .contracts
            .iter()
            .map(|c| (c.id, c.currency.as_str()))
            .collect();
        let commitment: HashMap<i64, &str> = c
            .iter()
            .map(|k| (k.commitment_id, k.commitment.as_str()))
            .collect();
        let vendor: HashMap<i64, &str> = snapshot
            .vendors
            .iter()
            .map(|(id, name)| (*id, name.as_str()))
            .collect();
        let exact = |minor: i64| {
            domain::exact::from_minor(minor).ok_or_else(
                || polars_err!(ComputeError: "an amount of {} is too large to hold exactly", minor),
            )
        };
        let commitments = df!(
            "contract" => c.iter().map(|c| c.contract.as_str()).collect::<Vec<_>>(),
            "commitment" => c.iter().map(|c| c.commitment.as_str()).collect::<Vec<_>>(),
            "vendor" => c.iter().map(|c| c.vendor.as_str()).collect::<Vec<_>>(),
            "category" => c.iter().map(|c| c.category.as_str()).collect::<Vec<_>>(),
            "committed_e6" => c.iter().map(|c| exact(c.committed_minor)).collect::<PolarsResult<Vec<_>>>()?,
            "committed_quantity_micros" => c.iter().map(|c| c.quantity_micros).collect::<Vec<_>>(),
            "unit" => c.iter().map(|c| c.unit.as_str()).collect::<Vec<_>>(),
            "start_date" => c.iter().map(|c| c.start_date).collect::<Vec<_>>(),
            "end_date" => c.iter().map(|c| c.end_date).collect::<Vec<_>>(),
            "commitment_model" => c.iter().map(|c| c.commitment_model.as_str()).collect::<Vec<_>>(),
            "fulfillment_interval" => c.iter().map(|c| c.fulfillment_interval.as_str()).collect::<Vec<_>>(),
            "scoped" => c.iter().map(|c| c.scoped).collect::<Vec<_>>(),
            "currency" => c.iter().map(|c| c.currency.as_str()).collect::<Vec<_>>(),
        )?;
        let u = &snapshot.usage;
        let usage = df!(
            "contract" => u.contract_id.iter().map(|id| id.and_then(|id| reference.get(&id).copied())).collect::<Vec<_>>(),
            "commitment" => u.commitment_id.iter().map(|id| id.and_then(|id| commitment.get(&id).copied())).collect::<Vec<_>>(),
            "vendor" => u.vendor_id.iter().map(|id| vendor.get(id).copied().unwrap_or("")).collect::<Vec<_>>(),
            "date" => &u.date,
            "amount_e6" => &u.amount_e6,
            "quantity_micros" => &u.quantity_micros,
            "currency" => u.contract_id.iter().zip(&u.currency).map(|(id, own)| match id {
                Some(id) => currency_of.get(id).copied(),
                None => own.as_ref().map(|c| c.as_str()),
            }).collect::<Vec<_>>(),
        )?;
        let revenue = df!(
            "period_start" => &snapshot.revenue.period_start,
            "amount_e6" => snapshot.revenue.amount_minor.iter().map(|m| exact(*m)).collect::<PolarsResult<Vec<_>>>()?,
            "currency" => snapshot.revenue.currency.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        )?;
        let p = &snapshot.phases;
        let phases = df!(
            "contract" => p.iter().map(|p| p.contract.as_str()).collect::<Vec<_>>(),
            "phase" => p.iter().map(|p| p.phase.as_str()).collect::<Vec<_>>(),
            "resource" => p.iter().map(|p| p.resource.as_str()).collect::<Vec<_>>(),
            "planned_date" => p.iter().map(|p| p.planned_date).collect::<Vec<_>>(),
            "planned_quantity_micros" => p.iter().map(|p| p.planned_quantity_micros).collect::<Vec<_>>(),
            "planned_power_micros" => p.iter().map(|p| p.planned_power_micros).collect::<Vec<_>>(),
        )?;
        let r = &snapshot.receipts;
        let receipts = df!(
            "contract" => r.iter().map(|r| r.contract.as_str()).collect::<Vec<_>>(),
            "phase" => r.iter().map(|r| r.phase.as_str()).collect::<Vec<_>>(),
            "date" => r.iter().map(|r| r.date).collect::<Vec<_>>(),
            "quantity_micros" => r.iter().map(|r| r.quantity_micros).collect::<Vec<_>>(),
            "power_micros" => r.iter().map(|r| r.power_micros).collect::<Vec<_>>(),
        )?;
        Ok(Self {
            contracts,
            commitments,
            usage,
            revenue,
            phases,
            receipts,
            outlook: Default::default(),
            rates: std::sync::Arc::new(domain::rate_book::RateBook::new(
                snapshot.rates.iter().copied(),
            )),
            rate_cards: std::sync::Arc::new(snapshot.rate_cards.clone()),
        })
    }

    /// Spend applied to spend commitments, summed per commitment and day, filtered, with the
    /// commitment's terms: `contract`, `commitment`, `date`, `amount_e6`, `vendor`,
    /// `committed_e6`, …. Spend under no contract or applied to no commitment is left out: it
    /// burns nothing. Summing before the join keeps the join small however many raw rows.
    pub(crate) fn daily_usage(&self, filters: &Filters) -> LazyFrame {
        self.usage_as_of(filters)
            .filter(col("commitment").is_not_null())
            .group_by([col("contract"), col("commitment"), col("date")])
            .agg([col("amount_e6").sum()])
            .join(
                self.spend_commitments(filters),
                [col("contract"), col("commitment")],
                [col("contract"), col("commitment")],
                JoinArgs::new(JoinType::Inner),
            )
    }

    /// All infrastructure spend per vendor and day, under a contract or none, filtered:
    /// `vendor`, `date`, `amount_e6`. What the ratio and the vendor concentration count. A
    /// contract filter keeps only those contracts' spend.
    pub(crate) fn vendor_usage(&self, filters: &Filters) -> LazyFrame {
        let mut usage = self.usage_as_of(filters);
        if !filters.vendors.is_empty() {
            usage = usage.filter(is_in("vendor", &filters.vendors));
        }
        usage
            .group_by([col("vendor"), col("date")])
            .agg([col("amount_e6").sum()])
    }

    /// Raw usage up to the as-of date, of the filtered contracts and commitments (all, when
    /// none is named).
    pub(crate) fn usage_as_of(&self, filters: &Filters) -> LazyFrame {
        let mut usage = self.usage.clone().lazy();
        if let Some(as_of) = filters.as_of {
            usage = usage.filter(col("date").lt_eq(lit(as_of)));
        }
        if !filters.contracts.is_empty() {
            usage = usage.filter(is_in("contract", &filters.contracts));
        }
        if !filters.commitments.is_empty() {
            usage = usage.filter(is_in("commitment", &filters.commitments));
        }
        usage
    }

    /// Contracts passing the vendor and contract filters (a commitment filter does not apply:
    /// deliveries belong to the contract).
    pub(crate) fn filtered_contracts(&self, filters: &Filters) -> LazyFrame {
        let mut contracts = self.contracts.clone().lazy();
        if !filters.vendors.is_empty() {
            contracts = contracts.filter(is_in("vendor", &filters.vendors));
        }
        if !filters.contracts.is_empty() {
            contracts = contracts.filter(is_in("contract", &filters.contracts));
        }
        contracts
    }

    /// Commitments passing the vendor, contract and commitment filters.
    pub(crate) fn filtered_commitments(&self, filters: &Filters) -> LazyFrame {
        let mut commitments = self.commitments.clone().lazy();
        if !filters.vendors.is_empty() {
            commitments = commitments.filter(is_in("vendor", &filters.vendors));
        }
        if !filters.contracts.is_empty() {
            commitments = commitments.filter(is_in("contract", &filters.contracts));
        }
        if !filters.commitments.is_empty() {
            commitments = commitments.filter(is_in("commitment", &filters.commitments));
        }
        commitments
    }

    /// The filtered spend commitments: what burn-downs, projections and true-ups are about
    /// (a usage commitment is measured in its unit, by the `commitments` report).
    pub(crate) fn spend_commitments(&self, filters: &Filters) -> LazyFrame {
        self.filtered_commitments(filters)
            .filter(col("category").eq(lit("spend")))
    }

    /// Revenue up to the as-of date (vendor and contract filters do not apply to revenue).
    pub(crate) fn revenue_as_of(&self, filters: &Filters) -> LazyFrame {
        let revenue = self.revenue.clone().lazy();
        match filters.as_of {
            Some(as_of) => revenue.filter(col("period_start").lt_eq(lit(as_of))),
            None => revenue,
        }
    }
}

/// Month buckets (`YYYY-MM-01`) for a date column.
pub(crate) fn month_of(column: &str) -> Expr {
    col(column).dt().truncate(lit("1mo"))
}

#[cfg(test)]
pub(crate) mod worked_example {
    //! The worked example of store/tests/fixtures as frames.
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Cents as the frames hold them (exact millionths).
    pub fn e6(cents: i64) -> i64 {
        cents * domain::exact::PER_MINOR
    }

    /// A money column in cents; fails on a value with digits below a cent.
    pub fn cents(frame: &DataFrame, column: &str) -> Vec<i64> {
        i64s(frame, column)
            .into_iter()
            .map(|v| {
                assert_eq!(
                    v % domain::exact::PER_MINOR,
                    0,
                    "{column}: {v} is not whole cents"
                );
                v / domain::exact::PER_MINOR
            })
            .collect()
    }

    pub fn frames() -> LedgerFrames {
        let commitments = df!(
            "contract" => ["C1", "C2"],
            "commitment" => ["C1", "C2"],
            "vendor" => ["A", "B"],
            "category" => ["spend", "spend"],
            "committed_e6" => [100_000i64, 300_000].map(e6),
            "start_date" => [d("2026-01-01"), d("2026-01-01")],
            "end_date" => [d("2026-12-31"), d("2027-12-31")],
            "commitment_model" => ["build_up", "build_up"],
            "fulfillment_interval" => ["term", "term"],
        )
        .unwrap();
        let usage = df!(
            "contract" => ["C1", "C1", "C1", "C2", "C2"].map(Some),
            "commitment" => ["C1", "C1", "C1", "C2", "C2"].map(Some),
            "vendor" => ["A", "A", "A", "B", "B"],
            "date" => [d("2026-01-05"), d("2026-01-05"), d("2026-02-10"), d("2026-01-20"), d("2026-02-15")],
            "amount_e6" => [10_000i64, 5_050, 20_000, 30_000, 10_000].map(e6),
            "quantity_micros" => [0i64; 5],
        )
        .unwrap();
        let revenue = df!(
            "period_start" => [d("2026-01-01"), d("2026-02-01")],
            "amount_e6" => [90_000i64, 100_000].map(e6),
        )
        .unwrap();
        // The fixture deliveries of store/tests/fixtures/ledger: C1 phases initial (100 by
        // Feb 1) and expansion (250.5 by Sep 30), C2 cluster (64 by Mar 15).
        let phases = df!(
            "contract" => ["C1", "C1", "C2"],
            "phase" => ["initial", "expansion", "cluster"],
            "resource" => ["GB200", "GB300", "H100"],
            "planned_date" => [d("2026-02-01"), d("2026-09-30"), d("2026-03-15")],
            "planned_quantity_micros" => [100_000_000i64, 250_500_000, 64_000_000],
        )
        .unwrap();
        let receipts = df!(
            "contract" => ["C1", "C1", "C2"],
            "phase" => ["initial", "initial", "cluster"],
            "date" => [d("2026-02-03"), d("2026-02-20"), d("2026-03-10")],
            "quantity_micros" => [60_000_000i64, 40_000_000, 64_000_000],
        )
        .unwrap();
        LedgerFrames {
            contracts: df!("contract" => ["C1", "C2"], "vendor" => ["A", "B"]).unwrap(),
            commitments,
            usage,
            revenue,
            phases,
            receipts,
            outlook: Default::default(),
            rates: Default::default(),
            rate_cards: Default::default(),
        }
    }

    pub fn i64s(frame: &DataFrame, column: &str) -> Vec<i64> {
        frame
            .column(column)
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    pub fn f64s(frame: &DataFrame, column: &str) -> Vec<f64> {
        frame
            .column(column)
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    pub fn strs(frame: &DataFrame, column: &str) -> Vec<String> {
        frame
            .column(column)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .map(str::to_owned)
            .collect()
    }
}
