//! How far each commitment is fulfilled, spend and usage commitments alike: what was applied
//! to it (amount, and quantity in its unit), what remains, and — for a scoped commitment — the
//! contract's spend in its period that the scope kept out ("eligible spend that did not
//! count": applied to no commitment).

use crate::ledger::{Filters, LedgerFrames};
use polars::prelude::*;

/// One row per commitment (filtered), in (contract, commitment) order. Columns: `contract`,
/// `commitment`, `category`, `unit`, `start_date`, `end_date`, `committed_e6`, `applied_e6`,
/// `remaining_e6` (empty for a usage commitment without an amount),
/// `committed_quantity_micros`, `applied_quantity_micros`,
/// `remaining_quantity_micros` (usage commitments; empty for spend), `not_counted_e6`.
pub fn commitment_fulfilment(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let usage = ledger.usage_as_of(filters);
    let applied = usage
        .clone()
        .filter(col("commitment").is_not_null())
        .group_by([col("contract"), col("commitment")])
        .agg([
            col("amount_e6").sum().alias("applied_e6"),
            col("quantity_micros")
                .sum()
                .alias("applied_quantity_micros"),
        ]);
    let commitments = ledger.filtered_commitments(filters);
    let keys = || [col("contract"), col("commitment")];
    // The contract's unapplied spend, per day, matched to each scoped commitment's period.
    let unapplied = usage
        .filter(
            col("contract")
                .is_not_null()
                .and(col("commitment").is_null()),
        )
        .group_by([col("contract"), col("date")])
        .agg([col("amount_e6").sum().alias("unapplied_e6")]);
    let not_counted = commitments
        .clone()
        .filter(col("scoped"))
        .select([
            col("contract"),
            col("commitment"),
            col("start_date"),
            col("end_date"),
        ])
        .join(
            unapplied,
            [col("contract")],
            [col("contract")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("date")
                .gt_eq(col("start_date"))
                .and(col("date").lt_eq(col("end_date"))),
        )
        .group_by(keys())
        .agg([col("unapplied_e6").sum().alias("not_counted_e6")]);
    let usage_commitment = col("category").eq(lit("usage"));
    commitments
        .join(applied, keys(), keys(), JoinArgs::new(JoinType::Left))
        .join(not_counted, keys(), keys(), JoinArgs::new(JoinType::Left))
        .with_columns([
            col("applied_e6").fill_null(lit(0i64)),
            col("applied_quantity_micros").fill_null(lit(0i64)),
            col("not_counted_e6").fill_null(lit(0i64)),
        ])
        .sort(["contract", "commitment"], SortMultipleOptions::default())
        .select([
            col("contract"),
            col("commitment"),
            col("category"),
            col("unit"),
            col("start_date"),
            col("end_date"),
            col("committed_e6"),
            col("applied_e6"),
            // A usage commitment without an amount has no money left to spend.
            when(
                usage_commitment
                    .clone()
                    .and(col("committed_e6").eq(lit(0i64))),
            )
            .then(lit(NULL).cast(DataType::Int64))
            .otherwise(col("committed_e6") - col("applied_e6"))
            .alias("remaining_e6"),
            col("committed_quantity_micros"),
            when(usage_commitment.clone())
                .then(col("applied_quantity_micros"))
                .otherwise(lit(NULL).cast(DataType::Int64))
                .alias("applied_quantity_micros"),
            when(usage_commitment)
                .then(col("committed_quantity_micros") - col("applied_quantity_micros"))
                .otherwise(lit(NULL).cast(DataType::Int64))
                .alias("remaining_quantity_micros"),
            col("not_counted_e6"),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example::{cents, e6, i64s, strs};
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// AWS-1 runs 2026: a 1,000.00 minimum over the first half, a 500.00 compute commitment
    /// (scoped) over the second, and a 100-GPU-hour usage commitment over the year. Spend:
    /// 100.00 in March (the minimum), 50.00 of compute in August, 30.00 of storage in August
    /// (outside compute's scope, after the minimum: applied to none), 5 GPU-hours for 20.00,
    /// and 7.00 on demand under no contract.
    fn frames() -> LedgerFrames {
        let mut frames = crate::ledger::worked_example::frames();
        frames.commitments = df!(
            "contract" => ["AWS-1", "AWS-1", "AWS-1"],
            "commitment" => ["compute", "gpu-hours", "minimum"],
            "vendor" => ["AWS", "AWS", "AWS"],
            "category" => ["spend", "usage", "spend"],
            "committed_e6" => [e6(50_000), 0, e6(100_000)],
            "committed_quantity_micros" => [None, Some(100_000_000i64), None],
            "unit" => ["", "GPU-hours", ""],
            "start_date" => [d("2026-07-01"), d("2026-01-01"), d("2026-01-01")],
            "end_date" => [d("2026-12-31"), d("2026-12-31"), d("2026-06-30")],
            "scoped" => [true, false, false],
        )
        .unwrap();
        frames.usage = df!(
            "contract" => [Some("AWS-1"), Some("AWS-1"), Some("AWS-1"), Some("AWS-1"), None],
            "commitment" => [Some("minimum"), Some("compute"), None, Some("gpu-hours"), None],
            "vendor" => ["AWS"; 5],
            "date" => [d("2026-03-01"), d("2026-08-01"), d("2026-08-02"), d("2026-08-03"), d("2026-08-04")],
            "amount_e6" => [e6(10_000), e6(5_000), e6(3_000), e6(2_000), e6(700)],
            "quantity_micros" => [0, 1_000_000, 2_000_000, 5_000_000, 1_000_000],
        )
        .unwrap();
        frames
    }

    #[test]
    fn each_commitment_shows_what_was_applied_and_what_its_scope_kept_out() {
        let out = commitment_fulfilment(&frames(), &Filters::default()).unwrap();
        assert_eq!(
            strs(&out, "commitment"),
            ["compute", "gpu-hours", "minimum"]
        );
        assert_eq!(cents(&out, "applied_e6"), [5_000, 2_000, 10_000]);
        let remaining = out.column("remaining_e6").unwrap().i64().unwrap();
        let remaining: Vec<Option<i64>> = remaining.iter().collect();
        assert_eq!(remaining, [Some(e6(45_000)), None, Some(e6(90_000))]);
        // The August storage spend fell in compute's period but outside its scope.
        assert_eq!(cents(&out, "not_counted_e6"), [3_000, 0, 0]);
        let applied = out
            .column("applied_quantity_micros")
            .unwrap()
            .i64()
            .unwrap();
        assert_eq!(applied.get(0), None, "a spend commitment has no quantity");
        assert_eq!(applied.get(1), Some(5_000_000));
        let remaining = out
            .column("remaining_quantity_micros")
            .unwrap()
            .i64()
            .unwrap();
        assert_eq!(remaining.get(1), Some(95_000_000));
    }

    #[test]
    fn filters_narrow_to_a_commitment_and_as_of_drops_later_spend() {
        let filters = Filters {
            as_of: Some(d("2026-07-31")),
            commitments: vec!["compute".into(), "minimum".into()],
            ..Default::default()
        };
        let out = commitment_fulfilment(&frames(), &filters).unwrap();
        assert_eq!(strs(&out, "commitment"), ["compute", "minimum"]);
        assert_eq!(i64s(&out, "applied_e6"), [0, e6(10_000)]);
    }

    #[test]
    fn burn_down_and_projection_carry_spend_commitments_only() {
        let frames = frames();
        let out = crate::burn_down(&frames, &Filters::default()).unwrap();
        assert_eq!(strs(&out, "commitment"), ["compute", "minimum"]);
        let projection =
            crate::projection(&frames, &Filters::default(), d("2026-09-30"), 30).unwrap();
        assert_eq!(strs(&projection, "commitment"), ["compute", "minimum"]);
    }
}
