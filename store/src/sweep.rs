//! What expires is deleted on a schedule (the server runs [`sweep`] every few minutes), so
//! the tables that grow with every visitor stay small: ended sessions, sign-in failures past
//! their window, API answers kept for idempotent retries past their day, single sign-ons never
//! finished, and API tokens revoked long ago (their creation and revocation stay in the audit trail).

use sea_orm::sea_query::{Expr, ExprTrait, Query};
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
    /// Single sign-ons started and never finished.
    pub sign_ons: u64,
}

pub async fn sweep(db: &impl ConnectionTrait) -> Result<Swept, DbErr> {
    let now = chrono::Utc::now();
    Ok(Swept {
        sessions: delete(db, "sessions", Expr::col("expires_at").lte(now)).await?,
        login_failures: delete(
            db,
            "login_failures",
            Expr::col("failed_at").lte(now - crate::login_limit::WINDOW),
        )
        .await?,
        idempotency_keys: delete(
            db,
            "api_idempotency",
            Expr::col("created_at").lt(now - crate::idempotency::KEPT_FOR),
        )
        .await?,
        tokens: delete(
            db,
            "api_tokens",
            Expr::col("revoked_at")
                .is_not_null()
                .and(Expr::col("revoked_at").lt(now - REVOKED_TOKENS_KEPT)),
        )
        .await?,
        sign_ons: delete(
            db,
            "oidc_logins",
            Expr::col("created_at").lt(now - crate::sso::LOGIN_LASTS),
        )
        .await?,
    })
}

async fn delete(
    db: &impl ConnectionTrait,
    table: &'static str,
    expired: Expr,
) -> Result<u64, DbErr> {
    let statement = Query::delete()
        .from_table(table)
        .and_where(expired)
        .to_owned();
    Ok(db.execute(&statement).await?.rows_affected())
}
