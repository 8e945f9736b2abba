//! Reports as an Excel workbook with typed cells: money as numbers in a two-place format,
//! dates as dates, shares as percentages, text as text (a spreadsheet never runs it as a
//! formula, so no escaping apostrophe), a bold frozen header with a filter, and a "Query"
//! sheet saying what the numbers answer.
//!
//! Money stays exact: a cell holds the number whose shortest decimal form is the report's
//! exact figure. An amount of at most 15 significant digits (every amount below $10^13 with
//! its cents) parses to the nearest double, and that double prints back as the same digits —
//! the form the file stores. A larger amount is written as text rather than rounded.

use crate::{ReportError, ReportRequest};
use analytics::table::{CellKind, ReportTable};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use std::io::Write;

/// One sheet: a report's (or a figure's) table under a name.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub table: &'a ReportTable,
}

/// The rows of the "Query" sheet for a request answered at `version` of the ledger.
pub fn query_rows(
    request: &ReportRequest,
    version: i64,
    generated_at: chrono::DateTime<chrono::Utc>,
) -> Vec<(String, String)> {
    let list = |values: &[String]| match values {
        [] => "all".to_owned(),
        _ => values.join(", "),
    };
    let filters = &request.filters;
    vec![
        ("As of".into(), request.as_of_or_today().to_string()),
        ("Vendors".into(), list(&filters.vendors)),
        ("Contracts".into(), list(&filters.contracts)),
        ("Commitments".into(), list(&filters.commitments)),
        (
            "Window (days)".into(),
            request
                .window_days
                .map_or_else(|| "default".to_owned(), |d| d.to_string()),
        ),
        (
            "Scenario".into(),
            request.scenario.as_ref().map_or_else(
                || "none (the ledger as it is)".to_owned(),
                |s| s.name.clone(),
            ),
        ),
        ("Currency".into(), currency_row(request)),
    ]
    .into_iter()
    .chain(provenance_rows(version, generated_at))
    .collect()
}

fn currency_row(request: &ReportRequest) -> String {
    match request.currency {
        None => "as recorded (per row)".into(),
        Some(view) => {
            let commitments = match view.commitments {
                crate::CommitmentRates::AtStart => "commitments at the rate of their start",
                crate::CommitmentRates::AtAsOf => "commitments at the as-of rate",
            };
            match view.constant_at {
                Some(day) => format!("{} at constant rates of {day}", view.currency),
                None => format!(
                    "{}: spend and revenue at their day's rate, {commitments}",
                    view.currency
                ),
            }
        }
    }
}

/// The rows every Query sheet ends with: when the file was made, from which ledger version.
pub fn provenance_rows(
    version: i64,
    generated_at: chrono::DateTime<chrono::Utc>,
) -> [(String, String); 2] {
    [
        (
            "Generated at".into(),
            generated_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
        ("Ledger version".into(), version.to_string()),
    ]
}

/// Writes the workbook, one sheet per table, then the query. A table's sheet keeps no rows in
/// memory (rust_xlsxwriter's constant-memory mode spools each row to a temporary file as it is
/// written) and the zip streams into `out`, so a large report is not held a second time.
pub fn write(
    sheets: &[Sheet],
    query: &[(String, String)],
    out: &mut (dyn Write + Send),
) -> Result<(), ReportError> {
    build(sheets, query, out)
        .map_err(|e| ReportError::Worker(format!("cannot write the workbook: {e}")))
}

fn build(
    sheets: &[Sheet],
    query: &[(String, String)],
    out: &mut (dyn Write + Send),
) -> Result<(), XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let mut used = Vec::new();
    for sheet in sheets {
        let name = sheet_name(sheet.name, &used);
        used.push(name.clone());
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(&name)?;
        write_table(ws, sheet.table, &formats)?;
    }
    let ws = book.add_worksheet();
    ws.set_name("Query")?;
    ws.write_string_with_format(0, 0, "Question", &formats.header)?;
    ws.write_string_with_format(0, 1, "Answer", &formats.header)?;
    for (i, (label, value)) in query.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, label)?;
        ws.write_string(row, 1, value)?;
    }
    ws.autofit();
    book.save_to_writer(out)
}

