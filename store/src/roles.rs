//! A user's role changed: by an admin (`compute-ledger user set-role`) or by the identity
//! provider's groups at single sign-on. Every change is in the audit trail; the user's open
//! sessions and tokens take the new role on their next request (the role is read per request).

use crate::audit::{self, Change};
use crate::entities::user;
use domain::Role;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, IntoActiveModel, Set};

/// Sets `username`'s role; `Ok(None)` if there is no such user, else the role before.
pub async fn set_role(
    db: &DatabaseConnection,
    actor: &str,
    username: &str,
    role: Role,
) -> Result<Option<Role>, DbErr> {
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let Some(found) = crate::auth::find_user(&txn, username).await? else {
        return Ok(None);
    };
    let before = change_role(&txn, actor, found, role).await?;
    txn.commit().await?;
    Ok(Some(before))
}

/// Within the caller's transaction: the role set and audited if it differs; the role before.
pub(crate) async fn change_role(
    conn: &impl ConnectionTrait,
    actor: &str,
    found: user::Model,
    role: Role,
) -> Result<Role, DbErr> {
    let before: Role = found
        .role
        .parse()
        .map_err(|_| DbErr::Custom(format!("user {} has an unknown role", found.username)))?;
    if before == role {
        return Ok(before);
    }
    let username = found.username.clone();
    let mut active = found.into_active_model();
    active.role = Set(role.as_str().to_owned());
    active.update(conn).await?;
    audit::record(
        conn,
        Change {
            actor,
            entity: domain::AuditEntity::User,
            entity_id: Some(username),
            action: "role change",
            before: Some(serde_json::json!({ "role": before.as_str() })),
            after: Some(serde_json::json!({ "role": role.as_str() })),
        },
    )
    .await?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::audit_log;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    #[tokio::test]
    async fn a_role_change_is_audited_with_before_and_after() {
        let test = crate::testing::fresh_database().await.unwrap();
        let db = &crate::connect(&test.url).await.unwrap();
        crate::auth::add_user(db, "setup", "dana", Role::Viewer, "a long enough secret")
            .await
            .unwrap();
        assert_eq!(
            set_role(db, "admin", "dana", Role::Editor).await.unwrap(),
            Some(Role::Viewer)
        );
        assert_eq!(
            set_role(db, "admin", "dana", Role::Editor).await.unwrap(),
            Some(Role::Editor),
            "setting the same role again changes nothing"
        );
        assert_eq!(
            set_role(db, "admin", "nobody", Role::Admin).await.unwrap(),
            None
        );
        let changes = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("role change"))
            .all(db)
            .await
            .unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].actor, "admin");
        assert_eq!(changes[0].entity_id.as_deref(), Some("dana"));
        assert!(changes[0]
            .before
            .as_ref()
            .unwrap()
            .to_string()
            .contains("viewer"));
        assert!(changes[0]
            .after
            .as_ref()
            .unwrap()
            .to_string()
            .contains("editor"));
        let dana = crate::auth::find_user(db, "dana").await.unwrap().unwrap();
        assert_eq!(dana.role, "editor");
    }
}
