//! Reports and dashboard figures as Excel workbooks: the same numbers as the CSV, typed.

use axum::http::{header, StatusCode};
use calamine::{Data, Reader, Xlsx};
mod common;

use common::{get, get_bytes, worked_example_state};

fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook calamine opens")
}

/// Excel's serial day number of an ISO date (days since 1899-12-30).
fn serial(iso: &str) -> f64 {
    let date = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (date - epoch).num_days() as f64
}

/// Every cell of the sheet equals the CSV's cell of the same place, with a type: money and
/// numbers as numbers, dates as dates, the rest as text.
fn assert_same_cells(csv: &str, sheet: &calamine::Range<Data>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let mut rows = 0;
    for (r, record) in reader.records().enumerate() {
        let record = record.unwrap();
        for (c, cell) in record.iter().enumerate() {
            let at = (r as u32, c as u32);
            match sheet.get((r, c)).unwrap_or(&Data::Empty) {
                Data::Empty => assert!(cell.is_empty(), "{at:?}: {cell:?} missing"),
                Data::String(s) => assert_eq!(s, cell, "{at:?}"),
                Data::Float(f) => assert_eq!(*f, cell.parse::<f64>().unwrap(), "{at:?}: {cell}"),
                Data::DateTime(d) => assert_eq!(d.as_f64(), serial(cell), "{at:?}: {cell}"),
                other => panic!("{at:?}: unexpected {other:?} for {cell:?}"),
            }
        }
        rows += 1;
    }
    assert_eq!(sheet.height(), rows, "the same number of rows as the CSV");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_as_a_workbook_has_the_csv_numbers_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    let query = "?as_of=2026-03-31";
    let (status, csv) = get(&state, &format!("/api/reports/burndown.csv{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, bytes) =
        get_bytes(&state, &format!("/api/reports/burndown.xlsx{query}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("burndown.xlsx"));
    let mut book = open(bytes);
    assert_eq!(book.sheet_names(), ["burndown", "Query"]);
    let sheet = book.worksheet_range("burndown").unwrap();
    assert_same_cells(&csv, &sheet);
    // Money is a number in the sheet, not text.
    let money_column = csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == "remaining")
        .unwrap();
    assert!(matches!(sheet.get((1, money_column)), Some(Data::Float(_))));
    let query_sheet = book.worksheet_range("Query").unwrap();
    let as_of = (0..query_sheet.height())
        .find(|&r| query_sheet.get((r, 0)) == Some(&Data::String("As of".into())));
    assert_eq!(
        query_sheet.get((as_of.unwrap(), 1)),
        Some(&Data::String("2026-03-31".into()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workbook_has_a_sheet_per_report_and_figures_download_as_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    let (status, _, bytes) = get_bytes(&state, "/api/reports/workbook.xlsx?as_of=2026-03-31").await;
    assert_eq!(status, StatusCode::OK);
    let mut book = open(bytes);
    let mut expected: Vec<String> = domain::ReportName::ALL
        .iter()
        .map(|n| n.as_str().to_owned())
        .collect();
    expected.push("Query".into());
    assert_eq!(book.sheet_names(), expected);
    let (_, ratio_csv) = get(&state, "/api/reports/ratio.csv?as_of=2026-03-31").await;
    assert_same_cells(&ratio_csv, &book.worksheet_range("ratio").unwrap());

    let figure = "/api/dashboards/ratio/ratio";
    let (status, csv) = get(&state, &format!("{figure}.csv?as_of=2026-03-31")).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let (status, _, bytes) = get_bytes(&state, &format!("{figure}.xlsx?as_of=2026-03-31")).await;
    assert_eq!(status, StatusCode::OK);
    let mut book = open(bytes);
    let name = book.sheet_names()[0].clone();
    assert_same_cells(&csv, &book.worksheet_range(&name).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_as_parquet_has_the_csv_rows_with_money_in_cents() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    let (_, csv) = get(&state, "/api/reports/burndown.csv?as_of=2026-03-31").await;
    let (status, headers, bytes) =
        get_bytes(&state, "/api/reports/burndown.parquet?as_of=2026-03-31").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("burndown.parquet"));
    let frame = ParquetReader::new(std::io::Cursor::new(bytes))
        .finish()
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let columns: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(columns, names);
    assert_eq!(frame.column("date").unwrap().dtype(), &DataType::Date);
    let remaining = frame.column("remaining").unwrap().i64().unwrap().clone();
    let column = names.iter().position(|n| n == "remaining").unwrap();
    let mut rows = 0;
    for (i, record) in reader.records().enumerate() {
        let cents = domain::decimal::parse_scaled(&record.unwrap()[column], 2, true).unwrap();
        assert_eq!(remaining.get(i), Some(cents), "row {i}");
        rows += 1;
    }
    assert_eq!(frame.height(), rows, "the same rows as the CSV");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_figure_as_parquet_has_the_csv_rows_and_columns() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    let figure = "/api/dashboards/ratio/ratio";
    let (_, csv) = get(&state, &format!("{figure}.csv?as_of=2026-03-31")).await;
    let (status, _, bytes) = get_bytes(&state, &format!("{figure}.parquet?as_of=2026-03-31")).await;
    assert_eq!(status, StatusCode::OK);
    let frame = ParquetReader::new(std::io::Cursor::new(bytes))
        .finish()
        .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let columns: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(columns, header);
    assert_eq!(frame.height(), lines.count());
}
