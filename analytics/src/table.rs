//! A report frame as a table of display-ready cells, written as CSV or JSON with the same
//! numbers. Columns named `*_e6` are money held exactly in millionths: rounded once to exactly
//! two places, the suffix dropped from the header; `*_micros` are quantities, with as few places as are exact. Floats keep full
//! precision (shortest round-trip form). Text cells that a spreadsheet
//! would run as a formula are escaped.

use domain::decimal::{format_scaled_trimmed, push_digits};
use polars::prelude::*;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Text,
    Date,
    Money,
    Quantity,
    Number,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    pub columns: Vec<String>,
    pub kinds: Vec<CellKind>,
    pub rows: Vec<Vec<String>>,
}

/// A leading `=`, `+`, `-`, `@` (or tab / carriage return) makes spreadsheets evaluate a cell;
/// a leading apostrophe makes them show it as text.
pub fn escape_formula(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// `YYYY-MM-DD`, digit by digit (chrono's `Display` costs several times more per cell).
fn iso_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let mut out = String::with_capacity(10);
    if date.year() < 0 {
        return date.to_string();
    }
    push_digits(&mut out, date.year() as u64, 4);
    out.push('-');
    push_digits(&mut out, u64::from(date.month()), 2);
    out.push('-');
    push_digits(&mut out, u64::from(date.day()), 2);
    out
}

impl ReportTable {
    pub fn from_frame(frame: &DataFrame) -> PolarsResult<Self> {
        let mut columns = Vec::new();
        let mut kinds = Vec::new();
        let mut cells: Vec<Vec<String>> = Vec::new();
        for column in frame.columns() {
            let name = column.name().as_str();
            let series = column.as_materialized_series();
            let (header, kind, values): (String, CellKind, Vec<String>) = match series.dtype() {
                // Exact amounts, rounded once, here, to the cents a report shows.
                DataType::Int64 if name.ends_with("_e6") => (
                    name.trim_end_matches("_e6").to_owned(),
                    CellKind::Money,
                    series
                        .i64()?
                        .iter()
                        .map(|v| v.map(domain::exact::format_minor).unwrap_or_default())
                        .collect(),
                ),
                DataType::Int64 if name.ends_with("_micros") => (
                    name.trim_end_matches("_micros").to_owned(),
                    CellKind::Quantity,
                    series
                        .i64()?
                        .iter()
                        .map(|v| v.map(|v| format_scaled_trimmed(v, 6)).unwrap_or_default())
                        .collect(),
                ),
                DataType::Int64 | DataType::Int32 | DataType::UInt32 | DataType::UInt64 => (
                    name.to_owned(),
                    CellKind::Number,
                    series
                        .cast(&DataType::Int64)?
                        .i64()?
                        .iter()
                        .map(|v| v.map(|v| v.to_string()).unwrap_or_default())
                        .collect(),
                ),
                DataType::Float64 => (
                    name.to_owned(),
                    CellKind::Number,
                    series
                        .f64()?
                        .iter()
                        .map(|v| v.map(|v| v.to_string()).unwrap_or_default())
                        .collect(),
                ),
                DataType::Date => (
                    name.to_owned(),
                    CellKind::Date,
                    series
                        .date()?
                        .as_date_iter()
                        .map(|d| d.map(iso_date).unwrap_or_default())
                        .collect(),
                ),
                _ => (
                    name.to_owned(),
                    CellKind::Text,
                    series
                        .cast(&DataType::String)?
                        .str()?
                        .iter()
                        .map(|v| v.unwrap_or_default().to_owned())
                        .collect(),
                ),
            };
            columns.push(header);
            kinds.push(kind);
            cells.push(values);
        }
        // Columns to rows, moving each cell rather than copying it.
        let mut columns_iter: Vec<_> = cells.into_iter().map(Vec::into_iter).collect();
        let rows = (0..frame.height())
            .map(|_| {
                columns_iter
                    .iter_mut()
                    .map(|c| c.next().unwrap_or_default())
                    .collect()
            })
            .collect();
        Ok(Self {
            columns,
            kinds,
            rows,
        })
    }

    pub fn write_csv(&self, out: impl Write) -> std::io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&self.columns)?;
        for row in &self.rows {
            writer.write_record(row.iter().zip(&self.kinds).map(|(cell, kind)| match kind {
                CellKind::Text => escape_formula(cell).into_owned(),
                _ => cell.clone(),
            }))?;
        }
        writer.flush()
    }

    pub fn to_csv_string(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_csv(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// An array of objects; money as exact decimal strings, numbers as JSON numbers.
    pub fn to_json(&self) -> serde_json::Value {
        let rows = self.rows.iter().map(|row| {
            let object =
                self.columns
                    .iter()
                    .zip(&self.kinds)
                    .zip(row)
                    .map(|((name, kind), cell)| {
                        let value = match kind {
                            CellKind::Number => cell
                                .parse::<f64>()
                                .ok()
                                .and_then(serde_json::Number::from_f64)
                                .map_or(serde_json::Value::Null, serde_json::Value::Number),
                            _ => serde_json::Value::String(cell.clone()),
                        };
                        (name.clone(), value)
                    });
            serde_json::Value::Object(object.collect())
        });
        serde_json::Value::Array(rows.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_columns_get_two_places_and_lose_the_suffix() {
        let frame =
            df!("contract" => ["C1"], "spend_e6" => [150_500_000i64], "share" => [0.5f64]).unwrap();
        let table = ReportTable::from_frame(&frame).unwrap();
        assert_eq!(
            table.to_csv_string(),
            "contract,spend,share\nC1,150.50,0.5\n"
        );
        assert_eq!(
            table.to_json(),
            serde_json::json!([{"contract": "C1", "spend": "150.50", "share": 0.5}])
        );
    }

    #[test]
    fn exact_amounts_are_rounded_once_half_to_even() {
        let frame = df!("spend_e6" => [15_907i64, 5_000, 15_000, -4_999, 1_419_290_001]).unwrap();
        let csv = ReportTable::from_frame(&frame).unwrap().to_csv_string();
        assert_eq!(csv, "spend\n0.02\n0.00\n0.02\n0.00\n1419.29\n");
    }

    #[test]
    fn text_that_looks_like_a_formula_is_escaped() {
        let frame =
            df!("vendor" => ["=HYPERLINK(\"x\")", "-1", "Acme"], "spend_e6" => [-50_000i64, 10_000, 20_000])
                .unwrap();
        let csv = ReportTable::from_frame(&frame).unwrap().to_csv_string();
        assert_eq!(
            csv,
            "vendor,spend\n\"'=HYPERLINK(\"\"x\"\")\",-0.05\n'-1,0.01\nAcme,0.02\n"
        );
    }
}

#[cfg(test)]
mod date_cells {
    #[test]
    fn dates_are_iso() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        for s in ["2026-01-05", "0999-12-31", "2032-11-02"] {
            assert_eq!(super::iso_date(d(s)), s);
        }
    }
}
