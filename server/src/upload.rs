//! `POST /api/imports?kind=usage&name=usage.csv[&check=1]` with the CSV as the request body.
//!
//! The body streams to a temporary file (bounded memory for any size up to the limit), then
//! goes through the same all-or-nothing import as the CLI. The answer is JSON
//! ([`ImportOutcome`]): 200 with the row count and a preview of the first rows, 422 with every
//! bad row (`file:line: column: reason`) and nothing written, 400 when the kind is unknown,
//! 413 when the body is over the limit (enforced by tower-http before anything is read).

use app::state::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use axum::{Extension, Json};
use domain::views::ImportOutcome;
use domain::Permission;
use futures_util::StreamExt;
use std::io::Write;
use std::sync::Arc;
use store::auth::Principal;
use store::import::{ImportError, ImportSource, LedgerFile, NoProgress};
use tower_http::limit::RequestBodyLimitLayer;

const PREVIEW_ROWS: usize = 5;

pub fn route(limit_bytes: u64) -> MethodRouter<AppState> {
    let limit = usize::try_from(limit_bytes).unwrap_or(usize::MAX);
    // The limit sits inside so that its bare 413 passes through the explanation.
    post(upload)
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(axum::middleware::map_response(move |response: Response| {
            explain_too_large(response, limit_bytes)
        }))
}

#[derive(Debug, serde::Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    check: String,
    /// FOCUS files: `effective` (default) or `billed`.
    #[serde(default)]
    cost: String,
    /// FOCUS files: `count` (default) or `skip` Adjustment rows.
    #[serde(default)]
    adjustments: String,
    /// FOCUS files: `skip` (default) or `count` Tax rows.
    #[serde(default)]
    taxes: String,
    /// FOCUS contract commitment files without a provider column: their contracts' vendor.
    #[serde(default)]
    vendor: String,
}

fn answer(status: StatusCode, outcome: ImportOutcome) -> Response {
    (status, Json(outcome)).into_response()
}

fn refuse(status: StatusCode, message: String) -> Response {
    answer(
        status,
        ImportOutcome {
            message,
            ..Default::default()
        },
    )
}

/// tower-http answers an oversized body with a bare 413; say what the limit is and what to do.
async fn explain_too_large(response: Response, limit_bytes: u64) -> Response {
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    too_large(limit_bytes)
}

fn too_large(limit_bytes: u64) -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The file is larger than the upload limit of {} MB; nothing was imported. \
             Split it, or import it on the server with `compute-ledger import`.",
            limit_bytes / (1024 * 1024)
        ),
    )
}

