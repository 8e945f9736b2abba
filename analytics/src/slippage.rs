use crate::ledger::{Filters, LedgerFrames};
use polars::prelude::*;

/// Delivery slippage: per phase, each receipt against the plan. One row per receipt (and one
/// per phase with nothing received yet), in contract, phase, date order. Columns: `contract`,
/// `phase`, `resource`, `planned_date`, `planned_quantity_micros`, `receipt_date`,
/// `received_quantity_micros`, `cumulative_received_micros`, `days_late` (negative = early),
/// `outstanding_quantity_micros` (negative = over-received).
pub fn delivery_slippage(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let mut receipts = ledger.receipts.clone().lazy();
    if let Some(as_of) = filters.as_of {
        receipts = receipts.filter(col("date").lt_eq(lit(as_of)));
    }
    let contracts = ledger.filtered_contracts(filters).select([col("contract")]);
    let day_number = |c: &str| col(c).cast(DataType::Int32);
    ledger
        .phases
        .clone()
        .lazy()
        .inner_join(contracts, col("contract"), col("contract"))
        .join(
            receipts,
            [col("contract"), col("phase")],
            [col("contract"), col("phase")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(
            ["contract", "phase", "date"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .with_column(
            col("quantity_micros")
                .cum_sum(false)
                .over([col("contract"), col("phase")])?
                .alias("cumulative_received_micros"),
        )
        .select([
            col("contract"),
            col("phase"),
            col("resource"),
            col("planned_date"),
            col("planned_quantity_micros"),
            col("date").alias("receipt_date"),
            col("quantity_micros")
                .fill_null(lit(0i64))
                .alias("received_quantity_micros"),
            col("cumulative_received_micros").fill_null(lit(0i64)),
            (day_number("date") - day_number("planned_date"))
                .cast(DataType::Int64)
                .alias("days_late"),
            (col("planned_quantity_micros")
                - col("cumulative_received_micros").fill_null(lit(0i64)))
            .alias("outstanding_quantity_micros"),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example::{self, i64s};

    #[test]
    fn a_partial_late_receipt_leaves_capacity_outstanding() {
        // initial: 100 planned for Feb 1; 60 on Feb 3 (2 days late), 40 on Feb 20 (19 late).
        // expansion: 250.5 planned, nothing yet. cluster: 64 planned Mar 15, 64 on Mar 10.
        let frames = worked_example::frames();
        let out = delivery_slippage(&frames, &Filters::default()).unwrap();
        assert_eq!(
            worked_example::strs(&out, "phase"),
            ["expansion", "initial", "initial", "cluster"]
        );
        let days = out
            .column("days_late")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect::<Vec<_>>();
        assert_eq!(days, [None, Some(2), Some(19), Some(-5)]);
        assert_eq!(
            i64s(&out, "cumulative_received_micros"),
            [0, 60_000_000, 100_000_000, 64_000_000]
        );
        assert_eq!(
            i64s(&out, "outstanding_quantity_micros"),
            [250_500_000, 40_000_000, 0, 0]
        );

        let as_of = Filters {
            as_of: "2026-02-10".parse().ok(),
            contracts: vec!["C1".into()],
            ..Default::default()
        };
        let out = delivery_slippage(&frames, &as_of).unwrap();
        assert_eq!(
            i64s(&out, "outstanding_quantity_micros"),
            [250_500_000, 40_000_000]
        );
    }

    #[test]
    fn a_contract_without_commitments_keeps_its_deliveries() {
        let mut frames = worked_example::frames();
        frames.commitments = frames
            .commitments
            .filter(
                &frames
                    .commitments
                    .column("contract")
                    .unwrap()
                    .str()
                    .unwrap()
                    .equal("C1"),
            )
            .unwrap();
        let by_vendor = Filters {
            vendors: vec!["B".into()],
            ..Default::default()
        };
        let out = delivery_slippage(&frames, &by_vendor).unwrap();
        assert_eq!(worked_example::strs(&out, "phase"), ["cluster"]);
    }
}