struct Formats {
    header: Format,
    money: Format,
    whole: Format,
    fraction: Format,
    percent: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            header: Format::new().set_bold(),
            money: Format::new().set_num_format("#,##0.00"),
            whole: Format::new().set_num_format("#,##0"),
            fraction: Format::new().set_num_format("#,##0.0#####"),
            percent: Format::new().set_num_format("0.0%"),
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Right),
        }
    }
}

fn write_table(ws: &mut Worksheet, table: &ReportTable, f: &Formats) -> Result<(), XlsxError> {
    for (col, name) in table.columns.iter().enumerate() {
        ws.set_column_width(col as u16, column_width(table, col))?;
        ws.write_string_with_format(0, col as u16, name, &f.header)?;
    }
    for (r, cells) in table.rows.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, ((cell, kind), name)) in cells
            .iter()
            .zip(&table.kinds)
            .zip(&table.columns)
            .enumerate()
        {
            write_cell(ws, row, c as u16, cell, *kind, name, f)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if !table.columns.is_empty() {
        let last_row = table.rows.len() as u32;
        ws.autofilter(0, 0, last_row, table.columns.len() as u16 - 1)?;
    }
    Ok(())
}

/// The width that fits a column's header and its widest cell as shown (money gains its
/// thousands separators). Autofit cannot do it: in constant-memory mode the rows are gone by
/// the time the sheet is finished.
fn column_width(table: &ReportTable, col: usize) -> f64 {
    let shown = |cell: &str| match table.kinds[col] {
        CellKind::Money | CellKind::Quantity | CellKind::Number => {
            let whole = cell.split('.').next().unwrap_or("").trim_start_matches('-');
            cell.chars().count() + whole.len().saturating_sub(1) / 3
        }
        _ => cell.chars().count(),
    };
    let widest = table
        .rows
        .iter()
        .filter_map(|row| row.get(col))
        .map(|cell| shown(cell))
        .chain([table.columns[col].chars().count() + 2]) // room for the filter button
        .max()
        .unwrap_or(0);
    (widest as f64 + 1.0).clamp(8.0, 60.0)
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &str,
    kind: CellKind,
    column: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    if cell.is_empty() {
        return Ok(());
    }
    let number = || cell.parse::<f64>().ok().filter(|n| n.is_finite());
    match kind {
        CellKind::Money => match number().filter(|_| exact_as_double(cell)) {
            Some(n) => ws.write_number_with_format(row, col, n, &f.money)?,
            None => ws.write_string(row, col, cell)?,
        },
        CellKind::Quantity | CellKind::Number => {
            let whole = !cell.contains(['.', 'e', 'E']);
            // Ratios, HHI and other fractional numbers keep Excel's general format.
            let format = match kind {
                _ if column.ends_with("share") => Some(&f.percent),
                _ if whole => Some(&f.whole),
                CellKind::Quantity => Some(&f.fraction),
                _ => None,
            };
            // A quantity is exact like money; a float is a float.
            match (
                number().filter(|_| kind != CellKind::Quantity || exact_as_double(cell)),
                format,
            ) {
                (Some(n), Some(format)) => ws.write_number_with_format(row, col, n, format)?,
                (Some(n), None) => ws.write_number(row, col, n)?,
                (None, _) => ws.write_string(row, col, cell)?,
            }
        }
        CellKind::Date => match iso_date(cell) {
            Some(date) => ws.write_datetime_with_format(row, col, &date, &f.date)?,
            None => ws.write_string(row, col, cell)?,
        },
        CellKind::Text => ws.write_string(row, col, cell)?,
    };
    Ok(())
}

/// Whether a decimal has at most 15 significant digits, the most a double holds exactly in
/// its shortest decimal form.
fn exact_as_double(decimal: &str) -> bool {
    let digits = decimal.trim_start_matches('-').replace('.', "");
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    significant.len() <= 15
}

fn iso_date(cell: &str) -> Option<ExcelDateTime> {
    let date = domain::date::parse_iso_date(cell).ok()?;
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        date.year().try_into().ok()?,
        date.month() as u8,
        date.day() as u8,
    )
    .ok()
}

