use crate::ledger::{Filters, LedgerFrames};
use polars::prelude::*;

/// The burn-down of all contracts passing the filters taken together, per day with usage:
/// `date`, `cumulative_spend_minor`, `remaining_minor` (the filtered contracts' commitments
/// less that spend). Amounts are summed in minor units as they are; callers mixing
/// currencies must split by currency first.
pub fn portfolio_burn_down(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let committed: i64 = ledger
        .filtered_contracts(filters)
        .select([col("committed_minor").sum()])
        .collect()?
        .column("committed_minor")?
        .i64()?
        .get(0)
        .unwrap_or(0);
    ledger
        .daily_usage(filters)
        .group_by([col("date")])
        .agg([col("amount_minor").sum()])
        .sort(["date"], SortMultipleOptions::default())
        .select([
            col("date"),
            col("amount_minor")
                .cum_sum(false)
                .alias("cumulative_spend_minor"),
        ])
        .with_column((lit(committed) - col("cumulative_spend_minor")).alias("remaining_minor"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example;

    fn column(frame: &DataFrame, name: &str) -> Vec<i64> {
        frame
            .column(name)
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    #[test]
    fn sums_every_contract_day_by_day() {
        // C1 spends 150.50 on Jan 5 and 200.00 on Feb 10; C2 300.00 on Jan 20 and 100.00 on
        // Feb 15; together they committed 1,000.00 + 3,000.00.
        let out = portfolio_burn_down(&worked_example::frames(), &Filters::default()).unwrap();
        assert_eq!(
            column(&out, "cumulative_spend_minor"),
            [15_050, 45_050, 65_050, 75_050]
        );
        assert_eq!(
            column(&out, "remaining_minor"),
            [384_950, 354_950, 334_950, 324_950]
        );
    }

    #[test]
    fn filters_narrow_both_spend_and_commitment() {
        let filters = Filters {
            vendors: vec!["B".into()],
            as_of: "2026-01-31".parse().ok(),
            ..Default::default()
        };
        let out = portfolio_burn_down(&worked_example::frames(), &filters).unwrap();
        assert_eq!(column(&out, "cumulative_spend_minor"), [30_000]);
        assert_eq!(column(&out, "remaining_minor"), [270_000]);
    }
}
