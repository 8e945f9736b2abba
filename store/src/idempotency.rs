//! The answers to API POSTs sent with an `Idempotency-Key`, so a script that retries after a
//! timeout gets the first answer again instead of recording a receipt or a usage entry twice.
//! A key belongs to whoever sent it (one API token, or one user's sessions) and is kept for
//! [`KEPT_FOR`].

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub const KEPT_FOR: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// A claim still unanswered after this long was abandoned (its process stopped half-way):
/// the next retry takes it over instead of waiting a day.
pub const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

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
    let backend = db.get_database_backend();
    let now = chrono::Utc::now();
    db.execute_raw(crate::db::statement(
        backend,
        "DELETE FROM api_idempotency WHERE caller = ? AND created_at < ?",
        vec![caller.into(), (now - KEPT_FOR).into()],
    ))
    .await?;
    // The unique (caller, key) index settles a race between two retries: one inserts.
    let inserted = db
        .execute_raw(crate::db::statement(
            backend,
            "INSERT INTO api_idempotency (caller, key, request_hash, status, body, created_at) \
             VALUES (?, ?, ?, 0, '', ?) ON CONFLICT (caller, key) DO NOTHING",
            vec![caller.into(), key.into(), request_hash.into(), now.into()],
        ))
        .await?
        .rows_affected();
    if inserted == 1 {
        return Ok(Claim::First);
    }
    let Some(row) = db
        .query_one_raw(crate::db::statement(
            backend,
            "SELECT request_hash, status, location, body FROM api_idempotency WHERE caller = ? AND key = ?",
            vec![caller.into(), key.into()],
        ))
        .await?
    else {
        // Expired and swept between the two statements by another request: a fresh claim.
        return Box::pin(claim(db, caller, key, request_hash)).await;
    };
    let hash: String = row.try_get("", "request_hash")?;
    let status: i32 = row.try_get("", "status")?;
    if status == 0 && hash == request_hash {
        let taken_over = db
            .execute_raw(crate::db::statement(
                backend,
                "UPDATE api_idempotency SET created_at = ? \
                 WHERE caller = ? AND key = ? AND status = 0 AND created_at < ?",
                vec![
                    now.into(),
                    caller.into(),
                    key.into(),
                    (now - ABANDONED_AFTER).into(),
                ],
            ))
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
    db.execute_raw(crate::db::statement(
        db.get_database_backend(),
        "UPDATE api_idempotency SET status = ?, location = ?, body = ? WHERE caller = ? AND key = ?",
        vec![
            i32::from(status).into(),
            location.map(str::to_owned).into(),
            body.into(),
            caller.into(),
            key.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Gives a claimed key back (the request failed before it could be answered for good), so a
/// retry runs it.
pub async fn release(db: &DatabaseConnection, caller: &str, key: &str) -> Result<(), DbErr> {
    db.execute_raw(crate::db::statement(
        db.get_database_backend(),
        "DELETE FROM api_idempotency WHERE caller = ? AND key = ?",
        vec![caller.into(), key.into()],
    ))
    .await?;
    Ok(())
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
        db.execute_raw(crate::db::statement(
            db.get_database_backend(),
            "UPDATE api_idempotency SET created_at = ?",
            vec![stale.into()],
        ))
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
