use crate::ledger::{month_of, Filters, LedgerFrames};
use polars::prelude::*;

/// Per month with both usage and revenue: infrastructure spend, revenue and their ratio.
/// Columns: `month`, `infra_spend_minor`, `revenue_minor`, `ratio`; in month order.
pub fn infra_to_revenue(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let spend = ledger
        .daily_usage(filters)
        .group_by([month_of("date").alias("month")])
        .agg([col("amount_minor").sum().alias("infra_spend_minor")]);
    let revenue = ledger
        .revenue_as_of(filters)
        .group_by([month_of("period_start").alias("month")])
        .agg([col("amount_minor").sum().alias("revenue_minor")]);
    spend
        .inner_join(revenue, col("month"), col("month"))
        .with_column(
            (col("infra_spend_minor").cast(DataType::Float64)
                / col("revenue_minor").cast(DataType::Float64))
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
        let spend: Vec<_> = worked_example::i64s(&out, "infra_spend_minor");
        assert_eq!(spend, [45_050, 30_000]);
        let ratio: Vec<_> = worked_example::f64s(&out, "ratio");
        assert!((ratio[0] - 450.50 / 900.0).abs() < 1e-15, "{}", ratio[0]);
        assert!((ratio[1] - 0.3).abs() < 1e-15, "{}", ratio[1]);
    }
}
