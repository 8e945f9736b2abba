//! `GET /api/reports/{name}.csv|.json|.xlsx?as_of=YYYY-MM-DD&vendor=V&contract=C&window_days=90`,
//! and `GET /api/reports/workbook.xlsx?…`: every report, a sheet each.
//!
//! `vendor` and `contract` may repeat or hold comma-separated lists. Money is an exact decimal
//! with two places (a string in JSON); shares and ratios are floats at full precision. CSV
//! text cells are escaped against spreadsheet formula injection.

use crate::download;
use app::dashboards::{DashboardQuery, View};
use app::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reports::export::{self, ExportFormat};
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
    let state = state.seen_by(principal.as_deref());
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
    download::stream(name, ExportFormat::Csv, move |out| {
        out.write_all(body.as_bytes())
            .map_err(|e| ReportError::Worker(e.to_string()))
    })
}

async fn render(state: &AppState, file: &str, query: &str) -> Result<Response, ReportError> {
    let bad_name = || {
        ReportError::BadRequest(format!(
            "{file:?}: ask for <report>.csv, .json, .xlsx, .parquet or workbook.xlsx"
        ))
    };
    let (name, extension) = file.rsplit_once('.').ok_or_else(bad_name)?;
    let format = match extension {
        "json" => None,
        other => Some(ExportFormat::parse(other).ok_or_else(bad_name)?),
    };
    let request = parse_request(state, query).await?;
    if name == "workbook" && format == Some(ExportFormat::Xlsx) {
        let mut runs = Vec::new();
        for name in ReportName::ALL {
            runs.push((
                *name,
                reports::run(&state.reports, &state.db, *name, &request).await?,
            ));
        }
        return Ok(download::stream(
            "compute-ledger-reports",
            ExportFormat::Xlsx,
            move |out| {
                let sheets: Vec<_> = runs.iter().map(|(name, r)| (*name, r.as_ref())).collect();
                export::write_workbook(&sheets, &request, out)
            },
        ));
    }
    let name = ReportName::parse(name).map_err(ReportError::BadRequest)?;
    let report = reports::run(&state.reports, &state.db, name, &request).await?;
    let stale = stale_rates_header(&report);
    let mut response = match format {
        None => axum::Json(report.table.to_json()).into_response(),
        Some(format) => download::stream(name.as_str(), format, move |out| {
            export::write_report(format, name, &report, &request, out)
        }),
    };
    if let Some(stale) = stale {
        response.headers_mut().insert("x-stale-rates", stale);
    }
    Ok(response)
}

/// The stale rates a consolidated report rests on, for the `X-Stale-Rates` header (a CSV or
/// JSON body keeps its shape).
fn stale_rates_header(report: &reports::Report) -> Option<axum::http::HeaderValue> {
    let text: Vec<String> = report.stale_rates.iter().map(|s| s.to_string()).collect();
    (!text.is_empty())
        .then(|| axum::http::HeaderValue::from_str(&text.join("; ")).ok())
        .flatten()
}

async fn parse_request(state: &AppState, query: &str) -> Result<ReportRequest, ReportError> {
    let (mut as_of, mut vendors, mut contracts, mut window) = (None, Vec::new(), Vec::new(), None);
    let mut commitments = Vec::new();
    let mut scenario = String::new();
    let (mut currency, mut commitments_at, mut constant_at) =
        (String::new(), String::new(), String::new());
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
            "currency" => currency = value,
            "commitments_at" => commitments_at = value,
            "constant_at" => constant_at = value,
            other => {
                return Err(ReportError::BadRequest(format!(
                "unknown parameter {other:?}; use as_of, vendor, contract, commitment, window_days, scenario, currency, commitments_at, constant_at"
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
    .in_currency(reports::CurrencyView::parse(
        &currency,
        &commitments_at,
        &constant_at,
    )?)
    .with_scenario(&state.db, &scenario)
    .await
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
    let state = state.seen_by(principal.as_deref());
    let answer = async {
        let view = View::parse(&view).map_err(ReportError::BadRequest)?;
        let (figure, format) = file
            .rsplit_once('.')
            .and_then(|(figure, ext)| Some((figure, ExportFormat::parse(ext)?)))
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
        let mut rows = vec![("Figure".to_owned(), name.clone())];
        if format == ExportFormat::Xlsx {
            rows.extend(
                serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap_or_default(),
            );
            let version = store::reports::ledger_version(&state.db).await?;
            rows.extend(reports::workbook::provenance_rows(
                version,
                chrono::Utc::now(),
            ));
        }
        let sheet = name.clone();
        Ok::<_, ReportError>(download::stream(&name, format, move |out| {
            export::write_table(format, &sheet, &table, &rows, out)
        }))
    };
    match answer.await {
        Ok(response) => response,
        Err(e) => error_response(e, &file),
    }
}
