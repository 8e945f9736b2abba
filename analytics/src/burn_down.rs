use crate::ledger::{Filters, LedgerFrames};
use polars::prelude::*;

/// Per spend commitment and day with spend applied to it: cumulative spend and remaining
/// commitment, in contract, commitment, date order. Columns: `contract`, `commitment`, `date`,
/// `cumulative_spend_e6`, `remaining_e6`.
pub fn burn_down(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    ledger
        .daily_usage(filters)
        .sort(["contract", "commitment", "date"], SortMultipleOptions::default())
        .with_column(
            col("amount_e6")
                .cum_sum(false)
                .over([col("contract"), col("commitment")])?
                .alias("cumulative_spend_e6"),
        )
        .select([
            col("contract"),
            col("commitment"),
            col("date"),
            col("cumulative_spend_e6"),
            (col("committed_e6") - col("cumulative_spend_e6")).alias("remaining_e6"),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example;

    #[test]
    fn matches_the_domain_worked_example() {
        let out = burn_down(&worked_example::frames(), &Filters::default()).unwrap();
        let expected = df!(
            "contract" => ["C1", "C1", "C2", "C2"],
            "commitment" => ["C1", "C1", "C2", "C2"],
            "date" => ["2026-01-05", "2026-02-10", "2026-01-20", "2026-02-15"].map(|s| s.parse::<chrono::NaiveDate>().unwrap()),
            "cumulative_spend_e6" => [15_050i64, 35_050, 30_000, 40_000].map(worked_example::e6),
            "remaining_e6" => [84_950i64, 64_950, 270_000, 260_000].map(worked_example::e6),
        )
        .unwrap();
        assert!(out.equals(&expected), "{out}");
    }

    #[test]
    fn as_of_and_filters_narrow_the_rows() {
        let filters = Filters {
            as_of: "2026-01-31".parse().ok(),
            vendors: vec!["A".into()],
            ..Default::default()
        };
        let out = burn_down(&worked_example::frames(), &filters).unwrap();
        assert_eq!(out.height(), 1);
        assert_eq!(
            out.column("remaining_e6").unwrap().i64().unwrap().get(0),
            Some(worked_example::e6(84_950))
        );
    }
}

#[cfg(test)]
mod empty_ledger {
    use super::*;

    #[test]
    fn an_empty_ledger_gives_empty_reports_not_errors() {
        let frames =
            LedgerFrames::from_snapshot(&domain::snapshot::LedgerSnapshot::default()).unwrap();
        let filters = Filters::default();
        assert_eq!(burn_down(&frames, &filters).unwrap().height(), 0);
        assert_eq!(
            crate::vendor_concentration(&frames, &filters)
                .unwrap()
                .height(),
            0
        );
        assert_eq!(
            crate::infra_to_revenue(&frames, &filters).unwrap().height(),
            0
        );
        let as_of = "2026-01-01".parse().unwrap();
        assert_eq!(
            crate::projection(&frames, &filters, as_of, 90)
                .unwrap()
                .height(),
            0
        );
    }
}
