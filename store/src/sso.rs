//! Single sign-on's part of the ledger: the sign-ins waiting for the identity provider's
//! answer, and the ledger user an identity becomes (matched by e-mail, or created on first
//! sign-in). The protocol itself (discovery, PKCE, the ID token's checks) is the server's.

use crate::audit::{self, Change};
use crate::entities::{oidc_login, user};
use chrono::{Duration, Utc};
use domain::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, Set,
};

/// How long a user has at the identity provider before the sign-in must start again.
pub const LOGIN_LASTS: Duration = Duration::minutes(10);

/// The audit trail's actor for what single sign-on does on its own (creating a user,
/// applying the roles the provider's groups map to).
pub const ACTOR: &str = "single sign-on";

/// What the callback needs back from the redirect that started the sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
}

/// Remembers a sign-in sent to the provider under its `state` (and forgets abandoned ones).
pub async fn begin(
    db: &impl ConnectionTrait,
    state: &str,
    login: PendingLogin,
) -> Result<(), DbErr> {
    let now = Utc::now();
    oidc_login::Entity::delete_many()
        .filter(oidc_login::Column::CreatedAt.lt(now - LOGIN_LASTS))
        .exec(db)
        .await?;
    oidc_login::ActiveModel {
        state: Set(state.to_owned()),
        nonce: Set(login.nonce),
        pkce_verifier: Set(login.pkce_verifier),
        next: Set(login.next),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The sign-in started under `state`, once: it is deleted as it is read, so a replayed answer
/// (or one racing it on another server) finds nothing. `None` as well once it has expired.
pub async fn take(db: &impl ConnectionTrait, state: &str) -> Result<Option<PendingLogin>, DbErr> {
    let Some(found) = oidc_login::Entity::find_by_id(state.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let deleted = oidc_login::Entity::delete_by_id(state.to_owned())
        .exec(db)
        .await?
        .rows_affected;
    if deleted != 1 || found.created_at < Utc::now() - LOGIN_LASTS {
        return Ok(None);
    }
    Ok(Some(PendingLogin {
        nonce: found.nonce,
        pkce_verifier: found.pkce_verifier,
        next: found.next,
    }))
}

/// Who the identity provider vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub email: String,
    /// The role the provider's groups map to, if any group is mapped.
    pub role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    User(user::Model),
    /// The matching ledger user is disabled.
    Disabled,
}

/// The ledger user for an identity: the one with this e-mail, else the one named by it
/// (linked to it from now on), else a new user with the mapped role or `default_role`. A
/// mapped role replaces the user's role (audited); without one their role stays as it is.
pub async fn user_for(
    db: &DatabaseConnection,
    identity: &Identity,
    default_role: Role,
) -> Result<SignIn, DbErr> {
    let email = identity.email.trim().to_lowercase();
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let found = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::Email.eq(email.as_str()))
                .add(user::Column::Username.eq(email.as_str())),
        )
        .all(&txn)
        .await?
        .into_iter()
        // One user can hold the e-mail and another the same text as a name: the e-mail wins.
        .min_by_key(|u| u.email.as_deref() != Some(email.as_str()));
    let user = match found {
        Some(u) if u.disabled_at.is_some() => return Ok(SignIn::Disabled),
        Some(u) => {
            let u = if u.email.is_none() {
                link_email(&txn, u, &email).await?
            } else {
                u
            };
            match identity.role {
                Some(role) => {
                    let id = u.id;
                    crate::roles::change_role(&txn, ACTOR, u, role).await?;
                    user::Entity::find_by_id(id)
                        .one(&txn)
                        .await?
                        .ok_or_else(|| DbErr::RecordNotFound(format!("user #{id}")))?
                }
                None => u,
            }
        }
        None => create(&txn, &email, identity.role.unwrap_or(default_role)).await?,
    };
    txn.commit().await?;
    Ok(SignIn::User(user))
}

async fn link_email(
    conn: &impl ConnectionTrait,
    found: user::Model,
    email: &str,
) -> Result<user::Model, DbErr> {
    let username = found.username.clone();
    let mut active = found.into_active_model();
    active.email = Set(Some(email.to_owned()));
    let saved = active.update(conn).await?;
    audit::record(
        conn,
        Change {
            actor: ACTOR,
            entity: domain::AuditEntity::User,
            entity_id: Some(username),
            action: "link e-mail",
            before: Some(serde_json::json!({ "email": null })),
            after: Some(serde_json::json!({ "email": email })),
        },
    )
    .await?;
    Ok(saved)
}

