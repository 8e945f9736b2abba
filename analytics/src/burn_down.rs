use crate::ledger::{Filters, LedgerFrames};
use polars::prelude::*;

/// Per spend commitment and day with spend applied to it: cumulative spend and remaining
/// commitment, in contract, commitment, date order. Columns: `contract`, `commitment`, `date`,
/// `cumulative_spend_e6`, `remaining_e6`.
pub fn burn_down(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    ledger
        .daily_usage(filters)
        .sort(
            ["contract", "commitment", "date"],
            SortMultipleOptions::default(),
        )
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

/// Per usage commitment and day with usage applied to it: the quantity consumed so far and
/// what remains of the commitment's quantity, in its unit. Columns: `contract`, `commitment`,
/// `unit`, `date`, `cumulative_quantity_micros`, `remaining_quantity_micros`.
pub fn usage_burn_down(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let keys = || [col("contract"), col("commitment")];
    ledger
        .usage_as_of(filters)
        .filter(col("commitment").is_not_null())
        .group_by([col("contract"), col("commitment"), col("date")])
        .agg([col("quantity_micros").sum()])
        .join(
            ledger
                .filtered_commitments(filters)
                .filter(col("category").eq(lit("usage"))),
            keys(),
            keys(),
            JoinArgs::new(JoinType::Inner),
        )
        .sort(
            ["contract", "commitment", "date"],
            SortMultipleOptions::default(),
        )
        .with_column(
            col("quantity_micros")
                .cum_sum(false)
                .over(keys())?
                .alias("cumulative_quantity_micros"),
        )
        .select([
            col("contract"),
            col("commitment"),
            col("unit"),
            col("date"),
            col("cumulative_quantity_micros"),
            (col("committed_quantity_micros") - col("cumulative_quantity_micros"))
                .alias("remaining_quantity_micros"),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example;

    #[test]
    fn a_usage_commitment_burns_down_in_its_unit() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let mut frames = worked_example::frames();
        frames.commitments = df!(
            "contract" => ["C1", "C1"],
            "commitment" => ["C1", "gpu"],
            "vendor" => ["A", "A"],
            "category" => ["spend", "usage"],
            "committed_e6" => [worked_example::e6(100_000), 0],
            "committed_quantity_micros" => [None, Some(100_000_000i64)],
            "unit" => ["", "gpu_hour"],
            "start_date" => [d("2026-01-01"), d("2026-01-01")],
            "end_date" => [d("2026-12-31"), d("2026-12-31")],
        )
        .unwrap();
        frames.usage = df!(
            "contract" => [Some("C1"); 4],
            "commitment" => [Some("gpu"), Some("gpu"), Some("C1"), Some("gpu")],
            "vendor" => ["A"; 4],
            "date" => [d("2026-01-05"), d("2026-01-05"), d("2026-01-06"), d("2026-02-01")],
            "amount_e6" => [1, 2, 3, 4],
            "quantity_micros" => [10_000_000i64, -2_500_000, 7_000_000, 30_000_000],
        )
        .unwrap();
        let out = usage_burn_down(&frames, &Filters::default()).unwrap();
        // 10 hours less a 2.5-hour refund on Jan 5, 30 more on Feb 1; C1's 7 hours are spend's.
        assert_eq!(
            worked_example::i64s(&out, "remaining_quantity_micros"),
            [92_500_000, 62_500_000]
        );
        assert_eq!(worked_example::strs(&out, "commitment"), ["gpu", "gpu"]);
    }

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
