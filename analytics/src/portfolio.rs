use crate::ledger::{Filters, LedgerFrames};
use polars::prelude::*;

/// The burn-down of all contracts passing the filters taken together, per day with usage:
/// `date`, `cumulative_spend_e6`, `remaining_e6` (the filtered contracts' commitments
/// less that spend). Amounts are summed exactly as they are; callers mixing
/// currencies must split by currency first.
pub fn portfolio_burn_down(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let committed: i64 = ledger
        .spend_commitments(filters)
        .select([col("committed_e6").sum()])
        .collect()?
        .column("committed_e6")?
        .i64()?
        .get(0)
        .unwrap_or(0);
    ledger
        .daily_usage(filters)
        .group_by([col("date")])
        .agg([col("amount_e6").sum()])
        .sort(["date"], SortMultipleOptions::default())
        .select([
            col("date"),
            col("amount_e6").cum_sum(false).alias("cumulative_spend_e6"),
        ])
        .with_column((lit(committed) - col("cumulative_spend_e6")).alias("remaining_e6"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example;

    #[test]
    fn sums_every_contract_day_by_day() {
        // C1 spends 150.50 on Jan 5 and 200.00 on Feb 10; C2 300.00 on Jan 20 and 100.00 on
        // Feb 15; together they committed 1,000.00 + 3,000.00.
        let out = portfolio_burn_down(&worked_example::frames(), &Filters::default()).unwrap();
        assert_eq!(
            worked_example::cents(&out, "cumulative_spend_e6"),
            [15_050, 45_050, 65_050, 75_050]
        );
        assert_eq!(
            worked_example::cents(&out, "remaining_e6"),
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
        assert_eq!(worked_example::cents(&out, "cumulative_spend_e6"), [30_000]);
        assert_eq!(worked_example::cents(&out, "remaining_e6"), [270_000]);
    }
}
