//! `GET /api/reports/{name}.csv|.json|.xlsx?as_of=YYYY-MM-DD&vendor=V&contract=C&window_days=90`,
//! and `GET /api/reports/workbook.xlsx?…`: every report, a sheet each.
//!
//! `vendor` and `contract` may repeat or hold comma-separated lists. Money is an exact decimal
//! with two places (a string in JSON); shares and ratios are floats at full precision. CSV
//! text cells are escaped against spreadsheet formula injection.

use app::dashboards::{DashboardQuery, View};
use app::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use reports::workbook::{self, Sheet};
use reports::{self, ReportError, ReportName, ReportRequest};

pub async fn report(
    State(state): State<AppState>,
    principal: Option<axum::Extension<store::auth::Principal>>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(response) = crate::auth::require(principal.as_deref(), domain::Permission::Read) {
        return response;
    }
    match render(&state, &file, query.as_deref().unwrap_or("")).await {
        Ok(response) => response,
        Err(e) => error_response(e, &file),
    }
}

/// `GET /api/focus/contract-commitments.csv`: every contract as a FOCUS 1.3 Contract
/// Commitment dataset (one row per commitment period), for FinOps tools and BI.
pub async fn focus_contract_commitments(
    State(state): State<AppState>,
    principal: Option<axum::Extension<store::auth::Principal>>,
) -> Response {
    if let Err(response) = crate::auth::require(principal.as_deref(), domain::Permission::Read) {
        return response;
    }
    let mut body = Vec::new();
    match store::focus::commitments::export(&state.db, &mut body).await {
        Ok(_) => csv_response(
            "focus-contract-commitments",
            String::from_utf8_lossy(&body).into_owned(),
        ),
        Err(e) => {
            tracing::error!(error = %e, "FOCUS contract commitment export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response()
        }
    }
}

/// `GET /api/formats/{kind}.csv`: a file kind's template (its header and two example rows),
/// which imports as it is.
pub async fn format_template(
    principal: Option<axum::Extension<store::auth::Principal>>,
    Path(file): Path<String>,
) -> Response {
    if let Err(response) = crate::auth::require(principal.as_deref(), domain::Permission::Read) {
        return response;
    }
    let format = file
        .strip_suffix(".csv")
        .and_then(store::import::LedgerFile::parse)
        .and_then(store::formats::FileFormat::of);
    match format {
        Some(format) => csv_response(
            format.kind.file_name().trim_end_matches(".csv"),
            format.template_csv(),
        ),
        None => (
            StatusCode::NOT_FOUND,
            format!("{file:?}: no such file kind; the Formats page lists them\n"),
        )
            .into_response(),
    }
}

fn error_response(error: ReportError, file: &str) -> Response {
    match error {
        ReportError::BadRequest(message) => {
            (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response()
        }
        e => {
            tracing::error!(error = ?e, file, "report failed");
            (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response()
        }
    }
}

fn csv_response(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

async fn render(state: &AppState, file: &str, query: &str) -> Result<Response, ReportError> {
    let (name, format) = file
        .rsplit_once('.')
        .filter(|(_, ext)| matches!(*ext, "csv" | "json" | "xlsx" | "parquet"))
        .ok_or_else(|| {
            ReportError::BadRequest(format!(
                "{file:?}: ask for <report>.csv, .json, .xlsx, .parquet or workbook.xlsx"
            ))
        })?;
    let request = parse_request(state, query).await?;
    if name == "workbook" && format == "xlsx" {
        let mut reports_run = Vec::new();
        for name in ReportName::ALL {
            reports_run.push((
                *name,
                reports::run(&state.reports, &state.db, *name, &request).await?,
            ));
        }
        let query =
            workbook::query_rows(&request, ledger_version(state).await?, chrono::Utc::now());
        let bytes = blocking(move || {
            let sheets: Vec<Sheet> = reports_run
                .iter()
                .map(|(name, report)| Sheet {
                    name: name.as_str(),
                    table: &report.table,
                })
                .collect();
            workbook::workbook(&sheets, &query)
        })
        .await?;
        return Ok(xlsx_response("compute-ledger-reports", bytes));
    }
    let name = ReportName::parse(name).map_err(ReportError::BadRequest)?;
    let report = reports::run(&state.reports, &state.db, name, &request).await?;
    Ok(match format {
        "csv" => csv_response(name.as_str(), report.table.to_csv_string()),
        "json" => axum::Json(report.table.to_json()).into_response(),
        "parquet" => {
            let bytes = blocking(move || reports::parquet::parquet(&report.frame)).await?;
            file_response(
                name.as_str(),
                "parquet",
                "application/vnd.apache.parquet",
                bytes,
            )
        }
        _ => {
            let query =
                workbook::query_rows(&request, ledger_version(state).await?, chrono::Utc::now());
            let bytes = blocking(move || {
                workbook::workbook(
                    &[Sheet {
                        name: name.as_str(),
                        table: &report.table,
                    }],
                    &query,
                )
            })
            .await?;
            xlsx_response(name.as_str(), bytes)
        }
    })
}

async fn parse_request(state: &AppState, query: &str) -> Result<ReportRequest, ReportError> {
    let (mut as_of, mut vendors, mut contracts, mut window) = (None, Vec::new(), Vec::new(), None);
    let mut commitments = Vec::new();
    let mut scenario = String::new();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|e| ReportError::BadRequest(format!("cannot read the query string: {e}")))?;
    for (key, value) in pairs {
        match key.as_str() {
            "as_of" => as_of = Some(value),
            "vendor" => vendors.push(value),
            "contract" => contracts.push(value),
            "commitment" => commitments.push(value),
            "window_days" => window = Some(value),
            // A blank value (an empty form field) leaves the choice as it was.
            "scenario" if value.trim().is_empty() => {}
            "scenario" => scenario = value,
            other => {
                return Err(ReportError::BadRequest(format!(
                "unknown parameter {other:?}; use as_of, vendor, contract, commitment, window_days, scenario"
            )))
            }
        }
    }
    ReportRequest::new(reports::parse_filters(
        as_of.as_deref(),
        &vendors,
        &contracts,
        &commitments,
    )?)
    .with_window(window.as_deref())?
    .with_scenario(&state.db, &scenario)
    .await
}

async fn ledger_version(state: &AppState) -> Result<i64, ReportError> {
    Ok(store::reports::ledger_version(&state.db).await?)
}

/// Writing a workbook is CPU work (a large report is many cells): off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ReportError> + Send + 'static,
) -> Result<T, ReportError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ReportError::Worker(e.to_string()))?
}

