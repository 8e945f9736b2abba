//! Failed sign-ins per account and per client address, counted in the database: every server
//! process on the ledger sees the same count, and memory stays flat however many addresses
//! try. Failures older than [`WINDOW`] no longer count and are swept (see `sweep.rs`).

use crate::entities::login_failure;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

pub const WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(15);
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;

/// How long until `key` may try again, if it has `limit` failures within the window.
pub async fn wait(
    db: &impl ConnectionTrait,
    key: &str,
    limit: usize,
) -> Result<Option<std::time::Duration>, DbErr> {
    let now = Utc::now();
    let recent = login_failure::Entity::find()
        .filter(login_failure::Column::Key.eq(key))
        .filter(login_failure::Column::FailedAt.gt(now - WINDOW))
        .order_by_asc(login_failure::Column::FailedAt)
        .limit(limit as u64)
        .all(db)
        .await?;
    if recent.len() < limit {
        return Ok(None);
    }
    let until = recent[0].failed_at + WINDOW;
    Ok(Some((until - now).to_std().unwrap_or_default()))
}

/// Counts an attempt as a failure before its password is checked, so attempts sent in
/// parallel cannot all pass a count below the limit; [`forget`] takes it back when the
/// attempt is refused unchecked or succeeds.
pub async fn attempt(db: &impl ConnectionTrait, key: &str) -> Result<i64, DbErr> {
    let row = login_failure::ActiveModel {
        key: Set(key.to_owned()),
        failed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

pub async fn fail(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    attempt(db, key).await.map(|_| ())
}

pub async fn forget(db: &impl ConnectionTrait, attempts: &[i64]) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Id.is_in(attempts.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// A successful sign-in forgets the account's failures.
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_is_locked_at_its_limit_until_cleared() {
        let db = crate::connect("sqlite::memory:").await.unwrap();
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            assert!(wait(&db, "user:a", MAX_FAILURES_PER_ACCOUNT)
                .await
                .unwrap()
                .is_none());
            fail(&db, "user:a").await.unwrap();
        }
        let locked = wait(&db, "user:a", MAX_FAILURES_PER_ACCOUNT).await.unwrap();
        assert!(locked.is_some_and(|d| d <= WINDOW.to_std().unwrap() && d.as_secs() > 800));
        assert!(wait(&db, "user:b", MAX_FAILURES_PER_ACCOUNT)
            .await
            .unwrap()
            .is_none());
        clear(&db, "user:a").await.unwrap();
        assert!(wait(&db, "user:a", MAX_FAILURES_PER_ACCOUNT)
            .await
            .unwrap()
            .is_none());
    }
}
