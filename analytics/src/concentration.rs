use crate::ledger::{month_of, Filters, LedgerFrames};
use polars::prelude::*;

/// Per month and vendor with usage (under a contract or none): spend, share of the month's spend, and the month's
/// Herfindahl–Hirschman index (10000 × Σ share²). Columns: `month`, `vendor`, `spend_e6`,
/// `share`, `hhi`; in month then vendor order.
pub fn vendor_concentration(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let share = col("spend_e6").cast(DataType::Float64)
        / col("spend_e6")
            .sum()
            .over([col("month")])?
            .cast(DataType::Float64);
    ledger
        .vendor_usage(filters)
        .with_column(month_of("date").alias("month"))
        .group_by([col("month"), col("vendor")])
        .agg([col("amount_e6").sum().alias("spend_e6")])
        .with_column(share.alias("share"))
        .with_column((col("share").pow(2).sum().over([col("month")])? * lit(10_000.0)).alias("hhi"))
        .sort(["month", "vendor"], SortMultipleOptions::default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example;

    #[test]
    fn matches_the_domain_worked_example() {
        let out = vendor_concentration(&worked_example::frames(), &Filters::default()).unwrap();
        let vendors: Vec<_> = worked_example::strs(&out, "vendor");
        assert_eq!(vendors, ["A", "B", "A", "B"]);
        let spend: Vec<_> = worked_example::cents(&out, "spend_e6");
        assert_eq!(spend, [15_050, 30_000, 20_000, 10_000]);
        let share: Vec<_> = worked_example::f64s(&out, "share");
        let hhi: Vec<_> = worked_example::f64s(&out, "hhi");
        let jan_a = 150.50 / 450.50;
        let jan_hhi = 10_000.0 * (jan_a * jan_a + (300.0 / 450.5f64).powi(2));
        for (got, want) in share
            .iter()
            .zip([jan_a, 300.0 / 450.5, 2.0 / 3.0, 1.0 / 3.0])
        {
            assert!((got - want).abs() < 1e-12, "share {got} vs {want}");
        }
        assert!(
            (hhi[0] - jan_hhi).abs() < 1e-9 && (hhi[0] - 5550.6337144).abs() < 1e-6,
            "{}",
            hhi[0]
        );
        assert!((hhi[2] - 5555.5555555).abs() < 1e-6, "{}", hhi[2]);
    }
}

#[cfg(test)]
mod one_vendor {
    use super::*;
    use crate::ledger::worked_example;

    #[test]
    fn a_single_vendor_has_an_hhi_of_10000() {
        let filters = Filters {
            vendors: vec!["B".into()],
            ..Default::default()
        };
        let out = vendor_concentration(&worked_example::frames(), &filters).unwrap();
        let hhi: Vec<_> = worked_example::f64s(&out, "hhi");
        assert_eq!(hhi, [10_000.0, 10_000.0]);
    }
}