async fn upload(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    Query(query): Query<UploadQuery>,
    body: Body,
) -> Response {
    let who = match crate::auth::require(principal.as_deref(), Permission::Import) {
        Ok(p) => p.username.clone(),
        Err(response) => return response,
    };
    // Only the last path component of what the browser says the file is called, without
    // control characters (PostgreSQL refuses a NUL in text; a line break would split a log line).
    let name: String = query
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let name = match name.trim() {
        "" => "upload.csv".to_owned(),
        _ => name,
    };
    let kind = if query.kind.trim().is_empty() {
        LedgerFile::from_path(std::path::Path::new(&name))
    } else {
        LedgerFile::parse(query.kind.trim())
    };
    let Some(kind) = kind else {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "Cannot tell what {name:?} holds: choose one of {}.",
                LedgerFile::ALL
                    .iter()
                    .chain(LedgerFile::FOREIGN)
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    };
    let check_only = matches!(query.check.as_str(), "1" | "true" | "on");
    let focus_cost = if query.cost.trim().is_empty() {
        store::focus::FocusCost::default()
    } else {
        match store::focus::FocusCost::parse(&query.cost) {
            Some(cost) => cost,
            None => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "Unknown FOCUS cost {:?}: choose effective or billed.",
                        query.cost
                    ),
                )
            }
        }
    };
    let mut focus_charges = store::focus::FocusCharges::default();
    for (raw, what, flag) in [
        (
            &query.adjustments,
            "adjustments",
            &mut focus_charges.adjustments,
        ),
        (&query.taxes, "taxes", &mut focus_charges.taxes),
    ] {
        if raw.trim().is_empty() {
            continue;
        }
        match store::focus::parse_count_or_skip(raw) {
            Some(count) => *flag = count,
            None => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!("Unknown choice for FOCUS {what} {raw:?}: choose count or skip."),
                )
            }
        }
    }
    let file = match save_body(body).await {
        Ok(file) => file,
        Err(BodyError::TooLarge) => return too_large(state.upload_limit_bytes),
        Err(BodyError::Io(e)) => {
            tracing::error!(error = %e, "upload: cannot store the request body");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The upload could not be stored on the server; nothing was imported.".into(),
            );
        }
        Err(BodyError::Interrupted(e)) => {
            tracing::warn!(error = %e, "upload interrupted");
            return refuse(
                StatusCode::BAD_REQUEST,
                "The upload was interrupted; nothing was imported.".into(),
            );
        }
    };
    let (header, preview) = store::import::preview(file.path(), PREVIEW_ROWS).unwrap_or_default();
    let mut source = match ImportSource::open_as(kind, file.path()) {
        Ok(source) => source,
        Err(e) => {
            tracing::error!(error = %e, "upload: cannot reopen the stored body");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The upload could not be read back; nothing was imported.".into(),
            );
        }
    };
    source.name = name.clone();
    source.focus_cost = focus_cost;
    source.focus_charges = focus_charges;
    source.vendor = Some(query.vendor.trim().to_owned()).filter(|v| !v.is_empty());
    let progress = Arc::new(NoProgress);
    let result = if check_only {
        store::check_files(&state.db, vec![source], &who, progress).await
    } else {
        store::import_files(&state.db, vec![source], &who, progress).await
    };
    match result {
        Ok(report) => {
            let rows = report.total_rows();
            // A FOCUS commitment file also adds vendors and contracts: say what it was read as.
            let summary = report
                .files
                .iter()
                .find(|f| f.kind == kind)
                .or(report.files.first());
            let message = if check_only {
                let described = summary
                    .map(|f| f.describe("would import"))
                    .unwrap_or_default();
                format!("{name} is valid: {described} Nothing was written.")
            } else {
                tracing::info!(file = %name, %kind, rows, "imported from the browser");
                summary.map(|f| f.describe("Imported")).unwrap_or_default()
            };
            answer(
                StatusCode::OK,
                ImportOutcome {
                    imported: !check_only,
                    dry_run: check_only,
                    message,
                    rows,
                    header,
                    preview,
                    ..Default::default()
                },
            )
        }
        Err(ImportError::Rejected { errors, omitted }) => answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportOutcome {
                message: format!(
                    "{} bad row(s) in {name}; nothing was imported.",
                    errors.len() + omitted
                ),
                header,
                preview,
                errors: errors.iter().map(ToString::to_string).collect(),
                omitted: omitted as u64,
                ..Default::default()
            },
        ),
        Err(ImportError::Database(e)) => {
            tracing::error!(error = %e, file = %name, "upload: database error");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The ledger could not be written; nothing was imported. Please try again.".into(),
            )
        }
    }
}

enum BodyError {
    TooLarge,
    Interrupted(axum::Error),
    Io(std::io::Error),
}

async fn save_body(body: Body) -> Result<tempfile::NamedTempFile, BodyError> {
    let mut file = tempfile::NamedTempFile::new().map_err(BodyError::Io)?;
    let mut stream = body.into_data_stream();
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file.as_file_mut());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            // A chunked body over the limit fails mid-stream with tower-http's error.
            if std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            {
                BodyError::TooLarge
            } else {
                BodyError::Interrupted(e)
            }
        })?;
        writer.write_all(&chunk).map_err(BodyError::Io)?;
    }
    writer.flush().map_err(BodyError::Io)?;
    drop(writer);
    Ok(file)
}
