use crate::ledger::{month_of, Filters, LedgerFrames};
use polars::prelude::*;

/// Per month and vendor with usage (under a contract or none): spend, share of the month's spend, and the month's
/// Herfindahl–Hirschman index (10000 × Σ share², see `crate::hhi`). Columns: `month`, `vendor`, `spend_e6`,
/// `share`, `hhi`; in month then vendor order.
pub fn vendor_concentration(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let share = col("spend_e6").cast(DataType::Float64)
        / col("spend_e6")
            .sum()
            .over([col("month")])?
            .cast(DataType::Float64);
    let mut out = ledger
        .vendor_usage(filters)
        .with_column(month_of("date").alias("month"))
        .group_by([col("month"), col("vendor")])
        .agg([col("amount_e6").sum().alias("spend_e6")])
        .with_column(share.alias("share"))
        .sort(["month", "vendor"], SortMultipleOptions::default())
        .collect()?;
    let hhi = hhi_per_month(&out)?;
    out.with_column(Column::new("hhi".into(), hhi))?;
    Ok(out)
}

/// Each row's month's HHI, its vendors' shares squared in vendor order (see `crate::hhi`).
fn hhi_per_month(out: &DataFrame) -> PolarsResult<Vec<f64>> {
    let months: Vec<Option<i32>> = out.column("month")?.date()?.physical().iter().collect();
    let shares: Vec<f64> = out
        .column("share")?
        .f64()?
        .iter()
        .map(|s| s.unwrap_or(0.0))
        .collect();
    let mut hhi = Vec::with_capacity(months.len());
    let mut start = 0;
    while start < months.len() {
        let end = (start..months.len())
            .find(|i| months[*i] != months[start])
            .unwrap_or(months.len());
        let month_hhi = crate::hhi::hhi(&shares[start..end]);
        hhi.extend(std::iter::repeat_n(month_hhi, end - start));
        start = end;
    }
    Ok(hhi)
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
