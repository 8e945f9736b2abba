//! The scheduled sweep deletes what has expired and nothing else.

mod common;

use chrono::{TimeDelta, Utc};
use common::test_db;
use sea_orm::{ConnectionTrait, Statement};

async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

#[tokio::test]
async fn expired_rows_are_swept_and_live_ones_kept() {
    let t = test_db().await;
    let db = &t.db;
    let user = store::auth::add_user(
        db,
        "admin",
        "cfo",
        domain::Role::Viewer,
        "a long enough password",
    )
    .await
    .unwrap();
    // One live and one ended session.
    store::auth::create_session(db, user, TimeDelta::hours(1))
        .await
        .unwrap();
    store::auth::create_session(db, user, TimeDelta::seconds(-1))
        .await
        .unwrap();
    // A fresh failure and one past the window.
    store::login_limit::fail(db, "user:cfo").await.unwrap();
    let old = Utc::now() - store::login_limit::WINDOW - TimeDelta::minutes(1);
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                "INSERT INTO login_failures (key, failed_at) VALUES ('ip:1', $1)"
            }
            _ => "INSERT INTO login_failures (key, failed_at) VALUES ('ip:1', ?)",
        },
        vec![old.into()],
    ))
    .await
    .unwrap();
    // A kept answer from today and one from two days ago.
    for caller in ["token:1", "token:2"] {
        store::idempotency::claim(db, caller, "k", "h")
            .await
            .unwrap();
    }
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE api_idempotency SET created_at = '2000-01-01 00:00:00+00:00' WHERE caller = 'token:2'",
    ))
    .await
    .unwrap();
    // A token revoked long ago, one revoked now, one live.
    let mut ids = Vec::new();
    for name in ["old", "recent", "live"] {
        ids.push(
            store::auth::create_token(db, "admin", user, name)
                .await
                .unwrap()
                .0,
        );
    }
    let owner = store::auth::Principal {
        user_id: user,
        username: "cfo".into(),
        role: domain::Role::Viewer,
        csrf_token: None,
        token_id: None,
    };
    assert!(store::auth::revoke_token(db, &owner, ids[0]).await.unwrap());
    assert!(store::auth::revoke_token(db, &owner, ids[1]).await.unwrap());
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "UPDATE api_tokens SET revoked_at = '2000-01-01 00:00:00+00:00' WHERE id = {}",
            ids[0]
        ),
    ))
    .await
    .unwrap();

    // A single sign-on under way and one abandoned.
    for state in ["live", "abandoned"] {
        let login = store::sso::PendingLogin {
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next: "/".into(),
        };
        store::sso::begin(db, state, login).await.unwrap();
    }
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE oidc_logins SET created_at = '2000-01-01 00:00:00+00:00' WHERE state = 'abandoned'",
    ))
    .await
    .unwrap();

    let swept = store::sweep::sweep(db).await.unwrap();
    assert_eq!(
        swept,
        store::sweep::Swept {
            sessions: 1,
            login_failures: 1,
            idempotency_keys: 1,
            tokens: 1,
            sign_ons: 1,
        }
    );
    for (table, left) in [
        ("sessions", 1),
        ("login_failures", 1),
        ("api_idempotency", 1),
        ("api_tokens", 2),
        ("oidc_logins", 1),
    ] {
        assert_eq!(count(db, table).await, left, "{table}");
    }
    assert_eq!(
        store::sweep::sweep(db).await.unwrap(),
        store::sweep::Swept::default()
    );
}
