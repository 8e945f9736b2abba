//! Reports as Parquet, for data teams (polars, DuckDB and pandas read it in one line): the
//! report's own frame, so the same rows in the same order as its CSV, with dates as Date and
//! floats as Float64.
//!
//! Money is Int64 minor units (cents, rounded once as the CSV rounds them) under the CSV's
//! column name, quantities Int64 millionths; the file's key-value metadata says so
//! (`compute_ledger.scale.<column>` = 2 or 6). Integers rather than Decimal(38, 2): every
//! reader takes Int64 exactly and fast, where a decimal column needs polars' decimal feature
//! and arrives in pandas as Python objects; `amount / 100` is the figure.

use crate::ReportError;
use analytics::DataFrame;
use polars::prelude::*;

pub fn parquet(frame: &DataFrame) -> Result<Vec<u8>, ReportError> {
    let mut columns = Vec::with_capacity(frame.width());
    let mut metadata = Vec::new();
    for column in frame.columns() {
        let name = column.name().as_str();
        let series = column.as_materialized_series();
        let scaled = match series.dtype() {
            DataType::Int64 if name.ends_with("_e6") => Some((
                name.trim_end_matches("_e6"),
                "2",
                series.i64()?.apply_values(domain::exact::to_minor),
            )),
            DataType::Int64 if name.ends_with("_micros") => {
                Some((name.trim_end_matches("_micros"), "6", series.i64()?.clone()))
            }
            _ => None,
        };
        match scaled {
            Some((shown, scale, values)) => {
                metadata.push((format!("compute_ledger.scale.{shown}"), scale.to_owned()));
                columns.push(values.with_name(shown.into()).into_series().into_column());
            }
            None => columns.push(column.clone()),
        }
    }
    let mut out = DataFrame::new(frame.height(), columns)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
        .finish(&mut out)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_cents_with_its_scale_and_the_rest_keeps_its_type() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let frame = df!(
            "vendor" => ["=HYPERLINK(\"x\")", "Oracle"],
            "date" => [date, date],
            "spend_e6" => [150_505_000i64, 614_900_000_000_125_000],
            "planned_micros" => [1_500_000i64, 2],
            "share" => [0.25f64, 0.75],
        )
        .unwrap();
        let bytes = parquet(&frame).unwrap();
        let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
        let metadata = reader.get_metadata().unwrap().clone();
        let back = reader.finish().unwrap();
        let names: Vec<&str> = back.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["vendor", "date", "spend", "planned", "share"]);
        assert_eq!(
            back.column("vendor").unwrap().str().unwrap().get(0),
            Some("=HYPERLINK(\"x\")")
        );
        assert_eq!(back.column("date").unwrap().dtype(), &DataType::Date);
        // 150.505 rounds half to even, as in the CSV: 150.50; 614,900,000,000.125 → .12.
        let spend: Vec<_> = back
            .column("spend")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(spend, [15_050, 61_490_000_000_012]);
        let planned: Vec<_> = back
            .column("planned")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(planned, [1_500_000, 2]);
        assert_eq!(back.column("share").unwrap().dtype(), &DataType::Float64);
        let kv = metadata.key_value_metadata().clone().unwrap_or_default();
        let scale = |key: &str| {
            kv.iter()
                .find(|k| k.key == key)
                .and_then(|k| k.value.clone())
        };
        assert_eq!(scale("compute_ledger.scale.spend").as_deref(), Some("2"));
        assert_eq!(scale("compute_ledger.scale.planned").as_deref(), Some("6"));
    }
}