/// Excel's rules: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
fn sheet_name(wanted: &str, used: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let base: String = clean.chars().take(31).collect();
    let mut name = base.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) || name.eq_ignore_ascii_case("Query") {
        let suffix = format!(" ({n})");
        name = format!(
            "{}{suffix}",
            base.chars().take(31 - suffix.len()).collect::<String>()
        );
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn read(sheets: &[Sheet], query: &[(String, String)]) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        let mut bytes = Vec::new();
        write(sheets, query, &mut bytes).unwrap();
        Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook calamine opens")
    }

    fn table() -> ReportTable {
        ReportTable {
            columns: [
                "vendor",
                "date",
                "committed",
                "burned_share",
                "days_late",
                "ratio",
                "quantity",
            ]
            .map(String::from)
            .to_vec(),
            kinds: vec![
                CellKind::Text,
                CellKind::Date,
                CellKind::Money,
                CellKind::Number,
                CellKind::Number,
                CellKind::Number,
                CellKind::Quantity,
            ],
            rows: vec![
                [
                    "=HYPERLINK(\"http://x\")",
                    "2026-03-31",
                    "614900000000.12",
                    "0.25",
                    "12",
                    "2.25",
                    "1.5",
                ]
                .map(String::from)
                .to_vec(),
                ["Oracle", "", "99999999999999999.99", "", "", "", "300000"]
                    .map(String::from)
                    .to_vec(),
            ],
        }
    }

    #[test]
    fn cells_are_typed_and_money_is_exact() {
        let t = table();
        let mut book = read(
            &[Sheet {
                name: "burndown",
                table: &t,
            }],
            &[("As of".into(), "2026-03-31".into())],
        );
        assert_eq!(book.sheet_names(), ["burndown", "Query"]);
        let range = book.worksheet_range("burndown").unwrap();
        assert_eq!(range.get((0, 2)), Some(&Data::String("committed".into())));
        // A formula-looking name is text, as written, and no formula.
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String("=HYPERLINK(\"http://x\")".into()))
        );
        assert!(matches!(range.get((1, 1)), Some(Data::DateTime(d)) if d.as_f64() == 46112.0));
        let Some(Data::Float(committed)) = range.get((1, 2)) else {
            panic!("money is a number")
        };
        assert_eq!(committed.to_string(), "614900000000.12");
        assert_eq!(range.get((1, 3)), Some(&Data::Float(0.25)));
        assert_eq!(range.get((1, 4)), Some(&Data::Float(12.0)));
        assert_eq!(range.get((1, 5)), Some(&Data::Float(2.25)));
        assert_eq!(range.get((1, 6)), Some(&Data::Float(1.5)));
        // 19 significant digits do not fit a double: the exact figure as text, not a rounding.
        assert_eq!(
            range.get((2, 2)),
            Some(&Data::String("99999999999999999.99".into()))
        );
        assert!(matches!(range.get((2, 1)), None | Some(Data::Empty)));
        let query = book.worksheet_range("Query").unwrap();
        assert_eq!(query.get((1, 1)), Some(&Data::String("2026-03-31".into())));
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let long = "dashboards-overview-commitments-by-vendor";
        let first = sheet_name(long, &[]);
        assert_eq!(first.chars().count(), 31);
        let second = sheet_name(long, &[first.clone()]);
        assert_ne!(first, second);
        assert!(second.chars().count() <= 31);
        assert_eq!(sheet_name("a/b", &[]), "a-b");
        assert_eq!(sheet_name("query", &[]), "query (2)");
    }

    #[test]
    fn columns_fit_their_widest_cell_as_shown() {
        let t = table();
        // The widest amount, "99999999999999999.99", is 20 characters; with its five thousands
        // separators 25, plus 1.
        assert_eq!(column_width(&t, 2), 26.0);
        // "=HYPERLINK(\"http://x\")" is 22 characters.
        assert_eq!(column_width(&t, 0), 23.0);
        // A narrow column is still wide enough for its header and the filter button.
        assert_eq!(column_width(&t, 4), "days_late".len() as f64 + 3.0);
    }

    #[test]
    fn fifteen_significant_digits_are_exact_sixteen_are_not() {
        assert!(exact_as_double("9999999999999.99"));
        assert!(exact_as_double("-0.01"));
        assert!(exact_as_double("300000000000.00"));
        assert!(!exact_as_double("99999999999999.99"));
    }
}
