//! Making a pack: a draft from the ledger as it is now, or a published version, frozen with its
//! figures and listing what changed since the version before. The one place the page, the
//! `/board-pack/YYYY-MM.pdf` route and the CLI go through.

use super::content::{self, PackContent};
use super::pdf;
use crate::state::AppState;
use domain::board_pack::Month;
use reports::ReportError;
use store::ledger::WriteError;

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("{0}")]
    Pdf(String),
}

impl From<sea_orm::DbErr> for PackError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Write(WriteError::Database(e))
    }
}

/// Which pack a download asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// The newest published version, or a draft when none is.
    Newest,
    Draft,
    Version(i32),
}

/// Renders off the async runtime: laying out and compressing a pack is seconds of CPU on a
/// large ledger.
async fn render(content: PackContent, label: String) -> Result<Vec<u8>, PackError> {
    tokio::task::spawn_blocking(move || pdf::render(&content, &label))
        .await
        .map_err(|e| PackError::Pdf(format!("the PDF could not be made: {e}")))?
        .map_err(PackError::Pdf)
}

/// A draft of the month's pack from the ledger as it is now.
pub async fn draft(state: &AppState, month: Month, scenario: &str) -> Result<Vec<u8>, PackError> {
    let content = content::build(state, month, scenario).await?;
    let label = format!(
        "Draft, {} — not published",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    render(content, label).await
}

/// The PDF a download asks for, with the file name to give it; `None` when that version was
/// never published.
pub async fn download(
    state: &AppState,
    month: Month,
    wanted: Wanted,
    scenario: &str,
) -> Result<Option<(String, Vec<u8>)>, PackError> {
    let stored = match wanted {
        Wanted::Draft => None,
        Wanted::Newest => store::board_packs::pdf(&state.db, month, None).await?,
        Wanted::Version(v) => match store::board_packs::pdf(&state.db, month, Some(v)).await? {
            None => return Ok(None),
            found => found,
        },
    };
    Ok(Some(match stored {
        Some((version, bytes)) => (format!("board-pack-{month}-v{version}.pdf"), bytes),
        None => (
            format!("board-pack-{month}-draft.pdf"),
            draft(state, month, scenario).await?,
        ),
    }))
}

/// Publishes the next version of the month's pack: the figures as of now, frozen with the PDF
/// that shows them, and the differences from the version before. Returns its number and
/// those differences.
pub async fn publish(
    state: &AppState,
    actor: &str,
    month: Month,
) -> Result<(i32, Vec<String>), PackError> {
    let content = content::build(state, month, "").await?;
    let previous = store::board_packs::versions(&state.db, month).await?;
    let version = previous.first().map_or(1, |p| p.version + 1);
    let changes = match previous.first() {
        Some(before) => {
            let before: PackContent = serde_json::from_str(&before.content).map_err(|e| {
                PackError::Pdf(format!("version {} could not be read: {e}", before.version))
            })?;
            let mut listed = content::differences(&before, &content);
            if listed.is_empty() {
                listed.push("No figure changed.".to_owned());
            }
            listed
        }
        None => vec![],
    };
    let label = format!(
        "Version {version}, published {} by {actor}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let json = serde_json::to_string(&content)
        .map_err(|e| PackError::Pdf(format!("the figures could not be stored: {e}")))?;
    let bytes = render(content, label).await?;
    store::board_packs::publish(&state.db, actor, month, version, json, bytes, &changes).await?;
    Ok((version, changes))
}
