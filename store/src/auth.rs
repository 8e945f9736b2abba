//! Users, sessions and API tokens. Passwords are argon2id hashes; session ids and API tokens
//! are random 256-bit secrets of which only the SHA-256 is stored.

use crate::audit::{self, Change};
use crate::entities::{api_token, session, user};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use domain::{FieldError, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

/// A working day and then some; after it the user signs in again.
pub const DEFAULT_SESSION_HOURS: i64 = 12;

pub const MIN_PASSWORD_LEN: usize = 12;

/// Who a request acts as, once its session or token has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// Present for browser sessions (which need CSRF protection); API tokens have none.
    pub csrf_token: Option<String>,
    /// The API token the request came with, if it came with one.
    pub token_id: Option<i64>,
}

impl Principal {
    /// Who owns the request's idempotency keys: its token, or the user for a session.
    pub fn idempotency_caller(&self) -> String {
        match self.token_id {
            Some(id) => format!("token:{id}"),
            None => format!("user:{}", self.user_id),
        }
    }
}

/// A random 256-bit secret, hex-encoded.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn role_of(u: &user::Model) -> Result<Role, DbErr> {
    Role::parse(&u.role).map_err(DbErr::Custom)
}

pub async fn find_user(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await
}

pub async fn user_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    user::Entity::find().count(db).await
}

pub async fn list_users(db: &impl ConnectionTrait) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Database(#[from] DbErr),
}

pub async fn add_user(
    db: &DatabaseConnection,
    actor: &str,
    username: &str,
    role: Role,
    password: &str,
) -> Result<i64, UserError> {
    let mut errors = Vec::new();
    let username = username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        errors.push(FieldError::new(
            "username",
            "use 1–64 letters, digits, '.', '_', '-' or '@'",
        ));
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        errors.push(FieldError::new(
            "password",
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    let (txn, _turn) = crate::db::begin_write(db).await?;
    if errors.is_empty() && find_user(&txn, username).await?.is_some() {
        errors.push(FieldError::new(
            "username",
            format!("a user {username:?} already exists"),
        ));
    }
    if !errors.is_empty() {
        return Err(UserError::Invalid(errors));
    }
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| DbErr::Custom(format!("hashing the password failed: {e}")))?
        .to_string();
    let saved = user::ActiveModel {
        username: Set(username.to_owned()),
        password_hash: Set(hash),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
        disabled_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit_with(
        txn,
        Change {
            actor,
            entity: domain::AuditEntity::User,
            entity_id: Some(saved.username.clone()),
            action: "create",
            before: None,
            after: Some(serde_json::json!({ "username": saved.username, "role": saved.role })),
        },
    )
    .await?;
    Ok(saved.id)
}

/// Disables a user and ends their sessions and tokens; the row stays for the audit trail.
pub async fn disable_user(
    db: &DatabaseConnection,
    actor: &str,
    username: &str,
) -> Result<bool, DbErr> {
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let Some(found) = find_user(&txn, username).await? else {
        return Ok(false);
    };
    let now = Utc::now();
    let mut active = found.clone().into_active_model();
    active.disabled_at = Set(Some(now));
    active.update(&txn).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(found.id))
        .exec(&txn)
        .await?;
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::UserId.eq(found.id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    audit::commit_with(
        txn,
        Change {
            actor,
            entity: domain::AuditEntity::User,
            entity_id: Some(found.username.clone()),
            action: "disable",
            before: Some(serde_json::json!({ "disabled_at": null })),
            after: Some(serde_json::json!({ "disabled_at": now.to_rfc3339() })),
        },
    )
    .await?;
    Ok(true)
}

/// The user if the password is theirs and they are not disabled. Hashing runs on a blocking
/// thread: argon2 takes tens of milliseconds by design.
pub async fn verify_password(
    db: &impl ConnectionTrait,
    username: &str,
    password: &str,
) -> Result<Option<user::Model>, DbErr> {
    let found = find_user(db, username.trim()).await?;
    let stored = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        // An unknown user costs the same time as a known one.
        .unwrap_or_else(|| DUMMY_HASH.to_owned());
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| DbErr::Custom(format!("password check failed: {e}")))?;
    Ok(found.filter(|u| ok && u.disabled_at.is_none()))
}

/// argon2id of a random password nobody knows, to spend the same effort on unknown users.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8xZ1V2Jg6c2JX0m3mVd0h3bq1ZbK7v2Lq1s7s5Wm9nM";

pub struct NewSession {
    /// Goes into the cookie; only its hash is stored.
    pub secret: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_session(
    db: &impl ConnectionTrait,
    user_id: i64,
    lifetime: Duration,
) -> Result<NewSession, DbErr> {
    let secret = new_secret();
    let csrf_token = new_secret();
    let now = Utc::now();
    let expires_at = now + lifetime;
    session::ActiveModel {
        id_hash: Set(digest(&secret)),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(NewSession {
        secret,
        csrf_token,
        expires_at,
    })
}

async fn active_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<user::Model>, DbErr> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.disabled_at.is_none()))
}

