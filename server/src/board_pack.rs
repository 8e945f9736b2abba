//! The board pack outside the page: `GET /board-pack/YYYY-MM.pdf` (the newest published
//! version, `?version=N`, or `?draft` from the ledger as it is now), `compute-ledger
//! board-pack` (the scheduled e-mail is in `board_pack_mail`).

use anyhow::Context;
use app::board_pack::generate::{self, PackError, Wanted};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::board_pack::Month;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

pub const ROUTE: &str = "/board-pack/{file}";

fn refusal(status: StatusCode, text: String) -> Response {
    (status, format!("{text}\n")).into_response()
}

fn wanted(query: &HashMap<String, String>) -> Result<Wanted, String> {
    match (query.get("version"), query.contains_key("draft")) {
        (Some(_), true) => Err("ask for a version or the draft, not both".into()),
        (Some(v), false) => v
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|v| *v > 0)
            .map(Wanted::Version)
            .ok_or_else(|| format!("version must be a whole number from 1 (got {v:?})")),
        (None, true) => Ok(Wanted::Draft),
        (None, false) => Ok(Wanted::Newest),
    }
}

pub async fn download(
    State(state): State<AppState>,
    principal: Option<axum::Extension<store::auth::Principal>>,
    Path(file): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(response) = crate::auth::require(principal.as_deref(), domain::Permission::Read) {
        return response;
    }
    let state = state.seen_by(principal.as_deref());
    let Some(month) = file.strip_suffix(".pdf").and_then(|m| Month::parse(m).ok()) else {
        return refusal(
            StatusCode::NOT_FOUND,
            format!("{file:?}: a board pack is /board-pack/YYYY-MM.pdf"),
        );
    };
    let wanted = match wanted(&query) {
        Ok(wanted) => wanted,
        Err(reason) => return refusal(StatusCode::BAD_REQUEST, reason),
    };
    let scenario = query.get("scenario").map(String::as_str).unwrap_or("");
    let started = Instant::now();
    match generate::download(&state, month, wanted, scenario).await {
        Ok(Some((name, bytes))) => {
            tracing::info!(
                file = name,
                bytes = bytes.len(),
                ms = started.elapsed().as_millis() as u64,
                "board pack served"
            );
            (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(None) => refusal(
            StatusCode::NOT_FOUND,
            format!("the {month} board pack has no such version"),
        ),
        Err(PackError::Report(reports::ReportError::BadRequest(reason))) => {
            refusal(StatusCode::BAD_REQUEST, reason)
        }
        Err(e) => {
            tracing::error!(error = %e, %month, "board pack failed");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the board pack could not be made; the server log says why".into(),
            )
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct BoardPackArgs {
    /// The month (YYYY-MM); default: the last complete month.
    #[arg(long)]
    pub month: Option<String>,
    /// Where to write the PDF.
    #[arg(short, long)]
    pub output: PathBuf,
    /// A published version (default: the newest published one, or a draft when none is).
    /// Not `--version`: that prints the program's version.
    #[arg(long = "pack-version", value_name = "N", conflicts_with = "draft")]
    pub pack_version: Option<i32>,
    /// A draft from the ledger as it is now, even when the month is published.
    #[arg(long)]
    pub draft: bool,
    /// A saved what-if scenario shown beside the baseline (drafts only).
    #[arg(long, default_value = "")]
    pub scenario: String,
    /// Publish the next version of the month's pack (as this user) before writing it.
    #[arg(long = "publish-as")]
    pub publish_as: Option<String>,
    /// Every amount in this currency at the stored exchange rates (default: the reporting
    /// currency, LEDGER_REPORTING_CURRENCY or USD).
    #[arg(long, env = "LEDGER_REPORTING_CURRENCY", default_value = "USD", value_parser = crate::serve_args::parse_currency)]
    pub currency: domain::Currency,
}

pub async fn cli(db: store::DatabaseConnection, args: BoardPackArgs) -> anyhow::Result<ExitCode> {
    let month = match &args.month {
        Some(raw) => Month::parse(raw).map_err(|e| anyhow::anyhow!("--month {e}"))?,
        None => Month::last_complete(chrono::Utc::now().date_naive()),
    };
    if args.output.exists() {
        anyhow::bail!(
            "{} exists; choose another file (nothing is overwritten)",
            args.output.display()
        );
    }
    let mut state = AppState::offline(db);
    state.reporting_currency = args.currency;
    if let Some(actor) = &args.publish_as {
        let (version, changes) = generate::publish(&state, actor, month)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(%month, version, changes = changes.len(), "published");
        for change in &changes {
            println!("{change}");
        }
    }
    let wanted = match (args.pack_version, args.draft) {
        (Some(v), _) => Wanted::Version(v),
        (None, true) => Wanted::Draft,
        (None, false) => Wanted::Newest,
    };
    let started = Instant::now();
    let (name, bytes) = generate::download(&state, month, wanted, &args.scenario)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("the {month} board pack has no such version"))?;
    std::fs::write(&args.output, &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    tracing::info!(
        file = %args.output.display(),
        pack = name,
        bytes = bytes.len(),
        seconds = started.elapsed().as_secs_f64(),
        "board pack written"
    );
    Ok(ExitCode::SUCCESS)
}
