//! What expires is deleted on a schedule (the server runs [`sweep`] every few minutes), so
//! the tables that grow with every visitor stay small: ended sessions, sign-in failures past
//! their window, API answers kept for idempotent retries past their day, and API tokens
//! revoked long ago (their creation and revocation stay in the audit trail).

use sea_orm::{ConnectionTrait, DbErr};

/// A revoked token's row is kept this long, so the Account page still shows it for a while.
pub const REVOKED_TOKENS_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// Rows deleted, per table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub login_failures: u64,
    pub idempotency_keys: u64,
    pub tokens: u64,
}

pub async fn sweep(db: &impl ConnectionTrait) -> Result<Swept, DbErr> {
    let now = chrono::Utc::now();
    Ok(Swept {
        sessions: delete(db, "DELETE FROM sessions WHERE expires_at <= ?", now).await?,
        login_failures: delete(
            db,
            "DELETE FROM login_failures WHERE failed_at <= ?",
            now - crate::login_limit::WINDOW,
        )
        .await?,
        idempotency_keys: delete(
            db,
            "DELETE FROM api_idempotency WHERE created_at < ?",
            now - crate::idempotency::KEPT_FOR,
        )
        .await?,
        tokens: delete(
            db,
            "DELETE FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at < ?",
            now - REVOKED_TOKENS_KEPT,
        )
        .await?,
    })
}

async fn delete(
    db: &impl ConnectionTrait,
    sql: &str,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let statement = crate::db::statement(db.get_database_backend(), sql, vec![before.into()]);
    Ok(db.execute_raw(statement).await?.rows_affected())
}