/// The principal of a session cookie, if it exists, has not expired and its user is active.
pub async fn session_principal(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<Principal>, DbErr> {
    let Some(found) = session::Entity::find_by_id(digest(secret)).one(db).await? else {
        return Ok(None);
    };
    if found.expires_at <= Utc::now() {
        session::Entity::delete_by_id(found.id_hash)
            .exec(db)
            .await?;
        return Ok(None);
    }
    let Some(u) = active_user(db, found.user_id).await? else {
        return Ok(None);
    };
    Ok(Some(Principal {
        user_id: u.id,
        role: role_of(&u)?,
        username: u.username,
        csrf_token: Some(found.csrf_token),
        token_id: None,
    }))
}

pub async fn end_session(db: &impl ConnectionTrait, secret: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(digest(secret))
        .exec(db)
        .await?;
    Ok(())
}

/// A new API token for a user: the secret is returned once and never stored.
pub async fn create_token(
    db: &DatabaseConnection,
    actor: &str,
    user_id: i64,
    name: &str,
) -> Result<(i64, String), UserError> {
    let name = match domain::text::required(name, 100) {
        Ok(name) => name,
        Err(reason) => {
            return Err(UserError::Invalid(vec![FieldError::new(
                "name",
                format!(
                    "{reason}: give the token a name of 1–100 characters (what script uses it)"
                ),
            )]))
        }
    };
    let secret = format!("cl_{}", new_secret());
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let saved = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.clone()),
        token_hash: Set(digest(&secret)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit_with(
        txn,
        Change {
            actor,
            entity: domain::AuditEntity::Token,
            entity_id: Some(saved.id.to_string()),
            action: "create",
            before: None,
            after: Some(serde_json::json!({ "name": saved.name, "user_id": user_id })),
        },
    )
    .await?;
    Ok((saved.id, secret))
}

pub async fn list_tokens(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
}

/// Revokes one of the user's own tokens (admins may revoke anyone's). False if not found.
pub async fn revoke_token(
    db: &DatabaseConnection,
    actor: &Principal,
    token_id: i64,
) -> Result<bool, DbErr> {
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let Some(found) = api_token::Entity::find_by_id(token_id).one(&txn).await? else {
        return Ok(false);
    };
    if found.user_id != actor.user_id && actor.role != Role::Admin {
        return Ok(false);
    }
    if found.revoked_at.is_some() {
        return Ok(true);
    }
    let mut active = found.clone().into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    audit::commit_with(
        txn,
        Change {
            actor: &actor.username,
            entity: domain::AuditEntity::Token,
            entity_id: Some(token_id.to_string()),
            action: "revoke",
            before: Some(serde_json::json!({ "name": found.name, "revoked": false })),
            after: Some(serde_json::json!({ "name": found.name, "revoked": true })),
        },
    )
    .await?;
    Ok(true)
}

/// The principal of a bearer token, if it exists, is not revoked and its user is active.
pub async fn token_principal(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<Principal>, DbErr> {
    let Some(found) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(digest(secret)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.revoked_at.is_some() {
        return Ok(None);
    }
    let Some(u) = active_user(db, found.user_id).await? else {
        return Ok(None);
    };
    let token_id = found.id;
    let mut active = found.into_active_model();
    active.last_used_at = Set(Some(Utc::now()));
    active.update(db).await?;
    Ok(Some(Principal {
        user_id: u.id,
        role: role_of(&u)?,
        username: u.username,
        csrf_token: None,
        token_id: Some(token_id),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hex_and_compared_in_full() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret(&a, &a[..63]));
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
