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
use analytics::table::{CellKind, ReportTable};
use analytics::DataFrame;
use polars::prelude::*;
use std::io::Write;

/// Rows per row group, converted and written one group at a time: the file streams into
/// `out` and only one group's converted columns exist beside the report's frame.
const ROWS_PER_GROUP: usize = 65_536;

pub fn parquet(frame: &DataFrame, out: &mut (dyn Write + Send)) -> Result<(), ReportError> {
    let (first, metadata) = typed(&frame.slice(0, ROWS_PER_GROUP))?;
    let mut writer = ParquetWriter::new(out)
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
        .batched(&first.schema())?;
    writer.write_batch(&first)?;
    for offset in (ROWS_PER_GROUP..frame.height()).step_by(ROWS_PER_GROUP) {
        writer.write_batch(&typed(&frame.slice(offset as i64, ROWS_PER_GROUP))?.0)?;
    }
    writer.finish()?;
    Ok(())
}

/// A frame's rows as the file holds them, and the metadata naming each scaled column.
fn typed(frame: &DataFrame) -> PolarsResult<(DataFrame, Vec<(String, String)>)> {
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
    Ok((DataFrame::new(frame.height(), columns)?, metadata))
}

/// A dashboard figure (a table of shown cells, no frame behind it) as Parquet, typed from its
/// column kinds the way `parquet` types a report's frame: money in cents, quantities in
/// millionths, dates as Date, whole numbers as Int64, other numbers as Float64.
pub fn table_parquet(table: &ReportTable, out: &mut (dyn Write + Send)) -> Result<(), ReportError> {
    let mut columns = Vec::with_capacity(table.columns.len());
    let mut metadata = Vec::new();
    for (c, (name, kind)) in table.columns.iter().zip(&table.kinds).enumerate() {
        let cells = || {
            table
                .rows
                .iter()
                .map(move |row| row.get(c).map(String::as_str).filter(|v| !v.is_empty()))
        };
        let scaled = |places: u32| -> Vec<Option<i64>> {
            cells()
                .map(|v| v.and_then(|v| domain::decimal::parse_scaled(v, places, true).ok()))
                .collect()
        };
        let column = match kind {
            CellKind::Money | CellKind::Quantity => {
                let places = if *kind == CellKind::Money { 2 } else { 6 };
                metadata.push((format!("compute_ledger.scale.{name}"), places.to_string()));
                Column::new(name.as_str().into(), scaled(places))
            }
            CellKind::Date => {
                let dates: Vec<Option<chrono::NaiveDate>> = cells()
                    .map(|v| v.and_then(|v| domain::date::parse_iso_date(v).ok()))
                    .collect();
                Column::new(name.as_str().into(), dates)
            }
            CellKind::Number if cells().flatten().all(|v| v.parse::<i64>().is_ok()) => {
                let whole: Vec<Option<i64>> =
                    cells().map(|v| v.and_then(|v| v.parse().ok())).collect();
                Column::new(name.as_str().into(), whole)
            }
            CellKind::Number => {
                let floats: Vec<Option<f64>> =
                    cells().map(|v| v.and_then(|v| v.parse().ok())).collect();
                Column::new(name.as_str().into(), floats)
            }
            CellKind::Text => {
                let text: Vec<&str> = table
                    .rows
                    .iter()
                    .map(|row| row.get(c).map_or("", String::as_str))
                    .collect();
                Column::new(name.as_str().into(), text)
            }
        };
        columns.push(column);
    }
    ParquetWriter::new(out)
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
        .finish(&mut DataFrame::new(table.rows.len(), columns)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_table_is_typed_from_its_column_kinds() {
        let table = ReportTable {
            columns: ["vendor", "month", "spend", "days", "share"]
                .map(String::from)
                .to_vec(),
            kinds: vec![
                CellKind::Text,
                CellKind::Date,
                CellKind::Money,
                CellKind::Number,
                CellKind::Number,
            ],
            rows: vec![
                ["+cmd", "2026-03-01", "1234.56", "3", "0.5"]
                    .map(String::from)
                    .to_vec(),
                ["B", "2026-04-01", "", "", "0.25"]
                    .map(String::from)
                    .to_vec(),
            ],
        };
        let mut bytes = Vec::new();
        table_parquet(&table, &mut bytes).unwrap();
        let back = ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .unwrap();
        assert_eq!(
            back.column("vendor").unwrap().str().unwrap().get(0),
            Some("+cmd")
        );
        assert_eq!(back.column("month").unwrap().dtype(), &DataType::Date);
        let spend = back.column("spend").unwrap().i64().unwrap().clone();
        assert_eq!((spend.get(0), spend.get(1)), (Some(123_456), None));
        assert_eq!(back.column("days").unwrap().dtype(), &DataType::Int64);
        assert_eq!(
            back.column("share").unwrap().f64().unwrap().get(1),
            Some(0.25)
        );
    }

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
        let mut bytes = Vec::new();
        parquet(&frame, &mut bytes).unwrap();
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

    #[test]
    fn a_large_frame_streams_in_row_groups_with_every_row_in_order() {
        let rows = 2 * ROWS_PER_GROUP + 7;
        let frame = df!(
            "n" => (0..rows as i64).collect::<Vec<_>>(),
            "spend_e6" => (0..rows as i64).map(|n| n * 10_000).collect::<Vec<_>>(),
        )
        .unwrap();
        let mut bytes = Vec::new();
        parquet(&frame, &mut bytes).unwrap();
        let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
        assert_eq!(reader.get_metadata().unwrap().row_groups.len(), 3);
        let back = reader.finish().unwrap();
        assert_eq!(back.height(), rows);
        let n = back.column("n").unwrap().i64().unwrap();
        assert!(n.into_no_null_iter().eq(0..rows as i64));
        // 0.01 per row, in cents: row k holds k cents.
        let spend = back.column("spend").unwrap().i64().unwrap();
        assert_eq!(spend.get(rows - 1), Some(rows as i64 - 1));
    }

    #[test]
    fn an_empty_report_is_a_file_with_its_columns() {
        let frame = df!("vendor" => Vec::<&str>::new(), "spend_e6" => Vec::<i64>::new()).unwrap();
        let mut bytes = Vec::new();
        parquet(&frame, &mut bytes).unwrap();
        let back = ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .unwrap();
        assert_eq!(back.height(), 0);
        let names: Vec<&str> = back.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["vendor", "spend"]);
    }
}