fn xlsx_response(name: &str, body: Vec<u8>) -> Response {
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    file_response(name, "xlsx", kind, body)
}

fn file_response(name: &str, extension: &str, content_type: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}.{extension}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/dashboards/{view}/{figure}.csv?as_of=…&from=…&to=…&vendor=…&contract=…`: the
/// numbers of one chart or table of a dashboard, exactly as the page shows them.
pub async fn dashboard_csv(
    State(state): State<AppState>,
    principal: Option<axum::Extension<store::auth::Principal>>,
    Path((view, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(response) = crate::auth::require(principal.as_deref(), domain::Permission::Read) {
        return response;
    }
    let answer = async {
        let view = View::parse(&view).map_err(ReportError::BadRequest)?;
        let (figure, format) = file
            .rsplit_once('.')
            .filter(|(_, ext)| matches!(*ext, "csv" | "xlsx" | "parquet"))
            .ok_or_else(|| {
                ReportError::BadRequest(format!(
                    "{file:?}: ask for <figure>.csv, .xlsx or .parquet"
                ))
            })?;
        let raw = query.as_deref().unwrap_or("");
        let parsed: DashboardQuery = serde_urlencoded::from_str(raw)
            .map_err(|e| ReportError::BadRequest(format!("cannot read the query string: {e}")))?;
        let table = app::dashboards::build::figure_table(&state, view, figure, &parsed).await?;
        let name = format!("{}-{figure}", view.as_str());
        if format == "csv" {
            return Ok::<_, ReportError>(csv_response(&name, table.to_csv_string()));
        }
        if format == "parquet" {
            let bytes = blocking(move || reports::parquet::table_parquet(&table)).await?;
            return Ok(file_response(
                &name,
                "parquet",
                "application/vnd.apache.parquet",
                bytes,
            ));
        }
        let mut rows: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        rows.insert(0, ("Figure".into(), name.clone()));
        rows.push((
            "Generated at".into(),
            chrono::Utc::now()
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string(),
        ));
        rows.push((
            "Ledger version".into(),
            ledger_version(&state).await?.to_string(),
        ));
        let sheet = name.clone();
        let bytes = blocking(move || {
            workbook::workbook(
                &[Sheet {
                    name: &sheet,
                    table: &table,
                }],
                &rows,
            )
        })
        .await?;
        Ok(xlsx_response(&name, bytes))
    };
    match answer.await {
        Ok(response) => response,
        Err(e) => error_response(e, &file),
    }
}
