use crate::ledger::{month_of, Filters, LedgerFrames};
use polars::prelude::*;

/// Per month with both usage and revenue: infrastructure spend (all of it, under a contract or
/// none), revenue and their ratio.
/// Columns: `month`, `infra_spend_e6`, `revenue_e6`, `ratio`; in month order.
pub fn infra_to_revenue(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let spend = ledger
        .vendor_usage(filters)
        .group_by([month_of("date").alias("month")])
        .agg([col("amount_e6").sum().alias("infra_spend_e6")]);
    let revenue = ledger
        .revenue_as_of(filters)
        .group_by([month_of("period_start").alias("month")])
        .agg([col("amount_e6").sum().alias("revenue_e6")]);
    spend
        .inner_join(revenue, col("month"), col("month"))
        .with_column(
            (col("infra_spend_e6").cast(DataType::Float64)
                / col("revenue_e6").cast(DataType::Float64))
            .alias("ratio"),
        )
        .sort(["month"], SortMultipleOptions::default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example;

    #[test]
    fn matches_the_domain_worked_example() {
        let out = infra_to_revenue(&worked_example::frames(), &Filters::default()).unwrap();
        let spend: Vec<_> = worked_example::cents(&out, "infra_spend_e6");
        assert_eq!(spend, [45_050, 30_000]);
        let ratio: Vec<_> = worked_example::f64s(&out, "ratio");
        assert!((ratio[0] - 450.50 / 900.0).abs() < 1e-15, "{}", ratio[0]);
        assert!((ratio[1] - 0.3).abs() < 1e-15, "{}", ratio[1]);
    }
}