/// A user who signs in only through the provider: named by their e-mail, with a password hash
/// that no password matches (password sign-in fails for them like a wrong password).
async fn create(
    conn: &impl ConnectionTrait,
    email: &str,
    role: Role,
) -> Result<user::Model, DbErr> {
    let saved = user::ActiveModel {
        username: Set(email.to_owned()),
        password_hash: Set(NO_PASSWORD.to_owned()),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
        disabled_at: Set(None),
        email: Set(Some(email.to_owned())),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        Change {
            actor: ACTOR,
            entity: domain::AuditEntity::User,
            entity_id: Some(saved.username.clone()),
            action: "create",
            before: None,
            after: Some(serde_json::json!({
                "username": saved.username, "email": email, "role": saved.role
            })),
        },
    )
    .await?;
    Ok(saved)
}

/// Not a PHC string, so no password verifies against it.
const NO_PASSWORD: &str = "!single-sign-on";

#[cfg(test)]
mod tests {
    use super::*;

    async fn database() -> (crate::testing::TestDatabase, DatabaseConnection) {
        let test = crate::testing::fresh_database().await.unwrap();
        let db = crate::connect(&test.url).await.unwrap();
        (test, db)
    }

    fn identity(email: &str, role: Option<Role>) -> Identity {
        Identity {
            email: email.into(),
            role,
        }
    }

    #[tokio::test]
    async fn a_pending_sign_in_is_taken_once() {
        let (_t, db) = database().await;
        let login = PendingLogin {
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next: "/contracts".into(),
        };
        begin(&db, "s1", login.clone()).await.unwrap();
        assert_eq!(take(&db, "s1").await.unwrap(), Some(login));
        assert_eq!(
            take(&db, "s1").await.unwrap(),
            None,
            "a replay finds nothing"
        );
        assert_eq!(take(&db, "never-sent").await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_expired_sign_in_is_refused() {
        let (_t, db) = database().await;
        let login = PendingLogin {
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next: "/".into(),
        };
        begin(&db, "old", login).await.unwrap();
        oidc_login::Entity::update_many()
            .col_expr(
                oidc_login::Column::CreatedAt,
                sea_orm::sea_query::Expr::value(Utc::now() - LOGIN_LASTS - Duration::seconds(1)),
            )
            .exec(&db)
            .await
            .unwrap();
        assert_eq!(take(&db, "old").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_new_identity_becomes_a_user_with_the_default_or_mapped_role() {
        let (_t, db) = database().await;
        let SignIn::User(ana) = user_for(&db, &identity("Ana@Example.com", None), Role::Viewer)
            .await
            .unwrap()
        else {
            panic!("refused")
        };
        assert_eq!(
            (ana.username.as_str(), ana.role.as_str()),
            ("ana@example.com", "viewer")
        );
        assert_eq!(ana.email.as_deref(), Some("ana@example.com"));
        let again = user_for(&db, &identity("ana@example.com", None), Role::Admin)
            .await
            .unwrap();
        assert_eq!(
            again,
            SignIn::User(ana.clone()),
            "matched, not created twice"
        );
        let SignIn::User(ben) = user_for(
            &db,
            &identity("ben@example.com", Some(Role::Editor)),
            Role::Viewer,
        )
        .await
        .unwrap() else {
            panic!("refused")
        };
        assert_eq!(ben.role, "editor");
        assert!(
            crate::auth::verify_password(&db, "ben@example.com", NO_PASSWORD)
                .await
                .unwrap()
                .is_none(),
            "no password signs a single-sign-on user in"
        );
    }

    #[tokio::test]
    async fn groups_change_an_existing_users_role_and_a_disabled_user_is_refused() {
        let (_t, db) = database().await;
        crate::auth::add_user(
            &db,
            "setup",
            "cleo@example.com",
            Role::Viewer,
            "a long enough secret",
        )
        .await
        .unwrap();
        let SignIn::User(cleo) = user_for(
            &db,
            &identity("cleo@example.com", Some(Role::Admin)),
            Role::Viewer,
        )
        .await
        .unwrap() else {
            panic!("refused")
        };
        assert_eq!(cleo.role, "admin");
        assert_eq!(
            cleo.email.as_deref(),
            Some("cleo@example.com"),
            "linked by name"
        );
        let actions: Vec<String> = crate::entities::audit_log::Entity::find()
            .filter(crate::entities::audit_log::Column::EntityId.eq("cleo@example.com"))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{} by {}", e.action, e.actor))
            .collect();
        assert_eq!(
            actions,
            [
                "create by setup",
                "link e-mail by single sign-on",
                "role change by single sign-on"
            ]
        );
        crate::auth::disable_user(&db, "admin", "cleo@example.com")
            .await
            .unwrap();
        assert_eq!(
            user_for(&db, &identity("cleo@example.com", None), Role::Viewer)
                .await
                .unwrap(),
            SignIn::Disabled
        );
    }
}
