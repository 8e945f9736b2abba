//! Frames straight from the ledger CSV files, for a full recompute from raw rows (the
//! benchmark against DuckDB). polars reads the files in parallel; amounts are read as f64 and
//! rounded to millionths, which is exact for amounts with at most six places below
//! 2^53/10^6 (≈ 9 billion a row). The store's own path is integer-exact.

use crate::LedgerFrames;
use polars::prelude::*;
use std::path::Path;

fn scan(dir: &Path, file: &str, dtypes: &[(&str, DataType)]) -> PolarsResult<LazyFrame> {
    let path = dir.join(file);
    let path = path
        .to_str()
        .ok_or_else(|| polars_err!(ComputeError: "path is not UTF-8: {}", path.display()))?;
    let schema: Schema = dtypes
        .iter()
        .map(|(name, dtype)| Field::new((*name).into(), dtype.clone()))
        .collect();
    LazyCsvReader::new(PlRefPath::new(path))
        .with_has_header(true)
        .with_dtype_overwrite(Some(Arc::new(schema)))
        .finish()
}

fn exact(column: &str) -> Expr {
    (col(column) * lit(1_000_000.0))
        .round(0, RoundMode::HalfAwayFromZero)
        .cast(DataType::Int64)
}

/// Reads `contracts.csv`, `usage.csv` and `revenue.csv` from `dir`: each contract is its own
/// one commitment and a contract's usage is applied to it (further commitments, in
/// `commitments.csv`, are for the ledger itself).
pub fn frames_from_csv(dir: &Path) -> PolarsResult<LedgerFrames> {
    let contracts = scan(
        dir,
        "contracts.csv",
        &[
            ("reference", DataType::String),
            ("vendor", DataType::String),
            ("start_date", DataType::Date),
            ("end_date", DataType::Date),
            ("committed_amount", DataType::Float64),
        ],
    )?
    .select([
        col("reference").alias("contract"),
        col("reference").alias("commitment"),
        col("vendor"),
        lit("spend").alias("category"),
        exact("committed_amount").alias("committed_e6"),
        col("start_date"),
        col("end_date"),
        // The raw recompute serves the three core reports, which do not depend on the
        // commitment model; the defaults keep the frame's shape.
        lit("build_up").alias("commitment_model"),
        lit("term").alias("fulfillment_interval"),
    ])
    .collect()?;
    // Sum per contract and day before parsing dates: 10M date parses become a few thousand.
    // Reports regroup by day anyway, so the result is the same.
    // Spend under no contract names its vendor (an optional column); a contract's rows take
    // the contract's.
    let mut header = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(
            std::fs::File::open(dir.join("usage.csv"))
                .map_err(|e| polars_err!(ComputeError: "usage.csv: {}", e))?,
        ),
        &mut header,
    )
    .map_err(|e| polars_err!(ComputeError: "usage.csv: {}", e))?;
    let has_vendor = header.split(',').any(|c| c.trim() == "vendor");
    let mut columns = vec![
        ("contract", DataType::String),
        ("date", DataType::String),
        ("amount", DataType::Float64),
    ];
    if has_vendor {
        columns.push(("vendor", DataType::String));
    }
    let mut keys = vec![col("contract"), col("date")];
    if has_vendor {
        keys.push(col("vendor"));
    }
    let summed = scan(dir, "usage.csv", &columns)?
        .group_by(keys)
        .agg([exact("amount").sum().alias("amount_e6")]);
    let summed = if has_vendor {
        summed
    } else {
        summed.with_column(lit(NULL).cast(DataType::String).alias("vendor"))
    };
    let vendors = contracts
        .clone()
        .lazy()
        .select([col("contract"), col("vendor").alias("contract_vendor")]);
    let usage = summed
        .join(
            vendors,
            [col("contract")],
            [col("contract")],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col("contract"),
            col("contract").alias("commitment"),
            col("vendor")
                .fill_null(col("contract_vendor"))
                .alias("vendor"),
            col("date").cast(DataType::Date),
            col("amount_e6"),
            lit(0i64).alias("quantity_micros"),
        ])
        .collect()?;
    let revenue = scan(
        dir,
        "revenue.csv",
        &[
            ("period_start", DataType::Date),
            ("amount", DataType::Float64),
        ],
    )?
    .select([col("period_start"), exact("amount").alias("amount_e6")])
    .collect()?;
    let (phases, receipts) = LedgerFrames::no_deliveries()?;
    Ok(LedgerFrames {
        contracts: contracts.select(["contract", "vendor"])?,
        commitments: contracts,
        usage,
        revenue,
        phases,
        receipts,
        outlook: Default::default(),
        rates: Default::default(),
        rate_cards: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::ReportTable;

    #[test]
    fn the_worked_example_from_csv_gives_the_domain_burn_down() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/tests/fixtures");
        let frames = frames_from_csv(&fixtures.join("ledger")).unwrap();
        let out = crate::burn_down(&frames, &crate::Filters::default()).unwrap();
        let expected = std::fs::read_to_string(fixtures.join("expected-burndown.csv")).unwrap();
        assert_eq!(
            ReportTable::from_frame(&out).unwrap().to_csv_string(),
            expected
        );
        let ratio = crate::infra_to_revenue(&frames, &crate::Filters::default()).unwrap();
        assert_eq!(
            ReportTable::from_frame(&ratio).unwrap().to_csv_string(),
            "month,infra_spend,revenue,ratio\n2026-01-01,450.50,900.00,0.5005555555555555\n2026-02-01,300.00,1000.00,0.3\n"
        );
    }
}
