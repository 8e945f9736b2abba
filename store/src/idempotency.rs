//! The answers to API POSTs sent with an `Idempotency-Key`, so a script that retries after a
//! timeout gets the first answer again instead of recording a receipt or a usage entry twice.
//! A key belongs to whoever sent it (one API token, or one user's sessions) and is kept for
//! [`KEPT_FOR`].

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub const KEPT_FOR: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// A claim still unanswered after this long was abandoned (its process stopped half-way):
/// the next retry takes it over instead of waiting a day.
pub const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

const TABLE: &str = "api_idempotency";

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The first time: run it, then [`finish`] (or [`release`] if it failed on our side).
    First,
    /// Answered before: send this again.
    Replay {
        status: u16,
        location: Option<String>,
        body: String,
    },
    /// The first request with this key has not been answered yet.
    InProgress,
    /// The key was used for a different request (method, path or body).
    OtherRequest,
}

/// Claims `key` for this request, or says how it was answered before. Claims older than
/// [`KEPT_FOR`] are forgotten here, so the table holds a day of keys per caller at most.
pub async fn claim(
    db: &DatabaseConnection,
    caller: &str,
    key: &str,
    request_hash: &str,
) -> Result<Claim, DbErr> {
    let now = chrono::Utc::now();
    db.execute(
        Query::delete()
            .from_table(TABLE)
            .and_where(Expr::col("caller").eq(caller))
            .and_where(Expr::col("created_at").lt(now - KEPT_FOR)),
    )
    .await?;
    // The unique (caller, key) index settles a race between two retries: one inserts.
    let inserted = db
        .execute(
            Query::insert()
                .into_table(TABLE)
                .columns([
                    "caller",
                    "key",
                    "request_hash",
                    "status",
                    "body",
                    "created_at",
                ])
                .values_panic([
                    caller.into(),
                    key.into(),
                    request_hash.into(),
                    0i32.into(),
                    "".into(),
                    now.into(),
                ])
                .on_conflict(
                    OnConflict::columns(["caller", "key"])
                        .do_nothing()
                        .to_owned(),
                ),
        )
        .await?
        .rows_affected();
    if inserted == 1 {
        return Ok(Claim::First);
    }
    let Some(row) = db
        .query_one(
            Query::select()
                .columns(["request_hash", "status", "location", "body"])
                .from(TABLE)
                .and_where(of_key(caller, key)),
        )
        .await?
    else {
        // Expired and swept between the two statements by another request: a fresh claim.
        return Box::pin(claim(db, caller, key, request_hash)).await;
    };
    let hash: String = row.try_get("", "request_hash")?;
    let status: i32 = row.try_get("", "status")?;
    if status == 0 && hash == request_hash {
        let taken_over = db
            .execute(
                Query::update()
                    .table(TABLE)
                    .value("created_at", now)
                    .and_where(of_key(caller, key))
                    .and_where(Expr::col("status").eq(0i32))
                    .and_where(Expr::col("created_at").lt(now - ABANDONED_AFTER)),
            )
            .await?
            .rows_affected();
        if taken_over == 1 {
            return Ok(Claim::First);
        }
    }
    Ok(if hash != request_hash {
        Claim::OtherRequest
    } else if status == 0 {
        Claim::InProgress
    } else {
        Claim::Replay {
            status: u16::try_from(status).unwrap_or(500),
            location: row.try_get("", "location")?,
            body: row.try_get("", "body")?,
        }
    })
}

/// Stores the answer to a claimed key.
pub async fn finish(
    db: &DatabaseConnection,
    caller: &str,
    key: &str,
    status: u16,
    location: Option<&str>,
    body: &str,
) -> Result<(), DbErr> {
    db.execute(
        Query::update()
            .table(TABLE)
            .value("status", i32::from(status))
            .value("location", location.map(str::to_owned))
            .value("body", body)
            .and_where(of_key(caller, key)),
    )
    .await?;
    Ok(())
}

/// Gives a claimed key back (the request failed before it could be answered for good), so a
/// retry runs it.
pub async fn release(db: &DatabaseConnection, caller: &str, key: &str) -> Result<(), DbErr> {
    db.execute(
        Query::delete()
            .from_table(TABLE)
            .and_where(of_key(caller, key)),
    )
    .await?;
    Ok(())
}

/// The row of `caller`'s `key`.
fn of_key(caller: &str, key: &str) -> Expr {
    Expr::col("caller").eq(caller).and(Expr::col("key").eq(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_abandoned_claim_is_taken_over_by_the_next_retry() {
        let db = crate::connect("sqlite::memory:").await.unwrap();
        assert_eq!(claim(&db, "token:1", "k", "h").await.unwrap(), Claim::First);
        assert_eq!(
            claim(&db, "token:1", "k", "h").await.unwrap(),
            Claim::InProgress
        );
        assert_eq!(
            claim(&db, "token:1", "k", "other").await.unwrap(),
            Claim::OtherRequest
        );
        db.execute_unprepared(
            "UPDATE api_idempotency SET created_at = '2000-01-01 00:00:00+00:00'",
        )
        .await
        .unwrap();
        // Older than a day: swept and claimed afresh; the same holds for any stale claim.
        assert_eq!(claim(&db, "token:1", "k", "h").await.unwrap(), Claim::First);
        let stale = chrono::Utc::now() - ABANDONED_AFTER - chrono::TimeDelta::seconds(5);
        db.execute(Query::update().table(TABLE).value("created_at", stale))
            .await
            .unwrap();
        assert_eq!(claim(&db, "token:1", "k", "h").await.unwrap(), Claim::First);
        finish(&db, "token:1", "k", 201, None, "{}").await.unwrap();
        assert!(matches!(
            claim(&db, "token:1", "k", "h").await.unwrap(),
            Claim::Replay { status: 201, .. }
        ));
    }
}
